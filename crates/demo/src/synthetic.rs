//! A synthetic bundle (`docs/bundle.md`) of any size, for benchmarks and trials at national scale:
//! `linkwork generate bundle <folder> --referrals 100000`. Each block of [`PER_SERVICE`] referrals
//! is one social prescribing service (a PCN with its practices, sized so referrals are about 1% of
//! the list a year, and three link workers), planned by the same generator as the demo, so the
//! records are as realistic as the demo's. Written straight to CSV, streaming, one service at a
//! time: memory does not grow with the size asked for.

use crate::catalogue::{self, PRACTICES, VCSES};
use crate::plan::{self, Outcome};
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
    let mut written = 0usize;
    for s in 0..services {
        let pcn = format!("pcn-{s}");
        let count = PER_SERVICE.min(referrals - written);
        for (w, staff) in catalogue::LINK_WORKERS.iter().enumerate() {
            out.row("staff.csv", &[&format!("{pcn}-lw-{w}"), &pcn, staff.display_name, &format!("{}.{s}@synthetic.linkwork.test", staff.email_local), "link_worker", "1"])?;
        }
        let plans = plan::plan(&mut rng, today, count).map_err(|e| SyntheticError::Plan(e.to_string()))?;
        let mut people: BTreeMap<String, String> = BTreeMap::new();
        for (r, p) in plans.iter().enumerate() {
            let nhs = p.person.nhs_number.as_str().to_owned();
            let person = match people.get(&nhs) {
                Some(existing) => existing.clone(),
                None => {
                    let id = format!("{pcn}-p-{r}");
                    let d = &p.person;
                    out.row(
                        "people.csv",
                        &[&id, &pcn, &nhs, d.given_name.as_str(), d.family_name.as_str(), &d.date_of_birth.date().to_string(), d.sex.code(), d.ethnicity.code(), d.postcode.as_str(), &format!("{pcn}-prac-{}", p.practice), "", ""],
                    )?;
                    people.insert(nhs, id.clone());
                    activity(&mut out, &mut rng, &id, p.referred_on, today)?;
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

/// GP and hospital contacts of one person in the year before their referral and from it to
/// today: about 8 GP-practice contacts a year before and 6.5 after (people are referred when they
/// use services most), with the occasional A&E attendance or admission.
fn activity(out: &mut Out, rng: &mut rand::rngs::StdRng, person: &str, referred_on: Date, today: Date) -> Result<(), SyntheticError> {
    const TYPES: &[(&str, u32)] = &[("gp_surgery", 45), ("gp_phone", 30), ("practice_nurse", 15), ("gp_home_visit", 2), ("ae_not_admitted", 5), ("ae_admitted", 2), ("non_elective_admission", 1)];
    let mut seen: std::collections::HashMap<(Date, &str), u32> = std::collections::HashMap::new();
    for (from, to, per_year) in [(referred_on - time::Duration::days(365), referred_on - time::Duration::days(1), 8.0), (referred_on + time::Duration::days(1), today, 6.5)] {
        let days = (to - from).whole_days();
        if days <= 0 {
            continue;
        }
        let expected: f64 = per_year * days as f64 / 365.0 * rng.gen_range(0.3..1.7);
        for _ in 0..expected.round() as i64 {
            let on = from + time::Duration::days(rng.gen_range(0..=days));
            let total: u32 = TYPES.iter().map(|t| t.1).sum();
            let mut pick = rng.gen_range(0..total);
            let kind = TYPES.iter().find(|t| if pick < t.1 { true } else { pick -= t.1; false }).map_or("gp_surgery", |t| t.0);
            let occurrence = seen.entry((on, kind)).or_default();
            *occurrence += 1;
            let bed_days = if kind == "non_elective_admission" { rng.gen_range(1..8).to_string() } else { String::new() };
            out.row("health_activity.csv", &[person, &on.to_string(), kind, &bed_days, "synthetic extract", &occurrence.to_string()])?;
        }
    }
    Ok(())
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
