//! The report as HTML: a fragment for the web app's page layout, and a standalone document for
//! saving and printing. Semantic and accessible (WCAG 2.2 AA): headings in order from `h2` (the page
//! supplies the `h1`), tables with captions and scoped headers, charts with a text alternative and
//! the same figures in a table. Every piece of text from the report is escaped.

use crate::format::{count, date_long, escape, fixed, month_long, one_dp, policy_sentence, stat, SUPPRESSED};
use crate::svg;
use linkwork_domain::disclosure::Shown;
use linkwork_domain::evaluation::{OutcomeChange, Report};
use linkwork_domain::instruments::{score_definition, Direction};

/// The report body (sections from `h2` down), for embedding in a page that supplies the `h1`.
pub fn html_fragment(report: &Report, reproduce_command: &str) -> String {
    let mut out = String::from(r#"<div class="linkwork-report">"#);
    summary(&mut out, report);
    reach(&mut out, report);
    waiting(&mut out, report);
    outcomes(&mut out, report);
    onward(&mut out, report);
    crate::stakeholders::html(&mut out, report);
    crate::equity::html(&mut out, report);
    crate::workforce::html(&mut out, report);
    crate::what_works::html(&mut out, report);
    crate::sdoh::html(&mut out, report);
    crate::custom_outcomes::html(&mut out, report);
    crate::health_system::html(&mut out, report);
    crate::sroi::html(&mut out, report);
    crate::stakeholders::scorecards_html(&mut out, report);
    crate::stakeholders::evidence_html(&mut out, report);
    notes(&mut out, report, reproduce_command);
    out.push_str("</div>");
    out
}

/// A complete, standalone HTML5 document of the report, readable on screen and when printed.
pub fn html_document(report: &Report, reproduce_command: &str) -> String {
    crate::document::annual_report_document(report, reproduce_command, &crate::document::DocumentMeta::default())
}

pub(crate) const DOCUMENT_CSS: &str = "
body{margin:0;padding:1rem;font-family:Arial,Helvetica,sans-serif;font-size:1rem;line-height:1.5;color:#212b32;background:#fff}
main{max-width:60rem;margin:0 auto}
h1,h2,h3{line-height:1.25;margin:0 0 1rem}
.nhsuk-heading-l{font-size:2rem}
.nhsuk-heading-m{font-size:1.5rem;margin-top:2.5rem;padding-top:1rem;border-top:1px solid #d8dde0}
.nhsuk-heading-s{font-size:1.1875rem;margin-top:2rem}
.nhsuk-lede-text{font-size:1.1875rem}
.nhsuk-body,.nhsuk-list{margin:0 0 1rem}
.nhsuk-list--bullet{padding-left:1.25rem}
.nhsuk-table{width:100%;border-collapse:collapse;margin:0 0 1.5rem;font-size:0.9375rem}
.nhsuk-table__caption{text-align:left;font-weight:bold;padding-bottom:0.5rem}
.nhsuk-table__header,.nhsuk-table__cell{text-align:left;vertical-align:top;padding:0.5rem 1rem 0.5rem 0;border-bottom:1px solid #d8dde0}
.nhsuk-table__head .nhsuk-table__header{border-bottom:2px solid #4c6272}
.nhsuk-table__header--numeric,.nhsuk-table__cell--numeric{text-align:right}
.nhsuk-summary-list{margin:0 0 1.5rem}
.nhsuk-summary-list__row{display:flex;flex-wrap:wrap;border-bottom:1px solid #d8dde0}
.nhsuk-summary-list__key,.nhsuk-summary-list__value{margin:0;padding:0.5rem 1rem 0.5rem 0}
.nhsuk-summary-list__key{flex:0 0 30%;font-weight:bold}
.nhsuk-summary-list__value{flex:1 1 20rem}
.nhsuk-inset-text{margin:1.5rem 0;padding:0.5rem 1rem;border-left:8px solid #005eb8}
.nhsuk-inset-text p{margin:0}
.nhsuk-u-visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;border:0!important;white-space:nowrap!important}
.linkwork-chart{margin:0 0 1.5rem;max-width:48rem}
.linkwork-chart svg{display:block;width:100%;height:auto}
code{font-family:Consolas,'Courier New',monospace;font-size:0.9375rem;background:#f0f4f5;padding:0.1em 0.25em;overflow-wrap:anywhere}
@media print{
body{padding:0;font-size:11pt}
main{max-width:none}
.nhsuk-heading-m,.nhsuk-heading-s{break-after:avoid}
.nhsuk-table,.linkwork-chart,.nhsuk-summary-list__row{break-inside:avoid}
code{background:none;padding:0}
}
";

/// `1 April 2026 to 31 March 2027`
fn period_text(report: &Report) -> String {
    format!("{} to {}", date_long(report.period.from), date_long(report.period.to))
}

/// A formatted figure as HTML: escaped, with thousands separators; `*` and missing figures get a
/// visible mark that screen readers hear as words.
fn shown(text: &str) -> String {
    match text {
        SUPPRESSED => r#"<span aria-hidden="true">*</span><span class="nhsuk-u-visually-hidden">suppressed</span>"#.to_owned(),
        "" => r#"<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">no data</span>"#.to_owned(),
        other => escape(&group_thousands(other)),
    }
}

/// `12345.6` as `12,345.6`; anything that is not a plain number is left alone.
fn group_thousands(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    if int.len() < 4 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return text.to_owned();
    }
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn section_start(out: &mut String, id: &str, heading: &str) {
    w!(out, r#"<section class="linkwork-report__section" aria-labelledby="{id}"><h2 class="nhsuk-heading-m" id="{id}">{}</h2>"#, escape(heading));
}

fn h3(out: &mut String, heading: &str) {
    w!(out, r#"<h3 class="nhsuk-heading-s">{}</h3>"#, escape(heading));
}

pub(crate) fn para(out: &mut String, html: &str) {
    w!(out, r#"<p class="nhsuk-body">{html}</p>"#);
}

/// A table whose first column holds row headers. `columns` are (heading, numeric); cells are HTML.
pub(crate) fn table(out: &mut String, caption: &str, columns: &[(&str, bool)], rows: &[(String, Vec<String>)]) {
    w!(out, r#"<table class="nhsuk-table"><caption class="nhsuk-table__caption">{}</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row">"#, escape(caption));
    for (heading, numeric) in columns {
        let class = if *numeric { "nhsuk-table__header nhsuk-table__header--numeric" } else { "nhsuk-table__header" };
        w!(out, r#"<th scope="col" class="{class}">{}</th>"#, escape(heading));
    }
    out.push_str(r#"</tr></thead><tbody class="nhsuk-table__body">"#);
    for (header, cells) in rows {
        w!(out, r#"<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{header}</th>"#);
        for (i, cell) in cells.iter().enumerate() {
            let numeric = columns.get(i + 1).is_some_and(|c| c.1);
            let class = if numeric { "nhsuk-table__cell nhsuk-table__cell--numeric" } else { "nhsuk-table__cell" };
            w!(out, r#"<td class="{class}">{cell}</td>"#);
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

fn summary_row(out: &mut String, key: &str, value_html: &str) {
    w!(
        out,
        r#"<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{}</dt><dd class="nhsuk-summary-list__value">{value_html}</dd></div>"#,
        escape(key)
    );
}

/// Where a rate sits against the target band, in words. Rates are shown to one decimal place, so
/// one that rounds to the edge of the band but lies outside it is "just" below or above.
fn against_target(rate: f64, low: f64, high: f64) -> &'static str {
    let shown = fixed(rate, 1);
    if rate < low {
        if shown == fixed(low, 1) { "just below" } else { "below" }
    } else if rate > high {
        if shown == fixed(high, 1) { "just above" } else { "above" }
    } else {
        "within"
    }
}

/// The service's target band for the referral rate: `1.0% to 2.0%`.
pub fn band_text(report: &Report) -> String {
    let t = &report.settings.target;
    format!("{}% to {}%", fixed(t.low_pct, 1), fixed(t.high_pct, 1))
}

/// The annual referral rate (% of the registered list) as every page shows it, the report and the
/// dashboard alike: rounded to one decimal place (`0.4`, no `%`), with where it sits against the
/// target band (`within`, `just below`, …). `None` when the rate is suppressed or not known.
pub fn referral_rate(report: &Report) -> Option<(String, &'static str)> {
    let r = &report.reach;
    let Shown::Value(v) = r.annual_rate_pct else { return None };
    let target = &report.settings.target;
    let position = match r.within_target {
        Some(true) => "within",
        _ => against_target(v, target.low_pct, target.high_pct),
    };
    Some((one_dp(Shown::Value(v)), position))
}

fn summary(out: &mut String, report: &Report) {
    section_start(out, "lw-report-summary", "Summary");
    out.push_str(r#"<dl class="nhsuk-summary-list">"#);
    summary_row(out, "Period", &escape(&period_text(report)));
    let scope = if report.scope.trim().is_empty() { shown("") } else { escape(&report.scope) };
    summary_row(out, "Scope", &scope);
    let r = &report.reach;
    summary_row(out, "Referrals received", &shown(&count(r.referrals)));

    let rate = match (r.annual_rate_pct, referral_rate(report)) {
        (_, Some((rate, position))) => format!("{}% of the registered list a year: {position} the target band of {}", escape(&rate), escape(&band_text(report))),
        (Shown::Suppressed, None) => format!("{} (too few referrals to show a rate)", shown(SUPPRESSED)),
        (_, None) => format!("{} (no list size is recorded for the practices in scope)", shown("")),
    };
    summary_row(out, "Annual referral rate", &rate);

    let wait = &report.waiting;
    let median = match wait.median_days {
        Shown::Value(_) => format!("{} days (from {} referrals with a first contact)", shown(&one_dp(wait.median_days)), shown(&count(wait.n))),
        Shown::Suppressed => format!("{} (too few first contacts to show)", shown(SUPPRESSED)),
        Shown::NoData => format!("{} (no first contacts recorded)", shown("")),
    };
    summary_row(out, "Median wait to first contact", &median);

    if let Some(o) = report.outcomes.iter().find(|o| o.score_key == "swemwbs_metric") {
        let change = match o.mean_change {
            Shown::Value(_) => {
                let mut s = format!("{} points", shown(&one_dp(o.mean_change)));
                if let (Shown::Value(_), Shown::Value(_)) = (o.ci95_low, o.ci95_high) {
                    w!(s, " (95% confidence interval {} to {})", shown(&one_dp(o.ci95_low)), shown(&one_dp(o.ci95_high)));
                }
                w!(s, ", from {} people with a baseline and follow-up", shown(&count(o.n_paired)));
                s
            }
            Shown::Suppressed => format!("{} (too few people with a baseline and follow-up to show)", shown(SUPPRESSED)),
            Shown::NoData => format!("{} (no one has a baseline and follow-up yet)", shown("")),
        };
        summary_row(out, "Mental wellbeing (SWEMWBS), mean change", &change);
    }
    out.push_str("</dl>");
    out.push_str(
        r#"<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p>These figures describe the people the service supported. There is no comparison group, so they cannot show how much of any change the service itself caused. See the notes at the end.</p></div>"#,
    );
    out.push_str("</section>");
}

fn reach(out: &mut String, report: &Report) {
    let r = &report.reach;
    let policy = &report.settings.policy;
    section_start(out, "lw-report-reach", "Reach");
    para(out, "Referrals received in the period, by month, practice, source and current status.");

    h3(out, "Referrals by month");
    w!(out, r#"<div class="linkwork-chart">{}</div>"#, svg::month_bars("lw-chart-months", &r.by_month, policy));
    let rows: Vec<(String, Vec<String>)> = r.by_month.iter().map(|m| (escape(&month_long(&m.month)), vec![shown(&count(m.referrals))])).collect();
    table(out, "Referrals received each month", &[("Month", false), ("Referrals", true)], &rows);
    if r.by_month.iter().any(|m| m.referrals.is_suppressed()) {
        para(
            out,
            &format!(
                "Months marked * had between 1 and {} referrals. The number is not shown and the chart has no bar for those months.",
                policy.max_suppressed
            ),
        );
    }

    h3(out, "Referrals by practice");
    if r.by_practice.is_empty() {
        para(out, "No practices are in scope.");
    } else {
        para(
            out,
            &format!(
                "Each practice's referrals as a percentage of its registered list size, scaled to a year, against the target band of {}.",
                escape(&band_text(report))
            ),
        );
        w!(out, r#"<div class="linkwork-chart">{}</div>"#, svg::practice_rates("lw-chart-practices", &r.by_practice, &report.settings.target));
        let target = &report.settings.target;
        let position = |rate: Shown<f64>| match rate {
            Shown::Value(v) => against_target(v, target.low_pct, target.high_pct).to_owned(),
            other => shown(&one_dp(other)),
        };
        let mut rows: Vec<(String, Vec<String>)> = r
            .by_practice
            .iter()
            .map(|p| {
                (escape(&p.practice), vec![shown(&p.list_size.to_string()), shown(&count(p.referrals)), shown(&one_dp(p.annual_rate_pct)), position(p.annual_rate_pct)])
            })
            .collect();
        let total_position = referral_rate(report).map_or_else(|| position(r.annual_rate_pct), |(_, p)| p.to_owned());
        rows.push(("All practices".to_owned(), vec![shown(&r.list_size.to_string()), shown(&count(r.referrals)), shown(&one_dp(r.annual_rate_pct)), total_position]));
        table(
            out,
            "Referrals by practice",
            &[("Practice", false), ("List size", true), ("Referrals", true), ("Annual referral rate (% of list)", true), ("Against the target band", false)],
            &rows,
        );
        if r.by_practice.iter().any(|p| p.annual_rate_pct.is_suppressed()) {
            para(out, &format!("Practices marked * had between 1 and {} referrals, too few to show a rate.", policy.max_suppressed));
        }
    }

    h3(out, "Referrals by source");
    let rows: Vec<(String, Vec<String>)> = r.by_source.iter().map(|s| (escape(s.source.label()), vec![shown(&count(s.referrals))])).collect();
    table(out, "Referrals by who made them", &[("Source", false), ("Referrals", true)], &rows);

    h3(out, "Referrals by status");
    let rows: Vec<(String, Vec<String>)> = r.by_status.iter().map(|s| (escape(s.status.label()), vec![shown(&count(s.referrals))])).collect();
    table(out, "Referrals received in the period by their status now", &[("Status", false), ("Referrals", true)], &rows);
    out.push_str("</section>");
}

fn waiting(out: &mut String, report: &Report) {
    let w = &report.waiting;
    section_start(out, "lw-report-waiting", "Waiting time to first contact");
    para(out, "Days from referral to the first contact with a link worker, for referrals received in the period.");
    let rows = vec![
        ("Referrals with a first contact".to_owned(), vec![shown(&count(w.n))]),
        ("Median wait (days)".to_owned(), vec![shown(&one_dp(w.median_days))]),
        ("Mean wait (days)".to_owned(), vec![shown(&one_dp(w.mean_days))]),
        ("Still waiting: open referrals with no first contact yet".to_owned(), vec![shown(&count(w.still_waiting))]),
    ];
    table(out, "Waiting time to first contact", &[("Measure", false), ("Value", true)], &rows);
    out.push_str("</section>");
}

fn score_header(o: &OutcomeChange) -> String {
    let direction = match o.direction {
        Direction::HigherIsBetter => "higher is better",
        Direction::LowerIsBetter => "lower is better",
    };
    format!("{} ({direction})", escape(o.label))
}

fn ci_html(o: &OutcomeChange) -> String {
    match (o.ci95_low, o.ci95_high) {
        (Shown::Value(_), Shown::Value(_)) => format!("{} to {}", shown(&one_dp(o.ci95_low)), shown(&one_dp(o.ci95_high))),
        (Shown::Suppressed, _) | (_, Shown::Suppressed) => shown(SUPPRESSED),
        _ => shown(""),
    }
}

fn outcomes(out: &mut String, report: &Report) {
    section_start(out, "lw-report-outcomes", "Outcomes");
    para(
        out,
        "Change from each person's first (baseline) score to their latest follow-up or discharge score on the same questionnaire, for people referred in the period. Scores are in points on each questionnaire's own scale.",
    );
    if report.outcomes.is_empty() {
        para(out, "No outcome measures are in this report.");
        out.push_str("</section>");
        return;
    }
    h3(out, "Average change in scores");
    let rows: Vec<(String, Vec<String>)> = report
        .outcomes
        .iter()
        .map(|o| {
            (
                score_header(o),
                vec![
                    shown(&count(o.n_paired)),
                    shown(&one_dp(o.mean_baseline)),
                    shown(&one_dp(o.mean_follow_up)),
                    shown(&one_dp(o.mean_change)),
                    ci_html(o),
                    shown(&stat(o.effect_size_dz, 2)),
                ],
            )
        })
        .collect();
    table(
        out,
        "Average scores at baseline and follow-up, and the change",
        &[
            ("Score", false),
            ("People with baseline and follow-up", true),
            ("Baseline mean", true),
            ("Follow-up mean", true),
            ("Mean change", true),
            ("95% confidence interval", true),
            ("Effect size (dz)", true),
        ],
        &rows,
    );

    h3(out, "People whose score changed meaningfully");
    let rows: Vec<(String, Vec<String>)> = report
        .outcomes
        .iter()
        .map(|o| {
            (
                score_header(o),
                vec![
                    escape(&fixed(o.threshold, 1)),
                    shown(&one_dp(o.pct_improved)),
                    shown(&one_dp(o.pct_worsened)),
                    shown(&one_dp(o.pct_out_of_concern)),
                    shown(&stat(o.wilcoxon_p, 4)),
                    shown(&count(o.n_baseline_only)),
                ],
            )
        })
        .collect();
    table(
        out,
        "Individual change by at least the meaningful-change threshold",
        &[
            ("Score", false),
            ("Threshold used (points)", true),
            ("Improved by at least the threshold (%)", true),
            ("Worsened by at least the threshold (%)", true),
            ("Moved out of the band of concern (%)", true),
            ("Wilcoxon signed-rank p", true),
            ("People with a baseline but no follow-up yet", true),
        ],
        &rows,
    );

    h3(out, "Chart of the average change");
    match svg::outcome_changes("lw-chart-outcomes", &report.outcomes) {
        Some(chart) => {
            w!(out, r#"<div class="linkwork-chart">{chart}</div>"#);
            para(out, "Squares mark the average change; the lines either side show the 95% confidence interval. Scores with too few people are not drawn.");
        }
        None => para(out, "No score has enough people with a baseline and follow-up to chart."),
    }
    out.push_str("</section>");
}

fn onward(out: &mut String, report: &Report) {
    section_start(out, "lw-report-onward", "Onward referrals");
    para(out, "Onward referrals that link workers sent to community partners in the period, and the partners' responses.");
    if report.onward.is_empty() {
        para(out, "No onward referrals were sent in the period.");
    } else {
        let rows: Vec<(String, Vec<String>)> = report
            .onward
            .iter()
            .map(|p| {
                (
                    escape(&p.partner),
                    vec![shown(&count(p.sent)), shown(&count(p.accepted)), shown(&count(p.declined)), shown(&count(p.awaiting)), shown(&one_dp(p.acceptance_pct))],
                )
            })
            .collect();
        table(
            out,
            "Onward referrals by partner",
            &[
                ("Partner", false),
                ("Sent", true),
                ("Accepted", true),
                ("Declined", true),
                ("Awaiting a response", true),
                ("Accepted (% of those answered)", true),
            ],
            &rows,
        );
        para(out, "Accepted includes referrals the person went on to attend. Sent is rounded from the unrounded total, so it may differ from the sum of the other columns.");
    }
    out.push_str("</section>");
}

fn notes(out: &mut String, report: &Report, reproduce_command: &str) {
    let settings = &report.settings;
    section_start(out, "lw-report-notes", "Notes");
    h3(out, "Caveats");
    out.push_str(r#"<ul class="nhsuk-list nhsuk-list--bullet">"#);
    for caveat in &report.caveats {
        w!(out, "<li>{}</li>", escape(caveat));
    }
    out.push_str("</ul>");

    h3(out, "Small numbers");
    para(out, &format!("Suppression policy used for this report: {}", escape(&policy_sentence(&settings.policy))));

    h3(out, "Referral rate target");
    para(out, &format!("The target band is {} of the registered list a year. Source: {}.", escape(&band_text(report)), escape(settings.target.source)));

    h3(out, "Meaningful-change thresholds");
    if report.outcomes.is_empty() {
        para(out, "No outcome measures are in this report.");
    } else {
        out.push_str(r#"<ul class="nhsuk-list nhsuk-list--bullet">"#);
        for o in &report.outcomes {
            w!(out, "<li>{}: {} points", escape(o.label), escape(&fixed(o.threshold, 1)));
            let definition = score_definition(o.score_key).map(|(_, d)| d);
            if settings.thresholds.contains_key(o.score_key) {
                match definition {
                    Some(d) => w!(out, ", set by this service (the default is {} points)", escape(&fixed(d.default_threshold, 1))),
                    None => out.push_str(", set by this service"),
                }
            } else if let Some(d) = definition {
                w!(out, ". Source: {}", escape(d.threshold_source));
            }
            out.push_str(".</li>");
        }
        out.push_str("</ul>");
    }

    h3(out, "Reproducing these figures");
    para(out, &format!("Reproduce these figures: <code>{}</code>", escape(reproduce_command)));
    out.push_str("</section>");
}
