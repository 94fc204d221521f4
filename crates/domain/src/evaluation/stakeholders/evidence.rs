//! Qualitative evidence: quotes, case studies, interview and focus-group notes, tagged to outcome
//! domains, needs and stakeholders, with the consent it was given under.
//!
//! Nothing reaches a report unless (1) consent covers use in reports and (2) a manager approved
//! the *anonymised* text: [`anonymise`] removes the person's known identifiers (name parts, NHS
//! number, date of birth, postcode) and anything shaped like an identifier (NHS numbers, full
//! dates, postcodes, phone numbers, e-mail addresses), and the manager reads the result before
//! approving it. The published item carries no link to the person: only its kind, title, the
//! approved text and its tags.

use crate::casework::need::NeedDomain;
use crate::evaluation::facts::Period;
use crate::evaluation::stakeholders::scorecard::StakeholderKind;
use crate::person::nhs_number::NhsNumber;
use crate::person::postcode::Postcode;
use crate::text::coded_enum;
use serde::Serialize;
use time::Date;

coded_enum! {
    EvidenceKind, field = "kind", prompt = "Select the kind of evidence" {
        Quote = "quote", "Quote";
        CaseStudy = "case_study", "Case study";
        Interview = "interview", "Interview notes";
        FocusGroup = "focus_group", "Focus group notes";
    }
}

coded_enum! {
    /// Where the difference shows (evaluation.md's outcome levels).
    OutcomeDomain, field = "outcome_domains", prompt = "Select at least one outcome domain" {
        Person = "person", "The person: wellbeing, confidence, skills";
        Community = "community", "The community: connections, groups, volunteering";
        HealthSystem = "health_system", "The health system: use of GP and hospital services";
    }
}

coded_enum! {
    ConsentGivenBy, field = "consent_by", prompt = "Select who gave consent" {
        Person = "person", "The person themselves";
        Representative = "representative", "Their carer or representative";
        Participants = "participants", "Every participant in the group";
    }
}

coded_enum! {
    ConsentUse, field = "consent_use", prompt = "Select what consent was given for" {
        InReports = "in_reports", "In reports, anonymised";
        InternalOnly = "internal", "Internal learning only";
    }
}

/// Identifiers known for the person the evidence is about, from their record.
#[derive(Debug, Clone, Default)]
pub struct KnownIdentifiers {
    /// Given and family names (each part of a multi-part name is removed on its own).
    pub names: Vec<String>,
    pub nhs_number: Option<NhsNumber>,
    pub date_of_birth: Option<Date>,
    pub postcode: Option<Postcode>,
}

pub const NAME: &str = "[name]";
pub const NHS_NUMBER: &str = "[NHS number]";
pub const DATE: &str = "[date]";
pub const POSTCODE: &str = "[postcode]";
pub const PHONE: &str = "[phone number]";
pub const EMAIL: &str = "[email address]";

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month name or its usual abbreviation ("Mar", "Sept").
fn is_month(word: &str) -> bool {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    w.len() >= 3
        && MONTHS
            .iter()
            .any(|m| *m == w || (w.len() <= 4 && m.starts_with(w)))
}

fn is_day(word: &str) -> bool {
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    let rest = &word[digits.len()..];
    matches!(digits.parse::<u32>(), Ok(1..=31))
        && matches!(rest.to_lowercase().as_str(), "" | "st" | "nd" | "rd" | "th")
}

fn is_year(word: &str) -> bool {
    word.len() == 4 && word.chars().all(|c| c.is_ascii_digit())
}

/// `12/03/1950`, `1-3-50`, `12.03.1950`, `1950-03-12`.
fn is_numeric_date(word: &str) -> bool {
    for sep in ['/', '-', '.'] {
        let parts: Vec<&str> = word.split(sep).collect();
        if parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        {
            let l: Vec<usize> = parts.iter().map(|p| p.len()).collect();
            if (l[0] <= 2 && l[1] <= 2 && (l[2] == 2 || l[2] == 4))
                || (l[0] == 4 && l[1] <= 2 && l[2] <= 2)
            {
                return true;
            }
        }
    }
    false
}

/// Whether `day month yy` is `dob` written with a two-digit year.
fn is_short_form_of(dob: Date, day: &str, month: &str, year: &str) -> bool {
    let day: String = day.chars().take_while(char::is_ascii_digit).collect();
    let month_name = dob.month().to_string().to_lowercase();
    year.len() == 2
        && year.parse::<i32>().ok() == Some(dob.year().rem_euclid(100))
        && day.parse::<u8>().ok() == Some(dob.day())
        && month_name.starts_with(&month.to_lowercase().trim_end_matches('.').to_owned())
}

