//! Questionnaires a service defines itself, without code changes (shared/product/measures.md,
//! "Custom instruments"): licensed tools the service holds a licence for (MYCaW, PAM, EQ-5D-5L — no
//! text of theirs ships here) or its own, e.g. "Confidence to manage my health".
//!
//! A [`CustomInstrument`] can only be built by [`CustomInstrument::parse`] (from the manager's form)
//! or [`CustomInstrument::from_json`] (a stored definition, re-checked), so it always has at least
//! one question, every question at least two answers with distinct values, a positive
//! meaningful-change threshold no larger than the score's range, and a band-of-concern cut-off
//! inside that range. Answers are checked against it with [`CustomInstrument::parse_answers`].

use crate::DomainError;
use crate::measurement::instruments::{Direction, Timepoint};
use crate::text::coded_enum;
use serde::{Deserialize, Serialize};
use time::Date;

/// At most this many questions (the entry form names its fields `item_1`…`item_20`).
pub const MAX_ITEMS: usize = 20;
static FIELDS: [&str; MAX_ITEMS] = [
    "item_1", "item_2", "item_3", "item_4", "item_5", "item_6", "item_7", "item_8", "item_9", "item_10", "item_11", "item_12", "item_13", "item_14", "item_15", "item_16", "item_17", "item_18", "item_19", "item_20",
];

coded_enum! {
    /// How a custom questionnaire is scored.
    Scoring, field = "scoring", prompt = "Select how the answers are scored" {
        Sum = "sum", "Add up the answers into one score";
        PerItem = "per_item", "Each question is a score of its own";
    }
}

/// One answer a question offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerOption {
    pub value: i64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomItem {
    pub text: String,
    pub options: Vec<AnswerOption>,
}

/// The stored form of a definition (JSON in `custom_instruments.definition`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Stored {
    name: String,
    version: String,
    licence: String,
    instructions: String,
    items: Vec<CustomItem>,
    scoring: String,
    /// `higher` or `lower`: which way is better.
    better: String,
    threshold: f64,
    concern_at: Option<f64>,
}

/// A checked definition of a service's own questionnaire.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomInstrument {
    code: String,
    name: String,
    version: String,
    licence: String,
    instructions: String,
    items: Vec<CustomItem>,
    scoring: Scoring,
    direction: Direction,
    threshold: f64,
    concern_at: Option<f64>,
}

/// A score a custom questionnaire yields, with how to read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomScore {
    pub key: String,
    pub label: String,
    pub min: f64,
    pub max: f64,
}

/// The raw fields of the manager's form.
#[derive(Debug, Clone, Default)]
pub struct CustomForm<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub licence: &'a str,
    pub instructions: &'a str,
    /// The answer scale every question uses unless its line gives its own: `1: Not at all; 2: A little; …`.
    pub answers: &'a str,
    /// One question per line, optionally followed by `| 1: …; 2: …` for its own answers.
    pub items: &'a str,
    pub scoring: &'a str,
    pub better: &'a str,
    pub threshold: &'a str,
    pub concern_at: &'a str,
}

