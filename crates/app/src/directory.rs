//! The community directory as use cases (issue 4), shared by the pages and the API: searching it
//! for a link worker, who may see and edit a service's staff-only details, and checking an edit.

use linkwork_domain::ids::ReferralId;
use crate::forms::{Checker, FieldError, Fields};
use crate::AppError;
use linkwork_domain::access::{Actor, Role};
use linkwork_domain::directory::{Coordinates, Delivery};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::postcode::Postcode;
use linkwork_domain::DomainError;
use linkwork_store::{AuditActor, Service, ServiceProfile, ServiceWhereWhen, Store};
use std::collections::HashMap;

/// What a search found: services nearest first (with distance in km when known), the query
/// values as understood, problems with them, and who the search was for.
pub struct SearchOutcome {
    pub results: Vec<(Service, Option<ServiceWhereWhen>, Option<f64>)>,
    pub values: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
    pub from: String,
    pub for_referral: String,
    pub for_person: String,
}

/// The days a schedule may name, in order.
pub const DAYS: [(&str, &str); 7] = [("MO", "Monday"), ("TU", "Tuesday"), ("WE", "Wednesday"), ("TH", "Thursday"), ("FR", "Friday"), ("SA", "Saturday"), ("SU", "Sunday")];

/// What a search asked for, parsed from the query string.
#[derive(Debug, Default)]
struct Filters {
    need: Option<NeedDomain>,
    words: Vec<String>,
    delivery: Option<Delivery>,
    free_only: bool,
    complex: bool,
    day: Option<&'static str>,
    centre: Option<Coordinates>,
}

async fn centre_of(store: &dyn Store, postcode: &Postcode) -> Result<Option<Coordinates>, AppError> {
    if let Some(c) = store.postcode_centre(postcode.as_str()).await? {
        return Ok(Some(c));
    }
    Ok(store.postcode_centre(postcode.outward()).await?)
}

/// Searches the directory for a link worker or manager. `q` is the query string (need, q, delivery,
/// free, complex, day, postcode, or `for` = a referral id, whose person's postcode is used: that
/// reads the record, audited). Bad filters are reported, not fatal.
pub async fn search(store: &dyn Store, actor: &Actor, who: &AuditActor, q: &HashMap<String, String>) -> Result<SearchOutcome, AppError> {
    crate::access::require_casework(actor)?;
    let get = |k: &str| q.get(k).map(|v| v.trim()).unwrap_or("");
    let mut values: Vec<(String, String)> = q.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    values.sort();
    let mut check = Checker::default();
    let mut filters = Filters::default();
    if !get("need").is_empty() {
        filters.need = check.check(NeedDomain::parse(get("need")).map_err(|_| DomainError::invalid("need", "Select a need from the list")));
    }
    filters.words = get("q").to_lowercase().split_whitespace().map(str::to_owned).collect();
    filters.delivery = match get("delivery") {
        "" | "any" => None,
        "in_person" => Some(Delivery::InPerson),
        "online" => Some(Delivery::Online),
        _ => {
            check.error("delivery", "Select in person, online or either");
            None
        }
    };
    filters.free_only = get("free") == "yes";
    filters.complex = get("complex") == "yes";
    if !get("day").is_empty() {
        match DAYS.iter().find(|(code, _)| code.eq_ignore_ascii_case(get("day"))) {
            Some((code, _)) => filters.day = Some(code),
            None => check.error("day", "Select a day of the week"),
        }
    }
    let mut from = String::new();
    let (mut for_referral, mut for_person) = (String::new(), String::new());
    if !get("for").is_empty() {
        let id = ReferralId::from(get("for"));
        crate::access::casework_referral(store, actor, &id).await?;
        let r = store.referral_record(who, &id).await?.ok_or(AppError::NotFound)?;
        for_person = format!("{} {}", r.person.given_name, r.person.family_name);
        filters.centre = centre_of(store, &r.person.postcode).await?;
        from = if filters.centre.is_some() { format!("{for_person}'s postcode") } else { String::new() };
        for_referral = id.into_string();
        if filters.need.is_none() && get("need").is_empty() && !q.contains_key("need") {
            // Start from the person's first need when the search has not chosen one.
            if let Some(n) = r.needs.first() {
                filters.need = Some(n.need);
                values.push(("need".into(), n.need.code().into()));
            }
        }
    } else if !get("postcode").is_empty() {
        match Postcode::parse(get("postcode")) {
            Ok(pc) => {
                filters.centre = centre_of(store, &pc).await?;
                if filters.centre.is_some() {
                    from = pc.as_str().to_owned();
                } else {
                    check.error("postcode", "We do not know where this postcode is, so services are not sorted by distance");
                }
            }
            Err(e) => {
                check.check::<()>(Err(e));
            }
        }
    }
    let services = store.services().await?;
    let where_when: HashMap<String, ServiceWhereWhen> = store.services_where_when().await?.into_iter().map(|w| (w.service_id.clone(), w)).collect();
    let mut found: Vec<(Option<f64>, Service)> = services
        .into_iter()
        .filter(|s| s.status == "active")
        .filter_map(|s| {
            let ww = where_when.get(&s.id);
            matches(&s, ww, &filters).then(|| (distance(ww, filters.centre), s))
        })
        .collect();
    found.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.name.cmp(&b.1.name),
    });
    Ok(SearchOutcome { results: found.into_iter().map(|(d, s)| { let ww = where_when.get(&s.id).cloned(); (s, ww, d) }).collect(), values, errors: check.into_errors(), from, for_referral, for_person })
}

