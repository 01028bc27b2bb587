//! What every integration test shares: running elplan as a user does, the
//! bundled fixtures, and one planning session.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use elplan::Session;

/// The crate root: elplan runs from here, and paths are shown relative to it.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The fixture most tests plan.
pub const MENDOTA: &str = "fixtures/calli/mendota-unified.ron";

/// An elplan run being set up: arguments, then what it reads or where.
pub struct Elplan {
    command: Command,
    stdin: Option<Vec<u8>>,
}

/// elplan with these arguments, run from the crate root.
pub fn elplan(args: &[&str]) -> Elplan {
    let mut command = Command::new(env!("CARGO_BIN_EXE_elplan"));
    command.args(args).current_dir(ROOT);
    Elplan {
        command,
        stdin: None,
    }
}

impl Elplan {
    /// Feeds `text` on standard input.
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.as_bytes().to_vec());
        self
    }

    /// Runs on `n` worker threads.
    pub fn threads(mut self, n: &str) -> Self {
        self.command.env("RAYON_NUM_THREADS", n);
        self
    }

    /// Runs it to the end; standard input is closed after what was fed.
    pub fn run(mut self) -> Output {
        let mut child = self
            .command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("elplan runs");
        if let Some(bytes) = &self.stdin {
            let mut input = child.stdin.take().expect("stdin");
            input.write_all(bytes).expect("write stdin");
        }
        drop(child.stdin.take());
        child.wait_with_output().expect("elplan finishes")
    }

    /// Runs it, expects success, and returns standard output.
    pub fn ok(self) -> String {
        let output = self.run();
        assert!(output.status.success(), "{}", shown(&output));
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }

    /// Runs it, expects success, and parses standard output as JSON.
    pub fn json(self) -> serde_json::Value {
        serde_json::from_str(&self.ok()).expect("JSON output")
    }
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The exit code and both outputs, as a snapshot shows a run.
pub fn shown(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}stderr:\n{}",
        output.status.code(),
        stdout(output),
        stderr(output)
    )
}

/// [`shown`] with each `from` replaced by its `to` (temporary paths).
pub fn shown_redacted(output: &Output, redact: &[(&str, &str)]) -> String {
    let mut text = shown(output);
    for (from, to) in redact {
        text = text.replace(from, to);
    }
    text
}

/// A path inside the crate, relative to its root.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(ROOT)
        .expect("inside the crate")
        .to_string_lossy()
        .into_owned()
}

/// A bundled fixture by name (`calli/mendota-unified`).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(ROOT).join("fixtures").join(format!("{name}.ron"))
}

/// Every bundled district fixture, sorted.
pub fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(ROOT).join("fixtures");
    let mut out = Vec::new();
    for group in ["calli", "elin", "cases"] {
        for entry in std::fs::read_dir(root.join(group)).expect("fixture folder") {
            out.push(entry.expect("entry").path());
        }
    }
    out.sort();
    out
}

/// One session with the embedded rules and templates, for the whole run.
pub fn session() -> &'static Session {
    static SESSION: OnceLock<Session> = OnceLock::new();
    SESSION.get_or_init(|| Session::embedded().expect("the defaults load"))
}

/// An edit to a copy of the default rules: (file, text, replacement).
pub type Edit<'a> = (&'a str, &'a str, &'a str);

/// A copy of the default rule base with edits, for a broken-rules case.
pub fn broken_rules(edits: &[Edit<'_>]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&Path::new(ROOT).join("rules"), dir.path());
    for (file, from, to) in edits {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).expect("rule file");
        assert!(text.contains(from), "{file} does not contain {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    }
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target: PathBuf = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The names of the files in `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("a directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Mendota with the team's decisions written into its file, in `dir`.
pub fn with_decisions(dir: &Path, decisions: &str) -> String {
    let text = std::fs::read_to_string(Path::new(ROOT).join(MENDOTA)).expect("fixture");
    let body = text
        .trim_end()
        .strip_suffix(')')
        .expect("a district ends with )");
    let path = dir.join("mendota.ron");
    std::fs::write(&path, format!("{body}    decisions: {decisions},\n)\n")).expect("write");
    path.to_string_lossy().into_owned()
}

/// Runs a Python `script` (python3, with python-docx where the script
/// imports it) on `args`; its standard output, or a failed test showing
/// Python's error.
pub fn python(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let read = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        read.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&read.stderr)
    );
    String::from_utf8_lossy(&read.stdout).into_owned()
}
