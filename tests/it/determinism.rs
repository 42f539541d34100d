//! Determinism: the same piece gives byte-identical event logs whatever the driver.

use crate::support::common;
use common::*;
use scamp::prelude::*;
use std::time::Instant;

/// 50 forks on nested clocks with tempo curves and a looping tempo; logs every wake-up.
fn piece(session: &Session, log: &Log) {
    session
        .set_tempo_target_with(150.0, 6.0, TargetOptions::default().curve_shape(-1.5))
        .unwrap();
    for i in 0..10u32 {
        let log = log.clone();
        session
            .fork_with(
                move |c| {
                    if i % 3 == 0 {
                        c.set_tempo_targets(
                            &[40.0, 80.0],
                            &[1.5, 1.0],
                            TargetsOptions::default().looping(true),
                        )?;
                    }
                    for j in 0..4u32 {
                        let glog = log.clone();
                        c.fork_with(
                            move |g| {
                                for k in 0..4u32 {
                                    glog.stamp(&g, "wake");
                                    g.wait([0.25, 0.5, 1.0 / 3.0][((i + j + k) % 3) as usize])?;
                                }
                                Ok(())
                            },
                            ForkOptions::new()
                                .name(format!("g{i}.{j}"))
                                .initial_tempo(45.0 + 10.0 * j as f64),
                        )?;
                        c.wait(0.5)?;
                        log.stamp(&c, "forked");
                    }
                    c.set_tempo_target_with(
                        30.0 + 7.0 * i as f64,
                        2.0,
                        TargetOptions::default().curve_shape(2.0),
                    )?;
                    c.wait_for_children_to_finish()?;
                    log.stamp(&c, "end");
                    Ok(())
                },
                ForkOptions::new()
                    .name(format!("p{i}"))
                    .initial_tempo(50.0 + 5.0 * i as f64)
                    .schedule_at(MetricPhaseTarget::new((i % 4) as f64 * 0.5, 2.0).unwrap()),
            )
            .unwrap();
    }
    session.wait_for_children_to_finish().unwrap();
    log.stamp(session, "done");
}

fn run(session: Session) -> Vec<String> {
    let log = Log::default();
    piece(&session, &log);
    log.lines()
}

#[test]
fn fast_forward_runs_are_identical_and_match_a_real_time_run() {
    let reference = run(Session::fast_forward_session(120.0).unwrap());
    assert!(
        reference.len() > 200,
        "the piece wakes {} times",
        reference.len()
    );
    for _ in 0..4 {
        assert_eq!(
            run(Session::fast_forward_session(120.0).unwrap()),
            reference
        );
    }
    // A real-time run, compressed 20x so it lasts a fraction of a second.
    let ideal_seconds: f64 = reference
        .last()
        .unwrap()
        .rsplit("t=")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let started = Instant::now();
    let realtime = run(Session::with_driver(120.0, RealTimeDriver::with_speed(20.0)).unwrap());
    let wall = started.elapsed().as_secs_f64();
    assert_eq!(realtime, reference);
    assert!(
        wall >= ideal_seconds / 20.0 * 0.9,
        "the real-time driver really waited ({wall} s for {ideal_seconds} ideal s)"
    );
    // Fast-forwarding a real-time session part of the way changes nothing musical.
    let session = Session::with_driver(120.0, RealTimeDriver::with_speed(20.0)).unwrap();
    session.fast_forward_to_time(ideal_seconds * 0.8).unwrap();
    assert_eq!(run(session), reference);
}
