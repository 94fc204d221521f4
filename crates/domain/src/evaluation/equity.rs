//! Equity: who the service reaches compared with who is registered, and whether outcomes differ
//! between groups.
//!
//! Two reference files place a person in a deprivation decile without storing anything new about
//! them: the ONS National Statistics Postcode Lookup (NSPL) maps a postcode to its 2011 Lower
//! layer Super Output Area (LSOA), and the English Indices of Deprivation 2019 (File 7) give each
//! LSOA its Index of Multiple Deprivation decile. The registered list's make-up per practice (by
//! age band, sex, ethnic group and IMD quintile) gives the expected share of each group, so the
//! evaluation can compare referrals' observed share with it as an observed/expected ratio.
//!
//! Everything here is pure: the file layouts are recognised from their header rows, rows parse
//! into typed values, and [`equity`] turns plain facts into suppressed figures.

use crate::{DomainError, Result};
use crate::evaluation::disclosure::{Shown, SuppressionPolicy};
use crate::evaluation::facts::{MeasureFacts, Period, PracticeFacts, ReferralFacts};
use crate::evaluation::pairing::{PairFinder, Pairing};
use crate::evaluation::stats;
use crate::measurement::instruments::score_definition;
use crate::person::{Ethnicity, Sex};
use crate::person::postcode::Postcode;
use crate::text::coded_enum;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

const FILE: &str = "file";

/// Normalises a header cell for matching: byte-order mark, surrounding space and case ignored,
/// inner runs of white space collapsed (spreadsheets re-save headers in odd ways).
fn header_key(cell: &str) -> String {
    cell.trim_start_matches('\u{feff}').split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn find(header: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|name| header.iter().position(|h| *h == header_key(name)))
}

fn missing_columns(kind: &str, missing: &[&str]) -> DomainError {
    DomainError::invalid(
        FILE,
        format!(
            "This does not look like {kind}: the header row has no {} column{}",
            missing.join(", no "),
            if missing.len() == 1 { "" } else { "s" }
        ),
    )
}

// ---- NSPL: postcode → LSOA ----

/// Where the columns Linkwork needs sit in an NSPL file (other columns are ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NsplLayout {
    postcode: usize,
    lsoa: usize,
    terminated: Option<usize>,
}

/// One postcode's LSOA, from the NSPL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostcodeLsoa {
    pub postcode: Postcode,
    pub lsoa: String,
    /// `doterm` (YYYYMM) when the postcode has been terminated; kept, as people's records may
    /// still carry it.
    pub terminated: Option<String>,
}

/// What became of one NSPL row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NsplRow {
    Lookup(PostcodeLsoa),
    /// No LSOA (some non-geographic postcodes) or a postcode not in the usual shape: skipped, counted.
    Skipped,
    /// An LSOA that is not an area code: the file is not what it claims, so the row is refused
    /// and reported (the message says why).
    Refused(String),
}

/// Whether `code` is an LSOA as the NSPL writes them: an ONS area code, a letter and eight
/// digits (E01011365 in England, W01 in Wales, S01 data zones, and pseudo-codes such as
/// E99999999), or a Northern Ireland super output area (95 and six letters or digits, 95AA01S1).
pub fn is_area_code(code: &str) -> bool {
    let b = code.as_bytes();
    let ons = b.len() == 9 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit);
    let northern_ireland = b.len() == 8 && code.starts_with("95") && b[2..].iter().all(u8::is_ascii_alphanumeric);
    ons || northern_ireland
}

/// Whether `code` is an English LSOA (2011), the areas File 7 ranks: E01 and six digits.
pub fn is_english_lsoa(code: &str) -> bool {
    code.len() == 9 && code.starts_with("E01") && code.as_bytes()[3..].iter().all(u8::is_ascii_digit)
}

