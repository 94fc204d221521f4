//! **Directory**: the community services link workers refer to and the link workers' own community
//! work. Owns the directory record (this module: [`ServiceStatus`], [`Delivery`], staleness and
//! funding warnings, distances, feed pages) and community activity ([`community`]). Invariant: the
//! Open Referral UK wire format is parsed in `interop`, never here; this context holds no feed code.
//!
//! # The directory record
//!
//! The community directory: what a link worker needs to know about a service beyond what Open
//! Referral UK publishes (how it is delivered, whether it is still verified, whether its funding
//! is about to end), distances between places, and the pages of the public directory feed.

pub mod community;


use crate::casework::need::NeedDomain;
use crate::text::coded_enum;
use time::{Date, Month};

coded_enum! {
    /// How a service reaches people.
    Delivery, field = "delivery", prompt = "Select how the service is delivered" {
        InPerson = "in_person", "In person";
        Online = "online", "Online or by phone";
        Both = "both", "In person and online";
    }
}

impl Delivery {
    /// Whether someone who can only take part in person (or only online) can use it.
    pub fn offers(self, wanted: Delivery) -> bool {
        self == Delivery::Both || wanted == Delivery::Both || self == wanted
    }
}

coded_enum! {
    /// A service's status, as Open Referral UK codes it (`service.status`).
    ServiceStatus, field = "status", prompt = "Select active, inactive, defunct or temporarily closed" {
        Active = "active", "Active";
        Inactive = "inactive", "Inactive";
        Defunct = "defunct", "Closed for good";
        TemporarilyClosed = "temporarily closed", "Temporarily closed";
    }
}

coded_enum! {
    /// What a location is (Open Referral UK `location.location_type`, also `address.address_type`).
    LocationType, field = "location_type", prompt = "Select physical, postal or virtual" {
        Physical = "physical", "A place people can go to";
        Postal = "postal", "A postal address";
        Virtual = "virtual", "Online";
    }
}

/// A directory entry not verified for this many months is stale.
pub const STALE_AFTER_MONTHS: u32 = 12;
/// Funding that ends within this many months puts a service at risk.
pub const FUNDING_WARNING_MONTHS: u32 = 6;

/// Whether an entry needs checking again: never verified, or last verified 12 months ago or more.
pub fn is_stale(last_verified_on: Option<Date>, today: Date) -> bool {
    match last_verified_on {
        None => true,
        Some(verified) => verified <= months_before(today, STALE_AFTER_MONTHS),
    }
}

/// Whether a service's funding ends between today and 6 months from today (inclusive). Funding
/// that has already ended is [`funding_ended`], not this.
pub fn funding_ends_soon(funding_ends_on: Option<Date>, today: Date) -> bool {
    funding_ends_on.is_some_and(|end| end >= today && end <= months_after(today, FUNDING_WARNING_MONTHS))
}

/// Whether a service's recorded funding end date has passed.
pub fn funding_ended(funding_ends_on: Option<Date>, today: Date) -> bool {
    funding_ends_on.is_some_and(|end| end < today)
}

/// Whether a service is taking people now, for an onward referral: its funding has not ended
/// and nobody is on its waiting list (unknown counts as none: most services never say).
pub fn taking_people_now(waiting_list: Option<i64>, funding_ends_on: Option<Date>, today: Date) -> bool {
    !funding_ended(funding_ends_on, today) && waiting_list.unwrap_or(0) == 0
}

/// The same day `months` months later, or the month's last day when it has fewer days.
pub fn months_after(date: Date, months: u32) -> Date {
    shift_months(date, months as i32)
}

/// The same day `months` months earlier, or the month's last day when it has fewer days.
pub fn months_before(date: Date, months: u32) -> Date {
    shift_months(date, -(months as i32))
}

fn shift_months(date: Date, months: i32) -> Date {
    let index = date.year() * 12 + (date.month() as i32 - 1) + months;
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::January);
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// A point on the earth (WGS84 degrees), as Open Referral UK's `location.latitude/longitude`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinates {
    pub latitude: f64,
    pub longitude: f64,
}

impl Coordinates {
    /// `None` unless both are finite and in range (latitude −90…90, longitude −180…180).
    pub fn new(latitude: f64, longitude: f64) -> Option<Self> {
        let ok = latitude.is_finite() && longitude.is_finite() && (-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude);
        ok.then_some(Self { latitude, longitude })
    }

    /// Great-circle distance in kilometres (haversine, mean earth radius).
    pub fn distance_km(self, other: Coordinates) -> f64 {
        haversine_km(self, other)
    }
}

