//! Corrections: a declined referral reopened, a discharge with its review, a measure entered late,
//! a partner's change undone. Compare-and-set on what the caller checked; the correction and its
//! audit event in one transaction; what was corrected stays (reopenings keep the decline, undone
//! onward events stay in the history).

use super::{audit, Audit, SqlStore};
use crate::*;
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::casework::discharge::NotTakenReason;
use linkwork_domain::measurement::instruments::{Instrument, Timepoint};
use linkwork_domain::casework::referral::ReferralStatus;
use time::Date;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn changed_by_someone_else() -> StoreError {
    StoreError::Conflict("This referral was changed by someone else. Reload the page and try again".into())
}

#[async_trait]
impl CorrectionStore for SqlStore {
    async fn referral_closure(&self, referral_id: &str) -> Result<Option<Closure>> {
        Ok(sqlx::query_as("SELECT declined_on, decline_reason, discharged_on FROM referrals WHERE id = $1").bind(referral_id).fetch_optional(&mut *self.conn().await?).await?)
    }

    async fn reopen_referral(&self, who: &AuditActor, referral_id: &str, r: &NewReopening) -> Result<()> {
        let now = super::now();
        let mut tx = self.write_tx().await?;
        let updated = sqlx::query(
            "UPDATE referrals SET status = $1, declined_on = NULL, decline_reason = NULL, updated_at = $2 \
             WHERE id = $3 AND status = $4 AND declined_on = $5 AND decline_reason = $6",
        )
        .bind(ReferralStatus::Received.code())
        .bind(now)
        .bind(referral_id)
        .bind(ReferralStatus::Declined.code())
        .bind(r.declined_on)
        .bind(&r.decline_reason)
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(changed_by_someone_else());
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO referral_reopenings (id, referral_id, declined_on, decline_reason, reopened_on, reason, reopened_by, token_id, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(referral_id)
        .bind(r.declined_on)
        .bind(&r.decline_reason)
        .bind(r.on)
        .bind(r.reason.as_str())
        .bind(&who.user_id)
        .bind(&who.token_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        let person_id = super::referral_rows::person_of(&mut tx, referral_id).await?;
        audit(&mut tx, who, Audit { action: "referral.reopen", entity: "referral", entity_id: referral_id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn referral_reopenings(&self, referral_id: &str) -> Result<Vec<Reopening>> {
        Ok(sqlx::query_as(
            "SELECT x.id, x.referral_id, x.declined_on, x.decline_reason, x.reopened_on, x.reason, u.display_name AS reopened_by_name, x.at \
             FROM referral_reopenings x LEFT JOIN users u ON u.id = x.reopened_by WHERE x.referral_id = $1 ORDER BY x.at, x.id",
        )
        .bind(referral_id)
        .fetch_all(&mut *self.conn().await?)
        .await?)
    }

    async fn discharge_reviewed(&self, who: &AuditActor, referral_id: &str, from: ReferralStatus, d: &ReviewedDischarge<'_>) -> Result<()> {
        let now = super::now();
        let mut tx = self.write_tx().await?;
        let result = sqlx::query("UPDATE referrals SET status = $1, discharged_on = $2, discharge_reason = $3, discharge_summary = $4, updated_at = $5 WHERE id = $6 AND status = $7")
            .bind(ReferralStatus::Discharged.code())
            .bind(d.on)
            .bind(d.reason.code())
            .bind(d.summary)
            .bind(now)
            .bind(referral_id)
            .bind(from.code())
            .execute(&mut **tx)
            .await?;
        if result.rows_affected() != 1 {
            return Err(changed_by_someone_else());
        }
        for (need, resolution) in d.resolutions {
            sqlx::query("INSERT INTO need_resolutions (referral_id, need, resolution, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(referral_id)
                .bind(need.code())
                .bind(resolution.code())
                .bind(&who.user_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        for (goal_id, status) in d.goals {
            let updated = sqlx::query("UPDATE goals SET status = $1 WHERE id = $2 AND referral_id = $3").bind(status.code()).bind(goal_id).bind(referral_id).execute(&mut **tx).await?;
            if updated.rows_affected() != 1 {
                return Err(changed_by_someone_else());
            }
        }
        for (instrument, reason) in d.not_taken {
            sqlx::query(
                "INSERT INTO measures_not_taken (referral_id, instrument, timepoint, reason, recorded_on, recorded_by) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (referral_id, instrument, timepoint) DO UPDATE SET reason = excluded.reason, recorded_on = excluded.recorded_on, recorded_by = excluded.recorded_by",
            )
            .bind(referral_id)
            .bind(instrument.code())
            .bind(Timepoint::Discharge.code())
            .bind(reason.code())
            .bind(d.on)
            .bind(&who.user_id)
            .execute(&mut **tx)
            .await?;
        }
        let person_id = super::referral_rows::person_of(&mut tx, referral_id).await?;
        audit(&mut tx, who, Audit { action: "referral.discharge", entity: "referral", entity_id: referral_id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn measures_not_taken(&self, referral_id: &str) -> Result<Vec<MeasureNotTaken>> {
        let rows: Vec<(String, String, String, Date)> =
            sqlx::query_as("SELECT instrument, timepoint, reason, recorded_on FROM measures_not_taken WHERE referral_id = $1 ORDER BY instrument").bind(referral_id).fetch_all(&mut *self.conn().await?).await?;
        rows.into_iter()
            .map(|(instrument, timepoint, reason, recorded_on)| {
                Ok(MeasureNotTaken {
                    instrument: Instrument::parse(&instrument).map_err(corrupt)?,
                    timepoint: Timepoint::parse(&timepoint).map_err(corrupt)?,
                    reason: NotTakenReason::parse(&reason).map_err(corrupt)?,
                    recorded_on,
                })
            })
            .collect()
    }

    async fn add_late_measure(&self, who: &AuditActor, referral_id: &str, m: &NewMeasure) -> Result<String> {
        let mut tx = self.write_tx().await?;
        // Only while the referral is still discharged (not erased or changed meanwhile).
        let person_id: Option<String> = sqlx::query_scalar("SELECT person_id FROM referrals WHERE id = $1 AND status = $2")
            .bind(referral_id)
            .bind(ReferralStatus::Discharged.code())
            .fetch_optional(&mut **tx)
            .await?;
        let person_id = person_id.ok_or_else(changed_by_someone_else)?;
        let id = super::casework::insert_measure(&mut tx, who, referral_id, m, super::casework::MeasureEntry::Late).await?;
        audit(&mut tx, who, Audit { action: "measure.create_late", entity: "measure", entity_id: &id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn undo_onward(&self, who: &AuditActor, onward_id: &str, u: &OnwardUndo, notify: &[NewNotification]) -> Result<()> {
        let mut tx = self.write_tx().await?;
        // Compare-and-set on the status and on the undone event being the latest one standing.
        let updated = sqlx::query(
            "UPDATE onward_referrals SET status = $1, \
             responded_on = CASE WHEN $2 THEN NULL ELSE responded_on END, \
             decline_reason = CASE WHEN $2 THEN NULL ELSE decline_reason END, \
             attended_on = CASE WHEN $3 THEN NULL ELSE attended_on END, updated_at = $4 \
             WHERE id = $5 AND status = $6 AND NOT EXISTS (SELECT 1 FROM onward_events x WHERE x.undoes_event_id = $7)",
        )
        .bind(u.undo.back_to.code())
        .bind(u.undo.clears_answer)
        .bind(u.undo.clears_attended)
        .bind(super::now())
        .bind(onward_id)
        .bind(u.from.code())
        .bind(&u.event_id)
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(changed_by_someone_else());
        }
        sqlx::query(
            "INSERT INTO onward_events (id, onward_referral_id, from_status, to_status, reason, happened_on, at, user_id, token_id, org_id, undoes_event_id) \
             VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, $8, $9, $10)",
        )
        .bind(new_id())
        .bind(onward_id)
        .bind(u.from.code())
        .bind(u.undo.back_to.code())
        .bind(u.on)
        .bind(super::now())
        .bind(&who.user_id)
        .bind(&who.token_id)
        .bind(&who.org_id)
        .bind(&u.event_id)
        .execute(&mut **tx)
        .await?;
        for n in notify {
            super::onward_loop::insert_notification(&mut tx, n).await?;
        }
        let person_id: String = sqlx::query_scalar("SELECT r.person_id FROM onward_referrals w JOIN referrals r ON r.id = w.referral_id WHERE w.id = $1")
            .bind(onward_id)
            .fetch_one(&mut **tx)
            .await?;
        audit(&mut tx, who, Audit { action: "onward.undo", entity: "onward_referral", entity_id: onward_id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }
}
