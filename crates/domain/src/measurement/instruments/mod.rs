//! Outcome instruments: their items, how answers are checked, and how they are scored
//! (shared/product/measures.md). Every answer is kept; scores are always computed here.
//!
//! Each instrument lives in its own module and describes itself with one `Definition`: version,
//! licence note, instructions, items with their answer labels, the scores it yields (with direction,
//! default meaningful-change threshold and its source, and the bands measures.md gives) and the
//! function that scores a complete answer set. Only instruments measures.md says may be shipped are
//! here; licensed ones (MYCaW, PAM, EQ-5D-5L) are left to custom instruments.

mod campaign_loneliness;
mod gad7;
mod ons4;
mod ons_loneliness;
mod phq9;
mod recorded;
mod swemwbs;
mod ucla3;
mod wemwbs;

use crate::{DomainError, Result};
use crate::text::coded_enum;

pub use recorded::{Recorded, ScoresOnly};
pub use swemwbs::swemwbs_metric;

/// Scoring rule of instruments whose one score is the sum of the item answers.
pub(crate) fn sum_of_items(answers: &[u8]) -> Vec<f64> {
    vec![answers.iter().map(|a| f64::from(*a)).sum()]
}

/// Scoring rule of instruments where each item is a score of its own (never summed).
pub(crate) fn each_item(answers: &[u8]) -> Vec<f64> {
    answers.iter().map(|a| f64::from(*a)).collect()
}

coded_enum! {
    /// The shipped instruments. Codes are stored with every measure and never change.
    Instrument, field = "instrument", prompt = "Select a questionnaire" {
        Ons4 = "ons4", "ONS4 personal wellbeing";
        Swemwbs = "swemwbs", "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)";
        Wemwbs = "wemwbs", "Warwick-Edinburgh Mental Wellbeing Scale (WEMWBS)";
        Ucla3 = "ucla3", "UCLA 3-item loneliness scale";
        OnsLoneliness = "ons_loneliness", "ONS direct loneliness question";
        CampaignLoneliness = "cel_loneliness", "Campaign to End Loneliness Measurement Tool";
        Phq9 = "phq9", "Patient Health Questionnaire (PHQ-9)";
        Gad7 = "gad7", "Generalised Anxiety Disorder assessment (GAD-7)";
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

/// A named range of a score, both ends inclusive (e.g. ONS4 "low" 0–4, PHQ-9 "moderate" 10–14).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Band {
    pub label: &'static str,
    pub min: f64,
    pub max: f64,
}

impl Band {
    pub fn contains(&self, value: f64) -> bool {
        self.min <= value && value <= self.max
    }
}

/// The band a good outcome moves people out of ("low" wellbeing, "lonely", PHQ-9/GAD-7 caseness),
/// so a report can show the % of people in it at baseline who are out of it at follow-up. Only
/// where measures.md gives one.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ConcernBand {
    pub band: Band,
    /// Where the cut-off comes from, marked *unverified* where measures.md marks it so.
    pub source: &'static str,
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
    /// Lowest and highest possible values.
    pub min: f64,
    pub max: f64,
    /// The bands the score is read in, lowest first, covering `min..=max`; empty where measures.md
    /// gives none.
    pub bands: &'static [Band],
    /// The band of concern, if measures.md gives one.
    pub concern: Option<ConcernBand>,
}

impl ScoreDefinition {
    /// The band `value` falls in, if the score has bands.
    pub fn band_of(&self, value: f64) -> Option<&'static Band> {
        self.bands.iter().find(|b| b.contains(value))
    }

    /// Whether `value` is in the band of concern; `None` when the score has no such band.
    pub fn is_of_concern(&self, value: f64) -> Option<bool> {
        self.concern.map(|c| c.band.contains(value))
    }

    /// Whether a person in the band of concern at `baseline` is out of it at `follow_up`: `None`
    /// when the score has no band of concern or the baseline is not in it (they are not counted).
    pub fn moved_out_of_concern(&self, baseline: f64, follow_up: f64) -> Option<bool> {
        match self.is_of_concern(baseline)? {
            true => Some(!self.is_of_concern(follow_up)?),
            false => None,
        }
    }

    /// The change from `before` to `after` signed so that positive is an improvement.
    pub fn improvement(&self, before: f64, after: f64) -> f64 {
        match self.direction {
            Direction::HigherIsBetter => after - before,
            Direction::LowerIsBetter => before - after,
        }
    }
}

/// Everything an instrument module declares about itself.
pub(crate) struct Definition {
    pub version: &'static str,
    pub licence: &'static str,
    pub instructions: &'static str,
    pub items: &'static [Item],
    pub scores: &'static [ScoreDefinition],
    /// Scores a complete, in-range answer set (one answer per item, in item order) into one value
    /// per entry of `scores`, in the same order.
    pub score: fn(&[u8]) -> Vec<f64>,
}

