//! The community directory as an Open Referral UK 3.0 feed (docs/oruk.md): a public, read-only
//! API under `/oruk` that other directory tools can read, and the import of such feeds
//! (`linkwork_app::oruk_import`, used by `linkwork import oruk`).
//!
//! Routes follow the UK profile's OpenAPI paths (not its swapped `taxonomy_terms` operationIds):
//! `/` (meta), `/services`, `/services/{id}`, `/taxonomies`, `/taxonomies/{id}`,
//! `/taxonomy_terms`, `/taxonomy_terms/{id}`, `/service_at_locations`,
//! `/service_at_locations/{id}`. No sign-in: directory feeds are public, and every response has
//! `Access-Control-Allow-Origin: *` as the profile's compliance rules require. Only published
//! services appear, and only what Open Referral UK publishes: never a link worker's notes on
//! capacity, waiting lists, funding or complex needs (they are not in what the store returns
//! here), and nothing about people. JSON is built by [`linkwork_domain::interop::import::oruk`], which also
//! reads it back, so what is served re-imports unchanged.



use crate::routes::Routes;
use crate::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use linkwork_domain::directory::{PageInfo, PageRequest};
use linkwork_domain::interop::import::oruk::{page_json, service_at_location_json, service_json, taxonomy_json, taxonomy_term_json, Detail};
use linkwork_domain::Postcode;
use linkwork_app::oruk;
use linkwork_app::store::{Listing, Near, OrukQuery};
use linkwork_app::AppError;
use serde_json::{json, Value};
use std::collections::HashMap;
use time::format_description::well_known::Rfc3339;
use tower_http::set_header::SetResponseHeaderLayer;

/// The Open Referral UK version this API speaks.
pub const VERSION: &str = "3.0";
/// Where the UK profile is described.
pub const PROFILE_URL: &str = "https://github.com/openreferral/uk-profile";
/// The profile's OpenAPI document, which defines this API.
pub const OPENAPI_URL: &str = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json";

