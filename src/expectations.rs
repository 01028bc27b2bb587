//! Expectation files (`*.expect.ron`): what a rule base must decide for
//! the districts it plans, written by the people who keep the rule base.
//!
//! ```ron
//! Expectations(
//!     districts: ["../districts"],     // folders the names below are found in, from this file
//!     cases: [
//!         District("valle-verde", [
//!             Fires("high_poverty"),
//!             Scheduled(id: "family_liaisons", stage: "design", starts_in: (9, 14)),
//!             Checklist(row: "home_language_survey", status: met),
//!         ]),
//!         EveryDistrict([InPlan("form_team")]),
//!         Snapshot("valle-verde"),
//!     ],
//! )
//! ```
//!
//! This module reads a file, finds where each expectation is written (for
//! the line of a failure) and checks every name in it against the rule
//! base and the district folders, so that a misspelt id is a diagnostic
//! with a hint, not a test that fails for the wrong reason. What an
//! expectation means is checked by [`crate::rule_test`].

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, ErrorKind};
use crate::plan::{ComplianceStatus, Reason};
use crate::ron_positions::{locate, Located};
use crate::rulebase::RuleBase;

/// How an expectation file's name ends.
pub const SUFFIX: &str = ".expect.ron";

/// How an expected-plan snapshot's name ends; snapshots are written to
/// `snapshots/` beside the expectation file.
pub const SNAPSHOT_SUFFIX: &str = ".outline.ron";

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Expectations")]
struct Written {
    /// Folders the district names are looked up in, relative to the file.
    #[serde(default)]
    districts: Vec<String>,
    cases: Vec<WrittenCase>,
}

/// One case as written.
#[derive(Debug, Deserialize)]
enum WrittenCase {
    District(String, Vec<Expectation>),
    Districts(Vec<String>, Vec<Expectation>),
    EveryDistrict(Vec<Expectation>),
    Snapshot(String),
}

/// What a plan must show for a district.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Expectation {
    /// The finding fires.
    Fires(String),
    /// The finding is decided and does not fire.
    DoesNotFire(String),
    /// The finding or strategy waits on data the district file lacks.
    Pending(String),
    /// The plan chooses the strategy for itself: it is scheduled for its
    /// own sake, or also considered (chosen, but the plan's change ideas
    /// had a stronger claim).
    Chosen(String),
    /// The strategy is decided and not chosen for itself (it may still be
    /// pulled in as a prerequisite).
    NotChosen(String),
    /// The strategy is scheduled; where given, in this stage, starting and
    /// ending within these months (first, last; 1-based), for this reason.
    Scheduled {
        /// The strategy.
        id: String,
        /// The stage it is scheduled in.
        #[serde(default)]
        stage: Option<String>,
        /// The months its first month falls within.
        #[serde(default)]
        starts_in: Option<(u32, u32)>,
        /// The months its last month falls within.
        #[serde(default)]
        ends_in: Option<(u32, u32)>,
        /// Chosen for itself, or pulled in as a prerequisite.
        #[serde(default)]
        reason: Option<Reason>,
    },
    /// The strategy is in no stage.
    NotScheduled(String),
    /// The strategy is chosen but not selected among the change ideas.
    Considered(String),
    /// The strategy is deferred (capacity, horizon, or only needed by
    /// what was).
    Deferred(String),
    /// The strategy is in place: the district has it; it is not scheduled.
    InPlace(String),
    /// The strategy is in the plan: scheduled, also considered or deferred.
    InPlan(String),
    /// A draft goal's baseline is this value, of this school year.
    Baseline {
        /// The goal.
        goal: String,
        /// Its baseline value (a share as a fraction, or points).
        value: f64,
        /// The school year of the value.
        #[serde(default)]
        year: Option<String>,
    },
    /// A draft goal has no baseline: the district file lacks its data.
    NoBaseline(String),
    /// A checklist row has this status.
    Checklist {
        /// The requirement.
        row: String,
        /// `met`, `not_met`, `confirm` or `not_applicable`.
        status: ComplianceStatus,
    },
    /// At least one of these holds.
    AnyOf(Vec<Expectation>),
}

/// A read expectation file.
#[derive(Debug, Clone)]
pub struct ExpectationFile {
    /// The file.
    pub path: PathBuf,
    /// Its cases, in the order written.
    pub cases: Vec<Case>,
}

/// A district file a case names, with the name it is shown by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictRef {
    /// As the case names it (for `EveryDistrict`, its path in its folder).
    pub name: String,
    /// The district file.
    pub file: PathBuf,
}

