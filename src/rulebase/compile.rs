//! The second room of the rule-base compiler: every expression split into
//! leaves and compiled once, every evidence sentence compiled once.
//!
//! Conditions are cut at `and`/`or`/`not` into leaves ([`Logic`]); each
//! leaf, and one list expression holding every strategy condition (see
//! [`StrategyBatch`]), is compiled by one strict minijinja environment that
//! also holds the evidence templates and the domain helpers. What the names
//! in a leaf refer to is [`crate::rulebase::resolve`]'s job.

use std::collections::HashSet;
use std::path::Path;

use minijinja::{Environment, Expression, UndefinedBehavior};

use crate::condition::Logic;
use crate::diagnostic::{Diagnostic, Diagnostics, ErrorKind};
use crate::limits::{EVIDENCE_FUEL, TEMPLATE_RECURSION};
use crate::rulebase::rules::Origin;
use crate::rulebase::validate::{Locator, Validated};

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

impl Compiled {
    /// The environment: helpers and the evidence templates.
    pub fn env(&self) -> &Environment<'static> {
        self.borrow_owner()
    }

    /// The compiled expression of a leaf.
    pub fn expression(&self, leaf: usize) -> &Expression<'_, 'static> {
        &self.borrow_dependent()[leaf]
    }
}

/// Every non-constant strategy condition compiled as one list expression
/// (`leaf`), with which strategy and condition each element is: when none
/// of them reads anything unknown, one evaluation decides them all.
#[derive(Debug, Clone)]
pub(crate) struct StrategyBatch {
    pub leaf: usize,
    pub entries: Vec<BatchEntry>,
}

/// One element of the [`StrategyBatch`] list.
#[derive(Debug, Clone)]
pub(crate) struct BatchEntry {
    pub strategy: usize,
    /// `in_place_when` rather than `when`.
    pub in_place: bool,
    /// The condition's top leaf, whose names are all it reads.
    pub top: usize,
}

/// Every rule's conditions as leaves, compiled.
pub(crate) struct Split {
    /// Each leaf's source text, by leaf index.
    pub leaf_sources: Vec<String>,
    pub derived: Vec<Logic>,
    pub findings: Vec<Logic>,
    pub when: Vec<Logic>,
    pub in_place: Vec<Option<Logic>>,
    pub requirements: Vec<Logic>,
    pub batch: Option<StrategyBatch>,
    pub compiled: Compiled,
    /// The names each leaf reads, by leaf index.
    pub leaf_names: Vec<HashSet<String>>,
    /// The names each finding's evidence template reads.
    pub evidence_names: Vec<HashSet<String>>,
}

/// The name of a chapter fact's template in the rule environment.
pub(crate) fn fact_template(chapter: &str, index: usize) -> String {
    format!("chapter/{chapter}/{index}")
}

/// The name of a finding's evidence template in the rule environment.
pub(crate) fn evidence_template(finding: &str) -> String {
    format!("evidence/{finding}")
}

/// minijinja's message without its own (template-relative) location.
pub(crate) fn describe(error: &minijinja::Error) -> String {
    match error.detail() {
        Some(detail) => format!("{} ({detail})", error.kind()),
        None => error.kind().to_string(),
    }
}

/// Splits and compiles every condition and evidence template of `rules`.
pub(crate) fn compile(
    rules: &Validated,
    locate: &Locator<'_>,
    origin: &str,
) -> Result<Split, Diagnostics> {
    let mut problems = Vec::new();
    let mut leaf_sources = Vec::new();
    let mut split = |source: &str, whole: bool, origin: &Origin, key: &str, what: String| {
        let result = if whole {
            Logic::whole(source, &mut leaf_sources)
        } else {
            Logic::split(source, &mut leaf_sources)
        };
        result.unwrap_or_else(|e| {
            problems.push(locate.at_key(origin, key, format!("{what}: {}", describe(&e))));
            Logic::Leaf(usize::MAX)
        })
    };
    let derived: Vec<Logic> = rules
        .derived
        .iter()
        .map(|d| {
            let what = format!("derived value `{}`", d.id);
            split(&d.value, true, &d.origin, "value", what)
        })
        .collect();
    let findings: Vec<Logic> = rules
        .findings
        .iter()
        .map(|f| {
            let what = format!("finding `{}`, `when`", f.id);
            split(&f.when, false, &f.origin, "when", what)
        })
        .collect();
    let when: Vec<Logic> = rules
        .strategies
        .iter()
        .map(|s| {
            let what = format!("strategy `{}`, `when`", s.id);
            split(&s.when, false, &s.origin, "when", what)
        })
        .collect();
    let in_place: Vec<Option<Logic>> = rules
        .strategies
        .iter()
        .map(|s| {
            s.in_place_when.as_ref().map(|w| {
                let what = format!("strategy `{}`, `in_place_when`", s.id);
                split(w, false, &s.origin, "in_place_when", what)
            })
        })
        .collect();
    let requirements: Vec<Logic> = rules
        .requirements
        .iter()
        .map(|r| {
            let what = format!("requirement `{}`, `met_when`", r.id);
            split(&r.met_when, false, &r.origin, "met_when", what)
        })
        .collect();
    let batch = strategy_batch(rules, &when, &in_place, &mut leaf_sources);
    let env = environment(rules, locate, &mut problems);
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let evidence_names = rules
        .findings
        .iter()
        .map(|f| {
            env.get_template(&evidence_template(&f.id))
                .map(|t| t.undeclared_variables(true))
                .unwrap_or_default()
        })
        .collect();
    let (compiled, leaf_names) = compile_leaves(env, &leaf_sources, origin)?;
    Ok(Split {
        leaf_sources,
        derived,
        findings,
        when,
        in_place,
        requirements,
        batch,
        compiled,
        leaf_names,
        evidence_names,
    })
}

