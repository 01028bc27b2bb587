//! `elplan test`: expectation files ([`crate::expectations`]) run against
//! a rule base, as a test runner runs tests.
//!
//! Every district a case names is planned once; each expectation is
//! checked on each of its case's districts, and each snapshot case
//! compares the district's plan outline ([`crate::outline`]) with the one
//! kept beside the expectation file (`--update` writes it). The report
//! says each failure with the file, line and column of its expectation,
//! and what the plan shows instead; a snapshot's failure lists the
//! decisions that moved. This module does not read arguments or print.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::coverage::Coverage;
use crate::diagnostic::{Diagnostic, Diagnostics, ErrorKind};
use crate::district::District;
use crate::expectations::{Check, Expectation, ExpectationFile, Position};
use crate::outline::{differences, Kind, Outline};
use crate::plan::{Plan, Reason};
use crate::rulebase::RuleBase;
use crate::session::Session;

/// The `format` field of the report's JSON.
pub const FORMAT: &str = "elplan.test/1";

/// How a run goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Write every missing or differing snapshot instead of failing.
    pub update: bool,
    /// Report what the planned districts exercise of the rule base.
    pub coverage: bool,
}

/// What a run found (`elplan.test/1`).
#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// The rule base tested: `embedded` or its folder.
    pub rules: String,
    /// Each expectation file with how many of its checks passed and failed.
    pub files: Vec<FileResult>,
    /// Checks that passed: an expectation on one district, or a snapshot.
    pub passed: usize,
    /// Checks that failed.
    pub failed: usize,
    /// The snapshots `--update` wrote.
    pub written: Vec<PathBuf>,
    /// Every failure, in file order.
    pub failures: Vec<Failure>,
    /// What the districts exercised, with `--coverage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
}

/// One expectation file's result.
#[derive(Debug, Clone, Serialize)]
pub struct FileResult {
    /// The file.
    pub file: PathBuf,
    /// Its checks that passed.
    pub passed: usize,
    /// Its checks that failed.
    pub failed: usize,
}

/// An expectation that does not hold on a district, or a snapshot the
/// plan does not match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// The expectation file.
    pub file: PathBuf,
    /// The line of the expectation.
    pub line: usize,
    /// Its column.
    pub column: usize,
    /// The district, as the case names it.
    pub district: String,
    /// The expectation as written.
    pub expectation: String,
    /// What the plan shows instead.
    pub message: String,
    /// A snapshot's decisions that moved, marked as `elplan diff` marks
    /// them (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<String>,
}

/// A district planned for the run.
struct Planned<'s> {
    district: District,
    plan: Plan<'s>,
}

/// Runs every case of `files` with `session`'s rule base.
pub fn run(
    session: &Session,
    files: &[ExpectationFile],
    options: Options,
) -> Result<TestReport, Diagnostics> {
    let planned = plan_all(session, files)?;
    let rules = session.rules();
    let mut report = TestReport {
        format: FORMAT,
        rules: rules.origin.clone(),
        files: Vec::new(),
        passed: 0,
        failed: 0,
        written: Vec::new(),
        failures: Vec::new(),
        coverage: None,
    };
    for file in files {
        let before = (report.passed, report.failed);
        for case in &file.cases {
            for district in &case.districts {
                let Some(p) = planned.get(&district.file) else {
                    continue;
                };
                let mut fail = |at: &Position, message: String, differences: Vec<String>| {
                    report.failures.push(Failure {
                        file: file.path.clone(),
                        line: at.line,
                        column: at.column,
                        district: district.name.clone(),
                        expectation: at.text.clone(),
                        message,
                        differences,
                    });
                };
                match &case.check {
                    Check::Expect(list) => {
                        for written in list {
                            match check(&p.plan, rules, &written.expectation) {
                                Ok(()) => report.passed += 1,
                                Err(message) => {
                                    report.failed += 1;
                                    fail(&written.at, message, Vec::new());
                                }
                            }
                        }
                    }
                    Check::Snapshot { file: snapshot, at } => {
                        match compare_snapshot(rules, &p.plan, &district.name, snapshot, options)? {
                            Snapshot::Same => report.passed += 1,
                            Snapshot::Written => {
                                report.passed += 1;
                                report.written.push(snapshot.clone());
                            }
                            Snapshot::Differs(message, lines) => {
                                report.failed += 1;
                                fail(at, message, lines);
                            }
                        }
                    }
                }
            }
        }
        report.files.push(FileResult {
            file: file.path.clone(),
            passed: report.passed - before.0,
            failed: report.failed - before.1,
        });
    }
    if options.coverage {
        let districts: Vec<(&PathBuf, &District)> = planned_in_order(files)
            .into_iter()
            .filter_map(|f| planned.get(f).map(|p| (f, &p.district)))
            .collect();
        report.coverage = Some(crate::coverage::measure(rules, &districts, files));
    }
    Ok(report)
}

