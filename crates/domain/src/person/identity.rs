//! Is this the person we already hold? The matching rule for a referral that arrives with an NHS
//! number the service already knows, and where a person's details came from.
//!
//! An NHS number alone is not enough to overwrite anyone: a typing slip in one digit that still
//! passes the check digit, or a practice that picked the wrong patient, would otherwise rename
//! somebody else. So a referral matches the held person only when the NHS number, the date of
//! birth and both names agree (names compared without case, spaces, hyphens or apostrophes). Then
//! the other details it brings (postcode, sex, ethnic category, GP practice) replace the held ones,
//! each change kept with who, when and from which source; "not stated" or "not known" never
//! replaces something known. When the date of birth or a name differs, nothing about the person
//! changes: the referral is kept against the held person and the mismatch is held as an identity
//! conflict for a link worker to resolve.

use crate::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use crate::text::coded_enum;

coded_enum! {
    /// Where a change to a person's details came from (kept in the details history).
    DetailsSource, field = "source", prompt = "Select where the details came from" {
        LinkWorkerForm = "link_worker_form", "Referral form (link worker or manager)";
        PracticeForm = "practice_form", "Referral form (GP practice)";
        Api = "api", "JSON API";
        Fhir = "fhir", "FHIR referral from a GP system";
        CsvImport = "csv_import", "Referrals imported from a GP system export";
        SelfReferral = "self_referral", "Self-referral taken on at triage";
        PartnerReferral = "partner_referral", "VCSE partner referral taken on at triage";
        BundleImport = "bundle_import", "Bundle import";
        Rectification = "rectification", "Corrected on request (rectification)";
        ContactUpdate = "contact_update", "Contact details changed by a link worker";
        ConflictResolution = "conflict_resolution", "Identity conflict resolved";
        Erasure = "erasure", "Erased";
    }
}

coded_enum! {
    /// The details of a person that can change, as named in the details history.
    PersonField, field = "field", prompt = "Select a detail" {
        GivenName = "given_name", "First name";
        FamilyName = "family_name", "Last name";
        DateOfBirth = "date_of_birth", "Date of birth";
        Sex = "sex", "Sex";
        Ethnicity = "ethnicity", "Ethnic group";
        Postcode = "postcode", "Postcode";
        Practice = "practice_id", "GP practice";
        Mobile = "mobile", "Mobile phone";
        Landline = "landline", "Home or other phone";
        Email = "email", "Email address";
        Address = "address", "Postal address";
        PreferredContact = "preferred_contact", "Preferred way to contact";
        BestTimes = "best_times", "Best times to contact";
        LeaveMessage = "leave_message", "OK to leave a message";
    }
}

impl PersonField {
    /// A contact detail (phone, e-mail, address, contact preferences), kept in the same history as identity and
    /// demographics but stored apart from them.
    pub fn is_contact(self) -> bool {
        matches!(self, Self::Mobile | Self::Landline | Self::Email | Self::Address | Self::PreferredContact | Self::BestTimes | Self::LeaveMessage)
    }
}

/// A person's details as the service holds them, or as a referral brings them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldDetails {
    pub person: PersonDetails,
    /// The GP practice's organisation id.
    pub practice_id: Option<String>,
}

/// One detail that changes: stored codes (dates ISO, coded values by code), not labels.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldChange {
    pub field: PersonField,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// How a referral's person compares with the person held under the same NHS number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityMatch {
    /// The same person: apply `changes` (possibly none), each kept in the history.
    Same { changes: Vec<FieldChange> },
    /// Same NHS number, different date of birth or name: change nothing, hold a conflict. The
    /// differences are listed so a link worker sees what did not agree.
    Conflict { differences: Vec<FieldChange> },
}

