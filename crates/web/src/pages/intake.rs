//! Ways in: the public self-referral form, VCSE partners' referral form, and GP practice staff's
//! list of what they referred (their form is the full referral form in `casework.rs`).

use crate::auth::{CheckedPublicForm, ClientAddress};
use crate::routes::Routes;
use super::{notice, page, render};
use crate::auth::CheckedForm;
use crate::auth::{self, CurrentUser};
use linkwork_app::intake::{self, Referrer};
use crate::views::*;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_app::store::AuditActor;
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/self-referral", self_referral_form)
        .post("/self-referral", self_referral)
        .get("/self-referral/sent", self_referral_sent)
        .get("/partner/refer", partner_form)
        .post("/partner/refer", partner_refer)
        .get("/partner/refer/sent", partner_referral_sent)
        .get("/practice/referrals", practice_list)
}

const SELF_NEXT: &str = "A link worker will contact you within 2 weeks, the way you asked. Keep your reference number: quote it if you contact us.";
const PARTNER_NEXT: &str = "A link worker will triage the referral and contact the person. You can follow its status under 'Referrals to us'.";

async fn short_form(state: &AppState, user: Option<&CurrentUser>, form: FormState, status: StatusCode) -> Result<Response, WebError> {
    let services = linkwork_app::orgs::orgs(&*state.store, OrgKind::Pcn, None).await?.into_iter().map(|o| Choice::new(o.id, o.name)).collect();
    let needs = choices!(NeedDomain);
    match user {
        None => {
            let token = auth::random_secret();
            let page = Page::anonymous("Refer yourself to social prescribing").with_form(&form);
            let view = ShortReferralView {
                page,
                form,
                action: "/self-referral",
                heading: "Refer yourself to social prescribing",
                intro: "A social prescribing link worker can help with things that affect your health and wellbeing, like loneliness, money worries or housing, by connecting you to local groups and services. Tell us a little about yourself and what you would like help with.",
                consent_label: "I agree to the social prescribing team contacting me about this referral",
                public: true,
                form_csrf: token.clone(),
                services,
                needs,
                services_info: linkwork_app::contact_details::public_services(&*state.store).await?,
            };
            Ok((status, [(header::SET_COOKIE, auth::form_csrf_cookie(&token, state.config.secure_cookies))], render(&view)?).into_response())
        }
        Some(user) => {
            let page = page(state, user, "Refer someone to a link worker", "/partner/refer").await?.with_form(&form);
            let view = ShortReferralView {
                page,
                form,
                action: "/partner/refer",
                heading: "Refer someone to a link worker",
                intro: "Tell us who the person is and what they would like help with. It takes about two minutes.",
                consent_label: "The person agrees to be referred to the social prescribing service",
                public: false,
                form_csrf: String::new(),
                services,
                needs,
                services_info: vec![],
            };
            Ok((status, render(&view)?).into_response())
        }
    }
}

async fn self_referral_form(State(state): State<AppState>) -> Result<Response, WebError> {
    short_form(&state, None, FormState::default(), StatusCode::OK).await
}

async fn self_referral(State(state): State<AppState>, ClientAddress(client): ClientAddress, CheckedPublicForm(f): CheckedPublicForm) -> Result<Response, WebError> {
    if !intake::self_referral_allowed(&*state.store, client).await? {
        return Ok((StatusCode::TOO_MANY_REQUESTS, "Too many referrals from this connection. Please try again later, or ask your GP practice to refer you.").into_response());
    }
    if !f.get("website").is_empty() {
        // A field people cannot see was filled in: a robot. Answer as if it worked; store nothing.
        return Ok(Redirect::to("/self-referral/sent?reference=LW-RECEIVED").into_response());
    }
    // Post, then redirect to the confirmation: reloading it shows it again and sends nothing.
    match intake::refer_in(&*state.store, Referrer::Public, &AuditActor::default(), &f).await {
        Ok(reference) => Ok(Redirect::to(&format!("/self-referral/sent?reference={reference}")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => short_form(&state, None, FormState::new(f, errors), StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}

async fn partner_form(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    if user.role() != Role::VcsePartner {
        return Err(WebError::Forbidden);
    }
    short_form(&state, Some(&user), FormState::default(), StatusCode::OK).await
}

async fn partner_refer(State(state): State<AppState>, user: CurrentUser, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match intake::refer_in(&*state.store, Referrer::Partner(&user.actor(), Some(&user.user.id)), &user.audit(), &f).await {
        Ok(reference) => Ok(Redirect::to(&format!("/partner/refer/sent?reference={reference}")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => short_form(&state, Some(&user), FormState::new(f, errors), StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}

/// The reference shown on a confirmation page: as the service makes them (`LW-` and letters or
/// digits), never other text from the address.
fn shown_reference(q: &HashMap<String, String>) -> String {
    q.get("reference").filter(|r| r.len() <= 24 && r.starts_with("LW-") && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')).cloned().unwrap_or_default()
}

async fn self_referral_sent(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    let services_info = linkwork_app::contact_details::public_services(&*state.store).await?;
    render(&ReferralSentView { page: Page::anonymous("Referral sent"), reference: shown_reference(&q), next: SELF_NEXT, services_info })
}

async fn partner_referral_sent(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    if user.role() != Role::VcsePartner {
        return Err(WebError::Forbidden);
    }
    let page = page(&state, &user, "Referral sent", "/partner/refer").await?;
    render(&ReferralSentView { page, reference: shown_reference(&q), next: PARTNER_NEXT, services_info: vec![] })
}

async fn practice_list(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    let rows = linkwork_app::reads::referrals_from(&*state.store, &user.actor(), &user.audit())
        .await?
        .into_iter()
        .map(|r| ReferrerRow { person: r.person_name, referred_on: date(r.referred_on), status_code: r.status.code(), status: r.status.label(), first_contact: opt_date(r.first_contact_on) })
        .collect();
    let page = page(&state, &user, "Referrals from your practice", "/practice/referrals").await?.with_notice(notice(q.get("notice").map(String::as_str)));
    render(&PracticeListView { page, rows })
}
