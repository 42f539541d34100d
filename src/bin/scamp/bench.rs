//! `scamp bench ...`: workloads with fixed shapes, printing a JSON line last.

use clap::Subcommand;
use scamp::prelude::*;
use std::time::Instant;

#[derive(Subcommand)]
pub enum Bench {
    /// P processes each doing N waits of 0.25, 0.5, 0.75, 1.0 beats (cycling) at tempo 120, in fast-forward.
    Waits {
        #[arg(long, default_value_t = 100)]
        processes: usize,
        #[arg(long, default_value_t = 1000)]
        waits: usize,
    },
    /// SCAMP's note benchmark: tempo 120, fast-forward, silent parts, transcription on;
    /// process k plays N notes on part k mod K, pitch 48 + (k + j) mod 36, volume 0.5,
    /// length [0.25, 0.5, 0.75, 1.0][(7k + j) mod 4].
    Notes {
        #[arg(long, default_value_t = 100)]
        processes: usize,
        #[arg(long, default_value_t = 1000)]
        notes: usize,
        #[arg(long, default_value_t = 10)]
        parts: usize,
    },
    /// Notation of SCAMP's note benchmark: NOTES notes on PARTS parts (a process per part,
    /// as `bench notes` plays them) quantized in 4/4, scored and written as MusicXML.
    Notation {
        #[arg(long, default_value_t = 10000)]
        notes: usize,
        #[arg(long, default_value_t = 10)]
        parts: usize,
        /// Also save the performance (SCAMP's JSON) for a peer to notate.
        #[arg(long, value_name = "FILE")]
        write_performance: Option<std::path::PathBuf>,
    },
    /// From an OSC message's arrival to its note-on (real-time session and audio-paced).
    OscLatency {
        #[arg(long, default_value_t = 200)]
        messages: usize,
    },
    /// What a seek costs the plugin: a hosted piece played from each beat at a sound card's
    /// pace, until it plays (or gives up).
    Seek {
        /// arpeggio or dense.
        #[arg(long, default_value = "arpeggio")]
        piece: String,
        /// Beats to seek to.
        #[arg(long, value_delimiter = ',', default_value = "1000,10000,100000")]
        beats: Vec<f64>,
    },
    /// The plugin's audio side under the dense piece in real time: CPU time per block,
    /// late events, and the time a seek to bar 100 takes.
    Plugin {
        #[arg(long, default_value_t = 16)]
        parts: usize,
        #[arg(long, default_value_t = 20.0)]
        seconds: f64,
        #[arg(long, default_value_t = 64)]
        block: usize,
    },
    /// Renders a dense deterministic piece offline at 44.1 kHz: PARTS parts (GM programs
    /// across the families), about 240 notes a second in all, every 16th note a glissando.
    Render {
        #[arg(long, default_value_t = 16)]
        parts: usize,
        #[arg(long, default_value_t = 120.0)]
        seconds: f64,
        /// Also write the rendered events as a Standard MIDI File.
        #[arg(long, value_name = "FILE")]
        write_midi: Option<std::path::PathBuf>,
        /// Also write the audio.
        #[arg(long, value_name = "FILE")]
        write_wav: Option<std::path::PathBuf>,
        /// Stream the audio into FILE as it renders, as `--render` does, keeping none of it
        /// (nor the events) in memory: the figures are the memory of a long render.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["write_midi", "write_wav"])]
        stream: Option<std::path::PathBuf>,
        /// Render once per thread count (comma-separated); the audio must be the same at each.
        #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
        threads: Vec<usize>,
        /// Turns of the headline figures (engine, synths alone), the best of each kept.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
    },
}

