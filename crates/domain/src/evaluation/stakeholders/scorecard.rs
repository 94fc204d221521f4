//! Stakeholder evaluation plans and their scorecards (evaluation.md: "what does success look like
//! for each stakeholder?"). A manager records each stakeholder group, what success means to them
//! in their words ("Fewer people feel lonely"), and for each statement the report figure that
//! measures it with a target, or that it is shown by qualitative evidence.
//!
//! Where the evaluation happens: figure ids, labels and published values belong to the report
//! crate (it formats and names every figure), while this crate computes the `Report` the figures
//! come from. So the plan travels through the `Report` unevaluated, and [`score`] is a pure
//! function here that takes the figures' *published* values by id through a lookup the report
//! crate supplies. That keeps one definition of every figure (no second list of ids here), judges
//! the number the reader actually sees (already rounded and suppressed), and keeps the rule —
//! never "met" on suppressed or missing data — testable without formatting.

use crate::{DomainError, Result};
use crate::evaluation::facts::Period;
use crate::text::coded_enum;
use serde::Serialize;

coded_enum! {
    /// Who the service answers to or works with.
    StakeholderKind, field = "kind", prompt = "Select the type of stakeholder" {
        PeopleUsingService = "people", "People using the service";
        Gps = "gps", "GPs and practice teams";
        ClinicalDirector = "clinical_director", "PCN clinical director";
        Commissioner = "commissioner", "Commissioner";
        VcsePartners = "vcse", "VCSE partners";
        LinkWorkers = "link_workers", "Link workers";
        Other = "other", "Other";
    }
}

coded_enum! {
    /// Which side of the target counts as success.
    Comparison, field = "comparison", prompt = "Select whether the figure should be at least or at most the target" {
        AtLeast = "at_least", "At least";
        AtMost = "at_most", "At most";
    }
}

/// The code that marks a statement evidenced by qualitative evidence rather than a figure.
pub const QUALITATIVE: &str = "qualitative";

/// A target: the figure must be at least (or at most) `value`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Target {
    pub comparison: Comparison,
    pub value: f64,
}

impl Target {
    /// Parses a target value as typed ("1.2", "80", "-3"); it must be a finite number.
    pub fn parse(comparison: Comparison, raw: &str) -> Result<Self> {
        match raw.trim().trim_end_matches('%').trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Self {
                comparison,
                value: v,
            }),
            _ if raw.trim().is_empty() => Err(DomainError::invalid(
                "target",
                "Enter the target, for example 80",
            )),
            _ => Err(DomainError::invalid(
                "target",
                "The target must be a number, for example 80 or 1.2",
            )),
        }
    }

    pub fn is_met_by(&self, value: f64) -> bool {
        match self.comparison {
            Comparison::AtLeast => value >= self.value,
            Comparison::AtMost => value <= self.value,
        }
    }
}

/// How a success statement is measured: a report figure against a target, or qualitative
/// evidence (no target: it cannot be "met" by a number).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measure {
    Figure { figure_id: String, target: Target },
    Qualitative,
}

impl Measure {
    /// Parses the indicator select (a figure id or [`QUALITATIVE`]) with its target. Figure ids
    /// are checked for shape here; whether the id exists is for the caller, which knows the report.
    pub fn parse(
        indicator: &str,
        comparison: &str,
        target: &str,
    ) -> std::result::Result<Self, Vec<DomainError>> {
        let indicator = indicator.trim();
        if indicator == QUALITATIVE {
            return Ok(Measure::Qualitative);
        }
        let mut errors = Vec::new();
        let id_ok = !indicator.is_empty()
            && indicator.len() <= 200
            && indicator
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !id_ok {
            errors.push(DomainError::invalid(
                "indicator",
                "Select the figure that measures this, or qualitative evidence",
            ));
        }
        let comparison = Comparison::parse(comparison)
            .map_err(|e| errors.push(e))
            .ok();
        let target =
            comparison.and_then(|c| Target::parse(c, target).map_err(|e| errors.push(e)).ok());
        match target {
            Some(target) if errors.is_empty() => Ok(Measure::Figure {
                figure_id: indicator.to_owned(),
                target,
            }),
            _ => Err(errors),
        }
    }

    /// The indicator code as stored: the figure id or [`QUALITATIVE`].
    pub fn indicator(&self) -> &str {
        match self {
            Measure::Figure { figure_id, .. } => figure_id,
            Measure::Qualitative => QUALITATIVE,
        }
    }
}

/// One thing a stakeholder says success looks like, and how it is measured, for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuccessStatement {
    pub id: String,
    pub statement: String,
    pub measure: Measure,
    /// The period the statement applies to; a report shows it when the periods overlap.
    pub applies: Period,
}

/// A stakeholder group with its success statements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stakeholder {
    pub id: String,
    pub kind: StakeholderKind,
    pub name: String,
    pub statements: Vec<SuccessStatement>,
}

