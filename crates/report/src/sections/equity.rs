//! The `equity` section: referrals' share of each group (age band, sex, ethnic group, IMD
//! quintile) against the group's share of the registered list, as observed/expected ratios with
//! 95% intervals, and SWEMWBS change by group. Figures, chart and tables live together so they
//! always agree; every number arrives suppressed from `linkwork_domain::evaluation::equity`.

use crate::primitives::html::table;
use crate::primitives::format::{count, escape, fixed, one_dp, stat, SUPPRESSED};
use crate::primitives::Figure;
use linkwork_domain::evaluation::disclosure::Shown;
use linkwork_domain::evaluation::equity::{DimensionEquity, Group, GroupReach, MIN_EXPECTED_FOR_RATIO};
use linkwork_domain::evaluation::Report;

const SECTION: &str = "equity";

/// A group's part of a figure id: `q1`, `18_24`, `85_plus`, `under_18`, `male`, `white`.
pub(crate) fn group_slug(group: Group) -> String {
    match group {
        Group::Age(a) if a.code() == "0-17" => "under_18".to_owned(),
        Group::Sex(s) => match s {
            linkwork_domain::person::Sex::Male => "male",
            linkwork_domain::person::Sex::Female => "female",
            linkwork_domain::person::Sex::Indeterminate => "indeterminate",
            linkwork_domain::person::Sex::NotKnown => "sex_not_known",
        }
        .to_owned(),
        g => g.code().replace('-', "_").replace('+', "_plus"),
    }
}

/// The dimension as it reads inside a sentence.
fn phrase(d: linkwork_domain::evaluation::equity::Dimension) -> String {
    use linkwork_domain::evaluation::equity::Dimension;
    match d {
        Dimension::ImdQuintile => "deprivation (IMD quintile)".to_owned(),
        other => other.label().to_lowercase(),
    }
}

fn figure(id: String, label: String, value: String, n: String, unit: &'static str, definition: String, ci: (String, String)) -> Figure {
    Figure {
        id,
        section: SECTION,
        label,
        value,
        n,
        ci95_low: ci.0,
        ci95_high: ci.1,
        unit,
        definition,
    }
}

fn none() -> (String, String) {
    (String::new(), String::new())
}

/// The equity figures, in reading order.
pub(crate) fn figures(report: &Report, out: &mut Vec<Figure>) {
    let e = &report.equity;
    for d in &e.dimensions {
        let dim = d.dimension.code();
        let what = phrase(d.dimension);
        out.push(figure(
            format!("equity.{dim}.referrals"),
            format!("Referrals placed by {what}"),
            count(d.referrals),
            String::new(),
            "referrals",
            format!("Referrals received in the period whose {what} is known, from practices with a list profile for it: the total the shares below are of."),
            none(),
        ));
        out.push(figure(
            format!("equity.{dim}.unknown"),
            format!("Referrals with {what} not known"),
            count(d.unknown),
            String::new(),
            "referrals",
            format!("Referrals in the period left out because the person's {what} is not known (for deprivation: a postcode not in the imported lookup)."),
            none(),
        ));
        for g in &d.groups {
            let slug = group_slug(g.group);
            let id = format!("equity.{dim}.{slug}");
            out.push(figure(
                format!("{id}.list_share_pct"),
                format!("{}: share of the registered list", g.label),
                g.list_share_pct.map(|v| fixed(v, 1)).unwrap_or_default(),
                g.list_people.to_string(),
                "%",
                format!("Registered patients in this group as a % of the {} on the practices' list profiles.", d.list_people),
                none(),
            ));
            out.push(figure(
                format!("{id}.observed"),
                format!("{}: referrals", g.label),
                count(g.observed),
                String::new(),
                "referrals",
                "Referrals in the period from people in this group.".to_owned(),
                none(),
            ));
            out.push(figure(
                format!("{id}.expected"),
                format!("{}: referrals expected", g.label),
                stat(g.expected, 1),
                String::new(),
                "referrals",
                "Referrals expected if every group were referred in proportion to its share of the list: all placed referrals × the group's list share.".to_owned(),
                none(),
            ));
            out.push(figure(
                format!("{id}.oe_ratio"),
                format!("{}: observed ÷ expected", g.label),
                stat(g.oe_ratio, 2),
                count(g.observed),
                "ratio",
                "Referrals observed ÷ expected. 1 means referred in proportion to the list; below 1 under-reached, above 1 over-reached. 95% interval treating the observed count as Poisson (log-normal; exact upper limit when none).".to_owned(),
                (stat(g.ci95_low, 2), stat(g.ci95_high, 2)),
            ));
        }
        for o in &d.outcomes {
            let id = format!("equity.{dim}.{}", group_slug(o.group));
            out.push(figure(
                format!("{id}.swemwbs_change"),
                format!("{}: mean SWEMWBS change", o.label),
                one_dp(o.mean_change),
                count(o.n_paired),
                "points",
                "Mean change in the SWEMWBS metric score from baseline to latest follow-up, people in this group with both (higher is better), with its t-based 95% confidence interval.".to_owned(),
                (one_dp(o.ci95_low), one_dp(o.ci95_high)),
            ));
            out.push(figure(
                format!("{id}.pct_improved"),
                format!("{}: improved SWEMWBS", o.label),
                one_dp(o.pct_improved),
                count(o.n_paired),
                "%",
                format!(
                    "People in this group whose SWEMWBS metric score rose by at least {} points, as a % of those with a baseline and a follow-up.",
                    fixed(e.threshold, 1)
                ),
                none(),
            ));
        }
    }
}

