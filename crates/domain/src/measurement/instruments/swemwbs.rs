//! SWEMWBS: seven items scored 1–5, summed to a raw score of 7–35 and converted to a metric score
//! with the Rasch table Warwick publishes (Stewart-Brown et al.). Reports use the metric score.

use super::{Definition, Direction, Item, ScoreDefinition};

pub(super) const ANSWERS: &[&str] = &["None of the time", "Rarely", "Some of the time", "Often", "All of the time"];

pub(super) const ITEMS: &[Item] = &[
    Item { text: "I've been feeling optimistic about the future", min: 1, max: 5, answer_labels: ANSWERS },
    Item { text: "I've been feeling useful", min: 1, max: 5, answer_labels: ANSWERS },
    Item { text: "I've been feeling relaxed", min: 1, max: 5, answer_labels: ANSWERS },
    Item { text: "I've been dealing with problems well", min: 1, max: 5, answer_labels: ANSWERS },
    Item { text: "I've been thinking clearly", min: 1, max: 5, answer_labels: ANSWERS },
    Item { text: "I've been feeling close to other people", min: 1, max: 5, answer_labels: ANSWERS },
    Item { text: "I've been able to make up my own mind about things", min: 1, max: 5, answer_labels: ANSWERS },
];

pub(super) const SCORES: &[ScoreDefinition] = &[ScoreDefinition {
    key: "swemwbs_metric",
    label: "SWEMWBS (metric score)",
    direction: Direction::HigherIsBetter,
    default_threshold: 3.0,
    threshold_source: "3 points (about 2.77 SEM; Shah et al. 2018 put individual meaningful change at 1 to 3 points); configurable",
    min: 7.0,
    max: 35.0,
    // measures.md gives no bands for SWEMWBS.
    bands: &[],
    concern: None,
}];

pub(super) const DEFINITION: Definition = Definition {
    version: "SWEMWBS 7-item, Rasch metric conversion",
    licence: "Free to use; Warwick Medical School asks users to register.",
    instructions: INSTRUCTIONS,
    items: ITEMS,
    scores: SCORES,
    score,
};

/// Shared with WEMWBS.
pub(super) const INSTRUCTIONS: &str = "Below are some statements about feelings and thoughts. Choose the answer that best describes the person's experience of each over the last 2 weeks.";

/// Raw score 7..=35 → metric score, from Warwick's conversion table (index 0 is raw 7).
const METRIC: [f64; 29] = [
    7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, 17.98, 18.59, 19.25, //
    19.98, 20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.70, 32.55, 35.00,
];

/// The metric score for a raw SWEMWBS total, or `None` if the total is outside 7–35.
pub fn swemwbs_metric(raw_total: u32) -> Option<f64> {
    raw_total.checked_sub(7).and_then(|i| METRIC.get(i as usize)).copied()
}

fn score(answers: &[u8]) -> Vec<f64> {
    let raw: u32 = answers.iter().map(|a| u32::from(*a)).sum();
    // AnswerSet guarantees 7 answers of 1–5, so the raw total is always in the table; the clamp
    // only keeps a value in range if that ever changed.
    vec![swemwbs_metric(raw.clamp(7, 35)).unwrap_or(7.0)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measurement::instruments::{AnswerSet, Instrument};

    #[test]
    fn conversion_table_end_points_and_middle() {
        assert_eq!(swemwbs_metric(7), Some(7.00));
        assert_eq!(swemwbs_metric(21), Some(19.25));
        assert_eq!(swemwbs_metric(22), Some(19.98));
        assert_eq!(swemwbs_metric(35), Some(35.00));
        assert_eq!(swemwbs_metric(6), None);
        assert_eq!(swemwbs_metric(36), None);
    }

    #[test]
    fn table_is_strictly_increasing() {
        assert!(METRIC.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn scores_answer_set() {
        // 3+3+3+3+3+3+3 = 21 → 19.25; 4+4+3+3+3+4+4 = 25 → 22.35
        let s = AnswerSet::parse(Instrument::Swemwbs, &["3"; 7]).unwrap().scores();
        assert_eq!(s[0].value, 19.25);
        let s = AnswerSet::parse(Instrument::Swemwbs, &["4", "4", "3", "3", "3", "4", "4"]).unwrap().scores();
        assert_eq!(s[0].value, 22.35);
    }
}
