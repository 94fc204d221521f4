//! Health-system activity (GP system or hospital extracts) as a CSV file: one row per contact.
//!
//! # The file
//!
//! - UTF-8 text; a byte order mark is allowed; commas between values, double quotes around a value
//!   holding a comma (as for referrals, see [`super::referrals_csv`]: reading the file, matching
//!   the header, line counting, date parsing and the file-level errors are shared with it in
//!   [`super::csv_file`], so both imports refuse a bad file in the same words).
//! - The first line names the columns, in any order. Names are matched ignoring case, spaces,
//!   dots, hyphens and underscores, and each column has common aliases from GP and hospital
//!   extracts (see [`COLUMNS`]): `NHS No.`, `Date`, `Activity type`, `LOS` all work. A column that
//!   is neither a known name nor an alias is an error, so a typo cannot silently drop data.
//! - At most [`MAX_ROWS`] contacts in one file; empty lines are ignored.
//!
//! | column         | required | what it holds                                                            |
//! |----------------|----------|--------------------------------------------------------------------------|
//! | `nhs_number`   | yes      | 10 digits with a valid check digit; spaces and hyphens ignored           |
//! | `contact_on`   | yes      | date of the contact, `YYYY-MM-DD` or `DD/MM/YYYY`, not in the future      |
//! | `contact_type` | yes      | a [`ContactType`] code (or its label)                                     |
//! | `bed_days`     | no       | whole days in hospital, 0–365, only on `non_elective_admission` rows      |
//! | `source`       | no       | the system or extract it came from (up to 50 characters), e.g. `EMIS`     |
//!
//! # Identical rows
//!
//! Two identical rows (same person, date, type and source) are two contacts (two phone calls on one
//! day happen). Each row gets its `occurrence`: 1 for the first such row in the file, 2 for the
//! second, and so on. Person, date, type, source and occurrence are the row's natural key, so
//! importing the same extract (or an overlapping one) again adds nothing twice.
//!
//! Parsing never panics, whatever the bytes.

use super::csv_file::{
    self, normalise_header, parse_date, shown, FileKind, Header,
};
use crate::DomainError;
use crate::evaluation::health_system::ContactType;
use crate::person::nhs_number::NhsNumber;
use std::collections::HashMap;
use time::Date;

pub use super::csv_file::{Column, RowProblem};

/// The most data rows one file may hold (a year of a large PCN's GP contacts for its referred people).
pub const MAX_ROWS: usize = 200_000;
/// [`MAX_ROWS`] as people write it.
pub const MAX_ROWS_TEXT: &str = "200,000";
/// The longest `source` value.
pub const MAX_SOURCE_CHARS: usize = 50;
/// The most bed days one admission row may carry.
pub const MAX_BED_DAYS: u32 = 365;

/// The columns, in the order of the example file.
pub const COLUMNS: [Column; 5] = [
    Column {
        name: "nhs_number",
        aliases: &[
            "nhs_no",
            "nhsno",
            "nhs",
            "patient_nhs_number",
            "nhs_number_value",
        ],
        required: true,
        description: "NHS number: 10 digits with a valid check digit",
    },
    Column {
        name: "contact_on",
        aliases: &[
            "date",
            "contact_date",
            "event_date",
            "activity_date",
            "appointment_date",
            "attendance_date",
            "admission_date",
            "consultation_date",
        ],
        required: true,
        description: "Date of the contact: YYYY-MM-DD or DD/MM/YYYY",
    },
    Column {
        name: "contact_type",
        aliases: &[
            "type",
            "type_of_contact",
            "activity_type",
            "event_type",
            "contact",
            "activity",
            "consultation_type",
        ],
        required: true,
        description: "Type of contact: a code such as gp_surgery or ae_not_admitted",
    },
    Column {
        name: "bed_days",
        aliases: &[
            "length_of_stay",
            "los",
            "beddays",
            "spell_los",
            "bed_days_value",
        ],
        required: false,
        description: "Whole days in hospital, on non_elective_admission rows only (may be empty)",
    },
    Column {
        name: "source",
        aliases: &["system", "source_system", "data_source", "extract"],
        required: false,
        description: "The system or extract the row came from, like EMIS or SUS (may be empty)",
    },
];

