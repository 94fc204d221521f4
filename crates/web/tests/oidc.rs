//! Sign-in through OpenID Connect (issue 11) against a real provider: the `oidc-provider` npm
//! package, started by the test on a free loopback port (tests/oidc/provider.mjs), driven with
//! reqwest through its development sign-in form, ending signed in to Linkwork. Identities that
//! match no active account, or only an unverified e-mail address, are refused. Both databases.

use crate::support;

use linkwork_store::testing::fresh_database_urls;
use linkwork_store::AuditActor;
use reqwest::header::LOCATION;
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use support::*;

/// A running provider; killed when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the provider with Linkwork's redirect URI and waits for its issuer URL.
fn start_provider(redirect_uri: &str) -> Provider {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut child = Command::new("node")
        .arg("tests/oidc/provider.mjs")
        .arg(redirect_uri)
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node (Node.js 20) runs the test OpenID Connect provider; run scripts/setup for its npm packages");
    let mut line = String::new();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    // Keep reading whatever else it prints, so it never writes to a closed pipe.
    std::thread::spawn(move || stdout.lines().for_each(drop));
    let issuer = serde_json::from_str::<serde_json::Value>(&line).unwrap_or_else(|_| panic!("the provider did not start: {line:?}"))["issuer"].as_str().unwrap().to_owned();
    Provider { child, issuer }
}

/// Linkwork with single sign-on through a freshly started provider.
async fn world_with_provider(url: &str) -> (World, Provider) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let provider = start_provider(&format!("{base}/login/oidc/callback"));
    let settings = linkwork_web::OidcSettings {
        issuer: provider.issuer.clone(),
        client_id: "linkwork".into(),
        client_secret: "linkwork-test-client-secret".into(),
        provider_name: "Test Identity".into(),
        scopes: vec!["email".into()],
    };
    let w = spawn_on(listener, url, |c| c.oidc = Some(settings)).await;
    assert_eq!(w.base, base);
    (w, provider)
}

/// A browser with a cookie jar (Linkwork's cookies and the provider's), following nothing by itself.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).cookie_store(true).build().unwrap()
}

/// Clicks "Sign in with …" and goes through the provider's sign-in and consent forms as
/// `account`; returns Linkwork's answer to the callback (status, Location, body).
async fn sign_in_through_provider(http: &reqwest::Client, base: &str, account: &str) -> (StatusCode, String, String) {
    let login_page = http.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    assert!(login_page.contains("Sign in with Test Identity"), "the sign-in page offers single sign-on");
    let mut url = reqwest::Url::parse(&format!("{base}/login/oidc")).unwrap();
    let mut form: Option<Vec<(String, String)>> = None;
    for _ in 0..20 {
        let request = match form.take() {
            Some(fields) => http.post(url.clone()).form(&fields),
            None => http.get(url.clone()),
        };
        let r = request.send().await.unwrap();
        if url.path() == "/login/oidc/callback" {
            let location = r.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
            return (r.status(), location, r.text().await.unwrap());
        }
        if r.status().is_redirection() {
            url = url.join(r.headers()[LOCATION].to_str().unwrap()).unwrap();
            continue;
        }
        assert_eq!(r.status(), StatusCode::OK, "unexpected answer from {url}");
        // The provider's sign-in (prompt=login) or consent (prompt=consent) form.
        let html = r.text().await.unwrap();
        let doc = scraper::Html::parse_document(&html);
        let form_el = doc.select(&scraper::Selector::parse("form").unwrap()).next().unwrap_or_else(|| panic!("a form at {url}: {html}"));
        url = url.join(form_el.value().attr("action").unwrap()).unwrap();
        let mut fields: Vec<(String, String)> = form_el
            .select(&scraper::Selector::parse("input[type=hidden]").unwrap())
            .map(|i| (i.value().attr("name").unwrap().to_owned(), i.value().attr("value").unwrap_or_default().to_owned()))
            .collect();
        if fields.iter().any(|(k, v)| k == "prompt" && v == "login") {
            fields.push(("login".into(), account.into()));
            fields.push(("password".into(), "any password: the development form ignores it".into()));
        }
        form = Some(fields);
    }
    panic!("the sign-in did not come back to Linkwork");
}

