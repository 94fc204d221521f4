//! The FHIR R4 resources Linkwork sends, built with `serde_json::json!` from a referral's record.
//! Identifiers follow the NHS conventions in shared/product/interop.md.

use linkwork_domain::interop::gp_record::{REFERRAL_TO_SOCIAL_PRESCRIBING, SNOMED_SYSTEM, SOCIAL_PRESCRIBING_DECLINED, SOCIAL_SERVICE_PROCEDURE};
use linkwork_domain::measurement::instruments::score_definition;
use linkwork_domain::person::Sex;
use linkwork_domain::casework::referral::{DeclineReason, DischargeReason, ReferralStatus};
use linkwork_domain::onward::{OnwardDeclineReason, OnwardStatus};
use linkwork_store::{OnwardReferral, Org, ReferralRecord};
use super::code_systems::OwnCodeSystem;
use serde_json::{json, Value};
use time::Date;

pub const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";
pub const ODS_SYSTEM: &str = "https://fhir.nhs.uk/Id/ods-organization-code";
/// UK Core's ethnic category extension and its code system (NHS Data Dictionary codes A–S, Z, 99).
pub const ETHNIC_CATEGORY_EXTENSION: &str = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory";
pub const ETHNIC_CATEGORY_SYSTEM: &str = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland";
const TASK_CODE_SYSTEM: &str = "http://hl7.org/fhir/CodeSystem/task-code";
const OBSERVATION_CATEGORY_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const UCUM: &str = "http://unitsofmeasure.org";
/// The id of the patient inside a `ServiceRequest` (`contained`), referenced as `#patient`.
pub const CONTAINED_PATIENT_ID: &str = "patient";

/// A referral's record and the organisations its resources name.
pub struct RecordContext<'a> {
    pub record: &'a ReferralRecord,
    /// The PCN whose service holds the referral (the performer / Task owner).
    pub pcn: &'a Org,
    /// The person's registered GP practice.
    pub practice: Option<&'a Org>,
    /// The deployment's public address: Linkwork's own code systems live under it
    /// ([`OwnCodeSystem::url`]).
    pub base: &'a str,
    /// The SNOMED CT concepts the service confirmed for its scores (none by default).
    pub score_codes: &'a linkwork_domain::interop::snomed_maps::SnomedScoreMap,
}

/// An ISO 8601 calendar date, the FHIR `date` form.
pub fn iso_date(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

fn snomed(code: linkwork_domain::interop::gp_record::SnomedCode) -> Value {
    json!({ "system": SNOMED_SYSTEM, "code": code.code, "display": code.term })
}

/// A reference to an organisation by its ODS code (or by name when it has none).
fn org_reference(org: &Org) -> Value {
    match &org.ods_code {
        Some(ods) => json!({ "identifier": { "system": ODS_SYSTEM, "value": ods }, "display": org.name }),
        None => json!({ "display": org.name }),
    }
}

fn nhs_identifier(record: &ReferralRecord) -> Value {
    json!({ "system": NHS_NUMBER_SYSTEM, "value": record.person.nhs_number.as_str() })
}

pub fn gender(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
        Sex::Indeterminate => "other",
        Sex::NotKnown => "unknown",
    }
}

/// The person as a `Patient`, with id `id` (the person's id, or [`CONTAINED_PATIENT_ID`]).
pub fn patient(ctx: &RecordContext, id: &str) -> Value {
    let p = &ctx.record.person;
    let mut patient = json!({
        "resourceType": "Patient",
        "id": id,
        "extension": [{
            "url": ETHNIC_CATEGORY_EXTENSION,
            "valueCodeableConcept": { "coding": [{ "system": ETHNIC_CATEGORY_SYSTEM, "code": p.ethnicity.code() }], "text": p.ethnicity.label() },
        }],
        "identifier": [{ "system": NHS_NUMBER_SYSTEM, "value": p.nhs_number.as_str() }],
        "name": [{ "use": "official", "family": p.family_name, "given": p.given_name.split_whitespace().collect::<Vec<_>>() }],
        "gender": gender(p.sex),
        "birthDate": iso_date(p.date_of_birth),
        "address": [{ "postalCode": p.postcode.as_str() }],
    });
    if let Some(practice) = ctx.practice {
        patient["generalPractitioner"] = json!([org_reference(practice)]);
    }
    patient
}

