//! UCLA 3-item loneliness scale (Hughes et al. 2004; the wording ONS recommends as a national
//! indicator): lack companionship, left out, isolated; hardly ever or never = 1, some of the time =
//! 2, often = 3, summed to 3–9. Higher is lonelier. A total of 6 or more is commonly taken as
//! lonely — *unverified* (measures.md), so the cut-off's source says so.

use super::{Band, ConcernBand, Definition, Direction, Item, ScoreDefinition};

const ANSWERS: &[&str] = &["Hardly ever or never", "Some of the time", "Often"];

const fn item(text: &'static str) -> Item {
    Item { text, min: 1, max: 3, answer_labels: ANSWERS }
}

const ITEMS: &[Item] = &[
    item("How often do you feel that you lack companionship?"),
    item("How often do you feel left out?"),
    item("How often do you feel isolated from others?"),
];

const SCORES: &[ScoreDefinition] = &[ScoreDefinition {
    key: "ucla3_total",
    label: "UCLA 3-item loneliness (total score)",
    direction: Direction::LowerIsBetter,
    default_threshold: 1.0,
    threshold_source: "1 point: a convention, not validated (measures.md gives no meaningful-change threshold for UCLA-3); configurable",
    min: 3.0,
    max: 9.0,
    bands: &[],
    concern: Some(ConcernBand {
        band: Band { label: "Lonely (6 or more)", min: 6.0, max: 9.0 },
        source: "6 or more is commonly taken as lonely (unverified; shared/product/measures.md)",
    }),
}];

pub(super) const DEFINITION: Definition = Definition {
    version: "UCLA 3-item loneliness scale (Hughes et al. 2004), ONS wording",
    licence: "Free to use.",
    instructions: "The next questions are about how you feel about different aspects of your life. For each one, choose how often you feel that way.",
    items: ITEMS,
    scores: SCORES,
    score: super::sum_of_items,
};


#[cfg(test)]
mod tests {
    use crate::measurement::instruments::{score_definition, AnswerSet, Direction, Instrument};

    #[test]
    fn sums_three_items() {
        let score = |v: &[i64]| AnswerSet::from_values(Instrument::Ucla3, v).unwrap().score("ucla3_total").unwrap();
        assert_eq!(score(&[1, 1, 1]), 3.0);
        assert_eq!(score(&[3, 3, 3]), 9.0);
        assert_eq!(score(&[2, 1, 3]), 6.0);
        assert!(AnswerSet::from_values(Instrument::Ucla3, &[0, 1, 1]).is_err());
        assert!(AnswerSet::from_values(Instrument::Ucla3, &[1, 4, 1]).is_err());
    }

    #[test]
    fn lonely_from_six_and_improvement_is_down() {
        let (_, def) = score_definition("ucla3_total").unwrap();
        assert_eq!(def.direction, Direction::LowerIsBetter);
        assert_eq!(def.is_of_concern(5.0), Some(false));
        assert_eq!(def.is_of_concern(6.0), Some(true));
        assert_eq!(def.moved_out_of_concern(6.0, 5.0), Some(true));
        assert_eq!(def.moved_out_of_concern(7.0, 6.0), Some(false));
        assert!(def.concern.unwrap().source.contains("unverified"));
        assert_eq!(def.improvement(7.0, 5.0), 2.0);
    }
}
