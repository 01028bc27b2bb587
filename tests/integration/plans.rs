//! Every fixture's plan is a reviewed snapshot of its *decisions*: what
//! fired, what is pending and on what, each strategy's stage and months,
//! the goals, the checklist, the chapters' facts and blanks. A rule change
//! shows exactly which plans it moves, without pages of prose. The prose
//! is a snapshot for three fixtures only, one file per section of the
//! Markdown draft; `html.rs` checks the structure of every fixture's HTML
//! report, `documents.rs` its Word and PDF drafts.

use elplan::render::{Format, RenderOptions};
use elplan::District;

use crate::support::*;

/// The fixtures whose Markdown draft is a snapshot, section by section: a
/// real small district, the fixture with every year of history, and one
/// whose text needs escaping.
const PROSE: [&str; 3] = [
    "calli/mendota-unified.ron",
    "cases/full-history.ron",
    "cases/escaping.ron",
];

/// The most the snapshots may weigh together, and one of them.
const MAX_SNAPSHOTS_BYTES: u64 = 2_000_000;
const MAX_SNAPSHOT_BYTES: u64 = 40_000;

#[test]
fn every_fixture_plans_to_its_snapshot() {
    let session = session();
    insta::glob!("../../fixtures", "{calli,elin,cases}/*.ron", |path| {
        let district = District::load(path).expect("fixtures are valid district files");
        let plan = session
            .plan(&district, path)
            .expect("fixtures plan without rule errors");
        insta::assert_snapshot!("json", compact(&decisions(&plan.to_json()), 0));
        if PROSE.iter().any(|name| path.ends_with(name)) {
            let markdown = session
                .render(Format::Md, &plan, &district, &RenderOptions::default())
                .expect("the default templates render");
            for (n, section) in sections(&markdown).into_iter().enumerate() {
                insta::assert_snapshot!(format!("md-{n:02}"), section);
            }
        }
    });
}

/// A Markdown draft cut before each top-level section (`## `): each part
/// a snapshot of its own, small enough to review.
fn sections(markdown: &str) -> Vec<String> {
    let mut parts: Vec<String> = vec![String::new()];
    for line in markdown.split_inclusive('\n') {
        if line.starts_with("## ") {
            parts.push(String::new());
        }
        if let Some(part) = parts.last_mut() {
            part.push_str(line);
        }
    }
    parts.retain(|p| !p.trim().is_empty());
    parts
}

/// The plan JSON without what comes from the rule base unchanged (kinds,
/// ties, titles, areas, leverage, prerequisites, purposes, rationale, actions, owners,
/// first tests, measures, sources, questions): it is the same in every plan,
/// and shows in the Markdown snapshot and in the `elplan graph` snapshot.
/// What is left is what the engine decided for the district.
fn decisions(json: &str) -> serde_json::Value {
    const RULE_TEXT: [&str; 26] = [
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
        "intro",
        "label",
        "question",
        "text",
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
        "chapters",
        "also_considered",
    ] {
        strip(&mut plan[list]);
    }
    // A goal's `findings` are the rule base's, as written; an idea also
    // considered says `why` in a sentence made of its `addresses` (or its
    // rationale's first sentence), which stay.
    for (list, key) in [("goals", "findings"), ("also_considered", "why")] {
        if let Some(items) = plan[list].as_array_mut() {
            for item in items.iter_mut().filter_map(|g| g.as_object_mut()) {
                item.remove(key);
            }
        }
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

/// The snapshots stay reviewable: at most 2 MB in all, none over 40 KB.
#[test]
fn the_snapshots_stay_small() {
    let dir = std::path::Path::new(ROOT).join("tests/integration/snapshots");
    let mut total = 0;
    let mut large = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("snapshot folder") {
        let entry = entry.expect("entry");
        let size = entry.metadata().expect("metadata").len();
        total += size;
        if size > MAX_SNAPSHOT_BYTES {
            large.push(format!("{} ({size} bytes)", entry.path().display()));
        }
    }
    assert!(
        large.is_empty(),
        "snapshots over {MAX_SNAPSHOT_BYTES} bytes: {large:?}"
    );
    assert!(
        total <= MAX_SNAPSHOTS_BYTES,
        "the snapshots weigh {total} bytes, more than {MAX_SNAPSHOTS_BYTES}"
    );
}
