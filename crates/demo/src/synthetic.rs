//! A synthetic bundle (`docs/bundle.md`) of any size, for benchmarks and trials at national scale:
//! `linkwork generate bundle <folder> --referrals 100000`. Each block of [`PER_SERVICE`] referrals
//! is one social prescribing service (a PCN with its practices, sized so referrals are about 1% of
//! the list a year, and three link workers), planned by the same generator as the demo, so the
//! records are as realistic as the demo's. Written straight to CSV, streaming, one service at a
//! time: memory does not grow with the size asked for.
//!
//! **Health-system use and the comparison group.** Each referred person's GP and hospital
//! contacts run from a year before their referral to today; each practice also has a comparison
//! group of registered patients who were not referred ([`population::COMPARISON_PER_REFERRED`],
//! 4, per referred person of the practice: adults, with age band, sex and area drawn as the
//! referred people's, so matching cells overlap), pseudonymised (a random 16-hex-digit key),
//! with contacts over the two years to today, in `comparison_people.csv` and
//! `comparison_activity.csv`. Both groups follow one contact process (see [`population`]): a
//! usual rate a year from a gamma distribution (shape 2; mean [`REFERRED_USUAL_PER_YEAR`] for
//! people referred, [`COMPARISON_USUAL_PER_YEAR`] for the others), Poisson counts per 30-day
//! block, and spells of high use (90 days at 2.5–3 times the usual rate) that end by themselves:
//! 15% of comparison people have one at a random time; every referred person is referred at the
//! end of one, and after it uses services at their usual rate times a true effect of 0.9. So
//! regression to the mean is in both groups, and a matched comparison recovers the true effect
//! where the naive before/after change overstates it. Contact types are drawn from one mix (GP
//! surgery 45, telephone 30, practice nurse 15, home visit 2, A&E 5, A&E admitted 2, emergency
//! admission 1, with 1–7 bed days). Referred people's `lsoa` and `imd_decile` are those of the
//! demo's postcode sectors, so the import loads the lookups and both groups have IMD quintiles.

use crate::catalogue::{self, PRACTICES, VCSES};
use crate::plan::{self, Outcome};
use crate::population::{self, BLOCK_DAYS, TRUE_EFFECT};
use linkwork_domain::interop::bundle::spec;
use linkwork_domain::interop::csv_safe::CsvWriter;
use linkwork_domain::interop::bundle::{FileEntry, Manifest, MANIFEST};
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use time::Date;

/// Referrals per synthetic service (a PCN of about 100,000 people referring 1% a year).
pub const PER_SERVICE: usize = 1_000;

/// Every cell escaped against spreadsheet formulas (`csv_safe`); the bundle import reverses it.
type Writer = CsvWriter<BufWriter<File>>;

