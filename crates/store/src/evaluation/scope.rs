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
    Ok(Some(match org.kind {
        OrgKind::Icb => icb_scope(org, &store.orgs(OrgKind::Pcn, Some(&org.id)).await?),
        OrgKind::Pcn => pcn_scope(org),
        OrgKind::Practice => {
            let Some(pcn_id) = org.parent_id.as_deref() else {
                return Ok(None);
            };
            let pcn = store.org(pcn_id).await?.ok_or_else(|| {
                StoreError::Corrupt(format!("practice {} has a missing PCN", org.id))
            })?;
            practice_scope(org, &pcn)
        }
        _ => return Ok(None),
    }))
}

/// The scope of `icb`, whose PCNs are `pcns`.
pub fn icb_scope(icb: &crate::Org, pcns: &[crate::Org]) -> ReportScope {
    ReportScope {
        kind: ScopeKind::Icb,
        org_id: icb.id.clone(),
        ods_code: icb.ods_code.clone(),
        name: label_with_code(&icb.name, icb.ods_code.as_deref()),
        services: pcns.iter().map(|p| p.id.clone()).collect(),
    }
}

/// The scope of one PCN.
pub fn pcn_scope(pcn: &crate::Org) -> ReportScope {
    ReportScope {
        kind: ScopeKind::Pcn,
        org_id: pcn.id.clone(),
        ods_code: pcn.ods_code.clone(),
        name: label_with_code(&pcn.name, pcn.ods_code.as_deref()),
        services: vec![pcn.id.clone()],
    }
}

/// The scope of `practice`, whose PCN is `pcn` (its facts are loaded from the PCN and narrowed).
pub fn practice_scope(practice: &crate::Org, pcn: &crate::Org) -> ReportScope {
    ReportScope {
        kind: ScopeKind::Practice,
        org_id: practice.id.clone(),
        ods_code: practice.ods_code.clone(),
        name: format!("{}, {}", label_with_code(&practice.name, practice.ods_code.as_deref()), pcn.name),
        services: vec![pcn.id.clone()],
    }
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
