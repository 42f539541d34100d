//! The audio side's real-time contract, counted: rendering a block allocates nothing unless
//! the block starts a note (oxisynth builds a voice's modulator list on note-on: the one
//! documented exception). Bends, CCs, note-offs and plain rendering never allocate.

use scamp::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
thread_local! {
    static COUNT_HERE: Cell<bool> = const { Cell::new(false) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNT_HERE.with(|c| c.get()) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNT_HERE.with(|c| c.get()) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNT_HERE.with(|c| c.get()) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn counted<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    COUNT_HERE.with(|c| c.set(true));
    let out = f();
    COUNT_HERE.with(|c| c.set(false));
    (out, ALLOCATIONS.load(Ordering::Relaxed) - before)
}

#[test]
fn only_note_on_blocks_allocate() {
    const SR: f64 = 44_100.0;
    const BLOCK: usize = 256;
    let s = Session::fast_forward_session(60.0).unwrap();
    let mut renderer = s.attach_audio(SR).unwrap();
    let violin = s
        .new_part_with("violin", PartOptions::new().soundfont("default"))
        .unwrap();
    let flute = s
        .new_part_with("flute", PartOptions::new().soundfont("default"))
        .unwrap();
    // Notes start at 0, 1 and 1.8 s; glides, volume swells and CCs in between.
    let starts = [0.0, 1.0, 1.8];
    violin
        .play_note(vec![60.0, 67.0, 62.0], vec![0.3, 0.9], 0.8)
        .unwrap();
    s.wait(0.2).unwrap();
    let note = flute.start_note(72.0, 0.5).unwrap();
    note.change_pitch(74.5, 0.6).unwrap();
    note.change_volume(0.9, 0.6).unwrap();
    s.wait(0.8).unwrap();
    note.end().unwrap();
    violin.play_chord([55.0, 59.5], 0.7, 0.5).unwrap();
    violin.pedal_down().unwrap();
    s.wait(0.5).unwrap();
    violin.pedal_up().unwrap();

    let (mut l, mut r) = (vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]);
    let mut note_on_allocations = Vec::new();
    let mut quiet_blocks = 0;
    for block in 0..(3.0 * SR) as usize / BLOCK {
        let (start, end) = ((block * BLOCK) as f64, ((block + 1) * BLOCK) as f64);
        let has_note_on = starts
            .iter()
            .any(|t| (start..end).contains(&(t * SR).round()));
        let ((), n) = counted(|| renderer.render(&mut l, &mut r));
        if has_note_on {
            note_on_allocations.push(n);
        } else {
            assert_eq!(
                n,
                0,
                "block {block} ({:.3} s) allocated {n} times without a note-on",
                start / SR
            );
            quiet_blocks += 1;
        }
    }
    assert!(
        renderer.events_applied() > 300,
        "bends and CCs were applied: {}",
        renderer.events_applied()
    );
    assert_eq!(renderer.late_events(), 0);
    eprintln!("{quiet_blocks} blocks without note-on: 0 allocations; note-on blocks: {note_on_allocations:?} allocations");
}

/// oxisynth's note-on, uncounted (what the plugin permits under `assert_process_allocs`).
fn uncounted(f: &mut dyn FnMut()) {
    let was = COUNT_HERE.with(|c| c.replace(false));
    f();
    COUNT_HERE.with(|c| c.set(was));
}

#[test]
fn the_hosted_piece_never_allocates_or_frees_in_process() {
    use scamp::hosted::{HostedConfig, HostedPiece, PieceFn, Transport};
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    scamp::render::renderer::set_note_on_guard(uncounted);
    const SR: f64 = 48_000.0;
    const BLOCK: usize = 256;
    let pieces: Vec<PieceFn> = scamp::pieces::BUILT_IN[..3]
        .iter()
        .map(|&(_, f)| Arc::new(move |s: &Session| f(s)) as PieceFn)
        .collect();
    let config = HostedConfig {
        sample_rate: SR,
        soundfont: Some("default".into()),
        ..HostedConfig::default()
    };
    let mut hosted = HostedPiece::new(pieces, config).unwrap();
    let (mut l, mut r) = (vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]);
    let seconds = |s: f64| (s * SR) as usize / BLOCK;
    // Stopped, playing, a tempo change, a loop of a beat (wraps), a seek, another piece (its
    // own synths), stopped again; blocks at a sound card's pace.
    let plan = |block: usize| -> (Transport, Option<usize>) {
        let t = (block * BLOCK) as f64 / SR;
        let playing = |tempo: f64, beat: f64| Transport {
            playing: true,
            tempo: Some(tempo),
            beat: Some(beat),
            loop_range: None,
        };
        if block < seconds(0.3) {
            (
                Transport {
                    playing: false,
                    ..playing(120.0, 0.0)
                },
                None,
            )
        } else if block < seconds(1.3) {
            (playing(120.0, (t - 0.3) * 2.0), None)
        } else if block < seconds(2.0) {
            (playing(150.0, 2.0 + (t - 1.3) * 2.5), None)
        } else if block < seconds(3.5) {
            let beat = 8.0 + ((t - 2.0) * 2.0) % 1.0;
            (
                Transport {
                    loop_range: Some((8.0, 9.0)),
                    ..playing(120.0, beat)
                },
                None,
            )
        } else if block < seconds(4.2) {
            (playing(120.0, 32.0 + (t - 3.5) * 2.0), None)
        } else if block < seconds(5.0) {
            (playing(120.0, 40.0 + (t - 4.2) * 2.0), Some(1))
        } else {
            (
                Transport {
                    playing: false,
                    ..playing(120.0, 41.6)
                },
                Some(1),
            )
        }
    };
    let started = Instant::now();
    let (mut allocating, mut notes) = (Vec::new(), 0usize);
    for block in 0..seconds(5.5) {
        let due = Duration::from_secs_f64((block * BLOCK) as f64 / SR);
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
        let (transport, piece) = plan(block);
        if let Some(p) = piece {
            hosted.set_piece(p);
        }
        let ((), n) = counted(|| {
            hosted.process(&mut l, &mut r, transport, &mut |_, m| {
                if matches!(m, scamp::event::MidiMessage::NoteOn { .. }) {
                    notes += 1;
                }
            })
        });
        if n > 0 {
            allocating.push((block, n));
        }
    }
    drop(hosted);
    assert!(notes > 25, "it played: {notes} note-ons");
    assert!(
        allocating.is_empty(),
        "blocks that allocated or freed: {allocating:?}"
    );
}