/// Why a synthetic bundle could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SyntheticError {
    #[error("could not write the bundle: {0}")]
    Io(#[from] std::io::Error),
    #[error("could not write the bundle: {0}")]
    Csv(#[from] csv::Error),
    #[error("could not plan the records: {0}")]
    Plan(String),
}

/// Writes a bundle of `referrals` referrals (in services of [`PER_SERVICE`]) to `folder`, calling
/// `progress` with the referrals written so far. Returns the rows written per file.
pub fn write_bundle(folder: &Path, referrals: usize, seed: u64, today: Date, progress: &mut dyn FnMut(usize)) -> Result<BTreeMap<&'static str, u64>, SyntheticError> {
    std::fs::create_dir_all(folder)?;
    let mut writers: BTreeMap<&'static str, Writer> = BTreeMap::new();
    for f in spec::files() {
        let mut w = CsvWriter::new(BufWriter::with_capacity(1 << 16, File::create(folder.join(f.name))?));
        w.row(f.header())?;
        writers.insert(f.name, w);
    }
    let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut out = Out { writers: &mut writers, counts: &mut counts };

    // The shared parts: one ICB and the VCSE organisations with their services.
    out.row("organisations.csv", &["icb", "icb", "NHS Synthetic Integrated Care Board", "QSY", "", ""])?;
    for (v, vcse) in VCSES.iter().enumerate() {
        out.row("organisations.csv", &[&format!("vcse-{v}"), "vcse", vcse.name, "", "", ""])?;
    }
    let services = referrals.div_ceil(PER_SERVICE);
    for s in 0..services {
        let pcn = format!("pcn-{s}");
        out.row("organisations.csv", &[&pcn, "pcn", &format!("Synthetic PCN {}", s + 1), &format!("U9{s:04}"), "icb", ""])?;
        for (p, practice) in PRACTICES.iter().enumerate() {
            // About 100,000 people per PCN: the demo's practices, doubled.
            out.row("organisations.csv", &[&format!("{pcn}-prac-{p}"), "practice", &format!("{} ({})", practice.name, s + 1), &format!("S{s:04}{p}"), &pcn, &(practice.list_size * 2).to_string()])?;
        }
    }
    for (v, vcse) in VCSES.iter().enumerate() {
        for (i, service) in vcse.services.iter().enumerate() {
            let needs: Vec<&str> = service.needs.iter().map(|n| n.code()).collect();
            out.row("services.csv", &[&format!("svc-{v}-{i}"), &format!("vcse-{v}"), service.name, service.description, "active", vcse.postcode, &needs.join(";")])?;
        }
    }

    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    // Health-system use has its own stream, so its model can change without changing the records.
    let mut health = rand::rngs::StdRng::seed_from_u64(seed ^ 0x4845_414c_5448);
    let mut written = 0usize;
    for s in 0..services {
        let pcn = format!("pcn-{s}");
        let count = PER_SERVICE.min(referrals - written);
        for (w, staff) in catalogue::LINK_WORKERS.iter().enumerate() {
            out.row("staff.csv", &[&format!("{pcn}-lw-{w}"), &pcn, staff.display_name, &format!("{}.{s}@synthetic.linkwork.test", staff.email_local), "link_worker", "1"])?;
        }
        let plans = plan::plan(&mut rng, today, count).map_err(|e| SyntheticError::Plan(e.to_string()))?;
        let mut people: BTreeMap<String, String> = BTreeMap::new();
        let mut practice_people = vec![0usize; PRACTICES.len()];
        for (r, p) in plans.iter().enumerate() {
            let nhs = p.person.nhs_number.as_str().to_owned();
            let person = match people.get(&nhs) {
                Some(existing) => existing.clone(),
                None => {
                    let id = format!("{pcn}-p-{r}");
                    let d = &p.person;
                    let (lsoa, decile) = population::lsoa_of_postcode(d.postcode.as_str()).map_or((String::new(), String::new()), |(l, d)| (l, d.get().to_string()));
                    out.row(
                        "people.csv",
                        &[&id, &pcn, &nhs, d.given_name.as_str(), d.family_name.as_str(), &d.date_of_birth.date().to_string(), d.sex.code(), d.ethnicity.code(), d.postcode.as_str(), &format!("{pcn}-prac-{}", p.practice), &lsoa, &decile],
                    )?;
                    people.insert(nhs, id.clone());
                    practice_people[p.practice] += 1;
                    referred_activity(&mut out, &mut health, &id, p.referred_on, today)?;
                    id
                }
            };
            let referral = format!("{pcn}-r-{r}");
            let worker = format!("{pcn}-lw-{}", p.worker);
            let (status, accepted, declined, decline_reason, discharged, discharge_reason, summary) = match &p.outcome {
                Outcome::Waiting => ("received", String::new(), String::new(), "", String::new(), "", String::new()),
                Outcome::Declined { on, reason } => ("declined", String::new(), on.to_string(), reason.code(), String::new(), "", String::new()),
                Outcome::Accepted(support) => match &support.discharge {
                    Some((on, reason, text)) => ("discharged", support.accepted_on.to_string(), String::new(), "", on.to_string(), reason.code(), text.clone()),
                    None => ("accepted", support.accepted_on.to_string(), String::new(), "", String::new(), "", String::new()),
                },
            };
            out.row(
                "referrals.csv",
                &[
                    &referral,
                    &person,
                    &format!("{pcn}-prac-{}", p.practice),
                    p.source.code(),
                    &p.referrer_name,
                    p.reason.as_str(),
                    &p.referred_on.to_string(),
                    status,
                    &worker,
                    &accepted,
                    &declined,
                    decline_reason,
                    &discharged,
                    discharge_reason,
                    &summary,
                ],
            )?;
            for need in &p.needs {
                out.row("referral_needs.csv", &[&referral, need.code(), "referral"])?;
            }
            let Outcome::Accepted(support) = &p.outcome else { continue };
            if support.discharge.is_some() {
                for need in &p.needs {
                    let resolution = match rng.gen_range(0..100) {
                        0..=44 => "resolved",
                        45..=74 => "partly",
                        75..=89 => "not_resolved",
                        _ => "not_worked_on",
                    };
                    out.row("need_resolutions.csv", &[&referral, need.code(), resolution])?;
                }
            }
            if let Some(c) = &support.conversation {
                let conversation = format!("{referral}-c");
                out.row("conversations.csv", &[&conversation, &referral, &c.held_on.to_string(), c.what_matters.as_str(), &worker])?;
                for need in c.needs.iter().filter(|n| !p.needs.contains(n)) {
                    out.row("referral_needs.csv", &[&referral, need.code(), "conversation"])?;
                }
                for (g, goal) in c.goals.iter().enumerate() {
                    let review = goal.review_on.map(|d| d.to_string()).unwrap_or_default();
                    out.row("goals.csv", &[&format!("{referral}-g-{g}"), &referral, goal.description.as_str(), "in_progress", &c.held_on.to_string(), &review])?;
                }
            }
            for (k, c) in support.contacts.iter().enumerate() {
                out.row(
                    "contacts.csv",
                    &[&format!("{referral}-k-{k}"), &referral, &c.contact_on.to_string(), c.mode.code(), &c.minutes.get().to_string(), if c.accompanied { "true" } else { "false" }, &worker, c.notes.as_deref().unwrap_or("")],
                )?;
            }
            for (m, measure) in support.measures.iter().enumerate() {
                let answers: Vec<String> = measure.answers.answers().iter().map(|a| a.to_string()).collect();
                out.row("measures.csv", &[&format!("{referral}-m-{m}"), &referral, measure.answers.instrument().code(), measure.timepoint.code(), &measure.taken_on.to_string(), &answers.join(";")])?;
            }
            for (o, onward) in support.onward.iter().enumerate() {
                let id = format!("{referral}-o-{o}");
                let (status, reason) = onward.changes.last().map_or(("sent", ""), |(_, to, _, reason)| (to.code(), reason.map_or("", |r| r.code())));
                let service = format!("svc-{}-{}", onward.service.0, onward.service.1);
                out.row("onward_referrals.csv", &[&id, &referral, &service, &onward.sent_on.to_string(), status, reason, onward.note.as_deref().unwrap_or("")])?;
                out.row("onward_events.csv", &[&id, "", "sent", &onward.sent_on.to_string(), ""])?;
                for (from, to, on, reason) in &onward.changes {
                    out.row("onward_events.csv", &[&id, from.code(), to.code(), &on.to_string(), reason.map_or("", |r| r.code())])?;
                }
            }
        }
        comparison_group(&mut out, &mut health, &pcn, &practice_people, today)?;
        written += count;
        progress(written);
    }
    for (_, mut w) in writers {
        w.flush()?;
    }
    let mut manifest = Manifest::new(format!("synthetic:{seed}:{referrals}"), false);
    for (name, rows) in &counts {
        manifest.files.insert((*name).to_owned(), FileEntry { rows: *rows });
    }
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| SyntheticError::Plan(e.to_string()))?;
    std::fs::write(folder.join(MANIFEST), json + "\n")?;
    Ok(counts)
}

