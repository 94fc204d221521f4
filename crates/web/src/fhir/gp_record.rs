//! The return to the GP record: each referral's events (`linkwork_domain::gp_record`) as a FHIR
//! `Bundle` (Patient, ServiceRequest, Task, one Observation per score) or as CSV (one row per
//! event). For one referral (`GET /api/referrals/{id}/gp-record`), for all of a PCN's referrals
//! (`GET /api/gp-record`), and for `linkwork export gp-record`. Every record is read through the
//! store's audited `referral_record`.

use super::resources::{self, entry, iso_date, PatientLink};
use super::{load, BaseUrl, Loaded, FHIR_JSON};
use crate::api::ApiError;
use crate::auth::ApiClient;
use crate::casework::require_casework;
use crate::forms::FieldError;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use linkwork_domain::csv_safe::CsvWriter;
use linkwork_domain::gp_record::{events, MeasureFact, ReferralFacts};
use linkwork_domain::referral::{DeclineReason, DischargeReason};
use linkwork_store::{AuditActor, Org, ReferralRecord, Store};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// How the GP record is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpRecordFormat {
    /// A FHIR R4 `Bundle` of type `collection`.
    Fhir,
    /// CSV, one row per event: [`CSV_HEADER`].
    Csv,
}

impl std::str::FromStr for GpRecordFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fhir" | "json" => Ok(Self::Fhir),
            "csv" => Ok(Self::Csv),
            other => Err(format!("Unknown format \"{other}\": use fhir or csv")),
        }
    }
}

impl GpRecordFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Fhir => FHIR_JSON,
            Self::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The columns of the CSV export.
pub const CSV_HEADER: &str = "nhs_number,event_date,event,snomed_code,snomed_term,value,referral_id";

/// The plain facts of a record that the GP-record events are made from.
pub fn facts(record: &ReferralRecord) -> ReferralFacts {
    let r = &record.referral;
    ReferralFacts {
        referred_on: r.referred_on,
        status: r.status,
        declined_on: r.declined_on,
        decline_reason: r.decline_reason.as_deref().and_then(|c| DeclineReason::parse(c).ok()),
        first_contact_on: record.contacts.iter().map(|c| c.contact_on).min(),
        plan_agreed_on: record.goals.iter().map(|g| g.agreed_on).min(),
        measures: record.measures.iter().map(|m| MeasureFact { taken_on: m.taken_on, timepoint: m.timepoint, recorded: m.recorded.clone() }).collect(),
        discharged_on: r.discharged_on,
        discharge_reason: r.discharge_reason.as_deref().and_then(|c| DischargeReason::parse(c).ok()),
    }
}

/// The CSV rows of one referral. Every column is a code, a date, a number or one of Linkwork's
/// own fixed labels: no free text written about the person goes into the export.
fn csv_rows(out: &mut CsvWriter<Vec<u8>>, record: &ReferralRecord) {
    for event in events(&facts(record)) {
        let value = match (event.value, &event.note) {
            (Some(v), _) => v.to_string(),
            (None, Some(note)) => note.clone(),
            (None, None) => String::new(),
        };
        let row = [
            record.person.nhs_number.as_str(),
            &iso_date(event.on),
            &event.text,
            event.code.map(|c| c.code).unwrap_or_default(),
            event.code.map(|c| c.term).unwrap_or_default(),
            &value,
            &record.referral.id,
        ];
        // Writing to memory cannot fail.
        let _ = out.row(row);
    }
}

/// The records as one document. In a Bundle each person appears once, however many referrals.
fn render(records: &[Loaded], format: GpRecordFormat, base: &str) -> String {
    match format {
        GpRecordFormat::Csv => {
            let mut out = CsvWriter::new(Vec::new());
            let _ = out.row(CSV_HEADER.split(','));
            records.iter().for_each(|l| csv_rows(&mut out, &l.record));
            String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
        }
        GpRecordFormat::Fhir => {
            let mut people = HashSet::new();
            let mut entries = Vec::new();
            for loaded in records {
                let ctx = loaded.ctx();
                if people.insert(loaded.record.person.id.clone()) {
                    entries.push(entry(base, resources::patient(&ctx, &loaded.record.person.id)));
                }
                entries.push(entry(base, resources::service_request(&ctx, PatientLink::InBundle)));
                entries.push(entry(base, resources::task(&ctx, PatientLink::InBundle)));
                entries.extend(resources::observations(&ctx).into_iter().map(|o| entry(base, o)));
            }
            let mut bundle = json!({ "resourceType": "Bundle", "type": "collection", "timestamp": resources::now_instant() });
            if !entries.is_empty() {
                bundle["entry"] = Value::Array(entries);
            }
            bundle.to_string()
        }
    }
}

