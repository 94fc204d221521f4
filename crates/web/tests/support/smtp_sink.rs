//! A real SMTP peer for tests: a minimal SMTP server on 127.0.0.1 that keeps what it receives
//! (used by the onward-loop tests here and, by path, by the CLI's shutdown test).
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A message as the SMTP peer received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub rcpt: Vec<String>,
    pub data: String,
    pub at: Instant,
}

impl Received {
    /// The message with folded header lines unfolded, and quoted-printable soft line breaks and
    /// escapes undone.
    pub fn text(&self) -> String {
        let joined = self.data.replace("\r\n ", " ").replace("\r\n\t", "\t").replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
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
}

/// A minimal SMTP server (RFC 5321's replies for EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing,
/// RSET, NOOP, QUIT) on 127.0.0.1 that keeps what it receives.
pub struct SmtpSink {
    addr: std::net::SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    arrived: Arc<tokio::sync::Notify>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        Self::start_slow(Duration::ZERO).await
    }

    /// A sink that takes `delay` to accept each message (after its last line, before its `250`),
    /// like a relay busy with a virus scan: a sender has a message in flight for that long.
    pub async fn start_slow(delay: Duration) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let arrived = Arc::new(tokio::sync::Notify::new());
        let (store, notify) = (received.clone(), arrived.clone());
        tokio::spawn(async move {
            loop {
                let (socket, _) = listener.accept().await.unwrap();
                tokio::spawn(Self::session(socket, store.clone(), notify.clone(), delay));
            }
        });
        Self { addr, received, arrived }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// The messages accepted so far (kept).
    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn take(&self) -> Vec<Received> {
        std::mem::take(&mut *self.received.lock().unwrap())
    }

    /// Waits until at least `n` messages have arrived, then takes them.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.arrived.notified();
            if self.received.lock().unwrap().len() >= n {
                return self.take();
            }
            assert!(Instant::now() < deadline, "no e-mail arrived within {timeout:?}");
            let _ = tokio::time::timeout(Duration::from_millis(50), notified).await;
        }
    }

    async fn session(socket: tokio::net::TcpStream, received: Arc<Mutex<Vec<Received>>>, arrived: Arc<tokio::sync::Notify>, delay: Duration) -> std::io::Result<()> {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
        let (mut from, mut rcpt) = (String::new(), Vec::new());
        loop {
            let mut line = String::new();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_owned();
            let upper = command.to_ascii_uppercase();
            let address = |c: &str| c.split_once(':').map(|(_, a)| a.split_whitespace().next().unwrap_or("").trim_matches(|ch| ch == '<' || ch == '>').to_owned()).unwrap_or_default();
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-sink.test greets you\r\n250-8BITMIME\r\n250 SIZE 1000000\r\n"
            } else if upper.starts_with("HELO") {
                b"250 sink.test\r\n"
            } else if upper.starts_with("MAIL FROM:") {
                from = address(&command);
                rcpt.clear();
                b"250 2.1.0 OK\r\n"
            } else if upper.starts_with("RCPT TO:") {
                rcpt.push(address(&command));
                b"250 2.1.5 OK\r\n"
            } else if upper == "DATA" {
                if rcpt.is_empty() {
                    write.write_all(b"503 5.5.1 RCPT first\r\n").await?;
                    continue;
                }
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if lines.read_line(&mut l).await? == 0 {
                        return Ok(());
                    }
                    if l == ".\r\n" || l == ".\n" {
                        break;
                    }
                    data.push_str(l.strip_prefix('.').unwrap_or(&l));
                }
                tokio::time::sleep(delay).await;
                received.lock().unwrap().push(Received { from: std::mem::take(&mut from), rcpt: std::mem::take(&mut rcpt), data, at: Instant::now() });
                arrived.notify_waiters();
                b"250 2.0.0 OK queued\r\n"
            } else if upper == "RSET" {
                from.clear();
                rcpt.clear();
                b"250 2.0.0 OK\r\n"
            } else if upper == "NOOP" {
                b"250 2.0.0 OK\r\n"
            } else if upper == "QUIT" {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            } else {
                b"502 5.5.2 Command not recognised\r\n"
            };
            write.write_all(reply).await?;
        }
    }
}
