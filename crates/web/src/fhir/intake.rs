//! Reading a referral out of a received ServiceRequest: Linkwork's own shape (a contained
//! Patient, needs coded in Linkwork's need-domain code system) and UK Core's (the Patient, the
//! practice and the referring clinician as other entries of the Bundle it came in, reasons as
//! SNOMED CT codes or text). The whole request is checked first and every problem answered at
//! once, each at its FHIRPath; the handlers (`receive.rs`) write only a referral with no problem.
//! The accepted profile is documented in docs/fhir.md.

use super::outcome::Issue;
use super::references::{Found, Sent};
use linkwork_app::fhir::resources::{ETHNIC_CATEGORY_EXTENSION, ETHNIC_CATEGORY_SYSTEM, NHS_NUMBER_SYSTEM, ODS_SYSTEM};
use linkwork_domain::interop::gp_record::{REFERRAL_TO_SOCIAL_PRESCRIBING, SNOMED_SYSTEM};
use linkwork_domain::person::contact_details::{AddressLine, AddressLines, ContactDetails, ContactMethod};
use linkwork_domain::casework::intake::{EmailAddress, PhoneNumber};
use linkwork_domain::casework::need::{needs_in_words, NeedDomain};
use linkwork_domain::interop::snomed_maps::SnomedNeedMap;
use linkwork_domain::person::{parse_past_date, DateOfBirth, Ethnicity, PersonDetails, PersonName, Sex};
use linkwork_domain::casework::referral::ReferralReason;
use linkwork_domain::{NhsNumber, Postcode, RequiredText};
use linkwork_app::store::Org;
use serde_json::Value;
use time::Date;

/// A referral read from a ServiceRequest, every value parsed.
#[derive(Debug)]
pub(super) struct Intake {
    pub person: PersonDetails,
    pub practice_id: String,
    pub referrer_name: String,
    pub reason: ReferralReason,
    pub needs: Vec<NeedDomain>,
    /// No need was coded in Linkwork's need-domain system: `needs` are what the reasons' words
    /// suggest, for the link worker to confirm at triage.
    pub needs_to_confirm: bool,
    pub referred_on: Date,
    /// From the Patient's `telecom` and `address` (`contact_of`).
    pub contact: ContactDetails,
}

/// Collects problems while reading the resource.
#[derive(Default)]
struct Problems(Vec<Issue>);

impl Problems {
    fn add(&mut self, expression: impl Into<String>, diagnostics: impl Into<String>) {
        self.0.push(Issue::invalid(expression, diagnostics));
    }

