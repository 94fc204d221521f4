//! The `linkwork` command as an analyst or administrator runs it: real binary, real database.

use std::io::Write;
use std::process::{Command, Stdio};

fn linkwork(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_linkwork"))
        .args(args)
        .env_remove("LINKWORK_DATABASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.as_mut().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_explains_every_command() {
    let out = linkwork(&["--help"], None);
    assert!(out.status.success());
    for cmd in ["demo", "serve", "migrate", "user", "token", "report"] {
        assert!(text(&out.stdout).contains(cmd), "{cmd} missing from --help");
    }
    let out = linkwork(&["report", "--help"], None);
    assert!(text(&out.stdout).contains("--format") && text(&out.stdout).contains("--from"));
}

#[tokio::test]
async fn accounts_tokens_and_the_report_match_the_web() {
    let dir = std::env::temp_dir().join(format!("linkwork-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        accounts_tokens_and_report_on(&url, &dir.join(backend)).await;
    }
    std::fs::remove_dir_all(&dir).ok();
}

async fn accounts_tokens_and_report_on(url: &str, dir: &std::path::Path) {
    let url = url.to_owned();
    std::fs::create_dir_all(dir).unwrap();
    assert!(linkwork(&["migrate", "--database", &url], None).status.success());
    let store = linkwork_store::connect(&url).await.unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    linkwork_demo::seed(&*store, &linkwork_demo::DemoOptions { seed: 7, today, referrals: 150 }).await.unwrap();

    // Accounts: the password comes from standard input, short ones and wrong organisations are refused.
    let out = linkwork(&["user", "add", "--database", &url, "--role", "link_worker", "--org", "U12345", "--email", "new.lw@example.org", "--password-stdin"], Some("a perfectly long password\n"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = linkwork(&["user", "add", "--database", &url, "--role", "link_worker", "--org", "U12345", "--email", "short@example.org", "--password-stdin"], Some("short\n"));
    assert!(!out.status.success() && text(&out.stderr).contains("at least 12 characters"));
    let out = linkwork(&["user", "add", "--database", &url, "--role", "commissioner", "--org", "U12345", "--email", "c@example.org", "--password-stdin"], Some("a perfectly long password\n"));
    assert!(!out.status.success() && text(&out.stderr).contains("must belong to a integrated care board"), "{}", text(&out.stderr));
    let out = linkwork(&["user", "add", "--database", &url, "--role", "wizard", "--org", "U12345", "--email", "w@example.org", "--password-stdin"], Some("a perfectly long password\n"));
    assert!(!out.status.success() && text(&out.stderr).contains("Select a role"));
    let creds = store.user_credentials("new.lw@example.org").await.unwrap().unwrap();
    assert!(linkwork_app::accounts::verify_password("a perfectly long password", &creds.password_hash));

    // A token works against the API of a running server.
    let out = linkwork(&["token", "create", "--database", &url, "--org", "QRV", "--role", "commissioner"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token = text(&out.stdout).trim().to_owned();
    let out = linkwork(&["token", "create", "--database", &url, "--org", "QRV", "--role", "vcse_partner"], None);
    assert!(!out.status.success() && text(&out.stderr).contains("must belong to a"), "a token's role must fit its organisation");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app_store = store.clone();
    tokio::spawn(async move { linkwork_web::serve(listener, app_store, linkwork_web::WebConfig::default()).await.unwrap() });

    let from = (today - time::Duration::days(364)).to_string();
    let to = today.to_string();
    let http = reqwest::Client::new();
    let web_json: serde_json::Value = http.get(format!("{base}/api/report?from={from}&to={to}")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();

    let out_file = dir.join("report.json");
    let out = linkwork(&["report", "--database", &url, "--from", &from, "--to", &to, "--format", "json", "--out", out_file.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cli_json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    assert_eq!(cli_json["figures"], web_json["figures"], "the CLI and the web report give the same figures");
    assert!(cli_json["figures"].as_array().unwrap().len() > 30);

    let out = linkwork(&["report", "--database", &url, "--from", &from, "--to", &to, "--format", "csv"], None);
    assert!(text(&out.stdout).starts_with("id,section,label,value,n,ci95_low,ci95_high,unit,definition"));
    let out = linkwork(&["report", "--database", &url, "--from", &from, "--to", &to, "--format", "html"], None);
    assert!(text(&out.stdout).contains("<svg") && text(&out.stdout).contains("role=\"img\""));

    // Bad input is a clear one-line error, not a panic.
    let out = linkwork(&["report", "--database", &url, "--from", "2026-02-30", "--to", &to], None);
    assert!(!out.status.success() && text(&out.stderr).contains("must be a real date"));
    let out = linkwork(&["report", "--database", &url, "--from", &to, "--to", &from], None);
    assert!(!out.status.success() && text(&out.stderr).contains("on or before"));
    let out = linkwork(&["report", "--database", &url, "--from", &from, "--to", &to, "--format", "docx"], None);
    assert!(!out.status.success() && text(&out.stderr).contains("json, csv, html or pdf"));
    let out = linkwork(&["migrate", "--database", "mysql://nope"], None);
    assert!(!out.status.success() && text(&out.stderr).contains("sqlite: or postgres://"));
}
