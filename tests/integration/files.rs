//! No lost files: elplan writes to the file the user means, never over its
//! own inputs, never silently nowhere. Each test is named after the
//! problem it pins.

use std::path::Path;

use crate::support::*;

fn copy_of_mendota(dir: &Path) -> String {
    let path = dir.join("mendota.ron");
    std::fs::copy(Path::new(ROOT).join(MENDOTA), &path).expect("copy");
    path.to_string_lossy().into_owned()
}

#[test]
fn planning_onto_its_own_district_file_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let district = copy_of_mendota(dir.path());
    let before = std::fs::read(&district).expect("read");
    let output = elplan(&["plan", &district, "-o", &district]).run();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read(&district).expect("read"),
        before,
        "the district file is intact"
    );
    let shown = shown_redacted(&output, &[(&dir.path().display().to_string(), "[DIR]")]);
    insta::assert_snapshot!(shown);
}

#[test]
fn output_into_the_rule_directory_is_refused() {
    let rules = Path::new(ROOT).join("rules");
    let target = rules.join("plan.md");
    let output = elplan(&[
        "--rules",
        &rules.to_string_lossy(),
        "plan",
        MENDOTA,
        "-o",
        &target.to_string_lossy(),
    ])
    .run();
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    assert!(!target.exists());
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_replaces_its_target_not_the_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    let real = dir.path().join("real.md");
    std::fs::write(&real, "old").expect("write");
    let link = dir.path().join("plan.md");
    std::os::unix::fs::symlink("real.md", &link).expect("symlink");
    elplan(&["plan", MENDOTA, "-o", &link.to_string_lossy()]).ok();
    let meta = std::fs::symlink_metadata(&link).expect("link");
    assert!(meta.file_type().is_symlink(), "the link is still a link");
    assert!(std::fs::read_to_string(&real)
        .expect("read")
        .contains("Mendota Unified"));
}

#[cfg(unix)]
#[test]
fn output_to_dev_null_stays_a_device() {
    elplan(&["plan", MENDOTA, "-o", "/dev/null"]).ok();
    let meta = std::fs::metadata("/dev/null").expect("dev null");
    assert!(!meta.is_file(), "/dev/null is still a device");
}

#[test]
fn summary_csv_names_are_not_spreadsheet_formulas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    std::fs::write(
        input.join("formula.ron"),
        r#"District(id: "formula", name: "=HYPERLINK(\"http://x\")", kind: Unified, enrollment: 900, students: (el_share: 0.3))"#,
    )
    .expect("write");
    let out = dir.path().join("out");
    elplan(&[
        "batch",
        &input.to_string_lossy(),
        "--out-dir",
        &out.to_string_lossy(),
    ])
    .ok();
    let summary = std::fs::read_to_string(out.join("summary.csv")).expect("summary");
    let mut reader = csv::Reader::from_reader(summary.as_bytes());
    let row = reader.records().next().expect("a row").expect("a record");
    assert_eq!(&row[1], "'=HYPERLINK(\"http://x\")");
}
