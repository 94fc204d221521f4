//! `linkwork export gp-record`: the return to the GP record for every referral of a service (PCN),
//! as a FHIR R4 Bundle or as CSV, through the same code as `GET /api/gp-record`
//! (`linkwork_app::fhir::export_gp_record`; the format is described in docs/fhir.md).
//!
//! Reading the records is audited: one `referral.read` event per referral, recorded with the
//! organisation and the operating-system account that ran the command (`cli:<account>`), which is
//! how a command-line export is told apart from one made through the API.

use crate::commands::DatabaseArgs;
use anyhow::Context;
use clap::{Args, Subcommand};
use crate::detail::Detailed;
use linkwork_app::fhir::{export_gp_record, GpRecordFormat};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Coded events for the GP record of every referral of a PCN, as a FHIR R4 Bundle or CSV.
    GpRecord(GpRecordArgs),
    /// A whole service's history as a bundle folder (docs/bundle.md), optionally pseudonymised.
    Bundle(crate::bundle::ExportBundleArgs),
}

#[derive(Args)]
pub struct GpRecordArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The service (PCN): its id, ODS code or exact name.
    #[arg(long)]
    pub org: String,
    /// fhir (a FHIR R4 Bundle of type collection) or csv (one row per event)
    #[arg(long)]
    pub format: String,
    /// File to write; standard output if omitted.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The address the Linkwork server is reached at, used for the Bundle entries' fullUrl.
    #[arg(long, default_value = "http://localhost:8080")]
    pub base_url: String,
}

pub async fn run(command: ExportCommand) -> anyhow::Result<()> {
    let args = match command {
        ExportCommand::GpRecord(args) => args,
        ExportCommand::Bundle(args) => return crate::bundle::export(args).await,
    };
    let format: GpRecordFormat = args.format.parse().map_err(|e: String| anyhow::anyhow!("--format: {e}"))?;
    let store = crate::commands::open(&args.db.database).await?;
    let pcn = linkwork_app::service_settings::find_service(&*store, &args.org).await.detailed()?;
    let who = crate::actor::cli_actor(Some(&pcn.id));
    let body = export_gp_record(&*store, &who, &pcn.id, format, &args.base_url).await?;
    match args.out {
        Some(path) => {
            std::fs::write(&path, body).with_context(|| format!("could not write {}", path.display()))?;
            eprintln!("Wrote the GP record of {} to {}.", pcn.name, path.display());
        }
        None => print!("{body}"),
    }
    Ok(())
}
