//! Playing a transcribed [`Performance`](crate::transcribe::Performance) back, which needs a
//! session and its instruments, so it stands above both (the transcription itself does not
//! know them):
//!
//! - [`play`]: on a session's instruments (SCAMP's `Performance.play`);
//! - [`midi_export`]: into a Standard MIDI File, by playing it silently on a fast-forward
//!   session into MIDI captures (SCAMP's `export_to_midi_file`).
//!
//! Both are methods of `Performance`; this module holds them and their options.

pub mod midi_export;
pub mod play;

pub use midi_export::MidiExportOptions;
pub use play::PerformancePlayOptions;
