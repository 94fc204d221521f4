//! Keeps the evaluation's fact tables (`referral_facts`, `activity_facts`: see the
//! `evaluation_facts` migration; `comparison_facts`: the `comparison_facts` migration) current.
//!
//! Every write that can change a fact marks what it touched, in its own transaction, by triggers
//! the database runs whoever writes (`keep_evaluation_facts_current` in `sqlite.rs` and
//! `postgres.rs`, created by `linkwork migrate`): a referral in `referral_facts_stale`, a service's
//! person in `activity_facts_stale`, a comparison person in `comparison_facts_stale`, or '*' for
//! everything. Before the evaluation reads, [`refresh`]
//! rebuilds the marked rows and clears the marks in one transaction. A report therefore always
//! reads facts as current as the data, and a day's casework costs the next report a rebuild of a
//! few hundred referrals, not of the service's hundred thousand.
//!
//! Why the marks cannot be lost between a write and a rebuild: the rebuild holds the marks
//! exclusively while it reads (SQLite's single writer; PostgreSQL's `EXCLUSIVE` lock on the mark
//! tables, which waits for every transaction that has marked something to end and keeps new ones
//! waiting until the rebuild commits). So each cleared mark's write was committed before the
//! rebuild read it, and a write after the rebuild leaves a new mark.

/// The tables whose rows are gathered into each referral's facts, naming it in `referral_id`
/// (besides `referrals` itself and `people`, whose demographics the facts copy).
pub(crate) const REFERRAL_PARTS: [&str; 5] = ["contacts", "referral_needs", "need_resolutions", "onward_referrals", "measures"];

/// Reference data a change of which may move anyone's deprivation decile: every referral's facts
/// are rebuilt (the postcode and deprivation files are replaced a few times a year).
pub(crate) const REFERENCE_TABLES: [&str; 2] = ["postcode_lsoa", "lsoa_imd"];

use super::{activity_facts, referral_facts};
use super::super::SqlStore;
use crate::Result;

impl SqlStore {
    /// Rebuilds the facts marked stale, if any. The figures' data version stays: the facts
    /// change only in form, never in what they say.
    pub(crate) async fn refresh_evaluation_facts(&self) -> Result<()> {
        if !self.evaluation_facts_stale().await? {
            return Ok(());
        }
        let mut tx = self.bookkeeping_tx().await?;
        refresh(&mut tx).await?;
        tx.commit().await
    }

    async fn evaluation_facts_stale(&self) -> Result<bool> {
        let stale: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM referral_facts_stale) OR EXISTS (SELECT 1 FROM activity_facts_stale) OR EXISTS (SELECT 1 FROM comparison_facts_stale)")
            .fetch_one(&mut *self.conn().await?)
            .await?;
        Ok(stale)
    }
}

/// Rebuilds the facts marked stale and clears the marks, in `tx` (a transaction that writes).
pub(crate) async fn refresh(tx: &mut super::super::Conn) -> Result<()> {
    super::super::super::lock_fact_marks(&mut *tx).await?;
    let all_referrals: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM referral_facts_stale WHERE referral_id = '*')").fetch_one(&mut *tx).await?;
    referral_facts::rebuild(&mut *tx, all_referrals).await?;
    sqlx::query("DELETE FROM referral_facts_stale").execute(&mut *tx).await?;
    let all_activity: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM activity_facts_stale WHERE service_org_id = '*')").fetch_one(&mut *tx).await?;
    activity_facts::rebuild(&mut *tx, all_activity).await?;
    sqlx::query("DELETE FROM activity_facts_stale").execute(&mut *tx).await?;
    let all_comparison: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM comparison_facts_stale WHERE service_org_id = '*')").fetch_one(&mut *tx).await?;
    super::super::comparison::rebuild_facts(&mut *tx, all_comparison).await?;
    sqlx::query("DELETE FROM comparison_facts_stale").execute(&mut *tx).await?;
    Ok(())
}
