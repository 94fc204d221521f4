//! **Onward**: the closed loop with partner organisations. Owns the onward referral's lifecycle
//! (this module: [`OnwardStatus`], [`check_happened_on`], [`undo`], stuck and bounced prompts,
//! [`Notice`]) and what partners and funders see about it ([`partnership`]). Invariants: a status
//! never goes back except by an undo within [`UNDO_WITHIN_HOURS`]; every partner-facing count
//! leaves disclosure-controlled.
//!
//! # Onward referrals
//!
//! Onward referrals from the link worker to a community service, and the partner's side of the
//! closed loop:
//!
//! ```text
//! sent ──▶ accepted ──▶ started ──▶ attended ──▶ completed
//!   │          │           │           │
//!   ▼          └───────────┴───────────┴──────▶ dropped_out
//! declined (with a coded reason)
//! ```
//!
//! The stages after `accepted` are ordered: `started` (the person has begun: enrolled or booked on
//! their first session), `attended` (went at least once), `completed` (finished the activity or
//! course). A partner may record a later stage directly (a one-off session goes straight from
//! accepted to completed: completing implies attending, attending implies starting) but never go
//! back. `dropped_out` (stopped going, or never started after being accepted) may follow any
//! accepted stage. `declined`, `completed` and `dropped_out` are final; `attended` is where an
//! ongoing activity with no end (a weekly walk) may rest.
//!
//! Records made before `started` and `completed` existed (`sent → accepted → attended`) remain
//! valid: that path is still allowed.
//!
//! A partner gives the real date a change happened (not in the future, not before the referral
//! was sent or before the previous change: [`check_happened_on`]), and may undo its own last
//! change within [`UNDO_WITHIN_HOURS`] of recording it ([`undo`]): the undo is a correcting
//! entry in the history, which keeps both.
//!
//! The link worker's prompts live here too: a referral is *stuck* when the service has not
//! answered it within [`STUCK_AFTER_DAYS`] (with a reminder to the service at
//! [`REMIND_AFTER_DAYS`]); a person is *bounced* when [`BOUNCED_AFTER_DECLINES`] or more services
//! declined them within one referral. And the text of the notifications the loop sends, which
//! never carries health details (see [`Notice`]).

pub mod partnership;


use crate::{DomainError, Result};
use crate::text::coded_enum;
use time::{Date, OffsetDateTime};

coded_enum! {
    OnwardStatus, field = "status", prompt = "Select a status" {
        Sent = "sent", "Waiting for a response";
        Accepted = "accepted", "Accepted";
        Declined = "declined", "Declined";
        Started = "started", "Started";
        Attended = "attended", "Attended";
        Completed = "completed", "Completed";
        DroppedOut = "dropped_out", "Dropped out";
    }
}

coded_enum! {
    OnwardDeclineReason, field = "decline_reason", prompt = "Select why you cannot take this referral" {
        NoCapacity = "no_capacity", "No capacity";
        NotEligible = "not_eligible", "Not eligible for this service";
        PersonDeclined = "person_declined", "Person declined";
        UnableToContact = "unable_to_contact", "Unable to contact the person";
        Other = "other", "Other";
    }
}

/// What a partner may do with an onward referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnerResponse {
    Accept,
    Decline(OnwardDeclineReason),
    MarkStarted,
    MarkAttended,
    MarkCompleted,
    MarkDroppedOut,
}

