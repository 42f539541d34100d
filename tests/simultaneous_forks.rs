//! Processes at scale, all alive at once: a fork either runs or is refused with an error
//! saying why (memory maps), never `Ok` for a process that will not run. A binary of its own:
//! it uses up the process's memory maps, so forks of tests running beside it would fail.

use scamp::prelude::*;

#[test]
fn a_hundred_thousand_simultaneous_forks_run_or_fail_to_fork_never_vanish() {
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::Arc;
    let session = Session::fast_forward_session(60.0).unwrap();
    let ran = Arc::new(AtomicUsize::new(0));
    let mut forked = 0usize;
    let mut refused = None;
    for _ in 0..100_000 {
        let ran = Arc::clone(&ran);
        match session.fork(move |clock| {
            clock.wait(1.0)?;
            ran.fetch_add(1, SeqCst);
            Ok(())
        }) {
            Ok(_) => forked += 1,
            Err(e) => {
                refused = Some(e.to_string());
                break;
            }
        }
    }
    // A non-blocking note is a fork too: refused the same way while the others are alive.
    let note = session
        .new_part_with("piano", PartOptions::new().soundfont("default"))
        .unwrap()
        .play_note_with(60, 0.5, 1.0, PlayOptions::new().blocking(false));
    session.wait_for_children_to_finish().unwrap();
    println!("{forked} simultaneous processes forked; refused: {refused:?}");
    assert_eq!(ran.load(SeqCst), forked, "every fork that returned Ok ran");
    match refused {
        // The kernel's default map limit (65530) allows about 32,000 at once.
        Some(message) => {
            assert!(forked > 10_000, "{forked}");
            assert!(message.contains("vm.max_map_count"), "{message}");
            assert!(note.is_err(), "the note's fork was refused too");
        }
        None => assert_eq!(forked, 100_000),
    }
    // Once they have ended, forking works again.
    session.fork(|clock| clock.wait(1.0)).unwrap();
    session.wait_for_children_to_finish().unwrap();
}
