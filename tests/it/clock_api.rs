//! The rest of the Clock/Session API: servers, outside threads, tempo loops and functions,
//! extraction, policies, the family tree, fast-forwarding a real-time session.

use crate::support::common;
use common::*;
use scamp::prelude::*;
use std::time::{Duration, Instant};

#[test]
fn run_as_server_lets_outside_threads_fork_and_kill() {
    let session = Session::with_driver(60.0, RealTimeDriver::with_speed(50.0)).unwrap();
    session.run_as_server().unwrap();
    let log = Log::default();
    let l = log.clone();
    let ticker = session
        .fork(move |c| loop {
            l.stamp(&c, "tick");
            c.wait(1.0)?;
        })
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while log.lines().len() < 5 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    ticker.kill().unwrap();
    let lines = log.lines();
    assert!(lines.len() >= 5, "{lines:?}");
    for (i, line) in lines.iter().take(5).enumerate() {
        assert!(
            line.starts_with(&format!("tick Clock 1 b={i}.000000000")),
            "{line}"
        );
    }
    assert!(
        session.wait(1.0).is_err(),
        "after run_as_server this thread no longer runs the master"
    );
}

/// A fast-forward session running as a server, with one child parked at beat 2.
fn parked_server() -> (Session, Clock) {
    let session = fast(60.0);
    let child = session
        .fork(|c| {
            c.wait(2.0)?;
            c.wait_forever()
        })
        .unwrap();
    session.run_as_server().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.beat() < 2.0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    (session, child)
}

#[test]
fn rouse_and_hold_acts_at_one_now() {
    let (session, child) = parked_server();
    session.rouse_and_hold().unwrap();
    let b1 = session.beat();
    let forked = session.fork(|_| Ok(())).unwrap();
    let b2 = session.beat();
    session.release_from_suspension();
    assert_eq!((b1, b2, forked.beat()), (2.0, 2.0, 0.0));
    child.kill().unwrap();
}

#[test]
fn fork_unsynchronized_runs_outside_the_clock_tree() {
    let (session, child) = parked_server();
    let (tx, rx) = std::sync::mpsc::channel();
    let master = session.clock().clone();
    session
        .fork_unsynchronized(move || {
            let outside = current_clock().is_none();
            let forked = master.fork(|c| c.wait(1.0)).map(|c| c.name());
            tx.send((outside, forked)).unwrap();
        })
        .unwrap();
    let (outside, forked) = rx.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(outside);
    assert_eq!(forked.unwrap(), "Clock 2");
    child.kill().unwrap();
}

#[test]
fn wait_forever_on_the_master_ends_with_kill() {
    let session = fast(60.0);
    let master = session.clock().clone();
    session
        .fork(move |c| {
            c.wait(3.0)?;
            master.kill()
        })
        .unwrap();
    session.wait_forever().unwrap();
    assert_eq!(session.beat(), 3.0);
}

#[test]
fn tempo_loops_functions_and_stopping() {
    let session = fast(60.0);
    session
        .set_tempo_targets(
            &[120.0, 60.0],
            &[2.0, 2.0],
            TargetsOptions::default().looping(true),
        )
        .unwrap();
    session.wait(8.0).unwrap();
    // Each 4-beat cycle: 2 beats 1 -> 0.5 s (1.5 s) then 2 beats back (1.5 s).
    assert!((session.time() - 6.0).abs() < 1e-9);
    session.wait(1.0).unwrap();
    session.stop_tempo_loop_or_function().unwrap();
    session.wait(3.0).unwrap();
    // The segment under way (to 120 at beat 10) finishes, then 120 holds.
    assert!((session.tempo() - 120.0).abs() < 1e-9);

    let s2 = fast(60.0);
    s2.apply_tempo_function(
        |b| 60.0 + 15.0 * b,
        FunctionOptions::default().domain(0.0, 4.0),
    )
    .unwrap();
    s2.wait(4.0).unwrap();
    assert!((s2.tempo() - 120.0).abs() < 1e-6);
    // Time over 4 beats = integral of 60/(60+15b) = 4 ln 2.
    assert!((s2.time() - 4.0 * 2f64.ln()).abs() < 1e-4, "{}", s2.time());
    s2.wait(2.0).unwrap();
    assert!(
        (s2.tempo() - 120.0).abs() < 1e-6,
        "the last value holds after the domain"
    );

    let s3 = fast(60.0);
    s3.apply_rate_function(
        |t| 1.0 + t,
        FunctionOptions::default()
            .duration_units(DurationUnits::Time)
            .domain(0.0, 2.0),
    )
    .unwrap();
    s3.wait_with_units(2.0, DurationUnits::Time).unwrap();
    // Rate 1 + t over 2 s: 4 beats (the function is sampled every 0.05 s into curved
    // segments, so this is an approximation: measured 2.3e-4 beats off).
    assert!((s3.beat() - 4.0).abs() < 1e-3, "{}", s3.beat());
}

