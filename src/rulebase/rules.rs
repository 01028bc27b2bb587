//! The rule files as people write them: stages, areas, state references,
//! derived values, findings and strategies.
//!
//! These types only describe the RON shape. Checking ids and references and
//! compiling expressions is the job of [`crate::rulebase`].

use serde::{Deserialize, Serialize};

/// Where a rule was written, for diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The rule file.
    pub file: std::path::PathBuf,
    /// The line of the rule's `id`, 1-based; 0 when not found.
    pub line: usize,
}

/// A planning stage (`stages.ron`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// The stage's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What the stage is for.
    pub purpose: String,
    /// What it produces.
    #[serde(default)]
    pub outputs: Vec<String>,
    /// Share of the planning horizon, 0 < share <= 1; the shares add up to 1.
    pub share: f64,
}

/// An area of the plan, a primary driver (`areas.ron`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// The area's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it covers.
    #[serde(default)]
    pub description: String,
    /// Guiding questions for the team's inquiry into this area.
    #[serde(default)]
    pub questions: Vec<String>,
}

/// The unit of a state reference value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// A fraction, shown as a percentage.
    Share,
    /// CAASPP distance from standard, in points.
    Points,
    /// US dollars.
    Dollars,
    /// A number of people or things.
    Count,
}

/// A state reference value: the yardstick a district is compared with.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The value's id, as `state.<id>` reads it.
    pub id: String,
    /// What it measures.
    pub title: String,
    /// The value.
    pub value: f64,
    /// Its unit.
    pub unit: Unit,
    /// The school year it is from.
    pub year: String,
    /// Where it is published.
    pub source: String,
    /// An unusual year (the pandemic low of reclassification in 2021): a
    /// district's value is compared with it only when it is of that very
    /// year, never as the nearest earlier one.
    #[serde(default)]
    pub only_its_year: bool,
}

/// A named value computed from the district (`derived.<id>`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Derived {
    /// The value's id, as `derived.<id>` reads it.
    pub id: String,
    /// What it is.
    pub title: String,
    /// A minijinja expression.
    pub value: String,
    /// The data that settles this value when it is unknown, if the
    /// expression alone does not say (for values read from `history`).
    #[serde(default)]
    pub needs: Vec<String>,
    /// Where it is written.
    #[serde(skip)]
    pub origin: Origin,
}

/// How much a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth noting.
    Low,
    /// Needs attention.
    Medium,
    /// Needs attention first.
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
    /// The most change ideas a plan schedules; the other chosen ones are
    /// listed as *also considered*. No limit when left out.
    #[serde(default)]
    pub max_change_ideas: Option<u32>,
    /// A change idea that answers nothing in the district's data (no
    /// fired finding, goal or unmet requirement: its `when` holds for
    /// every district) takes a place only while the plan holds fewer than
    /// this many change ideas. No limit when left out.
    #[serde(default)]
    pub fill_to: Option<u32>,
    /// Added to the priority of a change idea that closes an unmet
    /// requirement of the checklist (its `remedies`): first claim on
    /// capacity.
    #[serde(default)]
    pub requirement_weight: u32,
    /// Added to the priority of a change idea that answers one of the
    /// team's stated goals (the district's `goals` section): second claim.
    #[serde(default)]
    pub goal_weight: u32,
    /// The instructional change ideas: a plan for a district with English
    /// learners schedules at least one, the one its data points to first,
    /// else the first of this list that is chosen.
    #[serde(default)]
    pub instructional: Vec<String>,
    /// The instructional change idea a plan schedules when none of the
    /// others is chosen (with no data, the review of designated and
    /// integrated ELD); scheduled only then.
    #[serde(default)]
    pub instructional_fallback: Option<String>,
    /// Change ideas that study a finding rather than change what causes it
    /// (an audit, a review of results): a change that answers a finding is
    /// chosen for it first, and a study answers only findings that no
    /// chosen change answers.
    #[serde(default)]
    pub studies: Vec<String>,
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

