//! Property tests of the CSV imports against real databases (SQLite and PostgreSQL): for files
//! made of valid rows with cells replaced by generated ones (quotes, separators, NUL and other
//! control characters, formulas, any text), an import never panics, and it is all or nothing: a
//! file with a problem writes nothing (every table's row count unchanged); with `skip_bad_rows`,
//! exactly the good rows are written.
//!
//! Cases per database: `PROPTEST_CASES` if set, else 40 (each case is an import; a few seconds).

use crate::support;

use linkwork_domain::access::{Actor, Role};
use linkwork_store::testing::fresh_database_urls;
use linkwork_store::{AuditActor, Store};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use support::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(40)
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::string::string_regex("[a-zA-Z0-9 ,;:/\"'=+@.\\-\t\r\n\u{0}\u{1}\u{7f}é]{0,12}").unwrap(),
        1 => Just(String::new()),
        1 => any::<String>(),
    ]
}

/// A file of valid rows (`valid(n)`, with `n` drawn so files rarely repeat a person), some with
/// one cell replaced, written quoted.
fn mutated_file(header: &'static str, width: usize, valid: fn(usize) -> Vec<String>) -> impl Strategy<Value = Vec<u8>> {
    (0..40_000usize, prop::collection::vec(prop::option::weighted(0.3, (0..width, cell())), 1..5)).prop_map(move |(first, changes)| {
        let mut text = format!("{header}\n");
        for (i, change) in changes.into_iter().enumerate() {
            let mut row = valid(first * 5 + i);
            if let Some((column, value)) = change {
                row[column] = value;
            }
            let quoted: Vec<String> = row.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
            text.push_str(&quoted.join(","));
            text.push('\n');
        }
        text.into_bytes()
    })
}

fn referral_row(i: usize) -> Vec<String> {
    let nhs = nhs_number(i as u32 + 1);
    let on = (today() - time::Duration::days(10)).to_string();
    vec![nhs, "Ann".into(), "Example".into(), "1950-01-01".into(), "2".into(), "A".into(), "LS1 4AP".into(), "Z00001".into(), on, "gp_practice".into(), "Dr Shah".into(), "Lonely".into(), "loneliness".into()]
}

const REFERRALS_HEADER: &str = "nhs_number,given_name,family_name,date_of_birth,sex,ethnicity,postcode,practice_ods,referred_on,source,referrer_name,reason,needs";

fn activity_row(i: usize) -> Vec<String> {
    vec![nhs_number(90), (today() - time::Duration::days(i as i64 % 3000 + 1)).to_string(), "gp_surgery".into(), String::new(), "fuzz".into()]
}

const ACTIVITY_HEADER: &str = "nhs_number,contact_on,contact_type,bed_days,source";

async fn counts(store: &dyn Store) -> Vec<(&'static str, i64)> {
    store.bundle_table_counts().await.unwrap()
}

fn total(counts: &[(&'static str, i64)]) -> i64 {
    counts.iter().map(|(_, n)| n).sum()
}

#[test]
fn referral_and_activity_imports_are_all_or_nothing_on_both_databases() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let urls = rt.block_on(fresh_database_urls(&std::env::temp_dir()));
    for (backend, url) in urls {
        let w = rt.block_on(spawn(&url));
        let store = w.store.clone();
        let who = AuditActor { user_id: None, token_id: None, org_id: Some(w.pcn.clone()) };
        let link_worker = Actor { org_id: w.pcn.clone(), role: Role::LinkWorker };
        let manager = Actor { org_id: w.pcn.clone(), role: Role::Manager };
        // A person the activity rows are about.
        let mut person = referral_row(0);
        person[0] = nhs_number(90);
        let seed = format!("{REFERRALS_HEADER}\n{}\n", person.join(","));
        let seeded = rt.block_on(linkwork_app::import::import_referrals(&*store, &link_worker, &who, seed.as_bytes(), linkwork_app::import::ImportMode::default())).unwrap();
        assert_eq!(seeded.imported, 1, "{backend}: {:?}", seeded.problems);

        let started = std::time::Instant::now();
        // (imported, refused) files, to show both kinds were tried.
        let tally = std::cell::Cell::new((0u32, 0u32));
        let mut runner = TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() });
        runner
            .run(&(mutated_file(REFERRALS_HEADER, 13, referral_row), any::<bool>()), |(file, skip_bad_rows)| {
                rt.block_on(async {
                    let before = counts(&*store).await;
                    let mode = linkwork_app::import::ImportMode { dry_run: false, skip_bad_rows };
                    let report = linkwork_app::import::import_referrals(&*store, &link_worker, &who, &file, mode).await.unwrap();
                    let after = counts(&*store).await;
                    if !report.problems.is_empty() || report.imported == 0 {
                        tally.set((tally.get().0, tally.get().1 + 1));
                        prop_assert_eq!(&before, &after, "{}: a refused import wrote nothing", backend);
                        prop_assert_eq!(report.imported, 0);
                    } else {
                        tally.set((tally.get().0 + 1, tally.get().1));
                        prop_assert!(total(&after) > total(&before), "{}: {} imported", backend, report.imported);
                    }
                    if !skip_bad_rows && !report.skipped.is_empty() {
                        prop_assert!(false, "rows are only skipped when asked");
                    }
                    Ok(())
                })
            })
            .unwrap_or_else(|e| panic!("{backend}: referral import: {e}"));
        runner
            .run(&(mutated_file(ACTIVITY_HEADER, 5, activity_row), any::<bool>()), |(file, skip_bad_rows)| {
                rt.block_on(async {
                    let before = counts(&*store).await;
                    let mode = linkwork_app::import::ImportMode { dry_run: false, skip_bad_rows };
                    let report = linkwork_app::import_activity::import_activity(&*store, &manager, &who, &file, mode).await.unwrap();
                    let after = counts(&*store).await;
                    if report.failed() || report.imported == 0 {
                        prop_assert_eq!(&before, &after, "{}: a refused activity import wrote nothing", backend);
                    }
                    Ok(())
                })
            })
            .unwrap_or_else(|e| panic!("{backend}: activity import: {e}"));
        let (imported, refused) = tally.get();
        eprintln!("{backend}: {} referral import cases ({imported} files imported, {refused} refused) and {} activity import cases in {:.1} s", cases(), cases(), started.elapsed().as_secs_f64());
        assert!(imported > 0 && refused > 0, "{backend}: both kinds of file were tried");
    }
}