fn distance(ww: Option<&ServiceWhereWhen>, centre: Option<Coordinates>) -> Option<f64> {
    let centre = centre?;
    ww?.places.iter().map(|p| p.distance_km(centre)).min_by(|a, b| a.total_cmp(b))
}

fn matches(s: &Service, ww: Option<&ServiceWhereWhen>, f: &Filters) -> bool {
    let text = format!("{} {} {}", s.name, s.description, s.org_name).to_lowercase();
    f.need.is_none_or(|n| s.needs.contains(&n))
        && f.words.iter().all(|w| text.contains(w.as_str()))
        && f.delivery.is_none_or(|d| s.profile.delivery.offers(d))
        && (!f.free_only || s.profile.is_free == Some(true))
        && (!f.complex || s.profile.complex_needs)
        && f.day.is_none_or(|d| ww.is_some_and(|w| w.days.iter().any(|x| x == d)))
}

/// A service offered on the onward-referral form, with why it is there.
pub struct OnwardService {
    pub service: Service,
    pub distance_km: Option<f64>,
    /// The person's needs it meets.
    pub meets: Vec<NeedDomain>,
    pub taking_people_now: bool,
}

/// What the onward-referral form lists for a person, and the search as understood.
pub struct OnwardChoices {
    pub services: Vec<OnwardService>,
    pub errors: Vec<FieldError>,
    /// Whether distances are from the person's postcode (it is known to the postcode lookup).
    pub from_postcode: bool,
}

/// Services for an onward referral of `r`'s person, filtered by the form's search: `q` (words in
/// the name, description or organisation), `need` ("" any of the person's needs — every need
/// when they have none —, "any", or a need's code), `open` = "yes" (only services taking people
/// now). Active services only; those meeting one of the person's needs first, then nearest to
/// their postcode, then by name. `chosen` (a service picked in the directory or on the form) is
/// always listed, first, while it is active. The caller has checked access to the record.
pub async fn onward_choices(store: &dyn Store, r: &linkwork_store::ReferralRecord, q: &HashMap<String, String>, chosen: Option<&str>) -> Result<OnwardChoices, AppError> {
    let get = |k: &str| q.get(k).map(|v| v.trim()).unwrap_or("");
    let person_needs = crate::plan::current_needs(&r.needs);
    let mut check = Checker::default();
    let wanted: Vec<NeedDomain> = match get("need") {
        "" => person_needs.clone(),
        "any" => vec![],
        code => check.check(NeedDomain::parse(code).map_err(|_| DomainError::invalid("need", "Select a need from the list"))).into_iter().collect(),
    };
    let words: Vec<String> = get("q").to_lowercase().split_whitespace().map(str::to_owned).collect();
    let open_only = get("open") == "yes";
    let centre = centre_of(store, &r.person.postcode).await?;
    let today = crate::clock::today();
    let where_when: HashMap<String, ServiceWhereWhen> = store.services_where_when().await?.into_iter().map(|w| (w.service_id.clone(), w)).collect();
    let mut services: Vec<(bool, OnwardService)> = store
        .services()
        .await?
        .into_iter()
        .filter(|s| s.status == "active")
        .filter_map(|s| {
            let is_chosen = chosen == Some(s.id.as_str());
            let filters = Filters { words: words.clone(), ..Filters::default() };
            let taking_people_now = linkwork_domain::directory::taking_people_now(s.profile.waiting_list, s.profile.funding_ends_on, today);
            let wanted_need = wanted.is_empty() || s.needs.iter().any(|n| wanted.contains(n));
            let listed = is_chosen || (wanted_need && (!open_only || taking_people_now) && matches(&s, where_when.get(&s.id), &filters));
            listed.then(|| {
                let meets = s.needs.iter().copied().filter(|n| person_needs.contains(n)).collect();
                (is_chosen, OnwardService { distance_km: distance(where_when.get(&s.id), centre), meets, taking_people_now, service: s })
            })
        })
        .collect();
    services.sort_by(|(a_chosen, a), (b_chosen, b)| {
        b_chosen
            .cmp(a_chosen)
            .then(a.meets.is_empty().cmp(&b.meets.is_empty()))
            .then(match (a.distance_km, b.distance_km) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.service.name.cmp(&b.service.name))
    });
    Ok(OnwardChoices { services: services.into_iter().map(|(_, s)| s).collect(), errors: check.into_errors(), from_postcode: centre.is_some() })
}

