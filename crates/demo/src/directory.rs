//! The demo directory beyond names and needs: where each organisation is (fictional `RV`
//! postcodes, with plausible coordinates around 53.80, −1.55), when its services run, who they are
//! for, and what link workers know about them — places and waiting lists, funding (a few ending
//! within six months, one already ended), complex needs, accessibility, and when each entry was
//! last checked (a few not for over a year). Written through the store as an Open Referral UK
//! record of the Linkwork service (so `/oruk` serves it) and the service's profile.

use crate::catalogue::{ServiceDef, VcseDef};
use anyhow::Result;
use linkwork_domain::directory::{months_after, months_before, Coordinates, Delivery, LocationType, ServiceStatus};
use linkwork_domain::interop::import::oruk::{Address, Location, Organization, Phone, Schedule, ServiceAtLocation, ServiceRecord};
use linkwork_store::{new_id, ServiceProfile, Store};
use time::Date;

/// Where an organisation is, and what it says about itself.
struct Place {
    latitude: f64,
    longitude: f64,
    description: &'static str,
}

fn place(slug: &str) -> Place {
    let (latitude, longitude, description) = match slug {
        "age-together" => (53.7985, -1.5470, "A local charity for older people: company, practical help and activities."),
        "money-advice" => (53.8021, -1.5402, "Free, independent advice on money, debt and benefits."),
        "food-bank" => (53.7904, -1.5532, "A church-run food bank and community pantry."),
        "mens-shed" => (53.8102, -1.5611, "A community workshop where people make, mend and chat."),
        "open-doors-arts" => (53.8065, -1.5293, "Arts for wellbeing: groups, workshops and a community choir."),
        "bereavement" => (53.7843, -1.5712, "Support for anyone who has lost someone, from trained volunteers."),
        "get-online" => (53.8003, -1.5388, "Helping people get online with confidence."),
        "carers-centre" => (53.7958, -1.5661, "Information, advice and breaks for unpaid carers."),
        "green-corners" => (53.8150, -1.5402, "A community garden and allotment project."),
        "housing-advice" => (53.7931, -1.5497, "Housing advice and tenancy support."),
        "volunteer-centre" => (53.7962, -1.5431, "Finding volunteering that fits, for people and for organisations."),
        "active-riverside" => (53.8091, -1.5251, "Free and low-cost activity for people who are not very active."),
        "wellbeing-hub" => (53.7972, -1.5628, "Courses and peer support for mental wellbeing, led by people with lived experience."),
        "welcome-riverside" => (53.8127, -1.5583, "A welcome for refugees and people new to the area."),
        "community-transport" => (53.7876, -1.5589, "Accessible transport for people who cannot use buses."),
        "family-centre" => (53.8133, -1.5447, "Groups and support for families with young children."),
        "recovery-cafe" => (53.8012, -1.5365, "A café and mutual aid space for people in recovery."),
        _ => (53.8000, -1.5500, "A community organisation in Riverside."),
    };
    Place { latitude, longitude, description }
}

/// What a link worker knows about one service, and when it runs.
struct Extra {
    delivery: Delivery,
    places: Option<i64>,
    waiting: Option<i64>,
    capacity_note: Option<&'static str>,
    funder: &'static str,
    /// Months from today until the funding ends (negative: it has ended); `None`: core funded.
    funding_months: Option<i32>,
    complex_needs: Option<&'static str>,
    access: &'static str,
    verified_months_ago: u32,
    /// `byday`, opens, closes, description.
    schedule: (&'static str, &'static str, &'static str, &'static str),
    ages: (Option<i64>, Option<i64>),
    fees: &'static str,
    free: bool,
}

const STEP_FREE: &str = "Step-free access, accessible toilet, hearing loop.";
const GROUND: &str = "Ground floor; one small step at the entrance (ramp available).";

