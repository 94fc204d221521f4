//! `linkwork import oruk` as an administrator runs it — the real binary on a folder of saved feed
//! files, again (nothing duplicated), and on bad input — against the demo database on SQLite and
//! PostgreSQL; and the demo directory as `/oruk` publishes it (kept for the schema validator with
//! `LINKWORK_ORUK_SAMPLES`, like the web tests).

use linkwork_domain::directory::{funding_ended, funding_ends_soon, is_stale, Delivery};
use linkwork_domain::interop::import::oruk::{service_json, Detail};
use linkwork_store::testing::fresh_database_urls;
use linkwork_store::OrukQuery;
use std::path::Path;
use std::process::{Command, Stdio};

fn linkwork(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_linkwork")).args(args).env_remove("LINKWORK_DATABASE").stdin(Stdio::null()).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn examples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oruk/examples")
}

#[test]
fn help_lists_import_oruk() {
    let help = text(&linkwork(&["import", "--help"]).stdout);
    assert!(help.contains("oruk") && help.contains("referrals"), "{help}");
    let help = text(&linkwork(&["import", "oruk", "--help"]).stdout);
    assert!(help.contains("--database") && help.contains("folder"), "{help}");
}

#[tokio::test]
async fn imports_feeds_into_the_demo_directory() {
    let dir = std::env::temp_dir().join(format!("linkwork-cli-oruk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        run(backend, &dir.join(backend), &url).await;
        eprintln!("{backend}: import oruk command tests passed");
    }
    std::fs::remove_dir_all(&dir).ok();
}

async fn run(backend: &str, dir: &Path, url: &str) {
    std::fs::create_dir_all(dir).unwrap();
    assert!(linkwork(&["migrate", "--database", url]).status.success());
    let store = linkwork_store::connect(url).await.unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    linkwork_demo::seed(&*store, &linkwork_demo::DemoOptions { seed: 5, today, referrals: 10 }).await.unwrap();

    // The demo directory: every service published with its places, schedule and needs, and what
    // link workers know about it (funding ending, waiting lists, stale entries, online services).
    let all = store.services().await.unwrap();
    let served = store.oruk_services(&OrukQuery::default()).await.unwrap();
    assert_eq!(served.total as usize, all.len());
    for (i, summary) in served.items.iter().enumerate() {
        let record = store.oruk_service(&summary.id).await.unwrap().unwrap();
        let sals = record.service_at_locations.as_ref().unwrap();
        assert!(!sals.is_empty() && !record.schedules.as_ref().unwrap().is_empty() && !record.attributes.as_ref().unwrap().is_empty(), "{}", record.name);
        for sal in sals.iter().filter(|s| s.location.address.is_some()) {
            let c = sal.location.coordinates.expect("a physical place has coordinates");
            assert!((c.latitude - 53.80).abs() < 0.05 && (c.longitude + 1.55).abs() < 0.05, "{c:?}");
        }
        if let Ok(samples) = std::env::var("LINKWORK_ORUK_SAMPLES") {
            std::fs::create_dir_all(&samples).unwrap();
            std::fs::write(Path::new(&samples).join(format!("service.{backend}.demo-{i}.json")), service_json(&record, Detail::Full).to_string()).unwrap();
        }
    }
    let count = |f: &dyn Fn(&linkwork_store::Service) -> bool| all.iter().filter(|s| f(s)).count();
    assert!(count(&|s| funding_ends_soon(s.profile.funding_ends_on, today)) >= 3);
    assert!(count(&|s| funding_ended(s.profile.funding_ends_on, today)) >= 1);
    assert!(count(&|s| s.profile.waiting_list.unwrap_or(0) > 0) >= 5);
    assert!(count(&|s| is_stale(s.profile.last_verified_on, today)) >= 3);
    assert!(count(&|s| s.profile.delivery != Delivery::InPerson) >= 3);
    assert!(count(&|s| s.profile.complex_needs) >= 3);
    let before = all.len();

    // A folder of saved feed files (with a subfolder, and a file that is not JSON).
    let feed = dir.join("feed");
    std::fs::create_dir_all(feed.join("pages")).unwrap();
    std::fs::copy(examples().join("service_full.json"), feed.join("service_full.json")).unwrap();
    std::fs::copy(examples().join("service_list.json"), feed.join("pages/service_list.json")).unwrap();
    std::fs::write(feed.join("README.txt"), "saved from the council's feed").unwrap();
    std::fs::write(
        feed.join("more.json"),
        r#"[{"id": "6f1e3c0e-8f7a-4f57-9a49-3f6f0d5b8a11", "name": "Knit and natter", "status": "active", "organization": {"id": "0b8d8f3e-1c2f-4a57-8d1e-9f5a4c3b2a10", "name": "Riverside Craft Circle", "description": "Crafts"}},
            {"id": "no-name", "status": "active", "organization_id": "0b8d8f3e-1c2f-4a57-8d1e-9f5a4c3b2a10"}]"#,
    )
    .unwrap();
    let folder = feed.to_str().unwrap();
    let out = linkwork(&["import", "oruk", folder, "--database", url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert_eq!(lines[0], format!("skipped: {folder}/more.json $[1]: the service has no name"));
    assert!(lines[1].starts_with(&format!("note: {folder}/pages/service_list.json $: this is page 1 of 10")), "{stdout}");
    assert!(lines[2].starts_with(&format!("note: {folder}/service_full.json $.service_at_locations[0].location.latitude: ")), "{stdout}");
    assert!(lines[3].starts_with("Imported 3 services from 3 files in ") && lines[3].ends_with(" s: 2 created, 1 updated, 0 unchanged; 1 skipped."), "{stdout}");
    assert_eq!(store.services().await.unwrap().len(), before + 2);

    // Again: nothing new.
    let out = linkwork(&["import", "oruk", folder, "--database", url]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains(" s: 0 created, 0 updated, 3 unchanged; 1 skipped."), "{}", text(&out.stdout));
    assert_eq!(store.services().await.unwrap().len(), before + 2, "re-import never duplicates");

    // One file; nothing importable; no such file; an empty folder.
    let out = linkwork(&["import", "oruk", feed.join("more.json").to_str().unwrap(), "--database", url]);
    assert!(out.status.success() && text(&out.stdout).contains("0 created, 0 updated, 1 unchanged; 1 skipped."), "{}", text(&out.stdout));
    std::fs::write(dir.join("broken.json"), "{\"contents\": [").unwrap();
    let out = linkwork(&["import", "oruk", dir.join("broken.json").to_str().unwrap(), "--database", url]);
    assert!(!out.status.success());
    assert!(text(&out.stdout).contains("broken.json $: not valid JSON (line 1, column 14)"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("error: nothing could be imported"));
    let out = linkwork(&["import", "oruk", "/no/such/feed.json", "--database", url]);
    assert!(!out.status.success() && text(&out.stderr).contains("could not read /no/such/feed.json"));
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    let out = linkwork(&["import", "oruk", dir.join("empty").to_str().unwrap(), "--database", url]);
    assert!(!out.status.success() && text(&out.stderr).contains("there are no .json files"));
}