fn shown(text: &str) -> String {
    match text {
        SUPPRESSED => r#"<span aria-hidden="true">*</span><span class="nhsuk-u-visually-hidden">suppressed</span>"#.to_owned(),
        "" => r#"<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">no data</span>"#.to_owned(),
        other => escape(other),
    }
}

fn ratio_with_ci(g: &GroupReach) -> String {
    match (g.oe_ratio, g.ci95_low, g.ci95_high) {
        (Shown::Value(r), Shown::Value(lo), Shown::Value(hi)) => format!("{} ({} to {})", fixed(r, 2), fixed(lo, 2), fixed(hi, 2)),
        (r, _, _) => stat(r, 2),
    }
}

/// The section's HTML (after the core sections). Says plainly when no list profile is loaded.
pub(crate) fn html(out: &mut String, report: &Report) {
    let e = &report.equity;
    w!(
        out,
        r#"<section class="linkwork-report__section" aria-labelledby="lw-report-equity"><h2 class="nhsuk-heading-m" id="lw-report-equity">Equity: who the service reaches</h2>"#
    );
    if e.dimensions.is_empty() {
        out.push_str(r#"<p class="nhsuk-body">No list profile has been imported for these practices, so referrals cannot be compared with the registered population. Import one with <code>linkwork import list-profile</code>.</p></section>"#);
        return;
    }
    w!(
        out,
        r#"<p class="nhsuk-body">Each group's share of referrals compared with its share of the practices' registered lists. A ratio of observed to expected referrals of 1 means the group was referred in proportion to its size; below 1 it was under-reached. Where the 95% interval (exact Poisson) does not include 1, the difference is unlikely to be chance alone. No ratio is shown where fewer than {} referrals were expected: it would move too far with one referral more or less.</p>"#,
        MIN_EXPECTED_FOR_RATIO
    );
    out.push_str(r#"<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p>The list shares are a benchmark of the population, not of need: groups with more need (older, more deprived) would be expected to be referred more than their share, so a ratio of 1 is not the target for every group.</p></div>"#);
    if let Some(chart) = oe_chart("lw-chart-equity", &e.dimensions) {
        w!(out, r#"<div class="linkwork-chart">{chart}</div>"#);
    }
    for d in &e.dimensions {
        let rows: Vec<(String, Vec<String>)> = d
            .groups
            .iter()
            .map(|g| {
                (
                    escape(&g.label),
                    vec![
                        shown(&g.list_share_pct.map(|v| fixed(v, 1)).unwrap_or_default()),
                        shown(&count(g.observed)),
                        shown(&one_dp(g.observed_share_pct)),
                        shown(&stat(g.expected, 1)),
                        shown(&ratio_with_ci(g)),
                    ],
                )
            })
            .collect();
        table(
            out,
            &format!("Referrals by {} against the registered list", phrase(d.dimension)),
            &[
                ("Group", false),
                ("List share (%)", true),
                ("Referrals", true),
                ("Referral share (%)", true),
                ("Expected", true),
                ("Observed ÷ expected (95% CI)", true),
            ],
            &rows,
        );
        w!(out, r#"<p class="nhsuk-body">Compared with {}.</p>"#, escape(d.compared_with));
        if d.practices_without_profile > 0 {
            w!(
                out,
                r#"<p class="nhsuk-body">{} practice{} in scope {} no list profile by {}, so {} referrals from {} (and any without a practice) are left out above.</p>"#,
                d.practices_without_profile,
                if d.practices_without_profile == 1 { "" } else { "s" },
                if d.practices_without_profile == 1 { "has" } else { "have" },
                escape(&phrase(d.dimension)),
                shown(&count(d.referrals_left_out)),
                if d.practices_without_profile == 1 { "it" } else { "them" }
            );
        }
        if !matches!(d.unknown, Shown::Value(0)) {
            w!(
                out,
                r#"<p class="nhsuk-body">Referrals whose {} is not known, left out above: {}.</p>"#,
                escape(&phrase(d.dimension)),
                shown(&count(d.unknown))
            );
        }
    }
    out.push_str(r#"<h3 class="nhsuk-heading-s">Wellbeing change by group</h3>"#);
    w!(
        out,
        r#"<p class="nhsuk-body">Mean change in the SWEMWBS metric score (higher is better) for people with a baseline and a follow-up, and the % who improved by at least {} points. Groups with 1 to 7 people are shown as *.</p>"#,
        fixed(e.threshold, 1)
    );
    for d in &e.dimensions {
        let rows: Vec<(String, Vec<String>)> = d
            .outcomes
            .iter()
            .map(|o| {
                let change = match (o.mean_change, o.ci95_low, o.ci95_high) {
                    (Shown::Value(m), Shown::Value(lo), Shown::Value(hi)) => format!("{} ({} to {})", fixed(m, 1), fixed(lo, 1), fixed(hi, 1)),
                    (m, _, _) => one_dp(m),
                };
                (escape(&o.label), vec![shown(&count(o.n_paired)), shown(&change), shown(&one_dp(o.pct_improved))])
            })
            .collect();
        table(
            out,
            &format!("SWEMWBS change by {}", phrase(d.dimension)),
            &[("Group", false), ("People with both measures", true), ("Mean change (95% CI)", true), ("Improved (%)", true)],
            &rows,
        );
    }
    out.push_str(r#"<p class="nhsuk-body">The list profile is the practices' registered population; referrals without a known group are left out of that dimension. Ethnic groups are the five ONS census groups, grouped from the NHS ethnic category. Deprivation is the English Index of Multiple Deprivation 2019 of the person's postcode's area (quintile 1 is the most deprived fifth of England).</p>"#);
    out.push_str("</section>");
}

const WIDTH: f64 = 720.0;
const TEXT: &str = "#212b32";
const SECONDARY: &str = "#4c6272";
const GRID: &str = "#d8dde0";
const BLUE: &str = "#005eb8";

fn c(v: f64) -> String {
    fixed(v, 1)
}

/// Forest plot of every shown O/E ratio with its interval, grouped by dimension, on a log scale
/// with a reference line at 1. `None` when no ratio is shown.
pub(crate) fn oe_chart(id: &str, dimensions: &[DimensionEquity]) -> Option<String> {
    struct Row {
        label: String,
        ratio: f64,
        ci: Option<(f64, f64)>,
        heading: bool,
    }
    let mut rows = Vec::new();
    for d in dimensions {
        let shown: Vec<&GroupReach> = d.groups.iter().filter(|g| g.oe_ratio.value().is_some()).collect();
        if shown.is_empty() {
            continue;
        }
        rows.push(Row {
            label: d.dimension.label().to_owned(),
            ratio: 1.0,
            ci: None,
            heading: true,
        });
        for g in shown {
            rows.push(Row {
                label: g.label.clone(),
                ratio: *g.oe_ratio.value()?,
                ci: g.ci95_low.value().copied().zip(g.ci95_high.value().copied()),
                heading: false,
            });
        }
    }
    if rows.is_empty() {
        return None;
    }
    // Log scale from 1/8 to 8, clamped: ratios are symmetric on it (0.5 and 2 equally far from 1).
    let (lo_bound, hi_bound) = (0.125f64, 8.0f64);
    let (left, right, top, bottom, row) = (230.0, 150.0, 36.0, 56.0, 26.0);
    let plot_bottom = top + row * rows.len() as f64;
    let height = plot_bottom + bottom;
    let x = |v: f64| {
        let v = v.clamp(lo_bound, hi_bound);
        left + (v.ln() - lo_bound.ln()) / (hi_bound.ln() - lo_bound.ln()) * (WIDTH - right - left)
    };
    let mut desc = "Chart of each group's referrals observed divided by expected from its share of the registered list, on a logarithmic scale, with 95% intervals as error bars; a dashed line marks 1, referral in proportion.".to_owned();
    for r in rows.iter().filter(|r| !r.heading) {
        match r.ci {
            Some((lo, hi)) => w!(desc, " {}: {} ({} to {}).", r.label, fixed(r.ratio, 2), fixed(lo, 2), fixed(hi, 2)),
            None => w!(desc, " {}: {}.", r.label, fixed(r.ratio, 2)),
        }
    }
    desc.push_str(" Groups with 1 to 7 referrals are not drawn. The figures are also in the tables that follow.");
    let mut out = String::new();
    w!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="linkwork-chart__svg" viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-size="14" fill="{TEXT}"><title id="{id}-title">Referrals observed ÷ expected by group</title><desc id="{id}-desc">{}</desc><rect width="{}" height="{}" fill="#ffffff"/>"##,
        c(WIDTH),
        c(height),
        escape(&desc),
        c(WIDTH),
        c(height)
    );
    for t in [0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0] {
        w!(out, r#"<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{GRID}"/>"#, c(x(t)), c(top), c(plot_bottom));
        let label = if t < 1.0 { format!("1/{}", (1.0 / t).round()) } else { format!("{t}") };
        w!(out, r#"<text x="{}" y="{}" text-anchor="middle" fill="{SECONDARY}">{label}</text>"#, c(x(t)), c(plot_bottom + 20.0));
    }
    w!(
        out,
        r#"<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{TEXT}" stroke-width="1.5" stroke-dasharray="6 4"/>"#,
        c(x(1.0)),
        c(top),
        c(plot_bottom)
    );
    w!(out, r#"<text x="{}" y="{}" text-anchor="end" font-weight="bold">O/E (95% CI)</text>"#, c(WIDTH - 8.0), c(top - 12.0));
    for (i, r) in rows.iter().enumerate() {
        let cy = top + row * (i as f64 + 0.5);
        if r.heading {
            w!(out, r#"<text x="8" y="{}" font-weight="bold">{}</text>"#, c(cy + 5.0), escape(&r.label));
            continue;
        }
        let label: String = if r.label.chars().count() > 28 {
            r.label.chars().take(27).chain(['…']).collect()
        } else {
            r.label.clone()
        };
        w!(out, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, c(left - 12.0), c(cy + 5.0), escape(&label));
        if let Some((lo, hi)) = r.ci {
            w!(out, r#"<line x1="{}" y1="{2}" x2="{}" y2="{2}" stroke="{TEXT}" stroke-width="2"/>"#, c(x(lo)), c(x(hi)), c(cy));
        }
        w!(out, r#"<rect x="{}" y="{}" width="10" height="10" fill="{BLUE}" stroke="{TEXT}"/>"#, c(x(r.ratio) - 5.0), c(cy - 5.0));
        let value = match r.ci {
            Some((lo, hi)) => format!("{} ({}–{})", fixed(r.ratio, 2), fixed(lo, 2), fixed(hi, 2)),
            None => fixed(r.ratio, 2),
        };
        w!(out, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, c(WIDTH - 8.0), c(cy + 5.0), escape(&value));
    }
    w!(
        out,
        r#"<text x="{}" y="{}" text-anchor="middle">Referrals observed ÷ expected (log scale)</text>"#,
        c(left + (WIDTH - right - left) / 2.0),
        c(height - 8.0)
    );
    out.push_str("</svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkwork_domain::evaluation::equity::{AgeBand, ImdDecile};
    use linkwork_domain::person::Sex;

    use linkwork_domain::evaluation::equity::{EthnicGroup, ListCount, ReferralGroups};
    use linkwork_domain::evaluation::{evaluate, testing, EvaluationSettings, Period};
    use time::macros::date;

    /// 30 referrals: 20 from IMD quintile 1 (20% of the list), 10 from quintile 5 (80%).
    fn report() -> Report {
        let mut input = testing::input_for(&[("p", "P", 1000)]);
        let q = |d| ImdDecile::new(d).unwrap().quintile();
        input.equity.list = vec![ListCount { practice_id: "p".into(), group: Group::Imd(q(1)), people: 200 }, ListCount { practice_id: "p".into(), group: Group::Imd(q(10)), people: 800 }];
        for i in 0..30 {
            let id = format!("r{i}");
            input.referrals.push(testing::referral(id.clone(), Some("p"), date!(2026 - 05 - 01)));
            input.equity.referrals.push(ReferralGroups { referral_id: id.into(), age: AgeBand::A45to54, sex: Sex::Female, ethnicity: EthnicGroup::White, imd: Some(q(if i < 20 { 1 } else { 10 })) });
        }
        evaluate(&input, Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap(), &EvaluationSettings::default())
    }

    #[test]
    fn figures_chart_and_tables() {
        let report = report();
        let mut figs = Vec::new();
        figures(&report, &mut figs);
        let get = |id: &str| figs.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("no figure {id}"));
        // q1: expected 30 × 0.2 = 6, observed 20: 3.33, exact Poisson interval 2.04 to 5.15
        // (χ²₀.₀₂₅(40)/12, χ²₀.₉₇₅(42)/12, by SciPy).
        let q1 = get("equity.imd_quintile.q1.oe_ratio");
        assert_eq!((q1.value.as_str(), q1.ci95_low.as_str(), q1.ci95_high.as_str(), q1.n.as_str()), ("3.33", "2.04", "5.15", "20"));
        assert_eq!(get("equity.imd_quintile.q1.expected").value, "6.0");
        assert_eq!(get("equity.imd_quintile.q5.oe_ratio").value, "0.42");
        assert_eq!(get("equity.imd_quintile.q5.list_share_pct").value, "80.0");
        assert_eq!(get("equity.imd_quintile.referrals").value, "30");
        assert!(figs.iter().all(|f| f.section == "equity"));
        let mut ids: Vec<&str> = figs.iter().map(|f| f.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), figs.len(), "ids are unique");

        let mut html = String::new();
        super::html(&mut html, &report);
        assert!(html.contains(r#"<svg"#) && html.contains("lw-chart-equity-desc") && html.contains("stroke-dasharray"));
        assert!(html.contains("Quintile 1 (most deprived): 3.33 (2.04 to 5.15)."));
        assert!(html.contains("<caption class=\"nhsuk-table__caption\">Referrals by deprivation (IMD quintile) against the registered list</caption>"));
        // The whole report carries it too.
        assert!(crate::html_fragment(&report, "x").contains("Equity: who the service reaches"));
        assert!(crate::to_csv(&report).contains("equity.imd_quintile.q1.oe_ratio,equity,"));
    }

    #[test]
    fn without_a_list_profile_the_section_says_so() {
        let mut report = report();
        report.equity.dimensions.clear();
        let mut html = String::new();
        super::html(&mut html, &report);
        assert!(html.contains("No list profile has been imported"));
        assert!(oe_chart("x", &[]).is_none());
    }

    #[test]
    fn group_slugs_are_stable_ids() {
        assert_eq!(group_slug(Group::Imd(ImdDecile::new(1).unwrap().quintile())), "q1");
        assert_eq!(group_slug(Group::Age(AgeBand::A18to24)), "18_24");
        assert_eq!(group_slug(Group::Age(AgeBand::A85Plus)), "85_plus");
        assert_eq!(group_slug(Group::Age(AgeBand::Under18)), "under_18");
        assert_eq!(group_slug(Group::Sex(Sex::Female)), "female");
        assert_eq!(group_slug(Group::Sex(Sex::NotKnown)), "sex_not_known");
    }
}
