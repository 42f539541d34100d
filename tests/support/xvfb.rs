//! A private X server (Xvfb) for keyboard and mouse tests, with xdotool to type and click on it.
//!
//! The server is this test process's own (never the developer's desktop, which xdotool would
//! type into): started once, on a display number Xvfb picks itself (`-displayfd`), on a 1000×800
//! screen, kept as it is between clients (`-noreset`: by default an X server resets, pointer
//! and all, when its last client leaves), and stopped by a watcher shell when the test process
//! exits. The desktop event
//! source is one per process, so tests that type or click take [`lock`] to run one at a time.

// Each test binary uses what it needs of this.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};

pub const WIDTH: f64 = 1000.0;
pub const HEIGHT: f64 = 800.0;

static DISPLAY: OnceLock<String> = OnceLock::new();
static SERIAL: Mutex<()> = Mutex::new(());

/// Starts the server if needed and points `DISPLAY` at it; hold the guard while testing.
pub fn lock() -> MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    DISPLAY.get_or_init(|| {
        let script = format!(
            "Xvfb -displayfd 3 -screen 0 {}x{}x24 -nolisten tcp -noreset 3>&1 >/dev/null 2>&1 & x=$!; \
             while kill -0 {} 2>/dev/null; do sleep 0.5; done; kill $x",
            WIDTH,
            HEIGHT,
            std::process::id()
        );
        // Never waited for: the shell outlives this process by design and ends with it.
        #[allow(clippy::zombie_processes)]
        let mut shell = Command::new("sh")
            .args(["-c", &script])
            .stdout(Stdio::piped())
            .spawn()
            .expect("cannot run sh");
        let mut line = String::new();
        BufReader::new(shell.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("reading Xvfb's display number");
        let number = line.trim();
        assert!(
            !number.is_empty(),
            "Xvfb did not start (is the xvfb package installed? scripts/setup.sh installs it)"
        );
        let display = format!(":{number}");
        std::env::set_var("DISPLAY", &display);
        display
    });
    guard
}

/// Runs xdotool with `args` on the test display.
pub fn xdotool(args: &[&str]) {
    let status = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", DISPLAY.get().expect("call xvfb::lock() first"))
        .status()
        .expect("cannot run xdotool (scripts/setup.sh installs it)");
    assert!(status.success(), "xdotool {args:?} failed: {status}");
}

/// The test display (after [`lock`]).
pub fn display() -> String {
    DISPLAY.get().expect("call xvfb::lock() first").clone()
}

/// Saves the whole test screen as a PNG (ImageMagick's `import`).
pub fn screenshot(path: &std::path::Path) {
    let status = Command::new("import")
        .args(["-window", "root"])
        .arg(path)
        .env("DISPLAY", display())
        .status()
        .expect("cannot run import (scripts/setup.sh installs imagemagick)");
    assert!(
        status.success(),
        "import {} failed: {status}",
        path.display()
    );
}
