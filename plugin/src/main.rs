//! The plugin as a standalone program with its own audio device: `scamp_plugin --help` (bundled as `target/bundled/scamp`);
//! `--backend dummy` runs it without a sound card. It opens the plugin's window, unless given
//! `--no-editor` or run where there is no display (no `DISPLAY` or `WAYLAND_DISPLAY`): then it
//! plays headless until interrupted. Exits with status 1, after saying why, when no audio
//! backend works.

use scamp_plugin::{BuiltInPieces, ScampPlugin};

/// The flag that keeps the standalone headless (taken out before nice-plug reads the rest).
const NO_EDITOR: &str = "--no-editor";

fn main() {
    let mut args: Vec<String> = std::env::args().collect();
    let asked = args.iter().any(|a| a == NO_EDITOR);
    args.retain(|a| a != NO_EDITOR);
    let display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()));
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{NO_EDITOR}: play without opening the window (also when there is no display)\n");
    }
    scamp_plugin::run_standalone();
    if asked || !display {
        if !asked {
            eprintln!("scamp: no display, so no window: playing headless (Ctrl-C ends)");
        }
        scamp_plugin::run_headless();
    }
    if !nice_plug::wrapper::standalone::nice_export_standalone_with_args::<
        ScampPlugin<BuiltInPieces>,
        _,
    >(args)
    {
        eprintln!("scamp: no audio backend could be started (try --backend dummy, or --help for the options)");
        std::process::exit(1);
    }
}