    fn check<T>(&mut self, expression: impl Into<String>, result: linkwork_domain::Result<T>) -> Option<T> {
        result.map_err(|e| self.add(expression, e.to_string())).ok()
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn array_of<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

/// The ODS code among a resource's identifiers (an Organization's), if it has one. The system
/// is matched without regard to case: BaRS's published examples write `…/id/ods-organization-code`.
pub(super) fn ods_identifier(resource: &Value) -> Option<&str> {
    let mut identifiers = array_of(resource, "identifier").iter().chain(resource.get("identifier").filter(|i| i.is_object()));
    identifiers.find(|i| str_of(i, "system").is_some_and(|s| s.eq_ignore_ascii_case(ODS_SYSTEM))).and_then(|i| str_of(i, "value")).map(str::trim).filter(|v| !v.is_empty())
}

/// An organisation's ODS code from a reference to it: the reference's own identifier, or the
/// identifier of the Organization it points to among the resources sent (through the
/// HealthcareService it points to, as BaRS addresses a referral, `providedBy`).
pub(super) fn ods_of<'a>(reference: &'a Value, sent: &Sent<'a>) -> Option<&'a str> {
    ods_identifier(reference)
        .or_else(|| sent.follow(reference, "Organization").and_then(|o| ods_identifier(o.resource)))
        .or_else(|| sent.follow(reference, "HealthcareService").and_then(|h| h.resource.get("providedBy")).and_then(|p| ods_identifier(p).or_else(|| sent.follow(p, "Organization").and_then(|o| ods_identifier(o.resource)))))
}

/// A person's name as one line: `text`, else prefix, given names and family name.
fn name_line(name: &Value) -> String {
    if let Some(text) = str_of(name, "text").map(str::trim).filter(|t| !t.is_empty()) {
        return text.to_owned();
    }
    let words = array_of(name, "prefix").iter().chain(array_of(name, "given")).filter_map(Value::as_str).chain(str_of(name, "family"));
    words.map(str::trim).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The first usable name of a Practitioner (or Patient).
fn person_name(resource: &Value) -> Option<String> {
    array_of(resource, "name").iter().map(name_line).find(|n| !n.is_empty())
}

/// Who referred, from `requester`: its `display`; else the name of the Practitioner it (or the
/// PractitionerRole it points to) references; else the Organization's name. Also the ODS code of
/// the requester's organisation, where it gives one (the practice, when the Patient names none).
fn requester_of<'a>(requester: &'a Value, sent: &Sent<'a>) -> (Option<String>, Option<(String, &'a str)>) {
    let display = str_of(requester, "display").map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned);
    if let Some(ods) = ods_identifier(requester) {
        return (display, Some(("ServiceRequest.requester.identifier.value".to_owned(), ods)));
    }
    if let Some(role) = sent.follow(requester, "PractitionerRole") {
        let practitioner = role.resource.get("practitioner").and_then(|p| {
            str_of(p, "display").map(str::to_owned).or_else(|| sent.follow(p, "Practitioner").and_then(|f| person_name(f.resource)))
        });
        let organization = role.resource.get("organization");
        let ods = organization.and_then(|o| ods_of(o, sent)).map(|ods| (format!("{}.organization", role.path), ods));
        let org_name = organization.and_then(|o| str_of(o, "display").map(str::to_owned).or_else(|| sent.follow(o, "Organization").and_then(|f| str_of(f.resource, "name").map(str::to_owned))));
        return (display.or(practitioner).or(org_name), ods);
    }
    if let Some(practitioner) = sent.follow(requester, "Practitioner") {
        return (display.or_else(|| person_name(practitioner.resource)), None);
    }
    if let Some(org) = sent.follow(requester, "Organization") {
        let ods = ods_identifier(org.resource).map(|ods| (format!("{}.identifier", org.path), ods));
        return (display.or_else(|| str_of(org.resource, "name").map(str::to_owned)), ods);
    }
    (display, None)
}

/// The words of a CodeableConcept: its `text`, else its codings' `display`.
fn concept_words(concept: &Value) -> Option<String> {
    str_of(concept, "text").map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).or_else(|| {
        let displays: Vec<&str> = array_of(concept, "coding").iter().filter_map(|c| str_of(c, "display")).map(str::trim).filter(|d| !d.is_empty()).collect();
        (!displays.is_empty()).then(|| displays.join("; "))
    })
}

/// Reads a ServiceRequest sent on its own (its Patient contained) into a referral for `pcn`.
#[cfg(test)]
pub(super) fn parse(sr: &Value, pcn: &Org, practices: &[Org], today: Date, need_system: &str) -> Result<Intake, Vec<Issue>> {
    parse_sent(&Sent::alone(sr), pcn, practices, today, need_system, &SnomedNeedMap::default())
}

