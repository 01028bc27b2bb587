//! Where a rule base's files come from: the embedded default or a directory.
//!
//! A rule directory holds `stages.ron`, `areas.ron`, `reference.ron`,
//! `derived.ron`, `findings.ron`, `strategies/*.ron` and, optionally,
//! `policy.ron`, `calendar.ron`, `checklist.ron`, `goals.ron` and `data_sources.ron` (the default ones stand in when they are
//! missing). This module only
//! gathers their text; [`crate::rulebase`] makes sense of it.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::diagnostic::{Diagnostic, ErrorKind};
use crate::limits::MAX_RULE_FILE_BYTES;
use crate::rulebase::read::{Cache, Known, Parsed, Sources};

static DEFAULT_RULES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// The default rule base as the build script read it ([`Cache`], in
/// postcard); empty when it could not (the files are then parsed at run
/// time, which says what is wrong with them).
static CACHE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/rules.postcard"));

/// The single files every rule base has, in reading order.
pub const SINGLE_FILES: [&str; 5] = [
    "stages.ron",
    "areas.ron",
    "reference.ron",
    "derived.ron",
    "findings.ron",
];

/// The text of a rule base's files, with the paths diagnostics should show.
#[derive(Debug, Clone)]
pub struct RuleFiles {
    /// "embedded" or the directory given.
    pub origin: String,
    /// The five single files, in [`SINGLE_FILES`] order.
    pub singles: Vec<(PathBuf, String)>,
    /// `strategies/*.ron`, sorted by file name.
    pub strategies: Vec<(PathBuf, String)>,
    /// `policy.ron`: the directory's own, or the default one when the
    /// directory has none.
    pub policy: (PathBuf, String),
    /// `calendar.ron`: the directory's own, or the default one.
    pub calendar: (PathBuf, String),
    /// `checklist.ron`: the directory's own, or the default one.
    pub checklist: (PathBuf, String),
    /// `goals.ron`: the directory's own, or the default one.
    pub goals: (PathBuf, String),
    /// `data_sources.ron`: the directory's own, or the default one.
    pub data_sources: (PathBuf, String),
    /// `chapters.ron`: the directory's own, or the default one.
    pub chapters: (PathBuf, String),
}

/// The master plan's chapters, optional in a rule directory.
pub const CHAPTERS_FILE: &str = "chapters.ron";

/// The policy file, optional in a rule directory.
pub const POLICY_FILE: &str = "policy.ron";

/// The school calendar file, optional in a rule directory.
pub const CALENDAR_FILE: &str = "calendar.ron";

/// The requirements checklist, optional in a rule directory.
pub const CHECKLIST_FILE: &str = "checklist.ron";

/// The draft goals, optional in a rule directory.
pub const GOALS_FILE: &str = "goals.ron";

/// Where each district field can be found, optional in a rule directory.
pub const DATA_SOURCES_FILE: &str = "data_sources.ron";

impl RuleFiles {
    /// The default rule base, compiled into the binary.
    pub fn embedded() -> RuleFiles {
        let shown = |name: &str| PathBuf::from("<embedded rules>").join(name);
        let text = |file: &include_dir::File<'_>| file.contents_utf8().unwrap_or("").to_string();
        let singles = SINGLE_FILES
            .iter()
            .map(|name| {
                let contents = DEFAULT_RULES.get_file(name).map(text).unwrap_or_default();
                (shown(name), contents)
            })
            .collect();
        let mut strategies: Vec<(PathBuf, String)> = DEFAULT_RULES
            .get_dir("strategies")
            .map(|dir| {
                dir.files()
                    .filter(|f| f.path().extension().is_some_and(|e| e == "ron"))
                    .map(|f| (shown(&f.path().to_string_lossy()), text(f)))
                    .collect()
            })
            .unwrap_or_default();
        strategies.sort_by(|a, b| a.0.cmp(&b.0));
        RuleFiles {
            origin: "embedded".into(),
            singles,
            strategies,
            policy: default_file(POLICY_FILE),
            calendar: default_file(CALENDAR_FILE),
            checklist: default_file(CHECKLIST_FILE),
            goals: default_file(GOALS_FILE),
            data_sources: default_file(DATA_SOURCES_FILE),
            chapters: default_file(CHAPTERS_FILE),
        }
    }

