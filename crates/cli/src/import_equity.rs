//! `linkwork import postcodes | imd | list-profile`: the reference data behind the equity section
//! of the evaluation (docs/import-reference-data.md).
//!
//! The NSPL is about 2.6 million rows (1 GB), so files are streamed: read a row at a time,
//! written in batches of [`BATCH`] rows, each batch in its own transaction. Every write is an
//! upsert, so an import that stops part-way is finished by running it again. A file that is not
//! the expected layout is refused before anything is written, naming the missing columns.

use crate::commands::DatabaseArgs;
use anyhow::{bail, Context};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use linkwork_domain::evaluation::equity::{AgeBand, Dimension, Group, ImdDecile, ImdLayout, ListCount, NsplLayout, NsplRow};
use linkwork_domain::person::Sex;
use crate::detail::Detailed;
use linkwork_app::equity_import;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Rows per transaction: large enough to amortise the commit, small enough to show progress.
const BATCH: usize = 5_000;

#[derive(Args)]
pub struct ReferenceArgs {
    /// The CSV file, with its header row, as published.
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

fn progress_for(path: &Path, message: &'static str) -> anyhow::Result<(std::fs::File, ProgressBar)> {
    let file = std::fs::File::open(path).with_context(|| format!("could not read {}", path.display()))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    // Drawn on standard error, and only when it is a terminal.
    let bar = ProgressBar::new(len).with_message(message);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({elapsed}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    Ok((file, bar))
}

fn csv_reader<R: std::io::Read>(read: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().flexible(true).from_reader(read)
}

fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map(|p| p.line()).unwrap_or(0)
}

async fn open(db: &DatabaseArgs) -> anyhow::Result<std::sync::Arc<dyn linkwork_app::store::Store>> {
    crate::commands::open(&db.database).await
}

fn rate(rows: u64, seconds: f64) -> String {
    if seconds > 0.0 {
        format!("{:.0} rows a second", rows as f64 / seconds)
    } else {
        String::new()
    }
}

/// `linkwork import postcodes NSPL.csv`
pub async fn postcodes(args: ReferenceArgs) -> anyhow::Result<()> {
    let (file, bar) = progress_for(&args.file, "Importing postcodes")?;
    let mut reader = csv_reader(bar.wrap_read(file));
    let header = reader.headers().with_context(|| format!("could not read the header row of {}", args.file.display()))?.clone();
    let layout = NsplLayout::from_header(header.iter()).map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let store = open(&args.db).await?;
    let started = Instant::now();
    let (mut written, mut skipped) = (0u64, 0u64);
    let mut batch = Vec::with_capacity(BATCH);
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .with_context(|| format!("{} is not a readable CSV file after {written} rows", args.file.display()))?;
        if more {
            match layout.row(|i| record.get(i)) {
                NsplRow::Lookup(row) => batch.push(row),
                NsplRow::Skipped => skipped += 1,
            }
        }
        if batch.len() >= BATCH || (!more && !batch.is_empty()) {
            let result = equity_import::upsert_postcodes(&*store, &batch).await.detailed();
            written += result.with_context(|| {
                format!(
                    "the database refused the batch ending at line {}; the {written} rows before it are saved, so run the import again to finish",
                    line_of(&record)
                )
            })?;
            batch.clear();
        }
        if !more {
            break;
        }
    }
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Imported {written} postcodes in {seconds:.1} s ({}); skipped {skipped} rows without an LSOA or a usable postcode.",
        rate(written + skipped, seconds)
    );
    if written == 0 {
        bail!("no postcode in {} had an LSOA (column lsoa11)", args.file.display());
    }
    Ok(())
}

/// `linkwork import imd File_7.csv`
pub async fn imd(args: ReferenceArgs) -> anyhow::Result<()> {
    let (file, bar) = progress_for(&args.file, "Importing deprivation")?;
    let mut reader = csv_reader(bar.wrap_read(file));
    let header = reader.headers().with_context(|| format!("could not read the header row of {}", args.file.display()))?.clone();
    let layout = ImdLayout::from_header(header.iter()).map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    // File 7 is small (32,844 rows): check every row first, so a bad file writes nothing.
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("{} is not a readable CSV file", args.file.display()))?;
        rows.push(layout.row(line_of(&record), |i| record.get(i)).map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?);
    }
    bar.finish_and_clear();
    if rows.is_empty() {
        bail!("{} has a header row but no LSOAs", args.file.display());
    }
    let store = open(&args.db).await?;
    let written = equity_import::upsert_deprivation(&*store, &rows).await.detailed().context("the database refused the import, so nothing was imported")?;
    println!("Imported the IMD 2019 decile of {written} LSOAs.");
    Ok(())
}

