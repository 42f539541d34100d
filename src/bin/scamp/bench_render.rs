//! `scamp bench render`: the engine and the synth under a dense, deterministic piece.
//!
//! Each part loops over mostly sixteenth notes (at 60 bpm 1/16 s; some 1/32 and 1/8, so 16
//! parts together play about 240 notes a second), pitches from a fixed per-part sequence,
//! every 16th note a glissando. Reported: the whole offline render (`x_realtime`), and the
//! same recorded events rendered again by the synths alone (`synth_only_x_realtime`), so the
//! engine's share is visible. With `--stream` the audio goes into a WAV as it renders
//! instead, and the figure that matters is peak memory beside the size of that WAV.

use super::bench::peak_rss_mb;
use scamp::prelude::*;
use scamp::render::midi_file::write_midi_file;
use scamp::render::BlockRenderer;
use scamp::run::{render_piece, RenderOptions};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Block of the synths-alone render (any size gives the same audio).
const BLOCK: usize = 4096;

fn check_shape(parts: usize, seconds: f64) -> scamp::Result<()> {
    if parts == 0 || parts > 64 || !(seconds > 0.0 && seconds <= 3600.0) {
        return Err(Error::invalid_argument(
            "bench render shape",
            format!("{parts} parts, {seconds} s"),
            "1–64 parts and 0–3600 seconds",
        ));
    }
    Ok(())
}

/// The dense piece streamed into `wav` as `scamp play --render` does: peak memory beside the
/// size of the audio it wrote (which the render must not hold).
pub fn bench_render_streamed(parts: usize, seconds: f64, wav: &Path) -> scamp::Result<()> {
    check_shape(parts, seconds)?;
    let options = RenderOptions {
        soundfont: Some("default".into()),
        progress: true,
        wav: Some(wav.to_path_buf()),
        ..RenderOptions::default()
    };
    let before_mb = super::bench::rss_mb();
    let report = render_piece(&options, move |session: &Session| {
        scamp::pieces::dense(session, parts, seconds).map(|_| ())
    })?;
    if let Some(e) = report.piece_error {
        return Err(e);
    }
    if let Some(e) = report.wav_error {
        return Err(e);
    }
    let wav_mb = std::fs::metadata(wav)
        .map_err(|e| Error::output_caused(format!("the streamed WAV {}", wav.display()), e))?
        .len() as f64
        / (1024.0 * 1024.0);
    let peak = peak_rss_mb();
    eprintln!(
        "{parts} parts: {:.1} s of audio streamed into {} ({wav_mb:.1} MB) in {:.2} s ({:.1}x real time); peak RSS {peak:.1} MB ({before_mb:.1} MB before the render)",
        report.seconds(),
        wav.display(),
        report.wall_seconds,
        report.x_realtime(),
    );
    println!(
        "{{\"parts\":{parts},\"seconds\":{:.3},\"wall_seconds\":{:.3},\"x_realtime\":{:.2},\"wav_mb\":{wav_mb:.1},\"rss_before_mb\":{before_mb:.1},\"peak_rss_mb\":{peak:.1}}}",
        report.seconds(),
        report.wall_seconds,
        report.x_realtime(),
    );
    Ok(())
}

/// One timed render of the dense piece on `threads` synth threads.
struct Run {
    threads: usize,
    report: scamp::run::RenderReport,
    notes: u64,
    link: Arc<scamp::render::AudioLink>,
    /// [`digest`] of the audio.
    digest: u64,
}

fn render_dense(parts: usize, seconds: f64, threads: usize) -> scamp::Result<Run> {
    let notes = Arc::new(AtomicU64::new(0));
    let link = Arc::new(Mutex::new(None));
    let options = RenderOptions {
        soundfont: Some("default".into()),
        progress: true,
        threads,
        ..RenderOptions::default()
    };
    let report = {
        let (notes, link) = (Arc::clone(&notes), Arc::clone(&link));
        render_piece(&options, move |session: &Session| {
            let audio = Arc::clone(session.ensemble().audio_link());
            audio.start_recording();
            *link.lock().unwrap() = Some(audio);
            let played = scamp::pieces::dense(session, parts, seconds)?;
            notes.fetch_add(played, Ordering::Relaxed);
            Ok(())
        })?
    };
    if let Some(e) = report.piece_error {
        return Err(e);
    }
    let link = link.lock().unwrap().take().expect("the piece ran");
    Ok(Run {
        threads,
        notes: notes.load(Ordering::Relaxed),
        digest: digest(&report.left, &report.right),
        report,
        link,
    })
}

