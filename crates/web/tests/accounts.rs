//! Accounts, sign-in and sessions (issue 11, defects 5, 11 and 12): even sign-in timing, the
//! lockout kept in the database (across server processes, per account), token expiry and
//! revocation, password links, deactivation, sign out everywhere, the administrators' pages, and
//! the promises docs/security.md makes about headers, cookies and sessions. Each test runs on
//! SQLite and PostgreSQL against the real server.

mod support;

use linkwork_domain::access::Role;
use linkwork_store::testing::fresh_database_urls;
use linkwork_store::*;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use std::net::IpAddr;
use std::time::{Duration, Instant};
use support::*;
use time::OffsetDateTime;

/// The timing test measures while no other test of this file runs (they share this lock; it
/// takes it alone), so their work does not land on one kind of attempt more than another.
static QUIET: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

async fn databases() -> Vec<(&'static str, String)> {
    let dir = std::env::temp_dir().join("linkwork-account-tests");
    std::fs::create_dir_all(&dir).unwrap();
    fresh_database_urls(&dir).await
}

/// A client whose requests come from `address` (any of 127.0.0.0/8 on Linux), so the server
/// sees different client addresses.
fn client_from(address: &str) -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).local_address(address.parse::<IpAddr>().unwrap()).build().unwrap()
}

/// One sign-in attempt through the form: status, body, the session cookie if one was set, and
/// how long the POST took.
struct Attempt {
    status: StatusCode,
    body: String,
    session: Option<String>,
    took: Duration,
}

async fn sign_in(http: &reqwest::Client, base: &str, email: &str, password: &str) -> Attempt {
    let form = http.get(format!("{base}/login")).send().await.unwrap();
    let cookie = form.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = csrf_in(&form.text().await.unwrap());
    let started = Instant::now();
    let r = http.post(format!("{base}/login")).header(COOKIE, &cookie).form(&[("csrf_token", csrf.as_str()), ("email", email), ("password", password)]).send().await.unwrap();
    let took = started.elapsed();
    let status = r.status();
    let session = r.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).find(|c| c.starts_with("linkwork_session=")).map(|c| c.split(';').next().unwrap().to_owned());
    Attempt { status, body: r.text().await.unwrap(), session, took }
}

fn locked_out(a: &Attempt) -> bool {
    a.status == StatusCode::UNPROCESSABLE_ENTITY && a.body.contains("Too many attempts")
}

async fn add_user(w: &World, email: &str, role: Role, org: &str, password_hash: &str) -> String {
    w.store.create_user(&NewUser { email: email.into(), display_name: email.into(), password_hash: password_hash.into(), role, org_id: org.into() }).await.unwrap()
}

/// An administrator, signed in.
async fn admin(w: &World) -> Browser {
    add_user(w, "admin@test.org", Role::Admin, &w.icb, &linkwork_app::accounts::hash_password(PASSWORD).unwrap()).await;
    Browser::login(&w.base, "admin@test.org").await
}

async fn user_id(w: &World, email: &str) -> String {
    w.store.user_credentials(email).await.unwrap().unwrap().user.id
}

/// The link shown once to an administrator on the page after a reset or invitation.
fn shown_link(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("input#link").unwrap();
    doc.select(&sel).next().expect("the link is shown").value().attr("value").unwrap().to_owned()
}

