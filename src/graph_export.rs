//! `elplan graph`: the rule base's dependency graph for people, as Graphviz
//! DOT or a Mermaid flowchart: derived values → findings → strategies
//! (grouped by stage), with prerequisites as dashed edges.

use std::fmt::Write;

use crate::condition::Logic;
use crate::rulebase::{Ref, RuleBase};

/// The names each node reads: (from, to) edges by node key.
fn edges(rules: &RuleBase) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let reads = |logic: &Logic| -> Vec<String> {
        let mut leaves = Vec::new();
        logic.leaves(&mut leaves);
        let mut keys: Vec<String> = Vec::new();
        for leaf in leaves {
            for r in &rules.leaves[leaf].refs {
                let key = match r {
                    Ref::Derived(j) => format!("d_{}", rules.derived[*j].id),
                    Ref::Finding(j) => format!("f_{}", rules.findings[*j].id),
                    _ => continue,
                };
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        keys
    };
    for (d, logic) in rules.derived.iter().zip(&rules.derived_logic) {
        out.extend(
            reads(logic)
                .into_iter()
                .map(|from| (from, format!("d_{}", d.id), false)),
        );
    }
    for (f, logic) in rules.findings.iter().zip(&rules.finding_logic) {
        out.extend(
            reads(logic)
                .into_iter()
                .map(|from| (from, format!("f_{}", f.id), false)),
        );
    }
    for (i, s) in rules.strategies.iter().enumerate() {
        let mut from = reads(&rules.strategy_when[i]);
        if let Some(logic) = &rules.strategy_in_place[i] {
            from.extend(reads(logic));
        }
        from.dedup();
        out.extend(
            from.into_iter()
                .map(|from| (from, format!("s_{}", s.id), false)),
        );
        for &p in &rules.requires[i] {
            out.push((
                format!("s_{}", rules.strategies[p].id),
                format!("s_{}", s.id),
                true,
            ));
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
                .map(|d| (format!("d_{}", d.id), d.id.clone()))
                .collect(),
        },
        Group {
            key: "findings".to_string(),
            label: "Findings".to_string(),
            nodes: rules
                .findings
                .iter()
                .map(|f| (format!("f_{}", f.id), f.id.clone()))
                .collect(),
        },
    ];
    for (k, stage) in rules.stages.iter().enumerate() {
        let nodes = rules
            .strategies
            .iter()
            .enumerate()
            .filter(|(i, _)| rules.stage_of[*i] == k)
            .map(|(_, s)| (format!("s_{}", s.id), s.id.clone()))
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
