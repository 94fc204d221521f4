//! The `what_works` section: engagement, onward referrals and wellbeing change by referral source,
//! need, activity type and partner, sorted so a manager sees first what seems to work best. The
//! numbers arrive suppressed from `linkwork_domain::evaluation::what_works`.

use crate::primitives::format::{count, escape, fixed, one_dp, SUPPRESSED};
use crate::primitives::Figure;
use linkwork_domain::evaluation::disclosure::Shown;
use linkwork_domain::evaluation::Report;
use linkwork_domain::evaluation::what_works::{GroupWorks, MIN_PAIRED_TO_COMPARE};
use std::collections::HashSet;

const SECTION: &str = "what_works";

fn dimensions(report: &Report) -> [(&'static str, &'static str, &[GroupWorks]); 4] {
    let w = &report.what_works;
    [
        ("activity", "activity type", &w.by_activity),
        ("partner", "partner", &w.by_partner),
        ("need", "need", &w.by_need),
        ("source", "referral source", &w.by_source),
    ]
}

/// Unique id parts per dimension: a second group with the same slug gets `_2`.
fn keys(groups: &[GroupWorks]) -> Vec<String> {
    let mut seen = HashSet::new();
    groups
        .iter()
        .map(|g| {
            let base = if g.key.is_empty() { "group".to_owned() } else { g.key.clone() };
            let mut key = base.clone();
            let mut i = 2;
            while !seen.insert(key.clone()) {
                key = format!("{base}_{i}");
                i += 1;
            }
            key
        })
        .collect()
}

