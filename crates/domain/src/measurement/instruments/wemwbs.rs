//! WEMWBS: fourteen positively worded items scored 1–5 (none of the time … all of the time), summed
//! to 14–70. Higher is better. Meaningful change ≈ 3 points (Warwick guidance; SEM 2.4–3.1).
//! measures.md gives no bands, so none are defined.

use super::swemwbs::{ANSWERS, INSTRUCTIONS};
use super::{Definition, Direction, Item, ScoreDefinition};

const fn item(text: &'static str) -> Item {
    Item { text, min: 1, max: 5, answer_labels: ANSWERS }
}

const ITEMS: &[Item] = &[
    item("I've been feeling optimistic about the future"),
    item("I've been feeling useful"),
    item("I've been feeling relaxed"),
    item("I've been feeling interested in other people"),
    item("I've had energy to spare"),
    item("I've been dealing with problems well"),
    item("I've been thinking clearly"),
    item("I've been feeling good about myself"),
    item("I've been feeling close to other people"),
    item("I've been feeling confident"),
    item("I've been able to make up my own mind about things"),
    item("I've been feeling loved"),
    item("I've been interested in new things"),
    item("I've been feeling cheerful"),
];

const SCORES: &[ScoreDefinition] = &[ScoreDefinition {
    key: "wemwbs_total",
    label: "WEMWBS (total score)",
    direction: Direction::HigherIsBetter,
    default_threshold: 3.0,
    threshold_source: "3 points (Warwick guidance: meaningful change about 3 points, SEM 2.4–3.1; at least 30 paired cases for a service evaluation); configurable",
    min: 14.0,
    max: 70.0,
    bands: &[],
    concern: None,
}];

pub(super) const DEFINITION: Definition = Definition {
    version: "WEMWBS 14-item (Tennant et al. 2007), summed score",
    licence: "Free to use; Warwick Medical School asks users to register.",
    instructions: INSTRUCTIONS,
    items: ITEMS,
    scores: SCORES,
    score: super::sum_of_items,
};


#[cfg(test)]
mod tests {
    use crate::measurement::instruments::{AnswerSet, Instrument};

    #[test]
    fn sums_fourteen_items() {
        let score = |v: &[i64]| AnswerSet::from_values(Instrument::Wemwbs, v).unwrap().score("wemwbs_total").unwrap();
        assert_eq!(score(&[1; 14]), 14.0);
        assert_eq!(score(&[5; 14]), 70.0);
        // 1+2+3+4+5+1+2+3+4+5+1+2+3+4 = 40
        assert_eq!(score(&[1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4]), 40.0);
    }

    #[test]
    fn range_and_completeness() {
        assert!(AnswerSet::from_values(Instrument::Wemwbs, &[3; 13]).is_err());
        let err = AnswerSet::from_values(Instrument::Wemwbs, &[3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0]).unwrap_err();
        assert_eq!(err.field(), Some("item_14"));
        assert!(AnswerSet::from_values(Instrument::Wemwbs, &[3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 6]).is_err());
    }
}
