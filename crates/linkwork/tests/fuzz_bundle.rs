//! Property test of `linkwork import bundle` against real databases (SQLite and PostgreSQL): a
//! small valid bundle with one cell of one file replaced by a generated value (quotes, separators,
//! NUL and other control characters, formulas, any text) is imported or refused; the command never
//! panics, and a refused bundle writes nothing (every table's row count unchanged).
//!
//! Cases per database: `PROPTEST_CASES` if set, else 16 (each case runs the command).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::Path;
use std::process::Command;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(16)
}

const FILES: [(&str, &str); 4] = [
    ("organisations.csv", "org_ref,kind,name,ods_code,parent_ref,list_size\nicb,icb,Fuzz ICB,QFZ,,\npcn,pcn,Fuzz PCN,U66666,icb,\nprac,practice,Fuzz Surgery,Y66666,pcn,5000\n"),
    ("people.csv", "person_ref,service_ref,nhs_number,given_name,family_name,date_of_birth,sex,ethnicity,postcode,practice_ref\np1,pcn,9434765919,Ann,Smith,1952-03-14,2,A,LS1 4AP,prac\n"),
    ("referrals.csv", "referral_ref,person_ref,source,referred_on,status,accepted_on,referrer_name,reason\nr1,p1,gp_practice,2025-04-02,accepted,2025-04-03,Dr Shah,Lonely\n"),
    ("contacts.csv", "contact_ref,referral_ref,contact_on,mode,minutes,accompanied,notes\nc1,r1,2025-04-10,phone,20,false,Called\n"),
];

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::string::string_regex("[a-zA-Z0-9 ,;:/\"'=+@.\\-\t\r\n\u{0}\u{1}\u{7f}é]{0,12}").unwrap(),
        1 => Just(String::new()),
        1 => any::<String>(),
    ]
}

/// The files, with one data cell (file, column) replaced, written as CSV.
fn bundle() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    (0..FILES.len(), 0..10usize, cell()).prop_map(|(file, column, value)| {
        FILES
            .iter()
            .enumerate()
            .map(|(i, (name, text))| {
                let mut lines: Vec<Vec<String>> = text.lines().map(|l| l.split(',').map(str::to_owned).collect()).collect();
                if i == file {
                    let row = lines.last_mut().unwrap();
                    let k = column % row.len();
                    row[k] = value.clone();
                }
                let mut w = csv::Writer::from_writer(Vec::new());
                for line in &lines {
                    w.write_record(line).unwrap();
                }
                (*name, String::from_utf8(w.into_inner().unwrap()).unwrap())
            })
            .collect()
    })
}

fn write(folder: &Path, files: &[(&str, String)]) {
    let _ = std::fs::remove_dir_all(folder);
    std::fs::create_dir_all(folder).unwrap();
    std::fs::write(folder.join("manifest.json"), r#"{"format":"linkwork-bundle","version":1,"source":"spreadsheet:fuzz"}"#).unwrap();
    for (name, text) in files {
        std::fs::write(folder.join(name), text).unwrap();
    }
}

#[test]
fn a_refused_bundle_writes_nothing_on_both_databases() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = std::env::temp_dir().join(format!("linkwork-fuzz-bundle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in rt.block_on(linkwork_store::testing::fresh_database_urls(&dir)) {
        let store = rt.block_on(linkwork_store::testing::migrated(&url)).unwrap();
        let folder = dir.join(format!("bundle-{backend}"));
        let started = std::time::Instant::now();
        let tally = std::cell::Cell::new((0u32, 0u32));
        let mut runner = TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() });
        runner
            .run(&bundle(), |files| {
                write(&folder, &files);
                let before = rt.block_on(store.bundle_table_counts()).unwrap();
                let o = Command::new(env!("CARGO_BIN_EXE_linkwork")).args(["import", "bundle", folder.to_str().unwrap(), "--database", &url]).env_remove("LINKWORK_DATABASE").output().unwrap();
                let after = rt.block_on(store.bundle_table_counts()).unwrap();
                let stderr = String::from_utf8_lossy(&o.stderr);
                prop_assert!(!stderr.contains("panicked"), "{}: {}", backend, stderr);
                prop_assert_ne!(o.status.code(), Some(101), "{}: a panic", backend);
                if o.status.success() {
                    tally.set((tally.get().0 + 1, tally.get().1));
                } else {
                    tally.set((tally.get().0, tally.get().1 + 1));
                    prop_assert_eq!(&before, &after, "{}: a refused bundle wrote nothing: {}", backend, String::from_utf8_lossy(&o.stdout));
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        let (imported, refused) = tally.get();
        eprintln!("{backend}: {} bundle import cases ({imported} imported, {refused} refused) in {:.1} s", cases(), started.elapsed().as_secs_f64());
    }
}
