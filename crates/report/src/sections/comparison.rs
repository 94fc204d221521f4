//! The `comparison` section: GP and hospital use of the referred people against matched
//! registered patients who were not referred (difference-in-differences), with how many could be
//! matched, the balance of the groups and the method in words. Every number arrives suppressed
//! from `linkwork_domain::evaluation::comparison`; the section is absent when no comparison
//! extract was imported.

use crate::primitives::format::{count, date_long, escape, fixed, rate, rate_decimals, stat, SUPPRESSED};
use crate::primitives::html::{para, shown as cell, table};
use crate::primitives::Figure;
use linkwork_domain::evaluation::comparison::{BalanceRow, ComparisonReport, OutcomeDid};
use linkwork_domain::evaluation::disclosure::Shown;
use linkwork_domain::evaluation::Report;

const SECTION: &str = "comparison";
const PEOPLE: &str = "people";
const PER_PY: &str = "contacts per person-year";

fn figure(id: String, label: String, value: String, n: String, unit: &'static str, definition: String) -> Figure {
    Figure { id, section: SECTION, label, value, n, ci95_low: String::new(), ci95_high: String::new(), unit, definition }
}

fn unit_of(o: &OutcomeDid) -> &'static str {
    if o.key == "bed_days" {
        "days per person-year"
    } else {
        PER_PY
    }
}

/// The figures of the section, in reading order (none without a comparison extract).
pub(crate) fn figures(report: &Report, out: &mut Vec<Figure>) {
    let Some(c) = &report.comparison else { return };
    let counts: [(&str, &str, Shown<u64>, &str); 6] = [
        ("referred_in_period", "People first referred in the period", c.referred_in_period, "People whose first referral to the service falls in the period."),
        ("referred_eligible", "Referred people who could be compared", c.referred_eligible, "People first referred in the period whose windows both the service's data and the comparison extract cover."),
        ("matched", "Referred people matched", c.matched, "Of those who could be compared, people with at least one comparison person of the same practice, age band, sex and deprivation quintile within the matching caliper."),
        ("unmatched", "Referred people not matched", c.unmatched, "Of those who could be compared, people with no comparison person close enough: left out of the estimate."),
        ("comparison_people_used", "Comparison people used", c.comparison_people_used, "Registered patients who were not referred and were a control for at least one referred person."),
        ("comparison_people_in_practices", "Comparison people in the same practices", c.comparison_people_in_practices, "Registered patients who were not referred, of the practices of the people who could be compared: the group before matching."),
    ];
    for (key, label, value, definition) in counts {
        out.push(figure(format!("comparison.{key}"), label.into(), count(value), String::new(), PEOPLE, definition.into()));
    }
    let win = format!("{} months", c.method.window_months);
    for o in &c.outcomes {
        let (id, what, unit, n) = (format!("comparison.{}", o.key), o.label, unit_of(o), count(o.n));
        let per_py = |field: &str, label: String, v: Shown<f64>, definition: String| figure(format!("{id}.{field}"), label, rate(v), n.clone(), unit, definition);
        out.push(per_py("referred_before_per_person_year", format!("{what}: matched referred people, before"), o.referred_before_per_person_year, format!("Mean per person-year of the matched referred people in the {win} before referral.")));
        out.push(per_py("referred_after_per_person_year", format!("{what}: matched referred people, after"), o.referred_after_per_person_year, format!("Mean per person-year of the matched referred people in the {win} after referral.")));
        out.push(per_py("comparison_before_per_person_year", format!("{what}: comparison group, before"), o.comparison_before_per_person_year, format!("Mean per person-year of their matched comparison people in the same {win} before each referred person's referral date.")));
        out.push(per_py("comparison_after_per_person_year", format!("{what}: comparison group, after"), o.comparison_after_per_person_year, format!("Mean per person-year of their matched comparison people in the same {win} after.")));
        out.push(per_py("naive_change_per_person_year", format!("{what}: change in the referred (before and after only)"), o.naive_change_per_person_year, "After minus before in the matched referred people: the change a before-and-after comparison shows.".into()));
        out.push(per_py("comparison_change_per_person_year", format!("{what}: change in the comparison group"), o.comparison_change_per_person_year, "After minus before in the matched comparison people: the change that happened without referral.".into()));
        let mut did = per_py("did_per_person_year", format!("{what}: difference-in-differences"), o.did_per_person_year, "The change in the referred less the change in their matched comparison people, per person-year, with a t-based 95% confidence interval over the referred people: the change associated with referral once what happened anyway is taken out.".into());
        did.ci95_low = rate(o.did_ci95_low);
        did.ci95_high = rate(o.did_ci95_high);
        out.push(did);
    }
    let p = &c.pre_trend;
    let mut pre = figure(
        "comparison.pre_trend.gp_appointments.did_per_person_year".into(),
        "GP appointments: difference in trends before referral".into(),
        rate(p.did_per_person_year),
        count(p.n),
        PER_PY,
        format!("The check that use was running parallel before referral: from the {win} before the before window to the before window, the change in the matched referred people less the change in their comparison people, with a t-based 95% confidence interval. An interval that excludes 0 means the difference-in-differences is biased by trends that already differed (windows of up to 6 months)."),
    );
    pre.ci95_low = rate(p.did_ci95_low);
    pre.ci95_high = rate(p.did_ci95_high);
    out.push(pre);
    for b in &c.balance {
        let id = format!("comparison.balance.{}", b.key);
        let n = count(c.matched);
        out.push(figure(format!("{id}.smd_before_matching"), format!("{}: standardised mean difference before matching", b.label), stat(b.smd_before_matching, 2), String::new(), "SMD", "The difference between the referred and all comparison people of the same practices, in standard deviations (|SMD| under 0.1 is usually taken as balanced).".into()));
        out.push(figure(format!("{id}.smd_after_matching"), format!("{}: standardised mean difference after matching", b.label), stat(b.smd_after_matching, 2), n, "SMD", "The difference between the matched referred people and their comparison people (weighted 1/k per referred person), in standard deviations.".into()));
    }
}

