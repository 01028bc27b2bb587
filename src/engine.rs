//! The engine: one district and one rule base in, an [`Evaluation`] out.
//!
//! It builds the context once and evaluates derived values, findings and
//! strategy conditions in dependency order with three-valued logic. What
//! the evaluation means for the plan (choice, scheduling) is
//! [`crate::assemble`]'s job. An evaluation error that is not "missing
//! data" is a bug in the rule base and is reported with the rule, its file
//! and the district.

use std::path::Path;

use minijinja::value::Serde;
use minijinja::{ErrorKind, Value};

use crate::condition::{Logic, Missing, Truth};
use crate::context::{Scope, Slots};
use crate::diagnostic::Diagnostic;
use crate::district::District;
use crate::graph::Node;
use crate::rulebase::resolve::{Native as NativeLeaf, Ref, Side};
use crate::rulebase::rules::Origin;
use crate::rulebase::RuleBase;

/// A finding's result for one district.
#[derive(Debug, Clone, PartialEq)]
pub enum FindingOutcome {
    /// Fired, with its rendered evidence sentence.
    Fired(String),
    NotFired,
    Unknown(Missing),
}

/// What the rules decided about a strategy's conditions.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyOutcome {
    pub when: Truth,
    /// `None` when the strategy has no `in_place_when`.
    pub in_place: Option<Truth>,
}

/// Every rule's result for one district, before scheduling.
#[derive(Debug, PartialEq)]
pub struct Evaluation {
    /// Each derived value, or what would settle it.
    pub derived: Vec<Result<Value, Missing>>,
    pub findings: Vec<FindingOutcome>,
    pub strategies: Vec<StrategyOutcome>,
    /// Whether each requirement of the checklist is met.
    pub requirements: Vec<Truth>,
    /// The district as the rules read it, for the templates that read it
    /// too (the aim): built once per district.
    pub district: Value,
    /// The whole context the rules read (district fields, `derived`,
    /// `findings`, `state`), settled: what the master plan's chapters are
    /// rendered with, as evidence is.
    pub scope: Value,
    /// The value at each district path the rule base reads or its
    /// chapters say (`None` where the file leaves it out).
    pub fields: Vec<Option<Value>>,
}

/// Evaluates every rule against `district`; `file` names it in errors.
pub fn evaluate(
    rules: &RuleBase,
    district: &District,
    file: &Path,
) -> Result<Evaluation, Diagnostic> {
    evaluate_with(rules, district, file, Shortcuts::On)
}

/// Whether to take the evaluation shortcuts: a condition tried whole before
/// its parts, strict leaves that read unknowns left unevaluated, strategy
/// conditions evaluated as one list. They change the cost, never the
/// result; a test compares both ways on every fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shortcuts {
    On,
    #[cfg(test)]
    Off,
}

/// The district as a template value, and the value at each district path
/// the rule base reads (`None` where it is absent).
fn district_value(rules: &RuleBase, district: &District) -> (Value, Vec<Option<Value>>) {
    let value = Value::from(Serde(district));
    let defined = |v: Value| (!v.is_undefined() && !v.is_none()).then_some(v);
    let (roots, steps) = &rules.path_steps;
    let roots: Vec<Option<Value>> = roots
        .iter()
        .map(|root| value.get_attr(root).ok().and_then(defined))
        .collect();
    let fields = steps
        .iter()
        .map(|(root, field)| {
            let root = roots[*root].as_ref()?;
            match field {
                Some(field) => root.get_attr(field).ok().and_then(defined),
                None => Some(root.clone()),
            }
        })
        .collect();
    (value, fields)
}

