//! A recorded audio-event stream as a Standard MIDI File (`midly`), so other synthesizers can
//! render exactly the same notes.
//!
//! Synth channels come in blocks of 8 per instrument; each block of 8 becomes one track on
//! MIDI channels 0–7 (never channel 9, which General-MIDI players reserve for drums). Time:
//! 960 ticks per quarter note at a fixed 60 bpm, so one tick is 1/960 s of master time.

use crate::error::{Error, Result};
use crate::event::AudioEvent;
use crate::event::MidiMessage;
use midly::num::{u4, u7};
use midly::{Format, Header, MetaMessage, Smf, Timing, TrackEvent, TrackEventKind};
use std::path::Path;

const TICKS_PER_SECOND: f64 = 960.0;
const CHANNELS_PER_TRACK: u16 = 8;

/// Writes `events` (in push order) to `path`.
pub fn write_midi_file(path: &Path, events: &[AudioEvent]) -> Result<()> {
    let mut tracks: Vec<Vec<(u64, TrackEventKind<'static>)>> = Vec::new();
    for e in events {
        let global = e.synth as u32 * 256 + e.message.channel() as u32;
        let track = (global / CHANNELS_PER_TRACK as u32) as usize;
        let channel = u4::new((global % CHANNELS_PER_TRACK as u32) as u8);
        if tracks.len() <= track {
            tracks.resize_with(track + 1, Vec::new);
        }
        let tick = (e.stamp.max(0.0) * TICKS_PER_SECOND).round() as u64;
        let mut push = |message: midly::MidiMessage| {
            tracks[track].push((tick, TrackEventKind::Midi { channel, message }))
        };
        match e.message {
            MidiMessage::NoteOn { key, velocity, .. } => push(midly::MidiMessage::NoteOn {
                key: u7::new(key),
                vel: u7::new(velocity),
            }),
            MidiMessage::NoteOff { key, .. } => push(midly::MidiMessage::NoteOff {
                key: u7::new(key),
                vel: u7::new(0),
            }),
            MidiMessage::PitchBend { value, .. } => push(midly::MidiMessage::PitchBend {
                bend: midly::PitchBend(midly::num::u14::new(
                    (value as i32 + 8192).clamp(0, 16383) as u16
                )),
            }),
            MidiMessage::ControlChange {
                controller, value, ..
            } => push(midly::MidiMessage::Controller {
                controller: u7::new(controller),
                value: u7::new(value),
            }),
            MidiMessage::ProgramChange { bank, program, .. } => {
                push(midly::MidiMessage::Controller {
                    controller: u7::new(0),
                    value: u7::new(((bank >> 7) & 0x7F) as u8),
                });
                push(midly::MidiMessage::Controller {
                    controller: u7::new(32),
                    value: u7::new((bank & 0x7F) as u8),
                });
                push(midly::MidiMessage::ProgramChange {
                    program: u7::new(program),
                });
            }
        }
    }
    let mut smf = Smf::new(Header::new(
        Format::Parallel,
        Timing::Metrical(midly::num::u15::new(960)),
    ));
    let mut conductor = vec![TrackEvent {
        delta: 0.into(),
        kind: TrackEventKind::Meta(MetaMessage::Tempo(midly::num::u24::new(1_000_000))),
    }];
    conductor.push(TrackEvent {
        delta: 0.into(),
        kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
    });
    smf.tracks.push(conductor);
    for events in tracks.into_iter().filter(|t| !t.is_empty()) {
        let mut last = 0u64;
        let mut track: Vec<TrackEvent> = events
            .into_iter()
            .map(|(tick, kind)| {
                let delta = (tick.saturating_sub(last)).min(0x0FFF_FFFF) as u32;
                last = last.max(tick);
                TrackEvent {
                    delta: delta.into(),
                    kind,
                }
            })
            .collect();
        track.push(TrackEvent {
            delta: 0.into(),
            kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
        });
        smf.tracks.push(track);
    }
    let mut bytes = Vec::new();
    smf.write_std(&mut bytes).map_err(|e| Error::Output {
        what: format!("writing {}", path.display()),
        reason: e.to_string(),
        source: Some(crate::error::Cause::new(e)),
    })?;
    crate::output_file::write_atomically(path, &bytes)
}
