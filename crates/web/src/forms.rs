//! Reading submitted fields (HTML forms and JSON bodies alike) and collecting every problem with
//! them, so a form can show all its errors at once in an error summary.

use crate::WebError;
use axum::body::Bytes;
use linkwork_domain::{forbidden_character, forbidden_character_message, DomainError, Lines};
use serde::Serialize;

/// A problem with one field, in words for the person who filled it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Submitted name/value pairs. Repeated names (checkboxes) keep every value.
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// A form body. Dates typed as day, month and year boxes are joined into their ISO field
    /// (`crate::date_input`).
    pub fn from_urlencoded(body: &Bytes) -> Self {
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        crate::date_input::join_parts(&mut pairs);
        Self(pairs)
    }

    pub fn from_pairs(mut pairs: Vec<(String, String)>) -> Self {
        crate::date_input::join_parts(&mut pairs);
        Self(pairs)
    }

    /// From a JSON object: strings, numbers and booleans become one value, arrays several.
    pub fn from_json(value: &serde_json::Value) -> Self {
        let mut pairs = Vec::new();
        if let Some(object) = value.as_object() {
            for (key, v) in object {
                match v {
                    serde_json::Value::Array(items) => pairs.extend(items.iter().map(|i| (key.clone(), scalar(i)))),
                    serde_json::Value::Null => {}
                    other => pairs.push((key.clone(), scalar(other))),
                }
            }
        }
        Self(pairs)
    }

    /// Replaces every value of `name` with one value.
    pub fn set(&mut self, name: &str, value: &str) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_owned(), value.to_owned()));
    }

    /// Removes every value of `name`.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(k, _)| k != name);
    }

    /// Adds one more value of `name` (a ticked checkbox).
    pub fn add(&mut self, name: &str, value: &str) {
        self.0.push((name.to_owned(), value.to_owned()));
    }

    /// The first value of a field, or "" when it was not sent.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    /// Every submitted name and value, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// Values of fields named `prefix0`, `prefix1`, … (repeating rows such as plan goals).
    pub fn indexed(&self, prefix: &str, max: usize) -> Vec<(usize, &str)> {
        (0..max).map(|i| (i, self.get(&format!("{prefix}{i}")))).collect()
    }
}

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
        Refused::TooLarge if path.starts_with("/fhir/") => return crate::fhir::too_large(),
        Refused::TooLarge => return (axum::http::StatusCode::PAYLOAD_TOO_LARGE, "The form is too large to send").into_response(),
    };
    if path.starts_with("/api/") {
        crate::api::ApiError(error).into_response()
    } else if path.starts_with("/fhir/") {
        crate::fhir::boundary_error(error)
    } else {
        error.into_response()
    }
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Collects errors while parsing several fields.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    /// Keeps the value, or records the error and returns `None`.
    pub fn check<T>(&mut self, result: Result<T, DomainError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(FieldError { field: e.field().unwrap_or("form").to_owned(), message: e.to_string() });
                None
            }
        }
    }

    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError { field: field.to_owned(), message: message.into() });
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
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
                let fields = Fields::from_urlencoded(&Bytes::from(body.clone()));
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

    #[test]
    fn repeated_fields_and_json() {
        let f = Fields::from_urlencoded(&Bytes::from_static(b"needs=money&needs=housing&name=A+B&x=%3Cb%3E"));
        assert_eq!(f.all("needs"), vec!["money", "housing"]);
        assert_eq!(f.get("name"), "A B");
        assert_eq!(f.get("x"), "<b>");
        assert_eq!(f.get("missing"), "");
        let j = Fields::from_json(&serde_json::json!({"needs": ["a", "b"], "minutes": 30, "accompanied": true, "n": null}));
        assert_eq!(j.all("needs"), vec!["a", "b"]);
        assert_eq!(j.get("minutes"), "30");
        assert_eq!(j.get("accompanied"), "true");
        assert_eq!(j.get("n"), "");
    }
}
