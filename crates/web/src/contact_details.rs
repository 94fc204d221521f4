//! How contact details are shown: the form's choices and autocomplete tokens, and a partner's view
//! of how to reach the person. (Reading and changing them is `linkwork_app::contact_details`.)

use linkwork_app::store::PartnerReferral;

/// The `autocomplete` token of a contact field: `token` where the person gives their own details
/// (WCAG 1.3.5), "off" where a staff member types someone else's.
pub fn autocomplete(own: impl std::borrow::Borrow<bool>, token: &'static str) -> &'static str {
    if *own.borrow() {
        token
    } else {
        "off"
    }
}

/// The ways to be contacted, as radio choices.
pub fn method_choices() -> Vec<crate::views::Choice> {
    crate::views::choices!(linkwork_domain::person::contact_details::ContactMethod)
}

/// The choices of the "all right to leave a message?" question.
pub fn yes_no() -> Vec<crate::views::Choice> {
    vec![crate::views::Choice::new("yes", "Yes"), crate::views::Choice::new("no", "No")]
}

/// Where a referral's person's contact details are changed.
pub fn change_href(referral_id: &str) -> String {
    format!("/referrals/{referral_id}/contact-details")
}

/// A partner's view of how to reach the person (nothing when not shared: see [`for_partner`]).
pub fn partner_rows(r: &PartnerReferral) -> Vec<(&'static str, String)> {
    r.contact_details.as_ref().map(|c| c.summary()).unwrap_or_default()
}

/// What a partner reads when there is nothing to show.
pub fn partner_none_text(r: &PartnerReferral) -> &'static str {
    match r.contact_details {
        Some(_) => "No contact details are recorded: contact the link worker.",
        None => "Contact details not shared: contact the link worker.",
    }
}

/// The ways to be contacted the short forms offer (they ask for no address).
pub fn short_form_methods() -> Vec<crate::views::Choice> {
    use linkwork_domain::person::contact_details::ContactMethod;
    [ContactMethod::PhoneCall, ContactMethod::Text, ContactMethod::Email].iter().map(|m| crate::views::Choice::new(m.code(), m.label())).collect()
}

