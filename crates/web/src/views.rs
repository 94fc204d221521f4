//! The data each page template renders. Templates live in `crates/web/templates/` and are checked
//! at compile time by askama; values are formatted here so templates stay simple.

use crate::auth::CurrentUser;
use linkwork_app::forms::{FieldError, Fields};
use askama::Template;
use linkwork_domain::access::Role;
use linkwork_app::store::{PartnerReferral, ReferralRecord};

/// What the layout needs on every page.
pub struct Page {
    pub title: String,
    pub user: Option<UserBadge>,
    pub csrf: String,
    pub nav: Vec<NavLink>,
    pub back: Option<(String, String)>,
    pub notice: Option<String>,
    pub has_errors: bool,
    /// Unread notifications of the signed-in user (the header's count).
    pub unread: i64,
    /// A one-time key every form on the page carries, so posting it twice saves once (see `once.rs`).
    pub form_key: String,
}

pub struct UserBadge {
    pub name: String,
    pub role: &'static str,
    pub org: String,
}

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

impl Page {
    pub fn anonymous(title: &str) -> Self {
        Self { title: title.into(), user: None, csrf: String::new(), nav: vec![], back: None, notice: None, has_errors: false, unread: 0, form_key: crate::auth::random_secret() }
    }

    /// A page for a signed-in user, with the menu their role may use; `here` marks the current item.
    pub fn for_user(title: &str, user: &CurrentUser, org_name: &str, here: &str) -> Self {
        let links: &[(&'static str, &'static str)] = match user.role() {
            Role::LinkWorker => &[("/today", "Today"), ("/caseload", "Caseload"), ("/measures/due", "Measures due"), ("/triage", "Triage"), ("/referrals/new", "New referral"), ("/people", "Find a person"), ("/mdt", "MDT"), ("/onward/attention", "Onward referrals"), ("/community", "Community work"), ("/directory", "Directory"), ("/dashboard", "Dashboard"), ("/wellbeing", "My wellbeing"), ("/evidence", "Evidence")],
            Role::Manager => &[("/today", "Today"), ("/caseload", "Caseloads"), ("/measures/due", "Measures due"), ("/triage", "Triage"), ("/team", "Team"), ("/referrals/new", "New referral"), ("/people", "Find a person"), ("/mdt", "MDT"), ("/onward/attention", "Onward referrals"), ("/community", "Community work"), ("/directory", "Directory"), ("/dashboard", "Dashboard"), ("/stakeholders", "Evaluation plan"), ("/evidence", "Evidence"), ("/health", "Health and SROI"), ("/audit", "Audit trail")],
            Role::PracticeStaff => &[("/practice/referrals", "Our referrals"), ("/practice/referrals/new", "Refer someone")],
            Role::VcsePartner => &[("/partner/referrals", "Referrals to us"), ("/partner/refer", "Refer someone"), ("/directory/mine", "Our services"), ("/partner/report", "Feedback report")],
            Role::Commissioner => &[("/dashboard", "Dashboard"), ("/report", "Evaluation report")],
            Role::Admin => &[("/admin/users", "Users"), ("/admin/tokens", "API tokens"), ("/dashboard", "Dashboard"), ("/report", "Evaluation report")],
        };
        Self {
            title: title.into(),
            user: Some(UserBadge { name: user.user.display_name.clone(), role: user.role().label(), org: org_name.into() }),
            csrf: user.csrf_token.clone(),
            nav: links.iter().map(|(href, label)| NavLink { href, label, current: *href == here }).collect(),
            back: None,
            notice: None,
            has_errors: false,
            unread: 0,
            form_key: crate::auth::random_secret(),
        }
    }

    pub fn with_back(mut self, href: impl Into<String>, label: &str) -> Self {
        self.back = Some((href.into(), label.into()));
        self
    }

    pub fn with_notice(mut self, notice: Option<String>) -> Self {
        self.notice = notice;
        self
    }

    pub fn with_form(mut self, form: &FormState) -> Self {
        self.has_errors = !form.errors.is_empty();
        self
    }
}

