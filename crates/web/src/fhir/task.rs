//! Following a referral and its onward referrals as Tasks (the HL7 Gravity closed loop):
//!
//! - `GET /fhir/ServiceRequest/{id}`: the referral;
//! - `GET /fhir/Task/{id}`: the referral's Task (id = referral id), or an onward referral's
//!   (id = onward referral id, `partOf` the referral's Task, owned by the community organisation);
//! - `GET /fhir/Task?…`: a search (below);
//! - `PUT /fhir/Task/{id}`: a partner organisation's system moves its onward referral's Task
//!   (accepted, rejected with a reason, in progress, attended, completed, cancelled), through the
//!   same use case as the partner portal.
//!
//! Reading either reads the person's record, so it is audited (`linkwork_app::fhir`).

use super::outcome::Issue;
use super::receive::json_body;
use super::{fhir_response, BaseUrl, FhirClient, FhirError};
use crate::{AppState, WebError};
use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use linkwork_app::fhir::code_systems::OwnCodeSystem;
use linkwork_app::fhir::load;
use linkwork_app::fhir::onward::{onward_task, partner_tasks, referral_onward_tasks};
use linkwork_app::fhir::resources::{self, entry, PatientLink};
use linkwork_app::forms::Fields;
use linkwork_app::AppError;
use linkwork_domain::access::Role;
use linkwork_domain::ids::{OnwardId, ReferralId};
use linkwork_domain::onward::{OnwardDeclineReason, OnwardStatus};
use serde_json::{json, Value};

pub async fn read_service_request(State(state): State<AppState>, FhirClient(client): FhirClient, BaseUrl(base): BaseUrl, Path(id): Path<ReferralId>) -> Result<Response, FhirError> {
    let loaded = load(&*state.store, &client.actor, &client.audit(), &id).await?;
    Ok(fhir_response(StatusCode::OK, &resources::service_request(&loaded.ctx(&base), PatientLink::Contained)))
}

