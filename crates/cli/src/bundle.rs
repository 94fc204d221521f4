//! `linkwork import bundle` and `linkwork export bundle`: a whole service's history in and out as
//! the documented folder of CSV files (`docs/bundle.md`).
//!
//! Import reads the folder twice, streaming: first to check every value, row and reference (and
//! report every problem with its file, line and column), then, only if nothing is wrong (or the
//! bad rows are to be skipped), to write the rows in one transaction through
//! [`linkwork_app::bundle::import`].

use crate::commands::DatabaseArgs;
use anyhow::{bail, Context};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use linkwork_domain::interop::bundle::pseudonymise::Pseudonymiser;
use linkwork_domain::interop::bundle::read::{key_hash, BundleProblem, Checker, Row, Value};
use linkwork_domain::interop::bundle::spec::{self, FileSpec, Kind};
use linkwork_domain::interop::bundle::{stored_id, FileEntry, Manifest, MANIFEST};
use linkwork_domain::interop::csv_safe::CsvWriter;
use linkwork_domain::measurement::instruments::Instrument;
use crate::detail::Detailed;
use linkwork_app::store::{BundleBatch as Batch, BundleRowSink, BundleSource, ExistingIds};
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

type CsvReader = csv::Reader<BufReader<File>>;

/// Rows handed to the store at a time (the store splits them into statements).
const BATCH: usize = 5_000;
/// Problems printed before "… and N more".
const SHOW_PROBLEMS: usize = 100;

#[derive(Args)]
pub struct ImportBundleArgs {
    /// The bundle folder (manifest.json and the CSV files).
    pub folder: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Check everything and list the problems without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the good rows and list exactly which rows were left out (otherwise one problem stops the import).
    #[arg(long)]
    pub skip_bad_rows: bool,
}

#[derive(Args)]
pub struct ExportBundleArgs {
    /// The folder to write (created if missing; must not hold other files).
    #[arg(required_unless_present = "describe")]
    pub folder: Option<PathBuf>,
    /// Database URL: sqlite://path/to/file.db or postgres://user@host/db
    #[arg(long, env = "LINKWORK_DATABASE", required_unless_present = "describe")]
    pub database: Option<String>,
    /// The service (PCN): its id, ODS code or exact name.
    #[arg(long, required_unless_present = "describe")]
    pub org: Option<String>,
    /// Replace identifiers with keyed hashes, coarsen dates of birth to the year and postcodes to
    /// LSOA/IMD decile, and drop free text.
    #[arg(long)]
    pub pseudonymise: bool,
    /// The secret key for the keyed hashes (a file of at least 32 bytes). Without it a random key
    /// is used and thrown away, so pseudonyms cannot be linked to another export.
    #[arg(long, requires = "pseudonymise")]
    pub key_file: Option<PathBuf>,
    /// Print the format's reference (every file and column) as Markdown and exit.
    #[arg(long)]
    pub describe: bool,
}

// ---------------------------------------------------------------- import

/// Opens one file of the bundle as a CSV reader, or `None` when the bundle leaves it out.
fn open(folder: &Path, spec: &FileSpec) -> anyhow::Result<Option<CsvReader>> {
    let path = folder.join(spec.name);
    if !path.exists() {
        return Ok(None);
    }
    let file = File::open(&path).with_context(|| format!("could not read {}", path.display()))?;
    Ok(Some(csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(BufReader::with_capacity(1 << 16, file))))
}

fn total_bytes(folder: &Path) -> u64 {
    spec::files().iter().filter_map(|f| std::fs::metadata(folder.join(f.name)).ok()).map(|m| m.len()).sum()
}

