//! The command line as a user meets it: exit codes, diagnostics on bad
//! input, atomic output, `--set`, standard input, custom rules and templates.

use std::path::Path;
use std::process::Output;

use crate::support::*;

#[test]
fn bad_district_files_fail_with_a_diagnostic_and_leave_no_output() {
    insta::glob!("../bad/districts", "*.ron", |path| {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("plan.md");
        let relative = path.strip_prefix(ROOT).expect("inside the crate");
        let output = elplan(&[
            "plan",
            &relative.to_string_lossy(),
            "-o",
            &out.to_string_lossy(),
        ])
        .run();
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert!(!out.exists(), "a failed run must not write its output");
        insta::assert_snapshot!(stderr(&output));
    });
}

#[test]
fn a_failed_run_leaves_an_earlier_output_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("plan.md");
    std::fs::write(&out, "last week's plan").expect("write");
    let output = elplan(&[
        "plan",
        "tests/bad/districts/out-of-range.ron",
        "-o",
        &out.to_string_lossy(),
    ])
    .run();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&out).expect("read"),
        "last week's plan"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn output_to_a_file_matches_standard_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("plan.md");
    let to_file = elplan(&["plan", MENDOTA, "-o", &out.to_string_lossy()]).run();
    assert!(to_file.status.success(), "{}", stderr(&to_file));
    assert!(to_file.stdout.is_empty());
    let printed = elplan(&["plan", MENDOTA]).run();
    assert_eq!(std::fs::read(&out).expect("read"), printed.stdout);
    assert!(stdout(&printed).starts_with("# Systemic Improvement Plan for English Learner Success"));
}

