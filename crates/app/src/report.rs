//! The evaluation report as an operator on the server asks for it (`linkwork report`): of the
//! ICB, PCN or practice a scope names, or of every service in the database. Every figure is
//! suppressed before it leaves the domain's `evaluate`, so no person is read here.

use crate::store::{Org, Store};
use crate::AppError;
use linkwork_domain::access::OrgKind;
use linkwork_domain::evaluation::report_scope::{ReportScope, ScopeKind, ScopeRequest};
use linkwork_domain::evaluation::{EvaluationSettings, Period, Report};

/// The scope a request names: an ICB, PCN or practice by id, ODS code or name, of the kind it
/// asks for when it says one.
pub async fn scope_named(store: &dyn Store, request: &ScopeRequest) -> Result<ReportScope, AppError> {
    let org: Org = store.find_org(&request.key).await?.ok_or_else(|| AppError::Conflict(format!("no organisation with id, ODS code or name {:?}", request.key)))?;
    if let Some(kind) = request.kind {
        let expected = match kind {
            ScopeKind::Icb => OrgKind::Icb,
            ScopeKind::Pcn => OrgKind::Pcn,
            ScopeKind::Practice => OrgKind::Practice,
        };
        if org.kind != expected {
            return Err(AppError::Conflict(format!("\"{}\" is a {}, not a {}", org.name, org.kind.label().to_lowercase(), kind.label().to_lowercase())));
        }
    }
    linkwork_store::scope_for_org(store, &org).await?.ok_or_else(|| AppError::Conflict(format!("--scope must name an ICB, a PCN or a GP practice (\"{}\" is a {})", org.name, org.kind.label().to_lowercase())))
}

/// The evaluation of `scope` for `period`.
pub async fn scoped(store: &dyn Store, scope: &ReportScope, period: Period, settings: &EvaluationSettings) -> Result<Report, AppError> {
    Ok(linkwork_store::scoped_report(store, scope, period, settings).await?)
}

/// The evaluation of every service (PCN) in the database for `period`, named after the ICB when
/// there is one, "All services" otherwise.
pub async fn every_service(store: &dyn Store, period: Period, settings: &EvaluationSettings) -> Result<Report, AppError> {
    let icbs = store.orgs(OrgKind::Icb, None).await?;
    let pcns = store.orgs(OrgKind::Pcn, None).await?;
    let name = if icbs.len() == 1 { icbs[0].name.clone() } else { "All services".to_owned() };
    Ok(linkwork_store::evaluation_report(store, &name, &pcns.into_iter().map(|p| p.id).collect::<Vec<_>>(), period, settings).await?)
}
