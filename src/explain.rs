//! `elplan explain`: why a finding fired or not, why a strategy is in the
//! plan or not. For any finding or strategy: its status, its condition and
//! each part's result, the value of every name the condition reads, what
//! led to it and what it leads to, what it requires and what requires it.

use std::path::Path;

use serde::Serialize;

use crate::condition::Truth;
use crate::context::lookup;
use crate::diagnostic::{did_you_mean, Diagnostic, ErrorKind};
use crate::district::District;
use crate::engine::{self, Evaluation, FindingOutcome};
use crate::plan::Plan;
use crate::rule_resolve::Ref;
use crate::rulebase::RuleBase;
use crate::session::Session;

/// The `format` field of explanation JSON.
pub const FORMAT: &str = "elplan.explain/1";

/// Why a finding fired or not, or why a strategy is where it is (`elplan.explain/1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// The rule's id.
    pub id: String,
    /// "finding" or "strategy".
    pub kind: &'static str,
    /// Its title.
    pub title: String,
    /// Finding: fired, not fired, unknown. Strategy: chosen, pulled in, in
    /// place, deferred, pending, not chosen.
    pub status: String,
    /// The stage a scheduled strategy is in.
    pub stage: Option<String>,
    /// Its condition as written.
    pub condition: String,
    /// Each part of the condition (split at and/or/not) and its result.
    pub parts: Vec<Part>,
    /// A strategy's `in_place_when`, if it has one.
    pub in_place_condition: Option<String>,
    /// Each part of that condition with its result.
    pub in_place_parts: Vec<Part>,
    /// Every name the conditions read, with its value.
    pub reads: Vec<Read>,
    /// Data that would settle an unknown status.
    pub missing: Vec<String>,
    /// The evidence of a fired finding.
    pub evidence: Option<String>,
    /// Finding: the findings it reads. Strategy: the fired findings it answers.
    pub led_by: Vec<String>,
    /// Finding: the strategies whose condition reads it.
    pub leads_to: Vec<String>,
    /// A strategy's prerequisites.
    pub requires: Vec<String>,
    /// Strategies that require this one (in the rule base).
    pub required_by: Vec<String>,
    /// What the team decided about it (`decisions` in the district file)
    /// and what came of it, in words; left out when nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// What its conditions read, traced down to the district's own fields
    /// through every finding and derived value in between.
    pub because: Vec<Trace>,
    /// Why a deferred strategy did not fit; left out for anything else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deferral: Option<Deferral>,
}

/// One thing a condition reads, and what it in turn reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    /// "finding", "derived", "field" (the district file) or "state".
    pub kind: &'static str,
    /// The name as rules read it (`findings.x`, `derived.x`,
    /// `students.el_share`, `state.x`).
    pub name: String,
    /// For people: a title, or the question that asks for a field.
    pub title: String,
    /// Its value for this district, for people: `yes`, `no`, `not given`,
    /// `fired`, `not fired`, `unknown`, a number or a text.
    pub value: String,
    /// What it reads in turn (empty for a field or a state value).
    pub because: Vec<Trace>,
}

/// Why a strategy was deferred.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deferral {
    /// "capacity", "horizon" or "only_for_deferred".
    pub reason: &'static str,
    /// The district's cap on change strategies per stage, for "capacity".
    pub cap: Option<u32>,
    /// The last stage, whose places went to other work, for "capacity".
    pub stage: Option<String>,
    /// The change strategies that took the last stage's places, for
    /// "capacity": what outranked it.
    pub outranked_by: Vec<Named>,
    /// The deferred strategies it was pulled in for, for "only_for_deferred".
    pub needed_by: Vec<Named>,
    /// The planning horizon in years, for "horizon".
    pub horizon_years: u8,
}

/// A rule by id and title.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Named {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
}

/// One part of a condition and its result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    /// The part as written.
    pub expression: String,
    /// "true", "false" or "unknown".
    pub result: &'static str,
}

/// A name a condition reads, and its value for this district.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Read {
    /// The name (`students.el_share`, `derived.x`, `findings.y`).
    pub name: String,
    /// The value, or "unknown" / "not given".
    pub value: String,
}

fn truth_name(truth: &Truth) -> &'static str {
    match truth {
        Truth::True => "true",
        Truth::False => "false",
        Truth::Unknown(_) => "unknown",
    }
}

