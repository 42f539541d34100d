//! `scamp bench seek`: what a seek costs the plugin. For each target beat, a hosted piece
//! (the Arpeggio, or the dense benchmark piece) is played from there at a sound card's pace:
//! the time until it plays (the catch-up, silent meanwhile), whether it got there or was
//! given up, how many blocks were silent, the longest `process()` call, and how much resident
//! memory the catch-up added.

use super::bench::rss_mb;
use scamp::hosted::{HostedConfig, HostedPiece, PieceFn, PieceState, Transport};
use scamp::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SR: f64 = 48_000.0;
const BLOCK: usize = 512;
const TEMPO: f64 = 120.0;

pub fn bench_seek(piece: &str, beats: &[f64]) -> scamp::Result<()> {
    let piece: PieceFn = match piece {
        "arpeggio" => Arc::new(|s: &scamp::Session| scamp::pieces::arpeggio(s)),
        "dense" => Arc::new(|s: &scamp::Session| scamp::pieces::dense(s, 16, 1e12).map(|_| ())),
        other => {
            return Err(Error::invalid_argument(
                "--piece",
                other,
                "arpeggio or dense",
            ))
        }
    };
    if beats.is_empty() || beats.iter().any(|b| !(b.is_finite() && *b >= 0.0)) {
        return Err(Error::invalid_argument(
            "--beats",
            format!("{beats:?}"),
            "beats >= 0, such as 1000,10000",
        ));
    }
    let (mut l, mut r) = (vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]);
    let period = Duration::from_secs_f64(BLOCK as f64 / SR);
    for &beat in beats {
        let config = HostedConfig {
            sample_rate: SR,
            soundfont: Some("default".into()),
            ..HostedConfig::default()
        };
        let before = rss_mb();
        let mut hosted = HostedPiece::new(vec![Arc::clone(&piece)], config)?;
        let status = hosted.status();
        let started = Instant::now();
        let (mut slowest, mut peak) = (Duration::ZERO, before);
        let mut i = 0u32;
        let state = loop {
            if let Some(wait) = (period * i).checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
            let transport = Transport {
                playing: true,
                tempo: Some(TEMPO),
                beat: Some(beat + (i as usize * BLOCK) as f64 / SR * TEMPO / 60.0),
                loop_range: None,
            };
            let t0 = Instant::now();
            hosted.process(&mut l, &mut r, transport, &mut |_, _| {});
            slowest = slowest.max(t0.elapsed());
            peak = peak.max(rss_mb());
            i += 1;
            match status.state() {
                PieceState::Playing | PieceState::Failed => break status.state(),
                _ if started.elapsed() > Duration::from_secs(15) => break status.state(),
                _ => {}
            }
        };
        let took = started.elapsed().as_secs_f64();
        let silent = status.silent_blocks();
        drop(hosted);
        eprintln!(
            "seek to beat {beat}: {state:?} after {took:.3} s, {silent} silent blocks, slowest process() {:.0} µs, +{:.1} MB resident at the most",
            slowest.as_secs_f64() * 1e6,
            peak - before
        );
        println!(
            "{{\"beat\":{beat},\"state\":\"{state:?}\",\"seconds\":{took:.4},\"silent_blocks\":{silent},\"process_max_us\":{:.1},\"rss_growth_mb\":{:.1}}}",
            slowest.as_secs_f64() * 1e6,
            peak - before
        );
    }
    Ok(())
}
