//! A plan's outline: what the engine decided for one district, without
//! the words: the findings that fired, what waits on data, each scheduled
//! strategy's stage, months and reason, what was also considered, deferred
//! or is in place, each goal's baseline and target and each checklist
//! row's status. `elplan test` keeps outlines as expected-plan snapshots
//! (RON) and `elplan impact` compares them; a prose edit to the rule base
//! or the templates changes no outline.
//!
//! [`differences`] says what moved between two outlines, worded as
//! `elplan diff` words a change ([`crate::compare`]), with the months and
//! reasons `diff` leaves out.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use crate::plan::{ComplianceStatus, DeferReason, GoalPoint, Plan, Reason};

/// What the engine decided for one district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outline {
    /// The district's id.
    pub district: String,
    /// The planning horizon in months.
    pub horizon_months: u32,
    /// The findings that fired, most severe first.
    pub findings: Vec<String>,
    /// The findings and strategies that wait on data.
    pub pending: Vec<String>,
    /// The stages in order, each with its strategies in plan order.
    pub stages: Vec<StageOutline>,
    /// Strategies chosen but not selected among the plan's change ideas.
    #[serde(default)]
    pub also_considered: Vec<String>,
    /// Strategies that did not fit, and why.
    #[serde(default)]
    pub deferred: Vec<DeferredOutline>,
    /// Strategies the district already has.
    #[serde(default)]
    pub in_place: Vec<String>,
    /// Each draft goal's baseline and target.
    #[serde(default)]
    pub goals: Vec<GoalOutline>,
    /// Each checklist row's status.
    #[serde(default)]
    pub checklist: Vec<RowOutline>,
}

/// A stage and what is scheduled in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageOutline {
    /// The stage's id.
    pub id: String,
    /// Its strategies, in plan order.
    pub strategies: Vec<Placed>,
}

/// A scheduled strategy: why it is there and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placed {
    /// The strategy's id.
    pub id: String,
    /// Chosen for itself, or a prerequisite.
    pub reason: Reason,
    /// Its first and last month.
    pub months: (u32, u32),
}

/// A deferred strategy and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeferredOutline {
    /// The strategy's id.
    pub id: String,
    /// Why it was deferred.
    pub reason: DeferReason,
}

/// A draft goal's baseline and target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalOutline {
    /// The goal's id.
    pub id: String,
    /// Its baseline, when the district file knows it.
    pub baseline: Option<GoalPoint>,
    /// Its target.
    pub target: Option<GoalPoint>,
}

/// A checklist row's status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowOutline {
    /// The requirement's id.
    pub id: String,
    /// Met, not met, to confirm, or not applicable.
    pub status: ComplianceStatus,
}

impl Outline {
    /// The outline of `plan`.
    pub fn of(plan: &Plan<'_>) -> Outline {
        let ids = |ids: &mut dyn Iterator<Item = &str>| ids.map(String::from).collect();
        Outline {
            district: plan.district.id.clone(),
            horizon_months: plan.horizon_months,
            findings: ids(&mut plan.findings.iter().map(|f| f.id)),
            pending: ids(&mut plan.pending.iter().map(|p| p.id)),
            stages: plan
                .stages
                .iter()
                .map(|stage| StageOutline {
                    id: stage.id.to_string(),
                    strategies: stage
                        .strategies
                        .iter()
                        .map(|s| Placed {
                            id: s.id.to_string(),
                            reason: s.reason,
                            months: (s.start_month, s.end_month),
                        })
                        .collect(),
                })
                .collect(),
            also_considered: ids(&mut plan.also_considered.iter().map(|a| a.id)),
            deferred: plan
                .deferred
                .iter()
                .map(|d| DeferredOutline {
                    id: d.id.to_string(),
                    reason: d.reason,
                })
                .collect(),
            in_place: ids(&mut plan.in_place.iter().map(|p| p.id)),
            goals: plan
                .goals
                .iter()
                .map(|g| GoalOutline {
                    id: g.id.to_string(),
                    baseline: g.baseline.clone(),
                    target: g.target.clone(),
                })
                .collect(),
            checklist: plan
                .compliance
                .iter()
                .map(|c| RowOutline {
                    id: c.id.to_string(),
                    status: c.status,
                })
                .collect(),
        }
    }

