//! Reaching the person, as use cases every shell shares: reading and changing a person's contact
//! details from a referral they are worked on under, withdrawing their consent to share with a
//! partner, and the one place a partner is given contact details ([`for_partner`]), only while
//! the person's consent to share with the partner's organisation stands.

use linkwork_domain::ids::ReferralId;
use crate::access::{casework_change, casework_referral};
use crate::casework::parse_contact;
use crate::clock::today;
use crate::forms::{Checker, Fields};
use crate::AppError;
use linkwork_domain::access::Actor;
use linkwork_domain::person::contact_details::{partner_may_see, ContactDetails, Requirement};
use linkwork_domain::person::identity::DetailsSource;
use linkwork_domain::Postcode;
use linkwork_store::{AuditActor, PartnerReferral, ReadAudit, SharingConsent, Store};

/// A person's contact details as the edit form shows them, with the consents to share.
pub struct ContactRecord {
    pub given_name: String,
    pub family_name: String,
    pub postcode: String,
    pub details: ContactDetails,
    /// Partner organisations the person agreed to share with on this referral, still standing.
    pub sharing: Vec<SharingConsent>,
}

/// Reads the person's contact details through a referral the actor works on (audited as
/// `person.read_contact`).
pub async fn read(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId) -> Result<ContactRecord, AppError> {
    let header = casework_referral(store, actor, referral_id).await?;
    let (_, held) = store.person_details(&header.person_id).await?.ok_or(AppError::NotFound)?;
    store.record_read(who, &ReadAudit::one("person.read_contact", "person", &header.person_id, &header.person_id)).await?;
    let details = store.contact_details(&header.person_id).await?;
    let sharing = store.sharing_consents(referral_id).await?.into_iter().filter(|s| s.withdrawn_on.is_none()).collect();
    Ok(ContactRecord { given_name: held.given_name, family_name: held.family_name, postcode: held.postcode, details, sharing })
}

/// Changes the person's contact details and postcode (every change kept in their details history
/// with the link worker's name); refused while the record is restricted. Returns how many changed.
pub async fn change(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, f: &Fields) -> Result<usize, AppError> {
    let header = casework_change(store, actor, referral_id).await?;
    let mut c = Checker::default();
    let postcode = c.check(Postcode::parse(f.get("postcode")));
    let details = parse_contact(&mut c, f, Requirement::AtLeastOneWay);
    match (details, postcode) {
        (Some(details), Some(postcode)) if c.is_ok() => Ok(store.set_contact_details(who, &header.person_id, &details, Some(&postcode), DetailsSource::ContactUpdate).await?),
        _ => Err(AppError::Invalid(c.into_errors())),
    }
}

/// The person no longer wants the partner organisation `org_id` (a form field) to have their
/// details: its staff are told to contact the link worker from now on.
pub async fn withdraw_sharing(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId, f: &Fields) -> Result<(), AppError> {
    casework_change(store, actor, referral_id).await?;
    let org_id = f.get("org_id").trim();
    let standing = store.sharing_consents(referral_id).await?.into_iter().any(|s| s.org_id == org_id && s.withdrawn_on.is_none());
    if !standing {
        return Err(AppError::Invalid(vec![crate::forms::FieldError { field: "org_id".into(), message: "Select an organisation the person agreed to share their details with".into() }]));
    }
    Ok(store.withdraw_sharing_consent(who, referral_id, org_id, today()).await?)
}

/// Gives a partner's onward referral the person's contact details when, and only when, the
/// partner may see them ([`partner_may_see`]: its own organisation's referral, and the person's
/// consent to share with that organisation standing); otherwise leaves them out. Every page and
/// API answer a partner gets goes through here (the audited reads).
pub async fn for_partner(store: &dyn Store, actor: &Actor, referral: &mut PartnerReferral) -> Result<(), AppError> {
    referral.contact_details = None;
    let consents = store.sharing_consents(&referral.onward.referral_id).await?;
    if !partner_may_see(actor, &referral.onward.provider_org_id, consents.iter().map(|c| (c.org_id.as_str(), c.withdrawn_on))) {
        return Ok(());
    }
    let postcode = store.person_details(&referral.person_id).await?.map(|(_, d)| d.postcode).unwrap_or_default();
    referral.contact_details = Some(store.contact_details(&referral.person_id).await?.for_partner(&postcode));
    Ok(())
}

// ---- for the templates (`macros.html`: `contact_fields`) ----

/// A link-worker service as the public see it: its name and how to reach it.
pub struct PublicService {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub hours: Option<String>,
}

/// Every link-worker service (PCN) with how the public reach it (what it set, if anything).
pub async fn public_services(store: &dyn Store) -> Result<Vec<PublicService>, AppError> {
    let mut out = Vec::new();
    for org in store.orgs(linkwork_domain::access::OrgKind::Pcn, None).await? {
        let contact = store.service_contact(&org.id).await?.unwrap_or_default();
        out.push(PublicService { name: org.name, phone: contact.phone.map(|p| p.display()), email: contact.email.map(|e| e.as_str().to_owned()), hours: contact.hours });
    }
    Ok(out)
}
