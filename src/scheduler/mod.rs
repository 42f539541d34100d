//! The scheduler: one per session. It owns every clock's state, the queue of wake-ups, the
//! ideal time and the baton.
//!
//! # Invariants
//! - **One ideal time.** `Core::now` (master seconds) only moves forward, and only when the
//!   scheduler pops a wake-up (or an external action is stamped at "now"). Every clock's beat
//!   and time derive from it through the tempo histories; nothing here reads the wall clock
//!   except the real-time driver deciding *when* to deliver.
//! - **One process at a time.** Whoever holds the baton (`Baton`) is the only code acting on
//!   the clocks: the scheduler thread while it runs a process (processes are stackful
//!   coroutines multiplexed on the scheduler thread, see `process`), the thread that owns the
//!   master clock's process, or an external thread that roused the session. The `Core` mutex
//!   is only held for short bookkeeping, never while user code runs.
//! - **Deterministic order.** Wake-ups at the same ideal time run deeper clocks first, then by
//!   fork path, then by insertion (`queue`); killed processes are unwound in tree order.

pub(crate) mod context;
pub mod driver;
mod family;
pub(crate) mod overflow;
pub mod paced;
pub(crate) mod pool;
pub(crate) mod process;
mod queue;
mod records;
mod run;
mod timeline;

pub use family::SyncPolicy;
pub(crate) use family::{ClockData, ProcState, ProcessBody};
pub(crate) use records::ClockRef;
pub(crate) use run::spawn_scheduler;

use crate::tempo::history::TempoHistory;
use driver::{Driver, TimingPolicy};
use queue::WakeQueue;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// Slot of a clock's record in its session (reused once the record is freed, see `records`).
pub(crate) type ClockId = usize;

/// Who may act on the clocks right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Baton {
    /// Nobody: the scheduler may run the next wake-up, or an external thread may take it.
    Idle,
    /// The scheduler thread is running a process (or a done callback).
    Scheduler,
    /// The OS thread that runs this clock's process (the master's, usually the main thread).
    Thread(ClockId),
    /// A thread outside the clock system, via `rouse_and_hold`.
    External(std::thread::ThreadId),
}

/// Everything behind the session's lock.
pub(crate) struct Core {
    pub clocks: Vec<ClockData>,
    pub queue: WakeQueue,
    pub now: f64,
    pub baton: Baton,
    pub external_waiting: usize,
    pub driver: Box<dyn Driver>,
    pub fast_forward: bool,
    pub fast_forward_until: Option<f64>,
    pub shutdown: bool,
    /// Killed processes still suspended, to be unwound by the scheduler in this order.
    pub to_reap: VecDeque<ClockId>,
    /// Wake-ups processed so far (for benchmarks).
    pub wakes: u64,
    /// When set, the master tempo belongs to someone else (a plugin host) and cannot be set.
    pub tempo_locked: bool,
    pub tempo_lock_reason: String,
    pub records: records::Records,
    /// Coroutine stacks: reserved by each fork (so a fork that cannot have one fails), given
    /// back when a process ends.
    pub stacks: process::StackPool,
}

/// A session's shared state: the core and the two places threads wait.
pub(crate) struct Shared {
    pub core: Mutex<Core>,
    /// The scheduler thread waits here.
    pub scheduler_cv: Condvar,
    /// Thread processes and external threads wanting the baton wait here.
    pub thread_cv: Condvar,
    pub id: u64,
    /// Which process is running user code, and since when (read without the lock by
    /// watchdogs looking for processes that never wait).
    pub busy: Busy,
    /// Processes that failed (returned an error, panicked, overflowed their stack).
    pub failures: Failures,
    /// Given up on: a process runs user code and never waits, so the scheduler thread cannot
    /// be stopped or joined (see `AbortHandle::abandon`).
    pub abandoned: std::sync::atomic::AtomicBool,
    /// This session's unsynchronized forks (at most `max_threads` at once).
    pub unsynchronized: Arc<pool::Limited>,
}

/// The session's record of failed processes: how many, and what the first few said.
#[derive(Default)]
pub(crate) struct Failures {
    inner: Mutex<(usize, Vec<String>)>,
}

impl Failures {
    /// Descriptions kept (the count goes on).
    const KEPT: usize = 8;

