//! Equity, workforce and "what works" over HTTP on SQLite and PostgreSQL: only a service manager
//! reaches the workforce settings; a bad WTE or target band writes nothing; saved values are the
//! manager's own link workers', audited, and used by the report, which carries the three sections.

mod support;

use linkwork_domain::access::Role;
use linkwork_store::testing::fresh_database_urls;
use reqwest::StatusCode;
use support::*;

#[tokio::test]
async fn workforce_settings_and_report_sections_on_every_database() {
    let dir = std::env::temp_dir().join("linkwork-web-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = spawn(&url).await;
        story(&w).await;
        eprintln!("{backend}: workforce settings and equity report passed");
    }
}

async fn story(w: &World) {
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let (status, _) = lw.get("/team/workforce").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "link workers cannot change working time");

    let manager = Browser::login(&w.base, "manager@test.org").await;
    let (status, html) = manager.get("/team/workforce").await;
    assert_eq!(status, StatusCode::OK);
    let workers = w.store.users(&w.pcn, Some(Role::LinkWorker)).await.unwrap();
    assert_eq!(workers.len(), 2, "only this service's link workers");
    for u in &workers {
        assert!(html.contains(&format!("name=\"wte_{}\"", u.id)));
    }
    let other = w.store.users(&w.other_pcn, Some(Role::LinkWorker)).await.unwrap();
    assert!(!html.contains(&other[0].id), "another service's link worker is not listed");
    let (_, team) = manager.get("/team").await;
    assert!(team.contains("href=\"/team/workforce\""));

    let a = format!("wte_{}", workers[0].id);
    let b = format!("wte_{}", workers[1].id);
    // A bad WTE and an inverted band: 422, nothing written.
    let (status, _, body) = manager.post("/team/workforce", "/team/workforce", &[(&a, "2"), (&b, "0.5"), ("year", "2026"), ("low", "1.2"), ("high", "0.8")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("at most 1.5") && body.contains("the lower first"), "{body}");
    assert!(w.store.worker_wtes(&w.pcn).await.unwrap().iter().all(|(_, v)| v.is_none()));
    assert!(w.store.referral_targets(&w.pcn).await.unwrap().is_empty());

    // Another service's link worker cannot be changed by naming them.
    let sneaky = format!("wte_{}", other[0].id);
    let (status, location, _) = manager.post("/team/workforce", "/team/workforce", &[(&a, "0.8"), (&b, ""), (&sneaky, "0.1"), ("year", "2026"), ("low", "1.0"), ("high", "1.4")]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/team/workforce?notice=saved"));
    let mut wtes = w.store.worker_wtes(&w.pcn).await.unwrap();
    wtes.sort_by(|x, y| x.0.cmp(&y.0));
    let expected: Vec<(String, Option<f64>)> = {
        let mut e = vec![(workers[0].id.clone(), Some(0.8)), (workers[1].id.clone(), None)];
        e.sort_by(|x, y| x.0.cmp(&y.0));
        e
    };
    assert_eq!(wtes, expected);
    assert_eq!(w.store.worker_wtes(&w.other_pcn).await.unwrap(), vec![(other[0].id.clone(), None)]);
    assert_eq!(w.store.count_audit_events("user.wte").await.unwrap(), 2);
    assert_eq!(w.store.referral_targets(&w.pcn).await.unwrap(), vec![linkwork_domain::evaluation::workforce::YearTarget::new(2026, 1.0, 1.4).unwrap()]);
    let (_, html) = manager.get("/team/workforce?notice=saved").await;
    assert!(html.contains("Workforce settings saved") && html.contains("2026/27: 1–1.4% of the list a year"));

    // The report carries the three sections and uses the WTE (0.8 + 1 assumed = 1.8).
    let (status, report) = manager.get("/report?from=2026-04-01&to=2027-03-31").await;
    assert_eq!(status, StatusCode::OK);
    for heading in ["Equity: who the service reaches", "Workforce", "What works"] {
        assert!(report.contains(heading), "missing {heading}");
    }
    let (_, csv) = manager.get("/report.csv?from=2026-04-01&to=2027-03-31").await;
    assert!(csv.contains("workforce.wte,workforce,Whole-time equivalent,1.8,"), "{csv}");
}
