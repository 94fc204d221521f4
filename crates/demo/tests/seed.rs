//! Seeds fresh SQLite and PostgreSQL databases and checks the demo data is complete, consistent and repeatable.

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use linkwork_demo::{catalogue, is_seeded, seed, DemoOptions, DemoSummary, DEMO_PASSWORD};
use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::measurement::instruments::{Instrument, Timepoint};
use linkwork_domain::casework::referral::ReferralStatus;
use linkwork_store::testing::migrated;
use linkwork_store::Store;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use time::macros::date;

/// A fresh, migrated database of each kind (SQLite, and PostgreSQL unless skipped), by name.
async fn fresh_stores() -> Vec<(&'static str, Arc<dyn Store>)> {
    let dir = std::env::temp_dir().join("linkwork-demo-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let mut stores = Vec::new();
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&dir).await {
        stores.push((backend, migrated(&url).await.unwrap()));
    }
    stores
}

fn options(referrals: usize) -> DemoOptions {
    DemoOptions { seed: 7, today: date!(2026 - 06 - 30), referrals }
}

async fn status_counts(store: &dyn Store) -> BTreeMap<ReferralStatus, usize> {
    let pcn = store.find_org(catalogue::PCN_ODS).await.unwrap().unwrap();
    let mut counts = BTreeMap::new();
    for entry in store.caseload(&pcn.id, None, false).await.unwrap() {
        *counts.entry(entry.status).or_default() += 1;
    }
    counts
}

#[tokio::test]
async fn seeds_a_fresh_database_with_every_kind_of_record() {
    for (backend, store) in fresh_stores().await {
        eprintln!("-- on {backend}");
        seeds_every_kind_of_record(store).await;
    }
}

