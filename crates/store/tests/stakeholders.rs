//! The stakeholder slice of the evaluation against SQLite and PostgreSQL: link workers' own
//! check-ins are stored, read back only by their author's id, and loaded into the evaluation
//! (where fewer than 8 people suppress every figure and 8 show them); the evaluation plan's
//! stakeholders and statements; qualitative evidence. Each test runs on both databases.

use crate::support;

use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::evaluation::disclosure::Shown;
use linkwork_domain::evaluation::{EvaluationSettings, Period};
use linkwork_domain::measurement::instruments::{AnswerSet, Instrument};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use linkwork_domain::casework::referral::{ReferralReason, ReferralSource};
use linkwork_domain::evaluation::stakeholders::evidence::{
    ConsentGivenBy, ConsentUse, EvidenceKind, OutcomeDomain,
};
use linkwork_domain::evaluation::stakeholders::scorecard::{Measure, StakeholderKind};
use linkwork_domain::evaluation::stakeholders::staff_wellbeing::{CheckIn, Rating};
use linkwork_domain::{NhsNumber, Postcode, RequiredText};
use linkwork_store::testing::migrated;
use std::sync::Arc;
use support::on_each_database;
use linkwork_store::*;
use time::macros::date;

fn check_in(answer: &str, satisfaction: &str, pressure: &str, supervision: bool) -> CheckIn {
    let swemwbs = AnswerSet::parse(Instrument::Swemwbs, &[answer; 7]).unwrap();
    CheckIn::new(
        swemwbs,
        Rating::parse("f", "x", satisfaction).unwrap(),
        Rating::parse("f", "x", pressure).unwrap(),
        supervision,
    )
    .unwrap()
}

/// A PCN and another PCN of the same ICB, 8 link workers and a manager in the PCN, and a link
/// worker in the other PCN.
struct Team {
    store: Arc<dyn Store>,
    pcn: String,
    other: String,
    workers: Vec<String>,
    elsewhere: String,
    manager: String,
}

async fn team(url: &str) -> Result<Team> {
    let store = migrated(url).await?;
    let icb = store
        .create_org(&NewOrg {
            kind: OrgKind::Icb,
            name: "ICB".into(),
            ods_code: None,
            parent_id: None,
            list_size: None,
        })
        .await?;
    let pcn = store
        .create_org(&NewOrg {
            kind: OrgKind::Pcn,
            name: "PCN".into(),
            ods_code: None,
            parent_id: Some(icb.clone()),
            list_size: None,
        })
        .await?;
    let other = store
        .create_org(&NewOrg {
            kind: OrgKind::Pcn,
            name: "Other PCN".into(),
            ods_code: None,
            parent_id: Some(icb),
            list_size: None,
        })
        .await?;
    let mut workers = Vec::new();
    for i in 0..8 {
        workers.push(
            store
                .create_user(&NewUser {
                    email: format!("lw{i}@example.org"),
                    display_name: format!("Worker {i}"),
                    password_hash: "x".into(),
                    role: Role::LinkWorker,
                    org_id: pcn.clone(),
                })
                .await?,
        );
    }
    let elsewhere = store
        .create_user(&NewUser {
            email: "far@example.org".into(),
            display_name: "Far".into(),
            password_hash: "x".into(),
            role: Role::LinkWorker,
            org_id: other.clone(),
        })
        .await?;

    let manager = store
        .create_user(&NewUser {
            email: "m@example.org".into(),
            display_name: "M".into(),
            password_hash: "x".into(),
            role: Role::Manager,
            org_id: pcn.clone(),
        })
        .await?;
    Ok(Team { store, pcn, other, workers, elsewhere, manager })
}

/// Check-ins of 7 of the PCN's link workers (worker 0 twice, the latest all-5s) and of the
/// other PCN's link worker.
async fn seven_checked_in(t: &Team) -> Result<()> {
    // Worker 0 checks in twice; the latest (all-5s) is what the evaluation uses.
    t.store
        .add_check_in(&NewCheckIn {
            service_org_id: t.pcn.clone(),
            worker_id: t.workers[0].clone(),
            checked_in_on: date!(2026 - 04 - 02),
            check_in: check_in("1", "1", "5", false),
        })
        .await?;
    t.store
        .add_check_in(&NewCheckIn {
            service_org_id: t.pcn.clone(),
            worker_id: t.workers[0].clone(),
            checked_in_on: date!(2026 - 05 - 02),
            check_in: check_in("5", "5", "1", true),
        })
        .await?;
    for w in &t.workers[1..7] {
        t.store
            .add_check_in(&NewCheckIn {
                service_org_id: t.pcn.clone(),
                worker_id: w.clone(),
                checked_in_on: date!(2026 - 05 - 10),
                check_in: check_in("3", "3", "4", true),
            })
            .await?;
    }
    t.store
        .add_check_in(&NewCheckIn {
            service_org_id: t.other.clone(),
            worker_id: t.elsewhere.clone(),
            checked_in_on: date!(2026 - 05 - 10),
            check_in: check_in("2", "2", "2", false),
        })
        .await?;

    Ok(())
}

