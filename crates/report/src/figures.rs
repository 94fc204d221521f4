//! Every figure of a report as one flat list with stable ids, for the CSV and the JSON API.

use crate::format::{count, fixed, month_long, one_dp, stat, unique_slugs};
use linkwork_domain::disclosure::Shown;
use linkwork_domain::evaluation::Report;
use linkwork_domain::instruments::Direction;
use serde::Serialize;

/// One figure of the report, formatted as it is published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Stable identifier, e.g. `reach.annual_rate_pct` or `outcome.swemwbs_metric.mean_change`.
    pub id: String,
    /// `reach`, `waiting`, `outcome` or `onward`.
    pub section: &'static str,
    pub label: String,
    /// `12.3`, `*` when suppressed, or empty when there is no data.
    pub value: String,
    /// The number of people or referrals the figure is based on, where it is a statistic.
    pub n: String,
    pub ci95_low: String,
    pub ci95_high: String,
    pub unit: &'static str,
    /// One sentence saying what the figure counts or measures.
    pub definition: String,
}

impl Figure {
    pub const CSV_HEADER: [&'static str; 9] = ["id", "section", "label", "value", "n", "ci95_low", "ci95_high", "unit", "definition"];

    fn new(id: impl Into<String>, section: &'static str, label: impl Into<String>, value: String, unit: &'static str, definition: impl Into<String>) -> Self {
        Figure {
            id: id.into(),
            section,
            label: label.into(),
            value,
            n: String::new(),
            ci95_low: String::new(),
            ci95_high: String::new(),
            unit,
            definition: definition.into(),
        }
    }

    fn with_n(mut self, n: String) -> Self {
        self.n = n;
        self
    }
}

const REFERRALS: &str = "referrals";
const PEOPLE: &str = "people";
const ANNUAL_RATE: &str = "% of list size a year";
const DAYS: &str = "days";
const POINTS: &str = "points";
const PERCENT: &str = "%";
const EFFECT_SIZE: &str = "standard deviations";
const ONWARD: &str = "onward referrals";

/// Every figure in the report, in reading order, each with a unique, stable id.
pub fn figures(report: &Report) -> Vec<Figure> {
    let mut out = Vec::new();
    reach(report, &mut out);
    waiting(report, &mut out);
    outcomes(report, &mut out);
    onward(report, &mut out);
    crate::stakeholders::figures(report, &mut out);
    crate::equity::figures(report, &mut out);
    crate::workforce::figures(report, &mut out);
    crate::what_works::figures(report, &mut out);
    crate::sdoh::figures(report, &mut out);
    crate::custom_outcomes::figures(report, &mut out);
    crate::health_system::figures(report, &mut out);
    crate::sroi::figures(report, &mut out);
    // Last: scorecards are scored against every figure above.
    crate::stakeholders::scorecard_figures(report, &mut out);
    out
}

fn reach(report: &Report, out: &mut Vec<Figure>) {
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

fn waiting(report: &Report, out: &mut Vec<Figure>) {
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

fn outcomes(report: &Report, out: &mut Vec<Figure>) {
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
            stat(o.wilcoxon_p, 4),
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

fn onward(report: &Report, out: &mut Vec<Figure>) {
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
