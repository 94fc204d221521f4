//! The CSV import page: the real application on a random port, against SQLite and PostgreSQL,
//! uploading files as a browser does (multipart form with the session's CSRF token).

use crate::support;

use linkwork_domain::access::OrgKind;
use linkwork_store::testing::fresh_database_urls;
use linkwork_store::*;
use reqwest::header::COOKIE;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use support::*;

const EXAMPLE: &str = include_str!("../../../docs/examples/referrals.csv");
const HEADER: &str = "nhs_number,given_name,family_name,date_of_birth,sex,ethnicity,postcode,practice_ods,referred_on,source,referrer_name,reason,needs";

/// The shared test world, plus the practices of the example file (the demo PCN's codes) in the
/// test PCN and one practice in another PCN.
async fn spawn_with_practices(url: &str) -> World {
    let w = spawn(url).await;
    let org = |name: &str, ods: &str, parent: &str| NewOrg { kind: OrgKind::Practice, name: name.into(), ods_code: Some(ods.into()), parent_id: Some(parent.into()), list_size: None };
    for ods in ["Y01001", "Y01002", "Y01003", "Y01004", "Y01005"] {
        w.store.create_org(&org(&format!("Surgery {ods}"), ods, &w.pcn)).await.unwrap();
    }
    w.store.create_org(&org("Elsewhere Surgery", "Z00009", &w.other_pcn)).await.unwrap();
    w
}

async fn import_csrf(b: &Browser) -> String {
    let (status, html) = b.get("/referrals/import").await;
    assert_eq!(status, StatusCode::OK);
    csrf_in(&html)
}

/// Uploads `csv` with the given options ("dry_run", "skip_bad_rows") and the session's CSRF token.
async fn upload(b: &Browser, csv: &[u8], options: &[&str]) -> (StatusCode, String) {
    let mut form = Form::new().text("csrf_token", import_csrf(b).await);
    for option in options {
        form = form.text(option.to_string(), "yes");
    }
    form = form.part("file", Part::bytes(csv.to_vec()).file_name("referrals.csv").mime_str("text/csv").unwrap());
    send(b, form).await
}

async fn send(b: &Browser, form: Form) -> (StatusCode, String) {
    let r = b.http.post(format!("{}/referrals/import", b.base)).header(COOKIE, &b.cookie).multipart(form).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The problems table as (line, column, message) rows.
fn problem_rows(html: &str) -> Vec<(String, String, String)> {
    let doc = scraper::Html::parse_document(html);
    let rows = scraper::Selector::parse("#problems tbody tr").unwrap();
    let cells = scraper::Selector::parse("td").unwrap();
    doc.select(&rows)
        .map(|row| {
            let cells: Vec<String> = row.select(&cells).map(cell_text).collect();
            (cells[0].clone(), cells[1].clone(), cells[2].clone())
        })
        .collect()
}

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut text = HEADER.to_owned();
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.push('\n');
    text.into_bytes()
}

const GOOD: &str = "9434765919,Ada,Test,1948-02-29,2,A,LS1 4AP,Y01001,2026-11-02,gp_practice,Dr Patel,Lonely since her husband died,loneliness;bereavement";
const BAD_POSTCODE: &str = "9434765870,Bo,Test,31/01/1960,1,H,nowhere,Y01002,2026-11-03,self,Self,Debt worries,money";
const OTHER_PCN_PRACTICE: &str = "4010232137,Cy,Test,1970-05-05,9,Z,M1 1AE,Z00009,2026-11-04,,Dr Other,Needs help with housing,housing";

async fn referrals(w: &World) -> usize {
    w.store.caseload(&w.pcn, None, false).await.unwrap().len()
}

/// Runs `test` on SQLite and PostgreSQL, each time on a fresh world with the practices the example
/// file names.
async fn on_each_database_with_practices<F, Fut>(test: F)
where
    F: Fn(World) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = std::env::temp_dir().join("linkwork-web-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        test(spawn_with_practices(&url).await).await;
    }
}

#[tokio::test]
async fn the_upload_page_checks_imports_and_skips_bad_rows_as_asked() {
    on_each_database_with_practices(|w| async move { upload_page(&w).await }).await;
}

#[tokio::test]
async fn only_link_workers_and_managers_import_and_only_into_their_own_service() {
    on_each_database_with_practices(|w| async move { access(&w).await }).await;
}

