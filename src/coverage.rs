//! `elplan test --coverage`: what the districts an expectation run plans
//! exercise of a rule base. For each finding and strategy, whether an
//! expectation names it and in how many districts it fired (or was
//! chosen), did not, or waited on data; for each branch of each condition
//! (the parts of a `when` split at `and`, `or` and `not`), in how many it
//! held and failed. A finding that never fires, or a branch that never
//! holds, is one no expectation can have tested.

use std::collections::HashSet;
use std::fmt::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::condition::{Logic, Truth};
use crate::district::District;
use crate::engine::{self, FindingOutcome};
use crate::expectations::{Check, ExpectationFile};
use crate::rulebase::rules::Origin;
use crate::rulebase::RuleBase;

/// What the planned districts exercised.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// How many districts were planned.
    pub districts: usize,
    /// Each finding: named by an expectation; fired, did not, pending.
    pub findings: Vec<RuleCoverage>,
    /// Each strategy: named; its condition held, failed, unknown.
    pub strategies: Vec<RuleCoverage>,
    /// Each branch of each condition, with how often it held and failed.
    pub branches: Vec<Branch>,
}

/// How one finding or strategy fared over the districts.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCoverage {
    /// The rule's id.
    pub id: String,
    /// Whether an expectation names it.
    pub named: bool,
    /// Districts where it fired (a finding) or its `when` held (a strategy).
    pub held: usize,
    /// Districts where it was decided not to.
    pub failed: usize,
    /// Districts where it waited on data.
    pub unknown: usize,
}

/// One branch of a condition and how it fared.
#[derive(Debug, Clone, Serialize)]
pub struct Branch {
    /// The rule it belongs to: `finding high_poverty`.
    pub rule: String,
    /// The condition: `when`, `in_place_when` or `met_when`.
    pub condition: &'static str,
    /// The branch as written.
    pub text: String,
    /// The rule file.
    pub file: PathBuf,
    /// The rule's line.
    pub line: usize,
    /// Districts where it held.
    pub held: usize,
    /// Districts where it failed.
    pub failed: usize,
    /// Districts where it read missing data.
    pub unknown: usize,
}

/// Every condition of the rule base: (rule, condition, where, logic).
fn conditions(rules: &RuleBase) -> Vec<(String, &'static str, &Origin, &Logic)> {
    let mut out = Vec::new();
    for f in &rules.findings {
        out.push((
            format!("finding {}", f.rule.id),
            "when",
            &f.rule.origin,
            &f.when,
        ));
    }
    for s in &rules.strategies {
        let rule = format!("strategy {}", s.rule.id);
        out.push((rule.clone(), "when", &s.rule.origin, &s.when));
        if let Some(logic) = &s.in_place {
            out.push((rule, "in_place_when", &s.rule.origin, logic));
        }
    }
    for r in &rules.requirements {
        let rule = format!("checklist row {}", r.rule.id);
        out.push((rule, "met_when", &r.rule.origin, &r.met_when));
    }
    out
}

/// Adds one district's truth to a tally: (held, failed, unknown).
fn tally(counts: &mut (usize, usize, usize), truth: &Truth) {
    match truth {
        Truth::True => counts.0 += 1,
        Truth::False => counts.1 += 1,
        Truth::Unknown(_) => counts.2 += 1,
    }
}

