//! Every fixture's plan, as Markdown and JSON, is a reviewed snapshot: a rule
//! or template change shows exactly which plans it moves. The HTML report is
//! snapshotted for two fixtures only (its figures one SVG element per
//! line); `html.rs` checks the structure of every fixture's report.

use elplan::render::{Format, RenderOptions};
use elplan::District;

use crate::support::*;

/// The fixtures whose Markdown snapshot keeps every strategy's rule text
/// (rationale, actions, owners, first test, measures); the others leave it
/// out, since it is the same in every plan, and keep all that is the
/// district's own.
const FULL_MARKDOWN: [&str; 2] = ["calli/mendota-unified.ron", "cases/full-history.ron"];

/// The fixtures whose HTML report is a snapshot: a real small district,
/// and one whose text needs escaping.
const HTML_SNAPSHOTS: [&str; 2] = ["calli/mendota-unified.ron", "cases/escaping.ron"];

#[test]
fn every_fixture_plans_to_its_snapshot() {
    let session = session();
    insta::glob!("../../fixtures", "{calli,elin,cases}/*.ron", |path| {
        let district = District::load(path).expect("fixtures are valid district files");
        let plan = session
            .plan(&district, path)
            .expect("fixtures plan without rule errors");
        let render = |format| {
            session
                .render(format, &plan, &district, &RenderOptions::default())
                .expect("the default templates render")
        };
        let markdown = render(Format::Md);
        if FULL_MARKDOWN.iter().any(|name| path.ends_with(name)) {
            insta::assert_snapshot!("md", markdown);
        } else {
            insta::assert_snapshot!("md", without_rule_text(&markdown));
        }
        insta::assert_snapshot!("json", compact(&decisions(&plan.to_json()), 0));
        if HTML_SNAPSHOTS.iter().any(|name| path.ends_with(name)) {
            insta::assert_snapshot!("html", render(Format::Html));
        }
    });
}

/// A Markdown draft without each strategy's rule text: under a strategy's
/// heading only its subtitle, when, why, and in-place note stay.
fn without_rule_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() / 2);
    let mut in_strategy = false;
    for line in markdown.lines() {
        if line.starts_with("#") {
            // A strategy's heading is numbered (`#### 3. Title`); a finding's is not.
            in_strategy = line
                .strip_prefix("#### ")
                .is_some_and(|title| title.starts_with(|c: char| c.is_ascii_digit()));
            out.push_str(line);
            out.push('\n');
            if in_strategy {
                out.push_str("[rule text left out; see the full Markdown snapshots]\n");
            }
            continue;
        }
        let subtitle = line.starts_with('*') && !line.starts_with("**");
        let kept = ["**When:**", "**Why it is here:**", "> "];
        let blank_again = line.is_empty() && out.ends_with("\n\n");
        if !blank_again
            && (!in_strategy
                || line.is_empty()
                || subtitle
                || kept.iter().any(|k| line.starts_with(k)))
        {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The plan JSON without what comes from the rule base unchanged (kinds,
/// ties, titles, areas, leverage, prerequisites, purposes, rationale, actions, owners,
/// first tests, measures, sources, questions): it is the same in every plan,
/// and shows in the Markdown snapshot and in the `elplan graph` snapshot.
/// What is left is what the engine decided for the district.
fn decisions(json: &str) -> serde_json::Value {
    const RULE_TEXT: [&str; 22] = [
        "measure",
        "source",
        "frequency",
        "requirement",
        "basis",
        "kind",
        "ongoing",
        "tied_to",
        "title",
        "area",
        "severity",
        "leverage",
        "principle",
        "requires",
        "purpose",
        "rationale",
        "actions",
        "owners",
        "first_test",
        "measures",
        "sources",
        "questions",
    ];
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(fields) => {
                for key in RULE_TEXT {
                    fields.remove(key);
                }
                fields.remove("driver");
                fields.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut plan: serde_json::Value = serde_json::from_str(json).expect("plan JSON");
    for list in [
        "findings",
        "pending",
        "stages",
        "in_place",
        "deferred",
        "not_fired",
        "driver_diagram",
        "compliance",
        "goals",
    ] {
        strip(&mut plan[list]);
    }
    // The request follows from `pending` and `compliance`; what is its own
    // is the ranking: each field with how many findings, strategies and
    // checklist items wait on it.
    let request: Vec<serde_json::Value> = plan["data_request"]
        .as_array()
        .expect("data_request")
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_array().map_or(0, Vec::len);
            format!(
                "{} ({}/{}/{})",
                r["field"].as_str().unwrap_or_default(),
                n("findings"),
                n("strategies"),
                n("requirements")
            )
            .into()
        })
        .collect();
    plan["data_request"] = request.into();
    plan
}

/// JSON as people review it: a list or object that fits in a line of 160
/// characters is written on one line, anything longer one item per line.
fn compact(value: &serde_json::Value, indent: usize) -> String {
    let line = value.to_string();
    if indent + line.chars().count() <= 160 {
        return line;
    }
    let pad = "  ".repeat(indent + 1);
    let items: Vec<String> = match value {
        serde_json::Value::Array(items) => items
            .iter()
            .map(|v| format!("{pad}{}", compact(v, indent + 1)))
            .collect(),
        serde_json::Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "{pad}{}: {}",
                    serde_json::Value::from(k.as_str()),
                    compact(v, indent + 1)
                )
            })
            .collect(),
        _ => return line,
    };
    let (open, close) = if value.is_array() {
        ('[', ']')
    } else {
        ('{', '}')
    };
    format!(
        "{open}\n{}\n{}{close}",
        items.join(",\n"),
        "  ".repeat(indent)
    )
}

#[test]
fn no_snapshot_line_is_too_long_to_review() {
    let dir = std::path::Path::new(ROOT).join("tests/integration/snapshots");
    let mut long = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("snapshot folder") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("snapshot text");
        for (n, line) in text.lines().enumerate() {
            if line.chars().count() > 1000 {
                long.push(format!("{}:{}", path.display(), n + 1));
            }
        }
    }
    assert!(long.is_empty(), "lines over 1,000 characters: {long:?}");
}
