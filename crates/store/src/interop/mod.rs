//! Exchange with other systems: bulk import and export of a service's history as a bundle
//! ([`BundleStore`], `docs/bundle.md`) and the directory as Open Referral UK 3.0 sees it
//! ([`OrukStore`], `docs/oruk.md`).

pub mod model;
pub use model::*;

use crate::Result;
use crate::directory::ServiceProfile;
use async_trait::async_trait;

/// The directory as Open Referral UK 3.0 sees it (docs/oruk.md): whole service records written by
/// an import, keyed by their ORUK ids, and the reads behind the public `/oruk` API (published
/// services only; never the link worker's [`ServiceProfile`]).
#[async_trait]
pub trait OrukStore: Send + Sync {
    /// Creates or updates a service record (its organisation, locations, schedules, phones and
    /// taxonomy terms, and the taxonomies described with them) in one transaction, keyed by the
    /// record's ids; says whether anything changed. Lists the record does not carry are kept.
    /// `StoreError::NotFound` when the record only names an `organization_id` that is unknown.
    async fn upsert_oruk_service(&self, record: &linkwork_domain::interop::import::oruk::ServiceRecord, taxonomies: &[linkwork_domain::interop::import::oruk::Taxonomy]) -> Result<Upserted>;
    /// Sets what a link worker knows about a service beyond the standard.
    async fn set_service_profile(&self, service_id: &str, profile: &ServiceProfile) -> Result<()>;
    /// A page of published services (one-to-one fields and organisation), by name.
    async fn oruk_services(&self, query: &OrukQuery) -> Result<Listing<linkwork_domain::interop::import::oruk::ServiceRecord>>;
    /// A published service's whole record, by its published id.
    async fn oruk_service(&self, id: &str) -> Result<Option<linkwork_domain::interop::import::oruk::ServiceRecord>>;
    /// A page of published services at their locations; nearest first with `query.near`.
    async fn oruk_service_at_locations(&self, query: &OrukQuery) -> Result<Listing<ServiceAtLocationItem>>;
    /// A published service at one of its locations, with the service's whole record.
    async fn oruk_service_at_location(&self, id: &str) -> Result<Option<ServiceAtLocationItem>>;
    async fn oruk_taxonomies(&self, page: linkwork_domain::directory::PageRequest) -> Result<Listing<linkwork_domain::interop::import::oruk::Taxonomy>>;
    /// A taxonomy and all its terms.
    async fn oruk_taxonomy(&self, id: &str) -> Result<Option<(linkwork_domain::interop::import::oruk::Taxonomy, Vec<linkwork_domain::interop::import::oruk::TaxonomyTerm>)>>;
    async fn oruk_taxonomy_terms(&self, page: linkwork_domain::directory::PageRequest, taxonomy_id: Option<&str>) -> Result<Listing<linkwork_domain::interop::import::oruk::TaxonomyTerm>>;
    async fn oruk_taxonomy_term(&self, id: &str) -> Result<Option<linkwork_domain::interop::import::oruk::TaxonomyTerm>>;
    /// Where a postcode is, as the centre of the directory's locations there (a full, normalised
    /// postcode) or in that outward code (no space); `None` when none has coordinates.
    async fn postcode_centre(&self, postcode: &str) -> Result<Option<linkwork_domain::directory::Coordinates>>;
    /// Every service's location coordinates and schedule days (published or not), for search.
    async fn services_where_when(&self) -> Result<Vec<ServiceWhereWhen>>;
}

/// Bulk import and export of a whole service's history (`docs/bundle.md`).
#[async_trait]
pub trait BundleStore: Send + Sync {
    /// Organisations, staff and questionnaires already in the database (`people` left empty).
    async fn existing_ids(&self) -> Result<ExistingIds>;
    /// The people these services already hold, by (service id, NHS number), for [`ExistingIds::people`].
    async fn existing_people(&self, service_org_ids: &[String]) -> Result<std::collections::HashMap<(String, String), String>>;
    /// Writes every batch in one transaction: all or nothing. Returns the rows written.
    async fn import_bundle(&self, source: &mut (dyn BundleSource + Send)) -> Result<u64>;
    /// How many rows each table a bundle writes to holds (by table name), for checks and summaries.
    async fn bundle_table_counts(&self) -> Result<Vec<(&'static str, i64)>>;
    /// Streams one service's records (stored ids as references) to `sink`.
    async fn export_bundle(&self, service_org_id: &str, sink: &mut (dyn BundleRowSink + Send)) -> Result<()>;
}
