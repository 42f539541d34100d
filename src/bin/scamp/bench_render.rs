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
use scamp::render::{render_piece, BlockRenderer, RenderOptions};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

const BLOCK: usize = 512;

fn check_shape(parts: usize, seconds: f64) -> scamp::Result<()> {
    if parts == 0 || parts > 64 || !(seconds > 0.0 && seconds <= 3600.0) {
        return Err(Error::InvalidArgument(format!(
            "bench render needs 1–64 parts and 0–3600 seconds (got {parts} parts, {seconds} s)"
        )));
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
        .map_err(|e| Error::Output {
            what: format!("the streamed WAV {}", wav.display()),
            reason: e.to_string(),
        })?
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

pub fn bench_render(
    parts: usize,
    seconds: f64,
    write_midi: Option<&Path>,
    write_wav: Option<&Path>,
) -> scamp::Result<()> {
    check_shape(parts, seconds)?;
    let notes = Arc::new(AtomicU64::new(0));
    let link = Arc::new(Mutex::new(None));
    let options = RenderOptions {
        soundfont: Some("default".into()),
        progress: true,
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
    let audio = link.lock().unwrap().take().expect("the piece ran");
    let events = audio.take_recording();
    let fonts = audio.synth_fonts();

    // The same events, straight into the synths.
    let samples = report.left.len();
    let mut synth_only =
        BlockRenderer::for_events(report.sample_rate as f64, &fonts, events.clone())?;
    let (mut l, mut r) = (vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]);
    let started = Instant::now();
    let mut done = 0;
    while done < samples {
        synth_only.render(&mut l, &mut r);
        done += BLOCK;
    }
    let synth_seconds = started.elapsed().as_secs_f64();
    let fluidsynth = fluidsynth_seconds(&events, report.sample_rate);

    if let Some(path) = write_midi {
        write_midi_file(path, &events)?;
        eprintln!("wrote {} ({} events)", path.display(), events.len());
    }
    if let Some(path) = write_wav {
        report.write_wav(path)?;
        eprintln!("wrote {}", path.display());
    }
    let notes = notes.load(Ordering::Relaxed);
    let peer = match &fluidsynth {
        Ok(s) => format!(
            "; FluidSynth on the same events and font {:.1}x, the engine {:.2}x FluidSynth",
            report.seconds() / s,
            s / report.wall_seconds
        ),
        Err(why) => format!("; no FluidSynth figure: {why}"),
    };
    eprintln!(
        "{parts} parts, {notes} notes, {} events: {:.1} s of audio rendered in {:.2} s ({:.1}x real time; the synths alone {:.1}x{peer})",
        events.len(),
        report.seconds(),
        report.wall_seconds,
        report.x_realtime(),
        report.seconds() / synth_seconds
    );
    let seconds = report.seconds();
    let wall = report.wall_seconds;
    let fluid_x = fluidsynth
        .as_ref()
        .map_or("null".to_string(), |s| format!("{:.2}", seconds / s));
    println!(
        "{{\"parts\":{parts},\"notes\":{notes},\"events\":{},\"seconds\":{:.3},\"wall_seconds\":{:.3},\"x_realtime\":{:.2},\"synth_only_x_realtime\":{:.2},\"fluidsynth_x_realtime\":{},\"late_events\":{},\"peak_rss_mb\":{:.1}}}",
        events.len(),
        seconds,
        wall,
        report.x_realtime(),
        seconds / synth_seconds,
        fluid_x,
        report.late_events,
        peak_rss_mb()
    );
    Ok(())
}

/// Wall seconds FluidSynth takes to render `events` (as a Standard MIDI File) with the built-in
/// font (exported as `scamp export-font` does) into a WAV: `fluidsynth -ni -F`, its default
/// polyphony and effects. An error says why there is no figure (not installed, or it failed).
fn fluidsynth_seconds(
    events: &[scamp::render::AudioEvent],
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
