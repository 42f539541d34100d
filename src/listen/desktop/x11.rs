//! The desktop on Linux: an X11 client of the RECORD extension, and the screen size.
//!
//! Recording takes two connections, as the RECORD library requires: `control` creates the
//! context and looks up keysyms, `data` receives the recorded events. Both belong to the
//! source thread alone; every other X connection here is likewise opened, used and closed by
//! one thread (Xlib is not thread-safe otherwise, and a host may not have called
//! `XInitThreads`). Recorded device events carry the event type, the key or button, the server
//! time and the pointer's root position, but not the modifier state, so the source tracks
//! shift, AltGr and caps lock itself to find the keysym a key typed.

use super::DesktopEvent;
use crate::listen::key_names::keysym_name;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int};
use std::sync::mpsc::{channel, Sender};
use std::time::Duration;
use x11::{xlib, xrecord};

/// One X connection, used by the thread that opened it.
pub(super) struct Connection(pub(super) *mut xlib::Display);

impl Connection {
    pub(super) fn open() -> std::result::Result<Connection, String> {
        let name = std::env::var("DISPLAY").unwrap_or_default();
        if name.is_empty() {
            return Err(
                "no graphical display (DISPLAY is not set); keyboard and mouse \
                        listeners need an X session (on a headless machine, start one with \
                        Xvfb)"
                    .into(),
            );
        }
        // SAFETY: a null name makes Xlib read DISPLAY; the result is checked for null.
        let display = unsafe { xlib::XOpenDisplay(std::ptr::null()) };
        if display.is_null() {
            return Err(format!("cannot open the X display '{name}'"));
        }
        Ok(Connection(display))
    }

    pub(super) fn root(&self) -> xlib::Window {
        // SAFETY: self.0 is an open display.
        unsafe { xlib::XDefaultRootWindow(self.0) }
    }

