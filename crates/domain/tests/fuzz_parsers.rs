//! Property tests ("fuzzing" on the stable toolchain, with proptest) of the parsers that read
//! untrusted input: the referral and activity CSV files, a bundle's CSV rows, Open Referral UK JSON
//! documents and the spreadsheet escaping. Whatever the bytes, a parser answers (rows or problems
//! that name a line and column) and never panics; what it accepts holds no control characters.
//!
//! Cases per property: `PROPTEST_CASES` if set, else the counts below (CI-friendly: the whole file
//! runs in a few seconds). A failing case is shrunk and saved under `proptest-regressions/`.

use linkwork_domain::interop::bundle::read::Checker;
use linkwork_domain::interop::bundle::spec;
use linkwork_domain::interop::csv_safe::{escape_cell, unescape_cell};
use linkwork_domain::interop::import::{activity_csv, oruk, referrals_csv};
use proptest::prelude::*;
use serde_json::Value;
use time::macros::date;

const TODAY: time::Date = date!(2026 - 11 - 20);

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(default_cases);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

/// One CSV cell: mostly short text over the characters that matter to CSV, dates, numbers and
/// spreadsheets (quotes, commas, separators, line breaks, NUL and other control characters,
/// formula triggers, non-ASCII), sometimes any string at all.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::string::string_regex("[a-zA-Z0-9 ,;:/\"'=+@.\\-\t\r\n\u{0}\u{1}\u{7f}\u{85}é£😀]{0,14}").unwrap(),
        2 => Just(String::new()),
        1 => any::<String>(),
    ]
}

/// A CSV line of `n` cells joined as they are (quotes and commas in cells make ragged rows too).
fn raw_line(cells: &[String]) -> String {
    cells.join(",")
}

/// A file: a header of known column names (some dropped, some repeated, some unknown), then rows.
fn file(columns: Vec<&'static str>) -> impl Strategy<Value = Vec<u8>> {
    let n = columns.len();
    (
        proptest::sample::subsequence(columns.clone(), 0..=n),
        prop::collection::vec(cell(), 0..2),
        prop::collection::vec(prop::collection::vec(cell(), 0..n + 2), 0..6),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(mut header, extra, rows, crlf, bom)| {
            let mut names: Vec<String> = header.drain(..).map(str::to_owned).collect();
            names.extend(extra);
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str(&names.join(","));
            for row in rows {
                text.push_str(end);
                text.push_str(&raw_line(&row));
            }
            text.into_bytes()
        })
}

/// A valid referral row with one cell replaced by a generated one.
fn near_valid_referral() -> impl Strategy<Value = Vec<u8>> {
    let good = ["9434765919", "Ann", "Example", "1950-01-01", "2", "A", "LS1 4AP", "Y01001", "2026-01-05", "gp_practice", "Dr Shah", "Lonely", "loneliness"];
    (0..good.len(), cell()).prop_map(move |(i, replacement)| {
        let mut row: Vec<String> = good.iter().map(|s| s.to_string()).collect();
        row[i] = replacement;
        let quoted: Vec<String> = row.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
        format!("{}\n{}\n", referrals_csv::header_line(), quoted.join(",")).into_bytes()
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn referral_csv_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = referrals_csv::parse(&bytes, TODAY);
    }

    #[test]
    fn referral_csv_rows_are_read_or_located_problems(bytes in file(referrals_csv::COLUMNS.iter().map(|c| c.name).collect())) {
        check_referrals(&bytes)?;
    }

    #[test]
    fn a_near_valid_referral_is_read_or_its_cell_is_named(bytes in near_valid_referral()) {
        check_referrals(&bytes)?;
    }

    #[test]
    fn activity_csv_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = activity_csv::parse(&bytes, TODAY);
    }

    #[test]
    fn activity_csv_rows_are_read_or_located_problems(bytes in file(activity_csv::COLUMNS.iter().map(|c| c.name).collect())) {
        if let Ok(parsed) = activity_csv::parse(&bytes, TODAY) {
            for row in &parsed.rows {
                prop_assert!(row.line >= 2);
                if let Err(problems) = &row.result {
                    prop_assert!(!problems.is_empty());
                    for p in problems {
                        prop_assert!(!p.message.is_empty() && p.line == row.line);
                    }
                }
            }
        }
    }

    #[test]
    fn spreadsheet_escaping_is_reversed_exactly(value in cell()) {
        let written = escape_cell(&value);
        prop_assert_eq!(unescape_cell(&written), value.as_str());
        let rest = written.trim_start_matches('\'');
        let formula = written.starts_with(['=', '+', '-', '@', '\t', '\r']) && !linkwork_domain::interop::csv_safe::is_number(&written);
        prop_assert!(!formula, "{:?} -> {:?} ({:?})", value, written, rest);
    }
}

