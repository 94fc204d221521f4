//! A list read's people are stored once per distinct list and found per person, on SQLite and
//! PostgreSQL: each read is still its own audit event, in everyone's audit who was shown.

use linkwork_store::testing::on_each_database_url as each_database;
use linkwork_store::*;
use std::sync::Arc;

fn who() -> AuditActor {
    AuditActor { user_id: Some("u1".into()), token_id: None, org_id: Some("pcn1".into()) }
}

async fn list_read(store: &Arc<dyn Store>, action: &str, people: &[&str]) {
    store.record_read(&who(), &ReadAudit::list(action, "pcn1", people.iter().map(|p| p.to_string()))).await.unwrap();
}

fn actions(entries: &[AuditEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.action.as_str()).collect()
}

async fn count(url: &str, table: &str) -> i64 {
    use sqlx::Connection;
    let sql = format!("SELECT COUNT(*) FROM {table}");
    if url.starts_with("sqlite:") {
        sqlx::query_scalar(&sql).fetch_one(&mut sqlx::SqliteConnection::connect(url).await.unwrap()).await.unwrap()
    } else {
        sqlx::query_scalar(&sql).fetch_one(&mut sqlx::PgConnection::connect(url).await.unwrap()).await.unwrap()
    }
}

#[tokio::test]
async fn a_list_shown_again_is_stored_once_and_every_showing_is_in_the_persons_audit() {
    each_database(|url, store| async move {
        for _ in 0..3 {
            list_read(&store, "caseload.read", &["p1", "p2"]).await;
        }
        assert_eq!((count(&url, "audit_lists").await, count(&url, "audit_list_subjects").await), (1, 2));
        let seen = store.person_audit("p2").await.unwrap();
        assert_eq!(actions(&seen), ["caseload.read"; 3]);
        assert!(seen.iter().all(|e| e.people.as_deref() == Some("p1 p2")), "each event shows the list it named");
    })
    .await;
}

#[tokio::test]
async fn a_list_that_changed_is_stored_again_and_only_its_new_person_is_added() {
    each_database(|url, store| async move {
        list_read(&store, "caseload.read", &["p1", "p2"]).await;
        list_read(&store, "caseload.read", &["p1", "p2", "p3"]).await;
        assert_eq!((count(&url, "audit_lists").await, count(&url, "audit_list_subjects").await), (2, 5));
        assert_eq!(store.person_audit("p3").await.unwrap().len(), 1);
        assert_eq!(store.person_audit("p1").await.unwrap().len(), 2);
        assert!(store.person_audit("p4").await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_service_audit_filtered_to_a_person_finds_the_list_reads_that_showed_them() {
    each_database(|_, store| async move {
        list_read(&store, "caseload.read", &["p1", "p2"]).await;
        list_read(&store, "triage.read", &["p3"]).await;
        list_read(&store, "triage.read", &["p2", "p3"]).await;
        let query = AuditQuery { service_org_id: "pcn1".into(), person_id: Some("p2".into()), limit: 50, ..Default::default() };
        let found = store.audit_trail(&query).await.unwrap();
        assert_eq!(actions(&found), ["triage.read", "caseload.read"]);
        assert_eq!(found[0].people.as_deref(), Some("p2 p3"));
    })
    .await;
}

#[tokio::test]
async fn list_reads_stored_before_lists_were_shared_are_still_found() {
    each_database(|url, store| async move {
        // As Linkwork wrote them before migration 21: the event holds the list, indexed per event.
        let event = "before-21";
        let now = time::OffsetDateTime::now_utc();
        let insert_event = "INSERT INTO audit_events (id, at, action, entity, entity_id, people) VALUES ($1, $2, 'caseload.read', 'list', 'pcn1', 'p1 p2')";
        let insert_subject = "INSERT INTO audit_subjects (person_id, event_id) VALUES ('p2', $1)";
        {
            use sqlx::Connection;
            if url.starts_with("sqlite:") {
                let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query(insert_event).bind(event).bind(now).execute(&mut c).await.unwrap();
                sqlx::query(insert_subject).bind(event).execute(&mut c).await.unwrap();
            } else {
                let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
                sqlx::query(insert_event).bind(event).bind(now).execute(&mut c).await.unwrap();
                sqlx::query(insert_subject).bind(event).execute(&mut c).await.unwrap();
            }
        }
        list_read(&store, "triage.read", &["p2"]).await;
        let seen = store.person_audit("p2").await.unwrap();
        assert_eq!(actions(&seen).len(), 2, "{seen:?}");
        assert!(seen.iter().any(|e| e.action == "caseload.read" && e.people.as_deref() == Some("p1 p2")));
    })
    .await;
}

#[tokio::test]
async fn two_transactions_storing_the_same_new_list_both_commit() {
    each_database(|_, store| async move {
        // One transaction holds the chain's head (an earlier event of its own) while a read's
        // transaction stores a new list; then the first stores the same list. On PostgreSQL,
        // storing the list before taking the head made each wait for the other until the server
        // aborted the read's transaction after a second (its retry alone then saved the read).
        let list = || ReadAudit::list("caseload.read", "pcn1", ["x".to_owned(), "y".to_owned()]);
        let first = store.begin().await.unwrap();
        first.record_event(&who(), "referral.update", "referral", "r1", Some("p1")).await.unwrap();
        let second = {
            let store = store.clone();
            tokio::spawn(async move { store.record_read(&who(), &list()).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        first.record_read(&who(), &list()).await.unwrap();
        first.commit().await.unwrap();
        second.await.unwrap().unwrap();
        assert_eq!(store.person_audit("y").await.unwrap().len(), 2);
    })
    .await;
}
