//! Referrals exported from a GP system (or typed into a spreadsheet) as a CSV file.
//!
//! # The file
//!
//! - UTF-8 text ("CSV UTF-8" in Excel); a byte order mark at the start is allowed. Values are
//!   separated by commas; a value holding a comma, a quote or a line break is put in double quotes
//!   (`"Smith, Jo"`), with quotes inside doubled (`"said ""hello"""`).
//! - The first line is the header row naming the columns. Names are matched ignoring case, spaces
//!   around them, and spaces or hyphens instead of underscores (`NHS Number` is `nhs_number`).
//!   Columns may come in any order. Every column in [`COLUMNS`] marked required must be there; a
//!   column Linkwork does not know is an error too (so a typo cannot silently drop data).
//! - Every other line is one referral. Lines that are empty, or hold only commas, are ignored.
//! - At most [`MAX_ROWS`] referrals in one file.
//!
//! | column          | required | what it holds                                                         |
//! |-----------------|----------|-----------------------------------------------------------------------|
//! | `nhs_number`    | yes      | 10 digits with a valid check digit; spaces and hyphens are ignored    |
//! | `given_name`    | yes      | first name, up to 100 characters                                      |
//! | `family_name`   | yes      | last name, up to 100 characters                                       |
//! | `date_of_birth` | yes      | `YYYY-MM-DD` or `DD/MM/YYYY`; in the past, at most 130 years ago       |
//! | `sex`           | yes      | `1`, `2`, `9`, `X`, or `Male`/`M`, `Female`/`F`, `Indeterminate`, `Not known`/`Unknown` |
//! | `ethnicity`     | yes      | NHS ethnic category code: `A`–`S`, `Z` (not stated), `99` (not known) |
//! | `postcode`      | yes      | a full UK postcode                                                    |
//! | `practice_ods`  | yes      | ODS code of the person's GP practice (checked against the PCN later)  |
//! | `referred_on`   | yes      | date of referral, `YYYY-MM-DD` or `DD/MM/YYYY`, not in the future     |
//! | `source`        | no       | `gp_practice` (the default when empty or absent), `other_health`, `vcse`, `council`, `self` |
//! | `referrer_name` | yes      | who referred, up to 200 characters                                     |
//! | `reason`        | yes      | reason for referral, up to 2,000 characters                           |
//! | `needs`         | yes      | need domain codes separated by `;` (e.g. `loneliness;money`)          |
//!
//! # Problems
//!
//! Every problem names the line of the file it is on (the header is line 1; a referral whose
//! reason spans several lines is numbered by its first line), the column, and says in plain words
//! what is wrong and how to put it right. A row is either wholly parsed or has at least one
//! problem; every problem in a row is reported, not just the first. The second and later rows with
//! the same NHS number are problems naming the line where it first appeared. A header that lacks a
//! required column or has an unknown or repeated one, an empty file and a file with no rows are
//! file-level errors ([`FileError`]), reported against line 1.
//!
//! Parsing never panics, whatever the bytes.
//!
//! Reading the file, matching the header and the file-level errors are shared with the activity
//! import in [`super::csv_file`]; this module parses the values of a referral.

use super::csv_file::{self, normalise_header, shown, width_problem, FileKind, Header};
use crate::{DomainError, RequiredText};
use crate::casework::need::NeedDomain;
use crate::casework::referral::{ReferralReason, ReferralSource};
use crate::person::{DateOfBirth, Ethnicity, PersonDetails, PersonName, Sex};
use crate::person::nhs_number::NhsNumber;
use crate::person::postcode::Postcode;
use std::collections::HashMap;
use time::Date;

pub use super::csv_file::{parse_date, Column, RowProblem};

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 50_000;
/// [`MAX_ROWS`] as people write it.
pub const MAX_ROWS_TEXT: &str = "50,000";

/// Who referred, as written in the file (a clinician's name, a team).
pub type ReferrerName = RequiredText<200>;

/// A column without aliases: referral files are written to Linkwork's layout.
const fn col(name: &'static str, required: bool, description: &'static str) -> Column {
    Column { name, aliases: &[], required, description }
}

