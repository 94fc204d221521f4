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
fn a_follow_up_dated_before_its_baseline_is_reported_when_the_file_ends() {
    let mut c = with_orgs_and_people();
    let (_, p) = read(&mut c, "referrals.csv", "referral_ref,person_ref,source,referred_on,status\nr1,p1,gp_practice,2025-04-02,received\n");
    assert!(p.is_empty(), "{p:?}");
    // The follow-up comes first in the file; the UCLA-3 discharge is after its own baseline.
    let (rows, problems) = read(
        &mut c,
        "measures.csv",
        "measure_ref,referral_ref,instrument,timepoint,taken_on,answers\nm1,r1,swemwbs,follow_up,2025-04-05,3;3;2;3;4;3;2\nm2,r1,swemwbs,baseline,2025-04-09,3;3;2;3;4;3;2\nm3,r1,ucla3,baseline,2025-04-03,1;2;3\nm4,r1,ucla3,discharge,2025-04-04,1;2;3\n",
    );
    assert_eq!((rows.len(), problems.len()), (4, 0), "each row is fine on its own: {problems:?}");
    let shown: Vec<String> = c.end_of_file("measures.csv").iter().map(|p| p.to_string()).collect();
    assert_eq!(
        shown,
        ["measures.csv line 2, column taken_on: this follow_up measure (2025-04-05) is dated before the referral's baseline of the same questionnaire (2025-04-09, line 3): correct its date or its timepoint"]
    );
    assert!(c.end_of_file("measures.csv").is_empty(), "reported once");
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
    let id = stored_id("a", "people.csv", "p-1");
    assert!(id.ends_with(":people:p-1") && id.len() == 8 + ":people:p-1".len(), "{id}");
    let odd = stored_id("a", "referrals.csv", "2024/15 a");
    assert!(odd.contains(":referrals:~") && !odd.contains('/') && !odd.contains(' '), "references unsafe in a URL are hashed: {odd}");
    assert_ne!(odd, stored_id("a", "referrals.csv", "2024/16 a"));
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
    let docs = include_str!("../../../../../docs/bundle.md");
    assert!(docs.contains(&spec::markdown()), "docs/bundle.md is out of date: run `cargo run -p linkwork -- export bundle --describe` and paste its output into the reference section");
}

/// A two-item questionnaire of a service's own, answers 1 to 3.
const CUSTOM: &str = r#"{"name":"Confidence","version":"2","licence":"Ours","instructions":"Choose one","items":[{"text":"I know what to do","options":[{"value":1,"label":"No"},{"value":2,"label":"Partly"},{"value":3,"label":"Yes"}]},{"text":"I can get help","options":[{"value":1,"label":"No"},{"value":2,"label":"Partly"},{"value":3,"label":"Yes"}]}],"scoring":"sum","better":"higher","threshold":1.0}"#;

fn csv_field(raw: &str) -> String {
    format!("\"{}\"", raw.replace('"', "\"\""))
}

