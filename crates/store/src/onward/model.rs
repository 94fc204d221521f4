//! Onward referrals and their loop: partners' changes and undos, events, notifications and their
//! recipients, the e-mail outbox, and the partnership reports' input.

use linkwork_domain::access::Role;
use linkwork_domain::onward::{OnwardDeclineReason, OnwardStatus, Undo};
use linkwork_domain::casework::referral::ReferralStatus;
use serde::Serialize;
use time::{Date, OffsetDateTime};

/// A partner's answer to an onward referral, applied only if its status is still `from`.
#[derive(Debug, Clone)]
pub struct OnwardChange {
    pub from: OnwardStatus,
    pub to: OnwardStatus,
    pub on: Date,
    pub decline_reason: Option<OnwardDeclineReason>,
}

impl OnwardReferral {
    pub fn decline_reason_label(&self) -> Option<&'static str> {
        self.decline_reason.as_deref().and_then(|c| OnwardDeclineReason::parse(c).ok()).map(OnwardDeclineReason::label)
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OnwardReferral {
    pub id: String,
    pub referral_id: String,
    pub service_id: String,
    pub service_name: String,
    pub provider_org_id: String,
    pub provider_name: String,
    #[sqlx(try_from = "String")]
    pub status: OnwardStatus,
    pub note: Option<String>,
    pub sent_on: Date,
    pub responded_on: Option<Date>,
    pub decline_reason: Option<String>,
    pub attended_on: Option<Date>,
}

/// What a VCSE partner sees of an onward referral: enough to contact the person and act, never
/// the person's record (no NHS number, date of birth, notes or measures).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PartnerReferral {
    #[sqlx(flatten)]
    pub onward: OnwardReferral,
    /// For the audit trail only; never sent to the partner.
    #[serde(skip)]
    pub person_id: String,
    pub person_name: String,
    pub link_worker_name: Option<String>,
    /// How to reach the person: filled in by the one use case that shows partners their referrals
    /// (`linkwork_web::reads`), and only while the person's consent to share with the partner's
    /// organisation stands (`linkwork_domain::person::contact_details::partner_may_see`); `null` otherwise.
    #[sqlx(skip)]
    pub contact_details: Option<linkwork_domain::person::contact_details::SharedContact>,
}

/// A new onward referral; the caller chooses its id (with [`crate::new_id`]) so that the
/// notifications sent with it can link to it.
#[derive(Debug, Clone)]
pub struct NewOnward {
    pub id: String,
    pub referral_id: String,
    pub service_id: String,
    pub sent_on: Date,
    pub note: Option<String>,
}

/// One change of an onward referral's status, with who made it and when.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OnwardEvent {
    pub id: String,
    pub onward_referral_id: String,
    /// `None` for the first event (`sent`).
    pub from_status: Option<String>,
    #[sqlx(try_from = "String")]
    pub to_status: OnwardStatus,
    /// The decline reason's code, with `declined`.
    pub reason: Option<String>,
    /// The day the change took effect, as recorded.
    pub happened_on: Date,
    /// When it was recorded.
    pub at: OffsetDateTime,
    pub user_id: Option<String>,
    pub token_id: Option<String>,
    pub org_id: Option<String>,
    /// The user's display name (none for API tokens).
    pub actor_name: Option<String>,
    pub actor_org_name: Option<String>,
    /// Set on an event that undoes an earlier one (a change recorded by mistake): that event's id.
    pub undoes_event_id: Option<String>,
}

impl OnwardEvent {
    pub fn reason_label(&self) -> Option<&'static str> {
        self.reason.as_deref().and_then(|c| OnwardDeclineReason::parse(c).ok()).map(OnwardDeclineReason::label)
    }
}

/// An onward referral with what the loop's rules and messages need: the referral's service and
/// link worker, the person's name (for link workers' pages; notifications use the first name at
/// most) and the provider.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LoopOnward {
    pub onward_id: String,
    pub referral_id: String,
    pub service_org_id: String,
    #[sqlx(try_from = "String")]
    pub referral_status: ReferralStatus,
    pub worker_id: Option<String>,
    pub worker_name: Option<String>,
    pub sent_by: Option<String>,
    pub person_id: String,
    pub given_name: String,
    pub family_name: String,
    pub service_id: String,
    pub service_name: String,
    pub provider_org_id: String,
    pub provider_name: String,
    #[sqlx(try_from = "String")]
    pub status: OnwardStatus,
    pub sent_on: Date,
    pub decline_reason: Option<String>,
}

/// Who a notification is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// One user, of `org_id`.
    User { user_id: String, org_id: String },
    /// Everyone in an organisation (a shared inbox); e-mailed to its active users with one of `roles`.
    Org { org_id: String, roles: Vec<Role> },
}

#[derive(Debug, Clone)]
pub struct NewNotification {
    pub recipient: Recipient,
    pub kind: String,
    pub subject: String,
    pub body: String,
    /// A path in the app.
    pub link: Option<String>,
    /// Set for prompts that must be sent once only: a second notification with the same key is
    /// not created (and not e-mailed).
    pub dedup_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Notification {
    pub id: String,
    pub recipient_user_id: Option<String>,
    pub recipient_org_id: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
}

/// An e-mail in the outbox.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OutboxEmail {
    pub id: String,
    pub notification_id: Option<String>,
    /// The notification's link (a path in the app), for the e-mail to point to.
    pub link: Option<String>,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    pub attempts: i64,
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
}

/// The facts the partnership reports (issue 4: partner feedback, gaps, network) are computed from.
#[derive(Debug, Clone, Default)]
pub struct PartnershipInput {
    /// Onward referrals made by the services, sent in the period.
    pub onward: Vec<linkwork_domain::onward::partnership::OnwardFact>,
    /// Every service in the directory.
    pub services: Vec<linkwork_domain::onward::partnership::ServiceFact>,
    /// Per referral received in the period: the needs identified (in conversation, else at referral).
    pub needs: Vec<(String, Vec<linkwork_domain::casework::need::NeedDomain>)>,
    /// Referrals into the services from organisations: the referring organisation's name and the day.
    pub referred_in: Vec<(String, Date)>,
    /// Organisation id → name.
    pub org_names: std::collections::BTreeMap<String, String>,
    /// SWEMWBS measures of the services' referrals, taken up to the end of the period.
    pub measures: Vec<linkwork_domain::evaluation::MeasureFacts>,
}

/// Undoing an onward referral's latest standing change (`event_id`), now in `from`.
#[derive(Debug, Clone)]
pub struct OnwardUndo {
    pub event_id: String,
    pub from: OnwardStatus,
    pub undo: Undo,
    pub on: Date,
}
