//! The audio side: stamped events in, sample-accurate synthesized audio out.
//!
//! - [`link`]: the engine's end. SoundFont playbacks push [`AudioEvent`]s (a [`MidiMessage`]
//!   stamped with master time) into a lock-free SPSC ring (`ringbuf`), and new synths travel
//!   through a second ring, so the audio side never creates or frees one.
//! - [`renderer`]: the [`BlockRenderer`] converts each stamp to a sample offset in the current
//!   block and renders the synths in sub-blocks split at those offsets.
//! - [`offline`] renders a piece faster than real time to a WAV file or a buffer, pacing the
//!   scheduler with the audio-paced driver; [`realtime`] plays on an audio device with cpal.
//!
//! Real-time contract of [`BlockRenderer::render`]: no locks, no I/O, no logging, and no
//! allocation except inside oxisynth's note-on (it builds a voice's modulator list), the one
//! documented exception; its voice pool is pre-warmed so voices themselves are never grown.

mod audio_out;
pub mod audio_thread;
pub mod link;
pub mod midi_file;
pub mod offline;
pub mod realtime;
pub mod renderer;
pub mod wav;

pub use link::{AudioEvent, AudioLink, PartChannels};
pub use offline::{render_piece, RenderOptions, RenderReport};
pub use renderer::{BlockRenderer, OfflineRenderer};

use crate::playback::MidiMessage;

/// Default sample rate of renders and of the embedded font's samples.
pub const DEFAULT_SAMPLE_RATE: u32 = 44_100;
