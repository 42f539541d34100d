//! A real CLAP host (clack-host) loading the built plugin and driving its transport: note-ons
//! on the samples their beats imply at every block size, audio, a tempo change, stop, loops,
//! free-running.
//!
//! It loads `target/bundled/scamp.clap` (made by `cargo xtask bundle scamp-plugin --release`,
//! which `scripts/test.sh` runs first) and falls back to the library cargo just built for this
//! test. The plugin plays its default piece, "Arpeggio": sixteenth notes, a chord every bar;
//! one test switches to "Echo" through the Piece parameter and plays it notes.

use clack_extensions::params::{ParamInfoBuffer, PluginParams};
use clack_extensions::render::{PluginRender, RenderMode};
use clack_host::events::event_types::{
    MidiEvent, NoteOffEvent, NoteOnEvent, ParamValueEvent, TransportEvent, TransportFlags,
};
use clack_host::events::{EventFlags, Match, Pckn};
use clack_host::prelude::*;
use clack_host::utils::{BeatTime, SecondsTime};
use std::path::PathBuf;

const SR: f64 = 48_000.0;

struct Shared;
impl SharedHandler<'_> for Shared {
    fn request_restart(&self) {}
    fn request_process(&self) {}
    fn request_callback(&self) {}
}

struct Host;
impl HostHandlers for Host {
    type Shared<'a> = Shared;
    type MainThread<'a> = ();
    type AudioProcessor<'a> = ();
}

