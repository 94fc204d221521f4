//! Pseudonymising a bundle for research: identifiers become keyed hashes (HMAC-SHA256), so the same
//! person has the same pseudonym across files (and across exports made with the same key) but
//! nobody without the key can go back; dates of birth become the middle of the birth year;
//! postcodes are dropped, leaving the 2011 LSOA and its IMD decile; free text about people is removed.
//!
//! Pure: the caller supplies the key.

use super::spec::{FileSpec, Kind};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The text written where required free text was removed.
pub const REMOVED: &str = "[removed]";

/// Free-text columns about people or written by staff about them: dropped from pseudonymised bundles.
const FREE_TEXT: &[(&str, &str)] = &[
    ("referrals.csv", "referrer_name"),
    ("referrals.csv", "reason"),
    ("referrals.csv", "discharge_summary"),
    ("conversations.csv", "what_matters"),
    ("goals.csv", "description"),
    ("contacts.csv", "notes"),
    ("onward_referrals.csv", "note"),
    ("people.csv", "given_name"),
    ("people.csv", "family_name"),
    // Evidence as entered may name the person; only the manager-approved anonymised text
    // (`approved_text`, made with the person's identifiers removed) and the title reports show are kept.
    ("evidence.csv", "text"),
];

/// Turns rows into their pseudonymised form with one secret key.
pub struct Pseudonymiser {
    key: Vec<u8>,
}

impl Pseudonymiser {
    /// `key` should be at least 32 random bytes, kept by whoever may need to link pseudonyms again.
    pub fn new(key: &[u8]) -> Self {
        Self { key: key.to_vec() }
    }

    /// The keyed hash of `value`, as 64 lower-case hex digits.
    pub fn hash(&self, value: &str) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(value.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Pseudonymises one row of `spec`'s file in place (`values` in the spec's column order). A
    /// person's `lsoa` and `imd_decile` (filled by the export where the lookups are loaded) stay;
    /// their postcode goes.
    pub fn row(&self, spec: &FileSpec, values: &mut [String]) {
        let index = |name: &str| spec.column(name);
        for (i, column) in spec.columns.iter().enumerate() {
            let value = &mut values[i];
            let is_reference = match column.kind {
                Kind::Key => !keeps_key(spec),
                Kind::Ref(file) => !matches!(file, "organisations.csv" | "services.csv"),
                _ => false,
            };
            if is_reference && !value.is_empty() {
                *value = self.hash(value)[..16].to_owned();
            } else if matches!(column.kind, Kind::NhsNumber) && !value.is_empty() {
                *value = self.hash(&value.replace(' ', ""));
            }
            if FREE_TEXT.contains(&(spec.name, column.name)) && !value.is_empty() {
                *value = if column.required { REMOVED.to_owned() } else { String::new() };
            }
        }
        match spec.name {
            "people.csv" => {
                if let Some(dob) = index("date_of_birth") {
                    if let Some(year) = values[dob].get(..4).map(str::to_owned) {
                        values[dob] = format!("{year}-07-01");
                    }
                }
                if let Some(pc) = index("postcode") {
                    values[pc] = String::new();
                }
            }
            "staff.csv" => {
                if let (Some(name), Some(email), Some(key)) = (index("name"), index("email"), index("staff_ref")) {
                    values[name] = format!("Staff {}", &values[key][..values[key].len().min(8)]);
                    values[email] = format!("{}@pseudonymised.invalid", values[key]);
                }
            }
            _ => {}
        }
    }
}

/// Organisations and services are public bodies (already in the public directory): their
/// references are kept so the pseudonymised evaluation still names them.
pub fn keeps_key(spec: &FileSpec) -> bool {
    matches!(spec.name, "organisations.csv" | "services.csv")
}