impl NsplLayout {
    /// Recognises the header row: `pcds` (preferred), else `pcd`, `pcd7` or `pcd8`; `lsoa11`;
    /// optionally `doterm`.
    pub fn from_header<'a>(header: impl IntoIterator<Item = &'a str>) -> Result<Self> {
        let header: Vec<String> = header.into_iter().map(header_key).collect();
        let postcode = find(&header, &["pcds", "pcd", "pcd7", "pcd8"]);
        let lsoa = find(&header, &["lsoa11"]);
        let mut missing = Vec::new();
        if postcode.is_none() {
            missing.push("pcds (or pcd, pcd7, pcd8)");
        }
        if lsoa.is_none() {
            missing.push("lsoa11");
        }
        match (postcode, lsoa) {
            (Some(postcode), Some(lsoa)) => Ok(Self {
                postcode,
                lsoa,
                terminated: find(&header, &["doterm"]),
            }),
            _ => Err(missing_columns("the ONS National Statistics Postcode Lookup (NSPL)", &missing)),
        }
    }

    /// Reads one row; `get(i)` returns the row's i-th cell.
    pub fn row<'a>(&self, get: impl Fn(usize) -> Option<&'a str>) -> NsplRow {
        let lsoa = get(self.lsoa).map(str::trim).unwrap_or_default();
        let Ok(postcode) = Postcode::parse(get(self.postcode).unwrap_or_default()) else {
            return NsplRow::Skipped;
        };
        // A control character (NUL cannot be stored by PostgreSQL) makes the row unusable too.
        let terminated = self.terminated.and_then(&get).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let clean = |t: &str| crate::text::forbidden_character(t, crate::text::Lines::One).is_none();
        if lsoa.is_empty() || !clean(lsoa) || !terminated.as_deref().is_none_or(clean) {
            return NsplRow::Skipped;
        }
        if !is_area_code(lsoa) {
            return NsplRow::Refused(format!("the LSOA (lsoa11) must be an area code like E01011365, not {lsoa:?}"));
        }
        NsplRow::Lookup(PostcodeLsoa {
            postcode,
            lsoa: lsoa.to_owned(),
            terminated,
        })
    }
}

// ---- IMD 2019 File 7: LSOA → deprivation ----

/// An IMD decile: 1 is the most deprived 10% of LSOAs in England, 10 the least.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ImdDecile(u8);

impl ImdDecile {
    pub fn new(decile: i64) -> Option<Self> {
        (1..=10).contains(&decile).then_some(Self(decile as u8))
    }
    /// The nearest decile: below 1 is 1, above 10 is 10 (for synthetic and modelled data).
    pub fn clamped(decile: i64) -> Self {
        Self(decile.clamp(1, 10) as u8)
    }
    pub fn get(self) -> u8 {
        self.0
    }
    /// Deciles 1–2 are quintile 1 (most deprived fifth), … 9–10 quintile 5.
    pub fn quintile(self) -> ImdQuintile {
        ImdQuintile(self.0.div_ceil(2))
    }
}

/// An IMD quintile: 1 is the most deprived fifth of LSOAs in England.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ImdQuintile(u8);

impl ImdQuintile {
    pub const ALL: [ImdQuintile; 5] = [ImdQuintile(1), ImdQuintile(2), ImdQuintile(3), ImdQuintile(4), ImdQuintile(5)];
    pub fn get(self) -> u8 {
        self.0
    }
}

/// Where the columns Linkwork needs sit in File 7 of the English Indices of Deprivation 2019.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImdLayout {
    lsoa: usize,
    name: Option<usize>,
    score: Option<usize>,
    rank: Option<usize>,
    decile: usize,
}

/// One LSOA's deprivation.
#[derive(Debug, Clone, PartialEq)]
pub struct LsoaDeprivation {
    pub lsoa: String,
    pub name: String,
    pub score: Option<f64>,
    pub rank: Option<i64>,
    pub decile: ImdDecile,
}

pub const IMD_LSOA: &str = "LSOA code (2011)";
pub const IMD_NAME: &str = "LSOA name (2011)";
pub const IMD_SCORE: &str = "Index of Multiple Deprivation (IMD) Score";
pub const IMD_RANK: &str = "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)";
pub const IMD_DECILE: &str = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)";

