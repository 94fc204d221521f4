//! Use cases of the stakeholder slice of the evaluation (issue 5): link workers' own wellbeing
//! check-ins. A check-in is about the link worker themselves, so only they record it and only
//! they read it back; nobody else (not their manager) has a use case that returns one. Team
//! figures reach managers and commissioners only through the suppressed evaluation report.

use crate::clock::today;
use crate::forms::{Checker, Fields};
use crate::AppError;
use linkwork_domain::access::{Actor, Role};
use linkwork_domain::measurement::instruments::{AnswerSet, Instrument};
use linkwork_domain::evaluation::stakeholders::staff_wellbeing::{CheckIn, Rating};
use linkwork_store::{NewCheckIn, Store, StoredCheckIn};

/// How often the service suggests a check-in: the page reminds a link worker after this many days.
pub const CHECK_IN_EVERY_DAYS: i64 = 91;

/// Only link workers check in (managers see team figures in the report, never answers).
pub fn require_link_worker(actor: &Actor) -> Result<(), AppError> {
    if actor.role == Role::LinkWorker {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Parses every answer of a check-in form (`item_1`..`item_7`, `job_satisfaction`,
/// `caseload_pressure`, `supervision`), collecting every problem at once.
pub fn parse_check_in(f: &Fields) -> Result<CheckIn, AppError> {
    let mut c = Checker::default();
    let raw: Vec<&str> = (1..=7).map(|i| f.get(&format!("item_{i}"))).collect();
    let swemwbs = match AnswerSet::parse_all(Instrument::Swemwbs, &raw) {
        Ok(a) => Some(a),
        Err(errors) => {
            for e in errors {
                c.check::<()>(Err(e));
            }
            None
        }
    };
    let satisfaction = c.check(Rating::parse(
        "job_satisfaction",
        "how satisfied you are with your job",
        f.get("job_satisfaction"),
    ));
    let pressure = c.check(Rating::parse(
        "caseload_pressure",
        "how much pressure your caseload puts you under",
        f.get("caseload_pressure"),
    ));
    let supervision = match f.get("supervision").trim() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            c.error(
                "supervision",
                "Select whether you have had supervision since your last check-in",
            );
            None
        }
    };
    match (swemwbs, satisfaction, pressure, supervision) {
        (Some(s), Some(j), Some(p), Some(sup)) if c.is_ok() => match CheckIn::new(s, j, p, sup) {
            Ok(check_in) => Ok(check_in),
            Err(e) => {
                c.check::<()>(Err(e));
                Err(AppError::Invalid(c.into_errors()))
            }
        },
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

/// Records the signed-in link worker's check-in, dated today.
pub async fn record_check_in(
    store: &dyn Store,
    actor: &Actor,
    user_id: &str,
    f: &Fields,
) -> Result<String, AppError> {
    require_link_worker(actor)?;
    let check_in = parse_check_in(f)?;
    Ok(store
        .add_check_in(&NewCheckIn {
            service_org_id: actor.org_id.clone(),
            worker_id: user_id.to_owned(),
            checked_in_on: today(),
            check_in,
        })
        .await?)
}

/// The signed-in link worker's own check-ins, newest first.
pub async fn own_check_ins(
    store: &dyn Store,
    actor: &Actor,
    user_id: &str,
) -> Result<Vec<StoredCheckIn>, AppError> {
    require_link_worker(actor)?;
    Ok(store.own_check_ins(user_id).await?)
}

// ---- the stakeholder evaluation plan (managers) ----

use linkwork_domain::evaluation::{EvaluationSettings, Period};
use linkwork_domain::person::parse_iso_date;
use linkwork_domain::evaluation::stakeholders::scorecard::{
    Measure, Stakeholder, StakeholderKind, QUALITATIVE,
};
use linkwork_domain::RequiredText;
use linkwork_store::{NewStakeholder, NewSuccessStatement};

/// Only a service's manager keeps its evaluation plan.
pub fn require_manager(actor: &Actor) -> Result<(), AppError> {
    if actor.role == Role::Manager {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The figures a statement can be measured by: every figure of the service's report over the
/// last 12 months (id and label), scorecards' own figures excepted.
pub async fn indicator_choices(
    store: &dyn Store,
    actor: &Actor,
) -> Result<Vec<(String, String)>, AppError> {
    require_manager(actor)?;
    let to = today();
    let period = Period::new(to - time::Duration::days(364), to)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let report = linkwork_store::evaluation_report(
        store,
        "",
        std::slice::from_ref(&actor.org_id),
        period,
        &EvaluationSettings::default(),
    )
    .await?;
    Ok(linkwork_report::figures(&report)
        .into_iter()
        .filter(|f| f.section != "scorecards")
        .map(|f| (f.id, f.label))
        .collect())
}

pub async fn plan(store: &dyn Store, actor: &Actor) -> Result<Vec<Stakeholder>, AppError> {
    require_manager(actor)?;
    Ok(store.stakeholder_plan(&actor.org_id).await?)
}

/// One stakeholder of the manager's own service; other services' ids are not found.
pub async fn stakeholder(
    store: &dyn Store,
    actor: &Actor,
    id: &str,
) -> Result<Stakeholder, AppError> {
    require_manager(actor)?;
    store
        .stakeholder(&actor.org_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn add_stakeholder(
    store: &dyn Store,
    actor: &Actor,
    user_id: &str,
    f: &Fields,
) -> Result<String, AppError> {
    require_manager(actor)?;
    let mut c = Checker::default();
    let kind = c.check(StakeholderKind::parse(f.get("kind")));
    let name = c.check(RequiredText::<200>::parse(
        "name",
        "the stakeholder's name",
        f.get("name"),
    ));
    match (kind, name) {
        (Some(kind), Some(name)) => Ok(store
            .add_stakeholder(&NewStakeholder {
                service_org_id: actor.org_id.clone(),
                kind,
                name: name.into_string(),
                created_by: user_id.to_owned(),
            })
            .await?),
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

/// Adds a success statement. The indicator must be one of `choices` (or qualitative evidence).
pub async fn add_statement(
    store: &dyn Store,
    actor: &Actor,
    stakeholder_id: &str,
    f: &Fields,
    choices: &[(String, String)],
) -> Result<String, AppError> {
    let stakeholder = stakeholder(store, actor, stakeholder_id).await?;
    let mut c = Checker::default();
    let statement = c.check(RequiredText::<300>::parse(
        "statement",
        "what success looks like",
        f.get("statement"),
    ));
    let indicator = f.get("indicator").trim();
    let measure = if indicator != QUALITATIVE
        && !indicator.is_empty()
        && !choices.iter().any(|(id, _)| id == indicator)
    {
        c.error(
            "indicator",
            "Select a figure from the list, or qualitative evidence",
        );
        None
    } else {
        match Measure::parse(indicator, f.get("comparison"), f.get("target")) {
            Ok(m) => Some(m),
            Err(errors) => {
                for e in errors {
                    c.check::<()>(Err(e));
                }
                None
            }
        }
    };
    let from = c.check(parse_iso_date(
        "applies_from",
        "start date",
        f.get("applies_from"),
    ));
    let to = c.check(parse_iso_date(
        "applies_to",
        "end date",
        f.get("applies_to"),
    ));
    let applies = match (from, to) {
        (Some(from), Some(to)) => c.check(Period::new(from, to).map_err(|_| {
            linkwork_domain::DomainError::invalid(
                "applies_to",
                "The end date must be on or after the start date",
            )
        })),
        _ => None,
    };
    match (statement, measure, applies) {
        (Some(statement), Some(measure), Some(applies)) => Ok(store
            .add_success_statement(
                &actor.org_id,
                &stakeholder.id,
                &NewSuccessStatement {
                    statement: statement.into_string(),
                    measure,
                    applies,
                },
            )
            .await?),
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

// ---- qualitative evidence ----

use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::evaluation::stakeholders::evidence::{
    anonymise, ConsentGivenBy, ConsentUse, EvidenceKind, KnownIdentifiers, OutcomeDomain,
};
use linkwork_store::{AuditActor, EvidenceItem, NewEvidence};

fn audit_actor(actor: &Actor, user_id: &str) -> AuditActor {
    AuditActor {
        user_id: Some(user_id.to_owned()),
        token_id: None,
        org_id: Some(actor.org_id.clone()),
    }
}

/// Link workers and managers record evidence and see the service's list.
pub fn require_casework(actor: &Actor) -> Result<(), AppError> {
    crate::access::require_casework(actor)
}

fn parse_all<T>(
    c: &mut Checker,
    values: Vec<&str>,
    parse: impl Fn(&str) -> linkwork_domain::Result<T>,
) -> Vec<T> {
    values
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .filter_map(|v| c.check(parse(v)))
        .collect()
}

pub async fn record_evidence(
    store: &dyn Store,
    actor: &Actor,
    user_id: &str,
    f: &Fields,
) -> Result<String, AppError> {
    require_casework(actor)?;
    let mut c = Checker::default();
    let kind = c.check(EvidenceKind::parse(f.get("kind")));
    let title = c.check(RequiredText::<200>::parse(
        "title",
        "a short title",
        f.get("title"),
    ));
    let text = c.check(RequiredText::<10000>::parse(
        "text",
        "the quote, case study or notes",
        f.get("text"),
    ));
    let domains = parse_all(&mut c, f.all("outcome_domains"), OutcomeDomain::parse);
    if domains.is_empty() && c.is_ok() {
        c.error("outcome_domains", "Select at least one outcome domain");
    }
    let needs = parse_all(&mut c, f.all("needs"), NeedDomain::parse);
    let stakeholders = parse_all(&mut c, f.all("stakeholders"), StakeholderKind::parse);
    let consent_on = c.check(linkwork_domain::person::parse_past_date(
        "consent_given_on",
        "date consent was given",
        f.get("consent_given_on"),
        today(),
    ));
    let consent_by = c.check(ConsentGivenBy::parse(f.get("consent_by")));
    let consent_use = c.check(ConsentUse::parse(f.get("consent_use")));
    let nhs = f.get("nhs_number").trim();
    let person_id = if nhs.is_empty() {
        Some(None)
    } else {
        match c.check(linkwork_domain::NhsNumber::parse(nhs).map_err(|_| {
            linkwork_domain::DomainError::invalid(
                "nhs_number",
                "Enter a valid NHS number, or leave it blank",
            )
        })) {
            Some(n) => match store.person_id_by_nhs_number(&actor.org_id, &n).await? {
                Some(id) => Some(Some(id)),
                None => {
                    c.error(
                        "nhs_number",
                        "Nobody with this NHS number has been referred to this service",
                    );
                    None
                }
            },
            None => None,
        }
    };
    match (
        kind,
        title,
        text,
        consent_on,
        consent_by,
        consent_use,
        person_id,
    ) {
        (
            Some(kind),
            Some(title),
            Some(text),
            Some(consent_given_on),
            Some(consent_by),
            Some(consent_use),
            Some(person_id),
        ) if c.is_ok() => Ok(store
            .add_evidence(
                &audit_actor(actor, user_id),
                &NewEvidence {
                    service_org_id: actor.org_id.clone(),
                    person_id,
                    kind,
                    title: title.into_string(),
                    text: text.into_string(),
                    outcome_domains: domains,
                    needs,
                    stakeholders,
                    consent_given_on,
                    consent_by,
                    consent_use,
                    recorded_by: user_id.to_owned(),
                    recorded_on: today(),
                },
            )
            .await?),
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

pub async fn evidence_items(
    store: &dyn Store,
    actor: &Actor,
) -> Result<Vec<EvidenceItem>, AppError> {
    require_casework(actor)?;
    Ok(store.evidence_items(&actor.org_id).await?)
}

/// An item for the manager's review, with its text anonymised (reading the person's identifiers
/// is audited). Other services' ids are not found.
pub async fn evidence_for_review(
    store: &dyn Store,
    actor: &Actor,
    user_id: &str,
    id: &str,
) -> Result<(EvidenceItem, KnownIdentifiers, String), AppError> {
    require_manager(actor)?;
    let (item, known) = store
        .evidence_for_review(&audit_actor(actor, user_id), &actor.org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let anonymised = anonymise(&item.text, &known);
    Ok((item, known, anonymised))
}

/// Approves the text the manager reviewed, anonymised once more (a manager's edit cannot put an
/// identifier back). Only items with consent for reports can be approved.
pub async fn approve_evidence(
    store: &dyn Store,
    actor: &Actor,
    user_id: &str,
    id: &str,
    f: &Fields,
) -> Result<(), AppError> {
    let (item, known, _) = evidence_for_review(store, actor, user_id, id).await?;
    let mut c = Checker::default();
    if item.consent_use != ConsentUse::InReports {
        c.error(
            "approved_text",
            "Consent was given for internal learning only, so this cannot be published",
        );
    }
    let text = c.check(RequiredText::<10000>::parse(
        "approved_text",
        "the text to publish",
        f.get("approved_text"),
    ));
    match text {
        Some(text) if c.is_ok() => Ok(store
            .approve_evidence(
                &audit_actor(actor, user_id),
                &actor.org_id,
                id,
                &anonymise(text.as_str(), &known),
            )
            .await?),
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}
