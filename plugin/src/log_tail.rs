//! The plugin's logger: the engine's records go to stderr (filtered by `SCAMP_LOG`, as before)
//! and its warnings and errors (those of the `scamp` crates) are also kept, the newest
//! [`KEPT`], for the editor to show.
//!
//! One logger serves the whole process (the `log` crate allows one), so every instance of the
//! plugin in a host shares the list. Records come from the piece side and the editor, never
//! from the audio thread (which does not log).

use std::collections::VecDeque;
use std::sync::Mutex;

/// Warnings and errors kept.
pub const KEPT: usize = 64;

static TAIL: Mutex<VecDeque<Line>> = Mutex::new(VecDeque::new());

/// A warning or an error, as the editor lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub level: log::Level,
    pub text: String,
    /// Counts every line kept so far (the editor sees what is new).
    pub serial: u64,
}

struct Logger {
    stderr: env_logger::Logger,
}

impl log::Log for Logger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::Level::Warn || self.stderr.enabled(metadata)
    }

    fn log(&self, record: &log::Record) {
        if self.stderr.matches(record) {
            self.stderr.log(record);
        }
        // The engine's and the plugin's own (not the plugin framework's or the window
        // system's, which speak to developers).
        if record.level() <= log::Level::Warn && record.target().starts_with("scamp") {
            keep(record.level(), record.args().to_string());
        }
    }

    fn flush(&self) {
        self.stderr.flush();
    }
}

fn keep(level: log::Level, text: String) {
    let mut tail = TAIL.lock().unwrap_or_else(|e| e.into_inner());
    let serial = tail.back().map_or(1, |l| l.serial + 1);
    if tail.len() == KEPT {
        tail.pop_front();
    }
    tail.push_back(Line {
        level,
        text,
        serial,
    });
}

/// Installs the logger (unless the process has one already: then only that one logs, and
/// the list stays empty), with `env` naming the environment variable of the stderr filter.
pub fn install(env: &str) {
    let stderr =
        env_logger::Builder::from_env(env_logger::Env::default().filter_or(env, "warn")).build();
    let max = stderr.filter().max(log::LevelFilter::Warn);
    if log::set_boxed_logger(Box::new(Logger { stderr })).is_ok() {
        log::set_max_level(max);
    }
}

/// The warnings and errors kept, oldest first.
pub fn lines() -> Vec<Line> {
    TAIL.lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use log::Log;

    #[test]
    fn keeps_the_engines_warnings_and_errors_newest_last_and_at_most_kept() {
        let logger = Logger {
            stderr: env_logger::Builder::new()
                .filter_level(log::LevelFilter::Off)
                .build(),
        };
        let record = |target: &str, level: log::Level, text: &str| {
            logger.log(
                &log::Record::builder()
                    .target(target)
                    .level(level)
                    .args(format_args!("{text}"))
                    .build(),
            )
        };
        let before = lines().last().map_or(0, |l| l.serial);
        record("scamp::hosted", log::Level::Error, "the piece stopped");
        record("nice_plug::wrapper", log::Level::Warn, "a framework's note");
        record("scamp_plugin::choices", log::Level::Info, "an info line");
        record("scamp_plugin::choices", log::Level::Warn, "a bad file");
        let new: Vec<Line> = lines().into_iter().filter(|l| l.serial > before).collect();
        let texts: Vec<&str> = new.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["the piece stopped", "a bad file"]);
        assert_eq!(new[0].level, log::Level::Error);
        for k in 0..2 * KEPT {
            record("scamp", log::Level::Warn, &format!("warning {k}"));
        }
        let all = lines();
        assert_eq!(all.len(), KEPT);
        assert_eq!(
            all.last().unwrap().text,
            format!("warning {}", 2 * KEPT - 1)
        );
        assert!(all.windows(2).all(|w| w[1].serial == w[0].serial + 1));
    }
}