/// The id of the finding or strategy `wanted` names, by id or by title
/// (letter case and surrounding space aside).
pub fn resolve_id<'r>(rules: &'r RuleBase, wanted: &str) -> Option<&'r str> {
    let wanted = wanted.trim();
    let findings = rules.findings.iter().map(|f| (&f.rule.id, &f.rule.title));
    let strategies = rules.strategies.iter().map(|s| (&s.rule.id, &s.rule.title));
    let all: Vec<(&String, &String)> = findings.chain(strategies).collect();
    all.iter()
        .find(|(id, _)| id.as_str() == wanted)
        .or_else(|| {
            all.iter()
                .find(|(_, title)| title.trim().eq_ignore_ascii_case(wanted))
        })
        .map(|(id, _)| id.as_str())
}

/// Explains the finding or strategy `id` (or titled so) for `district`.
pub fn explain(
    session: &Session,
    district: &District,
    file: &Path,
    wanted: &str,
) -> Result<Explanation, Diagnostic> {
    let rules = session.rules();
    let id = resolve_id(rules, wanted).unwrap_or(wanted);
    let evaluation = engine::evaluate(rules, district, file)?;
    let plan = crate::assemble::assemble(rules, district, &evaluation, None);
    let tracer = Tracer::new(rules, district, &evaluation);
    let rule_error = |e: minijinja::Error| {
        Diagnostic::of(
            ErrorKind::RuleBase,
            file,
            format!("cannot explain `{id}`: {e}"),
        )
    };
    if let Some(&i) = rules.finding_index.get(id) {
        let f = &rules.findings[i].rule;
        let logic = &rules.findings[i].when;
        let (status, missing, evidence) = match &evaluation.findings[i] {
            FindingOutcome::Fired(e) => ("fired", Vec::new(), Some(e.clone())),
            FindingOutcome::NotFired => ("not fired", Vec::new(), None),
            FindingOutcome::Unknown(m) => ("unknown", owned(rules.names_of(m)), None),
        };
        let leads_to = rules
            .strategies
            .iter()
            .filter(|s| s.addresses.contains(&i))
            .map(|s| s.rule.id.clone())
            .collect();
        let led_by = rules
            .reads(logic)
            .into_iter()
            .filter_map(|r| match r {
                Ref::Finding(j) => Some(rules.findings[j].rule.id.clone()),
                _ => None,
            })
            .collect();
        return Ok(Explanation {
            format: FORMAT,
            id: id.to_string(),
            kind: "finding",
            title: f.title.clone(),
            status: status.to_string(),
            stage: None,
            condition: f.when.clone(),
            parts: parts(rules, district, &evaluation, logic).map_err(rule_error)?,
            in_place_condition: None,
            in_place_parts: Vec::new(),
            reads: reads(&tracer, &[logic]),
            missing,
            evidence,
            led_by,
            leads_to,
            requires: Vec::new(),
            required_by: Vec::new(),
            because: tracer.trace(logic, 0),
            deferral: None,
            decision: district.decisions.findings.get(id).map(|d| {
                let verdict = match d.verdict {
                    crate::district::Verdict::Confirmed => "confirms",
                    crate::district::Verdict::Disputed => "disputes",
                };
                let note = d
                    .note
                    .as_deref()
                    .map(|n| format!(": {n}"))
                    .unwrap_or_default();
                format!(
                    "the team {verdict} it{note}; the plan shows the verdict beside the finding"
                )
            }),
        });
    }
    let Some(&i) = rules.strategy_index.get(id) else {
        let ids = rules
            .findings
            .iter()
            .map(|f| f.rule.id.as_str())
            .chain(rules.strategies.iter().map(|s| s.rule.id.as_str()));
        let titles = rules
            .findings
            .iter()
            .map(|f| f.rule.title.as_str())
            .chain(rules.strategies.iter().map(|s| s.rule.title.as_str()));
        return Err(Diagnostic::of(
            ErrorKind::Argument,
            file,
            format!("`{id}` is neither a finding nor a strategy of the rule base, by id or title"),
        )
        .with_optional_hint(did_you_mean(id, ids.chain(titles))));
    };
    let compiled = &rules.strategies[i];
    let s = &compiled.rule;
    let (status, stage) = strategy_status(&plan, id);
    let outcome = &evaluation.strategies[i];
    let missing = match (&outcome.when, status) {
        (Truth::Unknown(m), "pending") => owned(rules.names_of(m)),
        _ => Vec::new(),
    };
    let mut conditions = vec![&compiled.when];
    let in_place_parts = match &compiled.in_place {
        Some(logic) => {
            conditions.push(logic);
            parts(rules, district, &evaluation, logic).map_err(rule_error)?
        }
        None => Vec::new(),
    };
    let led_by = compiled
        .addresses
        .iter()
        .filter(|&&f| matches!(evaluation.findings[f], FindingOutcome::Fired(_)))
        .map(|&f| rules.findings[f].rule.id.clone())
        .collect();
    Ok(Explanation {
        format: FORMAT,
        id: id.to_string(),
        kind: "strategy",
        title: s.title.clone(),
        status: status.to_string(),
        stage,
        condition: s.when.clone(),
        parts: parts(rules, district, &evaluation, &compiled.when).map_err(rule_error)?,
        in_place_condition: s.in_place_when.clone(),
        in_place_parts,
        reads: reads(&tracer, &conditions),
        missing,
        evidence: None,
        led_by,
        leads_to: Vec::new(),
        requires: s.requires.clone(),
        required_by: rules
            .required_by(i)
            .into_iter()
            .map(|j| rules.strategies[j].rule.id.clone())
            .collect(),
        decision: strategy_decision(&plan, district, id),
        because: {
            let mut because = tracer.trace(&compiled.when, 0);
            if let Some(logic) = &compiled.in_place {
                for t in tracer.trace(logic, 0) {
                    if !because.iter().any(|b| b.name == t.name) {
                        because.push(t);
                    }
                }
            }
            because
        },
        deferral: deferral(rules, &plan, district, id),
    })
}