impl ImdLayout {
    /// Recognises File 7's header row by its official column names (the LSOA code and the IMD
    /// decile are required; name, score and rank are kept when present).
    pub fn from_header<'a>(header: impl IntoIterator<Item = &'a str>) -> Result<Self> {
        let header: Vec<String> = header.into_iter().map(header_key).collect();
        let lsoa = find(&header, &[IMD_LSOA]);
        let decile = find(&header, &[IMD_DECILE]);
        let mut missing = Vec::new();
        if lsoa.is_none() {
            missing.push(IMD_LSOA);
        }
        if decile.is_none() {
            missing.push(IMD_DECILE);
        }
        match (lsoa, decile) {
            (Some(lsoa), Some(decile)) => Ok(Self {
                lsoa,
                decile,
                name: find(&header, &[IMD_NAME]),
                score: find(&header, &[IMD_SCORE]),
                rank: find(&header, &[IMD_RANK]),
            }),
            _ => Err(missing_columns("File 7 of the English Indices of Deprivation 2019", &missing.iter().map(|m| &**m).collect::<Vec<_>>())),
        }
    }

    /// Reads one row; `line` is its line number in the file, for the message.
    pub fn row<'a>(&self, line: u64, get: impl Fn(usize) -> Option<&'a str>) -> Result<LsoaDeprivation> {
        let cell = |i: usize| get(i).map(str::trim).unwrap_or_default();
        for i in [Some(self.lsoa), self.name].into_iter().flatten() {
            if let Some(c) = crate::text::forbidden_character(cell(i), crate::text::Lines::One) {
                return Err(DomainError::invalid(FILE, format!("Line {line}: {}", crate::text::forbidden_character_message(&format!("the value in column {}", i + 1), c))));
            }
        }
        let lsoa = cell(self.lsoa);
        if lsoa.is_empty() {
            return Err(DomainError::invalid(FILE, format!("Line {line}: the {IMD_LSOA} is empty")));
        }
        if !is_english_lsoa(lsoa) {
            return Err(DomainError::invalid(FILE, format!("Line {line}: the {IMD_LSOA} must be an English LSOA code like E01011365, not {lsoa:?}")));
        }
        let decile = cell(self.decile)
            .parse::<i64>()
            .ok()
            .and_then(ImdDecile::new)
            .ok_or_else(|| DomainError::invalid(FILE, format!("Line {line}: the IMD decile must be a whole number from 1 to 10, not {:?}", cell(self.decile))))?;
        Ok(LsoaDeprivation {
            lsoa: lsoa.to_owned(),
            name: self.name.map(cell).unwrap_or_default().to_owned(),
            score: self.score.and_then(|i| cell(i).parse().ok()),
            rank: self.rank.and_then(|i| cell(i).replace(',', "").parse().ok()),
            decile,
        })
    }
}

// ---- groups ----

coded_enum! {
    /// The dimensions of the registered list's make-up that equity is measured along.
    Dimension, field = "dimension", prompt = "Enter age_band, sex, ethnicity or imd_quintile" {
        AgeBand = "age_band", "Age band";
        Sex = "sex", "Sex";
        Ethnicity = "ethnicity", "Ethnic group";
        ImdQuintile = "imd_quintile", "Deprivation (IMD quintile)";
    }
}

coded_enum! {
    /// Age at referral, in the bands used for the list profile (under 18s apart: most schemes
    /// are for adults).
    AgeBand, field = "group", prompt = "Enter an age band such as 25-34 or 85+" {
        Under18 = "0-17", "Under 18";
        A18to24 = "18-24", "18 to 24";
        A25to34 = "25-34", "25 to 34";
        A35to44 = "35-44", "35 to 44";
        A45to54 = "45-54", "45 to 54";
        A55to64 = "55-64", "55 to 64";
        A65to74 = "65-74", "65 to 74";
        A75to84 = "75-84", "75 to 84";
        A85Plus = "85+", "85 and over";
    }
}

impl AgeBand {
    /// The band of someone born on `born` on the day `on` (their age at referral).
    pub fn at(born: time::Date, on: time::Date) -> Self {
        let mut age = on.year() - born.year();
        if (on.month() as u8, on.day()) < (born.month() as u8, born.day()) {
            age -= 1;
        }
        Self::of_age(age)
    }

