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
use crate::rulebase::resolve::Ref;
use crate::rulebase::RuleBase;
use crate::session::{Planned, Session};

/// The `format` field of explanation JSON.
pub const FORMAT: &str = "elplan.explain/1";

/// Why a finding fired or not, or why a strategy is where it is (`elplan.explain/1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// The rule's id.
    pub id: String,
    /// A finding or a strategy.
    pub kind: Explained,
    /// Its title.
    pub title: String,
    /// What became of it for this district.
    pub status: Status,
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
    /// Why a strategy whose condition holds is not among the plan's change
    /// ideas (the plan's `also_considered`), in a sentence; left out for
    /// anything else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_out: Option<String>,
}

/// What an explanation is of (`kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Explained {
    /// A finding of the rule base.
    Finding,
    /// A strategy of the rule base.
    Strategy,
}

/// What became of a finding or a strategy (`status`), in the words the
/// explanation's JSON and templates use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    /// A finding whose condition holds.
    #[serde(rename = "fired")]
    Fired,
    /// A finding whose condition does not hold.
    #[serde(rename = "not fired")]
    NotFired,
    /// A finding the district's data cannot decide.
    #[serde(rename = "unknown")]
    Unknown,
    /// A strategy whose condition holds, scheduled.
    #[serde(rename = "chosen")]
    Chosen,
    /// A strategy scheduled because a scheduled one requires it.
    #[serde(rename = "pulled in")]
    PulledIn,
    /// A strategy the district already has.
    #[serde(rename = "in place")]
    InPlace,
    /// A strategy that does not concern the district (its `applies_if`
    /// is false).
    #[serde(rename = "not needed")]
    NotNeeded,
    /// A strategy the team set aside (`decisions`).
    #[serde(rename = "set aside")]
    SetAside,
    /// A strategy that did not fit in the plan.
    #[serde(rename = "deferred")]
    Deferred,
    /// A strategy whose condition holds, weighed and left out of the
    /// plan's change ideas (`also_considered`).
    #[serde(rename = "also considered")]
    AlsoConsidered,
    /// A strategy the district's data cannot decide.
    #[serde(rename = "pending")]
    Pending,
    /// A strategy whose condition does not hold.
    #[serde(rename = "not chosen")]
    NotChosen,
}

/// What a trace names (`kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Traced {
    /// A finding (`findings.x`).
    Finding,
    /// A derived value (`derived.x`).
    Derived,
    /// A field of the district file.
    Field,
    /// A state reference value (`state.x`).
    State,
}

/// One thing a condition reads, and what it in turn reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    /// What it names: a finding, a derived value, a district field or a
    /// state value.
    pub kind: Traced,
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

/// Why a strategy was deferred. Its JSON is flat, as it always was: every
/// field is written whatever the reason, empty where the reason has none.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(into = "FlatDeferral")]
pub struct Deferral {
    /// Why, with what the reason tells.
    pub reason: DeferralReason,
    /// The planning horizon in years.
    pub horizon_years: u8,
}

/// Why a strategy was deferred, with what each reason tells.
#[derive(Debug, Clone, PartialEq)]
pub enum DeferralReason {
    /// The last stage was full.
    Capacity {
        /// The district's cap on change strategies per stage.
        cap: Option<u32>,
        /// The last stage, whose places went to other work.
        stage: Option<String>,
        /// The change strategies that took the last stage's places: what
        /// outranked it.
        outranked_by: Vec<Named>,
    },
    /// It would end past the planning horizon.
    Horizon,
    /// It was pulled in only for strategies that were deferred.
    OnlyForDeferred {
        /// The deferred strategies it was pulled in for.
        needed_by: Vec<Named>,
    },
}

/// A [`Deferral`] as its JSON and the templates read it.
#[derive(Serialize)]
struct FlatDeferral {
    reason: &'static str,
    cap: Option<u32>,
    stage: Option<String>,
    outranked_by: Vec<Named>,
    needed_by: Vec<Named>,
    horizon_years: u8,
}

impl From<Deferral> for FlatDeferral {
    fn from(deferral: Deferral) -> Self {
        let mut flat = FlatDeferral {
            reason: "capacity",
            cap: None,
            stage: None,
            outranked_by: Vec::new(),
            needed_by: Vec::new(),
            horizon_years: deferral.horizon_years,
        };
        match deferral.reason {
            DeferralReason::Capacity {
                cap,
                stage,
                outranked_by,
            } => {
                flat.cap = cap;
                flat.stage = stage;
                flat.outranked_by = outranked_by;
            }
            DeferralReason::Horizon => flat.reason = "horizon",
            DeferralReason::OnlyForDeferred { needed_by } => {
                flat.reason = "only_for_deferred";
                flat.needed_by = needed_by;
            }
        }
        flat
    }
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
    Explainer::new(session, district, file)?.explain(wanted)
}

