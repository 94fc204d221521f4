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
//! (root)       shared kernel: access, audit_chain, error, text, uk_time, format_date_long
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
//! The old flat paths (`linkwork_domain::referral`, `linkwork_domain::stats`, …) are re-exported
//! below while the other crates move to the context paths; `docs/domain-moves.txt` maps each one.

// Shared kernel: used by every context.
pub mod access;
pub mod audit_chain;
mod error;
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

// ---- old flat paths, kept while the other crates move to the context paths ----
// `linkwork_domain::referral::X` etc. keep working; docs/domain-moves.txt maps each old path to its
// new one so the other crates can be moved with sed, then this block dropped. Nothing inside this
// crate uses these paths. (`person`, `directory` and `onward` kept their paths: their old module is
// now the context's root; the items of the former `evaluation` module are kept in `evaluation`.)
pub use casework::{caseload, contact, discharge, intake, mdt, need, plan, referral, schedule, triage, urgency};
pub use directory::community;
pub use evaluation::custom_outcomes as evaluation_custom;
pub use evaluation::{disclosure, equity, health_system, report_scope, resolution, sroi, stakeholders, stats, what_works, word_cloud, workforce};
pub use interop::{bundle, csv_safe, gp_record, import};
pub use measurement::{custom_instrument, instruments};
pub use onward::partnership;
pub use person::{consent, contact_details, identity, nhs_number, postcode};

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
