//! The plan: what the engine concludes for one district.
//!
//! Serialized with serde this is the plan JSON of DESIGN.md
//! (`elplan.plan/1`): the fields named there keep their names and order;
//! fields after them are additions. Templates render the same structure.
//! Rule texts are borrowed from the rule base, not copied.

use std::collections::BTreeMap;

use minijinja::Value;
use serde::{Deserialize, Serialize};

use crate::rulebase::rules::{Severity, StrategyKind};

/// The `format` field of plan JSON.
pub const FORMAT: &str = "elplan.plan/1";

/// What the engine concludes for one district: findings, pending data,
/// the staged strategies, what is in place and what is deferred.
#[derive(Debug, Clone, Serialize)]
pub struct Plan<'r> {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// Which district, and the year of its data.
    pub district: DistrictSummary,
    /// The planning horizon in months.
    pub horizon_months: u32,
    /// The fired findings, most severe first.
    pub findings: Vec<FiredFinding<'r>>,
    /// Findings and strategies that could not be decided for missing data.
    pub pending: Vec<Pending<'r>>,
    /// The stages in order, each with its months and strategies.
    pub stages: Vec<StagePlan<'r>>,
    /// Strategies the district already has.
    pub in_place: Vec<InPlace<'r>>,
    /// Strategies that do not concern the district (their `applies_if` is
    /// false): never scheduled, they satisfy what requires them. Left out
    /// of the JSON when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_needed: Vec<InPlace<'r>>,
    /// Strategies in the plan that did not fit, and why.
    pub deferred: Vec<Deferred<'r>>,
    /// Findings that were decided and did not fire.
    pub not_fired: Vec<Brief<'r>>,
    /// "embedded" or the rule directory the plan was made with.
    pub rules: &'r str,
    /// The derived values that could be computed, by id.
    pub derived: BTreeMap<&'r str, Value>,
    /// The theory of action: aim, primary and secondary drivers, change
    /// ideas. Built once; Markdown, HTML and JSON all show this one.
    pub driver_diagram: DriverDiagram<'r>,
    /// The calendar month of month 1 (`YYYY-MM`) of a dated plan; `None`
    /// for an undated one, whose month 1 is the school year's first month.
    pub start: Option<String>,
    /// The calendar month (1 = January) month 1 falls in.
    pub first_month: u32,
    /// The California requirements checklist.
    pub compliance: Vec<ComplianceItem<'r>>,
    /// Draft goals: baseline and target for each outcome, or the data that
    /// would set them.
    pub goals: Vec<Goal<'r>>,
    /// The data that would settle what is pending, the field that decides
    /// the most first: what to ask the district for.
    pub data_request: Vec<DataRequest<'r>>,
    /// The strategies the team set aside (`decisions`), with its reason
    /// and what in the plan needed them; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub set_aside: Vec<SetAside<'r>>,
    /// Change ideas the rules chose that the plan does not select: the
    /// plan's change ideas have a stronger claim on the district's
    /// capacity.
    pub also_considered: Vec<AlsoConsidered<'r>>,
    /// The master plan's chapters, each from the district's file, the law,
    /// the gaps and the change ideas that close them.
    pub chapters: Vec<ChapterPlan<'r>>,
    /// The team's decisions this plan cannot use, each with why; left out
    /// when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// A team decision the plan cannot use (`warnings`): a detail of a
/// strategy set aside or not scheduled, a verdict on a finding that did
/// not fire.
#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    /// The decision's path in the district file (`decisions.strategies.x`).
    pub about: String,
    /// What is not used, and why, in words.
    pub message: String,
    /// The line of the decision in the district file, when known.
    pub line: Option<usize>,
    /// Its column.
    pub column: Option<usize>,
    /// Where it stands, for a diagnostic.
    #[serde(skip)]
    pub place: Option<crate::diagnostic::Place>,
}

impl Warning {
    /// The warning as a diagnostic about `file` (the district file).
    pub fn diagnostic(&self, file: &std::path::Path) -> crate::diagnostic::Diagnostic {
        let diagnostic = crate::diagnostic::Diagnostic::of(
            crate::diagnostic::ErrorKind::Decisions,
            file,
            format!("{}: {}", self.about, self.message),
        )
        .warning();
        match &self.place {
            Some(place) => diagnostic.at_place(place),
            None => diagnostic,
        }
    }
}

