//! `linkwork import comparison` as a service manager would run it (issue 15): a GP system's
//! pseudonymised extract of registered patients who were not referred, and their contacts, on a
//! real SQLite database holding the demo service. Bad rows are named by file, line and column and
//! nothing is written; importing again adds nothing; the report then compares the referred with
//! them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::seeded;
use seeded::{seeded, today};

fn linkwork(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_linkwork")).args(args).env_remove("LINKWORK_DATABASE").output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linkwork-comparison-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Forty people of the demo's first practice, each with a GP appointment a month over the last
/// two years.
fn extract(dir: &Path) -> (String, String) {
    let mut people = String::from("Person key,Practice code,Age band,Sex,LSOA\n");
    let mut activity = String::from("person_key,contact_on,contact_type,bed_days\n");
    for i in 0..40 {
        let band = ["45-54", "55-64", "65-74"][i % 3];
        people.push_str(&format!("K{i:04},Y01001,{band},{},\n", if i % 2 == 0 { "F" } else { "M" }));
        for m in 0..24 {
            let on = today() - time::Duration::days(30 * m + (i as i64 % 7));
            activity.push_str(&format!("K{i:04},{on},gp_surgery,\n"));
        }
    }
    let (p, a) = (dir.join("people.csv"), dir.join("activity.csv"));
    std::fs::write(&p, people).unwrap();
    std::fs::write(&a, activity).unwrap();
    (p.to_str().unwrap().to_owned(), a.to_str().unwrap().to_owned())
}

async fn stored(url: &str) -> (usize, usize) {
    let store = linkwork_store::connect(url).await.unwrap();
    let pcn = store.find_org("U12345").await.unwrap().unwrap();
    let population = store.comparison_population(&[pcn.id]).await.unwrap();
    (population.people.len(), population.people.iter().map(|p| p.contacts.len()).sum())
}

#[tokio::test]
async fn an_extract_is_imported_once_and_the_report_compares_against_it() {
    let dir = temp_dir("good");
    let url = format!("sqlite://{}", dir.join("db.sqlite").display());
    seeded(&url).await;
    let before = stored(&url).await;
    let (people, activity) = extract(&dir);
    let o = linkwork(&["import", "comparison", "--people", &people, "--activity", &activity, "--database", &url, "--org", "U12345"]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    assert!(text(&o.stdout).contains("Imported 40 new people"), "{}", text(&o.stdout));
    assert_eq!(stored(&url).await, (before.0 + 40, before.1 + 960));
    // Again: nothing added.
    let o = linkwork(&["import", "comparison", "--people", &people, "--activity", &activity, "--database", &url, "--org", "U12345"]);
    assert!(o.status.success());
    assert!(text(&o.stdout).contains("0 contacts into") && text(&o.stdout).contains("960 contacts were already recorded"), "{}", text(&o.stdout));
    assert_eq!(stored(&url).await, (before.0 + 40, before.1 + 960));
    // The report has the comparison section.
    let out = dir.join("report.json");
    let o = linkwork(&["report", "--database", &url, "--from", &(today() - time::Duration::days(365)).to_string(), "--to", &today().to_string(), "--format", "json", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert!(json["report"]["comparison"]["outcomes"].is_array(), "the comparison section");
}

#[tokio::test]
async fn a_bad_row_is_named_and_nothing_is_written() {
    let dir = temp_dir("bad");
    let url = format!("sqlite://{}", dir.join("db.sqlite").display());
    seeded(&url).await;
    let before = stored(&url).await;
    let (people, activity) = extract(&dir);
    // A practice of another service, an NHS number instead of a key, and a contact of nobody.
    let mut text_people = std::fs::read_to_string(&people).unwrap();
    text_people.push_str("K9998,Z99999,45-54,F,\n9434765919 x,Y01001,45-54,F,\n");
    std::fs::write(&people, text_people).unwrap();
    let mut text_activity = std::fs::read_to_string(&activity).unwrap();
    text_activity.push_str("NOBODY,2026-01-05,gp_surgery,\n");
    std::fs::write(&activity, text_activity).unwrap();
    let o = linkwork(&["import", "comparison", "--people", &people, "--activity", &activity, "--database", &url, "--org", "U12345"]);
    assert!(!o.status.success());
    let out = text(&o.stdout);
    assert!(out.contains("people file line 42, column practice: \"Z99999\" is not a practice of this service"), "{out}");
    assert!(out.contains("people file line 43, column person_key:"), "{out}");
    assert!(out.contains("activity file line 962, column person_key: This person is not in the people file"), "{out}");
    assert!(out.contains("Nothing imported: 3 problems"), "{out}");
    assert_eq!(stored(&url).await, before, "nothing written");
    // With --skip-bad-rows the good rows go in and the bad ones are listed.
    let o = linkwork(&["import", "comparison", "--people", &people, "--activity", &activity, "--database", &url, "--org", "U12345", "--skip-bad-rows"]);
    assert!(o.status.success(), "{}", text(&o.stdout));
    assert_eq!(stored(&url).await, (before.0 + 40, before.1 + 960));
}