fn evaluate_with(
    rules: &RuleBase,
    district: &District,
    file: &Path,
    shortcuts: Shortcuts,
) -> Result<Evaluation, Diagnostic> {
    let (district_value, fields) = district_value(rules, district);
    let derived_slots = Slots::new(rules.derived_index.clone());
    let finding_slots = Slots::new(rules.finding_index.clone());
    let scope = Scope::root(
        district_value.clone(),
        rules.state.clone(),
        &derived_slots,
        &finding_slots,
    );

    let mut derived: Vec<Result<Value, Missing>> = vec![Err(Missing::new()); rules.derived.len()];
    let mut findings = vec![FindingOutcome::NotFired; rules.findings.len()];
    for &node in &rules.order {
        let evaluator = LeafEvaluator {
            rules,
            scope: &scope,
            fields: &fields,
            derived: &derived,
            findings: &findings,
            shortcuts,
        };
        let fail = |origin: &Origin, what: String, leaf: usize, error: minijinja::Error| {
            rule_error(origin, &what, &rules.leaves[leaf].source, &error, file)
        };
        match node {
            Node::Derived(i) => {
                let rule = &rules.derived[i].rule;
                let Logic::Leaf(leaf) = rules.derived[i].logic else {
                    continue;
                };
                let value = match evaluator.value(leaf) {
                    Ok(Ok(v)) => Ok(v),
                    Ok(Err(missing)) => Err(missing),
                    Err(e) => {
                        return Err(fail(
                            &rule.origin,
                            format!("derived value `{}`", rule.id),
                            leaf,
                            e,
                        ))
                    }
                };
                let value = value.map_err(|missing| settle(missing, &rules.derived[i].needs));
                if let Ok(v) = &value {
                    derived_slots.set(i, v.clone());
                }
                derived[i] = value;
            }
            Node::Finding(i) => {
                let rule = &rules.findings[i].rule;
                let what = || format!("finding `{}`", rule.id);
                let truth = evaluator
                    .truth(&rules.findings[i].when)
                    .map_err(|(leaf, e)| fail(&rule.origin, what(), leaf, e))?;
                findings[i] = match truth {
                    Truth::True => {
                        finding_slots.set(i, Value::from(true));
                        FindingOutcome::Fired(evidence(rules, i, &scope, file)?)
                    }
                    Truth::False => {
                        finding_slots.set(i, Value::from(false));
                        FindingOutcome::NotFired
                    }
                    Truth::Unknown(missing) => {
                        FindingOutcome::Unknown(settle(missing, &rules.findings[i].needs))
                    }
                };
            }
            // Strategies and requirements read only settled derived values
            // and findings.
            Node::Strategy(_) | Node::Requirement(_) => {}
        }
    }

    let evaluator = LeafEvaluator {
        rules,
        scope: &scope,
        fields: &fields,
        derived: &derived,
        findings: &findings,
        shortcuts,
    };
    let (strategies, requirements) = decide_strategies(&evaluator, file)?;
    Ok(Evaluation {
        derived,
        findings,
        strategies,
        requirements,
        district: district_value,
        scope,
        fields,
    })
}

/// The evidence sentence of finding `i`, which fired, from its template.
fn evidence(rules: &RuleBase, i: usize, scope: &Value, file: &Path) -> Result<String, Diagnostic> {
    let rule = &rules.findings[i].rule;
    let evidence = rules
        .env()
        .get_template(&rules.findings[i].evidence)
        .and_then(|t| crate::render::render_sentence(&t, scope.clone()))
        .map_err(|e| {
            rule_error(
                &rule.origin,
                &format!("finding `{}`, `evidence`", rule.id),
                &rule.evidence,
                &e,
                file,
            )
        })?;
    Ok(evidence.trim().to_string())
}

