//! The server's background task for the onward-referral loop: every few seconds it delivers the
//! e-mail outbox by SMTP (when configured) and, less often, sends the reminders and "stuck"
//! prompts that have come due (idempotent: each prompt is created once).
//!
//! SMTP here is plain SMTP to a relay (`smtp://host:port`, no TLS, no credentials): production
//! should send through a relay on the same host or network (Postfix, an NHSmail or Exchange
//! connector) that adds TLS and authentication onwards. Nothing in an e-mail is a health detail:
//! the text names the service and links to the app (see `linkwork_domain::onward::Notice`).

use linkwork_app::onward_loop::send_due_prompts;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use linkwork_app::outbox;
use linkwork_app::store::{OutboxEmail, Store};
use linkwork_app::AppError;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// The outbox's rules (attempts, age, back-off) are the use case's (`linkwork_app::outbox`).
pub use linkwork_app::outbox::{MAX_AGE, MAX_ATTEMPTS};

/// How and when the background task works.
#[derive(Debug, Clone)]
pub struct NotifierSettings {
    /// `smtp://host[:port]` of a relay; without it no e-mail is sent (notifications still appear
    /// in the app, and the outbox keeps what would have been sent).
    pub smtp_url: Option<String>,
    /// The sender address.
    pub mail_from: String,
    /// The app's address as people reach it, for links in e-mails (`https://linkwork.example.org`).
    pub public_url: String,
    /// How often the outbox is drained.
    pub poll_every: Duration,
    /// How often due prompts are looked for.
    pub prompts_every: Duration,
}

impl Default for NotifierSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            mail_from: "Linkwork <linkwork@localhost>".into(),
            public_url: "http://localhost:8080".into(),
            poll_every: Duration::from_secs(5),
            prompts_every: Duration::from_secs(300),
        }
    }
}

/// An SMTP relay's address, from `smtp://host[:port]` (port 25 by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpRelay {
    pub host: String,
    pub port: u16,
}

impl SmtpRelay {
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url.trim().strip_prefix("smtp://").ok_or("the SMTP URL must look like smtp://host:port (plain SMTP to a relay; TLS is the relay's job)")?;
        let rest = rest.trim_end_matches('/');
        if rest.contains('@') || rest.contains('?') || rest.contains('/') {
            return Err("the SMTP URL takes only a host and port: credentials travel in clear without TLS, so use a local relay".into());
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) if !port.contains(']') => (host, port.parse::<u16>().map_err(|_| format!("{port:?} is not a port number"))?),
            _ => (rest, 25),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err("the SMTP URL needs a host, like smtp://localhost:25".into());
        }
        Ok(Self { host: host.to_owned(), port })
    }
}

/// Sends outbox e-mails through one SMTP relay.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

impl Mailer {
    /// A mailer for the settings' relay, or `None` when no SMTP URL is set.
    pub fn new(settings: &NotifierSettings) -> anyhow::Result<Option<Self>> {
        let Some(url) = &settings.smtp_url else { return Ok(None) };
        let relay = SmtpRelay::parse(url).map_err(anyhow::Error::msg)?;
        let from: Mailbox = settings.mail_from.parse().map_err(|e| anyhow::anyhow!("the sender address {:?} is not valid: {e}", settings.mail_from))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(relay.host).port(relay.port).timeout(Some(Duration::from_secs(20))).build();
        Ok(Some(Self { transport, from, public_url: settings.public_url.trim_end_matches('/').to_owned() }))
    }

    /// The e-mail as sent: the notification's text, a link to the app, and a footer.
    pub fn compose(&self, email: &OutboxEmail) -> Result<Message, String> {
        let to: Mailbox = email.to_address.parse().map_err(|e| format!("invalid recipient address: {e}"))?;
        let link = email.link.as_deref().map(|l| format!("\n\nOpen Linkwork to see it:\n{}{l}", self.public_url)).unwrap_or_default();
        let footer = if email.notification_id.is_some() {
            "Sent by Linkwork, the social prescribing service's referral system. This e-mail holds no personal or health details: sign in to see the referral."
        } else {
            // Account e-mails (password links) belong to no notification.
            "Sent by Linkwork, the social prescribing service's referral system. This e-mail holds no personal or health details."
        };
        let body = format!("{}{link}\n\n-- \n{}\n", wrap(&email.body), wrap(footer));
        Message::builder().from(self.from.clone()).to(to).subject(&email.subject).header(ContentType::TEXT_PLAIN).body(body).map_err(|e| e.to_string())
    }

    async fn send(&self, email: &OutboxEmail) -> Result<(), String> {
        let message = self.compose(email)?;
        self.transport.send(message).await.map(drop).map_err(|e| e.to_string())
    }
}

/// Wraps text at 72 columns (plain-text e-mail: short lines travel as 7-bit, unencoded).
fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        if line > 0 && line + 1 + word.len() > 72 {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

/// What one pass over the outbox did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub failed: usize,
}

/// Sends every e-mail that is due (not sent, under [`MAX_ATTEMPTS`], not waiting for a retry,
/// not older than [`MAX_AGE`]). Each is claimed first, so servers sharing a database do not
/// send one e-mail twice.
pub async fn deliver_outbox(store: &dyn Store, mailer: &Mailer) -> Result<Delivery, AppError> {
    deliver_outbox_while(store, mailer, || true).await
}

