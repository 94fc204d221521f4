//! What each partner and each funder sees (issue 4), over HTTP, each test on SQLite and PostgreSQL: the
//! partner feedback report shows only the partner's own organisation with small numbers
//! suppressed, other partners' reports answer 404, link workers cannot open the gap and network
//! reports, the gap report names an unmet need and a service whose funding ends soon, the network
//! shows the service → partner edges, and every CSV has its header.

use crate::support;

use linkwork_domain::access::Role;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::onward::{OnwardDeclineReason, OnwardStatus};
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use linkwork_domain::casework::referral::{ReferralReason, ReferralSource};
use linkwork_domain::{NhsNumber, Postcode, RequiredText};
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
        needs_to_confirm: false,
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

/// A seeded world and a browser signed in as `email`.
async fn seeded_as(w: &World, email: &str) -> Browser {
    seed(w).await;
    Browser::login(&w.base, email).await
}

// The partner's own report

#[tokio::test]
async fn a_partner_sees_its_own_organisation_with_small_numbers_suppressed() {
    on_each_database(|w| async move {
        let partner = seeded_as(&w, "partner@test.org").await;
        let (status, html) = partner.get("/partner/report").await;
        assert_eq!(status, StatusCode::OK);
        assert!(text(&html).contains("Walk & Talk <CIC>") && !html.contains("<CIC>"), "the partner's name, escaped");
        assert!(html.contains(r#"href="/partner/report""#), "nav link");
        assert_eq!(cell_after(&html, "Referrals received"), "*", "3 received shows as *");
        assert!(html.contains("Tuesday walks") && html.contains(r#"role="img""#));
    })
    .await;
}

#[tokio::test]
async fn a_partners_report_shows_nothing_of_another_partner() {
    on_each_database(|w| async move {
        let partner = seeded_as(&w, "partner@test.org").await;
        let (_, html) = partner.get("/partner/report").await;
        assert!(!html.contains("Debt advice") && !html.contains("Other Charity"));
        let (_, csv) = partner.get("/partner/report.csv").await;
        assert!(!csv.contains("Debt advice"));
    })
    .await;
}

#[tokio::test]
async fn a_partner_cannot_open_another_partners_report_or_the_gap_report() {
    on_each_database(|w| async move {
        let partner = seeded_as(&w, "partner@test.org").await;
        assert_eq!(partner.get(&format!("/reports/partners/{}", w.other_vcse)).await.0, StatusCode::FORBIDDEN, "403 whatever the id");
        assert_eq!(partner.get("/reports/gaps").await.0, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn a_partners_csv_has_its_header_and_suppresses_small_numbers() {
    on_each_database(|w| async move {
        let partner = seeded_as(&w, "partner@test.org").await;
        let (status, csv) = partner.get("/partner/report.csv").await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with("figure,label,breakdown,value\r\n"), "{csv}");
        assert!(csv.contains("received,Referrals received,,*\r\n"), "{csv}");
    })
    .await;
}

#[tokio::test]
async fn a_partner_report_for_an_impossible_date_is_refused() {
    on_each_database(|w| async move {
        let partner = Browser::login(&w.base, "partner@test.org").await;
        assert_eq!(partner.get("/partner/report?from=2026-13-01").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn the_other_partner_sees_its_referrals_and_capacity_declines_rounded() {
    on_each_database(|w| async move {
        let other = seeded_as(&w, "partner.other@test.org").await;
        let (_, html) = other.get("/partner/report").await;
        // 10 received, 8 declined for capacity (10 after rounding to 5).
        assert_eq!((cell_after(&html, "Referrals received"), cell_after(&html, "No capacity")), ("10".to_owned(), "10".to_owned()));
        assert!(!html.contains("Tuesday walks"));
    })
    .await;
}

// Managers, link workers and commissioners

#[tokio::test]
async fn a_manager_opens_any_partners_report_and_its_csv() {
    on_each_database(|w| async move {
        let manager = seeded_as(&w, "manager@test.org").await;
        let (status, html) = manager.get(&format!("/reports/partners/{}", w.vcse)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(cell_after(&html, "Referrals received"), "*");
        let (status, csv) = manager.get(&format!("/reports/partners/{}/report.csv", w.other_vcse)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.contains("received,Referrals received,,10\r\n"), "{csv}");
    })
    .await;
}

#[tokio::test]
async fn a_manager_finds_every_partner_in_the_index_and_the_reports_on_the_dashboard() {
    on_each_database(|w| async move {
        let manager = seeded_as(&w, "manager@test.org").await;
        let (status, html) = manager.get("/reports/partners").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("/reports/partners/{}", w.vcse)));
        let (_, dashboard) = manager.get("/dashboard").await;
        assert!(dashboard.contains(r#"href="/reports/gaps""#) && dashboard.contains(r#"href="/reports/network""#));
    })
    .await;
}

#[tokio::test]
async fn an_organisation_that_is_not_a_partner_has_no_partner_report() {
    on_each_database(|w| async move {
        let manager = Browser::login(&w.base, "manager@test.org").await;
        assert_eq!(manager.get(&format!("/reports/partners/{}", w.pcn)).await.0, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn link_workers_cannot_open_the_partner_gap_or_network_reports() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let partner_report = format!("/reports/partners/{}", w.vcse);
        for path in ["/reports/gaps", "/reports/network", "/reports/gaps.csv", "/reports/network.csv", "/partner/report", partner_report.as_str()] {
            assert_eq!(lw.get(path).await.0, StatusCode::FORBIDDEN, "{path}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_gap_report_names_the_unmet_need_and_the_service_whose_funding_ends_soon() {
    on_each_database(|w| async move {
        let commissioner = seeded_as(&w, "commissioner@test.org").await;
        let (status, html) = commissioner.get("/reports/gaps").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(r#"role="img""#) && html.contains("Needs identified with people for which no active service is listed"));
        assert_eq!(cell_after(&html, "Housing and homelessness"), "15", "13 people with an unmet housing need, rounded");
        assert!(html.contains("Debt advice (Other Charity)"));
        assert!(html.contains(&linkwork_domain::format_date_long(today() + Duration::days(60))), "the end date");
    })
    .await;
}

#[tokio::test]
async fn the_gap_csv_lists_unmet_needs_funding_capacity_and_waiting_lists() {
    on_each_database(|w| async move {
        let commissioner = seeded_as(&w, "commissioner@test.org").await;
        let (status, csv) = commissioner.get("/reports/gaps.csv").await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with("figure,item,value\r\n"), "{csv}");
        for row in ["unmet_need,Housing and homelessness,15\r\n", "funding_ending_referrals,Debt advice (Other Charity),10\r\n", "capacity_declines,Debt advice,10\r\n", "waiting_list,Debt advice (Other Charity),12\r\n"] {
            assert!(csv.contains(row), "{row}: {csv}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_network_shows_the_edges_from_link_workers_to_partners() {
    on_each_database(|w| async move {
        let commissioner = seeded_as(&w, "commissioner@test.org").await;
        let (status, html) = commissioner.get("/reports/network").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(r#"role="img""#));
        assert!(html.contains("Link workers") && html.contains("Other Charity") && text(&html).contains("Walk & Talk <CIC>"));
    })
    .await;
}

#[tokio::test]
async fn the_network_csv_counts_each_edge_with_small_numbers_suppressed() {
    on_each_database(|w| async move {
        let commissioner = seeded_as(&w, "commissioner@test.org").await;
        let (status, csv) = commissioner.get("/reports/network.csv").await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with("from,to,quarter,referrals\r\n"), "{csv}");
        assert!(csv.contains("Link workers,Other Charity,all,10\r\n"), "{csv}");
        assert!(csv.contains("Link workers,Walk & Talk <CIC>,all,*\r\n"), "{csv}");
    })
    .await;
}

#[tokio::test]
async fn a_managers_network_is_scoped_to_their_service() {
    on_each_database(|w| async move {
        let manager = seeded_as(&w, "manager@test.org").await;
        let (status, html) = manager.get("/reports/network").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Test PCN"));
    })
    .await;
}

// The same reports through the JSON API, with the same rules.

async fn json(api: &Api, path: &str) -> serde_json::Value {
    let (status, body) = api.get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn api_a_partners_own_report_suppresses_small_numbers() {
    on_each_database(|w| async move {
        seed(&w).await;
        let partner = Api::new(&w, &w.vcse, Role::VcsePartner).await;
        assert_eq!(json(&partner, "/api/partner/report").await["received"], "*");
    })
    .await;
}

#[tokio::test]
async fn api_a_partner_never_reads_another_partners_report() {
    on_each_database(|w| async move {
        let partner = Api::new(&w, &w.vcse, Role::VcsePartner).await;
        assert_eq!(partner.get(&format!("/api/reports/partners/{}", w.other_vcse)).await.0, StatusCode::FORBIDDEN, "whatever the id");
    })
    .await;
}

#[tokio::test]
async fn api_link_workers_cannot_read_the_gap_report() {
    on_each_database(|w| async move {
        assert_eq!(Api::new(&w, &w.pcn, Role::LinkWorker).await.get("/api/reports/gaps").await.0, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn api_commissioners_read_the_gap_network_and_partner_reports() {
    on_each_database(|w| async move {
        seed(&w).await;
        let commissioner = Api::new(&w, &w.icb, Role::Commissioner).await;
        assert!(json(&commissioner, "/api/reports/gaps").await["report"]["unmet_needs"].is_array());
        assert!(json(&commissioner, "/api/reports/network").await["edges"].as_array().unwrap().iter().any(|e| e["from"] == "Link workers"));
        assert!(json(&commissioner, &format!("/api/reports/partners/{}", w.other_vcse)).await["partner"].as_str().unwrap().contains("Other Charity"));
    })
    .await;
}
