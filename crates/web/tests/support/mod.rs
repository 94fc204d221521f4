//! Shared setup for the web tests: a real server on a random port over a fresh database with a
//! small world of organisations and accounts, and a browser-like client (cookies, CSRF tokens).
#![allow(dead_code)]

use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_store::testing::migrated;
use linkwork_store::*;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use std::sync::Arc;

pub const PASSWORD: &str = "a long test password";

pub struct World {
    /// The database URL.
    pub url: String,
    pub base: String,
    pub store: Arc<dyn Store>,
    pub icb: String,
    pub pcn: String,
    pub other_pcn: String,
    pub practice: String,
    pub vcse: String,
    pub other_vcse: String,
    pub service: String,
}

pub async fn spawn(url: &str) -> World {
    spawn_with(url, |_| {}).await
}

/// As [`spawn`], with the web settings changed by `configure` (given the defaults the tests use).
pub async fn spawn_with(url: &str, configure: impl FnOnce(&mut linkwork_web::WebConfig)) -> World {
    spawn_on(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(), url, configure).await
}

/// As [`spawn_with`], serving on `listener` (when its address must be known beforehand).
pub async fn spawn_on(listener: tokio::net::TcpListener, url: &str, configure: impl FnOnce(&mut linkwork_web::WebConfig)) -> World {
    let store = migrated(url).await.unwrap();
    let org =
        |kind, name: &str, ods: Option<&str>, parent: Option<String>, list: Option<i64>| NewOrg {
            kind,
            name: name.into(),
            ods_code: ods.map(Into::into),
            parent_id: parent,
            list_size: list,
        };
    let icb = store
        .create_org(&org(OrgKind::Icb, "Test ICB", Some("QTT"), None, None))
        .await
        .unwrap();
    let pcn = store
        .create_org(&org(
            OrgKind::Pcn,
            "Test PCN",
            Some("U99999"),
            Some(icb.clone()),
            None,
        ))
        .await
        .unwrap();
    let other_pcn = store
        .create_org(&org(
            OrgKind::Pcn,
            "Other PCN",
            Some("U88888"),
            Some(icb.clone()),
            None,
        ))
        .await
        .unwrap();
    let practice = store
        .create_org(&org(
            OrgKind::Practice,
            "Test Surgery",
            Some("Z00001"),
            Some(pcn.clone()),
            Some(9000),
        ))
        .await
        .unwrap();
    let vcse = store
        .create_org(&org(OrgKind::Vcse, "Walk & Talk <CIC>", None, None, None))
        .await
        .unwrap();
    let other_vcse = store
        .create_org(&org(OrgKind::Vcse, "Other Charity", None, None, None))
        .await
        .unwrap();
    let hash = linkwork_app::accounts::hash_password(PASSWORD).unwrap();
    for (email, role, org) in [
        ("lw@test.org", Role::LinkWorker, &pcn),
        ("lw.other@test.org", Role::LinkWorker, &other_pcn),
        ("lw2@test.org", Role::LinkWorker, &pcn),
        ("manager@test.org", Role::Manager, &pcn),
        ("practice@test.org", Role::PracticeStaff, &practice),
        ("partner@test.org", Role::VcsePartner, &vcse),
        ("partner.other@test.org", Role::VcsePartner, &other_vcse),
        ("commissioner@test.org", Role::Commissioner, &icb),
    ] {
        store
            .create_user(&NewUser {
                email: email.into(),
                display_name: email.into(),
                password_hash: hash.clone(),
                role,
                org_id: org.clone(),
            })
            .await
            .unwrap();
    }
    let service = store
        .create_service(&NewService {
            org_id: vcse.clone(),
            name: "Tuesday walks".into(),
            description: "Gentle walks".into(),
            needs: vec![NeedDomain::Loneliness],
            address: None,
            postcode: None,
            phone: None,
            email: None,
        })
        .await
        .unwrap();
    let base = serve_on(listener, store.clone(), configure);
    World {
        url: url.to_owned(),
        base,
        store,
        icb,
        pcn,
        other_pcn,
        practice,
        vcse,
        other_vcse,
        service,
    }
}

/// Serves the application over `store` on a new port (another server process, as far as the
/// application can tell, when `store` is a separate connection to the same database).
pub async fn serve_app(store: Arc<dyn Store>, configure: impl FnOnce(&mut linkwork_web::WebConfig)) -> String {
    serve_on(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(), store, configure)
}

/// Serves the application over `store` on `listener`; returns its base URL.
pub fn serve_on(listener: tokio::net::TcpListener, store: Arc<dyn Store>, configure: impl FnOnce(&mut linkwork_web::WebConfig)) -> String {
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = linkwork_web::WebConfig { secure_cookies: false, public_url: base.clone(), ..Default::default() };
    configure(&mut config);
    tokio::spawn(async move { linkwork_web::serve(listener, store, config).await.unwrap() });
    base
}

