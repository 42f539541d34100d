//! scamp as a plugin: a CLAP/VST3 instrument (and standalone program) whose master clock is
//! the host's transport.
//!
//! The plugin plays one of a set of *pieces* compiled into it, or a saved SCAMP Performance
//! (JSON), in sync with the host: stereo audio from the built-in SoundFont synth, and the same
//! notes as MIDI output at the same samples. All the musical work happens in
//! [`scamp::hosted::HostedPiece`]; this crate only maps nice-plug's `process()` onto it.
//!
//! Its window ([`editor`]) shows the parameters, chooses the Performance file and the
//! SoundFont ([`choices`]), and shows what the piece is doing, its warnings and errors
//! ([`log_tail`]) and a live piano roll.
//!
//! Make your own plugin from your own pieces with one macro call (in a `cdylib` crate that
//! depends on this one with `default-features = false`):
//!
//! ```ignore
//! scamp_plugin::scamp_plugin!(MyPieces, "My Pieces", "com.example.my-pieces", *b"MyPiecesScampPlg",
//!     [("Canon", canon), ("Drone", drone)]);
//! ```

pub mod choices;
pub mod editor;
pub mod log_tail;

use choices::{ChoiceState, Choices};
use nice_plug::midi::{Channel, Key, VoiceID};
use nice_plug::prelude::*;
use nice_plug_egui::{EguiEditor, EguiEditorState, EguiNiceSettings, RepaintNotifier};
use scamp::event::MidiMessage;
use scamp::hosted::{HostedConfig, HostedPiece, HostedStatus, PieceFn, Transport};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

pub use nice_plug;
pub use scamp;

/// A set of pieces compiled into a plugin, with the plugin's identity.
pub trait PieceSet: 'static + Send + Sync {
    /// The plugin's name, as hosts show it.
    const NAME: &'static str;
    /// A unique reverse-domain CLAP id.
    const CLAP_ID: &'static str;
    /// A unique 16-byte VST3 class id.
    const VST3_CLASS_ID: [u8; 16];
    /// The pieces, by name, in the order the *piece* parameter lists them.
    fn pieces() -> Vec<(&'static str, PieceFn)>;
}

/// The pieces that ship with scamp (see [`scamp::pieces`]).
pub struct BuiltInPieces;

impl PieceSet for BuiltInPieces {
    const NAME: &'static str = "scamp";
    const CLAP_ID: &'static str = "org.scamp-rs.scamp";
    const VST3_CLASS_ID: [u8; 16] = *b"ScampRsPieces001";
    fn pieces() -> Vec<(&'static str, PieceFn)> {
        scamp::pieces::BUILT_IN
            .iter()
            .map(|&(name, f)| (name, Arc::new(move |s: &scamp::Session| f(s)) as PieceFn))
            .collect()
    }
}

/// The name of the last choice of the *piece* parameter.
pub const PERFORMANCE_FILE: &str = "Performance file";

/// The plugin's parameters and saved state.
#[derive(Params)]
pub struct ScampParams {
    /// Which piece (the last choice plays the performance file).
    #[id = "piece"]
    pub piece: IntParam,
    #[id = "seed"]
    pub seed: IntParam,
    #[id = "gain"]
    pub gain: FloatParam,
    /// Tempo when the host has no transport.
    #[id = "tempo"]
    pub free_tempo: FloatParam,
    /// A SCAMP Performance JSON file, for the *Performance file* choice.
    #[persist = "performance-file"]
    pub performance_file: Arc<RwLock<String>>,
    /// The SoundFont for parts that name none (a path, or `general_midi`); empty: the
    /// built-in one.
    #[persist = "soundfont-file"]
    pub soundfont_file: Arc<RwLock<String>>,
    /// The files chosen lately, newest first (see [`choices`]).
    #[persist = "recent-files"]
    pub recent_files: Arc<RwLock<Vec<String>>>,
}

