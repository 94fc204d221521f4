//! The CSV-file layer shared by the referral, activity and comparison-extract imports.
//!
//! Both read the same kind of file (UTF-8, an optional byte order mark, a header row naming the
//! columns in any order, one record per line, empty lines ignored, a row limit) and must refuse a
//! bad file in the same words. So the whole-file checks live here once: spotting a spreadsheet,
//! matching the header row against the columns, counting physical lines, the row limit and the
//! [`FileError`] messages. Each import says only what differs through [`FileKind`] (its columns,
//! what a row is called, its row limit) and parses the values of a row itself.

use crate::DomainError;
use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use time::{Date, Month};

/// A column of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The header name Linkwork writes, lower case with underscores.
    pub name: &'static str,
    /// Other names files use for it (compared after [`FileKind::header_key`]).
    pub aliases: &'static [&'static str],
    /// Whether the header must include it (values may still be optional).
    pub required: bool,
    /// What it holds, for the documentation and the upload page.
    pub description: &'static str,
}

/// The header row Linkwork documents for `columns` (all of them, in order).
pub fn header_line(columns: &[Column]) -> String {
    columns.iter().map(|c| c.name).collect::<Vec<_>>().join(",")
}

/// What differs between the kinds of CSV file Linkwork imports.
pub trait FileKind {
    /// The columns, in the order of the example file.
    const COLUMNS: &'static [Column];
    /// What the data rows are, in the plural, for messages: `referrals`.
    const ROWS: &'static str;
    /// The most data rows one file may hold.
    const MAX_ROWS: usize;
    /// [`FileKind::MAX_ROWS`] as people write it.
    const MAX_ROWS_TEXT: &'static str;
    /// What to do once a spreadsheet is saved as CSV, ending [`FileError::Spreadsheet`]'s message.
    const SPREADSHEET_THEN: &'static str;
    /// What to do once the file is saved as UTF-8, ending [`FileError::NotUtf8`]'s message.
    const NOT_UTF8_THEN: &'static str;
    /// Whether a column named twice is reported with the name as written too (`contact_on
    /// ("Date")`), for kinds whose columns have aliases.
    const REPEATS_AS_WRITTEN: bool;
    /// A header name, column name or alias reduced for matching.
    fn header_key(name: &str) -> String;
}

/// A problem with one value, one row or the whole file, in words for a link worker.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowProblem {
    /// The line of the file (the header is line 1).
    pub line: u64,
    /// The column the problem is in; `None` for a problem with the whole row or file.
    pub column: Option<&'static str>,
    pub message: String,
}

impl RowProblem {
    pub fn new(line: u64, column: Option<&'static str>, message: impl Into<String>) -> Self {
        Self { line, column, message: message.into() }
    }
}

/// `line 7, column postcode: Enter a full UK postcode, like LS1 4AP` (or `line 7: …`).
impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// A problem with the whole file of kind `K`: nothing in it can be read as rows of that kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError<K> {
    /// No header row at all.
    Empty,
    /// A spreadsheet workbook (Excel `.xlsx` or `.xls`), not a CSV file.
    Spreadsheet,
    /// The header row is not UTF-8 (often a file saved as "CSV" rather than "CSV UTF-8" in Excel,
    /// or as UTF-16 "Unicode text").
    NotUtf8 { line: u64 },
    /// The header row names the wrong columns.
    Header { line: u64, missing: Vec<&'static str>, unknown: Vec<String>, repeated: Vec<String>, semicolons: bool },
    /// A header but no data rows.
    NoRows { line: u64 },
    /// More than [`FileKind::MAX_ROWS`] rows; `line` is where the first row over the limit starts.
    TooManyRows { line: u64 },
    /// The CSV reader gave up (not expected for text held in memory, kept so nothing panics).
    Unreadable { line: u64 },
    /// Never made: only ties the error to its kind of file, whose words its message uses.
    #[doc(hidden)]
    Kind(Infallible, PhantomData<K>),
}