const NHS_NUMBER: usize = 0;
const CONTACT_ON: usize = 1;
const CONTACT_TYPE: usize = 2;
const BED_DAYS: usize = 3;
const SOURCE: usize = 4;

/// The header row Linkwork documents (all columns, in order).
pub fn header_line() -> String {
    csv_file::header_line(&COLUMNS)
}

/// A header name reduced for matching: lower case, no spaces, dots, hyphens or underscores.
pub fn header_key(name: &str) -> String {
    normalise_header(name)
        .chars()
        .filter(|c| !matches!(c, '_' | '.' | '#'))
        .collect()
}

/// One contact read from the file, every value parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRow {
    pub nhs_number: NhsNumber,
    pub contact_on: Date,
    pub contact_type: ContactType,
    /// Only on admissions.
    pub bed_days: Option<u32>,
    /// Trimmed; empty when not given.
    pub source: String,
    /// 1 for the first row in the file with the same NHS number, date, type and source, 2 for the
    /// second, … (see the module documentation).
    pub occurrence: u32,
}

/// One data row: parsed, or every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRow {
    pub line: u64,
    pub result: Result<ActivityRow, Vec<RowProblem>>,
}

/// The data rows of a file, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedFile {
    pub rows: Vec<ParsedRow>,
}

impl ParsedFile {
    /// Every problem in every row, in file order.
    pub fn problems(&self) -> impl Iterator<Item = &RowProblem> {
        self.rows
            .iter()
            .filter_map(|r| r.result.as_ref().err())
            .flatten()
    }

    pub fn good_rows(&self) -> usize {
        self.rows.iter().filter(|r| r.result.is_ok()).count()
    }
}

/// A problem with the whole file.
pub type FileError = csv_file::FileError<ActivityFile>;

/// The activity file, for the shared CSV-file layer ([`csv_file`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivityFile;

impl FileKind for ActivityFile {
    const COLUMNS: &'static [Column] = &COLUMNS;
    const ROWS: &'static str = "contacts";
    const MAX_ROWS: usize = MAX_ROWS;
    const MAX_ROWS_TEXT: &'static str = MAX_ROWS_TEXT;
    const SPREADSHEET_THEN: &'static str = "use the .csv file";
    const NOT_UTF8_THEN: &'static str = "try again";
    const REPEATS_AS_WRITTEN: bool = true;

    fn header_key(name: &str) -> String {
        header_key(name)
    }
}

/// Parses a whole file. `today` bounds the contact dates.
pub fn parse(input: &[u8], today: Date) -> Result<ParsedFile, FileError> {
    let mut occurrences: HashMap<(NhsNumber, Date, ContactType, String), u32> = HashMap::new();
    let rows = csv_file::read_rows(input, &mut |_| {}, |record, line, header| {
        let result = parse_row(record, line, header, today).map(|mut row| {
            let n = occurrences
                .entry((
                    row.nhs_number.clone(),
                    row.contact_on,
                    row.contact_type,
                    row.source.clone(),
                ))
                .or_insert(0);
            *n += 1;
            row.occurrence = *n;
            row
        });
        ParsedRow { line, result }
    })?;
    Ok(ParsedFile { rows })
}

/// A contact type by its code, its label, or its code written with spaces or hyphens
/// (`GP surgery`, `gp-phone`), ignoring case.
pub fn parse_contact_type(raw: &str) -> Option<ContactType> {
    let key = header_key(raw);
    ContactType::ALL
        .iter()
        .copied()
        .find(|t| header_key(t.code()) == key || t.label().eq_ignore_ascii_case(raw.trim()))
}

