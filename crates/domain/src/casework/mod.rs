//! **Casework**: a referral's life with the link worker, from arrival to discharge. Owns the
//! referral and its lifecycle ([`referral`]), incoming referrals without an NHS number ([`intake`]),
//! triage ([`triage`]), needs ([`need`]), contacts ([`contact`]), the plan ([`plan`]), MDT meetings
//! ([`mdt`]), the measurement schedule ([`schedule`]), discharge ([`discharge`]) and the caseload's
//! flags ([`caseload`]), all worded by one due/overdue rule ([`urgency`]). Invariants: status
//! changes follow the lifecycle; a discharge reason agrees with the goal review.

pub mod caseload;
pub mod contact;
pub mod discharge;
pub mod intake;
pub mod mdt;
pub mod need;
pub mod plan;
pub mod referral;
pub mod schedule;
pub mod triage;
pub mod urgency;
