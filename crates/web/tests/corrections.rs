//! Issue 12, "one click, no way back" and "urgency": over HTTP, on SQLite and PostgreSQL.
//! Declining (a referral, an incoming referral) and merging ask first and say what will happen;
//! only Confirm acts. A declined referral is reopened within 30 days, with a reason, audited and
//! shown. A partner's change carries the day it happened and can be undone within a day, the
//! history keeping both. The caseload and "Measures due" use one rule and one wording, and a
//! day is never "1 days".

use crate::support;

use linkwork_domain::access::Role;
use linkwork_domain::onward::OnwardStatus;
use linkwork_domain::casework::referral::ReferralStatus;
use reqwest::StatusCode;
use serde_json::json;
use support::*;

fn days_ago(n: i64) -> time::Date {
    today() - time::Duration::days(n)
}

fn long(d: time::Date) -> String {
    linkwork_domain::format_date_long(d)
}

/// Runs SQL against the test database directly (to move a date into the past).
async fn raw(url: &str, sql: &str, binds: &[&str]) {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        let mut q = sqlx::query(sql);
        for b in binds {
            q = q.bind(*b);
        }
        q.execute(&mut sqlx::SqliteConnection::connect(url).await.unwrap()).await.unwrap();
    } else {
        // PostgreSQL does not cast text to date or timestamp implicitly: the SQL casts.
        let mut q = sqlx::query(sql);
        for b in binds {
            q = q.bind(*b);
        }
        q.execute(&mut sqlx::PgConnection::connect(url).await.unwrap()).await.unwrap();
    }
}

/// A referral made by the practice (so the practice follows its status); returns its id.
async fn practice_referral(w: &World, n: u32, referred_on: time::Date) -> String {
    let gp = Api::new(w, &w.practice, Role::PracticeStaff).await;
    let mut body = referral_json(&nhs_number(n), "Cee", "Surf", "1960-01-01", &w.practice);
    body["referred_on"] = json!(referred_on.to_string());
    let (status, created) = gp.post("/api/referrals", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn status_of(w: &World, id: &str) -> ReferralStatus {
    w.store.referral_header(id).await.unwrap().unwrap().status
}

async fn audit_actions(w: &World, referral_id: &str) -> Vec<String> {
    let person = w.store.referral_header(referral_id).await.unwrap().unwrap().person_id;
    w.store.audit_events(&person).await.unwrap().into_iter().map(|e| e.action).collect()
}

/// Declines through the confirmation page; returns the record's path.
async fn declined(w: &World, lw: &Browser, id: &str) -> String {
    let record = format!("/referrals/{id}");
    let (status, location, _) = lw.post(&record, &format!("{record}/decline"), &[("decline_reason", "not_eligible"), ("confirm", "yes")]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("{record}?notice=declined").as_str()));
    assert_eq!(status_of(w, id).await, ReferralStatus::Declined);
    record
}

// ---- declining, confirming, reopening ----

#[tokio::test]
async fn the_decline_reason_has_no_default_and_none_chosen_is_an_error() {
    on_each_database(|w| async move {
        let id = practice_referral(&w, 201, today()).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let record = format!("/referrals/{id}");
        let (_, html) = lw.get(&record).await;
        let doc = scraper::Html::parse_document(&html);
        let options: Vec<_> = doc.select(&scraper::Selector::parse("select#decline_reason option").unwrap()).collect();
        assert_eq!((options[0].value().attr("value"), options[0].text().collect::<String>().as_str()), (Some(""), "Select a reason"));
        assert!(options.iter().all(|o| o.value().attr("selected").is_none()), "no reason is chosen for the link worker");
        let (status, _, html) = lw.post(&record, &format!("{record}/decline"), &[("decline_reason", "")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Select why the referral is declined"), "{html}");
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Received);
    })
    .await;
}

#[tokio::test]
async fn declining_shows_what_will_happen_and_only_confirm_declines() {
    on_each_database(|w| async move {
        let id = practice_referral(&w, 202, today()).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let record = format!("/referrals/{id}");
        let (status, _, html) = lw.post(&record, &format!("{record}/decline"), &[("decline_reason", "person_declined")]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("What will happen") && html.contains("Cee leaves triage"), "{html}");
        assert!(html.contains("Test Surgery, who referred Cee, will see the referral as declined"), "who is told: {html}");
        assert!(html.contains("reopen the referral within 30 days"));
        assert!(html.contains(r#"<option value="person_declined" selected>"#), "the reason is kept: {html}");
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Received, "asking changes nothing");
        assert!(!audit_actions(&w, &id).await.contains(&"referral.decline".to_owned()));
        let (status, location, _) = lw.post(&record, &format!("{record}/decline"), &[("decline_reason", "person_declined"), ("confirm", "yes")]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("{record}?notice=declined").as_str()));
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Declined);
    })
    .await;
}

#[tokio::test]
async fn cancelling_a_decline_leaves_the_referral_in_triage() {
    on_each_database(|w| async move {
        let id = practice_referral(&w, 203, today()).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let record = format!("/referrals/{id}");
        let (_, _, html) = lw.post(&record, &format!("{record}/decline"), &[("decline_reason", "not_eligible")]).await;
        let doc = scraper::Html::parse_document(&html);
        let cancel = doc.select(&scraper::Selector::parse("main a").unwrap()).find(|a| a.text().collect::<String>().starts_with("Cancel")).expect("a Cancel link");
        assert_eq!(cancel.value().attr("href"), Some(record.as_str()));
        let (status, html) = lw.get(&record).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Triage") && html.contains("Accept referral"), "still in triage");
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Received);
    })
    .await;
}

