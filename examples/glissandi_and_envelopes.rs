//! Pitch and volume envelopes: lists glide evenly over the note, an Envelope gives exact
//! shapes (durations, curve shapes), and a volume envelope swells and fades.
//! `cargo run --release --example glissandi_and_envelopes -- --render glissandi.wav`

use scamp::prelude::*;

fn main() {
    scamp::run(|session| {
        let violin = session.new_part("violin")?;
        // A list spreads its levels evenly over the note: up an octave and back.
        violin.play_note(vec![67.0, 79.0, 67.0], 0.7, 3.0)?;
        // An envelope: a slow start, then a fast drop (curve shapes bend each segment).
        let swoop =
            Envelope::from_levels_and_durations(&[72.0, 74.0, 60.0], &[2.0, 1.0], &[3.0, -2.0])?;
        violin.play_note(swoop, 0.7, 3.0)?;
        // A volume envelope: crescendo then diminuendo on one pitch.
        let swell =
            Envelope::from_levels_and_durations(&[0.1, 1.0, 0.05], &[2.0, 2.0], &[0.0, 0.0])?;
        violin.play_note(64, swell, 4.0)?;
        Ok(())
    });
}
