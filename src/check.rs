//! `elplan check`: everything wrong with a rule base, before a district
//! sees a plan, and which rules the known districts exercise.
//!
//! Loading reports RON errors, duplicate and unknown ids, expression syntax,
//! unknown names and cycles (each phase in full). Then, on the loaded rule
//! base: string literals compared with an enum field that are not one of its
//! values, stage inversions (warnings), evaluation against a full and a
//! minimal probe district (any error but "unknown" is a rule bug),
//! conditions that are not true or false (warnings), and evidence that does
//! not render on the full probe. With fixtures, coverage: how many districts
//! fire each finding or choose each strategy, and the dead rules.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use serde::Serialize;

use crate::condition::{Logic, Truth};
use crate::diagnostic::{Diagnostic, ErrorKind, Severity};
use crate::district::{self, District};
use crate::engine::{self, FindingOutcome};
use crate::rulebase::compile::evidence_template;
use crate::rulebase::files::RuleFiles;
use crate::rulebase::rules::Origin;
use crate::rulebase::RuleBase;

static BUNDLED_FIXTURES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fixtures");

/// The district groups of the bundled fixtures (not the scenarios).
const FIXTURE_GROUPS: [&str; 3] = ["calli", "elin", "cases"];

/// What `elplan check` found: every diagnostic, and coverage when fixtures were given.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always `elplan.check/1`.
    pub format: &'static str,
    /// Which rule base: `embedded` or its directory.
    pub rules: String,
    /// How many diagnostics are errors.
    pub errors: usize,
    /// How many are warnings.
    pub warnings: usize,
    /// Every problem found, in phase order.
    pub diagnostics: Vec<Diagnostic>,
    /// How often each rule fires on the fixtures, when there were any.
    pub coverage: Option<Coverage>,
}

/// How often the rules fire on a set of fixture districts.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// How many fixtures were planned.
    pub districts: usize,
    /// Each finding and strategy with the number of districts where it
    /// fired (finding) or its condition held (strategy).
    pub rules: Vec<RuleCount>,
    /// Rules that fire on no district.
    pub dead: Vec<String>,
    /// Share of rules that fire somewhere, in percent.
    pub percent: f64,
}

/// How many fixtures fire a finding or choose a strategy.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    /// The rule's id.
    pub id: String,
    /// `finding` or `strategy`.
    pub kind: &'static str,
    /// How many fixtures fire or choose it.
    pub districts: usize,
}

/// District files to measure coverage on: (name shown, text).
pub type Fixtures = Vec<(PathBuf, String)>;

/// The bundled fixture districts, as embedded in the binary.
pub fn bundled_fixtures() -> Fixtures {
    let mut out = Vec::new();
    for group in FIXTURE_GROUPS {
        if let Some(dir) = BUNDLED_FIXTURES.get_dir(group) {
            for file in dir
                .files()
                .filter(|f| f.path().extension().is_some_and(|e| e == "ron"))
            {
                let shown = PathBuf::from("<bundled fixtures>").join(file.path());
                out.push((shown, file.contents_utf8().unwrap_or("").to_string()));
            }
        }
    }
    out.sort();
    out
}

