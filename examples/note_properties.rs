//! Note properties: articulations change how a note plays (staccato shortens, accent
//! louder...), explicit adjustments (`volume * 0.5`, `pitch + 12`) too; the rhythm and the
//! written notes stay as written. `param_NAME: value` declares a playback parameter (for MIDI
//! parts, a numeric name is that controller).
//! `cargo run --release --example note_properties -- --render properties.wav`

use scamp::prelude::*;

fn main() {
    scamp::run(|session| {
        let trumpet = session.new_part("trumpet")?;
        for props in [
            "",
            "staccato",
            "staccatissimo",
            "tenuto",
            "accent",
            "marcato",
        ] {
            trumpet.play_note_with(67, 0.5, 1.0, PlayOptions::new().properties(props))?;
        }
        trumpet.play_note_with(
            60,
            0.8,
            1.0,
            PlayOptions::new().properties("pitch + 12, volume * 0.5"),
        )?;
        trumpet.play_note_with(
            60,
            0.8,
            1.0,
            PlayOptions::new().properties("length * 0.25, accent"),
        )?;
        let parsed = NoteProperties::parse("staccato, param_1: 0.5, pitch + 0.5, fermata")?;
        println!("properties parsed: {parsed}");
        Ok(())
    });
}