/// How a resource points at the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatientLink {
    /// The `ServiceRequest` carries the patient inside itself (`contained`, `#patient`): what a
    /// referrer sends, and what we answer with.
    Contained,
    /// The patient is another entry of the same `Bundle` (`Patient/{person id}`).
    InBundle,
    /// By NHS number only (a `Task` read on its own).
    Identifier,
}

fn patient_reference(ctx: &RecordContext, link: PatientLink) -> Value {
    match link {
        PatientLink::Contained => json!({ "reference": format!("#{CONTAINED_PATIENT_ID}") }),
        PatientLink::InBundle => json!({ "reference": format!("Patient/{}", ctx.record.person.id), "identifier": nhs_identifier(ctx.record) }),
        PatientLink::Identifier => json!({ "identifier": nhs_identifier(ctx.record) }),
    }
}

/// The requester's view of the referral: `active` while it is open, `completed` once discharged,
/// `revoked` when it was not taken on.
pub fn service_request_status(status: ReferralStatus) -> &'static str {
    match status {
        ReferralStatus::Received | ReferralStatus::Accepted => "active",
        ReferralStatus::Declined => "revoked",
        ReferralStatus::Discharged => "completed",
    }
}

/// The referral as a `ServiceRequest` (id = referral id).
pub fn service_request(ctx: &RecordContext, link: PatientLink) -> Value {
    let r = &ctx.record.referral;
    let mut reasons = vec![json!({ "text": r.reason })];
    reasons.extend(
        ctx.record
            .needs
            .iter()
            .filter(|n| n.identified_at == "referral")
            .map(|n| json!({ "coding": [{ "system": OwnCodeSystem::NeedDomain.url(ctx.base), "code": n.need.code(), "display": n.need.label() }] })),
    );
    let mut sr = json!({
        "resourceType": "ServiceRequest",
        "id": r.id,
        "status": service_request_status(r.status),
        "intent": "order",
        "category": [{ "coding": [snomed(SOCIAL_SERVICE_PROCEDURE)] }],
        "code": { "coding": [snomed(REFERRAL_TO_SOCIAL_PRESCRIBING)] },
        "subject": patient_reference(ctx, link),
        "authoredOn": iso_date(r.referred_on),
        "requester": { "display": r.referrer_name },
        "performer": [org_reference(ctx.pcn)],
        "reasonCode": reasons,
    });
    if link == PatientLink::Contained {
        sr["contained"] = json!([patient(ctx, CONTAINED_PATIENT_ID)]);
    }
    sr
}

/// Linkwork's referral status as the performer's `Task.status` (Gravity closed loop):
/// received → `requested`; accepted → `in-progress` (accepting puts the person on a link
/// worker's caseload, where work starts at once, so the separate Task `accepted` state is not
/// used); declined → `rejected`; discharged → `completed`.
pub fn task_status(status: ReferralStatus) -> &'static str {
    match status {
        ReferralStatus::Received => "requested",
        ReferralStatus::Accepted => "in-progress",
        ReferralStatus::Declined => "rejected",
        ReferralStatus::Discharged => "completed",
    }
}

