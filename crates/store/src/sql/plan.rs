//! Plans that change without a new "what matters" conversation (issue 12): a goal added,
//! reworded, given a new review date or closed on its own, needs agreed or withdrawn on the
//! record. Each change writes its `plan_changes` rows and its audit event in one transaction.

use super::referral_rows::{insert_needs, person_of};
use super::{audit, Audit, SqlStore};
use crate::*;
use crate::{new_id, Result, StoreError};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::casework::plan::{goal_changes, FieldChange, GoalState, GoalStatus, PlanChangeKind};
use time::Date;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn changed_meanwhile() -> StoreError {
    StoreError::Conflict("Someone else changed this goal after you opened it, so nothing was saved. Go back to the record to see their change, then make yours again".into())
}

/// A referral's plan history, oldest first (the fields of one change in a fixed order).
pub(super) async fn plan_changes(store: &SqlStore, referral_id: &str) -> Result<Vec<PlanChange>> {
    Ok(sqlx::query_as(
        "SELECT c.goal_id, c.kind, c.old_value, c.new_value, c.changed_at, u.display_name AS by_name FROM plan_changes c LEFT JOIN users u ON u.id = c.changed_by \
         WHERE c.referral_id = $1 ORDER BY c.changed_at, COALESCE(c.goal_id, ''), c.kind",
    )
    .bind(referral_id)
    .fetch_all(&mut *store.conn().await?)
    .await?)
}

