//! Times as people in the UK read them: Greenwich Mean Time in winter, British Summer Time
//! (UTC+1) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October
//! (the rule since 1996). Stored times stay UTC; only what is shown is converted.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

fn last_sunday(year: i32, month: Month) -> Option<Date> {
    let mut day = Date::from_calendar_date(year, month, month.length(year)).ok()?;
    while day.weekday() != Weekday::Sunday {
        day = day.previous_day()?;
    }
    Some(day)
}

/// Whether British Summer Time is in force at `at`.
pub fn is_summer_time(at: OffsetDateTime) -> bool {
    let utc = at.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let change = |month| last_sunday(year, month).map(|d| PrimitiveDateTime::new(d, Time::from_hms(1, 0, 0).unwrap_or(Time::MIDNIGHT)).assume_utc());
    match (change(Month::March), change(Month::October)) {
        (Some(start), Some(end)) => utc >= start && utc < end,
        _ => false,
    }
}

/// `at` in UK local time.
pub fn uk_local(at: OffsetDateTime) -> OffsetDateTime {
    let offset = if is_summer_time(at) { UtcOffset::from_hms(1, 0, 0).unwrap_or(UtcOffset::UTC) } else { UtcOffset::UTC };
    at.to_offset(offset)
}

/// Today's date in the UK (what "today" means to a link worker at 00:30 BST).
pub fn uk_today(now: OffsetDateTime) -> Date {
    uk_local(now).date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn summer_time_starts_and_ends_at_one_in_the_morning_utc() {
        // 2026: last Sunday of March is the 29th, of October the 25th.
        assert!(!is_summer_time(datetime!(2026-03-29 00:59:59 UTC)));
        assert!(is_summer_time(datetime!(2026-03-29 01:00:00 UTC)));
        assert!(is_summer_time(datetime!(2026-10-25 00:59:59 UTC)));
        assert!(!is_summer_time(datetime!(2026-10-25 01:00:00 UTC)));
    }

    #[test]
    fn local_time_is_an_hour_ahead_in_summer_only() {
        assert_eq!(uk_local(datetime!(2026-07-01 12:00 UTC)).hour(), 13);
        assert_eq!(uk_local(datetime!(2026-12-01 12:00 UTC)).hour(), 12);
    }

    #[test]
    fn just_after_midnight_in_summer_is_already_tomorrow() {
        assert_eq!(uk_today(datetime!(2026-07-01 23:30 UTC)).to_string(), "2026-07-02");
    }
}
