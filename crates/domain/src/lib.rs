//! Linkwork's domain core: the types and rules of a social prescribing service.
//!
//! Everything here is pure (no I/O, no clock, no database). Values are *parsed* at the boundary into
//! types that cannot hold invalid states (an [`NhsNumber`] always has a valid check digit, a
//! [`instruments::AnswerSet`] is always complete and in range), so the storage and web layers never
//! re-check them. The evaluation maths ([`stats`], [`disclosure`], [`evaluation`]) lives here too, so
//! the web report and the CLI report are the same computation.

pub mod access;
pub mod audit_chain;
pub mod bundle;
pub mod caseload;
pub mod community;
pub mod consent;
pub mod contact;
pub mod contact_details;
pub mod csv_safe;
pub mod custom_instrument;
pub mod directory;
pub mod disclosure;
pub mod discharge;
pub mod equity;
mod error;
pub mod evaluation;
pub mod evaluation_custom;
pub mod gp_record;
pub mod health_system;
pub mod identity;
pub mod sroi;
pub mod import;
pub mod instruments;
pub mod intake;
pub mod mdt;
pub mod need;
pub mod nhs_number;
pub mod onward;
pub mod partnership;
pub mod person;
pub mod plan;
pub mod postcode;
pub mod referral;
pub mod resolution;
pub mod schedule;
pub mod report_scope;
pub mod stakeholders;
pub mod stats;
mod text;
pub mod triage;
pub mod uk_time;
pub mod urgency;
pub mod what_works;
pub mod workforce;
pub mod word_cloud;

pub use error::DomainError;
pub use nhs_number::NhsNumber;
pub use postcode::Postcode;
pub use text::{check_characters, forbidden_character, forbidden_character_message, BoundedText, Lines, RequiredText};

/// Result type of the domain layer.
pub type Result<T> = std::result::Result<T, DomainError>;

/// Dates shown to people follow the NHS.UK content style: `1 December 2026`.
pub fn format_date_long(date: time::Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}