impl Instrument {
    /// The name link workers use for it, for links and short labels.
    pub fn short_name(self) -> &'static str {
        match self {
            Instrument::Ons4 => "ONS4",
            Instrument::Swemwbs => "SWEMWBS",
            Instrument::Wemwbs => "WEMWBS",
            Instrument::Ucla3 => "UCLA loneliness (3 items)",
            Instrument::OnsLoneliness => "ONS loneliness question",
            Instrument::CampaignLoneliness => "Campaign to End Loneliness tool",
            Instrument::Phq9 => "PHQ-9",
            Instrument::Gad7 => "GAD-7",
        }
    }

    fn definition(self) -> &'static Definition {
        match self {
            Instrument::Ons4 => &ons4::DEFINITION,
            Instrument::Swemwbs => &swemwbs::DEFINITION,
            Instrument::Wemwbs => &wemwbs::DEFINITION,
            Instrument::Ucla3 => &ucla3::DEFINITION,
            Instrument::OnsLoneliness => &ons_loneliness::DEFINITION,
            Instrument::CampaignLoneliness => &campaign_loneliness::DEFINITION,
            Instrument::Phq9 => &phq9::DEFINITION,
            Instrument::Gad7 => &gad7::DEFINITION,
        }
    }

    pub fn version(self) -> &'static str {
        self.definition().version
    }

    pub fn licence(self) -> &'static str {
        self.definition().licence
    }

    pub fn items(self) -> &'static [Item] {
        self.definition().items
    }

    pub fn scores(self) -> &'static [ScoreDefinition] {
        self.definition().scores
    }

    /// Instructions shown above the questions.
    pub fn instructions(self) -> &'static str {
        self.definition().instructions
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
        let definition = self.instrument.definition();
        definition.scores.iter().zip((definition.score)(&self.answers)).map(|(def, value)| Score { key: def.key, value }).collect()
    }

    /// The value of one score by key, `None` if this instrument has no such score.
    pub fn score(&self, key: &str) -> Option<f64> {
        self.scores().into_iter().find(|s| s.key == key).map(|s| s.value)
    }

    /// Whether an answer calls for the service's risk procedure before anything else: PHQ-9
    /// question 9 (thoughts of being better off dead or of self-harm) answered above "Not at all".
    pub fn needs_risk_follow_up(&self) -> bool {
        self.instrument == Instrument::Phq9 && self.answers.get(phq9::RISK_ITEM).is_some_and(|a| *a > 0)
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

    /// Every instrument's declaration is consistent: answers labelled in full or not at all, scores
    /// produced in the declared order and range (checked at the lowest and highest answers and
    /// every single-item change from them), bands in order without gaps or overlaps within the
    /// range, keys unique.
    #[test]
    fn every_instrument_is_consistent() {
        let mut keys = std::collections::HashSet::new();
        for instrument in Instrument::ALL {
            let items = instrument.items();
            assert!(!items.is_empty() && items.len() <= 14, "{instrument:?}: forms name fields item_1..item_14");
            for item in items {
                assert!(item.min < item.max);
                assert!(item.answer_labels.is_empty() || item.answer_labels.len() == usize::from(item.max - item.min + 1), "{instrument:?}: {}", item.text);
            }
            assert!(!instrument.version().is_empty() && !instrument.licence().is_empty() && !instrument.instructions().is_empty());
            for def in instrument.scores() {
                assert!(keys.insert(def.key), "duplicate key {}", def.key);
                assert!(def.default_threshold > 0.0 && !def.threshold_source.is_empty());
                assert!(def.min < def.max);
                if let Some(first) = def.bands.first() {
                    assert_eq!(first.min, def.min, "{}", def.key);
                    assert_eq!(def.bands.last().unwrap().max, def.max, "{}", def.key);
                    for pair in def.bands.windows(2) {
                        assert_eq!(pair[0].max + 1.0, pair[1].min, "{}: integer bands must meet", def.key);
                    }
                }
                if let Some(c) = def.concern {
                    assert!(def.min <= c.band.min && c.band.max <= def.max && !c.source.is_empty());
                }
            }
            let lowest: Vec<i64> = items.iter().map(|i| i64::from(i.min)).collect();
            let highest: Vec<i64> = items.iter().map(|i| i64::from(i.max)).collect();
            let mut sets = vec![lowest.clone(), highest.clone()];
            for i in 0..items.len() {
                let mut up = lowest.clone();
                up[i] = highest[i];
                let mut down = highest.clone();
                down[i] = lowest[i];
                sets.extend([up, down]);
            }
            for values in sets {
                let scores = AnswerSet::from_values(*instrument, &values).unwrap().scores();
                assert_eq!(scores.len(), instrument.scores().len());
                for (score, def) in scores.iter().zip(instrument.scores()) {
                    assert_eq!(score.key, def.key);
                    assert!(score.value.is_finite() && def.min <= score.value && score.value <= def.max, "{} = {}", def.key, score.value);
                }
            }
        }
    }

    #[test]
    fn codes_are_stable() {
        let codes: Vec<&str> = Instrument::ALL.iter().map(|i| i.code()).collect();
        assert_eq!(codes, ["ons4", "swemwbs", "wemwbs", "ucla3", "ons_loneliness", "cel_loneliness", "phq9", "gad7"]);
        assert_eq!(Instrument::parse("PHQ9").unwrap(), Instrument::Phq9);
    }

    #[test]
    fn totals_reach_both_ends_of_their_range() {
        for instrument in Instrument::ALL {
            let items = instrument.items();
            let lowest: Vec<i64> = items.iter().map(|i| i64::from(i.min)).collect();
            let highest: Vec<i64> = items.iter().map(|i| i64::from(i.max)).collect();
            let (lo, hi) = (AnswerSet::from_values(*instrument, &lowest).unwrap().scores(), AnswerSet::from_values(*instrument, &highest).unwrap().scores());
            for ((def, lo), hi) in instrument.scores().iter().zip(lo).zip(hi) {
                // The Campaign tool's question 2 runs the other way, so all-lowest is not its extreme.
                if *instrument != Instrument::CampaignLoneliness {
                    assert_eq!((lo.value.min(hi.value), lo.value.max(hi.value)), (def.min, def.max), "{}", def.key);
                }
            }
        }
    }

    #[test]
    fn score_lookup() {
        let (instrument, def) = score_definition("ons4_anxious").unwrap();
        assert_eq!(instrument, Instrument::Ons4);
        assert_eq!(def.direction, Direction::LowerIsBetter);
        assert!(score_definition("nope").is_none());
    }
}
