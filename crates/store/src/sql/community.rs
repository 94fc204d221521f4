use super::SqlStore;
use crate::*;
use crate::CommunityStore;
use crate::{new_id, Result};
use async_trait::async_trait;
use linkwork_domain::access::Role;
use time::Date;

#[async_trait]
impl CommunityStore for SqlStore {
    async fn add_community_activity(&self, a: &NewCommunityActivity) -> Result<String> {
        let mut tx = self.write_tx().await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO community_activities (id, service_org_id, worker_id, activity_on, kind, organisation_name, org_id, minutes, assets_found, notes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&id)
        .bind(&a.service_org_id)
        .bind(&a.worker_id)
        .bind(a.activity_on)
        .bind(a.kind.code())
        .bind(&a.organisation_name)
        .bind(&a.org_id)
        .bind(a.minutes)
        .bind(&a.assets_found)
        .bind(&a.notes)
        .bind(super::now())
        .execute(&mut **tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn community_activities(&self, service_org_id: &str, from: Date) -> Result<Vec<CommunityActivity>> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.worker_id, u.display_name AS worker_name, a.activity_on, a.kind, a.organisation_name, a.minutes, a.assets_found, a.notes \
             FROM community_activities a JOIN users u ON u.id = a.worker_id WHERE a.service_org_id = $1 AND a.activity_on >= $2 ORDER BY a.activity_on DESC, a.id",
        )
        .bind(service_org_id)
        .bind(from)
        .fetch_all(&mut *self.conn().await?)
        .await?)
    }

    async fn worker_time(&self, service_org_id: &str, from: Date, to: Date) -> Result<Vec<WorkerTime>> {
        // Sums are cast to BIGINT so both databases return the same integer type.
        Ok(sqlx::query_as(
            "SELECT u.id AS worker_id, u.display_name AS name, \
             CAST(COALESCE((SELECT SUM(a.minutes) FROM community_activities a WHERE a.worker_id = u.id AND a.activity_on BETWEEN $2 AND $3), 0) AS BIGINT) AS community_minutes, \
             CAST(COALESCE((SELECT SUM(c.minutes) FROM contacts c WHERE c.recorded_by = u.id AND c.contact_on BETWEEN $2 AND $3), 0) AS BIGINT) AS contact_minutes \
             FROM users u WHERE u.org_id = $1 AND u.role = $4 AND u.active ORDER BY u.display_name",
        )
        .bind(service_org_id)
        .bind(from)
        .bind(to)
        .bind(Role::LinkWorker.code())
        .fetch_all(&mut *self.conn().await?)
        .await?)
    }
}