/// Every strategy condition that is not a constant, as one list leaf.
fn strategy_batch(
    rules: &Validated,
    when: &[Logic],
    in_place: &[Option<Logic>],
    leaf_sources: &mut Vec<String>,
) -> Option<StrategyBatch> {
    let mut entries = Vec::new();
    let mut parts = Vec::new();
    for (i, s) in rules.strategies.iter().enumerate() {
        let conditions = [
            (false, Some(&when[i]), Some(&s.when)),
            (true, in_place[i].as_ref(), s.in_place_when.as_ref()),
        ];
        for (in_place, logic, source) in conditions {
            let (Some(logic), Some(source)) = (logic, source) else {
                continue;
            };
            if crate::condition::constant(source).is_none() {
                entries.push(BatchEntry {
                    strategy: i,
                    in_place,
                    top: logic.top(),
                });
                parts.push(format!("({})", source.trim()));
            }
        }
    }
    (!entries.is_empty()).then(|| {
        leaf_sources.push(format!("[{}]", parts.join(", ")));
        StrategyBatch {
            leaf: leaf_sources.len() - 1,
            entries,
        }
    })
}

/// The strict environment with the helpers and every evidence template.
fn environment(
    rules: &Validated,
    locate: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Evidence templates are templates: they may not loop for ever either.
    env.set_fuel(Some(EVIDENCE_FUEL));
    env.set_recursion_limit(TEMPLATE_RECURSION);
    crate::helpers::register(&mut env);
    crate::helpers::register_series(&mut env, std::sync::Arc::new(series(rules)));
    for f in &rules.findings {
        if let Err((_, e)) = crate::condition::check_template(&f.evidence) {
            problems.push(locate.at_key(
                &f.origin,
                "evidence",
                format!("finding `{}`, `evidence`: {}", f.id, describe(&e)),
            ));
            continue;
        }
        if let Err(e) = env.add_template_owned(evidence_template(&f.id), f.evidence.clone()) {
            problems.push(locate.at(
                &f.origin,
                format!("finding `{}`, `evidence`: {}", f.id, describe(&e)),
            ));
        }
    }
    for c in &rules.chapters {
        for (i, fact) in c.facts.iter().enumerate() {
            let checked = crate::condition::check_template(&fact.text)
                .map_err(|(_, e)| e)
                .and_then(|()| env.add_template_owned(fact_template(&c.id, i), fact.text.clone()));
            if let Err(e) = checked {
                problems.push(locate.at(
                    &c.origin,
                    format!(
                        "chapter `{}`, fact on `{}`: {}",
                        c.id,
                        fact.field,
                        describe(&e)
                    ),
                ));
            }
        }
    }
    env
}

/// The state references as series: each id's values, oldest first.
pub(crate) fn series(rules: &Validated) -> crate::helpers::Series {
    let mut series = crate::helpers::Series::new();
    for r in &rules.references {
        let key = crate::helpers::year_key(&r.year).unwrap_or(i32::MIN);
        series.entry(r.id.clone()).or_default().push((
            key,
            r.value,
            r.year.clone(),
            r.only_its_year,
        ));
    }
    for entries in series.values_mut() {
        entries.sort_by_key(|e| e.0);
    }
    series
}

/// Compiles every leaf in `env`; returns them with the names each reads.
fn compile_leaves(
    env: Environment<'static>,
    leaf_sources: &[String],
    origin: &str,
) -> Result<(Compiled, Vec<HashSet<String>>), Diagnostics> {
    let mut leaf_names = Vec::with_capacity(leaf_sources.len());
    let mut compile_error = None;
    let compiled = Compiled::new(env, |env| {
        let mut out = Vec::with_capacity(leaf_sources.len());
        for source in leaf_sources {
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
    match compile_error {
        Some((source, e)) => Err(Diagnostic::of(
            ErrorKind::RuleBase,
            Path::new(origin),
            format!("cannot compile `{source}`: {}", describe(&e)),
        )
        .into()),
        None => Ok((compiled, leaf_names)),
    }
}
