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
    ignore = "needs chromium, pdftoppm and pdftotext on PATH (Debian packages `chromium`, `poppler-utils`); CI always runs it"
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

/// How many pages pdftoppm renders of `pdf`, as PNG files in `dir`.
fn rendered_pages(pdf: &Path, dir: &Path) -> usize {
    let run = Command::new("pdftoppm")
        .args(["-r", "20", "-png"])
        .arg(pdf)
        .arg(dir.join("page"))
        .output()
        .expect("pdftoppm runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    file_names(dir)
        .iter()
        .filter(|name| name.ends_with(".png"))
        .count()
}

/// `--format pdf`: a cover that names the district and who prepared it,
/// page numbers on every page after it, and pages a PDF reader renders.
#[test]
#[cfg_attr(
    not(browser),
    ignore = "needs chromium, pdftoppm and pdftotext on PATH (Debian packages `chromium`, `poppler-utils`); CI always runs it"
)]
fn the_pdf_has_a_cover_page_numbers_and_renders() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = dir.path().join("plan.pdf");
    elplan(&[
        "plan",
        MENDOTA,
        "--format",
        "pdf",
        "--date",
        "2025-08-01",
        "--prepared-by",
        "County office EL team",
        "-o",
        &pdf.to_string_lossy(),
    ])
    .ok();
    let text = |page: usize| -> String {
        let out = Command::new("pdftotext")
            .args(["-layout", "-f", &page.to_string(), "-l", &page.to_string()])
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext runs");
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let cover = text(1);
    for expected in [
        "Mendota Unified",
        "DRAFT",
        "Prepared by",
        "County office EL team",
        "August 1, 2025",
    ] {
        assert!(
            cover.contains(expected),
            "the cover lacks {expected:?}: {cover}"
        );
    }
    assert!(!cover.contains("Page 1 of"), "the cover has no page number");
    // pdftoppm renders every page: as many PNGs as the PDF has pages.
    let pages = rendered_pages(&pdf, dir.path());
    assert!((10..80).contains(&pages), "{pages} pages");
    assert!(
        text(2).contains("Contents"),
        "page 2 is the table of contents"
    );
    for page in 2..=pages {
        let expected = format!("Page {page} of {pages}");
        assert!(
            text(page).contains(&expected),
            "page {page} lacks {expected:?}"
        );
    }
    // The master plan's eight chapters are printed, each blank marked.
    let all = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let all = String::from_utf8_lossy(&all.stdout).replace('\n', " ");
    let plan = elplan(&["plan", MENDOTA, "--format", "json", "--date", "2025-08-01"]).json();
    let chapters = plan["chapters"].as_array().expect("chapters");
    assert_eq!(chapters.len(), 8);
    for (n, c) in chapters.iter().enumerate() {
        let heading = format!("{}. {}", n + 1, c["title"].as_str().expect("title"));
        assert!(
            all.contains(&heading),
            "the PDF lacks the chapter {heading:?}"
        );
    }
    // A chapter's blanks make one "To complete" line, naming each.
    let with_blanks: Vec<&serde_json::Value> = chapters
        .iter()
        .filter(|c| !c["blanks"].as_array().expect("blanks").is_empty())
        .collect();
    let blanks = with_blanks.len();
    assert!(blanks > 0, "Mendota's file leaves blanks");
    let flat = all
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for c in &with_blanks {
        for b in c["blanks"].as_array().expect("blanks") {
            let label = b["label"].as_str().expect("label").to_lowercase();
            assert!(flat.contains(&label), "the PDF lacks {label:?}");
        }
    }
    assert_eq!(all.matches("To complete:").count(), blanks);
}

/// Without Chromium on the PATH, `--format pdf` says what to install and
/// writes nothing.
#[test]
fn a_pdf_without_chromium_says_what_to_install() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = dir.path().join("plan.pdf");
    let output = Command::new(env!("CARGO_BIN_EXE_elplan"))
        .args(["plan", MENDOTA, "--format", "pdf", "-o"])
        .arg(&pdf)
        .env("PATH", dir.path())
        .current_dir(ROOT)
        .output()
        .expect("elplan runs");
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    insta::assert_snapshot!(stderr(&output));
    assert!(!pdf.exists());
}
