//! The `scamp` command-line program: SoundFont presets, output devices, benchmarks.

mod bench;
mod bench_render;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "scamp",
    version,
    about = "Computer-assisted composition engine: benchmarks and tools"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Measure the engine; each prints a JSON line last.
    #[command(subcommand)]
    Bench(bench::Bench),
    /// List a SoundFont's presets (default: the one "general_midi" resolves to).
    Presets {
        /// "general_midi", "default" (the embedded font) or a path to an .sf2 file.
        soundfont: Option<String>,
    },
    /// List the MIDI output ports and the default audio output.
    Devices,
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Bench(b) => bench::run(b),
        Command::Presets { soundfont } => presets(soundfont.as_deref().unwrap_or("general_midi")),
        Command::Devices => devices(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn presets(soundfont: &str) -> scamp::Result<()> {
    let font = scamp::soundfont::SoundFontInfo::resolve(soundfont)?;
    println!(
        "Presets of {} ({} presets):",
        font.describe(),
        font.presets.len()
    );
    println!(" bank prog  name");
    for p in font.presets.iter() {
        println!("{:>5} {:>4}  {}", p.bank, p.program, p.name);
    }
    Ok(())
}

fn devices() -> scamp::Result<()> {
    match scamp::playback::midi::output_port_names() {
        Ok(ports) if ports.is_empty() => println!("MIDI outputs: none"),
        Ok(ports) => {
            println!("MIDI outputs:");
            for (i, p) in ports.iter().enumerate() {
                println!("  {i}: {p}");
            }
        }
        Err(e) => println!("MIDI outputs: unavailable ({e})"),
    }
    match scamp::render::realtime::default_output_device() {
        Ok((_, name)) => println!("Audio output: {name}"),
        Err(e) => println!("Audio output: {e}"),
    }
    Ok(())
}
