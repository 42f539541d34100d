//! `scamp bench osc-latency`: from an OSC message's arrival to its note-on, median and max —
//! in a real-time session (the note-on leaves the MIDI part), and through the audio-paced
//! hosted piece (the note-on's sample in the audio output, paced like an audio device).

use scamp::hosted::{HostedConfig, HostedPiece, PieceFn, Transport};
use scamp::playback::midi::MidiSink;
use scamp::prelude::*;
use std::net::UdpSocket;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Stamps(Arc<Mutex<Vec<Instant>>>);

impl MidiSink for Stamps {
    fn send(&mut self, _at: f64, bytes: &[u8]) -> std::result::Result<(), String> {
        if bytes[0] & 0xF0 == 0x90 {
            self.0.lock().unwrap().push(Instant::now());
        }
        Ok(())
    }
    fn describe(&self) -> String {
        "latency probe".into()
    }
}

fn message(addr: &str, args: Vec<rosc::OscType>) -> Vec<u8> {
    rosc::encoder::encode(&rosc::OscPacket::Message(rosc::OscMessage {
        addr: addr.into(),
        args,
    }))
    .expect("encodable")
}

fn stats(mut ms: Vec<f64>) -> (f64, f64) {
    if ms.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms.last().copied().unwrap_or(0.0))
}

pub fn bench_osc_latency(messages: usize) -> scamp::Result<()> {
    let messages = messages.clamp(1, 10_000);
    let sender = UdpSocket::bind("127.0.0.1:0").map_err(|e| Error::Output {
        what: "a UDP socket".into(),
        reason: e.to_string(),
        source: None,
    })?;

    // Real time: a listener plays a note; the MIDI part's sink notes when it leaves.
    let session = Session::new(60.0)?;
    let stamps = Arc::new(Mutex::new(Vec::new()));
    let part = session.ensemble().new_midi_part_with_sink(
        "probe",
        Box::new(Stamps(Arc::clone(&stamps))),
        MidiPartOptions::new(),
    )?;
    let bound = session.register_osc_listener(
        0,
        "/probe",
        move |_: &str, _: &[rosc::OscType]| {
            part.play_note_with(60, 0.5, 0.01, PlayOptions::new().blocking(false))
        },
        "127.0.0.1",
    )?;
    session.run_as_server()?;
    let mut sent = Vec::with_capacity(messages);
    for _ in 0..messages {
        sent.push(Instant::now());
        let _ = sender.send_to(&message("/probe", vec![]), bound);
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(100));
    let got = stamps.lock().unwrap().clone();
    drop(session);
    let real_time: Vec<f64> = sent
        .iter()
        .zip(&got)
        .map(|(s, n)| n.duration_since(*s).as_secs_f64() * 1e3)
        .collect();
    let (rt_median, rt_max) = stats(real_time);

    // Audio-paced: the hosted piece in remote mode, blocks of 256 at 48 kHz at real-time pace;
    // a note-on's time is when its sample is output (block start + offset).
    let port = UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .unwrap_or(0);
    let waits: PieceFn = Arc::new(|s: &Session| s.wait_forever());
    let config = HostedConfig {
        sample_rate: 48_000.0,
        soundfont: Some("default".into()),
        scamp_osc_port: Some(port),
        ..HostedConfig::default()
    };
    let mut hosted = HostedPiece::new(vec![waits], config)?;
    let (mut l, mut r) = (vec![0.0f32; 256], vec![0.0f32; 256]);
    let block = Duration::from_secs_f64(256.0 / 48_000.0);
    let start = Instant::now();
    let (mut sent, mut heard) = (Vec::new(), Vec::new());
    let warmup = 200usize;
    let total = warmup + messages * 4 + 100;
    for i in 0..total {
        let due = start + block * i as u32;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        if i >= warmup && (i - warmup) % 4 == 0 && sent.len() < messages {
            let id = sent.len() as i32;
            sent.push(Instant::now());
            let start_note = message(
                "/probe/start_note",
                vec![
                    rosc::OscType::Int(id),
                    rosc::OscType::Float(60.0),
                    rosc::OscType::Float(0.5),
                    rosc::OscType::Float(0.5),
                ],
            );
            let _ = sender.send_to(&start_note, ("127.0.0.1", port));
            let _ = sender.send_to(
                &message("/probe/end_note", vec![rosc::OscType::Int(id)]),
                ("127.0.0.1", port),
            );
        }
        let block_start = start + block * i as u32;
        let transport = Transport {
            playing: true,
            tempo: Some(120.0),
            beat: Some(i as f64 * 256.0 / 48_000.0 * 2.0),
            loop_range: None,
        };
        hosted.process(&mut l, &mut r, transport, &mut |offset, m| {
            if matches!(m, scamp::event::MidiMessage::NoteOn { .. }) {
                heard.push(block_start + Duration::from_secs_f64(offset as f64 / 48_000.0));
            }
        });
    }
    drop(hosted);
    let paced: Vec<f64> = sent
        .iter()
        .zip(&heard)
        .map(|(s, n)| n.saturating_duration_since(*s).as_secs_f64() * 1e3)
        .collect();
    let (ap_median, ap_max) = stats(paced);
    eprintln!(
        "OSC → note-on: real time median {rt_median:.2} ms, max {rt_max:.2} ms ({} of {messages}); audio-paced median {ap_median:.2} ms, max {ap_max:.2} ms ({} of {messages})",
        got.len(),
        heard.len()
    );
    println!(
        "{{\"messages\":{messages},\"real_time_median_ms\":{rt_median:.3},\"real_time_max_ms\":{rt_max:.3},\"audio_paced_median_ms\":{ap_median:.3},\"audio_paced_max_ms\":{ap_max:.3}}}"
    );
    Ok(())
}
