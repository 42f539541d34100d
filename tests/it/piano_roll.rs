//! The piano-roll picture: notes where they belong, in their part's colour, glides curving,
//! rests empty; the PNG decodes.

use scamp::transcribe::piano_roll::{BACKGROUND, PALETTE};
use scamp::transcribe::{Performance, PianoRollOptions};

#[test]
fn notes_glides_and_empty_space_are_where_they_should_be() {
    let perf = Performance::load_from_json("tests/fixtures/scamp/hello_performance.json").unwrap();
    let o = PianoRollOptions::new()
        .pixels_per_beat(80.0)
        .pixels_per_semitone(8);
    let pic = perf.piano_roll(&o).unwrap();
    // Pitch range of the fixture: 60..74 → rows from 77 (74 + 3) down to 58 (60 - 2).
    let (high, pps, ppb, left) = (77.0, 8.0, 80.0, 24.0);
    let at = |beat: f64, pitch: f64| {
        pic.pixel(
            (left + beat * ppb).round() as u32,
            ((high - pitch) * pps).round() as u32,
        )
    };
    let tinted = |px: [u8; 3], color: [u8; 3]| {
        // Blended towards the colour: each channel moved from white in the colour's direction.
        (0..3).all(|c| (px[c] as i32 - 255).signum() == (color[c] as i32 - 255).signum())
            && px != BACKGROUND
    };
    let (piano, clarinet) = (PALETTE[0], PALETTE[1]);
    assert!(
        tinted(at(0.25, 60.0), piano),
        "first piano note: {:?}",
        at(0.25, 60.0)
    );
    assert!(tinted(at(1.75, 72.0), piano), "C5 at beat 1.5-2");
    assert_eq!(
        at(0.25, 67.0),
        BACKGROUND,
        "nothing at G4 during the first note"
    );
    // The clarinet glide 67 → 74 over beats 1-3: near 67 early, near 74 late.
    assert!(tinted(at(1.6, 69.1), clarinet), "{:?}", at(1.6, 69.1));
    assert!(tinted(at(2.9, 73.65), clarinet));
    assert_eq!(at(2.9, 70.0), BACKGROUND, "the glide has passed 70 by then");
    // Louder is more opaque: the piano's first note (0.8) is darker than the glide's start (0.2).
    let sum = |p: [u8; 3]| p.iter().map(|&c| c as u32).sum::<u32>();
    assert!(sum(at(0.25, 60.0)) < sum(at(1.6, 69.1)));

    let path = std::env::temp_dir().join(format!("scamp-roll-{}.png", std::process::id()));
    perf.save_piano_roll(&path, &o).unwrap();
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
    let reader = decoder.read_info().unwrap();
    assert_eq!(
        (reader.info().width, reader.info().height),
        (pic.width, pic.height)
    );
    std::fs::remove_file(&path).ok();
}

#[test]
fn the_legend_names_each_part_in_its_colour_legibly_enough_for_ocr() {
    let perf = Performance::load_from_json("tests/fixtures/scamp/hello_performance.json").unwrap();
    let pic = perf.piano_roll(&PianoRollOptions::default()).unwrap();
    // The roll as before (pitches 58..77 at 8 pixels, the beat numbers), then one legend row.
    let roll_height = (77 - 58) * 8 + 10;
    assert_eq!(pic.height, roll_height + 14);
    // Each part's swatch, in its colour, left to right.
    let top = roll_height + 2;
    assert_eq!(pic.pixel(7, top + 3), PALETTE[0], "the piano's swatch");
    let clarinet_swatch = (0..pic.width).find(|&x| pic.pixel(x, top + 3) == PALETTE[1]);
    assert!(
        clarinet_swatch.is_some_and(|x| x > 40),
        "{clarinet_swatch:?}"
    );
    // And the names, read back by an OCR program (tesseract), from the legend scaled up.
    let dir = std::env::temp_dir().join(format!("scamp-legend-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (png, scaled) = (dir.join("roll.png"), dir.join("legend.png"));
    perf.save_piano_roll(&png, &PianoRollOptions::default())
        .unwrap();
    let run = |program: &str, args: &[&str]| {
        let out = std::process::Command::new(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program} (scripts/setup.sh installs it): {e}"));
        assert!(
            out.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    run(
        "convert",
        &[
            png.to_str().unwrap(),
            "-gravity",
            "South",
            "-crop",
            &format!("{}x14+0+0", pic.width),
            "-filter",
            "point",
            "-resize",
            "600%",
            "-blur",
            "0x3",
            "-bordercolor",
            "white",
            "-border",
            "40",
            scaled.to_str().unwrap(),
        ],
    );
    let read = run("tesseract", &[scaled.to_str().unwrap(), "-", "--psm", "7"]);
    for name in ["PIANO", "CLARINET"] {
        assert!(read.contains(name), "tesseract read {read:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
