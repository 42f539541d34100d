//! Bad input gives a clear `scamp::Error`, never a panic or a hang, and the family keeps going.

use crate::support::common;
use common::*;
use scamp::prelude::*;

#[test]
fn bad_waits_are_errors_and_the_process_keeps_running() {
    let session = fast(60.0);
    let log = Log::default();
    let l = log.clone();
    session
        .fork(move |c| {
            for bad in [f64::NAN, -1.0, f64::INFINITY, f64::NEG_INFINITY] {
                let e = c.wait(bad).unwrap_err();
                assert!(matches!(e, Error::InvalidDuration { .. }), "{e}");
                l.push(e.to_string());
            }
            c.wait(1.0)?;
            l.stamp(&c, "still alive");
            Ok(())
        })
        .unwrap();
    session.wait_for_children_to_finish().unwrap();
    let lines = log.lines();
    assert_eq!(
        lines[0],
        "invalid wait duration: NaN (must be a finite number >= 0)"
    );
    assert_eq!(
        lines[1],
        "invalid wait duration: -1 (must be a finite number >= 0)"
    );
    assert_eq!(lines[4], "still alive Clock 1 b=1.000000000 t=1.000000000");
}

#[test]
fn bad_tempi_and_durations_are_errors() {
    let session = fast(60.0);
    for bad in [0.0, -60.0, f64::NAN, f64::INFINITY] {
        assert!(
            matches!(session.set_tempo(bad), Err(Error::InvalidTempo { .. })),
            "tempo {bad}"
        );
        assert!(session.set_tempo_target(bad, 1.0).is_err());
        assert!(session
            .fork_with(|_| Ok(()), ForkOptions::new().initial_tempo(bad))
            .is_err());
    }
    assert!(Session::fast_forward_session(0.0).is_err());
    assert!(session.set_tempo_target(90.0, -1.0).is_err());
    assert!(session.set_tempo_target(90.0, f64::NAN).is_err());
    assert!(session
        .set_tempo_targets(&[90.0, 100.0], &[1.0], TargetsOptions::default())
        .is_err());
    assert!(session
        .set_tempo_targets(&[90.0], &[0.0], TargetsOptions::default().looping(true))
        .is_err());
    assert!(session.use_mixed_timing_policy(1.5).is_err());
    assert!(session
        .apply_tempo_function(|b| 60.0 + b, FunctionOptions::default().looping(true))
        .is_err());
    assert_eq!(session.tempo(), 60.0, "nothing changed");
    session.wait(1.0).unwrap();
    assert_eq!(session.time(), 1.0);
}

#[test]
fn fast_forwarding_to_the_past_and_on_a_child_are_errors() {
    let session = fast(60.0);
    session.wait(2.0).unwrap();
    let e = session.fast_forward_to_beat(1.0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot fast-forward clock 'MASTER' to beat 1: it is already at beat 2"
    );
    assert!(session.fast_forward_to_time(-1.0).is_err());
    assert!(session.fast_forward_in_beats(-1.0).is_err());
    let child = session.fork(|c| c.wait(10.0)).unwrap();
    assert!(matches!(
        child.fast_forward(true),
        Err(Error::NotMaster { .. })
    ));
    assert!(matches!(
        session.fork_with(|_| Ok(()), ForkOptions::new().schedule_at(1.0)),
        Err(Error::ScheduleInPast { .. })
    ));
    child.kill().unwrap();
}

#[test]
fn waiting_on_another_clock_is_an_error() {
    let session = fast(60.0);
    let log = Log::default();
    let l = log.clone();
    let master = session.clock().clone();
    let child = session
        .fork(move |c| {
            l.push(master.wait(1.0).unwrap_err().to_string());
            c.wait(1.0)
        })
        .unwrap();
    // From the main thread on the child's clock, and from an unrelated thread on the master.
    let e = child.wait(1.0).unwrap_err();
    assert!(matches!(e, Error::NotOwnProcess { .. }), "{e}");
    let m = session.clock().clone();
    let from_thread = std::thread::spawn(move || m.wait(1.0).unwrap_err())
        .join()
        .unwrap();
    assert!(matches!(from_thread, Error::NotOwnProcess { .. }));
    session.wait_for_children_to_finish().unwrap();
    assert_eq!(log.lines(), ["`wait` was called on clock 'MASTER' from outside its own process (the process of clock 'Clock 1'); only the process running on a clock may block on it"]);
    assert_eq!(session.beat(), 1.0);
}

