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
                return Err(Error::InvalidArgument("a callback that fails".into()));
            }
            // A process of its own on the master clock: it can block on a note.
            let clock = scamp::current_clock().expect("callbacks run on a clock");
            silent.play_note(60.0, 0.5, 0.25, "")?;
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
    assert_eq!(notes[0].1.end_beat() - notes[0].1.start_beat, 0.25);
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
    // A lone mousemove may never reach the server: the round trip after it makes sure.
    xdotool(&["mousemove", "10", "20", "getmouselocation"]);
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
