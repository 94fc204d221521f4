//! The report as PDF: the same standalone HTML document, printed by headless Chromium
//! (`--print-to-pdf`). This is the one module of the crate that does I/O (a temporary directory and
//! a child process); it blocks, so the web app calls it inside `spawn_blocking`.
//!
//! Chromium runs with a fresh profile in a temporary directory, no network (background
//! networking, sync and updates off, and a proxy that goes nowhere), and its own header and footer
//! off (`--no-pdf-header-footer`): those would print the temporary file's path and the time. Page
//! numbers come from the document's CSS `@page` margin boxes instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Why a PDF could not be made.
#[derive(thiserror::Error, Debug)]
pub enum PdfError {
    #[error("no Chromium browser was found to print the PDF: install the Debian package \"chromium\" (apt-get install chromium), or set LINKWORK_CHROMIUM to the browser's path")]
    NoBrowser,
    #[error("could not prepare the PDF: {0}")]
    Io(#[from] std::io::Error),
    #[error("Chromium could not print the PDF (exit status {status}): {detail}")]
    Failed { status: String, detail: String },
    #[error("Chromium took longer than {0} seconds to print the PDF")]
    TimedOut(u64),
}

const TIMEOUT_SECS: u64 = 120;

/// The browser to print with: `LINKWORK_CHROMIUM` if set, else the first of `chromium`,
/// `chromium-browser`, `google-chrome` on `PATH`.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LINKWORK_CHROMIUM").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return if path.components().count() > 1 {
            path.is_file().then_some(path)
        } else {
            search_path(&path.to_string_lossy())
        };
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(search_path)
}

fn search_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// A temporary directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<Self> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "linkwork-pdf-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Prints `html` (a standalone document with everything inline) to PDF bytes.
pub fn html_to_pdf(html: &str) -> Result<Vec<u8>, PdfError> {
    let browser = find_chromium().ok_or(PdfError::NoBrowser)?;
    let dir = TempDir::new()?;
    let page = dir.0.join("report.html");
    let out = dir.0.join("report.pdf");
    std::fs::write(&page, html)?;
    let mut child = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-dev-shm-usage",
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.0.join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(std::fs::File::create(
            dir.0.join("stderr.log"),
        )?))
        .spawn()?;
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > Duration::from_secs(TIMEOUT_SECS) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(PdfError::TimedOut(TIMEOUT_SECS));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = std::fs::read_to_string(dir.0.join("stderr.log")).unwrap_or_default();
    let bytes = std::fs::read(&out).unwrap_or_default();
    if !status.success() || !bytes.starts_with(b"%PDF-") {
        let detail = stderr
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("no PDF was written")
            .to_owned();
        return Err(PdfError::Failed {
            status: status.code().map_or("none".into(), |c| c.to_string()),
            detail,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_a_pdf_when_chromium_is_installed() {
        if find_chromium().is_none() {
            eprintln!("skipped: no chromium binary (install the Debian package \"chromium\")");
            return;
        }
        let pdf = html_to_pdf("<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body><p>Hello</p></body></html>").unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
