//! [`run`]: the one-call entry point that gives every piece the same command line.
//!
//! ```text
//! my_piece --render out.wav     render offline (faster than real time) to a WAV file
//! my_piece --realtime           play on the default audio device
//! my_piece                      the same as --realtime
//!   --seed N  --soundfont PATH  --sample-rate HZ  --tempo BPM  --block-size N  --threads N  --quiet
//!   --json FILE  --midi FILE  --png FILE   also save what was played (Performance JSON,
//!                                           Standard MIDI File, piano-roll picture)
//!   --duration SECONDS                      stop the piece there (for pieces that never end)
//! ```
//!
//! The piece is a function of the [`Session`] it plays on: the session's tempo, seed and
//! default SoundFont come from the command line, so the same piece renders, plays (and, later,
//! runs in a plugin) unchanged.

use super::offline::render_piece;
use super::options::{RenderOptions, DEFAULT_BLOCK};
use super::realtime::play_piece;
use crate::error::{Error, Result};
use crate::notation::ScoreOptions;
use crate::replay::MidiExportOptions;
use crate::session::Session;
use crate::transcribe::{Performance, PianoRollOptions};
use clap::Parser;
use std::path::{Path, PathBuf};

/// A piece's command line.
#[derive(Debug, Clone, Parser)]
#[command(
    about = "Runs a scamp piece: renders it to a WAV file or plays it in real time",
    allow_negative_numbers = true
)]
pub struct RunArgs {
    /// Render offline to this WAV file instead of playing.
    #[arg(long, value_name = "FILE")]
    pub render: Option<PathBuf>,
    /// Play on the default audio device (the default when --render is not given).
    #[arg(long, conflicts_with = "render")]
    pub realtime: bool,
    /// Seed of the session's random numbers.
    #[arg(long, default_value_t = crate::random::DEFAULT_SEED)]
    pub seed: u64,
    /// SoundFont for parts that do not name one ("general_midi", "default" or a path).
    #[arg(long, value_name = "PATH")]
    pub soundfont: Option<String>,
    /// Sample rate of a render, in Hz.
    #[arg(long, default_value_t = crate::render::DEFAULT_SAMPLE_RATE, value_name = "HZ")]
    pub sample_rate: u32,
    /// Initial tempo of the session, in beats per minute.
    #[arg(long, default_value_t = 60.0, value_name = "BPM")]
    pub tempo: f64,
    /// Samples per rendered block (the audio is the same for any size).
    #[arg(long, default_value_t = DEFAULT_BLOCK)]
    pub block_size: usize,
    /// Threads a render's synths play on (0: one per core; the audio is the same for any).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
    /// No progress bar or summary.
    #[arg(long)]
    pub quiet: bool,
    /// Save what was played as SCAMP Performance JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Save what was played as a Standard MIDI File.
    #[arg(long, value_name = "FILE")]
    pub midi: Option<PathBuf>,
    /// Save a piano-roll picture of what was played (PNG).
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Save what was played as a score in MusicXML (quantized in 4/4, as SCAMP's `to_score`).
    #[arg(long, value_name = "FILE")]
    pub musicxml: Option<PathBuf>,
    /// Save what was played as a score in LilyPond (quantized in 4/4, as SCAMP's `to_score`).
    #[arg(long, value_name = "FILE")]
    pub ly: Option<PathBuf>,
    /// Save what was played as a score in PDF, engraved by MuseScore 3 (Debian `musescore3`).
    #[arg(long, value_name = "FILE")]
    pub score_pdf: Option<PathBuf>,
    /// Save the score's first page as a PNG (further pages beside it as FILE-2.png, ...),
    /// engraved by MuseScore 3.
    #[arg(long, value_name = "FILE")]
    pub score_png: Option<PathBuf>,
    /// Stop the piece after this many seconds (a piece that never ends, such as one waiting
    /// for input, needs it to render); its notes end there and ring out.
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<f64>,
    /// Stop when a process runs this many seconds without waiting (0: never).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub runaway_limit: f64,
}

impl RunArgs {
    /// The render settings the command line asks for.
    pub fn render_options(&self) -> RenderOptions {
        RenderOptions {
            sample_rate: self.sample_rate,
            block_size: self.block_size,
            threads: self.threads,
            tempo: self.tempo,
            seed: self.seed,
            soundfont: self.soundfont.clone(),
            progress: !self.quiet,
            transcribe: self.json.is_some()
                || self.midi.is_some()
                || self.png.is_some()
                || self.musicxml.is_some()
                || self.ly.is_some()
                || self.score_pdf.is_some()
                || self.score_png.is_some(),
            duration: self.duration,
            runaway_limit: (self.runaway_limit.is_finite() && self.runaway_limit > 0.0)
                .then(|| std::time::Duration::from_secs_f64(self.runaway_limit)),
            wav: self.render.clone(),
        }
    }

