//! The caseload list: whose people it holds, and the search, filters and paging over it.
//!
//! A link worker's caseload holds only their own people (unassigned referrals wait in triage); a
//! manager sees the whole service, or one link worker's, or the unassigned. Filters are applied
//! after the red/amber/green flags are worked out (the flags are computed, not stored), and only
//! the people on the page shown are written to the audit trail.

use crate::access::require_casework;
use crate::clock::today;
use crate::forms::Fields;
use crate::AppError;
use linkwork_domain::access::Actor;
use linkwork_domain::casework::caseload::{flags, overall, Rag};
use linkwork_domain::casework::referral::ReferralStatus;
use linkwork_store::{AuditActor, CaseloadEntry, Store};

/// People shown on one page of a caseload.
pub const PAGE_SIZE: usize = 25;

/// Which referrals, by their state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// New and accepted (the default).
    #[default]
    Open,
    New,
    Accepted,
    Closed,
    All,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 5] = [StatusFilter::Open, StatusFilter::New, StatusFilter::Accepted, StatusFilter::Closed, StatusFilter::All];

    pub fn code(self) -> &'static str {
        match self {
            StatusFilter::Open => "open",
            StatusFilter::New => "new",
            StatusFilter::Accepted => "accepted",
            StatusFilter::Closed => "closed",
            StatusFilter::All => "all",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::Open => "Open (new and accepted)",
            StatusFilter::New => "New, not yet accepted",
            StatusFilter::Accepted => "Accepted",
            StatusFilter::Closed => "Closed (declined or discharged)",
            StatusFilter::All => "All",
        }
    }

    fn parse(s: &str) -> Self {
        Self::ALL.into_iter().find(|f| f.code() == s).unwrap_or_default()
    }

    fn admits(self, status: ReferralStatus) -> bool {
        match self {
            StatusFilter::Open => status.is_open(),
            StatusFilter::New => status == ReferralStatus::Received,
            StatusFilter::Accepted => status == ReferralStatus::Accepted,
            StatusFilter::Closed => !status.is_open(),
            StatusFilter::All => true,
        }
    }
}

/// Whose referrals a manager is looking at (a link worker always sees their own).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum WorkerFilter {
    #[default]
    Everyone,
    Unassigned,
    Worker(String),
}

impl WorkerFilter {
    pub fn code(&self) -> &str {
        match self {
            WorkerFilter::Everyone => "",
            WorkerFilter::Unassigned => "unassigned",
            WorkerFilter::Worker(id) => id,
        }
    }
}

/// The caseload's search, filters and page, from the query string. Unknown values fall back to
/// the defaults: a filter link typed by hand never gives an error page.
#[derive(Debug, Clone, Default)]
pub struct CaseloadQuery {
    /// Part of a name, or an NHS number (spaces ignored).
    pub text: String,
    pub status: StatusFilter,
    pub attention: Option<Rag>,
    pub worker: WorkerFilter,
    /// 1-based.
    pub page: usize,
    /// People on a page, when not [`PAGE_SIZE`] (Today shows a few).
    pub per_page: Option<usize>,
}

impl CaseloadQuery {
    pub fn from_query(f: &Fields) -> Self {
        // `all=1` is the older "show closed too" link.
        let status = if f.get("all") == "1" && f.get("status").is_empty() { StatusFilter::All } else { StatusFilter::parse(f.get("status")) };
        let attention = match f.get("attention") {
            "red" => Some(Rag::Red),
            "amber" => Some(Rag::Amber),
            "green" => Some(Rag::Green),
            _ => None,
        };
        let worker = match f.get("worker").trim() {
            "" => WorkerFilter::Everyone,
            "unassigned" => WorkerFilter::Unassigned,
            id => WorkerFilter::Worker(id.to_owned()),
        };
        let page = f.get("page").trim().parse::<usize>().ok().filter(|p| *p >= 1).unwrap_or(1);
        Self { text: f.get("q").trim().to_owned(), status, attention, worker, page, per_page: None }
    }

    /// The query string for this query on another page (empty parts left out).
    pub fn href(&self, page: usize) -> String {
        let mut parts = form_urlencoded::Serializer::new(String::new());
        if !self.text.is_empty() {
            parts.append_pair("q", &self.text);
        }
        if self.status != StatusFilter::Open {
            parts.append_pair("status", self.status.code());
        }
        if let Some(a) = self.attention {
            parts.append_pair("attention", a.code());
        }
        if self.worker != WorkerFilter::Everyone {
            parts.append_pair("worker", self.worker.code());
        }
        if page > 1 {
            parts.append_pair("page", &page.to_string());
        }
        let q = parts.finish();
        if q.is_empty() { "/caseload".to_owned() } else { format!("/caseload?{q}") }
    }

    /// Whether any search or filter narrows the list (so "no one found" is worded differently).
    pub fn is_narrowed(&self) -> bool {
        !self.text.is_empty() || self.status != StatusFilter::Open || self.attention.is_some() || self.worker != WorkerFilter::Everyone
    }

