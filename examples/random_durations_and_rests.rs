//! Random pitches, durations and rests, from the session's seeded generator: the same seed
//! gives the same piece every time (`--seed N` picks another).
//! `cargo run --release --example random_durations_and_rests -- --render random.wav --seed 3`

fn main() {
    scamp::run(|session| {
        let marimba = session.new_part("marimba")?;
        for _ in 0..24 {
            let length = *session.choice(&[0.25, 0.25, 0.5, 0.75]).expect("lengths");
            if session.random() < 0.25 {
                // A rest: pitch None.
                marimba.play_note(None::<f64>, 0.0, length)?;
            } else {
                let pitch = session.randint(60, 84) as f64;
                marimba.play_note(pitch, session.uniform(0.3, 1.0), length)?;
            }
        }
        Ok(())
    });
}
