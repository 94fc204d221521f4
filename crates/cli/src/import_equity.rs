//! `linkwork import postcodes | imd | list-profile`: the reference data behind the equity section
//! of the evaluation (docs/import-reference-data.md).
//!
//! Every file is checked whole before anything is written: a line that cannot be read, a value
//! that is not what its column holds, or a row that repeats another's key is listed with its line
//! number, and then nothing is imported. Files are read a line at a time ([`crate::csv_lines`]),
//! so one bad line never hides the lines after it. The NSPL is about 2.6 million rows (1 GB), so
//! it is read twice rather than held: checked, then written in batches of [`BATCH`] rows, each
//! batch in its own transaction. Every write is an upsert, so an import that stops part-way is
//! finished by running it again. A file that is not the expected layout is refused before
//! anything is written, naming the missing columns.

use crate::commands::DatabaseArgs;
use crate::csv_lines::{CsvLines, Line, Record};
use anyhow::{bail, Context};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use linkwork_domain::evaluation::equity::{is_area_code, AgeBand, Dimension, Group, ImdDecile, ImdLayout, ListCount, NsplLayout, NsplRow};
use linkwork_domain::person::Sex;
use crate::detail::Detailed;
use linkwork_app::equity_import;
use std::collections::{hash_map, BTreeMap, HashMap};
use std::io::BufReader;
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

/// The problems found in one import's files, each naming its file and line.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    /// How many are listed in full; the rest are counted.
    const SHOWN: usize = 20;

    fn add(&mut self, file: &str, line: u64, why: impl std::fmt::Display) {
        self.0.push(format!("{file} line {line}: {why}"));
    }

    /// Fails with every problem (the first [`Self::SHOWN`] in full) when there is any.
    fn refuse_if_any(self) -> anyhow::Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let mut message = format!("{} {} cannot be imported, so nothing was imported:", self.0.len(), if self.0.len() == 1 { "row" } else { "rows" });
        for problem in self.0.iter().take(Self::SHOWN) {
            message.push_str("\n  ");
            message.push_str(problem);
        }
        if self.0.len() > Self::SHOWN {
            message.push_str(&format!("\n  and {} more", self.0.len() - Self::SHOWN));
        }
        bail!("{message}\nCorrect the file and import it again.")
    }
}

/// Opens `path` as CSV lines with its header row, the progress bar following the reading.
fn csv_lines(path: &Path, message: &'static str) -> anyhow::Result<(Record, CsvLines<BufReader<indicatif::ProgressBarIter<std::fs::File>>>, ProgressBar)> {
    let (file, bar) = progress_for(path, message)?;
    let (header, lines) = CsvLines::open(BufReader::new(bar.wrap_read(file))).with_context(|| path.display().to_string())?;
    Ok((header, lines, bar))
}

/// Where `key` was seen first, or `None` when this is the first time (and `here` is kept for it).
fn seen_before<K: std::hash::Hash + Eq, V: Clone>(first: &mut HashMap<K, V>, key: K, here: V) -> Option<V> {
    match first.entry(key) {
        hash_map::Entry::Occupied(seen) => Some(seen.get().clone()),
        hash_map::Entry::Vacant(slot) => {
            slot.insert(here);
            None
        }
    }
}

