//! The computer keyboard as a piano. The row `a s d f g h j k l ;` plays a C major scale from
//! middle C and `w e t y u o p` the black keys between; a note sounds while its key is held,
//! and with shift an octave higher. Esc ends the piece (so does a minute going by).
//! `cargo run --release --example keyboard_piano` (needs a graphical session and an audio
//! device; add `--json played.json` or `--midi played.mid` to keep what you played).

use scamp::prelude::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

fn main() {
    scamp::run(keyboard_piano);
}

/// The pitch a key plays: white keys on the home row, black keys above them.
fn pitch_of(name: &str) -> Option<f64> {
    const KEYS: &str = "awsedftgyhujkolp;";
    let lower = name.to_lowercase();
    let mut chars = lower.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return None;
    };
    let step = KEYS.find(c)?;
    let octave_up = if name != lower { 12.0 } else { 0.0 };
    Some(60.0 + step as f64 + octave_up)
}

fn keyboard_piano(session: &Session) -> scamp::Result<()> {
    let piano = session.new_part("piano")?;
    let sounding: Arc<Mutex<HashMap<String, NoteHandle>>> = Arc::default();
    let done = Arc::new(AtomicBool::new(false));
    let on_press = {
        let (sounding, done) = (Arc::clone(&sounding), Arc::clone(&done));
        move |name: &str, _number: i64| -> scamp::Result<()> {
            if name == "esc" {
                done.store(true, Ordering::Release);
            }
            let Some(pitch) = pitch_of(name) else {
                return Ok(());
            };
            let note = piano.start_note(pitch, 0.8)?;
            sounding.lock().unwrap().insert(name.to_lowercase(), note);
            Ok(())
        }
    };
    let on_release = move |name: &str, _number: i64| -> scamp::Result<()> {
        match sounding.lock().unwrap().remove(&name.to_lowercase()) {
            Some(note) => note.end(),
            None => Ok(()),
        }
    };
    session.register_keyboard_listener(
        KeyboardListenerOptions::new()
            .on_press(on_press)
            .on_release(on_release),
    )?;
    println!("play on a s d f g h j k l ; (w e t y u o p for the black keys); Esc to stop");
    let mut waited = 0.0;
    while !done.load(Ordering::Acquire) && waited < 60.0 {
        session.wait(0.05)?;
        waited += 0.05;
    }
    session.remove_keyboard_listener();
    Ok(())
}