pub fn run(bench: Bench) -> scamp::Result<()> {
    match bench {
        Bench::Waits { processes, waits } => bench_waits(processes, waits),
        Bench::Notes {
            processes,
            notes,
            parts,
        } => bench_notes(processes, notes, parts),
        Bench::Notation {
            notes,
            parts,
            write_performance,
        } => super::bench_notation::bench_notation(notes, parts, write_performance.as_deref()),
        Bench::OscLatency { messages } => super::bench_listen::bench_osc_latency(messages),
        Bench::Plugin {
            parts,
            seconds,
            block,
        } => super::bench_plugin::bench_plugin(parts, seconds, block),
        Bench::Seek { piece, beats } => super::bench_seek::bench_seek(&piece, &beats),
        Bench::Render {
            parts,
            seconds,
            write_midi,
            write_wav,
            stream,
            threads,
            repeat,
        } => match stream {
            Some(path) => super::bench_render::bench_render_streamed(parts, seconds, &path),
            None => super::bench_render::bench_render(
                parts,
                seconds,
                &threads,
                repeat,
                write_midi.as_deref(),
                write_wav.as_deref(),
            ),
        },
    }
}

const LENGTHS: [f64; 4] = [0.25, 0.5, 0.75, 1.0];

fn bench_waits(processes: usize, waits: usize) -> scamp::Result<()> {
    let start = Instant::now();
    let session = Session::fast_forward_session(120.0)?;
    for _ in 0..processes {
        session.fork(move |clock| {
            for j in 0..waits {
                clock.wait(LENGTHS[j % 4])?;
            }
            Ok(())
        })?;
    }
    session.wait_for_children_to_finish()?;
    let seconds = start.elapsed().as_secs_f64();
    let total = processes * waits;
    let done = session.wake_count();
    drop(session);
    eprintln!(
        "{processes} processes x {waits} waits: {total} waits ({done} wake-ups) in {seconds:.3} s"
    );
    println!(
        "{{\"processes\":{processes},\"waits\":{total},\"seconds\":{seconds:.6},\"waits_per_second\":{:.0},\"peak_rss_mb\":{:.1}}}",
        total as f64 / seconds,
        peak_rss_mb()
    );
    Ok(())
}

fn bench_notes(processes: usize, notes: usize, parts: usize) -> scamp::Result<()> {
    let start = Instant::now();
    notes_workload(processes, notes, parts)?;
    let seconds = start.elapsed().as_secs_f64();
    let total = processes * notes;
    eprintln!("{processes} processes x {notes} notes on {parts} parts: {total} notes transcribed in {seconds:.3} s");
    println!(
        "{{\"processes\":{processes},\"notes\":{total},\"parts\":{parts},\"seconds\":{seconds:.6},\"notes_per_second\":{:.0},\"peak_rss_mb\":{:.1}}}",
        total as f64 / seconds,
        peak_rss_mb()
    );
    Ok(())
}

/// The performance SCAMP's note benchmark transcribes (see [`Bench::Notes`]); an error if any
/// note is missing from it.
pub fn notes_workload(
    processes: usize,
    notes: usize,
    parts: usize,
) -> scamp::Result<scamp::transcribe::Performance> {
    if parts == 0 {
        return Err(Error::invalid_argument("--parts", parts, "at least 1"));
    }
    let session = Session::fast_forward_session(120.0)?;
    let instruments: Vec<ScampInstrument> = (0..parts)
        .map(|i| session.new_silent_part(&format!("part {i}")))
        .collect();
    session.start_transcribing()?;
    for k in 0..processes {
        let part = instruments[k % parts].clone();
        session.fork(move |_clock| {
            for j in 0..notes {
                let pitch = 48 + (k + j) % 36;
                part.play_note(pitch as f64, 0.5, LENGTHS[(7 * k + j) % 4])?;
            }
            Ok(())
        })?;
    }
    session.wait_for_children_to_finish()?;
    let performance = session.stop_transcribing()?;
    let transcribed: usize = performance.parts.iter().map(|p| p.num_notes()).sum();
    let total = processes * notes;
    if transcribed != total {
        return Err(Error::Refused(format!(
            "transcribed {transcribed} notes of {total}"
        )));
    }
    Ok(performance)
}

/// Peak resident set size of this process (VmHWM), in MiB; 0 where /proc is unavailable.
pub fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

/// Resident set size of this process now (VmRSS), in MiB; 0 where /proc is unavailable.
pub fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

/// A `kB` line of /proc/self/status, in MiB.
fn status_mb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
