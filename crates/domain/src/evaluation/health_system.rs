//! Health-system use before and after referral: the contacts a GP system or hospital extract
//! records (imported with `linkwork import activity`; the file format is in interop's activity import),
//! the tariff that costs them, and the evaluation of change per person-year.
//!
//! Pure: facts in, suppressed figures out.

use crate::text::coded_enum;
use time::Date;

coded_enum! {
    /// A kind of health-system contact. Codes are stable (stored, in the CSV file, in figure ids).
    ContactType, field = "contact_type", prompt = "Choose a contact type: gp_surgery, gp_phone, gp_home_visit, practice_nurse, other_practice_contact, ae_not_admitted, ae_admitted or non_elective_admission" {
        GpSurgery = "gp_surgery", "GP surgery consultation";
        GpPhone = "gp_phone", "GP telephone consultation";
        GpHomeVisit = "gp_home_visit", "GP home visit";
        PracticeNurse = "practice_nurse", "Practice nurse consultation";
        OtherPracticeContact = "other_practice_contact", "Other practice contact";
        AeNotAdmitted = "ae_not_admitted", "A&E attendance, not admitted";
        AeAdmitted = "ae_admitted", "A&E attendance, admitted";
        NonElectiveAdmission = "non_elective_admission", "Non-elective (emergency) admission";
    }
}

impl ContactType {
    /// Whether a contact of this type may carry bed days (a stay in hospital).
    pub fn has_bed_days(self) -> bool {
        self == ContactType::NonElectiveAdmission
    }

    /// GP appointments, as the Ardens frequent-attender search counts them (surgery, telephone
    /// and home-visit consultations with a GP).
    pub fn is_gp_appointment(self) -> bool {
        matches!(
            self,
            ContactType::GpSurgery | ContactType::GpPhone | ContactType::GpHomeVisit
        )
    }
}

// ---- tariff ----

/// What a tariff prices: a contact of one type, or one day in a hospital bed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CostItem {
    Contact(ContactType),
    BedDay,
}

impl CostItem {
    /// Every item, in report order.
    pub fn all() -> Vec<CostItem> {
        ContactType::ALL
            .iter()
            .copied()
            .map(CostItem::Contact)
            .chain([CostItem::BedDay])
            .collect()
    }

    /// The stable code (a contact type's code, or `bed_day`).
    pub fn code(self) -> &'static str {
        match self {
            CostItem::Contact(t) => t.code(),
            CostItem::BedDay => "bed_day",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CostItem::Contact(t) => t.label(),
            CostItem::BedDay => "Bed day (non-elective stay)",
        }
    }

    pub fn parse(raw: &str) -> crate::Result<Self> {
        if raw.trim().eq_ignore_ascii_case("bed_day") {
            Ok(CostItem::BedDay)
        } else {
            ContactType::parse(raw).map(CostItem::Contact)
        }
    }
}

impl serde::Serialize for CostItem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// One priced item: a unit cost (whole pence, never negative by its type) with where the figure
/// comes from, so every report can print its sources.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TariffEntry {
    item: CostItem,
    unit_cost_pence: u64,
    source: String,
    year: String,
}

impl TariffEntry {
    /// A priced item. The source is required (a cost nobody can trace is not evidence); the year
    /// says which price base it is (e.g. `2013/14`).
    pub fn new(
        item: CostItem,
        unit_cost_pence: u64,
        source: &str,
        year: &str,
    ) -> crate::Result<Self> {
        let source =
            crate::RequiredText::<200>::parse("source", "where the unit cost comes from", source)?
                .into_string();
        let year =
            crate::RequiredText::<20>::parse("year", "the year of the price", year)?.into_string();
        Ok(Self {
            item,
            unit_cost_pence,
            source,
            year,
        })
    }

    /// Parses a unit cost as people type it: pounds, optionally with `£`, commas and up to two
    /// decimal places (`45`, `£1,234.50`). Negative or malformed amounts are refused.
    pub fn parse_pounds(field: &'static str, raw: &str) -> crate::Result<u64> {
        let invalid = || {
            crate::DomainError::invalid(
                field,
                "Enter the unit cost in pounds, 0 or more, like 45 or 27.50",
            )
        };
        let clean: String = raw
            .trim()
            .trim_start_matches('£')
            .chars()
            .filter(|c| *c != ',')
            .collect();
        let (whole, frac) = clean.split_once('.').unwrap_or((&clean, ""));
        if whole.is_empty()
            || whole.len() > 9
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        let pounds: u64 = whole.parse().map_err(|_| invalid())?;
        let pence: u64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<2}").parse().map_err(|_| invalid())?
        };
        Ok(pounds * 100 + pence)
    }

    pub fn item(&self) -> CostItem {
        self.item
    }
    pub fn unit_cost_pence(&self) -> u64 {
        self.unit_cost_pence
    }
    /// The unit cost in pounds.
    pub fn unit_cost(&self) -> f64 {
        self.unit_cost_pence as f64 / 100.0
    }
    pub fn source(&self) -> &str {
        &self.source
    }
    pub fn year(&self) -> &str {
        &self.year
    }
}

/// Unit costs by item. An item without an entry is *uncosted*: its contacts are counted but add
/// nothing to costs, and the report says so (Linkwork invents no figure). With a price index, each
/// report brings every cost to one year's prices ([`Tariff::at_prices_of`]).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Tariff {
    entries: Vec<TariffEntry>,
    price_index: Option<PriceIndex>,
}

const PSSRU_2013: &str = "PSSRU Unit Costs of Health and Social Care 2013";
const NHS_REF_COSTS_2013_14: &str = "NHS reference costs 2013/14";

impl Tariff {
    /// A tariff from entries; a later entry for the same item replaces an earlier one.
    pub fn new(entries: Vec<TariffEntry>) -> Self {
        let mut tariff = Tariff::default();
        for e in entries {
            tariff.set(e);
        }
        tariff
    }

