//! Open Referral UK 3.0 (the UK profile of HSDS 3.0) service records: parsed from what a
//! directory feed publishes, and rendered back as Linkwork's `/oruk` API serves them.
//!
//! # What is read
//!
//! A document is a saved `/services` page (an object with `contents`), one full service record
//! (an object with `id`), or a JSON array of service records. Each record becomes a
//! [`ServiceRecord`]: the service's one-to-one fields, its organization, and — when the record
//! carries them — its `service_at_locations` (each with its location and first usable address),
//! `schedules`, `phones` and `attributes` (taxonomy terms). A list that is absent means "not
//! given" (a `/services` page carries none), so a later import of a page does not wipe what a
//! full record brought; a list that is present, even empty, replaces what was there.
//!
//! Not read, by design: `contacts` and address `attention` (they name people), `funding`,
//! `cost_options`, `service_areas`, `languages`, `accessibility`, `organization_identifiers`,
//! `parent_organization_id`. Link workers record capacity, funding and accessibility themselves.
//!
//! # Problems
//!
//! A record is skipped, with its JSON path and the reason, when it is not an object or lacks what
//! the standard requires and Linkwork cannot do without: the service's `id`, `name` and a valid
//! `status`, and its organization (an `organization` with `id` and `name`, or an
//! `organization_id`). Anything smaller (an item of a list without its required fields, a value
//! of the wrong type, coordinates off the earth, a fractional age) is left out or rounded and
//! reported as a [`Note`], and the rest of the record is imported. Items of lists that lack their
//! `id` get a stable derived one ([`crate::directory::derived_id`]), so importing the same feed
//! again matches them. Parsing never panics, whatever the bytes.
//!
//! Values are trimmed and empty strings are absent. Postcodes that parse as UK postcodes are
//! normalised (`ls1 4ap` becomes `LS1 4AP`); an address without a country is in `GB`;
//! `last_modified` is kept in UTC to the microsecond (as databases keep it).

use crate::directory::{derived_id, Coordinates, LocationType, PageInfo, ServiceStatus};
use crate::person::postcode::Postcode;
use serde_json::{json, Map, Value};
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// One service as Open Referral UK describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRecord {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    pub status: ServiceStatus,
    /// `fees` (HSDS's `fees_description` is read too).
    pub fees: Option<String>,
    pub accreditations: Option<String>,
    /// HSDS 3.0's `eligibility_description` (the UK profile leaves it out; Linkwork keeps and
    /// publishes it, as the standard allows further properties).
    pub eligibility_description: Option<String>,
    pub minimum_age: Option<i64>,
    pub maximum_age: Option<i64>,
    pub assured_date: Option<String>,
    pub assurer_email: Option<String>,
    pub alert: Option<String>,
    /// Absent means "not given": the stored value is kept.
    pub last_modified: Option<OffsetDateTime>,
    pub organization_id: String,
    /// The organization's details; absent when the record only names `organization_id`.
    pub organization: Option<Organization>,
    pub service_at_locations: Option<Vec<ServiceAtLocation>>,
    pub schedules: Option<Vec<Schedule>>,
    /// HSDS 3.0's `service.phones` (left out of the UK profile; published as a further property).
    pub phones: Option<Vec<Phone>>,
    pub attributes: Option<Vec<Attribute>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub logo: Option<String>,
    pub uri: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceAtLocation {
    pub id: String,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub id: String,
    pub location_type: LocationType,
    pub name: Option<String>,
    pub description: Option<String>,
    pub coordinates: Option<Coordinates>,
    pub external_identifier: Option<String>,
    pub external_identifier_type: Option<String>,
    /// The location's address (Linkwork keeps one per location: the first complete one).
    pub address: Option<Address>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    pub id: String,
    pub address_1: String,
    pub city: String,
    pub region: Option<String>,
    pub state_province: Option<String>,
    pub postal_code: String,
    pub country: String,
    pub address_type: LocationType,
}

/// When a service runs, iCalendar-style (`freq` WEEKLY or MONTHLY, `byday` like `MO,TH`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schedule {
    pub id: String,
    pub freq: Option<String>,
    pub interval: Option<i64>,
    pub byday: Option<String>,
    pub bymonthday: Option<String>,
    pub dtstart: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    pub description: Option<String>,
    pub attending_type: Option<String>,
    pub notes: Option<String>,
    pub schedule_link: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Phone {
    pub id: String,
    pub number: String,
    pub description: Option<String>,
}

/// A link from the service to a taxonomy term.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub id: String,
    pub link_type: Option<String>,
    pub term: TaxonomyTerm,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaxonomyTerm {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// HSDS's `code` (left out of the UK profile; read to match need domains, published when known).
    pub code: Option<String>,
    pub parent_id: Option<String>,
    /// Free text naming an established taxonomy.
    pub taxonomy: Option<String>,
    pub taxonomy_id: Option<String>,
    pub term_uri: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub uri: Option<String>,
    pub version: Option<String>,
}

/// A service record found in a document, where it was, and the taxonomies its terms described
/// (HSDS's `taxonomy_term.taxonomy_detail`).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub path: String,
    pub record: ServiceRecord,
    pub taxonomies: Vec<Taxonomy>,
}

/// A record (or the whole document) left out, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// JSON path of the record: `$`, `$[3]`, `$.contents[3]`.
    pub path: String,
    pub reason: String,
}

/// Something smaller left out of (or changed in) a record that was imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub path: String,
    pub message: String,
}

/// What one document held.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub services: Vec<Found>,
    pub skipped: Vec<Skipped>,
    pub notes: Vec<Note>,
}

const SHAPE: &str = "not an Open Referral UK services page, service record or list of service records (expected an object with \"contents\" or \"id\", or an array)";

