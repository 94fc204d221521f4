//! A link worker's day (issue 12): Today, a caseload of their own people with search, filters and
//! paging, unassigned referrals assigned from triage, the manager's caseloads by worker, and a
//! contact logged from the caseload in two clicks. On SQLite and PostgreSQL.

use crate::support;

use reqwest::StatusCode;
use support::*;

fn referral<'a>(nhs: &'a str, given: &'a str, family: &'a str, practice: &'a str, referred_on: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("nhs_number", nhs),
        ("given_name", given),
        ("family_name", family),
        ("date_of_birth", "1970-04-01"),
        ("sex", "2"),
        ("ethnicity", "A"),
        ("postcode", "LS1 4AP"),
        ("mobile", "07700 900123"),
        ("practice_id", practice),
        ("referred_on", referred_on),
        ("source", "gp_practice"),
        ("referrer_name", "Dr Patel"),
        ("reason", "Lonely since moving"),
        ("needs", "loneliness"),
        ("consent", "yes"),
        ("lawful_basis", "direct_care"),
    ]
}

/// Records a referral as `b` and returns its record path (`/referrals/{id}`).
async fn refer(b: &Browser, w: &World, n: u32, given: &str, family: &str, referred_on: &str) -> String {
    let nhs = nhs_number(n);
    let (status, location, html) = b.post("/referrals/new", "/referrals/new", &referral(&nhs, given, family, &w.practice, referred_on)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    location.split('?').next().unwrap().to_owned()
}

async fn refer_and_accept(b: &Browser, w: &World, n: u32, given: &str, family: &str, referred_on: &str) -> String {
    let record = refer(b, w, n, given, family, referred_on).await;
    let (status, ..) = b.post(&record, &format!("{record}/accept"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    record
}

fn days_ago(n: i64) -> String {
    (today() - time::Duration::days(n)).to_string()
}

async fn user_id(w: &World, email: &str) -> String {
    w.store.users(&w.pcn, None).await.unwrap().into_iter().find(|u| u.email == email).unwrap().id
}

#[tokio::test]
async fn my_caseload_holds_only_my_people_and_unassigned_referrals_wait_in_triage() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let lw2 = Browser::login(&w.base, "lw2@test.org").await;
        refer_and_accept(&lw, &w, 1, "Mine", "Accepted", &days_ago(3)).await;
        refer_and_accept(&lw2, &w, 2, "Theirs", "Accepted", &days_ago(3)).await;
        refer(&lw, &w, 3, "Nobodys", "New", &days_ago(1)).await;
        let (_, caseload) = lw.get("/caseload").await;
        assert!(caseload.contains("Mine Accepted"), "{caseload}");
        assert!(!caseload.contains("Theirs Accepted"), "another link worker's person is not on my caseload");
        assert!(!caseload.contains("Nobodys New"), "an unassigned referral is not on my caseload");
        let (_, triage) = lw.get("/triage").await;
        assert!(triage.contains("Nobodys New") && triage.contains("Assign to me"), "it waits in triage: {triage}");
    })
    .await;
}

#[tokio::test]
async fn the_caseload_is_searched_by_name_or_nhs_number() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        refer_and_accept(&lw, &w, 11, "Agnes", "Searchable", &days_ago(3)).await;
        refer_and_accept(&lw, &w, 12, "Bertie", "Other", &days_ago(3)).await;
        let (_, html) = lw.get("/caseload?q=agnes+searchable").await;
        assert!(html.contains("Agnes Searchable") && !html.contains("Bertie Other"), "{html}");
        let nhs = nhs_number(12);
        let spaced = format!("{} {} {}", &nhs[..3], &nhs[3..6], &nhs[6..]);
        let (_, html) = lw.get(&format!("/caseload?q={}", spaced.replace(' ', "+"))).await;
        assert!(html.contains("Bertie Other") && !html.contains("Agnes Searchable"), "an NHS number as written on a letter");
        let (_, html) = lw.get("/caseload?q=nobody").await;
        assert!(html.contains("No one matches this search"));
    })
    .await;
}