/// Every district file the cases name, each once, in the order named.
fn planned_in_order(files: &[ExpectationFile]) -> Vec<&PathBuf> {
    let mut seen = std::collections::HashSet::new();
    files
        .iter()
        .flat_map(|f| &f.cases)
        .flat_map(|c| &c.districts)
        .map(|d| &d.file)
        .filter(|f| seen.insert(*f))
        .collect()
}

/// Loads and plans every district the cases name, on every core.
fn plan_all<'s>(
    session: &'s Session,
    files: &[ExpectationFile],
) -> Result<HashMap<PathBuf, Planned<'s>>, Diagnostics> {
    let order = planned_in_order(files);
    let results: Vec<Result<Planned<'s>, Diagnostics>> = order
        .par_iter()
        .map(|file| {
            let district = District::load(file)?;
            let plan = session.plan(&district, file).map_err(Diagnostics::from)?;
            Ok(Planned { district, plan })
        })
        .collect();
    let mut planned = HashMap::with_capacity(order.len());
    let mut problems = Vec::new();
    for (file, result) in order.into_iter().zip(results) {
        match result {
            Ok(p) => {
                planned.insert(file.clone(), p);
            }
            Err(d) => problems.extend(d.0),
        }
    }
    if problems.is_empty() {
        Ok(planned)
    } else {
        Err(Diagnostics(problems))
    }
}

/// How a snapshot case came out.
enum Snapshot {
    Same,
    Written,
    /// Why it failed, and the decisions that moved.
    Differs(String, Vec<String>),
}

/// Compares `plan`'s outline with the snapshot in `file`; with
/// `options.update`, writes it where it is missing or differs.
fn compare_snapshot(
    rules: &RuleBase,
    plan: &Plan<'_>,
    name: &str,
    file: &Path,
    options: Options,
) -> Result<Snapshot, Diagnostics> {
    let outline = Outline::of(plan);
    let kept: Option<Outline> = if file.exists() {
        let text = crate::source::read_text(file, crate::limits::MAX_EXPECTATION_BYTES)?;
        match crate::source::parse_ron(file, &text) {
            Ok(kept) => Some(kept),
            Err(_) if options.update => None,
            Err(d) => return Err(Diagnostics::from(d.in_layer(ErrorKind::Expectations).with_hint(
                "a snapshot is written by `elplan test --update`; run it to write this one again",
            ))),
        }
    } else {
        None
    };
    if kept.as_ref() == Some(&outline) {
        return Ok(Snapshot::Same);
    }
    if options.update {
        let comment = format!(
            "What the plan of `{name}` decides, kept by `elplan test --update`:\nfindings, pending rules, each strategy's stage, months and reason, goals and checklist."
        );
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                Diagnostic::of(
                    ErrorKind::Io,
                    dir,
                    format!("cannot create the snapshot folder: {e}"),
                )
            })?;
        }
        crate::output::write_atomic(file, outline.to_ron(&comment).as_bytes())?;
        return Ok(Snapshot::Written);
    }
    Ok(match kept {
        None => Snapshot::Differs(
            format!(
                "no snapshot {} yet; `elplan test --update` writes it",
                file.display()
            ),
            Vec::new(),
        ),
        Some(kept) => {
            let is_finding = |id: &str| rules.finding(id).is_some();
            let title = |kind: Kind, id: &str| titled(rules, kind, id);
            let found = differences(&kept, &outline, &is_finding);
            let lines: Vec<String> = found.iter().flat_map(|d| d.lines(&title)).collect();
            let message = format!(
                "the plan differs from {}: {} decision{} moved",
                file.display(),
                found.len(),
                if found.len() == 1 { "" } else { "s" }
            );
            Snapshot::Differs(message, lines)
        }
    })
}

