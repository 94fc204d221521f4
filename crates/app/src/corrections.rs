//! Corrections (issue 12), shared by the pages and the JSON API: reopening a declined referral,
//! a partner's change dated when it happened and undone when it was a mistake, and the discharge
//! walk-through (closing measures, goal review, a reason that agrees with it). Access rules as in
//! `casework`; every rule about what may be corrected lives in the domain.

use linkwork_domain::ids::OnwardId;
use linkwork_domain::ids::ReferralId;
use crate::access::{casework_change, partner_referral};
use crate::clock::today;
use crate::forms::{Checker, FieldError, Fields};
use crate::AppError;
use linkwork_domain::access::Actor;
use linkwork_domain::casework::discharge::{self, NotTakenReason};
use linkwork_domain::measurement::instruments::Instrument;
use linkwork_domain::onward::{self, OnwardStatus};
use linkwork_domain::person::parse_iso_date;
use linkwork_domain::casework::plan::GoalStatus;
use linkwork_domain::casework::referral::{DischargeReason, ReopenReason};
use linkwork_domain::casework::schedule::{ReferralDates, TakenMeasure};
use linkwork_domain::BoundedText;
use linkwork_store::{AuditActor, NewNotification, NewReopening, OnwardEvent, OnwardUndo, ReferralHeader, ReferralRecord, ReviewedDischarge, Store};
use time::{Date, OffsetDateTime};

// ---- reopening a declined referral ----

/// Reopens a declined referral (back to triage) with the link worker's reason (`reopen_reason`):
/// a link worker or manager of the service, within the domain's window after the decline.
pub async fn reopen(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, f: &Fields) -> Result<(), AppError> {
    let header = casework_change(store, actor, referral_id).await?;
    let closure = store.referral_closure(referral_id).await?.ok_or(AppError::NotFound)?;
    header.status.reopen(closure.declined_on, today())?;
    let reason = ReopenReason::parse("reopen_reason", "why the referral is reopened", f.get("reopen_reason"))?;
    let (Some(declined_on), Some(decline_reason)) = (closure.declined_on, closure.decline_reason) else {
        return Err(AppError::Conflict("This referral has no decline to undo".into()));
    };
    store.reopen_referral(who, referral_id, &NewReopening { on: today(), declined_on, decline_reason, reason }).await?;
    Ok(())
}

// ---- a partner's changes: when they happened, and undoing a mistake ----

/// The changes still standing, oldest first: neither undone nor undoing another.
pub fn standing(events: &[OnwardEvent]) -> Vec<&OnwardEvent> {
    events.iter().filter(|e| e.undoes_event_id.is_none() && !events.iter().any(|u| u.undoes_event_id.as_deref() == Some(e.id.as_str()))).collect()
}

/// The day a partner's change happened (`happened_on`; today when not given), checked against
/// the referral's sending and its last standing change.
pub fn happened_on(f: &Fields, sent_on: Date, events: &[OnwardEvent], today: Date) -> Result<Date, linkwork_domain::DomainError> {
    let raw = f.get("happened_on");
    if raw.trim().is_empty() {
        return Ok(today);
    }
    let on = parse_iso_date("happened_on", "date it happened", raw)?;
    let previous = standing(events).last().map(|e| (e.to_status, e.happened_on));
    onward::check_happened_on(on, sent_on, previous, today)
}

/// The change a partner may undo now, if any: the last standing change, made by its organisation
/// after sending, within the window. Returns the event and what undoing it puts back.
pub fn undoable<'a>(events: &'a [OnwardEvent], current: OnwardStatus, partner_org_id: &str, now: OffsetDateTime) -> Result<(&'a OnwardEvent, onward::Undo), AppError> {
    let last = *standing(events).last().ok_or_else(|| AppError::Conflict("There is no change to undo".into()))?;
    let from = last.from_status.as_deref().map(OnwardStatus::parse).transpose().map_err(|e| AppError::Internal(e.to_string()))?;
    let undo = onward::undo(current, onward::Change { from, to: last.to_status, recorded_at: last.at }, now)?;
    if last.org_id.as_deref() != Some(partner_org_id) {
        return Err(AppError::Conflict("The last change was not made by your organisation, so you cannot undo it".into()));
    }
    Ok((last, undo))
}

/// Undoes the partner's last change (a correcting entry: both stay in the history) and tells the
/// link worker. Returns the status the referral is back in.
pub async fn partner_undo(store: &dyn Store, actor: &Actor, who: &AuditActor, onward_id: &OnwardId) -> Result<OnwardStatus, AppError> {
    let referral = partner_referral(store, actor, onward_id).await?;
    let events = store.onward_events(onward_id).await?;
    let (last, undo) = undoable(&events, referral.onward.status, &actor.org_id, OffsetDateTime::now_utc())?;
    let o = store.loop_onward(onward_id).await?.ok_or(AppError::NotFound)?;
    let notice = onward::undo_notice(last.to_status, undo.back_to, &o.service_name, Some(&o.given_name));
    let notify = [NewNotification {
        recipient: crate::onward_loop::link_worker_recipient(&o),
        kind: notice.kind,
        subject: notice.subject,
        body: notice.body,
        link: Some(crate::onward_loop::record_link(&o.referral_id)),
        dedup_key: None,
    }];
    store.undo_onward(who, onward_id, &OnwardUndo { event_id: last.id.clone(), from: referral.onward.status, undo, on: today() }, &notify).await?;
    Ok(undo.back_to)
}

// ---- the discharge walk-through ----

