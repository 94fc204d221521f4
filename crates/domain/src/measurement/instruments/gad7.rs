//! GAD-7 (Spitzer et al. 2006): seven items scored 0–3 over the last 2 weeks, summed to 0–21; lower
//! is better. Severity cut-offs 5/10/15, caseness 8 or more, reliable change 4 or more (NHS Talking
//! Therapies), as measures.md gives them.

use super::phq9::ANSWERS;
use super::{Band, ConcernBand, Definition, Direction, Item, ScoreDefinition};

const fn item(text: &'static str) -> Item {
    Item { text, min: 0, max: 3, answer_labels: ANSWERS }
}

const ITEMS: &[Item] = &[
    item("Feeling nervous, anxious or on edge"),
    item("Not being able to stop or control worrying"),
    item("Worrying too much about different things"),
    item("Trouble relaxing"),
    item("Being so restless that it is hard to sit still"),
    item("Becoming easily annoyed or irritable"),
    item("Feeling afraid as if something awful might happen"),
];

/// Severity bands at 5/10/15 (labels as Spitzer et al. 2006).
const BANDS: &[Band] = &[
    Band { label: "Minimal", min: 0.0, max: 4.0 },
    Band { label: "Mild", min: 5.0, max: 9.0 },
    Band { label: "Moderate", min: 10.0, max: 14.0 },
    Band { label: "Severe", min: 15.0, max: 21.0 },
];

const SCORES: &[ScoreDefinition] = &[ScoreDefinition {
    key: "gad7_total",
    label: "GAD-7 anxiety (total score)",
    direction: Direction::LowerIsBetter,
    default_threshold: 4.0,
    threshold_source: "Reliable change: 4 points or more (NHS Talking Therapies); configurable",
    min: 0.0,
    max: 21.0,
    bands: BANDS,
    concern: Some(ConcernBand {
        band: Band { label: "Caseness (8 or more)", min: 8.0, max: 21.0 },
        source: "Caseness: 8 or more (NHS Talking Therapies; shared/product/measures.md)",
    }),
}];

pub(super) const DEFINITION: Definition = Definition {
    version: "GAD-7 (Spitzer et al. 2006)",
    licence: "Free to use (Pfizer: no permission required to reproduce, translate, display or distribute).",
    instructions: "Over the last 2 weeks, how often have you been bothered by the following problems?",
    items: ITEMS,
    scores: SCORES,
    score: super::sum_of_items,
};


#[cfg(test)]
mod tests {
    use crate::measurement::instruments::{score_definition, AnswerSet, Instrument};

    fn total(v: &[i64]) -> f64 {
        AnswerSet::from_values(Instrument::Gad7, v).unwrap().score("gad7_total").unwrap()
    }

    #[test]
    fn sums_seven_items() {
        assert_eq!(total(&[0; 7]), 0.0);
        assert_eq!(total(&[3; 7]), 21.0);
        // 1+1+2+2+0+3+0 = 9
        assert_eq!(total(&[1, 1, 2, 2, 0, 3, 0]), 9.0);
        assert!(AnswerSet::from_values(Instrument::Gad7, &[0, 0, 0, 0, 0, 0, 4]).is_err());
        assert!(AnswerSet::from_values(Instrument::Gad7, &[0; 6]).is_err());
    }

    #[test]
    fn severity_and_caseness_edges() {
        let (_, def) = score_definition("gad7_total").unwrap();
        let band = |v: f64| def.band_of(v).unwrap().label;
        assert_eq!((band(4.0), band(5.0), band(9.0), band(10.0), band(14.0), band(15.0), band(21.0)), ("Minimal", "Mild", "Mild", "Moderate", "Moderate", "Severe", "Severe"));
        assert_eq!(def.is_of_concern(7.0), Some(false));
        assert_eq!(def.is_of_concern(8.0), Some(true));
        assert_eq!(def.moved_out_of_concern(8.0, 7.0), Some(true));
        assert_eq!(def.moved_out_of_concern(12.0, 8.0), Some(false));
        assert_eq!(def.default_threshold, 4.0);
    }
}
