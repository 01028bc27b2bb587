//! A rule-base maintainer's commands: `elplan test` runs expectation files
//! against a rule base, `elplan impact` says what a rule change does to
//! many plans. The worked example is `examples/county/`: a county office's
//! own rule base, its districts, its expectations, and a deliberately
//! broken expectation.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support::*;

const COUNTY_RULES: &str = "examples/county/rules";
const COUNTY_DISTRICTS: &str = "examples/county/districts";

/// A copy of a rule folder of this crate with one edit: (file, text,
/// replacement).
fn changed_rules(from: &str, edit: Edit<'_>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&Path::new(ROOT).join(from), dir.path());
    let (file, text, replacement) = edit;
    let path = dir.path().join(file);
    let before = std::fs::read_to_string(&path).expect("rule file");
    assert_eq!(before.matches(text).count(), 1, "{file}: {text:?} once");
    std::fs::write(&path, before.replacen(text, replacement, 1)).expect("write");
    dir
}

/// The line (1-based) of the first line of `file` holding `text`.
fn line_of(file: &str, text: &str) -> usize {
    let source = std::fs::read_to_string(Path::new(ROOT).join(file)).expect("file");
    source
        .lines()
        .position(|l| l.contains(text))
        .expect("the text is in the file")
        + 1
}

/// The ids of the districts in `files` whose free or reduced-price meal
/// share is at least 70 % and under 75 %: those a move of the high-poverty
/// threshold from 75 % to 70 % concerns.
fn in_the_poverty_band(files: &[PathBuf]) -> BTreeSet<String> {
    files
        .iter()
        .map(|f| elplan::District::load(f).expect("a district"))
        .filter(|d| {
            d.students
                .frpm_share
                .is_some_and(|s| (0.70..0.75).contains(&s))
        })
        .map(|d| d.id)
        .collect()
}

fn district_files(dir: &Path) -> Vec<PathBuf> {
    let (files, _) = elplan::batch::district_files(&[dir.to_path_buf()]).expect("districts");
    files
}

#[test]
fn the_county_example_meets_its_own_expectations() {
    // A rule folder given as the folder to test is also the rule base tested.
    let output = elplan(&["test", COUNTY_RULES]).run();
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    let text = stdout(&output);
    assert!(
        text.contains("ok   examples/county/rules/tests/county.expect.ron: 25 passed, 0 failed"),
        "{text}"
    );
    assert!(text.ends_with("25 passed, 0 failed\n"), "{text}");
}

#[test]
fn a_broken_expectation_fails_with_its_file_and_line() {
    let file = "examples/county/broken/wrong.expect.ron";
    let output = elplan(&["test", "examples/county/broken", "--rules", COUNTY_RULES]).run();
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    let line = line_of(file, "Fires(\"high_poverty\")");
    let text = stdout(&output);
    assert!(
        text.contains(&format!(
            "FAIL {file}:{line}:13: riverbend: Fires(\"high_poverty\"): it does not fire\n"
        )),
        "{text}"
    );
    assert!(text.ends_with("1 passed, 1 failed\n"), "{text}");

    let json = elplan(&[
        "test",
        "examples/county/broken",
        "--rules",
        COUNTY_RULES,
        "--format",
        "json",
    ])
    .run();
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(report["format"], "elplan.test/1");
    assert_eq!(
        (report["passed"].as_u64(), report["failed"].as_u64()),
        (Some(1), Some(1))
    );
    let failure = &report["failures"][0];
    assert_eq!(failure["file"], file);
    assert_eq!(failure["line"].as_u64(), Some(line as u64));
    assert_eq!(failure["district"], "riverbend");
    assert_eq!(failure["expectation"], "Fires(\"high_poverty\")");
}

#[test]
fn bad_expectation_files_are_diagnosed_with_file_line_and_field() {
    insta::glob!("../bad/expectations", "*.expect.ron", |path| {
        let relative = relative(path);
        let output = elplan(&["test", &relative, "--rules", COUNTY_RULES]).run();
        assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
        assert!(
            output.stdout.is_empty(),
            "nothing is run: {}",
            shown(&output)
        );
        let text = stderr(&output);
        assert!(text.starts_with("error: "), "{text}");
        assert!(!text.contains("panicked"), "{text}");
        insta::assert_snapshot!(text);
    });
}

#[test]
fn a_folder_without_expectations_is_an_error_that_says_what_it_looked_for() {
    let output = elplan(&["test", COUNTY_DISTRICTS]).run();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no expectation files (*.expect.ron) in this folder or below it"),
        "{}",
        shown(&output)
    );
}

