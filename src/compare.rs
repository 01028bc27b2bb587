//! What changed between two plans: findings that appeared or went away,
//! strategies added, removed or moved between stages, and what became (or
//! stopped being) deferred, pending or in place. `whatif`, `diff` and
//! `sweep` all report this; its JSON field names are an interface.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::district::District;
use crate::plan::{PendingKind, Plan};

/// The `format` field of diff JSON.
pub const FORMAT: &str = "elplan.diff/1";

/// What changed between two plans (`elplan.diff/1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDiff {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// What the comparison starts from and what it compares with.
    pub baseline: String,
    /// What it compares with.
    pub changed: String,
    /// Findings that fire only in the changed plan.
    pub findings_added: Vec<FindingChange>,
    /// Findings that fire only in the baseline.
    pub findings_removed: Vec<FindingChange>,
    /// Strategies scheduled only in the changed plan.
    pub strategies_added: Vec<StrategyChange>,
    /// Strategies scheduled only in the baseline.
    pub strategies_removed: Vec<StrategyChange>,
    /// Strategies scheduled in both, in different stages.
    pub strategies_moved: Vec<Moved>,
    /// Strategies deferred only in the changed plan.
    pub newly_deferred: Vec<Item>,
    /// Strategies deferred only in the baseline.
    pub no_longer_deferred: Vec<Item>,
    /// Rules pending only in the changed plan.
    pub newly_pending: Vec<PendingChange>,
    /// Rules pending only in the baseline.
    pub no_longer_pending: Vec<PendingChange>,
    /// Strategies in place only in the changed plan.
    pub newly_in_place: Vec<Item>,
    /// Strategies in place only in the baseline.
    pub no_longer_in_place: Vec<Item>,
    /// The district fields that differ between the two sides (`diff`,
    /// `whatif`); left out when none are listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputChange>,
    /// Strategies scheduled on both sides whose months differ (the
    /// studio's comparison of scenarios); left out when none are listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub months_moved: Vec<Retimed>,
    /// Goals whose target differs, or that are drafted on one side only
    /// (the studio's comparison of scenarios); left out when none are listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub goals_changed: Vec<GoalChange>,
}

/// A strategy scheduled in other months.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retimed {
    /// The strategy's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its months in the baseline, as people write them
    /// (`October of year 1 to March of year 2`).
    pub from: String,
    /// Its months in the changed plan.
    pub to: String,
}

/// A goal whose target differs between the two sides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalChange {
    /// The goal's id.
    pub id: String,
    /// What it measures.
    pub measure: String,
    /// Its target in the baseline, in words (`45 % by 2026-27`), or
    /// `null` when the baseline drafts no such goal.
    pub before: Option<String>,
    /// Its target in the changed plan, in words, or `null`.
    pub after: Option<String>,
}

/// A district field that differs between the two sides of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputChange {
    /// Its path, as `--set` writes it (`students.el_share`,
    /// `history[2023-24].elpi_status`).
    pub path: String,
    /// The value on the baseline side, or `null` when not given.
    pub before: serde_json::Value,
    /// The value on the changed side, or `null` when not given.
    pub after: serde_json::Value,
}

/// The district fields that differ between `a` and `b`, in file order; a
/// year of the history is named by its school year.
pub fn input_changes(a: &District, b: &District) -> Vec<InputChange> {
    let tree = |d: &District| serde_json::to_value(d).unwrap_or(serde_json::Value::Null);
    let mut out = Vec::new();
    walk(String::new(), &tree(a), &tree(b), &mut out);
    out
}