/// One case: districts and what their plans must show.
#[derive(Debug, Clone)]
pub struct Case {
    /// The districts it is about.
    pub districts: Vec<DistrictRef>,
    /// Its expectations, or its snapshot.
    pub check: Check,
}

/// What a case checks.
#[derive(Debug, Clone)]
pub enum Check {
    /// Each expectation, on each of the case's districts.
    Expect(Vec<WrittenExpectation>),
    /// The district's plan outline, against this snapshot file.
    Snapshot {
        /// Where the snapshot is (it may not exist yet).
        file: PathBuf,
        /// Where the case is written.
        at: Position,
    },
}

/// Where something is written: 1-based line and column, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// The line.
    pub line: usize,
    /// The column, in characters.
    pub column: usize,
    /// The text written there, on one line.
    pub text: String,
}

/// An expectation and where it is written.
#[derive(Debug, Clone)]
pub struct WrittenExpectation {
    /// What it expects.
    pub expectation: Expectation,
    /// Where it is written.
    pub at: Position,
}

/// The expectation files `input` stands for: itself when it is a file, or
/// every `*.expect.ron` in the folder and below it, sorted. A folder
/// without any is an error.
pub fn find(input: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    if !input.is_dir() {
        return Ok(vec![input.to_path_buf()]);
    }
    let (files, _) = crate::batch::district_files(&[input.to_path_buf()])?;
    // `elplan test` in the current folder shows `a.expect.ron`, not `./a.expect.ron`.
    let found: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| is_expectation(f))
        .map(|f| f.strip_prefix(".").map(Path::to_path_buf).unwrap_or(f))
        .collect();
    if found.is_empty() {
        return Err(Diagnostic::of(
            ErrorKind::Expectations,
            input,
            format!("no expectation files (*{SUFFIX}) in this folder or below it"),
        )
        .with_hint("see README.md, \"Keeping a rule base\", for the file's shape")
        .into());
    }
    Ok(found)
}

fn is_expectation(path: &Path) -> bool {
    path.to_string_lossy().ends_with(SUFFIX)
}

/// Whether a `.ron` file is a district file rather than an expectation
/// file or an expected-plan snapshot.
fn is_district_file(path: &Path) -> bool {
    let name = path.to_string_lossy();
    !name.ends_with(SUFFIX) && !name.ends_with(SNAPSHOT_SUFFIX)
}

/// Every district file in `folders` (searched below), with its name: its
/// path in its folder without `.ron`.
fn districts_in(folders: &[PathBuf]) -> Vec<DistrictRef> {
    let mut out = Vec::new();
    for folder in folders.iter().filter(|f| f.is_dir()) {
        let Ok((files, _)) = crate::batch::district_files(std::slice::from_ref(folder)) else {
            continue;
        };
        for file in files.into_iter().filter(|f| is_district_file(f)) {
            let name = file
                .strip_prefix(folder)
                .unwrap_or(&file)
                .with_extension("")
                .to_string_lossy()
                .replace('\\', "/");
            out.push(DistrictRef { name, file });
        }
    }
    out
}

/// What kind of name an expectation gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameKind {
    Finding,
    Strategy,
    Rule,
    Goal,
    Row,
    Stage,
}

impl NameKind {
    fn word(self) -> &'static str {
        match self {
            NameKind::Finding => "finding",
            NameKind::Strategy => "strategy",
            NameKind::Rule => "finding or strategy",
            NameKind::Goal => "goal",
            NameKind::Row => "checklist row",
            NameKind::Stage => "stage",
        }
    }

    /// Every name of this kind in the rule base.
    fn names(self, rules: &RuleBase) -> Vec<&str> {
        let findings = || rules.findings.iter().map(|f| f.rule.id.as_str());
        let strategies = || rules.strategies.iter().map(|s| s.rule.id.as_str());
        match self {
            NameKind::Finding => findings().collect(),
            NameKind::Strategy => strategies().collect(),
            NameKind::Rule => findings().chain(strategies()).collect(),
            NameKind::Goal => rules.goals.iter().map(|g| g.id.as_str()).collect(),
            NameKind::Row => rules
                .requirements
                .iter()
                .map(|r| r.rule.id.as_str())
                .collect(),
            NameKind::Stage => rules.stages.iter().map(|s| s.id.as_str()).collect(),
        }
    }
}

impl Expectation {
    /// The findings and strategies it names, its choices' too.
    pub fn rules(&self) -> Vec<&str> {
        match self {
            Expectation::AnyOf(choices) => choices.iter().flat_map(Expectation::rules).collect(),
            other => other
                .names()
                .into_iter()
                .filter(|(_, kind, _)| {
                    matches!(
                        kind,
                        NameKind::Finding | NameKind::Strategy | NameKind::Rule
                    )
                })
                .map(|(name, _, _)| name)
                .collect(),
        }
    }

