use super::SqlStore;
use crate::model::*;
use crate::traits::AccountStore;
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::access::Role;
use time::OffsetDateTime;

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.org_id, u.active";

#[async_trait]
impl AccountStore for SqlStore {
    async fn create_user(&self, user: &NewUser) -> Result<String> {
        let id = new_id();
        sqlx::query("INSERT INTO users (id, email, display_name, password_hash, role, org_id, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7)")
            .bind(&id)
            .bind(user.email.trim().to_lowercase())
            .bind(&user.display_name)
            .bind(&user.password_hash)
            .bind(user.role.code())
            .bind(&user.org_id)
            .bind(super::now())
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::unique(e, "An account with this email address already exists"))?;
        Ok(id)
    }

    async fn user_credentials(&self, email: &str) -> Result<Option<UserCredentials>> {
        Ok(sqlx::query_as(&format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1"))
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn users(&self, org_id: &str, role: Option<Role>) -> Result<Vec<User>> {
        Ok(sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.org_id = $1 AND ($2 IS NULL OR u.role = $2) ORDER BY u.display_name"))
            .bind(org_id)
            .bind(role.map(Role::code))
            .fetch_all(&self.pool)
            .await?)
    }

    async fn create_session(&self, token_hash: &str, user_id: &str, csrf_token: &str, expires_at: OffsetDateTime) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf_token)
            .bind(super::now())
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<Session>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: User,
            csrf_token: String,
            expires_at: OffsetDateTime,
        }
        let row: Option<Row> = sqlx::query_as(&format!("SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .filter(|r| r.expires_at > now && r.user.active)
            .map(|r| Session { user: r.user, csrf_token: r.csrf_token, expires_at: r.expires_at }))
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    async fn create_api_token(&self, token_hash: &str, org_id: &str, role: Role, label: Option<&str>) -> Result<String> {
        let id = new_id();
        sqlx::query("INSERT INTO api_tokens (id, token_hash, org_id, role, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(token_hash)
            .bind(org_id)
            .bind(role.code())
            .bind(label)
            .bind(super::now())
            .execute(&self.pool)
            .await?;
        Ok(id)
    }

    async fn api_token(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        Ok(sqlx::query_as("SELECT id, org_id, role, label FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?)
    }
}
