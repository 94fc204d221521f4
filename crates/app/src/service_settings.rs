//! A service's settings as the command line changes them (an operator on the server, acting as
//! `cli:<account>`): the referral-rate target band, a link worker's WTE, how long records are
//! kept, and how the public reach the service. The rules (which organisation is a service, the
//! ranges allowed) are here so no shell writes these to the store itself.

use crate::AppError;
use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::evaluation::workforce::YearTarget;
use linkwork_domain::interop::snomed_maps::{SnomedNeedMap, SnomedScoreMap};
use linkwork_domain::person::contact_details::ServiceContact;
use linkwork_store::{AuditActor, Org, Store, User};

/// The shortest and longest retention periods a service may set, in years.
pub const RETENTION_YEARS: std::ops::RangeInclusive<i64> = 1..=100;

/// The link-worker service (PCN) named by id, ODS code or exact name.
pub async fn find_service(store: &dyn Store, key: &str) -> Result<Org, AppError> {
    let org = store.find_org(key).await?.ok_or_else(|| AppError::Conflict(format!("no organisation with id, ODS code or name {key:?}")))?;
    if org.kind != OrgKind::Pcn {
        return Err(AppError::Conflict(format!("--org must name a primary care network (\"{}\" is a {})", org.name, org.kind.label().to_lowercase())));
    }
    Ok(org)
}

pub async fn set_referral_target(store: &dyn Store, service: &Org, target: &YearTarget) -> Result<(), AppError> {
    Ok(store.set_referral_target(&service.id, target).await?)
}

pub async fn referral_targets(store: &dyn Store, service: &Org) -> Result<Vec<YearTarget>, AppError> {
    Ok(store.referral_targets(&service.id).await?)
}

/// Sets the WTE of the service's link worker with this e-mail address (`None` clears it).
pub async fn set_worker_wte(store: &dyn Store, who: &AuditActor, service: &Org, email: &str, wte: Option<f64>) -> Result<User, AppError> {
    let users = store.users(&service.id, Some(Role::LinkWorker)).await?;
    let user = users.into_iter().find(|u| u.email.eq_ignore_ascii_case(email.trim())).ok_or_else(|| AppError::Conflict(format!("{} has no link worker with the e-mail address {}", service.name, email)))?;
    store.set_worker_wte(who, &service.id, &user.id, wte).await?;
    Ok(user)
}

pub async fn set_retention_years(store: &dyn Store, who: &AuditActor, service: &Org, years: i64) -> Result<(), AppError> {
    if !RETENTION_YEARS.contains(&years) {
        return Err(AppError::Conflict("--years must be from 1 to 100".into()));
    }
    Ok(store.set_retention_years(who, &service.id, years).await?)
}

/// The service's SNOMED CT → need-domain mapping (empty when none is set).
pub async fn snomed_need_map(store: &dyn Store, service: &Org) -> Result<SnomedNeedMap, AppError> {
    Ok(store.snomed_need_map(&service.id).await?)
}

/// The SNOMED CT concepts the service sends its scores as (empty when none is set).
pub async fn snomed_score_map(store: &dyn Store, service: &Org) -> Result<SnomedScoreMap, AppError> {
    Ok(store.snomed_score_map(&service.id).await?)
}

/// Replaces the service's score → SNOMED CT mapping; an empty one removes it.
pub async fn set_snomed_score_map(store: &dyn Store, who: &AuditActor, service: &Org, map: &SnomedScoreMap) -> Result<(), AppError> {
    Ok(store.set_snomed_score_map(who, &service.id, map).await?)
}

/// Replaces the service's SNOMED CT → need-domain mapping; an empty one removes it.
pub async fn set_snomed_need_map(store: &dyn Store, who: &AuditActor, service: &Org, map: &SnomedNeedMap) -> Result<(), AppError> {
    Ok(store.set_snomed_need_map(who, &service.id, map).await?)
}

pub async fn set_service_contact(store: &dyn Store, who: &AuditActor, service: &Org, contact: &ServiceContact) -> Result<(), AppError> {
    Ok(store.set_service_contact(who, &service.id, contact).await?)
}
