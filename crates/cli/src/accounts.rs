//! `linkwork user …` and `linkwork token …`: accounts and API tokens from the command line, for
//! the administrator of an installation. Changes are audited (as `cli:<operating-system account>`).

use crate::commands::DatabaseArgs;
use anyhow::{bail, Context};
use clap::Subcommand;
use linkwork_domain::access::Role;
use linkwork_app::accounts::admin::{self, Administrator};
use linkwork_app::store::{Store, TokenStatus, User, UserFilter};
use linkwork_app::AppError;
use crate::detail::Detailed;
use std::io::Read;
use time::OffsetDateTime;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account: with a password read from standard input, or with --invite, with no
    /// password and a single-use link (printed) for the person to choose one.
    Add {
        #[command(flatten)]
        db: DatabaseArgs,
        /// link_worker, manager, practice_staff, vcse_partner, commissioner or admin
        #[arg(long)]
        role: String,
        /// The organisation: its id, ODS code or exact name.
        #[arg(long)]
        org: String,
        /// The person's work e-mail address; they sign in with it.
        #[arg(long)]
        email: String,
        /// The name shown in the app (defaults to the email address).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input (passwords never go on the command line).
        #[arg(long, required_unless_present = "invite", conflicts_with = "invite")]
        password_stdin: bool,
        /// Create the account without a password and print an invitation link (valid 7 days, once).
        #[arg(long, requires = "public_url")]
        invite: bool,
        /// The address people reach Linkwork at, for the link (e.g. https://linkwork.example.org).
        #[arg(long, env = "LINKWORK_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// List accounts, with filters.
    List {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Only accounts of this organisation (id, ODS code or exact name).
        #[arg(long)]
        org: Option<String>,
        /// Only accounts with this role (link_worker, manager, practice_staff, vcse_partner, commissioner, admin).
        #[arg(long)]
        role: Option<String>,
        /// Only active or only deactivated accounts: active or deactivated.
        #[arg(long)]
        status: Option<String>,
        /// Only accounts whose name or e-mail address contains this text.
        #[arg(long)]
        search: Option<String>,
    },
    /// Set an account's password, read from standard input: for staff brought in by a bundle (who
    /// have none) or someone locked out. Ends the account's sessions.
    SetPassword {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Print a single-use link (valid 24 hours) for the person to set a new password; it replaces
    /// any earlier link. Give it to them by a safe route.
    ResetPassword {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
        /// The address people reach Linkwork at, for the link (e.g. https://linkwork.example.org).
        #[arg(long, env = "LINKWORK_PUBLIC_URL")]
        public_url: String,
    },
    /// Deactivate an account: it can no longer sign in and its sessions end. Its records stay.
    Deactivate {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
    },
    /// Reactivate a deactivated account.
    Reactivate {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
    },
    /// End every session of an account, on every device.
    SignOutEverywhere {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Print a new bearer token for the JSON and FHIR APIs, acting for an organisation in a role.
    Create {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The organisation the token acts for: its id, ODS code or exact name.
        #[arg(long)]
        org: String,
        /// The role it acts in: link_worker, manager, practice_staff, vcse_partner, commissioner or admin.
        #[arg(long)]
        role: String,
        /// A name to recognise it by in `token list` (e.g. the system that uses it).
        #[arg(long)]
        label: Option<String>,
        /// Days until it stops working (1 to 366).
        #[arg(long, default_value_t = linkwork_app::store::API_TOKEN_DEFAULT_DAYS)]
        expires_in_days: i64,
    },
    /// List tokens (never their secrets): label, organisation, role, expiry, status.
    List {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Only tokens of this organisation (id, ODS code or exact name).
        #[arg(long)]
        org: Option<String>,
        /// Only tokens in this state: active, expired or revoked.
        #[arg(long)]
        status: Option<String>,
    },
    /// Revoke a token: every request with it is refused (401) from now on.
    Revoke {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The token's id, as `token list` shows it.
        #[arg(long)]
        id: String,
    },
}

/// The command line acts as no user: the audit trail records the operating-system account.
fn command_line() -> Administrator {
    Administrator::command_line(crate::actor::cli_actor(None))
}

fn read_password() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password).context("could not read the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    linkwork_app::accounts::check_new_password(&password).map_err(|m| anyhow::anyhow!("{}", lowercase_first(&m)))?;
    Ok(password)
}

fn lowercase_first(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

async fn account(store: &dyn Store, by: &Administrator, email: &str) -> anyhow::Result<User> {
    admin::user_by_email(store, by, email).await.detailed()?.with_context(|| format!("no account has the e-mail address {:?}", email.trim()))
}

/// The organisation `--org` names, if given.
async fn org_id(store: &dyn Store, key: Option<String>) -> anyhow::Result<Option<String>> {
    match key {
        Some(key) => Ok(Some(linkwork_app::orgs::find_org(store, &key).await.detailed()?.with_context(|| format!("no organisation with id, ODS code or name {key:?}"))?.id)),
        None => Ok(None),
    }
}

fn when(at: OffsetDateTime) -> String {
    linkwork_app::accounts::format_when(at)
}

pub async fn user(command: UserCommand) -> anyhow::Result<()> {
    let by = command_line();
    match command {
        UserCommand::Add { db, role, org, email, name, password_stdin: _, invite, public_url } => {
            let role = Role::parse(&role)?;
            let store = crate::commands::open(&db.database).await?;
            let org = admin::org_for_role(&*store, &by, &org, role).await.detailed()?;
            let email = linkwork_domain::casework::intake::EmailAddress::parse(&email).map_err(|_| anyhow::anyhow!("enter an email address, like name@example.org"))?;
            let email = email.as_str();
            let display_name = name.unwrap_or_else(|| email.to_owned());
            let exists = |e: AppError| match e {
                AppError::Conflict(_) => anyhow::anyhow!("an account with the e-mail address {email} already exists: give it a password with `linkwork user set-password` or `linkwork user reset-password`"),
                other => crate::detail::detailed(other),
            };
            let account = linkwork_app::accounts::links::Invitation { email, display_name: &display_name, role, org_id: &org.id, org_name: &org.name };
            if invite {
                let (id, link) = admin::invite(&*store, &by, &account, public_url.as_deref().unwrap_or_default(), false).await.map_err(exists)?;
                eprintln!("Created {} account {email} for {} ({id}) with no password. Give them this link by a safe route; it works once, until {}:", role.label().to_lowercase(), org.name, when(link.expires_at));
                println!("{}", link.url);
            } else {
                let password = read_password()?;
                let id = admin::add_user(&*store, &by, &account, &password).await.map_err(exists)?;
                eprintln!("Created {} account {email} for {} ({id}).", role.label().to_lowercase(), org.name);
            }
        }
        UserCommand::List { db, org, role, status, search } => {
            let store = crate::commands::open(&db.database).await?;
            let org_id = org_id(&*store, org).await?;
            let active = match status.as_deref().map(str::trim) {
                None => None,
                Some("active") => Some(true),
                Some("deactivated") => Some(false),
                Some(other) => bail!("unknown status {other:?}: use active or deactivated"),
            };
            let role = role.as_deref().map(Role::parse).transpose()?;
            let users = admin::list_users(&*store, &by, &UserFilter { text: search, role, org_id, active, limit: i64::MAX }).await.detailed()?;
            println!("{:<36}  {:<32}  {:<24}  {:<22}  {:<11}  sign-in", "id", "email", "name", "role", "status");
            for s in &users {
                let sign_in = match (s.has_password, s.single_sign_on) {
                    (true, true) => "password, single sign-on",
                    (true, false) => "password",
                    (false, true) => "single sign-on",
                    (false, false) => "no password yet",
                };
                println!("{:<36}  {:<32}  {:<24}  {:<22}  {:<11}  {sign_in}  ({})", s.user.id, s.user.email, s.user.display_name, s.user.role.code(), if s.user.active { "active" } else { "deactivated" }, s.org_name);
            }
            eprintln!("{} account(s).", users.len());
        }
        UserCommand::SetPassword { db, email, password_stdin: _ } => {
            let store = crate::commands::open(&db.database).await?;
            let user = account(&*store, &by, &email).await?;
            let password = read_password()?;
            admin::set_password(&*store, &by, &user, &password).await.detailed()?;
            eprintln!("Password set for {}; their sessions have ended.{}", user.email, if user.active { "" } else { " The account is deactivated: reactivate it for them to sign in." });
        }
        UserCommand::ResetPassword { db, email, public_url } => {
            let store = crate::commands::open(&db.database).await?;
            let user = account(&*store, &by, &email).await?;
            let link = admin::reset_password(&*store, &by, &user, &public_url, false).await.map_err(|e| anyhow::anyhow!("{}", lowercase_first(&e.to_string())))?;
            eprintln!("A link for {} to set a new password. Give it to them by a safe route; it works once, until {}:", user.email, when(link.expires_at));
            println!("{}", link.url);
        }
        UserCommand::Deactivate { db, email } => {
            let store = crate::commands::open(&db.database).await?;
            let user = account(&*store, &by, &email).await?;
            if admin::set_active(&*store, &by, &user, false).await.detailed()? {
                eprintln!("Deactivated {}: their sessions have ended and they cannot sign in.", user.email);
            } else {
                eprintln!("{} was already deactivated.", user.email);
            }
        }
        UserCommand::Reactivate { db, email } => {
            let store = crate::commands::open(&db.database).await?;
            let user = account(&*store, &by, &email).await?;
            if admin::set_active(&*store, &by, &user, true).await.detailed()? {
                eprintln!("Reactivated {}.", user.email);
            } else {
                eprintln!("{} was already active.", user.email);
            }
        }
        UserCommand::SignOutEverywhere { db, email } => {
            let store = crate::commands::open(&db.database).await?;
            let user = account(&*store, &by, &email).await?;
            let ended = admin::end_sessions(&*store, &by, &user.id).await.detailed()?;
            eprintln!("Ended {ended} session(s) of {}.", user.email);
        }
    }
    Ok(())
}

pub async fn token(command: TokenCommand) -> anyhow::Result<()> {
    let by = command_line();
    match command {
        TokenCommand::Create { db, org, role, label, expires_in_days } => {
            let lifetime = admin::token_lifetime(expires_in_days).detailed()?;
            let role = Role::parse(&role)?;
            let store = crate::commands::open(&db.database).await?;
            let org = admin::org_for_role(&*store, &by, &org, role).await.detailed()?;
            let token = admin::issue_api_token(&*store, &by, &org, role, label, lifetime).await.detailed()?;
            eprintln!("Token {} for {} as {}, valid until {}. It is shown once: store it safely.", token.id, org.name, role.label().to_lowercase(), when(token.expires_at));
            println!("{}", token.secret);
        }
        TokenCommand::List { db, org, status } => {
            let store = crate::commands::open(&db.database).await?;
            let org_id = org_id(&*store, org).await?;
            let wanted = match status.as_deref().map(str::trim) {
                None => None,
                Some(code) => Some(TokenStatus::parse(code).with_context(|| format!("unknown status {code:?}: use active, expired or revoked"))?),
            };
            let now = OffsetDateTime::now_utc();
            let tokens = admin::api_tokens(&*store, &by, org_id.as_deref(), wanted, now).await.detailed()?;
            println!("{:<36}  {:<8}  {:<24}  {:<16}  {:<28}  organisation", "id", "status", "label", "role", "expires");
            for t in &tokens {
                println!("{:<36}  {:<8}  {:<24}  {:<16}  {:<28}  {}", t.id, t.status(now).code(), t.label.as_deref().unwrap_or("-"), t.role.code(), when(t.expires_at), t.org_name);
            }
            eprintln!("{} token(s).", tokens.len());
        }
        TokenCommand::Revoke { db, id } => {
            let store = crate::commands::open(&db.database).await?;
            match admin::revoke_api_token(&*store, &by, id.trim()).await {
                Ok(true) => eprintln!("Revoked token {}: requests with it are refused from now on.", id.trim()),
                Ok(false) => eprintln!("Token {} was already revoked.", id.trim()),
                Err(AppError::NotFound) => bail!("no token has the id {:?} (see `linkwork token list`)", id.trim()),
                Err(e) => return Err(crate::detail::detailed(e)),
            }
        }
    }
    Ok(())
}