/// The mean usual rate of contacts a year of people referred (before their spell: about 8 a year
/// in the year before referral with it, as the service's own records suggest).
pub const REFERRED_USUAL_PER_YEAR: f64 = 5.6;
/// The mean usual rate of contacts a year of registered patients not referred.
pub const COMPARISON_USUAL_PER_YEAR: f64 = 5.0;

/// The contact types and their weights (of 100).
const TYPES: &[(&str, u32)] = &[("gp_surgery", 45), ("gp_phone", 30), ("practice_nurse", 15), ("gp_home_visit", 2), ("ae_not_admitted", 5), ("ae_admitted", 2), ("non_elective_admission", 1)];

/// GP and hospital contacts of one referred person, from a year before their referral to today
/// (none on the referral day): their usual rate, the spell they are referred at the end of, then
/// the usual rate times [`TRUE_EFFECT`] (see [`population`]).
fn referred_activity(out: &mut Out, rng: &mut rand::rngs::StdRng, person: &str, referred_on: Date, today: Date) -> Result<(), SyntheticError> {
    let usual = population::gamma2(rng, REFERRED_USUAL_PER_YEAR);
    let (spell_from, spell_to, spell) = population::referral_spell(rng, referred_on);
    let rate = |on: Date| {
        if on >= spell_from && on < spell_to {
            usual * spell
        } else if on > referred_on {
            usual * TRUE_EFFECT
        } else {
            usual
        }
    };
    let mut contacts = Contacts::default();
    let day = time::Duration::days(1);
    for (from, to, anchor) in [(referred_on - time::Duration::days(365), referred_on - day, referred_on), (referred_on + day, today, referred_on + day)] {
        for (start, days) in population::blocks(from, to, anchor) {
            contacts.block(out, rng, "health_activity.csv", person, start, days, rate(start))?;
        }
    }
    Ok(())
}