/// Why `id` was deferred, if it was.
fn deferral(rules: &RuleBase, plan: &Plan<'_>, district: &District, id: &str) -> Option<Deferral> {
    use crate::plan::DeferReason;
    use crate::rules::StrategyKind;
    let deferred = plan.deferred.iter().find(|d| d.id == id)?;
    let named = |id: &str, title: &str| Named {
        id: id.to_string(),
        title: title.to_string(),
    };
    let mut out = Deferral {
        reason: "capacity",
        cap: None,
        stage: None,
        outranked_by: Vec::new(),
        needed_by: Vec::new(),
        horizon_years: district.horizon_years(),
    };
    match deferred.reason {
        DeferReason::Capacity => {
            out.cap = district.resources.max_initiatives_per_stage;
            let last = plan.stages.last()?;
            out.stage = rules
                .stages
                .iter()
                .find(|s| s.id == last.id)
                .map(|s| s.title.clone());
            out.outranked_by = last
                .strategies
                .iter()
                .filter(|s| s.kind == StrategyKind::Change)
                .map(|s| named(s.id, s.title.as_str().unwrap_or(s.id)))
                .collect();
        }
        DeferReason::Horizon => out.reason = "horizon",
        DeferReason::OnlyForDeferred => {
            out.reason = "only_for_deferred";
            out.needed_by = deferred
                .required_by
                .iter()
                .map(|r| {
                    let title = plan
                        .deferred
                        .iter()
                        .find(|d| d.id == *r)
                        .map_or(*r, |d| d.title);
                    named(r, title)
                })
                .collect();
        }
    }
    Some(out)
}

/// The deepest a trace goes (the rule base is acyclic; this only bounds
/// a hand-made one).
const MAX_TRACE_DEPTH: usize = 12;

/// What a trace reads: the rules, the district (once as a template value,
/// for its fields) and what the engine made of it.
struct Tracer<'a> {
    rules: &'a RuleBase,
    district: &'a District,
    district_value: minijinja::Value,
    evaluation: &'a Evaluation,
}

impl<'a> Tracer<'a> {
    fn new(rules: &'a RuleBase, district: &'a District, evaluation: &'a Evaluation) -> Self {
        Tracer {
            rules,
            district,
            district_value: minijinja::Value::from(minijinja::value::Serde(district)),
            evaluation,
        }
    }

    /// The question that asks for a district field (the path without one).
    fn question(&self, path: &str) -> String {
        self.rules
            .data_sources
            .iter()
            .find(|d| d.field == path)
            .map_or_else(|| path.to_string(), |d| d.question.clone())
    }