/// A district planned through the session, as `elplan plan` plans it
/// (decisions checked, aim worded), ready to explain any of its findings
/// and strategies.
#[derive(Debug)]
pub struct Explainer<'s> {
    rules: &'s RuleBase,
    district: &'s District,
    file: &'s Path,
    planned: Planned<'s>,
}

impl<'s> Explainer<'s> {
    /// Plans `district` (undated); `file` names it in diagnostics.
    pub fn new(
        session: &'s Session,
        district: &'s District,
        file: &'s Path,
    ) -> Result<Explainer<'s>, Diagnostic> {
        Ok(Explainer {
            rules: session.rules(),
            district,
            file,
            planned: session.planned(district, file, None)?,
        })
    }

    /// The plan the explanations are of.
    pub fn plan(&self) -> &Plan<'s> {
        &self.planned.plan
    }

    /// Explains the finding or strategy `wanted`, by id or title.
    pub fn explain(&self, wanted: &str) -> Result<Explanation, Diagnostic> {
        explain_planned(self.rules, self.district, self.file, &self.planned, wanted)
    }
}

fn explain_planned(
    rules: &RuleBase,
    district: &District,
    file: &Path,
    planned: &Planned<'_>,
    wanted: &str,
) -> Result<Explanation, Diagnostic> {
    let id = resolve_id(rules, wanted).unwrap_or(wanted);
    let rule_error = |e: minijinja::Error| {
        Diagnostic::of(
            ErrorKind::RuleBase,
            file,
            format!("cannot explain `{id}`: {e}"),
        )
    };
    if let Some(&i) = rules.finding_index.get(id) {
        return explain_finding(rules, district, planned, i).map_err(rule_error);
    }
    if let Some(&i) = rules.strategy_index.get(id) {
        return explain_strategy(rules, district, planned, i).map_err(rule_error);
    }
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
    Err(Diagnostic::of(
        ErrorKind::Argument,
        file,
        format!("`{id}` is neither a finding nor a strategy of the rule base, by id or title"),
    )
    .with_optional_hint(did_you_mean(id, ids.chain(titles))))
}

/// Why finding `i` fired or not.
fn explain_finding(
    rules: &RuleBase,
    district: &District,
    planned: &Planned<'_>,
    i: usize,
) -> Result<Explanation, minijinja::Error> {
    let Planned { evaluation, .. } = planned;
    let id = rules.findings[i].rule.id.as_str();
    let tracer = Tracer::new(rules, district, evaluation);
    let f = &rules.findings[i].rule;
    let logic = &rules.findings[i].when;
    let (status, missing, evidence) = match &evaluation.findings[i] {
        FindingOutcome::Fired(e) => (Status::Fired, Vec::new(), Some(e.clone())),
        FindingOutcome::NotFired => (Status::NotFired, Vec::new(), None),
        FindingOutcome::Unknown(m) => (Status::Unknown, owned(rules.names_of(m)), None),
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
    Ok(Explanation {
        format: FORMAT,
        id: id.to_string(),
        kind: Explained::Finding,
        title: f.title.clone(),
        status,
        stage: None,
        condition: f.when.clone(),
        parts: parts(rules, district, evaluation, logic)?,
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
        left_out: None,
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
            format!("the team {verdict} it{note}; the plan shows the verdict beside the finding")
        }),
    })
}

/// Why strategy `i` is where it is in the plan, or not in it.
fn explain_strategy(
    rules: &RuleBase,
    district: &District,
    planned: &Planned<'_>,
    i: usize,
) -> Result<Explanation, minijinja::Error> {
    let Planned { plan, evaluation } = planned;
    let id = rules.strategies[i].rule.id.as_str();
    let tracer = Tracer::new(rules, district, evaluation);
    let compiled = &rules.strategies[i];
    let s = &compiled.rule;
    let (status, stage) = strategy_status(plan, id);
    let outcome = &evaluation.strategies[i];
    let missing = match (&outcome.when, status) {
        (Truth::Unknown(m), Status::Pending) => owned(rules.names_of(m)),
        _ => Vec::new(),
    };
    let mut conditions = vec![&compiled.when];
    let in_place_parts = match &compiled.in_place {
        Some(logic) => {
            conditions.push(logic);
            parts(rules, district, evaluation, logic)?
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
        kind: Explained::Strategy,
        title: s.title.clone(),
        status,
        stage,
        condition: s.when.clone(),
        parts: parts(rules, district, evaluation, &compiled.when)?,
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
        decision: strategy_decision(plan, district, id),
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
        deferral: deferral(rules, plan, district, id),
        left_out: plan
            .also_considered
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.why.clone()),
    })
}

