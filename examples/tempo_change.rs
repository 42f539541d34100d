//! Tempo changes: an instant change, an accelerando with a curve shape, a ritardando that
//! lands on a downbeat, and a looping tempo. Run: `cargo run --release --example tempo_change`.

use scamp::prelude::*;

fn main() -> scamp::Result<()> {
    let session = Session::fast_forward_session(60.0)?;
    let report = |what: &str| {
        println!(
            "{what:<40} beat {:>6.3}  time {:>7.3}s  tempo {:>6.2}",
            session.beat(),
            session.time(),
            session.tempo()
        )
    };

    report("start");
    session.wait(2.0)?;
    session.set_tempo(90.0)?;
    report("instant change to 90");

    // Accelerando to 180 over 8 beats, changing late (curve shape 3).
    session.set_tempo_target_with(180.0, 8.0, TargetOptions::default().curve_shape(3.0))?;
    for _ in 0..4 {
        session.wait(2.0)?;
        report("accelerando (curve shape 3)");
    }

    // Ritardando to 60 over about 4 beats, adjusted to arrive exactly on a whole second.
    session.set_tempo_target_with(
        60.0,
        4.0,
        TargetOptions::default().metric_phase_target(MetricPhaseTarget::new(0.0, 1.0)?),
    )?;
    session.wait(4.0)?;
    report("ritardando landing on a whole second");

    // A tempo that swings between 60 and 120 every 4 beats until stopped.
    session.set_tempo_targets(
        &[120.0, 60.0],
        &[2.0, 2.0],
        TargetsOptions::default().looping(true),
    )?;
    for _ in 0..4 {
        session.wait(2.0)?;
        report("looping tempo");
    }
    session.stop_tempo_loop_or_function()?;

    // A tempo function: a sine around 100 bpm, in beats since it was applied.
    session.apply_tempo_function(
        |b| 100.0 + 30.0 * (b * std::f64::consts::PI / 4.0).sin(),
        FunctionOptions::default().domain(0.0, 8.0),
    )?;
    for _ in 0..4 {
        session.wait(2.0)?;
        report("tempo function");
    }

    let envelope = session.extract_absolute_tempo_envelope(0.0, 0.1, 0.005)?;
    let tempos = envelope.tempos();
    println!("\nThe master's tempo envelope has {} segments over {} beats; its first key points (bpm): {:?}", envelope.durations().len(), envelope.length(), &tempos[..8]);
    Ok(())
}
