//! The use cases both the HTML pages and the JSON API perform: parse the submitted fields into
//! domain values, apply the access rules, check the lifecycle, and call the store. Keeping them
//! here means a rule is enforced once for both interfaces.

use linkwork_domain::ids::ReferralId;
use crate::forms::{Checker, Fields};
use crate::AppError;
use linkwork_domain::access::{Actor, OrgKind, Role};
use linkwork_domain::casework::contact::{ContactMode, Minutes};
use linkwork_domain::person::consent::ReferralConsent;
use linkwork_domain::person::contact_details::{ContactDetails, Requirement};
use linkwork_domain::person::identity::DetailsSource;
use linkwork_domain::measurement::instruments::{AnswerSet, Instrument, Timepoint};
use linkwork_domain::casework::need::{parse_needs, NeedDomain};

use linkwork_domain::person::{parse_iso_date, parse_past_date, DateOfBirth, Ethnicity, PersonDetails, PersonName, Sex};
use linkwork_domain::casework::plan::{GoalText, WhatMatters};
use linkwork_domain::casework::referral::{DeclineReason, ReferralReason, ReferralSource};
use linkwork_domain::{BoundedText, NhsNumber, Postcode, RequiredText};
use linkwork_store::{Org, AuditActor, NewContact, NewConversation, NewGoal, NewMeasure, NewOnward, NewReferral, ReferralChange, Store};
use time::Date;

/// How many goal rows the plan form offers.
pub const GOAL_ROWS: usize = 3;

use crate::access::casework_change;
use crate::clock::today;

/// Where a referral made by this actor goes: the service (PCN), the practices they may choose
/// from, and the organisation to remember as the referrer (a GP practice referring in).
pub struct ReferralContext {
    pub service_org_id: String,
    pub practices: Vec<Org>,
    pub referred_by_org_id: Option<String>,
}

pub async fn referral_context(store: &dyn Store, actor: &Actor) -> Result<ReferralContext, AppError> {
    match actor.role {
        Role::LinkWorker | Role::Manager => Ok(ReferralContext {
            service_org_id: actor.org_id.clone(),
            practices: store.orgs(OrgKind::Practice, Some(&actor.org_id)).await?,
            referred_by_org_id: None,
        }),
        Role::PracticeStaff => {
            let practice = store.org(&actor.org_id).await?.ok_or(AppError::Forbidden)?;
            let service_org_id = practice.parent_id.clone().ok_or(AppError::Forbidden)?;
            Ok(ReferralContext { service_org_id, referred_by_org_id: Some(practice.id.clone()), practices: vec![practice] })
        }
        _ => Err(AppError::Forbidden),
    }
}

/// What a referral's fields must hold, by who sends them and how.
#[derive(Debug, Clone, Copy)]
pub struct ReferralRules {
    /// The forms people fill in ask for a way to reach the person; systems send what they hold.
    pub contact: Requirement,
    /// Sex and ethnic group must be given (else "not known" and "not stated" are recorded).
    pub demographics_required: bool,
    /// The sources the referrer may choose from.
    pub sources: &'static [ReferralSource],
}

impl ReferralRules {
    /// GP practice staff are asked only what the PRSB social prescribing referral standard makes
    /// mandatory (who the person is, how to reach them, why, and who referred), and never choose
    /// "self-referral"; the casework team's form asks for sex and ethnic group too.
    pub fn for_referrer(actor: &Actor, source: DetailsSource) -> Self {
        let practice = actor.role == Role::PracticeStaff;
        Self {
            contact: if matches!(source, DetailsSource::LinkWorkerForm | DetailsSource::PracticeForm) { Requirement::AtLeastOneWay } else { Requirement::Optional },
            demographics_required: !practice,
            sources: if practice { ReferralSource::FROM_PRACTICE } else { ReferralSource::ALL },
        }
    }
}

/// A coded value that may be left out (then `otherwise`), or must be given.
fn coded_or<T>(c: &mut Checker, raw: &str, required: bool, otherwise: T, parse: impl FnOnce(&str) -> linkwork_domain::Result<T>) -> Option<T> {
    if !required && raw.trim().is_empty() {
        Some(otherwise)
    } else {
        c.check(parse(raw))
    }
}

