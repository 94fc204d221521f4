//! Onward referrals to community partners: the closed loop with its history, prompts,
//! notifications and e-mail outbox ([`LoopStore`]), what a partner sees and answers
//! ([`PartnerStore`]), and the facts the partnership reports are computed from ([`PartnershipStore`]).

pub mod model;
pub use model::*;

use crate::Result;
use crate::audit::AuditActor;
use async_trait::async_trait;
use time::{Date, OffsetDateTime};

#[async_trait]
pub trait PartnerStore: Send + Sync {
    /// Onward referrals to services run by `provider_org_id`, newest first.
    async fn partner_referrals(&self, provider_org_id: &str) -> Result<Vec<PartnerReferral>>;
    async fn partner_referral(&self, onward_id: &str) -> Result<Option<PartnerReferral>>;
    async fn change_onward(&self, who: &AuditActor, onward_id: &str, change: &OnwardChange) -> Result<()>;
}

/// The closed loop of onward referrals: sending and answering with their history and
/// notifications in one transaction, the link worker's prompts, in-app notifications and the
/// e-mail outbox.
#[async_trait]
pub trait LoopStore: Send + Sync {
    /// Sends an onward referral (as [`CaseworkStore::create_onward`]: the referral, its `sent`
    /// event and audit) and creates `notify` in the same transaction. Returns the id.
    async fn send_onward(&self, who: &AuditActor, onward: &NewOnward, notify: &[NewNotification]) -> Result<String>;
    /// Applies a partner's change (as [`PartnerStore::change_onward`]: compare-and-set, event,
    /// audit) and creates `notify` in the same transaction; nothing is written on a conflict.
    async fn answer_onward(&self, who: &AuditActor, onward_id: &str, change: &OnwardChange, notify: &[NewNotification]) -> Result<()>;
    /// The history of one onward referral, oldest first.
    async fn onward_events(&self, onward_id: &str) -> Result<Vec<OnwardEvent>>;
    /// The history of every onward referral of a referral, oldest first.
    async fn referral_onward_events(&self, referral_id: &str) -> Result<Vec<OnwardEvent>>;
    async fn loop_onward(&self, onward_id: &str) -> Result<Option<LoopOnward>>;
    /// Every onward referral of a referral, oldest first.
    async fn referral_onward(&self, referral_id: &str) -> Result<Vec<LoopOnward>>;
    /// Onward referrals of a service's open referrals (optionally one link worker's, with the
    /// unassigned ones), oldest first: what the stuck and bounced rules look at.
    async fn service_onward(&self, service_org_id: &str, worker_id: Option<&str>) -> Result<Vec<LoopOnward>>;
    /// Onward referrals of open referrals still waiting for an answer, sent on or before `sent_on_or_before`.
    async fn waiting_onward(&self, sent_on_or_before: Date) -> Result<Vec<LoopOnward>>;
    /// Creates a notification and its e-mails in one transaction. With a `dedup_key` already
    /// used, creates nothing and returns false.
    async fn notify(&self, notification: &NewNotification) -> Result<bool>;
    /// Notifications for a user: their own and their organisation's shared ones, newest first.
    async fn notifications(&self, user_id: &str, org_id: &str, limit: i64) -> Result<Vec<Notification>>;
    async fn unread_notifications(&self, user_id: &str, org_id: &str) -> Result<i64>;
    /// Marks one notification (or, with `None`, all) of this user read; returns how many changed.
    async fn mark_notifications_read(&self, user_id: &str, org_id: &str, notification_id: Option<&str>) -> Result<u64>;
    /// E-mails in the outbox, oldest first: only those not yet sent with fewer than
    /// `max_attempts` attempts, or (with `pending_only` false) all.
    async fn outbox(&self, pending_only: bool, max_attempts: i64, limit: i64) -> Result<Vec<OutboxEmail>>;
    /// Claims an e-mail for one delivery attempt, if nobody else has since it was read with
    /// `seen_attempts` (several servers may drain one outbox); counts the attempt.
    async fn claim_email(&self, id: &str, seen_attempts: i64, retry_at: OffsetDateTime) -> Result<bool>;
    async fn email_sent(&self, id: &str, at: OffsetDateTime) -> Result<()>;
    async fn email_failed(&self, id: &str, error: &str, retry_at: OffsetDateTime) -> Result<()>;
}

#[async_trait]
pub trait PartnershipStore: Send + Sync {
    /// The partnership facts for the given services (PCNs) over `period`.
    async fn partnership_input(&self, service_org_ids: &[String], period: linkwork_domain::evaluation::Period) -> Result<PartnershipInput>;
}
