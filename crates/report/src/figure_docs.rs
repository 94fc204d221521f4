//! The figure documentation (`docs/report-figures.md`) as data: its id patterns and exclusions.
//! The page is compiled in, so the exclusions published with each figure are the documented ones,
//! and a test fails if any figure's id is not documented.

use crate::document::figures;
use crate::primitives::Figure;
use linkwork_domain::evaluation::Report;
use std::sync::OnceLock;

/// The documentation page, as written.
pub const DOCS: &str = include_str!("../../../docs/report-figures.md");

/// One documented pattern: `outcome.<score>.mean_change` and its exclusions.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentedFigure {
    pub pattern: String,
    pub definition: String,
    pub exclusions: String,
}

/// The table rows of the page whose first cell is a backticked id pattern.
pub fn documented() -> &'static [DocumentedFigure] {
    static ROWS: OnceLock<Vec<DocumentedFigure>> = OnceLock::new();
    ROWS.get_or_init(|| parse(DOCS))
}

fn parse(markdown: &str) -> Vec<DocumentedFigure> {
    markdown
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .strip_prefix('|')?
                .strip_suffix('|')?
                .split('|')
                .map(str::trim)
                .collect();
            let pattern = cells.first()?.strip_prefix('`')?.strip_suffix('`')?;
            Some(DocumentedFigure {
                pattern: pattern.to_owned(),
                definition: cells.get(1)?.to_string(),
                exclusions: cells.get(5).map(|s| s.to_string()).unwrap_or_default(),
            })
        })
        .collect()
}

/// Whether `id` fits `pattern`: the same number of dot-separated parts, each equal or a `<placeholder>`.
pub fn matches(pattern: &str, id: &str) -> bool {
    let (p, i): (Vec<&str>, Vec<&str>) = (pattern.split('.').collect(), id.split('.').collect());
    p.len() == i.len()
        && p.iter()
            .zip(&i)
            .all(|(p, i)| (p.starts_with('<') && p.ends_with('>') && !i.is_empty()) || p == i)
}

/// The documented row for `id`; exact patterns win over ones with placeholders.
pub fn doc_for(id: &str) -> Option<&'static DocumentedFigure> {
    let rows = documented();
    rows.iter()
        .find(|d| d.pattern == id)
        .or_else(|| rows.iter().find(|d| matches(&d.pattern, id)))
}

/// `2025-04-01 to 2026-03-31`: the period every figure describes.
pub fn period_label(report: &Report) -> String {
    format!("{} to {}", report.period.from, report.period.to)
}

/// The figures as JSON objects with `period` and `exclusions` added.
pub fn figures_json(report: &Report) -> Result<serde_json::Value, serde_json::Error> {
    let period = period_label(report);
    let list: Vec<serde_json::Value> = figures(report)
        .into_iter()
        .map(|f| {
            let exclusions = doc_for(&f.id)
                .map(|d| d.exclusions.clone())
                .unwrap_or_default();
            let mut v = serde_json::to_value(&f)?;
            if let serde_json::Value::Object(map) = &mut v {
                map.insert("period".into(), period.clone().into());
                map.insert("exclusions".into(), exclusions.into());
            }
            Ok(v)
        })
        .collect::<Result<_, serde_json::Error>>()?;
    Ok(serde_json::Value::Array(list))
}

/// The CSV columns after [`Figure::CSV_HEADER`].
pub const CSV_EXTRA: [&str; 3] = ["period", "exclusions", "scope"];

/// The extra CSV cells of `f`, in [`CSV_EXTRA`] order.
pub fn csv_extra(report: &Report, f: &Figure) -> [String; 3] {
    [
        period_label(report),
        doc_for(&f.id)
            .map(|d| d.exclusions.clone())
            .unwrap_or_default(),
        report.scope.clone(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_one_part_per_placeholder() {
        assert!(matches(
            "outcome.<score>.mean_change",
            "outcome.swemwbs_metric.mean_change"
        ));
        assert!(!matches(
            "outcome.<score>.mean_change",
            "outcome.swemwbs_metric.mean_baseline"
        ));
        assert!(!matches(
            "outcome.<score>.mean_change",
            "outcome.a.b.mean_change"
        ));
        assert!(
            matches("reach.referrals", "reach.referrals")
                && !matches("reach.referrals", "reach.referrals.x")
        );
        assert!(!matches("reach.month.<month>", "reach.month."));
    }

    #[test]
    fn the_page_parses() {
        let rows = documented();
        assert!(rows.len() > 30);
        let change = doc_for("outcome.ucla3.mean_change").unwrap();
        assert_eq!(change.pattern, "outcome.<score>.mean_change");
        assert_eq!(
            change.exclusions,
            "People without both a baseline and a follow-up."
        );
        assert_eq!(
            doc_for("reach.referrals").unwrap().pattern,
            "reach.referrals"
        );
        assert!(doc_for("no.such.figure").is_none());
        let mut seen = std::collections::HashSet::new();
        assert!(
            rows.iter().all(|r| seen.insert(r.pattern.clone())),
            "each pattern is documented once"
        );
    }

    /// The page cannot drift: every figure of a full report is documented.
    #[test]
    fn every_figure_of_a_report_is_documented() {
        let report = crate::tests::report();
        let figures = figures(&report);
        assert!(figures.len() > 30);
        let missing: Vec<&str> = figures
            .iter()
            .map(|f| f.id.as_str())
            .filter(|id| doc_for(id).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "add these figure ids (as patterns) to docs/report-figures.md: {missing:?}"
        );
        // And the JSON carries period and exclusions for each.
        let json = figures_json(&report).unwrap();
        for f in json.as_array().unwrap() {
            assert_eq!(f["period"], period_label(&report));
            assert!(
                f.get("exclusions").is_some()
                    && f.get("definition").is_some()
                    && f.get("n").is_some()
            );
        }
    }
}
