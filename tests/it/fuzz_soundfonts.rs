//! Seeded fuzzing of SoundFont loading: thousands of fonts mutated from the embedded one
//! (header fields, zone generators, raw bytes of every table, truncations). Each either is
//! refused with an error naming the file, or loads and then plays a note on every one of its
//! presets without a synth fault. Every case runs under a timeout. Fonts that once got past
//! the checks are kept in `tests/fixtures/soundfonts/` as patches to the embedded font
//! (`at OFFSET HEXBYTES` lines) and replayed first.

use crate::support::fuzz;

use fuzz::{within, Rng};
use scamp::event::AudioEvent;
use scamp::event::MidiMessage;
use scamp::render::BlockRenderer;
use scamp::soundfont::{SoundFontInfo, EMBEDDED_SOUNDFONT};
use std::path::{Path, PathBuf};
use std::time::Duration;

const CASES: usize = 1_200;
const LIMIT: Duration = Duration::from_secs(20);

/// Where each table of the font lies (contents, size).
fn chunk(font: &[u8], id: &[u8; 4]) -> (usize, usize) {
    let at = font.windows(4).position(|w| w == id).expect("the chunk");
    let size = u32::from_le_bytes(font[at + 4..at + 8].try_into().unwrap()) as usize;
    (at + 8, size)
}

const TABLES: [&[u8; 4]; 9] = [
    b"phdr", b"pbag", b"pmod", b"pgen", b"inst", b"ibag", b"imod", b"igen", b"shdr",
];

fn mutate(rng: &mut Rng) -> Vec<u8> {
    let mut font = EMBEDDED_SOUNDFONT.to_vec();
    let points = (chunk(&font, b"smpl").1 / 2) as u32;
    match rng.below(6) {
        0 | 1 => {
            // A field of a sample header.
            let (at, size) = chunk(&font, b"shdr");
            let header = rng.below(size / 46);
            let field = at + header * 46 + 20 + 4 * rng.below(4);
            let v = rng.nasty_u32(points);
            font[field..field + 4].copy_from_slice(&v.to_le_bytes());
        }
        2 => {
            // A generator's amount (or kind) in a preset or instrument zone.
            let (at, size) = chunk(&font, if rng.chance(2) { b"igen" } else { b"pgen" });
            let g = at + 4 * rng.below(size / 4) + if rng.chance(4) { 0 } else { 2 };
            let v = rng.nasty_u32(u32::from(u16::MAX)) as u16;
            font[g..g + 2].copy_from_slice(&v.to_le_bytes());
        }
        3 => {
            // Raw bytes of one table.
            let (at, size) = chunk(&font, TABLES[rng.below(TABLES.len())]);
            rng.flip_bytes(&mut font, at..at + size, 8);
        }
        4 => {
            // Bytes anywhere before the sample data ends, chunk headers included.
            let (smpl, size) = chunk(&font, b"smpl");
            let n = font.len();
            let range = if rng.chance(2) {
                0..smpl
            } else {
                smpl + size..n
            };
            rng.flip_bytes(&mut font, range, 4);
        }
        _ => {
            let cut = rng.below(font.len());
            font.truncate(cut);
        }
    }
    font
}

/// Loads the font at `path`; if it loads, plays a short note on each of its presets.
fn try_font(path: &Path) -> Result<&'static str, String> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let font = match SoundFontInfo::resolve(path.to_str().unwrap()) {
        Ok(font) => font,
        Err(e) => {
            let message = e.to_string();
            return if message.contains(&name) {
                Ok("refused")
            } else {
                Err(format!("an error that does not name the file: {message}"))
            };
        }
    };
    let sr = 22_050.0;
    let mut events = Vec::new();
    for (i, p) in font.presets.iter().enumerate() {
        // Sixteen at a time, one a channel.
        let (t, channel) = ((i / 16) as f64 * 0.01, (i % 16) as u8);
        let bank = p.bank;
        let program = p.program;
        for (stamp, message) in [
            (
                t,
                MidiMessage::ProgramChange {
                    channel,
                    bank,
                    program,
                },
            ),
            (
                t,
                MidiMessage::NoteOn {
                    channel,
                    key: 40 + (i % 60) as u8,
                    velocity: 110,
                },
            ),
            (
                t + 0.008,
                MidiMessage::NoteOff {
                    channel,
                    key: 40 + (i % 60) as u8,
                },
            ),
        ] {
            events.push(AudioEvent {
                stamp,
                synth: 0,
                message,
            });
        }
    }
    let mut r = BlockRenderer::for_events(sr, &[font], events).map_err(|e| e.to_string())?;
    let (mut l, mut rr) = (vec![0.0f32; 1024], vec![0.0f32; 1024]);
    while r.has_pending_events() {
        r.render(&mut l, &mut rr);
        if r.synth_faults() > 0 {
            return Err("it loaded, and its synth failed while playing".into());
        }
    }
    r.render(&mut l, &mut rr);
    if let Some(x) = l.iter().chain(&rr).find(|x| !x.is_finite()) {
        return Err(format!("it loaded, and played a non-finite sample ({x})"));
    }
    Ok("played")
}

/// The fixtures, applied to the embedded font: (name, bytes).
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/soundfonts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the fixtures folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let mut font = EMBEDDED_SOUNDFONT.to_vec();
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                let Some(patch) = line.strip_prefix("at ") else {
                    continue;
                };
                let (at, hex) = patch.split_once(' ').expect("at OFFSET HEXBYTES");
                let at: usize = at.parse().unwrap();
                for (k, pair) in hex.as_bytes().chunks(2).enumerate() {
                    let byte = u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap();
                    font[at + k] = byte;
                }
            }
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            (name, font)
        })
        .collect()
}

#[test]
#[ignore = "a release build's work: scripts/test.sh runs it with --release --ignored"]
fn mutated_soundfonts_are_refused_clearly_or_play_every_preset() {
    let dir = std::env::temp_dir().join(format!("scamp-fuzz-sf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    let (mut refused, mut played) = (0, 0);
    let mut count = |outcome: &str| match outcome {
        "refused" => refused += 1,
        _ => played += 1,
    };
    let fixtures = fixtures();
    assert!(!fixtures.is_empty());
    for (name, bytes) in fixtures {
        let path = dir.join(format!("{name}.sf2"));
        std::fs::write(&path, &bytes).unwrap();
        match within(LIMIT, move || try_font(&path)) {
            // Each was a crasher: it must now be refused.
            Ok("refused") => count("refused"),
            Ok(outcome) => failures.push(format!("fixture {name}: {outcome}, not refused")),
            Err(e) => failures.push(format!("fixture {name}: {e}")),
        }
    }
    let mut rng = Rng::new(0x5F2_F0A7);
    for case in 0..CASES {
        let bytes = mutate(&mut rng);
        let path = dir.join(format!("case{case}.sf2"));
        std::fs::write(&path, &bytes).unwrap();
        let checked = path.clone();
        match within(LIMIT, move || try_font(&checked)) {
            Ok(outcome) => {
                count(outcome);
                std::fs::remove_file(&path).ok();
            }
            // Left in the folder, to be kept as a fixture.
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    println!(
        "{CASES} mutated fonts and the fixtures: {refused} refused, {played} played every preset"
    );
    if failures.is_empty() {
        std::fs::remove_dir_all(&dir).ok();
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