/// A strategy the team set aside.
#[derive(Debug, Clone, Serialize)]
pub struct SetAside<'r> {
    /// The strategy's id.
    pub id: &'r str,
    /// Its title.
    pub title: &'r str,
    /// The team's reason.
    pub reason: String,
    /// Ids of the scheduled strategies that need it first.
    pub needed_by: Vec<&'r str>,
}

/// What the team decided about a scheduled strategy, and what came of it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TeamDecision {
    /// Named owners.
    pub owners: Vec<String>,
    /// The team's notes.
    pub notes: Option<String>,
    /// Where the work stands.
    pub status: Option<String>,
    /// The month the team asked it to start in.
    pub asked_start: Option<u32>,
    /// The month the team asked it to end in (pinned months).
    pub asked_end: Option<u32>,
    /// Whether the plan keeps the asked-for months.
    pub honoured: Option<bool>,
    /// Why not, when it does not.
    pub why_not: Option<String>,
}

/// One field of a plan's data request.
#[derive(Debug, Clone, Serialize)]
pub struct DataRequest<'r> {
    /// The district field (`history.reclassification_rate`).
    pub field: &'r str,
    /// The question a person answers to fill it in, from the rule base.
    pub question: Option<&'r str>,
    /// Where the answer is found, from the rule base.
    pub source: Option<&'r str>,
    /// The pending findings that wait on it, by id.
    pub findings: Vec<&'r str>,
    /// The pending strategies that wait on it, by id.
    pub strategies: Vec<&'r str>,
    /// The checklist items to confirm that wait on it, by id.
    pub requirements: Vec<&'r str>,
    /// The master plan's chapters that leave it blank, by id.
    pub chapters: Vec<&'r str>,
}

/// A draft goal.
#[derive(Debug, Clone, Serialize)]
pub struct Goal<'r> {
    /// The goal's id.
    pub id: &'r str,
    /// What is measured.
    pub measure: &'r str,
    /// The unit of its values.
    pub unit: crate::rulebase::rules::Unit,
    /// The latest known value and its school year.
    pub baseline: Option<GoalPoint>,
    /// The value to reach by the school year the plan ends in.
    pub target: Option<GoalPoint>,
    /// Where the measure is published.
    pub source: &'r str,
    /// How often it is read.
    pub frequency: &'r str,
    /// The data that would set the baseline, when it is unknown.
    pub missing: Vec<String>,
    /// The plan's change ideas that work toward it (strategy ids, in the
    /// plan's order): none where the plan only watches it.
    pub served_by: Vec<&'r str>,
    /// The findings (ids) whose matter it measures, as the rule base names
    /// them: the aim states the goal of the most severe that fired.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub findings: &'r [String],
}

/// A value in a school year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalPoint {
    /// The value (a share as a fraction, or points).
    pub value: f64,
    /// Its school year (`2023-24`).
    pub year: String,
    /// How many students a baseline rests on, where the file says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub students: Option<u32>,
}

/// One row of the California requirements checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ComplianceItem<'r> {
    /// The requirement's id.
    pub id: &'r str,
    /// What is required.
    pub requirement: &'r str,
    /// Its legal basis.
    pub basis: &'r str,
    /// Met, not met, or to confirm (the district file does not say).
    pub status: ComplianceStatus,
    /// The fields that would settle a requirement to confirm.
    pub missing: Vec<&'r str>,
    /// The strategies that close it when it is not met (`remedies`).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub remedies: &'r [String],
    /// It applies to some districts only (`applies_if`) and applies to this
    /// one: a plan says it is required here (left out when false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required_here: bool,
}

/// Whether a requirement is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceStatus {
    /// The district meets it.
    Met,
    /// The district does not meet it.
    NotMet,
    /// The district file does not say: the team confirms it.
    Confirm,
    /// The requirement does not apply to the district (a DELAC where it
    /// has fewer than 51 English learners).
    NotApplicable,
}

