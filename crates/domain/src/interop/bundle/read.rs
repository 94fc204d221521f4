//! Reading a bundle's CSV files: each value checked against [`super::spec`], each row against the
//! rules that span its columns (dates in order, answers in range), and every reference against the
//! rows already read. Pure: the caller feeds it CSV bytes file by file and gets rows or problems
//! back, with the file, line and column of each problem.
//!
//! Memory: rows are streamed; only the keys of each file (and, for people and referrals, the few
//! facts later files are checked against) are held, so a bundle of a million contacts needs no
//! more memory than one of a thousand.

use super::spec::{ColumnSpec, FileSpec, Kind};
use crate::casework::referral::ReferralStatus;
use crate::measurement::instruments::{AnswerSet, Instrument, ScoresOnly, Timepoint};
use crate::person::nhs_number::NhsNumber;
use crate::person::parse_iso_date;
use crate::person::postcode::Postcode;
use crate::text::{forbidden_character, forbidden_character_message, Lines};
use std::collections::{HashMap, HashSet};
use std::fmt;
use time::Date;

/// A problem with a bundle, located to the file, line and column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BundleProblem {
    pub file: String,
    /// The line of the file (the header is line 1); 0 for the bundle as a whole.
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

impl BundleProblem {
    pub fn new(file: &str, line: u64, column: Option<&str>, message: impl Into<String>) -> Self {
        Self { file: file.to_owned(), line, column: column.map(str::to_owned), message: message.into() }
    }
}

/// `people.csv line 7, column nhs_number: …`
impl fmt::Display for BundleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if self.line > 0 {
            write!(f, " line {}", self.line)?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A checked value, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(Date),
    /// Questionnaire answers, in item order.
    Answers(Vec<i64>),
    Null,
}

impl Value {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }
    pub fn as_date(&self) -> Option<Date> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }
}

/// One row of a file: its line and its values in the spec's column order.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    pub values: Vec<Value>,
}

impl Row {
    pub fn get(&self, spec: &FileSpec, column: &str) -> &Value {
        spec.column(column).and_then(|i| self.values.get(i)).unwrap_or(&Value::Null)
    }
}

/// What the reader knows about the whole bundle while it reads: the keys seen so far (for
/// references and duplicates) and the facts rows in later files are checked against.
#[derive(Debug, Default)]
pub struct Checker {
    /// Whether the bundle says it is pseudonymised (NHS numbers are hashes; names and postcodes empty).
    pub pseudonymised: bool,
    /// No date may be after this day.
    pub today: Option<Date>,
    /// Keys as 64-bit hashes: 8 bytes each instead of the text, so a million contacts cost a few
    /// MB. (Two references colliding is about a 1 in 10^7 chance at 10^6 keys.)
    keys: HashMap<&'static str, HashSet<u64>>,
    /// Each referral's date, to check that what happens in it does not come before it.
    referred_on: HashMap<u64, Date>,
    /// The services' own questionnaires by reference, to check their answers.
    custom: HashMap<String, crate::measurement::custom_instrument::CustomInstrument>,
    /// The measures file being read: per (referral, questionnaire), the earliest baseline's date
    /// and line, and every later-timepoint measure (its key, timepoint, date and line), to report
    /// at the file's end ([`Checker::end_of_file`]) any dated before its baseline.
    baselines: HashMap<(u64, u64), (Date, u64)>,
    later_measures: Vec<((u64, u64), &'static str, Date, u64)>,
}

impl Checker {
    pub fn new(pseudonymised: bool, today: Date) -> Self {
        Self { pseudonymised, today: Some(today), ..Default::default() }
    }

    /// Whether `key` is a row of `file` read so far.
    pub fn has_key(&self, file: &str, key: &str) -> bool {
        self.keys.get(file).is_some_and(|k| k.contains(&key_hash(key)))
    }

    /// The service's own questionnaire with this reference in `custom_instruments.csv`, read so far.
    pub fn custom_instrument(&self, reference: &str) -> Option<&crate::measurement::custom_instrument::CustomInstrument> {
        self.custom.get(reference)
    }

