//! `linkwork backup` and `linkwork restore` (docs/operations.md).
//!
//! Each database is copied by its own consistent-snapshot tool, so a backup can be taken while the
//! server runs and holds exactly one moment of the database, every table, index and trigger:
//! - SQLite: `VACUUM INTO` (one read snapshot; writers carry on under WAL), giving a plain SQLite
//!   file that is checked (`PRAGMA integrity_check`) before it replaces `--out`. Restore copies it
//!   into the target in one transaction.
//! - PostgreSQL: `pg_dump --format=custom` (one repeatable-read snapshot, compressed), checked
//!   with `pg_restore --list`. Restore pipes `pg_restore` into `psql --single-transaction`, so a
//!   failed restore leaves the target as it was. Needs the PostgreSQL client tools (Debian's
//!   `postgresql-client`) of the server's major version or newer.
//!
//! The backup file is created readable by its owner only (it holds everyone's health records).
//! A backup is restored into the same kind of database it came from. Restore refuses a file made
//! by a newer Linkwork (unknown schema versions) and, unless `--overwrite`, a database that
//! already holds data; after restoring it brings the schema up to date (`migrate`).

use anyhow::{bail, Context};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use crate::detail::Detailed;
use linkwork_app::maintenance::{self, PostgresDatabase, SqliteDatabase, TableRows};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct BackupArgs {
    /// Database URL: sqlite://path/to/file.db or postgres://user@host/db
    #[arg(long, env = "LINKWORK_DATABASE")]
    pub database: String,
    /// The backup file to write (must not exist yet).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// Database URL to restore into: sqlite://path/to/file.db or postgres://user@host/db
    #[arg(long, env = "LINKWORK_DATABASE")]
    pub database: String,
    /// A file written by `linkwork backup` from the same kind of database.
    #[arg(long)]
    pub from: PathBuf,
    /// Replace everything in a database that already holds data (otherwise restore refuses).
    #[arg(long)]
    pub overwrite: bool,
}

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_DUMP_MAGIC: &[u8] = b"PGDMP";

enum Backend {
    Sqlite(PathBuf),
    Postgres(PgUrl),
}

fn backend(url: &str) -> anyhow::Result<Backend> {
    if let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() || path.contains(":memory:") {
            bail!("back up and restore a SQLite database by its file: sqlite://path/to/file.db");
        }
        Ok(Backend::Sqlite(PathBuf::from(path)))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres(PgUrl::parse(url)?))
    } else {
        bail!("the database URL must start with sqlite:// or postgres://")
    }
}

pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    if args.out.exists() {
        bail!("{} already exists: choose a new file name for the backup (an old backup is never overwritten)", args.out.display());
    }
    let partial = partial_path(&args.out);
    let _ = std::fs::remove_file(&partial);
    // Created empty, owner-only, before any data goes in (both tools write into an empty file).
    let mut create = std::fs::OpenOptions::new();
    create.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut create, 0o600);
    create.open(&partial).with_context(|| format!("could not create {}", partial.display()))?;
    let what = match backend(&args.database)? {
        Backend::Sqlite(path) => {
            if !path.is_file() {
                bail!("there is no SQLite database at {}", path.display());
            }
            let database = SqliteDatabase::open(&args.database).await.detailed().context("could not open the database")?;
            let progress = bytes_bar(database.size_bytes().await.detailed()? as u64, "Backing up");
            let watcher = watch_size(&partial, progress.clone());
            let result = database.backup_into(&partial).await.detailed();
            watcher.abort();
            progress.finish_and_clear();
            result.context("the backup could not be written")?;
            sync_file(&partial)?;
            let tables = maintenance::check_sqlite_backup(&partial).await.detailed().context("the backup just written did not pass its check")?.tables;
            format!("{} rows in {} tables", tables.iter().map(|t| t.rows).sum::<i64>(), tables.len())
        }
        Backend::Postgres(url) => {
            let database = PostgresDatabase::open(&args.database).await.detailed().context("could not open the database")?;
            let tables = database.table_rows().await.detailed()?.len() as u64;
            let target = partial.clone();
            tokio::task::spawn_blocking(move || pg_dump(&url, &target, tables)).await??;
            pg_archive_versions(&partial).context("the backup just written did not pass its check")?;
            // pg_dump's snapshot is its own: the rows counted here would be of another moment.
            format!("{tables} tables")
        }
    };
    std::fs::rename(&partial, &args.out).with_context(|| format!("could not move the backup into place at {}", args.out.display()))?;
    sync_parent(&args.out);
    let bytes = std::fs::metadata(&args.out)?.len();
    eprintln!(
        "Backed up {what} to {} ({}) in {:.1} s.",
        args.out.display(),
        human_bytes(bytes),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let magic = read_magic(&args.from)?;
    let restored = match backend(&args.database)? {
        Backend::Sqlite(_) => {
            if magic.starts_with(PG_DUMP_MAGIC) {
                bail!("{} is a PostgreSQL backup: restore it into a postgres:// database", args.from.display());
            }
            let file = maintenance::check_sqlite_backup(&args.from).await.detailed()?;
            maintenance::check_schema_versions(&file.schema_versions).detailed()?;
            let database = SqliteDatabase::open(&args.database).await.detailed().context("could not open the database")?;
            refuse_data(&database.table_rows().await.detailed()?, args.overwrite).await?;
            let progress = count_bar(file.tables.len() as u64, "Restoring tables");
            let result = database.restore_from(&args.from, |_| progress.inc(1)).await.detailed();
            progress.finish_and_clear();
            result.context("nothing was restored")?
        }
        Backend::Postgres(url) => {
            if magic.starts_with(SQLITE_MAGIC) {
                bail!("{} is a SQLite backup: restore it into a sqlite:// database", args.from.display());
            }
            if !magic.starts_with(PG_DUMP_MAGIC) {
                bail!("{} is not a backup made by `linkwork backup`", args.from.display());
            }
            let versions = pg_archive_versions(&args.from)?;
            maintenance::check_schema_versions(&versions).detailed()?;
            let database = PostgresDatabase::open(&args.database).await.detailed().context("could not open the database")?;
            let existing = database.table_rows().await.detailed()?;
            refuse_data(&existing, args.overwrite).await?;
            let from = args.from.clone();
            let replace_schema = !existing.is_empty();
            tokio::task::spawn_blocking(move || pg_restore(&url, &from, replace_schema)).await?.context("nothing was restored")?;
            database.table_rows().await.detailed()?
        }
    };
    // A backup from an older Linkwork is brought up to this build's schema.
    let store = linkwork_app::store::connect(&args.database).await?;
    maintenance::migrate(&*store).await.detailed().context("restored, but the schema could not be brought up to date")?;
    eprintln!(
        "Restored {} rows in {} tables from {} in {:.1} s.",
        restored.iter().map(|t| t.rows).sum::<i64>(),
        restored.len(),
        args.from.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn refuse_data(tables: &[TableRows], overwrite: bool) -> anyhow::Result<()> {
    if let (false, Some(rows)) = (overwrite, maintenance::rows_held(tables).await.detailed()?) {
        bail!("the database already holds data ({rows} rows): restore into a new, empty database, or add --overwrite to replace everything in it");
    }
    Ok(())
}

fn read_magic(path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot read the backup {}", path.display()))?;
    let mut magic = vec![0u8; SQLITE_MAGIC.len()];
    let n = std::io::Read::read(&mut file, &mut magic)?;
    magic.truncate(n);
    Ok(magic)
}

/// `out` with `.partial` added: where a backup is written until it has been checked.
fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    out.with_file_name(name)
}

fn sync_file(path: &Path) -> anyhow::Result<()> {
    std::fs::File::open(path)?.sync_all().with_context(|| format!("could not sync {} to disk", path.display()))
}

/// Makes a rename durable (best effort: not every platform can open a directory).
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
    }
}

