//! Offline rendering: run a piece and render its audio faster than real time.
//!
//! The piece runs on the calling thread (it owns the master clock); a render thread keeps
//! the audio-paced driver's horizon between 0.25 and 0.5 s ahead of the block (moving it, and
//! waking the piece's thread, only when it comes within 0.25 s), waits until the scheduler has
//! produced every event before the block's end, and renders the block, its synths
//! in parallel on [`RenderOptions::threads`] threads. When the piece is over (its process and
//! all its children have finished), every note still sounding is ended and the render continues
//! until the reverb tail has died away (at most [`MAX_TAIL`] seconds). The length of the
//! result depends only on the audio, never on the block size, so renders are byte-identical
//! across block sizes and runs.

pub use super::options::{RenderOptions, DEFAULT_BLOCK, DEFAULT_RUNAWAY_LIMIT};
use super::piece::{excuse_stop, paced_session, perform};
use crate::error::{check_positive, Error, Result};
use crate::render::audio_out::{AudioOut, Finished};
use crate::render::renderer::{BlockRenderer, OfflineRenderer};
use crate::render::wav::{write_wav, WavStream};
use crate::scheduler::paced::OfflinePace;
use crate::session::Session;
use crate::transcribe::Performance;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Longest reverb/release tail kept after the piece ends, in seconds.
pub const MAX_TAIL: f64 = 6.0;
/// The tail ends once this many seconds in a row stay below [`SILENCE`].
pub const SILENT_STRETCH: f64 = 0.25;
/// Peak level counted as silence.
pub const SILENCE: f32 = 1e-4;
/// How far ahead of the block being rendered the piece runs at least, in seconds (at least
/// one block; at most twice that): the piece's thread works on what comes next while the
/// render thread renders, instead of the two taking turns block by block. What is rendered does not depend on it (every event before a
/// block's end is in before the block is rendered).
const LOOKAHEAD: f64 = 0.25;
/// Silence is checked on this grid of samples (independent of the block size).
const TAIL_GRID: usize = 1024;

/// What an offline render produced.
#[derive(Debug, Clone)]
pub struct RenderReport {
    /// The sample rate rendered at.
    pub sample_rate: u32,
    /// The audio, unless it was streamed into [`RenderOptions::wav`] (then empty).
    pub left: Vec<f32>,
    /// The right channel (see `left`).
    pub right: Vec<f32>,
    /// Samples rendered (per channel).
    pub frames: usize,
    /// Why the WAV asked for in [`RenderOptions::wav`] could not be written, if it could not.
    pub wav_error: Option<Error>,
    /// Master time at which the piece ended.
    pub piece_seconds: f64,
    /// Wall-clock seconds the render took.
    pub wall_seconds: f64,
    /// Events the synths applied.
    pub events_applied: u64,
    /// Events that came after their sample had been rendered (0 in an offline render).
    pub late_events: u64,
    /// The error the piece returned, if any (the audio up to it is kept).
    pub piece_error: Option<Error>,
    /// What was played, when [`RenderOptions::transcribe`] is on.
    pub performance: Option<Performance>,
}

impl RenderReport {
    /// Seconds of audio.
    pub fn seconds(&self) -> f64 {
        self.frames as f64 / self.sample_rate as f64
    }

    /// How many times faster than real time the render ran.
    pub fn x_realtime(&self) -> f64 {
        self.seconds() / self.wall_seconds.max(1e-9)
    }

    /// Writes the audio kept in memory as a WAV file.
    pub fn write_wav(&self, path: &Path) -> Result<()> {
        write_wav(path, self.sample_rate, &self.left, &self.right)
    }
}

