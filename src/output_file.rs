//! Files the engine writes (WAV, JSON, MIDI, PNG): atomically, and never creating folders.
//!
//! Everything is written to a temporary file beside the target (same folder, so the rename
//! cannot cross file systems), flushed and synced, then renamed over the target. A failure at
//! any point (a full disk, a folder that vanished) removes the temporary file and leaves the
//! previous file, if any, as it was: a reader sees the old file or the new one, never half of
//! one. A folder that does not exist is an error naming it; creating folders is the user's
//! call. A target that exists and is not a regular file (`/dev/null`, a FIFO, a terminal) is
//! written in place: renaming over it would replace the device with a file. Any thread
//! (blocking I/O; never the audio thread).

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written: becomes `target` on [`commit`](Self::commit); removed if dropped
/// before.
#[derive(Debug)]
pub struct OutputFile {
    target: PathBuf,
    /// `None` when the target is written in place (a device or FIFO).
    temporary: Option<PathBuf>,
    file: Option<BufWriter<File>>,
    committed: bool,
}

fn failure(path: &Path, reason: impl std::fmt::Display) -> Error {
    Error::output(format!("writing {}", path.display()), reason)
}

/// The file system refused: its error is the source.
fn failed(path: &Path, error: std::io::Error) -> Error {
    Error::output_caused(format!("writing {}", path.display()), error)
}

impl OutputFile {
    /// Starts writing `target` (nothing is visible there until the commit).
    pub fn create(target: &Path) -> Result<OutputFile> {
        let special = std::fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if special {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(target)
                .map_err(|e| failed(target, e))?;
            return Ok(OutputFile {
                target: target.to_path_buf(),
                temporary: None,
                file: Some(BufWriter::new(file)),
                committed: false,
            });
        }
        let name = target
            .file_name()
            .ok_or_else(|| failure(target, "it names no file"))?;
        let folder = target.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(folder) = folder {
            if !folder.is_dir() {
                return Err(failure(
                    target,
                    format!("the folder {} does not exist", folder.display()),
                ));
            }
        }
        let temporary = folder.unwrap_or(Path::new(".")).join(format!(
            ".{}.{}.partial",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = File::create(&temporary).map_err(|e| failed(target, e))?;
        Ok(OutputFile {
            target: target.to_path_buf(),
            temporary: Some(temporary),
            file: Some(BufWriter::new(file)),
            committed: false,
        })
    }

    /// The file that will be written.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The writer (buffered).
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.file.as_mut().expect("open until committed")
    }

    /// An error about this file, for what a writer reported.
    pub fn error(&self, reason: impl std::fmt::Display) -> Error {
        failure(&self.target, reason)
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        let file = self.file.take().expect("committed once");
        let file = file
            .into_inner()
            .map_err(|e| failed(&self.target, e.into_error()))?;
        let Some(temporary) = self.temporary.as_ref() else {
            // Written in place.
            self.committed = true;
            return Ok(());
        };
        file.sync_all().map_err(|e| failed(&self.target, e))?;
        drop(file);
        std::fs::rename(temporary, &self.target).map_err(|e| failed(&self.target, e))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if !self.committed {
            // Not committed (abandoned, or a write, sync or rename failed): nothing
            // half-written stays behind.
            drop(self.file.take());
            if let Some(temporary) = &self.temporary {
                let _ = std::fs::remove_file(temporary);
            }
        }
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut out = OutputFile::create(path)?;
    out.writer().write_all(bytes).map_err(|e| failed(path, e))?;
    out.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_appears_whole_or_not_at_all_and_no_folder_is_made() {
        let dir = std::env::temp_dir().join(format!("scamp-output-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.txt");
        write_atomically(&path, b"first").unwrap();
        // Abandoned half-way: the old file stays, no temporary is left.
        let mut out = OutputFile::create(&path).unwrap();
        out.writer().write_all(b"second, unfinished").unwrap();
        drop(out);
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        write_atomically(&path, b"third").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"third");
        let missing = dir.join("no/such/folder/out.txt");
        let err = write_atomically(&missing, b"x").unwrap_err().to_string();
        assert!(
            err.contains("does not exist") && err.contains("no/such/folder"),
            "{err}"
        );
        assert!(!dir.join("no").exists());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_device_is_written_in_place_never_replaced() {
        let null = Path::new("/dev/null");
        write_atomically(null, b"into the void").unwrap();
        let kind = std::fs::metadata(null).unwrap().file_type();
        use std::os::unix::fs::FileTypeExt;
        assert!(kind.is_char_device(), "/dev/null is still a device");
        assert_eq!(std::fs::read(null).unwrap(), b"");
    }
}
