//! The service's SROI model (inputs, outcomes with financial proxies and sources, assumptions),
//! edited by its service manager and stored as the domain's JSON document. Until a manager saves
//! one, reports show no SROI ratio, only how to enter a model; the form starts from Linkwork's
//! illustrative model.
//!
//! Form fields: `discount_rate` (%); per input row `i` (0–[`ROWS`]−1) `input_label_i`,
//! `input_kind_i`, `input_quantity_i`, `input_value_i`, `input_source_i`; per outcome row
//! `outcome_label_i`, `outcome_from_i`, `outcome_score_i`, `outcome_quantity_i`,
//! `outcome_proxy_i`, `outcome_proxy_source_i`, `outcome_deadweight_i`, `outcome_displacement_i`,
//! `outcome_attribution_i` (all %), `outcome_duration_i` (years), `outcome_drop_off_i` (%). A row
//! whose label is empty is left out.

use crate::forms::{Checker, FieldError, Fields};
use crate::import_activity::require_manager;
use crate::AppError;
use linkwork_domain::access::Actor;
use linkwork_domain::evaluation::sroi::{Input, InputKind, Outcome, Quantity, SroiModel, DISCOUNT_RATE_SOURCE};
use linkwork_store::{AuditActor, Store};

/// Rows of inputs and of outcomes on the form.
pub const ROWS: usize = 6;

pub const KINDS: [(&str, &str, InputKind); 4] = [
    (
        "staff",
        "Staff (quantity: FTE; value: annual cost of one FTE)",
        InputKind::Staff,
    ),
    (
        "overheads",
        "Overheads (value: annual cost)",
        InputKind::Overheads,
    ),
    (
        "volunteers",
        "Volunteers (quantity: hours; value: per hour)",
        InputKind::Volunteers,
    ),
    ("other", "Other", InputKind::Other),
];
pub const SOURCES: [(&str, &str); 4] = [
    (
        "people_improved",
        "People improving by the meaningful change (score below)",
    ),
    (
        "people_out_of_concern",
        "People out of the band of concern (score below)",
    ),
    (
        "health_cost_reduction",
        "Health-system cost reduction (£ a year)",
    ),
    ("entered", "A number entered below"),
];

/// The service's model, or the illustrative one (with `false`) when it never saved one.
pub async fn sroi_model(store: &dyn Store, actor: &Actor) -> Result<(SroiModel, bool), AppError> {
    require_manager(actor)?;
    match store.sroi_model(&actor.org_id).await? {
        Some(json) => Ok((
            serde_json::from_str(&json)
                .map_err(|e| AppError::Internal(format!("stored SROI model: {e}")))?,
            true,
        )),
        None => Ok((SroiModel::illustrative(), false)),
    }
}

