//! The stakeholder sections of the report: link workers' own wellbeing (`staff_wellbeing`), the
//! stakeholder scorecards (scored against every other figure, which the document passes in) and
//! the approved qualitative evidence.
//! Figures and HTML live together here so the two always agree; the numbers arrive suppressed
//! from `linkwork_domain::evaluation::stakeholders`.

use crate::primitives::format::{count, escape, fixed, one_dp, with_unit, SUPPRESSED};
use crate::primitives::Figure;
use linkwork_domain::evaluation::disclosure::Shown;
use linkwork_domain::evaluation::Report;
use linkwork_domain::evaluation::stakeholders::scorecard::{
    self, IndicatorValue, Measure, Scorecard, ScorecardSummary, Target,
};
use linkwork_domain::evaluation::stakeholders::staff_wellbeing::{StaffWellbeing, WellbeingFigures};

const SECTION: &str = "staff_wellbeing";

#[allow(clippy::too_many_arguments)]
fn figure(
    id: String,
    label: String,
    value: String,
    n: String,
    unit: &'static str,
    definition: String,
    ci: (String, String),
) -> Figure {
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

/// The figures of one set of people (`prefix` is `staff_wellbeing` or a quarter's id).
fn wellbeing_figures(
    prefix: &str,
    when: &str,
    f: &WellbeingFigures,
    min: u64,
    out: &mut Vec<Figure>,
) {
    let n = count(f.people);
    let gate = format!("Shown only when at least {min} different link workers checked in{when}; otherwise suppressed (*).");
    let latest = format!("Each link worker counts once, with their latest check-in{when}.");
    let none = (String::new(), String::new());
    out.push(figure(
        format!("{prefix}.people"),
        format!("Link workers checking in{when}"),
        n.clone(),
        String::new(),
        "people",
        format!("Different link workers who completed a wellbeing check-in{when}. {gate}"),
        none.clone(),
    ));
    out.push(figure(
        format!("{prefix}.swemwbs_metric.mean"),
        format!("Link workers' mean SWEMWBS score{when}"),
        one_dp(f.swemwbs_mean),
        n.clone(),
        "points",
        format!("Mean SWEMWBS metric score (7 to 35, higher is better) of link workers' own check-ins. {latest} {gate}"),
        (one_dp(f.swemwbs_ci95_low), one_dp(f.swemwbs_ci95_high)),
    ));
    out.push(figure(
        format!("{prefix}.job_satisfaction.mean"),
        format!("Link workers' mean job satisfaction{when}"),
        one_dp(f.job_satisfaction_mean),
        n.clone(),
        "points (1 to 5)",
        format!("Mean job satisfaction, from 1 (very dissatisfied) to 5 (very satisfied). {latest} {gate}"),
        none.clone(),
    ));
    out.push(figure(
        format!("{prefix}.caseload_pressure_high.pct"),
        format!("Link workers feeling high caseload pressure{when}"),
        one_dp(f.pressure_high_pct),
        n.clone(),
        "%",
        format!("Percentage of link workers rating their caseload pressure 4 or 5 on a scale of 1 to 5. {latest} {gate}"),
        none.clone(),
    ));
    out.push(figure(
        format!("{prefix}.supervision.pct"),
        format!("Link workers receiving supervision{when}"),
        one_dp(f.supervision_pct),
        n,
        "%",
        format!("Percentage of link workers who had supervision since their previous check-in. {latest} {gate}"),
        none,
    ));
}

/// Every figure of the stakeholder sections, appended to `out` in reading order.
pub(crate) fn figures(report: &Report, out: &mut Vec<Figure>) {
    let s = &report.stakeholders.staff_wellbeing;
    wellbeing_figures(SECTION, " in the period", &s.period, s.min_people, out);
    for q in &s.by_quarter {
        let when = format!(" in {}", quarter_label(&q.quarter));
        wellbeing_figures(
            &format!("{SECTION}.quarter.{}", q.quarter.to_lowercase()),
            &when,
            &q.figures,
            s.min_people,
            out,
        );
    }
}

/// `2026-Q1` as `January to March 2026`.
fn quarter_label(key: &str) -> String {
    let Some((year, q)) = key.split_once("-Q") else {
        return key.to_owned();
    };
    let months = match q {
        "1" => "January to March",
        "2" => "April to June",
        "3" => "July to September",
        "4" => "October to December",
        _ => return key.to_owned(),
    };
    format!("{months} {year}")
}

fn shown(text: &str) -> String {
    if text.is_empty() {
        "–".into()
    } else if text == SUPPRESSED {
        r#"<span aria-label="suppressed">*</span>"#.into()
    } else {
        escape(text)
    }
}

/// The HTML sections, from `h2` down.
pub(crate) fn html(out: &mut String, report: &Report) {
    staff_wellbeing(out, &report.stakeholders.staff_wellbeing);
}

fn staff_wellbeing(out: &mut String, s: &StaffWellbeing) {
    w!(
        out,
        r#"<section class="linkwork-report__section" aria-labelledby="lw-report-staff-wellbeing"><h2 class="nhsuk-heading-m" id="lw-report-staff-wellbeing">Link workers' own wellbeing</h2>"#
    );
    w!(
        out,
        r#"<p class="nhsuk-body">Link workers record a short check-in about themselves: the SWEMWBS wellbeing questions, their job satisfaction and caseload pressure (1 to 5), and whether they had supervision since the last one. Only the link worker sees their own answers; managers and commissioners see team figures only, each person counted once with their latest check-in. Link workers work across their network's practices, so a report for one practice shows the whole network's team.</p>"#
    );
    if !s.reportable {
        w!(
            out,
            r#"<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span><p>Fewer than {} different link workers checked in during the period: too few link workers to report without identifying them, so every figure in this section is suppressed (*).</p></div>"#,
            s.min_people
        );
    }
    let f = &s.period;
    let ci = match (f.swemwbs_ci95_low.value(), f.swemwbs_ci95_high.value()) {
        (Some(l), Some(h)) => format!(" (95% CI {} to {})", fixed(*l, 1), fixed(*h, 1)),
        _ => String::new(),
    };
    let rows = [
        ("Link workers checking in", shown(&count(f.people))),
        (
            "Mean SWEMWBS score (7 to 35)",
            format!("{}{}", shown(&one_dp(f.swemwbs_mean)), escape(&ci)),
        ),
        (
            "Mean job satisfaction (1 to 5)",
            shown(&one_dp(f.job_satisfaction_mean)),
        ),
        (
            "Feeling high caseload pressure (4 or 5), %",
            shown(&one_dp(f.pressure_high_pct)),
        ),
        (
            "Had supervision since the last check-in, %",
            shown(&one_dp(f.supervision_pct)),
        ),
    ];
    out.push_str(r#"<table class="nhsuk-table"><caption class="nhsuk-table__caption">Link workers' wellbeing in the period</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th scope="col" class="nhsuk-table__header">Measure</th><th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">Value</th></tr></thead><tbody class="nhsuk-table__body">"#);
    for (k, v) in rows {
        w!(
            out,
            r#"<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{}</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">{v}</td></tr>"#,
            escape(k)
        );
    }
    out.push_str("</tbody></table>");
    if s.period.people == Shown::Value(0) {
        w!(
            out,
            r#"<p class="nhsuk-body">No link worker checked in during the period.</p>"#
        );
    } else if !s.by_quarter.is_empty() {
        w!(
            out,
            r#"<h3 class="nhsuk-heading-s">By quarter</h3><figure class="linkwork-chart">{}</figure>"#,
            quarter_chart(s)
        );
        out.push_str(r#"<table class="nhsuk-table"><caption class="nhsuk-table__caption">Link workers' wellbeing by quarter</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th scope="col" class="nhsuk-table__header">Quarter</th><th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">Link workers</th><th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">Mean SWEMWBS score (7 to 35)</th><th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">Mean job satisfaction (1 to 5)</th><th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">High caseload pressure, %</th><th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">Had supervision, %</th></tr></thead><tbody class="nhsuk-table__body">"#);
        for q in &s.by_quarter {
            let f = &q.figures;
            w!(
                out,
                r#"<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{}</th>"#,
                escape(&quarter_label(&q.quarter))
            );
            for cell in [
                count(f.people),
                one_dp(f.swemwbs_mean),
                one_dp(f.job_satisfaction_mean),
                one_dp(f.pressure_high_pct),
                one_dp(f.supervision_pct),
            ] {
                w!(
                    out,
                    r#"<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>"#,
                    shown(&cell)
                );
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
}

/// Bars of the mean SWEMWBS score by quarter on the instrument's 7–35 scale; a suppressed quarter
/// is marked `*` with no bar.
fn quarter_chart(s: &StaffWellbeing) -> String {
    let (width, height, left, right, top, base) = (720.0, 240.0, 60.0, 16.0, 20.0, 200.0);
    let y = |v: f64| base - (v - 7.0) / 28.0 * (base - top);
    let shown_quarters: Vec<String> = s
        .by_quarter
        .iter()
        .filter_map(|q| {
            q.figures
                .swemwbs_mean
                .value()
                .map(|v| format!("{}: {}", quarter_label(&q.quarter), with_unit(&fixed(*v, 1), "points")))
        })
        .collect();
    let desc = if shown_quarters.is_empty() {
        "No quarter had enough link workers checking in to show a mean score: every quarter is marked * and no bar is drawn. The figures are also in the table that follows.".to_owned()
    } else {
        format!("Mean SWEMWBS score of link workers by quarter, on the scale of 7 to 35. {}. Quarters with fewer than {} link workers checking in are marked * and have no bar. The figures are also in the table that follows.", shown_quarters.join("; "), s.min_people)
    };
    let id = "lw-chart-staff-wellbeing";
    let mut out = String::new();
    w!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="linkwork-chart__svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-size="14" fill="#212b32"><title id="{id}-title">Link workers' mean SWEMWBS score by quarter</title><desc id="{id}-desc">{}</desc><rect width="{width}" height="{height}" fill="#ffffff"/>"##,
        escape(&desc)
    );
    // The axis says what its numbers are.
    w!(out, r##"<text x="{left}" y="12" fill="#4c6272">SWEMWBS score (7 to 35)</text>"##);
    for t in [7.0, 14.0, 21.0, 28.0, 35.0] {
        w!(
            out,
            r##"<line x1="{left}" y1="{0:.1}" x2="{1}" y2="{0:.1}" stroke="#d8dde0"/><text x="{2}" y="{3:.1}" text-anchor="end" fill="#4c6272">{t}</text>"##,
            y(t),
            width - right,
            left - 8.0,
            y(t) + 5.0
        );
    }
    let n = s.by_quarter.len().max(1) as f64;
    let slot = (width - left - right) / n;
    for (i, q) in s.by_quarter.iter().enumerate() {
        let cx = left + slot * (i as f64 + 0.5);
        match q.figures.swemwbs_mean {
            Shown::Value(v) => {
                w!(
                    out,
                    r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#005eb8"/>"##,
                    cx - slot * 0.3,
                    y(v),
                    slot * 0.6,
                    base - y(v)
                );
                w!(
                    out,
                    r##"<text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="12" stroke="#ffffff" stroke-width="4" paint-order="stroke">{}</text>"##,
                    y(v) - 6.0,
                    fixed(v, 1)
                );
            }
            Shown::Suppressed => w!(
                out,
                r#"<text x="{cx:.1}" y="{:.1}" text-anchor="middle">*</text>"#,
                base - 6.0
            ),
            Shown::NoData => {}
        }
        w!(
            out,
            r#"<text x="{cx:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            base + 22.0,
            escape(&q.quarter.replace('-', " "))
        );
    }
    w!(
        out,
        r##"<line x1="{left}" y1="{base}" x2="{}" y2="{base}" stroke="#4c6272"/></svg>"##,
        width - right
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkwork_domain::evaluation::{evaluate, EvaluationInput, EvaluationSettings, Period};
    use linkwork_domain::measurement::instruments::{AnswerSet, Instrument};
    use linkwork_domain::evaluation::stakeholders::staff_wellbeing::{CheckIn, CheckInFacts, Rating};
    use time::macros::date;

    fn report(people: usize) -> Report {
        let mut input = EvaluationInput::default();
        for i in 0..people {
            let swemwbs = AnswerSet::parse(Instrument::Swemwbs, &["4"; 7]).unwrap();
            let c = CheckIn::new(
                swemwbs,
                Rating::parse("f", "x", "4").unwrap(),
                Rating::parse("f", "x", if i % 2 == 0 { "5" } else { "2" }).unwrap(),
                true,
            )
            .unwrap();
            input.stakeholders.check_ins.push(CheckInFacts {
                worker_id: format!("w{i}"),
                checked_in_on: date!(2026 - 05 - 01),
                check_in: c,
            });
        }
        evaluate(
            &input,
            Period::new(date!(2026 - 04 - 01), date!(2026 - 06 - 30)).unwrap(),
            &EvaluationSettings::default(),
        )
    }

    /// The staff wellbeing section's HTML only.
    fn section_of(html: &str) -> &str {
        let start = html.find("lw-report-staff-wellbeing").unwrap();
        &html[start..start + html[start..].find("</section>").unwrap()]
    }

    fn value<'a>(figures: &'a [Figure], id: &str) -> &'a Figure {
        figures
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("no figure {id}"))
    }

    #[test]
    fn three_link_workers_are_suppressed_and_say_why() {
        let r = report(3);
        let f = crate::figures(&r);
        for id in [
            "staff_wellbeing.people",
            "staff_wellbeing.swemwbs_metric.mean",
            "staff_wellbeing.job_satisfaction.mean",
            "staff_wellbeing.caseload_pressure_high.pct",
            "staff_wellbeing.supervision.pct",
            "staff_wellbeing.quarter.2026-q2.swemwbs_metric.mean",
        ] {
            assert_eq!(value(&f, id).value, "*", "{id}");
        }
        let html = crate::html_fragment(&r, "");
        assert!(html.contains("too few link workers to report without identifying them"));
        let mine = section_of(&html);
        // (Chart coordinates may contain "25.0"; a shown value is text content or in the description.)
        assert!(
            !mine.contains(">25.0") && !mine.contains(": 25.0"),
            "no mean is leaked anywhere in the section"
        );
    }

    #[test]
    fn eight_link_workers_are_shown() {
        let r = report(8);
        let f = crate::figures(&r);
        assert_eq!(value(&f, "staff_wellbeing.people").value, "10");
        // All-4s: raw 28 → 25.03.
        assert_eq!(
            value(&f, "staff_wellbeing.swemwbs_metric.mean").value,
            "25.0"
        );
        assert_eq!(value(&f, "staff_wellbeing.swemwbs_metric.mean").n, "10");
        assert_eq!(
            value(&f, "staff_wellbeing.swemwbs_metric.mean").ci95_low,
            "25.0",
            "zero-width interval when all equal"
        );
        assert_eq!(
            value(&f, "staff_wellbeing.job_satisfaction.mean").value,
            "4.0"
        );
        // Every other worker is under high pressure: 4 of 8 (50%) would give the small count 4
        // away, so `*`; with 16 workers, 8 of 16 is shown, as the rounded counts' share (10 of
        // 15). All 8 supervised: 100% reveals nothing.
        assert_eq!(
            value(&f, "staff_wellbeing.caseload_pressure_high.pct").value,
            "*"
        );
        assert_eq!(
            value(&crate::figures(&report(16)), "staff_wellbeing.caseload_pressure_high.pct").value,
            "66.7"
        );
        assert_eq!(value(&f, "staff_wellbeing.supervision.pct").value, "100.0");
        let html = crate::html_fragment(&r, "");
        let mine = section_of(&html);
        assert!(!mine.contains("too few link workers"), "{mine}");
        assert!(html.contains("lw-chart-staff-wellbeing-desc"));
        assert!(html.contains("April to June 2026: 25.0"));
    }
}

// ---- scorecards ----

/// A figure's published text as the scorecard reads it: `*` is suppressed, empty is no data.
pub(crate) fn indicator_value(f: &Figure) -> IndicatorValue {
    match f.value.trim() {
        "" => IndicatorValue::NoData,
        SUPPRESSED => IndicatorValue::Suppressed,
        text => text
            .replace(',', "")
            .parse::<f64>()
            .map(IndicatorValue::Value)
            .unwrap_or(IndicatorValue::NoData),
    }
}

fn scored(report: &Report, figures: &[Figure]) -> (Vec<Scorecard>, ScorecardSummary) {
    scorecard::score(&report.stakeholders.stakeholder_plan, |id| {
        figures.iter().find(|f| f.id == id).map(indicator_value)
    })
}

/// The scorecards' summary figures, scored against the figures already in `out`; so this must be
/// the last call in `document::figures`.
pub(crate) fn scorecard_figures(report: &Report, out: &mut Vec<Figure>) {
    let (_, s) = scored(report, out);
    let none = || (String::new(), String::new());
    let mut push = |id: &str, label: &str, v: u64, definition: &str| {
        out.push(Figure {
            id: format!("scorecards.{id}"),
            section: "scorecards",
            label: label.into(),
            value: v.to_string(),
            n: String::new(),
            ci95_low: none().0,
            ci95_high: none().1,
            unit: "statements",
            definition: definition.into(),
        });
    };
    push(
        "statements",
        "Stakeholder success statements",
        s.statements,
        "Success statements in the stakeholder evaluation plan that apply to the period.",
    );
    push(
        "met",
        "Statements met",
        s.met,
        "Statements whose figure, as published in this report, meets its target.",
    );
    push(
        "not_met",
        "Statements not met",
        s.not_met,
        "Statements whose figure, as published in this report, does not meet its target.",
    );
    push(
        "not_measurable",
        "Statements not measurable",
        s.not_measurable,
        "Statements whose figure is suppressed for small numbers, has no data in the period, or is not in this report: never counted as met.",
    );
    push(
        "qualitative",
        "Statements shown by qualitative evidence",
        s.qualitative,
        "Statements the plan measures with qualitative evidence rather than a figure.",
    );
}

fn target_text(t: &Target) -> String {
    let v = if t.value.fract() == 0.0 {
        fixed(t.value, 0)
    } else {
        format!("{}", t.value)
    };
    format!("{} {v}", t.comparison.label().to_lowercase())
}

/// The scorecards section: one table per stakeholder and a summary, scored against `figures`
/// (every figure of the report, as the document assembles them).
pub(crate) fn scorecards_html(out: &mut String, report: &Report, figures: &[Figure]) {
    let (cards, s) = scored(report, figures);
    w!(
        out,
        r#"<section class="linkwork-report__section" aria-labelledby="lw-report-scorecards"><h2 class="nhsuk-heading-m" id="lw-report-scorecards">Stakeholder scorecards</h2>"#
    );
    if cards.is_empty() {
        w!(
            out,
            r#"<p class="nhsuk-body">No stakeholder evaluation plan applies to this period.</p></section>"#
        );
        return;
    }
    w!(
        out,
        r#"<p class="nhsuk-body">What each stakeholder group said success looks like, the figure in this report that measures it, and whether the figure as published meets the target. A suppressed figure, or one with no data, is never counted as met.</p><p class="nhsuk-body">Of {} statements: {} met, {} not met, {} not measurable and {} shown by qualitative evidence.</p>"#,
        s.statements,
        s.met,
        s.not_met,
        s.not_measurable,
        s.qualitative
    );
    for card in &cards {
        w!(
            out,
            r#"<h3 class="nhsuk-heading-s">{}: {}</h3>"#,
            escape(card.kind.label()),
            escape(&card.name)
        );
        w!(
            out,
            r#"<table class="nhsuk-table"><caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Scorecard for {}</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th scope="col" class="nhsuk-table__header">Success statement</th><th scope="col" class="nhsuk-table__header">Indicator</th><th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">Value</th><th scope="col" class="nhsuk-table__header">Target</th><th scope="col" class="nhsuk-table__header">Met?</th></tr></thead><tbody class="nhsuk-table__body">"#,
            escape(&card.name)
        );
        for row in &card.rows {
            let (indicator, target) = match &row.measure {
                Measure::Figure { figure_id, target } => {
                    let label = figures
                        .iter()
                        .find(|f| &f.id == figure_id)
                        .map(|f| f.label.clone())
                        .unwrap_or_else(|| format!("{figure_id} (not in this report)"));
                    (
                        format!(
                            "{} <span class=\"nhsuk-u-secondary-text-color\">({})</span>",
                            escape(&label),
                            escape(figure_id)
                        ),
                        escape(&target_text(target)),
                    )
                }
                Measure::Qualitative => ("Qualitative evidence".to_owned(), "–".to_owned()),
            };
            let value = match row.value {
                Some(IndicatorValue::Value(v)) => figures
                    .iter()
                    .find(|f| Some(f.id.as_str()) == Some(row.measure.indicator()))
                    .map(|f| escape(&f.value))
                    .unwrap_or_else(|| fixed(v, 1)),
                Some(IndicatorValue::Suppressed) => shown(SUPPRESSED),
                _ => "–".into(),
            };
            w!(
                out,
                r#"<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{}</th><td class="nhsuk-table__cell">{indicator}</td><td class="nhsuk-table__cell nhsuk-table__cell--numeric">{value}</td><td class="nhsuk-table__cell">{target}</td><td class="nhsuk-table__cell"><strong>{}</strong></td></tr>"#,
                escape(&row.statement),
                row.verdict.label()
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
}

#[cfg(test)]
mod scorecard_tests {
    use super::*;
    use linkwork_domain::evaluation::{evaluate, EvaluationInput, EvaluationSettings, Period};
    use linkwork_domain::measurement::instruments::{AnswerSet, Instrument};
    use linkwork_domain::evaluation::stakeholders::scorecard::{
        Comparison, Stakeholder, StakeholderKind, SuccessStatement,
    };
    use linkwork_domain::evaluation::stakeholders::staff_wellbeing::{CheckIn, CheckInFacts, Rating};
    use time::macros::date;

    fn period() -> Period {
        Period::new(date!(2026 - 04 - 01), date!(2026 - 06 - 30)).unwrap()
    }

    fn report(people: usize) -> Report {
        let mut input = EvaluationInput::default();
        for i in 0..people {
            let c = CheckIn::new(
                AnswerSet::parse(Instrument::Swemwbs, &["4"; 7]).unwrap(),
                Rating::parse("f", "x", "4").unwrap(),
                Rating::parse("f", "x", "2").unwrap(),
                true,
            )
            .unwrap();
            input.stakeholders.check_ins.push(CheckInFacts {
                worker_id: format!("w{i}"),
                checked_in_on: date!(2026 - 05 - 01),
                check_in: c,
            });
        }
        let st = |id: &str, text: &str, m: Measure| SuccessStatement {
            id: id.into(),
            statement: text.into(),
            measure: m,
            applies: period(),
        };
        let fig = |id: &str, c: Comparison, v: f64| Measure::Figure {
            figure_id: id.into(),
            target: Target {
                comparison: c,
                value: v,
            },
        };
        input.stakeholders.plan = vec![Stakeholder {
            id: "s".into(),
            kind: StakeholderKind::LinkWorkers,
            name: "Our <link> workers".into(),
            statements: vec![
                st(
                    "1",
                    "We feel well at work",
                    fig(
                        "staff_wellbeing.swemwbs_metric.mean",
                        Comparison::AtLeast,
                        20.0,
                    ),
                ),
                st(
                    "2",
                    "Referrals stay manageable",
                    fig("reach.referrals", Comparison::AtMost, 5.0),
                ),
                st(
                    "3",
                    "Supervision for all",
                    fig(
                        "staff_wellbeing.supervision.pct",
                        Comparison::AtLeast,
                        100.5,
                    ),
                ),
                st("4", "We are proud of our work", Measure::Qualitative),
                st(
                    "5",
                    "Old figure",
                    fig("no.such.figure", Comparison::AtLeast, 1.0),
                ),
            ],
        }];
        evaluate(&input, period(), &EvaluationSettings::default())
    }

    fn value(figures: &[Figure], id: &str) -> String {
        figures
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("{id}"))
            .value
            .clone()
    }

    #[test]
    fn published_values_are_read_back() {
        let f = |v: &str| Figure {
            id: String::new(),
            section: "",
            label: String::new(),
            value: v.into(),
            n: String::new(),
            ci95_low: String::new(),
            ci95_high: String::new(),
            unit: "",
            definition: String::new(),
        };
        assert_eq!(indicator_value(&f("12.5")), IndicatorValue::Value(12.5));
        assert_eq!(indicator_value(&f("1,250")), IndicatorValue::Value(1250.0));
        assert_eq!(indicator_value(&f("*")), IndicatorValue::Suppressed);
        assert_eq!(indicator_value(&f("")), IndicatorValue::NoData);
    }

    #[test]
    fn suppressed_figures_are_never_met() {
        // 3 link workers: the SWEMWBS mean is * → not measurable; reach.referrals is 0 ≤ 5 → met;
        // supervision * → not measurable; qualitative; a missing figure → not measurable.
        let figures = crate::figures(&report(3));
        assert_eq!(value(&figures, "scorecards.statements"), "5");
        assert_eq!(value(&figures, "scorecards.met"), "1");
        assert_eq!(value(&figures, "scorecards.not_met"), "0");
        assert_eq!(value(&figures, "scorecards.not_measurable"), "3");
        assert_eq!(value(&figures, "scorecards.qualitative"), "1");
    }

    #[test]
    fn shown_figures_are_judged_against_the_target() {
        // 8 link workers: mean 25.0 ≥ 20 → met; supervision 100.0 < 100.5 → not met.
        let r = report(8);
        let figures = crate::figures(&r);
        assert_eq!(value(&figures, "scorecards.met"), "2");
        assert_eq!(value(&figures, "scorecards.not_met"), "1");
        assert_eq!(value(&figures, "scorecards.not_measurable"), "1");
        let html = crate::html_fragment(&r, "");
        let start = html.find("lw-report-scorecards").unwrap();
        let section = &html[start..start + html[start..].find("</section>").unwrap()];
        assert!(section.contains("Link workers: Our &lt;link&gt; workers"));
        assert!(section.contains("Of 5 statements: 2 met, 1 not met, 1 not measurable and 1 shown by qualitative evidence."));
        assert!(section.contains("no.such.figure (not in this report)"));
        assert!(section.contains("at least 20"));
    }

    #[test]
    fn no_plan_says_so() {
        let r = evaluate(
            &EvaluationInput::default(),
            period(),
            &EvaluationSettings::default(),
        );
        assert!(crate::html_fragment(&r, "")
            .contains("No stakeholder evaluation plan applies to this period."));
        assert_eq!(value(&crate::figures(&r), "scorecards.statements"), "0");
    }
}

// ---- qualitative evidence ----

/// The evidence section: consented, approved, anonymised items grouped by outcome domain (an item
/// tagged with two domains appears under both), each with its need and stakeholder tags.
pub(crate) fn evidence_html(out: &mut String, report: &Report) {
    use linkwork_domain::evaluation::stakeholders::evidence::OutcomeDomain;
    let items = &report.stakeholders.evidence;
    w!(
        out,
        r#"<section class="linkwork-report__section" aria-labelledby="lw-report-evidence"><h2 class="nhsuk-heading-m" id="lw-report-evidence">What people told us</h2>"#
    );
    if items.is_empty() {
        w!(
            out,
            r#"<p class="nhsuk-body">No qualitative evidence was approved for publication in this period.</p></section>"#
        );
        return;
    }
    w!(
        out,
        r#"<p class="nhsuk-body">Quotes, case studies and notes from interviews and focus groups, published with consent for use in reports. Names, NHS numbers, dates, postcodes, phone numbers and e-mail addresses have been removed, and a manager reviewed each one before it was published.</p>"#
    );
    for domain in OutcomeDomain::ALL {
        let in_domain: Vec<_> = items
            .iter()
            .filter(|e| e.outcome_domains.contains(&domain.code()))
            .collect();
        if in_domain.is_empty() {
            continue;
        }
        w!(
            out,
            r#"<h3 class="nhsuk-heading-s">{}</h3>"#,
            escape(domain.label())
        );
        for e in in_domain {
            let mut tags: Vec<&str> = e.stakeholders.clone();
            tags.extend(e.needs.iter().copied());
            w!(
                out,
                r#"<div class="nhsuk-card"><div class="nhsuk-card__content"><p class="nhsuk-card__heading nhsuk-heading-xs">{}: {}</p><blockquote class="nhsuk-body">{}</blockquote><p class="nhsuk-body-s nhsuk-u-secondary-text-color">{}</p></div></div>"#,
                escape(e.kind),
                escape(&e.title),
                escape(&e.text).replace('\n', "<br>"),
                escape(&tags.join(" · "))
            );
        }
    }
    out.push_str("</section>");
}

#[cfg(test)]
mod evidence_tests {
    use linkwork_domain::evaluation::{evaluate, EvaluationInput, EvaluationSettings, Period};
    use linkwork_domain::casework::need::NeedDomain;
    use linkwork_domain::evaluation::stakeholders::evidence::{
        ConsentUse, EvidenceFacts, EvidenceKind, OutcomeDomain,
    };
    use linkwork_domain::evaluation::stakeholders::scorecard::StakeholderKind;
    use time::macros::date;

    #[test]
    fn only_approved_consented_items_grouped_by_domain() {
        let mut input = EvaluationInput::default();
        let item = |title: &str,
                    use_: ConsentUse,
                    approved: Option<&str>,
                    domains: Vec<OutcomeDomain>| EvidenceFacts {
            kind: EvidenceKind::Quote,
            title: title.into(),
            consent_use: use_,
            approved_text: approved.map(Into::into),
            recorded_on: date!(2026 - 05 - 01),
            outcome_domains: domains,
            needs: vec![NeedDomain::Loneliness],
            stakeholders: vec![StakeholderKind::PeopleUsingService],
        };
        input.stakeholders.evidence = vec![
            item(
                "Walks <&>",
                ConsentUse::InReports,
                Some("[name] said the walks helped."),
                vec![OutcomeDomain::Person, OutcomeDomain::Community],
            ),
            item(
                "Internal",
                ConsentUse::InternalOnly,
                Some("secret internal"),
                vec![OutcomeDomain::Person],
            ),
            item(
                "Pending",
                ConsentUse::InReports,
                None,
                vec![OutcomeDomain::Person],
            ),
        ];
        let r = evaluate(
            &input,
            Period::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap(),
            &EvaluationSettings::default(),
        );
        let html = crate::html_fragment(&r, "");
        let start = html.find("lw-report-evidence").unwrap();
        let section = &html[start..start + html[start..].find("</section>").unwrap()];
        assert_eq!(
            section.matches("[name] said the walks helped.").count(),
            2,
            "under both of its domains"
        );
        assert!(section.contains("Quote: Walks &lt;&amp;&gt;"));
        assert!(section.contains("People using the service · Loneliness and social isolation"));
        assert!(!section.contains("secret internal") && !section.contains("Pending"));
        assert!(
            !section.contains("The health system: use of GP"),
            "an empty domain has no heading"
        );
        let empty = evaluate(
            &EvaluationInput::default(),
            Period::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap(),
            &EvaluationSettings::default(),
        );
        assert!(crate::html_fragment(&empty, "")
            .contains("No qualitative evidence was approved for publication in this period."));
    }
}
