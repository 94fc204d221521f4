//! A comparison extract from a GP system as two CSV files: the registered patients who were not
//! referred (pseudonymised: a keyed hash, no NHS number, no name) and their contacts. They are the
//! comparison group of the evaluation (`evaluation::comparison`); the layout is in
//! `docs/import-comparison.md`.
//!
//! Both files are read through [`super::csv_file`] (header matching, spreadsheets, UTF-8, row
//! limits and line counting as for referrals and activity). Identical contact rows are numbered by
//! `occurrence` as in [`super::activity_csv`], so importing the same extract again adds nothing.
//! Parsing never panics, whatever the bytes.

use super::activity_csv::{parse_contact_type, MAX_BED_DAYS};
use super::csv_file::{self, parse_date, shown, FileKind};
use crate::evaluation::equity::{is_english_lsoa, AgeBand};
use crate::evaluation::health_system::ContactType;
use crate::person::Sex;
use std::collections::HashMap;
use time::Date;

pub use super::csv_file::{Column, RowProblem};

/// The most rows one file may hold (a PCN's registered list, or two years of its contacts).
pub const MAX_ROWS: usize = 2_000_000;
/// [`MAX_ROWS`] as people write it.
pub const MAX_ROWS_TEXT: &str = "2,000,000";
/// The longest pseudonymised key.
pub const MAX_KEY_CHARS: usize = 128;

/// The columns of the people file, in the order of the example file.
pub const PEOPLE_COLUMNS: [Column; 5] = [
    Column { name: "person_key", aliases: &["pseudonym", "pseudo_id", "hashed_id", "patient_key", "key"], required: true, description: "The GP system's keyed hash of the patient (no NHS number, no name)" },
    Column { name: "practice", aliases: &["practice_code", "ods_code", "practice_ods_code", "registered_practice"], required: true, description: "Their registered practice: its ODS code or name" },
    Column { name: "age_band", aliases: &["age_group", "ageband"], required: true, description: "Age band: 0-17, 18-24, 25-34, 35-44, 45-54, 55-64, 65-74, 75-84 or 85+" },
    Column { name: "sex", aliases: &["gender"], required: true, description: "Sex: male, female, M, F, or the NHS code 1, 2, 9 or 0" },
    Column { name: "lsoa", aliases: &["lsoa_code", "lsoa11", "lsoa11cd", "lsoa_2011"], required: false, description: "The 2011 LSOA they live in, like E01011229 (may be empty)" },
];

/// The columns of the contacts file.
pub const ACTIVITY_COLUMNS: [Column; 4] = [
    Column { name: "person_key", aliases: &["pseudonym", "pseudo_id", "hashed_id", "patient_key", "key"], required: true, description: "The patient's keyed hash, as in the people file" },
    Column { name: "contact_on", aliases: &["date", "contact_date", "event_date", "activity_date", "appointment_date", "attendance_date", "admission_date", "consultation_date"], required: true, description: "Date of the contact: YYYY-MM-DD or DD/MM/YYYY" },
    Column { name: "contact_type", aliases: &["type", "type_of_contact", "activity_type", "event_type", "contact", "activity", "consultation_type"], required: true, description: "Type of contact: a code such as gp_surgery or ae_not_admitted" },
    Column { name: "bed_days", aliases: &["length_of_stay", "los", "beddays", "spell_los"], required: false, description: "Whole days in hospital, on non_elective_admission rows only (may be empty)" },
];

/// One person of the people file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub person_key: String,
    /// As written: an ODS code or a practice's name, resolved by the use case.
    pub practice: String,
    pub age: AgeBand,
    pub sex: Sex,
    pub lsoa: Option<String>,
}

/// One contact of the contacts file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    pub person_key: String,
    pub contact_on: Date,
    pub contact_type: ContactType,
    pub bed_days: Option<u32>,
    /// 1 for the first identical row (same person, date and type), 2 for the second, …
    pub occurrence: u32,
}

/// One data row: parsed, or every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<T> {
    pub line: u64,
    pub result: Result<T, Vec<RowProblem>>,
}

/// The people file, for the shared CSV-file layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeopleFile;

impl FileKind for PeopleFile {
    const COLUMNS: &'static [Column] = &PEOPLE_COLUMNS;
    const ROWS: &'static str = "people";
    const MAX_ROWS: usize = MAX_ROWS;
    const MAX_ROWS_TEXT: &'static str = MAX_ROWS_TEXT;
    const SPREADSHEET_THEN: &'static str = "use the .csv file";
    const NOT_UTF8_THEN: &'static str = "try again";
    const REPEATS_AS_WRITTEN: bool = true;
    fn header_key(name: &str) -> String {
        super::activity_csv::header_key(name)
    }
}

