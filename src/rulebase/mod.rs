//! A loaded, checked and compiled rule base.
//!
//! The rule files are gathered by [`files`] (the embedded default or a
//! directory) and read into the types of [`rules`]; [`RuleBase::from_files`]
//! then runs the compiler's rooms in turn: `validate` (parse, ids,
//! references, ranges), `compile` (expressions and evidence compiled
//! once) and `resolve` (names, dependency graph, order). The result is one compiled record per rule,
//! the graph kept for `explain`, `graph` and `check`, and the values
//! templates receive. Evaluating rules against a district is the engine's
//! job.

pub(crate) mod compile;
pub(crate) mod conditions;
pub mod files;
pub(crate) mod read;
pub(crate) mod resolve;
pub mod rules;
#[cfg(test)]
mod tests;
pub(crate) mod validate;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use minijinja::{Environment, Value};

use crate::condition::{Logic, Missing};
use crate::diagnostic::Diagnostics;
use crate::graph::{DependencyGraph, Node};
use crate::hash::HashMap;
use crate::rulebase::compile::{Compiled, StrategyBatch};
use crate::rulebase::files::RuleFiles;
use crate::rulebase::resolve::{Leaf, Ref};
use crate::rulebase::rules::{
    Area, Calendar, Derived, Finding, Measure, Policy, Reference, Stage, Strategy,
};

/// See [`RuleBase::path_steps`].
fn path_steps(paths: &[String]) -> (Vec<String>, Vec<(usize, Option<String>)>) {
    let mut roots: Vec<String> = Vec::new();
    let steps = paths
        .iter()
        .map(|path| {
            let (root, field) = match path.split_once('.') {
                Some((root, field)) => (root, Some(field.to_string())),
                None => (path.as_str(), None),
            };
            let at = match roots.iter().position(|r| r == root) {
                Some(at) => at,
                None => {
                    roots.push(root.to_string());
                    roots.len() - 1
                }
            };
            (at, field)
        })
        .collect();
    (roots, steps)
}

/// Each name's place in alphabetical order.
fn ranks(names: &[String]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| &names[i]);
    let mut rank = vec![0; names.len()];
    for (place, i) in order.into_iter().enumerate() {
        rank[i] = place;
    }
    rank
}

/// A derived value as written, with its expression compiled.
#[derive(Debug)]
pub struct CompiledDerived {
    /// The rule as written.
    pub rule: Derived,
    pub(crate) logic: Logic,
    /// Its declared `needs` as names: what settles it when it is unknown.
    pub(crate) needs: Missing,
}

/// A requirement of the checklist as written, with its condition compiled.
#[derive(Debug)]
pub struct CompiledRequirement {
    /// The requirement as written.
    pub rule: crate::rulebase::rules::Requirement,
    pub(crate) met_when: Logic,
}

/// A finding as written, with its condition compiled.
#[derive(Debug)]
pub struct CompiledFinding {
    /// The rule as written.
    pub rule: Finding,
    pub(crate) when: Logic,
    /// Its declared `needs` as names: what settles it when it is unknown.
    pub(crate) needs: Missing,
    /// The name of its evidence template in the rule base's environment.
    pub(crate) evidence: String,
}

/// A strategy as written, with its conditions compiled and its stage and
/// prerequisites resolved.
#[derive(Debug)]
pub struct CompiledStrategy {
    /// The rule as written.
    pub rule: Strategy,
    /// Index of its earliest stage in [`RuleBase::stages`].
    pub stage: usize,
    /// Its prerequisites, as indices in [`RuleBase::strategies`].
    pub requires: Vec<usize>,
    /// The findings its `when` reads, as indices in
    /// [`RuleBase::findings`]: what it answers when they fire.
    pub addresses: Vec<usize>,
    /// When it may start, if it is tied to a calendar event.
    pub tie: Option<Tie>,
    /// The team's goals its `when` reads: (through which finding, if any;
    /// the district path, by index in [`RuleBase::names`]).
    pub(crate) goal_reads: Vec<(Option<usize>, usize)>,
    pub(crate) when: Logic,
    /// Its declared `needs` as names: what settles `when` when it is unknown.
    pub(crate) needs: Missing,
    pub(crate) in_place: Option<Logic>,
    /// Its texts as template values, converted once.
    pub(crate) texts: StrategyTexts,
}

