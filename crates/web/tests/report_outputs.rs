//! The report's frame over HTTP, each test on SQLite and PostgreSQL: scope selection within the user's own
//! organisation (PCN, practice; an ICB's commissioner also any of its PCNs), the scope named in
//! every download, the PDF download, and the dashboard's tiles and word cloud (only words at least
//! eight different people used; names and numbers never shown).

use crate::support;

use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use linkwork_domain::casework::plan::WhatMatters;
use linkwork_domain::casework::referral::{ReferralReason, ReferralSource};
use linkwork_domain::{NhsNumber, Postcode, RequiredText};
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
        needs_to_confirm: false,
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

fn period() -> String {
    format!("from={}&to={}", today() - Duration::days(364), today())
}

async fn manager(w: &World) -> Browser {
    Browser::login(&w.base, "manager@test.org").await
}

// Scopes

#[tokio::test]
async fn a_pcn_manager_may_choose_the_pcn_or_its_practice_and_no_other_pcn() {
    on_each_database(|w| async move {
        let (status, html) = manager(&w).await.get(&format!("/report?{}", period())).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("PCN: Test PCN (U99999)") && html.contains("Practice: Test Surgery (Z00001), Test PCN"), "{html}");
        assert!(!html.contains("Other PCN"));
    })
    .await;
}

