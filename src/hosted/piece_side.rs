//! The piece side of a hosted piece: a manager thread, and one runner thread per session.
//!
//! The audio side asks for sessions by writing [`Request`]s (atomics, lock-free): the *main*
//! one (play from this beat now) and the *standby* one (be ready at the loop start). The
//! manager starts a runner for the newest request of each kind (requests in between are never
//! started, so a playhead dragged across the timeline costs one session at a time), hands each
//! runner's audio end to the audio side through a ring, frees what the audio side retires,
//! passes the host's MIDI to the session that is playing, and watches every runner:
//! - a process that runs longer than [`RUNAWAY_LIMIT`] without waiting fails its session
//!   (silence, a report naming the clock);
//! - a catch-up (fast-forward to the requested beat) that takes longer than
//!   [`CATCH_UP_LIMIT`] of computation is abandoned with a report;
//! - sessions nobody wants any more are aborted.
//!
//! A runner stuck in user code cannot be stopped; it is detached, never waited for beyond
//! [`QUIT_LIMIT`], and the code it runs is pinned in memory so unloading the plugin cannot pull
//! it from under it ([`crate::pin`]).

use super::status::{HostedStatus, PieceState};
use super::{HostedConfig, PieceFn};
use crate::error::{Error, Result};
use crate::listen::midi::HostMidi;
use crate::render::{AudioLink, BlockRenderer};
use crate::scheduler::paced::Pace;
use crate::session::{AbortHandle, Session};
use ringbuf::traits::{Consumer, Producer};
use ringbuf::{HeapCons, HeapProd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A process running this long without waiting fails its session.
pub const RUNAWAY_LIMIT: Duration = Duration::from_secs(1);
/// A catch-up taking longer than this is abandoned.
pub const CATCH_UP_LIMIT: Duration = Duration::from_secs(10);
/// Longest a plugin being unloaded waits for its piece threads.
pub const QUIT_LIMIT: Duration = Duration::from_millis(500);
/// Stack the piece's own function runs on (guarded: an overflow is reported, see
/// `scheduler::overflow`); forked processes have their own stacks (`SCAMP_PROCESS_STACK_KIB`).
/// Only the pages touched cost memory.
const PIECE_STACK: usize = 16 << 20;
/// How often the manager looks at its requests and runners.
const TICK: Duration = Duration::from_millis(1);
/// Every how many ticks the part names of the playing session are looked at.
const PARTS_EVERY: u64 = 50;

/// One kind of request: a generation (bumped for each new one), a beat and a tempo.
#[derive(Default)]
pub(crate) struct Request {
    generation: AtomicU64,
    beat: AtomicU64,
    tempo: AtomicU64,
}

impl Request {
    /// Asks for a session at `beat` (audio side; lock-free).
    pub fn ask(&self, generation: u64, beat: f64, tempo: f64) {
        self.beat.store(beat.to_bits(), Ordering::Release);
        self.tempo.store(tempo.to_bits(), Ordering::Release);
        self.generation.store(generation, Ordering::Release);
    }

    /// Withdraws the request (generation 0: nothing wanted).
    pub fn withdraw(&self) {
        self.generation.store(0, Ordering::Release);
    }

    fn read(&self) -> (u64, f64, f64) {
        let generation = self.generation.load(Ordering::Acquire);
        (
            generation,
            f64::from_bits(self.beat.load(Ordering::Acquire)),
            f64::from_bits(self.tempo.load(Ordering::Acquire)),
        )
    }
}

/// Sessions kept ready at the loop start: each has this many laps to get ready, so short
/// loops on a loaded machine wrap without a gap.
pub(crate) const STANDBYS: usize = 3;

/// What the audio side and the piece side share.
pub(crate) struct Requests {
    pub main: Request,
    pub standby: [Request; STANDBYS],
    pub piece: AtomicU64,
    pub seed: AtomicU64,
    /// Generation of the session the audio side plays (0: none).
    pub playing: AtomicU64,
    pub quit: AtomicBool,
}

impl Requests {
    pub fn new(seed: u64) -> Self {
        Requests {
            main: Request::default(),
            standby: Default::default(),
            piece: AtomicU64::new(0),
            seed: AtomicU64::new(seed),
            playing: AtomicU64::new(0),
            quit: AtomicBool::new(false),
        }
    }
}

/// What one session's runner, the manager and the audio side know of it.
#[derive(Default)]
pub(crate) struct SessionState {
    /// The piece has reached the beat it was started at.
    pub caught_up: AtomicBool,
    /// The session failed: play silence.
    pub failed: AtomicBool,
    /// The audio side plays this session.
    pub active: AtomicBool,
    /// The runner's piece has returned (or failed to start).
    ended: AtomicBool,
}

/// A session's audio end, handed from its runner to the audio side.
pub(crate) struct Delivery {
    pub generation: u64,
    pub start: f64,
    pub renderer: BlockRenderer,
    pub pace: Pace,
    pub state: Arc<SessionState>,
}

impl Delivery {
    /// Whether every event up to `beat` exists (so a block ending there can be rendered).
    pub fn ready_through(&self, beat: f64) -> bool {
        self.state.caught_up.load(Ordering::Acquire)
            && (self.pace.reached() >= beat || self.pace.is_finished())
    }

    pub fn failed(&self) -> bool {
        self.state.failed.load(Ordering::Acquire)
    }
}

/// A MIDI message from the host (up to 3 bytes).
#[derive(Clone, Copy)]
pub(crate) struct HostMessage {
    pub len: u8,
    pub bytes: [u8; 3],
}

/// What a runner tells the manager.
enum Note {
    Arrived {
        delivery: Box<Delivery>,
        abort: AbortHandle,
        host_midi: HostMidi,
        link: Arc<AudioLink>,
    },
}

struct Runner {
    generation: u64,
    start: f64,
    /// Time spent catching up: fast-forwarding to the start, or (for the session asked to
    /// play) behind what the audio side asks for. Waiting for a host that does not call
    /// `process()` does not count.
    behind: Duration,
    last_watched: Instant,
    /// The session's pace, once it has arrived.
    pace: Option<Pace>,
    state: Arc<SessionState>,
    abort: Option<AbortHandle>,
    host_midi: Option<HostMidi>,
    /// The session's audio link, for the names of its parts.
    link: Option<Arc<AudioLink>>,
    thread: Option<JoinHandle<()>>,
    /// Aborted (superseded, failed or quitting).
    aborted: bool,
}

/// The manager's ends of the rings and channels.
pub(crate) struct ManagerEnds {
    pub deliveries: HeapProd<Box<Delivery>>,
    pub retired: HeapCons<Box<Delivery>>,
    pub midi_in: HeapCons<HostMessage>,
}

/// Starts the manager thread.
pub(crate) fn spawn_manager(
    pieces: Vec<PieceFn>,
    config: HostedConfig,
    requests: Arc<Requests>,
    status: Arc<HostedStatus>,
    ends: ManagerEnds,
) -> Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("scamp-piece-manager".into())
        .spawn(move || {
            Manager {
                pieces,
                config,
                requests,
                status,
                ends,
                runners: Vec::new(),
                served: [0; 1 + STANDBYS],
                last_midi: None,
                notes: mpsc::channel(),
                synth_faults: 0,
                parts_shown: (0, 0),
                ticks: 0,
            }
            .run()
        })
        .map_err(|e| Error::Resource {
            what: "the piece manager thread",
            reason: e.to_string(),
        })
}

