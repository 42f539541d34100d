//! A real CLAP host (clack-host, see `support`) loading the built plugin and driving its
//! transport: note-ons on the samples their beats imply at every block size and under every
//! host's rounding of positions, audio, tempo changes and ramps, stop, seeks, loops,
//! free-running, and the memory and time a moving or jumping playhead costs.
//!
//! It loads `target/bundled/scamp.clap` (made by `cargo xtask bundle scamp-plugin --release`,
//! which `scripts/test.sh` runs first) and falls back to the library cargo just built for this
//! test. The plugin plays its default piece, "Arpeggio": sixteenth notes, a chord every bar;
//! one test switches to "Echo" through the Piece parameter and plays it notes.

mod support;

use std::time::{Duration, Instant};
use support::{in_own_process, ons, rss_mib, run, Heard, SoundCard, TestHost, Tr, SR};

/// What the host says for the block starting at sample `at`: (playing, tempo, beat) or None
/// for no transport.
type Plan<'a> = &'a dyn Fn(u64) -> Option<(bool, f64, f64)>;

fn tr((playing, tempo, beat): (bool, f64, f64)) -> Tr {
    Tr {
        playing,
        tempo,
        beat,
        loop_range: None,
    }
}

/// Runs `blocks` blocks of `block` samples offline (a bounce: the plugin may wait for its
/// piece, so the output is exact at any speed this test runs at); returns note events
/// (absolute samples), the MIDI channel-message count, and the left channel.
fn host(block: usize, blocks: usize, plan: Plan) -> (Vec<Heard>, usize, Vec<f32>) {
    run_host(block, blocks, plan, false)
}

/// [`host`], offline or paced like a real-time host (each block delivered at its wall-clock
/// time, the plugin in real-time mode).
fn run_host(
    block: usize,
    blocks: usize,
    plan: Plan,
    real_time: bool,
) -> (Vec<Heard>, usize, Vec<f32>) {
    let mut h = TestHost::scamp(block, !real_time);
    let b = run(&mut h, blocks, &|at| plan(at).map(tr), real_time);
    (b.heard, b.midi, b.left)
}

/// 90 bpm at 48 kHz: 32,000 samples a beat, 8,000 a sixteenth.
fn at_90(at: u64) -> Option<(bool, f64, f64)> {
    Some((true, 90.0, at as f64 / 32_000.0))
}

#[test]
fn note_ons_land_on_their_beats_samples_at_every_block_size() {
    let mut reference = None;
    for block in [32usize, 256, 1024] {
        let (heard, midi, audio) = host(block, (4 * 32_000) / block, &at_90);
        let on = ons(&heard);
        // 16 sixteenths and the bar's 4-note chord in 4 beats.
        assert_eq!(on.len(), 20, "block {block}: {on:?}");
        assert!(
            on.iter().all(|(s, _)| s % 8_000 == 0),
            "every note-on on a sixteenth's sample: {on:?}"
        );
        assert_eq!(
            on.iter().filter(|(s, _)| *s == 0).count(),
            5,
            "the first sixteenth and the chord at sample 0"
        );
        assert!(midi > 0, "bends and controllers go out as MIDI too");
        let peak = audio.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(peak > 0.01, "audio is not silent (peak {peak})");
        match &reference {
            None => reference = Some((heard, audio)),
            Some((h, a)) => {
                assert_eq!(&heard, h, "block {block}: same MIDI");
                assert!(&audio == a, "block {block}: same audio");
            }
        }
    }
}

#[test]
fn a_tempo_change_moves_later_notes() {
    // 90 bpm for 2 beats (64,000 samples), then 120: a sixteenth is 6,000 samples.
    let plan = |at: u64| {
        if at < 64_000 {
            Some((true, 90.0, at as f64 / 32_000.0))
        } else {
            Some((true, 120.0, 2.0 + (at - 64_000) as f64 / 24_000.0))
        }
    };
    let (heard, _, _) = host(256, (64_000 + 48_000) / 256, &plan);
    let later: Vec<u64> = ons(&heard)
        .into_iter()
        .map(|(s, _)| s)
        .filter(|s| *s >= 64_000)
        .collect();
    assert!(!later.is_empty());
    assert!(later.iter().all(|s| (s - 64_000) % 6_000 == 0), "{later:?}");
}