async fn seeds_every_kind_of_record(store: Arc<dyn Store>) {
    assert!(!is_seeded(&*store).await.unwrap());
    let options = options(120);
    let summary: DemoSummary = seed(&*store, &options).await.unwrap();
    assert!(is_seeded(&*store).await.unwrap());
    assert_eq!(summary.referrals, 120);
    assert!(seed(&*store, &options).await.is_err(), "seeding twice is refused");

    // Logins for every role, all with the shared password, which verifies.
    for role in Role::ALL {
        assert!(summary.logins.iter().any(|l| l.role == *role), "no login for {role:?}");
    }
    assert!(summary.logins.iter().filter(|l| l.role == Role::VcsePartner).count() >= 3);
    for login in &summary.logins {
        assert_eq!(login.password, DEMO_PASSWORD);
        assert!(login.email.ends_with("@demo.linkwork.test"), "{}", login.email);
    }
    // A reused demo database prints the same logins in the same order.
    let again = linkwork_demo::logins(&*store).await.unwrap();
    let emails = |l: &[linkwork_demo::DemoLogin]| l.iter().map(|l| (l.role, l.email.clone(), l.org_name.clone())).collect::<Vec<_>>();
    assert_eq!(emails(&again), emails(&summary.logins));
    let creds = store.user_credentials(&summary.logins[0].email).await.unwrap().unwrap();
    let hash = PasswordHash::new(&creds.password_hash).unwrap();
    assert!(argon2::Argon2::default().verify_password(DEMO_PASSWORD.as_bytes(), &hash).is_ok());

    // Organisations and the directory.
    let icb = store.find_org(catalogue::ICB_ODS).await.unwrap().unwrap();
    let pcn = store.find_org(catalogue::PCN_ODS).await.unwrap().unwrap();
    assert_eq!(pcn.parent_id.as_deref(), Some(icb.id.as_str()));
    let practices = store.orgs(OrgKind::Practice, Some(&pcn.id)).await.unwrap();
    assert_eq!(practices.len(), 5);
    let list: i64 = practices.iter().filter_map(|p| p.list_size).sum();
    assert!((45_000..=55_000).contains(&list), "list size {list}");
    let vcses = store.orgs(OrgKind::Vcse, None).await.unwrap();
    assert_eq!(summary.organisations, 2 + practices.len() + vcses.len());
    assert_eq!(store.services().await.unwrap().len(), summary.services);

    // The caseload holds referrals in every status.
    let counts = status_counts(&*store).await;
    eprintln!("status counts: {counts:?}");
    for status in ReferralStatus::ALL {
        assert!(counts.get(status).copied().unwrap_or(0) > 0, "no {status:?} referrals: {counts:?}");
    }
    assert_eq!(counts.values().sum::<usize>(), 120);

    // The evaluation sees paired measures, with an improvement on average.
    let input = store.evaluation_input("Riverside Central PCN", std::slice::from_ref(&pcn.id), options.today).await.unwrap();
    assert_eq!(input.referrals.len(), 120);
    assert!(input.measures.iter().any(|m| m.timepoint == Timepoint::Baseline));
    assert!(input.measures.iter().any(|m| m.timepoint != Timepoint::Baseline));
    let mut baseline = HashMap::new();
    for m in input.measures.iter().filter(|m| m.timepoint == Timepoint::Baseline && m.recorded.instrument() == Instrument::Swemwbs) {
        baseline.insert(m.referral_id.clone(), m.recorded.scores()[0].value);
    }
    let changes: Vec<f64> = input
        .measures
        .iter()
        .filter(|m| m.timepoint != Timepoint::Baseline && m.recorded.instrument() == Instrument::Swemwbs)
        .map(|m| m.recorded.scores()[0].value - baseline[&m.referral_id])
        .collect();
    let mean = changes.iter().sum::<f64>() / changes.len() as f64;
    let worse = changes.iter().filter(|c| **c < 0.0).count();
    eprintln!("SWEMWBS pairs {}, mean metric change {mean:.2}, {worse} worse; waiting {:?}", changes.len(), input.referrals.iter().filter_map(|r| r.first_contact_on.map(|c| (c - r.referred_on).whole_days())).collect::<Vec<_>>().len());
    assert!(changes.len() >= 10, "only {} follow-ups", changes.len());
    assert!((1.0..=4.0).contains(&mean), "mean SWEMWBS change {mean}");
    assert!(worse > 0, "some people should get worse");
    assert!(!input.onward.is_empty());

    // The first partner login is for the organisation receiving the most onward referrals.
    let first_partner = summary.logins.iter().find(|l| l.role == Role::VcsePartner).unwrap();
    let partner_org = store.find_org(&first_partner.org_name).await.unwrap().unwrap();
    let theirs = store.partner_referrals(&partner_org.id).await.unwrap().len();
    assert!(theirs > 0);
    for vcse in &vcses {
        assert!(store.partner_referrals(&vcse.id).await.unwrap().len() <= theirs, "{} has more onward referrals than {}", vcse.name, partner_org.name);
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data() {
    for ((backend, a), (_, b)) in fresh_stores().await.into_iter().zip(fresh_stores().await) {
        eprintln!("-- on {backend}");
        same_seed_same_data(a, b).await;
    }
}

async fn same_seed_same_data(a: Arc<dyn Store>, b: Arc<dyn Store>) {
    seed(&*a, &options(120)).await.unwrap();
    seed(&*b, &options(120)).await.unwrap();
    assert_eq!(status_counts(&*a).await, status_counts(&*b).await);
    let pcn_a = a.find_org(catalogue::PCN_ODS).await.unwrap().unwrap();
    let pcn_b = b.find_org(catalogue::PCN_ODS).await.unwrap().unwrap();
    let nhs = |entries: Vec<linkwork_store::CaseloadEntry>| {
        let mut v: Vec<(String, time::Date, ReferralStatus)> = entries.into_iter().map(|e| (e.nhs_number.as_str().to_owned(), e.referred_on, e.status)).collect();
        v.sort();
        v
    };
    assert_eq!(nhs(a.caseload(&pcn_a.id, None, false).await.unwrap()), nhs(b.caseload(&pcn_b.id, None, false).await.unwrap()));
    let today = options(120).today;
    let (ia, ib) = (a.evaluation_input("a", &[pcn_a.id], today).await.unwrap(), b.evaluation_input("b", &[pcn_b.id], today).await.unwrap());
    assert_eq!(ia.measures.len(), ib.measures.len());
    assert_eq!(ia.onward.len(), ib.onward.len());
}

#[tokio::test]
async fn seeds_the_teams_day_too() {
    for (backend, store) in fresh_stores().await {
        eprintln!("-- on {backend}");
        seeds_the_teams_day(store).await;
    }
}

async fn seeds_the_teams_day(store: Arc<dyn Store>) {
    seed(&*store, &options(120)).await.unwrap();
    let pcn = store.find_org(catalogue::PCN_ODS).await.unwrap().unwrap();
    let incoming = store.pending_incoming(&pcn.id).await.unwrap();
    assert!(incoming.len() >= 4, "self and VCSE referrals waiting for triage");
    assert!(incoming.iter().any(|i| i.referred_by_org_id.is_some()), "some from partners");
    let meetings = store.mdt_meetings(&pcn.id).await.unwrap();
    assert!(meetings.len() >= 3 && meetings.iter().all(|m| !m.people.is_empty()));
    let waiting = store.caseload(&pcn.id, None, true).await.unwrap().into_iter().find(|e| e.status == ReferralStatus::Received && (date!(2026 - 06 - 30) - e.referred_on).whole_days() > 7);
    if let Some(w) = waiting {
        assert!(store.unsuccessful_attempts(&w.referral_id).await.unwrap() >= 1, "old new referrals have contact attempts");
    }
}
