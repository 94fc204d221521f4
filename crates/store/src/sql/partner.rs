use super::casework::ONWARD_SELECT;
use super::SqlStore;
use crate::*;
use crate::PartnerStore;
use crate::Result;
use async_trait::async_trait;

/// The partner's view: the onward referral plus the person's name and their link worker, no more.
fn partner_select() -> String {
    let columns = ONWARD_SELECT.replacen("SELECT ", "SELECT p.id AS person_id, p.given_name || ' ' || p.family_name AS person_name, u.display_name AS link_worker_name, ", 1);
    format!("{columns} JOIN referrals r ON r.id = w.referral_id JOIN people p ON p.id = r.person_id LEFT JOIN users u ON u.id = r.assigned_worker_id")
}

#[async_trait]
impl PartnerStore for SqlStore {
    async fn partner_referrals(&self, provider_org_id: &str) -> Result<Vec<PartnerReferral>> {
        Ok(sqlx::query_as(&format!("{} WHERE s.org_id = $1 ORDER BY CASE w.status WHEN 'sent' THEN 0 ELSE 1 END, w.sent_on DESC, w.id", partner_select()))
            .bind(provider_org_id)
            .fetch_all(&mut *self.conn().await?)
            .await?)
    }

    async fn partner_referral(&self, onward_id: &str) -> Result<Option<PartnerReferral>> {
        Ok(sqlx::query_as(&format!("{} WHERE w.id = $1", partner_select())).bind(onward_id).fetch_optional(&mut *self.conn().await?).await?)
    }

    async fn change_onward(&self, who: &AuditActor, onward_id: &str, change: &OnwardChange) -> Result<()> {
        let mut tx = self.write_tx().await?;
        super::onward_loop::apply_change(&mut tx, who, onward_id, change).await?;
        tx.commit().await?;
        Ok(())
    }
}
