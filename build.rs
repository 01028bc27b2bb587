// The default rule base, templates and fixtures are embedded with `include_dir!`;
// tell cargo to rebuild when any of their files change.
//
// Tests that read the real California data in `../shared/data/ca` run when it
// is there, and always under CI (where its absence is a failure); elsewhere
// they are ignored with their reason, never passed while skipped. The cfg
// `ca_data` says which; `browser` does the same for tests that need
// headless Chromium and poppler's pdftoppm and pdftotext on PATH, and
// `docx_reader` for python3 with python-docx, `soffice` for LibreOffice
// and pdftotext, and `webdriver` for
// ChromeDriver beside Chromium, and `axe` for axe-core in the test's own
// folder (all of which `.ci/run` installs);
// `many_files` for a hard limit of open files that lets the studio's
// slow-client test hold its 1,100 idle connections.
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=fixtures");
    println!("cargo:rustc-check-cfg=cfg(ca_data)");
    println!("cargo:rerun-if-env-changed=CI");
    let data = Path::new("../shared/data/ca");
    if data.is_dir() {
        println!("cargo:rerun-if-changed=../shared/data/ca");
    }
    let ci = std::env::var_os("CI").is_some();
    if data.is_dir() || ci {
        println!("cargo:rustc-cfg=ca_data");
    }
    println!("cargo:rustc-check-cfg=cfg(browser)");
    println!("cargo:rerun-if-env-changed=PATH");
    if ci
        || ["chromium", "pdftoppm", "pdftotext"]
            .into_iter()
            .all(on_path)
    {
        println!("cargo:rustc-cfg=browser");
    }
    // The studio's browser tests drive Chromium through ChromeDriver
    // (Debian's `chromium-driver`, which `.ci/run` installs).
    println!("cargo:rustc-check-cfg=cfg(webdriver)");
    if ci || ["chromium", "chromedriver"].into_iter().all(on_path) {
        println!("cargo:rustc-cfg=webdriver");
    }
    // The studio's accessibility test injects axe-core (from npm, which
    // `.ci/run` puts in the test's own folder) into the page it checks.
    println!("cargo:rustc-check-cfg=cfg(axe)");
    println!("cargo:rerun-if-changed=tests/integration/axe/axe.min.js");
    if ci || Path::new("tests/integration/axe/axe.min.js").is_file() {
        println!("cargo:rustc-cfg=axe");
    }
    // python-docx reads the Word documents back (`.ci/run` installs it).
    println!("cargo:rustc-check-cfg=cfg(docx_reader)");
    let python_docx = || {
        std::process::Command::new("python3")
            .args(["-c", "import docx"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ci || python_docx() {
        println!("cargo:rustc-cfg=docx_reader");
    }
    // LibreOffice converts the Word documents to PDF (Debian's
    // `libreoffice-writer-nogui`, which `.ci/run` installs), read with
    // poppler's pdftotext.
    println!("cargo:rustc-check-cfg=cfg(soffice)");
    if ci || ["soffice", "pdftotext"].into_iter().all(on_path) {
        println!("cargo:rustc-cfg=soffice");
    }
    println!("cargo:rustc-check-cfg=cfg(many_files)");
    let hard_limit = std::process::Command::new("sh")
        .args(["-c", "ulimit -Hn"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let enough =
        hard_limit.is_some_and(|n| n == "unlimited" || n.parse().is_ok_and(|n: u64| n >= 1_300));
    if ci || enough {
        println!("cargo:rustc-cfg=many_files");
    }
}

/// Whether an executable of this name is in a folder of `PATH`.
fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
}