    fn has_extension(&self, name: &str) -> bool {
        let name = CString::new(name).expect("no NUL in an extension name");
        let (mut opcode, mut event, mut error) = (0, 0, 0);
        // SAFETY: open display, valid C string, out-pointers to locals.
        unsafe {
            xlib::XQueryExtension(self.0, name.as_ptr(), &mut opcode, &mut event, &mut error) != 0
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // SAFETY: opened by XOpenDisplay, closed once.
        unsafe { xlib::XCloseDisplay(self.0) };
    }
}

/// Starts the source thread and returns once the server is recording for it.
pub(super) fn start() -> std::result::Result<(), String> {
    let (ready_tx, ready_rx) = channel();
    std::thread::Builder::new()
        .name("scamp-desktop".into())
        .spawn(move || record(ready_tx))
        .map_err(|e| format!("cannot start the keyboard and mouse thread: {e}"))?;
    match ready_rx.recv() {
        Ok(result) => result,
        Err(_) => Err("the keyboard and mouse thread ended before recording".into()),
    }
}

/// How long the server may take to start recording before the source gives up.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// What the record callback needs, owned by the source thread.
struct Recorder {
    control: *mut xlib::Display,
    /// Until recording starts: where to say whether it did.
    ready: Option<Sender<std::result::Result<(), String>>>,
    /// Set before recording is disabled, when its end is expected.
    stopping: bool,
    keys: KeyState,
}

impl Recorder {
    /// Says whether recording started, if that is still to be said.
    fn report(&mut self, started: std::result::Result<(), String>) {
        if let Some(ready) = self.ready.take() {
            let _ = ready.send(started);
        }
    }
}

#[derive(Default)]
struct KeyState {
    shift: Vec<u8>,
    level3: Vec<u8>,
    caps_lock: bool,
}

fn record(ready: Sender<std::result::Result<(), String>>) {
    let opened = Connection::open().and_then(|control| {
        if !control.has_extension("RECORD") {
            return Err(
                "the X display has no RECORD extension, which listening to the \
                        keyboard and mouse needs"
                    .to_string(),
            );
        }
        Ok((control, Connection::open()?))
    });
    let (control, data) = match opened {
        Ok(pair) => pair,
        Err(reason) => {
            let _ = ready.send(Err(reason));
            return;
        }
    };
    // Boxed so that the address handed to Xlib stays put; dropped only after `data` closes,
    // since closing may still deliver the end of the recording to the callback.
    let mut recorder = Box::new(Recorder {
        control: control.0,
        ready: Some(ready),
        stopping: false,
        keys: KeyState::default(),
    });
    // SAFETY: both connections are open and used by this thread only; the range is filled in
    // before use and freed once the context is made; `recorder` outlives both connections.
    unsafe {
        let range = xrecord::XRecordAllocRange();
        if range.is_null() {
            recorder.report(Err("out of memory for a record range".into()));
            return;
        }
        (*range).device_events.first = xlib::KeyPress as u8;
        (*range).device_events.last = xlib::MotionNotify as u8;
        let mut clients = xrecord::XRecordAllClients;
        let mut ranges = [range];
        let context =
            xrecord::XRecordCreateContext(control.0, 0, &mut clients, 1, ranges.as_mut_ptr(), 1);
        xlib::XFree(range.cast());
        if context == 0 {
            recorder.report(Err("the X server refused a record context".into()));
            return;
        }
        xlib::XSync(control.0, xlib::False);
        let closure = (&mut *recorder as *mut Recorder).cast::<c_char>();
        if xrecord::XRecordEnableContextAsync(data.0, context, Some(on_record), closure) == 0 {
            recorder.report(Err("the X server would not enable recording".into()));
        } else {
            let mut poll = libc::pollfd {
                fd: xlib::XConnectionNumber(data.0),
                events: libc::POLLIN,
                revents: 0,
            };
            let started = std::time::Instant::now();
            loop {
                libc::poll(&mut poll, 1, 50);
                xrecord::XRecordProcessReplies(data.0);
                let stop = match recorder.ready {
                    None => super::should_stop(),
                    Some(_) => started.elapsed() > START_TIMEOUT,
                };
                if stop {
                    break;
                }
            }
        }
        recorder.stopping = true;
        recorder.report(Err("recording ended before it started".into()));
        xrecord::XRecordDisableContext(control.0, context);
        xrecord::XRecordFreeContext(control.0, context);
        xlib::XSync(control.0, xlib::False);
    }
    drop(data);
    drop(control);
    drop(recorder);
}

unsafe extern "C" fn on_record(closure: *mut c_char, data: *mut xrecord::XRecordInterceptData) {
    // SAFETY (whole function): Xlib hands back the closure given to
    // XRecordEnableContextAsync (our live Recorder) and an intercept record we must free.
    let Some(intercept) = data.as_ref() else {
        return;
    };
    let recorder = &mut *closure.cast::<Recorder>();
    match intercept.category {
        xrecord::XRecordStartOfData => recorder.report(Ok(())),
        xrecord::XRecordFromServer if intercept.data_len * 4 >= 32 => {
            let bytes = std::slice::from_raw_parts(intercept.data, 32);
            if let Some(event) = recorder.convert(bytes) {
                super::forward(event);
            }
        }
        xrecord::XRecordEndOfData if !recorder.stopping => {
            super::failed("the X server stopped recording");
        }
        _ => {}
    }
    xrecord::XRecordFreeData(data);
}

const SHIFT_L: i64 = 0xffe1;
const SHIFT_R: i64 = 0xffe2;
const CAPS_LOCK: i64 = 0xffe5;
const ISO_LEVEL3_SHIFT: i64 = 0xfe03;
const MODE_SWITCH: i64 = 0xff7e;

impl Recorder {
    /// A recorded core event (an `xEvent`: type, detail, sequence, time, root, event, child,
    /// root x, root y, ...) as a desktop event.
    fn convert(&mut self, bytes: &[u8]) -> Option<DesktopEvent> {
        let kind = c_int::from(bytes[0] & 0x7f);
        let detail = bytes[1];
        let at = (
            f64::from(i16::from_ne_bytes([bytes[20], bytes[21]])),
            f64::from(i16::from_ne_bytes([bytes[22], bytes[23]])),
        );
        Some(match kind {
            xlib::KeyPress | xlib::KeyRelease => self.key(kind == xlib::KeyPress, detail),
            xlib::MotionNotify => DesktopEvent::Move { x: at.0, y: at.1 },
            xlib::ButtonPress | xlib::ButtonRelease => {
                let pressed = kind == xlib::ButtonPress;
                let (dx, dy) = match detail {
                    4 => (0, 1),
                    5 => (0, -1),
                    6 => (-1, 0),
                    7 => (1, 0),
                    button => {
                        return Some(DesktopEvent::Button {
                            pressed,
                            button,
                            at: Some(at),
                        })
                    }
                };
                // The wheel is buttons 4-7: a press per notch, and a release to ignore.
                if !pressed {
                    return None;
                }
                DesktopEvent::Scroll {
                    dx,
                    dy,
                    at: Some(at),
                }
            }
            _ => return None,
        })
    }