    /// What `logic` reads, each traced down to the district's fields.
    fn trace(&self, logic: &crate::condition::Logic, depth: usize) -> Vec<Trace> {
        let rules = self.rules;
        let deeper = |logic| {
            if depth < MAX_TRACE_DEPTH {
                self.trace(logic, depth + 1)
            } else {
                Vec::new()
            }
        };
        let mut out = state_series(rules, logic);
        for r in rules.reads(logic) {
            match r {
                Ref::Derived(j) => {
                    let d = &rules.derived[j];
                    let mut because = deeper(&d.logic);
                    // A value read from the history names the yearly field it uses.
                    for need in &d.rule.needs {
                        if let Some(field) = need.strip_prefix("history.") {
                            because.retain(|t| t.name != "history");
                            because.push(history_trace(self.district, field, self.question(need)));
                        }
                    }
                    out.push(Trace {
                        kind: "derived",
                        name: format!("derived.{}", d.rule.id),
                        title: d.rule.title.clone(),
                        value: self.evaluation.derived[j]
                            .as_ref()
                            .map_or_else(|_| "unknown".to_string(), plain),
                        because,
                    });
                }
                Ref::Finding(j) => {
                    let f = &rules.findings[j];
                    out.push(Trace {
                        kind: "finding",
                        name: format!("findings.{}", f.rule.id),
                        title: f.rule.title.clone(),
                        value: match &self.evaluation.findings[j] {
                            FindingOutcome::Fired(_) => "fired",
                            FindingOutcome::NotFired => "not fired",
                            FindingOutcome::Unknown(_) => "unknown",
                        }
                        .to_string(),
                        because: deeper(&f.when),
                    });
                }
                Ref::State(id) => out.extend(rules.references.iter().rfind(|x| x.id == id).map(
                    |x| Trace {
                        kind: "state",
                        name: format!("state.{id}"),
                        title: x.title.clone(),
                        value: format!("{} ({}, {})", x.value, x.year, x.source),
                        because: Vec::new(),
                    },
                )),
                Ref::District(path) => {
                    let path = &rules.paths()[path];
                    out.push(Trace {
                        kind: "field",
                        name: path.clone(),
                        title: self.question(path),
                        value: lookup(&self.district_value, path)
                            .map_or_else(|| "not given".to_string(), |v| plain(&v)),
                        because: Vec::new(),
                    });
                }
            }
        }
        out
    }
}

/// The state series a condition compares with through `state_in('ID', …)`,
/// each with every year it gives.
fn state_series(rules: &RuleBase, logic: &crate::condition::Logic) -> Vec<Trace> {
    let mut leaves = Vec::new();
    logic.leaves(&mut leaves);
    let mut out: Vec<Trace> = Vec::new();
    for leaf in leaves {
        let source = rules.leaves[leaf].source.as_str();
        for (_, rest) in source
            .match_indices("state_in(")
            .map(|(i, _)| source.split_at(i + 9))
        {
            let id = rest
                .trim_start()
                .trim_start_matches(['\'', '"'])
                .split(['\'', '"'])
                .next()
                .unwrap_or_default();
            let mut series: Vec<_> = rules.references.iter().filter(|x| x.id == id).collect();
            series.sort_by_key(|x| crate::helpers::year_key(&x.year));
            let (Some(first), false) = (
                series.first(),
                out.iter().any(|t| t.name == format!("state.{id}")),
            ) else {
                continue;
            };
            out.push(Trace {
                kind: "state",
                name: format!("state.{id}"),
                title: first.title.clone(),
                value: series
                    .iter()
                    .map(|x| format!("{}: {}", x.year, x.value))
                    .collect::<Vec<_>>()
                    .join(", "),
                because: Vec::new(),
            });
        }
    }
    out
}

/// One yearly field of the history, every year's value.
fn history_trace(district: &District, field: &str, title: String) -> Trace {
    let tree = serde_json::to_value(&district.history).unwrap_or_default();
    let years: Vec<String> = tree
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let value = entry.get(field).filter(|v| !v.is_null())?;
            let year = entry.get("year").and_then(serde_json::Value::as_str)?;
            Some(format!("{year}: {}", crate::compare::value_text(value)))
        })
        .collect();
    Trace {
        kind: "field",
        name: format!("history.{field}"),
        title,
        value: if years.is_empty() {
            "not given".to_string()
        } else {
            years.join(", ")
        },
        because: Vec::new(),
    }
}

/// A value as the rules write it: `true` and `false` in lower case.
fn as_written(value: &minijinja::Value) -> String {
    match value.kind() {
        minijinja::value::ValueKind::Bool => value.is_true().to_string(),
        _ => value.to_string(),
    }
}

/// A value for people: `yes` and `no` for booleans, lists joined.
fn plain(value: &minijinja::Value) -> String {
    use minijinja::value::ValueKind;
    match value.kind() {
        ValueKind::Bool => if value.is_true() { "yes" } else { "no" }.to_string(),
        ValueKind::None | ValueKind::Undefined => "not given".to_string(),
        ValueKind::Seq => {
            let items: Vec<String> = value
                .try_iter()
                .into_iter()
                .flatten()
                .map(|v| plain(&v))
                .collect();
            if items.is_empty() {
                "none".to_string()
            } else {
                items.join(", ")
            }
        }
        _ => value.to_string(),
    }
}