struct Manager {
    pieces: Vec<PieceFn>,
    config: HostedConfig,
    requests: Arc<Requests>,
    status: Arc<HostedStatus>,
    ends: ManagerEnds,
    runners: Vec<Runner>,
    /// Newest generation started, per request (main, then the standbys).
    served: [u64; 1 + STANDBYS],
    last_midi: Option<Instant>,
    notes: (mpsc::Sender<Note>, mpsc::Receiver<Note>),
    /// Synth faults already reported.
    synth_faults: u64,
    /// (generation, part count) of the part names in the status.
    parts_shown: (u64, usize),
    ticks: u64,
}

impl Manager {
    fn run(mut self) {
        loop {
            while self.ends.retired.try_pop().is_some() {}
            if self.requests.quit.load(Ordering::Acquire) {
                self.quit();
                return;
            }
            for slot in 0..1 + STANDBYS {
                let request = match slot {
                    0 => &self.requests.main,
                    k => &self.requests.standby[k - 1],
                };
                let (generation, beat, tempo) = request.read();
                if generation > self.served[slot] {
                    self.served[slot] = generation;
                    self.start(generation, beat, tempo);
                }
            }
            self.take_notes();
            self.watch();
            self.pass_host_midi();
            self.ticks += 1;
            if self.ticks % PARTS_EVERY == 0 {
                self.show_parts();
            }
            std::thread::sleep(TICK);
        }
    }