/// Reads every row of every file in import order, calling `each` with the checked row (or its
/// problems). `progress` advances by bytes. Returns the problems of whole files, and those of rows
/// that only a whole file shows (found at its end: `Checker::end_of_file`).
fn read_all(folder: &Path, checker: &mut Checker, progress: &ProgressBar, mut each: impl FnMut(&'static FileSpec, Result<Row, Vec<BundleProblem>>) -> anyhow::Result<()>) -> anyhow::Result<(Vec<BundleProblem>, Vec<BundleProblem>)> {
    let mut file_problems = Vec::new();
    let mut row_problems = Vec::new();
    let mut done = 0u64;
    for spec in spec::files() {
        let Some(mut reader) = open(folder, spec)? else {
            if spec.required {
                file_problems.push(BundleProblem::new(spec.name, 0, None, "This file is required and is not in the folder"));
            }
            continue;
        };
        let mut record = csv::StringRecord::new();
        let header = match reader.read_record(&mut record) {
            Ok(true) => record.clone(),
            Ok(false) => {
                file_problems.push(BundleProblem::new(spec.name, 1, None, "The file is empty: its first line must be the header row"));
                continue;
            }
            Err(e) => {
                file_problems.push(BundleProblem::new(spec.name, 1, None, format!("The file could not be read as UTF-8 CSV: {e}")));
                continue;
            }
        };
        let positions = match checker.header(spec, &header) {
            Ok(p) => p,
            Err(p) => {
                file_problems.push(p);
                continue;
            }
        };
        let mut rows = 0u64;
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let position = record.position().cloned().unwrap_or_else(csv::Position::new);
                    if record.iter().all(|v| v.trim().is_empty()) {
                        continue;
                    }
                    rows += 1;
                    if rows.is_multiple_of(4096) {
                        progress.set_position(done + position.byte());
                    }
                    each(spec, checker.row(spec, &positions, position.line(), &record))?;
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    file_problems.push(BundleProblem::new(spec.name, line, None, format!("From this line on the file could not be read as UTF-8 CSV ({e}); nothing after it was checked")));
                    break;
                }
            }
        }
        row_problems.extend(checker.end_of_file(spec.name));
        done += std::fs::metadata(folder.join(spec.name)).map(|m| m.len()).unwrap_or(0);
        progress.set_position(done);
    }
    Ok((file_problems, row_problems))
}

fn progress_bar(total: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total).with_message(message);
    bar.set_style(ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({elapsed}, {eta} left)").unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "));
    bar
}

