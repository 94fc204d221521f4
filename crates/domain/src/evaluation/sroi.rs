//! Social return on investment, after *A guide to Social Return on Investment* (Cabinet Office /
//! SROI Network, 2012): the value of the outcomes a service causes, in pounds, against what was
//! put in.
//!
//! - **Inputs**: what the year cost (staff FTE × annual cost, overheads, volunteer hours × value).
//! - **Outcomes**: for each, a *quantity* (people achieving it, taken from the evaluation's own,
//!   already disclosure-controlled figures, or a number a manager enters) × a *financial proxy*
//!   (£ per person per year, with its source).
//! - **Impact** = value × (1 − deadweight) × (1 − displacement) × (1 − attribution).
//! - It lasts `duration_years`; each later year keeps (1 − drop-off) of the year before. Year *t*
//!   is discounted by (1 + rate)^*t* (the guide discounts year 1 too); the rate defaults to 3.5%,
//!   HM Treasury Green Book's, to be verified by the service.
//! - **SROI ratio** = present value of impact ÷ value of inputs (inputs are not discounted).
//! - **Payback** (months) = inputs ÷ (year-1 impact ÷ 12).
//! - **Sensitivity**: each assumption in turn ×0.5 and ×1.5 (rates capped at 100%), the ratio's
//!   range for each, for a tornado chart.
//!
//! The financial proxies Linkwork ships are **illustrative** (HACT / Social Value Bank values may
//! not be bundled): a model built from them says so, and every output must show that warning.
//! They are never used on a service's behalf: a service that has not saved a model gets no ratio
//! ([`SroiSetting::NotEntered`]), only a section saying how to enter one; the demo saves the
//! illustrative model on purpose. A report over several services gets none either
//! ([`SroiSetting::SeveralServices`]): their models differ and ratios do not add up.

use crate::evaluation::disclosure::Shown;
use crate::evaluation::health_system::HealthSystemReport;
use crate::evaluation::outcomes::OutcomeChange;
use serde::{Deserialize, Serialize};

/// The default discount rate.
pub const DEFAULT_DISCOUNT_RATE: f64 = 0.035;
/// How the default rate is labelled wherever it is printed.
pub const DISCOUNT_RATE_SOURCE: &str = "HM Treasury Green Book rate, verify";
/// The warning every output of a model with illustrative proxies carries.
pub const ILLUSTRATIVE_WARNING: &str =
    "Illustrative figures: the financial proxies and inputs are made-up examples, not values from HACT, the Social Value Bank or this service's accounts. Do not quote this ratio; enter the service's own inputs and sourced proxies first.";

/// A kind of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// `quantity` is FTE, `unit_value` the annual cost of one FTE (salary and on-costs).
    Staff,
    /// `quantity` is 1 (or a count), `unit_value` the annual cost.
    Overheads,
    /// `quantity` is hours a year, `unit_value` the value of an hour.
    Volunteers,
    Other,
}

/// One input for the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Input {
    pub label: String,
    pub kind: InputKind,
    pub quantity: f64,
    pub unit_value: f64,
    pub source: String,
}

/// Where an outcome's quantity comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "from")]
pub enum Quantity {
    /// People whose score improved by at least the meaningful change (the report's count, rounded to 5).
    PeopleImproved { score_key: String },
    /// People in the band of concern at baseline who were out of it at follow-up (e.g. no longer lonely).
    PeopleOutOfConcern { score_key: String },
    /// The health-system cost reduction, in £ a year (so its proxy is normally £1 per £1).
    HealthCostReduction,
    /// A number the service enters.
    Entered { value: f64 },
}

/// One outcome with its proxy and assumptions (rates are fractions from 0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub label: String,
    pub quantity: Quantity,
    /// £ per unit of quantity per year.
    pub proxy_value: f64,
    pub proxy_source: String,
    pub deadweight: f64,
    pub displacement: f64,
    pub attribution: f64,
    pub duration_years: u8,
    pub drop_off: f64,
}

/// A service's SROI model: stored as JSON, edited by a manager.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SroiModel {
    pub inputs: Vec<Input>,
    pub outcomes: Vec<Outcome>,
    pub discount_rate: f64,
    pub discount_rate_source: String,
    /// Whether the proxies (and inputs) are Linkwork's illustrative set.
    pub illustrative: bool,
}

