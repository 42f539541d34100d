//! [`Pacing`]: whether the host calls `process()` at the pace of a sound card, or faster.
//!
//! Some hosts say they run in real time and yet render much faster (DawDreamer; exports that
//! freewheel). There the plugin may wait for its piece, as it does in an offline bounce,
//! without ever making audio late for anyone. The rule:
//! - a host becomes *fast* when, over the last calls (at least [`MIN_CALLS`], at most
//!   [`WINDOW`]), the calls start less than [`FAST_RATIO`] of the audio they ask for apart. A
//!   sound card delivers a few blocks in a burst after a stall or at start, but not
//!   [`WINDOW`] in a row;
//! - it stays fast while the time the host spends between our calls (from one return to the
//!   next call) stays under [`FAST_RATIO`] of the audio: our own waiting lengthens the calls,
//!   not the host's gaps, so waiting never makes a fast host look real-time again;
//! - a real-time host is never made to wait.
//!
//! Audio thread only; reads the monotonic clock (a vDSO call, no system call or lock).

use std::time::Instant;

/// Calls looked back on.
pub const WINDOW: usize = 16;
/// Calls needed before the host can be judged fast.
pub const MIN_CALLS: usize = 3;
/// Faster than real time below this share of the audio time.
pub const FAST_RATIO: f64 = 0.5;

#[derive(Debug, Clone, Copy)]
struct Call {
    start: Instant,
    end: Option<Instant>,
    seconds: f64,
}

/// See the module docs.
#[derive(Debug, Clone, Default)]
pub struct Pacing {
    /// The last calls, oldest first once full (a ring).
    calls: [Option<Call>; WINDOW],
    next: usize,
    count: usize,
    fast: bool,
}

impl Pacing {
    /// A call for `seconds` of audio starts at `now`.
    pub fn begin(&mut self, now: Instant, seconds: f64) {
        self.calls[self.next] = Some(Call {
            start: now,
            end: None,
            seconds,
        });
        self.next = (self.next + 1) % WINDOW;
        self.count = (self.count + 1).min(WINDOW);
        self.judge();
    }

    /// The call begun last returns at `now`.
    pub fn end(&mut self, now: Instant) {
        if let Some(c) = self.calls[(self.next + WINDOW - 1) % WINDOW].as_mut() {
            c.end = Some(now);
        }
    }

    /// Calls recorded (up to [`WINDOW`]).
    pub fn calls(&self) -> usize {
        self.count
    }

    /// Whether the host calls faster than real time (see the module docs).
    pub fn faster_than_real_time(&self) -> bool {
        self.fast
    }

    fn judge(&mut self) {
        if self.count < MIN_CALLS {
            return;
        }
        let oldest = (self.next + WINDOW - self.count) % WINDOW;
        let at = |k: usize| self.calls[(oldest + k) % WINDOW];
        let (Some(first), Some(last)) = (at(0), at(self.count - 1)) else {
            return;
        };
        // Audio asked for before the last call, the wall time the calls spanned, and the
        // host's own time between our returns and its next calls.
        let mut audio = 0.0;
        let mut gaps = 0.0;
        for k in 0..self.count - 1 {
            let (Some(c), Some(next)) = (at(k), at(k + 1)) else {
                return;
            };
            audio += c.seconds;
            let returned = c.end.unwrap_or(c.start);
            gaps += next.start.saturating_duration_since(returned).as_secs_f64();
        }
        if audio <= 0.0 {
            return;
        }
        let spanned = last.start.duration_since(first.start).as_secs_f64();
        if !self.fast {
            self.fast = spanned < FAST_RATIO * audio;
        } else if gaps >= FAST_RATIO * audio {
            self.fast = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// `calls` calls `step` apart, each taking `took` inside the plugin.
    fn paced_taking(step: Duration, took: Duration, calls: usize) -> Pacing {
        let mut p = Pacing::default();
        let t0 = Instant::now();
        for i in 0..calls {
            let start = t0 + step * i as u32;
            p.begin(start, 0.010_666);
            p.end(start + took);
        }
        p
    }

    fn paced(step: Duration, calls: usize) -> Pacing {
        paced_taking(step, Duration::from_micros(200), calls)
    }

    #[test]
    fn a_host_at_sound_card_pace_is_real_time() {
        assert!(!paced(Duration::from_micros(10_666), 100).faster_than_real_time());
        // A little early now and then (jitter) is still real time.
        assert!(!paced(Duration::from_micros(8_000), 100).faster_than_real_time());
    }

    #[test]
    fn a_host_rendering_ten_times_faster_is_not() {
        assert!(paced(Duration::from_micros(1_066), 100).faster_than_real_time());
    }

    #[test]
    fn a_short_burst_after_a_stall_is_not_taken_for_a_fast_host() {
        let mut p = Pacing::default();
        let mut t = Instant::now();
        for i in 0..40 {
            // Real pace, except 4 blocks delivered back to back after a stall.
            t += if (20..24).contains(&i) {
                Duration::from_micros(50)
            } else {
                Duration::from_micros(10_666)
            };
            p.begin(t, 0.010_666);
            p.end(t + Duration::from_micros(30));
            assert!(!p.faster_than_real_time(), "call {i}");
        }
        assert!(
            !paced(Duration::ZERO, MIN_CALLS - 1).faster_than_real_time(),
            "too few calls"
        );
    }

    #[test]
    fn a_fast_host_stays_fast_while_the_plugin_waits() {
        // Back-to-back calls: fast. Then each call waits 20 ms for the piece (longer than the
        // block), and the host calls again at once: still fast.
        let mut p = Pacing::default();
        let mut t = Instant::now();
        for _ in 0..20 {
            p.begin(t, 0.010_666);
            t += Duration::from_micros(80);
            p.end(t);
            t += Duration::from_micros(20);
        }
        assert!(p.faster_than_real_time());
        for _ in 0..40 {
            p.begin(t, 0.010_666);
            t += Duration::from_millis(20);
            p.end(t);
            t += Duration::from_micros(20);
            assert!(p.faster_than_real_time());
        }
        // The host slows to real time: not fast any more.
        for _ in 0..40 {
            p.begin(t, 0.010_666);
            p.end(t + Duration::from_micros(300));
            t += Duration::from_micros(10_666);
        }
        assert!(!p.faster_than_real_time());
    }
}
