//! OSC listeners on loopback: pattern matching, callbacks that play at "now", bursts in order,
//! malformed packets skipped, removal, and SCAMP-OSC remote mode.

use crate::support::wait;
use rosc::{OscMessage, OscPacket, OscType};
use scamp::listen::osc::{pattern_matches, OscServer};
use scamp::playback::midi::MidiCapture;
use scamp::prelude::*;
use std::net::UdpSocket;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wait::wait_until;

fn send(socket: &UdpSocket, to: std::net::SocketAddr, addr: &str, args: Vec<OscType>) {
    let bytes = rosc::encoder::encode(&OscPacket::Message(OscMessage {
        addr: addr.into(),
        args,
    }))
    .unwrap();
    socket.send_to(&bytes, to).unwrap();
}

#[test]
fn address_patterns_match_as_osc_says() {
    for (pattern, address, expected) in [
        ("/synth/start_note", "/synth/start_note", true),
        ("/synth/*", "/synth/start_note", true),
        ("/*/start_note", "/piano/start_note", true),
        ("/*", "/piano/start_note", false),
        ("/synth/start_?ote", "/synth/start_note", true),
        ("/synth/[a-m]*", "/synth/change_pitch", true),
        ("/synth/[!a-m]*", "/synth/change_pitch", false),
        ("/synth/{start_note,end_note}", "/synth/end_note", true),
        (
            "/synth/{start_note,end_note}",
            "/synth/change_volume",
            false,
        ),
        ("/voice[0-9]/x", "/voice7/x", true),
        ("/voice[0-9]/x", "/voiceA/x", false),
    ] {
        assert_eq!(
            pattern_matches(pattern, address),
            expected,
            "{pattern} vs {address}"
        );
    }
}

#[test]
fn callbacks_play_at_now_in_order_and_survive_errors_bursts_and_garbage() {
    let session = Session::fast_forward_session(60.0).unwrap();
    let capture = MidiCapture::new();
    let part = session
        .ensemble()
        .new_midi_part_with_sink("echo", Box::new(capture.clone()), MidiPartOptions::new())
        .unwrap();
    session.start_transcribing().unwrap();
    let seen = Arc::new(Mutex::new(Vec::<i32>::new()));
    let (seen2, part2) = (Arc::clone(&seen), part.clone());
    let bound = session
        .register_osc_listener(
            0,
            "/burst/*",
            move |addr: &str, args: &[OscType]| {
                let Some(OscType::Int(n)) = args.first() else {
                    return Ok(());
                };
                if addr == "/burst/panic" {
                    panic!("a broken callback");
                }
                if addr == "/burst/error" {
                    return Err(scamp::Error::Refused("a failing callback".into()));
                }
                seen2.lock().unwrap().push(*n);
                if addr == "/burst/note" {
                    part2.play_note(60 + *n, 0.5, 0.25)?;
                }
                Ok(())
            },
            "127.0.0.1",
        )
        .unwrap();
    session.run_as_server().unwrap();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    // A callback that plays notes: they sound and are transcribed.
    send(&sender, bound, "/burst/note", vec![OscType::Int(7)]);
    wait_until("the note", || {
        capture.messages().iter().any(|m| m.bytes[0] & 0xF0 == 0x80)
    });
    assert!(capture
        .messages()
        .iter()
        .any(|m| m.bytes == vec![0x90, 67, 63]));
    // Broken callbacks are reported; the listener goes on.
    send(&sender, bound, "/burst/panic", vec![OscType::Int(-1)]);
    send(&sender, bound, "/burst/error", vec![OscType::Int(-2)]);
    // Garbage and truncated packets are skipped.
    let mut state = 12345u32;
    for len in 1..300usize {
        let junk: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        sender.send_to(&junk, bound).unwrap();
    }
    let good = rosc::encoder::encode(&OscPacket::Message(OscMessage {
        addr: "/burst/x".into(),
        args: vec![OscType::Int(0)],
    }))
    .unwrap();
    for cut in 1..good.len() {
        sender.send_to(&good[..cut], bound).unwrap();
    }
    // A burst of 10,000 messages, all delivered, in order.
    for i in 0..10_000 {
        send(&sender, bound, "/burst/n", vec![OscType::Int(i)]);
    }
    wait_until("the burst", || seen.lock().unwrap().len() >= 10_001);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen[0], 7);
    assert_eq!(
        seen[1..],
        (0..10_000).collect::<Vec<_>>()[..],
        "every message, in order"
    );
    // Removing the listener stops its callbacks.
    assert!(session.remove_osc_listener(bound.port(), "127.0.0.1"));
    send(&sender, bound, "/burst/n", vec![OscType::Int(99_999)]);
    std::thread::sleep(Duration::from_millis(100));
    let performance = session.stop_transcribing().unwrap();
    assert_eq!(
        performance.parts[0].num_notes(),
        1,
        "the callback's note is transcribed"
    );
}