/// A form's submitted values and its errors, for re-showing it.
#[derive(Default)]
pub struct FormState {
    pub values: Fields,
    pub errors: Vec<FieldError>,
}

impl FormState {
    pub fn new(values: Fields, errors: Vec<FieldError>) -> Self {
        Self { values, errors }
    }
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name)
    }
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == name).map(|e| e.message.as_str())
    }
    /// The day, month or year box of a date field (`linkwork_app::date_input`).
    pub fn date_part(&self, name: &str, which: &str) -> String {
        let typed = self.values.all(&format!("{name}-{which}")).first().copied();
        linkwork_app::date_input::part(typed, self.values.get(name), which)
    }

    /// Whether `value` was chosen for `name` (radios, checkboxes, selects).
    pub fn is(&self, name: &str, value: &str) -> bool {
        self.values.all(name).contains(&value)
    }
}

/// A choice in a select, radios or checkboxes.
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self { value: value.into(), label: label.into() }
    }
}

/// The choices of a coded domain list.
macro_rules! choices {
    ($ty:ty) => {
        <$ty>::ALL.iter().map(|v| $crate::views::Choice::new(v.code(), v.label())).collect::<Vec<_>>()
    };
}
pub(crate) use choices;

/// `1 December 2026` (NHS.UK content style). Takes references too, as templates pass them.
pub fn date(d: impl std::borrow::Borrow<time::Date>) -> String {
    linkwork_domain::format_date_long(*d.borrow())
}

pub fn opt_date(d: impl std::borrow::Borrow<Option<time::Date>>) -> String {
    d.borrow().map(date).unwrap_or_default()
}

/// "1 day", "14 days": every count of days on a page (`linkwork_domain::casework::urgency::days`).
pub fn days(n: impl std::borrow::Borrow<i64>) -> String {
    linkwork_domain::casework::urgency::days(*n.borrow())
}

/// The text with its first letter capitalised ("due since …" → "Due since …").
pub fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginView {
    pub page: Page,
    pub form: FormState,
    pub login_csrf: String,
    /// The OpenID Connect provider's name, when single sign-on is configured.
    pub sso: Option<String>,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorView {
    pub page: Page,
    pub heading: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "caseload.html")]
pub struct CaseloadView {
    pub page: Page,
    pub heading: String,
    pub rows: Vec<CaseloadRow>,
    /// People matching the search and filters, on all pages.
    pub matching: usize,
    /// Whether a search or filter is narrowing the list.
    pub narrowed: bool,
    pub text: String,
    pub status: &'static str,
    pub statuses: Vec<Choice>,
    pub attention: &'static str,
    /// The manager's worker filter (empty: everyone); `workers` is empty on a link worker's own caseload.
    pub worker: String,
    pub workers: Vec<Choice>,
    pub pagination: Pagination,
}