/// The person a directory page is opened for (`?for=` a referral), when this user may refer
/// them on now: casework access to the referral (the one rule, `casework::casework_change`) and
/// the person on the caseload. Anyone else — a partner, another service, a closed referral —
/// gets `None`: the page is shown without the "Refer" button, never with someone else's name.
/// Reading the name is audited as a read of the record.
pub async fn referring_for(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId) -> Result<Option<(String, String)>, AppError> {
    if !actor.role.does_casework() || referral_id.is_empty() {
        return Ok(None);
    }
    let header = match crate::access::casework_change(store, actor, referral_id).await {
        Ok(header) => header,
        Err(AppError::NotFound | AppError::Forbidden | AppError::Conflict(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    if header.status.require_active().is_err() {
        return Ok(None);
    }
    let r = store.referral_record(who, referral_id).await?.ok_or(AppError::NotFound)?;
    Ok(Some((r.referral.id, format!("{} {}", r.person.given_name, r.person.family_name))))
}

/// A service this user may see the staff page of: link workers and managers any; VCSE partners
/// only their own organisation's (others are not found).
pub async fn visible_service(store: &dyn Store, actor: &Actor, id: &str) -> Result<Service, AppError> {
    let role = actor.role;
    if !role.does_casework() && role != Role::VcsePartner {
        return Err(AppError::Forbidden);
    }
    let s = store.service(id).await?.ok_or(AppError::NotFound)?;
    if role == Role::VcsePartner && s.org_id != actor.org_id {
        return Err(AppError::NotFound);
    }
    Ok(s)
}

/// A service this user may edit: managers any, VCSE partners their own organisation's.
pub async fn editable_service(store: &dyn Store, actor: &Actor, id: &str) -> Result<Service, AppError> {
    if !may_edit(actor.role) {
        return Err(AppError::Forbidden);
    }
    visible_service(store, actor, id).await
}

pub fn may_edit(role: Role) -> bool {
    matches!(role, Role::Manager | Role::VcsePartner)
}

/// The most characters a free-text field of the profile may hold.
const MAX_TEXT: usize = 1000;

/// Parses the edit form into a new profile, or every problem with it.
pub fn parse_profile(f: &Fields, old: &ServiceProfile, today: time::Date) -> Result<ServiceProfile, Vec<crate::forms::FieldError>> {
    let mut c = Checker::default();
    let delivery = c.check(Delivery::parse(f.get("delivery")));
    let mut count = |field: &'static str, label: &str| -> Option<i64> {
        let raw = f.get(field).trim();
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<i64>() {
            Ok(n) if (0..=100_000).contains(&n) => Some(n),
            _ => {
                c.error(field, format!("The {label} must be a whole number from 0 to 100000"));
                None
            }
        }
    };
    let capacity_places = count("capacity_places", "number of places");
    let waiting_list = count("waiting_list", "number of people waiting");
    let mut text = |field: &'static str, label: &str| -> Option<String> {
        let raw = f.get(field).trim();
        if raw.chars().count() > MAX_TEXT {
            c.error(field, format!("The {label} must be {MAX_TEXT} characters or fewer"));
        }
        (!raw.is_empty()).then(|| raw.to_owned())
    };
    let capacity_note = text("capacity_note", "note about capacity");
    let funding_source = text("funding_source", "funding source");
    let complex_needs_detail = text("complex_needs_detail", "description of the complex needs supported");
    let accessibility_description = text("accessibility_description", "accessibility description");
    let funding_ends_on = match f.get("funding_ends_on").trim() {
        "" => None,
        raw => c.check(linkwork_domain::person::parse_iso_date("funding_ends_on", "date funding ends", raw)),
    };
    let yes_no = |c: &mut Checker, field: &'static str, message: &str| -> Option<bool> {
        match f.get(field) {
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                c.error(field, message);
                None
            }
        }
    };
    let complex_needs = yes_no(&mut c, "complex_needs", "Select yes if the service can support people with complex needs");
    let published = yes_no(&mut c, "published", "Select yes if the service should appear in the public directory");
    let is_free = match f.get("is_free") {
        "yes" => Some(Some(true)),
        "no" => Some(Some(false)),
        "unknown" => Some(None),
        _ => {
            c.error("is_free", "Select whether the service is free");
            None
        }
    };
    if complex_needs == Some(true) && complex_needs_detail.is_none() {
        c.error("complex_needs_detail", "Describe the complex needs the service can support");
    }
    let verified = match f.get("verified") {
        "" => false,
        "yes" => true,
        _ => {
            c.error("verified", "Tick the box if you have checked these details");
            false
        }
    };
    match (c.is_ok(), delivery, complex_needs, published, is_free) {
        (true, Some(delivery), Some(complex_needs), Some(published), Some(is_free)) => Ok(ServiceProfile {
            delivery,
            capacity_places,
            waiting_list,
            capacity_note,
            funding_source,
            funding_ends_on,
            complex_needs,
            complex_needs_detail,
            accessibility_description,
            last_verified_on: if verified { Some(today) } else { old.last_verified_on },
            published,
            is_free,
        }),
        _ => Err(c.into_errors()),
    }
}