/// A chapter's names resolved to indices: its checklist rows, findings and
/// strategies (those the rule base has), and each fact's question in
/// `data_sources` and derived value it applies if.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChapterRefs {
    pub requirements: Vec<usize>,
    pub findings: Vec<usize>,
    pub strategies: Vec<usize>,
    pub questions: Vec<Option<usize>>,
    pub applies_if: Vec<Option<usize>>,
    /// The derived value each requirement of law applies if.
    pub law_applies_if: Vec<Option<usize>>,
    /// Each fact's template name in the rule environment.
    pub templates: Vec<String>,
    /// Each fact's field, as a district path the engine looks up (an
    /// index in `names`).
    pub paths: Vec<usize>,
}

/// Each chapter's names resolved to indices (names the rule base lacks are
/// passed over: the default chapters may stand in for a rule directory).
fn chapter_refs(
    (chapters, data_sources): (
        &[crate::rulebase::rules::Chapter],
        &[crate::rulebase::rules::DataSource],
    ),
    requirements: &[CompiledRequirement],
    [derived_index, finding_index, strategy_index]: [&HashMap<String, usize>; 3],
    fact_paths: Vec<Vec<usize>>,
) -> Vec<ChapterRefs> {
    chapters
        .iter()
        .zip(
            fact_paths
                .into_iter()
                .chain(std::iter::repeat_with(Vec::new)),
        )
        .map(|(c, paths)| ChapterRefs {
            requirements: c
                .checklist
                .iter()
                .filter_map(|id| requirements.iter().position(|r| &r.rule.id == id))
                .collect(),
            findings: c
                .findings
                .iter()
                .filter_map(|id| finding_index.get(id).copied())
                .collect(),
            strategies: c
                .strategies
                .iter()
                .filter_map(|id| strategy_index.get(id).copied())
                .collect(),
            questions: c
                .facts
                .iter()
                .map(|f| data_sources.iter().position(|d| d.field == f.field))
                .collect(),
            templates: (0..c.facts.len())
                .map(|i| crate::rulebase::compile::fact_template(&c.id, i))
                .collect(),
            paths,
            applies_if: c
                .facts
                .iter()
                .map(|f| {
                    f.applies_if
                        .as_ref()
                        .and_then(|id| derived_index.get(id).copied())
                })
                .collect(),
            law_applies_if: c
                .requires
                .iter()
                .map(|l| {
                    l.applies_if
                        .as_ref()
                        .and_then(|id| derived_index.get(id).copied())
                })
                .collect(),
        })
        .collect()
}

/// When a strategy tied to a calendar event may start: in the event's
/// month, or up to `slack` months later so that it still ends within an
/// event that spans several months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tie {
    /// The calendar month (1 = January) it may start in first.
    pub month: u32,
    /// How many months later it may still start.
    pub slack: u32,
}

impl Tie {
    fn new(event: &crate::rulebase::rules::Event, duration: u32) -> Tie {
        let span = event
            .through
            .map_or(1, |last| (last + 12 - event.month) % 12 + 1);
        Tie {
            month: event.month,
            slack: span.saturating_sub(duration.max(1)),
        }
    }
}

/// A strategy's texts as minijinja values: plans clone them (an `Arc`
/// each) instead of copying strings for every render.
#[derive(Debug, Clone)]
pub(crate) struct StrategyTexts {
    pub title: Value,
    pub rationale: Value,
    pub actions: Value,
    pub owners: Value,
    pub first_test: Value,
    pub measures: Value,
    pub sources: Value,
}

impl StrategyTexts {
    fn new(s: &Strategy) -> Self {
        use minijinja::value::Serde;
        StrategyTexts {
            title: Value::from(s.title.as_str()),
            rationale: Value::from(s.rationale.as_str()),
            actions: Value::from(Serde(&s.actions)),
            owners: Value::from(Serde(&s.owners)),
            first_test: Value::from(s.first_test.as_str()),
            measures: measures(s.measures.iter()),
            sources: Value::from(Serde(&s.sources)),
        }
    }
}

