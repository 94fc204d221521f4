//! The `linkwork` command line: every subcommand's arguments (clap) and, for all but the three
//! that run the web server (`serve`, `demo`, `routes`, run by the `linkwork` binary in
//! `crates/linkwork`), what it does. Each opens the store and goes through the same use cases
//! (`linkwork_app`) as the web shell; nothing here knows HTTP.

mod accounts;
mod actor;
mod audit;
mod backup;
mod bundle;
pub mod commands;
mod csv_lines;
mod detail;
mod export;
mod import;
mod import_activity;
mod import_comparison;
mod import_equity;
mod settings;
mod import_oruk;
mod privacy;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "linkwork", version, about = "Linkwork: run a social prescribing service and prove its impact.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create (or reuse) a demo database full of realistic synthetic data, print the demo logins, and serve it.
    Demo(commands::DemoArgs),
    /// Serve an existing database.
    Serve(commands::ServeArgs),
    /// Create or upgrade the database schema.
    Migrate(commands::DatabaseArgs),
    /// Manage user accounts: add, invite, list, set or reset a password, deactivate, reactivate, sign out everywhere.
    User {
        #[command(subcommand)]
        command: accounts::UserCommand,
    },
    /// Manage API tokens: create (with an expiry), list, revoke.
    Token {
        #[command(subcommand)]
        command: accounts::TokenCommand,
    },
    /// Produce the evaluation report for a period and scope, as JSON, CSV, HTML or PDF.
    Report(commands::ReportArgs),
    /// Import data from files: referrals (GP-system CSV), a directory (Open Referral UK), health-system activity, postcodes (NSPL), deprivation (IMD), practice list profiles, or a whole bundle.
    Import {
        #[command(subcommand)]
        command: import::ImportCommand,
    },
    /// A service's evaluation settings: referral-rate target band per year, link workers' WTE.
    Settings {
        #[command(subcommand)]
        command: settings::SettingsCommand,
    },
    /// Export data: the coded return to the GP record, as FHIR or CSV.
    Export {
        #[command(subcommand)]
        command: export::ExportCommand,
    },
    /// Write a consistent backup of the whole database to a file, while the server runs.
    Backup(backup::BackupArgs),
    /// Restore a backup into an empty database (or, with --overwrite, replace what it holds).
    Restore(backup::RestoreArgs),
    /// Everything held about a person (UK GDPR subject access), as JSON and a printable page.
    SubjectAccess(privacy::SubjectAccessArgs),
    /// Erase a person's identity and notes on their request, keeping de-identified rows for the figures.
    Erase(privacy::EraseArgs),
    /// Apply each service's retention period (erase records whose period has ended); counts only unless --apply.
    Retention(privacy::RetentionArgs),
    /// Check the audit trail: that no event was changed, removed or reordered.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// List every route the server answers (method and path), from its own route table.
    Routes,
    /// Generate synthetic data for benchmarks and trials.
    Generate {
        #[command(subcommand)]
        command: bundle::GenerateCommand,
    },
}

/// What the command line needs from the web shell without linking it: the printable subject
/// access page is the web page's template, handed in by the binary.
pub struct Documents {
    pub subject_access: fn(linkwork_app::privacy::SubjectAccess, &str) -> Result<String, String>,
}

/// Runs every subcommand but those that run the web server (`serve`, `demo`, `routes`), which
/// the binary runs itself.
pub async fn run(command: Command, documents: &Documents) -> anyhow::Result<()> {
    if let Some(date) = linkwork_app::clock::fixed_date().map_err(|m| anyhow::anyhow!(m))? {
        eprintln!("Working to the date {date} (LINKWORK_TODAY).");
    }
    match command {
        Command::Migrate(args) => commands::migrate(args).await,
        Command::User { command } => accounts::user(command).await,
        Command::Token { command } => accounts::token(command).await,
        Command::Report(args) => commands::report(args).await,
        Command::Import { command } => import::run(command).await,
        Command::Export { command } => export::run(command).await,
        Command::Settings { command } => settings::run(command).await,
        Command::Generate { command } => bundle::generate(command),
        Command::Backup(args) => backup::backup(args).await,
        Command::Restore(args) => backup::restore(args).await,
        Command::Audit { command } => audit::run(command).await,
        Command::SubjectAccess(args) => privacy::subject_access(args, documents).await,
        Command::Erase(args) => privacy::erase(args).await,
        Command::Retention(args) => privacy::retention(args).await,
        Command::Demo(_) | Command::Serve(_) | Command::Routes => anyhow::bail!("this command runs the web server: run it with the linkwork program"),
    }
}
