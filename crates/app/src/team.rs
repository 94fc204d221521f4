//! The team's day: contact attempts at triage, duplicates, reassigning people between link
//! workers, goal progress, MDT meetings, and finding people. Access rules as in `casework`.

use linkwork_domain::ids::{GoalId, PersonId};
use linkwork_domain::ids::ReferralId;
use crate::access::require_casework;
use crate::clock::today;
use crate::forms::{Checker, Fields};
use crate::AppError;
use linkwork_domain::access::{Actor, OrgKind, Role};
use linkwork_domain::casework::mdt::AttendeeRole;
use linkwork_domain::person::{parse_iso_date, parse_past_date};
use linkwork_domain::casework::plan::GoalStatus;
use linkwork_domain::casework::triage::{AttemptMode, AttemptOutcome};
use linkwork_domain::{BoundedText, NhsNumber};
use linkwork_store::{AuditActor, CaseloadEntry, NewAttempt, NewMdtMeeting, PersonQuery, ReferralRecord, Store};

pub async fn add_attempt(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, f: &Fields) -> Result<String, AppError> {
    let header = crate::access::casework_change(store, actor, referral_id).await?;
    if !header.status.is_open() {
        return Err(AppError::Conflict("This referral is closed".into()));
    }
    let mut c = Checker::default();
    let attempted_on = c.check(parse_past_date("attempted_on", "date of the attempt", f.get("attempted_on"), today()));
    let mode = c.check(AttemptMode::parse(f.get("mode")));
    let outcome = c.check(AttemptOutcome::parse(f.get("outcome")));
    let notes = c.check(BoundedText::<2000>::parse("notes", "notes", f.get("notes")));
    match (attempted_on, mode, outcome, notes) {
        (Some(attempted_on), Some(mode), Some(outcome), Some(notes)) => Ok(store.add_attempt(who, referral_id, &NewAttempt { attempted_on, mode, outcome, notes: notes.into_option() }).await?),
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

/// Merges a flagged duplicate into the open referral it duplicates.
pub async fn merge(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId) -> Result<String, AppError> {
    crate::access::casework_change(store, actor, referral_id).await?;
    let record = store.referral_record(who, referral_id).await?.ok_or(AppError::NotFound)?;
    let into = record.referral.duplicate_of.ok_or_else(|| AppError::Conflict("This referral is not flagged as a duplicate".into()))?;
    store.merge_duplicate(who, referral_id, &into).await?;
    Ok(into)
}

pub async fn keep_separate(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId) -> Result<(), AppError> {
    crate::access::casework_change(store, actor, referral_id).await?;
    Ok(store.clear_duplicate(who, referral_id).await?)
}

/// Managers move people between link workers.
/// Gives a referral to a link worker. Managers assign anyone's; a link worker (`signed_in`) may
/// only take an unassigned referral on themselves.
pub async fn reassign(store: &dyn Store, actor: &Actor, who: &AuditActor, signed_in: Option<&str>, referral_id: &ReferralId, f: &Fields) -> Result<(), AppError> {
    let header = crate::access::casework_change(store, actor, referral_id).await?;
    let worker = f.get("worker_id").trim();
    if worker.is_empty() {
        return Err(AppError::Invalid(vec![crate::forms::FieldError { field: "worker_id".into(), message: "Select a link worker".into() }]));
    }
    let allowed = match actor.role {
        Role::Manager => true,
        Role::LinkWorker => header.assigned_worker_id.is_none() && signed_in.is_some_and(|me| me == worker),
        _ => false,
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    Ok(store.reassign(who, referral_id, worker).await?)
}

pub async fn set_goal_status(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, goal_id: &GoalId, f: &Fields) -> Result<(), AppError> {
    crate::access::casework_change(store, actor, referral_id).await?;
    let status = GoalStatus::parse(f.get("goal_status"))?;
    Ok(store.set_goal_status(who, referral_id, goal_id, status).await?)
}

pub async fn record_mdt(store: &dyn Store, actor: &Actor, who: &AuditActor, f: &Fields) -> Result<String, AppError> {
    require_casework(actor)?;
    let practices = store.orgs(OrgKind::Practice, Some(&actor.org_id)).await?;
    let mut c = Checker::default();
    let held_on = c.check(parse_past_date("held_on", "date of the meeting", f.get("held_on"), today()));
    let practice = f.get("practice_id").trim();
    let practice_id = if practice.is_empty() {
        None
    } else if practices.iter().any(|p| p.id == practice) {
        Some(practice.to_owned())
    } else {
        c.error("practice_id", "Select a practice of this primary care network, or none for a PCN-wide meeting");
        None
    };
    let attendees: Vec<AttendeeRole> = f.all("attendees").into_iter().filter_map(|a| c.check(AttendeeRole::parse(a))).collect();
    if attendees.is_empty() && f.all("attendees").is_empty() {
        c.error("attendees", "Select who attended");
    }
    let notes = c.check(BoundedText::<4000>::parse("notes", "notes", f.get("notes")));
    let referral_ids: Vec<String> = f.all("referral_ids").into_iter().map(str::to_owned).collect();
    if referral_ids.is_empty() {
        c.error("referral_ids", "Select the people who were discussed");
    }
    match (held_on, notes) {
        (Some(held_on), Some(notes)) if c.is_ok() => {
            let meeting = NewMdtMeeting { service_org_id: actor.org_id.clone(), practice_id, held_on, attendees, notes: notes.into_option(), referral_ids };
            Ok(store.create_mdt(who, &meeting).await?)
        }
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

/// How many people an MDT search lists at most (type more to narrow it).
pub const MDT_FOUND_LIMIT: usize = 20;

/// Whether a caseload entry matches what was typed to find a person for an MDT meeting: an NHS
/// number (or at least 3 of its digits, spaces ignored), or every word of a name.
pub fn mdt_matches(e: &CaseloadEntry, find: &str) -> bool {
    let compact: String = find.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.is_empty() && compact.chars().all(|c| c.is_ascii_digit()) {
        return compact.len() >= 3 && e.nhs_number.as_str().contains(&compact);
    }
    let name = format!("{} {}", e.given_name, e.family_name).to_lowercase();
    let words: Vec<String> = find.to_lowercase().split_whitespace().map(str::to_owned).collect();
    !words.is_empty() && words.iter().all(|w| name.contains(w.as_str()))
}

/// The people an MDT meeting form shows: those of the service's open caseload matching `find`
/// and not yet chosen (at most [`MDT_FOUND_LIMIT`], with how many more matched), and the chosen
/// ones (`selected` referral ids that are on the open caseload). Everyone shown is audited as read.
pub struct MdtPeople {
    pub found: Vec<CaseloadEntry>,
    pub more: usize,
    pub selected: Vec<CaseloadEntry>,
}

pub async fn mdt_people(store: &dyn Store, actor: &Actor, who: &AuditActor, find: &str, selected: &[&str]) -> Result<MdtPeople, AppError> {
    require_casework(actor)?;
    let open = store.caseload(&actor.org_id, None, true).await?;
    let chosen: Vec<CaseloadEntry> = selected.iter().filter_map(|id| open.iter().find(|e| e.referral_id == *id).cloned()).collect();
    let mut found: Vec<CaseloadEntry> = if find.trim().is_empty() { vec![] } else { open.into_iter().filter(|e| mdt_matches(e, find) && !selected.contains(&e.referral_id.as_str())).collect() };
    found.sort_by(|a, b| (&a.family_name, &a.given_name).cmp(&(&b.family_name, &b.given_name)));
    let more = found.len().saturating_sub(MDT_FOUND_LIMIT);
    found.truncate(MDT_FOUND_LIMIT);
    crate::reads::record_list(store, who, "mdt.people.read", &actor.org_id, found.iter().chain(&chosen).map(|e| e.person_id.clone())).await?;
    Ok(MdtPeople { found, more, selected: chosen })
}

/// Parses a people search: a name, an NHS number or a date of birth (any combination).
pub fn parse_search(f: &Fields) -> Result<Option<PersonQuery>, AppError> {
    let mut c = Checker::default();
    let name = Some(f.get("name").trim()).filter(|n| !n.is_empty()).map(str::to_owned);
    let nhs_number = Some(f.get("nhs_number").trim()).filter(|n| !n.is_empty()).and_then(|n| c.check(NhsNumber::parse(n)));
    let date_of_birth = Some(f.get("date_of_birth").trim()).filter(|d| !d.is_empty()).and_then(|d| c.check(parse_iso_date("date_of_birth", "date of birth", d)));
    if !c.is_ok() {
        return Err(AppError::Invalid(c.into_errors()));
    }
    if name.is_none() && nhs_number.is_none() && date_of_birth.is_none() {
        return Ok(None);
    }
    Ok(Some(PersonQuery { name, nhs_number, date_of_birth }))
}

/// Every referral of a person, each read (and audited) as a record, newest first.
pub async fn person_history(store: &dyn Store, actor: &Actor, who: &AuditActor, person_id: &PersonId) -> Result<Vec<ReferralRecord>, AppError> {
    require_casework(actor)?;
    let headers = store.referrals_of_person(person_id).await?;
    if headers.is_empty() || headers.iter().any(|h| !actor.may_access_casework(&h.service_org_id)) {
        return Err(AppError::NotFound);
    }
    let mut records = Vec::with_capacity(headers.len());
    for h in headers {
        records.push(store.referral_record(who, &h.id).await?.ok_or(AppError::NotFound)?);
    }
    Ok(records)
}

/// One dated line of a person's timeline.
pub struct TimelineEvent {
    pub date: time::Date,
    pub what: String,
    pub detail: String,
    pub referral_id: String,
}

/// Everything that happened to a person across their referrals, in date order.
pub fn timeline(records: &[ReferralRecord]) -> Vec<TimelineEvent> {
    let mut events = Vec::new();
    for r in records {
        let id = &r.referral.id;
        let mut push = |date, what: &str, detail: String| events.push(TimelineEvent { date, what: what.into(), detail, referral_id: id.clone() });
        push(r.referral.referred_on, "Referred", format!("by {} ({}): {}", r.referral.referrer_name, r.referral.source.label(), r.referral.reason));
        if let Some(d) = r.referral.accepted_on {
            push(d, "Accepted", r.referral.worker_name.clone().map(|w| format!("onto {w}'s caseload")).unwrap_or_default());
        }
        for a in &r.attempts {
            push(a.attempted_on, "Contact attempt", format!("{}: {}", a.mode.label(), a.outcome.label()));
        }
        for c in &r.conversations {
            push(c.held_on, "What matters conversation", c.what_matters.clone());
        }
        for g in &r.goals {
            push(g.agreed_on, "Goal agreed", format!("{} ({})", g.description, g.status.label().to_lowercase()));
        }
        for c in &r.plan_changes {
            let goal = c.goal_id.as_deref().and_then(|g| r.goals.iter().find(|x| x.id == g)).map(|g| g.description.clone());
            let need = c.new_value.as_deref().or(c.old_value.as_deref()).and_then(|n| linkwork_domain::casework::need::NeedDomain::parse(n).ok()).map(|n| n.label().to_owned());
            push(crate::plan::changed_on(c), c.kind.label(), goal.or(need).unwrap_or_default());
        }
        for c in &r.contacts {
            push(c.contact_on, "Contact", format!("{}, {} minutes{}", c.mode.label(), c.minutes, if c.accompanied { ", accompanied to an activity" } else { "" }));
        }
        for m in &r.measures {
            push(m.taken_on, "Measure", format!("{} ({})", m.instrument.label(), m.timepoint.label().to_lowercase()));
        }
        for o in &r.onward {
            push(o.sent_on, "Referred on", format!("to {} ({}): {}", o.service_name, o.provider_name, o.status.label().to_lowercase()));
        }
        for d in &r.mdt {
            push(d.held_on, "Discussed at MDT", d.practice_name.clone().unwrap_or_else(|| "PCN-wide meeting".into()));
        }
        if let (Some(d), Some(reason)) = (r.referral.declined_on, r.referral.decline_reason_label()) {
            push(d, "Declined", reason.to_owned());
        }
        // A decline undone stays on the timeline, with the reopening that undid it.
        for x in &r.reopenings {
            push(x.declined_on, "Declined", x.decline_reason_label().to_owned());
            let by = x.reopened_by_name.as_ref().map(|n| format!(" by {n}")).unwrap_or_default();
            push(x.reopened_on, "Reopened", format!("back to triage{by}: {}", x.reason));
        }
        if let (Some(d), Some(reason)) = (r.referral.discharged_on, r.referral.discharge_reason_label()) {
            push(d, "Discharged", r.referral.discharge_summary.as_ref().map(|s| format!("{reason}. {s}")).unwrap_or_else(|| reason.to_owned()));
        }
    }
    events.sort_by_key(|a| a.date);
    events
}

/// Logs a link worker's community work (visits, meetings, assets found). Managers may log their own too.
pub async fn log_community(store: &dyn Store, actor: &Actor, user_id: &str, f: &Fields) -> Result<String, AppError> {
    use linkwork_domain::directory::community::ActivityKind;
    use linkwork_domain::RequiredText;
    require_casework(actor)?;
    let mut c = Checker::default();
    let activity_on = c.check(parse_past_date("activity_on", "date", f.get("activity_on"), today()));
    let kind = c.check(ActivityKind::parse(f.get("kind")));
    let organisation = c.check(RequiredText::<200>::parse("organisation_name", "the organisation, group or place", f.get("organisation_name")));
    let minutes = c.check(linkwork_domain::casework::contact::Minutes::parse(f.get("minutes")));
    let assets = c.check(BoundedText::<2000>::parse("assets_found", "assets found", f.get("assets_found")));
    let notes = c.check(BoundedText::<2000>::parse("notes", "notes", f.get("notes")));
    match (activity_on, kind, organisation, minutes, assets, notes) {
        (Some(activity_on), Some(kind), Some(organisation), Some(minutes), Some(assets), Some(notes)) => Ok(store
            .add_community_activity(&linkwork_store::NewCommunityActivity {
                service_org_id: actor.org_id.clone(),
                worker_id: user_id.to_owned(),
                activity_on,
                kind,
                organisation_name: organisation.into_string(),
                org_id: None,
                minutes: i64::from(minutes.get()),
                assets_found: assets.into_option(),
                notes: notes.into_option(),
            })
            .await?),
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

/// The service's accounts with this role (for choosing a link worker, or filtering the audit
/// trail by who acted), for a casework user of the service.
pub async fn workers(store: &dyn Store, actor: &Actor, role: Role) -> Result<Vec<linkwork_store::User>, AppError> {
    require_casework(actor)?;
    Ok(store.users(&actor.org_id, Some(role)).await?)
}

/// How many unsuccessful contact attempts a referral has had (a decline for no contact needs enough).
pub async fn unsuccessful_attempts(store: &dyn Store, actor: &Actor, referral_id: &ReferralId) -> Result<usize, AppError> {
    crate::access::casework_referral(store, actor, referral_id).await?;
    Ok(store.unsuccessful_attempts(referral_id).await?)
}

/// The manager's view of the team: each link worker's load, community and contact time between
/// `from` and `to`, and how many wait for triage (counts only: no one is named, so nothing is audited).
pub struct TeamOverview {
    pub loads: Vec<linkwork_store::WorkerLoad>,
    pub unassigned: usize,
    pub pending_incoming: usize,
    pub time_shares: Vec<linkwork_store::WorkerTime>,
}

pub async fn overview(store: &dyn Store, actor: &Actor, from: time::Date, to: time::Date) -> Result<TeamOverview, AppError> {
    if actor.role != Role::Manager {
        return Err(AppError::Forbidden);
    }
    let org = &actor.org_id;
    Ok(TeamOverview {
        loads: store.workloads(org, today()).await?,
        unassigned: store.caseload(org, None, true).await?.iter().filter(|e| e.assigned_worker_id.is_none()).count(),
        pending_incoming: store.pending_incoming(org).await?.len(),
        time_shares: store.worker_time(org, from, to).await?,
    })
}

/// Beside a person's timeline: every change to their details, and why their record is
/// restricted (if it is). `NotFound` unless every referral of the person is the actor's service's.
pub async fn person_changes(store: &dyn Store, actor: &Actor, person_id: &PersonId) -> Result<(Vec<linkwork_store::PersonChange>, Option<String>), AppError> {
    crate::privacy::casework_person(store, actor, person_id).await?;
    let changes = store.person_changes(person_id).await?;
    let restricted = store.person_privacy(person_id).await?.and_then(|p| p.restriction_reason);
    Ok((changes, restricted))
}

/// The service's community work since `from`, newest first.
pub async fn community_log(store: &dyn Store, actor: &Actor, from: time::Date) -> Result<Vec<linkwork_store::CommunityActivity>, AppError> {
    require_casework(actor)?;
    Ok(store.community_activities(&actor.org_id, from).await?)
}
