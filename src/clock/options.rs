//! Option structs standing in for SCAMP's keyword arguments, each with SCAMP's defaults.

use crate::tempo::{DurationUnits, MetricPhaseTarget, ScheduleAt};

/// How a forked process starts (`fork(..., name=, initial_tempo=, schedule_at=, done_callback=)`).
#[derive(Default)]
pub struct ForkOptions {
    pub(crate) name: Option<String>,
    pub(crate) initial_beat_length: Option<(&'static str, f64)>,
    pub(crate) schedule_at: Option<ScheduleAt>,
    pub(crate) done_callback: Option<Box<dyn FnOnce() + Send>>,
}

impl std::fmt::Debug for ForkOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForkOptions")
            .field("name", &self.name)
            .field(
                "initial_beat_length",
                &self.initial_beat_length.map(|(_, l)| l),
            )
            .field("schedule_at", &self.schedule_at)
            .field("done_callback", &self.done_callback.is_some())
            .finish()
    }
}

impl ForkOptions {
    /// Options with SCAMP's defaults: unnamed, the parent's tempo, starting now.
    pub fn new() -> Self {
        Self::default()
    }
    /// Name of the child clock (shown in the family tree and in error reports).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    /// Starting tempo relative to the parent (beats per parent minute).
    pub fn initial_tempo(mut self, tempo: f64) -> Self {
        self.initial_beat_length = Some(("initial tempo", 60.0 / tempo));
        self
    }
    /// Starting rate relative to the parent (beats per parent beat).
    pub fn initial_rate(mut self, rate: f64) -> Self {
        self.initial_beat_length = Some(("initial rate", 1.0 / rate));
        self
    }
    /// Starting beat length in parent beats.
    pub fn initial_beat_length(mut self, beat_length: f64) -> Self {
        self.initial_beat_length = Some(("initial beat length", beat_length));
        self
    }
    /// Start at a later parent beat, or at a metric phase of the parent.
    pub fn schedule_at(mut self, when: impl Into<ScheduleAt>) -> Self {
        self.schedule_at = Some(when.into());
        self
    }
    /// Called once when the child's process has ended (returned or killed).
    pub fn done_callback(mut self, f: impl FnOnce() + Send + 'static) -> Self {
        self.done_callback = Some(Box::new(f));
        self
    }
}

/// Options of `set_tempo_target` and friends.
#[derive(Debug, Clone)]
pub struct TargetOptions {
    /// > 0 changes late, < 0 early (SCAMP's `curve_shape`); 0 is linear in beat length.
    pub(crate) curve_shape: f64,
    /// Align the arrival with a phase of the parent's time (beats units) or of this clock's
    /// beats (time units).
    pub(crate) metric_phase_target: Option<MetricPhaseTarget>,
    pub(crate) duration_units: DurationUnits,
    /// Drop plans beyond now first (default true).
    pub(crate) truncate: bool,
}

impl Default for TargetOptions {
    fn default() -> Self {
        TargetOptions {
            curve_shape: 0.0,
            metric_phase_target: None,
            duration_units: DurationUnits::Beats,
            truncate: true,
        }
    }
}

impl TargetOptions {
    /// SCAMP's defaults (the same as `TargetOptions::default()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// > 0 changes late, < 0 early (SCAMP's `curve_shape`; default 0, linear in beat length).
    pub fn curve_shape(mut self, s: f64) -> Self {
        self.curve_shape = s;
        self
    }
    /// Arrive on this metric phase (see [`MetricPhaseTarget`]).
    pub fn metric_phase_target(mut self, t: MetricPhaseTarget) -> Self {
        self.metric_phase_target = Some(t);
        self
    }
    /// Whether the duration counts beats of this clock or time of its parent (default beats).
    pub fn duration_units(mut self, u: DurationUnits) -> Self {
        self.duration_units = u;
        self
    }
    /// Drop the tempo plans beyond now first (default true).
    pub fn truncate(mut self, t: bool) -> Self {
        self.truncate = t;
        self
    }
}