#[tokio::test]
async fn a_declined_referral_is_reopened_with_a_reason_audited_and_shown() {
    on_each_database(|w| async move {
        let id = practice_referral(&w, 204, days_ago(3)).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let record = declined(&w, &lw, &id).await;
        let (_, html) = lw.get(&record).await;
        assert!(html.contains("Reopen referral") && html.contains(&long(days_ago(0) + time::Duration::days(30))), "{html}");
        let reopen = format!("{record}/reopen");
        let (status, html) = lw.get(&reopen).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("What will happen") && html.contains("goes back to triage"));
        let (status, _, html) = lw.post(&reopen, &reopen, &[("reopen_reason", "")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Enter why the referral is reopened"), "{html}");
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Declined);
        let (status, location, _) = lw.post(&reopen, &reopen, &[("reopen_reason", "Declined on the wrong record")]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("{record}?notice=reopened").as_str()));
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Received, "back to triage");
        let r = w.store.referral_record(&Default::default(), &id).await.unwrap().unwrap();
        assert_eq!((r.referral.declined_on, r.reopenings.len()), (None, 1));
        assert_eq!((r.reopenings[0].declined_on, r.reopenings[0].decline_reason.as_str(), r.reopenings[0].reason.as_str()), (today(), "not_eligible", "Declined on the wrong record"));
        assert!(audit_actions(&w, &id).await.contains(&"referral.reopen".to_owned()));
        let (_, html) = lw.get(&record).await;
        assert!(html.contains("Declines undone") && html.contains("Declined on the wrong record") && html.contains("Accept referral"), "{html}");
        let (_, timeline) = lw.get(&format!("/people/{}", r.person.id)).await;
        assert!(timeline.contains("Reopened") && timeline.contains("Declined on the wrong record"), "{timeline}");
        let triage = lw.get("/triage").await.1;
        assert!(triage.contains(&format!("/referrals/{id}")), "the person is back in triage");
    })
    .await;
}

#[tokio::test]
async fn reopening_is_refused_thirty_days_after_the_decline() {
    on_each_database(|w| async move {
        let id = practice_referral(&w, 205, days_ago(40)).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let record = declined(&w, &lw, &id).await;
        raw(&w.url, &format!("UPDATE referrals SET declined_on = '{}' WHERE id = $1", days_ago(31)), &[&id]).await;
        let (_, html) = lw.get(&record).await;
        assert!(!html.contains("Reopen referral"));
        let reopen = format!("{record}/reopen");
        assert_eq!(lw.get(&reopen).await.0, StatusCode::CONFLICT);
        let (status, _, html) = lw.post(&record, &reopen, &[("reopen_reason", "Too late")]).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(html.contains("more than 30 days ago"), "{html}");
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Declined);
    })
    .await;
}

