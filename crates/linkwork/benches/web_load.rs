//! Web load: `--concurrency` clients request the given paths in turn, as fast as the server
//! answers, for `--seconds`, and one JSON line per path reports requests per second, latency
//! percentiles, errors and the mean page size. `bench/run` uses it for every page and API read it
//! measures and for the `/healthz` anchor, in the same run.
//!
//! ```text
//! cargo bench -p linkwork --bench web_load -- --base http://127.0.0.1:8080 \
//!     --login manager@bench.test:PASSWORD --concurrency 50 --seconds 20 --path /caseload --path /dashboard
//! ```
//! `--token T` sends a bearer token instead of signing in (for `/api/…`); with neither, requests
//! go without credentials (`/healthz`). Signing in happens once: every client shares the session,
//! as a read benchmark may.

use reqwest::header::{COOKIE, SET_COOKIE};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Options {
    base: String,
    paths: Vec<String>,
    concurrency: usize,
    seconds: u64,
    token: Option<String>,
    login: Option<(String, String)>,
}

fn options() -> Result<Options, String> {
    let mut o = Options { base: String::new(), paths: Vec::new(), concurrency: 50, seconds: 20, token: None, login: None };
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--base" => o.base = value()?.trim_end_matches('/').to_owned(),
            "--path" => o.paths.push(value()?),
            "--concurrency" => o.concurrency = value()?.parse().map_err(|_| "--concurrency: a whole number")?,
            "--seconds" => o.seconds = value()?.parse().map_err(|_| "--seconds: a whole number")?,
            "--token" => o.token = Some(value()?),
            "--login" => {
                let v = value()?;
                let (email, password) = v.split_once(':').ok_or("--login EMAIL:PASSWORD")?;
                o.login = Some((email.to_owned(), password.to_owned()));
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if o.base.is_empty() || o.paths.is_empty() {
        return Err("give --base URL and at least one --path".into());
    }
    Ok(o)
}

fn first_cookie(response: &reqwest::Response) -> Option<String> {
    Some(response.headers().get(SET_COOKIE)?.to_str().ok()?.split(';').next()?.to_owned())
}

/// Signs in through the form, as a browser does: the form's cookie and CSRF token, then the post.
async fn sign_in(http: &reqwest::Client, base: &str, email: &str, password: &str) -> Result<String, String> {
    let form = http.get(format!("{base}/login")).send().await.map_err(|e| e.to_string())?;
    let form_cookie = first_cookie(&form).ok_or("the sign-in form set no cookie")?;
    let html = form.text().await.map_err(|e| e.to_string())?;
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).ok_or("no CSRF field on the sign-in form")? + marker.len();
    let csrf = &html[start..start + html[start..].find('"').ok_or("an unterminated CSRF field")?];
    let answer = http
        .post(format!("{base}/login"))
        .header(COOKIE, form_cookie)
        .form(&[("csrf_token", csrf), ("email", email), ("password", password)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if answer.status() != reqwest::StatusCode::SEE_OTHER {
        return Err(format!("signing in as {email} answered {}", answer.status()));
    }
    first_cookie(&answer).ok_or_else(|| "signing in set no session cookie".into())
}

/// Latencies and sizes of one path's run.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    bytes: u64,
    errors: u64,
}

async fn run(http: reqwest::Client, url: String, auth: Arc<Option<(reqwest::header::HeaderName, String)>>, until: Instant) -> Tally {
    let mut tally = Tally::default();
    while Instant::now() < until {
        let started = Instant::now();
        let mut request = http.get(&url);
        if let Some((name, value)) = auth.as_ref() {
            request = request.header(name, value);
        }
        match request.send().await {
            Ok(r) if r.status().is_success() => match r.bytes().await {
                Ok(body) => {
                    tally.bytes += body.len() as u64;
                    tally.latencies_us.push(started.elapsed().as_micros() as u64);
                }
                Err(_) => tally.errors += 1,
            },
            _ => tally.errors += 1,
        }
    }
    tally
}

/// The milliseconds one request took, or `None` when it failed.
async fn run_once(http: &reqwest::Client, url: &str, auth: &Option<(reqwest::header::HeaderName, String)>) -> Option<f64> {
    let started = Instant::now();
    let mut request = http.get(url);
    if let Some((name, value)) = auth {
        request = request.header(name, value);
    }
    let response = request.send().await.ok().filter(|r| r.status().is_success())?;
    response.bytes().await.ok()?;
    Some(started.elapsed().as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize - 1;
    sorted[rank.min(sorted.len() - 1)] as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("web_load: {message}");
            std::process::exit(2);
        }
    };
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).pool_max_idle_per_host(o.concurrency).build().expect("an HTTP client");
    let auth = match (&o.token, &o.login) {
        (Some(token), _) => Some((reqwest::header::AUTHORIZATION, format!("Bearer {token}"))),
        (None, Some((email, password))) => match sign_in(&http, &o.base, email, password).await {
            Ok(cookie) => Some((COOKIE, cookie)),
            Err(message) => {
                eprintln!("web_load: {message}");
                std::process::exit(1);
            }
        },
        (None, None) => None,
    };
    let auth = Arc::new(auth);
    for path in &o.paths {
        let url = format!("{}{path}", o.base);
        // One request alone first: what the first visitor waits (a dashboard computed, caches
        // filled), reported apart from the load that follows.
        let first = run_once(&http, &url, &auth).await;
        let started = Instant::now();
        let until = started + Duration::from_secs(o.seconds);
        let clients: Vec<_> = (0..o.concurrency).map(|_| tokio::spawn(run(http.clone(), url.clone(), auth.clone(), until))).collect();
        let mut all = Tally::default();
        for client in clients {
            let t = client.await.expect("a client finishes");
            all.latencies_us.extend(t.latencies_us);
            all.bytes += t.bytes;
            all.errors += t.errors;
        }
        let elapsed = started.elapsed().as_secs_f64();
        all.latencies_us.sort_unstable();
        let ok = all.latencies_us.len() as f64;
        let line = serde_json::json!({
            "path": path,
            "first_ms": first,
            "concurrency": o.concurrency,
            "seconds": elapsed,
            "requests": all.latencies_us.len(),
            "errors": all.errors,
            "req_per_s": ok / elapsed,
            "p50_ms": percentile(&all.latencies_us, 50.0),
            "p99_ms": percentile(&all.latencies_us, 99.0),
            "max_ms": percentile(&all.latencies_us, 100.0),
            "mean_kb": if ok > 0.0 { all.bytes as f64 / ok / 1024.0 } else { 0.0 },
        });
        println!("{line}");
    }
}
