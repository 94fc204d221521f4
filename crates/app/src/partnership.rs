//! The partnership reports as use cases (issue 4): who may see which partner's feedback, and the
//! gap and network reports for managers and commissioners. Shared by the pages and the API.

use crate::report_scopes::report_scope;
use crate::clock::today;
use crate::AppError;
use linkwork_domain::access::{Actor, OrgKind, Role};
use linkwork_domain::evaluation::disclosure::SuppressionPolicy;
use linkwork_domain::evaluation::Period;
use linkwork_domain::onward::partnership::{self, GapReport, NetworkEdge, PartnerFeedback};
use linkwork_store::{PartnershipInput, Store};

/// The partner report's scope: a VCSE partner sees its own organisation across every PCN;
/// managers and commissioners see any VCSE organisation within their own aggregate scope.
pub async fn partner_scope(store: &dyn Store, actor: &Actor, org_id: Option<&str>) -> Result<(String, Vec<String>), AppError> {
    match (actor.role, org_id) {
        (Role::VcsePartner, None) => {
            let pcns = store.orgs(OrgKind::Pcn, None).await?;
            Ok((actor.org_id.clone(), pcns.into_iter().map(|p| p.id).collect()))
        }
        (Role::Manager | Role::Commissioner | Role::Admin, Some(org_id)) => {
            let (_, services) = report_scope(store, actor).await?;
            match store.org(org_id).await? {
                Some(org) if org.kind == OrgKind::Vcse => Ok((org.id, services)),
                _ => Err(AppError::NotFound),
            }
        }
        // A partner reads its own report (`None`), never another organisation's by id: the same
        // answer for every id, like every role without access to a route.
        _ => Err(AppError::Forbidden),
    }
}

/// Gaps and network are for managers (their PCN) and commissioners (their ICB's PCNs).
pub async fn funder_scope(store: &dyn Store, actor: &Actor) -> Result<(String, Vec<String>), AppError> {
    if !matches!(actor.role, Role::Manager | Role::Commissioner | Role::Admin) {
        return Err(AppError::Forbidden);
    }
    report_scope(store, actor).await
}

async fn facts(store: &dyn Store, services: &[String], period: Period) -> Result<PartnershipInput, AppError> {
    Ok(store.partnership_input(services, period).await?)
}

pub async fn feedback(store: &dyn Store, actor: &Actor, org_id: Option<&str>, period: Period) -> Result<PartnerFeedback, AppError> {
    let (partner_id, services) = partner_scope(store, actor, org_id).await?;
    let input = facts(store, &services, period).await?;
    let mut report = partnership::partner_feedback(&partner_id, &input.onward, &input.measures, period, SuppressionPolicy::default());
    if report.partner.is_empty() {
        report.partner = store.org(&partner_id).await?.map(|o| o.name).unwrap_or_default();
    }
    Ok(report)
}

pub async fn gap_report(store: &dyn Store, actor: &Actor, period: Period) -> Result<(String, GapReport), AppError> {
    let (scope, services) = funder_scope(store, actor).await?;
    let input = facts(store, &services, period).await?;
    Ok((scope, partnership::gaps(&input.needs, &input.services, &input.onward, today(), period, SuppressionPolicy::default())))
}

pub async fn network_edges(store: &dyn Store, actor: &Actor, period: Period) -> Result<(String, Vec<NetworkEdge>), AppError> {
    let (scope, services) = funder_scope(store, actor).await?;
    let input = facts(store, &services, period).await?;
    let mut edges = partnership::network(&input.onward, &input.referred_in, &input.org_names, period, SuppressionPolicy::default());
    edges.sort_by(|a, b| b.referrals.value().copied().unwrap_or(0).cmp(&a.referrals.value().copied().unwrap_or(0)).then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to))));
    Ok((scope, edges))
}