impl PartnerResponse {
    /// The action codes of forms and the API (`decline` needs a reason, parsed separately).
    pub const ACTIONS: &'static [&'static str] = &["accept", "decline", "started", "attended", "completed", "dropped_out"];

    /// Parses an action code; `reason` is read only for `decline`.
    pub fn parse(action: &str, reason: impl FnOnce() -> Result<OnwardDeclineReason>) -> Result<Self> {
        Ok(match action.trim() {
            "accept" => Self::Accept,
            "decline" => Self::Decline(reason()?),
            "started" => Self::MarkStarted,
            "attended" => Self::MarkAttended,
            "completed" => Self::MarkCompleted,
            "dropped_out" => Self::MarkDroppedOut,
            _ => return Err(DomainError::invalid("action", "Choose accept, decline, started, attended, completed or dropped out")),
        })
    }

    /// The status this response moves a referral to.
    pub fn target(self) -> OnwardStatus {
        match self {
            Self::Accept => OnwardStatus::Accepted,
            Self::Decline(_) => OnwardStatus::Declined,
            Self::MarkStarted => OnwardStatus::Started,
            Self::MarkAttended => OnwardStatus::Attended,
            Self::MarkCompleted => OnwardStatus::Completed,
            Self::MarkDroppedOut => OnwardStatus::DroppedOut,
        }
    }

    pub fn decline_reason(self) -> Option<OnwardDeclineReason> {
        match self {
            Self::Decline(reason) => Some(reason),
            _ => None,
        }
    }
}

impl OnwardStatus {
    /// Where an accepted referral is on its way: accepted 0, started 1, attended 2, completed 3.
    fn progress(self) -> Option<u8> {
        match self {
            Self::Accepted => Some(0),
            Self::Started => Some(1),
            Self::Attended => Some(2),
            Self::Completed => Some(3),
            Self::Sent | Self::Declined | Self::DroppedOut => None,
        }
    }

    /// The status after `response`, or why it cannot be given now.
    pub fn respond(self, response: PartnerResponse) -> Result<Self> {
        let target = response.target();
        match (self, response) {
            (Self::Sent, PartnerResponse::Accept | PartnerResponse::Decline(_)) => Ok(target),
            (Self::Sent, _) => Err(DomainError::NotAllowed(format!("Accept the referral before marking it {}", target.label().to_lowercase()))),
            (_, PartnerResponse::Accept | PartnerResponse::Decline(_)) | (Self::Declined | Self::Completed | Self::DroppedOut, _) => {
                Err(DomainError::NotAllowed(format!("This referral is already {}", self.label().to_lowercase())))
            }
            (_, PartnerResponse::MarkDroppedOut) => Ok(target),
            (from, _) => match (from.progress(), target.progress()) {
                (Some(now), Some(next)) if next > now => Ok(target),
                _ => Err(DomainError::NotAllowed(format!("This referral is already {}", from.label().to_lowercase()))),
            },
        }
    }

    /// What the partner may do next, in the order a page offers them.
    pub fn next_responses(self) -> Vec<&'static str> {
        let candidates = [
            (PartnerResponse::Accept, "accept"),
            (PartnerResponse::Decline(OnwardDeclineReason::Other), "decline"),
            (PartnerResponse::MarkStarted, "started"),
            (PartnerResponse::MarkAttended, "attended"),
            (PartnerResponse::MarkCompleted, "completed"),
            (PartnerResponse::MarkDroppedOut, "dropped_out"),
        ];
        candidates.into_iter().filter(|(r, _)| self.respond(*r).is_ok()).map(|(_, code)| code).collect()
    }

    /// Whether the partner has answered (for acceptance rates: pending referrals are not counted).
    pub fn is_answered(self) -> bool {
        self != Self::Sent
    }

    /// Whether the partner accepted the referral (whatever happened after: started, attended,
    /// completed or dropped out), for acceptance rates.
    pub fn was_accepted(self) -> bool {
        matches!(self, Self::Accepted | Self::Started | Self::Attended | Self::Completed | Self::DroppedOut)
    }

    /// Whether the person went to the activity at least once (attended or completed).
    pub fn went(self) -> bool {
        matches!(self, Self::Attended | Self::Completed)
    }

    /// Whether nothing more can happen to the referral.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Declined | Self::Completed | Self::DroppedOut)
    }
}

