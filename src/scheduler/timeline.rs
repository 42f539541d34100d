//! Conversions between a clock's beats and the session's ideal (master) time, and keeping
//! pending wake-ups right when a tempo changes.
//!
//! A clock's own time is its tempo history integrated from beat 0; its parent's beat is
//! `parent_offset + own time`; the master's own time is the ideal time. Forward conversions
//! (beat to ideal time) are closed-form; the inverse uses each history's inverse. Values derived
//! by inversion are snapped to a 1e-9 grid when within 1e-11 of it, so a clock asked for its
//! beat at a moment that is exactly beat 4 answers 4, not 3.9999999999999996.

use super::{ClockId, Core, ProcState, SyncPolicy};

/// Snaps values within 1e-11 of a multiple of 1e-9 onto it.
pub(crate) fn snap(x: f64) -> f64 {
    let r = (x * 1e9).round() / 1e9;
    if (x - r).abs() < 1e-11 {
        r
    } else {
        x
    }
}

impl Core {
    /// Ideal time at which clock `id` reaches its own `beat`.
    pub fn master_time_at(&mut self, id: ClockId, beat: f64) -> f64 {
        let mut t = self.clocks[id].tempo.time_at_beat(beat);
        let mut cur = id;
        while let Some(p) = self.clocks[cur].parent {
            let parent_beat = self.clocks[cur].parent_offset + t;
            t = self.clocks[p].tempo.time_at_beat(parent_beat);
            cur = p;
        }
        t
    }

    /// Clock `id`'s beat at ideal time `time`.
    pub fn beat_at_master_time(&mut self, id: ClockId, time: f64) -> f64 {
        let chain = self.inheritance(id, true);
        let mut x = time;
        for &c in chain.iter().rev() {
            let data = &mut self.clocks[c];
            let own_time = if data.parent.is_some() {
                x - data.parent_offset
            } else {
                x
            };
            x = data.tempo.beat_at_time(own_time);
        }
        x
    }

    /// The master time at which `id`'s beat is current under its synchronization policy.
    fn sync_time(&self, id: ClockId) -> f64 {
        match self.sync_policy(id) {
            SyncPolicy::NoSynchronization => self.clocks[id].woke_at,
            SyncPolicy::AllDescendants => self
                .inheritance(id, true)
                .iter()
                .map(|&c| self.clocks[c].woke_at)
                .fold(f64::NEG_INFINITY, f64::max),
            _ => self.now,
        }
    }

    /// Clock `id`'s current beat.
    pub fn beat_of(&mut self, id: ClockId) -> f64 {
        if let Some((beat, _)) = self.clocks[id].final_position {
            return beat;
        }
        let at = self.sync_time(id);
        let data = &self.clocks[id];
        if data.synced_at == at {
            return data.beat;
        }
        let beat = snap(self.beat_at_master_time(id, at));
        let data = &mut self.clocks[id];
        data.beat = beat;
        data.synced_at = at;
        beat
    }

    /// Clock `id`'s current time (seconds for the master, parent beats for a child).
    pub fn time_of(&mut self, id: ClockId) -> f64 {
        if let Some((_, time)) = self.clocks[id].final_position {
            return time;
        }
        let beat = self.beat_of(id);
        snap(self.clocks[id].tempo.time_at_beat(beat))
    }

    /// Current beat length of `id` in its parent's units.
    pub fn beat_length_of(&mut self, id: ClockId) -> f64 {
        if self.clocks[id].final_position.is_some() {
            return self.clocks[id].final_beat_length;
        }
        let beat = self.beat_of(id);
        self.clocks[id].tempo.beat_length_at(beat)
    }

    /// Current beat length of `id` in seconds: the product down the chain of clocks.
    pub fn absolute_beat_length_of(&mut self, id: ClockId) -> f64 {
        self.inheritance(id, true)
            .into_iter()
            .map(|c| self.beat_length_of(c))
            .product()
    }

    /// Queues the wake-up of `id` at its own `target_beat`.
    pub fn schedule_wake(&mut self, id: ClockId, target_beat: f64) {
        let time = self.master_time_at(id, target_beat).max(self.now);
        let version = self.next_wake_version();
        let data = &mut self.clocks[id];
        data.wake_version = version;
        let path = data.path.clone();
        self.queue.push(time, &path, id, version);
    }

    /// Queues the wake-up of `id` at the current ideal time.
    pub fn schedule_wake_now(&mut self, id: ClockId) {
        let version = self.next_wake_version();
        let data = &mut self.clocks[id];
        data.wake_version = version;
        let path = data.path.clone();
        self.queue.push(self.now, &path, id, version);
    }

    /// After `id`'s tempo history changed: recomputes the wake-ups of it and its descendants.
    pub fn reschedule_family(&mut self, id: ClockId) {
        for c in self.descendants(id, true) {
            match self.clocks[c].state {
                ProcState::Waiting { target_beat } => self.schedule_wake(c, target_beat),
                ProcState::Pending if !self.clocks[c].killed => self.schedule_wake(c, 0.0),
                _ => {}
            }
        }
    }
}