/// Reads a ServiceRequest, following its references among the resources sent with it, into a
/// referral for `pcn`, or lists every problem with it. Problems in the ServiceRequest are at
/// `ServiceRequest.…`; the caller rewrites that to the entry's path when it came in a Bundle.
pub(super) fn parse_sent(sent: &Sent, pcn: &Org, practices: &[Org], today: Date, need_system: &str, snomed_needs: &SnomedNeedMap) -> Result<Intake, Vec<Issue>> {
    let sr = sent.request;
    if str_of(sr, "resourceType") != Some("ServiceRequest") {
        return Err(vec![Issue::invalid("ServiceRequest", "Send a ServiceRequest resource (resourceType \"ServiceRequest\")")]);
    }
    let mut p = Problems::default();
    match str_of(sr, "status") {
        None | Some("active") => {}
        Some(other) => p.add("ServiceRequest.status", format!("Only an active referral can be sent: status must be \"active\", not \"{other}\"")),
    }
    match str_of(sr, "intent") {
        // UK Core and BaRS senders use `plan` for a referral agreed in a care plan as well as `order`.
        None | Some("order") | Some("original-order") | Some("plan") => {}
        Some(other) => p.add("ServiceRequest.intent", format!("A referral is an order or a plan: intent must be \"order\" or \"plan\", not \"{other}\"")),
    }
    let coded = array_of(sr.get("code").unwrap_or(&Value::Null), "coding")
        .iter()
        .any(|c| str_of(c, "system") == Some(SNOMED_SYSTEM) && str_of(c, "code") == Some(REFERRAL_TO_SOCIAL_PRESCRIBING.code));
    if !coded {
        p.add("ServiceRequest.code", format!("Set code to SNOMED CT {} ({}), system {SNOMED_SYSTEM}", REFERRAL_TO_SOCIAL_PRESCRIBING.code, REFERRAL_TO_SOCIAL_PRESCRIBING.term));
    }
    if let Some(pcn_ods) = &pcn.ods_code {
        for (i, performer) in array_of(sr, "performer").iter().enumerate() {
            if let Some(ods) = ods_of(performer, sent).filter(|ods| !ods.eq_ignore_ascii_case(pcn_ods)) {
                p.add(format!("ServiceRequest.performer[{i}]"), format!("This referral is addressed to the organisation with ODS code {ods}, not to this service ({pcn_ods})"));
            }
        }
    }

    // The person: the Patient the subject references, contained or sent beside the request.
    let subject = sr.get("subject").and_then(|s| str_of(s, "reference")).map(str::trim);
    let patient: Option<Found> = match subject {
        None | Some("") => {
            p.add("ServiceRequest.subject", "Set subject to reference the Patient: contained, like {\"reference\": \"#patient\"}, or an entry of the Bundle, like {\"reference\": \"urn:uuid:…\"}");
            None
        }
        Some(reference) => {
            let found = sent.resolve(reference, "Patient");
            match (&found, reference.strip_prefix('#')) {
                (Some(_), _) => {}
                (None, Some(local)) => p.add("ServiceRequest.contained", format!("Include the person as a contained Patient resource with id \"{local}\" (the subject's reference)")),
                (None, None) if sent.bundle.is_none() => p.add(
                    "ServiceRequest.subject",
                    format!("The subject must reference the Patient contained in this ServiceRequest, like \"#patient\", not \"{reference}\": or send the Patient with the request in a transaction Bundle to [base]/fhir"),
                ),
                (None, None) => p.add("ServiceRequest.subject", format!("The subject references \"{reference}\", which is not a Patient entry of this Bundle: include the Patient, with that fullUrl")),
            }
            found
        }
    };
    let mut practice_ods: Option<(String, &str)> = None;
    let mut person = None;
    let mut contact = ContactDetails::default();
    if let Some(Found { path, resource: patient }) = &patient {
        let nhs_number = match array_of(patient, "identifier").iter().enumerate().find(|(_, id)| str_of(id, "system") == Some(NHS_NUMBER_SYSTEM)) {
            Some((j, id)) => p.check(format!("{path}.identifier[{j}].value"), NhsNumber::parse(str_of(id, "value").unwrap_or_default())),
            None => {
                p.add(format!("{path}.identifier"), format!("Give the person's NHS number as an identifier with system {NHS_NUMBER_SYSTEM}"));
                None
            }
        };
        let names = array_of(patient, "name");
        let (given_name, family_name) = match names.iter().position(|n| str_of(n, "use") == Some("official")).or((!names.is_empty()).then_some(0)) {
            Some(k) => {
                let given = array_of(&names[k], "given").iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" ");
                (
                    p.check(format!("{path}.name[{k}].given"), PersonName::parse("given_name", "the person's first name", &given)),
                    p.check(format!("{path}.name[{k}].family"), PersonName::parse("family_name", "the person's last name", str_of(&names[k], "family").unwrap_or_default())),
                )
            }
            None => {
                p.add(format!("{path}.name"), "Give the person's name, with family and given names");
                (None, None)
            }
        };
        let date_of_birth = p.check(format!("{path}.birthDate"), DateOfBirth::parse(str_of(patient, "birthDate").unwrap_or_default(), today));
        let sex = match str_of(patient, "gender") {
            Some("male") => Some(Sex::Male),
            Some("female") => Some(Sex::Female),
            Some("other") => Some(Sex::Indeterminate),
            Some("unknown") => Some(Sex::NotKnown),
            _ => {
                p.add(format!("{path}.gender"), "Give the person's gender: male, female, other or unknown");
                None
            }
        };
        let postcode = match array_of(patient, "address").iter().enumerate().find(|(_, a)| str_of(a, "postalCode").is_some()) {
            Some((k, address)) => p.check(format!("{path}.address[{k}].postalCode"), Postcode::parse(str_of(address, "postalCode").unwrap_or_default())),
            None => {
                p.add(format!("{path}.address"), "Give the person's postcode in address.postalCode");
                None
            }
        };
        let ethnicity = match array_of(patient, "extension").iter().enumerate().find(|(_, e)| str_of(e, "url") == Some(ETHNIC_CATEGORY_EXTENSION)) {
            None => Some(Ethnicity::NotStated),
            Some((k, extension)) => {
                let codings = array_of(extension.get("valueCodeableConcept").unwrap_or(&Value::Null), "coding");
                let coding = codings.iter().find(|c| str_of(c, "system") == Some(ETHNIC_CATEGORY_SYSTEM)).or(codings.first());
                let parsed = coding.and_then(|c| str_of(c, "code")).and_then(|code| Ethnicity::parse(code).ok());
                if parsed.is_none() {
                    p.add(
                        format!("{path}.extension[{k}].valueCodeableConcept"),
                        format!("The ethnic category must be an NHS Data Dictionary code (A to S, Z for not stated, 99 for not known) in system {ETHNIC_CATEGORY_SYSTEM}"),
                    );
                }
                parsed
            }
        };
        contact = contact_of(patient, path, &mut p);
        practice_ods = array_of(patient, "generalPractitioner").iter().enumerate().find_map(|(g, gp)| {
            let at = if ods_identifier(gp).is_some() { format!("{path}.generalPractitioner[{g}].identifier.value") } else { format!("{path}.generalPractitioner[{g}]") };
            ods_of(gp, sent).map(|ods| (at, ods))
        });
        if let (Some(nhs_number), Some(given_name), Some(family_name), Some(date_of_birth), Some(sex), Some(ethnicity), Some(postcode)) =
            (nhs_number, given_name, family_name, date_of_birth, sex, ethnicity, postcode)
        {
            person = Some(PersonDetails { nhs_number, given_name, family_name, date_of_birth, sex, ethnicity, postcode });
        }
    }

    // Who referred, and the person's GP practice (which must be one of this PCN's).
    let (referrer_name, requester_ods) = requester_of(sr.get("requester").unwrap_or(&Value::Null), sent);
    let referrer = p.check(
        "ServiceRequest.requester.display",
        RequiredText::<200>::parse("referrer_name", "the name of the person who referred them (requester.display, or the name of the Practitioner it references)", referrer_name.as_deref().unwrap_or_default()),
    );
    let practice = match practice_ods.or(requester_ods) {
        None => {
            p.add(
                "ServiceRequest.requester",
                format!("Give the person's GP practice by its ODS code (system {ODS_SYSTEM}) in the Patient's generalPractitioner or in the requester's organisation"),
            );
            None
        }
        Some((path, ods)) => {
            let found = practices.iter().find(|pr| pr.ods_code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(ods)));
            if found.is_none() {
                p.add(path, format!("No GP practice with ODS code {ods} is part of this primary care network"));
            }
            found
        }
    };

    let referred_on = match str_of(sr, "authoredOn") {
        Some(raw) => p.check("ServiceRequest.authoredOn", parse_past_date("referred_on", "referral date", raw.split('T').next().unwrap_or_default(), today)),
        None => {
            p.add("ServiceRequest.authoredOn", "Give the date of the referral in authoredOn, like 2026-11-02");
            None
        }
    };

    // The reason in words (each reason's text or its codings' display, the conditions it
    // references, then the notes) and the need domains: coded in Linkwork's code system, or in
    // SNOMED CT where the service mapped the code to a need.
    let reason_codes = array_of(sr, "reasonCode");
    let referenced = array_of(sr, "reasonReference").iter().filter_map(|r| sent.follow(r, "Condition").or_else(|| sent.follow(r, "Observation")));
    let mut texts: Vec<String> = reason_codes.iter().filter_map(concept_words).collect();
    texts.extend(referenced.filter_map(|c| c.resource.get("code").and_then(concept_words)));
    texts.extend(array_of(sr, "note").iter().filter_map(|n| str_of(n, "text")).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned));
    let words = texts.join("\n\n");
    let reason = p.check("ServiceRequest.reasonCode", ReferralReason::parse("reason", "the reason for referral (reasonCode.text or note.text)", &words));
    let mut needs: Vec<NeedDomain> = reason_codes
        .iter()
        .flat_map(|concept| array_of(concept, "coding"))
        .filter(|c| str_of(c, "system") == Some(SNOMED_SYSTEM))
        .filter_map(|c| str_of(c, "code").and_then(|code| snomed_needs.need_of(code)))
        .collect();
    for (i, concept) in reason_codes.iter().enumerate() {
        for (j, coding) in array_of(concept, "coding").iter().enumerate().filter(|(_, c)| str_of(c, "system") == Some(need_system)) {
            let code = str_of(coding, "code").unwrap_or_default();
            match NeedDomain::parse(code) {
                Ok(need) => needs.push(need),
                Err(_) => {
                    let known = NeedDomain::ALL.iter().map(|n| n.code()).collect::<Vec<_>>().join(", ");
                    p.add(format!("ServiceRequest.reasonCode[{i}].coding[{j}].code"), format!("\"{code}\" is not a need domain: use one of {known}"));
                }
            }
        }
    }
    needs.sort();
    needs.dedup();
    // No need coded (reasons as text, or SNOMED CT codes the service has not mapped): the
    // referral is taken, with what its words suggest, for the link worker to confirm at triage.
    let needs_to_confirm = needs.is_empty();
    if needs_to_confirm {
        needs = needs_in_words(&words);
    }

    match (person, practice, referrer, reason, referred_on) {
        (Some(person), Some(practice), Some(referrer), Some(reason), Some(referred_on)) if p.0.is_empty() => {
            Ok(Intake { person, practice_id: practice.id.clone(), referrer_name: referrer.into_string(), reason, needs, needs_to_confirm, referred_on, contact })
        }
        _ => Err(p.0),
    }
}