#[test]
fn malformed_packets_are_counted_and_a_busy_port_is_a_clear_error() {
    let session = Session::fast_forward_session(60.0).unwrap();
    let server = OscServer::start("127.0.0.1", 0, session.clock().clone()).unwrap();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender
        .send_to(b"definitely not OSC", server.local_address())
        .unwrap();
    wait_until("the malformed packet", || server.malformed_packets() == 1);
    let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let err = session
        .register_osc_listener(port, "/x", |_: &str, _: &[OscType]| Ok(()), "127.0.0.1")
        .unwrap_err();
    assert!(err.to_string().contains("in use"), "{err}");
    let err = session
        .register_osc_listener(0, "/x[", |_: &str, _: &[OscType]| Ok(()), "127.0.0.1")
        .unwrap_err();
    assert!(err.to_string().contains("/x["), "{err}");
}

#[test]
fn a_datagram_of_bundles_nested_thousands_deep_is_skipped_and_the_server_lives_on() {
    let session = Session::fast_forward_session(60.0).unwrap();
    let server = OscServer::start("127.0.0.1", 0, session.clock().clone()).unwrap();
    session.run_as_server().unwrap();
    let seen = Arc::new(Mutex::new(Vec::<i32>::new()));
    let s = Arc::clone(&seen);
    server
        .add_route(
            "/deep",
            Arc::new(move |_: &str, args: &[OscType]| {
                if let Some(OscType::Int(i)) = args.first() {
                    s.lock().unwrap().push(*i);
                }
                Ok(())
            }),
        )
        .unwrap();
    // rosc's encoder recurses as its decoder does: build the datagrams on a deep stack.
    let datagrams = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            [2_500usize, 4, 20_000].map(|depth| {
                let mut packet = OscPacket::Message(OscMessage {
                    addr: "/deep".into(),
                    args: vec![OscType::Int(depth as i32)],
                });
                for _ in 0..depth {
                    packet = OscPacket::Bundle(rosc::OscBundle {
                        timetag: rosc::OscTime::from((0, 1)),
                        content: vec![packet],
                    });
                }
                rosc::encoder::encode(&packet).unwrap()
            })
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(datagrams[0].len() > 45_000, "{} bytes", datagrams[0].len());
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender
        .send_to(&datagrams[0], server.local_address())
        .unwrap();
    wait_until("the deep datagram counted", || {
        server.malformed_packets() == 1
    });
    sender
        .send_to(&datagrams[1], server.local_address())
        .unwrap();
    wait_until("the shallow one delivered", || *seen.lock().unwrap() == [4]);
    // 20,000 deep is more than a UDP datagram holds (about 400 KB).
    assert!(sender
        .send_to(&datagrams[2], server.local_address())
        .is_err());
    send(
        &sender,
        server.local_address(),
        "/deep",
        vec![OscType::Int(7)],
    );
    wait_until("a message after them", || *seen.lock().unwrap() == [4, 7]);
    assert_eq!(server.stats().malformed, 1);
}