    pub fn of_age(years: i32) -> Self {
        match years {
            i32::MIN..=17 => Self::Under18,
            18..=24 => Self::A18to24,
            25..=34 => Self::A25to34,
            35..=44 => Self::A35to44,
            45..=54 => Self::A45to54,
            55..=64 => Self::A55to64,
            65..=74 => Self::A65to74,
            75..=84 => Self::A75to84,
            _ => Self::A85Plus,
        }
    }
}

coded_enum! {
    /// The five high-level ethnic groups (ONS census) and "not stated", grouped from the NHS
    /// ethnic category so small groups are not suppressed away.
    EthnicGroup, field = "group", prompt = "Enter white, mixed, asian, black, other or not_stated" {
        White = "white", "White";
        Mixed = "mixed", "Mixed or multiple ethnic groups";
        Asian = "asian", "Asian or Asian British";
        Black = "black", "Black, Black British, Caribbean or African";
        Other = "other", "Other ethnic group";
        NotStated = "not_stated", "Not stated or not known";
    }
}

impl From<Ethnicity> for EthnicGroup {
    fn from(e: Ethnicity) -> Self {
        use Ethnicity::*;
        match e {
            WhiteBritish | WhiteIrish | WhiteOther => Self::White,
            MixedWhiteBlackCaribbean | MixedWhiteBlackAfrican | MixedWhiteAsian | MixedOther => Self::Mixed,
            AsianIndian | AsianPakistani | AsianBangladeshi | AsianOther => Self::Asian,
            BlackCaribbean | BlackAfrican | BlackOther => Self::Black,
            Chinese | Other => Self::Other,
            NotStated | NotKnown => Self::NotStated,
        }
    }
}

/// One group of one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Age(AgeBand),
    Sex(Sex),
    Ethnicity(EthnicGroup),
    Imd(ImdQuintile),
}

impl Group {
    pub fn dimension(self) -> Dimension {
        match self {
            Group::Age(_) => Dimension::AgeBand,
            Group::Sex(_) => Dimension::Sex,
            Group::Ethnicity(_) => Dimension::Ethnicity,
            Group::Imd(_) => Dimension::ImdQuintile,
        }
    }
    /// Stable code within its dimension: `25-34`, `1` (NHS sex code), `white`, `q1`.
    pub fn code(self) -> String {
        match self {
            Group::Age(a) => a.code().to_owned(),
            Group::Sex(s) => s.code().to_owned(),
            Group::Ethnicity(e) => e.code().to_owned(),
            Group::Imd(q) => format!("q{}", q.0),
        }
    }
    pub fn label(self) -> String {
        match self {
            Group::Age(a) => a.label().to_owned(),
            Group::Sex(s) => s.label().to_owned(),
            Group::Ethnicity(e) => e.label().to_owned(),
            Group::Imd(q) => match q.0 {
                1 => "Quintile 1 (most deprived)".to_owned(),
                5 => "Quintile 5 (least deprived)".to_owned(),
                n => format!("Quintile {n}"),
            },
        }
    }
    /// Parses a group of `dimension` from its code (for sex also `M`/`F`/`male`/`female`).
    pub fn parse(dimension: Dimension, code: &str) -> Result<Self> {
        let code = code.trim();
        Ok(match dimension {
            Dimension::AgeBand => Group::Age(AgeBand::parse(code)?),
            Dimension::Sex => Group::Sex(match code.to_ascii_lowercase().as_str() {
                "m" | "male" => Sex::Male,
                "f" | "female" => Sex::Female,
                _ => Sex::parse(code)?,
            }),
            Dimension::Ethnicity => Group::Ethnicity(EthnicGroup::parse(code)?),
            Dimension::ImdQuintile => {
                let digits = code.trim_start_matches(['q', 'Q']);
                match digits.parse::<u8>() {
                    Ok(n @ 1..=5) => Group::Imd(ImdQuintile(n)),
                    _ => return Err(DomainError::invalid("group", format!("An IMD quintile is q1 (most deprived) to q5, not {code:?}"))),
                }
            }
        })
    }
    /// Every group of a dimension, in display order.
    pub fn all(dimension: Dimension) -> Vec<Group> {
        match dimension {
            Dimension::AgeBand => AgeBand::ALL.iter().map(|a| Group::Age(*a)).collect(),
            Dimension::Sex => Sex::ALL.iter().map(|s| Group::Sex(*s)).collect(),
            Dimension::Ethnicity => EthnicGroup::ALL.iter().map(|e| Group::Ethnicity(*e)).collect(),
            Dimension::ImdQuintile => ImdQuintile::ALL.iter().map(|q| Group::Imd(*q)).collect(),
        }
    }
}