/// Measures `districts` (each with its file) against `rules`; the
/// findings and strategies the expectations of `files` name are marked.
pub fn measure(
    rules: &RuleBase,
    districts: &[(&PathBuf, &District)],
    files: &[ExpectationFile],
) -> Coverage {
    let named: HashSet<&str> = files
        .iter()
        .flat_map(|f| &f.cases)
        .filter_map(|c| match &c.check {
            Check::Expect(list) => Some(list),
            Check::Snapshot { .. } => None,
        })
        .flatten()
        .flat_map(|w| w.expectation.rules())
        .collect();
    let conditions = conditions(rules);
    let leaves: Vec<Vec<usize>> = conditions
        .iter()
        .map(|(_, _, _, logic)| {
            let mut leaves = Vec::new();
            logic.leaves(&mut leaves);
            leaves
        })
        .collect();
    let all_leaves: Vec<usize> = leaves.iter().flatten().copied().collect();
    let mut findings = vec![(0, 0, 0); rules.findings.len()];
    let mut strategies = vec![(0, 0, 0); rules.strategies.len()];
    let mut branches = vec![(0, 0, 0); all_leaves.len()];
    let mut planned = 0;
    for (file, district) in districts {
        // The districts planned already; a rule error here was reported then.
        let Ok(evaluation) = engine::evaluate(rules, district, file) else {
            continue;
        };
        planned += 1;
        for (counts, outcome) in findings.iter_mut().zip(&evaluation.findings) {
            let truth = match outcome {
                FindingOutcome::Fired(_) => Truth::True,
                FindingOutcome::NotFired => Truth::False,
                FindingOutcome::Unknown(m) => Truth::Unknown(m.clone()),
            };
            tally(counts, &truth);
        }
        for (counts, outcome) in strategies.iter_mut().zip(&evaluation.strategies) {
            tally(counts, &outcome.when);
        }
        let values = engine::leaf_values(rules, district, &evaluation, &all_leaves);
        for (counts, value) in branches.iter_mut().zip(values) {
            let truth = match value {
                Ok(Ok(v)) => Truth::from_bool(v.is_true()),
                _ => Truth::Unknown(Default::default()),
            };
            tally(counts, &truth);
        }
    }
    let rule = |id: &str, (held, failed, unknown): (usize, usize, usize)| RuleCoverage {
        id: id.to_string(),
        named: named.contains(id),
        held,
        failed,
        unknown,
    };
    let branches = conditions
        .iter()
        .zip(&leaves)
        .flat_map(|((owner, key, origin, _), leaves)| {
            leaves.iter().map(move |&leaf| (owner, *key, *origin, leaf))
        })
        .zip(branches)
        .map(
            |((owner, key, origin, leaf), (held, failed, unknown))| Branch {
                rule: owner.clone(),
                condition: key,
                text: rules.leaves[leaf].source.clone(),
                file: origin.file.clone(),
                line: origin.line,
                held,
                failed,
                unknown,
            },
        )
        .collect();
    Coverage {
        districts: planned,
        findings: rules
            .findings
            .iter()
            .zip(findings)
            .map(|(f, c)| rule(&f.rule.id, c))
            .collect(),
        strategies: rules
            .strategies
            .iter()
            .zip(strategies)
            .map(|(s, c)| rule(&s.rule.id, c))
            .collect(),
        branches,
    }
}

/// `a, b and c`, or `none`.
fn listed(ids: &[&str]) -> String {
    if ids.is_empty() {
        "none".to_string()
    } else {
        ids.join(", ")
    }
}

/// `measure: N of M; missing: ids`, where the ids are those of the rules
/// `left_out` picks and N the others.
fn count_line(
    out: &mut String,
    rules: &[RuleCoverage],
    measure: &str,
    missing: &str,
    left_out: impl Fn(&RuleCoverage) -> bool,
) {
    let ids: Vec<&str> = rules
        .iter()
        .filter(|r| left_out(r))
        .map(|r| r.id.as_str())
        .collect();
    let _ = writeln!(
        out,
        "  {measure}: {} of {}; {missing}: {}",
        rules.len() - ids.len(),
        rules.len(),
        listed(&ids)
    );
}

impl Coverage {
    /// The coverage for people: a line a measure, then the branches that
    /// never held and those that never failed.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Coverage over the {} districts the expectations plan:",
            self.districts
        );
        for (what, rules, verb) in [
            ("findings", &self.findings, "fired"),
            ("strategies", &self.strategies, "chosen"),
        ] {
            let named = format!("{what} named by an expectation");
            count_line(&mut out, rules, &named, "not named", |r| !r.named);
            let held = format!("{what} {verb} in some district");
            count_line(&mut out, rules, &held, &format!("never {verb}"), |r| {
                r.held == 0
            });
        }
        let total = self.branches.len();
        let held = self.branches.iter().filter(|b| b.held > 0).count();
        let failed = self.branches.iter().filter(|b| b.failed > 0).count();
        let _ = writeln!(
            out,
            "  condition branches that held in some district: {held} of {total}; that failed in some: {failed} of {total}"
        );
        for (title, keep) in [
            (
                "never held",
                (|b: &Branch| b.held == 0) as fn(&Branch) -> bool,
            ),
            ("never failed", |b: &Branch| b.failed == 0),
        ] {
            let shown: Vec<&Branch> = self.branches.iter().filter(|b| keep(b)).collect();
            if shown.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  branches that {title}:");
            for b in shown {
                let _ = writeln!(
                    out,
                    "    {}:{}  {}, {}: {}",
                    b.file.display(),
                    b.line,
                    b.rule,
                    b.condition,
                    b.text
                );
            }
        }
        out
    }
}
