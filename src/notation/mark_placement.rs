//! Which marks each written element of a note carries when a glissando's grace notes follow
//! it (SCAMP's `_attach_articulations_notations_and_spanners_to_xml_note_group`, and the same
//! rules in its LilyPond output), and the notehead each pitch of a chord is given. Shared by
//! the MusicXML and LilyPond writers. Pure functions; any thread.

use super::elements::NoteLike;
use super::piece::{articulation_protocol, is_stop_spanner, notation_protocol};
use serde_json::Value;

/// The marks one written element carries.
#[derive(Debug, Default, Clone)]
pub(crate) struct Placed {
    pub articulations: Vec<Value>,
    pub notations: Vec<Value>,
    pub spanners: Vec<Value>,
}

/// A note's marks over what is written of it: the note, then its grace notes (SCAMP's
/// `_attach_articulations_notations_and_spanners_to_xml_note_group`). Without grace notes the
/// note has them all; with them, the attack (the note, unless it continues a tie) takes the
/// marks of the attack and starting spanners, the release (the last grace note, unless the
/// note goes on) those of the release and stopping spanners, and the ones between the marks
/// that go on every piece.
pub(crate) fn distribute(n: &NoteLike, graces: usize) -> Vec<Placed> {
    if graces == 0 {
        return vec![Placed {
            articulations: n.articulations.clone(),
            notations: n.notations.clone(),
            spanners: n.spanners.clone(),
        }];
    }
    // The marks whose split protocol is one of `roles`, and the spanners `spanners` keeps.
    let placed = |roles: &[&str], spanners: fn(&Value) -> bool| {
        let pick = |marks: &[Value], protocol: fn(&str) -> &'static str| {
            marks
                .iter()
                .filter(|m| roles.contains(&protocol(m.as_str().unwrap_or(""))))
                .cloned()
                .collect::<Vec<_>>()
        };
        Placed {
            articulations: pick(&n.articulations, articulation_protocol),
            notations: pick(&n.notations, notation_protocol),
            spanners: n.spanners.iter().filter(|s| spanners(s)).cloned().collect(),
        }
    };
    let attack = placed(&["first", "both", "all"], |s| !is_stop_spanner(s));
    let release = placed(&["last", "both", "all"], is_stop_spanner);
    let inner = placed(&["all"], |_| false);
    (0..=graces)
        .map(|k| {
            if k == 0 && !n.ends_tie {
                attack.clone()
            } else if k == graces && !n.starts_tie {
                release.clone()
            } else {
                inner.clone()
            }
        })
        .collect()
}

/// The notehead name of each pitch of a note (the last given for the rest; normal if none).
pub(crate) fn noteheads(n: &NoteLike, pitches: usize) -> Vec<String> {
    let given: Vec<String> = n
        .properties
        .get("noteheads")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    (0..pitches)
        .map(|i| {
            given
                .get(i)
                .or(given.last())
                .cloned()
                .unwrap_or_else(|| "normal".to_string())
        })
        .collect()
}

/// A note's marks over what is written of it, as SCAMP's LilyPond output places them
/// (`attach_articulations`, `attach_notations`, `attach_spanners`): without grace notes the
/// note has them all; with them the attack (the note, unless it continues a tie) takes every
/// plain mark (or `"attack …"`) and the starting spanners, the release (the last grace note,
/// unless the note goes on) the `"release …"` marks and the stopping spanners, and everything
/// else written of the note the `"inner …"` marks. (SCAMP also drops plain marks of two words,
/// such as "trill mark", there; they stay on the attack here.)
pub(crate) fn distribute_as_lilypond(n: &NoteLike, graces: usize) -> Vec<Placed> {
    if graces == 0 {
        return distribute(n, 0);
    }
    let role_of = |mark: &str| -> (&'static str, String) {
        for role in ["attack", "inner", "release"] {
            if let Some(rest) = mark.strip_prefix(role).and_then(|r| r.strip_prefix(' ')) {
                return (role, rest.to_string());
            }
        }
        ("attack", mark.to_string())
    };
    let placed = |role: &str, spanners: fn(&Value) -> bool| {
        let pick = |marks: &[Value]| {
            marks
                .iter()
                .filter_map(Value::as_str)
                .map(role_of)
                .filter(|(r, _)| *r == role)
                .map(|(_, m)| Value::String(m))
                .collect::<Vec<_>>()
        };
        Placed {
            articulations: pick(&n.articulations),
            notations: pick(&n.notations),
            spanners: n.spanners.iter().filter(|s| spanners(s)).cloned().collect(),
        }
    };
    let attack = placed("attack", |s| !is_stop_spanner(s));
    let release = placed("release", is_stop_spanner);
    let inner = placed("inner", |_| false);
    (0..=graces)
        .map(|k| {
            if k == 0 && !n.ends_tie {
                attack.clone()
            } else if k == graces && !n.starts_tie {
                release.clone()
            } else {
                inner.clone()
            }
        })
        .collect()
}
