//! The second room of the rule-base compiler: every expression split into
//! leaves, each leaf parsed once, and every leaf and evidence sentence
//! compiled at most once.
//!
//! Conditions are cut at `and`/`or`/`not` into leaves ([`Logic`]), each
//! with what its parse tells ([`Form`]); each leaf, and one list expression
//! holding every strategy condition (see [`StrategyBatch`]), is compiled by
//! one strict minijinja environment that also holds the evidence templates
//! and the domain helpers: for a rule base from files all at load, so that
//! every problem is reported; for the built-in one, which its tests check
//! whole, when first used. What the names in a leaf refer to is
//! [`crate::rulebase::resolve`]'s job.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use minijinja::{Environment, Error, Expression, UndefinedBehavior};

use crate::diagnostic::{Diagnostic, Diagnostics, ErrorKind};
use crate::hash::{HashMap, HashSet};
use crate::limits::{EVIDENCE_FUEL, TEMPLATE_RECURSION};
pub(crate) use crate::rulebase::conditions::StrategyBatch;
use crate::rulebase::conditions::{split_all, Conditions};
use crate::rulebase::read::Known;
use crate::rulebase::validate::{Locator, Validated};

self_cell::self_cell!(
    /// The strict environment (helpers, evidence templates) and the leaf
    /// expressions, each compiled when first evaluated: most leaves are
    /// decided by the engine itself and never need minijinja.
    pub(crate) struct Compiled {
        owner: Environment<'static>,
        #[not_covariant]
        dependent: Expressions,
    }
);

/// Each leaf's source and, once compiled, its expression.
pub(crate) struct Expressions<'env> {
    sources: Vec<String>,
    compiled: Vec<OnceLock<Option<Expression<'env, 'static>>>>,
}

impl Compiled {
    /// The environment: helpers and the evidence templates.
    pub fn env(&self) -> &Environment<'static> {
        self.borrow_owner()
    }

    /// Evaluates a leaf's expression, compiling it on first use.
    pub fn eval(&self, leaf: usize, scope: minijinja::Value) -> Result<minijinja::Value, Error> {
        self.with_dependent(|env, leaves| match leaves.get(env, leaf) {
            Ok(expression) => expression.eval(scope),
            Err(e) => Err(e),
        })
    }

    /// Compiles every leaf now: the first that does not compile, with its
    /// source.
    fn compile_all(&self) -> Result<(), (String, Error)> {
        self.with_dependent(|env, leaves| {
            (0..leaves.sources.len()).try_for_each(|leaf| match leaves.get(env, leaf) {
                Ok(_) => Ok(()),
                Err(e) => Err((leaves.sources[leaf].clone(), e)),
            })
        })
    }
}

impl<'env> Expressions<'env> {
    fn get(
        &self,
        env: &'env Environment<'static>,
        leaf: usize,
    ) -> Result<&Expression<'env, 'static>, Error> {
        let source = &self.sources[leaf];
        let compile = || env.compile_expression_owned(source.clone());
        match self.compiled[leaf].get_or_init(|| compile().ok()) {
            Some(expression) => Ok(expression),
            // Compiled again only to say why it does not.
            None => Err(compile().err().unwrap_or_else(|| {
                Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    "the expression did not compile",
                )
            })),
        }
    }
}

/// Every rule's conditions as leaves, compiled.
pub(crate) struct Split {
    pub conditions: Conditions,
    pub compiled: Compiled,
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

/// Splits every condition and evidence template of `rules`. A rule base
/// read from files is compiled whole now, so that every problem is found;
/// the built-in one, `known` to the build script and trusted (its tests
/// compile it whole), compiles each leaf and template when first used.
pub(crate) fn compile(
    rules: &Validated,
    locate: &Locator<'_>,
    origin: &str,
    known: Option<Known>,
) -> Result<Split, Diagnostics> {
    let trusted = known.is_some();
    let mut problems = Vec::new();
    // Cut by the build script, or now.
    let (conditions, cached_names) = match known {
        Some(Known {
            conditions,
            evidence_names,
        }) => (conditions, Some(evidence_names)),
        None => {
            let split = split_all(
                (&rules.derived, &rules.findings),
                (&rules.strategies, &rules.requirements),
                |origin, key, what, e| {
                    problems.push(locate.at_key(origin, key, format!("{what}: {}", describe(&e))));
                },
            );
            (split, None)
        }
    };
    let env = environment(rules, locate, trusted, &mut problems);
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let evidence_names = match cached_names {
        Some(names) => names,
        None => rules
            .findings
            .iter()
            .map(|f| {
                env.get_template(&evidence_template(&f.id))
                    .map(|t| t.undeclared_variables(true).into_iter().collect())
                    .unwrap_or_default()
            })
            .collect(),
    };
    let compiled = compile_leaves(env, &conditions.leaves.sources, trusted, origin)?;
    Ok(Split {
        conditions,
        compiled,
        evidence_names,
    })
}

/// The strict environment with the helpers, and every evidence and
/// chapter-fact template behind a loader: compiled when first rendered, or
/// here and now (with its problems reported) when not `trusted`.
fn environment(
    rules: &Validated,
    locate: &Locator<'_>,
    trusted: bool,
    problems: &mut Vec<Diagnostic>,
) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Evidence templates are templates: they may not loop for ever either.
    env.set_fuel(Some(EVIDENCE_FUEL));
    env.set_recursion_limit(TEMPLATE_RECURSION);
    crate::helpers::register(&mut env);
    crate::helpers::register_series(&mut env, std::sync::Arc::new(series(rules)));
    let mut sources = HashMap::default();
    for f in &rules.findings {
        sources.insert(evidence_template(&f.id), f.evidence.clone());
    }
    for c in &rules.chapters {
        for (i, fact) in c.facts.iter().enumerate() {
            sources.insert(fact_template(&c.id, i), fact.text.clone());
        }
    }
    let sources = Arc::new(sources);
    let loaded = Arc::clone(&sources);
    env.set_loader(move |name| Ok(loaded.get(name).cloned()));
    if trusted {
        return env;
    }
    for f in &rules.findings {
        let checked = crate::condition::check_template(&f.evidence)
            .map_err(|(_, e)| e)
            .and_then(|()| env.get_template(&evidence_template(&f.id)).map(|_| ()));
        if let Err(e) = checked {
            problems.push(locate.at_key(
                &f.origin,
                "evidence",
                format!("finding `{}`, `evidence`: {}", f.id, describe(&e)),
            ));
        }
    }
    for c in &rules.chapters {
        for (i, fact) in c.facts.iter().enumerate() {
            let checked = crate::condition::check_template(&fact.text)
                .map_err(|(_, e)| e)
                .and_then(|()| env.get_template(&fact_template(&c.id, i)).map(|_| ()));
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

/// The leaves behind `env`, to be compiled when first evaluated; all of
/// them now, the first problem reported, when not `trusted`.
fn compile_leaves(
    env: Environment<'static>,
    leaf_sources: &[String],
    trusted: bool,
    origin: &str,
) -> Result<Compiled, Diagnostic> {
    let compiled = Compiled::new(env, |_| Expressions {
        sources: leaf_sources.to_vec(),
        compiled: leaf_sources.iter().map(|_| OnceLock::new()).collect(),
    });
    if !trusted {
        compiled.compile_all().map_err(|(source, e)| {
            Diagnostic::of(
                ErrorKind::RuleBase,
                Path::new(origin),
                format!("cannot compile `{source}`: {}", describe(&e)),
            )
        })?;
    }
    Ok(compiled)
}
