//! The caseload's red/amber/green flags: what needs a link worker's attention today. Thresholds
//! are constants here so they are read in one place; a service setting can replace them later.

use crate::casework::schedule::DueMeasure;
use crate::casework::urgency::{days, Deadline, Urgency};
use serde::Serialize;
use time::{Date, Duration};

/// A full-time link worker supports 200–250 people a year (NHS England reference guide).
pub const RECOMMENDED_PEOPLE_PER_YEAR: (u32, u32) = (200, 250);
/// Days a new referral may wait for first contact before it is amber, then red.
pub const FIRST_CONTACT_DAYS: (i64, i64) = (7, 14);
/// Days since the last contact before an open case is amber, then red.
pub const CONTACT_GAP_DAYS: (i64, i64) = (28, 42);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rag {
    Green,
    Amber,
    Red,
}

impl Rag {
    /// The words of `crate::casework::urgency`: amber is "Due" and red "Overdue", as on "Measures due".
    pub fn label(self) -> &'static str {
        match self {
            Rag::Green => "On track",
            Rag::Amber => Urgency::Due.label(),
            Rag::Red => Urgency::Overdue.label(),
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
        }
    }
}

impl From<Urgency> for Rag {
    fn from(u: Urgency) -> Self {
        match u {
            Urgency::Due => Rag::Amber,
            Urgency::Overdue => Rag::Red,
        }
    }
}

/// What the flags are computed from, for one open referral.
#[derive(Debug, Clone, Default)]
pub struct CaseFacts {
    pub accepted: bool,
    pub referred_on: Option<Date>,
    pub first_contact_on: Option<Date>,
    pub last_contact_on: Option<Date>,
    /// The earliest review date of a goal not yet achieved or dropped.
    pub next_review_on: Option<Date>,
    /// What the service's measurement schedule says is due or overdue today
    /// (`crate::casework::schedule::due_measures`): the same list "Measures due" shows.
    pub measures_due: Vec<DueMeasure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub rag: Rag,
    pub message: String,
}

/// A flag from a deadline, worded by `crate::casework::urgency` (its colour and its words from one value).
fn flag(deadline: Deadline, what: &str, detail: Option<String>, today: Date) -> Option<Flag> {
    let (urgency, text) = deadline.describe(what, today)?;
    let message = match detail {
        Some(d) => format!("{text} ({d})"),
        None => text,
    };
    Some(Flag { rag: urgency.into(), message })
}

/// Due the day after `from + amber` days, overdue the day after `from + red` days.
fn after_days(from: Date, (amber, red): (i64, i64)) -> Deadline {
    Deadline::on(from + Duration::days(amber + 1), from + Duration::days(red + 1))
}

/// The flags for one open case on `today`, most urgent first. No flags means green.
pub fn flags(f: &CaseFacts, today: Date) -> Vec<Flag> {
    let mut out = Vec::new();
    match (f.first_contact_on, f.referred_on) {
        (None, Some(referred)) => {
            let waiting = (today - referred).whole_days();
            out.extend(flag(after_days(referred, FIRST_CONTACT_DAYS), "First contact", Some(format!("waiting {}", days(waiting))), today));
        }
        (Some(_), _) => {
            if let Some(last) = f.last_contact_on {
                let gap = (today - last).whole_days();
                out.extend(flag(after_days(last, CONTACT_GAP_DAYS), "Next contact", Some(format!("none for {}", days(gap))), today));
            }
        }
        _ => {}
    }
    if let Some(review) = f.next_review_on {
        out.extend(flag(Deadline::on(review, review + Duration::days(crate::casework::schedule::OVERDUE_AFTER_DAYS)), "Goal review", None, today));
    }
    // One flag per scheduled point (baseline, each follow-up, discharge), naming its questionnaires.
    let mut points: Vec<crate::casework::schedule::ScheduledPoint> = f.measures_due.iter().map(|d| d.point).collect();
    points.dedup();
    for point in points {
        let due: Vec<&DueMeasure> = f.measures_due.iter().filter(|d| d.point == point).collect();
        let names: Vec<&str> = due.iter().map(|d| d.instrument.short_name()).collect();
        let what = format!("{} measures ({})", point.label(), names.join(", "));
        if let Some(first) = due.iter().min_by_key(|d| d.due_on) {
            out.extend(flag(first.deadline(), &what, None, today));
        }
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.rag));
    out
}

