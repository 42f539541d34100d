//! SCAMP 0.13 itself, as the oracle: `scripts/setup.sh` installs it into `target/scamp-venv`
//! (PyPI; a Python >= 3.12). `check` has it load a Performance JSON we wrote and report what it
//! read (`tests/scamp/check_performance.py`), then holds the report against our file.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};

/// The venv's Python, or `None` (with the reason printed) when SCAMP is not installed.
pub fn python() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var_os("SCAMP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/scamp-venv/bin/python"));
    if python.is_file() {
        Some(python)
    } else {
        eprintln!(
            "SKIPPED: SCAMP 0.13 is not installed at {} (scripts/setup.sh installs it from PyPI)",
            python.display()
        );
        None
    }
}

/// What SCAMP read from `file` (see check_performance.py), or `None` when SCAMP is missing.
pub fn report(file: &Path) -> Option<Value> {
    let python = python()?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scamp/check_performance.py");
    let out = std::process::Command::new(python)
        .arg(script)
        .arg(file)
        .output()
        .expect("run SCAMP's Python");
    assert!(
        out.status.success(),
        "SCAMP could not load {}:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("the report is JSON"))
}

/// Checks that SCAMP loads the Performance JSON `file` to the notes it holds (pitch, volume,
/// length, start, properties, voice), maps each start beat to the second `seconds_at` gives
/// (within 1e-9), and notates it as MusicXML. Returns the report (`None`: SCAMP missing).
pub fn check(file: &Path, seconds_at: impl Fn(f64) -> f64) -> Option<Value> {
    let report = report(file)?;
    let ours: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let mut written = vec![];
    for part in ours["parts"].as_array().unwrap() {
        for (voice, notes) in part["voices"].as_object().unwrap() {
            for n in notes.as_array().unwrap() {
                written.push((part["name"].as_str().unwrap().to_string(), voice.clone(), n));
            }
        }
    }
    let read = report["notes"].as_array().unwrap();
    assert_eq!(
        read.len(),
        written.len(),
        "SCAMP reads every note of {}",
        file.display()
    );
    for ((part, voice, ours), scamp) in written.iter().zip(read) {
        let at = format!("{part} {voice} beat {}", ours["start_beat"]);
        assert_eq!(scamp["part"], part.as_str(), "{at}");
        assert_eq!(scamp["voice"], voice.as_str(), "{at}");
        assert!(
            super::json::same(&scamp["start_beat"], &ours["start_beat"]),
            "{at}"
        );
        for key in ["pitch", "volume", "length"] {
            assert!(
                same_quantity(&scamp[key], &ours[key]),
                "{at}: {key} SCAMP {} / ours {}",
                scamp[key],
                ours[key]
            );
        }
        assert!(
            super::json::same(&scamp["properties"], &ours["properties"]),
            "{at}: properties SCAMP {} / ours {}",
            scamp["properties"],
            ours["properties"]
        );
        let t = seconds_at(ours["start_beat"].as_f64().unwrap());
        let theirs = scamp["start_time"].as_f64().unwrap();
        assert!(
            (t - theirs).abs() < 1e-9,
            "{at}: SCAMP's tempo puts it at {theirs} s, ours at {t} s"
        );
    }
    assert!(
        report.get("music_xml_chars").is_some(),
        "SCAMP notates {}: {}",
        file.display(),
        report["music_xml_error"]
    );
    Some(report)
}

/// A pitch, volume or length as SCAMP holds it (an envelope as levels, durations and curve
/// shapes) against how we wrote it (SCAMP's JSON shape).
fn same_quantity(scamp: &Value, ours: &Value) -> bool {
    let Some(env) = ours.as_object().filter(|o| o.contains_key("levels")) else {
        return super::json::same(scamp, ours);
    };
    let levels = &env["levels"];
    let n = levels.as_array().map_or(0, |l| l.len().saturating_sub(1));
    let durations = match (env.get("durations"), env.get("length")) {
        (Some(d), _) => d.clone(),
        (None, Some(len)) => {
            let each = len.as_f64().unwrap() / n.max(1) as f64;
            Value::from(vec![each; n])
        }
        _ => Value::from(vec![1.0; n]),
    };
    let shapes = env
        .get("curve_shapes")
        .cloned()
        .unwrap_or_else(|| Value::from(vec![0.0; n]));
    super::json::same(&scamp["levels"], levels)
        && super::json::same(&scamp["durations"], &durations)
        && super::json::same(&scamp["curve_shapes"], &shapes)
}
