//! Campaign to End Loneliness Measurement Tool (2015): three positively worded statements on a
//! 5-point agree scale. **Its scoring here is unverified** — check the Campaign's guidance
//! ("Measuring your impact on loneliness in later life") before relying on totals.
//!
//! The guidance alternates the *order* in which the answers are offered, to avoid a response set:
//! questions 1 and 3 start at "Strongly disagree", question 2 at "Strongly agree". Answers are
//! stored as the position of the chosen answer in the order it was offered (1–5), so question 2's
//! coding runs the other way. Scoring (unverified): each statement scores 4 for "Strongly
//! disagree" down to 0 for "Strongly agree", summed to 0–12; higher is lonelier. The tool is not a
//! screening tool, so no band of concern is defined.

use super::{Definition, Direction, Item, ScoreDefinition};

const DISAGREE_FIRST_LABELS: &[&str] = &["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"];
const AGREE_FIRST_LABELS: &[&str] = &["Strongly agree", "Agree", "Neutral", "Disagree", "Strongly disagree"];

const ITEMS: &[Item] = &[
    Item { text: "I am content with my friendships and relationships", min: 1, max: 5, answer_labels: DISAGREE_FIRST_LABELS },
    Item { text: "I have enough people I feel comfortable asking for help at any time", min: 1, max: 5, answer_labels: AGREE_FIRST_LABELS },
    Item { text: "My relationships are as satisfying as I would want them to be", min: 1, max: 5, answer_labels: DISAGREE_FIRST_LABELS },
];

const SCORES: &[ScoreDefinition] = &[ScoreDefinition {
    key: "cel_loneliness_total",
    label: "Campaign to End Loneliness tool (total score, unverified scoring)",
    direction: Direction::LowerIsBetter,
    default_threshold: 1.0,
    threshold_source: "Scoring unverified (check the Campaign to End Loneliness guidance); 1 point is a convention, not validated; configurable",
    min: 0.0,
    max: 12.0,
    bands: &[],
    concern: None,
}];

pub(super) const DEFINITION: Definition = Definition {
    version: "Campaign to End Loneliness Measurement Tool (2015); scoring unverified",
    licence: "Free to use (Campaign to End Loneliness).",
    instructions: "Say how much you agree or disagree with each statement. The answers are offered in a different order for each statement on purpose: read them all before choosing.",
    items: ITEMS,
    scores: SCORES,
    score,
};

/// Whether each question offers "Strongly agree" first (so its position 1 means strongly agree).
const AGREE_FIRST: [bool; 3] = [false, true, false];

/// Loneliness points for one answer: 4 for "Strongly disagree" … 0 for "Strongly agree".
fn points(agree_first: bool, position: u8) -> u8 {
    let position = position.clamp(1, 5);
    if agree_first {
        position - 1
    } else {
        5 - position
    }
}

fn score(answers: &[u8]) -> Vec<f64> {
    vec![AGREE_FIRST.iter().zip(answers).map(|(agree_first, a)| f64::from(points(*agree_first, *a))).sum()]
}

#[cfg(test)]
mod tests {
    use crate::measurement::instruments::{AnswerSet, Instrument};

    fn total(v: &[i64]) -> f64 {
        AnswerSet::from_values(Instrument::CampaignLoneliness, v).unwrap().score("cel_loneliness_total").unwrap()
    }

    #[test]
    fn question_two_is_offered_agree_first_and_scored_to_match() {
        let items = Instrument::CampaignLoneliness.items();
        assert_eq!(items[0].answer_labels[0], "Strongly disagree");
        assert_eq!(items[1].answer_labels[0], "Strongly agree");
        assert_eq!(items[2].answer_labels[0], "Strongly disagree");
        for (item, agree_first) in items.iter().zip(super::AGREE_FIRST) {
            assert_eq!(item.answer_labels[0] == "Strongly agree", agree_first);
        }
    }

    #[test]
    fn scores_by_meaning_not_position() {
        // Strongly agree with all three: positions 5, 1, 5 → 0 + 0 + 0.
        assert_eq!(total(&[5, 1, 5]), 0.0);
        // Strongly disagree with all three: positions 1, 5, 1 → 4 + 4 + 4.
        assert_eq!(total(&[1, 5, 1]), 12.0);
        // Neutral throughout: 2 + 2 + 2.
        assert_eq!(total(&[3, 3, 3]), 6.0);
        // Agree (4 → 1), Disagree on Q2 (position 4 → 3), Strongly disagree (1 → 4) = 8.
        assert_eq!(total(&[4, 4, 1]), 8.0);
        assert!(AnswerSet::from_values(Instrument::CampaignLoneliness, &[0, 3, 3]).is_err());
        assert!(AnswerSet::from_values(Instrument::CampaignLoneliness, &[3, 6, 3]).is_err());
    }

    #[test]
    fn marked_unverified_and_not_a_screening_tool() {
        let def = &Instrument::CampaignLoneliness.scores()[0];
        assert!(def.threshold_source.contains("unverified"));
        assert!(def.concern.is_none());
    }
}