/// A draft goal (`goals.ron`): an outcome, where its baseline comes from,
/// and how far a year the target moves it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GoalRule {
    /// The goal's id.
    pub id: String,
    /// What is measured, as the goals table says it.
    pub measure: String,
    /// Where the baseline comes from.
    pub from: GoalSource,
    /// The unit of its values.
    pub unit: Unit,
    /// How far the target moves for each school year of the plan.
    pub per_year: f64,
    /// The lowest target allowed.
    #[serde(default)]
    pub min: Option<f64>,
    /// The highest target allowed.
    #[serde(default)]
    pub max: Option<f64>,
    /// The target never falls below this share of the baseline over the
    /// plan (0.5: not below half the baseline).
    #[serde(default)]
    pub floor_of_baseline: Option<f64>,
    /// A district field holding the school year of a `Field` baseline
    /// (the source's year); the file's `data_year` when left out or
    /// unknown.
    #[serde(default)]
    pub year_from: Option<String>,
    /// How many students the baseline rests on: a field of the same
    /// `history` entry, or a dotted district field. A baseline from fewer
    /// than the minimum group size is a count of students, not a rate to
    /// set a target on.
    #[serde(default)]
    pub students_from: Option<GoalSource>,
    /// Where the measure is published.
    pub source: String,
    /// How often it is read.
    pub frequency: String,
    /// The strategies (their ids) that work toward it: a plan that
    /// schedules none of them says it only watches the goal.
    #[serde(default)]
    pub served_by: Vec<String>,
    /// The findings (their ids) whose matter it measures: the aim states
    /// the goal of the plan's most severe fired finding among them, and
    /// the first goal with a baseline where none is.
    #[serde(default)]
    pub findings: Vec<String>,
    /// A derived value (its id): where it is false the goal does not
    /// concern the district (a graduation rate where no grade 12 is
    /// taught) and the plan has no such goal.
    #[serde(default)]
    pub applies_if: Option<String>,
}

/// Where a district field's value can be found: a line of a plan's data
/// request (`data_sources.ron`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DataSource {
    /// The field, as plans name missing data (`history.reclassification_rate`).
    pub field: String,
    /// The question a person answers to fill it in.
    pub question: String,
    /// Where the answer is found.
    pub source: String,
}

/// Where a goal's baseline comes from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub enum GoalSource {
    /// A field of each `history` entry: the latest year that has it.
    History(String),
    /// A dotted district field, whose year is the file's `data_year`.
    Field(String),
}

/// A requirement of California law every plan checks (`checklist.ron`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// The requirement's id.
    pub id: String,
    /// What is required, as the checklist says it.
    pub requirement: String,
    /// Its legal basis.
    pub basis: String,
    /// A minijinja expression: met when it holds, not met when it does
    /// not, to confirm when it is unknown.
    pub met_when: String,
    /// A derived value (its id): where it is false the requirement does not
    /// apply to the district (`delac_required`).
    #[serde(default)]
    pub applies_if: Option<String>,
    /// The strategies that close it: when it is not met they are chosen,
    /// whatever their own `when`, and claim capacity first.
    #[serde(default)]
    pub remedies: Vec<String>,
    /// Where it is written.
    #[serde(skip)]
    pub origin: Origin,
}

/// The school calendar plans follow (`calendar.ron`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// The calendar month (1 = January) an undated plan starts in.
    pub year_starts: u32,
    /// The events strategies may be tied to.
    pub events: Vec<Event>,
    /// The calendar month the plan is adopted in (June, with the LCAP):
    /// the development stages (all but the last) fill the months up to
    /// the first such month at least `months_to_adoption` after month 1,
    /// and the last stage starts with the next school year. Left out, the
    /// stages share the horizon by their `share` alone.
    #[serde(default)]
    pub adoption_month: Option<u32>,
    /// The fewest months from a plan's first month to its adoption.
    #[serde(default)]
    pub months_to_adoption: u32,
    /// Calendar months in which classroom work does not start (the
    /// summer): a strategy marked `classroom` waits for the school year.
    #[serde(default)]
    pub no_classroom_starts: Vec<u32>,
}

/// A yearly event of the school calendar.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The event's id, as `tied_to` names it.
    pub id: String,
    /// The calendar month it falls in (or begins in), 1 = January.
    pub month: u32,
    /// The last month of an event that spans several (the budget is
    /// drafted March to May); a strategy tied to it ends by then.
    #[serde(default)]
    pub through: Option<u32>,
    /// What happens, as a plan's text says it.
    pub title: String,
}

/// Whether a strategy is part of the improvement process every plan runs,
/// or a change idea.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StrategyKind {
    /// The improvement process: never deferred for capacity.
    Process,
    /// A change idea: counts against the district's capacity per stage.
    #[default]
    Change,
}

fn default_duration() -> u32 {
    2
}