/// A word split into leading punctuation, its core and trailing punctuation.
struct Word {
    pre: String,
    core: String,
    post: String,
    space: String,
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut rest = text;
    // Leading whitespace belongs to an empty first word.
    let lead = rest.len() - rest.trim_start().len();
    if lead > 0 {
        out.push(Word {
            pre: String::new(),
            core: String::new(),
            post: String::new(),
            space: rest[..lead].to_owned(),
        });
        rest = &rest[lead..];
    }
    while !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        let after = &rest[end..];
        let space_len = after.len() - after.trim_start().len();
        let punct = |c: char| {
            matches!(
                c,
                '(' | ')'
                    | '<'
                    | '>'
                    | '['
                    | ']'
                    | '"'
                    | '\''
                    | ','
                    | ';'
                    | ':'
                    | '!'
                    | '?'
                    | '.'
                    | '“'
                    | '”'
                    | '‘'
                    | '’'
            )
        };
        let core_start = word.find(|c: char| !punct(c)).unwrap_or(word.len());
        let core_end = word
            .rfind(|c: char| !punct(c))
            .map(|i| i + word[i..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(core_start)
            .max(core_start);
        out.push(Word {
            pre: word[..core_start].to_owned(),
            core: word[core_start..core_end].to_owned(),
            post: word[core_end..].to_owned(),
            space: after[..space_len].to_owned(),
        });
        rest = &after[space_len..];
    }
    out
}

fn join(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| format!("{}{}{}{}", w.pre, w.core, w.post, w.space))
        .collect()
}

/// Replaces words `i..i+n` by `marker`, keeping the punctuation around them.
fn replace(words: &mut Vec<Word>, i: usize, n: usize, marker: &str) {
    let last = i + n - 1;
    let post = std::mem::take(&mut words[last].post);
    let space = std::mem::take(&mut words[last].space);
    words[i].core = marker.to_owned();
    words[i].post = post;
    words[i].space = space;
    words.drain(i + 1..=last);
}