/// Opens a password link and sets `password` through its form; returns the POST's status and Location.
async fn use_link(link: &str, password: &str) -> (StatusCode, String) {
    let http = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
    let form = http.get(link).send().await.unwrap();
    if form.status() != StatusCode::OK {
        return (form.status(), String::new());
    }
    let cookie = form.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = csrf_in(&form.text().await.unwrap());
    let r = http.post(link).header(COOKIE, cookie).form(&[("csrf_token", csrf.as_str()), ("password", password), ("confirm", password)]).send().await.unwrap();
    let location = r.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    (r.status(), location)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

// ---- defect 5: timing and lockout ----

/// A wrong password for a real account, an unknown address, a deactivated account and one with
/// no password (staff from a bundle) all cost the same argon2 work: the unknown ones must take at
/// least half as long as the real one (before the fix they took about a tenth).
#[tokio::test]
async fn sign_in_takes_as_long_for_unknown_deactivated_and_passwordless_accounts() {
    let _alone = QUIET.write().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let hash = linkwork_app::accounts::hash_password(PASSWORD).unwrap();
        let gone = add_user(&w, "gone@test.org", Role::LinkWorker, &w.pcn, &hash).await;
        w.store.set_user_active(&AuditActor::default(), &gone, false).await.unwrap();
        add_user(&w, "bundle@test.org", Role::LinkWorker, &w.pcn, NO_PASSWORD).await;
        // Warm up (the first unknown address also makes the dummy hash) from another address.
        let warm = client_from("127.0.0.9");
        for email in ["lw@test.org", "warm@test.org"] {
            sign_in(&warm, &w.base, email, "wrong password").await;
        }
        // Interleaved rounds, so whatever else the machine is doing slows every kind alike.
        let emails = ["lw@test.org", "nobody@test.org", "gone@test.org", "bundle@test.org"];
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); emails.len()];
        for round in 0..7 {
            for k in 0..emails.len() {
                let i = (k + round) % emails.len();
                // A client address per round keeps each below the per-address lockout.
                let a = sign_in(&client_from(&format!("127.0.0.{}", 40 + round)), &w.base, emails[i], "wrong password").await;
                assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
                assert!(a.body.contains("The email address or password is not right"), "the same answer for {}", emails[i]);
                times[i].push(a.took);
            }
        }
        let medians: Vec<(&str, Duration)> = emails.iter().copied().zip(times.into_iter().map(median)).collect();
        let known = medians[0].1;
        eprintln!("{backend}: sign-in medians {:?}", medians.iter().map(|(e, d)| format!("{e} {:.1} ms", d.as_secs_f64() * 1000.0)).collect::<Vec<_>>());
        for (email, took) in &medians[1..] {
            assert!(took.as_secs_f64() >= 0.5 * known.as_secs_f64(), "{backend}: {email} took {took:?}, a real account {known:?}");
        }
    }
}

/// Two servers on one database are one: failures on one lock the account out on the other.
#[tokio::test]
async fn lockout_holds_across_two_server_processes() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let other_server = serve_app(linkwork_store::connect(&url).await.unwrap(), |_| {}).await;
        let http = client_from("127.0.0.1");
        for _ in 0..5 {
            assert!(!locked_out(&sign_in(&http, &w.base, "lw2@test.org", "wrong password").await));
        }
        let a = sign_in(&http, &other_server, "lw2@test.org", PASSWORD).await;
        assert!(locked_out(&a), "{backend}: the second server must see the first one's failures (got {})", a.status);
        assert!(a.session.is_none());
        eprintln!("{backend}: lockout shared by two servers");
    }
}

/// Five failures for one address from one client lock that pair out, whether or not an account
/// has the address (the answer does not tell); other clients are not affected by that limit.
#[tokio::test]
async fn lockout_per_address_says_the_same_for_unknown_addresses() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let http = client_from("127.0.0.1");
        for email in ["lw2@test.org", "nobody@test.org"] {
            for _ in 0..5 {
                assert!(!locked_out(&sign_in(&http, &w.base, email, "wrong password").await));
            }
            assert!(locked_out(&sign_in(&http, &w.base, email, PASSWORD).await), "{backend}: {email} locked after five failures");
        }
        let elsewhere = sign_in(&client_from("127.0.0.2"), &w.base, "lw2@test.org", PASSWORD).await;
        assert_eq!(elsewhere.status, StatusCode::SEE_OTHER, "{backend}: five failures from one address do not lock the account everywhere");
    }
}