    /// The outline as a snapshot file: RON, one finding, strategy, goal or
    /// row a line, headed by `comment` (each of its lines made a `//`
    /// comment).
    pub fn to_ron(&self, comment: &str) -> String {
        let text = |s: &str| ron::to_string(s).unwrap_or_default();
        let point = |p: &Option<GoalPoint>| match p {
            Some(p) => format!(
                "(value: {}, year: {})",
                ron::to_string(&p.value).unwrap_or_default(),
                text(&p.year)
            ),
            None => "None".to_string(),
        };
        let mut out = String::with_capacity(4096);
        for line in comment.lines() {
            let _ = writeln!(out, "// {line}");
        }
        let _ = writeln!(out, "Outline(");
        let _ = writeln!(out, "    district: {},", text(&self.district));
        let _ = writeln!(out, "    horizon_months: {},", self.horizon_months);
        let ids = |list: &[String]| list.iter().map(|id| text(id)).collect();
        write_list(&mut out, 1, "findings", ids(&self.findings));
        write_list(&mut out, 1, "pending", ids(&self.pending));
        let _ = writeln!(out, "    stages: [");
        for stage in &self.stages {
            if stage.strategies.is_empty() {
                let _ = writeln!(out, "        (id: {}, strategies: []),", text(&stage.id));
                continue;
            }
            let _ = writeln!(out, "        (id: {}, strategies: [", text(&stage.id));
            for s in &stage.strategies {
                let _ = writeln!(
                    out,
                    "            (id: {}, reason: {}, months: ({}, {})),",
                    text(&s.id),
                    s.reason.as_str(),
                    s.months.0,
                    s.months.1
                );
            }
            let _ = writeln!(out, "        ]),");
        }
        let _ = writeln!(out, "    ],");
        write_list(&mut out, 1, "also_considered", ids(&self.also_considered));
        let deferred = self
            .deferred
            .iter()
            .map(|d| format!("(id: {}, reason: {})", text(&d.id), d.reason.as_str()));
        write_list(&mut out, 1, "deferred", deferred.collect());
        write_list(&mut out, 1, "in_place", ids(&self.in_place));
        let goals = self.goals.iter().map(|g| {
            format!(
                "(id: {}, baseline: {}, target: {})",
                text(&g.id),
                point(&g.baseline),
                point(&g.target)
            )
        });
        write_list(&mut out, 1, "goals", goals.collect());
        let rows = self
            .checklist
            .iter()
            .map(|r| format!("(id: {}, status: {})", text(&r.id), r.status.as_str()));
        write_list(&mut out, 1, "checklist", rows.collect());
        out.push_str(")\n");
        out
    }

    /// Every finding, strategy, goal and checklist row the outline says
    /// something of, with what it says; `is_finding` tells whether a rule
    /// that waits on data is a finding (or else a strategy).
    fn states(&self, is_finding: &dyn Fn(&str) -> bool) -> BTreeMap<(Kind, &str), State> {
        let mut states = BTreeMap::new();
        for id in &self.findings {
            states.insert((Kind::Finding, id.as_str()), State::Fired);
        }
        for stage in &self.stages {
            for s in &stage.strategies {
                let scheduled = State::Scheduled {
                    stage: stage.id.clone(),
                    start_month: s.months.0,
                    end_month: s.months.1,
                    reason: s.reason,
                };
                states.insert((Kind::Strategy, s.id.as_str()), scheduled);
            }
        }
        for id in &self.also_considered {
            states.insert((Kind::Strategy, id.as_str()), State::Considered);
        }
        for d in &self.deferred {
            let deferred = State::Deferred { reason: d.reason };
            states.insert((Kind::Strategy, d.id.as_str()), deferred);
        }
        for id in &self.in_place {
            states.insert((Kind::Strategy, id.as_str()), State::InPlace);
        }
        for id in &self.pending {
            let kind = if is_finding(id) {
                Kind::Finding
            } else {
                Kind::Strategy
            };
            states.insert((kind, id.as_str()), State::Pending);
        }
        for g in &self.goals {
            let goal = State::Goal {
                baseline: g.baseline.clone(),
                target: g.target.clone(),
            };
            states.insert((Kind::Goal, g.id.as_str()), goal);
        }
        for r in &self.checklist {
            let row = State::Row { status: r.status };
            states.insert((Kind::Checklist, r.id.as_str()), row);
        }
        states
    }
}