fn walk(path: String, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<InputChange>) {
    use serde_json::Value;
    if a == b {
        return;
    }
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let null = Value::Null;
            let keys = x.keys().chain(y.keys().filter(|k| !x.contains_key(*k)));
            for key in keys {
                let (p, q) = (x.get(key).unwrap_or(&null), y.get(key).unwrap_or(&null));
                walk(join(key), p, q, out);
            }
        }
        (Value::Array(x), Value::Array(y)) if path == "history" => {
            let year = |e: &Value| e.get("year").and_then(Value::as_str).map(str::to_string);
            let mut years: Vec<String> = x.iter().chain(y).filter_map(year).collect();
            years.sort_by_key(|y| crate::district::parse_school_year(y));
            years.dedup();
            let empty = Value::Object(Default::default());
            for name in years {
                let find = |list: &[Value]| {
                    list.iter()
                        .find(|e| year(e).as_deref() == Some(name.as_str()))
                        .cloned()
                };
                let (p, q) = (find(x), find(y));
                // The year names the entry; it is not a difference of its own.
                let without_year = |e: Option<Value>| {
                    let mut e = e.unwrap_or_else(|| empty.clone());
                    if let Value::Object(map) = &mut e {
                        map.remove("year");
                    }
                    e
                };
                let (p, q) = (without_year(p), without_year(q));
                walk(format!("history[{name}]"), &p, &q, out);
            }
        }
        _ => out.push(InputChange {
            path,
            before: a.clone(),
            after: b.clone(),
        }),
    }
}

/// A finding that appeared or went away.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingChange {
    /// The finding's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The evidence on the side where the finding fired.
    pub evidence: String,
}

/// A strategy that was added or removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrategyChange {
    /// The strategy's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The stage on the side where it is scheduled.
    pub stage: String,
    /// Why it is in the plan where it is scheduled.
    pub reason: String,
}

/// A strategy scheduled in another stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved {
    /// The strategy's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its stage in the baseline.
    pub from: String,
    /// Its stage in the changed plan.
    pub to: String,
}

/// A strategy named by id and title.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// The strategy's id.
    pub id: String,
    /// Its title.
    pub title: String,
}

/// A rule that became, or stopped being, pending.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PendingChange {
    /// The rule's id.
    pub id: String,
    /// Finding or strategy.
    pub kind: PendingKind,
    /// Its title.
    pub title: String,
    /// The data that would settle it.
    pub missing: Vec<String>,
}

/// Scheduled strategies by id: (stage, title, reason).
fn scheduled<'a>(plan: &'a Plan<'_>) -> BTreeMap<&'a str, (&'a str, String, String)> {
    plan.stages
        .iter()
        .flat_map(|stage| {
            stage.strategies.iter().map(move |s| {
                let title = s.title.as_str().unwrap_or(s.id).to_string();
                (s.id, (stage.id, title, s.reason.as_str().to_string()))
            })
        })
        .collect()
}

/// Items by id and title, owned.
fn items<'a>(list: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<Item> {
    list.map(|(id, title)| Item {
        id: id.to_string(),
        title: title.to_string(),
    })
    .collect()
}

/// A plan's pending strategies and findings, owned.
fn pending_of(plan: &Plan<'_>) -> Vec<PendingChange> {
    plan.pending
        .iter()
        .map(|p| PendingChange {
            id: p.id.to_string(),
            kind: p.kind,
            title: p.title.to_string(),
            missing: p.missing.iter().map(|m| m.to_string()).collect(),
        })
        .collect()
}