/// Reads one document (the bytes of a `.json` file).
pub fn parse_document(bytes: &[u8]) -> Document {
    let mut doc = Document::default();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            let reason = if e.is_eof() && bytes.iter().all(u8::is_ascii_whitespace) { "the file is empty".to_owned() } else { format!("not valid JSON (line {}, column {}): {e}", e.line(), e.column()) };
            doc.skipped.push(Skipped { path: "$".into(), reason });
            return doc;
        }
    };
    match &value {
        Value::Object(map) if map.contains_key("contents") => match map.get("contents") {
            Some(Value::Array(items)) => {
                let number = |k: &str| map.get(k).and_then(Value::as_u64);
                if let (Some(page), Some(pages)) = (number("page_number"), number("total_pages")) {
                    if pages > 1 {
                        doc.notes.push(Note { path: "$".into(), message: format!("this is page {page} of {pages}: only its services are imported; save and import the other pages too") });
                    }
                }
                for (i, item) in items.iter().enumerate() {
                    parse_item(&mut doc, item, format!("$.contents[{i}]"));
                }
            }
            _ => doc.skipped.push(Skipped { path: "$.contents".into(), reason: "contents must be a list of service records".into() }),
        },
        Value::Object(_) => parse_item(&mut doc, &value, "$".into()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                parse_item(&mut doc, item, format!("$[{i}]"));
            }
        }
        _ => doc.skipped.push(Skipped { path: "$".into(), reason: SHAPE.into() }),
    }
    doc
}

fn parse_item(doc: &mut Document, item: &Value, path: String) {
    // A record carrying a control character (NUL cannot be stored by PostgreSQL) is left out whole,
    // naming where, rather than stored differently by the two databases.
    if let Some((at, c)) = forbidden_in(item, &path) {
        doc.skipped.push(Skipped { reason: crate::text::forbidden_character_message(&at, c), path });
        return;
    }
    let mut notes = Vec::new();
    let mut taxonomies = Vec::new();
    match parse_service(item, &path, &mut notes, &mut taxonomies) {
        Ok(record) => {
            doc.notes.append(&mut notes);
            doc.services.push(Found { path, record, taxonomies });
        }
        Err(reason) => doc.skipped.push(Skipped { path, reason }),
    }
}

