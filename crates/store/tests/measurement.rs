//! Measurement storage, each test on SQLite and PostgreSQL: the service's schedule (default, save, replace),
//! discharge with needs' outcomes in one compare-and-set transaction, corrections of outcomes, and
//! the service's own questionnaires with their answers.

use linkwork_domain::access::OrgKind;
use linkwork_domain::measurement::custom_instrument::{CustomForm, CustomInstrument};
use linkwork_domain::measurement::instruments::{Instrument, Timepoint};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::casework::referral::{DischargeReason, ReferralStatus};
use linkwork_domain::evaluation::resolution::NeedResolution;
use linkwork_domain::casework::schedule::MeasurementSchedule;
use linkwork_store::testing;
use linkwork_store::*;
use std::sync::Arc;
use time::macros::date;

/// A referral needing help with money and company.
fn referral(pcn: &str, nhs: &str) -> NewReferral {
    NewReferral { needs: vec![NeedDomain::MoneyDebtBenefits, NeedDomain::Loneliness], ..testing::referral(pcn, nhs) }
}

/// A service ("Measure PCN") and who acts for it.
struct World {
    store: Arc<dyn Store>,
    pcn: String,
    who: AuditActor,
}

async fn world(store: Arc<dyn Store>) -> World {
    let pcn = store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "Measure PCN".into(), ods_code: Some("U00077".into()), parent_id: None, list_size: None }).await.unwrap();
    let who = AuditActor { org_id: Some(pcn.clone()), ..AuditActor::default() };
    World { store, pcn, who }
}

async fn on_each_database<F: Fn(World) -> Fut, Fut: std::future::Future<Output = ()>>(test: F) {
    testing::on_each_world(world, test).await;
}

async fn evaluation_input(w: &World, to: time::Date) -> linkwork_domain::evaluation::EvaluationInput {
    w.store.evaluation_input("t", std::slice::from_ref(&w.pcn), to).await.unwrap()
}

// The schedule

