//! `linkwork import postcodes | imd | list-profile` with small files in the official layouts:
//! the real binary against real SQLite and PostgreSQL databases.

use linkwork_domain::evaluation::equity::ImdDecile;
use linkwork_domain::Postcode;
use linkwork_domain::interop::snomed_maps::SnomedMapping;
use linkwork_store::NewOrg;
use std::process::Command;

fn linkwork(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_linkwork")).args(args).env_remove("LINKWORK_DATABASE").output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The NSPL's own header (a subset of its 41 columns, in its order) and a few rows: one with
/// `doterm`, one with no LSOA (a non-geographic postcode), one in pcd's 7-character form only.
const NSPL: &str = "pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa11,cty,ced,laua,ward,hlthau,nhser,ctry,rgn,pcon,lsoa11,msoa11,imd\n\
LS1 4AP,LS1  4AP,LS1 4AP,198001,,0,429900,433500,1,E00170000,E99999999,E99999999,E08000035,E05011000,E18000003,E40000012,E92000001,E12000003,E14000777,E01033010,E02006875,5000\n\
LS2 7EW,LS2  7EW,LS2 7EW,198001,200012,1,429000,434000,1,E00170001,E99999999,E99999999,E08000035,E05011000,E18000003,E40000012,E92000001,E12000003,E14000777,E01011365,E02002393,300\n\
LS99 1AA,LS99 1AA,LS99 1AA,199001,,1,,,9,,E99999999,E99999999,E08000035,,E18000003,E40000012,E92000001,E12000003,,,,\n";

const IMD: &str = "\"LSOA code (2011)\",\"LSOA name (2011)\",\"Local Authority District code (2019)\",\"Local Authority District name (2019)\",\"Index of Multiple Deprivation (IMD) Score\",\"Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)\",\"Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)\",\"Income Score (rate)\"\n\
E01033010,Leeds 111A,E08000035,Leeds,12.345,\"20,101\",7,0.05\n\
E01011365,Leeds 063C,E08000035,Leeds,55.1,\"1,200\",1,0.4\n";

#[tokio::test]
async fn reference_imports_are_idempotent_and_refuse_wrong_files() {
    let dir = std::env::temp_dir().join(format!("linkwork-cli-equity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        reference_imports_on(&url, &dir).await;
    }
}

async fn reference_imports_on(url: &str, dir: &std::path::Path) {
    let url = url.to_owned();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let nspl = write("nspl.csv", NSPL);
    let imd = write("imd.csv", IMD);

    // A wrong file is refused, naming what is missing, and writes nothing.
    let (ok, _, err) = linkwork(&["import", "postcodes", &imd, "--database", &url]);
    assert!(!ok);
    assert!(err.contains("no pcds (or pcd, pcd7, pcd8), no lsoa11 columns"), "{err}");
    let (ok, _, err) = linkwork(&["import", "imd", &nspl, "--database", &url]);
    assert!(!ok && err.contains("LSOA code (2011)") && err.contains("Decile"), "{err}");

    for _ in 0..2 {
        let (ok, out, err) = linkwork(&["import", "postcodes", &nspl, "--database", &url]);
        assert!(ok, "{err}");
        assert!(out.starts_with("Imported 2 postcodes") && out.contains("skipped 1 rows"), "{out}");
        let (ok, out, err) = linkwork(&["import", "imd", &imd, "--database", &url]);
        assert!(ok, "{err}");
        assert_eq!(out.trim(), "Imported the IMD 2019 decile of 2 LSOAs.");
    }
    let store = linkwork_store::connect(&url).await.unwrap();
    assert_eq!(store.imd_decile(&Postcode::parse("ls14ap").unwrap()).await.unwrap(), ImdDecile::new(7));
    assert_eq!(store.imd_decile(&Postcode::parse("LS2 7EW").unwrap()).await.unwrap(), ImdDecile::new(1));
    assert_eq!(store.lsoa_deciles().await.unwrap().len(), 2);

    // A bad decile names the line.
    let bad = write("bad-imd.csv", &IMD.replace(",7,0.05", ",12,0.05"));
    let (ok, _, err) = linkwork(&["import", "imd", &bad, "--database", &url]);
    assert!(!ok && err.contains("bad-imd.csv line 2: the IMD decile must be a whole number from 1 to 10, not \"12\""), "{err}");

    // List profiles: ours, NHS Digital's single year of age, and by LSOA (IMD via the lookup).
    let pcn = store.create_org(&NewOrg { kind: linkwork_domain::access::OrgKind::Pcn, name: "Equity PCN".into(), ods_code: Some("U00011".into()), parent_id: None, list_size: None }).await.unwrap();
    let practice = store
        .create_org(&NewOrg { kind: linkwork_domain::access::OrgKind::Practice, name: "Equity Surgery".into(), ods_code: Some("B86001".into()), parent_id: Some(pcn), list_size: Some(100) })
        .await
        .unwrap();
    let simple = write("profile.csv", "practice,dimension,group,count\nB86001,ethnicity,white,80\nB86001,ethnicity,asian,20\nZ99999,ethnicity,white,5\n");
    let (ok, out, err) = linkwork(&["import", "list-profile", &simple, "--database", &url]);
    assert!(ok, "{err}");
    assert!(out.contains("Imported 2 list-profile counts for 1 practice.") && out.contains("Skipped 1 practice code not in this database."), "{out}");
    let ages = write(
        "ages.csv",
        "PUBLICATION,EXTRACT_DATE,TYPE,ORG_CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n\
         GP_PRAC_PAT_LIST,01NOV2026,GP,B86001,LS1 4AP,MALE,ALL,30\n\
         GP_PRAC_PAT_LIST,01NOV2026,GP,B86001,LS1 4AP,MALE,20,10\n\
         GP_PRAC_PAT_LIST,01NOV2026,GP,B86001,LS1 4AP,MALE,24,20\n\
         GP_PRAC_PAT_LIST,01NOV2026,GP,B86001,LS1 4AP,FEMALE,95+,5\n\
         GP_PRAC_PAT_LIST,01NOV2026,GP,B86001,LS1 4AP,FEMALE,17,15\n",
    );
    let (ok, out, err) = linkwork(&["import", "list-profile", &ages, "--database", &url]);
    assert!(ok, "{err}{out}");
    let lsoa = write("lsoa.csv", "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\nGP_LSOA,01NOV2026,B86001,X,E01033010,ALL,60\nGP_LSOA,01NOV2026,B86001,X,E01011365,ALL,35\nGP_LSOA,01NOV2026,B86001,X,W01000001,ALL,5\n");
    let (ok, out, err) = linkwork(&["import", "list-profile", &lsoa, "--database", &url]);
    assert!(ok, "{err}");
    assert!(out.contains("5 registered people live in LSOAs without an English IMD decile"), "{out}");
    let profile: Vec<(String, u64)> = store.list_profile(&practice).await.unwrap().into_iter().map(|c| (format!("{}:{}", c.group.dimension().code(), c.group.code()), c.people)).collect();
    assert_eq!(
        profile,
        [("age_band:0-17", 15), ("age_band:18-24", 30), ("age_band:85+", 5), ("ethnicity:asian", 20), ("ethnicity:white", 80), ("imd_quintile:q1", 35), ("imd_quintile:q4", 60), ("sex:1", 30), ("sex:2", 20)]
            .map(|(g, n)| (g.to_owned(), n))
    );

    let wrong = write("wrong.csv", "a,b\n1,2\n");
    let (ok, _, err) = linkwork(&["import", "list-profile", &wrong, "--database", &url]);
    assert!(!ok && err.contains("this is not a list profile"), "{err}");
}

#[tokio::test]
async fn settings_set_the_target_band_and_wte_used_by_the_report() {
    let dir = std::env::temp_dir().join(format!("linkwork-cli-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        settings_on(&url).await;
    }
}

async fn settings_on(url: &str) {
    let url = url.to_owned();
    assert!(linkwork(&["migrate", "--database", &url]).0);
    let store = linkwork_store::connect(&url).await.unwrap();
    let pcn = store.create_org(&NewOrg { kind: linkwork_domain::access::OrgKind::Pcn, name: "Settings PCN".into(), ods_code: Some("U00012".into()), parent_id: None, list_size: None }).await.unwrap();
    store
        .create_user(&linkwork_store::NewUser { email: "lw@settings.test".into(), display_name: "Sam Worker".into(), password_hash: "x".into(), role: linkwork_domain::access::Role::LinkWorker, org_id: pcn.clone() })
        .await
        .unwrap();

    let (ok, out, err) = linkwork(&["settings", "referral-target", "--database", &url, "--org", "U00012"]);
    assert!(ok, "{err}");
    assert!(out.contains("no target set"), "{out}");
    let (ok, out, err) = linkwork(&["settings", "referral-target", "--database", &url, "--org", "U00012", "--year", "2026", "--low", "1.0", "--high", "1.5"]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "Settings PCN: referral-rate target for 2026/27 set to 1–1.5% of the list a year.");
    let (ok, _, err) = linkwork(&["settings", "referral-target", "--database", &url, "--org", "U00012", "--year", "2026", "--low", "1.5", "--high", "1.0"]);
    assert!(!ok && err.contains("the lower first"), "{err}");
    let (ok, out, err) = linkwork(&["settings", "wte", "--database", &url, "--org", "U00012", "--email", "LW@settings.test", "--wte", "0.6"]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "Sam Worker: whole-time equivalent set to 0.6.");
    let (ok, _, err) = linkwork(&["settings", "wte", "--database", &url, "--org", "U00012", "--email", "lw@settings.test", "--wte", "2"]);
    assert!(!ok && err.contains("at most 1.5"), "{err}");

    let (ok, csv, err) = linkwork(&["report", "--database", &url, "--from", "2026-04-01", "--to", "2027-03-31", "--format", "csv"]);
    assert!(ok, "{err}");
    assert!(csv.contains("workforce.link_workers,workforce,Link workers,1,"), "{csv}");
    assert!(csv.contains("workforce.wte,workforce,Whole-time equivalent,0.6,"), "{csv}");
    let (ok, json, _) = linkwork(&["report", "--database", &url, "--from", "2026-04-01", "--to", "2027-03-31", "--format", "json"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["report"]["settings"]["target"]["low_pct"], 1.0);
    assert_eq!(v["report"]["settings"]["target"]["high_pct"], 1.5);
}

/// A migrated SQLite database of its own, and a folder for the test's files. (The files are
/// read by the binary whatever the database; these behaviours are the files', so SQLite alone.)
async fn sqlite_database(test: &str) -> (String, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("linkwork-cli-equity-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("equity.db").display());
    let _ = std::fs::remove_file(dir.join("equity.db"));
    let (ok, _, err) = linkwork(&["migrate", "--database", &url]);
    assert!(ok, "{err}");
    (url, dir)
}

fn write_file(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// The `i`th postcode of [`nspl_rows`].
fn nth_postcode(i: usize) -> String {
    format!("LS{} {}{}{}", 1 + i / 1000, i % 10, (b'A' + (i / 10 % 26) as u8) as char, (b'A' + (i / 260 % 26) as u8) as char)
}

/// An NSPL file of `rows` postcodes, all in the LSOA that [`IMD`] puts in decile 7.
fn nspl_rows(rows: usize) -> String {
    let mut text = String::from("pcds,doterm,lsoa11\n");
    for i in 0..rows {
        text.push_str(&format!("{},,E01033010\n", nth_postcode(i)));
    }
    text
}

/// How many of the postcodes before and after row 3,001 of [`nspl_rows`] the database knows.
async fn postcodes_known(url: &str) -> usize {
    let store = linkwork_store::connect(url).await.unwrap();
    let mut known = 0;
    for i in [0, 1, 3500, 3999] {
        known += usize::from(store.imd_decile(&Postcode::parse(&nth_postcode(i)).unwrap()).await.unwrap().is_some());
    }
    known
}

#[tokio::test]
async fn a_stray_quote_in_the_postcode_file_imports_nothing_and_names_its_line() {
    let (url, dir) = sqlite_database("quote").await;
    let imd = write_file(&dir, "imd.csv", IMD);
    assert!(linkwork(&["import", "imd", &imd, "--database", &url]).0);
    let good = nspl_rows(4000);
    // Row 3,001 opens a quote it never closes: read as one CSV stream, it swallowed the 999 rows after it.
    let bad: String = good.lines().enumerate().map(|(i, l)| if i == 3001 { l.replacen(",,", ",\"", 1) + "\n" } else { format!("{l}\n") }).collect();
    let file = write_file(&dir, "nspl.csv", &bad);
    let (ok, out, err) = linkwork(&["import", "postcodes", &file, "--database", &url]);
    assert!(!ok, "{out}");
    assert!(err.contains("1 row cannot be imported, so nothing was imported") && err.contains("nspl.csv line 3002: a quote opens a value that is never closed"), "{err}");
    assert_eq!(postcodes_known(&url).await, 0, "nothing is written from a file with a bad row");
    let file = write_file(&dir, "nspl.csv", &good);
    let (ok, out, err) = linkwork(&["import", "postcodes", &file, "--database", &url]);
    assert!(ok, "{err}");
    assert!(out.starts_with("Imported 4000 postcodes"), "{out}");
    assert_eq!(postcodes_known(&url).await, 4, "the rows after the bad one are read too, once it is corrected");
}

#[tokio::test]
async fn reference_files_with_crlf_line_breaks_name_the_right_lines() {
    let (url, dir) = sqlite_database("crlf").await;
    let imd = write_file(&dir, "imd.csv", &IMD.replace(",7,0.05", ",44,0.05").replace('\n', "\r\n"));
    let (ok, _, err) = linkwork(&["import", "imd", &imd, "--database", &url]);
    assert!(!ok && err.contains("imd.csv line 2: the IMD decile must be a whole number from 1 to 10, not \"44\""), "{err}");
    let nspl = write_file(&dir, "nspl.csv", &NSPL.replace("E01011365", "Riverside").replace('\n', "\r\n"));
    let (ok, _, err) = linkwork(&["import", "postcodes", &nspl, "--database", &url]);
    assert!(!ok && err.contains("nspl.csv line 3: the LSOA (lsoa11) must be an area code like E01011365, not \"Riverside\""), "{err}");
}

#[tokio::test]
async fn repeated_postcodes_and_lsoas_are_refused_not_overwritten() {
    let (url, dir) = sqlite_database("repeats").await;
    let nspl = write_file(&dir, "nspl.csv", &format!("{NSPL}LS1 4AP,,LS1 4AP,198001,,0,,,1,,,,,,,,,,,E01011365,,\n"));
    let (ok, _, err) = linkwork(&["import", "postcodes", &nspl, "--database", &url]);
    assert!(!ok && err.contains("nspl.csv line 5: the postcode LS1 4AP is also on line 2"), "{err}");
    let imd = write_file(&dir, "imd.csv", &format!("{IMD}E01033010,Leeds 111A again,E08000035,Leeds,1.0,\"1\",3,0.1\n"));
    let (ok, _, err) = linkwork(&["import", "imd", &imd, "--database", &url]);
    assert!(!ok && err.contains("imd.csv line 4: the LSOA E01033010 is also on line 2"), "{err}");
    let store = linkwork_store::connect(&url).await.unwrap();
    assert!(store.lsoa_deciles().await.unwrap().is_empty(), "nothing is imported from a file with a repeat");
}

#[tokio::test]
async fn an_imd_file_whose_lsoa_is_a_name_is_refused() {
    let (url, dir) = sqlite_database("lsoa-name").await;
    let imd = write_file(&dir, "imd.csv", &IMD.replace("E01011365,", "Leeds 063C,"));
    let (ok, _, err) = linkwork(&["import", "imd", &imd, "--database", &url]);
    assert!(!ok && err.contains("imd.csv line 3: the LSOA code (2011) must be an English LSOA code like E01011365, not \"Leeds 063C\""), "{err}");
}

/// NHS Digital's single-year-of-age lists as published: an all-persons file of totals, then one
/// file per sex, each with an AGE ALL row per practice.
const ALL_PERSONS: &str = "PUBLICATION,EXTRACT_DATE,TYPE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\nGP_PRAC_PAT_LIST,01NOV2026,GP,B86001,LS1 4AP,ALL,ALL,100\n";
const MALE: &str = "PUBLICATION,EXTRACT_DATE,TYPE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n\
GP_PRAC_PAT_LIST,01NOV2026,GP,B86001,LS1 4AP,MALE,ALL,40\n\
GP_PRAC_PAT_LIST,01NOV2026,GP,B86001,LS1 4AP,MALE,30,25\n\
GP_PRAC_PAT_LIST,01NOV2026,GP,B86001,LS1 4AP,MALE,70,15\n";
const FEMALE: &str = "PUBLICATION,EXTRACT_DATE,TYPE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n\
GP_PRAC_PAT_LIST,01NOV2026,GP,B86001,LS1 4AP,FEMALE,ALL,60\n\
GP_PRAC_PAT_LIST,01NOV2026,GP,B86001,LS1 4AP,FEMALE,31,50\n\
GP_PRAC_PAT_LIST,01NOV2026,GP,B86001,LS1 4AP,FEMALE,95+,10\n";

async fn practice_with_profile(url: &str) -> (std::sync::Arc<dyn linkwork_store::Store>, String) {
    let store = linkwork_store::connect(url).await.unwrap();
    let pcn = store.create_org(&NewOrg { kind: linkwork_domain::access::OrgKind::Pcn, name: "Equity PCN".into(), ods_code: Some("U00011".into()), parent_id: None, list_size: None }).await.unwrap();
    let practice = store
        .create_org(&NewOrg { kind: linkwork_domain::access::OrgKind::Practice, name: "Equity Surgery".into(), ods_code: Some("B86001".into()), parent_id: Some(pcn), list_size: Some(100) })
        .await
        .unwrap();
    (store, practice)
}

async fn profile(store: &std::sync::Arc<dyn linkwork_store::Store>, practice: &str) -> Vec<String> {
    store.list_profile(practice).await.unwrap().into_iter().map(|c| format!("{}:{}={}", c.group.dimension().code(), c.group.code(), c.people)).collect()
}

#[tokio::test]
async fn nhs_single_age_files_imported_one_at_a_time_are_refused_and_change_nothing() {
    let (url, dir) = sqlite_database("one-sex").await;
    let (store, practice) = practice_with_profile(&url).await;
    let female = write_file(&dir, "female.csv", FEMALE);
    let (ok, _, err) = linkwork(&["import", "list-profile", &female, "--database", &url]);
    assert!(!ok, "a female-only file made every practice 100% female");
    assert!(err.contains("practice B86001 has FEMALE rows but no MALE rows") && err.contains("give the male and female files to one import"), "{err}");
    assert!(profile(&store, &practice).await.is_empty());
}

#[tokio::test]
async fn nhs_single_age_files_given_together_make_one_profile() {
    let (url, dir) = sqlite_database("together").await;
    let (store, practice) = practice_with_profile(&url).await;
    let files = [write_file(&dir, "all.csv", ALL_PERSONS), write_file(&dir, "male.csv", MALE), write_file(&dir, "female.csv", FEMALE)];
    let (ok, out, err) = linkwork(&["import", "list-profile", &files[0], &files[1], &files[2], "--database", &url]);
    assert!(ok, "{err}{out}");
    assert_eq!(profile(&store, &practice).await, ["age_band:25-34=75", "age_band:65-74=15", "age_band:85+=10", "sex:1=40", "sex:2=60"]);
}

#[tokio::test]
async fn nhs_single_age_files_that_disagree_are_refused() {
    let (url, dir) = sqlite_database("disagree").await;
    let (store, practice) = practice_with_profile(&url).await;
    let all = write_file(&dir, "all.csv", &ALL_PERSONS.replace(",100", ",90"));
    let (male, female) = (write_file(&dir, "male.csv", MALE), write_file(&dir, "female.csv", FEMALE));
    let (ok, _, err) = linkwork(&["import", "list-profile", &all, &male, &female, "--database", &url]);
    assert!(!ok && err.contains("practice B86001: its all-persons total is 90 but the male and female rows count 100"), "{err}");
    let short = write_file(&dir, "male-short.csv", &MALE.replace("MALE,ALL,40", "MALE,ALL,41"));
    let (ok, _, err) = linkwork(&["import", "list-profile", &short, &female, "--database", &url]);
    assert!(!ok && err.contains("practice B86001: the MALE rows by age add up to 40 but its AGE ALL row says 41"), "{err}");
    let (ok, _, err) = linkwork(&["import", "list-profile", &male, &male, &female, "--database", &url]);
    assert!(!ok && err.contains("practice B86001 MALE age ALL: it repeats"), "{err}");
    assert!(profile(&store, &practice).await.is_empty());
}

#[tokio::test]
async fn a_list_profile_row_given_twice_is_refused_not_added_together() {
    let (url, dir) = sqlite_database("profile-repeat").await;
    let (store, practice) = practice_with_profile(&url).await;
    let file = write_file(&dir, "profile.csv", "practice,dimension,group,count\r\nB86001,ethnicity,white,80\r\nB86001,ethnicity,white,20\r\n");
    let (ok, _, err) = linkwork(&["import", "list-profile", &file, "--database", &url]);
    assert!(!ok && err.contains("profile.csv line 3: practice B86001 ethnicity white: it repeats") && err.contains("profile.csv line 2"), "{err}");
    assert!(profile(&store, &practice).await.is_empty());
}

#[tokio::test]
async fn settings_set_show_and_clear_a_price_index_the_report_uses() {
    let dir = std::env::temp_dir().join(format!("linkwork-cli-price-index-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        price_index_on(&url).await;
    }
}

async fn price_index_on(url: &str) {
    use linkwork_domain::evaluation::health_system::{ContactType, CostItem, Tariff, TariffEntry};
    let url = url.to_owned();
    assert!(linkwork(&["migrate", "--database", &url]).0);
    let store = linkwork_store::connect(&url).await.unwrap();
    let pcn = store.create_org(&NewOrg { kind: linkwork_domain::access::OrgKind::Pcn, name: "Index PCN".into(), ods_code: Some("U00013".into()), parent_id: None, list_size: None }).await.unwrap();
    let set = |values: &str| linkwork(&["settings", "price-index", "--database", &url, "--org", "U00013", "--source", "Test series, table 1", "--values", values]);

    // The default figures' PSSRU costs say "2013", which no index can place.
    let (ok, _, err) = set("2012/13=100;2025/26=140");
    assert!(!ok && err.contains("GP surgery consultation: with a price index, give the year of the cost's prices as a financial year"), "{err}");
    assert_eq!(store.health_tariff(&pcn).await.unwrap().price_index(), None, "nothing written");

    // Once the manager dated the costs by financial year (the tariff page).
    let dated = Tariff::new(vec![TariffEntry::new(CostItem::Contact(ContactType::GpSurgery), 4_500, "PSSRU 2013", "2012/13").unwrap()]);
    store.set_health_tariff(&linkwork_store::AuditActor::default(), &pcn, &dated).await.unwrap();
    let (ok, _, err) = set("2012/13=100;2025/26=zero");
    assert!(!ok && err.contains("2025/26: \"zero\" is not an index value"), "{err}");
    let (ok, out, err) = set("2012/13=100;2025/26=140");
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "Index PCN: price index set (2 years); reports bring unit costs to their year's prices with it.");
    let (ok, out, _) = linkwork(&["settings", "price-index", "--database", &url, "--org", "U00013"]);
    assert!(ok && out.contains("Test series, table 1") && out.contains("2012/13 = 100\n2025/26 = 140"), "{out}");

    let (ok, json, err) = linkwork(&["report", "--database", &url, "--from", "2026-04-01", "--to", "2027-03-31", "--scope", "pcn:U00013", "--format", "json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let prices = &v["report"]["health_system"]["prices"];
    assert_eq!(prices["year"], "2025/26", "the index's latest year before the report's: {prices}");
    assert_eq!(prices["items"][0]["unit_cost_pence"], 6_300, "£45 × 140/100");

    let (ok, out, _) = linkwork(&["settings", "price-index", "--database", &url, "--org", "U00013", "--clear"]);
    assert!(ok && out.contains("price index removed"), "{out}");
    let tariff = store.health_tariff(&pcn).await.unwrap();
    assert_eq!(tariff, dated, "the costs stay; the index goes");
}

/// `linkwork settings snomed-needs`: a service's SNOMED CT → need mapping is set whole, shown,
/// refused with every problem (nothing written), and cleared.
#[tokio::test]
async fn settings_set_show_refuse_and_clear_a_snomed_need_mapping() {
    let dir = std::env::temp_dir().join(format!("linkwork-cli-snomed-needs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        assert!(linkwork(&["migrate", "--database", &url]).0);
        let store = linkwork_store::connect(&url).await.unwrap();
        let pcn = store.create_org(&NewOrg { kind: linkwork_domain::access::OrgKind::Pcn, name: "Codes PCN".into(), ods_code: Some("U00014".into()), parent_id: None, list_size: None }).await.unwrap();
        let run = |extra: &[&str]| {
            let mut args = vec!["settings", "snomed-needs", "--database", &url, "--org", "U00014"];
            args.extend_from_slice(extra);
            linkwork(&args)
        };
        // Well-formed test identifiers (not concepts): 999900001001, 999900002008.
        let (ok, _, err) = run(&["--map", "999900001001=loneliness;999900001002=money;999900002008=astrology"]);
        assert!(!ok && err.contains("check digit") && err.contains("the need must be one of"), "{err}");
        assert!(store.snomed_need_map(&pcn).await.unwrap().is_empty(), "nothing written");
        let (ok, out, err) = run(&["--map", "999900001001=loneliness\n999900002008\tmoney"]);
        assert!(ok, "{err}");
        assert_eq!(out.trim(), "Codes PCN: 2 SNOMED CT codes are read as needs.");
        let (ok, out, _) = run(&[]);
        assert!(ok && out.contains("999900001001=loneliness") && out.contains("999900002008=money"), "{out}");
        let (ok, out, _) = run(&["--clear"]);
        assert!(ok && out.contains("no SNOMED CT code is read as a need"), "{out}");
        assert!(store.snomed_need_map(&pcn).await.unwrap().is_empty());
    }
}

/// `linkwork settings snomed-scores`: the concept each score goes back to the GP record as.
#[tokio::test]
async fn settings_set_show_refuse_and_clear_a_snomed_score_mapping() {
    let dir = std::env::temp_dir().join(format!("linkwork-cli-snomed-scores-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        assert!(linkwork(&["migrate", "--database", &url]).0);
        let store = linkwork_store::connect(&url).await.unwrap();
        let pcn = store.create_org(&NewOrg { kind: linkwork_domain::access::OrgKind::Pcn, name: "Scores PCN".into(), ods_code: Some("U00015".into()), parent_id: None, list_size: None }).await.unwrap();
        let run = |extra: &[&str]| {
            let mut args = vec!["settings", "snomed-scores", "--database", &url, "--org", "U00015"];
            args.extend_from_slice(extra);
            linkwork(&args)
        };
        // 999900001001: a well-formed test identifier, not a concept.
        let (ok, _, err) = run(&["--map", "wellbeing=999900001001"]);
        assert!(!ok && err.contains("not one of the questionnaires'"), "{err}");
        let (ok, out, err) = run(&["--map", "swemwbs_metric=999900001001"]);
        assert!(ok, "{err}");
        assert_eq!(out.trim(), "Scores PCN: 1 score goes back to the GP record with a SNOMED CT code.");
        let (ok, out, _) = run(&[]);
        assert!(ok && out.contains("swemwbs_metric=999900001001"), "{out}");
        let (ok, out, _) = run(&["--clear"]);
        assert!(ok && out.contains("Linkwork's score codes only"), "{out}");
        assert!(store.snomed_score_map(&pcn).await.unwrap().is_empty());
    }
}