impl<K: FileKind> FileError<K> {
    /// The line the error is reported against.
    pub fn line(&self) -> u64 {
        match self {
            FileError::Empty | FileError::Spreadsheet => 1,
            FileError::NotUtf8 { line } | FileError::Header { line, .. } | FileError::NoRows { line } | FileError::TooManyRows { line } | FileError::Unreadable { line } => *line,
            FileError::Kind(never, _) => match *never {},
        }
    }

    /// The error as a problem of the file's header line, for one list of problems.
    pub fn to_problem(&self) -> RowProblem {
        RowProblem::new(self.line(), None, self.to_string())
    }
}

impl<K: FileKind> fmt::Display for FileError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows = K::ROWS;
        let max = K::MAX_ROWS_TEXT;
        match self {
            FileError::Empty => write!(f, "The file is empty. Its first line must be the header row naming the columns: {}", header_line(K::COLUMNS)),
            FileError::Spreadsheet => write!(f, "This is a spreadsheet workbook, not a CSV file. In Excel, use Save As and choose \"CSV UTF-8 (Comma delimited)\", then {}", K::SPREADSHEET_THEN),
            FileError::NotUtf8 { .. } => write!(f, "The file is not saved as UTF-8 text. In Excel, use Save As and choose \"CSV UTF-8 (Comma delimited)\", then {}", K::NOT_UTF8_THEN),
            FileError::Header { missing, unknown, repeated, semicolons, .. } => {
                let mut parts = Vec::new();
                if !missing.is_empty() {
                    parts.push(format!("is missing the {} {}", plural(missing.len(), "column", "columns"), list(missing)));
                }
                if !unknown.is_empty() {
                    parts.push(format!("has {} Linkwork does not know: {}", plural(unknown.len(), "a column", "columns"), list(unknown)));
                }
                if !repeated.is_empty() {
                    parts.push(format!("names {} more than once: {}", plural(repeated.len(), "a column", "columns"), list(repeated)));
                }
                write!(f, "The header row {}. The columns are: {}", parts.join(", and "), header_line(K::COLUMNS))?;
                if *semicolons {
                    f.write_str(". The file seems to use semicolons between columns: save it with commas (\"CSV UTF-8 (Comma delimited)\")")?;
                }
                Ok(())
            }
            FileError::NoRows { .. } => write!(f, "The file has a header row but no {rows}"),
            FileError::TooManyRows { .. } => write!(f, "The file has more than {max} {rows}. Split it into files of up to {max} rows"),
            FileError::Unreadable { .. } => f.write_str("The file could not be read as CSV from this line on. Check it opens in a spreadsheet and save it again as \"CSV UTF-8 (Comma delimited)\""),
            FileError::Kind(never, _) => match *never {},
        }
    }
}

impl<K: FileKind + fmt::Debug> std::error::Error for FileError<K> {}

/// Where each of a kind's columns is in the file's rows (in [`FileKind::COLUMNS`] order), and the
/// width of the header: how many values a row has (empty names after the last one, from trailing
/// commas that spreadsheets add, are not counted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) positions: Vec<Option<usize>>,
    pub(crate) width: usize,
}

/// Reads a whole file of kind `K`: refuses spreadsheets, skips a byte order mark, matches the
/// header row, then calls `row` with each data row that is not blank, its line and the header,
/// collecting what it returns. Calls `progress` now and then with how many bytes of `input` have
/// been read (and once at the end with `input.len()`).
pub(crate) fn read_rows<K: FileKind, R>(input: &[u8], progress: &mut dyn FnMut(u64), mut row: impl FnMut(&csv::ByteRecord, u64, &Header) -> R) -> Result<Vec<R>, FileError<K>> {
    // Zip (.xlsx) and OLE2 (.xls) containers.
    if input.starts_with(b"PK\x03\x04") || input.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(FileError::Spreadsheet);
    }
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(input);
    let mut record = csv::ByteRecord::new();

    let mut lines = LineCounter { input, offset: 0, line: 1 };

    // The header row.
    let header_line = match reader.read_byte_record(&mut record) {
        Ok(true) => lines.line_of(&record),
        Ok(false) => return Err(FileError::Empty),
        Err(_) => return Err(FileError::Unreadable { line: 1 }),
    };
    let header = header_positions::<K>(&record, header_line)?;

    let mut rows = Vec::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(FileError::Unreadable { line: lines.line }),
        }
        if record.iter().all(|field| field.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let line = lines.line_of(&record);
        if rows.len() == K::MAX_ROWS {
            return Err(FileError::TooManyRows { line });
        }
        rows.push(row(&record, line, &header));
        if rows.len() % 256 == 0 {
            progress(reader.position().byte());
        }
    }
    progress(input.len() as u64);
    if rows.is_empty() {
        return Err(FileError::NoRows { line: header_line });
    }
    Ok(rows)
}

