//! Several tempi at once: child clocks at 3:4:5, a canon whose voices enter on downbeats
//! (MetricPhaseTarget), and a child accelerating inside a master that slows down.
//! Run: `cargo run --release --example multi_tempo`.

use scamp::prelude::*;
use std::sync::{Arc, Mutex};

fn main() -> scamp::Result<()> {
    let session = Session::fast_forward_session(60.0)?;
    let events = Arc::new(Mutex::new(Vec::<(f64, String)>::new()));

    for (name, tempo) in [("three", 180.0), ("four", 240.0), ("five", 300.0)] {
        let events = Arc::clone(&events);
        session.fork_with(
            move |c| {
                for _ in 0..tempo as usize / 60 {
                    events
                        .lock()
                        .unwrap()
                        .push((c.time_in_master(), format!("{name} beat {}", c.beat())));
                    c.wait(1.0)?;
                }
                Ok(())
            },
            ForkOptions::new().name(name).initial_tempo(tempo),
        )?;
    }
    session.wait(1.3)?;

    // Canon voices enter on the next downbeats of a 2-beat bar, each at least 2 beats apart.
    for voice in 0..3 {
        let events = Arc::clone(&events);
        let entry = MetricPhaseTarget::new(0.0, 2.0)?.min_duration(2.0 * voice as f64)?;
        session.fork_with(
            move |c| {
                events
                    .lock()
                    .unwrap()
                    .push((c.time_in_master(), format!("canon voice {voice} enters")));
                c.set_tempo_target(120.0, 4.0)?;
                c.wait(4.0)?;
                events.lock().unwrap().push((
                    c.time_in_master(),
                    format!(
                        "canon voice {voice} ends at absolute tempo {:.1}",
                        c.absolute_tempo()
                    ),
                ));
                Ok(())
            },
            ForkOptions::new()
                .name(format!("canon {voice}"))
                .schedule_at(entry),
        )?;
    }
    session.set_tempo_target(40.0, 6.0)?;
    session.wait_for_children_to_finish()?;

    let mut events = events.lock().unwrap().clone();
    events.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (t, what) in events {
        println!("{t:>8.4}s  {what}");
    }
    Ok(())
}
