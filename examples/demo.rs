//! The demo piece (`scamp::pieces::demo`): a seeded random melody over a slow bass, with a
//! glissando to close. Render it: `cargo run --release --example demo -- --render demo.wav`
//! (or play it: `--realtime`; change the dice: `--seed 7`; also save `--json/--midi/--png`).

fn main() {
    scamp::run(scamp::pieces::demo);
}
