//! Seeded randomness for pieces: [`Random`], reachable from a session.
//!
//! Pieces that draw from `session.random()` (or `uniform`, `randint`, `choice`) get the same
//! numbers in every run with the same seed (`--seed N` on a piece's command line), in any
//! mode, because only the process holding the baton draws. ChaCha8 is portable: the same seed
//! gives the same sequence on every machine and version of this crate.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::Mutex;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 0;

/// See the module docs.
#[derive(Debug)]
pub struct Random {
    rng: Mutex<ChaCha8Rng>,
}

impl Default for Random {
    fn default() -> Self {
        Random::new(DEFAULT_SEED)
    }
}

impl Random {
    /// A generator seeded with `seed` (the same seed, the same numbers).
    pub fn new(seed: u64) -> Self {
        Random {
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut ChaCha8Rng) -> T) -> T {
        f(&mut self.rng.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Restarts the sequence from `seed`.
    pub fn seed(&self, seed: u64) {
        self.with(|r| *r = ChaCha8Rng::seed_from_u64(seed));
    }

    /// A number in [0, 1).
    pub fn random(&self) -> f64 {
        self.with(|r| r.random::<f64>())
    }

    /// A number in [a, b).
    pub fn uniform(&self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.random()
    }

    /// An integer in [a, b] (both included, as Python's `randint`).
    pub fn randint(&self, a: i64, b: i64) -> i64 {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        self.with(|r| r.random_range(lo..=hi))
    }

    /// One element of `items` (`None` if it is empty).
    pub fn choice<'a, T>(&self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            return None;
        }
        let i = self.with(|r| r.random_range(0..items.len()));
        items.get(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers() {
        let a = Random::new(7);
        let b = Random::new(7);
        let xs: Vec<f64> = (0..5).map(|_| a.random()).collect();
        let ys: Vec<f64> = (0..5).map(|_| b.random()).collect();
        assert_eq!(xs, ys);
        assert_ne!(
            xs,
            (0..5).map(|_| Random::new(8).random()).collect::<Vec<_>>()
        );
        assert!((0..100).all(|_| (3..=5).contains(&a.randint(3, 5))));
    }
}
