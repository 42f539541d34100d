//! Hello world: two processes on clocks of different tempi; prints the family tree while they
//! run and the log of what happened. Run: `cargo run --release --example hello_world`.

use scamp::prelude::*;
use std::sync::{Arc, Mutex};

fn main() -> scamp::Result<()> {
    env_logger::init();
    let session = Session::fast_forward_session(90.0)?;
    let log = Arc::new(Mutex::new(Vec::<String>::new()));

    let melody = Arc::clone(&log);
    session.fork_with(
        move |clock| {
            for pitch in [60, 64, 67, 72] {
                melody.lock().unwrap().push(format!(
                    "{:>7.3}s  melody  beat {:>5.2}  pitch {pitch}",
                    clock.time_in_master(),
                    clock.beat()
                ));
                clock.wait(0.5)?;
            }
            Ok(())
        },
        ForkOptions::new().name("melody"),
    )?;

    let bass = Arc::clone(&log);
    session.fork_with(
        move |clock| {
            for pitch in [36, 43, 41] {
                bass.lock().unwrap().push(format!(
                    "{:>7.3}s  bass    beat {:>5.2}  pitch {pitch}",
                    clock.time_in_master(),
                    clock.beat()
                ));
                clock.wait(1.0)?;
            }
            Ok(())
        },
        ForkOptions::new().name("bass").initial_tempo(45.0),
    )?;

    session.wait(0.75)?;
    println!("Family tree at master beat {}:", session.beat());
    session.print_family_tree();
    session.wait_for_children_to_finish()?;

    println!("\nEvent log (ideal time, clock, beat on that clock):");
    for line in log.lock().unwrap().iter() {
        println!("{line}");
    }
    println!(
        "\nThe piece lasted {:.3} s ({} master beats at 90 bpm).",
        session.time(),
        session.beat()
    );
    Ok(())
}
