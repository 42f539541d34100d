//! Keyboard and mouse listeners on a private Xvfb display, driven by xdotool: names, numbers,
//! coordinates, buttons and scrolls reach the callbacks; callbacks act at "now" and survive
//! panics; removal stops them; `suppress` keeps events from other programs.

#[path = "support/wait.rs"]
mod wait;
#[path = "support/xvfb.rs"]
mod xvfb;

use scamp::prelude::*;
use std::sync::{Arc, Mutex};
use wait::wait_until;
use xvfb::xdotool;

type Log<T> = Arc<Mutex<Vec<T>>>;

fn log<T>() -> Log<T> {
    Arc::new(Mutex::new(Vec::new()))
}

fn len<T>(log: &Log<T>) -> usize {
    log.lock().unwrap().len()
}

fn key_logger(to: &Log<(String, i64)>) -> impl Fn(&str, i64) -> scamp::Result<()> {
    let to = Arc::clone(to);
    move |name, number| {
        to.lock().unwrap().push((name.to_string(), number));
        Ok(())
    }
}

fn named(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(n, k)| (n.to_string(), *k)).collect()
}

#[test]
fn typed_keys_reach_the_callbacks_with_their_names_and_numbers() {
    let _x = xvfb::lock();
    let session = Session::new(60.0).unwrap();
    session.run_as_server().unwrap();
    let (presses, releases) = (log(), log());
    session
        .register_keyboard_listener(
            KeyboardListenerOptions::new()
                .on_press(key_logger(&presses))
                .on_release(key_logger(&releases)),
        )
        .unwrap();
    xdotool(&[
        "key", "a", "Return", "space", "F5", "Escape", "shift+b", "7",
    ]);
    wait_until("16 key events", || len(&presses) + len(&releases) == 16);
    let expected = named(&[
        ("a", 97),
        ("enter", 0xff0d),
        ("space", 32),
        ("f5", 0xffc2),
        ("esc", 0xff1b),
        ("shift", 0xffe1),
        ("B", 66),
        ("7", 55),
    ]);
    assert_eq!(*presses.lock().unwrap(), expected);
    // Releases carry the press's name ("B", not "b", though shift may come up first).
    let mut released = releases.lock().unwrap().clone();
    let mut pressed = expected.clone();
    released.sort();
    pressed.sort();
    assert_eq!(released, pressed);
    assert!(session.remove_keyboard_listener());
    assert!(!session.remove_keyboard_listener());
}

#[test]
fn callbacks_act_at_now_and_a_panicking_one_does_not_stop_the_listener() {
    let _x = xvfb::lock();
    let session = Session::new(60.0).unwrap();
    session.run_as_server().unwrap();
    let silent = session.new_silent_part("keys");
    session.start_transcribing().unwrap();
    let heard = log();
    let on_press = {
        let heard = Arc::clone(&heard);
        move |name: &str, _number: i64| -> scamp::Result<()> {
            if name == "p" {
                panic!("a callback that panics");
            }
            if name == "e" {
                return Err(Error::Refused("a callback that fails".into()));
            }
            // A process of its own on the master clock: it can block on a note.
            let clock = scamp::current_clock().expect("callbacks run on a clock");
            silent.play_note(60.0, 0.5, 0.25)?;
            heard.lock().unwrap().push((name.to_string(), clock.beat()));
            Ok(())
        }
    };
    session
        .register_keyboard_listener(KeyboardListenerOptions::new().on_press(on_press))
        .unwrap();
    xdotool(&["key", "p", "e", "q"]);
    wait_until("the key after the failing callbacks", || len(&heard) == 1);
    assert_eq!(heard.lock().unwrap()[0].0, "q");
    // The blocking note took a quarter beat of the callback's own clock.
    assert!((heard.lock().unwrap()[0].1 - 0.25).abs() < 1e-9);
    let performance = session.stop_transcribing().unwrap();
    let notes = performance.notes();
    assert_eq!(notes.len(), 1);
    assert!((notes[0].1.end_beat() - notes[0].1.start_beat - 0.25).abs() < 1e-9);
    session.remove_keyboard_listener();
}