/// A partner may undo its last change for this long after recording it (a wrong button, a wrong
/// referral); later, the link worker is asked to correct it.
pub const UNDO_WITHIN_HOURS: i64 = 24;

/// The day a change happened, as the partner gave it: not in the future, not before the referral
/// was sent on `sent_on`, and not before the previous change (`previous`: its status and day).
pub fn check_happened_on(on: Date, sent_on: Date, previous: Option<(OnwardStatus, Date)>, today: Date) -> Result<Date> {
    if on > today {
        return Err(DomainError::invalid("happened_on", "The date it happened must be today or in the past"));
    }
    if on < sent_on {
        return Err(DomainError::invalid("happened_on", format!("The date it happened cannot be before the referral was sent, on {}", crate::format_date_long(sent_on))));
    }
    if let Some((status, previous_on)) = previous {
        if on < previous_on {
            return Err(DomainError::invalid(
                "happened_on",
                format!("The date it happened cannot be before the last change ({}, on {})", status.label().to_lowercase(), crate::format_date_long(previous_on)),
            ));
        }
    }
    Ok(on)
}

/// A change in an onward referral's history, as undoing reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// `None` for the referral being sent.
    pub from: Option<OnwardStatus>,
    pub to: OnwardStatus,
    pub recorded_at: OffsetDateTime,
}

/// What undoing a change puts back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Undo {
    /// The status the referral returns to.
    pub back_to: OnwardStatus,
    /// The answer (accepted or declined) is taken back: its date and any decline reason are cleared.
    pub clears_answer: bool,
    /// The person is no longer recorded as having gone: the attended date is cleared.
    pub clears_attended: bool,
}

/// Undoes `last`, the latest change still standing, of a referral now in `current`, at `now`:
/// only a change after sending, still the current status, within [`UNDO_WITHIN_HOURS`].
pub fn undo(current: OnwardStatus, last: Change, now: OffsetDateTime) -> Result<Undo> {
    let Some(back_to) = last.from else {
        return Err(DomainError::NotAllowed("There is no change to undo: the referral is waiting for your answer".into()));
    };
    if last.to != current {
        return Err(DomainError::NotAllowed("This referral was changed by someone else. Reload the page and try again".into()));
    }
    if now - last.recorded_at > time::Duration::hours(UNDO_WITHIN_HOURS) {
        return Err(DomainError::NotAllowed(format!(
            "\"{}\" was recorded more than {UNDO_WITHIN_HOURS} hours ago, so it can no longer be undone here. Ask the link worker to correct it",
            last.to.label()
        )));
    }
    Ok(Undo { back_to, clears_answer: back_to == OnwardStatus::Sent, clears_attended: !back_to.went() })
}

/// Days without an answer after which the service is reminded.
pub const REMIND_AFTER_DAYS: i64 = 7;
/// Days without an answer after which a referral is *stuck* and the link worker is prompted
/// (Joy declines a referral a provider has not answered within two weeks).
pub const STUCK_AFTER_DAYS: i64 = 14;
/// Declines by this many different services within one referral make a person *bounced*.
pub const BOUNCED_AFTER_DECLINES: usize = 2;

/// A prompt about a referral waiting for the service's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WaitingPrompt {
    /// Remind the service (at [`REMIND_AFTER_DAYS`]).
    Reminder,
    /// Tell the link worker (at [`STUCK_AFTER_DAYS`]).
    Stuck,
}

/// Whole days an onward referral sent on `sent_on` has waited by `today`.
pub fn days_waiting(sent_on: Date, today: Date) -> i64 {
    (today - sent_on).whole_days().max(0)
}

/// The prompt due for a referral in `status` sent on `sent_on`, if any: only referrals still
/// waiting for an answer are prompted.
pub fn waiting_prompt(status: OnwardStatus, sent_on: Date, today: Date) -> Option<WaitingPrompt> {
    if status != OnwardStatus::Sent {
        return None;
    }
    match days_waiting(sent_on, today) {
        d if d >= STUCK_AFTER_DAYS => Some(WaitingPrompt::Stuck),
        d if d >= REMIND_AFTER_DAYS => Some(WaitingPrompt::Reminder),
        _ => None,
    }
}

