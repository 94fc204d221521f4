//! Organisations and what claiming a form key found.

use linkwork_domain::access::OrgKind;
use serde::Serialize;

/// What posting a form's one-time key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormClaim {
    /// The first post with this key: go on and save.
    New,
    /// Already saved: this is where the first post led.
    Done(String),
    /// The first post is still being saved (a double click).
    InProgress,
}

#[derive(Debug, Clone)]
pub struct NewOrg {
    pub kind: OrgKind,
    pub name: String,
    pub ods_code: Option<String>,
    pub parent_id: Option<String>,
    pub list_size: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Org {
    pub id: String,
    #[sqlx(try_from = "String")]
    pub kind: OrgKind,
    pub name: String,
    pub ods_code: Option<String>,
    pub parent_id: Option<String>,
    pub list_size: Option<i64>,
}
