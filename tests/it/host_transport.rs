//! The engine with a host owning the tempo (what the plugin does inside `process()`), driven
//! by a simulated host: note-ons land on the samples their beats imply at any block size, a
//! host tempo change moves later notes with the beat, and setting the master tempo from the
//! piece is refused.

use scamp::event::MidiMessage;
use scamp::prelude::*;
use scamp::render::OfflineRenderer;
use scamp::scheduler::paced::OfflinePace;

const SR: f64 = 48_000.0;

/// Plays 8 quarter notes; the host plays at 90 bpm and, if `switch_at` is given, at 120 bpm
/// from the first block at or after that sample. Returns (absolute sample, key) of note-ons.
fn run(block: usize, switch_at: Option<u64>) -> (Vec<(u64, u8)>, Option<String>) {
    let offline = OfflinePace::in_beats();
    let pace = offline.pace().clone();
    let session = Session::with_driver(90.0, pace.driver()).unwrap();
    session.lock_master_tempo("the host owns the tempo");
    session
        .ensemble()
        .audio_link()
        .stamp_in_beats_of(session.clock().clone());
    let mut renderer = OfflineRenderer::new(session.attach_audio(SR).unwrap());
    let host = {
        let pace = offline;
        std::thread::spawn(move || {
            let (mut l, mut r) = (vec![0.0f32; block], vec![0.0f32; block]);
            let mut ons = Vec::new();
            let (mut beat, mut position) = (0.0f64, 0u64);
            while !(pace.is_finished() && renderer.notes_sounding() == 0) && position < 20 * 48_000
            {
                let tempo = if switch_at.is_some_and(|s| position >= s) {
                    120.0
                } else {
                    90.0
                };
                pace.set_host_tempo(tempo);
                let block_beats = block as f64 / SR * tempo / 60.0;
                pace.advance_and_wait(beat + block_beats, beat + block_beats, || {
                    renderer.absorb();
                    true
                });
                renderer.absorb();
                renderer.render_beats(&mut l, &mut r, beat, tempo, &mut |offset, _, m| {
                    if let MidiMessage::NoteOn { key, .. } = m {
                        ons.push((position + offset as u64, key));
                    }
                });
                beat += block_beats;
                position += block as u64;
            }
            ons
        })
    };
    let flute = session
        .new_part_with("flute", PartOptions::new().soundfont("default"))
        .unwrap();
    let refused = session.set_tempo(200.0).err().map(|e| e.to_string());
    for k in 0..8u8 {
        flute.play_note(60 + k, 0.7, 0.5).unwrap();
        session.wait(0.5).unwrap();
    }
    session.ensemble().end_all_notes();
    pace.finish();
    let ons = host.join().unwrap();
    (ons, refused)
}

#[test]
fn note_ons_land_on_their_beats_sample_at_every_block_size() {
    let mut reference = None;
    for block in [32, 256, 1024] {
        let (ons, refused) = run(block, None);
        assert_eq!(ons.len(), 8);
        for (k, &(sample, key)) in ons.iter().enumerate() {
            // 90 bpm at 48 kHz: 32,000 samples a beat.
            assert_eq!(
                (sample, key),
                (k as u64 * 32_000, 60 + k as u8),
                "block {block}"
            );
        }
        assert!(refused.unwrap().contains("the host owns the tempo"));
        match &reference {
            None => reference = Some(ons),
            Some(r) => assert_eq!(&ons, r),
        }
    }
}

#[test]
fn a_host_tempo_change_moves_later_notes_with_the_beat() {
    // Switch to 120 bpm at sample 96,000 (beat 3 at 90 bpm): beat b > 3 is at
    // 96,000 + (b - 3) * 24,000.
    for block in [32, 1000] {
        let (ons, _) = run(block, Some(96_000));
        let switch = 96_000u64.div_ceil(block as u64) * block as u64;
        let switch_beat = switch as f64 / 32_000.0;
        for (k, &(sample, _)) in ons.iter().enumerate() {
            let beat = k as f64;
            let want = if (beat * 32_000.0) < switch as f64 {
                beat * 32_000.0
            } else {
                switch as f64 + (beat - switch_beat) * 24_000.0
            };
            assert!(
                (sample as f64 - want).abs() <= 1.0,
                "block {block}, note {k}: {sample} vs {want}"
            );
        }
    }
}
