//! Microtones: any fractional MIDI pitch plays in tune (each note gets a channel with its own
//! pitch bend). A quarter-tone scale, then a chord in 7-limit just intonation.
//! `cargo run --release --example microtonal -- --render microtonal.wav`

fn main() {
    scamp::run(|session| {
        let flute = session.new_part("flute")?;
        let organ = session.new_part("drawbar organ")?;
        for step in 0..=12 {
            flute.play_note(62.0 + 0.5 * step as f64, 0.7, 0.25)?;
        }
        // 4:5:6:7 above C3: 12 * log2(ratio) semitones above 48.
        let just: Vec<f64> = [4.0f64, 5.0, 6.0, 7.0]
            .iter()
            .map(|r| 48.0 + 12.0 * (r / 4.0).log2())
            .collect();
        organ.play_chord(just, 0.6, 4.0)?;
        Ok(())
    });
}