pub async fn import(args: ImportBundleArgs) -> anyhow::Result<()> {
    let folder = &args.folder;
    let manifest_path = folder.join(MANIFEST);
    let manifest_json = std::fs::read_to_string(&manifest_path).with_context(|| format!("could not read {} (is {} a bundle folder?)", manifest_path.display(), folder.display()))?;
    let manifest = Manifest::parse(&manifest_json).map_err(anyhow::Error::msg)?;
    let today = time::OffsetDateTime::now_utc().date();
    let started = std::time::Instant::now();

    // Pass 1: check everything.
    let progress = progress_bar(total_bytes(folder), "Checking");
    let mut checker = Checker::new(manifest.pseudonymised, today);
    let mut problems = Vec::new();
    let mut bad_rows: HashSet<(&'static str, u64)> = HashSet::new();
    let mut counts: HashMap<&'static str, (u64, u64)> = HashMap::new();
    let (file_problems, late_row_problems) = read_all(folder, &mut checker, &progress, |spec, result| {
        let count = counts.entry(spec.name).or_default();
        count.0 += 1;
        if let Err(p) = result {
            count.1 += 1;
            if let Some(first) = p.first() {
                bad_rows.insert((spec.name, first.line));
            }
            problems.extend(p);
        }
        Ok(())
    })?;
    progress.finish_and_clear();
    for problem in late_row_problems {
        if let Some(spec) = spec::file(&problem.file) {
            if bad_rows.insert((spec.name, problem.line)) {
                counts.entry(spec.name).or_default().1 += 1;
            }
        }
        problems.push(problem);
    }
    for (name, entry) in &manifest.files {
        let read = counts.get(name.as_str()).map_or(0, |c| c.0);
        if spec::file(name).is_some() && entry.rows != read {
            problems.push(BundleProblem::new(name, 0, None, format!("manifest.json says this file has {} rows; it has {read}", entry.rows)));
        }
    }
    let whole_file_problems = !file_problems.is_empty();
    problems.splice(0..0, file_problems);

    println!("Checked {} in {:.1} s:", folder.display(), started.elapsed().as_secs_f64());
    for spec in spec::files() {
        if let Some((rows, bad)) = counts.get(spec.name) {
            println!("  {:<22} {:>9} rows{}", spec.name, rows, if *bad > 0 { format!(", {bad} with problems") } else { String::new() });
        }
    }
    if !problems.is_empty() {
        println!("{} problem{}:", problems.len(), if problems.len() == 1 { "" } else { "s" });
        for p in problems.iter().take(SHOW_PROBLEMS) {
            println!("  {p}");
        }
        if problems.len() > SHOW_PROBLEMS {
            println!("  … and {} more", problems.len() - SHOW_PROBLEMS);
        }
        if whole_file_problems || !args.skip_bad_rows {
            bail!("nothing was imported{}", if whole_file_problems { ": fix the files named above" } else { ". Fix the rows, or use --skip-bad-rows to import the others" });
        }
    }
    if args.dry_run {
        println!("Dry run: nothing was written.");
        return Ok(());
    }

    // Pass 2: write, in one transaction.
    let store = crate::commands::open(&args.db.database).await?;
    let mut existing = linkwork_app::bundle::existing_ids(&*store).await.detailed()?;
    let services = manifest_services(folder, &existing)?;
    let identities = linkwork_app::bundle::people_of(&*store, &mut existing, &services).await.detailed()?;
    let progress = progress_bar(total_bytes(folder), "Importing");
    let mut writer = Writer::new(folder, manifest.clone(), existing, today, bad_rows, progress.clone());
    writer.identities = identities;
    let mut source = Pipelined::start(writer);
    let written = linkwork_app::bundle::import(&*store, &mut source).await.detailed();
    progress.finish_and_clear();
    let writer = source.finish();
    // A reading error reaches the store as its error, so `written` already carries it.
    let written = written.context("the import failed and was rolled back: nothing was written")?;
    let skipped = writer.map_err(|e| anyhow::anyhow!("the import failed and was rolled back: {e}"))?.skipped;
    linkwork_app::bundle::record_import(&*store, &crate::actor::cli_actor(None), &manifest.source).await.detailed()?;
    println!("Imported {written} rows in {:.1} s{}.", started.elapsed().as_secs_f64(), if skipped > 0 { format!(" ({skipped} rows with problems left out, listed above)") } else { String::new() });
    Ok(())
}

/// The stored ids of the services (PCNs) in the bundle, so existing people can be matched.
fn manifest_services(folder: &Path, existing: &ExistingIds) -> anyhow::Result<Vec<String>> {
    let spec = spec::file("organisations.csv").context("organisations.csv")?;
    let Some(mut reader) = open(folder, spec)? else { return Ok(vec![]) };
    let mut checker = Checker::default();
    let mut record = csv::StringRecord::new();
    if !reader.read_record(&mut record)? {
        return Ok(vec![]);
    }
    let positions = checker.header(spec, &record).map_err(|p| anyhow::anyhow!("{p}"))?;
    let mut out = Vec::new();
    while reader.read_record(&mut record)? {
        if let Ok(row) = checker.row(spec, &positions, 0, &record) {
            if row.get(spec, "kind").as_text() == Some("pcn") {
                if let Some(id) = row.get(spec, "ods_code").as_text().and_then(|ods| existing.orgs_by_ods.get(ods)) {
                    out.push(id.clone());
                }
            }
        }
    }
    Ok(out)
}

/// Pass 2: re-reads the bundle, turns references into stored ids and hands the store batches.
struct Writer {
    files: std::slice::Iter<'static, FileSpec>,
    folder: PathBuf,
    manifest: Manifest,
    existing: ExistingIds,
    checker: Checker,
    bad_rows: HashSet<(&'static str, u64)>,
    progress: ProgressBar,
    done_bytes: u64,
    /// The file being read: its spec, reader and column positions.
    current: Option<(&'static FileSpec, CsvReader, Vec<Option<usize>>)>,
    /// References whose stored id is not the derived one (organisations, staff and people already in the database).
    overrides: HashMap<(&'static str, String), String>,
    /// Each person's service (by [`key_hash`] of their reference), as an index into `services` (a
    /// few services, many people): about 16 bytes a person, not their reference and the service id.
    person_service: HashMap<u64, u32>,
    services: Vec<String>,
    /// Each comparison person's service (by [`key_hash`] of their key), as an index into `services`.
    comparison_service: HashMap<u64, u32>,
    /// Each staff member's organisation, for their wellbeing check-ins.
    staff_org: HashMap<String, String>,
    /// Who the people already held are ((service, NHS number) → `identity_key`): a bundle row
    /// with a held NHS number must be the same person, never a rename.
    identities: HashMap<(String, String), u64>,
    skipped: u64,
}

impl Writer {
    fn new(folder: &Path, manifest: Manifest, existing: ExistingIds, today: time::Date, bad_rows: HashSet<(&'static str, u64)>, progress: ProgressBar) -> Self {
        let checker = Checker::new(manifest.pseudonymised, today);
        Self {
            files: spec::files().iter(),
            folder: folder.to_owned(),
            manifest,
            existing,
            checker,
            bad_rows,
            progress,
            done_bytes: 0,
            current: None,
            overrides: HashMap::new(),
            person_service: HashMap::new(),
            comparison_service: HashMap::new(),
            services: Vec::new(),
            staff_org: HashMap::new(),
            identities: HashMap::new(),
            skipped: 0,
        }
    }

    /// The index of `service_id` in `services`, added when new.
    fn service_index(&mut self, service_id: String) -> u32 {
        match self.services.iter().position(|s| *s == service_id) {
            Some(i) => i as u32,
            None => {
                self.services.push(service_id);
                (self.services.len() - 1) as u32
            }
        }
    }

    /// The service of the comparison person with key `person_ref`.
    fn comparison_service_of(&self, person_ref: Option<String>) -> Value {
        person_ref.and_then(|p| self.comparison_service.get(&key_hash(&p))).and_then(|i| self.services.get(*i as usize)).map_or(Value::Null, |s| Value::Text(s.clone()))
    }

    fn service_of(&self, person_ref: Option<String>) -> Value {
        person_ref.and_then(|p| self.person_service.get(&key_hash(&p))).and_then(|i| self.services.get(*i as usize)).map_or(Value::Null, |s| Value::Text(s.clone()))
    }

    fn id(&self, file: &'static str, reference: &str) -> String {
        if linkwork_domain::interop::bundle::is_natural_key(file) {
            return reference.to_owned();
        }
        // Only organisations, staff, people and questionnaires can already be in the database.
        let may_exist = matches!(file, "organisations.csv" | "staff.csv" | "people.csv" | "custom_instruments.csv") && !self.overrides.is_empty();
        if may_exist {
            if let Some(id) = self.overrides.get(&(file, reference.to_owned())) {
                return id.clone();
            }
        }
        stored_id(&self.manifest.source, file, reference)
    }

    /// The row's values as stored: references replaced by ids, then the derived extras.
    fn resolve(&mut self, spec: &'static FileSpec, row: Row) -> anyhow::Result<Vec<Value>> {
        let text = |c: &str| row.get(spec, c).as_text().map(str::to_owned);
        // Rows that are the same as something already in the database keep its id.
        match spec.name {
            "organisations.csv" => {
                if let (Some(r), Some(id)) = (text("org_ref"), text("ods_code").and_then(|o| self.existing.orgs_by_ods.get(&o).cloned())) {
                    self.overrides.insert((spec.name, r), id);
                }
            }
            "staff.csv" => {
                if let (Some(r), Some(id)) = (text("staff_ref"), text("email").and_then(|e| self.existing.users_by_email.get(&e.to_lowercase()).cloned())) {
                    self.overrides.insert((spec.name, r), id);
                }
                if let (Some(r), Some(org)) = (text("staff_ref"), text("org_ref")) {
                    let org_id = self.id("organisations.csv", &org);
                    self.staff_org.insert(r, org_id);
                }
            }
            "people.csv" => {
                if let (Some(r), Some(service), Some(nhs)) = (text("person_ref"), text("service_ref"), text("nhs_number")) {
                    let service_id = self.id("organisations.csv", &service);
                    let held = (service_id.clone(), nhs);
                    if let Some(id) = self.existing.people.get(&held).cloned() {
                        // Merging by NHS number must not rename someone (docs/security.md, "Identity").
                        let row_key = linkwork_domain::person::identity::identity_key(&text("given_name").unwrap_or_default(), &text("family_name").unwrap_or_default(), &row.get(spec, "date_of_birth").as_date().map(|d| d.to_string()).unwrap_or_default());
                        if self.identities.get(&held).is_some_and(|k| *k != row_key) {
                            bail!(
                                "{} line {}, column nhs_number: this NHS number is already held for a person with another name or date of birth; nothing was imported. Check the row, or correct the person's details in Linkwork first",
                                spec.name,
                                row.line
                            );
                        }
                        self.overrides.insert((spec.name, r.clone()), id);
                    }
                    let index = self.service_index(service_id);
                    self.person_service.insert(key_hash(&r), index);
                }
            }
            "comparison_people.csv" => {
                if let (Some(key), Some(service)) = (text("person_key"), text("service_ref")) {
                    let index = self.service_index(self.id("organisations.csv", &service));
                    self.comparison_service.insert(key_hash(&key), index);
                }
            }
            "custom_instruments.csv" => {
                // Codes are unique across the database: the same service's questionnaire is the
                // same row; another service's is a clash the bundle must resolve.
                if let (Some(r), Some(code), Some(service)) = (text("instrument_ref"), text("code"), text("service_ref")) {
                    if let Some((owner, id)) = self.existing.custom_instruments_by_code.get(&code).cloned() {
                        if owner != self.id("organisations.csv", &service) {
                            bail!("{} line {}, column code: another service in this database already has a questionnaire with the code {code}; give this one another code in the bundle", spec.name, row.line);
                        }
                        self.overrides.insert((spec.name, r), id);
                    }
                }
            }
            _ => {}
        }
        let mut values: Vec<Value> = spec
            .columns
            .iter()
            .zip(row.values.iter())
            .map(|(column, value)| match (column.kind, value) {
                (Kind::Key, Value::Text(r)) => Value::Text(self.id(spec.name, r)),
                (Kind::Ref(file), Value::Text(r)) => Value::Text(self.id(file, r)),
                (_, Value::Text(t)) if column.name == "email" => Value::Text(t.to_lowercase()),
                _ => value.clone(),
            })
            .collect();
        match spec.name {
            "referrals.csv" => values.push(self.service_of(text("person_ref"))),
            "measures.csv" => values.push(text("instrument").and_then(|i| Instrument::parse(&i).ok()).map_or(Value::Null, |i| Value::Text(i.version().to_owned()))),
            // Rows whose order is kept (read back by creation time): their line.
            "custom_instruments.csv" | "stakeholders.csv" | "success_statements.csv" | "evidence.csv" => values.push(Value::Int(row.line as i64)),
            "custom_measures.csv" => {
                let version = text("instrument_ref").and_then(|i| self.checker.custom_instrument(&i).map(|c| c.version().to_owned()));
                values.push(version.map_or(Value::Null, Value::Text));
            }
            "health_activity.csv" => values.push(self.service_of(text("person_ref"))),
            "comparison_activity.csv" => values.push(self.comparison_service_of(text("person_ref"))),
            "staff_check_ins.csv" => values.push(text("staff_ref").and_then(|s| self.staff_org.get(&s).cloned()).map_or(Value::Null, Value::Text)),
            "onward_events.csv" => {
                let natural = format!("{}|{}|{}|{}", text("onward_ref").unwrap_or_default(), text("from_status").unwrap_or_default(), text("to_status").unwrap_or_default(), row.get(spec, "happened_on").as_date().map(|d| d.to_string()).unwrap_or_default());
                values.push(Value::Text(stored_id(&self.manifest.source, spec.name, &natural)));
            }
            _ => {}
        }
        Ok(values)
    }

    fn next(&mut self) -> anyhow::Result<Option<Batch>> {
        loop {
            if self.current.is_none() {
                let Some(spec) = self.files.next() else { return Ok(None) };
                let Some(mut reader) = open(&self.folder, spec)? else { continue };
                let mut header = csv::StringRecord::new();
                if !reader.read_record(&mut header)? {
                    continue;
                }
                let positions = self.checker.header(spec, &header).map_err(|p| anyhow::anyhow!("{p}"))?;
                self.current = Some((spec, reader, positions));
            }
            let Some((spec, mut reader, positions)) = self.current.take() else { continue };
            let mut batch = Vec::new();
            let mut record = csv::StringRecord::new();
            let mut finished = false;
            while batch.len() < BATCH {
                if !reader.read_record(&mut record)? {
                    finished = true;
                    break;
                }
                if record.iter().all(|v| v.trim().is_empty()) {
                    continue;
                }
                let position = record.position().cloned().unwrap_or_else(csv::Position::new);
                if batch.len() % 1024 == 0 {
                    self.progress.set_position(self.done_bytes + position.byte());
                }
                match self.checker.row(spec, &positions, position.line(), &record) {
                    // A row only its whole file showed to be wrong (left out with --skip-bad-rows).
                    Ok(_) if self.bad_rows.contains(&(spec.name, position.line())) => self.skipped += 1,
                    Ok(row) => batch.push(self.resolve(spec, row)?),
                    Err(problems) => {
                        // Listed in pass 1; only possible here with --skip-bad-rows.
                        if !self.bad_rows.contains(&(spec.name, position.line())) {
                            bail!("{} changed while it was being imported ({})", spec.name, problems[0]);
                        }
                        self.skipped += 1;
                    }
                }
            }
            if finished {
                // Its end-of-file problems were listed by pass 1; this frees what they needed.
                self.checker.end_of_file(spec.name);
                self.done_bytes += std::fs::metadata(self.folder.join(spec.name)).map(|m| m.len()).unwrap_or(0);
            } else {
                self.current = Some((spec, reader, positions));
            }
            if !batch.is_empty() {
                return Ok(Some((spec, batch)));
            }
        }
    }
}

impl BundleSource for Writer {
    fn next_batch(&mut self) -> Result<Option<Batch>, String> {
        self.next().map_err(|e| format!("{e:#}"))
    }
}


/// Runs the [`Writer`] on its own thread a few batches ahead of the database, so reading,
/// checking and resolving the CSV overlaps with the database writing the previous batch (on two
/// cores the import then takes about as long as the slower of the two, not their sum).
struct Pipelined {
    batches: std::sync::mpsc::Receiver<Result<Option<Batch>, String>>,
    worker: std::thread::JoinHandle<Writer>,
}

impl Pipelined {
    /// Batches read ahead: enough to keep the database busy, few enough to keep memory flat.
    const AHEAD: usize = 3;

    fn start(mut writer: Writer) -> Self {
        let (send, batches) = std::sync::mpsc::sync_channel(Self::AHEAD);
        let worker = std::thread::spawn(move || {
            loop {
                let next = writer.next_batch();
                let last = !matches!(next, Ok(Some(_)));
                // A closed channel means the store stopped (and rolled back): stop reading.
                if send.send(next).is_err() || last {
                    break;
                }
            }
            writer
        });
        Self { batches, worker }
    }

    /// Stops the reader (if the store stopped early) and hands back the writer with its counts.
    fn finish(self) -> Result<Writer, String> {
        drop(self.batches);
        self.worker.join().map_err(|_| "reading the bundle failed unexpectedly".to_owned())
    }
}

impl BundleSource for Pipelined {
    fn next_batch(&mut self) -> Result<Option<Batch>, String> {
        self.batches.recv().map_err(|_| "reading the bundle failed unexpectedly".to_owned())?
    }
}

// ---------------------------------------------------------------- export

pub async fn export(args: ExportBundleArgs) -> anyhow::Result<()> {
    if args.describe {
        print!("{}", spec::markdown());
        return Ok(());
    }
    let (Some(folder), Some(org), Some(database)) = (args.folder, args.org, args.database) else {
        bail!("give the folder to write, --org and --database");
    };
    let store = crate::commands::open(&database).await?;
    let pcn = linkwork_app::service_settings::find_service(&*store, &org).await.detailed()?;
    std::fs::create_dir_all(&folder).with_context(|| format!("could not create {}", folder.display()))?;
    let known: HashSet<&str> = spec::files().iter().map(|f| f.name).chain([MANIFEST]).collect();
    for entry in std::fs::read_dir(&folder)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !known.contains(name.as_str()) {
            bail!("{} holds other files ({name}); choose an empty folder", folder.display());
        }
    }
    let key = match &args.key_file {
        Some(path) => {
            let key = std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
            if key.len() < 32 {
                bail!("the key file must hold at least 32 bytes");
            }
            key
        }
        None => {
            use rand::RngCore;
            let mut key = vec![0u8; 32];
            rand::thread_rng().fill_bytes(&mut key);
            key
        }
    };
    let source = format!("linkwork:{}", pcn.ods_code.clone().unwrap_or_else(|| pcn.id.clone()));
    let mut manifest = Manifest::new(if args.pseudonymise { format!("{source}:pseudonymised") } else { source }, args.pseudonymise);
    manifest.exported_at = time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).ok();
    let started = std::time::Instant::now();
    let mut sink = CsvSink { folder: folder.clone(), writer: None, rows: Default::default(), pseudonymiser: args.pseudonymise.then(|| Pseudonymiser::new(&key)) };
    // Audited as a read of every person of the service, by the operating-system account.
    linkwork_app::bundle::export(&*store, &crate::actor::cli_actor(Some(&pcn.id)), &pcn, args.pseudonymise, &mut sink).await.detailed().context("the export failed")?;
    sink.finish().map_err(anyhow::Error::msg)?;
    for (name, rows) in &sink.rows {
        manifest.files.insert((*name).to_owned(), FileEntry { rows: *rows });
    }
    std::fs::write(folder.join(MANIFEST), serde_json::to_string_pretty(&manifest)? + "\n")?;
    let total: u64 = sink.rows.values().sum();
    println!("Wrote {total} rows in {} files to {} in {:.1} s{}.", sink.rows.len(), folder.display(), started.elapsed().as_secs_f64(), if args.pseudonymise { " (pseudonymised)" } else { "" });
    Ok(())
}

struct CsvSink {
    folder: PathBuf,
    /// Cells escaped against spreadsheet formulas (`csv_safe`); the import reverses it.
    writer: Option<CsvWriter<BufWriter<File>>>,
    rows: std::collections::BTreeMap<&'static str, u64>,
    pseudonymiser: Option<Pseudonymiser>,
}

impl CsvSink {
    fn finish(&mut self) -> Result<(), String> {
        if let Some(mut w) = self.writer.take() {
            w.flush().map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

impl BundleRowSink for CsvSink {
    fn start_file(&mut self, file: &'static FileSpec) -> Result<(), String> {
        self.finish()?;
        let path = self.folder.join(file.name);
        let out = File::create(&path).map_err(|e| format!("could not write {}: {e}", path.display()))?;
        let mut writer = CsvWriter::new(BufWriter::with_capacity(1 << 16, out));
        writer.row(file.header()).map_err(|e| e.to_string())?;
        self.writer = Some(writer);
        self.rows.insert(file.name, 0);
        Ok(())
    }

    fn row(&mut self, file: &'static FileSpec, mut values: Vec<String>) -> Result<(), String> {
        if let Some(p) = &self.pseudonymiser {
            p.row(file, &mut values);
        }
        let writer = self.writer.as_mut().ok_or("no file started")?;
        writer.row(&values).map_err(|e| e.to_string())?;
        *self.rows.entry(file.name).or_default() += 1;
        Ok(())
    }
}

// ---------------------------------------------------------------- synthetic data

#[derive(clap::Subcommand)]
pub enum GenerateCommand {
    /// Write a synthetic bundle of realistic, clearly fictional records (services of 1,000
    /// referrals each), e.g. to load 100,000 referrals for a benchmark.
    Bundle(GenerateBundleArgs),
}

#[derive(Args)]
pub struct GenerateBundleArgs {
    /// The folder to write.
    pub folder: PathBuf,
    /// How many referrals.
    #[arg(long, default_value_t = 100_000)]
    pub referrals: usize,
    /// Seed for the synthetic data (the same seed gives the same records).
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

pub fn generate(command: GenerateCommand) -> anyhow::Result<()> {
    let GenerateCommand::Bundle(args) = command;
    let started = std::time::Instant::now();
    let bar = ProgressBar::new(args.referrals as u64).with_message("Generating");
    bar.set_style(ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} referrals ({elapsed}, {eta} left)").unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "));
    // The service's today (`LINKWORK_TODAY` fixes it), so a test can generate the same bundle any day.
    let today = linkwork_app::clock::today();
    let counts = linkwork_demo::synthetic::write_bundle(&args.folder, args.referrals, args.seed, today, &mut |n| bar.set_position(n as u64))?;
    bar.finish_and_clear();
    let total: u64 = counts.values().sum();
    println!("Wrote {total} rows ({} referrals) to {} in {:.1} s.", counts.get("referrals.csv").copied().unwrap_or(0), args.folder.display(), started.elapsed().as_secs_f64());
    Ok(())
}
