//! Static assets compiled into the binary: the NHS.UK design system (copied from npm by build.rs)
//! and Linkwork's own small additions.

use crate::routes::Routes;
use axum::http::header;
use axum::response::IntoResponse;

macro_rules! nhsuk {
    ($file:literal) => {
        include_bytes!(concat!(env!("OUT_DIR"), "/nhsuk/", $file))
    };
}

fn asset(content_type: &'static str, body: &'static [u8]) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body)
}

pub fn routes() -> Routes {
    Routes::new()
        .get("/assets/nhsuk-frontend.min.css", || async { asset("text/css", nhsuk!("nhsuk-frontend.min.css")) })
        .get("/assets/nhsuk-frontend.min.js", || async { asset("text/javascript", nhsuk!("nhsuk-frontend.min.js")) })
        .get("/assets/images/nhsuk-icon-arrow-down.svg", || async { asset("image/svg+xml", nhsuk!("nhsuk-icon-arrow-down.svg")) })
        .get("/assets/images/nhsuk-icon-arrow-up-down.svg", || async { asset("image/svg+xml", nhsuk!("nhsuk-icon-arrow-up-down.svg")) })
        .get("/assets/images/nhsuk-icon-arrow-up.svg", || async { asset("image/svg+xml", nhsuk!("nhsuk-icon-arrow-up.svg")) })
        .get("/assets/images/nhsuk-icon-cross.svg", || async { asset("image/svg+xml", nhsuk!("nhsuk-icon-cross.svg")) })
        .get("/favicon.ico", || async { asset("image/x-icon", nhsuk!("favicon.ico")) })
        .get("/assets/favicon.svg", || async { asset("image/svg+xml", nhsuk!("favicon.svg")) })
        .get("/assets/app.js", || async { asset("text/javascript", include_bytes!("../static/app.js")) })
        .get("/assets/app.css", || async { asset("text/css", include_bytes!("../static/app.css")) })
}