/// The GP-record events of every referral of a PCN (all statuses), oldest referral first, as a
/// FHIR Bundle or CSV. `base_url` is where the server is reached (for the Bundle's `fullUrl`s).
/// Each record read is audited as `referral.read` by `who`.
pub async fn export_gp_record(store: &dyn Store, who: &AuditActor, pcn_org_id: &str, format: GpRecordFormat, base_url: &str) -> Result<String, WebError> {
    let pcn = store.org(pcn_org_id).await?.ok_or(WebError::NotFound)?;
    let mut practices: HashMap<String, Option<Org>> = HashMap::new();
    let mut records = Vec::new();
    for line in store.caseload(pcn_org_id, None, false).await? {
        let Some(record) = store.referral_record(who, &line.referral_id).await? else { continue };
        let practice = match &record.referral.practice_id {
            Some(id) => match practices.get(id) {
                Some(known) => known.clone(),
                None => {
                    let found = store.org(id).await?;
                    practices.insert(id.clone(), found.clone());
                    found
                }
            },
            None => None,
        };
        records.push(Loaded { record, pcn: pcn.clone(), practice });
    }
    records.sort_by(|a, b| (a.record.referral.referred_on, &a.record.referral.id).cmp(&(b.record.referral.referred_on, &b.record.referral.id)));
    Ok(render(&records, format, base_url.trim_end_matches('/')))
}

/// `?format=fhir|csv`, else `Accept: text/csv`, else FHIR.
fn chosen_format(query: &HashMap<String, String>, headers: &HeaderMap) -> Result<GpRecordFormat, WebError> {
    if let Some(format) = query.get("format") {
        return format.parse().map_err(|message| WebError::Invalid(vec![FieldError { field: "format".into(), message }]));
    }
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    Ok(if accept.contains("text/csv") { GpRecordFormat::Csv } else { GpRecordFormat::Fhir })
}

fn respond(format: GpRecordFormat, body: String) -> Response {
    let mut response = ([(header::CONTENT_TYPE, format.content_type())], body).into_response();
    if format == GpRecordFormat::Csv {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, axum::http::HeaderValue::from_static("attachment; filename=\"gp-record.csv\""));
    }
    response
}

/// The `format` query parameter and the two bodies, for the OpenAPI document.
const FORMAT: &str = "fhir (a FHIR R4 Bundle of type collection, the default) or csv (one row per event); without it, `Accept: text/csv` chooses CSV";

/// `GET /api/referrals/{id}/gp-record`: one referral's return to the GP record.
#[utoipa::path(get, path = "/api/referrals/{id}/gp-record", tag = "gp-record", params(("id" = String, Path), ("format" = Option<String>, Query, description = FORMAT)),
    responses((status = 200, description = "The referral's events for the GP record (audited)", content((Object = "application/fhir+json"), (String = "text/csv"))), crate::api::contract::Forbidden, crate::api::contract::NotFound, crate::api::contract::Invalid))]
pub async fn referral_gp_record(
    State(state): State<AppState>,
    client: ApiClient,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    require_casework(&client.actor)?;
    let format = chosen_format(&query, &headers)?;
    let loaded = load(&*state.store, &client.actor, &client.audit(), &id).await?;
    Ok(respond(format, render(std::slice::from_ref(&loaded), format, &base)))
}

/// `GET /api/gp-record`: the return to the GP record for every referral of the token's PCN.
#[utoipa::path(get, path = "/api/gp-record", tag = "gp-record", params(("format" = Option<String>, Query, description = FORMAT)),
    responses((status = 200, description = "The events of every referral of the token's PCN, oldest referral first (each record read is audited)", content((Object = "application/fhir+json"), (String = "text/csv"))), crate::api::contract::Forbidden, crate::api::contract::Invalid))]
pub async fn pcn_gp_record(State(state): State<AppState>, client: ApiClient, BaseUrl(base): BaseUrl, Query(query): Query<HashMap<String, String>>, headers: HeaderMap) -> Result<Response, ApiError> {
    require_casework(&client.actor)?;
    let format = chosen_format(&query, &headers)?;
    Ok(respond(format, export_gp_record(&*state.store, &client.audit(), &client.actor.org_id, format, &base).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse() {
        assert_eq!("CSV".parse::<GpRecordFormat>(), Ok(GpRecordFormat::Csv));
        assert!("xml".parse::<GpRecordFormat>().is_err());
    }
}