/// Compares `baseline` with `changed`.
pub fn compare(
    baseline: &Plan<'_>,
    changed: &Plan<'_>,
    baseline_label: &str,
    changed_label: &str,
) -> PlanDiff {
    let finding = |f: &crate::plan::FiredFinding<'_>| FindingChange {
        id: f.id.to_string(),
        title: f.title.to_string(),
        evidence: f.evidence.clone(),
    };
    let findings_added = changed
        .findings
        .iter()
        .filter(|f| !baseline.fired(f.id))
        .map(finding)
        .collect();
    let findings_removed = baseline
        .findings
        .iter()
        .filter(|f| !changed.fired(f.id))
        .map(finding)
        .collect();

    let (before, after) = (scheduled(baseline), scheduled(changed));
    let change = |id: &str, (stage, title, reason): &(&str, String, String)| StrategyChange {
        id: id.to_string(),
        title: title.clone(),
        stage: stage.to_string(),
        reason: reason.clone(),
    };
    let strategies_added = after
        .iter()
        .filter(|(id, _)| !before.contains_key(*id))
        .map(|(id, s)| change(id, s))
        .collect();
    let strategies_removed = before
        .iter()
        .filter(|(id, _)| !after.contains_key(*id))
        .map(|(id, s)| change(id, s))
        .collect();
    let strategies_moved = after
        .iter()
        .filter_map(|(id, (to, title, _))| {
            let (from, _, _) = before.get(id)?;
            (from != to).then(|| Moved {
                id: id.to_string(),
                title: title.clone(),
                from: from.to_string(),
                to: to.to_string(),
            })
        })
        .collect();

    let only = |a: Vec<Item>, b: &[Item]| {
        a.into_iter()
            .filter(|x| !b.iter().any(|y| y.id == x.id))
            .collect::<Vec<_>>()
    };
    let deferred = |plan: &Plan<'_>| items(plan.deferred.iter().map(|d| (d.id, d.title)));
    let in_place = |plan: &Plan<'_>| items(plan.in_place.iter().map(|d| (d.id, d.title)));
    let (deferred_before, deferred_after) = (deferred(baseline), deferred(changed));
    let (in_place_before, in_place_after) = (in_place(baseline), in_place(changed));
    let (pending_before, pending_after) = (pending_of(baseline), pending_of(changed));
    let only_pending = |a: &[PendingChange], b: &[PendingChange]| {
        a.iter()
            .filter(|x| !b.iter().any(|y| y.id == x.id))
            .cloned()
            .collect::<Vec<_>>()
    };
    PlanDiff {
        format: FORMAT,
        baseline: baseline_label.to_string(),
        changed: changed_label.to_string(),
        findings_added,
        findings_removed,
        strategies_added,
        strategies_removed,
        strategies_moved,
        newly_deferred: only(deferred_after.clone(), &deferred_before),
        no_longer_deferred: only(deferred_before, &deferred_after),
        newly_pending: only_pending(&pending_after, &pending_before),
        no_longer_pending: only_pending(&pending_before, &pending_after),
        newly_in_place: only(in_place_after.clone(), &in_place_before),
        no_longer_in_place: only(in_place_before, &in_place_after),
        inputs: Vec::new(),
        months_moved: Vec::new(),
        goals_changed: Vec::new(),
    }
}

/// The months of a plan as people write them: `October 2025` when the
/// plan is dated, `October of year 1` when not.
fn month_words(plan: &Plan<'_>, month: u32) -> String {
    let year = plan
        .start
        .as_deref()
        .and_then(|s| s.get(..4))
        .and_then(|y| y.parse().ok());
    let labels = crate::timing::month_labels(year, plan.first_month, month.max(1));
    match labels.last() {
        Some(label) => match label.year {
            Some(y) => format!("{} {y}", label.name),
            None => format!("{} of year {}", label.name, (month.max(1) - 1) / 12 + 1),
        },
        None => format!("month {month}"),
    }
}

/// A strategy's months in words: one month, a span, or a span to the end.
fn span_words(plan: &Plan<'_>, s: &crate::plan::Scheduled<'_>) -> String {
    let start = month_words(plan, s.start_month);
    if s.ongoing {
        format!("from {start}, ongoing")
    } else if s.end_month <= s.start_month {
        start
    } else {
        format!("{start} to {}", month_words(plan, s.end_month))
    }
}

/// A goal's target in words: `45 % by 2026-27`, `-80 points by 2026-27`.
fn target_words(goal: &crate::plan::Goal<'_>) -> String {
    use crate::rulebase::rules::Unit;
    let Some(target) = &goal.target else {
        return "no target yet (its baseline is unknown)".to_string();
    };
    let number = |v: f64| {
        let rounded = (v * 10.0).round() / 10.0;
        format!("{rounded}")
    };
    let value = match goal.unit {
        Unit::Share => format!("{} %", number(target.value * 100.0)),
        Unit::Points => format!("{} points", number(target.value)),
        Unit::Dollars => format!("${}", number(target.value)),
        Unit::Count => number(target.value),
    };
    format!("{value} by {}", target.year)
}