/// Physical line numbers, counted from the records' byte offsets (the CSV reader's own line count
/// leaves out blank lines and miscounts `\r\n`). A line ends at `\n`, `\r\n` or a lone `\r`.
struct LineCounter<'a> {
    input: &'a [u8],
    offset: usize,
    line: u64,
}

impl LineCounter<'_> {
    /// The line a record starts on. Its offset is where the previous record's terminator began, so
    /// the line breaks (and blank lines) before its first character are skipped first.
    fn line_of(&mut self, record: &csv::ByteRecord) -> u64 {
        let mut start = record.position().map_or(self.offset, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX)).min(self.input.len());
        while matches!(self.input.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        self.advance(start);
        self.line
    }

    fn advance(&mut self, to: usize) {
        for i in self.offset..to.max(self.offset) {
            match self.input[i] {
                b'\n' => self.line += 1,
                b'\r' if self.input.get(i + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
        }
        self.offset = self.offset.max(to);
    }
}

/// Matches the header row against `K`'s columns and aliases: every required column once, nothing
/// unknown (so a typo cannot silently drop data).
fn header_positions<K: FileKind>(record: &csv::ByteRecord, line: u64) -> Result<Header, FileError<K>> {
    let columns = K::COLUMNS;
    let mut positions = vec![None; columns.len()];
    let mut unknown = Vec::new();
    let mut repeated = Vec::new();
    let mut semicolons = false;
    let width = record.iter().rposition(|name| !name.iter().all(u8::is_ascii_whitespace)).map_or(0, |last| last + 1);
    for (i, raw) in record.iter().take(width).enumerate() {
        let name = std::str::from_utf8(raw).map_err(|_| FileError::NotUtf8 { line })?;
        let key = K::header_key(name);
        match columns.iter().position(|c| K::header_key(c.name) == key || c.aliases.iter().any(|a| K::header_key(a) == key)) {
            Some(k) if positions[k].is_some() => repeated.push(if K::REPEATS_AS_WRITTEN { format!("{} ({})", columns[k].name, shown(name.trim())) } else { columns[k].name.to_owned() }),
            Some(k) => positions[k] = Some(i),
            None => {
                semicolons |= name.contains(';');
                unknown.push(if key.is_empty() { "(a column with no name)".to_owned() } else { shown(name.trim()) });
            }
        }
    }
    let missing: Vec<&'static str> = columns.iter().zip(positions.iter()).filter(|(c, p)| c.required && p.is_none()).map(|(c, _)| c.name).collect();
    if missing.is_empty() && unknown.is_empty() && repeated.is_empty() {
        Ok(Header { positions, width })
    } else {
        Err(FileError::Header { line, missing, unknown, repeated, semicolons })
    }
}

/// The values of a row by column (trimmed), `None` where a value could not be read (its problem
/// recorded), or the row's one problem when it has the wrong number of values.
pub(crate) fn row_values<'r, const N: usize>(record: &'r csv::ByteRecord, line: u64, header: &Header, columns: &[Column; N], problems: &mut Vec<RowProblem>) -> Result<[Option<&'r str>; N], RowProblem> {
    if let Some(problem) = width_problem(record, line, header.width, "a value") {
        return Err(problem);
    }
    let mut values = [Some(""); N];
    for (k, position) in header.positions.iter().enumerate().take(N) {
        let Some(i) = position else { continue };
        match std::str::from_utf8(record.get(*i).unwrap_or_default()) {
            Ok(v) => match control_problem(v) {
                Some(message) => {
                    values[k] = None;
                    problems.push(RowProblem::new(line, Some(columns[k].name), message));
                }
                None => values[k] = Some(v.trim()),
            },
            Err(_) => {
                values[k] = None;
                problems.push(RowProblem::new(line, Some(columns[k].name), "This value is not UTF-8 text. In Excel, save the file as \"CSV UTF-8 (Comma delimited)\""));
            }
        }
    }
    Ok(values)
}