#[test]
fn a_removed_listener_hears_nothing_more_and_sessions_each_hear_the_keyboard() {
    let _x = xvfb::lock();
    let first = Session::new(60.0).unwrap();
    first.run_as_server().unwrap();
    let second = Session::new(60.0).unwrap();
    second.run_as_server().unwrap();
    let (a, b) = (log(), log());
    first
        .register_keyboard_listener(KeyboardListenerOptions::new().on_press(key_logger(&a)))
        .unwrap();
    second
        .register_keyboard_listener(KeyboardListenerOptions::new().on_press(key_logger(&b)))
        .unwrap();
    xdotool(&["key", "x"]);
    wait_until("both sessions", || len(&a) == 1 && len(&b) == 1);
    assert!(first.remove_keyboard_listener());
    xdotool(&["key", "y"]);
    wait_until("the second session", || len(&b) == 2);
    // Events reach every subscriber in one pass: once the second heard "y", the first would
    // have been handed it too.
    assert_eq!(*a.lock().unwrap(), named(&[("x", 120)]));
    assert_eq!(*b.lock().unwrap(), named(&[("x", 120), ("y", 121)]));
    second.remove_keyboard_listener();
}

type MouseLog = Log<String>;

fn mouse_options(to: &MouseLog) -> MouseListenerOptions {
    let (m, p, r, s) = (to.clone(), to.clone(), to.clone(), to.clone());
    MouseListenerOptions::new()
        .on_move(move |x, y| {
            m.lock().unwrap().push(format!("move {x} {y}"));
            Ok(())
        })
        .on_press(move |x, y, button| {
            p.lock().unwrap().push(format!("press {x} {y} {button}"));
            Ok(())
        })
        .on_release(move |x, y, button| {
            r.lock().unwrap().push(format!("release {x} {y} {button}"));
            Ok(())
        })
        .on_scroll(move |x, y, dx, dy| {
            s.lock().unwrap().push(format!("scroll {x} {y} {dx} {dy}"));
            Ok(())
        })
}

#[test]
fn moves_clicks_and_scrolls_reach_the_callbacks_with_coordinates() {
    let _x = xvfb::lock();
    // `--sync` waits until the server has moved the pointer, so this move cannot reach the
    // listener registered below.
    xdotool(&["mousemove", "--sync", "10", "20"]);
    let session = Session::new(60.0).unwrap();
    session.run_as_server().unwrap();
    let events = log();
    session
        .register_mouse_listener(mouse_options(&events))
        .unwrap();
    // A click before any move is placed where the pointer already was.
    xdotool(&["click", "1"]);
    xdotool(&["mousemove", "100", "200", "click", "3", "click", "2"]);
    xdotool(&["click", "4", "click", "5", "click", "6", "click", "7"]);
    wait_until("11 mouse events", || len(&events) == 11);
    assert_eq!(
        *events.lock().unwrap(),
        [
            "press 10 20 left",
            "release 10 20 left",
            "move 100 200",
            "press 100 200 right",
            "release 100 200 right",
            "press 100 200 middle",
            "release 100 200 middle",
            "scroll 100 200 0 1",
            "scroll 100 200 0 -1",
            "scroll 100 200 -1 0",
            "scroll 100 200 1 0",
        ]
    );
    assert!(session.remove_mouse_listener());
    assert!(!session.remove_mouse_listener());
}

#[test]
fn relative_coordinates_are_fractions_of_the_screen() {
    let _x = xvfb::lock();
    let session = Session::new(60.0).unwrap();
    session.run_as_server().unwrap();
    let events = log();
    session
        .register_mouse_listener(mouse_options(&events).relative_coordinates(true))
        .unwrap();
    xdotool(&["mousemove", "250", "600", "click", "1"]);
    wait_until("3 mouse events", || len(&events) == 3);
    let (x, y) = (250.0 / xvfb::WIDTH, 600.0 / xvfb::HEIGHT);
    assert_eq!(
        *events.lock().unwrap(),
        [
            format!("move {x} {y}"),
            format!("press {x} {y} left"),
            format!("release {x} {y} left"),
        ]
    );
    session.remove_mouse_listener();
}

