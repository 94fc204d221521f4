//! Outcome instruments: their items, how answers are checked, and how they are scored
//! (shared/product/measures.md). Every answer is kept; scores are always computed here.

mod ons4;
mod swemwbs;

use crate::text::coded_enum;
use crate::{DomainError, Result};

pub use swemwbs::swemwbs_metric;

coded_enum! {
    Instrument, field = "instrument", prompt = "Select a questionnaire" {
        Ons4 = "ons4", "ONS4 personal wellbeing";
        Swemwbs = "swemwbs", "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)";
    }
}

coded_enum! {
    /// When in the person's journey a measure was taken. Follow-ups pair with the baseline of the
    /// same instrument in the same referral.
    Timepoint, field = "timepoint", prompt = "Select when this measure was taken" {
        Baseline = "baseline", "Baseline (first or second contact)";
        FollowUp = "follow_up", "Follow-up";
        Discharge = "discharge", "At discharge";
    }
}

/// Which way is better for a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

/// One question of an instrument.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub text: &'static str,
    pub min: u8,
    pub max: u8,
    /// Labels for each answer from `min` to `max`, where the instrument names them.
    pub answer_labels: &'static [&'static str],
}

/// A score an instrument yields, with how to read it.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct ScoreDefinition {
    /// Stable key used in reports and the API, e.g. `swemwbs_metric`.
    pub key: &'static str,
    pub label: &'static str,
    pub direction: Direction,
    /// Default individual meaningful-change threshold; services can override it, and reports print
    /// the value used.
    pub default_threshold: f64,
    pub threshold_source: &'static str,
}

impl Instrument {
    pub fn version(self) -> &'static str {
        match self {
            Instrument::Ons4 => "ONS harmonised standard (2018)",
            Instrument::Swemwbs => "SWEMWBS 7-item, Rasch metric conversion",
        }
    }

    pub fn licence(self) -> &'static str {
        match self {
            Instrument::Ons4 => "Free to use (ONS harmonised standard).",
            Instrument::Swemwbs => "Free to use; Warwick Medical School asks users to register.",
        }
    }

    pub fn items(self) -> &'static [Item] {
        match self {
            Instrument::Ons4 => ons4::ITEMS,
            Instrument::Swemwbs => swemwbs::ITEMS,
        }
    }

    pub fn scores(self) -> &'static [ScoreDefinition] {
        match self {
            Instrument::Ons4 => ons4::SCORES,
            Instrument::Swemwbs => swemwbs::SCORES,
        }
    }

    /// Instructions shown above the questions.
    pub fn instructions(self) -> &'static str {
        match self {
            Instrument::Ons4 => "For each question, give an answer on a scale of 0 to 10, where 0 is 'not at all' and 10 is 'completely'.",
            Instrument::Swemwbs => "Below are some statements about feelings and thoughts. Choose the answer that best describes the person's experience of each over the last 2 weeks.",
        }
    }
}

/// A complete, in-range set of answers to one instrument. The only way to get one is [`AnswerSet::parse`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AnswerSet {
    instrument: Instrument,
    answers: Vec<u8>,
}

/// A computed score.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Score {
    pub key: &'static str,
    pub value: f64,
}

impl AnswerSet {
    /// Checks that every item is answered and in range. `raw[i]` is the answer to item `i + 1` as
    /// entered (form field `item_{i+1}`); blank means unanswered.
    pub fn parse(instrument: Instrument, raw: &[&str]) -> Result<Self> {
        Self::parse_all(instrument, raw).map_err(|mut errors| errors.remove(0))
    }

