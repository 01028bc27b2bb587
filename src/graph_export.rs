//! `elplan graph`: the rule base's dependency graph for people, as Graphviz
//! DOT or a Mermaid flowchart: derived values → findings → strategies
//! (grouped by stage), with prerequisites as dashed edges.

use std::fmt::Write;

use crate::condition::Logic;
use crate::rulebase::resolve::Ref;
use crate::rulebase::RuleBase;

/// The names each node reads: (from, to) edges by node key.
fn edges(rules: &RuleBase) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    // The rules a condition reads, as node keys: derived values and
    // findings (state values and district fields are not nodes).
    let reads = |logic: &Logic| -> Vec<String> {
        rules
            .reads(logic)
            .into_iter()
            .filter_map(|r| match r {
                Ref::Derived(j) => Some(format!("d_{}", rules.derived[j].rule.id)),
                Ref::Finding(j) => Some(format!("f_{}", rules.findings[j].rule.id)),
                Ref::State(_) | Ref::District(_) => None,
            })
            .collect()
    };
    for d in &rules.derived {
        let to = format!("d_{}", d.rule.id);
        out.extend(
            reads(&d.logic)
                .into_iter()
                .map(|from| (from, to.clone(), false)),
        );
    }
    for f in &rules.findings {
        let to = format!("f_{}", f.rule.id);
        out.extend(
            reads(&f.when)
                .into_iter()
                .map(|from| (from, to.clone(), false)),
        );
    }
    for s in &rules.strategies {
        let to = format!("s_{}", s.rule.id);
        let mut from = reads(&s.when);
        if let Some(logic) = &s.in_place {
            from.extend(reads(logic));
        }
        from.dedup();
        out.extend(from.into_iter().map(|from| (from, to.clone(), false)));
        for &p in &s.requires {
            let prerequisite = format!("s_{}", rules.strategies[p].rule.id);
            out.push((prerequisite, to.clone(), true));
        }
    }
    out
}

/// A cluster of nodes: its key, its label, and its (node key, label) nodes.
struct Group {
    key: String,
    label: String,
    nodes: Vec<(String, String)>,
}

/// Derived values, findings, then the strategies of each stage.
fn groups(rules: &RuleBase) -> Vec<Group> {
    let mut out = vec![
        Group {
            key: "derived".to_string(),
            label: "Derived values".to_string(),
            nodes: rules
                .derived
                .iter()
                .map(|d| (format!("d_{}", d.rule.id), d.rule.id.clone()))
                .collect(),
        },
        Group {
            key: "findings".to_string(),
            label: "Findings".to_string(),
            nodes: rules
                .findings
                .iter()
                .map(|f| (format!("f_{}", f.rule.id), f.rule.id.clone()))
                .collect(),
        },
    ];
    for (k, stage) in rules.stages.iter().enumerate() {
        let nodes = rules
            .strategies
            .iter()
            .filter(|s| s.stage == k)
            .map(|s| (format!("s_{}", s.rule.id), s.rule.id.clone()))
            .collect();
        out.push(Group {
            key: format!("stage_{}", stage.id),
            label: format!("Stage {}: {}", k + 1, stage.title),
            nodes,
        });
    }
    out
}

fn quote(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz DOT.
pub fn dot(rules: &RuleBase) -> String {
    let mut out = String::from("digraph rules {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n");
    for Group { key, label, nodes } in groups(rules) {
        let _ = writeln!(
            out,
            "  subgraph cluster_{key} {{\n    label=\"{}\";",
            quote(&label)
        );
        for (node, text) in nodes {
            let _ = writeln!(out, "    {node} [label=\"{}\"];", quote(&text));
        }
        out.push_str("  }\n");
    }
    for (from, to, requires) in edges(rules) {
        let style = if requires { " [style=dashed]" } else { "" };
        let _ = writeln!(out, "  {from} -> {to}{style};");
    }
    out.push_str("}\n");
    out
}

/// A Mermaid flowchart.
pub fn mermaid(rules: &RuleBase) -> String {
    let mut out = String::from("flowchart LR\n");
    for Group { key, label, nodes } in groups(rules) {
        let _ = writeln!(
            out,
            "  subgraph {key} [\"{}\"]",
            label.replace('"', "#quot;")
        );
        for (node, text) in nodes {
            let _ = writeln!(out, "    {node}[\"{}\"]", text.replace('"', "#quot;"));
        }
        out.push_str("  end\n");
    }
    for (from, to, requires) in edges(rules) {
        let arrow = if requires { "-.->" } else { "-->" };
        let _ = writeln!(out, "  {from} {arrow} {to}");
    }
    out
}