impl ComplianceStatus {
    /// The status as the plan JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ComplianceStatus::Met => "met",
            ComplianceStatus::NotMet => "not_met",
            ComplianceStatus::Confirm => "confirm",
            ComplianceStatus::NotApplicable => "not_applicable",
        }
    }
}

/// The driver diagram: the aim, the areas it depends on (primary
/// drivers), the conditions to build that the fired findings call for
/// (secondary drivers), and the scheduled change strategies (change
/// ideas). Findings that are context and process strategies are not in it.
#[derive(Debug, Clone, Serialize)]
pub struct DriverDiagram<'r> {
    /// The aim, one sentence, worded by the `aim.txt` template; empty until
    /// a [`crate::session::Session`] has planned the district.
    pub aim: String,
    /// The areas with a secondary driver or a change idea, in the rule
    /// base's order.
    pub drivers: Vec<PrimaryDriver<'r>>,
}

/// A primary driver: an area of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct PrimaryDriver<'r> {
    /// The area's id.
    pub area: &'r str,
    /// The area's title.
    pub title: &'r str,
    /// The secondary drivers of the area, most severe first.
    pub secondary: Vec<SecondaryDriver<'r>>,
    /// Scheduled change strategies of the area that answer no secondary
    /// driver (chosen for a goal, or pulled in for another change idea).
    pub change_ideas: Vec<&'r str>,
}

/// A secondary driver: the condition a fired finding calls for, and the
/// change strategies that build it.
#[derive(Debug, Clone, Serialize)]
pub struct SecondaryDriver<'r> {
    /// The finding's id.
    pub finding: &'r str,
    /// What needs work, as the diagram words it.
    pub driver: &'r str,
    /// Ids of the scheduled change strategies that answer it, in plan order.
    pub change_ideas: Vec<&'r str>,
}

/// The district a plan is for.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictSummary {
    /// The district's id.
    pub id: String,
    /// The district's name.
    pub name: String,
    /// The school year its data describe.
    pub data_year: Option<String>,
}

/// A finding that fired, with its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct FiredFinding<'r> {
    /// The finding's id.
    pub id: &'r str,
    /// The finding's title.
    pub title: &'r str,
    /// The area (primary driver) it belongs to.
    pub area: &'r str,
    /// How much it weighs.
    pub severity: Severity,
    /// The condition to build it calls for, as the driver diagram words it;
    /// `None` for a finding that is context.
    pub driver: Option<&'r str>,
    /// The sentence that states the district's data behind it.
    pub evidence: String,
    /// Where its reasoning comes from.
    pub sources: &'r [String],
    /// Guiding questions for the team's inquiry.
    pub questions: &'r [String],
    /// The team's verdict on it, if any (left out when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<crate::district::Verdict>,
    /// The note with the verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict_note: Option<String>,
}

/// What kind of rule is pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PendingKind {
    /// A finding.
    Finding,
    /// A strategy.
    Strategy,
}

/// A rule that could not be decided for missing data.
#[derive(Debug, Clone, Serialize)]
pub struct Pending<'r> {
    /// The rule's id.
    pub id: &'r str,
    /// Finding or strategy.
    pub kind: PendingKind,
    /// Field paths whose values would settle it.
    pub missing: Vec<&'r str>,
    /// The rule's title.
    pub title: &'r str,
}

/// One stage of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct StagePlan<'r> {
    /// The stage's id.
    pub id: &'r str,
    /// The stage's title.
    pub title: &'r str,
    /// Its first month, 1-based.
    pub start_month: u32,
    /// Its last month.
    pub end_month: u32,
    /// The strategies scheduled in it, in order.
    pub strategies: Vec<Scheduled<'r>>,
    /// What the stage is for.
    pub purpose: &'r str,
}

/// Why a strategy is in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Its own condition holds.
    Chosen,
    /// A strategy in the plan requires it.
    Prerequisite,
}

impl Reason {
    /// The reason as the plan JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Chosen => "chosen",
            Reason::Prerequisite => "prerequisite",
        }
    }
}

