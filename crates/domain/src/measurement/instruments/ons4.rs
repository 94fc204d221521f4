//! ONS4 personal wellbeing: four separate 0–10 scores, never summed. Anxiety improves downwards.
//! Bands are the ONS thresholds quoted in measures.md.

use super::{Band, ConcernBand, Definition, Direction, Item, ScoreDefinition};

pub(super) const ITEMS: &[Item] = &[
    Item { text: "Overall, how satisfied are you with your life nowadays?", min: 0, max: 10, answer_labels: &[] },
    Item { text: "Overall, to what extent do you feel that the things you do in your life are worthwhile?", min: 0, max: 10, answer_labels: &[] },
    Item { text: "Overall, how happy did you feel yesterday?", min: 0, max: 10, answer_labels: &[] },
    Item { text: "Overall, how anxious did you feel yesterday?", min: 0, max: 10, answer_labels: &[] },
];

const THRESHOLD_SOURCE: &str = "1 point: a convention, not validated (shared/product/measures.md); configurable";

/// Life satisfaction, worthwhile and happiness (ONS thresholds).
const POSITIVE_BANDS: &[Band] = &[
    Band { label: "Low", min: 0.0, max: 4.0 },
    Band { label: "Medium", min: 5.0, max: 6.0 },
    Band { label: "High", min: 7.0, max: 8.0 },
    Band { label: "Very high", min: 9.0, max: 10.0 },
];

/// Anxiety (ONS thresholds; here high is the worst).
const ANXIETY_BANDS: &[Band] = &[
    Band { label: "Very low", min: 0.0, max: 1.0 },
    Band { label: "Low", min: 2.0, max: 3.0 },
    Band { label: "Medium", min: 4.0, max: 5.0 },
    Band { label: "High", min: 6.0, max: 10.0 },
];

const LOW: Option<ConcernBand> = Some(ConcernBand { band: POSITIVE_BANDS[0], source: "ONS thresholds: 0–4 is low (shared/product/measures.md)" });

const fn positive(key: &'static str, label: &'static str) -> ScoreDefinition {
    ScoreDefinition { key, label, direction: Direction::HigherIsBetter, default_threshold: 1.0, threshold_source: THRESHOLD_SOURCE, min: 0.0, max: 10.0, bands: POSITIVE_BANDS, concern: LOW }
}

pub(super) const SCORES: &[ScoreDefinition] = &[
    positive("ons4_life_satisfaction", "ONS4 life satisfaction"),
    positive("ons4_worthwhile", "ONS4 things done are worthwhile"),
    positive("ons4_happy", "ONS4 happiness yesterday"),
    ScoreDefinition {
        key: "ons4_anxious",
        label: "ONS4 anxiety yesterday",
        direction: Direction::LowerIsBetter,
        default_threshold: 1.0,
        threshold_source: THRESHOLD_SOURCE,
        min: 0.0,
        max: 10.0,
        bands: ANXIETY_BANDS,
        concern: Some(ConcernBand { band: ANXIETY_BANDS[3], source: "ONS thresholds: anxiety 6–10 is high (shared/product/measures.md)" }),
    },
];

pub(super) const DEFINITION: Definition = Definition {
    version: "ONS harmonised standard (2018)",
    licence: "Free to use (ONS harmonised standard).",
    instructions: "For each question, give an answer on a scale of 0 to 10, where 0 is 'not at all' and 10 is 'completely'.",
    items: ITEMS,
    scores: SCORES,
    score: super::each_item,
};


#[cfg(test)]
mod tests {
    use crate::measurement::instruments::{score_definition, AnswerSet, Instrument};

    #[test]
    fn four_separate_scores() {
        let set = AnswerSet::parse(Instrument::Ons4, &["7", "8", "6", "3"]).unwrap();
        let scores = set.scores();
        assert_eq!(scores.len(), 4);
        assert_eq!(scores[0].key, "ons4_life_satisfaction");
        assert_eq!(scores[3].value, 3.0);
        assert_eq!(set.score("ons4_worthwhile"), Some(8.0));
    }

    #[test]
    fn band_edges() {
        let (_, happy) = score_definition("ons4_happy").unwrap();
        let band = |v: f64| happy.band_of(v).unwrap().label;
        assert_eq!((band(0.0), band(4.0), band(5.0), band(6.0), band(7.0), band(8.0), band(9.0), band(10.0)), ("Low", "Low", "Medium", "Medium", "High", "High", "Very high", "Very high"));
        assert_eq!(happy.is_of_concern(4.0), Some(true));
        assert_eq!(happy.is_of_concern(5.0), Some(false));
        assert_eq!(happy.moved_out_of_concern(4.0, 5.0), Some(true));
        assert_eq!(happy.moved_out_of_concern(3.0, 4.0), Some(false));
        assert_eq!(happy.moved_out_of_concern(5.0, 9.0), None, "not in the low band at baseline");

        let (_, anxious) = score_definition("ons4_anxious").unwrap();
        let band = |v: f64| anxious.band_of(v).unwrap().label;
        assert_eq!((band(1.0), band(2.0), band(3.0), band(4.0), band(5.0), band(6.0), band(10.0)), ("Very low", "Low", "Low", "Medium", "Medium", "High", "High"));
        assert_eq!(anxious.is_of_concern(5.0), Some(false));
        assert_eq!(anxious.is_of_concern(6.0), Some(true));
        assert_eq!(anxious.moved_out_of_concern(7.0, 5.0), Some(true));
        assert_eq!(anxious.improvement(7.0, 5.0), 2.0);
    }
}