#[test]
fn stopping_ends_every_note_at_the_stop_sample() {
    let stop = 40_192u64; // inside the fifth sixteenth (32,000 + 8,000 = 40,000 starts it)
    let plan = move |at: u64| {
        if at < stop {
            Some((true, 90.0, at as f64 / 32_000.0))
        } else {
            Some((false, 90.0, stop as f64 / 32_000.0))
        }
    };
    let (heard, _, _) = host(64, (stop as usize + 32_000) / 64, &plan);
    let offs_at_stop = heard
        .iter()
        .filter(|e| matches!(e, Heard::Off(s, _) if *s == stop))
        .count();
    assert!(offs_at_stop >= 1, "{heard:?}");
    let on = heard.iter().filter(|e| matches!(e, Heard::On(..))).count();
    let off = heard.iter().filter(|e| matches!(e, Heard::Off(..))).count();
    assert_eq!(on, off, "no stuck notes");
    assert!(heard.iter().all(|e| match e {
        Heard::On(s, _) | Heard::Off(s, _) => *s <= stop,
    }));
}

#[test]
fn a_looped_bar_plays_the_same_notes_each_time_and_no_transport_free_runs() {
    let bar = 4 * 32_000u64;
    let looped = move |at: u64| Some((true, 90.0, (at % bar) as f64 / 32_000.0));
    let (heard, _, _) = host(256, (3 * bar as usize) / 256, &looped);
    let on = ons(&heard);
    let laps: Vec<Vec<(u64, u16)>> = (0..3)
        .map(|l| {
            on.iter()
                .filter(|(s, _)| s / bar == l)
                .map(|&(s, k)| (s % bar, k))
                .collect()
        })
        .collect();
    assert_eq!(laps[0].len(), 20);
    assert_eq!(laps[0], laps[1]);
    assert_eq!(laps[1], laps[2]);

    // No transport: the plugin's own 120 bpm, a sixteenth every 6,000 samples.
    let (heard, _, _) = host(512, 48_000 / 512, &|_| None);
    let on = ons(&heard);
    assert!(
        !on.is_empty() && on.iter().all(|(s, _)| s % 6_000 == 0),
        "{on:?}"
    );
}

/// Real-time playing with tempo changes, a stop, a seek and a loop, with nice-plug checking
/// that process() never allocates (oxisynth's note-on excepted): run by `scripts/test.sh` as
/// `cargo test -p scamp-plugin --features assert_process_allocs`.
#[cfg(feature = "assert_process_allocs")]
#[test]
fn process_never_allocates_while_playing_stopping_seeking_and_looping() {
    let s = |seconds: f64| (seconds * SR) as u64;
    let plan = move |at: u64| -> Option<(bool, f64, f64)> {
        let t = at as f64 / SR;
        Some(if at < s(1.5) {
            (true, 120.0, t * 2.0)
        } else if at < s(2.5) {
            (true, 150.0, 3.0 + (t - 1.5) * 2.5)
        } else if at < s(3.0) {
            (false, 150.0, 5.5)
        } else if at < s(4.0) {
            (true, 120.0, 16.0 + (t - 3.0) * 2.0)
        } else {
            (true, 120.0, 4.0 + ((t - 4.0) % 0.5) * 2.0)
        })
    };
    let (heard, _, audio) = run_host(256, s(5.0) as usize / 256, &plan, true);
    assert!(ons(&heard).len() > 10, "it played: {heard:?}");
    assert!(audio.iter().any(|x| x.abs() > 0.01));
}

#[test]
fn a_seek_to_bar_5_gives_the_notes_of_playing_through_to_bar_5() {
    let bar5 = 16.0 * 32_000.0;
    let (seek, _, _) = host(256, (4 * 32_000) / 256, &|at| {
        Some((true, 90.0, 16.0 + at as f64 / 32_000.0))
    });
    let (through, _, _) = host(256, (20 * 32_000) / 256, &at_90);
    let after: Vec<(u64, u16)> = ons(&through)
        .into_iter()
        .filter(|(s, _)| *s as f64 >= bar5)
        .map(|(s, k)| (s - bar5 as u64, k))
        .collect();
    assert_eq!(ons(&seek), after);
    assert_eq!(after.len(), 20);
}