fn base() -> Extra {
    Extra {
        delivery: Delivery::InPerson,
        places: None,
        waiting: None,
        capacity_note: None,
        funder: "Riverside Council community grant",
        funding_months: None,
        complex_needs: None,
        access: STEP_FREE,
        verified_months_ago: 3,
        schedule: ("MO,WE,FR", "10:00:00", "16:00:00", "Weekdays, drop in or book ahead."),
        ages: (Some(18), None),
        fees: "Free",
        free: true,
    }
}

fn extra(service: &str) -> Extra {
    let b = base();
    match service {
        "Telephone befriending" => Extra { delivery: Delivery::Online, places: Some(40), waiting: Some(11), capacity_note: Some("Volunteers full; new callers wait about six weeks."), funder: "National Lottery Community Fund", funding_months: Some(3), ages: (Some(60), None), schedule: ("MO,TU,WE,TH,FR", "09:00:00", "17:00:00", "A weekly call at a time that suits."), ..b },
        "Friday lunch club" => Extra { places: Some(30), waiting: Some(0), schedule: ("FR", "12:00:00", "14:00:00", "Every Friday."), fees: "£4 for a two-course lunch", free: false, ages: (Some(55), None), ..b },
        "Steady Steps" => Extra { places: Some(12), waiting: Some(4), funder: "NHS Riverside ICB falls prevention", funding_months: Some(14), schedule: ("TU", "10:30:00", "11:30:00", "12-week course, new courses each term."), ages: (Some(65), None), ..b },
        "Debt advice drop-in" => Extra { places: Some(20), waiting: Some(14), capacity_note: Some("Drop-in is often full by 11am; phone appointments have a 3-week wait."), funder: "Money and Pensions Service", funding_months: Some(20), schedule: ("TU,TH", "09:30:00", "13:00:00", "Tuesdays and Thursdays, no appointment needed."), ..b },
        "Benefits check and form filling" => Extra { delivery: Delivery::Both, places: Some(25), waiting: Some(6), funder: "Money and Pensions Service", funding_months: Some(20), schedule: ("MO,WE", "10:00:00", "15:00:00", "By appointment, at the office or by phone."), ..b },
        "Emergency food parcels" => Extra { complex_needs: Some("Will deliver to people who cannot leave home; works with the housing team for people sleeping rough."), funder: "Church donations and Trussell", schedule: ("MO,WE,FR", "11:00:00", "14:00:00", "With a referral voucher."), ages: (None, None), ..b },
        "Community pantry" => Extra { places: Some(120), waiting: Some(0), verified_months_ago: 15, schedule: ("TH,SA", "10:00:00", "13:00:00", "Members shop once a week."), fees: "£3.50 a week membership", free: false, ages: (None, None), ..b },
        "Men's Shed workshop" => Extra { places: Some(15), waiting: Some(3), complex_needs: Some("Welcomes men with learning disabilities or early dementia with a carer."), access: GROUND, schedule: ("MO,WE,SA", "09:30:00", "12:30:00", "Monday, Wednesday and Saturday mornings."), ..b },
        "Creative wellbeing art group" => Extra { places: Some(12), waiting: Some(5), funder: "Arts Council England", funding_months: Some(5), schedule: ("WE", "13:30:00", "15:30:00", "Weekly, in term time."), ..b },
        "Riverside community choir" => Extra { places: Some(60), schedule: ("TH", "19:00:00", "20:30:00", "Thursday evenings."), fees: "£2 a session, first session free", free: false, ages: (Some(16), None), ..b },
        "One-to-one bereavement support" => Extra { delivery: Delivery::Both, places: Some(18), waiting: Some(9), capacity_note: Some("Waiting about 8 weeks for a volunteer; urgent cases are seen sooner."), complex_needs: Some("Can support people bereaved by suicide; not a crisis service."), schedule: ("MO,TU,WE,TH,FR", "09:00:00", "17:00:00", "Sessions arranged with the volunteer."), ..b },
        "Bereavement café" => Extra { places: Some(25), schedule: ("WE", "14:00:00", "16:00:00", "First and third Wednesday of the month."), ..b },
        "Digital skills drop-in" => Extra { places: Some(10), waiting: Some(2), schedule: ("TU,SA", "10:00:00", "12:00:00", "Tuesday and Saturday mornings at the library."), ages: (Some(16), None), ..b },
        "Tablet lending scheme" => Extra { delivery: Delivery::Online, places: Some(20), waiting: Some(7), funder: "Riverside Digital Inclusion Fund", funding_months: Some(2), capacity_note: Some("Only 3 tablets left until the scheme ends."), schedule: ("MO,TU,WE,TH,FR", "10:00:00", "16:00:00", "Weekly video call with a digital buddy."), ..b },
        "Carers' information and advice" => Extra { delivery: Delivery::Both, complex_needs: Some("Supports carers of people with dementia, mental illness or addiction."), funder: "Riverside Council carers' contract", funding_months: Some(30), schedule: ("MO,TU,WE,TH,FR", "09:00:00", "17:00:00", "Phone line and appointments."), ..b },
        "Carers' wellbeing group" => Extra { places: Some(20), waiting: Some(0), schedule: ("TU", "13:00:00", "15:00:00", "Every other Tuesday."), ..b },
        "Therapeutic gardening" => Extra { places: Some(10), waiting: Some(6), capacity_note: Some("Full until the spring intake."), access: "Raised beds and wide paths; accessible compost toilet.", schedule: ("TU,TH", "10:00:00", "13:00:00", "Twice a week, all year."), funder: "National Lottery Community Fund", funding_months: Some(9), ..b },
        "Allotment volunteers" => Extra { verified_months_ago: 13, access: "Uneven ground in places.", schedule: ("SA", "09:00:00", "12:00:00", "Saturday mornings."), ages: (Some(16), None), ..b },
        "Housing advice clinic" => Extra { places: Some(16), waiting: Some(3), complex_needs: Some("Works with people with multiple disadvantage, including people leaving prison."), funder: "Riverside Council homelessness prevention", funding_months: Some(11), schedule: ("MO,TH", "10:00:00", "16:00:00", "Mondays and Thursdays."), ..b },
        "Tenancy sustainment" => Extra { places: Some(12), waiting: Some(7), capacity_note: Some("Caseloads full; only urgent eviction cases taken."), complex_needs: Some("Supports people with mental health needs or substance use to keep a tenancy."), funder: "Riverside Council (pilot)", funding_months: Some(5), schedule: ("MO,TU,WE,TH,FR", "09:00:00", "17:00:00", "Home visits by arrangement."), ..b },
        "Volunteering hub" => Extra { schedule: ("WE", "10:00:00", "14:00:00", "Wednesdays, or by appointment."), ages: (Some(16), None), ..b },
        "Work Ready confidence course" => Extra { places: Some(12), waiting: Some(4), funder: "UK Shared Prosperity Fund", funding_months: Some(-1), capacity_note: Some("Funding ended; the last course is running now."), schedule: ("TU", "10:00:00", "13:00:00", "Six-week course."), ..b },
        "Health walks" => Extra { places: None, access: "Routes are flat and graded; some paths are gravel.", schedule: ("MO,WE,SA", "10:00:00", "11:30:00", "From the park gates and the canal basin."), ages: (None, None), ..b },
        "Walking football" => Extra { places: Some(20), verified_months_ago: 18, schedule: ("TU", "18:30:00", "19:30:00", "Tuesday evenings."), fees: "£3 a session", free: false, ages: (Some(50), None), ..b },
        "Chair-based exercise" => Extra { places: Some(15), waiting: Some(2), complex_needs: Some("Suitable after stroke or with Parkinson's; instructor is trained in falls prevention."), schedule: ("TH", "11:00:00", "12:00:00", "Thursdays."), fees: "£2 a session", free: false, ..b },
        "Managing stress and anxiety course" => Extra { delivery: Delivery::Both, places: Some(16), waiting: Some(22), capacity_note: Some("Next in-person course full; online course starts next month."), funder: "NHS Riverside ICB mental health grant", funding_months: Some(7), schedule: ("TH", "18:00:00", "20:00:00", "Four-week course, in person or online."), ..b },
        "Peer support group" => Extra { places: Some(15), complex_needs: Some("Welcomes people with long-term mental illness; not for people in crisis."), schedule: ("MO", "14:00:00", "16:00:00", "Mondays."), ..b },
        "English conversation café" => Extra { verified_months_ago: 14, schedule: ("FR", "10:00:00", "12:00:00", "Friday mornings."), ages: (Some(16), None), ..b },
        "New arrivals advice" => Extra { complex_needs: Some("Interpreters available for Arabic, Farsi, Tigrinya and Ukrainian."), schedule: ("TU,TH", "10:00:00", "15:00:00", "By appointment."), ..b },
        "Door-to-door dial-a-ride" => Extra { places: Some(30), waiting: Some(5), access: "Wheelchair-accessible minibuses with tail lifts.", funder: "Riverside Council transport grant", funding_months: Some(16), schedule: ("MO,TU,WE,TH,FR", "09:00:00", "16:00:00", "Book a day ahead."), fees: "£3 a return journey", free: false, ..b },
        "Accompanied shopping trips" => Extra { places: Some(12), verified_months_ago: 16, schedule: ("WE", "10:00:00", "13:00:00", "Wednesday mornings."), fees: "£3 a trip", free: false, ..b },
        "Parent and baby group" => Extra { places: Some(20), ages: (None, None), schedule: ("TU,TH", "09:30:00", "11:30:00", "For parents and babies under one."), ..b },
        "Recovery café and mutual aid" => Extra { places: Some(25), complex_needs: Some("For people in recovery from drugs or alcohol; not for people currently intoxicated."), funder: "Office for Health Improvement and Disparities grant", funding_months: Some(4), schedule: ("TU,FR", "17:00:00", "20:00:00", "Tuesday and Friday evenings."), ..b },
        _ => b,
    }
}

