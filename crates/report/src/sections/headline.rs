//! The sections every report has, in reading order: the summary, reach (with the referral rate
//! against its target band), waiting time to first contact, outcomes (change in scores) and onward
//! referrals, and the closing notes. Each has its figures (for the CSV and JSON) and its HTML.

use crate::primitives::format::{count, date_long, escape, fixed, month_long, one_dp, p_value, policy_sentence, stat, unique_slugs, SUPPRESSED};
use crate::primitives::html::{h3, para, section_start, shown, summary_row, table};
use crate::primitives::svg;
use crate::primitives::Figure;
use linkwork_domain::evaluation::disclosure::Shown;
use linkwork_domain::evaluation::{OutcomeChange, Report};
use linkwork_domain::measurement::instruments::{score_definition, Direction};

const REFERRALS: &str = "referrals";
const PEOPLE: &str = "people";
const ANNUAL_RATE: &str = "% of list size a year";
const DAYS: &str = "days";
const POINTS: &str = "points";
const PERCENT: &str = "%";
const EFFECT_SIZE: &str = "standard deviations";
const ONWARD: &str = "onward referrals";

// ---- figures ----

pub(crate) fn reach_figures(report: &Report, out: &mut Vec<Figure>) {
    let r = &report.reach;
    let s = "reach";
    out.push(Figure::new("reach.referrals", s, "Referrals received", count(r.referrals), REFERRALS, "Referrals received by the service in the period, from all sources."));
    out.push(Figure::new(
        "reach.list_size",
        s,
        "Registered list size",
        r.list_size.to_string(),
        PEOPLE,
        "Total number of patients registered with the practices in scope, the population the referral rate is measured against.",
    ));
    out.push(
        Figure::new(
            "reach.annual_rate_pct",
            s,
            "Annual referral rate",
            one_dp(r.annual_rate_pct),
            ANNUAL_RATE,
            format!(
                "Referrals received in the period as a percentage of the registered list size of the practices, scaled to a year (target band {} to {}%).",
                fixed(report.settings.target.low_pct, 1),
                fixed(report.settings.target.high_pct, 1)
            ),
        )
        .with_n(count(r.referrals)),
    );
    let slugs = unique_slugs(r.by_practice.iter().map(|p| p.practice.as_str()), "practice");
    for (p, slug) in r.by_practice.iter().zip(&slugs) {
        let id = format!("reach.practice.{slug}");
        out.push(Figure::new(
            format!("{id}.referrals"),
            s,
            format!("{}: referrals received", p.practice),
            count(p.referrals),
            REFERRALS,
            "Referrals received in the period for people registered with this practice.",
        ));
        out.push(Figure::new(format!("{id}.list_size"), s, format!("{}: registered list size", p.practice), p.list_size.to_string(), PEOPLE, "Number of patients registered with this practice."));
        out.push(
            Figure::new(
                format!("{id}.annual_rate_pct"),
                s,
                format!("{}: annual referral rate", p.practice),
                one_dp(p.annual_rate_pct),
                ANNUAL_RATE,
                "Referrals received in the period for people registered with this practice as a percentage of its list size, scaled to a year.",
            )
            .with_n(count(p.referrals)),
        );
    }
    for m in &r.by_month {
        out.push(Figure::new(
            format!("reach.month.{}", m.month),
            s,
            format!("Referrals received in {}", month_long(&m.month)),
            count(m.referrals),
            REFERRALS,
            "Referrals received in this calendar month (for a month only partly in the period, only the days in the period).",
        ));
    }
    for c in &r.by_source {
        out.push(Figure::new(
            format!("reach.source.{}", c.source.code()),
            s,
            format!("Referrals from: {}", c.source.label()),
            count(c.referrals),
            REFERRALS,
            format!("Referrals received in the period that were made by: {}.", c.source.label().to_lowercase()),
        ));
    }
    for c in &r.by_status {
        out.push(Figure::new(
            format!("reach.status.{}", c.status.code()),
            s,
            format!("Referrals now: {}", c.status.label()),
            count(c.referrals),
            REFERRALS,
            format!("Referrals received in the period whose status is now: {}.", c.status.label().to_lowercase()),
        ));
    }
}