fn is_email(core: &str) -> bool {
    match core.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// Word-level identifiers: e-mail addresses, dates (numeric and written), postcodes.
fn word_pass(text: &str, known: &KnownIdentifiers) -> String {
    let mut w = words(text);
    let mut i = 0;
    while i < w.len() {
        let core = w[i].core.clone();
        let next = |k: usize| w.get(i + k).map(|x| x.core.as_str()).unwrap_or("");
        if is_email(&core) {
            replace(&mut w, i, 1, EMAIL);
        } else if is_numeric_date(&core) {
            replace(&mut w, i, 1, DATE);
        } else if (is_day(&core) && is_month(next(1)) || is_month(&core) && is_day(next(1)))
            && is_year(next(2))
        {
            // "12 March 1950", "12th Mar 1950", "March 12, 1950".
            replace(&mut w, i, 3, DATE);
        } else if is_day(&core)
            && is_month(next(1))
            && known
                .date_of_birth
                .is_some_and(|dob| is_short_form_of(dob, &core, next(1), next(2)))
        {
            // The person's own date of birth with a two-digit year: "12 Mar 50".
            replace(&mut w, i, 3, DATE);
        } else if (2..=4).contains(&core.len())
            && next(1).len() == 3
            && core.chars().any(|c| c.is_ascii_digit())
            && Postcode::parse(&format!("{core} {}", next(1))).is_ok()
        {
            replace(&mut w, i, 2, POSTCODE);
        } else if (5..=7).contains(&core.len())
            && core.chars().any(|c| c.is_ascii_alphabetic())
            && core.chars().all(|c| c.is_ascii_alphanumeric())
            && Postcode::parse(&core).is_ok()
        {
            replace(&mut w, i, 1, POSTCODE);
        } else {
            i += 1;
            continue;
        }
        i += 1;
    }
    // A known postcode written without its space is caught by the one-word rule.
    join(&w)
}

/// Runs of digits (with spaces, hyphens, brackets between them) of 10 or more digits: phone
/// numbers (starting 0 or +) and NHS numbers (any other 10 digits).
fn number_pass(text: &str, known: &KnownIdentifiers) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
            || (chars[i] == '(' && chars.get(i + 1) == Some(&'0'));
        let after_word = i > 0 && chars[i - 1].is_alphanumeric();
        if starts && !after_word {
            let mut j = i;
            let mut digits = String::new();
            let mut end = i;
            while j < chars.len() {
                let c = chars[j];
                if c.is_ascii_digit() {
                    digits.push(c);
                    end = j + 1;
                } else if !(matches!(c, ' ' | '-' | '(' | ')' | '+')
                    && chars
                        .get(j + 1)
                        .is_some_and(|n| n.is_ascii_digit() || matches!(n, '(' | ' ')))
                {
                    break;
                }
                j += 1;
            }
            if digits.len() >= 10 && !chars.get(end).is_some_and(|c| c.is_alphanumeric()) {
                let raw: String = chars[i..end].iter().collect();
                let is_known_nhs = known
                    .nhs_number
                    .as_ref()
                    .is_some_and(|n| n.as_str() == digits);
                let phone = !is_known_nhs
                    && (raw.starts_with('0')
                        || raw.starts_with('+')
                        || raw.starts_with('(')
                        || digits.len() > 10);
                out.push_str(if phone { PHONE } else { NHS_NUMBER });
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Whole-word, case-insensitive removal of the person's name parts ("Joan's" → "[name]'s").
fn name_pass(text: &str, known: &KnownIdentifiers) -> String {
    let parts: Vec<String> = known
        .names
        .iter()
        .flat_map(|n| {
            n.split(|c: char| c.is_whitespace() || c == '-')
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .filter(|p| p.chars().count() >= 2)
        .collect();
    if parts.is_empty() {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if parts.iter().any(|p| *p == word.to_lowercase()) {
            out.push_str(NAME);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The text with the person's known identifiers and anything shaped like an identifier replaced
/// by a marker (`[name]`, `[NHS number]`, `[date]`, `[postcode]`, `[phone number]`,
/// `[email address]`). A manager still reads the result before it is published: free text can
/// identify someone in ways no rule catches ("the only blacksmith in Riverside").
pub fn anonymise(text: &str, known: &KnownIdentifiers) -> String {
    let text = word_pass(text, known);
    let text = number_pass(&text, known);
    name_pass(&text, known)
}

/// An evidence item as the evaluation sees it: no person, only what may be published.
#[derive(Debug, Clone)]
pub struct EvidenceFacts {
    pub kind: EvidenceKind,
    pub title: String,
    pub consent_use: ConsentUse,
    /// The anonymised text a manager approved; `None` until approved.
    pub approved_text: Option<String>,
    pub recorded_on: Date,
    pub outcome_domains: Vec<OutcomeDomain>,
    pub needs: Vec<NeedDomain>,
    pub stakeholders: Vec<StakeholderKind>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedEvidence {
    pub kind: &'static str,
    pub title: String,
    pub text: String,
    pub outcome_domains: Vec<&'static str>,
    pub needs: Vec<&'static str>,
    pub stakeholders: Vec<&'static str>,
}

/// The items a report may show: consented for reports, approved, recorded in the period.
pub fn publishable(items: &[EvidenceFacts], period: Period) -> Vec<PublishedEvidence> {
    items
        .iter()
        .filter(|e| e.consent_use == ConsentUse::InReports && period.contains(e.recorded_on))
        .filter_map(|e| {
            Some(PublishedEvidence {
                kind: e.kind.label(),
                title: e.title.clone(),
                text: e.approved_text.clone()?,
                outcome_domains: e.outcome_domains.iter().map(|d| d.code()).collect(),
                needs: e.needs.iter().map(|n| n.label()).collect(),
                stakeholders: e.stakeholders.iter().map(|s| s.label()).collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn known() -> KnownIdentifiers {
        KnownIdentifiers {
            names: vec!["Joan".into(), "Pickering-Hale".into()],
            nhs_number: Some(NhsNumber::parse("943 476 5919").unwrap()),
            date_of_birth: Some(date!(1950 - 03 - 12)),
            postcode: Some(Postcode::parse("LS1 4AP").unwrap()),
        }
    }

    fn a(text: &str) -> String {
        anonymise(text, &known())
    }

    #[test]
    fn names_each_part_any_case_with_possessives() {
        assert_eq!(
            a("Joan said: \"JOAN's walks help.\""),
            "[name] said: \"[name]'s walks help.\""
        );
        assert_eq!(
            a("Mrs Pickering-Hale and Mr Hale"),
            "Mrs [name]-[name] and Mr [name]"
        );
        assert_eq!(a("Joanna came too"), "Joanna came too", "whole words only");
    }

    #[test]
    fn nhs_numbers_spaced_or_not() {
        assert_eq!(a("NHS no 943 476 5919."), "NHS no [NHS number].");
        assert_eq!(a("(9434765919)"), "([NHS number])");
        assert_eq!(
            a("another 401-023-2137 here"),
            "another [NHS number] here",
            "any 10-digit number not starting 0 is treated as an NHS number"
        );
        assert_eq!(a("she is 75 and has 3 cats"), "she is 75 and has 3 cats");
    }

    #[test]
    fn dates_of_birth_in_every_common_form() {
        assert_eq!(a("born 12/03/1950, and"), "born [date], and");
        assert_eq!(a("DOB 12.3.50"), "DOB [date]");
        assert_eq!(a("1950-03-12"), "[date]");
        assert_eq!(a("on 12th March 1950."), "on [date].");
        assert_eq!(a("on March 12, 1950"), "on [date]");
        assert_eq!(a("12 Mar 1950"), "[date]");
        assert_eq!(
            a("born 12 Mar 50."),
            "born [date].",
            "the person's own date of birth with a short year"
        );
        assert_eq!(
            a("on 13 Mar 50 we met"),
            "on 13 Mar 50 we met",
            "another short date is not theirs: kept"
        );
        assert_eq!(
            a("in March she joined"),
            "in March she joined",
            "a month alone is kept"
        );
        assert_eq!(a("for 12 weeks in 2025"), "for 12 weeks in 2025");
    }

    #[test]
    fn postcodes_with_or_without_the_space() {
        assert_eq!(a("lives at LS1 4AP."), "lives at [postcode].");
        assert_eq!(a("moved to ls14ap"), "moved to [postcode]");
        assert_eq!(a("near SW1A 1AA"), "near [postcode]");
        assert_eq!(
            a("in LS1 now"),
            "in LS1 now",
            "an outward code alone places someone coarsely and is kept"
        );
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(a("call 07700 900123 or"), "call [phone number] or");
        assert_eq!(a("ring +44 7700 900123!"), "ring [phone number]!");
        assert_eq!(a("(0113) 496 0000"), "[phone number]");
        assert_eq!(a("0113-496-0000"), "[phone number]");
    }

    #[test]
    fn email_addresses() {
        assert_eq!(
            a("write to joan.p@example.org."),
            "write to [email address]."
        );
        assert_eq!(
            a("<jp@mail.example.co.uk>"),
            "<[email address]>",
            "angle brackets stay outside"
        );
        assert_eq!(a("meet @ the cafe"), "meet @ the cafe");
    }

    #[test]
    fn everything_together() {
        let text = "Joan Pickering-Hale (NHS 943 476 5919, born 12/03/1950, LS1 4AP, 07700 900123, joan@example.org) told us: \"Joan feels less alone.\"";
        assert_eq!(a(text), "[name] [name]-[name] (NHS [NHS number], born [date], [postcode], [phone number], [email address]) told us: \"[name] feels less alone.\"");
        assert_eq!(
            anonymise("  Nothing to remove here.  ", &KnownIdentifiers::default()),
            "  Nothing to remove here.  "
        );
        assert_eq!(anonymise("", &known()), "");
    }

    #[test]
    fn only_consented_and_approved_items_in_the_period_are_published() {
        let item = |use_: ConsentUse, approved: Option<&str>, on: Date| EvidenceFacts {
            kind: EvidenceKind::Quote,
            title: "t".into(),
            consent_use: use_,
            approved_text: approved.map(Into::into),
            recorded_on: on,
            outcome_domains: vec![OutcomeDomain::Person],
            needs: vec![NeedDomain::Loneliness],
            stakeholders: vec![StakeholderKind::PeopleUsingService],
        };
        let p = Period::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap();
        let items = [
            item(ConsentUse::InReports, Some("ok"), date!(2026 - 05 - 01)),
            item(
                ConsentUse::InternalOnly,
                Some("internal"),
                date!(2026 - 05 - 01),
            ),
            item(ConsentUse::InReports, None, date!(2026 - 05 - 01)),
            item(ConsentUse::InReports, Some("old"), date!(2025 - 05 - 01)),
        ];
        let published = publishable(&items, p);
        assert_eq!(
            published
                .iter()
                .map(|e| e.text.as_str())
                .collect::<Vec<_>>(),
            ["ok"]
        );
        assert_eq!(published[0].outcome_domains, ["person"]);
        assert_eq!(published[0].stakeholders, ["People using the service"]);
    }
}
