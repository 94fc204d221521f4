//! The service's health-system tariff: the unit cost of each type of contact (and of a bed day),
//! with its source and year, used to cost health-system use in the evaluation report. Service
//! managers edit it for their own service; until they do, the verified default figures apply.
//!
//! Form fields per item (`<code>` is a contact type code or `bed_day`): `cost_<code>` (pounds;
//! empty leaves the item uncosted), `source_<code>` and `year_<code>` (both required with a cost).
//! The price index that brings the costs to each report's year: `index_source` and
//! `index_values` (a year and its value per line; both empty: no index).

use crate::forms::{Checker, FieldError, Fields};
use crate::import_activity::require_manager;
use crate::AppError;
use linkwork_domain::access::Actor;
use linkwork_domain::evaluation::health_system::{CostItem, Tariff, TariffEntry};
use linkwork_domain::evaluation::price_index::PriceIndex;
use linkwork_store::{AuditActor, Store};

/// The form's values for a tariff: one cost, source and year per item.
pub fn tariff_fields(tariff: &Tariff) -> Fields {
    let mut pairs = Vec::new();
    for item in CostItem::all() {
        let code = item.code();
        match tariff.entry(item) {
            Some(e) => {
                pairs.push((format!("cost_{code}"), format!("{:.2}", e.unit_cost())));
                pairs.push((format!("source_{code}"), e.source().to_owned()));
                pairs.push((format!("year_{code}"), e.year().to_owned()));
            }
            None => pairs.extend([
                (format!("cost_{code}"), String::new()),
                (format!("source_{code}"), String::new()),
                (format!("year_{code}"), String::new()),
            ]),
        }
    }
    let index = tariff.price_index();
    pairs.push(("index_source".to_owned(), index.map(|i| i.source().to_owned()).unwrap_or_default()));
    pairs.push(("index_values".to_owned(), index.map(|i| i.values_lines()).unwrap_or_default()));
    Fields::from_pairs(pairs)
}

/// Parses the whole form; every problem is reported against its field.
pub fn parse_tariff(f: &Fields) -> Result<Tariff, Vec<FieldError>> {
    let mut c = Checker::default();
    let mut entries = Vec::new();
    for item in CostItem::all() {
        let code = item.code();
        let (cost_field, source_field, year_field) = (
            format!("cost_{code}"),
            format!("source_{code}"),
            format!("year_{code}"),
        );
        let (cost, source, year) = (
            f.get(&cost_field).trim(),
            f.get(&source_field).trim(),
            f.get(&year_field).trim(),
        );
        if cost.is_empty() {
            continue;
        }
        let label = item.label();
        let pence = match TariffEntry::parse_pounds("cost", cost) {
            Ok(p) => Some(p),
            Err(_) => {
                c.error(
                    &cost_field,
                    format!("{label}: enter the unit cost in pounds, 0 or more, like 45 or 27.50"),
                );
                None
            }
        };
        if source.is_empty() {
            c.error(
                &source_field,
                format!(
                    "{label}: enter where the unit cost comes from, like PSSRU Unit Costs 2024"
                ),
            );
        }
        if year.is_empty() {
            c.error(
                &year_field,
                format!("{label}: enter the year of the unit cost, like 2024/25"),
            );
        }
        if let (Some(pence), false, false) = (pence, source.is_empty(), year.is_empty()) {
            match TariffEntry::new(item, pence, source, year) {
                Ok(e) => entries.push(e),
                Err(e) => c.error(&source_field, e.to_string()),
            }
        }
    }
    let (index_source, index_values) = (f.get("index_source"), f.get("index_values"));
    let index = if index_source.trim().is_empty() && index_values.trim().is_empty() {
        None
    } else {
        match PriceIndex::parse(index_source, index_values) {
            Ok(index) => Some(index),
            Err(errors) => {
                for e in errors {
                    c.check::<()>(Err(e));
                }
                None
            }
        }
    };
    let tariff = Tariff::new(entries).with_price_index(index);
    for (field, message) in undated_costs(&tariff) {
        c.error(&field, message);
    }
    if c.is_ok() {
        Ok(tariff)
    } else {
        Err(c.into_errors())
    }
}

/// An index goes by financial year: a cost dated by a bare year could not be brought to the
/// report's prices, and the report would quietly mix price years. Each such cost's year field
/// and what to do, when the tariff has an index.
fn undated_costs(tariff: &Tariff) -> Vec<(String, String)> {
    if tariff.price_index().is_none() {
        return Vec::new();
    }
    tariff
        .entries_without_a_financial_year()
        .map(|e| {
            (
                format!("year_{}", e.item().code()),
                format!("{}: with a price index, give the year of the cost's prices as a financial year, like 2012/13", e.item().label()),
            )
        })
        .collect()
}

