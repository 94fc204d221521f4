//! The `sroi` section: social return on investment (SROI guide 2012) from the report's own
//! outcome figures, with the assumptions table and a tornado chart of the sensitivity analysis.
//! When the model's proxies are Linkwork's illustrative set, every figure's label and the HTML
//! section say so.

use crate::format::{escape, fixed, unique_slugs};
use crate::Figure;
use linkwork_domain::disclosure::Shown;
use linkwork_domain::evaluation::Report;
use linkwork_domain::sroi::SroiReport;
use std::fmt::Write;

macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = write!($dst, $($arg)*);
    }};
}

const SECTION: &str = "sroi";

fn money(v: f64) -> String {
    fixed(v, 0)
}

fn prefix(s: &SroiReport) -> &'static str {
    if s.illustrative {
        "Illustrative: "
    } else {
        ""
    }
}

fn figure(
    s: &SroiReport,
    id: String,
    label: &str,
    value: String,
    unit: &'static str,
    definition: &str,
) -> Figure {
    let note = if s.illustrative {
        " Computed with Linkwork's illustrative proxies and inputs, not real values."
    } else {
        ""
    };
    Figure {
        id,
        section: SECTION,
        label: format!("{}{label}", prefix(s)),
        value,
        n: String::new(),
        ci95_low: String::new(),
        ci95_high: String::new(),
        unit,
        definition: format!("{definition}{note}"),
    }
}

/// The figures of the section.
pub(crate) fn figures(report: &Report, out: &mut Vec<Figure>) {
    let s = &report.sroi;
    if s.inputs.is_empty() && s.outcomes.is_empty() {
        return;
    }
    out.push(figure(
        s,
        "sroi.total_inputs".into(),
        "Value of inputs",
        money(s.total_inputs),
        "£",
        "Staff, overheads and volunteer time for the year (quantity × unit value).",
    ));
    out.push(figure(
        s,
        "sroi.present_value".into(),
        "Present value of impact",
        money(s.present_value),
        "£",
        "Sum over outcomes of quantity × financial proxy × (1 − deadweight) × (1 − displacement) × (1 − attribution), over each outcome's duration with drop-off, discounted.",
    ));
    out.push(figure(
        s,
        "sroi.net_present_value".into(),
        "Net present value",
        money(s.net_present_value),
        "£",
        "Present value of impact minus the value of inputs.",
    ));
    out.push(figure(
        s,
        "sroi.ratio".into(),
        "SROI ratio",
        s.ratio.map(|r| fixed(r, 2)).unwrap_or_default(),
        "£ of social value per £1",
        "Present value of impact divided by the value of inputs.",
    ));
    out.push(figure(
        s,
        "sroi.payback_months".into(),
        "Payback period",
        s.payback_months.map(|m| fixed(m, 1)).unwrap_or_default(),
        "months",
        "Value of inputs divided by one month of year-1 impact.",
    ));
    let slugs = unique_slugs(s.outcomes.iter().map(|o| o.label.as_str()), "outcome");
    for (o, slug) in s.outcomes.iter().zip(&slugs) {
        let q = match o.quantity {
            Shown::Value(v) => fixed(v, 1),
            Shown::Suppressed => "*".into(),
            Shown::NoData => String::new(),
        };
        out.push(figure(s, format!("sroi.outcome.{slug}.quantity"), &format!("{}: quantity", o.label), q, "people or £", "How many people achieved the outcome (or £ saved), from this report's own figures or as entered."));
        out.push(figure(
            s,
            format!("sroi.outcome.{slug}.present_value"),
            &format!("{}: present value", o.label),
            money(o.present_value),
            "£",
            &format!(
                "Present value of this outcome's impact; proxy £{} ({}).",
                fixed(o.proxy_value, 2),
                o.proxy_source
            ),
        ));
    }
    let slugs = unique_slugs(s.sensitivity.iter().map(|v| v.assumption), "assumption");
    for (v, slug) in s.sensitivity.iter().zip(&slugs) {
        out.push(figure(
            s,
            format!("sroi.sensitivity.{slug}.ratio_at_half"),
            &format!("SROI ratio with {} halved", v.assumption.to_lowercase()),
            fixed(v.ratio_at_half, 2),
            "£ per £1",
            "The SROI ratio with this assumption × 0.5, the others unchanged.",
        ));
        out.push(figure(s, format!("sroi.sensitivity.{slug}.ratio_at_one_and_half"), &format!("SROI ratio with {} × 1.5", v.assumption.to_lowercase()), fixed(v.ratio_at_one_and_half, 2), "£ per £1", "The SROI ratio with this assumption × 1.5 (rates capped at 100%), the others unchanged."));
    }
}