/// The address's first line(s) and town: `14 Chapel Street, Riverside` → (`14 Chapel Street`, `Riverside`).
fn split_address(address: &str) -> (&str, &str) {
    address.rsplit_once(", ").unwrap_or((address, "Riverside"))
}

/// The organisation's place, shared by its services (ids made once per organisation).
pub struct OrgPlace {
    location_id: String,
    address_id: String,
}

impl OrgPlace {
    pub fn new() -> Self {
        Self { location_id: new_id(), address_id: new_id() }
    }
}

impl Default for OrgPlace {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes the service's directory details: its Open Referral UK record (organisation, places,
/// schedule, phone) and what link workers know about it.
pub async fn describe(store: &dyn Store, today: Date, vcse: &VcseDef, org_id: &str, place_ids: &OrgPlace, service: &ServiceDef, service_id: &str) -> Result<()> {
    let place = place(vcse.slug);
    let x = extra(service.name);
    let (address_1, city) = split_address(vcse.address);
    let physical = ServiceAtLocation {
        id: new_id(),
        location: Location {
            id: place_ids.location_id.clone(),
            location_type: LocationType::Physical,
            name: Some(vcse.name.to_owned()),
            description: None,
            coordinates: Coordinates::new(place.latitude, place.longitude),
            external_identifier: None,
            external_identifier_type: None,
            address: Some(Address {
                id: place_ids.address_id.clone(),
                address_1: address_1.to_owned(),
                city: city.to_owned(),
                region: None,
                state_province: Some("Riverside".into()),
                postal_code: vcse.postcode.to_owned(),
                country: "GB".into(),
                address_type: LocationType::Physical,
            }),
        },
    };
    let online = || ServiceAtLocation {
        id: new_id(),
        location: Location {
            id: new_id(),
            location_type: LocationType::Virtual,
            name: Some(format!("{} (by phone or online)", service.name)),
            description: None,
            coordinates: None,
            external_identifier: None,
            external_identifier_type: None,
            address: None,
        },
    };
    let locations = match x.delivery {
        Delivery::InPerson => vec![physical],
        Delivery::Online => vec![online()],
        Delivery::Both => vec![physical, online()],
    };
    let (byday, opens, closes, when) = x.schedule;
    let mut record = ServiceRecord {
        id: service_id.to_owned(),
        name: service.name.to_owned(),
        description: Some(service.description.to_owned()),
        url: Some(format!("https://{}.example.org/", vcse.slug)),
        email: Some(vcse.email()),
        status: ServiceStatus::Active,
        fees: Some(x.fees.to_owned()),
        accreditations: None,
        eligibility_description: Some(match x.ages {
            (Some(min), None) => format!("People aged {min} and over in Riverside."),
            (Some(min), Some(max)) => format!("People aged {min} to {max} in Riverside."),
            _ => "Anyone in Riverside.".to_owned(),
        }),
        minimum_age: x.ages.0,
        maximum_age: x.ages.1,
        assured_date: None,
        assurer_email: None,
        alert: None,
        last_modified: None,
        organization_id: org_id.to_owned(),
        organization: Some(Organization { id: org_id.to_owned(), name: vcse.name.to_owned(), description: Some(place.description.to_owned()), email: Some(vcse.email()), website: Some(format!("https://{}.example.org/", vcse.slug)), logo: None, uri: None }),
        service_at_locations: Some(locations),
        schedules: Some(vec![Schedule {
            id: new_id(),
            freq: Some("WEEKLY".into()),
            interval: Some(1),
            byday: Some(byday.into()),
            opens_at: Some(opens.into()),
            closes_at: Some(closes.into()),
            description: Some(when.into()),
            ..Schedule::default()
        }]),
        phones: Some(vec![Phone { id: new_id(), number: vcse.phone.to_owned(), description: None }]),
        // The needs it meets were recorded when the service was created.
        attributes: None,
    };
    record.sort_lists();
    store.upsert_oruk_service(&record, &[]).await?;
    let profile = ServiceProfile {
        delivery: x.delivery,
        capacity_places: x.places,
        waiting_list: x.waiting,
        capacity_note: x.capacity_note.map(str::to_owned),
        funding_source: Some(x.funder.to_owned()),
        funding_ends_on: x.funding_months.map(|m| if m >= 0 { months_after(today, m as u32) } else { months_before(today, m.unsigned_abs()) }),
        complex_needs: x.complex_needs.is_some(),
        complex_needs_detail: x.complex_needs.map(str::to_owned),
        accessibility_description: Some(x.access.to_owned()),
        last_verified_on: Some(months_before(today, x.verified_months_ago)),
        published: true,
        is_free: Some(x.free),
    };
    store.set_service_profile(service_id, &profile).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::VCSES;
    use linkwork_domain::directory::{funding_ends_soon, is_stale};
    use time::macros::date;

    #[test]
    fn every_service_and_place_is_described() {
        let today = date!(2026 - 06 - 30);
        let (mut soon, mut waiting, mut stale, mut online) = (0, 0, 0, 0);
        for v in VCSES {
            assert_ne!(place(v.slug).description, "A community organisation in Riverside.", "{} has no place", v.slug);
            for s in v.services {
                let x = extra(s.name);
                assert_ne!(x.schedule.3, base().schedule.3, "{} is not described", s.name);
                soon += usize::from(funding_ends_soon(x.funding_months.filter(|m| *m >= 0).map(|m| months_after(today, m as u32)), today));
                waiting += usize::from(x.waiting.unwrap_or(0) > 0);
                stale += usize::from(is_stale(Some(months_before(today, x.verified_months_ago)), today));
                online += usize::from(x.delivery != Delivery::InPerson);
            }
        }
        assert!(soon >= 3 && waiting >= 5 && stale >= 3 && online >= 3, "soon {soon}, waiting {waiting}, stale {stale}, online {online}");
    }

    #[test]
    fn addresses_split_into_line_and_town() {
        assert_eq!(split_address("Age Together House, 14 Chapel Street, Riverside"), ("Age Together House, 14 Chapel Street", "Riverside"));
    }
}
