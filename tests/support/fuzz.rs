//! What the seeded fuzz tests share: a small deterministic generator of mutations, and
//! running one case under a timeout (a hang is a failure naming the case, never a stuck
//! suite).
#![allow(dead_code)]

use std::sync::mpsc;
use std::time::Duration;

/// SplitMix64: the same cases on every machine, from the seed alone.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    /// A value a parser tends to trip on, or a random one.
    pub fn nasty_u32(&mut self, around: u32) -> u32 {
        match self.below(8) {
            0 => 0,
            1 => u32::MAX,
            2 => around.wrapping_sub(1),
            3 => around,
            4 => around.wrapping_add(1 + self.below(64) as u32),
            5 => 1 << self.below(32),
            _ => self.next() as u32,
        }
    }

    /// Overwrites 1 to `max` bytes of `bytes[range]` with random values.
    pub fn flip_bytes(&mut self, bytes: &mut [u8], range: std::ops::Range<usize>, max: usize) {
        if range.is_empty() {
            return;
        }
        for _ in 0..1 + self.below(max) {
            let at = range.start + self.below(range.len());
            bytes[at] = self.next() as u8;
        }
    }
}

/// Runs `case` on a thread of its own; `Err` describes a panic, a hang past `limit` (the
/// thread is then left behind) or what the case itself reported.
pub fn within<T: Send + 'static>(
    limit: Duration,
    case: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("fuzz-case".into())
        .stack_size(8 << 20)
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(case));
            let _ = tx.send(outcome);
        })
        .expect("a thread for the case");
    match rx.recv_timeout(limit) {
        Ok(Ok(result)) => result,
        Ok(Err(payload)) => Err(format!(
            "panicked: {}",
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default()
        )),
        Err(_) => Err(format!("did not finish within {limit:?}")),
    }
}
