//! The third room of the rule-base compiler: every name an expression
//! reads resolved, and the dependency graph built from them.
//!
//! A name is a derived value, a finding, a state reference, a helper, or a
//! district field path; anything else is an error with the nearest valid
//! name. The names a rule reads and the strategies it requires are the
//! edges of the [`DependencyGraph`], which gives the evaluation order or
//! every cycle as its whole circle. This is the one place that works out
//! what a rule reads ([`reads`]).

use std::cell::RefCell;
use std::sync::Arc;

use minijinja::Value;

use crate::condition::{self, Arith, CompareOp, Logic, Operand};
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::district;
use crate::graph::{DependencyGraph, Node};
use crate::hash::{HashMap, HashSet};
use crate::helpers::NativeHelper;
use crate::rulebase::compile::Split;
use crate::rulebase::rules::Origin;
use crate::rulebase::validate::{Locator, Validated};

/// What a name in an expression refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ref {
    Derived(usize),
    Finding(usize),
    /// A state reference value, by id.
    State(String),
    /// A dotted path into the district (`students.el_share`), by its index
    /// in [`Resolved::paths`].
    District(usize),
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
    /// (`crate::condition::fails_on_undefined`).
    pub strict: bool,
    /// The leaf is nothing but the name of what it reads
    /// (`findings.high_poverty`, `family.elac_active`): its value is that
    /// value, looked up without evaluating the expression.
    pub plain: bool,
    /// The leaf is one comparison of names and constants
    /// ([`crate::condition::comparison`]), each name read as a plain leaf
    /// reads it: decided without evaluating the expression when both
    /// values are known.
    pub native: Option<Native>,
    /// A whole condition whose parts are all [`Leaf::cheap`]: the engine
    /// evaluates the parts rather than trying the whole first.
    pub cheap_parts: bool,
}

impl Leaf {
    /// Whether the engine can decide this leaf without minijinja when what
    /// it reads is known: a constant, a plain name or a native comparison.
    pub fn cheap(&self) -> bool {
        self.constant.is_some() || self.plain || self.native.is_some()
    }
}

/// A leaf the engine works out itself ([`crate::condition::Native`],
/// resolved).
#[derive(Debug, Clone)]
pub(crate) enum Native {
    Compare(Side, CompareOp, Side),
    Call(Side),
}

/// One operand of a [`Native`] leaf ([`crate::condition::Operand`],
/// resolved).
#[derive(Debug, Clone)]
pub(crate) enum Side {
    /// A name read as a plain leaf reads it.
    Ref(Ref),
    Const(Value),
    Call(Helper, Vec<Side>),
    Arith(Arith, Box<[Side; 2]>),
    /// Whether the district path is in the file (`false`), or is not
    /// (`true`).
    Defined(usize, bool),
    /// Test, then, else.
    If(Box<[Side; 3]>),
    And(Box<[Side; 2]>),
    Or(Box<[Side; 2]>),
    Not(Box<Side>),
    Compare(Box<[Side; 2]>, CompareOp),
    /// `a[b]`.
    Item(Box<[Side; 2]>),
}

/// A native helper ([`crate::helpers::native`]) in a [`Side`].
#[derive(Clone)]
pub(crate) struct Helper(pub NativeHelper);

impl std::fmt::Debug for Helper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Helper")
    }
}

/// The names resolved and the graph built.
pub(crate) struct Resolved {
    pub leaves: Vec<Leaf>,
    /// Every district path an expression reads, once each.
    pub paths: Vec<String>,
    pub graph: DependencyGraph,
    /// Derived values, findings and strategies, dependencies first.
    pub order: Vec<Node>,
    /// Findings each strategy's `when` reads, sorted: what it answers.
    pub addresses: Vec<Vec<usize>>,
    /// The team's goals (district paths under `goals.`) each strategy's
    /// `when` reads, directly (`None`) or through a finding it reads.
    pub goal_reads: Vec<Vec<(Option<usize>, usize)>>,
    /// Each chapter fact's district field, by index in `paths`: the engine
    /// looks it up with the fields the rules read.
    pub fact_paths: Vec<Vec<usize>>,
}