#[tokio::test]
async fn the_report_page_offers_the_pdf_and_its_contents() {
    on_each_database(|w| async move {
        let html = manager(&w).await.get(&format!("/report?{}", period())).await.1;
        assert!(html.contains("Download PDF") && html.contains(r##"href="#lw-report-summary""##));
    })
    .await;
}

#[tokio::test]
async fn a_practice_scope_is_named_and_reproducible() {
    on_each_database(|w| async move {
        let (status, html) = manager(&w).await.get(&format!("/report?{}&scope=practice:{}", period(), w.practice)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Test Surgery (Z00001), Test PCN") && html.contains("--scope practice:Z00001"));
    })
    .await;
}

#[tokio::test]
async fn another_pcn_or_the_icb_is_not_found_for_a_pcn_manager() {
    on_each_database(|w| async move {
        let manager = manager(&w).await;
        assert_eq!(manager.get(&format!("/report?{}&scope=pcn:{}", period(), w.other_pcn)).await.0, StatusCode::NOT_FOUND);
        assert_eq!(manager.get(&format!("/report.csv?{}&scope=icb:{}", period(), w.icb)).await.0, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn a_commissioner_may_choose_any_pcn_of_their_icb() {
    on_each_database(|w| async move {
        let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
        let (status, html) = commissioner.get(&format!("/report?{}&scope=pcn:{}", period(), w.other_pcn)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Other PCN (U88888)"));
    })
    .await;
}

#[tokio::test]
async fn a_commissioner_is_offered_a_pcns_practices_once_that_pcn_is_shown() {
    on_each_database(|w| async move {
        let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
        // The whole ICB: every PCN, but no practice (an ICB's practices number thousands).
        let (status, html) = commissioner.get("/dashboard").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("PCN: Test PCN (U99999)") && html.contains("PCN: Other PCN (U88888)"), "{html}");
        assert!(!html.contains("Practice: Test Surgery"), "{html}");
        assert!(html.contains("show that PCN first"), "{html}");
        // One PCN shown: its practices listed.
        let html = commissioner.get(&format!("/report?{}&scope=pcn:{}", period(), w.pcn)).await.1;
        assert!(html.contains("Practice: Test Surgery (Z00001), Test PCN"), "{html}");
        // A practice chosen: the select still offers it, chosen, beside its PCN's others.
        let html = commissioner.get(&format!("/dashboard?scope=practice:{}", w.practice)).await.1;
        assert!(html.contains(&format!("value=\"practice:{}\" selected>Practice: Test Surgery", w.practice)), "{html}");
    })
    .await;
}

// Downloads

#[tokio::test]
async fn the_csv_names_the_scope_in_every_row_and_takes_the_ods_code() {
    on_each_database(|w| async move {
        let (status, csv) = manager(&w).await.get(&format!("/report.csv?{}&scope=practice:Z00001", period())).await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with("id,section,label,value,n,ci95_low,ci95_high,unit,definition,period,exclusions,scope\n"));
        assert!(csv.lines().any(|l| l.starts_with("reach.list_size,") && l.contains(",9000,") && l.ends_with(",\"Test Surgery (Z00001), Test PCN\"")), "{csv}");
    })
    .await;
}

#[tokio::test]
async fn the_json_names_the_scope_and_the_period_of_every_figure() {
    on_each_database(|w| async move {
        let (status, json) = manager(&w).await.get(&format!("/report.json?{}&scope=practice:Z00001", period())).await;
        assert_eq!(status, StatusCode::OK);
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(json["reproduce"].as_str().unwrap().contains("--scope practice:Z00001"));
        assert!(json["figures"].as_array().unwrap().iter().all(|f| f["period"].as_str().unwrap().ends_with(&today().to_string())));
    })
    .await;
}

#[tokio::test]
async fn the_html_download_says_its_scope_type_and_how_to_reproduce_it() {
    on_each_database(|w| async move {
        let (status, html) = manager(&w).await.get(&format!("/report.html?{}", period())).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Scope type") && html.contains("Primary care network") && html.contains("Appendix: how to reproduce"));
    })
    .await;
}

#[tokio::test]
async fn the_api_takes_the_same_scope_within_the_tokens_organisation() {
    on_each_database(|w| async move {
        let api = Api::new(&w, &w.pcn, linkwork_domain::access::Role::Manager).await;
        let report: serde_json::Value = serde_json::from_str(&api.get(&format!("/api/report?{}&scope=practice:Z00001", period())).await.1).unwrap();
        assert_eq!(report["report"]["scope"], "Test Surgery (Z00001), Test PCN");
        assert_eq!(api.get(&format!("/api/report?{}&scope=pcn:U88888", period())).await.0, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn partners_cannot_download_the_pdf() {
    on_each_database(|w| async move {
        let partner = Browser::login(&w.base, "partner@test.org").await;
        assert_eq!(partner.get(&format!("/report.pdf?{}", period())).await.0, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn the_pdf_download_is_a_pdf() {
    on_each_database(|w| async move {
        if !chromium_or_skip("the PDF download check") {
            return;
        }
        let manager = manager(&w).await;
        let res = manager.http.get(format!("{}/report.pdf?{}", w.base, period())).header("cookie", &manager.cookie).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert!(res.bytes().await.unwrap().starts_with(b"%PDF-"));
    })
    .await;
}

// The dashboard

#[tokio::test]
async fn the_dashboard_shows_every_tile_with_its_trend() {
    on_each_database(|w| async move {
        seed(&w).await;
        let (status, html) = Browser::login(&w.base, "commissioner@test.org").await.get("/dashboard").await;
        assert_eq!(status, StatusCode::OK);
        for tile in ["Referrals", "Referral rate", "People supported", "Median wait to first contact", "SWEMWBS mean change", "Out of the loneliness band", "Onward referrals accepted"] {
            assert!(html.contains(tile), "{tile}");
        }
        assert!(html.contains("By quarter:"));
    })
    .await;
}

#[tokio::test]
async fn the_dashboards_wellbeing_change_says_how_many_were_followed_up() {
    on_each_database(|w| async move {
        seed(&w).await;
        let html = Browser::login(&w.base, "commissioner@test.org").await.get("/dashboard").await.1;
        assert!(html.contains("people with baseline and follow-up (") && html.contains(" of those with a baseline)"), "{html}");
    })
    .await;
}

#[tokio::test]
async fn the_word_cloud_shows_words_eight_or_more_people_used_rounded() {
    on_each_database(|w| async move {
        seed(&w).await;
        let html = Browser::login(&w.base, "commissioner@test.org").await.get("/dashboard").await.1;
        // Nine people said "garden": shown, as 10.
        assert!(html.contains(">garden</th><td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">10</td>"), "{html}");
    })
    .await;
}

#[tokio::test]
async fn the_word_cloud_never_shows_names_postcodes_numbers_or_words_too_few_used() {
    on_each_database(|w| async move {
        seed(&w).await;
        let html = Browser::login(&w.base, "commissioner@test.org").await.get("/dashboard").await.1;
        let cloud = &html[html.find("What matters to people").unwrap()..];
        // "choir": seven people only.
        for hidden in ["choir", "quigley", "Quigley", "bethan", "Bethan", "ls1", "4ap", "flat", "12<"] {
            assert!(!cloud.contains(hidden), "{hidden} leaked into the word cloud");
        }
    })
    .await;
}

#[tokio::test]
async fn the_dashboard_takes_a_practice_scope() {
    on_each_database(|w| async move {
        seed(&w).await;
        let (status, html) = Browser::login(&w.base, "commissioner@test.org").await.get(&format!("/dashboard?scope=practice:{}", w.practice)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Test Surgery (Z00001), Test PCN") && html.contains(">garden<"));
    })
    .await;
}

#[tokio::test]
async fn after_a_change_the_dashboard_answers_at_once_and_then_shows_it() {
    on_each_database(|w| async move {
        seed(&w).await;
        let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
        let cloud = |html: &str| html[html.find("What matters to people").unwrap()..].to_owned();
        let before = commissioner.get("/dashboard").await.1;
        assert!(!cloud(&before).contains(">choir<"), "seven people said choir: too few to show");
        assert!(before.contains("Figures as at ") && !before.contains("being added"));
        // Two more people talk about the choir: nine, enough to show.
        let who = AuditActor { user_id: None, token_id: None, org_id: Some(w.pcn.clone()) };
        for (n, given) in [(20u32, "Kenver"), (21, "Lowri")] {
            let id = w.store.create_referral(&who, &new_referral(&w, n, given)).await.unwrap();
            let conversation = NewConversation { held_on: today() - Duration::days(20), what_matters: WhatMatters::parse("w", "w", "Singing in the choir again").unwrap(), needs: vec![NeedDomain::Loneliness], goals: vec![] };
            w.store.record_conversation(&who, &id, &conversation).await.unwrap();
        }
        // The next view answers at once with the figures it has, saying so ...
        let next = commissioner.get("/dashboard").await.1;
        assert!(next.contains("Changes made since then are being added"), "{}", &next[next.find("lw-as-at").unwrap()..][..200]);
        assert!(!cloud(&next).contains(">choir<"));
        // ... and the figures with the change follow, without anyone waiting for them.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let html = commissioner.get("/dashboard").await.1;
            if cloud(&html).contains(">choir<") {
                assert!(!html.contains("being added"));
                break;
            }
            assert!(std::time::Instant::now() < deadline, "the dashboard never showed the change");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await;
}
