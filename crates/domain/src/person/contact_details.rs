//! How to reach a person: phone numbers, e-mail, postal address, and how and when they would like
//! to be contacted. A link worker who cannot reach someone cannot help them, so the forms people
//! are referred on ask for at least one way in; and a partner organisation sees these details only
//! when the person agreed to share with it ([`partner_may_see`]).
//!
//! Phone numbers and e-mail addresses are the same parsed types the self-referral form uses
//! ([`crate::casework::intake`]). The postal address is its lines here plus the person's postcode, which
//! is held (with its history) among their demographics.

use crate::{BoundedText, DomainError, RequiredText};
use crate::access::Actor;
use crate::casework::intake::{EmailAddress, PhoneNumber};
use crate::person::identity::{FieldChange, PersonField};
use crate::text::coded_enum;
use time::Date;

coded_enum! {
    /// The way the person would like to be contacted.
    ContactMethod, field = "preferred_contact", prompt = "Select how the person would like to be contacted" {
        PhoneCall = "phone_call", "Phone call";
        Text = "text", "Text message";
        Email = "email", "Email";
        Letter = "letter", "Letter";
        InPerson = "in_person", "In person";
    }
}

/// A line of a postal address: not blank, one line, at most 100 characters.
pub type AddressLine = RequiredText<100, false>;

/// The lines of a postal address above the postcode: the first line (house and street), an
/// optional second line, and the town.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AddressLines {
    pub line_1: AddressLine,
    pub line_2: Option<AddressLine>,
    pub town: Option<AddressLine>,
}

impl AddressLines {
    /// The lines as one line of text, with `postcode` after them when given.
    pub fn one_line(&self, postcode: Option<&str>) -> String {
        let mut parts: Vec<&str> = vec![self.line_1.as_str()];
        parts.extend(self.line_2.iter().chain(&self.town).map(|l| l.as_str()));
        parts.extend(postcode.filter(|p| !p.is_empty()));
        parts.join(", ")
    }
}

/// The form (and API) fields of contact details, in the order the forms show them.
pub const FIELDS: [&str; 9] = ["mobile", "landline", "email", "address_line_1", "address_line_2", "town", "preferred_contact", "best_times", "leave_message"];

/// How to reach a person. Every part is optional; [`Requirement::AtLeastOneWay`] asks for one.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct ContactDetails {
    /// A mobile number (one that can take a text).
    pub mobile: Option<PhoneNumber>,
    /// A home or other phone number (any UK number).
    pub landline: Option<PhoneNumber>,
    pub email: Option<EmailAddress>,
    pub address: Option<AddressLines>,
    pub preferred: Option<ContactMethod>,
    /// Best days or times to get in touch, in the person's words ("weekday mornings").
    pub best_times: Option<String>,
    /// Whether a voicemail or a message with someone else is all right; `None` when not asked.
    pub leave_message: Option<bool>,
}

/// The contact details a partner organisation is given ([`ContactDetails::for_partner`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SharedContact {
    #[serde(flatten)]
    pub details: ContactDetails,
    /// The postcode of the address, when the address is shared.
    pub postcode: Option<String>,
}

impl SharedContact {
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        self.details.summary(self.postcode.as_deref())
    }
}

/// Whether a form must carry at least one way to reach the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// The referral forms people fill in: a phone number, an e-mail or an address.
    AtLeastOneWay,
    /// Systems (the JSON API, FHIR, imports), which send what they hold.
    Optional,
}

fn optional<T>(errors: &mut Vec<DomainError>, raw: &str, parse: impl FnOnce(&str) -> crate::Result<T>) -> Option<T> {
    if raw.trim().is_empty() {
        return None;
    }
    parse(raw).map_err(|e| errors.push(e)).ok()
}

