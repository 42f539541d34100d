//! OSC listeners: a UDP server per (address, port) with any number of address patterns.
//!
//! Two threads per server: a receiver that only reads and decodes datagrams (so a burst is
//! drained from the socket quickly) and a dispatcher that matches each message against the
//! patterns (OSC 1.0 matching: `*`, `?`, `[a-z]`, `[!a]`, `{foo,bar}`) and runs the callbacks
//! at "now" (see [`crate::listen`]). Malformed packets (truncated, bad type tags, garbage) are
//! logged (once per kind of error and then counted) and skipped. Bundles are unpacked in order.

use super::act_now_unless;
use crate::clock::Clock;
use crate::error::{Error, Result};
use rosc::address::{Matcher, OscAddress};
use rosc::{OscMessage, OscPacket, OscType};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// An OSC callback: the address and the arguments of a matching message.
pub type OscCallback = Arc<dyn Fn(&str, &[OscType]) -> Result<()> + Send + Sync>;

struct Route {
    pattern: String,
    matcher: Matcher,
    callback: OscCallback,
}

/// One UDP port listened to.
pub struct OscServer {
    address: SocketAddr,
    routes: Arc<Mutex<Vec<Route>>>,
    stop: Arc<AtomicBool>,
    malformed: Arc<AtomicU64>,
    master: Clock,
    threads: Vec<JoinHandle<()>>,
}

/// Checks an OSC address pattern, with an error naming it.
pub fn check_pattern(pattern: &str) -> Result<()> {
    Matcher::new(pattern).map(|_| ()).map_err(|e| {
        Error::InvalidArgument(format!("'{pattern}' is not an OSC address pattern ({e:?})"))
    })
}

/// Whether `address` matches the OSC address `pattern`.
pub fn pattern_matches(pattern: &str, address: &str) -> bool {
    match (Matcher::new(pattern), OscAddress::new(address.to_string())) {
        (Ok(m), Ok(a)) => m.match_address(&a),
        _ => false,
    }
}

/// Receive buffer asked for: a burst of small messages must fit while the receiver catches
/// up (the kernel caps it at `net.core.rmem_max`).
const RECEIVE_BUFFER: usize = 8 << 20;

fn bind(address: SocketAddr) -> std::io::Result<UdpSocket> {
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(address),
        socket2::Type::DGRAM,
        Some(socket2::Protocol::UDP),
    )?;
    if !force_receive_buffer(&socket) {
        if let Err(e) = socket.set_recv_buffer_size(RECEIVE_BUFFER) {
            log::debug!("OSC listener on {address}: could not enlarge the receive buffer ({e})");
        }
    }
    socket.bind(&address.into())?;
    Ok(socket.into())
}

/// Past `rmem_max`, for a privileged process (Linux `SO_RCVBUFFORCE`); false otherwise.
#[cfg(target_os = "linux")]
fn force_receive_buffer(socket: &socket2::Socket) -> bool {
    use std::os::fd::AsRawFd;
    let size = RECEIVE_BUFFER as libc::c_int;
    // SAFETY: a valid socket descriptor and a pointer to a c_int of the right length.
    unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVBUFFORCE,
            &size as *const libc::c_int as *const libc::c_void,
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        ) == 0
    }
}

#[cfg(not(target_os = "linux"))]
fn force_receive_buffer(_socket: &socket2::Socket) -> bool {
    false
}

fn flatten(packet: OscPacket, out: &mut Vec<OscMessage>) {
    match packet {
        OscPacket::Message(m) => out.push(m),
        OscPacket::Bundle(b) => b.content.into_iter().for_each(|p| flatten(p, out)),
    }
}

