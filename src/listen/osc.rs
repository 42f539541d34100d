//! OSC listeners: a UDP server per (address, port) with any number of address patterns.
//!
//! Two threads per server: a receiver that only reads and decodes datagrams (so a burst is
//! drained from the socket quickly) and a dispatcher that matches each message against the
//! patterns (OSC 1.0 matching: `*`, `?`, `[a-z]`, `[!a]`, `{foo,bar}`) and runs the callbacks
//! at "now" (see [`crate::listen`]). Malformed packets (truncated, bad type tags, garbage, and
//! bundles nested deeper than [`MAX_NESTING`](super::osc_packet::MAX_NESTING)) are logged
//! (the first, then counted) and skipped. Bundles are unpacked in order.
//!
//! Between the two threads is a queue of [`QUEUE_LENGTH`] messages. While callbacks cannot
//! keep up (one blocks, holding the clocks), messages arriving at a full queue are dropped:
//! the newest go, what is queued keeps its order, memory stays bounded, and the backlog a
//! callback faces when it returns is at most the queue's. Drops are counted
//! ([`OscStats::dropped`]) and warned about at most every [`WARN_EVERY`]; so is a callback
//! that holds the clocks longer than [`SLOW_CALLBACK`].

use super::act_now_unless;
use super::osc_packet::{self, Rejected};
use crate::clock::Clock;
use crate::error::{Error, Result};
use rosc::address::{Matcher, OscAddress};
use rosc::{OscMessage, OscType};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Messages waiting for the dispatcher at most (a few MB of small messages; a burst of this
/// many sent at once is delivered whole).
pub const QUEUE_LENGTH: usize = 65_536;
/// A callback holding the clocks longer than this is warned about.
pub const SLOW_CALLBACK: Duration = Duration::from_millis(100);
/// Repeated warnings (drops, slow callbacks) are given at most this often.
pub const WARN_EVERY: Duration = Duration::from_secs(5);
/// The receiver's stack: decoding recurses once per bundle level, bounded by
/// `osc_packet::MAX_NESTING`, so this leaves a wide margin.
const RECEIVER_STACK: usize = 1 << 20;

/// What a server has counted so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OscStats {
    /// Datagrams that were not OSC (or nested too deeply), skipped.
    pub malformed: u64,
    /// Messages dropped at a full queue.
    pub dropped: u64,
    /// Callbacks that held the clocks longer than [`SLOW_CALLBACK`].
    pub slow_callbacks: u64,
}

#[derive(Default)]
struct Counters {
    malformed: AtomicU64,
    dropped: AtomicU64,
    slow_callbacks: AtomicU64,
}

/// A warning given at most every [`WARN_EVERY`], saying how often it happened meanwhile.
struct Throttled {
    last: Option<Instant>,
    since: u64,
}

impl Throttled {
    fn new() -> Self {
        Throttled {
            last: None,
            since: 0,
        }
    }

    /// Counts one occurrence; `warn(n)` runs when a warning is due, with the occurrences
    /// since the last one.
    fn hit(&mut self, warn: impl FnOnce(u64)) {
        self.since += 1;
        if self.last.is_none_or(|t| t.elapsed() >= WARN_EVERY) {
            warn(self.since);
            self.since = 0;
            self.last = Some(Instant::now());
        }
    }
}

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
    counters: Arc<Counters>,
    master: Clock,
    threads: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for OscServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OscServer")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