/// Ten failures for one account spread over several addresses lock the account out, from any
/// address, even with the right password.
#[tokio::test]
async fn lockout_per_account_from_different_addresses() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        for n in 0..10 {
            // Two failures from each of five addresses: no address reaches its own limit.
            let a = sign_in(&client_from(&format!("127.0.0.{}", 11 + n / 2)), &w.base, "lw2@test.org", "wrong password").await;
            assert!(!locked_out(&a));
        }
        let a = sign_in(&client_from("127.0.0.30"), &w.base, "lw2@test.org", PASSWORD).await;
        assert!(locked_out(&a), "{backend}: the account is locked from a new address too (got {})", a.status);
        // Other accounts are not.
        assert_eq!(sign_in(&client_from("127.0.0.30"), &w.base, "lw@test.org", PASSWORD).await.status, StatusCode::SEE_OTHER);
        // A new password set through a link lifts the lock.
        let uid = user_id(&w, "lw2@test.org").await;
        let user = w.store.user(&uid).await.unwrap().unwrap();
        let link = linkwork_app::accounts::links::reset_password(&*w.store, &AuditActor::default(), &user, &w.base, false).await.unwrap();
        assert_eq!(use_link(&link.url, "a brand new password").await, (StatusCode::SEE_OTHER, "/login?notice=password_set".to_owned()));
        assert_eq!(sign_in(&client_from("127.0.0.30"), &w.base, "lw2@test.org", "a brand new password").await.status, StatusCode::SEE_OTHER);
    }
}

// ---- defect 11: tokens ----

async fn api_status(base: &str, token: &str) -> StatusCode {
    reqwest::Client::new().get(format!("{base}/api/referrals")).bearer_auth(token).send().await.unwrap().status()
}

/// Tokens expire (90 days by default) and revoked or expired ones get 401.
#[tokio::test]
async fn expired_and_revoked_tokens_get_401() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let now = OffsetDateTime::now_utc();
        let issue = |expires_at: OffsetDateTime, label: &str| {
            let secret = linkwork_app::accounts::new_api_token();
            let token = NewApiToken { token_hash: linkwork_app::accounts::hash_api_token(&secret), org_id: w.pcn.clone(), role: Role::LinkWorker, label: Some(label.into()), expires_at };
            (secret, token)
        };
        let (live, t) = issue(now + time::Duration::days(1), "live");
        let live_id = w.store.issue_api_token(&AuditActor::default(), &t).await.unwrap();
        let (expired, t) = issue(now - time::Duration::seconds(1), "expired");
        w.store.issue_api_token(&AuditActor::default(), &t).await.unwrap();
        assert_eq!(api_status(&w.base, &live).await, StatusCode::OK, "{backend}");
        assert_eq!(api_status(&w.base, &expired).await, StatusCode::UNAUTHORIZED, "{backend}: an expired token");

        // The default lifetime is 90 days, and it shows.
        let default = linkwork_app::accounts::new_api_token();
        let id = w.store.create_api_token(&linkwork_app::accounts::hash_api_token(&default), &w.pcn, Role::LinkWorker, None).await.unwrap();
        let info = w.store.api_token_info(&id).await.unwrap().unwrap();
        let days = (info.expires_at - now).whole_days();
        assert!((89..=90).contains(&days), "{backend}: default expiry {days} days");

        // An administrator revokes the live one, after a confirmation page.
        let admin = admin(&w).await;
        let (status, html) = admin.get("/admin/tokens").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("live") && html.contains("Expired") && html.contains(&format!("/admin/tokens/{live_id}/revoke")));
        let (status, html) = admin.get(&format!("/admin/tokens/{live_id}/revoke")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Revoke the token") && html.contains("401"));
        let before = w.store.count_audit_events("token.revoke").await.unwrap();
        let (status, location, _) = admin.post(&format!("/admin/tokens/{live_id}/revoke"), &format!("/admin/tokens/{live_id}/revoke"), &[]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/admin/tokens?notice=revoked"));
        assert_eq!(api_status(&w.base, &live).await, StatusCode::UNAUTHORIZED, "{backend}: a revoked token");
        assert_eq!(w.store.count_audit_events("token.revoke").await.unwrap(), before + 1, "revoking is audited");
        let (_, html) = admin.get("/admin/tokens?status=revoked").await;
        assert!(html.contains("</span>live<br>") && !html.contains("</span>expired<br>"), "{backend}: filter by status");
    }
}

// ---- defect 11: password links, deactivation, sign out everywhere ----

