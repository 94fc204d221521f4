//! The directory as Open Referral UK sees it: whole service records written by an import (keyed
//! by their ORUK ids, one transaction each) and read back for the public `/oruk` API.
//!
//! A record's published ids: a Linkwork service or organisation is published under its own id,
//! an imported one under the id its feed gave (`oruk_id`); locations, schedules, phones,
//! service-at-locations and attributes always carry their published id in `oruk_id`.
//!
//! The needs a service meets (`service_needs`) are published as attributes linking it to the
//! terms of Linkwork's need-domain taxonomy, with derived ids; an import turns such attributes, and
//! any term whose code or name is a need domain's, back into needs. Needs are only ever added by an
//! import (a link worker's classification is not undone by a feed).

use super::{Db, SqlStore};
use crate::*;
use crate::OrukStore;
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::directory::{derived_id, need_for_term, Coordinates, LocationType, PageRequest, ServiceStatus, NEED_TAXONOMY_ID};
use linkwork_domain::interop::import::oruk::{to_stored_precision, Address, Attribute, Location, Organization, Phone, Schedule, ServiceAtLocation, ServiceRecord, Taxonomy, TaxonomyTerm};
use linkwork_domain::casework::need::NeedDomain;
use sqlx::QueryBuilder;
use std::collections::{BTreeSet, HashMap};
use time::OffsetDateTime;

type Conn = <Db as sqlx::Database>::Connection;

/// The one-to-one fields of a service and its organisation, as published.
const HEAD_COLUMNS: &str = "s.id AS row_id, COALESCE(s.oruk_id, s.id) AS oruk_id, s.name, s.description, s.url, s.email, s.status, s.fees_description, \
     s.accreditations, s.eligibility_description, s.minimum_age, s.maximum_age, s.assured_date, s.assurer_email, s.alert, \
     COALESCE(s.last_modified, s.updated_at) AS last_modified, s.phone AS legacy_phone, \
     COALESCE(o.oruk_id, o.id) AS org_oruk_id, o.name AS org_name, o.description AS org_description, o.email AS org_email, \
     o.website AS org_website, o.logo AS org_logo, o.uri AS org_uri";
const HEAD_FROM: &str = " FROM services s JOIN organisations o ON o.id = s.org_id";
/// A service's published id is its ORUK id, or its own id when it has none.
const PUBLISHED_ID: &str = "(s.oruk_id = $1 OR (s.oruk_id IS NULL AND s.id = $1))";

const LOCATION_COLUMNS: &str = "l.oruk_id AS l_id, l.location_type AS l_type, l.name AS l_name, l.description AS l_description, l.latitude AS l_latitude, \
     l.longitude AS l_longitude, l.external_identifier AS l_external_identifier, l.external_identifier_type AS l_external_identifier_type, \
     l.address_id AS l_address_id, l.address_1 AS l_address_1, l.city AS l_city, l.region AS l_region, l.state_province AS l_state_province, \
     l.postcode AS l_postcode, l.country AS l_country, l.address_type AS l_address_type";

const TERM_COLUMNS: &str = "t.id AS term_id, t.taxonomy_id, t.code, t.name AS term_name, t.description AS term_description, t.parent_id, t.taxonomy, t.term_uri, t.need";

#[derive(sqlx::FromRow)]
struct HeadRow {
    row_id: String,
    oruk_id: String,
    name: String,
    description: String,
    url: Option<String>,
    email: Option<String>,
    status: String,
    fees_description: Option<String>,
    accreditations: Option<String>,
    eligibility_description: Option<String>,
    minimum_age: Option<i64>,
    maximum_age: Option<i64>,
    assured_date: Option<String>,
    assurer_email: Option<String>,
    alert: Option<String>,
    last_modified: OffsetDateTime,
    legacy_phone: Option<String>,
    org_oruk_id: String,
    org_name: String,
    org_description: Option<String>,
    org_email: Option<String>,
    org_website: Option<String>,
    org_logo: Option<String>,
    org_uri: Option<String>,
}

