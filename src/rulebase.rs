//! A loaded, checked and compiled rule base.
//!
//! [`RuleBase::load`] reads the rule files, checks ids and references
//! (duplicates, unknown ids with the nearest one), compiles every expression
//! and evidence template once in one strict minijinja environment, builds
//! the dependency graph and rejects cycles. Evaluating rules against a
//! district is [`crate::engine`]'s job.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::{Environment, Expression, UndefinedBehavior, Value};
use serde::de::DeserializeOwned;

use crate::condition::Logic;
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::district;
use crate::graph::{DependencyGraph, Node};
use crate::rule_files::RuleFiles;
use crate::rules::{Area, Derived, Finding, Origin, Reference, Stage, Strategy};

self_cell::self_cell!(
    /// The strict environment (helpers, evidence templates) and every
    /// compiled leaf expression, which borrow it.
    pub(crate) struct Compiled {
        owner: Environment<'static>,
        #[covariant]
        dependent: Expressions,
    }
);

pub(crate) type Expressions<'env> = Vec<Expression<'env, 'static>>;

/// What a name in an expression refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ref {
    Derived(usize),
    Finding(usize),
    /// A state reference value, by id.
    State(String),
    /// A dotted path into the district (`students.el_share`), by its index
    /// in [`RuleBase::paths`].
    District(usize),
}

/// Every non-constant strategy condition compiled as one list expression
/// (`leaf`), with which strategy and condition each element is.
#[derive(Debug, Clone)]
pub(crate) struct StrategyBatch {
    pub leaf: usize,
    pub entries: Vec<BatchEntry>,
}

#[derive(Debug, Clone)]
pub(crate) struct BatchEntry {
    pub strategy: usize,
    /// `in_place_when` rather than `when`.
    pub in_place: bool,
    /// The condition's top leaf, whose names are all it reads.
    pub top: usize,
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
            measures: Value::from(Serde(&s.measures)),
            sources: Value::from(Serde(&s.sources)),
        }
    }
}

/// A leaf expression: its text, the names it reads, its value when it is a
/// constant (`true`), which needs no evaluation, and whether it is a whole
/// condition tried before its parts.
#[derive(Debug, Clone)]
pub(crate) struct Leaf {
    pub source: String,
    pub refs: Vec<Ref>,
    pub constant: Option<Value>,
    pub whole: bool,
    /// It can only be unknown when it reads something unknown
    /// ([`crate::condition::fails_on_undefined`]).
    pub strict: bool,
}

