//! Team decisions in the district file: set aside, named owners, asked-for
//! months kept or not, notes, status, finding verdicts; kept when the plan
//! is made again, and explained.

use crate::support::*;

const DECISIONS: &str = r#"(
        strategies: {
            "el_coordinator_role": (keep: false, reason: "The EL director already leads the plan"),
            "form_improvement_team": (owners: ["Ana Ruiz"], start_month: 1, end_month: 2, notes: "Teachers from both high schools", status: "started"),
            "el_roadmap_study": (start_month: 1),
        },
        findings: {
            "high_poverty": (verdict: Disputed, note: "CEP schools count every student"),
        },
    )"#;

fn scheduled<'a>(plan: &'a serde_json::Value, id: &str) -> Option<&'a serde_json::Value> {
    plan["stages"]
        .as_array()?
        .iter()
        .flat_map(|s| s["strategies"].as_array().into_iter().flatten())
        .find(|s| s["id"] == id)
}

#[test]
fn decisions_set_aside_name_owners_pin_months_and_dispute_findings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = with_decisions(dir.path(), DECISIONS);
    let plan = elplan(&["plan", &file, "--format", "json"]).json();

    // Set aside: not scheduled, listed with the team's reason.
    assert!(scheduled(&plan, "el_coordinator_role").is_none());
    let aside = &plan["set_aside"][0];
    assert_eq!(aside["id"], "el_coordinator_role");
    assert_eq!(aside["reason"], "The EL director already leads the plan");

    // Owners, notes, status and pinned months that can be kept.
    let team = scheduled(&plan, "form_improvement_team").expect("scheduled");
    assert_eq!(team["decision"]["owners"][0], "Ana Ruiz");
    assert_eq!(
        (team["start_month"].as_u64(), team["end_month"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(team["decision"]["honoured"], true);

    // A month that cannot be kept: what it needs first ends in month 2.
    let study = scheduled(&plan, "el_roadmap_study").expect("scheduled");
    assert_eq!(study["decision"]["honoured"], false);
    assert!(study["start_month"].as_u64() > Some(2), "{study}");
    assert!(study["decision"]["why_not"]
        .as_str()
        .expect("why")
        .contains("month 2"));

    // A disputed finding keeps its place, with the verdict beside it.
    let poverty = plan["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "high_poverty")
        .expect("still fired");
    assert_eq!(poverty["verdict"], "Disputed");

    // The draft and the workplan say so in words.
    let draft = elplan(&["plan", &file]).ok();
    for expected in [
        "## Set aside by the team",
        "Name an EL coordinator to own the plan: The EL director already leads the plan",
        "**Named owners:** Ana Ruiz",
        "**The team's notes:** Teachers from both high schools",
        "**The team disputes this finding**: CEP schools count every student.",
        "The team asked for month 1; it cannot start then",
    ] {
        assert!(draft.contains(expected), "the draft lacks {expected:?}");
    }
    let sheet = elplan(&["plan", &file, "--format", "csv"]).ok();
    let row = sheet
        .lines()
        .find(|l| l.starts_with("form_improvement_team,"))
        .expect("a row");
    assert!(
        row.contains("Ana Ruiz") && row.ends_with(",started"),
        "{row}"
    );

    // explain gives a decision's effect.
    let explained = elplan(&["explain", &file, "el_roadmap_study"]).ok();
    assert!(
        explained.contains("The team's decision: the team asked for month 1, not kept"),
        "{explained}"
    );
    let aside = elplan(&["explain", &file, "el_coordinator_role"]).ok();
    assert!(
        aside.contains("`el_coordinator_role`: set aside."),
        "{aside}"
    );
}

/// What needs a strategy the team set aside is flagged, not dropped.
#[test]
fn what_needs_a_set_aside_strategy_is_flagged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = with_decisions(
        dir.path(),
        r#"(strategies: {"form_improvement_team": (keep: false, reason: "The school board is the team")})"#,
    );
    let plan = elplan(&["plan", &file, "--format", "json"]).json();
    let study = scheduled(&plan, "el_roadmap_study").expect("still scheduled");
    assert_eq!(study["needs_set_aside"][0], "form_improvement_team");
    let needed_by = plan["set_aside"][0]["needed_by"]
        .as_array()
        .expect("needed by");
    assert!(needed_by.iter().any(|id| id == "el_roadmap_study"));
    let draft = elplan(&["plan", &file]).ok();
    assert!(draft.contains("which the team set aside: re-plan it, or bring that work back"));
}

/// Decisions live in the district file, so a plan made again, even on
/// changed data, keeps every one of them.
#[test]
fn a_plan_made_again_keeps_the_decisions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = with_decisions(dir.path(), DECISIONS);
    let first = elplan(&["plan", &file, "--format", "json"]).json();
    let again = elplan(&[
        "plan",
        &file,
        "--format",
        "json",
        "--set",
        "students.el_share=0.5",
    ])
    .json();
    for plan in [&first, &again] {
        assert_eq!(plan["set_aside"][0]["id"], "el_coordinator_role");
        let team = scheduled(plan, "form_improvement_team").expect("scheduled");
        assert_eq!(team["decision"]["owners"][0], "Ana Ruiz");
        assert_eq!(team["decision"]["status"], "started");
    }
}

/// A decision about an id the rule base lacks, or a set-aside without a
/// reason, is a diagnostic with exit 1.
#[test]
fn bad_decisions_are_diagnosed() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (decisions, expected) in [
        (
            r#"(strategies: {"coaching_modl": (notes: "x")})"#,
            "`coaching_modl` is not a strategy of the rule base",
        ),
        (
            r#"(findings: {"high_povrty": (verdict: Confirmed)})"#,
            "`high_povrty` is not a finding of the rule base",
        ),
        (
            r#"(strategies: {"coaching_model": (keep: false)})"#,
            "needs the team's reason",
        ),
        (
            r#"(strategies: {"coaching_model": (start_month: 30)})"#,
            "is not a month of the plan",
        ),
        (
            r#"(strategies: {"coaching_model": (start_month: 5, end_month: 3)})"#,
            "before the start month",
        ),
    ] {
        let file = with_decisions(dir.path(), decisions);
        let output = elplan(&["plan", &file]).run();
        assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
        assert!(stderr(&output).contains(expected), "{}", shown(&output));
    }
}

