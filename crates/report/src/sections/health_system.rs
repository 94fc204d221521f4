//! The `health` section: GP and hospital use in the windows before and after referral, per
//! person-year, its cost with the service's tariff (printed in every report), and the Ardens
//! frequent-attender subgroup. Figures, chart and tables live together so they always agree;
//! every number arrives suppressed from `linkwork_domain::evaluation::health_system`.

use crate::primitives::html::{para, table};
use crate::primitives::format::{count, date_long, escape, fixed, rate, rate_decimals, stat, SUPPRESSED};
use crate::primitives::Figure;
use linkwork_domain::evaluation::disclosure::Shown;
use linkwork_domain::evaluation::Report;
use linkwork_domain::evaluation::health_system::{CostChange, HealthSystemReport, NotUplifted, UseChange};

const SECTION: &str = "health";
const PER_PY: &str = "contacts per person-year";
const POUNDS: &str = "£";
const PEOPLE: &str = "people";

fn figure(
    id: String,
    label: String,
    value: String,
    unit: &'static str,
    definition: String,
) -> Figure {
    Figure {
        id,
        section: SECTION,
        label,
        value,
        n: String::new(),
        ci95_low: String::new(),
        ci95_high: String::new(),
        unit,
        definition,
    }
}

fn money(s: Shown<f64>) -> String {
    stat(s, 0)
}

fn window_text(h: &HealthSystemReport) -> String {
    format!("{} months", h.window_months)
}

/// The figures of the section, in reading order.
pub(crate) fn figures(report: &Report, out: &mut Vec<Figure>) {
    let h = &report.health_system;
    let win = window_text(h);
    out.push(figure(
        "health.referred_in_period".into(),
        "People first referred in the period".into(),
        count(h.referred_in_period),
        PEOPLE,
        "People whose first referral to the service falls in the period.".into(),
    ));
    out.push(figure(
        "health.people.n".into(),
        "People with full before and after windows".into(),
        count(h.n_people),
        PEOPLE,
        format!("People first referred in the period whose {win} before and {win} after the referral date are both covered by the imported activity data and end by the period's end."),
    ));
    for u in &h.by_type {
        use_figures(&format!("health.{}", u.key), u, &win, out);
    }
    cost_figures("health.cost", "", &h.cost, &win, out);
    let fa = &h.frequent_attenders;
    out.push(figure(
        "health.frequent_attenders.n".into(),
        "Frequent attenders (more than 10 GP appointments in the year before)".into(),
        count(fa.n),
        PEOPLE,
        "People with full windows who had more than 10 GP appointments (surgery, telephone, home visit) in the 12 months before referral (Ardens' definition), where the data covers those 12 months.".into(),
    ));
    use_figures(
        "health.frequent_attenders.gp_appointments",
        &fa.gp_appointments,
        &win,
        out,
    );
    cost_figures(
        "health.frequent_attenders.cost",
        "Frequent attenders: ",
        &fa.cost,
        &win,
        out,
    );
    for e in h.tariff.entries() {
        out.push(figure(
            format!("health.tariff.{}.unit_cost", e.item().code()),
            format!("Unit cost: {}", e.item().label()),
            fixed(e.unit_cost(), 2),
            POUNDS,
            format!(
                "Unit cost entered for each contact of this type: {} ({}, {}).",
                e.item().label(),
                e.source(),
                e.year()
            ),
        ));
    }
    if let (Some(year), Some(source)) = (h.prices.year, &h.prices.index_source) {
        for p in h.prices.items.iter().filter(|p| p.uplift.is_ok()) {
            out.push(figure(
                format!("health.tariff.{}.unit_cost_at_report_prices", p.item.code()),
                format!("Unit cost at {year} prices: {}", p.item.label()),
                fixed(p.unit_cost(), 2),
                POUNDS,
                format!(
                    "The unit cost the report's costs use: the entered cost times the ratio of the price index in {year} to its value in the cost's own year ({source}), rounded as the entered costs are.",
                ),
            ));
        }
    }
}