async fn record_change(tx: &mut sqlx::Transaction<'_, super::Db>, who: &AuditActor, referral_id: &str, goal_id: Option<&str>, (kind, old, new): &FieldChange, at: time::OffsetDateTime) -> Result<()> {
    sqlx::query("INSERT INTO plan_changes (id, referral_id, goal_id, kind, old_value, new_value, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(new_id())
        .bind(referral_id)
        .bind(goal_id)
        .bind(kind.code())
        .bind(old)
        .bind(new)
        .bind(&who.user_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The goal as stored, with its version; `NotFound` when it is not one of the referral's goals.
async fn goal_state(tx: &mut sqlx::Transaction<'_, super::Db>, referral_id: &str, goal_id: &str) -> Result<(GoalState, i64)> {
    let row: Option<(String, Option<Date>, String, i64)> = sqlx::query_as("SELECT description, review_on, status, version FROM goals WHERE id = $1 AND referral_id = $2")
        .bind(goal_id)
        .bind(referral_id)
        .fetch_optional(&mut **tx)
        .await?;
    let (description, review_on, status, version) = row.ok_or(StoreError::NotFound)?;
    Ok((GoalState { description, review_on, status: GoalStatus::parse(&status).map_err(corrupt)? }, version))
}

/// Writes `new` over a goal last read at `version` and keeps each changed field; returns how
/// many changed. A goal changed meanwhile (another version) is refused with nothing written.
async fn write_goal(tx: &mut sqlx::Transaction<'_, super::Db>, who: &AuditActor, referral_id: &str, goal_id: &str, old: &GoalState, new: &GoalState, version: i64) -> Result<usize> {
    let changes = goal_changes(old, new);
    if changes.is_empty() {
        return Ok(0);
    }
    let updated = sqlx::query("UPDATE goals SET description = $1, review_on = $2, status = $3, version = version + 1 WHERE id = $4 AND referral_id = $5 AND version = $6")
        .bind(&new.description)
        .bind(new.review_on)
        .bind(new.status.code())
        .bind(goal_id)
        .bind(referral_id)
        .bind(version)
        .execute(&mut **tx)
        .await?;
    if updated.rows_affected() != 1 {
        return Err(changed_meanwhile());
    }
    let at = super::now();
    for change in &changes {
        record_change(tx, who, referral_id, Some(goal_id), change, at).await?;
    }
    let person_id = person_of(tx, referral_id).await?;
    audit(tx, who, Audit { action: "goal.update", entity: "goal", entity_id: goal_id, person_id: Some(&person_id) }).await?;
    Ok(changes.len())
}

impl SqlStore {
    pub(super) async fn plan_set_goal_status(&self, who: &AuditActor, referral_id: &str, goal_id: &str, status: GoalStatus) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let (old, version) = goal_state(&mut tx, referral_id, goal_id).await?;
        let new = GoalState { status, ..old.clone() };
        write_goal(&mut tx, who, referral_id, goal_id, &old, &new, version).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn plan_change_goal(&self, who: &AuditActor, referral_id: &str, goal_id: &str, change: &GoalChange) -> Result<usize> {
        let mut tx = self.write_tx().await?;
        let (old, version) = goal_state(&mut tx, referral_id, goal_id).await?;
        if version != change.version {
            return Err(changed_meanwhile());
        }
        let new = GoalState { description: change.description.as_str().to_owned(), review_on: change.review_on, status: change.status };
        let changed = write_goal(&mut tx, who, referral_id, goal_id, &old, &new, version).await?;
        tx.commit().await?;
        Ok(changed)
    }

    pub(super) async fn plan_add_goal(&self, who: &AuditActor, referral_id: &str, goal: &NewGoal, agreed_on: Date) -> Result<String> {
        let id = new_id();
        let now = super::now();
        let mut tx = self.write_tx().await?;
        let person_id = person_of(&mut tx, referral_id).await?;
        sqlx::query("INSERT INTO goals (id, referral_id, conversation_id, description, status, review_on, agreed_on, created_at) VALUES ($1, $2, NULL, $3, $4, $5, $6, $7)")
            .bind(&id)
            .bind(referral_id)
            .bind(goal.description.as_str())
            .bind(GoalStatus::NotStarted.code())
            .bind(goal.review_on)
            .bind(agreed_on)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        // The wording is the goal's own; the history line says only that it was added, and when.
        record_change(&mut tx, who, referral_id, Some(&id), &(PlanChangeKind::GoalAdded, None, None), now).await?;
        audit(&mut tx, who, Audit { action: "goal.create", entity: "goal", entity_id: &id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub(super) async fn plan_goal(&self, referral_id: &str, goal_id: &str) -> Result<Option<Goal>> {
        Ok(sqlx::query_as("SELECT id, description, status, review_on, agreed_on, version FROM goals WHERE id = $1 AND referral_id = $2").bind(goal_id).bind(referral_id).fetch_optional(&mut *self.conn().await?).await?)
    }

    pub(super) async fn plan_change_needs(&self, who: &AuditActor, referral_id: &str, add: &[NeedDomain], remove: &[NeedDomain]) -> Result<()> {
        let at = super::now();
        let mut tx = self.write_tx().await?;
        let person_id = person_of(&mut tx, referral_id).await?;
        let mut changed = false;
        for need in remove {
            let removed = sqlx::query("DELETE FROM referral_needs WHERE referral_id = $1 AND need = $2 AND identified_at = 'conversation'").bind(referral_id).bind(need.code()).execute(&mut **tx).await?;
            if removed.rows_affected() > 0 {
                record_change(&mut tx, who, referral_id, None, &(PlanChangeKind::NeedRemoved, Some(need.code().to_owned()), None), at).await?;
                changed = true;
            }
        }
        for need in add {
            let held: Option<String> = sqlx::query_scalar("SELECT need FROM referral_needs WHERE referral_id = $1 AND need = $2 AND identified_at = 'conversation'").bind(referral_id).bind(need.code()).fetch_optional(&mut **tx).await?;
            if held.is_none() {
                insert_needs(&mut tx, referral_id, &[*need], "conversation").await?;
                record_change(&mut tx, who, referral_id, None, &(PlanChangeKind::NeedAdded, None, Some(need.code().to_owned())), at).await?;
                changed = true;
            }
        }
        if changed {
            audit(&mut tx, who, Audit { action: "needs.update", entity: "referral", entity_id: referral_id, person_id: Some(&person_id) }).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
