//! `linkwork export gp-record` as an administrator runs it: the real binary against the demo
//! database on SQLite and PostgreSQL, as CSV and as a FHIR Bundle.

use linkwork_domain::access::OrgKind;
use linkwork_store::testing::{fresh_database_urls, migrated};
use std::process::{Command, Stdio};

fn linkwork(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_linkwork")).args(args).env_remove("LINKWORK_DATABASE").stdin(Stdio::null()).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn exports_the_gp_record_of_a_pcn() {
    let dir = std::env::temp_dir().join(format!("linkwork-cli-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        let store = migrated(&url).await.unwrap();
        linkwork_demo::seed(&*store, &linkwork_demo::DemoOptions { referrals: 40, ..Default::default() }).await.unwrap();
        let pcn = store.orgs(OrgKind::Pcn, None).await.unwrap().remove(0);
        let referrals = store.caseload(&pcn.id, None, false).await.unwrap().len();
        let ods = pcn.ods_code.clone().unwrap();

        let out = linkwork(&["export", "gp-record", "--database", &url, "--org", &ods, "--format", "csv"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let csv = text(&out.stdout);
        assert!(csv.starts_with("nhs_number,event_date,event,snomed_code,snomed_term,value,referral_id\n"));
        assert_eq!(csv.lines().filter(|l| l.contains(",871731000000106,")).count(), referrals, "one coded referral event per referral");

        let file = dir.join(format!("{backend}-gp-record.json"));
        let out = linkwork(&["export", "gp-record", "--database", &url, "--org", &pcn.name, "--format", "fhir", "--out", file.to_str().unwrap(), "--base-url", "https://linkwork.example.org"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let bundle: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!((bundle["resourceType"].as_str(), bundle["type"].as_str()), (Some("Bundle"), Some("collection")));
        let entries = bundle["entry"].as_array().unwrap();
        assert_eq!(entries.iter().filter(|e| e["resource"]["resourceType"] == "Task").count(), referrals);
        assert!(entries[0]["fullUrl"].as_str().unwrap().starts_with("https://linkwork.example.org/fhir/"));
        // Each record read is audited, with the organisation and no user.
        assert!(store.count_audit_events("referral.read").await.unwrap() >= 2 * referrals as i64);

        let practice = store.orgs(OrgKind::Practice, Some(&pcn.id)).await.unwrap().remove(0);
        let out = linkwork(&["export", "gp-record", "--database", &url, "--org", &practice.id, "--format", "csv"]);
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains("--org must name a primary care network"));
        let out = linkwork(&["export", "gp-record", "--database", &url, "--org", &ods, "--format", "xml"]);
        assert!(!out.status.success() && text(&out.stderr).contains("use fhir or csv"));
        eprintln!("{backend}: export command tests passed");
    }
    std::fs::remove_dir_all(&dir).ok();
}
