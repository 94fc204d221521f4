//! Number, date and text formatting shared by every output, so a figure reads the same in the CSV,
//! the JSON figure list and the HTML page.

use linkwork_domain::evaluation::disclosure::{Shown, SuppressionPolicy};
use time::{Date, Month};

/// What a suppressed figure shows.
pub const SUPPRESSED: &str = "*";

/// A count: an integer, `*` when suppressed, empty when there is no data.
pub fn count(s: Shown<u64>) -> String {
    match s {
        Shown::Value(v) => v.to_string(),
        Shown::Suppressed => SUPPRESSED.into(),
        Shown::NoData => String::new(),
    }
}

/// A statistic with `dp` decimal places, `*` when suppressed, empty when there is no data.
pub fn stat(s: Shown<f64>, dp: usize) -> String {
    match s {
        Shown::Value(v) => fixed(v, dp),
        Shown::Suppressed => SUPPRESSED.into(),
        Shown::NoData => String::new(),
    }
}

/// Rates, percentages, means and their confidence bounds: one decimal place.
pub fn one_dp(s: Shown<f64>) -> String {
    stat(s, 1)
}

/// A p-value to 4 decimal places; below 0.0001 as `< 0.0001` (never `0.0000`, which reads as
/// impossible).
pub fn p_value(s: Shown<f64>) -> String {
    match s {
        Shown::Value(v) if v < 0.0001 => "< 0.0001".into(),
        other => stat(other, 4),
    }
}

/// A rate per person or per person-year, or a change in one: one decimal place, or two
/// significant figures when it is smaller than 0.1 in size, where one decimal place would hide it
/// (a fall of 0.031 GP home visits a person-year read `0.0 (0.0 to 0.0)`).
pub fn rate(s: Shown<f64>) -> String {
    match s {
        Shown::Value(v) => fixed(v, rate_decimals(v)),
        other => stat(other, 1),
    }
}

/// The decimal places [`rate`] gives `v`.
pub fn rate_decimals(v: f64) -> usize {
    let size = v.abs();
    if size >= 0.1 || size == 0.0 || !size.is_finite() {
        1
    } else {
        // 0.031 → 3 places, 0.0042 → 4 (at most 6).
        ((1.0 - size.log10().floor()) as usize).min(6)
    }
}

/// `v` to `dp` decimal places, never printing `-0.0`.
pub fn fixed(v: f64, dp: usize) -> String {
    let text = format!("{v:.dp$}");
    if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
        text[1..].to_owned()
    } else {
        text
    }
}

/// A figure with its unit, so a number never stands alone: `45%`, `10 referrals`, `1 day`,
/// `£1,200`… `%` follows the number, `£` goes before it, a word follows after a space (singular for
/// exactly 1). A figure that is not a number (`*` for suppressed, empty or `–` for no data) is
/// returned as it is.
pub fn with_unit(figure: &str, unit: &str) -> String {
    let is_number = figure.trim_start_matches('-').starts_with(|c: char| c.is_ascii_digit());
    match unit {
        _ if !is_number || unit.is_empty() => figure.to_owned(),
        "%" => format!("{figure}%"),
        "£" => match figure.strip_prefix('-') {
            Some(positive) => format!("-£{positive}"),
            None => format!("£{figure}"),
        },
        _ if figure == "1" => format!("1 {}", singular(unit)),
        _ => format!("{figure} {unit}"),
    }
}

/// `referrals` → `referral`, `people` → `person`, `days` → `day`.
fn singular(unit: &str) -> &str {
    match unit {
        "people" => "person",
        u => u.strip_suffix('s').unwrap_or(u),
    }
}

/// Dates as the NHS.UK content style has them: `1 April 2026`.
pub fn date_long(d: Date) -> String {
    linkwork_domain::format_date_long(d)
}

/// `YYYY-MM` as `(year, month)`.
pub fn parse_month(key: &str) -> Option<(i32, Month)> {
    let (y, m) = key.split_once('-')?;
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Some((y.parse().ok()?, month))
}

/// `2026-03` as `March 2026` (or the key itself if it is not a month).
pub fn month_long(key: &str) -> String {
    match parse_month(key) {
        Some((y, m)) => format!("{m} {y}"),
        None => key.to_owned(),
    }
}

/// `2026-03` as `Mar` (for chart axes).
pub fn month_short(key: &str) -> String {
    match parse_month(key) {
        Some((_, m)) => m.to_string().chars().take(3).collect(),
        None => key.to_owned(),
    }
}

/// An identifier fragment from a name: lower-case ASCII letters and digits, every other run of
/// characters becoming one `_`. `Dr Smith & Partners` becomes `dr_smith_partners`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// Slugs for a list of names, unique within the list: an empty slug becomes `fallback`, and a
/// repeated one gets `_2`, `_3`, … in order of appearance.
pub fn unique_slugs<'a>(names: impl IntoIterator<Item = &'a str>, fallback: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names
        .into_iter()
        .map(|name| {
            let base = Some(slug(name)).filter(|s| !s.is_empty()).unwrap_or_else(|| fallback.to_owned());
            let mut candidate = base.clone();
            let mut i = 2;
            while !seen.insert(candidate.clone()) {
                candidate = format!("{base}_{i}");
                i += 1;
            }
            candidate
        })
        .collect()
}

