use crate::{DomainError, Result};

/// Whether text may run over several lines (notes, reasons) or is one line (names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// The first character of `raw` that has no business in text: NUL (PostgreSQL cannot store it in
/// text, SQLite would, so the two would differ) and the other control characters (C0, DEL, C1).
/// Tab and line breaks are allowed in text that may run over several lines.
pub fn forbidden_character(raw: &str, lines: Lines) -> Option<char> {
    raw.chars().find(|&c| c.is_control() && !(lines == Lines::Many && matches!(c, '\t' | '\n' | '\r')))
}

/// The message for a forbidden character in the field called `label`, e.g. "The first name
/// contains a character that cannot be stored (U+0000, an invisible control character): …".
pub fn forbidden_character_message(label: &str, c: char) -> String {
    let what = match c {
        '\0' => "a NUL byte".to_owned(),
        '\t' => "a tab".to_owned(),
        '\n' | '\r' => "a line break".to_owned(),
        other => format!("an invisible control character (U+{:04X})", other as u32),
    };
    format!("{} contains {what}, which cannot be stored: remove it, or retype the text rather than pasting it", capitalise(label))
}

/// Refuses text with a character [`forbidden_character`] finds, naming the field.
pub fn check_characters(field: &'static str, label: &str, raw: &str, lines: Lines) -> Result<()> {
    match forbidden_character(raw, lines) {
        Some(c) => Err(DomainError::invalid(field, forbidden_character_message(label, c))),
        None => Ok(()),
    }
}

/// Free text that must not be blank (a name, a goal, a reason), trimmed, at most `MAX` characters,
/// with no control characters (and, unless `MULTILINE`, no tabs or line breaks).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct RequiredText<const MAX: usize, const MULTILINE: bool = true>(String);

const fn lines(multiline: bool) -> Lines {
    if multiline {
        Lines::Many
    } else {
        Lines::One
    }
}

impl<const MAX: usize, const MULTILINE: bool> RequiredText<MAX, MULTILINE> {
    pub fn parse(field: &'static str, label: &str, raw: &str) -> Result<Self> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(DomainError::invalid(field, format!("Enter {label}")));
        }
        if trimmed.chars().count() > MAX {
            return Err(DomainError::invalid(field, format!("{} must be {MAX} characters or fewer", capitalise(label))));
        }
        check_characters(field, label, trimmed, lines(MULTILINE))?;
        Ok(Self(trimmed.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Optional free text (notes, summaries): trimmed, empty becomes `None`, at most `MAX` characters,
/// no control characters other than tabs and line breaks.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[serde(transparent)]
pub struct BoundedText<const MAX: usize>(Option<String>);

impl<const MAX: usize> BoundedText<MAX> {
    pub fn parse(field: &'static str, label: &str, raw: &str) -> Result<Self> {
        let trimmed = raw.trim();
        if trimmed.chars().count() > MAX {
            return Err(DomainError::invalid(field, format!("{} must be {MAX} characters or fewer", capitalise(label))));
        }
        check_characters(field, label, trimmed, Lines::Many)?;
        Ok(Self((!trimmed.is_empty()).then(|| trimmed.to_owned())))
    }
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
    pub fn into_option(self) -> Option<String> {
        self.0
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Declares a closed set of coded values with a stable machine code (stored and sent over the API)
/// and a human label (shown in the UI), and a `parse` that names the field on failure. One macro so
/// that every coded list behaves the same way.
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        $name:ident, field = $field:literal, prompt = $prompt:literal {
            $( $variant:ident = $code:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $variant ),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),+ ];

            /// The stable code stored in the database and used in the API.
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code ),+ }
            }

            /// The label shown to people.
            pub fn label(self) -> &'static str {
                match self { $( $name::$variant => $label ),+ }
            }

            pub fn parse(raw: &str) -> $crate::Result<Self> {
                let raw = raw.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code().eq_ignore_ascii_case(raw))
                    .ok_or_else(|| $crate::DomainError::invalid($field, $prompt))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::DomainError;
            fn try_from(raw: String) -> $crate::Result<Self> {
                Self::parse(&raw)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use coded_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_trims_and_rejects_blank() {
        assert_eq!(RequiredText::<10>::parse("f", "a name", "  Ann ").unwrap().as_str(), "Ann");
        assert_eq!(RequiredText::<10>::parse("f", "a name", "   ").unwrap_err().to_string(), "Enter a name");
        assert!(RequiredText::<3>::parse("f", "a name", "Anna").is_err());
    }

    #[test]
    fn control_characters_are_refused_naming_the_field() {
        let e = RequiredText::<100, false>::parse("given_name", "the first name", "An\0n").unwrap_err();
        assert_eq!(e.field(), Some("given_name"));
        assert!(e.to_string().starts_with("The first name contains a NUL byte"), "{e}");
        for bad in ["a\u{1}b", "a\u{7f}b", "a\u{85}b", "a\u{1b}[31m"] {
            assert!(RequiredText::<100>::parse("reason", "the reason", bad).is_err(), "{bad:?}");
            assert!(BoundedText::<100>::parse("notes", "notes", bad).is_err(), "{bad:?}");
        }
        assert!(BoundedText::<100>::parse("notes", "notes", "x\0").unwrap_err().to_string().contains("NUL"));
    }

    #[test]
    fn line_breaks_only_where_text_runs_over_lines() {
        assert_eq!(RequiredText::<100>::parse("reason", "the reason", "one\r\ntwo\tthree").unwrap().as_str(), "one\r\ntwo\tthree");
        assert_eq!(BoundedText::<100>::parse("notes", "notes", "a\nb").unwrap().as_deref(), Some("a\nb"));
        assert!(RequiredText::<100, false>::parse("given_name", "the first name", "An\nn").unwrap_err().to_string().contains("line break"));
        assert!(RequiredText::<100, false>::parse("given_name", "the first name", "An\tn").is_err());
        assert_eq!(RequiredText::<100, false>::parse("given_name", "the first name", "Zoë Ó'Brien-Smith").unwrap().as_str(), "Zoë Ó'Brien-Smith");
    }

    #[test]
    fn bounded_text_maps_blank_to_none() {
        assert_eq!(BoundedText::<10>::parse("f", "notes", " ").unwrap().as_deref(), None);
        assert_eq!(BoundedText::<10>::parse("f", "notes", " x ").unwrap().as_deref(), Some("x"));
    }
}
