//! Pieces that misbehave, built into a plugin exactly as a user's own pieces are
//! (`scamp_plugin!`), so the host tests can check that a host survives each of them:
//! - *Runaway*: plays a note, then loops without ever waiting;
//! - *Recursion*: recurses without end (a stack overflow) in a forked process;
//! - *Bad font*: plays on a SoundFont whose path `$SCAMP_TEST_FONT` names (a font with
//!   corrupt sample headers, which makes the synth panic when it renders).

use scamp::prelude::*;

fn runaway(session: &Session) -> scamp::Result<()> {
    let piano = session.new_part("piano")?;
    piano.play_note(60, 0.8, 1.0)?;
    let mut n = 0u64;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

#[allow(unconditional_recursion)]
fn deeper(depth: u64, pad: [u8; 256]) -> u64 {
    let pad = std::hint::black_box(pad);
    deeper(depth + 1, pad) + pad[(depth % 256) as usize] as u64
}

fn recursion(session: &Session) -> scamp::Result<()> {
    let piano = session.new_part("piano")?;
    piano.play_note(60, 0.8, 1.0)?;
    session.fork_with(
        |_clock| {
            std::hint::black_box(deeper(0, [1; 256]));
            Ok(())
        },
        ForkOptions::new().name("bottomless"),
    )?;
    loop {
        piano.play_note(64, 0.8, 1.0)?;
    }
}

fn bad_font(session: &Session) -> scamp::Result<()> {
    let font = std::env::var("SCAMP_TEST_FONT").unwrap_or_default();
    let part = session.new_part_with("piano", PartOptions::new().soundfont(font))?;
    loop {
        part.play_note(60, 0.8, 0.5)?;
    }
}

scamp_plugin::scamp_plugin!(
    FaultPieces,
    "scamp fault pieces",
    "org.scamp-rs.fault-pieces",
    *b"ScampRsFaults001",
    [
        ("Runaway", runaway),
        ("Recursion", recursion),
        ("Bad font", bad_font)
    ]
);
