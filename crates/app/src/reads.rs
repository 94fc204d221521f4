//! Reads that show people, other than a whole referral record (which the store audits itself as
//! `referral.read`): caseloads, searches, triage, the partners' and practices' lists, the MDT list,
//! measures due, and single incoming or onward referrals. Each checks access, reads, and records
//! the read in the audit trail — one event per request naming every person shown (incoming
//! referrals, which have no person yet, as `incoming:<id>`) — so no page, API route or command
//! can show people without leaving a trace (docs/security.md, "Audit").

use linkwork_domain::ids::OnwardId;
use crate::access::require_casework;
use crate::AppError;
use linkwork_domain::access::{Actor, Role};
use linkwork_store::{incoming_subject, AuditActor, CaseloadEntry, Incoming, MdtMeeting, PartnerReferral, PersonMatch, PersonQuery, ReadAudit, ReferrerView, Store};

async fn record(store: &dyn Store, who: &AuditActor, action: &str, of: &str, people: impl IntoIterator<Item = String>) -> Result<(), AppError> {
    store.record_read(who, &ReadAudit::list(action, of, people)).await?;
    Ok(())
}

/// Which slice of a long list to return: at most `limit` items, skipping the first `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub offset: usize,
    pub limit: usize,
}

impl Paging {
    /// Items in a page when the caller does not say.
    pub const DEFAULT_LIMIT: usize = 100;
    /// The most a caller may ask for in one page.
    pub const MAX_LIMIT: usize = 500;

    /// From `limit` and `offset` in a query string; either may be left out.
    pub fn from_query(f: &crate::forms::Fields) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let mut number = |field: &str, default: usize, range: std::ops::RangeInclusive<usize>, message: String| {
            let text = f.get(field).trim();
            if text.is_empty() {
                return default;
            }
            match text.parse::<usize>() {
                Ok(n) if range.contains(&n) => n,
                _ => {
                    errors.push(crate::forms::FieldError { field: field.to_owned(), message });
                    default
                }
            }
        };
        let limit = number("limit", Self::DEFAULT_LIMIT, 1..=Self::MAX_LIMIT, format!("limit must be a whole number from 1 to {}", Self::MAX_LIMIT));
        let offset = number("offset", 0, 0..=usize::MAX, "offset must be a whole number, 0 or more".to_owned());
        if errors.is_empty() { Ok(Self { offset, limit }) } else { Err(AppError::Invalid(errors)) }
    }
}

/// One page of a longer list, with how many items the whole list has.
#[derive(Debug)]
pub struct PageOf<T> {
    pub items: Vec<T>,
    pub total: usize,
    pub paging: Paging,
}

impl<T> PageOf<T> {
    /// Where the next page starts, when there is one.
    pub fn next_offset(&self) -> Option<usize> {
        let next = self.paging.offset.saturating_add(self.paging.limit);
        (next < self.total).then_some(next)
    }
}

/// A page of a service's caseload: one link worker's (with the unassigned referrals) or
/// everyone's, in the store's order (new first, then accepted, newest referral first). Only the
/// people on the page are audited as read.
pub async fn caseload(store: &dyn Store, actor: &Actor, who: &AuditActor, worker_id: Option<&str>, open_only: bool, paging: Paging) -> Result<PageOf<CaseloadEntry>, AppError> {
    require_casework(actor)?;
    let entries = store.caseload(&actor.org_id, worker_id, open_only).await?;
    let total = entries.len();
    let items: Vec<CaseloadEntry> = entries.into_iter().skip(paging.offset).take(paging.limit).collect();
    record(store, who, "caseload.read", &actor.org_id, items.iter().map(|e| e.person_id.clone())).await?;
    Ok(PageOf { items, total, paging })
}

/// People of the actor's service matching a name, NHS number or date of birth.
pub async fn search_people(store: &dyn Store, actor: &Actor, who: &AuditActor, query: &PersonQuery) -> Result<Vec<PersonMatch>, AppError> {
    require_casework(actor)?;
    let found = store.search_people(&actor.org_id, query).await?;
    record(store, who, "people.search", &actor.org_id, found.iter().map(|p| p.person_id.clone())).await?;
    Ok(found)
}

