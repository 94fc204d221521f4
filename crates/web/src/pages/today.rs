//! Today: a link worker's (or manager's) day on one page — people to contact, measures due,
//! onward referrals with no answer, and what is waiting in triage. Each part is the same use case
//! as its own page (caseload, measures due, onward attention, triage), shortened.

use super::casework::caseload_row;
use super::measurement::due_rows;
use super::onward_loop::stuck_row;
use super::{page, render};
use crate::auth::CurrentUser;
use linkwork_app::caseload::{caseload_page, CaseloadQuery};
use linkwork_app::clock::today;
use crate::routes::Routes;
use crate::views::*;
use crate::{AppState, WebError};
use axum::extract::State;
use axum::response::Html;
use linkwork_domain::access::Role;
use linkwork_domain::casework::caseload::Rag;

/// How many lines of each list Today shows before "see all".
const SHOWN: usize = 8;

pub fn routes() -> Routes {
    Routes::new().get("/today", today_page)
}

async fn today_page(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    linkwork_app::access::require_casework(&user.actor())?;
    let (actor, who) = (user.actor(), user.audit());
    let own = (user.role() == Role::LinkWorker).then_some(user.user.id.as_str());
    let today = today();

    // People to contact: overdue first, then due (the caseload's own rule).
    let mut to_contact = Vec::new();
    let mut to_contact_count = 0;
    for attention in [Rag::Red, Rag::Amber] {
        // Only the people shown are read (and audited): the rest are a count.
        let room = SHOWN.saturating_sub(to_contact.len());
        let query = CaseloadQuery { attention: Some(attention), per_page: Some(room), ..CaseloadQuery::default() };
        let found = caseload_page(&*state.store, &actor, &who, own, &query).await?;
        to_contact_count += found.matching;
        to_contact.extend(found.entries.into_iter().map(|e| caseload_row(e.entry, today, e.measures_due).1));
    }

    let (mut due, overdue) = due_rows(&state, &user).await?;
    let due_count = due.len();
    due.truncate(SHOWN);

    let attention = linkwork_app::onward_loop::attention(&*state.store, &actor, &who, Some(&user.user.id), today).await?;
    let stuck_count = attention.stuck.len();
    let stuck: Vec<StuckRow> = attention.stuck.iter().take(SHOWN).map(|o| stuck_row(o, today)).collect();

    // Triage: counts only (the names are on the triage page).
    let (incoming, new_referrals) = linkwork_app::caseload::triage_counts(&*state.store, &actor).await?;

    let page = page(&state, &user, "Today", "/today").await?;
    render(&TodayView { page, date: crate::views::date(today), to_contact, to_contact_count, due, due_count, overdue, stuck, stuck_count, incoming, new_referrals })
}
