//! `linkwork audit verify`: walks the audit trail's hash chain from its first event and reports
//! the first broken link (docs/security.md, "Audit").

use crate::commands::DatabaseArgs;
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use crate::detail::Detailed;
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check that no audit event was changed, removed or reordered: walk the hash chain from the
    /// first event, report the first broken link, and print the head to record as an anchor.
    Verify(VerifyArgs),
}

#[derive(Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// A head printed by an earlier run, as SEQ:HASH; the check fails if that event is no
    /// longer in the chain with that hash (the chain was rewritten since).
    #[arg(long)]
    pub anchor: Option<String>,
}

pub async fn run(command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify(args) => verify(args).await,
    }
}

fn parse_anchor(raw: &str) -> anyhow::Result<(i64, String)> {
    let (seq, hash) = raw.split_once(':').context("--anchor must be SEQ:HASH, as printed by an earlier `linkwork audit verify`")?;
    let seq: i64 = seq.trim().parse().context("--anchor: the part before ':' must be an event number")?;
    let hash = hash.trim().to_ascii_lowercase();
    if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
        bail!("--anchor: the part after ':' must be a 64-character hash");
    }
    Ok((seq, hash))
}

async fn verify(args: VerifyArgs) -> anyhow::Result<()> {
    let anchor = args.anchor.as_deref().map(parse_anchor).transpose()?;
    let store = linkwork_app::store::connect(&args.db.database).await.context("opening the database")?;
    let bar = ProgressBar::new_spinner().with_style(ProgressStyle::with_template("{spinner} checking the audit chain: {pos} events ({per_sec})").expect("a valid template"));
    let report = {
        let bar = bar.clone();
        linkwork_app::maintenance::verify_audit_chain(&*store, anchor, &move |checked| bar.set_position(checked)).await.detailed()?
    };
    bar.finish_and_clear();
    match report.broken {
        None => {
            println!("The audit trail is intact: {} events checked, every link holds.", report.checked);
            println!("Head: event {} with hash {}", report.head_seq, report.head_hash);
            println!("Keep this anchor somewhere else and check against it later: --anchor {}:{}", report.head_seq, report.head_hash);
            Ok(())
        }
        Some(broken) => bail!("the audit trail is broken after {} intact events: {broken}", report.checked),
    }
}
