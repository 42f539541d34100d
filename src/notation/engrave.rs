//! Seeing a score (SCAMP's `show`): its pages as a PDF or PNG, engraved by MuseScore 3 from
//! the score's MusicXML. The program is the one `SCAMP_MUSESCORE` names, else the first of
//! `mscore3`, `musescore3`, `mscore`, `musescore` that runs; with none, an error that names
//! Debian's package. MuseScore runs headless (Qt's offscreen platform, no display), in a
//! scratch folder of its own, and is stopped if it takes longer than [`ENGRAVE_TIMEOUT`]; the
//! result is written atomically. Blocking; any thread but the audio thread.

use super::Score;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long MuseScore may take over one score.
pub const ENGRAVE_TIMEOUT: Duration = Duration::from_secs(180);

const CANDIDATES: [&str; 4] = ["mscore3", "musescore3", "mscore", "musescore"];

fn headless(program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("QT_QPA_PLATFORM", "offscreen")
        .env_remove("DISPLAY")
        .stdin(Stdio::null());
    c
}

/// The MuseScore program to engrave with, or why there is none.
fn musescore() -> std::result::Result<String, String> {
    let given = std::env::var("SCAMP_MUSESCORE").ok();
    let runs = |p: &str| {
        headless(p)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if let Some(p) = given {
        return if runs(&p) {
            Ok(p)
        } else {
            Err(format!("SCAMP_MUSESCORE names '{p}', which does not run"))
        };
    }
    CANDIDATES
        .iter()
        .find(|p| runs(p))
        .map(|p| p.to_string())
        .ok_or_else(|| {
            "no score engraver found: install MuseScore 3 (Debian package musescore3), or write \
             the score with --musicxml and open it in a notation program"
                .to_string()
        })
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

/// Runs MuseScore on `input`, writing `output` (its suffix says the format), within the time
/// allowed; its own words on failure.
fn run_musescore(program: &str, input: &Path, output: &Path) -> std::result::Result<(), String> {
    let mut child = headless(program)
        .arg("-o")
        .arg(output)
        .arg(input)
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
    /// MuseScore's `kind` (`"pdf"`, `"png"`) of the score, in a scratch folder that lives as
    /// long as the result; errors name `path`, the file asked for.
    fn engrave(&self, path: &Path, kind: &str) -> Result<Scratch> {
        let what = || format!("engraving {}", path.display());
        let program = musescore().map_err(|why| Error::output(what(), why))?;
        let scratch = Scratch::new()?;
        let xml = scratch.0.join("score.musicxml");
        self.export_music_xml(&xml)?;
        let out = scratch.0.join(format!("score.{kind}"));
        run_musescore(&program, &xml, &out).map_err(|why| Error::output(what(), why))?;
        Ok(scratch)
    }

    /// The score's pages as a PDF at `path`, engraved by MuseScore 3.
    pub fn export_pdf(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let scratch = self.engrave(path, "pdf")?;
        let bytes = std::fs::read(scratch.0.join("score.pdf"))
            .map_err(|e| Error::output_caused(format!("engraving {}", path.display()), e))?;
        crate::output_file::write_atomically(path, &bytes)
    }

    /// The score's first page as a PNG at `path`, engraved by MuseScore 3; further pages go
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
                "MuseScore wrote no page",
            ));
        }
        Ok(written)
    }
}