/// A Task by id: a referral's (for the service and the practice that sent it) or an onward
/// referral's (for the service and the partner that owns it). Either is 404 to anyone else.
pub async fn read_task(State(state): State<AppState>, FhirClient(client): FhirClient, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> Result<Response, FhirError> {
    Ok(fhir_response(StatusCode::OK, &find_task(&state, &client, &base, &id).await?))
}

async fn find_task(state: &AppState, client: &crate::auth::ApiClient, base: &str, id: &str) -> Result<Value, FhirError> {
    if client.actor.role != Role::VcsePartner {
        match load(&*state.store, &client.actor, &client.audit(), &ReferralId::from(id.to_owned())).await {
            Ok(loaded) => return Ok(resources::task(&loaded.ctx(base), PatientLink::Identifier)),
            Err(AppError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(onward_task(&*state.store, &client.actor, &client.audit(), &OnwardId::from(id.to_owned()), base).await?)
}

/// `GET /fhir/Task`, a `searchset` Bundle:
/// - `focus=ServiceRequest/{id}` or `_id={id}` (optionally `&_include=Task:focus`): a referral's
///   Task (and its ServiceRequest);
/// - `part-of=Task/{id}`: the onward referrals' Tasks of a referral;
/// - for a partner organisation's token, its onward referrals' Tasks, all or by `status`
///   (comma-separated Task statuses), `_id` or `part-of`.
///
/// Unknown ids and other organisations' referrals give an empty Bundle, as a search that matched
/// nothing.
pub async fn search_tasks(
    State(state): State<AppState>,
    FhirClient(client): FhirClient,
    BaseUrl(base): BaseUrl,
    RawQuery(raw): RawQuery,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, FhirError> {
    let param = |name: &str| params.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim()).collect::<Vec<_>>();
    let mut entries = Vec::new();
    if client.actor.role == Role::VcsePartner {
        let statuses: Vec<&str> = param("status").into_iter().flat_map(|s| s.split(',')).map(str::trim).filter(|s| !s.is_empty()).collect();
        let ids = param("_id");
        let part_of = param("part-of");
        // A partner's Tasks have no focus it may read: a search by focus matches none of them.
        let by_focus = !param("focus").is_empty();
        for task in partner_tasks(&*state.store, &client.actor, &client.audit(), &base).await? {
            let status_matches = statuses.is_empty() || statuses.contains(&task["status"].as_str().unwrap_or_default());
            let id_matches = ids.is_empty() || ids.contains(&task["id"].as_str().unwrap_or_default());
            let parent = task["partOf"][0]["reference"].as_str().unwrap_or_default();
            let part_of_matches = part_of.is_empty() || part_of.iter().any(|p| !parent.is_empty() && p.ends_with(parent));
            if status_matches && id_matches && part_of_matches && !by_focus {
                entries.push(search_entry(&base, task, "match"));
            }
        }
    } else {
        if !client.actor.role.reads_referral_records() {
            return Err(WebError::Forbidden.into());
        }
        let part_of: Vec<Option<&str>> = param("part-of").into_iter().map(|f| f.rsplit_once("Task/").map(|(_, id)| id)).collect();
        let focus: Vec<Option<&str>> = param("focus").into_iter().map(|f| f.rsplit_once("ServiceRequest/").map(|(_, id)| id)).collect();
        let ids: Vec<Option<&str>> = param("_id").into_iter().map(Some).chain(focus).collect();
        let (criteria, onward) = match (ids.is_empty(), part_of.is_empty()) {
            (false, true) => (ids, false),
            (true, false) => (part_of, true),
            (true, true) => return Err(FhirError::BadRequest("Search for a referral's Task with focus=ServiceRequest/{id} or _id={id}, or for its onward referrals' Tasks with part-of=Task/{id}".into())),
            (false, false) => return Err(FhirError::BadRequest("Search with part-of alone, or with focus or _id".into())),
        };
        // Every criterion must name the same referral (a reference to another type matches nothing).
        let first = criteria[0];
        let id = first.filter(|id| !id.is_empty() && criteria.iter().all(|other| *other == first));
        if let Some(id) = id {
            match load(&*state.store, &client.actor, &client.audit(), &ReferralId::from(id.to_string())).await {
                Ok(loaded) if onward => entries.extend(referral_onward_tasks(&client.actor, &loaded, &base).into_iter().map(|t| search_entry(&base, t, "match"))),
                Ok(loaded) => {
                    entries.push(search_entry(&base, resources::task(&loaded.ctx(&base), PatientLink::Identifier), "match"));
                    if param("_include").contains(&"Task:focus") {
                        entries.push(search_entry(&base, resources::service_request(&loaded.ctx(&base), PatientLink::Contained), "include"));
                    }
                }
                Err(AppError::NotFound) => {}
                Err(other) => return Err(other.into()),
            }
        }
    }
    let total = entries.iter().filter(|e| e["search"]["mode"] == "match").count();
    let query = raw.map(|q| format!("?{q}")).unwrap_or_default();
    let mut bundle = json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{ "relation": "self", "url": format!("{base}/fhir/Task{query}") }],
    });
    // FHIR JSON has no empty arrays: a search that matched nothing has no `entry`.
    if !entries.is_empty() {
        bundle["entry"] = json!(entries);
    }
    Ok(fhir_response(StatusCode::OK, &bundle))
}

fn search_entry(base: &str, resource: Value, mode: &str) -> Value {
    let mut e = entry(base, resource);
    e["search"] = json!({ "mode": mode });
    e
}

/// What a partner's system asks by the Task it puts: the partner portal's action, with the
/// decline reason and the day, as the portal's form would send them. `None`: nothing to change
/// (the Task already says what it says).
fn requested_change(task: &Value, id: &str, now: OnwardStatus, base: &str) -> Result<Option<Fields>, Vec<Issue>> {
    let str_at = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    if str_at(task, "resourceType").as_deref() != Some("Task") {
        return Err(vec![Issue::invalid("Task", "Send the Task resource (resourceType \"Task\")")]);
    }
    if str_at(task, "id").as_deref() != Some(id) {
        return Err(vec![Issue::invalid("Task.id", format!("The Task's id must be the id in the address, {id}"))]);
    }
    let own_code = |concept: Option<&Value>, system: OwnCodeSystem| {
        let codings = concept.and_then(|c| c.get("coding")).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        codings.iter().find(|c| c.get("system").and_then(Value::as_str) == Some(system.url(base).as_str())).and_then(|c| str_at(c, "code"))
    };
    let status = str_at(task, "status").unwrap_or_default();
    let business = own_code(task.get("businessStatus"), OwnCodeSystem::OnwardStatus);
    let action = match status.as_str() {
        "requested" | "received" if now == OnwardStatus::Sent => return Ok(None),
        "accepted" => "accept",
        "rejected" => "decline",
        "in-progress" if business.as_deref() == Some("attended") => "attended",
        "in-progress" => "started",
        "completed" => "completed",
        "cancelled" | "failed" => "dropped_out",
        other => {
            return Err(vec![Issue::invalid(
                "Task.status",
                format!("An onward referral's Task moves to accepted, rejected (with statusReason), in-progress (businessStatus attended once the person has attended), completed or cancelled, not \"{other}\""),
            )])
        }
    };
    // Putting the Task as it is changes nothing (a PUT sent twice).
    let target = resources::onward_task_status(now);
    let same_business = business.is_none() || business.as_deref() == Some(now.code());
    if target == status && same_business && !(now == OnwardStatus::Started && action == "attended") {
        return Ok(None);
    }
    let mut fields = Fields::from_pairs(vec![("action".into(), action.into())]);
    if action == "decline" {
        let reason = own_code(task.get("statusReason"), OwnCodeSystem::OnwardDeclineReason);
        let text = task.get("statusReason").and_then(|r| str_at(r, "text")).filter(|t| !t.trim().is_empty());
        let reason = match (reason, text) {
            (Some(code), _) => code,
            (None, Some(_)) => OnwardDeclineReason::Other.code().to_owned(),
            (None, None) => {
                return Err(vec![Issue::invalid("Task.statusReason", format!("Say why the referral cannot be taken: statusReason with a code of {}, or text", OwnCodeSystem::OnwardDeclineReason.url(base)))])
            }
        };
        fields.set("decline_reason", &reason);
    }
    if let Some(on) = str_at(task, "lastModified") {
        fields.set("happened_on", on.split('T').next().unwrap_or_default());
    }
    Ok(Some(fields))
}

/// Where a form field of the partner's answer is in the Task.
fn task_path(field: &str) -> &'static str {
    match field {
        "decline_reason" => "Task.statusReason",
        "happened_on" => "Task.lastModified",
        _ => "Task.status",
    }
}

