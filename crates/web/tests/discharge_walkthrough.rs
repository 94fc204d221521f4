//! Issue 12, "discharge loses outcomes": over HTTP, on SQLite and PostgreSQL. Discharge walks
//! the link worker through the closing measures the service's schedule asks for (recorded, or
//! why not taken) and a review of each goal, refuses "Goals met" when no goal was met, shows what
//! will happen before saving, and measures may still be entered late after discharge, marked as
//! such and counted by the evaluation on the day they were taken.

use crate::support;

use linkwork_domain::access::Role;
use linkwork_domain::casework::discharge::NotTakenReason;
use linkwork_domain::evaluation::{evaluate, EvaluationSettings, Period};
use linkwork_domain::measurement::instruments::Instrument;
use linkwork_domain::casework::plan::GoalStatus;
use linkwork_domain::casework::referral::ReferralStatus;
use reqwest::StatusCode;
use serde_json::json;
use support::*;

fn days_ago(n: i64) -> time::Date {
    today() - time::Duration::days(n)
}

async fn raw(url: &str, sql: &str, bind: &str) {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        sqlx::query(sql).bind(bind).execute(&mut sqlx::SqliteConnection::connect(url).await.unwrap()).await.unwrap();
    } else {
        sqlx::query(sql).bind(bind).execute(&mut sqlx::PgConnection::connect(url).await.unwrap()).await.unwrap();
    }
}

/// A person supported for 50 days: accepted, a plan with one goal, a first contact and baseline
/// ONS4 and SWEMWBS. Returns (referral id, the goal's form field).
async fn supported(w: &World, n: u32) -> (String, String) {
    let lw = Api::new(w, &w.pcn, Role::LinkWorker).await;
    let mut body = referral_json(&nhs_number(n), "Dot", "Charge", "1955-05-05", &w.practice);
    body["referred_on"] = json!(days_ago(60).to_string());
    let (status, created) = lw.post("/api/referrals", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(lw.post(&format!("/api/referrals/{id}/accept"), json!({})).await.0, StatusCode::NO_CONTENT);
    let on = days_ago(50).to_string();
    let conversation = json!({"held_on": on, "what_matters": "Getting out", "needs": ["loneliness"], "goal_0": "Walk every week"});
    assert_eq!(lw.post(&format!("/api/referrals/{id}/conversations"), conversation).await.0, StatusCode::CREATED);
    let contact = json!({"contact_on": on, "mode": "face_to_face", "minutes": 40, "accompanied": "no"});
    assert_eq!(lw.post(&format!("/api/referrals/{id}/contacts"), contact).await.0, StatusCode::CREATED);
    measure(&lw, &id, "swemwbs", "baseline", days_ago(50), "2").await;
    measure(&lw, &id, "ons4", "baseline", days_ago(50), "4").await;
    let goal = w.store.referral_record(&Default::default(), &id).await.unwrap().unwrap().goals[0].id.clone();
    (id, format!("goal_{goal}"))
}

/// Records a questionnaire through the API with every answer `each`.
async fn measure(api: &Api, id: &str, instrument: &str, timepoint: &str, on: time::Date, each: &str) -> StatusCode {
    let items = if instrument == "ons4" { 4 } else { 7 };
    let mut body = json!({"timepoint": timepoint, "taken_on": on.to_string()});
    for i in 1..=items {
        body[format!("item_{i}")] = json!(each);
    }
    api.post(&format!("/api/referrals/{id}/measures/{instrument}"), body).await.0
}

/// The form fields of a complete walk-through.
fn complete<'a>(goal: &'a str, outcome: &'a str, reason: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("discharge_reason", reason), (goal, outcome), ("not_taken_ons4", "declined"), ("not_taken_swemwbs", "declined"), ("summary", "Walking with a neighbour")]
}

async fn status_of(w: &World, id: &str) -> ReferralStatus {
    w.store.referral_header(id).await.unwrap().unwrap().status
}

