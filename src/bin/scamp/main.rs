//! The `scamp` command-line program: SoundFont presets, output devices, benchmarks.

mod bench;
mod bench_listen;
mod bench_notation;
mod bench_plugin;
mod bench_render;
mod bench_seek;
mod host;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
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
    /// Render a built-in piece as the plugin plays it under a host's transport (offline,
    /// exact): the reference for renders made in real hosts.
    Host(host::HostArgs),
    /// List the MIDI output ports and the default audio output.
    Devices,
    /// Write the built-in SoundFont to FILE (for other synthesizers: FluidSynth, a DAW's
    /// sampler).
    ExportFont { file: std::path::PathBuf },
    /// Play a saved Performance (SCAMP JSON): render it with --render out.wav, or in real time.
    /// It follows its own tempo envelope; --tempo BPM plays its beats at that tempo instead.
    /// (--seed is refused: a Performance makes no random choices.)
    Play {
        /// The Performance JSON file (saved by SCAMP or by this engine).
        performance: std::path::PathBuf,
        #[command(flatten)]
        run: scamp::RunArgs,
    },
    /// Convert a saved Performance (SCAMP JSON) to a MIDI file, a piano-roll picture and/or a
    /// score (MusicXML, LilyPond, PDF, PNG): at least one of --midi, --png, --musicxml, --ly,
    /// --score-pdf and --score-png.
    Convert {
        /// The Performance JSON file (saved by SCAMP or by this engine).
        performance: std::path::PathBuf,
        /// Write a Standard MIDI File: a track per part, microtones and glides as pitch bend,
        /// the tempo envelope as a tempo map.
        #[arg(long, value_name = "FILE")]
        midi: Option<std::path::PathBuf>,
        /// Write a piano-roll picture (PNG) of the notes.
        #[arg(long, value_name = "FILE")]
        png: Option<std::path::PathBuf>,
        /// Write the MIDI file at this fixed tempo (real times) instead of a tempo map.
        #[arg(long, value_name = "BPM")]
        flatten_tempo: Option<f64>,
        #[command(flatten)]
        score: ScoreArgs,
    },
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    // Output piped into `head` and the like ends quietly when the reader stops, as any Unix
    // tool's does, instead of failing on the closed pipe.
    #[cfg(unix)]
    // SAFETY: restoring a signal's default action before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let given = |name: &str| {
        matches
            .subcommand_matches("play")
            .is_some_and(|m| m.value_source(name) == Some(ValueSource::CommandLine))
    };
    let (tempo_given, seed_given) = (given("tempo"), given("seed"));
    let result = match cli.command {
        Command::Bench(b) => bench::run(b),
        Command::Presets { soundfont } => presets(soundfont.as_deref().unwrap_or("general_midi")),
        Command::Devices => devices(),
        Command::ExportFont { file } => export_font(&file),
        Command::Host(args) => host::host(&args),
        Command::Play { performance, run } => play(&performance, &run, tempo_given, seed_given),
        Command::Convert {
            performance,
            midi,
            png,
            flatten_tempo,
            score,
        } => convert(
            &performance,
            midi.as_deref(),
            png.as_deref(),
            flatten_tempo,
            &score,
        ),
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

fn export_font(file: &std::path::Path) -> scamp::Result<()> {
    use std::io::Write;
    let mut out = scamp::output_file::OutputFile::create(file)?;
    out.writer()
        .write_all(scamp::soundfont::EMBEDDED_SOUNDFONT)
        .map_err(|e| out.error(e))?;
    out.commit()?;
    println!(
        "wrote {} ({} bytes)",
        file.display(),
        scamp::soundfont::EMBEDDED_SOUNDFONT.len()
    );
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
    match scamp::run::realtime::default_output_device() {
        Ok((_, name)) => println!("Audio output: {name}"),
        Err(e) => println!("Audio output: {e}"),
    }
    Ok(())
}

/// A performance playing longer than this needs an explicit `--duration` (a file that long
/// is far more likely damaged than meant, and would render for days).
const LONGEST_WITHOUT_DURATION: f64 = 24.0 * 3600.0;

fn play(
    path: &std::path::Path,
    run: &scamp::RunArgs,
    tempo_given: bool,
    seed_given: bool,
) -> scamp::Result<()> {
    if seed_given {
        return Err(scamp::Error::invalid_argument(
            "--seed",
            run.seed,
            "no --seed for a Performance, which plays as written and makes no random choices",
        ));
    }
    let performance = scamp::transcribe::Performance::load_from_json(path)?;
    let seconds = performance.end_time();
    if seconds > LONGEST_WITHOUT_DURATION && run.duration.is_none() {
        return Err(scamp::Error::invalid_argument(
            "--duration",
            "none",
            format!(
                "{} plays for {:.1} hours: give --duration SECONDS to play that much of it",
                path.display(),
                seconds / 3600.0
            ),
        ));
    }
    // With --tempo, the beats play at the session's tempo; otherwise the file's tempo rules.
    let options = scamp::replay::PerformancePlayOptions::new().use_tempo_envelope(!tempo_given);
    scamp::run_with(run, |session| performance.play(session, options))
}

/// What a glissando's control points become (`--glissandi`; see its help).
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum GlissandoPolicy {
    Split,
    Grace,
    None,
}

/// `scamp convert`'s score options.
#[derive(clap::Args, Debug)]
struct ScoreArgs {
    /// Write the performance as a score in MusicXML (quantized as SCAMP's `to_score`).
    #[arg(long, value_name = "FILE")]
    musicxml: Option<std::path::PathBuf>,
    /// Write the score as a LilyPond file.
    #[arg(long, value_name = "FILE")]
    ly: Option<std::path::PathBuf>,
    /// Write the score as a PDF, engraved by MuseScore 3 (Debian `musescore3`).
    #[arg(long, value_name = "FILE")]
    score_pdf: Option<std::path::PathBuf>,
    /// Write the score's first page as a PNG (further pages beside it as FILE-2.png, ...),
    /// engraved by MuseScore 3.
    #[arg(long, value_name = "FILE")]
    score_png: Option<std::path::PathBuf>,
    /// The score's time signature, or several in turn, comma-separated (the last repeats;
    /// a final `loop` repeats them all). Default 4/4.
    #[arg(long, value_name = "TS", value_delimiter = ',')]
    time_signature: Vec<String>,
    /// The largest division of a beat the score may use (default 8).
    #[arg(long, value_name = "N")]
    max_divisor: Option<u32>,
    /// How much simpler divisions of a beat are preferred (default 2; 0 for none).
    #[arg(long, value_name = "X")]
    simplicity_preference: Option<f64>,
    /// How many voices a staff holds before a part takes another staff (1 to 4, default 4).
    #[arg(long, value_name = "N")]
    max_voices_per_staff: Option<usize>,
    /// What a glissando's control points become: split (the note is cut at them, each piece
    /// written at its pitch; the default), grace (the ones that matter as grace notes) or none.
    #[arg(long, value_enum, value_name = "POLICY")]
    glissandi: Option<GlissandoPolicy>,
    /// Small tempo marks between the marks of an accelerando or ritardando.
    #[arg(long)]
    guide_marks: bool,
    /// The score's title.
    #[arg(long)]
    title: Option<String>,
    /// The score's composer.
    #[arg(long)]
    composer: Option<String>,
    /// A part's short name on the systems after the first, as PART=SHORT (`piano=Pno.`);
    /// once per part.
    #[arg(long, value_name = "PART=SHORT", value_parser = part_abbreviation)]
    abbreviation: Vec<(String, String)>,
}

/// `PART=SHORT`, or why not.
fn part_abbreviation(given: &str) -> Result<(String, String), String> {
    match given.split_once('=') {
        Some((part, short)) if !part.is_empty() && !short.is_empty() => {
            Ok((part.to_string(), short.to_string()))
        }
        _ => Err(format!(
            "'{given}' is not PART=SHORT (a part's name, '=', its short name: piano=Pno.)"
        )),
    }
}

impl ScoreArgs {
    fn options(&self) -> scamp::notation::ScoreOptions {
        let mut q = scamp::quantization::QuantizationOptions::new();
        match self.time_signature.as_slice() {
            [] => {}
            [one] => q = q.time_signature(one),
            many => {
                let list: Vec<&str> = many.iter().map(String::as_str).collect();
                q = q.time_signatures(&list);
            }
        }
        if let Some(d) = self.max_divisor {
            q = q.max_divisor(d);
        }
        if let Some(p) = self.simplicity_preference {
            q = q.simplicity_preference(p);
        }
        if let Some(policy) = self.glissandi {
            use scamp::quantization::GlissandoControlPoints as G;
            q = q.glissando_control_points(match policy {
                GlissandoPolicy::Split => G::Split,
                GlissandoPolicy::Grace => G::Grace,
                GlissandoPolicy::None => G::Ignore,
            });
        }
        let mut o = scamp::notation::ScoreOptions::new().quantization(q);
        if let Some(n) = self.max_voices_per_staff {
            o = o.max_voices_per_staff(n);
        }
        if self.guide_marks {
            o = o.guide_marks(scamp::notation::GuideMarks::default());
        }
        if let Some(t) = &self.title {
            o = o.title(t);
        }
        if let Some(c) = &self.composer {
            o = o.composer(c);
        }
        for (part, short) in &self.abbreviation {
            o = o.abbreviation(part, short);
        }
        o
    }
}

fn convert(
    path: &std::path::Path,
    midi: Option<&std::path::Path>,
    png: Option<&std::path::Path>,
    flatten_tempo: Option<f64>,
    score: &ScoreArgs,
) -> scamp::Result<()> {
    let wants_score = score.musicxml.is_some()
        || score.ly.is_some()
        || score.score_pdf.is_some()
        || score.score_png.is_some();
    if midi.is_none() && png.is_none() && !wants_score {
        return Err(scamp::Error::invalid_argument(
            "outputs",
            "none",
            "--midi FILE, --png FILE, --musicxml FILE, --ly FILE, --score-pdf FILE and/or --score-png FILE",
        ));
    }
    if !wants_score
        && (!score.time_signature.is_empty()
            || score.max_divisor.is_some()
            || score.simplicity_preference.is_some()
            || score.max_voices_per_staff.is_some()
            || score.glissandi.is_some()
            || score.guide_marks
            || score.title.is_some()
            || score.composer.is_some()
            || !score.abbreviation.is_empty())
    {
        return Err(scamp::Error::invalid_argument(
            "score options",
            "--time-signature, --max-divisor, --simplicity-preference, --max-voices-per-staff, \
             --glissandi, --guide-marks, --title, --composer or --abbreviation without a score",
            "--musicxml, --ly, --score-pdf or --score-png FILE with them",
        ));
    }
    let performance = scamp::transcribe::Performance::load_from_json(path)?;
    if let Some(out) = midi {
        let mut options = scamp::replay::MidiExportOptions::new();
        if let Some(bpm) = flatten_tempo {
            options = options.flatten_tempo(bpm);
        }
        performance.export_to_midi_file(out, &options)?;
        println!("wrote {}", out.display());
    }
    if let Some(out) = png {
        performance.save_piano_roll(out, &scamp::transcribe::PianoRollOptions::default())?;
        println!("wrote {}", out.display());
    }
    if wants_score {
        let notated = performance.to_score(&score.options())?;
        if let Some(out) = &score.musicxml {
            notated.export_music_xml(out)?;
            println!("wrote {}", out.display());
        }
        if let Some(out) = &score.ly {
            notated.export_lilypond(out)?;
            println!("wrote {}", out.display());
        }
        if let Some(out) = &score.score_pdf {
            notated.export_pdf(out)?;
            println!("wrote {}", out.display());
        }
        if let Some(out) = &score.score_png {
            for page in notated.export_png(out)? {
                println!("wrote {}", page.display());
            }
        }
    }
    Ok(())
}