    /// The files to read, as [`crate::rulebase::read`] takes them.
    pub(crate) fn sources(&self) -> Sources<'_> {
        fn source((path, text): &(PathBuf, String)) -> (&Path, &str) {
            (path.as_path(), text.as_str())
        }
        Sources {
            singles: self.singles.iter().map(source).collect(),
            strategies: self.strategies.iter().map(source).collect(),
            policy: source(&self.policy),
            calendar: source(&self.calendar),
            checklist: source(&self.checklist),
            goals: source(&self.goals),
            data_sources: source(&self.data_sources),
            chapters: source(&self.chapters),
        }
    }

    /// The files parsed, from the build script's [`CACHE`], when they are
    /// the default rule base's files unchanged: what
    /// [`crate::rulebase::read::read`] would make of them, without parsing.
    pub(crate) fn cached(&self) -> Option<(Parsed, Known)> {
        let embedded_strategies = DEFAULT_RULES
            .get_dir("strategies")?
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "ron"))
            .count();
        if CACHE.is_empty() || self.strategies.len() != embedded_strategies {
            return None;
        }
        let files = self.singles.iter().chain(&self.strategies).chain([
            &self.policy,
            &self.calendar,
            &self.checklist,
            &self.goals,
            &self.data_sources,
            &self.chapters,
        ]);
        for (path, text) in files {
            let name = path.strip_prefix(EMBEDDED_PREFIX).ok()?;
            if DEFAULT_RULES.get_file(name)?.contents() != text.as_bytes() {
                return None;
            }
        }
        postcard::from_bytes::<Cache>(CACHE).ok()?.into_parts()
    }

    /// A rule base in a directory, replacing the default.
    pub fn from_dir(dir: &Path) -> Result<RuleFiles, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        if !dir.is_dir() {
            return Err(vec![Diagnostic::of(
                ErrorKind::Io,
                dir,
                "is not a rule directory",
            )]);
        }
        let mut singles = Vec::new();
        for name in SINGLE_FILES {
            let path = dir.join(name);
            match crate::source::read_text(&path, MAX_RULE_FILE_BYTES) {
                Ok(text) => singles.push((path, text)),
                Err(d) => problems.push(d),
            }
        }
        let mut optional = |name: &str| {
            let path = dir.join(name);
            if !path.exists() {
                return default_file(name);
            }
            crate::source::read_text(&path, MAX_RULE_FILE_BYTES)
                .map(|text| (path, text))
                .unwrap_or_else(|d| {
                    problems.push(d);
                    default_file(name)
                })
        };
        let policy = optional(POLICY_FILE);
        let calendar = optional(CALENDAR_FILE);
        let checklist = optional(CHECKLIST_FILE);
        let goals = optional(GOALS_FILE);
        let data_sources = optional(DATA_SOURCES_FILE);
        let chapters = optional(CHAPTERS_FILE);
        let strategy_dir = dir.join("strategies");
        let mut strategies = Vec::new();
        match std::fs::read_dir(&strategy_dir) {
            Ok(entries) => {
                let mut paths: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "ron"))
                    .collect();
                paths.sort();
                for path in paths {
                    match crate::source::read_text(&path, MAX_RULE_FILE_BYTES) {
                        Ok(text) => strategies.push((path, text)),
                        Err(d) => problems.push(d),
                    }
                }
            }
            Err(e) => problems.push(Diagnostic::of(
                ErrorKind::Io,
                &strategy_dir,
                format!("cannot read the strategies directory: {e}"),
            )),
        }
        if problems.is_empty() {
            Ok(RuleFiles {
                origin: dir.display().to_string(),
                singles,
                strategies,
                policy,
                calendar,
                checklist,
                goals,
                data_sources,
                chapters,
            })
        } else {
            Err(problems)
        }
    }
}

/// The path shown for a default file.
pub const EMBEDDED_PREFIX: &str = "<embedded rules>";

/// One of the default rule base's optional files.
fn default_file(name: &str) -> (PathBuf, String) {
    let text = DEFAULT_RULES
        .get_file(name)
        .and_then(|f| f.contents_utf8())
        .unwrap_or("")
        .to_string();
    (PathBuf::from(EMBEDDED_PREFIX).join(name), text)
}
