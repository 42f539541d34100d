//! Writing and reading stereo WAV files (32-bit float) with `hound`.

use crate::error::{Error, Result};
use std::path::Path;

/// Writes `left`/`right` as a 32-bit float stereo WAV.
pub fn write_wav(path: &Path, sample_rate: u32, left: &[f32], right: &[f32]) -> Result<()> {
    let fail = |e: hound::Error| Error::Output {
        what: format!("writing {}", path.display()),
        reason: e.to_string(),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::Output {
            what: format!("creating {}", dir.display()),
            reason: e.to_string(),
        })?;
    }
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).map_err(fail)?;
    for (l, r) in left.iter().zip(right) {
        w.write_sample(*l).map_err(fail)?;
        w.write_sample(*r).map_err(fail)?;
    }
    w.finalize().map_err(fail)
}

/// Reads a WAV file as (sample rate, left, right); mono files give the same channel twice.
pub fn read_wav(path: &Path) -> Result<(u32, Vec<f32>, Vec<f32>)> {
    let fail = |e: hound::Error| Error::Output {
        what: format!("reading {}", path.display()),
        reason: e.to_string(),
    };
    let mut r = hound::WavReader::open(path).map_err(fail)?;
    let spec = r.spec();
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => r
            .samples::<f32>()
            .collect::<std::result::Result<_, _>>()
            .map_err(fail)?,
        hound::SampleFormat::Int => {
            let scale = (1i64 << (spec.bits_per_sample - 1)) as f32;
            r.samples::<i32>()
                .map(|s| s.map(|v| v as f32 / scale))
                .collect::<std::result::Result<_, _>>()
                .map_err(fail)?
        }
    };
    let ch = spec.channels.max(1) as usize;
    let left = samples.iter().step_by(ch).copied().collect();
    let right = samples
        .iter()
        .skip(if ch > 1 { 1 } else { 0 })
        .step_by(ch)
        .copied()
        .collect();
    Ok((spec.sample_rate, left, right))
}
