//! Static assets compiled into the binary: the NHS.UK design system (copied from npm by build.rs)
//! and Linkwork's own small additions.

use crate::AppState;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

macro_rules! nhsuk {
    ($file:literal) => {
        include_bytes!(concat!(env!("OUT_DIR"), "/nhsuk/", $file))
    };
}

fn asset(content_type: &'static str, body: &'static [u8]) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body)
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/nhsuk-frontend.min.css", get(|| async { asset("text/css", nhsuk!("nhsuk-frontend.min.css")) }))
        .route("/assets/nhsuk-frontend.min.js", get(|| async { asset("text/javascript", nhsuk!("nhsuk-frontend.min.js")) }))
        .route("/assets/images/nhsuk-icon-arrow-down.svg", get(|| async { asset("image/svg+xml", nhsuk!("nhsuk-icon-arrow-down.svg")) }))
        .route("/assets/images/nhsuk-icon-arrow-up-down.svg", get(|| async { asset("image/svg+xml", nhsuk!("nhsuk-icon-arrow-up-down.svg")) }))
        .route("/assets/images/nhsuk-icon-arrow-up.svg", get(|| async { asset("image/svg+xml", nhsuk!("nhsuk-icon-arrow-up.svg")) }))
        .route("/assets/images/nhsuk-icon-cross.svg", get(|| async { asset("image/svg+xml", nhsuk!("nhsuk-icon-cross.svg")) }))
        .route("/favicon.ico", get(|| async { asset("image/x-icon", nhsuk!("favicon.ico")) }))
        .route("/assets/favicon.svg", get(|| async { asset("image/svg+xml", nhsuk!("favicon.svg")) }))
        .route("/assets/app.js", get(|| async { asset("text/javascript", include_bytes!("../static/app.js")) }))
        .route("/assets/app.css", get(|| async { asset("text/css", include_bytes!("../static/app.css")) }))
}
