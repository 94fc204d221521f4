//! **Measurement**: the questionnaires a service measures outcomes with. Owns the shipped
//! instruments, their items, answer checking and scoring ([`instruments`]: entry points
//! [`instruments::Instrument`], [`instruments::AnswerSet`], [`instruments::Recorded`]) and a
//! service's own questionnaires ([`custom_instrument`]). Invariants: an answer set is always
//! complete and in range; scores are computed here only, never stored on their own except as
//! imported `ScoresOnly` history.

pub mod custom_instrument;
pub mod instruments;