/// The bundled `.clap`, unless the library cargo built next to this test is newer (a bundle
/// left over from an older build must not be tested in place of the code under test).
fn plugin_path() -> PathBuf {
    let bundled = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bundled/scamp.clap");
    let exe = std::env::current_exe().expect("the test's own path");
    let built = exe
        .parent()
        .expect("the deps directory")
        .join("libscamp_plugin.so");
    let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(&bundled), modified(&built)) {
        (Some(b), Some(l)) if b >= l => bundled,
        (_, Some(_)) => built,
        (Some(_), None) => bundled,
        (None, None) => panic!(
            "no plugin at {} or {}: run `cargo xtask bundle scamp-plugin --release`",
            bundled.display(),
            built.display()
        ),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Heard {
    On(u64, u16),
    Off(u64, u16),
}

/// What the host says for the block starting at sample `at`: (playing, tempo, beat) or None
/// for no transport.
type Plan<'a> = &'a dyn Fn(u64) -> Option<(bool, f64, f64)>;

/// Runs `blocks` blocks of `block` samples; returns note events (absolute samples), the MIDI
/// channel-message count, and the left channel.
fn host(block: usize, blocks: usize, plan: Plan) -> (Vec<Heard>, usize, Vec<f32>) {
    run_host(block, blocks, plan, false)
}

/// [`host`], offline (a bounce) or paced like a real-time host (each block delivered at its
/// wall-clock time).
fn run_host(
    block: usize,
    blocks: usize,
    plan: Plan,
    real_time: bool,
) -> (Vec<Heard>, usize, Vec<f32>) {
    run_host_with(block, blocks, plan, real_time, &|_, _, _| {})
}

/// What the host sends the plugin in the block starting at a sample: `(at, piece parameter
/// id, events to fill)`.
type Inputs<'a> = &'a dyn Fn(u64, ClapId, &mut EventBuffer);

/// [`run_host`] that also sends events (`inputs`) into each block.
fn run_host_with(
    block: usize,
    blocks: usize,
    plan: Plan,
    real_time: bool,
    inputs: Inputs,
) -> (Vec<Heard>, usize, Vec<f32>) {
    let entry = unsafe { PluginEntry::load(plugin_path()) }.expect("the plugin loads");
    let factory = entry.get_plugin_factory().expect("a plugin factory");
    let descriptor = factory
        .plugin_descriptors()
        .find(|d| {
            d.id()
                .is_some_and(|id| id.to_bytes() == b"org.scamp-rs.scamp")
        })
        .expect("the scamp plugin");
    let host_info = HostInfo::new("scamp test host", "scamp", "https://localhost", "1.0").unwrap();
    let mut instance = PluginInstance::<Host>::new(
        |_| Shared,
        |_| (),
        &entry,
        descriptor.id().unwrap(),
        &host_info,
    )
    .unwrap();
    // Render offline (a bounce): the plugin may wait for its piece, so the output is exact and
    // the same at any speed this test runs at.
    let handle = instance.plugin_handle();
    let render = handle
        .get_extension::<PluginRender>()
        .expect("the render extension");
    render
        .set(&handle, RenderMode::Offline)
        .expect("offline rendering");
    let config = PluginAudioConfiguration {
        sample_rate: SR,
        min_frames_count: 1,
        max_frames_count: block as u32,
    };
    let params = handle
        .get_extension::<PluginParams>()
        .expect("the params extension");
    let mut info = ParamInfoBuffer::new();
    let piece_param = (0..params.count(&handle))
        .filter_map(|i| {
            params
                .get_info(&handle, i, &mut info)
                .map(|p| (p.id, p.name.to_vec()))
        })
        .find(|(_, name)| name.as_slice() == b"Piece")
        .map(|(id, _)| id)
        .expect("a Piece parameter");
    let stopped = instance.activate(|_, _| (), config).unwrap();
    let mut processor = stopped.start_processing().unwrap();
    let mut out_events = EventBuffer::new();
    let (mut left, mut right) = (vec![0.0f32; block], vec![0.0f32; block]);
    let mut output_ports = AudioPorts::with_capacity(2, 1);
    let (mut heard, mut midi, mut audio) = (Vec::new(), 0usize, Vec::new());
    let started = std::time::Instant::now();
    for i in 0..blocks {
        let at = (i * block) as u64;
        if real_time {
            let due = std::time::Duration::from_secs_f64(at as f64 / SR);
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        let transport = plan(at).map(|(playing, tempo, beat)| {
            let mut flags = TransportFlags::HAS_TEMPO | TransportFlags::HAS_BEATS_TIMELINE;
            if playing {
                flags |= TransportFlags::IS_PLAYING;
            }
            TransportEvent {
                header: EventHeader::new_core(0, EventFlags::empty()),
                flags,
                song_pos_beats: BeatTime::from_float(beat),
                song_pos_seconds: SecondsTime::from_int(0),
                tempo,
                tempo_inc: 0.0,
                loop_start_beats: BeatTime::from_int(0),
                loop_end_beats: BeatTime::from_int(0),
                loop_start_seconds: SecondsTime::from_int(0),
                loop_end_seconds: SecondsTime::from_int(0),
                bar_start: BeatTime::from_int(0),
                bar_number: 0,
                time_signature_numerator: 4,
                time_signature_denominator: 4,
            }
        });
        out_events.clear();
        let mut in_events = EventBuffer::new();
        inputs(at, piece_param, &mut in_events);
        let input = InputAudioBuffers::empty();
        let mut output = output_ports.with_output_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_output_only(
                [left.as_mut_slice(), right.as_mut_slice()].into_iter(),
            ),
        }]);
        processor
            .process(
                &input,
                &mut output,
                &InputEvents::from_buffer(&in_events),
                &mut OutputEvents::from_buffer(&mut out_events),
                None,
                transport.as_ref(),
            )
            .unwrap();
        for e in out_events.iter() {
            let key = |k: Match<u16>| if let Match::Specific(k) = k { k } else { 0 };
            if let Some(on) = e.as_event::<NoteOnEvent>() {
                heard.push(Heard::On(at + on.header().time() as u64, key(on.key())));
            } else if let Some(off) = e.as_event::<NoteOffEvent>() {
                heard.push(Heard::Off(at + off.header().time() as u64, key(off.key())));
            } else if e.as_event::<MidiEvent>().is_some() {
                midi += 1;
            }
        }
        audio.extend_from_slice(&left);
    }
    let stopped = processor.stop_processing();
    instance.deactivate(stopped);
    (heard, midi, audio)
}

