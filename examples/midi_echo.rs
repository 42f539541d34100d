//! MIDI in → out: every note played on an input device comes back a fifth higher on a virtual
//! output port named "scamp echo". `cargo run --release --example midi_echo -- [DEVICE] [SECONDS]`
//! (DEVICE: a port number or part of its name, default 0; SECONDS to listen, default 30).

use scamp::prelude::*;
use std::time::Duration;

fn main() {
    if let Err(e) = echo() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn echo() -> scamp::Result<()> {
    let mut args = std::env::args().skip(1);
    let device = args.next().unwrap_or_else(|| "0".into());
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(30);
    println!(
        "MIDI inputs: {:?}",
        Session::get_available_midi_input_devices()?
    );

    let session = Session::new(60.0)?;
    let echo = session.new_midi_part(
        "echo",
        MidiPartOptions::new().midi_output_name("scamp echo"),
    )?;
    let device: MidiDevice = match device.parse::<usize>() {
        Ok(n) => n.into(),
        Err(_) => device.as_str().into(),
    };
    let chosen = session.register_midi_listener(device, scamp::pieces::fifth_higher(echo))?;
    println!("echoing '{chosen}' a fifth higher for {seconds} s");
    session.run_as_server()?;
    std::thread::sleep(Duration::from_secs(seconds));
    Ok(())
}