/// An administrator's reset makes a link shown once; it sets a new password once, and only
/// before it expires; the person's sessions end.
#[tokio::test]
async fn password_reset_link_is_single_use_and_time_limited() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let admin = admin(&w).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let uid = user_id(&w, "lw@test.org").await;
        let (status, html) = admin.get(&format!("/admin/users/{uid}/reset-password")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("shown to you once"), "{backend}: without e-mail the confirmation says the link will be shown");
        let before = w.store.count_audit_events("user.password_reset").await.unwrap();
        let (status, _, html) = admin.post(&format!("/admin/users/{uid}/reset-password"), &format!("/admin/users/{uid}/reset-password"), &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(w.store.count_audit_events("user.password_reset").await.unwrap(), before + 1);
        let link = shown_link(&html);
        assert!(link.starts_with(&format!("{}/account/password/", w.base)), "{link}");

        // The old password works until the link is used; too short a password is refused.
        assert_eq!(lw.get("/caseload").await.0, StatusCode::OK);
        let (status, _) = use_link(&link, "short").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(use_link(&link, "a brand new password").await, (StatusCode::SEE_OTHER, "/login?notice=password_set".to_owned()));
        assert_eq!(lw.get("/caseload").await.0, StatusCode::SEE_OTHER, "{backend}: setting a password ends the sessions");
        assert_eq!(sign_in(&client_from("127.0.0.1"), &w.base, "lw@test.org", PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(sign_in(&client_from("127.0.0.1"), &w.base, "lw@test.org", "a brand new password").await.status, StatusCode::SEE_OTHER);
        // Once only.
        assert_eq!(use_link(&link, "another new password").await.0, StatusCode::NOT_FOUND, "{backend}: a used link");

        // A link past its time does nothing (made through the store with a past expiry).
        let secret = "an-expired-link-secret";
        let user = w.store.user(&uid).await.unwrap().unwrap();
        let expired = NewPasswordLink { token_hash: linkwork_app::accounts::hash_session_secret(secret), user_id: uid.clone(), purpose: PasswordLinkPurpose::Reset, expires_at: OffsetDateTime::now_utc() - time::Duration::seconds(1), email: None };
        w.store.create_password_link(&AuditActor::default(), &expired).await.unwrap();
        assert_eq!(use_link(&format!("{}/account/password/{secret}", w.base), "another new password").await.0, StatusCode::NOT_FOUND, "{backend}: an expired link");
        // A newer link replaces an older one.
        let first = linkwork_app::accounts::links::reset_password(&*w.store, &AuditActor::default(), &user, &w.base, false).await.unwrap();
        let second = linkwork_app::accounts::links::reset_password(&*w.store, &AuditActor::default(), &user, &w.base, false).await.unwrap();
        assert_eq!(use_link(&first.url, "another new password").await.0, StatusCode::NOT_FOUND, "{backend}: a replaced link");
        assert_eq!(use_link(&second.url, "another new password").await.0, StatusCode::SEE_OTHER);
    }
}

/// With SMTP configured the link goes to the person through the e-mail outbox, never to the
/// administrator; once used, the outbox copy no longer holds it.
#[tokio::test]
async fn password_reset_is_emailed_through_the_outbox_when_smtp_is_configured() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn_with(&url, |c| c.email_enabled = true).await;
        let admin = admin(&w).await;
        let uid = user_id(&w, "lw@test.org").await;
        let (status, location, html) = admin.post(&format!("/admin/users/{uid}/reset-password"), &format!("/admin/users/{uid}/reset-password"), &[]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("/admin/users/{uid}?notice=emailed").as_str()), "{backend}");
        assert!(!html.contains("/account/password/"), "the administrator never sees an e-mailed link");
        let outbox = w.store.outbox(true, 8, 100).await.unwrap();
        let email = outbox.iter().find(|e| e.to_address == "lw@test.org").expect("an e-mail to the person");
        assert!(email.subject.contains("password"));
        let link = email.body.split_whitespace().find(|word| word.contains("/account/password/")).expect("the link in the e-mail").to_owned();
        assert_eq!(use_link(&link, "a brand new password").await.0, StatusCode::SEE_OTHER, "{backend}");
        let outbox = w.store.outbox(false, 8, 100).await.unwrap();
        let email = outbox.iter().find(|e| e.to_address == "lw@test.org").unwrap();
        assert!(!email.body.contains("/account/password/"), "{backend}: the spent link is removed from the outbox copy");
    }
}

