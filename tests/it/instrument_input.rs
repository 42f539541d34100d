//! Bad input to instruments and parts: clear errors or warnings, never a panic, and nothing
//! already played is lost.

use scamp::playback::midi::MidiCapture;
use scamp::prelude::*;

fn capture_part(s: &Session) -> (ScampInstrument, MidiCapture) {
    let capture = MidiCapture::new();
    let part = s
        .ensemble()
        .new_midi_part_with_sink("m", Box::new(capture.clone()), MidiPartOptions::new())
        .unwrap();
    (part, capture)
}

fn note_ons(c: &MidiCapture) -> usize {
    c.messages()
        .iter()
        .filter(|m| m.bytes[0] & 0xF0 == 0x90)
        .count()
}

#[test]
fn bad_notes_are_errors_naming_the_value_and_the_piece_goes_on() {
    let s = Session::fast_forward_session(60.0).unwrap();
    let (part, capture) = capture_part(&s);
    part.play_note(60, 0.5, 1.0).unwrap();
    let cases: Vec<(scamp::Result<()>, &str)> = vec![
        (part.play_note(f64::NAN, 0.5, 1.0), "pitch"),
        (part.play_note(60, 1.5, 1.0), "volume"),
        (part.play_note(60, -0.1, 1.0), "volume"),
        (part.play_note(60, vec![0.2, 1.2], 1.0), "volume"),
        (part.play_note(60, 0.5, -1.0), "note length"),
        (part.play_note(60, 0.5, f64::INFINITY), "note length"),
        (
            part.play_note(60, 0.5, vec![1.0, f64::NAN]),
            "tied note segment",
        ),
        (
            part.play_note_with(60, 0.5, 1.0, PlayOptions::new().properties("param_x: loud")),
            "param_x",
        ),
        (part.play_note(500, 0.5, 1.0), "pitch"),
        (
            part.play_chord(Vec::<f64>::new(), 0.5, 1.0),
            "at least one pitch",
        ),
        (part.send_midi_cc(200, 0.5), "controller"),
    ];
    for (result, needle) in cases {
        let err = result.expect_err(needle);
        assert!(
            err.to_string().contains(needle),
            "'{err}' should mention {needle}"
        );
    }
    assert!(part.start_note(60.0, 2.0).is_err());
    assert_eq!(s.beat(), 1.0, "failed calls take no time");
    part.play_note(62, 0.5, 1.0).unwrap();
    assert_eq!(
        note_ons(&capture),
        2,
        "notes before and after the errors are all there"
    );
    assert_eq!(part.num_notes_playing(), 0);
}

#[test]
fn a_killed_process_ends_its_note_when_it_is_killed() {
    let s = Session::fast_forward_session(60.0).unwrap();
    let (part, capture) = capture_part(&s);
    let p = part.clone();
    let child = s.fork(move |_c| p.play_note(60, 0.5, 10.0)).unwrap();
    s.wait(1.5).unwrap();
    assert_eq!(part.num_notes_playing(), 1);
    child.kill().unwrap();
    s.wait(0.5).unwrap();
    assert_eq!(part.num_notes_playing(), 0);
    let off = capture
        .messages()
        .into_iter()
        .find(|m| m.bytes[0] & 0xF0 == 0x80)
        .expect("a note-off");
    assert_eq!(off.at, 1.5);
}

#[test]
fn soundfont_problems_are_errors_naming_the_file() {
    let s = Session::fast_forward_session(60.0).unwrap();
    let err = s
        .new_part_with("piano", PartOptions::new().soundfont("/no/such/font.sf2"))
        .unwrap_err();
    assert!(err.to_string().contains("/no/such/font.sf2"), "{err}");
    let junk = std::env::temp_dir().join(format!("scamp-junk-{}.sf2", std::process::id()));
    std::fs::write(&junk, b"RIFF\x10\0\0\0sfbkLIST garbage garbage").unwrap();
    let err = s
        .new_part_with(
            "piano",
            PartOptions::new().soundfont(junk.to_str().unwrap()),
        )
        .unwrap_err();
    assert!(err.to_string().contains(junk.to_str().unwrap()), "{err}");
    std::fs::remove_file(&junk).ok();
    // A real compressed SoundFont (installed by scripts/setup.sh): refused, not a panic.
    for sf3 in [
        "/usr/share/sounds/sf3/FluidR3Mono_GM.sf3",
        "/usr/share/sounds/sf3/MuseScore_General_Lite.sf3",
    ] {
        if std::path::Path::new(sf3).exists() {
            let err = s
                .new_part_with("piano", PartOptions::new().soundfont(sf3))
                .unwrap_err();
            assert!(
                err.to_string().contains(sf3) && err.to_string().contains("sf3"),
                "{err}"
            );
        }
    }
    assert!(
        s.instruments().is_empty(),
        "no half-made part is left behind"
    );
}

#[test]
fn unknown_presets_fall_back_with_a_warning_and_parts_are_found_by_name() {
    let s = Session::fast_forward_session(60.0).unwrap();
    let odd = s
        .new_part_with(
            "my thing",
            PartOptions::new().soundfont("default").preset("Zzyzx Horn"),
        )
        .unwrap();
    assert!(
        odd.playback_implementations()[0].contains("Horn"),
        "{:?}",
        odd.playback_implementations()
    );
    let numbered = s
        .new_part_with(
            "lead",
            PartOptions::new().soundfont("default").preset((0u16, 80u8)),
        )
        .unwrap();
    assert!(numbered.playback_implementations()[0].contains("Square Lead"));
    let violin = s
        .new_part_with("Violin", PartOptions::new().soundfont("default"))
        .unwrap();
    assert!(violin.playback_implementations()[0].contains("'Violin'"));
    let second = s.new_silent_part("violin");
    assert_eq!(s.get_instrument_by_name("VIOLIN", 0), Some(violin.clone()));
    assert_eq!(s.get_instrument_by_name("violin", 1), Some(second));
    assert_eq!(s.get_instrument_by_name("violin", 2), None);
    assert_eq!(s.instruments().len(), 4);
    assert_eq!(s.pop_instrument(0).unwrap(), odd);
    assert!(s.pop_instrument(10).is_err());
    assert_eq!(s.instruments().len(), 3);
}

#[test]
fn properties_adjust_playback() {
    let s = Session::fast_forward_session(60.0).unwrap();
    let (part, capture) = capture_part(&s);
    part.play_note_with(
        60,
        0.5,
        1.0,
        PlayOptions::new().properties("staccato, pitch + 12, volume * 0.5"),
    )
    .unwrap();
    assert_eq!(s.beat(), 1.0, "the clock moves by the written length");
    let m = capture.messages();
    let on = m.iter().find(|c| c.bytes[0] & 0xF0 == 0x90).unwrap();
    let off = m.iter().find(|c| c.bytes[0] & 0xF0 == 0x80).unwrap();
    assert_eq!(on.bytes[1], 72, "pitch + 12");
    assert_eq!(on.bytes[2], (0.25f64 * 127.0) as u8, "volume * 0.5");
    assert_eq!(off.at, 0.5, "staccato halves the sounding length");
}