/// Strategies scheduled on both sides in other months, and goals whose
/// target differs: what a team reads when it compares two scenarios.
fn timing_and_goals(baseline: &Plan<'_>, changed: &Plan<'_>) -> (Vec<Retimed>, Vec<GoalChange>) {
    let mut months = Vec::new();
    for after in changed.scheduled() {
        let Some(before) = baseline.scheduled().find(|b| b.id == after.id) else {
            continue;
        };
        let (from, to) = (span_words(baseline, before), span_words(changed, after));
        if from != to {
            months.push(Retimed {
                id: after.id.to_string(),
                title: after.title.as_str().unwrap_or(after.id).to_string(),
                from,
                to,
            });
        }
    }
    let mut goals = Vec::new();
    let mut ids: Vec<&str> = baseline.goals.iter().map(|g| g.id).collect();
    ids.extend(
        changed
            .goals
            .iter()
            .map(|g| g.id)
            .filter(|id| !baseline.goals.iter().any(|g| g.id == *id)),
    );
    for id in ids {
        let before = baseline.goals.iter().find(|g| g.id == id);
        let after = changed.goals.iter().find(|g| g.id == id);
        let (b, a) = (before.map(target_words), after.map(target_words));
        if b != a {
            let measure = before.or(after).map_or(id, |g| g.measure);
            goals.push(GoalChange {
                id: id.to_string(),
                measure: measure.to_string(),
                before: b,
                after: a,
            });
        }
    }
    (months, goals)
}

/// What the marks of the text output mean, said once at its top.
pub const MARKS: &str =
    "Marks: + appears or is added, - goes away or is removed, ~ moves to another stage.\n";

