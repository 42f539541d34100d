//! `scamp bench plugin`: the plugin's audio side (`HostedPiece::process`) under the dense
//! benchmark piece, paced like a real-time host (stopped for a second, then playing): CPU
//! time per block while playing (median and max), late
//! events at the default lookahead, and how long a seek to bar 100 takes (offline: until the
//! block after the jump has been rendered).

use super::bench::peak_rss_mb;
use scamp::hosted::{HostedConfig, HostedPiece, PieceFn, Transport};
use scamp::prelude::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SR: f64 = 48_000.0;
const TEMPO: f64 = 120.0;

fn piece(parts: usize) -> PieceFn {
    Arc::new(move |s: &Session| scamp::pieces::dense(s, parts, 1e9).map(|_| ()))
}

fn hosted(parts: usize) -> scamp::Result<HostedPiece> {
    let config = HostedConfig {
        sample_rate: SR,
        soundfont: Some("default".into()),
        ..HostedConfig::default()
    };
    HostedPiece::new(vec![piece(parts)], config)
}

pub fn bench_plugin(parts: usize, seconds: f64, block: usize) -> scamp::Result<()> {
    if parts == 0
        || parts > 64
        || !(seconds > 0.0 && seconds <= 600.0)
        || block == 0
        || block > 8192
    {
        return Err(Error::invalid_argument(
            "bench plugin shape",
            format!("{parts} parts, {seconds} s, blocks of {block}"),
            "1–64 parts, 0–600 seconds and a block of 1–8192 samples",
        ));
    }
    // Real time: each block handed over at its wall-clock time, like an audio device would.
    // The transport stands stopped for the first second (as in a DAW before pressing play: the
    // plugin prepares the window at the playhead), then plays for `seconds`.
    let mut h = hosted(parts)?;
    let (mut l, mut r) = (vec![0.0f32; block], vec![0.0f32; block]);
    let warmup = (SR as usize) / block;
    let blocks = warmup + (seconds * SR) as usize / block;
    let mut times = Vec::with_capacity(blocks);
    let mut notes = 0u64;
    let started = Instant::now();
    for i in 0..blocks {
        let at = (i * block) as f64 / SR;
        if let Some(wait) = Duration::from_secs_f64(at).checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
        let playing = i >= warmup;
        let played = if playing {
            ((i - warmup) * block) as f64 / SR
        } else {
            0.0
        };
        let transport = Transport {
            playing,
            tempo: Some(TEMPO),
            beat: Some(played * TEMPO / 60.0),
            loop_range: None,
        };
        let t0 = Instant::now();
        h.process(&mut l, &mut r, transport, &mut |_, m| {
            if matches!(m, scamp::event::MidiMessage::NoteOn { .. }) {
                notes += 1;
            }
        });
        if playing {
            times.push(t0.elapsed().as_secs_f64() * 1e6);
        }
    }
    let late = h.late_events();
    let silent = h.silent_blocks();
    drop(h);
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let max = times.last().copied().unwrap_or(0.0);
    let budget = block as f64 / SR * 1e6;

    // A seek to bar 100 (beat 400), offline: how long until the block there is rendered.
    let mut h = hosted(parts)?;
    let first = Transport {
        playing: true,
        tempo: Some(TEMPO),
        beat: Some(0.0),
        loop_range: None,
    };
    h.process_offline(&mut l, &mut r, first, &mut |_, _| {});
    let t0 = Instant::now();
    let jump = Transport {
        beat: Some(400.0),
        loop_range: None,
        ..first
    };
    h.process_offline(&mut l, &mut r, jump, &mut |_, _| {});
    let seek = t0.elapsed().as_secs_f64();
    drop(h);

    eprintln!(
        "{parts} parts, {seconds} s in {block}-sample blocks: process() median {median:.1} µs, max {max:.1} µs (budget {budget:.0} µs), {late} late events, {silent} silent blocks, {notes} note-ons; seek to bar 100 in {seek:.3} s"
    );
    println!(
        "{{\"parts\":{parts},\"seconds\":{seconds},\"block\":{block},\"process_median_us\":{median:.2},\"process_max_us\":{max:.2},\"budget_us\":{budget:.1},\"late_events\":{late},\"silent_blocks\":{silent},\"note_ons\":{notes},\"seek_bar_100_seconds\":{seek:.4},\"peak_rss_mb\":{:.1}}}",
        peak_rss_mb()
    );
    Ok(())
}