    /// The verified older figures (see `shared/product/evaluation.md`): PSSRU 2013 for GP and
    /// practice nurse contacts, NHS reference costs 2013/14 for A&E. Other practice contacts,
    /// non-elective admissions and bed days have no verified figure and are left uncosted.
    pub fn default_figures() -> Self {
        let e = |t: ContactType, pounds: u64, source: &str, year: &str| TariffEntry {
            item: CostItem::Contact(t),
            unit_cost_pence: pounds * 100,
            source: source.to_owned(),
            year: year.to_owned(),
        };
        Tariff::new(vec![
            e(ContactType::GpSurgery, 45, PSSRU_2013, "2013"),
            e(ContactType::GpPhone, 27, PSSRU_2013, "2013"),
            e(ContactType::GpHomeVisit, 114, PSSRU_2013, "2013"),
            e(ContactType::PracticeNurse, 13, PSSRU_2013, "2013"),
            e(
                ContactType::AeNotAdmitted,
                114,
                NHS_REF_COSTS_2013_14,
                "2013/14",
            ),
            e(
                ContactType::AeAdmitted,
                138,
                NHS_REF_COSTS_2013_14,
                "2013/14",
            ),
        ])
    }

    pub fn set(&mut self, entry: TariffEntry) {
        self.entries.retain(|e| e.item != entry.item);
        self.entries.push(entry);
        self.entries.sort_by_key(|e| e.item);
    }

    pub fn entry(&self, item: CostItem) -> Option<&TariffEntry> {
        self.entries.iter().find(|e| e.item == item)
    }

    /// The priced items, in report order.
    /// The largest amount, in pounds, every unit cost is a whole multiple of (£1 for the
    /// default figures): every person's cost is a whole number of it.
    pub fn common_unit(&self) -> f64 {
        fn gcd(a: u64, b: u64) -> u64 {
            if b == 0 { a } else { gcd(b, a % b) }
        }
        let pence = self.entries.iter().map(|e| e.unit_cost_pence).fold(0, gcd);
        if pence == 0 { 1.0 } else { pence as f64 / 100.0 }
    }

    pub fn entries(&self) -> &[TariffEntry] {
        &self.entries
    }

    pub fn with_price_index(mut self, index: Option<PriceIndex>) -> Self {
        self.price_index = index;
        self
    }

    pub fn price_index(&self) -> Option<&PriceIndex> {
        self.price_index.as_ref()
    }

    /// Entries whose year is not a financial year like 2013/14: a price index could not bring
    /// them to a report's prices, so a tariff with an index should have none.
    pub fn entries_without_a_financial_year(&self) -> impl Iterator<Item = &TariffEntry> {
        self.entries.iter().filter(|e| FinancialYear::parse(&e.year).is_none())
    }

    /// The unit costs a report for a period ending in `report_year` uses: each entry multiplied by
    /// the index's ratio from its own year to the price year (the report's year, or the latest
    /// year the index reaches before it). Uplifted costs are rounded to whole pounds when every
    /// entered cost is in whole pounds (as published unit costs are), else to pence, so a
    /// person's cost stays a whole number of the costing tariff's common unit. An entry whose
    /// year is not a financial year, or not in the index, keeps its own price and is listed.
    pub fn at_prices_of(&self, report_year: FinancialYear) -> Prices {
        let year = self.price_index.as_ref().and_then(|i| i.price_year_for(report_year));
        let whole_pounds = self.entries.iter().all(|e| e.unit_cost_pence % 100 == 0);
        let round_to = if whole_pounds { 100.0 } else { 1.0 };
        let items = self
            .entries
            .iter()
            .map(|e| {
                let uplift = match (self.price_index.as_ref(), year) {
                    (Some(index), Some(to)) => match FinancialYear::parse(&e.year) {
                        None => Err(NotUplifted::NotAFinancialYear),
                        Some(from) => index.factor(from, to).ok_or(NotUplifted::NotInTheIndex(from)),
                    },
                    _ => Err(NotUplifted::NoIndexYear),
                };
                let unit_cost_pence = match uplift {
                    Ok(factor) => ((e.unit_cost_pence as f64 * factor / round_to).round() * round_to) as u64,
                    Err(_) => e.unit_cost_pence,
                };
                PricedItem { item: e.item, unit_cost_pence, uplift }
            })
            .collect();
        Prices {
            year,
            index_source: self.price_index.as_ref().map(|i| i.source().to_owned()),
            items,
        }
    }

    /// Items with no unit cost.
    pub fn uncosted(&self) -> Vec<CostItem> {
        CostItem::all()
            .into_iter()
            .filter(|i| self.entry(*i).is_none())
            .collect()
    }
}

/// The unit costs one report uses (see [`Tariff::at_prices_of`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Prices {
    /// The year uplifted costs are at; None when the service entered no index, or its index has
    /// no year at or before the report's.
    #[serde(serialize_with = "year_as_text")]
    pub year: Option<FinancialYear>,
    pub index_source: Option<String>,
    /// One per tariff entry, in the tariff's order.
    pub items: Vec<PricedItem>,
}

fn year_as_text<S: serde::Serializer>(year: &Option<FinancialYear>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&year.map(|y| y.to_string()).unwrap_or_default())
}

/// A tariff entry at the report's prices.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PricedItem {
    pub item: CostItem,
    pub unit_cost_pence: u64,
    /// The factor from the entry's year to the price year, or why it was not uplifted.
    #[serde(skip)]
    pub uplift: Result<f64, NotUplifted>,
}

impl PricedItem {
    pub fn unit_cost(&self) -> f64 {
        self.unit_cost_pence as f64 / 100.0
    }
}