/// A rule, goal or checklist row by its title and id: `High poverty
/// (high_poverty)`; the id alone when the rule base lacks it.
pub(crate) fn titled(rules: &RuleBase, kind: Kind, id: &str) -> String {
    let title = match kind {
        Kind::Finding => rules.finding(id).map(|f| f.title.as_str()),
        Kind::Strategy => rules.strategy(id).map(|s| s.title.as_str()),
        Kind::Goal => rules
            .goals
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.measure.as_str()),
        Kind::Checklist => None,
    };
    match title {
        Some(title) => format!("{title} ({id})"),
        None => id.to_string(),
    }
}

/// Where a finding stands in `plan`, as a failure says it.
fn finding_status(plan: &Plan<'_>, id: &str) -> String {
    if plan.fired(id) {
        "it fires".into()
    } else if let Some(p) = plan.pending.iter().find(|p| p.id == id) {
        format!("it waits on data ({})", p.missing.join(", "))
    } else {
        "it does not fire".into()
    }
}

/// Where a strategy stands in `plan`, as a failure says it.
fn strategy_status(plan: &Plan<'_>, id: &str) -> String {
    for stage in &plan.stages {
        if let Some(s) = stage.strategies.iter().find(|s| s.id == id) {
            return format!(
                "it is scheduled in {}, {}, {}",
                stage.id,
                crate::outline::months(s.start_month, s.end_month),
                s.reason.as_str()
            );
        }
    }
    if plan.also_considered.iter().any(|a| a.id == id) {
        return "it is also considered, not selected".into();
    }
    if let Some(d) = plan.deferred.iter().find(|d| d.id == id) {
        return format!("it is deferred ({})", d.reason.as_str());
    }
    if plan.is_in_place(id) {
        return "it is in place".into();
    }
    if let Some(p) = plan.pending.iter().find(|p| p.id == id) {
        return format!("it waits on data ({})", p.missing.join(", "));
    }
    "it is not in the plan".into()
}

/// Whether the plan chooses a strategy for itself.
fn chosen(plan: &Plan<'_>, id: &str) -> bool {
    plan.scheduled()
        .any(|s| s.id == id && s.reason == Reason::Chosen)
        || plan.also_considered.iter().any(|a| a.id == id)
}

