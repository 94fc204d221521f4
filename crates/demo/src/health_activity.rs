//! Demo health-system activity: GP and hospital contacts for the demo's referred people over the
//! two years before `today`, written through the store as an import would, so the report's
//! health-system section has something credible to show.
//!
//! Each person gets a usual rate of GP appointments (most 3–9 a year; about one in five a
//! frequent attender with 12–20), practice nurse contacts, and rare A&E attendances and emergency
//! admissions. After their referral date GP use falls a little (to about 85% of the usual rate,
//! varying from person to person, some rising) and A&E a little more; nurse contacts do not
//! change. Counts are Poisson draws month by month, so the data are noisy, not a neat step.
//!
//! The demo PCN also saves Linkwork's illustrative SROI model as its own (a real service gets no
//! SROI ratio until its manager enters one), so the report's SROI section has figures, each
//! labelled illustrative.

use anyhow::Result;
use linkwork_domain::evaluation::health_system::ContactType;
use linkwork_store::{AuditActor, NewHealthActivity, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashMap};
use time::{Date, Duration};

/// A Poisson draw (Knuth's method; the rates here are small).
fn poisson(rng: &mut StdRng, mean: f64) -> u32 {
    let limit = (-mean).exp();
    let mut k = 0;
    let mut p = 1.0;
    loop {
        p *= rng.gen::<f64>();
        if p <= limit || k > 50 {
            return k;
        }
        k += 1;
    }
}

pub(crate) async fn seed(store: &dyn Store, seed: u64, today: Date, pcn: &str) -> Result<usize> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x4845_414c_5448);
    // Each person's first referral date.
    let mut first: BTreeMap<String, Date> = BTreeMap::new();
    for entry in store.caseload(pcn, None, false).await? {
        let e = first
            .entry(entry.person_id.clone())
            .or_insert(entry.referred_on);
        *e = (*e).min(entry.referred_on);
    }
    let start = today - Duration::days(730);
    let mut rows = Vec::new();
    let mut occurrences: HashMap<(String, Date, ContactType, &str), u32> = HashMap::new();
    for (person, referred_on) in &first {
        let frequent = rng.gen_bool(0.2);
        let gp_year = if frequent {
            rng.gen_range(12.0..20.0)
        } else {
            rng.gen_range(3.0..9.0)
        };
        let nurse_year = rng.gen_range(1.0..4.0);
        let ae_year = if frequent {
            rng.gen_range(0.5..1.5)
        } else {
            rng.gen_range(0.1..0.6)
        };
        let admission_year = ae_year * 0.25;
        let gp_after = rng.gen_range(0.65..1.05);
        let ae_after = rng.gen_range(0.5..1.0);
        let mut month_start = start;
        while month_start < today {
            let after = month_start > *referred_on;
            let month = |year_rate: f64| year_rate / 12.0;
            let emit = |rng: &mut StdRng, t: ContactType, n: u32, source: &'static str| {
                let mut out = Vec::new();
                for _ in 0..n {
                    let on = (month_start + Duration::days(rng.gen_range(0..30))).min(today);
                    if on == *referred_on {
                        continue;
                    }
                    out.push((t, on, source));
                }
                out
            };
            let gp = poisson(
                &mut rng,
                month(gp_year * if after { gp_after } else { 1.0 }),
            );
            let mut made = Vec::new();
            for _ in 0..gp {
                let t = match rng.gen_range(0..10) {
                    0..=5 => ContactType::GpSurgery,
                    6..=8 => ContactType::GpPhone,
                    _ => ContactType::GpHomeVisit,
                };
                made.extend(emit(&mut rng, t, 1, "EMIS"));
            }
            let n = poisson(&mut rng, month(nurse_year));
            made.extend(emit(&mut rng, ContactType::PracticeNurse, n, "EMIS"));
            let n = poisson(&mut rng, month(1.0));
            made.extend(emit(&mut rng, ContactType::OtherPracticeContact, n, "EMIS"));
            let n = poisson(
                &mut rng,
                month(ae_year * if after { ae_after } else { 1.0 }),
            );
            made.extend(emit(&mut rng, ContactType::AeNotAdmitted, n, "SUS"));
            let admissions = poisson(
                &mut rng,
                month(admission_year * if after { ae_after } else { 1.0 }),
            );
            for _ in 0..admissions {
                for (_, on, source) in emit(&mut rng, ContactType::AeAdmitted, 1, "SUS") {
                    made.push((ContactType::AeAdmitted, on, source));
                    made.push((ContactType::NonElectiveAdmission, on, source));
                }
            }
            for (t, on, source) in made {
                let occurrence = occurrences
                    .entry((person.clone(), on, t, source))
                    .or_insert(0);
                *occurrence += 1;
                let bed_days =
                    (t == ContactType::NonElectiveAdmission).then(|| rng.gen_range(1..9));
                rows.push(NewHealthActivity {
                    person_id: person.clone(),
                    contact_on: on,
                    contact_type: t,
                    bed_days,
                    source: source.to_owned(),
                    occurrence: *occurrence,
                });
            }
            month_start += Duration::days(30);
        }
    }
    let who = AuditActor {
        org_id: Some(pcn.to_owned()),
        ..AuditActor::default()
    };
    let added = store.add_health_activity(&who, pcn, &rows).await?.added;
    let model = serde_json::to_string(&linkwork_domain::evaluation::sroi::SroiModel::illustrative())?;
    store.set_sroi_model(&who, pcn, &model).await?;
    Ok(added)
}