impl ScampParams {
    fn new(names: Vec<&'static str>) -> Self {
        let count = names.len() as i32;
        let from_string = {
            let names = names.clone();
            Arc::new(move |text: &str| piece_index(&names, text))
        };
        let to_string = Arc::new(move |i: i32| {
            names
                .get(i as usize)
                .map_or_else(|| format!("#{i}"), |n| n.to_string())
        });
        ScampParams {
            piece: IntParam::new(
                "Piece",
                0,
                IntRange::Linear {
                    min: 0,
                    max: count - 1,
                },
            )
            .with_value_to_string(to_string)
            .with_string_to_value(from_string),
            seed: IntParam::new("Seed", 0, IntRange::Linear { min: 0, max: 9999 }),
            // Smoothed, so automation does not zipper.
            gain: FloatParam::new("Gain", 1.0, FloatRange::Linear { min: 0.0, max: 2.0 })
                .with_smoother(SmoothingStyle::Linear(20.0)),
            free_tempo: FloatParam::new(
                "Free-run tempo",
                120.0,
                FloatRange::Linear {
                    min: 20.0,
                    max: 300.0,
                },
            )
            .with_unit(" bpm"),
            performance_file: Arc::new(RwLock::new(String::new())),
            soundfont_file: Arc::new(RwLock::new(String::new())),
            recent_files: Arc::new(RwLock::new(Vec::new())),
        }
    }
}

/// The index of the piece named `text` (exactly, ignoring case and surrounding spaces), or
/// given as its `#N` index or a plain number, as hosts type them.
fn piece_index(names: &[&str], text: &str) -> Option<i32> {
    let text = text.trim();
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        return Some(i as i32);
    }
    let number = text.strip_prefix('#').unwrap_or(text);
    number
        .parse::<i32>()
        .ok()
        .filter(|i| (0..names.len() as i32).contains(i))
}

/// The status of the hosted piece of the current activation, for the editor (set and read
/// off the audio thread).
pub type StatusSlot = Arc<Mutex<Option<Arc<HostedStatus>>>>;

/// Set (by the standalone program) before the plugin is made: no window.
static HEADLESS: AtomicBool = AtomicBool::new(false);

/// Makes plugins made from now on offer no editor (the standalone's `--no-editor`, or no
/// display).
pub fn run_headless() {
    HEADLESS.store(true, Ordering::Release);
}

/// Set by the standalone program: its window closes on Ctrl-C (SIGINT), as the headless
/// standalone ends on it.
static STANDALONE: AtomicBool = AtomicBool::new(false);

/// Marks this process as the standalone program (see [`editor`]).
pub fn run_standalone() {
    STANDALONE.store(true, Ordering::Release);
}

/// Whether this process is the standalone program.
pub fn is_standalone() -> bool {
    STANDALONE.load(Ordering::Acquire)
}

/// The plugin, generic over its pieces.
pub struct ScampPlugin<S: PieceSet> {
    params: Arc<ScampParams>,
    choices: Arc<Choices>,
    /// [`Choices::version`] as the audio thread last saw it.
    choices_seen: u64,
    status: StatusSlot,
    editor_state: Arc<EguiEditorState>,
    hosted: Option<HostedPiece>,
    /// How the host called the previous activation (see `scamp::hosted::pacing`).
    pacing: scamp::hosted::pacing::Pacing,
    offline: bool,
    _pieces: PhantomData<S>,
}

/// The environment variable that sets what the engine logs (`error`, `warn` (default),
/// `info`, `debug`), to stderr.
pub const SCAMP_LOG_ENV: &str = "SCAMP_LOG";

