//! The API's contract, kept in one place with the code that holds requests to it:
//!
//! - [`JsonBody`]: reads a JSON request body into its request type (a [`RequestBody`]) and hands
//!   the use case that type's fields, which it parses with the same messages as the HTML forms.
//!   The type is the OpenAPI schema, the type check and the only fields the use case sees, so the
//!   document and what the API reads cannot drift apart;
//! - the error answers every route documents ([`Unauthenticated`], [`Forbidden`], …), each an
//!   [`ErrorBody`] under a shared response component;
//! - schemas of the coded lists, generated from the domain's own lists.

use super::{ApiError, ErrorBody};
use linkwork_app::forms::{FieldError, Fields};
use crate::WebError;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use std::marker::PhantomData;
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};

/// A request refused before it reached a use case: not JSON (415), malformed (400) or too large
/// (413). Answered with an [`ErrorBody`] like every other API error.
#[derive(Debug)]
pub struct RequestError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl IntoResponse for RequestError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorBody { error: self.code, message: self.message, fields: vec![] })).into_response()
    }
}

/// 413, for a body over the boundary's limit (2 MiB, `MAX_BODY_BYTES`).
pub fn too_large() -> RequestError {
    RequestError { status: StatusCode::PAYLOAD_TOO_LARGE, code: "too_large", message: "The request body is too large: send at most 2 MiB".into() }
}

/// Why a body was refused: a [`RequestError`], or a field that does not fit the request type (422).
#[derive(Debug)]
pub enum BodyRejection {
    Request(RequestError),
    Invalid(ApiError),
}

impl IntoResponse for BodyRejection {
    fn into_response(self) -> Response {
        match self {
            BodyRejection::Request(e) => e.into_response(),
            BodyRejection::Invalid(e) => e.into_response(),
        }
    }
}

/// A JSON request type: what the OpenAPI document shows (`ToSchema`), what a body is read into
/// (`Deserialize`) and, written back out (`Serialize`), the fields the use case is given. A field
/// the type does not declare never reaches the use case, unless [`RequestBody::passes_through`]
/// names it.
pub trait RequestBody: DeserializeOwned + Serialize {
    /// Fields named by the record rather than the type (a discharge's `goal_<goal id>`), passed
    /// on as sent. None by default.
    fn passes_through(_field: &str) -> bool {
        false
    }
}

/// A JSON request body read into `T`: a JSON object whose fields, when present, have `T`'s types.
/// Which fields are required, and what their values may be, is checked by the use case, which
/// reports every problem at once in the forms' words.
pub struct JsonBody<T> {
    pub fields: Fields,
    _schema: PhantomData<T>,
}

impl<T: RequestBody, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = BodyRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let essence = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if essence != "application/json" && !essence.ends_with("+json") {
            return Err(BodyRejection::Request(RequestError {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code: "unsupported_media_type",
                message: "Send the body as JSON, with Content-Type: application/json".into(),
            }));
        }
        let bytes = axum::body::Bytes::from_request(request, state).await.map_err(|e| {
            BodyRejection::Request(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                RequestError { status: StatusCode::BAD_REQUEST, code: "bad_request", message: "The request body could not be read".into() }
            })
        })?;
        // The parser's message gives the line and column only, never the text.
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            BodyRejection::Request(RequestError { status: StatusCode::BAD_REQUEST, code: "bad_request", message: format!("The body is not valid JSON (line {}, column {})", e.line(), e.column()) })
        })?;
        if !value.is_object() {
            return Err(invalid("body", "The body must be a JSON object"));
        }
        let body: T = serde_path_to_error::deserialize(&value).map_err(|e| {
            let field = e.path().to_string();
            invalid(if field == "." { "body" } else { &field }, &type_message(&e.into_inner().to_string()))
        })?;
        Ok(JsonBody { fields: Fields::from_json(&given_fields(&body, &value)), _schema: PhantomData })
    }
}

/// The fields `body` declares (as read), with the ones its type passes through as sent.
fn given_fields<T: RequestBody>(body: &T, sent: &serde_json::Value) -> serde_json::Value {
    // Writing a derived `Serialize` of strings, numbers and lists into a `Value` cannot fail; if
    // it ever did, the use case would see no fields and say what is missing.
    let mut fields = match serde_json::to_value(body) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    if let Some(sent) = sent.as_object() {
        fields.extend(sent.iter().filter(|(name, _)| !fields.contains_key(*name) && T::passes_through(name)).map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>());
    }
    serde_json::Value::Object(fields)
}

