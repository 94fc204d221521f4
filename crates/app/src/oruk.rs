//! The community directory as the public Open Referral UK read API serves it (the HTTP side is
//! `linkwork_web::oruk`; importing feeds is [`crate::oruk_import`]). Anyone may read it: the store
//! returns only published services and only what Open Referral UK publishes, nothing about people,
//! so there is no access check and no audit.

use crate::AppError;
use linkwork_domain::directory::{Coordinates, PageRequest};
use linkwork_domain::interop::import::oruk::{ServiceRecord, Taxonomy, TaxonomyTerm};
use linkwork_store::{Listing, OrukQuery, ServiceAtLocationItem, Store};

/// A page of published services matching the query.
pub async fn services(store: &dyn Store, query: &OrukQuery) -> Result<Listing<ServiceRecord>, AppError> {
    Ok(store.oruk_services(query).await?)
}

/// A published service's whole record, by its published id.
pub async fn service(store: &dyn Store, id: &str) -> Result<Option<ServiceRecord>, AppError> {
    Ok(store.oruk_service(id).await?)
}

/// A page of published services at their locations; nearest first with `query.near`.
pub async fn service_at_locations(store: &dyn Store, query: &OrukQuery) -> Result<Listing<ServiceAtLocationItem>, AppError> {
    Ok(store.oruk_service_at_locations(query).await?)
}

/// A published service at one of its locations, with the service's whole record.
pub async fn service_at_location(store: &dyn Store, id: &str) -> Result<Option<ServiceAtLocationItem>, AppError> {
    Ok(store.oruk_service_at_location(id).await?)
}

pub async fn taxonomies(store: &dyn Store, page: PageRequest) -> Result<Listing<Taxonomy>, AppError> {
    Ok(store.oruk_taxonomies(page).await?)
}

/// A taxonomy and all its terms.
pub async fn taxonomy(store: &dyn Store, id: &str) -> Result<Option<(Taxonomy, Vec<TaxonomyTerm>)>, AppError> {
    Ok(store.oruk_taxonomy(id).await?)
}

/// A page of taxonomy terms, optionally of one taxonomy.
pub async fn taxonomy_terms(store: &dyn Store, page: PageRequest, taxonomy_id: Option<&str>) -> Result<Listing<TaxonomyTerm>, AppError> {
    Ok(store.oruk_taxonomy_terms(page, taxonomy_id).await?)
}

pub async fn taxonomy_term(store: &dyn Store, id: &str) -> Result<Option<TaxonomyTerm>, AppError> {
    Ok(store.oruk_taxonomy_term(id).await?)
}

/// Where a postcode (full and normalised, or an outward code) is: the centre of the directory's
/// locations there, for `proximity` searches.
pub async fn postcode_centre(store: &dyn Store, postcode: &str) -> Result<Option<Coordinates>, AppError> {
    Ok(store.postcode_centre(postcode).await?)
}
