//! Driving the plugin's window as a user does, on the test's X server (see `xvfb`): where its
//! fields and buttons are, clicking and typing there, and where screenshots go.

#![allow(dead_code)]

use super::xvfb::xdotool;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the window's fields and buttons are (logical pixels; the window opens at the
/// screen's top left, at its fixed size).
pub const PERFORMANCE_FIELD: (u32, u32) = (300, 158);
pub const PERFORMANCE_BROWSE: (u32, u32) = (708, 158);
pub const SOUNDFONT_FIELD: (u32, u32) = (300, 182);
pub const BUILT_IN_BUTTON: (u32, u32) = (696, 182);

/// A General MIDI font from Debian (timgm6mb-soundfont), to choose in the window.
pub const GM_FONT: &str = "/usr/share/sounds/sf2/TimGM6mb.sf2";

/// Fails, saying how to get it, when [`GM_FONT`] is not installed.
pub fn need_gm_font() {
    assert!(
        Path::new(GM_FONT).is_file(),
        "{GM_FONT} is missing (scripts/setup.sh installs timgm6mb-soundfont)"
    );
}

pub fn click(at: (u32, u32)) {
    xdotool(&[
        "mousemove",
        &at.0.to_string(),
        &at.1.to_string(),
        "click",
        "1",
    ]);
}

/// Clicks into the field at `at`, replaces what it holds with `text` and presses Enter.
pub fn type_into(at: (u32, u32), text: &str) {
    click(at);
    std::thread::sleep(Duration::from_millis(300));
    xdotool(&["key", "ctrl+a"]);
    xdotool(&["type", "--delay", "5", text]);
    xdotool(&["key", "Return"]);
}

/// Where the window tests keep their screenshots and recordings: `target/editor-test/`.
pub fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/editor-test");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