/// Another program on the test display: a window covering the screen, with the keyboard focus,
/// counting the key and button presses the X server gives it.
struct OtherProgram {
    display: *mut x11::xlib::Display,
}

impl OtherProgram {
    fn open() -> OtherProgram {
        use x11::xlib;
        // SAFETY: a connection of this test's own, used from this thread only; the window
        // and event are locals of it.
        unsafe {
            let display = xlib::XOpenDisplay(std::ptr::null());
            assert!(!display.is_null(), "cannot open the test display");
            let root = xlib::XDefaultRootWindow(display);
            let window = xlib::XCreateSimpleWindow(
                display,
                root,
                0,
                0,
                xvfb::WIDTH as u32,
                xvfb::HEIGHT as u32,
                0,
                0,
                0,
            );
            xlib::XSelectInput(
                display,
                window,
                xlib::KeyPressMask | xlib::ButtonPressMask | xlib::StructureNotifyMask,
            );
            xlib::XMapWindow(display, window);
            let mut event = std::mem::zeroed::<xlib::XEvent>();
            loop {
                xlib::XNextEvent(display, &mut event);
                if event.get_type() == xlib::MapNotify {
                    break;
                }
            }
            xlib::XSetInputFocus(display, window, xlib::RevertToParent, xlib::CurrentTime);
            xlib::XSync(display, xlib::False);
            OtherProgram { display }
        }
    }

    /// Key and button presses received since the last call. The round trip first makes sure
    /// everything the server sent before now has arrived.
    fn presses(&self) -> usize {
        use x11::xlib;
        // SAFETY: see `open`.
        unsafe {
            xlib::XSync(self.display, xlib::False);
            let mut count = 0;
            let mut event = std::mem::zeroed::<xlib::XEvent>();
            while xlib::XPending(self.display) > 0 {
                xlib::XNextEvent(self.display, &mut event);
                if matches!(event.get_type(), xlib::KeyPress | xlib::ButtonPress) {
                    count += 1;
                }
            }
            count
        }
    }
}

impl Drop for OtherProgram {
    fn drop(&mut self) {
        // SAFETY: closes the connection opened in `open`, once.
        unsafe { x11::xlib::XCloseDisplay(self.display) };
    }
}

#[test]
fn suppressed_keys_reach_the_listener_and_no_other_program() {
    let _x = xvfb::lock();
    let other = OtherProgram::open();
    let session = Session::new(60.0).unwrap();
    session.run_as_server().unwrap();
    let presses = log();

    session
        .register_keyboard_listener(KeyboardListenerOptions::new().on_press(key_logger(&presses)))
        .unwrap();
    xdotool(&["key", "a"]);
    wait_until("a", || len(&presses) == 1);
    assert_eq!(
        other.presses(),
        1,
        "without suppress, other programs get the key"
    );

    session
        .register_keyboard_listener(
            KeyboardListenerOptions::new()
                .on_press(key_logger(&presses))
                .suppress(true),
        )
        .unwrap();
    xdotool(&["key", "b"]);
    wait_until("b", || len(&presses) == 2);
    assert_eq!(other.presses(), 0, "suppressed keys reach no other program");

    // Removing the listener gives the keyboard back.
    assert!(session.remove_keyboard_listener());
    xdotool(&["key", "c"]);
    wait_until("c at the other program", || other.presses() == 1);
    assert_eq!(
        *presses.lock().unwrap(),
        named(&[("a", 97), ("b", 98)]),
        "a removed listener hears nothing"
    );
}

