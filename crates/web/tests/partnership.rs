//! What each partner and each funder sees (issue 4), over HTTP on SQLite and PostgreSQL: the
//! partner feedback report shows only the partner's own organisation with small numbers
//! suppressed, other partners' reports answer 404, link workers cannot open the gap and network
//! reports, the gap report names an unmet need and a service whose funding ends soon, the network
//! shows the service → partner edges, and every CSV has its header.

mod support;

use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::onward::{OnwardDeclineReason, OnwardStatus};
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use linkwork_domain::casework::referral::{ReferralReason, ReferralSource};
use linkwork_domain::{NhsNumber, Postcode, RequiredText};
use linkwork_store::testing::fresh_database_urls;
use linkwork_store::*;
use reqwest::StatusCode;
use support::*;
use time::Duration;



fn new_referral(w: &World, n: u32) -> NewReferral {
    NewReferral {
        service_org_id: w.pcn.clone(),
        person: PersonDetails {
            nhs_number: NhsNumber::parse(&nhs_number(n)).unwrap(),
            given_name: RequiredText::parse("g", "name", &format!("Person{n}")).unwrap(),
            family_name: RequiredText::parse("f", "name", "Example").unwrap(),
            date_of_birth: DateOfBirth::new(time::macros::date!(1950 - 05 - 01), today()).unwrap(),
            sex: Sex::Female,
            ethnicity: Ethnicity::WhiteBritish,
            postcode: Postcode::parse("LS1 4AP").unwrap(),
        },
        practice_id: Some(w.practice.clone()),
        source: ReferralSource::GpPractice,
        referrer_name: "Dr Shah".into(),
        reason: ReferralReason::parse("reason", "reason", "Isolated and worried about housing").unwrap(),
        needs: vec![NeedDomain::Loneliness, NeedDomain::Housing],
        referred_on: today() - Duration::days(30),
        assigned_worker_id: None,
        consent: Default::default(),
        contact: Default::default(),
    }
}

/// 13 referrals needing company and housing (no service meets housing). Three go on to the
/// partner's walks and are accepted; ten go on to the other charity's debt advice (funding ends
/// in two months, 12 waiting), eight of them declined for lack of capacity.
async fn seed(w: &World) -> String {
    let who = AuditActor { user_id: None, token_id: None, org_id: Some(w.pcn.clone()) };
    let partner = AuditActor { user_id: None, token_id: None, org_id: Some(w.vcse.clone()) };
    let other = AuditActor { user_id: None, token_id: None, org_id: Some(w.other_vcse.clone()) };
    let debt = w
        .store
        .create_service(&NewService { org_id: w.other_vcse.clone(), name: "Debt advice".into(), description: "Money help".into(), needs: vec![NeedDomain::MoneyDebtBenefits], address: None, postcode: None, phone: None, email: None })
        .await
        .unwrap();
    let profile = ServiceProfile { waiting_list: Some(12), funding_ends_on: Some(today() + Duration::days(60)), ..ServiceProfile::default() };
    w.store.set_service_profile(&debt, &profile).await.unwrap();
    let referrals = w.store.create_referrals(&who, &(0..13).map(|n| new_referral(w, n)).collect::<Vec<_>>()).await.unwrap();
    let sent_on = today() - Duration::days(20);
    let answered = today() - Duration::days(15);
    for id in &referrals[..3] {
        let onward = w.store.create_onward(&who, id, &w.service, sent_on, None).await.unwrap();
        w.store.change_onward(&partner, &onward, &OnwardChange { from: OnwardStatus::Sent, to: OnwardStatus::Accepted, on: answered, decline_reason: None }).await.unwrap();
    }
    for (i, id) in referrals[..10].iter().enumerate() {
        let onward = w.store.create_onward(&who, id, &debt, sent_on, None).await.unwrap();
        let change = if i < 8 {
            OnwardChange { from: OnwardStatus::Sent, to: OnwardStatus::Declined, on: answered, decline_reason: Some(OnwardDeclineReason::NoCapacity) }
        } else {
            OnwardChange { from: OnwardStatus::Sent, to: OnwardStatus::Accepted, on: answered, decline_reason: None }
        };
        w.store.change_onward(&other, &onward, &change).await.unwrap();
    }
    debt
}

