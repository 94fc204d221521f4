//! One-time form keys (see the migration `…0013_form_submissions.sql` and `web::once`).

use super::SqlStore;
use crate::FormClaim;
use crate::FormSubmissionStore;
use crate::Result;
use async_trait::async_trait;
use time::OffsetDateTime;

#[async_trait]
impl FormSubmissionStore for SqlStore {
    async fn claim_form(&self, key_hash: &str, now: OffsetDateTime) -> Result<FormClaim> {
        let mut tx = self.bookkeeping_tx().await?;
        // Keys older than a day are forgotten: a page left open that long is sent as new.
        sqlx::query("DELETE FROM form_submissions WHERE created_at < $1").bind(now - time::Duration::days(1)).execute(&mut **tx).await?;
        let claimed = sqlx::query("INSERT INTO form_submissions (key_hash, location, created_at) VALUES ($1, NULL, $2) ON CONFLICT (key_hash) DO NOTHING")
            .bind(key_hash)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        if claimed.rows_affected() == 1 {
            tx.commit().await?;
            return Ok(FormClaim::New);
        }
        let location: Option<Option<String>> = sqlx::query_scalar("SELECT location FROM form_submissions WHERE key_hash = $1").bind(key_hash).fetch_optional(&mut **tx).await?;
        tx.commit().await?;
        Ok(match location {
            Some(Some(location)) => FormClaim::Done(location),
            Some(None) => FormClaim::InProgress,
            // Forgotten between the two statements: treat as new next time.
            None => FormClaim::InProgress,
        })
    }

    async fn finish_form(&self, key_hash: &str, location: &str) -> Result<()> {
        let mut tx = self.bookkeeping_tx().await?;
        sqlx::query("UPDATE form_submissions SET location = $1 WHERE key_hash = $2").bind(location).bind(key_hash).execute(&mut **tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn release_form(&self, key_hash: &str) -> Result<()> {
        let mut tx = self.bookkeeping_tx().await?;
        sqlx::query("DELETE FROM form_submissions WHERE key_hash = $1 AND location IS NULL").bind(key_hash).execute(&mut **tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