pub struct RuleBase {
    /// "embedded" or the rule directory.
    pub origin: String,
    pub stages: Vec<Stage>,
    pub areas: Vec<Area>,
    pub references: Vec<Reference>,
    pub derived: Vec<Derived>,
    pub findings: Vec<Finding>,
    pub strategies: Vec<Strategy>,
    pub(crate) compiled: Compiled,
    pub(crate) leaves: Vec<Leaf>,
    pub(crate) derived_logic: Vec<Logic>,
    pub(crate) finding_logic: Vec<Logic>,
    pub(crate) strategy_when: Vec<Logic>,
    pub(crate) strategy_in_place: Vec<Option<Logic>>,
    /// Derived values, findings and strategies, dependencies first.
    pub(crate) order: Vec<Node>,
    pub(crate) derived_index: Arc<HashMap<String, usize>>,
    pub(crate) finding_index: Arc<HashMap<String, usize>>,
    pub(crate) strategy_index: HashMap<String, usize>,
    /// Stage index of each strategy.
    pub(crate) stage_of: Vec<usize>,
    /// Prerequisites of each strategy, as strategy indices.
    pub(crate) requires: Vec<Vec<usize>>,
    /// Findings each strategy's `when` reads: what it answers when they fire.
    pub(crate) addresses: Vec<Vec<usize>>,
    /// `state.*`: the reference values by id.
    pub(crate) state: Value,
    /// Every district path an expression reads, once each.
    pub(crate) paths: Vec<String>,
    /// The strategy conditions as one list expression, see [`StrategyBatch`].
    pub(crate) strategy_batch: Option<StrategyBatch>,
    /// Each strategy's texts as template values, converted once.
    pub(crate) strategy_texts: Vec<StrategyTexts>,
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

/// The name of a finding's evidence template in the rule environment.
pub(crate) fn evidence_template(finding: &str) -> String {
    format!("evidence/{finding}")
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

    pub fn from_files(files: RuleFiles) -> Result<RuleBase, Diagnostics> {
        let mut problems = Vec::new();
        let mut singles = files.singles.iter();
        let mut next = || singles.next().map(|(p, s)| (p.as_path(), s.as_str()));
        let stages: Vec<Stage> = parse_list(next(), &mut problems);
        let areas: Vec<Area> = parse_list(next(), &mut problems);
        let references: Vec<Reference> = parse_list(next(), &mut problems);
        let derived_file = next();
        let mut derived: Vec<Derived> = parse_list(derived_file, &mut problems);
        let findings_file = next();
        let mut findings: Vec<Finding> = parse_list(findings_file, &mut problems);
        let mut strategies: Vec<Strategy> = Vec::new();
        for (path, source) in &files.strategies {
            let mut list: Vec<Strategy> = parse_list(Some((path, source)), &mut problems);
            let mut lines = Origins::new(path, source);
            for s in &mut list {
                s.origin = lines.next(&s.id);
            }
            strategies.append(&mut list);
        }
        if let Some((path, source)) = derived_file {
            let mut lines = Origins::new(path, source);
            for d in &mut derived {
                d.origin = lines.next(&d.id);
            }
        }
        if let Some((path, source)) = findings_file {
            let mut lines = Origins::new(path, source);
            for f in &mut findings {
                f.origin = lines.next(&f.id);
            }
        }
        if !problems.is_empty() {
            return Err(Diagnostics(problems));
        }
        let sources: HashMap<&Path, &str> = files
            .singles
            .iter()
            .chain(&files.strategies)
            .map(|(p, s)| (p.as_path(), s.as_str()))
            .collect();
        let at = |origin: &Origin, message: String| -> Diagnostic {
            at_field(&sources, origin, None, message)
        };
        let at_key = |origin: &Origin, key: &str, message: String| -> Diagnostic {
            at_field(&sources, origin, Some(key), message)
        };
        // At the first `text` after the rule's line (a name, an id), or at the rule.
        let at_text = |origin: &Origin, text: &str, message: String| -> Diagnostic {
            match sources.get(origin.file.as_path()) {
                Some(source) => match crate::source::find_after_line(source, origin.line, text) {
                    Some(offset) => {
                        Diagnostic::new(&origin.file, message).at_offset(source, offset)
                    }
                    None => at_field(&sources, origin, None, message),
                },
                None => Diagnostic::new(&origin.file, message),
            }
        };
        let single = |i: usize| {
            files
                .singles
                .get(i)
                .map(|(p, _)| p.clone())
                .unwrap_or_default()
        };

        check_stages(&stages, &single(0), &mut problems);
        check_unique(
            areas.iter().map(|a| a.id.as_str()),
            &single(1),
            "area",
            &mut problems,
        );
        check_unique(
            references.iter().map(|r| r.id.as_str()),
            &single(2),
            "reference value",
            &mut problems,
        );
        check_unique(
            derived.iter().map(|d| d.id.as_str()),
            &single(3),
            "derived value",
            &mut problems,
        );

        // Finding and strategy ids share one namespace.
        let mut seen: HashMap<&str, &Origin> = HashMap::new();
        let rules = findings
            .iter()
            .map(|f| (&f.id, &f.origin))
            .chain(strategies.iter().map(|s| (&s.id, &s.origin)));
        for (id, origin) in rules {
            if !is_snake_case(id) {
                problems.push(at(origin, format!("`{id}` is not a snake_case id")));
            }
            if let Some(first) = seen.insert(id, origin) {
                problems.push(at(
                    origin,
                    format!(
                        "duplicate id `{id}`: already used at {}:{}",
                        first.file.display(),
                        first.line
                    ),
                ));
            }
        }

        let area_ids: Vec<&str> = areas.iter().map(|a| a.id.as_str()).collect();
        let stage_ids: Vec<&str> = stages.iter().map(|s| s.id.as_str()).collect();
        let known_area =
            |area: &str, origin: &Origin, owner: &str, problems: &mut Vec<Diagnostic>| {
                if !area_ids.contains(&area) {
                    problems.push(
                        at(origin, format!("{owner}: unknown area `{area}`"))
                            .with_optional_hint(did_you_mean(area, area_ids.iter().copied())),
                    );
                }
            };
        for f in &findings {
            known_area(
                &f.area,
                &f.origin,
                &format!("finding `{}`", f.id),
                &mut problems,
            );
        }
        let strategy_index: HashMap<String, usize> = strategies
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let mut stage_of = Vec::with_capacity(strategies.len());
        let mut requires = Vec::with_capacity(strategies.len());
        for s in &strategies {
            let owner = format!("strategy `{}`", s.id);
            known_area(&s.area, &s.origin, &owner, &mut problems);
            match stage_ids.iter().position(|&id| id == s.stage) {
                Some(i) => stage_of.push(i),
                None => {
                    stage_of.push(0);
                    problems.push(
                        at_key(
                            &s.origin,
                            "stage",
                            format!("{owner}: unknown stage `{}`", s.stage),
                        )
                        .with_optional_hint(did_you_mean(&s.stage, stage_ids.iter().copied())),
                    );
                }
            }
            if !(1..=4).contains(&s.principle) {
                problems.push(at_key(
                    &s.origin,
                    "principle",
                    format!(
                        "{owner}: EL Roadmap principle {} is out of range 1..=4",
                        s.principle
                    ),
                ));
            }
            if !(1..=5).contains(&s.leverage) {
                problems.push(at(
                    &s.origin,
                    format!("{owner}: leverage {} is out of range 1..=5", s.leverage),
                ));
            }
            let mut prerequisites = Vec::new();
            for r in &s.requires {
                match strategy_index.get(r) {
                    Some(&i) => prerequisites.push(i),
                    None => problems.push(
                        at_text(
                            &s.origin,
                            &format!("\"{r}\""),
                            format!("{owner} requires `{r}`, which is not a strategy"),
                        )
                        .with_optional_hint(did_you_mean(
                            r,
                            strategy_index.keys().map(String::as_str),
                        )),
                    ),
                }
            }
            requires.push(prerequisites);
        }

        // Split every expression into leaves and compile the evidence templates.
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Evidence templates are templates: they may not loop for ever either.
        env.set_fuel(Some(crate::render::TEMPLATE_FUEL / 10));
        env.set_recursion_limit(crate::render::TEMPLATE_RECURSION);
        crate::helpers::register(&mut env);
        let mut leaf_sources = Vec::new();
        let mut split = |source: &str,
                         whole: bool,
                         origin: &Origin,
                         key: &str,
                         what: String,
                         problems: &mut Vec<Diagnostic>| {
            let result = if whole {
                Logic::whole(source, &mut leaf_sources)
            } else {
                Logic::split(source, &mut leaf_sources)
            };
            result.unwrap_or_else(|e| {
                problems.push(at_key(origin, key, format!("{what}: {}", describe(&e))));
                Logic::Leaf(usize::MAX)
            })
        };
        let derived_logic: Vec<Logic> = derived
            .iter()
            .map(|d| {
                split(
                    &d.value,
                    true,
                    &d.origin,
                    "value",
                    format!("derived value `{}`", d.id),
                    &mut problems,
                )
            })
            .collect();
        let finding_logic: Vec<Logic> = findings
            .iter()
            .map(|f| {
                split(
                    &f.when,
                    false,
                    &f.origin,
                    "when",
                    format!("finding `{}`, `when`", f.id),
                    &mut problems,
                )
            })
            .collect();
        let strategy_when: Vec<Logic> = strategies
            .iter()
            .map(|s| {
                split(
                    &s.when,
                    false,
                    &s.origin,
                    "when",
                    format!("strategy `{}`, `when`", s.id),
                    &mut problems,
                )
            })
            .collect();
        let strategy_in_place: Vec<Option<Logic>> = strategies
            .iter()
            .map(|s| {
                s.in_place_when.as_ref().map(|w| {
                    split(
                        w,
                        false,
                        &s.origin,
                        "in_place_when",
                        format!("strategy `{}`, `in_place_when`", s.id),
                        &mut problems,
                    )
                })
            })
            .collect();
        // Every strategy condition that is not a constant, as one list: when
        // none of them reads anything unknown, one evaluation decides them all.
        let mut batch_entries = Vec::new();
        let mut batch_parts = Vec::new();
        for (i, s) in strategies.iter().enumerate() {
            let conditions = [
                (false, Some(&strategy_when[i]), Some(&s.when)),
                (
                    true,
                    strategy_in_place[i].as_ref(),
                    s.in_place_when.as_ref(),
                ),
            ];
            for (in_place, logic, source) in conditions {
                let (Some(logic), Some(source)) = (logic, source) else {
                    continue;
                };
                let constant = matches!(
                    minijinja::machinery::parse_expr(source),
                    Ok(minijinja::machinery::ast::Expr::Const(_))
                );
                if !constant {
                    batch_entries.push(BatchEntry {
                        strategy: i,
                        in_place,
                        top: logic.top(),
                    });
                    batch_parts.push(format!("({})", source.trim()));
                }
            }
        }
        let strategy_batch = (!batch_entries.is_empty()).then(|| {
            leaf_sources.push(format!("[{}]", batch_parts.join(", ")));
            StrategyBatch {
                leaf: leaf_sources.len() - 1,
                entries: batch_entries,
            }
        });
        for f in &findings {
            if let Err(e) = env.add_template_owned(evidence_template(&f.id), f.evidence.clone()) {
                problems.push(at(
                    &f.origin,
                    format!("finding `{}`, `evidence`: {}", f.id, describe(&e)),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(Diagnostics(problems));
        }

        let mut evidence_names: Vec<HashSet<String>> = Vec::with_capacity(findings.len());
        for f in &findings {
            let names = env
                .get_template(&evidence_template(&f.id))
                .map(|t| t.undeclared_variables(true))
                .unwrap_or_default();
            evidence_names.push(names);
        }
        let mut leaf_names: Vec<HashSet<String>> = Vec::with_capacity(leaf_sources.len());
        let mut compile_error = None;
        let compiled = Compiled::new(env, |env| {
            let mut out = Vec::with_capacity(leaf_sources.len());
            for source in &leaf_sources {
                match env.compile_expression_owned(source.clone()) {
                    Ok(expr) => {
                        leaf_names.push(expr.undeclared_variables(true));
                        out.push(expr);
                    }
                    Err(e) => {
                        compile_error.get_or_insert((source.clone(), e));
                        break;
                    }
                }
            }
            out
        });
        if let Some((source, e)) = compile_error {
            return Err(Diagnostic::new(
                Path::new(&files.origin),
                format!("cannot compile `{source}`: {}", describe(&e)),
            )
            .into());
        }

        let derived_index: HashMap<String, usize> = derived
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        let finding_index: HashMap<String, usize> = findings
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.clone(), i))
            .collect();
        let reference_ids: HashSet<&str> = references.iter().map(|r| r.id.as_str()).collect();
        let resolver = Resolver {
            derived: &derived_index,
            findings: &finding_index,
            references: &reference_ids,
            paths: Default::default(),
        };
        let mut whole_leaves = vec![false; leaf_sources.len()];
        for logic in derived_logic
            .iter()
            .chain(&finding_logic)
            .chain(&strategy_when)
            .chain(strategy_in_place.iter().flatten())
        {
            if let Logic::Whole(w, _) = logic {
                whole_leaves[*w] = true;
            }
        }

        let mut leaves = Vec::with_capacity(leaf_sources.len());
        let mut leaf_owner = vec![None; leaf_sources.len()];
        let mark = |logic: &Logic, owner: Node, leaf_owner: &mut Vec<Option<Node>>| {
            let mut ids = Vec::new();
            logic.leaves(&mut ids);
            for i in ids {
                leaf_owner[i] = Some(owner);
            }
        };
        for (i, l) in derived_logic.iter().enumerate() {
            mark(l, Node::Derived(i), &mut leaf_owner);
        }
        for (i, l) in finding_logic.iter().enumerate() {
            mark(l, Node::Finding(i), &mut leaf_owner);
        }
        for (i, l) in strategy_when.iter().enumerate() {
            mark(l, Node::Strategy(i), &mut leaf_owner);
        }
        for (i, l) in strategy_in_place.iter().enumerate() {
            if let Some(l) = l {
                mark(l, Node::Strategy(i), &mut leaf_owner);
            }
        }
        let origin_of_node = |node: Node| -> (&Origin, String) {
            match node {
                Node::Derived(i) => (
                    &derived[i].origin,
                    format!("derived value `{}`", derived[i].id),
                ),
                Node::Finding(i) => (&findings[i].origin, format!("finding `{}`", findings[i].id)),
                Node::Strategy(i) => (
                    &strategies[i].origin,
                    format!("strategy `{}`", strategies[i].id),
                ),
            }
        };
        for (i, source) in leaf_sources.into_iter().enumerate() {
            let mut names: Vec<&String> = leaf_names[i].iter().collect();
            names.sort();
            let mut refs = Vec::new();
            for name in names {
                match resolver.resolve(name) {
                    Ok(Some(r)) => refs.push(r),
                    Ok(None) => {}
                    Err((message, hint)) => {
                        if let Some(owner) = leaf_owner[i] {
                            let (origin, what) = origin_of_node(owner);
                            problems.push(
                                at_text(origin, name, format!("{what}: {message}"))
                                    .with_optional_hint(hint),
                            );
                        }
                    }
                }
            }
            let constant = match minijinja::machinery::parse_expr(&source) {
                Ok(minijinja::machinery::ast::Expr::Const(c)) => Some(c.value.clone()),
                _ => None,
            };
            let strict = crate::condition::fails_on_undefined(&source);
            leaves.push(Leaf {
                source,
                refs,
                constant,
                whole: whole_leaves[i],
                strict,
            });
        }
        let mut evidence_refs: Vec<Vec<Ref>> = Vec::with_capacity(findings.len());
        for (i, names) in evidence_names.iter().enumerate() {
            let mut names: Vec<&String> = names.iter().collect();
            names.sort();
            let mut refs = Vec::new();
            for name in names {
                match resolver.resolve(name) {
                    Ok(Some(r)) => refs.push(r),
                    Ok(None) => {}
                    Err((message, hint)) => problems.push(
                        at(
                            &findings[i].origin,
                            format!("finding `{}`, `evidence`: {message}", findings[i].id),
                        )
                        .with_optional_hint(hint),
                    ),
                }
            }
            evidence_refs.push(refs);
        }
        if !problems.is_empty() {
            return Err(Diagnostics(problems));
        }

        // The dependency graph: nodes in a fixed order, edges to what a node reads or requires.
        let derived_count = derived.len();
        let finding_count = findings.len();
        let position = |node: Node| match node {
            Node::Derived(i) => i,
            Node::Finding(i) => derived_count + i,
            Node::Strategy(i) => derived_count + finding_count + i,
        };
        let nodes = (0..derived_count)
            .map(Node::Derived)
            .chain((0..finding_count).map(Node::Finding))
            .chain((0..strategies.len()).map(Node::Strategy));
        let mut graph = DependencyGraph::new(nodes);
        let mut addresses = vec![Vec::new(); strategies.len()];
        let add_reads = |graph: &mut DependencyGraph, from: Node, refs: &[Ref]| {
            for r in refs {
                let to = match *r {
                    Ref::Derived(j) => Node::Derived(j),
                    Ref::Finding(j) => Node::Finding(j),
                    Ref::State(_) | Ref::District(_) => continue,
                };
                graph.add_edge_at(position(from), position(to));
            }
        };
        let leaf_refs = |logic: &Logic| -> Vec<Ref> {
            let mut ids = Vec::new();
            logic.leaves(&mut ids);
            ids.iter()
                .flat_map(|&i| leaves[i].refs.iter().cloned())
                .collect()
        };
        for (i, l) in derived_logic.iter().enumerate() {
            add_reads(&mut graph, Node::Derived(i), &leaf_refs(l));
        }
        for (i, l) in finding_logic.iter().enumerate() {
            add_reads(&mut graph, Node::Finding(i), &leaf_refs(l));
            add_reads(&mut graph, Node::Finding(i), &evidence_refs[i]);
        }
        for i in 0..strategies.len() {
            let when = leaf_refs(&strategy_when[i]);
            for r in &when {
                if let Ref::Finding(j) = r {
                    if !addresses[i].contains(j) {
                        addresses[i].push(*j);
                    }
                }
            }
            add_reads(&mut graph, Node::Strategy(i), &when);
            if let Some(l) = &strategy_in_place[i] {
                add_reads(&mut graph, Node::Strategy(i), &leaf_refs(l));
            }
            for &p in &requires[i] {
                graph.add_edge_at(position(Node::Strategy(i)), position(Node::Strategy(p)));
            }
        }
        for a in &mut addresses {
            a.sort_unstable();
        }
        let order = match graph.order() {
            Ok(order) => order,
            Err(cycles) => {
                let label = |node: Node| match node {
                    Node::Derived(i) => format!("derived.{}", derived[i].id),
                    Node::Finding(i) => format!("findings.{}", findings[i].id),
                    Node::Strategy(i) => strategies[i].id.clone(),
                };
                for cycle in cycles {
                    let circle: Vec<String> = cycle.iter().map(|&n| label(n)).collect();
                    let (origin, what) = origin_of_node(cycle[0]);
                    problems.push(
                        at(
                            origin,
                            format!("{what} depends on itself: {}", circle.join(" -> ")),
                        )
                        .with_hint(
                            "break the circle: one of these must not read or require the next",
                        ),
                    );
                }
                return Err(Diagnostics(problems));
            }
        };

        let paths = resolver.paths.into_inner().1;
        let state: BTreeMap<&str, f64> = references
            .iter()
            .map(|r| (r.id.as_str(), r.value))
            .collect();
        let state = Value::from(minijinja::value::Serde(&state));
        let template_values = Value::from(minijinja::value::Serde(TemplateValues {
            state: references.iter().map(|r| (r.id.as_str(), r)).collect(),
            areas: areas.iter().map(|a| (a.id.as_str(), a)).collect(),
            area_ids: areas.iter().map(|a| a.id.as_str()).collect(),
            titles: findings
                .iter()
                .map(|f| (f.id.as_str(), f.title.as_str()))
                .chain(strategies.iter().map(|s| (s.id.as_str(), s.title.as_str())))
                .collect(),
        }));
        Ok(RuleBase {
            origin: files.origin,
            stages,
            areas,
            references,
            state,
            paths,
            strategy_batch,
            strategy_texts: strategies.iter().map(StrategyTexts::new).collect(),
            template_values,
            derived,
            findings,
            strategies,
            compiled,
            leaves,
            derived_logic,
            finding_logic,
            strategy_when,
            strategy_in_place,
            order,
            derived_index: Arc::new(derived_index),
            finding_index: Arc::new(finding_index),
            strategy_index,
            stage_of,
            requires,
            addresses,
        })
    }

    pub(crate) fn env(&self) -> &Environment<'static> {
        self.compiled.borrow_owner()
    }

    pub(crate) fn expression(&self, leaf: usize) -> &Expression<'_, 'static> {
        &self.compiled.borrow_dependent()[leaf]
    }

    pub fn strategy(&self, id: &str) -> Option<&Strategy> {
        self.strategy_index.get(id).map(|&i| &self.strategies[i])
    }

    pub fn finding(&self, id: &str) -> Option<&Finding> {
        self.finding_index.get(id).map(|&i| &self.findings[i])
    }
}

#[derive(serde::Serialize)]
struct TemplateValues<'a> {
    state: BTreeMap<&'a str, &'a Reference>,
    areas: BTreeMap<&'a str, &'a Area>,
    /// Area ids in the order of `areas.ron`.
    area_ids: Vec<&'a str>,
    titles: BTreeMap<&'a str, &'a str>,
}