/// Whether a referral is stuck: sent, and not answered within [`STUCK_AFTER_DAYS`].
pub fn is_stuck(status: OnwardStatus, sent_on: Date, today: Date) -> bool {
    waiting_prompt(status, sent_on, today) == Some(WaitingPrompt::Stuck)
}

/// How many different services declined the person, given the (service, status) of every onward
/// referral of one referral. Two declines by the same service count once.
pub fn declining_services<'a>(onward: impl IntoIterator<Item = (&'a str, OnwardStatus)>) -> usize {
    let mut services: Vec<&str> = onward.into_iter().filter(|(_, s)| *s == OnwardStatus::Declined).map(|(id, _)| id).collect();
    services.sort_unstable();
    services.dedup();
    services.len()
}

/// Whether the person has been *bounced*: declined by [`BOUNCED_AFTER_DECLINES`] or more services
/// within one referral, whatever the reasons.
pub fn is_bounced<'a>(onward: impl IntoIterator<Item = (&'a str, OnwardStatus)>) -> bool {
    declining_services(onward) >= BOUNCED_AFTER_DECLINES
}

/// A notification's content. Never holds health details (needs, reasons for referral, notes, NHS
/// number, full names): it names the service and at most the person's first name, and the app
/// links to the rest, because notifications are also sent by e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// A stable code: `onward.sent`, `onward.reminder`, `onward.stuck`, or `onward.<status>`.
    pub kind: String,
    pub subject: String,
    pub body: String,
}

/// To the link worker, when the service undoes a change it recorded by mistake.
pub fn undo_notice(undone: OnwardStatus, back_to: OnwardStatus, service: &str, first_name: Option<&str>) -> Notice {
    Notice {
        kind: "onward.undone".into(),
        subject: format!("{service} corrected a referral"),
        body: format!(
            "{service} undid \"{}\" on the referral{}: it was recorded by mistake. The referral is now \"{}\".",
            undone.label(),
            for_person(first_name),
            back_to.label()
        ),
    }
}

fn for_person(first_name: Option<&str>) -> String {
    first_name.map(|n| format!(" for {n}")).unwrap_or_default()
}

/// To the service's organisation, when a link worker sends a referral.
pub fn sent_notice(service: &str) -> Notice {
    Notice {
        kind: "onward.sent".into(),
        subject: format!("New referral to {service}"),
        body: format!("A social prescribing link worker has referred someone to {service}. Sign in to Linkwork to accept or decline the referral."),
    }
}

/// To the service's organisation, when a referral has waited [`REMIND_AFTER_DAYS`].
pub fn reminder_notice(service: &str, days: i64) -> Notice {
    Notice {
        kind: "onward.reminder".into(),
        subject: format!("Reminder: a referral to {service} is waiting for your answer"),
        body: format!(
            "A referral to {service} has waited {} for an answer. Sign in to Linkwork to accept or decline it. \
             Referrals not answered within {} are flagged to the link worker.",
            crate::casework::urgency::days(days),
            crate::casework::urgency::days(STUCK_AFTER_DAYS)
        ),
    }
}

/// To the link worker, when a referral has had no answer for [`STUCK_AFTER_DAYS`].
pub fn stuck_notice(service: &str, first_name: Option<&str>, days: i64) -> Notice {
    Notice {
        kind: "onward.stuck".into(),
        subject: format!("No answer from {service} after {}", crate::casework::urgency::days(days)),
        body: format!("The referral{} to {service} has had no answer for {}. Contact the service, or refer to another one.", for_person(first_name), crate::casework::urgency::days(days)),
    }
}

