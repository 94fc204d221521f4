//! Synthetic demo data for Linkwork: a fictional ICB, one primary care network with five
//! practices, seventeen VCSE organisations running community services, demo accounts for every
//! role, and a year of referrals with realistic casework (triage, "what matters" conversations,
//! contacts, outcome measures, onward referrals with partner answers, discharges).
//!
//! Everything is written through the [`Store`] trait, so the audit trail is written as it would be
//! for real use. The data is planned in memory from one seeded random number generator first (see
//! [`plan`]), so the same seed and `today` always give the same data.
//!
//! ```no_run
//! # async fn demo(store: &dyn linkwork_store::Store) -> anyhow::Result<()> {
//! let today = time::OffsetDateTime::now_utc().date();
//! if !linkwork_demo::is_seeded(store).await? {
//!     let summary = linkwork_demo::seed(store, &linkwork_demo::DemoOptions { today, ..Default::default() }).await?;
//!     for login in &summary.logins {
//!         println!("{:<14} {:<45} {}", login.role.code(), login.email, login.password);
//!     }
//! }
//! # Ok(()) }
//! ```

pub mod catalogue;
mod contact;
mod directory;
mod equity;
mod health_activity;
mod plan;
mod population;
mod resolutions;
mod stakeholders;
pub mod synthetic;
mod team;

use anyhow::{bail, Context, Result};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher, SaltString};
use catalogue::{StaffDef, EMAIL_DOMAIN, PRACTICES, VCSES};
use indicatif::{ProgressBar, ProgressStyle};
use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::casework::referral::ReferralStatus;
use linkwork_store::{AuditActor, NewOrg, NewReferral, NewService, NewUser, OnwardChange, ReferralChange, Store};
use plan::Outcome;
use rand::SeedableRng;
use std::time::Instant;

/// The one password every demo account has. Demo data only: never use it for real accounts.
pub const DEMO_PASSWORD: &str = "demo-password-1";

/// How many partner accounts to create (for the VCSE organisations receiving most onward referrals).
const PARTNER_LOGINS: usize = 4;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Seeds the random number generator: the same seed and `today` give the same data.
    pub seed: u64,
    /// The last day of the demo year; nothing is dated after it.
    pub today: time::Date,
    /// How many referrals to create over the year before `today`.
    pub referrals: usize,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self { seed: 42, today: time::OffsetDateTime::now_utc().date(), referrals: 600 }
    }
}

/// A demo account, to print for people trying the product.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub role: Role,
    pub email: String,
    pub password: String,
    pub org_name: String,
    pub display_name: String,
}

#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// Staff of the PCN first (link workers, manager), then commissioner, admin, and VCSE partners,
    /// the first partner being the organisation that receives the most onward referrals.
    pub logins: Vec<DemoLogin>,
    pub referrals: usize,
    pub services: usize,
    pub organisations: usize,
}

/// Whether the demo data has been loaded (the demo ICB exists).
pub async fn is_seeded(store: &dyn Store) -> Result<bool> {
    Ok(store.find_org(catalogue::ICB_ODS).await?.is_some())
}

/// The demo logins of an already seeded store, in the order [`seed`] returns them (partners by
/// onward referrals received, most first), for printing again when a demo database is reused.
/// Assumes the demo password was not changed. Empty if the store holds no demo data.
pub async fn logins(store: &dyn Store) -> Result<Vec<DemoLogin>> {
    let (Some(icb), Some(pcn)) = (store.find_org(catalogue::ICB_ODS).await?, store.find_org(catalogue::PCN_ODS).await?) else {
        return Ok(Vec::new());
    };
    let mut groups = vec![(pcn.clone(), Role::LinkWorker), (pcn, Role::Manager), (icb.clone(), Role::Commissioner), (icb, Role::Admin)];
    if let Some(practice) = store.find_org(PRACTICES[0].ods).await? {
        groups.push((practice, Role::PracticeStaff));
    }
    let mut partners = Vec::new();
    for org in store.orgs(OrgKind::Vcse, None).await? {
        let received = store.partner_referrals(&org.id).await?.len();
        let position = VCSES.iter().position(|v| v.name == org.name).unwrap_or(usize::MAX);
        partners.push((std::cmp::Reverse(received), position, org));
    }
    partners.sort_by_key(|(received, position, _)| (*received, *position));
    groups.extend(partners.into_iter().map(|(_, _, org)| (org, Role::VcsePartner)));
    let mut logins = Vec::new();
    for (org, role) in groups {
        let mut users: Vec<_> = store.users(&org.id, Some(role)).await?.into_iter().filter(|u| u.active && u.email.ends_with(&format!("@{EMAIL_DOMAIN}"))).collect();
        users.sort_by(|a, b| a.email.cmp(&b.email));
        logins.extend(users.into_iter().map(|u| DemoLogin { role, email: u.email, password: DEMO_PASSWORD.to_owned(), org_name: org.name.clone(), display_name: u.display_name }));
    }
    Ok(logins)
}