/// `name: [...]` at `depth` levels of indentation, an item a line.
fn write_list(out: &mut String, depth: usize, name: &str, items: Vec<String>) {
    let pad = "    ".repeat(depth);
    if items.is_empty() {
        let _ = writeln!(out, "{pad}{name}: [],");
        return;
    }
    let _ = writeln!(out, "{pad}{name}: [");
    for item in items {
        let _ = writeln!(out, "{pad}    {item},");
    }
    let _ = writeln!(out, "{pad}],");
}

/// What an outline says something of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A finding.
    Finding,
    /// A strategy.
    Strategy,
    /// A draft goal.
    Goal,
    /// A checklist row.
    Checklist,
}

/// Where a finding, strategy, goal or row stands in one plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    /// A finding that fired.
    Fired,
    /// A finding decided not to fire.
    NotFired,
    /// A finding or strategy that waits on data.
    Pending,
    /// Scheduled in a stage.
    Scheduled {
        /// The stage's id.
        stage: String,
        /// Its first month.
        start_month: u32,
        /// Its last month.
        end_month: u32,
        /// Chosen, or a prerequisite.
        reason: Reason,
    },
    /// Chosen but not selected among the change ideas.
    Considered,
    /// In the plan but did not fit.
    Deferred {
        /// Why.
        reason: DeferReason,
    },
    /// The district already has it.
    InPlace,
    /// Neither chosen nor needed.
    NotInPlan,
    /// A goal's baseline and target.
    Goal {
        /// Its baseline, when known.
        baseline: Option<GoalPoint>,
        /// Its target, when set.
        target: Option<GoalPoint>,
    },
    /// A checklist row's status.
    Row {
        /// Its status.
        status: ComplianceStatus,
    },
    /// The rule base has no such goal or row.
    Absent,
}

/// How a finding or strategy moved between two plans, as `elplan impact`
/// counts it. One difference may be two of these (scheduled, then
/// deferred: it disappeared and became deferred).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// It fired, or is scheduled, and was not before.
    Appeared,
    /// It fired, or was scheduled, and is not any more.
    Disappeared,
    /// Scheduled in another stage.
    MovedStage,
    /// Scheduled in the same stage, in other months.
    MovedMonths,
    /// Scheduled in the same place for another reason.
    OtherReason,
    /// Deferred, and was not before.
    BecameDeferred,
    /// Deferred before, not any more.
    NoLongerDeferred,
    /// Waits on data, and did not before.
    BecamePending,
    /// Waited on data, does not any more.
    NoLongerPending,
    /// In place, and was not before.
    BecameInPlace,
    /// In place before, not any more.
    NoLongerInPlace,
    /// Also considered, and was not before.
    BecameConsidered,
    /// Also considered before, not any more.
    NoLongerConsidered,
    /// A goal's baseline or target, or a checklist row's status, changed.
    Changed,
}

/// One finding, strategy, goal or checklist row that stands differently in
/// two plans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// What it is.
    pub kind: Kind,
    /// Its id.
    pub id: String,
    /// Where it stood in the first plan.
    pub before: State,
    /// Where it stands in the second.
    pub after: State,
}

/// What differs from `before` to `after`: findings, then strategies, then
/// goals and checklist rows, each by id. `is_finding` tells whether a rule
/// that waits on data is a finding (or else a strategy), so that a
/// strategy scheduled in one plan and waiting on data in the other is one
/// difference.
pub fn differences(
    before: &Outline,
    after: &Outline,
    is_finding: &dyn Fn(&str) -> bool,
) -> Vec<Difference> {
    let (a, b) = (before.states(is_finding), after.states(is_finding));
    let mut keys: Vec<&(Kind, &str)> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let &(kind, id) = key;
            let missing = || match kind {
                Kind::Finding => State::NotFired,
                Kind::Strategy => State::NotInPlan,
                Kind::Goal | Kind::Checklist => State::Absent,
            };
            let before = a.get(key).cloned().unwrap_or_else(missing);
            let after = b.get(key).cloned().unwrap_or_else(missing);
            (before != after).then(|| Difference {
                kind,
                id: id.to_string(),
                before,
                after,
            })
        })
        .collect()
}