/// The comparison group of one service: for each practice, [`population::COMPARISON_PER_REFERRED`]
/// registered patients per person referred from it, with their contacts over the two years to today.
fn comparison_group(out: &mut Out, rng: &mut rand::rngs::StdRng, pcn: &str, practice_people: &[usize], today: Date) -> Result<(), SyntheticError> {
    let from = today - time::Duration::days(2 * 365);
    for (p, referred) in practice_people.iter().enumerate() {
        let practice = format!("{pcn}-prac-{p}");
        for _ in 0..referred * population::COMPARISON_PER_REFERRED {
            let key = format!("{:016x}", rng.gen::<u64>());
            let (age, sex) = population::age_and_sex(rng);
            let (lsoa, decile) = population::lsoa(rng, &PRACTICES[p]);
            out.row("comparison_people.csv", &[&key, pcn, &practice, age.code(), sex.code(), &lsoa, &decile.get().to_string()])?;
            let usual = population::gamma2(rng, COMPARISON_USUAL_PER_YEAR);
            let spell = population::random_spell(rng, from, today);
            let mut contacts = Contacts::default();
            for (start, days) in population::blocks(from, today, from) {
                let rate = match spell {
                    Some((s, e, m)) if start >= s && start < e => usual * m,
                    _ => usual,
                };
                contacts.block(out, rng, "comparison_activity.csv", &key, start, days, rate)?;
            }
        }
    }
    Ok(())
}

/// One person's contacts as they are drawn, numbering identical ones (`occurrence`).
#[derive(Default)]
struct Contacts {
    seen: Vec<(Date, &'static str, u32)>,
}

impl Contacts {
    /// Draws and writes the contacts of one block of `days` days from `start`, at `per_year`.
    #[allow(clippy::too_many_arguments)]
    fn block(&mut self, out: &mut Out, rng: &mut rand::rngs::StdRng, file: &'static str, person: &str, start: Date, days: i64, per_year: f64) -> Result<(), SyntheticError> {
        debug_assert!(days <= BLOCK_DAYS);
        let total: u32 = TYPES.iter().map(|t| t.1).sum();
        for _ in 0..population::poisson(rng, per_year * days as f64 / 365.0) {
            let on = start + time::Duration::days(rng.gen_range(0..days));
            let mut pick = rng.gen_range(0..total);
            let kind = TYPES.iter().find(|t| if pick < t.1 { true } else { pick -= t.1; false }).map_or("gp_surgery", |t| t.0);
            let occurrence = match self.seen.iter_mut().find(|(d, k, _)| *d == on && *k == kind) {
                Some((_, _, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    self.seen.push((on, kind, 1));
                    1
                }
            };
            let bed_days = if kind == "non_elective_admission" { rng.gen_range(1..8).to_string() } else { String::new() };
            let (on, occurrence) = (on.to_string(), occurrence.to_string());
            if file == "health_activity.csv" {
                out.row(file, &[person, &on, kind, &bed_days, "synthetic extract", &occurrence])?;
            } else {
                out.row(file, &[person, &on, kind, &bed_days, &occurrence])?;
            }
        }
        Ok(())
    }
}

struct Out<'a> {
    writers: &'a mut BTreeMap<&'static str, Writer>,
    counts: &'a mut BTreeMap<&'static str, u64>,
}

impl Out<'_> {
    /// Writes one row; optional columns after `values` (such as `measures.csv`'s `scores`, which
    /// Linkwork's own records never need) are written empty, so every row has the header's width.
    fn row(&mut self, file: &'static str, values: &[&str]) -> Result<(), SyntheticError> {
        if let Some(w) = self.writers.get_mut(file) {
            let width = linkwork_domain::interop::bundle::spec::file(file).map_or(values.len(), |f| f.columns.len());
            w.row(values.iter().copied().chain(std::iter::repeat_n("", width.saturating_sub(values.len()))))?;
            *self.counts.entry(file).or_default() += 1;
        }
        Ok(())
    }
}