/// A postcode as a number, for finding repeats among millions without holding their text: a
/// normalised postcode is at most eight ASCII characters (`EC1A 1BB`).
fn postcode_key(postcode: &linkwork_domain::Postcode) -> u64 {
    let mut key = [0u8; 8];
    for (slot, byte) in key.iter_mut().zip(postcode.as_str().bytes()) {
        *slot = byte;
    }
    u64::from_le_bytes(key)
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
    let name = args.file.display().to_string();
    // First the whole file is checked, holding only each postcode's first line.
    let (header, lines, bar) = csv_lines(&args.file, "Checking postcodes")?;
    let layout = NsplLayout::from_header(header.iter()).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let mut problems = Problems::default();
    let mut first_line: HashMap<u64, u64> = HashMap::new();
    for line in lines {
        match line {
            Line::Unreadable { line, why } => problems.add(&name, line, why),
            Line::Record { line, record } => match layout.row(|i| record.get(i)) {
                NsplRow::Lookup(row) => {
                    if let Some(first) = seen_before(&mut first_line, postcode_key(&row.postcode), line) {
                        problems.add(&name, line, format!("the postcode {} is also on line {first}", row.postcode));
                    }
                }
                NsplRow::Skipped => {}
                NsplRow::Refused(why) => problems.add(&name, line, why),
            },
        }
    }
    bar.finish_and_clear();
    drop(first_line);
    problems.refuse_if_any()?;

    let store = open(&args.db).await?;
    let (_, lines, bar) = csv_lines(&args.file, "Importing postcodes")?;
    let started = Instant::now();
    let (mut written, mut skipped) = (0u64, 0u64);
    let mut batch = Vec::with_capacity(BATCH);
    let mut lines = lines.peekable();
    while let Some(line) = lines.next() {
        let Line::Record { line, record } = line else { bail!("{name} changed while it was being imported: run the import again") };
        match layout.row(|i| record.get(i)) {
            NsplRow::Lookup(row) => batch.push(row),
            NsplRow::Skipped => skipped += 1,
            NsplRow::Refused(_) => bail!("{name} changed while it was being imported: run the import again"),
        }
        if batch.len() >= BATCH || (lines.peek().is_none() && !batch.is_empty()) {
            let result = equity_import::upsert_postcodes(&*store, &batch).await.detailed();
            written += result.with_context(|| {
                format!("the database refused the batch ending at line {line}; the {written} rows before it are saved, so run the import again to finish")
            })?;
            batch.clear();
        }
    }
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Imported {written} postcodes in {seconds:.1} s ({}); skipped {skipped} rows without an LSOA or a usable postcode.",
        rate(written + skipped, seconds)
    );
    if written == 0 {
        bail!("no postcode in {name} had an LSOA (column lsoa11)");
    }
    Ok(())
}

