//! The `workforce` section: team size against the PCN DES minimum, caseload per whole-time link
//! worker against 200–250 a year, and contacts per person against the typical 6–12, with a small
//! bullet chart. Numbers arrive suppressed from `linkwork_domain::evaluation::workforce`.

use crate::primitives::format::{count, escape, fixed, one_dp, SUPPRESSED};
use crate::primitives::Figure;
use linkwork_domain::evaluation::Report;

const SECTION: &str = "workforce";

fn figure(id: &str, label: &str, value: String, n: String, unit: &'static str, definition: String) -> Figure {
    Figure {
        id: id.to_owned(),
        section: SECTION,
        label: label.to_owned(),
        value,
        n,
        ci95_low: String::new(),
        ci95_high: String::new(),
        unit,
        definition,
    }
}

pub(crate) fn figures(report: &Report, out: &mut Vec<Figure>) {
    let w = &report.workforce;
    out.push(figure(
        "workforce.link_workers",
        "Link workers",
        w.link_workers.to_string(),
        String::new(),
        "people",
        format!(
            "Active link-worker accounts of the {} service(s) in scope now. The PCN DES 2022/23 expects at least one per PCN.",
            w.services
        ),
    ));
    out.push(figure(
        "workforce.meets_minimum",
        "At least one link worker per PCN",
        if w.meets_minimum { "yes" } else { "no" }.to_owned(),
        String::new(),
        "",
        "Whether there are at least as many link workers as PCNs in scope (PCN DES 2022/23).".to_owned(),
    ));
    out.push(figure(
        "workforce.wte",
        "Whole-time equivalent",
        fixed(w.wte, 1),
        w.link_workers.to_string(),
        "WTE",
        format!("Sum of the link workers' whole-time equivalents; {} without a recorded WTE counted as full time.", w.wte_assumed),
    ));
    out.push(figure(
        "workforce.taken_on",
        "People taken on",
        count(w.taken_on),
        String::new(),
        "referrals",
        "Referrals accepted for support in the period.".to_owned(),
    ));
    out.push(figure(
        "workforce.caseload_per_wte",
        "People taken on per WTE a year",
        one_dp(w.caseload_per_wte),
        count(w.taken_on),
        "people a year",
        format!(
            "People taken on ÷ WTE, scaled to a year. A caseload of {}–{} a year per whole-time link worker is the usual expectation.",
            w.caseload_band.0, w.caseload_band.1
        ),
    ));
    out.push(figure(
        "workforce.closed",
        "Support episodes closed",
        count(w.closed),
        String::new(),
        "referrals",
        "Referrals discharged in the period (complete episodes of support).".to_owned(),
    ));
    out.push(figure(
        "workforce.contacts_mean",
        "Contacts per person (mean)",
        one_dp(w.contacts_mean),
        count(w.closed),
        "contacts",
        "Mean number of recorded contacts per support episode closed in the period. Typically 6–12.".to_owned(),
    ));
    out.push(figure(
        "workforce.contacts_median",
        "Contacts per person (median)",
        one_dp(w.contacts_median),
        count(w.closed),
        "contacts",
        "Median number of recorded contacts per support episode closed in the period.".to_owned(),
    ));
    out.push(figure(
        "workforce.pct_contacts_in_band",
        "Episodes with 6 to 12 contacts",
        one_dp(w.pct_contacts_in_band),
        count(w.closed),
        "%",
        "Support episodes closed in the period with 6 to 12 recorded contacts, as a % of all closed.".to_owned(),
    ));
}

fn shown(text: &str) -> String {
    match text {
        SUPPRESSED => r#"<span aria-hidden="true">*</span><span class="nhsuk-u-visually-hidden">suppressed</span>"#.to_owned(),
        "" => r#"<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">no data</span>"#.to_owned(),
        other => escape(other),
    }
}

