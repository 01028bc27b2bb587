//! `--format pdf`: the HTML report laid out for paper (cover, contents,
//! page numbers, from plan.html's print styles) and printed by headless
//! Chromium, found on the PATH. Chromium is the one program that lays out
//! CSS paged media this well; nothing in pure Rust does yet.
//!
//! One [`Browser`] prints any number of pages: it is started once, with
//! `--remote-debugging-pipe`, and driven through the DevTools protocol
//! (`crate::devtools`): a tab is opened, each page loaded in it and
//! printed (`Page.printToPDF`, the PDF's bytes coming back in the reply).
//! A plan's PDF is printed twice (the contents' page numbers come from the
//! first print), and a start of Chromium costs more than a print.
//!
//! The browser runs in a process group of its own with its work folder
//! (`print_job`): when the prints end, fail or time out, the whole group is
//! stopped and the folder removed, and a program stopping on a signal ends
//! every print still running with [`stop_all`] (`elplan` does on SIGINT,
//! SIGTERM and SIGHUP).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::json;

use crate::devtools::{self, Connection, Process as _};
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

/// How long a browser may take, from its start to its last print, before
/// it is stopped.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The browser's messages (standard error), in its work folder.
const LOG: &str = "browser.log";

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

/// A headless Chromium started to print pages to PDF, one after another,
/// through the DevTools protocol on a pipe: one start of the browser for
/// any number of prints. Dropped, it is stopped with its whole process
/// group and its work folder removed.
pub struct Browser {
    connection: Connection<Job>,
    program: PathBuf,
    work: PathBuf,
    shown: PathBuf,
    /// The page (tab) printed in, once opened: its session.
    session: Option<String>,
    printed: usize,
}

impl Browser {
    /// Starts the first browser of `BROWSERS` on the PATH; `shown`
    /// names the plan in diagnostics. It returns once the browser runs,
    /// not once it is ready: it gets ready while the first page is made.
    pub fn start(shown: &Path) -> Result<Browser, Diagnostic> {
        Browser::start_with(browser(), shown)
    }