/// The eighth of the PCN's link workers checks in (all-4s).
async fn eighth_checks_in(t: &Team) -> Result<()> {
    // The eighth person checks in: shown. 6 at all-3s (19.25), one all-5s (35.0), one all-4s (25.03):
    // mean (6 × 19.25 + 35 + 25.03) / 8 = 21.94125; pressure high 6 of 8 = 75%; supervision 7 of 8.
    t.store
        .add_check_in(&NewCheckIn {
            service_org_id: t.pcn.clone(),
            worker_id: t.workers[7].clone(),
            checked_in_on: date!(2026 - 06 - 30),
            check_in: check_in("4", "4", "3", false),
        })
        .await?;
    Ok(())
}

fn period() -> Period {
    Period::new(date!(2026 - 04 - 01), date!(2026 - 06 - 30)).unwrap()
}

async fn pcn_report(t: &Team) -> Result<linkwork_domain::evaluation::Report> {
    evaluation_report(&*t.store, "PCN", std::slice::from_ref(&t.pcn), period(), &EvaluationSettings::default()).await
}

/// The PCN's evaluation plan: GPs (a referral-rate statement for 2026/27) and the people it
/// supports (a qualitative statement for 2026/27 and a waiting-time one for 2025/26).
struct Plan {
    gps: String,
    people: String,
    rate: Measure,
    year: Period,
}

async fn plan(t: &Team) -> Result<Plan> {
    let gps = t.store
        .add_stakeholder(&NewStakeholder {
            service_org_id: t.pcn.clone(),
            kind: StakeholderKind::Gps,
            name: "GPs".into(),
            created_by: t.manager.clone(),
        })
        .await?;
    let people = t.store
        .add_stakeholder(&NewStakeholder {
            service_org_id: t.pcn.clone(),
            kind: StakeholderKind::PeopleUsingService,
            name: "People we support".into(),
            created_by: t.manager.clone(),
        })
        .await?;
    let year = Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap();
    let rate = Measure::parse("reach.annual_rate_pct", "at_least", "0.8").unwrap();
    t.store
        .add_success_statement(
            &t.pcn,
            &gps,
            &NewSuccessStatement {
                statement: "Enough referrals".into(),
                measure: rate.clone(),
                applies: year,
            },
        )
        .await?;
    t.store
        .add_success_statement(
            &t.pcn,
            &people,
            &NewSuccessStatement {
                statement: "People feel heard".into(),
                measure: Measure::Qualitative,
                applies: year,
            },
        )
        .await?;
    let old = Period::new(date!(2025 - 04 - 01), date!(2026 - 03 - 31)).unwrap();
    t.store
        .add_success_statement(
            &t.pcn,
            &people,
            &NewSuccessStatement {
                statement: "Last year".into(),
                measure: Measure::parse("waiting.median_days", "at_most", "-2.5").unwrap(),
                applies: old,
            },
        )
        .await?;
    Ok(Plan { gps, people, rate, year })
}

/// Joan, referred to the PCN, and the manager's audit identity.
async fn joan(t: &Team) -> Result<(AuditActor, String)> {
    let who = AuditActor {
        user_id: Some(t.manager.clone()),
        token_id: None,
        org_id: Some(t.pcn.clone()),
    };
    let details = PersonDetails {
        nhs_number: NhsNumber::parse("943 476 5919").unwrap(),
        given_name: RequiredText::parse("g", "name", "Joan").unwrap(),
        family_name: RequiredText::parse("f", "name", "Pickering").unwrap(),
        date_of_birth: DateOfBirth::new(date!(1950 - 03 - 12), date!(2026 - 12 - 01)).unwrap(),
        sex: Sex::Female,
        ethnicity: Ethnicity::WhiteBritish,
        postcode: Postcode::parse("LS1 4AP").unwrap(),
    };
    t.store
        .create_referral(
            &who,
            &NewReferral {
                service_org_id: t.pcn.clone(),
                person: details.clone(),
                practice_id: None,
                source: ReferralSource::GpPractice,
                referrer_name: "Dr A".into(),
                reason: ReferralReason::parse("reason", "reason", "Lonely").unwrap(),
                needs: vec![NeedDomain::Loneliness],
                needs_to_confirm: false,
                referred_on: date!(2026 - 04 - 10),
                assigned_worker_id: None,
                consent: Default::default(),
                contact: Default::default(),
            },
        )
        .await?;
    let person = t.store
        .person_id_by_nhs_number(&t.pcn, &details.nhs_number)
        .await?
        .expect("the person");
    assert!(t.store
        .person_id_by_nhs_number(&t.other, &details.nhs_number)
        .await?
        .is_none());
    Ok((who, person))
}

