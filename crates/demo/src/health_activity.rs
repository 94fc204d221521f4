//! Demo health-system activity: GP and hospital contacts for the demo's referred people over the
//! two years before `today`, written through the store as an import would, so the report's
//! health-system section has something credible to show.
//!
//! Each person gets a usual rate of GP appointments (most 3–9 a year; about one in five a
//! frequent attender with 12–20), practice nurse contacts, and rare A&E attendances and emergency
//! admissions. After their referral date GP use falls a little (to about 85% of the usual rate,
//! varying from person to person, some rising) and A&E a little more; nurse contacts do not
//! change. Counts are Poisson draws month by month, so the data are noisy, not a neat step.
//! People are referred when they struggle: in the three months before their referral their GP and
//! A&E use is 2.5–3 times their usual rate (a spell of high use, see `population`), so part of
//! the fall after the referral is that spell ending (regression to the mean).
//!
//! **The comparison group.** Each practice also has four registered patients who were not referred
//! per person referred from it (adults, age band, sex and area drawn as the referred people's), with
//! a random key as the GP system's keyed hash, and the same contact process over the two years:
//! the same usual rates, and for 15% of them one spell of high use at a random time. They are
//! written through [`linkwork_store::ComparisonStore::add_comparison_population`], so the report's
//! matched comparison has its data.
//!
//! The demo PCN also saves Linkwork's illustrative SROI model as its own (a real service gets no
//! SROI ratio until its manager enters one), so the report's SROI section has figures, each
//! labelled illustrative.

use anyhow::Result;
use crate::catalogue::PRACTICES;
use crate::population::{self, poisson};
use linkwork_domain::evaluation::health_system::ContactType;
use linkwork_store::{AuditActor, NewComparisonContact, NewComparisonPerson, NewHealthActivity, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashMap};
use time::{Date, Duration};

/// One person's usual rates a year.
struct Rates {
    gp: f64,
    nurse: f64,
    ae: f64,
    admission: f64,
}

impl Rates {
    /// Most people 3–9 GP appointments a year; one in five a frequent attender with 12–20.
    fn draw(rng: &mut StdRng) -> Self {
        let frequent = rng.gen_bool(0.2);
        let gp = if frequent { rng.gen_range(12.0..20.0) } else { rng.gen_range(3.0..9.0) };
        let nurse = rng.gen_range(1.0..4.0);
        let ae = if frequent { rng.gen_range(0.5..1.5) } else { rng.gen_range(0.1..0.6) };
        Self { gp, nurse, ae, admission: ae * 0.25 }
    }
}

/// The contacts of one 30-day month from `month_start` (none after `today`), GP use at `gp` and
/// A&E and admissions at `ae` times the usual rates: (type, day, source).
fn month(rng: &mut StdRng, rates: &Rates, gp: f64, ae: f64, month_start: Date, today: Date) -> Vec<(ContactType, Date, &'static str)> {
    let per_month = |year_rate: f64| year_rate / 12.0;
    let day = |rng: &mut StdRng| (month_start + Duration::days(rng.gen_range(0..30))).min(today);
    let mut made = Vec::new();
    for _ in 0..poisson(rng, per_month(rates.gp * gp)) {
        let t = match rng.gen_range(0..10) {
            0..=5 => ContactType::GpSurgery,
            6..=8 => ContactType::GpPhone,
            _ => ContactType::GpHomeVisit,
        };
        made.push((t, day(rng), "EMIS"));
    }
    for _ in 0..poisson(rng, per_month(rates.nurse)) {
        made.push((ContactType::PracticeNurse, day(rng), "EMIS"));
    }
    for _ in 0..poisson(rng, per_month(1.0)) {
        made.push((ContactType::OtherPracticeContact, day(rng), "EMIS"));
    }
    for _ in 0..poisson(rng, per_month(rates.ae * ae)) {
        made.push((ContactType::AeNotAdmitted, day(rng), "SUS"));
    }
    for _ in 0..poisson(rng, per_month(rates.admission * ae)) {
        let on = day(rng);
        made.push((ContactType::AeAdmitted, on, "SUS"));
        made.push((ContactType::NonElectiveAdmission, on, "SUS"));
    }
    made
}

pub(crate) async fn seed(store: &dyn Store, seed: u64, today: Date, pcn: &str, practices: &[String], practice_people: &[usize]) -> Result<usize> {
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
        let rates = Rates::draw(&mut rng);
        let gp_after = rng.gen_range(0.65..1.05);
        let ae_after = rng.gen_range(0.5..1.0);
        // Referred at the end of a spell of high use (the three months before the referral).
        let spell = population::spell_multiple(&mut rng);
        let spell_from = *referred_on - Duration::days(population::SPELL_DAYS);
        let mut month_start = start;
        while month_start < today {
            let after = month_start > *referred_on;
            let in_spell = month_start >= spell_from && month_start < *referred_on;
            let (gp, ae) = if after {
                (gp_after, ae_after)
            } else if in_spell {
                (spell, spell)
            } else {
                (1.0, 1.0)
            };
            for (t, on, source) in month(&mut rng, &rates, gp, ae, month_start, today) {
                if on == *referred_on {
                    continue;
                }
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
    comparison_group(store, &who, &mut rng, start, today, pcn, practices, practice_people).await?;
    let model = serde_json::to_string(&linkwork_domain::evaluation::sroi::SroiModel::illustrative())?;
    store.set_sroi_model(&who, pcn, &model).await?;
    Ok(added)
}

/// The comparison group of the demo PCN (see the module's documentation), written in one call.
#[allow(clippy::too_many_arguments)]
async fn comparison_group(store: &dyn Store, who: &AuditActor, rng: &mut StdRng, start: Date, today: Date, pcn: &str, practices: &[String], practice_people: &[usize]) -> Result<()> {
    let mut people = Vec::new();
    let mut contacts = Vec::new();
    for ((def, practice_id), referred) in PRACTICES.iter().zip(practices).zip(practice_people) {
        for _ in 0..referred * population::COMPARISON_PER_REFERRED {
            let key = format!("{:016x}", rng.gen::<u64>());
            let (age, sex) = population::age_and_sex(rng);
            // The demo's deprivation lookup knows every demo LSOA.
            let (lsoa, _) = population::lsoa(rng, def);
            let rates = Rates::draw(rng);
            let spell = population::random_spell(rng, start, today);
            let mut occurrences: HashMap<(Date, ContactType), u32> = HashMap::new();
            let mut month_start = start;
            while month_start < today {
                let m = match spell {
                    Some((from, to, m)) if month_start >= from && month_start < to => m,
                    _ => 1.0,
                };
                for (t, on, _) in month(rng, &rates, m, m, month_start, today) {
                    let occurrence = occurrences.entry((on, t)).or_insert(0);
                    *occurrence += 1;
                    let bed_days = (t == ContactType::NonElectiveAdmission).then(|| rng.gen_range(1..9));
                    contacts.push(NewComparisonContact { person_key: key.clone(), contact_on: on, contact_type: t, bed_days, occurrence: *occurrence });
                }
                month_start += Duration::days(30);
            }
            people.push(NewComparisonPerson { person_key: key, practice_id: practice_id.clone(), age, sex, lsoa: Some(lsoa) });
        }
    }
    store.add_comparison_population(who, pcn, &people, &contacts).await?;
    Ok(())
}