/// Parses the contact fields into `c`'s errors.
pub(crate) fn parse_contact(c: &mut Checker, f: &Fields, requirement: Requirement) -> Option<ContactDetails> {
    match ContactDetails::parse(|name| f.get(name), requirement) {
        Ok(details) => Some(details),
        Err(errors) => {
            errors.into_iter().for_each(|e| {
                c.check::<()>(Err(e));
            });
            None
        }
    }
}

/// Parses the "new referral" fields (the person, how to reach them, and the referral) for a
/// service, reporting every problem.
pub fn parse_referral(f: &Fields, service_org_id: &str, practices: &[Org], rules: ReferralRules) -> Result<NewReferral, AppError> {
    let today = today();
    let mut c = Checker::default();
    let nhs_number = c.check(NhsNumber::parse(f.get("nhs_number")));
    let given_name = c.check(PersonName::parse("given_name", "the person's first name", f.get("given_name")));
    let family_name = c.check(PersonName::parse("family_name", "the person's last name", f.get("family_name")));
    let date_of_birth = c.check(DateOfBirth::parse(f.get("date_of_birth"), today));
    let sex = coded_or(&mut c, f.get("sex"), rules.demographics_required, Sex::NotKnown, Sex::parse);
    let ethnicity = coded_or(&mut c, f.get("ethnicity"), rules.demographics_required, Ethnicity::NotStated, Ethnicity::parse);
    let postcode = c.check(Postcode::parse(f.get("postcode")));
    let practice_id = f.get("practice_id").trim();
    if !practices.iter().any(|p| p.id == practice_id) {
        c.error("practice_id", "Select the person's GP practice");
    }
    let contact = parse_contact(&mut c, f, rules.contact);
    let source = match ReferralSource::parse(f.get("source")) {
        Ok(source) if !rules.sources.contains(&source) => {
            c.error("source", "Select who made the referral: the GP practice or another health professional");
            None
        }
        other => c.check(other),
    };
    let referrer = c.check(RequiredText::<200>::parse("referrer_name", "the name of the person who referred them", f.get("referrer_name")));
    let reason = c.check(ReferralReason::parse("reason", "the reason for referral", f.get("reason")));
    let needs = c.check(parse_needs(f.all("needs")));
    let referred_on = c.check(parse_past_date("referred_on", "referral date", f.get("referred_on"), today));
    match (nhs_number, given_name, family_name, date_of_birth, sex, ethnicity, postcode, source, referrer, reason, needs, referred_on, contact) {
        (Some(nhs_number), Some(given_name), Some(family_name), Some(date_of_birth), Some(sex), Some(ethnicity), Some(postcode), Some(source), Some(referrer), Some(reason), Some(needs), Some(referred_on), Some(contact)) if c.is_ok() => Ok(NewReferral {
            service_org_id: service_org_id.to_owned(),
            person: PersonDetails { nhs_number, given_name, family_name, date_of_birth, sex, ethnicity, postcode },
            practice_id: Some(practice_id.to_owned()),
            source,
            referrer_name: referrer.into_string(),
            reason,
            needs,
            needs_to_confirm: false,
            referred_on,
            assigned_worker_id: None,
            consent: Default::default(),
            contact,
        }),
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

/// Creates a referral from the "new referral" fields: by a link worker or manager for their
/// service, or by GP practice staff for their practice's PCN. The person is matched by the
/// identity rule (`linkwork_domain::person::identity`); `source` is recorded with any change to their details.
pub async fn create_referral(store: &dyn Store, actor: &Actor, who: &AuditActor, f: &Fields, source: DetailsSource) -> Result<String, AppError> {
    let context = referral_context(store, actor).await?;
    // Every problem at once: the consent question is checked with the rest of the form.
    let consent = ReferralConsent::parse_form(f.get("consent"), f.get("lawful_basis"), today()).map_err(AppError::from);
    let referral = match (parse_referral(f, &context.service_org_id, &context.practices, ReferralRules::for_referrer(actor, source)), consent) {
        (Ok(referral), Ok(consent)) => NewReferral { consent, ..referral },
        (Err(AppError::Invalid(mut errors)), Err(AppError::Invalid(more))) => {
            errors.extend(more);
            return Err(AppError::Invalid(errors));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    check_likely_duplicate(store, actor, &referral, f).await?;
    Ok(store.create_referral_from(who, &referral, context.referred_by_org_id.as_deref(), source).await?)
}

/// How far back a referral for the same person counts as a likely duplicate (a form sent twice,
/// or two people referring the same person in the same week).
const DUPLICATE_WINDOW_DAYS: i64 = 7;

/// Before saving: a referral for someone with an open referral, or one made in the last week, is
/// likely a duplicate. The form says so and asks for `confirm_duplicate` = "yes" to record it as
/// well. Practice staff are not told anything about the other referral (it may not be theirs).
async fn check_likely_duplicate(store: &dyn Store, actor: &Actor, referral: &NewReferral, f: &Fields) -> Result<(), AppError> {
    if f.get("confirm_duplicate").trim() == "yes" {
        return Ok(());
    }
    let since = today() - time::Duration::days(DUPLICATE_WINDOW_DAYS);
    let Some((_, referred_on, status)) = store.likely_duplicate(&referral.service_org_id, &referral.person.nhs_number, since).await? else {
        return Ok(());
    };
    let message = if actor.role.does_casework() {
        let status = linkwork_domain::casework::referral::ReferralStatus::parse(&status).map(|s| s.label().to_lowercase()).unwrap_or(status);
        format!("This person already has a referral from {} ({status}). Check it is not the same referral sent twice, then tick to record this one as well", linkwork_domain::format_date_long(referred_on))
    } else {
        "This person was referred recently. Check it is not the same referral sent twice, then tick to send this one as well".to_owned()
    };
    Err(AppError::Invalid(vec![crate::forms::FieldError { field: "confirm_duplicate".into(), message }]))
}

/// Accepts a new referral onto the caseload of `worker_id` (the signed-in link worker, if any).
pub async fn accept(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, worker_id: Option<String>) -> Result<(), AppError> {
    let header = casework_change(store, actor, referral_id).await?;
    header.status.accept()?;
    store.change_referral(who, referral_id, header.status, &ReferralChange::Accept { on: today(), worker_id }).await?;
    Ok(())
}

pub async fn decline(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, f: &Fields) -> Result<(), AppError> {
    let header = casework_change(store, actor, referral_id).await?;
    let reason = DeclineReason::parse(f.get("decline_reason"))?;
    header.status.decline()?;
    linkwork_domain::casework::triage::check_decline(reason, store.unsuccessful_attempts(referral_id).await?)?;
    store.change_referral(who, referral_id, header.status, &ReferralChange::Decline { on: today(), reason }).await?;
    Ok(())
}

pub async fn record_conversation(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, f: &Fields) -> Result<String, AppError> {
    let header = casework_change(store, actor, referral_id).await?;
    header.status.require_active()?;
    let today = today();
    let mut c = Checker::default();
    let held_on = c.check(parse_past_date("held_on", "date of the conversation", f.get("held_on"), today));
    let what_matters = c.check(WhatMatters::parse("what_matters", "what matters to the person, in their words", f.get("what_matters")));
    let needs = c.check(parse_needs(f.all("needs")));
    let mut goals = Vec::new();
    for (i, text) in f.indexed("goal_", GOAL_ROWS) {
        if text.trim().is_empty() {
            continue;
        }
        let description = c.check(GoalText::parse(goal_field(i), "the goal", text));
        let review_raw = f.get(&format!("review_{i}"));
        let review_on = if review_raw.trim().is_empty() { Some(None) } else { c.check(parse_iso_date(review_field(i), "review date", review_raw)).map(Some) };
        if let (Some(description), Some(review_on)) = (description, review_on) {
            goals.push(NewGoal { description, review_on });
        }
    }
    if goals.is_empty() && f.indexed("goal_", GOAL_ROWS).iter().all(|(_, t)| t.trim().is_empty()) {
        c.error("goal_0", "Enter at least one goal, in the person's words");
    }
    match (held_on, what_matters, needs) {
        (Some(held_on), Some(what_matters), Some(needs)) if c.is_ok() => Ok(store.record_conversation(who, referral_id, &NewConversation { held_on, what_matters, needs, goals }).await?),
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

fn goal_field(i: usize) -> &'static str {
    ["goal_0", "goal_1", "goal_2"].get(i).copied().unwrap_or("goal_0")
}
fn review_field(i: usize) -> &'static str {
    ["review_0", "review_1", "review_2"].get(i).copied().unwrap_or("review_0")
}

pub async fn add_contact(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, f: &Fields) -> Result<String, AppError> {
    let header = casework_change(store, actor, referral_id).await?;
    header.status.require_active()?;
    let mut c = Checker::default();
    let contact_on = c.check(parse_past_date("contact_on", "date of the contact", f.get("contact_on"), today()));
    let mode = c.check(ContactMode::parse(f.get("mode")));
    let minutes = c.check(Minutes::parse(f.get("minutes")));
    let accompanied = match f.get("accompanied").trim() {
        "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => {
            c.error("accompanied", "Select whether you went with the person to an activity");
            None
        }
    };
    let notes = c.check(BoundedText::<4000>::parse("notes", "notes", f.get("notes")));
    match (contact_on, mode, minutes, accompanied, notes) {
        (Some(contact_on), Some(mode), Some(minutes), Some(accompanied), Some(notes)) => {
            Ok(store.add_contact(who, referral_id, &NewContact { contact_on, mode, minutes, accompanied, notes: notes.into_option() }).await?)
        }
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

pub async fn add_measure(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, instrument: Instrument, f: &Fields) -> Result<String, AppError> {
    let header = casework_change(store, actor, referral_id).await?;
    let mut c = Checker::default();
    let timepoint = c.check(Timepoint::parse(f.get("timepoint")));
    // After discharge, a follow-up or discharge measure may still be entered late (within the
    // domain's window); it is marked as entered late.
    let discharged_on = store.referral_closure(referral_id).await?.and_then(|x| x.discharged_on);
    let entry = match header.status.measure_entry(timepoint, discharged_on, today()) {
        Ok(entry) => Some(entry),
        Err(e @ linkwork_domain::DomainError::Invalid { .. }) => c.check(Err(e)),
        Err(e) => return Err(e.into()),
    };
    let taken_on = c.check(parse_past_date("taken_on", "date the questionnaire was completed", f.get("taken_on"), today()));
    let raw: Vec<&str> = (1..=instrument.items().len()).map(|i| f.get(&format!("item_{i}"))).collect();
    let answers = match AnswerSet::parse_all(instrument, &raw) {
        Ok(answers) => Some(answers),
        Err(errors) => {
            errors.into_iter().for_each(|e| {
                c.check::<()>(Err(e));
            });
            None
        }
    };
    match (timepoint, taken_on, answers, entry) {
        (Some(timepoint), Some(taken_on), Some(answers), Some(entry)) => {
            let measure = NewMeasure { timepoint, taken_on, answers };
            Ok(match entry {
                linkwork_domain::casework::referral::MeasureEntry::OnTime => store.add_measure(who, referral_id, &measure).await?,
                linkwork_domain::casework::referral::MeasureEntry::Late => store.add_late_measure(who, referral_id, &measure).await?,
            })
        }
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

pub async fn refer_onward(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, f: &Fields) -> Result<String, AppError> {
    let header = casework_change(store, actor, referral_id).await?;
    header.status.require_active()?;
    let mut c = Checker::default();
    let service_id = f.get("service_id").trim();
    let service = if service_id.is_empty() { None } else { store.service(service_id).await? };
    let service = match service {
        None => {
            c.error("service_id", "Select a service from the directory");
            None
        }
        // A closed service would never answer: the referral would only wait.
        Some(s) if s.status != "active" => {
            c.error("service_id", format!("{} is not taking referrals: it is no longer active in the directory. Choose another service", s.name));
            None
        }
        found => found,
    };
    let note = c.check(BoundedText::<2000>::parse("note", "note for the service", f.get("note")));
    if let Some(service) = &service {
        c.check(linkwork_domain::person::consent::parse_share_consent(f.get("share_consent"), &service.org_name));
    }
    match (service, note) {
        (Some(_), Some(_)) if !c.is_ok() => Err(AppError::Invalid(c.into_errors())),
        (Some(service), Some(note)) => {
            // The id is chosen here so that the provider's notification, written in the same
            // transaction, can link to the referral.
            let onward = NewOnward { id: linkwork_store::new_id(), referral_id: referral_id.to_string(), service_id: service.id.clone(), sent_on: today(), note: note.into_option() };
            let notify = [crate::onward_loop::sent_notification(&onward.id, &service.org_id, &service.name)];
            Ok(store.send_onward(who, &onward, &notify).await?)
        }
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

/// Discharges after the walk-through (closing measures, goal review): see `crate::corrections`.
pub async fn discharge(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, f: &Fields) -> Result<(), AppError> {
    crate::corrections::discharge(store, actor, who, referral_id, f).await
}

/// Needs a service in the directory can meet, for labelling options.
pub fn need_labels(needs: &[NeedDomain]) -> String {
    needs.iter().map(|n| n.label()).collect::<Vec<_>>().join(", ")
}

/// What the service's measurement schedule says is due or overdue today for each open referral
/// (link workers: their own and unassigned people; managers: everyone). The one rule behind the
/// caseload's measure flags, "Measures due" and the API's caseload.
pub async fn measures_due(store: &dyn Store, service_org_id: &str, worker_id: Option<&str>, today: Date) -> Result<Vec<(linkwork_store::OpenMeasureFacts, Vec<linkwork_domain::casework::schedule::DueMeasure>)>, AppError> {
    let schedule = store.measurement_schedule(service_org_id).await?.unwrap_or_default();
    Ok(store
        .open_measure_facts(service_org_id, worker_id)
        .await?
        .into_iter()
        .map(|facts| {
            let due = linkwork_domain::casework::schedule::due_measures(&schedule, facts.dates, &facts.taken, today);
            (facts, due)
        })
        .collect())
}

/// [`measures_due`] by referral id.
pub async fn measures_due_by_referral(store: &dyn Store, service_org_id: &str, worker_id: Option<&str>, today: Date) -> Result<std::collections::HashMap<String, Vec<linkwork_domain::casework::schedule::DueMeasure>>, AppError> {
    Ok(measures_due(store, service_org_id, worker_id, today).await?.into_iter().map(|(f, due)| (f.referral_id, due)).collect())
}

/// A person's whole record through a referral the actor works on: access is checked first (a role
/// without casework is refused, another service's referral is not found), and the store audits
/// the read as `referral.read`.
pub async fn referral_record(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId) -> Result<linkwork_store::ReferralRecord, AppError> {
    crate::access::casework_referral(store, actor, referral_id).await?;
    store.referral_record(who, referral_id).await?.ok_or(AppError::NotFound)
}

/// As [`referral_record`], for a form about the person while they are on the caseload: a closed
/// referral is refused before anything is read.
pub async fn active_record(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId) -> Result<linkwork_store::ReferralRecord, AppError> {
    let header = crate::access::casework_referral(store, actor, referral_id).await?;
    header.status.require_active()?;
    store.referral_record(who, referral_id).await?.ok_or(AppError::NotFound)
}

/// What a referral's page shows besides the record itself, read after one access check.
pub struct RecordPage {
    pub record: linkwork_store::ReferralRecord,
    /// The organisation that referred (a practice or partner), by name.
    pub referred_by: Option<String>,
    /// Differences between the referral's details and the person's, not yet settled.
    pub open_conflicts: Vec<linkwork_store::IdentityConflict>,
    /// Agreements to share contact details that still stand.
    pub sharing: Vec<linkwork_store::SharingConsent>,
    /// Every onward referral's history, oldest first.
    pub onward_events: Vec<linkwork_store::OnwardEvent>,
    /// Closing measures recorded as not taken, with why.
    pub not_taken: Vec<linkwork_store::MeasureNotTaken>,
    /// The referral's service's measurement schedule (for late entries after discharge).
    pub schedule: linkwork_domain::casework::schedule::MeasurementSchedule,
}

/// A referral's page for a casework user of its service (the record read is audited).
pub async fn record_page(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId) -> Result<RecordPage, AppError> {
    let record = referral_record(store, actor, who, referral_id).await?;
    let referred_by = match &record.referral.referred_by_org_id {
        Some(org) => store.org(org).await?.map(|o| o.name),
        None => None,
    };
    Ok(RecordPage {
        referred_by,
        open_conflicts: store.referral_identity_conflicts(referral_id).await?.into_iter().filter(|c| c.open).collect(),
        sharing: store.sharing_consents(referral_id).await?.into_iter().filter(|s| s.withdrawn_on.is_none()).collect(),
        onward_events: store.referral_onward_events(referral_id).await?,
        not_taken: store.measures_not_taken(referral_id).await?,
        schedule: crate::measurement::schedule(store, &record.referral.service_org_id).await?,
        record,
    })
}
