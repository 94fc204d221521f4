//! The boundary every request passes first: text with control characters (NUL and the like) is
//! refused before any handler or database sees it, in the same words on both databases.

use crate::WebError;
use linkwork_app::forms::FieldError;
#[cfg(test)]
use linkwork_app::forms::Fields;
use linkwork_domain::{forbidden_character, forbidden_character_message, Lines};

/// The first submitted value (or name) holding a character that has no business in text, as the
/// error for its field. Form bodies may hold line breaks and tabs (text areas); query strings not.
fn forbidden_in_pairs(pairs: impl Iterator<Item = (String, String)>, lines: Lines) -> Option<FieldError> {
    for (name, value) in pairs {
        if let Some(c) = forbidden_character(&name, Lines::One).or_else(|| forbidden_character(&value, lines)) {
            return Some(forbidden_field(&name, c));
        }
    }
    None
}

/// The first string (or key) in a JSON document with such a character, named by its path
/// (`needs[2]`, `contained[0].name[0].given[0]`).
fn forbidden_in_json(value: &serde_json::Value, path: &str) -> Option<FieldError> {
    use serde_json::Value;
    let child = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    match value {
        Value::String(s) => forbidden_character(s, Lines::Many).map(|c| forbidden_field(path, c)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| forbidden_in_json(v, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| match forbidden_character(k, Lines::One) {
            Some(c) => Some(forbidden_field(&child("(a name)"), c)),
            None => forbidden_in_json(v, &child(k)),
        }),
        _ => None,
    }
}

fn forbidden_field(field: &str, c: char) -> FieldError {
    let field = if field.is_empty() { "body" } else { field };
    // Only the field's name goes in the message: never the value (it may be a person's details).
    FieldError { field: shown_name(field), message: forbidden_character_message(&format!("the field {}", shown_name(field)), c) }
}

/// A field name fit to show: control characters dropped, at most 60 characters.
fn shown_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(60).collect()
}

/// Whether a request path holds a percent-encoded sequence that is not UTF-8 or decodes to a
/// control character: no record has such an id, so the answer is "not found" (and the database
/// is never asked: PostgreSQL refuses NUL in text where SQLite would look it up).
fn path_is_unusable(path: &str) -> bool {
    path.split('/').any(|segment| match percent_decode(segment) {
        Some(decoded) => forbidden_character(&decoded, Lines::One).is_some(),
        None => true,
    })
}

/// Percent-decodes one path segment (`+` stays `+` in paths), or `None` when it is not UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The largest form or JSON body read (axum's default for its extractors: 2 MiB).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// What a request's text was refused for, at the boundary, before any handler runs.
#[derive(Debug)]
pub enum Refused {
    /// The path cannot name anything (an id with a control character or not UTF-8).
    Path,
    /// A query or body value (or name) with a control character.
    Field(FieldError),
    /// A form or JSON body larger than [`MAX_BODY_BYTES`].
    TooLarge,
}

/// Middleware: refuses NUL bytes and other control characters in the path, the query string and
/// form or JSON bodies of every request, in the same words whichever database is behind (SQLite
/// would store NUL, PostgreSQL refuses it). Tabs and line breaks are allowed in bodies. Bodies of
/// other types (file uploads) are left to their parsers, which check every value themselves. The
/// answer is shaped like the rest of the route's answers: JSON under `/api`, an
/// `OperationOutcome` under `/fhir`, an error page elsewhere.
pub async fn refuse_control_characters(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let path = request.uri().path().to_owned();
    let (parts, body) = request.into_parts();
    let (refused, body) = match check_request(&parts, body).await {
        Ok(body) => (None, body),
        Err(refused) => (Some(refused), axum::body::Body::empty()),
    };
    match refused {
        None => next.run(axum::extract::Request::from_parts(parts, body)).await,
        Some(refused) => refused_response(&path, refused),
    }
}

async fn check_request(parts: &axum::http::request::Parts, body: axum::body::Body) -> Result<axum::body::Body, Refused> {
    if path_is_unusable(parts.uri.path()) {
        return Err(Refused::Path);
    }
    if let Some(query) = parts.uri.query() {
        if let Some(field) = forbidden_in_pairs(form_urlencoded::parse(query.as_bytes()).into_owned(), Lines::One) {
            return Err(Refused::Field(field));
        }
    }
    let essence = parts.headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let is_form = essence == "application/x-www-form-urlencoded";
    let is_json = essence == "application/json" || essence.ends_with("+json");
    if !is_form && !is_json {
        return Ok(body);
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| Refused::TooLarge)?;
    let found = if is_form {
        forbidden_in_pairs(form_urlencoded::parse(&bytes).into_owned(), Lines::Many)
    } else {
        // A body that is not JSON is left to the handler, which says so.
        serde_json::from_slice::<serde_json::Value>(&bytes).ok().and_then(|v| forbidden_in_json(&v, ""))
    };
    match found {
        Some(field) => Err(Refused::Field(field)),
        None => Ok(axum::body::Body::from(bytes)),
    }
}

