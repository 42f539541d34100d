//! What the engine sends towards sound: [`MidiMessage`], the plain `Copy` channel message
//! every MIDI-speaking playback produces, and [`AudioEvent`], a message stamped for a synth.
//!
//! A leaf: it imports nothing of the crate, so playbacks (which make events), the audio side
//! (which renders them) and the plugin (which forwards them) all stand on it. The SoundFont
//! playback sends stamped messages to the audio side through the event ring; the MIDI playback
//! sends their bytes to a port; MIDI-file export writes them. Channels are absolute here (a
//! synth may have up to 255; a MIDI port 16). Any thread may use these values.

/// A channel message. Pitch bend is signed (-8192..=8191, 0 = centre).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MidiMessage {
    /// A key goes down (a velocity of 0 is a note-off).
    NoteOn {
        /// The channel (absolute; see the module docs).
        channel: u8,
        /// The MIDI key, 0–127.
        key: u8,
        /// 1–127.
        velocity: u8,
    },
    /// A key is let go.
    NoteOff {
        /// The channel.
        channel: u8,
        /// The MIDI key, 0–127.
        key: u8,
    },
    /// The channel's pitch bend.
    PitchBend {
        /// The channel.
        channel: u8,
        /// -8192..=8191, 0 = no bend.
        value: i16,
    },
    /// A controller change (CC).
    ControlChange {
        /// The channel.
        channel: u8,
        /// The controller number, 0–127.
        controller: u8,
        /// 0–127.
        value: u8,
    },
    /// Bank and program in one message (bank select MSB/LSB + program change on the wire).
    ProgramChange {
        /// The channel.
        channel: u8,
        /// The SoundFont bank (MIDI bank select).
        bank: u16,
        /// The program, 0–127.
        program: u8,
    },
}

impl MidiMessage {
    /// The channel the message is on.
    pub fn channel(&self) -> u8 {
        match *self {
            MidiMessage::NoteOn { channel, .. }
            | MidiMessage::NoteOff { channel, .. }
            | MidiMessage::PitchBend { channel, .. }
            | MidiMessage::ControlChange { channel, .. }
            | MidiMessage::ProgramChange { channel, .. } => channel,
        }
    }

    /// The same message on another channel.
    pub fn on_channel(mut self, new: u8) -> Self {
        match &mut self {
            MidiMessage::NoteOn { channel, .. }
            | MidiMessage::NoteOff { channel, .. }
            | MidiMessage::PitchBend { channel, .. }
            | MidiMessage::ControlChange { channel, .. }
            | MidiMessage::ProgramChange { channel, .. } => *channel = new,
        }
        self
    }

    /// The wire bytes (channel taken modulo 16), calling `out` once per MIDI message; a
    /// program change becomes bank select MSB, LSB and the program change.
    pub fn for_each_wire_message(&self, mut out: impl FnMut(&[u8])) {
        let ch = self.channel() & 0x0F;
        match *self {
            MidiMessage::NoteOn { key, velocity, .. } => {
                out(&[0x90 | ch, key & 0x7F, velocity & 0x7F])
            }
            MidiMessage::NoteOff { key, .. } => out(&[0x80 | ch, key & 0x7F, 0]),
            MidiMessage::PitchBend { value, .. } => {
                let v = (value as i32 + 8192).clamp(0, 16383) as u16;
                out(&[0xE0 | ch, (v & 0x7F) as u8, (v >> 7) as u8])
            }
            MidiMessage::ControlChange {
                controller, value, ..
            } => out(&[0xB0 | ch, controller & 0x7F, value & 0x7F]),
            MidiMessage::ProgramChange { bank, program, .. } => {
                out(&[0xB0 | ch, 0, ((bank >> 7) & 0x7F) as u8]);
                out(&[0xB0 | ch, 32, (bank & 0x7F) as u8]);
                out(&[0xC0 | ch, program & 0x7F]);
            }
        }
    }
}

/// A MIDI message for synth `synth`, to happen at `stamp`: master seconds, or master beats
/// when a plugin host owns the tempo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AudioEvent {
    /// Master seconds, or master beats in plugin mode.
    pub stamp: f64,
    /// The synth it is for (in the order synths were made).
    pub synth: u16,
    /// What to do.
    pub message: MidiMessage,
}

/// Whether `message` belongs to a note (on, off, bend, expression) rather than to the setup of
/// a channel (program, other controllers): what a piece fast-forwarding to a position drops.
pub fn is_note_event(message: &MidiMessage) -> bool {
    matches!(
        message,
        MidiMessage::NoteOn { .. }
            | MidiMessage::NoteOff { .. }
            | MidiMessage::PitchBend { .. }
            | MidiMessage::ControlChange { controller: 11, .. }
    )
}

/// What a piano roll draws: the notes' starts and ends.
pub fn is_roll_event(message: &MidiMessage) -> bool {
    matches!(
        message,
        MidiMessage::NoteOn { .. } | MidiMessage::NoteOff { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_bytes() {
        let mut got = Vec::new();
        MidiMessage::PitchBend {
            channel: 17,
            value: -8192,
        }
        .for_each_wire_message(|b| got.push(b.to_vec()));
        MidiMessage::PitchBend {
            channel: 0,
            value: 8191,
        }
        .for_each_wire_message(|b| got.push(b.to_vec()));
        MidiMessage::NoteOn {
            channel: 2,
            key: 60,
            velocity: 100,
        }
        .for_each_wire_message(|b| got.push(b.to_vec()));
        MidiMessage::ProgramChange {
            channel: 0,
            bank: 128,
            program: 5,
        }
        .for_each_wire_message(|b| got.push(b.to_vec()));
        assert_eq!(
            got,
            vec![
                vec![0xE1, 0, 0],
                vec![0xE0, 0x7F, 0x7F],
                vec![0x92, 60, 100],
                vec![0xB0, 0, 1],
                vec![0xB0, 32, 0],
                vec![0xC0, 5],
            ]
        );
    }
}
