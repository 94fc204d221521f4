//! The caseload's red/amber/green flags: what needs a link worker's attention today. Thresholds
//! are constants here so they are read in one place; a service setting can replace them later.

use serde::Serialize;
use time::{Date, Duration};

/// A full-time link worker supports 200–250 people a year (NHS England reference guide).
pub const RECOMMENDED_PEOPLE_PER_YEAR: (u32, u32) = (200, 250);
/// Days a new referral may wait for first contact before it is amber, then red.
pub const FIRST_CONTACT_DAYS: (i64, i64) = (7, 14);
/// Days since the last contact before an open case is amber, then red.
pub const CONTACT_GAP_DAYS: (i64, i64) = (28, 42);
/// Follow-up measures are due this many days after the baseline, for a service that has not set
/// its own measurement schedule (otherwise its first follow-up month applies).
pub const FOLLOW_UP_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rag {
    Green,
    Amber,
    Red,
}

impl Rag {
    pub fn label(self) -> &'static str {
        match self {
            Rag::Green => "On track",
            Rag::Amber => "Due soon",
            Rag::Red => "Overdue",
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

/// What the flags are computed from, for one open referral.
#[derive(Debug, Clone, Default)]
pub struct CaseFacts {
    pub accepted: bool,
    pub referred_on: Option<Date>,
    pub first_contact_on: Option<Date>,
    pub last_contact_on: Option<Date>,
    /// The earliest review date of a goal not yet achieved or dropped.
    pub next_review_on: Option<Date>,
    pub baseline_on: Option<Date>,
    pub has_follow_up: bool,
    /// The first follow-up month of the service's measurement schedule; `None` when the service
    /// has none, and [`FOLLOW_UP_DAYS`] applies.
    pub follow_up_after_months: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub rag: Rag,
    pub message: String,
}

fn level(days: i64, (amber, red): (i64, i64)) -> Option<Rag> {
    if days > red {
        Some(Rag::Red)
    } else if days > amber {
        Some(Rag::Amber)
    } else {
        None
    }
}

/// The flags for one open case on `today`, most urgent first. No flags means green.
pub fn flags(f: &CaseFacts, today: Date) -> Vec<Flag> {
    let mut out = Vec::new();
    match (f.first_contact_on, f.referred_on) {
        (None, Some(referred)) => {
            let waiting = (today - referred).whole_days();
            if let Some(rag) = level(waiting, FIRST_CONTACT_DAYS) {
                out.push(Flag { rag, message: format!("Waiting {waiting} days for first contact") });
            }
        }
        (Some(_), _) => {
            if let Some(last) = f.last_contact_on {
                let gap = (today - last).whole_days();
                if let Some(rag) = level(gap, CONTACT_GAP_DAYS) {
                    out.push(Flag { rag, message: format!("No contact for {gap} days") });
                }
            }
        }
        _ => {}
    }
    if let Some(review) = f.next_review_on {
        if review < today {
            out.push(Flag { rag: Rag::Amber, message: format!("Goal review overdue since {}", crate::format_date_long(review)) });
        }
    }
    if f.accepted && f.first_contact_on.is_some() && f.baseline_on.is_none() {
        out.push(Flag { rag: Rag::Amber, message: "Baseline measures due".into() });
    }
    if let Some(baseline) = f.baseline_on {
        let due = match f.follow_up_after_months {
            Some(months) => crate::schedule::add_months(baseline, months),
            None => baseline + Duration::days(FOLLOW_UP_DAYS),
        };
        if !f.has_follow_up && today >= due {
            out.push(Flag { rag: Rag::Amber, message: "Follow-up measures due".into() });
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
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 01);

    #[test]
    fn waiting_for_first_contact() {
        let f = CaseFacts { referred_on: Some(date!(2026 - 11 - 24)), ..Default::default() };
        assert!(flags(&f, TODAY).is_empty(), "7 days is still green");
        let f = CaseFacts { referred_on: Some(date!(2026 - 11 - 23)), ..Default::default() };
        assert_eq!(overall(&flags(&f, TODAY)), Rag::Amber);
        let f = CaseFacts { referred_on: Some(date!(2026 - 11 - 16)), ..Default::default() };
        assert_eq!(flags(&f, TODAY)[0], Flag { rag: Rag::Red, message: "Waiting 15 days for first contact".into() });
    }

    #[test]
    fn contact_gap_reviews_and_measures() {
        let f = CaseFacts {
            accepted: true,
            referred_on: Some(date!(2026 - 06 - 01)),
            first_contact_on: Some(date!(2026 - 06 - 05)),
            last_contact_on: Some(date!(2026 - 10 - 01)),
            next_review_on: Some(date!(2026 - 11 - 30)),
            baseline_on: Some(date!(2026 - 06 - 05)),
            has_follow_up: false,
            follow_up_after_months: None,
        };
        let fl = flags(&f, TODAY);
        assert_eq!(fl[0], Flag { rag: Rag::Red, message: "No contact for 61 days".into() });
        assert!(fl.iter().any(|f| f.message.starts_with("Goal review overdue")));
        assert!(fl.iter().any(|f| f.message == "Follow-up measures due"));
        let done = CaseFacts { last_contact_on: Some(date!(2026 - 11 - 20)), next_review_on: None, has_follow_up: true, ..f };
        assert!(flags(&done, TODAY).is_empty());
        let no_baseline = CaseFacts { baseline_on: None, ..done };
        assert_eq!(flags(&no_baseline, TODAY)[0].message, "Baseline measures due");
    }

    #[test]
    fn follow_up_is_due_when_the_services_schedule_says() {
        let due = |baseline: Date, months: Option<u8>| {
            let f = CaseFacts { accepted: true, first_contact_on: Some(baseline), last_contact_on: Some(TODAY), baseline_on: Some(baseline), follow_up_after_months: months, ..Default::default() };
            flags(&f, TODAY).iter().any(|f| f.message == "Follow-up measures due")
        };
        // Without a schedule: 90 days after the baseline.
        assert!(due(TODAY - Duration::days(90), None));
        assert!(!due(TODAY - Duration::days(89), None));
        // A service that follows up at 6 months: not due at 3 months, due on the day 6 months on.
        assert!(!due(TODAY - Duration::days(100), Some(6)));
        assert!(!due(date!(2026 - 06 - 02), Some(6)), "6 months after 2 June is 2 December, after today");
        assert!(due(date!(2026 - 06 - 01), Some(6)), "6 months after 1 June is 1 December, today");
        assert!(due(date!(2026 - 10 - 01), Some(2)));
    }
}
