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
use std::path::{Path, PathBuf};

// The embedded rule base, read at build time with the crate's own reading
// code and its conditions cut into leaves (these five files depend on
// nothing else in it), stored for the binary: a run with the default rules
// decodes it instead of parsing RON and expressions.
#[allow(dead_code)]
#[path = "src/condition.rs"]
mod condition;
#[allow(dead_code)]
#[path = "src/rulebase/conditions.rs"]
mod conditions;
#[allow(dead_code)]
#[path = "src/hash.rs"]
mod hash;
#[allow(dead_code)]
#[path = "src/rulebase/read.rs"]
mod read;
#[allow(dead_code)]
#[path = "src/ron_keys.rs"]
mod ron_keys;
#[allow(dead_code)]
#[path = "src/rulebase/rules.rs"]
mod rules;

fn main() {
    cache_rules();
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

/// Writes `rules.postcard` in OUT_DIR: the default rule base read as
/// `src/rulebase/files.rs` reads it, or nothing when a file does not parse
/// (the binary then parses the files itself and says what is wrong).
fn cache_rules() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let bytes = read_rules().unwrap_or_default();
    std::fs::write(out.join("rules.postcard"), bytes).expect("OUT_DIR is writable");
}

/// Parses RON as `crate::source::parse_ron` does where it succeeds, and
/// notes a file it would treat otherwise.
struct Strict {
    failed: bool,
}

impl read::Reader for Strict {
    fn parse<T: serde::de::DeserializeOwned>(&mut self, (_, text): read::Source<'_>) -> Option<T> {
        let options = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        let unusual = text.trim().is_empty() || (text.contains('\r') && !text.contains('\n'));
        let parsed = options.from_str(text).ok().filter(|_| !unusual);
        self.failed |= parsed.is_none();
        parsed
    }
}

fn read_rules() -> Option<Vec<u8>> {
    let dir = Path::new("rules");
    let shown = |name: &str| Path::new("<embedded rules>").join(name);
    let text = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
    let singles = [
        "stages.ron",
        "areas.ron",
        "reference.ron",
        "derived.ron",
        "findings.ron",
    ];
    let optional = [
        "policy.ron",
        "calendar.ron",
        "checklist.ron",
        "goals.ron",
        "data_sources.ron",
        "chapters.ron",
    ];
    let mut strategy_names: Vec<String> = std::fs::read_dir(dir.join("strategies"))
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".ron"))
        .map(|name| format!("strategies/{name}"))
        .collect();
    strategy_names.sort();
    let mut files = Vec::new();
    for name in singles
        .iter()
        .chain(&optional)
        .map(|s| s.to_string())
        .chain(strategy_names.clone())
    {
        files.push((shown(&name), text(&name)?));
    }
    let source = |i: usize| (files[i].0.as_path(), files[i].1.as_str());
    let sources = read::Sources {
        singles: (0..5).map(source).collect(),
        policy: source(5),
        calendar: source(6),
        checklist: source(7),
        goals: source(8),
        data_sources: source(9),
        chapters: source(10),
        strategies: (11..files.len()).map(source).collect(),
    };
    let mut reader = Strict { failed: false };
    let parsed = read::read(&sources, &mut reader);
    if reader.failed {
        return None;
    }
    // The names each evidence template reads, as the rule environment
    // (minijinja's default syntax) finds them.
    let env = minijinja::Environment::new();
    let mut evidence_names = Vec::new();
    for finding in &parsed.findings {
        let template = env.template_from_str(&finding.evidence).ok()?;
        let mut names: Vec<String> = template.undeclared_variables(true).into_iter().collect();
        names.sort();
        evidence_names.push(names);
    }
    let mut split_failed = false;
    let conditions = conditions::split_all(
        (&parsed.derived, &parsed.findings),
        (&parsed.strategies, &parsed.requirements),
        |_, _, _, _| split_failed = true,
    );
    if split_failed {
        return None;
    }
    postcard::to_allocvec(&read::Cache::new(parsed, evidence_names, conditions)).ok()
}
