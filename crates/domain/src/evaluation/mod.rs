//! **Evaluation**: from plain facts about a service's referrals to the figures a commissioner reads,
//! every figure disclosure-controlled before it leaves. Entry point: [`report::evaluate`]
//! ([`input::EvaluationInput`] in, [`report::Report`] out), scoped by [`report_scope`]; the maths
//! is [`stats`] and [`disclosure`]. Layers: [`facts`] (shared facts, imports no section) ← the
//! sections ([`outcomes`], [`equity`], [`workforce`], …, each with its own facts type) ← [`input`]
//! ← [`report`]. Invariant: no section imports `input` or `report`; [`input::EvaluationInput`]
//! gathers [`facts`] and every section's own facts, and sections take only the parts they read.

// The evaluation's own layers.
pub mod facts;
pub mod input;
pub mod report;

// The maths every section uses.
pub mod disclosure;
pub mod pairing;
pub mod price_index;
pub mod stats;

// Sections of the report, each computed from its facts into suppressed figures.
pub mod comparison;
pub mod custom_outcomes;
pub mod equity;
pub mod health_system;
pub mod outcomes;
pub mod resolution;
pub mod sroi;
pub mod stakeholders;
pub mod what_works;
pub mod workforce;

// Other aggregate outputs.
pub mod report_scope;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod word_cloud;

// ---- old flat paths, kept while the other crates move to the context paths ----
// The items of the former `evaluation.rs`, which is now split into `facts`, `input`, `outcomes`
// and `report` (docs/domain-moves.txt). Not used inside this crate.
pub use facts::{EvaluationSettings, FactId, MeasureFacts, OnwardFacts, Period, PracticeFacts, ReferralFacts, TargetBand};
pub use input::EvaluationInput;
pub use outcomes::{OutcomeChange, CORE_INSTRUMENTS};
pub use report::{evaluate, MonthCount, PartnerAcceptance, PracticeReach, Reach, Report, SourceCount, StatusCount, Waiting, CAVEATS};
