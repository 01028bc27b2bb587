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
use crate::plan::{Blank, ChapterPlan, StagePlan};
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
    let derived: std::collections::BTreeMap<&str, Value> = rules
        .derived
        .iter()
        .zip(&evaluation.derived)
        .filter_map(|(d, v)| v.as_ref().ok().map(|v| (d.rule.id.as_str(), v.clone())))
        .collect();
    let context = minijinja::context! {
        derived => Value::from_iter(derived),
        ..evaluation.district.clone()
    };
    let scheduled: Vec<&str> = stages
        .iter()
        .flat_map(|s| s.strategies.iter().map(|s| s.id))
        .collect();
    rules
        .chapters
        .iter()
        .map(|c| {
            let mut now = Vec::new();
            let mut to_complete = Vec::new();
            let mut blanks = Vec::new();
            for (i, fact) in c.facts.iter().enumerate() {
                if known(&evaluation.district, &fact.field) {
                    let name = crate::rule_compile::fact_template(&c.id, i);
                    let text = rules
                        .env()
                        .get_template(&name)
                        .and_then(|t| crate::render::render_sentence(&t, context.clone()));
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
                        question: rules
                            .data_sources
                            .iter()
                            .find(|d| d.field == fact.field)
                            .map_or(fact.field.as_str(), |d| d.question.as_str()),
                    });
                }
            }
            let mut gaps = Vec::new();
            for id in &c.checklist {
                let row = rules.requirements.iter().position(|r| &r.rule.id == id);
                if let Some(k) = row {
                    if evaluation.requirements[k] == Truth::False {
                        gaps.push(format!(
                            "Not met: {}.",
                            rules.requirements[k].rule.requirement
                        ));
                    }
                }
            }
            for id in &c.findings {
                if let Some(&f) = rules.finding_index.get(id) {
                    if let FindingOutcome::Fired(evidence) = &evaluation.findings[f] {
                        gaps.push(evidence.clone());
                    }
                }
            }
            let change_ideas = scheduled
                .iter()
                .copied()
                .filter(|id| c.strategies.iter().any(|s| s == id))
                .collect();
            ChapterPlan {
                id: &c.id,
                title: &c.title,
                intro: &c.intro,
                now,
                requires: &c.requires,
                gaps,
                change_ideas,
                to_complete,
                blanks,
            }
        })
        .collect()
}

/// Whether the district gives `path` (a dotted field, or a list that is
/// not empty).
fn known(district: &Value, path: &str) -> bool {
    let mut value = district.clone();
    for step in path.split('.') {
        match value.get_attr(step) {
            Ok(v) if !v.is_undefined() && !v.is_none() => value = v,
            _ => return false,
        }
    }
    value.len().is_none_or(|n| n > 0)
}