/// "Previous / Next" links and "Page 2 of 5" for a paged list (the NHS.UK pagination pattern).
pub struct Pagination {
    pub page: usize,
    pub pages: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Pagination {
    /// Links for `page` of `pages`, made by `href(page)`.
    pub fn new(page: usize, pages: usize, href: impl Fn(usize) -> String) -> Self {
        Self { page, pages, previous: (page > 1).then(|| href(page - 1)), next: (page < pages).then(|| href(page + 1)) }
    }
}

pub struct CaseloadRow {
    pub href: String,
    pub rag_code: &'static str,
    pub rag: &'static str,
    pub flags: Vec<String>,
    pub name: String,
    pub nhs_number: String,
    pub status_code: &'static str,
    pub status: &'static str,
    pub referred_on: String,
    pub waiting_days: String,
    pub last_contact: String,
    pub worker: String,
    /// "Accompanied access" when the person needed the link worker to go with them.
    pub support_level: &'static str,
    /// The contact form, for people on the caseload (accepted referrals).
    pub log_contact_href: Option<String>,
    /// No link worker holds it yet.
    pub unassigned: bool,
}

#[derive(Template)]
#[template(path = "referral_new.html")]
pub struct NewReferralView {
    pub page: Page,
    pub form: FormState,
    pub action: String,
    pub practices: Vec<Choice>,
    pub sexes: Vec<Choice>,
    pub ethnicities: Vec<Choice>,
    pub sources: Vec<Choice>,
    pub needs: Vec<Choice>,
    pub lawful_bases: Vec<Choice>,
    /// GP practice staff's form: sex and ethnic group are optional.
    pub practice_form: bool,
}

#[derive(Template)]
#[template(path = "referral.html")]
pub struct ReferralView {
    pub page: Page,
    pub r: ReferralRecord,
    pub goal_statuses: Vec<Choice>,
    /// Link workers a manager may reassign to (empty for link workers).
    pub workers: Vec<Choice>,
    pub referred_by: Option<String>,
    /// Contacts where the link worker went with the person to an activity.
    pub accompanied: usize,
    /// Questionnaires that can be recorded (code, short name).
    pub instruments: Vec<Choice>,
    pub age: i32,
    pub decline_reasons: Vec<Choice>,
    pub measures: Vec<MeasureRow>,
    /// The onward-referral loop on this record: prompts and each referral's history.
    pub onward_loop: OnwardLoopPanel,
    /// Open identity conflicts this referral raised (its details did not match the person's).
    pub conflicts: Vec<ConflictPanel>,
    /// Partner organisations the person agreed to share their details with.
    pub sharing: Vec<linkwork_app::store::SharingConsent>,
    /// Each need once, with where it came from (issue 12).
    pub needs: Vec<linkwork_app::plan::NeedLine>,
    /// The goals with when each last changed, and the plan's history.
    pub goals: Vec<GoalRow>,
    pub plan_history: Vec<linkwork_app::plan::HistoryLine>,
    /// Reopening a decline, late entries after discharge, closing measures not taken.
    pub corrections: CorrectionsPanel,
}

/// An identity conflict as the referral page shows it: each detail that differs, held and sent.
pub struct ConflictPanel {
    pub id: String,
    pub source: &'static str,
    pub rows: Vec<(&'static str, String, String)>,
}

pub struct MeasureRow {
    pub instrument: &'static str,
    /// "Discharge", or "Discharge (entered late)".
    pub timepoint: String,
    pub taken_on: String,
    pub scores: String,
}

#[derive(Template)]
#[template(path = "conversation.html")]
pub struct ConversationView {
    pub page: Page,
    pub form: FormState,
    pub person: String,
    pub action: String,
    pub needs: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "contact.html")]
pub struct ContactView {
    pub page: Page,
    pub form: FormState,
    pub person: String,
    pub action: String,
    pub modes: Vec<Choice>,
    pub yes_no: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "measure.html")]
pub struct MeasureView {
    pub page: Page,
    pub form: FormState,
    pub person: String,
    pub action: String,
    pub instrument: &'static str,
    pub instructions: &'static str,
    pub timepoints: Vec<Choice>,
    pub items: Vec<ItemView>,
}

pub struct ItemView {
    pub name: String,
    pub text: &'static str,
    pub options: Vec<Choice>,
}


#[derive(Template)]
#[template(path = "partner_list.html")]
pub struct PartnerListView {
    pub page: Page,
    pub rows: Vec<PartnerRow>,
    /// People this organisation referred to the link-worker service, with their status.
    pub referred: Vec<IncomingRow>,
    pub matching: usize,
    pub narrowed: bool,
    pub text: String,
    pub status: &'static str,
    pub statuses: Vec<Choice>,
    pub older_than: String,
    pub ages: Vec<Choice>,
    pub pagination: Pagination,
}