/// Checks an OSC address pattern, with an error naming it.
pub fn check_pattern(pattern: &str) -> Result<()> {
    Matcher::new(pattern).map(|_| ()).map_err(|e| {
        Error::invalid_argument(
            "OSC address pattern",
            format!("'{pattern}'"),
            format!("a pattern such as /note or /*/pitch ({e:?})"),
        )
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

impl OscServer {
    /// Binds `ip:port` and starts listening; `master` is the clock callbacks run on.
    pub fn start(ip: &str, port: u16, master: Clock) -> Result<OscServer> {
        let ip_addr: std::net::IpAddr = ip.parse().map_err(|_| {
            Error::invalid_argument(
                "IP address",
                format!("'{ip}'"),
                "an IP address such as 127.0.0.1 or 0.0.0.0",
            )
        })?;
        let address = SocketAddr::new(ip_addr, port);
        let socket = bind(address).map_err(|e| Error::Output {
            what: format!("listening for OSC on {address}"),
            reason: if e.kind() == std::io::ErrorKind::AddrInUse {
                format!("the port is in use by another program ({e})")
            } else {
                e.to_string()
            },
            source: None,
        })?;
        socket
            .set_read_timeout(Some(Duration::from_millis(20)))
            .map_err(|e| Error::Output {
                what: format!("configuring the OSC socket on {address}"),
                reason: e.to_string(),
                source: Some(crate::error::Cause::new(e)),
            })?;
        let address = socket.local_addr().unwrap_or(address);
        let routes: Arc<Mutex<Vec<Route>>> = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let counters = Arc::new(Counters::default());
        let (tx, rx) = sync_channel::<OscMessage>(QUEUE_LENGTH);
        let receiver = {
            let (stop, counters) = (Arc::clone(&stop), Arc::clone(&counters));
            std::thread::Builder::new()
                .name(format!("scamp-osc-in-{port}"))
                .stack_size(RECEIVER_STACK)
                .spawn(move || receive(socket, tx, &stop, &counters, address))
        };
        let dispatcher = {
            let (stop, routes, master) = (Arc::clone(&stop), Arc::clone(&routes), master.clone());
            let counters = Arc::clone(&counters);
            std::thread::Builder::new()
                .name(format!("scamp-osc-dispatch-{port}"))
                .spawn(move || dispatch(rx, &routes, &stop, &master, &counters, address))
        };
        let fail = |e: std::io::Error| Error::Resource {
            what: "an OSC listener thread",
            reason: e.to_string(),
        };
        Ok(OscServer {
            address,
            routes,
            stop,
            counters,
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
        self.stats().malformed
    }

    /// Everything counted so far: malformed packets, dropped messages, slow callbacks.
    pub fn stats(&self) -> OscStats {
        let c = &self.counters;
        OscStats {
            malformed: c.malformed.load(Ordering::Relaxed),
            dropped: c.dropped.load(Ordering::Relaxed),
            slow_callbacks: c.slow_callbacks.load(Ordering::Relaxed),
        }
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
    tx: SyncSender<OscMessage>,
    stop: &AtomicBool,
    counters: &Counters,
    address: SocketAddr,
) {
    let mut buf = vec![0u8; 65_536];
    let mut drops = Throttled::new();
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
        let messages = match osc_packet::decode(&buf[..n]) {
            Ok(messages) => messages,
            Err(why) => {
                if counters.malformed.fetch_add(1, Ordering::Relaxed) == 0 {
                    let why = match why {
                        Rejected::TooDeep(depth) => format!(
                            "bundles nested {depth} deep; at most {} are accepted",
                            osc_packet::MAX_NESTING
                        ),
                        Rejected::Malformed(reason) => reason,
                    };
                    log::warn!("OSC listener on {address}: skipped a malformed packet of {n} bytes ({why}); later ones are only counted");
                }
                continue;
            }
        };
        for m in messages {
            match tx.try_send(m) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => {
                    counters.dropped.fetch_add(1, Ordering::Relaxed);
                    drops.hit(|n| {
                        log::warn!("OSC listener on {address}: {n} message(s) dropped, {QUEUE_LENGTH} are waiting for callbacks that cannot keep up");
                    });
                }
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
    }
}

fn dispatch(
    rx: Receiver<OscMessage>,
    routes: &Mutex<Vec<Route>>,
    stop: &AtomicBool,
    master: &Clock,
    counters: &Counters,
    address: SocketAddr,
) {
    let mut slow = Throttled::new();
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
        let Ok(osc_address) = OscAddress::new(message.addr.clone()) else {
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
            .filter(|r| r.matcher.match_address(&osc_address))
            .map(|r| Arc::clone(&r.callback))
            .collect();
        for callback in callbacks {
            let (addr, args) = (message.addr.clone(), message.args.clone());
            let began = Instant::now();
            if let Err(e) = act_now_unless(master, &format!("OSC {addr}"), stop, move || {
                callback(&addr, &args)
            }) {
                log::warn!("OSC callback for {} could not run: {e}", message.addr);
            }
            let held = began.elapsed();
            if held > SLOW_CALLBACK {
                counters.slow_callbacks.fetch_add(1, Ordering::Relaxed);
                slow.hit(|n| {
                    log::warn!("OSC listener on {address}: the callback for {} held the clocks for {:.0} ms ({n} slow callback(s) since the last warning); every clock waits while a callback runs", message.addr, held.as_secs_f64() * 1e3);
                });
            }
        }
    }
}