/// A finding (`findings.ron`): a condition on the district's data and the
/// sentence that states its evidence.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// The finding's id, snake_case, unique among findings and strategies.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The condition the district must build, worded for the driver
    /// diagram; a finding without one is context, not a driver.
    #[serde(default)]
    pub driver: Option<String>,
    /// The area it belongs to.
    pub area: String,
    /// How much it weighs.
    pub severity: Severity,
    /// A minijinja expression; the finding fires when it holds.
    pub when: String,
    /// A minijinja template: the sentence that states the evidence.
    pub evidence: String,
    /// Guiding questions for the team's inquiry when it fires.
    #[serde(default)]
    pub questions: Vec<String>,
    /// The data that settles it when unknown, if the condition alone does not say.
    #[serde(default)]
    pub needs: Vec<String>,
    /// A derived value (its id): where it is false and the finding did not
    /// fire, the finding does not concern the district (a graduation gap
    /// where no grade 12 is taught), and a plan says so rather than list it
    /// as a threshold not reached.
    #[serde(default)]
    pub applies_if: Option<String>,
    /// Findings that state its matter more exactly (their ids): where one
    /// of them fires and this one did not, though its matter holds
    /// (`covered_if`), a plan names it as said there.
    #[serde(default)]
    pub covered_by: Vec<String>,
    /// A derived value (its id): where it holds, the finding weighs one
    /// severity lower (its evidence too old to lead a plan).
    #[serde(default)]
    pub lower_if: Option<String>,
    /// A derived value (its id) that holds where the finding's own matter
    /// does (the fall it is about happened): without it, `covered_by` names
    /// nothing, since a finding that did not fire may simply not apply.
    #[serde(default)]
    pub covered_if: Option<String>,
    /// Where its reasoning comes from.
    pub sources: Vec<String>,
    /// Where it is written.
    #[serde(skip)]
    pub origin: Origin,
}

/// An action worded for the districts where a derived value holds
/// (`applies_if`) or is known not to (`unless`): the first variant of an
/// action that fits the district replaces its text; where none fits, or a
/// value is unknown, the action reads as written.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActionVariant {
    /// The action it rewords, numbered from 1 as a plan numbers them.
    pub action: usize,
    /// A derived value (its id) that must hold.
    #[serde(default)]
    pub applies_if: Option<String>,
    /// A derived value (its id) that must be known not to hold.
    #[serde(default)]
    pub unless: Option<String>,
    /// The action's text for those districts.
    pub text: String,
}

/// A rationale or first test worded for the districts where a derived value
/// holds (`applies_if`) or is known not to (`unless`): the first variant
/// that fits the district replaces the text; where none fits, or a value is
/// unknown, the text reads as written.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TextVariant {
    /// A derived value (its id) that must hold.
    #[serde(default)]
    pub applies_if: Option<String>,
    /// A derived value (its id) that must be known not to hold.
    #[serde(default)]
    pub unless: Option<String>,
    /// The text for those districts.
    pub text: String,
}

/// What a measure watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MeasureKind {
    /// A result for students.
    Outcome,
    /// Whether the work is done as planned.
    Process,
    /// An unintended effect elsewhere.
    Balancing,
}

/// A measure of a strategy's progress.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// What it watches.
    pub kind: MeasureKind,
    /// What is measured.
    pub text: String,
    /// A derived value (its id) that must hold for the plan to show the
    /// measure (A-G courses where the district has a high school).
    #[serde(default)]
    pub applies_if: Option<String>,
    /// A derived value (its id) that must be known not to hold.
    #[serde(default)]
    pub unless: Option<String>,
}

impl Measure {
    /// Whether the measure is shown to some districts only.
    pub fn conditional(&self) -> bool {
        self.applies_if.is_some() || self.unless.is_some()
    }
}