impl<S: PieceSet> Default for ScampPlugin<S> {
    fn default() -> Self {
        // The engine reports through `log`; nice-plug's own logger does not take those
        // records, so they get a logger of their own (unless the host process has one),
        // which also keeps the warnings and errors for the editor.
        log_tail::install(SCAMP_LOG_ENV);
        let mut names: Vec<&'static str> = S::pieces().into_iter().map(|(n, _)| n).collect();
        names.push(PERFORMANCE_FILE);
        let params = Arc::new(ScampParams::new(names));
        let choices = Choices::new(ChoiceState {
            performance_file: Arc::clone(&params.performance_file),
            soundfont_file: Arc::clone(&params.soundfont_file),
            recent: Arc::clone(&params.recent_files),
        });
        ScampPlugin {
            params,
            choices,
            choices_seen: 0,
            status: Arc::new(Mutex::new(None)),
            editor_state: EguiEditorState::from_size(
                nice_plug::editor::dpi::LogicalSize::new(
                    editor::WIDTH as f64,
                    editor::HEIGHT as f64,
                ),
                1.0,
            ),
            hosted: None,
            pacing: Default::default(),
            offline: false,
            _pieces: PhantomData,
        }
    }
}

/// nice-plug's note events for one of the engine's messages (synth channels folded onto 16).
fn note_event<S>(offset: usize, m: MidiMessage) -> Option<NoteEvent<S>> {
    let timing = offset as u32;
    let ch = |c: u8| c % 16;
    Some(match m {
        MidiMessage::NoteOn {
            channel,
            key,
            velocity,
        } => NoteEvent::NoteOn {
            timing,
            voice_id: VoiceID::Wildcard,
            channel: Channel::Number(ch(channel)),
            key: Key::Number(key),
            velocity: velocity as f32 / 127.0,
        },
        MidiMessage::NoteOff { channel, key } => NoteEvent::NoteOff {
            timing,
            voice_id: VoiceID::Wildcard,
            channel: Channel::Number(ch(channel)),
            key: Key::Number(key),
            velocity: 0.0,
        },
        MidiMessage::PitchBend { channel, value } => NoteEvent::MidiPitchBend {
            timing,
            channel: ch(channel),
            value: (value as f32 + 8192.0) / 16383.0,
        },
        MidiMessage::ControlChange {
            channel,
            controller,
            value,
        } => NoteEvent::MidiCC {
            timing,
            channel: ch(channel),
            cc: controller,
            value: value as f32 / 127.0,
        },
        MidiMessage::ProgramChange {
            channel, program, ..
        } => NoteEvent::MidiProgramChange {
            timing,
            channel: ch(channel),
            program,
        },
    })
}

/// The environment variable naming the UDP port on which the plugin (and the standalone)
/// plays SCAMP's OSC playback messages.
pub const SCAMP_OSC_PORT_ENV: &str = "SCAMP_OSC_PORT";

/// The environment variable naming the address remote mode listens on (default 127.0.0.1,
/// this machine only; `0.0.0.0` opens it to the network).
pub const SCAMP_OSC_ADDRESS_ENV: &str = "SCAMP_OSC_ADDRESS";

fn scamp_osc_address() -> String {
    std::env::var(SCAMP_OSC_ADDRESS_ENV)
        .ok()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| "127.0.0.1".into())
}

fn scamp_osc_port() -> Option<u16> {
    let value = std::env::var(SCAMP_OSC_PORT_ENV).ok()?;
    match value.trim().parse::<u16>() {
        Ok(port) if port > 0 => Some(port),
        _ => {
            log::warn!("{SCAMP_OSC_PORT_ENV}={value} is not a UDP port: remote mode is off");
            None
        }
    }
}

/// The MIDI bytes of a note event from the host (note on/off, CC, pitch bend, program).
fn host_midi_bytes<S>(event: &NoteEvent<S>) -> Option<([u8; 3], usize)> {
    let channel = |c: &Channel| c.number().unwrap_or(0) & 0x0F;
    let key = |k: &Key| k.number().unwrap_or(60) & 0x7F;
    let seven = |x: f32| (x.clamp(0.0, 1.0) * 127.0).round() as u8;
    Some(match event {
        NoteEvent::NoteOn {
            channel: c,
            key: k,
            velocity,
            ..
        } => ([0x90 | channel(c), key(k), seven(*velocity).max(1)], 3),
        NoteEvent::NoteOff {
            channel: c,
            key: k,
            velocity,
            ..
        } => ([0x80 | channel(c), key(k), seven(*velocity)], 3),
        NoteEvent::MidiCC {
            channel: c,
            cc,
            value,
            ..
        } => ([0xB0 | (c & 0x0F), cc & 0x7F, seven(*value)], 3),
        NoteEvent::MidiPitchBend {
            channel: c, value, ..
        } => {
            let v = (value.clamp(0.0, 1.0) * 16383.0).round() as u16;
            ([0xE0 | (c & 0x0F), (v & 0x7F) as u8, (v >> 7) as u8], 3)
        }
        NoteEvent::MidiProgramChange {
            channel: c,
            program,
            ..
        } => ([0xC0 | (c & 0x0F), program & 0x7F, 0], 2),
        _ => return None,
    })
}