/// A strategy's decision and its effect, in words.
fn strategy_decision(plan: &Plan<'_>, district: &District, id: &str) -> Option<String> {
    let d = district.decisions.strategies.get(id)?;
    let mut said = Vec::new();
    if let Some(aside) = plan.set_aside.iter().find(|s| s.id == id) {
        said.push(format!("the team set it aside ({})", aside.reason));
        if !aside.needed_by.is_empty() {
            said.push(format!(
                "flagged in what needs it first: {}",
                aside.needed_by.join(", ")
            ));
        }
    }
    let scheduled = plan.scheduled().find(|s| s.id == id);
    if let (Some(start), Some(s)) = (d.start_month, scheduled) {
        let asked = match d.end_month {
            Some(end) => format!("months {start} to {end}"),
            None => format!("month {start}"),
        };
        match s.decision.as_ref().and_then(|x| x.why_not.as_deref()) {
            Some(why) => said.push(format!(
                "the team asked for {asked}, not kept: {why}; it runs from month {} to {}",
                s.start_month, s.end_month
            )),
            None => said.push(format!("the team asked for {asked}, kept")),
        }
    }
    if !d.owners.is_empty() {
        said.push(format!("named owners: {}", d.owners.join(", ")));
    }
    if let Some(status) = &d.status {
        said.push(format!("status: {status}"));
    }
    if let Some(notes) = &d.notes {
        said.push(format!("notes: {notes}"));
    }
    Some(said.join("; "))
}

fn strategy_status(plan: &Plan<'_>, id: &str) -> (&'static str, Option<String>) {
    if plan.set_aside.iter().any(|s| s.id == id) {
        return ("set aside", None);
    }
    if let Some(s) = plan.scheduled().find(|s| s.id == id) {
        let status = match s.reason {
            crate::plan::Reason::Chosen => "chosen",
            crate::plan::Reason::Prerequisite => "pulled in",
        };
        return (status, plan.stage_of(id).map(str::to_string));
    }
    if plan.is_in_place(id) {
        ("in place", None)
    } else if plan.is_deferred(id) {
        ("deferred", None)
    } else if plan.is_pending(id) {
        ("pending", None)
    } else {
        ("not chosen", None)
    }
}

fn parts(
    rules: &RuleBase,
    district: &District,
    evaluation: &Evaluation,
    logic: &crate::condition::Logic,
) -> Result<Vec<Part>, minijinja::Error> {
    Ok(engine::parts(rules, district, evaluation, logic)?
        .into_iter()
        .map(|(leaf, truth)| Part {
            expression: rules.leaves[leaf].source.clone(),
            result: truth_name(&truth),
        })
        .collect())
}

fn reads(tracer: &Tracer<'_>, conditions: &[&crate::condition::Logic]) -> Vec<Read> {
    let (rules, evaluation) = (tracer.rules, tracer.evaluation);
    let mut out: Vec<Read> = Vec::new();
    for logic in conditions {
        for r in rules.reads(logic) {
            let (name, value) = match &r {
                Ref::Derived(j) => (
                    format!("derived.{}", rules.derived[*j].rule.id),
                    evaluation.derived[*j]
                        .as_ref()
                        .map_or_else(|_| "unknown".to_string(), as_written),
                ),
                Ref::Finding(j) => (
                    format!("findings.{}", rules.findings[*j].rule.id),
                    match &evaluation.findings[*j] {
                        FindingOutcome::Fired(_) => "true".to_string(),
                        FindingOutcome::NotFired => "false".to_string(),
                        FindingOutcome::Unknown(_) => "unknown".to_string(),
                    },
                ),
                Ref::State(id) => (
                    format!("state.{id}"),
                    rules
                        .references
                        .iter()
                        .find(|x| &x.id == id)
                        .map_or_else(String::new, |x| {
                            format!("{} ({}, {})", x.value, x.year, x.source)
                        }),
                ),
                Ref::District(path) => {
                    let path = &rules.paths()[*path];
                    (
                        path.clone(),
                        lookup(&tracer.district_value, path)
                            .map_or_else(|| "not given".to_string(), |v| v.to_string()),
                    )
                }
            };
            if !out.iter().any(|x| x.name == name) {
                out.push(Read { name, value });
            }
        }
    }
    out
}

fn owned(names: Vec<&str>) -> Vec<String> {
    names.into_iter().map(str::to_string).collect()
}
