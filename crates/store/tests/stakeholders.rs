//! The stakeholder slice of the evaluation against SQLite and PostgreSQL: link workers' own
//! check-ins are stored, read back only by their author's id, and loaded into the evaluation
//! (where fewer than 8 people suppress every figure and 8 show them).

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
use linkwork_store::testing::{fresh_database_urls, migrated};
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

#[tokio::test]
async fn stakeholder_storage_on_every_database() {
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        story(&url)
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        eprintln!("{backend}: stakeholder storage passed");
    }
}

async fn story(url: &str) -> Result<()> {
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

    // Worker 0 checks in twice; the latest (all-5s) is what the evaluation uses.
    store
        .add_check_in(&NewCheckIn {
            service_org_id: pcn.clone(),
            worker_id: workers[0].clone(),
            checked_in_on: date!(2026 - 04 - 02),
            check_in: check_in("1", "1", "5", false),
        })
        .await?;
    store
        .add_check_in(&NewCheckIn {
            service_org_id: pcn.clone(),
            worker_id: workers[0].clone(),
            checked_in_on: date!(2026 - 05 - 02),
            check_in: check_in("5", "5", "1", true),
        })
        .await?;
    for w in &workers[1..7] {
        store
            .add_check_in(&NewCheckIn {
                service_org_id: pcn.clone(),
                worker_id: w.clone(),
                checked_in_on: date!(2026 - 05 - 10),
                check_in: check_in("3", "3", "4", true),
            })
            .await?;
    }
    store
        .add_check_in(&NewCheckIn {
            service_org_id: other.clone(),
            worker_id: elsewhere.clone(),
            checked_in_on: date!(2026 - 05 - 10),
            check_in: check_in("2", "2", "2", false),
        })
        .await?;

    let own = store.own_check_ins(&workers[0]).await?;
    assert_eq!(own.len(), 2, "only worker 0's own check-ins");
    assert_eq!(own[0].checked_in_on, date!(2026 - 05 - 02), "newest first");
    assert_eq!(
        own[0].check_in,
        check_in("5", "5", "1", true),
        "round-trips every answer"
    );
    assert_eq!(own[1].check_in.swemwbs_metric(), 7.0);
    assert!(store.own_check_ins(&workers[7]).await?.is_empty());

    let period = Period::new(date!(2026 - 04 - 01), date!(2026 - 06 - 30)).unwrap();
    let settings = EvaluationSettings::default();
    // 7 people in the PCN: everything suppressed.
    let r = evaluation_report(
        &*store,
        "PCN",
        std::slice::from_ref(&pcn),
        period,
        &settings,
    )
    .await?;
    let s = &r.stakeholders.staff_wellbeing;
    assert!(!s.reportable);
    assert_eq!(s.period.people, Shown::Suppressed);
    assert_eq!(s.period.swemwbs_mean, Shown::Suppressed);

    // The eighth person checks in: shown. 6 at all-3s (19.25), one all-5s (35.0), one all-4s (25.03):
    // mean (6 × 19.25 + 35 + 25.03) / 8 = 21.94125; pressure high 6 of 8 = 75%; supervision 7 of 8.
    store
        .add_check_in(&NewCheckIn {
            service_org_id: pcn.clone(),
            worker_id: workers[7].clone(),
            checked_in_on: date!(2026 - 06 - 30),
            check_in: check_in("4", "4", "3", false),
        })
        .await?;
    let r = evaluation_report(
        &*store,
        "PCN",
        std::slice::from_ref(&pcn),
        period,
        &settings,
    )
    .await?;
    let f = &r.stakeholders.staff_wellbeing.period;
    assert_eq!(f.people, Shown::Value(10));
    assert!((f.swemwbs_mean.value().unwrap() - 21.94125).abs() < 1e-9);
    // 6 of 8 under pressure and 7 of 8 supervised: shown exactly, each would reveal a count of
    // 1 to 7 (2 not under pressure; 7 supervised), so both percentages are suppressed.
    assert_eq!(f.pressure_high_pct, Shown::Suppressed);
    assert_eq!(f.supervision_pct, Shown::Suppressed);
    // Satisfaction (6 × 3 + 5 + 4) / 8 = 3.375.
    assert_eq!(f.job_satisfaction_mean, Shown::Value(3.375));

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

    // The evaluation plan: stakeholders with statements, only within their own service.
    let manager = store
        .create_user(&NewUser {
            email: "m@example.org".into(),
            display_name: "M".into(),
            password_hash: "x".into(),
            role: Role::Manager,
            org_id: pcn.clone(),
        })
        .await?;
    let gps = store
        .add_stakeholder(&NewStakeholder {
            service_org_id: pcn.clone(),
            kind: StakeholderKind::Gps,
            name: "GPs".into(),
            created_by: manager.clone(),
        })
        .await?;
    let people = store
        .add_stakeholder(&NewStakeholder {
            service_org_id: pcn.clone(),
            kind: StakeholderKind::PeopleUsingService,
            name: "People we support".into(),
            created_by: manager.clone(),
        })
        .await?;
    let year = Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap();
    let rate = Measure::parse("reach.annual_rate_pct", "at_least", "0.8").unwrap();
    store
        .add_success_statement(
            &pcn,
            &gps,
            &NewSuccessStatement {
                statement: "Enough referrals".into(),
                measure: rate.clone(),
                applies: year,
            },
        )
        .await?;
    store
        .add_success_statement(
            &pcn,
            &people,
            &NewSuccessStatement {
                statement: "People feel heard".into(),
                measure: Measure::Qualitative,
                applies: year,
            },
        )
        .await?;
    let old = Period::new(date!(2025 - 04 - 01), date!(2026 - 03 - 31)).unwrap();
    store
        .add_success_statement(
            &pcn,
            &people,
            &NewSuccessStatement {
                statement: "Last year".into(),
                measure: Measure::parse("waiting.median_days", "at_most", "-2.5").unwrap(),
                applies: old,
            },
        )
        .await?;
    // Another service cannot add to (or read) this PCN's stakeholder.
    assert!(matches!(
        store
            .add_success_statement(
                &other,
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
    assert!(store.stakeholder(&other, &gps).await?.is_none());
    let plan = store.stakeholder_plan(&pcn).await?;
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
        store.stakeholder(&pcn, &people).await?.unwrap().statements[0].statement,
        "People feel heard"
    );
    assert!(store.stakeholder_plan(&other).await?.is_empty());
    // The report carries only the statements that apply to its period.
    let r = evaluation_report(
        &*store,
        "PCN",
        std::slice::from_ref(&pcn),
        period,
        &settings,
    )
    .await?;
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

    // Qualitative evidence: linked to a person, reviewed (audited) with their identifiers, then
    // approved; only consented, approved items reach the evaluation, with no person.
    let who = AuditActor {
        user_id: Some(manager.clone()),
        token_id: None,
        org_id: Some(pcn.clone()),
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
    store
        .create_referral(
            &who,
            &NewReferral {
                service_org_id: pcn.clone(),
                person: details.clone(),
                practice_id: None,
                source: ReferralSource::GpPractice,
                referrer_name: "Dr A".into(),
                reason: ReferralReason::parse("reason", "reason", "Lonely").unwrap(),
                needs: vec![NeedDomain::Loneliness],
                referred_on: date!(2026 - 04 - 10),
                assigned_worker_id: None,
                consent: Default::default(),
                contact: Default::default(),
            },
        )
        .await?;
    let person = store
        .person_id_by_nhs_number(&pcn, &details.nhs_number)
        .await?
        .expect("the person");
    assert!(store
        .person_id_by_nhs_number(&other, &details.nhs_number)
        .await?
        .is_none());
    let new = |person_id: Option<String>, consent_use: ConsentUse, text: &str| NewEvidence {
        service_org_id: pcn.clone(),
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
        recorded_by: manager.clone(),
        recorded_on: date!(2026 - 05 - 02),
    };
    let before = store.audit_events(&person).await?.len();
    let quote = store
        .add_evidence(
            &who,
            &new(
                Some(person.clone()),
                ConsentUse::InReports,
                "Joan: I look forward to Tuesdays now.",
            ),
        )
        .await?;
    let internal = store
        .add_evidence(&who, &new(None, ConsentUse::InternalOnly, "Staff learning"))
        .await?;
    store
        .add_evidence(&who, &new(None, ConsentUse::InReports, "Not yet approved"))
        .await?;
    assert_eq!(store.evidence_items(&pcn).await?.len(), 3);
    assert!(store.evidence_items(&other).await?.is_empty());
    assert!(
        store
            .evidence_for_review(&who, &other, &quote)
            .await?
            .is_none(),
        "another service cannot read it"
    );
    let (item, known) = store
        .evidence_for_review(&who, &pcn, &quote)
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
        store.approve_evidence(&who, &other, &quote, "x").await,
        Err(StoreError::NotFound)
    ));
    store
        .approve_evidence(&who, &pcn, &quote, &anonymised)
        .await?;
    store
        .approve_evidence(&who, &pcn, &internal, "Staff learning")
        .await?;
    assert_eq!(
        store.audit_events(&person).await?.len(),
        before + 3,
        "create, review and approval are audited against the person"
    );
    let r = evaluation_report(
        &*store,
        "PCN",
        std::slice::from_ref(&pcn),
        period,
        &settings,
    )
    .await?;
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
}
