//! People's rights and who a person is, as use cases every shell shares: settling identity
//! conflicts, correcting details (rectification), subject access, restriction, erasure and
//! retention, and the manager's audit trail. Access is checked here; the store writes each
//! change with its audit event in one transaction.

use linkwork_domain::ids::PersonId;
use linkwork_domain::ids::ReferralId;
use crate::access::require_casework;
use crate::clock::today;
use crate::forms::{Checker, Fields};
use crate::AppError;
use linkwork_domain::access::{Actor, OrgKind, Role};
use linkwork_domain::person::identity::{ConflictResolution, DetailsSource, HeldDetails};
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, PersonName, Sex};
use linkwork_domain::{Postcode, RequiredText};
use linkwork_store::{incoming_subject, AuditActor, AuditEntry, AuditQuery, ErasureGround, IdentityConflict, Incoming, Org, PersonChange, ReferralHeader, ReferralRecord, SharingConsent, Store};
use serde::Serialize;

/// The service's retention period when a manager has not set one: eight years after the last
/// referral closed (the NHS records management code's period for adult care records).
pub const DEFAULT_RETENTION_YEARS: i64 = 8;

/// Manager-only actions (people's rights, the audit trail, retention).
pub fn require_manager(actor: &Actor) -> Result<(), AppError> {
    if actor.role == Role::Manager {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The referrals of a person of the actor's own service; `NotFound` for anyone else's (or an
/// erased person), so ids cannot be probed.
pub async fn casework_person(store: &dyn Store, actor: &Actor, person_id: &PersonId) -> Result<Vec<ReferralHeader>, AppError> {
    require_casework(actor)?;
    let headers = store.referrals_of_person(person_id).await?;
    if headers.is_empty() || headers.iter().any(|h| !actor.may_access_casework(&h.service_org_id)) {
        return Err(AppError::NotFound);
    }
    Ok(headers)
}

/// A person's details as held, for a casework user of their service (the read audited as
/// `person.read_details`): their NHS number and stored details. `NotFound` for anyone else's.
pub async fn held_details(store: &dyn Store, actor: &Actor, who: &AuditActor, person_id: &PersonId) -> Result<(linkwork_domain::NhsNumber, linkwork_domain::person::identity::StoredDetails), AppError> {
    casework_person(store, actor, person_id).await?;
    let held = store.person_details(person_id).await?.ok_or(AppError::NotFound)?;
    store.record_read(who, &linkwork_store::ReadAudit::one("person.read_details", "person", person_id, person_id)).await?;
    Ok(held)
}

/// The GP practices of the actor's service (the choices of a person's practice).
pub async fn service_practices(store: &dyn Store, actor: &Actor) -> Result<Vec<Org>, AppError> {
    require_casework(actor)?;
    Ok(store.orgs(OrgKind::Practice, Some(&actor.org_id)).await?)
}

/// The service's retention period as set (`None`: the default applies), and how many records
/// it would erase today.
pub async fn retention_status(store: &dyn Store, actor: &Actor) -> Result<(Option<i64>, usize), AppError> {
    require_manager(actor)?;
    let set = store.retention_years(&actor.org_id).await?;
    let years = set.unwrap_or(DEFAULT_RETENTION_YEARS);
    let today = today();
    let cutoff = today.replace_year(today.year() - years as i32).unwrap_or(today);
    Ok((set, store.retention_due(&actor.org_id, cutoff).await?.len()))
}

/// An identity conflict of a referral the actor works on.
pub async fn identity_conflict(store: &dyn Store, actor: &Actor, referral_id: &ReferralId, conflict_id: &str) -> Result<IdentityConflict, AppError> {
    crate::access::casework_referral(store, actor, referral_id).await?;
    let conflict = store.identity_conflict(conflict_id).await?.ok_or(AppError::NotFound)?;
    if conflict.referral_id != referral_id.as_str() {
        return Err(AppError::NotFound);
    }
    Ok(conflict)
}

/// Settles an identity conflict with the `resolution` field: keep the details held, or take the
/// referral's (every change kept in the person's history).
pub async fn resolve_conflict(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, conflict_id: &str, f: &Fields) -> Result<ConflictResolution, AppError> {
    let conflict = identity_conflict(store, actor, referral_id, conflict_id).await?;
    let resolution = ConflictResolution::parse(f.get("resolution"))?;
    if !conflict.open {
        return Err(AppError::Conflict("This identity conflict has already been settled".into()));
    }
    store.resolve_identity_conflict(who, conflict_id, resolution).await?;
    Ok(resolution)
}

/// Parses the "correct details" form: every detail but the NHS number, which identifies the person.
pub fn parse_details(f: &Fields, nhs_number: &linkwork_domain::NhsNumber, practices: &[Org]) -> Result<HeldDetails, AppError> {
    let mut c = Checker::default();
    let given_name = c.check(PersonName::parse("given_name", "the person's first name", f.get("given_name")));
    let family_name = c.check(PersonName::parse("family_name", "the person's last name", f.get("family_name")));
    let date_of_birth = c.check(DateOfBirth::parse(f.get("date_of_birth"), today()));
    let sex = c.check(Sex::parse(f.get("sex")));
    let ethnicity = c.check(Ethnicity::parse(f.get("ethnicity")));
    let postcode = c.check(Postcode::parse(f.get("postcode")));
    let practice_id = f.get("practice_id").trim();
    if !practices.iter().any(|p| p.id == practice_id) {
        c.error("practice_id", "Select the person's GP practice");
    }
    match (given_name, family_name, date_of_birth, sex, ethnicity, postcode) {
        (Some(given_name), Some(family_name), Some(date_of_birth), Some(sex), Some(ethnicity), Some(postcode)) if c.is_ok() => Ok(HeldDetails {
            person: PersonDetails { nhs_number: nhs_number.clone(), given_name, family_name, date_of_birth, sex, ethnicity, postcode },
            practice_id: Some(practice_id.to_owned()),
        }),
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

/// Corrects a person's details on request (rectification); returns how many changed.
pub async fn correct_details(store: &dyn Store, actor: &Actor, who: &AuditActor, person_id: &PersonId, f: &Fields) -> Result<usize, AppError> {
    casework_person(store, actor, person_id).await?;
    let (nhs_number, _) = store.person_details(person_id).await?.ok_or(AppError::NotFound)?;
    let practices = store.orgs(OrgKind::Practice, Some(&actor.org_id)).await?;
    let details = parse_details(f, &nhs_number, &practices)?;
    Ok(store.correct_person(who, person_id, &details, DetailsSource::Rectification).await?)
}

/// Everything held about one person, for a subject access request (UK GDPR article 15).
#[derive(Debug, Serialize)]
pub struct SubjectAccess {
    pub produced_at: String,
    pub service: String,
    pub nhs_number: String,
    pub details: linkwork_domain::person::identity::StoredDetails,
    /// How to reach the person (their changes are in `details_history`).
    pub contact_details: linkwork_domain::person::contact_details::ContactDetails,
    pub restricted: Option<String>,
    pub details_history: Vec<PersonChange>,
    pub referrals: Vec<ReferralAccess>,
    pub incoming_referrals: Vec<Incoming>,
    pub health_activity: Vec<ActivityAccess>,
    pub evidence: Vec<EvidenceAccess>,
    /// Who read or changed the record, and when (the audit trail about the person).
    pub access_log: Vec<AccessLogEntry>,
}

#[derive(Debug, Serialize)]
pub struct ReferralAccess {
    pub record: ReferralRecord,
    pub sharing_consents: Vec<SharingConsent>,
    pub identity_conflicts: Vec<IdentityConflict>,
}

#[derive(Debug, Serialize)]
pub struct ActivityAccess {
    pub date: time::Date,
    pub contact_type: String,
    pub bed_days: Option<i64>,
    pub source: String,
}

#[derive(Debug, Serialize)]
pub struct EvidenceAccess {
    pub title: String,
    pub kind: String,
    pub text: String,
    pub recorded_on: time::Date,
}

#[derive(Debug, Serialize)]
pub struct AccessLogEntry {
    pub at: String,
    pub action: String,
    /// Who: a person's name and organisation, an organisation's system (API token), or the
    /// command line.
    pub by: String,
    /// For a list read: how many people it showed.
    pub people_shown: usize,
}

/// Describes who acted in an audit event.
pub fn actor_label(e: &AuditEntry) -> String {
    match (&e.user_name, &e.org_name, &e.token_id) {
        (Some(name), Some(org), _) => format!("{name} ({org})"),
        (Some(name), None, _) => name.clone(),
        (None, org, Some(token)) if token.starts_with("cli:") => format!("Command line, account {} ({})", &token[4..], org.clone().unwrap_or_default()),
        (None, Some(org), Some(_)) => format!("{org}'s system, through the API"),
        (None, Some(org), None) => org.clone(),
        (None, None, _) => "Not recorded".into(),
    }
}

/// A manager's subject access request for a person of their service.
pub async fn subject_access_for(store: &dyn Store, actor: &Actor, who: &AuditActor, person_id: &PersonId) -> Result<SubjectAccess, AppError> {
    require_manager(actor)?;
    casework_person(store, actor, person_id).await?;
    subject_access(store, who, person_id).await
}

/// Gathers everything held about a person (each referral record read is audited, and the
/// request itself is recorded). The caller has checked access (a manager of the person's
/// service, or an administrator on the server's command line).
pub async fn subject_access(store: &dyn Store, who: &AuditActor, person_id: &PersonId) -> Result<SubjectAccess, AppError> {
    let privacy = store.person_privacy(person_id).await?.ok_or(AppError::NotFound)?;
    if privacy.erased_at.is_some() {
        return Err(AppError::Conflict("This record has been erased: nothing that identifies the person is held".into()));
    }
    let (nhs_number, details) = store.person_details(person_id).await?.ok_or(AppError::NotFound)?;
    store.record_event(who, "person.subject_access", "person", person_id, Some(person_id)).await?;
    let service = store.org(&privacy.service_org_id).await?.map(|o| o.name).unwrap_or_default();
    let mut referrals = Vec::new();
    for header in store.referrals_of_person(person_id).await? {
        let record = store.referral_record(who, &header.id).await?.ok_or(AppError::NotFound)?;
        referrals.push(ReferralAccess { sharing_consents: store.sharing_consents(&header.id).await?, identity_conflicts: store.referral_identity_conflicts(&header.id).await?, record });
    }
    let extras = store.person_extras(person_id).await?;
    let mut log = store.person_audit(person_id).await?;
    for incoming in &extras.incoming {
        log.extend(store.person_audit(&incoming_subject(&incoming.id)).await?);
    }
    log.sort_by_key(|e| (e.at, e.seq));
    Ok(SubjectAccess {
        produced_at: time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        service,
        nhs_number: nhs_number.as_str().to_owned(),
        details,
        contact_details: store.contact_details(person_id).await?,
        restricted: privacy.restriction_reason,
        details_history: store.person_changes(person_id).await?,
        referrals,
        incoming_referrals: extras.incoming,
        health_activity: extras.health_activity.into_iter().map(|(date, contact_type, bed_days, source)| ActivityAccess { date, contact_type, bed_days, source }).collect(),
        evidence: extras.evidence.into_iter().map(|(title, kind, text, recorded_on)| EvidenceAccess { title, kind, text, recorded_on }).collect(),
        access_log: log
            .iter()
            .map(|e| AccessLogEntry { at: e.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(), action: e.action.clone(), by: actor_label(e), people_shown: e.people_count() })
            .collect(),
    })
}

/// A manager's reason for an action on a person's rights: required, up to 500 characters.
fn parse_reason(f: &Fields) -> Result<String, AppError> {
    Ok(RequiredText::<500>::parse("reason", "the reason (for example, the date and reference of the person's request)", f.get("reason"))?.into_string())
}

/// Restricts a person's record on their request (article 18): kept, but not changed until lifted.
pub async fn restrict(store: &dyn Store, actor: &Actor, who: &AuditActor, person_id: &PersonId, f: &Fields) -> Result<(), AppError> {
    require_manager(actor)?;
    casework_person(store, actor, person_id).await?;
    let reason = parse_reason(f)?;
    Ok(store.restrict_person(who, person_id, &reason).await?)
}

pub async fn lift_restriction(store: &dyn Store, actor: &Actor, who: &AuditActor, person_id: &PersonId) -> Result<(), AppError> {
    require_manager(actor)?;
    casework_person(store, actor, person_id).await?;
    Ok(store.lift_restriction(who, person_id).await?)
}

/// Erases a person's identity on their request (article 17), keeping de-identified rows for the
/// figures. Irreversible, so the form must confirm it (`confirm` = "yes") and give a reason.
pub async fn erase(store: &dyn Store, actor: &Actor, who: &AuditActor, person_id: &PersonId, f: &Fields) -> Result<(), AppError> {
    require_manager(actor)?;
    casework_person(store, actor, person_id).await?;
    let mut c = Checker::default();
    let reason = c.check(RequiredText::<500>::parse("reason", "the reason (for example, the date and reference of the person's request)", f.get("reason")));
    if f.get("confirm").trim() != "yes" {
        c.error("confirm", "Confirm that you understand the person's identity and notes will be removed for good");
    }
    match reason {
        Some(reason) if c.is_ok() => Ok(store.erase_person(who, person_id, ErasureGround::Request, reason.as_str()).await?),
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

/// What one run of the retention rule did.
#[derive(Debug, Default, Serialize)]
pub struct RetentionRun {
    /// Per service: its name, its period in years, and how many people were (or, in a dry run,
    /// would be) erased.
    pub services: Vec<(String, i64, usize)>,
}

/// Applies each service's retention period: erases the identity of people whose referrals all
/// closed more than that many years before `today`. With `dry_run`, only counts them.
pub async fn apply_retention(store: &dyn Store, who: &AuditActor, today: time::Date, dry_run: bool) -> Result<RetentionRun, AppError> {
    let mut run = RetentionRun::default();
    for service in store.orgs(OrgKind::Pcn, None).await? {
        let years = store.retention_years(&service.id).await?.unwrap_or(DEFAULT_RETENTION_YEARS);
        let cutoff = today.replace_year(today.year() - years as i32).unwrap_or(today - time::Duration::days(365 * years));
        let due = store.retention_due(&service.id, cutoff).await?;
        if !dry_run {
            for person in &due {
                store.erase_person(who, person, ErasureGround::Retention, &format!("{years} years after the last referral closed")).await?;
            }
        }
        run.services.push((service.name, years, due.len()));
    }
    Ok(run)
}

/// Sets the service's retention period (a manager, 1 to 100 years).
pub async fn set_retention(store: &dyn Store, actor: &Actor, who: &AuditActor, f: &Fields) -> Result<i64, AppError> {
    require_manager(actor)?;
    let years: i64 = match f.get("years").trim().parse() {
        Ok(y) if (1..=100).contains(&y) => y,
        _ => return Err(AppError::Invalid(vec![crate::forms::FieldError { field: "years".into(), message: "Enter the number of years, from 1 to 100".into() }])),
    };
    store.set_retention_years(who, &actor.org_id, years).await?;
    Ok(years)
}

/// Runs the retention rule once a day while the server runs.
pub fn spawn_retention(store: std::sync::Arc<dyn Store>) {
    tokio::spawn(async move {
        let who = AuditActor { user_id: None, token_id: Some("retention-job".into()), org_id: None };
        let mut every = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
        loop {
            every.tick().await;
            match apply_retention(&*store, &who, today(), false).await {
                Ok(run) => {
                    let erased: usize = run.services.iter().map(|s| s.2).sum();
                    tracing::info!(erased, "retention rule applied");
                }
                Err(e) => tracing::error!(error = %e, "retention rule failed"),
            }
        }
    });
}

/// A page of the service's audit trail, for its manager.
pub async fn audit_trail(store: &dyn Store, actor: &Actor, query: AuditQuery) -> Result<Vec<AuditEntry>, AppError> {
    require_manager(actor)?;
    Ok(store.audit_trail(&AuditQuery { service_org_id: actor.org_id.clone(), ..query }).await?)
}

/// The records held under an NHS number, one per service that holds it (erased ones left out):
/// for a subject access request answered by an operator on the server (`linkwork
/// subject-access`), who then reads each through [`subject_access`], which audits it.
pub async fn records_by_nhs_number(store: &dyn Store, nhs_number: &linkwork_domain::NhsNumber) -> Result<Vec<linkwork_store::PersonPrivacy>, AppError> {
    Ok(store.people_by_nhs_number(nhs_number).await?.into_iter().filter(|p| p.erased_at.is_none()).collect())
}

/// Erases, on the person's request, the record `service` holds under `nhs_number`, as an
/// operator on the server (`linkwork erase`; `who` names them in the audit trail). The reason is
/// required, as in the app.
pub async fn erase_by_nhs_number(store: &dyn Store, who: &AuditActor, service: &Org, nhs_number: &linkwork_domain::NhsNumber, reason: &str) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Conflict("--reason: say why the record is erased (for example the date and reference of the request)".into()));
    }
    let person = store
        .people_by_nhs_number(nhs_number)
        .await?
        .into_iter()
        .find(|p| p.service_org_id == service.id)
        .ok_or_else(|| AppError::Conflict(format!("{} holds no record with NHS number {nhs_number}", service.name)))?;
    Ok(store.erase_person(who, &person.person_id, ErasureGround::Request, reason).await?)
}
