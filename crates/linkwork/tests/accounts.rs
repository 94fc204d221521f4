//! `linkwork user …` and `linkwork token …` (issue 11): the real binary on real SQLite and
//! PostgreSQL databases.

use linkwork_domain::access::{OrgKind, Role};
use linkwork_store::{NewOrg, NewUser, NO_PASSWORD};
use std::io::Write;
use std::process::{Command, Stdio};

fn linkwork(args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_linkwork"))
        .args(args)
        .env_remove("LINKWORK_DATABASE")
        .env_remove("LINKWORK_PUBLIC_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.as_mut().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

type Store = std::sync::Arc<dyn linkwork_store::Store>;

/// A fresh database of each kind (SQLite, and PostgreSQL unless skipped) with one PCN (ODS
/// U12345): the backend's name, the URL and the store.
async fn databases() -> Vec<(&'static str, String, Store)> {
    let dir = std::env::temp_dir().join(format!("linkwork-cli-accounts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut out = Vec::new();
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&dir).await {
        let store = linkwork_store::testing::migrated(&url).await.unwrap();
        store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "Test PCN".into(), ods_code: Some("U12345".into()), parent_id: None, list_size: None }).await.unwrap();
        out.push((backend, url, store));
    }
    out
}

#[tokio::test]
async fn token_create_list_and_revoke() {
    for (backend, url, store) in databases().await {
        eprintln!("-- on {backend}");
        tokens_on(&url, store).await;
    }
}

async fn tokens_on(url: &str, store: Store) {
    let url = url.to_owned();
    let (ok, _, err) = linkwork(&["token", "create", "--database", &url, "--org", "U12345", "--role", "link_worker", "--expires-in-days", "0"], None);
    assert!(!ok && err.contains("between 1 and 366"), "{err}");
    let (ok, secret, err) = linkwork(&["token", "create", "--database", &url, "--org", "U12345", "--role", "link_worker", "--label", "GP system", "--expires-in-days", "30"], None);
    assert!(ok, "{err}");
    assert!(err.contains("valid until"), "the expiry is shown: {err}");
    let secret = secret.trim();
    let token = store.api_token(&linkwork_app::accounts::hash_api_token(secret)).await.unwrap().expect("the token works");
    let info = store.api_token_info(&token.id).await.unwrap().unwrap();
    assert_eq!((info.expires_at - time::OffsetDateTime::now_utc()).whole_days(), 29);

    let (ok, list, err) = linkwork(&["token", "list", "--database", &url], None);
    assert!(ok, "{err}");
    assert!(list.contains(&token.id) && list.contains("GP system") && list.contains("active") && !list.contains(secret), "{list}");
    let (ok, _, err) = linkwork(&["token", "revoke", "--database", &url, "--id", &token.id], None);
    assert!(ok && err.contains("Revoked"), "{err}");
    assert!(store.api_token(&linkwork_app::accounts::hash_api_token(secret)).await.unwrap().is_none(), "a revoked token no longer works");
    let (_, list, _) = linkwork(&["token", "list", "--database", &url, "--status", "revoked"], None);
    assert!(list.contains(&token.id), "{list}");
    let (_, list, _) = linkwork(&["token", "list", "--database", &url, "--status", "active"], None);
    assert!(!list.contains(&token.id), "{list}");
    let (ok, _, err) = linkwork(&["token", "revoke", "--database", &url, "--id", "no-such-token"], None);
    assert!(!ok && err.contains("no token has the id"), "{err}");
    assert_eq!(store.count_audit_events("token.revoke").await.unwrap(), 1);
}

#[tokio::test]
async fn user_commands_give_bundle_staff_a_way_in_and_manage_accounts() {
    for (backend, url, store) in databases().await {
        eprintln!("-- on {backend}");
        user_commands_on(&url, store).await;
    }
}

async fn user_commands_on(url: &str, store: Store) {
    let url = url.to_owned();
    let pcn = store.find_org("U12345").await.unwrap().unwrap().id;
    // Staff brought in by a bundle: no password, and `user add` refuses their address.
    let staff = store.create_user(&NewUser { email: "from.bundle@example.org".into(), display_name: "From Bundle".into(), password_hash: NO_PASSWORD.into(), role: Role::LinkWorker, org_id: pcn.clone() }).await.unwrap();
    let (ok, _, err) = linkwork(&["user", "add", "--database", &url, "--role", "link_worker", "--org", "U12345", "--email", "from.bundle@example.org", "--password-stdin"], Some("a perfectly long password\n"));
    assert!(!ok && err.contains("already exists") && err.contains("user set-password"), "{err}");
    let (ok, _, err) = linkwork(&["user", "set-password", "--database", &url, "--email", "from.bundle@example.org", "--password-stdin"], Some("short\n"));
    assert!(!ok && err.contains("at least 12 characters"), "{err}");
    let (ok, _, err) = linkwork(&["user", "set-password", "--database", &url, "--email", "from.bundle@example.org", "--password-stdin"], Some("a perfectly long password\n"));
    assert!(ok, "{err}");
    let creds = store.user_credentials("from.bundle@example.org").await.unwrap().unwrap();
    assert!(linkwork_app::accounts::verify_password("a perfectly long password", &creds.password_hash));
    assert_eq!(store.count_audit_events("user.password_set").await.unwrap(), 1);

    // A reset link, printed for the administrator to pass on.
    let (ok, link, err) = linkwork(&["user", "reset-password", "--database", &url, "--email", "from.bundle@example.org", "--public-url", "https://linkwork.example.org/"], None);
    assert!(ok, "{err}");
    let secret = link.trim().strip_prefix("https://linkwork.example.org/account/password/").unwrap_or_else(|| panic!("{link}"));
    let usable = store.password_link(&linkwork_app::accounts::hash_session_secret(secret), time::OffsetDateTime::now_utc()).await.unwrap().expect("a usable link, stored as a hash");
    assert_eq!(usable.user.id, staff);

    // An invitation: an account with no password and a link.
    let (ok, link, err) = linkwork(&["user", "add", "--database", &url, "--role", "manager", "--org", "U12345", "--email", "new.manager@example.org", "--invite", "--public-url", "https://linkwork.example.org"], None);
    assert!(ok, "{err}");
    assert!(link.trim().starts_with("https://linkwork.example.org/account/password/"), "{link}");
    let (ok, _, err) = linkwork(&["user", "add", "--database", &url, "--role", "manager", "--org", "U12345", "--email", "x@example.org", "--invite"], None);
    assert!(!ok && err.contains("--public-url"), "an invitation needs the public URL: {err}");

    // Deactivate, list, reactivate, sign out everywhere.
    store.create_session("some-session", &staff, "csrf", time::OffsetDateTime::now_utc() + time::Duration::hours(1)).await.unwrap();
    let (ok, _, err) = linkwork(&["user", "deactivate", "--database", &url, "--email", "from.bundle@example.org"], None);
    assert!(ok && err.contains("Deactivated"), "{err}");
    assert!(!store.user(&staff).await.unwrap().unwrap().active);
    assert_eq!(store.live_sessions(&staff, time::OffsetDateTime::now_utc()).await.unwrap(), 0, "deactivation ends sessions");
    let (ok, list, err) = linkwork(&["user", "list", "--database", &url, "--status", "deactivated"], None);
    assert!(ok, "{err}");
    assert!(list.contains("from.bundle@example.org") && !list.contains("new.manager@example.org"), "{list}");
    let (_, list, _) = linkwork(&["user", "list", "--database", &url, "--role", "manager"], None);
    assert!(list.contains("new.manager@example.org") && list.contains("no password yet"), "{list}");
    let (ok, _, err) = linkwork(&["user", "reactivate", "--database", &url, "--email", "from.bundle@example.org"], None);
    assert!(ok && err.contains("Reactivated"), "{err}");
    store.create_session("another-session", &staff, "csrf", time::OffsetDateTime::now_utc() + time::Duration::hours(1)).await.unwrap();
    let (ok, _, err) = linkwork(&["user", "sign-out-everywhere", "--database", &url, "--email", "from.bundle@example.org"], None);
    assert!(ok && err.contains("Ended 1 session"), "{err}");
    let (ok, _, err) = linkwork(&["user", "deactivate", "--database", &url, "--email", "nobody@example.org"], None);
    assert!(!ok && err.contains("no account has the e-mail address"), "{err}");
}

/// Single sign-on must use https, except to a provider on this machine.
#[tokio::test]
async fn serve_refuses_a_plain_http_issuer_off_this_machine() {
    for (backend, url, store) in databases().await {
        eprintln!("-- on {backend}");
        serve_refuses_on(&url, store).await;
    }
}

async fn serve_refuses_on(url: &str, _store: Store) {
    let url = url.to_owned();
    let secret = std::env::temp_dir().join(format!("linkwork-oidc-secret-{}", std::process::id()));
    std::fs::write(&secret, "s3cret\n").unwrap();
    let (ok, _, err) = linkwork(
        &["serve", "--database", &url, "--bind", "127.0.0.1:0", "--oidc-issuer", "http://idp.example.org", "--oidc-client-id", "linkwork", "--oidc-client-secret-file", secret.to_str().unwrap()],
        None,
    );
    assert!(!ok && err.contains("must use https"), "{err}");
    let (ok, _, err) = linkwork(&["serve", "--database", &url, "--bind", "127.0.0.1:0", "--oidc-issuer", "https://idp.example.org"], None);
    assert!(!ok && err.contains("--oidc-client-id"), "the client id and secret file are required with an issuer: {err}");
}
