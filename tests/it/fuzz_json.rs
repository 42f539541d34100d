//! Seeded fuzzing of what users load as JSON: Performance files (SCAMP's own, mutated in its
//! numbers and its text), each either refused with an error or played to its end offline
//! (capped, as `scamp play --duration` does); and saved sessions, each refused or loaded and
//! played a note on every instrument. Every case runs under a timeout: 0 panics, 0 hangs.

use crate::support::fuzz;

use fuzz::{within, Rng};
use scamp::prelude::*;
use scamp::replay::PerformancePlayOptions;
use scamp::run::{render_piece, RenderOptions};
use scamp::transcribe::Performance;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(30);
const FIXTURE: &str = "tests/fixtures/scamp/hello_performance.json";

/// Numbers a player trips on, written as JSON.
fn nasty_number(rng: &mut Rng) -> String {
    const NASTY: [&str; 14] = [
        "0",
        "-0.0",
        "-1",
        "1e9",
        "1e308",
        "-1e308",
        "1e-300",
        "5e-324",
        "127.99",
        "128",
        "-129",
        "1e7",
        "0.0001",
        "4294967296",
    ];
    if rng.chance(3) {
        format!("{}", (rng.next() % 2000) as f64 / 7.0 - 100.0)
    } else {
        NASTY[rng.below(NASTY.len())].to_string()
    }
}

/// The spans of the numbers in `text` (outside strings).
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let (mut out, mut i, mut in_string) = (Vec::new(), 0, false);
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'"' {
            in_string = !in_string;
        } else if !in_string && (c == b'-' || c.is_ascii_digit()) {
            let start = i;
            while i < bytes.len() && b"-+.eE0123456789".contains(&bytes[i]) {
                i += 1;
            }
            out.push((start, i));
            continue;
        }
        i += 1;
    }
    out
}

fn mutate(good: &str, spans: &[(usize, usize)], rng: &mut Rng) -> String {
    let mut text = good.to_string();
    match rng.below(5) {
        0..=2 => {
            // One to three numbers replaced, from the last so the spans stay right.
            let mut picked: Vec<(usize, usize)> = (0..1 + rng.below(3))
                .map(|_| spans[rng.below(spans.len())])
                .collect();
            picked.sort_unstable();
            picked.dedup();
            for (a, b) in picked.into_iter().rev() {
                text.replace_range(a..b, &nasty_number(rng));
            }
        }
        3 => {
            // A few characters deleted, duplicated or replaced.
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(text.len());
                if !text.is_char_boundary(at) {
                    continue;
                }
                match rng.below(3) {
                    0 => {
                        text.remove(at);
                    }
                    1 => {
                        let c = text[at..].chars().next().unwrap();
                        text.insert(at, c);
                    }
                    _ => {
                        text.replace_range(
                            at..at + 1,
                            ["[", "]", "{", "}", ",", "\"", "null", "1"][rng.below(8)],
                        );
                    }
                }
            }
        }
        _ => {
            let cut = rng.below(text.len());
            if text.is_char_boundary(cut) {
                text.truncate(cut);
            }
        }
    }
    text
}

#[test]
#[ignore = "a release build's work: scripts/test.sh runs it with --release --ignored"]
fn mutated_performances_are_refused_or_play_to_their_end() {
    let good = std::fs::read_to_string(FIXTURE).unwrap();
    let spans = numbers(&good);
    assert!(spans.len() > 30);
    let mut rng = Rng::new(0x0_9E4F_0EAD);
    let (mut refused, mut played, mut failures) = (0, 0, Vec::new());
    for case in 0..1000 {
        let text = mutate(&good, &spans, &mut rng);
        let outcome = within(LIMIT, move || {
            let performance = match Performance::json_loads(&text) {
                Ok(p) => p,
                Err(e @ scamp::Error::InvalidJson { .. }) => return Ok(("refused", e.to_string())),
                Err(e) => return Err(format!("refused, but not as invalid JSON: {e:?}")),
            };
            let options = RenderOptions {
                soundfont: Some("default".into()),
                duration: Some(3.0),
                ..RenderOptions::default()
            };
            let report = render_piece(&options, move |s| {
                performance.play(s, PerformancePlayOptions::new())
            })
            .map_err(|e| e.to_string())?;
            match report.piece_error {
                None => Ok(("played", String::new())),
                Some(e) => Err(format!("it loaded, then failed while playing: {e}")),
            }
        });
        match outcome {
            Ok(("refused", message)) => {
                refused += 1;
                assert!(
                    message.contains("Performance JSON"),
                    "case {case}: {message}"
                );
            }
            Ok(_) => played += 1,
            Err(e) => failures.push(format!("case {case}: {e}")),
        }
    }
    println!("1000 mutated performances: {refused} refused, {played} played");
    assert!(
        played > 50 && refused > 50,
        "{played} played, {refused} refused"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "a release build's work: scripts/test.sh runs it with --release --ignored"]
fn mutated_sessions_are_refused_or_load_and_play() {
    let session = Session::fast_forward_session(96.0).unwrap();
    session
        .new_part_with("piano", PartOptions::new().soundfont("default"))
        .unwrap();
    session
        .new_part_with("violin", PartOptions::new().soundfont("default"))
        .unwrap();
    let good = session.json_dumps().unwrap();
    drop(session);
    let spans = numbers(&good);
    let mut rng = Rng::new(0x5E55_1011);
    let (mut refused, mut loaded, mut failures) = (0, 0, Vec::new());
    for case in 0..1000 {
        let text = mutate(&good, &spans, &mut rng);
        let outcome = within(LIMIT, move || {
            let session = match Session::json_loads_with_driver(&text, FastForwardDriver) {
                Ok(s) => s,
                Err(_) => return Ok(false),
            };
            for instrument in session.instruments() {
                instrument
                    .play_note(60, 0.5, 0.25)
                    .map_err(|e| format!("it loaded, then failed to play: {e}"))?;
            }
            Ok(true)
        });
        match outcome {
            Ok(false) => refused += 1,
            Ok(true) => loaded += 1,
            Err(e) => failures.push(format!("case {case}: {e}")),
        }
    }
    println!("1000 mutated sessions: {refused} refused, {loaded} loaded and played");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