fn use_figures(id: &str, u: &UseChange, win: &str, out: &mut Vec<Figure>) {
    let n = count(u.n);
    let what = u.label;
    let unit = if u.key == "bed_days" {
        "days per person-year"
    } else {
        PER_PY
    };
    out.push(Figure {
        n: n.clone(),
        ..figure(
            format!("{id}.before_per_person_year"),
            format!("{what}: before referral"),
            rate(u.before_per_person_year),
            unit,
            format!("Mean number per person-year of: {what}, in the {win} before referral."),
        )
    });
    out.push(Figure {
        n: n.clone(),
        ..figure(
            format!("{id}.after_per_person_year"),
            format!("{what}: after referral"),
            rate(u.after_per_person_year),
            unit,
            format!("Mean number per person-year of: {what}, in the {win} after referral."),
        )
    });
    out.push(Figure {
        n,
        ci95_low: rate(u.ci95_low),
        ci95_high: rate(u.ci95_high),
        ..figure(format!("{id}.per_person_year_change"), format!("{what}: change per person-year"), rate(u.change_per_person_year), unit, format!("Mean of each person's change (after minus before) in the number per person-year of: {what}, with a paired t 95% confidence interval."))
    });
}

fn cost_figures(id: &str, prefix: &str, c: &CostChange, win: &str, out: &mut Vec<Figure>) {
    let n = count(c.n);
    let costed = "costed with the tariff; uncosted contact types add nothing";
    out.push(Figure {
        n: n.clone(),
        ..figure(
            format!("{id}.before_per_person"),
            format!("{prefix}Cost per person before referral"),
            money(c.before_per_person),
            POUNDS,
            format!("Mean cost of a person's contacts in the {win} before referral, {costed}."),
        )
    });
    out.push(Figure {
        n: n.clone(),
        ..figure(
            format!("{id}.after_per_person"),
            format!("{prefix}Cost per person after referral"),
            money(c.after_per_person),
            POUNDS,
            format!("Mean cost of a person's contacts in the {win} after referral, {costed}."),
        )
    });
    out.push(Figure {
        n: n.clone(),
        ci95_low: money(c.ci95_low),
        ci95_high: money(c.ci95_high),
        ..figure(format!("{id}.change_per_person"), format!("{prefix}Change in cost per person"), money(c.change_per_person), POUNDS, format!("Mean of each person's change in cost (after minus before, over one window of {win} each), with a paired t 95% confidence interval."))
    });
    out.push(Figure {
        n: n.clone(),
        ..figure(
            format!("{id}.total_before"),
            format!("{prefix}Total cost before referral"),
            money(c.total_before),
            POUNDS,
            format!("Cost of everyone's contacts in their {win} before referral."),
        )
    });
    out.push(Figure {
        n: n.clone(),
        ..figure(
            format!("{id}.total_after"),
            format!("{prefix}Total cost after referral"),
            money(c.total_after),
            POUNDS,
            format!("Cost of everyone's contacts in their {win} after referral."),
        )
    });
    out.push(Figure {
        n,
        ..figure(
            format!("{id}.total_change"),
            format!("{prefix}Total change in cost"),
            money(c.total_change),
            POUNDS,
            "Total cost after minus total cost before; negative means lower costs after referral, a change associated with the referral, not shown to be caused by it.".into(),
        )
    });
}

/// A figure as HTML: `*` and missing figures read as words.
fn cell(text: &str) -> String {
    match text {
        SUPPRESSED => r#"<span aria-hidden="true">*</span><span class="nhsuk-u-visually-hidden">suppressed</span>"#.to_owned(),
        "" => r#"<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">no data</span>"#.to_owned(),
        other => escape(other),
    }
}

/// An interval's cell, each bound written by `bound`.
fn ci_cell(low: Shown<f64>, high: Shown<f64>, bound: fn(f64) -> String) -> String {
    match (low, high) {
        (Shown::Value(l), Shown::Value(h)) => {
            escape(&format!("{} to {}", bound(l), bound(h)))
        }
        (Shown::Suppressed, _) | (_, Shown::Suppressed) => cell(SUPPRESSED),
        _ => cell(""),
    }
}

