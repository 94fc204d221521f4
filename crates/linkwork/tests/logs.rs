//! Nothing personal in logs (docs/security.md, "Logs"): the real `linkwork serve` is driven
//! through a day of casework full of names, NHS numbers, postcodes, phone numbers and e-mail
//! addresses (forms, searches in query strings, the API, FHIR, failed sign-ins, bad input,
//! unknown pages), at the default log level and at `debug`, and everything it wrote to its
//! standard output and error is searched for them.

use linkwork_domain::access::{OrgKind, Role};
use linkwork_store::testing::{fresh_database_urls, migrated};
use linkwork_store::{NewOrg, NewUser};
use serde_json::json;
use std::io::Read;
use std::process::{Child, Command, Stdio};

const PASSWORD: &str = "a long test password";
/// Words that identify people: none may appear in the logs.
const NHS: &str = "9434765919";
const SECRETS: [&str; 9] = ["Zebedee", "Quixotic", NHS, "943 476 5919", "LS6 2AB", "07700 900123", "zebedee@example.org", "staff.member@example.test", "Xanthippe"];

struct Server {
    child: Child,
    base: String,
    /// What the server writes to stdout and to stderr, read until it exits.
    output: [std::thread::JoinHandle<String>; 2],
}

fn start(url: &str, log_level: Option<&str>) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_linkwork"));
    cmd.args(["serve", "--database", url, "--bind", &format!("127.0.0.1:{port}"), "--insecure-cookies"]).env_remove("LINKWORK_DATABASE").stdout(Stdio::piped()).stderr(Stdio::piped());
    match log_level {
        Some(level) => cmd.env("RUST_LOG", level),
        None => cmd.env_remove("RUST_LOG"),
    };
    let mut child = cmd.spawn().unwrap();
    // Read as the server writes: at the debug level it writes more than a pipe holds before the
    // test would read, and a server blocked on a full pipe answers nothing.
    let drain = |mut from: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut out = String::new();
            let _ = from.read_to_string(&mut out);
            out
        })
    };
    let output = [drain(Box::new(child.stdout.take().unwrap())), drain(Box::new(child.stderr.take().unwrap()))];
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Server { child, base, output }
}

/// Stops the server and returns everything it wrote.
fn stop(mut s: Server) -> String {
    let _ = s.child.kill();
    let _ = s.child.wait();
    s.output.into_iter().map(|reader| reader.join().unwrap()).collect()
}

fn csrf_in(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("input[name=csrf_token]").unwrap();
    doc.select(&sel).next().map(|e| e.value().attr("value").unwrap().to_owned()).unwrap_or_default()
}