#[test]
fn a_snapshot_is_written_by_update_and_a_rule_change_fails_it_with_the_decisions_that_moved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let districts = Path::new(ROOT).join(COUNTY_DISTRICTS);
    let file = dir.path().join("plans.expect.ron");
    std::fs::write(
        &file,
        format!(
            // The cases on a line of their own: the failure's column does
            // not depend on where the project lies.
            "Expectations(districts: [{:?}],\n    cases: [Snapshot(\"riverbend\"), Snapshot(\"pine-hill\")])",
            districts.display().to_string()
        ),
    )
    .expect("write");
    let run = |rules: &Path, update: bool| {
        let mut args = vec![
            "test".to_string(),
            file.display().to_string(),
            "--rules".to_string(),
            rules.display().to_string(),
        ];
        if update {
            args.push("--update".to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        elplan(&args).run()
    };
    let county = Path::new(ROOT).join(COUNTY_RULES);
    let missing = run(&county, false);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stdout(&missing).contains("`elplan test --update` writes it"),
        "{}",
        shown(&missing)
    );

    let written = run(&county, true);
    assert_eq!(written.status.code(), Some(0), "{}", shown(&written));
    assert!(stdout(&written).ends_with("2 passed, 0 failed; 2 snapshots written\n"));
    let snapshot = dir.path().join("snapshots/riverbend.outline.ron");
    let kept = std::fs::read_to_string(&snapshot).expect("the snapshot");
    assert!(
        kept.contains("(id: \"designated_eld\", reason: chosen, months: (8, 9)),"),
        "{kept}"
    );
    let again = run(&county, false);
    assert_eq!(again.status.code(), Some(0), "{}", shown(&again));
    assert!(
        stdout(&again).ends_with("2 passed, 0 failed\n"),
        "{}",
        shown(&again)
    );

    // The county lowers its poverty threshold: Riverbend's plan moves, Pine
    // Hill's does not, and the failure lists decisions, not prose.
    let lower = changed_rules(
        COUNTY_RULES,
        ("derived.ron", "value: \"0.75\"", "value: \"0.70\""),
    );
    let moved = run(lower.path(), false);
    assert_eq!(moved.status.code(), Some(1), "{}", shown(&moved));
    let text = stdout(&moved).replace(&dir.path().display().to_string(), "[DIR]");
    insta::assert_snapshot!("snapshot-after-a-threshold-change", text);
    assert_eq!(
        std::fs::read_to_string(&snapshot).expect("kept"),
        kept,
        "a failed run writes nothing"
    );

    // A snapshot that no longer reads is a diagnostic, not a failed test.
    std::fs::write(&snapshot, "Outline(district: \"riverbend\", oops)").expect("write");
    let broken = run(&county, false);
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        stderr(&broken).contains("riverbend.outline.ron:1:"),
        "{}",
        shown(&broken)
    );
    assert!(
        stderr(&broken).contains("`elplan test --update`"),
        "{}",
        shown(&broken)
    );
}