/// What the walk-through asks about a referral before discharge.
pub struct DischargeQuestions {
    /// Closing questionnaires the schedule asks for and not yet taken.
    pub closing: Vec<Instrument>,
    /// Closing questionnaires already recorded at discharge: instrument and date.
    pub recorded: Vec<(Instrument, Date)>,
}

/// The closing measures due if the person is discharged today, by the service's schedule.
pub async fn discharge_questions(store: &dyn Store, r: &ReferralRecord) -> Result<DischargeQuestions, AppError> {
    let schedule = store.measurement_schedule(&r.referral.service_org_id).await?.unwrap_or_default();
    let taken: Vec<TakenMeasure> = r.measures.iter().map(|m| TakenMeasure { instrument: m.instrument, timepoint: m.timepoint, taken_on: m.taken_on }).collect();
    let dates = ReferralDates { referred_on: r.referral.referred_on, first_contact_on: r.contacts.iter().map(|c| c.contact_on).min(), discharged_on: None };
    let recorded = r
        .measures
        .iter()
        .filter(|m| m.timepoint == linkwork_domain::measurement::instruments::Timepoint::Discharge && schedule.instruments().contains(&m.instrument))
        .map(|m| (m.instrument, m.taken_on))
        .collect();
    Ok(DischargeQuestions { closing: discharge::closing_measures(&schedule, dates, &taken, today()), recorded })
}

/// The form field of a goal's review.
pub fn goal_field(goal_id: &str) -> String {
    format!("goal_{goal_id}")
}

/// The form field of why a closing questionnaire was not taken.
pub fn not_taken_field(instrument: Instrument) -> String {
    format!("not_taken_{}", instrument.code())
}

/// A discharge as submitted, checked: nothing is written.
pub struct CheckedDischarge {
    pub header: ReferralHeader,
    pub reason: DischargeReason,
    pub summary: Option<String>,
    pub resolutions: Vec<(linkwork_domain::casework::need::NeedDomain, linkwork_domain::evaluation::resolution::NeedResolution)>,
    /// Goal id, description and where it ended.
    pub goals: Vec<(String, String, GoalStatus)>,
    pub not_taken: Vec<(Instrument, NotTakenReason)>,
}

/// Checks a discharge: the reason, the summary, each need's outcome, where each goal ended (the
/// review; a goal already ended keeps its status when the field is not sent), each closing
/// questionnaire not yet taken and why, and that the reason agrees with the review. Reports every
/// problem at once.
pub async fn check_discharge(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, f: &Fields) -> Result<CheckedDischarge, AppError> {
    let header = casework_change(store, actor, referral_id).await?;
    header.status.discharge()?;
    let r = store.referral_record(who, referral_id).await?.ok_or(AppError::NotFound)?;
    let mut c = Checker::default();
    let reason = c.check(DischargeReason::parse(f.get("discharge_reason")));
    let summary = c.check(BoundedText::<4000>::parse("summary", "summary", f.get("summary")));
    let needs = store.referral_needs(referral_id).await?;
    let resolutions = match linkwork_domain::evaluation::resolution::parse_resolutions(&needs, |field| f.get(field)) {
        Ok(r) => r,
        Err(errors) => {
            errors.into_iter().for_each(|e| {
                c.check::<()>(Err(e));
            });
            vec![]
        }
    };
    let mut errors: Vec<FieldError> = Vec::new();
    let mut goals = Vec::new();
    for g in &r.goals {
        let field = goal_field(&g.id);
        let raw = f.get(&field);
        let ended = if raw.trim().is_empty() { Some(g.status).filter(|s| s.is_final()) } else { discharge::parse_review(raw) };
        match ended {
            Some(status) => goals.push((g.id.clone(), g.description.clone(), status)),
            None => errors.push(FieldError { field, message: format!("Select where the goal \"{}\" ended", shorten(&g.description)) }),
        }
    }
    let questions = discharge_questions(store, &r).await?;
    let mut not_taken = Vec::new();
    for instrument in questions.closing {
        let field = not_taken_field(instrument);
        match NotTakenReason::parse(f.get(&field)) {
            Ok(why) => not_taken.push((instrument, why)),
            Err(_) => errors.push(FieldError {
                field,
                message: format!("Record {} at discharge before discharging, or select why it was not taken", instrument.short_name()),
            }),
        }
    }
    if let Some(reason) = reason {
        if errors.iter().all(|e| !e.field.starts_with("goal_")) {
            let review: Vec<GoalStatus> = goals.iter().map(|g| g.2).collect();
            c.check(discharge::check_reason(reason, &review));
        }
    }
    let mut all = c.into_errors();
    all.extend(errors);
    match (reason, summary) {
        (Some(reason), Some(summary)) if all.is_empty() => Ok(CheckedDischarge { header, reason, summary: summary.into_option(), resolutions, goals, not_taken }),
        _ => Err(AppError::Invalid(all)),
    }
}

/// Discharges after the walk-through: the discharge, the needs' outcomes, the goal review and the
/// closing questionnaires not taken, in one transaction.
pub async fn discharge(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, f: &Fields) -> Result<(), AppError> {
    let d = check_discharge(store, actor, who, referral_id, f).await?;
    let goals: Vec<(String, GoalStatus)> = d.goals.iter().map(|(id, _, s)| (id.clone(), *s)).collect();
    let discharge = ReviewedDischarge { on: today(), reason: d.reason, summary: d.summary.as_deref(), resolutions: &d.resolutions, goals: &goals, not_taken: &d.not_taken };
    store.discharge_reviewed(who, referral_id, d.header.status, &discharge).await?;
    Ok(())
}

/// A goal's words, cut for an error message.
fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}
