//! The scheduler thread's loop: pop the next due wake-up, ask the driver whether ideal time
//! may move there, then run that process until it blocks again.
//!
//! Order of business on each turn: an external thread asking for the baton goes first, then
//! killed processes to unwind (in the order they were killed), then the next wake-up.

use super::context::{self, Running};
use super::context::{Resume, Yielder};
use super::driver::Permit;
use super::overflow::Guarded;
use super::process::{make_coroutine, Coro};
use super::{Baton, ClockId, Core, ProcState, Shared};
use crate::error::{Error, Result};
use corosensei::CoroutineResult;
use std::collections::HashMap;
use std::sync::{Arc, MutexGuard};
use std::thread::JoinHandle;
use std::time::Instant;

struct Proc {
    coro: Coro,
    yielder: *const Yielder,
}

struct Scheduler {
    shared: Arc<Shared>,
    procs: HashMap<ClockId, Proc>,
}

/// Starts the scheduler thread of a session.
pub(crate) fn spawn_scheduler(shared: Arc<Shared>) -> Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("scamp-scheduler".into())
        .spawn(move || {
            Scheduler {
                shared,
                procs: HashMap::new(),
            }
            .run()
        })
        .map_err(|e| Error::Resource {
            what: "the scheduler thread",
            reason: e.to_string(),
        })
}

type Guard<'a> = MutexGuard<'a, Core>;

impl Scheduler {
    fn run(mut self) {
        let shared = Arc::clone(&self.shared);
        let mut core = shared.lock();
        loop {
            if core.shutdown {
                break;
            }
            // An action from outside waits for the baton: it goes first, unless the next
            // wake-up lies before the wall clock's now, which then goes at once (whatever its
            // timing policy), so the action is stamped after it, when it arrived.
            let outside = core.external_waiting > 0;
            let due_for_outside = outside && core.wake_due_before_outside();
            if core.baton != Baton::Idle || (outside && !due_for_outside) {
                if core.baton == Baton::Idle {
                    // An outside thread is waiting for the baton, which is free: it waits on
                    // the other condition variable, so tell it (whoever freed the baton may
                    // have notified only this one).
                    shared.thread_cv.notify_all();
                }
                core = shared
                    .scheduler_cv
                    .wait(core)
                    .unwrap_or_else(|e| e.into_inner());
                continue;
            }
            if let Some(id) = core.to_reap.pop_front() {
                core = self.reap(&shared, core, id);
                continue;
            }
            if let Some(beat_length) = core.driver.host_beat_length() {
                // The host changed the tempo: it applies from the master's current beat, and
                // every pending wake-up moves with it.
                let beat = core.beat_of(0);
                if core
                    .clock_mut(0)
                    .tempo
                    .set_beat_length(beat, beat_length)
                    .is_ok()
                {
                    core.reschedule_family(0);
                }
                continue;
            }
            let Some((time, id)) = core.next_wake() else {
                core.driver.idle();
                core = shared
                    .scheduler_cv
                    .wait(core)
                    .unwrap_or_else(|e| e.into_inner());
                continue;
            };
            let fast =
                core.fast_forward || core.fast_forward_until.is_some_and(|until| time <= until);
            if !fast && !due_for_outside {
                if let Some(until) = core.fast_forward_until.take() {
                    // Fast-forwarding *to* a time skips to it: real time resumes there, not at
                    // the last event before it.
                    let at = until.max(core.now);
                    core.driver.resync(at);
                }
                let policy = core.timing_policy(id);
                let now = core.now;
                let target_beat = core.beat_at_master_time(0, time);
                match core.driver.permit_at(now, time, target_beat, policy) {
                    Permit::Go => {}
                    Permit::SleepUntil(when) => {
                        let wait = when.saturating_duration_since(Instant::now());
                        core = shared
                            .scheduler_cv
                            .wait_timeout(core, wait)
                            .unwrap_or_else(|e| e.into_inner())
                            .0;
                        continue;
                    }
                    Permit::WaitForSignal => {
                        core = shared
                            .scheduler_cv
                            .wait(core)
                            .unwrap_or_else(|e| e.into_inner());
                        continue;
                    }
                }
            }
            core.queue.pop();
            if time > core.now {
                core.now = time;
            }
            core.wakes += 1;
            if !fast {
                let now = core.now;
                core.driver.advanced(now);
            }
            core = self.dispatch(&shared, core, id);
        }
        self.shut_down(&shared, core);
    }