    /// How many rows with keys `file` had.
    pub fn key_count(&self, file: &str) -> usize {
        self.keys.get(file).map_or(0, HashSet::len)
    }

    /// The header row of `spec`'s file: where each spec column is in the file's records. Unknown
    /// columns are an error (they would be silently lost); optional columns may be left out.
    pub fn header(&self, spec: &FileSpec, header: &csv::StringRecord) -> Result<Vec<Option<usize>>, BundleProblem> {
        let names: Vec<&str> = header.iter().map(|h| h.trim().trim_start_matches('\u{feff}')).collect();
        let unknown: Vec<&str> = names.iter().copied().filter(|n| spec.column(n).is_none()).collect();
        let missing: Vec<&str> = spec.columns.iter().filter(|c| c.required && !names.contains(&c.name)).map(|c| c.name).collect();
        let mut seen = HashSet::new();
        let repeated: Vec<&str> = names.iter().copied().filter(|n| !seen.insert(*n)).collect();
        if !unknown.is_empty() || !missing.is_empty() || !repeated.is_empty() {
            let mut parts = Vec::new();
            if !missing.is_empty() {
                parts.push(format!("is missing {}", missing.join(", ")));
            }
            if !unknown.is_empty() {
                parts.push(format!("has columns the format does not have: {}", unknown.join(", ")));
            }
            if !repeated.is_empty() {
                parts.push(format!("names {} more than once", repeated.join(", ")));
            }
            return Err(BundleProblem::new(spec.name, 1, None, format!("The header row {}. The columns are: {}", parts.join("; "), spec.header().join(","))));
        }
        Ok(spec.columns.iter().map(|c| names.iter().position(|n| *n == c.name)).collect())
    }