/// A name as compared: letters and digits only, lower case ("O'Brien-Smith" = "obrien smith").
fn name_key(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// A fingerprint of who someone is (names as compared, and date of birth as `YYYY-MM-DD`), for
/// matching many people at once without holding their names (a bundle import).
pub fn identity_key(given_name: &str, family_name: &str, date_of_birth: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (name_key(given_name), name_key(family_name), date_of_birth.trim()).hash(&mut h);
    h.finish()
}

fn change(field: PersonField, old: impl Into<Option<String>>, new: impl Into<Option<String>>) -> FieldChange {
    FieldChange { field, old_value: old.into(), new_value: new.into() }
}

/// Compares what a referral brings with what is held under the same NHS number.
pub fn compare(held: &HeldDetails, incoming: &HeldDetails) -> IdentityMatch {
    let (h, i) = (&held.person, &incoming.person);
    debug_assert_eq!(h.nhs_number, i.nhs_number, "compare only people with the same NHS number");
    let mut differences = Vec::new();
    if name_key(h.given_name.as_str()) != name_key(i.given_name.as_str()) {
        differences.push(change(PersonField::GivenName, h.given_name.as_str().to_owned(), i.given_name.as_str().to_owned()));
    }
    if name_key(h.family_name.as_str()) != name_key(i.family_name.as_str()) {
        differences.push(change(PersonField::FamilyName, h.family_name.as_str().to_owned(), i.family_name.as_str().to_owned()));
    }
    if h.date_of_birth != i.date_of_birth {
        differences.push(change(PersonField::DateOfBirth, date_code(h.date_of_birth), date_code(i.date_of_birth)));
    }
    if !differences.is_empty() {
        return IdentityMatch::Conflict { differences };
    }
    IdentityMatch::Same { changes: other_changes(held, incoming) }
}

/// The details other than identity that `incoming` would change. Unknown values never replace
/// known ones, and a referral without a practice keeps the held practice.
pub fn other_changes(held: &HeldDetails, incoming: &HeldDetails) -> Vec<FieldChange> {
    let (h, i) = (&held.person, &incoming.person);
    let mut changes = Vec::new();
    if h.sex != i.sex && !matches!(i.sex, Sex::NotKnown) {
        changes.push(change(PersonField::Sex, h.sex.code().to_owned(), i.sex.code().to_owned()));
    }
    if h.ethnicity != i.ethnicity && !is_unknown_ethnicity(i.ethnicity) {
        changes.push(change(PersonField::Ethnicity, h.ethnicity.code().to_owned(), i.ethnicity.code().to_owned()));
    }
    if h.postcode != i.postcode {
        changes.push(change(PersonField::Postcode, h.postcode.as_str().to_owned(), i.postcode.as_str().to_owned()));
    }
    if incoming.practice_id.is_some() && held.practice_id != incoming.practice_id {
        changes.push(change(PersonField::Practice, held.practice_id.clone(), incoming.practice_id.clone()));
    }
    changes
}

/// Every difference between two sets of details (for a rectification or a conflict resolved
/// in favour of the referral's details): identity included.
pub fn all_changes(held: &HeldDetails, new: &HeldDetails) -> Vec<FieldChange> {
    let (h, i) = (&held.person, &new.person);
    let mut changes = Vec::new();
    if h.given_name != i.given_name {
        changes.push(change(PersonField::GivenName, h.given_name.as_str().to_owned(), i.given_name.as_str().to_owned()));
    }
    if h.family_name != i.family_name {
        changes.push(change(PersonField::FamilyName, h.family_name.as_str().to_owned(), i.family_name.as_str().to_owned()));
    }
    if h.date_of_birth != i.date_of_birth {
        changes.push(change(PersonField::DateOfBirth, date_code(h.date_of_birth), date_code(i.date_of_birth)));
    }
    if h.sex != i.sex {
        changes.push(change(PersonField::Sex, h.sex.code().to_owned(), i.sex.code().to_owned()));
    }
    if h.ethnicity != i.ethnicity {
        changes.push(change(PersonField::Ethnicity, h.ethnicity.code().to_owned(), i.ethnicity.code().to_owned()));
    }
    if h.postcode != i.postcode {
        changes.push(change(PersonField::Postcode, h.postcode.as_str().to_owned(), i.postcode.as_str().to_owned()));
    }
    if new.practice_id.is_some() && held.practice_id != new.practice_id {
        changes.push(change(PersonField::Practice, held.practice_id.clone(), new.practice_id.clone()));
    }
    changes
}

fn is_unknown_ethnicity(e: Ethnicity) -> bool {
    matches!(e.code(), "Z" | "99")
}

fn date_code(d: DateOfBirth) -> String {
    d.date().to_string()
}

/// Details as stored (in `identity_conflicts.incoming`, or read from `people`): plain codes and
/// text, parsed back into [`HeldDetails`] when used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredDetails {
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: time::Date,
    pub sex: String,
    pub ethnicity: String,
    pub postcode: String,
    pub practice_id: Option<String>,
}

impl StoredDetails {
    pub fn of(d: &HeldDetails) -> Self {
        let p = &d.person;
        Self {
            given_name: p.given_name.as_str().to_owned(),
            family_name: p.family_name.as_str().to_owned(),
            date_of_birth: p.date_of_birth.date(),
            sex: p.sex.code().to_owned(),
            ethnicity: p.ethnicity.code().to_owned(),
            postcode: p.postcode.as_str().to_owned(),
            practice_id: d.practice_id.clone(),
        }
    }

    /// Parses the details back, with the person's NHS number. Fails for rows that never held
    /// full details (people brought in pseudonymised carry no names or postcode).
    pub fn parse(&self, nhs_number: &crate::person::nhs_number::NhsNumber) -> crate::Result<HeldDetails> {
        use crate::person::PersonName;
        Ok(HeldDetails {
            person: PersonDetails {
                nhs_number: nhs_number.clone(),
                given_name: PersonName::parse("given_name", "the first name", &self.given_name)?,
                family_name: PersonName::parse("family_name", "the last name", &self.family_name)?,
                date_of_birth: DateOfBirth::stored(self.date_of_birth),
                sex: Sex::parse(&self.sex)?,
                ethnicity: Ethnicity::parse(&self.ethnicity)?,
                postcode: crate::person::postcode::Postcode::parse(&self.postcode)?,
            },
            practice_id: self.practice_id.clone(),
        })
    }
}

