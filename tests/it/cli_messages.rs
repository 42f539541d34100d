//! The `scamp` command line tells the truth: one message per error, no panic on a closed pipe,
//! every option it accepts has an effect or is refused, every `--help` describes its
//! arguments, SoundFont problems in words, and a part name matching no preset gets a melodic
//! preset rather than a drum kit.

use crate::support::cli::{scamp, scratch};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const HELLO: &str = "tests/fixtures/scamp/hello_performance.json";

fn seconds_of(wav: &std::path::Path) -> f64 {
    let (rate, left, _) = scamp::render::wav::read_wav(wav).unwrap();
    left.len() as f64 / rate as f64
}

#[test]
fn an_error_is_told_once() {
    let dir = scratch("cli-once");
    let wav = dir.join("no-such-folder/out.wav");
    let (ok, err) = scamp(["play", HELLO, "--render", wav.to_str().unwrap(), "--quiet"]);
    assert!(!ok);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one message:\n{err}");
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains("no-such-folder"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    for _ in 0..6 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_scamp"))
            .args(["presets", "default"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read one line, then close the pipe, as `head -1` does.
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_ne!(out.status.code(), Some(101), "a panic's status: {stderr}");
        assert!(first.starts_with("Presets of"), "{first}");
    }
}

#[test]
fn play_takes_tempo_to_mean_a_tempo_and_refuses_a_seed() {
    let dir = scratch("cli-play");
    let (plain, fast) = (dir.join("plain.wav"), dir.join("fast.wav"));
    let (ok, err) = scamp([
        "play",
        HELLO,
        "--render",
        plain.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(ok, "{err}");
    let (ok, err) = scamp([
        "play",
        HELLO,
        "--render",
        fast.to_str().unwrap(),
        "--quiet",
        "--tempo",
        "180",
    ]);
    assert!(ok, "{err}");
    // The hello piece is written at 90 bpm: its 5 beats take 3.33 s, at 180 bpm 1.67 s (each
    // render then rings out for its tail).
    let (a, b) = (seconds_of(&plain), seconds_of(&fast));
    assert!(a - b > 1.2, "--tempo 180 plays faster: {a} s against {b} s");
    let (ok, err) = scamp([
        "play",
        HELLO,
        "--render",
        fast.to_str().unwrap(),
        "--seed",
        "7",
    ]);
    assert!(!ok);
    assert!(err.contains("--seed") && err.contains("random"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_help_describes_its_arguments() {
    let help = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_scamp"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let convert = help(&["convert", "--help"]);
    for words in [
        "Performance JSON file",
        "Standard MIDI File",
        "piano-roll picture",
    ] {
        assert!(
            convert.contains(words),
            "convert --help says {words:?}:\n{convert}"
        );
    }
    let play = help(&["play", "--help"]);
    assert!(
        play.contains("Performance JSON file") && play.contains("--tempo"),
        "{play}"
    );
    // No argument or option is listed without a description.
    for (command, text) in [("convert", &convert), ("play", &play)] {
        // Argument and option lines are indented by two to six spaces (a wrapped description,
        // by more; the command's own text, by none).
        let entries = text.lines().filter(|l| {
            let indent = l.len() - l.trim_start().len();
            (2..=6).contains(&indent) && l.trim_start().starts_with(['-', '<'])
        });
        for line in entries {
            let described = line
                .trim()
                .split("  ")
                .filter(|s| !s.trim().is_empty())
                .count()
                > 1;
            assert!(described, "{command}: {line:?} has no description");
        }
    }
}

#[test]
fn soundfont_problems_are_told_in_words() {
    let dir = scratch("cli-fonts");
    let text = dir.join("notes.sf2");
    std::fs::write(&text, "these are not samples\n").unwrap();
    let truncated = dir.join("cut.sf2");
    let bytes = scamp::soundfont::EMBEDDED_SOUNDFONT;
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    let mut cases = vec![
        (text.clone(), "text file"),
        (truncated.clone(), "truncated"),
    ];
    let sf3 = std::path::PathBuf::from("/usr/share/sounds/sf3/FluidR3Mono_GM.sf3");
    if sf3.is_file() {
        cases.push((sf3, "compressed SoundFont 3"));
    } else {
        eprintln!("SKIPPED the .sf3 case: {} is not installed", sf3.display());
    }
    for (font, words) in cases {
        let (ok, err) = scamp(["presets".as_ref(), font.as_os_str()]);
        assert!(!ok);
        assert!(err.contains(words), "{}: {err}", font.display());
        for internal in ["Io(", "assertion", "Error {"] {
            assert!(!err.contains(internal), "{}: {err}", font.display());
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
