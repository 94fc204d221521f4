use super::casework::ONWARD_SELECT;
use super::{audit, Audit, SqlStore};
use crate::model::*;
use crate::traits::PartnerStore;
use crate::{Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::onward::OnwardStatus;

/// The partner's view: the onward referral plus the person's name and their link worker, no more.
fn partner_select() -> String {
    let columns = ONWARD_SELECT.replacen("SELECT ", "SELECT p.given_name || ' ' || p.family_name AS person_name, u.display_name AS link_worker_name, ", 1);
    format!("{columns} JOIN referrals r ON r.id = w.referral_id JOIN people p ON p.id = r.person_id LEFT JOIN users u ON u.id = r.assigned_worker_id")
}

#[async_trait]
impl PartnerStore for SqlStore {
    async fn partner_referrals(&self, provider_org_id: &str) -> Result<Vec<PartnerReferral>> {
        Ok(sqlx::query_as(&format!("{} WHERE s.org_id = $1 ORDER BY CASE w.status WHEN 'sent' THEN 0 ELSE 1 END, w.sent_on DESC, w.id", partner_select()))
            .bind(provider_org_id)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn partner_referral(&self, onward_id: &str) -> Result<Option<PartnerReferral>> {
        Ok(sqlx::query_as(&format!("{} WHERE w.id = $1", partner_select())).bind(onward_id).fetch_optional(&self.pool).await?)
    }

    async fn change_onward(&self, who: &AuditActor, onward_id: &str, change: &OnwardChange) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let (responded_on, attended_on) = match change.to {
            OnwardStatus::Attended => (None, Some(change.on)),
            _ => (Some(change.on), None),
        };
        let result = sqlx::query(
            "UPDATE onward_referrals SET status = $1, responded_on = COALESCE($2, responded_on), attended_on = COALESCE($3, attended_on), \
             decline_reason = COALESCE($4, decline_reason), updated_at = $5 WHERE id = $6 AND status = $7",
        )
        .bind(change.to.code())
        .bind(responded_on)
        .bind(attended_on)
        .bind(change.decline_reason.map(|r| r.code()))
        .bind(super::now())
        .bind(onward_id)
        .bind(change.from.code())
        .execute(&mut *tx)
        .await?;
        if result.rows_affected() != 1 {
            return Err(StoreError::Conflict("This referral was changed by someone else. Reload the page and try again".into()));
        }
        let person_id: String = sqlx::query_scalar("SELECT r.person_id FROM onward_referrals w JOIN referrals r ON r.id = w.referral_id WHERE w.id = $1")
            .bind(onward_id)
            .fetch_one(&mut *tx)
            .await?;
        let action = format!("onward.{}", change.to.code());
        audit(&mut *tx, who, Audit { action: &action, entity: "onward_referral", entity_id: onward_id, person_id: Some(&person_id) }).await?;
        tx.commit().await?;
        Ok(())
    }
}