/// `PUT /fhir/Task/{id}`: a partner organisation's system moves its onward referral's Task. 200
/// with the Task as it now is; 409 when the lifecycle does not allow the move (or someone moved
/// it first); 422 with every problem. The link worker is told, as from the partner portal.
pub async fn update_task(State(state): State<AppState>, FhirClient(client): FhirClient, BaseUrl(base): BaseUrl, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Result<Response, FhirError> {
    if client.actor.role != Role::VcsePartner {
        // The service moves its referrals in Linkwork itself; its Tasks are read-only here.
        return Err(WebError::Forbidden.into());
    }
    let onward_id = OnwardId::from(id.clone());
    let current = linkwork_app::access::partner_referral(&*state.store, &client.actor, &onward_id).await?;
    let task = json_body(&headers, &body, "a Task resource")?;
    let change = requested_change(&task, &id, current.onward.status, &base).map_err(FhirError::Invalid)?;
    if let Some(fields) = change {
        linkwork_app::partner::partner_respond(&*state.store, &client.actor, &client.audit(), &onward_id, &fields).await.map_err(|e| match e {
            AppError::Invalid(problems) => FhirError::Invalid(problems.into_iter().map(|p| Issue::invalid(task_path(&p.field), p.message)).collect()),
            other => other.into(),
        })?;
    }
    Ok(fhir_response(StatusCode::OK, &onward_task(&*state.store, &client.actor, &client.audit(), &onward_id, &base).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://spl.example.nhs.uk";

    fn task(status: &str) -> Value {
        json!({ "resourceType": "Task", "id": "o-1", "status": status })
    }

    fn action(task: &Value, now: OnwardStatus) -> Option<String> {
        requested_change(task, "o-1", now, BASE).unwrap().map(|f| f.get("action").to_owned())
    }

    #[test]
    fn each_task_status_is_the_partner_portals_action() {
        assert_eq!(action(&task("accepted"), OnwardStatus::Sent).as_deref(), Some("accept"));
        assert_eq!(action(&task("in-progress"), OnwardStatus::Accepted).as_deref(), Some("started"));
        let attended = json!({ "resourceType": "Task", "id": "o-1", "status": "in-progress", "businessStatus": { "coding": [{ "system": OwnCodeSystem::OnwardStatus.url(BASE), "code": "attended" }] } });
        assert_eq!(action(&attended, OnwardStatus::Started).as_deref(), Some("attended"));
        assert_eq!(action(&task("completed"), OnwardStatus::Attended).as_deref(), Some("completed"));
        assert_eq!(action(&task("cancelled"), OnwardStatus::Started).as_deref(), Some("dropped_out"));
    }

    #[test]
    fn putting_the_task_as_it_is_changes_nothing() {
        assert_eq!(action(&task("accepted"), OnwardStatus::Accepted), None);
        assert_eq!(action(&task("requested"), OnwardStatus::Sent), None);
    }

    #[test]
    fn a_rejection_needs_a_reason_coded_or_in_words() {
        let issues = requested_change(&task("rejected"), "o-1", OnwardStatus::Sent, BASE).unwrap_err();
        assert_eq!(issues[0].expression.as_deref(), Some("Task.statusReason"));
        let coded = json!({ "resourceType": "Task", "id": "o-1", "status": "rejected", "statusReason": { "coding": [{ "system": OwnCodeSystem::OnwardDeclineReason.url(BASE), "code": "no_capacity" }] } });
        assert_eq!(requested_change(&coded, "o-1", OnwardStatus::Sent, BASE).unwrap().unwrap().get("decline_reason"), "no_capacity");
        let words = json!({ "resourceType": "Task", "id": "o-1", "status": "rejected", "statusReason": { "text": "Group full until March" } });
        assert_eq!(requested_change(&words, "o-1", OnwardStatus::Sent, BASE).unwrap().unwrap().get("decline_reason"), "other");
    }

    #[test]
    fn the_task_must_be_the_one_addressed() {
        let issues = requested_change(&task("accepted"), "o-2", OnwardStatus::Sent, BASE).unwrap_err();
        assert_eq!(issues[0].expression.as_deref(), Some("Task.id"));
        let issues = requested_change(&task("draft"), "o-1", OnwardStatus::Sent, BASE).unwrap_err();
        assert_eq!(issues[0].expression.as_deref(), Some("Task.status"));
    }
}
