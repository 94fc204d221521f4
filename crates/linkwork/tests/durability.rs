//! Durability of the real `linkwork serve` binary, on SQLite and PostgreSQL (docs/operations.md):
//! killed with SIGKILL in the middle of fifty concurrent writers, it restarts with every write it
//! acknowledged and a sound database; stopped with SIGTERM, it finishes the requests in flight
//! and the e-mail it is sending, and after a restart sends what was still queued, none twice.

use crate::support;
#[path = "../../web/tests/support/smtp_sink.rs"]
mod smtp_sink;

use linkwork_store::testing::fresh_database_urls;
use linkwork_store::*;
use std::time::Duration;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WRITERS: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_write_survives_kill_9() {
    let dir = test_dir("crash");
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = world(&url, 10).await;
        let server = Server::start(&url, &[], &dir.join(format!("{backend}-before.log")));
        let load = WriteLoad::start(&server.base, &w, WRITERS);
        load.wait_for(300, Duration::from_secs(120)).await;
        server.kill_9();
        let (acknowledged, refused, unanswered) = load.finish().await;
        assert!(refused.is_empty(), "{backend}: the server refused {} writes before the kill, e.g. {:?}", refused.len(), refused.first());

        let server = Server::start(&url, &[], &dir.join(format!("{backend}-after.log")));
        let health = reqwest::get(format!("{}/healthz", server.base)).await.unwrap();
        assert_eq!(health.status(), reqwest::StatusCode::OK, "{backend}: the restarted server answers");
        let missing = missing_writes(&server.base, &w.token, &acknowledged).await;
        if url.starts_with("sqlite:") {
            let check = linkwork_store::sqlite::SqlStore::connect(&url).await.unwrap().integrity_check().await.unwrap();
            assert_eq!(check, ["ok"], "{backend}: PRAGMA integrity_check after kill -9");
        }
        let verify = linkwork(&["audit", "verify", "--database", &url]);
        assert!(verify.status.success(), "{backend}: the audit chain after kill -9: {}", text(&verify.stderr));
        // Nothing half-written: every contact and referral has the audit event of its transaction.
        let rows = table_rows(&url).await;
        let store = linkwork_store::connect(&url).await.unwrap();
        assert_eq!(rows["contacts"], store.count_audit_events("contact.create").await.unwrap(), "{backend}: a contact without its audit event");
        assert_eq!(rows["referrals"], store.count_audit_events("referral.create").await.unwrap(), "{backend}: a referral without its audit event");
        let stored = rows["contacts"] as usize + rows["referrals"] as usize - w.referrals.len();
        eprintln!(
            "{backend}: kill -9 during {WRITERS} concurrent writers: {} writes acknowledged, {} of them present; {} stored in all ({} in flight at the kill); integrity check and audit chain ok",
            acknowledged.len(),
            acknowledged.len() - missing.len(),
            stored,
            unanswered
        );
        assert!(missing.is_empty(), "{backend}: {} acknowledged writes lost, e.g. {:?}", missing.len(), &missing[..missing.len().min(5)]);
        assert!(stored >= acknowledged.len());
    }
    // Kept when a test fails (the servers' logs are there).
    std::fs::remove_dir_all(&dir).ok();
}

