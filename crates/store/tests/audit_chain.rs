//! The tamper-evident audit trail, on SQLite and PostgreSQL: every event is chained, the database
//! refuses to change or delete events, and verification finds the first broken link when someone
//! gets around that.

use linkwork_domain::audit_chain::Break;
use linkwork_store::testing::on_each_database_url as each_database;
use linkwork_store::*;
use std::sync::Arc;

fn who() -> AuditActor {
    AuditActor { user_id: Some("u1".into()), token_id: None, org_id: Some("pcn1".into()) }
}

async fn write_events(store: &Arc<dyn Store>, n: usize) {
    for i in 0..n {
        store.record_read(&who(), &ReadAudit::one("referral.read", "referral", &format!("r{i}"), &format!("p{i}"))).await.unwrap();
    }
    store.record_read(&who(), &ReadAudit::list("caseload.read", "pcn1", ["p1".to_owned(), "p2".to_owned(), "p3".to_owned()])).await.unwrap();
}

/// Runs one SQL statement directly on the database, as someone with database access would.
async fn raw(url: &str, sql: &str) -> std::result::Result<(), sqlx::Error> {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await?;
        sqlx::query(sql).execute(&mut c).await.map(|_| ())
    } else {
        let mut c = sqlx::PgConnection::connect(url).await?;
        sqlx::query(sql).execute(&mut c).await.map(|_| ())
    }
}

fn no_progress() -> impl Fn(u64) + Send + Sync {
    |_| {}
}

#[tokio::test]
async fn every_event_joins_the_chain_and_the_chain_verifies() {
    each_database(|_, store| async move {
        write_events(&store, 5).await;
        let report = store.verify_audit_chain(None, &no_progress()).await.unwrap();
        assert_eq!(report.broken, None);
        assert_eq!(report.checked, 6);
        assert_eq!(report.head_seq, 6);
        assert_eq!(report.head_hash.len(), 64);
    })
    .await;
}

#[tokio::test]
async fn the_database_refuses_to_change_an_audit_event() {
    each_database(|url, store| async move {
        write_events(&store, 2).await;
        let err = raw(&url, "UPDATE audit_events SET action = 'nothing.to.see' WHERE seq = 1").await.unwrap_err();
        assert!(err.to_string().contains("audit events cannot be changed"), "{err}");
        assert_eq!(store.verify_audit_chain(None, &no_progress()).await.unwrap().broken, None);
    })
    .await;
}

#[tokio::test]
async fn the_database_refuses_to_delete_an_audit_event() {
    each_database(|url, store| async move {
        write_events(&store, 2).await;
        let err = raw(&url, "DELETE FROM audit_events WHERE seq = 2").await.unwrap_err();
        assert!(err.to_string().contains("audit events cannot be"), "{err}");
        assert!(raw(&url, "DELETE FROM audit_lists").await.is_err(), "nor the lists of people a list read names");
        assert!(raw(&url, "DELETE FROM audit_list_subjects").await.is_err(), "nor who is on them");
        assert!(raw(&url, "UPDATE audit_lists SET people = 'p9'").await.is_err(), "nor change a list");
    })
    .await;
}

async fn drop_guards(url: &str) {
    let drops: &[&str] = if url.starts_with("sqlite:") {
        &["DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"]
    } else {
        &["DROP TRIGGER audit_events_no_update ON audit_events", "DROP TRIGGER audit_events_no_delete ON audit_events"]
    };
    for d in drops {
        raw(url, d).await.unwrap();
    }
}

#[tokio::test]
async fn verification_finds_an_event_changed_behind_the_databases_back() {
    each_database(|url, store| async move {
        write_events(&store, 5).await;
        drop_guards(&url).await;
        raw(&url, "UPDATE audit_events SET user_id = 'someone-else' WHERE seq = 3").await.unwrap();
        let report = store.verify_audit_chain(None, &no_progress()).await.unwrap();
        assert!(matches!(report.broken, Some(Break::Altered { seq: 3, .. })), "{:?}", report.broken);
        assert_eq!(report.checked, 2, "the two events before it are intact");
    })
    .await;
}

#[tokio::test]
async fn verification_finds_a_list_of_people_changed_behind_the_databases_back() {
    each_database(|url, store| async move {
        write_events(&store, 5).await;
        let drop = if url.starts_with("sqlite:") { "DROP TRIGGER audit_lists_no_update" } else { "DROP TRIGGER audit_lists_no_update ON audit_lists" };
        raw(&url, drop).await.unwrap();
        raw(&url, "UPDATE audit_lists SET people = 'p1 p2'").await.unwrap();
        let report = store.verify_audit_chain(None, &no_progress()).await.unwrap();
        assert!(matches!(report.broken, Some(Break::Altered { seq: 6, .. })), "the list read names p1 p2 p3: {:?}", report.broken);
    })
    .await;
}