impl ContactDetails {
    /// Parses the contact fields ([`FIELDS`]) read by `get`, reporting every problem at once.
    pub fn parse<'a>(get: impl Fn(&'static str) -> &'a str, requirement: Requirement) -> Result<Self, Vec<DomainError>> {
        let (details, mut errors) = Self::parse_each(get);
        // Checks across fields only when each field parsed, so one mistake gives one message.
        if errors.is_empty() {
            if requirement == Requirement::AtLeastOneWay && !details.has_a_way_in() {
                errors.push(DomainError::invalid("mobile", "Enter at least one way to contact the person: a phone number, an email address or a postal address"));
            }
            if let Some(problem) = details.preferred.and_then(|p| details.unreachable_by(p)) {
                errors.push(DomainError::invalid("preferred_contact", problem));
            }
        }
        if errors.is_empty() {
            Ok(details)
        } else {
            Err(errors)
        }
    }

    /// Details read back from storage, where they were checked when recorded: each value is
    /// parsed again (a stored value that no longer parses is an error), the rules across them not.
    pub fn stored<'a>(get: impl Fn(&'static str) -> &'a str) -> crate::Result<Self> {
        let (details, errors) = Self::parse_each(get);
        errors.into_iter().next().map_or(Ok(details), Err)
    }

    fn parse_each<'a>(get: impl Fn(&'static str) -> &'a str) -> (Self, Vec<DomainError>) {
        let mut errors = Vec::new();
        let mobile = optional(&mut errors, get("mobile"), |raw| {
            let number = PhoneNumber::parse_field("mobile", raw)?;
            if number.is_mobile() {
                Ok(number)
            } else {
                Err(DomainError::invalid("mobile", "This is not a mobile number (they start 07, like 07700 900 982): enter it under home or other phone"))
            }
        });
        let landline = optional(&mut errors, get("landline"), |raw| PhoneNumber::parse_field("landline", raw));
        let email = optional(&mut errors, get("email"), EmailAddress::parse);
        let (line_1, line_2, town) = (get("address_line_1"), get("address_line_2"), get("town"));
        let address = if [line_1, line_2, town].iter().all(|l| l.trim().is_empty()) {
            None
        } else {
            if line_1.trim().is_empty() {
                errors.push(DomainError::invalid("address_line_1", "Enter the first line of the address, like 12 Mill Lane"));
            }
            let line_1 = optional(&mut errors, line_1, |raw| AddressLine::parse("address_line_1", "the first line of the address", raw));
            let line_2 = optional(&mut errors, line_2, |raw| AddressLine::parse("address_line_2", "the second line of the address", raw));
            let town = optional(&mut errors, town, |raw| AddressLine::parse("town", "the town or city", raw));
            line_1.map(|line_1| AddressLines { line_1, line_2, town })
        };
        let preferred = optional(&mut errors, get("preferred_contact"), ContactMethod::parse);
        let best_times = BoundedText::<200>::parse("best_times", "the best times to contact", get("best_times")).map_err(|e| errors.push(e)).ok().and_then(BoundedText::into_option);
        let leave_message = match get("leave_message").trim().to_ascii_lowercase().as_str() {
            "" => None,
            "yes" | "true" => Some(true),
            "no" | "false" => Some(false),
            _ => {
                errors.push(DomainError::invalid("leave_message", "Select whether it is all right to leave a message"));
                None
            }
        };
        (Self { mobile, landline, email, address, preferred, best_times, leave_message }, errors)
    }

    /// A phone number, an e-mail address or a postal address is held.
    pub fn has_a_way_in(&self) -> bool {
        self.mobile.is_some() || self.landline.is_some() || self.email.is_some() || self.address.is_some()
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Why the person cannot be contacted the way they prefer with the details given, if so.
    pub fn unreachable_by(&self, method: ContactMethod) -> Option<&'static str> {
        match method {
            ContactMethod::PhoneCall if self.mobile.is_none() && self.landline.is_none() => Some("To contact them by phone call, enter a phone number"),
            ContactMethod::Text if self.mobile.is_none() => Some("To contact them by text message, enter a mobile number"),
            ContactMethod::Email if self.email.is_none() => Some("To contact them by email, enter an email address"),
            ContactMethod::Letter if self.address.is_none() => Some("To contact them by letter, enter their address"),
            _ => None,
        }
    }

    /// The values to fill a form with (the fields of [`FIELDS`], codes for coded ones).
    pub fn form_pairs(&self) -> Vec<(&'static str, String)> {
        let line = |l: Option<&AddressLine>| l.map(|l| l.as_str().to_owned()).unwrap_or_default();
        vec![
            ("mobile", self.mobile.as_ref().map(PhoneNumber::display).unwrap_or_default()),
            ("landline", self.landline.as_ref().map(PhoneNumber::display).unwrap_or_default()),
            ("email", self.email.as_ref().map(|e| e.as_str().to_owned()).unwrap_or_default()),
            ("address_line_1", line(self.address.as_ref().map(|a| &a.line_1))),
            ("address_line_2", line(self.address.as_ref().and_then(|a| a.line_2.as_ref()))),
            ("town", line(self.address.as_ref().and_then(|a| a.town.as_ref()))),
            ("preferred_contact", self.preferred.map(|p| p.code().to_owned()).unwrap_or_default()),
            ("best_times", self.best_times.clone().unwrap_or_default()),
            ("leave_message", self.leave_message.map(|yes| if yes { "yes" } else { "no" }.to_owned()).unwrap_or_default()),
        ]
    }

    /// What a referral's details make of the held ones: each detail the referral gives replaces
    /// the held one; what it leaves out is kept (a referral never clears a number the service holds).
    pub fn merged_with(&self, incoming: &ContactDetails) -> ContactDetails {
        ContactDetails {
            mobile: incoming.mobile.clone().or_else(|| self.mobile.clone()),
            landline: incoming.landline.clone().or_else(|| self.landline.clone()),
            email: incoming.email.clone().or_else(|| self.email.clone()),
            address: incoming.address.clone().or_else(|| self.address.clone()),
            preferred: incoming.preferred.or(self.preferred),
            best_times: incoming.best_times.clone().or_else(|| self.best_times.clone()),
            leave_message: incoming.leave_message.or(self.leave_message),
        }
    }

    /// Every detail that differs between `self` (held) and `new`, as the details history keeps it.
    pub fn changes_to(&self, new: &ContactDetails) -> Vec<FieldChange> {
        let (old, new) = (self.history_values(), new.history_values());
        old.into_iter()
            .zip(new)
            .filter(|((_, a), (_, b))| a != b)
            .map(|((field, old_value), (_, new_value))| FieldChange { field, old_value, new_value })
            .collect()
    }

    /// Each detail as the history stores it: numbers as digits, codes for coded values, the
    /// address as one line.
    fn history_values(&self) -> [(PersonField, Option<String>); 7] {
        [
            (PersonField::Mobile, self.mobile.as_ref().map(|p| p.as_str().to_owned())),
            (PersonField::Landline, self.landline.as_ref().map(|p| p.as_str().to_owned())),
            (PersonField::Email, self.email.as_ref().map(|e| e.as_str().to_owned())),
            (PersonField::Address, self.address.as_ref().map(|a| a.one_line(None))),
            (PersonField::PreferredContact, self.preferred.map(|p| p.code().to_owned())),
            (PersonField::BestTimes, self.best_times.clone()),
            (PersonField::LeaveMessage, self.leave_message.map(|yes| if yes { "yes" } else { "no" }.to_owned())),
        ]
    }

    /// What a partner organisation the person agreed to share with is given: how to phone, text
    /// or e-mail them and when, and their address (with `postcode`) only when they prefer
    /// letters (a partner has no other need of where someone lives).
    pub fn for_partner(&self, postcode: &str) -> SharedContact {
        let address = self.address.clone().filter(|_| self.preferred == Some(ContactMethod::Letter));
        let postcode = address.as_ref().map(|_| postcode.to_owned()).filter(|p| !p.is_empty());
        SharedContact { details: ContactDetails { address, ..self.clone() }, postcode }
    }

    /// The details as label and text, in the order people look for them (nothing for details
    /// not held). `postcode` completes the address.
    pub fn summary(&self, postcode: Option<&str>) -> Vec<(&'static str, String)> {
        let mut rows = Vec::new();
        if let Some(p) = self.preferred {
            rows.push(("Prefers", p.label().to_owned()));
        }
        if let Some(m) = &self.mobile {
            rows.push(("Mobile", m.display()));
        }
        if let Some(l) = &self.landline {
            rows.push(("Home or other phone", l.display()));
        }
        if let Some(e) = &self.email {
            rows.push(("Email", e.as_str().to_owned()));
        }
        if let Some(a) = &self.address {
            rows.push(("Address", a.one_line(postcode)));
        }
        if let Some(t) = &self.best_times {
            rows.push(("Best times", t.clone()));
        }
        if let Some(yes) = self.leave_message {
            rows.push(("Messages", if yes { "All right to leave a message" } else { "Do not leave a message" }.to_owned()));
        }
        rows
    }
}