/// Starts a POST whose body is sent in two halves, `pause` apart: the request is in flight
/// (read by the server, not yet answered) for that long. Returns the status line.
async fn slow_post(base: &str, path: &str, token: &str, body: &str, between: impl std::future::Future<Output = ()>) -> String {
    let addr = base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    let (first, second) = body.split_at(body.len() / 2);
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(first.as_bytes()).await.unwrap();
    socket.flush().await.unwrap();
    between.await;
    socket.write_all(second.as_bytes()).await.unwrap();
    let mut answer = String::new();
    let _ = socket.read_to_string(&mut answer).await;
    answer.lines().next().unwrap_or("no answer").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_finishes_requests_and_e_mail_and_a_restart_sends_the_rest_once() {
    let dir = test_dir("shutdown");
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = world(&url, 2).await;
        let store = linkwork_store::connect(&url).await.unwrap();
        // Queued before the start: twelve notifications for the partner, e-mailed one each ...
        queue_notices(&*store, &w, 12).await;
        // ... and an onward referral waiting 20 days: its reminder and stuck prompts come due at
        // the first start, and must be sent once however often the server starts.
        let who = AuditActor { org_id: Some(w.pcn.clone()), ..AuditActor::default() };
        let today = time::OffsetDateTime::now_utc().date();
        store.create_onward(&who, &w.referrals[0], &w.service, today - time::Duration::days(20), None).await.unwrap();

        // A relay that takes 300 ms per message, so one is always in flight.
        let sink = smtp_sink::SmtpSink::start_slow(Duration::from_millis(300)).await;
        let smtp = sink.url();
        let server = Server::start(&url, &["--smtp-url", &smtp], &dir.join(format!("{backend}-first.log")));
        let body = r#"{"contact_on": "2026-11-11", "mode": "phone", "minutes": 15, "accompanied": false, "notes": "in flight at SIGTERM"}"#;
        let path = format!("/api/referrals/{}/contacts", w.referrals[1]);
        let status = slow_post(&server.base, &path, &w.token, body, async {
            while sink.messages().len() < 3 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            server.terminate();
            tokio::time::sleep(Duration::from_millis(500)).await;
            let refused = tokio::net::TcpStream::connect(server.base.trim_start_matches("http://")).await;
            assert!(refused.is_err(), "{backend}: no new connections once stopping");
        })
        .await;
        assert!(status.starts_with("HTTP/1.1 201"), "{backend}: the request in flight at SIGTERM finished: {status}");
        let exit = server.wait_exit(Duration::from_secs(30));
        assert!(exit.success(), "{backend}: a clean exit after SIGTERM: {exit}");

        // Every e-mail the relay accepted is recorded as sent; none was left claimed but unsent.
        let outbox = store.outbox(false, 100, 1000).await.unwrap();
        let delivered_first = sink.messages().len();
        let sent_first = outbox.iter().filter(|e| e.sent_at.is_some()).count();
        assert_eq!(sent_first, delivered_first, "{backend}: e-mails accepted by the relay = e-mails recorded as sent");
        assert!(outbox.iter().all(|e| e.sent_at.is_some() || e.attempts == 0), "{backend}: an e-mail was claimed and left unsent");
        assert!(sent_first < outbox.len(), "{backend}: some e-mails were still queued at the stop (the test needs them)");
        let contacts = table_rows(&url).await["contacts"];
        assert_eq!(contacts, 1, "{backend}: the contact posted in flight is stored");

        // After a restart the rest go out, and nothing twice.
        let server = Server::start(&url, &["--smtp-url", &smtp], &dir.join(format!("{backend}-second.log")));
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while store.outbox(true, 100, 1000).await.unwrap().iter().any(|e| e.sent_at.is_none()) {
            assert!(std::time::Instant::now() < deadline, "{backend}: the queued e-mails were not sent after the restart");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server.terminate();
        assert!(server.wait_exit(Duration::from_secs(30)).success());
        let outbox = store.outbox(false, 100, 1000).await.unwrap();
        let received = sink.messages();
        let expected = tally(outbox.iter().map(|e| (e.to_address.clone(), e.subject.clone())));
        let got = tally(received.iter().map(|m| (m.rcpt.join(","), subject_of(&m.text()))));
        assert_eq!(got, expected, "{backend}: each queued e-mail delivered exactly once");
        assert_eq!(outbox.len(), 12 + 2, "{backend}: twelve notices, one reminder and one stuck prompt, however many starts");
        eprintln!(
            "{backend}: SIGTERM with a request and an e-mail in flight: request answered 201, {delivered_first} e-mails sent before the stop, {} after the restart, 0 twice",
            received.len() - delivered_first
        );
    }
    // Kept when a test fails (the servers' logs are there).
    std::fs::remove_dir_all(&dir).ok();
}