impl Default for SroiModel {
    fn default() -> Self {
        Self {
            inputs: Vec::new(),
            outcomes: Vec::new(),
            discount_rate: DEFAULT_DISCOUNT_RATE,
            discount_rate_source: DISCOUNT_RATE_SOURCE.to_owned(),
            illustrative: false,
        }
    }
}

impl SroiModel {
    /// The illustrative model the demo saves for its service (and the SROI page starts from).
    /// Every value is a round, made-up example, labelled as such.
    pub fn illustrative() -> Self {
        let made_up = "Illustrative value, not a published proxy: replace with a sourced value";
        let outcome = |label: &str,
                       quantity: Quantity,
                       proxy_value: f64,
                       duration_years: u8,
                       drop_off: f64| Outcome {
            label: label.to_owned(),
            quantity,
            proxy_value,
            proxy_source: made_up.to_owned(),
            deadweight: 0.3,
            displacement: 0.0,
            attribution: 0.4,
            duration_years,
            drop_off,
        };
        let mut health = outcome(
            "Lower health-system costs",
            Quantity::HealthCostReduction,
            1.0,
            1,
            0.0,
        );
        health.proxy_source =
            "£1 per £1 of the health-system cost reduction in this report (tariff above)"
                .to_owned();
        health.deadweight = 0.5;
        SroiModel {
            inputs: vec![
                Input {
                    label: "Link workers".into(),
                    kind: InputKind::Staff,
                    quantity: 3.0,
                    unit_value: 40_000.0,
                    source: "Illustrative: about Agenda for Change band 5 with on-costs; verify"
                        .into(),
                },
                Input {
                    label: "Overheads (premises, IT, supervision)".into(),
                    kind: InputKind::Overheads,
                    quantity: 1.0,
                    unit_value: 15_000.0,
                    source: "Illustrative".into(),
                },
                Input {
                    label: "Volunteer time".into(),
                    kind: InputKind::Volunteers,
                    quantity: 500.0,
                    unit_value: 10.0,
                    source: "Illustrative hourly value".into(),
                },
            ],
            outcomes: vec![
                outcome(
                    "Better mental wellbeing (SWEMWBS improved by the meaningful change)",
                    Quantity::PeopleImproved {
                        score_key: "swemwbs_metric".into(),
                    },
                    1_000.0,
                    2,
                    0.5,
                ),
                outcome(
                    "No longer lonely (UCLA-3 out of the lonely band)",
                    Quantity::PeopleOutOfConcern {
                        score_key: "ucla3_total".into(),
                    },
                    500.0,
                    1,
                    0.0,
                ),
                health,
            ],
            illustrative: true,
            ..SroiModel::default()
        }
    }
}

/// The SROI model a report uses, as the store finds it for the report's scope.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum SroiSetting {
    /// The one service's saved model (the illustrative one only if it was saved on purpose).
    Saved(SroiModel),
    /// The one service has not saved a model (or saved an empty one).
    #[default]
    NotEntered,
    /// The report covers several services, each with its own model or none.
    SeveralServices,
}

/// Whether the section has figures, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SroiStatus {
    /// Calculated from the service's saved model.
    Calculated,
    /// No model entered: no ratio; a manager enters one on the SROI page (`/health/sroi`).
    #[default]
    NotEntered,
    /// Several services: no combined ratio.
    SeveralServices,
}

/// What an outcome's quantity counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityUnit {
    /// People (a whole, disclosure-controlled count).
    People,
    /// £ a year.
    PoundsAYear,
    /// A number the service entered.
    Entered,
}

impl Quantity {
    pub fn unit(&self) -> QuantityUnit {
        match self {
            Quantity::PeopleImproved { .. } | Quantity::PeopleOutOfConcern { .. } => {
                QuantityUnit::People
            }
            Quantity::HealthCostReduction => QuantityUnit::PoundsAYear,
            Quantity::Entered { .. } => QuantityUnit::Entered,
        }
    }
}

/// One outcome as calculated.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeResult {
    pub label: String,
    /// The quantity used; `Suppressed`/`NoData` when the evaluation could not give it (then the
    /// outcome adds nothing).
    pub quantity: Shown<f64>,
    /// What the quantity counts, for printing it.
    pub quantity_unit: QuantityUnit,
    pub proxy_value: f64,
    pub proxy_source: String,
    pub deadweight: f64,
    pub displacement: f64,
    pub attribution: f64,
    pub duration_years: u8,
    pub drop_off: f64,
    /// Year-1 impact, £.
    pub impact_year1: f64,
    /// Present value over the duration, £.
    pub present_value: f64,
}