/// The columns, in the order of the example file.
pub const COLUMNS: [Column; 13] = [
    col("nhs_number", true, "NHS number: 10 digits with a valid check digit"),
    col("given_name", true, "First name"),
    col("family_name", true, "Last name"),
    col("date_of_birth", true, "Date of birth: YYYY-MM-DD or DD/MM/YYYY"),
    col("sex", true, "1 male, 2 female, 9 indeterminate, X not known (or the words)"),
    col("ethnicity", true, "NHS ethnic category code: A to S, Z not stated, 99 not known"),
    col("postcode", true, "Postcode, like LS1 4AP"),
    col("practice_ods", true, "ODS code of the person's GP practice, like F84001"),
    col("referred_on", true, "Date of referral: YYYY-MM-DD or DD/MM/YYYY"),
    col("source", false, "Who referred: gp_practice (the default), other_health, vcse, council or self"),
    col("referrer_name", true, "Name of the person or team who referred"),
    col("reason", true, "Reason for referral, in the referrer's words"),
    col("needs", true, "Need codes separated by semicolons, like loneliness;money"),
];

// Positions in COLUMNS.
const NHS_NUMBER: usize = 0;
const GIVEN_NAME: usize = 1;
const FAMILY_NAME: usize = 2;
const DATE_OF_BIRTH: usize = 3;
const SEX: usize = 4;
const ETHNICITY: usize = 5;
const POSTCODE: usize = 6;
const PRACTICE_ODS: usize = 7;
const REFERRED_ON: usize = 8;
const SOURCE: usize = 9;
const REFERRER_NAME: usize = 10;
const REASON: usize = 11;
const NEEDS: usize = 12;

/// The header row every file may start with (all columns, in the documented order).
pub fn header_line() -> String {
    csv_file::header_line(&COLUMNS)
}

/// One referral read from the file, every value parsed. The practice is still an ODS code: which
/// organisation it is depends on the service importing the file, so the use case resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedReferral {
    pub person: PersonDetails,
    /// Upper case, letters and digits only.
    pub practice_ods: String,
    pub referred_on: Date,
    pub source: ReferralSource,
    pub referrer_name: ReferrerName,
    pub reason: ReferralReason,
    /// Sorted, without repeats, never empty.
    pub needs: Vec<NeedDomain>,
}

/// One data row: parsed, or every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRow {
    pub line: u64,
    pub result: Result<ImportedReferral, Vec<RowProblem>>,
    /// The practice's ODS code when that value parsed, even in a row with other problems, so the
    /// caller can check it against the service and report every problem of the row at once.
    pub practice_ods: Option<String>,
}

impl ParsedRow {
    /// Adds a problem found by the caller (the practice is not one of the service's), keeping the
    /// row's problems in column order.
    pub fn add_problem(&mut self, problem: RowProblem) {
        if self.result.is_ok() {
            self.result = Err(Vec::new());
        }
        if let Err(problems) = &mut self.result {
            problems.push(problem);
            problems.sort_by_key(|p| p.column.and_then(|c| COLUMNS.iter().position(|k| k.name == c)).unwrap_or(0));
        }
    }
}

/// The data rows of a file, in file order (empty lines left out).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedFile {
    pub rows: Vec<ParsedRow>,
}

impl ParsedFile {
    /// Every problem in every row, in file order.
    pub fn problems(&self) -> impl Iterator<Item = &RowProblem> {
        self.rows.iter().filter_map(|r| r.result.as_ref().err()).flatten()
    }

    /// How many rows have no problem.
    pub fn good_rows(&self) -> usize {
        self.rows.iter().filter(|r| r.result.is_ok()).count()
    }
}

/// A problem with the whole file: nothing in it can be read as referrals.
pub type FileError = csv_file::FileError<ReferralsFile>;

/// The referral file, for the shared CSV-file layer ([`csv_file`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralsFile;

impl FileKind for ReferralsFile {
    const COLUMNS: &'static [Column] = &COLUMNS;
    const ROWS: &'static str = "referrals";
    const MAX_ROWS: usize = MAX_ROWS;
    const MAX_ROWS_TEXT: &'static str = MAX_ROWS_TEXT;
    const SPREADSHEET_THEN: &'static str = "upload the .csv file";
    const NOT_UTF8_THEN: &'static str = "upload it again";
    const REPEATS_AS_WRITTEN: bool = false;

    fn header_key(name: &str) -> String {
        normalise_header(name)
    }
}

/// Parses a whole file. `today` bounds dates of birth and referral dates.
pub fn parse(input: &[u8], today: Date) -> Result<ParsedFile, FileError> {
    parse_with_progress(input, today, &mut |_| {})
}