/// Incoming referrals (self and VCSE) waiting for the service's triage.
pub async fn triage_queue(store: &dyn Store, actor: &Actor, who: &AuditActor) -> Result<Vec<Incoming>, AppError> {
    require_casework(actor)?;
    let pending = store.pending_incoming(&actor.org_id).await?;
    record(store, who, "triage.read", &actor.org_id, pending.iter().map(|i| incoming_subject(&i.id))).await?;
    Ok(pending)
}

/// The incoming referrals a VCSE partner made, with their status.
pub async fn incoming_made_by(store: &dyn Store, actor: &Actor, who: &AuditActor) -> Result<Vec<Incoming>, AppError> {
    if actor.role != Role::VcsePartner {
        return Err(AppError::Forbidden);
    }
    let made = store.incoming_from(&actor.org_id).await?;
    record(store, who, "incoming.list", &actor.org_id, made.iter().map(|i| incoming_subject(&i.id))).await?;
    Ok(made)
}

/// One incoming referral, for its service's triage (its phone, e-mail and reason).
pub async fn incoming(store: &dyn Store, actor: &Actor, who: &AuditActor, id: &str) -> Result<Incoming, AppError> {
    let incoming = crate::intake::triage_incoming(store, actor, id).await?;
    store.record_read(who, &ReadAudit { action: "incoming.read".into(), entity: "incoming".into(), entity_id: id.to_owned(), people: vec![incoming_subject(id)] }).await?;
    Ok(incoming)
}

/// Onward referrals to the partner's own services (with how to reach each person only where
/// they agreed to share with the partner: `crate::contact_details::for_partner`).
pub async fn partner_referrals(store: &dyn Store, actor: &Actor, who: &AuditActor) -> Result<Vec<PartnerReferral>, AppError> {
    if actor.role != Role::VcsePartner {
        return Err(AppError::Forbidden);
    }
    let mut rows = store.partner_referrals(&actor.org_id).await?;
    for row in &mut rows {
        crate::contact_details::for_partner(store, actor, row).await?;
    }
    record(store, who, "partner.referrals.read", &actor.org_id, rows.iter().map(|r| r.person_id.clone())).await?;
    Ok(rows)
}

/// One onward referral, as its partner sees it.
pub async fn partner_referral(store: &dyn Store, actor: &Actor, who: &AuditActor, onward_id: &OnwardId) -> Result<PartnerReferral, AppError> {
    let mut referral = crate::access::partner_referral(store, actor, onward_id).await?;
    crate::contact_details::for_partner(store, actor, &mut referral).await?;
    store.record_read(who, &ReadAudit::one("partner.referral.read", "onward_referral", onward_id, &referral.person_id)).await?;
    Ok(referral)
}

/// The referrals a GP practice made, with their status.
pub async fn referrals_from(store: &dyn Store, actor: &Actor, who: &AuditActor) -> Result<Vec<ReferrerView>, AppError> {
    if actor.role != Role::PracticeStaff {
        return Err(AppError::Forbidden);
    }
    let rows = store.referrals_from(&actor.org_id).await?;
    record(store, who, "practice.referrals.read", &actor.org_id, rows.iter().map(|r| r.person_id.clone())).await?;
    Ok(rows)
}

/// The service's MDT meetings with the people discussed.
pub async fn mdt_meetings(store: &dyn Store, actor: &Actor, who: &AuditActor) -> Result<Vec<MdtMeeting>, AppError> {
    require_casework(actor)?;
    let meetings = store.mdt_meetings(&actor.org_id).await?;
    record(store, who, "mdt.read", &actor.org_id, meetings.iter().flat_map(|m| m.person_ids.iter().cloned())).await?;
    Ok(meetings)
}

/// Records that a list showing these people was read (for reads assembled elsewhere, such as
/// the onward loop's attention list).
pub async fn record_list(store: &dyn Store, who: &AuditActor, action: &str, of: &str, people: impl IntoIterator<Item = String>) -> Result<(), AppError> {
    record(store, who, action, of, people).await
}
