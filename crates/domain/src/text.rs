use crate::{DomainError, Result};

/// Free text that must not be blank (a name, a goal, a reason), trimmed, at most `MAX` characters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct RequiredText<const MAX: usize>(String);

impl<const MAX: usize> RequiredText<MAX> {
    pub fn parse(field: &'static str, label: &str, raw: &str) -> Result<Self> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(DomainError::invalid(field, format!("Enter {label}")));
        }
        if trimmed.chars().count() > MAX {
            return Err(DomainError::invalid(field, format!("{} must be {MAX} characters or fewer", capitalise(label))));
        }
        Ok(Self(trimmed.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Optional free text (notes, summaries): trimmed, empty becomes `None`, at most `MAX` characters.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[serde(transparent)]
pub struct BoundedText<const MAX: usize>(Option<String>);

impl<const MAX: usize> BoundedText<MAX> {
    pub fn parse(field: &'static str, label: &str, raw: &str) -> Result<Self> {
        let trimmed = raw.trim();
        if trimmed.chars().count() > MAX {
            return Err(DomainError::invalid(field, format!("{} must be {MAX} characters or fewer", capitalise(label))));
        }
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
    fn bounded_text_maps_blank_to_none() {
        assert_eq!(BoundedText::<10>::parse("f", "notes", " ").unwrap().as_deref(), None);
        assert_eq!(BoundedText::<10>::parse("f", "notes", " x ").unwrap().as_deref(), Some("x"));
    }
}