/// Options of the plural `set_tempo_targets` and friends.
#[derive(Debug, Clone)]
pub struct TargetsOptions {
    /// One per target, or empty for all linear.
    pub(crate) curve_shapes: Vec<f64>,
    /// One per target (None to skip), or empty.
    pub(crate) metric_phase_targets: Vec<Option<MetricPhaseTarget>>,
    pub(crate) duration_units: DurationUnits,
    pub(crate) truncate: bool,
    /// Repeat the targets until `stop_tempo_loop_or_function`.
    pub(crate) looping: bool,
}

impl Default for TargetsOptions {
    fn default() -> Self {
        TargetsOptions {
            curve_shapes: Vec::new(),
            metric_phase_targets: Vec::new(),
            duration_units: DurationUnits::Beats,
            truncate: true,
            looping: false,
        }
    }
}

impl TargetsOptions {
    /// SCAMP's defaults (the same as `TargetsOptions::default()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// One curve shape per target (default: all 0).
    pub fn curve_shapes(mut self, s: &[f64]) -> Self {
        self.curve_shapes = s.to_vec();
        self
    }
    /// Whether the durations count beats of this clock or time of its parent (default beats).
    pub fn duration_units(mut self, u: DurationUnits) -> Self {
        self.duration_units = u;
        self
    }
    /// Drop the tempo plans beyond now first (default true).
    pub fn truncate(mut self, t: bool) -> Self {
        self.truncate = t;
        self
    }
    /// Repeat the targets forever (SCAMP's `loop`).
    pub fn looping(mut self, l: bool) -> Self {
        self.looping = l;
        self
    }
    /// A metric phase for each target to arrive on (`None`: arrive when the durations say).
    pub fn metric_phase_targets(mut self, t: Vec<Option<MetricPhaseTarget>>) -> Self {
        self.metric_phase_targets = t;
        self
    }
}

/// Options of `apply_tempo_function` and friends.
#[derive(Debug, Clone)]
pub struct FunctionOptions {
    pub(crate) domain_start: f64,
    /// None: the function goes on forever, sampled `extension_increment` ahead at a time.
    pub(crate) domain_end: Option<f64>,
    pub(crate) duration_units: DurationUnits,
    pub(crate) truncate: bool,
    /// Loop the domain `[domain_start, domain_end)`.
    pub(crate) looping: bool,
    pub(crate) extension_increment: f64,
    /// Distance between samples of the function.
    pub(crate) scanning_step_size: f64,
}

impl Default for FunctionOptions {
    fn default() -> Self {
        FunctionOptions {
            domain_start: 0.0,
            domain_end: None,
            duration_units: DurationUnits::Beats,
            truncate: true,
            looping: false,
            extension_increment: 2.0,
            scanning_step_size: 0.05,
        }
    }
}

impl FunctionOptions {
    /// SCAMP's defaults (the same as `FunctionOptions::default()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// The function's domain, `[start, end)`; with `looping`, it repeats over it.
    pub fn domain(mut self, start: f64, end: f64) -> Self {
        self.domain_start = start;
        self.domain_end = Some(end);
        self
    }
    /// Whether the function's argument counts beats of this clock or time of its parent.
    pub fn duration_units(mut self, u: DurationUnits) -> Self {
        self.duration_units = u;
        self
    }
    /// Drop the tempo plans beyond now first (default true).
    pub fn truncate(mut self, t: bool) -> Self {
        self.truncate = t;
        self
    }
    /// Repeat the function over its domain forever.
    pub fn looping(mut self, l: bool) -> Self {
        self.looping = l;
        self
    }
    /// Step at which the function is sampled into tempo segments.
    pub fn scanning_step_size(mut self, s: f64) -> Self {
        self.scanning_step_size = s;
        self
    }
    /// How far ahead the sampled segments are extended each time a query reaches past them.
    pub fn extension_increment(mut self, s: f64) -> Self {
        self.extension_increment = s;
        self
    }
}