#[test]
fn evaluation_files_check_their_rules() {
    let mut c = with_orgs_and_people();
    let (_, p) = read(&mut c, "referrals.csv", "referral_ref,person_ref,source,referred_on,status\nr1,p1,self,2025-04-02,received\n");
    assert!(p.is_empty(), "{p:?}");

    // A custom questionnaire: its definition is checked, and its answers against it.
    let (_, p) = read(&mut c, "custom_instruments.csv", &format!("instrument_ref,service_ref,code,definition\nci1,pcn,confidence,{}\nci2,pcn,broken,{}\n", csv_field(CUSTOM), csv_field("{\"name\":1}")));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].to_string().starts_with("custom_instruments.csv line 3, column definition: The questionnaire's definition is not valid"), "{}", p[0]);
    assert_eq!(c.custom_instrument("ci1").map(|i| i.version()), Some("2"));
    let (rows, p) = read(
        &mut c,
        "custom_measures.csv",
        "measure_ref,referral_ref,instrument_ref,timepoint,taken_on,answers\nm1,r1,ci1,baseline,2025-04-09,1;3\nm2,r1,ci1,baseline,2025-04-09,1;4\nm3,r1,ci1,baseline,2025-04-09,1\nm4,r1,ci2,baseline,2025-04-09,1;1\nm5,r1,ci1,baseline,2025-03-01,2;2\n",
    );
    assert_eq!(rows.len(), 1, "only m1 is good: {p:?}");
    let shown: Vec<String> = p.iter().map(|p| p.to_string()).collect();
    assert!(shown.iter().any(|s| s.starts_with("custom_measures.csv line 3, column answers:")), "{shown:#?}");
    assert!(shown.iter().any(|s| s.starts_with("custom_measures.csv line 4, column answers:")), "{shown:#?}");
    assert!(shown.iter().any(|s| s == "custom_measures.csv line 5, column instrument_ref: \"ci2\" is not a row of custom_instruments.csv"), "{shown:#?}");
    assert!(shown.iter().any(|s| s == "custom_measures.csv line 6, column taken_on: taken_on (2025-03-01) is before the referral was received (2025-04-02)"), "{shown:#?}");

    // Health-system activity: bed days only with admissions.
    let (rows, p) = read(
        &mut c,
        "health_activity.csv",
        "person_ref,contact_on,contact_type,bed_days,source,occurrence\np1,2025-01-14,non_elective_admission,4,SUS,1\np1,2025-01-15,gp_surgery,2,EMIS,1\np1,2025-01-15,gp_surgery,,EMIS,0\n",
    );
    assert_eq!(rows.len(), 1);
    let shown: Vec<String> = p.iter().map(|p| p.to_string()).collect();
    assert_eq!(shown, ["health_activity.csv line 3, column bed_days: Bed days are only given for non_elective_admission rows", "health_activity.csv line 4, column occurrence: \"0\" is not a whole number from 1 to 1000000"]);

    // The comparison group: an English LSOA or none, a known age band; its contacts refer to its
    // own people (not to people referred), bed days only with admissions.
    let (rows, p) = read(
        &mut c,
        "comparison_people.csv",
        "person_key,service_ref,practice_ref,age_band,sex,lsoa,imd_decile\nk1,pcn,prac,45-54,2,E01011365,3\nk2,pcn,prac,85+,1,,\nk3,pcn,prac,45-54,2,W01000001,\nk4,pcn,prac,40-49,2,,\nk1,pcn,prac,45-54,2,,\nk5,pcn,prac,45-54,2,,4\n",
    );
    assert_eq!(rows.len(), 2, "{p:?}");
    let shown: Vec<String> = p.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        shown,
        [
            "comparison_people.csv line 4, column lsoa: \"W01000001\" is not an English 2011 LSOA code (E01 and six digits, like E01011365)",
            "comparison_people.csv line 5, column age_band: \"40-49\" is not one of the allowed codes: 0-17, 18-24, 25-34, 35-44, 45-54, 55-64, 65-74, 75-84, 85+",
            "comparison_people.csv line 6, column person_key: \"k1\" is used by an earlier row of this file: each row needs its own reference",
            "comparison_people.csv line 7, column imd_decile: An IMD decile is only given with the LSOA it is of",
        ]
    );
    let (rows, p) = read(
        &mut c,
        "comparison_activity.csv",
        "person_ref,contact_on,contact_type,bed_days,occurrence\nk1,2025-01-14,non_elective_admission,4,1\nk2,2025-01-15,gp_phone,,1\nk2,2025-01-15,gp_surgery,2,1\np1,2025-01-15,gp_surgery,,1\n",
    );
    assert_eq!(rows.len(), 2);
    let shown: Vec<String> = p.iter().map(|p| p.to_string()).collect();
    assert_eq!(shown, ["comparison_activity.csv line 4, column bed_days: Bed days are only given for non_elective_admission rows", "comparison_activity.csv line 5, column person_ref: \"p1\" is not a row of comparison_people.csv"]);

    // List profiles: the group must be one of the dimension's.
    let (rows, p) = read(&mut c, "list_profiles.csv", "practice_ref,dimension,group,people\nprac,age_band,25-34,1320\nprac,imd_quintile,q3,800\nprac,ethnicity,25-34,10\n");
    assert_eq!(rows.len(), 2);
    assert_eq!(p.len(), 1);
    assert!(p[0].to_string().starts_with("list_profiles.csv line 4, column group: \"25-34\" is not a group of ethnicity"), "{}", p[0]);

    // Target bands: the lower end first.
    let (rows, p) = read(&mut c, "referral_targets.csv", "service_ref,year,low_pct,high_pct\npcn,2025,0.8,1.2\npcn,2026,1.2,0.8\n");
    assert_eq!((rows.len(), p.len()), (1, 1), "{p:?}");
    assert_eq!(p[0].line, 3);

    // A price index: financial years with values above 0, each year once.
    let (rows, p) = read(&mut c, "health_price_indices.csv", "service_ref,source,index_values\npcn,PSSRU,2013/14=100;2024/25=137.2\npcn,PSSRU,2013=100;2024/25=0\n");
    assert_eq!((rows.len(), p.len()), (1, 1), "{p:?}");
    assert_eq!((p[0].line, p[0].column.as_deref()), (3, Some("index_values")));
    assert!(p[0].to_string().contains("\"2013\" is not a financial year") && p[0].to_string().contains("\"0\" is not an index value"), "{}", p[0]);

    // The measurement schedule: shipped questionnaires, months 1 to 24.
    let (rows, p) = read(&mut c, "measurement_schedules.csv", "service_ref,instruments,follow_up_months\npcn,ons4;swemwbs,3;6\npcn,ons4,30\n");
    assert_eq!((rows.len(), p.len()), (1, 1), "{p:?}");
    assert_eq!(p[0].column.as_deref(), Some("follow_up_months"));
}

