//! The `sroi` section: social return on investment (SROI guide 2012) from the report's own
//! outcome figures, with the assumptions table and a tornado chart of the sensitivity analysis.
//! When the model's proxies are Linkwork's illustrative set, every figure's label and the HTML
//! section say so.

use crate::primitives::format::{escape, fixed, unique_slugs};
use crate::primitives::Figure;
use linkwork_domain::evaluation::disclosure::Shown;
use linkwork_domain::evaluation::Report;
use linkwork_domain::evaluation::sroi::{QuantityUnit, SroiReport, SroiStatus};

const SECTION: &str = "sroi";

/// Where a service manager enters the model.
pub(crate) const SROI_PAGE: &str = "/health/sroi";

/// `12345.6` as `12,345.6` (the integer part grouped in threes).
fn grouped(v: f64, dp: usize) -> String {
    let text = fixed(v.abs(), dp);
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Whether `v` prints as a negative number at `dp` places (so `-0.4` at 0 places is not).
fn negative(v: f64, dp: usize) -> bool {
    fixed(v, dp).starts_with('-')
}

/// Money as printed: `£140,000`, `−£97,155` (a minus sign before the £), pence only when there are
/// any (`£1,000`, `£12.50`).
pub(crate) fn pounds(v: f64) -> String {
    let dp = if (v * 100.0).round() % 100.0 == 0.0 { 0 } else { 2 };
    let sign = if negative(v, dp) { "\u{2212}" } else { "" };
    format!("{sign}£{}", grouped(v, dp))
}

/// Plain figure values (CSV, JSON): whole pounds, no separators.
fn money(v: f64) -> String {
    fixed(v, 0)
}

/// A number with the precision it has, up to `max_dp` places: `3.5`, `30`, `2.25`.
fn trimmed(v: f64, max_dp: usize) -> String {
    let text = fixed(v, max_dp);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A rate (a fraction) as a percentage with the precision it has: 0.035 → `3.5%`, 0.3 → `30%`.
pub(crate) fn pct(v: f64) -> String {
    format!("{}%", trimmed(v * 100.0, 2))
}

fn years(n: u8) -> String {
    if n == 1 {
        "1 year".to_owned()
    } else {
        format!("{n} years")
    }
}

/// An outcome's quantity as a figure value (plain) and as printed.
fn quantity(q: Shown<f64>, unit: QuantityUnit) -> (String, String) {
    match q {
        Shown::Value(v) => match unit {
            QuantityUnit::People => (fixed(v, 0), format!("{} people", grouped(v, 0))),
            QuantityUnit::PoundsAYear => (money(v), format!("{} a year", pounds(v.round()))),
            QuantityUnit::Entered => (trimmed(v, 4), trimmed(v, 4)),
        },
        Shown::Suppressed => ("*".into(), "* (too few people)".into()),
        Shown::NoData => (String::new(), "no data".into()),
    }
}

fn quantity_unit(unit: QuantityUnit) -> &'static str {
    match unit {
        QuantityUnit::People => "people",
        QuantityUnit::PoundsAYear => "£ a year",
        QuantityUnit::Entered => "as entered",
    }
}

fn prefix(s: &SroiReport) -> &'static str {
    if s.illustrative {
        "Illustrative: "
    } else {
        ""
    }
}

