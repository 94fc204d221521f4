use linkwork_domain::ids::OnwardId;
use linkwork_domain::ids::ReferralId;
use super::contract::{codes, BoolOrText, Conflict, Forbidden, Invalid, JsonBody, NotFound, NumberOrText, RequestBody};
use super::ApiError;
use crate::auth::ApiClient;
use linkwork_app::casework as cases;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use linkwork_domain::evaluation::EvaluationSettings;
use linkwork_domain::measurement::instruments::Instrument;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use utoipa::ToSchema;

type ApiResult<T> = Result<T, ApiError>;

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

fn created(id: String) -> (StatusCode, Json<Created>) {
    (StatusCode::CREATED, Json(Created { id }))
}

// The request types below are the OpenAPI schemas of the bodies, what [`JsonBody`] reads a body
// into and the only fields the use case then reads (as it reads a form's).

/// The request types of a new referral and of taking on an incoming one: the same person's and
/// referral's fields, with more after them. (One list, not `serde(flatten)`, which would lose the
/// name of a field of the wrong type.)
macro_rules! referral_request {
    ($(#[$meta:meta])* $name:ident { $($extra:tt)* }) => {
        $(#[$meta])*
        #[derive(Deserialize, Serialize, ToSchema)]
        pub struct $name {
            /// Ten digits with a valid check digit; spaces allowed.
            #[schema(example = "9434765919", required = true, nullable = false)]
            nhs_number: Option<String>,
            #[schema(required = true, nullable = false)]
            given_name: Option<String>,
            #[schema(required = true, nullable = false)]
            family_name: Option<String>,
            #[schema(example = "1950-05-01", format = Date, required = true, nullable = false)]
            date_of_birth: Option<String>,
            #[schema(schema_with = codes::sex, required = true)]
            sex: Option<String>,
            #[schema(schema_with = codes::ethnicity, required = true)]
            ethnicity: Option<String>,
            #[schema(example = "LS1 4AP", required = true, nullable = false)]
            postcode: Option<String>,
            /// Id of a GP practice in the service's PCN.
            #[schema(required = true, nullable = false)]
            practice_id: Option<String>,
            /// The day the referral was made: today or earlier.
            #[schema(example = "2026-11-20", format = Date, required = true, nullable = false)]
            referred_on: Option<String>,
            #[schema(required = true, nullable = false)]
            referrer_name: Option<String>,
            #[schema(required = true, nullable = false)]
            reason: Option<String>,
            /// At least one need code.
            #[schema(schema_with = codes::needs, required = true)]
            needs: Option<Vec<String>>,
            /// How to reach the person (all optional here; the web forms ask for at least one way).
            /// A mobile number: UK, starting 07; spaces, dashes and +44 allowed.
            #[schema(example = "07700 900982")]
            mobile: Option<String>,
            /// A home or other UK phone number.
            #[schema(example = "0113 496 0000")]
            landline: Option<String>,
            #[schema(example = "name@example.org")]
            email: Option<String>,
            /// The postal address above the postcode: line 1 is needed when line 2 or the town is given.
            #[schema(example = "12 Mill Lane")]
            address_line_1: Option<String>,
            address_line_2: Option<String>,
            #[schema(example = "Leeds")]
            town: Option<String>,
            /// How the person would like to be contacted: it must be a way the details given allow
            /// (`text` needs a mobile, `email` an email, `letter` an address, `phone_call` a phone).
            #[schema(schema_with = codes::contact_method)]
            preferred_contact: Option<String>,
            /// Best days or times to contact, in words (up to 200 characters).
            best_times: Option<String>,
            /// Whether a message may be left.
            leave_message: Option<BoolOrText>,
            $($extra)*
        }

        impl RequestBody for $name {}
    };
}

referral_request! {
    /// A new referral. Codes as in the web form: sex `1|2|9|X`, ethnicity NHS ethnic category
    /// `A`–`S`, `Z`, `99`; source `gp_practice|other_health|vcse|council|self`; needs are
    /// need-domain codes.
    ReferralRequest {
        /// Who referred the person.
        #[schema(schema_with = codes::source, required = true)]
        source: Option<String>,
        /// `yes`: the person agrees to be referred (only refer someone who has agreed).
        #[schema(schema_with = codes::yes, required = true)]
        consent: Option<String>,
        /// The lawful basis for holding the referral; direct care if left out.
        #[schema(schema_with = codes::lawful_basis)]
        lawful_basis: Option<String>,
        /// `yes`: record it although it looks like a duplicate (the person has an open referral, or
        /// one from the last 7 days). Without it such a referral is refused with a 422 on this field.
        #[schema(schema_with = codes::yes)]
        confirm_duplicate: Option<String>,
    }
}

referral_request! {
    /// Taking on an incoming referral: the details confirmed at triage (the source is the incoming
    /// referral's, and the person's agreement was given when it was made).
    ConvertRequest {}
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct DeclineRequest {
    #[schema(schema_with = codes::decline_reason, required = true)]
    decline_reason: Option<String>,
}

impl RequestBody for DeclineRequest {}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct ConversationRequest {
    #[schema(format = Date, required = true, nullable = false)]
    held_on: Option<String>,
    #[schema(required = true, nullable = false)]
    what_matters: Option<String>,
    #[schema(schema_with = codes::needs, required = true)]
    needs: Option<Vec<String>>,
    /// Up to three goals, in the person's words: at least `goal_0`.
    #[schema(required = true, nullable = false)]
    goal_0: Option<String>,
    goal_1: Option<String>,
    goal_2: Option<String>,
    /// The goals' review dates (YYYY-MM-DD), optional.
    review_0: Option<String>,
    review_1: Option<String>,
    review_2: Option<String>,
}

impl RequestBody for ConversationRequest {}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct ContactRequest {
    #[schema(format = Date, required = true, nullable = false)]
    contact_on: Option<String>,
    #[schema(schema_with = codes::contact_mode, required = true)]
    mode: Option<String>,
    /// Length of the contact in minutes.
    #[schema(required = true, nullable = false)]
    minutes: Option<NumberOrText>,
    /// Whether the link worker went with the person to an activity.
    #[schema(required = true, nullable = false)]
    accompanied: Option<BoolOrText>,
    notes: Option<String>,
}

impl RequestBody for ContactRequest {}

/// `item_1` … `item_n`: each answer in the instrument's range (ONS4 0–10, SWEMWBS 1–5, …), one per
/// item of the instrument named in the path (WEMWBS has 14).
#[derive(Deserialize, Serialize, ToSchema)]
pub struct MeasureRequest {
    #[schema(schema_with = codes::timepoint, required = true)]
    timepoint: Option<String>,
    #[schema(format = Date, required = true, nullable = false)]
    taken_on: Option<String>,
    #[schema(required = true, nullable = false)]
    item_1: Option<NumberOrText>,
    item_2: Option<NumberOrText>,
    item_3: Option<NumberOrText>,
    item_4: Option<NumberOrText>,
    item_5: Option<NumberOrText>,
    item_6: Option<NumberOrText>,
    item_7: Option<NumberOrText>,
    item_8: Option<NumberOrText>,
    item_9: Option<NumberOrText>,
    item_10: Option<NumberOrText>,
    item_11: Option<NumberOrText>,
    item_12: Option<NumberOrText>,
    item_13: Option<NumberOrText>,
    item_14: Option<NumberOrText>,
}

impl RequestBody for MeasureRequest {}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct OnwardRequest {
    /// Id of an active service in the directory.
    #[schema(required = true, nullable = false)]
    service_id: Option<String>,
    note: Option<String>,
    /// `yes`: the person agrees to the referral and to their details being shared with the service's organisation.
    #[schema(schema_with = codes::yes, required = true)]
    share_consent: Option<String>,
}

impl RequestBody for OnwardRequest {}

/// With each need of the referral, optionally, what happened with it: `resolution_<need>` (for
/// example `resolution_loneliness`, `resolution_money`).
/// A discharge after the walk-through. "Goals met" needs a goal achieved or partly achieved.
/// Every goal must have ended: send `goal_<goal id>` with `achieved`, `partly_achieved`,
/// `not_achieved` or `no_longer_relevant`, or set its status first (`POST
/// /api/referrals/{id}/goals/{goal_id}`). Each closing questionnaire the service's schedule asks
/// for at discharge must be recorded first (timepoint `discharge`) or given a `not_taken_<code>`.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct DischargeRequest {
    #[schema(schema_with = codes::discharge_reason, required = true)]
    discharge_reason: Option<String>,
    summary: Option<String>,
    #[schema(schema_with = codes::not_taken)]
    not_taken_ons4: Option<String>,
    #[schema(schema_with = codes::not_taken)]
    not_taken_swemwbs: Option<String>,
    #[schema(schema_with = codes::not_taken)]
    not_taken_wemwbs: Option<String>,
    #[schema(schema_with = codes::not_taken)]
    not_taken_ucla3: Option<String>,
    #[schema(schema_with = codes::not_taken)]
    not_taken_ons_loneliness: Option<String>,
    #[schema(schema_with = codes::not_taken)]
    not_taken_cel_loneliness: Option<String>,
    #[schema(schema_with = codes::not_taken)]
    not_taken_phq9: Option<String>,
    #[schema(schema_with = codes::not_taken)]
    not_taken_gad7: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_loneliness: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_mental_wellbeing: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_physical_activity: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_long_term_condition: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_money: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_housing: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_employment: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_carer_support: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_bereavement: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_food: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_digital: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_legal: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_family: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_arts: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_nature: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_substance_use: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_transport: Option<String>,
    #[schema(schema_with = codes::resolution)]
    resolution_safeguarding: Option<String>,
}

impl RequestBody for DischargeRequest {
    /// How each goal ended, named by the goal's id.
    fn passes_through(field: &str) -> bool {
        field.starts_with("goal_")
    }
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct PartnerResponseRequest {
    /// See docs/onward-referrals.md for which answer fits which status.
    #[schema(schema_with = codes::partner_action, required = true)]
    action: Option<String>,
    /// With `decline`.
    #[schema(schema_with = codes::onward_decline_reason)]
    decline_reason: Option<String>,
    /// The day it happened (`YYYY-MM-DD`); today when left out. Not in the future, not before the
    /// referral was sent, not before the last change.
    #[schema(format = Date)]
    happened_on: Option<String>,
}

impl RequestBody for PartnerResponseRequest {}

/// JSON of a read model (serialising our own types does not fail; an error is reported, not a panic).
fn to_json<T: Serialize>(value: T) -> ApiResult<Json<Value>> {
    Ok(Json(serde_json::to_value(value).map_err(|e| WebError::Internal(e.to_string()))?))
}

#[utoipa::path(get, path = "/api/referrals", tag = "casework", params(super::paging::PageParams),
    responses((status = 200, description = "A page of the service's open referrals, new first, then accepted, newest referral first; \
    `X-Total-Count` has how many there are, `Link` the next page", body = Vec<Object>), Forbidden, Invalid))]
pub async fn list_referrals(State(state): State<AppState>, client: ApiClient, Query(q): Query<HashMap<String, String>>) -> ApiResult<axum::response::Response> {
    let paging = super::paging::paging(&q)?;
    let page = linkwork_app::reads::caseload(&*state.store, &client.actor, &client.audit(), None, true, paging).await?;
    super::paging::page_response(page, "/api/referrals", |entry| serde_json::to_value(entry).unwrap_or(Value::Null))
}

#[utoipa::path(post, path = "/api/referrals", tag = "casework", request_body = ReferralRequest, responses((status = 201, body = Created), Forbidden, Invalid))]
pub async fn create_referral(State(state): State<AppState>, client: ApiClient, body: JsonBody<ReferralRequest>) -> ApiResult<(StatusCode, Json<Created>)> {
    Ok(created(cases::create_referral(&*state.store, &client.actor, &client.audit(), &body.fields, linkwork_domain::person::identity::DetailsSource::Api).await?))
}

#[utoipa::path(get, path = "/api/referrals/{id}", tag = "casework", params(("id" = String, Path)), responses((status = 200, description = "The person's record (audited)", body = Object), Forbidden, NotFound))]
pub async fn get_referral(State(state): State<AppState>, client: ApiClient, Path(id): Path<ReferralId>) -> ApiResult<Json<Value>> {
    to_json(cases::referral_record(&*state.store, &client.actor, &client.audit(), &id).await?)
}

#[utoipa::path(post, path = "/api/referrals/{id}/accept", tag = "casework", params(("id" = String, Path)), responses((status = 204, description = "Accepted"), Forbidden, NotFound, Conflict))]
pub async fn accept_referral(State(state): State<AppState>, client: ApiClient, Path(id): Path<ReferralId>) -> ApiResult<StatusCode> {
    cases::accept(&*state.store, &client.actor, &client.audit(), &id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/referrals/{id}/decline", tag = "casework", params(("id" = String, Path)), request_body = DeclineRequest, responses((status = 204, description = "Declined"), Forbidden, NotFound, Conflict, Invalid))]
pub async fn decline_referral(State(state): State<AppState>, client: ApiClient, Path(id): Path<ReferralId>, body: JsonBody<DeclineRequest>) -> ApiResult<StatusCode> {
    cases::decline(&*state.store, &client.actor, &client.audit(), &id, &body.fields).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/referrals/{id}/conversations", tag = "casework", params(("id" = String, Path)), request_body = ConversationRequest, responses((status = 201, body = Created), Forbidden, NotFound, Conflict, Invalid))]
pub async fn record_conversation(State(state): State<AppState>, client: ApiClient, Path(id): Path<ReferralId>, body: JsonBody<ConversationRequest>) -> ApiResult<(StatusCode, Json<Created>)> {
    Ok(created(cases::record_conversation(&*state.store, &client.actor, &client.audit(), &id, &body.fields).await?))
}

#[utoipa::path(post, path = "/api/referrals/{id}/contacts", tag = "casework", params(("id" = String, Path)), request_body = ContactRequest, responses((status = 201, body = Created), Forbidden, NotFound, Conflict, Invalid))]
pub async fn add_contact(State(state): State<AppState>, client: ApiClient, Path(id): Path<ReferralId>, body: JsonBody<ContactRequest>) -> ApiResult<(StatusCode, Json<Created>)> {
    Ok(created(cases::add_contact(&*state.store, &client.actor, &client.audit(), &id, &body.fields).await?))
}

#[utoipa::path(post, path = "/api/referrals/{id}/measures/{instrument}", tag = "casework", params(("id" = String, Path), ("instrument" = String, Path, description = "ons4 | swemwbs | wemwbs | ucla3 | ons_loneliness | cel_loneliness | phq9 | gad7; another is not found")), request_body = MeasureRequest, responses((status = 201, body = Created), Forbidden, NotFound, Conflict, Invalid))]
pub async fn add_measure(State(state): State<AppState>, client: ApiClient, Path((id, instrument)): Path<(ReferralId, String)>, body: JsonBody<MeasureRequest>) -> ApiResult<(StatusCode, Json<Created>)> {
    let instrument = Instrument::parse(&instrument).map_err(|_| WebError::NotFound)?;
    Ok(created(cases::add_measure(&*state.store, &client.actor, &client.audit(), &id, instrument, &body.fields).await?))
}

#[utoipa::path(post, path = "/api/referrals/{id}/onward-referrals", tag = "casework", params(("id" = String, Path)), request_body = OnwardRequest, responses((status = 201, body = Created), Forbidden, NotFound, Conflict, Invalid))]
pub async fn refer_onward(State(state): State<AppState>, client: ApiClient, Path(id): Path<ReferralId>, body: JsonBody<OnwardRequest>) -> ApiResult<(StatusCode, Json<Created>)> {
    Ok(created(cases::refer_onward(&*state.store, &client.actor, &client.audit(), &id, &body.fields).await?))
}

#[utoipa::path(post, path = "/api/referrals/{id}/discharge", tag = "casework", params(("id" = String, Path)), request_body = DischargeRequest, responses((status = 204, description = "Discharged"), Forbidden, NotFound, Conflict, Invalid))]
pub async fn discharge(State(state): State<AppState>, client: ApiClient, Path(id): Path<ReferralId>, body: JsonBody<DischargeRequest>) -> ApiResult<StatusCode> {
    cases::discharge(&*state.store, &client.actor, &client.audit(), &id, &body.fields).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/partner/onward-referrals", tag = "partner", responses((status = 200, description = "Onward referrals to the token's organisation. `contact_details` holds how to reach the person only while they agree to share with the organisation; it is `null` otherwise (contact the link worker).", body = Vec<Object>), Forbidden))]
pub async fn partner_list(State(state): State<AppState>, client: ApiClient) -> ApiResult<Json<Value>> {
    to_json(linkwork_app::reads::partner_referrals(&*state.store, &client.actor, &client.audit()).await?)
}

/// The onward referral's status after a partner's answer.
#[derive(Serialize, ToSchema)]
pub struct OnwardStatusBody {
    #[schema(schema_with = codes::onward_status)]
    pub status: linkwork_domain::onward::OnwardStatus,
}

#[utoipa::path(post, path = "/api/partner/onward-referrals/{id}", tag = "partner", params(("id" = String, Path)), request_body = PartnerResponseRequest, responses((status = 200, description = "The new status", body = OnwardStatusBody), Forbidden, NotFound, Conflict, Invalid))]
pub async fn partner_respond(State(state): State<AppState>, client: ApiClient, Path(id): Path<OnwardId>, body: JsonBody<PartnerResponseRequest>) -> ApiResult<Json<OnwardStatusBody>> {
    let status = linkwork_app::partner::partner_respond(&*state.store, &client.actor, &client.audit(), &id, &body.fields).await?;
    Ok(Json(OnwardStatusBody { status }))
}

/// Undoes the partner's own last change (recorded by mistake), within 24 hours of recording it:
/// the referral goes back to the status before it, the history keeps both entries, and the link
/// worker is told.
#[utoipa::path(post, path = "/api/partner/onward-referrals/{id}/undo", tag = "partner", params(("id" = String, Path)), responses((status = 200, description = "The status the referral is back in", body = OnwardStatusBody), Forbidden, NotFound, Conflict))]
pub async fn partner_undo(State(state): State<AppState>, client: ApiClient, Path(id): Path<OnwardId>) -> ApiResult<Json<OnwardStatusBody>> {
    let status = linkwork_app::corrections::partner_undo(&*state.store, &client.actor, &client.audit(), &id).await?;
    Ok(Json(OnwardStatusBody { status }))
}

/// Reopens a declined referral (back to received, into triage) within 30 days of the decline.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct ReopenRequest {
    /// Why it is reopened, in the link worker's words (kept with the record).
    #[schema(required = true, nullable = false)]
    reopen_reason: Option<String>,
}

impl RequestBody for ReopenRequest {}

#[utoipa::path(post, path = "/api/referrals/{id}/reopen", tag = "casework", params(("id" = String, Path)), request_body = ReopenRequest, responses((status = 204, description = "Reopened: back in triage"), Forbidden, NotFound, Conflict, Invalid))]
pub async fn reopen_referral(State(state): State<AppState>, client: ApiClient, Path(id): Path<ReferralId>, body: JsonBody<ReopenRequest>) -> ApiResult<StatusCode> {
    linkwork_app::corrections::reopen(&*state.store, &client.actor, &client.audit(), &id, &body.fields).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/report", tag = "evaluation", params(("from" = Option<String>, Query, format = Date), ("to" = Option<String>, Query, format = Date), ("scope" = Option<String>, Query, description = "practice:<id or ODS code>, pcn:<…> or icb:<…> within the caller's organisation; the whole organisation if omitted")), responses((status = 200, description = "The evaluation report and its figures, small numbers suppressed", body = Object), Forbidden, NotFound, Invalid))]
pub async fn report(State(state): State<AppState>, client: ApiClient, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Value>> {
    let period = crate::pages::period_from(&q).map_err(WebError::Invalid)?;
    let (_, _, report) = linkwork_app::report_scopes::report(&*state.store, &client.actor, q.get("scope").map(String::as_str), period, &EvaluationSettings::default()).await?;
    Ok(Json(linkwork_report::to_json(&report)))
}