#[test]
fn wellbeing_plans_and_evidence_check_their_rules() {
    let mut c = with_orgs_and_people();
    let (_, p) = read(&mut c, "staff.csv", "staff_ref,org_ref,name,email,role\nlw,pcn,Sam Okafor,sam@nhs.net,link_worker\nmgr,pcn,Jo Bell,jo@nhs.net,manager\n");
    assert!(p.is_empty(), "{p:?}");
    let (rows, p) = read(
        &mut c,
        "staff_check_ins.csv",
        "check_in_ref,staff_ref,checked_in_on,swemwbs,job_satisfaction,caseload_pressure,supervision\nw1,lw,2026-03-31,4;3;4;4;3;4;4,4,3,yes\nw2,lw,2026-03-31,4;3;4;4;3;4,4,3,no\nw3,lw,2026-03-31,4;3;4;4;3;4;6,4,6,no\n",
    );
    assert_eq!(rows.len(), 1);
    let shown: Vec<String> = p.iter().map(|p| p.to_string()).collect();
    assert!(shown.iter().any(|s| s.starts_with("staff_check_ins.csv line 3, column swemwbs:")), "{shown:#?}");
    assert!(shown.iter().any(|s| s == "staff_check_ins.csv line 4, column caseload_pressure: \"6\" is not a whole number from 1 to 5"), "{shown:#?}");

    let (_, p) = read(&mut c, "stakeholders.csv", "stakeholder_ref,service_ref,kind,name,created_by\ngps,pcn,gps,Our practices,mgr\n");
    assert!(p.is_empty(), "{p:?}");
    let (rows, p) = read(
        &mut c,
        "success_statements.csv",
        "statement_ref,stakeholder_ref,statement,indicator,comparison,target,applies_from,applies_to\n\
         s1,gps,Seen quickly,waiting.median_days,at_most,14,2025-04-01,2026-03-31\n\
         s2,gps,Stories,qualitative,,,2025-04-01,2026-03-31\n\
         s3,gps,Seen quickly,waiting.median_days,,,2025-04-01,2026-03-31\n\
         s4,gps,Seen quickly,waiting.median_days,at_most,14,2026-04-01,2025-03-31\n",
    );
    assert_eq!(rows.len(), 2, "{p:?}");
    assert_eq!(p.iter().map(|p| (p.line, p.column.clone().unwrap_or_default())).collect::<Vec<_>>(), [(4, "indicator".to_owned()), (5, "applies_to".to_owned())]);

    let header = "evidence_ref,service_ref,person_ref,kind,title,text,outcome_domains,needs,stakeholders,consent_given_on,consent_by,consent_use,recorded_by,recorded_on,approved_text,approved_by\n";
    let (rows, p) = read(
        &mut c,
        "evidence.csv",
        &format!("{header}e1,pcn,p1,quote,Fridays,Ann said Fridays are the best,person;community,loneliness,people,2026-01-05,person,in_reports,lw,2026-01-05,[name] said Fridays are the best,mgr\ne2,pcn,,quote,Fridays,Text,person,,,2026-01-05,person,in_reports,lw,2026-01-05,,mgr\n"),
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get(spec::file("evidence.csv").unwrap(), "outcome_domains"), &Value::Text("person;community".into()));
    assert_eq!(p[0].to_string(), "evidence.csv line 3, column approved_by: approved_by is only given with approved_text");
}

