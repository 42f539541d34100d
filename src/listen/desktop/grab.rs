//! Suppressing a listener's events on Linux: an X grab of the keyboard or pointer, held by a
//! thread of ours on a connection of its own for as long as the listener lives.
//!
//! While the grab lasts the X server delivers the device's events to that connection alone
//! (the thread drains and drops them), so other programs stop receiving them; the RECORD
//! extension the listeners hear through still sees every event. The pointer still moves.

use super::x11::Connection;
use crate::error::{Error, Result};
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use x11::xlib;

#[derive(Clone, Copy)]
enum Device {
    Keyboard,
    Pointer,
}

/// Holds the keyboard or the pointer for this process alone (a listener's `suppress`):
/// other programs stop receiving its events until the grab is dropped. A thread of ours
/// owns the grabbing connection and drains what the server sends it.
pub(crate) struct Grab {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Grab {
    pub(crate) fn keyboard() -> Result<Grab> {
        Self::start(Device::Keyboard)
    }

    pub(crate) fn pointer() -> Result<Grab> {
        Self::start(Device::Pointer)
    }

    fn start(device: Device) -> Result<Grab> {
        let what = match device {
            Device::Keyboard => "keyboard",
            Device::Pointer => "mouse",
        };
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel::<std::result::Result<(), String>>();
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name(format!("scamp-grab-{what}"))
                .spawn(move || hold(device, &stop, &tx))
                .map_err(|e| Error::Resource {
                    what: "the grab thread",
                    reason: e.to_string(),
                })?
        };
        match rx.recv() {
            Ok(Ok(())) => Ok(Grab {
                stop,
                thread: Some(thread),
            }),
            Ok(Err(reason)) => {
                let _ = thread.join();
                Err(Error::NoDisplay {
                    what,
                    reason: format!("cannot suppress its events: {reason}"),
                })
            }
            Err(_) => Err(Error::NoDisplay {
                what,
                reason: "the grab thread ended before grabbing".into(),
            }),
        }
    }
}

fn grab_status(status: c_int) -> std::result::Result<(), String> {
    match status {
        xlib::GrabSuccess => Ok(()),
        xlib::AlreadyGrabbed => Err("another program has grabbed it".into()),
        xlib::GrabNotViewable => Err("the screen is not viewable".into()),
        xlib::GrabFrozen => Err("it is frozen by another grab".into()),
        other => Err(format!("the X server refused the grab (status {other})")),
    }
}

fn hold(device: Device, stop: &AtomicBool, report: &Sender<std::result::Result<(), String>>) {
    let connection = match Connection::open() {
        Ok(c) => c,
        Err(e) => {
            let _ = report.send(Err(e));
            return;
        }
    };
    let (display, root) = (connection.0, connection.root());
    let async_mode = xlib::GrabModeAsync;
    // SAFETY: open display and its root window, used by this thread only.
    let status = unsafe {
        match device {
            Device::Keyboard => xlib::XGrabKeyboard(
                display,
                root,
                xlib::False,
                async_mode,
                async_mode,
                xlib::CurrentTime,
            ),
            Device::Pointer => {
                let mask =
                    xlib::ButtonPressMask | xlib::ButtonReleaseMask | xlib::PointerMotionMask;
                xlib::XGrabPointer(
                    display,
                    root,
                    xlib::False,
                    mask as u32,
                    async_mode,
                    async_mode,
                    0,
                    0,
                    xlib::CurrentTime,
                )
            }
        }
    };
    let grabbed = grab_status(status);
    let ok = grabbed.is_ok();
    let _ = report.send(grabbed);
    if !ok {
        return;
    }
    let mut event = std::mem::MaybeUninit::<xlib::XEvent>::uninit();
    while !stop.load(Ordering::Acquire) {
        // SAFETY: open display; XNextEvent only runs when an event is pending, so it
        // never blocks, and it fully writes `event`.
        unsafe {
            while xlib::XPending(display) > 0 {
                xlib::XNextEvent(display, event.as_mut_ptr());
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    // SAFETY: same display; ungrab and make sure the server has it before closing.
    unsafe {
        match device {
            Device::Keyboard => xlib::XUngrabKeyboard(display, xlib::CurrentTime),
            Device::Pointer => xlib::XUngrabPointer(display, xlib::CurrentTime),
        };
        xlib::XSync(display, xlib::False);
    }
}

impl Drop for Grab {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
