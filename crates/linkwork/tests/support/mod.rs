//! Shared by the tests that run the real `linkwork serve` binary as a child process (crash,
//! shutdown, backup during writes, load): starting and signalling the server, a small world of
//! organisations, accounts and accepted referrals, and a write load through the JSON API that
//! records every write the server acknowledged.
#![allow(dead_code)]

use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use linkwork_domain::casework::referral::{ReferralReason, ReferralSource, ReferralStatus};
use linkwork_domain::{NhsNumber, Postcode, RequiredText};
use linkwork_store::*;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn test_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linkwork-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the `linkwork` binary to the end.
pub fn linkwork(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_linkwork")).args(args).env_remove("LINKWORK_DATABASE").stdin(Stdio::null()).output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `linkwork serve` running as a child process on a free port, its log in a file.
pub struct Server {
    child: Child,
    pub base: String,
    pub log: PathBuf,
}

impl Server {
    /// Starts the binary on `url` (already migrated) and waits until it listens.
    pub fn start(url: &str, extra_args: &[&str], log: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_linkwork"))
            .args(["serve", "--database", url, "--bind", "127.0.0.1:0", "--insecure-cookies"])
            .args(extra_args)
            .env_remove("LINKWORK_DATABASE")
            .env_remove("LINKWORK_SMTP_URL")
            .env("RUST_LOG", "info,sqlx=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .expect("the linkwork binary starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(std::result::Result::ok) {
                if let Some((_, rest)) = line.split_once("running at ") {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or_default().trim_end_matches('/').to_owned());
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(base) => Server { child, base, log: log.to_owned() },
            Err(_) => {
                let _ = child.kill();
                panic!("the server did not start: {}", std::fs::read_to_string(log).unwrap_or_default())
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: the process ends at once, wherever it is (no handler can run).
    pub fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, as a service manager sends to stop the server.
    pub fn terminate(&self) {
        let status = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status().unwrap();
        assert!(status.success(), "kill -TERM");
    }

    /// Waits for the process to end by itself.
    pub fn wait_exit(mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not stop within {timeout:?}: {}", std::fs::read_to_string(&self.log).unwrap_or_default());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Resident memory of the server process, in KiB (Linux /proc).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()?.parse().ok()).unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A valid NHS number (modulus 11), different for each `n`.
pub fn nhs_number(n: u32) -> String {
    (0..)
        .map(|k| (900_000_000 + n * 100 + k).to_string())
        .find_map(|base| NhsNumber::check_digit(&base).map(|check| format!("{base}{check}")))
        .unwrap()
}

/// What the tests' world holds: a PCN with a practice and a link worker (whose API token the load
/// uses), a VCSE partner with a service, and accepted referrals to write on.
pub struct World {
    pub url: String,
    pub token: String,
    pub pcn: String,
    pub practice: String,
    pub vcse: String,
    pub service: String,
    pub worker: String,
    pub referrals: Vec<String>,
}

pub fn new_referral(pcn: &str, practice: &str, nhs: &str, referred_on: time::Date) -> NewReferral {
    NewReferral {
        service_org_id: pcn.to_owned(),
        person: PersonDetails {
            nhs_number: NhsNumber::parse(nhs).unwrap(),
            given_name: RequiredText::parse("given_name", "given name", "Load").unwrap(),
            family_name: RequiredText::parse("family_name", "family name", "Tested").unwrap(),
            date_of_birth: DateOfBirth::new(time::macros::date!(1950 - 05 - 01), referred_on).unwrap(),
            sex: Sex::Female,
            ethnicity: Ethnicity::NotStated,
            postcode: Postcode::parse("LS1 4AP").unwrap(),
        },
        practice_id: Some(practice.to_owned()),
        source: ReferralSource::GpPractice,
        referrer_name: "Dr Example".into(),
        reason: ReferralReason::parse("reason", "reason", "Isolated since moving").unwrap(),
        needs: vec![NeedDomain::Loneliness],
        needs_to_confirm: false,
        referred_on,
        assigned_worker_id: None,
        consent: Default::default(),
        contact: Default::default(),
    }
}

/// Migrates `url` and writes the world, with `referrals` accepted referrals.
pub async fn world(url: &str, referrals: usize) -> World {
    let store = linkwork_store::testing::migrated(url).await.unwrap();
    let org = |kind, name: &str, ods: Option<&str>, parent: Option<String>| NewOrg { kind, name: name.into(), ods_code: ods.map(Into::into), parent_id: parent, list_size: None };
    let icb = store.create_org(&org(OrgKind::Icb, "Load ICB", Some("QLL"), None)).await.unwrap();
    let pcn = store.create_org(&org(OrgKind::Pcn, "Load PCN", Some("U77777"), Some(icb))).await.unwrap();
    let practice = store.create_org(&org(OrgKind::Practice, "Load Surgery", Some("Y77777"), Some(pcn.clone()))).await.unwrap();
    let vcse = store.create_org(&org(OrgKind::Vcse, "Load Walks", None, None)).await.unwrap();
    let user = |email: &str, role, org_id: &str| NewUser { email: email.into(), display_name: email.into(), password_hash: "not used".into(), role, org_id: org_id.to_owned() };
    let worker = store.create_user(&user("lw@load.test", Role::LinkWorker, &pcn)).await.unwrap();
    store.create_user(&user("partner@load.test", Role::VcsePartner, &vcse)).await.unwrap();
    let service = store
        .create_service(&NewService { org_id: vcse.clone(), name: "Load walks".into(), description: "Walks".into(), needs: vec![NeedDomain::Loneliness], address: None, postcode: None, phone: None, email: None })
        .await
        .unwrap();
    let token = linkwork_app::accounts::new_api_token();
    store.create_api_token(&linkwork_app::accounts::hash_api_token(&token), &pcn, Role::LinkWorker, Some("durability tests")).await.unwrap();
    let who = AuditActor { org_id: Some(pcn.clone()), ..AuditActor::default() };
    let today = time::OffsetDateTime::now_utc().date();
    let mut ids = Vec::new();
    for i in 0..referrals {
        let id = store.create_referral(&who, &new_referral(&pcn, &practice, &nhs_number(i as u32), today - time::Duration::days(40))).await.unwrap();
        store.change_referral(&who, &id, ReferralStatus::Received, &ReferralChange::Accept { on: today - time::Duration::days(39), worker_id: Some(worker.clone()) }).await.unwrap();
        ids.push(id);
    }
    World { url: url.to_owned(), token, pcn, practice, vcse, service, worker, referrals: ids }
}

/// Writes acknowledged by the server (answered 201), by kind.
#[derive(Default, Clone)]
pub struct Acknowledged {
    /// (referral id, contact id)
    pub contacts: Vec<(String, String)>,
    pub referrals: Vec<String>,
}

impl Acknowledged {
    pub fn len(&self) -> usize {
        self.contacts.len() + self.referrals.len()
    }
}

/// A write load of concurrent API clients, running until told to stop (or, when the server is
/// expected to die, until its connection fails).
pub struct WriteLoad {
    pub acknowledged: Arc<Mutex<Acknowledged>>,
    /// Answers other than 201 (the server said no or failed).
    pub refused: Arc<Mutex<Vec<String>>>,
    /// Requests that got no answer (the server was gone or went away mid-request).
    pub unanswered: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

static NEXT_PERSON: AtomicU32 = AtomicU32::new(10_000);

impl WriteLoad {
    /// `writers` clients, each adding contacts to the world's referrals and, every fourth write,
    /// a referral for a new person. A client stops at its first unanswered request.
    pub fn start(base: &str, w: &World, writers: usize) -> WriteLoad {
        let load = WriteLoad {
            acknowledged: Arc::default(),
            refused: Arc::default(),
            unanswered: Arc::default(),
            stop: Arc::default(),
            tasks: Vec::new(),
        };
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
        let tasks = (0..writers)
            .map(|writer| {
                let (http, base, token, referrals, practice) = (http.clone(), base.to_owned(), w.token.clone(), w.referrals.clone(), w.practice.clone());
                let (acknowledged, refused, unanswered, stop) = (load.acknowledged.clone(), load.refused.clone(), load.unanswered.clone(), load.stop.clone());
                tokio::spawn(async move {
                    let mut i = 0usize;
                    while !stop.load(Ordering::Relaxed) {
                        i += 1;
                        let result = if i % 4 == 3 {
                            let nhs = nhs_number(NEXT_PERSON.fetch_add(1, Ordering::Relaxed));
                            post(&http, format!("{base}/api/referrals"), &token, &referral_json(&nhs, &practice)).await.map(|id| (None, id))
                        } else {
                            let referral = &referrals[(writer * 7 + i) % referrals.len()];
                            let body = json!({"contact_on": "2026-11-11", "mode": "phone", "minutes": 15, "accompanied": false, "notes": format!("writer {writer} write {i}")});
                            post(&http, format!("{base}/api/referrals/{referral}/contacts"), &token, &body).await.map(|id| (Some(referral.clone()), id))
                        };
                        match result {
                            Ok((Some(referral), id)) => acknowledged.lock().unwrap().contacts.push((referral, id)),
                            Ok((None, id)) => acknowledged.lock().unwrap().referrals.push(id),
                            Err(Answer::Refused(e)) => refused.lock().unwrap().push(e),
                            Err(Answer::None(_)) => {
                                unanswered.fetch_add(1, Ordering::Relaxed);
                                return;
                            }
                        }
                    }
                })
            })
            .collect();
        WriteLoad { tasks, ..load }
    }

    pub fn acknowledged_count(&self) -> usize {
        self.acknowledged.lock().unwrap().len()
    }

    /// Waits until `n` writes have been acknowledged (or `timeout` passes).
    pub async fn wait_for(&self, n: usize, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.acknowledged_count() < n {
            assert!(Instant::now() < deadline, "only {} writes acknowledged in {timeout:?}; refused: {:?}", self.acknowledged_count(), self.refused.lock().unwrap().first());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the clients (after their current request) and waits for them.
    pub async fn finish(self) -> (Acknowledged, Vec<String>, usize) {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            task.await.unwrap();
        }
        let acknowledged = self.acknowledged.lock().unwrap().clone();
        let refused = self.refused.lock().unwrap().clone();
        (acknowledged, refused, self.unanswered.load(Ordering::Relaxed))
    }
}

pub fn referral_json(nhs: &str, practice: &str) -> Value {
    json!({
        "nhs_number": nhs, "given_name": "Load", "family_name": "Tested", "date_of_birth": "1961-07-14", "sex": "1", "ethnicity": "H",
        "postcode": "M1 1AE", "practice_id": practice, "referred_on": "2026-11-03", "source": "self", "referrer_name": "Self",
        "reason": "Debt worries", "needs": ["money"], "consent": "yes"
    })
}

pub enum Answer {
    /// The server answered, but not 201.
    Refused(String),
    /// No answer (connection refused or closed).
    None(String),
}

/// POSTs JSON; the new id on 201.
pub async fn post(http: &reqwest::Client, url: String, token: &str, body: &Value) -> std::result::Result<String, Answer> {
    let r = http.post(url).bearer_auth(token).json(body).send().await.map_err(|e| Answer::None(e.to_string()))?;
    let status = r.status();
    let text = r.text().await.map_err(|e| Answer::None(e.to_string()))?;
    if status != reqwest::StatusCode::CREATED {
        return Err(Answer::Refused(format!("{status}: {text}")));
    }
    let id = serde_json::from_str::<Value>(&text).ok().and_then(|v| v["id"].as_str().map(str::to_owned));
    id.ok_or_else(|| Answer::Refused(format!("201 without an id: {text}")))
}

/// Which acknowledged writes the server at `base` has: reads every referral the load wrote on or
/// created through the API. Returns the acknowledged writes it cannot find.
pub async fn missing_writes(base: &str, token: &str, acknowledged: &Acknowledged) -> Vec<String> {
    let http = reqwest::Client::new();
    let mut contacts: HashMap<&str, HashSet<String>> = HashMap::new();
    for (referral, _) in &acknowledged.contacts {
        contacts.entry(referral.as_str()).or_default();
    }
    let mut missing = Vec::new();
    for (referral, found) in contacts.iter_mut() {
        let record: Value = http.get(format!("{base}/api/referrals/{referral}")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        found.extend(record["contacts"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()));
    }
    for (referral, id) in &acknowledged.contacts {
        if !contacts[referral.as_str()].contains(id) {
            missing.push(format!("contact {id}"));
        }
    }
    for id in &acknowledged.referrals {
        let status = http.get(format!("{base}/api/referrals/{id}")).bearer_auth(token).send().await.unwrap().status();
        if status != reqwest::StatusCode::OK {
            missing.push(format!("referral {id} ({status})"));
        }
    }
    missing
}

/// Rows per table, whichever the database.
pub async fn table_rows(url: &str) -> HashMap<String, i64> {
    let rows = if url.starts_with("sqlite:") {
        linkwork_store::sqlite::SqlStore::connect(url).await.unwrap().table_rows().await.unwrap()
    } else {
        linkwork_store::postgres::SqlStore::connect(url).await.unwrap().table_rows().await.unwrap()
    };
    rows.into_iter().map(|t| (t.table, t.rows)).collect()
}

/// Whether a check that needs a browser-side tool (`what`, from the Debian package `package`:
/// Chromium to print PDFs, pdftotext to read them) can run. Without it the check fails when
/// `LINKWORK_REQUIRE_BROWSER=1` (`scripts/test` and CI set it, so the suite never skips it);
/// otherwise it is skipped with a printed notice, for a developer's plain `cargo test`.
pub fn tool_or_skip(found: bool, what: &str, package: &str, check: &str) -> bool {
    if found {
        return true;
    }
    assert!(
        std::env::var("LINKWORK_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "{check} needs {what} and LINKWORK_REQUIRE_BROWSER=1: install the Debian package \"{package}\" (scripts/setup --system)"
    );
    eprintln!("skipped {check}: no {what} (install the Debian package \"{package}\"; LINKWORK_REQUIRE_BROWSER=1 makes this a failure)");
    false
}

/// Queues `n` in-app notifications for the world's VCSE partner, each e-mailed to its one user
/// when the server delivers the outbox (subjects `Queued notice 0`, `Queued notice 1`, …).
pub async fn queue_notices(store: &dyn Store, w: &World, n: usize) {
    for i in 0..n {
        let notice = NewNotification {
            recipient: Recipient::Org { org_id: w.vcse.clone(), roles: vec![Role::VcsePartner] },
            kind: "test".into(),
            subject: format!("Queued notice {i}"),
            body: "A test notice.".into(),
            link: None,
            dedup_key: None,
        };
        assert!(store.notify(&notice).await.unwrap());
    }
}

/// (recipient, subject) pairs, counted.
pub fn tally(pairs: impl Iterator<Item = (String, String)>) -> HashMap<(String, String), usize> {
    let mut counts = HashMap::new();
    for pair in pairs {
        *counts.entry(pair).or_insert(0) += 1;
    }
    counts
}

/// The subject of an e-mail's text (headers unfolded).
pub fn subject_of(text: &str) -> String {
    text.lines().find_map(|l| l.strip_prefix("Subject: ")).unwrap_or_default().trim().to_owned()
}