    /// The names it gives: (name, its kind, the field it is written in;
    /// `None` for a tuple variant's only member).
    fn names(&self) -> Vec<(&str, NameKind, Option<&'static str>)> {
        use Expectation as E;
        match self {
            E::Fires(id) | E::DoesNotFire(id) => vec![(id, NameKind::Finding, None)],
            E::Pending(id) => vec![(id, NameKind::Rule, None)],
            E::Chosen(id)
            | E::NotChosen(id)
            | E::NotScheduled(id)
            | E::Considered(id)
            | E::Deferred(id)
            | E::InPlace(id)
            | E::InPlan(id) => vec![(id, NameKind::Strategy, None)],
            E::Scheduled { id, stage, .. } => {
                let mut out = vec![(id.as_str(), NameKind::Strategy, Some("id"))];
                if let Some(stage) = stage {
                    out.push((stage, NameKind::Stage, Some("stage")));
                }
                out
            }
            E::Baseline { goal, .. } => vec![(goal, NameKind::Goal, Some("goal"))],
            E::NoBaseline(goal) => vec![(goal, NameKind::Goal, None)],
            E::Checklist { row, .. } => vec![(row, NameKind::Row, Some("row"))],
            E::AnyOf(_) => Vec::new(),
        }
    }
}

/// Reading one file: its text, where its values are, what goes wrong.
struct Reader<'a> {
    path: &'a Path,
    source: &'a str,
    rules: &'a RuleBase,
    problems: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn position(&self, node: &Located) -> Position {
        let (line, column) = crate::diagnostic::line_column(self.source, node.start);
        Position {
            line,
            column,
            text: node.text(self.source),
        }
    }

    fn problem(&mut self, node: &Located, message: String, hint: Option<String>) {
        self.problems.push(
            Diagnostic::of(ErrorKind::Expectations, self.path, message)
                .at_offset(self.source, node.start)
                .with_optional_hint(hint),
        );
    }

    /// Checks the names and month bounds of an expectation written at
    /// `node`.
    fn check(&mut self, expectation: &Expectation, node: &Located) {
        if let Expectation::AnyOf(choices) = expectation {
            let list = node.item(0).unwrap_or(node);
            for (i, choice) in choices.iter().enumerate() {
                self.check(choice, list.item(i).unwrap_or(list));
            }
            return;
        }
        for (name, kind, field) in expectation.names() {
            let at = match field {
                Some(field) => node.field(field),
                None => node.item(0),
            }
            .unwrap_or(node);
            let known = kind.names(self.rules);
            if known.contains(&name) {
                continue;
            }
            let other = [NameKind::Finding, NameKind::Strategy]
                .into_iter()
                .find(|k| k.names(self.rules).contains(&name));
            let (message, hint) = match other {
                Some(other) if kind != NameKind::Rule => (
                    format!("`{name}` is a {}, not a {}", other.word(), kind.word()),
                    Some(format!(
                        "this expectation names a {}; see README.md for which expectation names which",
                        kind.word()
                    )),
                ),
                _ => (
                    format!(
                        "`{name}` is not a {} of the rule base ({})",
                        kind.word(),
                        self.rules.origin
                    ),
                    did_you_mean(name, known.iter().copied()),
                ),
            };
            self.problem(at, message, hint);
        }
        if let Expectation::Scheduled {
            starts_in, ends_in, ..
        } = expectation
        {
            for (field, bounds) in [("starts_in", starts_in), ("ends_in", ends_in)] {
                if let Some((first, last)) = bounds {
                    if *first < 1 || first > last {
                        let at = node.field(field).unwrap_or(node);
                        self.problem(
                            at,
                            format!("{field}: ({first}, {last}) is not a range of months"),
                            Some("write (first, last), 1-based: (3, 8) is months 3 to 8".into()),
                        );
                    }
                }
            }
        }
    }

    /// The district file `name` stands for, looked up in each folder in
    /// turn; a problem when there is none.
    fn district(&mut self, name: &str, folders: &[PathBuf], node: &Located) -> Option<DistrictRef> {
        let file_name = if name.ends_with(".ron") {
            name.to_string()
        } else {
            format!("{name}.ron")
        };
        let found = folders
            .iter()
            .map(|f| f.join(&file_name))
            .find(|f| f.is_file());
        match found {
            Some(file) => Some(DistrictRef {
                name: name.trim_end_matches(".ron").to_string(),
                file,
            }),
            // A folder that is not there has been reported: its districts
            // are not reported one by one.
            None if folders.iter().any(|f| !f.is_dir()) => None,
            None => {
                let known = districts_in(folders);
                let shown: Vec<String> = folders.iter().map(|f| f.display().to_string()).collect();
                let hint = did_you_mean(name, known.iter().map(|d| d.name.as_str())).or_else(|| {
                    Some(
                        "`districts: [...]` lists the folders district names are looked up in, from this file's folder"
                            .into(),
                    )
                });
                self.problem(
                    node,
                    format!("no district file `{file_name}` in {}", shown.join(", ")),
                    hint,
                );
                None
            }
        }
    }
}

