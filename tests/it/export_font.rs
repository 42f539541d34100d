//! `scamp export-font`: the built-in SoundFont as a file that another synthesizer, FluidSynth,
//! loads and plays (a SCAMP Performance converted to MIDI, rendered by `fluidsynth -F`).

use crate::support::cli;

use std::process::Command;

#[test]
fn the_exported_built_in_font_loads_and_sounds_in_fluidsynth() {
    let dir = cli::scratch("export-font");
    let font = dir.join("built-in.sf2");
    let (ok, err) = cli::scamp([std::ffi::OsStr::new("export-font"), font.as_os_str()]);
    assert!(ok, "{err}");
    assert_eq!(
        std::fs::read(&font).unwrap(),
        scamp::soundfont::EMBEDDED_SOUNDFONT
    );
    let midi = dir.join("hello.mid");
    let (ok, err) = cli::scamp([
        "convert",
        "tests/fixtures/scamp/hello_performance.json",
        "--midi",
        midi.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let wav = dir.join("hello.wav");
    let out = Command::new("fluidsynth")
        .args(["-ni", "-q", "-r", "44100", "-F"])
        .args([&wav, &font, &midi])
        .output()
        .expect("cannot run fluidsynth (scripts/setup.sh installs it)");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        !said.to_lowercase().contains("error") && !said.contains("Failed"),
        "FluidSynth complained about the font: {said}"
    );
    let (rate, left, _) = scamp::render::wav::read_wav(&wav).unwrap();
    assert_eq!(rate, 44_100);
    let peak = left.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(
        peak > 0.01,
        "FluidSynth played the performance on it (peak {peak})"
    );
    std::fs::remove_dir_all(&dir).ok();
}