/// Which of the states a movement is counted from.
fn class(state: &State) -> Option<Movement> {
    match state {
        State::Fired | State::Scheduled { .. } => Some(Movement::Appeared),
        State::Deferred { .. } => Some(Movement::BecameDeferred),
        State::Pending => Some(Movement::BecamePending),
        State::InPlace => Some(Movement::BecameInPlace),
        State::Considered => Some(Movement::BecameConsidered),
        _ => None,
    }
}

/// The movement out of a class.
fn leaving(entered: Movement) -> Movement {
    match entered {
        Movement::Appeared => Movement::Disappeared,
        Movement::BecameDeferred => Movement::NoLongerDeferred,
        Movement::BecamePending => Movement::NoLongerPending,
        Movement::BecameInPlace => Movement::NoLongerInPlace,
        Movement::BecameConsidered => Movement::NoLongerConsidered,
        other => other,
    }
}

/// Months as people read them: `month 3`, `months 3-5`.
pub(crate) fn months(start: u32, end: u32) -> String {
    if start == end {
        format!("month {start}")
    } else {
        format!("months {start}-{end}")
    }
}

fn point(point: &Option<GoalPoint>) -> String {
    match point {
        Some(p) => format!("{} ({})", p.value, p.year),
        None => "none".to_string(),
    }
}

/// A strategy scheduled in both plans: where, when and why, before and
/// after.
struct Rescheduled<'a> {
    stage: (&'a str, &'a str),
    months: ((u32, u32), (u32, u32)),
    reason: (Reason, Reason),
}

impl Rescheduled<'_> {
    /// What changed: stage, months, reason, each as `from{arrow}to`.
    fn shifts(&self, arrow: &str) -> Vec<String> {
        let mut out = Vec::new();
        let (s1, s2) = self.stage;
        if s1 != s2 {
            out.push(format!("{s1}{arrow}{s2}"));
        }
        let ((a1, b1), (a2, b2)) = self.months;
        if (a1, b1) != (a2, b2) {
            out.push(format!("{}{arrow}{}", months(a1, b1), months(a2, b2)));
        }
        let (r1, r2) = self.reason;
        if r1 != r2 {
            out.push(format!("{}{arrow}{}", r1.as_str(), r2.as_str()));
        }
        out
    }
}