    fn start(&mut self, generation: u64, start: f64, tempo: f64) {
        let piece = Arc::clone(
            &self.pieces
                [(self.requests.piece.load(Ordering::Acquire) as usize).min(self.pieces.len() - 1)],
        );
        let config = HostedConfig {
            seed: self.requests.seed.load(Ordering::Acquire),
            soundfont: self.config.chosen_soundfont(),
            ..self.config.clone()
        };
        let state = Arc::new(SessionState::default());
        let notes = self.notes.0.clone();
        let runner_state = Arc::clone(&state);
        let status = Arc::clone(&self.status);
        let spawned = std::thread::Builder::new()
            .name("scamp-piece".into())
            .spawn(move || {
                let result = run_session(
                    &piece,
                    &config,
                    generation,
                    start,
                    tempo,
                    &runner_state,
                    &notes,
                );
                runner_state.ended.store(true, Ordering::Release);
                if let Err(e) = result {
                    if !matches!(e, Error::Aborted { .. }) {
                        runner_state.failed.store(true, Ordering::Release);
                        status.report(format!("the piece stopped: {e}"));
                    }
                }
            });
        match spawned {
            Ok(thread) => self.runners.push(Runner {
                generation,
                start,
                behind: Duration::ZERO,
                last_watched: Instant::now(),
                pace: None,
                state,
                abort: None,
                host_midi: None,
                link: None,
                thread: Some(thread),
                aborted: false,
            }),
            Err(e) => self
                .status
                .report(format!("could not start the piece's thread: {e}")),
        }
    }

    fn take_notes(&mut self) {
        while let Ok(note) = self.notes.1.try_recv() {
            let Note::Arrived {
                delivery,
                abort,
                host_midi,
                link,
            } = note;
            if let Some(r) = self
                .runners
                .iter_mut()
                .find(|r| r.generation == delivery.generation)
            {
                r.abort = Some(abort);
                r.host_midi = Some(host_midi);
                r.link = Some(link);
                r.pace = Some(delivery.pace.clone());
            }
            if let Err(back) = self.ends.deliveries.try_push(delivery) {
                // The audio side has not taken the earlier ones: this one is not wanted yet.
                drop(back);
            }
        }
    }