fn check_referrals(bytes: &[u8]) -> Result<(), TestCaseError> {
    let columns: Vec<&str> = referrals_csv::COLUMNS.iter().map(|c| c.name).collect();
    match referrals_csv::parse(bytes, TODAY) {
        Ok(parsed) => {
            for row in &parsed.rows {
                prop_assert!(row.line >= 2);
                match &row.result {
                    Ok(referral) => {
                        for text in [referral.person.given_name.as_str(), referral.person.family_name.as_str(), referral.referrer_name.as_str(), referral.reason.as_str()] {
                            prop_assert!(linkwork_domain::forbidden_character(text, linkwork_domain::Lines::Many).is_none(), "accepted {:?}", text);
                        }
                    }
                    Err(problems) => {
                        prop_assert!(!problems.is_empty());
                        for p in problems {
                            prop_assert!(p.column.is_none_or(|c| columns.contains(&c)), "{:?}", p);
                            prop_assert!(!p.message.is_empty());
                        }
                    }
                }
            }
        }
        Err(e) => prop_assert!(!e.to_string().is_empty()),
    }
    Ok(())
}

// ---- bundles ----

/// Reads `text` as the bundle file `name` with `checker`: good rows kept, problems returned.
fn read_bundle_file(checker: &mut Checker, name: &str, text: &str) -> Result<Vec<String>, TestCaseError> {
    let spec = spec::file(name).unwrap();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut messages = Vec::new();
    let Some(Ok(header)) = records.next() else { return Ok(messages) };
    let positions = match checker.header(spec, &header) {
        Ok(p) => p,
        Err(p) => {
            prop_assert_eq!(p.file.as_str(), name);
            return Ok(vec![p.message]);
        }
    };
    for (i, record) in records.enumerate() {
        let Ok(record) = record else { break };
        match checker.row(spec, &positions, i as u64 + 2, &record) {
            Ok(row) => {
                for value in &row.values {
                    if let linkwork_domain::interop::bundle::read::Value::Text(t) = value {
                        prop_assert!(linkwork_domain::forbidden_character(t, linkwork_domain::Lines::Many).is_none(), "accepted {:?}", t);
                    }
                }
            }
            Err(problems) => {
                prop_assert!(!problems.is_empty());
                for p in problems {
                    prop_assert_eq!(p.file.as_str(), name);
                    prop_assert!(p.column.as_deref().is_none_or(|c| spec.column(c).is_some()), "{:?}", p);
                    messages.push(p.message);
                }
            }
        }
    }
    Ok(messages)
}

/// A bundle file: its own header (sometimes with a column dropped or an unknown one), then rows of
/// generated cells, written as CSV (quoted where needed).
fn bundle_file() -> impl Strategy<Value = (&'static str, String)> {
    let names: Vec<&'static str> = spec::files().iter().map(|f| f.name).collect();
    (proptest::sample::select(names), prop::collection::vec(prop::collection::vec(cell(), 0..14), 0..5), any::<u8>()).prop_map(|(name, rows, tweak)| {
        let spec = spec::file(name).unwrap();
        let mut header: Vec<String> = spec.header().iter().map(|h| h.to_string()).collect();
        match tweak % 8 {
            0 => header.push("unknown_column".into()),
            1 if header.len() > 1 => {
                header.remove(usize::from(tweak) % header.len());
            }
            _ => {}
        }
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        w.write_record(&header).unwrap();
        for row in rows {
            w.write_record(&row).unwrap();
        }
        (name, String::from_utf8(w.into_inner().unwrap()).unwrap())
    })
}

