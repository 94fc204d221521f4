//! Two `linkwork serve` processes on one database behave as one service (docs/deploy.md), on
//! PostgreSQL (the deployment with several app servers) and SQLite: a session begun on one is
//! good on the other, failed sign-ins on either lock the account on both, the public form's limit
//! per address counts requests to both, and e-mails both servers deliver go out once each.

use crate::support;
#[path = "../../web/tests/support/smtp_sink.rs"]
mod smtp_sink;

use linkwork_domain::access::Role;
use linkwork_store::testing::fresh_database_urls;
use linkwork_store::*;
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::StatusCode;
use std::time::Duration;
use support::*;

const PASSWORD: &str = "correct horse battery staple";

/// The cookie a response sets (`name=value`), if any.
fn set_cookie(response: &reqwest::Response) -> Option<String> {
    Some(response.headers().get(SET_COOKIE)?.to_str().ok()?.split(';').next()?.to_owned())
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A public form's cookie and CSRF token, as a browser gets them by opening the form.
async fn open_form(http: &reqwest::Client, url: &str) -> (String, String) {
    let form = http.get(url).send().await.unwrap();
    let cookie = set_cookie(&form).expect("the form sets its cookie");
    let html = form.text().await.unwrap();
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a CSRF field") + marker.len();
    let token = html[start..start + html[start..].find('"').unwrap()].to_owned();
    (cookie, token)
}

/// Signs in through `base`'s form: the session cookie, or the status when refused.
async fn sign_in(base: &str, email: &str, password: &str) -> std::result::Result<String, StatusCode> {
    let http = client();
    let (cookie, csrf) = open_form(&http, &format!("{base}/login")).await;
    let answer = http.post(format!("{base}/login")).header(COOKIE, cookie).form(&[("csrf_token", csrf.as_str()), ("email", email), ("password", password)]).send().await.unwrap();
    match answer.status() {
        StatusCode::SEE_OTHER => Ok(set_cookie(&answer).expect("a session cookie")),
        refused => Err(refused),
    }
}

/// Two `linkwork serve` processes on the database `url`, their logs in `dir`.
fn two_servers(url: &str, extra_args: &[&str], dir: &std::path::Path, backend: &str) -> (Server, Server) {
    let start = |name: &str| Server::start(url, extra_args, &dir.join(format!("{backend}-{name}.log")));
    (start("a"), start("b"))
}

/// A manager of the world's PCN who signs in with [`PASSWORD`].
async fn manager(url: &str, w: &World) -> String {
    let store = linkwork_store::connect(url).await.unwrap();
    let email = "manager@load.test";
    let password_hash = linkwork_app::accounts::hash_password(PASSWORD).unwrap();
    store.create_user(&NewUser { email: email.into(), display_name: "Manager".into(), password_hash, role: Role::Manager, org_id: w.pcn.clone() }).await.unwrap();
    email.to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_session_begun_on_one_server_is_good_on_the_other() {
    let dir = test_dir("several-servers-session");
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = world(&url, 1).await;
        let email = manager(&url, &w).await;
        let (a, b) = two_servers(&url, &[], &dir, backend);
        let session = sign_in(&a.base, &email, PASSWORD).await.expect("signed in on the first server");
        let page = client().get(format!("{}/caseload", b.base)).header(COOKIE, &session).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{backend}: the second server knows the session");
        assert!(page.text().await.unwrap().contains("Caseloads"), "{backend}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_sign_ins_on_either_server_lock_the_account_on_both() {
    let dir = test_dir("several-servers-lockout");
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = world(&url, 1).await;
        let email = manager(&url, &w).await;
        let (a, b) = two_servers(&url, &[], &dir, backend);
        // The limit from one address, split between the two servers.
        for n in 0..linkwork_app::accounts::lockout::MAX_FROM_ADDRESS {
            let base = if n % 2 == 0 { &a.base } else { &b.base };
            assert!(sign_in(base, &email, "not the password").await.is_err(), "{backend}");
        }
        assert!(sign_in(&a.base, &email, PASSWORD).await.is_err(), "{backend}: locked on the first server");
        assert!(sign_in(&b.base, &email, PASSWORD).await.is_err(), "{backend}: locked on the second server");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_self_referral_limit_counts_requests_to_both_servers() {
    let dir = test_dir("several-servers-rate");
    for (backend, url) in fresh_database_urls(&dir).await {
        world(&url, 0).await;
        let (a, b) = two_servers(&url, &[], &dir, backend);
        let http = client();
        let mut statuses = Vec::new();
        for n in 0..=linkwork_app::intake::SELF_REFERRALS_PER_ADDRESS {
            let base = if n % 2 == 0 { &a.base } else { &b.base };
            let (cookie, csrf) = open_form(&http, &format!("{base}/self-referral")).await;
            // The hidden field filled in (as a robot would): answered as sent, nothing stored.
            let answer = http.post(format!("{base}/self-referral")).header(COOKIE, cookie).form(&[("csrf_token", csrf.as_str()), ("website", "robot")]).send().await.unwrap();
            statuses.push(answer.status().as_u16());
        }
        let limit = linkwork_app::intake::SELF_REFERRALS_PER_ADDRESS as usize;
        assert!(statuses[..limit].iter().all(|s| *s == 303), "{backend}: the first {limit} are taken: {statuses:?}");
        assert_eq!(statuses[limit], 429, "{backend}: one more, to either server, is refused: {statuses:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn e_mails_two_servers_deliver_go_out_once_each() {
    let dir = test_dir("several-servers-outbox");
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = world(&url, 0).await;
        let store = linkwork_store::connect(&url).await.unwrap();
        queue_notices(&*store, &w, 20).await;
        // A relay slow enough that both servers are delivering at once.
        let sink = smtp_sink::SmtpSink::start_slow(Duration::from_millis(100)).await;
        let smtp = sink.url();
        let servers = two_servers(&url, &["--smtp-url", &smtp], &dir, backend);
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while store.outbox(true, 100, 1000).await.unwrap().iter().any(|e| e.sent_at.is_none()) {
            assert!(std::time::Instant::now() < deadline, "{backend}: the queued e-mails were not all sent");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        drop(servers);
        let outbox = store.outbox(false, 100, 1000).await.unwrap();
        let expected = tally(outbox.iter().map(|e| (e.to_address.clone(), e.subject.clone())));
        let got = tally(sink.messages().iter().map(|m| (m.rcpt.join(","), subject_of(&m.text()))));
        assert_eq!(got, expected, "{backend}: each queued e-mail delivered exactly once");
    }
    std::fs::remove_dir_all(&dir).ok();
}