/// Why an entry keeps the price of its own year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NotUplifted {
    /// No index, or no index year at or before the report's.
    NoIndexYear,
    /// The entry's year is not a financial year like 2013/14 (a bare 2013 is ambiguous).
    NotAFinancialYear,
    /// The index has no value for the entry's year.
    NotInTheIndex(FinancialYear),
}

impl Prices {
    /// Whether any cost was brought to the price year.
    pub fn uplifted(&self) -> bool {
        self.items.iter().any(|i| i.uplift.is_ok())
    }

    /// The tariff costs are computed with: the entered one with each unit cost at these prices.
    fn costing(&self, entered: &Tariff) -> Tariff {
        Tariff::new(
            entered
                .entries
                .iter()
                .zip(&self.items)
                .map(|(e, p)| TariffEntry { unit_cost_pence: p.unit_cost_pence, ..e.clone() })
                .collect(),
        )
    }
}

// ---- facts ----

/// One contact of a person the service knows (`person` is an opaque key, the person's id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFact {
    pub person: String,
    pub contact_on: Date,
    pub contact_type: ContactType,
    pub bed_days: Option<u32>,
}

/// One contact, without whose it is (it sits in its person's [`PersonActivity`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contact {
    pub on: Date,
    pub contact_type: ContactType,
    pub bed_days: Option<u32>,
}

/// Every imported contact of one person. The evaluation's input holds contacts grouped by person
/// so that a national extract (tens of millions of contacts) keeps each person's key once, not
/// once per contact.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonActivity {
    pub person: String,
    pub contacts: Vec<Contact>,
}

/// `facts` grouped by person, people in the order they first appear.
pub fn group_by_person(facts: impl IntoIterator<Item = ActivityFact>) -> Vec<PersonActivity> {
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut grouped: Vec<PersonActivity> = Vec::new();
    for fact in facts {
        let contact = Contact { on: fact.contact_on, contact_type: fact.contact_type, bed_days: fact.bed_days };
        match index.get(&fact.person) {
            Some(&i) => grouped[i].contacts.push(contact),
            None => {
                index.insert(fact.person.clone(), grouped.len());
                grouped.push(PersonActivity { person: fact.person, contacts: vec![contact] });
            }
        }
    }
    grouped
}

/// A person's referral: the date their before and after windows turn on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonReferral {
    /// The referral, so its person's groups (age band, sex, deprivation) can be found for the
    /// comparison group's matching.
    pub referral_id: super::FactId,
    pub person: String,
    pub referred_on: Date,
    /// The practice the referral belongs to, so a practice's report covers its own people.
    pub practice_id: Option<super::FactId>,
}

/// What the health-system evaluation is computed from.
#[derive(Debug, Clone, Default)]
pub struct HealthSystemInput {
    /// Referrals of the service (every one up to the period's end; the first per person is used).
    pub referrals: Vec<PersonReferral>,
    /// Every imported contact of the service's people, by person (a person appears once).
    pub activity: Vec<PersonActivity>,
    /// The service's tariff (the default figures when it never set one).
    pub tariff: Tariff,
    /// Months before and after the referral date compared; 0 means the default, 6.
    pub window_months: u8,
}

// ---- evaluation ----

/// The default before/after window: 6 months each side of the referral date.
pub const DEFAULT_WINDOW_MONTHS: u8 = 6;
/// Ardens' frequent attender: more than this many GP appointments in the 12 months before.
pub const FREQUENT_ATTENDER_MIN_EXCLUSIVE: u64 = 10;

/// Caveats printed with the section.
pub const CAVEATS: &[&str] = &[
    "Before and after comparisons without a comparison group: some change would have happened anyway (regression to the mean is likely, as people are often referred at a time of high use).",
    "Windows: the referral day itself belongs to neither window, as the consultation that made the referral often falls on it.",
    "Only people whose windows are both wholly covered by the imported data (from its first to its last contact date) and end by the period's end are included.",
    COSTS_NOT_UPLIFTED,
    "Frequent attenders are selected for high use before referral, so their fall is largely regression to the mean.",
];

/// The costs caveat when no cost could be brought to one year's prices, and when some were.
pub const COSTS_NOT_UPLIFTED: &str = "Costs use the tariff printed below, at the prices of the year each unit cost is for (not uplifted: the service has entered no price index covering them); contact types without a unit cost are counted but not costed. A lower cost after referral is associated with the referral, not a saving it is shown to have made.";
pub const COSTS_UPLIFTED: &str = "Costs use the tariff printed below, each unit cost brought to one year's prices with the service's price index (the year, the index's source and each factor are printed with the tariff); contact types without a unit cost are counted but not costed. A lower cost after referral is associated with the referral, not a saving it is shown to have made.";

/// `date` moved by `months` calendar months (negative: back); a day past the end of the target
/// month becomes its last day.
pub fn shift_months(date: Date, months: i32) -> Date {
    let index = i32::from(date.month() as u8) - 1 + months;
    let year = date.year() + index.div_euclid(12);
    let month =
        time::Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(time::Month::January);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// Change in one kind of use, per person-year, among the people with full windows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UseChange {
    /// A contact type's code, `bed_days`, or `gp_appointments` (surgery, phone and home visits).
    pub key: &'static str,
    pub label: &'static str,
    pub n: Shown<u64>,
    pub before_per_person_year: Shown<f64>,
    pub after_per_person_year: Shown<f64>,
    /// Mean of the per-person differences (after − before), per person-year.
    pub change_per_person_year: Shown<f64>,
    pub ci95_low: Shown<f64>,
    pub ci95_high: Shown<f64>,
}

