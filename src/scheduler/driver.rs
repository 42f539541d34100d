//! Drivers decide when ideal time may advance: the only thing that differs between
//! fast-forward, real-time and audio-paced runs.
//!
//! The scheduler asks [`Driver::permit`] before moving ideal time to the next wake-up. A driver
//! never changes *what* happens, only *when* it is delivered, so every driver produces the same
//! events. Drivers are called with the session's core lock held and must return promptly: to
//! wait they return [`Permit::SleepUntil`] or [`Permit::WaitForSignal`] and the scheduler waits
//! on its condition variable, where external actions (and [`Signal`]s) can interrupt it.

use super::Shared;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// Wakes a session's scheduler from outside (an audio callback that moved its horizon).
#[derive(Debug, Clone)]
pub struct Signal {
    shared: Weak<Shared>,
}

impl Signal {
    pub(crate) fn new(shared: &Arc<Shared>) -> Self {
        Signal {
            shared: Arc::downgrade(shared),
        }
    }

    /// Wakes the scheduler, taking its lock so the wake-up cannot be missed (may block
    /// briefly: not for real-time threads).
    pub fn notify(&self) {
        if let Some(shared) = self.shared.upgrade() {
            let _core = shared.lock();
            shared.scheduler_cv.notify_all();
        }
    }

    /// Wakes the scheduler without taking any lock (real-time safe; a wake-up racing with the
    /// scheduler going to sleep is caught by the driver's short poll).
    pub fn poke(&self) {
        if let Some(shared) = self.shared.upgrade() {
            shared.scheduler_cv.notify_all();
        }
    }
}

/// What the scheduler may do about the next wake-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Permit {
    /// Advance now.
    Go,
    /// Ask again at this wall-clock instant (or earlier, if something else happens).
    SleepUntil(Instant),
    /// Ask again when [`Signal::notify`] is called (an audio callback moved its horizon).
    WaitForSignal,
}

/// How a clock responds to getting behind in real time (SCAMP's `timing_policy`). With ideal
/// gap `d` since the last delivery, absolute target `A` and policy value `p`, the next event is
/// delivered at `min(last + d/p, max(last + p*d, A))`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimingPolicy {
    /// Keep the time since the start exact; snap back to the grid after falling behind (p = 0).
    Absolute,
    /// Make each wait as long as asked; never catch up (p = 1).
    Relative,
    /// Shorten a wait to no less than this fraction of its ideal length to catch up.
    Mixed(f64),
}

impl Default for TimingPolicy {
    fn default() -> Self {
        TimingPolicy::Mixed(0.98)
    }
}

impl TimingPolicy {
    /// How relative the policy is: 0 absolute, 1 relative.
    pub fn coefficient(self) -> f64 {
        match self {
            TimingPolicy::Absolute => 0.0,
            TimingPolicy::Relative => 1.0,
            TimingPolicy::Mixed(p) => p,
        }
    }
}

/// Advances ideal time for one session. See the module docs.
pub trait Driver: Send + 'static {
    /// May ideal time move from `now` to `target` (same units as the master clock's time)?
    fn permit(&mut self, now: f64, target: f64, policy: TimingPolicy) -> Permit;
    /// [`permit`](Self::permit) with the master clock's beat at `target` too (what the
    /// scheduler calls; drivers whose horizon is in beats override this).
    fn permit_at(
        &mut self,
        now: f64,
        target: f64,
        _target_beat: f64,
        policy: TimingPolicy,
    ) -> Permit {
        self.permit(now, target, policy)
    }
    /// A master beat length (seconds per beat) someone outside the piece (a plugin host) has
    /// set since the last call; the scheduler applies it at the current beat.
    fn host_beat_length(&mut self) -> Option<f64> {
        None
    }
    /// Ideal time has moved to `now`.
    fn advanced(&mut self, now: f64);
    /// Fast-forwarding ended at `now`: re-anchor wall time there.
    fn resync(&mut self, now: f64);
    /// The ideal time at which an action arriving from outside the clock system happens, given
    /// the current ideal time and the next scheduled wake-up.
    fn external_now(&self, now: f64, next_wake: Option<f64>) -> f64;
    /// A short name for logs and benchmarks.
    fn name(&self) -> &'static str;
    /// The scheduler has nothing to run (no wake-up pending).
    fn idle(&mut self) {}
    /// For a driver whose horizon counts master beats: that horizon, which is "now" for
    /// actions from outside (they then lead the audio by the lookahead, as everything does).
    fn external_horizon_beat(&self) -> Option<f64> {
        None
    }
    /// Called once when the session starts, with a way to wake its scheduler.
    fn attach(&mut self, _signal: Signal) {}
    /// Whether the wake-up at `target` lies before "now" for an action from outside, so it
    /// must run first (whatever the timing policy says), and the action be stamped after it
    /// rather than held at `target`, before it arrived. Only a wall-clock driver says yes.
    fn due_before_outside(&mut self, _target: f64) -> bool {
        false
    }
}

/// No waiting at all: ideal time jumps from one wake-up to the next.
#[derive(Debug, Default, Clone, Copy)]
pub struct FastForwardDriver;