impl Serialize for Group {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

// ---- input facts ----

/// The number of registered people of one group at one practice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCount {
    pub practice_id: String,
    pub group: Group,
    pub people: u64,
}

/// What is known of the person behind one referral, as groups. `imd` is `None` when their postcode
/// is not in the imported lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralGroups {
    pub referral_id: super::FactId,
    pub age: AgeBand,
    pub sex: Sex,
    pub ethnicity: EthnicGroup,
    pub imd: Option<ImdQuintile>,
}

impl ReferralGroups {
    fn group(&self, dimension: Dimension) -> Option<Group> {
        match dimension {
            Dimension::AgeBand => Some(Group::Age(self.age)),
            Dimension::Sex => Some(Group::Sex(self.sex)),
            Dimension::Ethnicity => Some(Group::Ethnicity(self.ethnicity)),
            Dimension::ImdQuintile => self.imd.map(Group::Imd),
        }
    }
}

/// The facts equity needs, loaded beside the evaluation's.
#[derive(Debug, Clone, Default)]
pub struct EquityFacts {
    pub list: Vec<ListCount>,
    pub referrals: Vec<ReferralGroups>,
}

// ---- output ----

/// Referrals of one group against the group's share of the registered list.
#[derive(Debug, Clone, Serialize)]
pub struct GroupReach {
    pub group: Group,
    pub label: String,
    /// Registered people in the group (published list data, not suppressed).
    pub list_people: u64,
    pub list_share_pct: Option<f64>,
    pub observed: Shown<u64>,
    pub observed_share_pct: Shown<f64>,
    pub expected: Shown<f64>,
    pub oe_ratio: Shown<f64>,
    pub ci95_low: Shown<f64>,
    pub ci95_high: Shown<f64>,
}