fn ons(h: &[Heard]) -> Vec<(u64, u16)> {
    h.iter()
        .filter_map(|e| {
            if let Heard::On(s, k) = e {
                Some((*s, *k))
            } else {
                None
            }
        })
        .collect()
}

/// 90 bpm at 48 kHz: 32,000 samples a beat, 8,000 a sixteenth.
fn at_90(at: u64) -> Option<(bool, f64, f64)> {
    Some((true, 90.0, at as f64 / 32_000.0))
}

#[test]
fn note_ons_land_on_their_beats_samples_at_every_block_size() {
    let mut reference = None;
    for block in [32usize, 256, 1024] {
        let (heard, midi, audio) = host(block, (4 * 32_000) / block, &at_90);
        let on = ons(&heard);
        // 16 sixteenths and the bar's 4-note chord in 4 beats.
        assert_eq!(on.len(), 20, "block {block}: {on:?}");
        assert!(
            on.iter().all(|(s, _)| s % 8_000 == 0),
            "every note-on on a sixteenth's sample: {on:?}"
        );
        assert_eq!(
            on.iter().filter(|(s, _)| *s == 0).count(),
            5,
            "the first sixteenth and the chord at sample 0"
        );
        assert!(midi > 0, "bends and controllers go out as MIDI too");
        let peak = audio.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(peak > 0.01, "audio is not silent (peak {peak})");
        match &reference {
            None => reference = Some((heard, audio)),
            Some((h, a)) => {
                assert_eq!(&heard, h, "block {block}: same MIDI");
                assert!(&audio == a, "block {block}: same audio");
            }
        }
    }
}

#[test]
fn a_tempo_change_moves_later_notes() {
    // 90 bpm for 2 beats (64,000 samples), then 120: a sixteenth is 6,000 samples.
    let plan = |at: u64| {
        if at < 64_000 {
            Some((true, 90.0, at as f64 / 32_000.0))
        } else {
            Some((true, 120.0, 2.0 + (at - 64_000) as f64 / 24_000.0))
        }
    };
    let (heard, _, _) = host(256, (64_000 + 48_000) / 256, &plan);
    let later: Vec<u64> = ons(&heard)
        .into_iter()
        .map(|(s, _)| s)
        .filter(|s| *s >= 64_000)
        .collect();
    assert!(!later.is_empty());
    assert!(later.iter().all(|s| (s - 64_000) % 6_000 == 0), "{later:?}");
}

#[test]
fn stopping_ends_every_note_at_the_stop_sample() {
    let stop = 40_192u64; // inside the fifth sixteenth (32,000 + 8,000 = 40,000 starts it)
    let plan = move |at: u64| {
        if at < stop {
            Some((true, 90.0, at as f64 / 32_000.0))
        } else {
            Some((false, 90.0, stop as f64 / 32_000.0))
        }
    };
    let (heard, _, _) = host(64, (stop as usize + 32_000) / 64, &plan);
    let offs_at_stop = heard
        .iter()
        .filter(|e| matches!(e, Heard::Off(s, _) if *s == stop))
        .count();
    assert!(offs_at_stop >= 1, "{heard:?}");
    let on = heard.iter().filter(|e| matches!(e, Heard::On(..))).count();
    let off = heard.iter().filter(|e| matches!(e, Heard::Off(..))).count();
    assert_eq!(on, off, "no stuck notes");
    assert!(heard.iter().all(|e| match e {
        Heard::On(s, _) | Heard::Off(s, _) => *s <= stop,
    }));
}