/// The page's text, entities decoded.
fn text(html: &str) -> String {
    scraper::Html::parse_document(html).root_element().text().collect()
}

fn cell_after(html: &str, label: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let rows = scraper::Selector::parse("tr").unwrap();
    let th = scraper::Selector::parse("th").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    doc.select(&rows)
        .find(|r| r.select(&th).next().is_some_and(|h| h.text().collect::<String>().trim() == label))
        .and_then(|r| r.select(&td).next().map(cell_text))
        .unwrap_or_else(|| panic!("a row {label}"))
}

#[tokio::test]
async fn partner_gap_and_network_reports_on_every_database() {
    let dir = std::env::temp_dir().join("linkwork-web-partnership");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = spawn(&url).await;
        seed(&w).await;
        api(&w).await;

        // The partner sees its own organisation only, with the 3 referrals it received as *.
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let (status, html) = partner.get("/partner/report").await;
        assert_eq!(status, StatusCode::OK, "{backend}: partner report");
        assert!(text(&html).contains("Walk & Talk <CIC>") && !html.contains("<CIC>"), "{backend}: the partner's name, escaped");
        assert!(html.contains(r#"href="/partner/report""#), "{backend}: nav link");
        assert_eq!(cell_after(&html, "Referrals received"), "*", "{backend}: 3 received shows as *");
        assert!(html.contains("Tuesday walks"), "{backend}");
        assert!(!html.contains("Debt advice") && !html.contains("Other Charity"), "{backend}: nothing of another partner");
        assert!(html.contains(r#"role="img""#), "{backend}: a chart");
        let (status, _) = partner.get(&format!("/reports/partners/{}", w.other_vcse)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend}: another partner's report (403 whatever the id)");
        let (status, _) = partner.get("/reports/gaps").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend}: partner on the gap report");
        let (status, csv) = partner.get("/partner/report.csv").await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with("figure,label,breakdown,value\r\n"), "{backend}: {csv}");
        assert!(csv.contains("received,Referrals received,,*\r\n"), "{backend}: {csv}");
        assert!(!csv.contains("Debt advice"), "{backend}");
        let (status, _) = partner.get("/partner/report?from=2026-13-01").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: a bad date");

        // The other partner sees its 10 (8 declined for capacity: 10 after rounding).
        let other = Browser::login(&w.base, "partner.other@test.org").await;
        let (_, html) = other.get("/partner/report").await;
        assert_eq!(cell_after(&html, "Referrals received"), "10", "{backend}");
        assert_eq!(cell_after(&html, "No capacity"), "10", "{backend}");
        assert!(!html.contains("Tuesday walks"), "{backend}");

        // Managers and commissioners open any partner's report; link workers and practices cannot.
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let (status, html) = manager.get(&format!("/reports/partners/{}", w.vcse)).await;
        assert_eq!(status, StatusCode::OK, "{backend}: manager on a partner's report");
        assert_eq!(cell_after(&html, "Referrals received"), "*", "{backend}");
        let (status, csv) = manager.get(&format!("/reports/partners/{}/report.csv", w.other_vcse)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.contains("received,Referrals received,,10\r\n"), "{backend}: {csv}");
        let (status, html) = manager.get("/reports/partners").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("/reports/partners/{}", w.vcse)), "{backend}: index of partners");
        let (status, _) = manager.get(&format!("/reports/partners/{}", w.pcn)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend}: not a partner");
        let (_, dashboard) = manager.get("/dashboard").await;
        assert!(dashboard.contains(r#"href="/reports/gaps""#) && dashboard.contains(r#"href="/reports/network""#), "{backend}: dashboard links");

        let lw = Browser::login(&w.base, "lw@test.org").await;
        for path in ["/reports/gaps", "/reports/network", "/reports/gaps.csv", "/reports/network.csv", "/partner/report"] {
            let (status, _) = lw.get(path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{backend}: link worker on {path}");
        }
        let (status, _) = lw.get(&format!("/reports/partners/{}", w.vcse)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend}: link worker on a partner's report");

        // The gap report, for the commissioner (the ICB's PCNs).
        let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
        let (status, html) = commissioner.get("/reports/gaps").await;
        assert_eq!(status, StatusCode::OK, "{backend}: gap report");
        assert!(html.contains(r#"role="img""#), "{backend}: a chart");
        assert!(html.contains("Needs identified with people for which no active service is listed"), "{backend}");
        assert_eq!(cell_after(&html, "Housing and homelessness"), "15", "{backend}: 13 people with an unmet housing need, rounded");
        assert!(html.contains("Debt advice (Other Charity)"), "{backend}: funding ending soon");
        assert!(html.contains(&linkwork_domain::format_date_long(today() + Duration::days(60))), "{backend}: the end date");
        let (status, csv) = commissioner.get("/reports/gaps.csv").await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with("figure,item,value\r\n"), "{backend}: {csv}");
        assert!(csv.contains("unmet_need,Housing and homelessness,15\r\n"), "{backend}: {csv}");
        assert!(csv.contains("funding_ending_referrals,Debt advice (Other Charity),10\r\n"), "{backend}: {csv}");
        assert!(csv.contains("capacity_declines,Debt advice,10\r\n"), "{backend}: {csv}");
        assert!(csv.contains("waiting_list,Debt advice (Other Charity),12\r\n"), "{backend}: {csv}");

        // The network: service → partner edges, with counts and the trend.
        let (status, html) = commissioner.get("/reports/network").await;
        assert_eq!(status, StatusCode::OK, "{backend}: network");
        assert!(html.contains(r#"role="img""#), "{backend}: a chart");
        assert!(html.contains("Link workers") && html.contains("Other Charity") && text(&html).contains("Walk & Talk <CIC>"), "{backend}");
        let (status, csv) = commissioner.get("/reports/network.csv").await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with("from,to,quarter,referrals\r\n"), "{backend}: {csv}");
        assert!(csv.contains("Link workers,Other Charity,all,10\r\n"), "{backend}: {csv}");
        assert!(csv.contains("Link workers,Walk & Talk <CIC>,all,*\r\n"), "{backend}: {csv}");
        let (status, html) = manager.get("/reports/network").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Test PCN"), "{backend}: the manager's scope");
        eprintln!("{backend}: partnership reports passed");
    }
}

/// The same reports through the JSON API, with the same rules.
async fn api(w: &World) {
    use linkwork_domain::access::Role;
    let http = reqwest::Client::new();
    let token = |org: String, role: Role| {
        let store = w.store.clone();
        async move {
            let t = linkwork_app::accounts::new_api_token();
            store.create_api_token(&linkwork_app::accounts::hash_api_token(&t), &org, role, None).await.unwrap();
            t
        }
    };
    let partner = token(w.vcse.clone(), Role::VcsePartner).await;
    let commissioner = token(w.icb.clone(), Role::Commissioner).await;
    let lw = token(w.pcn.clone(), Role::LinkWorker).await;
    let get = |path: String, t: String| {
        let http = http.clone();
        async move { http.get(path).bearer_auth(t).send().await.unwrap() }
    };
    let own: serde_json::Value = get(format!("{}/api/partner/report", w.base), partner.clone()).await.json().await.unwrap();
    assert_eq!(own["received"], "*", "3 received is suppressed in the API too");
    assert_eq!(get(format!("{}/api/reports/partners/{}", w.base, w.other_vcse), partner.clone()).await.status(), StatusCode::FORBIDDEN, "a partner never reads another partner's report, whatever the id");
    assert_eq!(get(format!("{}/api/reports/gaps", w.base), lw.clone()).await.status(), StatusCode::FORBIDDEN);
    let gaps: serde_json::Value = get(format!("{}/api/reports/gaps", w.base), commissioner.clone()).await.json().await.unwrap();
    assert!(gaps["report"]["unmet_needs"].is_array());
    let network: serde_json::Value = get(format!("{}/api/reports/network", w.base), commissioner.clone()).await.json().await.unwrap();
    assert!(network["edges"].as_array().unwrap().iter().any(|e| e["from"] == "Link workers"));
    let other: serde_json::Value = get(format!("{}/api/reports/partners/{}", w.base, w.other_vcse), commissioner).await.json().await.unwrap();
    assert!(other["partner"].as_str().unwrap().contains("Other Charity"));
}
