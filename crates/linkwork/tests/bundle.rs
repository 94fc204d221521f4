//! `linkwork export bundle` / `linkwork import bundle` as a service moving its history would run
//! them: real binary, real SQLite and PostgreSQL databases.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::seeded;
use seeded::{seeded, today};

fn linkwork(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_linkwork")).args(args).env_remove("LINKWORK_DATABASE").output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linkwork-bundle-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The report's figures and body as JSON, for comparing two databases.
fn report(url: &str, dir: &Path) -> serde_json::Value {
    let out = dir.join(format!("report-{}.json", linkwork_store::new_id()));
    let o = linkwork(&["report", "--database", url, "--from", "2020-01-01", "--to", &today().to_string(), "--format", "json", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    // The command that reproduces it names the database by variable, so it is the same; drop
    // anything that would differ only by when it was produced.
    if let Some(map) = json.as_object_mut() {
        map.remove("generated_at");
    }
    json
}

async fn count(url: &str, table: &str) -> i64 {
    let store = linkwork_store::connect(url).await.unwrap();
    store.bundle_table_counts().await.unwrap().into_iter().find(|(t, _)| *t == table).unwrap().1
}

#[tokio::test]
async fn round_trip_gives_the_same_report_on_sqlite_and_postgresql() {
    let dir = temp_dir("round-trip");
    let sources = linkwork_store::testing::fresh_database_urls(&dir).await;
    let targets = linkwork_store::testing::fresh_database_urls(&dir).await;
    for ((kind, source), (_, target)) in sources.iter().zip(&targets) {
        seeded(source).await;
        let folder = dir.join(format!("bundle-{kind}"));
        let o = linkwork(&["export", "bundle", folder.to_str().unwrap(), "--database", source, "--org", "U12345"]);
        assert!(o.status.success(), "{kind}: {}", text(&o.stderr));
        let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(folder.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["format"], "linkwork-bundle");
        assert_eq!(manifest["files"]["referrals.csv"]["rows"], 150, "{kind}: every referral is exported");
        for file in linkwork_domain::interop::bundle::spec::files() {
            assert!(manifest["files"][file.name]["rows"].as_u64().unwrap_or(0) > 0, "{kind}: the demo exports rows of {}", file.name);
        }

        let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", target]);
        assert!(o.status.success(), "{kind}: {}{}", text(&o.stdout), text(&o.stderr));
        assert!(text(&o.stdout).contains("Imported"), "{}", text(&o.stdout));
        let mut original = report(source, &dir);
        let copy = report(target, &dir);
        // The whole report and every figure: the bundle carries everything the evaluation reads.
        // The stakeholder plan names its rows' stored ids, which the import derives from the
        // bundle's references (docs/bundle.md): the copy must hold exactly the derived ones.
        let source_name = manifest["source"].as_str().unwrap().to_owned();
        if let Some(plan) = original["report"]["stakeholder_plan"].as_array_mut() {
            assert!(!plan.is_empty(), "{kind}: the demo has a stakeholder plan");
            for stakeholder in plan {
                derive_id(&mut stakeholder["id"], &source_name, "stakeholders.csv");
                for statement in stakeholder["statements"].as_array_mut().into_iter().flatten() {
                    derive_id(&mut statement["id"], &source_name, "success_statements.csv");
                }
            }
        }
        let differences: Vec<String> = diff(&original, &copy, "");
        assert!(differences.is_empty(), "{kind}: the report differs after the round trip:\n{}", differences.join("\n"));

        // Importing again updates the same rows: nothing doubles.
        let before: Vec<i64> = futures(target, TABLES).await;
        let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", target]);
        assert!(o.status.success(), "{kind}: {}", text(&o.stderr));
        let after = futures(target, TABLES).await;
        assert_eq!(before, after, "{kind}: a second import adds nothing");
        assert_eq!(report(target, &dir)["report"]["outcomes"], copy["report"]["outcomes"]);
    }
}

/// `value` without its objects' `id` fields.
fn without_ids(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => map.iter().filter(|(k, _)| *k != "id").map(|(k, v)| (k.clone(), without_ids(v))).collect(),
        serde_json::Value::Array(items) => items.iter().map(without_ids).collect(),
        other => other.clone(),
    }
}

/// Replaces a stored id of the source database by the id its bundle reference gets on import.
fn derive_id(id: &mut serde_json::Value, source: &str, file: &str) {
    if let Some(reference) = id.as_str() {
        *id = serde_json::Value::String(linkwork_domain::interop::bundle::stored_id(source, file, reference));
    }
}

/// Every table a bundle writes, for "importing again adds nothing".
const TABLES: &[&str] = &[
    "people", "referrals", "contacts", "measures", "onward_referrals", "onward_events", "organisations", "users", "need_resolutions", "custom_instruments", "custom_measures",
    "health_activity", "staff_check_ins", "list_profiles", "referral_targets", "health_tariffs", "health_price_indices", "sroi_models", "measurement_schedules", "stakeholders", "success_statements", "evidence_items",
    "comparison_people", "comparison_activity",
];

/// Where two JSON values differ, as `path: left | right` lines (at most 60). Everything is compared
/// exactly, numbers to the last bit: the domain sums in a fixed order (`stats::ordered_sum`), so
/// the copy's rows coming back from the database in another order must not change a figure.
fn diff(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> Vec<String> {
    use serde_json::Value::*;
    let mut out = Vec::new();
    match (a, b) {
        (Object(x), Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                out.extend(diff(x.get(k).unwrap_or(&Null), y.get(k).unwrap_or(&Null), &format!("{path}/{k}")));
            }
        }
        (Array(x), Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                out.extend(diff(p, q, &format!("{path}[{i}]")));
            }
        }
        _ if a != b => out.push(format!("{path}: {} | {}", short(a), short(b))),
        _ => {}
    }
    out.truncate(60);
    out
}

fn short(v: &serde_json::Value) -> String {
    let s = v.to_string();
    s.chars().take(120).collect()
}

async fn futures(url: &str, tables: &[&str]) -> Vec<i64> {
    let mut out = Vec::new();
    for t in tables {
        out.push(count(url, t).await);
    }
    out
}

fn write_bundle(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
    let folder = dir.join(linkwork_store::new_id());
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("manifest.json"), r#"{"format":"linkwork-bundle","version":1,"source":"spreadsheet:test"}"#).unwrap();
    for (name, body) in files {
        std::fs::write(folder.join(name), body).unwrap();
    }
    folder
}

const ORGS: &str = "org_ref,kind,name,ods_code,parent_ref,list_size\nicb,icb,Test ICB,QXX,,\npcn,pcn,Test PCN,U99999,icb,\nprac,practice,Test Surgery,Y99001,pcn,5000\n";
const PEOPLE: &str = "person_ref,service_ref,nhs_number,given_name,family_name,date_of_birth,sex,ethnicity,postcode,practice_ref\np1,pcn,9434765919,Ann,Smith,1952-03-14,2,A,LS1 4AP,prac\np2,pcn,9434765870,Bo,Lee,1970-01-01,1,Z,LS2 7EW,prac\n";

#[tokio::test]
async fn bad_bundles_list_every_problem_and_write_nothing() {
    let dir = temp_dir("bad");
    let (urls, fresh_urls) = (linkwork_store::testing::fresh_database_urls(&dir).await, linkwork_store::testing::fresh_database_urls(&dir).await);
    for ((backend, url), (_, fresh)) in urls.into_iter().zip(fresh_urls) {
        eprintln!("-- on {backend}");
        bad_bundles_on(&url, &fresh, &dir).await;
    }
}

async fn bad_bundles_on(url: &str, fresh: &str, dir: &Path) {
    let url = url.to_owned();
    let referrals = "referral_ref,person_ref,source,referred_on,status,accepted_on\nr1,p1,gp_practice,2025-04-02,accepted,2025-04-03\nr2,p9,gp_practice,2025-04-02,received,\nr3,p2,gp_practice,02/04/2025,received,\n";
    let folder = write_bundle(&dir, &[("organisations.csv", ORGS), ("people.csv", PEOPLE), ("referrals.csv", referrals)]);

    let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", &url]);
    assert!(!o.status.success());
    let out = text(&o.stdout);
    assert!(out.contains("referrals.csv line 3, column person_ref: \"p9\" is not a row of people.csv"), "{out}");
    assert!(out.contains("referrals.csv line 4, column referred_on: \"02/04/2025\" is not a date in the form YYYY-MM-DD"), "{out}");
    assert!(text(&o.stderr).contains("nothing was imported"), "{}", text(&o.stderr));
    // The database was not even opened for writing: no referrals.
    linkwork_store::testing::migrated(&url).await.unwrap();
    assert_eq!(count(&url, "referrals").await, 0);

    // With --skip-bad-rows the good rows go in and the command says what was left out.
    let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", &url, "--skip-bad-rows"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("2 rows with problems left out"), "{}", text(&o.stdout));
    assert_eq!(count(&url, "referrals").await, 1);
    assert_eq!(count(&url, "people").await, 2);

    // A missing required file and a wrong header are reported for the file.
    let folder = write_bundle(&dir, &[("organisations.csv", "org_ref,name\n"), ("people.csv", PEOPLE)]);
    let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", &url, "--dry-run"]);
    assert!(!o.status.success());
    let out = text(&o.stdout);
    assert!(out.contains("organisations.csv line 1: The header row is missing kind"), "{out}");
    assert!(out.contains("referrals.csv: This file is required and is not in the folder"), "{out}");

    // A dry run of a good bundle writes nothing.
    let good = write_bundle(&dir, &[("organisations.csv", ORGS), ("people.csv", PEOPLE), ("referrals.csv", "referral_ref,person_ref,source,referred_on,status\nr1,p2,self,2025-05-01,received\n")]);
    let o = linkwork(&["import", "bundle", good.to_str().unwrap(), "--database", fresh, "--dry-run"]);
    assert!(o.status.success() && text(&o.stdout).contains("Dry run: nothing was written."), "{}{}", text(&o.stdout), text(&o.stderr));
    linkwork_store::testing::migrated(fresh).await.unwrap();
    assert_eq!(count(fresh, "people").await, 0);
}

#[tokio::test]
async fn pseudonymised_export_keeps_no_identifiers_and_still_evaluates() {
    let dir = temp_dir("pseudo");
    let (sources, targets) = (linkwork_store::testing::fresh_database_urls(&dir).await, linkwork_store::testing::fresh_database_urls(&dir).await);
    for ((backend, source), (_, target)) in sources.into_iter().zip(targets) {
        eprintln!("-- on {backend}");
        pseudonymised_export_on(&source, &target, &dir.join(backend)).await;
    }
}

async fn pseudonymised_export_on(source: &str, target: &str, dir: &Path) {
    let (source, dir) = (source.to_owned(), dir.to_owned());
    std::fs::create_dir_all(&dir).unwrap();
    seeded(&source).await;
    let folder = dir.join("out");
    let key = dir.join("key");
    std::fs::write(&key, [7u8; 32]).unwrap();
    let o = linkwork(&["export", "bundle", folder.to_str().unwrap(), "--database", &source, "--org", "U12345", "--pseudonymise", "--key-file", key.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));

    // No NHS number, name or postcode of anyone in the source appears anywhere in the bundle
    // (the identifiers are read from a plain export of the same service).
    let plain = dir.join("plain");
    assert!(linkwork(&["export", "bundle", plain.to_str().unwrap(), "--database", &source, "--org", "U12345"]).status.success());
    let identifiers: Vec<(String, String, String, String)> = std::fs::read_to_string(plain.join("people.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[2].to_owned(), f[3].to_owned(), f[4].to_owned(), f[8].to_owned())
        })
        .collect();
    assert!(identifiers.len() > 100);
    let mut all = String::new();
    for entry in std::fs::read_dir(&folder).unwrap() {
        all.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    for (nhs, given, family, postcode) in &identifiers {
        assert!(!all.contains(nhs.as_str()), "NHS number {nhs} leaked");
        assert!(!all.contains(&format!(",{given},")) && !all.contains(&format!(",{family},")), "a name leaked");
        assert!(!all.contains(postcode.as_str()), "postcode {postcode} leaked");
    }
    let people = std::fs::read_to_string(folder.join("people.csv")).unwrap();
    assert!(people.lines().skip(1).all(|l| l.split(',').nth(5).is_some_and(|dob| dob.ends_with("-07-01"))), "dates of birth are coarsened to the year");
    assert!(std::fs::read_to_string(folder.join("manifest.json")).unwrap().contains("\"pseudonymised\": true"));

    // The pseudonymised bundle imports into an empty database and gives the same outcome figures.
    let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", target]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let (a, b) = (report(&source, &dir), report(target, &dir));
    assert_eq!(a["report"]["outcomes"], b["report"]["outcomes"]);
    assert_eq!(a["report"]["reach"], b["report"]["reach"]);
    // Everything else is the same too, except what pseudonymisation coarsens on purpose: equity
    // by age (ages at referral come from dates of birth moved to 1 July), the comparison group
    // (matched on those age bands, and its keys, which break ties between equally near
    // controls, hashed again) and the stakeholder plan's stored ids (derived from hashed
    // references).
    let mut differences = Vec::new();
    for (section, value) in a["report"].as_object().unwrap() {
        match section.as_str() {
            "equity" | "comparison" => {}
            "stakeholder_plan" => differences.extend(diff(&without_ids(value), &without_ids(&b["report"][section]), section)),
            _ => differences.extend(diff(value, &b["report"][section], section)),
        }
    }
    assert!(differences.is_empty(), "the pseudonymised copy differs:\n{}", differences.join("\n"));
    // Postcodes are dropped but each person's LSOA and IMD decile are kept, so equity by
    // deprivation (and by sex and ethnic group) is the same as in the source.
    let dimension = |r: &serde_json::Value, name: &str| r["report"]["equity"]["dimensions"].as_array().unwrap().iter().find(|d| d["dimension"] == name).cloned().unwrap();
    assert_eq!(dimension(&a, "imd_quintile")["unknown"].as_u64(), Some(0), "the demo knows everyone's IMD quintile");
    for name in ["imd_quintile", "sex", "ethnicity"] {
        assert_eq!(dimension(&a, name), dimension(&b, name), "equity by {name} survives pseudonymisation");
    }
    // Evidence as entered (which may name the person) is not in the bundle; the approved text is.
    let evidence = |folder: &Path, column: usize| -> Vec<String> {
        csv::Reader::from_path(folder.join("evidence.csv")).unwrap().records().map(|r| r.unwrap()[column].to_owned()).collect()
    };
    let (entered, approved) = (evidence(&plain, 5), evidence(&plain, 14));
    assert!(!entered.is_empty());
    // (Text the anonymiser found nothing to remove from is also the approved text.)
    assert!(entered.iter().zip(&approved).all(|(t, a)| t == a || !all.contains(t.as_str())), "evidence as entered leaked");
    assert_eq!(evidence(&folder, 5), vec!["[removed]".to_owned(); entered.len()]);
    assert_eq!(evidence(&folder, 14), approved);

    // The same key gives the same pseudonyms; the export refuses a folder holding other files.
    let again = dir.join("again");
    let o = linkwork(&["export", "bundle", again.to_str().unwrap(), "--database", &source, "--org", "U12345", "--pseudonymise", "--key-file", key.to_str().unwrap()]);
    assert!(o.status.success());
    assert_eq!(std::fs::read_to_string(again.join("people.csv")).unwrap(), people);
    std::fs::write(again.join("notes.txt"), "mine").unwrap();
    let o = linkwork(&["export", "bundle", again.to_str().unwrap(), "--database", &source, "--org", "U12345"]);
    assert!(!o.status.success() && text(&o.stderr).contains("holds other files"));
}

#[tokio::test]
async fn a_bundle_from_elsewhere_merges_questionnaires_by_code_and_refuses_another_services() {
    let dir = temp_dir("merge");
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        merge_on(&url, &dir.join(backend)).await;
    }
}

async fn merge_on(url: &str, dir: &Path) {
    let url = url.to_owned();
    std::fs::create_dir_all(dir).unwrap();
    seeded(&url).await;
    let folder = dir.join("out");
    assert!(linkwork(&["export", "bundle", folder.to_str().unwrap(), "--database", &url, "--org", "U12345"]).status.success());
    assert!(std::fs::read_to_string(folder.join("custom_instruments.csv")).unwrap().lines().count() > 1, "the demo defines its own questionnaire");
    let set_source = |source: &str| {
        let path = folder.join("manifest.json");
        let mut manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        manifest["source"] = source.into();
        std::fs::write(&path, manifest.to_string()).unwrap();
    };

    // The same service's records from another system: the questionnaire with the same code is the
    // same questionnaire (as people match by NHS number), so nothing clashes or doubles.
    set_source("other-system:U12345");
    let (people, instruments) = (count(&url, "people").await, count(&url, "custom_instruments").await);
    let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", &url]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    assert_eq!((count(&url, "people").await, count(&url, "custom_instruments").await), (people, instruments));

    // Another service (a new ODS code) using a code this database already gives another
    // service's questionnaire: a clear error with file and line, and nothing written.
    set_source("elsewhere:U99999");
    let orgs = std::fs::read_to_string(folder.join("organisations.csv")).unwrap().replace(",U12345,", ",U99999,");
    std::fs::write(folder.join("organisations.csv"), orgs).unwrap();
    let referrals = count(&url, "referrals").await;
    let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", &url]);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(err.contains("custom_instruments.csv line 2, column code: another service in this database already has a questionnaire with the code"), "{err}");
    assert!(err.contains("rolled back"), "{err}");
    assert_eq!(count(&url, "referrals").await, referrals, "nothing was written");
}

/// A valid NHS number made from `n` (the check digit worked out as the standard says).
fn nhs_number(n: u32) -> String {
    (0..).map(|k| format!("94{:07}", n * 10 + k)).find_map(|stem| {
        let sum: u32 = stem.chars().zip((2..=10).rev()).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
        let check = 11 - sum % 11;
        match check {
            11 => Some(format!("{stem}0")),
            10 => None,
            c => Some(format!("{stem}{c}")),
        }
    }).unwrap()
}

#[tokio::test]
async fn history_that_kept_only_scores_imports_evaluates_and_exports() {
    let dir = temp_dir("scores");
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        scores_only_on(&url, &dir.join(backend)).await;
    }
}

