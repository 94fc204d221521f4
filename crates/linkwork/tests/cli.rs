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

/// The description `linkwork --help` prints beside a subcommand (empty when it has none).
fn described(help: &str, command: &str) -> String {
    help.lines().find_map(|l| l.trim_start().strip_prefix(command).filter(|rest| rest.starts_with(' ')).map(|rest| rest.trim().to_owned())).unwrap_or_default()
}

#[test]
fn every_subcommand_has_its_own_description() {
    let help = text(&linkwork(&["--help"], None).stdout);
    for cmd in ["demo", "serve", "migrate", "user", "token", "report", "import", "settings", "export", "backup", "restore", "subject-access", "erase", "retention", "audit", "routes", "generate"] {
        assert!(!described(&help, cmd).is_empty(), "{cmd} has no description in --help:\n{help}");
    }
    assert!(described(&help, "settings").starts_with("A service's evaluation settings"), "{help}");
    assert!(described(&help, "export").starts_with("Export data"), "{help}");
}

#[test]
fn import_help_names_every_kind_it_imports() {
    let summary = described(&text(&linkwork(&["--help"], None).stdout), "import");
    let kinds = text(&linkwork(&["import", "--help"], None).stdout);
    for kind in ["referrals", "oruk", "activity", "postcodes", "imd", "list-profile", "bundle"] {
        assert!(!described(&kinds, kind).is_empty(), "import {kind} has no description");
    }
    for words in ["referrals", "Open Referral UK", "activity", "postcodes", "deprivation", "list profiles", "bundle"] {
        assert!(summary.contains(words), "the import summary leaves out {words}: {summary}");
    }
}

#[test]
fn every_option_of_token_create_explains_itself() {
    let help = text(&linkwork(&["token", "create", "--help"], None).stdout);
    for option in ["--database", "--org", "--role", "--label", "--expires-in-days"] {
        let line = help.lines().find(|l| l.trim_start().starts_with(option)).unwrap_or_else(|| panic!("{option} missing:\n{help}"));
        let explained = line.trim_start().splitn(2, "  ").nth(1).map_or(false, |d| !d.trim().is_empty()) || help.lines().skip_while(|l| *l != line).nth(1).is_some_and(|next| next.starts_with("          "));
        assert!(explained, "{option} has no help text:\n{help}");
    }
}

#[test]
fn a_mistyped_fixed_date_is_refused_with_a_clear_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_linkwork")).args(["migrate", "--database", "sqlite::memory:"]).env("LINKWORK_TODAY", "6/12/2026").output().unwrap();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("LINKWORK_TODAY must be a date written YYYY-MM-DD"), "{}", text(&out.stderr));
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