/// What the leaves of `logic` read, each once, in the order first read.
pub(crate) fn reads(leaves: &[Leaf], logic: &Logic) -> Vec<Ref> {
    let mut ids = Vec::new();
    logic.leaves(&mut ids);
    let mut out: Vec<Ref> = Vec::new();
    for leaf in ids {
        for r in &leaves[leaf].refs {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
    }
    out
}

/// A rule's place in the graph's node list: derived values, then findings,
/// then strategies.
pub(crate) fn position(rules: &Validated, node: Node) -> usize {
    match node {
        Node::Derived(i) => i,
        Node::Finding(i) => rules.derived.len() + i,
        Node::Strategy(i) => rules.derived.len() + rules.findings.len() + i,
        Node::Requirement(i) => {
            rules.derived.len() + rules.findings.len() + rules.strategies.len() + i
        }
    }
}

/// Resolves every leaf's and evidence template's names, then orders the rules.
pub(crate) fn resolve(
    rules: &Validated,
    split: &Split,
    locate: &Locator<'_>,
) -> Result<Resolved, Diagnostics> {
    let mut problems = Vec::new();
    let derived_index = index(rules.derived.iter().map(|d| &d.id));
    let finding_index = index(rules.findings.iter().map(|f| &f.id));
    let reference_ids: HashSet<&str> = rules.references.iter().map(|r| r.id.as_str()).collect();
    let resolver = Resolver {
        derived: &derived_index,
        findings: &finding_index,
        references: &reference_ids,
        paths: RefCell::default(),
        known: RefCell::default(),
        series: Arc::new(crate::rulebase::compile::series(rules)),
    };
    let leaves = resolve_leaves(rules, split, &resolver, locate, &mut problems);
    let mut evidence_reads = Vec::with_capacity(rules.findings.len());
    for (f, names) in rules.findings.iter().zip(&split.evidence_names) {
        evidence_reads.push(resolver.resolve_all(names, |_, message, hint| {
            let what = format!("finding `{}`, `evidence`: {message}", f.id);
            problems.push(locate.at(&f.origin, what).with_optional_hint(hint));
        }));
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let (graph, addresses) = build_graph(rules, split, &leaves, &evidence_reads);
    let order = graph
        .order()
        .map_err(|cycles| cycle_problems(rules, locate, cycles))?;
    let fact_paths = rules
        .chapters
        .iter()
        .map(|c| {
            c.facts
                .iter()
                .map(|f| resolver.path_index(&f.field))
                .collect()
        })
        .collect();
    let paths = resolver.paths.into_inner().1;
    let goal_reads = goal_reads(split, &leaves, &paths);
    Ok(Resolved {
        leaves,
        paths,
        graph,
        order,
        addresses,
        goal_reads,
        fact_paths,
    })
}

/// The goals each strategy's `when` reads: the district's `goals` section
/// is the team's own statement of what it wants (DESIGN.md).
fn goal_reads(
    split: &Split,
    leaves: &[Leaf],
    paths: &[String],
) -> Vec<Vec<(Option<usize>, usize)>> {
    let goals = |refs: &[Ref]| -> Vec<usize> {
        refs.iter()
            .filter_map(|r| match r {
                Ref::District(p) if paths[*p].starts_with("goals.") => Some(*p),
                _ => None,
            })
            .collect()
    };
    split
        .conditions
        .when
        .iter()
        .map(|when| {
            let refs = reads(leaves, when);
            let mut out: Vec<(Option<usize>, usize)> =
                goals(&refs).into_iter().map(|p| (None, p)).collect();
            for r in &refs {
                if let Ref::Finding(j) = r {
                    let through = goals(&reads(leaves, &split.conditions.findings[*j]));
                    out.extend(through.into_iter().map(|p| (Some(*j), p)));
                }
            }
            out
        })
        .collect()
}

/// Each leaf with what its names refer to; unknown names are problems,
/// placed on the name in the rule that owns the leaf.
fn resolve_leaves(
    rules: &Validated,
    split: &Split,
    resolver: &Resolver<'_>,
    locate: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Leaf> {
    let count = split.conditions.leaves.sources.len();
    let mut whole = vec![false; count];
    let mut owner = vec![None; count];
    let conditions = split
        .conditions
        .derived
        .iter()
        .enumerate()
        .map(|(i, l)| (Node::Derived(i), l))
        .chain(
            split
                .conditions
                .findings
                .iter()
                .enumerate()
                .map(|(i, l)| (Node::Finding(i), l)),
        )
        .chain(
            split
                .conditions
                .when
                .iter()
                .enumerate()
                .map(|(i, l)| (Node::Strategy(i), l)),
        )
        .chain(
            split
                .conditions
                .in_place
                .iter()
                .enumerate()
                .filter_map(|(i, l)| l.as_ref().map(|l| (Node::Strategy(i), l))),
        )
        .chain(
            split
                .conditions
                .requirements
                .iter()
                .enumerate()
                .map(|(i, l)| (Node::Requirement(i), l)),
        );
    let mut wholes = Vec::new();
    for (node, logic) in conditions {
        let mut ids = Vec::new();
        logic.leaves(&mut ids);
        if let Logic::Whole(w, _) = logic {
            whole[*w] = true;
            wholes.push((*w, ids.clone()));
        }
        for i in ids {
            owner[i] = Some(node);
        }
    }
    let mut leaves = Vec::with_capacity(count);
    for (i, source) in split.conditions.leaves.sources.iter().enumerate() {
        let refs = resolver.resolve_all(
            &split.conditions.leaves.forms[i].names,
            |name, message, hint| {
                if let Some(node) = owner[i] {
                    let (origin, what) = describe_node(rules, node);
                    let message = format!("{what}: {message}");
                    problems.push(
                        locate
                            .at_text(origin, name, message)
                            .with_optional_hint(hint),
                    );
                }
            },
        );
        let plain = is_plain(source, &refs, resolver);
        let form = &split.conditions.leaves.forms[i];
        let (constant, strict) = (form.constant.clone(), form.strict);
        let native = form.native.clone();
        leaves.push(Leaf {
            source: source.clone(),
            refs,
            constant,
            whole: whole[i],
            strict,
            plain,
            native: native.and_then(|form| native_leaf(form, resolver)),
            cheap_parts: false,
        });
    }
    for (w, parts) in wholes {
        leaves[w].cheap_parts = parts.iter().all(|&p| leaves[p].cheap());
    }
    leaves
}

/// Whether `source` is exactly the one name it reads: a derived value,
/// finding or reference by id, or a district path.
fn is_plain(source: &str, refs: &[Ref], resolver: &Resolver<'_>) -> bool {
    let [r] = refs else {
        return false;
    };
    // Names joined by dots, each a letter or `_` then letters, digits or
    // `_`: one pass over the bytes.
    let mut parts = 1;
    let mut at_start = true;
    for &c in source.as_bytes() {
        let fits = if c == b'.' {
            parts += 1;
            !std::mem::replace(&mut at_start, true)
        } else if std::mem::replace(&mut at_start, false) {
            c.is_ascii_alphabetic() || c == b'_'
        } else {
            c.is_ascii_alphanumeric() || c == b'_'
        };
        if !fits {
            return false;
        }
    }
    if at_start {
        return false;
    }
    match r {
        Ref::Derived(_) | Ref::Finding(_) | Ref::State(_) => parts == 2,
        Ref::District(p) => resolver.paths.borrow().1[*p] == source,
    }
}

/// `source` as a leaf the engine works out itself, when each operand is a
/// constant, a name that is plain on its own, or a call of a native
/// helper.
fn native_leaf(form: condition::Native, resolver: &Resolver<'_>) -> Option<Native> {
    let side = |operand| side(operand, resolver);
    Some(match form {
        condition::Native::Compare(left, op, right) => {
            Native::Compare(side(left)?, op, side(right)?)
        }
        condition::Native::Call(call) => Native::Call(side(call)?),
    })
}

/// One operand of a native leaf, resolved.
fn side(operand: Operand, resolver: &Resolver<'_>) -> Option<Side> {
    match operand {
        Operand::Const(value) => Some(Side::Const(value)),
        Operand::Name(name) => {
            let r = resolver.resolve(&name).ok()??;
            is_plain(&name, std::slice::from_ref(&r), resolver).then_some(Side::Ref(r))
        }
        Operand::Call(function, args) => {
            let helper = crate::helpers::native(&function, &resolver.series)?;
            let args = args.into_iter().map(|a| side(a, resolver));
            Some(Side::Call(Helper(helper), args.collect::<Option<_>>()?))
        }
        Operand::Filter(filter, value) => {
            let helper = crate::helpers::native_filter(&filter)?;
            Some(Side::Call(Helper(helper), vec![side(*value, resolver)?]))
        }
        Operand::Arith(op, a, b) => Some(Side::Arith(op, pair(*a, *b, resolver)?)),
        Operand::Defined(name, negated) => match resolver.resolve(&name).ok()?? {
            r @ Ref::District(path) => {
                is_plain(&name, &[r], resolver).then_some(Side::Defined(path, negated))
            }
            _ => None,
        },
        Operand::If(parts) => {
            let [test, then, otherwise] = *parts;
            Some(Side::If(Box::new([
                side(test, resolver)?,
                side(then, resolver)?,
                side(otherwise, resolver)?,
            ])))
        }
        Operand::And(parts) => {
            let [a, b] = *parts;
            Some(Side::And(pair(a, b, resolver)?))
        }
        Operand::Or(parts) => {
            let [a, b] = *parts;
            Some(Side::Or(pair(a, b, resolver)?))
        }
        Operand::Not(a) => Some(Side::Not(Box::new(side(*a, resolver)?))),
        Operand::Compare(parts) => {
            let (a, op, b) = *parts;
            Some(Side::Compare(pair(a, b, resolver)?, op))
        }
        Operand::Item(parts) => {
            let [a, b] = *parts;
            Some(Side::Item(pair(a, b, resolver)?))
        }
    }
}

fn pair(a: Operand, b: Operand, resolver: &Resolver<'_>) -> Option<Box<[Side; 2]>> {
    Some(Box::new([side(a, resolver)?, side(b, resolver)?]))
}

/// The graph, nodes in a fixed order, edges to what a node reads or
/// requires; and what each strategy addresses.
fn build_graph(
    rules: &Validated,
    split: &Split,
    leaves: &[Leaf],
    evidence_reads: &[Vec<Ref>],
) -> (DependencyGraph, Vec<Vec<usize>>) {
    let nodes = (0..rules.derived.len())
        .map(Node::Derived)
        .chain((0..rules.findings.len()).map(Node::Finding))
        .chain((0..rules.strategies.len()).map(Node::Strategy))
        .chain((0..rules.requirements.len()).map(Node::Requirement));
    let mut graph = DependencyGraph::new(nodes);
    let add_reads = |graph: &mut DependencyGraph, from: Node, refs: &[Ref]| {
        for r in refs {
            let to = match *r {
                Ref::Derived(j) => Node::Derived(j),
                Ref::Finding(j) => Node::Finding(j),
                Ref::State(_) | Ref::District(_) => continue,
            };
            graph.add_edge_at(position(rules, from), position(rules, to));
        }
    };
    for (i, l) in split.conditions.derived.iter().enumerate() {
        add_reads(&mut graph, Node::Derived(i), &reads(leaves, l));
    }
    for (i, l) in split.conditions.findings.iter().enumerate() {
        add_reads(&mut graph, Node::Finding(i), &reads(leaves, l));
        add_reads(&mut graph, Node::Finding(i), &evidence_reads[i]);
    }
    let mut addresses = Vec::with_capacity(rules.strategies.len());
    for i in 0..rules.strategies.len() {
        let when = reads(leaves, &split.conditions.when[i]);
        let mut answers: Vec<usize> = when
            .iter()
            .filter_map(|r| match r {
                Ref::Finding(j) => Some(*j),
                _ => None,
            })
            .collect();
        answers.sort_unstable();
        addresses.push(answers);
        add_reads(&mut graph, Node::Strategy(i), &when);
        if let Some(l) = &split.conditions.in_place[i] {
            add_reads(&mut graph, Node::Strategy(i), &reads(leaves, l));
        }
        for &p in &rules.requires[i] {
            graph.add_edge_at(
                position(rules, Node::Strategy(i)),
                position(rules, Node::Strategy(p)),
            );
        }
    }
    for (i, l) in split.conditions.requirements.iter().enumerate() {
        add_reads(&mut graph, Node::Requirement(i), &reads(leaves, l));
    }
    (graph, addresses)
}

/// Each cycle as its whole circle, at its first rule.
fn cycle_problems(rules: &Validated, locate: &Locator<'_>, cycles: Vec<Vec<Node>>) -> Diagnostics {
    let label = |node: Node| match node {
        Node::Derived(i) => format!("derived.{}", rules.derived[i].id),
        Node::Finding(i) => format!("findings.{}", rules.findings[i].id),
        Node::Strategy(i) => rules.strategies[i].id.clone(),
        Node::Requirement(i) => format!("requirement {}", rules.requirements[i].id),
    };
    let problems = cycles
        .into_iter()
        .map(|cycle| {
            let circle: Vec<String> = cycle.iter().map(|&n| label(n)).collect();
            let (origin, what) = describe_node(rules, cycle[0]);
            locate
                .at(
                    origin,
                    format!("{what} depends on itself: {}", circle.join(" -> ")),
                )
                .with_hint("break the circle: one of these must not read or require the next")
        })
        .collect();
    Diagnostics(problems)
}

/// Where a rule is written, and how a message names it.
fn describe_node(rules: &Validated, node: Node) -> (&Origin, String) {
    match node {
        Node::Derived(i) => {
            let d = &rules.derived[i];
            (&d.origin, format!("derived value `{}`", d.id))
        }
        Node::Finding(i) => {
            let f = &rules.findings[i];
            (&f.origin, format!("finding `{}`", f.id))
        }
        Node::Strategy(i) => {
            let s = &rules.strategies[i];
            (&s.origin, format!("strategy `{}`", s.id))
        }
        Node::Requirement(i) => {
            let r = &rules.requirements[i];
            (&r.origin, format!("requirement `{}`", r.id))
        }
    }
}

struct Resolver<'a> {
    derived: &'a HashMap<String, usize>,
    findings: &'a HashMap<String, usize>,
    references: &'a HashSet<&'a str>,
    /// District paths seen so far: index by path, and paths by index.
    paths: RefCell<(HashMap<String, usize>, Vec<String>)>,
    /// The names resolved so far: a rule base names the same values in
    /// many leaves, and again in their native forms.
    known: RefCell<HashMap<String, Option<Ref>>>,
    /// The state references as series, for native `state_in` calls.
    series: Arc<crate::helpers::Series>,
}

/// Each id and its index, in order.
pub(crate) fn index<'a>(ids: impl Iterator<Item = &'a String>) -> HashMap<String, usize> {
    ids.enumerate().map(|(i, id)| (id.clone(), i)).collect()
}

impl Resolver<'_> {
    /// What each of `names` refers to, in name order; a name that refers
    /// to nothing goes to `problem` with its message and hint.
    fn resolve_all(
        &self,
        names: &HashSet<String>,
        mut problem: impl FnMut(&str, String, Option<String>),
    ) -> Vec<Ref> {
        let mut names: Vec<&String> = names.iter().collect();
        names.sort();
        let mut refs = Vec::new();
        for name in names {
            match self.resolve(name) {
                Ok(Some(r)) => refs.push(r),
                Ok(None) => {}
                Err((message, hint)) => problem(name, message, hint),
            }
        }
        refs
    }

    fn district(&self, path: String) -> Ref {
        Ref::District(self.path_index(&path))
    }

    /// The index of a district path, added when first seen.
    fn path_index(&self, path: &str) -> usize {
        let mut paths = self.paths.borrow_mut();
        let (index, list) = &mut *paths;
        let next = list.len();
        let i = *index.entry(path.to_string()).or_insert(next);
        if i == next {
            list.push(path.to_string());
        }
        i
    }

    /// What a dotted name refers to; `Err` with a message and hint if nothing.
    fn resolve(&self, name: &str) -> Result<Option<Ref>, (String, Option<String>)> {
        if let Some(known) = self.known.borrow().get(name) {
            return Ok(known.clone());
        }
        let resolved = self.resolve_new(name)?;
        self.known
            .borrow_mut()
            .insert(name.to_string(), resolved.clone());
        Ok(resolved)
    }

    fn resolve_new(&self, name: &str) -> Result<Option<Ref>, (String, Option<String>)> {
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
            _ => self.district_field(root, field),
        }
    }

    fn district_field(
        &self,
        root: &str,
        field: Option<&str>,
    ) -> Result<Option<Ref>, (String, Option<String>)> {
        if !district::field_names("").contains(&root) {
            return Err((
                format!("`{root}` is not a district field, `derived`, `state` or `findings`"),
                did_you_mean(root, district::field_names("").iter().copied()),
            ));
        }
        let nested = district::field_names(root);
        match field {
            Some(f) if !nested.is_empty() && !nested.contains(&f) && root != "history" => Err((
                format!("`{root}.{f}` is not a district field"),
                did_you_mean(f, nested.iter().copied()),
            )),
            Some(f) if root != "history" => Ok(Some(self.district(format!("{root}.{f}")))),
            _ => Ok(Some(self.district(root.to_string()))),
        }
    }
}
