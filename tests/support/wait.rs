//! Waiting for something another thread or process does, with a deadline so a broken
//! feature fails the test instead of hanging it (the deadline is generous: machines are shared).

use std::time::{Duration, Instant};

/// Polls `done` until it holds; panics naming `what` after 20 s.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}
