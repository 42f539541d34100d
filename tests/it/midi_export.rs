//! Performance → Standard MIDI File → parsed back: the same onsets, keys, bends and
//! durations (within one tick), a tempo map from the tempo envelope, or a flattened tempo.

use midly::{MetaMessage, MidiMessage, Smf, TrackEventKind};
use scamp::replay::MidiExportOptions;
use scamp::transcribe::Performance;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
struct Heard {
    onset: u64,
    key: u8,
    bend: i32,
    duration: u64,
    bends_after: Vec<i32>,
}

/// Notes of one track: onset, key, the channel's bend at the onset, and duration, in ticks.
fn heard(track: &[midly::TrackEvent]) -> Vec<Heard> {
    let mut tick = 0u64;
    let mut bend: HashMap<u8, i32> = HashMap::new();
    let mut open: HashMap<(u8, u8), usize> = HashMap::new();
    let mut notes: Vec<Heard> = Vec::new();
    for e in track {
        tick += e.delta.as_int() as u64;
        if let TrackEventKind::Midi { channel, message } = e.kind {
            let ch = channel.as_int();
            match message {
                MidiMessage::PitchBend { bend: b } => {
                    let v = b.0.as_int() as i32 - 8192;
                    bend.insert(ch, v);
                    for (&(c, _), &i) in &open {
                        if c == ch {
                            notes[i].bends_after.push(v);
                        }
                    }
                }
                MidiMessage::NoteOn { key, vel } if vel.as_int() > 0 => {
                    open.insert((ch, key.as_int()), notes.len());
                    notes.push(Heard {
                        onset: tick,
                        key: key.as_int(),
                        bend: *bend.get(&ch).unwrap_or(&0),
                        duration: 0,
                        bends_after: vec![],
                    });
                }
                MidiMessage::NoteOn { key, .. } | MidiMessage::NoteOff { key, .. } => {
                    let i = open
                        .remove(&(ch, key.as_int()))
                        .expect("note-off for a sounding note");
                    notes[i].duration = tick - notes[i].onset;
                }
                _ => {}
            }
        }
    }
    assert!(open.is_empty(), "every note ends");
    notes.sort_by_key(|n| (n.onset, n.key));
    notes
}

fn fixture() -> Performance {
    Performance::load_from_json("tests/fixtures/scamp/hello_performance.json").unwrap()
}

#[test]
fn the_file_has_the_performances_notes_within_a_tick() {
    let perf = fixture();
    let bytes = perf.to_midi_bytes(&MidiExportOptions::default()).unwrap();
    let smf = Smf::parse(&bytes).unwrap();
    assert_eq!(
        smf.tracks.len(),
        1 + perf.parts.len(),
        "a tempo track and one per part"
    );
    let first_tempo = smf.tracks[0].iter().find_map(|e| match e.kind {
        TrackEventKind::Meta(MetaMessage::Tempo(t)) => Some(t.as_int()),
        _ => None,
    });
    assert_eq!(first_tempo, Some(666_667), "90 bpm");
    // (onset tick, key, bend at the onset, duration in ticks) per part, from the fixture SCAMP
    // wrote: 480 ticks a beat; the key is the start pitch rounded as Python's `round` does
    // (SCAMP's `int(round(pitch))`: 64.5 → 64, bent up half a semitone, 2048 of a ±2-semitone
    // range; 70.25 → 70 bent up 1024); staccato halves the
    // length (SCAMP's default playback adjustment), accent changes only the volume.
    let want: [&[(u64, u8, i32, u64)]; 2] = [
        &[
            (0, 60, 0, 240),
            (240, 64, 0, 240),
            (480, 67, 0, 240),
            (720, 72, 0, 240),
            (960, 60, 0, 240),
            (960, 64, 2048, 240),
            (960, 67, 0, 240),
            (1440, 62, 0, 480),
        ],
        &[(480, 67, 0, 960), (1440, 70, 1024, 720)],
    ];
    assert_eq!(
        perf.parts
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["piano", "clarinet"]
    );
    for ((part, track), want) in perf.parts.iter().zip(&smf.tracks[1..]).zip(want) {
        let got = heard(track);
        assert_eq!(got.len(), want.len(), "{}", part.name);
        for (g, w) in got.iter().zip(want) {
            assert!(
                g.onset.abs_diff(w.0) <= 1
                    && g.key == w.1
                    && g.bend == w.2
                    && g.duration.abs_diff(w.3) <= 1,
                "{}: got {g:?}, want {w:?}",
                part.name
            );
        }
    }
    // The clarinet's glide 67 → 74 is a rising bend stream (clipped at the ±2 range).
    let clarinet = heard(&smf.tracks[2]);
    let glide = &clarinet[0];
    assert!(glide.bends_after.len() > 100 && glide.bends_after.windows(2).all(|w| w[1] >= w[0]));
    assert_eq!(*glide.bends_after.last().unwrap(), 8191);
    // The handle note: 70.25 held, then up to 72 over half a beat.
    let held = &clarinet[1];
    assert_eq!((held.key, held.bend), (70, 1024));
    assert_eq!(
        *held.bends_after.last().unwrap(),
        8191,
        "72 is 2 semitones above key 70: the top of the range"
    );
}

#[test]
fn flattening_writes_real_times_at_a_fixed_tempo() {
    let perf = fixture();
    let options = MidiExportOptions::new().flatten_tempo(120.0);
    let smf_bytes = perf.to_midi_bytes(&options).unwrap();
    let smf = Smf::parse(&smf_bytes).unwrap();
    let tempos: Vec<u32> = smf.tracks[0]
        .iter()
        .filter_map(|e| match e.kind {
            TrackEventKind::Meta(MetaMessage::Tempo(t)) => Some(t.as_int()),
            _ => None,
        })
        .collect();
    assert_eq!(tempos, vec![500_000]);
    // The second piano note starts at beat 0.5 at 90 bpm = 1/3 s = 2/3 beat at 120 = tick 320.
    let piano = heard(&smf.tracks[1]);
    assert_eq!(piano[1].onset, 320);
    assert_eq!(piano[1].duration, 320, "half a beat at 90 bpm");
}