async fn databases() -> Vec<(&'static str, String)> {
    let dir = std::env::temp_dir().join("linkwork-oidc-tests");
    std::fs::create_dir_all(&dir).unwrap();
    fresh_database_urls(&dir).await
}

/// A link worker signs in through the provider (authorization code with PKCE and a nonce, ID
/// token checked) and lands on Today; the account is linked to the identity, so the
/// next sign-in matches by subject.
#[tokio::test]
async fn signs_in_through_a_real_openid_connect_provider() {
    for (backend, url) in databases().await {
        let (w, _provider) = world_with_provider(&url).await;
        let http = browser();
        let (status, location, _) = sign_in_through_provider(&http, &w.base, "lw-subject").await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/today"), "{backend}");
        let r = http.get(format!("{}/caseload", w.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{backend}: signed in to Linkwork");
        assert!(r.text().await.unwrap().contains("My caseload"));
        assert_eq!(w.store.count_audit_events("user.link_single_sign_on").await.unwrap(), 1);
        let (_, html) = Browser::login(&w.base, "lw@test.org").await.get("/account").await;
        assert!(html.contains("lw@test.org"));

        // Again, in a new browser: matched by the linked subject.
        let (status, location, _) = sign_in_through_provider(&browser(), &w.base, "lw-subject").await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/today"), "{backend}: second sign-in");
        eprintln!("{backend}: signed in through {}", w.base);
    }
}

/// Identities without an active Linkwork account are refused, and no account is created: an
/// unknown e-mail address, an unverified one, a deactivated account, and another identity
/// claiming an address already linked to someone.
#[tokio::test]
async fn a_wrong_or_unknown_user_is_refused() {
    for (backend, url) in databases().await {
        let (w, _provider) = world_with_provider(&url).await;
        let manager = w.store.user_credentials("manager@test.org").await.unwrap().unwrap().user;
        w.store.set_user_active(&AuditActor::default(), &manager.id, false).await.unwrap();
        for account in ["stranger-subject", "unverified-subject", "gone-subject"] {
            let http = browser();
            let (status, _, html) = sign_in_through_provider(&http, &w.base, account).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{backend}: {account}");
            assert!(html.contains("is not linked to an active Linkwork account"), "{backend}: {account}");
            assert_eq!(http.get(format!("{}/caseload", w.base)).send().await.unwrap().status(), StatusCode::SEE_OTHER, "{backend}: {account} is not signed in");
        }
        assert!(w.store.user_credentials("stranger@elsewhere.example").await.unwrap().is_none(), "{backend}: no account is created");

        let (status, _, _) = sign_in_through_provider(&browser(), &w.base, "lw-subject").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, html) = sign_in_through_provider(&browser(), &w.base, "impostor-subject").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend}: the address is linked to another identity");
        assert!(html.contains("is not linked to an active Linkwork account"));
    }
}

/// A callback that this browser did not start (no flow cookie, or another state) is refused.
#[tokio::test]
async fn a_callback_not_started_here_is_refused() {
    for (backend, url) in databases().await {
        let (w, _provider) = world_with_provider(&url).await;
        let http = browser();
        let r = http.get(format!("{}/login/oidc/callback?code=forged&state=forged", w.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{backend}");
        assert!(r.text().await.unwrap().contains("was not started here"));
        // Started here, but the state does not match.
        http.get(format!("{}/login/oidc", w.base)).send().await.unwrap();
        let r = http.get(format!("{}/login/oidc/callback?code=forged&state=other", w.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{backend}");
        // Without single sign-on configured the routes do not exist.
        let plain = spawn_with(&fresh_database_urls(&std::env::temp_dir().join("linkwork-oidc-tests")).await[0].1, |_| {}).await;
        assert_eq!(reqwest::get(format!("{}/login/oidc", plain.base)).await.unwrap().status(), StatusCode::NOT_FOUND);
    }
}
