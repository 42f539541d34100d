//! Rendered audio on its way out of an offline render: kept in memory, or streamed into a
//! WAV file as it is rendered.
//!
//! Streaming keeps memory constant for any length: only the samples the end-of-render
//! decision may still cut (those from the piece's end on, which the tail scan looks at) stay
//! in memory. A WAV that cannot be written (a folder that does not exist, a full disk) does not
//! stop the render: the error is kept for the end, the partial file removed, and the other
//! outputs are still made. Owned by the render thread.

use super::wav::WavStream;
use crate::error::Error;

pub(crate) struct AudioOut {
    stream: Option<WavStream>,
    /// The samples not streamed yet (all of them without a stream), from absolute `base`.
    left: Vec<f32>,
    right: Vec<f32>,
    base: usize,
    error: Option<Error>,
}

/// What an offline render leaves: the audio kept in memory (none when streamed), its length,
/// and what went wrong with the WAV, if anything.
pub(crate) struct Finished {
    pub left: Vec<f32>,
    pub right: Vec<f32>,
    pub frames: usize,
    pub wav_error: Option<Error>,
}

impl AudioOut {
    /// `stream`: where to stream, or why it could not be opened (`None`: keep it all).
    pub fn new(stream: Option<std::result::Result<WavStream, Error>>) -> Self {
        let (stream, error) = match stream {
            Some(Ok(s)) => (Some(s), None),
            Some(Err(e)) => (None, Some(e)),
            None => (None, None),
        };
        AudioOut {
            stream,
            left: Vec::new(),
            right: Vec::new(),
            base: 0,
            error,
        }
    }

    pub fn push(&mut self, left: &[f32], right: &[f32]) {
        self.left.extend_from_slice(left);
        self.right.extend_from_slice(right);
    }

    /// Samples rendered so far.
    pub fn len(&self) -> usize {
        self.base + self.left.len()
    }

    /// Streams the samples before absolute index `safe` (nothing after it can be cut).
    pub fn release_before(&mut self, safe: usize) {
        let Some(stream) = self.stream.as_mut() else {
            return;
        };
        let n = safe.saturating_sub(self.base).min(self.left.len());
        if n == 0 {
            return;
        }
        if let Err(e) = stream.write(&self.left[..n], &self.right[..n]) {
            log::error!("{e}; the render goes on for the other outputs");
            self.error = Some(e);
            self.stream = None;
        }
        self.left.drain(..n);
        self.right.drain(..n);
        self.base += n;
    }

    /// The samples still in memory, and the absolute index of the first.
    pub fn kept(&self) -> (usize, &[f32], &[f32]) {
        (self.base, &self.left, &self.right)
    }

    /// The render ends at absolute sample `n` (at or after everything streamed).
    pub fn finish(mut self, n: usize) -> Finished {
        let keep = n.saturating_sub(self.base).min(self.left.len());
        self.left.truncate(keep);
        self.right.truncate(keep);
        let frames = self.base + keep;
        if let Some(stream) = self.stream.take() {
            self.release_all(stream);
        }
        Finished {
            left: self.left,
            right: self.right,
            frames,
            wav_error: self.error,
        }
    }

    fn release_all(&mut self, mut stream: WavStream) {
        let written = stream
            .write(&self.left, &self.right)
            .and_then(|()| stream.finish());
        if let Err(e) = written {
            self.error = Some(e);
        }
        self.left = Vec::new();
        self.right = Vec::new();
    }
}