/// Discharges through the walk-through and its confirmation.
async fn discharged(w: &World, lw: &Browser, id: &str, goal: &str) {
    let page = format!("/referrals/{id}/discharge");
    let mut fields = complete(goal, "achieved", "goals_met");
    fields.push(("confirm", "yes"));
    let (status, location, html) = lw.post(&page, &page, &fields).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("/referrals/{id}?notice=discharged").as_str()), "{html}");
    assert_eq!(status_of(w, id).await, ReferralStatus::Discharged);
}

#[tokio::test]
async fn discharge_lists_the_closing_measures_the_schedule_asks_for() {
    on_each_database(|w| async move {
        let (id, goal) = supported(&w, 301).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let (status, html) = lw.get(&format!("/referrals/{id}/discharge")).await;
        assert_eq!(status, StatusCode::OK);
        for instrument in ["ONS4", "SWEMWBS"] {
            assert!(html.contains(&format!("Record {instrument} at discharge")) && html.contains(&format!("If {instrument} was not taken, why not?")), "{instrument}: {html}");
        }
        let doc = scraper::Html::parse_document(&html);
        let links: Vec<&str> = doc.select(&scraper::Selector::parse("main a").unwrap()).filter_map(|a| a.value().attr("href")).collect();
        assert!(links.contains(&format!("/referrals/{id}/measures/new?instrument=swemwbs&timepoint=discharge&then=discharge").as_str()), "{links:?}");
        for reason in NotTakenReason::ALL {
            assert!(html.contains(reason.label()), "{reason:?}");
        }
        assert!(html.contains(&format!(r#"name="{goal}""#)) && html.contains("Walk every week"));
        for outcome in GoalStatus::FINAL {
            assert!(html.contains(&format!(r#"value="{}""#, outcome.code())), "{outcome:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn discharge_is_refused_until_each_closing_measure_is_recorded_or_explained() {
    on_each_database(|w| async move {
        let (id, goal) = supported(&w, 302).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let page = format!("/referrals/{id}/discharge");
        let (status, _, html) = lw.post(&page, &page, &[("discharge_reason", "moved_away"), (goal.as_str(), "not_achieved"), ("not_taken_ons4", "not_reached"), ("confirm", "yes")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Record SWEMWBS at discharge before discharging, or select why it was not taken"), "{html}");
        assert!(!html.contains("Record ONS4 at discharge before discharging"), "ONS4 was explained");
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Accepted);
    })
    .await;
}

#[tokio::test]
async fn a_closing_measure_recorded_from_the_walk_through_comes_back_to_it() {
    on_each_database(|w| async move {
        let (id, _) = supported(&w, 303).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let form = format!("/referrals/{id}/measures/new?instrument=swemwbs&timepoint=discharge&then=discharge");
        let (_, html) = lw.get(&form).await;
        assert!(html.contains(r#"value="discharge" checked"#), "the timepoint is chosen: {html}");
        let today = today().to_string();
        let mut fields = vec![("timepoint", "discharge"), ("taken_on", today.as_str())];
        let items: Vec<String> = (1..=7).map(|i| format!("item_{i}")).collect();
        fields.extend(items.iter().map(|k| (k.as_str(), "4")));
        let (status, location, _) = lw.post(&form, &form, &fields).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("/referrals/{id}/discharge?notice=measure").as_str()));
        let (_, html) = lw.get(&location).await;
        assert!(html.contains("Recorded at discharge: SWEMWBS on") && !html.contains("If SWEMWBS was not taken"), "{html}");
        assert!(html.contains("If ONS4 was not taken"), "ONS4 is still to do");
    })
    .await;
}

#[tokio::test]
async fn each_goal_is_reviewed_before_discharge() {
    on_each_database(|w| async move {
        let (id, _) = supported(&w, 304).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let page = format!("/referrals/{id}/discharge");
        let (status, _, html) = lw.post(&page, &page, &[("discharge_reason", "disengaged"), ("not_taken_ons4", "not_reached"), ("not_taken_swemwbs", "not_reached"), ("confirm", "yes")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Select where the goal") && html.contains("Walk every week"), "{html}");
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Accepted);
    })
    .await;
}

#[tokio::test]
async fn goals_met_is_refused_unless_a_goal_was_achieved() {
    on_each_database(|w| async move {
        let (id, goal) = supported(&w, 305).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let page = format!("/referrals/{id}/discharge");
        let mut fields = complete(&goal, "not_achieved", "goals_met");
        fields.push(("confirm", "yes"));
        let (status, _, html) = lw.post(&page, &page, &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("needs at least one goal achieved or partly achieved in the goal review"), "{html}");
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Accepted);
        let (status, _, html) = lw.post(&page, &page, &complete(&goal, "partly_achieved", "goals_met")).await;
        assert_eq!(status, StatusCode::OK, "partly achieved is a goal met in part: {html}");
    })
    .await;
}

#[tokio::test]
async fn the_discharge_is_checked_and_confirmed_before_it_is_saved() {
    on_each_database(|w| async move {
        let (id, goal) = supported(&w, 306).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let page = format!("/referrals/{id}/discharge");
        let fields = complete(&goal, "achieved", "goals_met");
        let (status, _, html) = lw.post(&page, &page, &fields).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Check and confirm the discharge") && html.contains("What will happen") && html.contains("Dot leaves the caseload"), "{html}");
        assert!(html.contains("Goal: Walk every week") && html.contains("Not taken: the person declined") && html.contains("Discharge Dot Charge"), "{html}");
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Accepted, "checking saves nothing");
        // Change goes back to the form with the answers kept.
        let (status, _, html) = lw.post(&page, &page, &[&fields[..], &[("confirm", "yes"), ("change", "yes")]].concat()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(r#"value="goals_met" checked"#) && html.contains("1. Closing measures"), "{html}");
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Accepted);
        discharged(&w, &lw, &id, &goal).await;
        let r = w.store.referral_record(&Default::default(), &id).await.unwrap().unwrap();
        assert_eq!(r.goals[0].status, GoalStatus::Achieved, "the review is saved with the discharge");
        let not_taken: Vec<_> = w.store.measures_not_taken(&id).await.unwrap().into_iter().map(|m| (m.instrument, m.reason)).collect();
        assert_eq!(not_taken, [(Instrument::Ons4, NotTakenReason::Declined), (Instrument::Swemwbs, NotTakenReason::Declined)]);
        let (_, html) = lw.get(&format!("/referrals/{id}")).await;
        assert!(html.contains("Closing measures not taken") && html.contains("Measures after discharge"), "{html}");
    })
    .await;
}

#[tokio::test]
async fn a_measure_after_discharge_is_entered_late_and_marked() {
    on_each_database(|w| async move {
        let (id, goal) = supported(&w, 307).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        discharged(&w, &lw, &id, &goal).await;
        let form = format!("/referrals/{id}/measures/new?instrument=swemwbs&timepoint=discharge");
        assert_eq!(lw.get(&form).await.0, StatusCode::OK, "the form opens after discharge");
        let today = today().to_string();
        let mut fields = vec![("timepoint", "discharge"), ("taken_on", today.as_str())];
        let items: Vec<String> = (1..=7).map(|i| format!("item_{i}")).collect();
        fields.extend(items.iter().map(|k| (k.as_str(), "4")));
        let (status, location, html) = lw.post(&form, &form, &fields).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("/referrals/{id}?notice=measure").as_str()), "{html}");
        let r = w.store.referral_record(&Default::default(), &id).await.unwrap().unwrap();
        let late: Vec<_> = r.measures.iter().filter(|m| m.entered_late).map(|m| (m.instrument, m.taken_on)).collect();
        assert_eq!(late, [(Instrument::Swemwbs, support::today())]);
        let (_, html) = lw.get(&format!("/referrals/{id}")).await;
        assert!(html.contains("At discharge (entered late)"), "{html}");
        let person = r.person.id;
        assert!(w.store.audit_events(&person).await.unwrap().iter().any(|e| e.action == "measure.create_late"));
        // Through the API too.
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        assert_eq!(measure(&api, &id, "ons4", "follow_up", support::today(), "6").await, StatusCode::CREATED);
    })
    .await;
}

#[tokio::test]
async fn late_entry_is_refused_after_ninety_days_and_for_a_baseline() {
    on_each_database(|w| async move {
        let (id, goal) = supported(&w, 308).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        discharged(&w, &lw, &id, &goal).await;
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        assert_eq!(measure(&api, &id, "swemwbs", "baseline", today(), "4").await, StatusCode::UNPROCESSABLE_ENTITY, "a baseline after discharge is not a baseline");
        raw(&w.url, &format!("UPDATE referrals SET discharged_on = '{}' WHERE id = $1", days_ago(91)), &id).await;
        assert_eq!(measure(&api, &id, "swemwbs", "follow_up", today(), "4").await, StatusCode::CONFLICT);
        assert_eq!(lw.get(&format!("/referrals/{id}/measures/new?instrument=swemwbs")).await.0, StatusCode::CONFLICT);
        raw(&w.url, &format!("UPDATE referrals SET discharged_on = '{}' WHERE id = $1", days_ago(90)), &id).await;
        assert_eq!(measure(&api, &id, "swemwbs", "follow_up", today(), "4").await, StatusCode::CREATED, "90 days on is still in time");
    })
    .await;
}

#[tokio::test]
async fn the_evaluation_counts_a_late_measure_on_the_day_it_was_taken() {
    on_each_database(|w| async move {
        let (id, goal) = supported(&w, 309).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        discharged(&w, &lw, &id, &goal).await;
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        // A follow-up call two days ago, entered today.
        assert_eq!(measure(&api, &id, "swemwbs", "follow_up", days_ago(2), "4").await, StatusCode::CREATED);
        let settings = EvaluationSettings { policy: linkwork_domain::evaluation::disclosure::SuppressionPolicy { max_suppressed: 0, rounding_base: 1 }, ..Default::default() };
        let paired = |to: time::Date| {
            let store = w.store.clone();
            let pcn = w.pcn.clone();
            let settings = settings.clone();
            async move {
                let input = store.evaluation_input("Test", &[pcn], to).await.unwrap();
                let report = evaluate(&input, Period { from: days_ago(365), to }, &settings);
                let swemwbs = report.outcomes.iter().find(|o| o.instrument == Instrument::Swemwbs).unwrap();
                (swemwbs.n_paired.value().copied(), swemwbs.n_baseline_only.value().copied())
            }
        };
        // Nothing is suppressed (max_suppressed 0), so every count is shown: a missing one fails.
        assert_eq!(paired(today()).await, (Some(1), Some(0)), "paired with its baseline");
        assert_eq!(paired(days_ago(2)).await, (Some(1), Some(0)), "counted on the day it was taken");
        assert_eq!(paired(days_ago(3)).await, (Some(0), Some(1)), "not before");
    })
    .await;
}

#[tokio::test]
async fn the_api_discharge_follows_the_walk_through() {
    on_each_database(|w| async move {
        let (id, goal) = supported(&w, 310).await;
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let path = format!("/api/referrals/{id}/discharge");
        let (status, body) = api.post(&path, json!({"discharge_reason": "goals_met"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&goal.as_str()) && fields.contains(&"not_taken_ons4") && fields.contains(&"not_taken_swemwbs"), "{body}");
        let (status, body) = api.post(&path, json!({"discharge_reason": "goals_met", goal.clone(): "no_longer_relevant", "not_taken_ons4": "unable", "not_taken_swemwbs": "unable"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["fields"][0]["field"], "discharge_reason", "{body}");
        let (status, body) = api.post(&path, json!({"discharge_reason": "goals_met", goal.clone(): "achieved", "not_taken_ons4": "unable", "not_taken_swemwbs": "unable"})).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        assert_eq!(status_of(&w, &id).await, ReferralStatus::Discharged);
    })
    .await;
}
