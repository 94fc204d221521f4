//! Onward referrals as Tasks (issue 16; the HL7 Gravity SDOH closed loop): each of a referral's
//! onward referrals to a community service is a Task `partOf` the referral's Task, owned by the
//! community organisation, whose system reads its Tasks and moves them from sent to completed —
//! the same loop as the partner portal, which the link worker's page shows. The real application,
//! on SQLite and PostgreSQL.

use crate::fhir::{on_each, received, World};
use linkwork_domain::casework::referral::ReferralStatus;
use linkwork_store::{AuditActor, ReferralChange};
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde_json::{json, Value};
use time::macros::date;

/// A referral received over FHIR, accepted, with an onward referral to the partner's walking
/// group sent on 5 November: (referral id, onward id).
async fn referred_on(w: &World) -> (String, String) {
    let id = received(w).await;
    let who = AuditActor::default();
    w.store.change_referral(&who, &id, ReferralStatus::Received, &ReferralChange::Accept { on: date!(2026 - 11 - 03), worker_id: None }).await.unwrap();
    let onward = w.store.create_onward(&who, &id, &w.service, date!(2026 - 11 - 05), Some("Prefers mornings")).await.unwrap();
    (id, onward)
}

impl World {
    /// The partner's system puts its Task back with `status` (and more): the answer.
    async fn put_task(&self, token: &str, onward: &str, status: &str, more: Value) -> (StatusCode, Value) {
        let mut task = json!({ "resourceType": "Task", "id": onward, "status": status, "intent": "order" });
        for (k, v) in more.as_object().cloned().unwrap_or_default() {
            task[k] = v;
        }
        let r = self.http.put(format!("{}/fhir/Task/{onward}", self.base)).bearer_auth(token).header(CONTENT_TYPE, "application/fhir+json").body(task.to_string()).send().await.unwrap();
        (r.status(), r.json().await.unwrap())
    }
}

/// The link worker finds a referral's onward referrals as its sub-Tasks, requested of the
/// community organisation.
#[tokio::test]
async fn a_referrals_onward_referrals_are_tasks_part_of_its_task() {
    on_each(|w| async move {
        let (id, onward) = referred_on(&w).await;
        let (status, bundle) = w.get_json(&w.lw, &format!("/fhir/Task?part-of=Task/{id}")).await;
        assert_eq!((status, bundle["total"].as_u64()), (StatusCode::OK, Some(1)), "{bundle}");
        let task = &bundle["entry"][0]["resource"];
        w.sample("onward-task-service", task);
        assert_eq!(task["id"], onward.as_str());
        assert_eq!(task["status"], "requested");
        assert_eq!(task["partOf"][0]["reference"], format!("Task/{id}"));
        assert_eq!(task["focus"]["reference"], format!("ServiceRequest/{id}"));
        assert_eq!(task["for"]["identifier"]["value"], "9434765919");
        assert!(task["owner"]["display"].is_string());
    })
    .await;
}

