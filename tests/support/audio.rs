//! Analysis of rendered audio for the tests: onsets, pitch, partials, levels.
#![allow(dead_code)]

/// Peak absolute level of `x[from..to]`.
pub fn peak(x: &[f32], from: usize, to: usize) -> f32 {
    x[from.min(x.len())..to.min(x.len())]
        .iter()
        .fold(0.0, |m, s| m.max(s.abs()))
}

/// Root-mean-square level of `x[from..to]`.
pub fn rms(x: &[f32], from: usize, to: usize) -> f64 {
    let s = &x[from.min(x.len())..to.min(x.len())];
    (s.iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / s.len().max(1) as f64).sqrt()
}

/// The first sample in `[from, to)` where the level jumps: |x| exceeds `factor` times the
/// loudest of the `quiet` samples before `from` (plus a floor).
pub fn onset(x: &[f32], from: usize, to: usize, quiet: usize) -> Option<usize> {
    let before = peak(x, from.saturating_sub(quiet), from);
    let threshold = before * 4.0 + 2e-3;
    (from..to.min(x.len())).find(|&i| x[i].abs() > threshold)
}

/// Frequency of a (near) sine in `x[from..to]` by linearly interpolated rising zero
/// crossings.
pub fn frequency(x: &[f32], sample_rate: f64, from: usize, to: usize) -> f64 {
    let s = &x[from..to.min(x.len())];
    let mut crossings = Vec::new();
    for i in 1..s.len() {
        let (a, b) = (s[i - 1] as f64, s[i] as f64);
        if a < 0.0 && b >= 0.0 {
            crossings.push((i - 1) as f64 + a / (a - b));
        }
    }
    assert!(
        crossings.len() > 2,
        "no periodic signal between {from} and {to}"
    );
    let periods = (crossings.len() - 1) as f64;
    periods * sample_rate / (crossings[crossings.len() - 1] - crossings[0])
}

/// Magnitude of the component at `freq` in `x[from..to]` (Goertzel, Hann window),
/// normalized so a sine of amplitude A gives about A/2.
pub fn magnitude_at(x: &[f32], sample_rate: f64, from: usize, to: usize, freq: f64) -> f64 {
    let s = &x[from..to.min(x.len())];
    let n = s.len() as f64;
    let w = 2.0 * std::f64::consts::PI * freq / sample_rate;
    let (mut re, mut im) = (0.0, 0.0);
    for (i, v) in s.iter().enumerate() {
        let hann = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / n).cos();
        let v = *v as f64 * hann;
        re += v * (w * i as f64).cos();
        im -= v * (w * i as f64).sin();
    }
    (re * re + im * im).sqrt() / n
}

/// MIDI pitch → Hz.
pub fn hz(pitch: f64) -> f64 {
    440.0 * 2f64.powf((pitch - 69.0) / 12.0)
}
