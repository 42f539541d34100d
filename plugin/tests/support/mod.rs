//! A CLAP host for the tests, on clack-host: loads a built plugin, activates it, and runs
//! blocks one at a time with whatever transport a test describes, collecting the note events
//! and MIDI the plugin sends back, its audio and how long each `process()` call took.

#![allow(dead_code)]

use clack_extensions::gui::{
    GuiApiType, GuiConfiguration, GuiSize, HostGui, HostGuiImpl, PluginGui, Window,
};
use clack_extensions::params::{ParamInfoBuffer, PluginParams};
use clack_extensions::render::{PluginRender, RenderMode};
use clack_extensions::state::PluginState;
use clack_host::events::event_types::{
    MidiEvent, NoteOffEvent, NoteOnEvent, ParamValueEvent, TransportEvent, TransportFlags,
};
use clack_host::events::{EventFlags, Match, Pckn};
use clack_host::prelude::*;
use clack_host::utils::{BeatTime, SecondsTime};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const SR: f64 = 48_000.0;

pub struct Shared;
impl SharedHandler<'_> for Shared {
    fn request_restart(&self) {}
    fn request_process(&self) {}
    fn request_callback(&self) {}
}

/// A host's side of the GUI extension (a fixed-size embedding: requests are acknowledged).
impl HostGuiImpl for Shared {
    fn resize_hints_changed(&self) {}
    fn request_resize(&self, _new_size: GuiSize) -> Result<(), HostError> {
        Ok(())
    }
    fn request_show(&self) -> Result<(), HostError> {
        Ok(())
    }
    fn request_hide(&self) -> Result<(), HostError> {
        Ok(())
    }
    fn closed(&self, _was_destroyed: bool) {}
}

pub struct Host;
impl HostHandlers for Host {
    type Shared<'a> = Shared;
    type MainThread<'a> = ();
    type AudioProcessor<'a> = ();

    fn declare_extensions(builder: &mut HostExtensions<Self>, _shared: &Self::Shared<'_>) {
        builder.register::<HostGui>();
    }
}

/// The CLAP id of the built-in plugin.
pub const SCAMP_ID: &str = "org.scamp-rs.scamp";

/// The bundled `.clap`, unless the library cargo built next to this test is newer (a bundle
/// left over from an older build must not be tested in place of the code under test).
pub fn plugin_path() -> PathBuf {
    let bundled = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bundled/scamp.clap");
    let built = deps_dir().join("libscamp_plugin.so");
    let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(&bundled), modified(&built)) {
        (Some(b), Some(l)) if b >= l => bundled,
        (_, Some(_)) => built,
        (Some(_), None) => bundled,
        (None, None) => panic!(
            "no plugin at {} or {}: run `cargo xtask bundle scamp-plugin --release`",
            bundled.display(),
            built.display()
        ),
    }
}

/// The plugin of misbehaving pieces (`plugin/faults`, a crate of its own that
/// `scripts/test.sh` builds into `target/faults`).
pub fn fault_plugin_path() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/faults/debug/libscamp_fault_pieces.so");
    assert!(
        path.exists(),
        "no {}: build it with `CARGO_TARGET_DIR=target/faults cargo build --manifest-path plugin/faults/Cargo.toml`",
        path.display()
    );
    path
}

/// The CLAP id of the fault pieces' plugin.
pub const FAULTS_ID: &str = "org.scamp-rs.fault-pieces";

/// Where cargo puts this test's dependencies (and the workspace's cdylibs, one level up).
pub fn deps_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    exe.parent().expect("the deps directory").to_path_buf()
}

/// What the host reports for one block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tr {
    pub playing: bool,
    pub tempo: f64,
    pub beat: f64,
    pub loop_range: Option<(f64, f64)>,
}

impl Tr {
    pub fn playing(tempo: f64, beat: f64) -> Self {
        Tr {
            playing: true,
            tempo,
            beat,
            loop_range: None,
        }
    }