/// The referral's `Task` (id = referral id): what the referrer polls to follow it.
pub fn task(ctx: &RecordContext, link: PatientLink) -> Value {
    let record = ctx.record;
    let r = &record.referral;
    let mut task = json!({
        "resourceType": "Task",
        "id": r.id,
        "status": task_status(r.status),
        "businessStatus": { "text": r.status.label() },
        "intent": "order",
        "code": { "coding": [{ "system": TASK_CODE_SYSTEM, "code": "fulfill", "display": "Fulfill the focal request" }] },
        "focus": { "reference": format!("ServiceRequest/{}", r.id) },
        "for": patient_reference(ctx, link),
        "authoredOn": iso_date(r.referred_on),
        "requester": { "display": r.referrer_name },
        "owner": org_reference(ctx.pcn),
    });
    let last_contact = record.contacts.iter().map(|c| c.contact_on).max();
    let last_modified = [Some(r.referred_on), r.accepted_on, r.declined_on, r.discharged_on, last_contact].into_iter().flatten().max();
    if let Some(on) = last_modified {
        task["lastModified"] = json!(iso_date(on));
    }
    if let Some(start) = r.accepted_on {
        let mut period = json!({ "start": iso_date(start) });
        if let Some(end) = r.discharged_on {
            period["end"] = json!(iso_date(end));
        }
        task["executionPeriod"] = period;
    }
    match r.status {
        ReferralStatus::Declined => {
            let reason = r.decline_reason.as_deref().and_then(|c| DeclineReason::parse(c).ok());
            let mut status_reason = json!({ "text": reason.map(DeclineReason::label).unwrap_or("Declined") });
            // The national code where it applies (the person declined), then Linkwork's own.
            let mut codings = Vec::new();
            if reason == Some(DeclineReason::PersonDeclined) {
                codings.push(snomed(SOCIAL_PRESCRIBING_DECLINED));
            }
            if let Some(reason) = reason {
                codings.push(json!({ "system": OwnCodeSystem::DeclineReason.url(ctx.base), "code": reason.code(), "display": reason.label() }));
            }
            if !codings.is_empty() {
                status_reason["coding"] = json!(codings);
            }
            task["statusReason"] = status_reason;
        }
        ReferralStatus::Discharged => task["output"] = json!(discharge_outputs(record)),
        _ => {}
    }
    task
}

/// An onward referral's `Task` status: FHIR's coarser lifecycle (started and attended are both
/// `in-progress`; the onward status itself is the `businessStatus`).
pub fn onward_task_status(status: OnwardStatus) -> &'static str {
    match status {
        OnwardStatus::Sent => "requested",
        OnwardStatus::Accepted => "accepted",
        OnwardStatus::Declined => "rejected",
        OnwardStatus::Started | OnwardStatus::Attended => "in-progress",
        OnwardStatus::Completed => "completed",
        OnwardStatus::DroppedOut => "cancelled",
    }
}

/// Who an onward referral's Task names: the person (`for`) and the link worker or service that
/// sent it (`requester`), as whoever reads it may see them.
pub struct OnwardParties {
    pub person: Value,
    pub requester: Value,
    /// The main referral's ServiceRequest, for a reader who may read it.
    pub focus: Option<Value>,
}

/// An onward referral as a `Task` (id = the onward referral's id), `partOf` the main referral's
/// Task and owned by the community organisation: the closed loop of the HL7 Gravity SDOH guide,
/// where a link worker's referral to a community service is a sub-Task the service moves.
pub fn onward_task(o: &OnwardReferral, parties: OnwardParties, base: &str) -> Value {
    let mut task = json!({
        "resourceType": "Task",
        "id": o.id,
        "status": onward_task_status(o.status),
        "businessStatus": {
            "coding": [{ "system": OwnCodeSystem::OnwardStatus.url(base), "code": o.status.code(), "display": o.status.label() }],
            "text": o.status.label(),
        },
        "intent": "order",
        "code": { "coding": [{ "system": TASK_CODE_SYSTEM, "code": "fulfill", "display": "Fulfill the focal request" }] },
        "description": format!("Social prescribing referral to {}", o.service_name),
        "partOf": [{ "reference": format!("Task/{}", o.referral_id) }],
        "for": parties.person,
        "authoredOn": iso_date(o.sent_on),
        "lastModified": iso_date([Some(o.sent_on), o.responded_on, o.attended_on].into_iter().flatten().max().unwrap_or(o.sent_on)),
        "requester": parties.requester,
        "owner": { "display": o.provider_name },
        "input": [{ "type": { "text": "Service" }, "valueString": o.service_name }],
    });
    if let Some(focus) = parties.focus {
        task["focus"] = focus;
    }
    if let Some(note) = o.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        task["note"] = json!([{ "text": note }]);
    }
    if o.status == OnwardStatus::Declined {
        let reason = o.decline_reason.as_deref().and_then(|c| OnwardDeclineReason::parse(c).ok());
        let mut status_reason = json!({ "text": reason.map(OnwardDeclineReason::label).unwrap_or("Declined") });
        if let Some(reason) = reason {
            status_reason["coding"] = json!([{ "system": OwnCodeSystem::OnwardDeclineReason.url(base), "code": reason.code(), "display": reason.label() }]);
        }
        task["statusReason"] = status_reason;
    }
    task
}