/// [`parse`], calling `progress` now and then with how many bytes of `input` have been read (and
/// once at the end with `input.len()`), for a progress bar.
pub fn parse_with_progress(input: &[u8], today: Date, progress: &mut dyn FnMut(u64)) -> Result<ParsedFile, FileError> {
    let mut first_seen: HashMap<NhsNumber, u64> = HashMap::new();
    let rows = csv_file::read_rows(input, progress, |record, line, header| {
        let (result, practice_ods) = parse_row(record, line, header, today, &mut first_seen);
        ParsedRow { line, result, practice_ods }
    })?;
    Ok(ParsedFile { rows })
}

/// Collects the problems of one row.
struct RowChecker {
    line: u64,
    problems: Vec<RowProblem>,
}

impl RowChecker {
    fn problem(&mut self, column: usize, message: impl Into<String>) {
        self.problems.push(RowProblem::new(self.line, Some(COLUMNS[column].name), message));
    }

    /// Keeps the value, or records the domain's message against `column`.
    fn check<T>(&mut self, column: usize, result: crate::Result<T>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(DomainError::Invalid { message, .. } | DomainError::NotAllowed(message)) => {
                self.problem(column, message);
                None
            }
        }
    }
}

/// The row parsed or its problems, and its practice code if that parsed.
type RowResult = (Result<ImportedReferral, Vec<RowProblem>>, Option<String>);

fn parse_row(record: &csv::ByteRecord, line: u64, header: &Header, today: Date, first_seen: &mut HashMap<NhsNumber, u64>) -> RowResult {
    let mut c = RowChecker { line, problems: Vec::new() };
    if let Some(problem) = width_problem(record, line, header.width, "a name or reason") {
        return (Err(vec![problem]), None);
    }
    let mut values: [&str; COLUMNS.len()] = [""; COLUMNS.len()];
    for (k, position) in header.positions.iter().enumerate() {
        if let Some(i) = position {
            match std::str::from_utf8(record.get(*i).unwrap_or_default()) {
                Ok(v) => match csv_file::control_problem(v) {
                    Some(message) => c.problem(k, message),
                    None => values[k] = v.trim(),
                },
                Err(_) => c.problem(k, "This value is not UTF-8 text (letters such as é or £ are saved wrongly). In Excel, save the file as \"CSV UTF-8 (Comma delimited)\""),
            }
        }
    }
    let missing = |c: &mut RowChecker, k: usize, what: &str| c.problem(k, format!("The {what} is missing"));
    let present = |c: &mut RowChecker, k: usize, what: &str| -> Option<&str> {
        let v = values[k];
        if v.is_empty() {
            // A value that was not UTF-8 already has its problem.
            if !c.problems.iter().any(|p| p.column == Some(COLUMNS[k].name)) {
                missing(c, k, what);
            }
            None
        } else {
            Some(v)
        }
    };

    let nhs_number = present(&mut c, NHS_NUMBER, "NHS number").and_then(|v| c.check(NHS_NUMBER, NhsNumber::parse(v)));
    if let Some(n) = &nhs_number {
        match first_seen.get(n) {
            Some(first) => c.problem(NHS_NUMBER, format!("This NHS number is also on line {first}. A file can hold only one referral for each person")),
            None => {
                first_seen.insert(n.clone(), line);
            }
        }
    }
    let given_name = present(&mut c, GIVEN_NAME, "first name").and_then(|v| c.check(GIVEN_NAME, PersonName::parse("given_name", "the first name", v)));
    let family_name = present(&mut c, FAMILY_NAME, "last name").and_then(|v| c.check(FAMILY_NAME, PersonName::parse("family_name", "the last name", v)));
    let date_of_birth = present(&mut c, DATE_OF_BIRTH, "date of birth")
        .and_then(|v| c.check(DATE_OF_BIRTH, parse_date("date_of_birth", "date of birth", "1950-03-27 or 27/03/1950", v)))
        .and_then(|d| c.check(DATE_OF_BIRTH, DateOfBirth::new(d, today)));
    let sex = present(&mut c, SEX, "sex").and_then(|v| {
        let sex = parse_sex(v);
        if sex.is_none() {
            c.problem(SEX, format!("{} is not a sex code. Use 1 (male), 2 (female), 9 (indeterminate) or X (not known)", shown(v)));
        }
        sex
    });
    let ethnicity = present(&mut c, ETHNICITY, "ethnic category").and_then(|v| {
        let found = find(Ethnicity::ALL, Ethnicity::code, Ethnicity::label, v);
        if found.is_none() {
            c.problem(ETHNICITY, format!("{} is not an ethnic category code. Use a letter from A to S, Z (not stated) or 99 (not known)", shown(v)));
        }
        found
    });
    let postcode = present(&mut c, POSTCODE, "postcode").and_then(|v| c.check(POSTCODE, Postcode::parse(v)));
    let practice_ods = present(&mut c, PRACTICE_ODS, "practice ODS code").and_then(|v| {
        let code: String = v.chars().filter(|ch| !ch.is_whitespace()).collect::<String>().to_ascii_uppercase();
        if (3..=10).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Some(code)
        } else {
            c.problem(PRACTICE_ODS, format!("{} is not an ODS code. Use the practice's code, like F84001", shown(v)));
            None
        }
    });
    let referred_on = present(&mut c, REFERRED_ON, "referral date")
        .and_then(|v| c.check(REFERRED_ON, parse_date("referred_on", "referral date", "2026-03-27 or 27/03/2026", v)))
        .and_then(|d| {
            if d > today {
                c.problem(REFERRED_ON, "The referral date must be today or in the past");
                None
            } else {
                Some(d)
            }
        });
    let source = match values[SOURCE] {
        "" => Some(ReferralSource::GpPractice),
        v => {
            let found = find(ReferralSource::ALL, ReferralSource::code, ReferralSource::label, v);
            if found.is_none() {
                c.problem(SOURCE, format!("{} is not a referral source. Use gp_practice, other_health, vcse, council or self, or leave it empty for gp_practice", shown(v)));
            }
            found
        }
    };
    let referrer_name = present(&mut c, REFERRER_NAME, "referrer's name").and_then(|v| c.check(REFERRER_NAME, ReferrerName::parse("referrer_name", "the referrer's name", v)));
    let reason = present(&mut c, REASON, "reason for referral").and_then(|v| c.check(REASON, ReferralReason::parse("reason", "the reason for referral", v)));
    let needs = present(&mut c, NEEDS, "list of needs").and_then(|v| parse_needs(&mut c, v));

    let practice = practice_ods.clone();
    let result = match (nhs_number, given_name, family_name, date_of_birth, sex, ethnicity, postcode, practice_ods, referred_on, source, referrer_name, reason, needs) {
        (Some(nhs_number), Some(given_name), Some(family_name), Some(date_of_birth), Some(sex), Some(ethnicity), Some(postcode), Some(practice_ods), Some(referred_on), Some(source), Some(referrer_name), Some(reason), Some(needs))
            if c.problems.is_empty() =>
        {
            Ok(ImportedReferral {
                person: PersonDetails { nhs_number, given_name, family_name, date_of_birth, sex, ethnicity, postcode },
                practice_ods,
                referred_on,
                source,
                referrer_name,
                reason,
                needs,
            })
        }
        _ => Err(c.problems),
    };
    (result, practice)
}