/// `linkwork import imd File_7.csv`
pub async fn imd(args: ReferenceArgs) -> anyhow::Result<()> {
    let name = args.file.display().to_string();
    let (header, lines, bar) = csv_lines(&args.file, "Importing deprivation")?;
    let layout = ImdLayout::from_header(header.iter()).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    // File 7 is small (32,844 rows): every row is checked first, so a bad file writes nothing.
    let mut rows = Vec::new();
    let mut problems = Problems::default();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for line in lines {
        match line {
            Line::Unreadable { line, why } => problems.add(&name, line, why),
            Line::Record { line, record } => match layout.row(line, |i| record.get(i)) {
                Err(e) => {
                    // The domain's message names the line itself.
                    let e = e.to_string();
                    problems.add(&name, line, e.strip_prefix(&format!("Line {line}: ")).unwrap_or(&e));
                }
                Ok(row) => match seen_before(&mut first_line, row.lsoa.clone(), line) {
                    Some(first) => problems.add(&name, line, format!("the LSOA {} is also on line {first}", row.lsoa)),
                    None => rows.push(row),
                },
            },
        }
    }
    bar.finish_and_clear();
    problems.refuse_if_any()?;
    if rows.is_empty() {
        bail!("{name} has a header row but no LSOAs");
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
    fn from_header(header: &Record) -> anyhow::Result<Self> {
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

#[derive(Args)]
pub struct ListProfileArgs {
    /// The CSV files, each with its header row, as published: NHS Digital's single-year-of-age
    /// lists come as separate male and female files (and an all-persons one), given together.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// Whom a row of NHS Digital's single-year-of-age list counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ListSex {
    All,
    Male,
    Female,
}

impl ListSex {
    /// As the files write it.
    fn code(self) -> &'static str {
        match self {
            ListSex::All => "ALL",
            ListSex::Male => "MALE",
            ListSex::Female => "FEMALE",
        }
    }
}

/// What one practice's single-year-of-age rows say, across the files given.
#[derive(Default)]
struct SingleAges {
    /// (sex, age in years, 95 for 95+) → people.
    rows: BTreeMap<(ListSex, i32), u64>,
    /// The `AGE = ALL` totals, per sex.
    totals: BTreeMap<ListSex, u64>,
    /// Where the practice's first row is, for the messages.
    place: String,
}

impl SingleAges {
    fn sum(&self, sex: ListSex) -> u64 {
        self.rows.iter().filter(|((s, _), _)| *s == sex).map(|(_, n)| n).sum()
    }
    fn has(&self, sex: ListSex) -> bool {
        self.rows.keys().any(|(s, _)| *s == sex)
    }

    /// The practice's age bands and sexes, or why its rows do not add up. The sexes come only
    /// when both are present (otherwise a female-only file would make the practice all female);
    /// the age bands come from the all-persons rows, else from male and female together.
    fn counts(&self, code: &str) -> Result<Vec<(Group, u64)>, String> {
        for (sex, total) in &self.totals {
            if self.has(*sex) && self.sum(*sex) != *total {
                return Err(format!("practice {code}: the {} rows by age add up to {} but its AGE ALL row says {total} ({})", sex.code(), self.sum(*sex), self.place));
            }
        }
        let (male, female, all) = (self.has(ListSex::Male), self.has(ListSex::Female), self.has(ListSex::All));
        if male != female {
            let (has, lacks) = if male { ("MALE", "FEMALE") } else { ("FEMALE", "MALE") };
            return Err(format!(
                "practice {code} has {has} rows but no {lacks} rows ({}): NHS Digital publishes each sex in its own file, so give the male and female files to one import, e.g. `linkwork import list-profile all.csv male.csv female.csv`",
                self.place
            ));
        }
        // The all-persons rows by age, or (as the all-persons file may hold) only the total.
        let all_persons = if all { Some(self.sum(ListSex::All)) } else { self.totals.get(&ListSex::All).copied() };
        let both = self.sum(ListSex::Male) + self.sum(ListSex::Female);
        if let (Some(total), true) = (all_persons, male) {
            if total != both {
                return Err(format!("practice {code}: its all-persons total is {total} but the male and female rows count {both} ({})", self.place));
            }
        }
        let mut counts: BTreeMap<Group, u64> = BTreeMap::new();
        for ((sex, age), n) in &self.rows {
            if *sex == ListSex::All || !all {
                *counts.entry(Group::Age(AgeBand::of_age(*age))).or_default() += n;
            }
            match sex {
                ListSex::Male => *counts.entry(Group::Sex(Sex::Male)).or_default() += n,
                ListSex::Female => *counts.entry(Group::Sex(Sex::Female)).or_default() += n,
                ListSex::All => {}
            }
        }
        Ok(counts.into_iter().collect())
    }
}

/// `linkwork import list-profile FILE...`
pub async fn list_profile(args: ListProfileArgs) -> anyhow::Result<()> {
    let store = open(&args.db).await?;
    let mut deciles: Option<HashMap<String, ImdDecile>> = None;
    let mut problems = Problems::default();
    // (practice code as written, group) → people; practices resolved afterwards.
    let mut counts: BTreeMap<(String, Group), u64> = BTreeMap::new();
    // Each row's key → the file and line that gave it, so a repeat names the first.
    let mut first_line: HashMap<String, String> = HashMap::new();
    // NHS Digital's single-year-of-age rows, per practice code, turned into groups at the end.
    let mut single_ages: BTreeMap<String, SingleAges> = BTreeMap::new();
    let mut no_decile = 0u64;
    for path in &args.files {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).with_context(|| format!("could not read {name}"))?;
        let (header, lines) = CsvLines::open(BufReader::new(file)).with_context(|| name.clone())?;
        let layout = ListLayout::from_header(&header).with_context(|| name.clone())?;
        if matches!(layout, ListLayout::Lsoa { .. }) && deciles.is_none() {
            let lookup: HashMap<String, ImdDecile> = equity_import::lsoa_deciles(&*store).await.detailed()?.into_iter().collect();
            if lookup.is_empty() {
                bail!("a list by LSOA needs the deprivation lookup: run `linkwork import imd` with File 7 first");
            }
            deciles = Some(lookup);
        }
        for line in lines {
            let (line, record) = match line {
                Line::Unreadable { line, why } => {
                    problems.add(&name, line, why);
                    continue;
                }
                Line::Record { line, record } => (line, record),
            };
            // A row's key seen before (in this file or another) is a repeat, never added in.
            let mut repeated = |key: String| seen_before(&mut first_line, key, format!("{name} line {line}")).map(|first| format!("it repeats {first}"));
            let cell = |i: usize| record.get(i).unwrap_or_default().trim();
            // Checked before anything is written: NUL cannot be stored by PostgreSQL (SQLite would).
            if let Some((i, c)) = record.iter().enumerate().find_map(|(i, v)| linkwork_domain::forbidden_character(v, linkwork_domain::Lines::One).map(|c| (i, c))) {
                problems.add(&name, line, linkwork_domain::forbidden_character_message(&format!("the value in column {}", i + 1), c));
                continue;
            }
            let number = |i: usize| cell(i).replace(',', "").parse::<u64>().map_err(|_| format!("the count must be a whole number, not {:?}", cell(i)));
            let row: Result<(), String> = (|| {
                match layout {
                    ListLayout::Simple { practice, dimension, group, count } => {
                        let dimension = Dimension::parse(cell(dimension)).map_err(|_| format!("the dimension must be age_band, sex, ethnicity or imd_quintile, not {:?}", cell(dimension)))?;
                        let group = Group::parse(dimension, cell(group)).map_err(|e| e.to_string())?;
                        let n = number(count)?;
                        if let Some(why) = repeated(format!("{}\u{1f}{}\u{1f}{}", cell(practice), dimension.code(), group.code())) {
                            return Err(format!("practice {} {} {}: {why}", cell(practice), dimension.code(), group.code()));
                        }
                        counts.insert((cell(practice).to_owned(), group), n);
                    }
                    ListLayout::SingleYearOfAge { practice, sex, age, count } => {
                        let age_text = cell(age).to_ascii_uppercase();
                        let sex_text = cell(sex).to_ascii_uppercase();
                        let list_sex = match sex_text.as_str() {
                            "ALL" => ListSex::All,
                            "MALE" | "M" => ListSex::Male,
                            "FEMALE" | "F" => ListSex::Female,
                            other => return Err(format!("SEX must be MALE, FEMALE or ALL, not {other:?}")),
                        };
                        let n = number(count)?;
                        if let Some(why) = repeated(format!("{}\u{1f}{sex_text}\u{1f}{age_text}", cell(practice))) {
                            return Err(format!("practice {} {sex_text} age {age_text}: {why}", cell(practice)));
                        }
                        let ages = single_ages.entry(cell(practice).to_owned()).or_default();
                        if ages.place.is_empty() {
                            ages.place = format!("{name} line {line}");
                        }
                        match age_text.as_str() {
                            "ALL" => {
                                ages.totals.insert(list_sex, n);
                            }
                            a => {
                                let years = if a == "95+" { 95 } else { a.parse::<i32>().ok().filter(|y| (0..=130).contains(y)).ok_or_else(|| format!("AGE must be a whole number, 95+ or ALL, not {a:?}"))? };
                                *ages.rows.entry((list_sex, years)).or_default() += n;
                            }
                        }
                    }
                    ListLayout::Lsoa { practice, lsoa, count } => {
                        let n = number(count)?;
                        if !is_area_code(cell(lsoa)) {
                            return Err(format!("the LSOA must be an area code like E01011365, not {:?}", cell(lsoa)));
                        }
                        if let Some(why) = repeated(format!("{}\u{1f}lsoa\u{1f}{}", cell(practice), cell(lsoa))) {
                            return Err(format!("practice {} LSOA {}: {why}", cell(practice), cell(lsoa)));
                        }
                        match deciles.as_ref().and_then(|d| d.get(cell(lsoa))) {
                            Some(d) => *counts.entry((cell(practice).to_owned(), Group::Imd(d.quintile()))).or_default() += n,
                            None => no_decile += n,
                        }
                    }
                }
                Ok(())
            })();
            if let Err(why) = row {
                problems.add(&name, line, why);
            }
        }
    }
    for (code, ages) in &single_ages {
        match ages.counts(code) {
            Ok(groups) => {
                for (group, n) in groups {
                    if counts.insert((code.clone(), group), n).is_some() {
                        problems.0.push(format!("practice {code}: its {} {} comes from two files; give each once", group.dimension().code(), group.code()));
                    }
                }
            }
            Err(why) => problems.0.push(why),
        }
    }
    problems.refuse_if_any()?;
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
            args.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
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
