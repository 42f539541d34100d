//! [`RenderOptions`]: how a piece is run, offline or in real time (the command line's
//! `--seed`, `--tempo`, `--threads`, ...). Plain data, for any thread.

use crate::render::DEFAULT_SAMPLE_RATE;

/// Default of [`RenderOptions::runaway_limit`].
pub const DEFAULT_RUNAWAY_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);
/// Default of [`RenderOptions::block_size`]: large blocks keep the synth threads busy between
/// hand-overs (each block is one hand-over to the pool).
pub const DEFAULT_BLOCK: usize = 4096;
/// Settings of an offline render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Sample rate of the render, in Hz.
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
    /// [`Error::Runaway`](crate::Error::Runaway) (keeping the audio so far); `None`: never. Default 10 s.
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
