//! Writes the default General-MIDI SoundFont that the library embeds (see
//! `src/soundfont/generate.rs`).

#[path = "src/soundfont/generate.rs"]
mod generate;

fn main() {
    println!("cargo:rerun-if-changed=src/soundfont/generate.rs");
    println!("cargo:rerun-if-changed=src/soundfont/sf2_writer.rs");
    let out =
        std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    std::fs::write(
        out.join("default_gm.sf2"),
        generate::default_soundfont_bytes(),
    )
    .expect("writing the default SoundFont into OUT_DIR");
}
