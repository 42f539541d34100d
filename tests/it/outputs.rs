//! MIDI and OSC output: SCAMP's message order, bend values and addresses, checked on
//! captured MIDI and on a real UDP socket.

use scamp::playback::midi::{CapturedMidi, MidiCapture, MidiDevice};
use scamp::prelude::*;
use std::net::UdpSocket;
use std::time::Duration;

fn captured_part(s: &Session, options: MidiPartOptions) -> (ScampInstrument, MidiCapture) {
    let capture = MidiCapture::new();
    let part = s
        .ensemble()
        .new_midi_part_with_sink("synth", Box::new(capture.clone()), options)
        .unwrap();
    (part, capture)
}

fn bytes(m: &[CapturedMidi]) -> Vec<Vec<u8>> {
    m.iter().map(|c| c.bytes.clone()).collect()
}

#[test]
fn a_microtonal_note_sends_rpn_bend_expression_note_on_then_note_off() {
    let s = Session::fast_forward_session(60.0).unwrap();
    let (part, capture) = captured_part(&s, MidiPartOptions::new().num_channels(2));
    part.play_note(60.5, 0.5, 1.0).unwrap();
    let m = capture.messages();
    // Bend range (RPN 0 = 2 semitones) on both channels at creation.
    let rpn = |ch: u8| {
        vec![
            vec![0xB0 | ch, 101, 0],
            vec![0xB0 | ch, 100, 0],
            vec![0xB0 | ch, 6, 2],
            vec![0xB0 | ch, 100, 127],
        ]
    };
    assert_eq!(bytes(&m[..8]), [rpn(0), rpn(1)].concat());
    // 0.5 semitone of a ±2 range: int(0.25 * 8192) = 2048 above centre (8192) = 10240.
    assert_eq!(
        bytes(&m[8..]),
        vec![
            vec![0xE0, (10240 & 0x7F) as u8, (10240 >> 7) as u8],
            vec![0xB0, 11, 127],
            vec![0x90, 60, 63],
            vec![0x80, 60, 0],
        ]
    );
    assert_eq!(m[10].at, 0.0);
    assert_eq!(m[11].at, 1.0, "note-off after one beat at 60 bpm");
}

#[test]
fn a_pitch_change_is_a_dense_bend_stream_ending_on_the_exact_value() {
    let s = Session::fast_forward_session(120.0).unwrap();
    let (part, capture) = captured_part(&s, MidiPartOptions::new().max_pitch_bend(12));
    let note = part.start_note(60.0, 0.8).unwrap();
    note.change_pitch(64.0, 2.0).unwrap();
    s.wait(3.0).unwrap();
    note.end().unwrap();
    let m = capture.messages();
    let start = m.iter().position(|c| c.bytes[0] == 0xE0).unwrap();
    // A bend range other than 2 is reinforced before each note.
    assert_eq!(
        bytes(&m[start - 4..start]),
        vec![
            vec![0xB0, 101, 0],
            vec![0xB0, 100, 0],
            vec![0xB0, 6, 12],
            vec![0xB0, 100, 127]
        ]
    );
    let bends: Vec<(f64, i32)> = m
        .iter()
        .filter(|c| c.bytes[0] == 0xE0)
        .map(|c| (c.at, ((c.bytes[2] as i32) << 7 | c.bytes[1] as i32) - 8192))
        .collect();
    assert!(
        bends.len() > 150,
        "2 beats at 120 bpm = 1 s of 5 ms steps, got {}",
        bends.len()
    );
    for w in bends.windows(2) {
        assert!(w[1].0 - w[0].0 <= 0.005 + 1e-9, "gap {} s", w[1].0 - w[0].0);
        assert!(w[1].1 >= w[0].1, "the bend only rises");
    }
    let (last_at, last) = *bends.last().unwrap();
    assert_eq!(last, (4.0 / 12.0 * 8192.0) as i32, "exact final value");
    assert!(
        (last_at - 1.0).abs() < 1e-9,
        "reached after 2 beats = 1 s, at {last_at}"
    );
}

