//! Which report scopes a user may choose: only populations inside their own organisation. A PCN's
//! staff see the whole PCN or one of its practices; an ICB's commissioners see every PCN together,
//! one PCN, or one practice of one of them. Anything else answers 404, so ids cannot be probed.

use crate::AppError;
use linkwork_domain::access::{Actor, OrgKind};
use linkwork_domain::evaluation::report_scope::ReportScope;
use linkwork_store::Store;

/// The scopes `actor` may report on, the default (their whole organisation) first.
pub async fn allowed_scopes(
    store: &dyn Store,
    actor: &Actor,
) -> Result<Vec<ReportScope>, AppError> {
    if !actor.role.sees_aggregates() {
        return Err(AppError::Forbidden);
    }
    let own = store.org(&actor.org_id).await?.ok_or(AppError::Forbidden)?;
    let pcns = match own.kind {
        OrgKind::Pcn => vec![],
        OrgKind::Icb => store.orgs(OrgKind::Pcn, Some(&own.id)).await?,
        _ => return Err(AppError::Forbidden),
    };
    let mut out = vec![linkwork_store::scope_for_org(store, &own)
        .await?
        .ok_or(AppError::Forbidden)?];
    let services: Vec<linkwork_store::Org> = if pcns.is_empty() {
        vec![own]
    } else {
        pcns.clone()
    };
    for pcn in &pcns {
        out.extend(linkwork_store::scope_for_org(store, pcn).await?);
    }
    for service in &services {
        for practice in store.orgs(OrgKind::Practice, Some(&service.id)).await? {
            out.extend(linkwork_store::scope_for_org(store, &practice).await?);
        }
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

/// What the dashboard is drawn from, for the scope named by `requested` (as [`resolve`]).
pub struct DashboardFacts {
    pub scope: ReportScope,
    pub allowed: Vec<ReportScope>,
    /// The de-identified facts up to the period's end (evaluated per period by the caller).
    pub input: linkwork_domain::evaluation::EvaluationInput,
    /// The "what matters" conversations in the period, for the word cloud, and the names of
    /// everyone the scope's services hold, so names can be left out of it.
    pub utterances: Vec<linkwork_domain::evaluation::word_cloud::Utterance>,
    pub names: Vec<String>,
}

pub async fn dashboard(store: &dyn Store, actor: &Actor, requested: Option<&str>, period: linkwork_domain::evaluation::Period) -> Result<DashboardFacts, AppError> {
    let (scope, allowed) = resolve(store, actor, requested).await?;
    let input = linkwork_store::scoped_input(store, &scope, period.to).await?;
    let practice = (scope.kind == linkwork_domain::evaluation::report_scope::ScopeKind::Practice).then_some(scope.org_id.as_str());
    let (utterances, names) = store.what_matters_texts(&scope.services, practice, period.from, period.to).await?;
    Ok(DashboardFacts { scope, allowed, input, utterances, names })
}
