//! `linkwork report` for a chosen scope, in every format including PDF: real binary, real database.

use crate::support;

use std::process::{Command, Stdio};

fn linkwork(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_linkwork"))
        .args(args)
        .env_remove("LINKWORK_DATABASE")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn has(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[tokio::test]
async fn scoped_reports_in_every_format() {
    let root = std::env::temp_dir().join(format!("linkwork-cli-report-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&root).await {
        eprintln!("-- on {backend}");
        scoped_reports_on(&url, &root.join(backend)).await;
    }
    std::fs::remove_dir_all(&root).ok();
}

async fn scoped_reports_on(url: &str, dir: &std::path::Path) {
    let url = url.to_owned();
    std::fs::create_dir_all(dir).unwrap();
    assert!(linkwork(&["migrate", "--database", &url]).status.success());
    let store = linkwork_store::connect(&url).await.unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    linkwork_demo::seed(
        &*store,
        &linkwork_demo::DemoOptions {
            seed: 7,
            today,
            referrals: 150,
        },
    )
    .await
    .unwrap();
    let (from, to) = (
        (today - time::Duration::days(364)).to_string(),
        today.to_string(),
    );
    let json_for = |scope: &str| -> serde_json::Value {
        let out = linkwork(&[
            "report",
            "--database",
            &url,
            "--scope",
            scope,
            "--from",
            &from,
            "--to",
            &to,
            "--format",
            "json",
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let figure = |json: &serde_json::Value, id: &str| -> String {
        json["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .map(|f| f["value"].as_str().unwrap().to_owned())
            .unwrap()
    };

    // The PCN and one practice: the practice's list size is its own, and its referrals a part of the PCN's.
    let pcn = json_for("pcn:U12345");
    let practice = json_for("practice:Y01001");
    assert!(pcn["report"]["scope"]
        .as_str()
        .unwrap()
        .starts_with("Riverside Central PCN"));
    assert!(practice["report"]["scope"]
        .as_str()
        .unwrap()
        .starts_with("Riverside Medical Centre (Y01001)"));
    assert!(practice["reproduce"].as_str().unwrap().contains(&format!(
        "--scope practice:Y01001 --from {from} --to {to} --format json"
    )));
    let list = |j: &serde_json::Value| figure(j, "reach.list_size").parse::<u64>().unwrap();
    let practice_list: i64 = store
        .find_org("Y01001")
        .await
        .unwrap()
        .unwrap()
        .list_size
        .unwrap();
    assert_eq!(list(&practice), practice_list as u64);
    assert!(list(&pcn) > list(&practice));
    let referrals =
        |j: &serde_json::Value| figure(j, "reach.referrals").parse::<u64>().expect("reach.referrals is a whole number");
    assert!(
        referrals(&practice) < referrals(&pcn),
        "a practice has fewer referrals than its PCN"
    );
    // Every figure of the demo report is documented in docs/report-figures.md.
    let undocumented: Vec<&str> = pcn["figures"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).filter(|id| linkwork_report::figure_docs::doc_for(id).is_none()).collect();
    assert!(undocumented.is_empty(), "add these figure ids (as patterns) to docs/report-figures.md: {undocumented:?}");
    // Every figure carries the period.
    for f in practice["figures"].as_array().unwrap() {
        assert_eq!(f["period"], format!("{from} to {to}"), "{}", f["id"]);
    }

    // The scope and period are printed in the CSV and HTML too.
    let out = linkwork(&[
        "report",
        "--database",
        &url,
        "--scope",
        "practice:Y01001",
        "--from",
        &from,
        "--to",
        &to,
        "--format",
        "csv",
    ]);
    assert!(
        text(&out.stdout).contains("Riverside Medical Centre (Y01001)")
            && text(&out.stdout).contains(&format!("{from} to {to}"))
    );
    let out = linkwork(&[
        "report",
        "--database",
        &url,
        "--scope",
        "practice:Y01001",
        "--from",
        &from,
        "--to",
        &to,
        "--format",
        "html",
    ]);
    let html = text(&out.stdout);
    assert!(
        html.contains("Evaluation report: Riverside Medical Centre (Y01001)")
            && html.contains("Contents")
            && html.contains("Appendix: how to reproduce")
    );

    // Scopes that do not exist or are the wrong kind are clear errors.
    let out = linkwork(&[
        "report",
        "--database",
        &url,
        "--scope",
        "practice:U12345",
        "--from",
        &from,
        "--to",
        &to,
    ]);
    assert!(
        !out.status.success()
            && text(&out.stderr).contains("is a primary care network, not a gp practice"),
        "{}",
        text(&out.stderr)
    );
    let out = linkwork(&[
        "report",
        "--database",
        &url,
        "--scope",
        "ward:E1",
        "--from",
        &from,
        "--to",
        &to,
    ]);
    assert!(!out.status.success() && text(&out.stderr).contains("practice:<ODS code>"));

    // PDF, when a Chromium is installed (required under scripts/test and CI).
    if support::tool_or_skip(linkwork_report::pdf::find_chromium().is_some(), "a chromium binary on PATH", "chromium", "the PDF check") {
        let pdf = dir.join("report.pdf");
        let out = linkwork(&[
            "report",
            "--database",
            &url,
            "--scope",
            "practice:Y01001",
            "--from",
            &from,
            "--to",
            &to,
            "--format",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        if support::tool_or_skip(has("pdftotext"), "pdftotext", "poppler-utils", "the PDF text check") {
            let words = Command::new("pdftotext")
                .args([pdf.to_str().unwrap(), "-"])
                .output()
                .unwrap();
            let words = text(&words.stdout);
            assert!(
                words.contains("Riverside Medical Centre"),
                "the scope is printed"
            );
            assert!(
                words.contains(&figure(&practice, "reach.referrals")),
                "the headline referral count is printed"
            );
            assert!(words.contains("Page 2 of"), "pages are numbered");
        }
    }
}