#[test]
fn pseudonymised_evidence_keeps_only_the_approved_text() {
    let spec = spec::file("evidence.csv").unwrap();
    let mut values: Vec<String> = ["e1", "pcn", "p1", "quote", "Fridays", "Ann Smith said Fridays are the best", "person", "", "", "2026-01-05", "person", "in_reports", "lw", "2026-01-05", "[name] said Fridays are the best", "mgr"].map(str::to_owned).to_vec();
    let p = Pseudonymiser::new(&[1u8; 32]);
    p.row(spec, &mut values);
    assert_eq!(values[5], REMOVED, "the text as entered may name the person");
    assert_eq!(values[14], "[name] said Fridays are the best", "the approved, anonymised text is kept");
    assert_eq!(values[1], "pcn", "the service is a public body");
    assert_eq!(values[2], p.hash("p1")[..16], "the person reference is the same pseudonym as in people.csv");
    assert_eq!(values[12], p.hash("lw")[..16]);
    assert_eq!(values[4], "Fridays");
}

#[test]
fn escaped_formula_cells_read_back_as_written() {
    let mut c = with_orgs_and_people();
    let csv = "person_ref,service_ref,nhs_number,given_name,family_name,date_of_birth,sex,ethnicity,postcode,practice_ref\n\
               p2,pcn,9434765870,\"'=HYPERLINK(\"\"x\"\")\",''=x,1952-03-14,2,A,LS1 4AP,prac\n\
               p3,pcn,9434765862,'Tis,-5,1952-03-14,2,A,LS1 4AP,prac\n";
    let (rows, problems) = read(&mut c, "people.csv", csv);
    assert!(problems.is_empty(), "{problems:?}");
    let spec = spec::file("people.csv").unwrap();
    let names: Vec<(&str, &str)> = rows.iter().map(|r| (r.get(spec, "given_name").as_text().unwrap(), r.get(spec, "family_name").as_text().unwrap())).collect();
    assert_eq!(names, vec![("=HYPERLINK(\"x\")", "'=x"), ("'Tis", "-5")]);
}

#[test]
fn control_characters_are_refused_with_their_file_line_and_column() {
    let mut c = with_orgs_and_people();
    let csv = "person_ref,service_ref,nhs_number,given_name,family_name,date_of_birth,sex,ethnicity,postcode,practice_ref\n\
               p2,pcn,9434765870,An\u{0}n,Smith,1952-03-14,2,A,LS1 4AP,prac\n\
               p3,pcn,9434765862,\"Bo\nB\",Smith,1952-03-14,2,A,LS1 4AP,prac\n";
    let (rows, problems) = read(&mut c, "people.csv", csv);
    assert!(rows.is_empty(), "{rows:?}");
    let found: Vec<(u64, Option<&str>, bool)> = problems.iter().map(|p| (p.line, p.column.as_deref(), p.message.contains("cannot be stored"))).collect();
    assert_eq!(found, vec![(2, Some("given_name"), true), (3, Some("given_name"), true)], "{problems:?}");
    assert!(problems[0].message.contains("NUL byte") && problems[1].message.contains("line break"), "{problems:?}");
}

#[test]
fn pseudonymised_comparison_rows_keep_no_key_of_the_extract() {
    let p = Pseudonymiser::new(&[2u8; 32]);
    let people = spec::file("comparison_people.csv").unwrap();
    let mut values: Vec<String> = ["k1", "pcn", "prac", "45-54", "2", "E01011365", "3"].map(str::to_owned).to_vec();
    p.row(people, &mut values);
    assert_eq!(values, [p.hash("k1")[..16].to_owned(), "pcn".into(), "prac".into(), "45-54".into(), "2".into(), "E01011365".into(), "3".into()]);
    let activity = spec::file("comparison_activity.csv").unwrap();
    let mut values: Vec<String> = ["k1", "2025-01-14", "gp_surgery", "", "1"].map(str::to_owned).to_vec();
    p.row(activity, &mut values);
    assert_eq!(values[0], p.hash("k1")[..16], "the same pseudonym as in comparison_people.csv");
}