/// Cost of the costed use in the windows, in pounds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CostChange {
    pub n: Shown<u64>,
    /// Mean cost per person in the before window.
    pub before_per_person: Shown<f64>,
    pub after_per_person: Shown<f64>,
    /// Mean of the per-person differences (after − before) over one window.
    pub change_per_person: Shown<f64>,
    pub ci95_low: Shown<f64>,
    pub ci95_high: Shown<f64>,
    /// Totals over everyone included (one window each).
    pub total_before: Shown<f64>,
    pub total_after: Shown<f64>,
    pub total_change: Shown<f64>,
}

/// The Ardens frequent-attender subgroup: more than 10 GP appointments in the 12 months before
/// the referral (only people whose 12 months before are covered by the data can be classed).
#[derive(Debug, Clone, serde::Serialize)]
pub struct FrequentAttenders {
    pub n: Shown<u64>,
    pub gp_appointments: UseChange,
    pub cost: CostChange,
}

/// The health-system section of the report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HealthSystemReport {
    pub window_months: u8,
    /// The imported data's first and last contact dates (None: nothing imported).
    pub data_from: Option<Date>,
    pub data_to: Option<Date>,
    /// People first referred in the period.
    pub referred_in_period: Shown<u64>,
    /// Of those, people whose windows are both covered: everyone below.
    pub n_people: Shown<u64>,
    /// One row per contact type, then bed days.
    pub by_type: Vec<UseChange>,
    pub cost: CostChange,
    pub frequent_attenders: FrequentAttenders,
    /// The tariff as the service entered it (printed in every report).
    pub tariff: Tariff,
    /// Its unit costs at the report's prices: what costs were computed with.
    pub prices: Prices,
    pub uncosted: Vec<CostItem>,
    pub caveats: Vec<&'static str>,
}

use crate::evaluation::disclosure::{Shown, SuppressionPolicy};
use crate::evaluation::facts::Period;
use crate::evaluation::price_index::{FinancialYear, PriceIndex};
use std::collections::BTreeMap;

/// Per person: counts per contact type and bed days in each window. Counts are held in arrays
/// indexed by contact type (not maps): at the national size a million people each hold one.
#[derive(Debug, Clone, Default, PartialEq)]
struct Windows {
    before: TypeCounts,
    after: TypeCounts,
    bed_days_before: u64,
    bed_days_after: u64,
    /// GP appointments in the 12 months before, when the data covers them.
    gp_12_months_before: Option<u64>,
}

/// Contacts counted per type, in the order of [`ContactType::ALL`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct TypeCounts([u32; ContactType::ALL.len()]);

impl TypeCounts {
    fn add(&mut self, t: ContactType) {
        self.0[t as usize] += 1;
    }
    fn get(&self, t: ContactType) -> u64 {
        u64::from(self.0[t as usize])
    }
    /// The types counted at least once, with their counts, in type order.
    fn counted(&self) -> impl Iterator<Item = (ContactType, u64)> + '_ {
        ContactType::ALL.iter().map(|t| (*t, self.get(*t))).filter(|(_, n)| *n > 0)
    }
}

impl Windows {
    fn cost(&self, tariff: &Tariff, after: bool) -> f64 {
        let (counts, bed_days) = if after {
            (&self.after, self.bed_days_after)
        } else {
            (&self.before, self.bed_days_before)
        };
        let contacts: f64 = counts
            .counted()
            .map(|(t, n)| {
                tariff
                    .entry(CostItem::Contact(t))
                    .map_or(0.0, |e| e.unit_cost() * n as f64)
            })
            .sum();
        contacts
            + tariff
                .entry(CostItem::BedDay)
                .map_or(0.0, |e| e.unit_cost() * bed_days as f64)
    }
    fn gp(&self, after: bool) -> u64 {
        let counts = if after { &self.after } else { &self.before };
        counts
            .counted()
            .filter(|(t, _)| t.is_gp_appointment())
            .map(|(_, n)| n)
            .sum()
    }
}

