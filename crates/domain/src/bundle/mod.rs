//! The import/export bundle: a whole service's history as a folder of CSV files plus a
//! `manifest.json`, so a service can bring its records from another system and an analyst can take
//! them out (optionally pseudonymised). `docs/bundle.md` describes the format; [`spec`] is its
//! single source of truth.
//!
//! Rows refer to each other by references (`person_ref`, `referral_ref`…) that are only meaningful
//! inside one bundle. Stored ids are derived from them with [`stored_id`] (a name-based UUID of the
//! bundle's `source`, the file and the reference), so importing the same bundle twice updates the
//! same rows instead of adding copies, and two systems' `p-1` never collide.

pub mod pseudonymise;
pub mod read;
pub mod spec;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `format` every manifest names.
pub const FORMAT: &str = "linkwork-bundle";
/// The format version this build reads and writes.
pub const VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";

/// `manifest.json`: what the bundle is and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format version, [`VERSION`] for this build.
    pub version: u32,
    /// Names the system and service the records come from, e.g. `linkwork:U12345`. It keeps the
    /// references of different sources apart.
    pub source: String,
    /// When the bundle was written (RFC 3339), for people's information.
    #[serde(default)]
    pub exported_at: Option<String>,
    /// True when identifiers are keyed hashes and identifying details were removed.
    #[serde(default)]
    pub pseudonymised: bool,
    /// The rows in each file, as written (checked on import when present).
    #[serde(default)]
    pub files: BTreeMap<String, FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    pub rows: u64,
}

impl Manifest {
    pub fn new(source: impl Into<String>, pseudonymised: bool) -> Self {
        Self { format: FORMAT.into(), version: VERSION, source: source.into(), exported_at: None, pseudonymised, files: BTreeMap::new() }
    }

    /// Parses and checks `manifest.json`.
    pub fn parse(json: &str) -> Result<Self, String> {
        let manifest: Manifest = serde_json::from_str(json).map_err(|e| format!("manifest.json is not valid: {e}"))?;
        if manifest.format != FORMAT {
            return Err(format!("manifest.json says the format is \"{}\"; a Linkwork bundle says \"{FORMAT}\"", manifest.format));
        }
        if manifest.version != VERSION {
            return Err(format!("This bundle is format version {}; this version of Linkwork reads version {VERSION}", manifest.version));
        }
        if manifest.source.trim().is_empty() || manifest.source.len() > 200 {
            return Err("manifest.json needs a \"source\" naming the system and service the records come from (up to 200 characters)".into());
        }
        Ok(manifest)
    }
}

/// The stored id of the row with reference `reference` in `file` of a bundle from `source`.
pub fn stored_id(source: &str, file: &str, reference: &str) -> String {
    // A fixed namespace for Linkwork bundles (itself a v5 UUID of "linkwork-bundle" in the URL namespace).
    static NAMESPACE: std::sync::OnceLock<uuid::Uuid> = std::sync::OnceLock::new();
    let namespace = NAMESPACE.get_or_init(|| uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, FORMAT.as_bytes()));
    let mut name = String::with_capacity(source.len() + file.len() + reference.len() + 2);
    for (i, part) in [source, file, reference].into_iter().enumerate() {
        if i > 0 {
            name.push('\u{1f}');
        }
        name.push_str(part);
    }
    uuid::Uuid::new_v5(namespace, name.as_bytes()).to_string()
}

#[cfg(test)]
mod tests;
