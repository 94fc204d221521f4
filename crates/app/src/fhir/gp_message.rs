//! The message back to the GP as a FHIR `document` Bundle: a Composition whose sections follow the
//! PRSB Social Prescribing Information Standard (demographics, the referral, needs and concerns,
//! support offered, outcomes, the service), each with a readable narrative and the coded
//! resources behind it (Patient; the ServiceRequest coded SNOMED CT 871731000000106; the Task, coded
//! 871711000000103 where the person declined; one Observation per questionnaire score, in
//! Linkwork's score code system, as no SNOMED CT code for these scores is confirmed), then the
//! organisations. The content is [`crate::gp_message::GpMessage`], also the letter's.

use super::records::Loaded;
use super::resources::{self, entry, PatientLink, ODS_SYSTEM};
use crate::gp_message::{GpMessage, Line};
use linkwork_store::Org;
use serde_json::{json, Value};

/// The document's type, in words: no SNOMED CT or LOINC code for "social prescribing message to
/// GP" is confirmed, so none is invented.
pub const DOCUMENT_TYPE: &str = "Social prescribing: message back to the GP and referrer";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A section's narrative: its lines as an XHTML table (FHIR narrative rules: no scripts, no
/// attributes but the namespace).
fn narrative(lines: &[Line]) -> Value {
    let rows: String = lines.iter().map(|l| format!("<tr><th>{}</th><td>{}</td></tr>", escape(&l.label), escape(&l.value))).collect();
    let body = if rows.is_empty() { "<p>None recorded.</p>".to_owned() } else { format!("<table><tbody>{rows}</tbody></table>") };
    json!({ "status": "generated", "div": format!("<div xmlns=\"http://www.w3.org/1999/xhtml\">{body}</div>") })
}

fn organization(org: &Org) -> Value {
    let mut o = json!({ "resourceType": "Organization", "id": org.id, "name": org.name });
    if let Some(ods) = &org.ods_code {
        o["identifier"] = json!([{ "system": ODS_SYSTEM, "value": ods }]);
    }
    o
}

fn reference(base: &str, resource: &Value) -> Value {
    json!({ "reference": format!("{base}/fhir/{}/{}", resource["resourceType"].as_str().unwrap_or_default(), resource["id"].as_str().unwrap_or_default()) })
}

fn section(title: &str, lines: &[Line], entries: &[&Value], base: &str) -> Value {
    let mut s = json!({ "title": title, "text": narrative(lines) });
    if !entries.is_empty() {
        s["entry"] = entries.iter().map(|e| reference(base, e)).collect();
    }
    s
}

/// The message as a FHIR `document` Bundle, the Composition first.
pub fn document(loaded: &Loaded, message: &GpMessage, base: &str) -> Value {
    let ctx = loaded.ctx(base);
    let record = &loaded.record;
    let patient = resources::patient(&ctx, &record.person.id);
    let service_request = resources::service_request(&ctx, PatientLink::InBundle);
    let task = resources::task(&ctx, PatientLink::InBundle);
    let observations = resources::observations(&ctx);
    let author = organization(&loaded.pcn);
    let practice = loaded.practice.as_ref().map(organization);
    let mut needs_and_concerns = message.needs.clone();
    needs_and_concerns.extend(message.what_matters.iter().map(|l| Line { label: format!("What matters, {}", l.label), value: l.value.clone() }));
    let mut outcomes = message.outcome.clone();
    outcomes.extend(message.scores.iter().map(|s| Line { label: format!("{}, {}", s.label, s.when), value: format!("{} ({})", s.value, resources::iso_date(s.taken_on)) }));
    let observation_refs: Vec<&Value> = std::iter::once(&task).chain(observations.iter()).collect();
    let composition_id = linkwork_store::new_id();
    let composition = json!({
        "resourceType": "Composition",
        "id": composition_id,
        "status": "final",
        "type": { "text": DOCUMENT_TYPE },
        "subject": reference(base, &patient),
        "date": resources::now_instant(),
        "author": [reference(base, &author)],
        "title": format!("Social prescribing: {} {}", record.person.given_name, record.person.family_name),
        "custodian": reference(base, &author),
        "section": [
            section("Person demographics", &message.person, &[&patient], base),
            section("Referral", &message.referral, &[&service_request], base),
            section("Needs and concerns", &needs_and_concerns, &[], base),
            section("Support offered", &message.support, &[], base),
            section("Outcomes", &outcomes, &observation_refs, base),
            section("Social prescribing service", &message.contact, &[&author], base),
        ],
    });
    // The practice it is for is the Patient's generalPractitioner, and in the Bundle.
    let mut entries = vec![entry(base, composition), entry(base, patient), entry(base, author)];
    entries.extend(practice.map(|p| entry(base, p)));
    entries.push(entry(base, service_request));
    entries.push(entry(base, task));
    entries.extend(observations.into_iter().map(|o| entry(base, o)));
    json!({
        "resourceType": "Bundle",
        "id": linkwork_store::new_id(),
        "identifier": { "system": "urn:ietf:rfc:3986", "value": format!("urn:uuid:{composition_id}") },
        "type": "document",
        "timestamp": resources::now_instant(),
        "entry": entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narratives_escape_what_people_wrote() {
        let n = narrative(&[Line { label: "What matters".into(), value: "Tea & <cake>".into() }]);
        assert_eq!(n["div"], "<div xmlns=\"http://www.w3.org/1999/xhtml\"><table><tbody><tr><th>What matters</th><td>Tea &amp; &lt;cake&gt;</td></tr></tbody></table></div>");
        assert!(narrative(&[])["div"].as_str().unwrap().contains("None recorded"));
    }
}