/// SWEMWBS change for the people of one group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupOutcome {
    pub group: Group,
    pub label: String,
    pub n_paired: Shown<u64>,
    pub mean_change: Shown<f64>,
    pub ci95_low: Shown<f64>,
    pub ci95_high: Shown<f64>,
    pub pct_improved: Shown<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DimensionEquity {
    pub dimension: Dimension,
    /// Whom the list shares describe: the whole registered list, or (age, when the period has no
    /// referral of anyone under 18) the list aged 18 and over, as social prescribing is for adults.
    pub compared_with: &'static str,
    /// Practices in scope without a list profile for this dimension; their referrals are left
    /// out of the comparison (`referrals_left_out`), unless every practice lacks one.
    pub practices_without_profile: u64,
    pub referrals_left_out: Shown<u64>,
    /// Referrals in the period placed in a group of this dimension, from practices with a profile.
    pub referrals: Shown<u64>,
    /// Referrals in the period whose group is not known (e.g. a postcode not in the lookup).
    pub unknown: Shown<u64>,
    pub list_people: u64,
    pub groups: Vec<GroupReach>,
    pub outcomes: Vec<GroupOutcome>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Equity {
    /// The score the outcome rows compare (`swemwbs_metric`) and its threshold for "improved".
    pub outcome_score: &'static str,
    pub threshold: f64,
    /// Dimensions with a list profile; empty when none has been imported.
    pub dimensions: Vec<DimensionEquity>,
}

pub const OUTCOME_SCORE: &str = "swemwbs_metric";

/// Observed/expected reach and outcomes by group for the referrals received in `period`.
///
/// Expected counts come from the practices' list profiles: when every practice in scope has a
/// profile for a dimension, all referrals count; otherwise only referrals from profiled practices
/// do, so the observed and expected populations match.
pub fn equity(facts: &EquityFacts, practices: &[PracticeFacts], changes: &PairedChanges, in_period: &[&ReferralFacts], policy: SuppressionPolicy, thresholds: &BTreeMap<String, f64>) -> Equity {
    let threshold = thresholds
        .get(OUTCOME_SCORE)
        .copied()
        .or_else(|| score_definition(OUTCOME_SCORE).map(|(_, d)| d.default_threshold))
        .unwrap_or(3.0);
    let groups_by_referral: HashMap<&str, &ReferralGroups> = facts.referrals.iter().map(|g| (g.referral_id.as_ref(), g)).collect();
    let practices_in_scope: HashSet<&str> = practices.iter().map(|p| p.id.as_str()).collect();
    let mut dimensions = Vec::new();
    let under_18 = Group::Age(AgeBand::Under18);
    for dimension in Dimension::ALL {
        // Referrals are of adults: unless the period has a referral of someone under 18, the ages
        // are compared with the list aged 18 and over (the whole list's shares would count
        // children and make every adult band look over-referred).
        let adults_only = *dimension == Dimension::AgeBand
            && !in_period.iter().any(|r| groups_by_referral.get(r.id.as_ref()).and_then(|g| g.group(Dimension::AgeBand)) == Some(under_18));
        let list: Vec<&ListCount> = facts
            .list
            .iter()
            .filter(|c| c.group.dimension() == *dimension && practices_in_scope.contains(c.practice_id.as_str()))
            .filter(|c| !(adults_only && c.group == under_18))
            .collect();
        let list_total: u64 = list.iter().map(|c| c.people).sum();
        if list_total == 0 {
            continue;
        }
        let profiled: HashSet<&str> = list.iter().map(|c| c.practice_id.as_str()).collect();
        let all_profiled = practices_in_scope.iter().all(|p| profiled.contains(p));
        let counted: Vec<&&ReferralFacts> = in_period.iter().filter(|r| all_profiled || r.practice_id.as_deref().is_some_and(|p| profiled.contains(p))).collect();
        let practices_without_profile = practices_in_scope.iter().filter(|p| !profiled.contains(*p)).count() as u64;
        let referrals_left_out = policy.count((in_period.len() - counted.len()) as u64);
        let mut observed: BTreeMap<Group, u64> = BTreeMap::new();
        let mut unknown = 0u64;
        let mut group_changes: BTreeMap<Group, Vec<(f64, f64)>> = BTreeMap::new();
        for r in &counted {
            match groups_by_referral.get(r.id.as_ref()).and_then(|g| g.group(*dimension)) {
                Some(g) => {
                    *observed.entry(g).or_default() += 1;
                    if let Some(pair) = changes.get(r.id.as_ref()) {
                        group_changes.entry(g).or_default().push(*pair);
                    }
                }
                None => unknown += 1,
            }
        }
        let observed_total: u64 = observed.values().sum();
        let mut list_by_group: BTreeMap<Group, u64> = BTreeMap::new();
        for c in &list {
            *list_by_group.entry(c.group).or_default() += c.people;
        }
        let shown_groups: Vec<Group> = Group::all(*dimension).into_iter().filter(|g| list_by_group.contains_key(g) || observed.contains_key(g)).collect();
        // The group counts add up to the shown total: one suppressed count would be recoverable
        // by subtraction, so a second is suppressed (and with it its ratio and share).
        let counts: Vec<u64> = shown_groups.iter().map(|g| observed.get(g).copied().unwrap_or(0)).collect();
        let (shown_counts, _) = policy.row_with_total(&counts);
        let groups = shown_groups
            .into_iter()
            .zip(shown_counts)
            .map(|(g, shown_count)| {
                let o = observed.get(&g).copied().unwrap_or(0);
                let people = list_by_group.get(&g).copied().unwrap_or(0);
                // An expected count below MIN_EXPECTED_FOR_RATIO gives a ratio too unstable to
                // read (one referral more or less moves it by a fifth or more): none is shown.
                // Of the rounded counts, as every published share is: of the exact ones, the
                // expected count over the list share gave back the exact total, and the ratio
                // times the expected count each exact group count.
                let ratio = stats::share_ratio(policy.rounded(o), policy.rounded(observed_total), people, list_total);
                let ratio_shown = ratio.filter(|r| r.expected >= MIN_EXPECTED_FOR_RATIO);
                // The ratio and its interval are statistics of the group's referrals; with none
                // they still say something (no one reached), so they are shown.
                // The observed share gives its group's count away as a proportion would
                // (`SuppressionPolicy::proportion`), and the ratio is that share over the
                // published list share, so a hidden share hides the ratio and interval too.
                let observed_share_pct = if shown_count.is_suppressed() { Shown::Suppressed } else { policy.proportion(o, observed_total) };
                let stat = |v: Option<f64>| {
                    if shown_count.is_suppressed() || observed_share_pct.is_suppressed() {
                        Shown::Suppressed
                    } else if o == 0 {
                        v.map_or(Shown::NoData, Shown::Value)
                    } else {
                        policy.statistic(o, v)
                    }
                };
                GroupReach {
                    group: g,
                    label: g.label(),
                    list_people: people,
                    list_share_pct: Some(people as f64 / list_total as f64 * 100.0),
                    observed: shown_count,
                    observed_share_pct,
                    expected: if policy.count(observed_total).is_suppressed() {
                        Shown::Suppressed
                    } else {
                        ratio.map(|r| r.expected).map_or(Shown::NoData, Shown::Value)
                    },
                    oe_ratio: stat(ratio_shown.map(|r| r.ratio)),
                    ci95_low: stat(ratio_shown.map(|r| r.ci95.0)),
                    ci95_high: stat(ratio_shown.map(|r| r.ci95.1)),
                }
            })
            .collect();
        let outcomes = Group::all(*dimension)
            .into_iter()
            .filter(|g| observed.contains_key(g))
            .map(|g| {
                let pairs = group_changes.get(&g).cloned().unwrap_or_default();
                let n = pairs.len() as u64;
                let change = stats::paired_change(&pairs);
                let improved = pairs.iter().filter(|(b, a)| a - b >= threshold).count() as u64;
                GroupOutcome {
                    group: g,
                    label: g.label(),
                    n_paired: policy.count(n),
                    mean_change: policy.mean(n, 1.0, change.as_ref().map(|c| c.mean_change)),
                    ci95_low: policy.mean(n, 1.0, change.as_ref().and_then(|c| c.ci95).map(|c| c.0)),
                    ci95_high: policy.mean(n, 1.0, change.as_ref().and_then(|c| c.ci95).map(|c| c.1)),
                    pct_improved: policy.proportion(improved, n),
                }
            })
            .collect();
        dimensions.push(DimensionEquity {
            dimension: *dimension,
            compared_with: if adults_only { "the registered list aged 18 and over" } else { "the whole registered list" },
            practices_without_profile,
            referrals_left_out,
            referrals: policy.count(observed_total),
            unknown: policy.count(unknown),
            list_people: list_total,
            groups,
            outcomes,
        });
    }
    Equity {
        outcome_score: OUTCOME_SCORE,
        threshold,
        dimensions,
    }
}

/// The least expected count a group needs for its observed/expected ratio to be shown.
pub const MIN_EXPECTED_FOR_RATIO: f64 = 5.0;

/// Per referral id: its SWEMWBS metric score before and after ([`paired_changes`]).
pub type PairedChanges<'a> = HashMap<&'a str, (f64, f64)>;

/// Per referral in the period: the SWEMWBS metric score at its baseline and at its follow-up up to
/// the period's end, paired as the evaluation's outcomes pair them ([`crate::evaluation::pairing`]). Computed once
/// per report for the two sections that compare groups by it (equity and "what works").
pub fn paired_changes<'a>(measures: &'a [MeasureFacts], in_period: &[&ReferralFacts], period: Period) -> PairedChanges<'a> {
    let ids: HashSet<&str> = in_period.iter().map(|r| r.id.as_ref()).collect();
    let mut referrals: HashMap<&str, PairFinder<f64>> = HashMap::new();
    for m in measures.iter().filter(|m| m.taken_on <= period.to && ids.contains(m.referral_id.as_ref())) {
        let Some(score) = m.recorded.score(OUTCOME_SCORE) else { continue };
        referrals.entry(m.referral_id.as_ref()).or_default().see(m.timepoint, m.taken_on, score);
    }
    referrals
        .into_iter()
        .filter_map(|(id, finder)| match finder.pairing() {
            Pairing::Paired { baseline, follow_up } => Some((id, (baseline, follow_up))),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests;