/// The three list-profile layouts, told apart by their header rows.
enum ListLayout {
    /// `practice,dimension,group,count` (ours).
    Simple { practice: usize, dimension: usize, group: usize, count: usize },
    /// NHS Digital "Patients registered at a GP practice", single year of age.
    SingleYearOfAge { practice: usize, sex: usize, age: usize, count: usize },
    /// NHS Digital "Patients registered at a GP practice", by LSOA.
    Lsoa { practice: usize, lsoa: usize, count: usize },
}

fn column(header: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| header.iter().position(|h| h == n))
}

impl ListLayout {
    fn from_header(header: &csv::StringRecord) -> anyhow::Result<Self> {
        let h: Vec<String> = header.iter().map(|c| c.trim_start_matches('\u{feff}').trim().to_ascii_lowercase()).collect();
        let count = column(&h, &["count", "people", "number_of_patients"]);
        if let (Some(practice), Some(dimension), Some(group), Some(count)) = (column(&h, &["practice"]), column(&h, &["dimension"]), column(&h, &["group"]), count) {
            return Ok(Self::Simple { practice, dimension, group, count });
        }
        if let (Some(practice), Some(lsoa), Some(count)) = (column(&h, &["practice_code", "org_code", "code"]), column(&h, &["lsoa_code", "lsoa_code_2011"]), count) {
            return Ok(Self::Lsoa { practice, lsoa, count });
        }
        if let (Some(practice), Some(sex), Some(age), Some(count)) = (column(&h, &["org_code", "code", "practice_code"]), column(&h, &["sex"]), column(&h, &["age"]), count) {
            return Ok(Self::SingleYearOfAge { practice, sex, age, count });
        }
        bail!(
            "this is not a list profile: the header row needs practice, dimension, group and count (or NHS Digital's ORG_CODE, SEX, AGE, NUMBER_OF_PATIENTS, or PRACTICE_CODE, LSOA_CODE, NUMBER_OF_PATIENTS)"
        )
    }
}