#[test]
fn coverage_says_what_the_expectations_never_exercise() {
    let output = elplan(&["test", COUNTY_RULES, "--coverage", "--format", "json"]).run();
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let coverage = &report["coverage"];
    assert_eq!(coverage["districts"], 5);
    let not_named: Vec<&str> = coverage["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["named"] == false)
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(not_named, ["novice_team"]);
    let never_held: Vec<String> = coverage["branches"]
        .as_array()
        .expect("branches")
        .iter()
        .filter(|b| {
            b["held"] == 0
                && b["rule"]
                    .as_str()
                    .is_some_and(|r| !r.starts_with("checklist"))
        })
        .map(|b| {
            format!(
                "{} {}",
                b["rule"].as_str().unwrap_or(""),
                b["text"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(never_held, ["strategy family_survey goals.engage_families"]);
    let text = elplan(&["test", COUNTY_RULES, "--coverage"]).ok();
    assert!(
        text.contains("  findings named by an expectation: 4 of 5; not named: novice_team\n"),
        "{text}"
    );
    assert!(
        text.contains("examples/county/rules/strategies/family.ron:3  strategy family_survey, when: goals.engage_families\n"),
        "{text}"
    );
}

#[test]
fn impact_of_a_threshold_change_names_exactly_the_districts_whose_plans_move() {
    // The built-in rule base, its high-poverty threshold lowered from 75 %
    // to 70 %, over the county's hand-made districts.
    let lower = changed_rules(
        "rules",
        (
            "findings.ron",
            "students.frpm_share >= 0.75",
            "students.frpm_share >= 0.70",
        ),
    );
    let rules = lower.path().display().to_string();
    let output = elplan(&[
        "impact",
        "--rules",
        &rules,
        COUNTY_DISTRICTS,
        "--format",
        "json",
    ])
    .run();
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["format"], "elplan.impact/1");
    assert_eq!(report["baseline"], "embedded");
    assert_eq!(report["districts"], 5);
    let changed: BTreeSet<String> = report["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .map(|p| p["id"].as_str().expect("id").to_string())
        .collect();
    let band = in_the_poverty_band(&district_files(&Path::new(ROOT).join(COUNTY_DISTRICTS)));
    assert_eq!(changed, band);
    assert_eq!(band.len(), 2, "riverbend (72 %) and harbor-city (74 %)");
    assert_eq!(report["plans_changed"], 2);
    let poverty = report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "high_poverty")
        .expect("high_poverty moved");
    assert_eq!(poverty["movements"], serde_json::json!({"appeared": 2}));
    for plan in report["plans"].as_array().expect("plans") {
        assert_eq!(plan["diff"]["format"], "elplan.diff/1");
        assert_eq!(
            plan["diff"]["findings_added"][0]["id"], "high_poverty",
            "{plan}"
        );
    }

    let text = elplan(&["impact", "--rules", &rules, COUNTY_DISTRICTS]).ok();
    let text = text.replace(&rules, "[NEW]");
    insta::assert_snapshot!("impact-poverty-threshold", text);
}

#[test]
fn impact_writes_a_self_contained_html_report() {
    let lower = changed_rules(
        COUNTY_RULES,
        ("derived.ron", "value: \"0.75\"", "value: \"0.70\""),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("impact.html");
    let output = elplan(&[
        "impact",
        "--rules",
        &lower.path().display().to_string(),
        "--against",
        COUNTY_RULES,
        COUNTY_DISTRICTS,
        "--format",
        "html",
        "-o",
        &out.display().to_string(),
    ])
    .run();
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    assert!(output.stdout.is_empty());
    let html = std::fs::read_to_string(&out).expect("the report");
    let body = html
        .strip_prefix("<!DOCTYPE html>\n")
        .expect("an HTML5 page");
    let doc = roxmltree::Document::parse(body).unwrap_or_else(|e| panic!("not well-formed: {e}"));
    for tag in ["script", "link", "img", "iframe"] {
        assert!(!doc.descendants().any(|n| n.has_tag_name(tag)), "<{tag}>");
    }
    assert!(!html.contains("http"), "no network references");
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .expect("a title");
    assert_eq!(title, "Impact of a rule change: 2 of 5 plans change");
    for words in [
        "High poverty (high_poverty)",
        "appeared 2",
        "riverbend",
        "harbor-city",
        "72.0 % of students qualify for free or reduced-price meals; the county&#x27;s threshold is 70.0 %.",
    ] {
        assert!(html.contains(words), "{words}:\n{html}");
    }
}

#[test]
fn impact_needs_the_changed_rule_base() {
    let output = elplan(&["impact", COUNTY_DISTRICTS]).run();
    assert_eq!(output.status.code(), Some(2), "{}", shown(&output));
    assert!(stderr(&output).contains("elplan impact needs the changed rule base: --rules NEW"));
}

#[test]
fn impact_lists_a_district_that_does_not_plan_and_reports_the_others() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&Path::new(ROOT).join(COUNTY_DISTRICTS), dir.path());
    std::fs::copy(
        Path::new(ROOT).join("tests/bad/districts/out-of-range.ron"),
        dir.path().join("broken.ron"),
    )
    .expect("copy");
    let output = elplan(&[
        "impact",
        "--rules",
        COUNTY_RULES,
        &dir.path().display().to_string(),
        "--format",
        "json",
    ])
    .threads("2")
    .run();
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["districts"], 5);
    assert_eq!(report["failed"].as_array().map(Vec::len), Some(1));
    assert!(
        stderr(&output).contains("students.el_share: 45 is out of range"),
        "{}",
        shown(&output)
    );
    assert!(stderr(&output).contains("planned 5 of 6 districts under both rule bases"));
}

#[test]
fn impact_is_the_same_on_any_number_of_threads() {
    let lower = changed_rules(
        "rules",
        ("findings.ron", "frpm_share >= 0.75", "frpm_share >= 0.70"),
    );
    let rules = lower.path().display().to_string();
    let run = |threads: &str| {
        elplan(&[
            "impact",
            "--rules",
            &rules,
            "fixtures/calli",
            "fixtures/cases",
            "--format",
            "json",
        ])
        .threads(threads)
        .ok()
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    let report: serde_json::Value = serde_json::from_str(&one).expect("JSON");
    assert_eq!(report["plans_changed"], 5, "{one}");
}

/// The built-in rule base with its high-poverty threshold at 70 %, and the
/// built-in one.
fn sessions_before_and_after_a_threshold_change() -> (tempfile::TempDir, elplan::Session) {
    let lower = changed_rules(
        "rules",
        (
            "findings.ron",
            "students.frpm_share >= 0.75",
            "students.frpm_share >= 0.70",
        ),
    );
    let after = elplan::Session::load(&elplan::session::Sources {
        rules: Some(lower.path().to_path_buf()),
        templates: None,
    })
    .expect("the changed rules load");
    (lower, after)
}

/// A one-line condition change moves only the plans it should: of the
/// bundled fixtures, exactly those whose meal share lies between the old
/// and the new threshold, and in those the data request keeps the order of
/// every field that waits on the same rules as before.
#[test]
fn a_threshold_change_moves_only_the_plans_whose_finding_flips() {
    let (_dir, after) = sessions_before_and_after_a_threshold_change();
    let before = session();
    let files = fixtures();
    let mut differ = BTreeSet::new();
    for file in &files {
        let district = elplan::District::load(file).expect("fixture");
        let old = before.plan(&district, file).expect("plans");
        let new = after.plan(&district, file).expect("plans");
        let json = |plan: &elplan::Plan<'_>| {
            let mut value: serde_json::Value = serde_json::from_str(&plan.to_json()).expect("JSON");
            value["rules"] = serde_json::Value::Null;
            value
        };
        if json(&old) == json(&new) {
            continue;
        }
        differ.insert(district.id.clone());
        // Each field that waits on the same findings, strategies and rows
        // before and after keeps its place relative to the others.
        fn key(r: &elplan::plan::DataRequest<'_>) -> (String, Vec<String>) {
            let ids = r
                .findings
                .iter()
                .chain(&r.strategies)
                .chain(&r.requirements);
            (r.field.to_string(), ids.map(|id| id.to_string()).collect())
        }
        let new_keys: Vec<_> = new.data_request.iter().map(key).collect();
        let unchanged_old: Vec<_> = old
            .data_request
            .iter()
            .map(key)
            .filter(|k| new_keys.contains(k))
            .collect();
        let unchanged_new: Vec<_> = new_keys
            .iter()
            .filter(|k| unchanged_old.contains(k))
            .cloned()
            .collect();
        assert_eq!(
            unchanged_old, unchanged_new,
            "{}: the data request reorders",
            district.id
        );
    }
    assert_eq!(differ, in_the_poverty_band(&files));
    assert_eq!(
        differ.into_iter().collect::<Vec<_>>(),
        [
            "cap-six",
            "dual-language-shortage",
            "els-in-assistance",
            "red-bluff-union-elementary",
            "ukiah-unified"
        ]
    );
}

/// The same change over the 944 California districts: `elplan impact`
/// names exactly the districts whose meal share lies between 70 % and
/// 75 %, each because the low-income finding now fires.
#[test]
#[cfg_attr(
    not(ca_data),
    ignore = "needs the California data in ../shared/data/ca; CI always runs it"
)]
fn impact_of_a_threshold_change_over_the_944_california_districts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for (name, text) in crate::import_batch::california_district_files() {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        files.push(path);
    }
    files.sort();
    assert_eq!(files.len(), 944);
    let (_rules, after) = sessions_before_and_after_a_threshold_change();
    let impact = elplan::impact::impact(session(), &after, &files);
    assert_eq!(impact.districts, 944);
    assert!(impact.failed.is_empty(), "{:?}", impact.failed);
    let changed: BTreeSet<String> = impact.plans.iter().map(|p| p.id.clone()).collect();
    let band = in_the_poverty_band(&files);
    eprintln!(
        "{} of 944 plans change when the high-poverty threshold moves from 75 % to 70 %",
        changed.len()
    );
    assert_eq!(changed, band);
    assert!(!band.is_empty());
    for plan in &impact.plans {
        assert!(
            plan.diff
                .findings_added
                .iter()
                .any(|f| f.id == "high_poverty"),
            "{}: {:?}",
            plan.id,
            plan.lines
        );
    }
}