/// A scheduled strategy. Its texts are template values shared with the
/// rule base; they serialize as plain strings, lists and maps. They are
/// listed field by field rather than `#[serde(flatten)]`ed: flattening
/// made rendering 25 % slower.
#[derive(Debug, Clone, Serialize)]
pub struct Scheduled<'r> {
    /// The strategy's id.
    pub id: &'r str,
    /// Its title.
    pub title: Value,
    /// Its area.
    pub area: &'r str,
    /// Chosen for itself, or pulled in as a prerequisite.
    pub reason: Reason,
    /// Ids of its prerequisites.
    pub requires: &'r [String],
    /// Ids of the plan's strategies that require it.
    pub required_by: Vec<&'r str>,
    /// Fired findings this strategy answers.
    pub addresses: Vec<&'r str>,
    /// Its priority: its own, raised to that of what requires it.
    pub priority: u32,
    /// Its leverage, 1 to 5.
    pub leverage: u8,
    /// The California EL Roadmap principle it serves, 1 to 4.
    pub principle: u8,
    /// Why it matters.
    pub rationale: Value,
    /// What to do, in order.
    pub actions: Value,
    /// Who leads it.
    pub owners: Value,
    /// The first small test of change.
    pub first_test: Value,
    /// How progress is seen.
    pub measures: Value,
    /// Where its reasoning comes from.
    pub sources: Value,
    /// Fields that would tell whether the district already has this in
    /// place; empty when that was decided.
    pub check_in_place: Vec<&'r str>,
    /// The team's stated goals it serves, by their field names in the
    /// district file's `goals` (`strengthen_designated_eld`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<&'r str>,
    /// Process (the improvement process) or change (a change idea).
    pub kind: StrategyKind,
    /// Its first month, 1-based.
    pub start_month: u32,
    /// Its last month, within the horizon.
    pub end_month: u32,
    /// Runs to the end of the horizon.
    pub ongoing: bool,
    /// The months of its work in this plan (of its first run when
    /// ongoing): what needs it starts after them. A development year
    /// shorter than a full one takes its steps in fewer months.
    pub duration_months: u32,
    /// The calendar event it starts with, if any.
    pub tied_to: Option<&'r str>,
    /// The team's decision about it, if any (left out when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Box<TeamDecision>>,
    /// Ids of its prerequisites the team set aside: re-plan it, or bring
    /// them back (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs_set_aside: Vec<&'r str>,
}

/// A strategy the district already has.
#[derive(Debug, Clone, Serialize)]
pub struct InPlace<'r> {
    /// The strategy's id.
    pub id: &'r str,
    /// Its title.
    pub title: &'r str,
}

/// Why a strategy in the plan was deferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeferReason {
    /// Past the last stage under `max_initiatives_per_stage`.
    Capacity,
    /// Pulled in only for strategies that were deferred.
    OnlyForDeferred,
    /// It could not start within the planning horizon.
    Horizon,
}

impl DeferReason {
    /// The reason as the plan JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            DeferReason::Capacity => "capacity",
            DeferReason::OnlyForDeferred => "only_for_deferred",
            DeferReason::Horizon => "horizon",
        }
    }
}

/// A strategy in the plan that did not fit.
#[derive(Debug, Clone, Serialize)]
pub struct Deferred<'r> {
    /// The strategy's id.
    pub id: &'r str,
    /// Its title.
    pub title: &'r str,
    /// Why it was deferred.
    pub reason: DeferReason,
    /// Ids of the deferred strategies that needed it.
    pub required_by: Vec<&'r str>,
}

/// A chapter of the master plan for one district.
#[derive(Debug, Clone, Serialize)]
pub struct ChapterPlan<'r> {
    /// The chapter's id.
    pub id: &'r str,
    /// Its title.
    pub title: &'r str,
    /// What it is about, in a sentence.
    pub intro: &'r str,
    /// What the district does now, from its file, a sentence each.
    pub now: Vec<String>,
    /// What the law requires, with its basis.
    pub requires: Vec<Law<'r>>,
    /// The checklist rows not met (`Not met: ...`) and the evidence of the
    /// findings that fired, with the district's own numbers.
    pub gaps: Vec<String>,
    /// Ids of the scheduled strategies that close its gaps, in plan order.
    pub change_ideas: Vec<&'r str>,
    /// District fields the chapter needs that the file does not give.
    pub to_complete: Vec<&'r str>,
    /// The same fields with the question that asks for each: the marked
    /// blanks of the chapter.
    pub blanks: Vec<Blank<'r>>,
}