fn did_cell(o: &OutcomeDid) -> String {
    match (o.did_per_person_year, o.did_ci95_low, o.did_ci95_high) {
        (m @ Shown::Value(_), l @ Shown::Value(_), h @ Shown::Value(_)) => escape(&format!("{} ({} to {})", rate(m), rate(l), rate(h))),
        (m, _, _) => cell(&rate(m)),
    }
}

fn balance_value(b: &BalanceRow, v: Shown<f64>) -> String {
    cell(&if b.unit == "percent" { stat(v, 1) } else { stat(v, 2) })
}

/// Whether trends were parallel before referral, in words: the check a reader needs before
/// trusting the difference-in-differences.
fn pre_trend(out: &mut String, c: &ComparisonReport) {
    w!(out, r#"<h3 class="nhsuk-heading-s">Were the groups' GP use running parallel before referral?</h3>"#);
    let p = &c.pre_trend;
    let win = c.method.window_months;
    let interval = match (p.did_per_person_year, p.did_ci95_low, p.did_ci95_high) {
        (Shown::Value(m), l @ Shown::Value(_), h @ Shown::Value(_)) => Some((m, format!("{} per person-year (95% CI {} to {})", rate(Shown::Value(m)), rate(l), rate(h)))),
        _ => None,
    };
    let text = match (p.parallel, interval) {
        (Shown::Value(false), Some((m, i))) if m > 0.0 => format!("No. From the {win} months before the before window to the before window, the matched referred people's GP appointments rose by {i} more than their comparison people's. People were referred as their use peaked, which matching on their records cannot see, so the difference-in-differences above likely overstates the fall associated with referral: read it as an upper bound on its size."),
        (Shown::Value(false), Some((_, i))) => format!("No. From the {win} months before the before window to the before window, the matched referred people's GP appointments changed by {i} relative to their comparison people's: the trends already differed, so the difference-in-differences above is biased by that difference."),
        (Shown::Value(true), Some((_, i))) => format!("As far as the data can tell. From the {win} months before the before window to the before window, the difference between the matched referred people's change in GP appointments and their comparison people's was {i}, an interval that includes 0."),
        _ if win > 6 => "Not checked: the data's 12-month look-back does not reach a window before the before window when windows are longer than 6 months.".to_owned(),
        (Shown::Suppressed, _) => "Not shown: too few matched people to publish the check.".to_owned(),
        _ => "Not checked: no matched person has an earlier window in both extracts.".to_owned(),
    };
    para(out, &escape(&text));
}

/// The section's HTML (nothing without a comparison extract).
pub(crate) fn html(out: &mut String, report: &Report) {
    let Some(c) = &report.comparison else { return };
    out.push_str(r#"<section class="linkwork-report__section" aria-labelledby="lw-report-comparison"><h2 class="nhsuk-heading-m" id="lw-report-comparison">Compared with similar people who were not referred</h2>"#);
    para(out, "Before-and-after figures cannot tell what the service did from what would have happened anyway: people are often referred at a time of high use, which then falls back on its own (regression to the mean). Here each referred person is compared with registered patients of the same practice who were not referred, alike in age band, sex, deprivation and GP use before the referral date.");
    let coverage = match (c.comparison_from, c.comparison_to) {
        (Some(from), Some(to)) => format!("The comparison extract covers {} to {}. ", date_long(from), date_long(to)),
        _ => String::new(),
    };
    let words = |s: Shown<u64>| count(s).replace(SUPPRESSED, "fewer than 8");
    para(
        out,
        &escape(&format!(
            "{coverage}People first referred in the period: {}; whose windows both extracts cover: {}; matched: {}; not matched (left out): {}. Comparison people used as controls: {}.",
            words(c.referred_in_period),
            words(c.referred_eligible),
            words(c.matched),
            words(c.unmatched),
            words(c.comparison_people_used),
        )),
    );
    if let Some(svg) = chart(c) {
        w!(out, r#"<figure class="linkwork-chart">{svg}</figure>"#);
    }
    let rows: Vec<(String, Vec<String>)> = c
        .outcomes
        .iter()
        .map(|o| {
            (
                escape(o.label),
                vec![
                    cell(&count(o.n)),
                    cell(&rate(o.referred_before_per_person_year)),
                    cell(&rate(o.referred_after_per_person_year)),
                    cell(&rate(o.comparison_before_per_person_year)),
                    cell(&rate(o.comparison_after_per_person_year)),
                    cell(&rate(o.naive_change_per_person_year)),
                    did_cell(o),
                ],
            )
        })
        .collect();
    table(
        out,
        &format!("Use per person-year over {} months before and after referral: referred people and their matched comparison group", c.method.window_months),
        &[
            ("Use", false),
            ("Matched referred people", true),
            ("Referred, before", true),
            ("Referred, after", true),
            ("Comparison, before", true),
            ("Comparison, after", true),
            ("Change in the referred (before and after only)", true),
            ("Difference-in-differences (95% CI)", true),
        ],
        &rows,
    );
    pre_trend(out, c);
    let balance: Vec<(String, Vec<String>)> = c
        .balance
        .iter()
        .map(|b| {
            let balanced = match b.balanced_after_matching {
                Shown::Value(true) => "Yes",
                Shown::Value(false) => "No",
                Shown::Suppressed => SUPPRESSED,
                Shown::NoData => "",
            };
            (
                escape(b.label),
                vec![
                    balance_value(b, b.referred_before_matching),
                    balance_value(b, b.comparison_before_matching),
                    cell(&stat(b.smd_before_matching, 2)),
                    balance_value(b, b.referred_after_matching),
                    balance_value(b, b.comparison_after_matching),
                    cell(&stat(b.smd_after_matching, 2)),
                    cell(balanced),
                ],
            )
        })
        .collect();
    table(
        out,
        "Balance: the groups before and after matching (standardised mean differences; under 0.1 in size is balanced)",
        &[
            ("Characteristic", false),
            ("Referred", true),
            ("All comparison people of the practices", true),
            ("SMD before", true),
            ("Matched referred", true),
            ("Matched comparison", true),
            ("SMD after", true),
            ("Balanced", true),
        ],
        &balance,
    );
    w!(out, r#"<h3 class="nhsuk-heading-s">Method</h3><ul class="nhsuk-list nhsuk-list--bullet">"#);
    for line in c.method.description {
        w!(out, "<li>{}</li>", escape(line));
    }
    out.push_str("</ul>");
    w!(out, r#"<h3 class="nhsuk-heading-s">Read with care</h3><ul class="nhsuk-list nhsuk-list--bullet">"#);
    for caveat in &c.caveats {
        w!(out, "<li>{}</li>", escape(caveat));
    }
    out.push_str("</ul></section>");
}

/// Per outcome, the change a before-and-after comparison shows (solid) beside the
/// difference-in-differences (hatched) with its 95% interval, per person-year, around a zero
/// line. `None` when nothing can be drawn.
fn chart(c: &ComparisonReport) -> Option<String> {
    let rows: Vec<(&OutcomeDid, f64, f64, Option<(f64, f64)>)> = c
        .outcomes
        .iter()
        .filter_map(|o| {
            let ci = match (o.did_ci95_low, o.did_ci95_high) {
                (Shown::Value(l), Shown::Value(h)) => Some((l, h)),
                _ => None,
            };
            Some((o, *o.naive_change_per_person_year.value()?, *o.did_per_person_year.value()?, ci))
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    let (width, left, right, top, row) = (720.0, 260.0, 40.0, 40.0, 48.0);
    let height = top + row * rows.len() as f64 + 30.0;
    let values = rows.iter().flat_map(|(_, n, d, ci)| [*n, *d].into_iter().chain(ci.map(|c| [c.0, c.1]).into_iter().flatten()));
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let span = (hi - lo).max(0.1);
    let x = |v: f64| left + (v - lo) / span * (width - left - right);
    let mut desc = "Bar chart per kind of use: the change per person-year a before-and-after comparison shows (solid bars) beside the difference-in-differences against the matched comparison group (hatched bars, with a line for its 95% confidence interval).".to_owned();
    for (o, n, d, _) in &rows {
        w!(desc, " {}: {} before and after only, {} against the comparison group.", o.label, fixed(*n, rate_decimals(*n)), fixed(*d, rate_decimals(*d)));
    }
    desc.push_str(" The figures are also in the table below.");
    let mut out = String::new();
    w!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="linkwork-chart__svg" viewBox="0 0 {width} {height:.1}" width="100%" role="img" aria-labelledby="comparison-chart-title comparison-chart-desc" font-size="14" fill="#212b32"><title id="comparison-chart-title">Change per person-year: before and after only, and against the comparison group</title><desc id="comparison-chart-desc">{}</desc><rect width="{width}" height="{height:.1}" fill="#ffffff"/>"##,
        escape(&desc)
    );
    out.push_str(r##"<defs><pattern id="comparison-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#4c6272" stroke-width="3"/></pattern></defs>"##);
    w!(out, r##"<rect x="{left}" y="8" width="14" height="14" fill="#005eb8"/><text x="{:.1}" y="20">Before and after only</text>"##, left + 20.0);
    w!(out, r##"<rect x="{:.1}" y="8" width="14" height="14" fill="url(#comparison-hatch)" stroke="#4c6272"/><text x="{:.1}" y="20">Against the comparison group</text>"##, left + 200.0, left + 220.0);
    let zero = x(0.0);
    for (i, (o, naive, did, ci)) in rows.iter().enumerate() {
        let y = top + row * i as f64;
        w!(out, r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#, left - 10.0, y + 24.0, escape(o.label));
        let bar = |v: f64| (x(v).min(zero), (x(v) - zero).abs());
        let (bx, bw) = bar(*naive);
        w!(out, r##"<rect x="{bx:.1}" y="{:.1}" width="{bw:.1}" height="16" fill="#005eb8"/>"##, y + 4.0);
        let (dx, dw) = bar(*did);
        w!(out, r##"<rect x="{dx:.1}" y="{:.1}" width="{dw:.1}" height="16" fill="url(#comparison-hatch)" stroke="#4c6272"/>"##, y + 24.0);
        if let Some((l, h)) = ci {
            w!(out, r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#212b32" stroke-width="2"/>"##, x(*l), y + 32.0, x(*h), y + 32.0);
        }
    }
    w!(out, r##"<line x1="{zero:.1}" y1="{:.1}" x2="{zero:.1}" y2="{:.1}" stroke="#212b32"/><text x="{zero:.1}" y="{:.1}" text-anchor="middle">0</text>"##, top - 4.0, height - 24.0, height - 8.0);
    out.push_str("</svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use linkwork_domain::evaluation::comparison::{ComparisonFacts, ComparisonPerson};
    use linkwork_domain::evaluation::equity::{AgeBand, ReferralGroups, EthnicGroup};
    use linkwork_domain::evaluation::health_system::{Contact, ContactType, PersonActivity, PersonReferral};
    use linkwork_domain::evaluation::{evaluate, testing, EvaluationInput, EvaluationSettings, Period};
    use linkwork_domain::person::Sex;
    use time::macros::date;
    use time::Date;

    fn contacts(dates: &[Date]) -> Vec<Contact> {
        dates.iter().map(|d| Contact { on: *d, contact_type: ContactType::GpSurgery, bed_days: None }).collect()
    }

    /// Twelve referred people of one practice, each with 4 GP appointments in the 6 months before
    /// referral and 1 after; sixty comparison people alike, with the same spell of use and the same
    /// fall. The fall is all what happened anyway: before-and-after shows −6 a person-year, the
    /// difference-in-differences 0.
    fn report(with_comparison: bool) -> linkwork_domain::evaluation::Report {
        let mut input = EvaluationInput::default();
        input.practices = vec![testing::practice("p1", "P1", 5000)];
        let on = date!(2026 - 06 - 01);
        let spell = [date!(2025 - 05 - 01), date!(2026 - 02 - 01), date!(2026 - 03 - 01), date!(2026 - 04 - 01), date!(2026 - 05 - 01), date!(2026 - 09 - 01), date!(2026 - 12 - 31)];
        for i in 0..12 {
            let id = format!("r{i}");
            input.referrals.push(testing::referral(id.clone(), Some("p1"), on));
            input.equity.referrals.push(ReferralGroups { referral_id: id.as_str().into(), age: AgeBand::A45to54, sex: Sex::Female, ethnicity: EthnicGroup::White, imd: None });
            input.health.referrals.push(PersonReferral { referral_id: id.as_str().into(), person: id.clone(), referred_on: on, practice_id: Some("p1".into()) });
            input.health.activity.push(PersonActivity { person: id, contacts: contacts(&spell) });
        }
        if with_comparison {
            input.comparison = ComparisonFacts {
                people: (0..60).map(|i| ComparisonPerson { key: format!("k{i:02}"), practice_id: "p1".into(), age: AgeBand::A45to54, sex: Sex::Female, imd: None, contacts: contacts(&spell) }).collect(),
                covers: Some((date!(2025 - 01 - 01), date!(2027 - 01 - 31))),
            };
        }
        // No rounding: every case picks the same five controls (all alike, ties broken by key),
        // which the default policy rightly hides as too few distinct people.
        let exact = EvaluationSettings { policy: linkwork_domain::evaluation::disclosure::SuppressionPolicy { max_suppressed: 0, rounding_base: 1 }, ..Default::default() };
        evaluate(&input, Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap(), &exact)
    }

    #[test]
    fn regression_to_the_mean_shows_against_the_comparison_group() {
        let figures = crate::figures(&report(true));
        let get = |id: &str| figures.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("{id}")).clone();
        assert_eq!(get("comparison.matched").value, "12");
        assert_eq!(get("comparison.gp_appointments.naive_change_per_person_year").value, "-6.0");
        let did = get("comparison.gp_appointments.did_per_person_year");
        assert_eq!((did.value.as_str(), did.ci95_low.as_str(), did.ci95_high.as_str()), ("0.0", "0.0", "0.0"));
        let html = crate::html_fragment(&report(true), "");
        let section = &html[html.find("lw-report-comparison").expect("the section")..];
        assert!(section.contains(r#"role="img""#), "a chart");
        assert!(section.contains("Balance: the groups before and after matching"));
    }

    #[test]
    fn the_pre_trend_check_is_a_figure_and_a_verdict_in_words() {
        let figures = crate::figures(&report(true));
        let pre = figures.iter().find(|f| f.id == "comparison.pre_trend.gp_appointments.did_per_person_year").expect("the figure");
        // Both groups had the same 4 appointments in the before window and none in the 6 months before it.
        assert_eq!((pre.value.as_str(), pre.ci95_low.as_str(), pre.ci95_high.as_str(), pre.n.as_str()), ("0.0", "0.0", "0.0", "12"));
        let html = crate::html_fragment(&report(true), "");
        assert!(html.contains("Were the groups&#39; GP use running parallel before referral?") || html.contains("Were the groups' GP use running parallel before referral?"));
        assert!(html.contains("As far as the data can tell."), "parallel: an interval that includes 0");
    }

    #[test]
    fn without_a_comparison_extract_there_is_no_section_and_no_figure() {
        let r = report(false);
        assert!(r.comparison.is_none());
        assert!(crate::figures(&r).iter().all(|f| f.section != "comparison"));
        assert!(!crate::html_fragment(&r, "").contains("lw-report-comparison"));
    }
}