/// FNV-1a over the samples' bits: equal renders, equal digests.
fn digest(left: &[f32], right: &[f32]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for x in left.iter().chain(right) {
        for b in x.to_bits().to_le_bytes() {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Renders the dense piece once per thread count (the audio must be the same at each), then
/// the recorded events through the synths alone and through FluidSynth. The headline figures
/// are for the last thread count that is no more than this machine's cores.
pub fn bench_render(
    parts: usize,
    seconds: f64,
    threads: &[usize],
    repeat: usize,
    write_midi: Option<&Path>,
    write_wav: Option<&Path>,
) -> scamp::Result<()> {
    check_shape(parts, seconds)?;
    if threads.is_empty() || threads.iter().any(|&t| t == 0 || t > 64) {
        return Err(Error::invalid_argument(
            "--threads",
            format!("{threads:?}"),
            "thread counts of 1–64",
        ));
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut runs = Vec::new();
    for &t in threads {
        let run = render_dense(parts, seconds, t)?;
        eprintln!(
            "{t} synth thread(s): {:.1} s of audio in {:.2} s ({:.1}x real time), audio digest {:016x}",
            run.report.seconds(),
            run.report.wall_seconds,
            run.report.x_realtime(),
            run.digest
        );
        runs.push(run);
    }
    let identical_lengths = runs
        .windows(2)
        .all(|w| w[0].report.left.len() == w[1].report.left.len());
    let digests: Vec<u64> = runs.iter().map(|r| r.digest).collect();
    let identical = identical_lengths && digests.windows(2).all(|w| w[0] == w[1]);
    let x_by_threads: Vec<(usize, f64)> = runs
        .iter()
        .map(|r| (r.threads, r.report.x_realtime()))
        .collect();
    let main_threads = runs
        .iter()
        .rev()
        .find(|r| r.threads <= cores)
        .unwrap_or(&runs[0])
        .threads;
    // The headline pair, engine and synths alone, is the best of `repeat` turns each, taken
    // in alternation: on a shared machine a single run of either can be slowed down.
    let mut main = runs
        .iter()
        .position(|r| r.threads == main_threads)
        .map(|i| runs.swap_remove(i))
        .expect("the thread count was rendered");
    let events = main.link.take_recording();
    let fonts = main.link.synth_fonts();
    let mut synth_seconds = f64::INFINITY;
    for turn in 0..repeat.max(1) {
        if turn > 0 {
            let again = render_dense(parts, seconds, main_threads)?;
            if again.report.wall_seconds < main.report.wall_seconds {
                main.report = again.report;
            }
        }
        synth_seconds =
            synth_seconds.min(synths_alone(&main.report, &fonts, &events, main_threads)?);
    }
    let report = &main.report;
    let fluidsynth = fluidsynth_seconds(&events, report.sample_rate);

    if let Some(path) = write_midi {
        write_midi_file(path, &events)?;
        eprintln!("wrote {} ({} events)", path.display(), events.len());
    }
    if let Some(path) = write_wav {
        report.write_wav(path)?;
        eprintln!("wrote {}", path.display());
    }
    let peer = match &fluidsynth {
        Ok(s) => format!(
            "; FluidSynth on the same events and font {:.1}x, the engine {:.2}x FluidSynth",
            report.seconds() / s,
            s / report.wall_seconds
        ),
        Err(why) => format!("; no FluidSynth figure: {why}"),
    };
    let seconds = report.seconds();
    let wall = report.wall_seconds;
    let overhead = (wall / synth_seconds - 1.0) * 100.0;
    eprintln!(
        "{parts} parts, {} notes, {} events, {} synth thread(s) of {cores} cores: {seconds:.1} s of audio rendered in {wall:.2} s ({:.1}x real time; the synths alone {:.1}x, the engine's overhead {overhead:.1}%{peer}); the audio is {} at {threads:?} threads",
        main.notes,
        events.len(),
        main.threads,
        report.x_realtime(),
        seconds / synth_seconds,
        if identical { "identical" } else { "NOT identical" }
    );
    let fluid_x = fluidsynth
        .as_ref()
        .map_or("null".to_string(), |s| format!("{:.2}", seconds / s));
    let per_thread: Vec<String> = x_by_threads
        .iter()
        .zip(&digests)
        .map(|((t, x), d)| {
            format!("{{\"threads\":{t},\"x_realtime\":{x:.2},\"digest\":\"{d:016x}\"}}")
        })
        .collect();
    println!(
        "{{\"parts\":{parts},\"notes\":{},\"events\":{},\"seconds\":{seconds:.3},\"threads\":{},\"wall_seconds\":{wall:.3},\"x_realtime\":{:.2},\"synth_only_x_realtime\":{:.2},\"overhead_percent\":{overhead:.1},\"fluidsynth_x_realtime\":{fluid_x},\"late_events\":{},\"identical_across_threads\":{identical},\"runs\":[{}],\"peak_rss_mb\":{:.1}}}",
        main.notes,
        events.len(),
        main.threads,
        report.x_realtime(),
        seconds / synth_seconds,
        report.late_events,
        per_thread.join(","),
        peak_rss_mb()
    );
    if !identical {
        return Err(Error::Refused(format!(
            "the render differs between thread counts {threads:?} (digests {digests:x?})"
        )));
    }
    Ok(())
}

/// Wall seconds the synths alone take to render `events` over the report's length, on
/// `threads` threads: what any render of these events does, whoever schedules them (build the
/// synths from their fonts, render, keep the audio), so the difference is the engine's own
/// work (running the piece, handing its events over). FluidSynth's figure counts the same.
fn synths_alone(
    report: &scamp::run::RenderReport,
    fonts: &[scamp::soundfont::SoundFontInfo],
    events: &[scamp::event::AudioEvent],
    threads: usize,
) -> scamp::Result<f64> {
    let events = events.to_vec();
    let started = Instant::now();
    let renderer = BlockRenderer::for_events(report.sample_rate as f64, fonts, events)?;
    let mut renderer = scamp::render::OfflineRenderer::new(renderer);
    renderer.use_threads(threads)?;
    let (mut l, mut r) = (vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]);
    let (mut left, mut right) = (Vec::new(), Vec::new());
    while left.len() < report.left.len() {
        renderer.render(&mut l, &mut r);
        left.extend_from_slice(&l);
        right.extend_from_slice(&r);
    }
    let seconds = started.elapsed().as_secs_f64();
    drop(std::hint::black_box((left, right)));
    Ok(seconds)
}

/// Wall seconds FluidSynth takes to render `events` (as a Standard MIDI File) with the built-in
/// font (exported as `scamp export-font` does) into a WAV: `fluidsynth -ni -F`, its default
/// polyphony and effects. An error says why there is no figure (not installed, or it failed).
fn fluidsynth_seconds(
    events: &[scamp::event::AudioEvent],
    sample_rate: u32,
) -> Result<f64, String> {
    use std::process::{Command, Stdio};
    let found = Command::new("fluidsynth")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        return Err("fluidsynth is not installed".into());
    }
    let dir = std::env::temp_dir().join(format!("scamp-bench-fluidsynth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (font, midi, wav) = (
        dir.join("built-in.sf2"),
        dir.join("events.mid"),
        dir.join("out.wav"),
    );
    let result = (|| {
        std::fs::write(&font, scamp::soundfont::EMBEDDED_SOUNDFONT).map_err(|e| e.to_string())?;
        write_midi_file(&midi, events).map_err(|e| e.to_string())?;
        let started = Instant::now();
        let out = Command::new("fluidsynth")
            .args(["-ni", "-q", "-r", &sample_rate.to_string(), "-F"])
            .args([&wav, &font, &midi])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| e.to_string())?;
        let seconds = started.elapsed().as_secs_f64();
        if !out.status.success() || !wav.is_file() {
            return Err(format!(
                "fluidsynth failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(seconds)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