/// The differences between stored details that cannot be parsed (a pseudonymised import) and a
/// referral's: names and date of birth as they stand, so the conflict shows what is held.
pub fn unparsed_differences(held: &StoredDetails, incoming: &HeldDetails) -> Vec<FieldChange> {
    let p = &incoming.person;
    vec![
        change(PersonField::GivenName, held.given_name.clone(), p.given_name.as_str().to_owned()),
        change(PersonField::FamilyName, held.family_name.clone(), p.family_name.as_str().to_owned()),
        change(PersonField::DateOfBirth, held.date_of_birth.to_string(), date_code(p.date_of_birth)),
    ]
}

coded_enum! {
    /// How a link worker settles an identity conflict.
    ConflictResolution, field = "resolution", prompt = "Select which details are right" {
        KeepRecorded = "keep_recorded", "The details we hold are right: keep them";
        UseReferral = "use_referral", "The referral's details are right: update the person";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::PersonName;
    use crate::person::nhs_number::NhsNumber;
    use crate::person::postcode::Postcode;
    use time::macros::date;

    fn details(given: &str, family: &str, born: time::Date, postcode: &str, ethnicity: &str, practice: Option<&str>) -> HeldDetails {
        let today = date!(2026 - 12 - 01);
        HeldDetails {
            person: PersonDetails {
                nhs_number: NhsNumber::parse("9434765919").unwrap(),
                given_name: PersonName::parse("given_name", "first name", given).unwrap(),
                family_name: PersonName::parse("family_name", "last name", family).unwrap(),
                date_of_birth: DateOfBirth::parse(&born.to_string(), today).unwrap(),
                sex: Sex::Female,
                ethnicity: Ethnicity::parse(ethnicity).unwrap(),
                postcode: Postcode::parse(postcode).unwrap(),
            },
            practice_id: practice.map(str::to_owned),
        }
    }

    #[test]
    fn same_person_when_nhs_number_date_of_birth_and_names_agree() {
        let held = details("Mary-Ann", "O'Brien", date!(1950 - 01 - 02), "LS1 4AP", "A", Some("gp1"));
        let incoming = details("mary ann", "OBRIEN", date!(1950 - 01 - 02), "LS1 4AP", "A", Some("gp1"));
        assert_eq!(compare(&held, &incoming), IdentityMatch::Same { changes: vec![] });
    }

    #[test]
    fn a_different_name_is_a_conflict_that_changes_nothing() {
        let held = details("Ada", "Test", date!(1950 - 01 - 02), "LS1 4AP", "A", Some("gp1"));
        let incoming = details("Bob", "Other", date!(1950 - 01 - 02), "LS6 2AB", "A", Some("gp2"));
        match compare(&held, &incoming) {
            IdentityMatch::Conflict { differences } => {
                let fields: Vec<_> = differences.iter().map(|d| d.field).collect();
                assert_eq!(fields, [PersonField::GivenName, PersonField::FamilyName]);
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    #[test]
    fn a_different_date_of_birth_is_a_conflict() {
        let held = details("Ada", "Test", date!(1950 - 01 - 02), "LS1 4AP", "A", None);
        let incoming = details("Ada", "Test", date!(1950 - 02 - 01), "LS1 4AP", "A", None);
        assert!(matches!(compare(&held, &incoming), IdentityMatch::Conflict { differences } if differences[0].field == PersonField::DateOfBirth));
    }

    #[test]
    fn the_same_person_brings_new_postcode_and_practice_as_changes() {
        let held = details("Ada", "Test", date!(1950 - 01 - 02), "LS1 4AP", "A", Some("gp1"));
        let incoming = details("Ada", "Test", date!(1950 - 01 - 02), "LS6 2AB", "A", Some("gp2"));
        let IdentityMatch::Same { changes } = compare(&held, &incoming) else { panic!("same person") };
        assert_eq!(changes, vec![change(PersonField::Postcode, "LS1 4AP".to_owned(), "LS6 2AB".to_owned()), change(PersonField::Practice, Some("gp1".to_owned()), Some("gp2".to_owned()))]);
    }

    #[test]
    fn not_stated_never_replaces_a_known_ethnic_group() {
        let held = details("Ada", "Test", date!(1950 - 01 - 02), "LS1 4AP", "A", None);
        let incoming = details("Ada", "Test", date!(1950 - 01 - 02), "LS1 4AP", "Z", None);
        assert_eq!(compare(&held, &incoming), IdentityMatch::Same { changes: vec![] });
    }
}
