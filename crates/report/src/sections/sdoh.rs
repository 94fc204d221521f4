//! The `sdoh` section: for each need domain (social determinants of health), people discharged in
//! the period with that need and what the link worker recorded about it at discharge — resolved,
//! partly resolved, not resolved, not worked on. Figures, a stacked-bar chart and a table live
//! together so they agree; every number arrives suppressed from `linkwork_domain::evaluation::resolution`.

use crate::primitives::format::{count, escape, fixed, one_dp, SUPPRESSED};
use crate::primitives::Figure;
use linkwork_domain::evaluation::disclosure::Shown;
use linkwork_domain::evaluation::Report;
use linkwork_domain::evaluation::resolution::NeedOutcome;

const SECTION: &str = "sdoh";
const BLUE: &str = "#005eb8";
const TEXT: &str = "#212b32";
const DARK_GREY: &str = "#4c6272";
const LIGHT_GREY: &str = "#d8dde0";

fn figure(id: String, label: String, value: String, n: String, unit: &'static str, definition: String, ci: (String, String)) -> Figure {
    Figure { id, section: SECTION, label, value, n, ci95_low: ci.0, ci95_high: ci.1, unit, definition }
}

/// The four outcomes: id part, label, and the percentage of a need.
fn outcomes(n: &NeedOutcome) -> [(&'static str, &'static str, Shown<f64>); 4] {
    [("resolved", "Resolved", n.resolved_pct), ("partly", "Partly resolved", n.partly_pct), ("not_resolved", "Not resolved", n.not_resolved_pct), ("not_worked_on", "Not worked on", n.not_worked_on_pct)]
}

/// The section's figures, in reading order (needs in the need list's order).
pub(crate) fn figures(report: &Report, out: &mut Vec<Figure>) {
    for n in &report.sdoh.needs {
        let need = n.need.code();
        let label = n.label;
        out.push(figure(
            format!("sdoh.{need}.discharged"),
            format!("{label}: referrals discharged with this need"),
            count(n.n),
            String::new(),
            "referrals",
            "Referrals discharged in the period that identified this need (at referral or in the \"what matters\" conversation); a person discharged twice in the period counts twice.".into(),
            (String::new(), String::new()),
        ));
        out.push(figure(
            format!("sdoh.{need}.recorded"),
            format!("{label}: outcome recorded at discharge"),
            count(n.n_recorded),
            String::new(),
            "referrals",
            "Of those, referrals whose link worker recorded what happened with this need at discharge: the denominator of the percentages.".into(),
            (String::new(), String::new()),
        ));
        for (key, what, pct) in outcomes(n) {
            let ci = if key == "resolved" { (one_dp(n.resolved_ci95_low), one_dp(n.resolved_ci95_high)) } else { (String::new(), String::new()) };
            out.push(figure(
                format!("sdoh.{need}.{key}_pct"),
                format!("{label}: {}", what.to_lowercase()),
                one_dp(pct),
                count(n.n_recorded),
                "%",
                format!(
                    "Percentage of referrals discharged in the period with this need and a recorded outcome whose need was recorded as \"{}\"{}.",
                    what.to_lowercase(),
                    if key == "resolved" { ", with a Wilson 95% confidence interval" } else { "" }
                ),
                ci,
            ));
        }
        out.push(figure(
            format!("sdoh.{need}.not_recorded"),
            format!("{label}: outcome not recorded"),
            count(n.not_recorded),
            String::new(),
            "referrals",
            "Referrals discharged with this need whose outcome was not recorded (left out of the percentages).".into(),
            (String::new(), String::new()),
        ));
    }
}

fn shown(text: &str) -> String {
    match text {
        SUPPRESSED => r#"<span aria-hidden="true">*</span><span class="nhsuk-u-visually-hidden">suppressed</span>"#.to_owned(),
        "" => r#"<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">no data</span>"#.to_owned(),
        other => escape(other),
    }
}