/// Lets oxisynth's note-on allocate under nice-plug's allocation checker.
fn permit_note_on(f: &mut dyn FnMut()) {
    nice_plug::util::permit_alloc(f)
}

impl<S: PieceSet> Plugin for ScampPlugin<S> {
    const NAME: &'static str = S::NAME;
    const VENDOR: &'static str = "scamp";
    const URL: &'static str = "https://github.com/scamp-rs";
    const EMAIL: &'static str = "scamp@localhost";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[AudioIOLayout {
        main_input_channels: None,
        main_output_channels: NonZeroU32::new(2),
        ..AudioIOLayout::const_default()
    }];
    const MIDI_INPUT: MidiConfig = MidiConfig::Basic;
    const MIDI_OUTPUT: MidiConfig = MidiConfig::MidiCCs;
    const SAMPLE_ACCURATE_AUTOMATION: bool = false;

    type Editor = EguiEditor<editor::ScampEditor>;
    type SysExMessage = ();
    type BackgroundTask = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        if HEADLESS.load(Ordering::Acquire) {
            return None;
        }
        let mut names: Vec<String> = S::pieces().into_iter().map(|(n, _)| n.into()).collect();
        names.push(PERFORMANCE_FILE.into());
        nice_plug_egui::create_egui_editor(
            Arc::clone(&self.editor_state),
            RepaintNotifier::new(),
            EguiNiceSettings::new().with_tile(S::NAME),
            editor::ScampEditor::new(
                Arc::clone(&self.params),
                Arc::clone(&self.choices),
                Arc::clone(&self.status),
                names,
            ),
        )
    }

    fn activate(
        &mut self,
        _layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        _context: &mut impl ActivateContext<Self>,
    ) -> bool {
        scamp::render::renderer::set_note_on_guard(permit_note_on);
        let mut pieces: Vec<PieceFn> = S::pieces().into_iter().map(|(_, f)| f).collect();
        pieces.push(scamp::pieces::performance_file(Arc::clone(
            &self.params.performance_file,
        )));
        let config = HostedConfig {
            sample_rate: buffer_config.sample_rate as f64,
            seed: self.params.seed.value().max(0) as u64,
            soundfont: Some("default".into()),
            soundfont_choice: Some(Arc::clone(&self.params.soundfont_file)),
            free_tempo: self.params.free_tempo.value() as f64,
            scamp_osc_port: scamp_osc_port(),
            scamp_osc_address: scamp_osc_address(),
            ..HostedConfig::default()
        };
        match HostedPiece::new(pieces, config) {
            Ok(mut hosted) => {
                hosted.set_piece(self.params.piece.value().max(0) as usize);
                hosted.continue_pacing(self.pacing.clone());
                if let Ok(mut slot) = self.status.lock() {
                    *slot = Some(hosted.status());
                }
                self.choices_seen = self.choices.version.load(Ordering::Acquire);
                self.hosted = Some(hosted);
                self.offline = buffer_config.process_mode == ProcessMode::Offline;
                true
            }
            Err(e) => {
                log::error!("scamp could not start: {e}");
                false
            }
        }
    }

    fn deactivate(&mut self) {
        if let Some(hosted) = self.hosted.take() {
            self.pacing = hosted.pacing();
        }
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        let Some(hosted) = self.hosted.as_mut() else {
            while context.next_event().is_some() {}
            return ProcessStatus::Normal;
        };
        // MIDI from the host reaches the piece's MIDI listeners.
        while let Some(event) = context.next_event() {
            if let Some((bytes, len)) = host_midi_bytes(&event) {
                hosted.host_midi_in(&bytes[..len]);
            }
        }
        hosted.set_piece(self.params.piece.value().max(0) as usize);
        hosted.set_seed(self.params.seed.value().max(0) as u64);
        // A file chosen in the editor (checked and loaded off this thread): start over.
        let chosen = self.choices.version.load(Ordering::Acquire);
        if chosen != self.choices_seen {
            self.choices_seen = chosen;
            hosted.restart_piece();
        }
        hosted.set_free_tempo(self.params.free_tempo.value() as f64);
        let t = context.transport();
        let transport = if t.tempo.is_none() && t.pos_beats().is_none() {
            // No transport at all (a host that has none): free-run.
            Transport::NONE
        } else {
            Transport {
                playing: t.playing,
                tempo: t.tempo,
                beat: t.pos_beats(),
                loop_range: t.loop_range_beats(),
            }
        };
        let channels = buffer.as_slice();
        if channels.len() < 2 {
            return ProcessStatus::Normal;
        }
        let (left, rest) = channels.split_at_mut(1);
        let (left, right) = (&mut *left[0], &mut *rest[0]);
        let mut to_host = |offset, m| {
            if let Some(e) = note_event(offset, m) {
                let _ = context.try_send_event(e);
            }
        };
        if self.offline {
            hosted.process_offline(left, right, transport, &mut to_host);
        } else {
            hosted.process(left, right, transport, &mut to_host);
        }
        let gain = &self.params.gain.smoothed;
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            let g = gain.next();
            *l *= g;
            *r *= g;
        }
        ProcessStatus::KeepAlive
    }
}