#[tokio::test]
async fn the_caseload_is_filtered_by_status_and_attention() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        // Accepted 20 days ago with no contact: red. Accepted today: green.
        refer_and_accept(&lw, &w, 21, "Waiting", "Long", &days_ago(20)).await;
        refer_and_accept(&lw, &w, 22, "Just", "Referred", &days_ago(0)).await;
        let (_, red) = lw.get("/caseload?attention=red").await;
        assert!(red.contains("Waiting Long") && !red.contains("Just Referred"), "{red}");
        let (_, green) = lw.get("/caseload?attention=green").await;
        assert!(green.contains("Just Referred") && !green.contains("Waiting Long"));
        let (_, closed) = lw.get("/caseload?status=closed").await;
        assert!(!closed.contains("Waiting Long") && closed.contains("No one matches"));
    })
    .await;
}

#[tokio::test]
async fn a_long_caseload_is_paged() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        for n in 0..27 {
            refer_and_accept(&lw, &w, 100 + n, "Paged", &format!("Person{n:02}"), &days_ago(2)).await;
        }
        let (_, first) = lw.get("/caseload").await;
        assert!(first.contains("27 people, page 1 of 2"), "{first}");
        assert_eq!(first.matches("\">Paged Person").count(), 25);
        assert!(first.contains("href=\"/caseload?page=2\""));
        let (_, second) = lw.get("/caseload?page=2").await;
        assert_eq!(second.matches("\">Paged Person").count(), 2);
        assert!(second.contains("href=\"/caseload\"") && second.contains("Previous"));
        let (status, _) = lw.get("/caseload?page=99").await;
        assert_eq!(status, StatusCode::OK, "a page past the end shows the last page");
    })
    .await;
}

#[tokio::test]
async fn a_manager_sees_one_link_workers_caseload_from_the_team_page() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let lw2 = Browser::login(&w.base, "lw2@test.org").await;
        refer_and_accept(&lw, &w, 31, "Held", "ByOne", &days_ago(3)).await;
        refer_and_accept(&lw2, &w, 32, "Held", "ByTwo", &days_ago(3)).await;
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let one = user_id(&w, "lw@test.org").await;
        let (_, team) = manager.get("/team").await;
        assert!(team.contains(&format!("href=\"/caseload?worker={one}\"")), "the team's names link to their caseloads");
        let (_, html) = manager.get(&format!("/caseload?worker={one}")).await;
        assert!(html.contains("Held ByOne") && !html.contains("Held ByTwo"), "{html}");
        let (_, all) = manager.get("/caseload").await;
        assert!(all.contains("Held ByOne") && all.contains("Held ByTwo"));
    })
    .await;
}

#[tokio::test]
async fn a_manager_assigns_an_unassigned_referral_from_triage() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let record = refer(&lw, &w, 41, "To", "Assign", &days_ago(1)).await;
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let two = user_id(&w, "lw2@test.org").await;
        let (status, location, _) = manager.post("/triage", &format!("{record}/reassign"), &[("worker_id", &two), ("return_to", "triage")]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/triage?notice=assigned"));
        let id = record.trim_start_matches("/referrals/");
        let held = w.store.referral_header(id).await.unwrap().unwrap().assigned_worker_id;
        assert_eq!(held.as_deref(), Some(two.as_str()));
    })
    .await;
}

