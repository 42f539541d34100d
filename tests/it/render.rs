//! Offline renders analysed as audio: onsets at the right samples under a curved tempo, pitch
//! (including microtones), glissandi, chords, rests, and byte-identical output across block
//! sizes and runs.

use crate::support::audio;

use audio::*;
use scamp::prelude::*;
use scamp::run::{render_piece, RenderOptions, RenderReport};

const SR: f64 = 44_100.0;

fn render(block_size: usize, piece: impl FnOnce(&Session) -> scamp::Result<()>) -> RenderReport {
    let options = RenderOptions {
        block_size,
        // The embedded font, whatever is installed: the analysis knows its waveforms.
        soundfont: Some("default".into()),
        ..RenderOptions::default()
    };
    let report = render_piece(&options, piece).expect("render");
    assert!(report.piece_error.is_none(), "{:?}", report.piece_error);
    assert_eq!(report.late_events, 0);
    report
}

fn sample(seconds: f64) -> usize {
    (seconds * SR).round() as usize
}

#[test]
fn a4_is_440_hz_and_a_quarter_tone_up_is_452_9() {
    let r = render(512, |s| {
        let flute = s.new_part("flute")?;
        flute.play_note(69, 0.8, 1.0)?;
        flute.play_note(69.5, 0.8, 1.0)?;
        Ok(())
    });
    let a4 = frequency(&r.left, SR, sample(0.2), sample(0.9));
    let a4_up = frequency(&r.left, SR, sample(1.2), sample(1.9));
    eprintln!("A4 measured {a4:.2} Hz, 69.5 measured {a4_up:.2} Hz");
    assert!((a4 - 440.0).abs() < 1.0, "A4 measured {a4:.2} Hz");
    assert!((a4_up - 452.89).abs() < 1.0, "69.5 measured {a4_up:.2} Hz");
}

#[test]
fn notes_start_on_their_sample_under_a_curved_tempo() {
    // A 60 → 120 bpm accelerando over 4 beats with curve shape 2: the notes' times come from
    // SCAMP's tempo curve facts, the onsets from the audio.
    let facts: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/scamp/tempo_curve_facts.json").unwrap(),
    )
    .unwrap();
    let curve = &facts["S=2"];
    let r = render(512, |s| {
        let organ = s.new_part("drawbar organ")?;
        s.set_tempo_target_with(120.0, 4.0, TargetOptions::default().curve_shape(2.0))?;
        for _ in 0..4 {
            organ.play_note(60, 0.9, 0.5)?;
            s.wait(0.5)?;
        }
        organ.play_note(60, 0.9, 0.5)?;
        Ok(())
    });
    let mut worst = 0i64;
    for (beat, key) in [(1.0, "1"), (2.0, "2"), (3.0, "3"), (4.0, "4")] {
        let t = curve[key]
            .as_f64()
            .unwrap_or_else(|| panic!("beat {beat} in fixture: {curve}"));
        let expected = sample(t);
        let found =
            onset(&r.left, expected.saturating_sub(400), expected + 2000, 2000).expect("an onset");
        let late = found as i64 - expected as i64;
        worst = worst.max(late.abs());
        // oxisynth applies events at the start of its next 64-sample chunk; the attack then
        // needs a few samples to cross the threshold.
        assert!(
            (0..=64 + 24).contains(&late),
            "beat {beat}: onset at {found}, expected {expected} (+{late})"
        );
    }
    eprintln!("worst onset offset: {worst} samples");
}

