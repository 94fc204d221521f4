//! The closed loop of onward referrals: every status change is written with its `onward_events`
//! row (who, when) and audit event in one transaction, and notifications with their e-mails are
//! written in the transaction of the change they announce (a transactional outbox: a change is
//! never announced without happening, nor happens unannounced).

use super::{audit, Audit, SqlStore};
use crate::*;
use crate::LoopStore;
use crate::{new_id, Result, StoreError};
use async_trait::async_trait;
use linkwork_domain::access::Role;
use linkwork_domain::onward::OnwardStatus;
use linkwork_domain::casework::referral::ReferralStatus;
use time::{Date, OffsetDateTime};

type Tx<'a> = sqlx::Transaction<'a, super::Db>;

const EVENT_SELECT: &str = "SELECT e.id, e.onward_referral_id, e.from_status, e.to_status, e.reason, e.happened_on, e.at, e.user_id, e.token_id, e.org_id, \
     u.display_name AS actor_name, o.name AS actor_org_name, e.undoes_event_id FROM onward_events e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN organisations o ON o.id = e.org_id";

const LOOP_SELECT: &str = "SELECT w.id AS onward_id, w.referral_id, r.service_org_id, r.status AS referral_status, r.assigned_worker_id AS worker_id, \
     u.display_name AS worker_name, w.sent_by, p.id AS person_id, p.given_name, p.family_name, w.service_id, s.name AS service_name, s.org_id AS provider_org_id, \
     o.name AS provider_name, w.status, w.sent_on, w.decline_reason \
     FROM onward_referrals w JOIN referrals r ON r.id = w.referral_id JOIN people p ON p.id = r.person_id JOIN services s ON s.id = w.service_id \
     JOIN organisations o ON o.id = s.org_id LEFT JOIN users u ON u.id = r.assigned_worker_id";

const OUTBOX_SELECT: &str = "SELECT e.id, e.notification_id, n.link, e.to_address, e.subject, e.body, e.created_at, e.sent_at, e.attempts, e.next_attempt_at, e.last_error \
     FROM email_outbox e LEFT JOIN notifications n ON n.id = e.notification_id";

/// `'received', 'accepted'`: the referral statuses in which a link worker still works on a person.
fn open_referral_codes() -> String {
    ReferralStatus::ALL.iter().filter(|s| s.is_open()).map(|s| format!("'{}'", s.code())).collect::<Vec<_>>().join(", ")
}