/// Staff brought in by a bundle have no password: they cannot sign in, `user add` refuses their
/// address, and a reset link gives them a way in.
#[tokio::test]
async fn staff_from_a_bundle_get_a_way_in_through_a_link() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let uid = add_user(&w, "from.bundle@test.org", Role::LinkWorker, &w.pcn, NO_PASSWORD).await;
        assert_eq!(sign_in(&client_from("127.0.0.1"), &w.base, "from.bundle@test.org", "!").await.status, StatusCode::UNPROCESSABLE_ENTITY);
        let admin = admin(&w).await;
        let (_, html) = admin.get("/admin/users?q=from.bundle").await;
        assert!(html.contains("No password yet"), "{backend}: the list says who has no password");
        let (status, _, html) = admin.post(&format!("/admin/users/{uid}/reset-password"), &format!("/admin/users/{uid}/reset-password"), &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(use_link(&shown_link(&html), "my first password").await.0, StatusCode::SEE_OTHER);
        assert_eq!(sign_in(&client_from("127.0.0.1"), &w.base, "from.bundle@test.org", "my first password").await.status, StatusCode::SEE_OTHER, "{backend}");
    }
}

/// Deactivation (after a confirmation) ends the sessions and stops sign-in; reactivation
/// restores it. An administrator cannot deactivate themselves.
#[tokio::test]
async fn deactivation_ends_sessions_and_stops_sign_in() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let admin = admin(&w).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let uid = user_id(&w, "lw@test.org").await;
        let (status, html) = admin.get(&format!("/admin/users/{uid}/deactivate")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Deactivate lw@test.org") && html.contains("nhsuk-button--warning"), "{backend}: a confirmation page first");
        let (status, location, _) = admin.post(&format!("/admin/users/{uid}/deactivate"), &format!("/admin/users/{uid}/deactivate"), &[]).await;
        assert_eq!((status, location), (StatusCode::SEE_OTHER, format!("/admin/users/{uid}?notice=deactivated")));
        assert_eq!(lw.get("/caseload").await.0, StatusCode::SEE_OTHER, "{backend}: the session ended");
        assert_eq!(w.store.live_sessions(&uid, OffsetDateTime::now_utc()).await.unwrap(), 0);
        assert_eq!(sign_in(&client_from("127.0.0.1"), &w.base, "lw@test.org", PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(w.store.count_audit_events("user.deactivate").await.unwrap(), 1);
        let (_, html) = admin.get("/admin/users?status=deactivated").await;
        assert!(html.contains("lw@test.org") && !html.contains("lw2@test.org"), "{backend}: filter by status");

        let (status, location, _) = admin.post(&format!("/admin/users/{uid}"), &format!("/admin/users/{uid}/reactivate"), &[]).await;
        assert_eq!((status, location), (StatusCode::SEE_OTHER, format!("/admin/users/{uid}?notice=reactivated")));
        assert_eq!(sign_in(&client_from("127.0.0.1"), &w.base, "lw@test.org", PASSWORD).await.status, StatusCode::SEE_OTHER);
        assert_eq!(w.store.count_audit_events("user.reactivate").await.unwrap(), 1);

        let own = user_id(&w, "admin@test.org").await;
        let (status, _, _) = admin.post(&format!("/admin/users/{uid}"), &format!("/admin/users/{own}/deactivate"), &[]).await;
        assert_eq!(status, StatusCode::CONFLICT, "{backend}: not your own account");
    }
}

/// "Sign out everywhere": a user for themselves, an administrator for anyone.
#[tokio::test]
async fn sign_out_everywhere_for_yourself_and_by_an_administrator() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let phone = Browser::login(&w.base, "lw@test.org").await;
        let laptop = Browser::login(&w.base, "lw@test.org").await;
        let (status, html) = laptop.get("/account").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("On 2 devices or browsers"), "{backend}");
        let (status, location, _) = laptop.post("/account", "/account/sign-out-everywhere", &[]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/login?notice=signed_out_everywhere"));
        assert_eq!(phone.get("/caseload").await.0, StatusCode::SEE_OTHER, "{backend}: the other device is signed out");
        assert_eq!(laptop.get("/caseload").await.0, StatusCode::SEE_OTHER);

        let admin = admin(&w).await;
        let again = Browser::login(&w.base, "lw@test.org").await;
        let uid = user_id(&w, "lw@test.org").await;
        let (status, html) = admin.get(&format!("/admin/users/{uid}/sign-out")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Sign lw@test.org (lw@test.org) out everywhere?"));
        let before = w.store.count_audit_events("user.sign_out_everywhere").await.unwrap();
        let (status, _, _) = admin.post(&format!("/admin/users/{uid}/sign-out"), &format!("/admin/users/{uid}/sign-out"), &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(again.get("/caseload").await.0, StatusCode::SEE_OTHER, "{backend}: signed out by the administrator");
        assert_eq!(w.store.count_audit_events("user.sign_out_everywhere").await.unwrap(), before + 1);
    }
}

/// An administrator invites a user: the account is made with no password and a link to choose
/// one; an existing address is refused with a pointer to the password link instead.
#[tokio::test]
async fn an_administrator_invites_a_user() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let admin = admin(&w).await;
        let fields = |email: &'static str, org: &str| vec![("name", "New Worker".to_owned()), ("email", email.to_owned()), ("role", "link_worker".to_owned()), ("org", org.to_owned())];
        let post = |f: Vec<(&'static str, String)>| {
            let admin = &admin;
            async move {
                let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
                admin.post("/admin/users/invite", "/admin/users/invite", &pairs).await
            }
        };
        // A link worker belongs to a PCN.
        let (status, _, html) = post(fields("new@test.org", &w.vcse)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(html.contains("belongs to a primary care network"));
        let (status, _, html) = post(fields("new@test.org", &w.pcn)).await;
        assert_eq!(status, StatusCode::OK, "{backend}");
        assert_eq!(w.store.count_audit_events("user.invite").await.unwrap(), 1);
        assert_eq!(use_link(&shown_link(&html), "chosen by me, long").await.0, StatusCode::SEE_OTHER);
        let a = sign_in(&client_from("127.0.0.1"), &w.base, "new@test.org", "chosen by me, long").await;
        assert_eq!((a.status, a.session.is_some()), (StatusCode::SEE_OTHER, true), "{backend}: the invited user signs in");
        let (status, _, html) = post(fields("lw@test.org", &w.pcn)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("already exists") && html.contains("password link"), "{backend}");
    }
}

