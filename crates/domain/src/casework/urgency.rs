//! One rule and one wording for what a link worker has to do by when: the caseload's flags, the
//! "Measures due" list and the discharge page all say *due* and *overdue* the same way.
//!
//! Something with a [`Deadline`] is **due** from the day it is listed (a follow-up measure is
//! listed a fortnight before its due day; most things on their due day) and **overdue** from a
//! later day. Nothing else is said: there is no "due soon" beside "overdue". Its words are
//! - "{what} due on {due day}" while the due day is still ahead,
//! - "{what} due since {due day}" once it has come, and
//! - "{what} overdue since {first overdue day}" after that.
//!
//! Counted days are written with [`days`] ("1 day", "2 days"), never "1 days".

use serde::Serialize;
use time::Date;

/// How urgent something is on a given day. Ordered: overdue is more urgent than due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Urgency {
    Due,
    Overdue,
}

impl Urgency {
    /// As a status label: "Due", "Overdue".
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Due => "Due",
            Urgency::Overdue => "Overdue",
        }
    }

    /// As a word in a sentence: "due", "overdue".
    pub fn word(self) -> &'static str {
        match self {
            Urgency::Due => "due",
            Urgency::Overdue => "overdue",
        }
    }

    pub fn code(self) -> &'static str {
        self.word()
    }
}

/// When something is listed, due and overdue (`listed_from <= due_on < overdue_from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The first day it is shown as due (the due day itself, or earlier for a window that opens before it).
    pub listed_from: Date,
    pub due_on: Date,
    /// The first day it is overdue.
    pub overdue_from: Date,
}

impl Deadline {
    /// Due on `due_on` (and listed from it), overdue from `overdue_from`.
    pub fn on(due_on: Date, overdue_from: Date) -> Self {
        Self { listed_from: due_on, due_on, overdue_from }
    }

    /// The one rule: nothing before `listed_from`, due until `overdue_from`, overdue from then.
    pub fn urgency(&self, today: Date) -> Option<Urgency> {
        if today >= self.overdue_from {
            Some(Urgency::Overdue)
        } else if today >= self.listed_from {
            Some(Urgency::Due)
        } else {
            None
        }
    }

    /// The one wording, e.g. "Baseline measures overdue since 8 July 2026"; `None` when nothing is due yet.
    pub fn describe(&self, what: &str, today: Date) -> Option<(Urgency, String)> {
        let (urgency, when) = self.when(today)?;
        Some((urgency, format!("{what} {when}")))
    }

    /// The wording without its subject: "due on 1 September 2026", "due since …", "overdue since …".
    pub fn when(&self, today: Date) -> Option<(Urgency, String)> {
        let urgency = self.urgency(today)?;
        let text = match urgency {
            Urgency::Overdue => format!("overdue since {}", crate::format_date_long(self.overdue_from)),
            Urgency::Due if self.due_on > today => format!("due on {}", crate::format_date_long(self.due_on)),
            Urgency::Due => format!("due since {}", crate::format_date_long(self.due_on)),
        };
        Some((urgency, text))
    }
}

/// "1 day", "2 days", "0 days": every count of days shown to people goes through here.
pub fn days(n: i64) -> String {
    count(n, "day", "days")
}

/// "1 {one}" or "{n} {many}".
pub fn count(n: i64, one: &str, many: &str) -> String {
    if n == 1 || n == -1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn one_day_is_singular() {
        assert_eq!(days(1), "1 day");
        assert_eq!(days(0), "0 days");
        assert_eq!(days(2), "2 days");
        assert_eq!(days(15), "15 days");
        assert_eq!(count(1, "person", "people"), "1 person");
    }

    #[test]
    fn due_then_overdue_with_one_wording() {
        let d = Deadline { listed_from: date!(2026 - 08 - 18), due_on: date!(2026 - 09 - 01), overdue_from: date!(2026 - 09 - 29) };
        assert_eq!(d.describe("3-month follow-up measures", date!(2026 - 08 - 17)), None);
        assert_eq!(d.describe("3-month follow-up measures", date!(2026 - 08 - 18)).unwrap(), (Urgency::Due, "3-month follow-up measures due on 1 September 2026".into()));
        assert_eq!(d.describe("X", date!(2026 - 09 - 01)).unwrap().1, "X due since 1 September 2026");
        assert_eq!(d.describe("X", date!(2026 - 09 - 28)).unwrap().0, Urgency::Due);
        assert_eq!(d.describe("X", date!(2026 - 09 - 29)).unwrap(), (Urgency::Overdue, "X overdue since 29 September 2026".into()));
        assert!(Urgency::Overdue > Urgency::Due);
    }
}