/// Whether `expectation` holds for `plan`; if not, what the plan shows.
pub fn check(plan: &Plan<'_>, rules: &RuleBase, expectation: &Expectation) -> Result<(), String> {
    use Expectation as E;
    let holds = |ok: bool, status: String| if ok { Ok(()) } else { Err(status) };
    match expectation {
        E::Fires(id) => holds(plan.fired(id), finding_status(plan, id)),
        E::DoesNotFire(id) => holds(
            !plan.fired(id) && !plan.is_pending(id),
            finding_status(plan, id),
        ),
        E::Pending(id) => {
            let status = if rules.finding(id).is_some() {
                finding_status(plan, id)
            } else {
                strategy_status(plan, id)
            };
            holds(plan.is_pending(id), status)
        }
        E::Chosen(id) => holds(chosen(plan, id), strategy_status(plan, id)),
        E::NotChosen(id) => holds(
            !chosen(plan, id) && !plan.is_pending(id),
            strategy_status(plan, id),
        ),
        E::Scheduled {
            id,
            stage,
            starts_in,
            ends_in,
            reason,
        } => {
            let found = plan.stages.iter().find_map(|st| {
                st.strategies
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| (st.id, s))
            });
            let within = |m: u32, bounds: &Option<(u32, u32)>| {
                bounds.is_none_or(|(first, last)| (first..=last).contains(&m))
            };
            let ok = found.is_some_and(|(at, s)| {
                stage.as_deref().is_none_or(|want| want == at)
                    && within(s.start_month, starts_in)
                    && within(s.end_month, ends_in)
                    && reason.is_none_or(|r| r == s.reason)
            });
            holds(ok, strategy_status(plan, id))
        }
        E::NotScheduled(id) => holds(plan.stage_of(id).is_none(), strategy_status(plan, id)),
        E::Considered(id) => holds(
            plan.also_considered.iter().any(|a| a.id == id),
            strategy_status(plan, id),
        ),
        E::Deferred(id) => holds(plan.is_deferred(id), strategy_status(plan, id)),
        E::InPlace(id) => holds(
            plan.is_in_place(id) && plan.stage_of(id).is_none(),
            strategy_status(plan, id),
        ),
        E::InPlan(id) => holds(
            plan.stage_of(id).is_some()
                || plan.is_deferred(id)
                || plan.also_considered.iter().any(|a| a.id == id),
            strategy_status(plan, id),
        ),
        E::Baseline { goal, value, year } => {
            let baseline = plan
                .goals
                .iter()
                .find(|g| g.id == goal)
                .and_then(|g| g.baseline.as_ref());
            let ok = baseline.is_some_and(|b| {
                (b.value - value).abs() <= 1e-6 && year.as_ref().is_none_or(|y| *y == b.year)
            });
            holds(ok, baseline_status(plan, goal))
        }
        E::NoBaseline(goal) => {
            let known = plan
                .goals
                .iter()
                .any(|g| g.id == goal && g.baseline.is_some());
            holds(!known, baseline_status(plan, goal))
        }
        E::Checklist { row, status } => {
            let found = plan.compliance.iter().find(|c| c.id == row);
            let shown = found.map_or("it is not on the checklist".to_string(), |c| {
                format!("its status is {}", c.status.as_str())
            });
            holds(found.is_some_and(|c| c.status == *status), shown)
        }
        E::AnyOf(choices) => {
            let mut why = Vec::new();
            for choice in choices {
                match check(plan, rules, choice) {
                    Ok(()) => return Ok(()),
                    Err(e) => why.push(e),
                }
            }
            why.dedup();
            Err(why.join("; "))
        }
    }
}

fn baseline_status(plan: &Plan<'_>, goal: &str) -> String {
    match plan.goals.iter().find(|g| g.id == goal) {
        Some(g) => match &g.baseline {
            Some(b) => format!("its baseline is {} ({})", b.value, b.year),
            None => format!("it has no baseline (missing: {})", g.missing.join(", ")),
        },
        None => "the plan has no such goal".into(),
    }
}

impl TestReport {
    /// The report as a test runner prints it: a line a failure with the
    /// file, line and column of its expectation, a line a file, then
    /// `N passed, N failed`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.failures {
            let _ = writeln!(
                out,
                "FAIL {}:{}:{}: {}: {}: {}",
                f.file.display(),
                f.line,
                f.column,
                f.district,
                f.expectation,
                f.message
            );
            for line in &f.differences {
                let _ = writeln!(out, "    {line}");
            }
        }
        if !self.failures.is_empty() {
            out.push_str(
                "`elplan explain DISTRICT ID` says why a finding or strategy is where it is.\n\n",
            );
        }
        for file in &self.written {
            let _ = writeln!(out, "wrote {}", file.display());
        }
        for f in &self.files {
            let mark = if f.failed == 0 { "ok  " } else { "FAIL" };
            let _ = writeln!(
                out,
                "{mark} {}: {} passed, {} failed",
                f.file.display(),
                f.passed,
                f.failed
            );
        }
        if let Some(coverage) = &self.coverage {
            out.push('\n');
            out.push_str(&coverage.to_text());
            out.push('\n');
        }
        let _ = write!(out, "{} passed, {} failed", self.passed, self.failed);
        if !self.written.is_empty() {
            let n = self.written.len();
            let _ = write!(
                out,
                "; {n} snapshot{} written",
                if n == 1 { "" } else { "s" }
            );
        }
        out.push('\n');
        out
    }
}
