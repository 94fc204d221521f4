//! The NHS.UK date input pattern: a date is typed as three boxes, day, month and year
//! (`held_on-day`, `held_on-month`, `held_on-year`), never through the browser's date picker,
//! which shows the order of the browser's locale (US order on many machines). Everything past
//! the boundary reads one ISO value (`held_on` = `2026-03-27`): the parts are joined here, for
//! form bodies ([`join_parts`], used by the form reader `Fields`) and for query strings
//! ([`joined_query`], for filter forms sent with GET).

const PARTS: [&str; 3] = ["-day", "-month", "-year"];

/// Adds `name` = `YYYY-MM-DD` for every `name-day`/`-month`/`-year` trio (empty when all three
/// are empty; as typed, so the parse fails with a clear message, when a part is not a number).
/// A `name` that was sent itself is left alone.
pub fn join_parts(pairs: &mut Vec<(String, String)>) {
    let names: Vec<String> = pairs.iter().filter_map(|(k, _)| k.strip_suffix("-day").map(str::to_owned)).collect();
    for name in names {
        if pairs.iter().any(|(k, _)| *k == name) {
            continue;
        }
        let part = |suffix: &str| pairs.iter().find(|(k, _)| *k == format!("{name}{suffix}")).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
        let (day, month, year) = (part(PARTS[0]), part(PARTS[1]), part(PARTS[2]));
        let joined = if day.is_empty() && month.is_empty() && year.is_empty() {
            String::new()
        } else {
            match (day.parse::<u8>(), month.parse::<u8>(), year.parse::<u16>()) {
                (Ok(d), Ok(m), Ok(y)) if year.len() == 4 => format!("{y:04}-{m:02}-{d:02}"),
                _ => format!("{year}-{month}-{day}"),
            }
        };
        pairs.push((name, joined));
    }
}

/// The day, month or year part of a date field as the form shows it: what was typed, or taken
/// from the ISO value (a default, or a value saved before).
pub fn part<'a>(typed: Option<&'a str>, iso: &'a str, which: &str) -> String {
    if let Some(t) = typed {
        return t.to_owned();
    }
    let mut pieces = iso.split('-');
    let (year, month, day) = (pieces.next().unwrap_or(""), pieces.next().unwrap_or(""), pieces.next().unwrap_or(""));
    let strip = |s: &str| s.trim_start_matches('0').to_owned();
    match which {
        "day" => strip(day),
        "month" => strip(month),
        _ => year.to_owned(),
    }
}

/// A query string that holds date parts, rewritten so handlers read the joined ISO values
/// (`None`: nothing to join).
pub fn joined_query(query: &str) -> Option<String> {
    if !query.contains("-day=") {
        return None;
    }
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    join_parts(&mut pairs);
    Some(form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn three_boxes_become_one_iso_date() {
        let mut p = pairs(&[("held_on-day", "7"), ("held_on-month", "3"), ("held_on-year", "2026"), ("x", "y")]);
        join_parts(&mut p);
        assert!(p.contains(&("held_on".to_owned(), "2026-03-07".to_owned())));
    }

    #[test]
    fn empty_boxes_are_an_empty_date_and_nonsense_stays_nonsense() {
        let mut p = pairs(&[("review-day", ""), ("review-month", ""), ("review-year", ""), ("born-day", "31"), ("born-month", "two"), ("born-year", "1950")]);
        join_parts(&mut p);
        assert!(p.contains(&("review".to_owned(), String::new())));
        assert!(p.contains(&("born".to_owned(), "1950-two-31".to_owned())), "a date that fails to parse, with its own message");
    }

    #[test]
    fn a_two_digit_year_is_not_guessed() {
        let mut p = pairs(&[("d-day", "1"), ("d-month", "2"), ("d-year", "50")]);
        join_parts(&mut p);
        assert!(p.contains(&("d".to_owned(), "50-2-1".to_owned())));
    }

    #[test]
    fn parts_show_what_was_typed_or_the_saved_date() {
        assert_eq!(part(Some("31"), "2026-03-07", "day"), "31");
        assert_eq!((part(None, "2026-03-07", "day"), part(None, "2026-03-07", "month"), part(None, "2026-03-07", "year")), ("7".into(), "3".into(), "2026".into()));
        assert_eq!(part(None, "", "year"), "");
    }

    #[test]
    fn query_strings_are_joined_too() {
        let joined = joined_query("from-day=1&from-month=4&from-year=2026&scope=pcn").unwrap();
        assert!(joined.contains("from=2026-04-01"), "{joined}");
        assert!(joined_query("from=2026-04-01").is_none());
    }
}
