//! The subcommands. Each returns `anyhow::Result` so failures print one clear line and exit 1.

use anyhow::Context;
use clap::Args;
use linkwork_domain::evaluation::{EvaluationSettings, Period};
use linkwork_domain::person::parse_iso_date;
use linkwork_report::Format;
use crate::detail::Detailed;
use linkwork_app::store::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Args)]
pub struct DatabaseArgs {
    /// Database URL: sqlite://path/to/file.db or postgres://user@host/db
    #[arg(long, env = "LINKWORK_DATABASE")]
    pub database: String,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Path of the demo SQLite database (created if missing, reused if already seeded).
    #[arg(long, default_value = "linkwork-demo.db")]
    pub database: PathBuf,
    /// Address to listen on. Port 0 picks a free port (printed on start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Number of synthetic referrals to create.
    #[arg(long, default_value_t = 600)]
    pub referrals: usize,
    /// Seed for the synthetic data (the same seed gives the same people).
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Send cookies without the Secure flag (only for plain-HTTP access from another machine).
    #[arg(long)]
    pub insecure_cookies: bool,
    #[command(flatten)]
    pub mail: MailArgs,
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address to listen on. Port 0 picks a free port (printed on start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Send cookies without the Secure flag (only behind no TLS on a trusted network).
    #[arg(long)]
    pub insecure_cookies: bool,
    /// A reverse proxy in front of this server (an address, or a network such as 10.0.0.0/8),
    /// whose X-Forwarded-For header names the client, for the sign-in lockout and the
    /// self-referral limit. Repeat it, or separate several with commas. Never name a network that
    /// clients can connect from directly.
    #[arg(long = "trusted-proxy", env = "LINKWORK_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_trusted_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    #[command(flatten)]
    pub mail: MailArgs,
    #[command(flatten)]
    pub oidc: OidcArgs,
}

/// A trusted proxy from the command line: a network (`10.0.0.0/8`) or one address (`10.0.0.5`).
pub fn parse_trusted_proxy(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{text:?} is not an IP address or network (such as 10.0.0.5 or 10.0.0.0/8)"))
}

/// Sign-in through an OpenID Connect provider such as NHS CIS2 (optional; docs/security.md).
/// Register Linkwork with the provider with the redirect URL <public URL>/login/oidc/callback.
#[derive(Args)]
pub struct OidcArgs {
    /// The provider's issuer URL; setting it turns single sign-on on. Must be https (plain http is
    /// accepted only for a provider on this machine, as in tests).
    #[arg(long, env = "LINKWORK_OIDC_ISSUER", requires_all = ["oidc_client_id", "oidc_client_secret_file"])]
    pub oidc_issuer: Option<String>,
    /// The client id Linkwork is registered with at the provider.
    #[arg(long, env = "LINKWORK_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// A file holding the client secret (so it stays off the command line and out of the environment).
    #[arg(long, env = "LINKWORK_OIDC_CLIENT_SECRET_FILE")]
    pub oidc_client_secret_file: Option<PathBuf>,
    /// The provider's name on the sign-in button ("Sign in with …").
    #[arg(long, env = "LINKWORK_OIDC_PROVIDER_NAME", default_value = "NHS Care Identity")]
    pub oidc_provider_name: String,
    /// Scopes to ask for besides openid, separated by spaces (the e-mail claim matches accounts).
    #[arg(long, env = "LINKWORK_OIDC_SCOPES", default_value = "email")]
    pub oidc_scopes: String,
}

/// E-mail notifications (see docs/onward-referrals.md).
#[derive(Args)]
pub struct MailArgs {
    /// Deliver e-mail notifications through this SMTP relay: smtp://host:port (plain SMTP, no
    /// TLS: use a relay on this host or network that adds TLS onwards). Without it, notifications
    /// appear in the app only.
    #[arg(long, env = "LINKWORK_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of e-mail notifications.
    #[arg(long, env = "LINKWORK_MAIL_FROM", default_value = "Linkwork <linkwork@localhost>")]
    pub mail_from: String,
    /// The address people and systems reach the app at, for links in e-mails and in FHIR
    /// Location/Link headers and Bundle fullUrls (default: http://<bind address>).
    #[arg(long, env = "LINKWORK_PUBLIC_URL")]
    pub public_url: Option<String>,
}

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// First day of the period (YYYY-MM-DD).
    #[arg(long)]
    pub from: String,
    /// Last day of the period (YYYY-MM-DD).
    #[arg(long)]
    pub to: String,
    /// json, csv, html or pdf (pdf needs Chromium: the Debian package "chromium")
    #[arg(long, default_value = "html")]
    pub format: String,
    /// File to write; standard output if omitted.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// What to report on: practice:<ODS code>, pcn:<ODS code>, icb:<ODS code>, or an ICB, PCN or
    /// practice's id, ODS code or name; every service in the database if omitted.
    #[arg(long)]
    pub scope: Option<String>,
}

