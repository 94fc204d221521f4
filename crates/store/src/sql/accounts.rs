//! Accounts, sessions, API tokens, password links and the sign-in lockout.
//!
//! Times are compared in Rust where a wrong answer would let someone in (expiry of sessions,
//! tokens and links), so nothing depends on how a database orders stored timestamps; the lockout
//! counts compare in SQL, where a boundary off by a nanosecond does no harm.

use super::{audit, Audit, SqlStore};
use crate::*;
use crate::AccountStore;
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::access::Role;
use time::OffsetDateTime;

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.org_id, u.active";

type Tx<'a> = sqlx::Transaction<'a, super::Db>;

/// What a spent link's e-mail says instead of the link, once the link can no longer be used.
const REDACTED_LINK_EMAIL: &str = "This e-mail held a link to set a Linkwork password. The link has been used or replaced, so it has been removed from this copy.";

/// The expiry of a token made before tokens had one.
fn token_expiry(expires_at: Option<OffsetDateTime>, created_at: OffsetDateTime) -> OffsetDateTime {
    expires_at.unwrap_or(created_at + time::Duration::days(API_TOKEN_DEFAULT_DAYS))
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: String,
    org_id: String,
    org_name: String,
    role: String,
    label: Option<String>,
    created_at: OffsetDateTime,
    expires_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
}

impl TokenRow {
    fn into_info(self) -> Result<ApiTokenInfo> {
        Ok(ApiTokenInfo {
            role: Role::parse(&self.role).map_err(|_| StoreError::Corrupt(format!("api token {} has an unknown role", self.id)))?,
            expires_at: token_expiry(self.expires_at, self.created_at),
            id: self.id,
            org_id: self.org_id,
            org_name: self.org_name,
            label: self.label,
            created_at: self.created_at,
            revoked_at: self.revoked_at,
        })
    }
}

const TOKEN_SELECT: &str = "SELECT t.id, t.org_id, o.name AS org_name, t.role, t.label, t.created_at, t.expires_at, t.revoked_at FROM api_tokens t JOIN organisations o ON o.id = t.org_id";

/// The organisation of a user, for the audit row of something done to or by them.
async fn org_of(tx: &mut Tx<'_>, user_id: &str) -> Result<String> {
    sqlx::query_scalar("SELECT org_id FROM users WHERE id = $1").bind(user_id).fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound)
}

