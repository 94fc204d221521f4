//! Paged list reads of the API: `?limit=&offset=` in, one page out as a JSON array, with the
//! whole list's size in `X-Total-Count` and the next page in a `Link: <…>; rel="next"` header
//! (RFC 8288), as the GitHub and FHIR-style APIs clients already know do it.

use super::ApiError;
use crate::WebError;
use axum::http::header::{HeaderName, HeaderValue, LINK};
use axum::response::{IntoResponse, Response};
use axum::Json;
use linkwork_app::forms::Fields;
use linkwork_app::reads::{PageOf, Paging};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::IntoParams;

/// The query of a paged list.
#[derive(Deserialize, IntoParams)]
#[allow(dead_code)] // documents the query: `paging` reads it with the use case's messages
pub struct PageParams {
    /// Items in the page, 1 to 500 (default 100)
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
    /// Items of the whole list to skip (default 0)
    #[param(minimum = 0)]
    offset: Option<u64>,
}

/// The paging asked for in a query string (a clear error when it is not a page).
pub fn paging(query: &HashMap<String, String>) -> Result<Paging, ApiError> {
    let fields = Fields::from_pairs(query.iter().filter(|(k, _)| *k == "limit" || *k == "offset").map(|(k, v)| (k.clone(), v.clone())).collect());
    Ok(Paging::from_query(&fields)?)
}

/// The page as a JSON array of `item(…)`, with its headers; `path` is the list's own path, for
/// the link to the next page.
pub fn page_response<T>(page: PageOf<T>, path: &str, item: impl FnMut(T) -> serde_json::Value) -> Result<Response, ApiError> {
    let next = page.next_offset().map(|offset| format!("<{path}?limit={}&offset={offset}>; rel=\"next\"", page.paging.limit));
    let total = page.total;
    let body: Vec<serde_json::Value> = page.items.into_iter().map(item).collect();
    let mut response = Json(body).into_response();
    let headers = response.headers_mut();
    headers.insert(HeaderName::from_static("x-total-count"), HeaderValue::from(total));
    if let Some(next) = next {
        headers.insert(LINK, HeaderValue::from_str(&next).map_err(|e| WebError::Internal(e.to_string()))?);
    }
    Ok(response)
}