    fn keysym(&self, keycode: u8, level: c_int) -> i64 {
        // SAFETY: the control connection is open and used by this thread only.
        unsafe { xlib::XkbKeycodeToKeysym(self.control, keycode, 0, level) as i64 }
    }

    fn key(&mut self, pressed: bool, keycode: u8) -> DesktopEvent {
        let base = self.keysym(keycode, 0);
        let held = |list: &mut Vec<u8>| {
            list.retain(|&k| k != keycode);
            if pressed {
                list.push(keycode);
            }
        };
        match base {
            SHIFT_L | SHIFT_R => held(&mut self.keys.shift),
            ISO_LEVEL3_SHIFT | MODE_SWITCH => held(&mut self.keys.level3),
            CAPS_LOCK if pressed => self.keys.caps_lock = !self.keys.caps_lock,
            _ => {}
        }
        let mut shifted = !self.keys.shift.is_empty();
        if self.keys.caps_lock && is_lowercase_letter(base) {
            shifted = !shifted;
        }
        let level = c_int::from(shifted) + if self.keys.level3.is_empty() { 0 } else { 2 };
        let keysym = match self.keysym(keycode, level) {
            0 => base,
            sym => sym,
        };
        let name = keysym_name(keysym)
            .or_else(|| {
                // SAFETY: XKeysymToString returns a static string or null.
                let text = unsafe { xlib::XKeysymToString(keysym as xlib::KeySym) };
                (!text.is_null()).then(|| {
                    unsafe { CStr::from_ptr(text) }
                        .to_string_lossy()
                        .to_lowercase()
                })
            })
            .unwrap_or_else(|| format!("<{keycode}>"));
        DesktopEvent::Key {
            pressed,
            id: u32::from(keycode),
            name,
            number: if keysym == 0 {
                i64::from(keycode)
            } else {
                keysym
            },
        }
    }
}

fn is_lowercase_letter(keysym: i64) -> bool {
    u32::try_from(keysym)
        .ok()
        .and_then(char::from_u32)
        .is_some_and(|c| keysym <= 0xff && c.is_lowercase())
}

/// The default screen's size in pixels.
pub(crate) fn screen_size() -> std::result::Result<(f64, f64), String> {
    let connection = Connection::open()?;
    // SAFETY: open display; its default screen exists.
    let (w, h) = unsafe {
        let screen = xlib::XDefaultScreen(connection.0);
        (
            xlib::XDisplayWidth(connection.0, screen),
            xlib::XDisplayHeight(connection.0, screen),
        )
    };
    Ok((f64::from(w), f64::from(h)))
}