/// The list filters by text, role and organisation; every page of the area is for
/// administrators only.
#[tokio::test]
async fn administrators_list_users_and_only_they_may() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let admin = admin(&w).await;
        let (status, html) = admin.get("/admin/users").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("lw@test.org") && html.contains("partner@test.org"), "{backend}");
        let (_, html) = admin.get("/admin/users?role=vcse_partner").await;
        assert!(html.contains("partner@test.org") && !html.contains("lw@test.org"));
        let (_, html) = admin.get(&format!("/admin/users?org={}", w.other_pcn)).await;
        assert!(html.contains("lw.other@test.org") && !html.contains("lw2@test.org"));
        let (_, html) = admin.get("/admin/users?q=LW2").await;
        assert!(html.contains("lw2@test.org") && !html.contains("manager@test.org"), "text search ignores case");
        let (_, html) = admin.get("/admin/users?q=%25").await;
        assert!(html.contains("No users match"), "{backend}: % is matched literally");

        let uid = user_id(&w, "lw2@test.org").await;
        for role_email in ["lw@test.org", "manager@test.org", "commissioner@test.org", "partner@test.org", "practice@test.org"] {
            let b = Browser::login(&w.base, role_email).await;
            for path in ["/admin/users".to_owned(), "/admin/users/invite".to_owned(), format!("/admin/users/{uid}"), format!("/admin/users/{uid}/deactivate"), "/admin/tokens".to_owned()] {
                assert_eq!(b.get(&path).await.0, StatusCode::FORBIDDEN, "{backend}: {role_email} on {path}");
            }
            let csrf = csrf_in(&b.get("/account").await.1);
            let r = b.http.post(format!("{}/admin/users/{uid}/deactivate", w.base)).header(COOKIE, &b.cookie).form(&[("csrf_token", csrf.as_str())]).send().await.unwrap();
            let status = r.status();
            assert_eq!(status, StatusCode::FORBIDDEN, "{backend}: {role_email} may not deactivate");
        }
        assert!(w.store.user(&uid).await.unwrap().unwrap().active);
    }
}