/// The first string (or key) under `value` holding a character that has no business in text, with
/// its JSON path. Line breaks and tabs are allowed: descriptions run over several lines.
fn forbidden_in(value: &Value, path: &str) -> Option<(String, char)> {
    use crate::text::{forbidden_character, Lines};
    match value {
        Value::String(s) => forbidden_character(s, Lines::Many).map(|c| (path.to_owned(), c)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| forbidden_in(v, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| match forbidden_character(k, Lines::One) {
            Some(c) => Some((format!("{path} (a key)"), c)),
            None => forbidden_in(v, &format!("{path}.{k}")),
        }),
        _ => None,
    }
}

/// Reads one service record (an object as `/services/{id}` serves it).
pub fn parse_service(value: &Value, path: &str, notes: &mut Vec<Note>, taxonomies: &mut Vec<Taxonomy>) -> Result<ServiceRecord, String> {
    let Value::Object(obj) = value else {
        return Err(if value.is_array() || value.is_null() { SHAPE.into() } else { "expected a service record (a JSON object)".into() });
    };
    let mut r = Reader { notes, path: path.to_owned() };
    let id = r.id(obj, "id").ok_or("the service has no id")?;
    let name = r.text(obj, "name").ok_or("the service has no name")?;
    let status = match obj.get("status") {
        None | Some(Value::Null) => return Err("the service has no status (active, inactive, defunct or temporarily closed)".into()),
        Some(Value::String(s)) if !s.trim().is_empty() => ServiceStatus::parse(s).map_err(|_| format!("status {:?} is not one of active, inactive, defunct, temporarily closed", s.trim()))?,
        Some(other) => return Err(format!("status {other} is not one of active, inactive, defunct, temporarily closed")),
    };
    let organization = match obj.get("organization") {
        None | Some(Value::Null) => None,
        Some(Value::Object(org)) => Some(r.nested("organization", |r| parse_organization(r, org)).map_err(|e| format!("organization: {e}"))?),
        Some(_) => return Err("organization must be an object".into()),
    };
    let organization_id = match &organization {
        Some(org) => org.id.clone(),
        None => r.id(obj, "organization_id").ok_or("the service names no organization (an organization with id and name, or an organization_id)")?,
    };
    let fees = r.text(obj, "fees").or_else(|| r.text(obj, "fees_description"));
    let minimum_age = r.age(obj, "minimum_age", false);
    let maximum_age = r.age(obj, "maximum_age", true);
    let last_modified = r.timestamp(obj, "last_modified");
    let mut record = ServiceRecord {
        description: r.text(obj, "description"),
        url: r.text(obj, "url"),
        email: r.text(obj, "email"),
        accreditations: r.text(obj, "accreditations"),
        eligibility_description: r.text(obj, "eligibility_description"),
        assured_date: r.text(obj, "assured_date"),
        assurer_email: r.text(obj, "assurer_email"),
        alert: r.text(obj, "alert"),
        service_at_locations: None,
        schedules: None,
        phones: None,
        attributes: None,
        id,
        name,
        status,
        fees,
        minimum_age,
        maximum_age,
        last_modified,
        organization_id,
        organization,
    };
    record.service_at_locations = r.list(obj, "service_at_locations", |r, item, _| parse_service_at_location(r, item, &record.id));
    record.schedules = r.list(obj, "schedules", |r, item, i| parse_schedule(r, item, i, &record.id));
    record.phones = r.list(obj, "phones", |r, item, _| parse_phone(r, item, &record.id));
    record.attributes = r.list(obj, "attributes", |r, item, _| parse_attribute(r, item, &record.id, taxonomies));
    dedup(&mut r, &mut record.service_at_locations, "service_at_locations", |s| s.location.id.clone(), "the location is listed more than once");
    dedup(&mut r, &mut record.schedules, "schedules", |s| s.id.clone(), "a schedule with this id is listed more than once");
    dedup(&mut r, &mut record.phones, "phones", |p| p.id.clone(), "a phone with this id is listed more than once");
    dedup(&mut r, &mut record.attributes, "attributes", |a| a.term.id.clone(), "the taxonomy term is listed more than once");
    if let (Some(min), Some(max)) = (record.minimum_age, record.maximum_age) {
        if min > max {
            r.note("minimum_age", format!("minimum_age {min} is above maximum_age {max}; both left out"));
            record.minimum_age = None;
            record.maximum_age = None;
        }
    }
    record.sort_lists();
    Ok(record)
}

fn dedup<T>(r: &mut Reader, list: &mut Option<Vec<T>>, key: &str, id: impl Fn(&T) -> String, why: &str) {
    if let Some(items) = list {
        let mut seen = std::collections::HashSet::new();
        let before = items.len();
        items.retain(|item| seen.insert(id(item)));
        if items.len() < before {
            r.note(key, format!("{why}: {} repeated {} left out", before - items.len(), if before - items.len() == 1 { "entry" } else { "entries" }));
        }
    }
}

fn parse_organization(r: &mut Reader, obj: &Map<String, Value>) -> Result<Organization, String> {
    Ok(Organization {
        id: r.id(obj, "id").ok_or("the organization has no id")?,
        name: r.text(obj, "name").ok_or("the organization has no name")?,
        description: r.text(obj, "description"),
        email: r.text(obj, "email"),
        website: r.text(obj, "website"),
        logo: r.text(obj, "logo"),
        uri: r.text(obj, "uri"),
    })
}

fn parse_service_at_location(r: &mut Reader, item: &Map<String, Value>, service_id: &str) -> Result<ServiceAtLocation, String> {
    let Some(Value::Object(loc)) = item.get("location") else {
        return Err("has no location object (a location_id alone cannot be imported)".into());
    };
    let location = r.nested("location", |r| parse_location(r, loc))?;
    let id = r.id(item, "id").unwrap_or_else(|| derived_id(&["service_at_location", service_id, &location.id]));
    Ok(ServiceAtLocation { id, location })
}

fn parse_location(r: &mut Reader, obj: &Map<String, Value>) -> Result<Location, String> {
    let id = r.id(obj, "id").ok_or("the location has no id")?;
    let location_type = r.location_type(obj, "location_type");
    let coordinates = match (r.number(obj, "latitude"), r.number(obj, "longitude")) {
        (None, None) => None,
        (Some(lat), Some(lon)) => match Coordinates::new(lat, lon) {
            Some(c) => Some(c),
            None => {
                r.note("latitude", format!("latitude {lat}, longitude {lon} is not a place on earth; coordinates left out"));
                None
            }
        },
        _ => {
            r.note("latitude", "only one of latitude and longitude is given; coordinates left out");
            None
        }
    };
    let address = match obj.get("addresses") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => {
            let mut found = None;
            for (i, item) in items.iter().enumerate() {
                let at = format!("addresses[{i}]");
                match item {
                    Value::Object(a) if found.is_none() => match r.nested(&at, |r| parse_address(r, a, &id)) {
                        Ok(address) => found = Some(address),
                        Err(e) => r.note(&at, format!("{e}; address left out")),
                    },
                    Value::Object(_) => r.note(&at, "Linkwork keeps one address per location; this one left out"),
                    _ => r.note(&at, "an address must be an object; left out"),
                }
            }
            found
        }
        Some(_) => {
            r.note("addresses", "addresses must be a list; left out");
            None
        }
    };
    Ok(Location {
        id,
        location_type,
        name: r.text(obj, "name"),
        description: r.text(obj, "description"),
        coordinates,
        external_identifier: r.text(obj, "external_identifier"),
        external_identifier_type: r.text(obj, "external_identifier_type"),
        address,
    })
}

fn parse_address(r: &mut Reader, obj: &Map<String, Value>, location_id: &str) -> Result<Address, String> {
    let address_1 = r.text(obj, "address_1").ok_or("the address has no address_1")?;
    let city = r.text(obj, "city").ok_or("the address has no city")?;
    let postal_code = r.text(obj, "postal_code").ok_or("the address has no postal_code")?;
    Ok(Address {
        id: r.id(obj, "id").unwrap_or_else(|| derived_id(&["address", location_id])),
        address_1,
        city,
        region: r.text(obj, "region"),
        state_province: r.text(obj, "state_province"),
        postal_code: normalise_postcode(&postal_code),
        country: r.text(obj, "country").unwrap_or_else(|| "GB".into()),
        address_type: r.location_type(obj, "address_type"),
    })
}

/// A UK postcode in its normal form when it parses as one; otherwise as given.
pub fn normalise_postcode(raw: &str) -> String {
    Postcode::parse(raw).map(String::from).unwrap_or_else(|_| raw.trim().to_owned())
}

