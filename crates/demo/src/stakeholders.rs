//! The demo's stakeholder evidence: each link worker's own quarterly wellbeing check-ins (with
//! three link workers the report's staff wellbeing section is, correctly, suppressed: too few
//! people to report without identifying them) and Riverside Central PCN's stakeholder evaluation
//! plan, its statements mapped to figures the demo report has.

use anyhow::Result;
use linkwork_domain::access::Role;
use linkwork_domain::evaluation::Period;
use linkwork_domain::measurement::instruments::{AnswerSet, Instrument};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::evaluation::stakeholders::evidence::{
    anonymise, ConsentGivenBy, ConsentUse, EvidenceKind, KnownIdentifiers, OutcomeDomain,
};
use linkwork_domain::evaluation::stakeholders::scorecard::{Measure, StakeholderKind};
use linkwork_domain::evaluation::stakeholders::staff_wellbeing::{CheckIn, Rating};
use linkwork_store::{
    AuditActor, NewCheckIn, NewEvidence, NewStakeholder, NewSuccessStatement, Store,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::{Date, Duration};

pub(crate) async fn seed(
    store: &dyn Store,
    seed: u64,
    today: Date,
    pcn: &str,
    worker_ids: &[String],
) -> Result<()> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x57AF_F0C5);
    for worker in worker_ids {
        // A check-in every 13 weeks over the last year, newest today.
        for quarter in (0..4).rev() {
            let on = today - Duration::weeks(13 * quarter) - Duration::days(rng.gen_range(0..7));
            let answers: Vec<String> = (0..7).map(|_| rng.gen_range(2..=5).to_string()).collect();
            let swemwbs = AnswerSet::parse(
                Instrument::Swemwbs,
                &answers.iter().map(String::as_str).collect::<Vec<_>>(),
            )?;
            let satisfaction = Rating::parse(
                "job_satisfaction",
                "job satisfaction",
                &rng.gen_range(3..=5).to_string(),
            )?;
            let pressure = Rating::parse(
                "caseload_pressure",
                "caseload pressure",
                &rng.gen_range(2..=5).to_string(),
            )?;
            let check_in = CheckIn::new(swemwbs, satisfaction, pressure, rng.gen_bool(0.8))?;
            store
                .add_check_in(&NewCheckIn {
                    service_org_id: pcn.to_owned(),
                    worker_id: worker.clone(),
                    checked_in_on: on,
                    check_in,
                })
                .await?;
        }
    }
    plan(store, today, pcn).await?;
    evidence(store, today, pcn).await
}

/// (stakeholder kind, name, [(statement, indicator, comparison, target)]).
type PlanDef = (
    StakeholderKind,
    &'static str,
    &'static [(&'static str, &'static str, &'static str, &'static str)],
);

const PLAN: &[PlanDef] = &[
    (
        StakeholderKind::PeopleUsingService,
        "People supported by Riverside Central link workers",
        &[
            (
                "I feel better in myself",
                "outcome.swemwbs_metric.pct_improved",
                "at_least",
                "50",
            ),
            (
                "I am more satisfied with my life",
                "outcome.ons4_life_satisfaction.mean_change",
                "at_least",
                "1",
            ),
            (
                "I feel less lonely and more connected",
                "qualitative",
                "",
                "",
            ),
        ],
    ),
    (
        StakeholderKind::Gps,
        "Riverside Central GP practices",
        &[(
            "Our patients are seen quickly once we refer",
            "waiting.median_days",
            "at_most",
            "14",
        )],
    ),
    (
        StakeholderKind::ClinicalDirector,
        "PCN clinical director",
        &[(
            "We refer the share of our population the IIF expects",
            "reach.annual_rate_pct",
            "at_least",
            "0.8",
        )],
    ),
    (
        StakeholderKind::Commissioner,
        "NHS Riverside Integrated Care Board",
        &[
            (
                "Referral rate does not outstrip capacity",
                "reach.annual_rate_pct",
                "at_most",
                "1.2",
            ),
            (
                "Most people referred are reached",
                "waiting.still_waiting",
                "at_most",
                "20",
            ),
        ],
    ),
    (
        StakeholderKind::VcsePartners,
        "Riverside Age Together",
        &[(
            "Referrals to us are the right ones",
            "onward.riverside_age_together.acceptance_pct",
            "at_least",
            "75",
        )],
    ),
    (
        StakeholderKind::LinkWorkers,
        "Riverside Central link worker team",
        &[
            (
                "We feel well at work",
                "staff_wellbeing.swemwbs_metric.mean",
                "at_least",
                "23.5",
            ),
            (
                "We all get regular supervision",
                "staff_wellbeing.supervision.pct",
                "at_least",
                "90",
            ),
        ],
    ),
];