    pub fn record(&self, what: String) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.0 += 1;
        if inner.1.len() < Self::KEPT {
            inner.1.push(what);
        }
    }

    /// (count, the first descriptions).
    pub fn get(&self) -> (usize, Vec<String>) {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Since when a process has been running without waiting. Lock-free.
#[derive(Default)]
pub(crate) struct Busy {
    /// Nanoseconds since [`busy_epoch`] + 1 when the running process started; 0 when none runs.
    since: AtomicU64,
    clock: AtomicUsize,
}

fn busy_epoch() -> std::time::Instant {
    static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(std::time::Instant::now)
}

impl Busy {
    /// Process `id` starts (or resumes) running.
    pub fn start(&self, id: ClockId) {
        let ns = busy_epoch().elapsed().as_nanos() as u64 + 1;
        self.clock.store(id, Ordering::Relaxed);
        self.since.store(ns, Ordering::Release);
    }

    /// The running process blocked or ended.
    pub fn stop(&self) {
        self.since.store(0, Ordering::Release);
    }

    /// The process running now and for how long, if one is.
    pub fn running(&self) -> Option<(ClockId, std::time::Duration)> {
        let since = self.since.load(Ordering::Acquire);
        let clock = self.clock.load(Ordering::Relaxed);
        (since != 0).then(|| {
            let now = busy_epoch().elapsed().as_nanos() as u64 + 1;
            (
                clock,
                std::time::Duration::from_nanos(now.saturating_sub(since)),
            )
        })
    }
}

static NEXT_SESSION_ID: AtomicU64 = AtomicU64::new(1);

impl Shared {
    pub fn new(master_beat_length: f64, driver: Box<dyn Driver>) -> Arc<Shared> {
        let master = ClockData::new_master(TempoHistory::new(master_beat_length));
        Arc::new(Shared {
            core: Mutex::new(Core {
                clocks: vec![master],
                queue: WakeQueue::default(),
                now: 0.0,
                baton: Baton::Thread(0),
                external_waiting: 0,
                driver,
                fast_forward: false,
                fast_forward_until: None,
                shutdown: false,
                to_reap: VecDeque::new(),
                wakes: 0,
                tempo_locked: false,
                tempo_lock_reason: String::new(),
                records: records::Records::default(),
                stacks: process::StackPool::new(),
            }),
            scheduler_cv: Condvar::new(),
            thread_cv: Condvar::new(),
            busy: Busy::default(),
            failures: Failures::default(),
            abandoned: Default::default(),
            unsynchronized: Default::default(),
            id: NEXT_SESSION_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Locks the core. A panic while holding the lock can only come from a bug in this crate
    /// (user code never runs under it), so a poisoned lock is still consistent enough to use.
    pub fn lock(&self) -> MutexGuard<'_, Core> {
        self.core.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn notify_all(&self) {
        self.scheduler_cv.notify_all();
        self.thread_cv.notify_all();
    }

    /// Wakes threads waiting to act from outside, after setting a flag they check (see
    /// `context::acquire_external_unless`). Taking the lock first means none of them can be
    /// between checking the flag and going to sleep, so none misses the wake-up.
    pub(crate) fn wake_outside_callers(&self) {
        drop(self.lock());
        self.notify_all();
    }
}

impl Core {
    pub fn clock(&self, id: ClockId) -> &ClockData {
        &self.clocks[id]
    }

    pub fn clock_mut(&mut self, id: ClockId) -> &mut ClockData {
        &mut self.clocks[id]
    }

    /// The timing policy that governs delivering a wake-up of `id`: its own, else the nearest
    /// ancestor's (the master always has one).
    pub fn timing_policy(&self, id: ClockId) -> TimingPolicy {
        let mut cur = Some(id);
        while let Some(c) = cur {
            if let Some(policy) = self.clocks[c].timing_policy {
                return policy;
            }
            cur = self.clocks[c].parent;
        }
        TimingPolicy::default()
    }

    /// Next valid wake-up (time, clock), if any.
    pub fn next_wake(&mut self) -> Option<(f64, ClockId)> {
        let clocks = &self.clocks;
        self.queue
            .peek_valid(|e| clocks[e.clock].wake_version == e.version)
            .map(|e| (e.time, e.clock))
    }

    /// Next valid wake-up time, if any.
    pub fn next_wake_time(&mut self) -> Option<f64> {
        self.next_wake().map(|(t, _)| t)
    }

    /// Whether the next wake-up lies before the wall clock's now (a real-time driver's say), so
    /// it runs before an action from outside takes "now": otherwise a stream of outside actions
    /// (or a late delivery) would hold each action at the wake-up's time, before it arrived.
    pub fn wake_due_before_outside(&mut self) -> bool {
        let Some(time) = self.next_wake_time() else {
            return false;
        };
        let fast = self.fast_forward || self.fast_forward_until.is_some_and(|u| time <= u);
        !fast && self.driver.due_before_outside(time)
    }
}
