//! Writing and reading stereo WAV files (32-bit float) with `hound`.

use crate::error::{Error, Result};
use crate::output_file::OutputFile;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// A 32-bit float stereo WAV being written as audio is rendered: atomically (see
/// [`crate::output_file`]), so the file appears whole when [`finish`](Self::finish)ed and
/// never half-written. Memory is constant whatever the length.
pub struct WavStream {
    out: OutputFile,
    wav: hound::WavWriter<BufWriter<File>>,
}

impl std::fmt::Debug for WavStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WavStream")
            .field("frames", &self.wav.len())
            .finish_non_exhaustive()
    }
}

impl WavStream {
    /// Starts writing a stereo 32-bit float WAV at `path` (moved into place when finished).
    pub fn create(path: &Path, sample_rate: u32) -> Result<WavStream> {
        let mut out = OutputFile::create(path)?;
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        // hound owns its writer: it gets a second handle to the same open file, which the
        // output file then syncs and renames.
        let handle = out
            .writer()
            .get_ref()
            .try_clone()
            .map_err(|e| out.error(e))?;
        let wav = hound::WavWriter::new(BufWriter::new(handle), spec).map_err(|e| out.error(e))?;
        Ok(WavStream { out, wav })
    }

    /// Appends stereo samples.
    pub fn write(&mut self, left: &[f32], right: &[f32]) -> Result<()> {
        for (l, r) in left.iter().zip(right) {
            self.wav.write_sample(*l).map_err(|e| self.out.error(e))?;
            self.wav.write_sample(*r).map_err(|e| self.out.error(e))?;
        }
        Ok(())
    }

    /// Completes the header and puts the file in place.
    pub fn finish(self) -> Result<()> {
        let WavStream { out, wav } = self;
        wav.finalize().map_err(|e| out.error(e))?;
        out.commit()
    }
}

/// Writes `left`/`right` as a 32-bit float stereo WAV, atomically; the folder must exist.
pub fn write_wav(path: &Path, sample_rate: u32, left: &[f32], right: &[f32]) -> Result<()> {
    let mut stream = WavStream::create(path, sample_rate)?;
    stream.write(left, right)?;
    stream.finish()
}

/// Reads a WAV file as (sample rate, left, right); mono files give the same channel twice.
pub fn read_wav(path: &Path) -> Result<(u32, Vec<f32>, Vec<f32>)> {
    // The file system's error itself is the source (hound's error does not chain it).
    let fail = |e: hound::Error| match e {
        hound::Error::IoError(io) => {
            Error::output_caused(format!("reading {}", path.display()), io)
        }
        other => Error::output_caused(format!("reading {}", path.display()), other),
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