/// How the public reach the link-worker service: shown before the self-referral form and, with
/// the reference, after it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct ServiceContact {
    pub phone: Option<PhoneNumber>,
    pub email: Option<EmailAddress>,
    /// When the phone is answered, like "Monday to Friday, 9am to 5pm".
    pub hours: Option<String>,
}

impl ServiceContact {
    /// A phone number or an e-mail address (or both), and optionally the opening hours.
    pub fn parse(phone: &str, email: &str, hours: &str) -> crate::Result<Self> {
        let phone = (!phone.trim().is_empty()).then(|| PhoneNumber::parse(phone)).transpose()?;
        let email = (!email.trim().is_empty()).then(|| EmailAddress::parse(email)).transpose()?;
        if phone.is_none() && email.is_none() {
            return Err(DomainError::invalid("phone", "Enter the service's phone number or email address"));
        }
        let hours = BoundedText::<200>::parse("hours", "the opening hours", hours)?.into_option();
        Ok(Self { phone, email, hours })
    }
}

/// How a detail kept in the history reads for people (labels for codes, numbers grouped).
pub fn shown_value(field: PersonField, value: &str) -> String {
    match field {
        PersonField::Mobile | PersonField::Landline => PhoneNumber::parse(value).map(|p| p.display()).unwrap_or_else(|_| value.to_owned()),
        PersonField::PreferredContact => ContactMethod::parse(value).map(|m| m.label().to_owned()).unwrap_or_else(|_| value.to_owned()),
        PersonField::LeaveMessage => match value {
            "yes" => "Yes".to_owned(),
            "no" => "No".to_owned(),
            other => other.to_owned(),
        },
        _ => value.to_owned(),
    }
}