/// The mean radius of the earth in kilometres (IUGG).
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance between two points in kilometres, by the haversine formula (good to
/// about 0.5% anywhere, which is far better than any postcode centroid).
pub fn haversine_km(a: Coordinates, b: Coordinates) -> f64 {
    let (lat1, lat2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.longitude - a.longitude).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The namespace of the identifiers Linkwork derives (UUIDv5), so the same inputs always give
/// the same id, in any installation.
const ID_NAMESPACE: uuid::Uuid = uuid::uuid!("23f760c1-f1c8-4037-ad25-418230cb051f");

/// A stable identifier derived from `parts` (a UUIDv5): for Open Referral UK records that must
/// have an id but were published without one, and for the links Linkwork adds itself.
pub fn derived_id(parts: &[&str]) -> String {
    uuid::Uuid::new_v5(&ID_NAMESPACE, parts.join("\u{1f}").as_bytes()).to_string()
}

/// The id of Linkwork's need-domain taxonomy, seeded by the directory migration: its terms are
/// the [`NeedDomain`]s, so the needs a service meets are published as taxonomy terms.
pub const NEED_TAXONOMY_ID: &str = "5af34af2-c4d3-58b9-99c3-805d3304c45d";
/// The need-domain taxonomy's name.
pub const NEED_TAXONOMY_NAME: &str = "Linkwork need domains";

/// The taxonomy term id of a need domain (the migration seeds exactly these).
pub fn need_term_id(need: NeedDomain) -> String {
    derived_id(&["need_domain", need.code()])
}

/// The need domain a taxonomy term from a feed stands for, when its code or name is a need
/// domain's code or label (ignoring case and surrounding spaces); otherwise `None`.
pub fn need_for_term(code: Option<&str>, name: &str) -> Option<NeedDomain> {
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b);
    NeedDomain::ALL.iter().copied().find(|n| code.is_some_and(|c| same(c, n.code())) || same(name, n.code()) || same(name, n.label()))
}

/// The most items one page of the feed may hold, and how many when the client does not say.
pub const MAX_PER_PAGE: u32 = 500;
pub const DEFAULT_PER_PAGE: u32 = 50;

/// Which page of a listing a client asked for (`page` from 1, `per_page` items).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { page: 1, per_page: DEFAULT_PER_PAGE }
    }
}

impl PageRequest {
    /// From the query parameters `page` and `per_page` (absent or empty: 1 and 50).
    pub fn parse(page: Option<&str>, per_page: Option<&str>) -> crate::Result<Self> {
        let number = |field: &'static str, raw: Option<&str>, default: u32, max: u32| -> crate::Result<u32> {
            match raw.map(str::trim).filter(|r| !r.is_empty()) {
                None => Ok(default),
                Some(r) => match r.parse::<u32>() {
                    Ok(n) if (1..=max).contains(&n) => Ok(n),
                    _ => Err(crate::DomainError::invalid(field, format!("{field} must be a whole number from 1 to {max}"))),
                },
            }
        };
        Ok(Self { page: number("page", page, 1, u32::MAX / MAX_PER_PAGE)?, per_page: number("per_page", per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE)? })
    }

    /// How many items come before this page.
    pub fn offset(self) -> u64 {
        (self.page as u64 - 1) * self.per_page as u64
    }
}

/// The paging fields of every Open Referral UK listing (`total_items`, `total_pages`,
/// `page_number`, `size`, `first_page`, `last_page`, `empty`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PageInfo {
    pub total_items: u64,
    pub total_pages: u64,
    pub page_number: u32,
    /// The number of items on this page.
    pub size: u64,
    pub first_page: bool,
    pub last_page: bool,
    /// Whether this page holds no items.
    pub empty: bool,
}

