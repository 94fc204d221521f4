//! The report's sections, one module each: its figures (for the CSV and JSON) and its HTML live
//! together so the two always agree. A section imports only [`crate::primitives`] and the domain,
//! never another section or the document; `document.rs` puts them in reading order.
//!
//! [`headline`] holds the sections every report has (summary, reach, waiting, outcomes, onward
//! referrals, notes); the others each cover one part of the evaluation.

pub(crate) mod comparison;
pub(crate) mod custom_outcomes;
pub(crate) mod equity;
pub(crate) mod headline;
pub(crate) mod health_system;
pub(crate) mod sdoh;
pub(crate) mod sroi;
pub(crate) mod stakeholders;
pub(crate) mod what_works;
pub(crate) mod workforce;