#[test]
fn metric_phase_targets_reject_bad_phases() {
    assert!(MetricPhaseTarget::new(5.0, 4.0).is_err());
    assert!(MetricPhaseTarget::new(0.0, f64::NAN).is_err());
    assert!(Envelope::from_levels_and_durations(&[1.0, 2.0], &[1.0, 2.0], &[]).is_err());
}

#[test]
fn a_process_that_recurses_without_end_is_stopped_and_the_piece_plays_on() {
    #[allow(unconditional_recursion)]
    fn deeper(depth: u64, pad: [u8; 512]) -> u64 {
        let pad = std::hint::black_box(pad);
        deeper(depth + 1, pad) + pad[(depth % 512) as usize] as u64
    }
    let session = Session::fast_forward_session(120.0).unwrap();
    let bottomless = session
        .fork_with(
            |_c| {
                std::hint::black_box(deeper(0, [1; 512]));
                Ok(())
            },
            ForkOptions::new().name("bottomless"),
        )
        .unwrap();
    let after = session.fork(|c| c.wait(2.0)).unwrap();
    session.wait(4.0).unwrap();
    // The overflow is a failure its parent hears of.
    match session.wait_for_children_to_finish() {
        Err(Error::ChildrenFailed {
            count: 1, first, ..
        }) => {
            assert!(first.contains("bottomless"), "{first}")
        }
        other => panic!("{other:?}"),
    }
    assert!(!bottomless.alive() && !after.alive());
    assert_eq!(
        session.beat(),
        4.0,
        "the session went on after the overflow"
    );
}

#[test]
fn a_bad_sample_rate_is_an_invalid_value_and_a_bad_tempo_an_invalid_tempo() {
    use scamp::hosted::{HostedConfig, HostedPiece, PieceFn};
    let piece: PieceFn = std::sync::Arc::new(|s: &Session| s.wait(1.0));
    let config = |sample_rate, free_tempo| HostedConfig {
        sample_rate,
        free_tempo,
        ..HostedConfig::default()
    };
    match HostedPiece::new(vec![piece.clone()], config(0.0, 120.0)) {
        Err(
            e @ Error::InvalidValue {
                what: "sample rate",
                ..
            },
        ) => {
            assert_eq!(
                e.to_string(),
                "invalid sample rate: 0 (must be a finite number > 0)"
            )
        }
        other => panic!("{:?}", other.err()),
    }
    assert!(matches!(
        HostedPiece::new(vec![piece], config(48_000.0, f64::NAN)),
        Err(Error::InvalidTempo {
            what: "free-run tempo",
            ..
        })
    ));
}

#[test]
fn a_file_the_system_refuses_names_the_file_and_hands_over_the_system_error() {
    use std::io::ErrorKind;
    let missing = std::env::temp_dir().join("scamp-no-such-folder-7d1f/piece.json");
    let err = Session::load_from_json(&missing).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("scamp-no-such-folder-7d1f/piece.json"),
        "{text}"
    );
    // The message reads whole on its own (the system's words are in it) ...
    assert!(text.contains("No such file"), "{text}");
    // ... and the system's error itself is the source, typed.
    let source = std::error::Error::source(&err).expect("a source");
    let cause = source.downcast_ref::<scamp::Cause>().expect("a Cause");
    let io = cause
        .downcast_ref::<std::io::Error>()
        .expect("an io::Error");
    assert_eq!(io.kind(), ErrorKind::NotFound);
    assert_eq!(err.cause().map(|c| c.to_string()), Some(io.to_string()));

    // A WAV reader's error: the system's error is further down the chain.
    let wav = std::env::temp_dir().join("scamp-no-such-folder-7d1f/in.wav");
    let err = scamp::render::wav::read_wav(&wav).unwrap_err();
    assert!(err.to_string().contains("in.wav"), "{err}");
    let mut chain = std::error::Error::source(&err);
    let mut kinds = vec![];
    while let Some(e) = chain {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            kinds.push(io.kind());
        }
        chain = e.source();
    }
    assert_eq!(kinds, [ErrorKind::NotFound], "{err}");

    // An error with nothing underneath has no source.
    let err = Error::invalid_argument("volume", "loud", "a number from 0 to 1");
    assert!(std::error::Error::source(&err).is_none());
}
