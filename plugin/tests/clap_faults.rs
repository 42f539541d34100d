//! The host survives the piece: misbehaving pieces, built into a plugin the way users build
//! theirs (`plugin/faults`), played in a real CLAP host (clack-host) in a process of their own.
//! Each test checks the host goes on (a second plugin plays normally afterwards), that
//! unloading is quick, and what the log told the user.

mod support;

use std::time::Duration;
use support::{child_stderr, fault_plugin_path, ons, run, TestHost, Tr, FAULTS_ID, SR};

fn fault_host(piece: f64) -> TestHost {
    let mut h = TestHost::load(&fault_plugin_path(), FAULTS_ID, 512, false);
    h.set_param("Piece", piece);
    h
}

/// After a fault, the built-in plugin still loads and plays in this host process.
fn host_still_plays() {
    let mut h = TestHost::scamp(512, false);
    run(&mut h, 20, &|_| Some(Tr::stopped(120.0, 0.0)), true);
    let start = h.at;
    let b = run(
        &mut h,
        94,
        &|at| Some(Tr::playing(120.0, (at - start) as f64 / 24_000.0)),
        true,
    );
    assert!(ons(&b.heard).len() >= 8, "the host plays on: {:?}", b.heard);
}

#[test]
fn a_piece_that_never_waits_goes_silent_and_unloads_within_a_second() {
    let Some(log) =
        child_stderr("a_piece_that_never_waits_goes_silent_and_unloads_within_a_second")
    else {
        let mut h = fault_host(0.0);
        run(&mut h, 20, &|_| Some(Tr::stopped(120.0, 0.0)), true);
        // 2.5 s of playing: the runaway is found after a second, then the plugin is silent.
        let b = run(
            &mut h,
            (2.5 * SR) as usize / 512,
            &|at| Some(Tr::playing(120.0, at as f64 / 24_000.0)),
            true,
        );
        let tail = &b.left[(2.0 * SR) as usize..];
        assert!(
            tail.iter().all(|x| *x == 0.0),
            "silent once the runaway is found"
        );
        let unloaded = h.unload();
        assert!(
            unloaded < Duration::from_secs(1),
            "unloading took {unloaded:?}"
        );
        host_still_plays();
        return;
    };
    assert!(
        log.contains("clock 'MASTER' has run for") && log.contains("without waiting"),
        "the log names the runaway process: {log}"
    );
}

#[test]
fn a_soundfont_that_cannot_load_is_reported_and_the_host_plays_on() {
    let Some(log) = child_stderr("a_soundfont_that_cannot_load_is_reported_and_the_host_plays_on")
    else {
        let font = std::env::temp_dir().join(format!("scamp-corrupt-{}.sf2", std::process::id()));
        support::write_corrupt_font(&font);
        std::env::set_var("SCAMP_TEST_FONT", &font);
        let mut h = fault_host(2.0);
        run(&mut h, 20, &|_| Some(Tr::stopped(120.0, 0.0)), true);
        let b = run(
            &mut h,
            (1.0 * SR) as usize / 512,
            &|at| Some(Tr::playing(120.0, at as f64 / 24_000.0)),
            true,
        );
        assert!(
            b.left.iter().all(|x| *x == 0.0),
            "nothing plays on the broken font"
        );
        assert!(h.unload() < Duration::from_secs(1));
        let _ = std::fs::remove_file(&font);
        host_still_plays();
        return;
    };
    assert!(
        log.contains("scamp-corrupt-") && log.contains("SoundFont"),
        "the log names the font: {log}"
    );
}

#[test]
fn a_process_that_recurses_without_end_is_stopped_and_named_and_the_piece_plays_on() {
    let Some(log) = child_stderr(
        "a_process_that_recurses_without_end_is_stopped_and_named_and_the_piece_plays_on",
    ) else {
        let mut h = fault_host(1.0);
        run(&mut h, 20, &|_| Some(Tr::stopped(120.0, 0.0)), true);
        let b = run(
            &mut h,
            (3.0 * SR) as usize / 512,
            &|at| Some(Tr::playing(120.0, at as f64 / 24_000.0)),
            true,
        );
        // The master plays a note a beat (0.5 s) after the first: 6 note-ons in 3 s.
        let on = ons(&b.heard);
        assert!(on.len() >= 5, "the rest of the piece plays on: {on:?}");
        assert!(h.unload() < Duration::from_secs(1));
        host_still_plays();
        return;
    };
    assert!(
        log.contains("clock 'bottomless' overflowed its stack")
            && log.contains("SCAMP_PROCESS_STACK_KIB"),
        "the log names the process and the fix: {log}"
    );
}
