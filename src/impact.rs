//! `elplan impact`: what a change to a rule base does to the plans of many
//! districts.
//!
//! Every district is planned under the rule base before the change and
//! under the one after it, on every core; their outlines
//! ([`crate::outline`]) are compared. The report says how many plans
//! changed; for each finding, strategy, goal and checklist row, in how
//! many districts it appeared or disappeared, moved stage or months, or
//! became deferred, pending, in place or also considered; and every
//! changed plan with its differences, worded as `elplan diff` words them
//! ([`crate::compare`]) with the months `diff` leaves out. A district that
//! cannot be planned under either rule base is listed and does not stop
//! the others. The report does not depend on the number of threads.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use minijinja::value::Serde;
use rayon::prelude::*;
use serde::Serialize;

use crate::compare::PlanDiff;
use crate::diagnostic::Diagnostic;
use crate::district::District;
use crate::outline::{differences, Difference, Kind, Movement, Outline};
use crate::session::Session;

/// The `format` field of impact JSON.
pub const FORMAT: &str = "elplan.impact/1";

/// How many of the most changed plans the text report shows whole.
const MOST_CHANGED: usize = 10;

/// What a rule change does to the plans of many districts
/// (`elplan.impact/1`).
#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// The rule base before the change: `embedded` or its folder.
    pub baseline: String,
    /// The rule base after the change.
    pub changed: String,
    /// How many districts were planned under both.
    pub districts: usize,
    /// How many of their plans differ.
    pub plans_changed: usize,
    /// Each finding, strategy, goal and row that moved somewhere, the one
    /// that moved in the most districts first.
    pub rules: Vec<RuleImpact>,
    /// Each plan that differs, the most changed first (then in file order).
    pub plans: Vec<PlanImpact>,
    /// The districts that could not be planned, and why.
    pub failed: Vec<Failed>,
}

/// How one finding, strategy, goal or checklist row moved.
#[derive(Debug, Clone, Serialize)]
pub struct RuleImpact {
    /// What it is.
    pub kind: Kind,
    /// Its id.
    pub id: String,
    /// Its title and id, as the report words it.
    pub title: String,
    /// In how many districts it moved.
    pub districts: usize,
    /// How it moved, with the number of districts of each movement.
    pub movements: BTreeMap<Movement, usize>,
}

/// A plan that differs.
#[derive(Debug, Clone, Serialize)]
pub struct PlanImpact {
    /// The district's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its file.
    pub file: PathBuf,
    /// Each finding, strategy, goal and row that stands differently.
    pub differences: Vec<Difference>,
    /// The same, a line each, marked as `elplan diff` marks them.
    pub lines: Vec<String>,
    /// The comparison `elplan diff` makes of the two plans
    /// (`elplan.diff/1`): findings with their evidence, strategies with
    /// their stage and reason.
    pub diff: PlanDiff,
    /// The lines of what `diff` does not speak of: months and reasons
    /// within a stage, also-considered change ideas, goals, checklist rows.
    #[serde(skip)]
    pub also: Vec<String>,
}

/// A district that could not be planned.
#[derive(Debug, Clone, Serialize)]
pub struct Failed {
    /// Its file.
    pub file: PathBuf,
    /// Why, as the diagnostic says it.
    pub error: String,
}

/// One district's outcome.
enum Outcome {
    Same,
    Changed(Box<PlanImpact>),
    Failed(Failed),
}

