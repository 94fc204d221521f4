//! Ways in that arrive without an NHS number, as *incoming referrals*: the public self-referral
//! form and VCSE partners' referral form; and triage turning one into a referral.

use crate::casework::{parse_referral, referral_context};
use crate::clock::today;
use crate::forms::{Checker, Fields};
use crate::AppError;
use linkwork_domain::access::{Actor, OrgKind, Role};
use linkwork_domain::person::contact_details::{self, ContactDetails, ContactMethod};
use linkwork_domain::casework::intake::{reference_from, EmailAddress, IncomingSource, IncomingStatus, PhoneNumber};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::{DateOfBirth, PersonName};
use linkwork_domain::casework::referral::{DeclineReason, ReferralSource};
use linkwork_domain::{BoundedText, Postcode, RequiredText};
use linkwork_store::{AuditActor, Incoming, NewIncoming, Store};

/// Who is referring through the short form.
pub enum Referrer<'a> {
    /// A member of the public referring themselves (no account).
    Public,
    /// A VCSE partner: a signed-in staff member (their user id) or an API token (none).
    Partner(&'a Actor, Option<&'a str>),
}

/// Parses the short referral form and stores it for triage; returns the reference to show.
/// Self-referrals one client address may send in [`SELF_REFERRAL_WINDOW`]: the only form open to
/// the public, so the only one a robot can fill without signing in.
pub const SELF_REFERRALS_PER_ADDRESS: i64 = 5;
pub const SELF_REFERRAL_WINDOW: time::Duration = time::Duration::minutes(10);

/// Whether `client` may send another self-referral now (and, if so, counts it). Kept in the
/// database, so every app server behind the same proxy applies the one limit.
pub async fn self_referral_allowed(store: &dyn Store, client: std::net::IpAddr) -> Result<bool, AppError> {
    let now = time::OffsetDateTime::now_utc();
    Ok(store.take_rate_limited_attempt("self_referral", &client.to_string(), now, SELF_REFERRAL_WINDOW, SELF_REFERRALS_PER_ADDRESS).await?)
}

pub async fn refer_in(store: &dyn Store, referrer: Referrer<'_>, who: &AuditActor, f: &Fields) -> Result<String, AppError> {
    // Access before anything in the form is read: a role that may not refer in gets the same
    // answer whatever it sent.
    if let Referrer::Partner(actor, _) = &referrer {
        if actor.role != Role::VcsePartner {
            return Err(AppError::Forbidden);
        }
    }
    let services = store.orgs(OrgKind::Pcn, None).await?;
    let mut c = Checker::default();
    let service = match services.as_slice() {
        [only] => Some(only),
        _ => {
            let chosen = services.iter().find(|s| s.id == f.get("service_id").trim());
            if chosen.is_none() {
                c.error("service_id", "Select the GP surgery group (primary care network) of the person's GP");
            }
            chosen
        }
    };
    let given_name = c.check(PersonName::parse("given_name", "a first name", f.get("given_name")));
    let family_name = c.check(PersonName::parse("family_name", "a last name", f.get("family_name")));
    let date_of_birth = optional(&mut c, f.get("date_of_birth"), |raw| DateOfBirth::parse(raw, today()).map(|d| d.date()));
    let postcode = optional(&mut c, f.get("postcode"), Postcode::parse);
    let phone = optional(&mut c, f.get("phone"), PhoneNumber::parse);
    let email = optional(&mut c, f.get("email"), EmailAddress::parse);
    if f.get("phone").trim().is_empty() && f.get("email").trim().is_empty() {
        c.error("phone", "Enter a phone number or an email address so the link worker can get in touch");
    }
    let preferred_contact = optional(&mut c, f.get("preferred_contact"), ContactMethod::parse);
    let best_times = c.check(BoundedText::<200>::parse("best_times", "the best times to contact", f.get("best_times")));
    let leave_message = match f.get("leave_message").trim() {
        "" => Some(None),
        "yes" | "true" => Some(Some(true)),
        "no" | "false" => Some(Some(false)),
        _ => {
            c.error("leave_message", "Select whether it is all right to leave a message");
            None
        }
    };
    // The preferred way must be one the details given allow (a text needs a mobile number).
    if let (Some(Some(method)), Some(phone), Some(email)) = (preferred_contact, &phone, &email) {
        if let Some(problem) = short_form_details(phone.clone(), email.clone()).unreachable_by(method) {
            c.error("preferred_contact", problem);
        }
    }
    let reason = c.check(RequiredText::<2000>::parse("reason", "what help is wanted", f.get("reason")));
    let needs: Vec<NeedDomain> = f.all("needs").into_iter().filter_map(|n| c.check(NeedDomain::parse(n))).collect();
    if f.get("consent") != "yes" {
        let message = match referrer {
            Referrer::Public => "Confirm that you agree to the social prescribing team contacting you",
            Referrer::Partner(..) => "Confirm that the person agrees to be referred",
        };
        c.error("consent", message);
    }
    let (Some(service), Some(given_name), Some(family_name), Some(date_of_birth), Some(postcode), Some(phone), Some(email), Some(reason), Some(preferred_contact), Some(best_times), Some(leave_message)) =
        (service, given_name, family_name, date_of_birth, postcode, phone, email, reason, preferred_contact, best_times, leave_message)
    else {
        return Err(AppError::Invalid(c.into_errors()));
    };
    if !c.is_ok() {
        return Err(AppError::Invalid(c.into_errors()));
    }
    let (source, by_org, by_user) = match referrer {
        Referrer::Public => (IncomingSource::SelfReferral, None, None),
        Referrer::Partner(actor, user_id) => (IncomingSource::Vcse, Some(actor.org_id.clone()), user_id.map(str::to_owned)),
    };
    let incoming = NewIncoming {
        service_org_id: service.id.clone(),
        source,
        referred_by_org_id: by_org,
        referred_by_user_id: by_user,
        given_name: given_name.into_string(),
        family_name: family_name.into_string(),
        date_of_birth,
        postcode,
        phone,
        email,
        reason: reason.into_string(),
        needs,
        preferred_contact,
        best_times: best_times.into_option(),
        leave_message,
    };
    let reference = new_reference();
    store.create_incoming(who, &incoming, &reference).await?;
    Ok(reference)
}