impl OscServer {
    /// Binds `ip:port` and starts listening; `master` is the clock callbacks run on.
    pub fn start(ip: &str, port: u16, master: Clock) -> Result<OscServer> {
        let ip_addr: std::net::IpAddr = ip.parse().map_err(|_| {
            Error::InvalidArgument(format!(
                "'{ip}' is not an IP address (e.g. 127.0.0.1 or 0.0.0.0)"
            ))
        })?;
        let address = SocketAddr::new(ip_addr, port);
        let socket = bind(address).map_err(|e| Error::Output {
            what: format!("listening for OSC on {address}"),
            reason: if e.kind() == std::io::ErrorKind::AddrInUse {
                format!("the port is in use by another program ({e})")
            } else {
                e.to_string()
            },
        })?;
        socket
            .set_read_timeout(Some(Duration::from_millis(20)))
            .map_err(|e| Error::Output {
                what: format!("configuring the OSC socket on {address}"),
                reason: e.to_string(),
            })?;
        let address = socket.local_addr().unwrap_or(address);
        let routes: Arc<Mutex<Vec<Route>>> = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let malformed = Arc::new(AtomicU64::new(0));
        let (tx, rx) = channel::<OscMessage>();
        let receiver = {
            let (stop, malformed) = (Arc::clone(&stop), Arc::clone(&malformed));
            std::thread::Builder::new()
                .name(format!("scamp-osc-in-{port}"))
                .spawn(move || receive(socket, tx, &stop, &malformed, address))
        };
        let dispatcher = {
            let (stop, routes, master) = (Arc::clone(&stop), Arc::clone(&routes), master.clone());
            std::thread::Builder::new()
                .name(format!("scamp-osc-dispatch-{port}"))
                .spawn(move || dispatch(rx, &routes, &stop, &master))
        };
        let fail = |e: std::io::Error| Error::Resource {
            what: "an OSC listener thread",
            reason: e.to_string(),
        };
        Ok(OscServer {
            address,
            routes,
            stop,
            malformed,
            master,
            threads: vec![receiver.map_err(fail)?, dispatcher.map_err(fail)?],
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_address(&self) -> SocketAddr {
        self.address
    }

    /// Adds a pattern with its callback.
    pub fn add_route(&self, pattern: &str, callback: OscCallback) -> Result<()> {
        check_pattern(pattern)?;
        let matcher = Matcher::new(pattern).expect("checked above");
        self.routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Route {
                pattern: pattern.to_string(),
                matcher,
                callback,
            });
        Ok(())
    }

    /// The patterns listened for.
    pub fn patterns(&self) -> Vec<String> {
        self.routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|r| r.pattern.clone())
            .collect()
    }

    /// Packets that could not be decoded so far.
    pub fn malformed_packets(&self) -> u64 {
        self.malformed.load(Ordering::Relaxed)
    }
}

impl Drop for OscServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // The dispatcher may be waiting for a baton held by whoever drops us.
        self.master.wake_outside_callers();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn receive(
    socket: UdpSocket,
    tx: Sender<OscMessage>,
    stop: &AtomicBool,
    malformed: &AtomicU64,
    address: SocketAddr,
) {
    let mut buf = vec![0u8; 65_536];
    while !stop.load(Ordering::Acquire) {
        let n = match socket.recv_from(&mut buf) {
            Ok((n, _)) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue
            }
            Err(e) => {
                log::warn!("OSC listener on {address}: {e}");
                continue;
            }
        };
        match rosc::decoder::decode_udp(&buf[..n]) {
            Ok((_, packet)) => {
                let mut messages = Vec::new();
                flatten(packet, &mut messages);
                for m in messages {
                    if tx.send(m).is_err() {
                        return;
                    }
                }
            }
            Err(e) => {
                if malformed.fetch_add(1, Ordering::Relaxed) == 0 {
                    log::warn!("OSC listener on {address}: skipped a malformed packet of {n} bytes ({e:?}); later ones are only counted");
                }
            }
        }
    }
}

fn dispatch(
    rx: Receiver<OscMessage>,
    routes: &Mutex<Vec<Route>>,
    stop: &AtomicBool,
    master: &Clock,
) {
    loop {
        let message = match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => {
                if stop.load(Ordering::Acquire) {
                    return;
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if stop.load(Ordering::Acquire) {
            return;
        }
        let Ok(address) = OscAddress::new(message.addr.clone()) else {
            log::warn!(
                "OSC message with an invalid address '{}' skipped",
                message.addr
            );
            continue;
        };
        let callbacks: Vec<OscCallback> = routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|r| r.matcher.match_address(&address))
            .map(|r| Arc::clone(&r.callback))
            .collect();
        for callback in callbacks {
            let (addr, args) = (message.addr.clone(), message.args.clone());
            if let Err(e) = act_now_unless(master, &format!("OSC {addr}"), stop, move || {
                callback(&addr, &args)
            }) {
                log::warn!("OSC callback for {} could not run: {e}", message.addr);
            }
        }
    }
}
