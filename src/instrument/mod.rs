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

use crate::clock::{current_clock, Clock, Envelope, ForkOptions};
use crate::error::{Error, Result};
use crate::playback::{NoteId, NoteStart, PlaybackImplementation};
use crate::transcribe::transcriber::{Transcriber, WrittenNote, WrittenQuantity};
use crate::transcribe::Level;
use args::{check_pitch, check_volume, Resolved};
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

/// A note ready to play: written values checked, adjustments applied.
struct Prepared {
    written_pitches: Vec<Resolved>,
    written_volume: Resolved,
    written_segments: Vec<f64>,
    pitches: Vec<Resolved>,
    volume: Resolved,
    /// How long the note sounds (after `staccato`, `length * x`...).
    length: f64,
    /// How long the caller waits: the written length, so adjustments never change rhythm.
    written_length: f64,
    props: NoteProperties,
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
    fn properties_json(&self, props: NoteProperties) -> Arc<serde_json::Value> {
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

    fn now(&self) -> f64 {
        self.inner.master.time_in_master()
    }

    /// Plays a note and waits for it to end (SCAMP's `play_note`). `pitch` is a MIDI pitch,
    /// an [`Envelope`], a list (a glide spread over the note) or `None` (a
    /// rest); `volume` 0–1, an envelope or a list; `length` beats of the current clock or tied
    /// segments. Properties, `blocking` and `clock`: [`play_note_with`](Self::play_note_with).
    pub fn play_note(
        &self,
        pitch: impl Into<Pitch>,
        volume: impl Into<Param>,
        length: impl Into<Length>,
    ) -> Result<()> {
        self.play_note_with(pitch, volume, length, PlayOptions::new())
    }

    /// [`play_note`](Self::play_note) with SCAMP's keyword arguments ([`PlayOptions`]:
    /// properties, blocking, clock).
    pub fn play_note_with(
        &self,
        pitch: impl Into<Pitch>,
        volume: impl Into<Param>,
        length: impl Into<Length>,
        options: PlayOptions,
    ) -> Result<()> {
        let pitches = match pitch.into().0 {
            Some(p) => vec![p],
            None => vec![],
        };
        let properties = options.resolved_properties()?;
        self.play(pitches, volume.into(), length.into(), properties, options)
    }

    /// Plays several pitches together with one volume and length (SCAMP's `play_chord`).
    pub fn play_chord(
        &self,
        pitches: impl IntoIterator<Item = impl Into<Param>>,
        volume: impl Into<Param>,
        length: impl Into<Length>,
    ) -> Result<()> {
        self.play_chord_with(pitches, volume, length, PlayOptions::new())
    }

    /// [`play_chord`](Self::play_chord) with SCAMP's keyword arguments ([`PlayOptions`]).
    pub fn play_chord_with(
        &self,
        pitches: impl IntoIterator<Item = impl Into<Param>>,
        volume: impl Into<Param>,
        length: impl Into<Length>,
        options: PlayOptions,
    ) -> Result<()> {
        let pitches: Vec<Param> = pitches.into_iter().map(Into::into).collect();
        if pitches.is_empty() {
            return Err(Error::invalid_argument(
                "play_chord pitches",
                "an empty list",
                "at least one pitch",
            ));
        }
        let properties = options.resolved_properties()?;
        self.play(pitches, volume.into(), length.into(), properties, options)
    }

    fn play(
        &self,
        pitches: Vec<Param>,
        volume: Param,
        length: Length,
        props: NoteProperties,
        options: PlayOptions,
    ) -> Result<()> {
        let clock = self.note_clock(&options, "play_note")?;
        let prepared = self.prepare(pitches, volume, length, props)?;
        if options.blocking.unwrap_or(true) {
            if prepared.length == prepared.written_length {
                return self.perform(&clock, prepared);
            }
            // An adjusted length sounds longer or shorter than the caller waits.
            let wait = prepared.written_length;
            let me = self.clone();
            clock.fork_with(
                move |c| me.perform(&c, prepared),
                ForkOptions::new().name(format!("{} note", self.inner.name)),
            )?;
            clock.wait(wait)
        } else {
            let me = self.clone();
            clock.fork_with(
                move |c| me.perform(&c, prepared),
                ForkOptions::new().name(format!("{} note", self.inner.name)),
            )?;
            Ok(())
        }
    }

    /// Checks the written note and applies the playback adjustments.
    fn prepare(
        &self,
        pitches: Vec<Param>,
        volume: Param,
        length: Length,
        mut props: NoteProperties,
    ) -> Result<Prepared> {
        length.check()?;
        let written_length = length.total();
        // Envelope-valued parameters are laid over the note, as SCAMP lays a list over it,
        // and written so.
        for (_, amount) in props.params.iter_mut() {
            *amount = amount.over(Some(written_length));
        }
        let written_segments = match &length {
            Length::Beats(b) => vec![*b],
            Length::Tied(v) => v.clone(),
        };
        let written_volume = volume.resolve(written_length)?;
        check_volume(&written_volume)?;
        let mut resolved = Vec::with_capacity(pitches.len());
        let mut written_pitches = Vec::with_capacity(pitches.len());
        let mut played_length = written_length;
        let mut volume = written_volume.clone();
        for p in pitches {
            let written = p.resolve(written_length)?;
            check_pitch(&written)?;
            let (pitch, v, length) = props.apply_playback_adjustments_with(
                &self.inner.playback_settings,
                written.clone(),
                written_volume.clone(),
                Some(written_length),
            )?;
            check_pitch(&pitch)?;
            (volume, played_length) = (v, length.unwrap_or(written_length).max(0.0));
            resolved.push(pitch);
            written_pitches.push(written);
        }
        let volume = volume.map(|v| v.clamp(0.0, 1.0))?;
        // Envelopes were laid out for the written length: scale them to the played one.
        let stretch = |r: Resolved| -> Result<Resolved> {
            match r {
                Resolved::Envelope(e)
                    if written_length > 0.0 && played_length != written_length =>
                {
                    let k = played_length / written_length;
                    let durations: Vec<f64> = e.durations().iter().map(|d| d * k).collect();
                    Envelope::from_levels_and_durations(&e.levels(), &durations, &e.curve_shapes())
                        .map(Resolved::Envelope)
                }
                other => Ok(other),
            }
        };
        Ok(Prepared {
            written_pitches,
            written_volume,
            written_segments,
            pitches: resolved.into_iter().map(stretch).collect::<Result<_>>()?,
            volume: stretch(volume)?,
            length: played_length,
            written_length,
            props,
        })
    }

    /// Plays a prepared note or chord on `clock`, blocking for its length.
    fn perform(&self, clock: &Clock, note: Prepared) -> Result<()> {
        let fixed = note.volume.is_value() && note.pitches.iter().all(|p| p.is_value());
        let mut sounding = Vec::with_capacity(note.pitches.len());
        let params = note.props.param_start_values();
        let animated_params = note
            .props
            .params
            .iter()
            .any(|(_, a)| matches!(a, Amount::Envelope(_)));
        for (i, (pitch, written_pitch)) in
            note.pitches.iter().zip(&note.written_pitches).enumerate()
        {
            let properties = self.properties_json(note.props.for_chord_note(i));
            let written = self.inner.transcriber.played_note(
                &self.instrument_id(),
                clock,
                level(written_pitch),
                level(&note.written_volume),
                note.written_length,
                note.written_segments.clone(),
                if note.length > 0.0 {
                    note.written_length / note.length
                } else {
                    1.0
                },
                properties,
            );
            let id = self.begin(
                pitch.start(),
                note.volume.start(),
                note.volume.max(),
                fixed && !animated_params,
                &params,
                written,
            );
            sounding.push(EndOnDrop {
                instrument: self.clone(),
                id,
            });
            if let Resolved::Envelope(e) = pitch {
                handle::animate(self, id, Quantity::Pitch, e.clone(), clock.clone())?;
            }
            if let Resolved::Envelope(e) = &note.volume {
                handle::animate(self, id, Quantity::Volume, e.clone(), clock.clone())?;
            }
            for (name, amount) in &note.props.params {
                if let Amount::Envelope(e) = amount {
                    let e = Param::Fitted(e.clone()).resolve(note.length)?;
                    if let Resolved::Envelope(e) = e {
                        let what = Quantity::Parameter(name.clone());
                        handle::animate(self, id, what, e, clock.clone())?;
                    }
                }
            }
        }
        clock.wait(note.length)?;
        drop(sounding);
        Ok(())
    }

    /// Starts a note that sounds until its handle ends it (SCAMP's `start_note`). The pitch
    /// and volume are numbers, envelopes (played in beats from now) or lists (levels spread
    /// over one beat, as SCAMP reads a list with no note length).
    pub fn start_note(
        &self,
        pitch: impl Into<Param>,
        volume: impl Into<Param>,
    ) -> Result<NoteHandle> {
        self.start_note_with(pitch, volume, PlayOptions::new())
    }

    /// [`start_note`](Self::start_note) with properties and a clock ([`PlayOptions`]; the
    /// note never blocks, so `blocking` does not apply).
    pub fn start_note_with(
        &self,
        pitch: impl Into<Param>,
        volume: impl Into<Param>,
        options: PlayOptions,
    ) -> Result<NoteHandle> {
        let clock = self.note_clock(&options, "start_note")?;
        let (pitch, volume) = (pitch.into().resolve_open()?, volume.into().resolve_open()?);
        self.start_note_on(&clock, pitch, volume, &options.resolved_properties()?)
    }

    /// Starts one note per pitch (SCAMP's `start_chord`); each pitch may be a number, an
    /// envelope or a list, as in [`start_note`](Self::start_note).
    pub fn start_chord<P: Into<Param>>(
        &self,
        pitches: impl IntoIterator<Item = P>,
        volume: impl Into<Param>,
    ) -> Result<ChordHandle> {
        self.start_chord_with(pitches, volume, PlayOptions::new())
    }

    /// [`start_chord`](Self::start_chord) with properties and a clock ([`PlayOptions`]).
    pub fn start_chord_with<P: Into<Param>>(
        &self,
        pitches: impl IntoIterator<Item = P>,
        volume: impl Into<Param>,
        options: PlayOptions,
    ) -> Result<ChordHandle> {
        let clock = self.note_clock(&options, "start_chord")?;
        let props = options.resolved_properties()?;
        let volume = volume.into().resolve_open()?;
        let pitches = pitches
            .into_iter()
            .map(|p| p.into().resolve_open())
            .collect::<Result<Vec<_>>>()?;
        let notes = pitches
            .into_iter()
            .enumerate()
            .map(|(i, p)| self.start_note_on(&clock, p, volume.clone(), &props.for_chord_note(i)))
            .collect::<Result<_>>()?;
        Ok(ChordHandle { notes })
    }

    /// The clock a note plays on: the one given, else the caller's.
    fn note_clock(&self, options: &PlayOptions, call: &'static str) -> Result<Clock> {
        match &options.clock {
            Some(c) => Ok(c.clone()),
            None => current_clock().ok_or(Error::NoCurrentClock(call)),
        }
    }

    pub(crate) fn start_note_on(
        &self,
        clock: &Clock,
        pitch: Resolved,
        volume: Resolved,
        props: &NoteProperties,
    ) -> Result<NoteHandle> {
        check_pitch(&pitch)?;
        check_volume(&volume)?;
        let written = self.inner.transcriber.started_note(
            &self.instrument_id(),
            pitch.start(),
            volume.start(),
            self.properties_json(props.clone()),
        );
        let (played_pitch, played_volume, _) = props.apply_playback_adjustments_with(
            &self.inner.playback_settings,
            pitch.clone(),
            volume.clone(),
            None,
        )?;
        let played_volume = played_volume.map(|v| v.clamp(0.0, 1.0))?;
        let params = props.param_start_values();
        let id = self.begin(
            played_pitch.start(),
            played_volume.start(),
            played_volume.max(),
            false,
            &params,
            written,
        );
        // The written envelopes are what transcription records; the played ones sound.
        for (quantity, written, played) in [
            (Quantity::Pitch, pitch, played_pitch),
            (Quantity::Volume, volume, played_volume),
        ] {
            if let Resolved::Envelope(e) = written {
                handle::record_glide(self, id, &quantity, &e, clock);
            }
            if let Resolved::Envelope(e) = played {
                handle::animate(self, id, quantity, e, clock.clone())?;
            }
        }
        Ok(NoteHandle {
            instrument: self.clone(),
            id,
            clock: clock.clone(),
        })
    }

    fn begin(
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

/// A resolved value as a transcribed level.
fn level(r: &Resolved) -> Level {
    match r {
        Resolved::Value(v) => Level::Value(*v),
        Resolved::Envelope(e) => Level::Envelope(Box::new(e.clone())),
    }
}

/// A sounding note's pitch, volume and parameters.
pub(crate) type LiveValues = (f64, f64, Vec<(String, f64)>);

/// Ends a note when dropped: at the end of `play_note`, or when its process is killed.
struct EndOnDrop {
    instrument: ScampInstrument,
    id: NoteId,
}

impl Drop for EndOnDrop {
    fn drop(&mut self) {
        self.instrument.end_note(self.id);
    }
}

impl crate::transcribe::InstrumentKey for ScampInstrument {
    fn instrument_id(&self) -> (String, usize) {
        ScampInstrument::instrument_id(self)
    }
}