    /// Checks one record and, when it is good, remembers its key. `positions` comes from [`Checker::header`].
    pub fn row(&mut self, spec: &'static FileSpec, positions: &[Option<usize>], line: u64, record: &csv::StringRecord) -> Result<Row, Vec<BundleProblem>> {
        let mut problems = Vec::new();
        let mut values = Vec::with_capacity(spec.columns.len());
        for (column, position) in spec.columns.iter().zip(positions) {
            // Cells were escaped against spreadsheet formulas when written (`csv_safe`).
            let raw = crate::interop::csv_safe::unescape_cell(position.and_then(|p| record.get(p)).unwrap_or("").trim());
            match self.value(spec, column, raw) {
                Ok(v) => values.push(v),
                Err(message) => {
                    problems.push(BundleProblem::new(spec.name, line, Some(column.name), message));
                    values.push(Value::Null);
                }
            }
        }
        let row = Row { line, values };
        if problems.is_empty() {
            for (column, message) in self.row_rules(spec, &row) {
                problems.push(BundleProblem::new(spec.name, line, column, message));
            }
        }
        // Only good rows are remembered, so a row that refers to a bad (skipped) one is reported too.
        let key_column = spec.columns.iter().position(|c| matches!(c.kind, Kind::Key));
        let key = key_column.and_then(|k| row.values[k].as_text()).map(str::to_owned);
        if let (Some(k), Some(key)) = (key_column, &key) {
            if self.has_key(spec.name, key) {
                problems.push(BundleProblem::new(spec.name, line, Some(spec.columns[k].name), format!("\"{key}\" is used by an earlier row of this file: each row needs its own reference")));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        if let Some(key) = key {
            self.keys.entry(spec.name).or_default().insert(key_hash(&key));
        }
        if spec.name == "referrals.csv" {
            if let (Some(key), Some(on)) = (row.get(spec, "referral_ref").as_text(), row.get(spec, "referred_on").as_date()) {
                self.referred_on.insert(key_hash(key), on);
            }
        }
        // Which measures come before their baseline is known only at the file's end.
        if let ("measures.csv" | "custom_measures.csv", Some(referral), Some(taken_on)) = (spec.name, row.get(spec, "referral_ref").as_text(), row.get(spec, "taken_on").as_date()) {
            let instrument = row.get(spec, if spec.name == "measures.csv" { "instrument" } else { "instrument_ref" }).as_text().unwrap_or_default();
            let key = (key_hash(referral), key_hash(instrument));
            match row.get(spec, "timepoint").as_text().and_then(|t| Timepoint::parse(t).ok()) {
                Some(Timepoint::Baseline) if self.baselines.get(&key).is_none_or(|(on, _)| taken_on < *on) => {
                    self.baselines.insert(key, (taken_on, line));
                }
                Some(Timepoint::Baseline) | None => {}
                Some(later) => self.later_measures.push((key, later.code(), taken_on, line)),
            }
        }
        if spec.name == "custom_instruments.csv" {
            if let (Some(key), Some(code), Some(json)) = (row.get(spec, "instrument_ref").as_text(), row.get(spec, "code").as_text(), row.get(spec, "definition").as_text()) {
                if let Ok(instrument) = crate::measurement::custom_instrument::CustomInstrument::from_json(code, json) {
                    self.custom.insert(key.to_owned(), instrument);
                }
            }
        }
        Ok(row)
    }

    fn value(&self, spec: &FileSpec, column: &ColumnSpec, raw: &str) -> Result<Value, String> {
        // NUL cannot be stored by PostgreSQL (and SQLite would): refused on both, like other
        // control characters; free text (not names) may run over several lines.
        let lines = if matches!(column.kind, Kind::Text(_)) && !column.name.ends_with("name") { Lines::Many } else { Lines::One };
        if let Some(c) = forbidden_character(raw, lines) {
            return Err(forbidden_character_message("this value", c));
        }
        if raw.is_empty() {
            return if column.required { Err(format!("Enter {} ({})", column.name, column.kind.describe())) } else { Ok(Value::Null) };
        }
        match column.kind {
            Kind::Key => {
                if raw.chars().count() > 100 {
                    Err("A reference can be at most 100 characters".into())
                } else {
                    Ok(Value::Text(raw.to_owned()))
                }
            }
            Kind::Ref(file) => {
                // A row may refer to rows of its own file read before it (a practice's PCN).
                if self.has_key(file, raw) {
                    Ok(Value::Text(raw.to_owned()))
                } else if super::spec::file(file).is_some_and(|f| !f.required) && self.key_count(file) == 0 && file != spec.name {
                    Err(format!("\"{raw}\" refers to {file}, which is not in the bundle (or has no rows)"))
                } else {
                    Err(format!("\"{raw}\" is not a row of {file}{}", if file == spec.name { " above this one" } else { "" }))
                }
            }
            Kind::Text(max) => {
                if raw.chars().count() > max {
                    Err(format!("This is {} characters long; at most {max} are allowed", raw.chars().count()))
                } else {
                    Ok(Value::Text(raw.to_owned()))
                }
            }
            Kind::Date | Kind::PlannedDate => {
                let date = parse_iso_date(column.name, column.name, raw).map_err(|_| format!("\"{raw}\" is not a date in the form YYYY-MM-DD, like 2025-04-02"))?;
                match self.today {
                    Some(today) if date > today && matches!(column.kind, Kind::Date) => Err(format!("{raw} is in the future")),
                    _ => Ok(Value::Date(date)),
                }
            }
            Kind::Int(lo, hi) => match raw.parse::<i64>() {
                Ok(n) if (lo..=hi).contains(&n) => Ok(Value::Int(n)),
                _ => Err(format!("\"{raw}\" is not a whole number from {lo} to {hi}")),
            },
            Kind::Decimal(lo, hi) => match raw.parse::<f64>() {
                Ok(n) if n.is_finite() && n >= lo && n <= hi => Ok(Value::Float(n)),
                _ => Err(format!("\"{raw}\" is not a number from {lo} to {hi}")),
            },
            Kind::Bool => match raw.to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "1" => Ok(Value::Bool(true)),
                "false" | "no" | "n" | "0" => Ok(Value::Bool(false)),
                _ => Err(format!("\"{raw}\" is not true or false")),
            },
            Kind::Code(codes) => {
                let codes = codes();
                codes.iter().find(|c| c.eq_ignore_ascii_case(raw)).map(|c| Value::Text((*c).to_owned())).ok_or_else(|| format!("\"{raw}\" is not one of the allowed codes: {}", codes.join(", ")))
            }
            Kind::Codes(codes) => {
                let codes = codes();
                let mut chosen = Vec::new();
                for part in raw.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                    match codes.iter().find(|c| c.eq_ignore_ascii_case(part)) {
                        Some(c) if !chosen.contains(c) => chosen.push(*c),
                        Some(_) => {}
                        None => return Err(format!("\"{part}\" is not one of the allowed codes: {}", codes.join(", "))),
                    }
                }
                Ok(Value::Text(chosen.join(";")))
            }
            Kind::NhsNumber if self.pseudonymised => {
                if raw.len() == 64 && raw.bytes().all(|b| b.is_ascii_hexdigit()) {
                    Ok(Value::Text(raw.to_ascii_lowercase()))
                } else {
                    Err("In a pseudonymised bundle this is a 64-character keyed hash".into())
                }
            }
            Kind::NhsNumber => NhsNumber::parse(raw).map(|n| Value::Text(n.as_str().to_owned())).map_err(|e| e.to_string()),
            Kind::Postcode => Postcode::parse(raw).map(|p| Value::Text(p.as_str().to_owned())).map_err(|e| e.to_string()),
            // Checked against the instrument in `row_rules`; kept as text until then.
            Kind::Answers | Kind::Scores => Ok(Value::Text(raw.to_owned())),
        }
    }