impl<S: PieceSet> ClapPlugin for ScampPlugin<S> {
    const CLAP_ID: &'static str = S::CLAP_ID;
    const CLAP_DESCRIPTION: Option<&'static str> =
        Some("Computer-assisted composition in sync with the host");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::Instrument,
        ClapFeature::Synthesizer,
        ClapFeature::NoteEffect,
        ClapFeature::Stereo,
    ];
}

impl<S: PieceSet> Vst3Plugin for ScampPlugin<S> {
    const VST3_CLASS_ID: [u8; 16] = S::VST3_CLASS_ID;
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] =
        &[Vst3SubCategory::Instrument, Vst3SubCategory::Synth];
}

/// Makes a plugin (CLAP + VST3) from your own pieces:
/// `scamp_plugin!(TypeName, "Plugin name", "reverse.domain.id", *b"16-byte-class-id", [("Piece name", piece_fn), ...]);`
/// where each `piece_fn` is a `fn(&scamp::Session) -> scamp::Result<()>`.
#[macro_export]
macro_rules! scamp_plugin {
    ($set:ident, $name:literal, $clap_id:literal, $vst3_id:expr, [$(($piece_name:literal, $piece:path)),+ $(,)?]) => {
        pub struct $set;

        impl $crate::PieceSet for $set {
            const NAME: &'static str = $name;
            const CLAP_ID: &'static str = $clap_id;
            const VST3_CLASS_ID: [u8; 16] = $vst3_id;
            fn pieces() -> Vec<(&'static str, $crate::scamp::hosted::PieceFn)> {
                vec![$(($piece_name, ::std::sync::Arc::new(|s: &$crate::scamp::Session| $piece(s)) as $crate::scamp::hosted::PieceFn)),+]
            }
        }

        $crate::nice_plug::nice_export_clap!($crate::ScampPlugin<$set>);
        $crate::nice_plug::nice_export_vst3!($crate::ScampPlugin<$set>);
    };
}

#[cfg(feature = "builtin")]
nice_export_clap!(ScampPlugin<BuiltInPieces>);
#[cfg(feature = "builtin")]
nice_export_vst3!(ScampPlugin<BuiltInPieces>);
