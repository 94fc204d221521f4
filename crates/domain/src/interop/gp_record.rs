//! What goes back to the GP record: the events of one referral, in order, each with a SNOMED CT
//! code where a national code is confirmed (shared/product/interop.md) and as text only where it
//! is not. Pure: the caller gathers the facts of the referral; this module decides the events.
//!
//! Confirmed codes used:
//! - [`REFERRAL_TO_SOCIAL_PRESCRIBING`] `871731000000106` — the referral (the code the IIF
//!   indicator counts);
//! - [`SOCIAL_PRESCRIBING_DECLINED`] `871711000000103` — only when the *person* declined
//!   ([`DeclineReason::PersonDeclined`]). Other declines (not eligible, no contact, duplicate) are
//!   not "social prescribing declined", so they go back uncoded, with the reason as a note.
//!
//! Events with **no confirmed code** go back as text with `code: None`, never with an invented
//! code: first seen, plan agreed, each outcome-measure score, and discharge. (`871691000000100`
//! "Social prescribing offered" is unverified and is not used.)

use crate::casework::referral::{DeclineReason, DischargeReason, ReferralStatus};
use crate::measurement::instruments::{score_definition, Recorded, Timepoint};
use time::Date;

/// The SNOMED CT code system URI, as FHIR writes it.
pub const SNOMED_SYSTEM: &str = "http://snomed.info/sct";

/// A SNOMED CT concept: its id and preferred term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SnomedCode {
    pub code: &'static str,
    pub term: &'static str,
}

/// "Referral to social prescribing service (procedure)", the national code.
pub const REFERRAL_TO_SOCIAL_PRESCRIBING: SnomedCode = SnomedCode { code: "871731000000106", term: "Referral to social prescribing service" };

/// "Social prescribing declined (situation)", the national code.
pub const SOCIAL_PRESCRIBING_DECLINED: SnomedCode = SnomedCode { code: "871711000000103", term: "Social prescribing declined" };

/// "Social service procedure", the ServiceRequest category used by the HL7 Gravity SDOH examples.
pub const SOCIAL_SERVICE_PROCEDURE: SnomedCode = SnomedCode { code: "410606002", term: "Social service procedure" };

/// One completed questionnaire of the referral.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureFact {
    pub taken_on: Date,
    pub timepoint: Timepoint,
    pub recorded: Recorded,
}

/// The plain facts about one referral that the GP record needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralFacts {
    pub referred_on: Date,
    pub status: ReferralStatus,
    pub declined_on: Option<Date>,
    pub decline_reason: Option<DeclineReason>,
    /// Date of the first contact with the person (the end of the wait).
    pub first_contact_on: Option<Date>,
    /// Date the first goal of the personalised care and support plan was agreed.
    pub plan_agreed_on: Option<Date>,
    /// Completed questionnaires, in the order they were taken.
    pub measures: Vec<MeasureFact>,
    pub discharged_on: Option<Date>,
    pub discharge_reason: Option<DischargeReason>,
}

/// What happened. The order of the variants is the order of events on the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Referred,
    Declined,
    FirstSeen,
    PlanAgreed,
    Score,
    Discharged,
}

/// One entry for the GP record.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GpEvent {
    pub on: Date,
    pub kind: EventKind,
    /// The SNOMED CT code, where a national code is confirmed; `None` means "send as text".
    pub code: Option<SnomedCode>,
    /// What happened, in words (the SNOMED term when coded).
    pub text: String,
    /// For scores: the score's stable key (e.g. `swemwbs_metric`) and value.
    pub score_key: Option<&'static str>,
    pub value: Option<f64>,
    /// A short, fixed-vocabulary qualifier (a decline or discharge reason label). Never free text
    /// written about the person, so it is safe to put in an export.
    pub note: Option<String>,
}

impl GpEvent {
    fn new(on: Date, kind: EventKind, code: Option<SnomedCode>, text: impl Into<String>) -> Self {
        Self { on, kind, code, text: text.into(), score_key: None, value: None, note: None }
    }

    fn with_note(mut self, note: Option<&str>) -> Self {
        self.note = note.map(str::to_owned);
        self
    }
}

/// The GP-record events of one referral, oldest first; on the same day in the order of
/// [`EventKind`] (referred, declined, first seen, plan agreed, scores, discharged), scores in the
/// order the measures were given.
///
/// Scores carry `code: None`: no SNOMED CT code for an ONS4 or SWEMWBS score is confirmed. When a
/// service confirms one, make the score-key → code mapping configurable (per deployment) and look
/// it up here, rather than hard-coding a code that has not been checked.
pub fn events(facts: &ReferralFacts) -> Vec<GpEvent> {
    let mut events = vec![GpEvent::new(facts.referred_on, EventKind::Referred, Some(REFERRAL_TO_SOCIAL_PRESCRIBING), REFERRAL_TO_SOCIAL_PRESCRIBING.term)];
    if facts.status == ReferralStatus::Declined {
        let on = facts.declined_on.unwrap_or(facts.referred_on);
        events.push(match facts.decline_reason {
            Some(DeclineReason::PersonDeclined) => GpEvent::new(on, EventKind::Declined, Some(SOCIAL_PRESCRIBING_DECLINED), SOCIAL_PRESCRIBING_DECLINED.term),
            other => GpEvent::new(on, EventKind::Declined, None, "Referral to social prescribing service not taken on").with_note(other.map(DeclineReason::label)),
        });
    }
    if let Some(on) = facts.first_contact_on {
        events.push(GpEvent::new(on, EventKind::FirstSeen, None, "First seen by social prescribing link worker"));
    }
    if let Some(on) = facts.plan_agreed_on {
        events.push(GpEvent::new(on, EventKind::PlanAgreed, None, "Personalised care and support plan agreed"));
    }
    for measure in &facts.measures {
        for score in measure.recorded.scores() {
            let label = score_definition(score.key).map(|(_, d)| d.label).unwrap_or(score.key);
            let mut event = GpEvent::new(measure.taken_on, EventKind::Score, None, format!("{label}, {}", timepoint_words(measure.timepoint)));
            event.score_key = Some(score.key);
            event.value = Some(score.value);
            events.push(event);
        }
    }
    if facts.status == ReferralStatus::Discharged {
        let on = facts.discharged_on.unwrap_or(facts.referred_on);
        events.push(GpEvent::new(on, EventKind::Discharged, None, "Discharged from social prescribing service").with_note(facts.discharge_reason.map(DischargeReason::label)));
    }
    // Stable: same-day events keep the order they were pushed in within a kind.
    events.sort_by_key(|e| (e.on, e.kind));
    events
}

