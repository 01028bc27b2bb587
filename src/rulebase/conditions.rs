//! Every condition of a rule base cut into leaves ([`Logic`], [`Leaves`]):
//! the first step of [`crate::rulebase::compile`]. The build script runs it
//! on the built-in rules too and stores the result ([`Conditions`]), so
//! this module and the two it uses (`rules`, `crate::condition`) depend on
//! nothing else in the crate.

use serde::{Deserialize, Serialize};

use super::rules::{Derived, Finding, Origin, Requirement, Strategy};
use crate::condition::{Form, Leaves, Logic};
use crate::hash::HashSet;

/// Every rule's conditions as leaves, by rule index; a condition that does
/// not parse is `Logic::Leaf(usize::MAX)` (its problem reported).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Conditions {
    pub leaves: Leaves,
    pub derived: Vec<Logic>,
    pub findings: Vec<Logic>,
    pub when: Vec<Logic>,
    pub in_place: Vec<Option<Logic>>,
    pub requirements: Vec<Logic>,
    pub batch: Option<StrategyBatch>,
}

/// Splits every condition; `problem` hears of each that does not parse:
/// the rule's origin, the key, what it is, and minijinja's error.
pub fn split_all(
    (derived, findings): (&[Derived], &[Finding]),
    (strategies, requirements): (&[Strategy], &[Requirement]),
    mut problem: impl FnMut(&Origin, &str, String, minijinja::Error),
) -> Conditions {
    let mut leaves = Leaves::default();
    let mut split = |source: &str, whole: bool, origin: &Origin, key: &str, what: String| {
        let result = if whole {
            Logic::whole(source, &mut leaves)
        } else {
            Logic::split(source, &mut leaves)
        };
        result.unwrap_or_else(|e| {
            problem(origin, key, what, e);
            Logic::Leaf(usize::MAX)
        })
    };
    let derived: Vec<Logic> = derived
        .iter()
        .map(|d| {
            let what = format!("derived value `{}`", d.id);
            split(&d.value, true, &d.origin, "value", what)
        })
        .collect();
    let findings: Vec<Logic> = findings
        .iter()
        .map(|f| {
            let what = format!("finding `{}`, `when`", f.id);
            split(&f.when, false, &f.origin, "when", what)
        })
        .collect();
    let when: Vec<Logic> = strategies
        .iter()
        .map(|s| {
            let what = format!("strategy `{}`, `when`", s.id);
            split(&s.when, false, &s.origin, "when", what)
        })
        .collect();
    let in_place: Vec<Option<Logic>> = strategies
        .iter()
        .map(|s| {
            s.in_place_when.as_ref().map(|w| {
                let what = format!("strategy `{}`, `in_place_when`", s.id);
                split(w, false, &s.origin, "in_place_when", what)
            })
        })
        .collect();
    let requirements: Vec<Logic> = requirements
        .iter()
        .map(|r| {
            let what = format!("requirement `{}`, `met_when`", r.id);
            split(&r.met_when, false, &r.origin, "met_when", what)
        })
        .collect();
    let batch = strategy_batch(strategies, (&when, &in_place), &mut leaves);
    Conditions {
        leaves,
        derived,
        findings,
        when,
        in_place,
        requirements,
        batch,
    }
}

/// Every non-constant strategy condition compiled as one list expression
/// (`leaf`), with which strategy and condition each element is: when none
/// of them reads anything unknown, one evaluation decides them all.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StrategyBatch {
    pub leaf: usize,
    pub entries: Vec<BatchEntry>,
}

/// One element of the [`StrategyBatch`] list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct BatchEntry {
    pub strategy: usize,
    /// `in_place_when` rather than `when`.
    pub in_place: bool,
    /// The condition's top leaf, whose names are all it reads.
    pub top: usize,
}

/// Every strategy condition that is not a constant, as one list leaf.
fn strategy_batch(
    strategies: &[Strategy],
    (when, in_place): (&[Logic], &[Option<Logic>]),
    leaves: &mut Leaves,
) -> Option<StrategyBatch> {
    let mut entries = Vec::new();
    let mut parts = Vec::new();
    let mut names = HashSet::default();
    for (i, s) in strategies.iter().enumerate() {
        let conditions = [
            (false, Some(&when[i]), Some(&s.when)),
            (true, in_place[i].as_ref(), s.in_place_when.as_ref()),
        ];
        for (in_place, logic, source) in conditions {
            let (Some(logic), Some(source)) = (logic, source) else {
                continue;
            };
            // A condition that did not parse has no form (its problem is
            // reported).
            let Some(top) = leaves.forms.get(logic.top()) else {
                continue;
            };
            let constant = matches!(logic, Logic::Leaf(_)) && top.constant.is_some();
            if !constant {
                names.extend(top.names.iter().cloned());
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
        // A list reads what its elements read, and is never strict.
        let form = Form {
            names,
            ..Form::default()
        };
        StrategyBatch {
            leaf: leaves.push(&format!("[{}]", parts.join(", ")), form),
            entries,
        }
    })
}