impl Driver for FastForwardDriver {
    fn permit(&mut self, _now: f64, _target: f64, _policy: TimingPolicy) -> Permit {
        Permit::Go
    }
    fn advanced(&mut self, _now: f64) {}
    fn resync(&mut self, _now: f64) {}
    fn external_now(&self, now: f64, _next: Option<f64>) -> f64 {
        now
    }
    fn name(&self) -> &'static str {
        "fast-forward"
    }
}

/// Delivers each wake-up at its wall-clock time, following the waking clock's timing policy.
/// `speed` > 1 compresses time (2.0 plays twice as fast), for tests and previews.
#[derive(Debug, Clone)]
pub struct RealTimeDriver {
    speed: f64,
    anchor: Option<(Instant, f64)>,
    last_wall: Option<Instant>,
    last_ideal: f64,
}

impl RealTimeDriver {
    /// A driver that sleeps until each wake-up's wall-clock time.
    pub fn new() -> Self {
        Self::with_speed(1.0)
    }

    /// A driver running `speed` times faster than the wall clock (must be > 0).
    pub fn with_speed(speed: f64) -> Self {
        let speed = if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            1.0
        };
        RealTimeDriver {
            speed,
            anchor: None,
            last_wall: None,
            last_ideal: 0.0,
        }
    }

    fn wall_of(&self, ideal: f64) -> Instant {
        let (origin, origin_ideal) = self.anchor.expect("anchored");
        origin + secs((ideal - origin_ideal) / self.speed)
    }
}

impl Default for RealTimeDriver {
    fn default() -> Self {
        Self::new()
    }
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s.clamp(0.0, 1e9))
}

impl Driver for RealTimeDriver {
    fn permit(&mut self, now: f64, target: f64, policy: TimingPolicy) -> Permit {
        if self.anchor.is_none() {
            self.resync(now);
        }
        let last = self.last_wall.expect("anchored");
        let d = (target - self.last_ideal).max(0.0) / self.speed;
        let absolute = self.wall_of(target);
        let p = policy.coefficient();
        let latest = if p > 0.0 {
            last + secs(d / p)
        } else {
            absolute.max(last)
        };
        let when = latest.min((last + secs(p * d)).max(absolute));
        if Instant::now() >= when {
            Permit::Go
        } else {
            Permit::SleepUntil(when)
        }
    }

    fn advanced(&mut self, now: f64) {
        self.last_wall = Some(Instant::now());
        self.last_ideal = now;
    }

    fn resync(&mut self, now: f64) {
        let wall = Instant::now();
        self.anchor = Some((wall, now));
        self.last_wall = Some(wall);
        self.last_ideal = now;
    }

    /// The wall clock's now on the session's anchor: an action from outside happens when it
    /// arrived, however late wake-ups have been delivered (those due before it have run first:
    /// [`due_before_outside`](Driver::due_before_outside)).
    fn external_now(&self, now: f64, next: Option<f64>) -> f64 {
        let Some((origin, origin_ideal)) = self.anchor else {
            return now;
        };
        let elapsed = Instant::now()
            .saturating_duration_since(origin)
            .as_secs_f64()
            * self.speed;
        let t = origin_ideal + elapsed;
        t.max(now).min(next.unwrap_or(f64::INFINITY).max(now))
    }

    fn due_before_outside(&mut self, target: f64) -> bool {
        self.anchor.is_some() && Instant::now() >= self.wall_of(target)
    }

    fn name(&self) -> &'static str {
        "real-time"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_formula_limits() {
        let mut d = RealTimeDriver::with_speed(1.0);
        d.resync(0.0);
        // Far in the future: must sleep.
        assert!(matches!(
            d.permit(0.0, 10.0, TimingPolicy::Absolute),
            Permit::SleepUntil(_)
        ));
        // Already due: go.
        assert_eq!(d.permit(0.0, 0.0, TimingPolicy::Relative), Permit::Go);
    }

    #[test]
    fn behind_schedule_the_mixed_policy_shortens_waits_but_not_below_p() {
        let mut d = RealTimeDriver::with_speed(1.0);
        d.resync(0.0);
        // Pretend we are 1 s behind: the previous delivery happened 1 s late.
        let start = d.anchor.unwrap().0;
        d.last_wall = Some(start + Duration::from_secs(1));
        d.last_ideal = 0.0;
        let Permit::SleepUntil(when) = d.permit(0.0, 1.0, TimingPolicy::Mixed(0.5)) else {
            panic!("must sleep")
        };
        let gap = when
            .duration_since(start + Duration::from_secs(1))
            .as_secs_f64();
        assert!((gap - 0.5).abs() < 1e-6, "p*d = 0.5 s, got {gap}");
        let Permit::SleepUntil(when) = d.permit(0.0, 1.0, TimingPolicy::Relative) else {
            panic!("must sleep")
        };
        let gap = when
            .duration_since(start + Duration::from_secs(1))
            .as_secs_f64();
        assert!(
            (gap - 1.0).abs() < 1e-6,
            "relative never catches up, got {gap}"
        );
    }
}