    /// Wakes clock `id`'s process at the current ideal time.
    fn dispatch<'a>(&mut self, shared: &'a Shared, mut core: Guard<'a>, id: ClockId) -> Guard<'a> {
        let now = core.now;
        let data = core.clock_mut(id);
        let previous = data.state;
        data.state = ProcState::Running;
        data.woke_at = now;
        if data.log_processing_time {
            data.resumed_at = Some(Instant::now());
        }
        match previous {
            ProcState::Waiting { target_beat } => {
                data.beat = target_beat;
                data.synced_at = now;
            }
            ProcState::Pending => {
                data.beat = 0.0;
                data.synced_at = now;
            }
            _ => {
                data.synced_at = f64::NAN;
                core.beat_of(id);
            }
        }
        if core.clock(id).on_thread {
            core.baton = Baton::Thread(id);
            shared.busy.start(id);
            shared.thread_cv.notify_all();
            return core;
        }
        if previous == ProcState::Pending {
            let body = core.clock_mut(id).body.take();
            let name = core.clock(id).name.clone();
            let Some(body) = body else {
                return self.finish(shared, core, id);
            };
            let clock = core.handle(&self.shared, id);
            // Reserved when it was forked (so the fork could fail instead of the start).
            let stack = match core.clock_mut(id).stack.take() {
                Some(stack) => Ok(stack),
                None => core.stacks.take(),
            };
            match stack {
                Ok(stack) => {
                    let coro = make_coroutine(stack, Box::new(move || body(clock)));
                    self.procs.insert(
                        id,
                        Proc {
                            coro,
                            yielder: std::ptr::null(),
                        },
                    );
                }
                Err(e) => {
                    log::error!("could not start the process of clock '{name}': {e}");
                    shared.failures.record(format!(
                        "the process of clock '{name}' could not start: {e}"
                    ));
                    drop(clock);
                    drop(body);
                    return self.finish(shared, core, id);
                }
            }
        }
        self.resume(shared, core, id, Resume::Go)
    }

