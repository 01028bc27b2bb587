//! `elplan check` over a corpus of broken rule bases, one problem each
//! (`tests/broken_rules/*/PROBLEM` says which), and `elplan graph`.

use crate::support::*;

#[test]
fn every_broken_rule_base_is_diagnosed() {
    insta::glob!("../broken_rules", "*/PROBLEM", |problem| {
        let dir = problem.parent().expect("case directory");
        let relative = dir
            .strip_prefix(ROOT)
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        let output = elplan(&["check", "--rules", &relative]).run();
        let name = dir.file_name().expect("name").to_string_lossy();
        let expected = match name.as_ref() {
            "valid" | "stage-inversion" | "not-boolean" => 0,
            _ => 1,
        };
        assert_eq!(output.status.code(), Some(expected), "{}", shown(&output));
        let problem_text = std::fs::read_to_string(problem).expect("PROBLEM");
        insta::assert_snapshot!(format!("{}\n{}", problem_text.trim(), shown(&output)));
    });
}

#[test]
fn the_report_is_also_json() {
    let output = elplan(&[
        "check",
        "--rules",
        "tests/broken_rules/several-problems",
        "--format",
        "json",
    ])
    .run();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["format"], "elplan.check/1");
    assert_eq!(report["errors"], 4);
    let first = &report["diagnostics"][0];
    for key in [
        "severity",
        "file",
        "position",
        "source_line",
        "message",
        "hint",
    ] {
        assert!(first.get(key).is_some(), "diagnostic lacks {key}: {first}");
    }
}

#[test]
fn the_default_rule_base_has_no_problem_and_no_dead_rule() {
    let output = elplan(&["check", "--format", "json"]).run();
    assert!(output.status.success(), "{}", shown(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(0), Some(0)),
        "{report}"
    );
    let coverage = &report["coverage"];
    assert!(coverage["districts"].as_u64() >= Some(37));
    assert_eq!(coverage["dead"], serde_json::json!([]));
    assert_eq!(coverage["percent"], 100.0);
}

#[test]
fn coverage_on_chosen_fixtures_lists_dead_rules() {
    let output = elplan(&["check", "--fixtures", "fixtures/elin"]).run();
    assert!(output.status.success(), "{}", shown(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("coverage over 2 districts:"), "{text}");
    assert!(
        text.contains("dead rules: ") && !text.contains("dead rules: none"),
        "{text}"
    );
}

#[test]
fn the_rule_graph_snapshots() {
    for format in ["dot", "mermaid"] {
        let output = elplan(&["graph", "--format", format]).run();
        assert!(output.status.success(), "{}", shown(&output));
        insta::assert_snapshot!(
            format!("graph-{format}"),
            String::from_utf8_lossy(&output.stdout)
        );
    }
    let dot = String::from_utf8_lossy(&elplan(&["graph"]).run().stdout).into_owned();
    for stage in [
        "cluster_stage_launch",
        "cluster_stage_assess",
        "cluster_stage_design",
        "cluster_stage_implement",
    ] {
        assert!(
            dot.contains(stage),
            "the graph is grouped by stage: {stage}"
        );
    }
    assert!(dot.contains("s_district_leadership_team -> s_leadership_continuity [style=dashed];"));
    assert!(dot.contains("f_leadership_instability -> s_leadership_continuity;"));
}
