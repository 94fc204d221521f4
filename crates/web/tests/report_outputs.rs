//! The report's frame over HTTP on SQLite and PostgreSQL: scope selection within the user's own
//! organisation (PCN, practice; an ICB's commissioner also any of its PCNs), the scope named in
//! every download, the PDF download, and the dashboard's tiles and word cloud (only words at least
//! eight different people used; names and numbers never shown).

mod support;

use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use linkwork_domain::casework::plan::WhatMatters;
use linkwork_domain::casework::referral::{ReferralReason, ReferralSource};
use linkwork_domain::{NhsNumber, Postcode, RequiredText};
use linkwork_store::testing::fresh_database_urls;
use linkwork_store::*;
use reqwest::StatusCode;
use support::*;
use time::Duration;

fn new_referral(w: &World, n: u32, given: &str) -> NewReferral {
    NewReferral {
        service_org_id: w.pcn.clone(),
        person: PersonDetails {
            nhs_number: NhsNumber::parse(&nhs_number(n)).unwrap(),
            given_name: RequiredText::parse("g", "name", given).unwrap(),
            family_name: RequiredText::parse("f", "name", "Quigley").unwrap(),
            date_of_birth: DateOfBirth::new(time::macros::date!(1950 - 05 - 01), today()).unwrap(),
            sex: Sex::Female,
            ethnicity: Ethnicity::WhiteBritish,
            postcode: Postcode::parse("LS1 4AP").unwrap(),
        },
        practice_id: Some(w.practice.clone()),
        source: ReferralSource::GpPractice,
        referrer_name: "Dr Shah".into(),
        reason: ReferralReason::parse("reason", "reason", "Isolated").unwrap(),
        needs: vec![NeedDomain::Loneliness],
        referred_on: today() - Duration::days(30),
        assigned_worker_id: None,
        consent: Default::default(),
        contact: Default::default(),
    }
}