pub(crate) fn waiting_figures(report: &Report, out: &mut Vec<Figure>) {
    let w = &report.waiting;
    let s = "waiting";
    let n = count(w.n);
    out.push(Figure::new(
        "waiting.n",
        s,
        "Referrals with a first contact",
        n.clone(),
        REFERRALS,
        "Referrals received in the period that have had a first contact, the base for the waiting-time figures.",
    ));
    out.push(
        Figure::new(
            "waiting.median_days",
            s,
            "Median wait to first contact",
            one_dp(w.median_days),
            DAYS,
            "The middle value of the number of days from referral to first contact, for referrals in the period that have had a first contact.",
        )
        .with_n(n.clone()),
    );
    out.push(
        Figure::new(
            "waiting.mean_days",
            s,
            "Mean wait to first contact",
            one_dp(w.mean_days),
            DAYS,
            "The average (mean) number of days from referral to first contact, for referrals in the period that have had a first contact.",
        )
        .with_n(n),
    );
    out.push(Figure::new(
        "waiting.still_waiting",
        s,
        "Still waiting for a first contact",
        count(w.still_waiting),
        REFERRALS,
        "Referrals received in the period that are still open and have not had a first contact yet.",
    ));
}

pub(crate) fn outcomes_figures(report: &Report, out: &mut Vec<Figure>) {
    let s = "outcome";
    for o in &report.outcomes {
        let id = format!("outcome.{}", o.score_key);
        let label = o.label;
        let n = count(o.n_paired);
        let better = match o.direction {
            Direction::HigherIsBetter => "a rise is an improvement",
            Direction::LowerIsBetter => "a fall is an improvement",
        };
        let t = fixed(o.threshold, 1);
        let stat_fig = |suffix: &str, what: String, value: String, unit: &'static str, definition: String| {
            Figure::new(format!("{id}.{suffix}"), s, format!("{label}: {what}"), value, unit, definition).with_n(n.clone())
        };
        out.push(Figure::new(
            format!("{id}.n_paired"),
            s,
            format!("{label}: people with baseline and follow-up"),
            n.clone(),
            PEOPLE,
            format!("People referred in the period with both a baseline and a later follow-up or discharge {label} score, the base for the change figures."),
        ));
        out.push(Figure::new(
            format!("{id}.n_baseline_only"),
            s,
            format!("{label}: people with a baseline only"),
            count(o.n_baseline_only),
            PEOPLE,
            format!("People referred in the period with a baseline {label} score but no later score yet, who are not in the change figures."),
        ));
        out.push(Figure::new(
            format!("{id}.pct_followed_up"),
            s,
            format!("{label}: people with a baseline who were followed up"),
            one_dp(o.pct_followed_up),
            PERCENT,
            format!("Of the people referred in the period with a baseline {label} score, the percentage who also have a follow-up or discharge score: how far the change figures speak for everyone who started."),
        ));
        out.push(Figure::new(
            format!("{id}.mean_baseline_not_followed_up"),
            s,
            format!("{label}: mean at baseline of those not followed up"),
            one_dp(o.mean_baseline_not_followed_up),
            POINTS,
            format!("The average baseline {label} score of the people with no follow-up yet, to compare with the baseline of those followed up: people who leave are often unlike those who stay."),
        ));
        out.push(stat_fig(
            "mean_change_if_lost_unchanged",
            "mean change if those not followed up had not changed".into(),
            one_dp(o.mean_change_if_lost_unchanged),
            POINTS,
            "The average change over everyone with a baseline, counting each person without a follow-up as no change: a cautious figure for the case where those lost to follow-up did not improve.".into(),
        ));
        out.push(stat_fig(
            "mean_baseline",
            "mean at baseline".into(),
            one_dp(o.mean_baseline),
            POINTS,
            "The average score at baseline, for the people with both a baseline and a follow-up.".into(),
        ));
        out.push(stat_fig(
            "mean_follow_up",
            "mean at follow-up".into(),
            one_dp(o.mean_follow_up),
            POINTS,
            "The average score at the latest follow-up or discharge, for the same people.".into(),
        ));
        let mut change = stat_fig(
            "mean_change",
            "mean change".into(),
            one_dp(o.mean_change),
            POINTS,
            format!("The average change in score from baseline to the latest follow-up (follow-up minus baseline; {better}), with its 95% confidence interval."),
        );
        change.ci95_low = one_dp(o.ci95_low);
        change.ci95_high = one_dp(o.ci95_high);
        out.push(change);
        out.push(stat_fig(
            "effect_size_dz",
            "effect size (dz)".into(),
            stat(o.effect_size_dz, 2),
            EFFECT_SIZE,
            "The size of the average change relative to how much people's changes vary (Cohen's dz); about 0.2 is small, 0.5 medium and 0.8 large.".into(),
        ));
        out.push(stat_fig(
            "pct_improved",
            format!("improved by {t} points or more"),
            one_dp(o.pct_improved),
            PERCENT,
            format!("The percentage of people with a baseline and follow-up whose score improved by at least {t} points, the threshold for a meaningful change."),
        ));
        out.push(stat_fig(
            "pct_worsened",
            format!("worsened by {t} points or more"),
            one_dp(o.pct_worsened),
            PERCENT,
            format!("The percentage of people with a baseline and follow-up whose score got worse by at least {t} points, the threshold for a meaningful change."),
        ));
        out.push(stat_fig(
            "wilcoxon_p",
            "Wilcoxon signed-rank p".into(),
            p_value(o.wilcoxon_p),
            "p",
            "The two-sided p-value of the Wilcoxon signed-rank test of the changes (scipy's defaults: exact for small samples, normal approximation otherwise); small values mean the change is unlikely to be chance alone.".into(),
        ));
        if !matches!(o.n_in_concern_at_baseline, Shown::NoData) {
            let mut base = Figure::new(
                format!("{id}.n_in_concern_at_baseline"),
                s,
                format!("{label}: people in the band of concern at baseline"),
                count(o.n_in_concern_at_baseline),
                PEOPLE,
                format!("People with a baseline and follow-up whose baseline {label} score was in the instrument's band of concern (for example lonely, or above the caseness cut-off)."),
            );
            base.n = n.clone();
            out.push(base);
            let mut moved = Figure::new(
                format!("{id}.pct_out_of_concern"),
                s,
                format!("{label}: moved out of the band of concern"),
                one_dp(o.pct_out_of_concern),
                PERCENT,
                "Of the people in the band of concern at baseline, the percentage no longer in it at follow-up.".to_owned(),
            );
            moved.n = count(o.n_in_concern_at_baseline);
            out.push(moved);
        }
    }
}