    /// Runs coroutine `id` until it blocks or ends (lock released meanwhile).
    fn resume<'a>(
        &mut self,
        shared: &'a Shared,
        mut core: Guard<'a>,
        id: ClockId,
        input: Resume,
    ) -> Guard<'a> {
        let Some(proc) = self.procs.get_mut(&id) else {
            return self.finish(shared, core, id);
        };
        core.baton = Baton::Scheduler;
        drop(core);
        let running = Running::new(&self.shared, id, proc.yielder);
        context::set_running(Some(running));
        shared.busy.start(id);
        Guarded::enter(proc.coro.trap_handler());
        let result = proc.coro.resume(input);
        let fault = Guarded::leave();
        shared.busy.stop();
        if let Some(r) = context::set_running(None) {
            proc.yielder = r.yielder;
        }
        let mut core = shared.lock();
        core.baton = Baton::Idle;
        if let Some(fault) = fault {
            // Its frames were abandoned (see `overflow`): it is over.
            let what = fault.describe(&core.clock(id).name);
            log::error!("{what}");
            shared.failures.record(what.clone());
            let data = core.clock_mut(id);
            data.failure = Some((1, what));
            data.killed = true;
        }
        match result {
            CoroutineResult::Yield(()) => core,
            CoroutineResult::Return(()) => {
                if let Some(p) = self.procs.remove(&id) {
                    core.stacks.give(p.coro.into_stack());
                }
                core = self.finish(shared, core, id);
                core
            }
        }
    }

    /// Unwinds a killed process (or drops the body of one that never started).
    fn reap<'a>(&mut self, shared: &'a Shared, mut core: Guard<'a>, id: ClockId) -> Guard<'a> {
        if !core.clock(id).alive() {
            return core;
        }
        if core.clock(id).state == ProcState::Pending {
            let body = core.clock_mut(id).body.take();
            drop(core);
            drop(body);
            let core = shared.lock();
            return self.finish(shared, core, id);
        }
        self.resume(shared, core, id, Resume::Kill)
    }

    /// Bookkeeping when a process has ended: its live children are killed (with a warning),
    /// its parent is woken if it waits for its children, and its done callback runs.
    fn finish<'a>(&mut self, shared: &'a Shared, mut core: Guard<'a>, id: ClockId) -> Guard<'a> {
        if let Some(stack) = core.clock_mut(id).stack.take() {
            // Reserved for a process that never started.
            core.stacks.give(stack);
        }
        let final_beat = core.beat_of(id);
        let final_time = core.time_of(id);
        let final_length = core.beat_length_of(id);
        let data = core.clock_mut(id);
        data.state = ProcState::Finished;
        data.final_position = Some((final_beat, final_time));
        data.final_beat_length = final_length;
        let killed = data.killed;
        let name = data.name.clone();
        core.clock_mut(id).wake_version = core.next_wake_version();
        let data = core.clock(id);
        let orphans: Vec<ClockId> = data.children.clone();
        if !orphans.is_empty() && !killed {
            let names: Vec<String> = orphans
                .iter()
                .map(|&c| core.clock(c).name.clone())
                .collect();
            log::warn!("the process on clock '{name}' ended while its children [{}] were still running; they are killed (call wait_for_children_to_finish() to let them end)", names.join(", "));
        }
        for c in orphans {
            core.kill_family(c, false);
        }
        let failure = core.clock_mut(id).failure.take();
        if let Some(parent) = core.clock(id).parent {
            let p = core.clock_mut(parent);
            if let Some((count, first)) = failure {
                p.failed_children.0 += count;
                p.failed_children.1.get_or_insert(first);
            }
            p.children.retain(|&c| c != id);
            if p.state == ProcState::WaitingForChildren && p.children.is_empty() {
                core.schedule_wake_now(parent);
            }
        }
        let Some(callback) = core.clock_mut(id).done_callback.take() else {
            core.release_record(id);
            return core;
        };
        let parent = core.clock(id).parent.unwrap_or(0);
        core.baton = Baton::Scheduler;
        drop(core);
        // The callback acts as the parent's code; it may not block (no yielder).
        context::set_running(Some(Running::new(&self.shared, parent, std::ptr::null())));
        if let Some(failure) =
            super::process::run_body(&format!("{name} (done callback)"), callback)
        {
            shared.failures.record(failure);
        }
        context::set_running(None);
        let mut core = shared.lock();
        core.baton = Baton::Idle;
        core.release_record(id);
        core
    }

    /// Unwinds every process still suspended, in clock order, so their destructors run.
    fn shut_down<'a>(&mut self, shared: &'a Shared, mut core: Guard<'a>) {
        let mut ids: Vec<ClockId> = self.procs.keys().copied().collect();
        // In the order the clocks were made (slots are reused, serial numbers are not).
        ids.sort_unstable_by_key(|&id| core.clock(id).serial);
        for c in 0..core.clocks.len() {
            core.clock_mut(c).killed = true;
            core.clock_mut(c).done_callback = None;
        }
        for id in ids {
            core = self.resume(shared, core, id, Resume::Kill);
        }
        let bodies: Vec<_> = core
            .clocks
            .iter_mut()
            .filter_map(|c| c.body.take())
            .collect();
        core.baton = Baton::Idle;
        drop(core);
        drop(bodies);
        shared.notify_all();
    }
}
