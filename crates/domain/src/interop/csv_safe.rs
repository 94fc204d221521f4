//! Writing CSV that is safe to open in a spreadsheet, for every CSV file Linkwork writes.
//!
//! Excel, LibreOffice and Google Sheets read a cell that starts with `=`, `+`, `-`, `@`, a tab or a
//! carriage return as a formula ("CSV injection", OWASP), so a name such as
//! `=HYPERLINK("http://…","Click")` that came in with an import could run when a manager opens a
//! report. Such cells are written with a leading apostrophe, the spreadsheet convention for "this
//! is text". Numbers (`-5`, `+447700900123`, `-1.5e3`) are left alone: they are not formulas, and
//! figures must stay numbers.
//!
//! The escaping is reversible, so a bundle exported and imported again comes back exactly: a value
//! that starts, after any apostrophes it already has, with one of those characters gets one more
//! apostrophe, and [`unescape_cell`] takes exactly one away from such a value. A value without
//! them is never touched (`'Tis` stays `'Tis`).

use std::borrow::Cow;
use std::io::Write;

/// The characters that make a spreadsheet treat a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `value` (after its leading apostrophes) would be read as a formula.
fn needs_escape(value: &str) -> bool {
    let rest = value.trim_start_matches('\'');
    rest.starts_with(TRIGGERS) && !is_number(rest)
}

/// A plain decimal number: optional sign, digits with an optional fraction, optional exponent.
/// (Not `f64::from_str`, which also takes `inf` and `NaN`.)
pub fn is_number(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// The cell as written: with one more leading apostrophe when a spreadsheet would otherwise read it
/// as a formula.
pub fn escape_cell(value: &str) -> Cow<'_, str> {
    if needs_escape(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The value a cell written by [`escape_cell`] came from.
pub fn unescape_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_escape(rest) => rest,
        _ => cell,
    }
}

/// A CSV writer that escapes every cell with [`escape_cell`] (quoting is the `csv` crate's: only
/// cells with a comma, quote or line break are quoted).
pub struct CsvWriter<W: Write>(csv::Writer<W>);

impl<W: Write> CsvWriter<W> {
    /// Lines end with `\n`.
    pub fn new(out: W) -> Self {
        Self(csv::Writer::from_writer(out))
    }

    /// Lines end with `\r\n` (RFC 4180).
    pub fn crlf(out: W) -> Self {
        Self(csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out))
    }

    /// Writes one row.
    pub fn row<I, T>(&mut self, cells: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        for cell in cells {
            self.0.write_field(escape_cell(cell.as_ref()).as_bytes())?;
        }
        self.0.write_record(None::<&[u8]>)
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }

    pub fn into_inner(self) -> std::io::Result<W> {
        self.0.into_inner().map_err(|e| e.into_error())
    }
}

/// A whole CSV document in memory: the header, then the rows, lines ending CRLF (RFC 4180).
pub fn csv_document<R, T>(header: &[&str], rows: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    let mut out = CsvWriter::crlf(Vec::new());
    // Writing to memory cannot fail.
    let _ = out.row(header);
    for row in rows {
        let _ = out.row(row);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_an_apostrophe() {
        for (value, written) in [
            ("=HYPERLINK(\"http://x.test\",\"Click\")", "'=HYPERLINK(\"http://x.test\",\"Click\")"),
            ("+44 20 7946 0000", "'+44 20 7946 0000"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-x", "'-x"),
            ("\tcmd", "'\tcmd"),
            ("\rcmd", "'\rcmd"),
            ("'=x", "''=x"),
            ("-", "'-"),
            ("1;-2", "1;-2"),
            ("-1;2", "'-1;2"),
        ] {
            assert_eq!(escape_cell(value), written, "{value:?}");
        }
    }

    #[test]
    fn numbers_and_plain_text_are_left_alone() {
        for value in ["-5", "+447700900123", "-1.5", "-.5", "+3.", "-1e-3", "1E+6", "", "Ann", "'Tis", "'", "a=b", "2026-01-01", "''"] {
            assert_eq!(escape_cell(value), value, "{value:?}");
        }
        for not_number in ["-", "+", "-e5", "-1e", "-1.2.3", "-inf", "-NaN", "- 5", "-0x10"] {
            assert!(!is_number(not_number), "{not_number:?}");
        }
    }

    #[test]
    fn unescape_reverses_escape() {
        for value in ["=HYPERLINK(\"a\")", "-5", "'=x", "''=x", "+44 20 7946 0000", "@x", "'Tis", "'", "''", "-", "'-", "plain", "\t", "'\r", "-1;2", ""] {
            assert_eq!(unescape_cell(&escape_cell(value)), value, "{value:?}");
        }
    }

    #[test]
    fn documents_quote_and_escape() {
        let csv = csv_document(&["a", "b"], [["=1+1", "x, y"], ["-5", "say \"hi\""]]);
        assert_eq!(csv, "a,b\r\n'=1+1,\"x, y\"\r\n-5,\"say \"\"hi\"\"\"\r\n");
    }
}