/// Each strategy's `when` and `in_place_when`, and each requirement's
/// `met_when`, once the derived values and findings are settled.
fn decide_strategies(
    evaluator: &LeafEvaluator<'_>,
    file: &Path,
) -> Result<(Vec<StrategyOutcome>, Vec<Truth>), Diagnostic> {
    let rules = evaluator.rules;
    let mut strategies = Vec::with_capacity(rules.strategies.len());
    let batch = evaluator.batch();
    for (compiled, [when_decided, in_place_decided]) in rules.strategies.iter().zip(&batch) {
        let rule = &compiled.rule;
        let what = |field: &str| format!("strategy `{}`, `{field}`", rule.id);
        let fail = |field: &str, (leaf, e): (usize, minijinja::Error)| {
            rule_error(
                &rule.origin,
                &what(field),
                &rules.leaves[leaf].source,
                &e,
                file,
            )
        };
        let when = match when_decided.clone() {
            Some(truth) => truth,
            None => match evaluator
                .truth(&compiled.when)
                .map_err(|e| fail("when", e))?
            {
                Truth::Unknown(missing) => Truth::Unknown(settle(missing, &compiled.needs)),
                known => known,
            },
        };
        let in_place = match (&compiled.in_place, in_place_decided.clone()) {
            (None, _) => None,
            (Some(_), Some(truth)) => Some(truth),
            (Some(logic), None) => Some(
                evaluator
                    .truth(logic)
                    .map_err(|e| fail("in_place_when", e))?,
            ),
        };
        strategies.push(StrategyOutcome { when, in_place });
    }
    let mut requirements = Vec::with_capacity(rules.requirements.len());
    for r in &rules.requirements {
        let truth = evaluator.truth(&r.met_when).map_err(|(leaf, e)| {
            let what = format!("requirement `{}`, `met_when`", r.rule.id);
            rule_error(&r.rule.origin, &what, &rules.leaves[leaf].source, &e, file)
        })?;
        requirements.push(truth);
    }
    Ok((strategies, requirements))
}

/// The context with the derived values and findings `evaluation`
/// settled, for looking at a district after the fact (`explain`, `check`).
pub(crate) fn settled_scope(
    rules: &RuleBase,
    district: &District,
    evaluation: &Evaluation,
) -> (Value, Vec<Option<Value>>) {
    let (district_value, fields) = district_value(rules, district);
    let derived_slots = Slots::new(rules.derived_index.clone());
    for (i, value) in evaluation.derived.iter().enumerate() {
        if let Ok(v) = value {
            derived_slots.set(i, v.clone());
        }
    }
    let finding_slots = Slots::new(rules.finding_index.clone());
    for (i, outcome) in evaluation.findings.iter().enumerate() {
        match outcome {
            FindingOutcome::Fired(_) => finding_slots.set(i, Value::from(true)),
            FindingOutcome::NotFired => finding_slots.set(i, Value::from(false)),
            FindingOutcome::Unknown(_) => {}
        }
    }
    let scope = Scope::root(
        district_value,
        rules.state.clone(),
        &derived_slots,
        &finding_slots,
    );
    (scope, fields)
}

/// Each leaf evaluated on its own in the settled context: its value, or
/// the data that would settle it, or a rule error.
pub(crate) fn leaf_values(
    rules: &RuleBase,
    district: &District,
    evaluation: &Evaluation,
    leaves: &[usize],
) -> Vec<Result<Result<Value, Missing>, minijinja::Error>> {
    let (scope, fields) = settled_scope(rules, district, evaluation);
    let evaluator = LeafEvaluator {
        rules,
        scope: &scope,
        fields: &fields,
        derived: &evaluation.derived,
        findings: &evaluation.findings,
        shortcuts: Shortcuts::On,
    };
    leaves.iter().map(|&leaf| evaluator.value(leaf)).collect()
}

/// Each part of `logic` evaluated on its own, against `district` with the
/// derived values and findings `evaluation` settled: what `explain` shows.
pub(crate) fn parts(
    rules: &RuleBase,
    district: &District,
    evaluation: &Evaluation,
    logic: &Logic,
) -> Result<Vec<(usize, Truth)>, minijinja::Error> {
    let mut leaves = Vec::new();
    logic.leaves(&mut leaves);
    let values = leaf_values(rules, district, evaluation, &leaves);
    leaves
        .into_iter()
        .zip(values)
        .map(|(leaf, value)| {
            let truth = match value? {
                Ok(v) => Truth::from_bool(v.is_true()),
                Err(missing) => Truth::Unknown(missing),
            };
            Ok((leaf, truth))
        })
        .collect()
}