fn parse_schedule(r: &mut Reader, obj: &Map<String, Value>, index: usize, service_id: &str) -> Result<Schedule, String> {
    let freq = match r.text(obj, "freq") {
        Some(f) if f.eq_ignore_ascii_case("weekly") || f.eq_ignore_ascii_case("monthly") => Some(f.to_ascii_uppercase()),
        Some(f) => {
            r.note("freq", format!("freq {f:?} is not WEEKLY or MONTHLY; left out"));
            None
        }
        None => None,
    };
    let interval = r.number(obj, "interval").and_then(|n| {
        if n.fract() == 0.0 && (1.0..=1000.0).contains(&n) {
            Some(n as i64)
        } else {
            r.note("interval", format!("interval {n} is not a whole number from 1; left out"));
            None
        }
    });
    Ok(Schedule {
        id: r.id(obj, "id").unwrap_or_else(|| derived_id(&["schedule", service_id, &index.to_string()])),
        freq,
        interval,
        byday: r.text(obj, "byday").map(|d| d.to_ascii_uppercase().replace(' ', "")),
        bymonthday: r.text(obj, "bymonthday"),
        dtstart: r.text(obj, "dtstart"),
        valid_from: r.text(obj, "valid_from"),
        valid_to: r.text(obj, "valid_to"),
        opens_at: r.text(obj, "opens_at"),
        closes_at: r.text(obj, "closes_at"),
        description: r.text(obj, "description"),
        attending_type: r.text(obj, "attending_type"),
        notes: r.text(obj, "notes"),
        schedule_link: r.text(obj, "schedule_link"),
    })
}

fn parse_phone(r: &mut Reader, obj: &Map<String, Value>, service_id: &str) -> Result<Phone, String> {
    let number = r.text(obj, "number").ok_or("the phone has no number")?;
    Ok(Phone { id: r.id(obj, "id").unwrap_or_else(|| derived_id(&["phone", service_id, &number])), description: r.text(obj, "description"), number })
}

fn parse_attribute(r: &mut Reader, obj: &Map<String, Value>, service_id: &str, taxonomies: &mut Vec<Taxonomy>) -> Result<Attribute, String> {
    let Some(Value::Object(term)) = obj.get("taxonomy_term") else {
        return Err("has no taxonomy_term object (a taxonomy_term_id alone cannot be imported)".into());
    };
    let term = r.nested("taxonomy_term", |r| {
        let id = r.id(term, "id").ok_or("the taxonomy term has no id")?;
        let name = r.text(term, "name").or_else(|| r.text(term, "term")).ok_or("the taxonomy term has no name")?;
        let mut detail_id = None;
        if let Some(Value::Object(detail)) = term.get("taxonomy_detail") {
            let taxonomy = r.nested("taxonomy_detail", |d| {
                let id = d.id(detail, "id").ok_or("the taxonomy has no id")?;
                let name = d.text(detail, "name").ok_or("the taxonomy has no name")?;
                Ok(Taxonomy { id, name, description: d.text(detail, "description"), uri: d.text(detail, "uri"), version: d.text(detail, "version") })
            });
            match taxonomy {
                Ok(t) => {
                    detail_id = Some(t.id.clone());
                    taxonomies.push(t);
                }
                Err(e) => r.note("taxonomy_detail", format!("{e}; left out")),
            }
        }
        let taxonomy_id = r.id(term, "taxonomy_id").or(detail_id);
        Ok(TaxonomyTerm {
            id,
            name,
            description: r.text(term, "description"),
            code: r.text(term, "code"),
            parent_id: r.id(term, "parent_id"),
            taxonomy: r.text(term, "taxonomy"),
            taxonomy_id,
            term_uri: r.text(term, "term_uri"),
        })
    })?;
    Ok(Attribute { id: r.id(obj, "id").unwrap_or_else(|| derived_id(&["attribute", service_id, &term.id])), link_type: r.text(obj, "link_type"), term })
}

/// Reads fields of one object, noting what it leaves out under the object's JSON path.
struct Reader<'a> {
    notes: &'a mut Vec<Note>,
    path: String,
}

impl Reader<'_> {
    fn note(&mut self, key: &str, message: impl Into<String>) {
        self.notes.push(Note { path: format!("{}.{key}", self.path), message: message.into() });
    }

    /// Runs `f` with the path extended by `key`.
    fn nested<T>(&mut self, key: &str, f: impl FnOnce(&mut Self) -> Result<T, String>) -> Result<T, String> {
        let outer = std::mem::take(&mut self.path);
        self.path = format!("{outer}.{key}");
        let result = f(self);
        self.path = outer;
        result
    }

    /// Text: a string (trimmed; empty is absent), or a number or boolean written as text.
    fn text(&mut self, obj: &Map<String, Value>, key: &str) -> Option<String> {
        match obj.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => {
                self.note(key, format!("{key} should be text; left out"));
                None
            }
        }
    }

    fn id(&mut self, obj: &Map<String, Value>, key: &str) -> Option<String> {
        self.text(obj, key)
    }

    /// A number, or a string holding one.
    fn number(&mut self, obj: &Map<String, Value>, key: &str) -> Option<f64> {
        let n = match obj.get(key)? {
            Value::Null => return None,
            Value::Number(n) => n.as_f64(),
            Value::String(s) if s.trim().is_empty() => return None,
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        match n.filter(|n| n.is_finite()) {
            Some(n) => Some(n),
            None => {
                self.note(key, format!("{key} should be a number; left out"));
                None
            }
        }
    }

    /// An age in whole years: a fractional minimum is rounded down and a maximum up, so no one
    /// the service takes is excluded.
    fn age(&mut self, obj: &Map<String, Value>, key: &str, round_up: bool) -> Option<i64> {
        let n = self.number(obj, key)?;
        if !(0.0..=150.0).contains(&n) {
            self.note(key, format!("{key} {n} is not an age from 0 to 150; left out"));
            return None;
        }
        let whole = if round_up { n.ceil() } else { n.floor() };
        if whole != n {
            self.note(key, format!("{key} {n} rounded to {whole} (Linkwork keeps ages in whole years)"));
        }
        Some(whole as i64)
    }

    fn timestamp(&mut self, obj: &Map<String, Value>, key: &str) -> Option<OffsetDateTime> {
        let raw = self.text(obj, key)?;
        let parsed = OffsetDateTime::parse(&raw, &Rfc3339)
            .or_else(|_| OffsetDateTime::parse(&raw, &Iso8601::DEFAULT))
            .or_else(|_| PrimitiveDateTime::parse(&raw, &Iso8601::DEFAULT).map(PrimitiveDateTime::assume_utc))
            .or_else(|_| time::Date::parse(&raw, &Iso8601::DEFAULT).map(|d| d.midnight().assume_utc()));
        match parsed {
            Ok(t) => Some(to_stored_precision(t)),
            Err(_) => {
                self.note(key, format!("{key} {raw:?} is not a date and time like 2026-03-15T10:30:00Z; left out"));
                None
            }
        }
    }

    fn location_type(&mut self, obj: &Map<String, Value>, key: &str) -> LocationType {
        match self.text(obj, key) {
            None => LocationType::Physical,
            Some(raw) => LocationType::parse(&raw).unwrap_or_else(|_| {
                self.note(key, format!("{key} {raw:?} is not physical, postal or virtual; taken as physical"));
                LocationType::Physical
            }),
        }
    }

    /// A list of `key`: `None` when absent; items that fail are left out with a note.
    fn list<T>(&mut self, obj: &Map<String, Value>, key: &str, mut parse: impl FnMut(&mut Self, &Map<String, Value>, usize) -> Result<T, String>) -> Option<Vec<T>> {
        match obj.get(key)? {
            Value::Null => None,
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let at = format!("{key}[{i}]");
                    match item {
                        Value::Object(map) => match self.nested(&at, |r| parse(r, map, i)) {
                            Ok(v) => out.push(v),
                            Err(e) => self.note(&at, format!("{e}; left out")),
                        },
                        _ => self.note(&at, "should be an object; left out"),
                    }
                }
                Some(out)
            }
            _ => {
                self.note(key, format!("{key} should be a list; left out"));
                None
            }
        }
    }
}