/// Measures as a plan shows them: what each watches and its text.
pub(crate) fn measures<'m>(list: impl Iterator<Item = &'m Measure>) -> Value {
    #[derive(serde::Serialize)]
    struct Shown<'m> {
        kind: crate::rulebase::rules::MeasureKind,
        text: &'m str,
    }
    let shown: Vec<Shown<'_>> = list
        .map(|m| Shown {
            kind: m.kind,
            text: &m.text,
        })
        .collect();
    Value::from(minijinja::value::Serde(&shown))
}

/// A rule base, checked and compiled once, ready to plan any number of
/// districts.
pub struct RuleBase {
    /// "embedded" or the rule directory.
    pub origin: String,
    /// The planning stages, in order.
    pub stages: Vec<Stage>,
    /// The areas (primary drivers), in order.
    pub areas: Vec<Area>,
    /// The state reference values.
    pub references: Vec<Reference>,
    /// How priorities are weighed and which values are allowed.
    pub policy: Policy,
    /// The school calendar plans follow.
    pub calendar: Calendar,
    /// The derived values, in file order.
    pub derived: Vec<CompiledDerived>,
    /// The findings, in file order.
    pub findings: Vec<CompiledFinding>,
    /// The strategies, in file order (files sorted by name).
    pub strategies: Vec<CompiledStrategy>,
    /// The California requirements every plan checks, in file order.
    pub requirements: Vec<CompiledRequirement>,
    /// The draft goals, in file order.
    pub goals: Vec<crate::rulebase::rules::GoalRule>,
    /// Where each district field can be found, in file order.
    pub data_sources: Vec<crate::rulebase::rules::DataSource>,
    /// The master plan's chapters, in file order.
    pub chapters: Vec<crate::rulebase::rules::Chapter>,
    /// What each chapter names, resolved once.
    pub(crate) chapter_refs: Vec<ChapterRefs>,
    /// Each strategy's part in `policy.ron`'s selection.
    pub(crate) roles: Vec<Role>,
    pub(crate) compiled: Compiled,
    pub(crate) leaves: Vec<Leaf>,
    /// The dependency graph: a rule reads or requires what its edges reach.
    pub(crate) graph: DependencyGraph,
    /// Derived values, findings and strategies, dependencies first.
    pub(crate) order: Vec<Node>,
    pub(crate) derived_index: Arc<HashMap<String, usize>>,
    pub(crate) finding_index: Arc<HashMap<String, usize>>,
    pub(crate) strategy_index: HashMap<String, usize>,
    /// `state.*`: the reference values by id.
    pub(crate) state: Value,
    /// What a [`Missing`] set names: every district path an expression
    /// reads, once each (the first `path_count`, indexed as
    /// [`Ref::District`]), then the names rules declare in `needs`.
    pub(crate) names: Vec<String>,
    /// How many of `names` are district paths.
    pub(crate) path_count: usize,
    /// The district paths as steps: the distinct top-level fields, and for
    /// each path the index of its top-level field and the field under it.
    pub(crate) path_steps: (Vec<String>, Vec<(usize, Option<String>)>),
    /// Each name's place in alphabetical order.
    pub(crate) name_rank: Vec<usize>,
    /// Each name's data source, by index in `data_sources`.
    pub(crate) name_source: Vec<Option<usize>>,
    /// The strategy conditions as one list expression, see [`StrategyBatch`].
    pub(crate) strategy_batch: Option<StrategyBatch>,
    /// What templates receive besides the plan: `state` (references by id),
    /// `areas` (by id), `area_ids` (in order) and `titles` (finding and
    /// strategy titles by id).
    pub(crate) template_values: Value,
}

impl std::fmt::Debug for RuleBase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleBase")
            .field("origin", &self.origin)
            .field("findings", &self.findings.len())
            .field("strategies", &self.strategies.len())
            .finish()
    }
}

impl RuleBase {
    /// The default rule base embedded in the binary.
    pub fn embedded() -> Result<RuleBase, Diagnostics> {
        RuleBase::from_files(RuleFiles::embedded())
    }

    /// A rule base from a directory (`--rules DIR`).
    pub fn load(dir: &Path) -> Result<RuleBase, Diagnostics> {
        RuleBase::from_files(RuleFiles::from_dir(dir).map_err(Diagnostics)?)
    }