/// A figure's published value, as the report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum IndicatorValue {
    Value(f64),
    Suppressed,
    NoData,
}

/// Whether a statement's target was met. Suppressed or missing figures are never met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    NotMet,
    /// The figure is suppressed (too few people), has no data, or is not in this report.
    NotMeasurable,
    /// Shown by qualitative evidence: no number to judge.
    Qualitative,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Met => "Met",
            Verdict::NotMet => "Not met",
            Verdict::NotMeasurable => "Not measurable",
            Verdict::Qualitative => "Qualitative evidence",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoredStatement {
    pub statement: String,
    pub measure: Measure,
    /// `None` for qualitative statements and figures not in the report.
    pub value: Option<IndicatorValue>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    pub kind: StakeholderKind,
    pub name: String,
    pub rows: Vec<ScoredStatement>,
}

/// How many statements of all scorecards fell in each verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ScorecardSummary {
    pub statements: u64,
    pub met: u64,
    pub not_met: u64,
    pub not_measurable: u64,
    pub qualitative: u64,
}

/// Judges one statement against a figure's published value.
pub fn verdict(measure: &Measure, value: Option<IndicatorValue>) -> Verdict {
    match (measure, value) {
        (Measure::Qualitative, _) => Verdict::Qualitative,
        (Measure::Figure { target, .. }, Some(IndicatorValue::Value(v))) if v.is_finite() => {
            if target.is_met_by(v) {
                Verdict::Met
            } else {
                Verdict::NotMet
            }
        }
        (Measure::Figure { .. }, _) => Verdict::NotMeasurable,
    }
}

/// The stakeholders' statements that apply to `period` (their periods overlap), for the report.
pub fn applicable(plan: &[Stakeholder], period: Period) -> Vec<Stakeholder> {
    plan.iter()
        .map(|s| Stakeholder {
            statements: s
                .statements
                .iter()
                .filter(|st| st.applies.from <= period.to && period.from <= st.applies.to)
                .cloned()
                .collect(),
            ..s.clone()
        })
        .filter(|s| !s.statements.is_empty())
        .collect()
}