/// The health-system evaluation for people first referred in `period`. See the module and
/// [`CAVEATS`] for the method.
pub fn evaluate(
    input: &HealthSystemInput,
    period: Period,
    policy: SuppressionPolicy,
) -> HealthSystemReport {
    let months = if input.window_months == 0 {
        DEFAULT_WINDOW_MONTHS
    } else {
        input.window_months
    };
    let contacts = || input.activity.iter().flat_map(|p| &p.contacts);
    let data_from = contacts().map(|c| c.on).min();
    let data_to = contacts().map(|c| c.on).max();

    // Each person's first referral.
    let mut first: BTreeMap<&str, Date> = BTreeMap::new();
    for r in &input.referrals {
        let e = first.entry(r.person.as_str()).or_insert(r.referred_on);
        *e = (*e).min(r.referred_on);
    }
    let in_period: Vec<(&str, Date)> = first
        .into_iter()
        .filter(|(_, d)| period.contains(*d))
        .collect();
    let mut people: BTreeMap<&str, (Date, Windows)> = BTreeMap::new();
    if let (Some(from), Some(to)) = (data_from, data_to) {
        let end = to.min(period.to);
        for (person, referred_on) in &in_period {
            let start = shift_months(*referred_on, -i32::from(months));
            let stop = shift_months(*referred_on, i32::from(months));
            if start >= from && stop <= end {
                let year_back = shift_months(*referred_on, -12);
                let gp_12 = (year_back >= from).then_some(0);
                people.insert(
                    person,
                    (
                        *referred_on,
                        Windows {
                            gp_12_months_before: gp_12,
                            ..Windows::default()
                        },
                    ),
                );
            }
        }
    }
    for person in &input.activity {
        let Some((referred_on, w)) = people.get_mut(person.person.as_str()) else {
            continue;
        };
        let r = *referred_on;
        let (window_start, window_end, year_back) = (
            shift_months(r, -i32::from(months)),
            shift_months(r, i32::from(months)),
            shift_months(r, -12),
        );
        for c in &person.contacts {
            let before = c.on < r && c.on >= window_start;
            let after = c.on > r && c.on <= window_end;
            if before {
                w.before.add(c.contact_type);
                w.bed_days_before += u64::from(c.bed_days.unwrap_or(0));
            } else if after {
                w.after.add(c.contact_type);
                w.bed_days_after += u64::from(c.bed_days.unwrap_or(0));
            }
            if let Some(gp) = &mut w.gp_12_months_before {
                if c.contact_type.is_gp_appointment() && c.on < r && c.on >= year_back {
                    *gp += 1;
                }
            }
        }
    }
    let windows: Vec<&Windows> = people.values().map(|(_, w)| w).collect();
    let years = f64::from(months) / 12.0;

    let mut by_type: Vec<UseChange> = ContactType::ALL
        .iter()
        .map(|t| {
            use_change(t.code(), t.label(), &windows, years, policy, |w, after| {
                (if after { &w.after } else { &w.before }).get(*t)
            })
        })
        .collect();
    by_type.push(use_change(
        "bed_days",
        "Bed days (non-elective stays)",
        &windows,
        years,
        policy,
        |w, after| {
            if after {
                w.bed_days_after
            } else {
                w.bed_days_before
            }
        },
    ));
    let prices = input.tariff.at_prices_of(FinancialYear::of(period.to));
    let costing = prices.costing(&input.tariff);
    let cost = cost_change(&windows, &costing, policy);

    let frequent: Vec<&Windows> = windows
        .iter()
        .copied()
        .filter(|w| {
            w.gp_12_months_before
                .is_some_and(|n| n > FREQUENT_ATTENDER_MIN_EXCLUSIVE)
        })
        .collect();
    let frequent_attenders = FrequentAttenders {
        n: policy.count(frequent.len() as u64),
        gp_appointments: use_change(
            "gp_appointments",
            "GP appointments (surgery, phone, home visit)",
            &frequent,
            years,
            policy,
            |w, after| w.gp(after),
        ),
        cost: cost_change(&frequent, &costing, policy),
    };
    let caveats = CAVEATS
        .iter()
        .map(|c| if *c == COSTS_NOT_UPLIFTED && prices.uplifted() { COSTS_UPLIFTED } else { c })
        .collect();

    HealthSystemReport {
        window_months: months,
        data_from,
        data_to,
        referred_in_period: policy.count(in_period.len() as u64),
        n_people: policy.count(windows.len() as u64),
        by_type,
        cost,
        frequent_attenders,
        uncosted: input.tariff.uncosted(),
        tariff: input.tariff.clone(),
        prices,
        caveats,
    }
}

fn use_change(
    key: &'static str,
    label: &'static str,
    people: &[&Windows],
    years: f64,
    policy: SuppressionPolicy,
    count: impl Fn(&Windows, bool) -> u64,
) -> UseChange {
    let pairs: Vec<(f64, f64)> = people
        .iter()
        .map(|w| {
            (
                count(w, false) as f64 / years,
                count(w, true) as f64 / years,
            )
        })
        .collect();
    let change = crate::evaluation::stats::paired_change(&pairs);
    let n = pairs.len() as u64;
    // Each person's count per person-year is a whole number of contacts over the window.
    let stat = |f: fn(&crate::evaluation::stats::PairedChange) -> Option<f64>| {
        policy.mean(n, 1.0 / years, change.as_ref().and_then(f))
    };
    UseChange {
        key,
        label,
        n: policy.count(n),
        before_per_person_year: stat(|c| Some(c.mean_before)),
        after_per_person_year: stat(|c| Some(c.mean_after)),
        change_per_person_year: stat(|c| Some(c.mean_change)),
        ci95_low: stat(|c| c.ci95.map(|ci| ci.0)),
        ci95_high: stat(|c| c.ci95.map(|ci| ci.1)),
    }
}