fn bytes_bar(total: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total).with_message(message);
    bar.set_style(ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({elapsed})").unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "));
    bar
}

fn count_bar(total: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total).with_message(message);
    bar.set_style(ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({elapsed})").unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "));
    bar
}

/// Shows the size of the file being written as the bar's position, four times a second.
fn watch_size(path: &Path, bar: ProgressBar) -> tokio::task::JoinHandle<()> {
    let path = path.to_owned();
    tokio::spawn(async move {
        loop {
            if let Ok(meta) = std::fs::metadata(&path) {
                bar.set_position(meta.len().min(bar.length().unwrap_or(u64::MAX)));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    })
}

fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}

/// A PostgreSQL URL split so the password travels to the client tools in their environment
/// (`PGPASSWORD`), never on a command line where other users of the machine could read it.
struct PgUrl {
    without_password: String,
    password: Option<String>,
}

impl PgUrl {
    fn parse(url: &str) -> anyhow::Result<Self> {
        let (scheme, rest) = url.split_once("://").context("a postgres:// URL")?;
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let Some((userinfo, host)) = authority.rsplit_once('@') else {
            return Ok(Self { without_password: url.to_owned(), password: None });
        };
        let Some((user, password)) = userinfo.split_once(':') else {
            return Ok(Self { without_password: url.to_owned(), password: None });
        };
        Ok(Self { without_password: format!("{scheme}://{user}@{host}{tail}"), password: Some(percent_decode(password)) })
    }

    fn command(&self, program: &str) -> anyhow::Result<Command> {
        let mut command = Command::new(program);
        if let Some(password) = &self.password {
            command.env("PGPASSWORD", password);
        }
        // Fail rather than wait for a password prompt nobody will answer.
        command.stdin(Stdio::null()).env("PGCONNECT_TIMEOUT", "20");
        Ok(command)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn missing_tool(program: &str, e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        anyhow::anyhow!("{program} was not found: install PostgreSQL's client tools (Debian: apt-get install postgresql-client)")
    } else {
        anyhow::anyhow!("could not run {program}: {e}")
    }
}

/// Runs `pg_dump` into `out`, counting the tables it dumps for the progress bar.
fn pg_dump(url: &PgUrl, out: &Path, tables: u64) -> anyhow::Result<()> {
    let mut child = url
        .command("pg_dump")?
        .args(["--format=custom", "--verbose", "--file"])
        .arg(out)
        .arg("--dbname")
        .arg(&url.without_password)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| missing_tool("pg_dump", e))?;
    let progress = count_bar(tables, "Backing up tables");
    let log = follow(child.stderr.take().expect("piped"), "dumping contents of table", &progress);
    let status = child.wait()?;
    progress.finish_and_clear();
    if !status.success() {
        bail!("pg_dump failed: {}", log.join("\n"));
    }
    sync_file(out)
}

/// Reads a client tool's messages, advancing `progress` on each line containing `marker`; keeps
/// the last lines to explain a failure.
fn follow(stderr: impl std::io::Read, marker: &str, progress: &ProgressBar) -> Vec<String> {
    let mut last = std::collections::VecDeque::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if line.contains(marker) {
            progress.inc(1);
        }
        if last.len() == 8 {
            last.pop_front();
        }
        last.push_back(line);
    }
    last.into_iter().filter(|l| !l.contains(marker)).collect()
}

