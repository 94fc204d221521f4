//! Issue 12, "Flow": a plan that changes without a new "what matters" conversation (goals added
//! and changed on their own forms, their history kept; needs listed once and agreed on the
//! record), the directory one click from an onward referral for the person being worked with,
//! the onward-referral form that searches instead of listing every service, and MDT meetings whose
//! people are found by search. On SQLite and PostgreSQL.

use crate::support;

use linkwork_domain::access::Role;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_store::{NewService, ServiceProfile};
use reqwest::header::COOKIE;
use reqwest::StatusCode;
use serde_json::json;
use support::*;

/// A referral of the test PCN, accepted onto the caseload (made through the JSON API).
async fn accepted(w: &World, n: u32, given: &str, family: &str, needs: &[&str]) -> String {
    let api = Api::new(w, &w.pcn, Role::LinkWorker).await;
    let mut body = referral_json(&nhs_number(n), given, family, "1950-03-04", &w.practice);
    body["needs"] = json!(needs);
    let (status, created) = api.post("/api/referrals", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(api.post(&format!("/api/referrals/{id}/accept"), json!({})).await.0, StatusCode::NO_CONTENT);
    id
}

/// The value of the hidden input `name` on a page.
fn hidden(html: &str, name: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("input[name={name}]")).unwrap();
    doc.select(&sel).next().unwrap_or_else(|| panic!("a {name} field in {html}")).value().attr("value").unwrap().to_owned()
}

/// The texts of the elements `selector` matches.
fn texts(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel).map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

/// The `href`s of the links whose text contains `text`.
fn links(html: &str, text: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("a").unwrap();
    doc.select(&sel).filter(|a| a.text().collect::<String>().contains(text)).filter_map(|a| a.value().attr("href").map(str::to_owned)).collect()
}

/// Posts `fields` with the form's CSRF token and one-time key, taken from `page`.
async fn send(b: &Browser, page: &str, action: &str, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
    let (status, html) = b.get(page).await;
    assert_eq!(status, StatusCode::OK, "{page}: {html}");
    send_from(b, &html, action, fields).await
}

/// Posts `fields` with the CSRF token and one-time key of a page already read.
async fn send_from(b: &Browser, html: &str, action: &str, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
    let (csrf, key) = (csrf_in(html), hidden(html, "form_key"));
    let mut all = vec![("csrf_token", csrf.as_str()), ("form_key", key.as_str())];
    all.extend_from_slice(fields);
    let r = b.http.post(format!("{}{action}", b.base)).header(COOKIE, &b.cookie).form(&all).send().await.unwrap();
    let location = r.headers().get(reqwest::header::LOCATION).map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    (r.status(), location, r.text().await.unwrap())
}

async fn service(w: &World, name: &str, needs: Vec<NeedDomain>) -> String {
    w.store.create_service(&NewService { org_id: w.vcse.clone(), name: name.into(), description: format!("{name} for everyone"), needs, address: None, postcode: None, phone: None, email: None }).await.unwrap()
}

/// Runs one statement on the test database (to set up what no page does, such as a service closing).
async fn execute(url: &str, sql: &str) {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        sqlx::query(sql).execute(&mut sqlx::SqliteConnection::connect(url).await.unwrap()).await.unwrap();
    } else {
        sqlx::query(sql).execute(&mut sqlx::PgConnection::connect(url).await.unwrap()).await.unwrap();
    }
}

/// The old and new values of a referral's plan history, straight from the table.
async fn plan_history_values(url: &str, referral: &str) -> Vec<[Option<String>; 2]> {
    use sqlx::Connection;
    let sql = "SELECT old_value, new_value FROM plan_changes WHERE referral_id = $1";
    let rows: Vec<(Option<String>, Option<String>)> = if url.starts_with("sqlite:") {
        sqlx::query_as(sql).bind(referral).fetch_all(&mut sqlx::SqliteConnection::connect(url).await.unwrap()).await.unwrap()
    } else {
        sqlx::query_as(sql).bind(referral).fetch_all(&mut sqlx::PgConnection::connect(url).await.unwrap()).await.unwrap()
    };
    rows.into_iter().map(|(old, new)| [old, new]).collect()
}

