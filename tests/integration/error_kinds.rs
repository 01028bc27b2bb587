//! Every error kind, from the inputs that give it: each test checks the
//! kind a caller matches on (the studio's status, batch's report), never
//! the message's words.

use std::path::{Path, PathBuf};

use elplan::diagnostic::Diagnostic;
use elplan::overrides::Override;
use elplan::render::Format;
use elplan::session::{load_renderer, load_rules, Sources};
use elplan::{District, ErrorKind, Session};

use crate::support::*;

fn bad(path: &str) -> PathBuf {
    Path::new(ROOT).join("tests/bad").join(path)
}

fn district_error(path: &Path) -> ErrorKind {
    District::load(path)
        .expect_err("a bad district file")
        .kind()
        .expect("a diagnostic")
}

fn mendota() -> District {
    District::load(&Path::new(ROOT).join(MENDOTA)).expect("mendota")
}

#[test]
fn a_bad_district_file_is_a_district_error() {
    for name in [
        "syntax-error",
        "unknown-field",
        "out-of-range",
        "contradictory",
        "missing-required",
    ] {
        let path = bad(&format!("districts/{name}.ron"));
        assert_eq!(district_error(&path), ErrorKind::District, "{name}");
    }
}

#[test]
fn a_bad_change_or_scenario_is_a_district_error() {
    let set = |path: &str, value: &str| Override {
        path: path.to_string(),
        value: value.to_string(),
    };
    for change in [
        set("students.el_shar", "0.5"),
        set("students.el_share", "1.5"),
        set("enrollment", "\"many\""),
    ] {
        let problems = elplan::overrides::apply(&mendota(), &[change]).expect_err("a bad change");
        assert_eq!(problems.kind(), Some(ErrorKind::District));
    }
    for name in ["syntax-error", "empty-set", "unknown-field"] {
        let problems = elplan::scenario::Scenario::load(&bad(&format!("scenarios/{name}.ron")))
            .expect_err("a bad scenario");
        assert_eq!(problems.kind(), Some(ErrorKind::District), "{name}");
    }
}

#[test]
fn a_decision_about_an_id_the_rules_lack_is_a_decisions_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = with_decisions(
        dir.path(),
        r#"(strategies: {"no_such_strategy": (keep: false)})"#,
    );
    let district = District::load(Path::new(&file)).expect_err("set aside without a reason");
    assert_eq!(district.kind(), Some(ErrorKind::Decisions));
    let file = with_decisions(
        dir.path(),
        r#"(strategies: {"no_such_strategy": (keep: false, reason: "x")})"#,
    );
    let path = Path::new(&file);
    let district = District::load(path).expect("loads");
    let error = session().plan(&district, path).expect_err("unknown id");
    assert_eq!(error.kind, ErrorKind::Decisions);
}

#[test]
fn a_broken_rule_base_is_a_rule_base_error() {
    let root = Path::new(ROOT).join("tests/broken_rules");
    let mut seen = 0;
    for entry in std::fs::read_dir(&root).expect("broken rules") {
        let dir = entry.expect("entry").path();
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if name == "valid" {
            continue;
        }
        let sources = Sources {
            rules: Some(dir.clone()),
            templates: None,
        };
        let kind = match load_rules(&sources) {
            Err(problems) => problems.kind(),
            // Broken when a district is planned with it, or when checked.
            Ok(rules) => {
                let renderer = load_renderer(&Sources::default()).expect("templates");
                let session = Session::new(rules, renderer);
                let file = Path::new(ROOT).join(MENDOTA);
                session
                    .plan(&mendota(), &file)
                    .err()
                    .map(|d| d.kind)
                    .or_else(|| {
                        let files =
                            elplan::rulebase::files::RuleFiles::from_dir(&dir).expect("reads");
                        let report = elplan::check::check(files, None);
                        report.diagnostics.first().map(|d| d.kind)
                    })
            }
        };
        assert_eq!(kind, Some(ErrorKind::RuleBase), "{name}");
        seen += 1;
    }
    assert!(seen >= 10, "every broken rule base was tried");
}

