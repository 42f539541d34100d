//! The mouse as a theremin. Hold the left button to play: left to right spans three octaves,
//! top to bottom goes from loud to soft, and the note glides as the pointer moves. The wheel
//! transposes by semitones; the right button ends the piece (so does a minute going by).
//! `cargo run --release --example mouse_theremin` (needs a graphical session and an audio
//! device; add `--json played.json` to keep what you played).

use scamp::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

fn main() {
    scamp::run(mouse_theremin);
}

#[derive(Default)]
struct Theremin {
    note: Option<NoteHandle>,
    transpose: f64,
}

/// Pitch and volume at a position given as fractions of the screen.
fn sound_at(theremin: &Theremin, x: f64, y: f64) -> (f64, f64) {
    let x = x.clamp(0.0, 1.0);
    let y = y.clamp(0.0, 1.0);
    (48.0 + 36.0 * x + theremin.transpose, 1.0 - 0.8 * y)
}

fn mouse_theremin(session: &Session) -> scamp::Result<()> {
    let voice = session.new_part_with("theremin", PartOptions::new().preset("violin"))?;
    let theremin: Arc<Mutex<Theremin>> = Arc::default();
    let done = Arc::new(AtomicBool::new(false));
    let on_move = {
        let theremin = Arc::clone(&theremin);
        move |x: f64, y: f64| -> scamp::Result<()> {
            let theremin = theremin.lock().unwrap();
            let (pitch, volume) = sound_at(&theremin, x, y);
            if let Some(note) = &theremin.note {
                note.change_pitch(pitch, 0.05)?;
                note.change_volume(volume, 0.05)?;
            }
            Ok(())
        }
    };
    let on_press = {
        let (theremin, done) = (Arc::clone(&theremin), Arc::clone(&done));
        move |x: f64, y: f64, button: &str| -> scamp::Result<()> {
            if button == "right" {
                done.store(true, Ordering::Release);
                return Ok(());
            }
            let mut theremin = theremin.lock().unwrap();
            if button == "left" && theremin.note.is_none() {
                let (pitch, volume) = sound_at(&theremin, x, y);
                theremin.note = Some(voice.start_note(pitch, volume)?);
            }
            Ok(())
        }
    };
    let on_release = {
        let theremin = Arc::clone(&theremin);
        move |_x: f64, _y: f64, button: &str| -> scamp::Result<()> {
            match theremin.lock().unwrap().note.take() {
                Some(note) if button == "left" => note.end(),
                _ => Ok(()),
            }
        }
    };
    let on_scroll = move |_x: f64, _y: f64, _dx: i64, dy: i64| -> scamp::Result<()> {
        theremin.lock().unwrap().transpose += dy as f64;
        Ok(())
    };
    session.register_mouse_listener(
        MouseListenerOptions::new()
            .on_move(on_move)
            .on_press(on_press)
            .on_release(on_release)
            .on_scroll(on_scroll)
            .relative_coordinates(true),
    )?;
    println!("hold the left button and move; the wheel transposes; right-click to stop");
    let mut waited = 0.0;
    while !done.load(Ordering::Acquire) && waited < 60.0 {
        session.wait(0.05)?;
        waited += 0.05;
    }
    session.remove_mouse_listener();
    Ok(())
}