#[test]
fn osc_messages_use_scamps_addresses_on_a_real_socket() {
    let listener = UdpSocket::bind("127.0.0.1:0").unwrap();
    listener
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let s = Session::fast_forward_session(60.0).unwrap();
    let part = s
        .new_osc_part("My Synth", port, OscPartOptions::new())
        .unwrap();
    part.play_note_with(
        60,
        0.5,
        1.0,
        PlayOptions::new().properties("param_brightness: 0.25"),
    )
    .unwrap();
    let note = part.start_note(62.0, 0.4).unwrap();
    note.change_volume(0.2, 0.0).unwrap();
    note.change_pitch(63.0, 0.0).unwrap();
    note.end().unwrap();
    use rosc::OscType::{Float, Int};
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    for _ in 0..7 {
        let (n, _) = listener.recv_from(&mut buf).unwrap();
        match rosc::decoder::decode_udp(&buf[..n]).unwrap().1 {
            rosc::OscPacket::Message(m) => got.push((m.addr, m.args)),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        got,
        vec![
            (
                "/MySynth/start_note".to_string(),
                vec![Int(0), Float(60.0), Float(0.5), Float(0.5)]
            ),
            (
                "/MySynth/change_parameter/brightness".to_string(),
                vec![Int(0), Float(0.25)]
            ),
            ("/MySynth/end_note".to_string(), vec![Int(0)]),
            (
                "/MySynth/start_note".to_string(),
                vec![Int(1), Float(62.0), Float(0.4), Float(0.4)]
            ),
            (
                "/MySynth/change_volume".to_string(),
                vec![Int(1), Float(0.2)]
            ),
            (
                "/MySynth/change_pitch".to_string(),
                vec![Int(1), Float(63.0)]
            ),
            ("/MySynth/end_note".to_string(), vec![Int(1)]),
        ]
    );
}

#[test]
fn osc_addresses_can_be_renamed_and_bad_settings_are_errors() {
    let listener = UdpSocket::bind("127.0.0.1:0").unwrap();
    listener
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let s = Session::fast_forward_session(60.0).unwrap();
    let part = s
        .new_osc_part(
            "x",
            port,
            OscPartOptions::new()
                .message_prefix("voice")
                .osc_message_address("start_note", "on"),
        )
        .unwrap();
    part.play_note(60, 0.5, 0.5).unwrap();
    let mut buf = [0u8; 512];
    let (n, _) = listener.recv_from(&mut buf).unwrap();
    let rosc::OscPacket::Message(m) = rosc::decoder::decode_udp(&buf[..n]).unwrap().1 else {
        panic!()
    };
    assert_eq!(m.addr, "/voice/on");
    let err = s
        .new_osc_part("y", 9000, OscPartOptions::new().ip_address("not an ip"))
        .unwrap_err();
    assert!(err.to_string().contains("not an ip"), "{err}");
    let err = s
        .new_osc_part(
            "y",
            9000,
            OscPartOptions::new().osc_message_address("start", "x"),
        )
        .unwrap_err();
    assert!(err.to_string().contains("start_note"), "{err}");
}

#[test]
fn an_unknown_midi_device_is_a_clear_error() {
    let s = Session::fast_forward_session(60.0).unwrap();
    let err = s
        .new_midi_part(
            "m",
            MidiPartOptions::new().midi_output_device(MidiDevice::Name("No Such Synth".into())),
        )
        .unwrap_err();
    match &err {
        // With a MIDI system: the error lists the ports there are.
        Error::UnknownDevice {
            requested,
            available,
            ..
        } => {
            assert_eq!(requested, "No Such Synth");
            assert!(err.to_string().contains("available:"), "{err}");
            let _ = available;
        }
        // Without one (no ALSA sequencer): the error says so.
        Error::Output { what, .. } => assert!(what.contains("MIDI"), "{err}"),
        other => panic!("unexpected error {other}"),
    }
    let listed = Error::UnknownDevice {
        kind: "MIDI output port",
        requested: "x".into(),
        available: vec!["Midi Through".into(), "FluidSynth".into()],
    };
    assert_eq!(
        listed.to_string(),
        "no MIDI output port named 'x'; available: Midi Through, FluidSynth"
    );
    assert!(s
        .ensemble()
        .new_midi_part_with_sink(
            "m",
            Box::new(MidiCapture::new()),
            MidiPartOptions::new().start_channel(12).num_channels(8)
        )
        .is_err());
}

#[test]
fn osc_parts_send_to_a_port_in_use_and_share_it() {
    // The destination port is normally in use: by the listener. Two parts can send there.
    let listener = UdpSocket::bind("127.0.0.1:0").unwrap();
    listener
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let s = Session::fast_forward_session(60.0).unwrap();
    let a = s.new_osc_part("a", port, OscPartOptions::new()).unwrap();
    let b = s.new_osc_part("b", port, OscPartOptions::new()).unwrap();
    a.play_note(60, 0.5, 0.5).unwrap();
    b.play_note(62, 0.5, 0.5).unwrap();
    let mut buf = [0u8; 512];
    let mut addresses = Vec::new();
    for _ in 0..4 {
        let (n, _) = listener.recv_from(&mut buf).unwrap();
        if let rosc::OscPacket::Message(m) = rosc::decoder::decode_udp(&buf[..n]).unwrap().1 {
            addresses.push(m.addr);
        }
    }
    assert_eq!(
        addresses,
        [
            "/a/start_note",
            "/a/end_note",
            "/b/start_note",
            "/b/end_note"
        ]
    );
    // Note ids come from one counter shared by all instruments.
    assert!(
        s.new_osc_part("c", 0, OscPartOptions::new()).is_err(),
        "port 0 is not a destination"
    );
}

fn random_melody(seed: u64) -> Vec<CapturedMidi> {
    let s = Session::fast_forward_session(120.0).unwrap();
    s.rng().seed(seed);
    let (part, capture) = captured_part(&s, MidiPartOptions::new());
    for _ in 0..20 {
        let pitch = s.uniform(50.0, 80.0);
        let length = *s.choice(&[0.25, 0.5, 1.0]).unwrap();
        part.play_note(pitch, 0.5, length).unwrap();
    }
    capture.messages()
}

#[test]
fn the_same_seed_gives_the_same_midi_and_another_seed_does_not() {
    assert_eq!(random_melody(7), random_melody(7));
    assert_ne!(random_melody(7), random_melody(8));
}

#[test]
fn real_time_playback_without_an_audio_device_says_what_to_do() {
    let options = scamp::run::RenderOptions::default();
    match scamp::run::realtime::play_piece(&options, |s| s.wait(0.1)) {
        Ok(report) => assert!(report.seconds >= 0.1, "played on {}", report.device),
        Err(e) => assert!(e.to_string().contains("--render"), "{e}"),
    }
}

#[test]
fn playbacks_are_added_to_and_removed_from_an_instrument() {
    let s = Session::fast_forward_session(60.0).unwrap();
    let part = s.new_silent_part("flute");
    let (first, second) = (MidiCapture::new(), MidiCapture::new());
    part.add_midi_playback_with_sink(Box::new(first.clone()), &MidiPartOptions::new())
        .unwrap()
        .add_midi_playback_with_sink(Box::new(second.clone()), &MidiPartOptions::new())
        .unwrap();
    let listener = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    part.add_osc_playback(port, OscPartOptions::new()).unwrap();
    let note = part.start_note(64.0, 1.0).unwrap();
    // The most recent MIDI stream goes; its sounding note is ended on it, not left hanging.
    assert!(part.remove_streaming_midi_playback());
    let note_off = |c: &MidiCapture| {
        c.messages().iter().any(|m| {
            let kind = m.bytes[0] & 0xF0;
            kind == 0x80 || (kind == 0x90 && m.bytes[2] == 0)
        })
    };
    assert!(note_off(&second), "the removed stream's note is ended");
    assert!(!note_off(&first));
    note.end().unwrap();
    assert!(note_off(&first));
    assert!(part.remove_osc_playback());
    assert!(!part.remove_osc_playback());
    let mut buf = [0u8; 1024];
    listener
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let (n, _) = listener.recv_from(&mut buf).unwrap();
    let packet = rosc::decoder::decode_udp(&buf[..n]).unwrap().1;
    assert!(
        format!("{packet:?}").contains("/flute/start_note"),
        "{packet:?}"
    );
    // A SoundFont playback comes from the session's synth, on any of its instruments.
    part.add_soundfont_playback(PartOptions::new().preset((0u16, 73u8)))
        .unwrap();
    assert!(part.remove_soundfont_playback());
    assert!(!part.remove_soundfont_playback());
}
