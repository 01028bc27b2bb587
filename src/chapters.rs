//! The master plan's chapters for one district (`chapters.ron`): what the
//! district does now, in sentences rendered from its file; the law; the
//! gaps the checklist and findings show; and the scheduled change ideas
//! that close them. A field the file does not give becomes a marked blank,
//! never an invented sentence.
//!
//! It reads an evaluation and the plan's stages; it decides nothing.

use minijinja::Value;

use crate::condition::Truth;
use crate::engine::{Evaluation, FindingOutcome};
use crate::plan::{Blank, ChapterPlan, Law, StagePlan};
use crate::rulebase::rules::StrategyKind;
use crate::rulebase::RuleBase;

/// Every chapter of the rule base for the evaluated district.
pub(crate) fn chapters<'r>(
    rules: &'r RuleBase,
    evaluation: &Evaluation,
    stages: &[StagePlan<'r>],
) -> Vec<ChapterPlan<'r>> {
    if rules.chapters.is_empty() {
        return Vec::new();
    }
    // Each strategy's place in the plan, for change ideas in plan order.
    let mut place = vec![usize::MAX; rules.strategies.len()];
    let scheduled = stages.iter().flat_map(|s| s.strategies.iter());
    for (at, s) in scheduled.enumerate() {
        if let Some(&i) = rules.strategy_index.get(s.id) {
            place[i] = at;
        }
    }
    let applies = |derived: Option<usize>| {
        derived.is_none_or(|j| evaluation.derived[j].as_ref().map_or(true, |v| v.is_true()))
    };
    rules
        .chapters
        .iter()
        .zip(&rules.chapter_refs)
        .map(|(c, refs)| {
            let mut now = Vec::new();
            let mut to_complete = Vec::new();
            let mut blanks = Vec::new();
            for (i, fact) in c.facts.iter().enumerate() {
                if !applies(refs.applies_if[i]) {
                    continue;
                }
                if known(evaluation.fields[refs.paths[i]].as_ref()) {
                    let text = rules
                        .env()
                        .get_template(&refs.templates[i])
                        .and_then(|t| crate::render::render_sentence(&t, evaluation.scope.clone()));
                    // A sentence that cannot be said is asked for instead.
                    if let Ok(text) = text {
                        let text = text.trim();
                        if !text.is_empty() {
                            now.push(text.to_string());
                        }
                        continue;
                    }
                }
                if !to_complete.contains(&fact.field.as_str()) {
                    to_complete.push(fact.field.as_str());
                    blanks.push(Blank {
                        field: &fact.field,
                        question: refs.questions[i].map_or(fact.field.as_str(), |q| {
                            rules.data_sources[q].question.as_str()
                        }),
                        source: refs.questions[i].map(|q| rules.data_sources[q].source.as_str()),
                        name: refs.paths[i],
                        label: fact.blank.as_deref().unwrap_or_else(|| {
                            refs.questions[i].map_or(fact.field.as_str(), |q| {
                                rules.data_sources[q].question.as_str()
                            })
                        }),
                    });
                }
            }
            let mut gaps: Vec<String> = refs
                .requirements
                .iter()
                .filter(|&&k| evaluation.requirements[k] == Truth::False)
                .map(|&k| format!("Not met: {}.", rules.requirements[k].rule.requirement))
                .collect();
            for &f in &refs.findings {
                if let FindingOutcome::Fired(evidence) = &evaluation.findings[f] {
                    gaps.push(evidence.clone());
                }
            }
            let mut ideas: Vec<usize> = refs
                .strategies
                .iter()
                .copied()
                .filter(|&i| {
                    place[i] != usize::MAX && rules.strategies[i].rule.kind == StrategyKind::Change
                })
                .collect();
            ideas.sort_by_key(|&i| place[i]);
            ChapterPlan {
                id: &c.id,
                title: &c.title,
                intro: &c.intro,
                now,
                requires: c
                    .requires
                    .iter()
                    .zip(&refs.law_applies_if)
                    .filter(|(_, &derived)| applies(derived))
                    .map(|(law, _)| Law {
                        text: &law.text,
                        basis: &law.basis,
                    })
                    .collect(),
                gaps,
                change_ideas: ideas
                    .into_iter()
                    .map(|i| rules.strategies[i].rule.id.as_str())
                    .collect(),
                to_complete,
                blanks,
            }
        })
        .collect()
}

/// Whether the district gives a field: a value, or a list that is not
/// empty.
fn known(value: Option<&Value>) -> bool {
    value.is_some_and(|v| v.len().is_none_or(|n| n > 0))
}