/// A district value for people: `not given` for a missing one, text
/// without quotes.
pub fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "not given".to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl PlanDiff {
    /// The same comparison, listing the district fields that differ.
    pub fn with_inputs(mut self, inputs: Vec<InputChange>) -> Self {
        self.inputs = inputs;
        self
    }

    /// The same comparison, listing also the strategies whose months
    /// differ and the goals whose targets differ between `baseline` and
    /// `changed` (the plans it was made from).
    pub fn with_months_and_goals(mut self, baseline: &Plan<'_>, changed: &Plan<'_>) -> Self {
        (self.months_moved, self.goals_changed) = timing_and_goals(baseline, changed);
        self
    }

    /// Whether the plans are the same.
    pub fn is_empty(&self) -> bool {
        self.changes().is_empty()
    }

    /// Every change as a short token: `+id` (appeared or added), `-id`
    /// (went away or removed), `id: from->to` (moved), `deferred +id`,
    /// `pending +id`, `in place +id`.
    pub fn changes(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(self.findings_added.iter().map(|f| format!("+{}", f.id)));
        out.extend(self.findings_removed.iter().map(|f| format!("-{}", f.id)));
        out.extend(self.strategies_added.iter().map(|s| format!("+{}", s.id)));
        out.extend(self.strategies_removed.iter().map(|s| format!("-{}", s.id)));
        out.extend(
            self.strategies_moved
                .iter()
                .map(|m| format!("{}: {}->{}", m.id, m.from, m.to)),
        );
        out.extend(
            self.newly_deferred
                .iter()
                .map(|i| format!("deferred +{}", i.id)),
        );
        out.extend(
            self.no_longer_deferred
                .iter()
                .map(|i| format!("deferred -{}", i.id)),
        );
        out.extend(
            self.newly_pending
                .iter()
                .map(|i| format!("pending +{}", i.id)),
        );
        out.extend(
            self.no_longer_pending
                .iter()
                .map(|i| format!("pending -{}", i.id)),
        );
        out.extend(
            self.newly_in_place
                .iter()
                .map(|i| format!("in place +{}", i.id)),
        );
        out.extend(
            self.no_longer_in_place
                .iter()
                .map(|i| format!("in place -{}", i.id)),
        );
        out.extend(
            self.months_moved
                .iter()
                .map(|m| format!("months {}: {} -> {}", m.id, m.from, m.to)),
        );
        out.extend(self.goals_changed.iter().map(|g| format!("goal {}", g.id)));
        out
    }

    /// Every change as a short line by title, marked as [`MARKS`] says:
    /// `+ finding: Leadership turnover`, `~ Coach ELD: assess to design`.
    pub fn titled_changes(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(
            self.findings_added
                .iter()
                .map(|f| format!("+ finding: {}", f.title)),
        );
        out.extend(
            self.findings_removed
                .iter()
                .map(|f| format!("- finding: {}", f.title)),
        );
        out.extend(
            self.strategies_added
                .iter()
                .map(|s| format!("+ {} ({}, {})", s.title, s.stage, s.reason)),
        );
        out.extend(
            self.strategies_removed
                .iter()
                .map(|s| format!("- {} (was in {})", s.title, s.stage)),
        );
        out.extend(
            self.strategies_moved
                .iter()
                .map(|m| format!("~ {}: {} to {}", m.title, m.from, m.to)),
        );
        let items = |out: &mut Vec<String>, mark: &str, what: &str, list: &[Item]| {
            out.extend(list.iter().map(|i| format!("{mark} {what}: {}", i.title)));
        };
        items(&mut out, "+", "deferred", &self.newly_deferred);
        items(&mut out, "-", "deferred", &self.no_longer_deferred);
        out.extend(
            self.newly_pending
                .iter()
                .map(|p| format!("+ waits on data: {}", p.title)),
        );
        out.extend(
            self.no_longer_pending
                .iter()
                .map(|p| format!("- waits on data: {}", p.title)),
        );
        items(&mut out, "+", "in place", &self.newly_in_place);
        items(&mut out, "-", "in place", &self.no_longer_in_place);
        out.extend(
            self.months_moved
                .iter()
                .map(|m| format!("~ {}: {} instead of {}", m.title, m.to, m.from)),
        );
        out.extend(self.goals_changed.iter().map(|g| {
            let words = |v: &Option<String>| v.clone().unwrap_or_else(|| "no such goal".into());
            format!(
                "~ goal: {}: {} instead of {}",
                g.measure,
                words(&g.after),
                words(&g.before)
            )
        }));
        out
    }

    /// The comparison for people.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "From {} to {}:", self.baseline, self.changed);
        if !self.inputs.is_empty() {
            let _ = writeln!(out, "\nInputs that differ");
            for i in &self.inputs {
                let _ = writeln!(
                    out,
                    "  {}: {} -> {}",
                    i.path,
                    value_text(&i.before),
                    value_text(&i.after)
                );
            }
            out.push('\n');
        }
        if self.is_empty() {
            out.push_str("  no change to the plan\n");
            return out;
        }
        out.push_str(MARKS);
        let mut section = |title: &str, lines: Vec<String>| {
            if !lines.is_empty() {
                let _ = writeln!(out, "\n{title}");
                for line in lines {
                    let _ = writeln!(out, "  {line}");
                }
            }
        };
        section(
            "Findings",
            self.findings_added
                .iter()
                .map(|f| format!("+ {} ({}): {}", f.title, f.id, f.evidence))
                .chain(
                    self.findings_removed
                        .iter()
                        .map(|f| format!("- {} ({}): no longer: {}", f.title, f.id, f.evidence)),
                )
                .collect(),
        );
        section(
            "Strategies",
            self.strategies_added
                .iter()
                .map(|s| format!("+ {} ({}), {}, {}", s.title, s.id, s.stage, s.reason))
                .chain(
                    self.strategies_removed
                        .iter()
                        .map(|s| format!("- {} ({}), was in {}", s.title, s.id, s.stage)),
                )
                .chain(
                    self.strategies_moved.iter().map(|m| {
                        format!("~ {} ({}) moves from {} to {}", m.title, m.id, m.from, m.to)
                    }),
                )
                .collect(),
        );
        let items = |sign: &str, list: &[Item]| {
            list.iter()
                .map(|i| format!("{sign} {} ({})", i.title, i.id))
                .collect::<Vec<_>>()
        };
        section(
            "Deferred",
            [
                items("+", &self.newly_deferred),
                items("-", &self.no_longer_deferred),
            ]
            .concat(),
        );
        section(
            "Pending data",
            self.newly_pending
                .iter()
                .map(|p| format!("+ {} ({}), needs {}", p.title, p.id, p.missing.join(", ")))
                .chain(
                    self.no_longer_pending
                        .iter()
                        .map(|p| format!("- {} ({}), now decided", p.title, p.id)),
                )
                .collect(),
        );
        section(
            "In place",
            [
                items("+", &self.newly_in_place),
                items("-", &self.no_longer_in_place),
            ]
            .concat(),
        );
        out
    }
}