// ---- defect 12: what docs/security.md promises ----

fn assert_security_headers(r: &reqwest::Response, what: &str) {
    let h = r.headers();
    let csp = h.get("content-security-policy").unwrap_or_else(|| panic!("{what}: no CSP")).to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-eval"), "{what}: {csp}");
    assert!(!csp.split(';').any(|d| d.trim().starts_with("script-src") && d.contains("unsafe-inline")), "{what}: no inline scripts");
    assert_eq!(h.get("x-frame-options").map(|v| v.to_str().unwrap()), Some("DENY"), "{what}");
    assert_eq!(h.get("x-content-type-options").map(|v| v.to_str().unwrap()), Some("nosniff"), "{what}");
    assert_eq!(h.get("referrer-policy").map(|v| v.to_str().unwrap()), Some("no-referrer"), "{what}");
    assert_eq!(h.get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "{what}");
}

/// CSP, X-Frame-Options, nosniff, Referrer-Policy and Cache-Control: no-store on pages (signed in
/// or not), the API (answered or refused) and errors.
#[tokio::test]
async fn security_headers_on_pages_and_api() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let token = linkwork_app::accounts::new_api_token();
        w.store.create_api_token(&linkwork_app::accounts::hash_api_token(&token), &w.pcn, Role::LinkWorker, None).await.unwrap();
        let http = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
        let cases = [
            ("sign-in page", http.get(format!("{}/login", w.base))),
            ("signed-in page", http.get(format!("{}/caseload", w.base)).header(COOKIE, &lw.cookie)),
            ("a missing page", http.get(format!("{}/no-such-page", w.base)).header(COOKIE, &lw.cookie)),
            ("API", http.get(format!("{}/api/referrals", w.base)).bearer_auth(&token)),
            ("API refused", http.get(format!("{}/api/referrals", w.base))),
            ("FHIR refused", http.get(format!("{}/fhir/metadata", w.base))),
        ];
        for (what, request) in cases {
            let r = request.send().await.unwrap();
            assert_security_headers(&r, &format!("{backend}: {what} ({})", r.status()));
        }
    }
}

fn cookie_attributes(set_cookie: &str) -> Vec<String> {
    set_cookie.split(';').skip(1).map(|a| a.trim().to_owned()).collect()
}

/// The session cookie is HttpOnly and SameSite=Lax, lives 12 hours, and is Secure unless
/// secure cookies are turned off (plain-HTTP test setups only).
#[tokio::test]
async fn session_cookie_flags() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let secure_server = serve_app(w.store.clone(), |c| c.secure_cookies = true).await;
        for (secure, base) in [(false, w.base.clone()), (true, secure_server)] {
            let http = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
            let form = http.get(format!("{base}/login")).send().await.unwrap();
            let csrf_cookie = form.headers()[SET_COOKIE].to_str().unwrap().to_owned();
            let csrf_attrs = cookie_attributes(&csrf_cookie);
            assert!(csrf_attrs.contains(&"HttpOnly".to_owned()) && csrf_attrs.contains(&"SameSite=Lax".to_owned()));
            assert_eq!(csrf_attrs.contains(&"Secure".to_owned()), secure, "{backend}: sign-in form cookie {csrf_cookie}");
            let csrf = csrf_in(&form.text().await.unwrap());
            let r = http
                .post(format!("{base}/login"))
                .header(COOKIE, csrf_cookie.split(';').next().unwrap())
                .form(&[("csrf_token", csrf.as_str()), ("email", "lw@test.org"), ("password", PASSWORD)])
                .send()
                .await
                .unwrap();
            let session = r.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).find(|c| c.starts_with("linkwork_session=")).expect("a session cookie");
            let attrs = cookie_attributes(&session);
            assert!(attrs.contains(&"HttpOnly".to_owned()), "{backend}: {session}");
            assert!(attrs.contains(&"SameSite=Lax".to_owned()), "{backend}: {session}");
            assert!(attrs.contains(&"Max-Age=43200".to_owned()), "{backend}: 12 hours: {session}");
            assert!(attrs.contains(&"Path=/".to_owned()));
            assert_eq!(attrs.contains(&"Secure".to_owned()), secure, "{backend}: Secure when secure cookies are on: {session}");
        }
    }
}

