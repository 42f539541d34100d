//! MIDI input listeners (midir): a device chosen by number or by a fuzzy name, each message
//! handed to a callback at "now" (see [`crate::listen`]) with the seconds since the previous
//! message from that device.
//!
//! midir delivers messages on its own thread; they are queued and dispatched in order by a
//! thread of ours, like OSC. ALSA is the backend on Linux; the `jack-midi` feature switches
//! midir to JACK (the tests run through a `jackd -d dummy` server, since CI machines have no
//! ALSA sequencer).

use super::{act_now, Action, Dispatcher};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::playback::midi::{port_names, MidiDevice};
use midir::{MidiInput, MidiInputConnection};
use std::sync::mpsc::channel;
use std::sync::Arc;
use std::time::Instant;

/// A MIDI callback: the message's bytes and the seconds since the previous message.
pub type MidiCallback = Arc<dyn Fn(&[u8], f64) -> Result<()> + Send + Sync>;

fn midi_input() -> Result<MidiInput> {
    MidiInput::new("scamp").map_err(|e| Error::Output {
        what: "MIDI input".into(),
        reason: format!("{e} (is the ALSA sequencer available? /dev/snd/seq is needed)"),
        source: None,
    })
}

/// Names of the MIDI input ports.
pub fn input_port_names() -> Result<Vec<String>> {
    Ok(port_names(&midi_input()?))
}

/// A running MIDI listener. Dropping it disconnects and joins its dispatcher.
pub struct MidiListener {
    device: String,
    connection: Option<MidiInputConnection<()>>,
    _dispatcher: Dispatcher,
}

impl std::fmt::Debug for MidiListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MidiListener")
            .field("device", &self.device)
            .field("connected", &self.connection.is_some())
            .finish_non_exhaustive()
    }
}

impl MidiListener {
    /// Connects to `device` (a port number or a name, matched fuzzily; the closest wins and is
    /// logged) and calls `callback` at "now" on `master` for every message.
    pub fn start(
        device: &MidiDevice,
        callback: MidiCallback,
        master: Clock,
    ) -> Result<MidiListener> {
        let input = midi_input()?;
        let (port, chosen) = device.choose(&input, "MIDI input port")?;
        let (tx, rx) = channel::<(Vec<u8>, f64)>();
        let mut last: Option<Instant> = None;
        let connection = input
            .connect(
                &port,
                "scamp listener",
                move |_stamp, bytes, _| {
                    let now = Instant::now();
                    let dt = last.map_or(0.0, |l| now.duration_since(l).as_secs_f64());
                    last = Some(now);
                    let _ = tx.send((bytes.to_vec(), dt));
                },
                (),
            )
            .map_err(|e| Error::Output {
                what: format!("connecting to MIDI input '{chosen}'"),
                reason: e.to_string(),
                source: None,
            })?;
        let dispatcher =
            Dispatcher::spawn(format!("MIDI {chosen}"), master, rx, move |(bytes, dt)| {
                let callback = Arc::clone(&callback);
                Some(Box::new(move || callback(&bytes, dt)) as Action)
            })?;
        Ok(MidiListener {
            device: chosen,
            connection: Some(connection),
            _dispatcher: dispatcher,
        })
    }

    /// The port actually listened to.
    pub fn device(&self) -> &str {
        &self.device
    }
}

impl Drop for MidiListener {
    fn drop(&mut self) {
        // Disconnect first; the dispatcher, dropped next, then joins.
        if let Some(c) = self.connection.take() {
            c.close();
        }
    }
}

/// The device name host MIDI listeners are registered under.
pub const HOST_DEVICE: &str = "host";

/// Hands MIDI from a plugin host to a session's listeners (every MIDI listener hears the host
/// too). Cheap to clone; `dispatch` is for a thread outside the clock system (not real-time).
#[derive(Clone)]
pub struct HostMidi {
    master: Clock,
    callbacks: Arc<std::sync::Mutex<Vec<(String, MidiCallback)>>>,
}

impl std::fmt::Debug for HostMidi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let devices: Vec<String> = self
            .callbacks
            .lock()
            .map(|c| c.iter().map(|(d, _)| d.clone()).collect())
            .unwrap_or_default();
        f.debug_struct("HostMidi")
            .field("listeners", &devices)
            .finish_non_exhaustive()
    }
}

impl HostMidi {
    pub(crate) fn new(master: Clock) -> Self {
        HostMidi {
            master,
            callbacks: Arc::new(std::sync::Mutex::new(Vec::new())),
        }
    }

    pub(crate) fn add(&self, device: &str, callback: MidiCallback) {
        self.callbacks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((device.to_string(), callback));
    }

    /// Removes the callbacks registered under `device` (all when `None`); how many went.
    pub(crate) fn remove(&self, device: Option<&str>) -> usize {
        let mut callbacks = self.callbacks.lock().unwrap_or_else(|e| e.into_inner());
        let before = callbacks.len();
        callbacks.retain(|(d, _)| device.is_some_and(|name| d != name));
        before - callbacks.len()
    }

    /// Runs every listener's callback for one host message, at "now".
    pub fn dispatch(&self, bytes: &[u8], dt: f64) {
        let callbacks: Vec<MidiCallback> = self
            .callbacks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(_, c)| Arc::clone(c))
            .collect();
        for callback in callbacks {
            let bytes = bytes.to_vec();
            if let Err(e) = act_now(&self.master, "MIDI host", move || callback(&bytes, dt)) {
                log::warn!("host MIDI callback could not run: {e}");
            }
        }
    }
}