/// The partner organisation's system lists the Tasks asked of it; it sees the person by name
/// only (no NHS number), as in the partner portal.
#[tokio::test]
async fn a_partners_system_finds_the_tasks_asked_of_it() {
    on_each(|w| async move {
        let (_, onward) = referred_on(&w).await;
        let (status, bundle) = w.get_json(&w.partner, "/fhir/Task?status=requested").await;
        assert_eq!((status, bundle["total"].as_u64()), (StatusCode::OK, Some(1)), "{bundle}");
        let task = &bundle["entry"][0]["resource"];
        w.sample("onward-task-partner", task);
        assert_eq!(task["id"], onward.as_str());
        assert!(task["for"]["display"].is_string());
        assert!(!bundle.to_string().contains("9434765919"), "a partner never sees the NHS number");
        let (_, none) = w.get_json(&w.partner, "/fhir/Task?status=completed").await;
        assert_eq!(none["total"], 0);
        let (status, _) = w.get_json(&w.partner, &format!("/fhir/Task/{onward}")).await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
}

/// The partner's system drives the onward referral from sent to completed through its Task; the
/// link worker's page shows each step as the portal's answers would.
#[tokio::test]
async fn a_partners_system_moves_its_task_from_requested_to_completed() {
    on_each(|w| async move {
        let (id, onward) = referred_on(&w).await;
        let (status, task) = w.put_task(&w.partner, &onward, "accepted", json!({ "lastModified": "2026-11-06" })).await;
        assert_eq!((status, task["status"].as_str()), (StatusCode::OK, Some("accepted")), "{task}");
        let (_, task) = w.put_task(&w.partner, &onward, "in-progress", json!({})).await;
        assert_eq!(task["businessStatus"]["coding"][0]["code"], "started");
        let attended = json!({ "businessStatus": { "coding": [{ "system": format!("{}/fhir/CodeSystem/onward-status", w.base), "code": "attended" }] } });
        let (_, task) = w.put_task(&w.partner, &onward, "in-progress", attended).await;
        assert_eq!((task["status"].as_str(), task["businessStatus"]["coding"][0]["code"].as_str()), (Some("in-progress"), Some("attended")));
        let (status, task) = w.put_task(&w.partner, &onward, "completed", json!({})).await;
        assert_eq!((status, task["status"].as_str()), (StatusCode::OK, Some("completed")));
        w.sample("onward-task-completed", &task);
        let record = w.store.referral_record(&AuditActor::default(), &id).await.unwrap().unwrap();
        assert_eq!(record.onward[0].status.code(), "completed");
        let b = crate::support::Browser::login(&w.base, "lw@test.org").await;
        let (_, page) = b.get(&format!("/referrals/{id}")).await;
        assert!(page.contains("lw-status--completed"), "the link worker's page shows the onward referral completed");
        // Putting the Task as it is changes nothing; a move the lifecycle does not allow is a conflict.
        let (status, _) = w.put_task(&w.partner, &onward, "completed", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, outcome) = w.put_task(&w.partner, &onward, "accepted", json!({})).await;
        assert_eq!((status, outcome["resourceType"].as_str()), (StatusCode::CONFLICT, Some("OperationOutcome")));
    })
    .await;
}

/// Rejecting asks for a reason, coded in Linkwork's onward-decline-reason system or in words.
#[tokio::test]
async fn a_partner_rejects_a_task_with_its_reason() {
    on_each(|w| async move {
        let (id, onward) = referred_on(&w).await;
        let (status, outcome) = w.put_task(&w.partner, &onward, "rejected", json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(outcome["issue"][0]["expression"][0], "Task.statusReason");
        let reason = json!({ "statusReason": { "coding": [{ "system": format!("{}/fhir/CodeSystem/onward-decline-reason", w.base), "code": "no_capacity" }] } });
        let (status, task) = w.put_task(&w.partner, &onward, "rejected", reason).await;
        assert_eq!((status, task["status"].as_str()), (StatusCode::OK, Some("rejected")));
        assert_eq!(task["statusReason"]["text"], "No capacity");
        let record = w.store.referral_record(&AuditActor::default(), &id).await.unwrap().unwrap();
        assert_eq!(record.onward[0].decline_reason.as_deref(), Some("no_capacity"));
    })
    .await;
}

/// Only the owning partner moves a Task: the service's own token may not, and another
/// organisation's referral or Task is not found.
#[tokio::test]
async fn only_the_owning_partner_moves_a_task() {
    on_each(|w| async move {
        let (id, onward) = referred_on(&w).await;
        let (status, _) = w.put_task(&w.lw, &onward, "accepted", json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = w.put_task(&w.partner, &id, "accepted", json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a referral's own Task is not the partner's");
        let (status, _) = w.get_json(&w.partner, &format!("/fhir/Task/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = w.get_json(&w.other_lw, &format!("/fhir/Task/{onward}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}