/// A timestamp in UTC to the microsecond, as both databases keep it.
pub fn to_stored_precision(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(UtcOffset::UTC);
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000).unwrap_or(t)
}

impl ServiceRecord {
    /// Puts every list in id order, so two records with the same content compare equal.
    pub fn sort_lists(&mut self) {
        if let Some(l) = &mut self.service_at_locations {
            l.sort_by(|a, b| a.id.cmp(&b.id));
        }
        if let Some(l) = &mut self.schedules {
            l.sort_by(|a, b| a.id.cmp(&b.id));
        }
        if let Some(l) = &mut self.phones {
            l.sort_by(|a, b| a.id.cmp(&b.id));
        }
        if let Some(l) = &mut self.attributes {
            l.sort_by(|a, b| a.id.cmp(&b.id));
        }
    }

    /// This record with what it did not give taken from `stored` (the record as held now): the
    /// absent lists, `last_modified` and the organization's details. An import compares the
    /// result with `stored` to tell an update from no change, and writes it.
    pub fn completed_from(mut self, stored: &ServiceRecord) -> ServiceRecord {
        if self.service_at_locations.is_none() {
            self.service_at_locations = stored.service_at_locations.clone();
        }
        if self.schedules.is_none() {
            self.schedules = stored.schedules.clone();
        }
        if self.phones.is_none() {
            self.phones = stored.phones.clone();
        }
        if self.attributes.is_none() {
            self.attributes = stored.attributes.clone();
        }
        if self.last_modified.is_none() {
            self.last_modified = stored.last_modified;
        }
        if self.organization.is_none() && self.organization_id == stored.organization_id {
            self.organization = stored.organization.clone();
        }
        self
    }
}

// ---- rendering: what /oruk serves ----

/// How much of a service to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// `/services` listings: one-to-one fields and the organization.
    List,
    /// `/services/{id}`: everything, nested.
    Full,
    /// The service inside a full `/service_at_locations/{id}`: everything but its locations.
    FullWithoutLocations,
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        map.insert(key.to_owned(), Value::String(v.to_owned()));
    }
}

/// A service as the Open Referral UK API serves it; [`parse_service`] reads it back unchanged.
pub fn service_json(r: &ServiceRecord, detail: Detail) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(r.id));
    m.insert("organization_id".into(), json!(r.organization_id));
    m.insert("name".into(), json!(r.name));
    put(&mut m, "description", r.description.as_deref());
    put(&mut m, "url", r.url.as_deref());
    put(&mut m, "email", r.email.as_deref());
    m.insert("status".into(), json!(r.status.code()));
    put(&mut m, "fees", r.fees.as_deref());
    put(&mut m, "accreditations", r.accreditations.as_deref());
    put(&mut m, "eligibility_description", r.eligibility_description.as_deref());
    if let Some(age) = r.minimum_age {
        m.insert("minimum_age".into(), json!(age));
    }
    if let Some(age) = r.maximum_age {
        m.insert("maximum_age".into(), json!(age));
    }
    put(&mut m, "assured_date", r.assured_date.as_deref());
    put(&mut m, "assurer_email", r.assurer_email.as_deref());
    put(&mut m, "alert", r.alert.as_deref());
    if let Some(t) = r.last_modified {
        if let Ok(s) = t.format(&Rfc3339) {
            m.insert("last_modified".into(), json!(s));
        }
    }
    if let Some(org) = &r.organization {
        m.insert("organization".into(), organization_json(org));
    }
    if detail != Detail::List {
        if detail == Detail::Full {
            if let Some(sals) = &r.service_at_locations {
                m.insert("service_at_locations".into(), sals.iter().map(|s| service_at_location_item(s, &r.id, true)).collect());
            }
        }
        if let Some(schedules) = &r.schedules {
            m.insert("schedules".into(), schedules.iter().map(|s| schedule_json(s, &r.id)).collect());
        }
        if let Some(phones) = &r.phones {
            m.insert("phones".into(), phones.iter().map(|p| phone_json(p, &r.id)).collect());
        }
        if let Some(attributes) = &r.attributes {
            m.insert("attributes".into(), attributes.iter().map(|a| attribute_json(a, &r.id)).collect());
        }
    }
    Value::Object(m)
}

