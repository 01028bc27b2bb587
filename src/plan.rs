//! The plan: what the engine concludes for one district.
//!
//! Serialized with serde this is the plan JSON of DESIGN.md
//! (`elplan.plan/1`): the fields named there keep their names and order;
//! fields after them are additions. Templates render the same structure.
//! Rule texts are borrowed from the rule base, not copied.

use std::collections::BTreeMap;

use minijinja::Value;
use serde::Serialize;

use crate::rules::Severity;

pub const FORMAT: &str = "elplan.plan/1";

#[derive(Debug, Clone, Serialize)]
pub struct Plan<'r> {
    pub format: &'static str,
    pub district: DistrictSummary,
    pub horizon_months: u32,
    pub findings: Vec<FiredFinding<'r>>,
    pub pending: Vec<Pending<'r>>,
    pub stages: Vec<StagePlan<'r>>,
    pub in_place: Vec<InPlace<'r>>,
    pub deferred: Vec<Deferred<'r>>,
    /// Findings that were decided and did not fire.
    pub not_fired: Vec<Brief<'r>>,
    /// "embedded" or the rule directory the plan was made with.
    pub rules: &'r str,
    /// The derived values that could be computed, by id.
    pub derived: BTreeMap<&'r str, Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DistrictSummary {
    pub id: String,
    pub name: String,
    pub data_year: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FiredFinding<'r> {
    pub id: &'r str,
    pub title: &'r str,
    pub area: &'r str,
    pub severity: Severity,
    pub evidence: String,
    pub sources: &'r [String],
    /// Guiding questions for the team's inquiry.
    pub questions: &'r [String],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PendingKind {
    Finding,
    Strategy,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pending<'r> {
    pub id: &'r str,
    pub kind: PendingKind,
    /// Field paths whose values would settle it.
    pub missing: Vec<String>,
    pub title: &'r str,
}

#[derive(Debug, Clone, Serialize)]
pub struct StagePlan<'r> {
    pub id: &'r str,
    pub title: &'r str,
    pub start_month: u32,
    pub end_month: u32,
    pub strategies: Vec<Scheduled<'r>>,
    pub purpose: &'r str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Its own condition holds.
    Chosen,
    /// A strategy in the plan requires it.
    Prerequisite,
}

/// A scheduled strategy. Its texts are template values shared with the
/// rule base; they serialize as plain strings, lists and maps. They are
/// listed field by field rather than `#[serde(flatten)]`ed: flattening
/// made rendering 25 % slower.
impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Chosen => "chosen",
            Reason::Prerequisite => "prerequisite",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Scheduled<'r> {
    pub id: &'r str,
    pub title: Value,
    pub area: &'r str,
    pub reason: Reason,
    pub requires: &'r [String],
    pub required_by: Vec<&'r str>,
    /// Fired findings this strategy answers.
    pub addresses: Vec<&'r str>,
    pub priority: u32,
    pub leverage: u8,
    /// The California EL Roadmap principle it serves, 1 to 4.
    pub principle: u8,
    pub rationale: Value,
    pub actions: Value,
    pub owners: Value,
    pub first_test: Value,
    pub measures: Value,
    pub sources: Value,
    /// Fields that would tell whether the district already has this in
    /// place; empty when that was decided.
    pub check_in_place: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InPlace<'r> {
    pub id: &'r str,
    pub title: &'r str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeferReason {
    /// Past the last stage under `max_initiatives_per_stage`.
    Capacity,
    /// Pulled in only for strategies that were deferred.
    OnlyForDeferred,
}

#[derive(Debug, Clone, Serialize)]
pub struct Deferred<'r> {
    pub id: &'r str,
    pub title: &'r str,
    pub reason: DeferReason,
    pub required_by: Vec<&'r str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Brief<'r> {
    pub id: &'r str,
    pub title: &'r str,
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

    pub fn fired(&self, finding: &str) -> bool {
        self.findings.iter().any(|f| f.id == finding)
    }

    pub fn is_pending(&self, id: &str) -> bool {
        self.pending.iter().any(|p| p.id == id)
    }

    pub fn is_in_place(&self, strategy: &str) -> bool {
        self.in_place.iter().any(|p| p.id == strategy)
    }

    pub fn is_deferred(&self, strategy: &str) -> bool {
        self.deferred.iter().any(|p| p.id == strategy)
    }

    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }
}
