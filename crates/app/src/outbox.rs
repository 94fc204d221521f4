//! The e-mail outbox: which e-mails are due, and recording each attempt, for the server's
//! delivery task (the web shell holds the SMTP connection). The rules are here: how often an
//! e-mail is tried, how long it waits between tries, when it is too old to send, and the claim
//! that stops two servers sharing a database from sending one e-mail twice.

use crate::store::{OutboxEmail, Store};
use crate::AppError;
use time::{Duration, OffsetDateTime};

/// Attempts before an e-mail is given up (its last error stays in the outbox for operators).
pub const MAX_ATTEMPTS: i64 = 8;
/// E-mails older than this are not sent any more: a prompt days late does more harm than good
/// (the notification is still in the app).
pub const MAX_AGE: Duration = Duration::days(3);
/// How long one server holds a claimed e-mail before another may retry it.
const CLAIM_LEASE: Duration = Duration::minutes(5);
/// E-mails looked at in one pass.
const BATCH: i64 = 200;

/// The wait before attempt `attempts + 1`: 30 s, 2 min, 8 min, … at most 6 hours.
pub fn backoff(attempts: i64) -> Duration {
    let seconds = 30i64.saturating_mul(4i64.saturating_pow(attempts.clamp(1, 10) as u32 - 1));
    Duration::seconds(seconds.min(6 * 3600))
}

/// The e-mails due at `now`: not sent, under [`MAX_ATTEMPTS`], not waiting for a retry, not
/// older than [`MAX_AGE`].
pub async fn due(store: &dyn Store, now: OffsetDateTime) -> Result<Vec<OutboxEmail>, AppError> {
    let waiting = store.outbox(true, MAX_ATTEMPTS, BATCH).await?;
    Ok(waiting.into_iter().filter(|email| email.next_attempt_at <= now && now - email.created_at <= MAX_AGE).collect())
}

/// Claims `email` for this server until the lease ends; false if another server has it.
pub async fn claim(store: &dyn Store, email: &OutboxEmail, now: OffsetDateTime) -> Result<bool, AppError> {
    Ok(store.claim_email(&email.id, email.attempts, now + CLAIM_LEASE).await?)
}

/// Records that `email` was sent.
pub async fn sent(store: &dyn Store, email: &OutboxEmail) -> Result<(), AppError> {
    Ok(store.email_sent(&email.id, OffsetDateTime::now_utc()).await?)
}

/// Records a failed attempt (the error may quote the address: it stays in the outbox, out of
/// the logs) and when to try again.
pub async fn failed(store: &dyn Store, email: &OutboxEmail, error: &str) -> Result<(), AppError> {
    Ok(store.email_failed(&email.id, error, OffsetDateTime::now_utc() + backoff(email.attempts + 1)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(3), Duration::minutes(8));
        assert_eq!(backoff(MAX_ATTEMPTS), Duration::hours(6));
    }
}