/// To the link worker, when the service answers or reports progress. `declining_services` counts
/// the services that have declined the person within the referral, this one included.
pub fn change_notice(to: OnwardStatus, reason: Option<OnwardDeclineReason>, service: &str, first_name: Option<&str>, declining_services: usize) -> Notice {
    let person = for_person(first_name);
    let (subject, mut body) = match to {
        OnwardStatus::Accepted => (format!("{service} accepted a referral"), format!("{service} accepted the referral{person}.")),
        OnwardStatus::Declined => (
            format!("{service} declined a referral"),
            format!("{service} declined the referral{person}{}.", reason.map(|r| format!(" (reason: {})", r.label().to_lowercase())).unwrap_or_default()),
        ),
        OnwardStatus::Started => (format!("Started at {service}"), format!("{service} reports that the person{person} has started.")),
        OnwardStatus::Attended => (format!("Attended at {service}"), format!("{service} reports that the person{person} has attended.")),
        OnwardStatus::Completed => (format!("Completed at {service}"), format!("{service} reports that the person{person} has completed the activity.")),
        OnwardStatus::DroppedOut => (format!("Dropped out at {service}"), format!("{service} reports that the person{person} has dropped out.")),
        OnwardStatus::Sent => (format!("Referral to {service}"), format!("The referral{person} to {service} is waiting for an answer.")),
    };
    if to == OnwardStatus::Declined && declining_services >= BOUNCED_AFTER_DECLINES {
        body.push_str(&format!(" {declining_services} services have now declined this person: check which services can meet their needs before referring again."));
    }
    Notice { kind: format!("onward.{}", to.code()), subject, body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use OnwardStatus::*;
    use PartnerResponse::*;

    const ALL_RESPONSES: [PartnerResponse; 6] = [Accept, Decline(OnwardDeclineReason::NoCapacity), MarkStarted, MarkAttended, MarkCompleted, MarkDroppedOut];

    #[test]
    fn loop_transitions() {
        assert_eq!(Sent.respond(Accept).unwrap(), Accepted);
        assert_eq!(Sent.respond(Decline(OnwardDeclineReason::NoCapacity)).unwrap(), Declined);
        assert_eq!(Accepted.respond(MarkAttended).unwrap(), Attended);
        assert!(Sent.respond(MarkAttended).is_err());
        assert!(Declined.respond(Accept).is_err());
        assert!(Attended.respond(MarkAttended).is_err());
    }

    /// Every (status, response) pair, against the table in the module documentation.
    #[test]
    fn every_transition() {
        let allowed: &[(OnwardStatus, PartnerResponse, OnwardStatus)] = &[
            (Sent, Accept, Accepted),
            (Sent, Decline(OnwardDeclineReason::NoCapacity), Declined),
            (Accepted, MarkStarted, Started),
            (Accepted, MarkAttended, Attended),
            (Accepted, MarkCompleted, Completed),
            (Accepted, MarkDroppedOut, DroppedOut),
            (Started, MarkAttended, Attended),
            (Started, MarkCompleted, Completed),
            (Started, MarkDroppedOut, DroppedOut),
            (Attended, MarkCompleted, Completed),
            (Attended, MarkDroppedOut, DroppedOut),
        ];
        for &from in OnwardStatus::ALL {
            for response in ALL_RESPONSES {
                let expected = allowed.iter().find(|(f, r, _)| *f == from && *r == response).map(|(_, _, to)| *to);
                match (from.respond(response), expected) {
                    (Ok(to), Some(want)) => assert_eq!(to, want, "{from:?} + {response:?}"),
                    (Err(e), None) => assert!(matches!(e, DomainError::NotAllowed(_)), "{from:?} + {response:?}: {e:?}"),
                    (got, want) => panic!("{from:?} + {response:?}: got {got:?}, expected {want:?}"),
                }
            }
        }
    }

    #[test]
    fn refusals_say_what_to_do() {
        assert_eq!(Sent.respond(MarkStarted).unwrap_err().to_string(), "Accept the referral before marking it started");
        assert_eq!(Completed.respond(MarkDroppedOut).unwrap_err().to_string(), "This referral is already completed");
        assert_eq!(Attended.respond(MarkStarted).unwrap_err().to_string(), "This referral is already attended");
        assert_eq!(Accepted.respond(Decline(OnwardDeclineReason::Other)).unwrap_err().to_string(), "This referral is already accepted");
    }

    #[test]
    fn final_statuses_allow_nothing() {
        for status in OnwardStatus::ALL.iter().copied().filter(|s| s.is_final()) {
            assert!(status.next_responses().is_empty(), "{status:?}");
        }
        assert_eq!(Sent.next_responses(), ["accept", "decline"]);
        assert_eq!(Accepted.next_responses(), ["started", "attended", "completed", "dropped_out"]);
        assert_eq!(Attended.next_responses(), ["completed", "dropped_out"]);
    }

    #[test]
    fn acceptance_means_accepted_by_the_partner() {
        let accepted: Vec<_> = OnwardStatus::ALL.iter().copied().filter(|s| s.was_accepted()).collect();
        assert_eq!(accepted, [Accepted, Started, Attended, Completed, DroppedOut]);
        assert!(!Sent.is_answered());
        assert!(OnwardStatus::ALL.iter().filter(|s| **s != Sent).all(|s| s.is_answered()));
        assert!(Attended.went() && Completed.went() && !Started.went() && !DroppedOut.went());
    }

    #[test]
    fn codes_are_stable() {
        let codes: Vec<_> = OnwardStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, ["sent", "accepted", "declined", "started", "attended", "completed", "dropped_out"]);
        let targets: Vec<_> = PartnerResponse::ACTIONS.iter().map(|a| PartnerResponse::parse(a, || Ok(OnwardDeclineReason::Other)).unwrap().target()).collect();
        assert_eq!(targets, [Accepted, Declined, Started, Attended, Completed, DroppedOut]);
        assert_eq!(PartnerResponse::parse("decline", || OnwardDeclineReason::parse("no_capacity")).unwrap(), Decline(OnwardDeclineReason::NoCapacity));
        assert!(PartnerResponse::parse("decline", || OnwardDeclineReason::parse("")).is_err());
        assert_eq!(PartnerResponse::parse("finished", || Ok(OnwardDeclineReason::Other)).unwrap_err().field(), Some("action"));
    }

    #[test]
    fn reminders_then_stuck() {
        let sent = date!(2026 - 11 - 01);
        assert_eq!(waiting_prompt(Sent, sent, date!(2026 - 11 - 07)), None);
        assert_eq!(waiting_prompt(Sent, sent, date!(2026 - 11 - 08)), Some(WaitingPrompt::Reminder));
        assert_eq!(waiting_prompt(Sent, sent, date!(2026 - 11 - 14)), Some(WaitingPrompt::Reminder));
        assert_eq!(waiting_prompt(Sent, sent, date!(2026 - 11 - 15)), Some(WaitingPrompt::Stuck));
        assert!(is_stuck(Sent, sent, date!(2027 - 01 - 01)));
        // Answered referrals are never stuck, however old.
        for status in OnwardStatus::ALL.iter().copied().filter(|s| *s != Sent) {
            assert_eq!(waiting_prompt(status, sent, date!(2027 - 01 - 01)), None);
        }
        // A date in the future (a clock skew) is not negative waiting.
        assert_eq!(days_waiting(date!(2026 - 11 - 02), sent), 0);
    }

    #[test]
    fn the_date_it_happened_is_checked() {
        let (sent, today) = (date!(2026 - 11 - 02), date!(2026 - 11 - 20));
        assert_eq!(check_happened_on(date!(2026 - 11 - 10), sent, None, today).unwrap(), date!(2026 - 11 - 10));
        assert_eq!(check_happened_on(today, sent, Some((Accepted, today)), today).unwrap(), today);
        assert!(check_happened_on(date!(2026 - 11 - 21), sent, None, today).unwrap_err().to_string().contains("today or in the past"));
        assert!(check_happened_on(date!(2026 - 11 - 01), sent, None, today).unwrap_err().to_string().contains("before the referral was sent, on 2 November 2026"));
        let e = check_happened_on(date!(2026 - 11 - 09), sent, Some((Accepted, date!(2026 - 11 - 10))), today).unwrap_err();
        assert_eq!((e.field(), e.to_string().as_str()), (Some("happened_on"), "The date it happened cannot be before the last change (accepted, on 10 November 2026)"));
    }

    #[test]
    fn a_change_is_undone_within_a_day() {
        use time::macros::datetime;
        let at = datetime!(2026-11-20 10:00 UTC);
        let accepted = Change { from: Some(Sent), to: Accepted, recorded_at: at };
        assert_eq!(undo(Accepted, accepted, at + time::Duration::hours(24)).unwrap(), Undo { back_to: Sent, clears_answer: true, clears_attended: true });
        assert!(undo(Accepted, accepted, at + time::Duration::hours(25)).unwrap_err().to_string().contains("more than 24 hours ago"));
        let completed = Change { from: Some(Attended), to: Completed, recorded_at: at };
        assert_eq!(undo(Completed, completed, at).unwrap(), Undo { back_to: Attended, clears_answer: false, clears_attended: false });
        let completed = Change { from: Some(Accepted), to: Completed, recorded_at: at };
        assert_eq!(undo(Completed, completed, at).unwrap(), Undo { back_to: Accepted, clears_answer: false, clears_attended: true });
        assert!(undo(Sent, Change { from: None, to: Sent, recorded_at: at }, at).is_err(), "sending is not the partner's to undo");
        assert!(undo(Attended, completed, at).is_err(), "not the current status");
        let n = undo_notice(Accepted, Sent, "Choir", Some("Pat"));
        assert_eq!(n.body, "Choir undid \"Accepted\" on the referral for Pat: it was recorded by mistake. The referral is now \"Waiting for a response\".");
    }

    #[test]
    fn bounced_needs_two_different_services() {
        assert!(!is_bounced([("walks", Declined)]));
        assert!(!is_bounced([("walks", Declined), ("walks", Declined)]));
        assert!(!is_bounced([("walks", Declined), ("choir", Accepted), ("debt", Sent)]));
        assert!(is_bounced([("walks", Declined), ("choir", Declined)]));
        assert_eq!(declining_services([("walks", Declined), ("choir", Declined), ("debt", Declined), ("walks", Declined)]), 3);
    }

    #[test]
    fn notices_carry_no_health_details() {
        let n = sent_notice("Tuesday walks");
        assert_eq!(n.kind, "onward.sent");
        assert_eq!(n.subject, "New referral to Tuesday walks");
        let n = change_notice(Declined, Some(OnwardDeclineReason::NoCapacity), "Tuesday walks", Some("Pat"), 1);
        assert_eq!(n.kind, "onward.declined");
        assert_eq!(n.body, "Tuesday walks declined the referral for Pat (reason: no capacity).");
        let n = change_notice(Declined, Some(OnwardDeclineReason::NotEligible), "Choir", None, 2);
        assert!(n.body.contains("2 services have now declined this person"), "{}", n.body);
        assert_eq!(change_notice(DroppedOut, None, "Choir", None, 0).kind, "onward.dropped_out");
        assert!(stuck_notice("Choir", Some("Pat"), 15).body.contains("no answer for 15 days"));
        assert!(reminder_notice("Choir", 7).body.contains("within 14 days"));
        assert!(reminder_notice("Choir", 7).subject.starts_with("Reminder"));
    }
}
