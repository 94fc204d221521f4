//! Builders of evaluation inputs for tests. The domain's, the report's and the store's tests
//! build the same facts; with one builder, a new field of a fact is one change here rather than
//! one in every test file. Compiled for this crate's tests and, through the `testing` feature,
//! for other crates' tests only.

use super::facts::{MeasureFacts, OnwardFacts, Period, PracticeFacts, ReferralFacts};
use super::input::EvaluationInput;
use crate::casework::referral::{ReferralSource, ReferralStatus};
use crate::measurement::instruments::{AnswerSet, Instrument, Timepoint};
use crate::onward::OnwardStatus;
use time::{Date, Month};

/// An input for the named practices (`(id, name, list size)`), with nothing else in it.
pub fn input_for(practices: &[(&str, &str, u64)]) -> EvaluationInput {
    EvaluationInput { practices: practices.iter().map(|&(id, name, list_size)| practice(id, name, list_size)).collect(), ..Default::default() }
}

pub fn practice(id: &str, name: &str, list_size: u64) -> PracticeFacts {
    PracticeFacts { id: id.into(), name: name.into(), list_size }
}

/// A referral from a GP practice, accepted, not yet contacted; change what a test needs with
/// [`ReferralFacts::from_source`], [`ReferralFacts::with_status`] and [`ReferralFacts::contacted_on`].
pub fn referral(id: impl Into<super::FactId>, practice_id: Option<&str>, referred_on: Date) -> ReferralFacts {
    ReferralFacts { id: id.into(), practice_id: practice_id.map(Into::into), source: ReferralSource::GpPractice, status: ReferralStatus::Accepted, referred_on, first_contact_on: None }
}

impl ReferralFacts {
    pub fn from_source(self, source: ReferralSource) -> Self {
        Self { source, ..self }
    }

    pub fn with_status(self, status: ReferralStatus) -> Self {
        Self { status, ..self }
    }

    pub fn contacted_on(self, first_contact_on: Option<Date>) -> Self {
        Self { first_contact_on, ..self }
    }
}

/// A questionnaire whose every item was answered `each` (the raw answer, as a form sends it).
pub fn measure(referral_id: &str, instrument: Instrument, timepoint: Timepoint, taken_on: Date, each: &str) -> MeasureFacts {
    let items = vec![each; instrument.items().len()];
    answered(referral_id, timepoint, taken_on, AnswerSet::parse(instrument, &items).expect("a valid answer for every item"))
}

/// A questionnaire with the given answers.
pub fn answered(referral_id: &str, timepoint: Timepoint, taken_on: Date, answers: AnswerSet) -> MeasureFacts {
    MeasureFacts { referral_id: referral_id.into(), timepoint, taken_on, recorded: answers.into() }
}

/// SWEMWBS with its seven answers.
pub fn swemwbs(answers: [i64; 7]) -> AnswerSet {
    AnswerSet::from_values(Instrument::Swemwbs, &answers).expect("SWEMWBS answers are 1 to 5")
}

pub fn onward(referral_id: &str, partner_name: &str, status: OnwardStatus, sent_on: Date) -> OnwardFacts {
    OnwardFacts { referral_id: referral_id.into(), partner_name: partner_name.into(), status, sent_on }
}

/// The NHS financial year that starts on 1 April of `first_year`.
pub fn financial_year(first_year: i32) -> Period {
    let day = |year, month| Date::from_calendar_date(year, month, 1).expect("a real date");
    Period::new(day(first_year, Month::April), day(first_year + 1, Month::April).previous_day().expect("a real date")).expect("April to March")
}
