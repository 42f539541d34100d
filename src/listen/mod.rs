//! Live input: listeners that turn outside messages into musical actions at "now".
//!
//! Owns the session's listeners ([`osc`] servers so far, keyed by address). Every callback
//! runs as a process forked on the master clock at the moment the message is handled (the
//! session's current ideal time; in real time the wall-clock now, audio-paced the scheduler's
//! now, which leads the audio by the lookahead). So a callback may `play_note` (even blocking),
//! `start_note`, `fork`, `wait` or change tempo like any process, its notes are stamped and
//! transcribed like any others, and a callback that panics or returns an error is reported with
//! the rest of the session going on. Messages from one sender are handled in arrival order.
//! Removing a listener joins its threads: no callback starts after `remove_*` returns.

pub mod midi;
pub mod osc;
pub mod remote;

use crate::clock::{Clock, ForkOptions};
use crate::error::Result;

/// Forks `action` on the master clock now, from a thread outside the clock system. The
/// process then waits for whatever the action forked (a non-blocking `play_note`, say).
pub(crate) fn act_now(
    master: &Clock,
    name: &str,
    action: impl FnOnce() -> Result<()> + Send + 'static,
) -> Result<()> {
    master.rouse_and_hold()?;
    let result = master.fork_with(
        move |clock: Clock| {
            let acted = action();
            let waited = clock.wait_for_children_to_finish();
            acted.and(waited)
        },
        ForkOptions::new().name(name.to_string()),
    );
    master.release_from_suspension();
    result.map(|_| ())
}
