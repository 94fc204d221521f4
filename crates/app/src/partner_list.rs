//! A VCSE partner's list of the people referred to its services: search, filters (status, how
//! long they have waited) and paging. Only the people on the page shown are audited.

use crate::forms::Fields;
use crate::AppError;
use linkwork_domain::access::{Actor, Role};
use linkwork_domain::onward::{days_waiting, OnwardStatus};
use linkwork_store::{AuditActor, PartnerReferral, Store};
use time::Date;

pub const PAGE_SIZE: usize = 25;

/// Which referrals, by where they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartnerStatusFilter {
    /// Waiting for an answer, accepted or started: the ones to act on (the default).
    #[default]
    Open,
    Is(OnwardStatus),
    All,
}

impl PartnerStatusFilter {
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Is(s) => s.code(),
            Self::All => "all",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "all" => Self::All,
            "" | "open" => Self::Open,
            other => OnwardStatus::parse(other).map(Self::Is).unwrap_or_default(),
        }
    }

    fn admits(self, status: OnwardStatus) -> bool {
        match self {
            Self::Open => matches!(status, OnwardStatus::Sent | OnwardStatus::Accepted | OnwardStatus::Started),
            Self::Is(s) => s == status,
            Self::All => true,
        }
    }

    /// Every choice, for the filter's select: (code, label).
    pub fn choices() -> Vec<(&'static str, String)> {
        let mut out = vec![("open", "To act on (waiting, accepted or started)".to_owned())];
        out.extend(OnwardStatus::ALL.iter().map(|s| (s.code(), s.label().to_owned())));
        out.push(("all", "All".to_owned()));
        out
    }
}

/// The list's search, filters and page, from the query string (unknown values: the defaults).
#[derive(Debug, Clone, Default)]
pub struct PartnerQuery {
    pub text: String,
    pub status: PartnerStatusFilter,
    /// Only referrals sent at least this many days ago.
    pub older_than_days: Option<i64>,
    pub page: usize,
}

/// The "sent more than … ago" choices: (days, label).
pub const AGE_CHOICES: [(i64, &str); 3] = [(7, "More than a week ago"), (14, "More than 2 weeks ago"), (30, "More than 30 days ago")];

impl PartnerQuery {
    pub fn from_query(f: &Fields) -> Self {
        let older_than_days = f.get("older_than").trim().parse::<i64>().ok().filter(|d| AGE_CHOICES.iter().any(|(n, _)| n == d));
        let page = f.get("page").trim().parse::<usize>().ok().filter(|p| *p >= 1).unwrap_or(1);
        Self { text: f.get("q").trim().to_owned(), status: PartnerStatusFilter::parse(f.get("status").trim()), older_than_days, page }
    }

    pub fn href(&self, page: usize) -> String {
        let mut parts = form_urlencoded::Serializer::new(String::new());
        if !self.text.is_empty() {
            parts.append_pair("q", &self.text);
        }
        if self.status != PartnerStatusFilter::Open {
            parts.append_pair("status", self.status.code());
        }
        if let Some(d) = self.older_than_days {
            parts.append_pair("older_than", &d.to_string());
        }
        if page > 1 {
            parts.append_pair("page", &page.to_string());
        }
        let q = parts.finish();
        if q.is_empty() { "/partner/referrals".to_owned() } else { format!("/partner/referrals?{q}") }
    }

    pub fn is_narrowed(&self) -> bool {
        !self.text.is_empty() || self.status != PartnerStatusFilter::Open || self.older_than_days.is_some()
    }

    fn admits(&self, r: &PartnerReferral, today: Date) -> bool {
        let words = self.text.to_lowercase();
        let name = r.person_name.to_lowercase();
        self.status.admits(r.onward.status)
            && words.split_whitespace().all(|w| name.contains(w))
            && self.older_than_days.is_none_or(|d| days_waiting(r.onward.sent_on, today) >= d)
    }
}

pub struct PartnerPage {
    pub rows: Vec<PartnerReferral>,
    pub matching: usize,
    pub page: usize,
    pub pages: usize,
}

/// The partner's referrals matching `query`, waiting ones first (longest wait first), then newest.
pub async fn partner_page(store: &dyn Store, actor: &Actor, who: &AuditActor, query: &PartnerQuery, today: Date) -> Result<PartnerPage, AppError> {
    if actor.role != Role::VcsePartner {
        return Err(AppError::Forbidden);
    }
    let mut rows: Vec<PartnerReferral> = store.partner_referrals(&actor.org_id).await?.into_iter().filter(|r| query.admits(r, today)).collect();
    rows.sort_by(|a, b| {
        let (a_waits, b_waits) = (a.onward.status == OnwardStatus::Sent, b.onward.status == OnwardStatus::Sent);
        b_waits.cmp(&a_waits).then_with(|| if a_waits && b_waits { a.onward.sent_on.cmp(&b.onward.sent_on) } else { b.onward.sent_on.cmp(&a.onward.sent_on) })
    });
    let matching = rows.len();
    let pages = matching.div_ceil(PAGE_SIZE).max(1);
    let page = query.page.clamp(1, pages);
    let rows: Vec<PartnerReferral> = rows.into_iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).collect();
    crate::reads::record_list(store, who, "partner.referrals.read", &actor.org_id, rows.iter().map(|r| r.person_id.clone())).await?;
    Ok(PartnerPage { rows, matching, page, pages })
}