fn organization_json(org: &Organization) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(org.id));
    m.insert("name".into(), json!(org.name));
    m.insert("description".into(), json!(org.description.as_deref().unwrap_or("")));
    put(&mut m, "email", org.email.as_deref());
    put(&mut m, "website", org.website.as_deref());
    put(&mut m, "logo", org.logo.as_deref());
    put(&mut m, "uri", org.uri.as_deref());
    Value::Object(m)
}

fn service_at_location_item(sal: &ServiceAtLocation, service_id: &str, full_location: bool) -> Value {
    json!({ "id": sal.id, "service_id": service_id, "location_id": sal.location.id, "location": location_json(&sal.location, full_location) })
}

fn location_json(l: &Location, full: bool) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(l.id));
    m.insert("location_type".into(), json!(l.location_type.code()));
    put(&mut m, "name", l.name.as_deref());
    put(&mut m, "description", l.description.as_deref());
    if let Some(c) = l.coordinates {
        m.insert("latitude".into(), json!(c.latitude));
        m.insert("longitude".into(), json!(c.longitude));
    }
    put(&mut m, "external_identifier", l.external_identifier.as_deref());
    put(&mut m, "external_identifier_type", l.external_identifier_type.as_deref());
    if full {
        let addresses: Vec<Value> = l
            .address
            .iter()
            .map(|a| {
                let mut m = Map::new();
                m.insert("id".into(), json!(a.id));
                m.insert("location_id".into(), json!(l.id));
                m.insert("address_1".into(), json!(a.address_1));
                m.insert("city".into(), json!(a.city));
                put(&mut m, "region", a.region.as_deref());
                m.insert("state_province".into(), json!(a.state_province.as_deref().unwrap_or("")));
                m.insert("postal_code".into(), json!(a.postal_code));
                m.insert("country".into(), json!(a.country));
                m.insert("address_type".into(), json!(a.address_type.code()));
                Value::Object(m)
            })
            .collect();
        m.insert("addresses".into(), Value::Array(addresses));
    }
    Value::Object(m)
}

fn schedule_json(s: &Schedule, service_id: &str) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(s.id));
    m.insert("service_id".into(), json!(service_id));
    put(&mut m, "freq", s.freq.as_deref());
    if let Some(i) = s.interval {
        m.insert("interval".into(), json!(i));
    }
    for (key, value) in [
        ("byday", &s.byday),
        ("bymonthday", &s.bymonthday),
        ("dtstart", &s.dtstart),
        ("valid_from", &s.valid_from),
        ("valid_to", &s.valid_to),
        ("opens_at", &s.opens_at),
        ("closes_at", &s.closes_at),
        ("description", &s.description),
        ("attending_type", &s.attending_type),
        ("notes", &s.notes),
        ("schedule_link", &s.schedule_link),
    ] {
        put(&mut m, key, value.as_deref());
    }
    Value::Object(m)
}

fn phone_json(p: &Phone, service_id: &str) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(p.id));
    m.insert("service_id".into(), json!(service_id));
    m.insert("number".into(), json!(p.number));
    put(&mut m, "description", p.description.as_deref());
    Value::Object(m)
}

fn attribute_json(a: &Attribute, service_id: &str) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(a.id));
    m.insert("link_id".into(), json!(service_id));
    m.insert("taxonomy_term_id".into(), json!(a.term.id));
    put(&mut m, "link_type", a.link_type.as_deref());
    m.insert("taxonomy_term".into(), taxonomy_term_json(&a.term));
    Value::Object(m)
}

/// A taxonomy term (`/taxonomy_terms/{id}`, and inside attributes).
pub fn taxonomy_term_json(t: &TaxonomyTerm) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(t.id));
    m.insert("name".into(), json!(t.name));
    m.insert("description".into(), json!(t.description.as_deref().unwrap_or("")));
    put(&mut m, "code", t.code.as_deref());
    put(&mut m, "parent_id", t.parent_id.as_deref());
    put(&mut m, "taxonomy", t.taxonomy.as_deref());
    put(&mut m, "taxonomy_id", t.taxonomy_id.as_deref());
    put(&mut m, "term_uri", t.term_uri.as_deref());
    m.insert("term".into(), json!(t.name));
    Value::Object(m)
}

/// A taxonomy (`/taxonomies`), with its terms when given (`/taxonomies/{id}`).
pub fn taxonomy_json(t: &Taxonomy, terms: Option<&[TaxonomyTerm]>) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(t.id));
    m.insert("name".into(), json!(t.name));
    m.insert("description".into(), json!(t.description.as_deref().unwrap_or("")));
    put(&mut m, "uri", t.uri.as_deref());
    put(&mut m, "version", t.version.as_deref());
    if let Some(terms) = terms {
        m.insert("taxonomy_terms".into(), terms.iter().map(taxonomy_term_json).collect());
    }
    Value::Object(m)
}

/// A service at a location (`/service_at_locations`): the location and the service, in the
/// listing's detail or in full.
pub fn service_at_location_json(sal: &ServiceAtLocation, service: &ServiceRecord, detail: Detail) -> Value {
    let full = detail != Detail::List;
    let mut v = service_at_location_item(sal, &service.id, full);
    v["service"] = service_json(service, if full { Detail::FullWithoutLocations } else { Detail::List });
    v
}