async fn scores_only_on(url: &str, dir: &Path) {
    let (url, dir) = (url.to_owned(), dir.to_owned());
    std::fs::create_dir_all(&dir).unwrap();
    let (mut people, mut referrals, mut measures) = (String::from(PEOPLE.lines().next().unwrap()), String::from("referral_ref,person_ref,source,referred_on,status,accepted_on\n"), String::from("measure_ref,referral_ref,instrument,timepoint,taken_on,answers,scores\n"));
    people.push('\n');
    for i in 0..10 {
        people.push_str(&format!("p{i},pcn,{},Ann,Smith{i},1960-01-01,2,A,LS1 4AP,prac\n", nhs_number(i)));
        referrals.push_str(&format!("r{i},p{i},gp_practice,2025-04-01,accepted,2025-04-02\n"));
        // The other system kept SWEMWBS metric scores only; one person has item answers.
        if i == 0 {
            measures.push_str("m0a,r0,swemwbs,baseline,2025-04-10,3;3;3;3;3;3;3,\n");
        } else {
            measures.push_str(&format!("m{i}a,r{i},swemwbs,baseline,2025-04-10,,19.25\n"));
        }
        measures.push_str(&format!("m{i}b,r{i},swemwbs,follow_up,2025-07-10,,23.21\n"));
    }
    let bad = format!("{measures}x1,r1,swemwbs,discharge,2025-08-10,,36\nx2,r2,ucla3,discharge,2025-08-10,3;3;3,5\nx3,r3,ons4,discharge,2025-08-10,,7;6\n");
    let folder = write_bundle(&dir, &[("organisations.csv", ORGS), ("people.csv", &people), ("referrals.csv", &referrals), ("measures.csv", &bad)]);
    let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", &url]);
    assert!(!o.status.success());
    let out = text(&o.stdout);
    assert!(out.contains("measures.csv line 22, column scores: SWEMWBS (metric score) must be a number from 7 to 35"), "{out}");
    assert!(out.contains("measures.csv line 23, column scores: Give the item answers or the scores, not both"), "{out}");
    assert!(out.contains("measures.csv line 24, column scores: ONS4 personal wellbeing has 4 scores"), "{out}");

    let folder = write_bundle(&dir, &[("organisations.csv", ORGS), ("people.csv", &people), ("referrals.csv", &referrals), ("measures.csv", &measures)]);
    let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", &url]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    // The outcome figures use the scores as recorded: 3;3;… is a metric score of 19.25 too.
    let json = report(&url, &dir);
    let figure = |id: &str| json["figures"].as_array().unwrap().iter().find(|f| f["id"] == id).map(|f| f["value"].clone()).unwrap_or_else(|| panic!("no figure {id}"));
    assert_eq!(figure("outcome.swemwbs_metric.n_paired"), "10");
    assert_eq!(figure("outcome.swemwbs_metric.mean_change"), "4.0", "23.21 − 19.25 = 3.96, to one decimal place");

    // Exported as they came in: scores where only scores were known, answers where answers were.
    let out = dir.join("out");
    assert!(linkwork(&["export", "bundle", out.to_str().unwrap(), "--database", &url, "--org", "U99999"]).status.success());
    let exported = std::fs::read_to_string(out.join("measures.csv")).unwrap();
    assert!(exported.lines().next().unwrap().ends_with(",answers,scores"), "{exported}");
    assert_eq!(exported.lines().filter(|l| l.ends_with(",,23.21")).count(), 10, "{exported}");
    assert_eq!(exported.lines().filter(|l| l.ends_with(",3;3;3;3;3;3;3,")).count(), 1, "{exported}");
}

