use super::pseudonymise::{Pseudonymiser, REMOVED};
use super::read::{BundleProblem, Checker, Row, Value};
use super::spec::{self, FileSpec};
use super::*;
use time::macros::date;

const TODAY: time::Date = date!(2026 - 06 - 01);

/// Reads `csv` as `file` with `checker`, returning rows and problems.
fn read(checker: &mut Checker, file: &str, csv: &str) -> (Vec<Row>, Vec<BundleProblem>) {
    let spec: &'static FileSpec = spec::file(file).unwrap();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv.as_bytes());
    let mut records = reader.records();
    let header = records.next().unwrap().unwrap();
    let positions = match checker.header(spec, &header) {
        Ok(p) => p,
        Err(p) => return (vec![], vec![p]),
    };
    let (mut rows, mut problems) = (vec![], vec![]);
    for record in records {
        let record = record.unwrap();
        let line = record.position().unwrap().line();
        match checker.row(spec, &positions, line, &record) {
            Ok(r) => rows.push(r),
            Err(p) => problems.extend(p),
        }
    }
    (rows, problems)
}

fn with_orgs_and_people() -> Checker {
    let mut c = Checker::new(false, TODAY);
    let (_, p) = read(&mut c, "organisations.csv", "org_ref,kind,name,ods_code,parent_ref,list_size\nicb,icb,Riverside ICB,QRV,,\npcn,pcn,Riverside PCN,U12345,icb,\nprac,practice,High St Surgery,Y01001,pcn,9800\n");
    assert!(p.is_empty(), "{p:?}");
    let (_, p) = read(&mut c, "people.csv", "person_ref,service_ref,nhs_number,given_name,family_name,date_of_birth,sex,ethnicity,postcode,practice_ref\np1,pcn,943 476 5919,Ann,Smith,1952-03-14,2,A,ls1 4ap,prac\n");
    assert!(p.is_empty(), "{p:?}");
    c
}

#[test]
fn good_rows_parse_to_canonical_values() {
    let mut c = with_orgs_and_people();
    let (rows, problems) = read(
        &mut c,
        "referrals.csv",
        "referral_ref,person_ref,source,referred_on,status,accepted_on,discharged_on,discharge_reason\nr1,p1,GP_PRACTICE,2025-04-02,discharged,2025-04-05,2025-08-20,goals_met\n",
    );
    assert!(problems.is_empty(), "{problems:?}");
    let spec = spec::file("referrals.csv").unwrap();
    assert_eq!(rows[0].get(spec, "source"), &Value::Text("gp_practice".into()), "codes are matched without regard to case and stored canonically");
    assert_eq!(rows[0].get(spec, "referred_on"), &Value::Date(date!(2025 - 04 - 02)));
    assert_eq!(rows[0].get(spec, "worker_ref"), &Value::Null, "optional columns may be left out of the file");
    assert_eq!(rows[0].line, 2);
}

#[test]
fn every_problem_is_reported_with_file_line_and_column() {
    let mut c = with_orgs_and_people();
    let (rows, problems) = read(
        &mut c,
        "people.csv",
        "person_ref,service_ref,nhs_number,given_name,family_name,date_of_birth,sex,ethnicity,postcode\np2,pcn,943 476 5918,Bo,Lee,1960-13-01,2,A,LS1 4AP\np3,nowhere,9434765919,Cy,Ng,1970-01-01,7,A,not a postcode\np1,pcn,9434765919,Di,Ox,1970-01-01,2,A,LS1 4AP\n",
    );
    assert!(rows.is_empty());
    let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(shown.iter().any(|s| s.starts_with("people.csv line 2, column nhs_number:")), "{shown:#?}");
    assert!(shown.iter().any(|s| s.starts_with("people.csv line 2, column date_of_birth: \"1960-13-01\" is not a date")), "{shown:#?}");
    assert!(shown.iter().any(|s| s == "people.csv line 3, column service_ref: \"nowhere\" is not a row of organisations.csv"), "{shown:#?}");
    assert!(shown.iter().any(|s| s.starts_with("people.csv line 3, column sex: \"7\" is not one of the allowed codes")), "{shown:#?}");
    assert!(shown.iter().any(|s| s.starts_with("people.csv line 3, column postcode:")), "{shown:#?}");
    assert!(shown.iter().any(|s| s.starts_with("people.csv line 4, column person_ref: \"p1\" is used by an earlier row")), "{shown:#?}");
}