impl PageInfo {
    pub fn new(request: PageRequest, total_items: u64, size: u64) -> Self {
        let total_pages = total_items.div_ceil(request.per_page as u64);
        Self {
            total_items,
            total_pages,
            page_number: request.page,
            size,
            first_page: request.page == 1,
            last_page: request.page as u64 >= total_pages,
            empty: size == 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_service_takes_people_now_without_a_waiting_list_and_with_funding() {
        let today = date!(2026 - 12 - 01);
        assert!(taking_people_now(None, None, today));
        assert!(taking_people_now(Some(0), Some(today), today));
        assert!(!taking_people_now(Some(3), None, today), "people are waiting");
        assert!(!taking_people_now(None, Some(date!(2026 - 11 - 30)), today), "funding has ended");
    }

    #[test]
    fn stale_after_twelve_months_or_never_verified() {
        let today = date!(2026 - 12 - 01);
        assert!(is_stale(None, today));
        assert!(is_stale(Some(date!(2025 - 12 - 01)), today), "exactly 12 months");
        assert!(!is_stale(Some(date!(2025 - 12 - 02)), today));
        assert!(!is_stale(Some(today), today));
        assert!(is_stale(Some(date!(2020 - 01 - 01)), today));
        // 29 February: a year before 28 February 2025 is 28 February 2024.
        assert!(is_stale(Some(date!(2024 - 02 - 28)), date!(2025 - 02 - 28)));
        assert!(!is_stale(Some(date!(2024 - 02 - 29)), date!(2025 - 02 - 28)));
    }

    #[test]
    fn funding_ends_within_six_months() {
        let today = date!(2026 - 08 - 31);
        assert!(!funding_ends_soon(None, today));
        assert!(funding_ends_soon(Some(today), today));
        assert!(funding_ends_soon(Some(date!(2027 - 02 - 28)), today), "31 August + 6 months is 28 February");
        assert!(!funding_ends_soon(Some(date!(2027 - 03 - 01)), today));
        assert!(!funding_ends_soon(Some(date!(2026 - 08 - 30)), today), "already ended");
        assert!(funding_ended(Some(date!(2026 - 08 - 30)), today));
        assert!(!funding_ended(Some(today), today));
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        assert_eq!(months_after(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(months_after(date!(2026 - 11 - 15), 3), date!(2027 - 02 - 15));
        assert_eq!(months_before(date!(2026 - 03 - 31), 13), date!(2025 - 02 - 28));
        assert_eq!(months_before(date!(2024 - 02 - 29), 12), date!(2023 - 02 - 28));
    }

    #[test]
    fn haversine_matches_known_distances() {
        let leeds = Coordinates::new(53.7997, -1.5492).unwrap();
        let london = Coordinates::new(51.5074, -0.1278).unwrap();
        let d = leeds.distance_km(london);
        assert!((d - 272.0).abs() < 2.0, "Leeds to London is about 272 km, got {d}");
        assert!((haversine_km(leeds, london) - haversine_km(london, leeds)).abs() < 1e-9);
        assert_eq!(leeds.distance_km(leeds), 0.0);
        // One degree of latitude is about 111.2 km.
        let a = Coordinates::new(53.0, -1.5).unwrap();
        let b = Coordinates::new(54.0, -1.5).unwrap();
        assert!((a.distance_km(b) - 111.195).abs() < 0.01);
        // Antipodes: half the circumference.
        let north = Coordinates::new(90.0, 0.0).unwrap();
        let south = Coordinates::new(-90.0, 0.0).unwrap();
        assert!((north.distance_km(south) - std::f64::consts::PI * EARTH_RADIUS_KM).abs() < 1e-6);
    }

    #[test]
    fn coordinates_must_be_on_earth() {
        assert!(Coordinates::new(100.0, 101.0).is_none());
        assert!(Coordinates::new(53.8, -181.0).is_none());
        assert!(Coordinates::new(f64::NAN, 0.0).is_none());
        assert!(Coordinates::new(-90.0, 180.0).is_some());
    }

    #[test]
    fn delivery_codes_and_fit() {
        assert_eq!(Delivery::parse("online").unwrap(), Delivery::Online);
        assert!(Delivery::parse("carrier pigeon").is_err());
        assert!(Delivery::Both.offers(Delivery::Online));
        assert!(Delivery::InPerson.offers(Delivery::InPerson));
        assert!(!Delivery::InPerson.offers(Delivery::Online));
        assert_eq!(ServiceStatus::parse("Temporarily Closed").unwrap(), ServiceStatus::TemporarilyClosed);
    }

    #[test]
    fn derived_ids_are_stable_uuids() {
        assert_eq!(derived_id(&["taxonomy", "need_domain"]), NEED_TAXONOMY_ID);
        // Fixed by the directory migration, which seeds these ids.
        assert_eq!(need_term_id(NeedDomain::Loneliness), "c258a6f3-7126-5f8a-8ea2-891a9ae84712");
        assert_eq!(need_term_id(NeedDomain::Safeguarding), "d49a8ecb-79d6-55b5-a07a-73024687ce5a");
        assert_ne!(derived_id(&["a", "bc"]), derived_id(&["ab", "c"]));
    }

    #[test]
    fn terms_map_to_need_domains_by_code_or_name() {
        assert_eq!(need_for_term(Some("money"), "Debt"), Some(NeedDomain::MoneyDebtBenefits));
        assert_eq!(need_for_term(None, " Loneliness "), Some(NeedDomain::Loneliness));
        assert_eq!(need_for_term(None, "Carer support"), Some(NeedDomain::CarerSupport));
        assert_eq!(need_for_term(None, "Counselling"), None);
    }

    #[test]
    fn pages() {
        assert_eq!(PageRequest::parse(None, None).unwrap(), PageRequest { page: 1, per_page: 50 });
        assert_eq!(PageRequest::parse(Some("3"), Some("10")).unwrap().offset(), 20);
        assert!(PageRequest::parse(Some("0"), None).is_err());
        assert!(PageRequest::parse(None, Some("501")).is_err());
        assert!(PageRequest::parse(Some("x"), None).is_err());
        let info = PageInfo::new(PageRequest { page: 2, per_page: 10 }, 25, 10);
        assert_eq!((info.total_pages, info.first_page, info.last_page, info.empty), (3, false, false, false));
        let last = PageInfo::new(PageRequest { page: 3, per_page: 10 }, 25, 5);
        assert!(last.last_page && !last.empty);
        let none = PageInfo::new(PageRequest::default(), 0, 0);
        assert_eq!((none.total_pages, none.first_page, none.last_page, none.empty), (0, true, true, true));
        let beyond = PageInfo::new(PageRequest { page: 9, per_page: 10 }, 25, 0);
        assert!(beyond.last_page && beyond.empty);
    }
}