/// Fills a migrated store with the demo data. Fails, writing nothing, if the demo ICB is already
/// there; fails part-way (leaving what was written) only if the database does.
pub async fn seed(store: &dyn Store, options: &DemoOptions) -> Result<DemoSummary> {
    if is_seeded(store).await? {
        bail!("the demo data is already loaded (organisation {} exists)", catalogue::ICB_ODS);
    }
    let started = Instant::now();
    let mut rng = rand::rngs::StdRng::seed_from_u64(options.seed);
    let plans = plan::plan(&mut rng, options.today, options.referrals).context("planning the demo referrals")?;

    // Organisations.
    let org = |kind, name: &str, ods: Option<&str>, parent: Option<&String>, list_size| NewOrg {
        kind,
        name: name.to_owned(),
        ods_code: ods.map(str::to_owned),
        parent_id: parent.cloned(),
        list_size,
    };
    let icb = store.create_org(&org(OrgKind::Icb, catalogue::ICB_NAME, Some(catalogue::ICB_ODS), None, None)).await?;
    let pcn = store.create_org(&org(OrgKind::Pcn, catalogue::PCN_NAME, Some(catalogue::PCN_ODS), Some(&icb), None)).await?;
    let mut practices = Vec::with_capacity(PRACTICES.len());
    for p in PRACTICES {
        practices.push(store.create_org(&org(OrgKind::Practice, p.name, Some(p.ods), Some(&pcn), Some(p.list_size))).await?);
    }
    let mut vcses = Vec::with_capacity(VCSES.len());
    let mut services: Vec<Vec<String>> = Vec::with_capacity(VCSES.len());
    for v in VCSES {
        let id = store.create_org(&org(OrgKind::Vcse, v.name, None, None, None)).await?;
        let mut ids = Vec::with_capacity(v.services.len());
        let place = directory::OrgPlace::new();
        for s in v.services {
            ids.push(
                store
                    .create_service(&NewService {
                        org_id: id.clone(),
                        name: s.name.to_owned(),
                        description: s.description.to_owned(),
                        needs: s.needs.to_vec(),
                        address: Some(v.address.to_owned()),
                        postcode: Some(v.postcode.to_owned()),
                        phone: Some(v.phone.to_owned()),
                        email: Some(v.email()),
                    })
                    .await?,
            );
            // Where and when it runs, who it is for, and what link workers know about it.
            directory::describe(store, options.today, v, &id, &place, s, ids.last().expect("just pushed")).await?;
        }
        vcses.push(id);
        services.push(ids);
    }

    // Accounts: the shared password is hashed once.
    let password_hash = hash_password(DEMO_PASSWORD)?;
    let mut logins = Vec::new();
    let mut workers = Vec::with_capacity(catalogue::LINK_WORKERS.len());
    for staff in catalogue::LINK_WORKERS {
        workers.push(add_user(store, &mut logins, &password_hash, staff, Role::LinkWorker, &pcn, catalogue::PCN_NAME).await?);
    }
    add_user(store, &mut logins, &password_hash, &catalogue::MANAGER, Role::Manager, &pcn, catalogue::PCN_NAME).await?;
    add_user(store, &mut logins, &password_hash, &catalogue::COMMISSIONER, Role::Commissioner, &icb, catalogue::ICB_NAME).await?;
    add_user(store, &mut logins, &password_hash, &catalogue::ADMIN, Role::Admin, &icb, catalogue::ICB_NAME).await?;
    add_user(store, &mut logins, &password_hash, &catalogue::PRACTICE_STAFF, Role::PracticeStaff, &practices[0], PRACTICES[0].name).await?;
    // Partner accounts for the organisations that receive the most onward referrals, busiest first.
    let onward_counts = plan::onward_per_vcse(&plans);
    let mut busiest: Vec<usize> = (0..VCSES.len()).collect();
    busiest.sort_by_key(|&v| (std::cmp::Reverse(onward_counts[v]), v));
    let mut partner_actor: Vec<Option<AuditActor>> = vec![None; VCSES.len()];
    for &v in busiest.iter().take(PARTNER_LOGINS) {
        let local = format!("partner.{}", VCSES[v].slug);
        let staff = StaffDef { email_local: &local, display_name: VCSES[v].contact };
        let id = add_user(store, &mut logins, &password_hash, &staff, Role::VcsePartner, &vcses[v], VCSES[v].name).await?;
        partner_actor[v] = Some(AuditActor { user_id: Some(id), token_id: None, org_id: Some(vcses[v].clone()) });
    }

    // Referrals and casework, each written by the link worker doing it.
    let progress = ProgressBar::new(plans.len() as u64).with_message("demo referrals");
    progress.set_style(ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({elapsed})").unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "));
    for (i, plan) in plans.iter().enumerate() {
        let worker = &workers[plan.worker];
        let who = AuditActor { user_id: Some(worker.clone()), token_id: None, org_id: Some(pcn.clone()) };
        let referral = store
            .create_referral(&who, &NewReferral {
                service_org_id: pcn.clone(),
                person: plan.person.clone(),
                practice_id: Some(practices[plan.practice].clone()),
                source: plan.source,
                referrer_name: plan.referrer_name.clone(),
                reason: plan.reason.clone(),
                needs: plan.needs.clone(),
                needs_to_confirm: false,
                referred_on: plan.referred_on,
                assigned_worker_id: None,
                consent: linkwork_domain::person::consent::ReferralConsent::given_on(plan.referred_on),
                contact: contact::details(i, plan.person.given_name.as_str(), plan.person.family_name.as_str()),
            })
            .await?;
        match &plan.outcome {
            Outcome::Waiting => {}
            Outcome::Declined { on, reason } => {
                store.change_referral(&who, &referral, ReferralStatus::Received, &ReferralChange::Decline { on: *on, reason: *reason }).await?;
            }
            Outcome::Accepted(support) => {
                store.change_referral(&who, &referral, ReferralStatus::Received, &ReferralChange::Accept { on: support.accepted_on, worker_id: Some(worker.clone()) }).await?;
                if let Some(conversation) = &support.conversation {
                    store.record_conversation(&who, &referral, conversation).await?;
                }
                for contact in &support.contacts {
                    store.add_contact(&who, &referral, contact).await?;
                }
                for measure in &support.measures {
                    store.add_measure(&who, &referral, measure).await?;
                }
                for onward in &support.onward {
                    let (v, s) = onward.service;
                    let id = store.create_onward(&who, &referral, &services[v][s], onward.sent_on, onward.note.as_deref()).await?;
                    // Partners with an account answer themselves; otherwise the link worker records
                    // what the partner said.
                    let answerer = partner_actor[v].as_ref().unwrap_or(&who);
                    for (from, to, on, decline_reason) in &onward.changes {
                        store.change_onward(answerer, &id, &OnwardChange { from: *from, to: *to, on: *on, decline_reason: *decline_reason }).await?;
                    }
                }
                if let Some((on, reason, summary)) = &support.discharge {
                    store
                        .change_referral(&who, &referral, ReferralStatus::Accepted, &ReferralChange::Discharge { on: *on, reason: *reason, summary: Some(summary.clone()) })
                        .await?;
                }
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    // How the public reach the service (shown around the self-referral form).
    let service_contact = linkwork_domain::person::contact_details::ServiceContact::parse(catalogue::SERVICE_PHONE, catalogue::SERVICE_EMAIL, catalogue::SERVICE_HOURS)?;
    store.set_service_contact(&AuditActor::default(), &pcn, &service_contact).await?;
    let partner_orgs: Vec<String> = partner_actor.iter().flatten().filter_map(|a| a.org_id.clone()).collect();
    team::seed(store, options.seed, options.today, &pcn, &partner_orgs, &workers).await?;
    stakeholders::seed(store, options.seed, options.today, &pcn, &workers).await?;
    equity::seed(store, &pcn, &practices).await?;
    resolutions::seed(store, options.seed, &pcn).await?;
    // The people referred from each practice (once each), for its comparison group's size.
    let mut practice_people = vec![0usize; PRACTICES.len()];
    let mut counted = std::collections::HashSet::new();
    for plan in &plans {
        if counted.insert(plan.person.nhs_number.as_str()) {
            practice_people[plan.practice] += 1;
        }
    }
    health_activity::seed(store, options.seed, options.today, &pcn, &practices, &practice_people).await?;

    let summary = DemoSummary {
        logins,
        referrals: plans.len(),
        services: services.iter().map(Vec::len).sum(),
        organisations: 2 + practices.len() + vcses.len(),
    };
    tracing::info!(
        referrals = summary.referrals,
        services = summary.services,
        organisations = summary.organisations,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo data loaded"
    );
    Ok(summary)
}

async fn add_user(store: &dyn Store, logins: &mut Vec<DemoLogin>, password_hash: &str, staff: &StaffDef<'_>, role: Role, org_id: &str, org_name: &str) -> Result<String> {
    let email = format!("{}@{EMAIL_DOMAIN}", staff.email_local);
    let id = store
        .create_user(&NewUser { email: email.clone(), display_name: staff.display_name.to_owned(), password_hash: password_hash.to_owned(), role, org_id: org_id.to_owned() })
        .await
        .with_context(|| format!("creating the demo account {email}"))?;
    logins.push(DemoLogin { role, email, password: DEMO_PASSWORD.to_owned(), org_name: org_name.to_owned(), display_name: staff.display_name.to_owned() });
    Ok(id)
}

/// An argon2id PHC string for `password`, verifiable with `Argon2::default().verify_password`.
fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHash, PasswordVerifier};

    /// The CLI and web shells may spawn seeding on a multi-threaded runtime.
    #[allow(dead_code)]
    fn seeding_is_send(store: &dyn Store, options: &DemoOptions) {
        fn is_send<T: Send>(_: T) {}
        is_send(seed(store, options));
        is_send(is_seeded(store));
        is_send(logins(store));
    }

    #[test]
    fn password_hash_is_standard_argon2id() {
        let hash = hash_password(DEMO_PASSWORD).unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let parsed = PasswordHash::new(&hash).unwrap();
        assert!(argon2::Argon2::default().verify_password(DEMO_PASSWORD.as_bytes(), &parsed).is_ok());
        assert!(argon2::Argon2::default().verify_password(b"wrong", &parsed).is_err());
    }

    #[test]
    fn small_plans_still_have_every_status_and_follow_ups() {
        let today = time::macros::date!(2026 - 06 - 30);
        for seed in 0..40 {
            let plans = plan::plan(&mut rand::rngs::StdRng::seed_from_u64(seed), today, 120).unwrap();
            let waiting = plans.iter().filter(|p| matches!(p.outcome, Outcome::Waiting)).count();
            let declined = plans.iter().filter(|p| matches!(p.outcome, Outcome::Declined { .. })).count();
            let open = plans.iter().filter(|p| matches!(&p.outcome, Outcome::Accepted(s) if s.discharge.is_none())).count();
            let follow_ups = plans
                .iter()
                .filter(|p| matches!(&p.outcome, Outcome::Accepted(s) if s.measures.iter().any(|m| m.timepoint != linkwork_domain::measurement::instruments::Timepoint::Baseline)))
                .count();
            let discharged = plans.len() - waiting - declined - open;
            assert!(waiting > 0 && declined > 0 && open > 0 && discharged > 0 && follow_ups > 5, "seed {seed}: {waiting} {declined} {open} {discharged} {follow_ups}");
            assert!(plan::onward_per_vcse(&plans).iter().sum::<usize>() > 0);
        }
    }

    #[test]
    fn plans_are_deterministic_and_dated_consistently() {
        let today = time::macros::date!(2026 - 06 - 30);
        let a = plan::plan(&mut rand::rngs::StdRng::seed_from_u64(7), today, 300).unwrap();
        let b = plan::plan(&mut rand::rngs::StdRng::seed_from_u64(7), today, 300).unwrap();
        let key = |p: &plan::PlannedReferral| (p.person.nhs_number.clone(), p.referred_on);
        assert_eq!(a.iter().map(key).collect::<Vec<_>>(), b.iter().map(key).collect::<Vec<_>>());
        for p in &a {
            assert!(p.referred_on <= today && p.referred_on > today - time::Duration::days(366));
            assert!(p.person.nhs_number.as_str().starts_with("999"));
            match &p.outcome {
                Outcome::Waiting => {}
                Outcome::Declined { on, .. } => assert!(*on >= p.referred_on && *on <= today),
                Outcome::Accepted(s) => {
                    assert!(s.accepted_on >= p.referred_on && s.accepted_on <= today);
                    let end = s.discharge.as_ref().map_or(today, |d| d.0);
                    assert!(end <= today);
                    for c in &s.contacts {
                        assert!(c.contact_on > p.referred_on && c.contact_on <= end, "contact {} outside {}..{end}", c.contact_on, p.referred_on);
                    }
                    for m in &s.measures {
                        assert!(m.taken_on > p.referred_on && m.taken_on <= end);
                    }
                    for o in &s.onward {
                        assert!(o.sent_on > p.referred_on && o.sent_on <= end);
                        for (_, _, on, _) in &o.changes {
                            assert!(*on >= o.sent_on && *on <= today);
                        }
                    }
                    if s.discharge.is_some() {
                        assert!(!s.contacts.is_empty());
                    }
                }
            }
        }
    }
}