#[test]
fn header_problems_name_the_columns() {
    let mut c = Checker::new(false, TODAY);
    let (_, problems) = read(&mut c, "organisations.csv", "org_ref,name,colour\n");
    assert_eq!(problems.len(), 1);
    let message = problems[0].to_string();
    assert!(message.starts_with("organisations.csv line 1: The header row is missing kind; has columns the format does not have: colour"), "{message}");
}

#[test]
fn referral_dates_must_be_in_order_and_match_the_status() {
    let mut c = with_orgs_and_people();
    let (_, problems) = read(
        &mut c,
        "referrals.csv",
        "referral_ref,person_ref,source,referred_on,status,accepted_on,discharged_on,declined_on,decline_reason\nr1,p1,gp_practice,2025-04-02,discharged,2025-03-30,2025-03-29,,\nr2,p1,gp_practice,2025-04-02,declined,,,,\nr3,p1,gp_practice,2030-01-01,received,,,,\n",
    );
    let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(shown.contains(&"referrals.csv line 2, column accepted_on: accepted_on (2025-03-30) is before referred_on (2025-04-02)".to_owned()), "{shown:#?}");
    assert!(shown.contains(&"referrals.csv line 2, column discharged_on: discharged_on (2025-03-29) is before accepted_on (2025-03-30)".to_owned()), "{shown:#?}");
    assert!(shown.iter().any(|s| s.starts_with("referrals.csv line 2, column discharge_reason: Enter discharge_reason")), "{shown:#?}");
    assert!(shown.iter().any(|s| s.starts_with("referrals.csv line 3, column declined_on: Enter declined_on")), "{shown:#?}");
    assert!(shown.iter().any(|s| s.starts_with("referrals.csv line 3, column decline_reason: Enter decline_reason")), "{shown:#?}");
    assert!(shown.contains(&"referrals.csv line 4, column referred_on: 2030-01-01 is in the future".to_owned()), "{shown:#?}");
}

#[test]
fn measure_answers_are_checked_against_the_questionnaire_and_the_referral_date() {
    let mut c = with_orgs_and_people();
    let (_, p) = read(&mut c, "referrals.csv", "referral_ref,person_ref,source,referred_on,status\nr1,p1,gp_practice,2025-04-02,received\n");
    assert!(p.is_empty(), "{p:?}");
    let (rows, problems) = read(
        &mut c,
        "measures.csv",
        "measure_ref,referral_ref,instrument,timepoint,taken_on,answers\nm1,r1,swemwbs,baseline,2025-04-09,3;3;2;3;4;3;2\nm2,r1,swemwbs,baseline,2025-04-09,3;3;2;3;4;3;9\nm3,r1,ucla3,baseline,2025-04-01,1;2;3\nm4,r1,ucla3,baseline,2025-04-09,1;2\n",
    );
    assert_eq!(rows.len(), 1);
    let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(shown.len(), 3, "{shown:#?}");
    assert!(shown[0].starts_with("measures.csv line 3, column answers:"), "{shown:#?}");
    assert_eq!(shown[1], "measures.csv line 4, column taken_on: taken_on (2025-04-01) is before the referral was received (2025-04-02)");
    assert!(shown[2].starts_with("measures.csv line 5, column answers:") && shown[2].contains("3 questions but 2 answers"), "{shown:#?}");
    assert_eq!(read::answers("3;3;2;3;4;3;2"), vec![3, 3, 2, 3, 4, 3, 2]);
}