/// Three evidence items: Joan's quote for reports, an internal one, and one not yet approved.
async fn evidence_items(t: &Team, person: &str, who: &AuditActor) -> Result<(String, String)> {
    let person = person.to_owned();
    let new = |person_id: Option<String>, consent_use: ConsentUse, text: &str| NewEvidence {
        service_org_id: t.pcn.clone(),
        person_id,
        kind: EvidenceKind::Quote,
        title: "On the walking group".into(),
        text: text.into(),
        outcome_domains: vec![OutcomeDomain::Person, OutcomeDomain::Community],
        needs: vec![NeedDomain::Loneliness],
        stakeholders: vec![StakeholderKind::PeopleUsingService],
        consent_given_on: date!(2026 - 05 - 01),
        consent_by: ConsentGivenBy::Person,
        consent_use,
        recorded_by: t.manager.clone(),
        recorded_on: date!(2026 - 05 - 02),
    };
    let quote = t.store
        .add_evidence(
            &who,
            &new(
                Some(person.clone()),
                ConsentUse::InReports,
                "Joan: I look forward to Tuesdays now.",
            ),
        )
        .await?;
    let internal = t.store
        .add_evidence(&who, &new(None, ConsentUse::InternalOnly, "Staff learning"))
        .await?;
    t.store
        .add_evidence(&who, &new(None, ConsentUse::InReports, "Not yet approved"))
        .await?;
    Ok((quote, internal))
}

#[tokio::test]
async fn check_ins_are_read_back_by_their_author_only_newest_first() {
    on_each_database(|url| async move {
        let t = team(&url).await?;
        seven_checked_in(&t).await?;
    let own = t.store.own_check_ins(&t.workers[0]).await?;
    assert_eq!(own.len(), 2, "only worker 0's own check-ins");
    assert_eq!(own[0].checked_in_on, date!(2026 - 05 - 02), "newest first");
    assert_eq!(
        own[0].check_in,
        check_in("5", "5", "1", true),
        "round-trips every answer"
    );
    assert_eq!(own[1].check_in.swemwbs_metric(), 7.0);
    assert!(t.store.own_check_ins(&t.workers[7]).await?.is_empty());

        Ok(())
    })
    .await;
}