/// The problem with a row whose number of values is not the header's (blank values after the
/// header's last column, from trailing commas, are allowed). `inside` says what a comma that is
/// not in double quotes is likely inside: `a value`.
pub(crate) fn width_problem(record: &csv::ByteRecord, line: u64, width: usize, inside: &str) -> Option<RowProblem> {
    let fields = record.len();
    let extra_blank = fields > width && record.iter().skip(width).all(|f| f.iter().all(u8::is_ascii_whitespace));
    (fields != width && !extra_blank).then(|| {
        let message = format!(
            "This row has {fields} {} but the header has {width}. Check for a missing comma, or a comma inside {inside} that is not in double quotes",
            plural(fields, "value", "values")
        );
        RowProblem::new(line, None, message)
    })
}

/// The problem with a value holding a character that has no business in text (a NUL byte, which
/// PostgreSQL cannot store, or another control character); tabs and line breaks inside a quoted
/// value are allowed, as in multi-line reasons.
pub(crate) fn control_problem(value: &str) -> Option<String> {
    crate::text::forbidden_character(value, crate::text::Lines::Many).map(|c| crate::text::forbidden_character_message("this value", c))
}

/// A header name trimmed, in lower case, with spaces and hyphens made underscores.
pub(crate) fn normalise_header(name: &str) -> String {
    name.trim().chars().map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_lowercase() }).collect()
}

/// A value from the file, quoted and cut short, safe to show in a message (no control characters).
pub(crate) fn shown(raw: &str) -> String {
    let clean: String = raw.chars().filter(|c| !c.is_control()).collect();
    let mut cut: String = clean.chars().take(30).collect();
    if clean.chars().count() > 30 {
        cut.push('…');
    }
    format!("\"{cut}\"")
}

pub(crate) fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

pub(crate) fn list(items: &[impl AsRef<str>]) -> String {
    items.iter().map(|i| i.as_ref()).collect::<Vec<_>>().join(", ")
}

/// A calendar date as `YYYY-MM-DD` (ISO 8601, what Linkwork writes) or `DD/MM/YYYY` (what GP
/// systems and UK spreadsheets export); days and months may have one digit, years must have four.
pub fn parse_date(field: &'static str, label: &str, example: &str, raw: &str) -> crate::Result<Date> {
    let raw = raw.trim();
    let invalid = || DomainError::invalid(field, format!("The {label} must be a real date, like {example}"));
    let (year, month, day) = if let Some((y, rest)) = raw.split_once('-') {
        let (m, d) = rest.split_once('-').ok_or_else(invalid)?;
        (y, m, d)
    } else if let Some((d, rest)) = raw.split_once('/') {
        let (m, y) = rest.split_once('/').ok_or_else(invalid)?;
        (y, m, d)
    } else {
        return Err(invalid());
    };
    let number = |s: &str, digits: std::ops::RangeInclusive<usize>| -> Option<u16> {
        (digits.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let year = number(year, 4..=4).ok_or_else(invalid)?;
    let month = number(month, 1..=2).and_then(|m| Month::try_from(m as u8).ok()).ok_or_else(invalid)?;
    let day = number(day, 1..=2).ok_or_else(invalid)?;
    Date::from_calendar_date(i32::from(year), month, day as u8).map_err(|_| invalid())
}