#[test]
fn pseudonymised_bundles_take_hashes_and_need_no_names() {
    let mut c = Checker::new(true, TODAY);
    let (_, p) = read(&mut c, "organisations.csv", "org_ref,kind,name\npcn,pcn,Riverside PCN\n");
    assert!(p.is_empty());
    let hash = "a".repeat(64);
    let (rows, p) = read(&mut c, "people.csv", &format!("person_ref,service_ref,nhs_number,date_of_birth,sex,ethnicity,lsoa,imd_decile\nx,pcn,{hash},1952-07-01,2,A,E01011365,3\n"));
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(rows.len(), 1);
    let mut strict = Checker::new(false, TODAY);
    let (_, _) = read(&mut strict, "organisations.csv", "org_ref,kind,name\npcn,pcn,Riverside PCN\n");
    let (_, p) = read(&mut strict, "people.csv", &format!("person_ref,service_ref,nhs_number,date_of_birth,sex,ethnicity\nx,pcn,{hash},1952-07-01,2,A\n"));
    let shown: Vec<String> = p.iter().map(|p| p.to_string()).collect();
    assert!(shown.iter().any(|s| s.contains("column nhs_number")), "{shown:#?}");
}

#[test]
fn pseudonymiser_hashes_identifiers_coarsens_and_drops_free_text() {
    let ps = Pseudonymiser::new(b"a secret key of thirty-two bytes");
    // HMAC-SHA256 computed independently: python3 -c "import hmac,hashlib;print(hmac.new(b'a secret key of thirty-two bytes',b'9434765919',hashlib.sha256).hexdigest())"
    assert_eq!(ps.hash("9434765919"), "c90b6f12011c1ffcac7ef565a5412cede3191c483028f8ef96bec439691cac29");
    let spec = spec::file("people.csv").unwrap();
    let mut row: Vec<String> = ["p1", "pcn", "943 476 5919", "Ann", "Smith", "1952-03-14", "2", "A", "LS1 4AP", "prac", "E01011365", "3"].map(String::from).to_vec();
    ps.row(spec, &mut row);
    assert_eq!(row[0], ps.hash("p1")[..16]);
    assert_eq!(row[1], "pcn", "organisations keep their references");
    assert_eq!(row[2], ps.hash("9434765919"));
    assert_eq!((row[3].as_str(), row[4].as_str()), ("", ""));
    assert_eq!(row[5], "1952-07-01");
    assert_eq!((row[8].as_str(), row[10].as_str(), row[11].as_str()), ("", "E01011365", "3"));
    let spec = spec::file("conversations.csv").unwrap();
    let mut row: Vec<String> = ["c1", "r1", "2025-04-09", "My daughter Jo", "lw1"].map(String::from).to_vec();
    ps.row(spec, &mut row);
    assert_eq!(row[3], REMOVED);
    assert_eq!(row[1], ps.hash("r1")[..16], "references to people's records are hashed the same way in every file");
}

#[test]
fn manifest_is_checked() {
    let m = Manifest::new("linkwork:U12345", false);
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(Manifest::parse(&json).unwrap(), m);
    assert!(Manifest::parse(r#"{"format":"other","version":1,"source":"x"}"#).unwrap_err().contains("format"));
    assert!(Manifest::parse(r#"{"format":"linkwork-bundle","version":2,"source":"x"}"#).unwrap_err().contains("version 2"));
    assert!(Manifest::parse(r#"{"format":"linkwork-bundle","version":1,"source":" "}"#).unwrap_err().contains("source"));
}

#[test]
fn stored_ids_are_stable_and_keep_sources_apart() {
    assert_eq!(stored_id("a", "people.csv", "p1"), stored_id("a", "people.csv", "p1"));
    assert_ne!(stored_id("a", "people.csv", "p1"), stored_id("b", "people.csv", "p1"));
    assert_ne!(stored_id("a", "people.csv", "p1"), stored_id("a", "referrals.csv", "p1"));
}

#[test]
fn every_file_refers_only_to_files_before_it() {
    let names: Vec<&str> = spec::files().iter().map(|f| f.name).collect();
    for (i, f) in spec::files().iter().enumerate() {
        for c in f.columns {
            if let spec::Kind::Ref(target) = c.kind {
                let at = names.iter().position(|n| *n == target).unwrap_or_else(|| panic!("{} refers to unknown {target}", f.name));
                assert!(at <= i, "{}.{} refers to {target}, which is imported later", f.name, c.name);
            }
        }
    }
}

#[test]
fn the_documentation_describes_every_file_and_column() {
    let docs = include_str!("../../../../docs/bundle.md");
    assert!(docs.contains(&spec::markdown()), "docs/bundle.md is out of date: run `cargo run -p linkwork -- export bundle --describe` and paste its output into the reference section");
}
