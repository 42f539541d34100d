//! MIDI in and out through real ports, on a JACK server (`jackd -d dummy`, which
//! `scripts/test.sh` starts): run with `--features jack-midi`; without it they are ignored,
//! saying so (ALSA's sequencer, the default, is not on every machine).

use crate::support::wait;
use midir::os::unix::VirtualOutput;
use scamp::prelude::*;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wait::wait_until;

#[test]
#[cfg_attr(
    not(feature = "jack-midi"),
    ignore = "needs --features jack-midi and a JACK server (scripts/test.sh starts one)"
)]
fn a_listener_gets_the_bytes_and_the_time_between_messages() {
    let mut keyboard = midir::MidiOutput::new("scamp-test")
        .unwrap()
        .create_virtual("scamp test keyboard")
        .unwrap();
    let session = Session::fast_forward_session(60.0).unwrap();
    let got = Arc::new(Mutex::new(Vec::<(Vec<u8>, f64)>::new()));
    let got2 = Arc::clone(&got);
    let chosen = session
        .register_midi_listener("test keyboard", move |bytes: &[u8], dt: f64| {
            got2.lock().unwrap().push((bytes.to_vec(), dt));
            Ok(())
        })
        .unwrap();
    assert!(
        chosen.contains("scamp test keyboard"),
        "fuzzy name → {chosen}"
    );
    assert!(Session::get_available_midi_input_devices()
        .unwrap()
        .contains(&chosen));
    session.run_as_server().unwrap();
    keyboard.send(&[0x90, 60, 100]).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    keyboard.send(&[0x80, 60, 0]).unwrap();
    wait_until("two messages", || got.lock().unwrap().len() == 2);
    let got = got.lock().unwrap().clone();
    assert_eq!(got[0].0, vec![0x90, 60, 100]);
    assert_eq!(got[1].0, vec![0x80, 60, 0]);
    assert!((got[1].1 - 0.2).abs() < 0.05, "dt {}", got[1].1);
    assert!(session.remove_midi_listener(Some(&chosen)));
    let err = session
        .register_midi_listener(42usize, |_: &[u8], _: f64| Ok(()))
        .unwrap_err();
    assert!(err.to_string().contains("available:"), "{err}");
}

#[test]
#[cfg_attr(
    not(feature = "jack-midi"),
    ignore = "needs --features jack-midi and a JACK server (scripts/test.sh starts one)"
)]
fn a_midi_parts_port_delivers_scamps_message_order() {
    let session = Session::fast_forward_session(60.0).unwrap();
    let part = session
        .new_midi_part(
            "out",
            MidiPartOptions::new()
                .midi_output_name("scamp test synth")
                .num_channels(2),
        )
        .unwrap();
    let input = midir::MidiInput::new("scamp-test-in").unwrap();
    let port = input
        .ports()
        .into_iter()
        .find(|p| {
            input
                .port_name(p)
                .is_ok_and(|n| n.contains("scamp test synth"))
        })
        .expect("the part's virtual port");
    let received = Arc::new(Mutex::new(Vec::<Vec<u8>>::new()));
    let r2 = Arc::clone(&received);
    let _connection = input
        .connect(
            &port,
            "reader",
            move |_, bytes, _| r2.lock().unwrap().push(bytes.to_vec()),
            (),
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    part.play_note(60.5, 0.5, 0.1).unwrap();
    wait_until("the note-off", || {
        received.lock().unwrap().iter().any(|b| b[0] & 0xF0 == 0x80)
    });
    let received = received.lock().unwrap().clone();
    let on = received.iter().position(|b| b[0] & 0xF0 == 0x90).unwrap();
    assert_eq!(received[on], vec![0x90, 60, 63]);
    assert_eq!(
        received[on - 1],
        vec![0xB0, 11, 127],
        "expression before note-on"
    );
    assert_eq!(
        received[on - 2],
        vec![0xE0, 0, 80],
        "bend (+0.5 of ±2 = 10240) before that"
    );
    assert_eq!(received.last().unwrap(), &vec![0x80, 60, 0]);
}