/// Checks a `pg_dump` archive (`pg_restore --list` reads its table of contents) and returns the
/// schema versions recorded in it.
fn pg_archive_versions(path: &Path) -> anyhow::Result<Vec<i64>> {
    let list = Command::new("pg_restore").arg("--list").arg(path).stdin(Stdio::null()).output().map_err(|e| missing_tool("pg_restore", e))?;
    if !list.status.success() {
        bail!("{} is not a readable PostgreSQL backup: {}", path.display(), String::from_utf8_lossy(&list.stderr).trim());
    }
    if !String::from_utf8_lossy(&list.stdout).contains("TABLE DATA public _sqlx_migrations") {
        bail!("{} is a PostgreSQL backup but not of a Linkwork database", path.display());
    }
    let data = Command::new("pg_restore")
        .args(["--data-only", "--table=_sqlx_migrations", "--file=-"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| missing_tool("pg_restore", e))?;
    if !data.status.success() {
        bail!("{} is damaged: {}", path.display(), String::from_utf8_lossy(&data.stderr).trim());
    }
    // COPY public._sqlx_migrations (version, …) FROM stdin; then one tab-separated row per line, up to `\.`.
    let text = String::from_utf8_lossy(&data.stdout);
    let rows = text.lines().skip_while(|l| !l.starts_with("COPY public._sqlx_migrations")).skip(1).take_while(|l| *l != "\\.");
    Ok(rows.filter_map(|row| row.split('\t').next()?.parse().ok()).collect())
}

/// Restores `from` into the database at `url` in one transaction: `pg_restore` turns the archive
/// into SQL, which `psql --single-transaction` runs after dropping what the schema held
/// (`replace_schema`) so the restored database is exactly the backup.
fn pg_restore(url: &PgUrl, from: &Path, replace_schema: bool) -> anyhow::Result<()> {
    let tables = String::from_utf8_lossy(&Command::new("pg_restore").arg("--list").arg(from).output()?.stdout).lines().filter(|l| l.contains(" TABLE DATA ")).count();
    let mut psql = url
        .command("psql")?
        .args(["--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1", "--file=-", "--dbname"])
        .arg(&url.without_password)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| missing_tool("psql", e))?;
    let mut restore = Command::new("pg_restore")
        .args(["--no-owner", "--no-privileges", "--verbose", "--file=-"])
        .arg(from)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| missing_tool("pg_restore", e))?;
    let progress = count_bar(tables as u64, "Restoring tables");
    let restore_log = {
        let stderr = restore.stderr.take().expect("piped");
        let progress = progress.clone();
        std::thread::spawn(move || follow(stderr, "processing data for table", &progress))
    };
    let psql_log = {
        let stderr = psql.stderr.take().expect("piped");
        std::thread::spawn(move || BufReader::new(stderr).lines().map_while(Result::ok).collect::<Vec<_>>())
    };
    let mut sql_in = psql.stdin.take().expect("piped");
    let piped = (|| -> std::io::Result<()> {
        if replace_schema {
            sql_in.write_all(b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")?;
        }
        std::io::copy(&mut restore.stdout.take().expect("piped"), &mut sql_in)?;
        sql_in.flush()
    })();
    drop(sql_in);
    let restored = restore.wait()?;
    let applied = psql.wait()?;
    progress.finish_and_clear();
    let restore_log = restore_log.join().unwrap_or_default();
    let psql_log = psql_log.join().unwrap_or_default();
    if !restored.success() {
        bail!("pg_restore failed: {}", restore_log.join("\n"));
    }
    if !applied.success() || piped.is_err() {
        bail!("psql failed: {}", psql_log.join("\n"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_url() {
        let url = PgUrl::parse("postgres://lw:s%40cret:x@db.internal:5432/linkwork?sslmode=require").unwrap();
        assert_eq!(url.without_password, "postgres://lw@db.internal:5432/linkwork?sslmode=require");
        assert_eq!(url.password.as_deref(), Some("s@cret:x"));
        let url = PgUrl::parse("postgres://lw@127.0.0.1/db").unwrap();
        assert_eq!((url.without_password.as_str(), url.password), ("postgres://lw@127.0.0.1/db", None));
    }

    #[test]
    fn partial_files_sit_beside_the_backup() {
        assert_eq!(partial_path(Path::new("/b/linkwork.backup")), PathBuf::from("/b/linkwork.backup.partial"));
    }
}
