//! The evaluation's gathered facts stay as current as the data, each test on SQLite and
//! PostgreSQL. The report reads each referral's facts from a table rebuilt only where a write
//! marked it stale; each test reads the facts once (clearing every mark), changes one kind of
//! data the way the product does, and checks that the next read sees the change.

use crate::support;

use linkwork_domain::access::OrgKind;
use linkwork_domain::casework::contact::{ContactMode, Minutes};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::casework::referral::{DischargeReason, ReferralStatus};
use linkwork_domain::evaluation::equity::{AgeBand, ImdDecile, LsoaDeprivation, PostcodeLsoa};
use linkwork_domain::evaluation::health_system::ContactType;
use linkwork_domain::evaluation::EvaluationInput;
use linkwork_domain::measurement::instruments::{AnswerSet, Instrument, Timepoint};
use linkwork_domain::person::identity::{DetailsSource, HeldDetails};
use linkwork_domain::person::{DateOfBirth, PersonDetails};
use linkwork_domain::Postcode;
use linkwork_store::testing;
use linkwork_store::*;
use std::sync::Arc;
use time::macros::date;

/// A PCN with one accepted referral (1 March 2026) of a woman born on 1 May 1950 in RV1 2AB, a
/// walking group in the directory, and the facts read once.
struct World {
    store: Arc<dyn Store>,
    pcn: String,
    who: AuditActor,
    referral: String,
    person: String,
    service: String,
}

async fn world(store: Arc<dyn Store>) -> World {
    let testing::PcnWorld { store, pcn, who } = testing::pcn_world(store).await;
    let vcse = store.create_org(&NewOrg { kind: OrgKind::Vcse, name: "Walk Club".into(), ods_code: None, parent_id: None, list_size: None }).await.unwrap();
    let service = store
        .create_service(&NewService { org_id: vcse, name: "Tuesday walks".into(), description: "Gentle walks".into(), needs: vec![NeedDomain::PhysicalActivity], address: None, postcode: None, phone: None, email: None })
        .await
        .unwrap();
    let new = NewReferral { needs: vec![NeedDomain::Loneliness], referred_on: date!(2026 - 03 - 01), ..testing::referral(&pcn, "9434765919") };
    let referral = store.create_referral(&who, &new).await.unwrap();
    store.change_referral(&who, &referral, ReferralStatus::Received, &ReferralChange::Accept { on: date!(2026 - 03 - 02), worker_id: None }).await.unwrap();
    let person = store.referral_header(&referral).await.unwrap().unwrap().person_id;
    let w = World { store, pcn, who, referral, person, service };
    let first = facts(&w).await;
    assert_eq!(first.referrals.len(), 1, "the world's referral is read before the change");
    w
}

async fn facts(w: &World) -> EvaluationInput {
    w.store.evaluation_input("Test PCN", std::slice::from_ref(&w.pcn), date!(2026 - 12 - 31)).await.unwrap()
}

#[tokio::test]
async fn a_contact_recorded_after_a_report_counts_in_the_next() {
    testing::on_each_world(world, |w| async move {
        w.store.add_contact(&w.who, &w.referral, &NewContact { contact_on: date!(2026 - 03 - 05), mode: ContactMode::FaceToFace, minutes: Minutes::new(30).unwrap(), accompanied: false, notes: None }).await.unwrap();
        let input = facts(&w).await;
        assert_eq!(input.referrals[0].first_contact_on, Some(date!(2026 - 03 - 05)));
        assert_eq!(input.workforce.cases[0].contacts, 1);
    })
    .await;
}

#[tokio::test]
async fn a_measure_recorded_after_a_report_counts_in_the_next() {
    testing::on_each_world(world, |w| async move {
        let answers = AnswerSet::parse(Instrument::Swemwbs, &["2", "3", "2", "3", "3", "2", "3"]).unwrap();
        w.store.add_measure(&w.who, &w.referral, &NewMeasure { timepoint: Timepoint::Baseline, taken_on: date!(2026 - 03 - 05), answers }).await.unwrap();
        let input = facts(&w).await;
        assert_eq!(input.measures.len(), 1);
        assert_eq!(input.measures[0].timepoint, Timepoint::Baseline);
    })
    .await;
}

#[tokio::test]
async fn a_need_added_after_a_report_counts_in_the_next() {
    testing::on_each_world(world, |w| async move {
        w.store.change_needs(&w.who, &w.referral, &[NeedDomain::MoneyDebtBenefits], &[]).await.unwrap();
        let input = facts(&w).await;
        let mut needs: Vec<NeedDomain> = input.what_works.needs.iter().map(|(_, n)| *n).collect();
        needs.sort();
        let mut expected = vec![NeedDomain::Loneliness, NeedDomain::MoneyDebtBenefits];
        expected.sort();
        assert_eq!(needs, expected);
    })
    .await;
}