#[test]
fn a_glissando_moves_the_right_way_and_a_chord_has_all_its_partials() {
    let r = render(512, |s| {
        let flute = s.new_part("flute")?;
        flute.play_note(vec![60.0, 72.0], 0.8, 2.0)?;
        flute.play_chord([60.0, 64.0, 67.0], 0.6, 1.0)?;
        Ok(())
    });
    let early = frequency(&r.left, SR, sample(0.1), sample(0.4));
    let late = frequency(&r.left, SR, sample(1.6), sample(1.9));
    // The pitch moves linearly from 60 to 72 over 2 s: about 61.5 and 70.5 in the windows.
    assert!(
        (early / hz(61.5) - 1.0).abs() < 0.03,
        "glide start measured {early:.1} Hz"
    );
    assert!(
        (late / hz(70.5) - 1.0).abs() < 0.03,
        "glide end measured {late:.1} Hz"
    );
    let (from, to) = (sample(2.2), sample(2.9));
    let noise = magnitude_at(&r.left, SR, from, to, hz(62.0)).max(magnitude_at(
        &r.left,
        SR,
        from,
        to,
        hz(70.0),
    ));
    for p in [60.0, 64.0, 67.0] {
        let m = magnitude_at(&r.left, SR, from, to, hz(p));
        assert!(
            m > 10.0 * noise,
            "partial of {p}: {m:.5} vs off-pitch {noise:.5}"
        );
    }
}

#[test]
fn rests_are_silent() {
    let r = render(512, |s| {
        let piano = s.new_part("piano")?;
        piano.play_note(60, 0.8, 1.0)?;
        piano.play_note(None::<f64>, 0.8, 2.0)?;
        piano.play_note(64, 0.8, 1.0)?;
        Ok(())
    });
    let note = rms(&r.left, sample(0.1), sample(0.9));
    let rest = rms(&r.left, sample(1.8), sample(2.9));
    assert!(
        rest < note / 300.0,
        "rest rms {rest:.6} vs note rms {note:.6}"
    );
    assert!(
        rms(&r.left, sample(3.1), sample(3.9)) > note / 10.0,
        "the note after the rest sounds"
    );
}

fn busy_piece(s: &Session) -> scamp::Result<()> {
    let parts = [
        s.new_part("violin")?,
        s.new_part("cello")?,
        s.new_part("flute")?,
    ];
    for (i, part) in parts.iter().enumerate() {
        let part = part.clone();
        s.fork(move |c| {
            for n in 0..12 {
                let pitch = 55.0 + ((n * 7 + i * 5) % 19) as f64 + 0.25 * (i as f64);
                if n % 4 == 3 {
                    part.play_note(vec![pitch, pitch + 3.0], 0.7, 0.37)?;
                } else {
                    part.play_note(pitch, 0.4 + 0.05 * (n % 5) as f64, 0.23 + 0.1 * i as f64)?;
                }
                c.wait(0.05)?;
            }
            Ok(())
        })?;
    }
    s.set_tempo_target_with(150.0, 3.0, TargetOptions::default().curve_shape(-1.5))?;
    s.wait_for_children_to_finish()
}