pub(crate) fn onward_figures(report: &Report, out: &mut Vec<Figure>) {
    let s = "onward";
    let slugs = unique_slugs(report.onward.iter().map(|p| p.partner.as_str()), "partner");
    for (p, slug) in report.onward.iter().zip(&slugs) {
        let id = format!("onward.{slug}");
        let name = &p.partner;
        let counts: [(&str, &str, Shown<u64>, &str); 4] = [
            ("sent", "sent", p.sent, "Onward referrals sent to this partner in the period."),
            ("accepted", "accepted", p.accepted, "Onward referrals sent in the period that this partner accepted, including those the person went on to attend."),
            ("declined", "declined", p.declined, "Onward referrals sent in the period that this partner declined."),
            ("awaiting", "awaiting a response", p.awaiting, "Onward referrals sent in the period that this partner has not answered yet."),
        ];
        for (suffix, what, value, definition) in counts {
            out.push(Figure::new(format!("{id}.{suffix}"), s, format!("{name}: onward referrals {what}"), count(value), ONWARD, definition));
        }
        out.push(Figure::new(
            format!("{id}.acceptance_pct"),
            s,
            format!("{name}: acceptance rate"),
            one_dp(p.acceptance_pct),
            PERCENT,
            "Onward referrals this partner accepted as a percentage of those it has answered (accepted or declined).",
        ));
    }
}

