//! [`HostedStatus`]: what a hosted piece is doing, for an editor or a log to show.
//!
//! Written by the audio side (atomics, and the producer end of the piano roll's ring) and the
//! piece side (atomics, and short lists of messages and part names behind mutexes that the
//! audio side never touches); read from any thread. The piano roll's consumer end is behind a
//! mutex too, so any thread may drain it, one at a time.

use crate::event::AudioEvent;
use crate::render::PartChannels;
use ringbuf::traits::Consumer;
use ringbuf::HeapCons;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;

/// What the piece is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceState {
    /// Nothing has been asked of it yet.
    Idle,
    /// Fast-forwarding to the playhead after a start, seek or loop (silent meanwhile).
    CatchingUp,
    /// The piece is playing.
    Playing,
    /// The transport is stopped; the window at the playhead is prepared.
    Stopped,
    /// The piece failed (a runaway process, a catch-up past its limit, an error): silent
    /// until the next seek, restart or change of piece.
    Failed,
}

impl PieceState {
    fn from_u8(v: u8) -> PieceState {
        match v {
            1 => PieceState::CatchingUp,
            2 => PieceState::Playing,
            3 => PieceState::Stopped,
            4 => PieceState::Failed,
            _ => PieceState::Idle,
        }
    }

    fn to_u8(self) -> u8 {
        match self {
            PieceState::Idle => 0,
            PieceState::CatchingUp => 1,
            PieceState::Playing => 2,
            PieceState::Stopped => 3,
            PieceState::Failed => 4,
        }
    }
}

/// Messages kept (the oldest go first).
pub const MESSAGES_KEPT: usize = 32;

/// See the module docs.
pub struct HostedStatus {
    state: AtomicU8,
    silent_blocks: AtomicU64,
    late_events: AtomicU64,
    synth_faults: AtomicU64,
    /// Beat the running catch-up has reached and the one it goes to (f64 bits).
    catch_up_at: AtomicU64,
    catch_up_to: AtomicU64,
    /// Share of the block's duration `process()` took, the last block (f64 bits).
    load: AtomicU64,
    /// The master beats at the start and end of the last block (f64 bits).
    block_start: AtomicU64,
    block_end: AtomicU64,
    messages: Mutex<Vec<String>>,
    parts: Mutex<Vec<PartChannels>>,
    roll: Mutex<Option<HeapCons<AudioEvent>>>,
}

impl Default for HostedStatus {
    fn default() -> Self {
        HostedStatus {
            state: AtomicU8::new(0),
            silent_blocks: AtomicU64::new(0),
            late_events: AtomicU64::new(0),
            synth_faults: AtomicU64::new(0),
            catch_up_at: AtomicU64::new(0),
            catch_up_to: AtomicU64::new(0),
            load: AtomicU64::new(0),
            block_start: AtomicU64::new(0),
            block_end: AtomicU64::new(0),
            messages: Mutex::new(Vec::new()),
            parts: Mutex::new(Vec::new()),
            roll: Mutex::new(None),
        }
    }
}

impl std::fmt::Debug for HostedStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostedStatus")
            .field("state", &self.state())
            .field("playhead", &self.playhead())
            .field("silent_blocks", &self.silent_blocks())
            .field("late_events", &self.late_events())
            .field("load", &self.load())
            .finish_non_exhaustive()
    }
}

impl HostedStatus {
    /// A status whose piano roll is fed through `roll`.
    pub(crate) fn with_roll(roll: HeapCons<AudioEvent>) -> Self {
        HostedStatus {
            roll: Mutex::new(Some(roll)),
            ..HostedStatus::default()
        }
    }

    /// Where the piece is: waiting, playing, ended or failed.
    pub fn state(&self) -> PieceState {
        PieceState::from_u8(self.state.load(Ordering::Acquire))
    }

    pub(crate) fn set_state(&self, state: PieceState) {
        self.state.store(state.to_u8(), Ordering::Release);
    }