/// The suppression policy in words.
pub fn policy_sentence(p: &SuppressionPolicy) -> String {
    let small = if p.max_suppressed == 0 {
        "No counts are suppressed".to_owned()
    } else if p.max_suppressed == 1 {
        "Counts of 1 are shown as *".to_owned()
    } else {
        format!("Counts of 1 to {} are shown as *", p.max_suppressed)
    };
    let rounding = if p.rounding_base <= 1 {
        "other counts are not rounded".to_owned()
    } else {
        format!("other counts are rounded to the nearest {}, and a percentage of people is worked out from the rounded counts, so that it cannot give back a count the rounding hid", p.rounding_base)
    };
    let stats = match p.max_suppressed {
        0 => String::new(),
        1 => " Statistics based on 1 person are shown as *.".to_owned(),
        n => format!(" Statistics (rates, means, medians, percentages) based on 1 to {n} people are shown as *."),
    };
    format!(
        "{small}; {rounding}. Totals are rounded from the unrounded sum, so rounded parts may not add up to the total. Where one count in a row with a total is suppressed, a second count is also suppressed so that it cannot be worked out by subtraction.{stats}"
    )
}

/// HTML-escapes text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn numbers() {
        assert_eq!(count(Shown::Value(10)), "10");
        assert_eq!(count(Shown::Suppressed), "*");
        assert_eq!(count(Shown::NoData), "");
        assert_eq!(one_dp(Shown::Value(1.0173)), "1.0");
        assert_eq!(one_dp(Shown::Value(-0.04)), "0.0");
        assert_eq!(one_dp(Shown::Value(-1.25001)), "-1.3");
        assert_eq!(stat(Shown::Value(0.456), 2), "0.46");
    }

    #[test]
    fn a_p_value_below_0_0001_is_printed_as_less_than_it() {
        assert_eq!(p_value(Shown::Value(0.00002)), "< 0.0001");
        assert_eq!(p_value(Shown::Value(0.0)), "< 0.0001");
        assert_eq!(p_value(Shown::Value(0.0001)), "0.0001");
        assert_eq!(p_value(Shown::Value(0.04567)), "0.0457");
        assert_eq!(p_value(Shown::Suppressed), "*");
    }

    #[test]
    fn a_small_rate_keeps_two_significant_figures() {
        assert_eq!(rate(Shown::Value(-0.031)), "-0.031");
        assert_eq!(rate(Shown::Value(0.0042)), "0.0042");
        assert_eq!(rate(Shown::Value(0.05)), "0.050");
        assert_eq!(rate(Shown::Value(0.1)), "0.1");
        assert_eq!(rate(Shown::Value(2.345)), "2.3");
        assert_eq!(rate(Shown::Value(0.0)), "0.0");
        assert_eq!(rate(Shown::Value(1e-9)), "0.000000");
        assert_eq!(rate(Shown::NoData), "");
    }

    #[test]
    fn figures_carry_their_unit() {
        assert_eq!(with_unit("45", "%"), "45%");
        assert_eq!(with_unit("0.4", "%"), "0.4%");
        assert_eq!(with_unit("10", "referrals"), "10 referrals");
        assert_eq!(with_unit("1", "days"), "1 day");
        assert_eq!(with_unit("1", "people"), "1 person");
        assert_eq!(with_unit("-1.5", "points"), "-1.5 points");
        assert_eq!(with_unit("1,200", "£"), "£1,200");
        assert_eq!(with_unit("-30", "£"), "-£30");
        assert_eq!(with_unit("2.5", "per 1,000"), "2.5 per 1,000");
        assert_eq!(with_unit("*", "referrals"), "*");
        assert_eq!(with_unit("", "%"), "");
        assert_eq!(with_unit("–", "days"), "–");
        assert_eq!(with_unit("suppressed", "%"), "suppressed");
    }

    #[test]
    fn dates_and_months() {
        assert_eq!(date_long(date!(2026 - 04 - 01)), "1 April 2026");
        assert_eq!(month_long("2027-03"), "March 2027");
        assert_eq!(month_short("2026-09"), "Sep");
        assert_eq!(month_long("nonsense"), "nonsense");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Dr Smith & Partners"), "dr_smith_partners");
        assert_eq!(slug("  The Oaks (Site 2) "), "the_oaks_site_2");
        assert_eq!(unique_slugs(["St. John's", "St John's", "!!", "??"], "x"), vec!["st_john_s", "st_john_s_2", "x", "x_2"]);
    }

    #[test]
    fn escapes_all_five() {
        assert_eq!(escape(r#"<a href="x">Tom & Jerry's</a>"#), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    }
}