fn pct(v: f64) -> String {
    format!("{}%", fixed(v * 100.0, 0))
}

fn table(
    out: &mut String,
    caption: &str,
    columns: &[(&str, bool)],
    rows: &[(String, Vec<String>)],
) {
    w!(
        out,
        r#"<table class="nhsuk-table"><caption class="nhsuk-table__caption">{}</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row">"#,
        escape(caption)
    );
    for (heading, numeric) in columns {
        let class = if *numeric {
            "nhsuk-table__header nhsuk-table__header--numeric"
        } else {
            "nhsuk-table__header"
        };
        w!(
            out,
            r#"<th scope="col" class="{class}">{}</th>"#,
            escape(heading)
        );
    }
    out.push_str(r#"</tr></thead><tbody class="nhsuk-table__body">"#);
    for (header, cells) in rows {
        w!(
            out,
            r#"<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{}</th>"#,
            escape(header)
        );
        for (i, c) in cells.iter().enumerate() {
            let numeric = columns.get(i + 1).is_some_and(|c| c.1);
            let class = if numeric {
                "nhsuk-table__cell nhsuk-table__cell--numeric"
            } else {
                "nhsuk-table__cell"
            };
            w!(out, r#"<td class="{class}">{}</td>"#, escape(c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// The section's HTML.
pub(crate) fn html(out: &mut String, report: &Report) {
    let s = &report.sroi;
    if s.inputs.is_empty() && s.outcomes.is_empty() {
        return;
    }
    w!(
        out,
        r#"<section class="linkwork-report__section" aria-labelledby="lw-report-sroi"><h2 class="nhsuk-heading-m" id="lw-report-sroi">Social return on investment</h2>"#
    );
    if let Some(warning) = s.warning {
        w!(
            out,
            r#"<div class="nhsuk-warning-callout"><h3 class="nhsuk-warning-callout__label"><span class="nhsuk-u-visually-hidden">Important: </span>Illustrative figures</h3><p>{}</p></div>"#,
            escape(warning)
        );
    }
    let ratio = s
        .ratio
        .map(|r| format!("£{} of social value for every £1 invested", fixed(r, 2)))
        .unwrap_or_else(|| "not available (no inputs entered)".to_owned());
    w!(
        out,
        r#"<p class="nhsuk-body">{}SROI ratio: {}. Inputs £{}; present value of impact £{}; net present value £{}; payback {}. Method: A guide to Social Return on Investment (Cabinet Office, 2012).</p>"#,
        escape(prefix(s)),
        escape(&ratio),
        escape(&money(s.total_inputs)),
        escape(&money(s.present_value)),
        escape(&money(s.net_present_value)),
        escape(
            &s.payback_months
                .map(|m| format!("{} months", fixed(m, 1)))
                .unwrap_or_else(|| "not reached".to_owned())
        )
    );
    let inputs: Vec<(String, Vec<String>)> = s
        .inputs
        .iter()
        .map(|i| {
            (
                i.label.clone(),
                vec![
                    fixed(i.quantity, 1),
                    format!("£{}", money(i.unit_value)),
                    format!("£{}", money(i.quantity * i.unit_value)),
                    i.source.clone(),
                ],
            )
        })
        .collect();
    table(
        out,
        "Inputs for the year",
        &[
            ("Input", false),
            ("Quantity", true),
            ("Unit value", true),
            ("Value", true),
            ("Source", false),
        ],
        &inputs,
    );
    let outcomes: Vec<(String, Vec<String>)> = s
        .outcomes
        .iter()
        .map(|o| {
            let q = match o.quantity {
                Shown::Value(v) => fixed(v, 1),
                Shown::Suppressed => "* (too few people)".into(),
                Shown::NoData => "no data".into(),
            };
            (
                o.label.clone(),
                vec![
                    q,
                    format!("£{}", fixed(o.proxy_value, 2)),
                    o.proxy_source.clone(),
                    pct(o.deadweight),
                    pct(o.displacement),
                    pct(o.attribution),
                    format!("{} years", o.duration_years),
                    pct(o.drop_off),
                    format!("£{}", money(o.present_value)),
                ],
            )
        })
        .collect();
    table(
        out,
        &format!(
            "Outcomes, financial proxies and assumptions (discount rate {}: {})",
            pct(s.discount_rate).replace(".0%", "%"),
            s.discount_rate_source
        ),
        &[
            ("Outcome", false),
            ("Quantity", true),
            ("Proxy", true),
            ("Proxy source", false),
            ("Deadweight", true),
            ("Displacement", true),
            ("Attribution", true),
            ("Duration", true),
            ("Drop-off", true),
            ("Present value", true),
        ],
        &outcomes,
    );
    if let Some(svg) = tornado(s) {
        w!(out, r#"<figure class="linkwork-chart">{svg}</figure>"#);
        let rows: Vec<(String, Vec<String>)> = s
            .sensitivity
            .iter()
            .map(|v| {
                (
                    v.assumption.to_owned(),
                    vec![fixed(v.ratio_at_half, 2), fixed(v.ratio_at_one_and_half, 2)],
                )
            })
            .collect();
        table(
            out,
            "Sensitivity: the SROI ratio with each assumption halved or increased by half",
            &[("Assumption", false), ("× 0.5", true), ("× 1.5", true)],
            &rows,
        );
    }
    out.push_str("</section>");
}

/// A tornado chart: one bar per assumption from the ratio at ×0.5 to the ratio at ×1.5, widest
/// first, around a line at the base-case ratio.
pub(crate) fn tornado(s: &SroiReport) -> Option<String> {
    let base = s.ratio?;
    if s.sensitivity.is_empty() {
        return None;
    }
    let mut rows: Vec<_> = s.sensitivity.iter().collect();
    rows.sort_by(|a, b| {
        (b.ratio_at_half - b.ratio_at_one_and_half)
            .abs()
            .total_cmp(&(a.ratio_at_half - a.ratio_at_one_and_half).abs())
    });
    let (width, left, right, top, row) = (720.0, 200.0, 40.0, 40.0, 34.0);
    let height = top + row * rows.len() as f64 + 40.0;
    let lo = rows
        .iter()
        .map(|r| r.ratio_at_half.min(r.ratio_at_one_and_half))
        .fold(base, f64::min)
        .min(0.0);
    let hi = rows
        .iter()
        .map(|r| r.ratio_at_half.max(r.ratio_at_one_and_half))
        .fold(base, f64::max)
        .max(lo + 0.1);
    let x = |v: f64| left + (v - lo) / (hi - lo) * (width - left - right);
    let mut desc = format!("Tornado chart of the SROI ratio (base case {}) when each assumption is halved or increased by half, widest range first.", fixed(base, 2));
    for r in &rows {
        w!(
            desc,
            " {}: {} when halved, {} when × 1.5.",
            r.assumption,
            fixed(r.ratio_at_half, 2),
            fixed(r.ratio_at_one_and_half, 2)
        );
    }
    if s.illustrative {
        desc.push_str(" Illustrative figures.");
    }
    let mut out = String::new();
    w!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="linkwork-chart__svg" viewBox="0 0 {width} {height:.1}" width="100%" role="img" aria-labelledby="sroi-chart-title sroi-chart-desc" font-size="14" fill="#212b32"><title id="sroi-chart-title">Sensitivity of the SROI ratio</title><desc id="sroi-chart-desc">{}</desc><rect width="{width}" height="{height:.1}" fill="#ffffff"/>"##,
        escape(&desc)
    );
    w!(
        out,
        r##"<text x="{left}" y="20">{}Ratio: solid bar at × 0.5, hatched at × 1.5</text>"##,
        escape(prefix(s))
    );
    out.push_str(r##"<defs><pattern id="sroi-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#4c6272" stroke-width="3"/></pattern></defs>"##);
    for (i, r) in rows.iter().enumerate() {
        let y = top + row * i as f64;
        w!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 10.0,
            y + 20.0,
            escape(r.assumption)
        );
        for (v, fill) in [
            (r.ratio_at_half, "#005eb8"),
            (r.ratio_at_one_and_half, "url(#sroi-hatch)"),
        ] {
            let (a, b) = (x(base).min(x(v)), x(base).max(x(v)));
            w!(
                out,
                r##"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="22" fill="{fill}" stroke="#4c6272"/>"##,
                y + 4.0,
                (b - a).max(0.5)
            );
        }
    }
    let bottom = top + row * rows.len() as f64;
    w!(
        out,
        r##"<line x1="{:.1}" y1="{top}" x2="{:.1}" y2="{bottom:.1}" stroke="#212b32" stroke-width="2" stroke-dasharray="6 4"/>"##,
        x(base),
        x(base)
    );
    w!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">Base case {}</text>"#,
        x(base),
        bottom + 24.0,
        fixed(base, 2)
    );
    out.push_str("</svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkwork_domain::evaluation::{evaluate, EvaluationInput, EvaluationSettings, Period};
    use linkwork_domain::sroi::{Input, InputKind, Outcome, Quantity, SroiModel};
    use time::macros::date;

    fn report(model: SroiModel) -> Report {
        let input = EvaluationInput {
            sroi: model,
            ..Default::default()
        };
        evaluate(
            &input,
            Period::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap(),
            &EvaluationSettings::default(),
        )
    }

    #[test]
    fn figures_and_html_say_illustrative_and_draw_a_tornado() {
        let r = report(SroiModel::illustrative());
        let mut figs = Vec::new();
        figures(&r, &mut figs);
        assert!(
            figs.iter().all(|f| f.label.starts_with("Illustrative: ")),
            "every figure says so"
        );
        let inputs = figs.iter().find(|f| f.id == "sroi.total_inputs").unwrap();
        assert_eq!(inputs.value, "140000");
        let mut html = String::new();
        super::html(&mut html, &r);
        assert!(html.contains("nhsuk-warning-callout") && html.contains("Illustrative figures"));
        // No evaluation data: no outcome quantity, so no ratio above 0 and no payback.
        assert!(html.contains("payback not reached"));
        assert_eq!(html.matches("<svg ").count(), 1);
    }

    #[test]
    fn a_service_model_is_not_labelled_illustrative() {
        let model = SroiModel {
            inputs: vec![Input {
                label: "Link worker".into(),
                kind: InputKind::Staff,
                quantity: 2.0,
                unit_value: 50_000.0,
                source: "Payroll 2026".into(),
            }],
            outcomes: vec![Outcome {
                label: "Wellbeing".into(),
                quantity: Quantity::Entered { value: 100.0 },
                proxy_value: 2_000.0,
                proxy_source: "Own valuation".into(),
                deadweight: 0.25,
                displacement: 0.0,
                attribution: 0.2,
                duration_years: 2,
                drop_off: 0.5,
            }],
            ..SroiModel::default()
        };
        let r = report(model);
        let mut figs = Vec::new();
        figures(&r, &mut figs);
        let get = |id: &str| figs.iter().find(|f| f.id == id).unwrap().value.clone();
        // See linkwork_domain::sroi's tests for the arithmetic.
        assert_eq!(get("sroi.ratio"), "1.72");
        assert_eq!(get("sroi.payback_months"), "10.0");
        assert_eq!(get("sroi.outcome.wellbeing.present_value"), "171953");
        assert_eq!(get("sroi.sensitivity.deadweight.ratio_at_half"), "2.01");
        let mut html = String::new();
        super::html(&mut html, &r);
        assert!(
            !html.contains("Illustrative")
                && html.contains("£1.72 of social value for every £1 invested")
        );
        assert!(tornado(&r.sroi)
            .unwrap()
            .contains("Deadweight: 2.01 when halved, 1.43 when × 1.5."));
    }
}
