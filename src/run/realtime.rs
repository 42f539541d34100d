//! Real-time playback on the default audio device (cpal).
//!
//! The audio callback renders into buffers allocated before the stream starts, and moves the
//! audio-paced driver's horizon to the end of the block plus [`LOOKAHEAD`] without waiting:
//! the scheduler runs ahead by that much, so events are ready before their block. An event
//! that still arrives late is applied at the start of the block and counted. The callback
//! never locks, logs or allocates (apart from oxisynth's note-on, see [`crate::render`]).

use super::offline::MAX_TAIL;
use super::options::RenderOptions;
use super::piece::{excuse_stop, paced_session, perform};
use crate::error::{check_positive, Error, Result};
use crate::render::renderer::BlockRenderer;
use crate::scheduler::paced::Pace;
use crate::session::Session;
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How far ahead of the audio the scheduler may run, in seconds.
pub const LOOKAHEAD: f64 = 0.05;
/// Largest callback buffer rendered in one go; bigger ones are rendered in pieces.
const CHUNK: usize = 4096;

/// What a real-time run reports.
#[derive(Debug, Clone)]
pub struct PlayReport {
    /// The audio device played on.
    pub device: String,
    /// Its sample rate.
    pub sample_rate: u32,
    /// Seconds played.
    pub seconds: f64,
    /// Events that came after their sample had been played.
    pub late_events: u64,
    /// The error the piece returned, if any.
    pub piece_error: Option<Error>,
    /// What was played, when the options asked for a transcription.
    pub performance: Option<crate::transcribe::Performance>,
}

/// The default output device's name, or a clear error when there is none.
pub fn default_output_device() -> Result<(cpal::Device, String)> {
    let host = cpal::default_host();
    let device = host.default_output_device().ok_or_else(|| Error::Output {
        what: "real-time playback".into(),
        reason: format!(
            "no audio output device found (audio host '{}'); render to a file instead with --render out.wav",
            host.id().name()
        ),
        source: None,
    })?;
    let name = device
        .description()
        .map(|d| d.name().to_string())
        .unwrap_or_else(|_| "default output".into());
    Ok((device, name))
}

/// Runs `piece` and plays it on the default output device until it ends (plus its tail).
pub fn play_piece<F>(options: &RenderOptions, piece: F) -> Result<PlayReport>
where
    F: FnOnce(&Session) -> Result<()>,
{
    let (device, name) = default_output_device()?;
    let config = device.default_output_config().map_err(|e| Error::Output {
        what: "real-time playback".into(),
        reason: format!("the audio output '{name}' cannot be used ({e}); render to a file instead with --render out.wav"),
        source: None,
    })?;
    let sample_rate = config.sample_rate();
    let channels = config.channels().max(1) as usize;
    let pace = Pace::new();
    let session = paced_session(options, &pace)?;
    let mut renderer: BlockRenderer = session.attach_audio(sample_rate as f64)?;
    let position = Arc::new(AtomicU64::new(0));
    let late = Arc::new(AtomicU64::new(0));
    let stream = {
        let (pace, position, late) = (pace.clone(), Arc::clone(&position), Arc::clone(&late));
        let (mut l, mut r) = (vec![0.0f32; CHUNK], vec![0.0f32; CHUNK]);
        let sr = sample_rate as f64;
        device
            .build_output_stream(
                &config.config(),
                move |data: &mut [f32], _| {
                    crate::render::audio_thread::block(|| {
                        for frames in data.chunks_mut(CHUNK * channels) {
                            let n = frames.len() / channels;
                            pace.advance((renderer.position() + n as u64) as f64 / sr + LOOKAHEAD);
                            renderer.render(&mut l[..n], &mut r[..n]);
                            for (i, frame) in frames.chunks_mut(channels).enumerate() {
                                for (c, s) in frame.iter_mut().enumerate() {
                                    *s = if c % 2 == 0 { l[i] } else { r[i] }.clamp(-1.0, 1.0);
                                }
                            }
                        }
                        position.store(renderer.position(), Ordering::Release);
                        late.store(renderer.late_events(), Ordering::Release);
                    })
                },
                |e| log::error!("audio stream error: {e}"),
                None,
            )
            .map_err(|e| Error::Output {
                what: format!("opening audio device '{name}'"),
                reason: e.to_string(),
                source: Some(crate::error::Cause::new(e)),
            })?
    };
    stream.play().map_err(|e| Error::Output {
        what: format!("starting audio device '{name}'"),
        reason: e.to_string(),
        source: Some(crate::error::Cause::new(e)),
    })?;
    let done = Arc::new(AtomicBool::new(false));
    let capped = Arc::new(AtomicBool::new(false));
    if let Some(seconds) = options.duration {
        check_positive("--duration", seconds)?;
        let (abort, position, done, capped) = (
            session.abort_handle(),
            Arc::clone(&position),
            Arc::clone(&done),
            Arc::clone(&capped),
        );
        let sr = sample_rate as f64;
        std::thread::Builder::new()
            .name("scamp-duration".into())
            .spawn(move || {
                while !done.load(Ordering::Acquire) {
                    if position.load(Ordering::Acquire) as f64 / sr >= seconds {
                        capped.store(true, Ordering::Release);
                        abort.abort_now();
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
            .map_err(|e| Error::Resource {
                what: "the --duration timer",
                reason: e.to_string(),
            })?;
    }
    let (mut piece_error, performance) = perform(&session, options, piece)?;
    done.store(true, Ordering::Release);
    let mut piece_end = session.time_in_master();
    if capped.load(Ordering::Acquire) {
        excuse_stop(&mut piece_error, options);
        piece_end = piece_end.max(options.duration.unwrap_or(0.0));
    }
    let end = piece_end + MAX_TAIL.min(2.0);
    pace.finish();
    while (position.load(Ordering::Acquire) as f64 / sample_rate as f64) < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(stream);
    Ok(PlayReport {
        device: name,
        sample_rate,
        seconds: position.load(Ordering::Acquire) as f64 / sample_rate as f64,
        late_events: late.load(Ordering::Acquire),
        piece_error,
        performance,
    })
}
