//! Load test (issue 11): 50 concurrent API users with mixed reads and writes against the real
//! `linkwork serve` binary for 60 seconds on each database. Every request must succeed, and the
//! server's memory must stay flat (its resident set sampled every second: start, peak, end).
//!
//! Ignored by default (it takes a couple of minutes); `scripts/test` runs it explicitly:
//! `cargo test -p linkwork --test load -- --ignored --nocapture`. `LINKWORK_LOAD_SECONDS` and
//! `LINKWORK_LOAD_USERS` change the length and the number of users.

mod support;

use linkwork_store::testing::fresh_database_urls;
use serde_json::json;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::*;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[derive(Default)]
struct Tally {
    reads: u64,
    writes: u64,
    errors: Vec<String>,
    latencies_ms: Vec<u32>,
}

static NEXT_PERSON: AtomicU32 = AtomicU32::new(500_000);

/// One user's next request, in a fixed mix: 60% reads (a record, the caseload, the referral list,
/// a people search), 40% writes (contacts, measures, new referrals that are then declined). New
/// referrals leave the open caseload again, so what the reads return stays the same size and the
/// server's memory can be compared over the run (the database itself keeps growing).
async fn one_request(http: &reqwest::Client, base: &str, w: &World, created: &Mutex<Vec<String>>, user: usize, i: usize) -> (bool, Result<(), String>) {
    let referral = &w.referrals[(user * 13 + i) % w.referrals.len()];
    let get = |path: String| http.get(format!("{base}{path}")).bearer_auth(&w.token);
    let post = |path: String, body: serde_json::Value| http.post(format!("{base}{path}")).bearer_auth(&w.token).json(&body);
    let (write, request) = match i % 20 {
        0..=5 => (false, get(format!("/api/referrals/{referral}"))),
        6 | 7 => (false, get("/api/caseload".into())),
        8 | 9 => (false, get("/api/referrals".into())),
        10 | 11 => (false, get(format!("/api/people?nhs_number={}", nhs_number(((user + i) % w.referrals.len()) as u32)))),
        12..=15 => (true, post(format!("/api/referrals/{referral}/contacts"), json!({"contact_on": "2026-11-11", "mode": "phone", "minutes": 15, "accompanied": false}))),
        16 | 17 => (true, post(format!("/api/referrals/{referral}/measures/ons4"), json!({"timepoint": "follow_up", "taken_on": "2026-11-12", "item_1": 6, "item_2": 7, "item_3": 5, "item_4": 3}))),
        18 => (true, post("/api/referrals".into(), referral_json(&nhs_number(NEXT_PERSON.fetch_add(1, Ordering::Relaxed)), &w.practice))),
        _ => match created.lock().unwrap().pop() {
            Some(id) => (true, post(format!("/api/referrals/{id}/decline"), json!({"decline_reason": "not_eligible"}))),
            None => (false, get(format!("/api/referrals/{referral}"))),
        },
    };
    let result = match request.send().await {
        Ok(r) if r.status() == reqwest::StatusCode::CREATED && i % 20 == 18 => match r.json::<serde_json::Value>().await {
            Ok(body) => body["id"].as_str().map(|id| created.lock().unwrap().push(id.to_owned())).ok_or_else(|| "201 without an id".to_owned()),
            Err(e) => Err(e.to_string()),
        },
        Ok(r) if r.status().is_success() => r.bytes().await.map(drop).map_err(|e| e.to_string()),
        Ok(r) => Err(format!("{} {}", r.status(), r.text().await.unwrap_or_default())),
        Err(e) => Err(e.to_string()),
    };
    (write, result)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a 60-second load per database: scripts/test runs it with --ignored"]
async fn fifty_users_for_a_minute_get_no_errors_and_memory_stays_flat() {
    let seconds = setting("LINKWORK_LOAD_SECONDS", 60);
    let users = setting("LINKWORK_LOAD_USERS", 50) as usize;
    let dir = test_dir("load");
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = Arc::new(world(&url, 200).await);
        let server = Server::start(&url, &[], &dir.join(format!("{backend}.log")));
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        let tally = Arc::new(Mutex::new(Tally::default()));
        let created = Arc::new(Mutex::new(Vec::new()));
        let end = Instant::now() + Duration::from_secs(seconds);
        let tasks: Vec<_> = (0..users)
            .map(|user| {
                let (http, base, w, tally, created) = (http.clone(), server.base.clone(), w.clone(), tally.clone(), created.clone());
                tokio::spawn(async move {
                    let mut i = user;
                    while Instant::now() < end {
                        let started = Instant::now();
                        let (write, result) = one_request(&http, &base, &w, &created, user, i).await;
                        let mut t = tally.lock().unwrap();
                        t.latencies_ms.push(started.elapsed().as_millis() as u32);
                        match result {
                            Ok(()) if write => t.writes += 1,
                            Ok(()) => t.reads += 1,
                            Err(e) => t.errors.push(e),
                        }
                        i += 1;
                    }
                })
            })
            .collect();
        // Resident memory once a second while the load runs.
        let mut rss = Vec::new();
        while Instant::now() < end {
            rss.push(server.rss_kib());
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        for task in tasks {
            task.await.unwrap();
        }
        rss.push(server.rss_kib());
        drop(server);

        let mut t = std::mem::take(&mut *tally.lock().unwrap());
        t.latencies_ms.sort_unstable();
        let pct = |p: usize| t.latencies_ms.get(t.latencies_ms.len() * p / 100).copied().unwrap_or(0);
        // Start = after a 10% warm-up (pools filled, caches primed); flat = the second half of the
        // run grows less than a quarter over its start.
        let warm = rss.len() / 10;
        let (start, peak, end_rss) = (rss[warm], *rss.iter().max().unwrap(), *rss.last().unwrap());
        let half = rss[rss.len() / 2];
        eprintln!(
            "{backend}: {users} users for {seconds} s: {} requests ({} reads, {} writes), {} errors, {:.0} req/s, latency p50 {} ms p99 {} ms; server RSS start {} MiB, peak {} MiB, end {} MiB (mid-run {} MiB)",
            t.reads + t.writes + t.errors.len() as u64,
            t.reads,
            t.writes,
            t.errors.len(),
            (t.reads + t.writes) as f64 / seconds as f64,
            pct(50),
            pct(99),
            start / 1024,
            peak / 1024,
            end_rss / 1024,
            half / 1024
        );
        assert!(t.errors.is_empty(), "{backend}: {} requests failed, e.g. {:?}", t.errors.len(), &t.errors[..t.errors.len().min(3)]);
        assert!(end_rss <= half + half / 4 + 8 * 1024, "{backend}: memory kept growing: {} KiB at mid-run, {} KiB at the end", half, end_rss);
    }
    // Kept when a test fails (the servers' logs are there).
    std::fs::remove_dir_all(&dir).ok();
}