/// The line and column of `needle` in `file`, as a diagnostic shows them.
fn place_of(file: &str, needle: &str) -> String {
    let text = std::fs::read_to_string(file).expect("the district file");
    let at = text.find(needle).expect("in the file");
    let line = text[..at].matches('\n').count() + 1;
    let column = text[..at]
        .rsplit('\n')
        .next()
        .map_or(0, |l| l.chars().count())
        + 1;
    format!("{file}:{line}:{column}")
}

/// Issue 22 (7): a strategy or finding named twice in `decisions` read as
/// its later entry alone, and the team's set-aside and verdict vanished.
/// Now it is an error that names both places.
#[test]
fn a_decision_named_twice_is_an_error_naming_both_places() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = with_decisions(
        dir.path(),
        r#"(
        strategies: {
            "coaching_model": (keep: false, reason: "The county coaches us"),
            "pdsa_cycles": (start_month: 9),
            "coaching_model": (notes: "Ask the county"),
        },
        findings: {
            "high_poverty": (verdict: Disputed, note: "CEP schools"),
            "high_poverty": (verdict: Confirmed),
        },
    )"#,
    );
    let output = elplan(&["plan", &file, "--format", "json"]).run();
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    assert!(output.stdout.is_empty(), "no plan: {}", shown(&output));
    let text = stderr(&output);
    for (section, id, first, second) in [
        ("strategies", "coaching_model", "(keep", "(notes"),
        (
            "findings",
            "high_poverty",
            "(verdict: Disputed",
            "(verdict: Confirmed",
        ),
    ] {
        let first = place_of(&file, &format!("\"{id}\": {first}"));
        let second = place_of(&file, &format!("\"{id}\": {second}"));
        assert!(
            text.contains(&format!(
                "decisions.{section}: `{id}` is named twice (first at {first})"
            )),
            "{text}"
        );
        assert!(text.contains(&format!("--> {second}\n")), "{text}");
    }
}