#[tokio::test]
async fn a_link_worker_takes_an_unassigned_referral_but_not_anothers() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let me = user_id(&w, "lw@test.org").await;
        let two = user_id(&w, "lw2@test.org").await;
        let record = refer(&lw, &w, 51, "Take", "Me", &days_ago(1)).await;
        let (status, ..) = lw.post("/triage", &format!("{record}/reassign"), &[("worker_id", &two), ("return_to", "triage")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a link worker does not hand work to someone else");
        let (status, ..) = lw.post("/triage", &format!("{record}/reassign"), &[("worker_id", &me), ("return_to", "triage")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, caseload) = lw.get("/caseload").await;
        assert!(caseload.contains("Take Me"), "now on my caseload");
        let (status, ..) = lw.post(&record, &format!("{record}/reassign"), &[("worker_id", &me)]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "an assigned referral is the manager's to move");
    })
    .await;
}

#[tokio::test]
async fn today_shows_people_to_contact_measures_due_and_triage() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        refer_and_accept(&lw, &w, 61, "Overdue", "Contact", &days_ago(20)).await;
        refer(&lw, &w, 62, "In", "Triage", &days_ago(1)).await;
        let (status, html) = lw.get("/today").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("People to contact") && html.contains("Overdue Contact"), "{html}");
        assert!(html.contains("Measures due") && html.contains("Onward referrals with no answer"));
        assert!(html.contains("Waiting in triage") && !html.contains("In Triage"), "triage is a count, not names");
        assert!(html.contains("Log contact"), "a contact can be logged from Today");
    })
    .await;
}

#[tokio::test]
async fn signing_in_as_a_link_worker_opens_today() {
    on_each_database(|w| async move {
        let b = Browser::new(&w.base);
        let form = b.http.get(format!("{}/login", w.base)).send().await.unwrap();
        let cookie = form.headers()[reqwest::header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
        let csrf = csrf_in(&form.text().await.unwrap());
        let r = b.http.post(format!("{}/login", w.base)).header(reqwest::header::COOKIE, cookie).form(&[("csrf_token", csrf.as_str()), ("email", "lw@test.org"), ("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(r.headers()[reqwest::header::LOCATION], "/today");
    })
    .await;
}

#[tokio::test]
async fn the_contact_form_offers_today_the_last_way_and_length_and_returns_to_the_caseload() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let record = refer_and_accept(&lw, &w, 71, "Quick", "Contact", &days_ago(5)).await;
        let form = format!("{record}/contacts/new");
        let (status, ..) = lw.post(&form, &form, &[("contact_on", &days_ago(2)), ("mode", "home_visit"), ("minutes", "45"), ("accompanied", "no")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, caseload) = lw.get("/caseload").await;
        let quick = format!("{form}?from=caseload");
        assert!(caseload.contains(&quick), "Log contact on the caseload line");
        let (_, html) = lw.get(&quick).await;
        let doc = scraper::Html::parse_document(&html);
        let value = |css: &str| doc.select(&scraper::Selector::parse(css).unwrap()).next().map(|e| e.value().attr("value").unwrap_or_default().to_owned());
        assert_eq!(value("input[name=mode][checked]").as_deref(), Some("home_visit"), "the last way of contact");
        assert_eq!(value("input[name=minutes]").as_deref(), Some("45"), "the last contact's length");
        assert_eq!(value("input[name=accompanied][checked]").as_deref(), Some("no"));
        assert_eq!(value("input[name=contact_on-day]").as_deref(), Some(today().day().to_string().as_str()), "today");
        // Saving the offered form as it is: the second click.
        let (status, location, _) = lw.post(&quick, &quick, &[("contact_on", &today().to_string()), ("mode", "home_visit"), ("minutes", "45"), ("accompanied", "no")]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/caseload?notice=contact"));
        let (_, back) = lw.get(&location).await;
        assert!(back.contains("nhsuk-") && back.contains("My caseload"));
    })
    .await;
}

#[tokio::test]
async fn a_first_contact_form_offers_a_phone_call_of_thirty_minutes() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let record = refer_and_accept(&lw, &w, 81, "First", "Contact", &days_ago(1)).await;
        let (_, html) = lw.get(&format!("{record}/contacts/new")).await;
        assert!(html.contains("value=\"30\""), "{html}");
    })
    .await;
}
