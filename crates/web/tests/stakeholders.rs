//! The stakeholder slice of issue 5 over HTTP on SQLite and PostgreSQL: a link worker records a
//! wellbeing check-in about themselves and sees only their own history; no other role reaches the
//! page; managers see only the suppressed team figures in the report.

use crate::support;

use reqwest::StatusCode;
use support::*;

const ANSWERS: [(&str, &str); 10] = [
    ("item_1", "3"),
    ("item_2", "3"),
    ("item_3", "3"),
    ("item_4", "3"),
    ("item_5", "3"),
    ("item_6", "3"),
    ("item_7", "3"),
    ("job_satisfaction", "4"),
    ("caseload_pressure", "5"),
    ("supervision", "yes"),
];

// Each test runs on SQLite and PostgreSQL, each time on a fresh world (`support::on_each_database`).

#[tokio::test]
async fn link_workers_check_in_and_see_only_their_own_history() {
    on_each_database(|w| async move { check_ins(&w).await }).await;
}

#[tokio::test]
async fn the_evaluation_plan_names_stakeholders_and_their_success_statements() {
    on_each_database(|w| async move { plan(&w).await }).await;
}

#[tokio::test]
async fn evidence_is_consented_reviewed_and_approved_before_the_report_uses_it() {
    on_each_database(|w| async move { evidence(&w).await }).await;
}

async fn check_ins(w: &World) {
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let (status, html) = lw.get("/wellbeing").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("My wellbeing check-in"));
    assert!(html.contains("You have not checked in yet."));
    assert!(
        html.contains("I&#39;ve been feeling optimistic about the future")
            || html.contains("I've been feeling optimistic about the future")
    );

    // Nothing answered: every question is named, nothing is saved.
    let (status, _, html) = lw.post("/wellbeing", "/wellbeing", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Select how satisfied you are with your job"));
    assert!(html.contains("Select whether you have had supervision since your last check-in"));
    assert!(
        html.contains(r##"href="#item_7""##),
        "each unanswered SWEMWBS question is linked"
    );
    // Out of range.
    let mut bad = ANSWERS.to_vec();
    bad[8] = ("caseload_pressure", "9");
    let (status, _, html) = lw.post("/wellbeing", "/wellbeing", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("from 1 to 5"));
    assert!(
        w.store
            .own_check_ins(&user_id(w, "lw@test.org").await)
            .await
            .unwrap()
            .is_empty(),
        "invalid input writes nothing"
    );

    let (status, location, _) = lw.post("/wellbeing", "/wellbeing", &ANSWERS).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/wellbeing?notice=checked_in");
    let (_, html) = lw.get("/wellbeing?notice=checked_in").await;
    assert!(html.contains("Check-in saved"));
    assert!(
        html.contains("19.25"),
        "raw 21 → metric 19.25 in the link worker's own history"
    );
    assert!(!html.contains("You have not checked in yet."));

    // Another link worker of the same PCN sees only their own (empty) history.
    let lw2 = Browser::login(&w.base, "lw2@test.org").await;
    let (status, html) = lw2.get("/wellbeing").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("19.25"));
    assert!(html.contains("None yet."));

    // No other role reaches the page, the manager included.
    for (email, home) in [
        ("manager@test.org", "/caseload"),
        ("practice@test.org", "/practice/referrals"),
        ("partner@test.org", "/partner/referrals"),
        ("commissioner@test.org", "/dashboard"),
    ] {
        let b = Browser::login(&w.base, email).await;
        assert_eq!(
            b.get("/wellbeing").await.0,
            StatusCode::FORBIDDEN,
            "{email} GET"
        );
        let (status, _, _) = b.post(home, "/wellbeing", &ANSWERS).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email} POST");
    }

    // The manager's report: one person checked in, so every staff figure is suppressed and the
    // answers appear nowhere.
    let manager = Browser::login(&w.base, "manager@test.org").await;
    let (status, csv) = manager.get("/report.csv").await;
    assert_eq!(status, StatusCode::OK);
    for id in [
        "staff_wellbeing.people",
        "staff_wellbeing.swemwbs_metric.mean",
        "staff_wellbeing.job_satisfaction.mean",
        "staff_wellbeing.caseload_pressure_high.pct",
        "staff_wellbeing.supervision.pct",
    ] {
        let row = csv
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap_or_else(|| panic!("{id} in the CSV"));
        assert!(row.contains(",*,"), "{id} suppressed: {row}");
    }
    let (_, html) = manager.get("/report").await;
    assert!(html.contains("too few link workers to report without identifying them"));
    assert!(!html.contains("19.25"));
}

async fn user_id(w: &World, email: &str) -> String {
    w.store
        .user_credentials(email)
        .await
        .unwrap()
        .unwrap()
        .user
        .id
}

