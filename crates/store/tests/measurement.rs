//! Measurement storage on SQLite and PostgreSQL: the service's schedule (default, save, replace),
//! discharge with needs' outcomes in one compare-and-set transaction, corrections of outcomes, and
//! the service's own questionnaires with their answers.

use linkwork_domain::access::OrgKind;
use linkwork_domain::measurement::custom_instrument::{CustomForm, CustomInstrument};
use linkwork_domain::measurement::instruments::{Instrument, Timepoint};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use linkwork_domain::casework::referral::{DischargeReason, ReferralReason, ReferralSource, ReferralStatus};
use linkwork_domain::evaluation::resolution::NeedResolution;
use linkwork_domain::casework::schedule::MeasurementSchedule;
use linkwork_domain::{NhsNumber, Postcode, RequiredText};
use linkwork_store::testing::{fresh_database_urls, migrated};
use linkwork_store::*;
use time::macros::date;

fn referral(pcn: &str, nhs: &str) -> NewReferral {
    NewReferral {
        service_org_id: pcn.to_owned(),
        person: PersonDetails {
            nhs_number: NhsNumber::parse(nhs).unwrap(),
            given_name: RequiredText::parse("g", "name", "Store").unwrap(),
            family_name: RequiredText::parse("f", "name", "Measure").unwrap(),
            date_of_birth: DateOfBirth::new(date!(1950 - 05 - 01), date!(2026 - 12 - 01)).unwrap(),
            sex: Sex::Female,
            ethnicity: Ethnicity::NotStated,
            postcode: Postcode::parse("RV1 2AB").unwrap(),
        },
        practice_id: None,
        source: ReferralSource::GpPractice,
        referrer_name: "Dr Example".into(),
        reason: ReferralReason::parse("reason", "reason", "Debts").unwrap(),
        needs: vec![NeedDomain::MoneyDebtBenefits, NeedDomain::Loneliness],
        referred_on: date!(2026 - 06 - 01),
        assigned_worker_id: None,
        consent: Default::default(),
        contact: Default::default(),
    }
}

#[tokio::test]
async fn measurement_storage_on_every_database() {
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        run(&url).await.unwrap_or_else(|e| panic!("{backend}: {e}"));
        eprintln!("{backend}: measurement storage passed");
    }
}

async fn run(url: &str) -> Result<()> {
    let store = migrated(url).await?;
    let pcn = store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "Measure PCN".into(), ods_code: Some("U00077".into()), parent_id: None, list_size: None }).await?;
    let who = AuditActor { org_id: Some(pcn.clone()), ..AuditActor::default() };

    // Schedule: none saved, then saved, then replaced (one row, audited each time).
    assert_eq!(store.measurement_schedule(&pcn).await?, None);
    let s = MeasurementSchedule::new(vec![Instrument::Swemwbs, Instrument::Ons4], vec![3, 6, 12]).unwrap();
    store.set_measurement_schedule(&who, &pcn, &s).await?;
    assert_eq!(store.measurement_schedule(&pcn).await?, Some(s));
    let s = MeasurementSchedule::new(vec![Instrument::Ucla3], vec![]).unwrap();
    store.set_measurement_schedule(&who, &pcn, &s).await?;
    assert_eq!(store.measurement_schedule(&pcn).await?, Some(s));
    assert_eq!(store.count_audit_events("measurement_schedule.update").await?, 2);

    // Discharge with outcomes: compare-and-set on the status seen; a stale status writes nothing.
    let id = store.create_referral(&who, &referral(&pcn, "9990000980")).await?;
    assert_eq!(store.referral_needs(&id).await?, vec![NeedDomain::Loneliness, NeedDomain::MoneyDebtBenefits]);
    let outcomes = [(NeedDomain::MoneyDebtBenefits, NeedResolution::Partly)];
    let d = Discharge { on: date!(2026 - 09 - 01), reason: DischargeReason::GoalsMet, summary: Some("Done"), resolutions: &outcomes };
    let stale = store.discharge_with_resolutions(&who, &id, ReferralStatus::Accepted, &d).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    assert!(store.need_resolutions(&id).await?.is_empty());
    store.discharge_with_resolutions(&who, &id, ReferralStatus::Received, &d).await?;
    assert_eq!(store.need_resolutions(&id).await?, outcomes.to_vec());
    assert_eq!(store.referral_header(&id).await?.unwrap().status, ReferralStatus::Discharged);
    // A correction replaces the answer for that need and adds another.
    store.record_need_resolutions(&who, &id, &[(NeedDomain::MoneyDebtBenefits, NeedResolution::Resolved), (NeedDomain::Loneliness, NeedResolution::NotWorkedOn)]).await?;
    assert_eq!(store.need_resolutions(&id).await?, vec![(NeedDomain::Loneliness, NeedResolution::NotWorkedOn), (NeedDomain::MoneyDebtBenefits, NeedResolution::Resolved)]);
    let discharged = store.discharged_referrals(&pcn).await?;
    assert_eq!((discharged.len(), discharged[0].reason, discharged[0].discharged_on), (1, Some(DischargeReason::GoalsMet), Some(date!(2026 - 09 - 01))));
    let input = store.evaluation_input("t", &[pcn.clone()], date!(2026 - 12 - 01)).await?;
    assert_eq!(input.sdoh.len(), 1);
    assert_eq!(input.sdoh[0].recorded.len(), 2);

    // The service's own questionnaire and answers.
    let form = CustomForm { name: "Confidence", version: "1", licence: "Own", instructions: "", answers: "1: No; 2: Yes", items: "A\nB", scoring: "per_item", better: "higher", threshold: "1", concern_at: "" };
    let c = CustomInstrument::parse("custom_store", &form).unwrap();
    let cid = store.create_custom_instrument(&who, &pcn, &c).await?;
    assert_eq!(store.custom_instruments(&pcn).await?, vec![(cid.clone(), c.clone())]);
    assert!(store.create_custom_instrument(&who, &pcn, &c).await.is_err(), "codes are unique");
    let open = store.create_referral(&who, &referral(&pcn, "9990001960")).await?;
    let m = NewCustomMeasure { timepoint: Timepoint::Baseline, taken_on: date!(2026 - 06 - 05), answers: vec![1, 2], version: "1".into(), self_completed: false };
    store.add_custom_measure(&who, &open, &cid, &m).await?;
    let got = store.custom_measures(&open).await?;
    assert_eq!((got.len(), got[0].instrument_code.as_str(), got[0].answers.clone()), (1, "custom_store", vec![1, 2]));
    let input = store.evaluation_input("t", &[pcn.clone()], date!(2026 - 12 - 01)).await?;
    assert_eq!((input.custom_instruments.len(), input.custom_measures.len()), (1, 1));
    let input = store.evaluation_input("t", &[pcn.clone()], date!(2026 - 06 - 04)).await?;
    assert!(input.custom_measures.is_empty(), "measures after the period's end are left out");
    Ok(())
}
