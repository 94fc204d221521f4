//! `linkwork`: the program. The command line's subcommands are `linkwork_cli`'s; this binary adds
//! the three that run the web server (`serve`, `demo`, `routes`), so that only it links the web
//! shell.

use anyhow::Context;
use clap::Parser;
use linkwork_cli::commands::{DemoArgs, MailArgs, OidcArgs, ServeArgs};
use linkwork_cli::{Cli, Command, Documents};
use linkwork_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match linkwork_app::clock::fixed_date() {
        Err(message) => {
            eprintln!("error: {message}");
            return std::process::ExitCode::FAILURE;
        }
        // Flags of what is due depend on the date: a fixed one must never pass unnoticed (hazard H-21).
        Ok(Some(date)) if matches!(cli.command, Command::Serve(_) | Command::Demo(_)) => tracing::warn!(%date, "working to a fixed date (LINKWORK_TODAY), not today's"),
        Ok(_) => {}
    }
    let documents = Documents { subject_access: |sa, person_id| linkwork_web::subject_access_document(sa, person_id).map_err(|e| e.to_string()) };
    let result = match cli.command {
        Command::Demo(args) => demo(args).await,
        Command::Serve(args) => serve(args).await,
        Command::Routes => {
            // The browser tests walk this list (tests/browser/small_screens.test.mjs).
            for route in linkwork_web::route_table() {
                println!("{} {}", route.method, route.path);
            }
            Ok(())
        }
        other => linkwork_cli::run(other, &documents).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The OpenID Connect settings `--oidc-*` give, if single sign-on is turned on.
fn oidc_settings(args: OidcArgs) -> anyhow::Result<Option<linkwork_web::OidcSettings>> {
    let Some(issuer) = args.oidc_issuer else { return Ok(None) };
    let path = args.oidc_client_secret_file.context("--oidc-client-secret-file is needed with --oidc-issuer")?;
    let secret = std::fs::read_to_string(&path).with_context(|| format!("could not read the OpenID Connect client secret from {}", path.display()))?;
    Ok(Some(linkwork_web::OidcSettings {
        issuer,
        client_id: args.oidc_client_id.context("--oidc-client-id is needed with --oidc-issuer")?,
        client_secret: secret.trim().to_owned(),
        provider_name: args.oidc_provider_name,
        scopes: args.oidc_scopes.split_whitespace().map(str::to_owned).collect(),
    }))
}

async fn listen_and_serve(store: Arc<dyn Store>, bind: SocketAddr, insecure_cookies: bool, trusted_proxies: Vec<ipnet::IpNet>, mail: MailArgs, oidc: Option<linkwork_web::OidcSettings>) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("could not listen on {bind}"))?;
    let addr = listener.local_addr()?;
    let public_url = mail.public_url.unwrap_or_else(|| format!("http://{addr}"));
    let email_enabled = mail.smtp_url.is_some();
    let config = linkwork_web::WebConfig { secure_cookies: !insecure_cookies, public_url: public_url.clone(), email_enabled, oidc, trusted_proxies };
    config.check()?;
    // The onward-referral loop's prompts and e-mail outbox, in the background.
    let settings = linkwork_web::notifier::NotifierSettings {
        public_url: public_url.clone(),
        smtp_url: mail.smtp_url,
        mail_from: mail.mail_from,
        ..Default::default()
    };
    let notifier = linkwork_web::notifier::spawn(store.clone(), settings).context("could not set up e-mail notifications")?;
    // Each service's retention period, applied once a day (each erasure is its own transaction,
    // so a stop in the middle leaves the rest for the next start).
    linkwork_app::privacy::spawn_retention(store.clone());
    // On Ctrl-C or SIGTERM: stop taking requests and let those in flight finish, while the
    // notifier finishes the e-mail it is sending; then exit (docs/operations.md).
    let signal = linkwork_web::shutdown_signal();
    let stopper = notifier.stopper();
    let stop = async move {
        signal.await;
        stopper.stop();
    };
    println!("Linkwork is running at http://{addr}/ ({} database). Press Ctrl-C to stop.", store.backend());
    let served = linkwork_web::serve_until(listener, store, config, stop).await;
    notifier.stop().await;
    eprintln!("Linkwork has stopped.");
    served
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let oidc = oidc_settings(args.oidc)?;
    let store = linkwork_cli::commands::open(&args.db.database).await?;
    listen_and_serve(store, args.bind, args.insecure_cookies, args.trusted_proxies, args.mail, oidc).await
}

pub async fn demo(args: DemoArgs) -> anyhow::Result<()> {
    let url = format!("sqlite://{}", args.database.display());
    let store = linkwork_cli::commands::open(&url).await?;
    let options = linkwork_demo::DemoOptions { seed: args.seed, today: linkwork_app::clock::today(), referrals: args.referrals };
    let logins = if linkwork_demo::is_seeded(&*store).await? {
        eprintln!("Reusing the demo database {}.", args.database.display());
        linkwork_demo::logins(&*store).await?
    } else {
        eprintln!("Creating demo data in {} …", args.database.display());
        let summary = linkwork_demo::seed(&*store, &options).await?;
        eprintln!("Created {} referrals, {} services, {} organisations.", summary.referrals, summary.services, summary.organisations);
        summary.logins
    };
    println!("\nDemo logins (password for all: {}):", linkwork_demo::DEMO_PASSWORD);
    for login in &logins {
        println!("  {:<24} {:<44} {}", login.role.label(), login.email, login.org_name);
    }
    println!();
    listen_and_serve(store, args.bind, args.insecure_cookies, Vec::new(), args.mail, None).await
}