/// A coded value by its code or its label, ignoring case.
fn find<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str, raw: &str) -> Option<T> {
    let raw = raw.trim();
    all.iter().copied().find(|v| code(*v).eq_ignore_ascii_case(raw) || label(*v).eq_ignore_ascii_case(raw))
}

/// Sex as GP systems export it: the NHS code, or the word, or its first letter.
fn parse_sex(raw: &str) -> Option<Sex> {
    if let Some(sex) = find(Sex::ALL, Sex::code, Sex::label, raw) {
        return Some(sex);
    }
    match raw.trim().to_ascii_lowercase().as_str() {
        "m" => Some(Sex::Male),
        "f" => Some(Sex::Female),
        "indeterminate" | "i" => Some(Sex::Indeterminate),
        "unknown" | "u" | "not specified" => Some(Sex::NotKnown),
        _ => None,
    }
}

/// Need codes separated by semicolons (commas are taken too); every unknown code is named.
fn parse_needs(c: &mut RowChecker, raw: &str) -> Option<Vec<NeedDomain>> {
    let mut needs = Vec::new();
    let mut unknown = Vec::new();
    for part in raw.split([';', ',']).map(str::trim).filter(|p| !p.is_empty()) {
        match find(NeedDomain::ALL, NeedDomain::code, NeedDomain::label, part) {
            Some(need) => needs.push(need),
            None => unknown.push(shown(part)),
        }
    }
    if !unknown.is_empty() {
        let what = if unknown.len() == 1 { "is not a need code" } else { "are not need codes" };
        c.problem(NEEDS, format!("{} {what}. Use codes such as loneliness, mental_wellbeing or money, separated by semicolons (the import guide lists them all)", unknown.join(", ")));
        return None;
    }
    needs.sort();
    needs.dedup();
    if needs.is_empty() {
        c.problem(NEEDS, "The list of needs is missing. Give at least one need code, like loneliness;money");
        return None;
    }
    Some(needs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 01);

    fn header() -> String {
        header_line()
    }

    /// A valid row in the documented column order.
    fn row(nhs: &str) -> String {
        format!("{nhs},Ada,Lovelace,1948-02-29,2,A,ls1 4ap,Y01001,2026-11-02,gp_practice,Dr Patel,\"Lonely, since her husband died\",loneliness;bereavement")
    }

    fn file(rows: &[String]) -> Vec<u8> {
        let mut text = header();
        for r in rows {
            text.push('\n');
            text.push_str(r);
        }
        text.push('\n');
        text.into_bytes()
    }

    fn problems(input: &[u8]) -> Vec<RowProblem> {
        parse(input, TODAY).unwrap().problems().cloned().collect()
    }

    /// A row with one column replaced.
    fn with(column: &str, value: &str) -> String {
        let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
        let mut values: Vec<String> = csv::ReaderBuilder::new().has_headers(false).from_reader(row("9434765919").as_bytes()).records().next().unwrap().unwrap().iter().map(str::to_owned).collect();
        values[names.iter().position(|n| *n == column).unwrap()] = value.to_owned();
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&values).unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap().trim_end().to_owned()
    }

    #[test]
    fn parses_a_good_file() {
        let parsed = parse(&file(&[row("9434765919"), row("943 476 5870")]), TODAY).unwrap();
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.good_rows(), 2);
        let first = parsed.rows[0].result.as_ref().unwrap();
        assert_eq!(parsed.rows[0].line, 2);
        assert_eq!(parsed.rows[1].line, 3);
        assert_eq!(first.person.nhs_number.as_str(), "9434765919");
        assert_eq!(first.person.postcode.as_str(), "LS1 4AP");
        assert_eq!(first.person.sex, Sex::Female);
        assert_eq!(first.person.date_of_birth.date(), date!(1948 - 02 - 29));
        assert_eq!(first.practice_ods, "Y01001");
        assert_eq!(first.reason.as_str(), "Lonely, since her husband died");
        assert_eq!(first.needs, vec![NeedDomain::Loneliness, NeedDomain::Bereavement]);
        assert_eq!(first.source, ReferralSource::GpPractice);
    }

    #[test]
    fn header_is_case_insensitive_in_any_order_with_bom_and_optional_source() {
        let text = "\u{feff}Needs, Reason ,Referrer Name,REFERRED_ON,practice-ods,Postcode,Ethnicity,Sex,Date of Birth,Family_Name,Given_Name,NHS Number\r\n\
                    money,Debt worries,Self,05/11/2026,y01002,M1 1AE,99,Male,31/1/1960,Api,Bo,9434765870\r\n";
        let parsed = parse(text.as_bytes(), TODAY).unwrap();
        let r = parsed.rows[0].result.as_ref().unwrap();
        assert_eq!(r.person.given_name.as_str(), "Bo");
        assert_eq!(r.person.ethnicity, Ethnicity::NotKnown);
        assert_eq!(r.person.sex, Sex::Male);
        assert_eq!(r.person.date_of_birth.date(), date!(1960 - 01 - 31));
        assert_eq!(r.referred_on, date!(2026 - 11 - 05));
        assert_eq!(r.practice_ods, "Y01002");
        assert_eq!(r.source, ReferralSource::GpPractice, "source defaults to gp_practice");
    }

    #[test]
    fn dates_in_both_forms() {
        let d = |raw| parse_date("referred_on", "referral date", "x", raw);
        assert_eq!(d("2026-03-27").unwrap(), date!(2026 - 03 - 27));
        assert_eq!(d("27/03/2026").unwrap(), date!(2026 - 03 - 27));
        assert_eq!(d("7/3/2026").unwrap(), date!(2026 - 03 - 07));
        assert_eq!(d(" 29/02/2024 ").unwrap(), date!(2024 - 02 - 29));
        for bad in ["", "29/02/2025", "2026-13-01", "27/03/26", "03/27/2026", "2026/03/27", "27-03-2026x", "1/1/1/2026", "٣/٣/٢٠٢٦", "+2026-01-01", "27.03.2026"] {
            assert!(d(bad).is_err(), "{bad}");
        }
        assert_eq!(d("31/04/2026").unwrap_err().to_string(), "The referral date must be a real date, like x");
    }

    #[test]
    fn every_value_problem_names_its_line_and_column() {
        let cases: &[(&str, &str, &str)] = &[
            ("nhs_number", "", "The NHS number is missing"),
            ("nhs_number", "12345", "NHS number must be 10 digits"),
            ("nhs_number", "9434765918", "This is not a valid NHS number"),
            ("given_name", " ", "The first name is missing"),
            ("family_name", &"x".repeat(101), "The last name must be 100 characters or fewer"),
            ("date_of_birth", "30/02/1950", "The date of birth must be a real date, like 1950-03-27 or 27/03/1950"),
            ("date_of_birth", "2027-01-01", "Date of birth must be in the past"),
            ("date_of_birth", "1850-01-01", "Date of birth must be after 130 years ago"),
            ("sex", "woman", "\"woman\" is not a sex code. Use 1 (male), 2 (female), 9 (indeterminate) or X (not known)"),
            ("ethnicity", "I", "\"I\" is not an ethnic category code"),
            ("ethnicity", "", "The ethnic category is missing"),
            ("postcode", "LS1", "Enter a full UK postcode, like LS1 4AP"),
            ("practice_ods", "Y0-1001!", "is not an ODS code. Use the practice's code, like F84001"),
            ("practice_ods", "", "The practice ODS code is missing"),
            ("referred_on", "2026-12-02", "The referral date must be today or in the past"),
            ("referred_on", "yesterday", "The referral date must be a real date, like 2026-03-27 or 27/03/2026"),
            ("source", "gp", "\"gp\" is not a referral source"),
            ("referrer_name", "", "The referrer's name is missing"),
            ("reason", &"x".repeat(2001), "The reason for referral must be 2000 characters or fewer"),
            ("needs", "loneliness;astrology;tarot", "\"astrology\", \"tarot\" are not need codes"),
            ("needs", " ; ", "Give at least one need code"),
            ("needs", "", "The list of needs is missing"),
        ];
        for (column, value, message) in cases {
            let input = file(&[row("9434765870"), with(column, value)]);
            let found = problems(&input);
            assert_eq!(found.len(), 1, "{column}={value:?}: {found:?}");
            assert_eq!(found[0].line, 3, "{column}");
            assert_eq!(found[0].column, Some(*column), "{column}");
            assert!(found[0].message.contains(message), "{column}={value:?}: {}", found[0].message);
        }
    }

    #[test]
    fn codes_and_words_for_coded_columns() {
        for (value, sex) in [("1", Sex::Male), ("m", Sex::Male), ("FEMALE", Sex::Female), ("9", Sex::Indeterminate), ("x", Sex::NotKnown), ("Not known", Sex::NotKnown), ("unknown", Sex::NotKnown)] {
            let parsed = parse(&file(&[with("sex", value)]), TODAY).unwrap();
            assert_eq!(parsed.rows[0].result.as_ref().unwrap().person.sex, sex, "{value}");
        }
        let parsed = parse(&file(&[with("needs", "Carer support; money,MONEY")]), TODAY).unwrap();
        assert_eq!(parsed.rows[0].result.as_ref().unwrap().needs, vec![NeedDomain::MoneyDebtBenefits, NeedDomain::CarerSupport]);
        let parsed = parse(&file(&[with("source", "Self-referral")]), TODAY).unwrap();
        assert_eq!(parsed.rows[0].result.as_ref().unwrap().source, ReferralSource::SelfReferral);
        let parsed = parse(&file(&[with("ethnicity", "h")]), TODAY).unwrap();
        assert_eq!(parsed.rows[0].result.as_ref().unwrap().person.ethnicity, Ethnicity::AsianIndian);
    }

    #[test]
    fn reports_every_problem_in_a_row() {
        let bad = "123,,Lovelace,31/02/1950,7,A,nowhere,Y01001,2026-11-02,,Dr Patel,Reason,";
        let found = problems(&file(&[bad.to_owned()]));
        let columns: Vec<_> = found.iter().map(|p| p.column.unwrap()).collect();
        assert_eq!(columns, vec!["nhs_number", "given_name", "date_of_birth", "sex", "postcode", "needs"]);
        assert!(found.iter().all(|p| p.line == 2));
        assert_eq!(found[0].to_string(), "line 2, column nhs_number: NHS number must be 10 digits, like 943 476 5919");
    }

    #[test]
    fn the_practice_code_is_kept_for_the_callers_check() {
        let mut parsed = parse(&file(&[with("practice_ods", " y01009 "), with("postcode", "nope").replace("9434765919", "9434765870")]), TODAY).unwrap();
        assert_eq!(parsed.rows[0].practice_ods.as_deref(), Some("Y01009"));
        assert_eq!(parsed.rows[1].practice_ods.as_deref(), Some("Y01001"), "kept in a row with other problems");
        for row in &mut parsed.rows {
            row.add_problem(RowProblem::new(row.line, Some("practice_ods"), "not ours"));
        }
        let columns: Vec<_> = parsed.problems().map(|p| (p.line, p.column.unwrap())).collect();
        assert_eq!(columns, vec![(2, "practice_ods"), (3, "postcode"), (3, "practice_ods")], "in column order");
    }

    #[test]
    fn duplicate_nhs_numbers_name_the_first_line() {
        let parsed = parse(&file(&[row("9434765919"), row("9434765870"), row("943-476-5919"), row("9434765919")]), TODAY).unwrap();
        assert_eq!(parsed.good_rows(), 2);
        let found: Vec<_> = parsed.problems().collect();
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].line, found[0].column), (4, Some("nhs_number")));
        assert!(found[0].message.contains("also on line 2"), "{}", found[0].message);
        assert_eq!(found[1].line, 5);
        assert!(found[1].message.contains("also on line 2"));
    }

    #[test]
    fn header_problems_are_one_file_error() {
        let err = parse(b"nhs_number,given_name,gender,surname,NHS number\n1,2,3,4,5\n", TODAY).unwrap_err();
        let FileError::Header { missing, unknown, repeated, .. } = &err else { panic!("{err:?}") };
        assert!(missing.contains(&"family_name") && missing.contains(&"needs") && !missing.contains(&"source"));
        assert_eq!(unknown, &vec!["\"gender\"".to_owned(), "\"surname\"".to_owned()]);
        assert_eq!(repeated, &vec!["nhs_number".to_owned()]);
        let text = err.to_string();
        assert!(text.starts_with("The header row is missing the columns family_name, date_of_birth, sex"), "{text}");
        assert!(text.contains("has columns Linkwork does not know: \"gender\", \"surname\""), "{text}");
        assert!(text.contains("names a column more than once: nhs_number"), "{text}");
        assert_eq!(err.to_problem().line, 1);
        assert_eq!(err.to_problem().column, None);

        let err = parse(b"nhs_number;given_name;family_name\n", TODAY).unwrap_err();
        assert!(err.to_string().contains("semicolons"), "{err}");
    }

    #[test]
    fn empty_files_and_files_without_rows() {
        assert_eq!(parse(b"", TODAY).unwrap_err(), FileError::Empty);
        assert_eq!(parse(b"\xEF\xBB\xBF", TODAY).unwrap_err(), FileError::Empty);
        assert_eq!(parse(b"\n\n", TODAY).unwrap_err(), FileError::Empty);
        assert_eq!(parse(file(&[]).as_slice(), TODAY).unwrap_err(), FileError::NoRows { line: 1 });
        assert_eq!(parse(file(&[",,,,,,,,,,,,".into(), "".into()]).as_slice(), TODAY).unwrap_err(), FileError::NoRows { line: 1 }, "rows of only commas are ignored");
        assert!(matches!(parse(b"\xFF\xFEn\x00h\x00s\x00", TODAY).unwrap_err(), FileError::NotUtf8 { line: 1 }));
        assert_eq!(parse(b"PK\x03\x04\x14\x00\x06\x00", TODAY).unwrap_err(), FileError::Spreadsheet);
        assert!(FileError::Spreadsheet.to_string().contains("not a CSV file"));
    }

    #[test]
    fn rows_of_the_wrong_width_and_bad_encoding() {
        let found = problems(&file(&[row("9434765919"), "9434765870,Bo,Api".into(), format!("{},,", row("4010232137"))]));
        assert_eq!(found.len(), 1, "trailing empty values are tolerated: {found:?}");
        assert_eq!((found[0].line, found[0].column), (3, None));
        assert!(found[0].message.starts_with("This row has 3 values but the header has 13"));

        // A file saved as Windows-1252: é is the single byte E9, not UTF-8's C3 A9.
        let mut latin1 = file(&[with("given_name", "Zo\u{e9}")]);
        let pos = latin1.windows(2).position(|w| w == [0xC3, 0xA9]).unwrap();
        latin1.splice(pos..pos + 2, [0xE9]);
        let found = problems(&latin1);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].column, Some("given_name"));
        assert!(found[0].message.contains("not UTF-8"));
    }

    #[test]
    fn lines_count_physical_lines() {
        // A reason with a line break inside quotes: the next row starts two lines later.
        let multi = row("9434765919").replace("\"Lonely, since", "\"Lonely,\nsince");
        let parsed = parse(&file(&[multi, String::new(), with("postcode", "nope").replace("9434765919", "9434765870")]), TODAY).unwrap();
        assert_eq!(parsed.rows[0].line, 2);
        assert_eq!(parsed.rows[0].result.as_ref().unwrap().reason.as_str(), "Lonely,\nsince her husband died");
        assert_eq!(parsed.rows[1].line, 5, "the blank line 4 is skipped but counted");
        assert_eq!(parsed.problems().next().unwrap().line, 5);
        // The same with Windows line ends, a blank line at the start and two between rows.
        let text = String::from_utf8(file(&[row("9434765919"), String::new(), String::new(), row("9434765870")])).unwrap().replace('\n', "\r\n");
        let parsed = parse(format!("\r\n{text}").as_bytes(), TODAY).unwrap();
        assert_eq!(parsed.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![3, 6]);
        let parsed = parse(String::from_utf8(file(&[row("9434765919"), row("9434765870")])).unwrap().replace('\n', "\r").as_bytes(), TODAY).unwrap();
        assert_eq!(parsed.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 3], "old Mac line ends");
    }

    #[test]
    fn too_many_rows() {
        let mut text = header();
        let line = format!("\n{}", row("9434765919"));
        for _ in 0..=MAX_ROWS {
            text.push_str(&line);
        }
        let err = parse(text.as_bytes(), TODAY).unwrap_err();
        assert_eq!(err, FileError::TooManyRows { line: MAX_ROWS as u64 + 2 });
        assert_eq!(MAX_ROWS_TEXT.replace(',', "").parse::<usize>().unwrap(), MAX_ROWS);
        assert!(err.to_string().contains("more than 50,000 referrals"));
    }

    #[test]
    fn progress_reaches_the_end() {
        let input = file(&(0..600).map(|_| row("9434765919")).collect::<Vec<_>>());
        let mut seen = Vec::new();
        parse_with_progress(&input, TODAY, &mut |p| seen.push(p)).unwrap();
        assert!(seen.len() >= 3 && seen.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*seen.last().unwrap(), input.len() as u64);
    }

    /// A tiny deterministic generator, so the fuzz test needs no dependency and repeats exactly.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            self.0 >> 33
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn never_panics_on_garbage() {
        let mut rng = Lcg(2026);
        let pieces: &[&[u8]] = &[
            b",", b"\"", b"\"\"", b"\n", b"\r\n", b"\r", b";", b" ", b"\xEF\xBB\xBF", b"\xFF", b"\xC3", b"\x00", b"9434765919", b"943 476 5919", b"1", b"X", b"99",
            b"29/02/2024", b"2026-11-02", b"31/12/9999", b"0/0/0000", b"-", b"/", b"LS1 4AP", b"Y01001", b"loneliness;money", b";;", "é".as_bytes(), "ŁS1".as_bytes(), b"\xF0\x9F\x98\x80",
        ];
        let header = header();
        for round in 0..3000 {
            let mut input = Vec::new();
            if round % 3 != 0 {
                input.extend_from_slice(header.as_bytes());
                input.push(b'\n');
            }
            for _ in 0..rng.below(200) {
                if rng.below(4) == 0 {
                    input.push(rng.next() as u8);
                } else {
                    input.extend_from_slice(pieces[rng.below(pieces.len())]);
                }
            }
            match parse(&input, TODAY) {
                Ok(parsed) => {
                    assert!(parsed.rows.windows(2).all(|w| w[0].line < w[1].line), "lines increase");
                    for row in &parsed.rows {
                        assert!(row.line >= 2);
                        if let Err(problems) = &row.result {
                            assert!(!problems.is_empty());
                            assert!(problems.iter().all(|p| p.line == row.line && !p.message.is_empty()));
                        }
                    }
                }
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
        // Rows that are well formed but full of random values.
        for _ in 0..2000 {
            let values: Vec<String> = (0..COLUMNS.len())
                .map(|_| {
                    let n = rng.below(4);
                    (0..n).map(|_| String::from_utf8_lossy(pieces[rng.below(pieces.len())]).replace(['"', ',', '\n', '\r'], "")).collect()
                })
                .collect();
            let _ = parse(file(&[values.join(",")]).as_slice(), TODAY);
        }
    }
}
