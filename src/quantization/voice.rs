//! Quantizing one voice, as SCAMP's `_quantize_performance_voice` does: beat by beat, the
//! divisor whose grid best fits the onsets, terminations and inner split points falling in
//! the beat — their squared distances to the grid, weighted (onsets 1, terminations 0.5, inner
//! splits 0.75 by default) and multiplied by the divisor's undesirability — and then every
//! such point snapped to that grid (Python's round half to even). A note squeezed to nothing
//! gets one division. Glissandi are first split at their control points, so each point falls
//! on the grid too. Pure functions on notes; any thread.

use super::record::QuantizationRecord;
use super::scheme::{BeatQuantizationScheme, QuantizationScheme, Weighting};
use crate::error::{Error, Result};
use crate::transcribe::{Level, NoteLength, NotePitch, PerformanceNote};

/// The most beats a voice may span: beyond it, quantizing is refused rather than left to
/// walk (and record) millions of beats.
pub const MAX_QUANTIZED_BEATS: f64 = 1_000_000.0;

/// Quantizes `voice` (in start order) in place and returns the record of what was chosen.
pub(crate) fn quantize_voice(
    voice: &mut [PerformanceNote],
    scheme: &QuantizationScheme,
    weighting: Weighting,
) -> Result<QuantizationRecord> {
    check_timing(voice)?;
    if scheme.splits_glissandi() {
        for note in voice.iter_mut() {
            split_at_glissando_control_points(note);
        }
    }
    let mut onsets: Vec<(f64, usize)> = Vec::with_capacity(voice.len());
    let mut terminations: Vec<(f64, usize)> = Vec::with_capacity(voice.len());
    let mut inner_splits: Vec<(f64, usize)> = Vec::new();
    for (i, note) in voice.iter().enumerate() {
        onsets.push((note.start_beat, i));
        terminations.push((note.end_beat(), i));
        if let NoteLength::Tied(segments) = &note.length {
            let mut t = note.start_beat;
            for s in &segments[..segments.len().saturating_sub(1)] {
                t += s;
                inner_splits.push((t, i));
            }
        }
    }
    for list in [&mut onsets, &mut terminations, &mut inner_splits] {
        list.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let (mut next_onset, mut next_termination, mut next_split) = (0, 0, 0);
    let mut split_points: Vec<Vec<f64>> = vec![Vec::new(); voice.len()];
    let mut divisors = Vec::new();
    let mut beats = scheme.beat_schemes();
    while next_onset < onsets.len()
        || next_termination < terminations.len()
        || next_split < inner_splits.len()
    {
        let (beat, beat_start) = beats.next().expect("the beat schemes never end");
        let beat_end = beat_start + beat.length();
        let take = |list: &[(f64, usize)], next: &mut usize| {
            let from = *next;
            while *next < list.len() && list[*next].0 < beat_end {
                *next += 1;
            }
            from..*next
        };
        let these_onsets = &onsets[take(&onsets, &mut next_onset)];
        let these_terminations = &terminations[take(&terminations, &mut next_termination)];
        let these_splits = &inner_splits[take(&inner_splits, &mut next_split)];
        if these_onsets.is_empty() && these_terminations.is_empty() && these_splits.is_empty() {
            divisors.push(None);
            continue;
        }
        let divisor = best_divisor(
            beat,
            beat_start,
            [these_onsets, these_terminations, these_splits],
            weighting,
        );
        divisors.push(Some(divisor));
        let division = beat.length() / divisor as f64;
        let snap = |t: f64| beat_start + ((t - beat_start) / division).round_ties_even() * division;
        for &(t, i) in these_onsets {
            voice[i].start_beat = snap(t);
        }
        for &(t, i) in these_terminations {
            let note = &mut voice[i];
            set_end_beat(note, snap(t));
            if note.length.total() <= 0.0 {
                // Squeezed to nothing: one division long, forward if the beat has room.
                let left = match note.length {
                    NoteLength::Beats(b) => b,
                    NoteLength::Tied(_) => 0.0,
                };
                if note.start_beat + left + division > beat_end {
                    note.start_beat -= division;
                }
                note.length = NoteLength::Beats(left + division);
            }
        }
        for &(t, i) in these_splits {
            split_points[i].push(snap(t));
        }
    }
    let mut last_end = 0.0f64;
    for (note, mut splits) in voice.iter_mut().zip(split_points) {
        if !splits.is_empty() {
            splits.sort_by(f64::total_cmp);
            let mut last = note.start_beat;
            let mut lengths = Vec::with_capacity(splits.len() + 1);
            for s in splits {
                if s - last > HALF_TEN_DECIMALS {
                    lengths.push(s - last);
                }
                last = s;
            }
            let end = note.end_beat();
            if end - last > HALF_TEN_DECIMALS {
                lengths.push(end - last);
            }
            note.length = NoteLength::Tied(lengths);
        }
        last_end = last_end.max(note.end_beat());
        if let NotePitch::Single(Level::Envelope(pitch)) = &mut note.pitch {
            pitch.normalize_to_duration(note.length.total())?;
        }
    }
    QuantizationRecord::from_divisors(&divisors, last_end, scheme)
}

/// SCAMP keeps a split only if it is more than nothing at 10 decimals (`round(x, 10) > 0`).
const HALF_TEN_DECIMALS: f64 = 5e-11;

/// Starts and lengths that can be quantized: finite, lengths not negative, within
/// [`MAX_QUANTIZED_BEATS`].
fn check_timing(voice: &[PerformanceNote]) -> Result<()> {
    for note in voice {
        let segments: &[f64] = match &note.length {
            NoteLength::Beats(b) => std::slice::from_ref(b),
            NoteLength::Tied(v) => v,
        };
        if !note.start_beat.is_finite() || note.start_beat < 0.0 {
            return Err(Error::invalid_argument(
                "note start beat",
                note.start_beat,
                "a finite beat from 0 up, to quantize",
            ));
        }
        if segments.iter().any(|s| !s.is_finite() || *s < 0.0) {
            return Err(Error::invalid_argument(
                "note length",
                format!("{segments:?}"),
                "finite lengths of 0 or more, to quantize",
            ));
        }
        if note.end_beat() > MAX_QUANTIZED_BEATS {
            return Err(Error::invalid_argument(
                "note end beat",
                note.end_beat(),
                format!("at most {MAX_QUANTIZED_BEATS} beats, to quantize"),
            ));
        }
    }
    Ok(())
}

/// SCAMP's `end_beat` setter: a tied note's segments keep their proportions.
fn set_end_beat(note: &mut PerformanceNote, end: f64) {
    let length = end - note.start_beat;
    note.length = match &note.length {
        NoteLength::Tied(segments) => {
            let ratio = length / note.length.total();
            NoteLength::Tied(segments.iter().map(|s| s * ratio).collect())
        }
        NoteLength::Beats(_) => NoteLength::Beats(length),
    };
}

/// The divisor of `beat` with the least weighted, undesirability-scaled squared error of
/// `[onsets, terminations, inner splits]` from its grid; the first such in scheme order.
fn best_divisor(
    beat: &BeatQuantizationScheme,
    beat_start: f64,
    [onsets, terminations, splits]: [&[(f64, usize)]; 3],
    weighting: Weighting,
) -> u32 {
    let mut best = (None, f64::INFINITY);
    for &(divisor, undesirability) in beat.quantization_divisions() {
        let division = beat.length() / divisor as f64;
        let squared_error = |points: &[(f64, usize)]| -> f64 {
            points
                .iter()
                .map(|&(t, _)| {
                    let since = t - beat_start;
                    let off = since - (since / division).round_ties_even() * division;
                    off * off
                })
                .sum()
        };
        let score = undesirability
            * (weighting.termination * squared_error(terminations)
                + weighting.onset * squared_error(onsets)
                + weighting.inner_split * squared_error(splits));
        if score < best.1 {
            best = (Some(divisor), score);
        }
    }
    // A beat scheme always has a divisor; a NaN score cannot arise from checked timings.
    best.0
        .or_else(|| beat.quantization_divisions().first().map(|d| d.0))
        .unwrap_or(1)
}

/// SCAMP's glissando policy "split": a note whose pitch is an envelope is split into tied
/// segments at the envelope's inner control points.
fn split_at_glissando_control_points(note: &mut PerformanceNote) {
    let NotePitch::Single(Level::Envelope(pitch)) = &note.pitch else {
        return;
    };
    let times = pitch.times();
    for &point in &times[1..times.len().saturating_sub(1).max(1)] {
        if point <= 0.0 || point >= note.length.total() {
            continue;
        }
        note.length = split_length(&note.length, point);
    }
}

/// `length` split at `point` into tied segments (SCAMP's `_split_length`, joined): (3, 2, 4)
/// at 4.5 is (3, 1.5, 0.5, 4).
fn split_length(length: &NoteLength, point: f64) -> NoteLength {
    let segments: Vec<f64> = match length {
        NoteLength::Beats(b) => return NoteLength::Tied(vec![point, b - point]),
        NoteLength::Tied(v) => v.clone(),
    };
    let mut sum = 0.0;
    for (i, &s) in segments.iter().enumerate() {
        if sum + s < point {
            sum += s;
        } else if sum + s == point {
            return NoteLength::Tied(segments);
        } else {
            let mut out = segments[..i].to_vec();
            out.push(point - sum);
            out.push(sum + s - point);
            out.extend_from_slice(&segments[i + 1..]);
            return NoteLength::Tied(out);
        }
    }
    NoteLength::Tied(segments)
}
