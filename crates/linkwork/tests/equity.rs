//! `linkwork import postcodes | imd | list-profile` with small files in the official layouts:
//! the real binary against real SQLite and PostgreSQL databases.

use linkwork_domain::evaluation::equity::ImdDecile;
use linkwork_domain::Postcode;
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
    assert!(!ok && err.contains("Line 2: the IMD decile must be a whole number from 1 to 10, not \"12\""), "{err}");

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