/// Plans every file under `before`'s and `after`'s rule bases and reports
/// what moved. Shows a progress bar when standard error is a terminal.
pub fn impact(before: &Session, after: &Session, files: &[PathBuf]) -> Impact {
    let is_finding =
        |id: &str| after.rules().finding(id).is_some() || before.rules().finding(id).is_some();
    let title = |kind: Kind, id: &str| {
        let shown = crate::rule_test::titled(after.rules(), kind, id);
        if shown == id {
            crate::rule_test::titled(before.rules(), kind, id)
        } else {
            shown
        }
    };
    let progress = crate::batch::progress_bar(files.len());
    let outcomes: Vec<Outcome> = files
        .par_iter()
        .map(|file| {
            let outcome = compare_one(before, after, file, &is_finding, &title);
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            outcome
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut report = Impact {
        format: FORMAT,
        baseline: before.rules().origin.clone(),
        changed: after.rules().origin.clone(),
        districts: 0,
        plans_changed: 0,
        rules: Vec::new(),
        plans: Vec::new(),
        failed: Vec::new(),
    };
    for outcome in outcomes {
        match outcome {
            Outcome::Same => report.districts += 1,
            Outcome::Changed(plan) => {
                report.districts += 1;
                report.plans.push(*plan);
            }
            Outcome::Failed(failed) => report.failed.push(failed),
        }
    }
    report.plans_changed = report.plans.len();
    // A stable sort: plans that change as much stay in file order.
    report
        .plans
        .sort_by_key(|p| std::cmp::Reverse(p.differences.len()));
    report.rules = by_rule(&report.plans, &title);
    report
}

/// One district planned under both rule bases and compared.
fn compare_one(
    before: &Session,
    after: &Session,
    file: &Path,
    is_finding: &dyn Fn(&str) -> bool,
    title: &dyn Fn(Kind, &str) -> String,
) -> Outcome {
    let failed = |error: String| {
        Outcome::Failed(Failed {
            file: file.to_path_buf(),
            error: error.trim_end().to_string(),
        })
    };
    let district = match District::load(file) {
        Ok(d) => d,
        Err(d) => return failed(d.to_string()),
    };
    let old = match before.plan(&district, file) {
        Ok(p) => p,
        Err(d) => return failed(format!("under the rule base before the change: {d}")),
    };
    let new = match after.plan(&district, file) {
        Ok(p) => p,
        Err(d) => return failed(format!("under the changed rule base: {d}")),
    };
    let (a, b) = (Outline::of(&old), Outline::of(&new));
    if a == b {
        return Outcome::Same;
    }
    let found = differences(&a, &b, is_finding);
    let lines = found.iter().flat_map(|d| d.lines(title)).collect();
    let diff = crate::compare::compare(&old, &new, "before", "after");
    let spoken = mentioned(&diff);
    let also = found
        .iter()
        .filter(|d| !spoken.contains(d.id.as_str()))
        .flat_map(|d| d.lines(title))
        .collect();
    Outcome::Changed(Box::new(PlanImpact {
        id: district.id,
        name: district.name,
        file: file.to_path_buf(),
        differences: found,
        lines,
        diff,
        also,
    }))
}

/// How each finding, strategy, goal and row moved over `plans`.
fn by_rule(plans: &[PlanImpact], title: &dyn Fn(Kind, &str) -> String) -> Vec<RuleImpact> {
    let mut rules: BTreeMap<(Kind, &str), RuleImpact> = BTreeMap::new();
    for plan in plans {
        for d in &plan.differences {
            let entry = rules.entry((d.kind, &d.id)).or_insert_with(|| RuleImpact {
                kind: d.kind,
                id: d.id.clone(),
                title: title(d.kind, &d.id),
                districts: 0,
                movements: BTreeMap::new(),
            });
            entry.districts += 1;
            for m in d.movements() {
                *entry.movements.entry(m).or_default() += 1;
            }
        }
    }
    let mut out: Vec<RuleImpact> = rules.into_values().collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.districts));
    out
}

/// A rule base as the report names it.
fn rule_base(origin: &str) -> String {
    if origin == "embedded" {
        "the built-in rule base".to_string()
    } else {
        format!("the rule base in {origin}")
    }
}

/// Every movement, as reports list them.
const MOVEMENTS: [Movement; 14] = [
    Movement::Appeared,
    Movement::Disappeared,
    Movement::MovedStage,
    Movement::MovedMonths,
    Movement::OtherReason,
    Movement::BecameDeferred,
    Movement::NoLongerDeferred,
    Movement::BecamePending,
    Movement::NoLongerPending,
    Movement::BecameInPlace,
    Movement::NoLongerInPlace,
    Movement::BecameConsidered,
    Movement::NoLongerConsidered,
    Movement::Changed,
];

/// A movement as the text report words it.
fn movement_words(m: Movement) -> &'static str {
    match m {
        Movement::Appeared => "appeared",
        Movement::Disappeared => "disappeared",
        Movement::MovedStage => "moved stage",
        Movement::MovedMonths => "moved months",
        Movement::OtherReason => "changed reason",
        Movement::BecameDeferred => "became deferred",
        Movement::NoLongerDeferred => "no longer deferred",
        Movement::BecamePending => "became pending",
        Movement::NoLongerPending => "no longer pending",
        Movement::BecameInPlace => "became in place",
        Movement::NoLongerInPlace => "no longer in place",
        Movement::BecameConsidered => "became also considered",
        Movement::NoLongerConsidered => "no longer also considered",
        Movement::Changed => "changed",
    }
}

/// The ids a [`PlanDiff`] speaks of.
fn mentioned(diff: &PlanDiff) -> HashSet<&str> {
    let mut ids: HashSet<&str> = HashSet::new();
    ids.extend(diff.findings_added.iter().map(|f| f.id.as_str()));
    ids.extend(diff.findings_removed.iter().map(|f| f.id.as_str()));
    ids.extend(diff.strategies_added.iter().map(|s| s.id.as_str()));
    ids.extend(diff.strategies_removed.iter().map(|s| s.id.as_str()));
    ids.extend(diff.strategies_moved.iter().map(|m| m.id.as_str()));
    for list in [
        &diff.newly_deferred,
        &diff.no_longer_deferred,
        &diff.newly_in_place,
        &diff.no_longer_in_place,
    ] {
        ids.extend(list.iter().map(|i| i.id.as_str()));
    }
    ids.extend(diff.newly_pending.iter().map(|p| p.id.as_str()));
    ids.extend(diff.no_longer_pending.iter().map(|p| p.id.as_str()));
    ids
}

