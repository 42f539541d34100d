//! SavesToJSON: a saved session reloads with the same tempo, defaults, instruments, presets and
//! playback settings; bad files are errors naming where.

use scamp::prelude::*;
use serde_json::Value;

fn build() -> Session {
    let s = Session::fast_forward_session(72.0).unwrap();
    s.set_default_soundfont("default");
    s.new_part("violin").unwrap();
    s.new_part_with(
        "lead",
        PartOptions::new()
            .preset((0u16, 80u8))
            .num_channels(4)
            .max_pitch_bend(12),
    )
    .unwrap();
    s.new_osc_part(
        "osc voice",
        57_120,
        OscPartOptions::new()
            .message_prefix("v")
            .osc_message_address("start_note", "on"),
    )
    .unwrap();
    let click = s.new_silent_part("click");
    // Not a clef SCAMP knows: refused, naming it; a clef is kept.
    let err = click.set_clef_preference("percussion").unwrap_err();
    assert!(err.to_string().contains("'percussion'"), "{err}");
    click.set_clef_preference("bass").unwrap();
    s.set_default_spelling_policy(Some("F minor".parse().unwrap()));
    s
}

#[test]
fn a_saved_session_reloads_the_same() {
    let s = build();
    let text = s.json_dumps().unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["_type"], "Session");
    assert_eq!(v["tempo"], 72.0);
    let lead = &v["instruments"][1]["playback_implementations"][0];
    assert_eq!(lead["type"], "SoundfontPlaybackImplementation");
    assert_eq!(lead["args"]["bank_and_preset"], serde_json::json!([0, 80]));
    assert_eq!(lead["args"]["num_channels"], 4);
    assert_eq!(lead["args"]["max_pitch_bend"], 12);

    let again = Session::json_loads_with_driver(&text, FastForwardDriver).unwrap();
    assert_eq!(again.tempo(), 72.0);
    assert_eq!(again.default_soundfont(), "default");
    assert_eq!(v["default_spelling_policy"]["key"], "F");
    assert_eq!(again.default_spelling_policy(), s.default_spelling_policy());
    let names: Vec<String> = again
        .instruments()
        .iter()
        .map(|i| i.name().to_string())
        .collect();
    assert_eq!(names, ["violin", "lead", "osc voice", "click"]);
    for (a, b) in s.instruments().iter().zip(again.instruments()) {
        assert_eq!(
            a.playback_implementations(),
            b.playback_implementations(),
            "{}",
            a.name()
        );
        assert_eq!(a.clef_preference(), b.clef_preference());
    }
    assert_eq!(
        again.json_dumps().unwrap(),
        text,
        "saving the reloaded session gives the same file"
    );
    let copy = s.duplicate().unwrap();
    assert_eq!(copy.json_dumps().unwrap(), text);

    let path = std::env::temp_dir().join(format!("scamp-session-{}.json", std::process::id()));
    s.save_to_json(&path).unwrap();
    let ensemble_only = Session::fast_forward_session(60.0).unwrap();
    ensemble_only
        .ensemble()
        .json_loads(&std::fs::read_to_string(&path).unwrap())
        .unwrap();
    assert_eq!(ensemble_only.instruments().len(), 4);
    assert_eq!(
        ensemble_only.tempo(),
        60.0,
        "loading instruments leaves the tempo alone"
    );
    std::fs::remove_file(&path).ok();
    let inst: Value = serde_json::from_str(&s.instruments()[0].json_dumps().unwrap()).unwrap();
    assert_eq!(inst["_type"], "ScampInstrument");
    assert!(
        inst["playback_implementations"][0]["args"]["bank_and_preset"]
            == serde_json::json!([0, 40]),
        "violin → Violin"
    );
}

#[test]
fn bad_session_files_name_the_problem() {
    let text = build().json_dumps().unwrap();
    let cases = [
        (
            text.replacen("\"Session\"", "\"Score\"", 1),
            "expected _type \"Session\"",
        ),
        (
            text.replacen("\"tempo\": 72.0", "\"tempo\": \"fast\"", 1),
            "tempo",
        ),
        (
            text.replacen(
                "\"OSCPlaybackImplementation\"",
                "\"TelepathyPlaybackImplementation\"",
                1,
            ),
            "instruments[2].playback_implementations[0].type",
        ),
        (
            text.replacen("\"port\": 57120", "\"port\": 0", 1),
            "instruments[2].playback_implementations[0].args.port",
        ),
        (text[..text.len() / 3].to_string(), "EOF"),
    ];
    for (bad, needle) in cases {
        let err = Session::json_loads_with_driver(&bad, FastForwardDriver).expect_err(needle);
        assert!(
            matches!(err, Error::InvalidJson { .. }),
            "{needle}: {err:?}"
        );
        let err = err.to_string();
        assert!(err.contains(needle), "'{err}' should mention '{needle}'");
    }
}
