//! [`Listeners`]: a session's live inputs (OSC servers, MIDI listeners, the host's MIDI, the
//! keyboard and mouse listeners), registered and removed by name, all stopped at once when the
//! session goes. Any thread may call in; each list is behind its own lock, and a list stays
//! usable after a panic elsewhere (each entry is whole at every moment). Removing a listener
//! returns once no callback of it can start.

use super::desktop::DesktopListener;
use super::keyboard::KeyboardListenerOptions;
use super::midi::{HostMidi, MidiCallback, MidiListener, HOST_DEVICE};
use super::mouse::MouseListenerOptions;
use super::osc::{OscCallback, OscServer};
use crate::clock::Clock;
use crate::error::Result;
use crate::playback::midi::MidiDevice;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// See the module docs.
pub struct Listeners {
    /// The clock callbacks run on (the session's master).
    master: Clock,
    osc_servers: Mutex<Vec<OscServer>>,
    midi_listeners: Mutex<Vec<MidiListener>>,
    keyboard_listener: Mutex<Option<DesktopListener>>,
    mouse_listener: Mutex<Option<DesktopListener>>,
    host_midi: HostMidi,
}

impl std::fmt::Debug for Listeners {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listeners")
            .field("osc_servers", &lock(&self.osc_servers).len())
            .field("midi_listeners", &lock(&self.midi_listeners).len())
            .field("keyboard", &lock(&self.keyboard_listener).is_some())
            .field("mouse", &lock(&self.mouse_listener).is_some())
            .finish()
    }
}

impl Listeners {
    /// No listeners yet; callbacks will run on `master`.
    pub fn new(master: Clock) -> Self {
        Listeners {
            host_midi: HostMidi::new(master.clone()),
            master,
            osc_servers: Mutex::new(Vec::new()),
            midi_listeners: Mutex::new(Vec::new()),
            keyboard_listener: Mutex::new(None),
            mouse_listener: Mutex::new(None),
        }
    }

    /// Adds the OSC route `address_pattern` → `callback` on `ip_address:port`, starting a
    /// server there unless one runs; returns the address bound (port 0 picks a free one).
    pub fn register_osc(
        &self,
        port: u16,
        address_pattern: &str,
        callback: OscCallback,
        ip_address: &str,
    ) -> Result<SocketAddr> {
        crate::listen::osc::check_pattern(address_pattern)?;
        let mut servers = lock(&self.osc_servers);
        let wanted_ip: Option<std::net::IpAddr> = ip_address.parse().ok();
        if let Some(server) = servers.iter().find(|s| {
            port != 0
                && s.local_address().port() == port
                && Some(s.local_address().ip()) == wanted_ip
        }) {
            server.add_route(address_pattern, callback)?;
            return Ok(server.local_address());
        }
        let server = OscServer::start(ip_address, port, self.master.clone())?;
        server.add_route(address_pattern, callback)?;
        let bound = server.local_address();
        servers.push(server);
        Ok(bound)
    }

    /// Stops the server on `ip_address:port`; false when there was none.
    pub fn remove_osc(&self, port: u16, ip_address: &str) -> bool {
        let wanted_ip: Option<std::net::IpAddr> = ip_address.parse().ok();
        let removed: Vec<OscServer> = {
            let mut servers = lock(&self.osc_servers);
            let (gone, kept): (Vec<OscServer>, Vec<OscServer>) = servers.drain(..).partition(|s| {
                s.local_address().port() == port && Some(s.local_address().ip()) == wanted_ip
            });
            *servers = kept;
            gone
        };
        let any = !removed.is_empty();
        drop(removed);
        any
    }

    /// Listens to MIDI input `device` (or the plugin host's MIDI); returns the port's name.
    pub fn register_midi(&self, device: MidiDevice, callback: MidiCallback) -> Result<String> {
        if device == MidiDevice::Host {
            self.host_midi.add(HOST_DEVICE, callback);
            return Ok(HOST_DEVICE.into());
        }
        let listener = MidiListener::start(&device, Arc::clone(&callback), self.master.clone())?;
        let name = listener.device().to_string();
        self.host_midi.add(&name, callback);
        lock(&self.midi_listeners).push(listener);
        Ok(name)
    }

    /// Where a plugin host's MIDI goes.
    pub fn host_midi(&self) -> HostMidi {
        self.host_midi.clone()
    }

    /// Stops the MIDI listeners of `device` (every one when `None`); false when none was.
    pub fn remove_midi(&self, device: Option<&str>) -> bool {
        let removed: Vec<MidiListener> = {
            let mut listeners = lock(&self.midi_listeners);
            let (gone, kept) = listeners
                .drain(..)
                .partition(|l| device.is_none_or(|d| l.device() == d));
            *listeners = kept;
            gone
        };
        let host_removed = self.host_midi.remove(device);
        !removed.is_empty() || host_removed > 0
    }

    /// Starts the keyboard listener, replacing the one there was.
    pub fn register_keyboard(&self, options: KeyboardListenerOptions) -> Result<()> {
        let mut slot = lock(&self.keyboard_listener);
        // The old listener goes first: it may hold the keyboard grab the new one needs.
        drop(slot.take());
        *slot = Some(options.start(self.master.clone())?);
        Ok(())
    }

    /// Stops the keyboard listener; false when there was none.
    pub fn remove_keyboard(&self) -> bool {
        let listener = lock(&self.keyboard_listener).take();
        listener.is_some()
    }

    /// Starts the mouse listener, replacing the one there was.
    pub fn register_mouse(&self, options: MouseListenerOptions) -> Result<()> {
        let mut slot = lock(&self.mouse_listener);
        drop(slot.take());
        *slot = Some(options.start(self.master.clone())?);
        Ok(())
    }

    /// Stops the mouse listener; false when there was none.
    pub fn remove_mouse(&self) -> bool {
        let listener = lock(&self.mouse_listener).take();
        listener.is_some()
    }

    /// Stops every listener: no callback starts after this returns.
    pub fn stop_all(&self) {
        lock(&self.osc_servers).clear();
        lock(&self.midi_listeners).clear();
        lock(&self.keyboard_listener).take();
        lock(&self.mouse_listener).take();
    }
}

/// Listener lists stay usable after a panic elsewhere: each entry is whole at every moment.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