fn parse_row(
    record: &csv::ByteRecord,
    line: u64,
    header: &Header,
    today: Date,
) -> Result<ActivityRow, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let problem = |problems: &mut Vec<RowProblem>, k: usize, message: String| {
        problems.push(RowProblem::new(line, Some(COLUMNS[k].name), message))
    };
    let values = csv_file::row_values(record, line, header, &COLUMNS, &mut problems).map_err(|p| vec![p])?;
    let domain_message = |e: DomainError| match e {
        DomainError::Invalid { message, .. } | DomainError::NotAllowed(message) => message,
    };

    let nhs_number = match values[NHS_NUMBER] {
        Some("") => {
            problem(
                &mut problems,
                NHS_NUMBER,
                "The NHS number is missing".to_owned(),
            );
            None
        }
        Some(v) => NhsNumber::parse(v)
            .map_err(|e| problem(&mut problems, NHS_NUMBER, domain_message(e)))
            .ok(),
        None => None,
    };
    let contact_on = match values[CONTACT_ON] {
        Some("") => {
            problem(
                &mut problems,
                CONTACT_ON,
                "The date of the contact is missing".to_owned(),
            );
            None
        }
        Some(v) => match parse_date(
            "contact_on",
            "date of the contact",
            "2026-03-27 or 27/03/2026",
            v,
        ) {
            Ok(d) if d > today => {
                problem(
                    &mut problems,
                    CONTACT_ON,
                    "The date of the contact must be today or in the past".to_owned(),
                );
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                problem(&mut problems, CONTACT_ON, domain_message(e));
                None
            }
        },
        None => None,
    };
    let contact_type = match values[CONTACT_TYPE] {
        Some("") => {
            problem(
                &mut problems,
                CONTACT_TYPE,
                "The type of contact is missing".to_owned(),
            );
            None
        }
        Some(v) => {
            let found = parse_contact_type(v);
            if found.is_none() {
                let codes: Vec<&str> = ContactType::ALL.iter().map(|t| t.code()).collect();
                problem(
                    &mut problems,
                    CONTACT_TYPE,
                    format!(
                        "{} is not a type of contact. Use one of {}",
                        shown(v),
                        codes.join(", ")
                    ),
                );
            }
            found
        }
        None => None,
    };
    let bed_days = match values[BED_DAYS] {
        Some("") => Some(None),
        Some(v) => match v.parse::<u32>() {
            Ok(days) if days <= MAX_BED_DAYS => match contact_type {
                Some(t) if !t.has_bed_days() && days > 0 => {
                    problem(&mut problems, BED_DAYS, format!("Bed days belong only on non_elective_admission rows, not on {}. Leave bed_days empty on this row", t.code()));
                    None
                }
                Some(t) if !t.has_bed_days() => Some(None),
                _ => Some(Some(days)),
            },
            _ => {
                problem(&mut problems, BED_DAYS, format!("{} is not a number of bed days. Give whole days from 0 to {MAX_BED_DAYS}, or leave it empty", shown(v)));
                None
            }
        },
        None => None,
    };
    let source = match values[SOURCE] {
        Some(v) if v.chars().count() > MAX_SOURCE_CHARS => {
            problem(
                &mut problems,
                SOURCE,
                format!("The source can be up to {MAX_SOURCE_CHARS} characters, like EMIS or SUS"),
            );
            None
        }
        Some(v) if v.chars().any(char::is_control) => {
            problem(
                &mut problems,
                SOURCE,
                "The source must be on one line".to_owned(),
            );
            None
        }
        Some(v) => Some(v.to_owned()),
        None => None,
    };
    match (nhs_number, contact_on, contact_type, bed_days, source) {
        (Some(nhs_number), Some(contact_on), Some(contact_type), Some(bed_days), Some(source))
            if problems.is_empty() =>
        {
            Ok(ActivityRow {
                nhs_number,
                contact_on,
                contact_type,
                bed_days,
                source,
                occurrence: 0,
            })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 01);

    fn file(header: &str, rows: &[&str]) -> Vec<u8> {
        let mut text = header.to_owned();
        for r in rows {
            text.push('\n');
            text.push_str(r);
        }
        text.push('\n');
        text.into_bytes()
    }

    fn problems(input: &[u8]) -> Vec<String> {
        parse(input, TODAY)
            .unwrap()
            .problems()
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn parses_the_documented_layout() {
        let parsed = parse(
            &file(
                "nhs_number,contact_on,contact_type,bed_days,source",
                &[
                    "9434765919,2026-03-02,gp_surgery,,EMIS",
                    "943 476 5919,02/03/2026,GP surgery consultation,,EMIS",
                    "9434765870,2026-04-10,non_elective_admission,4,SUS",
                    "9434765870,2026-04-09,ae_admitted,,SUS",
                ],
            ),
            TODAY,
        )
        .unwrap();
        assert_eq!(parsed.good_rows(), 4);
        let rows: Vec<&ActivityRow> = parsed
            .rows
            .iter()
            .map(|r| r.result.as_ref().unwrap())
            .collect();
        assert_eq!(rows[0].nhs_number.as_str(), "9434765919");
        assert_eq!(rows[0].contact_on, date!(2026 - 03 - 02));
        assert_eq!(rows[0].contact_type, ContactType::GpSurgery);
        assert_eq!((rows[0].source.as_str(), rows[0].occurrence), ("EMIS", 1));
        assert_eq!(
            rows[1].occurrence, 2,
            "the same person, date, type and source again: the second contact that day"
        );
        assert_eq!(rows[2].bed_days, Some(4));
        assert_eq!(
            (rows[3].contact_type, rows[3].bed_days, rows[3].occurrence),
            (ContactType::AeAdmitted, None, 1)
        );
    }

    #[test]
    fn accepts_common_header_aliases_in_any_order() {
        let parsed = parse(
            &file(
                "Activity Type,NHS No.,Date,LOS,System",
                &[
                    "gp-phone,9434765919,2026-05-01,,SystmOne",
                    "Practice nurse,9434765919,2026-05-01,0,",
                ],
            ),
            TODAY,
        )
        .unwrap();
        let rows: Vec<&ActivityRow> = parsed
            .rows
            .iter()
            .map(|r| r.result.as_ref().unwrap())
            .collect();
        assert_eq!(rows[0].contact_type, ContactType::GpPhone);
        assert_eq!(rows[0].source, "SystmOne");
        assert_eq!(
            (
                rows[1].contact_type,
                rows[1].bed_days,
                rows[1].source.as_str()
            ),
            (ContactType::PracticeNurse, None, ""),
            "0 bed days on a non-admission is no stay"
        );
        // Only the three required columns.
        let parsed = parse(
            &file(
                "nhs_number,contact_date,type",
                &["9434765919,2026-05-01,ae_not_admitted"],
            ),
            TODAY,
        )
        .unwrap();
        assert_eq!(parsed.good_rows(), 1);
        assert_eq!(parsed.rows[0].result.as_ref().unwrap().source, "");
    }

    #[test]
    fn every_problem_of_a_row_is_named_by_line_and_column() {
        let found = problems(&file(
            "nhs_number,contact_on,contact_type,bed_days,source",
            &[
                "9434765918,2026-13-01,gp_visit,x,EMIS",
                "9434765919,2026-12-02,gp_surgery,3,EMIS",
                "9434765919,2026-11-02,gp_surgery,,EMIS",
                ",,,,",
            ],
        ));
        assert_eq!(found.len(), 6, "{found:#?}");
        assert!(
            found[0].starts_with("line 2, column nhs_number: "),
            "{}",
            found[0]
        );
        assert_eq!(found[1], "line 2, column contact_on: The date of the contact must be a real date, like 2026-03-27 or 27/03/2026");
        assert!(found[2].starts_with("line 2, column contact_type: \"gp_visit\" is not a type of contact. Use one of gp_surgery, gp_phone"), "{}", found[2]);
        assert_eq!(found[3], "line 2, column bed_days: \"x\" is not a number of bed days. Give whole days from 0 to 365, or leave it empty");
        assert_eq!(
            found[4],
            "line 3, column contact_on: The date of the contact must be today or in the past"
        );
        assert_eq!(found[5], "line 3, column bed_days: Bed days belong only on non_elective_admission rows, not on gp_surgery. Leave bed_days empty on this row");
    }

    #[test]
    fn missing_values_and_wrong_widths() {
        let found = problems(&file(
            "nhs_number,contact_on,contact_type,bed_days",
            &[
                ",2026-01-01,,",
                "9434765919,2026-01-01",
                "9434765919,2026-01-01,non_elective_admission,366",
            ],
        ));
        assert_eq!(
            found,
            vec![
                "line 2, column nhs_number: The NHS number is missing",
                "line 2, column contact_type: The type of contact is missing",
                "line 3: This row has 2 values but the header has 4. Check for a missing comma, or a comma inside a value that is not in double quotes",
                "line 4, column bed_days: \"366\" is not a number of bed days. Give whole days from 0 to 365, or leave it empty",
            ]
        );
        let long = "S".repeat(51);
        let found = problems(&file(
            "nhs_number,contact_on,contact_type,source",
            &[&format!("9434765919,2026-01-01,gp_phone,{long}")],
        ));
        assert_eq!(
            found,
            vec!["line 2, column source: The source can be up to 50 characters, like EMIS or SUS"]
        );
    }

    #[test]
    fn header_and_file_errors() {
        let err = parse(b"nhs_number,date,contact_date,kind\n1,2,3,4\n", TODAY).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.line(), 1);
        assert!(
            text.contains("is missing the column contact_type"),
            "{text}"
        );
        assert!(
            text.contains("has a column Linkwork does not know: \"kind\""),
            "{text}"
        );
        assert!(
            text.contains("names a column more than once: contact_on (\"contact_date\")"),
            "{text}"
        );
        assert_eq!(parse(b"", TODAY).unwrap_err(), FileError::Empty);
        assert_eq!(
            parse(b"nhs_number,contact_on,contact_type\n\n,,\n", TODAY).unwrap_err(),
            FileError::NoRows { line: 1 }
        );
        assert_eq!(
            parse(b"PK\x03\x04rest", TODAY).unwrap_err(),
            FileError::Spreadsheet
        );
        assert!(parse(b"nhs_number;contact_on;contact_type\n", TODAY)
            .unwrap_err()
            .to_string()
            .contains("semicolons"));
    }

    #[test]
    fn lines_count_blank_lines_and_windows_line_ends() {
        let text = "\r\nnhs_number,contact_on,contact_type\r\n9434765919,2026-01-01,gp_phone\r\n\r\n9434765919,2026-01-01,nope\r\n";
        let parsed = parse(text.as_bytes(), TODAY).unwrap();
        assert_eq!(
            parsed.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![3, 5]
        );
        assert_eq!(parsed.problems().next().unwrap().line, 5);
    }

    #[test]
    fn never_panics_on_garbage() {
        let pieces: &[&[u8]] = &[
            b",",
            b"\"",
            b"\n",
            b"\r",
            b"9434765919",
            b"gp_phone",
            b"non_elective_admission",
            b"4",
            b"-1",
            b"2026-01-01",
            b"\xFF",
            b"\xC3",
            "é".as_bytes(),
            b"nhs_number,contact_on,contact_type,bed_days\n",
        ];
        let mut state: u64 = 7;
        for _ in 0..2000 {
            let mut input = b"nhs_number,contact_on,contact_type,bed_days,source\n".to_vec();
            for _ in 0..(state % 40) {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                input.extend_from_slice(pieces[((state >> 33) % pieces.len() as u64) as usize]);
            }
            if let Ok(parsed) = parse(&input, TODAY) {
                for row in &parsed.rows {
                    if let Err(p) = &row.result {
                        assert!(!p.is_empty());
                    }
                }
            }
        }
    }
}