/// A consent to share, as recorded per referral and organisation: (organisation id, withdrawn on).
pub type ShareConsent<'a> = (&'a str, Option<Date>);

/// May this partner see how to reach the person on an onward referral to a service run by
/// `provider_org_id`? Only a partner who may answer that referral, and only while the person's
/// consent to share with that organisation stands (given when referred on, not withdrawn).
/// Everyone else is told to contact the link worker.
pub fn partner_may_see<'a>(actor: &Actor, provider_org_id: &str, consents: impl IntoIterator<Item = ShareConsent<'a>>) -> bool {
    actor.may_answer_onward(provider_org_id) && consents.into_iter().any(|(org, withdrawn_on)| org == provider_org_id && withdrawn_on.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Role;
    use std::collections::HashMap;

    fn parse(pairs: &[(&'static str, &'static str)], requirement: Requirement) -> Result<ContactDetails, Vec<DomainError>> {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        ContactDetails::parse(|k| map.get(k).copied().unwrap_or(""), requirement)
    }

    fn fields(errors: Vec<DomainError>) -> Vec<&'static str> {
        errors.iter().filter_map(DomainError::field).collect()
    }

    #[test]
    fn parses_and_normalises_every_detail() {
        let d = parse(
            &[("mobile", "+44 7700 900982"), ("landline", "(0113) 496-0000"), ("email", " ada@example.org "), ("address_line_1", " 12 Mill Lane "), ("town", "Leeds"), ("preferred_contact", "TEXT"), ("best_times", "Mornings"), ("leave_message", "no")],
            Requirement::AtLeastOneWay,
        )
        .unwrap();
        assert_eq!(d.mobile.as_ref().unwrap().as_str(), "07700900982");
        assert_eq!(d.landline.as_ref().unwrap().display(), "0113 496 0000");
        assert_eq!(d.email.as_ref().unwrap().as_str(), "ada@example.org");
        assert_eq!(d.address.as_ref().unwrap().one_line(Some("LS6 1AA")), "12 Mill Lane, Leeds, LS6 1AA");
        assert_eq!((d.preferred, d.best_times.as_deref(), d.leave_message), (Some(ContactMethod::Text), Some("Mornings"), Some(false)));
    }

    #[test]
    fn a_referral_form_needs_one_way_to_reach_the_person() {
        let errors = parse(&[("best_times", "Evenings")], Requirement::AtLeastOneWay).unwrap_err();
        assert_eq!(fields(errors.clone()), ["mobile"]);
        assert!(errors[0].to_string().contains("at least one way to contact"));
        assert_eq!(parse(&[], Requirement::Optional).unwrap(), ContactDetails::default());
        assert!(parse(&[("address_line_1", "1 High St")], Requirement::AtLeastOneWay).is_ok());
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let errors = parse(&[("mobile", "0113 496 0000"), ("landline", "12"), ("email", "ada@"), ("town", "Leeds"), ("preferred_contact", "pigeon"), ("leave_message", "maybe")], Requirement::AtLeastOneWay).unwrap_err();
        assert_eq!(fields(errors), ["mobile", "landline", "email", "address_line_1", "preferred_contact", "leave_message"]);
    }

    #[test]
    fn the_preferred_way_needs_its_detail() {
        for (method, given, field_missing) in [("text", ("landline", "0113 496 0000"), "mobile number"), ("email", ("mobile", "07700 900982"), "email address"), ("letter", ("email", "a@example.org"), "address"), ("phone_call", ("email", "a@example.org"), "phone number")] {
            let errors = parse(&[("preferred_contact", method), given], Requirement::AtLeastOneWay).unwrap_err();
            assert_eq!(fields(errors.clone()), ["preferred_contact"], "{method}");
            assert!(errors[0].to_string().contains(field_missing), "{method}: {}", errors[0]);
        }
        assert!(parse(&[("preferred_contact", "in_person"), ("landline", "0113 496 0000")], Requirement::AtLeastOneWay).is_ok());
    }

    #[test]
    fn a_referral_adds_to_what_is_held_and_never_clears_it() {
        let held = parse(&[("mobile", "07700 900001"), ("email", "old@example.org"), ("preferred_contact", "text")], Requirement::Optional).unwrap();
        let incoming = parse(&[("email", "new@example.org"), ("landline", "0113 496 0000")], Requirement::Optional).unwrap();
        let merged = held.merged_with(&incoming);
        assert_eq!(merged.mobile, held.mobile);
        assert_eq!(merged.email, incoming.email);
        assert_eq!(merged.preferred, Some(ContactMethod::Text));
        let changes = held.changes_to(&merged);
        assert_eq!(changes.iter().map(|c| c.field).collect::<Vec<_>>(), [PersonField::Landline, PersonField::Email]);
        assert_eq!((changes[1].old_value.as_deref(), changes[1].new_value.as_deref()), (Some("old@example.org"), Some("new@example.org")));
        assert!(held.changes_to(&held).is_empty());
    }

    #[test]
    fn a_form_round_trips_through_its_fields() {
        let d = parse(&[("mobile", "07700900982"), ("address_line_1", "12 Mill Lane"), ("address_line_2", "Flat 2"), ("preferred_contact", "letter"), ("leave_message", "yes")], Requirement::AtLeastOneWay).unwrap();
        let pairs: HashMap<&str, String> = d.form_pairs().into_iter().collect();
        assert_eq!(pairs["mobile"], "07700 900982");
        assert_eq!(ContactDetails::parse(|k| pairs.get(k).map(String::as_str).unwrap_or(""), Requirement::AtLeastOneWay).unwrap(), d);
    }

    #[test]
    fn partners_get_an_address_only_for_letters() {
        let by_phone = parse(&[("mobile", "07700900982"), ("address_line_1", "12 Mill Lane"), ("preferred_contact", "phone_call")], Requirement::AtLeastOneWay).unwrap();
        let shared = by_phone.for_partner("LS6 1AA");
        assert_eq!((shared.details.address, shared.postcode), (None, None));
        assert_eq!(shared.details.mobile, by_phone.mobile);
        let by_letter = ContactDetails { preferred: Some(ContactMethod::Letter), ..by_phone };
        assert_eq!(by_letter.for_partner("LS6 1AA").summary().iter().find(|(k, _)| *k == "Address").map(|(_, v)| v.as_str()), Some("12 Mill Lane, LS6 1AA"));
    }

    #[test]
    fn only_the_partner_the_person_agreed_to_share_with_sees_contact_details() {
        let partner = Actor { org_id: "walk-club".into(), role: Role::VcsePartner };
        let given = [("walk-club", None)];
        assert!(partner_may_see(&partner, "walk-club", given));
        assert!(!partner_may_see(&partner, "walk-club", [("food-bank", None)]), "consent to another organisation");
        assert!(!partner_may_see(&partner, "walk-club", [("walk-club", Some(time::macros::date!(2026 - 12 - 01)))]), "withdrawn");
        assert!(!partner_may_see(&partner, "walk-club", []), "never given");
        let other = Actor { org_id: "food-bank".into(), role: Role::VcsePartner };
        assert!(!partner_may_see(&other, "walk-club", given), "another partner");
        let worker = Actor { org_id: "walk-club".into(), role: Role::LinkWorker };
        assert!(!partner_may_see(&worker, "walk-club", given), "not a partner");
    }

    #[test]
    fn the_summary_lists_what_is_held() {
        assert!(ContactDetails::default().summary(Some("LS1 4AP")).is_empty());
        let d = parse(&[("landline", "02079460000"), ("preferred_contact", "phone_call"), ("leave_message", "yes")], Requirement::Optional).unwrap();
        assert_eq!(d.summary(None), [("Prefers", "Phone call".to_owned()), ("Home or other phone", "020 7946 0000".to_owned()), ("Messages", "All right to leave a message".to_owned())]);
        assert_eq!(shown_value(PersonField::Mobile, "07700900982"), "07700 900982");
        assert_eq!(shown_value(PersonField::PreferredContact, "text"), "Text message");
    }
}
