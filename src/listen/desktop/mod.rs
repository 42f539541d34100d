//! The desktop's keyboard and mouse as one event source for the whole process.
//!
//! The first keyboard or mouse listener starts a source thread that forwards every event to the
//! subscribers of the moment; when the last one unsubscribes the source stops, and the next
//! subscription starts it again. The source only forwards: callbacks run on each listener's
//! own `Dispatcher`, so a slow callback never holds up the desktop.
//! `subscribe` returns once the source is really listening, so every event after it is heard.
//!
//! Sources: on Linux, `x11`, a client of the X server's RECORD extension (rdev's X11
//! listener cannot say when it has started, cannot stop, and drops where buttons were
//! pressed); elsewhere, [`rdev`](https://docs.rs/rdev). Under Wayland only X (XWayland)
//! windows are heard. `grab` holds the X grab behind a listener's `suppress`.

#[cfg(target_os = "linux")]
mod grab;
#[cfg(not(target_os = "linux"))]
mod rdev_source;
#[cfg(target_os = "linux")]
mod x11;

#[cfg(target_os = "linux")]
pub(crate) use grab::Grab;
#[cfg(not(target_os = "linux"))]
use rdev_source as platform;
#[cfg(not(target_os = "linux"))]
pub(crate) use rdev_source::Grab;
#[cfg(target_os = "linux")]
use x11 as platform;

pub(crate) use platform::screen_size;

use super::{Action, Dispatcher};
use crate::clock::Clock;
use crate::error::{Error, Result};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Mutex, MutexGuard};

/// One keyboard or mouse event. Positions are pixels from the screen's top left.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum DesktopEvent {
    /// A key went down or up. `id` names the physical key (to pair presses with releases);
    /// `name` and `number` are what listeners report (see [`super::keyboard`]).
    Key {
        pressed: bool,
        id: u32,
        name: String,
        number: i64,
    },
    Move {
        x: f64,
        y: f64,
    },
    /// Button 1 is left, 2 middle, 3 right. `at` is `None` where the platform does not say.
    Button {
        pressed: bool,
        button: u8,
        at: Option<(f64, f64)>,
    },
    /// One notch: `dy` +1 up, -1 down; `dx` +1 right, -1 left.
    Scroll {
        dx: i64,
        dy: i64,
        at: Option<(f64, f64)>,
    },
}

enum Source {
    Idle,
    Running,
}

/// Held while starting or stopping the source, so the two never overlap.
static SOURCE: Mutex<Source> = Mutex::new(Source::Idle);
static SUBSCRIBERS: Mutex<Vec<(u64, Sender<DesktopEvent>)>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// A listener's place among the desktop's subscribers; dropping it unsubscribes.
struct Subscription {
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        locked(&SUBSCRIBERS).retain(|(id, _)| *id != self.id);
    }
}

/// Subscribes to every keyboard and mouse event, starting the source if it is not running.
/// `what` ("keyboard", "mouse") names the listener in errors.
fn subscribe(what: &'static str) -> Result<(Subscription, Receiver<DesktopEvent>)> {
    let mut source = locked(&SOURCE);
    if let Source::Idle = *source {
        platform::start().map_err(|reason| Error::NoDisplay { what, reason })?;
        *source = Source::Running;
    }
    let (tx, rx) = channel();
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    locked(&SUBSCRIBERS).push((id, tx));
    Ok((Subscription { id }, rx))
}

/// A running keyboard or mouse listener. Dropping it stops the callbacks, then releases the
/// device if the listener suppressed it.
pub(crate) struct DesktopListener {
    // Declaration order is drop order: stop receiving, join the dispatcher, then ungrab.
    _subscription: Subscription,
    _dispatcher: Dispatcher,
    _grab: Option<Grab>,
}

impl DesktopListener {
    /// Subscribes (`what` names the listener), takes the device with `grab` when the listener
    /// suppresses its events, and runs `handler`'s actions at "now" on `master`.
    pub(crate) fn start(
        what: &'static str,
        grab: Option<fn() -> Result<Grab>>,
        master: Clock,
        handler: impl FnMut(DesktopEvent) -> Option<Action> + Send + 'static,
    ) -> Result<Self> {
        let (subscription, events) = subscribe(what)?;
        let grab = grab.map(|take| take()).transpose()?;
        let dispatcher = Dispatcher::spawn(what.into(), master, events, handler)?;
        Ok(DesktopListener {
            _subscription: subscription,
            _dispatcher: dispatcher,
            _grab: grab,
        })
    }
}

/// Hands `event` to every subscriber (the source's thread calls this).
fn forward(event: DesktopEvent) {
    locked(&SUBSCRIBERS).retain(|(_, tx)| tx.send(event.clone()).is_ok());
}

/// Called by a source thread from time to time: true when nobody listens any more, in which
/// case the source is marked stopped and the thread must end.
fn should_stop() -> bool {
    let mut source = locked(&SOURCE);
    if locked(&SUBSCRIBERS).is_empty() {
        *source = Source::Idle;
        true
    } else {
        false
    }
}

/// Called by a source thread that failed after starting: the listeners hear nothing more.
fn failed(reason: &str) {
    log::error!("keyboard and mouse listeners stopped: {reason}");
    let mut source = locked(&SOURCE);
    locked(&SUBSCRIBERS).clear();
    *source = Source::Idle;
}