    /// Aborts what is not wanted or has failed, reports runaways and slow catch-ups, and
    /// joins runners that have ended.
    fn watch(&mut self) {
        let mut wanted = [0; 2 + STANDBYS];
        wanted[0] = self.requests.main.read().0;
        wanted[1] = self.requests.playing.load(Ordering::Acquire);
        for (w, r) in wanted[2..].iter_mut().zip(&self.requests.standby) {
            *w = r.read().0;
        }
        for r in self.runners.iter_mut() {
            if r.aborted {
                continue;
            }
            let Some(abort) = r.abort.as_ref() else {
                continue;
            };
            if !wanted.contains(&r.generation) {
                r.aborted = true;
                abort.abort();
                continue;
            }
            if let Some((clock, running)) = abort.runaway_process(RUNAWAY_LIMIT) {
                r.state.failed.store(true, Ordering::Release);
                r.aborted = true;
                abort.abort();
                self.status.set_state(PieceState::Failed);
                self.status.report(format!(
                    "the process on clock '{clock}' has run for {:.1} s without waiting: the piece is stopped (a process must call wait, play_note or another blocking call in every loop)",
                    running.as_secs_f64()
                ));
                continue;
            }
            // A catch-up: the fast-forward to the start beat, and for the session asked to
            // play now, until it plays (it may still be chasing the audio once there).
            let caught_up = r.state.caught_up.load(Ordering::Acquire);
            let main = self.requests.main.read().0 == r.generation;
            let behind_the_audio = r
                .pace
                .as_ref()
                .is_none_or(|p| p.reached() < p.horizon() && !p.is_finished());
            let chasing = main && !r.state.active.load(Ordering::Acquire) && behind_the_audio;
            let now = Instant::now();
            let since = now.duration_since(r.last_watched);
            r.last_watched = now;
            if (!caught_up || chasing) && !r.state.ended.load(Ordering::Acquire) {
                r.behind += since;
                let at = abort.master_beat().unwrap_or(0.0);
                if main {
                    self.status.set_catch_up(at, r.start);
                }
                if r.behind > CATCH_UP_LIMIT {
                    r.state.failed.store(true, Ordering::Release);
                    r.aborted = true;
                    abort.abort();
                    self.status.set_state(PieceState::Failed);
                    self.status.report(format!(
                        "catching up to beat {:.3} was abandoned after {} s at beat {at:.3}: the piece does too much work before that point (seek nearer to its start, or lighten the piece)",
                        r.start,
                        CATCH_UP_LIMIT.as_secs()
                    ));
                }
            }
        }
        let faults = self.status.synth_faults();
        if faults > self.synth_faults {
            self.synth_faults = faults;
            self.status.report(format!(
                "a SoundFont synth failed while rendering and was muted ({faults} so far): its font is probably damaged"
            ));
        }
        // Join the runners whose threads have ended.
        self.runners.retain_mut(|r| match r.thread.as_ref() {
            Some(t) if t.is_finished() => {
                if let Some(t) = r.thread.take() {
                    let _ = t.join();
                }
                false
            }
            Some(_) => true,
            None => false,
        });
    }

    /// Puts the names of the playing session's parts in the status (when they changed).
    fn show_parts(&mut self) {
        let playing = self.requests.playing.load(Ordering::Acquire);
        let Some(link) = self
            .runners
            .iter()
            .find(|r| r.generation == playing)
            .and_then(|r| r.link.as_ref())
        else {
            return;
        };
        let count = link.part_count();
        if self.parts_shown != (playing, count) {
            self.parts_shown = (playing, count);
            self.status.set_parts(link.parts());
        }
    }

    fn pass_host_midi(&mut self) {
        let playing = self.requests.playing.load(Ordering::Acquire);
        let target = self
            .runners
            .iter()
            .find(|r| r.generation == playing)
            .and_then(|r| r.host_midi.clone());
        while let Some(m) = self.ends.midi_in.try_pop() {
            let now = Instant::now();
            let dt = self
                .last_midi
                .map_or(0.0, |l| now.duration_since(l).as_secs_f64());
            self.last_midi = Some(now);
            if let Some(target) = &target {
                target.dispatch(&m.bytes[..m.len as usize], dt);
            }
        }
    }