/// Checks and saves an edit of a service's staff-only details; returns the service as it was.
pub async fn update_profile(store: &dyn Store, actor: &Actor, id: &str, f: &Fields) -> Result<Service, AppError> {
    let s = editable_service(store, actor, id).await?;
    let profile = parse_profile(f, &s.profile, crate::clock::today()).map_err(AppError::Invalid)?;
    store.set_service_profile(&s.id, &profile).await?;
    tracing::info!(service_id = %s.id, "directory.service_profile.updated");
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        Fields::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn profile_form_is_checked_as_a_whole() {
        let old = ServiceProfile::default();
        let ok = form(&[("delivery", "online"), ("capacity_places", "12"), ("complex_needs", "no"), ("published", "yes"), ("is_free", "yes"), ("verified", "yes"), ("funding_ends_on", "2027-03-31")]);
        let p = parse_profile(&ok, &old, date!(2026 - 12 - 01)).unwrap();
        assert_eq!((p.delivery, p.capacity_places, p.is_free, p.last_verified_on), (Delivery::Online, Some(12), Some(true), Some(date!(2026 - 12 - 01))));
        let bad = form(&[("delivery", "pigeon"), ("capacity_places", "-1"), ("waiting_list", "lots"), ("complex_needs", "yes"), ("funding_ends_on", "2027-02-30")]);
        let errors = parse_profile(&bad, &old, date!(2026 - 12 - 01)).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in ["delivery", "capacity_places", "waiting_list", "funding_ends_on", "published", "is_free", "complex_needs_detail"] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }
}

/// A service for its staff page (as [`visible_service`]), with where and when it runs.
pub async fn service_page(store: &dyn Store, actor: &Actor, id: &str) -> Result<(Service, Option<ServiceWhereWhen>), AppError> {
    let s = visible_service(store, actor, id).await?;
    let ww = store.services_where_when().await?.into_iter().find(|w| w.service_id == s.id);
    Ok((s, ww))
}

/// A VCSE partner's own services (every status), with where and when each runs.
pub async fn own_services(store: &dyn Store, actor: &Actor) -> Result<Vec<(Service, Option<ServiceWhereWhen>)>, AppError> {
    if actor.role != Role::VcsePartner {
        return Err(AppError::Forbidden);
    }
    let mut where_when: HashMap<String, ServiceWhereWhen> = store.services_where_when().await?.into_iter().map(|w| (w.service_id.clone(), w)).collect();
    Ok(store.services().await?.into_iter().filter(|s| s.org_id == actor.org_id).map(|s| { let ww = where_when.remove(&s.id); (s, ww) }).collect())
}
