//! Processes as stackful coroutines, and blocking (`wait`) from inside one.
//!
//! Every forked process is a [`corosensei`] coroutine created and resumed only on its
//! session's scheduler thread: a wait is a stack switch (tens of nanoseconds), not an OS
//! thread hand-off (several microseconds), and coroutines never migrate between threads, so
//! thread-locals and non-`Send` values held across a wait stay sound. Stacks are reused from a
//! pool. The one process that is an OS thread is the master's (the thread that made the
//! session): it blocks by handing the baton to the scheduler and parking until given it back.
//!
//! A killed process is resumed with [`Resume::Kill`]; its pending `wait` then unwinds with a
//! [`Killed`] payload (no panic message), running the process's destructors, and the process
//! boundary swallows it. Any other panic is caught at the boundary and reported with the
//! clock's name; the rest of the family keeps playing.

use super::context::{self, Caller, Resume, Yielder};
use super::{Baton, ClockId, Core, Shared};
use crate::error::{Error, Result};
use corosensei::stack::DefaultStack;
use corosensei::Coroutine;
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

pub(crate) type Coro = Coroutine<Resume, (), (), DefaultStack>;

/// Unwind payload of a killed process.
pub(crate) struct Killed;

/// Default stack of a process; `SCAMP_PROCESS_STACK_KIB` overrides it. Only touched pages
/// use memory, so a generous size costs address space, not RAM.
const DEFAULT_STACK_KIB: usize = 1024;

/// Reusable coroutine stacks.
pub(crate) struct StackPool {
    free: Vec<DefaultStack>,
    size: usize,
}

/// The stack of a process, in KiB: `SCAMP_PROCESS_STACK_KIB` (at least 64), else 1024.
pub(crate) fn stack_kib() -> usize {
    std::env::var("SCAMP_PROCESS_STACK_KIB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&k| k >= 64)
        .unwrap_or(DEFAULT_STACK_KIB)
}

impl StackPool {
    pub fn new() -> Self {
        StackPool {
            free: Vec::new(),
            size: stack_kib() * 1024,
        }
    }

    /// A stack for a new process; the error says why none can be had (the usual reason is
    /// the kernel's limit of memory maps: each stack and its guard page take two).
    pub fn take(&mut self) -> Result<DefaultStack> {
        match self.free.pop() {
            Some(s) => Ok(s),
            None => DefaultStack::new(self.size).map_err(|e| Error::Resource {
                what: "a new process",
                reason: format!(
                    "{e} (each process alive takes two memory maps, and the kernel allows {} in all: about {} processes at once; end some first, or raise vm.max_map_count)",
                    max_map_count().map_or("a limited number".into(), |n| n.to_string()),
                    max_map_count().map_or("30,000".into(), |n| (n / 2).to_string()),
                ),
            }),
        }
    }

    pub fn give(&mut self, stack: DefaultStack) {
        // Keep enough for bursts of forks without hoarding address space forever.
        if self.free.len() < 4096 {
            self.free.push(stack);
        }
    }
}

/// Linux's `vm.max_map_count`, if it can be read.
fn max_map_count() -> Option<usize> {
    std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Creates the coroutine for a process body on `stack` (reserved when it was forked).
pub(crate) fn make_coroutine(stack: DefaultStack, body: Box<dyn FnOnce() + Send>) -> Coro {
    Coroutine::with_stack(stack, move |yielder: &Yielder, first: Resume| {
        if let Some(mut r) = context::running() {
            r.yielder = yielder as *const Yielder;
            context::set_running(Some(r));
        }
        if first == Resume::Go {
            // The body reports its own errors and panics; see `run_body`.
            body();
        }
    })
}

/// Runs a process body, reporting a panic with the clock's name; returns what the panic
/// was, for the session's record of failed processes. Returns quietly if the process was
/// killed.
pub(crate) fn run_body(clock_name: &str, f: impl FnOnce()) -> Option<String> {
    let payload = catch_unwind(AssertUnwindSafe(f)).err()?;
    if payload.is::<Killed>() {
        return None;
    }
    let what = format!(
        "the process on clock '{clock_name}' panicked: {}",
        panic_message(&payload)
    );
    log::error!("{what}; the rest of its family keeps playing");
    Some(what)
}

pub(crate) fn panic_message(payload: &Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".into()
    }
}

/// Blocks the process of clock `id` until the scheduler wakes it. `prepare` runs under the
/// lock and records what the process waits for; it returns `Ok(false)` when there is nothing
/// to wait for. Must be called by the process of `id` itself.
pub(crate) fn block(
    shared: &Arc<Shared>,
    id: ClockId,
    call: &'static str,
    prepare: impl FnOnce(&mut Core) -> Result<bool>,
) -> Result<()> {
    match context::caller(shared) {
        Caller::Process { clock, yielder } if clock == id && !yielder.is_null() => {
            {
                let mut core = shared.lock();
                check_not_killed(&core, id)?;
                log_processing_time(&mut core, id);
                if !prepare(&mut core)? {
                    return Ok(());
                }
            }
            // SAFETY: the yielder lives on this coroutine's stack for its whole life, and we
            // are running on that coroutine right now (RUNNING names it).
            let resume = unsafe { &*yielder }.suspend(());
            if resume == Resume::Kill {
                std::panic::resume_unwind(Box::new(Killed));
            }
            Ok(())
        }
        Caller::Thread { clock } if clock == id => {
            let mut core = shared.lock();
            check_not_killed(&core, id)?;
            log_processing_time(&mut core, id);
            if !prepare(&mut core)? {
                return Ok(());
            }
            core.baton = Baton::Idle;
            shared.busy.stop();
            shared.scheduler_cv.notify_all();
            while core.baton != Baton::Thread(id) {
                if core.shutdown {
                    return Err(Error::Aborted {
                        clock: core.clock(id).name.clone(),
                    });
                }
                core = shared
                    .thread_cv
                    .wait(core)
                    .unwrap_or_else(|e| e.into_inner());
            }
            Ok(())
        }
        _ => {
            let core = shared.lock();
            Err(Error::NotOwnProcess {
                call,
                clock: core.clock(id).name.clone(),
                caller: context::describe_caller(&core, shared),
            })
        }
    }
}

fn check_not_killed(core: &Core, id: ClockId) -> Result<()> {
    if core.clock(id).killed {
        return Err(Error::ClockDead(core.clock(id).name.clone()));
    }
    Ok(())
}

fn log_processing_time(core: &mut Core, id: ClockId) {
    let data = core.clock_mut(id);
    if data.log_processing_time {
        if let Some(t) = data.resumed_at.take() {
            log::info!(
                "clock '{}' computed for {:.3} ms since its last wake-up",
                data.name,
                t.elapsed().as_secs_f64() * 1e3
            );
        }
    }
}