/// How to reach the person, from their Patient resource: `telecom` entries with system `phone`, `sms`
/// or `email` (a number in a mobile range is the mobile, any other the home or other phone; the
/// first of each is kept) and, from the ContactPoint with the lowest `rank`, the preferred way
/// (`sms` is a text message); `address.line` and `address.city` of the address holding the
/// postcode (else the first with lines). A value that does not parse is a problem at its path.
fn contact_of(patient: &Value, path: &str, p: &mut Problems) -> ContactDetails {
    let mut d = ContactDetails::default();
    let mut preferred: Option<(i64, ContactMethod)> = None;
    // BaRS puts the person's own numbers in a `contact` whose relationship is ONESELF.
    let own = array_of(patient, "contact").iter().enumerate().filter(|(_, c)| {
        array_of(c, "relationship").iter().flat_map(|r| array_of(r, "coding")).any(|coding| str_of(coding, "code") == Some("ONESELF"))
    });
    let telecoms = array_of(patient, "telecom")
        .iter()
        .enumerate()
        .map(|(k, t)| (format!("{path}.telecom[{k}]"), t))
        .chain(own.flat_map(|(c, contact)| array_of(contact, "telecom").iter().enumerate().map(move |(k, t)| (format!("{path}.contact[{c}].telecom[{k}]"), t))));
    for (at, t) in telecoms {
        let value = str_of(t, "value").unwrap_or_default();
        let at = format!("{at}.value");
        let method = match str_of(t, "system") {
            Some(system @ ("phone" | "sms")) => {
                let Some(number) = p.check(at, PhoneNumber::parse(value)) else { continue };
                let mobile = number.is_mobile();
                let slot = if mobile { &mut d.mobile } else { &mut d.landline };
                slot.get_or_insert(number);
                if system == "sms" && mobile {
                    ContactMethod::Text
                } else {
                    ContactMethod::PhoneCall
                }
            }
            Some("email") => {
                let Some(email) = p.check(at, EmailAddress::parse(value)) else { continue };
                d.email.get_or_insert(email);
                ContactMethod::Email
            }
            // Fax, pager, URL and other: not ways a link worker reaches someone.
            _ => continue,
        };
        if let Some(rank) = t.get("rank").and_then(Value::as_i64) {
            if preferred.is_none_or(|(best, _)| rank < best) {
                preferred = Some((rank, method));
            }
        }
    }
    d.preferred = preferred.map(|(_, method)| method);
    let addresses = array_of(patient, "address");
    let with_lines = |a: &&Value| !array_of(a, "line").is_empty();
    let chosen = addresses.iter().enumerate().find(|(_, a)| str_of(a, "postalCode").is_some() && with_lines(a)).or_else(|| addresses.iter().enumerate().find(|(_, a)| with_lines(a)));
    if let Some((k, address)) = chosen {
        let lines: Vec<&str> = array_of(address, "line").iter().filter_map(Value::as_str).map(str::trim).filter(|l| !l.is_empty()).collect();
        let line = |field, label, raw: &str| AddressLine::parse(field, label, raw);
        let line_1 = lines.first().and_then(|l| p.check(format!("{path}.address[{k}].line[0]"), line("address_line_1", "the first line of the address", l)));
        let rest = lines.get(1..).map(|r| r.join(", ")).filter(|r| !r.is_empty());
        let line_2 = rest.and_then(|r| p.check(format!("{path}.address[{k}].line[1]"), line("address_line_2", "the second line of the address", &r)));
        let town = str_of(address, "city").map(str::trim).filter(|c| !c.is_empty()).and_then(|c| p.check(format!("{path}.address[{k}].city"), line("town", "the town or city", c)));
        d.address = line_1.map(|line_1| AddressLines { line_1, line_2, town });
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkwork_domain::access::OrgKind;
    use serde_json::json;
    use time::macros::date;

    fn org(id: &str, kind: OrgKind, ods: &str) -> Org {
        Org { id: id.into(), kind, name: id.into(), ods_code: Some(ods.into()), parent_id: None, list_size: None }
    }

    const NEED_DOMAIN_SYSTEM: &str = "https://spl.example.nhs.uk/fhir/CodeSystem/need-domain";

    fn example() -> Value {
        json!({
            "resourceType": "ServiceRequest",
            "contained": [{
                "resourceType": "Patient", "id": "p1",
                "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}],
                "name": [{"family": "Test", "given": ["Ada", "May"]}],
                "gender": "female", "birthDate": "1948-02-29",
                "address": [{"line": ["1 High Street"]}, {"postalCode": "ls1 4ap"}],
                "generalPractitioner": [{"identifier": {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "z00001"}}],
            }],
            "status": "active", "intent": "order",
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "871731000000106"}]},
            "subject": {"reference": "#p1"},
            "authoredOn": "2026-11-02T09:30:00+00:00",
            "requester": {"display": "Dr Patel"},
            "reasonCode": [
                {"text": "Lonely since her husband died", "coding": [{"system": NEED_DOMAIN_SYSTEM, "code": "loneliness"}]},
                {"coding": [{"system": NEED_DOMAIN_SYSTEM, "code": "bereavement"}, {"system": "http://snomed.info/sct", "code": "1"}]},
            ],
            "note": [{"text": "Prefers mornings"}],
        })
    }

    fn run(sr: &Value) -> Result<Intake, Vec<Issue>> {
        parse(sr, &org("pcn", OrgKind::Pcn, "U99999"), &[org("prac", OrgKind::Practice, "Z00001")], date!(2026 - 12 - 01), NEED_DOMAIN_SYSTEM)
    }

    #[test]
    fn reads_a_complete_referral() {
        let intake = run(&example()).unwrap();
        assert_eq!(intake.person.nhs_number.as_str(), "9434765919");
        assert_eq!(intake.person.given_name.as_str(), "Ada May");
        assert_eq!(intake.person.postcode.as_str(), "LS1 4AP");
        assert_eq!(intake.person.sex, Sex::Female);
        assert_eq!(intake.person.ethnicity, Ethnicity::NotStated);
        assert_eq!(intake.practice_id, "prac");
        assert_eq!(intake.referred_on, date!(2026 - 11 - 02));
        assert_eq!(intake.reason.as_str(), "Lonely since her husband died\n\nPrefers mornings");
        assert_eq!(intake.needs, vec![NeedDomain::Loneliness, NeedDomain::Bereavement]);
    }

    #[test]
    fn contact_details_from_the_patients_telecom_and_address() {
        let mut sr = example();
        sr["contained"][0]["telecom"] = json!([
            {"system": "phone", "value": "0113 496 0000", "use": "home", "rank": 2},
            {"system": "sms", "value": "+44 7700 900982", "use": "mobile", "rank": 1},
            {"system": "email", "value": "ada@example.org"},
            {"system": "fax", "value": "0113 496 0001"},
        ]);
        sr["contained"][0]["address"] = json!([{"line": ["12 Mill Lane", "Headingley"], "city": "Leeds", "postalCode": "LS6 1AA"}]);
        let contact = run(&sr).unwrap().contact;
        assert_eq!(contact.mobile.as_ref().map(PhoneNumber::as_str), Some("07700900982"));
        assert_eq!(contact.landline.as_ref().map(PhoneNumber::as_str), Some("01134960000"));
        assert_eq!(contact.email.as_ref().map(EmailAddress::as_str), Some("ada@example.org"));
        assert_eq!(contact.preferred, Some(ContactMethod::Text));
        assert_eq!(contact.address.as_ref().map(|a| a.one_line(None)).as_deref(), Some("12 Mill Lane, Headingley, Leeds"));
        // Without telecom the referral is still accepted, with no contact details.
        assert_eq!(run(&example()).unwrap().contact.mobile, None);
        sr["contained"][0]["telecom"][1]["value"] = json!("not a number");
        let issues = run(&sr).unwrap_err();
        assert_eq!(issues[0].expression.as_deref(), Some("ServiceRequest.contained[0].telecom[1].value"));
    }

    #[test]
    fn a_referral_is_an_order_or_a_plan() {
        let mut sr = example();
        sr["intent"] = json!("plan");
        assert!(run(&sr).is_ok(), "UK Core senders use plan for a referral agreed in a care plan");
        sr["intent"] = json!("proposal");
        let issues = run(&sr).unwrap_err();
        assert_eq!(issues[0].expression.as_deref(), Some("ServiceRequest.intent"));
        assert!(issues[0].diagnostics.contains("intent must be \"order\" or \"plan\", not \"proposal\""), "{}", issues[0].diagnostics);
    }

    #[test]
    fn the_documented_example_is_accepted() {
        let doc = include_str!("../../../../docs/fhir.md");
        let section = doc.split("## Sending a referral").nth(1).expect("docs/fhir.md has a section on sending a referral");
        let example = section.split("```json\n").nth(1).and_then(|rest| rest.split("```").next()).expect("the section has a JSON example");
        let intake = run(&serde_json::from_str(example).unwrap()).unwrap();
        assert_eq!(intake.person.ethnicity, Ethnicity::WhiteBritish);
        assert_eq!(intake.needs, vec![NeedDomain::Loneliness, NeedDomain::Bereavement]);
    }

    #[test]
    fn ethnicity_from_the_uk_core_extension() {
        let mut sr = example();
        sr["contained"][0]["extension"] = json!([{"url": ETHNIC_CATEGORY_EXTENSION, "valueCodeableConcept": {"coding": [{"system": ETHNIC_CATEGORY_SYSTEM, "code": "H"}]}}]);
        let intake = run(&sr).unwrap();
        assert_eq!(intake.person.ethnicity, Ethnicity::AsianIndian);
        sr["contained"][0]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] = json!("I");
        let issues = run(&sr).unwrap_err();
        assert_eq!(issues[0].expression.as_deref(), Some("ServiceRequest.contained[0].extension[0].valueCodeableConcept"));
    }

    #[test]
    fn lists_every_problem_with_its_path() {
        let mut sr = example();
        sr["contained"][0]["identifier"][0]["value"] = json!("9434765918");
        sr["contained"][0].as_object_mut().unwrap().remove("birthDate");
        sr["contained"][0]["generalPractitioner"][0]["identifier"]["value"] = json!("Z99999");
        sr["code"]["coding"][0]["code"] = json!("12345");
        sr["performer"] = json!([{"identifier": {"system": ODS_SYSTEM, "value": "U11111"}}]);
        sr["reasonCode"][1]["coding"][0]["code"] = json!("astrology");
        let issues = run(&sr).unwrap_err();
        let paths: Vec<&str> = issues.iter().map(|i| i.expression.as_deref().unwrap()).collect();
        assert_eq!(
            paths,
            vec![
                "ServiceRequest.code",
                "ServiceRequest.performer[0]",
                "ServiceRequest.contained[0].identifier[0].value",
                "ServiceRequest.contained[0].birthDate",
                "ServiceRequest.contained[0].generalPractitioner[0].identifier.value",
                "ServiceRequest.reasonCode[1].coding[0].code",
            ]
        );
        assert!(issues[2].diagnostics.contains("not a valid NHS number"));
        assert!(issues[3].diagnostics.contains("Enter the date of birth"));
        assert!(issues[4].diagnostics.contains("No GP practice with ODS code Z99999"));
        assert!(issues.iter().all(|i| i.code == "invalid"));
    }

    #[test]
    fn the_patient_must_be_contained_and_the_practice_given() {
        let mut sr = example();
        sr["subject"] = json!({"reference": "Patient/123"});
        sr["requester"] = json!({"display": " "});
        sr.as_object_mut().unwrap().remove("authoredOn");
        let paths: Vec<String> = run(&sr).unwrap_err().into_iter().map(|i| i.expression.unwrap()).collect();
        assert_eq!(paths, vec!["ServiceRequest.subject", "ServiceRequest.requester.display", "ServiceRequest.requester", "ServiceRequest.authoredOn"]);
        // The practice may come from the requester instead.
        let mut sr = example();
        sr["contained"][0].as_object_mut().unwrap().remove("generalPractitioner");
        sr["requester"]["identifier"] = json!({"system": ODS_SYSTEM, "value": "Z00001"});
        assert_eq!(run(&sr).unwrap().practice_id, "prac");
        assert_eq!(run(&json!({"resourceType": "Patient"})).unwrap_err().len(), 1);
    }
}
