//! A price index: the service's figures of one published cost-inflation series (PSSRU's NHS Cost
//! Inflation Index, the older HCHS pay and prices index, or the GDP deflator), by financial year.
//! It brings unit costs priced in different years to one year's prices, so a 2013/14 tariff is not
//! read as today's cost. Linkwork ships no index values (none it could verify); a service enters
//! the series it uses, with its source, and every report prints the factors it applied.

use crate::DomainError;
use std::collections::BTreeMap;
use std::fmt;
use time::{Date, Month};

/// A financial year (1 April to 31 March), by the calendar year it starts in: 2024 is 2024/25.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear(i32);

impl FinancialYear {
    pub const EARLIEST: i32 = 1950;
    pub const LATEST: i32 = 2100;

    pub fn starting(year: i32) -> Option<Self> {
        (Self::EARLIEST..=Self::LATEST).contains(&year).then_some(Self(year))
    }

    /// The financial year a date falls in.
    pub fn of(date: Date) -> Self {
        Self(if date.month() >= Month::April { date.year() } else { date.year() - 1 })
    }

    pub fn start(self) -> i32 {
        self.0
    }

    /// A financial year as people write it: `2024/25`, `2024-25`, `2024/2025` or `2024–25`. A bare
    /// `2024` is refused: a publication dated 2024 may price 2023/24 or 2024/25, so the year of
    /// its prices must be said.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let (first, second) = raw.split_once(['/', '-', '–'])?;
        let start: i32 = first.trim().parse().ok().filter(|_| first.trim().len() == 4)?;
        let second = second.trim();
        let end: i32 = second.parse().ok().filter(|_| second.bytes().all(|b| b.is_ascii_digit()))?;
        let follows = match second.len() {
            2 => end == (start + 1).rem_euclid(100),
            4 => end == start + 1,
            _ => false,
        };
        follows.then(|| Self::starting(start)).flatten()
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

/// One series of index values by financial year, with where they come from. Only the ratio of two
/// years' values matters, so any base (100 in 2015/16, 1.0 in 2023/24) works.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PriceIndex {
    source: String,
    #[serde(serialize_with = "years_as_text")]
    values: BTreeMap<FinancialYear, f64>,
}

fn years_as_text<S: serde::Serializer>(values: &BTreeMap<FinancialYear, f64>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(values.iter().map(|(y, v)| (y.to_string(), *v)))
}

/// The longest source text and the most years a service may enter.
const MAX_SOURCE: usize = 500;
const MAX_YEARS: usize = 150;

