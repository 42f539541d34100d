//! Processes at scale: many forks one after another run in constant memory, and what a fork
//! answers is true (a clock record is freed once nothing can ask about it; a handle kept
//! keeps its clock answering).

use scamp::prelude::*;

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A process forks `n` short processes one after another, each waiting a little and ending
/// before the next starts.
fn sequential_forks(session: &Session, n: usize) {
    session
        .fork(move |clock| {
            for _ in 0..n {
                clock.fork(|child| child.wait(0.25))?;
                clock.wait(0.5)?;
            }
            Ok(())
        })
        .unwrap();
    session.wait_for_children_to_finish().unwrap();
}

#[test]
fn a_million_sequential_forks_run_in_constant_memory() {
    let session = Session::fast_forward_session(120.0).unwrap();
    // Warm up: the allocator's pools, the coroutine stacks, the queue's capacity.
    sequential_forks(&session, 20_000);
    let before = rss_kib();
    sequential_forks(&session, 1_000_000);
    let growth_mb = (rss_kib() as f64 - before as f64) / 1024.0;
    println!("1,000,000 sequential forks: RSS grew by {growth_mb:.1} MB");
    assert!(
        growth_mb <= 20.0,
        "RSS grew by {growth_mb:.1} MB over 1,000,000 forks"
    );
    // The session still counts clocks as it made them (slots are reused, names are not).
    let next = session.fork(|_| Ok(())).unwrap();
    assert_eq!(next.name(), "Clock 1020003");
}

#[test]
fn a_kept_handle_keeps_its_clock_answering_while_others_are_freed() {
    let session = Session::fast_forward_session(60.0).unwrap();
    let kept = session
        .fork(|clock| {
            clock.fork(|c| {
                c.set_tempo(30.0)?;
                c.wait(1.0)
            })?;
            clock.wait(3.0)
        })
        .unwrap();
    session.wait(1.0).unwrap();
    let inner = kept.children()[0].clone();
    drop(kept);
    // Thousands of clocks come and go; their slots are reused, never the kept one's.
    sequential_forks(&session, 5_000);
    assert!(!inner.alive());
    assert_eq!(inner.beat(), 1.0);
    assert_eq!(inner.tempo(), 30.0);
    // Its parent ended too, and is kept by the child's record.
    let parent = inner.parent().expect("a parent");
    assert!(!parent.alive());
    assert_eq!(parent.name(), "Clock 1");
    assert_eq!(parent.beat(), 3.0);
    assert_eq!(inner.name(), "Clock 2");
    // A new fork does not take their places.
    let fresh = session.fork(|c| c.wait(100.0)).unwrap();
    assert_ne!(fresh, inner);
    assert_ne!(fresh, parent);
    assert!(fresh.alive() && !inner.alive() && !parent.alive());
}
