//! What was recorded of one completed questionnaire.
//!
//! Linkwork itself always records every item's answer and computes the scores ([`AnswerSet`]).
//! History brought from other systems sometimes kept only the scores (a SWEMWBS metric score, a
//! PHQ-9 total): [`ScoresOnly`] holds those, checked against the instrument's score ranges, so
//! last year's outcomes can still be compared with this year's. Everything that evaluates reads
//! scores, so it takes a [`Recorded`] and never needs to know which it was.

use super::{AnswerSet, Instrument, Score};
use crate::{DomainError, Result};

/// Every score of one instrument, as another system recorded them: one value per entry of
/// [`Instrument::scores`], in that order, each within the score's range.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScoresOnly {
    instrument: Instrument,
    values: Vec<f64>,
}

impl ScoresOnly {
    /// Checks one value per score (`raw` as written, e.g. `["23.21"]` for SWEMWBS) and reports
    /// every missing, unreadable or out-of-range value at once (never an empty list).
    pub fn parse_all(instrument: Instrument, raw: &[&str]) -> std::result::Result<Self, Vec<DomainError>> {
        // An unreadable value is out of every range.
        let values: Vec<f64> = raw.iter().map(|r| r.trim().parse().unwrap_or(f64::NAN)).collect();
        Self::check(instrument, values)
    }

    /// Like [`ScoresOnly::parse_all`] for values already held as numbers (stored rows).
    pub fn from_values(instrument: Instrument, values: &[f64]) -> Result<Self> {
        Self::check(instrument, values.to_vec()).map_err(|mut errors| errors.remove(0))
    }

    fn check(instrument: Instrument, values: Vec<f64>) -> std::result::Result<Self, Vec<DomainError>> {
        let definitions = instrument.scores();
        if values.len() != definitions.len() {
            let keys: Vec<&str> = definitions.iter().map(|d| d.key).collect();
            return Err(vec![DomainError::invalid("scores", format!("{} has {} score{} ({}) but {} were given", instrument.label(), keys.len(), if keys.len() == 1 { "" } else { "s" }, keys.join(", "), values.len()))]);
        }
        let errors: Vec<DomainError> = definitions
            .iter()
            .zip(&values)
            .filter(|(d, v)| !(d.min..=d.max).contains(*v))
            .map(|(d, _)| DomainError::invalid("scores", format!("{} must be a number from {} to {}", d.label, d.min, d.max)))
            .collect();
        if errors.is_empty() {
            Ok(Self { instrument, values })
        } else {
            Err(errors)
        }
    }

    pub fn instrument(&self) -> Instrument {
        self.instrument
    }

    /// The values in the order of [`Instrument::scores`].
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

/// One completed questionnaire: every answer, or (for history from elsewhere) only its scores.
/// In JSON: `{"instrument", "answers": [..] or null, "scores": [{"key", "value"}..]}`, so API
/// readers of `answers` keep working and everyone gets the scores.
#[derive(Debug, Clone, PartialEq)]
pub enum Recorded {
    Answers(AnswerSet),
    Scores(ScoresOnly),
}

impl Recorded {
    pub fn instrument(&self) -> Instrument {
        match self {
            Recorded::Answers(a) => a.instrument(),
            Recorded::Scores(s) => s.instrument(),
        }
    }

    /// Every score, in the order of [`Instrument::scores`].
    pub fn scores(&self) -> Vec<Score> {
        match self {
            Recorded::Answers(a) => a.scores(),
            Recorded::Scores(s) => s.instrument.scores().iter().zip(&s.values).map(|(d, v)| Score { key: d.key, value: *v }).collect(),
        }
    }

    /// The value of one score by key, `None` if this instrument has no such score.
    pub fn score(&self, key: &str) -> Option<f64> {
        self.scores().into_iter().find(|s| s.key == key).map(|s| s.value)
    }

    /// The item answers, when they were recorded.
    pub fn answers(&self) -> Option<&AnswerSet> {
        match self {
            Recorded::Answers(a) => Some(a),
            Recorded::Scores(_) => None,
        }
    }
}

impl serde::Serialize for Recorded {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Recorded", 3)?;
        out.serialize_field("instrument", &self.instrument())?;
        out.serialize_field("answers", &self.answers().map(AnswerSet::answers))?;
        out.serialize_field("scores", &self.scores())?;
        out.end()
    }
}

impl From<AnswerSet> for Recorded {
    fn from(answers: AnswerSet) -> Self {
        Recorded::Answers(answers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_only_are_checked_against_each_scores_range_and_read_like_answers() {
        let swemwbs = ScoresOnly::parse_all(Instrument::Swemwbs, &["23.21"]).unwrap();
        let recorded = Recorded::Scores(swemwbs);
        assert_eq!(recorded.score("swemwbs_metric"), Some(23.21));
        assert_eq!(recorded.instrument(), Instrument::Swemwbs);
        assert!(recorded.answers().is_none());

        let errors = ScoresOnly::parse_all(Instrument::Swemwbs, &["36"]).unwrap_err();
        assert_eq!(errors[0].to_string(), "SWEMWBS (metric score) must be a number from 7 to 35", "{errors:?}");
        let errors = ScoresOnly::parse_all(Instrument::Ons4, &["7", "x", "11", "3"]).unwrap_err();
        assert_eq!(errors.len(), 2, "both bad values are reported: {errors:?}");
        let errors = ScoresOnly::parse_all(Instrument::Ons4, &["7"]).unwrap_err();
        assert!(errors[0].to_string().contains("has 4 scores (ons4_life_satisfaction"), "{errors:?}");
        assert!(ScoresOnly::parse_all(Instrument::Phq9, &["NaN"]).is_err());
        assert!(ScoresOnly::from_values(Instrument::Phq9, &[27.0]).is_ok());
        assert_eq!(
            serde_json::to_value(&recorded).unwrap(),
            serde_json::json!({ "instrument": "swemwbs", "answers": null, "scores": [{ "key": "swemwbs_metric", "value": 23.21 }] })
        );

        // The same person's answers and their scores alone give the same scores.
        let answers = AnswerSet::parse(Instrument::Ons4, &["7", "6", "5", "3"]).unwrap();
        let values: Vec<f64> = answers.scores().iter().map(|s| s.value).collect();
        assert_eq!(Recorded::from(answers).scores(), Recorded::Scores(ScoresOnly::from_values(Instrument::Ons4, &values).unwrap()).scores());
    }
}