#[tokio::test]
async fn only_the_services_link_workers_and_managers_reopen() {
    on_each_database(|w| async move {
        let id = practice_referral(&w, 206, today()).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let record = declined(&w, &lw, &id).await;
        let reopen = format!("{record}/reopen");
        let other = Browser::login(&w.base, "lw.other@test.org").await;
        let csrf_page = "/notifications";
        assert_eq!(other.post(csrf_page, &reopen, &[("reopen_reason", "Mine now")]).await.0, StatusCode::NOT_FOUND);
        let practice = Browser::login(&w.base, "practice@test.org").await;
        assert_eq!(practice.post(csrf_page, &reopen, &[("reopen_reason", "Please")]).await.0, StatusCode::FORBIDDEN);
        let manager = Browser::login(&w.base, "manager@test.org").await;
        assert_eq!(manager.post(&reopen, &reopen, &[("reopen_reason", "Declined by mistake")]).await.0, StatusCode::SEE_OTHER);
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Received);
    })
    .await;
}

#[tokio::test]
async fn merging_a_duplicate_asks_first_and_can_be_reopened() {
    on_each_database(|w| async move {
        let first = practice_referral(&w, 207, days_ago(2)).await;
        let lw_api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let mut again = referral_json(&nhs_number(207), "Cee", "Surf", "1960-01-01", &w.practice);
        again["confirm_duplicate"] = json!("yes");
        let (_, created) = lw_api.post("/api/referrals", again).await;
        let dup = created["id"].as_str().unwrap().to_owned();
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let record = format!("/referrals/{dup}");
        let (status, _, html) = lw.post(&record, &format!("{record}/merge"), &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("What will happen") && html.contains("declined as a duplicate") && html.contains("Merge into the open referral"), "{html}");
        assert_eq!(status_of(&w, &dup).await, ReferralStatus::Received, "asking changes nothing");
        let (status, location, _) = lw.post(&record, &format!("{record}/merge"), &[("confirm", "yes")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(location.starts_with(&format!("/referrals/{first}")));
        assert_eq!(status_of(&w, &dup).await, ReferralStatus::Declined);
        assert!(lw.get(&record).await.1.contains("Reopen referral"), "a merge made by mistake can be undone");
    })
    .await;
}

#[tokio::test]
async fn declining_an_incoming_referral_asks_first() {
    on_each_database(|w| async move {
        let partner = Api::new(&w, &w.vcse, Role::VcsePartner).await;
        let (status, body) = partner.post("/api/incoming-referrals", json!({"service_id": w.pcn, "given_name": "Ina", "family_name": "Coming", "phone": "0113 496 0000", "reason": "Isolated", "consent": "yes"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let incoming = w.store.pending_incoming(&w.pcn).await.unwrap()[0].id.clone();
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let page = format!("/incoming/{incoming}");
        let (status, _, html) = lw.post(&page, &format!("{page}/decline"), &[("decline_reason", "not_eligible")]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("What will happen") && html.contains("Ina leaves triage") && html.contains("will see the referral as declined"), "{html}");
        assert_eq!(w.store.pending_incoming(&w.pcn).await.unwrap().len(), 1, "asking changes nothing");
        let (status, location, _) = lw.post(&page, &format!("{page}/decline"), &[("decline_reason", "not_eligible"), ("confirm", "yes")]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/triage?notice=declined"));
        assert!(w.store.pending_incoming(&w.pcn).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_api_reopens_a_declined_referral() {
    on_each_database(|w| async move {
        let id = practice_referral(&w, 208, today()).await;
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        assert_eq!(lw.post(&format!("/api/referrals/{id}/decline"), json!({"decline_reason": "not_eligible"})).await.0, StatusCode::NO_CONTENT);
        let (status, body) = lw.post(&format!("/api/referrals/{id}/reopen"), json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["fields"][0]["field"], "reopen_reason", "{body}");
        assert_eq!(lw.post(&format!("/api/referrals/{id}/reopen"), json!({"reopen_reason": "Wrong person"})).await.0, StatusCode::NO_CONTENT);
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Received);
        assert_eq!(lw.post(&format!("/api/referrals/{id}/reopen"), json!({"reopen_reason": "Again"})).await.0, StatusCode::CONFLICT, "only a declined referral reopens");
    })
    .await;
}

// ---- a partner's changes: the day they happened, and undoing a mistake ----

/// An accepted referral with an onward referral to the partner's service sent `sent_days_ago`
/// days ago; returns (referral id, onward id).
async fn onward_sent(w: &World, n: u32, sent_days_ago: i64) -> (String, String) {
    let id = practice_referral(w, n, days_ago(sent_days_ago + 5)).await;
    let lw = Api::new(w, &w.pcn, Role::LinkWorker).await;
    assert_eq!(lw.post(&format!("/api/referrals/{id}/accept"), json!({})).await.0, StatusCode::NO_CONTENT);
    let (status, body) = lw.post(&format!("/api/referrals/{id}/onward-referrals"), json!({"service_id": w.service, "share_consent": "yes"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let onward = body["id"].as_str().unwrap().to_owned();
    let sent = days_ago(sent_days_ago).to_string();
    raw(&w.url, &format!("UPDATE onward_referrals SET sent_on = '{sent}' WHERE id = $1"), &[&onward]).await;
    raw(&w.url, &format!("UPDATE onward_events SET happened_on = '{sent}' WHERE onward_referral_id = $1"), &[&onward]).await;
    (id, onward)
}

/// The day boxes of `happened_on` for `d`.
fn date_fields(d: time::Date) -> [(&'static str, String); 3] {
    [("happened_on-day", d.day().to_string()), ("happened_on-month", (d.month() as u8).to_string()), ("happened_on-year", d.year().to_string())]
}

async fn answer(partner: &Browser, onward: &str, action: &str, on: time::Date) -> (StatusCode, String) {
    let page = format!("/partner/referrals/{onward}");
    let dates = date_fields(on);
    let mut fields: Vec<(&str, &str)> = vec![("action", action)];
    fields.extend(dates.iter().map(|(k, v)| (*k, v.as_str())));
    let (status, _, html) = partner.post(&page, &page, &fields).await;
    (status, html)
}

#[tokio::test]
async fn a_partner_records_the_day_a_change_happened() {
    on_each_database(|w| async move {
        let (id, onward) = onward_sent(&w, 211, 10).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let (_, html) = partner.get(&format!("/partner/referrals/{onward}")).await;
        assert!(html.contains(&format!(r#"id="happened_on-day" name="happened_on-day" type="text" inputmode="numeric" value="{}""#, today().day())), "today by default: {html}");
        assert_eq!(answer(&partner, &onward, "accept", days_ago(5)).await.0, StatusCode::SEE_OTHER);
        let r = w.store.partner_referral(&onward).await.unwrap().unwrap();
        assert_eq!((r.onward.status, r.onward.responded_on), (OnwardStatus::Accepted, Some(days_ago(5))));
        let events = w.store.onward_events(&onward).await.unwrap();
        assert_eq!(events.last().unwrap().happened_on, days_ago(5));
        let lw = Browser::login(&w.base, "lw@test.org").await;
        assert!(lw.get(&format!("/referrals/{id}")).await.1.contains(&long(days_ago(5))), "the link worker sees the real date");
    })
    .await;
}

#[tokio::test]
async fn a_partner_date_in_the_future_before_sending_or_before_the_last_change_is_refused() {
    on_each_database(|w| async move {
        let (_, onward) = onward_sent(&w, 212, 10).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let (status, html) = answer(&partner, &onward, "accept", today() + time::Duration::days(1)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("The date it happened must be today or in the past"), "{html}");
        let (status, html) = answer(&partner, &onward, "accept", days_ago(11)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains(&format!("cannot be before the referral was sent, on {}", long(days_ago(10)))), "{html}");
        assert_eq!(answer(&partner, &onward, "accept", days_ago(5)).await.0, StatusCode::SEE_OTHER);
        let (status, html) = answer(&partner, &onward, "attended", days_ago(6)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains(&format!("cannot be before the last change (accepted, on {})", long(days_ago(5)))), "{html}");
        assert_eq!(w.store.onward_events(&onward).await.unwrap().len(), 2, "refusals write nothing");
    })
    .await;
}

#[tokio::test]
async fn a_partner_undoes_its_last_change_and_the_history_keeps_both() {
    on_each_database(|w| async move {
        let (id, onward) = onward_sent(&w, 213, 3).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let page = format!("/partner/referrals/{onward}");
        assert_eq!(answer(&partner, &onward, "accept", today()).await.0, StatusCode::SEE_OTHER);
        let (_, html) = partner.get(&page).await;
        assert!(["Undo \"Accepted\"", "Undo &quot;Accepted&quot;", "Undo &#34;Accepted&#34;"].iter().any(|b| html.contains(b)), "{html}");
        let (status, location, _) = partner.post(&page, &format!("{page}/undo"), &[]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("{page}?notice=partner_undone").as_str()));
        let r = w.store.partner_referral(&onward).await.unwrap().unwrap();
        assert_eq!((r.onward.status, r.onward.responded_on), (OnwardStatus::Sent, None));
        let events = w.store.onward_events(&onward).await.unwrap();
        assert_eq!(events.len(), 3, "sent, accepted, and the undoing entry");
        assert_eq!(events[2].undoes_event_id.as_deref(), Some(events[1].id.as_str()));
        assert_eq!((events[2].to_status, events[1].to_status), (OnwardStatus::Sent, OnwardStatus::Accepted));
        let (_, html) = partner.get(&page).await;
        assert!(html.contains("Undone: recorded by mistake") && html.contains("was recorded by mistake and undone"), "{html}");
        assert!(audit_actions(&w, &id).await.contains(&"onward.undo".to_owned()));
        let lw_user = w.store.users(&w.pcn, None).await.unwrap().into_iter().find(|u| u.email == "lw@test.org").unwrap();
        let told = w.store.notifications(&lw_user.id, &w.pcn, 50).await.unwrap();
        assert!(told.iter().any(|n| n.kind == "onward.undone" && n.body.contains("recorded by mistake")), "the link worker is told");
        // The right answer can then be given.
        let dates = date_fields(today());
        let mut fields: Vec<(&str, &str)> = vec![("action", "decline"), ("decline_reason", "no_capacity")];
        fields.extend(dates.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(partner.post(&page, &page, &fields).await.0, StatusCode::SEE_OTHER);
        assert_eq!(w.store.partner_referral(&onward).await.unwrap().unwrap().onward.status, OnwardStatus::Declined);
    })
    .await;
}

#[tokio::test]
async fn an_undo_after_a_day_is_refused() {
    on_each_database(|w| async move {
        let (_, onward) = onward_sent(&w, 214, 3).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        assert_eq!(answer(&partner, &onward, "accept", today()).await.0, StatusCode::SEE_OTHER);
        // Recorded 25 hours ago (and the referral sent an hour before that, keeping the order).
        let ago = |hours| (time::OffsetDateTime::now_utc() - time::Duration::hours(hours)).format(&time::format_description::well_known::Rfc3339).unwrap();
        let cast = if w.url.starts_with("sqlite:") { "$1" } else { "CAST($1 AS TIMESTAMPTZ)" };
        for (status, hours) in [("sent", 26), ("accepted", 25)] {
            raw(&w.url, &format!("UPDATE onward_events SET at = {cast} WHERE onward_referral_id = $2 AND to_status = '{status}'"), &[&ago(hours), &onward]).await;
        }
        let page = format!("/partner/referrals/{onward}");
        assert!(!partner.get(&page).await.1.contains("/undo"), "no undo offered");
        let (status, _, html) = partner.post(&page, &format!("{page}/undo"), &[]).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(html.contains("more than 24 hours ago"), "{html}");
        assert_eq!(w.store.partner_referral(&onward).await.unwrap().unwrap().onward.status, OnwardStatus::Accepted);
    })
    .await;
}

#[tokio::test]
async fn the_link_workers_view_and_the_evaluation_use_the_corrected_state() {
    on_each_database(|w| async move {
        let (id, onward) = onward_sent(&w, 215, 3).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        assert_eq!(answer(&partner, &onward, "accept", today()).await.0, StatusCode::SEE_OTHER);
        let page = format!("/partner/referrals/{onward}");
        assert_eq!(partner.post(&page, &format!("{page}/undo"), &[]).await.0, StatusCode::SEE_OTHER);
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let (_, html) = lw.get(&format!("/referrals/{id}")).await;
        assert!(html.contains(r#"lw-status--sent">Waiting for a response</span></td>"#), "{html}");
        let input = w.store.evaluation_input("Test", &[w.pcn.clone()], today()).await.unwrap();
        assert_eq!(input.onward.iter().find(|o| *o.referral_id == *id).unwrap().status, OnwardStatus::Sent);
    })
    .await;
}

#[tokio::test]
async fn the_api_takes_the_day_a_change_happened_and_undoes_it() {
    on_each_database(|w| async move {
        let (_, onward) = onward_sent(&w, 216, 5).await;
        let partner = Api::new(&w, &w.vcse, Role::VcsePartner).await;
        let path = format!("/api/partner/onward-referrals/{onward}");
        let (status, body) = partner.post(&path, json!({"action": "accept", "happened_on": days_ago(2).to_string()})).await;
        assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("accepted")), "{body}");
        assert_eq!(w.store.onward_events(&onward).await.unwrap().last().unwrap().happened_on, days_ago(2));
        let (status, body) = partner.post(&path, json!({"action": "started", "happened_on": (today() + time::Duration::days(1)).to_string()})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["fields"][0]["field"], "happened_on", "{body}");
        let (status, body) = partner.post(&format!("{path}/undo"), json!({})).await;
        assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("sent")), "{body}");
        assert_eq!(partner.post(&format!("{path}/undo"), json!({})).await.0, StatusCode::CONFLICT, "nothing left to undo");
        let other = Api::new(&w, &w.other_vcse, Role::VcsePartner).await;
        assert_eq!(other.post(&format!("{path}/undo"), json!({})).await.0, StatusCode::NOT_FOUND);
    })
    .await;
}

// ---- one rule, one wording ----

#[tokio::test]
async fn one_day_of_waiting_reads_1_day() {
    on_each_database(|w| async move {
        practice_referral(&w, 221, days_ago(1)).await;
        // A new, unassigned referral waits in triage (a link worker's caseload is their own people).
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let (_, html) = lw.get("/triage").await;
        assert!(html.contains("Waiting 1 day<"), "{html}");
        assert!(!html.contains("1 days"));
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let (_, html) = manager.get("/caseload").await;
        assert!(html.contains("Waiting 1 day<") && !html.contains("1 days"), "{html}");
    })
    .await;
}

#[tokio::test]
async fn the_caseload_and_measures_due_agree_on_what_is_overdue() {
    on_each_database(|w| async move {
        let id = practice_referral(&w, 222, days_ago(40)).await;
        // Accepted by the link worker, so on their own caseload.
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let record = format!("/referrals/{id}");
        assert_eq!(lw.post(&record, &format!("{record}/accept"), &[]).await.0, StatusCode::SEE_OTHER);
        let lw_api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let contact = json!({"contact_on": days_ago(35).to_string(), "mode": "phone", "minutes": 20, "accompanied": "no"});
        assert_eq!(lw_api.post(&format!("/api/referrals/{id}/contacts"), contact).await.0, StatusCode::CREATED);
        let contact = json!({"contact_on": today().to_string(), "mode": "phone", "minutes": 20, "accompanied": "no"});
        assert_eq!(lw_api.post(&format!("/api/referrals/{id}/contacts"), contact).await.0, StatusCode::CREATED);
        // Baseline due from the first contact, overdue 28 days later.
        let overdue_since = long(days_ago(35) + time::Duration::days(28));
        let (_, caseload) = lw.get("/caseload").await;
        assert!(caseload.contains(&format!("Baseline measures (ONS4, SWEMWBS) overdue since {overdue_since}")), "{caseload}");
        assert!(caseload.contains(r#"lw-rag--red">Overdue</span>"#), "{caseload}");
        let (_, due) = lw.get("/measures/due").await;
        assert!(due.contains(&format!("Overdue since {overdue_since}")) && due.contains(">Overdue</span>"), "{due}");
        for page in [&caseload, &due] {
            assert!(!page.contains("Due soon"), "one wording");
        }
    })
    .await;
}

/// Every count of days on a page or in a notification goes through the plural helper
/// (`linkwork_domain::casework::urgency::days`), so none can read "1 days".
#[test]
fn counts_of_days_go_through_the_plural_helper() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = Vec::new();
    let mut files = Vec::new();
    for dir in ["web/src", "web/templates", "domain/src"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                    files.push(path);
                }
            }
        }
    }
    for path in files {
        for (n, line) in std::fs::read_to_string(&path).unwrap().lines().enumerate() {
            // `{n} days` in a format string, `{{ n }} days` in a template.
            if line.contains("} days") {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "counts of days not written with the plural helper:\n{}", found.join("\n"));
}
