//! Live input: listeners that turn outside messages into musical actions at "now".
//!
//! Owns the session's listeners: [`osc`] servers keyed by address, [`midi`] inputs, and the
//! [`keyboard`] and [`mouse`] (one each per session, heard through the process-wide
//! [`desktop`] source). Every callback runs as a process forked on the master clock at the
//! moment the message is handled (the session's current ideal time; in real time the
//! wall-clock now, audio-paced the scheduler's now, which leads the audio by the lookahead).
//! So a callback may `play_note` (even blocking), `start_note`, `fork`, `wait` or change tempo
//! like any process, its notes are stamped and transcribed like any others, and a callback that
//! panics or returns an error is reported with the rest of the session going on. Messages from
//! one source are handled in arrival order. Removing a listener joins its threads: no callback
//! starts after `remove_*` returns.

pub mod desktop;
pub mod key_names;
pub mod keyboard;
pub mod midi;
pub mod mouse;
pub mod osc;
pub mod osc_packet;
mod registry;

use crate::clock::{Clock, ForkOptions};
use crate::error::{Error, Result};
pub use registry::Listeners;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Forks `action` on the master clock now, from a thread outside the clock system. The
/// process then waits for whatever the action forked (a non-blocking `play_note`, say).
pub(crate) fn act_now(
    master: &Clock,
    name: &str,
    action: impl FnOnce() -> Result<()> + Send + 'static,
) -> Result<()> {
    act_now_unless(master, name, &AtomicBool::new(false), action)
}

/// [`act_now`], unless `cancel` is set before the session lets this thread act (the listener
/// is being removed; its remover wakes us with [`Clock::wake_outside_callers`]).
pub(crate) fn act_now_unless(
    master: &Clock,
    name: &str,
    cancel: &AtomicBool,
    action: impl FnOnce() -> Result<()> + Send + 'static,
) -> Result<()> {
    if !master.rouse_and_hold_unless(cancel)? {
        return Ok(());
    }
    let result = master.fork_with(
        move |clock| {
            let acted = action();
            let waited = clock.wait_for_children_to_finish();
            acted.and(waited)
        },
        ForkOptions::new().name(name.to_string()),
    );
    master.release_from_suspension();
    result.map(|_| ())
}

/// A callback ready to run at "now".
pub(crate) type Action = Box<dyn FnOnce() -> Result<()> + Send>;

/// A listener's dispatcher thread: takes its inputs in arrival order, turns each into at most
/// one [`Action`] and runs it with [`act_now_unless`]. Dropping it joins the thread and skips
/// what is still queued, so no callback starts after the drop returns; a process may drop it
/// (remove a listener) while holding the session's baton.
pub(crate) struct Dispatcher {
    stop: Arc<AtomicBool>,
    master: Clock,
    thread: Option<JoinHandle<()>>,
}

impl Dispatcher {
    /// `name` names the thread (`scamp-NAME`), the callbacks' processes and their warnings.
    pub(crate) fn spawn<T: Send + 'static>(
        name: String,
        master: Clock,
        inputs: Receiver<T>,
        mut to_action: impl FnMut(T) -> Option<Action> + Send + 'static,
    ) -> Result<Dispatcher> {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (stop, master) = (Arc::clone(&stop), master.clone());
            std::thread::Builder::new()
                .name(format!("scamp-{name}"))
                .spawn(move || loop {
                    match inputs.recv_timeout(Duration::from_millis(20)) {
                        Ok(input) => {
                            if stop.load(Ordering::Acquire) {
                                return;
                            }
                            let Some(action) = to_action(input) else {
                                continue;
                            };
                            if let Err(e) = act_now_unless(&master, &name, &stop, action) {
                                log::warn!("{name} callback could not run: {e}");
                            }
                        }
                        Err(RecvTimeoutError::Timeout) if !stop.load(Ordering::Acquire) => {}
                        Err(_) => return,
                    }
                })
                .map_err(|e| Error::Resource {
                    what: "a listener thread",
                    reason: e.to_string(),
                })?
        };
        Ok(Dispatcher {
            stop,
            master,
            thread: Some(thread),
        })
    }
}

impl Drop for Dispatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        self.master.wake_outside_callers();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