    /// Validates, compiles and resolves the rule files; every problem of
    /// the first phase that has any, each with its file and line.
    pub fn from_files(files: RuleFiles) -> Result<RuleBase, Diagnostics> {
        // The built-in rules, unchanged, come decoded from the build
        // script's cache, and are trusted: their tests compile them whole.
        let cached = files.cached();
        RuleBase::build(files, cached)
    }

    /// [`RuleBase::from_files`], from the files as `cached` when they are.
    fn build(
        files: RuleFiles,
        cached: Option<(read::Parsed, read::Known)>,
    ) -> Result<RuleBase, Diagnostics> {
        let locate = crate::rulebase::validate::Locator::new(&files);
        let (parsed, known) = cached.unzip();
        let rules = crate::rulebase::validate::validate(&files, parsed, &locate)?;
        let split = crate::rulebase::compile::compile(&rules, &locate, &files.origin, known)?;
        let resolved = crate::rulebase::resolve::resolve(&rules, &split, &locate)?;
        let template_values = template_values(&rules);
        let state = latest_state(&rules);
        let [derived_index, finding_index, strategy_index] = indices(&rules);
        let path_count = resolved.paths.len();
        let mut names = resolved.paths;
        let mut needs = |declared: &[String]| needs_of(&mut names, declared);
        let derived = rules
            .derived
            .into_iter()
            .zip(split.conditions.derived)
            .map(|(rule, logic)| CompiledDerived {
                needs: needs(&rule.needs),
                rule,
                logic,
            })
            .collect();
        let findings = rules
            .findings
            .into_iter()
            .zip(split.conditions.findings)
            .map(|(rule, when)| CompiledFinding {
                needs: needs(&rule.needs),
                evidence: crate::rulebase::compile::evidence_template(&rule.id),
                rule,
                when,
            })
            .collect();
        let requirements: Vec<CompiledRequirement> = rules
            .requirements
            .into_iter()
            .zip(split.conditions.requirements)
            .map(|(rule, met_when)| CompiledRequirement { rule, met_when })
            .collect();
        let needs = rules.strategies.iter().map(|s| needs(&s.needs)).collect();
        let (when, in_place) = (split.conditions.when, split.conditions.in_place);
        let strategies = compile_strategies(
            (rules.strategies, rules.stage_of, rules.requires),
            (when, in_place, needs),
            resolved.addresses,
            resolved.goal_reads,
            &rules.calendar,
        );
        // The batch list pays only where some strategy condition is more than
        // the engine decides itself.
        let strategy_batch = split
            .conditions
            .batch
            .filter(|_| !all_cheap(&strategies, &resolved.leaves));
        let name_source = names
            .iter()
            .map(|n| rules.data_sources.iter().position(|s| &s.field == n))
            .collect();
        let chapter_refs = chapter_refs(
            (&rules.chapters, &rules.data_sources),
            &requirements,
            [&derived_index, &finding_index, &strategy_index],
            resolved.fact_paths,
        );
        let roles = roles(&strategies, &rules.policy);
        let name_rank = ranks(&names);
        Ok(RuleBase {
            roles,
            chapter_refs,
            origin: files.origin,
            stages: rules.stages,
            areas: rules.areas,
            references: rules.references,
            policy: rules.policy,
            calendar: rules.calendar,
            derived,
            findings,
            strategies,
            requirements,
            goals: rules.goals,
            data_sources: rules.data_sources,
            chapters: rules.chapters,
            compiled: split.compiled,
            leaves: resolved.leaves,
            graph: resolved.graph,
            order: resolved.order,
            derived_index: Arc::new(derived_index),
            finding_index: Arc::new(finding_index),
            strategy_index,
            state,
            path_count,
            path_steps: path_steps(&names[..path_count]),
            name_rank,
            name_source,
            names,
            strategy_batch,
            template_values,
        })
    }