#[test]
fn the_wav_is_byte_identical_across_block_sizes_and_runs() {
    let dir = std::env::temp_dir().join(format!("scamp-render-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (run, block) in [64usize, 512, 4096, 512].into_iter().enumerate() {
        let r = render(block, busy_piece);
        let path = dir.join(format!("run{run}-block{block}.wav"));
        r.write_wav(&path).unwrap();
        files.push(std::fs::read(&path).unwrap());
    }
    assert!(files[0].len() > 100_000);
    for f in &files[1..] {
        assert!(f == &files[0], "renders differ");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Three parts of 64 channels: a synth each, so a render has synths to play in parallel.
fn wide_piece(s: &Session) -> scamp::Result<()> {
    let mut parts = Vec::new();
    for name in ["violin", "cello", "flute"] {
        parts.push(s.new_part_with(name, PartOptions::new().num_channels(64))?);
    }
    assert_eq!(s.ensemble().audio_link().synth_fonts().len(), 3);
    for (i, part) in parts.into_iter().enumerate() {
        s.fork(move |c| {
            for n in 0..16 {
                let pitch = 50.0 + ((n * 5 + i * 7) % 23) as f64 + 0.5 * (i % 2) as f64;
                part.play_note(pitch, 0.5 + 0.03 * n as f64, 0.11 + 0.07 * i as f64)?;
                c.wait(0.04 + 0.01 * i as f64)?;
            }
            Ok(())
        })?;
    }
    s.wait_for_children_to_finish()
}

#[test]
fn the_audio_is_the_same_on_any_number_of_synth_threads() {
    let render_on = |threads: usize, block_size: usize| {
        let options = RenderOptions {
            block_size,
            threads,
            soundfont: Some("default".into()),
            ..RenderOptions::default()
        };
        let report = render_piece(&options, wide_piece).expect("render");
        assert!(report.piece_error.is_none(), "{:?}", report.piece_error);
        report
    };
    let one = render_on(1, 4096);
    assert!(one.frames > 44_100, "{} frames", one.frames);
    let peak = one.left.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(peak > 0.05, "peak {peak}");
    for (threads, block) in [(2, 4096), (3, 512), (4, 4096), (2, 100)] {
        let other = render_on(threads, block);
        assert_eq!(other.frames, one.frames, "{threads} threads, block {block}");
        let same = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(
            same(&one.left, &other.left) && same(&one.right, &other.right),
            "{threads} threads, block {block}: the audio differs from one thread's"
        );
    }
}

#[test]
fn a_panicking_piece_keeps_its_audio_and_reports_the_panic() {
    let options = RenderOptions {
        soundfont: Some("default".into()),
        ..RenderOptions::default()
    };
    let report = render_piece(&options, |s| {
        let piano = s.new_part("piano")?;
        piano.play_note(60, 0.8, 1.0)?;
        panic!("out of ideas");
    })
    .expect("the render itself succeeds");
    match report.piece_error.expect("the panic is reported") {
        Error::Panicked { clock, message } => {
            assert_eq!(
                (clock.as_str(), message.as_str()),
                ("MASTER", "out of ideas")
            )
        }
        other => panic!("not a panic: {other:?}"),
    }
    assert!(
        rms(&report.left, sample(0.1), sample(0.9)) > 0.01,
        "the note before the panic is there"
    );
}

#[test]
fn a_piece_command_line_saves_wav_json_midi_and_png() {
    use clap::Parser;
    let dir = std::env::temp_dir().join(format!("scamp-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let args = scamp::RunArgs::parse_from([
        "piece",
        "--render",
        &f("p.wav"),
        "--json",
        &f("p.json"),
        "--midi",
        &f("p.mid"),
        "--png",
        &f("p.png"),
        "--quiet",
        "--soundfont",
        "default",
        "--tempo",
        "120",
    ]);
    scamp::run_with(&args, |s| {
        let piano = s.new_part("piano")?;
        for p in [60, 62, 64] {
            piano.play_note(p, 0.7, 0.5)?;
        }
        Ok(())
    })
    .unwrap();
    let perf = scamp::transcribe::Performance::load_from_json(f("p.json")).unwrap();
    assert_eq!(perf.parts[0].num_notes(), 3);
    assert_eq!(perf.tempo_envelope.tempo_at(0.0), 120.0);
    let midi = std::fs::read(f("p.mid")).unwrap();
    assert_eq!(midly::Smf::parse(&midi).unwrap().tracks.len(), 2);
    assert!(std::fs::read(f("p.png")).unwrap().starts_with(b"\x89PNG"));
    let (sr, left, _) = scamp::render::wav::read_wav(std::path::Path::new(&f("p.wav"))).unwrap();
    assert_eq!(sr, 44_100);
    let seconds = left.len() as f64 / sr as f64;
    // Three half beats at 120 bpm (0.75 s), then the release tail and 0.25 s of silence.
    assert!(
        seconds > 1.0 && seconds < 0.75 + scamp::run::offline::MAX_TAIL,
        "{seconds} s"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A piece that never ends: an organ note held for ten beats inside a process, and a master
/// that waits forever (as a piece waiting for input does).
fn never_ending(s: &Session) -> scamp::Result<()> {
    let organ = s.new_part("organ")?;
    s.fork(move |_c| organ.play_note(60, 0.8, 10.0))?;
    s.wait_forever()
}

fn capped(block_size: usize, duration: f64) -> RenderReport {
    let options = RenderOptions {
        block_size,
        soundfont: Some("default".into()),
        transcribe: true,
        duration: Some(duration),
        ..RenderOptions::default()
    };
    render_piece(&options, never_ending).expect("render")
}

#[test]
fn duration_stops_a_piece_that_never_ends_at_the_same_sample_at_any_block_size() {
    let reports: Vec<RenderReport> = [64, 512, 4096].map(|b| capped(b, 1.5)).into();
    for report in &reports {
        assert!(report.piece_error.is_none(), "{:?}", report.piece_error);
        assert_eq!(report.piece_seconds, 1.5);
        assert_eq!(report.late_events, 0);
        assert_eq!(
            report.left, reports[0].left,
            "the same audio at every block size"
        );
    }
    let left = &reports[0].left;
    // The note sounds up to the cap, then ends there and rings out (the audio stops after).
    assert!(rms(left, sample(1.3), sample(1.5)) > 0.01);
    assert!(rms(left, sample(1.9), sample(2.0)) < rms(left, sample(1.3), sample(1.5)) / 10.0);
    assert!(reports[0].seconds() > 1.5 && reports[0].seconds() < 1.5 + 10.0);
    // It is transcribed as ending at the cap.
    let performance = reports[0].performance.as_ref().unwrap();
    let notes = performance.notes();
    assert_eq!(notes.len(), 1);
    assert!(
        (notes[0].1.end_beat() - 1.5).abs() < 1e-9,
        "{:?}",
        notes[0].1
    );
}

#[test]
fn a_process_stopped_at_the_duration_hears_that_the_session_stopped() {
    let (tx, rx) = std::sync::mpsc::channel();
    let options = RenderOptions {
        soundfont: Some("default".into()),
        duration: Some(0.5),
        ..RenderOptions::default()
    };
    let report = render_piece(&options, move |s| {
        // A forked process is unwound where it waits; the piece's own thread hears why.
        s.fork(|c| c.wait(10.0))?;
        let stopped = s.wait(10.0).unwrap_err();
        tx.send(stopped.clone()).unwrap();
        Err(stopped)
    })
    .unwrap();
    assert_eq!(
        rx.recv().unwrap(),
        Error::Aborted {
            clock: "MASTER".into()
        }
    );
    // Stopping at the duration is no failure of the piece, nor of the process it cut short.
    assert!(report.piece_error.is_none(), "{:?}", report.piece_error);
    assert_eq!(report.piece_seconds, 0.5);
}

#[test]
fn a_duration_that_is_not_a_positive_number_is_refused_by_name() {
    for bad in [0.0, -1.0, f64::NAN] {
        let options = RenderOptions {
            duration: Some(bad),
            ..RenderOptions::default()
        };
        let err = render_piece(&options, never_ending)
            .unwrap_err()
            .to_string();
        assert!(err.contains("--duration"), "{err}");
    }
}

#[test]
fn a_render_streamed_into_its_wav_is_the_render_kept_in_memory() {
    // A piece with a long reverb tail and a cap, so both the tail scan and the cut apply.
    let piece = |s: &Session| -> scamp::Result<()> {
        let piano = s.new_part("piano")?;
        for k in 0..12 {
            piano.play_note(48 + k * 3, 0.9, 0.375)?;
        }
        piano.play_chord([60, 64, 67], 0.9, 2.0)?;
        Ok(())
    };
    let kept = render(512, piece);
    let dir = std::env::temp_dir().join(format!("scamp-streamed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for block in [64, 512, 4096] {
        let wav = dir.join(format!("streamed-{block}.wav"));
        let options = RenderOptions {
            block_size: block,
            soundfont: Some("default".into()),
            wav: Some(wav.clone()),
            ..RenderOptions::default()
        };
        let streamed = render_piece(&options, piece).unwrap();
        assert!(streamed.wav_error.is_none(), "{:?}", streamed.wav_error);
        assert!(streamed.left.is_empty(), "the audio was not kept in memory");
        assert_eq!(streamed.frames, kept.left.len());
        let (rate, left, right) = scamp::render::wav::read_wav(&wav).unwrap();
        assert_eq!(rate, 44_100);
        assert!(left == kept.left && right == kept.right, "block {block}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
