//! What `scamp play` writes: every output atomically and on its own (one that cannot be
//! written does not cost the others, and the command fails naming it), no folder created, a
//! full disk leaving the previous files as they were.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use crate::support::cli;
use cli::scratch;

const FIXTURE: &str = "tests/fixtures/scamp/hello_performance.json";

fn scamp_play(args: &[&Path]) -> (bool, String) {
    let mut all = vec![OsStr::new("play"), OsStr::new(FIXTURE)];
    all.extend(args.iter().map(|a| a.as_os_str()));
    all.push(OsStr::new("--quiet"));
    cli::scamp(all)
}

fn valid_json(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some()
}

#[test]
fn a_wav_into_a_missing_folder_fails_alone_and_no_folder_is_made() {
    let dir = scratch("missing");
    let missing = dir.join("no/such/folder");
    let wav = missing.join("x.wav");
    let (json, midi) = (dir.join("ok.json"), dir.join("ok.mid"));
    let (ok, err) = scamp_play(&[
        Path::new("--render"),
        &wav,
        Path::new("--json"),
        &json,
        Path::new("--midi"),
        &midi,
    ]);
    assert!(!ok, "a command that did not write its WAV succeeded");
    assert!(
        err.contains("x.wav") && err.contains("does not exist"),
        "{err}"
    );
    assert!(!dir.join("no").exists(), "a folder was created");
    assert!(valid_json(&json), "the JSON is still written");
    assert!(std::fs::read(&midi).unwrap().starts_with(b"MThd"));
    // And the other way round: a JSON that cannot be written costs the WAV nothing.
    let wav = dir.join("fine.wav");
    let (ok, err) = scamp_play(&[
        Path::new("--render"),
        &wav,
        Path::new("--json"),
        &missing.join("x.json"),
    ]);
    assert!(!ok);
    assert!(err.contains("x.json"), "{err}");
    assert!(std::fs::metadata(&wav).unwrap().len() > 44);
    // Nothing half-written is left beside the outputs.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(names.iter().all(|n| !n.contains("partial")), "{names:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_full_disk_fails_the_command_and_leaves_the_previous_files_whole() {
    let dir = scratch("full");
    let disk = dir.join("disk");
    std::fs::create_dir_all(&disk).unwrap();
    // A 256 KiB file system: the WAV (about 1 MB) cannot fit.
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(&disk)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        println!("cannot mount a small tmpfs here (needs root): the full-disk test is skipped");
        return;
    }
    let (wav, json) = (disk.join("x.wav"), disk.join("x.json"));
    std::fs::write(&json, "{\"previous\": true}").unwrap();
    std::fs::write(&wav, b"the previous render").unwrap();
    // Fill most of what is left, so the new JSON cannot fit either.
    let filler = disk.join("filler");
    let _ = std::fs::write(&filler, vec![0u8; 250 * 1024]);
    let (ok, err) = scamp_play(&[Path::new("--render"), &wav, Path::new("--json"), &json]);
    let previous_wav = std::fs::read(&wav).unwrap();
    let previous_json = std::fs::read_to_string(&json).unwrap();
    let leftovers: Vec<String> = std::fs::read_dir(&disk)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    let _ = Command::new("umount").arg(&disk).status();
    assert!(!ok, "a command that could not write its outputs succeeded");
    assert!(err.contains("x.wav") && err.contains("x.json"), "{err}");
    assert_eq!(previous_wav, b"the previous render");
    assert_eq!(previous_json, "{\"previous\": true}");
    assert!(
        leftovers.iter().all(|n| !n.contains("partial")),
        "{leftovers:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