/// The contact details a short form gives: its one phone number (a mobile, or a home or other
/// phone) and e-mail address.
fn short_form_details(phone: Option<PhoneNumber>, email: Option<EmailAddress>) -> ContactDetails {
    let (mobile, landline) = match phone {
        Some(p) if p.is_mobile() => (Some(p), None),
        other => (None, other),
    };
    ContactDetails { mobile, landline, email, ..Default::default() }
}

/// What an incoming referral says about reaching the person, as contact details (what it holds
/// was checked when it was sent; anything that no longer parses is left out).
pub fn incoming_contact(i: &Incoming) -> ContactDetails {
    let phone = i.phone.as_deref().and_then(|p| PhoneNumber::parse(p).ok());
    let email = i.email.as_deref().and_then(|e| EmailAddress::parse(e).ok());
    ContactDetails {
        preferred: i.preferred_contact.as_deref().and_then(|p| ContactMethod::parse(p).ok()),
        best_times: i.best_times.clone(),
        leave_message: i.leave_message,
        ..short_form_details(phone, email)
    }
}

fn optional<T>(c: &mut Checker, raw: &str, parse: impl FnOnce(&str) -> linkwork_domain::Result<T>) -> Option<Option<T>> {
    if raw.trim().is_empty() {
        Some(None)
    } else {
        c.check(parse(raw)).map(Some)
    }
}

fn new_reference() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    reference_from(bytes)
}

/// An incoming referral a link worker or manager of its service may triage.
pub async fn triage_incoming(store: &dyn Store, actor: &Actor, id: &str) -> Result<Incoming, AppError> {
    crate::access::require_casework(actor)?;
    let incoming = store.incoming(id).await?.ok_or(AppError::NotFound)?;
    if incoming.service_org_id != actor.org_id {
        return Err(AppError::NotFound);
    }
    Ok(incoming)
}

/// Takes an incoming referral on as a referral, with the details confirmed at triage.
/// One unit of work: the referral checked at triage is the one taken on.
pub async fn convert(store: &dyn Store, actor: &Actor, who: &AuditActor, id: &str, f: &Fields) -> Result<String, AppError> {
    let work = store.begin().await?;
    let incoming = triage_incoming(&*work, actor, id).await?;
    if incoming.status != IncomingStatus::Pending {
        return Err(AppError::Conflict("This referral has already been triaged".into()));
    }
    let context = referral_context(&*work, actor).await?;
    let mut fields = f.clone();
    let source = match incoming.source {
        IncomingSource::SelfReferral => ReferralSource::SelfReferral,
        IncomingSource::Vcse => ReferralSource::Vcse,
    };
    fields.set("source", source.code());
    // The phone, e-mail and preferred way the referral came with are taken on with it: the
    // triage form shows them to confirm; a system that sends no contact fields keeps them as sent.
    if contact_details::FIELDS.iter().all(|name| f.all(name).is_empty()) {
        for (name, value) in incoming_contact(&incoming).form_pairs() {
            fields.set(name, &value);
        }
    }
    let rules = crate::casework::ReferralRules::for_referrer(actor, linkwork_domain::person::identity::DetailsSource::LinkWorkerForm);
    let referral = parse_referral(&fields, &context.service_org_id, &context.practices, rules)?;
    // The person (or the partner, for them) agreed on the short form, which cannot be sent without it.
    let referral = linkwork_store::NewReferral { consent: linkwork_domain::person::consent::ReferralConsent::given_on(incoming.received_at.date()), ..referral };
    let referral_id = work.convert_incoming(who, id, &referral).await?;
    work.commit().await?;
    Ok(referral_id)
}

/// One unit of work: the access check and the decline.
pub async fn decline(store: &dyn Store, actor: &Actor, who: &AuditActor, id: &str, f: &Fields) -> Result<(), AppError> {
    let work = store.begin().await?;
    triage_incoming(&*work, actor, id).await?;
    let reason = DeclineReason::parse(f.get("decline_reason"))?;
    work.decline_incoming(who, id, reason.label()).await?;
    work.commit().await?;
    Ok(())
}