    /// Writes the transcription files asked for, each on its own: one that fails does not
    /// keep the others from being written. Returns the failures (each names its file).
    pub fn save_transcription(&self, performance: &Performance) -> Vec<Error> {
        let mut wrote = Vec::new();
        let mut failed = Vec::new();
        type Writer<'a> = &'a dyn Fn(&Path) -> Result<()>;
        let outputs: [(&Option<PathBuf>, Writer); 7] = [
            (&self.json, &|p| performance.save_to_json(p)),
            (&self.midi, &|p| {
                performance.export_to_midi_file(p, &MidiExportOptions::default())
            }),
            (&self.png, &|p| {
                performance.save_piano_roll(p, &PianoRollOptions::default())
            }),
            (&self.musicxml, &|p| {
                performance
                    .to_score(&ScoreOptions::new())?
                    .export_music_xml(p)
            }),
            (&self.ly, &|p| {
                performance
                    .to_score(&ScoreOptions::new())?
                    .export_lilypond(p)
            }),
            (&self.score_pdf, &|p| {
                performance.to_score(&ScoreOptions::new())?.export_pdf(p)
            }),
            (&self.score_png, &|p| {
                let pages = performance.to_score(&ScoreOptions::new())?.export_png(p)?;
                if pages.len() > 1 && !self.quiet {
                    eprintln!(
                        "the score has {} pages: {} and beside it",
                        pages.len(),
                        p.display()
                    );
                }
                Ok(())
            }),
        ];
        for (path, write) in outputs {
            if let Some(path) = path {
                match write(path) {
                    Ok(()) => wrote.push(path.display().to_string()),
                    Err(e) => failed.push(e),
                }
            }
        }
        if !self.quiet && !wrote.is_empty() {
            eprintln!("wrote {}", wrote.join(", "));
        }
        failed
    }
}

/// The outcome of a run: the piece's own error first, then every output that was not written
/// (all of them in one error, so a command that did not do everything it was asked fails and
/// says what is missing).
fn outcome(piece_error: Option<Error>, failed_outputs: Vec<Error>) -> Result<()> {
    if failed_outputs.is_empty() {
        return piece_error.map_or(Ok(()), Err);
    }
    let mut problems: Vec<String> = failed_outputs.iter().map(|e| e.to_string()).collect();
    if let Some(e) = piece_error {
        problems.insert(0, e.to_string());
    }
    Err(Error::Output {
        what: "not everything asked for was done".into(),
        reason: problems.join("; "),
        source: None,
    })
}

/// Parses the command line and runs `piece` as it asks: a piece's whole `main`. Problems (bad
/// arguments, no audio device, an error returned by the piece) are printed as one clear
/// message and the program exits with status 1; `--help` prints the options.
pub fn run<F>(piece: F)
where
    F: FnOnce(&Session) -> Result<()>,
{
    let _ = env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn"))
        .try_init();
    let args = RunArgs::try_parse().unwrap_or_else(|e| e.exit());
    if let Err(e) = run_with(&args, piece) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// [`run`] with arguments already parsed.
pub fn run_with<F>(args: &RunArgs, piece: F) -> Result<()>
where
    F: FnOnce(&Session) -> Result<()>,
{
    if !(args.tempo.is_finite() && args.tempo > 0.0) {
        return Err(Error::InvalidTempo {
            what: "--tempo",
            value: args.tempo,
        });
    }
    let options = args.render_options();
    match &args.render {
        Some(path) => {
            let report = render_piece(&options, piece)?;
            let mut failed: Vec<Error> = report.wav_error.iter().cloned().collect();
            if !args.quiet && report.wav_error.is_none() {
                eprintln!(
                    "wrote {} ({:.2} s of audio at {} Hz, rendered {:.0}x faster than real time)",
                    path.display(),
                    report.seconds(),
                    report.sample_rate,
                    report.x_realtime()
                );
            }
            if let Some(p) = &report.performance {
                failed.extend(args.save_transcription(p));
            }
            outcome(report.piece_error, failed)
        }
        None => {
            let report = play_piece(&options, piece)?;
            let failed = match &report.performance {
                Some(p) => args.save_transcription(p),
                None => Vec::new(),
            };
            if !args.quiet {
                eprintln!(
                    "played {:.2} s on '{}' at {} Hz ({} late events)",
                    report.seconds, report.device, report.sample_rate, report.late_events
                );
            }
            outcome(report.piece_error, failed)
        }
    }
}
