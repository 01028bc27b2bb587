//! `--format pdf`: the HTML report laid out for paper (cover, contents,
//! page numbers, from plan.html's print styles) and printed by headless
//! Chromium, found on the PATH. Chromium is the one program that lays out
//! CSS paged media this well; nothing in pure Rust does yet.
//!
//! The browser runs in a process group of its own with its work folder
//! (`print_job`): when a print ends, fails or times out, the whole group is
//! stopped and the folder removed, and a program stopping on a signal ends
//! every print still running with [`stop_all`] (`elplan` does on SIGINT,
//! SIGTERM and SIGHUP).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::print_job::Job;
pub use crate::print_job::{stop_all, stopping};

use crate::diagnostic::{Diagnostic, ErrorKind};

/// The browsers tried, in order, on the PATH.
const BROWSERS: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How long one print may take before it is stopped.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The first browser of [`BROWSERS`] on the PATH that can be run: as a
/// shell does, a file there that is not executable is passed over.
fn browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    BROWSERS.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| executable(candidate))
    })
}

/// Whether `path` is a file this process may run.
fn executable(path: &Path) -> bool {
    if !path.is_file() {
        return false;
    }
    #[cfg(unix)]
    {
        rustix::fs::access(path, rustix::fs::Access::EXEC_OK).is_ok()
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Prints `html` (a self-contained page) to PDF bytes; `shown` names the
/// plan in diagnostics.
pub fn print(html: &str, shown: &Path) -> Result<Vec<u8>, Diagnostic> {
    print_with(browser(), html, shown)
}

/// Prints `html` with `browser`, or says none was found.
fn print_with(browser: Option<PathBuf>, html: &str, shown: &Path) -> Result<Vec<u8>, Diagnostic> {
    let fail = |message: String| Diagnostic::of(ErrorKind::Printing, shown, message);
    let browser = browser.ok_or_else(|| {
        fail("--format pdf needs Chromium, and none is on the PATH".to_string()).with_hint(
            "install it (Debian and Ubuntu: `apt-get install chromium`), or write --format html and print that",
        )
    })?;
    let mut job = Job::new().map_err(|e| fail(format!("cannot make a work folder: {e}")))?;
    let work = job.path().to_path_buf();
    let page = work.join("plan.html");
    let pdf = work.join("plan.pdf");
    std::fs::write(&page, html)
        .map_err(|e| fail(format!("cannot write the page to print: {e}")))?;
    // The browser's messages go to a file: a pipe nobody reads while it
    // prints could fill and stall it.
    let log_path = work.join("browser.log");
    let log = std::fs::File::create(&log_path)
        .map_err(|e| fail(format!("cannot make a work file: {e}")))?;
    let mut command = Command::new(&browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // No crash reporter: it would run outside the browser's
            // process group and outlive it.
            "--disable-crash-reporter",
            "--disable-breakpad",
            "--no-pdf-header-footer",
            // Bookmarks from the headings, which also tell
            // crate::pdf_outline where each heading fell.
            "--generate-pdf-document-outline",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url(&page))
        // The browser's own temporary files (its singleton socket) go in
        // the work folder too, and leave with it.
        .env("TMPDIR", &work)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log.try_clone().map_or_else(|_| Stdio::null(), Stdio::from));
    job.start(command)
        .map_err(|e| fail(format!("cannot start {}: {e}", browser.display())))?;
    let started = Instant::now();
    let status = loop {
        match job.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < TIMEOUT => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Ok(None) => {
                return Err(fail(format!(
                    "{} did not finish printing within {} s",
                    browser.display(),
                    TIMEOUT.as_secs()
                )));
            }
            Err(e) => return Err(fail(format!("cannot wait for {}: {e}", browser.display()))),
        }
    };
    let bytes = std::fs::read(&pdf).unwrap_or_default();
    if !status.success() || !bytes.starts_with(b"%PDF") {
        let stderr = std::fs::read_to_string(&log_path).unwrap_or_default();
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        return Err(fail(format!(
            "{} could not print the plan ({status}): {last}",
            browser.display()
        )));
    }
    Ok(bytes)
}

/// A `file://` URL for a local file (percent-encoding what a URL may not hold).
fn url(path: &Path) -> String {
    let mut out = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_browser_is_a_printing_problem() {
        let error = print_with(None, "<p>plan</p>", Path::new("plan.pdf")).expect_err("no browser");
        assert_eq!(error.kind, ErrorKind::Printing);
    }
}