fn cost_change(people: &[&Windows], tariff: &Tariff, policy: SuppressionPolicy) -> CostChange {
    let pairs: Vec<(f64, f64)> = people
        .iter()
        .map(|w| (w.cost(tariff, false), w.cost(tariff, true)))
        .collect();
    let change = crate::evaluation::stats::paired_change(&pairs);
    let n = pairs.len() as u64;
    // Each person's cost is a whole number of the tariff's common unit.
    let step = tariff.common_unit();
    let stat = |f: &dyn Fn(&crate::evaluation::stats::PairedChange) -> Option<f64>| {
        policy.mean(n, step, change.as_ref().and_then(f))
    };
    // Totals are the published per-person means times the published (rounded) number of
    // people: times the exact number, a total divided by its mean gave back the count rounding
    // had hidden (8,713 people where 8,715 was published).
    let published = policy.count(n);
    let total = published.value().map_or(0.0, |n| *n as f64);
    let times_total = |mean: Shown<f64>| mean.map(|m| m * total);
    CostChange {
        n: published,
        before_per_person: stat(&|c| Some(c.mean_before)),
        after_per_person: stat(&|c| Some(c.mean_after)),
        change_per_person: stat(&|c| Some(c.mean_change)),
        ci95_low: stat(&|c| c.ci95.map(|ci| ci.0)),
        ci95_high: stat(&|c| c.ci95.map(|ci| ci.1)),
        total_before: times_total(stat(&|c| Some(c.mean_before))),
        total_after: times_total(stat(&|c| Some(c.mean_after))),
        total_change: times_total(stat(&|c| Some(c.mean_change))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// 13 people: published as 15. Each total divided by its mean gives the published 15, never
    /// the 13 that rounding hid.
    #[test]
    fn cost_totals_give_back_only_the_published_number_of_people() {
        let mut tariff = Tariff::default();
        tariff.set(TariffEntry::new(CostItem::Contact(ContactType::GpSurgery), 4500, "test", "2024/25").unwrap());
        let people: Vec<Windows> = (0..13u32)
            .map(|i| {
                let mut w = Windows::default();
                for _ in 0..i % 4 {
                    w.before.add(ContactType::GpSurgery);
                }
                w.after.add(ContactType::GpSurgery);
                w
            })
            .collect();
        let refs: Vec<&Windows> = people.iter().collect();
        let c = cost_change(&refs, &tariff, SuppressionPolicy::default());
        assert_eq!(c.n, Shown::Value(15));
        for (total, mean) in [(c.total_before, c.before_per_person), (c.total_after, c.after_per_person), (c.total_change, c.change_per_person)] {
            let (total, mean) = (total.value().copied().unwrap(), mean.value().copied().unwrap());
            assert!((total / mean - 15.0).abs() < 1e-9, "{total} / {mean} is not the published 15");
        }
    }

    fn close(a: &Shown<f64>, b: f64) -> bool {
        matches!(a, Shown::Value(v) if (v - b).abs() < 1e-4)
    }
    fn contact(person: &str, on: Date, t: ContactType) -> ActivityFact {
        ActivityFact {
            person: person.into(),
            contact_on: on,
            contact_type: t,
            bed_days: None,
        }
    }
    fn referral(person: &str, on: Date) -> PersonReferral {
        PersonReferral {
            referral_id: person.into(),
            person: person.into(),
            referred_on: on,
            practice_id: None,
        }
    }
    const NO_SUPPRESSION: SuppressionPolicy = SuppressionPolicy {
        max_suppressed: 0,
        rounding_base: 1,
    };
    fn year() -> Period {
        Period::new(date!(2025 - 04 - 01), date!(2026 - 03 - 31)).unwrap()
    }

    /// Three people with full 6-month windows; see the comments for who is left out and why.
    fn input() -> HealthSystemInput {
        use ContactType::*;
        let mut activity = vec![
            // The data run from 2024-01-01 to 2026-06-30 (a person never referred marks the ends).
            contact("x", date!(2024 - 01 - 01), GpPhone),
            contact("x", date!(2026 - 06 - 30), GpPhone),
            // p1, referred 2025-06-15: before window 2024-12-15..2025-06-14, after 2025-06-16..2025-12-15.
            contact("p1", date!(2024 - 12 - 15), GpSurgery),
            contact("p1", date!(2025 - 02 - 01), GpSurgery),
            contact("p1", date!(2025 - 03 - 01), GpSurgery),
            contact("p1", date!(2025 - 06 - 14), GpSurgery),
            contact("p1", date!(2025 - 04 - 01), AeNotAdmitted),
            contact("p1", date!(2025 - 06 - 15), GpSurgery), // the referral day: neither window
            contact("p1", date!(2025 - 07 - 01), GpSurgery),
            contact("p1", date!(2025 - 12 - 15), GpSurgery),
            contact("p1", date!(2025 - 12 - 16), GpSurgery), // after the after window
            // p2, referred 2025-07-01: two phone calls and a 5-day admission before, one call after.
            contact("p2", date!(2025 - 02 - 10), GpPhone),
            contact("p2", date!(2025 - 03 - 10), GpPhone),
            ActivityFact {
                person: "p2".into(),
                contact_on: date!(2025 - 05 - 01),
                contact_type: NonElectiveAdmission,
                bed_days: Some(5),
            },
            contact("p2", date!(2025 - 09 - 01), GpPhone),
            // p3, referred 2025-08-10: nothing before, one surgery consultation after.
            contact("p3", date!(2025 - 10 - 01), GpSurgery),
            // p4, referred 2025-12-01: the after window ends 2026-06-01, after the period: left out.
            contact("p4", date!(2026 - 01 - 01), GpSurgery),
        ];
        // p1 had 8 phone calls earlier in the 12 months before (2024-06-15..2025-06-14): with the
        // 4 surgery consultations, 12 GP appointments > 10, a frequent attender.
        for m in 7..=11u8 {
            activity.push(contact(
                "p1",
                Date::from_calendar_date(2024, time::Month::try_from(m).unwrap(), 3).unwrap(),
                GpPhone,
            ));
        }
        for m in 7..=9u8 {
            activity.push(contact(
                "p1",
                Date::from_calendar_date(2024, time::Month::try_from(m).unwrap(), 20).unwrap(),
                GpPhone,
            ));
        }
        HealthSystemInput {
            referrals: vec![
                referral("p1", date!(2025 - 06 - 15)),
                referral("p1", date!(2025 - 09 - 01)), // a second referral: the first one counts
                referral("p2", date!(2025 - 07 - 01)),
                referral("p3", date!(2025 - 08 - 10)),
                referral("p4", date!(2025 - 12 - 01)),
                referral("p5", date!(2024 - 12 - 01)), // before the period
            ],
            activity: group_by_person(activity),
            tariff: Tariff::default_figures(),
            window_months: 0,
        }
    }

    #[test]
    fn counts_per_person_year_and_paired_change() {
        let r = evaluate(&input(), year(), NO_SUPPRESSION);
        assert_eq!(r.window_months, 6);
        assert_eq!(
            (r.data_from, r.data_to),
            (Some(date!(2024 - 01 - 01)), Some(date!(2026 - 06 - 30)))
        );
        assert_eq!(r.referred_in_period, Shown::Value(4), "p1 to p4");
        assert_eq!(
            r.n_people,
            Shown::Value(3),
            "p4's after window ends after the period"
        );
        // GP surgery per person-year (a window is 0.5 years): before p1 4/0.5 = 8, p2 0, p3 0 →
        // mean 8/3 = 2.6667; after p1 2/0.5 = 4, p2 0, p3 1/0.5 = 2 → mean 2. Differences −4, 0, 2:
        // mean −2/3; SD √(((−10/3)² + (2/3)² + (8/3)²)/2) = √(18.6667/2) = 3.05505; SE = 3.05505/√3
        // = 1.76383; t(0.975, 2) = 4.302653; half-width 7.58918 → CI −8.25585 to 6.92252.
        let gp = &r.by_type[0];
        assert_eq!((gp.key, gp.n), ("gp_surgery", Shown::Value(3)));
        assert!(
            close(&gp.before_per_person_year, 8.0 / 3.0) && close(&gp.after_per_person_year, 2.0)
        );
        assert!(
            close(&gp.change_per_person_year, -2.0 / 3.0),
            "{:?}",
            gp.change_per_person_year
        );
        assert!(
            close(&gp.ci95_low, -8.25585) && close(&gp.ci95_high, 6.92252),
            "{:?} {:?}",
            gp.ci95_low,
            gp.ci95_high
        );
        // A&E not admitted: p1 1 before → 2/py for p1, mean 2/3; none after.
        let ae = r
            .by_type
            .iter()
            .find(|c| c.key == "ae_not_admitted")
            .unwrap();
        assert!(
            close(&ae.before_per_person_year, 2.0 / 3.0) && close(&ae.after_per_person_year, 0.0)
        );
        // Bed days: p2 5 before → 10/py, mean 10/3; none after.
        let beds = r.by_type.last().unwrap();
        assert_eq!(beds.key, "bed_days");
        assert!(
            close(&beds.before_per_person_year, 10.0 / 3.0)
                && close(&beds.change_per_person_year, -10.0 / 3.0)
        );
    }

    #[test]
    fn costs_with_the_default_tariff_leave_uncosted_items_out() {
        let r = evaluate(&input(), year(), NO_SUPPRESSION);
        // p1 before 4 × £45 + 1 × £114 = £294, after 2 × £45 = £90; p2 before 2 × £27 = £54 (the
        // admission and its bed days have no unit cost), after £27; p3 before £0, after £45.
        // Differences −204, −27, +45: mean −62, total −186. Before total £348 (mean £116), after £162 (£54).
        assert!(
            close(&r.cost.before_per_person, 116.0)
                && close(&r.cost.after_per_person, 54.0)
                && close(&r.cost.change_per_person, -62.0)
        );
        assert!(
            close(&r.cost.total_before, 348.0)
                && close(&r.cost.total_after, 162.0)
                && close(&r.cost.total_change, -186.0)
        );
        assert_eq!(
            r.uncosted,
            vec![
                CostItem::Contact(ContactType::OtherPracticeContact),
                CostItem::Contact(ContactType::NonElectiveAdmission),
                CostItem::BedDay
            ]
        );
        // With a bed day at £300 (a figure a manager entered): p2 before £54 + 5 × £300 = £1,554,
        // so the differences are −204, −1,527, +45: mean −562.
        let mut with_beds = input();
        with_beds.tariff.set(
            TariffEntry::new(CostItem::BedDay, 30_000, "Local finance team", "2025/26").unwrap(),
        );
        let r = evaluate(&with_beds, year(), NO_SUPPRESSION);
        assert!(
            close(&r.cost.change_per_person, -562.0),
            "{:?}",
            r.cost.change_per_person
        );
    }

    fn indexed(entries: &[(ContactType, u64, &str)], index: &str) -> Tariff {
        let entries = entries.iter().map(|(t, pence, year)| TariffEntry::new(CostItem::Contact(*t), *pence, "test", year).unwrap()).collect();
        Tariff::new(entries).with_price_index(Some(PriceIndex::parse("Test index", index).unwrap()))
    }

    #[test]
    fn costs_are_brought_to_the_report_year_with_the_price_index() {
        let mut input = input();
        input.tariff = indexed(
            &[(ContactType::GpSurgery, 4_500, "2012/13"), (ContactType::GpPhone, 2_700, "2012/13"), (ContactType::AeNotAdmitted, 11_400, "2013/14")],
            "2012/13 = 100\n2013/14 = 120\n2025/26 = 200",
        );
        let r = evaluate(&input, year(), NO_SUPPRESSION);
        assert_eq!(r.prices.year, FinancialYear::starting(2025));
        // GP × 200/100: £45 → £90, £27 → £54; A&E × 200/120: £114 → £190.
        let used: Vec<u64> = r.prices.items.iter().map(|i| i.unit_cost_pence).collect();
        assert_eq!(used, [9_000, 5_400, 19_000]);
        // p1 before 4 × £90 + £190 = £550, after 2 × £90 = £180; p2 before 2 × £54, after £54;
        // p3 before £0, after £90: totals £658 before, £324 after.
        assert!(close(&r.cost.total_before, 658.0) && close(&r.cost.total_after, 324.0), "{:?}", r.cost);
        assert!(r.caveats.contains(&COSTS_UPLIFTED) && !r.caveats.contains(&COSTS_NOT_UPLIFTED));
        // The printed tariff is the one entered.
        assert_eq!(r.tariff.entry(CostItem::Contact(ContactType::GpSurgery)).unwrap().unit_cost_pence(), 4_500);
    }

    #[test]
    fn an_index_that_stops_short_of_the_report_year_prices_at_its_latest_year() {
        let tariff = indexed(&[(ContactType::GpSurgery, 4_500, "2013/14")], "2013/14 = 100\n2023/24 = 130\n2030/31 = 500");
        let prices = tariff.at_prices_of(FinancialYear::starting(2025).unwrap());
        assert_eq!(prices.year, FinancialYear::starting(2023));
        assert_eq!(prices.items[0].unit_cost_pence, 5_900, "£45 × 1.3 = £58.50, rounded to whole pounds as entered");
    }

    #[test]
    fn entries_whose_year_the_index_cannot_price_keep_their_own_price_and_say_why() {
        let tariff = indexed(
            &[(ContactType::GpSurgery, 4_550, "2013"), (ContactType::GpPhone, 2_700, "2014/15"), (ContactType::PracticeNurse, 1_300, "2013/14")],
            "2013/14 = 100\n2025/26 = 150",
        );
        let prices = tariff.at_prices_of(FinancialYear::starting(2025).unwrap());
        let why: Vec<Result<f64, NotUplifted>> = prices.items.iter().map(|i| i.uplift).collect();
        assert_eq!(why, [Err(NotUplifted::NotAFinancialYear), Err(NotUplifted::NotInTheIndex(FinancialYear::starting(2014).unwrap())), Ok(1.5)]);
        // A cost in pence stays in pence: £13 × 1.5 = £19.50.
        assert_eq!(prices.items.iter().map(|i| i.unit_cost_pence).collect::<Vec<_>>(), [4_550, 2_700, 1_950]);
        // No index year at or before the report's: nothing moves, and the caveat says so.
        let early = tariff.at_prices_of(FinancialYear::starting(2012).unwrap());
        assert!(!early.uplifted() && early.year.is_none());
        let r = evaluate(&input(), year(), NO_SUPPRESSION);
        assert!(r.caveats.contains(&COSTS_NOT_UPLIFTED) && !r.prices.uplifted());
    }

    #[test]
    fn frequent_attenders_need_more_than_ten_gp_appointments_in_the_year_before() {
        let r = evaluate(&input(), year(), NO_SUPPRESSION);
        // Only p1 (12 GP appointments; p2 had 2): GP appointments 4 → 8/py before, 2 → 4/py after.
        let fa = &r.frequent_attenders;
        assert_eq!(fa.n, Shown::Value(1));
        assert!(
            close(&fa.gp_appointments.before_per_person_year, 8.0)
                && close(&fa.gp_appointments.change_per_person_year, -4.0)
        );
        assert_eq!(
            fa.gp_appointments.ci95_low,
            Shown::NoData,
            "no interval from one person"
        );
        assert!(close(&fa.cost.change_per_person, -204.0));
    }

    #[test]
    fn suppression_at_seven_and_eight_people() {
        let people = |n: usize| {
            let mut input = HealthSystemInput {
                tariff: Tariff::default_figures(),
                ..HealthSystemInput::default()
            };
            let mut activity = vec![
                contact("x", date!(2024 - 01 - 01), ContactType::GpPhone),
                contact("x", date!(2026 - 06 - 30), ContactType::GpPhone),
            ];
            for i in 0..n {
                let p = format!("p{i}");
                input.referrals.push(referral(&p, date!(2025 - 06 - 01)));
                activity.push(contact(&p, date!(2025 - 03 - 01), ContactType::GpSurgery));
            }
            input.activity = group_by_person(activity);
            evaluate(&input, year(), SuppressionPolicy::default())
        };
        let r = people(7);
        assert_eq!(r.n_people, Shown::Suppressed);
        assert_eq!(r.by_type[0].change_per_person_year, Shown::Suppressed);
        assert_eq!(r.cost.total_change, Shown::Suppressed);
        let r = people(8);
        assert_eq!(r.n_people, Shown::Value(10), "8 rounds to 10");
        // Everyone: 1 surgery consultation before (2/py), none after: change −2, SD 0, CI −2 to −2.
        assert!(
            close(&r.by_type[0].change_per_person_year, -2.0)
                && close(&r.by_type[0].ci95_low, -2.0)
        );
        // The mean change (−£45) times the published 10 people, not the 8 that rounding hid.
        assert!(close(&r.cost.total_change, -10.0 * 45.0));
    }

    #[test]
    fn no_activity_gives_no_data() {
        let mut input = input();
        input.activity.clear();
        let r = evaluate(&input, year(), SuppressionPolicy::default());
        assert_eq!((r.data_from, r.n_people), (None, Shown::Value(0)));
        assert_eq!(r.by_type[0].change_per_person_year, Shown::NoData);
        assert_eq!(r.cost.total_change, Shown::NoData);
        let empty = evaluate(
            &HealthSystemInput::default(),
            year(),
            SuppressionPolicy::default(),
        );
        assert_eq!(empty.tariff.entries().len(), 0);
    }

    #[test]
    fn tariff_defaults_and_unit_costs() {
        let t = Tariff::default_figures();
        let gp = t.entry(CostItem::Contact(ContactType::GpSurgery)).unwrap();
        assert_eq!(
            (gp.unit_cost_pence(), gp.source(), gp.year()),
            (
                4_500,
                "PSSRU Unit Costs of Health and Social Care 2013",
                "2013"
            )
        );
        assert_eq!(
            t.entry(CostItem::Contact(ContactType::AeAdmitted))
                .unwrap()
                .unit_cost_pence(),
            13_800
        );
        assert_eq!(t.entries().len(), 6);
        assert_eq!(TariffEntry::parse_pounds("c", "£1,234.5").unwrap(), 123_450);
        assert_eq!(TariffEntry::parse_pounds("c", "0").unwrap(), 0);
        for bad in ["-1", "", "abc", "1.234", "£", "1e3"] {
            assert!(TariffEntry::parse_pounds("c", bad).is_err(), "{bad}");
        }
        assert!(
            TariffEntry::new(CostItem::BedDay, 100, "  ", "2025").is_err(),
            "a source is required"
        );
        assert_eq!(CostItem::parse("bed_day").unwrap(), CostItem::BedDay);
        assert_eq!(
            shift_months(date!(2025 - 08 - 31), -6),
            date!(2025 - 02 - 28)
        );
        assert_eq!(
            shift_months(date!(2025 - 01 - 15), -12),
            date!(2024 - 01 - 15)
        );
    }
}
