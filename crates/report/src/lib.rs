//! Renders a computed [`Report`] for people and machines: an accessible HTML page with SVG charts
//! (for the web app and for printing), JSON (for the API) and CSV (for spreadsheets).
//!
//! Nothing is computed here: every number comes from [`linkwork_domain::evaluation::evaluate`],
//! already suppressed and rounded. This crate only formats, labels and defines the figures, so the
//! three formats always agree. [`figures`] is the single flat list behind the CSV, the JSON
//! `figures` array, and the definitions a commissioner reads.

/// `write!` into a `String`, which cannot fail: one definition for every renderer in the crate
/// (declared before the modules so they all see it).
macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = write!($dst, $($arg)*);
    }};
}

// Layers, each importing only those below it (nothing imports `document` back):
// `primitives` (formatting, HTML and SVG helpers, `Figure`) <- `sections` (one module per report
// section: its figures and its HTML) <- `document` (puts the sections in order: the figure list,
// the HTML body, the standalone document) <- `figure_docs`, `lib.rs` (JSON, CSV, `render`).
mod primitives;
mod sections;
mod document;
pub mod figure_docs;
pub mod pdf;

pub use primitives::{sparkline, word_cloud};
pub use primitives::Figure;
pub use primitives::format::with_unit;
pub use sections::headline::{band_text, referral_rate};
pub use document::{annual_report_document, figures, html_document, html_fragment, reproduce_command_scoped, section_headings, DocumentMeta};

use linkwork_domain::evaluation::Report;
use std::fmt;
use std::str::FromStr;

/// An output format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Csv,
    Html,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Json, Format::Csv, Format::Html];

    /// The name used on the command line and in URLs: `json`, `csv` or `html`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }

    /// The HTTP `Content-Type` of the rendered output.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
        }
    }

    /// The file extension for downloads, without the dot.
    pub fn extension(self) -> &'static str {
        self.name()
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = ReportError;
    fn from_str(raw: &str) -> Result<Self, ReportError> {
        let raw = raw.trim();
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(raw))
            .ok_or_else(|| ReportError::UnknownFormat(raw.to_owned()))
    }
}

/// Why a report could not be rendered.
#[derive(thiserror::Error, Debug)]
pub enum ReportError {
    #[error("unknown report format \"{0}\": use json, csv or html")]
    UnknownFormat(String),
    #[error("could not write the report as JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("could not write the report as CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("could not write the report: {0}")]
    Io(#[from] std::io::Error),
    #[error("the rendered report was not valid UTF-8: {0}")]
    Utf8(#[from] std::string::FromUtf8Error),
}

/// Renders the report in `format`. `reproduce_command` is the command that recomputes these figures
/// (printed in the HTML notes and included in the JSON as `reproduce`).
pub fn render(report: &Report, format: Format, reproduce_command: &str) -> Result<String, ReportError> {
    match format {
        Format::Html => Ok(html_document(report, reproduce_command)),
        Format::Csv => csv_string(report),
        Format::Json => {
            let mut value = json_value(report)?;
            if let serde_json::Value::Object(map) = &mut value {
                map.insert("reproduce".into(), serde_json::Value::String(reproduce_command.to_owned()));
            }
            Ok(serde_json::to_string_pretty(&value)?)
        }
    }
}

/// `{"report": <the report>, "figures": [<every figure>]}`. [`render`] adds `"reproduce"`, the
/// command that recomputes the figures, which this function has not been given.
pub fn to_json(report: &Report) -> serde_json::Value {
    // Serialising the report cannot fail: it has only string map keys, and non-finite numbers were
    // turned into "no data" by the evaluation. Should that ever change, say so rather than panic.
    json_value(report).unwrap_or_else(|e| serde_json::json!({ "error": e.to_string(), "figures": figures(report) }))
}

fn json_value(report: &Report) -> Result<serde_json::Value, ReportError> {
    Ok(serde_json::json!({
        "report": serde_json::to_value(report)?,
        "figures": figure_docs::figures_json(report)?,
    }))
}

/// The figures as CSV: a header `id,section,label,value,n,ci95_low,ci95_high,unit,definition,period,exclusions,scope`,
/// then one row per figure. Suppressed values are `*`, missing ones are empty.
pub fn to_csv(report: &Report) -> String {
    // Writing to memory cannot fail; keep the error path for `render` anyway.
    csv_string(report).unwrap_or_else(|e| linkwork_domain::interop::csv_safe::csv_document(&["error"], [[e.to_string()]]))
}

fn csv_string(report: &Report) -> Result<String, ReportError> {
    // Labels carry names that came in with imports (services, partners): escaped against formulas.
    let mut writer = linkwork_domain::interop::csv_safe::CsvWriter::new(Vec::new());
    writer.row(Figure::CSV_HEADER.iter().chain(figure_docs::CSV_EXTRA.iter()))?;
    for f in figures(report) {
        let [period, exclusions, scope] = figure_docs::csv_extra(report, &f);
        writer.row([&f.id, f.section, &f.label, &f.value, &f.n, &f.ci95_low, &f.ci95_high, f.unit, &f.definition, &period, &exclusions, &scope])?;
    }
    let bytes = writer.into_inner()?;
    Ok(String::from_utf8(bytes)?)
}

#[cfg(test)]
mod tests;

/// The command that reproduces a report's figures, printed in every report. The database is named
/// by the `LINKWORK_DATABASE` variable so that no connection string (which may hold a password)
/// is ever written into a report.
pub fn reproduce_command(period: linkwork_domain::evaluation::Period, format: Format) -> String {
    let ext = format.extension();
    format!("linkwork report --database \"$LINKWORK_DATABASE\" --from {} --to {} --format {ext} --out report.{ext}", period.from, period.to)
}
