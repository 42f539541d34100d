//! Scheduling semantics: wake order, forks, MetricPhaseTarget, kill, panics, children.

use crate::support::common;
use common::*;
use scamp::prelude::*;

#[test]
fn same_time_wake_order_is_deeper_first_then_fork_order() {
    let session = fast(60.0);
    let log = Log::default();
    for name in ["a", "b"] {
        let log = log.clone();
        session
            .fork_with(
                move |c| {
                    if c.name() == "a" {
                        let l = log.clone();
                        c.fork_with(
                            move |g| {
                                g.wait(1.0)?;
                                l.stamp(&g, "wake");
                                Ok(())
                            },
                            ForkOptions::new().name("a.child"),
                        )?;
                    }
                    c.wait(1.0)?;
                    log.stamp(&c, "wake");
                    c.wait_for_children_to_finish()
                },
                ForkOptions::new().name(name),
            )
            .unwrap();
    }
    session.wait(1.0).unwrap();
    log.stamp(&session, "wake");
    let names: Vec<String> = log
        .lines()
        .iter()
        .map(|l| l.split(' ').nth(1).unwrap().to_string())
        .collect();
    assert_eq!(names, ["a.child", "a", "b", "MASTER"]);
}

#[test]
fn processes_start_in_fork_order_and_run_one_at_a_time() {
    let session = fast(100.0);
    let log = Log::default();
    for i in 0..20 {
        let log = log.clone();
        session
            .fork(move |c| {
                for step in 0..3 {
                    log.push(format!("{i} start {step}"));
                    std::thread::yield_now();
                    log.push(format!("{i} end {step}"));
                    c.wait(0.5)?;
                }
                Ok(())
            })
            .unwrap();
    }
    session.wait_for_children_to_finish().unwrap();
    let lines = log.lines();
    for pair in lines.chunks(2) {
        let (a, b) = (
            pair[0].split(' ').next().unwrap(),
            pair[1].split(' ').next().unwrap(),
        );
        assert_eq!(a, b, "no interleaving inside a step: {pair:?}");
    }
    let firsts: Vec<&str> = lines
        .iter()
        .step_by(2)
        .take(20)
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    let expected: Vec<String> = (0..20).map(|i| i.to_string()).collect();
    assert_eq!(firsts, expected, "processes start in fork order");
}

#[test]
fn metric_phase_target_schedules_forks_on_the_next_downbeat() {
    let session = fast(60.0);
    let log = Log::default();
    session.wait(1.3).unwrap();
    session
        .fork_with(
            log.stamper("start"),
            ForkOptions::new()
                .name("bar")
                .schedule_at(MetricPhaseTarget::new(0.0, 4.0).unwrap()),
        )
        .unwrap();
    let at_least = MetricPhaseTarget::new(0.0, 4.0)
        .unwrap()
        .min_duration(4.0)
        .unwrap();
    session
        .fork_with(
            log.stamper("start"),
            ForkOptions::new().name("later").schedule_at(at_least),
        )
        .unwrap();
    session
        .fork_with(
            log.stamper("start"),
            ForkOptions::new()
                .name("beat2.5")
                .schedule_at(MetricPhaseTarget::new(2.5, 3.0).unwrap()),
        )
        .unwrap();
    session
        .fork_with(
            log.stamper("start"),
            ForkOptions::new().name("at6").schedule_at(6.0),
        )
        .unwrap();
    session.wait(10.0).unwrap();
    assert_eq!(
        log.lines(),
        [
            "start beat2.5 b=0.000000000 t=2.500000000",
            "start bar b=0.000000000 t=4.000000000",
            "start at6 b=0.000000000 t=6.000000000",
            "start later b=0.000000000 t=8.000000000"
        ]
    );
    // An exact hit is "now".
    session
        .fork_with(
            log.stamper("now"),
            ForkOptions::new()
                .name("exact")
                .schedule_at(MetricPhaseTarget::new(3.3, 4.0).unwrap()),
        )
        .unwrap();
    session.wait(0.0).unwrap();
    assert_eq!(
        log.lines().last().unwrap(),
        "now exact b=0.000000000 t=11.300000000"
    );
}