/// `linkwork import list-profile profile.csv`
pub async fn list_profile(args: ReferenceArgs) -> anyhow::Result<()> {
    let store = open(&args.db).await?;
    let file = std::fs::File::open(&args.file).with_context(|| format!("could not read {}", args.file.display()))?;
    let mut reader = csv_reader(std::io::BufReader::new(file));
    let header = reader.headers().with_context(|| format!("could not read the header row of {}", args.file.display()))?.clone();
    let layout = ListLayout::from_header(&header).with_context(|| args.file.display().to_string())?;
    let deciles: HashMap<String, ImdDecile> = match layout {
        ListLayout::Lsoa { .. } => equity_import::lsoa_deciles(&*store).await.detailed()?.into_iter().collect(),
        _ => HashMap::new(),
    };
    if matches!(layout, ListLayout::Lsoa { .. }) && deciles.is_empty() {
        bail!("a list by LSOA needs the deprivation lookup: run `linkwork import imd` with File 7 first");
    }
    // (practice code as written, group) → people; practices resolved afterwards.
    let mut counts: BTreeMap<(String, Group), u64> = BTreeMap::new();
    // Single year of age: rows for SEX = ALL, kept apart so they are not counted twice.
    let mut all_sexes: BTreeMap<(String, Group), u64> = BTreeMap::new();
    let mut no_decile = 0u64;
    for record in reader.records() {
        let record = record.with_context(|| format!("{} is not a readable CSV file", args.file.display()))?;
        let line = line_of(&record);
        let cell = |i: usize| record.get(i).unwrap_or_default().trim();
        let bad = |what: String| anyhow::anyhow!("{} line {line}: {what}", args.file.display());
        // Checked before anything is written: NUL cannot be stored by PostgreSQL (SQLite would).
        if let Some((i, c)) = record.iter().enumerate().find_map(|(i, v)| linkwork_domain::forbidden_character(v, linkwork_domain::Lines::One).map(|c| (i, c))) {
            return Err(bad(linkwork_domain::forbidden_character_message(&format!("the value in column {}", i + 1), c)));
        }
        let number = |i: usize| cell(i).replace(',', "").parse::<u64>().map_err(|_| bad(format!("the count must be a whole number, not {:?}", cell(i))));
        match layout {
            ListLayout::Simple { practice, dimension, group, count } => {
                let dimension = Dimension::parse(cell(dimension)).map_err(|_| bad(format!("the dimension must be age_band, sex, ethnicity or imd_quintile, not {:?}", cell(dimension))))?;
                let group = Group::parse(dimension, cell(group)).map_err(|e| bad(e.to_string()))?;
                *counts.entry((cell(practice).to_owned(), group)).or_default() += number(count)?;
            }
            ListLayout::SingleYearOfAge { practice, sex, age, count } => {
                let age_text = cell(age).to_ascii_uppercase();
                let age = match age_text.as_str() {
                    "ALL" => continue,
                    "95+" => 95,
                    a => a.parse::<i32>().map_err(|_| bad(format!("AGE must be a whole number, 95+ or ALL, not {a:?}")))?,
                };
                let n = number(count)?;
                let code = cell(practice).to_owned();
                match cell(sex).to_ascii_uppercase().as_str() {
                    "ALL" => *all_sexes.entry((code, Group::Age(AgeBand::of_age(age)))).or_default() += n,
                    s => {
                        let sex = match s {
                            "MALE" | "M" => Sex::Male,
                            "FEMALE" | "F" => Sex::Female,
                            other => return Err(bad(format!("SEX must be MALE, FEMALE or ALL, not {other:?}"))),
                        };
                        *counts.entry((code.clone(), Group::Sex(sex))).or_default() += n;
                        *counts.entry((code, Group::Age(AgeBand::of_age(age)))).or_default() += n;
                    }
                }
            }
            ListLayout::Lsoa { practice, lsoa, count } => {
                let n = number(count)?;
                match deciles.get(cell(lsoa)) {
                    Some(d) => *counts.entry((cell(practice).to_owned(), Group::Imd(d.quintile()))).or_default() += n,
                    None => no_decile += n,
                }
            }
        }
    }
    if !all_sexes.is_empty() {
        // The file has SEX = ALL rows: they are the age bands; the male and female rows give sex only.
        counts.retain(|(_, g), _| !matches!(g, Group::Age(_)));
        counts.extend(all_sexes);
    }
    // Resolve practices by id, ODS code or name; national files list every practice in England,
    // so ones not in this database are skipped and counted.
    let mut practices: HashMap<String, Option<String>> = HashMap::new();
    let mut rows = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for ((code, group), people) in counts {
        if !practices.contains_key(&code) {
            let found = equity_import::practice_id(&*store, &code).await.detailed()?;
            if found.is_none() {
                unknown.push(code.clone());
            }
            practices.insert(code.clone(), found);
        }
        if let Some(Some(practice_id)) = practices.get(&code) {
            rows.push(ListCount {
                practice_id: practice_id.clone(),
                group,
                people,
            });
        }
    }
    if rows.is_empty() {
        bail!(
            "none of the {} practices in {} is in this database (practices are matched by ODS code, id or exact name)",
            unknown.len(),
            args.file.display()
        );
    }
    let written = equity_import::set_list_profile(&*store, &rows).await.detailed().context("the database refused the import, so nothing was imported")?;
    let matched = practices.values().filter(|p| p.is_some()).count();
    println!("Imported {written} list-profile counts for {matched} practice{}.", if matched == 1 { "" } else { "s" });
    if !unknown.is_empty() {
        println!("Skipped {} practice code{} not in this database.", unknown.len(), if unknown.len() == 1 { "" } else { "s" });
    }
    if no_decile > 0 {
        println!("{no_decile} registered people live in LSOAs without an English IMD decile (e.g. in Wales) and are left out of the IMD quintiles.");
    }
    Ok(())
}