pub struct PartnerRow {
    pub href: String,
    pub person: String,
    pub service: String,
    pub sent_on: String,
    /// Days waiting for the partner's answer (referrals not yet answered).
    pub waiting: Option<i64>,
    pub status_code: &'static str,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "partner_detail.html")]
pub struct PartnerDetailView {
    pub page: Page,
    pub form: FormState,
    pub r: PartnerReferral,
    pub status_code: &'static str,
    pub status: &'static str,
    pub decline_reasons: Vec<Choice>,
    pub sent_on: String,
    pub responded_on: String,
    pub attended_on: String,
    /// What the partner may report next, after accepting (value: action code, label: button).
    pub actions: Vec<Choice>,
    pub history: Vec<EventRow>,
    /// The last change, if the partner may still undo it: its status and until when.
    pub undo: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardView {
    pub page: Page,
    pub scope: String,
    pub period: String,
    pub tiles: Vec<Tile>,
    pub report_href: String,
    /// The scopes this user may choose (see `report_scopes`), and the chosen one's select value.
    pub scopes: Vec<ScopeOption>,
    /// How to reach a scope the select does not list yet.
    pub scope_hint: &'static str,
    /// The "what matters to people" word cloud (SVG, table and notes), already escaped.
    pub word_cloud: String,
    /// When the figures were computed (`date_time`).
    pub as_at: String,
    /// The data has changed since then; newer figures are being computed.
    pub updating: bool,
}

pub struct Tile {
    pub label: &'static str,
    pub value: String,
    pub note: String,
    /// A sparkline SVG of the figure by month or quarter (already escaped), or empty.
    pub trend_svg: String,
    /// The trend in words, for people who cannot see the sparkline.
    pub trend_text: String,
}

/// One choice in a report scope select.
pub struct ScopeOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
pub struct ReportView {
    pub page: Page,
    pub form: FormState,
    pub fragment: String,
    pub query: String,
    pub scopes: Vec<ScopeOption>,
    /// How to reach a scope the select does not list yet.
    pub scope_hint: &'static str,
    /// The report's contents list (links to its sections), already escaped.
    pub contents: String,
}

#[derive(Template)]
#[template(path = "short_referral.html")]
pub struct ShortReferralView {
    pub page: Page,
    pub form: FormState,
    pub action: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub consent_label: &'static str,
    pub public: bool,
    pub form_csrf: String,
    pub services: Vec<Choice>,
    pub needs: Vec<Choice>,
    /// The public form: the services, who they are for and how to reach them, before the form.
    pub services_info: Vec<linkwork_app::contact_details::PublicService>,
}

#[derive(Template)]
#[template(path = "referral_sent.html")]
pub struct ReferralSentView {
    pub page: Page,
    pub reference: String,
    pub next: &'static str,
    /// How to contact the service, quoting the reference (the public's confirmation).
    pub services_info: Vec<linkwork_app::contact_details::PublicService>,
}

#[derive(Template)]
#[template(path = "practice_list.html")]
pub struct PracticeListView {
    pub page: Page,
    pub rows: Vec<ReferrerRow>,
}

pub struct ReferrerRow {
    pub person: String,
    pub referred_on: String,
    pub status_code: &'static str,
    pub status: &'static str,
    pub first_contact: String,
}

pub struct IncomingRow {
    pub href: String,
    pub reference: String,
    pub name: String,
    pub source: &'static str,
    pub from: String,
    pub received: String,
    pub waiting_days: i64,
    pub status_code: &'static str,
    pub status: String,
}

#[derive(Template)]
#[template(path = "triage.html")]
pub struct TriageView {
    pub page: Page,
    pub incoming: Vec<IncomingRow>,
    /// New referrals, and open ones no link worker holds.
    pub new_referrals: Vec<CaseloadRow>,
    /// Managers assign to any link worker; a link worker takes an unassigned referral on themselves.
    pub manager: bool,
    pub workers: Vec<Choice>,
    /// The signed-in user's id, for "Assign to me".
    pub me: String,
}

#[derive(Template)]
#[template(path = "incoming.html")]
pub struct IncomingView {
    pub page: Page,
    pub form: FormState,
    pub i: linkwork_app::store::Incoming,
    pub received: String,
    pub needs_text: String,
    pub practices: Vec<Choice>,
    pub sexes: Vec<Choice>,
    pub ethnicities: Vec<Choice>,
    pub needs: Vec<Choice>,
    pub decline_reasons: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "attempt.html")]
pub struct AttemptView {
    pub page: Page,
    pub form: FormState,
    pub person: String,
    pub action: String,
    pub modes: Vec<Choice>,
    pub outcomes: Vec<Choice>,
    pub attempts_so_far: usize,
}

#[derive(Template)]
#[template(path = "team.html")]
pub struct TeamView {
    pub page: Page,
    /// Community work as a share of recorded time, per link worker, over `time_period`.
    pub time_shares: Vec<TimeShareRow>,
    pub time_period: String,
    pub rows: Vec<WorkerRow>,
    pub chart: String,
    pub months: Vec<String>,
    pub unassigned: usize,
    pub pending_incoming: usize,
    pub recommended: String,
}

pub struct WorkerRow {
    /// The link worker's user id (their caseload is `/caseload?worker=id`).
    pub id: String,
    pub name: String,
    pub open: i64,
    pub last_year: i64,
    pub months: Vec<i64>,
    pub against: &'static str,
}

#[derive(Template)]
#[template(path = "mdt_list.html")]
pub struct MdtListView {
    pub page: Page,
    pub meetings: Vec<MdtRow>,
}

pub struct MdtRow {
    pub held_on: String,
    pub place: String,
    pub attendees: String,
    pub people: String,
    pub notes: String,
}

#[derive(Template)]
#[template(path = "mdt_new.html")]
pub struct MdtNewView {
    pub page: Page,
    pub form: FormState,
    pub practices: Vec<Choice>,
    pub roles: Vec<Choice>,
    /// Whether a search was made, what it found (at most `team::MDT_FOUND_LIMIT`) and how many more.
    pub searched: bool,
    pub found: Vec<MdtPerson>,
    pub more: usize,
    /// The people chosen to be discussed.
    pub selected: Vec<MdtPerson>,
}

/// A person of the open caseload on the MDT form.
pub struct MdtPerson {
    /// The referral id.
    pub id: String,
    pub name: String,
    pub nhs_number: String,
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchView {
    pub page: Page,
    pub form: FormState,
    pub searched: bool,
    pub results: Vec<SearchRow>,
}

pub struct SearchRow {
    pub href: String,
    pub name: String,
    pub nhs_number: String,
    pub date_of_birth: String,
    pub status_code: &'static str,
    pub status: &'static str,
    pub referrals: i64,
}

#[derive(Template)]
#[template(path = "timeline.html")]
pub struct TimelineView {
    pub page: Page,
    pub person_id: String,
    pub name: String,
    pub nhs_number: String,
    pub events: Vec<TimelineRow>,
    /// Every change to the person's details: when, detail, was, became, where from, by whom.
    pub changes: Vec<[String; 6]>,
    /// Why the record is restricted, while it is.
    pub restricted: Option<String>,
    /// The manager's rights actions (subject access, restriction, erasure) are offered.
    pub manager: bool,
    /// How to reach the person, and where to change it (their latest referral's form).
    pub contact: Vec<(&'static str, String)>,
    pub contact_href: String,
}

pub struct TimelineRow {
    pub date: String,
    pub what: String,
    pub detail: String,
    pub href: String,
}

/// Escapes text for HTML (for the few places that build markup in Rust, such as SVG charts).
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[derive(Template)]
#[template(path = "community.html")]
pub struct CommunityView {
    pub page: Page,
    pub rows: Vec<CommunityRow>,
    pub from: String,
}

pub struct CommunityRow {
    pub date: String,
    pub worker: String,
    pub kind: &'static str,
    pub organisation: String,
    pub minutes: i64,
    pub assets: String,
}

#[derive(Template)]
#[template(path = "community_new.html")]
pub struct CommunityFormView {
    pub page: Page,
    pub form: FormState,
    pub kinds: Vec<Choice>,
}

/// One link worker's recorded time split, for the team page.
pub struct TimeShareRow {
    pub name: String,
    pub community_hours: String,
    pub contact_hours: String,
    pub share: String,
}

// ---- the onward-referral loop ----

/// One change in an onward referral's history.
pub struct EventRow {
    pub status_code: &'static str,
    pub status: &'static str,
    pub reason: String,
    /// A correction: "Undone: recorded by mistake", or what an undoing entry took back.
    pub note: String,
    pub happened_on: String,
    pub recorded: String,
    pub by: String,
}

/// An onward referral on a person's record, with its history.
pub struct OnwardHistory {
    pub id: String,
    pub service: String,
    pub provider: String,
    pub events: Vec<EventRow>,
}

/// A referral waiting too long for the service's answer.
pub struct StuckRow {
    pub href: String,
    pub person: String,
    pub worker: String,
    pub service: String,
    pub provider: String,
    pub sent_on: String,
    pub days: i64,
}

/// A person declined by two or more services within one referral.
pub struct BouncedRow {
    pub href: String,
    pub person: String,
    pub worker: String,
    pub declines: Vec<String>,
}

/// The loop's prompts and histories on a person's record.
#[derive(Default)]
pub struct OnwardLoopPanel {
    pub stuck: Vec<StuckRow>,
    /// How many services declined the person, when that makes them bounced.
    pub bounced_by: Option<usize>,
    pub histories: Vec<OnwardHistory>,
}

#[derive(Template)]
#[template(path = "onward_attention.html")]
pub struct OnwardAttentionView {
    pub page: Page,
    pub stuck: Vec<StuckRow>,
    pub bounced: Vec<BouncedRow>,
    pub stuck_after: i64,
}

pub struct NotificationRow {
    pub id: String,
    pub subject: String,
    pub body: String,
    pub link: Option<String>,
    pub created: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
pub struct NotificationsView {
    pub page: Page,
    pub rows: Vec<NotificationRow>,
    pub unread: usize,
}

/// `3 December 2026, 10:15 UTC`.
pub fn date_time(at: time::OffsetDateTime) -> String {
    // UK local time (GMT or BST), as people in the service read the clock.
    let at = linkwork_domain::uk_time::uk_local(at);
    format!("{}, {:02}:{:02}", date(at.date()), at.hour(), at.minute())
}

#[derive(Template)]
#[template(path = "today.html")]
pub struct TodayView {
    pub page: Page,
    pub date: String,
    /// People whose caseload flags are red or amber, most urgent first (the first few).
    pub to_contact: Vec<CaseloadRow>,
    pub to_contact_count: usize,
    pub due: Vec<DueRow>,
    pub due_count: usize,
    pub overdue: usize,
    pub stuck: Vec<StuckRow>,
    pub stuck_count: usize,
    /// Self and partner referrals waiting for triage.
    pub incoming: usize,
    /// New referrals not yet accepted, and open ones no one holds.
    pub new_referrals: usize,
}

/// The goals as the record shows them, with when each last changed.
pub(crate) struct GoalRow {
    pub id: String,
    pub description: String,
    pub status_code: &'static str,
    pub status: &'static str,
    pub agreed: String,
    pub review: String,
    /// When it last changed after it was agreed ("" if never).
    pub changed: String,
}

pub(crate) struct DueRow {
    pub(crate) name: String,
    pub(crate) record_href: String,
    pub(crate) worker: String,
    pub(crate) instrument: &'static str,
    pub(crate) point: String,
    pub(crate) due_on: String,
    pub(crate) state: &'static str,
    pub(crate) state_code: &'static str,
    pub(crate) entry_href: String,
}

/// What the record shows about corrections: reopening a decline (while it may be), declines
/// undone, late entries after discharge (while they may be made), closing measures not taken.
pub struct CorrectionsPanel {
    /// The last day the decline may be undone, while it may.
    pub reopen_until: Option<String>,
    /// "Declined on … (reason); reopened on … by …: why".
    pub reopenings: Vec<String>,
    /// The last day measures may be entered late, while they may.
    pub late_until: Option<String>,
    /// Links to enter a late measure: (href, label).
    pub late_links: Vec<(String, String)>,
    /// "SWEMWBS at discharge: not taken (the person declined)".
    pub not_taken: Vec<String>,
}