    pub fn stopped(tempo: f64, beat: f64) -> Self {
        Tr {
            playing: false,
            ..Tr::playing(tempo, beat)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Heard {
    On(u64, u16),
    Off(u64, u16),
}

/// What one block gave back.
#[derive(Debug, Clone, Default)]
pub struct Block {
    pub heard: Vec<Heard>,
    pub midi: usize,
    pub left: Vec<f32>,
    /// Wall time of the `process()` call.
    pub took: Duration,
    /// CPU time this thread spent in it (what the plugin did, without the time other threads
    /// on a busy machine took the core away).
    pub cpu: Duration,
}

/// A loaded, activated, processing plugin instance.
pub struct TestHost {
    processor: Option<StartedPluginAudioProcessor<Host>>,
    instance: Option<PluginInstance<Host>>,
    entry: Option<PluginEntry>,
    /// A GUI was opened: the library stays loaded when this host goes (the window system's
    /// thread of the GUI may still be winding down in it).
    keep_loaded: bool,
    pub block: usize,
    /// Sample at which the next block starts.
    pub at: u64,
    params: Vec<(ClapId, String)>,
    pending: EventBuffer,
    out_events: EventBuffer,
    ports: AudioPorts,
}

impl TestHost {
    /// The built-in plugin, `block` samples a block, offline (a bounce) or real time.
    pub fn scamp(block: usize, offline: bool) -> Self {
        Self::load(&plugin_path(), SCAMP_ID, block, offline)
    }

    pub fn load(path: &Path, id: &str, block: usize, offline: bool) -> Self {
        Self::load_with_state(path, id, block, offline, None)
    }

    /// [`load`](Self::load), restoring `state` (from [`save_state`](Self::save_state))
    /// before activating, as a host reopening a session does.
    pub fn load_with_state(
        path: &Path,
        id: &str,
        block: usize,
        offline: bool,
        state: Option<&[u8]>,
    ) -> Self {
        let entry = unsafe { PluginEntry::load(path) }.expect("the plugin loads");
        let factory = entry.get_plugin_factory().expect("a plugin factory");
        let descriptor = factory
            .plugin_descriptors()
            .find(|d| d.id().is_some_and(|i| i.to_bytes() == id.as_bytes()))
            .expect("the plugin's descriptor");
        let host_info =
            HostInfo::new("scamp test host", "scamp", "https://localhost", "1.0").unwrap();
        let mut instance = PluginInstance::<Host>::new(
            |_| Shared,
            |_| (),
            &entry,
            descriptor.id().unwrap(),
            &host_info,
        )
        .unwrap();
        let handle = instance.plugin_handle();
        if offline {
            let render = handle
                .get_extension::<PluginRender>()
                .expect("the render extension");
            render
                .set(&handle, RenderMode::Offline)
                .expect("offline rendering");
        }
        let params_ext = handle
            .get_extension::<PluginParams>()
            .expect("the params extension");
        let mut info = ParamInfoBuffer::new();
        let params = (0..params_ext.count(&handle))
            .filter_map(|i| {
                params_ext
                    .get_info(&handle, i, &mut info)
                    .map(|p| (p.id, String::from_utf8_lossy(p.name).to_string()))
            })
            .collect();
        if let Some(mut state) = state {
            handle
                .get_extension::<PluginState>()
                .expect("the state extension")
                .load(&handle, &mut state)
                .expect("the state loads");
        }
        let config = PluginAudioConfiguration {
            sample_rate: SR,
            min_frames_count: 1,
            max_frames_count: block as u32,
        };
        let stopped = instance.activate(|_, _| (), config).unwrap();
        let processor = stopped.start_processing().unwrap();
        TestHost {
            processor: Some(processor),
            instance: Some(instance),
            entry: Some(entry),
            keep_loaded: false,
            block,
            at: 0,
            params,
            pending: EventBuffer::new(),
            out_events: EventBuffer::new(),
            ports: AudioPorts::with_capacity(2, 1),
        }
    }

    /// The id of the parameter named `name`.
    pub fn param(&self, name: &str) -> ClapId {
        self.params
            .iter()
            .find(|(_, n)| n == name)
            .unwrap_or_else(|| panic!("no parameter '{name}' in {:?}", self.params))
            .0
    }

    /// Calls `f` with the plugin's params extension, a handle and the (id, name) list.
    pub fn with_params<R>(
        &mut self,
        f: impl FnOnce(&mut PluginMainThreadHandle<'_>, &PluginParams, &[(ClapId, String)]) -> R,
    ) -> R {
        let instance = self.instance.as_mut().expect("loaded");
        let mut handle = instance.plugin_handle();
        let params = handle
            .get_extension::<PluginParams>()
            .expect("the params extension");
        f(&mut handle, &params, &self.params)
    }

    /// Sets a parameter (plain value) in the next block.
    pub fn set_param(&mut self, name: &str, value: f64) {
        let id = self.param(name);
        self.pending
            .push(&ParamValueEvent::new(0, id, Pckn::match_all(), value));
    }

    /// Sends a note-on in the next block.
    pub fn note_on(&mut self, offset: u32, key: u16, velocity: f64) {
        self.pending.push(&NoteOnEvent::new(
            offset,
            Pckn::new(0u16, 0u16, key, Match::All),
            velocity,
        ));
    }

    /// Runs one block with transport `tr` (None: no transport at all).
    pub fn process(&mut self, tr: Option<Tr>) -> Block {
        let block = self.block;
        let transport = tr.map(|t| {
            let mut flags = TransportFlags::HAS_TEMPO | TransportFlags::HAS_BEATS_TIMELINE;
            if t.playing {
                flags |= TransportFlags::IS_PLAYING;
            }
            let (ls, le) = t.loop_range.unwrap_or((0.0, 0.0));
            if t.loop_range.is_some() {
                flags |= TransportFlags::IS_LOOP_ACTIVE;
            }
            TransportEvent {
                header: EventHeader::new_core(0, EventFlags::empty()),
                flags,
                song_pos_beats: BeatTime::from_float(t.beat),
                song_pos_seconds: SecondsTime::from_int(0),
                tempo: t.tempo,
                tempo_inc: 0.0,
                loop_start_beats: BeatTime::from_float(ls),
                loop_end_beats: BeatTime::from_float(le),
                loop_start_seconds: SecondsTime::from_int(0),
                loop_end_seconds: SecondsTime::from_int(0),
                bar_start: BeatTime::from_int(0),
                bar_number: 0,
                time_signature_numerator: 4,
                time_signature_denominator: 4,
            }
        });
        let (mut left, mut right) = (vec![0.0f32; block], vec![0.0f32; block]);
        self.out_events.clear();
        let input = InputAudioBuffers::empty();
        let mut output = self.ports.with_output_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_output_only(
                [left.as_mut_slice(), right.as_mut_slice()].into_iter(),
            ),
        }]);
        let started = Instant::now();
        let cpu_started = thread_cpu_time();
        self.processor
            .as_mut()
            .expect("processing")
            .process(
                &input,
                &mut output,
                &InputEvents::from_buffer(&self.pending),
                &mut OutputEvents::from_buffer(&mut self.out_events),
                None,
                transport.as_ref(),
            )
            .unwrap();
        let took = started.elapsed();
        let cpu = thread_cpu_time().saturating_sub(cpu_started);
        self.pending.clear();
        let at = self.at;
        let mut out = Block {
            took,
            cpu,
            ..Block::default()
        };
        for e in self.out_events.iter() {
            let key = |k: Match<u16>| if let Match::Specific(k) = k { k } else { 0 };
            if let Some(on) = e.as_event::<NoteOnEvent>() {
                out.heard
                    .push(Heard::On(at + on.header().time() as u64, key(on.key())));
            } else if let Some(off) = e.as_event::<NoteOffEvent>() {
                out.heard
                    .push(Heard::Off(at + off.header().time() as u64, key(off.key())));
            } else if e.as_event::<MidiEvent>().is_some() {
                out.midi += 1;
            }
        }
        out.left = left;
        self.at += block as u64;
        out
    }

    /// The plugin's saved state (CLAP's state extension), as a host saves a session.
    pub fn save_state(&mut self) -> Vec<u8> {
        let instance = self.instance.as_mut().expect("loaded");
        let handle = instance.plugin_handle();
        let mut bytes = Vec::new();
        handle
            .get_extension::<PluginState>()
            .expect("the state extension")
            .save(&handle, &mut bytes)
            .expect("the state saves");
        bytes
    }

    /// Whether the plugin offers a GUI embeddable in an X11 window.
    pub fn offers_x11_gui(&mut self) -> bool {
        let instance = self.instance.as_mut().expect("loaded");
        let handle = instance.plugin_handle();
        handle
            .get_extension::<PluginGui>()
            .is_some_and(|gui| gui.is_api_supported(&handle, Self::embedded()))
    }

    fn embedded() -> GuiConfiguration<'static> {
        GuiConfiguration {
            api_type: GuiApiType::X11,
            is_floating: false,
        }
    }