impl Difference {
    /// Where, when and why a strategy scheduled in both plans is
    /// scheduled; `None` for anything else.
    fn rescheduled(&self) -> Option<Rescheduled<'_>> {
        match (&self.before, &self.after) {
            (
                State::Scheduled {
                    stage: s1,
                    start_month: a1,
                    end_month: b1,
                    reason: r1,
                },
                State::Scheduled {
                    stage: s2,
                    start_month: a2,
                    end_month: b2,
                    reason: r2,
                },
            ) => Some(Rescheduled {
                stage: (s1, s2),
                months: ((*a1, *b1), (*a2, *b2)),
                reason: (*r1, *r2),
            }),
            _ => None,
        }
    }

    /// How it moved, as `elplan impact` counts it.
    pub fn movements(&self) -> Vec<Movement> {
        if let Some(r) = self.rescheduled() {
            return vec![if r.stage.0 != r.stage.1 {
                Movement::MovedStage
            } else if r.months.0 != r.months.1 {
                Movement::MovedMonths
            } else {
                Movement::OtherReason
            }];
        }
        if matches!(self.kind, Kind::Goal | Kind::Checklist) {
            return vec![Movement::Changed];
        }
        let mut out = Vec::new();
        if let Some(left) = class(&self.before) {
            out.push(leaving(left));
        }
        if let Some(entered) = class(&self.after) {
            out.push(entered);
        }
        out
    }

    /// The difference in short tokens, as [`crate::compare::PlanDiff::changes`]
    /// writes them: `+id`, `-id`, `id: assess->design`, `id: months 3-5->4-6`,
    /// `deferred +id`, `pending -id`, `in place +id`, `considered +id`,
    /// `goal id`, `checklist id: confirm->met`.
    pub fn tokens(&self) -> Vec<String> {
        let id = &self.id;
        if let Some(r) = self.rescheduled() {
            return vec![format!("{id}: {}", r.shifts("->").join(", "))];
        }
        match (&self.before, &self.after) {
            (_, State::Goal { .. }) | (State::Goal { .. }, _) => vec![format!("goal {id}")],
            (State::Row { status: a }, State::Row { status: b }) => {
                vec![format!("checklist {id}: {}->{}", a.as_str(), b.as_str())]
            }
            (_, State::Row { .. }) | (State::Row { .. }, _) => vec![format!("checklist {id}")],
            _ => self
                .movements()
                .into_iter()
                .map(|m| {
                    let (sign, what) = sign_and_class(m);
                    if what.is_empty() {
                        format!("{sign}{id}")
                    } else {
                        format!("{what} {sign}{id}")
                    }
                })
                .collect(),
        }
    }

    /// The difference in lines for people, worded as `elplan diff` words
    /// a change and marked as [`crate::compare::MARKS`] says; `title` names
    /// a rule, goal or row by its id.
    pub fn lines(&self, title: &dyn Fn(Kind, &str) -> String) -> Vec<String> {
        let name = title(self.kind, &self.id);
        if let Some(r) = self.rescheduled() {
            return vec![format!("~ {name}: {}", r.shifts(" to ").join(", "))];
        }
        match (&self.before, &self.after) {
            (
                State::Goal { baseline, target },
                State::Goal {
                    baseline: b2,
                    target: t2,
                },
            ) => {
                let mut parts = Vec::new();
                if baseline != b2 {
                    parts.push(format!("baseline {} to {}", point(baseline), point(b2)));
                }
                if target != t2 {
                    parts.push(format!("target {} to {}", point(target), point(t2)));
                }
                vec![format!("~ goal {name}: {}", parts.join(", "))]
            }
            (State::Row { status: a }, State::Row { status: b }) => vec![format!(
                "~ checklist {name}: {} to {}",
                a.as_str(),
                b.as_str()
            )],
            (State::Absent, _) => vec![format!("+ {}: {name}", self.kind.word())],
            (_, State::Absent) => vec![format!("- {}: {name}", self.kind.word())],
            (before, after) => {
                let mut out = Vec::new();
                match before {
                    State::Scheduled { stage, .. } => out.push(format!("- {name}, was in {stage}")),
                    other => out.extend(entry_line('-', other, &name)),
                }
                match after {
                    State::Scheduled {
                        stage,
                        reason,
                        start_month,
                        end_month,
                    } => out.push(format!(
                        "+ {name}, {stage}, {}, {}",
                        reason.as_str(),
                        months(*start_month, *end_month)
                    )),
                    other => out.extend(entry_line('+', other, &name)),
                }
                out
            }
        }
    }
}

impl Kind {
    /// The kind as reports word it: `finding`, `strategy`, `goal`,
    /// `checklist`.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Finding => "finding",
            Kind::Strategy => "strategy",
            Kind::Goal => "goal",
            Kind::Checklist => "checklist",
        }
    }
}

/// The line for entering (`+`) or leaving (`-`) a state other than a
/// stage, as `elplan diff` words it; none for "not in the plan".
fn entry_line(mark: char, state: &State, name: &str) -> Option<String> {
    let what = match state {
        State::Fired => "finding",
        State::Pending => "waits on data",
        State::Deferred { .. } => "deferred",
        State::InPlace => "in place",
        State::Considered => "also considered",
        _ => return None,
    };
    Some(format!("{mark} {what}: {name}"))
}

