//! `cargo xtask bundle scamp-plugin --release`: builds the plugin and writes the `.clap`, the
//! `.vst3` bundle and the standalone program to `target/bundled/`.

fn main() -> nice_plug_xtask::Result<()> {
    nice_plug_xtask::main()
}