/// A marked blank: a field the team fills in, and how to ask for it.
#[derive(Debug, Clone, Serialize)]
pub struct Blank<'r> {
    /// The district field.
    pub field: &'r str,
    /// The question that asks for it.
    pub question: &'r str,
    /// What is missing, as the chapter names it.
    pub label: &'r str,
    /// Where the answer is found.
    #[serde(skip)]
    pub source: Option<&'r str>,
    /// The field as an index in the rule base's names.
    #[serde(skip)]
    pub(crate) name: usize,
}

/// A chosen change idea the plan does not select, and why.
#[derive(Debug, Clone, Serialize)]
pub struct AlsoConsidered<'r> {
    /// The strategy's id.
    pub id: &'r str,
    /// Its title.
    pub title: &'r str,
    /// Why it is not among the plan's change ideas, in a sentence.
    pub why: String,
    /// The ids of the fired findings it answers.
    pub addresses: Vec<&'r str>,
    /// The change ideas in the plan that answer any of those findings, by
    /// id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub answered_by: Vec<&'r str>,
    /// Those findings that no change idea in the plan answers, by id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unanswered: Vec<&'r str>,
    /// The checklist's requirements to confirm that it would close if they
    /// are not met (it is among their `remedies`), by id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requirements_to_confirm: Vec<&'r str>,
    /// The change ideas it needs first that the plan does not schedule, by
    /// id: with them it takes more places.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs_first: Vec<&'r str>,
}

/// A requirement of law as a chapter states it, with its basis.
#[derive(Debug, Clone, Serialize)]
pub struct Law<'r> {
    /// What is required.
    pub text: &'r str,
    /// Its legal basis (code sections, regulations).
    pub basis: &'r str,
}

/// A finding that did not fire, named by id and title, with why.
#[derive(Debug, Clone, Serialize)]
pub struct Brief<'r> {
    /// The rule's id.
    pub id: &'r str,
    /// Its title.
    pub title: &'r str,
    /// Why it did not fire, as far as the rule base says.
    pub reason: NotFiredReason,
    /// The fired finding that states its matter (its id), where `reason`
    /// is `said_by`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub said_by: Option<&'r str>,
}

/// Why a finding did not fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotFiredReason {
    /// Its condition does not hold: a threshold not reached, or too few
    /// students to judge.
    NotReached,
    /// It does not concern the district (its `applies_if` is false).
    NotApplicable,
    /// Its own matter holds (its `covered_if`) and a finding that fired
    /// states it more exactly (one of its `covered_by`).
    SaidBy,
}

impl Plan<'_> {
    /// Every scheduled strategy, stage by stage.
    pub fn scheduled(&self) -> impl Iterator<Item = &Scheduled<'_>> {
        self.stages.iter().flat_map(|s| s.strategies.iter())
    }

    /// The stage id a strategy is scheduled in, if any.
    pub fn stage_of(&self, strategy: &str) -> Option<&str> {
        self.stages
            .iter()
            .find(|s| s.strategies.iter().any(|x| x.id == strategy))
            .map(|s| s.id)
    }

    /// Whether a finding fired.
    pub fn fired(&self, finding: &str) -> bool {
        self.findings.iter().any(|f| f.id == finding)
    }

    /// Whether a finding or strategy is pending.
    pub fn is_pending(&self, id: &str) -> bool {
        self.pending.iter().any(|p| p.id == id)
    }

    /// Whether a strategy is in place.
    pub fn is_in_place(&self, strategy: &str) -> bool {
        self.in_place.iter().any(|p| p.id == strategy)
    }

    /// Whether a strategy is deferred.
    pub fn is_deferred(&self, strategy: &str) -> bool {
        self.deferred.iter().any(|p| p.id == strategy)
    }

    /// The plan as pretty JSON (`elplan.plan/1`), ending with a newline.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }
}