const TODAY_PLUS_A_MONTH: i64 = 30;

fn in_days(n: i64) -> String {
    (today() + time::Duration::days(n)).to_string()
}

// ---- goals ----

#[tokio::test]
async fn a_goal_is_added_from_the_record_without_a_conversation() {
    on_each_database(|w| async move {
        let referral = accepted(&w, 1, "Gail", "Adder", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let record = format!("/referrals/{referral}");
        assert!(links(&lw.get(&record).await.1, "Add a goal").contains(&format!("{record}/goals/new")), "the record offers to add a goal");
        let review = in_days(TODAY_PLUS_A_MONTH);
        let (status, location, body) = send(&lw, &format!("{record}/goals/new"), &format!("{record}/goals/new"), &[("description", "Join the Tuesday walk"), ("review_on", &review)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert!(location.starts_with(&format!("{record}?notice=goal_added")), "{location}");
        let r = w.store.referral_record(&Default::default(), &referral).await.unwrap().unwrap();
        assert!(r.conversations.is_empty(), "no conversation was needed");
        assert_eq!(r.goals.len(), 1);
        assert_eq!((r.goals[0].description.as_str(), r.goals[0].review_on.map(|d| d.to_string())), ("Join the Tuesday walk", Some(review)));
        assert_eq!(w.store.count_audit_events("goal.create").await.unwrap(), 1, "audited");
        assert!(lw.get(&record).await.1.contains("Join the Tuesday walk"));
    })
    .await;
}

#[tokio::test]
async fn a_goal_form_sent_twice_adds_one_goal() {
    on_each_database(|w| async move {
        let referral = accepted(&w, 2, "Gus", "Twice", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let form = format!("/referrals/{referral}/goals/new");
        let (_, html) = lw.get(&form).await;
        let first = send_from(&lw, &html, &form, &[("description", "Phone my sister weekly")]).await;
        let second = send_from(&lw, &html, &form, &[("description", "Phone my sister weekly")]).await;
        assert_eq!((first.0, second.0), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
        assert_eq!(first.1, second.1, "both lead to the record");
        assert_eq!(w.store.referral_record(&Default::default(), &referral).await.unwrap().unwrap().goals.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_goal_without_wording_or_with_a_past_review_date_is_refused_with_clear_errors() {
    on_each_database(|w| async move {
        let referral = accepted(&w, 3, "Gwen", "Past", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let form = format!("/referrals/{referral}/goals/new");
        let yesterday = in_days(-1);
        let (status, _, html) = send(&lw, &form, &form, &[("description", "  "), ("review_on", &yesterday)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let errors = texts(&html, ".nhsuk-error-summary__list li");
        assert!(errors.iter().any(|e| e.contains("Enter the goal")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("review date must be today or in the future")), "{errors:?}");
        assert!(w.store.referral_record(&Default::default(), &referral).await.unwrap().unwrap().goals.is_empty(), "nothing saved");
    })
    .await;
}

/// Adds a goal through its form; returns its id.
async fn add_goal(w: &World, lw: &Browser, referral: &str, text: &str) -> String {
    let form = format!("/referrals/{referral}/goals/new");
    assert_eq!(send(lw, &form, &form, &[("description", text)]).await.0, StatusCode::SEE_OTHER);
    w.store.referral_record(&Default::default(), referral).await.unwrap().unwrap().goals.iter().find(|g| g.description == text).unwrap().id.clone()
}

#[tokio::test]
async fn a_changed_goal_shows_when_it_changed_and_keeps_what_it_was() {
    on_each_database(|w| async move {
        let referral = accepted(&w, 4, "Cara", "Change", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let goal = add_goal(&w, &lw, &referral, "Walk once a week").await;
        let record = format!("/referrals/{referral}");
        let edit = format!("{record}/goals/{goal}/edit");
        assert!(links(&lw.get(&record).await.1, "Change").contains(&edit), "each goal has its own form");
        let review = in_days(14);
        let (status, location, body) = send(&lw, &edit, &edit, &[("description", "Walk twice a week"), ("review_on", &review), ("goal_status", "in_progress"), ("version", &hidden(&lw.get(&edit).await.1, "version"))]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert!(location.starts_with(&format!("{record}?notice=goal_changed")), "{location}");
        let html = lw.get(&record).await.1;
        let changed = texts(&html, ".lw-goal-changed");
        assert_eq!(changed, vec![format!("Changed {}", linkwork_domain::format_date_long(today()))], "the goal shows when it changed");
        let history = texts(&html, "#plan-history li").join("\n");
        assert!(history.contains("Wording changed") && history.contains("\u{201c}Walk once a week\u{201d}") && history.contains("\u{201c}Walk twice a week\u{201d}"), "{history}");
        assert!(history.contains("Status changed") && history.contains("from Not started to In progress"), "{history}");
        assert!(history.contains("Review date changed"), "{history}");
        assert_eq!(texts(&html, "#plan-history li").len(), 4, "added, then three fields changed");
        assert_eq!(w.store.count_audit_events("goal.update").await.unwrap(), 1, "one change, one audit event");
    })
    .await;
}

#[tokio::test]
async fn a_goal_changed_by_someone_else_meanwhile_is_not_overwritten() {
    on_each_database(|w| async move {
        let referral = accepted(&w, 5, "Dot", "Race", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let goal = add_goal(&w, &lw, &referral, "Go to the choir").await;
        let edit = format!("/referrals/{referral}/goals/{goal}/edit");
        let (_, opened) = lw.get(&edit).await;
        // Meanwhile a colleague closes the goal from the record.
        let other = Browser::login(&w.base, "lw2@test.org").await;
        let record = format!("/referrals/{referral}");
        assert_eq!(send(&other, &record, &format!("{record}/goals/{goal}"), &[("goal_status", "achieved")]).await.0, StatusCode::SEE_OTHER);
        let (status, _, html) = send_from(&lw, &opened, &edit, &[("description", "Go to the choir weekly"), ("goal_status", "in_progress"), ("version", &hidden(&opened, "version"))]).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(texts(&html, ".nhsuk-error-summary__list li").iter().any(|e| e.contains("Someone else changed this goal")), "{html}");
        assert_eq!(hidden(&html, "description"), "Go to the choir weekly", "what was typed is kept");
        let r = w.store.referral_record(&Default::default(), &referral).await.unwrap().unwrap();
        let g = r.goals.iter().find(|g| g.id == goal).unwrap();
        assert_eq!((g.description.as_str(), g.status.code()), ("Go to the choir", "achieved"), "the colleague's change stands");
    })
    .await;
}

#[tokio::test]
async fn closing_a_goal_from_the_record_is_kept_in_its_history() {
    on_each_database(|w| async move {
        let referral = accepted(&w, 6, "Eve", "Close", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let goal = add_goal(&w, &lw, &referral, "Learn to use video calls").await;
        let record = format!("/referrals/{referral}");
        assert_eq!(send(&lw, &record, &format!("{record}/goals/{goal}"), &[("goal_status", "no_longer_relevant")]).await.0, StatusCode::SEE_OTHER);
        let history = texts(&lw.get(&record).await.1, "#plan-history li").join("\n");
        assert!(history.contains("Status changed") && history.contains("from Not started to No longer relevant"), "{history}");
    })
    .await;
}

#[tokio::test]
async fn goals_of_another_services_person_cannot_be_added_or_changed() {
    on_each_database(|w| async move {
        let referral = accepted(&w, 7, "Fay", "Fence", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let goal = add_goal(&w, &lw, &referral, "See friends").await;
        let other = Browser::login(&w.base, "lw.other@test.org").await;
        for path in [format!("/referrals/{referral}/goals/new"), format!("/referrals/{referral}/goals/{goal}/edit"), format!("/referrals/{referral}/needs")] {
            assert_eq!(other.get(&path).await.0, StatusCode::NOT_FOUND, "{path}");
        }
        let partner = Browser::login(&w.base, "partner@test.org").await;
        assert_eq!(partner.get(&format!("/referrals/{referral}/goals/new")).await.0, StatusCode::FORBIDDEN);
    })
    .await;
}

// ---- needs ----

#[tokio::test]
async fn a_need_the_conversation_confirms_is_listed_once() {
    on_each_database(|w| async move {
        let referral = accepted(&w, 8, "Hal", "Once", &["loneliness", "housing"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let conversation = format!("/referrals/{referral}/conversation");
        let (_, form) = lw.get(&conversation).await;
        let ticked = texts(&form, "input[name=needs][checked] + label");
        assert_eq!(ticked.len(), 2, "the referral's needs come ticked: {ticked:?}");
        let today = today().to_string();
        let (status, ..) = send_from(&lw, &form, &conversation, &[("held_on", &today), ("what_matters", "Seeing people"), ("needs", "loneliness"), ("goal_0", "Go to a lunch club")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let needs = texts(&lw.get(&format!("/referrals/{referral}")).await.1, ".lw-needs li");
        assert_eq!(needs, vec!["Loneliness and social isolation (from the referral, agreed with Hal)".to_owned(), "Housing and homelessness (from the referral, not agreed with Hal)".to_owned()]);
    })
    .await;
}

#[tokio::test]
async fn needs_are_agreed_and_withdrawn_without_a_conversation() {
    on_each_database(|w| async move {
        let referral = accepted(&w, 9, "Ivy", "Needs", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let (record, form) = (format!("/referrals/{referral}"), format!("/referrals/{referral}/needs"));
        assert!(links(&lw.get(&record).await.1, "Change").contains(&form));
        let (status, location, _) = send(&lw, &form, &form, &[("needs", "loneliness"), ("needs", "money")]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("{record}?notice=needs").as_str()));
        assert_eq!(texts(&lw.get(&record).await.1, ".lw-needs li"), vec!["Loneliness and social isolation (from the referral, agreed with Ivy)".to_owned(), "Money, debt and benefits (agreed with Ivy)".to_owned()]);
        assert_eq!(send(&lw, &form, &form, &[("needs", "money")]).await.0, StatusCode::SEE_OTHER);
        let html = lw.get(&record).await.1;
        assert_eq!(texts(&html, ".lw-needs li"), vec!["Loneliness and social isolation (from the referral, not agreed with Ivy)".to_owned(), "Money, debt and benefits (agreed with Ivy)".to_owned()]);
        let history = texts(&html, "#plan-history li").join("\n");
        assert!(history.contains("Need agreed with the person, Money, debt and benefits") && history.contains("Need no longer agreed, Loneliness and social isolation"), "{history}");
        assert!(w.store.referral_record(&Default::default(), &referral).await.unwrap().unwrap().conversations.is_empty());
        let (status, _, html) = send(&lw, &form, &form, &[]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "at least one need");
        assert!(html.contains("Select at least one need"));
    })
    .await;
}

// ---- the directory, one click from an onward referral ----

#[tokio::test]
async fn a_service_page_opened_for_a_person_offers_to_refer_them() {
    on_each_database(|w| async move {
        let referral = accepted(&w, 10, "Jo", "Refer", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let record = lw.get(&format!("/referrals/{referral}")).await.1;
        assert_eq!(links(&record, "Find a service for Jo"), vec![format!("/directory?for={referral}")]);
        let search = lw.get(&format!("/directory?for={referral}")).await.1;
        let to_service = links(&search, "Tuesday walks");
        assert_eq!(to_service, vec![format!("/directory/{}?for={referral}&need=loneliness", w.service)], "the way to the service keeps the person and the search");
        let page = lw.get(&to_service[0]).await.1;
        assert_eq!(links(&page, "Refer Jo Refer to this service"), vec![format!("/referrals/{referral}/onward/new?service={}", w.service)]);
        assert_eq!(links(&page, "Back to the search for Jo Refer"), vec![format!("/directory?for={referral}&need=loneliness")], "the way back keeps the person");
    })
    .await;
}

#[tokio::test]
async fn the_onward_form_opened_from_the_directory_has_the_service_chosen_and_sends_to_it() {
    on_each_database(|w| async move {
        let referral = accepted(&w, 11, "Kit", "Chosen", &["money"]).await;
        // Not one of Kit's needs, so the form would not list it unless chosen.
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let form = format!("/referrals/{referral}/onward/new?service={}", w.service);
        let html = lw.get(&form).await.1;
        let checked = texts(&html, "input[name=service_id][checked] + label");
        assert_eq!(checked, vec!["Tuesday walks (Walk & Talk <CIC>)".to_owned()]);
        assert!(html.contains("Kit Chosen, NHS number"), "the form names the person it is for");
        let (status, location, body) = send_from(&lw, &html, &form, &[("service_id", &w.service), ("note", "Mornings"), ("share_consent", "yes")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert!(location.contains("notice=onward"));
        let r = w.store.referral_record(&Default::default(), &referral).await.unwrap().unwrap();
        assert_eq!(r.onward.iter().map(|o| o.service_id.as_str()).collect::<Vec<_>>(), vec![w.service.as_str()]);
    })
    .await;
}

#[tokio::test]
async fn no_refer_button_for_a_partner_another_service_or_a_person_not_on_the_caseload() {
    on_each_database(|w| async move {
        let referral = accepted(&w, 12, "Lou", "Nobutton", &["loneliness"]).await;
        let page = format!("/directory/{}?for={referral}", w.service);
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let (status, html) = partner.get(&page).await;
        assert_eq!(status, StatusCode::OK, "the partner sees its own service");
        assert!(!html.contains("Lou") && !html.contains("id=\"refer\""), "but not the person, nor a button");
        let other = Browser::login(&w.base, "lw.other@test.org").await;
        let (status, html) = other.get(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("Lou") && !html.contains("id=\"refer\""), "another service's link worker gets no button");
        // Not yet accepted: no onward referral can be made.
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let (_, created) = api.post("/api/referrals", referral_json(&nhs_number(13), "Max", "Waiting", "1950-03-04", &w.practice)).await;
        let received = created["id"].as_str().unwrap();
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let html = lw.get(&format!("/directory/{}?for={received}", w.service)).await.1;
        assert!(!html.contains("id=\"refer\""), "a referral not yet accepted gets no button");
        let html = lw.get(&page).await.1;
        assert!(html.contains("id=\"refer\""), "the person's own link worker does");
    })
    .await;
}

// ---- the onward-referral form searches ----

#[tokio::test]
async fn the_onward_form_lists_services_meeting_the_persons_needs_until_asked_for_any() {
    on_each_database(|w| async move {
        service(&w, "Debt advice", vec![NeedDomain::MoneyDebtBenefits]).await;
        service(&w, "Lunch club", vec![NeedDomain::Loneliness, NeedDomain::FoodInsecurity]).await;
        let referral = accepted(&w, 14, "Mo", "Filter", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let form = format!("/referrals/{referral}/onward/new");
        let names = |html: &str| texts(html, ".lw-service-choice label");
        assert_eq!(names(&lw.get(&form).await.1), vec!["Lunch club (Walk & Talk <CIC>) – matches a need".to_owned(), "Tuesday walks (Walk & Talk <CIC>) – matches a need".to_owned()]);
        let any = names(&lw.get(&format!("{form}?need=any")).await.1);
        assert_eq!(any.len(), 3, "{any:?}");
        assert_eq!(any.last().unwrap(), "Debt advice (Walk & Talk <CIC>)", "those meeting a need first");
        assert_eq!(names(&lw.get(&format!("{form}?need=money")).await.1), vec!["Debt advice (Walk & Talk <CIC>)".to_owned()]);
    })
    .await;
}

#[tokio::test]
async fn the_onward_form_searches_services_by_words() {
    on_each_database(|w| async move {
        service(&w, "Lunch club", vec![NeedDomain::Loneliness]).await;
        let referral = accepted(&w, 15, "Ned", "Words", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let html = lw.get(&format!("/referrals/{referral}/onward/new?q=LUNCH")).await.1;
        assert_eq!(texts(&html, ".lw-service-choice label"), vec!["Lunch club (Walk & Talk <CIC>) – matches a need".to_owned()]);
        assert_eq!(hidden(&html, "q"), "LUNCH", "the search is shown as typed");
    })
    .await;
}

#[tokio::test]
async fn the_onward_form_can_list_only_services_taking_people_now() {
    on_each_database(|w| async move {
        let busy = service(&w, "Busy befriending", vec![NeedDomain::Loneliness]).await;
        w.store.set_service_profile(&busy, &ServiceProfile { waiting_list: Some(12), ..ServiceProfile::default() }).await.unwrap();
        let referral = accepted(&w, 16, "Olu", "Open", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let form = format!("/referrals/{referral}/onward/new");
        let all = lw.get(&form).await.1;
        assert_eq!(texts(&all, ".lw-service-choice label").len(), 2);
        assert!(texts(&all, ".lw-service-choice .nhsuk-hint").iter().any(|h| h.contains("12 waiting")), "the wait is shown");
        let open = lw.get(&format!("{form}?open=yes")).await.1;
        assert_eq!(texts(&open, ".lw-service-choice label"), vec!["Tuesday walks (Walk & Talk <CIC>) – matches a need".to_owned()]);
    })
    .await;
}

#[tokio::test]
async fn the_onward_form_keeps_its_search_and_what_was_typed_when_it_comes_back_with_errors() {
    on_each_database(|w| async move {
        service(&w, "Lunch club", vec![NeedDomain::Loneliness]).await;
        let referral = accepted(&w, 17, "Pat", "Errors", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let form = format!("/referrals/{referral}/onward/new?q=walks");
        let (status, _, html) = send(&lw, &form, &form, &[("service_id", &w.service), ("note", "Prefers mornings")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(texts(&html, ".nhsuk-error-summary__list li").iter().any(|e| e.contains("agree")), "the missing agreement is the error");
        assert_eq!(texts(&html, ".lw-service-choice label"), vec!["Tuesday walks (Walk & Talk <CIC>) – matches a need".to_owned()], "still filtered");
        assert_eq!(texts(&html, "input[name=service_id][checked] + label").len(), 1, "still chosen");
        assert!(html.contains("Prefers mornings"), "the note is kept");
    })
    .await;
}

#[tokio::test]
async fn a_service_no_longer_active_is_refused_for_an_onward_referral() {
    on_each_database(|w| async move {
        let closed = service(&w, "Closed club", vec![NeedDomain::Loneliness]).await;
        let referral = accepted(&w, 18, "Quin", "Closed", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let form = format!("/referrals/{referral}/onward/new");
        let (_, html) = lw.get(&form).await;
        execute(&w.url, &format!("UPDATE services SET status = 'inactive' WHERE id = '{closed}'")).await;
        let (status, _, html) = send_from(&lw, &html, &form, &[("service_id", &closed), ("share_consent", "yes")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Closed club is not taking referrals"), "{html}");
        assert!(w.store.referral_record(&Default::default(), &referral).await.unwrap().unwrap().onward.is_empty());
    })
    .await;
}

// ---- MDT meetings: people found by search ----

#[tokio::test]
async fn the_mdt_form_lists_no_one_until_searched_and_finds_people_by_name_or_nhs_number() {
    on_each_database(|w| async move {
        accepted(&w, 20, "Rita", "Search", &["loneliness"]).await;
        accepted(&w, 21, "Sid", "Else", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let (_, html) = lw.get("/mdt/new").await;
        assert!(!html.contains("Rita") && !html.contains("Sid"), "not the whole caseload");
        let (status, _, html) = send_from(&lw, &html, "/mdt/new", &[("find", "rita"), ("step", "find")]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(texts(&html, ".lw-mdt-found li"), vec![format!("Rita Search, NHS number {} Add Rita Search", linkwork_domain::NhsNumber::parse(&nhs_number(20)).unwrap())]);
        let digits = nhs_number(21);
        let (_, _, html) = send_from(&lw, &html, "/mdt/new", &[("find", &digits[5..]), ("step", "find")]).await;
        let found = texts(&html, ".lw-mdt-found li");
        assert!(found.len() == 1 && found[0].starts_with("Sid Else"), "found by part of the NHS number: {found:?}");
    })
    .await;
}

#[tokio::test]
async fn adding_and_removing_mdt_people_keeps_what_was_typed_and_saves_nothing() {
    on_each_database(|w| async move {
        let rita = accepted(&w, 22, "Rae", "Add", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let (_, html) = lw.get("/mdt/new").await;
        let typed = [("held_on", today().to_string()), ("attendees", "gp".into()), ("notes", "Follow up housing".into()), ("find", "rae".into())];
        let with = |extra: &[(&'static str, String)]| typed.iter().cloned().chain(extra.iter().cloned()).collect::<Vec<_>>();
        let fields = with(&[("add", rita.clone())]);
        let (status, _, html) = send_from(&lw, &html, "/mdt/new", &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(hidden(&html, "referral_ids"), rita, "added to the meeting's list");
        assert!(texts(&html, ".lw-mdt-selected li")[0].starts_with("Rae Add"));
        assert!(html.contains("Follow up housing") && html.contains("value=\"gp\" checked"), "what was typed is kept");
        let fields = with(&[("referral_ids", rita.clone()), ("remove", rita.clone())]);
        let (_, _, html) = send_from(&lw, &html, "/mdt/new", &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
        assert!(texts(&html, ".lw-mdt-selected li").is_empty(), "taken off the list");
        assert!(html.contains("Follow up housing"));
        assert!(w.store.mdt_meetings(&w.pcn).await.unwrap().is_empty(), "nothing saved");
    })
    .await;
}

#[tokio::test]
async fn an_mdt_meeting_is_saved_with_the_people_added() {
    on_each_database(|w| async move {
        let one = accepted(&w, 23, "Tess", "Saved", &["loneliness"]).await;
        accepted(&w, 24, "Uma", "Left", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let today = today().to_string();
        let (status, location, body) = send(&lw, "/mdt/new", "/mdt/new", &[("held_on", &today), ("attendees", "link_worker"), ("referral_ids", &one), ("step", "save")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(location, "/mdt?notice=mdt");
        let meetings = w.store.mdt_meetings(&w.pcn).await.unwrap();
        assert_eq!(meetings.len(), 1);
        assert_eq!(meetings[0].people, vec!["Tess Saved".to_owned()]);
        let (status, _, html) = send(&lw, "/mdt/new", "/mdt/new", &[("held_on", &today), ("attendees", "link_worker"), ("step", "save")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "someone must be discussed");
        assert!(html.contains("Select the people who were discussed"));
    })
    .await;
}

#[tokio::test]
async fn another_services_people_are_not_found_for_an_mdt() {
    on_each_database(|w| async move {
        accepted(&w, 25, "Vera", "Ours", &["loneliness"]).await;
        let other = Browser::login(&w.base, "lw.other@test.org").await;
        let (_, _, html) = send(&other, "/mdt/new", "/mdt/new", &[("find", "vera"), ("step", "find")]).await;
        assert!(texts(&html, ".lw-mdt-found li").is_empty() && !html.contains("Vera Ours"), "{html}");
    })
    .await;
}

#[tokio::test]
async fn erasing_a_person_removes_the_old_wording_of_their_goals() {
    on_each_database(|w| async move {
        let referral = accepted(&w, 26, "Wyn", "Erased", &["loneliness"]).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let goal = add_goal(&w, &lw, &referral, "Visit my brother in Leeds").await;
        let edit = format!("/referrals/{referral}/goals/{goal}/edit");
        let (status, ..) = send(&lw, &edit, &edit, &[("description", "Visit my brother monthly"), ("goal_status", "in_progress"), ("version", &hidden(&lw.get(&edit).await.1, "version"))]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let person = w.store.referral_header(&referral).await.unwrap().unwrap().person_id;
        let manager = Api::new(&w, &w.pcn, Role::Manager).await;
        assert_eq!(manager.post(&format!("/api/people/{person}/erase"), json!({"reason": "Request, ref SAR-11", "confirm": "yes"})).await.0, StatusCode::NO_CONTENT);
        let history = plan_history_values(&w.url, &referral).await;
        assert_eq!(history.len(), 3, "what changed and when is kept");
        assert!(history.iter().flatten().flatten().all(|v| !v.contains("brother")), "the history keeps no words of the person's: {history:?}");
    })
    .await;
}
