//! The desktop on macOS and Windows, through rdev.
//!
//! rdev listens once per process and never returns, so its thread starts with the first
//! subscription and lives as long as the process, forwarding to whoever subscribes. It says
//! where the pointer is only when it moves: button and scroll events carry no position, and
//! mouse listeners use the latest move. Suppressing events is not available here.

use super::DesktopEvent;
use crate::error::{Error, Result};
use crate::listen::key_names::rdev_key_name;
use rdev::{Button, EventType};
use std::sync::atomic::{AtomicBool, Ordering};

static STARTED: AtomicBool = AtomicBool::new(false);

pub(super) fn start() -> std::result::Result<(), String> {
    if STARTED.swap(true, Ordering::AcqRel) {
        return Ok(());
    }
    std::thread::Builder::new()
        .name("scamp-desktop".into())
        .spawn(|| {
            if let Err(e) = rdev::listen(|event| {
                if let Some(event) = convert(event) {
                    super::forward(event);
                }
            }) {
                super::failed(&format!("listening failed ({e:?})"));
            }
        })
        .map_err(|e| format!("cannot start the keyboard and mouse thread: {e}"))?;
    Ok(())
}

fn convert(event: rdev::Event) -> Option<DesktopEvent> {
    let button = |b: Button| match b {
        Button::Left => 1,
        Button::Middle => 2,
        Button::Right => 3,
        Button::Unknown(n) => n,
    };
    Some(match event.event_type {
        EventType::KeyPress(key) | EventType::KeyRelease(key) => {
            let (name, number) = rdev_key_name(key, event.name.as_deref());
            DesktopEvent::Key {
                pressed: matches!(event.event_type, EventType::KeyPress(_)),
                id: rdev_key_id(key),
                name,
                number,
            }
        }
        EventType::MouseMove { x, y } => DesktopEvent::Move { x, y },
        EventType::ButtonPress(b) => DesktopEvent::Button {
            pressed: true,
            button: button(b),
            at: None,
        },
        EventType::ButtonRelease(b) => DesktopEvent::Button {
            pressed: false,
            button: button(b),
            at: None,
        },
        EventType::Wheel { delta_x, delta_y } => DesktopEvent::Scroll {
            dx: delta_x,
            dy: delta_y,
            at: None,
        },
    })
}

/// A number for each physical key, to pair presses with releases.
fn rdev_key_id(key: rdev::Key) -> u32 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish() as u32
}

pub(crate) fn screen_size() -> std::result::Result<(f64, f64), String> {
    rdev::display_size()
        .map(|(w, h)| (w as f64, h as f64))
        .map_err(|e| format!("cannot read the screen size ({e:?})"))
}

/// Suppressing events needs an X server.
pub(crate) struct Grab;

impl Grab {
    pub(crate) fn keyboard() -> Result<Grab> {
        Err(unsupported("keyboard"))
    }

    pub(crate) fn pointer() -> Result<Grab> {
        Err(unsupported("mouse"))
    }
}

fn unsupported(what: &'static str) -> Error {
    Error::NoDisplay {
        what,
        reason: "suppressing events is only supported on Linux (X11)".into(),
    }
}