/// When a measure was taken, as a few words to follow a score's label.
pub fn timepoint_words(timepoint: Timepoint) -> &'static str {
    match timepoint {
        Timepoint::Baseline => "baseline",
        Timepoint::FollowUp => "follow-up",
        Timepoint::Discharge => "at discharge",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measurement::instruments::{AnswerSet, Instrument};
    use time::macros::date;

    fn facts(status: ReferralStatus) -> ReferralFacts {
        ReferralFacts {
            referred_on: date!(2026 - 11 - 02),
            status,
            declined_on: None,
            decline_reason: None,
            first_contact_on: None,
            plan_agreed_on: None,
            measures: vec![],
            discharged_on: None,
            discharge_reason: None,
        }
    }

    fn measure(instrument: Instrument, answers: &[&str], taken_on: Date, timepoint: Timepoint) -> MeasureFact {
        MeasureFact { taken_on, timepoint, recorded: AnswerSet::parse(instrument, answers).unwrap().into() }
    }

    #[test]
    fn a_new_referral_is_one_coded_event() {
        let events = events(&facts(ReferralStatus::Received));
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, EventKind::Referred);
        assert_eq!(events[0].code.unwrap().code, "871731000000106");
        assert_eq!(events[0].on, date!(2026 - 11 - 02));
    }

    #[test]
    fn only_the_person_declining_is_coded_as_declined() {
        let mut f = facts(ReferralStatus::Declined);
        f.declined_on = Some(date!(2026 - 11 - 05));
        f.decline_reason = Some(DeclineReason::PersonDeclined);
        let declined = events(&f).pop().unwrap();
        assert_eq!((declined.kind, declined.code.unwrap().code, declined.on), (EventKind::Declined, "871711000000103", date!(2026 - 11 - 05)));
        assert_eq!(declined.note, None);

        for reason in [DeclineReason::NotEligible, DeclineReason::NoContact, DeclineReason::Duplicate, DeclineReason::Other] {
            f.decline_reason = Some(reason);
            let declined = events(&f).pop().unwrap();
            assert_eq!(declined.kind, EventKind::Declined);
            assert_eq!(declined.code, None, "{reason:?} must not be coded as 'social prescribing declined'");
            assert_eq!(declined.note.as_deref(), Some(reason.label()));
        }
    }

    #[test]
    fn a_whole_episode_in_order_with_uncoded_events_as_text() {
        let mut f = facts(ReferralStatus::Discharged);
        f.first_contact_on = Some(date!(2026 - 11 - 03));
        f.plan_agreed_on = Some(date!(2026 - 11 - 10));
        // Given out of date order: the discharge measure on the discharge day, the baseline earlier.
        f.measures = vec![
            measure(Instrument::Swemwbs, &["4"; 7], date!(2027 - 02 - 01), Timepoint::Discharge),
            measure(Instrument::Swemwbs, &["3"; 7], date!(2026 - 11 - 03), Timepoint::Baseline),
            measure(Instrument::Ons4, &["5", "6", "4", "7"], date!(2026 - 11 - 03), Timepoint::Baseline),
        ];
        f.discharged_on = Some(date!(2027 - 02 - 01));
        f.discharge_reason = Some(DischargeReason::GoalsMet);
        let events = events(&f);
        let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
        use EventKind::*;
        assert_eq!(kinds, vec![Referred, FirstSeen, Score, Score, Score, Score, Score, PlanAgreed, Score, Discharged]);
        // Same-day scores keep the order the measures were given in.
        assert_eq!(events[2].score_key, Some("swemwbs_metric"));
        assert_eq!(events[2].value, Some(19.25));
        assert_eq!(events[2].text, "SWEMWBS (metric score), baseline");
        assert_eq!(events[3].score_key, Some("ons4_life_satisfaction"));
        assert_eq!(events[6].text, "ONS4 anxiety yesterday, baseline");
        assert_eq!(events[6].value, Some(7.0));
        // On the discharge day the score comes before the discharge.
        assert_eq!(events[8].text, "SWEMWBS (metric score), at discharge");
        assert_eq!(events[9].note.as_deref(), Some("Goals met"));
        // Only the referral has a code: nothing is invented for the rest.
        assert!(events.iter().skip(1).all(|e| e.code.is_none()));
        assert!(events.iter().all(|e| !e.text.is_empty()));
    }

    #[test]
    fn declined_or_discharged_events_need_that_status() {
        let mut f = facts(ReferralStatus::Accepted);
        f.decline_reason = Some(DeclineReason::PersonDeclined);
        f.discharge_reason = Some(DischargeReason::Died);
        assert_eq!(events(&f).len(), 1);
        // A missing status date falls back to the referral date rather than dropping the event.
        let declined = facts(ReferralStatus::Declined);
        let e = events(&declined);
        assert_eq!((e[1].on, e[1].code, e[1].note.clone()), (date!(2026 - 11 - 02), None, None));
    }
}
