//! The storage contract: the same story run against SQLite and PostgreSQL.

use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::casework::contact::{ContactMode, Minutes};
use linkwork_domain::measurement::instruments::{AnswerSet, Instrument, Timepoint};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::onward::OnwardStatus;
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use linkwork_domain::casework::plan::{GoalText, WhatMatters};
use linkwork_domain::casework::referral::{DischargeReason, ReferralReason, ReferralSource, ReferralStatus};
use linkwork_domain::{NhsNumber, Postcode, RequiredText};
use linkwork_store::testing::{fresh_database_urls, migrated};
use linkwork_store::*;
use time::macros::date;

fn person(nhs: &str, given: &str) -> PersonDetails {
    PersonDetails {
        nhs_number: NhsNumber::parse(nhs).unwrap(),
        given_name: RequiredText::parse("g", "name", given).unwrap(),
        family_name: RequiredText::parse("f", "name", "Example").unwrap(),
        date_of_birth: DateOfBirth::new(date!(1950 - 05 - 01), date!(2026 - 12 - 01)).unwrap(),
        sex: Sex::Female,
        ethnicity: Ethnicity::WhiteBritish,
        postcode: Postcode::parse("LS1 4AP").unwrap(),
    }
}

#[tokio::test]
async fn storage_contract_on_every_database() {
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        story(&url).await.unwrap_or_else(|e| panic!("{backend}: {e}"));
        eprintln!("{backend}: storage contract passed");
    }
}

/// The whole story run inside ONE unit of work, committed at the end: every method works on the
/// work's shared transaction without waiting for it (a method that held the transaction and called
/// another store method would hang here), and a method that fails (a taken ODS code, a stale
/// status) fails alone.
#[tokio::test]
async fn storage_contract_inside_one_unit_of_work() {
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        let store = migrated(&url).await.unwrap();
        let work = store.begin().await.unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(120), story_on(&*work))
            .await
            .unwrap_or_else(|_| panic!("{backend}: the story did not finish inside a unit of work (a store method waited for its own work)"))
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        work.commit().await.unwrap();
        assert_eq!(caseload_of_test_pcn(&*store).await, 3, "{backend}: the work's writes are committed");
        eprintln!("{backend}: storage contract passed inside a unit of work");
    }
}

async fn caseload_of_test_pcn(store: &dyn Store) -> usize {
    let pcn = store.find_org("U00001").await.unwrap().unwrap().id;
    store.caseload(&pcn, None, false).await.unwrap().len()
}

async fn story(url: &str) -> Result<()> {
    let store = migrated(url).await?;
    store.migrate().await?; // migrating twice is harmless
    story_on(&*store).await
}