#[test]
fn extracted_tempo_envelope_of_a_child_combines_its_ancestors() {
    let session = fast(120.0);
    let (tx, rx) = std::sync::mpsc::channel();
    session
        .fork_with(
            move |c| {
                c.wait(2.0)?;
                c.set_tempo(120.0)?;
                c.wait(2.0)?;
                tx.send(c.extract_absolute_tempo_envelope(0.0, 0.1, 0.005)?)
                    .unwrap();
                Ok(())
            },
            ForkOptions::new().initial_tempo(60.0),
        )
        .unwrap();
    session.wait_for_children_to_finish().unwrap();
    let env = rx.recv().unwrap();
    assert!((env.tempo_at(1.0) - 120.0).abs() < 1e-9);
    assert!((env.tempo_at(3.0) - 240.0).abs() < 1e-9);
    assert!(
        (env.time_at_beat(4.0) - 1.5).abs() < 0.06,
        "{}",
        env.time_at_beat(4.0)
    );
    let master = session
        .extract_absolute_tempo_envelope(0.0, 0.1, 0.005)
        .unwrap();
    assert_eq!(
        serde_json::to_string(&master).unwrap(),
        r#"{"_type":"TempoEnvelope","length":3.0,"levels":[120.0,120.0]}"#
    );
}

#[test]
fn synchronization_and_timing_policies() {
    let session = fast(60.0);
    assert_eq!(session.timing_policy(), TimingPolicy::Mixed(0.98));
    session.use_absolute_timing_policy().unwrap();
    assert_eq!(session.timing_policy(), TimingPolicy::Absolute);
    let (tx, rx) = std::sync::mpsc::channel();
    let child = session
        .fork(move |c| {
            tx.send(c.timing_policy()).unwrap();
            c.wait(10.0)
        })
        .unwrap();
    session.wait(1.0).unwrap();
    assert_eq!(
        rx.recv().unwrap(),
        TimingPolicy::Absolute,
        "children inherit the master's policy"
    );
    assert_eq!(child.beat(), 1.0, "all relatives: always current");
    child
        .set_synchronization_policy(SyncPolicy::NoSynchronization)
        .unwrap();
    session.wait(1.0).unwrap();
    assert_eq!(
        child.beat(),
        0.0,
        "no synchronization: as of its own last wake-up"
    );
    child
        .set_synchronization_policy(SyncPolicy::AllDescendants)
        .unwrap();
    assert_eq!(
        child.beat(),
        2.0,
        "all descendants: as of its parent's last wake-up"
    );
    assert!(session
        .set_synchronization_policy(SyncPolicy::Inherit)
        .is_err());
    child.kill().unwrap();
}

#[test]
fn family_tree_and_iteration() {
    let session = fast(60.0);
    let a = session
        .fork_with(
            |c| {
                c.fork_with(|g| g.wait(5.0), ForkOptions::new().name("a1"))?;
                c.wait_for_children_to_finish()
            },
            ForkOptions::new().name("a"),
        )
        .unwrap();
    session
        .fork_with(
            |c| c.wait(5.0),
            ForkOptions::new().name("b").initial_tempo(120.0),
        )
        .unwrap();
    session.wait(1.0).unwrap();
    assert_eq!(
        session.family_tree(),
        "MASTER (beat 1.000, tempo 60.00)\n├── a (beat 1.000, tempo 60.00)\n│   └── a1 (beat 1.000, tempo 60.00)\n└── b (beat 2.000, tempo 120.00)\n"
    );
    let names = |v: Vec<Clock>| v.iter().map(Clock::name).collect::<Vec<_>>();
    assert_eq!(names(session.descendants()), ["a", "a1", "b"]);
    assert_eq!(names(session.children()), ["a", "b"]);
    let a1 = a.children()[0].clone();
    assert_eq!(names(a1.inheritance(true)), ["a1", "a", "MASTER"]);
    assert_eq!(
        a1.iterate_all_relatives(false)
            .map(|c| c.name())
            .collect::<Vec<_>>(),
        ["MASTER", "a", "b"]
    );
    assert_eq!(a1.master(), *session.clock());
    assert!(session.is_master() && !a1.is_master());
    assert_eq!(a1.parent().unwrap(), a);
    session.kill().unwrap();
    session.wait(0.0).unwrap();
    assert!(session.children().is_empty() && !a1.alive());
}

