//! Two pieces of my own, as a CLAP/VST3 plugin: one macro call does the rest.

use scamp::prelude::*;

/// A three-voice canon: each entry a bar later and a fifth higher.
fn canon(session: &Session) -> scamp::Result<()> {
    let melody = [60.0, 62.0, 64.0, 60.0, 64.0, 65.0, 67.0, 67.0];
    for voice in 0..3 {
        let part = session.new_part(["piano", "vibraphone", "marimba"][voice])?;
        session.fork_with(
            move |_clock| loop {
                for pitch in melody {
                    part.play_note(pitch + 7.0 * voice as f64, 0.6, 0.5)?;
                }
            },
            ForkOptions::new().schedule_at(MetricPhaseTarget::new(4.0 * voice as f64, 16.0)?),
        )?;
    }
    session.wait_forever()
}

/// A drone that glides between two fifths every two bars.
fn drone(session: &Session) -> scamp::Result<()> {
    let organ = session.new_part("church organ")?;
    loop {
        organ.play_chord([48.0, 55.0], 0.5, 8.0)?;
        organ.play_chord([vec![50.0, 48.0], vec![57.0, 55.0]], 0.5, 8.0)?;
    }
}

scamp_plugin::scamp_plugin!(
    MyPieces,
    "My Pieces",
    "com.example.my-pieces",
    *b"MyPiecesScampPlg",
    [("Canon", canon), ("Drone", drone)]
);
