//! The message back to the GP as a letter (`linkwork_app::gp_message`): a standalone page a link
//! worker prints or sends, `GET /referrals/{id}/gp-letter`, and the same as PDF
//! (`…/gp-letter.pdf`, printed by headless Chromium as the report is). The FHIR document with the
//! same content is `GET /api/referrals/{id}/gp-message`.

use crate::auth::CurrentUser;
use crate::routes::Routes;
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use linkwork_app::clock::today;
use linkwork_app::gp_message::{gp_message, GpMessage};
use linkwork_domain::ids::ReferralId;

pub fn routes() -> Routes {
    Routes::new().get("/referrals/{id}/gp-letter", letter).get("/referrals/{id}/gp-letter.pdf", letter_pdf)
}

#[derive(Template)]
#[template(path = "gp_letter.html")]
struct GpLetter<'a> {
    name: String,
    written_on: String,
    m: &'a GpMessage,
    /// The record's address, for the links a reader on screen follows (not in the API's letter).
    back: Option<String>,
}

/// The letter as a standalone HTML document; `back` is the record's address when shown in the app.
pub(crate) fn render(message: &GpMessage, back: Option<String>) -> Result<String, WebError> {
    let name = message.person.first().map(|l| l.value.clone()).unwrap_or_default();
    let view = GpLetter { name, written_on: crate::views::date(message.written_on), m: message, back };
    view.render().map_err(|e| WebError::Internal(e.to_string()))
}

async fn letter(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>) -> Result<Html<String>, WebError> {
    let (message, _) = gp_message(&*state.store, &user.actor(), &user.audit(), &id, today()).await?;
    Ok(Html(render(&message, Some(format!("/referrals/{id}")))?))
}

async fn letter_pdf(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>) -> Result<Response, WebError> {
    let (message, _) = gp_message(&*state.store, &user.actor(), &user.audit(), &id, today()).await?;
    let html = render(&message, None)?;
    let pdf = tokio::task::spawn_blocking(move || linkwork_report::pdf::html_to_pdf(&html)).await.map_err(|e| WebError::Internal(e.to_string()))?.map_err(|e| match e {
        linkwork_report::pdf::PdfError::NoBrowser => WebError::Conflict("The PDF download is not available on this server. Open the letter and print it instead.".into()),
        other => WebError::Internal(other.to_string()),
    })?;
    Ok(([(header::CONTENT_TYPE, "application/pdf"), (header::CONTENT_DISPOSITION, "attachment; filename=\"social-prescribing-letter.pdf\"")], pdf).into_response())
}