    /// Rules that span columns of one row, or that need what earlier files said.
    fn row_rules(&self, spec: &FileSpec, row: &Row) -> Vec<(Option<&'static str>, String)> {
        let mut out = Vec::new();
        let date = |c: &str| row.get(spec, c).as_date();
        let text = |c: &str| row.get(spec, c).as_text();
        match spec.name {
            "people.csv" => {
                if !self.pseudonymised {
                    for c in ["given_name", "family_name", "postcode"] {
                        if text(c).is_none() {
                            out.push((static_name(spec, c), format!("Enter {c}")));
                        }
                    }
                }
                if let (Some(dob), Some(today)) = (date("date_of_birth"), self.today) {
                    if today.year() - dob.year() > 130 {
                        out.push((Some("date_of_birth"), "The date of birth is more than 130 years ago".into()));
                    }
                }
            }
            "referrals.csv" => {
                let referred = date("referred_on");
                let status = text("status").and_then(|s| ReferralStatus::parse(s).ok());
                for c in ["accepted_on", "declined_on", "discharged_on"] {
                    if let (Some(d), Some(r)) = (date(c), referred) {
                        if d < r {
                            out.push((static_name(spec, c), format!("{c} ({d}) is before referred_on ({r})")));
                        }
                    }
                }
                if let (Some(a), Some(d)) = (date("accepted_on"), date("discharged_on")) {
                    if d < a {
                        out.push((Some("discharged_on"), format!("discharged_on ({d}) is before accepted_on ({a})")));
                    }
                }
                let need = |c: &'static str, out: &mut Vec<(Option<&'static str>, String)>| {
                    if row.get(spec, c) == &Value::Null {
                        out.push((Some(c), format!("Enter {c}: the status is {}", text("status").unwrap_or(""))));
                    }
                };
                match status {
                    Some(ReferralStatus::Declined) => {
                        need("declined_on", &mut out);
                        need("decline_reason", &mut out);
                    }
                    Some(ReferralStatus::Discharged) => {
                        need("discharged_on", &mut out);
                        need("discharge_reason", &mut out);
                    }
                    Some(ReferralStatus::Accepted) => need("accepted_on", &mut out),
                    _ => {}
                }
            }
            "measures.csv" => match (text("instrument").and_then(|c| Instrument::parse(c).ok()), text("answers"), text("scores")) {
                (_, Some(_), Some(_)) => out.push((Some("scores"), "Give the item answers or the scores, not both (the scores are worked out from the answers)".into())),
                (_, None, None) => out.push((Some("answers"), "Give the item answers (or, if only they are known, the scores)".into())),
                (Some(instrument), Some(raw), None) => {
                    let parts: Vec<&str> = raw.split(';').map(str::trim).collect();
                    if let Err(errors) = AnswerSet::parse_all(instrument, &parts) {
                        out.push((Some("answers"), join(&errors)));
                    }
                }
                (Some(instrument), None, Some(raw)) => {
                    let parts: Vec<&str> = raw.split(';').map(str::trim).collect();
                    if let Err(errors) = ScoresOnly::parse_all(instrument, &parts) {
                        out.push((Some("scores"), join(&errors)));
                    }
                }
                (None, ..) => {}
            },
            "custom_instruments.csv" => {
                if let (Some(code), Some(json)) = (text("code"), text("definition")) {
                    if let Err(e) = crate::measurement::custom_instrument::CustomInstrument::from_json(code, json) {
                        out.push((Some("definition"), format!("The questionnaire's definition is not valid: {e}")));
                    }
                }
            }
            "custom_measures.csv" => {
                if let (Some(reference), Some(raw)) = (text("instrument_ref"), text("answers")) {
                    if let Some(instrument) = self.custom.get(reference) {
                        let parts: Vec<&str> = raw.split(';').map(str::trim).collect();
                        if let Err(errors) = instrument.parse_answers(&parts) {
                            out.push((Some("answers"), join(&errors)));
                        }
                    }
                }
            }
            "health_activity.csv" | "comparison_activity.csv" if row.get(spec, "bed_days") != &Value::Null && text("contact_type") != Some("non_elective_admission") => {
                out.push((Some("bed_days"), "Bed days are only given for non_elective_admission rows".into()));
            }
            "comparison_people.csv" => match text("lsoa") {
                Some(lsoa) if !crate::evaluation::equity::is_english_lsoa(lsoa) => {
                    out.push((Some("lsoa"), format!("\"{lsoa}\" is not an English 2011 LSOA code (E01 and six digits, like E01011365)")));
                }
                None if row.get(spec, "imd_decile") != &Value::Null => out.push((Some("imd_decile"), "An IMD decile is only given with the LSOA it is of".into())),
                _ => {}
            },
            "staff_check_ins.csv" => {
                if let Some(raw) = text("swemwbs") {
                    let parts: Vec<&str> = raw.split(';').map(str::trim).collect();
                    if let Err(errors) = AnswerSet::parse_all(Instrument::Swemwbs, &parts) {
                        out.push((Some("swemwbs"), join(&errors)));
                    }
                }
            }
            "list_profiles.csv" => {
                if let (Some(dimension), Some(group)) = (text("dimension").and_then(|d| crate::evaluation::equity::Dimension::parse(d).ok()), text("group")) {
                    if let Err(e) = crate::evaluation::equity::Group::parse(dimension, group) {
                        out.push((Some("group"), format!("\"{group}\" is not a group of {}: {e}", dimension.code())));
                    }
                }
            }
            "referral_targets.csv" => {
                if let (Value::Int(year), Value::Float(low), Value::Float(high)) = (row.get(spec, "year"), row.get(spec, "low_pct"), row.get(spec, "high_pct")) {
                    if let Err(e) = crate::evaluation::workforce::YearTarget::new(*year as i32, *low, *high) {
                        out.push((Some("low_pct"), e.to_string()));
                    }
                }
            }
            "health_price_indices.csv" => {
                if let Err(errors) = crate::evaluation::price_index::PriceIndex::parse(text("source").unwrap_or(""), text("index_values").unwrap_or("")) {
                    out.push((Some("index_values"), join(&errors)));
                }
            }
            "sroi_models.csv" => {
                if let Some(json) = text("model") {
                    if let Err(e) = serde_json::from_str::<crate::evaluation::sroi::SroiModel>(json) {
                        out.push((Some("model"), format!("The model is not a valid SROI model document: {e}")));
                    }
                }
            }
            "measurement_schedules.csv" => {
                let codes: Vec<&str> = text("instruments").unwrap_or("").split(';').collect();
                let months = text("follow_up_months").unwrap_or("").replace(';', ",");
                if let Err(errors) = crate::casework::schedule::MeasurementSchedule::parse(&codes, &months) {
                    out.push((Some("follow_up_months"), join(&errors)));
                }
            }
            "success_statements.csv" => {
                let target = match row.get(spec, "target") {
                    Value::Float(t) => t.to_string(),
                    _ => String::new(),
                };
                if let Err(errors) = crate::evaluation::stakeholders::scorecard::Measure::parse(text("indicator").unwrap_or(""), text("comparison").unwrap_or(""), &target) {
                    out.push((Some("indicator"), join(&errors)));
                }
                if let (Some(from), Some(to)) = (date("applies_from"), date("applies_to")) {
                    if to < from {
                        out.push((Some("applies_to"), format!("applies_to ({to}) is before applies_from ({from})")));
                    }
                }
            }
            "evidence.csv" if text("approved_by").is_some() && text("approved_text").is_none() => {
                out.push((Some("approved_by"), "approved_by is only given with approved_text".into()));
            }
            "onward_events.csv" if text("reason").is_some() && text("to_status") != Some("declined") => {
                out.push((Some("reason"), "A reason is only given when the status moves to declined".into()));
            }
            _ => {}
        }
        // What happens in a referral cannot come before the referral.
        if let Some(referral) = text("referral_ref") {
            if let Some(referred) = self.referred_on.get(&key_hash(referral)) {
                for c in ["held_on", "agreed_on", "contact_on", "taken_on", "sent_on"] {
                    if let Some(d) = date(c) {
                        if d < *referred {
                            out.push((static_name(spec, c), format!("{c} ({d}) is before the referral was received ({referred})")));
                        }
                    }
                }
            }
        }
        out
    }
}