/// Why `id` was deferred, if it was.
fn deferral(rules: &RuleBase, plan: &Plan<'_>, district: &District, id: &str) -> Option<Deferral> {
    use crate::plan::DeferReason;
    use crate::rulebase::rules::StrategyKind;
    let deferred = plan.deferred.iter().find(|d| d.id == id)?;
    let named = |id: &str, title: &str| Named {
        id: id.to_string(),
        title: title.to_string(),
    };
    let reason = match deferred.reason {
        DeferReason::Capacity => {
            let last = plan.stages.last()?;
            DeferralReason::Capacity {
                cap: district.resources.max_initiatives_per_stage,
                stage: rules
                    .stages
                    .iter()
                    .find(|s| s.id == last.id)
                    .map(|s| s.title.clone()),
                outranked_by: last
                    .strategies
                    .iter()
                    .filter(|s| s.kind == StrategyKind::Change)
                    .map(|s| named(s.id, s.title.as_str().unwrap_or(s.id)))
                    .collect(),
            }
        }
        DeferReason::Horizon => DeferralReason::Horizon,
        DeferReason::OnlyForDeferred => DeferralReason::OnlyForDeferred {
            needed_by: deferred
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
                .collect(),
        },
    };
    Some(Deferral {
        reason,
        horizon_years: district.horizon_years(),
    })
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
                        kind: Traced::Derived,
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
                        kind: Traced::Finding,
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
                        kind: Traced::State,
                        name: format!("state.{id}"),
                        title: x.title.clone(),
                        value: format!("{} ({}, {})", x.value, x.year, x.source),
                        because: Vec::new(),
                    },
                )),
                Ref::District(path) => {
                    let path = &rules.paths()[path];
                    out.push(Trace {
                        kind: Traced::Field,
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
                kind: Traced::State,
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
        kind: Traced::Field,
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

fn strategy_status(plan: &Plan<'_>, id: &str) -> (Status, Option<String>) {
    if plan.set_aside.iter().any(|s| s.id == id) {
        return (Status::SetAside, None);
    }
    if let Some(s) = plan.scheduled().find(|s| s.id == id) {
        let status = match s.reason {
            crate::plan::Reason::Chosen => Status::Chosen,
            crate::plan::Reason::Prerequisite => Status::PulledIn,
        };
        return (status, plan.stage_of(id).map(str::to_string));
    }
    if plan.is_in_place(id) {
        (Status::InPlace, None)
    } else if plan.not_needed.iter().any(|s| s.id == id) {
        (Status::NotNeeded, None)
    } else if plan.is_deferred(id) {
        (Status::Deferred, None)
    } else if plan.is_pending(id) {
        (Status::Pending, None)
    } else if plan.also_considered.iter().any(|a| a.id == id) {
        (Status::AlsoConsidered, None)
    } else {
        (Status::NotChosen, None)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn json(value: impl Serialize) -> String {
        serde_json::to_string(&value).expect("serializes")
    }

    #[test]
    fn states_are_written_in_the_words_they_always_were() {
        let statuses = [
            (Status::Fired, "fired"),
            (Status::NotFired, "not fired"),
            (Status::Unknown, "unknown"),
            (Status::Chosen, "chosen"),
            (Status::PulledIn, "pulled in"),
            (Status::InPlace, "in place"),
            (Status::SetAside, "set aside"),
            (Status::Deferred, "deferred"),
            (Status::Pending, "pending"),
            (Status::NotChosen, "not chosen"),
        ];
        for (status, words) in statuses {
            assert_eq!(json(status), format!("\"{words}\""));
        }
        assert_eq!(json(Explained::Finding), "\"finding\"");
        assert_eq!(json(Explained::Strategy), "\"strategy\"");
        assert_eq!(json(Traced::Derived), "\"derived\"");
        assert_eq!(json(Traced::Field), "\"field\"");
    }

    #[test]
    fn a_deferral_is_written_flat_whatever_its_reason() {
        let named = Named {
            id: "a".to_string(),
            title: "A".to_string(),
        };
        let capacity = Deferral {
            reason: DeferralReason::Capacity {
                cap: Some(3),
                stage: Some("Implement".to_string()),
                outranked_by: vec![named.clone()],
            },
            horizon_years: 2,
        };
        assert_eq!(
            json(capacity),
            r#"{"reason":"capacity","cap":3,"stage":"Implement","outranked_by":[{"id":"a","title":"A"}],"needed_by":[],"horizon_years":2}"#
        );
        let horizon = Deferral {
            reason: DeferralReason::Horizon,
            horizon_years: 1,
        };
        assert_eq!(
            json(horizon),
            r#"{"reason":"horizon","cap":null,"stage":null,"outranked_by":[],"needed_by":[],"horizon_years":1}"#
        );
        let only = Deferral {
            reason: DeferralReason::OnlyForDeferred {
                needed_by: vec![named],
            },
            horizon_years: 3,
        };
        assert_eq!(
            json(only),
            r#"{"reason":"only_for_deferred","cap":null,"stage":null,"outranked_by":[],"needed_by":[{"id":"a","title":"A"}],"horizon_years":3}"#
        );
    }
}