    fn matches_text(&self, e: &CaseloadEntry) -> bool {
        if self.text.is_empty() {
            return true;
        }
        let digits: String = self.text.chars().filter(|c| !c.is_whitespace()).collect();
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            return e.nhs_number.as_str().contains(&digits);
        }
        let name = format!("{} {}", e.given_name, e.family_name).to_lowercase();
        self.text.to_lowercase().split_whitespace().all(|word| name.contains(word))
    }

    fn matches_worker(&self, e: &CaseloadEntry) -> bool {
        match &self.worker {
            WorkerFilter::Everyone => true,
            WorkerFilter::Unassigned => e.assigned_worker_id.is_none(),
            WorkerFilter::Worker(id) => e.assigned_worker_id.as_deref() == Some(id.as_str()),
        }
    }
}

/// One caseload line with how urgent it is.
pub struct FlaggedEntry {
    pub entry: CaseloadEntry,
    pub rag: Rag,
    /// What the measurement schedule says is due for it (its flags count these).
    pub measures_due: Vec<linkwork_domain::casework::schedule::DueMeasure>,
}

/// One page of a caseload, most urgent first.
pub struct CaseloadPage {
    pub entries: Vec<FlaggedEntry>,
    /// People matching the search and filters, on all pages.
    pub matching: usize,
    pub page: usize,
    pub pages: usize,
}

/// The caseload for `actor` — `own_worker`'s own people, or the whole service — searched, filtered
/// and paged; the people shown are audited.
pub async fn caseload_page(store: &dyn Store, actor: &Actor, who: &AuditActor, own_worker: Option<&str>, query: &CaseloadQuery) -> Result<CaseloadPage, AppError> {
    require_casework(actor)?;
    let own = own_worker.is_some();
    let open_only = matches!(query.status, StatusFilter::Open | StatusFilter::New | StatusFilter::Accepted);
    let today = today();
    // The same list "Measures due" shows, so the caseload's flags never contradict it.
    let mut due = crate::casework::measures_due_by_referral(store, &actor.org_id, own_worker, today).await?;
    let mut rows: Vec<FlaggedEntry> = store
        .caseload(&actor.org_id, own_worker, open_only)
        .await?
        .into_iter()
        .filter(|e| query.status.admits(e.status) && query.matches_text(e) && (own || query.matches_worker(e)))
        .map(|entry| {
            let measures_due = due.remove(&entry.referral_id).unwrap_or_default();
            let flags = if entry.status.is_open() { flags(&entry.case_facts(measures_due.clone()), today) } else { Vec::new() };
            FlaggedEntry { rag: overall(&flags), measures_due, entry }
        })
        .filter(|row| query.attention.is_none_or(|a| row.rag == a))
        .collect();
    // Most urgent first; the store's order (new, then accepted, newest referral first) within.
    rows.sort_by_key(|row| std::cmp::Reverse(row.rag));
    let matching = rows.len();
    // `per_page` 0: only the count (nothing read, nothing audited).
    let per_page = query.per_page.unwrap_or(PAGE_SIZE);
    let pages = matching.div_ceil(per_page.max(1)).max(1);
    let page = query.page.clamp(1, pages);
    let entries: Vec<FlaggedEntry> = rows.into_iter().skip((page - 1) * per_page).take(per_page).collect();
    crate::reads::record_list(store, who, "caseload.read", &actor.org_id, entries.iter().map(|r| r.entry.person_id.clone())).await?;
    Ok(CaseloadPage { entries, matching, page, pages })
}

/// Whether a referral waits for triage: new, or open with nobody holding it (a link worker's
/// caseload is only their own people).
fn awaits_triage(e: &CaseloadEntry) -> bool {
    e.status == ReferralStatus::Received || e.assigned_worker_id.is_none()
}

/// The service's referrals waiting for triage; everyone listed is audited as read (`triage.read`).
pub async fn awaiting_triage(store: &dyn Store, actor: &Actor, who: &AuditActor) -> Result<Vec<CaseloadEntry>, AppError> {
    require_casework(actor)?;
    let waiting: Vec<CaseloadEntry> = store.caseload(&actor.org_id, None, true).await?.into_iter().filter(awaits_triage).collect();
    crate::reads::record_list(store, who, "triage.read", &actor.org_id, waiting.iter().map(|e| e.person_id.clone())).await?;
    Ok(waiting)
}

/// How many incoming referrals and new referrals wait for triage: counts only (no one is named,
/// so nothing is audited).
pub async fn triage_counts(store: &dyn Store, actor: &Actor) -> Result<(usize, usize), AppError> {
    require_casework(actor)?;
    let incoming = store.pending_incoming(&actor.org_id).await?.len();
    let new_referrals = store.caseload(&actor.org_id, None, true).await?.iter().filter(|e| awaits_triage(e)).count();
    Ok((incoming, new_referrals))
}