#[test]
fn notes_from_the_host_reach_the_echo_pieces_listener() {
    const BLOCK: usize = 480;
    const SENT: u64 = 40 * BLOCK as u64;
    // Echo is the fifth built-in piece; the host picks it in the first block, then sends
    // middle C in block 40 (0.4 s), paced like a real-time host.
    let mut h = TestHost::scamp(BLOCK, false);
    h.set_param("Piece", 4.0);
    let started = Instant::now();
    let mut heard = Vec::new();
    for i in 0..100u64 {
        let due = Duration::from_secs_f64((i * BLOCK as u64) as f64 / SR);
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
        if h.at == SENT {
            h.note_on(100, 60, 0.8);
        }
        let at = h.at;
        heard.extend(h.process(at_90(at).map(tr)).heard);
    }
    let ons = ons(&heard);
    assert_eq!(ons.len(), 1, "only the echo plays: {ons:?}");
    let (at, key) = ons[0];
    assert_eq!(key, 67, "a fifth above the C sent");
    // Played at "now" for the piece: the audio position plus the 50 ms lookahead, give or
    // take a few blocks for the hand-over between threads.
    let late = (at as f64 - (SENT + 100) as f64) / SR;
    assert!(
        (0.0..0.15).contains(&late),
        "echoed {late} s after the note was sent"
    );
}

/// The note events of 4 beats at `bpm`, offline, with the host's position for each block
/// given by `position(exact beat)`.
fn four_beats(bpm: f64, position: &dyn Fn(f64) -> f64) -> Vec<Heard> {
    let samples_per_beat = SR * 60.0 / bpm;
    let blocks = (4.0 * samples_per_beat) as usize / 512;
    let mut h = TestHost::scamp(512, true);
    let b = run(
        &mut h,
        blocks,
        &|at| Some(Tr::playing(bpm, position(at as f64 / samples_per_beat))),
        false,
    );
    b.heard
}

#[test]
fn positions_rounded_as_real_hosts_round_them_give_the_notes_of_exact_positions() {
    for bpm in [60.0, 90.0, 120.0, 137.0] {
        let exact = four_beats(bpm, &|b| b);
        // Ardour's ticks (1/1920 beat), a position carried in 32-bit floats, and one
        // derived from whole samples at 44.1 kHz.
        let ticks = four_beats(bpm, &|b| (b * 1920.0).round() / 1920.0);
        let single = four_beats(bpm, &|b| b as f32 as f64);
        let samples = four_beats(bpm, &|b| {
            (b * 60.0 / bpm * 44_100.0).round() / 44_100.0 * bpm / 60.0
        });
        assert!(ons(&exact).len() >= 20, "{bpm} bpm: {exact:?}");
        assert_eq!(ticks, exact, "{bpm} bpm, ticks");
        assert_eq!(single, exact, "{bpm} bpm, f32 positions");
        assert_eq!(samples, exact, "{bpm} bpm, whole samples");
    }
}

#[test]
fn ardour_rounded_positions_in_real_time_play_every_sixteenth_on_its_sample() {
    // 2 s at 90 bpm, paced like a sound card, positions rounded to Ardour's ticks, after half
    // a second stopped at the start (as a DAW stands before play is pressed).
    let mut h = TestHost::scamp(512, false);
    run(&mut h, 47, &|_| Some(Tr::stopped(90.0, 0.0)), true);
    let start = h.at;
    let b = run(
        &mut h,
        (2.0 * SR) as usize / 512,
        &|at| {
            let beat = (at - start) as f64 / 32_000.0;
            Some(Tr::playing(90.0, (beat * 1920.0).round() / 1920.0))
        },
        true,
    );
    let on: Vec<(u64, u16)> = ons(&b.heard)
        .into_iter()
        .map(|(s, k)| (s - start, k))
        .collect();
    assert!(
        on.iter().all(|(s, _)| s % 8_000 == 0),
        "every note-on on a sixteenth's sample: {on:?}"
    );
    // 12 sixteenths and the first bar's chord in 2 s (3 beats at 90 bpm).
    assert_eq!(on.len(), 16, "{} note-ons: {on:?}", on.len());
}

#[test]
fn a_tempo_ramp_is_followed_without_restarts() {
    // 60 → 120 bpm over 4 s as a host reports it: the tempo at each block start and the
    // exact position (beat = t + t²/8).
    let beat_at = |t: f64| t + t * t / 8.0;
    let mut h = TestHost::scamp(256, true);
    let b = run(
        &mut h,
        (4.0 * SR) as usize / 256,
        &|at| {
            let t = at as f64 / SR;
            Some(Tr::playing(60.0 + 15.0 * t, beat_at(t)))
        },
        false,
    );
    let on: Vec<u64> = ons(&b.heard).into_iter().map(|(s, _)| s).collect();
    // Sixteenth k sounds where beat_at(t) = k / 4.
    let expected: Vec<f64> = (0..)
        .map(|k: u32| {
            let beat = k as f64 / 4.0;
            4.0 * (-1.0 + (1.0 + beat / 2.0).sqrt()) * SR
        })
        .take_while(|s| *s < 4.0 * SR - 256.0)
        .collect();
    // The chords start on sixteenths too: one onset per sample.
    let mut distinct = on.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), expected.len(), "{distinct:?}");
    for (got, want) in distinct.iter().zip(&expected) {
        assert!(
            (*got as f64 - want).abs() <= 2.0,
            "note-on at {got}, the ramp puts it at {want}"
        );
    }
}