impl PlanImpact {
    /// The plan's differences in short tokens: `+high_poverty`,
    /// `coaching_model: assess->design`.
    pub fn tokens(&self) -> Vec<String> {
        self.differences
            .iter()
            .flat_map(Difference::tokens)
            .collect()
    }

    /// The plan's differences as `elplan diff` prints them, then under
    /// "Also" what `diff` does not show (months and reasons within a
    /// stage, also-considered change ideas, goals, checklist rows).
    pub fn text(&self) -> String {
        let mut out = String::new();
        // `diff`'s own text without its first line and its marks.
        for line in self.diff.to_text().lines().skip(1) {
            if line.is_empty() || line == crate::compare::MARKS.trim_end() {
                continue;
            }
            let _ = writeln!(out, "  {line}");
        }
        if !self.also.is_empty() {
            out.push_str("  Also\n");
            for line in &self.also {
                let _ = writeln!(out, "    {line}");
            }
        }
        out
    }
}

impl Impact {
    /// The report as one self-contained HTML page, through the
    /// `impact.html` template.
    pub fn to_html(&self, renderer: &crate::render::Renderer) -> Result<String, Diagnostic> {
        #[derive(Serialize)]
        struct Shown<'a> {
            plan: &'a PlanImpact,
            tokens: Vec<String>,
        }
        let plans: Vec<Shown<'_>> = self
            .plans
            .iter()
            .map(|plan| Shown {
                plan,
                tokens: plan.tokens(),
            })
            .collect();
        let words: BTreeMap<Movement, &str> =
            MOVEMENTS.iter().map(|&m| (m, movement_words(m))).collect();
        let context = minijinja::context! {
            impact => Serde(self),
            plans => Serde(&plans),
            shown => MOST_CHANGED,
            words => Serde(&words),
        };
        renderer.render_named("impact.html", "elplan impact --format html", context)
    }

    /// The report for people: the count, what moved by rule, the most
    /// changed plans whole, then every changed plan on a line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Impact of {} against {}, over {} districts:",
            rule_base(&self.changed),
            rule_base(&self.baseline),
            self.districts
        );
        let _ = writeln!(
            out,
            "{} plan{} change, {} do{} not.",
            self.plans_changed,
            if self.plans_changed == 1 { "" } else { "s" },
            self.districts - self.plans_changed,
            if self.districts - self.plans_changed == 1 {
                "es"
            } else {
                ""
            }
        );
        if !self.failed.is_empty() {
            let _ = writeln!(
                out,
                "{} district{} could not be planned (listed at the end).",
                self.failed.len(),
                if self.failed.len() == 1 { "" } else { "s" }
            );
        }
        if !self.rules.is_empty() {
            let _ = writeln!(out, "\nWhat moved, in how many districts:");
            for r in &self.rules {
                let moves: Vec<String> = r
                    .movements
                    .iter()
                    .map(|(m, n)| format!("{} {n}", movement_words(*m)))
                    .collect();
                let _ = writeln!(
                    out,
                    "  {:>5}  {} {}: {}",
                    r.districts,
                    r.kind.word(),
                    r.title,
                    moves.join(", ")
                );
            }
        }
        if !self.plans.is_empty() {
            let shown = self.plans.len().min(MOST_CHANGED);
            let _ = writeln!(
                out,
                "\nThe {shown} plan{} that change most ({}):",
                if shown == 1 { "" } else { "s" },
                crate::compare::MARKS
                    .trim_end()
                    .trim_start_matches("Marks: ")
                    .trim_end_matches('.')
            );
            for p in &self.plans[..shown] {
                let _ = writeln!(
                    out,
                    "\n{} ({}, {}): {} difference{}",
                    p.id,
                    p.name,
                    p.file.display(),
                    p.differences.len(),
                    if p.differences.len() == 1 { "" } else { "s" }
                );
                out.push_str(&p.text());
            }
            let _ = writeln!(out, "\nEvery plan that changes ({}):", self.plans.len());
            for p in &self.plans {
                let _ = writeln!(out, "  {}: {}", p.id, p.tokens().join(", "));
            }
        }
        if !self.failed.is_empty() {
            let _ = writeln!(out, "\nNot planned:");
            for f in &self.failed {
                let first = f.error.lines().next().unwrap_or_default();
                let _ = writeln!(out, "  {}: {first}", f.file.display());
            }
        }
        out
    }
}
