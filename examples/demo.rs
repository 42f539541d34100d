//! The demo piece: a seeded random melody over a slow bass, with a glissando to close.
//! Render it: `cargo run --release --example demo -- --render demo.wav`
//! (or play it: `--realtime`; change the dice: `--seed 7`).

use scamp::prelude::*;

fn main() {
    scamp::run(|session| {
        let piano = session.new_part("piano")?;
        let cello = session.new_part("cello")?;
        session.set_tempo(96.0)?;

        let bass = cello.clone();
        session.fork(move |_clock: Clock| -> scamp::Result<()> {
            for pitch in [36, 43, 41, 36] {
                bass.play_note(pitch, 0.6, 4.0, "")?;
            }
            Ok(())
        })?;

        let scale = [60.0, 62.0, 63.0, 65.0, 67.0, 68.0, 70.0, 72.0];
        while session.beat() < 15.0 {
            let pitch = *session.choice(&scale).expect("a scale");
            let length = *session.choice(&[0.25, 0.5, 0.5, 1.0]).expect("lengths");
            if session.random() < 0.15 {
                piano.play_note(None::<f64>, 0.0, length, "")?;
            } else {
                piano.play_note(pitch, session.uniform(0.4, 0.9), length, "")?;
            }
        }
        session.wait_for_children_to_finish()?;
        cello.play_note(vec![36.0, 48.0, 43.0], vec![0.8, 0.3], 4.0, "")?;
        Ok(())
    });
}