async fn plan(w: &World) {
    let manager = Browser::login(&w.base, "manager@test.org").await;
    let (status, html) = manager.get("/stakeholders").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No stakeholders yet."));

    let (status, _, html) = manager
        .post("/stakeholders", "/stakeholders", &[("name", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Select the type of stakeholder")
            && html.contains("Enter the stakeholder&#39;s name")
    );
    let (status, location, _) = manager
        .post(
            "/stakeholders",
            "/stakeholders",
            &[("kind", "gps"), ("name", "Test Surgery GPs")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let path = location.split('?').next().unwrap().to_owned();
    assert!(path.starts_with("/stakeholders/"));

    let (status, html) = manager.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"value="reach.annual_rate_pct""#),
        "figures of the report are offered"
    );
    assert!(html.contains(r#"value="qualitative""#));
    assert!(!html.contains(r#"value="scorecards.met""#));

    // An id that is not a figure of the report, and a missing target, are refused.
    let base = [
        ("statement", "Enough of our patients are referred"),
        ("comparison", "at_least"),
        ("target", "0.8"),
        ("applies_from", "2026-04-01"),
        ("applies_to", "2027-03-31"),
    ];
    let mut bad = base.to_vec();
    bad.push(("indicator", "made.up.figure"));
    let (status, _, html) = manager.post(&path, &path, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Select a figure from the list, or qualitative evidence"));
    let mut bad = base.to_vec();
    bad[2] = ("target", "");
    bad[4] = ("applies_to", "2026-01-01");
    bad.push(("indicator", "reach.annual_rate_pct"));
    let (status, _, html) = manager.post(&path, &path, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Enter the target, for example 80"));
    assert!(html.contains("The end date must be on or after the start date"));

    let mut good = base.to_vec();
    good.push(("indicator", "reach.annual_rate_pct"));
    let (status, location, _) = manager.post(&path, &path, &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("{path}?notice=statement"));
    let (_, html) = manager.get("/stakeholders").await;
    assert!(html.contains("Enough of our patients are referred"));
    assert!(html.contains("at least 0.8"));

    // The report scores it (no referrals: 0.0 is below 0.8, so not met).
    let (_, csv) = manager.get("/report.csv").await;
    let row = csv
        .lines()
        .find(|l| l.starts_with("scorecards.not_met,"))
        .unwrap();
    assert!(row.contains(",1,"), "{row}");
    let (_, html) = manager.get("/report").await;
    assert!(html.contains("Test Surgery GPs"));

    // Other roles cannot reach the plan; another PCN's manager gets 404 for this PCN's stakeholder.
    for (email, home) in [
        ("lw@test.org", "/caseload"),
        ("practice@test.org", "/practice/referrals"),
        ("partner@test.org", "/partner/referrals"),
        ("commissioner@test.org", "/dashboard"),
    ] {
        let b = Browser::login(&w.base, email).await;
        assert_eq!(
            b.get("/stakeholders").await.0,
            StatusCode::FORBIDDEN,
            "{email}"
        );
        assert_eq!(b.get(&path).await.0, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(
            b.post(home, &path, &good).await.0,
            StatusCode::FORBIDDEN,
            "{email}"
        );
    }
    let other = other_manager(w).await;
    assert_eq!(other.get(&path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        other.post("/stakeholders", &path, &good).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, html) = other.get("/stakeholders").await;
    assert!(!html.contains("Test Surgery GPs"));
    assert_eq!(
        w.store.stakeholder_plan(&w.pcn).await.unwrap()[0]
            .statements
            .len(),
        1,
        "nothing written by refused requests"
    );
}

async fn evidence(w: &World) {
    use linkwork_domain::casework::need::NeedDomain;
    use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
    use linkwork_domain::casework::referral::{ReferralReason, ReferralSource};
    use linkwork_domain::{NhsNumber, Postcode, RequiredText};
    let nhs = nhs_number(4242);
    let who = linkwork_store::AuditActor {
        user_id: None,
        token_id: None,
        org_id: Some(w.pcn.clone()),
    };
    w.store
        .create_referral(
            &who,
            &linkwork_store::NewReferral {
                service_org_id: w.pcn.clone(),
                person: PersonDetails {
                    nhs_number: NhsNumber::parse(&nhs).unwrap(),
                    given_name: RequiredText::parse("g", "name", "Beatrix").unwrap(),
                    family_name: RequiredText::parse("f", "name", "Quill").unwrap(),
                    date_of_birth: DateOfBirth::new(time::macros::date!(1948 - 07 - 09), today())
                        .unwrap(),
                    sex: Sex::Female,
                    ethnicity: Ethnicity::WhiteBritish,
                    postcode: Postcode::parse("LS2 7HY").unwrap(),
                },
                practice_id: Some(w.practice.clone()),
                source: ReferralSource::GpPractice,
                referrer_name: "Dr Shah".into(),
                reason: ReferralReason::parse("reason", "reason", "Isolated").unwrap(),
                needs: vec![NeedDomain::Loneliness],
                needs_to_confirm: false,
                referred_on: today(),
                assigned_worker_id: None,
                consent: Default::default(),
                contact: Default::default(),
            },
        )
        .await
        .unwrap();

    let lw = Browser::login(&w.base, "lw@test.org").await;
    assert_eq!(lw.get("/evidence/new").await.0, StatusCode::OK);
    let (status, _, html) = lw
        .post("/evidence/new", "/evidence/new", &[("nhs_number", "123")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Select the kind of evidence")
            && html.contains("Enter a valid NHS number, or leave it blank")
            && html.contains("Select who gave consent")
    );
    let text =
        "Beatrix Quill (born 09/07/1948, LS2 7HY, 07700 900456) said: the walks got me out again.";
    let today_s = today().to_string();
    let fields = [
        ("kind", "quote"),
        ("title", "On the walks"),
        ("text", text),
        ("nhs_number", nhs.as_str()),
        ("outcome_domains", "person"),
        ("outcome_domains", "community"),
        ("needs", "loneliness"),
        ("stakeholders", "people"),
        ("consent_given_on", today_s.as_str()),
        ("consent_by", "person"),
        ("consent_use", "in_reports"),
    ];
    let (status, location, _) = lw.post("/evidence/new", "/evidence/new", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "recorded");
    assert_eq!(location, "/evidence?notice=recorded");
    let (_, html) = lw.get("/evidence").await;
    assert!(
        html.contains("Waiting for a manager&#39;s review")
            || html.contains("Waiting for a manager's review")
    );
    let id = w.store.evidence_items(&w.pcn).await.unwrap()[0].id.clone();
    let path = format!("/evidence/{id}");
    assert_eq!(
        lw.get(&path).await.0,
        StatusCode::FORBIDDEN,
        "only managers review"
    );

    // Not yet approved: not in the report.
    let manager = Browser::login(&w.base, "manager@test.org").await;
    let (_, report) = manager.get("/report").await;
    assert!(report.contains("No qualitative evidence was approved for publication in this period."));

    let (status, html) = manager.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    let anonymised =
        "[name] [name] (born [date], [postcode], [phone number]) said: the walks got me out again.";
    assert!(
        html.contains(anonymised),
        "the anonymised text is shown for review"
    );
    // A manager's edit cannot put an identifier back: the approved text is anonymised again.
    let edited = "[name] [name] (Beatrix, born [date]) said: the walks got me out again.";
    let (status, location, _) = manager
        .post(&path, &path, &[("approved_text", edited)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/evidence?notice=approved");
    let (_, report) = manager.get("/report").await;
    assert!(
        report.contains("[name] [name] ([name], born [date]) said: the walks got me out again.")
    );
    assert!(!report.contains("Beatrix") && !report.contains("Quill") && !report.contains(&nhs));
    let (_, json) = manager.get("/report.json").await;
    assert!(
        !json.contains("Beatrix") && !json.contains(&id),
        "no link to the person or the item in the JSON"
    );

    for (email, home) in [
        ("practice@test.org", "/practice/referrals"),
        ("partner@test.org", "/partner/referrals"),
        ("commissioner@test.org", "/dashboard"),
    ] {
        let b = Browser::login(&w.base, email).await;
        assert_eq!(b.get("/evidence").await.0, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(
            b.get("/evidence/new").await.0,
            StatusCode::FORBIDDEN,
            "{email}"
        );
        assert_eq!(b.get(&path).await.0, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(
            b.post(home, "/evidence/new", &fields).await.0,
            StatusCode::FORBIDDEN,
            "{email}"
        );
    }
    let other = other_manager(w).await;
    assert_eq!(other.get(&path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        other
            .post("/evidence", &path, &[("approved_text", "x")])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, _, html) = other.post("/evidence/new", "/evidence/new", &fields).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another service's person cannot be linked"
    );
    assert!(html.contains("Nobody with this NHS number has been referred to this service"));
    let audit = w
        .store
        .audit_events(
            &w.store
                .person_id_by_nhs_number(&w.pcn, &NhsNumber::parse(&nhs).unwrap())
                .await
                .unwrap()
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(
        audit.iter().any(|a| a.action == "evidence.review")
            && audit.iter().any(|a| a.action == "evidence.approve")
    );
}

/// A manager of the other PCN (signed in), who must not reach this PCN's plan or evidence.
async fn other_manager(w: &World) -> Browser {
    let hash = linkwork_app::accounts::hash_password(PASSWORD).unwrap();
    w.store
        .create_user(&linkwork_store::NewUser {
            email: "manager.other@test.org".into(),
            display_name: "Other manager".into(),
            password_hash: hash,
            role: linkwork_domain::access::Role::Manager,
            org_id: w.other_pcn.clone(),
        })
        .await
        .unwrap();
    Browser::login(&w.base, "manager.other@test.org").await
}
