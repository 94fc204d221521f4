//! The date the service works to. Every use case and page asks [`today`], never the system clock
//! directly, so a run (a test, a demo, a training copy) can fix the date with `LINKWORK_TODAY`
//! and see the same "overdue" and "due" flags whenever it runs.

use std::sync::OnceLock;
use time::Date;

static FIXED: OnceLock<Option<Date>> = OnceLock::new();

/// Today in the UK (a link worker at 00:30 BST is already on the next day), or the date fixed by
/// `LINKWORK_TODAY` (`YYYY-MM-DD`) for this process.
pub fn today() -> Date {
    match FIXED.get_or_init(fixed_from_env) {
        Some(date) => *date,
        None => linkwork_domain::uk_time::uk_today(time::OffsetDateTime::now_utc()),
    }
}

fn fixed_from_env() -> Option<Date> {
    fixed_date().ok().flatten()
}

/// The date `LINKWORK_TODAY` fixes, if set; an error in words when it is not a date (the command
/// line checks this at start, so a typo is never silently the real date).
pub fn fixed_date() -> Result<Option<Date>, String> {
    let Ok(raw) = std::env::var("LINKWORK_TODAY") else { return Ok(None) };
    Date::parse(raw.trim(), time::macros::format_description!("[year]-[month]-[day]"))
        .map(Some)
        .map_err(|_| format!("LINKWORK_TODAY must be a date written YYYY-MM-DD, not {raw:?}"))
}