/// Scores every statement of `plan` with `lookup` (a figure's published value by id, `None` when
/// the report has no such figure).
pub fn score(
    plan: &[Stakeholder],
    lookup: impl Fn(&str) -> Option<IndicatorValue>,
) -> (Vec<Scorecard>, ScorecardSummary) {
    let mut summary = ScorecardSummary::default();
    let cards = plan
        .iter()
        .map(|s| Scorecard {
            kind: s.kind,
            name: s.name.clone(),
            rows: s
                .statements
                .iter()
                .map(|st| {
                    let value = match &st.measure {
                        Measure::Figure { figure_id, .. } => lookup(figure_id),
                        Measure::Qualitative => None,
                    };
                    let verdict = verdict(&st.measure, value);
                    summary.statements += 1;
                    match verdict {
                        Verdict::Met => summary.met += 1,
                        Verdict::NotMet => summary.not_met += 1,
                        Verdict::NotMeasurable => summary.not_measurable += 1,
                        Verdict::Qualitative => summary.qualitative += 1,
                    }
                    ScoredStatement {
                        statement: st.statement.clone(),
                        measure: st.measure.clone(),
                        value,
                        verdict,
                    }
                })
                .collect(),
        })
        .collect();
    (cards, summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn figure(id: &str, c: Comparison, v: f64) -> Measure {
        Measure::Figure {
            figure_id: id.into(),
            target: Target {
                comparison: c,
                value: v,
            },
        }
    }

    fn year() -> Period {
        Period::new(date!(2026 - 04 - 01), date!(2027 - 03 - 31)).unwrap()
    }

    fn statement(id: &str, m: Measure, applies: Period) -> SuccessStatement {
        SuccessStatement {
            id: id.into(),
            statement: format!("Statement {id}"),
            measure: m,
            applies,
        }
    }

    #[test]
    fn targets_at_least_and_at_most_include_the_boundary() {
        let at_least = Target {
            comparison: Comparison::AtLeast,
            value: 80.0,
        };
        assert!(at_least.is_met_by(80.0));
        assert!(!at_least.is_met_by(79.9));
        let at_most = Target {
            comparison: Comparison::AtMost,
            value: 14.0,
        };
        assert!(at_most.is_met_by(14.0));
        assert!(!at_most.is_met_by(14.1));
    }

    #[test]
    fn never_met_on_suppressed_or_missing_data() {
        let m = figure("a", Comparison::AtLeast, 0.0);
        assert_eq!(verdict(&m, Some(IndicatorValue::Value(1.0))), Verdict::Met);
        assert_eq!(
            verdict(&m, Some(IndicatorValue::Suppressed)),
            Verdict::NotMeasurable
        );
        assert_eq!(
            verdict(&m, Some(IndicatorValue::NoData)),
            Verdict::NotMeasurable
        );
        assert_eq!(verdict(&m, None), Verdict::NotMeasurable);
        assert_eq!(
            verdict(&m, Some(IndicatorValue::Value(f64::NAN))),
            Verdict::NotMeasurable
        );
        assert_eq!(
            verdict(&Measure::Qualitative, Some(IndicatorValue::Value(1.0))),
            Verdict::Qualitative
        );
    }

    #[test]
    fn scores_a_plan_and_counts_verdicts() {
        let plan = vec![
            Stakeholder {
                id: "s1".into(),
                kind: StakeholderKind::Commissioner,
                name: "ICB".into(),
                statements: vec![
                    statement(
                        "1",
                        figure("reach.annual_rate_pct", Comparison::AtLeast, 0.8),
                        year(),
                    ),
                    statement(
                        "2",
                        figure("waiting.median_days", Comparison::AtMost, 14.0),
                        year(),
                    ),
                ],
            },
            Stakeholder {
                id: "s2".into(),
                kind: StakeholderKind::PeopleUsingService,
                name: "People we support".into(),
                statements: vec![
                    statement(
                        "3",
                        figure("outcome.ucla3.pct_improved", Comparison::AtLeast, 50.0),
                        year(),
                    ),
                    statement("4", Measure::Qualitative, year()),
                    statement("5", figure("gone", Comparison::AtLeast, 1.0), year()),
                ],
            },
        ];
        let lookup = |id: &str| match id {
            "reach.annual_rate_pct" => Some(IndicatorValue::Value(0.9)),
            "waiting.median_days" => Some(IndicatorValue::Value(21.0)),
            "outcome.ucla3.pct_improved" => Some(IndicatorValue::Suppressed),
            _ => None,
        };
        let (cards, summary) = score(&plan, lookup);
        assert_eq!(
            cards[0].rows.iter().map(|r| r.verdict).collect::<Vec<_>>(),
            [Verdict::Met, Verdict::NotMet]
        );
        assert_eq!(
            cards[1].rows.iter().map(|r| r.verdict).collect::<Vec<_>>(),
            [
                Verdict::NotMeasurable,
                Verdict::Qualitative,
                Verdict::NotMeasurable
            ]
        );
        assert_eq!(
            summary,
            ScorecardSummary {
                statements: 5,
                met: 1,
                not_met: 1,
                not_measurable: 2,
                qualitative: 1
            }
        );
        assert_eq!(score(&[], lookup).1, ScorecardSummary::default());
    }

    #[test]
    fn only_statements_for_an_overlapping_period_apply() {
        let last_year = Period::new(date!(2025 - 04 - 01), date!(2026 - 03 - 31)).unwrap();
        let edge = Period::new(date!(2026 - 03 - 31), date!(2026 - 04 - 01)).unwrap();
        let plan = vec![Stakeholder {
            id: "s".into(),
            kind: StakeholderKind::Gps,
            name: "GPs".into(),
            statements: vec![
                statement("old", Measure::Qualitative, last_year),
                statement("edge", Measure::Qualitative, edge),
                statement("now", Measure::Qualitative, year()),
            ],
        }];
        let got = applicable(&plan, year());
        assert_eq!(
            got[0]
                .statements
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>(),
            ["edge", "now"]
        );
        let none = Period::new(date!(2020 - 01 - 01), date!(2020 - 12 - 31)).unwrap();
        assert!(
            applicable(&plan, none).is_empty(),
            "stakeholders with nothing applicable are left out"
        );
    }

    #[test]
    fn parsing_indicators_and_targets() {
        assert_eq!(
            Measure::parse("qualitative", "", "").unwrap(),
            Measure::Qualitative
        );
        assert_eq!(
            Measure::parse("reach.annual_rate_pct", "at_least", "0.8").unwrap(),
            figure("reach.annual_rate_pct", Comparison::AtLeast, 0.8)
        );
        assert_eq!(
            Measure::parse("x", "at_most", " 80 % ").unwrap(),
            figure("x", Comparison::AtMost, 80.0)
        );
        let errors = Measure::parse("", "", "").unwrap_err();
        assert_eq!(
            errors
                .iter()
                .map(|e| e.field().unwrap())
                .collect::<Vec<_>>(),
            ["indicator", "comparison"]
        );
        let errors = Measure::parse("a b", "at_least", "lots").unwrap_err();
        assert_eq!(
            errors
                .iter()
                .map(|e| e.field().unwrap())
                .collect::<Vec<_>>(),
            ["indicator", "target"]
        );
        assert!(Measure::parse("x", "at_least", "inf").is_err());
        assert_eq!(
            Measure::parse("x", "at_least", "").unwrap_err()[0].to_string(),
            "Enter the target, for example 80"
        );
    }
}
