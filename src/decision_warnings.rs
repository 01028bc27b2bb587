//! The team's decisions a plan cannot use, each a warning with why: the
//! details of a strategy set aside or not scheduled, a reason for a
//! strategy kept, a verdict on a finding that did not fire. Nothing a team
//! wrote is dropped without a word.

use crate::decisions::{Section, StrategyDecision};
use crate::district::District;
use crate::plan::{Plan, Warning};

/// The decisions of `district` that `plan` cannot use.
pub fn unused(district: &District, plan: &Plan<'_>) -> Vec<Warning> {
    let decisions = &district.decisions;
    let mut out = Vec::new();
    let mut warn = |section: Section, id: &str, message: String| {
        let place = decisions.places.get(section, id).cloned();
        out.push(Warning {
            about: format!("decisions.{}.{id}", section.name()),
            message,
            line: place.as_ref().map(|p| p.line),
            column: place.as_ref().map(|p| p.column),
            place,
        });
    };
    for (id, d) in &decisions.strategies {
        let details = details(d);
        if d.keep == Some(false) {
            if !details.is_empty() {
                warn(
                    Section::Strategies,
                    id,
                    format!(
                        "set aside (keep: false), so its {} {} not used",
                        listing(&details),
                        were(&details)
                    ),
                );
            }
            continue;
        }
        if d.reason.is_some() {
            warn(
                Section::Strategies,
                id,
                "not set aside, so its reason is not used: a reason goes with keep: false"
                    .to_string(),
            );
        }
        if !details.is_empty() {
            if let Some(why) = not_scheduled(plan, id) {
                warn(
                    Section::Strategies,
                    id,
                    format!(
                        "not scheduled in this plan ({why}), so its {} {} not used",
                        listing(&details),
                        were(&details)
                    ),
                );
            }
        }
    }
    for (id, d) in &decisions.findings {
        if plan.findings.iter().any(|f| f.id == id) {
            continue;
        }
        let why = if plan.pending.iter().any(|p| p.id == id) {
            "it waits on data the file lacks"
        } else {
            "it does not fire for this district"
        };
        let what = if d.note.is_some() {
            "the team's verdict and note are"
        } else {
            "the team's verdict is"
        };
        warn(
            Section::Findings,
            id,
            format!("not among this plan's findings ({why}), so {what} not shown"),
        );
    }
    out
}

/// The details given for a strategy beyond keeping it or not.
fn details(d: &StrategyDecision) -> Vec<&'static str> {
    [
        ("owners", !d.owners.is_empty()),
        ("start_month", d.start_month.is_some()),
        ("end_month", d.end_month.is_some()),
        ("notes", d.notes.is_some()),
        ("status", d.status.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, given)| given.then_some(name))
    .collect()
}

/// Why strategy `id` is not scheduled in `plan`, or `None` when it is.
fn not_scheduled(plan: &Plan<'_>, id: &str) -> Option<&'static str> {
    if plan.scheduled().any(|s| s.id == id) {
        None
    } else if plan.in_place.iter().any(|s| s.id == id) {
        Some("the district already has it")
    } else if plan.deferred.iter().any(|s| s.id == id) {
        Some("it is deferred")
    } else if plan.pending.iter().any(|p| p.id == id) {
        Some("it waits on data the file lacks")
    } else if plan.also_considered.iter().any(|s| s.id == id) {
        Some("the plan selects other change ideas")
    } else {
        Some("the rules do not call for it for this district")
    }
}

/// `owners, start_month and notes`.
fn listing(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// `is` or `are`, as the details named are one or more.
fn were(names: &[&str]) -> &'static str {
    match names {
        ["start_month" | "end_month" | "status"] => "is",
        _ => "are",
    }
}