/// A browser-like client: keeps the session cookie and reads CSRF tokens from forms.
pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
    pub cookie: String,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            base: base.into(),
            cookie: String::new(),
        }
    }

    pub async fn login(base: &str, email: &str) -> Self {
        let mut b = Self::new(base);
        let form = b.http.get(format!("{base}/login")).send().await.unwrap();
        let login_cookie = form
            .headers()
            .get(SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let csrf = csrf_in(&form.text().await.unwrap());
        let r = b
            .http
            .post(format!("{base}/login"))
            .header(COOKIE, &login_cookie)
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("email", email),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {email}");
        b.cookie = r
            .headers()
            .get(SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        b
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// Posts a form with this session's CSRF token (taken from `form_page`), returning status, Location and body.
    pub async fn post(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String, String) {
        let (_, html) = self.get(form_page).await;
        let csrf = csrf_in(&html);
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", csrf.as_str())];
        all.extend_from_slice(fields);
        let r = self
            .http
            .post(format!("{}{action}", self.base))
            .header(COOKIE, &self.cookie)
            .form(&all)
            .send()
            .await
            .unwrap();
        let location = r
            .headers()
            .get(LOCATION)
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (r.status(), location, r.text().await.unwrap())
    }
}

pub fn csrf_in(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("input[name=csrf_token]").unwrap();
    doc.select(&sel)
        .next()
        .expect("a CSRF field")
        .value()
        .attr("value")
        .unwrap()
        .to_owned()
}

pub fn today() -> time::Date {
    linkwork_domain::uk_time::uk_today(time::OffsetDateTime::now_utc())
}

/// A valid NHS number (modulus 11), different for each `n`: the first base from 943 476 5nn00
/// up whose nine digits have a check digit.
pub fn nhs_number(n: u32) -> String {
    (0..)
        .map(|k| (943_476_500 + n * 100 + k).to_string())
        .find_map(|base| {
            linkwork_domain::NhsNumber::check_digit(&base).map(|check| format!("{base}{check}"))
        })
        .unwrap()
}

/// Runs `test` once per database (a new SQLite file, and a new PostgreSQL database when a server
/// is configured), each time on a freshly spawned world.
pub async fn on_each_database<F, Fut>(test: F)
where
    F: Fn(World) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = std::env::temp_dir().join("linkwork-web-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        test(spawn(&url).await).await;
    }
}

/// A new API token for `org` in `role`.
pub async fn api_token(store: &Arc<dyn Store>, org: &str, role: Role) -> String {
    let token = linkwork_app::accounts::new_api_token();
    store.create_api_token(&linkwork_app::accounts::hash_api_token(&token), org, role, Some("test")).await.unwrap();
    token
}

/// A JSON API client with a bearer token.
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub async fn new(w: &World, org: &str, role: Role) -> Self {
        Self { http: reqwest::Client::new(), base: w.base.clone(), token: api_token(&w.store, org, role).await }
    }

    /// GET: status and body as text.
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self.http.get(format!("{}{path}", self.base)).bearer_auth(&self.token).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// POST a JSON body: status and body as JSON (`Null` when the body is empty or not JSON).
    pub async fn post(&self, path: &str, body: serde_json::Value) -> (StatusCode, serde_json::Value) {
        let r = self.http.post(format!("{}{path}", self.base)).bearer_auth(&self.token).json(&body).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }
}

/// The JSON fields of a complete new referral (link-worker or practice form, JSON API).
pub fn referral_json(nhs: &str, given: &str, family: &str, date_of_birth: &str, practice: &str) -> serde_json::Value {
    serde_json::json!({
        "nhs_number": nhs, "given_name": given, "family_name": family, "date_of_birth": date_of_birth,
        "sex": "2", "ethnicity": "A", "postcode": "LS1 4AP", "practice_id": practice,
        "referred_on": today().to_string(), "source": "gp_practice", "referrer_name": "Dr Patel",
        "reason": "Lonely since her husband died", "needs": ["loneliness"],
        "consent": "yes", "lawful_basis": "direct_care",
    })
}

/// A table cell's text without its responsive-table heading (`m::cell_heading`, shown only on
/// phones), as a sighted user on a laptop or a screen reader (which skips it) reads the cell.
pub fn cell_text(cell: scraper::ElementRef) -> String {
    cell.children()
        .filter_map(|node| match node.value() {
            scraper::Node::Text(t) => Some(t.to_string()),
            scraper::Node::Element(e) if e.has_class("nhsuk-table__heading", scraper::CaseSensitivity::CaseSensitive) => None,
            scraper::Node::Element(_) => scraper::ElementRef::wrap(node).map(|e| e.text().collect::<String>()),
            _ => None,
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Whether a check that needs Chromium (printing a PDF) can run. Without a Chromium the check
/// fails when `LINKWORK_REQUIRE_BROWSER=1` (`scripts/test` and CI set it, so the suite never
/// skips it); otherwise it is skipped with a printed notice, for a developer's plain `cargo test`.
pub fn chromium_or_skip(check: &str) -> bool {
    if linkwork_report::pdf::find_chromium().is_some() {
        return true;
    }
    assert!(
        std::env::var("LINKWORK_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "{check} needs a chromium binary on PATH and LINKWORK_REQUIRE_BROWSER=1: install the Debian package \"chromium\" (scripts/setup --system)"
    );
    eprintln!("skipped {check}: no chromium binary on PATH (install the Debian package \"chromium\"; LINKWORK_REQUIRE_BROWSER=1 makes this a failure)");
    false
}