/// Sets or, with `None`, removes a service's price index and keeps its unit costs (the
/// operator's `linkwork settings price-index`). Refused, as on the tariff page, while a cost's
/// year is not a financial year.
pub async fn set_price_index(store: &dyn Store, who: &AuditActor, service_org_id: &str, index: Option<PriceIndex>) -> Result<Tariff, AppError> {
    let tariff = store.health_tariff(service_org_id).await?.with_price_index(index);
    let undated = undated_costs(&tariff);
    if !undated.is_empty() {
        let messages: Vec<String> = undated.into_iter().map(|(_, m)| m).collect();
        return Err(AppError::Conflict(format!("{} (change the year on the tariff page first)", messages.join("; "))));
    }
    store.set_health_tariff(who, service_org_id, &tariff).await?;
    Ok(tariff)
}

/// A service's price index, if it set one (the operator's `linkwork settings price-index`).
pub async fn price_index(store: &dyn Store, service_org_id: &str) -> Result<Option<PriceIndex>, AppError> {
    Ok(store.health_tariff(service_org_id).await?.price_index().cloned())
}

/// The actor's service's tariff (managers only).
pub async fn tariff(store: &dyn Store, actor: &Actor) -> Result<Tariff, AppError> {
    require_manager(actor)?;
    Ok(store.health_tariff(&actor.org_id).await?)
}

/// Saves the whole tariff from the form, or writes nothing and returns every problem.
pub async fn save_tariff(
    store: &dyn Store,
    actor: &Actor,
    who: &AuditActor,
    f: &Fields,
) -> Result<Tariff, AppError> {
    require_manager(actor)?;
    let tariff = parse_tariff(f).map_err(AppError::Invalid)?;
    store.set_health_tariff(who, &actor.org_id, &tariff).await?;
    Ok(tariff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_validates() {
        let defaults = Tariff::default_figures();
        assert_eq!(parse_tariff(&tariff_fields(&defaults)).unwrap(), defaults);
        let mut f = tariff_fields(&defaults);
        f.set("cost_bed_day", "£345.5");
        f.set("source_bed_day", "Local finance team");
        f.set("year_bed_day", "2025/26");
        f.set("cost_gp_phone", "");
        let t = parse_tariff(&f).unwrap();
        assert_eq!(t.entry(CostItem::BedDay).unwrap().unit_cost_pence(), 34_550);
        assert!(
            t.entry(CostItem::Contact(
                linkwork_domain::evaluation::health_system::ContactType::GpPhone
            ))
            .is_none(),
            "emptied: uncosted"
        );

        f.set("cost_gp_surgery", "-4");
        f.set("source_ae_admitted", " ");
        let errors = parse_tariff(&f).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["cost_gp_surgery", "source_ae_admitted"]);
        assert_eq!(
            errors[0].message,
            "GP surgery consultation: enter the unit cost in pounds, 0 or more, like 45 or 27.50"
        );
    }

    #[test]
    fn a_price_index_round_trips_and_needs_costs_dated_by_financial_year() {
        let mut f = tariff_fields(&Tariff::default_figures());
        f.set("index_source", "PSSRU NHS cost inflation index");
        f.set("index_values", "2012/13\t100\n2013/14\t101.4\n2024/25\t137.2");
        // The default figures' PSSRU costs say "2013": which financial year's prices is not said.
        let errors = parse_tariff(&f).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["year_gp_surgery", "year_gp_phone", "year_gp_home_visit", "year_practice_nurse"]);
        assert!(errors[0].message.contains("give the year of the cost's prices as a financial year, like 2012/13"));
        for code in ["gp_surgery", "gp_phone", "gp_home_visit", "practice_nurse"] {
            f.set(&format!("year_{code}"), "2012/13");
        }
        let tariff = parse_tariff(&f).unwrap();
        assert_eq!(tariff.price_index().unwrap().values().count(), 3);
        assert_eq!(parse_tariff(&tariff_fields(&tariff)).unwrap(), tariff, "the form shows what was saved");

        f.set("index_source", "");
        f.set("index_values", "2012/13 = 100\n2024 = 120");
        let errors = parse_tariff(&f).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["index_source", "index_values"]);
        f.set("index_values", "");
        assert_eq!(parse_tariff(&f).unwrap().price_index(), None, "both empty: no index");
    }
}