    /// Opens the GUI inside X11 window `parent` (which must outlive it): its size.
    pub fn open_gui(&mut self, parent: std::ffi::c_ulong) -> (u32, u32) {
        let instance = self.instance.as_mut().expect("loaded");
        let handle = instance.plugin_handle();
        let gui = handle
            .get_extension::<PluginGui>()
            .expect("the gui extension");
        self.keep_loaded = true;
        gui.create(&handle, Self::embedded())
            .expect("the gui is created");
        let _ = gui.set_scale(&handle, 1.0);
        let size = gui.get_size(&handle).expect("the gui's size");
        // SAFETY: the caller keeps `parent` until the GUI is closed.
        unsafe { gui.set_parent(&handle, Window::from_x11_handle(parent)) }
            .expect("the gui is embedded");
        gui.show(&handle).expect("the gui shows");
        (size.width, size.height)
    }

    /// Hides and destroys the GUI.
    pub fn close_gui(&mut self) {
        let instance = self.instance.as_mut().expect("loaded");
        let handle = instance.plugin_handle();
        let gui = handle
            .get_extension::<PluginGui>()
            .expect("the gui extension");
        gui.hide(&handle).expect("the gui hides");
        gui.destroy(&handle);
        // The window system's thread of the GUI ends a moment later; a test process ending
        // under it crashes at exit.
        std::thread::sleep(Duration::from_millis(500));
    }

