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

/// How the engine weighs and bounds what the rule base says
/// (`policy.ron`): policy, not engine code.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// A strategy's priority is this times its leverage, plus the severity
    /// weight of every fired finding its `when` reads.
    pub leverage_weight: u32,
    /// How much a fired finding of each severity raises a priority.
    pub severity_weights: SeverityWeights,
    /// The values a strategy's `leverage` may take.
    pub leverage: Bounds,
    /// The values a strategy's EL Roadmap `principle` may take.
    pub principle: Bounds,
}

/// The priority weight of a fired finding of each severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityWeights {
    /// Weight of a low-severity finding.
    pub low: u32,
    /// Weight of a medium-severity finding.
    pub medium: u32,
    /// Weight of a high-severity finding.
    pub high: u32,
}

/// An inclusive range of small whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    /// The smallest value allowed.
    pub min: u8,
    /// The largest value allowed.
    pub max: u8,
}

impl Bounds {
    /// Whether `value` lies within the bounds.
    pub fn contains(self, value: u8) -> bool {
        (self.min..=self.max).contains(&value)
    }
}

impl Policy {
    /// How much a fired finding of `severity` raises a strategy's priority.
    pub fn severity_weight(&self, severity: Severity) -> u32 {
        let w = &self.severity_weights;
        match severity {
            Severity::Low => w.low,
            Severity::Medium => w.medium,
            Severity::High => w.high,
        }
    }

    /// A strategy's own priority, from its leverage and the summed weights
    /// of the fired findings it answers.
    pub fn priority(&self, leverage: u8, answered: u32) -> u32 {
        self.leverage_weight
            .saturating_mul(u32::from(leverage))
            .saturating_add(answered)
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
    /// 1 (helpful) to 5 (highest leverage), within `policy.ron`'s bounds.
    pub leverage: u8,
    /// The California EL Roadmap principle it serves, 1 to 4, within
    /// `policy.ron`'s bounds.
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