/// A rule's declared `needs` replace what the expression alone could name.
fn settle(missing: Missing, needs: &Missing) -> Missing {
    if needs.is_empty() {
        missing
    } else {
        needs.clone()
    }
}

fn rule_error(
    origin: &Origin,
    what: &str,
    expression: &str,
    error: &minijinja::Error,
    district: &Path,
) -> Diagnostic {
    let detail = error.detail().map_or_else(
        || error.kind().to_string(),
        |d| format!("{} ({d})", error.kind()),
    );
    // A long expression (an evidence template) is shown by its opening:
    // the position points to the whole.
    const SHOWN: usize = 160;
    let shown = match expression.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{} …", &expression[..end]),
        None => expression.to_string(),
    };
    let message = format!(
        "rule error in {what}: `{shown}` failed for district {}: {detail}",
        district.display()
    );
    let mut diagnostic = Diagnostic::of(
        crate::diagnostic::ErrorKind::RuleBase,
        &origin.file,
        message,
    )
    .with_hint(
        "this is a bug in the rule base: only missing district data may leave a rule undecided",
    );
    if origin.line > 0 {
        diagnostic.position = Some((origin.line, 1));
    }
    diagnostic
}

/// What [`LeafEvaluator::native`] makes of a comparison.
enum Native {
    Decided(Value),
    /// A side reads something unknown.
    Unknown,
    /// Left to minijinja.
    Undecided,
}

struct LeafEvaluator<'a> {
    rules: &'a RuleBase,
    scope: &'a Value,
    /// The value at each of the rule base's district paths, `None` where
    /// it is absent.
    fields: &'a [Option<Value>],
    derived: &'a [Result<Value, Missing>],
    findings: &'a [FindingOutcome],
    shortcuts: Shortcuts,
}

