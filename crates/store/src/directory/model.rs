//! Directory services, with what a link worker knows about each beyond Open Referral UK.

use linkwork_domain::casework::need::NeedDomain;
use serde::Serialize;
use time::Date;

#[derive(Debug, Clone)]
pub struct NewService {
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub needs: Vec<NeedDomain>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub name: String,
    pub description: String,
    pub status: String,
    pub needs: Vec<NeedDomain>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Open Referral UK fields beyond the above (docs/oruk.md).
    pub url: Option<String>,
    pub eligibility_description: Option<String>,
    pub minimum_age: Option<i64>,
    pub maximum_age: Option<i64>,
    pub fees_description: Option<String>,
    /// The service's id in the feed it was imported from; `None` for Linkwork's own services.
    pub oruk_id: Option<String>,
    /// What a link worker needs beyond the standard; never published.
    pub profile: ServiceProfile,
}

/// What a link worker knows about a service beyond what Open Referral UK publishes. Never
/// published; an import never changes it (a new imported service starts with `delivery` judged
/// from its locations, `published` true and the rest empty).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ServiceProfile {
    #[sqlx(try_from = "String")]
    pub delivery: linkwork_domain::directory::Delivery,
    pub capacity_places: Option<i64>,
    /// How many people are waiting.
    pub waiting_list: Option<i64>,
    pub capacity_note: Option<String>,
    pub funding_source: Option<String>,
    pub funding_ends_on: Option<Date>,
    /// Whether it can support people with complex needs, and which (`complex_needs_detail`).
    pub complex_needs: bool,
    pub complex_needs_detail: Option<String>,
    pub accessibility_description: Option<String>,
    pub last_verified_on: Option<Date>,
    /// Whether the service appears in the public `/oruk` feed.
    pub published: bool,
    /// `None`: not known.
    pub is_free: Option<bool>,
}

impl Default for ServiceProfile {
    fn default() -> Self {
        Self {
            delivery: linkwork_domain::directory::Delivery::InPerson,
            capacity_places: None,
            waiting_list: None,
            capacity_note: None,
            funding_source: None,
            funding_ends_on: None,
            complex_needs: false,
            complex_needs_detail: None,
            accessibility_description: None,
            last_verified_on: None,
            published: true,
            is_free: None,
        }
    }
}