/// Every `.ron` district file under `dir` (recursively).
pub fn fixtures_in(dir: &Path) -> Result<Fixtures, Diagnostic> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        let entries = std::fs::read_dir(&at).map_err(|e| {
            Diagnostic::of(
                ErrorKind::Io,
                &at,
                format!("cannot read the fixture directory: {e}"),
            )
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ron") {
                let text = crate::source::read_text(&path, crate::limits::MAX_DISTRICT_BYTES)?;
                out.push((path, text));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Checks the rule base in `files`, and its coverage over `fixtures`.
pub fn check(files: RuleFiles, fixtures: Option<&Fixtures>) -> Report {
    let origin = files.origin.clone();
    let sources: HashMap<PathBuf, String> = files
        .singles
        .iter()
        .chain(&files.strategies)
        .cloned()
        .collect();
    let sources_file = files.data_sources.0.clone();
    let mut diagnostics = Vec::new();
    let mut coverage = None;
    match RuleBase::from_files(files) {
        Err(problems) => diagnostics.extend(problems.in_layer(ErrorKind::RuleBase).0),
        Ok(rules) => {
            let at = |origin: &Origin, needle: &str, message: String| {
                locate(&sources, origin, needle, message)
            };
            enum_literals(&rules, &at, &mut diagnostics);
            stage_inversions(&rules, &at, &mut diagnostics);
            probes(&rules, &at, &mut diagnostics);
            unsourced(&rules, &sources_file, &mut diagnostics);
            if let Some(fixtures) = fixtures {
                coverage = Some(measure(&rules, fixtures, &mut diagnostics));
            }
        }
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    Report {
        format: "elplan.check/1",
        rules: origin,
        errors,
        warnings: diagnostics.len() - errors,
        diagnostics,
        coverage,
    }
}

/// A diagnostic at the first `needle` after the rule's line, or at the rule.
fn locate(
    sources: &HashMap<PathBuf, String>,
    origin: &Origin,
    needle: &str,
    message: String,
) -> Diagnostic {
    let d = Diagnostic::of(ErrorKind::RuleBase, &origin.file, message);
    let Some(source) = sources.get(&origin.file) else {
        return d;
    };
    match crate::source::find_after_line(source, origin.line, needle) {
        Some(offset) => d.at_offset(source, offset),
        None if origin.line > 0 => d.at(source, origin.line, 1),
        None => d,
    }
}

/// Every condition of the rule base: (owner, origin, key, logic).
fn conditions(rules: &RuleBase) -> Vec<(String, &Origin, &'static str, &Logic)> {
    let mut out = Vec::new();
    for f in &rules.findings {
        let owner = format!("finding `{}`", f.rule.id);
        out.push((owner, &f.rule.origin, "when", &f.when));
    }
    for s in &rules.strategies {
        let owner = format!("strategy `{}`", s.rule.id);
        out.push((owner.clone(), &s.rule.origin, "when", &s.when));
        if let Some(logic) = &s.in_place {
            out.push((owner, &s.rule.origin, "in_place_when", logic));
        }
    }
    for d in &rules.derived {
        let owner = format!("derived value `{}`", d.rule.id);
        out.push((owner, &d.rule.origin, "value", &d.logic));
    }
    out
}

fn enum_literals(
    rules: &RuleBase,
    at: &dyn Fn(&Origin, &str, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    for (owner, origin, _, logic) in conditions(rules) {
        let mut leaves = Vec::new();
        logic.leaves(&mut leaves);
        for leaf in leaves {
            let pairs = crate::condition::enum_comparisons(&rules.leaves[leaf].source);
            for (path, text) in pairs {
                let Some(values) = district::enum_values(&path) else {
                    continue;
                };
                if !values.contains(&text.as_str()) {
                    let hint = values
                        .iter()
                        .find(|v| v.eq_ignore_ascii_case(&text))
                        .map(|v| format!("did you mean `{v}`? The values are case-sensitive."))
                        .unwrap_or_else(|| format!("`{path}` is one of: {}", values.join(", ")));
                    // The literal as written in a RON string: 'x' or \"x\".
                    let written = [format!("'{text}'"), format!("\\\"{text}\\\"")]
                        .into_iter()
                        .find(|needle| {
                            at(origin, needle, String::new())
                                .position
                                .is_some_and(|p| p.1 > 1)
                        })
                        .unwrap_or_else(|| text.clone());
                    out.push(
                        at(origin, &written, format!("{owner}: \"{text}\" is not a value of `{path}`, so the comparison never holds"))
                            .with_hint(hint),
                    );
                }
            }
        }
    }
}

/// Fields the rules read or declare as `needs` that `data_sources.ron`
/// gives no source for: plans would ask for them without saying where.
fn unsourced(rules: &RuleBase, file: &std::path::Path, out: &mut Vec<Diagnostic>) {
    for (name, source) in rules.names.iter().zip(&rules.name_source) {
        if source.is_none() {
            out.push(
                Diagnostic::of(
                    ErrorKind::RuleBase,
                    file,
                    format!("the rules read `{name}`, but no data source says where to find it"),
                )
                .warning()
                .with_hint(format!(
                    "add (field: \"{name}\", question: \"…\", source: \"…\") to data_sources.ron"
                )),
            );
        }
    }
}

fn stage_inversions(
    rules: &RuleBase,
    at: &dyn Fn(&Origin, &str, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    for compiled in &rules.strategies {
        let s = &compiled.rule;
        for &p in &compiled.requires {
            if rules.strategies[p].stage > compiled.stage {
                let prerequisite = &rules.strategies[p].rule;
                out.push(
                    at(
                        &s.origin,
                        "stage:",
                        format!(
                            "strategy `{}` starts in `{}` but requires `{}`, which starts in `{}`: it will be scheduled no earlier than `{}`",
                            s.id, s.stage, prerequisite.id, prerequisite.stage, prerequisite.stage
                        ),
                    )
                    .warning()
                    .with_hint(format!("set its stage to `{}`, or drop the requirement", prerequisite.stage)),
                );
            }
        }
    }
}

/// The full probe's file among the bundled fixtures.
const FULL_PROBE: &str = "probe/full-probe.ron";

/// A district with every field filled.
fn full_probe() -> District {
    let source = BUNDLED_FIXTURES
        .get_file(FULL_PROBE)
        .and_then(|f| f.contents_utf8())
        .unwrap_or_default();
    District::parse(Path::new(FULL_PROBE), source).unwrap_or_else(|_| minimal_probe())
}

/// A district with only the required fields.
fn minimal_probe() -> District {
    District::new(
        "minimal-probe",
        "Minimal probe",
        district::Kind::Unified,
        1000,
        0.3,
    )
}

fn probes(
    rules: &RuleBase,
    at: &dyn Fn(&Origin, &str, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    for (name, probe) in [("full", full_probe()), ("minimal", minimal_probe())] {
        let file = PathBuf::from(format!("<{name} probe district>"));
        let evaluation = match engine::evaluate(rules, &probe, &file) {
            Ok(evaluation) => evaluation,
            Err(d) => {
                // The same rule failing on both probes is one problem.
                let same = |x: &Diagnostic| {
                    x.position == d.position
                        && x.file == d.file
                        && x.message
                            .replace("<full probe district>", &file.display().to_string())
                            == d.message
                };
                if !out.iter().any(same) {
                    out.push(d);
                }
                continue;
            }
        };
        // Conditions must be true or false (or unknown), not other values.
        for (owner, origin, key, logic) in conditions(rules) {
            if key == "value" {
                continue;
            }
            let top = [logic.top()];
            if let Some(Ok(Ok(value))) = engine::leaf_values(rules, &probe, &evaluation, &top).pop()
            {
                if value.kind() != minijinja::value::ValueKind::Bool {
                    out.push(
                        at(origin, &format!("{key}:"), format!("{owner}: `{key}` gives {} `{value}` on the {name} probe, not true or false", value.kind()))
                            .warning()
                            .with_hint("compare it (`>= 0.2`, `== 'Novice'`) so the condition is plainly true or false"),
                    );
                }
            }
        }
        if name != "full" {
            continue;
        }
        // Every evidence sentence must render where every field is known.
        let (scope, _) = engine::settled_scope(rules, &probe, &evaluation);
        for f in rules.findings.iter().map(|f| &f.rule) {
            let rendered = rules
                .env()
                .get_template(&evidence_template(&f.id))
                .and_then(|t| crate::render::render_sentence(&t, scope.clone()));
            if let Err(e) = rendered {
                let detail = e
                    .detail()
                    .map_or_else(|| e.kind().to_string(), |d| format!("{} ({d})", e.kind()));
                out.push(
                    at(&f.origin, "evidence:", format!("finding `{}`: its evidence does not render on the full probe: {detail}", f.id))
                        .with_hint("an evidence template may only read values its finding's data defines; guard others with `is defined`"),
                );
            }
        }
    }
}

fn measure(rules: &RuleBase, fixtures: &Fixtures, out: &mut Vec<Diagnostic>) -> Coverage {
    let mut fired = vec![0usize; rules.findings.len()];
    let mut chosen = vec![0usize; rules.strategies.len()];
    let mut districts = 0;
    for (path, text) in fixtures {
        let district = match District::parse(path, text) {
            Ok(d) => d,
            Err(problems) => {
                out.extend(problems.0);
                continue;
            }
        };
        match engine::evaluate(rules, &district, path) {
            Ok(evaluation) => {
                districts += 1;
                for (i, o) in evaluation.findings.iter().enumerate() {
                    fired[i] += usize::from(matches!(o, FindingOutcome::Fired(_)));
                }
                for (i, o) in evaluation.strategies.iter().enumerate() {
                    chosen[i] += usize::from(o.when == Truth::True);
                }
            }
            Err(d) => out.push(d),
        }
    }
    let rules_counted: Vec<RuleCount> = rules
        .findings
        .iter()
        .zip(&fired)
        .map(|(f, &n)| RuleCount {
            id: f.rule.id.clone(),
            kind: "finding",
            districts: n,
        })
        .chain(
            rules
                .strategies
                .iter()
                .zip(&chosen)
                .map(|(s, &n)| RuleCount {
                    id: s.rule.id.clone(),
                    kind: "strategy",
                    districts: n,
                }),
        )
        .collect();
    let dead: Vec<String> = rules_counted
        .iter()
        .filter(|r| r.districts == 0)
        .map(|r| r.id.clone())
        .collect();
    let total = rules_counted.len().max(1);
    Coverage {
        districts,
        percent: ((total - dead.len()) as f64 * 1000.0 / total as f64).round() / 10.0,
        rules: rules_counted,
        dead,
    }
}

impl Report {
    /// The report for people: diagnostics, then a coverage summary.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&d.to_string());
            out.push('\n');
        }
        if let Some(c) = &self.coverage {
            out.push_str(&format!("coverage over {} districts:\n", c.districts));
            for r in &c.rules {
                out.push_str(&format!("  {:>4}  {:<8}  {}\n", r.districts, r.kind, r.id));
            }
            let live = c.rules.len() - c.dead.len();
            out.push_str(&format!(
                "{live} of {} rules fire on some district ({:.1} %)\n",
                c.rules.len(),
                c.percent
            ));
            if c.dead.is_empty() {
                out.push_str("dead rules: none\n");
            } else {
                out.push_str(&format!("dead rules: {}\n", c.dead.join(", ")));
            }
        }
        out.push_str(&format!(
            "{}: {} error{}, {} warning{}\n",
            self.rules,
            self.errors,
            if self.errors == 1 { "" } else { "s" },
            self.warnings,
            if self.warnings == 1 { "" } else { "s" }
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field the district file has is filled in the full probe, so
    /// that every rule reading it is tried on a value.
    #[test]
    fn the_full_probe_fills_every_field() {
        let probe = minijinja::Value::from(minijinja::value::Serde(full_probe()));
        let missing: Vec<String> = district::field_paths()
            .into_iter()
            .filter(|path| {
                let (root, field) = path.split_once('.').unwrap_or((path, ""));
                let mut value = probe.get_attr(root).unwrap_or_default();
                if root == "history" {
                    value = value
                        .get_item(&minijinja::Value::from(-1))
                        .unwrap_or_default();
                }
                // The team's decisions are not data a rule reads.
                if root == "decisions" {
                    return false;
                }
                if !field.is_empty() {
                    value = value.get_attr(field).unwrap_or_default();
                }
                value.is_undefined() || value.is_none()
            })
            .collect();
        assert_eq!(missing, Vec::<String>::new());
    }

    #[test]
    fn the_full_probe_is_a_valid_district_with_every_section() {
        let probe = full_probe();
        assert_eq!(probe.id, "full-probe");
        assert_eq!(probe.history.len(), 3);
        assert!(probe.goals.expand_dual_language_to.is_some());
        assert_eq!(minimal_probe().validate(), Vec::new());
    }
}
