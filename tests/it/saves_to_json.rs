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

#[test]
fn the_session_constructor_takes_scamps_arguments() {
    let donor = build();
    let s = Session::new_with(
        SessionOptions::new()
            .tempo(84.0)
            .default_soundfont("default")
            .default_spelling_policy("Ab".parse().unwrap())
            .instruments(&donor.instruments()[..2])
            .max_threads(2)
            .driver(FastForwardDriver),
    )
    .unwrap();
    assert_eq!(s.tempo(), 84.0);
    assert_eq!(s.default_soundfont(), "default");
    assert_eq!(s.default_spelling_policy(), Some("Ab".parse().unwrap()));
    let names: Vec<String> = s
        .instruments()
        .iter()
        .map(|i| i.name().to_string())
        .collect();
    assert_eq!(names, ["violin", "lead"]);
    assert_eq!(
        s.instruments()[1].playback_implementations(),
        donor.instruments()[1].playback_implementations()
    );
    // max_threads: two unsynchronized jobs run and hold on; the third waits its turn until
    // they are let go.
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::{Arc, Condvar, Mutex};
    let started = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    for _ in 0..3 {
        let (started, gate, tx) = (started.clone(), gate.clone(), tx.clone());
        s.fork_unsynchronized(move || {
            started.fetch_add(1, SeqCst);
            let (open, cv) = &*gate;
            let mut open = open.lock().unwrap();
            while !*open {
                open = cv.wait(open).unwrap();
            }
            tx.send(()).unwrap();
        })
        .unwrap();
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while started.load(SeqCst) < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert_eq!(started.load(SeqCst), 2, "two run, the third waits");
    *gate.0.lock().unwrap() = true;
    gate.1.notify_all();
    for _ in 0..3 {
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("every job runs");
    }
    assert_eq!(started.load(SeqCst), 3);
    let err = Session::new_with(
        SessionOptions::new()
            .max_threads(0)
            .driver(FastForwardDriver),
    )
    .unwrap_err();
    assert!(err.to_string().contains("max_threads"), "{err}");
}
