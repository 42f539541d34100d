//! Running the `scamp` command-line tool from a test, and a scratch folder of the test's own.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;

/// A fresh folder under the temporary directory, named after the test binary's process and
/// `name` (tests in one binary run in parallel: each passes its own name).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scamp-test-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `scamp` with `args`: whether it succeeded, and what it wrote to standard error.
pub fn scamp<I, S>(args: I) -> (bool, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    scamp_with(args, &[], &[])
}

/// Runs `scamp` with `args`, the environment variables `set` set and `unset` removed.
pub fn scamp_with<I, S>(args: I, set: &[(&str, &str)], unset: &[&str]) -> (bool, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(env!("CARGO_BIN_EXE_scamp"));
    command.args(args);
    for (k, v) in set {
        command.env(k, v);
    }
    for k in unset {
        command.env_remove(k);
    }
    let out = command.output().expect("scamp runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}