    /// Blocks rendered silent while playing because the piece was not ready (catching up,
    /// failed).
    pub fn silent_blocks(&self) -> u64 {
        self.silent_blocks.load(Ordering::Relaxed)
    }

    pub(crate) fn add_silent_block(&self) {
        self.silent_blocks.fetch_add(1, Ordering::Relaxed);
    }

    /// Events applied after their sample (summed over the sessions played).
    pub fn late_events(&self) -> u64 {
        self.late_events.load(Ordering::Relaxed)
    }

    pub(crate) fn set_late_events(&self, n: u64) {
        self.late_events.store(n, Ordering::Relaxed);
    }

    /// Synths that panicked and were muted.
    pub fn synth_faults(&self) -> u64 {
        self.synth_faults.load(Ordering::Relaxed)
    }

    pub(crate) fn set_synth_faults(&self, n: u64) {
        self.synth_faults.store(n, Ordering::Relaxed);
    }

    /// (beat reached, beat wanted) of the catch-up in progress.
    pub fn catch_up(&self) -> (f64, f64) {
        (
            f64::from_bits(self.catch_up_at.load(Ordering::Relaxed)),
            f64::from_bits(self.catch_up_to.load(Ordering::Relaxed)),
        )
    }

    pub(crate) fn set_catch_up(&self, at: f64, to: f64) {
        self.catch_up_at.store(at.to_bits(), Ordering::Relaxed);
        self.catch_up_to.store(to.to_bits(), Ordering::Relaxed);
    }

    /// Share of the last block's duration that `process()` took (1.0 = all of it).
    pub fn load(&self) -> f64 {
        f64::from_bits(self.load.load(Ordering::Relaxed))
    }

    pub(crate) fn set_load(&self, share: f64) {
        self.load.store(share.to_bits(), Ordering::Relaxed);
    }

    /// The master beats (quarter notes of the host's timeline) at which the last block
    /// started and ended: where the playhead is.
    pub fn playhead(&self) -> (f64, f64) {
        (
            f64::from_bits(self.block_start.load(Ordering::Relaxed)),
            f64::from_bits(self.block_end.load(Ordering::Relaxed)),
        )
    }

    pub(crate) fn set_playhead(&self, start: f64, end: f64) {
        self.block_start.store(start.to_bits(), Ordering::Relaxed);
        self.block_end.store(end.to_bits(), Ordering::Relaxed);
    }

    /// Hands `each` the note-ons and note-offs of the playing session that arrived since the
    /// last call, stamped in master beats, as they arrive: up to the lookahead before they
    /// sound. Synth and channel say which part played each (see [`parts`](Self::parts)); an
    /// event for synth [`SESSION_ENDED`](super::SESSION_ENDED) ends every note still sounding
    /// (the session that played them was replaced).
    /// Never called on the audio thread; when nobody looks, the feed fills and later notes
    /// are not shown (they still play).
    pub fn take_roll(&self, mut each: impl FnMut(AudioEvent)) {
        let mut roll = self.roll.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(roll) = roll.as_mut() {
            while let Some(event) = roll.try_pop() {
                each(event);
            }
        }
    }

    /// The SoundFont parts of the playing session and their channels, in the order made.
    pub fn parts(&self) -> Vec<PartChannels> {
        self.parts.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn set_parts(&self, parts: Vec<PartChannels>) {
        *self.parts.lock().unwrap_or_else(|e| e.into_inner()) = parts;
    }

    /// The latest warnings and errors, oldest first (at most [`MESSAGES_KEPT`]).
    pub fn messages(&self) -> Vec<String> {
        self.messages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Logs `message` as an error and keeps it. Never called on the audio thread.
    pub(crate) fn report(&self, message: String) {
        log::error!("{message}");
        let mut m = self.messages.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() == MESSAGES_KEPT {
            m.remove(0);
        }
        m.push(message);
    }
}