/// The `sroi.model` figure's value: which model the section used, or why it has none.
fn model_status(s: &SroiReport) -> &'static str {
    match s.status {
        SroiStatus::Calculated if s.illustrative => "illustrative",
        SroiStatus::Calculated => "entered",
        SroiStatus::NotEntered => "not entered",
        SroiStatus::SeveralServices => "several services",
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

/// The figures of the section: always `sroi.model`; the rest only when a model was calculated.
pub(crate) fn figures(report: &Report, out: &mut Vec<Figure>) {
    let s = &report.sroi;
    out.push(figure(
        s,
        "sroi.model".into(),
        "SROI model",
        model_status(s).to_owned(),
        "",
        "Which SROI model the section uses: the service's entered model, Linkwork's illustrative one saved as the service's, not entered (no ratio), or several services (no combined ratio).",
    ));
    if s.status != SroiStatus::Calculated {
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
        let (q, _) = quantity(o.quantity, o.quantity_unit);
        out.push(figure(s, format!("sroi.outcome.{slug}.quantity"), &format!("{}: quantity", o.label), q, quantity_unit(o.quantity_unit), "How many people achieved the outcome (a count from this report, rounded to 5; * when 1 to 7), the £ a year saved, or the number entered."));
        out.push(figure(
            s,
            format!("sroi.outcome.{slug}.present_value"),
            &format!("{}: present value", o.label),
            money(o.present_value),
            "£",
            &format!(
                "Present value of this outcome's impact; proxy {} ({}).",
                pounds(o.proxy_value),
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

/// The shared table with plain-text row headers and cells (escaped here).
fn table(out: &mut String, caption: &str, columns: &[(&str, bool)], rows: &[(String, Vec<String>)]) {
    let escaped: Vec<(String, Vec<String>)> = rows.iter().map(|(h, cells)| (escape(h), cells.iter().map(|c| escape(c)).collect())).collect();
    crate::primitives::html::table(out, caption, columns, &escaped);
}

fn section_start(out: &mut String) {
    w!(
        out,
        r#"<section class="linkwork-report__section" aria-labelledby="lw-report-sroi"><h2 class="nhsuk-heading-m" id="lw-report-sroi">Social return on investment</h2>"#
    );
}

/// The section's HTML. Without a calculated model it says why there is no ratio and, for one
/// service, how a manager enters its model.
pub(crate) fn html(out: &mut String, report: &Report) {
    let s = &report.sroi;
    match s.status {
        SroiStatus::Calculated => {}
        SroiStatus::NotEntered => {
            section_start(out);
            w!(
                out,
                r#"<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p>No social return on investment (SROI) model has been entered for this service, so no SROI ratio is shown.</p></div><p class="nhsuk-body">To include one, a service manager enters the service's inputs (staff, overheads, volunteer time), its outcomes with financial proxies and their sources, and the assumptions (deadweight, displacement, attribution, duration, drop-off, discount rate) in Linkwork under Health and SROI, on the Social return on investment page (<code>{SROI_PAGE}</code>). Reports made after that include the ratio, its sensitivity analysis and the assumptions. Method: A guide to Social Return on Investment (Cabinet Office, 2012).</p></section>"#
            );
            return;
        }
        SroiStatus::SeveralServices => {
            section_start(out);
            out.push_str(r#"<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p>This report covers several services, so no social return on investment (SROI) ratio is shown.</p></div><p class="nhsuk-body">Each service's SROI uses its own inputs, financial proxies and assumptions, which differ between services, and ratios cannot be added up. Each service's own report shows its ratio once its manager has entered its model.</p></section>"#);
            return;
        }
    }
    section_start(out);
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
        r#"<p class="nhsuk-body">{}SROI ratio: {}. Inputs {}; present value of impact {}; net present value {}; payback {}. Method: A guide to Social Return on Investment (Cabinet Office, 2012).</p>"#,
        escape(prefix(s)),
        escape(&ratio),
        escape(&pounds(s.total_inputs.round())),
        escape(&pounds(s.present_value.round())),
        escape(&pounds(s.net_present_value.round())),
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
                    trimmed(i.quantity, 2),
                    pounds(i.unit_value),
                    pounds((i.quantity * i.unit_value).round()),
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
    // Proxy sources are long: numbered in a list under the table (the same source once), so the
    // table's columns keep room to read when printed on A4.
    let mut sources: Vec<&str> = Vec::new();
    for o in &s.outcomes {
        if !sources.contains(&o.proxy_source.as_str()) {
            sources.push(&o.proxy_source);
        }
    }
    let source_number = |source: &str| sources.iter().position(|s| *s == source).map_or(0, |i| i + 1);
    // Two tables, so the outcome names keep room on A4: what each outcome is worth, then the
    // assumptions applied to it.
    let values: Vec<(String, Vec<String>)> = s
        .outcomes
        .iter()
        .map(|o| {
            (
                o.label.clone(),
                vec![
                    quantity(o.quantity, o.quantity_unit).1,
                    format!("{} (source {})", pounds(o.proxy_value), source_number(&o.proxy_source)),
                    pounds(o.present_value.round()),
                ],
            )
        })
        .collect();
    table(
        out,
        "Outcomes and their value (the proxies' sources are listed below)",
        &[
            ("Outcome", false),
            ("Quantity", true),
            ("Financial proxy a year", true),
            ("Present value", true),
        ],
        &values,
    );
    let assumptions: Vec<(String, Vec<String>)> = s
        .outcomes
        .iter()
        .map(|o| {
            (
                o.label.clone(),
                vec![
                    pct(o.deadweight),
                    pct(o.displacement),
                    pct(o.attribution),
                    years(o.duration_years),
                    pct(o.drop_off),
                ],
            )
        })
        .collect();
    table(
        out,
        &format!(
            "Assumptions for each outcome (discount rate {}: {})",
            pct(s.discount_rate),
            s.discount_rate_source
        ),
        &[
            ("Outcome", false),
            ("Deadweight", true),
            ("Displacement", true),
            ("Attribution", true),
            ("Duration", true),
            ("Drop-off", true),
        ],
        &assumptions,
    );
    if !sources.is_empty() {
        out.push_str(r#"<h3 class="nhsuk-heading-s">Sources of the financial proxies</h3><ol class="nhsuk-list nhsuk-list--number">"#);
        for (i, source) in sources.iter().enumerate() {
            w!(out, r#"<li id="sroi-proxy-source-{}">{}</li>"#, i + 1, escape(source));
        }
        out.push_str("</ol>");
    }
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
    use linkwork_domain::evaluation::sroi::{Input, InputKind, Outcome, Quantity, SroiModel, SroiSetting};
    use time::macros::date;

    fn report(setting: SroiSetting) -> Report {
        let input = EvaluationInput {
            sroi: setting,
            ..Default::default()
        };
        evaluate(
            &input,
            Period::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap(),
            &EvaluationSettings::default(),
        )
    }

    fn ids(r: &Report) -> Vec<(String, String)> {
        let mut figs = Vec::new();
        figures(r, &mut figs);
        figs.into_iter().map(|f| (f.id, f.value)).collect()
    }

    #[test]
    fn money_rates_and_years_as_printed() {
        assert_eq!(pounds(140_000.0), "£140,000");
        assert_eq!(pounds(-97_155.0), "\u{2212}£97,155");
        assert_eq!(pounds(1_000.0), "£1,000");
        assert_eq!(pounds(12.5), "£12.50");
        assert_eq!(pounds(999.0), "£999");
        assert_eq!(pounds(-0.4), "\u{2212}£0.40");
        assert_eq!(pounds(-0.004), "£0", "no minus sign on what rounds to nothing");
        assert_eq!(pounds(1_234_567.0), "£1,234,567");
        assert_eq!(pct(0.035), "3.5%");
        assert_eq!(pct(0.3), "30%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(pct(0.125), "12.5%");
        assert_eq!((years(1).as_str(), years(2).as_str()), ("1 year", "2 years"));
    }

    #[test]
    fn no_model_entered_says_how_to_enter_one_and_has_no_figures() {
        let r = report(SroiSetting::NotEntered);
        assert_eq!(ids(&r), vec![("sroi.model".to_owned(), "not entered".to_owned())]);
        let mut html = String::new();
        super::html(&mut html, &r);
        assert!(html.contains("No social return on investment (SROI) model has been entered for this service"));
        assert!(html.contains("<code>/health/sroi</code>"));
        assert!(!html.contains("£") && !html.contains("<svg") && !html.contains("<table"));
        let r = report(SroiSetting::SeveralServices);
        assert_eq!(ids(&r), vec![("sroi.model".to_owned(), "several services".to_owned())]);
        let mut html = String::new();
        super::html(&mut html, &r);
        assert!(html.contains("This report covers several services") && !html.contains("<table"));
    }

    #[test]
    fn figures_and_html_say_illustrative_and_draw_a_tornado() {
        let r = report(SroiSetting::Saved(SroiModel::illustrative()));
        let mut figs = Vec::new();
        figures(&r, &mut figs);
        assert!(
            figs.iter().all(|f| f.label.starts_with("Illustrative: ")),
            "every figure says so"
        );
        let get = |id: &str| figs.iter().find(|f| f.id == id).unwrap().value.clone();
        // Figure values stay plain numbers for CSV and JSON.
        assert_eq!(get("sroi.total_inputs"), "140000");
        assert_eq!(get("sroi.model"), "illustrative");
        // No evaluation data: no quantities, so nothing of value and a net present value of
        // 0 − 140,000.
        assert_eq!(get("sroi.net_present_value"), "-140000");
        let mut html = String::new();
        super::html(&mut html, &r);
        assert!(html.contains("nhsuk-warning-callout") && html.contains("Illustrative figures"));
        assert!(html.contains("payback not reached"));
        // 3 × £40,000 + £15,000 + 500 × £10 = £140,000, printed with separators and a minus sign.
        assert!(html.contains("Inputs £140,000;") && html.contains("net present value \u{2212}£140,000;"), "{html}");
        assert!(html.contains("discount rate 3.5%: HM Treasury Green Book rate, verify"));
        assert!(html.contains(">1 year<") && html.contains(">2 years<") && !html.contains("1 years"));
        // The proxy sources (two outcomes share one) are a numbered list under the table.
        assert!(html.contains(">£1,000 (source 1)<") && html.contains(">£500 (source 1)<") && html.contains(">£1 (source 2)<"));
        assert!(html.contains(r#"<li id="sroi-proxy-source-1">Illustrative value, not a published proxy"#));
        assert!(!html.contains("Proxy source"));
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
        let r = report(SroiSetting::Saved(model));
        let mut figs = Vec::new();
        figures(&r, &mut figs);
        let get = |id: &str| figs.iter().find(|f| f.id == id).unwrap().value.clone();
        // See linkwork_domain::evaluation::sroi's tests for the arithmetic.
        assert_eq!(get("sroi.model"), "entered");
        assert_eq!(get("sroi.ratio"), "1.72");
        assert_eq!(get("sroi.payback_months"), "10.0");
        assert_eq!(get("sroi.outcome.wellbeing.quantity"), "100");
        assert_eq!(get("sroi.outcome.wellbeing.present_value"), "171953");
        assert_eq!(get("sroi.sensitivity.deadweight.ratio_at_half"), "2.01");
        let mut html = String::new();
        super::html(&mut html, &r);
        assert!(
            !html.contains("Illustrative")
                && html.contains("£1.72 of social value for every £1 invested")
        );
        // PV 171,952.67 → £171,953; NPV £71,953; unit value £50,000; deadweight 25%.
        assert!(html.contains("present value of impact £171,953; net present value £71,953;"));
        assert!(html.contains(">£50,000<") && html.contains(">£100,000<") && html.contains(">25%<"));
        assert!(tornado(&r.sroi)
            .unwrap()
            .contains("Deadweight: 2.01 when halved, 1.43 when × 1.5."));
    }
}
