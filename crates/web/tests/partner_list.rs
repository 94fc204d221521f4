//! A VCSE partner's list of referrals to its services (issue 12): waiting times shown, search,
//! filters by status and by how long ago a referral was sent, and paging. On SQLite and PostgreSQL.

use crate::support;

use linkwork_store::AuditActor;
use reqwest::StatusCode;
use support::*;

/// An accepted referral for a new person, and an onward referral from it to the partner's
/// service sent `days_ago` days ago.
async fn referred_to_partner(w: &World, lw: &Browser, n: u32, given: &str, family: &str, days_ago: i64) {
    let nhs = nhs_number(n);
    let referred_on = (today() - time::Duration::days(60)).to_string();
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
        ("reason", "Lonely"),
        ("needs", "loneliness"),
    ];
    let (status, location, body) = lw.post("/referrals/new", "/referrals/new", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let record = location.split('?').next().unwrap().to_owned();
    lw.post(&record, &format!("{record}/accept"), &[]).await;
    let id = record.trim_start_matches("/referrals/");
    w.store.create_onward(&AuditActor::default(), id, &w.service, today() - time::Duration::days(days_ago), None).await.unwrap();
}

#[tokio::test]
async fn a_partner_sees_how_long_each_referral_has_waited_longest_first() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        referred_to_partner(&w, &lw, 1, "Recent", "Wait", 2).await;
        referred_to_partner(&w, &lw, 2, "Long", "Wait", 20).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let (_, html) = partner.get("/partner/referrals").await;
        assert!(html.contains("Waiting 20 days") && html.contains("Waiting 2 days"), "{html}");
        assert!(html.find("Long Wait").unwrap() < html.find("Recent Wait").unwrap(), "the longest wait first");
    })
    .await;
}

#[tokio::test]
async fn a_partner_filters_referrals_by_how_long_ago_they_were_sent() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        referred_to_partner(&w, &lw, 11, "Recent", "Wait", 2).await;
        referred_to_partner(&w, &lw, 12, "Long", "Wait", 20).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let (_, html) = partner.get("/partner/referrals?older_than=14").await;
        assert!(html.contains("Long Wait") && !html.contains("Recent Wait"), "{html}");
    })
    .await;
}

#[tokio::test]
async fn a_partner_filters_referrals_by_status_and_searches_by_name() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        referred_to_partner(&w, &lw, 21, "Amina", "Khan", 3).await;
        referred_to_partner(&w, &lw, 22, "Brian", "Cole", 3).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let (_, html) = partner.get("/partner/referrals?q=amina").await;
        assert!(html.contains("Amina Khan") && !html.contains("Brian Cole"));
        let (_, html) = partner.get("/partner/referrals?status=completed").await;
        assert!(!html.contains("Amina Khan") && html.contains("No referrals match"), "{html}");
        let (_, html) = partner.get("/partner/referrals?status=sent").await;
        assert!(html.contains("Amina Khan") && html.contains("Brian Cole"));
    })
    .await;
}

#[tokio::test]
async fn a_long_partner_list_is_paged() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        for n in 0..26 {
            referred_to_partner(&w, &lw, 100 + n, "Paged", &format!("Person{n:02}"), 1).await;
        }
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let (status, first) = partner.get("/partner/referrals").await;
        assert_eq!(status, StatusCode::OK);
        assert!(first.contains("26 referrals, page 1 of 2"), "{first}");
        let (_, second) = partner.get("/partner/referrals?page=2").await;
        assert_eq!(second.matches("\">Paged Person").count(), 1);
    })
    .await;
}