/// The overall status of a case: its most urgent flag, or green.
pub fn overall(flags: &[Flag]) -> Rag {
    flags.iter().map(|f| f.rag).max().unwrap_or(Rag::Green)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::casework::schedule::{due_measures, MeasurementSchedule, ReferralDates};
    use crate::measurement::instruments::Instrument;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 01);

    #[test]
    fn waiting_for_first_contact() {
        let f = CaseFacts { referred_on: Some(date!(2026 - 11 - 24)), ..Default::default() };
        assert!(flags(&f, TODAY).is_empty(), "7 days is still green");
        let f = CaseFacts { referred_on: Some(date!(2026 - 11 - 23)), ..Default::default() };
        assert_eq!(flags(&f, TODAY), [Flag { rag: Rag::Amber, message: "First contact due since 1 December 2026 (waiting 8 days)".into() }]);
        let f = CaseFacts { referred_on: Some(date!(2026 - 11 - 16)), ..Default::default() };
        assert_eq!(flags(&f, TODAY)[0], Flag { rag: Rag::Red, message: "First contact overdue since 1 December 2026 (waiting 15 days)".into() });
    }

    #[test]
    fn contact_gap_and_reviews() {
        let f = CaseFacts {
            accepted: true,
            referred_on: Some(date!(2026 - 06 - 01)),
            first_contact_on: Some(date!(2026 - 06 - 05)),
            last_contact_on: Some(date!(2026 - 10 - 01)),
            next_review_on: Some(date!(2026 - 11 - 30)),
            measures_due: vec![],
        };
        let fl = flags(&f, TODAY);
        assert_eq!(fl[0], Flag { rag: Rag::Red, message: "Next contact overdue since 13 November 2026 (none for 61 days)".into() });
        assert_eq!(fl[1], Flag { rag: Rag::Amber, message: "Goal review due since 30 November 2026".into() });
        let late_review = CaseFacts { next_review_on: Some(date!(2026 - 11 - 03)), ..f.clone() };
        assert_eq!(flags(&late_review, TODAY)[1], Flag { rag: Rag::Red, message: "Goal review overdue since 1 December 2026".into() });
        let done = CaseFacts { last_contact_on: Some(date!(2026 - 11 - 20)), next_review_on: None, ..f };
        assert!(flags(&done, TODAY).is_empty());
    }

    /// The caseload says what "Measures due" says, in the same words: the flag's colour is the
    /// schedule's state (never "Due soon" beside "overdue").
    #[test]
    fn measure_flags_follow_the_schedule() {
        let schedule = MeasurementSchedule::default();
        let dates = ReferralDates { referred_on: date!(2026 - 06 - 01), first_contact_on: Some(date!(2026 - 06 - 10)), discharged_on: None };
        let facts = |today| CaseFacts {
            accepted: true,
            referred_on: Some(dates.referred_on),
            first_contact_on: dates.first_contact_on,
            last_contact_on: Some(today),
            measures_due: due_measures(&schedule, dates, &[], today),
            ..Default::default()
        };
        let on = date!(2026 - 06 - 20);
        assert_eq!(flags(&facts(on), on), [Flag { rag: Rag::Amber, message: "Baseline measures (ONS4, SWEMWBS) due since 10 June 2026".into() }]);
        let on = date!(2026 - 07 - 08);
        assert_eq!(flags(&facts(on), on), [Flag { rag: Rag::Red, message: "Baseline measures (ONS4, SWEMWBS) overdue since 8 July 2026".into() }]);
        for f in flags(&facts(on), on) {
            assert_eq!(f.rag.label(), "Overdue");
            assert!(f.message.contains("overdue"));
        }
        let d = &facts(on).measures_due[0];
        assert_eq!((d.instrument, d.state.label()), (Instrument::Ons4, "Overdue"));
    }

    #[test]
    fn labels_are_the_urgency_words() {
        assert_eq!([Rag::Green.label(), Rag::Amber.label(), Rag::Red.label()], ["On track", "Due", "Overdue"]);
    }
}
