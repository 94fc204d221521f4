//! Ways in that arrive without an NHS number, as *incoming referrals*: the public self-referral
//! form and VCSE partners' referral form; and triage turning one into a referral.

use crate::casework::{parse_referral, referral_context, today};
use crate::forms::{Checker, Fields};
use crate::WebError;
use linkwork_domain::access::{Actor, OrgKind, Role};
use linkwork_domain::intake::{reference_from, EmailAddress, IncomingSource, IncomingStatus, PhoneNumber};
use linkwork_domain::need::NeedDomain;
use linkwork_domain::person::{DateOfBirth, PersonName};
use linkwork_domain::referral::{DeclineReason, ReferralSource};
use linkwork_domain::{Postcode, RequiredText};
use linkwork_store::{AuditActor, Incoming, NewIncoming, Store};

/// Who is referring through the short form.
pub enum Referrer<'a> {
    /// A member of the public referring themselves (no account).
    Public,
    /// A VCSE partner: a signed-in staff member (their user id) or an API token (none).
    Partner(&'a Actor, Option<&'a str>),
}

/// Parses the short referral form and stores it for triage; returns the reference to show.
pub async fn refer_in(store: &dyn Store, referrer: Referrer<'_>, who: &AuditActor, f: &Fields) -> Result<String, WebError> {
    // Access before anything in the form is read: a role that may not refer in gets the same
    // answer whatever it sent.
    if let Referrer::Partner(actor, _) = &referrer {
        if actor.role != Role::VcsePartner {
            return Err(WebError::Forbidden);
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
    let reason = c.check(RequiredText::<2000>::parse("reason", "what help is wanted", f.get("reason")));
    let needs: Vec<NeedDomain> = f.all("needs").into_iter().filter_map(|n| c.check(NeedDomain::parse(n))).collect();
    if f.get("consent") != "yes" {
        let message = match referrer {
            Referrer::Public => "Confirm that you agree to the social prescribing team contacting you",
            Referrer::Partner(..) => "Confirm that the person agrees to be referred",
        };
        c.error("consent", message);
    }
    let (Some(service), Some(given_name), Some(family_name), Some(date_of_birth), Some(postcode), Some(phone), Some(email), Some(reason)) =
        (service, given_name, family_name, date_of_birth, postcode, phone, email, reason)
    else {
        return Err(WebError::Invalid(c.into_errors()));
    };
    if !c.is_ok() {
        return Err(WebError::Invalid(c.into_errors()));
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
    };
    let reference = new_reference();
    store.create_incoming(who, &incoming, &reference).await?;
    Ok(reference)
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
pub async fn triage_incoming(store: &dyn Store, actor: &Actor, id: &str) -> Result<Incoming, WebError> {
    crate::casework::require_casework(actor)?;
    let incoming = store.incoming(id).await?.ok_or(WebError::NotFound)?;
    if incoming.service_org_id != actor.org_id {
        return Err(WebError::NotFound);
    }
    Ok(incoming)
}

/// Takes an incoming referral on as a referral, with the details confirmed at triage.
pub async fn convert(store: &dyn Store, actor: &Actor, who: &AuditActor, id: &str, f: &Fields) -> Result<String, WebError> {
    let incoming = triage_incoming(store, actor, id).await?;
    if incoming.status != IncomingStatus::Pending {
        return Err(WebError::Conflict("This referral has already been triaged".into()));
    }
    let context = referral_context(store, actor).await?;
    let mut fields = f.clone();
    let source = match incoming.source {
        IncomingSource::SelfReferral => ReferralSource::SelfReferral,
        IncomingSource::Vcse => ReferralSource::Vcse,
    };
    fields.set("source", source.code());
    let referral = parse_referral(&fields, &context.service_org_id, &context.practices)?;
    // The person (or the partner, for them) agreed on the short form, which cannot be sent without it.
    let referral = linkwork_store::NewReferral { consent: linkwork_domain::consent::ReferralConsent::given_on(incoming.received_at.date()), ..referral };
    Ok(store.convert_incoming(who, id, &referral).await?)
}

pub async fn decline(store: &dyn Store, actor: &Actor, who: &AuditActor, id: &str, f: &Fields) -> Result<(), WebError> {
    triage_incoming(store, actor, id).await?;
    let reason = DeclineReason::parse(f.get("decline_reason"))?;
    store.decline_incoming(who, id, reason.label()).await?;
    Ok(())
}
