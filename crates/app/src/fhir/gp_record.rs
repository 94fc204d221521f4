//! The return to the GP record: each referral's events (`linkwork_domain::interop::gp_record`) as a FHIR
//! `Bundle` (Patient, ServiceRequest, Task, one Observation per score) or as CSV (one row per
//! event), for the API (`crate::fhir` in the web shell) and `linkwork export gp-record`. Every
//! record is read through the store's audited `referral_record`.

use super::records::Loaded;
use super::resources::{self, entry, iso_date, PatientLink};
use super::FHIR_JSON;
use crate::AppError;
use linkwork_domain::interop::csv_safe::CsvWriter;
use linkwork_domain::interop::gp_record::{events, MeasureFact, ReferralFacts};
use linkwork_domain::casework::referral::{DeclineReason, DischargeReason};
use linkwork_domain::interop::snomed_maps::SnomedScoreMap;
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
fn csv_rows(out: &mut CsvWriter<Vec<u8>>, record: &ReferralRecord, score_codes: &SnomedScoreMap) {
    for event in events(&facts(record)) {
        // A score the service mapped goes with its SNOMED CT concept (the term is the service's to know).
        let mapped = event.score_key.and_then(|key| score_codes.code_of(key)).map(|c| c.as_str().to_owned());
        let value = match (event.value, &event.note) {
            (Some(v), _) => v.to_string(),
            (None, Some(note)) => note.clone(),
            (None, None) => String::new(),
        };
        let row = [
            record.person.nhs_number.as_str(),
            &iso_date(event.on),
            &event.text,
            event.code.map(|c| c.code).or(mapped.as_deref()).unwrap_or_default(),
            event.code.map(|c| c.term).unwrap_or_default(),
            &value,
            &record.referral.id,
        ];
        // Writing to memory cannot fail.
        let _ = out.row(row);
    }
}

/// The records as one document. In a Bundle each person appears once, however many referrals.
pub fn render(records: &[Loaded], format: GpRecordFormat, base: &str) -> String {
    match format {
        GpRecordFormat::Csv => {
            let mut out = CsvWriter::new(Vec::new());
            let _ = out.row(CSV_HEADER.split(','));
            records.iter().for_each(|l| csv_rows(&mut out, &l.record, &l.score_codes));
            String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
        }
        GpRecordFormat::Fhir => {
            let mut people = HashSet::new();
            let mut entries = Vec::new();
            for loaded in records {
                let ctx = loaded.ctx(base);
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
pub async fn export_gp_record(store: &dyn Store, who: &AuditActor, pcn_org_id: &str, format: GpRecordFormat, base_url: &str) -> Result<String, AppError> {
    let pcn = store.org(pcn_org_id).await?.ok_or(AppError::NotFound)?;
    let score_codes = store.snomed_score_map(pcn_org_id).await?;
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
        records.push(Loaded { record, pcn: pcn.clone(), practice, score_codes: score_codes.clone() });
    }
    records.sort_by(|a, b| (a.record.referral.referred_on, &a.record.referral.id).cmp(&(b.record.referral.referred_on, &b.record.referral.id)));
    Ok(render(&records, format, base_url.trim_end_matches('/')))
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
