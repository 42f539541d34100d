//! Offline rendering: run a piece and render its audio faster than real time.
//!
//! The piece runs on the calling thread (it owns the master clock); a render thread advances
//! the audio-paced driver's horizon block by block, [`LOOKAHEAD`] ahead of the block, waits
//! until the scheduler has produced every event before the block's end, and renders the block,
//! its synths in parallel on [`RenderOptions::threads`] threads. When the piece is over (its process and all
//! its children have finished), every note still sounding is ended and the render continues
//! until the reverb tail has died away (at most [`MAX_TAIL`] seconds). The length of the
//! result depends only on the audio, never on the block size, so renders are byte-identical
//! across block sizes and runs.

use super::audio_out::{AudioOut, Finished};
use super::renderer::{BlockRenderer, OfflineRenderer};
use super::wav::{write_wav, WavStream};
use super::DEFAULT_SAMPLE_RATE;
use crate::error::{check_positive, Error, Result};
use crate::scheduler::paced::{OfflinePace, Pace};
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
/// Default of [`RenderOptions::runaway_limit`].
pub const DEFAULT_RUNAWAY_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);
/// Default of [`RenderOptions::block_size`]: large blocks keep the synth threads busy between
/// hand-overs (each block is one hand-over to the pool).
pub const DEFAULT_BLOCK: usize = 4096;
/// How far ahead of the block being rendered the piece may run, in seconds (at least one
/// block): the piece's
/// thread works on what comes next while the render thread renders, instead of the two
/// taking turns block by block. What is rendered does not depend on it (every event before a
/// block's end is in before the block is rendered).
const LOOKAHEAD: f64 = 0.25;
/// Silence is checked on this grid of samples (independent of the block size).
const TAIL_GRID: usize = 1024;

/// Settings of an offline render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub sample_rate: u32,
    /// Samples per rendered block (any size gives the same audio).
    pub block_size: usize,
    /// Threads the synths render on (0: one per core; any count gives the same audio).
    pub threads: usize,
    /// The master clock's initial tempo.
    pub tempo: f64,
    /// Seed of the session's random numbers.
    pub seed: u64,
    /// Overrides the session's default SoundFont.
    pub soundfont: Option<String>,
    /// Show a progress bar on a terminal.
    pub progress: bool,
    /// Transcribe every instrument while rendering (the report's `performance`).
    pub transcribe: bool,
    /// Stop the piece after this many seconds of audio (its sounding notes end there and ring
    /// out): how a piece that never ends, like one waiting for input, is rendered.
    pub duration: Option<f64>,
    /// A process running user code this long without waiting stops the render there with
    /// [`Error::Runaway`] (keeping the audio so far); `None`: never. Default 10 s.
    pub runaway_limit: Option<std::time::Duration>,
    /// Stream the audio into this WAV file as it renders (constant memory, written
    /// atomically; the folder must exist). The report's `left`/`right` then stay empty; a
    /// WAV that cannot be written is the report's `wav_error`, and the render goes on.
    pub wav: Option<std::path::PathBuf>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            sample_rate: DEFAULT_SAMPLE_RATE,
            block_size: DEFAULT_BLOCK,
            threads: 0,
            tempo: 60.0,
            seed: crate::random::DEFAULT_SEED,
            soundfont: None,
            progress: false,
            transcribe: false,
            duration: None,
            runaway_limit: Some(DEFAULT_RUNAWAY_LIMIT),
            wav: None,
        }
    }
}

/// What an offline render produced.
#[derive(Debug, Clone)]
pub struct RenderReport {
    pub sample_rate: u32,
    /// The audio, unless it was streamed into [`RenderOptions::wav`] (then empty).
    pub left: Vec<f32>,
    pub right: Vec<f32>,
    /// Samples rendered (per channel).
    pub frames: usize,
    /// Why the WAV asked for in [`RenderOptions::wav`] could not be written, if it could not.
    pub wav_error: Option<Error>,
    /// Master time at which the piece ended.
    pub piece_seconds: f64,
    /// Wall-clock seconds the render took.
    pub wall_seconds: f64,
    pub events_applied: u64,
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
    let renderer = session.attach_audio(options.sample_rate as f64)?;
    let ending = Arc::new(Ending::default());
    let out = AudioOut::new(options.wav.as_deref().map(|path| {
        WavStream::create(path, options.sample_rate).inspect_err(|e| {
            log::error!("{e}; the render goes on for the other outputs");
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
        log::error!("the piece stopped with an error: {e}");
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

/// A session paced by `pace`, with the options' tempo, seed and default SoundFont: what both
/// the offline render and real-time playback run a piece in.
pub(crate) fn paced_session(options: &RenderOptions, pace: &Pace) -> Result<Session> {
    let session = Session::with_driver(options.tempo, pace.driver())?;
    session.rng().seed(options.seed);
    if let Some(sf) = &options.soundfont {
        session.ensemble().soundfont(sf)?;
        session.set_default_soundfont(sf.clone());
    }
    Ok(session)
}

/// Runs `piece` to its end (its children too), ends every note still sounding, and returns
/// the piece's error, if any, with the transcription when the options ask for one.
pub(crate) fn perform<F>(
    session: &Session,
    options: &RenderOptions,
    piece: F,
) -> Result<(Option<Error>, Option<Performance>)>
where
    F: FnOnce(&Session) -> Result<()>,
{
    if options.transcribe {
        session.start_transcribing()?;
    }
    let mut piece_error = run_caught(|| piece(session)).err();
    if let Err(e) = session.wait_for_children_to_finish() {
        piece_error.get_or_insert(e);
    }
    // A process that failed while the rest played on: the piece did not play as written. The
    // session's own count covers every failure, so it stands for what the master's waits
    // heard of its children.
    let (count, failures) = session.failed_processes();
    if let Some(first) = failures.into_iter().next() {
        if matches!(piece_error, None | Some(Error::ChildrenFailed { .. })) {
            piece_error = Some(Error::ProcessesFailed { count, first });
        }
    }
    session.ensemble().end_all_notes();
    let performance = if options.transcribe {
        // A session given up on (a process never waits) may not give its transcription.
        match session.stop_transcribing() {
            Ok(p) => Some(p),
            Err(e) => {
                piece_error.get_or_insert(e);
                None
            }
        }
    } else {
        None
    };
    Ok((piece_error, performance))
}

/// For a piece stopped at `--duration`: its waits failing because of the stop is not the
/// piece's fault, so that error is dropped (any other is kept).
pub(crate) fn excuse_stop(piece_error: &mut Option<Error>, options: &RenderOptions) {
    if let Some(Error::ClockDead(_)) = piece_error {
        *piece_error = None;
    }
    log::info!(
        "the piece was stopped after --duration {:?} s",
        options.duration
    );
}

/// Runs the piece's master process, turning a panic into an error (the audio so far is kept,
/// as a panic in a forked process is reported and the rest plays on).
pub(crate) fn run_caught(piece: impl FnOnce() -> Result<()>) -> Result<()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(piece)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        Err(Error::Refused(format!("the piece panicked: {what}")))
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
    while length.is_none_or(|n| out.len() < n) {
        let mut horizon = (renderer.position() + block as u64) as f64 / sr;
        let mut ahead = horizon + LOOKAHEAD.max(block as f64 / sr);
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
            log::error!("{why}");
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
        super::audio_thread::block(|| renderer.render(&mut l, &mut r));
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