/// A diagnostic at a rule's line, or at the line of one of its keys.
fn at_field(
    sources: &HashMap<&Path, &str>,
    origin: &Origin,
    key: Option<&str>,
    message: String,
) -> Diagnostic {
    let d = Diagnostic::new(&origin.file, message);
    let Some(source) = sources.get(origin.file.as_path()) else {
        return d;
    };
    if origin.line == 0 {
        return d;
    }
    let rule_start: usize = source
        .split_inclusive('\n')
        .take(origin.line - 1)
        .map(str::len)
        .sum();
    match key.and_then(|k| crate::source::find_key(source, rule_start, k)) {
        Some(offset) => d.at_offset(source, offset),
        None => d.at(source, origin.line, 1),
    }
}

/// minijinja's message without its own (template-relative) location.
fn describe(error: &minijinja::Error) -> String {
    match error.detail() {
        Some(detail) => format!("{} ({detail})", error.kind()),
        None => error.kind().to_string(),
    }
}

struct Resolver<'a> {
    derived: &'a HashMap<String, usize>,
    findings: &'a HashMap<String, usize>,
    references: &'a HashSet<&'a str>,
    /// District paths seen so far: index by path, and paths by index.
    paths: std::cell::RefCell<(HashMap<String, usize>, Vec<String>)>,
}