    /// Like [`AnswerSet::parse`], but reports every unanswered or out-of-range question (never an
    /// empty list), so a form can show them all at once.
    pub fn parse_all(instrument: Instrument, raw: &[&str]) -> std::result::Result<Self, Vec<DomainError>> {
        let items = instrument.items();
        if raw.len() != items.len() {
            return Err(vec![DomainError::invalid("item_1", format!("{} has {} questions but {} answers were given", instrument.label(), items.len(), raw.len()))]);
        }
        let (answers, errors): (Vec<_>, Vec<_>) = items.iter().zip(raw).enumerate().map(|(i, (item, raw))| parse_answer(i + 1, item, raw)).partition(|r| r.is_ok());
        if !errors.is_empty() {
            return Err(errors.into_iter().filter_map(|e| e.err()).collect());
        }
        Ok(Self { instrument, answers: answers.into_iter().filter_map(|a| a.ok()).collect() })
    }

    /// Like [`AnswerSet::parse`] for answers already held as numbers (the API, stored rows).
    pub fn from_values(instrument: Instrument, values: &[i64]) -> Result<Self> {
        let raw: Vec<String> = values.iter().map(i64::to_string).collect();
        Self::parse(instrument, &raw.iter().map(String::as_str).collect::<Vec<_>>())
    }

    pub fn instrument(&self) -> Instrument {
        self.instrument
    }

    pub fn answers(&self) -> &[u8] {
        &self.answers
    }

    pub fn scores(&self) -> Vec<Score> {
        match self.instrument {
            Instrument::Ons4 => ons4::score(&self.answers),
            Instrument::Swemwbs => swemwbs::score(&self.answers),
        }
    }
}

fn parse_answer(number: usize, item: &Item, raw: &str) -> Result<u8> {
    static FIELDS: [&str; 14] = ["item_1", "item_2", "item_3", "item_4", "item_5", "item_6", "item_7", "item_8", "item_9", "item_10", "item_11", "item_12", "item_13", "item_14"];
    let field = FIELDS.get(number - 1).copied().unwrap_or("item_1");
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(DomainError::invalid(field, format!("Answer question {number}: {}", item.text)));
    }
    let out_of_range = || DomainError::invalid(field, format!("The answer to question {number} must be a whole number from {} to {}", item.min, item.max));
    let value: i64 = raw.parse().map_err(|_| out_of_range())?;
    if value < i64::from(item.min) || value > i64::from(item.max) {
        return Err(out_of_range());
    }
    Ok(value as u8)
}

/// The definition of a score by key, across all instruments.
pub fn score_definition(key: &str) -> Option<(Instrument, &'static ScoreDefinition)> {
    Instrument::ALL.iter().find_map(|i| i.scores().iter().find(|s| s.key == key).map(|s| (*i, s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incomplete_or_out_of_range_sets_are_rejected_with_the_question() {
        let err = AnswerSet::parse(Instrument::Swemwbs, &["3", "3", "", "3", "3", "3", "3"]).unwrap_err();
        assert_eq!(err.field(), Some("item_3"));
        assert!(err.to_string().starts_with("Answer question 3"));
        let err = AnswerSet::parse(Instrument::Swemwbs, &["3", "3", "3", "3", "3", "3", "6"]).unwrap_err();
        assert_eq!(err.field(), Some("item_7"));
        assert!(err.to_string().contains("from 1 to 5"));
        assert!(AnswerSet::parse(Instrument::Ons4, &["0", "10", "5", "11"]).is_err());
        assert!(AnswerSet::parse(Instrument::Ons4, &["0", "10", "5"]).is_err());
        assert!(AnswerSet::parse(Instrument::Ons4, &["0", "10", "x", "1"]).is_err());
        assert!(AnswerSet::from_values(Instrument::Ons4, &[0, 10, 5, -1]).is_err());
        let all = AnswerSet::parse_all(Instrument::Ons4, &["", "10", "11", "1"]).unwrap_err();
        assert_eq!(all.iter().map(|e| e.field().unwrap()).collect::<Vec<_>>(), vec!["item_1", "item_3"]);
    }

    #[test]
    fn score_lookup() {
        let (instrument, def) = score_definition("ons4_anxious").unwrap();
        assert_eq!(instrument, Instrument::Ons4);
        assert_eq!(def.direction, Direction::LowerIsBetter);
        assert!(score_definition("nope").is_none());
    }
}