impl PriceIndex {
    /// Parses the index as a manager enters it or a bundle carries it: one year and its value per
    /// line or per `;`-separated part, the two split by `=`, a comma, a tab or spaces (so two
    /// columns pasted from a spreadsheet work): `2013/14 = 100` or `2024/25, 137.2`. Every problem
    /// is reported, each with the part it is about.
    pub fn parse(source: &str, text: &str) -> Result<Self, Vec<DomainError>> {
        let mut errors = Vec::new();
        let source = source.trim();
        if source.is_empty() {
            errors.push(DomainError::invalid("index_source", "Enter where the index values come from, like PSSRU Unit Costs of Health and Social Care 2024, NHS cost inflation index"));
        } else if source.chars().count() > MAX_SOURCE {
            errors.push(DomainError::invalid("index_source", format!("The source is too long: {MAX_SOURCE} characters at most")));
        }
        let mut values = BTreeMap::new();
        for part in text.split(['\n', ';']).map(str::trim).filter(|p| !p.is_empty()) {
            match parse_point(part) {
                Ok((year, value)) => {
                    if values.insert(year, value).is_some() {
                        errors.push(DomainError::invalid("index_values", format!("{year} is given twice: give each year once")));
                    }
                }
                Err(message) => errors.push(DomainError::invalid("index_values", message)),
            }
        }
        if values.is_empty() && errors.iter().all(|e| e.field() != Some("index_values")) {
            errors.push(DomainError::invalid("index_values", "Enter the index value of each year, one year per line, like 2013/14 = 100"));
        } else if values.len() > MAX_YEARS {
            errors.push(DomainError::invalid("index_values", format!("Too many years: {MAX_YEARS} at most")));
        }
        if errors.is_empty() {
            Ok(Self { source: source.to_owned(), values })
        } else {
            Err(errors)
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The values as `2013/14=100;2024/25=137.2`, as the bundle carries them (and `parse` reads).
    pub fn values_text(&self) -> String {
        self.values.iter().map(|(y, v)| format!("{y}={v}")).collect::<Vec<_>>().join(";")
    }

    /// The values as the form shows them: a year per line.
    pub fn values_lines(&self) -> String {
        self.values.iter().map(|(y, v)| format!("{y} = {v}")).collect::<Vec<_>>().join("\n")
    }

    pub fn values(&self) -> impl Iterator<Item = (FinancialYear, f64)> + '_ {
        self.values.iter().map(|(y, v)| (*y, *v))
    }

    /// The year costs are brought to for a report whose period ends in `wanted`: that year, or
    /// the latest year of the index before it when the index does not reach it yet.
    pub fn price_year_for(&self, wanted: FinancialYear) -> Option<FinancialYear> {
        self.values.range(..=wanted).next_back().map(|(y, _)| *y)
    }

    /// How much a cost at `from`'s prices is multiplied by to be at `to`'s prices; None when the
    /// index lacks either year.
    pub fn factor(&self, from: FinancialYear, to: FinancialYear) -> Option<f64> {
        Some(self.values.get(&to)? / self.values.get(&from)?)
    }
}

fn parse_point(part: &str) -> Result<(FinancialYear, f64), String> {
    let (year, value) = part
        .split_once(['=', ',', '\t'])
        .or_else(|| part.split_once(char::is_whitespace))
        .ok_or_else(|| format!("\"{part}\" is not a year and a value: write it like 2013/14 = 100"))?;
    let year = FinancialYear::parse(year).ok_or_else(|| {
        format!("\"{}\" is not a financial year: write it like 2013/14", year.trim())
    })?;
    let value: f64 = value
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v > 0.0)
        .ok_or_else(|| format!("{year}: \"{}\" is not an index value: enter a number above 0, like 137.2", value.trim()))?;
    Ok((year, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn fy(start: i32) -> FinancialYear {
        FinancialYear::starting(start).unwrap()
    }

    #[test]
    fn financial_years_are_read_as_people_write_them_and_a_bare_year_is_refused() {
        for raw in ["2013/14", "2013-14", "2013/2014", "2013–14", " 2013 / 14 "] {
            assert_eq!(FinancialYear::parse(raw), Some(fy(2013)), "{raw}");
        }
        assert_eq!(FinancialYear::parse("1999/00"), Some(fy(1999)));
        for raw in ["2013", "2013/15", "13/14", "2013/4", "x/14", "2013/14/15", ""] {
            assert_eq!(FinancialYear::parse(raw), None, "{raw}");
        }
        assert_eq!(fy(2024).to_string(), "2024/25");
        assert_eq!(fy(1999).to_string(), "1999/00");
    }

    #[test]
    fn a_date_falls_in_the_financial_year_that_started_the_april_before() {
        assert_eq!(FinancialYear::of(date!(2026 - 03 - 31)), fy(2025));
        assert_eq!(FinancialYear::of(date!(2026 - 04 - 01)), fy(2026));
    }

    #[test]
    fn an_index_is_read_from_lines_or_parts_with_any_usual_separator() {
        let index = PriceIndex::parse(" Test series ", "2013/14 = 100\n2014/15, 101.5\r\n2015/16\t103;2016/17 104.2\n\n").unwrap();
        assert_eq!(index.source(), "Test series");
        assert_eq!(index.values().count(), 4);
        assert_eq!(index.values_text(), "2013/14=100;2014/15=101.5;2015/16=103;2016/17=104.2");
        assert_eq!(PriceIndex::parse("Test series", &index.values_text()).unwrap(), index);
        assert_eq!(PriceIndex::parse("Test series", &index.values_lines()).unwrap(), index);
    }

    #[test]
    fn every_problem_of_an_index_is_reported_with_what_it_is_about() {
        let errors = PriceIndex::parse("", "2013 = 100\n2014/15 = 0\n2015/16 = many\n2016/17\n2017/18 = 1\n2017/18 = 2").unwrap_err();
        let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errors[0].field(), Some("index_source"));
        for expected in ["\"2013\" is not a financial year", "2014/15: \"0\" is not an index value", "2015/16: \"many\"", "\"2016/17\" is not a year and a value", "2017/18 is given twice"] {
            assert!(messages.iter().any(|m| m.contains(expected)), "{expected} in {messages:?}");
        }
        assert!(PriceIndex::parse("S", "  \n ").unwrap_err()[0].to_string().contains("one year per line"));
    }

    #[test]
    fn costs_go_to_the_report_year_or_the_latest_year_the_index_reaches_before_it() {
        let index = PriceIndex::parse("S", "2013/14 = 80\n2020/21 = 100\n2023/24 = 120").unwrap();
        assert_eq!(index.price_year_for(fy(2025)), Some(fy(2023)));
        assert_eq!(index.price_year_for(fy(2020)), Some(fy(2020)));
        assert_eq!(index.price_year_for(fy(2021)), Some(fy(2020)));
        assert_eq!(index.price_year_for(fy(2012)), None);
        assert_eq!(index.factor(fy(2013), fy(2023)), Some(1.5));
        assert_eq!(index.factor(fy(2014), fy(2023)), None);
    }
}
