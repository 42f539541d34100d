//! Playback implementations: what an instrument's notes turn into.
//!
//! An instrument hands each note event to every [`PlaybackImplementation`] it has, always
//! from the process that owns the baton, stamped with the master clock's ideal time. None of
//! them touches audio: the SoundFont playback pushes stamped [`MidiMessage`]s to the audio side
//! ([`crate::render`]), the MIDI playback writes to a port, the OSC playback sends UDP packets.
//! A failing output (a closed port) is logged once and skipped; it never fails a note.

pub mod channels;
pub mod midi;
pub mod options;
pub mod osc;
pub mod soundfont;

pub use channels::{MidiMapper, MidiSettings, NoteId, VelocityCurve};

use crate::event::MidiMessage;

/// What a playback needs to know when a note starts.
#[derive(Debug, Clone)]
pub struct NoteStart<'a> {
    /// The note's id among its instrument's notes.
    pub id: NoteId,
    /// MIDI pitch (fractional for microtones).
    pub pitch: f64,
    /// Volume 0–1 at the start.
    pub volume: f64,
    /// The loudest the note will get (its velocity; expression scales below it).
    pub max_volume: f64,
    /// Scalar pitch and volume that will never change (may share a MIDI channel).
    pub fixed: bool,
    /// Declared playback parameters (`param_NAME: value`), their start values.
    pub params: &'a [(String, f64)],
}

/// One way of playing an instrument's notes (SCAMP's `PlaybackImplementation`). `at` is the
/// master clock's ideal time in seconds when the event happens.
pub trait PlaybackImplementation: Send {
    /// A note starts at master time `at`.
    fn start_note(&mut self, at: f64, note: &NoteStart);
    /// Note `id`'s pitch is now `pitch`.
    fn change_pitch(&mut self, at: f64, id: NoteId, pitch: f64);
    /// Note `id`'s volume is now `volume`.
    fn change_volume(&mut self, at: f64, id: NoteId, volume: f64);
    /// Note `id`'s parameter `name` is now `value`.
    fn change_parameter(&mut self, at: f64, id: NoteId, name: &str, value: f64);
    /// Note `id` ends.
    fn end_note(&mut self, at: f64, id: NoteId);
    /// A MIDI controller change (value 0–1) on all the instrument's channels; playbacks that
    /// do not speak MIDI ignore it.
    fn send_midi_cc(&mut self, _at: f64, _controller: u8, _value: f64) {}
    /// A short description for logs and `print` (e.g. `soundfont "Violin" on ...`).
    fn describe(&self) -> String;
    /// SCAMP's JSON for it: `{"type": "<Kind>PlaybackImplementation", "args": {...}}`, enough
    /// to build it again.
    fn to_json(&self) -> serde_json::Value;
}

/// What [`MappedPlayback::with_mapper`] runs: the mapper and a sink for its messages.
pub type MapperUse<'a> = &'a mut dyn FnMut(&mut MidiMapper, &mut dyn FnMut(MidiMessage));

/// A playback built on a [`MidiMapper`] (SoundFont, MIDI port): it only says where the mapped
/// messages go. Every such type is a [`PlaybackImplementation`] through the impl below, so the
/// note methods are written once.
pub trait MappedPlayback: Send {
    /// Runs `f` with the mapper and a sink taking the messages it makes at master time `at`.
    fn with_mapper(&mut self, at: f64, f: MapperUse);
    /// What the playback plays on, for messages.
    fn describe_output(&self) -> String;
    /// The playback in SCAMP's saved-session JSON.
    fn output_json(&self) -> serde_json::Value;
}

impl<T: MappedPlayback> PlaybackImplementation for T {
    fn start_note(&mut self, at: f64, note: &NoteStart) {
        self.with_mapper(at, &mut |m, out| m.start_note(at, note, out));
    }
    fn change_pitch(&mut self, at: f64, id: NoteId, pitch: f64) {
        self.with_mapper(at, &mut |m, out| m.change_pitch(id, pitch, out));
    }
    fn change_volume(&mut self, at: f64, id: NoteId, volume: f64) {
        self.with_mapper(at, &mut |m, out| m.change_volume(id, volume, out));
    }
    fn change_parameter(&mut self, at: f64, id: NoteId, name: &str, value: f64) {
        self.with_mapper(at, &mut |m, out| m.change_parameter(id, name, value, out));
    }
    fn end_note(&mut self, at: f64, id: NoteId) {
        self.with_mapper(at, &mut |m, out| m.end_note(at, id, out));
    }
    fn send_midi_cc(&mut self, at: f64, controller: u8, value: f64) {
        let v = ((value * 127.0) as i64).clamp(0, 127) as u8;
        self.with_mapper(at, &mut |m, out| m.cc_all_channels(controller, v, out));
    }
    fn describe(&self) -> String {
        self.describe_output()
    }
    fn to_json(&self) -> serde_json::Value {
        self.output_json()
    }
}