#[test]
fn a_playhead_moving_while_stopped_keeps_memory_flat_and_plays_where_it_stops() {
    if !in_own_process("a_playhead_moving_while_stopped_keeps_memory_flat_and_plays_where_it_stops")
    {
        return;
    }
    // 10 s of a stopped transport whose playhead is dragged across 64 beats, at real-time
    // pace; then play from where it stands.
    let mut h = TestHost::scamp(512, false);
    let blocks = (10.0 * SR) as usize / 512;
    let drag = |at: u64| 64.0 * (at as f64 / (10.0 * SR)).min(1.0);
    run(
        &mut h,
        blocks / 5,
        &|at| Some(Tr::stopped(120.0, drag(at))),
        true,
    );
    let before = rss_mib();
    run(
        &mut h,
        blocks - blocks / 5,
        &|at| Some(Tr::stopped(120.0, drag(at))),
        true,
    );
    let after = rss_mib();
    assert!(
        after - before < 40.0,
        "RSS grew from {before:.1} to {after:.1} MiB"
    );
    // The playhead rests at 64 for a moment (the mouse let go, then play pressed: half a
    // second, as quick as a hand is).
    run(
        &mut h,
        SR as usize / 512 / 2,
        &|_| Some(Tr::stopped(120.0, 64.0)),
        true,
    );
    let start = h.at;
    let b = run(
        &mut h,
        (SR as usize) / 512,
        &|at| Some(Tr::playing(120.0, 64.0 + (at - start) as f64 / 24_000.0)),
        true,
    );
    let on = ons(&b.heard);
    // 8 sixteenths in the second from beat 64, and bar 17's chord at its first sample.
    assert_eq!(on.len(), 12, "it plays from the first block: {on:?}");
    assert!(on.iter().all(|(s, _)| (s - start) % 6_000 == 0), "{on:?}");
}

#[test]
fn a_jump_on_every_block_keeps_process_within_budget_and_gives_memory_back() {
    if !in_own_process("a_jump_on_every_block_keeps_process_within_budget_and_gives_memory_back") {
        return;
    }
    let mut h = TestHost::scamp(512, false);
    // Measured once the plugin plays: what it costs to be loaded and playing is not a leak.
    run(
        &mut h,
        94,
        &|at| Some(Tr::playing(120.0, at as f64 / 24_000.0)),
        true,
    );
    let before = rss_mib();
    // 10 s at real-time pace, each block somewhere else in the first 64 beats.
    let mut seed = 12345u64;
    let mut slowest = Duration::ZERO;
    let mut card = SoundCard::new(512);
    for _ in 0..(10.0 * SR) as usize / 512 {
        card.next();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let beat = (seed >> 11) as f64 / (1u64 << 53) as f64 * 64.0;
        slowest = slowest.max(h.process(Some(Tr::playing(120.0, beat))).cpu);
    }
    let during = rss_mib();
    let unloaded = h.unload();
    // What the allocator keeps for itself is not ours: give it back first.
    // SAFETY: malloc_trim only returns free memory to the system.
    unsafe { libc::malloc_trim(0) };
    let after = rss_mib();
    assert!(
        slowest < Duration::from_millis(10),
        "a block took {slowest:?} of CPU"
    );
    assert!(
        unloaded < Duration::from_secs(1),
        "unloading took {unloaded:?}"
    );
    assert!(
        after - before < 30.0,
        "RSS {before:.1} MiB before, {during:.1} while jumping, {after:.1} after unloading"
    );
}

