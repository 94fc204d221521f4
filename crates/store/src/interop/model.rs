//! Bundle rows in and out, the ids a bundle merges with, and the ORUK API's queries and pages.

use serde::Serialize;
use time::OffsetDateTime;

/// What an import did with one service record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Upserted {
    Created,
    Updated,
    Unchanged,
}

/// Filters of the `/oruk` listings (all optional; only published services are ever listed).
#[derive(Debug, Clone, Default)]
pub struct OrukQuery {
    pub page: linkwork_domain::directory::PageRequest,
    /// Words that must all appear in the service's name or description or its organisation's name.
    pub search: Option<String>,
    pub taxonomy_term_id: Option<String>,
    pub taxonomy_id: Option<String>,
    /// The organisation's published id.
    pub organization_id: Option<String>,
    pub modified_after: Option<OffsetDateTime>,
    /// Services whose minimum age is at least this.
    pub minimum_age: Option<i64>,
    /// Services whose maximum age is at most this.
    pub maximum_age: Option<i64>,
    /// A schedule on this day (`MO` … `SU`).
    pub day: Option<String>,
    /// A schedule opening at or after this time (`HH:MM:SS`).
    pub start_time: Option<String>,
    /// A schedule closing at or before this time (`HH:MM:SS`).
    pub end_time: Option<String>,
    /// Service at locations: at this normalised postcode, or in this outward code (no space).
    pub postcode: Option<String>,
    /// Service at locations: within a distance of a point, nearest first.
    pub near: Option<Near>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub centre: linkwork_domain::directory::Coordinates,
    pub within_km: f64,
}

/// One page of a listing, and how many items all pages hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    pub total: u64,
    pub items: Vec<T>,
}

/// A service at one of its locations.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceAtLocationItem {
    pub service_at_location: linkwork_domain::interop::import::oruk::ServiceAtLocation,
    /// The service's one-to-one fields in listings; its whole record (but its locations) when read by id.
    pub service: linkwork_domain::interop::import::oruk::ServiceRecord,
    /// From the centre of a proximity search.
    pub distance_km: Option<f64>,
}

/// Where and when a service runs, for the link workers' directory search: the coordinates of
/// its locations and the days of its schedules (`MO` … `SU`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceWhereWhen {
    pub service_id: String,
    pub places: Vec<linkwork_domain::directory::Coordinates>,
    pub days: Vec<String>,
}

/// What the database already holds that a bundle's rows must merge with rather than duplicate:
/// organisations by ODS code, staff by e-mail, people by (service, NHS number), services' own
/// questionnaires by code (codes are unique across the database).
#[derive(Debug, Clone, Default)]
pub struct ExistingIds {
    pub orgs_by_ods: std::collections::HashMap<String, String>,
    pub users_by_email: std::collections::HashMap<String, String>,
    pub people: std::collections::HashMap<(String, String), String>,
    /// Code → (service id, instrument id).
    pub custom_instruments_by_code: std::collections::HashMap<String, (String, String)>,
}

/// Batches of checked bundle rows for [`BundleStore::import_bundle`]: each row's values in the
/// file's column order (references already turned into stored ids), then the values the importer
/// derived (a referral's service, a measure's instrument version, an event's id). An `Err` stops the
/// import and rolls it back.
pub trait BundleSource {
    fn next_batch(&mut self) -> std::result::Result<Option<BundleBatch>, String>;
}

/// Rows of one bundle file, each its values as [`BundleSource`] describes.
pub type BundleBatch = (&'static linkwork_domain::interop::bundle::spec::FileSpec, Vec<Vec<linkwork_domain::interop::bundle::read::Value>>);

/// Where [`BundleStore::export_bundle`] writes rows, file by file in import order.
pub trait BundleRowSink {
    fn start_file(&mut self, file: &'static linkwork_domain::interop::bundle::spec::FileSpec) -> std::result::Result<(), String>;
    fn row(&mut self, file: &'static linkwork_domain::interop::bundle::spec::FileSpec, values: Vec<String>) -> std::result::Result<(), String>;
}