fn text(field: &'static str, what: &str, raw: &str, max: usize, required: bool) -> Result<String, DomainError> {
    let t = raw.trim();
    if required && t.is_empty() {
        return Err(DomainError::invalid(field, format!("Enter {what}")));
    }
    if t.chars().count() > max {
        return Err(DomainError::invalid(field, format!("{} must be {max} characters or fewer", capitalise(what))));
    }
    Ok(t.to_owned())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// Parses `1: Not at all; 2: A little` (also `1 = …`, or one per line).
fn parse_scale(field: &'static str, where_: &str, raw: &str) -> Result<Vec<AnswerOption>, DomainError> {
    let mut options = Vec::new();
    for part in raw.split([';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let (value, label) = part.split_once([':', '=']).ok_or_else(|| DomainError::invalid(field, format!("{where_}: write each answer as a number, a colon and its words, for example \"1: Not at all\" (\"{}\" is not)", clip(part))))?;
        let value: i64 = value.trim().parse().map_err(|_| DomainError::invalid(field, format!("{where_}: \"{}\" is not a whole number", clip(value.trim()))))?;
        if !(0..=100).contains(&value) {
            return Err(DomainError::invalid(field, format!("{where_}: answer values must be from 0 to 100")));
        }
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 100 {
            return Err(DomainError::invalid(field, format!("{where_}: give each answer words of 1 to 100 characters")));
        }
        options.push(AnswerOption { value, label: label.to_owned() });
    }
    Ok(options)
}

/// A score as people read it: `12`, `2.5`.
fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn clip(s: &str) -> String {
    s.chars().take(30).collect()
}

impl CustomInstrument {
    /// Checks the manager's form, reporting every problem (at most one per field).
    pub fn parse(code: &str, f: &CustomForm<'_>) -> Result<Self, Vec<DomainError>> {
        let mut errors = Vec::new();
        let mut ok = |r: Result<String, DomainError>| r.map_err(|e| errors.push(e)).unwrap_or_default();
        let name = ok(text("name", "the questionnaire's name", f.name, 100, true));
        let version = ok(text("version", "its version", f.version, 20, true));
        let licence = ok(text("licence", "its licence (for example \"Our own questionnaire, free to use\")", f.licence, 500, true));
        let instructions = ok(text("instructions", "the instructions", f.instructions, 1000, false));
        let shared = match parse_scale("answers", "Answers", f.answers) {
            Ok(s) => s,
            Err(e) => {
                errors.push(e);
                Vec::new()
            }
        };
        let mut items = Vec::new();
        for (n, line) in f.items.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
            let (question, own) = match line.split_once('|') {
                Some((q, scale)) => (q.trim(), Some(scale)),
                None => (line, None),
            };
            let options = match own {
                Some(scale) => match parse_scale("items", &format!("Question {}", n + 1), scale) {
                    Ok(o) => o,
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                },
                None => shared.clone(),
            };
            if question.is_empty() || question.chars().count() > 300 {
                errors.push(DomainError::invalid("items", format!("Question {}: write the question in 1 to 300 characters", n + 1)));
                continue;
            }
            items.push(CustomItem { text: question.to_owned(), options });
        }
        let scoring = Scoring::parse(f.scoring).map_err(|e| errors.push(e)).ok();
        let direction = match f.better.trim() {
            "higher" => Some(Direction::HigherIsBetter),
            "lower" => Some(Direction::LowerIsBetter),
            _ => {
                errors.push(DomainError::invalid("better", "Select whether a higher or a lower score is better"));
                None
            }
        };
        let threshold = match f.threshold.trim().parse::<f64>() {
            Ok(t) if t.is_finite() => Some(t),
            _ => {
                errors.push(DomainError::invalid("threshold", "Enter the meaningful change as a number of points, for example 1 or 2.5"));
                None
            }
        };
        let concern_at = match f.concern_at.trim() {
            "" => Some(None),
            raw => match raw.parse::<f64>() {
                Ok(c) if c.is_finite() => Some(Some(c)),
                _ => {
                    errors.push(DomainError::invalid("concern_at", "Enter the band of concern as a score, or leave it empty"));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let (Some(scoring), Some(direction), Some(threshold), Some(concern_at)) = (scoring, direction, threshold, concern_at) else {
            return Err(vec![DomainError::invalid("name", "Check the questionnaire's details")]);
        };
        Self::checked(CustomInstrument { code: code.to_owned(), name, version, licence, instructions, items, scoring, direction, threshold, concern_at })
    }

    /// The rules that hold whatever the source: questions, answers, threshold and band of concern.
    fn checked(c: CustomInstrument) -> Result<Self, Vec<DomainError>> {
        let mut errors = Vec::new();
        if c.items.is_empty() {
            errors.push(DomainError::invalid("items", "Enter at least one question, one per line"));
        }
        if c.items.len() > MAX_ITEMS {
            errors.push(DomainError::invalid("items", format!("A questionnaire can have at most {MAX_ITEMS} questions")));
        }
        for (n, item) in c.items.iter().enumerate() {
            if item.options.len() < 2 {
                errors.push(DomainError::invalid(if item.options.is_empty() { "answers" } else { "items" }, format!("Question {} needs at least two answers", n + 1)));
            } else if let Some(dup) = item.options.iter().enumerate().find(|(i, o)| item.options[..*i].iter().any(|p| p.value == o.value)) {
                errors.push(DomainError::invalid("items", format!("Question {}: the value {} is used for more than one answer", n + 1, dup.1.value)));
            }
        }
        if errors.is_empty() {
            let range = c.scores().iter().map(|s| s.max - s.min).fold(f64::INFINITY, f64::min);
            if c.threshold.is_nan() || c.threshold <= 0.0 {
                errors.push(DomainError::invalid("threshold", "The meaningful change must be more than 0"));
            } else if c.threshold > range {
                errors.push(DomainError::invalid("threshold", format!("The meaningful change must be no more than the score's range ({})", number(range))));
            }
            if let Some(at) = c.concern_at {
                let (lo, hi) = c.scores().iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), s| (lo.min(s.min), hi.max(s.max)));
                if at < lo || at > hi {
                    errors.push(DomainError::invalid("concern_at", format!("The band of concern must be a score from {} to {}", number(lo), number(hi))));
                }
            }
        }
        if errors.is_empty() {
            Ok(c)
        } else {
            Err(errors)
        }
    }

    /// The definition as stored.
    pub fn to_json(&self) -> String {
        let stored = Stored {
            name: self.name.clone(),
            version: self.version.clone(),
            licence: self.licence.clone(),
            instructions: self.instructions.clone(),
            items: self.items.clone(),
            scoring: self.scoring.code().to_owned(),
            better: match self.direction {
                Direction::HigherIsBetter => "higher".into(),
                Direction::LowerIsBetter => "lower".into(),
            },
            threshold: self.threshold,
            concern_at: self.concern_at,
        };
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// A stored definition, checked again (a definition that no longer passes is an error).
    pub fn from_json(code: &str, json: &str) -> Result<Self, String> {
        let s: Stored = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let direction = match s.better.as_str() {
            "higher" => Direction::HigherIsBetter,
            "lower" => Direction::LowerIsBetter,
            other => return Err(format!("unknown direction {other}")),
        };
        let scoring = Scoring::parse(&s.scoring).map_err(|e| e.to_string())?;
        Self::checked(CustomInstrument { code: code.to_owned(), name: s.name, version: s.version, licence: s.licence, instructions: s.instructions, items: s.items, scoring, direction, threshold: s.threshold, concern_at: s.concern_at })
            .map_err(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
    }

    pub fn code(&self) -> &str {
        &self.code
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn version(&self) -> &str {
        &self.version
    }
    pub fn licence(&self) -> &str {
        &self.licence
    }
    pub fn instructions(&self) -> &str {
        &self.instructions
    }
    pub fn items(&self) -> &[CustomItem] {
        &self.items
    }
    pub fn scoring(&self) -> Scoring {
        self.scoring
    }
    pub fn direction(&self) -> Direction {
        self.direction
    }
    pub fn threshold(&self) -> f64 {
        self.threshold
    }
    pub fn concern_at(&self) -> Option<f64> {
        self.concern_at
    }

    /// The scores it yields: one total (`<code>_total`) or one per question (`<code>_q<n>`).
    pub fn scores(&self) -> Vec<CustomScore> {
        let range = |item: &CustomItem| {
            let values = item.options.iter().map(|o| o.value as f64);
            (values.clone().fold(f64::INFINITY, f64::min), values.fold(f64::NEG_INFINITY, f64::max))
        };
        match self.scoring {
            Scoring::Sum => {
                let (min, max) = self.items.iter().map(range).fold((0.0, 0.0), |(a, b), (lo, hi)| (a + lo, b + hi));
                vec![CustomScore { key: format!("{}_total", self.code), label: format!("{} (total)", self.name), min, max }]
            }
            Scoring::PerItem => self
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let (min, max) = range(item);
                    CustomScore { key: format!("{}_q{}", self.code, i + 1), label: format!("{}: {}", self.name, item.text.chars().take(60).collect::<String>()), min, max }
                })
                .collect(),
        }
    }

    /// Checks a complete set of answers (`raw[i]` for question `i + 1`, field `item_{i+1}`), naming
    /// every unanswered question or answer that is not one of the question's values.
    pub fn parse_answers(&self, raw: &[&str]) -> Result<Vec<i64>, Vec<DomainError>> {
        if raw.len() != self.items.len() {
            return Err(vec![DomainError::invalid("item_1", format!("{} has {} questions but {} answers were given", self.name, self.items.len(), raw.len()))]);
        }
        let mut answers = Vec::new();
        let mut errors = Vec::new();
        for (i, (item, raw)) in self.items.iter().zip(raw).enumerate() {
            let field = FIELDS[i.min(MAX_ITEMS - 1)];
            let raw = raw.trim();
            if raw.is_empty() {
                errors.push(DomainError::invalid(field, format!("Answer question {}: {}", i + 1, item.text)));
                continue;
            }
            match raw.parse::<i64>().ok().filter(|v| item.options.iter().any(|o| o.value == *v)) {
                Some(v) => answers.push(v),
                None => errors.push(DomainError::invalid(field, format!("Choose one of the answers to question {}", i + 1))),
            }
        }
        if errors.is_empty() {
            Ok(answers)
        } else {
            Err(errors)
        }
    }

    /// The scores of a checked answer set, in the order of [`CustomInstrument::scores`].
    pub fn score(&self, answers: &[i64]) -> Vec<f64> {
        match self.scoring {
            Scoring::Sum => vec![answers.iter().map(|a| *a as f64).sum()],
            Scoring::PerItem => answers.iter().map(|a| *a as f64).collect(),
        }
    }

    /// The change from `before` to `after`, positive when better.
    pub fn improvement(&self, before: f64, after: f64) -> f64 {
        match self.direction {
            Direction::HigherIsBetter => after - before,
            Direction::LowerIsBetter => before - after,
        }
    }

    /// Whether a score is in the band of concern (at or beyond the cut-off on the worse side).
    pub fn is_of_concern(&self, value: f64) -> Option<bool> {
        self.concern_at.map(|at| match self.direction {
            Direction::HigherIsBetter => value <= at,
            Direction::LowerIsBetter => value >= at,
        })
    }
}

/// One recorded custom measure, for the evaluation.
#[derive(Debug, Clone)]
pub struct CustomMeasureFacts {
    pub referral_id: String,
    pub instrument_code: String,
    pub timepoint: Timepoint,
    pub taken_on: Date,
    pub answers: Vec<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(items: &'a str, answers: &'a str, threshold: &'a str) -> CustomForm<'a> {
        CustomForm { name: "Confidence to manage my health", version: "1", licence: "Our own; free to use", instructions: "", answers, items, scoring: "sum", better: "higher", threshold, concern_at: "6" }
    }

    const SCALE: &str = "1: Not at all; 2: A little; 3: Somewhat; 4: Very; 5: Completely";
    const ITEMS: &str = "I know what to do when my health changes\nI can get the help I need\n\nI feel in control of my health\n";

    #[test]
    fn a_valid_definition_round_trips() {
        let c = CustomInstrument::parse("custom_abc", &form(ITEMS, SCALE, "2")).unwrap();
        assert_eq!(c.items().len(), 3);
        assert_eq!(c.items()[2].options[4], AnswerOption { value: 5, label: "Completely".into() });
        let scores = c.scores();
        assert_eq!(scores, vec![CustomScore { key: "custom_abc_total".into(), label: "Confidence to manage my health (total)".into(), min: 3.0, max: 15.0 }]);
        assert_eq!(CustomInstrument::from_json("custom_abc", &c.to_json()).unwrap(), c);
        assert_eq!(c.score(&[1, 3, 5]), vec![9.0]);
        assert_eq!((c.is_of_concern(6.0), c.is_of_concern(7.0)), (Some(true), Some(false)));
        assert_eq!(c.improvement(6.0, 9.0), 3.0);
    }

    #[test]
    fn per_item_scoring_and_own_scales() {
        let f = CustomForm { scoring: "per_item", better: "lower", concern_at: "", ..form("Pain today | 0: None; 1: Mild; 2: Bad; 3: Worst\nWorry today", "0: No; 1: Yes", "1") };
        let c = CustomInstrument::parse("c1", &f).unwrap();
        let s = c.scores();
        assert_eq!((s.len(), s[0].key.as_str(), s[0].max, s[1].max), (2, "c1_q1", 3.0, 1.0));
        assert_eq!(c.score(&[2, 1]), vec![2.0, 1.0]);
        assert_eq!(c.improvement(3.0, 1.0), 2.0);
        assert_eq!(c.is_of_concern(2.0), None);
    }

    #[test]
    fn invalid_definitions_say_what_to_fix() {
        let fields = |f: &CustomForm| CustomInstrument::parse("c", f).unwrap_err().iter().map(|e| (e.field().unwrap(), e.to_string())).collect::<Vec<_>>();
        // No questions.
        assert_eq!(fields(&form("", SCALE, "2")), vec![("items", "Enter at least one question, one per line".to_owned())]);
        // One answer only.
        assert_eq!(fields(&form("Q", "1: Yes", "1"))[0].1, "Question 1 needs at least two answers");
        // Repeated value.
        assert_eq!(fields(&form("Q", "1: Yes; 1: No", "1"))[0].1, "Question 1: the value 1 is used for more than one answer");
        // Threshold 0, and bigger than the range.
        assert_eq!(fields(&form(ITEMS, SCALE, "0"))[0].1, "The meaningful change must be more than 0");
        assert_eq!(fields(&form(ITEMS, SCALE, "13"))[0].1, "The meaningful change must be no more than the score's range (12)");
        // Concern outside the range.
        let f = CustomForm { concern_at: "20", ..form(ITEMS, SCALE, "2") };
        assert_eq!(fields(&f)[0].1, "The band of concern must be a score from 3 to 15");
        // Bad scale syntax, missing name and direction, all at once.
        let f = CustomForm { name: " ", better: "", ..form(ITEMS, "Not at all, A little", "x") };
        let got: Vec<&str> = fields(&f).iter().map(|(f, _)| *f).collect::<Vec<_>>().into_iter().collect();
        assert_eq!(got, vec!["name", "answers", "better", "threshold"]);
        // Too many questions.
        let many = (1..=21).map(|i| format!("Question {i}")).collect::<Vec<_>>().join("\n");
        assert_eq!(fields(&form(&many, SCALE, "1"))[0].1, "A questionnaire can have at most 20 questions");
    }

    #[test]
    fn answers_are_checked_against_the_definition() {
        let c = CustomInstrument::parse("c", &form(ITEMS, SCALE, "2")).unwrap();
        assert_eq!(c.parse_answers(&["1", "5", "3"]).unwrap(), vec![1, 5, 3]);
        let e = c.parse_answers(&["", "6", "3"]).unwrap_err();
        assert_eq!(e.iter().map(|e| e.field().unwrap()).collect::<Vec<_>>(), ["item_1", "item_2"]);
        assert_eq!(e[0].to_string(), "Answer question 1: I know what to do when my health changes");
        assert_eq!(e[1].to_string(), "Choose one of the answers to question 2");
        assert!(c.parse_answers(&["1", "2"]).is_err());
        assert!(CustomInstrument::from_json("c", "{}").is_err());
    }
}
