//! Row helpers about one referral that several slices use inside their own transactions: the
//! person a referral is about, and recording its needs. Kept apart from `casework.rs` so the slices
//! that need them (plan, team, onward loop, contact details, measurement, corrections) do not
//! depend on casework, which itself builds on several of them.

use crate::{Result, StoreError};
use linkwork_domain::casework::need::NeedDomain;

/// The person a referral is about; `NotFound` for an unknown referral.
pub(super) async fn person_of(tx: &mut sqlx::Transaction<'_, super::Db>, referral_id: &str) -> Result<String> {
    sqlx::query_scalar("SELECT person_id FROM referrals WHERE id = $1").bind(referral_id).fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound)
}

/// Records needs of a referral (`identified_at`: `referral` or `conversation`); needs already
/// recorded are left as they are. Needs agreed with the person (`conversation`) settle needs that
/// were waiting to be confirmed.
pub(super) async fn insert_needs(tx: &mut sqlx::Transaction<'_, super::Db>, referral_id: &str, needs: &[NeedDomain], identified_at: &str) -> Result<()> {
    for need in needs {
        sqlx::query("INSERT INTO referral_needs (referral_id, need, identified_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(referral_id)
            .bind(need.code())
            .bind(identified_at)
            .execute(&mut **tx)
            .await?;
    }
    if identified_at == "conversation" && !needs.is_empty() {
        sqlx::query("UPDATE referrals SET needs_to_confirm = FALSE WHERE id = $1 AND needs_to_confirm").bind(referral_id).execute(&mut **tx).await?;
    }
    Ok(())
}