/// The PCN manager's evaluation plan, applying to the last 12 months.
async fn plan(store: &dyn Store, today: Date, pcn: &str) -> Result<()> {
    let Some(manager) = store
        .users(pcn, Some(Role::Manager))
        .await?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let applies = Period::new(today - Duration::days(364), today)?;
    for (kind, name, statements) in PLAN {
        let id = store
            .add_stakeholder(&NewStakeholder {
                service_org_id: pcn.to_owned(),
                kind: *kind,
                name: (*name).to_owned(),
                created_by: manager.id.clone(),
            })
            .await?;
        for (statement, indicator, comparison, target) in *statements {
            let measure = Measure::parse(indicator, comparison, target)
                .map_err(|e| anyhow::anyhow!("demo plan: {e:?}"))?;
            store
                .add_success_statement(
                    pcn,
                    &id,
                    &NewSuccessStatement {
                        statement: (*statement).to_owned(),
                        measure,
                        applies,
                    },
                )
                .await?;
        }
    }
    Ok(())
}

/// (kind, title, text, domains, needs, stakeholders, days ago). Synthetic and obviously fictional.
type EvidenceDef = (
    EvidenceKind,
    &'static str,
    &'static str,
    &'static [OutcomeDomain],
    &'static [NeedDomain],
    &'static [StakeholderKind],
    i64,
);

const EVIDENCE: &[EvidenceDef] = &[
    (
        EvidenceKind::Quote,
        "On the Friday lunch club",
        "Before, I could go a week without speaking to anyone. Now Fridays are the best day of my week, and two of us meet for coffee on Tuesdays too.",
        &[OutcomeDomain::Person, OutcomeDomain::Community],
        &[NeedDomain::Loneliness],
        &[StakeholderKind::PeopleUsingService],
        40,
    ),
    (
        EvidenceKind::Quote,
        "On getting help with money",
        "I didn't know I could get help with the heating bills. Sorting the benefits out took a weight off; I'm sleeping again.",
        &[OutcomeDomain::Person],
        &[NeedDomain::MoneyDebtBenefits, NeedDomain::MentalWellbeing],
        &[StakeholderKind::PeopleUsingService],
        95,
    ),
    (
        EvidenceKind::Quote,
        "A GP's view",
        "Patients I used to see every fortnight for things medicine can't fix now have somewhere to go. The link workers close the loop and tell us what happened.",
        &[OutcomeDomain::HealthSystem],
        &[],
        &[StakeholderKind::Gps],
        120,
    ),
    (
        EvidenceKind::FocusGroup,
        "Partners' focus group",
        "Partners said referrals arrive with the right information and people turn up. They asked for a named contact when a referral is declined, and for more notice before busy periods.",
        &[OutcomeDomain::Community],
        &[],
        &[StakeholderKind::VcsePartners],
        150,
    ),
    (
        EvidenceKind::CaseStudy,
        "Case study: from isolation to volunteering (fictional)",
        "Maureen Example, 74, was referred by her GP after several visits about low mood following her husband's death. Over six conversations her link worker helped her write down what mattered to her: getting out of the house and feeling useful again.\n\nShe joined the telephone befriending service, then the Friday lunch club, and after three months began helping to set up the tables. At discharge her SWEMWBS score had risen from 17 to 24, and she now volunteers there weekly. She has not needed a GP appointment for low mood since.",
        &[OutcomeDomain::Person, OutcomeDomain::Community, OutcomeDomain::HealthSystem],
        &[NeedDomain::Bereavement, NeedDomain::Loneliness],
        &[StakeholderKind::PeopleUsingService, StakeholderKind::Commissioner],
        200,
    ),
];

/// A handful of consented quotes, notes and one case study, anonymised and approved by the manager.
async fn evidence(store: &dyn Store, today: Date, pcn: &str) -> Result<()> {
    let Some(manager) = store
        .users(pcn, Some(Role::Manager))
        .await?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let who = AuditActor {
        user_id: Some(manager.id.clone()),
        token_id: None,
        org_id: Some(pcn.to_owned()),
    };
    // The case study's (fictional) person, so anonymising removes her name.
    let known = KnownIdentifiers {
        names: vec!["Maureen".into(), "Example".into()],
        ..Default::default()
    };
    for (kind, title, text, domains, needs, stakeholders, days_ago) in EVIDENCE {
        let on = today - Duration::days(*days_ago);
        let id = store
            .add_evidence(
                &who,
                &NewEvidence {
                    service_org_id: pcn.to_owned(),
                    person_id: None,
                    kind: *kind,
                    title: (*title).to_owned(),
                    text: (*text).to_owned(),
                    outcome_domains: domains.to_vec(),
                    needs: needs.to_vec(),
                    stakeholders: stakeholders.to_vec(),
                    consent_given_on: on,
                    consent_by: if *kind == EvidenceKind::FocusGroup {
                        ConsentGivenBy::Participants
                    } else {
                        ConsentGivenBy::Person
                    },
                    consent_use: ConsentUse::InReports,
                    recorded_by: manager.id.clone(),
                    recorded_on: on,
                },
            )
            .await?;
        store
            .approve_evidence(&who, pcn, &id, &anonymise(text, &known))
            .await?;
    }
    Ok(())
}
