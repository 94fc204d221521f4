//! Contact details for the demo people: Ofcom's numbers reserved for drama (mobiles 07700 900000
//! to 900999, landlines 01632 960000 to 960999, which ring nowhere), `example.org` e-mail
//! addresses, fictional Riverside streets, and preferences spread the way a service sees them
//! (most people by phone, some by text or e-mail, a few by letter or in person).
//!
//! Derived from the person's place in the plan, not the random number generator, so adding them
//! leaves every other demo value as it was.

use linkwork_domain::person::contact_details::{ContactDetails, Requirement};

const STREETS: &[&str] = &["Mill Lane", "Chapel Street", "Wharf Road", "Station Road", "Church Walk", "Market Street", "Canal Side", "Park View", "Orchard Close", "Victoria Terrace"];
const BEST_TIMES: &[&str] = &["", "Weekday mornings", "After 4pm, after the school run", "Not Wednesdays (dialysis)", "", "Any time", "Afternoons"];

/// The `i`th demo person's contact details.
pub(crate) fn details(i: usize, given: &str, family: &str) -> ContactDetails {
    let mobile = (i % 7 != 3).then(|| format!("07700 900{:03}", (i * 37) % 1000));
    let landline = (i % 4 == 1 || mobile.is_none()).then(|| format!("01632 960{:03}", (i * 53) % 1000));
    let email = (i % 3 == 0).then(|| format!("{}.{}{}@example.org", ascii(given), ascii(family), i % 100));
    let line_1 = format!("{} {}", 1 + (i * 11) % 140, STREETS[i % STREETS.len()]);
    let preferred = match i % 10 {
        _ if mobile.is_none() => "phone_call",
        0..=4 => "phone_call",
        5 | 6 => "text",
        7 if email.is_some() => "email",
        8 => "letter",
        9 => "in_person",
        _ => "phone_call",
    };
    let leave_message = match i % 5 {
        0 => "no",
        4 => "",
        _ => "yes",
    };
    let fields = [
        ("mobile", mobile.unwrap_or_default()),
        ("landline", landline.unwrap_or_default()),
        ("email", email.unwrap_or_default()),
        ("address_line_1", line_1),
        ("town", "Riverside".to_owned()),
        ("preferred_contact", preferred.to_owned()),
        ("best_times", BEST_TIMES[i % BEST_TIMES.len()].to_owned()),
        ("leave_message", leave_message.to_owned()),
    ];
    let get = |name: &str| fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str()).unwrap_or("");
    ContactDetails::parse(get, Requirement::AtLeastOneWay).unwrap_or_default()
}

/// Letters of a name for an e-mail address ("O'Brien" → "obrien").
fn ascii(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).flat_map(|c| c.to_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkwork_domain::person::contact_details::ContactMethod;

    #[test]
    fn every_demo_person_can_be_reached_on_drama_numbers() {
        let people: Vec<ContactDetails> = (0..600).map(|i| details(i, "Zoë", "O'Brien")).collect();
        assert!(people.iter().all(ContactDetails::has_a_way_in));
        assert!(people.iter().flat_map(|d| d.mobile.iter()).all(|m| m.as_str().starts_with("07700900")));
        assert!(people.iter().flat_map(|d| d.landline.iter()).all(|m| m.as_str().starts_with("01632960")));
        assert!(people.iter().flat_map(|d| d.email.iter()).all(|e| e.as_str().ends_with("@example.org")));
        for method in ContactMethod::ALL {
            assert!(people.iter().any(|d| d.preferred == Some(*method)), "{method:?}");
        }
    }
}
