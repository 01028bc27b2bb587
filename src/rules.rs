//! The rule files as people write them: stages, areas, state references,
//! derived values, findings and strategies.
//!
//! These types only describe the RON shape. Checking ids and references and
//! compiling expressions is the job of [`crate::rulebase`].

use serde::{Deserialize, Serialize};

/// Where a rule was written, for diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub file: std::path::PathBuf,
    pub line: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: String,
    pub title: String,
    pub purpose: String,
    #[serde(default)]
    pub outputs: Vec<String>,
    /// Share of the planning horizon, 0 < share <= 1; the shares add up to 1.
    pub share: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Guiding questions for the team's inquiry into this area.
    #[serde(default)]
    pub questions: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// A fraction, shown as a percentage.
    Share,
    /// CAASPP distance from standard, in points.
    Points,
    Dollars,
    Count,
}

/// A state reference value: the yardstick a district is compared with.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub id: String,
    pub title: String,
    pub value: f64,
    pub unit: Unit,
    pub year: String,
    pub source: String,
}

/// A named value computed from the district (`derived.<id>`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Derived {
    pub id: String,
    pub title: String,
    /// A minijinja expression.
    pub value: String,
    /// The data that settles this value when it is unknown, if the
    /// expression alone does not say (for values read from `history`).
    #[serde(default)]
    pub needs: Vec<String>,
    #[serde(skip_deserializing)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    /// How much a fired finding of this severity raises a strategy's priority.
    pub fn weight(self) -> u32 {
        match self {
            Severity::Low => 1,
            Severity::Medium => 2,
            Severity::High => 3,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub id: String,
    pub title: String,
    pub area: String,
    pub severity: Severity,
    /// A minijinja expression; the finding fires when it holds.
    pub when: String,
    /// A minijinja template: the sentence that states the evidence.
    pub evidence: String,
    /// Guiding questions for the team's inquiry when it fires.
    #[serde(default)]
    pub questions: Vec<String>,
    #[serde(default)]
    pub needs: Vec<String>,
    pub sources: Vec<String>,
    #[serde(skip_deserializing)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MeasureKind {
    Outcome,
    Process,
    Balancing,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub kind: MeasureKind,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Strategy {
    pub id: String,
    pub title: String,
    pub area: String,
    /// The earliest stage the strategy can start in.
    pub stage: String,
    /// 1 (helpful) to 5 (highest leverage).
    pub leverage: u8,
    /// The California EL Roadmap principle it serves, 1 to 4.
    pub principle: u8,
    /// A minijinja expression; the strategy is chosen when it holds.
    pub when: String,
    #[serde(default)]
    pub requires: Vec<String>,
    /// A minijinja expression; when it holds the district already has this.
    #[serde(default)]
    pub in_place_when: Option<String>,
    pub rationale: String,
    pub actions: Vec<String>,
    pub owners: Vec<String>,
    /// The first small test of change (a PDSA seed).
    pub first_test: String,
    pub measures: Vec<Measure>,
    pub sources: Vec<String>,
    #[serde(skip_deserializing)]
    pub origin: Origin,
}