#[test]
fn json_has_the_interface_fields_and_the_four_stages_in_order() {
    let output = elplan(&["plan", MENDOTA, "--format", "json"]).run();
    assert!(output.status.success(), "{}", stderr(&output));
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(plan["format"], "elplan.plan/1");
    assert_eq!(plan["district"]["id"], "mendota-unified");
    assert_eq!(plan["district"]["data_year"], "2014-15");
    assert_eq!(plan["horizon_months"], 24);
    let stages: Vec<&str> = plan["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert_eq!(stages, ["launch", "assess", "design", "implement"]);
    let first = &plan["stages"][0];
    for key in ["title", "start_month", "end_month", "strategies"] {
        assert!(first.get(key).is_some(), "stage lacks {key}");
    }
    let strategy = &first["strategies"][0];
    for key in [
        "id",
        "title",
        "area",
        "reason",
        "requires",
        "required_by",
        "addresses",
        "priority",
    ] {
        assert!(strategy.get(key).is_some(), "strategy lacks {key}");
    }
    let finding = &plan["findings"][0];
    for key in ["id", "title", "area", "severity", "evidence"] {
        assert!(finding.get(key).is_some(), "finding lacks {key}");
    }
    let pending = &plan["pending"][0];
    for key in ["id", "kind", "missing"] {
        assert!(pending.get(key).is_some(), "pending lacks {key}");
    }
    assert!(plan["in_place"].is_array() && plan["deferred"].is_array());
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let a = elplan(&[
        "plan",
        "fixtures/cases/full-history.ron",
        "--format",
        "json",
    ])
    .run();
    let b = elplan(&[
        "plan",
        "fixtures/cases/full-history.ron",
        "--format",
        "json",
    ])
    .run();
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn set_overrides_a_field_before_planning() {
    let path = "fixtures/cases/complete-team.ron";
    let fired = |output: &Output| -> Vec<String> {
        let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        plan["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["id"].as_str().expect("id").to_string())
            .collect()
    };
    let before = elplan(&["plan", path, "--format", "json"]).run();
    assert!(!fired(&before).contains(&"leadership_instability".to_string()));
    let after = elplan(&[
        "plan",
        path,
        "--format",
        "json",
        "--set",
        "leadership.changes_last_3_years=3",
    ])
    .run();
    assert!(after.status.success(), "{}", stderr(&after));
    assert!(fired(&after).contains(&"leadership_instability".to_string()));
    let plan: serde_json::Value = serde_json::from_slice(&after.stdout).expect("JSON");
    let scheduled: Vec<&str> = plan["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .flat_map(|s| s["strategies"].as_array().expect("strategies"))
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert!(scheduled.contains(&"leadership_continuity"));
}

#[test]
fn set_accepts_enum_values_and_lists() {
    let output = elplan(&[
        "plan",
        MENDOTA,
        "--format",
        "json",
        "--set",
        "leadership.improvement_science=Novice",
        "--set",
        "leadership.improvement_team=[Teachers, Principals]",
    ])
    .run();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("\"improvement_science_gap\""));
    assert!(text.contains("\"incomplete_improvement_team\""));
}

#[test]
fn bad_set_values_are_diagnosed() {
    let cases = [
        ("students.el_shar=0.5", "unknown-path"),
        ("students.el_share=lots", "wrong-type"),
        ("students.el_share=1.5", "out-of-range"),
        ("leadership.improvement_science=Expert", "unknown-variant"),
        ("students.el_share", "no-value"),
    ];
    for (set, name) in cases {
        let output = elplan(&["plan", MENDOTA, "--set", set]).run();
        let code = output.status.code();
        assert!(code == Some(1) || code == Some(2), "{set}: exit {code:?}");
        insta::assert_snapshot!(
            format!("set-{name}"),
            format!("exit {code:?}\n{}", stderr(&output))
        );
    }
}

#[test]
fn a_district_can_come_from_standard_input() {
    let text = std::fs::read_to_string(Path::new(ROOT).join(MENDOTA)).expect("read");
    let piped = elplan(&["plan", "-", "--format", "json"])
        .stdin(&text)
        .run();
    assert!(piped.status.success(), "{}", stderr(&piped));
    let direct = elplan(&["plan", MENDOTA, "--format", "json"]).run();
    assert_eq!(piped.stdout, direct.stdout);
    let broken = elplan(&["plan", "-"]).stdin("District(").run();
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        stderr(&broken).contains("<stdin>:1:"),
        "{}",
        stderr(&broken)
    );
}

#[test]
fn bad_usage_exits_with_2() {
    assert_eq!(elplan(&["plan"]).run().status.code(), Some(2));
    assert_eq!(
        elplan(&["plan", MENDOTA, "--format", "odt"])
            .run()
            .status
            .code(),
        Some(2)
    );
    assert_eq!(elplan(&["frobnicate"]).run().status.code(), Some(2));
}

#[test]
fn a_missing_file_is_reported() {
    let output = elplan(&["plan", "fixtures/nowhere.ron"]).run();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("error: cannot read the file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn broken_rule_bases_are_diagnosed() {
    let cases: &[(&str, &[Edit<'_>])] = &[
        (
            "finding-cycle",
            &[
                ("findings.ron", "when: \"enrollment < 5000\"", "when: \"enrollment < 5000 or findings.high_poverty\""),
                ("findings.ron", "when: \"students.frpm_share >= 0.75\"", "when: \"students.frpm_share >= 0.75 or derived.history_years > 0\""),
                ("derived.ron", "value: \"history | length\"", "value: \"history | length if findings.small_district_capacity else 0\""),
            ],
        ),
        ("requires-cycle", &[("strategies/leadership.ron", "        when: \"true\",\n        in_place_when: \"derived.team_complete\",", "        when: \"true\",\n        requires: [\"plan_adoption\"],\n        in_place_when: \"derived.team_complete\",")]),
        ("unknown-requires", &[("strategies/leadership.ron", "requires: [\"district_leadership_team\"],", "requires: [\"district_leadershp_team\"],")]),
        ("duplicate-id", &[("strategies/data.ron", "id: \"annual_evaluation\"", "id: \"progress_reviews\"")]),
        ("expression-syntax", &[("findings.ron", "when: \"enrollment < 5000\"", "when: \"enrollment < (5000\"")]),
        ("unknown-name", &[("derived.ron", "value: \"derived.el_count >= 51\"", "value: \"derived.el_cont >= 51\"")]),
        ("unknown-field-in-expression", &[("findings.ron", "when: \"students.frpm_share >= 0.75\"", "when: \"students.frmp_share >= 0.75\"")]),
        ("ron-syntax", &[("areas.ron", "id: \"data\",", "id: \"data\"")]),
        ("unknown-rule-field", &[("strategies/family.ron", "rationale: \"Families and students see", "rationle: \"Families and students see")]),
        ("unknown-stage", &[("strategies/family.ron", "stage: \"design\"", "stage: \"desing\"")]),
        ("evidence-syntax", &[("findings.ron", "evidence: \"With {{ enrollment | thousands }} students", "evidence: \"With {{ enrollment | thousands students")]),
        ("rule-error-at-evaluation", &[("findings.ron", "when: \"enrollment < 5000\"", "when: \"enrollment + 'many' > 0\"")]),
        ("unknown-covered-by", &[("findings.ron", "covered_by: [\"elpi_color_low\"]", "covered_by: [\"elpi_colour_low\"]")]),
        ("unknown-applies-if", &[("findings.ron", "applies_if: \"serves_secondary\"", "applies_if: \"serves_secundary\"")]),
        ("action-variant-out-of-range", &[("strategies/data.ron", "(action: 2, applies_if: \"delac_required\"", "(action: 5, applies_if: \"delac_required\"")]),
        ("unknown-goal-served-by", &[("goals.ron", "\"graduation_pathway_review\"", "\"graduation_pathway_reviw\"")]),
        ("unknown-goal-finding", &[("goals.ron", "findings: [\"high_ltel_rate\", \"ltels_in_assistance\"]", "findings: [\"high_ltel_rate\", \"ltels_in_asistance\"]")]),
        ("unknown-rationale-variant", &[("strategies/leadership.ron", "(applies_if: \"in_assistance\", text: \"The district is in", "(applies_if: \"in_asistance\", text: \"The district is in")]),
        ("first-test-variant-without-condition", &[("strategies/leadership.ron", "(applies_if: \"in_assistance\", text: \"At the next", "(text: \"At the next")]),
    ];
    for (name, edits) in cases {
        let dir = broken_rules(edits);
        let rules = dir.path().to_string_lossy().into_owned();
        let elsewhere = tempfile::tempdir().expect("temp dir");
        let out = elsewhere.path().join("plan.md");
        let output = elplan(&[
            "plan",
            MENDOTA,
            "--rules",
            &rules,
            "-o",
            &out.to_string_lossy(),
        ])
        .run();
        assert_eq!(output.status.code(), Some(1), "{name}: {}", stderr(&output));
        assert!(!out.exists(), "{name}: no output on failure");
        let text = stderr(&output).replace(&rules, "[RULES]");
        insta::assert_snapshot!(format!("rules-{name}"), text);
    }
}

#[test]
fn a_copy_of_the_default_rules_plans_like_the_embedded_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&Path::new(ROOT).join("rules"), dir.path());
    let custom = elplan(&[
        "plan",
        MENDOTA,
        "--format",
        "json",
        "--rules",
        &dir.path().to_string_lossy(),
    ])
    .run();
    let embedded = elplan(&["plan", MENDOTA, "--format", "json"]).run();
    assert!(custom.status.success(), "{}", stderr(&custom));
    let strip = |o: &Output| {
        stdout(o)
            .lines()
            .filter(|l| !l.contains("\"rules\":"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&custom), strip(&embedded));
}

#[test]
fn broken_templates_are_diagnosed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let templates = dir.path().to_string_lossy().into_owned();
    std::fs::write(
        dir.path().join("plan.md.j2"),
        "# {{ plan.district.name }}\n{% for s in plan.stages %}\n",
    )
    .expect("write");
    let syntax = elplan(&["plan", MENDOTA, "--templates", &templates]).run();
    assert_eq!(syntax.status.code(), Some(1));
    insta::assert_snapshot!(
        "template-syntax",
        stderr(&syntax).replace(&templates, "[TEMPLATES]")
    );

    std::fs::write(
        dir.path().join("plan.md.j2"),
        "# {{ plan.district.name }}\n{{ plan.no_such_field }}\n",
    )
    .expect("write");
    let undefined = elplan(&["plan", MENDOTA, "--templates", &templates]).run();
    assert_eq!(undefined.status.code(), Some(1));
    insta::assert_snapshot!(
        "template-undefined",
        stderr(&undefined).replace(&templates, "[TEMPLATES]")
    );

    std::fs::write(
        dir.path().join("plan.md.j2"),
        "{{ plan.district.name }} has {{ plan.stages | length }} stages\n",
    )
    .expect("write");
    let custom = elplan(&["plan", MENDOTA, "--templates", &templates]).run();
    assert!(custom.status.success(), "{}", stderr(&custom));
    assert_eq!(stdout(&custom), "Mendota Unified has 4 stages\n");

    let empty = tempfile::tempdir().expect("temp dir");
    let missing = elplan(&[
        "plan",
        MENDOTA,
        "--templates",
        &empty.path().to_string_lossy(),
    ])
    .run();
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("no template `plan.md.j2`"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn new_prints_a_starter_district_that_plans() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lake-view-unified.ron");
    let made = elplan(&["new", "lake-view-unified", "-o", &path.to_string_lossy()]).run();
    assert!(made.status.success(), "{}", stderr(&made));
    let district = elplan::District::load(&path).expect("the starter file loads");
    assert_eq!(
        (district.id.as_str(), district.name.as_str()),
        ("lake-view-unified", "Lake View Unified")
    );
    assert!(elplan(&["plan", &path.to_string_lossy()])
        .run()
        .status
        .success());
    let again = elplan(&["new", "lake-view-unified", "-o", &path.to_string_lossy()]).run();
    assert_eq!(again.status.code(), Some(1), "never overwrites");
    let bad = elplan(&["new", "Lake View"]).run();
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("e.g. `lake-view`"),
        "{}",
        stderr(&bad)
    );
}

/// `policy.ron` decides how priorities are weighed and which leverage and
/// principle values a rule may take; a rule directory without one gets the
/// default.
#[test]
fn the_policy_file_weighs_priorities_and_bounds_values() {
    let priority = |rules: &Path| -> u64 {
        let plan = elplan(&[
            "--rules",
            &rules.to_string_lossy(),
            "plan",
            MENDOTA,
            "--format",
            "json",
        ])
        .json();
        let first = &plan["stages"][0]["strategies"][0];
        first["priority"].as_u64().expect("priority")
    };
    let default = broken_rules(&[]);
    let base = priority(default.path());

    let heavier = broken_rules(&[("policy.ron", "leverage_weight: 1,", "leverage_weight: 30,")]);
    assert!(
        priority(heavier.path()) > base * 5,
        "leverage weighs ten times more"
    );

    let without = broken_rules(&[]);
    std::fs::remove_file(without.path().join("policy.ron")).expect("remove");
    assert_eq!(
        priority(without.path()),
        base,
        "the default policy stands in"
    );

    let narrow = broken_rules(&[(
        "policy.ron",
        "leverage: (min: 1, max: 5),",
        "leverage: (min: 1, max: 3),",
    )]);
    let output = elplan(&["--rules", &narrow.path().to_string_lossy(), "check"]).run();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("leverage 5 is out of range 1..=3")
            || stdout(&output).contains("leverage 5 is out of range 1..=3"),
        "{}",
        shown(&output)
    );
}

/// A long chain of operators in a rule (`and true` 100,000 times, `not`
/// 20,000 times, a filter 20,000 times, brackets 5,000 deep) overflowed
/// the stack in plan, check and graph; now it is refused with the rule's
/// file and line.
#[test]
fn a_long_operator_chain_in_a_rule_is_a_diagnostic_not_a_crash() {
    let chains = [
        format!("enrollment < 5000{}", " and true".repeat(100_000)),
        format!("{}true", "not ".repeat(20_000)),
        format!("enrollment{} > 0", "|abs".repeat(20_000)),
        format!("{}true{}", "(".repeat(5_000), ")".repeat(5_000)),
    ];
    for chain in &chains {
        let to = format!("when: \"{chain}\"");
        let dir = broken_rules(&[("findings.ron", "when: \"enrollment < 5000\"", &to)]);
        let rules = dir.path().to_string_lossy().into_owned();
        for args in [
            vec!["--rules", &rules, "plan", MENDOTA],
            vec!["--rules", &rules, "check"],
            vec!["--rules", &rules, "graph"],
        ] {
            let output = elplan(&args).run();
            assert_eq!(
                output.status.code(),
                Some(1),
                "{args:?}: {}",
                shown(&output)
            );
            // `check` reports on standard output, the others on standard error.
            let text = stdout(&output) + &stderr(&output);
            assert!(
                text.contains("findings.ron:"),
                "{args:?}: names the file and line"
            );
            assert!(text.contains("operators"), "{args:?}: says why");
        }
    }
}

/// A file whose lines end in a carriage return alone (old Mac editors) is
/// read like any other, not refused with "Expected opening `(`".
#[test]
fn cr_only_line_endings_are_read() {
    let district = "District(id: \"x\", name: \"X\", kind: Unified,\r    enrollment: 900, students: (el_share: 0.3))\r";
    let draft = elplan(&["plan", "-"]).stdin(district).ok();
    assert!(draft.contains("**X**"), "{draft}");
}

/// Issue 22 (19): `--set students.el_share=NaN` (or `inf`, `1e400`, a
/// 400-digit enrollment) said "invalid type: null, expected f64": the
/// value went through JSON, which has no such numbers. A `--set` value is
/// now read by RON as the field's own type, as the district file is, and
/// meets the same checks: the same words as the same value in the file.
#[test]
fn set_values_meet_the_words_of_the_district_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(Path::new(ROOT).join(MENDOTA)).expect("fixture");
    let digits = "9".repeat(400);
    let cases = [
        ("students.el_share", "el_share: 0.687", "NaN"),
        ("students.el_share", "el_share: 0.687", "inf"),
        ("students.el_share", "el_share: 0.687", "-inf"),
        ("students.el_share", "el_share: 0.687", "1e400"),
        ("students.el_share", "el_share: 0.687", "lots"),
        ("students.el_share", "el_share: 0.687", "True"),
        ("enrollment", "enrollment: 3146", digits.as_str()),
        ("enrollment", "enrollment: 3146", "5000000000"),
        ("enrollment", "enrollment: 3146", "-3"),
        ("schools", "schools: 7", "\"seven\""),
    ];
    // The words after the field's name, and the hint.
    let words = |output: &Output| -> (String, Option<String>) {
        let text = stderr(output);
        let first = text.lines().next().unwrap_or_default();
        let said = first
            .split_once(": ")
            .and_then(|(_, rest)| rest.split_once(": "))
            .map(|(_, said)| said.to_string())
            .unwrap_or_else(|| panic!("no message: {text}"));
        let hint = text
            .lines()
            .find(|l| l.contains("= hint:"))
            .map(str::to_string);
        (said, hint)
    };
    for (path, written, value) in cases {
        let field = path.rsplit('.').next().expect("a field");
        let file = dir.path().join("district.ron");
        std::fs::write(&file, text.replace(written, &format!("{field}: {value}"))).expect("write");
        let from_file = elplan(&["plan", &file.to_string_lossy()]).run();
        let from_set = elplan(&["plan", MENDOTA, "--set", &format!("{path}={value}")]).run();
        for output in [&from_file, &from_set] {
            assert_eq!(output.status.code(), Some(1), "{value}: {}", shown(output));
            assert!(!stderr(output).contains("null"), "{}", shown(output));
        }
        assert_eq!(
            words(&from_file),
            words(&from_set),
            "{path}={value}\n{}\n{}",
            shown(&from_file),
            shown(&from_set)
        );
    }
    let said = stderr(&elplan(&["plan", MENDOTA, "--set", "students.el_share=NaN"]).run());
    assert!(
        said.starts_with("error: students.el_share: NaN is out of range 0..=1\n  --> --set students.el_share=NaN\n"),
        "{said}"
    );
}

/// More schools with 21 or more English learners than schools is a
/// contradiction, named at the field.
#[test]
fn more_elac_schools_than_schools_is_refused() {
    let output = elplan(&["plan", MENDOTA, "--set", "schools_with_21_els=9"]).run();
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    let said = stderr(&output);
    assert!(
        said.starts_with(
            "error: schools_with_21_els: 9 schools with 21 or more English learners, of 7 schools"
        ),
        "{said}"
    );
    let fits = elplan(&["plan", MENDOTA, "--set", "schools_with_21_els=7"]).run();
    assert_eq!(fits.status.code(), Some(0), "{}", shown(&fits));
}

/// `--date` is read once, as a date, when the arguments are: a day the
/// calendar lacks is bad usage that names the flag and the form it takes.
#[test]
fn a_date_not_on_the_calendar_is_refused_naming_the_flag_and_the_form() {
    for command in [
        &["plan", MENDOTA, "--date", "2025-02-30"][..],
        &["survey", MENDOTA, "--date", "2025-02-30"][..],
    ] {
        let output = elplan(command).run();
        assert_eq!(output.status.code(), Some(2), "{}", shown(&output));
        let text = stderr(&output);
        assert!(
            text.contains("'--date <YYYY-MM-DD>'")
                && text.contains("`2025-02-30` is not a date like 2026-09-01"),
            "{text}"
        );
    }
}

/// A dated draft's data request opens with the figures the state has
/// published anew since the district's file: the latest Dashboard by the
/// draft's date, the file's older years named; an undated draft cannot tell.
#[test]
fn a_dated_draft_asks_first_for_the_figures_published_since() {
    let district = "fixtures/cases/els-left-criteria.ron";
    let dated = elplan(&["plan", district, "--date", "2026-08-01"]).run();
    assert!(dated.status.success(), "{}", stderr(&dated));
    let text = stdout(&dated);
    let opening = text
        .lines()
        .find(|l| l.starts_with("Bring the district's figures up to date first"))
        .unwrap_or_else(|| panic!("no opening in:\n{text}"));
    assert!(
        opening.contains("by August 1, 2026, the 2025 Dashboard (2024-25 data)"),
        "{opening}"
    );
    assert!(
        opening.contains("reclassification rate (2018-19)"),
        "{opening}"
    );
    // Its ELPI status is of 2023-24, older than the 2025 Dashboard's year.
    assert!(opening.contains("ELPI status (2023-24)"), "{opening}");
    // In December the Dashboard of that year is out: 2023-24 is older still.
    let december = stdout(&elplan(&["plan", district, "--date", "2025-12-01"]).run());
    assert!(december.contains("the 2025 Dashboard (2024-25 data)"));
    let undated = stdout(&elplan(&["plan", district]).run());
    assert!(!undated.contains("Bring the district's figures"));
}

#[test]
fn a_measure_with_a_condition_shows_only_where_it_holds() {
    // Mendota teaches grades K-12: the high-school measure shows, the
    // other does not, and a measure naming no derived value is refused.
    let rules = broken_rules(&[(
        "strategies/family.ron",
        r#"(kind: process, text: "Parents attending, by language"),"#,
        r#"(kind: process, text: "Parents attending, by language"),
            (kind: process, text: "High-school families heard", applies_if: "serves_high_school"),
            (kind: process, text: "Elementary-only families heard", unless: "serves_high_school"),"#,
    )]);
    let plan = elplan(&[
        "--rules",
        &rules.path().to_string_lossy(),
        "plan",
        &fixture("calli/mendota-unified").to_string_lossy(),
        "--format",
        "json",
    ])
    .json();
    let committees = plan["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .flat_map(|s| s["strategies"].as_array().expect("strategies"))
        .find(|s| s["id"] == "advisory_committees")
        .expect("Mendota schedules the advisory committees");
    let texts: Vec<&str> = committees["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .map(|m| m["text"].as_str().expect("text"))
        .collect();
    assert!(texts.contains(&"High-school families heard"), "{texts:?}");
    assert!(
        !texts.contains(&"Elementary-only families heard"),
        "{texts:?}"
    );
    assert_eq!(
        committees["measures"][0].as_object().map(|m| m.len()),
        Some(2),
        "a measure shows its kind and text only"
    );

    let wrong = broken_rules(&[(
        "strategies/family.ron",
        r#"(kind: process, text: "Parents attending, by language"),"#,
        r#"(kind: process, text: "Parents attending, by language", applies_if: "serves_high_schol"),"#,
    )]);
    let output = elplan(&["--rules", &wrong.path().to_string_lossy(), "check"]).run();
    assert_eq!(output.status.code(), Some(1));
    let err = shown(&output);
    assert!(
        err.contains("measure 2")
            && err.contains("serves_high_schol")
            && err.contains("family.ron"),
        "{err}"
    );
}

/// No English learners the fall before cannot be a reclassification
/// rate's base: refused at the field, as other contradictions are.
#[test]
fn a_rate_base_of_no_english_learners_is_refused() {
    let output = elplan(&["plan", MENDOTA, "--set", "history[2018-19].els_prior=0"]).run();
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    let said = stderr(&output);
    assert!(
        said.contains("els_prior: 0 English learners the fall before"),
        "{said}"
    );
    let fits = elplan(&["plan", MENDOTA, "--set", "history[2018-19].els_prior=2100"]).run();
    assert_eq!(fits.status.code(), Some(0), "{}", shown(&fits));
}