impl LeafEvaluator<'_> {
    fn truth(&self, logic: &Logic) -> Result<Truth, (usize, minijinja::Error)> {
        logic.eval(&mut |leaf| match self.value(leaf) {
            Ok(Ok(v)) => Ok(Truth::from_bool(v.is_true())),
            Ok(Err(missing)) => Ok(Truth::Unknown(missing)),
            Err(e) => Err((leaf, e)),
        })
    }

    /// A leaf's value, or the data that would settle it. An error is read as
    /// "unknown" when it is an undefined error or when the leaf reads a value
    /// that is missing (arithmetic on it fails); otherwise it is a rule bug.
    fn value(&self, leaf: usize) -> Result<Result<Value, Missing>, minijinja::Error> {
        let info = &self.rules.leaves[leaf];
        if let Some(constant) = &info.constant {
            return Ok(Ok(constant.clone()));
        }
        if self.shortcuts != Shortcuts::On || info.cheap_parts {
            // The parts decide it (the slow way, or more cheaply than
            // minijinja evaluating the whole).
            if info.whole {
                return Ok(Err(Missing::new()));
            }
        } else if (info.whole || info.strict) && self.reads_unknown(leaf) {
            // Evaluating would only fail: a whole leaves it to its parts, a
            // strict leaf is unknown for what it reads.
            return Ok(Err(if info.whole {
                Missing::new()
            } else {
                self.missing(leaf)
            }));
        }
        if self.shortcuts == Shortcuts::On {
            if info.plain {
                if let Some(value) = self.plain(&info.refs[0]) {
                    return Ok(Ok(value));
                }
            } else if let Some(native) = &info.native {
                match self.native(native) {
                    Native::Decided(value) => return Ok(Ok(value)),
                    // minijinja would fail on the undefined value.
                    Native::Unknown => return Ok(Err(self.missing(leaf))),
                    Native::Undecided => {}
                }
            }
        }
        match self.rules.eval_leaf(leaf, self.scope.clone()) {
            Ok(v) if v.is_undefined() => Ok(Err(self.missing(leaf))),
            Ok(v) => Ok(Ok(v)),
            Err(e) if e.kind() == ErrorKind::UndefinedError => Ok(Err(self.missing(leaf))),
            Err(e) => {
                let missing = self.absent(leaf);
                if missing.is_empty() {
                    Err(e)
                } else {
                    Ok(Err(missing))
                }
            }
        }
    }

    /// The value a plain leaf names, when it is known; `None` leaves it to
    /// the expression.
    fn plain(&self, r: &Ref) -> Option<Value> {
        match r {
            Ref::District(path) => self.fields[*path].clone(),
            Ref::Derived(j) => self.derived[*j].as_ref().ok().cloned(),
            Ref::Finding(j) => match self.findings[*j] {
                FindingOutcome::Fired(_) => Some(Value::from(true)),
                FindingOutcome::NotFired => Some(Value::from(false)),
                FindingOutcome::Unknown(_) => None,
            },
            Ref::State(id) => self
                .rules
                .state
                .get_attr(id)
                .ok()
                .filter(|v| !v.is_undefined()),
        }
    }

    /// A native leaf's value: decided when what it reads is known and the
    /// work is one it can do, unknown when it reads something unknown.
    fn native(&self, native: &NativeLeaf) -> Native {
        let result = match native {
            NativeLeaf::Compare(left, op, right) => self.side(left).and_then(|left| {
                let right = self.side(right)?;
                op.apply(&left, &right)
                    .map(Value::from)
                    .ok_or(Native::Undecided)
            }),
            NativeLeaf::Call(call) => self.side(call),
        };
        match result {
            Ok(value) => Native::Decided(value),
            Err(outcome) => outcome,
        }
    }

    /// One operand's value, or why there is none.
    fn side(&self, side: &Side) -> Result<Value, Native> {
        match side {
            Side::Ref(r) => self.plain(r).ok_or(Native::Unknown),
            Side::Const(value) => Ok(value.clone()),
            Side::Call(helper, args) => {
                let args = args
                    .iter()
                    .map(|a| self.side(a))
                    .collect::<Result<Vec<_>, _>>()?;
                match (helper.0)(&args) {
                    Ok(v) if v.is_undefined() => Err(Native::Unknown),
                    Ok(v) => Ok(v),
                    Err(e) if e.kind() == ErrorKind::UndefinedError => Err(Native::Unknown),
                    Err(_) => Err(Native::Undecided),
                }
            }
            Side::Arith(op, sides) => {
                let [a, b] = sides.as_ref();
                op.apply(&self.side(a)?, &self.side(b)?)
                    .ok_or(Native::Undecided)
            }
            Side::Defined(path, negated) => {
                Ok(Value::from(self.fields[*path].is_some() != *negated))
            }
            // Only the branch taken is read, as minijinja reads it.
            Side::If(sides) => {
                let [test, then, otherwise] = sides.as_ref();
                self.side(if self.side(test)?.is_true() {
                    then
                } else {
                    otherwise
                })
            }
            Side::And(sides) => {
                let first = self.side(&sides[0])?;
                if first.is_true() {
                    self.side(&sides[1])
                } else {
                    Ok(first)
                }
            }
            Side::Or(sides) => {
                let first = self.side(&sides[0])?;
                if first.is_true() {
                    Ok(first)
                } else {
                    self.side(&sides[1])
                }
            }
            Side::Not(side) => Ok(Value::from(!self.side(side)?.is_true())),
            Side::Compare(sides, op) => {
                let [a, b] = sides.as_ref();
                op.apply(&self.side(a)?, &self.side(b)?)
                    .map(Value::from)
                    .ok_or(Native::Undecided)
            }
            // minijinja's own lookup; a missing item is left to minijinja.
            Side::Item(sides) => {
                let [a, b] = sides.as_ref();
                match self.side(a)?.get_item(&self.side(b)?) {
                    Ok(v) if !v.is_undefined() => Ok(v),
                    _ => Err(Native::Undecided),
                }
            }
        }
    }

    /// The data that would settle an unknown leaf: what [`Self::absent`]
    /// finds, or, if nothing it reads is absent, the district paths it reads
    /// (a helper lacked data inside them, such as a year of history).
    fn missing(&self, leaf: usize) -> Missing {
        let mut missing = self.absent(leaf);
        if missing.is_empty() {
            for r in &self.rules.leaves[leaf].refs {
                if let Ref::District(path) = r {
                    missing.insert(*path);
                }
            }
        }
        missing
    }

    /// What a leaf reads that is unknown: unknown derived values and
    /// findings pass on theirs; absent district paths are named.
    fn absent(&self, leaf: usize) -> Missing {
        let refs = &self.rules.leaves[leaf].refs;
        let mut missing = Missing::new();
        for r in refs {
            match r {
                Ref::Derived(j) => {
                    if let Err(m) = &self.derived[*j] {
                        missing.extend(m);
                    }
                }
                Ref::Finding(j) => {
                    if let FindingOutcome::Unknown(m) = &self.findings[*j] {
                        missing.extend(m);
                    }
                }
                Ref::District(path) => {
                    if self.fields[*path].is_none() {
                        missing.insert(*path);
                    }
                }
                Ref::State(_) => {}
            }
        }
        missing
    }

    /// Each strategy's `when` and `in_place_when` as decided by one
    /// evaluation of the batch list. All are `None`, to be evaluated one by
    /// one, when any condition reads something unknown or the list fails.
    fn batch(&self) -> Vec<[Option<Truth>; 2]> {
        let mut decided = vec![[None, None]; self.rules.strategies.len()];
        let Some(batch) = &self.rules.strategy_batch else {
            return decided;
        };
        if self.shortcuts != Shortcuts::On {
            return decided;
        }
        if batch.entries.iter().any(|e| self.reads_unknown(e.top)) {
            return decided;
        }
        let Ok(list) = self.rules.eval_leaf(batch.leaf, self.scope.clone()) else {
            return decided;
        };
        let Ok(values) = list.try_iter() else {
            return decided;
        };
        for (entry, value) in batch.entries.iter().zip(values) {
            if !value.is_undefined() {
                decided[entry.strategy][usize::from(entry.in_place)] =
                    Some(Truth::from_bool(value.is_true()));
            }
        }
        decided
    }

    /// Whether a leaf reads anything unknown.
    fn reads_unknown(&self, leaf: usize) -> bool {
        self.rules.leaves[leaf].refs.iter().any(|r| match r {
            Ref::Derived(j) => self.derived[*j].is_err(),
            Ref::Finding(j) => matches!(self.findings[*j], FindingOutcome::Unknown(_)),
            Ref::District(path) => self.fields[*path].is_none(),
            Ref::State(_) => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortcuts_never_change_an_evaluation() {
        let rules = RuleBase::embedded().expect("rules");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut checked = 0;
        for group in ["calli", "elin", "cases"] {
            for entry in std::fs::read_dir(root.join(group)).expect("fixtures") {
                let path = entry.expect("entry").path();
                let district = District::load(&path).expect("fixture");
                let fast = evaluate_with(&rules, &district, &path, Shortcuts::On).expect("fast");
                let slow = evaluate_with(&rules, &district, &path, Shortcuts::Off).expect("slow");
                assert_eq!(fast, slow, "{}", path.display());
                checked += 1;
            }
        }
        assert!(checked >= 36);
    }
}
