//! People's rights from the command line, for a data protection officer or administrator on the
//! server: `linkwork subject-access` (everything held about a person, JSON and printable HTML),
//! `linkwork erase` (remove a person's identity, keep de-identified rows) and `linkwork
//! retention` (apply each service's retention period). Every action is audited as the
//! operating-system account that ran it.

use crate::actor::cli_actor;
use crate::commands::DatabaseArgs;
use anyhow::{bail, Context};
use clap::Args;
use linkwork_domain::NhsNumber;
use crate::detail::Detailed;
use linkwork_app::store::Store;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Args)]
pub struct SubjectAccessArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The person's NHS number (every service that holds it is included).
    #[arg(long)]
    pub nhs_number: String,
    /// Folder to write subject-access.json and subject-access.html into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct EraseArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The person's NHS number.
    #[arg(long)]
    pub nhs_number: String,
    /// The service (PCN) that holds the record: its id, ODS code or exact name.
    #[arg(long)]
    pub org: String,
    /// Why: for example the date and reference of the person's request.
    #[arg(long)]
    pub reason: String,
    /// Erase without asking (erasure cannot be undone).
    #[arg(long)]
    pub yes: bool,
}

#[derive(Args)]
pub struct RetentionArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Erase the records whose retention period has ended; without it, only count them.
    #[arg(long)]
    pub apply: bool,
}

async fn open(db: &DatabaseArgs) -> anyhow::Result<Arc<dyn Store>> {
    crate::commands::open(&db.database).await
}

fn nhs(raw: &str) -> anyhow::Result<NhsNumber> {
    NhsNumber::parse(raw).map_err(|e| anyhow::anyhow!("--nhs-number: {e}"))
}

pub async fn subject_access(args: SubjectAccessArgs, documents: &crate::Documents) -> anyhow::Result<()> {
    let nhs_number = nhs(&args.nhs_number)?;
    let store = open(&args.db).await?;
    let people = linkwork_app::privacy::records_by_nhs_number(&*store, &nhs_number).await.detailed()?;
    if people.is_empty() {
        bail!("no service holds a record with NHS number {nhs_number}");
    }
    std::fs::create_dir_all(&args.out).with_context(|| format!("could not create {}", args.out.display()))?;
    let mut all = Vec::new();
    let mut html = String::new();
    for person in people {
        let who = cli_actor(Some(&person.service_org_id));
        let sa = linkwork_app::privacy::subject_access(&*store, &who, &linkwork_domain::ids::PersonId::from(person.person_id.as_str())).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        all.push(serde_json::to_value(&sa)?);
        html.push_str(&(documents.subject_access)(sa, &person.person_id).map_err(|e| anyhow::anyhow!("{e}"))?);
    }
    let json = args.out.join("subject-access.json");
    std::fs::write(&json, serde_json::to_string_pretty(&all)? + "\n").with_context(|| format!("could not write {}", json.display()))?;
    let page = args.out.join("subject-access.html");
    std::fs::write(&page, html).with_context(|| format!("could not write {}", page.display()))?;
    println!("Wrote everything held about NHS number {nhs_number} ({} record{}) to {} and {}.", all.len(), if all.len() == 1 { "" } else { "s" }, json.display(), page.display());
    Ok(())
}

pub async fn erase(args: EraseArgs) -> anyhow::Result<()> {
    let nhs_number = nhs(&args.nhs_number)?;
    let reason = args.reason.trim();
    if reason.is_empty() {
        bail!("--reason: say why the record is erased (for example the date and reference of the request)");
    }
    if !args.yes {
        bail!("erasure removes the person's identity and notes for good: add --yes to confirm");
    }
    let store = open(&args.db).await?;
    let pcn = linkwork_app::orgs::find_org(&*store, &args.org).await.detailed()?.with_context(|| format!("no organisation with id, ODS code or name {:?}", args.org))?;
    linkwork_app::privacy::erase_by_nhs_number(&*store, &cli_actor(Some(&pcn.id)), &pcn, &nhs_number, reason).await.detailed()?;
    println!("Erased the record of NHS number {nhs_number} at {}: identity and notes removed, de-identified rows kept.", pcn.name);
    Ok(())
}

pub async fn retention(args: RetentionArgs) -> anyhow::Result<()> {
    let store = open(&args.db).await?;
    let today = time::OffsetDateTime::now_utc().date();
    let run = linkwork_app::privacy::apply_retention(&*store, &cli_actor(None), today, !args.apply).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    for (service, years, count) in &run.services {
        let verb = if args.apply { "erased" } else { "would be erased" };
        println!("{service}: records kept {years} years after the last referral closed; {count} {verb}.");
    }
    if !args.apply {
        println!("Nothing was changed: run with --apply to erase them.");
    }
    Ok(())
}
