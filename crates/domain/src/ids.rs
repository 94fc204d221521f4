//! Typed ids of the main entities. An id is the text the store gave the row (a UUID for rows
//! Linkwork made, an external id for a directory service imported from another directory), so
//! these types do not check its form: what they add is that a person's id cannot be passed where
//! a referral's is expected. A shell wraps the id it was given (`ReferralId::from(path)`); whether
//! that id names anything the caller may see is the use case's question, answered after the
//! access check (so a role without access gets the same answer for every id).

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        // The store still speaks text: a typed id goes wherever its text is wanted, while a use
        // case that asks for a `ReferralId` cannot be handed a person's id or a bare string.
        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}

ids! {
    /// A referral: one episode of a person's time with the service.
    ReferralId,
    /// A person the service holds (one per NHS number, across referrals).
    PersonId,
    /// An organisation: ICB, PCN (a social prescribing service), GP practice or VCSE partner.
    OrgId,
    /// A user account.
    UserId,
    /// A goal of a referral's plan.
    GoalId,
    /// An onward referral to a community service.
    OnwardId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_kept_as_given_and_shown_as_its_text() {
        let id = ReferralId::from("0193a7c2-0000-7000-8000-000000000001");
        assert_eq!((id.as_str(), id.to_string()), ("0193a7c2-0000-7000-8000-000000000001", "0193a7c2-0000-7000-8000-000000000001".to_owned()));
    }

    #[test]
    fn an_id_is_plain_text_in_json() {
        assert_eq!(serde_json::to_string(&PersonId::from("p1")).unwrap(), "\"p1\"");
        assert_eq!(serde_json::from_str::<PersonId>("\"p1\"").unwrap(), PersonId::from("p1"));
    }
}
