//! The `YYYY-MM-DD` dates the database packs into the evaluation's text, parsed by hand: the
//! report parses one per contact and measure (about fifteen million at the national size), and
//! the general ISO 8601 parser spent a second or two of the report on them.

use time::{Date, Month};

/// `text` as a date, or `None` when it is not exactly a valid `YYYY-MM-DD`.
pub(crate) fn parse(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| digits.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')));
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    let month = Month::try_from(u8::try_from(number(&b[5..7])?).ok()?).ok()?;
    let day = u8::try_from(number(&b[8..10])?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::parse;
    use time::macros::date;

    #[test]
    fn an_iso_date_is_read_as_that_day() {
        assert_eq!(parse("2026-03-05"), Some(date!(2026 - 03 - 05)));
        assert_eq!(parse("1950-12-31"), Some(date!(1950 - 12 - 31)));
    }

    #[test]
    fn a_day_the_month_does_not_have_is_refused() {
        assert_eq!(parse("2026-02-29"), None);
        assert_eq!(parse("2026-13-01"), None);
        assert_eq!(parse("2026-00-10"), None);
    }

    #[test]
    fn anything_but_ten_characters_of_digits_and_dashes_is_refused() {
        for text in ["", "2026-3-05", "2026-03-05T00:00", "2026/03/05", "20a6-03-05", "+026-03-05", " 2026-03-0"] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }
}