    /// Starts `program`, or says no browser was found.
    fn start_with(program: Option<PathBuf>, shown: &Path) -> Result<Browser, Diagnostic> {
        let fail = |message: String| Diagnostic::of(ErrorKind::Printing, shown, message);
        let program = program.ok_or_else(|| {
            fail("--format pdf needs Chromium, and none is on the PATH".to_string()).with_hint(
                "install it (Debian and Ubuntu: `apt-get install chromium`), or write --format html and print that",
            )
        })?;
        let mut job = Job::new().map_err(|e| fail(format!("cannot make a work folder: {e}")))?;
        let work = job.path().to_path_buf();
        // The browser's messages go to a file: a pipe nobody reads while it
        // prints could fill and stall it.
        let log = std::fs::File::create(work.join(LOG))
            .map_err(|e| fail(format!("cannot make a work file: {e}")))?;
        let mut command = Command::new(&program);
        command
            .args([
                "--headless",
                "--remote-debugging-pipe",
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
            ])
            .arg(format!(
                "--user-data-dir={}",
                work.join("profile").display()
            ))
            // The browser's own temporary files (its singleton socket) go in
            // the work folder too, and leave with it.
            .env("TMPDIR", &work)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log.try_clone().map_or_else(|_| Stdio::null(), Stdio::from));
        let (commands, replies) = devtools_pipe(&mut command)
            .and_then(|pipe| job.start(command).map(|()| pipe))
            .map_err(|e| fail(format!("cannot start {}: {e}", program.display())))?;
        Ok(Browser {
            connection: Connection::new(commands, replies, job, Instant::now() + TIMEOUT),
            program,
            work,
            shown: shown.to_path_buf(),
            session: None,
            printed: 0,
        })
    }

    /// Prints `html` (a self-contained page) to PDF bytes.
    pub fn print(&mut self, html: &str) -> Result<Vec<u8>, Diagnostic> {
        self.printed += 1;
        let page = self.work.join(format!("page-{}.html", self.printed));
        std::fs::write(&page, html).map_err(|e| {
            Diagnostic::of(
                ErrorKind::Printing,
                &self.shown,
                format!("cannot write the page to print: {e}"),
            )
        })?;
        self.print_page(&page).map_err(|e| self.failed(&e))
    }

    /// Loads `page` in the browser's tab and prints it.
    fn print_page(&mut self, page: &Path) -> Result<Vec<u8>, devtools::Error> {
        let session = match &self.session {
            Some(session) => session.clone(),
            None => self.open()?,
        };
        let tab = Some(session.as_str());
        let navigated = self
            .connection
            .call(tab, "Page.navigate", json!({ "url": url(page) }))?;
        if let Some(error) = navigated["errorText"].as_str() {
            return Err(devtools::Error::Refused {
                method: "Page.navigate".to_string(),
                message: error.to_string(),
            });
        }
        // The load event of this page (its loader's), not of the one before.
        let loader = &navigated["loaderId"];
        self.connection.event(&session, |method, params| {
            method == "Page.lifecycleEvent"
                && params["name"] == "load"
                && params["loaderId"] == *loader
        })?;
        let printed = self.connection.call(
            tab,
            "Page.printToPDF",
            json!({
                "printBackground": true,
                "preferCSSPageSize": true,
                "displayHeaderFooter": false,
                // Bookmarks from the headings, which also tell
                // crate::pdf_outline where each heading fell.
                "generateDocumentOutline": true,
                "generateTaggedPDF": true,
            }),
        )?;
        let malformed = |what: &str| devtools::Error::Malformed(what.to_string());
        let data = printed["data"]
            .as_str()
            .ok_or_else(|| malformed("a print without its PDF"))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| malformed(&format!("a PDF that is not base64 ({e})")))?;
        if !bytes.starts_with(b"%PDF") {
            return Err(malformed("a print that is not a PDF"));
        }
        Ok(bytes)
    }

    /// Opens the tab pages are printed in, and asks for its load events;
    /// its session.
    fn open(&mut self) -> Result<String, devtools::Error> {
        let target =
            self.connection
                .call(None, "Target.createTarget", json!({ "url": "about:blank" }))?;
        let attached = self.connection.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        )?;
        let session = attached["sessionId"]
            .as_str()
            .ok_or_else(|| devtools::Error::Malformed("a tab without a session".to_string()))?
            .to_string();
        for (method, params) in [
            ("Page.enable", json!({})),
            ("Page.setLifecycleEventsEnabled", json!({ "enabled": true })),
        ] {
            self.connection.call(Some(&session), method, params)?;
        }
        self.session = Some(session.clone());
        Ok(session)
    }

    /// Asks the browser to close, and gives it a moment to; dropping it
    /// then stops whatever is left and removes its work folder.
    pub fn close(mut self) {
        if self
            .connection
            .send(None, "Browser.close", json!({}))
            .is_ok()
        {
            for _ in 0..50 {
                if self.connection.process().ended().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    /// `error` as a diagnostic, with the browser's last message.
    fn failed(&self, error: &devtools::Error) -> Diagnostic {
        let stderr = std::fs::read_to_string(self.work.join(LOG)).unwrap_or_default();
        failure(&self.program, &self.shown, error, &stderr)
    }
}

/// What `program` failed at (`error`) as a diagnostic about the plan
/// `shown`, with the last line of its messages, `stderr`.
fn failure(program: &Path, shown: &Path, error: &devtools::Error, stderr: &str) -> Diagnostic {
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message");
    Diagnostic::of(
        ErrorKind::Printing,
        shown,
        format!(
            "{} could not print the plan ({error}): {last}",
            program.display()
        ),
    )
}

impl devtools::Process for Job {
    fn ended(&mut self) -> Option<String> {
        self.try_wait()
            .ok()
            .flatten()
            .map(|status| status.to_string())
    }
}

/// Pipes for the DevTools protocol, given to `command`: the browser reads
/// commands from its fd 3 and writes replies to its fd 4. The ends elplan
/// keeps: (commands, replies).
#[cfg(unix)]
fn devtools_pipe(command: &mut Command) -> std::io::Result<(std::fs::File, std::fs::File)> {
    use command_fds::{CommandFdExt, FdMapping};
    let (browser_reads, commands) = pipe()?;
    let (replies, browser_writes) = pipe()?;
    command
        .fd_mappings(vec![
            FdMapping {
                parent_fd: browser_reads,
                child_fd: 3,
            },
            FdMapping {
                parent_fd: browser_writes,
                child_fd: 4,
            },
        ])
        .map_err(std::io::Error::other)?;
    Ok((commands.into(), replies.into()))
}

#[cfg(not(unix))]
fn devtools_pipe(_command: &mut Command) -> std::io::Result<(std::fs::File, std::fs::File)> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "elplan drives the browser through pipes only on Unix systems",
    ))
}

/// A pipe (read end, write end) whose ends no other program elplan starts
/// inherits (close-on-exec): `batch` prints in parallel.
#[cfg(target_os = "linux")]
fn pipe() -> std::io::Result<(std::os::fd::OwnedFd, std::os::fd::OwnedFd)> {
    Ok(rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?)
}

/// A pipe (read end, write end), close-on-exec (set after it is made:
/// where there is no pipe2).
#[cfg(all(unix, not(target_os = "linux")))]
fn pipe() -> std::io::Result<(std::os::fd::OwnedFd, std::os::fd::OwnedFd)> {
    let (read, write) = rustix::pipe::pipe()?;
    for end in [&read, &write] {
        rustix::io::fcntl_setfd(end, rustix::io::FdFlags::CLOEXEC)?;
    }
    Ok((read, write))
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
        let error = Browser::start_with(None, Path::new("plan.pdf"))
            .err()
            .expect("no browser");
        assert_eq!(error.kind, ErrorKind::Printing);
    }

    #[test]
    fn an_error_reply_is_a_printing_diagnostic_with_the_browsers_last_message() {
        let error = crate::devtools::tests::printing_failed();
        let diagnostic = failure(
            Path::new("/usr/bin/chromium"),
            Path::new("plan.ron"),
            &error,
            "[1:2:ERROR] first\n[3:4:ERROR] out of paper\n\n",
        );
        assert_eq!(diagnostic.kind, ErrorKind::Printing);
        assert!(
            diagnostic.message.contains(
                "/usr/bin/chromium could not print the plan (Page.printToPDF failed: Printing failed): [3:4:ERROR] out of paper"
            ),
            "{}",
            diagnostic.message
        );
    }
}