    /// Aborts every session, waits for the runners at most [`QUIT_LIMIT`], and detaches (and
    /// reports) those still stuck in user code.
    fn quit(&mut self) {
        for r in &self.runners {
            if let Some(a) = &r.abort {
                a.abort();
            }
        }
        let deadline = Instant::now() + QUIT_LIMIT;
        while Instant::now() < deadline
            && self
                .runners
                .iter()
                .any(|r| r.thread.as_ref().is_some_and(|t| !t.is_finished()))
        {
            // A runner that had not registered yet registers now and is aborted here.
            self.take_notes();
            for r in &self.runners {
                if let Some(a) = &r.abort {
                    a.abort();
                }
            }
            std::thread::sleep(TICK);
        }
        while self.ends.retired.try_pop().is_some() {}
        for r in self.runners.drain(..) {
            match r.thread {
                Some(t) if t.is_finished() => {
                    let _ = t.join();
                }
                Some(_) => {
                    crate::pin::keep_code_loaded();
                    log::error!("a process of the piece (session {}) is still running and cannot be stopped: it is left behind", r.generation);
                }
                None => {}
            }
        }
    }
}

/// A runner's life: make a session at `start`, hand its audio end over, run the piece in it
/// (fast-forwarded to `start`), then keep the session until it is aborted.
fn run_session(
    piece: &PieceFn,
    config: &HostedConfig,
    generation: u64,
    start: f64,
    tempo: f64,
    state: &Arc<SessionState>,
    notes: &mpsc::Sender<Note>,
) -> Result<()> {
    let pace = Pace::in_beats();
    let session = Session::with_driver(tempo, pace.driver())?;
    session.lock_master_tempo("the host owns the tempo: a piece cannot set the master tempo inside a plugin (set the tempo of a child clock instead)");
    session.rng().seed(config.seed);
    if let Some(sf) = &config.soundfont {
        session.set_default_soundfont(sf.clone());
    }
    let link = session.ensemble().audio_link();
    link.stamp_in_beats_of(session.clock().clone());
    link.mute_notes_before(start);
    let renderer = session.attach_audio(config.sample_rate)?;
    // The first window, so a standby (or a stopped transport) is ready before it is played.
    pace.advance(start + config.lookahead * tempo / 60.0);
    let delivery = Box::new(Delivery {
        generation,
        start,
        renderer,
        pace: pace.clone(),
        state: Arc::clone(state),
    });
    if notes
        .send(Note::Arrived {
            delivery,
            abort: session.abort_handle(),
            host_midi: session.host_midi(),
            link: Arc::clone(session.ensemble().audio_link()),
        })
        .is_err()
    {
        return Ok(());
    }
    let result = std::thread::scope(|scope| {
        if let Some(port) = config.scamp_osc_port {
            let (session, state) = (&session, &**state);
            scope.spawn(move || remote_mode_when_active(session, state, port, config));
        }
        let result = crate::scheduler::overflow::run_guarded("MASTER", PIECE_STACK, || {
            catch_up_and_play(piece, &session, start, state)
        });
        session.ensemble().end_all_notes();
        pace.finish();
        state.ended.store(true, Ordering::Release);
        result
    });
    // Keep the session (its synths, its ring) until it is aborted.
    let kept = session.wait_forever();
    match (result, kept) {
        (Err(Error::Aborted { .. }), _) => Ok(()),
        (Err(e), _) => Err(e),
        (Ok(()), _) => Ok(()),
    }
}

fn catch_up_and_play(
    piece: &PieceFn,
    session: &Session,
    start: f64,
    state: &SessionState,
) -> Result<()> {
    if start > 0.0 {
        session.fast_forward_to_beat(start)?;
    }
    state.caught_up.store(true, Ordering::Release);
    crate::run::piece::run_caught(session, || piece(session))?;
    session.wait_for_children_to_finish()
}

/// Binds SCAMP-OSC remote mode once the audio side plays this session (a standby waiting for
/// its loop wrap does not take the port from the session playing).
fn remote_mode_when_active(
    session: &Session,
    state: &SessionState,
    port: u16,
    config: &HostedConfig,
) {
    while !state.active.load(Ordering::Acquire) {
        if state.ended.load(Ordering::Acquire) {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    if let Err(e) = session.listen_for_scamp_osc(port, &config.scamp_osc_address) {
        log::error!("SCAMP-OSC remote mode is off: {e}");
    }
}