/// The ratio's range when one assumption varies.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    pub assumption: &'static str,
    /// Ratio with the assumption ×0.5 and ×1.5.
    pub ratio_at_half: f64,
    pub ratio_at_one_and_half: f64,
}

/// The SROI section of the report.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SroiReport {
    pub status: SroiStatus,
    pub illustrative: bool,
    pub warning: Option<&'static str>,
    pub inputs: Vec<Input>,
    pub total_inputs: f64,
    pub outcomes: Vec<OutcomeResult>,
    pub present_value: f64,
    pub net_present_value: f64,
    /// PV of impact ÷ inputs; `None` without inputs.
    pub ratio: Option<f64>,
    /// Months; `None` when year-1 impact is not positive or there are no inputs.
    pub payback_months: Option<f64>,
    pub discount_rate: f64,
    pub discount_rate_source: String,
    pub sensitivity: Vec<Sensitivity>,
}

/// The quantity an outcome uses, from the report's own (suppressed) figures.
fn quantity(q: &Quantity, outcomes: &[OutcomeChange], health: &HealthSystemReport) -> Shown<f64> {
    // People are counted, not derived as a percentage of a rounded total: the report's own
    // disclosure-controlled count (a whole number; `*` when 1–7, and then the outcome adds nothing).
    let people = |n: Shown<u64>| n.map(|n| n as f64);
    match q {
        Quantity::PeopleImproved { score_key } => outcomes
            .iter()
            .find(|o| o.score_key == score_key)
            .map_or(Shown::NoData, |o| people(o.n_improved)),
        Quantity::PeopleOutOfConcern { score_key } => outcomes
            .iter()
            .find(|o| o.score_key == score_key)
            .map_or(Shown::NoData, |o| people(o.n_out_of_concern)),
        Quantity::HealthCostReduction => health
            .cost
            .total_change
            .map(|change| (-change).max(0.0) * 12.0 / f64::from(health.window_months.max(1))),
        Quantity::Entered { value } => Shown::Value(*value),
    }
}

/// Year-1 impact and present value of one outcome with quantity `q`.
fn value(o: &Outcome, q: f64, rate: f64) -> (f64, f64) {
    let clamp = |r: f64| r.clamp(0.0, 1.0);
    let impact = q
        * o.proxy_value
        * (1.0 - clamp(o.deadweight))
        * (1.0 - clamp(o.displacement))
        * (1.0 - clamp(o.attribution));
    let pv = (1..=o.duration_years)
        .map(|t| {
            impact * (1.0 - clamp(o.drop_off)).powi(i32::from(t) - 1)
                / (1.0 + rate).powi(i32::from(t))
        })
        .sum();
    (impact, pv)
}

fn totals(model: &SroiModel, quantities: &[Shown<f64>]) -> (f64, f64, f64) {
    let inputs: f64 = model.inputs.iter().map(|i| i.quantity * i.unit_value).sum();
    let (mut year1, mut pv) = (0.0, 0.0);
    for (o, q) in model.outcomes.iter().zip(quantities) {
        if let Shown::Value(q) = q {
            let (i, p) = value(o, *q, model.discount_rate);
            year1 += i;
            pv += p;
        }
    }
    (inputs, year1, pv)
}

fn ratio(inputs: f64, pv: f64) -> Option<f64> {
    (inputs > 0.0).then(|| pv / inputs)
}

/// The SROI section for `setting`: [`evaluate`] for a saved model that has any inputs or
/// outcomes, otherwise an empty section that only says why.
pub fn report(
    setting: &SroiSetting,
    outcomes: &[OutcomeChange],
    health: &HealthSystemReport,
) -> SroiReport {
    match setting {
        SroiSetting::Saved(m) if !(m.inputs.is_empty() && m.outcomes.is_empty()) => {
            evaluate(m, outcomes, health)
        }
        SroiSetting::Saved(_) | SroiSetting::NotEntered => SroiReport::default(),
        SroiSetting::SeveralServices => SroiReport {
            status: SroiStatus::SeveralServices,
            ..SroiReport::default()
        },
    }
}