#[test]
fn a_looped_bar_plays_the_same_notes_each_time_and_no_transport_free_runs() {
    let bar = 4 * 32_000u64;
    let looped = move |at: u64| Some((true, 90.0, (at % bar) as f64 / 32_000.0));
    let (heard, _, _) = host(256, (3 * bar as usize) / 256, &looped);
    let on = ons(&heard);
    let laps: Vec<Vec<(u64, u16)>> = (0..3)
        .map(|l| {
            on.iter()
                .filter(|(s, _)| s / bar == l)
                .map(|&(s, k)| (s % bar, k))
                .collect()
        })
        .collect();
    assert_eq!(laps[0].len(), 20);
    assert_eq!(laps[0], laps[1]);
    assert_eq!(laps[1], laps[2]);

    // No transport: the plugin's own 120 bpm, a sixteenth every 6,000 samples.
    let (heard, _, _) = host(512, 48_000 / 512, &|_| None);
    let on = ons(&heard);
    assert!(
        !on.is_empty() && on.iter().all(|(s, _)| s % 6_000 == 0),
        "{on:?}"
    );
}

/// Real-time playing with tempo changes, a stop, a seek and a loop, with nice-plug checking
/// that process() never allocates (oxisynth's note-on excepted): run by `scripts/test.sh` as
/// `cargo test -p scamp-plugin --features assert_process_allocs`.
#[cfg(feature = "assert_process_allocs")]
#[test]
fn process_never_allocates_while_playing_stopping_seeking_and_looping() {
    let s = |seconds: f64| (seconds * SR) as u64;
    let plan = move |at: u64| -> Option<(bool, f64, f64)> {
        let t = at as f64 / SR;
        Some(if at < s(1.5) {
            (true, 120.0, t * 2.0)
        } else if at < s(2.5) {
            (true, 150.0, 3.0 + (t - 1.5) * 2.5)
        } else if at < s(3.0) {
            (false, 150.0, 5.5)
        } else if at < s(4.0) {
            (true, 120.0, 16.0 + (t - 3.0) * 2.0)
        } else {
            (true, 120.0, 4.0 + ((t - 4.0) % 0.5) * 2.0)
        })
    };
    let (heard, _, audio) = run_host(256, s(5.0) as usize / 256, &plan, true);
    assert!(ons(&heard).len() > 10, "it played: {heard:?}");
    assert!(audio.iter().any(|x| x.abs() > 0.01));
}

#[test]
fn a_seek_to_bar_5_gives_the_notes_of_playing_through_to_bar_5() {
    let bar5 = 16.0 * 32_000.0;
    let (seek, _, _) = host(256, (4 * 32_000) / 256, &|at| {
        Some((true, 90.0, 16.0 + at as f64 / 32_000.0))
    });
    let (through, _, _) = host(256, (20 * 32_000) / 256, &at_90);
    let after: Vec<(u64, u16)> = ons(&through)
        .into_iter()
        .filter(|(s, _)| *s as f64 >= bar5)
        .map(|(s, k)| (s - bar5 as u64, k))
        .collect();
    assert_eq!(ons(&seek), after);
    assert_eq!(after.len(), 20);
}

#[test]
fn notes_from_the_host_reach_the_echo_pieces_listener() {
    const BLOCK: usize = 480;
    const SENT: u64 = 40 * BLOCK as u64;
    // Echo is the fifth built-in piece; the host picks it in the first block, then sends
    // middle C in block 40 (0.4 s), paced like a real-time host.
    let inputs = |at: u64, piece: ClapId, events: &mut EventBuffer| {
        if at == 0 {
            events.push(&ParamValueEvent::new(0, piece, Pckn::match_all(), 4.0));
        }
        if at == SENT {
            events.push(&NoteOnEvent::new(
                100,
                Pckn::new(0u16, 0u16, 60u16, Match::All),
                0.8,
            ));
        }
    };
    let (heard, _, _) = run_host_with(BLOCK, 100, &at_90, true, &inputs);
    let ons = ons(&heard);
    assert_eq!(ons.len(), 1, "only the echo plays: {ons:?}");
    let (at, key) = ons[0];
    assert_eq!(key, 67, "a fifth above the C sent");
    // Played at "now" for the piece: the audio position plus the 50 ms lookahead, give or
    // take a few blocks for the hand-over between threads.
    let late = (at as f64 - (SENT + 100) as f64) / SR;
    assert!(
        (0.0..0.15).contains(&late),
        "echoed {late} s after the note was sent"
    );
}
