//! The audio-paced driver: ideal time may advance up to a **horizon** that the audio side
//! moves forward (audio position + lookahead), so every event exists before its block is
//! rendered.
//!
//! Two ends share one [`Pace`]:
//! - the scheduler, through [`AudioPacedDriver`]: a wake-up before the horizon goes; one at or
//!   after it waits. Whenever the scheduler stops at the horizon (or runs out of work) it
//!   records the horizon as **reached** (and, as each wake-up goes, that wake-up's time:
//!   everything before it is in);
//! - the audio side: [`Pace::advance`] (real time: never blocks; stores the horizon in an
//!   atomic and pokes the scheduler) or, offline only, [`OfflinePace::advance_and_wait`]
//!   (also waits until the scheduler has reached the horizon, or the piece is over). The
//!   blocking half is on its own type so that a real-time caller, holding a `Pace`, cannot
//!   reach it.
//!
//! The horizon counts seconds of ideal time, or master beats when a plugin host owns the tempo
//! ([`Pace::in_beats`]); then the host's tempo reaches the master clock through
//! [`Pace::set_host_tempo`] and the scheduler applies it at the master's current beat.
//!
//! Lock order: the scheduler holds its core lock and then briefly the pace lock; the audio
//! side never holds both.

use super::driver::{Driver, Permit, Signal, TimingPolicy};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Backstop for a wake-up lost between a check and a wait (the audio side notifies without
/// taking the scheduler's lock in real time).
const POLL: Duration = Duration::from_millis(2);

struct PaceInner {
    /// Whether the horizon counts master beats (a plugin host owns the tempo) or seconds.
    in_beats: bool,
    /// A master beat length set by the host and not yet applied (bits; 0 = none).
    host_beat_length: AtomicU64,
    horizon: AtomicU64,
    reached: AtomicU64,
    finished: AtomicBool,
    lock: Mutex<()>,
    cv: Condvar,
    signal: OnceLock<Signal>,
}

/// The handle both ends share. Cheap to clone.
#[derive(Clone)]
pub struct Pace {
    inner: Arc<PaceInner>,
}

impl std::fmt::Debug for Pace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pace")
            .field("in_beats", &self.inner.in_beats)
            .field("horizon", &self.horizon())
            .field("reached", &self.reached())
            .field("finished", &self.is_finished())
            .finish()
    }
}

impl Default for Pace {
    fn default() -> Self {
        Self::with_units(false)
    }
}

impl Pace {
    fn with_units(in_beats: bool) -> Self {
        Pace {
            inner: Arc::new(PaceInner {
                in_beats,
                host_beat_length: AtomicU64::new(0),
                horizon: AtomicU64::new(0f64.to_bits()),
                reached: AtomicU64::new(f64::NEG_INFINITY.to_bits()),
                finished: AtomicBool::new(false),
                lock: Mutex::new(()),
                cv: Condvar::new(),
                signal: OnceLock::new(),
            }),
        }
    }

    /// A pace whose horizon is in seconds of ideal time (standalone and offline audio).
    pub fn new() -> Self {
        Self::default()
    }

    /// A pace whose horizon is in master beats, for a host that owns the tempo: the host
    /// reports its tempo with [`set_host_tempo`](Self::set_host_tempo).
    pub fn in_beats() -> Self {
        Self::with_units(true)
    }

    /// Whether the horizon counts master beats.
    pub fn is_in_beats(&self) -> bool {
        self.inner.in_beats
    }

    /// The host's tempo (bpm), applied to the master clock at its current beat. Lock-free;
    /// real-time safe. Non-positive or non-finite values are ignored.
    pub fn set_host_tempo(&self, bpm: f64) {
        if bpm.is_finite() && bpm > 0.0 {
            let bits = (60.0 / bpm).to_bits();
            if self.inner.host_beat_length.swap(bits, Ordering::AcqRel) != bits {
                if let Some(signal) = self.inner.signal.get() {
                    signal.poke();
                }
            }
        }
    }

    /// The driver for the session this pace belongs to.
    pub fn driver(&self) -> AudioPacedDriver {
        AudioPacedDriver {
            pace: self.clone(),
            applied_beat_length: 0,
        }
    }

    /// How far the scheduler may run.
    pub fn horizon(&self) -> f64 {
        f64::from_bits(self.inner.horizon.load(Ordering::Acquire))
    }

    /// The horizon the scheduler last stopped at.
    pub fn reached(&self) -> f64 {
        f64::from_bits(self.inner.reached.load(Ordering::Acquire))
    }

    /// Real-time advance: lock-free, never waits. Ignores horizons behind the current one.
    pub fn advance(&self, horizon: f64) {
        if horizon > self.horizon() {
            self.inner
                .horizon
                .store(horizon.to_bits(), Ordering::Release);
            if let Some(signal) = self.inner.signal.get() {
                signal.poke();
            }
        }
    }

    /// The piece is over: nothing more will be scheduled; stop waiting for the scheduler.
    pub fn finish(&self) {
        self.inner.finished.store(true, Ordering::Release);
        let _guard = self.inner.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.inner.cv.notify_all();
    }

    /// Whether the piece is over.
    pub fn is_finished(&self) -> bool {
        self.inner.finished.load(Ordering::Acquire)
    }

    /// Raises **reached** to `to` without waking the offline renderer. Only the scheduler
    /// writes it, so the load and the store need not be one operation.
    fn raise_reached(&self, to: f64) {
        if self.reached() < to {
            self.inner.reached.store(to.to_bits(), Ordering::Release);
        }
    }

