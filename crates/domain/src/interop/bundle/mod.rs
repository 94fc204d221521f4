//! The import/export bundle: a whole service's history as a folder of CSV files plus a
//! `manifest.json`, so a service can bring its records from another system and an analyst can take
//! them out (optionally pseudonymised). `docs/bundle.md` describes the format; [`spec`] is its
//! single source of truth: it drives the validator ([`read`]), the exporter's headers, the
//! storage mapping and the doc, and [`pseudonymise`] keys its columns by their kind.
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

/// Whether a file's references are natural keys, stored as they are rather than as
/// [`stored_id`]s: a comparison person's key is the GP system's keyed hash, so the same person in
/// a later extract (from any source) is the same row.
pub fn is_natural_key(file: &str) -> bool {
    file == "comparison_people.csv"
}

/// The stored id of the row with reference `reference` in `file` of a bundle from `source`:
/// `<8 hex digits naming the source>:<file>:<reference>`, e.g. `3f9a2c1b:people:p-1` (a
/// reference with characters unsafe in a URL, or over 64 long, is replaced by `~` and its hash).
///
/// Readable and in the bundle's own order rather than a random UUID: rows of one file share a
/// prefix, so the database appends to its indexes instead of splitting pages all over them (the
/// import ran at half the speed with random ids). It cannot clash with ids Linkwork creates
/// itself (UUIDs, which have no `:`).
pub fn stored_id(source: &str, file: &str, reference: &str) -> String {
    thread_local! {
        static LAST: std::cell::RefCell<(String, String)> = const { std::cell::RefCell::new((String::new(), String::new())) };
    }
    let prefix = LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != source || last.1.is_empty() {
            // A fixed namespace for Linkwork bundles (a v5 UUID of "linkwork-bundle" in the URL namespace).
            let namespace = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, FORMAT.as_bytes());
            let hash = uuid::Uuid::new_v5(&namespace, source.as_bytes()).simple().to_string();
            *last = (source.to_owned(), hash[..8].to_owned());
        }
        last.1.clone()
    });
    let stem = file.strip_suffix(".csv").unwrap_or(file);
    let mut id = String::with_capacity(prefix.len() + stem.len() + reference.len() + 2);
    id.push_str(&prefix);
    id.push(':');
    id.push_str(stem);
    id.push(':');
    // References that are not URL-safe (ids appear in paths like /referrals/{id}) are hashed.
    if !reference.is_empty() && reference.len() <= 64 && reference.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
        id.push_str(reference);
    } else {
        id.push('~');
        id.push_str(&uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, reference.as_bytes()).simple().to_string());
    }
    id
}

#[cfg(test)]
mod tests;