// ---- HTML ----

/// `1 April 2026 to 31 March 2027`
fn period_text(report: &Report) -> String {
    format!("{} to {}", date_long(report.period.from), date_long(report.period.to))
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

pub(crate) fn summary_html(out: &mut String, report: &Report) {
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
                if let Shown::Value(_) = o.pct_followed_up {
                    w!(s, ": {}% of those with a baseline", shown(&one_dp(o.pct_followed_up)));
                    if let Shown::Value(_) = o.mean_change_if_lost_unchanged {
                        w!(s, " (had the others not changed, {} points)", shown(&one_dp(o.mean_change_if_lost_unchanged)));
                    }
                }
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

pub(crate) fn reach_html(out: &mut String, report: &Report) {
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

pub(crate) fn waiting_html(out: &mut String, report: &Report) {
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

pub(crate) fn outcomes_html(out: &mut String, report: &Report) {
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
    outcome_table(
        out,
        report,
        "Average scores at baseline and follow-up, and the change",
        &["People with baseline and follow-up", "Baseline mean", "Follow-up mean", "Mean change", "95% confidence interval", "Effect size (dz)"],
        |o| {
            vec![
                shown(&count(o.n_paired)),
                shown(&one_dp(o.mean_baseline)),
                shown(&one_dp(o.mean_follow_up)),
                shown(&one_dp(o.mean_change)),
                ci_html(o),
                shown(&stat(o.effect_size_dz, 2)),
            ]
        },
    );

    h3(out, "Who was followed up");
    para(out, "The changes above are of the people with a follow-up. Those without one may differ: compare their baseline scores, and see how the average change would look had none of them changed.");
    outcome_table(
        out,
        report,
        "People with a baseline, and those not followed up",
        &[
            "People with a baseline but no follow-up yet",
            "Followed up (% of those with a baseline)",
            "Baseline mean, followed up",
            "Baseline mean, not followed up",
            "Mean change had those not followed up not changed",
        ],
        |o| {
            vec![
                shown(&count(o.n_baseline_only)),
                shown(&one_dp(o.pct_followed_up)),
                shown(&one_dp(o.mean_baseline)),
                shown(&one_dp(o.mean_baseline_not_followed_up)),
                shown(&one_dp(o.mean_change_if_lost_unchanged)),
            ]
        },
    );

    h3(out, "People whose score changed meaningfully");
    outcome_table(
        out,
        report,
        "Individual change by at least the meaningful-change threshold",
        &[
            "Threshold used (points)",
            "Improved by at least the threshold (%)",
            "Worsened by at least the threshold (%)",
            "Moved out of the band of concern (%)",
            "Wilcoxon signed-rank p",
            "People with a baseline but no follow-up yet",
        ],
        |o| {
            vec![
                escape(&fixed(o.threshold, 1)),
                shown(&one_dp(o.pct_improved)),
                shown(&one_dp(o.pct_worsened)),
                shown(&one_dp(o.pct_out_of_concern)),
                shown(&p_value(o.wilcoxon_p)),
                shown(&count(o.n_baseline_only)),
            ]
        },
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

/// One row per outcome score: its name (the row header) and `cells`, under numeric `headings`.
fn outcome_table(out: &mut String, report: &Report, caption: &str, headings: &[&str], cells: impl Fn(&OutcomeChange) -> Vec<String>) {
    let rows: Vec<(String, Vec<String>)> = report.outcomes.iter().map(|o| (score_header(o), cells(o))).collect();
    let columns: Vec<(&str, bool)> = std::iter::once(("Score", false)).chain(headings.iter().map(|h| (*h, true))).collect();
    table(out, caption, &columns, &rows);
}

pub(crate) fn onward_html(out: &mut String, report: &Report) {
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

pub(crate) fn notes_html(out: &mut String, report: &Report, reproduce_command: &str) {
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
