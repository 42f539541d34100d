//! Forks and blocking: processes forking processes, waiting for children, a process killed
//! from outside, and a panic that does not stop the music (and that the master hears of).
//! Run: `cargo run --release --example forks_and_blocking`.

use scamp::prelude::*;

fn main() -> scamp::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let session = Session::fast_forward_session(120.0)?;

    // A phrase made of three overlapping voices; the phrase waits for all of them.
    session.fork_with(
        |phrase| {
            for (voice, length) in [("high", 3.0), ("middle", 4.0), ("low", 2.0)] {
                phrase.fork_with(
                    move |v| {
                        println!("{:>6.2}s {voice} starts", v.time_in_master());
                        v.wait(length)?;
                        println!(
                            "{:>6.2}s {voice} ends after {length} beats",
                            v.time_in_master()
                        );
                        Ok(())
                    },
                    ForkOptions::new().name(voice),
                )?;
                phrase.wait(0.5)?;
            }
            phrase.wait_for_children_to_finish()?;
            println!("{:>6.2}s phrase: all voices done", phrase.time_in_master());
            Ok(())
        },
        ForkOptions::new().name("phrase"),
    )?;

    // A drone that would go on forever; the master kills it at beat 6.
    let drone = session.fork_with(
        |d| loop {
            println!("{:>6.2}s drone pulse", d.time_in_master());
            d.wait(2.0)?;
        },
        ForkOptions::new().name("drone"),
    )?;

    // A buggy process: its panic is reported with its clock's name; everyone else plays on.
    session.fork_with(
        |c| {
            c.wait(1.0)?;
            panic!("oops")
        },
        ForkOptions::new().name("buggy"),
    )?;

    session.wait(6.0)?;
    drone.kill()?;
    println!("{:>6.2}s master killed the drone", session.time());
    // The wait hears of the buggy child once every child has ended (a killed one did not fail).
    match session.wait_for_children_to_finish() {
        Err(Error::ChildrenFailed { count, first, .. }) => {
            println!("{:>6.2}s {count} child failed: {first}", session.time())
        }
        other => other?,
    }
    Ok(())
}