    fn mark_reached(&self) {
        let h = self.horizon();
        if self.reached() < h {
            self.inner.reached.store(h.to_bits(), Ordering::Release);
            let _guard = self.inner.lock.lock().unwrap_or_else(|e| e.into_inner());
            self.inner.cv.notify_all();
        }
    }
}

/// The offline renderer's end of a [`Pace`]: it may also wait for the scheduler
/// ([`advance_and_wait`](Self::advance_and_wait)). Made only by the thread that renders
/// offline; the real-time paths hold a plain `Pace`, whose methods never block.
#[derive(Debug)]
pub struct OfflinePace(Pace);

impl Default for OfflinePace {
    fn default() -> Self {
        Self::new()
    }
}

impl OfflinePace {
    /// A pace in seconds of ideal time.
    pub fn new() -> Self {
        OfflinePace(Pace::new())
    }

    /// A pace in master beats, for a host that owns the tempo (see [`Pace::in_beats`]).
    pub fn in_beats() -> Self {
        OfflinePace(Pace::in_beats())
    }

    /// The pace both ends share (for the session's driver).
    pub fn pace(&self) -> &Pace {
        &self.0
    }

    /// Offline advance: moves the horizon to `ahead` and waits until the scheduler has run
    /// everything before `needed` (at most `ahead`), or the piece has finished. The scheduler
    /// so works on what lies between while the caller renders up to `needed`. `meanwhile` runs
    /// while waiting (the renderer drains its ring there, so a busy scheduler never blocks on
    /// a full ring, and watches for a process that never waits); it returns false to stop
    /// waiting.
    pub fn advance_and_wait(&self, ahead: f64, needed: f64, mut meanwhile: impl FnMut() -> bool) {
        let pace = &self.0;
        let needed = needed.min(ahead);
        let before = pace.horizon();
        if ahead > before {
            pace.inner.horizon.store(ahead.to_bits(), Ordering::Release);
        }
        if let Some(signal) = pace.inner.signal.get().filter(|_| ahead > before) {
            if pace.reached() >= before {
                // Parked at the old horizon: a wake-up it cannot miss (its lock is free).
                signal.notify();
            } else {
                // Still working towards the old horizon, holding its lock at times: it reads
                // the new one when it gets there (a wake-up lost in between is caught by the
                // driver's poll), so this need not wait for the lock.
                signal.poke();
            }
        }
        if pace.reached() >= needed || pace.is_finished() {
            return;
        }
        let mut guard = pace.inner.lock.lock().unwrap_or_else(|e| e.into_inner());
        while pace.reached() < needed && !pace.is_finished() {
            drop(guard);
            if !meanwhile() {
                return;
            }
            guard = pace.inner.lock.lock().unwrap_or_else(|e| e.into_inner());
            if pace.reached() >= needed || pace.is_finished() {
                break;
            }
            guard = pace
                .inner
                .cv
                .wait_timeout(guard, POLL)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

impl std::ops::Deref for OfflinePace {
    type Target = Pace;
    fn deref(&self) -> &Pace {
        &self.0
    }
}

#[derive(Debug)]
/// The scheduler's end of a [`Pace`]. See the module docs.
pub struct AudioPacedDriver {
    pace: Pace,
    /// The host beat length last handed to the scheduler (bits).
    applied_beat_length: u64,
}

impl AudioPacedDriver {
    fn permit_position(&mut self, position: f64) -> Permit {
        if position < self.pace.horizon() {
            // Wake-ups run in time order: everything before this one is in. Recorded without a
            // notification (the offline renderer's wait polls), so that a process which then
            // never waits still lets the audio before it be rendered.
            self.pace.raise_reached(position);
            Permit::Go
        } else {
            self.pace.mark_reached();
            Permit::SleepUntil(Instant::now() + POLL)
        }
    }
}

impl Driver for AudioPacedDriver {
    fn permit(&mut self, _now: f64, target: f64, _policy: TimingPolicy) -> Permit {
        self.permit_position(target)
    }

    fn permit_at(
        &mut self,
        _now: f64,
        target: f64,
        target_beat: f64,
        _policy: TimingPolicy,
    ) -> Permit {
        self.permit_position(if self.pace.inner.in_beats {
            target_beat
        } else {
            target
        })
    }

    fn host_beat_length(&mut self) -> Option<f64> {
        let bits = self.pace.inner.host_beat_length.load(Ordering::Acquire);
        let applied = self.applied_beat_length;
        (bits != 0 && bits != applied).then(|| {
            self.applied_beat_length = bits;
            f64::from_bits(bits)
        })
    }

    fn advanced(&mut self, _now: f64) {}

    fn resync(&mut self, _now: f64) {}

    fn idle(&mut self) {
        self.pace.mark_reached();
    }

    fn attach(&mut self, signal: Signal) {
        let _ = self.pace.inner.signal.set(signal);
    }

    fn external_now(&self, now: f64, next: Option<f64>) -> f64 {
        if self.pace.inner.in_beats {
            return now;
        }
        // Actions from outside happen at the horizon (audio + lookahead), never past a
        // pending wake-up.
        self.pace
            .horizon()
            .min(next.unwrap_or(f64::INFINITY))
            .max(now)
    }

    fn external_horizon_beat(&self) -> Option<f64> {
        self.pace.inner.in_beats.then(|| self.pace.horizon())
    }

    fn name(&self) -> &'static str {
        "audio-paced"
    }
}
