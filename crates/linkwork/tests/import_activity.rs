//! `linkwork import activity`: the real binary on the documentation's example file (after the
//! referrals example brings its people in) and on a broken file, on SQLite and PostgreSQL.

use linkwork_store::testing::fresh_database_urls;
use std::path::{Path, PathBuf};
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

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/examples")
        .join(name)
}

#[test]
fn help_lists_import_activity() {
    let help = text(&linkwork(&["import", "activity", "--help"]).stdout);
    assert!(
        help.contains("--dry-run") && help.contains("--skip-bad-rows") && help.contains("--org"),
        "{help}"
    );
}

#[tokio::test]
async fn imports_the_example_once_and_refuses_a_broken_file() {
    let dir = std::env::temp_dir().join(format!("linkwork-cli-activity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        run(&dir, &url).await;
        eprintln!("{backend}: import activity command tests passed");
    }
    std::fs::remove_dir_all(&dir).ok();
}

async fn run(dir: &Path, url: &str) {
    assert!(linkwork(&["migrate", "--database", url]).status.success());
    let store = linkwork_store::connect(url).await.unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    linkwork_demo::seed(
        &*store,
        &linkwork_demo::DemoOptions {
            seed: 11,
            today,
            referrals: 10,
        },
    )
    .await
    .unwrap();
    let referrals = example("referrals.csv");
    let out = linkwork(&[
        "import",
        "referrals",
        referrals.to_str().unwrap(),
        "--database",
        url,
        "--org",
        "U12345",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pcn = store.find_org("U12345").await.unwrap().unwrap().id;
    let stored = || async { store.health_activity(&pcn).await.unwrap().len() };
    let before = stored().await;
    let activity = example("activity.csv");
    let activity = activity.to_str().unwrap();

    let out = linkwork(&[
        "import",
        "activity",
        activity,
        "--database",
        url,
        "--org",
        "U12345",
        "--dry-run",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "Check only: 11 contacts would be imported into Riverside Central PCN. Nothing was written.");
    assert_eq!(stored().await, before);

    let out = linkwork(&[
        "import",
        "activity",
        activity,
        "--database",
        url,
        "--org",
        "Riverside Central PCN",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "Imported 11 contacts into Riverside Central PCN."
    );
    assert_eq!(stored().await, before + 11);
    let margaret = store
        .service_people_by_nhs(&pcn)
        .await
        .unwrap()
        .into_iter()
        .find(|(n, _)| n == "9990000980")
        .unwrap()
        .1;
    let events = store.audit_events(&margaret).await.unwrap();
    let imported = events
        .iter()
        .find(|e| e.action == "health_activity.import")
        .expect("audited");
    assert!(
        imported.user_id.is_none() && imported.token_id.is_none(),
        "the CLI acts as no user"
    );

    // Again: idempotent.
    let out = linkwork(&[
        "import",
        "activity",
        activity,
        "--database",
        url,
        "--org",
        "U12345",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "Imported 0 contacts into Riverside Central PCN; 11 contacts were already recorded."
    );
    assert_eq!(stored().await, before + 11);

    // A broken file: problems by line and column, nothing written; an unknown person is reported.
    let broken = dir.join("broken-activity.csv");
    std::fs::write(
        &broken,
        "NHS No.,Date,Activity type,LOS\n\
         9990000980,2026-09-01,gp_phone,\n\
         9990000980,2026-09-02,gp_visit,\n\
         9434765919,2026-09-03,gp_surgery,\n\
         9990001960,2026-09-04,ae_not_admitted,2\n",
    )
    .unwrap();
    let broken = broken.to_str().unwrap();
    let out = linkwork(&[
        "import",
        "activity",
        broken,
        "--database",
        url,
        "--org",
        "U12345",
    ]);
    assert!(!out.status.success());
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        vec![
            "line 3, column contact_type: \"gp_visit\" is not a type of contact. Use one of gp_surgery, gp_phone, gp_home_visit, practice_nurse, other_practice_contact, ae_not_admitted, ae_admitted, non_elective_admission",
            "line 5, column bed_days: Bed days belong only on non_elective_admission rows, not on ae_not_admitted. Leave bed_days empty on this row",
            "Nothing imported: 2 problems in 2 of 4 rows. Fix the file and run again, or use --skip-bad-rows to import the other 2 rows.",
        ]
    );
    assert_eq!(stored().await, before + 11);

    let out = linkwork(&[
        "import",
        "activity",
        broken,
        "--database",
        url,
        "--org",
        "U12345",
        "--skip-bad-rows",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.ends_with("Imported 1 contact into Riverside Central PCN.\nSkipped 2 rows with problems (lines 3, 5).\nLeft out 1 row for people Riverside Central PCN does not know (line 4).\n"),
        "{stdout}"
    );
    assert_eq!(stored().await, before + 12);

    let out = linkwork(&[
        "import",
        "activity",
        activity,
        "--database",
        url,
        "--org",
        "Y01001",
    ]);
    assert!(
        !out.status.success()
            && text(&out.stderr).contains("--org must name a primary care network")
    );
}