async fn day_of_casework(base: &str, token: &str, practice: &str, pcn: &str) {
    let http = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    // A failed sign-in with a staff e-mail address, then a real one.
    let form = http.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    http.post(format!("{base}/login")).form(&[("csrf_token", csrf_in(&form).as_str()), ("email", "staff.member@example.test"), ("password", "wrong password here")]).send().await.unwrap();
    let form = http.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    let r = http.post(format!("{base}/login")).form(&[("csrf_token", csrf_in(&form).as_str()), ("email", "staff.member@example.test"), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    // A referral through the form, once with a mistake, then right.
    let page = http.get(format!("{base}/referrals/new")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let mut fields = vec![
        ("csrf_token", csrf.as_str()),
        ("nhs_number", NHS),
        ("given_name", "Zebedee"),
        ("family_name", "Quixotic"),
        ("date_of_birth", "1950-01-01"),
        ("sex", "1"),
        ("ethnicity", "A"),
        ("postcode", "LS6 2AB"),
        ("mobile", "07700 900123"),
        ("practice_id", practice),
        ("referred_on", today.as_str()),
        ("source", "gp_practice"),
        ("referrer_name", "Dr Xanthippe"),
        ("reason", "Zebedee is lonely"),
        ("needs", "loneliness"),
        ("lawful_basis", "direct_care"),
    ];
    assert_eq!(http.post(format!("{base}/referrals/new")).form(&fields).send().await.unwrap().status(), 422);
    fields.push(("consent", "yes"));
    // The day runs twice on one database: the second referral for Zebedee is confirmed as intended.
    fields.push(("confirm_duplicate", "yes"));
    let r = http.post(format!("{base}/referrals/new")).form(&fields).send().await.unwrap();
    let status = r.status();
    assert_eq!(status, 303, "{}", r.text().await.unwrap());
    // Searches put names and NHS numbers in the query string.
    http.get(format!("{base}/people?name=Quixotic")).send().await.unwrap();
    http.get(format!("{base}/people?nhs_number={NHS}")).send().await.unwrap();
    http.get(format!("{base}/caseload")).send().await.unwrap();
    http.get(format!("{base}/no-such-page/Quixotic")).send().await.unwrap();
    // The API and FHIR, with good and bad bodies.
    let api = reqwest::Client::new();
    api.get(format!("{base}/api/people?name=Zebedee")).bearer_auth(token).send().await.unwrap();
    api.post(format!("{base}/api/referrals")).bearer_auth(token).json(&json!({"nhs_number": NHS, "given_name": "Zebedee", "family_name": "Quixotic", "postcode": "not a postcode LS6 2AB"})).send().await.unwrap();
    api.post(format!("{base}/api/incoming-referrals")).bearer_auth(token).json(&json!({"service_id": pcn, "given_name": "Zebedee", "family_name": "Quixotic", "phone": "07700 900123", "email": "zebedee@example.org", "reason": "x", "consent": "yes"})).send().await.unwrap();
    api.post(format!("{base}/fhir/ServiceRequest")).bearer_auth(token).header("content-type", "application/fhir+json").body(format!("{{\"resourceType\": \"ServiceRequest\", \"subject\": {{\"display\": \"Zebedee Quixotic {NHS}\"}}}}")).send().await.unwrap();
    // The public self-referral form.
    let form = http.get(format!("{base}/self-referral")).send().await.unwrap().text().await.unwrap();
    http.post(format!("{base}/self-referral")).form(&[("csrf_token", csrf_in(&form).as_str()), ("service_id", pcn), ("given_name", "Zebedee"), ("family_name", "Quixotic"), ("phone", "07700 900123"), ("email", "zebedee@example.org"), ("reason", "Lonely"), ("consent", "yes")]).send().await.unwrap();
}

#[tokio::test]
async fn the_server_logs_nothing_that_identifies_a_person() {
    let dir = std::env::temp_dir().join("linkwork-cli-logs");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        let store = migrated(&url).await.unwrap();
        let icb = store.create_org(&NewOrg { kind: OrgKind::Icb, name: "ICB".into(), ods_code: Some("QLL".into()), parent_id: None, list_size: None }).await.unwrap();
        let pcn = store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "PCN".into(), ods_code: Some("U77777".into()), parent_id: Some(icb), list_size: None }).await.unwrap();
        let practice = store.create_org(&NewOrg { kind: OrgKind::Practice, name: "Surgery".into(), ods_code: Some("Z07777".into()), parent_id: Some(pcn.clone()), list_size: Some(5000) }).await.unwrap();
        let hash = linkwork_app::accounts::hash_password(PASSWORD).unwrap();
        store.create_user(&NewUser { email: "staff.member@example.test".into(), display_name: "Staff".into(), password_hash: hash, role: Role::Manager, org_id: pcn.clone() }).await.unwrap();
        let token = linkwork_app::accounts::new_api_token();
        store.create_api_token(&linkwork_app::accounts::hash_api_token(&token), &pcn, Role::LinkWorker, None).await.unwrap();
        for level in [None, Some("debug")] {
            let server = start(&url, level);
            day_of_casework(&server.base, &token, &practice, &pcn).await;
            let logs = stop(server);
            assert!(logs.contains("running at"), "{backend}: the server ran and its output was captured: {logs}");
            for secret in SECRETS {
                assert!(!logs.contains(secret), "{backend}, log level {level:?}: {secret:?} appears in the logs:\n{logs}");
            }
            eprintln!("{backend}, log level {level:?}: {} bytes of logs, nothing personal", logs.len());
        }
    }
}
