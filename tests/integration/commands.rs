//! `whatif`, `diff`, `sweep` and `explain` as users run them: snapshots of
//! their text and JSON, and the behaviours their users rely on.

use crate::support::*;

fn ids(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|x| x["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn every_scenario_on_a_district_snapshots_its_whatif() {
    insta::glob!("../../fixtures", "scenarios/*.ron", |path| {
        let scenario = path
            .strip_prefix(ROOT)
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        let district = "fixtures/cases/complete-team.ron";
        insta::assert_snapshot!(
            "text",
            elplan(&["whatif", district, "--scenario", &scenario]).ok()
        );
        insta::assert_snapshot!(
            "json",
            elplan(&[
                "whatif",
                district,
                "--scenario",
                &scenario,
                "--format",
                "json"
            ])
            .ok()
        );
    });
}

#[test]
fn leadership_turnover_adds_instability_and_continuity() {
    let diff = elplan(&[
        "whatif",
        "fixtures/cases/complete-team.ron",
        "--set",
        "leadership.changes_last_3_years=3",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(diff["format"], "elplan.diff/1");
    assert_eq!(ids(&diff["findings_added"]), ["leadership_instability"]);
    assert!(ids(&diff["strategies_added"]).contains(&"leadership_continuity".to_string()));
    assert!(ids(&diff["findings_removed"]).is_empty());
    // The new answers fill the plan past `fill_to`: the change ideas that
    // answer nothing in this district's data give up their places.
    assert_eq!(
        ids(&diff["strategies_removed"]),
        ["family_engagement_plan", "family_voice"]
    );
}

#[test]
fn a_sweep_of_the_el_share_finds_the_forty_percent_breakpoint() {
    let sweep = elplan(&[
        "sweep",
        "fixtures/calli/mendota-unified.ron",
        "--vary",
        "students.el_share=0..1:0.01",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(sweep["values"], 101);
    let at_forty = sweep["breakpoints"]
        .as_array()
        .expect("breakpoints")
        .iter()
        .find(|b| b["value"] == "0.40")
        .expect("a breakpoint at 0.40");
    assert!(at_forty["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .any(|c| c == "+high_el_concentration"));
    assert!(ids(&at_forty["diff"]["findings_added"]).contains(&"high_el_concentration".to_string()));
}

/// `elplan sweep` reports, as snapshots.
#[test]
fn sweep_reports_snapshot() {
    snapshot_reports(&[
        (
            "sweep-el-share",
            &[
                "sweep",
                "fixtures/calli/mendota-unified.ron",
                "--vary",
                "students.el_share=0..1:0.05",
            ],
        ),
        (
            "sweep-changes-json",
            &[
                "sweep",
                "fixtures/cases/complete-team.ron",
                "--vary",
                "leadership.changes_last_3_years=0..4:1",
                "--format",
                "json",
            ],
        ),
        (
            "sweep-yes-no",
            &[
                "sweep",
                "fixtures/cases/leadership-turnover.ron",
                "--vary",
                "programs.newcomer_program",
            ],
        ),
        (
            "sweep-named-choice-json",
            &[
                "sweep",
                "fixtures/cases/leadership-turnover.ron",
                "--vary",
                "leadership.improvement_science",
                "--format",
                "json",
            ],
        ),
        // A natural range: the values the district cannot take are skipped.
        (
            "sweep-skips-invalid-values",
            &[
                "sweep",
                "fixtures/cases/leadership-turnover.ron",
                "--vary",
                "students.el_share=0..0.6:0.05",
            ],
        ),
    ]);
}

/// `elplan diff` reports, as snapshots.
#[test]
fn diff_reports_snapshot() {
    snapshot_reports(&[
        (
            "diff-calli",
            &[
                "diff",
                "fixtures/calli/mendota-unified.ron",
                "fixtures/calli/pixley-union-elementary.ron",
            ],
        ),
        (
            "diff-cases-json",
            &[
                "diff",
                "fixtures/cases/no-history.ron",
                "fixtures/cases/full-history.ron",
                "--format",
                "json",
            ],
        ),
    ]);
}

/// `elplan whatif` reports, as snapshots.
#[test]
fn whatif_reports_snapshot() {
    snapshot_reports(&[
        (
            "whatif-set",
            &[
                "whatif",
                "fixtures/calli/mendota-unified.ron",
                "--set",
                "staffing.instructional_coaches=0",
                "--set",
                "staffing.teachers=150",
                "--set",
                "staffing.bilingual_authorized_teachers=10",
            ],
        ),
        (
            "whatif-history-year",
            &[
                "whatif",
                "fixtures/cases/full-history.ron",
                "--set",
                "history[-1].reclassification_rate=0.15",
                "--set",
                "history[2018-19].elpi_status=0.3",
            ],
        ),
        (
            "whatif-history-new-year-json",
            &[
                "whatif",
                "fixtures/cases/leadership-turnover.ron",
                "--set",
                "history[2024-25].reclassification_rate=0.02",
                "--format",
                "json",
            ],
        ),
    ]);
}

/// `elplan explain` answers, for findings and strategies in every state, as snapshots.
#[test]
fn explain_reports_snapshot() {
    snapshot_reports(&[
        (
            "explain-finding-fired",
            &[
                "explain",
                "fixtures/cases/full-history.ron",
                "bilingual_staffing_shortage",
            ],
        ),
        (
            "explain-finding-unknown",
            &[
                "explain",
                "fixtures/calli/mendota-unified.ron",
                "weak_el_progress",
            ],
        ),
        (
            "explain-strategy-chosen-json",
            &[
                "explain",
                "fixtures/cases/dual-language-shortage.ron",
                "dual_language_expansion",
                "--format",
                "json",
            ],
        ),
        (
            "explain-strategy-pulled-in",
            &[
                "explain",
                "fixtures/elin/urban-district.ron",
                "bilingual_teacher_pipeline",
            ],
        ),
        (
            "explain-strategy-in-place",
            &[
                "explain",
                "fixtures/cases/complete-team.ron",
                "form_improvement_team",
            ],
        ),
        (
            "explain-strategy-not-chosen",
            &[
                "explain",
                "fixtures/cases/complete-team.ron",
                "coaching_model",
            ],
        ),
        (
            "explain-strategy-pending",
            &[
                "explain",
                "fixtures/calli/mendota-unified.ron",
                "ltel_courses",
            ],
        ),
        (
            "explain-strategy-deferred",
            &["explain", "fixtures/cases/tight-cap.ron", "plan_adoption"],
        ),
        // Deferred for the cap: the cap and what took the last stage's places.
        (
            "explain-deferred-for-capacity",
            &["explain", "fixtures/cases/tight-cap.ron", "coaching_model"],
        ),
        (
            "explain-deferred-for-capacity-json",
            &[
                "explain",
                "fixtures/cases/tight-cap.ron",
                "coaching_model",
                "--format",
                "json",
            ],
        ),
        // A title in place of an id; traced through a finding to the field.
        (
            "explain-by-title",
            &[
                "explain",
                "fixtures/cases/leadership-turnover.ron",
                "Protect the plan from leadership turnover",
            ],
        ),
        // Traced through derived values to every year of the history.
        (
            "explain-through-history",
            &[
                "explain",
                "fixtures/cases/full-history.ron",
                "reclassification_below_state",
            ],
        ),
    ]);
}

/// Each case's output under its name, a snapshot.
fn snapshot_reports(cases: &[(&str, &[&str])]) {
    for (name, args) in cases {
        insta::assert_snapshot!(*name, elplan(args).ok());
    }
}

/// A mistaken sweep (an unknown field, a bad range, values the district
/// cannot take) is diagnosed with the exit code of its kind.
#[test]
fn sweep_mistakes_are_diagnosed() {
    diagnosed(&[
        (
            "sweep-unknown-path",
            &[
                "sweep",
                "fixtures/cases/complete-team.ron",
                "--vary",
                "students.el_shar=0..1:0.1",
            ],
            1,
        ),
        (
            "sweep-bad-range",
            &[
                "sweep",
                "fixtures/cases/complete-team.ron",
                "--vary",
                "students.el_share=1..0:0.1",
            ],
            2,
        ),
        (
            "sweep-invalid-values",
            &[
                "sweep",
                "fixtures/cases/complete-team.ron",
                "--vary",
                "students.el_share=1.5..2:0.5",
            ],
            1,
        ),
        (
            "sweep-numbers-need-a-range",
            &[
                "sweep",
                "fixtures/cases/complete-team.ron",
                "--vary",
                "students.el_share",
            ],
            1,
        ),
    ]);
}

/// A mistaken explain or whatif (an unknown id, a history year that is not
/// there, nothing to change, a missing or bad scenario) is diagnosed.
#[test]
fn explain_and_whatif_mistakes_are_diagnosed() {
    diagnosed(&[
        (
            "explain-unknown-id",
            &[
                "explain",
                "fixtures/cases/complete-team.ron",
                "leadership_continuty",
            ],
            1,
        ),
        (
            "whatif-history-without-a-year",
            &[
                "whatif",
                "fixtures/cases/complete-team.ron",
                "--set",
                "history.reclassification_rate=0.1",
            ],
            1,
        ),
        (
            "whatif-latest-year-of-no-history",
            &[
                "whatif",
                "fixtures/cases/no-history.ron",
                "--set",
                "history[-1].reclassification_rate=0.1",
            ],
            1,
        ),
        (
            "whatif-nothing-to-change",
            &["whatif", "fixtures/cases/complete-team.ron"],
            2,
        ),
        (
            "whatif-missing-scenario",
            &[
                "whatif",
                "fixtures/cases/complete-team.ron",
                "--scenario",
                "fixtures/scenarios/none.ron",
            ],
            1,
        ),
        (
            "whatif-bad-scenario-value",
            &[
                "whatif",
                "fixtures/cases/complete-team.ron",
                "--set",
                "students.el_share=2",
            ],
            1,
        ),
    ]);
}

/// Each case exits with its code; its output, both streams, a snapshot.
fn diagnosed(cases: &[(&str, &[&str], i32)]) {
    for (name, args, code) in cases {
        let output = elplan(args).run();
        assert_eq!(
            output.status.code(),
            Some(*code),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = format!(
            "stdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        insta::assert_snapshot!(*name, text);
    }
}

/// The plan's data request names each field the pending rules wait on,
/// once, with where to find it, the field that decides the most first;
/// `ask` prints the same list as a form, and as JSON.
#[test]
fn pending_data_becomes_a_ranked_request_and_ask_prints_it() {
    let district = "fixtures/calli/mendota-unified.ron";
    let plan = elplan(&["plan", district, "--format", "json"]).json();
    let request = plan["data_request"].as_array().expect("data_request");
    assert!(!request.is_empty(), "Mendota's file leaves data out");
    let decides = |r: &serde_json::Value| {
        ["findings", "strategies", "requirements"]
            .iter()
            .map(|k| r[k].as_array().expect("list").len())
            .sum::<usize>()
    };
    for pair in request.windows(2) {
        assert!(decides(&pair[0]) >= decides(&pair[1]), "ranked: {pair:?}");
    }
    // Every pending item's fields are in the request, and name that item.
    for p in plan["pending"].as_array().expect("pending") {
        let list = if p["kind"] == "finding" {
            "findings"
        } else {
            "strategies"
        };
        for field in p["missing"].as_array().expect("missing") {
            let r = request
                .iter()
                .find(|r| &r["field"] == field)
                .unwrap_or_else(|| panic!("{field} requested"));
            assert!(r[list].as_array().expect("ids").contains(&p["id"]), "{r}");
            assert!(r["source"].is_string() && r["question"].is_string(), "{r}");
        }
    }
    let asked = elplan(&["ask", district, "--format", "json"]).json();
    assert_eq!(&asked, &plan["data_request"]);
    let form = elplan(&["ask", district]).ok();
    let first = request[0]["field"].as_str().expect("field");
    assert!(form.contains(&format!("field:   {first}")), "{form}");
    assert!(form.contains("answer:  ____"), "{form}");
    // The Markdown draft carries the same request.
    let markdown = elplan(&["plan", district]).ok();
    assert!(markdown.contains("## Data to ask for"), "{markdown}");
}

/// The default rule base says where every field its rules read can be
/// found (`check` reports no warning for it); a rule base that leaves one
/// out is warned, naming the field.
#[test]
fn check_warns_of_a_field_without_a_data_source() {
    let rules = broken_rules(&[(
        "data_sources.ron",
        "    (field: \"enrollment\",",
        "    // (field: \"enrollment\",",
    )]);
    let output = elplan(&["check", "--rules", &rules.path().to_string_lossy()]).run();
    assert!(
        output.status.success(),
        "a warning only: {}",
        shown(&output)
    );
    assert!(
        stdout(&output)
            .contains("the rules read `enrollment`, but no data source says where to find it"),
        "{}",
        shown(&output)
    );
}

/// `survey` reports how plans vary over many districts, and for a
/// consultant how alike the drafts read, when the plans are adopted and
/// evaluated and how many change ideas they schedule.
#[test]
fn survey_reports_how_plans_vary() {
    let report = elplan(&["survey", "fixtures/calli", "--format", "json"]).json();
    assert_eq!(report["districts"], 25);
    let sets = report["strategy_sets"].as_u64().expect("sets");
    assert!(sets > 1 && sets <= 25, "{report}");
    let pending = report["mean_pending_share"].as_f64().expect("share");
    assert!((0.0..1.0).contains(&pending), "{report}");
    assert_eq!(report["most_alike"].as_array().expect("pairs").len(), 10);
    assert_eq!(report["date"], serde_json::Value::Null);
    // The reference is the fixture with the largest enrollment.
    let largest = std::fs::read_dir(std::path::Path::new(ROOT).join("fixtures/calli"))
        .expect("calli")
        .map(|e| elplan::District::load(&e.expect("entry").path()).expect("loads"))
        .max_by_key(|d| d.enrollment)
        .expect("districts");
    let sameness = &report["sameness"];
    assert_eq!(sameness["reference"], largest.id.as_str(), "{sameness}");
    assert_eq!(sameness["reference_by"], "largest_enrollment");
    assert_eq!(sameness["compared"], 24);
    assert!(sameness["reference_sentences"].as_u64().expect("count") > 100);
    let median = sameness["median"].as_f64().expect("median");
    let p90 = sameness["p90"].as_f64().expect("p90");
    assert!(0.0 < median && median <= p90 && p90 <= 1.0, "{sameness}");
    let text = elplan(&["survey", "fixtures/calli", "--alike", "3"]).ok();
    for said in [
        "distinct sets of scheduled strategies",
        "The plans are undated: month 1 is August.",
        "the median plan has",
        "adopt after the first school year's June",
        "plans schedule more than eight",
    ] {
        assert!(text.contains(said), "{said}: {text}");
    }
}

/// A dated survey dates every plan: adopted in June of the first school
/// year, evaluated after it; a reference may be named, and one that is not
/// among the districts is refused with the nearest id; the same input
/// gives the same bytes on any number of threads.
#[test]
fn survey_dates_plans_and_compares_drafts_with_a_reference() {
    let args = [
        "survey",
        "fixtures/calli",
        "--date",
        "2026-08-01",
        "--reference",
        "mendota-unified",
        "--format",
        "json",
    ];
    let one = elplan(&args).threads("1").ok();
    assert_eq!(one, elplan(&args).threads("2").ok());
    let report: serde_json::Value = serde_json::from_str(&one).expect("JSON");
    assert_eq!(report["date"], "2026-08-01");
    assert_eq!(report["first_month"], 8);
    assert_eq!(report["sameness"]["reference"], "mendota-unified");
    assert_eq!(report["sameness"]["reference_by"], "given");
    let adoption = &report["adoption"];
    assert_eq!(adoption["scheduled"], 25, "{adoption}");
    // Month 1 is August 2026: June 2027 is month 11.
    assert_eq!(adoption["months"]["max"], 11, "{adoption}");
    assert_eq!(adoption["after_first_june"], 0, "{adoption}");
    let evaluation = &report["evaluation"];
    assert!(evaluation["scheduled"].as_u64().expect("count") > 0);
    assert!(evaluation["months"]["min"].as_u64().expect("month") > 11);
    let ideas = &report["change_ideas"];
    let (min, median, max) = (
        ideas["per_plan"]["min"].as_u64().expect("min"),
        ideas["per_plan"]["median"].as_u64().expect("median"),
        ideas["per_plan"]["max"].as_u64().expect("max"),
    );
    // Every district with English learners gets an instructional one.
    assert!(1 <= min && min <= median && median <= max, "{ideas}");
    let over = ideas["more_than_eight"].as_u64().expect("count");
    assert_eq!(over > 0, max > 8, "{ideas}");
    let text = elplan(&["survey", "fixtures/calli", "--date", "2026-08-01"]).ok();
    assert!(text.contains("in month 11 (Jun 2027)"), "{text}");
    let output = elplan(&["survey", "fixtures/calli", "--reference", "mendota"]).run();
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("did you mean `mendota-unified`?"),
        "{}",
        shown(&output)
    );
    // A plan compared with itself shares every sentence.
    let path = fixture("calli/mendota-unified");
    let district = elplan::District::load(&path).expect("loads");
    let twice = [(path.clone(), district.clone()), (path, district)];
    let options = elplan::survey::SurveyOptions::default();
    let survey = elplan::survey::survey(session(), &twice, &options).expect("survey");
    let sameness = survey.sameness.expect("a reference");
    assert_eq!((sameness.compared, sameness.median), (1, Some(1.0)));
}

/// The workplan sheet: one row per scheduled strategy, in the plan's
/// order, that the `csv` crate reads back; batch writes one per district.
#[test]
fn the_workplan_sheet_has_a_row_per_scheduled_strategy() {
    for district in [MENDOTA, "fixtures/cases/tight-cap.ron"] {
        let plan = elplan(&["plan", district, "--format", "json"]).json();
        let scheduled: Vec<String> = plan["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .flat_map(|s| s["strategies"].as_array().expect("strategies").iter())
            .map(|s| s["id"].as_str().expect("id").to_string())
            .collect();
        let sheet = elplan(&["plan", district, "--format", "csv", "--date", "2025-08-01"]).ok();
        let mut reader = csv::Reader::from_reader(sheet.as_bytes());
        let header = reader.headers().expect("header").clone();
        assert_eq!(&header[0], "id");
        assert_eq!(&header[header.len() - 1], "status");
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
        let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
        assert_eq!(ids, scheduled, "{district}");
        assert!(rows
            .iter()
            .all(|r| r[7].starts_with("20") && &r[13] == "planned"));
    }
    let out = tempfile::tempdir().expect("temp dir");
    elplan(&[
        "batch",
        "fixtures/elin",
        "--out-dir",
        &out.path().to_string_lossy(),
        "--format",
        "csv",
    ])
    .ok();
    let names = file_names(out.path());
    assert_eq!(
        names,
        [
            "charter-organization.csv",
            "summary.csv",
            "urban-district.csv"
        ]
    );
}

/// Client-ready text: outside the Mermaid code, no Markdown draft shows a
/// rule id, a field path (both are snake_case) or a priority number, and
/// numbers of students carry thousands separators.
#[test]
fn drafts_speak_to_the_district_not_in_ids() {
    for path in fixtures() {
        let text = elplan(&["plan", &path.to_string_lossy()]).ok();
        let mut in_code = false;
        for line in text.lines() {
            if line.starts_with("```") {
                in_code = !in_code;
                continue;
            }
            if in_code {
                continue;
            }
            let internal = line
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .find(|word| {
                    let word = word.trim_matches('.');
                    word.contains('_')
                        && word
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
                });
            assert!(
                internal.is_none(),
                "{}: {internal:?} in {line}",
                path.display()
            );
            // Nor an enum's name (`DistrictStaff`): words run together in
            // camel case are the district file's, not the reader's.
            let camel = line
                .split(|c: char| !c.is_ascii_alphanumeric())
                .find(|word| {
                    let bytes = word.as_bytes();
                    bytes
                        .windows(2)
                        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
                        && *word != "DataQuest"
                });
            assert!(camel.is_none(), "{}: {camel:?} in {line}", path.display());
            // Nor an empty list where words were meant to be.
            assert!(!line.contains("()"), "{}: {line}", path.display());
            let priority = line.find("priority ").map(|at| &line[at + 9..]);
            assert!(
                !priority.is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit())),
                "{}: {line}",
                path.display()
            );
        }
        let enrollment = text
            .lines()
            .find(|l| l.starts_with("| Enrollment |"))
            .expect("an enrollment row");
        // The count, without the school year in brackets after it.
        let count = enrollment.split(" (").next().unwrap_or(enrollment);
        let digits: String = count.chars().filter(char::is_ascii_digit).collect();
        if digits.len() > 3 {
            assert!(enrollment.contains(','), "{}: {enrollment}", path.display());
        }
    }
}
