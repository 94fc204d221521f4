//! Linkwork's domain core: the types and rules of a social prescribing service.
//!
//! Everything here is pure (no I/O, no clock, no database). Values are *parsed* at the boundary into
//! types that cannot hold invalid states (an [`NhsNumber`] always has a valid check digit, a
//! [`measurement::instruments::AnswerSet`] is always complete and in range), so the storage and web
//! layers never re-check them. The evaluation maths ([`evaluation::stats`],
//! [`evaluation::disclosure`], [`evaluation::report::evaluate`]) lives here too, so the web report
//! and the CLI report are the same computation.
//!
//! # Map
//!
//! The crate is grouped by bounded context; each context's `mod.rs` says what it owns, its entry
//! points and its invariants. The module graph has no cycle (`shared/tools/cycles.py`).
//!
//! ```text
//! (root)       shared kernel: access, audit_chain, error, ids, text, uk_time, format_date_long
//! measurement  instruments (shipped questionnaires, scoring), custom instruments
//! casework     referral lifecycle, intake, triage, needs, contacts, plan, MDT, measurement
//!              schedule, discharge, caseload flags, urgency (one due/overdue rule)
//! person       the person record, NHS number, postcode, identity matching, contact details, consent
//! directory    community services and link workers' community work
//! onward       onward referrals' closed loop; what partners and funders see (partnership)
//! evaluation   facts ← sections (outcomes, equity, workforce, what works, sdoh, custom outcomes,
//!              health system, SROI, stakeholders) ← input ← report (evaluate); stats, disclosure,
//!              report scopes, word cloud
//! interop      GP record events, the import/export bundle, CSV and ORUK imports, safe CSV writing
//! ```
//!
//! Contexts import downwards in that list, with two exceptions: `person::contact_details` uses the
//! phone and e-mail types of `casework::intake`, and `onward::partnership` reads evaluation facts,
//! disclosure and stats while `evaluation` reads `onward::OnwardStatus` (modules still acyclic).
//! Nothing but `interop` imports `interop`.
//!

// Shared kernel: used by every context.
pub mod access;
pub mod audit_chain;
mod error;
pub mod ids;
mod text;
pub mod uk_time;

// Bounded contexts (see the map above).
pub mod casework;
pub mod directory;
pub mod evaluation;
pub mod interop;
pub mod measurement;
pub mod onward;
pub mod person;

pub use error::DomainError;
pub use person::nhs_number::NhsNumber;
pub use person::postcode::Postcode;
pub use text::{check_characters, forbidden_character, forbidden_character_message, BoundedText, Lines, RequiredText};

/// Result type of the domain layer.
pub type Result<T> = std::result::Result<T, DomainError>;

/// Dates shown to people follow the NHS.UK content style: `1 December 2026`.
pub fn format_date_long(date: time::Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}