#[tokio::test]
async fn a_service_has_no_schedule_until_it_saves_one() {
    on_each_database(|w| async move {
        assert_eq!(w.store.measurement_schedule(&w.pcn).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn a_saved_schedule_is_replaced_whole_and_each_save_audited() {
    on_each_database(|w| async move {
        let first = MeasurementSchedule::new(vec![Instrument::Swemwbs, Instrument::Ons4], vec![3, 6, 12]).unwrap();
        w.store.set_measurement_schedule(&w.who, &w.pcn, &first).await.unwrap();
        assert_eq!(w.store.measurement_schedule(&w.pcn).await.unwrap(), Some(first));
        let second = MeasurementSchedule::new(vec![Instrument::Ucla3], vec![]).unwrap();
        w.store.set_measurement_schedule(&w.who, &w.pcn, &second).await.unwrap();
        assert_eq!(w.store.measurement_schedule(&w.pcn).await.unwrap(), Some(second));
        assert_eq!(w.store.count_audit_events("measurement_schedule.update").await.unwrap(), 2);
    })
    .await;
}

// Discharge with what happened to each need

const MONEY_PARTLY: [(NeedDomain, NeedResolution); 1] = [(NeedDomain::MoneyDebtBenefits, NeedResolution::Partly)];

fn discharge() -> Discharge<'static> {
    Discharge { on: date!(2026 - 09 - 01), reason: DischargeReason::GoalsMet, summary: Some("Done"), resolutions: &MONEY_PARTLY }
}

#[tokio::test]
async fn a_referrals_needs_come_back_in_the_lists_order() {
    on_each_database(|w| async move {
        let id = w.store.create_referral(&w.who, &referral(&w.pcn, "9990000980")).await.unwrap();
        assert_eq!(w.store.referral_needs(&id).await.unwrap(), vec![NeedDomain::Loneliness, NeedDomain::MoneyDebtBenefits]);
    })
    .await;
}

#[tokio::test]
async fn a_discharge_against_a_stale_status_writes_nothing() {
    on_each_database(|w| async move {
        let id = w.store.create_referral(&w.who, &referral(&w.pcn, "9990000980")).await.unwrap();
        let stale = w.store.discharge_with_resolutions(&w.who, &id, ReferralStatus::Accepted, &discharge()).await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        assert!(w.store.need_resolutions(&id).await.unwrap().is_empty());
        assert_eq!(w.store.referral_header(&id).await.unwrap().unwrap().status, ReferralStatus::Received);
    })
    .await;
}

#[tokio::test]
async fn a_discharge_records_what_happened_to_each_need_with_the_status() {
    on_each_database(|w| async move {
        let id = w.store.create_referral(&w.who, &referral(&w.pcn, "9990000980")).await.unwrap();
        w.store.discharge_with_resolutions(&w.who, &id, ReferralStatus::Received, &discharge()).await.unwrap();
        assert_eq!(w.store.need_resolutions(&id).await.unwrap(), MONEY_PARTLY.to_vec());
        assert_eq!(w.store.referral_header(&id).await.unwrap().unwrap().status, ReferralStatus::Discharged);
        let discharged = w.store.discharged_referrals(&w.pcn).await.unwrap();
        assert_eq!((discharged.len(), discharged[0].reason, discharged[0].discharged_on), (1, Some(DischargeReason::GoalsMet), Some(date!(2026 - 09 - 01))));
    })
    .await;
}

#[tokio::test]
async fn a_correction_replaces_a_needs_outcome_and_adds_another() {
    on_each_database(|w| async move {
        let id = w.store.create_referral(&w.who, &referral(&w.pcn, "9990000980")).await.unwrap();
        w.store.discharge_with_resolutions(&w.who, &id, ReferralStatus::Received, &discharge()).await.unwrap();
        w.store.record_need_resolutions(&w.who, &id, &[(NeedDomain::MoneyDebtBenefits, NeedResolution::Resolved), (NeedDomain::Loneliness, NeedResolution::NotWorkedOn)]).await.unwrap();
        assert_eq!(w.store.need_resolutions(&id).await.unwrap(), vec![(NeedDomain::Loneliness, NeedResolution::NotWorkedOn), (NeedDomain::MoneyDebtBenefits, NeedResolution::Resolved)]);
        let input = evaluation_input(&w, date!(2026 - 12 - 01)).await;
        assert_eq!((input.sdoh.len(), input.sdoh[0].recorded.len()), (1, 2));
    })
    .await;
}

// The service's own questionnaires

fn confidence() -> CustomInstrument {
    let form = CustomForm { name: "Confidence", version: "1", licence: "Own", instructions: "", answers: "1: No; 2: Yes", items: "A\nB", scoring: "per_item", better: "higher", threshold: "1", concern_at: "" };
    CustomInstrument::parse("custom_store", &form).unwrap()
}

#[tokio::test]
async fn a_services_own_questionnaire_is_kept_under_a_unique_code() {
    on_each_database(|w| async move {
        let id = w.store.create_custom_instrument(&w.who, &w.pcn, &confidence()).await.unwrap();
        assert_eq!(w.store.custom_instruments(&w.pcn).await.unwrap(), vec![(id, confidence())]);
        assert!(w.store.create_custom_instrument(&w.who, &w.pcn, &confidence()).await.is_err());
    })
    .await;
}

/// A referral with one baseline answer set to the service's own questionnaire, taken 5 June 2026.
async fn answered(w: &World) -> String {
    let instrument = w.store.create_custom_instrument(&w.who, &w.pcn, &confidence()).await.unwrap();
    let open = w.store.create_referral(&w.who, &referral(&w.pcn, "9990001960")).await.unwrap();
    let m = NewCustomMeasure { timepoint: Timepoint::Baseline, taken_on: date!(2026 - 06 - 05), answers: vec![1, 2], version: "1".into(), self_completed: false };
    w.store.add_custom_measure(&w.who, &open, &instrument, &m).await.unwrap();
    open
}

#[tokio::test]
async fn answers_to_a_services_own_questionnaire_are_kept_and_reach_the_evaluation() {
    on_each_database(|w| async move {
        let open = answered(&w).await;
        let got = w.store.custom_measures(&open).await.unwrap();
        assert_eq!((got.len(), got[0].instrument_code.as_str(), got[0].answers.clone()), (1, "custom_store", vec![1, 2]));
        let input = evaluation_input(&w, date!(2026 - 12 - 01)).await;
        assert_eq!((input.custom_instruments.len(), input.custom_measures.len()), (1, 1));
    })
    .await;
}

#[tokio::test]
async fn answers_taken_after_the_periods_end_are_left_out() {
    on_each_database(|w| async move {
        answered(&w).await;
        assert!(evaluation_input(&w, date!(2026 - 06 - 04)).await.custom_measures.is_empty());
    })
    .await;
}
