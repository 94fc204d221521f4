//! `linkwork import referrals` as an administrator runs it: the real binary on the documentation's
//! example file and on a broken file, against the demo database on SQLite and PostgreSQL.

use linkwork_store::testing::fresh_database_urls;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn linkwork(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_linkwork")).args(args).env_remove("LINKWORK_DATABASE").stdin(Stdio::null()).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/referrals.csv")
}

const HEADER: &str = "nhs_number,given_name,family_name,date_of_birth,sex,ethnicity,postcode,practice_ods,referred_on,source,referrer_name,reason,needs";

#[test]
fn help_lists_import() {
    let out = linkwork(&["--help"]);
    assert!(text(&out.stdout).contains("import"));
    let out = linkwork(&["import", "referrals", "--help"]);
    let help = text(&out.stdout);
    assert!(help.contains("--dry-run") && help.contains("--skip-bad-rows") && help.contains("--org"), "{help}");
}

#[tokio::test]
async fn imports_the_example_file_and_refuses_a_broken_one() {
    let dir = std::env::temp_dir().join(format!("linkwork-cli-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        run(&dir, &url).await;
        eprintln!("{backend}: import command tests passed");
    }
    std::fs::remove_dir_all(&dir).ok();
}

async fn run(dir: &Path, url: &str) {
    assert!(linkwork(&["migrate", "--database", url]).status.success());
    let store = linkwork_store::connect(url).await.unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    linkwork_demo::seed(&*store, &linkwork_demo::DemoOptions { seed: 11, today, referrals: 10 }).await.unwrap();
    let pcn = store.find_org("U12345").await.unwrap().unwrap().id;
    let count = || async { store.caseload(&pcn, None, false).await.unwrap().len() };
    let before = count().await;
    let example = example();
    let example = example.to_str().unwrap();

    // Check only: every row is fine, nothing is written.
    let out = linkwork(&["import", "referrals", example, "--database", url, "--org", "U12345", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "Check only: 10 referrals would be imported into Riverside Central PCN. Nothing was written.");
    assert_eq!(count().await, before);

    // The real import, by the PCN's name this time.
    let out = linkwork(&["import", "referrals", example, "--database", url, "--org", "Riverside Central PCN"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "Imported 10 referrals into Riverside Central PCN.");
    assert_eq!(count().await, before + 10);
    let imported = store.caseload(&pcn, None, false).await.unwrap().into_iter().find(|e| e.nhs_number.as_str() == "9990000980").expect("Margaret from the example");
    let events = store.audit_events(&imported.person_id).await.unwrap();
    let created = events.iter().find(|e| e.action == "referral.create").expect("audited");
    assert!(created.user_id.is_none() && created.token_id.is_none(), "the CLI acts as no user");

    // Again: every row is already recorded, so nothing is imported and the exit code says so.
    let out = linkwork(&["import", "referrals", example, "--database", url, "--org", "U12345"]);
    assert!(!out.status.success());
    assert!(text(&out.stdout).contains("line 2, column nhs_number: A referral for this NHS number on this date is already recorded"), "{}", text(&out.stdout));

    // A broken file: every problem is printed by line and column, then a summary; nothing is written.
    let broken = dir.join("broken.csv");
    std::fs::write(
        &broken,
        format!(
            "{HEADER}\n\
             9434765919,Ada,Test,1948-02-29,2,A,RV1 2AB,Y01001,2026-11-02,gp_practice,Dr Patel,Lonely,loneliness\n\
             9434765918,Bo,Test,31/02/1960,1,H,RV3 4CD,Y01002,2026-11-03,self,Self,Debt worries,money\n\
             4010232137,Cy,Test,1970-05-05,9,Z,RV4 1EF,Q99999,2026-11-04,,Dr Other,Housing,astrology\n"
        ),
    )
    .unwrap();
    let broken = broken.to_str().unwrap();
    let out = linkwork(&["import", "referrals", broken, "--database", url, "--org", "U12345"]);
    assert!(!out.status.success(), "problems and nothing imported: a failure");
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "line 3, column nhs_number: This is not a valid NHS number. Check it against the person's letter or GP record",
            "line 3, column date_of_birth: The date of birth must be a real date, like 1950-03-27 or 27/03/1950",
            "line 4, column practice_ods: Q99999 is not the ODS code of a GP practice in Riverside Central PCN. Check the code, or ask an administrator to add the practice",
            "line 4, column needs: \"astrology\" is not a need code. Use codes such as loneliness, mental_wellbeing or money, separated by semicolons (the import guide lists them all)",
        ][..],
        "{stdout}"
    );
    assert_eq!(lines[4], "Nothing imported: 4 problems in 2 of 3 rows. Fix the file and run again, or use --skip-bad-rows to import the other 1 row.");
    assert!(text(&out.stderr).contains("error: nothing was imported"));
    assert_eq!(count().await, before + 10);

    // Skipping the bad rows imports the good one and names the lines left out.
    let out = linkwork(&["import", "referrals", broken, "--database", url, "--org", "U12345", "--skip-bad-rows"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).ends_with("Imported 1 referral into Riverside Central PCN, skipped 2 rows with problems (lines 3, 4).\n"), "{}", text(&out.stdout));
    assert_eq!(count().await, before + 11);

    // A header problem is one clear line.
    let headerless = dir.join("headerless.csv");
    std::fs::write(&headerless, "NHS Number,Name\n9434765919,Ada\n").unwrap();
    let out = linkwork(&["import", "referrals", headerless.to_str().unwrap(), "--database", url, "--org", "U12345", "--dry-run"]);
    assert!(!out.status.success());
    assert!(text(&out.stdout).starts_with("line 1: The header row is missing the columns given_name, family_name"), "{}", text(&out.stdout));

    // Wrong organisation, missing file.
    let out = linkwork(&["import", "referrals", example, "--database", url, "--org", "Y01001"]);
    assert!(!out.status.success() && text(&out.stderr).contains("--org must name a primary care network"), "{}", text(&out.stderr));
    let out = linkwork(&["import", "referrals", "/no/such/file.csv", "--database", url, "--org", "U12345"]);
    assert!(!out.status.success() && text(&out.stderr).contains("could not read /no/such/file.csv"));
}