#[tokio::test]
async fn fewer_than_eight_people_checked_in_suppress_every_staff_figure() {
    on_each_database(|url| async move {
        let t = team(&url).await?;
        seven_checked_in(&t).await?;
        let r = pcn_report(&t).await?;
        let s = &r.stakeholders.staff_wellbeing;
        assert!(!s.reportable);
        assert_eq!(s.period.people, Shown::Suppressed);
        assert_eq!(s.period.swemwbs_mean, Shown::Suppressed);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn eight_people_checked_in_show_the_staff_figures_with_small_shares_suppressed() {
    on_each_database(|url| async move {
        let t = team(&url).await?;
        seven_checked_in(&t).await?;
        eighth_checks_in(&t).await?;
        let r = pcn_report(&t).await?;
    let f = &r.stakeholders.staff_wellbeing.period;
    assert_eq!(f.people, Shown::Value(10));
    assert!((f.swemwbs_mean.value().unwrap() - 21.94125).abs() < 1e-9);
    // 6 of 8 under pressure and 7 of 8 supervised: shown exactly, each would reveal a count of
    // 1 to 7 (2 not under pressure; 7 supervised), so both percentages are suppressed.
    assert_eq!(f.pressure_high_pct, Shown::Suppressed);
    assert_eq!(f.supervision_pct, Shown::Suppressed);
    // Satisfaction (6 × 3 + 5 + 4) / 8 = 3.375.
    assert_eq!(f.job_satisfaction_mean, Shown::Value(3.375));

        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_icb_scope_counts_the_check_ins_of_both_services() {
    on_each_database(|url| async move {
        let t = team(&url).await?;
        seven_checked_in(&t).await?;
        eighth_checks_in(&t).await?;
        let (pcn, other, store, period, settings) = (&t.pcn, &t.other, &*t.store, period(), EvaluationSettings::default());
    // Both PCNs together (the ICB's scope): 9 people.
    let r = evaluation_report(
        &*store,
        "ICB",
        &[pcn.clone(), other.clone()],
        period,
        &settings,
    )
    .await?;
    assert_eq!(
        r.stakeholders.staff_wellbeing.period.people,
        Shown::Value(10)
    );
    assert!(
        (r.stakeholders
            .staff_wellbeing
            .period
            .swemwbs_mean
            .value()
            .unwrap()
            - (6.0 * 19.25 + 35.0 + 25.03 + 15.32) / 9.0)
            .abs()
            < 1e-9
    );

        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_evaluation_plan_keeps_stakeholders_and_statements_within_their_service() {
    on_each_database(|url| async move {
        let t = team(&url).await?;
        let Plan { gps, people, rate, year } = plan(&t).await?;
    // Another service cannot add to (or read) this PCN's stakeholder.
    assert!(matches!(
        t.store
            .add_success_statement(
                &t.other,
                &gps,
                &NewSuccessStatement {
                    statement: "x".into(),
                    measure: Measure::Qualitative,
                    applies: year
                }
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(t.store.stakeholder(&t.other, &gps).await?.is_none());
    let plan = t.store.stakeholder_plan(&t.pcn).await?;
    assert_eq!(
        plan.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["GPs", "People we support"]
    );
    assert_eq!(plan[0].statements[0].measure, rate);
    assert_eq!(plan[0].kind, StakeholderKind::Gps);
    assert_eq!(plan[1].statements.len(), 2);
    assert_eq!(
        plan[1].statements[1].measure,
        Measure::parse("waiting.median_days", "at_most", "-2.5").unwrap(),
        "targets round-trip"
    );
    assert_eq!(
        t.store.stakeholder(&t.pcn, &people).await?.unwrap().statements[0].statement,
        "People feel heard"
    );
    assert!(t.store.stakeholder_plan(&t.other).await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_report_carries_only_the_statements_that_apply_to_its_period() {
    on_each_database(|url| async move {
        let t = team(&url).await?;
        plan(&t).await?;
        let r = pcn_report(&t).await?;
    let applied = &r.stakeholders.stakeholder_plan;
    assert_eq!(applied.len(), 2);
    assert_eq!(
        applied[1]
            .statements
            .iter()
            .map(|s| s.statement.as_str())
            .collect::<Vec<_>>(),
        ["People feel heard"]
    );

        Ok(())
    })
    .await;
}

#[tokio::test]
async fn evidence_is_reviewed_with_the_persons_identifiers_only_in_its_service_and_audited() {
    on_each_database(|url| async move {
        let t = team(&url).await?;
        let (who, person) = joan(&t).await?;
        let before = t.store.audit_events(&person).await?.len();
        let (quote, internal) = evidence_items(&t, &person, &who).await?;
    assert_eq!(t.store.evidence_items(&t.pcn).await?.len(), 3);
    assert!(t.store.evidence_items(&t.other).await?.is_empty());
    assert!(
        t.store
            .evidence_for_review(&who, &t.other, &quote)
            .await?
            .is_none(),
        "another service cannot read it"
    );
    let (item, known) = t.store
        .evidence_for_review(&who, &t.pcn, &quote)
        .await?
        .unwrap();
    assert!(item.linked_to_person);
    assert_eq!(
        item.outcome_domains,
        [OutcomeDomain::Person, OutcomeDomain::Community]
    );
    assert_eq!(known.names, ["Joan", "Pickering"]);
    let anonymised = linkwork_domain::evaluation::stakeholders::evidence::anonymise(&item.text, &known);
    assert_eq!(anonymised, "[name]: I look forward to Tuesdays now.");
    assert!(matches!(
        t.store.approve_evidence(&who, &t.other, &quote, "x").await,
        Err(StoreError::NotFound)
    ));
    t.store
        .approve_evidence(&who, &t.pcn, &quote, &anonymised)
        .await?;
    t.store
        .approve_evidence(&who, &t.pcn, &internal, "Staff learning")
        .await?;
    assert_eq!(
        t.store.audit_events(&person).await?.len(),
        before + 3,
        "create, review and approval are audited against the person"
    );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn only_consented_approved_evidence_reaches_the_report_without_the_person() {
    on_each_database(|url| async move {
        let t = team(&url).await?;
        let (who, person) = joan(&t).await?;
        let (quote, internal) = evidence_items(&t, &person, &who).await?;
        t.store.approve_evidence(&who, &t.pcn, &quote, "[name]: I look forward to Tuesdays now.").await?;
        t.store.approve_evidence(&who, &t.pcn, &internal, "Staff learning").await?;
        let r = pcn_report(&t).await?;
    let published = &r.stakeholders.evidence;
    assert_eq!(
        published.len(),
        1,
        "internal-only and unapproved items are left out"
    );
    assert_eq!(published[0].text, "[name]: I look forward to Tuesdays now.");
    let json = serde_json::to_string(&r).unwrap();
    assert!(
        !json.contains(&person) && !json.contains("Joan"),
        "no link to the person in the report"
    );
        Ok(())
    })
    .await;
}
