//! PHQ-9 (Kroenke, Spitzer & Williams 2001): nine items scored 0–3 (not at all … nearly every day)
//! over the last 2 weeks, summed to 0–27; lower is better. Severity cut-offs 5/10/15/20, caseness
//! 10 or more, reliable change 6 or more (NHS Talking Therapies), as measures.md gives them. The
//! optional tenth question (how difficult the problems have made things) is not scored and not
//! asked here.

use super::{Band, ConcernBand, Definition, Direction, Item, ScoreDefinition};

/// Shared with GAD-7.
pub(super) const ANSWERS: &[&str] = &["Not at all", "Several days", "More than half the days", "Nearly every day"];

const fn item(text: &'static str) -> Item {
    Item { text, min: 0, max: 3, answer_labels: ANSWERS }
}

const ITEMS: &[Item] = &[
    item("Little interest or pleasure in doing things"),
    item("Feeling down, depressed, or hopeless"),
    item("Trouble falling or staying asleep, or sleeping too much"),
    item("Feeling tired or having little energy"),
    item("Poor appetite or overeating"),
    item("Feeling bad about yourself, or that you are a failure or have let yourself or your family down"),
    item("Trouble concentrating on things, such as reading the newspaper or watching television"),
    item("Moving or speaking so slowly that other people could have noticed, or the opposite: being so fidgety or restless that you have been moving around a lot more than usual"),
    item("Thoughts that you would be better off dead, or of hurting yourself in some way"),
];

/// Index of question 9 (thoughts of being better off dead or of self-harm).
pub(super) const RISK_ITEM: usize = 8;

/// Severity bands at 5/10/15/20 (labels as Kroenke et al. 2001).
const BANDS: &[Band] = &[
    Band { label: "None to minimal", min: 0.0, max: 4.0 },
    Band { label: "Mild", min: 5.0, max: 9.0 },
    Band { label: "Moderate", min: 10.0, max: 14.0 },
    Band { label: "Moderately severe", min: 15.0, max: 19.0 },
    Band { label: "Severe", min: 20.0, max: 27.0 },
];

const SCORES: &[ScoreDefinition] = &[ScoreDefinition {
    key: "phq9_total",
    label: "PHQ-9 depression (total score)",
    direction: Direction::LowerIsBetter,
    default_threshold: 6.0,
    threshold_source: "Reliable change: 6 points or more (NHS Talking Therapies); configurable",
    min: 0.0,
    max: 27.0,
    bands: BANDS,
    concern: Some(ConcernBand {
        band: Band { label: "Caseness (10 or more)", min: 10.0, max: 27.0 },
        source: "Caseness: 10 or more (NHS Talking Therapies; shared/product/measures.md)",
    }),
}];

pub(super) const DEFINITION: Definition = Definition {
    version: "PHQ-9 (Kroenke, Spitzer & Williams 2001), items 1–9",
    licence: "Free to use (Pfizer: no permission required to reproduce, translate, display or distribute).",
    instructions: "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    items: ITEMS,
    scores: SCORES,
    score: super::sum_of_items,
};


#[cfg(test)]
mod tests {
    use crate::measurement::instruments::{score_definition, AnswerSet, Instrument};

    fn total(v: &[i64]) -> f64 {
        AnswerSet::from_values(Instrument::Phq9, v).unwrap().score("phq9_total").unwrap()
    }

    #[test]
    fn sums_nine_items() {
        assert_eq!(total(&[0; 9]), 0.0);
        assert_eq!(total(&[3; 9]), 27.0);
        // 0+1+2+3+0+1+2+3+0 = 12
        assert_eq!(total(&[0, 1, 2, 3, 0, 1, 2, 3, 0]), 12.0);
        assert!(AnswerSet::from_values(Instrument::Phq9, &[0, 0, 0, 0, 0, 0, 0, 0, 4]).is_err());
        assert!(AnswerSet::from_values(Instrument::Phq9, &[0, 0, 0, 0, 0, 0, 0, -1, 0]).is_err());
        assert!(AnswerSet::from_values(Instrument::Phq9, &[0; 10]).is_err());
    }

    #[test]
    fn severity_and_caseness_edges() {
        let (_, def) = score_definition("phq9_total").unwrap();
        let band = |v: f64| def.band_of(v).unwrap().label;
        assert_eq!((band(4.0), band(5.0), band(9.0), band(10.0), band(14.0), band(15.0), band(19.0), band(20.0), band(27.0)), ("None to minimal", "Mild", "Mild", "Moderate", "Moderate", "Moderately severe", "Moderately severe", "Severe", "Severe"));
        assert_eq!(def.is_of_concern(9.0), Some(false));
        assert_eq!(def.is_of_concern(10.0), Some(true));
        assert_eq!(def.moved_out_of_concern(10.0, 9.0), Some(true));
        assert_eq!(def.default_threshold, 6.0);
    }

    #[test]
    fn question_nine_above_zero_needs_risk_follow_up() {
        let set = |v: &[i64]| AnswerSet::from_values(Instrument::Phq9, v).unwrap();
        assert!(!set(&[3, 3, 3, 3, 3, 3, 3, 3, 0]).needs_risk_follow_up());
        assert!(set(&[0, 0, 0, 0, 0, 0, 0, 0, 1]).needs_risk_follow_up());
        assert!(!AnswerSet::from_values(Instrument::Gad7, &[3; 7]).unwrap().needs_risk_follow_up());
    }
}