    /// Stops, deactivates and unloads the plugin; how long that took.
    pub fn unload(mut self) -> Duration {
        let started = Instant::now();
        self.close();
        started.elapsed()
    }

    fn close(&mut self) {
        if let (Some(p), Some(mut instance)) = (self.processor.take(), self.instance.take()) {
            instance.deactivate(p.stop_processing());
            drop(instance);
        }
        if let Some(entry) = self.entry.take() {
            if self.keep_loaded {
                std::mem::forget(entry);
            }
        }
    }
}

impl Drop for TestHost {
    fn drop(&mut self) {
        self.close();
    }
}

/// CPU time of the calling thread.
pub fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Hands out blocks at a sound card's pace: block `i` is due at `i` periods from the start;
/// a block that could not be delivered on time is an xrun, after which the card goes on at
/// its pace from then (it never delivers a burst of late blocks, as a fast host would).
pub struct SoundCard {
    start: Instant,
    period: Duration,
    delivered: u32,
}

impl SoundCard {
    pub fn new(block: usize) -> Self {
        SoundCard {
            start: Instant::now(),
            period: Duration::from_secs_f64(block as f64 / SR),
            delivered: 0,
        }
    }

    /// Sleeps until the next block is due.
    pub fn next(&mut self) {
        let due = self.start + self.period * self.delivered;
        let now = Instant::now();
        if now > due + self.period {
            // Late by more than a block: an xrun; the card's clock goes on from now.
            self.start = now - self.period * self.delivered;
        } else if let Some(wait) = due.checked_duration_since(now) {
            std::thread::sleep(wait);
        }
        self.delivered += 1;
    }
}