#[test]
fn suppressed_clicks_reach_the_listener_and_no_other_program() {
    let _x = xvfb::lock();
    let other = OtherProgram::open();
    let session = Session::new(60.0).unwrap();
    session.run_as_server().unwrap();
    let events = log();
    session
        .register_mouse_listener(mouse_options(&events).suppress(true))
        .unwrap();
    xdotool(&["mousemove", "300", "300", "click", "1"]);
    wait_until("the click", || len(&events) == 3);
    assert_eq!(
        other.presses(),
        0,
        "suppressed clicks reach no other program"
    );
    assert!(session.remove_mouse_listener());
    xdotool(&["click", "1"]);
    wait_until("the click at the other program", || other.presses() == 1);
    assert_eq!(len(&events), 3);
}

/// Runs example `name` (rendering to nowhere, slowly enough for the input to land: 6 bpm), lets
/// `play` drive it once it says it is listening, and returns the notes it transcribed.
fn run_example(name: &str, play: impl FnOnce()) -> Vec<serde_json::Value> {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let exe = std::env::current_exe().unwrap();
    let examples = exe.parent().unwrap().parent().unwrap().join("examples");
    if !examples.join(name).exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let built = Command::new(cargo)
            .args(["build", "--example", name])
            .status()
            .unwrap();
        assert!(built.success(), "building example {name}");
    }
    let json = std::env::temp_dir().join(format!("scamp-{name}-{}.json", std::process::id()));
    struct KillOnDrop(std::process::Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Command::new(examples.join(name))
        .args(["--render", "/dev/null", "--quiet", "--tempo", "6", "--json"])
        .arg(&json)
        .stdout(Stdio::piped())
        .spawn()
        .map(KillOnDrop)
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(!line.is_empty(), "example {name} ended before listening");
    play();
    let mut status = None;
    wait_until("the example to end", || {
        status = child.0.try_wait().unwrap();
        status.is_some()
    });
    assert!(status.unwrap().success(), "example {name} failed");
    let performance: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    std::fs::remove_file(&json).unwrap();
    let parts = performance["parts"].as_array().unwrap();
    parts
        .iter()
        .flat_map(|p| p["voices"]["_unspecified_"].as_array().unwrap().clone())
        .collect()
}

#[test]
fn the_keyboard_piano_example_plays_what_is_typed() {
    let _x = xvfb::lock();
    let notes = run_example("keyboard_piano", || {
        // Each key held a moment, as a player holds one: a press and release handled at the
        // same instant make a note of no length, which is not transcribed (as in SCAMP).
        let mut keys: Vec<&str> = Vec::new();
        for key in ["a", "w", "shift+d"] {
            keys.extend(["keydown", key, "sleep", "0.05", "keyup", key]);
        }
        keys.extend(["key", "Escape"]);
        xdotool(&keys);
    });
    let pitches: Vec<f64> = notes.iter().map(|n| n["pitch"].as_f64().unwrap()).collect();
    // a = middle C, w = C#, shift+d = E an octave up; Esc ends the piece.
    assert_eq!(pitches, [60.0, 61.0, 76.0]);
}

#[test]
fn the_mouse_theremin_example_glides_with_the_pointer() {
    let _x = xvfb::lock();
    let notes = run_example("mouse_theremin", || {
        xdotool(&["mousemove", "500", "200", "click", "4", "mousedown", "1"]);
        xdotool(&["mousemove", "750", "200", "mouseup", "1", "click", "3"]);
    });
    assert_eq!(notes.len(), 1, "{notes:?}");
    // Half way across is 48 + 18, plus a semitone from the wheel; a quarter further is 9 more.
    let levels = notes[0]["pitch"]["levels"].as_array().unwrap();
    assert_eq!(levels.first().unwrap().as_f64(), Some(67.0));
    assert_eq!(levels.last().unwrap().as_f64(), Some(76.0));
    // A quarter of the way down: volume 1 - 0.8 / 4, all along.
    let volumes = notes[0]["volume"]["levels"].as_array().unwrap();
    assert!(
        volumes.iter().all(|v| v.as_f64() == Some(0.8)),
        "{volumes:?}"
    );
}
