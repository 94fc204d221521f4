//! ONS4 personal wellbeing: four separate 0–10 scores, never summed. Anxiety improves downwards.

use super::{Direction, Item, Score, ScoreDefinition};

pub(super) const ITEMS: &[Item] = &[
    Item { text: "Overall, how satisfied are you with your life nowadays?", min: 0, max: 10, answer_labels: &[] },
    Item { text: "Overall, to what extent do you feel that the things you do in your life are worthwhile?", min: 0, max: 10, answer_labels: &[] },
    Item { text: "Overall, how happy did you feel yesterday?", min: 0, max: 10, answer_labels: &[] },
    Item { text: "Overall, how anxious did you feel yesterday?", min: 0, max: 10, answer_labels: &[] },
];

const THRESHOLD_SOURCE: &str = "1 point: a convention, not validated (shared/product/measures.md); configurable";

pub(super) const SCORES: &[ScoreDefinition] = &[
    ScoreDefinition { key: "ons4_life_satisfaction", label: "ONS4 life satisfaction", direction: Direction::HigherIsBetter, default_threshold: 1.0, threshold_source: THRESHOLD_SOURCE },
    ScoreDefinition { key: "ons4_worthwhile", label: "ONS4 things done are worthwhile", direction: Direction::HigherIsBetter, default_threshold: 1.0, threshold_source: THRESHOLD_SOURCE },
    ScoreDefinition { key: "ons4_happy", label: "ONS4 happiness yesterday", direction: Direction::HigherIsBetter, default_threshold: 1.0, threshold_source: THRESHOLD_SOURCE },
    ScoreDefinition { key: "ons4_anxious", label: "ONS4 anxiety yesterday", direction: Direction::LowerIsBetter, default_threshold: 1.0, threshold_source: THRESHOLD_SOURCE },
];

pub(super) fn score(answers: &[u8]) -> Vec<Score> {
    SCORES.iter().zip(answers).map(|(def, a)| Score { key: def.key, value: f64::from(*a) }).collect()
}

#[cfg(test)]
mod tests {
    use crate::instruments::{AnswerSet, Instrument};

    #[test]
    fn four_separate_scores() {
        let set = AnswerSet::parse(Instrument::Ons4, &["7", "8", "6", "3"]).unwrap();
        let scores = set.scores();
        assert_eq!(scores.len(), 4);
        assert_eq!(scores[0].key, "ons4_life_satisfaction");
        assert_eq!(scores[3].value, 3.0);
    }
}