#[test]
fn a_broken_template_is_a_template_error() {
    for name in [
        "unclosed-block",
        "unknown-filter",
        "infinite-loop",
        "deep-recursion",
    ] {
        let sources = Sources {
            rules: None,
            templates: Some(bad(&format!("templates/{name}"))),
        };
        let kind = match load_renderer(&sources) {
            Err(problems) => problems.kind(),
            Ok(renderer) => {
                let rules = load_rules(&Sources::default()).expect("rules");
                let session = Session::new(rules, renderer);
                let file = Path::new(ROOT).join(MENDOTA);
                let district = mendota();
                let plan = session.plan(&district, &file).expect("plans");
                session
                    .render(Format::Md, &plan, &district, &Default::default())
                    .err()
                    .map(|d| d.kind)
            }
        };
        assert_eq!(kind, Some(ErrorKind::Template), "{name}");
    }
}

#[test]
fn a_table_without_the_columns_is_an_import_error() {
    let error = elplan::import::import(&bad("tables/missing-columns.csv"), &Default::default())
        .expect_err("missing columns");
    assert_eq!(error.kind, ErrorKind::Import);
}

#[test]
fn a_bad_expectation_file_is_an_expectations_error() {
    let rules = session().rules();
    for name in ["syntax-error", "unknown-field", "unknown-finding"] {
        let path = bad(&format!("expectations/{name}.expect.ron"));
        let problems = elplan::expectations::ExpectationFile::load(&path, rules)
            .err()
            .unwrap_or_else(|| panic!("{name} is refused"));
        assert_eq!(problems.kind(), Some(ErrorKind::Expectations), "{name}");
    }
    let empty = tempfile::tempdir().expect("temp dir");
    let problems = elplan::expectations::find(empty.path()).expect_err("nothing to test");
    assert_eq!(problems.kind(), Some(ErrorKind::Expectations));
}

#[test]
fn a_file_that_cannot_be_read_is_an_io_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(
        district_error(&dir.path().join("missing.ron")),
        ErrorKind::Io
    );
    assert_eq!(district_error(dir.path()), ErrorKind::Io);
    assert_eq!(
        district_error(&bad("districts/non-utf8.ron")),
        ErrorKind::Io
    );
    assert_eq!(district_error(&bad("districts/empty.ron")), ErrorKind::Io);
}

#[test]
fn a_file_over_its_limit_is_a_limit_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("huge.ron");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(elplan::limits::MAX_DISTRICT_BYTES as u64 + 1)
        .expect("grow");
    assert_eq!(district_error(&path), ErrorKind::Limit);
}

#[test]
fn a_file_already_there_or_an_id_taken_is_a_conflict() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plan.md");
    std::fs::write(&path, "mine").expect("write");
    let error = elplan::output::write_new(&path, b"new").expect_err("exists");
    assert_eq!(error.kind, ErrorKind::Conflict);

    // Two files of one district: the later one's id is taken.
    let copy = dir.path().join("same.ron");
    std::fs::copy(Path::new(ROOT).join(MENDOTA), &copy).expect("copy");
    let files = [Path::new(ROOT).join(MENDOTA), copy];
    let out = dir.path().join("out");
    let outcomes = elplan::batch::run(session(), &files, &out, Format::Json).expect("batch runs");
    assert!(outcomes[0].error.is_none());
    let taken = outcomes[1].error.as_ref().expect("a duplicate");
    assert_eq!(taken.kind(), Some(ErrorKind::Conflict));
}

#[test]
fn a_failed_district_in_a_batch_keeps_its_kind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = [
        bad("districts/unknown-field.ron"),
        dir.path().join("gone.ron"),
    ];
    let outcomes = elplan::batch::run(session(), &files, &dir.path().join("out"), Format::Json)
        .expect("batch runs");
    let kinds: Vec<_> = outcomes
        .iter()
        .map(|o| o.error.as_ref().and_then(elplan::Diagnostics::kind))
        .collect();
    assert_eq!(kinds, [Some(ErrorKind::District), Some(ErrorKind::Io)]);
}

#[test]
fn an_id_that_names_nothing_is_an_argument_error() {
    let file = Path::new(ROOT).join(MENDOTA);
    let error = elplan::explain::explain(session(), &mendota(), &file, "no_such_rule")
        .expect_err("nothing to explain");
    assert_eq!(error.kind, ErrorKind::Argument);
}

#[test]
fn every_diagnostic_a_user_can_meet_is_classified() {
    // What the command line reports for a bad district is never left open.
    let path = bad("districts/unknown-variant.ron");
    let problems = District::load(&path).expect_err("bad");
    assert!(problems
        .0
        .iter()
        .all(|d: &Diagnostic| d.kind != ErrorKind::Unclassified));
}