fn refused_response(path: &str, refused: Refused) -> axum::response::Response {
    use axum::response::IntoResponse;
    let error = match refused {
        Refused::Path => WebError::NotFound,
        Refused::Field(field) => WebError::Invalid(vec![field]),
        Refused::TooLarge if path.starts_with("/api/") => return crate::api::too_large().into_response(),
        Refused::TooLarge if crate::fhir::is_fhir_path(path) => return crate::fhir::too_large(),
        Refused::TooLarge => return (axum::http::StatusCode::PAYLOAD_TOO_LARGE, "The form is too large to send").into_response(),
    };
    if path.starts_with("/api/") {
        crate::api::ApiError(error).into_response()
    } else if crate::fhir::is_fhir_path(path) {
        crate::fhir::boundary_error(error)
    } else {
        error.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_with_the_field_named() {
        let form = form_urlencoded::parse(b"given_name=Ann&notes=a%0D%0Ab%09c&family_name=Ex%00ample");
        let found = forbidden_in_pairs(form.into_owned(), Lines::Many).unwrap();
        assert_eq!(found.field, "family_name");
        assert!(found.message.contains("NUL byte"), "{}", found.message);
        assert!(!found.message.contains("Ex"), "the value is never echoed");
        assert!(forbidden_in_pairs(form_urlencoded::parse(b"notes=a%0Ab").into_owned(), Lines::One).is_some(), "no line breaks in a query");
        let json = serde_json::json!({"person": {"names": ["Ann", "B\u{1}o"]}});
        assert_eq!(forbidden_in_json(&json, "").unwrap().field, "person.names[1]");
        assert!(forbidden_in_json(&serde_json::json!({"notes": "line\r\nline\ttab"}), "").is_none());
    }

    #[test]
    fn paths_with_control_characters_or_bad_utf8_name_nothing() {
        assert!(!path_is_unusable("/api/referrals/0193-abc"));
        assert!(!path_is_unusable("/api/people/a%20b/timeline"));
        for bad in ["/api/referrals/%00", "/fhir/Task/a%0Ab", "/x/%FF", "/x/%C3", "/x/%7F"] {
            assert!(path_is_unusable(bad), "{bad}");
        }
        assert_eq!(percent_decode("%4"), Some("%4".to_owned()), "a stray % is kept");
        assert_eq!(percent_decode("100%"), Some("100%".to_owned()));
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        fn config() -> ProptestConfig {
            ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512), ..ProptestConfig::default() }
        }

        fn json() -> impl Strategy<Value = serde_json::Value> {
            let leaf = prop_oneof![
                Just(serde_json::Value::Null),
                any::<bool>().prop_map(serde_json::Value::Bool),
                any::<i64>().prop_map(serde_json::Value::from),
                any::<String>().prop_map(serde_json::Value::String),
            ];
            leaf.prop_recursive(3, 24, 5, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
                    prop::collection::btree_map(any::<String>(), inner, 0..5).prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #![proptest_config(config())]

            /// Any body decodes; what the boundary lets through holds no forbidden character.
            #[test]
            fn urlencoded_bodies_decode_and_the_boundary_check_is_sound(body in prop::collection::vec(any::<u8>(), 0..300), name in "[a-z_]{1,8}") {
                let fields = Fields::from_urlencoded(&body);
                let _ = (fields.get(&name), fields.all(&name), fields.indexed(&name, 3));
                if forbidden_in_pairs(form_urlencoded::parse(&body).into_owned(), Lines::Many).is_none() {
                    for (k, v) in form_urlencoded::parse(&body) {
                        prop_assert!(forbidden_character(&k, Lines::One).is_none() && forbidden_character(&v, Lines::Many).is_none());
                    }
                }
            }

            #[test]
            fn json_bodies_decode_and_the_boundary_check_is_sound(value in json(), name in "[a-z_]{1,8}") {
                let fields = Fields::from_json(&value);
                let _ = (fields.get(&name), fields.all(&name));
                if forbidden_in_json(&value, "").is_none() {
                    if let Some(object) = value.as_object() {
                        for (k, _) in object {
                            prop_assert!(forbidden_character(k, Lines::One).is_none());
                            for v in fields.all(k) {
                                prop_assert!(forbidden_character(v, Lines::Many).is_none());
                            }
                        }
                    }
                }
            }

            #[test]
            fn any_path_is_judged_without_panicking(path in any::<String>(), raw in prop::collection::vec(any::<u8>(), 0..40)) {
                let _ = path_is_unusable(&path);
                let encoded: String = raw.iter().map(|b| format!("%{b:02X}")).collect();
                let unusable = path_is_unusable(&format!("/api/referrals/{encoded}"));
                let decoded = String::from_utf8(raw.clone());
                prop_assert_eq!(unusable, decoded.map_or(true, |d| d.contains(|c: char| c.is_control())));
            }
        }
    }

}

/// Middleware: joins date parts in the query string (filter forms sent with GET), so handlers
/// read one ISO value (`linkwork_app::date_input`).
pub async fn join_date_parts_in_query(mut request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let joined = request.uri().query().and_then(linkwork_app::date_input::joined_query);
    if let Some(uri) = joined.and_then(|q| format!("{}?{q}", request.uri().path()).parse().ok()) {
        *request.uri_mut() = uri;
    }
    next.run(request).await
}
