use thiserror::Error;

/// Why the domain refused a value or an action. Messages are written for a link worker, not a
/// developer: they say what is wrong and how to put it right.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// A value entered by a person did not parse. `field` names the form field it came from.
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    /// The action does not fit where the record is in its lifecycle (e.g. accepting a discharged referral).
    #[error("{0}")]
    NotAllowed(String),
}

impl DomainError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { field, message: message.into() }
    }

    /// The form field this error belongs to, if any (for linking an error summary to its input).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::NotAllowed(_) => None,
        }
    }
}
