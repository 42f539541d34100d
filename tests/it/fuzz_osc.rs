//! Seeded fuzzing of OSC input: messages and bundles (nested up to far past the limit)
//! mutated byte by byte, decoded as the listener decodes them (0 panics, each case under a
//! timeout), then a sample of them sent to a real listener on loopback, which counts the
//! malformed ones and still delivers a good message afterwards.

use crate::support::fuzz;
use crate::support::wait;

use fuzz::{within, Rng};
use rosc::{OscBundle, OscMessage, OscPacket, OscTime, OscType};
use scamp::listen::osc::OscServer;
use scamp::listen::osc_packet::{decode, Rejected, MAX_NESTING};
use scamp::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

fn message(rng: &mut Rng) -> OscPacket {
    let args = (0..rng.below(5))
        .map(|_| match rng.below(6) {
            0 => OscType::Int(rng.next() as i32),
            1 => OscType::Float(f32::from_bits(rng.next() as u32)),
            2 => OscType::String("note".repeat(rng.below(4))),
            3 => OscType::Blob(vec![7; rng.below(9)]),
            4 => OscType::Double(rng.next() as f64),
            _ => OscType::Bool(rng.chance(2)),
        })
        .collect();
    OscPacket::Message(OscMessage {
        addr: ["/fuzz", "/fuzz/a", "/x/start_note"][rng.below(3)].into(),
        args,
    })
}

/// A packet nested `depth` bundles deep (encoded by rosc, so kept shallow enough for it).
fn packet(rng: &mut Rng, depth: usize) -> OscPacket {
    if depth == 0 {
        return message(rng);
    }
    OscPacket::Bundle(OscBundle {
        timetag: OscTime::from((0, 1)),
        content: (0..1 + rng.below(3))
            .map(|_| packet(rng, depth - 1))
            .collect(),
    })
}

fn datagram(rng: &mut Rng) -> Vec<u8> {
    let depth = match rng.below(10) {
        0 => MAX_NESTING + rng.below(8) - 3,
        1..=4 => 0,
        _ => rng.below(4),
    };
    // Chains only when deep (a tree that deep would be huge).
    let mut bytes = if depth > 6 {
        let mut p = message(rng);
        for _ in 0..depth {
            p = OscPacket::Bundle(OscBundle {
                timetag: OscTime::from((0, 1)),
                content: vec![p],
            });
        }
        rosc::encoder::encode(&p).unwrap()
    } else {
        rosc::encoder::encode(&packet(rng, depth)).unwrap()
    };
    match rng.below(4) {
        0 => {}
        1 => {
            let len = bytes.len();
            rng.flip_bytes(&mut bytes, 0..len, 6);
        }
        2 => bytes.truncate(rng.below(bytes.len() + 1)),
        _ => {
            // A size field or type tag hit where it hurts: the first 32 bytes.
            let len = bytes.len().min(32);
            rng.flip_bytes(&mut bytes, 0..len, 2);
        }
    }
    bytes
}

#[test]
fn mutated_datagrams_decode_or_are_refused_and_the_listener_lives_on() {
    let mut rng = Rng::new(0x05C_F022);
    let cases: Vec<Vec<u8>> = (0..20_000).map(|_| datagram(&mut rng)).collect();
    let sample: Vec<Vec<u8>> = cases.iter().step_by(10).cloned().collect();
    let counts = within(Duration::from_secs(60), move || {
        let (mut ok, mut deep, mut malformed) = (0, 0, 0);
        for bytes in &cases {
            match decode(bytes) {
                Ok(_) => ok += 1,
                Err(Rejected::TooDeep(_)) => deep += 1,
                Err(Rejected::Malformed(_)) => malformed += 1,
            }
        }
        Ok((ok, deep, malformed))
    })
    .unwrap();
    println!(
        "20,000 datagrams: {} decoded, {} too deep, {} malformed",
        counts.0, counts.1, counts.2
    );
    assert!(
        counts.0 > 1000 && counts.1 > 100 && counts.2 > 1000,
        "{counts:?}"
    );

    // A sample through a real listener.
    let session = Session::fast_forward_session(60.0).unwrap();
    let server = OscServer::start("127.0.0.1", 0, session.clock().clone()).unwrap();
    session.run_as_server().unwrap();
    let heard = Arc::new(AtomicUsize::new(0));
    let h = Arc::clone(&heard);
    server
        .add_route(
            "/good",
            Arc::new(move |_: &str, _: &[OscType]| {
                h.fetch_add(1, SeqCst);
                Ok(())
            }),
        )
        .unwrap();
    let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for bytes in &sample {
        let _ = sender.send_to(bytes, server.local_address());
    }
    let good = rosc::encoder::encode(&OscPacket::Message(OscMessage {
        addr: "/good".into(),
        args: vec![],
    }))
    .unwrap();
    sender.send_to(&good, server.local_address()).unwrap();
    wait::wait_until("the good message after the fuzz", || {
        heard.load(SeqCst) == 1
    });
    assert!(server.malformed_packets() > 100, "{:?}", server.stats());
}
