//! start_note / start_chord return handles: change pitch, volume or a parameter while the
//! note sounds, split it, end it when you like.
//! `cargo run --release --example note_handles -- --render handles.wav`

use scamp::ChangeOptions;

fn main() {
    scamp::run(|session| {
        let clarinet = session.new_part("clarinet")?;
        let strings = session.new_part("string ensemble")?;

        let note = clarinet.start_note(60.0, 0.5)?;
        session.wait(1.0)?;
        note.change_pitch(67.0, 2.0)?; // a two-beat glide
        note.change_volume(1.0, 2.0)?;
        session.wait(3.0)?;
        let second = note.split()?; // a new note continuing from where the first one is
        second.change_pitch_with(64.0, 0.5, ChangeOptions::new().curve_shape(-3.0))?;
        session.wait(1.0)?;
        second.end()?;

        let chord = strings.start_chord([48.0, 55.0, 64.0], 0.6)?;
        session.wait(1.0)?;
        chord.change_pitch(50.0, 2.0)?; // the whole chord moves up a whole step
        session.wait(3.0)?;
        chord.end()?;
        println!(
            "notes still sounding: {}",
            clarinet.num_notes_playing() + strings.num_notes_playing()
        );
        Ok(())
    });
}
