//! `scamp host PIECE`: a built-in piece (or, with `--performance`, a Performance file) rendered
//! exactly as the plugin plays it under a host's transport (the hosted piece, bounced offline,
//! fed exact positions and the host's tempo map), on the plugin's default font or the one
//! `--soundfont` names, as the plugin's window chooses them. The reference that renders from
//! real hosts (Ardour, DawDreamer) are compared with.

use scamp::hosted::{HostedConfig, HostedPiece, PieceFn, Transport};
use scamp::Error;
use std::path::Path;
use std::sync::{Arc, RwLock};

/// What `scamp host` was asked.
#[derive(clap::Args, Debug)]
pub struct HostArgs {
    /// A built-in piece: Arpeggio, Polytempo, Microtonal, Demo or Echo (none with
    /// `--performance`).
    pub piece: Option<String>,
    /// Play this SCAMP Performance (JSON), as the plugin's *Performance file* piece does.
    #[arg(long, value_name = "FILE", conflicts_with = "piece")]
    pub performance: Option<std::path::PathBuf>,
    /// The SoundFont for parts that name none (a path, general_midi or default), as chosen in
    /// the plugin's window.
    #[arg(long, value_name = "FONT", default_value = "default")]
    pub soundfont: String,
    /// The host's tempo (bpm).
    #[arg(long, default_value_t = 120.0)]
    pub tempo: f64,
    /// A tempo change in the host's tempo map: `BEAT:BPM` (from that beat on).
    #[arg(long, value_name = "BEAT:BPM")]
    pub tempo_change: Option<String>,
    /// Seconds of audio.
    #[arg(long, default_value_t = 8.0)]
    pub seconds: f64,
    #[arg(long, default_value_t = 48_000)]
    pub sample_rate: u32,
    #[arg(long, default_value_t = 512)]
    pub block_size: usize,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Write the audio here (32-bit float WAV).
    #[arg(long, value_name = "FILE")]
    pub render: std::path::PathBuf,
}

fn tempo_change(text: &str) -> scamp::Result<(f64, f64)> {
    let bad = || {
        Error::invalid_argument(
            "--tempo-change",
            format!("{text:?}"),
            "BEAT:BPM with a beat >= 0 and a tempo > 0, such as 8:120",
        )
    };
    let (beat, bpm) = text.split_once(':').ok_or_else(bad)?;
    let beat: f64 = beat.trim().parse().map_err(|_| bad())?;
    let bpm: f64 = bpm.trim().parse().map_err(|_| bad())?;
    if !(beat.is_finite() && beat >= 0.0 && bpm.is_finite() && bpm > 0.0) {
        return Err(bad());
    }
    Ok((beat, bpm))
}

/// The piece asked for: a built-in one by name, or the Performance file's.
fn piece(args: &HostArgs) -> scamp::Result<PieceFn> {
    let names: Vec<&str> = scamp::pieces::BUILT_IN.iter().map(|(n, _)| *n).collect();
    if let Some(path) = &args.performance {
        // Checked here, so a bad file is this command's error rather than a silent render.
        scamp::transcribe::Performance::load_from_json(path)?;
        let path = Arc::new(RwLock::new(path.display().to_string()));
        return Ok(scamp::pieces::performance_file(path));
    }
    let Some(name) = &args.piece else {
        return Err(Error::invalid_argument(
            "piece",
            "none",
            format!(
                "a built-in piece ({}), or --performance FILE",
                names.join(", ")
            ),
        ));
    };
    let (_, piece) = scamp::pieces::BUILT_IN
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            Error::invalid_argument(
                "piece",
                format!("'{name}'"),
                format!("a built-in piece: {}", names.join(", ")),
            )
        })?;
    let piece = *piece;
    Ok(Arc::new(move |s: &scamp::Session| piece(s)))
}

pub fn host(args: &HostArgs) -> scamp::Result<()> {
    let piece = piece(args)?;
    // The font is checked here too: a session that cannot start would render silence.
    scamp::soundfont::SoundFontInfo::resolve(&args.soundfont)?;
    for (what, value) in [("--tempo", args.tempo), ("--seconds", args.seconds)] {
        if !(value.is_finite() && value > 0.0) {
            return Err(Error::invalid_argument(what, value, "a number > 0"));
        }
    }
    if args.block_size == 0 || args.block_size > 1 << 16 {
        return Err(Error::invalid_argument(
            "--block-size",
            args.block_size,
            "1 to 65536 samples",
        ));
    }
    let change = args.tempo_change.as_deref().map(tempo_change).transpose()?;
    let pieces: Vec<PieceFn> = vec![piece];
    let sr = args.sample_rate as f64;
    let config = HostedConfig {
        sample_rate: sr,
        seed: args.seed,
        soundfont: Some(args.soundfont.clone()),
        ..HostedConfig::default()
    };
    let mut hosted = HostedPiece::new(pieces, config)?;
    let total = (args.seconds * sr).round() as usize;
    let (mut left, mut right) = (vec![0.0f32; total], vec![0.0f32; total]);
    // Where the tempo map puts each block: the first tempo up to the change, then the second.
    let change_at = change.map(|(beat, bpm)| (beat, beat * 60.0 / args.tempo, bpm));
    let mut at = 0;
    while at < total {
        let n = args.block_size.min(total - at);
        let seconds = at as f64 / sr;
        let (tempo, beat) = match change_at {
            Some((beat, time, bpm)) if seconds >= time => {
                (bpm, beat + (seconds - time) * bpm / 60.0)
            }
            _ => (args.tempo, seconds * args.tempo / 60.0),
        };
        let transport = Transport {
            playing: true,
            tempo: Some(tempo),
            beat: Some(beat),
            loop_range: None,
        };
        let (l, r) = (&mut left[at..at + n], &mut right[at..at + n]);
        hosted.process_offline(l, r, transport, &mut |_, _| {});
        at += n;
    }
    drop(hosted);
    scamp::render::wav::write_wav(Path::new(&args.render), args.sample_rate, &left, &right)?;
    println!("wrote {}", args.render.display());
    Ok(())
}