#[test]
fn child_absolute_tempo_is_the_product_down_the_chain() {
    let session = fast(120.0);
    let log = Log::default();
    let l = log.clone();
    session
        .fork_with(
            move |c| {
                let l2 = l.clone();
                c.fork_with(
                    move |g| {
                        l2.push(format!(
                            "{} {} {}",
                            g.tempo(),
                            g.absolute_tempo(),
                            g.absolute_beat_length()
                        ));
                        g.wait(3.0)?;
                        l2.push(format!("{}", g.time_in_master()));
                        Ok(())
                    },
                    ForkOptions::new().initial_rate(3.0),
                )?;
                l.push(format!("{} {}", c.tempo(), c.absolute_tempo()));
                c.wait_for_children_to_finish()
            },
            ForkOptions::new().initial_tempo(90.0),
        )
        .unwrap();
    session.wait_for_children_to_finish().unwrap();
    let lines = log.lines();
    // 90 beats per master minute in a 120 bpm master: 90 * 2 = 180 bpm absolute. The
    // grandchild's rate 3 is 180 beats per child minute: 180 * 3 = 540 bpm absolute.
    assert_eq!(lines[0], "90 180");
    let g: Vec<f64> = lines[1].split(' ').map(|x| x.parse().unwrap()).collect();
    assert!(
        (g[0] - 180.0).abs() < 1e-9
            && (g[1] - 540.0).abs() < 1e-9
            && (g[2] - 60.0 / 540.0).abs() < 1e-12,
        "{g:?}"
    );
    let t: f64 = lines[2].parse().unwrap();
    assert!((t - 3.0 * 60.0 / 540.0).abs() < 1e-12);
}

#[test]
fn tempo_change_moves_pending_wakeups_of_descendants() {
    let session = fast(60.0);
    let log = Log::default();
    let l = log.clone();
    session
        .fork(move |c| {
            c.wait(4.0)?;
            l.stamp(&c, "woke");
            Ok(())
        })
        .unwrap();
    session.wait(1.0).unwrap();
    // Halfway through the child's wait the master doubles its tempo: 3 remaining beats take 1.5 s.
    session.set_tempo(120.0).unwrap();
    session.wait_for_children_to_finish().unwrap();
    assert_eq!(log.lines(), ["woke Clock 1 b=4.000000000 t=2.500000000"]);
}

#[test]
fn kill_cascades_and_unwinds_blocked_processes() {
    let session = fast(60.0);
    let log = Log::default();
    struct Guard(Log, &'static str);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.push(format!("dropped {}", self.1));
        }
    }
    let l = log.clone();
    let parent = session
        .fork(move |c| {
            let _g = Guard(l.clone(), "parent");
            let l2 = l.clone();
            c.fork(move |g| {
                let _g = Guard(l2.clone(), "child");
                loop {
                    g.wait(1.0)?;
                    l2.push(format!("child tick {}", g.beat()));
                }
            })?;
            c.wait_forever()
        })
        .unwrap();
    session.wait(2.5).unwrap();
    assert!(parent.alive());
    parent.kill().unwrap();
    session.wait(5.0).unwrap();
    assert!(!parent.alive());
    assert_eq!(
        log.lines(),
        [
            "child tick 1",
            "child tick 2",
            "dropped parent",
            "dropped child"
        ]
    );
    assert!(session.children().is_empty());
    assert!(parent.beat() > 2.4, "a dead clock keeps its final beat");
    assert!(matches!(parent.fork(|_| Ok(())), Err(Error::ClockDead(_))));
}

#[test]
fn a_process_can_kill_itself() {
    let session = fast(60.0);
    let log = Log::default();
    let l = log.clone();
    session
        .fork(move |c| {
            c.wait(1.0)?;
            l.push("before");
            c.kill()?;
            l.push("after");
            Ok(())
        })
        .unwrap();
    session.wait(3.0).unwrap();
    assert_eq!(log.lines(), ["before"]);
}