/// Routes under `/oruk`.
pub fn routes() -> Routes {
    Routes::new()
        .get("/", meta)
        .get("/services", services)
        .get("/services/{id}", service)
        .get("/taxonomies", taxonomies)
        .get("/taxonomies/{id}", taxonomy)
        .get("/taxonomy_terms", taxonomy_terms)
        .get("/taxonomy_terms/{id}", taxonomy_term)
        .get("/service_at_locations", service_at_locations)
        .get("/service_at_locations/{id}", service_at_location)
        .map_router(|r| r.fallback(fallback).layer(SetResponseHeaderLayer::overriding(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"))))
}

/// An error as JSON: `{"error": code, "message": text}`.
#[derive(Debug)]
pub enum OrukError {
    NotFound,
    Invalid(String),
    Internal(String),
}

/// Every failure of a read is ours: the directory's reads answer "none" rather than an error for
/// an unknown id.
impl From<AppError> for OrukError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Internal(detail) => OrukError::Internal(detail),
            other => OrukError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for OrukError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            OrukError::NotFound => (StatusCode::NOT_FOUND, "not_found", "There is nothing with this id (or at this path) in the directory".to_owned()),
            OrukError::Invalid(message) => (StatusCode::BAD_REQUEST, "invalid", message),
            OrukError::Internal(detail) => {
                // A database error; the directory holds nothing about people.
                tracing::error!(%detail, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side".to_owned())
            }
        };
        (status, Json(json!({ "error": code, "message": message }))).into_response()
    }
}

type OrukResult = Result<Json<Value>, OrukError>;

/// `GET /oruk/`: what this API is. A nested router's `/` is `/oruk` only, so the application
/// routes `/oruk/` (with the slash, as clients joining `/` to the base URL ask) here as well.
pub async fn meta() -> Response {
    let body = Json(json!({ "version": VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL }));
    ([(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"))], body).into_response()
}

async fn fallback() -> OrukError {
    OrukError::NotFound
}

/// The query string's parameters (the last of repeated ones), never failing.
struct Params(HashMap<String, String>);

impl Params {
    fn new(raw: Option<String>) -> Self {
        Self(form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().filter(|(_, v)| !v.trim().is_empty()).collect())
    }

    fn text(&self, key: &str) -> Option<String> {
        self.0.get(key).map(|v| v.trim().to_owned())
    }

    fn page(&self) -> Result<PageRequest, OrukError> {
        PageRequest::parse(self.0.get("page").map(String::as_str), self.0.get("per_page").map(String::as_str)).map_err(|e| OrukError::Invalid(e.to_string()))
    }

    fn number(&self, key: &str) -> Result<Option<f64>, OrukError> {
        self.text(key)
            .map(|v| v.parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0).ok_or_else(|| OrukError::Invalid(format!("{key} must be a number, like 18"))))
            .transpose()
    }

    fn time(&self, key: &str) -> Result<Option<String>, OrukError> {
        self.text(key).map(|v| normal_time(&v).ok_or_else(|| OrukError::Invalid(format!("{key} must be a time of day, like 09:30 or 09:30:00")))).transpose()
    }

    /// The filters `/services` and `/service_at_locations` share.
    fn query(&self) -> Result<OrukQuery, OrukError> {
        let modified_after = self
            .text("modified_after")
            // A `+` in an offset arrives as a space when the client did not encode it.
            .map(|v| v.replace(' ', "+"))
            .map(|v| {
                time::OffsetDateTime::parse(&v, &Rfc3339)
                    .or_else(|_| time::Date::parse(&v, &time::format_description::well_known::Iso8601::DEFAULT).map(|d| d.midnight().assume_utc()))
                    .map_err(|_| OrukError::Invalid("modified_after must be a date and time like 2026-03-15T10:30:00Z, or a date like 2026-03-15".into()))
            })
            .transpose()?;
        let day = self.text("day").map(|d| day_code(&d).ok_or_else(|| OrukError::Invalid("day must be a day of the week, like MO or Monday".into()))).transpose()?;
        Ok(OrukQuery {
            page: self.page()?,
            search: self.text("search").or_else(|| self.text("text")),
            taxonomy_term_id: self.text("taxonomy_term_id"),
            taxonomy_id: self.text("taxonomy_id"),
            organization_id: self.text("organization_id"),
            modified_after,
            // Ages are kept in whole years: "at least 12.5" is at least 13, "at most 12.5" at most 12.
            minimum_age: self.number("minimum_age")?.map(|n| n.ceil() as i64),
            maximum_age: self.number("maximum_age")?.map(|n| n.floor() as i64),
            day,
            start_time: self.time("start_time")?,
            end_time: self.time("end_time")?,
            postcode: None,
            near: None,
        })
    }
}

/// `9:30`, `09:30` or `09:30:00` as `09:30:00`.
fn normal_time(raw: &str) -> Option<String> {
    let parts: Vec<&str> = raw.split(':').collect();
    let number = |s: &str, max: u32| s.parse::<u32>().ok().filter(|n| *n <= max && !s.is_empty() && s.len() <= 2);
    match parts.as_slice() {
        [h, m] => Some(format!("{:02}:{:02}:00", number(h, 23)?, number(m, 59)?)),
        [h, m, s] => Some(format!("{:02}:{:02}:{:02}", number(h, 23)?, number(m, 59)?, number(s, 59)?)),
        _ => None,
    }
}

/// An iCalendar day code (`MO`) from a code or an English day name.
fn day_code(raw: &str) -> Option<String> {
    const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
    const NAMES: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let lower = raw.trim().to_ascii_lowercase();
    NAMES.iter().position(|n| *n == lower || (lower.len() >= 2 && n.starts_with(&lower))).map(|i| DAYS[i].to_owned())
}

fn page<T>(request: PageRequest, listing: Listing<T>, render: impl Fn(&T) -> Value) -> Value {
    let contents: Vec<Value> = listing.items.iter().map(render).collect();
    page_json(&PageInfo::new(request, listing.total, contents.len() as u64), contents)
}

async fn services(State(state): State<AppState>, RawQuery(raw): RawQuery) -> OrukResult {
    let query = Params::new(raw).query()?;
    let listing = oruk::services(&*state.store, &query).await?;
    Ok(Json(page(query.page, listing, |r| service_json(r, Detail::List))))
}

async fn service(State(state): State<AppState>, Path(id): Path<String>) -> OrukResult {
    let record = oruk::service(&*state.store, &id).await?.ok_or(OrukError::NotFound)?;
    Ok(Json(service_json(&record, Detail::Full)))
}

async fn service_at_locations(State(state): State<AppState>, RawQuery(raw): RawQuery) -> OrukResult {
    let params = Params::new(raw);
    let mut query = params.query()?;
    if let Some(raw) = params.text("postcode") {
        let postcode = match Postcode::parse(&raw) {
            Ok(p) => p.as_str().to_owned(),
            Err(_) if is_outward_code(&raw) => raw.to_ascii_uppercase(),
            Err(_) => return Err(OrukError::Invalid(format!("postcode {raw:?} is not a UK postcode (like LS1 4AP) or the first part of one (like LS1)"))),
        };
        query.postcode = Some(postcode);
    }
    if let Some(metres) = params.number("proximity")? {
        let postcode = query.postcode.clone().ok_or_else(|| OrukError::Invalid("proximity needs a postcode to measure from".into()))?;
        let centre = oruk::postcode_centre(&*state.store, &postcode)
            .await?
            .ok_or_else(|| OrukError::Invalid(format!("no service location in this directory is at {postcode}, so distances from it cannot be worked out")))?;
        query.near = Some(Near { centre, within_km: metres / 1000.0 });
    }
    let listing = oruk::service_at_locations(&*state.store, &query).await?;
    Ok(Json(page(query.page, listing, |i| {
        let mut v = service_at_location_json(&i.service_at_location, &i.service, Detail::List);
        if let Some(km) = i.distance_km {
            // A further property (allowed by the profile): metres from the postcode's centre.
            v["distance"] = json!((km * 1000.0).round());
        }
        v
    })))
}

/// `LS1`, `SW1A`: the outward code of a postcode.
fn is_outward_code(raw: &str) -> bool {
    let s = raw.trim();
    let letters = s.chars().take_while(char::is_ascii_alphabetic).count();
    (2..=4).contains(&s.len()) && (1..=2).contains(&letters) && s[letters..].starts_with(|c: char| c.is_ascii_digit()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

async fn service_at_location(State(state): State<AppState>, Path(id): Path<String>) -> OrukResult {
    let item = oruk::service_at_location(&*state.store, &id).await?.ok_or(OrukError::NotFound)?;
    Ok(Json(service_at_location_json(&item.service_at_location, &item.service, Detail::Full)))
}

async fn taxonomies(State(state): State<AppState>, RawQuery(raw): RawQuery) -> OrukResult {
    let request = Params::new(raw).page()?;
    let listing = oruk::taxonomies(&*state.store, request).await?;
    Ok(Json(page(request, listing, |t| taxonomy_json(t, None))))
}

async fn taxonomy(State(state): State<AppState>, Path(id): Path<String>) -> OrukResult {
    let (taxonomy, terms) = oruk::taxonomy(&*state.store, &id).await?.ok_or(OrukError::NotFound)?;
    Ok(Json(taxonomy_json(&taxonomy, Some(&terms))))
}

async fn taxonomy_terms(State(state): State<AppState>, RawQuery(raw): RawQuery) -> OrukResult {
    let params = Params::new(raw);
    let request = params.page()?;
    let listing = oruk::taxonomy_terms(&*state.store, request, params.text("taxonomy_id").as_deref()).await?;
    Ok(Json(page(request, listing, taxonomy_term_json)))
}

async fn taxonomy_term(State(state): State<AppState>, Path(id): Path<String>) -> OrukResult {
    let term = oruk::taxonomy_term(&*state.store, &id).await?.ok_or(OrukError::NotFound)?;
    Ok(Json(taxonomy_term_json(&term)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_days_and_outward_codes() {
        assert_eq!(normal_time("9:30").as_deref(), Some("09:30:00"));
        assert_eq!(normal_time("18:00:05").as_deref(), Some("18:00:05"));
        assert_eq!(normal_time("25:00"), None);
        assert_eq!(normal_time("noon"), None);
        assert_eq!(day_code("Thursday").as_deref(), Some("TH"));
        assert_eq!(day_code("mo").as_deref(), Some("MO"));
        assert_eq!(day_code("x"), None);
        assert!(is_outward_code("RV1") && is_outward_code("sw1a") && is_outward_code("M1"));
        assert!(!is_outward_code("RV1 3DE") && !is_outward_code("123") && !is_outward_code("R"));
    }
}