/// Inserts an onward referral with its `sent` event and audit event.
pub(super) async fn insert_onward(tx: &mut Tx<'_>, who: &AuditActor, o: &NewOnward) -> Result<()> {
    let person_id = super::referral_rows::person_of(tx, &o.referral_id).await?;
    sqlx::query("INSERT INTO onward_referrals (id, referral_id, service_id, status, note, sent_on, sent_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(&o.id)
        .bind(&o.referral_id)
        .bind(&o.service_id)
        .bind(OnwardStatus::Sent.code())
        .bind(&o.note)
        .bind(o.sent_on)
        .bind(&who.user_id)
        .bind(super::now())
        .execute(&mut **tx)
        .await?;
    insert_event(tx, who, &o.id, None, OnwardStatus::Sent, None, o.sent_on).await?;
    // An onward referral is only sent with the person's consent to share with its organisation
    // (asked on the form); it is kept per referral and organisation, as it was last given.
    sqlx::query(
        "INSERT INTO sharing_consents (referral_id, org_id, given_on, recorded_by) SELECT $1, s.org_id, $2, $3 FROM services s WHERE s.id = $4 \
         ON CONFLICT (referral_id, org_id) DO UPDATE SET given_on = excluded.given_on, recorded_by = excluded.recorded_by, withdrawn_on = NULL",
    )
    .bind(&o.referral_id)
    .bind(o.sent_on)
    .bind(&who.user_id)
    .bind(&o.service_id)
    .execute(&mut **tx)
    .await?;
    audit(tx, who, Audit { action: "onward.create", entity: "onward_referral", entity_id: &o.id, person_id: Some(&person_id) }).await
}

/// Moves an onward referral from `change.from` to `change.to` (compare-and-set), with its event
/// and audit event; `Conflict` if its status is no longer `change.from`.
pub(super) async fn apply_change(tx: &mut Tx<'_>, who: &AuditActor, onward_id: &str, change: &OnwardChange) -> Result<()> {
    let responded_on = matches!(change.to, OnwardStatus::Accepted | OnwardStatus::Declined).then_some(change.on);
    // Completing implies having gone at least once.
    let attended_on = matches!(change.to, OnwardStatus::Attended | OnwardStatus::Completed).then_some(change.on);
    let result = sqlx::query(
        "UPDATE onward_referrals SET status = $1, responded_on = COALESCE(responded_on, $2), attended_on = COALESCE(attended_on, $3), \
         decline_reason = COALESCE($4, decline_reason), updated_at = $5 WHERE id = $6 AND status = $7",
    )
    .bind(change.to.code())
    .bind(responded_on)
    .bind(attended_on)
    .bind(change.decline_reason.map(|r| r.code()))
    .bind(super::now())
    .bind(onward_id)
    .bind(change.from.code())
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() != 1 {
        return Err(StoreError::Conflict("This referral was changed by someone else. Reload the page and try again".into()));
    }
    let person_id: String = sqlx::query_scalar("SELECT r.person_id FROM onward_referrals w JOIN referrals r ON r.id = w.referral_id WHERE w.id = $1")
        .bind(onward_id)
        .fetch_one(&mut **tx)
        .await?;
    insert_event(tx, who, onward_id, Some(change.from), change.to, change.decline_reason.map(|r| r.code()), change.on).await?;
    let action = format!("onward.{}", change.to.code());
    audit(tx, who, Audit { action: &action, entity: "onward_referral", entity_id: onward_id, person_id: Some(&person_id) }).await
}

async fn insert_event(tx: &mut Tx<'_>, who: &AuditActor, onward_id: &str, from: Option<OnwardStatus>, to: OnwardStatus, reason: Option<&str>, happened_on: Date) -> Result<()> {
    sqlx::query(
        "INSERT INTO onward_events (id, onward_referral_id, from_status, to_status, reason, happened_on, at, user_id, token_id, org_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new_id())
    .bind(onward_id)
    .bind(from.map(|s| s.code()))
    .bind(to.code())
    .bind(reason)
    .bind(happened_on)
    .bind(super::now())
    .bind(&who.user_id)
    .bind(&who.token_id)
    .bind(&who.org_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes a notification and one outbox e-mail per recipient address; false (and nothing
/// written) when its `dedup_key` was used before.
pub(super) async fn insert_notification(tx: &mut Tx<'_>, n: &NewNotification) -> Result<bool> {
    let (user_id, org_id) = match &n.recipient {
        Recipient::User { user_id, org_id } => (Some(user_id.as_str()), org_id.as_str()),
        Recipient::Org { org_id, .. } => (None, org_id.as_str()),
    };
    let now = super::now();
    let id: Option<String> = sqlx::query_scalar(
        "INSERT INTO notifications (id, recipient_user_id, recipient_org_id, kind, subject, body, link, dedup_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(new_id())
    .bind(user_id)
    .bind(org_id)
    .bind(&n.kind)
    .bind(&n.subject)
    .bind(&n.body)
    .bind(&n.link)
    .bind(&n.dedup_key)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = id else { return Ok(false) };
    let addresses: Vec<String> = match &n.recipient {
        Recipient::User { user_id, .. } => sqlx::query_scalar("SELECT email FROM users WHERE id = $1 AND active").bind(user_id).fetch_all(&mut **tx).await?,
        Recipient::Org { org_id, roles } => {
            let users: Vec<(String, String)> = sqlx::query_as("SELECT email, role FROM users WHERE org_id = $1 AND active ORDER BY email").bind(org_id).fetch_all(&mut **tx).await?;
            users.into_iter().filter(|(_, role)| Role::parse(role).is_ok_and(|r| roles.contains(&r))).map(|(email, _)| email).collect()
        }
    };
    for to in addresses {
        sqlx::query(
            "INSERT INTO email_outbox (id, notification_id, to_address, subject, body, created_at, attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
        )
        .bind(new_id())
        .bind(&id)
        .bind(to)
        .bind(&n.subject)
        .bind(&n.body)
        .bind(now)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(true)
}

#[async_trait]
impl LoopStore for SqlStore {
    async fn send_onward(&self, who: &AuditActor, onward: &NewOnward, notify: &[NewNotification]) -> Result<String> {
        let mut tx = self.write_tx().await?;
        insert_onward(&mut tx, who, onward).await?;
        for n in notify {
            insert_notification(&mut tx, n).await?;
        }
        tx.commit().await?;
        Ok(onward.id.clone())
    }

    async fn answer_onward(&self, who: &AuditActor, onward_id: &str, change: &OnwardChange, notify: &[NewNotification]) -> Result<()> {
        let mut tx = self.write_tx().await?;
        apply_change(&mut tx, who, onward_id, change).await?;
        for n in notify {
            insert_notification(&mut tx, n).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn onward_events(&self, onward_id: &str) -> Result<Vec<OnwardEvent>> {
        Ok(sqlx::query_as(&format!("{EVENT_SELECT} WHERE e.onward_referral_id = $1 ORDER BY e.at, e.happened_on, e.id")).bind(onward_id).fetch_all(&mut *self.conn().await?).await?)
    }

    async fn referral_onward_events(&self, referral_id: &str) -> Result<Vec<OnwardEvent>> {
        Ok(sqlx::query_as(&format!(
            "{EVENT_SELECT} JOIN onward_referrals w ON w.id = e.onward_referral_id WHERE w.referral_id = $1 ORDER BY e.at, e.happened_on, e.id"
        ))
        .bind(referral_id)
        .fetch_all(&mut *self.conn().await?)
        .await?)
    }

    async fn loop_onward(&self, onward_id: &str) -> Result<Option<LoopOnward>> {
        Ok(sqlx::query_as(&format!("{LOOP_SELECT} WHERE w.id = $1")).bind(onward_id).fetch_optional(&mut *self.conn().await?).await?)
    }

    async fn referral_onward(&self, referral_id: &str) -> Result<Vec<LoopOnward>> {
        Ok(sqlx::query_as(&format!("{LOOP_SELECT} WHERE w.referral_id = $1 ORDER BY w.sent_on, w.id")).bind(referral_id).fetch_all(&mut *self.conn().await?).await?)
    }

    async fn service_onward(&self, service_org_id: &str, worker_id: Option<&str>) -> Result<Vec<LoopOnward>> {
        Ok(sqlx::query_as(&format!(
            "{LOOP_SELECT} WHERE r.service_org_id = $1 AND r.status IN ({}) AND ($2 IS NULL OR r.assigned_worker_id = $2) \
             ORDER BY w.sent_on, w.id",
            open_referral_codes()
        ))
        .bind(service_org_id)
        .bind(worker_id)
        .fetch_all(&mut *self.conn().await?)
        .await?)
    }

    async fn waiting_onward(&self, sent_on_or_before: Date) -> Result<Vec<LoopOnward>> {
        Ok(sqlx::query_as(&format!("{LOOP_SELECT} WHERE w.status = $1 AND w.sent_on <= $2 AND r.status IN ({}) ORDER BY w.sent_on, w.id", open_referral_codes()))
            .bind(OnwardStatus::Sent.code())
            .bind(sent_on_or_before)
            .fetch_all(&mut *self.conn().await?)
            .await?)
    }

    async fn notify(&self, notification: &NewNotification) -> Result<bool> {
        let mut tx = self.bookkeeping_tx().await?;
        let created = insert_notification(&mut tx, notification).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn notifications(&self, user_id: &str, org_id: &str, limit: i64) -> Result<Vec<Notification>> {
        Ok(sqlx::query_as(
            "SELECT id, recipient_user_id, recipient_org_id, kind, subject, body, link, created_at, read_at FROM notifications \
             WHERE recipient_user_id = $1 OR (recipient_user_id IS NULL AND recipient_org_id = $2) ORDER BY created_at DESC, id DESC LIMIT $3",
        )
        .bind(user_id)
        .bind(org_id)
        .bind(limit)
        .fetch_all(&mut *self.conn().await?)
        .await?)
    }

    async fn unread_notifications(&self, user_id: &str, org_id: &str) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE read_at IS NULL AND (recipient_user_id = $1 OR (recipient_user_id IS NULL AND recipient_org_id = $2))")
            .bind(user_id)
            .bind(org_id)
            .fetch_one(&mut *self.conn().await?)
            .await?)
    }

    async fn mark_notifications_read(&self, user_id: &str, org_id: &str, notification_id: Option<&str>) -> Result<u64> {
        let mut tx = self.bookkeeping_tx().await?;
        let result = sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE read_at IS NULL AND (recipient_user_id = $2 OR (recipient_user_id IS NULL AND recipient_org_id = $3)) \
             AND ($4 IS NULL OR id = $4)",
        )
        .bind(super::now())
        .bind(user_id)
        .bind(org_id)
        .bind(notification_id)
        .execute(&mut **tx)
        .await?;
        tx.commit().await?;
        Ok(result.rows_affected())
    }

    async fn outbox(&self, pending_only: bool, max_attempts: i64, limit: i64) -> Result<Vec<OutboxEmail>> {
        if pending_only {
            Ok(sqlx::query_as(&format!("{OUTBOX_SELECT} WHERE e.sent_at IS NULL AND e.attempts < $1 ORDER BY e.created_at, e.id LIMIT $2"))
                .bind(max_attempts)
                .bind(limit)
                .fetch_all(&mut *self.conn().await?)
                .await?)
        } else {
            Ok(sqlx::query_as(&format!("{OUTBOX_SELECT} ORDER BY e.created_at, e.id LIMIT $1")).bind(limit).fetch_all(&mut *self.conn().await?).await?)
        }
    }

    async fn claim_email(&self, id: &str, seen_attempts: i64, retry_at: OffsetDateTime) -> Result<bool> {
        let mut tx = self.bookkeeping_tx().await?;
        let result = sqlx::query("UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = $1 WHERE id = $2 AND sent_at IS NULL AND attempts = $3")
            .bind(retry_at)
            .bind(id)
            .bind(seen_attempts)
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(result.rows_affected() == 1)
    }

    async fn email_sent(&self, id: &str, at: OffsetDateTime) -> Result<()> {
        let mut tx = self.bookkeeping_tx().await?;
        sqlx::query("UPDATE email_outbox SET sent_at = $1, last_error = NULL WHERE id = $2").bind(at).bind(id).execute(&mut **tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn email_failed(&self, id: &str, error: &str, retry_at: OffsetDateTime) -> Result<()> {
        let mut tx = self.bookkeeping_tx().await?;
        sqlx::query("UPDATE email_outbox SET last_error = $1, next_attempt_at = $2 WHERE id = $3").bind(error).bind(retry_at).bind(id).execute(&mut **tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
