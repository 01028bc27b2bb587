//! One fixture's HTML report rendered by a real browser (headless
//! Chromium) to a PDF and a PNG. CI installs Chromium (`.ci/run`); on a
//! machine without it this test says so and skips, except under CI, where
//! a missing browser is a failure.

use std::path::Path;
use std::process::Command;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn a_browser_renders_the_html_report_to_pdf_and_png() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (see .ci/run)"
        );
        eprintln!("SKIPPED: no chromium on this machine; .ci/run installs it");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("plan.html");
    let output = Command::new(env!("CARGO_BIN_EXE_elplan"))
        .args([
            "plan",
            "fixtures/cases/full-history.ron",
            "--format",
            "html",
            "--date",
            "2026-09-01",
            "-o",
        ])
        .arg(&report)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("elplan runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
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