fn invalid(field: &str, message: &str) -> BodyRejection {
    BodyRejection::Invalid(ApiError(WebError::Invalid(vec![FieldError { field: field.to_owned(), message: message.to_owned() }])))
}

/// serde's "invalid type: string \"Ann\", expected a boolean" without the value (which may be a
/// person's details): "This must be a boolean".
fn type_message(serde_message: &str) -> String {
    if serde_message.contains("NumberOrText") {
        return "This must be a whole number".to_owned();
    }
    if serde_message.contains("BoolOrText") {
        return "This must be true or false (or \"yes\" or \"no\")".to_owned();
    }
    match serde_message.split_once(", expected ") {
        Some((_, expected)) => format!("This must be {}", expected.split(" at line ").next().unwrap_or(expected)),
        None => "This value does not have the type the API expects".to_owned(),
    }
}

/// A request field that may be sent as a JSON number or as text holding one (`30` or `"30"`), as
/// the forms send everything as text.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum NumberOrText {
    Number(serde_json::Number),
    Text(String),
}

impl utoipa::PartialSchema for NumberOrText {
    fn schema() -> RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Integer))
            .item(ObjectBuilder::new().schema_type(Type::String).description(Some("a whole number written as text")))
            .into()
    }
}

impl utoipa::ToSchema for NumberOrText {}

/// A yes/no field that may be sent as a JSON boolean or as the forms' text (`true`, `"yes"`, `"no"`).
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum BoolOrText {
    Bool(bool),
    Text(String),
}

impl utoipa::PartialSchema for BoolOrText {
    fn schema() -> RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new().item(ObjectBuilder::new().schema_type(Type::Boolean)).item(code_schema(["yes", "no", "true", "false"])).into()
    }
}

impl utoipa::ToSchema for BoolOrText {}

/// The schema of one code of a coded list: a string, one of the domain's codes (matched without
/// regard to case, as the forms do).
pub fn code_schema(codes: impl IntoIterator<Item = &'static str>) -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(codes)).build()
}

/// Schema functions for the coded lists the request types use (`#[schema(schema_with = …)]`).
macro_rules! code_schemas {
    ($($name:ident: $ty:ty),* $(,)?) => {
        $(pub fn $name() -> utoipa::openapi::schema::Object {
            code_schema(<$ty>::ALL.iter().map(|c| c.code()))
        })*
    };
}

pub mod codes {
    use super::code_schema;
    use linkwork_domain::casework::{contact, discharge, mdt, need, plan, referral, triage};
    use linkwork_domain::evaluation::resolution;
    use linkwork_domain::measurement::instruments;
    use linkwork_domain::person::{consent, contact_details, identity};
    use linkwork_domain::{directory, onward, person};

    code_schemas! {
        sex: person::Sex,
        ethnicity: person::Ethnicity,
        source: referral::ReferralSource,
        decline_reason: referral::DeclineReason,
        discharge_reason: referral::DischargeReason,
        contact_mode: contact::ContactMode,
        timepoint: instruments::Timepoint,
        need: need::NeedDomain,
        resolution: resolution::NeedResolution,
        onward_decline_reason: onward::OnwardDeclineReason,
        onward_status: onward::OnwardStatus,
        attempt_mode: triage::AttemptMode,
        attempt_outcome: triage::AttemptOutcome,
        goal_status: plan::GoalStatus,
        attendee: mdt::AttendeeRole,
        delivery: directory::Delivery,
        lawful_basis: consent::LawfulBasis,
        conflict_resolution: identity::ConflictResolution,
        not_taken: discharge::NotTakenReason,
        contact_method: contact_details::ContactMethod,
    }

    /// A list of need codes.
    pub fn needs() -> utoipa::openapi::schema::Array {
        utoipa::openapi::schema::Array::new(need())
    }

    /// A list of MDT attendee roles.
    pub fn attendees() -> utoipa::openapi::schema::Array {
        utoipa::openapi::schema::Array::new(attendee())
    }

    /// A partner's answer to an onward referral.
    pub fn partner_action() -> utoipa::openapi::schema::Object {
        code_schema(["accept", "decline", "started", "attended", "completed", "dropped_out"])
    }

    pub fn yes_no() -> utoipa::openapi::schema::Object {
        code_schema(["yes", "no"])
    }

    pub fn yes_no_unknown() -> utoipa::openapi::schema::Object {
        code_schema(["yes", "no", "unknown"])
    }

    pub fn yes() -> utoipa::openapi::schema::Object {
        code_schema(["yes"])
    }
}

