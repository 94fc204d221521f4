//! Sign-in lockout. Failed sign-ins are kept in the database, so every server process sharing it
//! applies one limit. Two limits apply, whether or not an account has the e-mail address typed
//! (so a lockout does not reveal which addresses exist):
//! - [`MAX_FROM_ADDRESS`] failures for one e-mail address from one client address, and
//! - [`MAX_FOR_ACCOUNT`] failures for one e-mail address from anywhere (an attack spread over
//!   many addresses),
//!
//! each within [`WINDOW`]. While either is reached, sign-in for that address is refused without
//! checking the password; setting a new password through a link lifts the lock.

use crate::store::{Store, StoreError};
use std::net::IpAddr;
use time::{Duration, OffsetDateTime};

pub const WINDOW: Duration = Duration::minutes(15);
pub const MAX_FROM_ADDRESS: i64 = 5;
pub const MAX_FOR_ACCOUNT: i64 = 10;

/// The lockout's key for an e-mail address as typed: its SHA-256 (trimmed, lower-cased), so the
/// table never holds the addresses people typed.
pub fn account_key(email: &str) -> String {
    super::hash_secret(&email.trim().to_lowercase())
}

/// Whether sign-in for `email` from `client` is locked at `now`.
pub async fn is_locked(store: &dyn Store, email: &str, client: IpAddr, now: OffsetDateTime) -> Result<bool, StoreError> {
    let counts = store.login_failures(&account_key(email), &client.to_string(), now - WINDOW).await?;
    Ok(counts.from_address >= MAX_FROM_ADDRESS || counts.for_account >= MAX_FOR_ACCOUNT)
}

pub async fn record_failure(store: &dyn Store, email: &str, client: IpAddr, now: OffsetDateTime) -> Result<(), StoreError> {
    store.record_login_failure(&account_key(email), &client.to_string(), now, now - WINDOW).await
}

/// After a successful sign-in: that address starts afresh (the account-wide count stays, so an
/// attack from elsewhere is still bounded).
pub async fn signed_in(store: &dyn Store, email: &str, client: IpAddr) -> Result<(), StoreError> {
    store.clear_login_failures(&account_key(email), Some(&client.to_string())).await
}

/// After a new password is set: the account starts afresh everywhere.
pub async fn password_changed(store: &dyn Store, email: &str) -> Result<(), StoreError> {
    store.clear_login_failures(&account_key(email), None).await
}
