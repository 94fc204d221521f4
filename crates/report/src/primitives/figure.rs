//! [`Figure`]: one published figure with its stable id, the unit every section's figures are
//! built from and that the CSV, the JSON `figures` array and the scorecards read.

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

    pub(crate) fn new(id: impl Into<String>, section: &'static str, label: impl Into<String>, value: String, unit: &'static str, definition: impl Into<String>) -> Self {
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

    pub(crate) fn with_n(mut self, n: String) -> Self {
        self.n = n;
        self
    }
}