#[test]
fn a_panicking_process_is_isolated() {
    let session = fast(60.0);
    let log = Log::default();
    let l = log.clone();
    session
        .fork_with(
            |c| {
                c.wait(1.0)?;
                panic!("deliberate test panic")
            },
            ForkOptions::new().name("doomed"),
        )
        .unwrap();
    session
        .fork(move |c| {
            for _ in 0..3 {
                c.wait(1.0)?;
                l.stamp(&c, "tick");
            }
            Ok(())
        })
        .unwrap();
    session
        .fork(|_c| Err(Error::Refused("an error returned by a process".into())))
        .unwrap();
    // The wait hears of both failures, after every child has ended.
    match session.wait_for_children_to_finish() {
        Err(Error::ChildrenFailed {
            count: 2, first, ..
        }) => {
            assert!(first.contains("an error returned by a process"), "{first}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(log.lines().len(), 3);
    assert_eq!(session.beat(), 3.0);
    session.wait(1.0).unwrap();
    assert_eq!(session.beat(), 4.0);
    // What was heard of is not heard again.
    session.fork(|c| c.wait(1.0)).unwrap();
    session.wait_for_children_to_finish().unwrap();
    assert_eq!(session.failed_processes().0, 2);
}

#[test]
fn a_failure_passed_up_through_waits_is_counted_once() {
    let session = fast(60.0);
    session
        .fork_with(
            |c| {
                c.fork_with(
                    |g| {
                        g.wait(1.0)?;
                        panic!("the grandchild's panic")
                    },
                    ForkOptions::new().name("grandchild"),
                )?;
                c.fork(|g| g.wait(2.0))?;
                // Passed on with `?`: the parent hears of the grandchild, not of a new failure.
                c.wait_for_children_to_finish()?;
                unreachable!("the wait reports the failed grandchild")
            },
            ForkOptions::new().name("child"),
        )
        .unwrap();
    match session.wait_for_children_to_finish() {
        Err(Error::ChildrenFailed {
            clock,
            count: 1,
            first,
        }) => {
            assert_eq!(clock, "MASTER");
            assert!(
                first.contains("grandchild") && first.contains("the grandchild's panic"),
                "{first}"
            );
        }
        other => panic!("{other:?}"),
    }
    // The child waited for its other child (2 beats) before passing the failure on.
    assert_eq!(session.beat(), 2.0);
    assert_eq!(session.failed_processes().0, 1);
}

#[test]
fn wait_for_children_and_done_callbacks() {
    let session = fast(60.0);
    let log = Log::default();
    let l = log.clone();
    let l2 = log.clone();
    session
        .fork_with(
            move |c| {
                for d in [1.0, 3.0, 2.0] {
                    let l = l.clone();
                    c.fork(move |g| {
                        g.wait(d)?;
                        l.stamp(&g, "child done");
                        Ok(())
                    })?;
                }
                c.wait_for_children_to_finish()?;
                l.stamp(&c, "parent after children");
                Ok(())
            },
            ForkOptions::new()
                .name("p")
                .done_callback(move || l2.push("done callback")),
        )
        .unwrap();
    session.wait_for_children_to_finish().unwrap();
    let lines = log.lines();
    assert_eq!(
        lines[3],
        "parent after children p b=3.000000000 t=3.000000000"
    );
    assert_eq!(lines[4], "done callback");
    assert_eq!(session.time(), 3.0);
}

#[test]
fn a_process_returning_with_live_children_ends_them() {
    let session = fast(60.0);
    let log = Log::default();
    let l = log.clone();
    let parent = session
        .fork(move |c| {
            c.fork(move |g| loop {
                g.wait(1.0)?;
                l.push("tick");
            })?;
            c.wait(2.5)
        })
        .unwrap();
    session.wait(10.0).unwrap();
    assert!(!parent.alive());
    assert_eq!(log.lines(), ["tick", "tick"]);
}

#[test]
fn ten_thousand_simultaneous_processes_complete() {
    let session = fast(120.0);
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for _ in 0..10_000 {
        let count = count.clone();
        session
            .fork(move |c| {
                for j in 0..5 {
                    c.wait([0.25, 0.5, 0.75, 1.0][j % 4])?;
                }
                count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Ok(())
            })
            .unwrap();
    }
    session.wait_for_children_to_finish().unwrap();
    assert_eq!(count.load(std::sync::atomic::Ordering::Relaxed), 10_000);
    assert_eq!(session.beat(), 2.75);
}

#[test]
fn free_functions_act_on_the_current_clock() {
    let session = fast(60.0);
    let log = Log::default();
    let l = log.clone();
    session
        .fork_with(
            move |_c| {
                let me = current_clock().expect("inside a process");
                let l2 = l.clone();
                fork(move |g| {
                    l2.stamp(&g, "grandchild of");
                    Ok(())
                })?;
                wait(2.0)?;
                l.stamp(&me, "after");
                Ok(())
            },
            ForkOptions::new().name("free"),
        )
        .unwrap();
    assert_eq!(
        current_clock().unwrap(),
        *session.clock(),
        "the creating thread runs the master"
    );
    session.wait_for_children_to_finish().unwrap();
    assert_eq!(log.lines()[1], "after free b=2.000000000 t=2.000000000");
    let outside = std::thread::spawn(|| (current_clock().is_none(), wait(1.0).unwrap_err()))
        .join()
        .unwrap();
    assert!(outside.0);
    assert_eq!(outside.1, Error::NoCurrentClock("wait"));
}