/// Nine people say "garden" (and their own names and a postcode); seven say "choir".
async fn seed(w: &World) {
    let who = AuditActor {
        user_id: None,
        token_id: None,
        org_id: Some(w.pcn.clone()),
    };
    for n in 0..9u32 {
        let given = [
            "Bethan", "Cyril", "Dora", "Edwin", "Fenella", "Gwilym", "Hester", "Ivor", "Jocasta",
        ][n as usize];
        let id = w
            .store
            .create_referral(&who, &new_referral(w, n, given))
            .await
            .unwrap();
        let text = if n < 7 {
            format!("My garden, the choir and Quigley family. {given} lives at LS1 4AP, flat 12")
        } else {
            format!("Getting back to my garden, says {given}")
        };
        let conversation = NewConversation {
            held_on: today() - Duration::days(20),
            what_matters: WhatMatters::parse("w", "w", &text).unwrap(),
            needs: vec![NeedDomain::Loneliness],
            goals: vec![],
        };
        w.store
            .record_conversation(&who, &id, &conversation)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn scopes_downloads_and_dashboard() {
    let dir = std::env::temp_dir().join("linkwork-web-report-outputs");
    std::fs::create_dir_all(&dir).unwrap();
    for (_backend, url) in fresh_database_urls(&dir).await {
        let w = spawn(&url).await;
        seed(&w).await;
        check(&w).await;
    }
}

async fn check(w: &World) {
    let period = format!("from={}&to={}", today() - Duration::days(364), today());
    let manager = Browser::login(&w.base, "manager@test.org").await;

    // The PCN's manager may choose the PCN or its practice, never another PCN.
    let (status, html) = manager.get(&format!("/report?{period}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("PCN: Test PCN (U99999)")
            && html.contains("Practice: Test Surgery (Z00001), Test PCN"),
        "{html}"
    );
    assert!(html.contains("Download PDF") && html.contains(r##"href="#lw-report-summary""##));
    assert!(!html.contains("Other PCN"));
    let (status, html) = manager
        .get(&format!("/report?{period}&scope=practice:{}", w.practice))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Test Surgery (Z00001), Test PCN")
            && html.contains("--scope practice:Z00001")
    );
    assert_eq!(
        manager
            .get(&format!("/report?{period}&scope=pcn:{}", w.other_pcn))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        manager
            .get(&format!("/report.csv?{period}&scope=icb:{}", w.icb))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // Downloads name the scope and period; the ODS form of the scope works too.
    let (status, csv) = manager
        .get(&format!("/report.csv?{period}&scope=practice:Z00001"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with(
        "id,section,label,value,n,ci95_low,ci95_high,unit,definition,period,exclusions,scope\n"
    ));
    assert!(
        csv.lines().any(|l| l.starts_with("reach.list_size,")
            && l.contains(",9000,")
            && l.ends_with(",\"Test Surgery (Z00001), Test PCN\"")),
        "{csv}"
    );
    let (status, json) = manager
        .get(&format!("/report.json?{period}&scope=practice:Z00001"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(json["reproduce"]
        .as_str()
        .unwrap()
        .contains("--scope practice:Z00001"));
    assert!(json["figures"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["period"]
            .as_str()
            .unwrap()
            .ends_with(&today().to_string())));
    let (status, html) = manager.get(&format!("/report.html?{period}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Scope type")
            && html.contains("Primary care network")
            && html.contains("Appendix: how to reproduce")
    );

    // The API takes the same scope, within the token's organisation.
    let token = linkwork_app::accounts::new_api_token();
    w.store
        .create_api_token(
            &linkwork_app::accounts::hash_api_token(&token),
            &w.pcn,
            linkwork_domain::access::Role::Manager,
            Some("test"),
        )
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let api: serde_json::Value = http
        .get(format!(
            "{}/api/report?{period}&scope=practice:Z00001",
            w.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["report"]["scope"], "Test Surgery (Z00001), Test PCN");
    let other = http
        .get(format!("{}/api/report?{period}&scope=pcn:U88888", w.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);

    // The commissioner may choose any PCN of their ICB.
    let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
    let (status, html) = commissioner
        .get(&format!("/report?{period}&scope=pcn:{}", w.other_pcn))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Other PCN (U88888)"));
    let partner = Browser::login(&w.base, "partner@test.org").await;
    assert_eq!(
        partner.get(&format!("/report.pdf?{period}")).await.0,
        StatusCode::FORBIDDEN
    );

    // The PDF, where a browser is installed to print it.
    if chromium_or_skip("the PDF download check") {
        let res = manager
            .http
            .get(format!("{}/report.pdf?{period}", w.base))
            .header("cookie", &manager.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert!(res.bytes().await.unwrap().starts_with(b"%PDF-"));
    }

    // The dashboard: tiles with trends, and a word cloud of words nine people used, without names,
    // postcodes, numbers, or "choir" (seven people).
    let (status, html) = commissioner.get("/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    for tile in [
        "Referrals",
        "Referral rate",
        "People supported",
        "Median wait to first contact",
        "SWEMWBS mean change",
        "Out of the loneliness band",
        "Onward referrals accepted",
    ] {
        assert!(html.contains(tile), "{tile}");
    }
    assert!(html.contains("By quarter:"));
    assert!(
        html.contains(
            ">garden</th><td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">10</td>"
        ),
        "{html}"
    );
    let cloud = &html[html.find("What matters to people").unwrap()..];
    for hidden in [
        "choir", "quigley", "Quigley", "bethan", "Bethan", "ls1", "4ap", "flat", "12<",
    ] {
        assert!(
            !cloud.contains(hidden),
            "{hidden} leaked into the word cloud"
        );
    }
    let (status, html) = commissioner
        .get(&format!("/dashboard?scope=practice:{}", w.practice))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Test Surgery (Z00001), Test PCN") && html.contains(">garden<"));
}