fn num(v: f64) -> String {
    let text = format!("{v:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The form's values for a model.
pub fn model_fields(m: &SroiModel) -> Fields {
    let mut p: Vec<(String, String)> = vec![("discount_rate".into(), num(m.discount_rate * 100.0))];
    for (i, input) in m.inputs.iter().take(ROWS).enumerate() {
        let kind = KINDS
            .iter()
            .find(|k| k.2 == input.kind)
            .map_or("other", |k| k.0);
        p.extend([
            (format!("input_label_{i}"), input.label.clone()),
            (format!("input_kind_{i}"), kind.to_owned()),
            (format!("input_quantity_{i}"), num(input.quantity)),
            (format!("input_value_{i}"), num(input.unit_value)),
            (format!("input_source_{i}"), input.source.clone()),
        ]);
    }
    for (i, o) in m.outcomes.iter().take(ROWS).enumerate() {
        let (from, score, quantity) = match &o.quantity {
            Quantity::PeopleImproved { score_key } => {
                ("people_improved", score_key.clone(), String::new())
            }
            Quantity::PeopleOutOfConcern { score_key } => {
                ("people_out_of_concern", score_key.clone(), String::new())
            }
            Quantity::HealthCostReduction => {
                ("health_cost_reduction", String::new(), String::new())
            }
            Quantity::Entered { value } => ("entered", String::new(), num(*value)),
        };
        p.extend([
            (format!("outcome_label_{i}"), o.label.clone()),
            (format!("outcome_from_{i}"), from.to_owned()),
            (format!("outcome_score_{i}"), score),
            (format!("outcome_quantity_{i}"), quantity),
            (format!("outcome_proxy_{i}"), num(o.proxy_value)),
            (format!("outcome_proxy_source_{i}"), o.proxy_source.clone()),
            (format!("outcome_deadweight_{i}"), num(o.deadweight * 100.0)),
            (
                format!("outcome_displacement_{i}"),
                num(o.displacement * 100.0),
            ),
            (
                format!("outcome_attribution_{i}"),
                num(o.attribution * 100.0),
            ),
            (
                format!("outcome_duration_{i}"),
                o.duration_years.to_string(),
            ),
            (format!("outcome_drop_off_{i}"), num(o.drop_off * 100.0)),
        ]);
    }
    Fields::from_pairs(p)
}

fn number(c: &mut Checker, f: &Fields, field: &str, what: &str, max: Option<f64>) -> Option<f64> {
    let raw = f.get(field).trim().trim_start_matches('£').replace(',', "");
    let raw = raw.trim_end_matches('%');
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && max.is_none_or(|m| v <= m) => Some(v),
        _ => {
            let range = max.map_or("0 or more".to_owned(), |m| format!("from 0 to {m}"));
            c.error(field, format!("Enter {what} as a number {range}"));
            None
        }
    }
}

fn text(c: &mut Checker, f: &Fields, field: &str, what: &str) -> Option<String> {
    let v = f.get(field).trim();
    if v.is_empty() {
        c.error(field, format!("Enter {what}"));
        None
    } else if v.chars().count() > 200 {
        c.error(field, format!("{what} must be 200 characters or fewer"));
        None
    } else {
        Some(v.to_owned())
    }
}

/// Parses the whole form into a (non-illustrative) model; every problem names its field.
pub fn parse_model(f: &Fields) -> Result<SroiModel, Vec<FieldError>> {
    let mut c = Checker::default();
    let rate = number(
        &mut c,
        f,
        "discount_rate",
        "the discount rate in %",
        Some(20.0),
    );
    let mut inputs = Vec::new();
    for i in 0..ROWS {
        let label = f.get(&format!("input_label_{i}")).trim();
        if label.is_empty() {
            continue;
        }
        let n = i + 1;
        let kind = KINDS
            .iter()
            .find(|k| k.0 == f.get(&format!("input_kind_{i}")))
            .map(|k| k.2);
        if kind.is_none() {
            c.error(
                &format!("input_kind_{i}"),
                format!("Input {n}: select what kind of input it is"),
            );
        }
        let quantity = number(
            &mut c,
            f,
            &format!("input_quantity_{i}"),
            &format!("input {n}'s quantity"),
            None,
        );
        let value = number(
            &mut c,
            f,
            &format!("input_value_{i}"),
            &format!("input {n}'s unit value in pounds"),
            None,
        );
        let source = text(
            &mut c,
            f,
            &format!("input_source_{i}"),
            &format!("where input {n}'s value comes from"),
        );
        if let (Some(kind), Some(quantity), Some(unit_value), Some(source)) =
            (kind, quantity, value, source)
        {
            inputs.push(Input {
                label: label.chars().take(200).collect(),
                kind,
                quantity,
                unit_value,
                source,
            });
        }
    }
    let mut outcomes = Vec::new();
    for i in 0..ROWS {
        let label = f.get(&format!("outcome_label_{i}")).trim();
        if label.is_empty() {
            continue;
        }
        let n = i + 1;
        let score = f.get(&format!("outcome_score_{i}")).trim().to_owned();
        let quantity = match f.get(&format!("outcome_from_{i}")) {
            "people_improved" | "people_out_of_concern" if score.is_empty() => {
                c.error(&format!("outcome_score_{i}"), format!("Outcome {n}: enter the score it is measured by, like swemwbs_metric or ucla3_total"));
                None
            }
            "people_improved" => Some(Quantity::PeopleImproved { score_key: score }),
            "people_out_of_concern" => Some(Quantity::PeopleOutOfConcern { score_key: score }),
            "health_cost_reduction" => Some(Quantity::HealthCostReduction),
            "entered" => number(
                &mut c,
                f,
                &format!("outcome_quantity_{i}"),
                &format!("outcome {n}'s quantity"),
                None,
            )
            .map(|value| Quantity::Entered { value }),
            _ => {
                c.error(
                    &format!("outcome_from_{i}"),
                    format!("Outcome {n}: select where its quantity comes from"),
                );
                None
            }
        };
        let proxy = number(
            &mut c,
            f,
            &format!("outcome_proxy_{i}"),
            &format!("outcome {n}'s financial proxy in pounds"),
            None,
        );
        let proxy_source = text(
            &mut c,
            f,
            &format!("outcome_proxy_source_{i}"),
            &format!("the source of outcome {n}'s financial proxy"),
        );
        let pct = |c: &mut Checker, name: &str, what: &str| {
            number(
                c,
                f,
                &format!("outcome_{name}_{i}"),
                &format!("outcome {n}'s {what} in %"),
                Some(100.0),
            )
            .map(|v| v / 100.0)
        };
        let deadweight = pct(&mut c, "deadweight", "deadweight");
        let displacement = pct(&mut c, "displacement", "displacement");
        let attribution = pct(&mut c, "attribution", "attribution");
        let drop_off = pct(&mut c, "drop_off", "drop-off");
        let duration = match f.get(&format!("outcome_duration_{i}")).trim().parse::<u8>() {
            Ok(d) if (1..=10).contains(&d) => Some(d),
            _ => {
                c.error(
                    &format!("outcome_duration_{i}"),
                    format!("Enter outcome {n}'s duration as whole years from 1 to 10"),
                );
                None
            }
        };
        if let (
            Some(quantity),
            Some(proxy_value),
            Some(proxy_source),
            Some(deadweight),
            Some(displacement),
            Some(attribution),
            Some(duration_years),
            Some(drop_off),
        ) = (
            quantity,
            proxy,
            proxy_source,
            deadweight,
            displacement,
            attribution,
            duration,
            drop_off,
        ) {
            outcomes.push(Outcome {
                label: label.chars().take(200).collect(),
                quantity,
                proxy_value,
                proxy_source,
                deadweight,
                displacement,
                attribution,
                duration_years,
                drop_off,
            });
        }
    }
    match rate {
        Some(rate) if c.is_ok() => {
            let source =
                if (rate / 100.0 - linkwork_domain::evaluation::sroi::DEFAULT_DISCOUNT_RATE).abs() < 1e-9 {
                    DISCOUNT_RATE_SOURCE.to_owned()
                } else {
                    "Set by the service".to_owned()
                };
            Ok(SroiModel {
                inputs,
                outcomes,
                discount_rate: rate / 100.0,
                discount_rate_source: source,
                illustrative: false,
            })
        }
        _ => Err(c.into_errors()),
    }
}

/// Saves the model from the form (audited), or writes nothing and returns every problem.
pub async fn save_sroi_model(
    store: &dyn Store,
    actor: &Actor,
    who: &AuditActor,
    f: &Fields,
) -> Result<SroiModel, AppError> {
    require_manager(actor)?;
    let model = parse_model(f).map_err(AppError::Invalid)?;
    let json = serde_json::to_string(&model).map_err(|e| AppError::Internal(e.to_string()))?;
    store.set_sroi_model(who, &actor.org_id, &json).await?;
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_illustrative_model_round_trips_as_the_services_own() {
        let parsed = parse_model(&model_fields(&SroiModel::illustrative())).unwrap();
        let expected = SroiModel {
            illustrative: false,
            ..SroiModel::illustrative()
        };
        assert_eq!(parsed, expected);
    }

    #[test]
    fn every_problem_names_its_field() {
        let mut f = model_fields(&SroiModel::illustrative());
        f.set("discount_rate", "abc");
        f.set("input_source_1", "");
        f.set("outcome_attribution_0", "120");
        f.set("outcome_duration_1", "0");
        f.set("outcome_from_2", "entered");
        let errors = parse_model(&f).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "discount_rate",
                "input_source_1",
                "outcome_attribution_0",
                "outcome_duration_1",
                "outcome_quantity_2"
            ]
        );
        assert_eq!(
            errors[2].message,
            "Enter outcome 1's attribution in % as a number from 0 to 100"
        );
    }
}

/// Whether the actor's service has saved its own model (else reports use the illustrative one).
pub async fn sroi_model_saved(store: &dyn Store, actor: &Actor) -> Result<bool, AppError> {
    require_manager(actor)?;
    Ok(store.sroi_model(&actor.org_id).await?.is_some())
}