    pub(crate) fn env(&self) -> &Environment<'static> {
        self.compiled.env()
    }

    /// Evaluates a leaf's expression (compiled on first use).
    pub(crate) fn eval_leaf(&self, leaf: usize, scope: Value) -> Result<Value, minijinja::Error> {
        self.compiled.eval(leaf, scope)
    }

    /// Every district path an expression reads, indexed as [`Ref::District`].
    pub(crate) fn paths(&self) -> &[String] {
        &self.names[..self.path_count]
    }

    /// The names in a set of missing data, in alphabetical order.
    pub(crate) fn names_of(&self, missing: &Missing) -> Vec<&str> {
        // Names are unique, so sorting them is sorting by rank; a set holds
        // a few, and one vector is cheaper than ranks and a second one.
        let mut names: Vec<&str> = missing.iter().map(|i| self.names[i].as_str()).collect();
        names.sort_unstable();
        names
    }

    /// The strategy with this id.
    pub fn strategy(&self, id: &str) -> Option<&Strategy> {
        self.strategy_index
            .get(id)
            .map(|&i| &self.strategies[i].rule)
    }

    /// The finding with this id.
    pub fn finding(&self, id: &str) -> Option<&Finding> {
        self.finding_index.get(id).map(|&i| &self.findings[i].rule)
    }

    /// What the leaves of a condition read, each once, in the order first
    /// read: the one answer to "what does this rule read".
    pub(crate) fn reads(&self, logic: &Logic) -> Vec<Ref> {
        crate::rulebase::resolve::reads(&self.leaves, logic)
    }

    /// The strategies that require strategy `i`, by index, from the graph.
    pub(crate) fn required_by(&self, i: usize) -> Vec<usize> {
        let at = self.derived.len() + self.findings.len() + i;
        let mut out: Vec<usize> = self
            .graph
            .dependents(at)
            .into_iter()
            .filter_map(|node| match node {
                Node::Strategy(j) => Some(j),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out
    }
}

#[derive(serde::Serialize)]
struct TemplateValues<'a> {
    state: BTreeMap<&'a str, &'a Reference>,
    /// Every entry of each reference, oldest first: `state_for` picks the
    /// one a district year is compared with.
    state_series: BTreeMap<&'a str, Vec<&'a Reference>>,
    areas: BTreeMap<&'a str, &'a Area>,
    /// Area ids in the order of `areas.ron`.
    area_ids: Vec<&'a str>,
    titles: BTreeMap<&'a str, &'a str>,
    /// The calendar's events by id.
    events: BTreeMap<&'a str, &'a crate::rulebase::rules::Event>,
    /// The question that asks for each district field, by field (what a
    /// document shows instead of a field path).
    questions: BTreeMap<&'a str, &'a str>,
    /// `policy.ron`'s `fill_to`: below it, a change idea that answers
    /// nothing in the district's data may take a place.
    fill_to: Option<u32>,
}

/// Each reference id's latest entry.
fn latest_references(references: &[Reference]) -> BTreeMap<&str, &Reference> {
    let mut latest: BTreeMap<&str, &Reference> = BTreeMap::new();
    for r in references {
        // An unusual year stands for the series only when it has no other.
        let key = |x: &Reference| {
            (
                !x.only_its_year,
                crate::helpers::year_key(&x.year).unwrap_or(i32::MIN),
            )
        };
        match latest.get(r.id.as_str()) {
            Some(known) if key(known) >= key(r) => {}
            _ => {
                latest.insert(&r.id, r);
            }
        }
    }
    latest
}

fn template_values(rules: &crate::rulebase::validate::Validated) -> Value {
    Value::from(minijinja::value::Serde(TemplateValues {
        // A series' latest entry: references come oldest first within an id.
        state: latest_references(&rules.references),
        state_series: {
            let mut series: BTreeMap<&str, Vec<&Reference>> = BTreeMap::new();
            for r in &rules.references {
                series.entry(r.id.as_str()).or_default().push(r);
            }
            for entries in series.values_mut() {
                entries.sort_by_key(|r| crate::helpers::year_key(&r.year).unwrap_or(i32::MIN));
            }
            series
        },
        areas: rules.areas.iter().map(|a| (a.id.as_str(), a)).collect(),
        area_ids: rules.areas.iter().map(|a| a.id.as_str()).collect(),
        titles: rules
            .findings
            .iter()
            .map(|f| (f.id.as_str(), f.title.as_str()))
            .chain(
                rules
                    .strategies
                    .iter()
                    .map(|s| (s.id.as_str(), s.title.as_str())),
            )
            .collect(),
        events: rules
            .calendar
            .events
            .iter()
            .map(|e| (e.id.as_str(), e))
            .collect(),
        questions: rules
            .data_sources
            .iter()
            .map(|d| (d.field.as_str(), d.question.as_str()))
            .collect(),
        fill_to: rules.policy.fill_to,
    }))
}