/// A session lives 12 hours: the one stored at sign-in expires then, and a session whose expiry
/// has passed is refused (made through the store with a past expiry, not by waiting).
#[tokio::test]
async fn a_session_past_its_expiry_is_refused() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let secret = lw.cookie.strip_prefix("linkwork_session=").unwrap();
        let now = OffsetDateTime::now_utc();
        let session = w.store.session(&linkwork_app::accounts::hash_session_secret(secret), now).await.unwrap().expect("the session");
        let left = session.expires_at - now;
        assert!(left <= time::Duration::hours(12) && left > time::Duration::hours(12) - time::Duration::minutes(1), "{backend}: {left}");
        assert!(w.store.session(&linkwork_app::accounts::hash_session_secret(secret), now + time::Duration::hours(12) + time::Duration::seconds(1)).await.unwrap().is_none());

        let uid = user_id(&w, "lw@test.org").await;
        for (expiry, expected) in [(now - time::Duration::seconds(1), StatusCode::SEE_OTHER), (now + time::Duration::minutes(1), StatusCode::OK)] {
            let secret = format!("test-session-{}", expected.as_u16());
            w.store.create_session(&linkwork_app::accounts::hash_session_secret(&secret), &uid, "csrf", expiry).await.unwrap();
            let b = Browser { http: reqwest::Client::builder().redirect(Policy::none()).build().unwrap(), base: w.base.clone(), cookie: format!("linkwork_session={secret}") };
            let (status, _) = b.get("/caseload").await;
            assert_eq!(status, expected, "{backend}: session expiring at {expiry}");
        }
    }
}

/// Signing out deletes the session on the server: the old cookie, replayed, no longer works.
#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let (status, location, _) = lw.post("/caseload", "/logout", &[]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/login"));
        let (status, _) = lw.get("/caseload").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend}: the old cookie is refused");
        let secret = lw.cookie.strip_prefix("linkwork_session=").unwrap();
        assert!(w.store.session(&linkwork_app::accounts::hash_session_secret(secret), OffsetDateTime::now_utc()).await.unwrap().is_none(), "{backend}: the session row is gone");
        assert_eq!(w.store.count_audit_events("user.sign_out").await.unwrap(), 1);
    }
}

/// A client behind a reverse proxy on 127.0.0.1: the proxy sends `X-Forwarded-For: address`.
fn behind_proxy(address: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", address.parse().unwrap());
    reqwest::Client::builder().redirect(Policy::none()).local_address("127.0.0.1".parse::<IpAddr>().unwrap()).default_headers(headers).build().unwrap()
}

/// Behind a trusted proxy every connection comes from the proxy: the lockout per address must
/// count the clients it forwards, or one person's mistakes lock out everyone.
#[tokio::test]
async fn behind_a_trusted_proxy_the_lockout_counts_each_forwarded_client() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn_with(&url, |config| config.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()]).await;
        for _ in 0..5 {
            assert!(!locked_out(&sign_in(&behind_proxy("203.0.113.9"), &w.base, "lw2@test.org", "wrong password").await));
        }
        assert!(locked_out(&sign_in(&behind_proxy("203.0.113.9"), &w.base, "lw2@test.org", PASSWORD).await), "{backend}: the client who failed is locked");
        let other = sign_in(&behind_proxy("203.0.113.10"), &w.base, "lw2@test.org", PASSWORD).await;
        assert_eq!(other.status, StatusCode::SEE_OTHER, "{backend}: another client behind the same proxy signs in");
    }
}

/// Without `--trusted-proxy`, a client cannot escape the lockout by writing X-Forwarded-For.
#[tokio::test]
async fn a_forwarded_address_from_an_untrusted_peer_is_ignored() {
    let _shared = QUIET.read().await;
    for (backend, url) in databases().await {
        let w = spawn(&url).await;
        for _ in 0..5 {
            assert!(!locked_out(&sign_in(&behind_proxy("203.0.113.9"), &w.base, "lw2@test.org", "wrong password").await));
        }
        assert!(locked_out(&sign_in(&behind_proxy("203.0.113.10"), &w.base, "lw2@test.org", PASSWORD).await), "{backend}: the header changed nothing");
    }
}
