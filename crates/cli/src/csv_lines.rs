//! Reference files (the NSPL, IMD File 7, NHS Digital's list files) read one physical line at a
//! time, each line parsed as one CSV record.
//!
//! None of these files puts a line break inside a value, so a line is a record. Reading them as
//! one CSV stream instead let a single stray quote swallow the rest of the file into one value:
//! the import then ended early and said it had succeeded. Here a line whose quotes do not pair
//! up is reported with its own line number and the next line is read as usual. Line numbers are
//! counted from the file's own line breaks, so they are right for CRLF files too.

use std::io::BufRead;

/// One line of the file after its header: a record, or why it cannot be read.
pub enum Line {
    Record { line: u64, record: Record },
    Unreadable { line: u64, why: String },
}

/// The values of one line, unquoted.
pub struct Record {
    text: String,
    /// Where each value ends in `text`.
    ends: Vec<usize>,
}

impl Record {
    /// The `i`th value, if the line has that many.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).filter_map(|i| self.get(i))
    }
}

/// The lines of a CSV file with a header row.
pub struct CsvLines<R> {
    read: R,
    line: u64,
    text: String,
    /// One CSV parser for every line: building one costs more than parsing a line.
    parser: csv_core::Reader,
}

impl<R: BufRead> CsvLines<R> {
    /// Reads the header row (the first line, a byte-order mark removed).
    pub fn open(read: R) -> anyhow::Result<(Record, Self)> {
        let mut lines = Self { read, line: 0, text: String::new(), parser: csv_core::Reader::new() };
        match lines.next() {
            Some(Line::Record { record, .. }) => Ok((record, lines)),
            Some(Line::Unreadable { why, .. }) => anyhow::bail!("the header row cannot be read: {why}"),
            None => anyhow::bail!("the file is empty"),
        }
    }
}

impl<R: BufRead> Iterator for CsvLines<R> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        loop {
            self.text.clear();
            let read = self.read.read_line(&mut self.text);
            self.line += 1;
            let line = self.line;
            match read {
                Ok(0) => return None,
                Err(e) => return Some(Line::Unreadable { line, why: format!("it is not readable text ({e})") }),
                Ok(_) => {}
            }
            let text = self.text.trim_end_matches(['\n', '\r']);
            let text = if line == 1 { text.trim_start_matches('\u{feff}') } else { text };
            // A blank line (often the last) is no record.
            if text.trim().is_empty() {
                continue;
            }
            return Some(match parse(&mut self.parser, text) {
                Ok(record) => Line::Record { line, record },
                Err(why) => Line::Unreadable { line, why: why.into() },
            });
        }
    }
}

fn parse(parser: &mut csv_core::Reader, text: &str) -> Result<Record, &'static str> {
    // In a well-formed line quotes come in pairs: the two around a quoted value, and `""` for a
    // quote inside one.
    if text.bytes().filter(|b| *b == b'"').count() % 2 == 1 {
        return Err("a quote opens a value that is never closed");
    }
    // Unquoting only shortens a value, and each comma ends at most one.
    let mut out = vec![0u8; text.len()];
    let mut ends = vec![0usize; text.bytes().filter(|b| *b == b',').count() + 1];
    let (mut input, mut written, mut fields, mut ended_line) = (text.as_bytes(), 0, 0, false);
    loop {
        let (result, read, wrote, ended) = parser.read_record(input, &mut out[written..], &mut ends[fields..]);
        // (`ends` count from the start of the record's output, across calls.)
        (input, written, fields) = (&input[read..], written + wrote, fields + ended);
        match result {
            // The line's end is the record's end.
            csv_core::ReadRecordResult::InputEmpty if input.is_empty() && !ended_line => {
                input = b"\n";
                ended_line = true;
            }
            csv_core::ReadRecordResult::Record => break,
            _ => return Err("it is not a CSV line"),
        }
    }
    out.truncate(written);
    ends.truncate(fields);
    let text = String::from_utf8(out).map_err(|_| "it is not UTF-8 text")?;
    Ok(Record { text, ends })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        let (_, lines) = CsvLines::open(text.as_bytes()).unwrap();
        lines
            .map(|l| match l {
                Line::Record { line, record } => format!("{line}: {}", record.iter().collect::<Vec<_>>().join("|")),
                Line::Unreadable { line, why } => format!("{line}: unreadable: {why}"),
            })
            .collect()
    }

    #[test]
    fn an_unclosed_quote_spoils_only_its_own_line() {
        assert_eq!(
            lines("a,b\n1,\"2\n3,4\n"),
            ["2: unreadable: a quote opens a value that is never closed", "3: 3|4"]
        );
    }

    #[test]
    fn crlf_files_number_their_lines_as_lf_files_do() {
        assert_eq!(lines("a,b\r\n1,2\r\n\r\n3,\"x, y\"\r\n"), ["2: 1|2", "4: 3|x, y"]);
    }

    #[test]
    fn quoted_values_are_unquoted_and_keep_their_commas() {
        assert_eq!(lines("a,b,c\n\"x, \"\"y\"\"\",,z\n"), ["2: x, \"y\"||z"]);
    }

    #[test]
    fn the_header_loses_its_byte_order_mark() {
        let (header, _) = CsvLines::open("\u{feff}pcds,lsoa11\n".as_bytes()).unwrap();
        assert_eq!(header.get(0), Some("pcds"));
    }
}
