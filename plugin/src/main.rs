//! The plugin as a standalone program with its own audio device: `scamp_plugin --help` (bundled as `target/bundled/scamp`);
//! `--backend dummy` runs it without a sound card. Exits with status 1, after saying why, when
//! no audio backend works.

use nice_plug::prelude::*;
use scamp_plugin::{BuiltInPieces, ScampPlugin};

fn main() {
    if !nice_export_standalone::<ScampPlugin<BuiltInPieces>>() {
        eprintln!("scamp: no audio backend could be started (try --backend dummy, or --help for the options)");
        std::process::exit(1);
    }
}
