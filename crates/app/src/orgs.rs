//! The organisations the service knows (ICBs, PCNs, GP practices, VCSE partners): reference data,
//! not personal, so these reads need no access check or audit. Shells use them for choice lists,
//! names on pages and the CLI's `--org` (an id, ODS code or name).

use crate::store::{Org, Store};
use crate::AppError;
use linkwork_domain::access::OrgKind;

/// One organisation by id.
pub async fn org(store: &dyn Store, id: &str) -> Result<Option<Org>, AppError> {
    Ok(store.org(id).await?)
}

/// The name of an organisation, or "" when it is not known (for page headers).
pub async fn org_name(store: &dyn Store, id: &str) -> Result<String, AppError> {
    Ok(store.org(id).await?.map(|o| o.name).unwrap_or_default())
}

/// Organisations of a kind, optionally only those under `parent_id` (a PCN's practices).
pub async fn orgs(store: &dyn Store, kind: OrgKind, parent_id: Option<&str>) -> Result<Vec<Org>, AppError> {
    Ok(store.orgs(kind, parent_id).await?)
}

/// The organisation an operator named by id, ODS code or name.
pub async fn find_org(store: &dyn Store, key: &str) -> Result<Option<Org>, AppError> {
    Ok(store.find_org(key).await?)
}