/// Declares the error answers as response components (`#/components/responses/<Name>`), each an
/// [`ErrorBody`], and a marker type per answer to list in a route's `responses(…)`.
macro_rules! error_responses {
    ($($name:ident = $status:literal, $description:literal;)*) => {
        $(
            #[doc = $description]
            // Some are only added to operations by `CommonResponses`, never named in a route.
            #[allow(dead_code)]
            pub struct $name;

            impl utoipa::IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
                    BTreeMap::from([($status.to_string(), RefOr::Ref(utoipa::openapi::Ref::from_response_name(stringify!($name))))])
                }
            }
        )*

        /// Every error answer, for `components.responses`.
        pub fn error_components() -> Vec<(&'static str, utoipa::openapi::response::Response)> {
            vec![$((stringify!($name), error_response($description))),*]
        }
    };
}

fn error_response(description: &str) -> utoipa::openapi::response::Response {
    let schema = RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ErrorBody"));
    ResponseBuilder::new().description(description).content("application/json", ContentBuilder::new().schema(Some(schema)).build()).build()
}

error_responses! {
    BadJson = 400, "The body is not valid JSON (`bad_request`).";
    Unauthenticated = 401, "No bearer token, or one that is unknown (`unauthenticated`).";
    Forbidden = 403, "The token's role may not do this (`forbidden`).";
    NotFound = 404, "No such record, or one that belongs to another organisation: the answer is the same, so ids cannot be probed (`not_found`).";
    Conflict = 409, "The action does not fit the record's state, or someone changed it first (`conflict`).";
    TooLarge = 413, "The body is over 2 MiB (`too_large`).";
    NotJson = 415, "The body is not sent as `application/json` (`unsupported_media_type`).";
    Invalid = 422, "What was sent does not parse: every field with a problem is listed in `fields`. A query parameter or field holding a NUL byte or another control character is refused this way on every route (`invalid`).";
    Internal = 500, "Something went wrong on the server, such as the database being unreachable; nothing was changed (`internal`).";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_messages_leave_out_the_value() {
        assert_eq!(type_message("invalid type: string \"Ann Smith\", expected a boolean at line 1 column 10"), "This must be a boolean");
        assert_eq!(type_message("invalid type: integer `3`, expected a string"), "This must be a string");
    }

    #[derive(serde::Deserialize, Serialize)]
    struct Declared {
        name: Option<String>,
        minutes: Option<NumberOrText>,
        accompanied: Option<BoolOrText>,
    }

    impl RequestBody for Declared {}

    #[derive(serde::Deserialize, Serialize)]
    struct WithGoals {
        reason: Option<String>,
    }

    impl RequestBody for WithGoals {
        fn passes_through(field: &str) -> bool {
            field.starts_with("goal_")
        }
    }

    async fn read<T: RequestBody>(body: &str) -> Result<Fields, BodyRejection> {
        let request = Request::builder().method("POST").header(header::CONTENT_TYPE, "application/json").body(axum::body::Body::from(body.to_owned())).unwrap();
        JsonBody::<T>::from_request(request, &()).await.map(|b| b.fields)
    }

    #[tokio::test]
    async fn a_field_the_request_type_does_not_declare_never_reaches_the_use_case() {
        let fields = read::<Declared>(r#"{"name": "Walk", "goal_1": "achieved", "status": "closed"}"#).await.unwrap();
        assert_eq!(fields.pairs().collect::<Vec<_>>(), [("name", "Walk")]);
    }

    #[tokio::test]
    async fn numbers_and_yes_no_reach_the_use_case_as_the_forms_send_them() {
        let fields = read::<Declared>(r#"{"minutes": 30, "accompanied": true}"#).await.unwrap();
        assert_eq!((fields.get("minutes"), fields.get("accompanied")), ("30", "true"));
        let fields = read::<Declared>(r#"{"minutes": "45", "accompanied": "no"}"#).await.unwrap();
        assert_eq!((fields.get("minutes"), fields.get("accompanied")), ("45", "no"));
    }

    #[tokio::test]
    async fn fields_named_by_the_record_pass_through_only_where_the_type_allows() {
        let fields = read::<WithGoals>(r#"{"reason": "goals_met", "goal_0193": "achieved", "other": "x"}"#).await.unwrap();
        assert_eq!((fields.get("reason"), fields.get("goal_0193"), fields.get("other")), ("goals_met", "achieved", ""));
    }

    #[tokio::test]
    async fn a_field_of_the_wrong_type_is_refused_by_name() {
        let Err(BodyRejection::Invalid(ApiError(WebError::Invalid(errors)))) = read::<Declared>(r#"{"minutes": [1]}"#).await else { panic!("refused as invalid") };
        assert_eq!(errors[0].field, "minutes");
    }
}
