//! ONS direct loneliness question (national indicator): "How often do you feel lonely?" with five
//! categories, coded 1 = often/always … 5 = never. The score is the category code, so a higher
//! code is less often lonely (better); "often/always" (1) is chronic loneliness. It is categorical:
//! the meaningful-change threshold is one category, a convention.

use super::{Band, ConcernBand, Definition, Direction, Item, ScoreDefinition};

const ANSWERS: &[&str] = &["Often/always", "Some of the time", "Occasionally", "Hardly ever", "Never"];

const ITEMS: &[Item] = &[Item { text: "How often do you feel lonely?", min: 1, max: 5, answer_labels: ANSWERS }];

/// One band per category, so a report can show the distribution.
const BANDS: &[Band] = &[
    Band { label: "Often/always", min: CHRONIC as f64, max: CHRONIC as f64 },
    Band { label: "Some of the time", min: 2.0, max: 2.0 },
    Band { label: "Occasionally", min: 3.0, max: 3.0 },
    Band { label: "Hardly ever", min: 4.0, max: 4.0 },
    Band { label: "Never", min: 5.0, max: 5.0 },
];

/// The code of the "often/always" answer: chronic loneliness.
const CHRONIC: u8 = 1;

const SCORES: &[ScoreDefinition] = &[ScoreDefinition {
    key: "ons_loneliness_frequency",
    label: "ONS loneliness: how often lonely (1 often/always to 5 never)",
    direction: Direction::HigherIsBetter,
    default_threshold: 1.0,
    threshold_source: "1 category: a convention, not validated (measures.md gives none for a categorical answer); configurable",
    min: 1.0,
    max: 5.0,
    bands: BANDS,
    concern: Some(ConcernBand { band: BANDS[0], source: "\"Often/always\" is chronic loneliness (ONS national indicator; shared/product/measures.md)" }),
}];

pub(super) const DEFINITION: Definition = Definition {
    version: "ONS national indicator of loneliness, direct question (2018)",
    licence: "Free to use (ONS).",
    instructions: "Choose the answer that is closest to how you feel.",
    items: ITEMS,
    scores: SCORES,
    score: super::each_item,
};


#[cfg(test)]
mod tests {
    use super::CHRONIC;
    use crate::measurement::instruments::{score_definition, AnswerSet, Instrument};

    #[test]
    fn category_is_the_score_and_often_always_is_chronic() {
        let set = AnswerSet::parse(Instrument::OnsLoneliness, &["1"]).unwrap();
        assert_eq!(set.score("ons_loneliness_frequency"), Some(f64::from(CHRONIC)));
        let (_, def) = score_definition("ons_loneliness_frequency").unwrap();
        assert_eq!(def.band_of(1.0).unwrap().label, "Often/always");
        assert_eq!(def.band_of(5.0).unwrap().label, "Never");
        assert_eq!(def.is_of_concern(1.0), Some(true));
        assert_eq!(def.is_of_concern(2.0), Some(false));
        assert_eq!(def.moved_out_of_concern(1.0, 2.0), Some(true));
        // From "often/always" to "hardly ever" is an improvement of 3 categories.
        assert_eq!(def.improvement(1.0, 4.0), 3.0);
        assert!(AnswerSet::parse(Instrument::OnsLoneliness, &["0"]).is_err());
        assert!(AnswerSet::parse(Instrument::OnsLoneliness, &["6"]).is_err());
        assert!(AnswerSet::parse(Instrument::OnsLoneliness, &["1", "2"]).is_err());
    }
}