#[test]
fn fast_forwarding_a_real_time_session() {
    let session = Session::new(60.0).unwrap();
    session.log_processing_time().unwrap();
    session.fast_forward_to_beat(100.0).unwrap();
    assert!(session.is_fast_forwarding());
    let started = Instant::now();
    session.wait(100.0).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(50),
        "100 s of music were skipped"
    );
    assert!(!session.is_fast_forwarding());
    session.stop_logging_processing_time().unwrap();
    session.fast_forward(true).unwrap();
    session.fast_forward_in_time(5.0).unwrap();
    session.wait(1000.0).unwrap();
    session.fast_forward(false).unwrap();
    let started = Instant::now();
    session.wait(0.05).unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(40),
        "real time again after fast-forward"
    );
    assert_eq!(session.beat(), 1100.05);
}

/// A driver that never sleeps and records where it was re-anchored.
struct RecordingDriver(std::sync::Arc<std::sync::Mutex<Vec<f64>>>);

impl Driver for RecordingDriver {
    fn permit(&mut self, _now: f64, _target: f64, _policy: TimingPolicy) -> scamp::driver::Permit {
        scamp::driver::Permit::Go
    }
    fn advanced(&mut self, _now: f64) {}
    fn resync(&mut self, now: f64) {
        self.0.lock().unwrap().push(now);
    }
    fn external_now(&self, now: f64, _next: Option<f64>) -> f64 {
        now
    }
    fn name(&self) -> &'static str {
        "recording"
    }
}

#[test]
fn fast_forward_to_time_resumes_real_time_at_the_target_not_at_the_last_event() {
    let resyncs = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let session = Session::with_driver(60.0, RecordingDriver(resyncs.clone())).unwrap();
    session
        .fork(|c| {
            c.wait(99.0)?;
            c.wait(2.0)
        })
        .unwrap();
    session.fast_forward_to_time(100.0).unwrap();
    session.wait(102.0).unwrap();
    // Events at 99 (skipped) and 101 (real time): wall time restarts at 100, the target.
    assert_eq!(*resyncs.lock().unwrap(), vec![100.0]);
}

#[test]
fn timing_policy_is_inherited_from_the_parent() {
    let session = fast(60.0);
    let (tx, rx) = std::sync::mpsc::channel();
    session
        .fork(move |c| {
            c.use_relative_timing_policy()?;
            let tx = tx.clone();
            c.fork(move |g| {
                tx.send(g.timing_policy()).unwrap();
                Ok(())
            })?;
            c.wait_for_children_to_finish()
        })
        .unwrap();
    session.wait_for_children_to_finish().unwrap();
    assert_eq!(rx.recv().unwrap(), TimingPolicy::Relative);
    assert_eq!(session.timing_policy(), TimingPolicy::Mixed(0.98));
}

#[test]
fn outside_threads_get_the_baton_from_a_busy_scheduler() {
    // A fast-forward server whose scheduler never idles: every rouse must be granted between
    // two wake-ups, not only when the scheduler happens to be asleep.
    let session = fast(60.0);
    let busy = session
        .fork(|c| loop {
            c.wait(0.001)?;
        })
        .unwrap();
    session.run_as_server().unwrap();
    let master = session.clock().clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut beats = Vec::new();
        for _ in 0..500 {
            master.rouse_and_hold().unwrap();
            beats.push(master.beat());
            master.release_from_suspension();
        }
        tx.send(beats).unwrap();
    });
    let beats = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("every rouse_and_hold was granted");
    assert!(
        beats.windows(2).all(|w| w[0] <= w[1]),
        "ideal time never goes back"
    );
    busy.kill().unwrap();
}

#[test]
fn wait_until_reaches_a_beat_or_a_time_and_a_past_one_at_once() {
    let session = Session::fast_forward_session(120.0).unwrap();
    let log = Log::default();
    let l = log.clone();
    session
        .fork(move |c| {
            c.wait(1.0)?;
            c.wait_until(3.5)?;
            l.stamp(&c, "beat 3.5");
            c.wait_until(2.0)?;
            l.stamp(&c, "past");
            c.wait_until_with_units(4.0, DurationUnits::Time)?;
            l.stamp(&c, "parent beat 4");
            scamp::wait_until(10.0)?;
            l.stamp(&c, "free function");
            Ok(())
        })
        .unwrap();
    session.wait_for_children_to_finish().unwrap();
    // Tempo 120: beat 3.5 is 1.75 s. A child's time is its parent's beats (it runs at the
    // parent's rate here): time 4 is beat 4, 2 s.
    assert_eq!(
        log.lines(),
        [
            "beat 3.5 Clock 1 b=3.500000000 t=1.750000000",
            "past Clock 1 b=3.500000000 t=1.750000000",
            "parent beat 4 Clock 1 b=4.000000000 t=2.000000000",
            "free function Clock 1 b=10.000000000 t=5.000000000",
        ]
    );
    let err = session
        .fork(|c| c.wait_until(f64::NAN))
        .and_then(|_| session.wait_for_children_to_finish())
        .unwrap_err();
    assert!(err.to_string().contains("wait_until"), "{err}");
}