impl Checker {
    /// The problems only a whole file shows, once `file` has been read: a follow-up or discharge
    /// measure dated before the baseline of the same questionnaire in the same referral (it would
    /// otherwise leave that person counted as baseline only, without a word).
    pub fn end_of_file(&mut self, file: &'static str) -> Vec<BundleProblem> {
        let baselines = std::mem::take(&mut self.baselines);
        let later = std::mem::take(&mut self.later_measures);
        later
            .into_iter()
            .filter_map(|(key, timepoint, taken_on, line)| {
                let (baseline_on, baseline_line) = baselines.get(&key)?;
                (taken_on < *baseline_on).then(|| {
                    BundleProblem::new(
                        file,
                        line,
                        Some("taken_on"),
                        format!("this {timepoint} measure ({taken_on}) is dated before the referral's baseline of the same questionnaire ({baseline_on}, line {baseline_line}): correct its date or its timepoint"),
                    )
                })
            })
            .collect()
    }
}

fn join(errors: &[crate::DomainError]) -> String {
    errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")
}

/// A fixed (unkeyed) hash of a reference: the same in every run, so checks are repeatable. Maps
/// over every row of a large bundle key by it (8 bytes) rather than by the reference's text.
pub fn key_hash(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

fn static_name(spec: &FileSpec, name: &str) -> Option<&'static str> {
    spec.columns.iter().find(|c| c.name == name).map(|c| c.name)
}

/// The answers of a measures row as numbers (after [`Checker::row`] accepted it).
pub fn answers(raw: &str) -> Vec<i64> {
    raw.split(';').filter_map(|p| p.trim().parse().ok()).collect()
}

/// The scores of a measures row as the JSON array of numbers the database keeps (after
/// [`Checker::row`] accepted them).
pub fn scores_json(raw: &str) -> String {
    let values: Vec<f64> = raw.split(';').filter_map(|p| p.trim().parse().ok()).collect();
    serde_json::to_string(&values).unwrap_or_else(|_| "[]".into())
}