/// Marks a user's unused links spent and removes the links from their e-mails.
async fn spend_links(tx: &mut Tx<'_>, user_id: &str, now: OffsetDateTime) -> Result<()> {
    sqlx::query("UPDATE email_outbox SET body = $1 WHERE id IN (SELECT outbox_email_id FROM password_links WHERE user_id = $2 AND used_at IS NULL AND outbox_email_id IS NOT NULL)")
        .bind(REDACTED_LINK_EMAIL)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE password_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL").bind(now).bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

/// Stores a link for `user_id` (replacing the user's unused ones) with its e-mail, and audits it.
async fn insert_link(tx: &mut Tx<'_>, who: &AuditActor, link: &NewPasswordLink, user_id: &str) -> Result<()> {
    let now = super::now();
    spend_links(tx, user_id, now).await?;
    let outbox_id = match &link.email {
        Some(email) => {
            let id = new_id();
            sqlx::query("INSERT INTO email_outbox (id, notification_id, to_address, subject, body, created_at, attempts, next_attempt_at) VALUES ($1, NULL, $2, $3, $4, $5, 0, $5)")
                .bind(&id)
                .bind(&email.to_address)
                .bind(&email.subject)
                .bind(&email.body)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            Some(id)
        }
        None => None,
    };
    sqlx::query("INSERT INTO password_links (id, token_hash, user_id, purpose, created_at, created_by, expires_at, outbox_email_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(new_id())
        .bind(&link.token_hash)
        .bind(user_id)
        .bind(link.purpose.code())
        .bind(now)
        .bind(&who.user_id)
        .bind(link.expires_at)
        .bind(outbox_id)
        .execute(&mut **tx)
        .await?;
    let action = match link.purpose {
        PasswordLinkPurpose::Reset => "user.password_reset",
        PasswordLinkPurpose::Invitation => "user.invite",
    };
    audit(tx, who, Audit { action, entity: "user", entity_id: user_id, person_id: None }).await
}

fn user_audit<'a>(action: &'a str, user_id: &'a str) -> Audit<'a> {
    Audit { action, entity: "user", entity_id: user_id, person_id: None }
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn create_user(&self, user: &NewUser) -> Result<String> {
        let mut tx = self.write_tx().await?;
        let id = new_id();
        sqlx::query("INSERT INTO users (id, email, display_name, password_hash, role, org_id, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7)")
            .bind(&id)
            .bind(user.email.trim().to_lowercase())
            .bind(&user.display_name)
            .bind(&user.password_hash)
            .bind(user.role.code())
            .bind(&user.org_id)
            .bind(super::now())
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::unique(e, "An account with this email address already exists"))?;
        tx.commit().await?;
        Ok(id)
    }

    async fn user_credentials(&self, email: &str) -> Result<Option<UserCredentials>> {
        Ok(sqlx::query_as(&format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1"))
            .bind(email.trim().to_lowercase())
            .fetch_optional(&mut *self.conn().await?)
            .await?)
    }

    async fn users(&self, org_id: &str, role: Option<Role>) -> Result<Vec<User>> {
        Ok(sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.org_id = $1 AND ($2 IS NULL OR u.role = $2) ORDER BY u.display_name"))
            .bind(org_id)
            .bind(role.map(Role::code))
            .fetch_all(&mut *self.conn().await?)
            .await?)
    }

    async fn user(&self, user_id: &str) -> Result<Option<User>> {
        Ok(sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1")).bind(user_id).fetch_optional(&mut *self.conn().await?).await?)
    }

    async fn list_users(&self, filter: &UserFilter) -> Result<Vec<UserSummary>> {
        // Typed text matches itself only: LIKE's wildcards in it are escaped.
        let pattern = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(|t| {
            let escaped = t.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            format!("%{escaped}%")
        });
        Ok(sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS}, o.name AS org_name, (u.password_hash LIKE '$%') AS has_password, u.created_at, (u.oidc_subject IS NOT NULL) AS single_sign_on \
             FROM users u JOIN organisations o ON o.id = u.org_id \
             WHERE ($1 IS NULL OR LOWER(u.display_name) LIKE $1 ESCAPE '\\' OR u.email LIKE $1 ESCAPE '\\') \
             AND ($2 IS NULL OR u.role = $2) AND ($3 IS NULL OR u.org_id = $3) AND ($4 IS NULL OR u.active = $4) \
             ORDER BY LOWER(u.display_name), u.email LIMIT $5"
        ))
        .bind(pattern)
        .bind(filter.role.map(Role::code))
        .bind(&filter.org_id)
        .bind(filter.active)
        .bind(filter.limit)
        .fetch_all(&mut *self.conn().await?)
        .await?)
    }

    async fn create_session(&self, token_hash: &str, user_id: &str, csrf_token: &str, expires_at: OffsetDateTime) -> Result<()> {
        let now = super::now();
        let mut tx = self.bookkeeping_tx().await?;
        let org_id = org_of(&mut tx, user_id).await?;
        // Expired sessions are of no use to anyone: each sign-in tidies its user's.
        let expired: Vec<(String, OffsetDateTime)> = sqlx::query_as("SELECT token_hash, expires_at FROM sessions WHERE user_id = $1").bind(user_id).fetch_all(&mut **tx).await?;
        for (hash, _) in expired.iter().filter(|(_, at)| *at <= now) {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(hash).execute(&mut **tx).await?;
        }
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf_token)
            .bind(now)
            .bind(expires_at)
            .execute(&mut **tx)
            .await?;
        let who = AuditActor { user_id: Some(user_id.to_owned()), token_id: None, org_id: Some(org_id) };
        audit(&mut tx, &who, user_audit("user.sign_in", user_id)).await?;
        tx.commit().await?;
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
            .fetch_optional(&mut *self.conn().await?)
            .await?;
        Ok(row
            .filter(|r| r.expires_at > now && r.user.active)
            .map(|r| Session { user: r.user, csrf_token: r.csrf_token, expires_at: r.expires_at }))
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let mut tx = self.bookkeeping_tx().await?;
        let user_id: Option<String> = sqlx::query_scalar("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id").bind(token_hash).fetch_optional(&mut **tx).await?;
        if let Some(user_id) = user_id {
            let org_id = org_of(&mut tx, &user_id).await?;
            let who = AuditActor { user_id: Some(user_id.clone()), token_id: None, org_id: Some(org_id) };
            audit(&mut tx, &who, user_audit("user.sign_out", &user_id)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn end_sessions(&self, who: &AuditActor, user_id: &str) -> Result<u64> {
        let mut tx = self.write_tx().await?;
        org_of(&mut tx, user_id).await?;
        let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?.rows_affected();
        audit(&mut tx, who, user_audit("user.sign_out_everywhere", user_id)).await?;
        tx.commit().await?;
        Ok(ended)
    }

    async fn live_sessions(&self, user_id: &str, now: OffsetDateTime) -> Result<i64> {
        let expiries: Vec<OffsetDateTime> = sqlx::query_scalar("SELECT expires_at FROM sessions WHERE user_id = $1").bind(user_id).fetch_all(&mut *self.conn().await?).await?;
        Ok(expiries.into_iter().filter(|at| *at > now).count() as i64)
    }

    async fn set_user_active(&self, who: &AuditActor, user_id: &str, active: bool) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        org_of(&mut tx, user_id).await?;
        let changed = sqlx::query("UPDATE users SET active = $1 WHERE id = $2 AND active <> $1").bind(active).bind(user_id).execute(&mut **tx).await?.rows_affected() == 1;
        if !changed {
            return Ok(false);
        }
        if !active {
            // A deactivated account keeps no way in: its sessions end and its links are spent.
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
            spend_links(&mut tx, user_id, super::now()).await?;
        }
        audit(&mut tx, who, user_audit(if active { "user.reactivate" } else { "user.deactivate" }, user_id)).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn set_password(&self, who: &AuditActor, user_id: &str, password_hash: &str) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let updated = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(user_id).execute(&mut **tx).await?.rows_affected();
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
        spend_links(&mut tx, user_id, super::now()).await?;
        audit(&mut tx, who, user_audit("user.password_set", user_id)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn issue_api_token(&self, who: &AuditActor, token: &NewApiToken) -> Result<String> {
        let id = new_id();
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO api_tokens (id, token_hash, org_id, role, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&id)
            .bind(&token.token_hash)
            .bind(&token.org_id)
            .bind(token.role.code())
            .bind(&token.label)
            .bind(super::now())
            .bind(token.expires_at)
            .execute(&mut **tx)
            .await?;
        audit(&mut tx, who, Audit { action: "token.create", entity: "api_token", entity_id: &id, person_id: None }).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn api_token_at(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<ApiToken>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            token: ApiToken,
            created_at: OffsetDateTime,
            expires_at: Option<OffsetDateTime>,
        }
        let row: Option<Row> = sqlx::query_as("SELECT id, org_id, role, label, created_at, expires_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
            .bind(token_hash)
            .fetch_optional(&mut *self.conn().await?)
            .await?;
        Ok(row.filter(|r| token_expiry(r.expires_at, r.created_at) > now).map(|r| r.token))
    }

    async fn api_tokens(&self, org_id: Option<&str>) -> Result<Vec<ApiTokenInfo>> {
        let rows: Vec<TokenRow> = sqlx::query_as(&format!("{TOKEN_SELECT} WHERE ($1 IS NULL OR t.org_id = $1) ORDER BY t.created_at DESC, t.id"))
            .bind(org_id)
            .fetch_all(&mut *self.conn().await?)
            .await?;
        rows.into_iter().map(TokenRow::into_info).collect()
    }

    async fn api_token_info(&self, token_id: &str) -> Result<Option<ApiTokenInfo>> {
        let row: Option<TokenRow> = sqlx::query_as(&format!("{TOKEN_SELECT} WHERE t.id = $1")).bind(token_id).fetch_optional(&mut *self.conn().await?).await?;
        row.map(TokenRow::into_info).transpose()
    }

    async fn revoke_api_token(&self, who: &AuditActor, token_id: &str) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM api_tokens WHERE id = $1").bind(token_id).fetch_optional(&mut **tx).await?;
        exists.ok_or(StoreError::NotFound)?;
        let revoked = sqlx::query("UPDATE api_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL")
            .bind(super::now())
            .bind(&who.user_id)
            .bind(token_id)
            .execute(&mut **tx)
            .await?
            .rows_affected()
            == 1;
        if revoked {
            audit(&mut tx, who, Audit { action: "token.revoke", entity: "api_token", entity_id: token_id, person_id: None }).await?;
        }
        tx.commit().await?;
        Ok(revoked)
    }

    async fn invite_user(&self, who: &AuditActor, user: &NewUser, link: &NewPasswordLink) -> Result<String> {
        let id = new_id();
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO users (id, email, display_name, password_hash, role, org_id, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7)")
            .bind(&id)
            .bind(user.email.trim().to_lowercase())
            .bind(&user.display_name)
            .bind(NO_PASSWORD)
            .bind(user.role.code())
            .bind(&user.org_id)
            .bind(super::now())
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::unique(e, "An account with this email address already exists"))?;
        insert_link(&mut tx, who, link, &id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn create_password_link(&self, who: &AuditActor, link: &NewPasswordLink) -> Result<()> {
        let mut tx = self.write_tx().await?;
        org_of(&mut tx, &link.user_id).await?;
        insert_link(&mut tx, who, link, &link.user_id).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn password_link(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<PasswordLink>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: User,
            purpose: String,
            expires_at: OffsetDateTime,
        }
        let row: Option<Row> = sqlx::query_as(&format!("SELECT {USER_COLUMNS}, l.purpose, l.expires_at FROM password_links l JOIN users u ON u.id = l.user_id WHERE l.token_hash = $1 AND l.used_at IS NULL"))
            .bind(token_hash)
            .fetch_optional(&mut *self.conn().await?)
            .await?;
        Ok(row.filter(|r| r.expires_at > now && r.user.active).and_then(|r| {
            let purpose = PasswordLinkPurpose::parse(&r.purpose)?;
            Some(PasswordLink { user: r.user, purpose, expires_at: r.expires_at })
        }))
    }

    async fn use_password_link(&self, token_hash: &str, password_hash: &str, now: OffsetDateTime) -> Result<Option<User>> {
        let mut tx = self.write_tx().await?;
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: User,
            expires_at: OffsetDateTime,
        }
        let row: Option<Row> = sqlx::query_as(&format!("SELECT {USER_COLUMNS}, l.expires_at FROM password_links l JOIN users u ON u.id = l.user_id WHERE l.token_hash = $1 AND l.used_at IS NULL"))
            .bind(token_hash)
            .fetch_optional(&mut **tx)
            .await?;
        let Some(row) = row.filter(|r| r.expires_at > now && r.user.active) else { return Ok(None) };
        // Compare-and-set on `used_at`: of two uses at once, one wins.
        let spent = sqlx::query("UPDATE password_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL").bind(now).bind(token_hash).execute(&mut **tx).await?.rows_affected() == 1;
        if !spent {
            return Ok(None);
        }
        let user = row.user;
        sqlx::query("UPDATE email_outbox SET body = $1 WHERE id = (SELECT outbox_email_id FROM password_links WHERE token_hash = $2)").bind(REDACTED_LINK_EMAIL).bind(token_hash).execute(&mut **tx).await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(&user.id).execute(&mut **tx).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(&user.id).execute(&mut **tx).await?;
        spend_links(&mut tx, &user.id, now).await?;
        let who = AuditActor { user_id: Some(user.id.clone()), token_id: None, org_id: Some(user.org_id.clone()) };
        audit(&mut tx, &who, user_audit("user.password_set", &user.id)).await?;
        tx.commit().await?;
        Ok(Some(user))
    }

    async fn login_failures(&self, account_key: &str, client_address: &str, since: OffsetDateTime) -> Result<LoginFailureCounts> {
        let (for_account, from_address): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN client_address = $2 THEN 1 ELSE 0 END), 0) FROM login_failures WHERE account_key = $1 AND at > $3",
        )
        .bind(account_key)
        .bind(client_address)
        .bind(since)
        .fetch_one(&mut *self.conn().await?)
        .await?;
        Ok(LoginFailureCounts { from_address, for_account })
    }

    async fn record_login_failure(&self, account_key: &str, client_address: &str, at: OffsetDateTime, forget_before: OffsetDateTime) -> Result<()> {
        let mut tx = self.bookkeeping_tx().await?;
        sqlx::query("DELETE FROM login_failures WHERE at < $1").bind(forget_before).execute(&mut **tx).await?;
        sqlx::query("INSERT INTO login_failures (id, account_key, client_address, at) VALUES ($1, $2, $3, $4)")
            .bind(new_id())
            .bind(account_key)
            .bind(client_address)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn take_rate_limited_attempt(&self, bucket: &str, client_key: &str, at: OffsetDateTime, window: time::Duration, max: i64) -> Result<bool> {
        let mut tx = self.bookkeeping_tx().await?;
        let since = at - window;
        sqlx::query("DELETE FROM rate_limit_hits WHERE at < $1").bind(since).execute(&mut **tx).await?;
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_limit_hits WHERE bucket = $1 AND client_key = $2 AND at >= $3")
            .bind(bucket)
            .bind(client_key)
            .bind(since)
            .fetch_one(&mut **tx)
            .await?;
        if taken >= max {
            return Ok(false);
        }
        sqlx::query("INSERT INTO rate_limit_hits (id, bucket, client_key, at) VALUES ($1, $2, $3, $4)").bind(new_id()).bind(bucket).bind(client_key).bind(at).execute(&mut **tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn clear_login_failures(&self, account_key: &str, client_address: Option<&str>) -> Result<()> {
        let mut tx = self.bookkeeping_tx().await?;
        sqlx::query("DELETE FROM login_failures WHERE account_key = $1 AND ($2 IS NULL OR client_address = $2)").bind(account_key).bind(client_address).execute(&mut **tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn oidc_account_by_subject(&self, issuer: &str, subject: &str) -> Result<Option<OidcAccount>> {
        oidc_account(&mut *self.conn().await?, "u.oidc_issuer = $1 AND u.oidc_subject = $2", &[issuer, subject]).await
    }

    async fn oidc_account_by_email(&self, email: &str) -> Result<Option<OidcAccount>> {
        oidc_account(&mut *self.conn().await?, "u.email = $1", &[&email.trim().to_lowercase()]).await
    }

    async fn link_oidc_identity(&self, user_id: &str, issuer: &str, subject: &str) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let org_id = org_of(&mut tx, user_id).await?;
        let linked = sqlx::query("UPDATE users SET oidc_issuer = $1, oidc_subject = $2 WHERE id = $3 AND oidc_subject IS NULL")
            .bind(issuer)
            .bind(subject)
            .bind(user_id)
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::unique(e, "This single sign-on identity is already linked to another account"))?
            .rows_affected()
            == 1;
        if linked {
            let who = AuditActor { user_id: Some(user_id.to_owned()), token_id: None, org_id: Some(org_id) };
            audit(&mut tx, &who, user_audit("user.link_single_sign_on", user_id)).await?;
        }
        tx.commit().await?;
        Ok(linked)
    }
}

async fn oidc_account(conn: &mut super::Conn, condition: &str, binds: &[&str]) -> Result<Option<OidcAccount>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: User,
        oidc_issuer: Option<String>,
        oidc_subject: Option<String>,
    }
    let sql = format!("SELECT {USER_COLUMNS}, u.oidc_issuer, u.oidc_subject FROM users u WHERE {condition}");
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for value in binds {
        query = query.bind(*value);
    }
    Ok(query.fetch_optional(&mut *conn).await?.map(|r| OidcAccount { user: r.user, issuer: r.oidc_issuer, subject: r.oidc_subject }))
}