/// A page of an Open Referral UK listing.
pub fn page_json(info: &PageInfo, contents: Vec<Value>) -> Value {
    let mut v = serde_json::to_value(info).unwrap_or_else(|_| json!({}));
    v["contents"] = Value::Array(contents);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example_full() -> Value {
        json!({
          "id": "ac148810-d857-441c-9679-408f346de14b",
          "name": "Community Counselling",
          "description": "Counselling Services provided by trained professionals. ",
          "url": "http://example.com/counselling",
          "email": "email@example.com",
          "status": "active",
          "fees": "fees_description",
          "minimum_age": 12,
          "maximum_age": 100,
          "last_modified": "2023-03-15T10:30:45.123Z",
          "schedules": [{ "id": "48102e86-bb50-41c4-8f1e-e269368c41d1", "freq": "WEEKLY", "interval": 1, "byday": "TH,FR", "opens_at": "10:00:00", "closes_at": "18:00:00" }],
          "service_at_locations": [{
            "id": "e94c9f38-1e8f-4564-91d4-d53501ab1765",
            "location": {
              "id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5", "location_type": "physical", "name": "MyCity Civic Center",
              "latitude": 100, "longitude": 101,
              "addresses": [{ "id": "74706e55-df26-4b84-80fe-ecc30b5befb4", "attention": "A. Persona", "address_1": "1-30 Main Street", "city": "MyCity",
                              "state_province": "MyState", "postal_code": "ABC 1234", "country": "US", "address_type": "postal" }]
            }
          }],
          "organization": { "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "name": "Example Organization Inc.", "description": "Example Org", "website": "http://example.com" },
          "contacts": [{ "id": "1e7efce3-639b-4880-940c-b95cd30cdb50", "name": "Ann Persona", "title": "Reception Manager" }],
          "attributes": [{ "id": "ae58cc39-8b70-4ab1-8aea-786882e5ac8e", "link_type": "link_type",
                           "taxonomy_term": { "id": "3f7b145d-84af-42d7-8fae-eaca714b02b2", "name": "name", "description": "description", "taxonomy": "taxonomy", "term_uri": "http://example.com", "term": "name" } }]
        })
    }

    fn one(value: &Value) -> (ServiceRecord, Vec<Note>) {
        let doc = parse_document(value.to_string().as_bytes());
        assert!(doc.skipped.is_empty(), "{:?}", doc.skipped);
        assert_eq!(doc.services.len(), 1);
        (doc.services[0].record.clone(), doc.notes)
    }

    #[test]
    fn reads_a_full_record() {
        let (r, notes) = one(&example_full());
        assert_eq!(r.name, "Community Counselling");
        assert_eq!(r.description.as_deref(), Some("Counselling Services provided by trained professionals."));
        assert_eq!((r.minimum_age, r.maximum_age), (Some(12), Some(100)));
        assert_eq!(r.status, ServiceStatus::Active);
        assert_eq!(r.organization.as_ref().unwrap().name, "Example Organization Inc.");
        let loc = &r.service_at_locations.as_ref().unwrap()[0].location;
        assert_eq!(loc.coordinates, None, "latitude 100 is not on earth");
        let address = loc.address.as_ref().unwrap();
        assert_eq!((address.postal_code.as_str(), address.country.as_str(), address.address_type), ("ABC 1234", "US", LocationType::Postal));
        assert_eq!(r.schedules.as_ref().unwrap()[0].byday.as_deref(), Some("TH,FR"));
        assert_eq!(r.attributes.as_ref().unwrap()[0].term.name, "name");
        assert_eq!(r.phones, None, "absent, not empty");
        assert_eq!(r.last_modified.unwrap().millisecond(), 123);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].path, "$.service_at_locations[0].location.latitude");
    }

    #[test]
    fn renders_what_it_reads() {
        let (r, _) = one(&example_full());
        let served = service_json(&r, Detail::Full);
        let (again, notes) = one(&served);
        assert_eq!(again, r);
        assert!(notes.is_empty(), "{notes:?}");
        assert!(served.to_string().find("Persona").is_none(), "contacts and attention name people and are never kept");
        let listed = service_json(&r, Detail::List);
        assert!(listed.get("schedules").is_none() && listed.get("service_at_locations").is_none());
        let (summary, _) = one(&listed);
        assert_eq!(summary.clone().completed_from(&r), r);
        assert_eq!(summary.schedules, None);
    }

    #[test]
    fn pages_arrays_and_single_records() {
        let page = json!({ "total_items": 3, "total_pages": 2, "page_number": 1, "size": 2, "contents": [example_full(), { "id": "x", "name": "No status", "organization_id": "o" }] });
        let doc = parse_document(page.to_string().as_bytes());
        assert_eq!(doc.services.len(), 1);
        assert_eq!(doc.services[0].path, "$.contents[0]");
        assert_eq!(doc.skipped, vec![Skipped { path: "$.contents[1]".into(), reason: "the service has no status (active, inactive, defunct or temporarily closed)".into() }]);
        assert!(doc.notes.iter().any(|n| n.path == "$" && n.message.contains("page 1 of 2")));

        let array = json!([{ "id": "a", "name": "A", "status": "Active", "organization_id": "o" }, 5, { "id": "b", "name": "B", "status": "open", "organization_id": "o" }, { "id": "c", "name": "C", "status": "active" }]);
        let doc = parse_document(array.to_string().as_bytes());
        assert_eq!(doc.services.len(), 1);
        let reasons: Vec<(&str, &str)> = doc.skipped.iter().map(|s| (s.path.as_str(), s.reason.as_str())).collect();
        assert_eq!(reasons[0], ("$[1]", "expected a service record (a JSON object)"));
        assert_eq!(reasons[1], ("$[2]", "status \"open\" is not one of active, inactive, defunct, temporarily closed"));
        assert_eq!(reasons[2].0, "$[3]");
        assert!(reasons[2].1.contains("names no organization"));
    }

    #[test]
    fn whole_document_problems() {
        let doc = parse_document(b"{\"id\": ");
        assert_eq!(doc.skipped.len(), 1);
        assert!(doc.skipped[0].reason.starts_with("not valid JSON (line 1"), "{}", doc.skipped[0].reason);
        assert_eq!(parse_document(b"  ").skipped[0].reason, "the file is empty");
        assert_eq!(parse_document(b"\"hello\"").skipped[0].reason, SHAPE);
        assert_eq!(parse_document(br#"{"contents": 3}"#).skipped[0].path, "$.contents");
        // A byte order mark is fine.
        assert_eq!(parse_document(b"\xEF\xBB\xBF[]").skipped.len(), 0);
    }

    #[test]
    fn small_problems_are_notes() {
        let v = json!({
            "id": 42, "name": " Walk ", "status": "active", "organization": { "id": "o1", "name": "Org" },
            "minimum_age": 2.5, "maximum_age": "17.5", "last_modified": "yesterday", "url": ["x"],
            "phones": [{ "number": "0113 496 0000" }, { "id": "p" }],
            "schedules": [{ "freq": "daily", "byday": "mo, we" }],
            "service_at_locations": [{ "location": { "id": "L", "latitude": 53.8, "addresses": [{ "address_1": "1 Road", "city": "Town", "postal_code": "ls14ap" }, { "address_1": "2" }] } }, { "location_id": "M" }],
            "attributes": [{ "taxonomy_term": { "id": "t", "term": "Loneliness" } }, { "taxonomy_term_id": "u" }]
        });
        let (r, notes) = one(&v);
        assert_eq!(r.id, "42");
        assert_eq!(r.name, "Walk");
        assert_eq!((r.minimum_age, r.maximum_age), (Some(2), Some(18)));
        assert_eq!(r.last_modified, None);
        assert_eq!(r.url, None);
        let phones = r.phones.as_ref().unwrap();
        assert_eq!(phones.len(), 1);
        assert_eq!(phones[0].id, derived_id(&["phone", "42", "0113 496 0000"]));
        let schedule = &r.schedules.as_ref().unwrap()[0];
        assert_eq!((schedule.freq.as_deref(), schedule.byday.as_deref()), (None, Some("MO,WE")));
        let sals = r.service_at_locations.as_ref().unwrap();
        assert_eq!(sals.len(), 1);
        assert_eq!(sals[0].id, derived_id(&["service_at_location", "42", "L"]));
        let address = sals[0].location.address.as_ref().unwrap();
        assert_eq!((address.postal_code.as_str(), address.country.as_str()), ("LS1 4AP", "GB"));
        assert_eq!(address.id, derived_id(&["address", "L"]));
        assert_eq!(r.attributes.as_ref().unwrap()[0].term.name, "Loneliness");
        let paths: Vec<&str> = notes.iter().map(|n| n.path.as_str()).collect();
        for expected in [
            "$.minimum_age",
            "$.maximum_age",
            "$.last_modified",
            "$.url",
            "$.phones[1]",
            "$.schedules[0].freq",
            "$.service_at_locations[0].location.latitude",
            "$.service_at_locations[0].location.addresses[1]",
            "$.service_at_locations[1]",
            "$.attributes[1]",
        ] {
            assert!(paths.contains(&expected), "{expected} not in {paths:?}");
        }
        // Derived ids make the same feed match itself on the next import.
        assert_eq!(one(&v).0, r);
    }

    #[test]
    fn repeated_items_are_kept_once() {
        let v = json!({ "id": "s", "name": "S", "status": "active", "organization_id": "o",
            "phones": [{ "id": "p", "number": "1" }, { "id": "p", "number": "2" }],
            "attributes": [{ "id": "a", "taxonomy_term": { "id": "t", "name": "T" } }, { "id": "b", "taxonomy_term": { "id": "t", "name": "T" } }] });
        let (r, notes) = one(&v);
        assert_eq!(r.phones.unwrap().len(), 1);
        assert_eq!(r.attributes.unwrap().len(), 1);
        assert_eq!(notes.len(), 2);
    }

    #[test]
    fn timestamps_keep_microseconds_in_utc() {
        let v = json!({ "id": "s", "name": "S", "status": "active", "organization_id": "o", "last_modified": "2026-03-15T11:30:45.123456789+01:00" });
        let t = one(&v).0.last_modified.unwrap();
        assert_eq!(t.format(&Rfc3339).unwrap(), "2026-03-15T10:30:45.123456Z");
        let v = json!({ "id": "s", "name": "S", "status": "active", "organization_id": "o", "last_modified": "2026-03-15" });
        assert_eq!(one(&v).0.last_modified.unwrap().format(&Rfc3339).unwrap(), "2026-03-15T00:00:00Z");
    }

    #[test]
    fn envelope() {
        let info = PageInfo::new(crate::directory::PageRequest { page: 1, per_page: 10 }, 1, 1);
        let v = page_json(&info, vec![json!({"id": "x"})]);
        assert_eq!(v["total_items"], 1);
        assert_eq!(v["first_page"], true);
        assert_eq!(v["contents"][0]["id"], "x");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for bytes in [&b"[[[[]]]]"[..], b"{\"contents\": [null, [], {}]}", b"{\"id\": {}, \"name\": []}", b"\xff\xfe", b"[{\"id\":\"a\",\"name\":\"b\",\"status\":\"active\",\"organization\":{\"id\":1,\"name\":2},\"service_at_locations\":[{\"location\":{\"id\":\"l\",\"latitude\":\"abc\",\"longitude\":1e400}}]}]"] {
            let _ = parse_document(bytes);
        }
    }
}