/// [`deliver_outbox`], checking `go_on` before each e-mail: when it says stop, the e-mails not yet
/// claimed stay in the outbox for the next start. An e-mail is claimed, sent and recorded as sent
/// without a check in between, so a server that stops this way never leaves one sent but
/// unrecorded (which a restart would send again).
pub async fn deliver_outbox_while(store: &dyn Store, mailer: &Mailer, go_on: impl Fn() -> bool) -> Result<Delivery, AppError> {
    let mut done = Delivery::default();
    let now = OffsetDateTime::now_utc();
    for email in outbox::due(store, now).await? {
        if !go_on() {
            break;
        }
        if !outbox::claim(store, &email, now).await? {
            continue;
        }
        match mailer.send(&email).await {
            Ok(()) => {
                outbox::sent(store, &email).await?;
                done.sent += 1;
            }
            Err(error) => {
                // The error may quote the address: it stays in the outbox, out of the logs.
                tracing::warn!(email_id = %email.id, attempt = email.attempts + 1, "e-mail delivery failed");
                outbox::failed(store, &email, &error).await?;
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

/// The running background task. Stop it with [`Notifier::stop`] (or a [`Stopper`]) so that it
/// finishes the e-mail it is sending; dropping the handle stops it too.
#[must_use = "the notifier stops when its handle is dropped"]
pub struct Notifier {
    stop: Stopper,
    task: tokio::task::JoinHandle<()>,
}

/// Tells a [`Notifier`] to stop after its current e-mail (cloneable, for a signal handler).
#[derive(Clone)]
pub struct Stopper(Arc<tokio::sync::watch::Sender<bool>>);

impl Stopper {
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

impl Notifier {
    pub fn stopper(&self) -> Stopper {
        self.stop.clone()
    }

    /// Asks the task to stop and waits until it has: the e-mail being sent is sent and recorded;
    /// e-mails still queued, and prompts not yet due, are picked up by the next start.
    pub async fn stop(self) {
        self.stop.stop();
        let _ = self.task.await;
    }

    /// Stops the task at once, wherever it is (tests only: an e-mail being sent may be sent again).
    pub fn abort(&self) {
        self.task.abort();
    }
}

/// Starts the background task (on the current tokio runtime): prompts every
/// `prompts_every`, the outbox every `poll_every` when SMTP is configured. Fails at once on a
/// bad SMTP URL or sender address, so a misconfiguration stops the server from starting.
pub fn spawn(store: Arc<dyn Store>, settings: NotifierSettings) -> anyhow::Result<Notifier> {
    let mailer = Mailer::new(&settings)?;
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move {
        // Stopping when asked, or when every handle is gone.
        let go_on = |stopped: &tokio::sync::watch::Receiver<bool>| !*stopped.borrow() && stopped.has_changed().is_ok();
        let mut prompts_checked: Option<Instant> = None;
        while go_on(&stopped) {
            if prompts_checked.is_none_or(|at| at.elapsed() >= settings.prompts_every) {
                // Each prompt is written once (a dedup key), so one cut short is completed by the next run.
                match send_due_prompts(&*store, OffsetDateTime::now_utc().date()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(created = n, "onward-referral prompts sent"),
                    Err(e) => tracing::warn!(error = %e, "could not check onward referrals for prompts"),
                }
                prompts_checked = Some(Instant::now());
            }
            if let Some(mailer) = &mailer {
                match deliver_outbox_while(&*store, mailer, || go_on(&stopped)).await {
                    Ok(Delivery { sent: 0, failed: 0 }) => {}
                    Ok(d) => tracing::info!(sent = d.sent, failed = d.failed, "e-mail outbox delivered"),
                    Err(e) => tracing::warn!(error = %e, "could not read the e-mail outbox"),
                }
            }
            tokio::select! {
                () = tokio::time::sleep(settings.poll_every) => {}
                _ = stopped.changed() => {}
            }
        }
        tracing::info!("notifier stopped; queued e-mails stay in the outbox for the next start");
    });
    Ok(Notifier { stop: Stopper(Arc::new(stop)), task })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        assert_eq!(SmtpRelay::parse("smtp://localhost:2525").unwrap(), SmtpRelay { host: "localhost".into(), port: 2525 });
        assert_eq!(SmtpRelay::parse("smtp://mail.internal").unwrap(), SmtpRelay { host: "mail.internal".into(), port: 25 });
        assert_eq!(SmtpRelay::parse("smtp://127.0.0.1:25/").unwrap(), SmtpRelay { host: "127.0.0.1".into(), port: 25 });
        assert_eq!(SmtpRelay::parse("smtp://[::1]:2525").unwrap(), SmtpRelay { host: "::1".into(), port: 2525 });
        assert!(SmtpRelay::parse("smtps://host:465").is_err());
        assert!(SmtpRelay::parse("smtp://user:secret@host:25").is_err());
        assert!(SmtpRelay::parse("smtp://host:notaport").is_err());
        assert!(SmtpRelay::parse("smtp://").is_err());
    }

    #[test]
    fn wraps_at_72() {
        let text = "Tuesday walks reports that the person for Pat has started. ".repeat(5);
        let wrapped = wrap(&text);
        assert!(wrapped.lines().all(|l| l.len() <= 72), "{wrapped}");
        assert_eq!(wrapped.split_whitespace().collect::<Vec<_>>(), text.split_whitespace().collect::<Vec<_>>());
    }
}