/// Any JSON value a few levels deep, among the keys the ORUK reader looks for.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let key = prop_oneof![proptest::sample::select(vec!["id", "name", "status", "organization", "description", "location", "postal_code", "latitude", "number", "taxonomy_term"]).prop_map(str::to_owned), cell()];
    let leaf = prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::Bool), any::<i64>().prop_map(Value::from), cell().prop_map(Value::String)];
    leaf.prop_recursive(3, 16, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A page of two valid service records, one value somewhere replaced by a generated one; ids
/// drawn so each case adds new services.
fn oruk_document() -> impl Strategy<Value = Vec<u8>> {
    let replacement = prop_oneof![cell().prop_map(serde_json::Value::String), json_value()];
    (0..1_000_000u32, replacement, any::<u32>()).prop_map(|(n, replacement, at)| {
        let record = |i: u32| {
            serde_json::json!({
                "id": format!("svc-{n}-{i}"), "name": "Walks", "status": "active", "description": "Gentle walks",
                "organization": { "id": format!("org-{n}"), "name": "Walkers" },
                "service_at_locations": [{ "id": format!("sal-{n}-{i}"), "location": { "id": format!("loc-{n}-{i}"), "name": "Park", "latitude": 53.8, "longitude": -1.5,
                    "addresses": [{ "id": format!("a-{n}-{i}"), "address_1": "1 Park Road", "city": "Leeds", "postal_code": "LS1 4AP", "country": "GB" }] } }],
                "phones": [{ "id": format!("p-{n}-{i}"), "number": "0113 496 0000" }],
            })
        };
        let mut page = serde_json::json!({ "contents": [record(0), record(1)] });
        let mut slots = Vec::new();
        pointers(&page, String::new(), &mut slots);
        let pointer = slots[at as usize % slots.len()].clone();
        if let Some(slot) = page.pointer_mut(&pointer) {
            *slot = replacement;
        }
        page.to_string().into_bytes()
    })
}

fn pointers(value: &serde_json::Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| pointers(v, format!("{at}/{k}"), out)),
        serde_json::Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn the_oruk_import_writes_only_what_it_reads_and_the_database_never_refuses_it() {
    use linkwork_app::oruk_import::{import_oruk, OrukDocument};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let urls = rt.block_on(fresh_database_urls(&std::env::temp_dir()));
    for (backend, url) in urls {
        let store = rt.block_on(linkwork_store::testing::migrated(&url)).unwrap();
        let started = std::time::Instant::now();
        let mut runner = TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() });
        runner
            .run(&oruk_document(), |bytes| {
                rt.block_on(async {
                    let before = counts(&*store).await;
                    let report = import_oruk(&*store, &[OrukDocument { name: "fuzz.json".into(), bytes }], &|_, _| {}).await;
                    let after = counts(&*store).await;
                    // Everything the reader accepted, the database stores: PostgreSQL refused NUL
                    // bytes that SQLite took before they were refused at the boundary.
                    prop_assert!(report.failed.is_none(), "{}: the database refused a record: {:?}", backend, report.failed);
                    if report.imported() == 0 {
                        prop_assert_eq!(&before, &after, "{}: nothing imported, nothing written", backend);
                    }
                    Ok(())
                })
            })
            .unwrap_or_else(|e| panic!("{backend}: ORUK import: {e}"));
        eprintln!("{backend}: {} ORUK import cases in {:.1} s", cases(), started.elapsed().as_secs_f64());
    }
}