#[tokio::test]
async fn verification_finds_a_deleted_event() {
    each_database(|url, store| async move {
        write_events(&store, 5).await;
        drop_guards(&url).await;
        raw(&url, "DELETE FROM audit_events WHERE seq = 4").await.unwrap();
        let report = store.verify_audit_chain(None, &no_progress()).await.unwrap();
        assert!(matches!(report.broken, Some(Break::Gap { expected_seq: 4, found_seq: 5, .. })), "{:?}", report.broken);
    })
    .await;
}

#[tokio::test]
async fn verification_finds_the_last_events_removed() {
    each_database(|url, store| async move {
        write_events(&store, 5).await;
        drop_guards(&url).await;
        raw(&url, "DELETE FROM audit_events WHERE seq >= 5").await.unwrap();
        let report = store.verify_audit_chain(None, &no_progress()).await.unwrap();
        assert_eq!(report.broken, Some(Break::Truncated { last_seq: 4, head_seq: 6 }));
    })
    .await;
}

#[tokio::test]
async fn an_anchor_recorded_earlier_shows_a_rewritten_chain() {
    each_database(|_, store| async move {
        write_events(&store, 3).await;
        let report = store.verify_audit_chain(None, &no_progress()).await.unwrap();
        let anchor = (report.head_seq, report.head_hash.clone());
        write_events(&store, 2).await;
        assert_eq!(store.verify_audit_chain(Some(anchor.clone()), &no_progress()).await.unwrap().broken, None);
        let forged = (anchor.0, "f".repeat(64));
        assert_eq!(store.verify_audit_chain(Some(forged), &no_progress()).await.unwrap().broken, Some(Break::AnchorMissing { seq: anchor.0 }));
    })
    .await;
}

#[tokio::test]
async fn events_written_around_the_store_are_reported() {
    each_database(|url, store| async move {
        write_events(&store, 2).await;
        raw(&url, "INSERT INTO audit_events (id, at, action, entity, entity_id) VALUES ('sneaky', '2026-01-01 00:00:00+00:00', 'referral.read', 'referral', 'r9')").await.unwrap();
        let report = store.verify_audit_chain(None, &no_progress()).await.unwrap();
        assert_eq!(report.broken, Some(Break::Unsealed { id: "sneaky".into() }));
    })
    .await;
}

#[tokio::test]
async fn events_from_before_the_chain_are_sealed_into_it_on_migration() {
    each_database(|url, store| async move {
        write_events(&store, 1).await;
        raw(&url, "INSERT INTO audit_events (id, at, action, entity, entity_id, person_id) VALUES ('legacy', '2026-01-01 00:00:00+00:00', 'referral.read', 'referral', 'r9', 'p9')").await.unwrap();
        store.migrate().await.unwrap();
        let report = store.verify_audit_chain(None, &no_progress()).await.unwrap();
        assert_eq!(report.broken, None);
        assert_eq!(report.checked, 3);
        assert_eq!(store.person_audit("p9").await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_list_read_is_found_under_every_person_it_showed() {
    each_database(|_, store| async move {
        write_events(&store, 0).await;
        for person in ["p1", "p2", "p3"] {
            let events = store.person_audit(person).await.unwrap();
            assert_eq!(events.len(), 1, "{person}");
            assert_eq!(events[0].action, "caseload.read");
            assert_eq!(events[0].people_count(), 3);
        }
        assert!(store.person_audit("p4").await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn concurrent_events_form_one_unbroken_chain() {
    each_database(|_, store| async move {
        let tasks: Vec<_> = (0..20)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move { store.record_read(&who(), &ReadAudit::one("referral.read", "referral", &format!("r{i}"), "p1")).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let report = store.verify_audit_chain(None, &no_progress()).await.unwrap();
        assert_eq!(report.broken, None);
        assert_eq!(report.checked, 20);
    })
    .await;
}

/// Reads arriving together are committed together (`sql/read_audits.rs`): each must still be one
/// event of its own, found under every person it showed, in one unbroken chain.
#[tokio::test]
async fn list_reads_committed_together_are_each_recorded_once_under_everyone_they_showed() {
    each_database(|_, store| async move {
        let tasks: Vec<_> = (0..30)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move { store.record_read(&who(), &ReadAudit::list("caseload.read", "pcn1", [format!("own{i}"), "shared".to_owned()])).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        for i in 0..30 {
            let events = store.person_audit(&format!("own{i}")).await.unwrap();
            assert_eq!(events.len(), 1, "own{i}");
            assert_eq!(events[0].people_count(), 2);
        }
        assert_eq!(store.person_audit("shared").await.unwrap().len(), 30);
        let report = store.verify_audit_chain(None, &no_progress()).await.unwrap();
        assert_eq!((report.broken, report.checked), (None, 30));
    })
    .await;
}