#[test]
fn generated_bundles_are_well_formed_and_pass_every_check() {
    let dir = temp_dir("generate");
    let folder = dir.join("synthetic");
    let o = linkwork(&["generate", "bundle", folder.to_str().unwrap(), "--referrals", "1000"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // Strict CSV: every row as wide as its header (other tools are not as forgiving as ours).
    for file in linkwork_domain::interop::bundle::spec::files() {
        let Ok(mut reader) = csv::ReaderBuilder::new().flexible(false).from_path(folder.join(file.name)) else { continue };
        assert_eq!(reader.headers().unwrap().len(), file.columns.len(), "{}", file.name);
        for record in reader.records() {
            assert!(record.is_ok(), "{}: {:?}", file.name, record.err());
        }
    }
    let url = format!("sqlite://{}", dir.join("check.db").display());
    let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", &url, "--dry-run"]);
    assert!(o.status.success() && text(&o.stdout).contains("Dry run: nothing was written."), "{}{}", text(&o.stdout), text(&o.stderr));
    assert!(!text(&o.stdout).contains("problem"), "{}", text(&o.stdout));
}

/// A bundle import is one large transaction: SQLite's write-ahead log grows to about the size of
/// what was imported. The import copies it back and empties it as it ends, so the disk does not
/// hold the data twice until the database is next opened.
#[test]
fn a_sqlite_import_leaves_no_write_ahead_log_behind() {
    let dir = temp_dir("import-wal");
    let folder = dir.join("synthetic");
    let o = linkwork(&["generate", "bundle", folder.to_str().unwrap(), "--referrals", "300"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let db = dir.join("imported.db");
    let url = format!("sqlite://{}", db.display());
    let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", &url]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    // What the command writes after the import itself (a few pages) may still be in the log.
    let wal = std::fs::metadata(dir.join("imported.db-wal")).map_or(0, |m| m.len());
    let database = std::fs::metadata(&db).unwrap().len();
    assert!(database > 1_000_000, "the imported rows are in the database file ({database} bytes)");
    assert!(wal * 10 < database, "the write-ahead log holds {wal} bytes beside a database of {database}");
}

#[tokio::test]
async fn a_follow_up_dated_before_its_baseline_is_reported_not_counted_as_baseline_only() {
    let dir = temp_dir("follow-up-first");
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        let referrals = "referral_ref,person_ref,source,referred_on,status,accepted_on\nr1,p1,gp_practice,2025-04-01,accepted,2025-04-02\n";
        // The follow-up's date was typed a year early: it comes before the baseline.
        let measures = "measure_ref,referral_ref,instrument,timepoint,taken_on,answers\nm1,r1,swemwbs,baseline,2025-04-10,3;3;3;3;3;3;3\nm2,r1,swemwbs,follow_up,2025-04-05,4;4;4;4;4;4;4\n";
        let folder = write_bundle(&dir, &[("organisations.csv", ORGS), ("people.csv", PEOPLE), ("referrals.csv", referrals), ("measures.csv", measures)]);
        let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", &url]);
        assert!(!o.status.success());
        let out = text(&o.stdout);
        assert!(out.contains("measures.csv line 3, column taken_on: this follow_up measure (2025-04-05) is dated before the referral's baseline of the same questionnaire (2025-04-10, line 2)"), "{out}");
        assert!(out.contains("measures.csv") && out.contains("1 with problems"), "{out}");
        let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", &url, "--skip-bad-rows"]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(text(&o.stdout).contains("1 rows with problems left out"), "{}", text(&o.stdout));
        assert_eq!(count(&url, "measures").await, 1, "the baseline goes in, the misdated follow-up does not");
    }
}