#[test]
fn a_flood_while_a_callback_holds_the_clocks_is_bounded_counted_and_warned_about() {
    use scamp::listen::osc::QUEUE_LENGTH;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
    let session = Session::fast_forward_session(60.0).unwrap();
    let server = OscServer::start("127.0.0.1", 0, session.clock().clone()).unwrap();
    session.run_as_server().unwrap();
    let handled = Arc::new(AtomicUsize::new(0));
    let flooded = Arc::new(AtomicBool::new(false));
    let (h, f) = (Arc::clone(&handled), Arc::clone(&flooded));
    server
        .add_route(
            "/n",
            Arc::new(move |_: &str, args: &[OscType]| {
                if args.first() == Some(&OscType::Int(0)) {
                    // The first message's callback blocks, holding every clock, until the
                    // flood has been sent.
                    while !f.load(SeqCst) {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                h.fetch_add(1, SeqCst);
                Ok(())
            }),
        )
        .unwrap();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    send(&sender, server.local_address(), "/n", vec![OscType::Int(0)]);
    std::thread::sleep(Duration::from_millis(100));
    let sent = 2 * QUEUE_LENGTH;
    for i in 1..=sent {
        send(
            &sender,
            server.local_address(),
            "/n",
            vec![OscType::Int(i as i32)],
        );
        if i % 256 == 0 {
            // Paced a little, so that the kernel's buffer is not what drops them.
            std::thread::sleep(Duration::from_micros(500));
        }
    }
    // While the callback still blocks: the queue is full and everything past it was dropped.
    wait_until("the flood read", || {
        server.stats().dropped as usize >= sent - QUEUE_LENGTH - 1
    });
    std::thread::sleep(Duration::from_millis(200));
    let stats = server.stats();
    assert_eq!(
        handled.load(SeqCst),
        0,
        "the blocked callback has not returned"
    );
    assert!(
        stats.dropped as usize <= sent - QUEUE_LENGTH + 1,
        "more dropped than the queue could not hold: {stats:?}"
    );
    flooded.store(true, SeqCst);
    // The dispatcher goes on with what was queued.
    wait_until("callbacks running again", || handled.load(SeqCst) > 100);
    assert!(server.stats().slow_callbacks >= 1, "{:?}", server.stats());
    println!(
        "{sent} sent while a callback blocked: {} dropped",
        stats.dropped
    );
}

#[test]
fn scamp_osc_remote_mode_plays_and_transcribes_scamps_messages() {
    // A real-time session run as a server: messages act at the wall-clock now.
    let session = Session::new(60.0).unwrap();
    let capture = MidiCapture::new();
    session
        .ensemble()
        .new_midi_part_with_sink(
            "Grand Piano",
            Box::new(capture.clone()),
            MidiPartOptions::new(),
        )
        .unwrap();
    session.start_transcribing().unwrap();
    let bound = session.listen_for_scamp_osc(0, "127.0.0.1").unwrap();
    session.run_as_server().unwrap();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    // What SCAMP sends for: piano.play_note_with(60, 0.5, 0.2, PlayOptions::new().properties("param_brightness: 0.3"));
    // n = piano.start_note(64.5, 0.7); wait(0.1); n.change_pitch(65); wait(0.15); n.end()
    let f = |x: f32| OscType::Float(x);
    send(
        &sender,
        bound,
        "/GrandPiano/start_note",
        vec![OscType::Int(0), f(60.0), f(0.5), f(0.5)],
    );
    send(
        &sender,
        bound,
        "/GrandPiano/change_parameter/brightness",
        vec![OscType::Int(0), f(0.3)],
    );
    std::thread::sleep(Duration::from_millis(200));
    send(
        &sender,
        bound,
        "/GrandPiano/end_note",
        vec![OscType::Int(0)],
    );
    send(
        &sender,
        bound,
        "/GrandPiano/start_note",
        vec![OscType::Int(1), f(64.5), f(0.7), f(0.7)],
    );
    std::thread::sleep(Duration::from_millis(100));
    send(
        &sender,
        bound,
        "/GrandPiano/change_pitch",
        vec![OscType::Int(1), f(65.0)],
    );
    std::thread::sleep(Duration::from_millis(150));
    send(
        &sender,
        bound,
        "/GrandPiano/end_note",
        vec![OscType::Int(1)],
    );
    wait_until("both notes to end", || {
        capture
            .messages()
            .iter()
            .filter(|m| m.bytes[0] & 0xF0 == 0x80)
            .count()
            == 2
    });
    std::thread::sleep(Duration::from_millis(20));
    let perf = session.stop_transcribing().unwrap();
    let notes: Vec<_> = perf.parts[0].get_note_iterator().cloned().collect();
    assert_eq!(notes.len(), 2);
    assert!(
        (notes[0].length.total() - 0.2).abs() < 0.05,
        "{:?}",
        notes[0].length
    );
    assert!((notes[1].start_beat - notes[0].start_beat - 0.2).abs() < 0.05);
    let scamp::transcribe::NotePitch::Single(scamp::transcribe::Level::Envelope(glide)) =
        &notes[1].pitch
    else {
        panic!("the pitch change is an envelope: {:?}", notes[1].pitch)
    };
    assert_eq!((glide.start_level(), glide.end_level()), (64.5, 65.0));
    // MIDI in SCAMP's order: bend, expression, note-on; the quarter tone as a bend.
    let midi: Vec<Vec<u8>> = capture
        .messages()
        .into_iter()
        .map(|m| m.bytes)
        .filter(|b| b[0] & 0xF0 != 0xB0 || b[1] == 11)
        .collect();
    let first_on = midi.iter().position(|b| b[0] & 0xF0 == 0x90).unwrap();
    assert_eq!(midi[first_on], vec![0x90, 60, 63]);
    let second_on = midi.iter().rposition(|b| b[0] & 0xF0 == 0x90).unwrap();
    assert_eq!(midi[second_on][1], 64, "64.5 plays as key 64 bent up");
    assert_eq!(
        midi[second_on - 2][0] & 0xF0,
        0xE0,
        "bend before expression before note-on"
    );
}

#[test]
fn a_callback_can_play_a_note_without_blocking() {
    let session = Session::fast_forward_session(60.0).unwrap();
    let capture = MidiCapture::new();
    let part = session
        .ensemble()
        .new_midi_part_with_sink("p", Box::new(capture.clone()), MidiPartOptions::new())
        .unwrap();
    let bound = session
        .register_osc_listener(
            0,
            "/play",
            move |_: &str, _: &[OscType]| {
                part.play_note_with(62, 0.5, 0.5, PlayOptions::new().blocking(false))
            },
            "127.0.0.1",
        )
        .unwrap();
    session.run_as_server().unwrap();
    send(
        &UdpSocket::bind("127.0.0.1:0").unwrap(),
        bound,
        "/play",
        vec![],
    );
    wait_until("the note-off", || {
        capture.messages().iter().any(|m| m.bytes[0] & 0xF0 == 0x80)
    });
    assert!(capture
        .messages()
        .iter()
        .any(|m| m.bytes == vec![0x90, 62, 63]));
}

#[test]
fn a_process_can_remove_a_listener_whose_message_is_waiting_for_it() {
    // This thread runs the master's process: while it does not wait, a message's callback has
    // to wait for it. Removing the listener then must neither deadlock nor run the callback.
    let session = Session::new(600.0).unwrap();
    let heard = Arc::new(Mutex::new(0));
    let counter = Arc::clone(&heard);
    let bound = session
        .register_osc_listener(
            0,
            "/x",
            move |_: &str, _: &[OscType]| {
                *counter.lock().unwrap() += 1;
                Ok(())
            },
            "127.0.0.1",
        )
        .unwrap();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    send(&socket, bound, "/x", vec![]);
    std::thread::sleep(Duration::from_millis(200));
    assert!(session.remove_osc_listener(bound.port(), "127.0.0.1"));
    session.wait(1.0).unwrap();
    assert_eq!(*heard.lock().unwrap(), 0);
}

#[test]
fn remote_notes_keep_wall_time_on_a_loaded_machine() {
    // Two threads keep both cores busy and a process wakes every 5 ms, so wake-ups are
    // delivered late; the notes SCAMP sends must still be stamped when they arrived: never
    // before, and within 10 ms of the wall-clock spacing they were sent with.
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Instant;
    let session = Session::new(60.0).unwrap();
    let capture = MidiCapture::new();
    session
        .ensemble()
        .new_midi_part_with_sink("Synth", Box::new(capture.clone()), MidiPartOptions::new())
        .unwrap();
    session.start_transcribing().unwrap();
    let begun = session.time_in_master();
    let bound = session.listen_for_scamp_osc(0, "127.0.0.1").unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let ticker = Arc::clone(&stop);
    session
        .fork(move |c| {
            while !ticker.load(Ordering::Relaxed) {
                c.wait(0.005)?;
            }
            Ok(())
        })
        .unwrap();
    session.run_as_server().unwrap();
    let hogs: Vec<_> = (0..2)
        .map(|_| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                    std::hint::black_box(x);
                }
            })
        })
        .collect();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    let f = |x: f32| OscType::Float(x);
    let started = Instant::now();
    // The session's clock against the wall's: a process forked from outside starts at the
    // stamp its fork got; the smallest (stamp - wall) of a few is the offset (plus the least
    // latency there is).
    let stamps = Arc::new(Mutex::new(vec![]));
    let mut offset = f64::INFINITY;
    for _ in 0..5 {
        let wall = Instant::now().duration_since(started).as_secs_f64();
        let out = Arc::clone(&stamps);
        session
            .fork(move |c| {
                out.lock().unwrap().push(c.time_in_master());
                Ok(())
            })
            .unwrap();
        wait_until("the fork to start", || stamps.lock().unwrap().len() == 1);
        let stamp = stamps.lock().unwrap().pop().unwrap();
        offset = offset.min(stamp - wall);
        std::thread::sleep(Duration::from_millis(3));
    }
    let first = Instant::now() - started;
    let started = started + first;
    offset += first.as_secs_f64();
    let mut sent = vec![];
    for id in 0..20 {
        // Notes 60 ms apart, each gliding in five steps while it sounds.
        let due = started + Duration::from_millis(60 * id as u64);
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        sent.push(Instant::now().duration_since(started).as_secs_f64());
        send(
            &sender,
            bound,
            "/Synth/start_note",
            vec![OscType::Int(id), f(60.0), f(0.5)],
        );
        for step in 1..=5 {
            std::thread::sleep(Duration::from_millis(8));
            let pitch = 60.0 + step as f32 * 0.2;
            send(
                &sender,
                bound,
                "/Synth/change_pitch",
                vec![OscType::Int(id), f(pitch)],
            );
        }
        send(&sender, bound, "/Synth/end_note", vec![OscType::Int(id)]);
    }
    wait_until("every note to end", || {
        capture
            .messages()
            .iter()
            .filter(|m| m.bytes[0] & 0xF0 == 0x80)
            .count()
            == 20
    });
    stop.store(true, Ordering::Relaxed);
    for h in hogs {
        h.join().unwrap();
    }
    let perf = session.stop_transcribing().unwrap();
    let mut starts: Vec<f64> = perf.parts[0]
        .get_note_iterator()
        .map(|n| n.start_beat)
        .collect();
    starts.sort_by(f64::total_cmp);
    assert_eq!(starts.len(), 20);
    // Each stamp against its send on the session's clock (tempo 60: beats are seconds; the
    // transcription began at ideal time `begun`).
    let errors: Vec<f64> = starts
        .iter()
        .zip(&sent)
        .map(|(s, w)| (s + begun) - (w + offset))
        .collect();
    let worst_early = errors.iter().cloned().fold(0.0, f64::min);
    let worst = errors.iter().map(|e| e.abs()).fold(0.0, f64::max);
    println!(
        "stamps against sends: worst {:.2} ms, earliest {:.2} ms",
        worst * 1e3,
        worst_early * 1e3
    );
    assert!(
        worst_early > -0.001,
        "a note stamped before it was sent: {errors:?}"
    );
    assert!(worst < 0.010, "stamps drift from the sends: {errors:?}");
}
