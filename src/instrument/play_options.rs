//! [`PlayOptions`]: SCAMP's keyword arguments of the note calls, and [`PropertiesArg`]: the
//! forms a note's properties may be given in (a property string, properties built in code, one
//! property object, or a list of them merged as SCAMP merges them). Pure values; any thread.

use super::properties::{NotePlaybackAdjustment, NoteProperties, Spanner, StaffText};
use crate::clock::Clock;
use crate::error::Result;

/// SCAMP's keyword arguments of `play_note`, `play_chord`, `start_note` and `start_chord`:
/// `properties`, `blocking` and `clock`. All optional:
///
/// ```
/// # use scamp::prelude::*;
/// # let session = Session::fast_forward_session(60.0)?;
/// # let piano = session.new_silent_part("piano");
/// piano.play_note(60, 0.8, 1.0)?;
/// piano.play_note_with(62, 0.8, 0.5, PlayOptions::new().properties("staccato"))?;
/// piano.play_note_with(64, 0.8, 2.0, PlayOptions::new().blocking(false))?;
/// # Ok::<(), scamp::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct PlayOptions {
    pub(crate) blocking: Option<bool>,
    pub(crate) clock: Option<Clock>,
    pub(crate) properties: Option<PropertiesArg>,
}

/// What [`PlayOptions::properties`] takes: a SCAMP property string (parsed when the note is
/// played, so a bad one is that call's error, naming the bad entry) or parsed properties.
#[derive(Debug, Clone)]
pub enum PropertiesArg {
    /// A property string, such as `"staccato, volume * 0.5, param_1: 0.3"`.
    Text(String),
    /// Properties already parsed ([`NoteProperties::parse`]) or built.
    Parsed(Box<NoteProperties>),
    /// Several, merged in order (SCAMP's list of properties: `[wiggle, "staccato"]`).
    List(Vec<PropertiesArg>),
}

impl PropertiesArg {
    fn resolve(&self) -> Result<NoteProperties> {
        match self {
            PropertiesArg::Text(t) => NoteProperties::parse(t),
            PropertiesArg::Parsed(p) => Ok((**p).clone()),
            PropertiesArg::List(items) => items
                .iter()
                .try_fold(NoteProperties::default(), |all, item| {
                    Ok(all.merged(&item.resolve()?))
                }),
        }
    }
}

impl From<&str> for PropertiesArg {
    fn from(s: &str) -> Self {
        PropertiesArg::Text(s.to_string())
    }
}

impl From<String> for PropertiesArg {
    fn from(s: String) -> Self {
        PropertiesArg::Text(s)
    }
}

impl From<&String> for PropertiesArg {
    fn from(s: &String) -> Self {
        PropertiesArg::Text(s.clone())
    }
}

impl From<NoteProperties> for PropertiesArg {
    fn from(p: NoteProperties) -> Self {
        PropertiesArg::Parsed(Box::new(p))
    }
}

impl From<&NoteProperties> for PropertiesArg {
    fn from(p: &NoteProperties) -> Self {
        PropertiesArg::Parsed(Box::new(p.clone()))
    }
}

/// One property made in code: a staff text, a spanner or a playback adjustment alone.
macro_rules! properties_arg_from_one {
    ($($t:ty => $field:ident),*) => {$(
        impl From<$t> for PropertiesArg {
            fn from(one: $t) -> Self {
                PropertiesArg::from(NoteProperties {
                    $field: vec![one],
                    ..NoteProperties::default()
                })
            }
        }
    )*};
}
properties_arg_from_one!(
    StaffText => texts,
    Spanner => spanners,
    NotePlaybackAdjustment => playback_adjustments
);

impl<T: Into<PropertiesArg>> From<Vec<T>> for PropertiesArg {
    fn from(items: Vec<T>) -> Self {
        PropertiesArg::List(items.into_iter().map(Into::into).collect())
    }
}

impl PlayOptions {
    /// Options with SCAMP's defaults: no properties, blocking, the current clock.
    pub fn new() -> Self {
        Self::default()
    }
    /// The note's properties: articulations, playback adjustments, parameters, notations
    /// (SCAMP's property strings and dictionaries; default none).
    pub fn properties(mut self, p: impl Into<PropertiesArg>) -> Self {
        self.properties = Some(p.into());
        self
    }
    /// `false`: return at once, the note plays in a forked process (default `true`).
    pub fn blocking(mut self, b: bool) -> Self {
        self.blocking = Some(b);
        self
    }
    /// Play on this clock instead of the current one.
    pub fn clock(mut self, c: Clock) -> Self {
        self.clock = Some(c);
        self
    }

    pub(crate) fn resolved_properties(&self) -> Result<NoteProperties> {
        self.properties
            .as_ref()
            .map_or_else(|| Ok(NoteProperties::default()), PropertiesArg::resolve)
    }
}