#[tokio::test]
async fn an_onward_referral_sent_after_a_report_counts_in_the_next() {
    testing::on_each_world(world, |w| async move {
        w.store.create_onward(&w.who, &w.referral, &w.service, date!(2026 - 03 - 06), None).await.unwrap();
        let input = facts(&w).await;
        assert_eq!(input.onward.len(), 1);
        assert_eq!(&*input.onward[0].partner_name, "Walk Club");
    })
    .await;
}

#[tokio::test]
async fn a_discharge_after_a_report_counts_in_the_next() {
    testing::on_each_world(world, |w| async move {
        let discharge = ReferralChange::Discharge { on: date!(2026 - 06 - 05), reason: DischargeReason::GoalsMet, summary: None };
        w.store.change_referral(&w.who, &w.referral, ReferralStatus::Accepted, &discharge).await.unwrap();
        let input = facts(&w).await;
        assert_eq!(input.referrals[0].status, ReferralStatus::Discharged);
        assert_eq!(input.workforce.cases[0].discharged_on, Some(date!(2026 - 06 - 05)));
        assert_eq!(input.sdoh.len(), 1, "needs resolved counts the discharged referral");
    })
    .await;
}

#[tokio::test]
async fn a_referral_made_after_a_report_counts_in_the_next() {
    testing::on_each_world(world, |w| async move {
        let new = NewReferral { referred_on: date!(2026 - 04 - 01), ..testing::referral(&w.pcn, "9876543210") };
        w.store.create_referral(&w.who, &new).await.unwrap();
        assert_eq!(facts(&w).await.referrals.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_corrected_date_of_birth_moves_the_person_to_their_age_band_in_the_next_report() {
    testing::on_each_world(world, |w| async move {
        let person = PersonDetails { date_of_birth: DateOfBirth::new(date!(1990 - 05 - 01), date!(2026 - 12 - 01)).unwrap(), ..testing::person("9434765919", "Test") };
        assert_eq!(facts(&w).await.equity.referrals[0].age, AgeBand::at(date!(1950 - 05 - 01), date!(2026 - 03 - 01)));
        w.store.correct_person(&w.who, &w.person, &HeldDetails { person, practice_id: None }, DetailsSource::Rectification).await.unwrap();
        assert_eq!(facts(&w).await.equity.referrals[0].age, AgeBand::at(date!(1990 - 05 - 01), date!(2026 - 03 - 01)));
    })
    .await;
}

#[tokio::test]
async fn deprivation_data_loaded_after_a_report_places_the_person_in_the_next() {
    testing::on_each_world(world, |w| async move {
        assert_eq!(facts(&w).await.equity.referrals[0].imd, None, "no postcode lookup loaded yet");
        w.store.upsert_postcode_lsoas(&[PostcodeLsoa { postcode: Postcode::parse("RV1 2AB").unwrap(), lsoa: "E01000001".into(), terminated: None }]).await.unwrap();
        w.store.upsert_lsoa_deprivation(&[LsoaDeprivation { lsoa: "E01000001".into(), name: "E01000001 name".into(), score: Some(40.5), rank: Some(100), decile: ImdDecile::new(2).unwrap() }]).await.unwrap();
        assert_eq!(facts(&w).await.equity.referrals[0].imd, Some(ImdDecile::new(2).unwrap().quintile()));
    })
    .await;
}

#[tokio::test]
async fn health_activity_imported_after_a_report_counts_in_the_next() {
    testing::on_each_world(world, |w| async move {
        let gp = |on| NewHealthActivity { person_id: w.person.clone(), contact_on: on, contact_type: ContactType::GpSurgery, bed_days: None, source: "EMIS".into(), occurrence: 1 };
        w.store.add_health_activity(&w.who, &w.pcn, &[gp(date!(2026 - 01 - 10))]).await.unwrap();
        assert_eq!(facts(&w).await.health.activity.iter().map(|p| p.contacts.len()).sum::<usize>(), 1);
        w.store.add_health_activity(&w.who, &w.pcn, &[gp(date!(2026 - 02 - 10))]).await.unwrap();
        assert_eq!(facts(&w).await.health.activity.iter().map(|p| p.contacts.len()).sum::<usize>(), 2, "a second import adds to the first");
    })
    .await;
}

#[tokio::test]
async fn changes_inside_a_unit_of_work_are_seen_by_its_own_report() {
    testing::on_each_world(world, |w| async move {
        let work = w.store.begin().await.unwrap();
        work.add_contact(&w.who, &w.referral, &NewContact { contact_on: date!(2026 - 03 - 05), mode: ContactMode::Phone, minutes: Minutes::new(10).unwrap(), accompanied: false, notes: None }).await.unwrap();
        let inside = work.evaluation_input("Test PCN", std::slice::from_ref(&w.pcn), date!(2026 - 12 - 31)).await.unwrap();
        assert_eq!(inside.workforce.cases[0].contacts, 1);
        drop(work);
        assert_eq!(facts(&w).await.workforce.cases[0].contacts, 0, "the unit of work was rolled back, and its facts with it");
    })
    .await;
}

/// What the evaluation keeps of one person, read from the database itself.
async fn kept_dates_of_birth(url: &str, person: &str) -> std::result::Result<Vec<String>, sqlx::Error> {
    use sqlx::Connection;
    let sql = "SELECT CAST(date_of_birth AS TEXT) FROM referral_facts WHERE person_id = $1";
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await?;
        sqlx::query_scalar(sql).bind(person).fetch_all(&mut c).await
    } else {
        let mut c = sqlx::PgConnection::connect(url).await?;
        sqlx::query_scalar(sql).bind(person).fetch_all(&mut c).await
    }
}

#[tokio::test]
async fn erasing_a_person_leaves_no_exact_date_of_birth_in_the_evaluations_facts() {
    support::on_each_database(|url| async move {
        let w = world(testing::migrated(&url).await?).await;
        assert_eq!(kept_dates_of_birth(&url, &w.person).await?, ["1950-05-01"], "the facts hold the date of birth before erasure");
        w.store.erase_person(&w.who, &w.person, ErasureGround::Request, "Request ref SAR-1").await?;
        assert!(kept_dates_of_birth(&url, &w.person).await?.is_empty(), "gone as the erasure commits, before any report");
        let input = facts(&w).await;
        assert_eq!(input.equity.referrals[0].age, AgeBand::at(date!(1950 - 07 - 01), date!(2026 - 03 - 01)), "the next report counts the erased record by its coarsened date");
        assert_eq!(kept_dates_of_birth(&url, &w.person).await?, ["1950-07-01"]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_report_gathering_while_a_change_is_being_written_leaves_that_change_for_the_next() {
    testing::on_each_world(world, |w| async move {
        let contact = |on| NewContact { contact_on: on, mode: ContactMode::Phone, minutes: Minutes::new(10).unwrap(), accompanied: false, notes: None };
        // The referral is already marked stale by a committed contact when a second one is written.
        w.store.add_contact(&w.who, &w.referral, &contact(date!(2026 - 03 - 05))).await.unwrap();
        let work = w.store.begin().await.unwrap();
        work.add_contact(&w.who, &w.referral, &contact(date!(2026 - 03 - 06))).await.unwrap();
        let (store, pcn) = (w.store.clone(), w.pcn.clone());
        let report = tokio::spawn(async move { store.evaluation_input("Test PCN", std::slice::from_ref(&pcn), date!(2026 - 12 - 31)).await.unwrap() });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        work.commit().await.unwrap();
        report.await.unwrap();
        assert_eq!(facts(&w).await.workforce.cases[0].contacts, 2, "the second contact is not lost to the report gathered meanwhile");
    })
    .await;
}

#[tokio::test]
async fn a_need_outcome_corrected_after_a_report_counts_in_the_next() {
    testing::on_each_world(world, |w| async move {
        use linkwork_domain::evaluation::resolution::NeedResolution;
        let discharge = ReferralChange::Discharge { on: date!(2026 - 06 - 05), reason: DischargeReason::GoalsMet, summary: None };
        w.store.change_referral(&w.who, &w.referral, ReferralStatus::Accepted, &discharge).await.unwrap();
        w.store.record_need_resolutions(&w.who, &w.referral, &[(NeedDomain::Loneliness, NeedResolution::Partly)]).await.unwrap();
        assert_eq!(facts(&w).await.sdoh[0].recorded, [(NeedDomain::Loneliness, NeedResolution::Partly)]);
        // Recorded again, the outcome replaces the first (an upsert: on SQLite its conflict
        // handling overrides the marking trigger's).
        w.store.record_need_resolutions(&w.who, &w.referral, &[(NeedDomain::Loneliness, NeedResolution::Resolved)]).await.unwrap();
        assert_eq!(facts(&w).await.sdoh[0].recorded, [(NeedDomain::Loneliness, NeedResolution::Resolved)]);
    })
    .await;
}