/// Each derived value's, finding's and strategy's index by id.
fn indices(rules: &crate::rulebase::validate::Validated) -> [HashMap<String, usize>; 3] {
    use crate::rulebase::resolve::index;
    [
        index(rules.derived.iter().map(|d| &d.id)),
        index(rules.findings.iter().map(|f| &f.id)),
        index(rules.strategies.iter().map(|s| &s.id)),
    ]
}

/// A rule's declared `needs` as a set of names, each added to `names`
/// the first time it is met.
fn needs_of(names: &mut Vec<String>, declared: &[String]) -> Missing {
    let mut set = Missing::new();
    for name in declared {
        let i = names.iter().position(|n| n == name).unwrap_or_else(|| {
            names.push(name.clone());
            names.len() - 1
        });
        set.insert(i);
    }
    set
}

/// The strategies as written (with their stages and prerequisites), their
/// conditions compiled (`when`, `in_place_when`), and what resolving found
/// (the findings each addresses, the goals each reads), as one record each.
fn compile_strategies(
    (written, stage_of, requires): (Vec<Strategy>, Vec<usize>, Vec<Vec<usize>>),
    (when, in_place, needs): (Vec<Logic>, Vec<Option<Logic>>, Vec<Missing>),
    addresses: Vec<Vec<usize>>,
    goal_reads: Vec<Vec<(Option<usize>, usize)>>,
    calendar: &Calendar,
) -> Vec<CompiledStrategy> {
    let mut addresses = addresses.into_iter();
    let mut goal_reads = goal_reads.into_iter();
    let mut requires = requires.into_iter();
    written
        .into_iter()
        .zip(stage_of)
        .zip(when.into_iter().zip(in_place).zip(needs))
        .map(
            |((rule, stage), ((when, in_place), needs))| CompiledStrategy {
                texts: StrategyTexts::new(&rule),
                tie: rule.tied_to.as_ref().and_then(|event| {
                    let event = calendar.events.iter().find(|e| &e.id == event)?;
                    Some(Tie::new(event, rule.duration))
                }),
                rule,
                stage,
                requires: requires.next().unwrap_or_default(),
                addresses: addresses.next().unwrap_or_default(),
                goal_reads: goal_reads.next().unwrap_or_default(),
                when,
                needs,
                in_place,
            },
        )
        .collect()
}

/// `state.<id>`: each reference series' latest value.
fn latest_state(rules: &crate::rulebase::validate::Validated) -> Value {
    let state: BTreeMap<String, f64> = crate::rulebase::compile::series(rules)
        .into_iter()
        .filter_map(|(id, entries)| Some((id, crate::helpers::pick_year(&entries, "")?.1)))
        .collect();
    Value::from(minijinja::value::Serde(&state))
}

/// Whether every strategy condition is one the engine decides itself.
fn all_cheap(strategies: &[CompiledStrategy], leaves: &[Leaf]) -> bool {
    strategies.iter().all(|s| {
        std::iter::once(&s.when)
            .chain(&s.in_place)
            .all(|logic| cheap(leaves, logic))
    })
}

/// A strategy's part in the selection, as `policy.ron` names it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Role {
    /// An instructional change idea.
    pub instructional: bool,
    /// The instructional fallback.
    pub fallback: bool,
    /// A study of a finding, not a change of its cause.
    pub study: bool,
}

/// Each strategy's [`Role`].
fn roles(strategies: &[CompiledStrategy], policy: &Policy) -> Vec<Role> {
    strategies
        .iter()
        .map(|s| {
            let id = &s.rule.id;
            Role {
                instructional: policy.instructional.contains(id),
                fallback: policy.instructional_fallback.as_ref() == Some(id),
                study: policy.studies.contains(id),
            }
        })
        .collect()
}

fn cheap(leaves: &[Leaf], logic: &Logic) -> bool {
    let mut ids = Vec::new();
    logic.leaves(&mut ids);
    ids.iter().all(|&i| leaves[i].cheap())
}