/// The contacts file, for the shared CSV-file layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivityFile;

impl FileKind for ActivityFile {
    const COLUMNS: &'static [Column] = &ACTIVITY_COLUMNS;
    const ROWS: &'static str = "contacts";
    const MAX_ROWS: usize = MAX_ROWS;
    const MAX_ROWS_TEXT: &'static str = MAX_ROWS_TEXT;
    const SPREADSHEET_THEN: &'static str = "use the .csv file";
    const NOT_UTF8_THEN: &'static str = "try again";
    const REPEATS_AS_WRITTEN: bool = true;
    fn header_key(name: &str) -> String {
        super::activity_csv::header_key(name)
    }
}

fn person_key(raw: &str) -> Result<String, String> {
    if raw.is_empty() {
        return Err("The person's key is missing".into());
    }
    if raw.chars().count() > MAX_KEY_CHARS || !raw.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '/' | '=' | '.')) {
        return Err(format!("{} is not a pseudonymised key: use the GP system's keyed hash (letters, digits and - _ + / = ., at most {MAX_KEY_CHARS})", shown(raw)));
    }
    Ok(raw.to_owned())
}

/// Parses the people file. A key given twice is a problem of the second row.
pub fn parse_people(input: &[u8]) -> Result<Vec<Parsed<PersonRow>>, csv_file::FileError<PeopleFile>> {
    let mut seen: HashMap<String, u64> = HashMap::new();
    csv_file::read_rows::<PeopleFile, _>(input, &mut |_| {}, |record, line, header| {
        let mut problems = Vec::new();
        let values = match csv_file::row_values(record, line, header, &PEOPLE_COLUMNS, &mut problems) {
            Ok(v) => v,
            Err(p) => return Parsed { line, result: Err(vec![p]) },
        };
        let mut problem = |k: usize, message: String| problems.push(RowProblem::new(line, Some(PEOPLE_COLUMNS[k].name), message));
        let key = values[0].and_then(|v| person_key(v).map_err(|m| problem(0, m)).ok());
        if let Some(k) = &key {
            if let Some(first) = seen.get(k) {
                problem(0, format!("This person is already on line {first}: each person is listed once"));
            }
        }
        let practice = match values[1] {
            Some("") => {
                problem(1, "The practice is missing".into());
                None
            }
            other => other.map(str::to_owned),
        };
        let age = values[2].and_then(|v| match AgeBand::parse(v) {
            Ok(a) => Some(a),
            Err(_) => {
                problem(2, format!("{} is not an age band. Use one of {}", shown(v), AgeBand::ALL.iter().map(|a| a.code()).collect::<Vec<_>>().join(", ")));
                None
            }
        });
        let sex = values[3].and_then(|v| {
            let parsed = match v.to_ascii_lowercase().as_str() {
                "m" | "male" => Ok(Sex::Male),
                "f" | "female" => Ok(Sex::Female),
                _ => Sex::parse(v),
            };
            parsed.map_err(|_| problem(3, format!("{} is not a sex. Use male, female, M, F or the NHS code 1, 2, 9 or 0", shown(v)))).ok()
        });
        let lsoa = match values[4] {
            Some("") | None => None,
            Some(v) if is_english_lsoa(v) => Some(v.to_ascii_uppercase()),
            Some(v) => {
                problem(4, format!("{} is not an English 2011 LSOA code (E01 and six digits, like E01011229)", shown(v)));
                None
            }
        };
        if let Some(k) = &key {
            seen.entry(k.clone()).or_insert(line);
        }
        let result = match (key, practice, age, sex) {
            (Some(person_key), Some(practice), Some(age), Some(sex)) if problems.is_empty() => Ok(PersonRow { person_key, practice, age, sex, lsoa }),
            _ => Err(problems),
        };
        Parsed { line, result }
    })
}

