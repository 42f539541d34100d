//! Clock records: where a new clock's record goes, the handles that keep it, and freeing it.
//!
//! A session can fork millions of short processes, so a record is freed (its slot reused by a
//! later fork) once nothing can ask about it any more: its process has ended, no [`Clock`]
//! handle to it is left, and no record below it in the family tree remains (a child's record
//! names its parent, so it keeps the parent's record). The master's record is never freed.
//!
//! # Invariants
//! - Every `Clock` handle carries its record's token; `ClockData::handles` is the weak side,
//!   so counting handles never takes the session's lock and dropping one costs nothing.
//! - Handles to a record are only made under the session's lock while the record is in use
//!   (`Core::handle`), so a record with no handles and an ended process can gain none.
//! - `records_below` counts the child records that still exist (alive or kept by handles);
//!   freeing a record releases its parent's count and may free the parent in turn.
//! - A freed slot is `vacant` until reused; nothing else refers to it: the wake queue's
//!   entries for it carry versions no later record will have (see `next_wake_version`).
//! - Records kept only by handles wait in `lingering`; they are swept when forks need a slot
//!   and enough of them have accumulated (amortised constant time per fork).
//!
//! Called with the session's lock held, by whoever holds it (the scheduler thread when a
//! process ends, any thread that forks).

use super::{ClockData, ClockId, Core, Shared};
use crate::tempo::history::TempoHistory;
use std::sync::{Arc, Weak};

/// Records kept by handles that accumulate before the first sweep.
const FIRST_SWEEP: usize = 64;

/// The slots of a session's clock records that are free and waiting to be checked.
#[derive(Default)]
pub(crate) struct Records {
    free: Vec<ClockId>,
    lingering: Vec<ClockId>,
    sweep_at: usize,
    /// Clocks made so far (the master is the 0th): their serial numbers and default names.
    made: u64,
    /// The last wake version handed out, session-wide.
    wake_version: u64,
}

/// What a clock handle ([`Clock`](crate::clock::Clock), which wraps it) holds: its session's
/// state, its record, and the token that keeps the record (see the module docs). The scheduler
/// hands one to a process body as the process starts.
pub(crate) struct ClockRef {
    pub shared: Arc<Shared>,
    pub id: ClockId,
    pub token: Arc<()>,
}

impl Core {
    /// A slot for a new record (a freed one when there is one) and the new clock's serial
    /// number.
    pub(super) fn new_record(&mut self, data: ClockData) -> ClockId {
        if self.records.free.is_empty() && self.records.lingering.len() >= self.records.sweep_at {
            self.sweep_lingering();
        }
        match self.records.free.pop() {
            Some(id) => {
                self.clocks[id] = data;
                id
            }
            None => {
                self.clocks.push(data);
                self.clocks.len() - 1
            }
        }
    }

    /// The serial number of the next clock made (counting the master as 0).
    pub(super) fn next_serial(&mut self) -> u64 {
        self.records.made += 1;
        self.records.made
    }

    /// A wake version no entry of the queue has carried before, for any record: a stale
    /// entry for a freed slot can never wake the slot's next clock.
    pub(crate) fn next_wake_version(&mut self) -> u64 {
        self.records.wake_version += 1;
        self.records.wake_version
    }

    /// A handle to clock `id`, which must be in use (alive, or kept by handles or children).
    pub(crate) fn handle(&mut self, shared: &Arc<Shared>, id: ClockId) -> ClockRef {
        let data = &mut self.clocks[id];
        debug_assert!(!data.vacant, "a handle to a freed clock record");
        let token = data.handles.upgrade().unwrap_or_else(|| {
            let token = Arc::new(());
            data.handles = Arc::downgrade(&token);
            token
        });
        ClockRef {
            shared: Arc::clone(shared),
            id,
            token,
        }
    }

    /// Frees `id`'s record if nothing can ask about it any more, then its parent's if that
    /// was all that kept it; a record kept only by handles waits for a sweep.
    pub(crate) fn release_record(&mut self, id: ClockId) {
        let mut cur = Some(id);
        while let Some(id) = cur.take() {
            let data = &self.clocks[id];
            if id == 0 || data.vacant || data.alive() || data.records_below > 0 {
                return;
            }
            if data.has_handles() {
                self.records.lingering.push(id);
                return;
            }
            cur = data.parent;
            self.clocks[id] = ClockData::vacant();
            self.records.free.push(id);
            if let Some(p) = cur {
                self.clocks[p].records_below -= 1;
            }
        }
    }

    fn sweep_lingering(&mut self) {
        let lingering = std::mem::take(&mut self.records.lingering);
        for id in lingering {
            // Entries may have been freed since (through a child) or reused: checking again
            // is what `release_record` does.
            self.release_record(id);
        }
        self.records.sweep_at = FIRST_SWEEP.max(2 * self.records.lingering.len());
    }
}

impl ClockData {
    /// What a freed slot holds: nothing of the clock that was there.
    fn vacant() -> Self {
        ClockData {
            vacant: true,
            state: super::ProcState::Finished,
            ..ClockData::fresh(String::new(), TempoHistory::new(1.0), 0)
        }
    }

    /// Whether any `Clock` handle to this record is left.
    pub(crate) fn has_handles(&self) -> bool {
        Weak::strong_count(&self.handles) > 0
    }
}