impl Resolver<'_> {
    fn district(&self, path: String) -> Ref {
        let mut paths = self.paths.borrow_mut();
        let (index, list) = &mut *paths;
        let next = list.len();
        let i = *index.entry(path.clone()).or_insert(next);
        if i == next {
            list.push(path);
        }
        Ref::District(i)
    }

    /// What a dotted name refers to; `Err` with a message and hint if nothing.
    fn resolve(&self, name: &str) -> Result<Option<Ref>, (String, Option<String>)> {
        let mut parts = name.split('.');
        let root = parts.next().unwrap_or_default();
        let field = parts.next();
        let lookup = |table: &HashMap<String, usize>, kind: &str| match field {
            None => Ok(None),
            Some(id) => table.get(id).map(|&i| Some(i)).ok_or_else(|| {
                (
                    format!("`{root}.{id}` names no {kind}"),
                    did_you_mean(id, table.keys().map(String::as_str)),
                )
            }),
        };
        match root {
            "derived" => Ok(lookup(self.derived, "derived value")?.map(Ref::Derived)),
            "findings" => Ok(lookup(self.findings, "finding")?.map(Ref::Finding)),
            "state" => match field {
                Some(id) if !self.references.contains(id) => Err((
                    format!("`state.{id}` names no reference value"),
                    did_you_mean(id, self.references.iter().copied()),
                )),
                _ => Ok(Some(Ref::State(field.unwrap_or_default().to_string()))),
            },
            _ if crate::helpers::FUNCTIONS.contains(&root) => Ok(None),
            _ => {
                if !district::field_names("").contains(&root) {
                    return Err((
                        format!(
                            "`{root}` is not a district field, `derived`, `state` or `findings`"
                        ),
                        did_you_mean(root, district::field_names("").iter().copied()),
                    ));
                }
                let nested = district::field_names(root);
                match field {
                    Some(f) if !nested.is_empty() && !nested.contains(&f) && root != "history" => {
                        Err((
                            format!("`{root}.{f}` is not a district field"),
                            did_you_mean(f, nested.iter().copied()),
                        ))
                    }
                    Some(f) if root != "history" => Ok(Some(self.district(format!("{root}.{f}")))),
                    _ => Ok(Some(self.district(root.to_string()))),
                }
            }
        }
    }
}

