use super::{Db, SqlStore};
use crate::*;
use crate::AdminStore;
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::access::OrgKind;

const ORG_COLUMNS: &str = "id, kind, name, ods_code, parent_id, list_size";

#[async_trait]
impl AdminStore for SqlStore {
    async fn migrate(&self) -> Result<()> {
        self.outside_work("migrating the database")?;
        sqlx::migrate!("../../migrations").run(&self.pool).await?;
        // Events from before the hash chain join it, then the database refuses to change any.
        super::audit_trail::seal_unchained(self).await?;
        super::super::protect_audit_trail(&self.pool).await?;
        super::super::keep_evaluation_facts_current(&self.pool).await?;
        // Gathered now, not by the first report after an upgrade (a minute at national size).
        self.refresh_evaluation_facts().await?;
        Ok(())
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&mut *self.conn().await?).await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        <Db as sqlx::Database>::NAME
    }

    async fn create_org(&self, org: &NewOrg) -> Result<String> {
        let mut tx = self.write_tx().await?;
        let id = new_id();
        sqlx::query("INSERT INTO organisations (id, kind, name, ods_code, parent_id, list_size, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&id)
            .bind(org.kind.code())
            .bind(&org.name)
            .bind(&org.ods_code)
            .bind(&org.parent_id)
            .bind(org.list_size)
            .bind(super::now())
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::unique(e, "An organisation with this ODS code already exists"))?;
        tx.commit().await?;
        Ok(id)
    }

    async fn org(&self, id: &str) -> Result<Option<Org>> {
        Ok(sqlx::query_as(&format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1")).bind(id).fetch_optional(&mut *self.conn().await?).await?)
    }

    async fn find_org(&self, key: &str) -> Result<Option<Org>> {
        Ok(sqlx::query_as(&format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1 OR ods_code = $1 OR name = $1 ORDER BY name LIMIT 1"))
            .bind(key)
            .fetch_optional(&mut *self.conn().await?)
            .await?)
    }

    async fn orgs(&self, kind: OrgKind, parent_id: Option<&str>) -> Result<Vec<Org>> {
        let key = super::read_cache::OrgList::Children { kind: kind.code(), parent: parent_id.map(str::to_owned) };
        self.kept(&self.reads.orgs, key, async {
            Ok(sqlx::query_as(&format!("SELECT {ORG_COLUMNS} FROM organisations WHERE kind = $1 AND ($2 IS NULL OR parent_id = $2) ORDER BY name"))
                .bind(kind.code())
                .bind(parent_id)
                .fetch_all(&mut *self.conn().await?)
                .await?)
        })
        .await
    }

    async fn grandchild_orgs(&self, kind: OrgKind, grandparent_id: &str) -> Result<Vec<Org>> {
        let key = super::read_cache::OrgList::Grandchildren { kind: kind.code(), grandparent: grandparent_id.to_owned() };
        self.kept(&self.reads.orgs, key, async {
            let columns = ORG_COLUMNS.split(", ").map(|c| format!("o.{c}")).collect::<Vec<_>>().join(", ");
            Ok(sqlx::query_as(&format!(
                "SELECT {columns} FROM organisations o JOIN organisations parent ON parent.id = o.parent_id \
                 WHERE o.kind = $1 AND parent.parent_id = $2 ORDER BY parent.name, parent.id, o.name"
            ))
            .bind(kind.code())
            .bind(grandparent_id)
            .fetch_all(&mut *self.conn().await?)
            .await?)
        })
        .await
    }

    async fn audit_events(&self, person_id: &str) -> Result<Vec<AuditEvent>> {
        Ok(sqlx::query_as("SELECT id, at, user_id, token_id, action, entity, entity_id, person_id FROM audit_events WHERE person_id = $1 ORDER BY at, id")
            .bind(person_id)
            .fetch_all(&mut *self.conn().await?)
            .await?)
    }

    async fn count_audit_events(&self, action: &str) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = $1").bind(action).fetch_one(&mut *self.conn().await?).await?)
    }
}