const ORGS: &str = "org_ref,kind,name,ods_code,parent_ref,list_size\nicb,icb,ICB,QRV,,\npcn,pcn,PCN,U12345,icb,\nprac,practice,Surgery,Y01001,pcn,9800\n";
const PEOPLE: &str = "person_ref,service_ref,nhs_number,given_name,family_name,date_of_birth,sex,ethnicity,postcode,practice_ref\np1,pcn,9434765919,Ann,Smith,1952-03-14,2,A,LS1 4AP,prac\n";

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn bundle_rows_are_checked_or_located_problems((name, text) in bundle_file(), pseudonymised in any::<bool>()) {
        let mut checker = Checker::new(pseudonymised, TODAY);
        // Some rows to refer to, so references can resolve.
        read_bundle_file(&mut checker, "organisations.csv", ORGS)?;
        read_bundle_file(&mut checker, "people.csv", PEOPLE)?;
        read_bundle_file(&mut checker, name, &text)?;
    }
}

// ---- Open Referral UK ----

/// Any JSON value, a few levels deep, with keys the ORUK reader looks for among random ones.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        proptest::sample::select(vec!["id", "name", "status", "organization", "organization_id", "description", "contents", "service_at_locations", "location", "addresses", "postal_code", "schedules", "phones", "number", "attributes", "taxonomy_term", "minimum_age", "maximum_age", "last_modified", "latitude", "longitude", "page_number", "total_pages"]).prop_map(str::to_owned),
        cell(),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![Just("active".to_owned()), Just("2023-03-15T10:30:45Z".to_owned()), cell()].prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A valid service record with one value somewhere replaced by a generated one.
fn mutated_record() -> impl Strategy<Value = Value> {
    (json_value(), any::<u32>()).prop_map(|(replacement, at)| {
        let mut record = serde_json::json!({
            "id": "svc-1", "name": "Walks", "status": "active", "description": "Gentle walks",
            "organization": { "id": "org-1", "name": "Walkers" },
            "service_at_locations": [{ "id": "sal-1", "location": { "id": "loc-1", "name": "Park", "latitude": 53.8, "longitude": -1.5,
                "addresses": [{ "id": "a-1", "address_1": "1 Park Road", "city": "Leeds", "postal_code": "LS1 4AP", "country": "GB" }] } }],
            "schedules": [{ "id": "s-1", "freq": "WEEKLY", "byday": "TU", "opens_at": "10:00:00", "closes_at": "12:00:00" }],
            "phones": [{ "id": "p-1", "number": "0113 496 0000" }],
            "attributes": [{ "id": "at-1", "taxonomy_term": { "id": "t-1", "name": "loneliness" } }],
        });
        let mut slots = Vec::new();
        collect_pointers(&record, String::new(), &mut slots);
        let pointer = slots[at as usize % slots.len()].clone();
        if let Some(slot) = record.pointer_mut(&pointer) {
            *slot = replacement;
        }
        record
    })
}

fn collect_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| collect_pointers(v, format!("{at}/{k}"), out)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| collect_pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn check_oruk(doc: &oruk::Document) -> Result<(), TestCaseError> {
    for found in &doc.services {
        let r = &found.record;
        prop_assert!(!r.id.trim().is_empty() && !r.name.trim().is_empty());
        for text in [&r.id, &r.name, &r.organization_id] {
            prop_assert!(linkwork_domain::forbidden_character(text, linkwork_domain::Lines::Many).is_none(), "accepted {:?}", text);
        }
    }
    for skipped in &doc.skipped {
        prop_assert!(!skipped.reason.is_empty() && skipped.path.starts_with('$'));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn oruk_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_oruk(&oruk::parse_document(&bytes))?;
    }

    #[test]
    fn oruk_reads_any_json_as_services_or_reasons(value in json_value()) {
        check_oruk(&oruk::parse_document(value.to_string().as_bytes()))?;
    }

    #[test]
    fn oruk_reads_a_mutated_record_or_says_why_not(record in mutated_record(), as_page in any::<bool>()) {
        let document = if as_page { serde_json::json!({ "contents": [record], "page_number": 1, "total_pages": 1 }) } else { record };
        check_oruk(&oruk::parse_document(document.to_string().as_bytes()))?;
    }
}