/// Parses the contacts file. `today` bounds the dates.
pub fn parse_activity(input: &[u8], today: Date) -> Result<Vec<Parsed<ContactRow>>, csv_file::FileError<ActivityFile>> {
    let mut occurrences: HashMap<(String, Date, ContactType), u32> = HashMap::new();
    csv_file::read_rows::<ActivityFile, _>(input, &mut |_| {}, |record, line, header| {
        let mut problems = Vec::new();
        let values = match csv_file::row_values(record, line, header, &ACTIVITY_COLUMNS, &mut problems) {
            Ok(v) => v,
            Err(p) => return Parsed { line, result: Err(vec![p]) },
        };
        let mut problem = |k: usize, message: String| problems.push(RowProblem::new(line, Some(ACTIVITY_COLUMNS[k].name), message));
        let key = values[0].and_then(|v| person_key(v).map_err(|m| problem(0, m)).ok());
        let contact_on = values[1].and_then(|v| match parse_date("contact_on", "date of the contact", "2026-03-27 or 27/03/2026", v) {
            Ok(d) if d > today => {
                problem(1, "The date of the contact must be today or in the past".into());
                None
            }
            Ok(d) => Some(d),
            Err(_) if v.is_empty() => {
                problem(1, "The date of the contact is missing".into());
                None
            }
            Err(e) => {
                problem(1, e.to_string());
                None
            }
        });
        let contact_type = values[2].and_then(|v| {
            let found = parse_contact_type(v);
            if found.is_none() {
                problem(2, format!("{} is not a type of contact. Use one of {}", shown(v), ContactType::ALL.iter().map(|t| t.code()).collect::<Vec<_>>().join(", ")));
            }
            found
        });
        let bed_days = match values[3] {
            Some("") | None => None,
            Some(v) => match v.parse::<u32>() {
                Ok(d) if d <= MAX_BED_DAYS && contact_type == Some(ContactType::NonElectiveAdmission) => Some(d),
                Ok(d) if d <= MAX_BED_DAYS => {
                    problem(3, "Bed days are only given on non_elective_admission rows".into());
                    None
                }
                _ => {
                    problem(3, format!("{} is not a number of days from 0 to {MAX_BED_DAYS}", shown(v)));
                    None
                }
            },
        };
        let result = match (key, contact_on, contact_type) {
            (Some(person_key), Some(contact_on), Some(contact_type)) if problems.is_empty() => {
                let n = occurrences.entry((person_key.clone(), contact_on, contact_type)).or_insert(0);
                *n += 1;
                Ok(ContactRow { person_key, contact_on, contact_type, bed_days, occurrence: *n })
            }
            _ => Err(problems),
        };
        Parsed { line, result }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn people_are_read_with_their_groups_and_bad_values_named_by_line_and_column() {
        let file = b"Person key,Practice code,Age band,Sex,LSOA\nA1b2,Y12345,45-54,F,E01011229\nA1b2,Y12345,45-54,F,\nbad key!,Y12345,46,unknown sex,W01000001\n";
        let rows = parse_people(file).unwrap();
        assert_eq!(rows[0].result, Ok(PersonRow { person_key: "A1b2".into(), practice: "Y12345".into(), age: AgeBand::A45to54, sex: Sex::Female, lsoa: Some("E01011229".into()) }));
        let twice = rows[1].result.as_ref().unwrap_err();
        assert_eq!(twice[0].to_string(), "line 3, column person_key: This person is already on line 2: each person is listed once");
        let bad: Vec<Option<&str>> = rows[2].result.as_ref().unwrap_err().iter().map(|p| p.column).collect();
        assert_eq!(bad, [Some("person_key"), Some("age_band"), Some("sex"), Some("lsoa")]);
    }

    #[test]
    fn contacts_are_numbered_when_identical_and_checked() {
        let file = b"person_key,contact_on,contact_type,bed_days\nA1,2026-01-05,gp_surgery,\nA1,05/01/2026,GP surgery,\nA1,2026-02-01,non_elective_admission,3\nA1,2026-02-01,gp_phone,2\nA1,2030-01-01,gp_phone,\n";
        let rows = parse_activity(file, date!(2026 - 06 - 01)).unwrap();
        assert_eq!(rows[0].result.as_ref().unwrap().occurrence, 1);
        assert_eq!(rows[1].result.as_ref().unwrap().occurrence, 2, "the same contact twice is two contacts");
        assert_eq!(rows[2].result.as_ref().unwrap().bed_days, Some(3));
        assert_eq!(rows[3].result.as_ref().unwrap_err()[0].column, Some("bed_days"));
        assert_eq!(rows[4].result.as_ref().unwrap_err()[0].message, "The date of the contact must be today or in the past");
    }

    /// The example files in docs/examples read without a problem.
    #[test]
    fn the_documented_examples_read_cleanly() {
        let people = parse_people(include_bytes!("../../../../../docs/examples/comparison-people.csv")).unwrap();
        assert_eq!(people.len(), 3);
        assert!(people.iter().all(|r| r.result.is_ok()), "{people:?}");
        let activity = parse_activity(include_bytes!("../../../../../docs/examples/comparison-activity.csv"), date!(2026 - 06 - 01)).unwrap();
        assert_eq!(activity.len(), 5);
        assert!(activity.iter().all(|r| r.result.is_ok()), "{activity:?}");
    }

    #[test]
    fn a_spreadsheet_or_a_wrong_header_is_refused_as_a_file() {
        assert!(parse_people(b"PK\x03\x04rest").is_err());
        let e = parse_activity(b"nhs_number,date\n1,2\n", date!(2026 - 06 - 01)).unwrap_err();
        assert!(e.to_string().contains("person_key"), "{e}");
    }
}