/// The SROI of `model` with quantities from the report's outcome and health-system figures.
pub fn evaluate(
    model: &SroiModel,
    outcomes: &[OutcomeChange],
    health: &HealthSystemReport,
) -> SroiReport {
    let quantities: Vec<Shown<f64>> = model
        .outcomes
        .iter()
        .map(|o| quantity(&o.quantity, outcomes, health))
        .collect();
    let (inputs, year1, pv) = totals(model, &quantities);
    let results = model
        .outcomes
        .iter()
        .zip(&quantities)
        .map(|(o, q)| {
            let (impact_year1, present_value) = q
                .value()
                .map_or((0.0, 0.0), |q| value(o, *q, model.discount_rate));
            OutcomeResult {
                label: o.label.clone(),
                quantity: *q,
                quantity_unit: o.quantity.unit(),
                proxy_value: o.proxy_value,
                proxy_source: o.proxy_source.clone(),
                deadweight: o.deadweight,
                displacement: o.displacement,
                attribution: o.attribution,
                duration_years: o.duration_years,
                drop_off: o.drop_off,
                impact_year1,
                present_value,
            }
        })
        .collect();

    // Sensitivity: one assumption at a time, across every outcome (or the inputs / the rate).
    type Vary = fn(&mut SroiModel, f64);
    let cases: [(&'static str, Vary); 7] = [
        ("Deadweight", |m, f| {
            m.outcomes
                .iter_mut()
                .for_each(|o| o.deadweight = (o.deadweight * f).min(1.0))
        }),
        ("Displacement", |m, f| {
            m.outcomes
                .iter_mut()
                .for_each(|o| o.displacement = (o.displacement * f).min(1.0))
        }),
        ("Attribution", |m, f| {
            m.outcomes
                .iter_mut()
                .for_each(|o| o.attribution = (o.attribution * f).min(1.0))
        }),
        ("Drop-off", |m, f| {
            m.outcomes
                .iter_mut()
                .for_each(|o| o.drop_off = (o.drop_off * f).min(1.0))
        }),
        ("Financial proxy values", |m, f| {
            m.outcomes.iter_mut().for_each(|o| o.proxy_value *= f)
        }),
        ("Inputs", |m, f| {
            m.inputs.iter_mut().for_each(|i| i.unit_value *= f)
        }),
        ("Discount rate", |m, f| m.discount_rate *= f),
    ];
    let sensitivity = if inputs > 0.0 {
        cases
            .iter()
            .map(|(assumption, vary)| {
                let at = |f: f64| {
                    let mut m = model.clone();
                    vary(&mut m, f);
                    let (i, _, p) = totals(&m, &quantities);
                    ratio(i, p).unwrap_or(0.0)
                };
                Sensitivity {
                    assumption,
                    ratio_at_half: at(0.5),
                    ratio_at_one_and_half: at(1.5),
                }
            })
            .collect()
    } else {
        Vec::new()
    };

    SroiReport {
        status: SroiStatus::Calculated,
        illustrative: model.illustrative,
        warning: model.illustrative.then_some(ILLUSTRATIVE_WARNING),
        inputs: model.inputs.clone(),
        total_inputs: inputs,
        outcomes: results,
        present_value: pv,
        net_present_value: pv - inputs,
        ratio: ratio(inputs, pv),
        payback_months: (inputs > 0.0 && year1 > 0.0).then(|| inputs / (year1 / 12.0)),
        discount_rate: model.discount_rate,
        discount_rate_source: model.discount_rate_source.clone(),
        sensitivity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_health() -> HealthSystemReport {
        crate::evaluation::health_system::evaluate(
            &Default::default(),
            crate::evaluation::facts::Period::new(
                time::macros::date!(2026 - 01 - 01),
                time::macros::date!(2026 - 12 - 31),
            )
            .unwrap(),
            Default::default(),
        )
    }

    fn model() -> SroiModel {
        SroiModel {
            inputs: vec![Input {
                label: "Link worker".into(),
                kind: InputKind::Staff,
                quantity: 2.0,
                unit_value: 50_000.0,
                source: "test".into(),
            }],
            outcomes: vec![Outcome {
                label: "Wellbeing".into(),
                quantity: Quantity::Entered { value: 100.0 },
                proxy_value: 2_000.0,
                proxy_source: "test".into(),
                deadweight: 0.25,
                displacement: 0.0,
                attribution: 0.2,
                duration_years: 2,
                drop_off: 0.5,
            }],
            ..SroiModel::default()
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn hand_computed_ratio_payback_and_present_value() {
        let r = evaluate(&model(), &[], &no_health());
        // Inputs: 2 FTE × £50,000 = £100,000.
        assert!(close(r.total_inputs, 100_000.0));
        // Year-1 impact: 100 people × £2,000 × (1 − 0.25) × (1 − 0) × (1 − 0.2) = £120,000.
        assert!(close(r.outcomes[0].impact_year1, 120_000.0));
        // Year 2 keeps 50%: £60,000. PV = 120,000/1.035 + 60,000/1.035² = 115,942.0290 + 56,010.6420
        // = 171,952.6710.
        assert!(
            (r.present_value - 171_952.6710).abs() < 1e-3,
            "{}",
            r.present_value
        );
        assert!((r.net_present_value - 71_952.6710).abs() < 1e-3);
        // Ratio 171,952.6710 / 100,000 = 1.7195; payback 100,000 / (120,000 / 12) = 10 months.
        assert!((r.ratio.unwrap() - 1.719526710).abs() < 1e-8);
        assert!(close(r.payback_months.unwrap(), 10.0));
        assert!(!r.illustrative && r.warning.is_none());
    }

    #[test]
    fn sensitivity_varies_one_assumption_at_a_time() {
        let r = evaluate(&model(), &[], &no_health());
        let get = |a: &str| r.sensitivity.iter().find(|s| s.assumption == a).unwrap();
        // Deadweight 0.125: impact 100 × 2,000 × 0.875 × 0.8 = 140,000; PV = 140,000/1.035 +
        // 70,000/1.035² = 135,265.7005 + 65,345.7490 = 200,611.4495 → ratio 2.0061.
        assert!(
            (get("Deadweight").ratio_at_half - 2.006114495).abs() < 1e-8,
            "{}",
            get("Deadweight").ratio_at_half
        );
        // Deadweight 0.375: impact 100,000 → PV 96,618.3575 + 46,675.5350 = 143,293.8925 → 1.4329.
        assert!((get("Deadweight").ratio_at_one_and_half - 1.432938925).abs() < 1e-8);
        // Proxies ×1.5 scale the PV: 1.7195 × 1.5 = 2.5793; inputs ×1.5 divide it: 1.7195 / 1.5.
        assert!(
            (get("Financial proxy values").ratio_at_one_and_half - 1.719526710 * 1.5).abs() < 1e-6
        );
        assert!((get("Inputs").ratio_at_one_and_half - 1.719526710 / 1.5).abs() < 1e-6);
        // Displacement is 0: varying it changes nothing.
        assert!(close(
            get("Displacement").ratio_at_half,
            get("Displacement").ratio_at_one_and_half
        ));
        assert_eq!(r.sensitivity.len(), 7);
    }

    #[test]
    fn quantities_come_from_the_report_and_respect_suppression() {
        let mut m = model();
        m.outcomes[0].quantity = Quantity::HealthCostReduction;
        m.outcomes[0].proxy_value = 1.0;
        m.outcomes[0].duration_years = 1;
        let mut health = no_health();
        // A £6,000 saving over 6-month windows is £12,000 a year.
        health.cost.total_change = Shown::Value(-6_000.0);
        let r = evaluate(&m, &[], &health);
        assert_eq!(r.outcomes[0].quantity, Shown::Value(12_000.0));
        // 12,000 × 0.75 × 0.8 = 7,200; PV 7,200/1.035 = 6,956.5217.
        assert!((r.present_value - 6_956.521739).abs() < 1e-5);
        // Suppressed figures give no quantity and add nothing.
        health.cost.total_change = Shown::Suppressed;
        let r = evaluate(&m, &[], &health);
        assert_eq!(r.outcomes[0].quantity, Shown::Suppressed);
        assert!(close(r.present_value, 0.0) && r.payback_months.is_none());
        // An outcome whose score is not in the report: no data.
        m.outcomes[0].quantity = Quantity::PeopleImproved {
            score_key: "swemwbs_metric".into(),
        };
        assert_eq!(
            evaluate(&m, &[], &health).outcomes[0].quantity,
            Shown::NoData
        );
    }

    fn swemwbs(n_improved: Shown<u64>, n_out: Shown<u64>) -> OutcomeChange {
        use crate::measurement::instruments::{Direction, Instrument};
        OutcomeChange {
            score_key: "swemwbs_metric",
            label: "SWEMWBS",
            instrument: Instrument::Swemwbs,
            direction: Direction::HigherIsBetter,
            threshold: 3.0,
            // 23 paired people rounded to 25, 15 improved: 15/23 = 65.2%; the old way,
            // 25 × 65.2% = 16.3 people, was neither whole nor the count.
            n_paired: Shown::Value(25),
            n_baseline_only: Shown::NoData,
            pct_followed_up: Shown::NoData,
            mean_baseline_not_followed_up: Shown::NoData,
            mean_change_if_lost_unchanged: Shown::NoData,
            mean_baseline: Shown::NoData,
            mean_follow_up: Shown::NoData,
            mean_change: Shown::NoData,
            ci95_low: Shown::NoData,
            ci95_high: Shown::NoData,
            effect_size_dz: Shown::NoData,
            pct_improved: Shown::Value(15.0 / 23.0 * 100.0),
            n_improved,
            pct_worsened: Shown::NoData,
            wilcoxon_p: Shown::NoData,
            n_in_concern_at_baseline: Shown::Value(10),
            pct_out_of_concern: Shown::NoData,
            n_out_of_concern: n_out,
        }
    }

    #[test]
    fn people_are_whole_counts_and_a_suppressed_count_adds_nothing() {
        let mut m = model();
        m.outcomes[0].quantity = Quantity::PeopleImproved {
            score_key: "swemwbs_metric".into(),
        };
        m.outcomes[0].duration_years = 1;
        m.outcomes.push(Outcome {
            quantity: Quantity::PeopleOutOfConcern {
                score_key: "swemwbs_metric".into(),
            },
            ..m.outcomes[0].clone()
        });
        let r = evaluate(&m, &[swemwbs(Shown::Value(15), Shown::Suppressed)], &no_health());
        assert_eq!(r.outcomes[0].quantity, Shown::Value(15.0));
        assert_eq!(r.outcomes[0].quantity_unit, QuantityUnit::People);
        // 15 × 2,000 × 0.75 × 0.8 = 18,000; PV 18,000 / 1.035 = 17,391.3043.
        assert!((r.outcomes[0].present_value - 17_391.304_348).abs() < 1e-5);
        // Out of concern: a count of 1–7, so `*` and no value.
        assert_eq!(r.outcomes[1].quantity, Shown::Suppressed);
        assert!(close(r.outcomes[1].present_value, 0.0));
        assert!((r.present_value - 17_391.304_348).abs() < 1e-5);
    }

    #[test]
    fn without_a_saved_model_there_is_no_ratio_and_the_status_says_why() {
        let r = report(&SroiSetting::NotEntered, &[], &no_health());
        assert_eq!(r.status, SroiStatus::NotEntered);
        assert!(r.ratio.is_none() && r.outcomes.is_empty() && r.inputs.is_empty() && !r.illustrative);
        // An empty saved model is as good as none.
        let r = report(&SroiSetting::Saved(SroiModel::default()), &[], &no_health());
        assert_eq!(r.status, SroiStatus::NotEntered);
        let r = report(&SroiSetting::SeveralServices, &[], &no_health());
        assert_eq!(r.status, SroiStatus::SeveralServices);
        assert!(r.ratio.is_none());
        // The illustrative model only when saved as the service's (the demo does).
        let r = report(&SroiSetting::Saved(SroiModel::illustrative()), &[], &no_health());
        assert_eq!(r.status, SroiStatus::Calculated);
        assert!(r.illustrative && close(r.total_inputs, 140_000.0));
    }

    #[test]
    fn no_inputs_no_ratio_and_the_illustrative_model_says_so() {
        let r = evaluate(&SroiModel::default(), &[], &no_health());
        assert!(r.ratio.is_none() && r.sensitivity.is_empty());
        let r = evaluate(&SroiModel::illustrative(), &[], &no_health());
        assert!(r.illustrative && r.warning == Some(ILLUSTRATIVE_WARNING));
        // 3 × 40,000 + 15,000 + 500 × 10 = 140,000.
        assert!(close(r.total_inputs, 140_000.0));
        let json = serde_json::to_string(&SroiModel::illustrative()).unwrap();
        assert_eq!(
            serde_json::from_str::<SroiModel>(&json).unwrap(),
            SroiModel::illustrative()
        );
    }
}