pub(crate) fn figures(report: &Report, out: &mut Vec<Figure>) {
    let threshold = fixed(report.what_works.threshold, 1);
    for (dim, what, groups) in dimensions(report) {
        for (g, key) in groups.iter().zip(keys(groups)) {
            let id = format!("what_works.{dim}.{key}");
            let mut push = |metric: &str, label: String, value: String, n: String, unit: &'static str, definition: String, ci: (String, String)| {
                out.push(Figure {
                    id: format!("{id}.{metric}"),
                    section: SECTION,
                    label,
                    value,
                    n,
                    ci95_low: ci.0,
                    ci95_high: ci.1,
                    unit,
                    definition,
                })
            };
            let none = || (String::new(), String::new());
            push(
                "referrals",
                format!("{}: referrals", g.label),
                count(g.referrals),
                String::new(),
                "referrals",
                format!("Referrals in the period in this {what} group (groups overlap)."),
                none(),
            );
            push(
                "pct_engaged",
                format!("{}: engaged", g.label),
                one_dp(g.pct_engaged),
                count(g.referrals),
                "%",
                "Referrals with at least one contact after the first, as a % of the group's referrals.".to_owned(),
                none(),
            );
            push(
                "onward_sent",
                format!("{}: onward referrals", g.label),
                count(g.onward_sent),
                String::new(),
                "onward referrals",
                "Onward referrals sent for the group's referrals.".to_owned(),
                none(),
            );
            push(
                "pct_onward_went",
                format!("{}: onward attended or completed", g.label),
                one_dp(g.pct_onward_went),
                count(g.onward_sent),
                "%",
                "Onward referrals the person attended or completed, as a % of those sent.".to_owned(),
                none(),
            );
            push(
                "swemwbs_change",
                format!("{}: mean SWEMWBS change", g.label),
                one_dp(g.mean_change),
                count(g.n_paired),
                "points",
                "Mean change in the SWEMWBS metric score, baseline to latest follow-up, people in the group with both; t-based 95% CI.".to_owned(),
                (one_dp(g.ci95_low), one_dp(g.ci95_high)),
            );
            push(
                "pct_improved",
                format!("{}: improved SWEMWBS", g.label),
                one_dp(g.pct_improved),
                count(g.n_paired),
                "%",
                format!("People in the group whose SWEMWBS metric score rose by at least {threshold} points, of those with both measures."),
                none(),
            );
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

pub(crate) fn html(out: &mut String, report: &Report) {
    let ww = &report.what_works;
    out.push_str(r#"<section class="linkwork-report__section" aria-labelledby="lw-report-what-works"><h2 class="nhsuk-heading-m" id="lw-report-what-works">What works</h2>"#);
    w!(
        out,
        r#"<p class="nhsuk-body">For deciding what to strengthen: how engaged people were, how often onward referrals were taken up and how much wellbeing (SWEMWBS) changed, by activity type, partner, need and referral source. Each table puts first, best first by the % who improved by at least {} points, the groups with at least {} people with both measures; smaller groups follow, largest first, without an interval or a rank, as their order would be mostly chance.</p>"#,
        fixed(ww.threshold, 1),
        MIN_PAIRED_TO_COMPARE
    );
    let compared = dimensions(report).iter().map(|(_, _, groups)| groups.iter().filter(|g| g.compared).count()).sum::<usize>();
    w!(
        out,
        r#"<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p>Groups overlap (a person can have several needs and go to several activities) and there is no comparison group: differences suggest where to look, not what caused them. People who go to an activity may differ from those who do not.</p><p>{compared} group{} compared here. With many comparisons some differences appear by chance alone: about 1 in 20 of the 95% intervals will miss the true change, so a group that stands out is a question to look into, not a finding.</p></div>"#,
        if compared == 1 { " is" } else { "s" }
    );
    if let Some(chart) = chart("lw-chart-what-works", &ww.by_activity) {
        w!(out, r#"<div class="linkwork-chart">{chart}</div>"#);
    }
    for (_, what, groups) in dimensions(report) {
        if groups.is_empty() {
            continue;
        }
        w!(
            out,
            r#"<table class="nhsuk-table"><caption class="nhsuk-table__caption">By {}</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row">"#,
            escape(what)
        );
        for (heading, numeric) in [
            (what, false),
            ("Referrals", true),
            ("Engaged (%)", true),
            ("Onward referrals", true),
            ("Attended or completed (%)", true),
            ("With both measures", true),
            ("Mean change (95% CI)", true),
            ("Improved (%)", true),
        ] {
            let class = if numeric { "nhsuk-table__header nhsuk-table__header--numeric" } else { "nhsuk-table__header" };
            let heading = if numeric { heading.to_owned() } else { capitalise(heading) };
            w!(out, r#"<th scope="col" class="{class}">{}</th>"#, escape(&heading));
        }
        out.push_str(r#"</tr></thead><tbody class="nhsuk-table__body">"#);
        for g in groups {
            let change = match (g.mean_change, g.ci95_low, g.ci95_high) {
                (Shown::Value(m), Shown::Value(lo), Shown::Value(hi)) => format!("{} ({} to {})", fixed(m, 1), fixed(lo, 1), fixed(hi, 1)),
                (Shown::Value(m), _, _) if !g.compared => format!("{} (too few to compare)", fixed(m, 1)),
                (m, _, _) => one_dp(m),
            };
            w!(out, r#"<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{}</th>"#, escape(&g.label));
            for cell in [
                count(g.referrals),
                one_dp(g.pct_engaged),
                count(g.onward_sent),
                one_dp(g.pct_onward_went),
                count(g.n_paired),
                change,
                one_dp(g.pct_improved),
            ] {
                w!(out, r#"<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>"#, shown(&cell));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
    }
    out.push_str(r#"<p class="nhsuk-body">Activity types are the directory categories of the services people were referred on to (or the needs a service meets when it has no category). Engaged means at least one contact after the first.</p></section>"#);
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// Horizontal bars of % improved by activity type, for the groups where it is shown.
fn chart(id: &str, groups: &[GroupWorks]) -> Option<String> {
    let rows: Vec<(&str, f64)> = groups.iter().filter_map(|g| g.pct_improved.value().map(|v| (g.label.as_str(), *v))).collect();
    if rows.is_empty() {
        return None;
    }
    let (width, left, right, top, row_h) = (720.0, 300.0, 60.0, 20.0, 30.0);
    let plot_bottom = top + row_h * rows.len() as f64;
    let height = plot_bottom + 44.0;
    let x = |v: f64| left + v / 100.0 * (width - left - right);
    let mut desc = "Horizontal bar chart of the % of people whose wellbeing improved, by the type of activity they were referred on to, best first.".to_owned();
    for (label, v) in &rows {
        w!(desc, " {label}: {}%.", fixed(*v, 1));
    }
    desc.push_str(" Activity types with 1 to 7 people are not drawn. The figures are also in the table that follows.");
    let mut out = String::new();
    w!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="linkwork-chart__svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-size="14" fill="#212b32"><title id="{id}-title">People whose wellbeing improved, by activity type</title><desc id="{id}-desc">{}</desc><rect width="{width}" height="{height}" fill="#ffffff"/>"##,
        escape(&desc)
    );
    for t in [0.0, 25.0, 50.0, 75.0, 100.0] {
        w!(
            out,
            r##"<line x1="{0}" y1="{top}" x2="{0}" y2="{1}" stroke="#d8dde0"/><text x="{0}" y="{2}" text-anchor="middle" fill="#4c6272">{t}%</text>"##,
            fixed(x(t), 1),
            fixed(plot_bottom, 1),
            fixed(plot_bottom + 18.0, 1)
        );
    }
    for (i, (label, v)) in rows.iter().enumerate() {
        let cy = top + row_h * (i as f64 + 0.5);
        let label: String = if label.chars().count() > 40 {
            label.chars().take(39).chain(['…']).collect()
        } else {
            (*label).to_owned()
        };
        w!(out, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, left - 10.0, fixed(cy + 5.0, 1), escape(&label));
        w!(out, r##"<rect x="{left}" y="{}" width="{}" height="16" fill="#005eb8"/>"##, fixed(cy - 8.0, 1), fixed(x(*v) - left, 1));
        w!(out, r#"<text x="{}" y="{}">{}%</text>"#, fixed(x(*v) + 6.0, 1), fixed(cy + 5.0, 1), escape(&fixed(*v, 1)));
    }
    w!(
        out,
        r#"<text x="{}" y="{}" text-anchor="middle">% improved by the threshold (SWEMWBS)</text>"#,
        fixed(left + (width - left - right) / 2.0, 1),
        fixed(height - 6.0, 1)
    );
    out.push_str("</svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use linkwork_domain::evaluation::{evaluate, testing, EvaluationInput, EvaluationSettings, Period};
    use linkwork_domain::onward::OnwardStatus;
    use linkwork_domain::evaluation::what_works::OnwardUse;
    use time::macros::date;

    #[test]
    fn figures_and_html() {
        let mut input = EvaluationInput::default();
        for i in 0..32 {
            let id = format!("r{i}");
            input.referrals.push(testing::referral(id.clone(), None, date!(2026 - 05 - 01)));
            input.what_works.contacts.push((id.clone().into(), if i < 24 { 4 } else { 1 }));
            for partner in ["Walk Club", "Walk-Club"] {
                input.what_works.onward.push(OnwardUse {
                    referral_id: id.clone().into(),
                    partner: partner.into(),
                    activities: vec!["Physical activity".into()].into(),
                    status: OnwardStatus::Attended,
                    sent_on: date!(2026 - 05 - 02),
                });
            }
        }
        let report = evaluate(&input, Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap(), &EvaluationSettings::default());
        let mut figs = Vec::new();
        super::figures(&report, &mut figs);
        let get = |id: &str| figs.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("no {id}")).value.clone();
        // 24 of 32 engaged, shown as the rounded counts' share, 25 of 30 (neither 24 nor the 8
        // who did not is a count of 1–7; 9 of 12 would be suppressed, as the 3 would follow).
        assert_eq!(get("what_works.source.gp_practice.pct_engaged"), "83.3");
        assert_eq!(get("what_works.activity.physical_activity.pct_onward_went"), "100.0");
        // Two partners with the same slug get distinct ids.
        assert_eq!(get("what_works.partner.walk_club.referrals"), "30");
        assert_eq!(get("what_works.partner.walk_club_2.referrals"), "30");
        assert_eq!(get("what_works.source.gp_practice.swemwbs_change"), "");
        let mut html = String::new();
        super::html(&mut html, &report);
        assert!(html.contains("there is no comparison group") && html.contains("<caption class=\"nhsuk-table__caption\">By activity type</caption>"));
        assert!(!html.contains("lw-chart-what-works"), "no chart without a shown % improved");
    }
}
