//! Every form is saved once. Each page gives its forms a one-time key (`Page::form_key`); the
//! first post with a key claims it and, when it succeeds with a redirect (post/redirect/get),
//! records where it led. Posting the same key again — reloading "Referral sent", a double click,
//! the back button and send — goes to the same place and saves nothing twice. A post that comes
//! back with errors frees its key, so the corrected form can be sent.

use crate::views::{ErrorView, Page};
use crate::AppState;
use askama::Template;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_app::once;
use linkwork_app::store::FormClaim;

/// Marks a successful answer to a post that saved nothing (a confirmation page asking "are you
/// sure?"): its key is freed like a form returned with errors, so the form can be sent again.
#[derive(Debug, Clone, Copy)]
pub struct NothingSaved;

/// The most a form body may hold (as the API's JSON bodies).
const LIMIT: usize = 2 * 1024 * 1024;

fn form_key(body: &[u8]) -> Option<String> {
    form_urlencoded::parse(body).find(|(k, _)| k == "form_key").map(|(_, v)| v.into_owned()).filter(|k| !k.is_empty())
}

fn already_sent() -> Response {
    let view = ErrorView {
        page: Page::anonymous("This form has already been sent"),
        heading: "This form has already been sent".into(),
        message: "It was saved the first time you sent it, so nothing was saved again. Use the links on the page to carry on.".into(),
    };
    let body = view.render().unwrap_or_else(|_| "This form has already been sent".into());
    (StatusCode::CONFLICT, Html(body)).into_response()
}

fn still_saving() -> Response {
    let view = ErrorView {
        page: Page::anonymous("This form is being saved"),
        heading: "This form is being saved".into(),
        message: "You sent it a moment ago and it is still being saved. Wait a few seconds, then reload the page.".into(),
    };
    let body = view.render().unwrap_or_else(|_| "This form is being saved".into());
    (StatusCode::CONFLICT, Html(body)).into_response()
}

/// Middleware over every request: form posts that carry a `form_key` are saved once.
pub async fn once_per_form(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_form = request.method() == Method::POST
        && request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large").into_response();
    };
    let Some(key) = form_key(&bytes) else {
        return next.run(Request::from_parts(parts, Body::from(bytes))).await;
    };
    match once::claim(&*state.store, &key).await {
        Ok(FormClaim::Done(location)) if location.is_empty() => return already_sent(),
        Ok(FormClaim::Done(location)) => return Redirect::to(&location).into_response(),
        Ok(FormClaim::InProgress) => return still_saving(),
        Ok(FormClaim::New) => {}
        Err(e) => {
            // The key could not be checked: better to save (and maybe twice) than to lose the form.
            tracing::warn!(error = %e, "could not check a form's one-time key");
            return next.run(Request::from_parts(parts, Body::from(bytes))).await;
        }
    }
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let nothing_saved = response.extensions().get::<NothingSaved>().is_some();
    let outcome = match (response.status(), location) {
        _ if nothing_saved => once::release(&*state.store, &key).await,
        // Signing in again is not a result of the form: it may be sent once signed in.
        (s, Some(l)) if s.is_redirection() && !l.starts_with("/login") => once::finish(&*state.store, &key, &l).await,
        (s, _) if s.is_success() => once::finish(&*state.store, &key, "").await,
        _ => once::release(&*state.store, &key).await,
    };
    if let Err(e) = outcome {
        tracing::warn!(error = %e, "could not record a form's one-time key");
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_key_is_read_from_the_form_body() {
        assert_eq!(super::form_key(b"csrf_token=a&form_key=k1&x=y").as_deref(), Some("k1"));
        assert_eq!(super::form_key(b"csrf_token=a&form_key="), None);
        assert_eq!(super::form_key(b"x=y"), None);
    }
}
