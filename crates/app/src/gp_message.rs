//! The message back to the GP (and referrer) about one referral, with the content the PRSB Social
//! Prescribing Information Standard (v1.1) gives it: the person's demographics, the referral,
//! needs and concerns ("what matters to me"), the support offered (the plan's goals and the
//! activities referred to), outcomes (questionnaire scores, goals, why the referral closed) and
//! who to contact. One content, two forms: a FHIR document Bundle (`fhir::gp_message`) and a
//! readable letter (the web shell's `gp_letter.html`, HTML or PDF). Read with access decided and
//! audited, as the record it comes from.

use crate::fhir::{load, Loaded};
use crate::AppError;
use linkwork_domain::access::Actor;
use linkwork_domain::casework::referral::{DeclineReason, DischargeReason, ReferralStatus};
use linkwork_domain::ids::ReferralId;
use linkwork_domain::interop::gp_record::{events, timepoint_words, SnomedCode};
use linkwork_domain::measurement::instruments::score_definition;
use linkwork_domain::format_date_long;
use linkwork_store::{AuditActor, Store};
use time::Date;

/// A labelled line of the letter.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub value: String,
}

fn line(label: impl Into<String>, value: impl Into<String>) -> Line {
    Line { label: label.into(), value: value.into() }
}

/// A questionnaire score, for the outcomes.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreLine {
    pub key: &'static str,
    pub label: String,
    pub when: String,
    pub taken_on: Date,
    pub value: f64,
}

/// An event coded for the GP record (only with a confirmed SNOMED CT code).
#[derive(Debug, Clone, PartialEq)]
pub struct CodedEvent {
    pub on: Date,
    pub code: SnomedCode,
}

/// The message's content.
#[derive(Debug, Clone)]
pub struct GpMessage {
    pub written_on: Date,
    /// Who it is to: the person's practice (and the referrer, named in `referral`).
    pub to: String,
    pub person: Vec<Line>,
    pub referral: Vec<Line>,
    /// Needs, each with where it came from (from the referral, agreed with the person, to confirm).
    pub needs: Vec<Line>,
    /// What matters to the person, in their words, from each "what matters to you" conversation.
    pub what_matters: Vec<Line>,
    /// The plan's goals and the activities the person was referred to.
    pub support: Vec<Line>,
    pub scores: Vec<ScoreLine>,
    /// How it ended, or where it stands.
    pub outcome: Vec<Line>,
    pub contact: Vec<Line>,
    /// The events with a confirmed SNOMED CT code (the referral; a person's declining).
    pub coded: Vec<CodedEvent>,
}

fn nhs_number_spaced(n: &str) -> String {
    if n.len() == 10 {
        format!("{} {} {}", &n[..3], &n[3..6], &n[6..])
    } else {
        n.to_owned()
    }
}

/// The content of the message about a loaded referral, written on `today`.
pub fn compose(loaded: &Loaded, today: Date) -> GpMessage {
    let record = &loaded.record;
    let p = &record.person;
    let r = &record.referral;
    let practice = loaded.practice.as_ref().map(|o| o.name.clone()).or_else(|| r.practice_name.clone());
    let person = vec![
        line("Name", format!("{} {}", p.given_name, p.family_name)),
        line("NHS number", nhs_number_spaced(p.nhs_number.as_str())),
        line("Date of birth", format_date_long(p.date_of_birth)),
        line("Sex", p.sex.label()),
        line("Postcode", p.postcode.as_str()),
        line("GP practice", practice.clone().unwrap_or_else(|| "Not recorded".into())),
    ];
    let referral = vec![
        line("Referred", format!("{} by {} ({})", format_date_long(r.referred_on), r.referrer_name, r.source.label())),
        line("Reason, in the referrer's words", r.reason.clone()),
    ];
    let needs = crate::plan::needs_once(&record.needs, &p.given_name, !record.conversations.is_empty(), r.needs_to_confirm).into_iter().map(|n| line(n.label, n.origin)).collect();
    let what_matters = record.conversations.iter().map(|c| line(format_date_long(c.held_on), c.what_matters.clone())).collect();
    let mut support: Vec<Line> = record.goals.iter().map(|g| line("Goal", format!("{} ({})", g.description, g.status.label().to_lowercase()))).collect();
    support.extend(record.onward.iter().map(|o| {
        line("Referred to", format!("{} ({}), {}: {}", o.service_name, o.provider_name, format_date_long(o.sent_on), o.status.label().to_lowercase()))
    }));
    support.push(line("Contacts with the link worker", record.contacts.len().to_string()));
    let scores = record
        .measures
        .iter()
        .flat_map(|m| {
            m.recorded.scores().into_iter().map(move |s| ScoreLine {
                key: s.key,
                label: score_definition(s.key).map(|(_, d)| d.label.to_owned()).unwrap_or_else(|| s.key.to_owned()),
                when: timepoint_words(m.timepoint).to_owned(),
                taken_on: m.taken_on,
                value: s.value,
            })
        })
        .collect();
    let outcome = match r.status {
        ReferralStatus::Received => vec![line("Status", "Received, not yet taken on")],
        ReferralStatus::Accepted => vec![line("Status", format!("Being supported since {}", r.accepted_on.map(format_date_long).unwrap_or_default()))],
        ReferralStatus::Declined => {
            let reason = r.decline_reason.as_deref().and_then(|c| DeclineReason::parse(c).ok()).map(DeclineReason::label).unwrap_or("Not recorded");
            vec![line("Status", format!("Not taken on, {}", r.declined_on.map(format_date_long).unwrap_or_default())), line("Why", reason)]
        }
        ReferralStatus::Discharged => {
            let reason = r.discharge_reason.as_deref().and_then(|c| DischargeReason::parse(c).ok()).map(DischargeReason::label).unwrap_or("Not recorded");
            let mut lines = vec![line("Status", format!("Closed, {}", r.discharged_on.map(format_date_long).unwrap_or_default())), line("Why", reason)];
            if let Some(summary) = r.discharge_summary.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                lines.push(line("Summary", summary));
            }
            lines
        }
    };
    let mut contact = vec![line("Service", loaded.pcn.name.clone())];
    if let Some(worker) = &r.worker_name {
        contact.push(line("Link worker", worker.clone()));
    }
    let coded = events(&crate::fhir::gp_record::facts(record)).into_iter().filter_map(|e| e.code.map(|code| CodedEvent { on: e.on, code })).collect();
    GpMessage {
        written_on: today,
        to: practice.unwrap_or_else(|| "The person's GP practice".into()),
        person,
        referral,
        needs,
        what_matters,
        support,
        scores,
        outcome,
        contact,
        coded,
    }
}

/// The message about one referral, for the service that holds it (read and audited as the
/// record is; a practice or partner may not ask for it).
pub async fn gp_message(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, today: Date) -> Result<(GpMessage, Loaded), AppError> {
    if !actor.role.does_casework() {
        return Err(AppError::Forbidden);
    }
    let loaded = load(store, actor, who, referral_id).await?;
    Ok((compose(&loaded, today), loaded))
}