/// The section's HTML.
pub(crate) fn html(out: &mut String, report: &Report) {
    let h = &report.health_system;
    let win = window_text(h);
    w!(
        out,
        r#"<section class="linkwork-report__section" aria-labelledby="lw-report-health"><h2 class="nhsuk-heading-m" id="lw-report-health">Health-system use before and after referral</h2>"#
    );
    match (h.data_from, h.data_to) {
        (Some(from), Some(to)) => para(
            out,
            &escape(&format!(
                "GP and hospital contacts imported from {} to {}, compared over the {win} before and the {win} after each person's referral date. People first referred in the period: {}; with both windows covered by the data: {}.",
                date_long(from),
                date_long(to),
                count(h.referred_in_period).replace(SUPPRESSED, "fewer than 8"),
                count(h.n_people).replace(SUPPRESSED, "fewer than 8"),
            )),
        ),
        _ => para(out, "No GP or hospital activity has been imported for this service, so health-system use cannot be compared. A manager can import it with <code>linkwork import activity</code>."),
    }
    if let Some(svg) = chart(h) {
        w!(out, r#"<figure class="linkwork-chart">{svg}</figure>"#);
    }
    let rows: Vec<(String, Vec<String>)> = h
        .by_type
        .iter()
        .map(|u| {
            (
                escape(u.label),
                vec![
                    cell(&count(u.n)),
                    cell(&rate(u.before_per_person_year)),
                    cell(&rate(u.after_per_person_year)),
                    cell(&rate(u.change_per_person_year)),
                    ci_cell(u.ci95_low, u.ci95_high, |v| fixed(v, rate_decimals(v))),
                ],
            )
        })
        .collect();
    table(
        out,
        "Contacts per person-year, before and after referral",
        &[
            ("Type of contact", false),
            ("People", true),
            ("Before", true),
            ("After", true),
            ("Change", true),
            ("95% CI of change", true),
        ],
        &rows,
    );

    w!(out, r#"<h3 class="nhsuk-heading-s">Cost</h3>"#);
    let cost_rows = |c: &CostChange| -> Vec<String> {
        vec![
            cell(&count(c.n)),
            cell(&money(c.before_per_person)),
            cell(&money(c.after_per_person)),
            cell(&money(c.change_per_person)),
            ci_cell(c.ci95_low, c.ci95_high, |v| fixed(v, 0)),
            cell(&money(c.total_change)),
        ]
    };
    let fa = &h.frequent_attenders;
    table(
        out,
        &format!("Cost of contacts per person over {win} (£), before and after referral"),
        &[
            ("Group", false),
            ("People", true),
            ("Before", true),
            ("After", true),
            ("Change", true),
            ("95% CI of change", true),
            ("Total change", true),
        ],
        &[
            ("Everyone with full windows".to_owned(), cost_rows(&h.cost)),
            ("Frequent attenders".to_owned(), cost_rows(&fa.cost)),
        ],
    );
    para(
        out,
        &escape(&format!(
            "Frequent attenders (Ardens: more than 10 GP appointments in the 12 months before referral): {} people; GP appointments per person-year changed by {} (95% CI {}).",
            count(fa.n).replace(SUPPRESSED, "fewer than 8"),
            rate(fa.gp_appointments.change_per_person_year).replace(SUPPRESSED, "* (suppressed)"),
            match (fa.gp_appointments.ci95_low, fa.gp_appointments.ci95_high) {
                (Shown::Value(l), Shown::Value(h)) => format!("{} to {}", fixed(l, rate_decimals(l)), fixed(h, rate_decimals(h))),
                _ => "not available".to_owned(),
            }
        )),
    );
    // With a comparison extract, the size of the fall expected anyway comes from the matched
    // comparison group (the comparison section); without one the figure cannot say.
    let expected = report.comparison.as_ref().and_then(|c| c.outcomes.iter().find(|o| o.key == "gp_appointments")).and_then(|o| Some((*o.comparison_change_per_person_year.value()?, *o.did_per_person_year.value()?)));
    match expected {
        Some((anyway, did)) => para(
            out,
            &escape(&format!(
                "Frequent attenders are chosen because their use was high before referral, so much of any fall is regression to the mean: people picked at a peak tend to return towards their usual level whether or not they are referred. Matched registered patients who were not referred changed by {} GP appointments per person-year over the same months; the referred people's change less theirs (the difference-in-differences) is {} (see \"Compared with similar people who were not referred\"). Costs here are associated with the referral, not savings it is shown to have made.",
                fixed(anyway, rate_decimals(anyway)),
                fixed(did, rate_decimals(did)),
            )),
        ),
        None => para(
            out,
            "Frequent attenders are chosen because their use was high before referral, so much of any fall is regression to the mean: people picked at a peak tend to return towards their usual level whether or not they are referred. Without a comparison group this figure cannot say how much of the fall the referral caused; costs here are associated with the referral, not savings it is shown to have made.",
        ),
    }

    w!(out, r#"<h3 class="nhsuk-heading-s">Tariff used</h3>"#);
    let priced = h.prices.year.filter(|_| h.prices.uplifted());
    let tariff_rows: Vec<(String, Vec<String>)> = h
        .tariff
        .entries()
        .iter()
        .zip(&h.prices.items)
        .map(|(e, p)| {
            let mut cells = vec![
                escape(&format!("£{}", fixed(e.unit_cost(), 2))),
                escape(e.source()),
                escape(e.year()),
            ];
            if priced.is_some() {
                cells.push(escape(&match p.uplift {
                    Ok(factor) => format!("£{} (× {factor:.3})", fixed(p.unit_cost(), 2)),
                    Err(NotUplifted::NotAFinancialYear) => "Not uplifted: its year is not a financial year like 2013/14".to_owned(),
                    Err(NotUplifted::NotInTheIndex(y)) => format!("Not uplifted: the index has no value for {y}"),
                    Err(NotUplifted::NoIndexYear) => "Not uplifted".to_owned(),
                }));
            }
            (escape(e.item().label()), cells)
        })
        .collect();
    let at_prices = priced.map(|y| format!("At {y} prices"));
    if tariff_rows.is_empty() {
        para(out, "No unit costs are set, so no contact is costed.");
    } else {
        let mut columns = vec![("Item", false), ("Unit cost", true), ("Source", false), ("Year", false)];
        if let Some(heading) = &at_prices {
            columns.push((heading.as_str(), true));
        }
        table(out, "Unit cost of each type of contact", &columns, &tariff_rows);
    }
    price_index(h, out);
    if !h.uncosted.is_empty() {
        let names: Vec<String> = h
            .uncosted
            .iter()
            .map(|i| i.label().to_lowercase())
            .collect();
        para(
            out,
            &escape(&format!(
                "Not costed (no verified unit cost; a manager can add one): {}.",
                names.join("; ")
            )),
        );
    }
    out.push_str(r#"<ul class="nhsuk-list nhsuk-list--bullet">"#);
    for c in &h.caveats {
        w!(out, "<li>{}</li>", escape(c));
    }
    out.push_str("</ul></section>");
}

/// Paired horizontal bars per contact type: before (solid blue) and after (hatched grey), per
/// person-year, with the values written beside each bar. `None` when nothing can be drawn.
pub(crate) fn chart(h: &HealthSystemReport) -> Option<String> {
    let rows: Vec<(&UseChange, f64, f64)> = h
        .by_type
        .iter()
        .filter_map(|u| {
            Some((
                u,
                *u.before_per_person_year.value()?,
                *u.after_per_person_year.value()?,
            ))
        })
        .filter(|(_, b, a)| *b > 0.0 || *a > 0.0)
        .collect();
    if rows.is_empty() {
        return None;
    }
    let (width, left, right, top, row) = (720.0, 260.0, 70.0, 40.0, 44.0);
    let height = top + row * rows.len() as f64 + 30.0;
    let max = rows
        .iter()
        .map(|(_, b, a)| b.max(*a))
        .fold(0.0, f64::max)
        .max(0.1);
    let x = |v: f64| left + v / max * (width - left - right);
    let mut desc = format!("Bar chart of contacts per person-year in the {} before (solid bars) and after (hatched bars) referral, by type of contact.", window_text(h));
    for (u, b, a) in &rows {
        w!(
            desc,
            " {}: {} before, {} after.",
            u.label,
            fixed(*b, 1),
            fixed(*a, 1)
        );
    }
    desc.push_str(" The figures are also in the table below.");
    let mut out = String::new();
    w!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="linkwork-chart__svg" viewBox="0 0 {width} {height:.1}" width="100%" role="img" aria-labelledby="health-chart-title health-chart-desc" font-size="14" fill="#212b32"><title id="health-chart-title">Contacts per person-year before and after referral</title><desc id="health-chart-desc">{}</desc><rect width="{width}" height="{height:.1}" fill="#ffffff"/>"##,
        escape(&desc)
    );
    out.push_str(r##"<defs><pattern id="health-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#4c6272" stroke-width="3"/></pattern></defs>"##);
    w!(
        out,
        r##"<rect x="{left}" y="8" width="14" height="14" fill="#005eb8"/><text x="{:.1}" y="20">Before referral</text>"##,
        left + 20.0
    );
    w!(
        out,
        r##"<rect x="{:.1}" y="8" width="14" height="14" fill="url(#health-hatch)" stroke="#4c6272"/><text x="{:.1}" y="20">After referral</text>"##,
        left + 160.0,
        left + 180.0
    );
    for (i, (u, b, a)) in rows.iter().enumerate() {
        let y = top + row * i as f64;
        w!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 10.0,
            y + 22.0,
            escape(u.label)
        );
        w!(
            out,
            r##"<rect x="{left}" y="{:.1}" width="{:.1}" height="16" fill="#005eb8"/>"##,
            y + 2.0,
            x(*b) - left
        );
        w!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="12">{}</text>"#,
            x(*b) + 4.0,
            y + 15.0,
            fixed(*b, 1)
        );
        w!(
            out,
            r##"<rect x="{left}" y="{:.1}" width="{:.1}" height="16" fill="url(#health-hatch)" stroke="#4c6272"/>"##,
            y + 20.0,
            (x(*a) - left).max(0.5)
        );
        w!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="12">{}</text>"#,
            x(*a) + 4.0,
            y + 33.0,
            fixed(*a, 1)
        );
    }
    w!(
        out,
        r##"<line x1="{left}" y1="{top}" x2="{left}" y2="{:.1}" stroke="#4c6272"/>"##,
        top + row * rows.len() as f64
    );
    out.push_str("</svg>");
    Some(out)
}

/// What the costs' price year is and the index that brought them there, with its values, so a
/// reader can redo the uplift; or that they are not uplifted, and where a manager can change it.
fn price_index(h: &HealthSystemReport, out: &mut String) {
    let Some(index) = h.tariff.price_index() else {
        para(out, "Costs are at the prices of each unit cost's own year: the service has entered no price index to bring them to one year's prices (a manager can, with the tariff).");
        return;
    };
    match h.prices.year.filter(|_| h.prices.uplifted()) {
        Some(year) => para(
            out,
            &escape(&format!(
                "Costs are at {year} prices: each unit cost is multiplied by the ratio of the price index in {year} to its value in the unit cost's own year. Index: {}.",
                index.source()
            )),
        ),
        None => para(
            out,
            &escape(&format!(
                "Costs are at the prices of each unit cost's own year: the service's price index ({}) has no value for the report's year or before it, or for the unit costs' years.",
                index.source()
            )),
        ),
    }
    let rows: Vec<(String, Vec<String>)> = index.values().map(|(y, v)| (escape(&y.to_string()), vec![escape(&v.to_string())])).collect();
    table(out, "Price index", &[("Financial year", false), ("Index value", true)], &rows);
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkwork_domain::evaluation::{evaluate, EvaluationInput, EvaluationSettings, Period};
    use linkwork_domain::evaluation::health_system::{group_by_person, ActivityFact, ContactType, CostItem, PersonReferral, Tariff, TariffEntry};
    use time::macros::date;

    /// Ten people referred 2025-06-01, each with 2 GP surgery consultations before (4 per
    /// person-year) and 1 after (2 per person-year): change −2, CI −2 to −2; cost £90 → £45.
    fn report() -> Report {
        evaluate(
            &report_input(),
            Period::new(date!(2025 - 04 - 01), date!(2026 - 03 - 31)).unwrap(),
            &EvaluationSettings::default(),
        )
    }

    fn report_input() -> EvaluationInput {
        let mut input = EvaluationInput {
            scope_name: "Test PCN".into(),
            ..Default::default()
        };
        input.health.tariff = Tariff::default_figures();
        let mut activity = Vec::new();
        let mut add = |p: &str, on: time::Date| {
            activity.push(ActivityFact {
                person: p.into(),
                contact_on: on,
                contact_type: ContactType::GpSurgery,
                bed_days: None,
            })
        };
        add("edge", date!(2024 - 06 - 01));
        add("edge", date!(2026 - 03 - 31));
        for i in 0..10 {
            let p = format!("p{i}");
            input.health.referrals.push(PersonReferral {
                referral_id: p.as_str().into(),
                person: p.clone(),
                referred_on: date!(2025 - 06 - 01),
                practice_id: None,
            });
            add(&p, date!(2025 - 02 - 01));
            add(&p, date!(2025 - 03 - 01));
            add(&p, date!(2025 - 08 - 01));
        }
        input.health.activity = group_by_person(activity);
        input
    }

    #[test]
    fn figures_have_stable_ids_and_hand_computed_values() {
        let r = report();
        let mut out = Vec::new();
        figures(&r, &mut out);
        let get = |id: &str| {
            out.iter()
                .find(|f| f.id == id)
                .unwrap_or_else(|| panic!("no {id}"))
        };
        assert_eq!(get("health.people.n").value, "10");
        let change = get("health.gp_surgery.per_person_year_change");
        assert_eq!(
            (
                change.value.as_str(),
                change.ci95_low.as_str(),
                change.ci95_high.as_str(),
                change.n.as_str()
            ),
            ("-2.0", "-2.0", "-2.0", "10")
        );
        assert_eq!(get("health.gp_surgery.before_per_person_year").value, "4.0");
        assert_eq!(get("health.cost.before_per_person").value, "90");
        assert_eq!(get("health.cost.change_per_person").value, "-45");
        assert_eq!(get("health.cost.total_change").value, "-450");
        assert_eq!(get("health.tariff.gp_surgery.unit_cost").value, "45.00");
        assert!(get("health.tariff.gp_surgery.unit_cost")
            .definition
            .contains("PSSRU Unit Costs of Health and Social Care 2013, 2013"));
        assert_eq!(get("health.frequent_attenders.n").value, "0");
        let ids: std::collections::HashSet<&str> = out.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids.len(), out.len(), "unique ids");
    }

    #[test]
    fn costs_uplifted_with_a_price_index_show_their_year_factors_and_index() {
        use linkwork_domain::evaluation::price_index::PriceIndex;
        let mut input = report_input();
        let entered = Tariff::new(vec![TariffEntry::new(CostItem::Contact(ContactType::GpSurgery), 4_500, "PSSRU 2013", "2012/13").unwrap()]);
        input.health.tariff = entered.with_price_index(Some(PriceIndex::parse("Test index, table 7", "2012/13 = 100\n2025/26 = 150").unwrap()));
        let r = evaluate(&input, Period::new(date!(2025 - 04 - 01), date!(2026 - 03 - 31)).unwrap(), &EvaluationSettings::default());
        let mut out = Vec::new();
        super::figures(&r, &mut out);
        let get = |id: &str| out.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("{id}"));
        assert_eq!(get("health.tariff.gp_surgery.unit_cost").value, "45.00");
        assert_eq!(get("health.tariff.gp_surgery.unit_cost_at_report_prices").value, "68.00");
        assert!(get("health.tariff.gp_surgery.unit_cost_at_report_prices").definition.contains("Test index, table 7"));
        let mut html = String::new();
        super::html(&mut html, &r);
        assert!(html.contains("At 2025/26 prices") && html.contains("£68.00 (× 1.500)"), "the tariff's price column");
        assert!(html.contains("Costs are at 2025/26 prices") && html.contains("<caption class=\"nhsuk-table__caption\">Price index</caption>"));
    }

    #[test]
    fn html_has_a_labelled_chart_tables_and_the_tariff() {
        let mut html = String::new();
        super::html(&mut html, &report());
        assert_eq!(html.matches("<svg ").count(), 1);
        assert!(
            html.contains(r#"role="img" aria-labelledby="health-chart-title health-chart-desc""#)
        );
        assert!(
            html.contains("GP surgery consultation: 4.0 before, 2.0 after."),
            "text alternative"
        );
        assert!(html.contains(
            "<caption class=\"nhsuk-table__caption\">Unit cost of each type of contact</caption>"
        ));
        assert!(html.contains("£114.00") && html.contains("NHS reference costs 2013/14"));
        assert!(html.contains("Not costed (no verified unit cost; a manager can add one): other practice contact; non-elective (emergency) admission; bed day (non-elective stay)."));
        // Nothing imported: a sentence, no chart.
        let empty = evaluate(
            &EvaluationInput::default(),
            Period::new(date!(2025 - 04 - 01), date!(2026 - 03 - 31)).unwrap(),
            &EvaluationSettings::default(),
        );
        let mut html = String::new();
        super::html(&mut html, &empty);
        assert!(
            !html.contains("<svg") && html.contains("No GP or hospital activity has been imported")
        );
    }
}

