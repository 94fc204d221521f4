//! The closed loop of onward referrals over HTTP, on SQLite and PostgreSQL: the whole lifecycle
//! through the partner's pages and the API, each change recorded with who and when, changes the
//! lifecycle does not allow refused with nothing written, the stuck and bounced prompts, in-app
//! notifications for the right people only, and e-mail delivered to a real SMTP peer on
//! 127.0.0.1 (a small SMTP sink written here with tokio) with no health details in it.

use crate::support;
#[path = "support/smtp_sink.rs"]
mod smtp_sink;

use linkwork_domain::access::Role;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::onward::OnwardStatus;
use linkwork_store::*;
use linkwork_web::notifier::{deliver_outbox, Mailer, NotifierSettings};
use reqwest::StatusCode;
use smtp_sink::{Received, SmtpSink};
use std::time::{Duration, Instant};
use support::*;

/// What the link worker writes to the service: a health detail that must never leave the app.
const NOTE: &str = "Low mood since her husband died; diabetic";
const REASON: &str = "Isolated after bereavement";



/// A referral recorded and accepted by `lw`; returns its id.
async fn accepted_referral(w: &World, lw: &Browser, n: u32, given: &str, family: &str) -> String {
    let nhs = nhs_number(n);
    let referred_on = (today() - time::Duration::days(30)).to_string();
    let fields = [
        ("nhs_number", nhs.as_str()),
        ("given_name", given),
        ("family_name", family),
        ("date_of_birth", "1950-02-03"),
        ("sex", "2"),
        ("ethnicity", "A"),
        ("postcode", "LS6 2AB"),
        ("mobile", "07700 900123"),
        ("practice_id", w.practice.as_str()),
        ("referred_on", referred_on.as_str()),
        ("source", "gp_practice"),
        ("referrer_name", "Dr Shah"),
        ("consent", "yes"),
        ("reason", REASON),
        ("needs", "loneliness"),
    ];
    let (status, location, body) = lw.post("/referrals/new", "/referrals/new", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "new referral: {body}");
    let id = location.trim_start_matches("/referrals/").split('?').next().unwrap().to_owned();
    let (status, _, _) = lw.post(&format!("/referrals/{id}"), &format!("/referrals/{id}/accept"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    id
}

async fn user(w: &World, org: &str, email: &str) -> User {
    w.store.users(org, None).await.unwrap().into_iter().find(|u| u.email == email).unwrap()
}

async fn unread(w: &World, org: &str, email: &str) -> i64 {
    let u = user(w, org, email).await;
    w.store.unread_notifications(&u.id, org).await.unwrap()
}

async fn notifications_of(w: &World, org: &str, email: &str) -> Vec<Notification> {
    let u = user(w, org, email).await;
    w.store.notifications(&u.id, org, 100).await.unwrap()
}

async fn outbox_to(w: &World, address: &str) -> Vec<OutboxEmail> {
    w.store.outbox(false, 100, 1000).await.unwrap().into_iter().filter(|e| e.to_address == address).collect()
}

async fn onward_of(w: &World, referral_id: &str) -> Vec<LoopOnward> {
    w.store.referral_onward(referral_id).await.unwrap()
}

/// A second service, of the other VCSE organisation, for the referrals sent to two services.
async fn second_service(w: &World) -> String {
    w.store
        .create_service(&NewService { org_id: w.other_vcse.clone(), name: "Singing for the brain".into(), description: "A weekly choir".into(), needs: vec![NeedDomain::Loneliness], address: None, postcode: None, phone: None, email: None })
        .await
        .unwrap()
}

// Each test runs on SQLite and PostgreSQL, each time on a fresh world (`support::on_each_database`).

#[tokio::test]
async fn an_onward_referral_goes_through_its_lifecycle_on_the_partners_pages() {
    on_each_database(|w| async move { lifecycle_through_pages(&w).await }).await;
}

#[tokio::test]
async fn the_api_follows_the_lifecycle_and_refuses_what_it_does_not_allow() {
    on_each_database(|w| async move { api_lifecycle_and_refusals(&w).await }).await;
}

#[tokio::test]
async fn stuck_onward_referrals_are_prompted_and_bounced_ones_reported() {
    on_each_database(|w| async move { stuck_and_bounced(&w, &second_service(&w).await).await }).await;
}

/// The e-mails the three behaviours above queue are delivered to an SMTP peer, once each, with no
/// health details; a relay that is down is retried later; the background task delivers.
#[tokio::test]
async fn queued_emails_are_delivered_once_each_without_health_details() {
    let sink = SmtpSink::start().await;
    let sink = &sink;
    on_each_database(|w| async move {
        lifecycle_through_pages(&w).await;
        api_lifecycle_and_refusals(&w).await;
        stuck_and_bounced(&w, &second_service(&w).await).await;
        email_delivery(&w, sink).await;
    })
    .await;
}

/// sent → accepted → started → completed through the partner's pages, with the history and the
/// notifications each side sees.
async fn lifecycle_through_pages(w: &World) {
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let partner = Browser::login(&w.base, "partner@test.org").await;
    let other_partner = Browser::login(&w.base, "partner.other@test.org").await;
    let referral = accepted_referral(w, &lw, 1, "Pat", "Loopington").await;

    let (status, location, _) = lw.post(&format!("/referrals/{referral}/onward/new"), &format!("/referrals/{referral}/onward/new"), &[("service_id", w.service.as_str()), ("note", NOTE), ("share_consent", "yes")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("notice=onward"));
    let onward = onward_of(w, &referral).await.remove(0);
    assert_eq!(onward.status, OnwardStatus::Sent);
    let detail = format!("/partner/referrals/{}", onward.onward_id);

    // The provider's staff are told (in the app, and an e-mail waits in the outbox); nobody else.
    assert_eq!(unread(w, &w.vcse, "partner@test.org").await, 1);
    assert_eq!(unread(w, &w.other_vcse, "partner.other@test.org").await, 0);
    assert_eq!(unread(w, &w.pcn, "lw@test.org").await, 0);
    let (_, html) = partner.get("/partner/referrals").await;
    assert!(html.contains(r#"<span class="lw-count">1<span class="nhsuk-u-visually-hidden"> unread</span></span>"#), "header count");
    let (status, html) = partner.get("/notifications").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("New referral to Tuesday walks") && html.contains(&detail));
    assert!(!other_partner.get("/notifications").await.1.contains("Tuesday walks"));
    let mails = outbox_to(w, "partner@test.org").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].link.as_deref(), Some(detail.as_str()));
    assert!(outbox_to(w, "partner.other@test.org").await.is_empty());

    // Another organisation's partner cannot see or answer it.
    assert_eq!(other_partner.get(&detail).await.0, StatusCode::NOT_FOUND);
    // A decline needs its reason; nothing is written without one.
    let (status, _, body) = partner.post(&detail, &detail, &[("action", "decline")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Select why you cannot take this referral"));
    assert_eq!(w.store.onward_events(&onward.onward_id).await.unwrap().len(), 1);

    for (action, notice, subject) in [
        ("accept", "partner_accepted", "Tuesday walks accepted a referral"),
        ("started", "partner_started", "Started at Tuesday walks"),
        ("completed", "partner_completed", "Completed at Tuesday walks"),
    ] {
        let (status, location, _) = partner.post(&detail, &detail, &[("action", action)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{action}");
        assert!(location.ends_with(notice), "{location}");
        let latest = notifications_of(w, &w.pcn, "lw@test.org").await.remove(0);
        assert_eq!(latest.subject, subject);
        assert_eq!(latest.link, Some(format!("/referrals/{referral}")));
        assert!(latest.body.contains("for Pat") && !latest.body.contains("Loopington"), "{}", latest.body);
    }
    assert_eq!(unread(w, &w.pcn, "lw@test.org").await, 3);
    assert_eq!(unread(w, &w.pcn, "lw2@test.org").await, 0, "only the person's own link worker");
    assert_eq!(unread(w, &w.vcse, "partner@test.org").await, 1, "partners are not told of their own changes");
    assert_eq!(outbox_to(w, "lw@test.org").await.len(), 3);

    // Each change is recorded with who made it and when, in order.
    let lw_user = user(w, &w.pcn, "lw@test.org").await;
    let partner_user = user(w, &w.vcse, "partner@test.org").await;
    let events = w.store.onward_events(&onward.onward_id).await.unwrap();
    let steps: Vec<(Option<&str>, OnwardStatus)> = events.iter().map(|e| (e.from_status.as_deref(), e.to_status)).collect();
    assert_eq!(
        steps,
        [(None, OnwardStatus::Sent), (Some("sent"), OnwardStatus::Accepted), (Some("accepted"), OnwardStatus::Started), (Some("started"), OnwardStatus::Completed)]
    );
    assert_eq!(events[0].user_id.as_deref(), Some(lw_user.id.as_str()));
    assert_eq!(events[0].org_id.as_deref(), Some(w.pcn.as_str()));
    assert!(events[1..].iter().all(|e| e.user_id.as_deref() == Some(partner_user.id.as_str()) && e.org_id.as_deref() == Some(w.vcse.as_str())));
    assert!(events.windows(2).all(|p| p[0].at <= p[1].at));
    let now = time::OffsetDateTime::now_utc();
    assert!(events.iter().all(|e| e.happened_on == today() && (now - e.at).whole_minutes() < 5));
    let completed = onward_of(w, &referral).await.remove(0);
    assert_eq!(completed.status, OnwardStatus::Completed);

    // A change the lifecycle does not allow is refused (409) and writes nothing.
    let audits = w.store.count_audit_events("onward.started").await.unwrap();
    let outbox = w.store.outbox(false, 100, 1000).await.unwrap().len();
    for action in ["started", "accept", "dropped_out", "completed"] {
        let (status, _, _) = partner.post(&detail, &detail, &[("action", action)]).await;
        assert_eq!(status, StatusCode::CONFLICT, "{action} after completed");
    }
    assert_eq!(w.store.onward_events(&onward.onward_id).await.unwrap().len(), 4);
    assert_eq!(w.store.count_audit_events("onward.started").await.unwrap(), audits);
    assert_eq!(w.store.outbox(false, 100, 1000).await.unwrap().len(), outbox);
    assert_eq!(unread(w, &w.pcn, "lw@test.org").await, 3);

    // Both sides see the history.
    let (_, html) = partner.get(&detail).await;
    assert!(html.contains("History") && html.contains("Completed") && html.contains("lw@test.org (Test PCN)") && html.contains("partner@test.org (Walk &#38; Talk &#60;CIC&#62;)"));
    assert!(!html.contains("Mark as"), "nothing more to do once completed");
    let (_, html) = lw.get(&format!("/referrals/{referral}")).await;
    assert!(html.contains(&format!(r#"id="onward-{}""#, onward.onward_id)) && html.contains("History of the referral to Tuesday walks"));
    assert!(html.contains("lw-status--started") && html.contains("lw-status--completed"));

    // The link worker reads their notifications: one, then the rest.
    let (status, html) = lw.get("/notifications").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Completed at Tuesday walks"));
    let first = notifications_of(w, &w.pcn, "lw@test.org").await.remove(0);
    let (status, location, _) = lw.post("/notifications", "/notifications/read", &[("id", first.id.as_str())]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/notifications?notice=read"));
    assert_eq!(unread(w, &w.pcn, "lw@test.org").await, 2);
    // Someone else's notification id changes nothing.
    let partners = notifications_of(w, &w.vcse, "partner@test.org").await;
    lw.post("/notifications", "/notifications/read", &[("id", partners[0].id.as_str())]).await;
    assert_eq!(unread(w, &w.vcse, "partner@test.org").await, 1);
    lw.post("/notifications", "/notifications/read", &[]).await;
    assert_eq!(unread(w, &w.pcn, "lw@test.org").await, 0);
    assert!(!lw.get("/caseload").await.1.contains("lw-count"));
}

async fn token(w: &World, org: &str, role: Role) -> String {
    let secret = linkwork_app::accounts::new_api_token();
    w.store.create_api_token(&linkwork_app::accounts::hash_api_token(&secret), org, role, Some("test")).await.unwrap();
    secret
}

/// The loop through the API: refusals with nothing written, a decline with its reason recorded
/// against the token, and the histories.
async fn api_lifecycle_and_refusals(w: &World) {
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let referral = accepted_referral(w, &lw, 2, "Ann", "Apiworth").await;
    let http = reqwest::Client::new();
    let lw_token = token(w, &w.pcn, Role::LinkWorker).await;
    let partner_token = token(w, &w.vcse, Role::VcsePartner).await;
    let other_token = token(w, &w.other_vcse, Role::VcsePartner).await;
    let api = |path: &str| format!("{}/api{path}", w.base);

    let r = http.post(api(&format!("/referrals/{referral}/onward-referrals"))).bearer_auth(&lw_token).json(&serde_json::json!({ "service_id": w.service, "note": NOTE, "share_consent": "yes" })).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let onward: serde_json::Value = r.json().await.unwrap();
    let id = onward["id"].as_str().unwrap().to_owned();
    let answer = |token: &str, body: serde_json::Value| http.post(api(&format!("/partner/onward-referrals/{id}"))).bearer_auth(token.to_owned()).json(&body).send();

    let r = answer(&partner_token, serde_json::json!({ "action": "started" })).await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"], "conflict");
    assert_eq!(body["message"], "Accept the referral before marking it started");
    assert_eq!(answer(&partner_token, serde_json::json!({ "action": "finished" })).await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer(&partner_token, serde_json::json!({ "action": "decline" })).await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer(&other_token, serde_json::json!({ "action": "accept" })).await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(answer(&lw_token, serde_json::json!({ "action": "accept" })).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(w.store.onward_events(&id).await.unwrap().len(), 1, "refusals write nothing");

    let r = answer(&partner_token, serde_json::json!({ "action": "decline", "decline_reason": "person_declined" })).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["status"], "declined");
    assert_eq!(answer(&partner_token, serde_json::json!({ "action": "accept" })).await.unwrap().status(), StatusCode::CONFLICT);

    let r = http.get(api(&format!("/partner/onward-referrals/{id}/events"))).bearer_auth(&partner_token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let events: Vec<serde_json::Value> = r.json().await.unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!((events[1]["from_status"].as_str(), events[1]["to_status"].as_str(), events[1]["reason"].as_str()), (Some("sent"), Some("declined"), Some("person_declined")));
    assert!(events[1]["user_id"].is_null() && events[1]["token_id"].is_string() && events[1]["org_id"] == w.vcse.as_str());
    assert!(!events[1]["at"].is_null() && !events[1]["happened_on"].is_null());
    assert_eq!(http.get(api(&format!("/partner/onward-referrals/{id}/events"))).bearer_auth(&other_token).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let r = http.get(api(&format!("/referrals/{referral}/onward-events"))).bearer_auth(&lw_token).send().await.unwrap();
    assert_eq!(r.json::<Vec<serde_json::Value>>().await.unwrap().len(), 2);
    assert_eq!(http.get(api(&format!("/referrals/{referral}/onward-events"))).bearer_auth(&partner_token).send().await.unwrap().status(), StatusCode::FORBIDDEN);

    // The link worker heard, with the reason and no health details.
    let latest = notifications_of(w, &w.pcn, "lw@test.org").await.remove(0);
    assert_eq!(latest.body, "Tuesday walks declined the referral for Ann (reason: person declined).");
    let spec: serde_json::Value = http.get(api("/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(spec["paths"]["/api/onward/attention"].is_object() && spec["paths"]["/api/partner/onward-referrals/{id}/events"].is_object());
}

/// A referral unanswered for 15 days is stuck (the service reminded, the link worker told, once
/// each); a person declined by two services is bounced.
async fn stuck_and_bounced(w: &World, second_service: &str) {
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let referral = accepted_referral(w, &lw, 3, "Sam", "Stuckley").await;
    let lw_user = user(w, &w.pcn, "lw@test.org").await;
    let who = AuditActor { user_id: Some(lw_user.id.clone()), token_id: None, org_id: Some(w.pcn.clone()) };
    let stuck_id = w.store.create_onward(&who, &referral, &w.service, today() - time::Duration::days(15), Some(NOTE)).await.unwrap();
    let waiting_id = w.store.create_onward(&who, &referral, second_service, today() - time::Duration::days(8), None).await.unwrap();

    let created = linkwork_app::onward_loop::send_due_prompts(&*w.store, today()).await.unwrap();
    assert_eq!(created, 3, "a reminder for each, and stuck for the older one");
    assert_eq!(linkwork_app::onward_loop::send_due_prompts(&*w.store, today()).await.unwrap(), 0, "each prompt once");
    assert_eq!(linkwork_app::onward_loop::send_due_prompts(&*w.store, today() + time::Duration::days(1)).await.unwrap(), 0, "nothing new tomorrow");
    let stuck = notifications_of(w, &w.pcn, "lw@test.org").await.into_iter().filter(|n| n.kind == "onward.stuck").collect::<Vec<_>>();
    assert_eq!(stuck.len(), 1);
    assert_eq!(stuck[0].subject, "No answer from Tuesday walks after 15 days");
    assert!(stuck[0].body.contains("for Sam") && !stuck[0].body.contains("Stuckley"));
    let reminders = |n: Vec<Notification>| n.into_iter().filter(|n| n.kind == "onward.reminder").count();
    assert_eq!(reminders(notifications_of(w, &w.vcse, "partner@test.org").await), 1);
    assert_eq!(reminders(notifications_of(w, &w.other_vcse, "partner.other@test.org").await), 1);
    assert_eq!(reminders(notifications_of(w, &w.pcn, "lw@test.org").await), 0);
    assert!(outbox_to(w, "lw@test.org").await.iter().any(|e| e.subject == "No answer from Tuesday walks after 15 days"));
    assert_eq!(linkwork_app::onward_loop::send_due_prompts(&*w.store, today() + time::Duration::days(6)).await.unwrap(), 1, "the second is stuck at 14 days");
    assert!(notifications_of(w, &w.pcn, "lw@test.org").await.iter().any(|n| n.subject == "No answer from Singing for the brain after 14 days"));

    // The record and the attention page show it; to this link worker and the manager only.
    let (_, html) = lw.get(&format!("/referrals/{referral}")).await;
    assert!(html.contains("Onward referrals need attention") && html.contains("No answer from Tuesday walks</strong>"));
    assert!(!html.contains("has been declined by"));
    let (status, html) = lw.get("/onward/attention").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Sam Stuckley") && html.contains("15 days") && !html.contains("Singing for the brain (Other Charity)"));
    assert!(html.contains(r#"href="/onward/attention" aria-current="page""#), "in the menu");
    let manager = Browser::login(&w.base, "manager@test.org").await;
    assert!(manager.get("/onward/attention").await.1.contains("Sam Stuckley"));
    let lw2 = Browser::login(&w.base, "lw2@test.org").await;
    assert!(!lw2.get("/onward/attention").await.1.contains("Sam Stuckley"), "another link worker's person");
    let elsewhere = Browser::login(&w.base, "lw.other@test.org").await;
    assert!(!elsewhere.get("/onward/attention").await.1.contains("Sam Stuckley"));
    assert_eq!(Browser::login(&w.base, "partner@test.org").await.get("/onward/attention").await.0, StatusCode::FORBIDDEN);

    // Both services decline: Sam is bounced, and the link worker is told so.
    let partner = Browser::login(&w.base, "partner@test.org").await;
    let detail = format!("/partner/referrals/{stuck_id}");
    let (status, location, _) = partner.post(&detail, &detail, &[("action", "decline"), ("decline_reason", "not_eligible")]).await;
    assert_eq!((status, location.ends_with("partner_declined")), (StatusCode::SEE_OTHER, true));
    let other = Browser::login(&w.base, "partner.other@test.org").await;
    let detail = format!("/partner/referrals/{waiting_id}");
    other.post(&detail, &detail, &[("action", "decline"), ("decline_reason", "no_capacity")]).await;
    let latest = notifications_of(w, &w.pcn, "lw@test.org").await.remove(0);
    assert_eq!(latest.subject, "Singing for the brain declined a referral");
    assert!(latest.body.contains("2 services have now declined this person"), "{}", latest.body);
    let (_, html) = lw.get(&format!("/referrals/{referral}")).await;
    assert!(html.contains("Sam has been declined by 2 services") && !html.contains("No answer from Tuesday walks</strong>"));
    let (_, html) = lw.get("/onward/attention").await;
    assert!(html.contains("No onward referral is waiting longer than 14 days"));
    assert!(html.contains("Tuesday walks (not eligible for this service)") && html.contains("Singing for the brain (no capacity)"));
    let attention: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/onward/attention", w.base))
        .bearer_auth(token(w, &w.pcn, Role::Manager).await)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(attention["stuck"].as_array().unwrap().len(), 0);
    assert!(attention["bounced"].as_array().unwrap().iter().any(|b| b["referral_id"] == referral.as_str()));
    // Answered referrals are prompted no more.
    assert_eq!(linkwork_app::onward_loop::send_due_prompts(&*w.store, today() + time::Duration::days(30)).await.unwrap(), 0);
}

/// The outbox goes to a real SMTP peer; failures are retried later; nothing in a message is a
/// health detail; and the background task delivers within its polling interval.
async fn email_delivery(w: &World, sink: &SmtpSink) {
    sink.take();
    let settings = |smtp: String| NotifierSettings { smtp_url: Some(smtp), public_url: w.base.clone(), ..Default::default() };
    let mailer = Mailer::new(&settings(sink.url())).unwrap().unwrap();
    let pending = w.store.outbox(true, 8, 1000).await.unwrap();
    assert!(pending.len() >= 10, "e-mails from the tests before: {}", pending.len());
    let done = deliver_outbox(&*w.store, &mailer).await.unwrap();
    assert_eq!((done.sent, done.failed), (pending.len(), 0));
    assert_eq!(deliver_outbox(&*w.store, &mailer).await.unwrap().sent, 0, "each e-mail once");
    assert!(w.store.outbox(false, 8, 1000).await.unwrap().iter().all(|e| e.sent_at.is_some() && e.attempts == 1));

    let received = sink.take();
    assert_eq!(received.len(), pending.len());
    for e in &pending {
        assert!(received.iter().any(|m| m.rcpt == [e.to_address.clone()] && m.text().contains(&e.subject)), "{} to {}", e.subject, e.to_address);
    }
    for m in &received {
        let text = m.text();
        for secret in [NOTE, REASON, "Loopington", "Apiworth", "Stuckley", "Loneliness", "loneliness", "LS6 2AB", "Dr Shah"] {
            assert!(!text.contains(secret), "{secret:?} in an e-mail:\n{text}");
        }
        for n in 1..=3 {
            assert!(!text.contains(&nhs_number(n)));
        }
        assert_eq!(m.from, "linkwork@localhost");
    }
    let to_partner: Vec<&Received> = received.iter().filter(|m| m.rcpt == ["partner@test.org"]).collect();
    let first = to_partner.iter().find(|m| m.text().contains("Subject: New referral to Tuesday walks")).expect("the new-referral e-mail");
    assert!(first.text().contains(&format!("{}/partner/referrals/", w.base)) && first.text().contains("To: partner@test.org"));
    assert!(!received.iter().any(|m| m.rcpt == ["partner.other@test.org"] && m.text().contains("Tuesday walks")), "no e-mail about another organisation's referral");

    // A relay that is down: the attempt is counted and retried later, not at once.
    let lw_user = user(w, &w.pcn, "lw@test.org").await;
    let note = NewNotification { recipient: Recipient::User { user_id: lw_user.id.clone(), org_id: w.pcn.clone() }, kind: "test".into(), subject: "Retry me".into(), body: "Body".into(), link: None, dedup_key: None };
    assert!(w.store.notify(&note).await.unwrap());
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_url = format!("smtp://{}", closed.local_addr().unwrap());
    drop(closed);
    let down = Mailer::new(&settings(dead_url)).unwrap().unwrap();
    assert_eq!(deliver_outbox(&*w.store, &down).await.unwrap().failed, 1);
    let failed = w.store.outbox(true, 8, 10).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attempts, 1);
    assert!(failed[0].last_error.is_some() && failed[0].next_attempt_at > time::OffsetDateTime::now_utc() + time::Duration::seconds(20));
    assert_eq!(deliver_outbox(&*w.store, &mailer).await.unwrap().sent, 0, "waits for its retry time");
    w.store.email_sent(&failed[0].id, time::OffsetDateTime::now_utc()).await.unwrap();

    // The background task: measure from the partner's click to the message at the SMTP peer.
    let task = linkwork_web::notifier::spawn(
        w.store.clone(),
        NotifierSettings { smtp_url: Some(sink.url()), public_url: w.base.clone(), poll_every: Duration::from_millis(100), ..Default::default() },
    )
    .unwrap();
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let partner = Browser::login(&w.base, "partner@test.org").await;
    let referral = accepted_referral(w, &lw, 4, "Kim", "Latency").await;
    lw.post(&format!("/referrals/{referral}/onward/new"), &format!("/referrals/{referral}/onward/new"), &[("service_id", w.service.as_str()), ("note", NOTE), ("share_consent", "yes")]).await;
    let id = onward_of(w, &referral).await.remove(0).onward_id;
    sink.wait_for(1, Duration::from_secs(10)).await;
    sink.take();
    let detail = format!("/partner/referrals/{id}");
    let mut latencies = Vec::new();
    for action in ["accept", "started", "attended", "completed"] {
        let (_, html) = partner.get(&detail).await;
        let csrf = csrf_in(&html);
        let clicked = Instant::now();
        let r = partner.http.post(format!("{}{detail}", w.base)).header(reqwest::header::COOKIE, &partner.cookie).form(&[("csrf_token", csrf.as_str()), ("action", action)]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let m = sink.wait_for(1, Duration::from_secs(10)).await.remove(0);
        latencies.push(m.at.duration_since(clicked));
        assert_eq!(m.rcpt, ["lw@test.org"]);
    }
    task.abort();
    let ms: Vec<u128> = latencies.iter().map(|d| d.as_millis()).collect();
    eprintln!("outbox delivery latency, click to SMTP peer, polling every 100 ms ({}): {ms:?} ms", w.store.backend());
    assert!(latencies.iter().all(|d| *d < Duration::from_secs(5)));
}