pub(crate) fn html(out: &mut String, report: &Report) {
    let w = &report.workforce;
    out.push_str(r#"<section class="linkwork-report__section" aria-labelledby="lw-report-workforce"><h2 class="nhsuk-heading-m" id="lw-report-workforce">Workforce</h2>"#);
    w!(
        out,
        r#"<p class="nhsuk-body">The team against the PCN DES 2022/23: at least one link worker per PCN, a caseload of {}–{} people a year per whole-time link worker and, typically, {}–{} contacts per person. Waiting time to first contact is in the waiting section.</p>"#,
        w.caseload_band.0,
        w.caseload_band.1,
        w.contacts_band.0,
        w.contacts_band.1
    );
    if let Some(chart) = chart("lw-chart-workforce", report) {
        w!(out, r#"<div class="linkwork-chart">{chart}</div>"#);
    }
    out.push_str(r#"<dl class="nhsuk-summary-list">"#);
    let mut row = |key: &str, value: String| {
        w!(
            out,
            r#"<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{}</dt><dd class="nhsuk-summary-list__value">{value}</dd></div>"#,
            escape(key)
        )
    };
    row(
        "Link workers",
        format!(
            "{} for {} PCN{} ({})",
            w.link_workers,
            w.services,
            if w.services == 1 { "" } else { "s" },
            if w.meets_minimum {
                "meets the minimum of one per PCN"
            } else {
                "below the minimum of one per PCN"
            }
        ),
    );
    let assumed = if w.wte_assumed > 0 {
        format!(" ({} without a recorded WTE counted as full time)", w.wte_assumed)
    } else {
        String::new()
    };
    row("Whole-time equivalent", format!("{}{}", escape(&fixed(w.wte, 1)), escape(&assumed)));
    row("People taken on", shown(&count(w.taken_on)));
    let band = match w.caseload_within_band {
        Some(true) => " (within 200–250)",
        Some(false) => " (outside 200–250)",
        None => "",
    };
    if w.cases_of_one_practice {
        row("People taken on per WTE a year", "Not worked out for one practice: the link workers serve the whole PCN".into());
    } else {
        row("People taken on per WTE a year", format!("{}{band}", shown(&one_dp(w.caseload_per_wte))));
    }
    row("Support episodes closed", shown(&count(w.closed)));
    row("Contacts per person", format!("mean {}, median {}", shown(&one_dp(w.contacts_mean)), shown(&one_dp(w.contacts_median))));
    row("Episodes with 6 to 12 contacts", format!("{}%", shown(&one_dp(w.pct_contacts_in_band))));
    out.push_str("</dl>");
    out.push_str(r#"<p class="nhsuk-body">Staff numbers are today's; no figure is published for an individual link worker. Contacts are those recorded in Linkwork.</p></section>"#);
}

/// Two bullet bars: caseload per WTE against 200–250, mean contacts against 6–12. `None` when
/// neither is shown.
fn chart(id: &str, report: &Report) -> Option<String> {
    let w = &report.workforce;
    let rows: Vec<(&str, f64, (f64, f64), f64)> = [
        w.caseload_per_wte.value().map(|v| ("People taken on per WTE a year", *v, w.caseload_band, 300.0)),
        w.contacts_mean.value().map(|v| ("Contacts per person (mean)", *v, w.contacts_band, 15.0)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if rows.is_empty() {
        return None;
    }
    let (width, left, right, row_h, top) = (720.0, 240.0, 40.0, 56.0, 16.0);
    let height = top + row_h * rows.len() as f64 + 8.0;
    let mut desc = "Bars showing the service's figures against the expected range, drawn as a hatched band.".to_owned();
    for (label, v, (lo, hi), _) in &rows {
        w!(desc, " {label}: {} (expected {lo} to {hi}).", fixed(*v, 1));
    }
    desc.push_str(" The figures are also listed below the chart.");
    let mut out = String::new();
    w!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="linkwork-chart__svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-size="14" fill="#212b32"><title id="{id}-title">Caseload and contacts against expected ranges</title><desc id="{id}-desc">{}</desc><rect width="{width}" height="{height}" fill="#ffffff"/>"##,
        escape(&desc)
    );
    for (i, (label, v, (lo, hi), max)) in rows.iter().enumerate() {
        let max = max.max(v * 1.1);
        let x = |t: f64| left + t / max * (width - left - right);
        let y = top + row_h * i as f64;
        w!(out, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, left - 10.0, fixed(y + 22.0, 1), escape(label));
        w!(
            out,
            r##"<rect x="{}" y="{}" width="{}" height="28" fill="#e8edee" stroke="#4c6272" stroke-dasharray="4 3"/>"##,
            fixed(x(*lo), 1),
            fixed(y + 4.0, 1),
            fixed(x(*hi) - x(*lo), 1)
        );
        w!(out, r##"<rect x="{left}" y="{}" width="{}" height="12" fill="#005eb8"/>"##, fixed(y + 12.0, 1), fixed(x(*v) - left, 1));
        w!(
            out,
            r##"<text x="{}" y="{}" font-size="12" fill="#4c6272">{} (expected {}–{})</text>"##,
            fixed(left, 1),
            fixed(y + 48.0, 1),
            escape(&fixed(*v, 1)),
            lo,
            hi
        );
    }
    out.push_str("</svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use linkwork_domain::evaluation::{evaluate, EvaluationInput, EvaluationSettings, Period};
    use linkwork_domain::evaluation::workforce::{CaseFacts, WorkerFacts};
    use time::macros::date;

    #[test]
    fn figures_and_html() {
        let mut input = EvaluationInput::default();
        input.workforce.services = 1;
        input.workforce.workers = vec![WorkerFacts { id: "a".into(), wte: Some(0.5) }];
        for i in 0..120 {
            input.workforce.cases.push(CaseFacts {
                referral_id: format!("r{i}").into(),
                accepted_on: Some(date!(2026 - 05 - 01)),
                discharged_on: Some(date!(2026 - 10 - 01)),
                contacts: 8,
            });
        }
        let report = evaluate(&input, Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap(), &EvaluationSettings::default());
        let mut figs = Vec::new();
        super::figures(&report, &mut figs);
        let get = |id: &str| figs.iter().find(|f| f.id == id).unwrap().value.clone();
        // 120 taken on ÷ 0.5 WTE × 365.25/365 = 240.2 a year.
        assert_eq!(get("workforce.caseload_per_wte"), "240.2");
        assert_eq!(get("workforce.contacts_mean"), "8.0");
        assert_eq!(get("workforce.meets_minimum"), "yes");
        let mut html = String::new();
        super::html(&mut html, &report);
        assert!(html.contains("240.2 (within 200–250)") && html.contains("lw-chart-workforce-desc"));
    }
}