/// Issue 22 (11): decisions the plan cannot use were dropped without a
/// word. Each is now a warning in the plan JSON (`warnings`) and on
/// standard error, at its place in the file; the plan is still made.
#[test]
fn decisions_that_cannot_apply_are_warned_in_the_plan_and_on_stderr() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = with_decisions(
        dir.path(),
        r#"(
        strategies: {
            "coaching_model": (keep: false, reason: "County coaches", owners: ["Ana Ruiz"], start_month: 3, status: "planned"),
            "newcomer_program": (notes: "Ask the county office"),
            "form_improvement_team": (reason: "Kept because the board asked"),
            "el_roadmap_study": (notes: "Used: it is scheduled"),
        },
        findings: {
            "high_ltel_rate": (verdict: Disputed, note: "Our count is lower"),
            "high_poverty": (verdict: Confirmed),
            "large_district": (verdict: Confirmed),
        },
    )"#,
    );
    let output = elplan(&["plan", &file, "--format", "json"]).run();
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let warnings = plan["warnings"].as_array().expect("warnings");
    let about: Vec<(&str, &str)> = warnings
        .iter()
        .map(|w| {
            (
                w["about"].as_str().expect("about"),
                w["message"].as_str().expect("message"),
            )
        })
        .collect();
    assert_eq!(
        about,
        [
            (
                "decisions.strategies.coaching_model",
                "set aside (keep: false), so its owners, start_month and status are not used"
            ),
            (
                "decisions.strategies.form_improvement_team",
                "not set aside, so its reason is not used: a reason goes with keep: false"
            ),
            (
                "decisions.strategies.newcomer_program",
                "not scheduled in this plan (it waits on data the file lacks), so its notes are not used"
            ),
            (
                "decisions.findings.high_ltel_rate",
                "not among this plan's findings (it waits on data the file lacks), so the team's verdict and note are not shown"
            ),
            (
                "decisions.findings.large_district",
                "not among this plan's findings (it does not fire for this district), so the team's verdict is not shown"
            ),
        ]
    );
    // Each at the line and column of its entry, there and on standard error.
    let text = stderr(&output);
    for (w, needle) in warnings.iter().zip([
        r#""coaching_model""#,
        r#""form_improvement_team""#,
        r#""newcomer_program""#,
        r#""high_ltel_rate""#,
        r#""large_district""#,
    ]) {
        let place = place_of(&file, needle);
        assert!(
            place.ends_with(&format!(":{}:{}", w["line"], w["column"])),
            "{place}: {w}"
        );
        assert!(
            text.contains(&format!(
                "warning: {}: {}\n  --> {place}\n",
                w["about"].as_str().expect("about"),
                w["message"].as_str().expect("message")
            )),
            "{text}"
        );
    }
    // A plan without such decisions has no `warnings` at all.
    let clean = elplan(&["plan", MENDOTA, "--format", "json"]).run();
    assert!(stderr(&clean).is_empty(), "{}", shown(&clean));
    let clean: serde_json::Value = serde_json::from_slice(&clean.stdout).expect("JSON");
    assert!(clean.get("warnings").is_none());
}

/// Issue 22 (18): a diagnostic about decisions (an unknown id, a month out
/// of range, an end before its start, a set-aside without its reason) gave
/// no line or column, unlike every other district diagnostic. Each now
/// points at the entry or its field, also under `--set`.
#[test]
fn every_decisions_diagnostic_has_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (decisions, expected, at) in [
        (
            r#"(strategies: {"coaching_modl": (notes: "x")})"#,
            "decisions.strategies: `coaching_modl` is not a strategy of the rule base",
            r#""coaching_modl""#,
        ),
        (
            r#"(findings: {"high_povrty": (verdict: Confirmed)})"#,
            "decisions.findings: `high_povrty` is not a finding of the rule base",
            r#""high_povrty""#,
        ),
        (
            r#"(strategies: {"coaching_model": (notes: "n", keep: false)})"#,
            "decisions.strategies.coaching_model.reason: a strategy set aside (keep: false) needs the team's reason",
            r#""coaching_model""#,
        ),
        (
            r#"(strategies: {"coaching_model": (notes: "n", start_month: 30)})"#,
            "decisions.strategies.coaching_model.start_month: 30 is not a month of the plan",
            "start_month: 30",
        ),
        (
            r#"(strategies: {"coaching_model": (start_month: 5, end_month: 3)})"#,
            "decisions.strategies.coaching_model.end_month: month 3 is before the start month 5",
            "end_month: 3",
        ),
    ] {
        let file = with_decisions(dir.path(), decisions);
        for set in [None, Some("students.frpm_share=0.5")] {
            let mut args = vec!["plan", file.as_str()];
            args.extend(set.iter().flat_map(|s| ["--set", *s]));
            let output = elplan(&args).run();
            assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
            let text = stderr(&output);
            assert!(text.contains(expected), "{text}");
            if set.is_none() || expected.starts_with("decisions.strategies: ")
                || expected.starts_with("decisions.findings: ")
            {
                let place = place_of(&file, at);
                assert!(text.contains(&format!("--> {place}\n")), "{text}");
            }
        }
    }
}
