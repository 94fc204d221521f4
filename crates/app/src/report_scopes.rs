//! Which report scopes a user may choose: only populations inside their own organisation. A PCN's
//! staff see the whole PCN or one of its practices; an ICB's commissioners see every PCN together,
//! one PCN, or one practice of one of them. Anything else answers 404, so ids cannot be probed.

use crate::AppError;
use linkwork_domain::access::{Actor, OrgKind};
use linkwork_domain::evaluation::report_scope::ReportScope;
use linkwork_store::Store;

/// The scopes `actor` may report on, the default (their whole organisation) first: then an ICB's
/// PCNs, then every practice, grouped by PCN. Three queries however large the ICB, since every
/// report and dashboard request asks.
pub async fn allowed_scopes(
    store: &dyn Store,
    actor: &Actor,
) -> Result<Vec<ReportScope>, AppError> {
    use linkwork_store::{icb_scope, pcn_scope, practice_scope};
    if !actor.role.sees_aggregates() {
        return Err(AppError::Forbidden);
    }
    let own = store.org(&actor.org_id).await?.ok_or(AppError::Forbidden)?;
    let (whole, pcns, practices) = match own.kind {
        OrgKind::Pcn => (pcn_scope(&own), vec![own.clone()], store.orgs(OrgKind::Practice, Some(&own.id)).await?),
        OrgKind::Icb => {
            let pcns = store.orgs(OrgKind::Pcn, Some(&own.id)).await?;
            (icb_scope(&own, &pcns), pcns, store.grandchild_orgs(OrgKind::Practice, &own.id).await?)
        }
        _ => return Err(AppError::Forbidden),
    };
    let mut out = vec![whole];
    if own.kind == OrgKind::Icb {
        out.extend(pcns.iter().map(pcn_scope));
    }
    let pcn_by_id: std::collections::HashMap<&str, &linkwork_store::Org> = pcns.iter().map(|p| (p.id.as_str(), p)).collect();
    for practice in &practices {
        out.extend(practice.parent_id.as_deref().and_then(|id| pcn_by_id.get(id)).map(|pcn| practice_scope(practice, pcn)));
    }
    Ok(out)
}

/// The scope named by the `scope` query value (`practice:<id or ODS code>`), or the user's whole
/// organisation when none is given. A scope outside their organisation is "not found".
pub async fn resolve(
    store: &dyn Store,
    actor: &Actor,
    requested: Option<&str>,
) -> Result<(ReportScope, Vec<ReportScope>), AppError> {
    let allowed = allowed_scopes(store, actor).await?;
    let chosen = match requested.map(str::trim).filter(|s| !s.is_empty()) {
        None => allowed[0].clone(),
        Some(raw) => allowed
            .iter()
            .find(|s| s.select_value() == raw || s.argument().eq_ignore_ascii_case(raw))
            .cloned()
            .ok_or(AppError::NotFound)?,
    };
    Ok((chosen, allowed))
}

/// The services (PCNs) whose figures this actor may see, and a name for that scope.
pub async fn report_scope(store: &dyn Store, actor: &Actor) -> Result<(String, Vec<String>), AppError> {
    if !actor.role.sees_aggregates() {
        return Err(AppError::Forbidden);
    }
    let own = store.org(&actor.org_id).await?.ok_or(AppError::Forbidden)?;
    match own.kind {
        OrgKind::Pcn => Ok((own.name, vec![own.id])),
        OrgKind::Icb => {
            let pcns = store.orgs(OrgKind::Pcn, Some(&own.id)).await?;
            Ok((own.name, pcns.into_iter().map(|p| p.id).collect()))
        }
        _ => Err(AppError::Forbidden),
    }
}

/// The evaluation for the scope named by `requested` (as [`resolve`]) over `period`, small numbers
/// suppressed; with the scope chosen and those allowed.
pub async fn report(store: &dyn Store, actor: &Actor, requested: Option<&str>, period: linkwork_domain::evaluation::Period, settings: &linkwork_domain::evaluation::EvaluationSettings) -> Result<(ReportScope, Vec<ReportScope>, linkwork_domain::evaluation::Report), AppError> {
    let (scope, allowed) = resolve(store, actor, requested).await?;
    let report = linkwork_store::scoped_report(store, &scope, period, settings).await?;
    Ok((scope, allowed, report))
}
