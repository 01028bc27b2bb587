//! One fixture's HTML report rendered by a real browser (headless
//! Chromium) to a PDF and a PNG. CI installs Chromium (`.ci/run`) and
//! always runs this; on a machine without it the test is ignored, with its
//! reason.

use std::path::Path;
use std::process::Command;

use crate::support::*;

#[test]
#[cfg_attr(
    not(browser),
    ignore = "needs chromium on PATH (Debian package `chromium`); CI always runs it"
)]
fn a_browser_renders_the_html_report_to_pdf_and_png() {
    let browser = "chromium";
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("plan.html");
    let report_arg = report.to_string_lossy();
    elplan(&[
        "plan",
        "fixtures/cases/full-history.ron",
        "--format",
        "html",
        "--date",
        "2026-09-01",
        "-o",
        &report_arg,
    ])
    .ok();
    let url = format!("file://{}", report.display());
    for (flag, file) in [("--print-to-pdf", "plan.pdf"), ("--screenshot", "plan.png")] {
        let target = dir.path().join(file);
        let profile = dir.path().join(format!("profile-{file}"));
        let run = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1100,1600",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("{flag}={}", target.display()))
            .arg(&url)
            .output()
            .expect("chromium runs");
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let size = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
        assert!(size > 10_000, "{file} is {size} bytes");
        let head = std::fs::read(&target).expect("read");
        let magic: &[u8] = if file.ends_with(".pdf") {
            b"%PDF"
        } else {
            b"\x89PNG"
        };
        assert!(
            head.starts_with(magic),
            "{file} is not a {}",
            &file[file.len() - 3..]
        );
    }
    assert!(Path::new(&report).exists());
}
