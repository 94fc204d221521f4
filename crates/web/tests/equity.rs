//! Equity, workforce and "what works" over HTTP, each on SQLite and PostgreSQL: only a service
//! manager reaches the workforce settings; a bad WTE or target band writes nothing; saved values
//! are the manager's own link workers', audited, and used by the report, which carries the three
//! sections.

use crate::support;

use linkwork_domain::access::Role;
use linkwork_domain::evaluation::workforce::YearTarget;
use reqwest::StatusCode;
use support::*;

/// This service's two link workers and another service's one.
async fn link_workers(w: &World) -> (Vec<String>, String) {
    let ours = w.store.users(&w.pcn, Some(Role::LinkWorker)).await.unwrap().into_iter().map(|u| u.id).collect();
    let theirs = w.store.users(&w.other_pcn, Some(Role::LinkWorker)).await.unwrap().remove(0).id;
    (ours, theirs)
}

/// The manager sets the first link worker to 0.8 WTE, leaves the second blank, tries to set
/// another service's, and sets a 1–1.4% target band for 2026/27.
async fn save_workforce(w: &World, manager: &Browser) -> (StatusCode, String) {
    let (ours, theirs) = link_workers(w).await;
    let (a, b, sneaky) = (format!("wte_{}", ours[0]), format!("wte_{}", ours[1]), format!("wte_{theirs}"));
    let (status, location, _) = manager.post("/team/workforce", "/team/workforce", &[(&a, "0.8"), (&b, ""), (&sneaky, "0.1"), ("year", "2026"), ("low", "1.0"), ("high", "1.4")]).await;
    (status, location)
}

#[tokio::test]
async fn link_workers_cannot_open_the_workforce_settings() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        assert_eq!(lw.get("/team/workforce").await.0, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn the_workforce_page_lists_only_this_services_link_workers() {
    on_each_database(|w| async move {
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let (status, html) = manager.get("/team/workforce").await;
        assert_eq!(status, StatusCode::OK);
        let (ours, theirs) = link_workers(&w).await;
        assert_eq!(ours.len(), 2);
        for id in &ours {
            assert!(html.contains(&format!("name=\"wte_{id}\"")));
        }
        assert!(!html.contains(&theirs), "another service's link worker is not listed");
        assert!(manager.get("/team").await.1.contains("href=\"/team/workforce\""));
    })
    .await;
}

#[tokio::test]
async fn a_bad_wte_or_an_inverted_band_writes_nothing() {
    on_each_database(|w| async move {
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let (ours, _) = link_workers(&w).await;
        let (a, b) = (format!("wte_{}", ours[0]), format!("wte_{}", ours[1]));
        let (status, _, body) = manager.post("/team/workforce", "/team/workforce", &[(&a, "2"), (&b, "0.5"), ("year", "2026"), ("low", "1.2"), ("high", "0.8")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("at most 1.5") && body.contains("the lower first"), "{body}");
        assert!(w.store.worker_wtes(&w.pcn).await.unwrap().iter().all(|(_, v)| v.is_none()));
        assert!(w.store.referral_targets(&w.pcn).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn saved_settings_are_the_managers_own_link_workers_and_audited() {
    on_each_database(|w| async move {
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let (status, location) = save_workforce(&w, &manager).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/team/workforce?notice=saved"));
        let (ours, theirs) = link_workers(&w).await;
        let mut wtes = w.store.worker_wtes(&w.pcn).await.unwrap();
        wtes.sort_by(|x, y| x.0.cmp(&y.0));
        let mut expected = vec![(ours[0].clone(), Some(0.8)), (ours[1].clone(), None)];
        expected.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(wtes, expected);
        assert_eq!(w.store.worker_wtes(&w.other_pcn).await.unwrap(), vec![(theirs, None)], "another service's link worker is unchanged");
        assert_eq!(w.store.count_audit_events("user.wte").await.unwrap(), 2);
        assert_eq!(w.store.referral_targets(&w.pcn).await.unwrap(), vec![YearTarget::new(2026, 1.0, 1.4).unwrap()]);
        let (_, html) = manager.get("/team/workforce?notice=saved").await;
        assert!(html.contains("Workforce settings saved") && html.contains("2026/27: 1–1.4% of the list a year"));
    })
    .await;
}

#[tokio::test]
async fn the_report_carries_equity_workforce_and_what_works_and_counts_the_saved_wte() {
    on_each_database(|w| async move {
        let manager = Browser::login(&w.base, "manager@test.org").await;
        save_workforce(&w, &manager).await;
        let (status, report) = manager.get("/report?from=2026-04-01&to=2027-03-31").await;
        assert_eq!(status, StatusCode::OK);
        for heading in ["Equity: who the service reaches", "Workforce", "What works"] {
            assert!(report.contains(heading), "missing {heading}");
        }
        // 0.8 saved + 1 assumed for the link worker left blank.
        let (_, csv) = manager.get("/report.csv?from=2026-04-01&to=2027-03-31").await;
        assert!(csv.contains("workforce.wte,workforce,Whole-time equivalent,1.8,"), "{csv}");
    })
    .await;
}