/// A strategy (`strategies/*.ron`): a recommendation, when it is chosen,
/// what it needs first, and everything a plan says about it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Strategy {
    /// The strategy's id, snake_case, unique among findings and strategies.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The area it belongs to.
    pub area: String,
    /// The earliest stage the strategy can start in.
    pub stage: String,
    /// 1 (helpful) to 5 (highest leverage), within `policy.ron`'s bounds.
    pub leverage: u8,
    /// The California EL Roadmap principle it serves, 1 to 4, within
    /// `policy.ron`'s bounds.
    pub principle: u8,
    /// Process or change; change when left out.
    #[serde(default)]
    pub kind: StrategyKind,
    /// Months it takes (for an ongoing strategy: its first cycle, after
    /// which what requires it may start); 2 when left out.
    #[serde(default = "default_duration")]
    pub duration: u32,
    /// Runs from its start to the end of the horizon.
    #[serde(default)]
    pub ongoing: bool,
    /// A calendar event (`calendar.ron`) it starts with.
    #[serde(default)]
    pub tied_to: Option<String>,
    /// It needs teachers in their classrooms, so it does not start in the
    /// calendar's summer months (`no_classroom_starts`).
    #[serde(default)]
    pub classroom: bool,
    /// A minijinja expression; the strategy is chosen when it holds.
    pub when: String,
    /// The data that settles `when` when it is unknown, if the condition
    /// alone names more than settles it (a finding it reads waits on data
    /// that cannot decide this strategy).
    #[serde(default)]
    pub needs: Vec<String>,
    /// Ids of the strategies it needs first.
    #[serde(default)]
    pub requires: Vec<String>,
    /// A minijinja expression; when it holds the district already has this.
    #[serde(default)]
    pub in_place_when: Option<String>,
    /// A derived value (its id): where it is known and false the strategy
    /// does not concern the district (an ELAC where no school has 21
    /// English learners). It is never scheduled, satisfies what requires
    /// it, and is listed as not needed rather than in place.
    #[serde(default)]
    pub applies_if: Option<String>,
    /// Why it matters.
    pub rationale: String,
    /// Other wordings of the rationale for districts where a derived value
    /// holds or does not (the county office's assistance where the district
    /// is in it).
    #[serde(default)]
    pub rationale_variants: Vec<TextVariant>,
    /// What to do, in order.
    pub actions: Vec<String>,
    /// Other wordings of an action for districts where a derived value
    /// holds or does not (the DELAC named only where one is required).
    #[serde(default)]
    pub action_variants: Vec<ActionVariant>,
    /// Who leads it.
    pub owners: Vec<String>,
    /// The first small test of change (a PDSA seed).
    pub first_test: String,
    /// Other wordings of the first test, as `rationale_variants`.
    #[serde(default)]
    pub first_test_variants: Vec<TextVariant>,
    /// How progress is seen.
    pub measures: Vec<Measure>,
    /// Where its reasoning comes from.
    pub sources: Vec<String>,
    /// Where it is written.
    #[serde(skip)]
    pub origin: Origin,
}

/// A chapter of the master plan (`chapters.ron`): what the district does
/// now, from its file; what the law requires; and where the plan's
/// checklist, findings and change ideas meet it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    /// The chapter's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What the chapter is about, in a sentence.
    pub intro: String,
    /// What the district does now: each a district field and the sentence
    /// (a template over the district) that says it; a field the file does
    /// not give is a marked blank for the team.
    #[serde(default)]
    pub facts: Vec<ChapterFact>,
    /// What the law requires, each with its basis.
    #[serde(default)]
    pub requires: Vec<LawText>,
    /// Ids of the checklist rows the chapter rests on: each one not met is
    /// a gap.
    #[serde(default)]
    pub checklist: Vec<String>,
    /// Ids of findings that are gaps of the chapter when they fire.
    #[serde(default)]
    pub findings: Vec<String>,
    /// Ids of the strategies that close its gaps: those the plan schedules
    /// are its change ideas.
    #[serde(default)]
    pub strategies: Vec<String>,
    /// Where it is written.
    #[serde(skip)]
    pub origin: Origin,
}

/// One thing a chapter says the district does now.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChapterFact {
    /// The district field it rests on (a dotted path, as in
    /// `data_sources.ron`).
    pub field: String,
    /// The sentence, a minijinja template over the district, rendered when
    /// the field is known.
    pub text: String,
    /// What is missing when the field is not given, as a chapter's blank
    /// names it ("the daily minutes of designated ELD"); the field's
    /// question in `data_sources.ron` when left out.
    #[serde(default)]
    pub blank: Option<String>,
    /// A derived value (its id): where it is false the fact does not
    /// concern the district and is neither said nor asked for.
    #[serde(default)]
    pub applies_if: Option<String>,
}

/// A requirement of law as a chapter states it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LawText {
    /// What is required.
    pub text: String,
    /// Its legal basis (code sections, regulations).
    pub basis: String,
    /// A derived value (its id): where it is false the requirement does
    /// not concern the district and the chapter does not state it.
    #[serde(default)]
    pub applies_if: Option<String>,
}
