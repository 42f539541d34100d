//! An OSC listener: every `/note <pitch> <volume>` arriving on UDP port 57121 plays a note at
//! once (as a process of its own, so it may block or fork). The session runs as a server, so
//! this thread stays free; it sends itself a little phrase to show the round trip, then stops.
//! Try it from outside too: `oscsend localhost 57121 /note ff 67 0.8`.
//! `cargo run --release --example osc_listener`

use rosc::{OscMessage, OscPacket, OscType};
use scamp::prelude::*;
use std::net::UdpSocket;
use std::time::Duration;

fn main() -> scamp::Result<()> {
    let session = Session::new(60.0)?;
    let piano = session.new_part("piano")?;
    session.start_transcribing()?;
    let bound = session.register_osc_listener(
        57121,
        "/note",
        move |_address: &str, args: &[OscType]| {
            let number = |i: usize| match args.get(i) {
                Some(OscType::Float(f)) => Some(*f as f64),
                Some(OscType::Int(n)) => Some(*n as f64),
                _ => None,
            };
            let (Some(pitch), Some(volume)) = (number(0), number(1)) else {
                return Err(Error::invalid_argument(
                    "/note arguments",
                    format!("{args:?}"),
                    "a pitch and a volume (numbers)",
                ));
            };
            piano.play_note(pitch, volume, 0.25)
        },
        "127.0.0.1",
    )?;
    session.run_as_server()?;
    println!("listening for /note on {bound}");

    let sender = UdpSocket::bind("127.0.0.1:0").expect("a UDP socket");
    for pitch in [60.0f32, 64.0, 67.0, 72.0] {
        let packet = OscPacket::Message(OscMessage {
            addr: "/note".into(),
            args: vec![OscType::Float(pitch), OscType::Float(0.7)],
        });
        sender
            .send_to(&rosc::encoder::encode(&packet).expect("encodable"), bound)
            .expect("sent");
        std::thread::sleep(Duration::from_millis(250));
    }
    std::thread::sleep(Duration::from_millis(300));
    let performance = session.stop_transcribing()?;
    for (part, note) in performance.notes() {
        println!(
            "{} played {:?} at beat {:.2}",
            part.name, note.pitch, note.start_beat
        );
    }
    Ok(())
}
