//! The paired change of the services' own questionnaires (`linkwork_domain::evaluation::custom_outcomes`),
//! published like the shipped instruments': figures `outcome.<score key>.<metric>`, a chart of the
//! mean change with its 95% CI, and a table with the threshold and band of concern each used.

use crate::primitives::format::{count, escape, fixed, one_dp, p_value, stat, SUPPRESSED};
use crate::primitives::Figure;
use linkwork_domain::evaluation::disclosure::Shown;
use linkwork_domain::evaluation::Report;
use linkwork_domain::evaluation::custom_outcomes::CustomOutcome;
use linkwork_domain::measurement::instruments::Direction;

const SECTION: &str = "outcome";

fn better(d: Direction) -> &'static str {
    match d {
        Direction::HigherIsBetter => "higher is better",
        Direction::LowerIsBetter => "lower is better",
    }
}

fn fig(id: String, label: String, value: String, n: String, unit: &'static str, definition: String) -> Figure {
    Figure { id, section: SECTION, label, value, n, ci95_low: String::new(), ci95_high: String::new(), unit, definition }
}

pub(crate) fn figures(report: &Report, out: &mut Vec<Figure>) {
    for o in &report.custom_outcomes {
        let (k, l) = (&o.score_key, &o.label);
        let n = count(o.n_paired);
        let source = format!("A questionnaire defined by the service ({}, version {}; {}), {}.", o.instrument_name, o.version, o.licence, better(o.direction));
        out.push(fig(format!("outcome.{k}.n_paired"), format!("{l}: people with baseline and follow-up"), n.clone(), String::new(), "people", format!("People referred in the period with both a baseline and a later follow-up or discharge score. {source}")));
        out.push(fig(format!("outcome.{k}.n_baseline_only"), format!("{l}: people with a baseline only"), count(o.n_baseline_only), String::new(), "people", "People referred in the period with a baseline score but no later one yet.".into()));
        out.push(fig(format!("outcome.{k}.pct_followed_up"), format!("{l}: people with a baseline who were followed up"), one_dp(o.pct_followed_up), String::new(), "%", "Of the people referred in the period with a baseline score, the percentage who also have a follow-up or discharge score: how far the change figures speak for everyone who started.".into()));
        out.push(fig(format!("outcome.{k}.mean_baseline_not_followed_up"), format!("{l}: mean at baseline of those not followed up"), one_dp(o.mean_baseline_not_followed_up), count(o.n_baseline_only), "points", "The average baseline score of the people with no follow-up yet, to compare with the baseline of those followed up.".into()));
        out.push(fig(format!("outcome.{k}.mean_change_if_lost_unchanged"), format!("{l}: mean change if those not followed up had not changed"), one_dp(o.mean_change_if_lost_unchanged), n.clone(), "points", "The average change over everyone with a baseline, counting each person without a follow-up as no change: a cautious figure for the case where those lost to follow-up did not improve.".into()));
        out.push(fig(format!("outcome.{k}.mean_baseline"), format!("{l}: mean at baseline"), one_dp(o.mean_baseline), n.clone(), "points", "The average score at baseline, for the people with both a baseline and a follow-up.".into()));
        out.push(fig(format!("outcome.{k}.mean_follow_up"), format!("{l}: mean at follow-up"), one_dp(o.mean_follow_up), n.clone(), "points", "The average score at the latest follow-up or discharge, for the same people.".into()));
        let mut change = fig(format!("outcome.{k}.mean_change"), format!("{l}: mean change"), one_dp(o.mean_change), n.clone(), "points", "The average change from baseline to the latest follow-up (follow-up minus baseline), with a paired-t 95% confidence interval.".into());
        change.ci95_low = one_dp(o.ci95_low);
        change.ci95_high = one_dp(o.ci95_high);
        out.push(change);
        out.push(fig(format!("outcome.{k}.effect_size_dz"), format!("{l}: effect size (dz)"), stat(o.effect_size_dz, 2), n.clone(), "standard deviations", "Mean change divided by the standard deviation of the changes (Cohen's dz).".into()));
        out.push(fig(
            format!("outcome.{k}.pct_improved"),
            format!("{l}: improved by {} points or more", fixed(o.threshold, 1)),
            one_dp(o.pct_improved),
            n.clone(),
            "%",
            format!("The percentage of people whose score improved by at least the questionnaire's meaningful-change threshold of {} points.", fixed(o.threshold, 1)),
        ));
        out.push(fig(format!("outcome.{k}.pct_worsened"), format!("{l}: worsened by {} points or more", fixed(o.threshold, 1)), one_dp(o.pct_worsened), n.clone(), "%", "The percentage of people whose score got worse by at least the threshold.".into()));
        out.push(fig(format!("outcome.{k}.wilcoxon_p"), format!("{l}: Wilcoxon signed-rank p"), p_value(o.wilcoxon_p), n.clone(), "p", "The two-sided p-value of the Wilcoxon signed-rank test of the changes.".into()));
        if let Some(at) = o.concern_at {
            let n_concern = count(o.n_in_concern_at_baseline);
            out.push(fig(format!("outcome.{k}.n_in_concern_at_baseline"), format!("{l}: people in the band of concern at baseline"), n_concern.clone(), n.clone(), "people", format!("People with a baseline and follow-up whose baseline score was {} {} (the service's band of concern).", if o.direction == Direction::HigherIsBetter { "at or below" } else { "at or above" }, fixed(at, 1))));
            out.push(fig(format!("outcome.{k}.pct_out_of_concern"), format!("{l}: moved out of the band of concern"), one_dp(o.pct_out_of_concern), n_concern, "%", "Of the people in the band of concern at baseline, the percentage no longer in it at follow-up.".into()));
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
    let outcomes = &report.custom_outcomes;
    if outcomes.is_empty() {
        return;
    }
    out.push_str(r#"<section class="linkwork-report__section" aria-labelledby="lw-report-custom-outcomes"><h2 class="nhsuk-heading-m" id="lw-report-custom-outcomes">Outcomes: the service's own questionnaires</h2>"#);
    out.push_str(r#"<p class="nhsuk-body">Questionnaires the service defined itself, paired and tested exactly as the standard ones: each person's baseline against their latest follow-up or discharge score. The meaningful change and band of concern are the ones the service set.</p>"#);
    if let Some(chart) = chart("lw-chart-custom-outcomes", outcomes) {
        w!(out, r#"<div class="linkwork-chart">{chart}</div>"#);
    }
    out.push_str(r#"<table class="nhsuk-table"><caption class="nhsuk-table__caption">Change in the service's own questionnaires</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row">"#);
    for (h, numeric) in [("Score", false), ("People paired", true), ("Mean at baseline", true), ("Mean at follow-up", true), ("Mean change (95% CI)", true), ("Meaningful change (points)", true), ("Improved by at least that (%)", true), ("Band of concern", true)] {
        w!(out, r#"<th scope="col" class="nhsuk-table__header{}">{h}</th>"#, if numeric { " nhsuk-table__header--numeric" } else { "" });
    }
    out.push_str(r#"</tr></thead><tbody class="nhsuk-table__body">"#);
    for o in outcomes {
        let change = match (o.mean_change, o.ci95_low, o.ci95_high) {
            (Shown::Value(m), Shown::Value(lo), Shown::Value(hi)) => format!("{} ({} to {})", fixed(m, 1), fixed(lo, 1), fixed(hi, 1)),
            (m, _, _) => one_dp(m),
        };
        let concern = match o.concern_at {
            Some(at) => format!("{} {}", if o.direction == Direction::HigherIsBetter { "≤" } else { "≥" }, fixed(at, 1)),
            None => "None set".into(),
        };
        w!(out, r#"<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{} <span class="nhsuk-body-s">({}; version {})</span></th>"#, escape(&o.label), better(o.direction), escape(&o.version));
        for cell in [count(o.n_paired), one_dp(o.mean_baseline), one_dp(o.mean_follow_up), change, fixed(o.threshold, 1), one_dp(o.pct_improved), concern] {
            w!(out, r#"<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>"#, shown(&cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    // Who was followed up: the change above speaks only for those with a follow-up.
    out.push_str(r#"<table class="nhsuk-table"><caption class="nhsuk-table__caption">Who was followed up in the service's own questionnaires</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row">"#);
    for (h, numeric) in [("Score", false), ("Baseline only", true), ("Followed up (%)", true), ("Mean at baseline, followed up", true), ("Mean at baseline, not followed up", true), ("Mean change if those not followed up had not changed", true)] {
        w!(out, r#"<th scope="col" class="nhsuk-table__header{}">{h}</th>"#, if numeric { " nhsuk-table__header--numeric" } else { "" });
    }
    out.push_str(r#"</tr></thead><tbody class="nhsuk-table__body">"#);
    for o in outcomes {
        w!(out, r#"<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{}</th>"#, escape(&o.label));
        for cell in [count(o.n_baseline_only), one_dp(o.pct_followed_up), one_dp(o.mean_baseline), one_dp(o.mean_baseline_not_followed_up), one_dp(o.mean_change_if_lost_unchanged)] {
            w!(out, r#"<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>"#, shown(&cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></section>");
}

/// Mean change with its 95% CI per score (scores with too few people are named, not drawn).
fn chart(id: &str, outcomes: &[CustomOutcome]) -> Option<String> {
    type Row<'a> = (&'a CustomOutcome, f64, Option<(f64, f64)>);
    let rows: Vec<Row> = outcomes.iter().filter_map(|o| Some((o, *o.mean_change.value()?, o.ci95_low.value().copied().zip(o.ci95_high.value().copied())))).collect();
    if rows.is_empty() {
        return None;
    }
    let (width, left, right, top, row) = (720.0f64, 260.0, 40.0, 30.0, 46.0);
    let bottom = top + row * rows.len() as f64;
    let height = bottom + 44.0;
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for (_, m, ci) in &rows {
        let (a, b) = ci.unwrap_or((*m, *m));
        lo = lo.min(a).min(*m);
        hi = hi.max(b).max(*m);
    }
    let span = (hi - lo).max(1.0);
    let (lo, hi) = (lo - span * 0.05, hi + span * 0.05);
    let x = |v: f64| left + (v - lo) / (hi - lo) * (width - left - right);
    let mut desc = "Average change in each score of the service's own questionnaires from baseline to follow-up, with its 95% confidence interval; a dashed line marks no change.".to_owned();
    for (o, m, ci) in &rows {
        match ci {
            Some((a, b)) => w!(desc, " {} ({}): {} (95% CI {} to {}).", o.label, better(o.direction), fixed(*m, 1), fixed(*a, 1), fixed(*b, 1)),
            None => w!(desc, " {} ({}): {}.", o.label, better(o.direction), fixed(*m, 1)),
        }
    }
    if rows.len() < outcomes.len() {
        desc.push_str(" Scores with too few people are not drawn.");
    }
    desc.push_str(" The figures are also in the table below.");
    let mut out = String::new();
    w!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="linkwork-chart__svg" viewBox="0 0 {width} {}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-size="14" fill="#212b32"><title id="{id}-title">Change in the service's own questionnaires</title><desc id="{id}-desc">{}</desc>"##,
        fixed(height, 1),
        escape(&desc)
    );
    w!(out, r##"<rect width="{width}" height="{}" fill="#ffffff"/>"##, fixed(height, 1));
    w!(out, r##"<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#212b32" stroke-width="1.5" stroke-dasharray="6 4"/>"##, fixed(x(0.0), 1), fixed(top - 10.0, 1), fixed(bottom, 1));
    for (i, (o, m, ci)) in rows.iter().enumerate() {
        let cy = top + row * (i as f64 + 0.5);
        let label: String = if o.label.chars().count() > 34 { format!("{}…", o.label.chars().take(33).collect::<String>()) } else { o.label.clone() };
        w!(out, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, fixed(left - 12.0, 1), fixed(cy + 5.0, 1), escape(&label));
        if let Some((a, b)) = ci {
            w!(out, r##"<line x1="{}" y1="{2}" x2="{}" y2="{2}" stroke="#212b32" stroke-width="2"/>"##, fixed(x(*a), 1), fixed(x(*b), 1), fixed(cy, 1));
        }
        w!(out, r##"<rect x="{}" y="{}" width="12" height="12" fill="#005eb8" stroke="#212b32" stroke-width="1.5"/>"##, fixed(x(*m) - 6.0, 1), fixed(cy - 6.0, 1));
    }
    w!(out, r#"<text x="{}" y="{}" text-anchor="middle">Mean change in points, with 95% confidence interval</text>"#, fixed(left + (width - left - right) / 2.0, 1), fixed(height - 12.0, 1));
    out.push_str("</svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use linkwork_domain::measurement::custom_instrument::{CustomForm, CustomInstrument, CustomMeasureFacts};
    use linkwork_domain::evaluation::{evaluate, testing, EvaluationInput, EvaluationSettings, Period};
    use linkwork_domain::measurement::instruments::Timepoint;
    use linkwork_domain::casework::referral::{ReferralSource, ReferralStatus};
    use time::macros::date;

    /// Ten people go 2+2+2 = 6 → 4+4+4 = 12 on "Confidence" (sum, higher better, threshold 2): mean
    /// change 6 for everyone (zero-width CI), 100% improved.
    fn report() -> linkwork_domain::evaluation::Report {
        let form = CustomForm { name: "Confidence", version: "2", licence: "Our own", instructions: "", answers: "1: No; 2: Some; 3: Yes; 4: Very", items: "A\nB\nC", scoring: "sum", better: "higher", threshold: "2", concern_at: "" };
        let mut input = EvaluationInput { custom_instruments: vec![CustomInstrument::parse("custom_c", &form).unwrap()], ..Default::default() };
        for i in 0..10 {
            let id = format!("r{i}");
            input.referrals.push(testing::referral(id.clone(), None, date!(2026 - 05 - 01)).from_source(ReferralSource::ALL[0]).with_status(ReferralStatus::ALL[0]));
            input.custom_measures.push(CustomMeasureFacts { referral_id: id.clone(), instrument_code: "custom_c".into(), timepoint: Timepoint::Baseline, taken_on: date!(2026 - 05 - 02), answers: vec![2, 2, 2] });
            input.custom_measures.push(CustomMeasureFacts { referral_id: id, instrument_code: "custom_c".into(), timepoint: Timepoint::FollowUp, taken_on: date!(2026 - 08 - 02), answers: vec![4, 4, 4] });
        }
        evaluate(&input, Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap(), &EvaluationSettings::default())
    }

    #[test]
    fn figures_and_section() {
        let figures = crate::figures(&report());
        let get = |id: &str| figures.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("{id}"));
        assert_eq!(get("outcome.custom_c_total.n_paired").value, "10");
        assert_eq!(get("outcome.custom_c_total.mean_change").value, "6.0");
        assert_eq!((get("outcome.custom_c_total.mean_change").ci95_low.as_str(), get("outcome.custom_c_total.mean_change").ci95_high.as_str()), ("6.0", "6.0"));
        assert_eq!(get("outcome.custom_c_total.pct_improved").label, "Confidence (total): improved by 2.0 points or more");
        assert_eq!(get("outcome.custom_c_total.pct_improved").value, "100.0");
        assert!(figures.iter().all(|f| f.id != "outcome.custom_c_total.pct_out_of_concern"), "no band of concern set");
        let html = crate::html_fragment(&report(), "");
        let section = &html[html.find("lw-report-custom-outcomes").unwrap()..];
        assert!(section.contains(r#"role="img""#) && section.contains("Confidence (total) (higher is better): 6.0 (95% CI 6.0 to 6.0)."));
        assert!(section.contains("None set") && section.contains("version 2"));
    }

    /// Everyone with a baseline was followed up here: 100%, and the cautious bound is the change.
    #[test]
    fn who_was_followed_up_is_shown_for_a_services_own_questionnaire() {
        let figures = crate::figures(&report());
        let get = |id: &str| figures.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("{id}")).value.clone();
        assert_eq!(get("outcome.custom_c_total.pct_followed_up"), "100.0");
        assert_eq!(get("outcome.custom_c_total.mean_change_if_lost_unchanged"), "6.0");
        assert_eq!(get("outcome.custom_c_total.mean_baseline_not_followed_up"), "");
        let html = crate::html_fragment(&report(), "");
        assert!(html.contains("Who was followed up in the service's own questionnaires"));
    }
}