/// The HTML section: what it shows, the stacked bars, and the table.
pub(crate) fn html(out: &mut String, report: &Report) {
    let s = &report.sdoh;
    out.push_str(r#"<section class="linkwork-report__section" aria-labelledby="lw-report-sdoh"><h2 class="nhsuk-heading-m" id="lw-report-sdoh">Needs resolved by discharge</h2>"#);
    w!(out, r#"<p class="nhsuk-body">{}</p>"#, escape(s.definition));
    if s.needs.is_empty() {
        out.push_str(r#"<p class="nhsuk-body">Nobody with a recorded need was discharged in the period.</p></section>"#);
        return;
    }
    if let Some(chart) = stacked_bars("lw-chart-sdoh", &s.needs) {
        w!(out, r#"<div class="linkwork-chart">{chart}</div>"#);
    }
    out.push_str(r#"<table class="nhsuk-table"><caption class="nhsuk-table__caption">What happened with each need by discharge</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row">"#);
    for (heading, numeric) in [
        ("Need", false),
        ("Referrals discharged", true),
        ("Outcome recorded", true),
        ("Resolved (%)", true),
        ("95% CI", true),
        ("Partly resolved (%)", true),
        ("Not resolved (%)", true),
        ("Not worked on (%)", true),
        ("Not recorded", true),
    ] {
        let class = if numeric { "nhsuk-table__header nhsuk-table__header--numeric" } else { "nhsuk-table__header" };
        w!(out, r#"<th scope="col" class="{class}">{heading}</th>"#);
    }
    out.push_str(r#"</tr></thead><tbody class="nhsuk-table__body">"#);
    for n in &s.needs {
        let ci = match (n.resolved_ci95_low, n.resolved_ci95_high) {
            (Shown::Value(lo), Shown::Value(hi)) => format!("{} to {}", fixed(lo, 1), fixed(hi, 1)),
            (Shown::Suppressed, _) | (_, Shown::Suppressed) => SUPPRESSED.to_owned(),
            _ => String::new(),
        };
        let cells = [count(n.n), count(n.n_recorded), one_dp(n.resolved_pct), ci, one_dp(n.partly_pct), one_dp(n.not_resolved_pct), one_dp(n.not_worked_on_pct), count(n.not_recorded)];
        w!(out, r#"<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{}</th>"#, escape(n.label));
        for cell in cells {
            w!(out, r#"<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>"#, shown(&cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></section>");
}

/// One horizontal bar per need, split into the four outcomes' shares (labelled, with a legend and a
/// hatch so the split reads without colour). Needs whose percentages are suppressed get a `*`.
fn stacked_bars(id: &str, needs: &[NeedOutcome]) -> Option<String> {
    if needs.iter().all(|n| n.shares.is_none()) {
        return None;
    }
    let (width, left, right, top, row) = (720.0f64, 230.0, 20.0, 64.0, 34.0);
    let height = top + row * needs.len() as f64 + 16.0;
    let plot = width - left - right;
    let fills = [BLUE, "url(#lw-sdoh-hatch)", DARK_GREY, LIGHT_GREY];
    let ink = ["#ffffff", TEXT, "#ffffff", TEXT];
    let mut desc = "Stacked bars: for each need, the percentage of people discharged with it whose need was resolved, partly resolved, not resolved or not worked on.".to_owned();
    for n in needs {
        match n.shares {
            Some(_) => {
                let parts: Vec<String> = outcomes(n)
                    .iter()
                    .map(|(_, what, pct)| match pct {
                        Shown::Value(_) => format!("{} {}%", what.to_lowercase(), one_dp(*pct)),
                        _ => format!("{} * (too few to show)", what.to_lowercase()),
                    })
                    .collect();
                w!(desc, " {}: {}.", n.label, parts.join(", "));
            }
            None => w!(desc, " {}: too few people to show.", n.label),
        }
    }
    desc.push_str(" The figures are also in the table below.");
    let mut out = String::new();
    w!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="linkwork-chart__svg" viewBox="0 0 {width} {h}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-size="14" fill="{TEXT}"><title id="{id}-title">Needs resolved by discharge</title><desc id="{id}-desc">{}</desc>"#,
        escape(&desc),
        h = fixed(height, 1)
    );
    w!(out, r##"<defs><pattern id="lw-sdoh-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#b3d1ee"/><line x1="0" y1="0" x2="0" y2="8" stroke="{BLUE}" stroke-width="3"/></pattern></defs>"##);
    w!(out, r##"<rect width="{width}" height="{}" fill="#ffffff"/>"##, fixed(height, 1));
    // Legend.
    let mut x = left;
    for (i, what) in ["Resolved", "Partly resolved", "Not resolved", "Not worked on"].iter().enumerate() {
        w!(out, r#"<rect x="{}" y="14" width="16" height="16" fill="{}" stroke="{TEXT}" stroke-width="1"/>"#, fixed(x, 1), fills[i]);
        w!(out, r#"<text x="{}" y="27">{}</text>"#, fixed(x + 22.0, 1), what);
        x += 22.0 + what.len() as f64 * 7.6 + 18.0;
    }
    if needs.iter().any(|n| n.shares.is_some_and(|s| s.iter().any(Option::is_none))) {
        w!(out, r##"<rect x="{}" y="38" width="16" height="16" fill="#ffffff" stroke="{TEXT}" stroke-width="1" stroke-dasharray="4 3"/>"##, fixed(left, 1));
        w!(out, r#"<text x="{}" y="51">* Too few people to show separately</text>"#, fixed(left + 22.0, 1));
    }
    for (k, n) in needs.iter().enumerate() {
        let y = top + row * k as f64;
        let label: String = if n.label.chars().count() > 30 { format!("{}…", n.label.chars().take(29).collect::<String>()) } else { n.label.to_owned() };
        w!(out, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, fixed(left - 10.0, 1), fixed(y + 17.0, 1), escape(&label));
        match n.shares {
            Some(shares) => {
                let mut start = left;
                for (i, share) in shares.iter().enumerate() {
                    let Some(share) = share else { continue };
                    let w_ = share * plot;
                    if w_ <= 0.0 {
                        continue;
                    }
                    w!(out, r##"<rect x="{}" y="{}" width="{}" height="24" fill="{}" stroke="#ffffff" stroke-width="1"/>"##, fixed(start, 1), fixed(y, 1), fixed(w_, 1), fills[i]);
                    if w_ >= 40.0 {
                        let extra = if i == 1 { r##" stroke="#ffffff" stroke-width="3" paint-order="stroke""## } else { "" };
                        w!(out, r#"<text x="{}" y="{}" text-anchor="middle" fill="{}"{extra}>{}%</text>"#, fixed(start + w_ / 2.0, 1), fixed(y + 17.0, 1), ink[i], fixed(share * 100.0, 0));
                    }
                    start += w_;
                }
                // The hidden shares as one remainder (what the shown percentages leave).
                let rest = left + plot - start;
                if shares.iter().any(Option::is_none) && rest > 0.5 {
                    w!(out, r##"<rect x="{}" y="{}" width="{}" height="24" fill="#ffffff" stroke="{TEXT}" stroke-width="1" stroke-dasharray="4 3"/>"##, fixed(start, 1), fixed(y, 1), fixed(rest, 1));
                    if rest >= 16.0 {
                        w!(out, r#"<text x="{}" y="{}" text-anchor="middle">*</text>"#, fixed(start + rest / 2.0, 1), fixed(y + 17.0, 1));
                    }
                }
            }
            None => w!(out, r#"<text x="{}" y="{}">* too few people to show</text>"#, fixed(left, 1), fixed(y + 17.0, 1)),
        }
    }
    out.push_str("</svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use linkwork_domain::evaluation::disclosure::SuppressionPolicy;
    use linkwork_domain::evaluation::{evaluate, EvaluationInput, EvaluationSettings, Period};
    use linkwork_domain::casework::need::NeedDomain;
    use linkwork_domain::evaluation::resolution::{NeedResolution, ResolutionFacts};
    use time::macros::date;

    /// 40 people discharged with money needs: 20 resolved, 10 partly, 10 not resolved → 50%, 25%,
    /// 25%, 0% (no count or remainder of 1–7, so every percentage is shown); 3 with housing needs,
    /// all resolved (suppressed).
    fn report() -> linkwork_domain::evaluation::Report {
        let mut input = EvaluationInput::default();
        let on = date!(2026 - 06 - 01);
        for (i, r) in [NeedResolution::Resolved; 20].into_iter().chain([NeedResolution::Partly; 10]).chain([NeedResolution::NotResolved; 10]).enumerate() {
            input.sdoh.push(ResolutionFacts { referral_id: format!("r{i}").into(), discharged_on: on, needs: vec![NeedDomain::MoneyDebtBenefits], recorded: vec![(NeedDomain::MoneyDebtBenefits, r)] });
        }
        for i in 0..3 {
            input.sdoh.push(ResolutionFacts { referral_id: format!("h{i}").into(), discharged_on: on, needs: vec![NeedDomain::Housing], recorded: vec![(NeedDomain::Housing, NeedResolution::Resolved)] });
        }
        let settings = EvaluationSettings { policy: SuppressionPolicy::default(), ..Default::default() };
        evaluate(&input, Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap(), &settings)
    }

    #[test]
    fn figures_have_stable_ids_and_values() {
        let figures = crate::figures(&report());
        let get = |id: &str| figures.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("{id}"));
        assert_eq!(get("sdoh.money.discharged").value, "40");
        assert_eq!(get("sdoh.money.resolved_pct").value, "50.0");
        assert_eq!(get("sdoh.money.resolved_pct").n, "40");
        // Wilson 20/40: 35.20% to 64.80%.
        assert_eq!((get("sdoh.money.resolved_pct").ci95_low.as_str(), get("sdoh.money.resolved_pct").ci95_high.as_str()), ("35.2", "64.8"));
        assert_eq!(get("sdoh.money.partly_pct").value, "25.0");
        assert_eq!(get("sdoh.money.not_worked_on_pct").value, "0.0");
        assert_eq!(get("sdoh.housing.discharged").value, "*");
        assert_eq!(get("sdoh.housing.resolved_pct").value, "*");
    }

    #[test]
    fn html_has_chart_with_text_alternative_and_table() {
        let html = crate::html_fragment(&report(), "linkwork report");
        let section = &html[html.find("lw-report-sdoh").expect("section")..];
        assert!(section.contains(r#"role="img""#) && section.contains("Money, debt and benefits: resolved 50.0%, partly resolved 25.0%, not resolved 25.0%, not worked on 0.0%."));
        assert!(section.contains("Housing and homelessness: too few people to show."));
        assert!(section.contains("<caption class=\"nhsuk-table__caption\">What happened with each need by discharge</caption>"));
    }

    /// 33 recorded with loneliness: 20 resolved, 10 partly, 3 not resolved. 3/33 is hidden, and
    /// with it the smallest other non-zero share (10/33), else 100% minus the others would give
    /// it. Resolved is the rounded counts' share, 20 of 35 (57.1%). The bar draws it and one
    /// dashed remainder marked `*`.
    #[test]
    fn hidden_shares_are_one_remainder_in_the_chart() {
        let mut input = EvaluationInput::default();
        let on = date!(2026 - 06 - 01);
        for (i, r) in [NeedResolution::Resolved; 20].into_iter().chain([NeedResolution::Partly; 10]).chain([NeedResolution::NotResolved; 3]).enumerate() {
            input.sdoh.push(ResolutionFacts { referral_id: format!("r{i}").into(), discharged_on: on, needs: vec![NeedDomain::Loneliness], recorded: vec![(NeedDomain::Loneliness, r)] });
        }
        let report = evaluate(&input, Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap(), &EvaluationSettings::default());
        let html = crate::html_fragment(&report, "linkwork report");
        let section = &html[html.find("lw-report-sdoh").expect("section")..];
        assert!(section.contains("Loneliness and social isolation: resolved 57.1%, partly resolved * (too few to show), not resolved * (too few to show), not worked on 0.0%."), "{section}");
        assert!(section.contains(r#"stroke-dasharray="4 3""#) && section.contains("Too few people to show separately"));
    }
}