#[test]
fn a_seek_to_beat_ten_million_stays_within_budget_with_flat_memory() {
    if !in_own_process("a_seek_to_beat_ten_million_stays_within_budget_with_flat_memory") {
        return;
    }
    // Playing from beat 1e7, in real time: the catch-up runs beside the audio (silence), every
    // block within its budget; after 10 s of computation it is given up. Memory stays flat
    // while it runs (the records of the processes that have ended are freed).
    let mut h = TestHost::scamp(512, false);
    let start = 1e7;
    let blocks = (12.0 * SR) as usize / 512;
    let mut slowest = Duration::ZERO;
    let mut rss = Vec::new();
    let mut card = SoundCard::new(512);
    for i in 0..blocks {
        card.next();
        let b = h.process(Some(Tr::playing(
            120.0,
            start + (i * 512) as f64 / 24_000.0,
        )));
        slowest = slowest.max(b.cpu);
        if i % 100 == 0 {
            rss.push(rss_mib());
        }
    }
    assert!(
        slowest < Duration::from_millis(10),
        "a block took {slowest:?} of CPU"
    );
    let (first, last) = (rss[1], *rss.last().unwrap());
    assert!(last - first < 30.0, "RSS over the catch-up: {rss:?}");
    let unloaded = h.unload();
    assert!(
        unloaded < Duration::from_secs(1),
        "unloading took {unloaded:?}"
    );
}

#[test]
fn a_thousand_loop_wraps_in_real_time_are_gapless() {
    // A loop of a sixteenth at 300 bpm (1,200 samples = 5 blocks of 240), in real time: every
    // lap starts with the sixteenth and the chord at its first sample.
    const BLOCK: usize = 240;
    let lap = 1_200u64;
    let beats_per_sample = 300.0 / 60.0 / SR;
    let mut h = TestHost::scamp(BLOCK, false);
    // A second of the transport standing at the loop start, as a DAW before pressing play.
    run(
        &mut h,
        SR as usize / BLOCK,
        &|_| {
            Some(Tr {
                loop_range: Some((0.0, 0.25)),
                ..Tr::stopped(300.0, 0.0)
            })
        },
        true,
    );
    let start = h.at;
    let laps = 1_000u64;
    let b = run(
        &mut h,
        (laps * lap) as usize / BLOCK,
        &|at| {
            let beat = ((at - start) % lap) as f64 * beats_per_sample;
            Some(Tr {
                loop_range: Some((0.0, 0.25)),
                ..Tr::playing(300.0, beat)
            })
        },
        true,
    );
    let on = ons(&b.heard);
    let mut missing = Vec::new();
    for l in 0..laps {
        let first = start + l * lap;
        let n = on.iter().filter(|(s, _)| *s == first).count();
        if n != 5 {
            missing.push((l, n));
        }
    }
    assert!(
        missing.is_empty(),
        "laps without their 5 note-ons at the first sample: {missing:?}"
    );
    assert_eq!(on.len() as u64, 5 * laps, "nothing else plays");
}

#[test]
fn every_parameter_converts_text_to_value_and_back() {
    // Across each parameter's range as the host sees it (CLAP values: stepped parameters
    // count their steps, continuous ones run 0 to 1).
    let mut h = TestHost::scamp(512, true);
    let checks = h.with_params(|handle, params, ids| {
        let mut out = Vec::new();
        for &(id, ref name) in ids {
            let index = (0..params.count(handle))
                .find(|&i| {
                    let mut info = clack_extensions::params::ParamInfoBuffer::new();
                    params
                        .get_info(handle, i, &mut info)
                        .is_some_and(|p| p.id == id)
                })
                .expect("the parameter's index");
            let mut info = clack_extensions::params::ParamInfoBuffer::new();
            let p = params.get_info(handle, index, &mut info).expect("its info");
            let (min, max) = (p.min_value, p.max_value);
            for k in 0..=10 {
                let mut value = min + (max - min) * k as f64 / 10.0;
                if max - min >= 1.0 {
                    value = value.round();
                }
                let mut buffer = [0u8; 256];
                let text = params
                    .value_to_text(handle, id, value, &mut buffer)
                    .map(|t| String::from_utf8_lossy(t).to_string())
                    .ok();
                let back = text.as_ref().and_then(|t| {
                    let c = std::ffi::CString::new(t.as_str()).ok()?;
                    params.text_to_value(handle, id, &c)
                });
                out.push((name.clone(), value, text, back));
            }
        }
        out
    });
    for (name, value, text, back) in &checks {
        let back =
            back.unwrap_or_else(|| panic!("{name}: {value} → {text:?} does not convert back"));
        assert!(
            (back - value).abs() < 1e-3,
            "{name}: {value} → {text:?} → {back}"
        );
    }
    assert!(checks
        .iter()
        .any(|(n, v, t, _)| n == "Piece" && *v == 1.0 && t.as_deref() == Some("Polytempo")));
}
