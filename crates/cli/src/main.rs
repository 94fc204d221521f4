//! `linkwork`: the command-line shell. Each subcommand parses its arguments, opens the store and
//! calls the same library code the web shell uses.

mod accounts;
mod actor;
mod audit;
mod backup;
mod bundle;
mod commands;
mod export;
mod import;
mod import_activity;
mod import_equity;
mod settings;
mod import_oruk;
mod privacy;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "linkwork", version, about = "Linkwork: run a social prescribing service and prove its impact.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    /// Import data from files: referrals exported from a GP system, as CSV; a directory in Open Referral UK format.
    Import {
        #[command(subcommand)]
        command: import::ImportCommand,
    },
    /// Export data: the coded return to the GP record, as FHIR or CSV.
    /// A service's evaluation settings: referral-rate target band per year, link workers' WTE.
    Settings {
        #[command(subcommand)]
        command: settings::SettingsCommand,
    },
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

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => commands::demo(args).await,
        Command::Serve(args) => commands::serve(args).await,
        Command::Migrate(args) => commands::migrate(args).await,
        Command::User { command } => accounts::user(command).await,
        Command::Token { command } => accounts::token(command).await,
        Command::Report(args) => commands::report(args).await,
        Command::Import { command } => import::run(command).await,
        Command::Export { command } => export::run(command).await,
        Command::Settings { command } => settings::run(command).await,
        Command::Generate { command } => bundle::generate(command),
        Command::Routes => {
            // The browser tests walk this list (tests/browser/small_screens.test.mjs).
            for route in linkwork_web::route_table() {
                println!("{} {}", route.method, route.path);
            }
            Ok(())
        }
        Command::Backup(args) => backup::backup(args).await,
        Command::Restore(args) => backup::restore(args).await,
        Command::Audit { command } => audit::run(command).await,
        Command::SubjectAccess(args) => privacy::subject_access(args).await,
        Command::Erase(args) => privacy::erase(args).await,
        Command::Retention(args) => privacy::retention(args).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