/// Runs `blocks` blocks; `plan(sample)` gives the transport of the block starting there.
/// `real_time`: each block is delivered at a sound card's pace ([`SoundCard`]).
pub fn run(
    host: &mut TestHost,
    blocks: usize,
    plan: &dyn Fn(u64) -> Option<Tr>,
    real_time: bool,
) -> Block {
    let mut card = SoundCard::new(host.block);
    let mut all = Block::default();
    for _ in 0..blocks {
        if real_time {
            card.next();
        }
        let b = host.process(plan(host.at));
        all.heard.extend(b.heard);
        all.midi += b.midi;
        all.left.extend(b.left);
        all.took = all.took.max(b.took);
        all.cpu = all.cpu.max(b.cpu);
    }
    all
}

pub fn ons(h: &[Heard]) -> Vec<(u64, u16)> {
    h.iter()
        .filter_map(|e| {
            if let Heard::On(s, k) = e {
                Some((*s, *k))
            } else {
                None
            }
        })
        .collect()
}

/// Runs the test `name` (the caller) alone in a child process, so that what it measures of
/// the process (resident memory) is its own: returns true in the child, where the caller
/// runs its body; in the parent it runs the child, passes its output on and fails with it.
pub fn in_own_process(name: &str) -> bool {
    child_stderr(name).is_none()
}

/// [`in_own_process`], giving the parent what the child wrote to stderr (its log): `None` in
/// the child, where the caller runs its body.
pub fn child_stderr(name: &str) -> Option<String> {
    if std::env::var("SCAMP_TEST_ISOLATED").as_deref() == Ok(name) {
        return None;
    }
    let out = std::process::Command::new(std::env::current_exe().expect("the test's path"))
        .args(["--exact", name, "--nocapture", "--test-threads", "1"])
        .env("SCAMP_TEST_ISOLATED", name)
        .output()
        .expect("the test runs in a child process");
    // The child's own output, without its test harness's lines (one summary is enough).
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if !(line.starts_with("running ") || line.starts_with("test ") || line.trim().is_empty()) {
            println!("{line}");
        }
    }
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    eprint!("{stderr}");
    assert!(
        out.status.success(),
        "{name} failed in its own process: {}",
        out.status
    );
    Some(stderr)
}

/// Resident memory of this process, in MiB.
pub fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Writes the built-in SoundFont to `path` with every sample header pointing past the sample
/// data (start and loop points beyond its end): a font that parses, and makes a synth that
/// trusts it read out of bounds when a note renders.
pub fn write_corrupt_font(path: &Path) {
    let mut font = scamp::soundfont::EMBEDDED_SOUNDFONT.to_vec();
    let at = font
        .windows(4)
        .position(|w| w == b"shdr")
        .expect("a shdr chunk");
    let size = u32::from_le_bytes(font[at + 4..at + 8].try_into().unwrap()) as usize;
    let headers = &mut font[at + 8..at + 8 + size];
    // 46 bytes a header: a 20-byte name, then start, end, loop start, loop end (u32 each).
    let count = headers.len() / 46;
    for h in headers.chunks_mut(46).take(count - 1) {
        let start = u32::from_le_bytes(h[20..24].try_into().unwrap());
        let far = start.saturating_add(0x0100_0000);
        for (k, v) in [far, far + 64, far + 8, far + 56].into_iter().enumerate() {
            h[20 + 4 * k..24 + 4 * k].copy_from_slice(&v.to_le_bytes());
        }
    }
    std::fs::write(path, font).expect("the corrupt font is written");
}