/// Runs `piece` on a fresh session and renders its audio. See the module docs.
pub fn render_piece<F>(options: &RenderOptions, piece: F) -> Result<RenderReport>
where
    F: FnOnce(&Session) -> Result<()>,
{
    if options.block_size == 0 || options.block_size > 1 << 16 {
        return Err(Error::InvalidValue {
            what: "block size",
            value: options.block_size as f64,
            expected: "between 1 and 65536 samples",
        });
    }
    if let Some(d) = options.duration {
        check_positive("--duration", d)?;
    }
    let started = Instant::now();
    let offline_pace = OfflinePace::new();
    let pace = offline_pace.pace().clone();
    let session = paced_session(options, &pace)?;
    // The synths play in parallel here: parts are spread over more of them.
    let renderer = session.ensemble().audio_link().attach_with_split(
        options.sample_rate as f64,
        crate::render::link::PARALLEL_CHANNELS_PER_SYNTH,
    )?;
    let ending = Arc::new(Ending::default());
    let out = AudioOut::new(options.wav.as_deref().map(|path| {
        WavStream::create(path, options.sample_rate).inspect_err(|e| {
            log::debug!("{e}; the render goes on for the other outputs");
        })
    }));
    let thread = {
        let (ending, abort) = (Arc::clone(&ending), session.abort_handle());
        let clock = session.abort_handle();
        let (block, progress, duration) = (options.block_size, options.progress, options.duration);
        let threads = match options.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let runaway_limit = options.runaway_limit.filter(|l| !l.is_zero());
        std::thread::Builder::new()
            .name("scamp-render".into())
            .spawn(move || {
                let cap = duration.map(|seconds| Cap { seconds, abort });
                render_loop(
                    renderer,
                    threads,
                    &offline_pace,
                    &ending,
                    cap,
                    block,
                    progress,
                    out,
                    clock,
                    runaway_limit,
                )
            })
            .map_err(|e| Error::Resource {
                what: "the render thread",
                reason: e.to_string(),
            })?
    };
    let (mut piece_error, performance) = perform(&session, options, piece)?;
    ending.piece_ended(session.time_in_master());
    pace.finish();
    let (audio, renderer) = thread.join().map_err(|_| Error::Resource {
        what: "the render thread",
        reason: "it panicked".into(),
    })?;
    drop(session);
    if ending.capped() {
        excuse_stop(&mut piece_error, options);
    }
    if let Some(why) = ending.gave_up() {
        // What the piece's thread said on its way out (its waits failed) is a consequence.
        piece_error = Some(why);
    }
    if let Some(e) = &piece_error {
        log::debug!("the piece stopped with an error: {e}");
    }
    Ok(RenderReport {
        sample_rate: options.sample_rate,
        left: audio.left,
        right: audio.right,
        frames: audio.frames,
        wav_error: audio.wav_error,
        piece_seconds: ending.end(),
        wall_seconds: started.elapsed().as_secs_f64(),
        events_applied: renderer.events_applied(),
        late_events: renderer.late_events(),
        piece_error,
        performance,
    })
}

/// How the piece's end is agreed between the piece's thread and the render thread.
struct Ending {
    /// Master seconds at which the piece ended (infinite until known).
    end: AtomicU64,
    /// The piece's thread is done (its last notes are in the ring).
    done: std::sync::atomic::AtomicBool,
    /// The render thread stopped the piece at `--duration`.
    capped: std::sync::atomic::AtomicBool,
    /// The render thread gave the piece up: a process never waits.
    gave_up: std::sync::Mutex<Option<Error>>,
}

impl Default for Ending {
    fn default() -> Self {
        Ending {
            end: AtomicU64::new(f64::INFINITY.to_bits()),
            done: Default::default(),
            capped: Default::default(),
            gave_up: Default::default(),
        }
    }
}

impl Ending {
    /// Sets the end, unless it is already set.
    fn end_at(&self, at: f64) {
        let _ = self.end.compare_exchange(
            f64::INFINITY.to_bits(),
            at.to_bits(),
            Ordering::AcqRel,
            Ordering::Acquire,
        );
    }

    /// The piece's thread is done; its end is `at` unless the render thread capped it first.
    fn piece_ended(&self, at: f64) {
        self.end_at(at);
        self.done.store(true, Ordering::Release);
    }

    fn give_up(&self, why: Error) {
        *self.gave_up.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
    }

