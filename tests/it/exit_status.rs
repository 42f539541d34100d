//! Exit status: `scamp play` and a piece (through `run_with`) succeed only when everything
//! played and every output was written; otherwise they fail, say why, and still write the
//! audio rendered so far.

use scamp::prelude::*;
use std::path::Path;

use crate::support::cli;
use cli::scratch;

const FIXTURE: &str = "tests/fixtures/scamp/hello_performance.json";

fn scamp_play(args: &[&str]) -> (bool, String) {
    cli::scamp(std::iter::once("play").chain(args.iter().copied()))
}

#[test]
fn scamp_play_fails_on_a_damaged_or_endless_file_and_plays_part_of_a_long_one_when_asked() {
    let dir = scratch("play");
    let good = std::fs::read_to_string(FIXTURE).unwrap();
    let wav = dir.join("out.wav");
    let (ok, err) = scamp_play(&[FIXTURE, "--render", wav.to_str().unwrap(), "--quiet"]);
    assert!(ok, "{err}");
    assert!(wav.is_file());

    // A start at beat 1e9: refused, naming where, nothing written.
    let damaged = dir.join("damaged.json");
    std::fs::write(
        &damaged,
        good.replacen("\"start_beat\": 0.5", "\"start_beat\": 1e9", 1),
    )
    .unwrap();
    let wav = dir.join("damaged.wav");
    let (ok, err) = scamp_play(&[damaged.to_str().unwrap(), "--render", wav.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("damaged.json") && err.contains("start_beat"),
        "{err}"
    );
    assert!(!wav.exists());

    // A note of 1e7 beats (116 days at 90 bpm): needs --duration, and plays with it.
    let long = dir.join("long.json");
    std::fs::write(
        &long,
        good.replacen("\"length\": 0.5", "\"length\": 1e7", 1),
    )
    .unwrap();
    let wav = dir.join("long.wav");
    let (ok, err) = scamp_play(&[long.to_str().unwrap(), "--render", wav.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("--duration"), "{err}");
    assert!(!wav.exists());
    let (ok, err) = scamp_play(&[
        long.to_str().unwrap(),
        "--render",
        wav.to_str().unwrap(),
        "--duration",
        "2",
        "--quiet",
    ]);
    assert!(ok, "{err}");
    let seconds = std::fs::metadata(&wav).unwrap().len() as f64 / (44_100.0 * 4.0);
    assert!((2.0..9.0).contains(&seconds), "{seconds} s");
    std::fs::remove_dir_all(&dir).ok();
}

fn render_args(wav: &Path) -> scamp::RunArgs {
    use clap::Parser;
    scamp::RunArgs::parse_from(["piece", "--render", wav.to_str().unwrap(), "--quiet"])
}

#[test]
fn a_piece_whose_child_process_fails_fails_and_still_writes_its_audio() {
    let dir = scratch("piece");
    for (name, failing) in [("error", true), ("panic", false)] {
        let wav = dir.join(format!("{name}.wav"));
        let result = scamp::run_with(&render_args(&wav), move |session| {
            let piano = session.new_part_with("piano", PartOptions::new().soundfont("default"))?;
            session.fork(move |clock| {
                clock.wait(0.5)?;
                if failing {
                    return Err(scamp::Error::Refused("the child's own error".into()));
                }
                panic!("the child's own panic");
            })?;
            piano.play_note(60, 0.8, 2.0)?;
            Ok(())
        });
        let err = result.expect_err(name).to_string();
        assert!(err.contains("1 process(es) of the piece failed"), "{err}");
        assert!(err.contains(&format!("the child's own {name}")), "{err}");
        assert!(err.contains("Clock 1"), "{err}");
        assert!(wav.is_file(), "the audio is written");
    }
    // And a piece whose processes all play: Ok.
    let wav = dir.join("fine.wav");
    scamp::run_with(&render_args(&wav), |session| {
        session.fork(|clock| clock.wait(0.5))?;
        session.wait(1.0)
    })
    .unwrap();
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_process_that_never_waits_stops_the_render_with_its_name_and_the_audio_so_far() {
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    static RELEASE: AtomicBool = AtomicBool::new(false);
    let dir = scratch("runaway");
    for duration in [None, Some("5")] {
        let wav = dir.join(format!("runaway-{duration:?}.wav"));
        let mut args = vec!["piece", "--render", wav.to_str().unwrap(), "--quiet"];
        args.extend(["--runaway-limit", "1"]);
        if let Some(d) = duration {
            args.extend(["--duration", d]);
        }
        use clap::Parser;
        let args = scamp::RunArgs::parse_from(args);
        let started = std::time::Instant::now();
        let result = scamp::run_with(&args, |session| {
            let piano = session.new_part_with("piano", PartOptions::new().soundfont("default"))?;
            session.fork_with(
                move |clock| {
                    piano.play_note(60, 0.8, 1.0)?;
                    // Never waits again (until the test lets it go).
                    while !RELEASE.load(SeqCst) {
                        std::hint::spin_loop();
                    }
                    clock.wait(1.0)
                },
                ForkOptions::new().name("spinner"),
            )?;
            session.wait_for_children_to_finish()
        });
        let took = started.elapsed();
        let err = result.expect_err("a runaway render").to_string();
        assert!(
            err.contains("'spinner'") && err.contains("without waiting"),
            "{err}"
        );
        assert!(took < std::time::Duration::from_secs(8), "took {took:?}");
        let (_, left, _) = scamp::render::wav::read_wav(&wav).unwrap();
        let seconds = left.len() as f64 / 44_100.0;
        assert!(
            seconds >= 0.9,
            "the note before the loop is kept: {seconds} s"
        );
        assert!(left.iter().any(|x| x.abs() > 0.01), "and it sounds");
    }
    RELEASE.store(true, SeqCst);
    std::fs::remove_dir_all(&dir).ok();
}