impl Reader<'_> {
    /// A case written at `node`, its districts looked up in `folders`.
    fn case(
        &mut self,
        case: WrittenCase,
        node: &Located,
        folders: &[PathBuf],
        here: &Path,
    ) -> Case {
        let arg = |k: usize| node.item(k).unwrap_or(node);
        let (names, expectations): (Vec<(String, &Located)>, _) = match case {
            WrittenCase::District(name, list) => (vec![(name, arg(0))], Some((list, arg(1)))),
            WrittenCase::Districts(names, list) => {
                let at = arg(0);
                if names.is_empty() {
                    self.problem(at, "Districts names no district".into(), None);
                }
                let names = names
                    .into_iter()
                    .enumerate()
                    .map(|(k, name)| (name, at.item(k).unwrap_or(at)))
                    .collect();
                (names, Some((list, arg(1))))
            }
            WrittenCase::EveryDistrict(list) => (Vec::new(), Some((list, arg(0)))),
            WrittenCase::Snapshot(name) => (vec![(name, arg(0))], None),
        };
        let every = names.is_empty();
        let districts: Vec<DistrictRef> = if every {
            let all = districts_in(folders);
            if all.is_empty() && folders.iter().all(|f| f.is_dir()) {
                self.problem(
                    node,
                    "EveryDistrict: the district folders hold no district file".into(),
                    None,
                );
            }
            all
        } else {
            names
                .iter()
                .filter_map(|(name, at)| self.district(name, folders, at))
                .collect()
        };
        let check = match expectations {
            Some((list, list_node)) => Check::Expect(
                list.into_iter()
                    .enumerate()
                    .map(|(k, expectation)| {
                        let at = list_node.item(k).unwrap_or(list_node);
                        self.check(&expectation, at);
                        WrittenExpectation {
                            expectation,
                            at: self.position(at),
                        }
                    })
                    .collect(),
            ),
            None => {
                let stem = districts
                    .first()
                    .and_then(|d| d.file.file_stem())
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Check::Snapshot {
                    file: here
                        .join("snapshots")
                        .join(format!("{stem}{SNAPSHOT_SUFFIX}")),
                    at: self.position(node),
                }
            }
        };
        Case { districts, check }
    }
}

impl ExpectationFile {
    /// Reads `path` and checks every name in it against `rules` and the
    /// district folders it gives.
    pub fn load(path: &Path, rules: &RuleBase) -> Result<ExpectationFile, Diagnostics> {
        let source = crate::source::read_text(path, crate::limits::MAX_EXPECTATION_BYTES)?;
        let written: Written = crate::source::parse_ron(path, &source)
            .map_err(|d| d.in_layer(ErrorKind::Expectations))?;
        let tree = locate(&source);
        let here = path.parent().unwrap_or(Path::new("."));
        let folders: Vec<PathBuf> = if written.districts.is_empty() {
            vec![here.to_path_buf()]
        } else {
            written.districts.iter().map(|d| here.join(d)).collect()
        };
        let mut reader = Reader {
            path,
            source: &source,
            rules,
            problems: Vec::new(),
        };
        if let Some(list) = tree.field("districts") {
            for (i, folder) in folders.iter().enumerate() {
                if !folder.is_dir() {
                    let at = list.item(i).unwrap_or(list);
                    reader.problem(
                        at,
                        format!("districts: `{}` is not a folder", folder.display()),
                        Some("give folders relative to this file's own folder".into()),
                    );
                }
            }
        }
        let empty = Located::default();
        let case_nodes = tree.field("cases").unwrap_or(&empty);
        let mut cases = Vec::new();
        for (i, case) in written.cases.into_iter().enumerate() {
            let node = case_nodes.item(i).unwrap_or(case_nodes);
            cases.push(reader.case(case, node, &folders, here));
        }
        if reader.problems.is_empty() {
            Ok(ExpectationFile {
                path: path.to_path_buf(),
                cases,
            })
        } else {
            Err(Diagnostics(reader.problems))
        }
    }
}