async fn upload_page(w: &World) {
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let (_, caseload) = lw.get("/caseload").await;
    assert!(caseload.contains("href=\"/referrals/import\"") && caseload.contains("Import referrals from a CSV file"));
    let (status, html) = lw.get("/referrals/import").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains("Check only (dry run)") && html.contains("Skip rows with problems"));
    assert!(html.contains("practice_ods"), "the columns are explained");
    let (status, example) = lw.get("/referrals/import/example.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(example, EXAMPLE);

    // A dry run checks everything and writes nothing.
    let (status, html) = upload(&lw, &csv(&[GOOD]), &["dry_run"]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("The file is ready to import") && html.contains("1 referral would be imported"), "{html}");
    assert_eq!(referrals(w).await, 0);
    // A dry run of a file with problems reports them, and writes nothing either.
    let (status, html) = upload(&lw, &csv(&[GOOD, BAD_POSTCODE]), &["dry_run", "skip_bad_rows"]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("1 referral would be imported and 1 row with problems would be skipped"), "{html}");
    assert_eq!(referrals(w).await, 0);

    // One bad row blocks the whole file; every problem is listed by line and column.
    let (status, html) = upload(&lw, &csv(&[GOOD, BAD_POSTCODE, OTHER_PCN_PRACTICE]), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("There is a problem") && html.contains("Nothing has been imported") && html.contains("<title>Error: "), "{html}");
    let rows = problem_rows(&html);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[0].0.as_str(), rows[0].1.as_str()), ("3", "postcode"));
    assert!(rows[0].2.contains("Enter a full UK postcode"));
    assert_eq!((rows[1].0.as_str(), rows[1].1.as_str()), ("4", "practice_ods"));
    assert!(rows[1].2.contains("Z00009 is not the ODS code of a GP practice in Test PCN"), "{}", rows[1].2);
    assert!(html.contains("import the other 1 row now"), "the page offers to skip the bad rows");
    assert_eq!(referrals(w).await, 0, "nothing written");

    // Skipping bad rows imports the rest and says which lines were left out and why.
    let (status, html) = upload(&lw, &csv(&[GOOD, BAD_POSTCODE, OTHER_PCN_PRACTICE]), &["skip_bad_rows"]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("1 referral imported") && html.contains("Rows skipped: 2 rows not imported"), "{html}");
    let rows = problem_rows(&html);
    assert_eq!(rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), vec!["3", "4"]);
    let caseload = w.store.caseload(&w.pcn, None, false).await.unwrap();
    assert_eq!(caseload.len(), 1);
    assert_eq!(caseload[0].nhs_number.as_str(), "9434765919");
    let person = w.store.referral_header(&caseload[0].referral_id).await.unwrap().unwrap().person_id;
    let events = w.store.audit_events(&person).await.unwrap();
    assert!(events.iter().any(|e| e.action == "referral.create" && e.user_id.is_some()), "an upload is audited with the user");

    // The same file again: the imported row is now a referral already recorded.
    let (status, html) = upload(&lw, &csv(&[GOOD]), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("already recorded"), "{html}");
    let (status, html) = upload(&lw, &csv(&[GOOD, BAD_POSTCODE]), &["skip_bad_rows"]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("every row in the file has a problem"), "{html}");
    assert_eq!(referrals(w).await, 1);

    // The example file from the documentation imports whole.
    let (status, html) = upload(&lw, EXAMPLE.as_bytes(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("10 referrals imported"), "{html}");
    assert_eq!(referrals(w).await, 11);

    // Problems with the file itself.
    let (status, html) = upload(&lw, b"nhs_number,name\n9434765919,Ada\n", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("There is a problem with the file") && html.contains("The header row is missing the columns given_name"), "{html}");
    let (status, html) = upload(&lw, b"PK\x03\x04 an Excel workbook", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("spreadsheet workbook, not a CSV file"));
    // No file chosen.
    let (status, html) = send(&lw, Form::new().text("csrf_token", import_csrf(&lw).await).part("file", Part::bytes(Vec::new()).file_name(""))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Select a CSV file to upload"));
    // Too large: a clear message, nothing written.
    let mut big = csv(&[GOOD]);
    big.resize(10 * 1024 * 1024 + 1, b'\n');
    let (status, html) = upload(&lw, &big, &[]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(html.contains("The file must be smaller than 10 MB"), "{html}");
    // Without the CSRF token nothing happens.
    let (status, _) = send(&lw, Form::new().part("file", Part::bytes(csv(&[OTHER_PCN_PRACTICE])).file_name("x.csv"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(&lw, Form::new().text("csrf_token", "wrong").part("file", Part::bytes(csv(&[OTHER_PCN_PRACTICE])).file_name("x.csv"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(referrals(w).await, 11);

    // Managers may import too.
    let manager = Browser::login(&w.base, "manager@test.org").await;
    let (status, html) = upload(&manager, &csv(&["9990011761,Di,Test,1980-01-01,2,B,LS2 9JT,Y01003,2026-11-20,vcse,Walk & Talk,Isolated,loneliness"]), &[]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(referrals(w).await, 12);
}

async fn access(w: &World) {
    let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
    assert_eq!(commissioner.get("/referrals/import").await.0, StatusCode::FORBIDDEN);
    assert_eq!(commissioner.get("/referrals/import/example.csv").await.0, StatusCode::FORBIDDEN);
    let csrf = csrf_in(&commissioner.get("/dashboard").await.1);
    let form = Form::new().text("csrf_token", csrf).part("file", Part::bytes(csv(&[GOOD])).file_name("x.csv"));
    assert_eq!(send(&commissioner, form).await.0, StatusCode::FORBIDDEN);

    // Not signed in: to the sign-in page.
    let anonymous = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    assert_eq!(anonymous.get(format!("{}/referrals/import", w.base)).send().await.unwrap().status(), StatusCode::SEE_OTHER);

    // Another PCN's link worker cannot use this PCN's practices.
    let other = Browser::login(&w.base, "lw.other@test.org").await;
    let (status, html) = upload(&other, &csv(&[GOOD]), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Y01001 is not the ODS code of a GP practice in Other PCN"), "{html}");
    assert!(w.store.caseload(&w.other_pcn, None, false).await.unwrap().is_empty());
}