/// The sign and class word of a movement's token.
fn sign_and_class(movement: Movement) -> (char, &'static str) {
    match movement {
        Movement::Appeared => ('+', ""),
        Movement::Disappeared => ('-', ""),
        Movement::BecameDeferred => ('+', "deferred"),
        Movement::NoLongerDeferred => ('-', "deferred"),
        Movement::BecamePending => ('+', "pending"),
        Movement::NoLongerPending => ('-', "pending"),
        Movement::BecameInPlace => ('+', "in place"),
        Movement::NoLongerInPlace => ('-', "in place"),
        Movement::BecameConsidered => ('+', "considered"),
        Movement::NoLongerConsidered => ('-', "considered"),
        _ => ('~', ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline() -> Outline {
        Outline {
            district: "d".into(),
            horizon_months: 24,
            findings: vec!["poor".into()],
            pending: vec!["unknown_finding".into(), "waiting".into()],
            stages: vec![StageOutline {
                id: "launch".into(),
                strategies: vec![Placed {
                    id: "team".into(),
                    reason: Reason::Chosen,
                    months: (1, 2),
                }],
            }],
            also_considered: vec![],
            deferred: vec![],
            in_place: vec![],
            goals: vec![GoalOutline {
                id: "elpi".into(),
                baseline: None,
                target: Some(GoalPoint {
                    value: 0.1 + 0.2,
                    year: "2025-26 \"x\"".into(),
                    students: None,
                }),
            }],
            checklist: vec![RowOutline {
                id: "survey".into(),
                status: ComplianceStatus::Confirm,
            }],
        }
    }

    #[test]
    fn an_outline_reads_back_from_its_snapshot_text() {
        let outline = outline();
        let text = outline.to_ron("a comment\nof two lines");
        assert!(
            text.starts_with("// a comment\n// of two lines\nOutline("),
            "{text}"
        );
        assert!(
            text.contains("\n            (id: \"team\", reason: chosen, months: (1, 2)),\n"),
            "{text}"
        );
        let read: Outline =
            crate::source::parse_ron(std::path::Path::new("s.ron"), &text).expect("reads back");
        assert_eq!(read, outline);
    }

    #[test]
    fn differences_are_worded_and_counted() {
        let before = outline();
        let mut after = outline();
        after.findings.clear();
        after.pending = vec!["unknown_finding".into()];
        after.stages[0].strategies[0].months = (2, 3);
        after.deferred.push(DeferredOutline {
            id: "waiting".into(),
            reason: DeferReason::Capacity,
        });
        after.checklist[0].status = ComplianceStatus::Met;
        let is_finding = |id: &str| id.ends_with("finding") || id == "poor";
        let found = differences(&before, &after, &is_finding);
        let title = |_: Kind, id: &str| format!("T {id}");
        let lines: Vec<String> = found.iter().flat_map(|d| d.lines(&title)).collect();
        assert_eq!(
            lines,
            [
                "- finding: T poor",
                "~ T team: months 1-2 to months 2-3",
                "- waits on data: T waiting",
                "+ deferred: T waiting",
                "~ checklist T survey: confirm to met",
            ]
        );
        let tokens: Vec<String> = found.iter().flat_map(Difference::tokens).collect();
        assert_eq!(
            tokens,
            [
                "-poor",
                "team: months 1-2->months 2-3",
                "pending -waiting",
                "deferred +waiting",
                "checklist survey: confirm->met"
            ]
        );
        let movements: Vec<Vec<Movement>> = found.iter().map(Difference::movements).collect();
        assert_eq!(
            movements,
            [
                vec![Movement::Disappeared],
                vec![Movement::MovedMonths],
                vec![Movement::NoLongerPending, Movement::BecameDeferred],
                vec![Movement::Changed],
            ]
        );
        assert!(differences(&before, &before, &is_finding).is_empty());
    }

    #[test]
    fn the_words_of_a_status_are_its_json() {
        for reason in [
            DeferReason::Capacity,
            DeferReason::OnlyForDeferred,
            DeferReason::Horizon,
        ] {
            assert_eq!(serde_json::json!(reason), reason.as_str());
        }
        for status in [
            ComplianceStatus::Met,
            ComplianceStatus::NotMet,
            ComplianceStatus::Confirm,
            ComplianceStatus::NotApplicable,
        ] {
            assert_eq!(serde_json::json!(status), status.as_str());
        }
    }
}
