//! The audio side: stamped events in, sample-accurate synthesized audio out.
//!
//! - [`link`]: the engine's end. SoundFont playbacks push [`AudioEvent`](crate::event::AudioEvent)s (a [`MidiMessage`](crate::event::MidiMessage)
//!   stamped with master time) into a lock-free SPSC ring (`ringbuf`), and new synths travel
//!   through a second ring, so the audio side never creates or frees one.
//! - [`renderer`]: the [`BlockRenderer`] converts each stamp to a sample offset in the current
//!   block and renders the synths in sub-blocks split at those offsets.
//! - [`wav`], `audio_out`: where rendered audio goes; [`audio_thread`]: the real-time seam.
//!
//! Running a piece with this audio (offline, in real time) is [`crate::run`](mod@crate::run)'s business: this
//! module knows synths and events, not sessions.
//!
//! Real-time contract of [`BlockRenderer::render`]: no locks, no I/O, no logging, and no
//! allocation except inside oxisynth's note-on (it builds a voice's modulator list), the one
//! documented exception; its voice pool is pre-warmed so voices themselves are never grown.

pub(crate) mod audio_out;
pub mod audio_thread;
pub mod link;
pub mod midi_file;
pub mod renderer;
pub mod wav;

pub use link::{AudioLink, PartChannels};
pub use renderer::{BlockRenderer, OfflineRenderer};

/// Default sample rate of renders and of the embedded font's samples.
pub const DEFAULT_SAMPLE_RATE: u32 = 44_100;