/// Opens the database and brings its schema up to date, as every command does first.
pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    let store = linkwork_app::store::connect(url).await.with_context(|| "could not open the database".to_string())?;
    linkwork_app::maintenance::migrate(&*store).await.detailed().context("could not create or upgrade the schema")?;
    Ok(store)
}

pub async fn migrate(args: DatabaseArgs) -> anyhow::Result<()> {
    open(&args.database).await?;
    eprintln!("Schema is up to date.");
    Ok(())
}

pub async fn report(args: ReportArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let pdf = args.format.trim().eq_ignore_ascii_case("pdf");
    let format: Option<Format> = if pdf {
        None
    } else {
        Some(args.format.parse().map_err(|_| anyhow::anyhow!("unknown report format \"{}\": use json, csv, html or pdf", args.format.trim()))?)
    };
    let from = parse_iso_date("from", "start date (--from)", &args.from)?;
    let to = parse_iso_date("to", "end date (--to)", &args.to)?;
    let period = Period::new(from, to)?;
    let store = open(&args.db.database).await?;
    let settings = EvaluationSettings::default();
    let mut meta = linkwork_report::DocumentMeta { produced_on: Some(time::OffsetDateTime::now_utc().date()), ..Default::default() };
    let report = match &args.scope {
        Some(raw) => {
            let request = linkwork_domain::evaluation::report_scope::ScopeRequest::parse(raw)?;
            let scope = linkwork_app::report::scope_named(&*store, &request).await.detailed()?;
            meta.scope_kind = Some(scope.kind.label().to_owned());
            meta.scope_argument = Some(scope.argument());
            linkwork_app::report::scoped(&*store, &scope, period, &settings).await.detailed()?
        }
        None => linkwork_app::report::every_service(&*store, period, &settings).await.detailed()?,
    };
    let format_name = format.map_or("pdf", Format::name);
    let reproduce = linkwork_report::reproduce_command_scoped(meta.scope_argument.as_deref(), period, format_name);
    let body: Vec<u8> = match format {
        None => {
            let html = linkwork_report::annual_report_document(&report, &reproduce, &meta);
            tokio::task::spawn_blocking(move || linkwork_report::pdf::html_to_pdf(&html)).await.context("the PDF printer stopped")??
        }
        Some(Format::Html) => linkwork_report::annual_report_document(&report, &reproduce, &meta).into_bytes(),
        Some(f) => linkwork_report::render(&report, f, &reproduce)?.into_bytes(),
    };
    match args.out {
        Some(path) => {
            std::fs::write(&path, &body).with_context(|| format!("could not write {}", path.display()))?;
            eprintln!("Wrote {} ({}, {} to {}) in {} ms.", path.display(), report.scope, period.from, period.to, started.elapsed().as_millis());
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&body).context("could not write the report to standard output")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_trusted_proxy;

    #[test]
    fn a_trusted_proxy_is_a_network_or_one_address() {
        assert_eq!(parse_trusted_proxy("10.0.0.0/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(parse_trusted_proxy(" 10.0.0.5 ").unwrap().to_string(), "10.0.0.5/32");
        assert_eq!(parse_trusted_proxy("::1").unwrap().to_string(), "::1/128");
        assert!(parse_trusted_proxy("proxy.internal").unwrap_err().contains("not an IP address"));
    }
}
