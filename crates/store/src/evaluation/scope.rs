//! Computing the evaluation report from stored facts: for named services ([`evaluation_report`])
//! or for a report scope (ICB, PCN or one practice: [`scope_for_org`], [`scoped_input`],
//! [`scoped_report`]). The one path shared by the web report, the API and `linkwork report`.

use crate::{Result, Store, StoreError};
use linkwork_domain::access::OrgKind;
use linkwork_domain::evaluation::{EvaluationInput, EvaluationSettings, Period, Report};
use linkwork_domain::evaluation::report_scope::{restrict_to_practice, ReportScope, ScopeKind};

fn label_with_code(name: &str, ods: Option<&str>) -> String {
    match ods {
        Some(code) if !code.is_empty() => format!("{name} ({code})"),
        _ => name.to_owned(),
    }
}

/// The scope for organisation `org` (an ICB, a PCN or a practice), or `None` for other kinds.
/// A practice's facts are loaded from its PCN and then narrowed to the practice.
pub async fn scope_for_org(store: &dyn Store, org: &crate::Org) -> Result<Option<ReportScope>> {
    let (kind, name, services) = match org.kind {
        OrgKind::Icb => {
            let pcns = store.orgs(OrgKind::Pcn, Some(&org.id)).await?;
            (
                ScopeKind::Icb,
                label_with_code(&org.name, org.ods_code.as_deref()),
                pcns.into_iter().map(|p| p.id).collect(),
            )
        }
        OrgKind::Pcn => (
            ScopeKind::Pcn,
            label_with_code(&org.name, org.ods_code.as_deref()),
            vec![org.id.clone()],
        ),
        OrgKind::Practice => {
            let Some(pcn_id) = org.parent_id.clone() else {
                return Ok(None);
            };
            let pcn = store.org(&pcn_id).await?.ok_or_else(|| {
                StoreError::Corrupt(format!("practice {} has a missing PCN", org.id))
            })?;
            (
                ScopeKind::Practice,
                format!(
                    "{}, {}",
                    label_with_code(&org.name, org.ods_code.as_deref()),
                    pcn.name
                ),
                vec![pcn_id],
            )
        }
        _ => return Ok(None),
    };
    Ok(Some(ReportScope {
        kind,
        org_id: org.id.clone(),
        ods_code: org.ods_code.clone(),
        name,
        services,
    }))
}

/// The facts for `scope` up to `to` (narrowed to the practice for a practice scope).
pub async fn scoped_input(
    store: &dyn Store,
    scope: &ReportScope,
    to: time::Date,
) -> Result<EvaluationInput> {
    let mut input = store
        .evaluation_input(&scope.name, &scope.services, to)
        .await?;
    if scope.kind == ScopeKind::Practice {
        restrict_to_practice(&mut input, &scope.org_id);
    }
    Ok(input)
}

/// Loads the facts for `scope` and computes the evaluation for `period`.
pub async fn scoped_report(
    store: &dyn Store,
    scope: &ReportScope,
    period: Period,
    settings: &EvaluationSettings,
) -> Result<Report> {
    let input = scoped_input(store, scope, period.to).await?;
    Ok(linkwork_domain::evaluation::evaluate(
        &input, period, settings,
    ))
}

/// Loads the facts for `service_org_ids` and computes the evaluation for `period`: the one path
/// by which the web report, the API and `linkwork report` get their figures.
pub async fn evaluation_report(
    store: &dyn Store,
    scope_name: &str,
    service_org_ids: &[String],
    period: Period,
    settings: &EvaluationSettings,
) -> Result<Report> {
    let input = store.evaluation_input(scope_name, service_org_ids, period.to).await?;
    Ok(linkwork_domain::evaluation::evaluate(&input, period, settings))
}