    fn gave_up(&self) -> Option<Error> {
        self.gave_up
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The render thread stops the piece at `at`.
    fn cap(&self, at: f64) {
        self.end_at(at);
        self.capped.store(true, Ordering::Release);
    }

    fn end(&self) -> f64 {
        f64::from_bits(self.end.load(Ordering::Acquire))
    }

    fn capped(&self) -> bool {
        self.capped.load(Ordering::Acquire)
    }
}

/// Where the render stops the piece.
struct Cap {
    seconds: f64,
    abort: crate::session::AbortHandle,
}

#[allow(clippy::too_many_arguments)]
fn render_loop(
    renderer: BlockRenderer,
    threads: usize,
    pace: &OfflinePace,
    ending: &Ending,
    cap: Option<Cap>,
    block: usize,
    progress: bool,
    mut out: AudioOut,
    clock: crate::session::AbortHandle,
    runaway_limit: Option<std::time::Duration>,
) -> (Finished, BlockRenderer) {
    let mut renderer = OfflineRenderer::new(renderer);
    if let Err(e) = renderer.use_threads(threads) {
        log::warn!("{e}; the synths render on one thread");
    }
    let sr = renderer.sample_rate();
    let bar = progress.then(|| progress_bar(cap.as_ref().map(|c| c.seconds)));
    let started = Instant::now();
    let (mut l, mut r) = (vec![0.0f32; block], vec![0.0f32; block]);
    let mut length: Option<usize> = None;
    let mut tail: Option<TailScan> = None;
    let mut cap = cap;
    let mut given = f64::NEG_INFINITY;
    while length.is_none_or(|n| out.len() < n) {
        let mut horizon = (renderer.position() + block as u64) as f64 / sr;
        // The horizon moves in strides of two look-aheads, once the block comes within one
        // of it: the piece's thread is woken a few times a second of audio, not every block.
        let stride = LOOKAHEAD.max(block as f64 / sr);
        if given < horizon + stride {
            given = horizon + 2.0 * stride;
        }
        let mut ahead = given;
        if let Some(c) = &cap {
            // The scheduler never runs past the cap, whatever the block size.
            horizon = horizon.min(c.seconds);
            ahead = ahead.min(c.seconds);
        }
        pace.advance_and_wait(ahead, horizon, || {
            renderer.absorb();
            let runaway = runaway_limit.and_then(|limit| clock.runaway_process(limit));
            let Some((name, ran)) = runaway else {
                return true;
            };
            let why = Error::Runaway {
                clock: name,
                seconds: ran.as_secs_f64(),
            };
            log::debug!("{why}");
            ending.give_up(why);
            // The piece's own thread waits for that process: let it out.
            clock.abandon();
            false
        });
        if ending.gave_up().is_some() {
            break;
        }
        if let Some(c) = cap.take_if(|c| horizon >= c.seconds && !pace.is_finished()) {
            // Stop the piece exactly at the cap, and render on only once its last note-offs
            // (stamped at the cap) are in: the audio is then the same at any block size.
            ending.cap(c.seconds);
            // At the session's "now", which is the cap (the horizon): the notes sounding end
            // there, in the audio and the transcription.
            c.abort.abort_now();
            while !ending.done.load(Ordering::Acquire) {
                renderer.absorb();
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
        renderer.absorb();
        crate::render::audio_thread::block(|| renderer.render(&mut l, &mut r));
        out.push(&l, &r);
        if pace.is_finished() {
            if length.is_none() {
                let scan = tail.get_or_insert_with(|| TailScan::new(ending.end(), sr));
                let (base, left, right) = out.kept();
                length = scan.end(base, left, right);
            }
        } else if let Some(end) = clock.master_end_lower_bound(pace.reached()) {
            // The piece cannot end before this: what lies before can no longer be cut.
            out.release_before((end * sr).floor().max(0.0) as usize);
        }
        if let Some(bar) = &bar {
            let secs = out.len() as f64 / sr;
            bar.set_position((secs * 10.0) as u64);
            bar.set_message(format!(
                "{secs:.1} s of audio, {:.0}x real time",
                secs / started.elapsed().as_secs_f64().max(1e-9)
            ));
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let n = length.unwrap_or(out.len());
    (out.finish(n), renderer.into_inner())
}

/// A spinner, or a bar when the length is known (tenths of a second of audio).
fn progress_bar(total_seconds: Option<f64>) -> indicatif::ProgressBar {
    match total_seconds {
        Some(total) => {
            let bar = indicatif::ProgressBar::new((total * 10.0).ceil() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "rendering [{bar:30}] {percent}% {msg} (about {eta} left)",
                )
                .expect("valid template"),
            );
            bar
        }
        None => {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} rendering: {msg}")
                    .expect("valid template"),
            );
            bar
        }
    }
}

/// Finds where the rendered audio should end: after the piece's end, at the first grid point
/// from which [`SILENT_STRETCH`] seconds stay silent, or after [`MAX_TAIL`].
struct TailScan {
    at: usize,
    stretch: usize,
    max_end: usize,
}

impl TailScan {
    fn new(piece_end: f64, sr: f64) -> Self {
        let start = ((piece_end * sr).ceil().max(0.0) as usize).div_ceil(TAIL_GRID) * TAIL_GRID;
        TailScan {
            at: start,
            stretch: (SILENT_STRETCH * sr) as usize,
            max_end: start + (MAX_TAIL * sr) as usize,
        }
    }

    /// The end, or `None` while more audio is needed to decide. `left`/`right` hold the
    /// audio from absolute sample `base` on (which lies at or before the piece's end).
    fn end(&mut self, base: usize, left: &[f32], right: &[f32]) -> Option<usize> {
        debug_assert!(base <= self.at);
        while self.at + self.stretch <= base + left.len() {
            if self.at >= self.max_end {
                return Some(self.max_end);
            }
            let span = self.at - base..self.at - base + self.stretch;
            let loud_in = |x: &[f32]| x.iter().rposition(|s| s.abs() >= SILENCE);
            match loud_in(&left[span.clone()]).max(loud_in(&right[span])) {
                None => return Some(self.at + self.stretch),
                // Skip past the last loud sample, on the grid.
                Some(i) => {
                    let loud = self.at + i;
                    self.at =
                        (loud + 1).div_ceil(TAIL_GRID).max(self.at / TAIL_GRID + 1) * TAIL_GRID;
                }
            }
        }
        None
    }
}