/// What was done, for a completed Task: why the person was discharged, the link worker's
/// summary, how many contacts, and each onward referral with its outcome.
fn discharge_outputs(record: &ReferralRecord) -> Vec<Value> {
    let r = &record.referral;
    let output = |label: &str, value: Value| {
        let mut o = json!({ "type": { "text": label } });
        let key = if value.is_number() { "valueInteger" } else { "valueString" };
        o[key] = value;
        o
    };
    let reason = r.discharge_reason.as_deref().and_then(|c| DischargeReason::parse(c).ok()).map(DischargeReason::label).unwrap_or("Not recorded");
    let mut outputs = vec![output("Discharge reason", json!(reason))];
    if let Some(summary) = r.discharge_summary.as_deref().filter(|s| !s.trim().is_empty()) {
        outputs.push(output("Discharge summary", json!(summary)));
    }
    outputs.push(output("Contacts", json!(record.contacts.len())));
    for onward in &record.onward {
        outputs.push(output("Onward referral", json!(format!("{} ({}): {}", onward.service_name, onward.provider_name, onward.status.label().to_lowercase()))));
    }
    outputs
}

/// One `Observation` per score of each completed questionnaire (status `final`). The code is
/// Linkwork's score key with the score's label as text, after the SNOMED CT concept the service
/// mapped the score to, if any: no national code is confirmed for these scores (see
/// `linkwork_domain::interop::gp_record`), so none is sent unless the service confirmed one.
pub fn observations(ctx: &RecordContext) -> Vec<Value> {
    let record = ctx.record;
    let mut out = Vec::new();
    for measure in &record.measures {
        for (i, score) in measure.recorded.scores().into_iter().enumerate() {
            let label = score_definition(score.key).map(|(_, d)| d.label).unwrap_or(score.key);
            out.push(json!({
                "resourceType": "Observation",
                "id": format!("{}-{}", measure.id, i + 1),
                "status": "final",
                "category": [{ "coding": [{ "system": OBSERVATION_CATEGORY_SYSTEM, "code": "survey", "display": "Survey" }] }],
                "code": { "coding": score_codings(ctx, score.key, label), "text": label },
                "subject": { "reference": format!("Patient/{}", record.person.id), "identifier": nhs_identifier(record) },
                "basedOn": [{ "reference": format!("ServiceRequest/{}", record.referral.id) }],
                "effectiveDateTime": iso_date(measure.taken_on),
                "valueQuantity": { "value": score.value, "unit": "score", "system": UCUM, "code": "{score}" },
                "note": [{ "text": format!("{}: {}, {}", measure.timepoint.label(), measure.instrument.label(), measure.instrument.version()) }],
            }));
        }
    }
    out
}

/// A score's codings: the service's SNOMED CT concept for it, if mapped, then Linkwork's own.
fn score_codings(ctx: &RecordContext, key: &str, label: &str) -> Vec<Value> {
    let own = json!({ "system": OwnCodeSystem::Score.url(ctx.base), "code": key, "display": label });
    match ctx.score_codes.code_of(key) {
        Some(concept) => vec![json!({ "system": SNOMED_SYSTEM, "code": concept.as_str() }), own],
        None => vec![own],
    }
}

/// A `Bundle.entry` for a resource served at `{base}/fhir/{type}/{id}`.
pub fn entry(base: &str, resource: Value) -> Value {
    let full_url = format!("{base}/fhir/{}/{}", resource["resourceType"].as_str().unwrap_or_default(), resource["id"].as_str().unwrap_or_default());
    json!({ "fullUrl": full_url, "resource": resource })
}

/// The current instant in FHIR `instant` form.
pub fn now_instant() -> String {
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}