async fn story_on(store: &dyn Store) -> Result<()> {
    store.ping().await?;

    let icb = store.create_org(&NewOrg { kind: OrgKind::Icb, name: "Test ICB".into(), ods_code: Some("QXX".into()), parent_id: None, list_size: None }).await?;
    let pcn = store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "Test PCN".into(), ods_code: Some("U00001".into()), parent_id: Some(icb.clone()), list_size: None }).await?;
    let practice = store.create_org(&NewOrg { kind: OrgKind::Practice, name: "High St Surgery".into(), ods_code: Some("X00001".into()), parent_id: Some(pcn.clone()), list_size: Some(8000) }).await?;
    let vcse = store.create_org(&NewOrg { kind: OrgKind::Vcse, name: "Walk Club".into(), ods_code: None, parent_id: None, list_size: None }).await?;
    assert!(matches!(store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "Dup".into(), ods_code: Some("U00001".into()), parent_id: None, list_size: None }).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.find_org("U00001").await?.unwrap().id, pcn);
    assert_eq!(store.find_org("Walk Club").await?.unwrap().kind, OrgKind::Vcse);
    assert_eq!(store.orgs(OrgKind::Practice, Some(&pcn)).await?.len(), 1);

    let worker = store.create_user(&NewUser { email: "LW@Example.org".into(), display_name: "Lee Worker".into(), password_hash: "x".into(), role: Role::LinkWorker, org_id: pcn.clone() }).await?;
    assert!(matches!(store.create_user(&NewUser { email: "lw@example.org".into(), display_name: "Dup".into(), password_hash: "x".into(), role: Role::LinkWorker, org_id: pcn.clone() }).await, Err(StoreError::Conflict(_))));
    let creds = store.user_credentials(" lw@example.org ").await?.unwrap();
    assert_eq!(creds.user.role, Role::LinkWorker);
    let now = time::OffsetDateTime::now_utc();
    store.create_session("hash1", &worker, "csrf1", now + time::Duration::hours(1)).await?;
    assert_eq!(store.session("hash1", now).await?.unwrap().csrf_token, "csrf1");
    assert!(store.session("hash1", now + time::Duration::hours(2)).await?.is_none(), "expired sessions are not returned");
    store.delete_session("hash1").await?;
    assert!(store.session("hash1", now).await?.is_none());
    let token = store.create_api_token("thash", &vcse, Role::VcsePartner, Some("test")).await?;
    assert_eq!(store.api_token("thash").await?.unwrap().id, token);

    let service = store
        .create_service(&NewService { org_id: vcse.clone(), name: "Tuesday walks".into(), description: "Gentle walks".into(), needs: vec![NeedDomain::PhysicalActivity, NeedDomain::Loneliness], address: None, postcode: None, phone: None, email: None })
        .await?;
    let listed = store.services().await?;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].needs, vec![NeedDomain::Loneliness, NeedDomain::PhysicalActivity]);
    assert_eq!(listed[0].org_name, "Walk Club");

    let who = AuditActor { user_id: Some(worker.clone()), token_id: None, org_id: Some(pcn.clone()) };
    let new = NewReferral {
        service_org_id: pcn.clone(),
        person: person("9434765919", "Ann"),
        practice_id: Some(practice.clone()),
        source: ReferralSource::GpPractice,
        referrer_name: "Dr Patel".into(),
        reason: ReferralReason::parse("reason", "reason", "Lonely since bereavement").unwrap(),
        needs: vec![NeedDomain::Loneliness, NeedDomain::Bereavement],
        needs_to_confirm: false,
        referred_on: date!(2026 - 03 - 01),
        assigned_worker_id: None,
        consent: Default::default(),
        contact: Default::default(),
    };
    let referral = store.create_referral(&who, &new).await?;
    // A second referral for the same person (NHS number, date of birth and names agree) keeps
    // one person and takes the new postcode, kept in the details history.
    let mut again = new.clone();
    again.person.postcode = Postcode::parse("LS6 2AB").unwrap();
    let second = store.create_referral(&who, &again).await?;
    let h1 = store.referral_header(&referral).await?.unwrap();
    let h2 = store.referral_header(&second).await?.unwrap();
    assert_eq!(h1.person_id, h2.person_id);
    assert_eq!(h1.status, ReferralStatus::Received);
    let changes = store.person_changes(&h1.person_id).await?;
    assert_eq!(changes.len(), 1);
    assert_eq!((changes[0].old_value.as_deref(), changes[0].new_value.as_deref()), (Some("LS1 4AP"), Some("LS6 2AB")));
    // The same NHS number with another name changes nothing: it is held as an identity conflict.
    let mut other = new.clone();
    other.person = person("9434765919", "Annie");
    let third = store.create_referral(&who, &other).await?;
    assert_eq!(store.referral_header(&third).await?.unwrap().person_id, h1.person_id);
    assert_eq!(store.referral_identity_conflicts(&third).await?.len(), 1);
    assert_eq!(store.person_changes(&h1.person_id).await?.len(), 1, "no change from a mismatched referral");
    store.change_referral(&who, &third, ReferralStatus::Received, &ReferralChange::Decline { on: date!(2026 - 03 - 02), reason: linkwork_domain::casework::referral::DeclineReason::parse("duplicate").unwrap() }).await?;

    store.change_referral(&who, &referral, ReferralStatus::Received, &ReferralChange::Accept { on: date!(2026 - 03 - 02), worker_id: Some(worker.clone()) }).await?;
    // Acting on a stale status is refused rather than applied twice.
    assert!(matches!(store.change_referral(&who, &referral, ReferralStatus::Received, &ReferralChange::Accept { on: date!(2026 - 03 - 02), worker_id: None }).await, Err(StoreError::Conflict(_))));

    store
        .record_conversation(&who, &referral, &NewConversation {
            held_on: date!(2026 - 03 - 05),
            what_matters: WhatMatters::parse("w", "w", "Getting out of the house").unwrap(),
            needs: vec![NeedDomain::Loneliness, NeedDomain::PhysicalActivity],
            goals: vec![NewGoal { description: GoalText::parse("g", "g", "Join a walking group").unwrap(), review_on: Some(date!(2026 - 04 - 05)) }],
        })
        .await?;
    store.add_contact(&who, &referral, &NewContact { contact_on: date!(2026 - 03 - 05), mode: ContactMode::FaceToFace, minutes: Minutes::new(60).unwrap(), accompanied: false, notes: None }).await?;
    store.add_contact(&who, &referral, &NewContact { contact_on: date!(2026 - 03 - 12), mode: ContactMode::Group, minutes: Minutes::new(90).unwrap(), accompanied: true, notes: Some("Went to the walk together".into()) }).await?;
    let baseline = AnswerSet::parse(Instrument::Swemwbs, &["2", "3", "2", "3", "3", "2", "3"]).unwrap();
    store.add_measure(&who, &referral, &NewMeasure { timepoint: Timepoint::Baseline, taken_on: date!(2026 - 03 - 05), answers: baseline.clone() }).await?;
    let onward = store.create_onward(&who, &referral, &service, date!(2026 - 03 - 06), Some("Prefers mornings")).await?;

    let own = store.caseload(&pcn, Some(&worker), true).await?;
    assert_eq!(own.len(), 1, "a link worker's own people only: the unassigned referral waits in triage");
    let caseload = store.caseload(&pcn, None, true).await?;
    assert_eq!(caseload.len(), 2);
    let entry = caseload.iter().find(|c| c.referral_id == referral).unwrap();
    assert_eq!(entry.first_contact_on, Some(date!(2026 - 03 - 05)));
    assert_eq!(entry.last_contact_on, Some(date!(2026 - 03 - 12)));
    assert_eq!(entry.given_name, "Ann");

    let record = store.referral_record(&who, &referral).await?.unwrap();
    assert_eq!(record.person.nhs_number.as_str(), "9434765919");
    assert_eq!(record.referral.status, ReferralStatus::Accepted);
    assert_eq!(record.referral.practice_name.as_deref(), Some("High St Surgery"));
    assert_eq!(record.needs.len(), 4);
    assert_eq!(record.goals.len(), 1);
    assert_eq!(record.contacts.len(), 2);
    assert!(record.contacts[1].accompanied);
    assert_eq!(record.measures[0].recorded, baseline.clone().into());
    assert_eq!(record.onward[0].provider_name, "Walk Club");

    let partner = AuditActor { user_id: None, token_id: Some(token.clone()), org_id: Some(vcse.clone()) };
    let seen = store.partner_referrals(&vcse).await?;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].person_name, "Ann Example");
    assert!(store.partner_referrals(&pcn).await?.is_empty());
    store.change_onward(&partner, &onward, &OnwardChange { from: OnwardStatus::Sent, to: OnwardStatus::Accepted, on: date!(2026 - 03 - 08), decline_reason: None }).await?;
    store.change_onward(&partner, &onward, &OnwardChange { from: OnwardStatus::Accepted, to: OnwardStatus::Attended, on: date!(2026 - 03 - 15), decline_reason: None }).await?;
    assert!(matches!(store.change_onward(&partner, &onward, &OnwardChange { from: OnwardStatus::Sent, to: OnwardStatus::Accepted, on: date!(2026 - 03 - 08), decline_reason: None }).await, Err(StoreError::Conflict(_))));
    let after = store.partner_referral(&onward).await?.unwrap();
    assert_eq!(after.onward.status, OnwardStatus::Attended);
    assert_eq!(after.onward.responded_on, Some(date!(2026 - 03 - 08)));
    assert_eq!(after.onward.attended_on, Some(date!(2026 - 03 - 15)));

    let follow_up = AnswerSet::parse(Instrument::Swemwbs, &["4", "4", "3", "4", "4", "4", "4"]).unwrap();
    store.add_measure(&who, &referral, &NewMeasure { timepoint: Timepoint::FollowUp, taken_on: date!(2026 - 06 - 05), answers: follow_up }).await?;
    store
        .change_referral(&who, &referral, ReferralStatus::Accepted, &ReferralChange::Discharge { on: date!(2026 - 06 - 05), reason: DischargeReason::GoalsMet, summary: Some("Walking weekly".into()) })
        .await?;

    let input = store.evaluation_input("Test PCN", &[pcn.clone()], date!(2026 - 12 - 31)).await?;
    assert_eq!(input.practices.len(), 1);
    assert_eq!(input.practices[0].list_size, 8000);
    assert_eq!(input.referrals.len(), 3, "the referral held as an identity conflict counts too");
    assert_eq!(input.measures.len(), 2);
    assert_eq!(input.onward.len(), 1);
    assert_eq!(input.referrals.iter().find(|r| *r.id == *referral).unwrap().first_contact_on, Some(date!(2026 - 03 - 05)));
    let earlier = store.evaluation_input("Test PCN", &[pcn.clone()], date!(2026 - 03 - 31)).await?;
    assert_eq!(earlier.measures.len(), 1, "measures after the period's end are left out");

    let events = store.audit_events(&h1.person_id).await?;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for expected in ["referral.create", "referral.accept", "conversation.create", "contact.create", "measure.create", "onward.create", "referral.read", "onward.accepted", "onward.attended", "referral.discharge"] {
        assert!(actions.contains(&expected), "missing audit event {expected}: {actions:?}");
    }
    Ok(())
}