fn parse_list<T: DeserializeOwned>(
    file: Option<(&Path, &str)>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<T> {
    let Some((path, source)) = file else {
        return Vec::new();
    };
    crate::source::parse_ron(path, source).unwrap_or_else(|d| {
        problems.push(d);
        Vec::new()
    })
}

/// Finds where each rule of a file is written: the line of its `id`, in
/// file order, so two rules with the same id get their own lines.
struct Origins<'a> {
    path: &'a Path,
    source: &'a str,
    /// Where the search goes on, and the line of that offset (1-based):
    /// lines are counted once, not from the start for every rule.
    from: usize,
    line_at_from: usize,
}

impl<'a> Origins<'a> {
    fn new(path: &'a Path, source: &'a str) -> Self {
        Origins {
            path,
            source,
            from: 0,
            line_at_from: 1,
        }
    }

    fn next(&mut self, id: &str) -> Origin {
        let quoted = format!("\"{id}\"");
        let mut line = 0;
        let mut offset = self.from;
        while let Some(key) = crate::source::find_key(self.source, offset, "id") {
            let value = self.source[key..]
                .split_once(':')
                .map_or("", |(_, v)| v.trim_start());
            if value.starts_with(&quoted) {
                line = self.line_at_from + self.source[self.from..key].matches('\n').count();
                // Past this key, which holds no newline: `line` stays right.
                self.line_at_from = line;
                self.from = key + 2;
                break;
            }
            offset = key + 2;
        }
        Origin {
            file: PathBuf::from(self.path),
            line,
        }
    }
}

fn is_snake_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn check_unique<'a>(
    ids: impl Iterator<Item = &'a str>,
    file: &Path,
    kind: &str,
    problems: &mut Vec<Diagnostic>,
) {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            problems.push(Diagnostic::new(file, format!("duplicate {kind} id `{id}`")));
        }
    }
}

fn check_stages(stages: &[Stage], file: &Path, problems: &mut Vec<Diagnostic>) {
    if stages.is_empty() {
        problems.push(Diagnostic::new(
            file,
            "a rule base needs at least one stage",
        ));
        return;
    }
    check_unique(
        stages.iter().map(|s| s.id.as_str()),
        file,
        "stage",
        problems,
    );
    for s in stages {
        if !(s.share > 0.0 && s.share <= 1.0) {
            problems.push(Diagnostic::new(
                file,
                format!("stage `{}`: share {} is out of range (0, 1]", s.id, s.share),
            ));
        }
    }
    let total: f64 = stages.iter().map(|s| s.share).sum();
    if (total - 1.0).abs() > 1e-6 {
        problems.push(Diagnostic::new(
            file,
            format!("stage shares add up to {total}, not 1"),
        ));
    }
}