fn some(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

impl HeadRow {
    /// The service's one-to-one fields and organisation; no lists.
    fn record(&self) -> Result<ServiceRecord> {
        let status = ServiceStatus::parse(&self.status).map_err(|_| StoreError::Corrupt(format!("service {} has status {:?}", self.row_id, self.status)))?;
        Ok(ServiceRecord {
            id: self.oruk_id.clone(),
            name: self.name.clone(),
            description: some(Some(self.description.clone())),
            url: self.url.clone(),
            email: self.email.clone(),
            status,
            fees: self.fees_description.clone(),
            accreditations: self.accreditations.clone(),
            eligibility_description: self.eligibility_description.clone(),
            minimum_age: self.minimum_age,
            maximum_age: self.maximum_age,
            assured_date: self.assured_date.clone(),
            assurer_email: self.assurer_email.clone(),
            alert: self.alert.clone(),
            last_modified: Some(to_stored_precision(self.last_modified)),
            organization_id: self.org_oruk_id.clone(),
            organization: Some(Organization {
                id: self.org_oruk_id.clone(),
                name: self.org_name.clone(),
                description: some(self.org_description.clone()),
                email: self.org_email.clone(),
                website: self.org_website.clone(),
                logo: self.org_logo.clone(),
                uri: self.org_uri.clone(),
            }),
            service_at_locations: None,
            schedules: None,
            phones: None,
            attributes: None,
        })
    }
}

#[derive(sqlx::FromRow)]
struct LocationRow {
    l_id: String,
    l_type: String,
    l_name: Option<String>,
    l_description: Option<String>,
    l_latitude: Option<f64>,
    l_longitude: Option<f64>,
    l_external_identifier: Option<String>,
    l_external_identifier_type: Option<String>,
    l_address_id: Option<String>,
    l_address_1: Option<String>,
    l_city: Option<String>,
    l_region: Option<String>,
    l_state_province: Option<String>,
    l_postcode: Option<String>,
    l_country: Option<String>,
    l_address_type: Option<String>,
}

impl LocationRow {
    fn location(&self) -> Location {
        let address = match (&self.l_address_id, &self.l_address_1, &self.l_city, &self.l_postcode) {
            (Some(id), Some(address_1), Some(city), Some(postal_code)) => Some(Address {
                id: id.clone(),
                address_1: address_1.clone(),
                city: city.clone(),
                region: self.l_region.clone(),
                state_province: self.l_state_province.clone(),
                postal_code: postal_code.clone(),
                country: self.l_country.clone().unwrap_or_else(|| "GB".into()),
                address_type: self.l_address_type.as_deref().and_then(|t| LocationType::parse(t).ok()).unwrap_or(LocationType::Physical),
            }),
            _ => None,
        };
        Location {
            id: self.l_id.clone(),
            location_type: LocationType::parse(&self.l_type).unwrap_or(LocationType::Physical),
            name: self.l_name.clone(),
            description: self.l_description.clone(),
            coordinates: self.l_latitude.zip(self.l_longitude).and_then(|(lat, lon)| Coordinates::new(lat, lon)),
            external_identifier: self.l_external_identifier.clone(),
            external_identifier_type: self.l_external_identifier_type.clone(),
            address,
        }
    }
}

#[derive(sqlx::FromRow)]
struct SalRow {
    sal_id: String,
    #[sqlx(flatten)]
    location: LocationRow,
}

#[derive(sqlx::FromRow)]
struct SalListRow {
    sal_id: String,
    #[sqlx(flatten)]
    location: LocationRow,
    #[sqlx(flatten)]
    head: HeadRow,
}

#[derive(sqlx::FromRow)]
struct ScheduleRow {
    oruk_id: String,
    freq: Option<String>,
    freq_interval: Option<i64>,
    byday: Option<String>,
    bymonthday: Option<String>,
    dtstart: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
    opens_at: Option<String>,
    closes_at: Option<String>,
    description: Option<String>,
    attending_type: Option<String>,
    notes: Option<String>,
    schedule_link: Option<String>,
}

#[derive(sqlx::FromRow)]
struct TermRow {
    term_id: String,
    taxonomy_id: Option<String>,
    code: Option<String>,
    term_name: String,
    term_description: Option<String>,
    parent_id: Option<String>,
    taxonomy: Option<String>,
    term_uri: Option<String>,
    need: Option<String>,
}

impl TermRow {
    fn term(&self) -> TaxonomyTerm {
        TaxonomyTerm {
            id: self.term_id.clone(),
            name: self.term_name.clone(),
            description: some(self.term_description.clone()),
            code: self.code.clone(),
            parent_id: self.parent_id.clone(),
            taxonomy: self.taxonomy.clone(),
            taxonomy_id: self.taxonomy_id.clone(),
            term_uri: self.term_uri.clone(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct AttributeRow {
    attribute_id: String,
    link_type: Option<String>,
    #[sqlx(flatten)]
    term: TermRow,
}

#[derive(sqlx::FromRow)]
struct TaxonomyRow {
    id: String,
    name: String,
    description: Option<String>,
    uri: Option<String>,
    version: Option<String>,
}

impl From<TaxonomyRow> for Taxonomy {
    fn from(r: TaxonomyRow) -> Self {
        Taxonomy { id: r.id, name: r.name, description: some(r.description), uri: r.uri, version: r.version }
    }
}

/// The terms of the need-domain taxonomy, by need.
async fn need_terms(conn: &mut Conn) -> Result<HashMap<NeedDomain, TaxonomyTerm>> {
    let rows: Vec<TermRow> = sqlx::query_as(&format!("SELECT {TERM_COLUMNS} FROM taxonomy_terms t WHERE t.taxonomy_id = $1")).bind(NEED_TAXONOMY_ID).fetch_all(&mut *conn).await?;
    let mut terms = HashMap::new();
    for row in rows {
        if let Some(need) = row.need.as_deref().and_then(|n| NeedDomain::parse(n).ok()) {
            terms.insert(need, row.term());
        }
    }
    Ok(terms)
}

/// The attribute publishing that a service meets a need.
fn need_attribute(service_id: &str, need: NeedDomain, terms: &HashMap<NeedDomain, TaxonomyTerm>) -> Option<Attribute> {
    let term = terms.get(&need)?.clone();
    Some(Attribute { id: derived_id(&["need_attribute", service_id, need.code()]), link_type: Some("need_domain".into()), term })
}

async fn service_needs(conn: &mut Conn, row_id: &str) -> Result<BTreeSet<NeedDomain>> {
    let codes: Vec<String> = sqlx::query_scalar("SELECT need FROM service_needs WHERE service_id = $1").bind(row_id).fetch_all(&mut *conn).await?;
    codes.iter().map(|c| NeedDomain::parse(c).map_err(|e| StoreError::Corrupt(e.to_string()))).collect()
}

/// A service's whole record as published: the head (already read) and every list.
async fn full_record(conn: &mut Conn, head: &HeadRow, terms: &HashMap<NeedDomain, TaxonomyTerm>) -> Result<ServiceRecord> {
    let mut record = head.record()?;
    let sals: Vec<SalRow> = sqlx::query_as(&format!(
        "SELECT sal.oruk_id AS sal_id, {LOCATION_COLUMNS} FROM service_at_locations sal JOIN locations l ON l.id = sal.location_id WHERE sal.service_id = $1"
    ))
    .bind(&head.row_id)
    .fetch_all(&mut *conn)
    .await?;
    record.service_at_locations = Some(sals.iter().map(|r| ServiceAtLocation { id: r.sal_id.clone(), location: r.location.location() }).collect());

    let schedules: Vec<ScheduleRow> = sqlx::query_as(
        "SELECT oruk_id, freq, freq_interval, byday, bymonthday, dtstart, valid_from, valid_to, opens_at, closes_at, description, attending_type, notes, schedule_link \
         FROM schedules WHERE service_id = $1",
    )
    .bind(&head.row_id)
    .fetch_all(&mut *conn)
    .await?;
    record.schedules = Some(
        schedules
            .into_iter()
            .map(|s| Schedule {
                id: s.oruk_id,
                freq: s.freq,
                interval: s.freq_interval,
                byday: s.byday,
                bymonthday: s.bymonthday,
                dtstart: s.dtstart,
                valid_from: s.valid_from,
                valid_to: s.valid_to,
                opens_at: s.opens_at,
                closes_at: s.closes_at,
                description: s.description,
                attending_type: s.attending_type,
                notes: s.notes,
                schedule_link: s.schedule_link,
            })
            .collect(),
    );

    let phones: Vec<(String, String, Option<String>)> = sqlx::query_as("SELECT oruk_id, number, description FROM phones WHERE service_id = $1").bind(&head.row_id).fetch_all(&mut *conn).await?;
    let mut phones: Vec<Phone> = phones.into_iter().map(|(id, number, description)| Phone { id, number, description }).collect();
    // The phone number a Linkwork service was created with is published too.
    if let Some(number) = head.legacy_phone.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        if !phones.iter().any(|p| p.number == number) {
            phones.push(Phone { id: derived_id(&["phone", &record.id, number]), number: number.to_owned(), description: None });
        }
    }
    record.phones = Some(phones);

    let attributes: Vec<AttributeRow> = sqlx::query_as(&format!(
        "SELECT a.oruk_id AS attribute_id, a.link_type, {TERM_COLUMNS} FROM service_attributes a JOIN taxonomy_terms t ON t.id = a.term_id WHERE a.service_id = $1"
    ))
    .bind(&head.row_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut attributes: Vec<Attribute> = attributes.iter().map(|a| Attribute { id: a.attribute_id.clone(), link_type: a.link_type.clone(), term: a.term.term() }).collect();
    for need in service_needs(conn, &head.row_id).await? {
        attributes.extend(need_attribute(&record.id, need, terms));
    }
    record.attributes = Some(attributes);
    record.sort_lists();
    Ok(record)
}

async fn head_by_published_id(conn: &mut Conn, id: &str, published_only: bool) -> Result<Option<HeadRow>> {
    let published = if published_only { " AND s.published = TRUE" } else { "" };
    Ok(sqlx::query_as(&format!("SELECT {HEAD_COLUMNS}{HEAD_FROM} WHERE {PUBLISHED_ID}{published}")).bind(id).fetch_optional(&mut *conn).await?)
}

/// Turns the need-domain attributes of an incoming record (and terms that name a need domain)
/// into needs, adds the needs already held, and publishes them all as need-domain attributes, so
/// an incoming record compares with the stored one as it will be served.
fn with_need_attributes(mut record: ServiceRecord, held: &BTreeSet<NeedDomain>, terms: &HashMap<NeedDomain, TaxonomyTerm>) -> (ServiceRecord, BTreeSet<NeedDomain>) {
    let mut needs = held.clone();
    let Some(attributes) = record.attributes.take() else {
        return (record, needs);
    };
    let need_term_ids: HashMap<&str, NeedDomain> = terms.iter().map(|(n, t)| (t.id.as_str(), *n)).collect();
    let mut kept = Vec::with_capacity(attributes.len());
    for a in attributes {
        if let Some(need) = need_term_ids.get(a.term.id.as_str()) {
            needs.insert(*need);
        } else if a.term.taxonomy_id.as_deref() == Some(NEED_TAXONOMY_ID) {
            needs.extend(need_for_term(a.term.code.as_deref(), &a.term.name));
        } else {
            needs.extend(need_for_term(a.term.code.as_deref(), &a.term.name));
            kept.push(a);
        }
    }
    kept.extend(needs.iter().filter_map(|n| need_attribute(&record.id, *n, terms)));
    record.attributes = Some(kept);
    record.sort_lists();
    (record, needs)
}

/// The `services` columns an ORUK record sets, in the order [`ServiceFields::bind`] binds them:
/// one list for both the insert and the update of [`OrukStore::upsert_oruk_service`].
const SERVICE_FIELDS: [&str; 18] = [
    "org_id",
    "name",
    "description",
    "status",
    "url",
    "email",
    "fees_description",
    "accreditations",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "assurer_email",
    "alert",
    "last_modified",
    "phone",
    "address",
    "postcode",
];

type Query<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>>;

/// The values of [`SERVICE_FIELDS`] for one record, with the legacy one-line phone, address and
/// postcode (from the first phone and the first location with an address) the rest of Linkwork reads.
struct ServiceFields<'a> {
    org_row: &'a str,
    record: &'a ServiceRecord,
    last_modified: Option<OffsetDateTime>,
    phone: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
}

impl<'a> ServiceFields<'a> {
    fn new(org_row: &'a str, record: &'a ServiceRecord, last_modified: Option<OffsetDateTime>) -> Self {
        let first_location = record.service_at_locations.iter().flatten().find_map(|s| s.location.address.as_ref());
        ServiceFields {
            org_row,
            record,
            last_modified,
            phone: record.phones.iter().flatten().next().map(|p| p.number.clone()),
            address: first_location.map(|a| format!("{}, {}", a.address_1, a.city)),
            postcode: first_location.map(|a| a.postal_code.clone()),
        }
    }

    /// Binds the fields, in [`SERVICE_FIELDS`] order, after whatever `query` has bound already.
    fn bind<'q>(&'q self, query: Query<'q>) -> Query<'q> {
        let r = self.record;
        query
            .bind(self.org_row)
            .bind(&r.name)
            .bind(r.description.clone().unwrap_or_default())
            .bind(r.status.code())
            .bind(&r.url)
            .bind(&r.email)
            .bind(&r.fees)
            .bind(&r.accreditations)
            .bind(&r.eligibility_description)
            .bind(r.minimum_age)
            .bind(r.maximum_age)
            .bind(&r.assured_date)
            .bind(&r.assurer_email)
            .bind(&r.alert)
            .bind(self.last_modified)
            .bind(&self.phone)
            .bind(&self.address)
            .bind(&self.postcode)
    }
}


/// How a new service is delivered, judged from its locations (a link worker may change it).
fn delivery_from(record: &ServiceRecord) -> &'static str {
    let types: Vec<LocationType> = record.service_at_locations.iter().flatten().map(|s| s.location.location_type).collect();
    let online = types.contains(&LocationType::Virtual);
    let in_person = types.iter().any(|t| *t != LocationType::Virtual);
    match (in_person, online) {
        (true, true) => "both",
        (false, true) => "online",
        _ => "in_person",
    }
}

/// Finds or writes the service's organisation; returns its row id.
async fn write_organization(conn: &mut Conn, record: &ServiceRecord, now: OffsetDateTime) -> Result<String> {
    let existing: Option<String> =
        sqlx::query_scalar("SELECT id FROM organisations WHERE oruk_id = $1 OR (oruk_id IS NULL AND id = $1 AND kind = 'vcse')").bind(&record.organization_id).fetch_optional(&mut *conn).await?;
    let Some(org) = &record.organization else {
        return existing.ok_or(StoreError::NotFound);
    };
    match existing {
        Some(id) => {
            sqlx::query("UPDATE organisations SET name = $2, description = $3, email = $4, website = $5, logo = $6, uri = $7 WHERE id = $1")
                .bind(&id)
                .bind(&org.name)
                .bind(&org.description)
                .bind(&org.email)
                .bind(&org.website)
                .bind(&org.logo)
                .bind(&org.uri)
                .execute(&mut *conn)
                .await?;
            Ok(id)
        }
        None => {
            let id = new_id();
            sqlx::query("INSERT INTO organisations (id, kind, name, description, email, website, logo, uri, oruk_id, created_at) VALUES ($1, 'vcse', $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(&id)
                .bind(&org.name)
                .bind(&org.description)
                .bind(&org.email)
                .bind(&org.website)
                .bind(&org.logo)
                .bind(&org.uri)
                .bind(&org.id)
                .bind(now)
                .execute(&mut *conn)
                .await
                .map_err(|e| StoreError::unique(e, "an organization with this Open Referral UK id is being imported at the same time"))?;
            Ok(id)
        }
    }
}

async fn write_taxonomy(conn: &mut Conn, t: &Taxonomy) -> Result<()> {
    if t.id == NEED_TAXONOMY_ID {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO taxonomies (id, name, description, uri, version) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, uri = EXCLUDED.uri, version = EXCLUDED.version",
    )
    .bind(&t.id)
    .bind(&t.name)
    .bind(&t.description)
    .bind(&t.uri)
    .bind(&t.version)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn write_term(conn: &mut Conn, t: &TaxonomyTerm) -> Result<()> {
    if let Some(taxonomy_id) = &t.taxonomy_id {
        // A term may name a taxonomy the feed does not describe: keep a placeholder so it is listed.
        sqlx::query("INSERT INTO taxonomies (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING")
            .bind(taxonomy_id)
            .bind(t.taxonomy.clone().unwrap_or_else(|| taxonomy_id.clone()))
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "INSERT INTO taxonomy_terms (id, taxonomy_id, code, name, description, parent_id, taxonomy, term_uri, need) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (id) DO UPDATE SET taxonomy_id = EXCLUDED.taxonomy_id, code = EXCLUDED.code, name = EXCLUDED.name, description = EXCLUDED.description, \
         parent_id = EXCLUDED.parent_id, taxonomy = EXCLUDED.taxonomy, term_uri = EXCLUDED.term_uri, need = EXCLUDED.need",
    )
    .bind(&t.id)
    .bind(&t.taxonomy_id)
    .bind(&t.code)
    .bind(&t.name)
    .bind(&t.description)
    .bind(&t.parent_id)
    .bind(&t.taxonomy)
    .bind(&t.term_uri)
    .bind(need_for_term(t.code.as_deref(), &t.name).map(NeedDomain::code))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn write_location(conn: &mut Conn, l: &Location, now: OffsetDateTime) -> Result<String> {
    let a = l.address.as_ref();
    let id: String = sqlx::query_scalar(
        "INSERT INTO locations (id, oruk_id, location_type, name, description, latitude, longitude, external_identifier, external_identifier_type, \
         address_id, address_1, city, region, state_province, postcode, country, address_type, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) \
         ON CONFLICT (oruk_id) DO UPDATE SET location_type = EXCLUDED.location_type, name = EXCLUDED.name, description = EXCLUDED.description, \
         latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, external_identifier = EXCLUDED.external_identifier, \
         external_identifier_type = EXCLUDED.external_identifier_type, address_id = EXCLUDED.address_id, address_1 = EXCLUDED.address_1, \
         city = EXCLUDED.city, region = EXCLUDED.region, state_province = EXCLUDED.state_province, postcode = EXCLUDED.postcode, \
         country = EXCLUDED.country, address_type = EXCLUDED.address_type, updated_at = EXCLUDED.updated_at \
         RETURNING id",
    )
    .bind(new_id())
    .bind(&l.id)
    .bind(l.location_type.code())
    .bind(&l.name)
    .bind(&l.description)
    .bind(l.coordinates.map(|c| c.latitude))
    .bind(l.coordinates.map(|c| c.longitude))
    .bind(&l.external_identifier)
    .bind(&l.external_identifier_type)
    .bind(a.map(|a| a.id.clone()))
    .bind(a.map(|a| a.address_1.clone()))
    .bind(a.map(|a| a.city.clone()))
    .bind(a.and_then(|a| a.region.clone()))
    .bind(a.and_then(|a| a.state_province.clone()))
    .bind(a.map(|a| a.postal_code.clone()))
    .bind(a.map(|a| a.country.clone()))
    .bind(a.map(|a| a.address_type.code()))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Replaces the service's lists with the record's.
async fn write_lists(conn: &mut Conn, row_id: &str, record: &ServiceRecord, now: OffsetDateTime) -> Result<()> {
    sqlx::query("DELETE FROM service_at_locations WHERE service_id = $1").bind(row_id).execute(&mut *conn).await?;
    for sal in record.service_at_locations.iter().flatten() {
        let location_id = write_location(conn, &sal.location, now).await?;
        sqlx::query("INSERT INTO service_at_locations (id, oruk_id, service_id, location_id) VALUES ($1, $2, $3, $4)")
            .bind(new_id())
            .bind(&sal.id)
            .bind(row_id)
            .bind(&location_id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM schedules WHERE service_id = $1").bind(row_id).execute(&mut *conn).await?;
    for s in record.schedules.iter().flatten() {
        sqlx::query(
            "INSERT INTO schedules (id, oruk_id, service_id, freq, freq_interval, byday, bymonthday, dtstart, valid_from, valid_to, opens_at, closes_at, description, attending_type, notes, schedule_link) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(new_id())
        .bind(&s.id)
        .bind(row_id)
        .bind(&s.freq)
        .bind(s.interval)
        .bind(&s.byday)
        .bind(&s.bymonthday)
        .bind(&s.dtstart)
        .bind(&s.valid_from)
        .bind(&s.valid_to)
        .bind(&s.opens_at)
        .bind(&s.closes_at)
        .bind(&s.description)
        .bind(&s.attending_type)
        .bind(&s.notes)
        .bind(&s.schedule_link)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM phones WHERE service_id = $1").bind(row_id).execute(&mut *conn).await?;
    for p in record.phones.iter().flatten() {
        sqlx::query("INSERT INTO phones (id, oruk_id, service_id, number, description) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_id())
            .bind(&p.id)
            .bind(row_id)
            .bind(&p.number)
            .bind(&p.description)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM service_attributes WHERE service_id = $1").bind(row_id).execute(&mut *conn).await?;
    for a in record.attributes.iter().flatten().filter(|a| a.term.taxonomy_id.as_deref() != Some(NEED_TAXONOMY_ID)) {
        write_term(conn, &a.term).await?;
        sqlx::query("INSERT INTO service_attributes (id, oruk_id, service_id, term_id, link_type) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_id())
            .bind(&a.id)
            .bind(row_id)
            .bind(&a.term.id)
            .bind(&a.link_type)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `LIKE` pattern for a word anywhere, with `%`, `_` and `\` taken literally.
fn contains_pattern(word: &str) -> String {
    let escaped: String = word.to_lowercase().chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    format!("%{escaped}%")
}

/// The filters of `/services` and `/service_at_locations` (after a `WHERE`).
fn push_filters(qb: &mut QueryBuilder<'_, Db>, q: &OrukQuery) {
    qb.push(" s.published = TRUE");
    if let Some(text) = &q.search {
        for word in text.split_whitespace().take(10) {
            qb.push(" AND LOWER(s.name || ' ' || s.description || ' ' || o.name) LIKE ").push_bind(contains_pattern(word)).push(" ESCAPE '\\'");
        }
    }
    if let Some(term) = &q.taxonomy_term_id {
        qb.push(" AND (EXISTS (SELECT 1 FROM service_attributes a WHERE a.service_id = s.id AND a.term_id = ").push_bind(term.clone());
        qb.push(") OR EXISTS (SELECT 1 FROM service_needs sn JOIN taxonomy_terms t ON t.need = sn.need AND t.taxonomy_id = ").push_bind(NEED_TAXONOMY_ID);
        qb.push(" WHERE sn.service_id = s.id AND t.id = ").push_bind(term.clone()).push("))");
    }
    if let Some(taxonomy) = &q.taxonomy_id {
        if taxonomy == NEED_TAXONOMY_ID {
            qb.push(" AND EXISTS (SELECT 1 FROM service_needs sn WHERE sn.service_id = s.id)");
        } else {
            qb.push(" AND EXISTS (SELECT 1 FROM service_attributes a JOIN taxonomy_terms t ON t.id = a.term_id WHERE a.service_id = s.id AND t.taxonomy_id = ").push_bind(taxonomy.clone()).push(")");
        }
    }
    if let Some(org) = &q.organization_id {
        qb.push(" AND COALESCE(o.oruk_id, o.id) = ").push_bind(org.clone());
    }
    if let Some(after) = q.modified_after {
        qb.push(" AND COALESCE(s.last_modified, s.updated_at) >= ").push_bind(after);
    }
    if let Some(age) = q.minimum_age {
        qb.push(" AND s.minimum_age >= ").push_bind(age);
    }
    if let Some(age) = q.maximum_age {
        qb.push(" AND s.maximum_age <= ").push_bind(age);
    }
    if q.day.is_some() || q.start_time.is_some() || q.end_time.is_some() {
        qb.push(" AND EXISTS (SELECT 1 FROM schedules sc WHERE sc.service_id = s.id");
        if let Some(day) = &q.day {
            qb.push(" AND sc.byday LIKE ").push_bind(contains_pattern(day).to_uppercase()).push(" ESCAPE '\\'");
        }
        if let Some(start) = &q.start_time {
            qb.push(" AND sc.opens_at >= ").push_bind(start.clone());
        }
        if let Some(end) = &q.end_time {
            qb.push(" AND sc.closes_at <= ").push_bind(end.clone());
        }
        qb.push(")");
    }
}

fn limit_offset(qb: &mut QueryBuilder<'_, Db>, page: PageRequest) {
    qb.push(" LIMIT ").push_bind(page.per_page as i64).push(" OFFSET ").push_bind(page.offset() as i64);
}

#[async_trait]
impl OrukStore for SqlStore {
    async fn upsert_oruk_service(&self, incoming: &ServiceRecord, taxonomies: &[Taxonomy]) -> Result<Upserted> {
        let now = super::now();
        let mut tx = self.write_tx().await?;
        for t in taxonomies {
            write_taxonomy(&mut tx, t).await?;
        }
        let terms = need_terms(&mut tx).await?;
        let existing = head_by_published_id(&mut tx, &incoming.id, false).await?;
        let (stored, held) = match &existing {
            Some(head) => (Some(full_record(&mut tx, head, &terms).await?), service_needs(&mut tx, &head.row_id).await?),
            None => (None, BTreeSet::new()),
        };
        let (mut record, needs) = with_need_attributes(incoming.clone(), &held, &terms);
        if let Some(stored) = &stored {
            record = record.completed_from(stored);
            record.sort_lists();
            if &record == stored {
                tx.commit().await?;
                return Ok(Upserted::Unchanged);
            }
        }
        let org_row = write_organization(&mut tx, &record, now).await?;
        // The feed's own last_modified (not one completed from the stored record).
        let fields = ServiceFields::new(&org_row, &record, incoming.last_modified);
        let (row_id, outcome) = match &existing {
            Some(head) => {
                let sets: Vec<String> = SERVICE_FIELDS.iter().enumerate().map(|(i, column)| format!("{column} = ${}", i + 2)).collect();
                let sql = format!("UPDATE services SET {}, updated_at = ${} WHERE id = $1", sets.join(", "), SERVICE_FIELDS.len() + 2);
                fields.bind(sqlx::query(&sql).bind(&head.row_id)).bind(now).execute(&mut **tx).await?;
                (head.row_id.clone(), Upserted::Updated)
            }
            None => {
                let id = new_id();
                // $1 id, $2 oruk_id, then the shared fields, then delivery and the two timestamps.
                let n = SERVICE_FIELDS.len();
                let placeholders: Vec<String> = (3..n + 3).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "INSERT INTO services (id, oruk_id, {}, delivery, created_at, updated_at) VALUES ($1, $2, {}, ${}, ${}, ${})",
                    SERVICE_FIELDS.join(", "),
                    placeholders.join(", "),
                    n + 3,
                    n + 4,
                    n + 4
                );
                fields
                    .bind(sqlx::query(&sql).bind(&id).bind(&record.id))
                    .bind(delivery_from(&record))
                    .bind(now)
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| StoreError::unique(e, "a service with this Open Referral UK id is being imported at the same time"))?;
                (id, Upserted::Created)
            }
        };
        write_lists(&mut tx, &row_id, &record, now).await?;
        for need in needs.difference(&held) {
            sqlx::query("INSERT INTO service_needs (service_id, need) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(&row_id).bind(need.code()).execute(&mut **tx).await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    async fn set_service_profile(&self, service_id: &str, p: &ServiceProfile) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE services SET delivery = $2, capacity_places = $3, waiting_list = $4, capacity_note = $5, funding_source = $6, funding_ends_on = $7, \
             complex_needs = $8, complex_needs_detail = $9, accessibility_description = $10, last_verified_on = $11, published = $12, is_free = $13 WHERE id = $1",
        )
        .bind(service_id)
        .bind(p.delivery.code())
        .bind(p.capacity_places)
        .bind(p.waiting_list)
        .bind(&p.capacity_note)
        .bind(&p.funding_source)
        .bind(p.funding_ends_on)
        .bind(p.complex_needs)
        .bind(&p.complex_needs_detail)
        .bind(&p.accessibility_description)
        .bind(p.last_verified_on)
        .bind(p.published)
        .bind(p.is_free)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    async fn oruk_services(&self, q: &OrukQuery) -> Result<Listing<ServiceRecord>> {
        let mut count = QueryBuilder::<Db>::new(format!("SELECT COUNT(*){HEAD_FROM} WHERE"));
        push_filters(&mut count, q);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *self.conn().await?).await?;
        let mut select = QueryBuilder::<Db>::new(format!("SELECT {HEAD_COLUMNS}{HEAD_FROM} WHERE"));
        push_filters(&mut select, q);
        select.push(" ORDER BY s.name, s.id");
        limit_offset(&mut select, q.page);
        let rows: Vec<HeadRow> = select.build_query_as().fetch_all(&mut *self.conn().await?).await?;
        Ok(Listing { total: total as u64, items: rows.iter().map(HeadRow::record).collect::<Result<_>>()? })
    }

    async fn oruk_service(&self, id: &str) -> Result<Option<ServiceRecord>> {
        let mut conn = self.conn().await?;
        let Some(head) = head_by_published_id(&mut conn, id, true).await? else {
            return Ok(None);
        };
        let terms = need_terms(&mut conn).await?;
        Ok(Some(full_record(&mut conn, &head, &terms).await?))
    }

    async fn oruk_service_at_locations(&self, q: &OrukQuery) -> Result<Listing<ServiceAtLocationItem>> {
        let from = " FROM service_at_locations sal JOIN locations l ON l.id = sal.location_id JOIN services s ON s.id = sal.service_id JOIN organisations o ON o.id = s.org_id WHERE";
        let push_place = |qb: &mut QueryBuilder<'_, Db>| {
            if let Some(postcode) = &q.postcode {
                if q.near.is_none() {
                    if postcode.contains(' ') {
                        qb.push(" AND l.postcode = ").push_bind(postcode.clone());
                    } else {
                        qb.push(" AND l.postcode LIKE ").push_bind(format!("{postcode} %"));
                    }
                }
            }
            if q.near.is_some() {
                qb.push(" AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL");
            }
        };
        let item = |r: &SalListRow| -> Result<ServiceAtLocationItem> {
            let location = r.location.location();
            let distance_km = q.near.as_ref().and_then(|n| location.coordinates.map(|c| c.distance_km(n.centre)));
            Ok(ServiceAtLocationItem { service_at_location: ServiceAtLocation { id: r.sal_id.clone(), location }, service: r.head.record()?, distance_km })
        };
        let select_list = |qb: &mut QueryBuilder<'_, Db>| {
            push_filters(qb, q);
            push_place(qb);
            qb.push(" ORDER BY s.name, s.id, l.name, sal.oruk_id");
        };
        if let Some(near) = &q.near {
            // Distances are worked out here (SQLite has no trigonometry), then the page is cut.
            let mut select = QueryBuilder::<Db>::new(format!("SELECT sal.oruk_id AS sal_id, {LOCATION_COLUMNS}, {HEAD_COLUMNS}{from}"));
            select_list(&mut select);
            let rows: Vec<SalListRow> = select.build_query_as().fetch_all(&mut *self.conn().await?).await?;
            let mut items: Vec<ServiceAtLocationItem> = rows.iter().map(item).collect::<Result<Vec<_>>>()?.into_iter().filter(|i| i.distance_km.is_some_and(|d| d <= near.within_km)).collect();
            items.sort_by(|a, b| a.distance_km.unwrap_or(f64::MAX).total_cmp(&b.distance_km.unwrap_or(f64::MAX)));
            let total = items.len() as u64;
            let items = items.into_iter().skip(q.page.offset() as usize).take(q.page.per_page as usize).collect();
            return Ok(Listing { total, items });
        }
        let mut count = QueryBuilder::<Db>::new(format!("SELECT COUNT(*){from}"));
        push_filters(&mut count, q);
        push_place(&mut count);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *self.conn().await?).await?;
        let mut select = QueryBuilder::<Db>::new(format!("SELECT sal.oruk_id AS sal_id, {LOCATION_COLUMNS}, {HEAD_COLUMNS}{from}"));
        select_list(&mut select);
        limit_offset(&mut select, q.page);
        let rows: Vec<SalListRow> = select.build_query_as().fetch_all(&mut *self.conn().await?).await?;
        Ok(Listing { total: total as u64, items: rows.iter().map(item).collect::<Result<_>>()? })
    }

    async fn oruk_service_at_location(&self, id: &str) -> Result<Option<ServiceAtLocationItem>> {
        let mut conn = self.conn().await?;
        let row: Option<SalListRow> = sqlx::query_as(&format!(
            "SELECT sal.oruk_id AS sal_id, {LOCATION_COLUMNS}, {HEAD_COLUMNS} FROM service_at_locations sal JOIN locations l ON l.id = sal.location_id \
             JOIN services s ON s.id = sal.service_id JOIN organisations o ON o.id = s.org_id WHERE sal.oruk_id = $1 AND s.published = TRUE ORDER BY sal.id"
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let terms = need_terms(&mut conn).await?;
        let service = full_record(&mut conn, &row.head, &terms).await?;
        Ok(Some(ServiceAtLocationItem { service_at_location: ServiceAtLocation { id: row.sal_id, location: row.location.location() }, service, distance_km: None }))
    }

    async fn oruk_taxonomies(&self, page: PageRequest) -> Result<Listing<Taxonomy>> {
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM taxonomies").fetch_one(&mut *self.conn().await?).await?;
        let rows: Vec<TaxonomyRow> = sqlx::query_as("SELECT id, name, description, uri, version FROM taxonomies ORDER BY name, id LIMIT $1 OFFSET $2")
            .bind(page.per_page as i64)
            .bind(page.offset() as i64)
            .fetch_all(&mut *self.conn().await?)
            .await?;
        Ok(Listing { total: total as u64, items: rows.into_iter().map(Taxonomy::from).collect() })
    }

    async fn oruk_taxonomy(&self, id: &str) -> Result<Option<(Taxonomy, Vec<TaxonomyTerm>)>> {
        let row: Option<TaxonomyRow> = sqlx::query_as("SELECT id, name, description, uri, version FROM taxonomies WHERE id = $1").bind(id).fetch_optional(&mut *self.conn().await?).await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let terms: Vec<TermRow> = sqlx::query_as(&format!("SELECT {TERM_COLUMNS} FROM taxonomy_terms t WHERE t.taxonomy_id = $1 ORDER BY t.name, t.id")).bind(id).fetch_all(&mut *self.conn().await?).await?;
        Ok(Some((row.into(), terms.iter().map(TermRow::term).collect())))
    }

    async fn oruk_taxonomy_terms(&self, page: PageRequest, taxonomy_id: Option<&str>) -> Result<Listing<TaxonomyTerm>> {
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM taxonomy_terms t");
        let mut select = QueryBuilder::<Db>::new(format!("SELECT {TERM_COLUMNS} FROM taxonomy_terms t"));
        if let Some(taxonomy) = taxonomy_id {
            count.push(" WHERE t.taxonomy_id = ").push_bind(taxonomy.to_owned());
            select.push(" WHERE t.taxonomy_id = ").push_bind(taxonomy.to_owned());
        }
        let total: i64 = count.build_query_scalar().fetch_one(&mut *self.conn().await?).await?;
        select.push(" ORDER BY t.name, t.id");
        limit_offset(&mut select, page);
        let rows: Vec<TermRow> = select.build_query_as().fetch_all(&mut *self.conn().await?).await?;
        Ok(Listing { total: total as u64, items: rows.iter().map(TermRow::term).collect() })
    }

    async fn oruk_taxonomy_term(&self, id: &str) -> Result<Option<TaxonomyTerm>> {
        let row: Option<TermRow> = sqlx::query_as(&format!("SELECT {TERM_COLUMNS} FROM taxonomy_terms t WHERE t.id = $1")).bind(id).fetch_optional(&mut *self.conn().await?).await?;
        Ok(row.as_ref().map(TermRow::term))
    }

    async fn postcode_centre(&self, postcode: &str) -> Result<Option<Coordinates>> {
        let (clause, value) = if postcode.contains(' ') { ("postcode = $1", postcode.to_owned()) } else { ("postcode LIKE $1", format!("{postcode} %")) };
        let centre: (Option<f64>, Option<f64>) =
            sqlx::query_as(&format!("SELECT AVG(latitude), AVG(longitude) FROM locations WHERE {clause} AND latitude IS NOT NULL AND longitude IS NOT NULL")).bind(value).fetch_one(&mut *self.conn().await?).await?;
        Ok(centre.0.zip(centre.1).and_then(|(lat, lon)| Coordinates::new(lat, lon)))
    }

    async fn services_where_when(&self) -> Result<Vec<ServiceWhereWhen>> {
        self.where_when().await
    }
}
