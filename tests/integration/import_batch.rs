//! `elplan import` on the bundled sample tables, `elplan batch` over what it
//! writes, and, when the state data is beside the project, all 944
//! California districts.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::*;

fn import_sample(out: &Path) -> Output {
    elplan(&[
        "import",
        "fixtures/import/district_areas_sample.csv",
        "--out-dir",
        &out.to_string_lossy(),
        "--schools",
        "fixtures/import/schools_sample.csv",
        "--lea",
        "fixtures/import/lea_sample.csv",
        "--elpi",
        "fixtures/import/elpi_2019_sample.tsv",
        "--elpi",
        "fixtures/import/elpi_2024_sample.csv",
    ])
    .run()
}

#[test]
fn import_writes_editable_district_files_and_reports_bad_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = import_sample(dir.path());
    assert_eq!(
        output.status.code(),
        Some(1),
        "a bad row makes the exit code 1"
    );
    let stderr =
        String::from_utf8_lossy(&output.stderr).replace(&dir.path().display().to_string(), "[OUT]");
    insta::assert_snapshot!("import-report", stderr);
    let names = file_names(dir.path());
    assert_eq!(
        names,
        [
            "bayview-unified.ron",
            "canada-elementary.ron",
            "valle-rio-elementary.ron"
        ]
    );
    for name in ["bayview-unified.ron", "valle-rio-elementary.ron"] {
        let text = std::fs::read_to_string(dir.path().join(name)).expect("read");
        insta::assert_snapshot!(name, text);
    }
    // Schools with 21 or more ELs, each of which holds an ELAC: Bayview's
    // high school and Harbor (not Marsh with 12, nor its directly funded
    // charter); Rio's suppressed count leaves Valle's number unknown.
    let read =
        |name: &str| elplan::District::load(&dir.path().join(name)).expect("imported files load");
    assert_eq!(read("bayview-unified.ron").schools_with_21_els, Some(2));
    assert_eq!(read("valle-rio-elementary.ron").schools, Some(2));
    assert_eq!(read("valle-rio-elementary.ron").schools_with_21_els, None);
    // Every written file is a valid district file that round-trips.
    for name in &names {
        let path = dir.path().join(name);
        let district = elplan::District::load(&path).expect("imported files load");
        let again = elplan::import::to_ron(
            &elplan::import::Imported {
                line: 0,
                district: district.clone(),
                notes: Default::default(),
            },
            Path::new("x.csv"),
        );
        let reloaded = elplan::District::parse(&path, &again).expect("round-trips");
        assert_eq!(district, reloaded);
    }
    let canada = elplan::District::load(&dir.path().join("canada-elementary.ron")).expect("load");
    assert_eq!(
        canada.students.frpm_share, None,
        "a suppressed value is unknown, not zero"
    );
    assert_eq!(canada.schools, None, "no school rows: unknown");
}

/// Every public column the import reads, with its source beside it: the
/// LEA file's own counts, locale, assistance, colour and the long-term EL
/// estimate; suppressed and blank cells stay unknown.
#[test]
fn import_reads_every_public_column_and_says_where_each_value_came_from() {
    let dir = tempfile::tempdir().expect("temp dir");
    import_sample(dir.path());
    let load = |name: &str| {
        let path = dir.path().join(name);
        let text = std::fs::read_to_string(&path).expect("read");
        (elplan::District::load(&path).expect("load"), text)
    };
    let (bayview, text) = load("bayview-unified.ron");
    assert_eq!(
        bayview.enrollment, 11_900,
        "the LEA row, without the directly funded charter"
    );
    assert_eq!(
        bayview.students.frpm_share,
        Some(0.8),
        "FRPM ÷ total enrolled"
    );
    assert_eq!(bayview.students.el_share, 0.24);
    assert_eq!(
        bayview.schools,
        Some(3),
        "neither the directly funded charter nor the nonpublic schools' row is counted"
    );
    assert_eq!(bayview.locale, Some(elplan::district::Locale::Suburb));
    assert_eq!(
        bayview.accountability.assistance,
        Some(elplan::district::Assistance::Differentiated)
    );
    assert_eq!(
        bayview.accountability.elpi_color,
        Some(elplan::district::Color::Orange)
    );
    assert_eq!(
        bayview.students.ltel_share_of_els,
        Some(0.2),
        "480 of 2,400 takers"
    );
    for (field, note) in [
        ("enrollment:", "CALPADS UPC 2018-19, LEA file"),
        ("frpm_share:", "frpm ÷ total_enrolled"),
        ("locale:", "LocaleDistrict 21 - Suburban, Large"),
        ("assistance:", "CDE District Areas 2018-19: AssistStatus"),
        ("elpi_color:", "CA School Dashboard ELPI 2023-24"),
        (
            "ltel_share_of_els:",
            "estimate: CA School Dashboard ELPI 2023-24",
        ),
        ("schools:", "CALPADS UPC 2017-18, school file"),
    ] {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(field))
            .unwrap_or_else(|| panic!("{field} written:\n{text}"));
        assert!(
            line.contains(&format!("// {note}")) || line.contains(note),
            "{line}"
        );
    }
    let (valle, _) = load("valle-rio-elementary.ron");
    assert_eq!(
        valle.students.frpm_share, None,
        "a suppressed FRPM count is unknown"
    );
    assert_eq!(
        valle.accountability.elpi_color, None,
        "colour 0: the group is too small"
    );
    assert_eq!(valle.locale, Some(elplan::district::Locale::Rural));
    let (canada, _) = load("canada-elementary.ron");
    assert_eq!(canada.locale, None, "a blank locale is unknown");
    assert_eq!(
        canada.accountability.assistance, None,
        "`No Status` is unknown"
    );

    // Without an LEA file: enrollment without charters from District Areas,
    // and the FRPM share estimated, saying so.
    let bare = dir.path().join("bare");
    elplan(&[
        "import",
        "fixtures/import/district_areas_sample.csv",
        "--out-dir",
        &bare.to_string_lossy(),
    ])
    .run();
    let text = std::fs::read_to_string(bare.join("bayview-unified.ron")).expect("read");
    let district = elplan::District::parse(Path::new("b.ron"), &text).expect("parse");
    assert_eq!(district.enrollment, 11_900, "EnrollNonCharter");
    assert_eq!(
        district.students.frpm_share,
        Some(0.59677),
        "SEDcount ÷ EnrollTotal"
    );
    let line = text
        .lines()
        .find(|l| l.contains("frpm_share:"))
        .expect("frpm line");
    assert!(line.contains("// estimate:"), "{line}");
}

#[test]
fn a_missing_column_stops_the_import_with_its_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = elplan(&[
        "import",
        "fixtures/import/schools_sample.csv",
        "--out-dir",
        &dir.path().to_string_lossy(),
    ])
    .run();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the table lacks the columns Year, CDCode"),
        "{stderr}"
    );
}

fn batch(inputs: &Path, out: &Path, threads: &str) -> Output {
    elplan(&[
        "batch",
        &inputs.to_string_lossy(),
        "--out-dir",
        &out.to_string_lossy(),
    ])
    .threads(threads)
    .run()
}

fn read_dir_sorted(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let path = e.expect("entry").path();
            (
                path.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read(&path).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn batch_plans_every_district_and_is_the_same_on_any_number_of_threads() {
    let districts = tempfile::tempdir().expect("temp dir");
    import_sample(districts.path());
    let one = tempfile::tempdir().expect("temp dir");
    let two = tempfile::tempdir().expect("temp dir");
    let output = batch(districts.path(), one.path(), "1");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(batch(districts.path(), two.path(), "2").status.success());
    let (a, b) = (read_dir_sorted(one.path()), read_dir_sorted(two.path()));
    assert_eq!(a.len(), 4, "three plans and summary.csv");
    assert_eq!(a, b, "output does not depend on the number of threads");
    let summary = String::from_utf8(
        a.iter()
            .find(|(n, _)| n == "summary.csv")
            .expect("summary")
            .1
            .clone(),
    )
    .expect("UTF-8");
    let summary = summary.replace(&districts.path().display().to_string(), "[DISTRICTS]");
    insta::assert_snapshot!("summary", summary);
}

#[test]
fn a_bad_district_does_not_stop_the_batch() {
    let districts = tempfile::tempdir().expect("temp dir");
    for name in ["mendota-unified", "pixley-union-elementary"] {
        std::fs::copy(
            Path::new(ROOT).join(format!("fixtures/calli/{name}.ron")),
            districts.path().join(format!("{name}.ron")),
        )
        .expect("copy");
    }
    std::fs::copy(
        Path::new(ROOT).join("tests/bad/districts/out-of-range.ron"),
        districts.path().join("broken.ron"),
    )
    .expect("copy");
    let out = tempfile::tempdir().expect("temp dir");
    let output = batch(districts.path(), out.path(), "2");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("students.el_share: 45 is out of range"),
        "{stderr}"
    );
    assert!(stderr.contains("planned 2 of 3 districts"), "{stderr}");
    let names: Vec<String> = read_dir_sorted(out.path())
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "mendota-unified.md",
            "pixley-union-elementary.md",
            "summary.csv"
        ]
    );
    let summary = std::fs::read_to_string(out.path().join("summary.csv")).expect("summary");
    assert!(
        summary
            .lines()
            .any(|l| l.contains("broken.ron") && l.contains(",error: ")),
        "{summary}"
    );
}

/// The sample District Areas table imported with every outcome layout's
/// sample; the folder of district files, and what the import said.
fn import_outcome_samples() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().to_string_lossy().to_string();
    let output = elplan(&[
        "import",
        "fixtures/import/district_areas_sample.csv",
        "--out-dir",
        &out,
        "--elpi",
        "fixtures/import/elpi_2024_sample.csv",
        "--schools",
        "fixtures/import/schools_sample.csv",
        "--reclass",
        "fixtures/import/filesreclass19_sample.txt",
        "--assistance",
        "fixtures/import/assistance_sample.csv",
        "--lowperf",
        "fixtures/import/lowperf_sample.csv",
        "--dashboard",
        "fixtures/import/eladownload2024_sample.txt",
        "--dashboard",
        "fixtures/import/chronicdownload2024_sample.txt",
    ])
    .run();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (dir, stderr)
}

/// An imported district file, loaded, with its text.
fn load_imported(dir: &tempfile::TempDir, name: &str) -> (elplan::District, String) {
    let path = dir.path().join(name);
    let text = std::fs::read_to_string(&path).expect("read");
    (elplan::District::load(&path).expect("load"), text)
}

/// The EL group's own outcomes from the four outcome layouts, on small
/// hand-written tables: suppressed and blank cells, tiny groups, state and
/// school (charter) rows that must not count, a bad assistance code.
#[test]
fn import_reads_the_el_groups_outcomes_with_their_years_and_group_sizes() {
    use elplan::district::{Assistance, Indicator};
    let (dir, stderr) = import_outcome_samples();
    assert!(
        stderr.contains("assistance_sample.csv")
            && stderr.contains("line 4")
            && stderr.contains("`Z`"),
        "a bad priority-area code names its file and line: {stderr}"
    );
    let (bayview, text) = load_imported(&dir, "bayview-unified.ron");
    let year = |y: &str| {
        bayview
            .history
            .iter()
            .find(|h| h.year == y)
            .unwrap_or_else(|| panic!("{y} in {:?}", bayview.history))
    };
    // Reclassification: the school rows summed; the directly funded
    // charter's row (Bayview Charter Academy) left out. The school file
    // counts the fall before (2017-18): its schools' English learners
    // (1,020 + 120 + 12, not the district office's row, the nonpublic
    // schools' or the charter's) are the rate's base, as CDE divides.
    let reclass = year("2018-19");
    assert_eq!((reclass.els, reclass.reclassified), (Some(2976), Some(272)));
    assert_eq!(reclass.els_prior, Some(1152));
    assert_eq!(reclass.reclassification_rate, Some(0.23611));
    assert_eq!(reclass.reclassification_estimate, None);
    // A suppressed school count leaves the fall before unknown: the rate
    // is over the same year's English learners, and says so.
    let (valle, _) = load_imported(&dir, "valle-rio-elementary.ron");
    let rio = valle
        .history
        .iter()
        .find(|h| h.year == "2018-19")
        .expect("2018-19");
    assert_eq!(rio.els_prior, None);
    assert_eq!(rio.reclassification_estimate, Some(true));
    // The Dashboard's lowest levels: the EL row only, not the SWD row nor
    // the charter school's row.
    assert_eq!(
        year("2022-23").el_lowest,
        Some(vec![Indicator::Ela, Indicator::Suspension])
    );
    // Dashboard downloads: the EL district row, with the students behind it.
    let dashboard = year("2023-24");
    assert_eq!(dashboard.el_ela_dfs, Some(-84.5));
    assert_eq!(dashboard.el_ela_tested, Some(1260));
    assert_eq!(dashboard.el_chronic_absence, Some(0.246));
    assert_eq!(dashboard.el_chronic_enrolled, Some(2810));
    assert!(
        dashboard
            .el_lowest
            .as_ref()
            .is_some_and(|l| l.contains(&Indicator::Ela)),
        "a red colour is the lowest level: {:?}",
        dashboard.el_lowest
    );
    // Assistance by year, and the groups behind it in the report year.
    let assistance = &bayview.accountability.assistance_history;
    let years: Vec<&str> = assistance.iter().map(|a| a.year.as_str()).collect();
    assert_eq!(years, ["2019", "2023", "2024"]);
    let latest = assistance.last().expect("2024");
    assert_eq!(latest.el_priorities.as_deref(), Some(&[4, 5][..]));
    assert_eq!(latest.ltel_priorities.as_deref(), Some(&[4, 5, 6][..]));
    // The other groups' columns: none met the criteria here; in Valle the
    // students with disabilities did (`F`), so its plan names them.
    assert_eq!(latest.other_groups.as_deref(), Some(&[][..]));
    let (valle, _) = load_imported(&dir, "valle-rio-elementary.ron");
    let valle_2024 = valle
        .accountability
        .assistance_history
        .last()
        .expect("2024");
    assert_eq!(
        valle_2024.other_groups.as_deref(),
        Some(&[elplan::district::StudentGroup::Disabilities][..])
    );
    assert_eq!(
        assistance[0].el_priorities, None,
        "2019's groups are not in this file"
    );
    assert_eq!(
        bayview.accountability.assistance,
        Some(Assistance::Differentiated)
    );
    assert_eq!(
        bayview.accountability.assistance_year.as_deref(),
        Some("2024")
    );
    for source in [
        "EL reclassification (school rows summed, charters counted apart from the district left out) 2018-19",
        "reclassified ÷ the ELs of the fall before (CALPADS UPC 2017-18, school file",
        "Low Performing LEAs by student group",
        "differentiated assistance eligibility by student group 2024",
        "ELA download 2024",
    ] {
        assert!(text.contains(source), "{source} named in the file:\n{text}");
    }
}

/// Valle, Rio: a tiny group's suppressed values stay unknown; not in the
/// low-performance file, so no group was at the lowest level.
#[test]
fn import_leaves_a_tiny_groups_suppressed_outcomes_unknown() {
    use elplan::district::Assistance;
    let (dir, _) = import_outcome_samples();
    let (valle, _) = load_imported(&dir, "valle-rio-elementary.ron");
    let of = |y: &str| valle.history.iter().find(|h| h.year == y);
    assert_eq!(of("2018-19").and_then(|h| h.els), Some(12));
    assert_eq!(
        of("2022-23").and_then(|h| h.el_lowest.clone()),
        Some(vec![])
    );
    assert_eq!(of("2023-24").and_then(|h| h.el_ela_dfs), None);
    assert_eq!(of("2023-24").and_then(|h| h.el_chronic_absence), None);
    let valle_assistance = valle
        .accountability
        .assistance_history
        .last()
        .expect("2024");
    assert_eq!(valle_assistance.el_priorities.as_deref(), Some(&[][..]));
    assert_eq!(valle.accountability.assistance, Some(Assistance::General));
}

/// A file whose year or indicator its name does not give is refused,
/// naming the file.
#[test]
fn an_outcome_file_without_its_year_or_indicator_in_its_name_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (option, name) in [
        ("--reclass", "reclass.txt"),
        ("--dashboard", "download.txt"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, "cds,rtype\n").expect("write");
        let output = elplan(&[
            "import",
            "fixtures/import/district_areas_sample.csv",
            "--out-dir",
            &dir.path().join("out").to_string_lossy(),
            option,
            &file.to_string_lossy(),
        ])
        .run();
        assert_eq!(output.status.code(), Some(1), "{option}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(name) && stderr.contains("from its name"),
            "{stderr}"
        );
        assert!(!dir.path().join("out").exists(), "nothing written");
    }
}

/// The public tables beside the project, read as `elplan import` reads them.
fn california_tables(data: &Path) -> elplan::import::Tables {
    let mut tables = elplan::import::Tables::default();
    tables.set_schools(
        elplan::import::count_schools(&data.join("cupc_2017-18_school.csv")).expect("schools"),
    );
    let (lea, failures) =
        elplan::import::lea_counts(&data.join("cupc_2018-19_lea.csv")).expect("lea");
    assert!(failures.is_empty(), "LEA file: {failures:?}");
    tables.set_lea(lea);
    for file in ["elpi_2019.tsv", "elpi_2024.csv"] {
        let (elpi, failures) = elplan::import::read_elpi(&data.join(file)).expect("elpi");
        assert!(failures.is_empty(), "{file}: {failures:?}");
        for (code, district) in elpi {
            tables.elpi.entry(code).or_default().merge(district);
        }
    }
    tables
}

/// The district files `elplan import` writes from the CDE data in
/// `../shared/data/ca`: (file name, text), every row imported.
pub(crate) fn california_district_files() -> Vec<(PathBuf, String)> {
    let data = Path::new(ROOT).join("../shared/data/ca");
    assert!(
        data.join("district_areas_2018-19.csv").exists(),
        "the California data is not in ../shared/data/ca"
    );
    let tables = california_tables(&data);
    let result =
        elplan::import::import(&data.join("district_areas_2018-19.csv"), &tables).expect("import");
    assert!(result.failures.is_empty(), "{:?}", result.failures);
    result
        .districts
        .iter()
        .map(|imported| {
            let text = elplan::import::to_ron(imported, Path::new("district_areas_2018-19.csv"));
            (PathBuf::from(format!("{}.ron", imported.district.id)), text)
        })
        .collect()
}

/// Every plan of a district with ELs has an instructional change idea, and
/// no district with fewer than 51 English learners is held to a DELAC
/// (DOMAIN.md Revision 3).
fn every_plan_teaches_and_no_small_district_has_a_delac(
    session: &elplan::session::Session,
    districts: &[(PathBuf, elplan::District)],
) {
    let instructional = &session.rules().policy.instructional;
    for (path, district) in districts {
        let plan = session
            .plan_dated(district, path, Some((2026, 8)))
            .expect("plans");
        if district.students.el_share > 0.0 {
            assert!(
                plan.scheduled()
                    .any(|s| instructional.iter().any(|i| i == s.id)),
                "{} has no instructional change idea",
                district.id
            );
        }
        // Fewer than 51 English learners: not held to a DELAC.
        let els = plan
            .derived
            .get("el_count")
            .and_then(|v| f64::try_from(v.clone()).ok());
        if els.is_some_and(|n| n < 51.0) {
            let delac = plan
                .compliance
                .iter()
                .find(|c| c.id == "delac")
                .expect("delac row");
            assert_eq!(
                delac.status,
                elplan::plan::ComplianceStatus::NotApplicable,
                "{}",
                district.id
            );
        }
    }
}

/// The real CDE data of 944 California districts (`../shared/data/ca`):
/// every row imports with every public fact, every district plans, and
/// the plans differ from district to district.
#[test]
#[cfg_attr(
    not(ca_data),
    ignore = "needs the California data in ../shared/data/ca; CI always runs it"
)]
fn all_944_california_districts_import_and_plan() {
    let files = california_district_files();
    assert_eq!(files.len(), 944);
    let mut districts = Vec::new();
    let mut with_history = 0;
    for (path, text) in files {
        let district = elplan::District::parse(&path, &text).expect("an imported file loads");
        with_history += usize::from(!district.history.is_empty());
        districts.push((path, district));
    }
    // 764 of the 944 have ELPI status for at least one year; small districts are suppressed.
    assert!(
        with_history > 700,
        "most districts have ELPI history: {with_history}"
    );
    let find = |id: &str| {
        districts
            .iter()
            .find(|(_, d)| d.id == id)
            .unwrap_or_else(|| panic!("{id} imported"))
    };
    let (la_path, la) = find("los-angeles-unified");
    assert!(
        (la.enrollment as f64 - 446_609.0).abs() <= 446_609.0 * 0.02,
        "LAUSD's own enrollment, without its charters: {}",
        la.enrollment
    );
    // CDE's FRPM eligibility, direct certification counted:
    // unduplicated_frpm 368,569 of 446,609 (the `frpm` column's 362,076
    // leaves direct certification out).
    let frpm = la.students.frpm_share.expect("LAUSD FRPM");
    assert!((0.82..=0.83).contains(&frpm), "LAUSD FRPM share {frpm}");
    let ltel = la
        .students
        .ltel_share_of_els
        .expect("LAUSD long-term EL estimate");
    assert!((0.15..=0.20).contains(&ltel), "LAUSD long-term ELs {ltel}");
    let session = session();
    let fired = |path: &PathBuf, district: &elplan::District| -> Vec<String> {
        let plan = session.plan(district, path).expect("plans");
        plan.findings.iter().map(|f| f.id.to_string()).collect()
    };
    let la_fired = fired(la_path, la);
    for id in [
        "differentiated_assistance",
        "large_district",
        "high_poverty",
    ] {
        assert!(
            la_fired.iter().any(|f| f == id),
            "LAUSD fires {id}: {la_fired:?}"
        );
    }
    let (vineland_path, vineland) = find("vineland-elementary");
    let vineland_fired = fired(vineland_path, vineland);
    for id in ["rural_district", "high_ltel_rate"] {
        assert!(
            vineland_fired.iter().any(|f| f == id),
            "Vineland fires {id}: {vineland_fired:?}"
        );
    }
    let options = elplan::survey::SurveyOptions {
        alike: 5,
        date: Some("2026-08-01".parse().expect("a date")),
        reference: None,
    };
    let survey = elplan::survey::survey(session, &districts, &options).expect("survey");
    assert_eq!(survey.districts, 944);
    eprintln!("{}", survey.to_text());
    let sameness = survey.sameness.as_ref().expect("sameness");
    assert_eq!(sameness.reference, "los-angeles-unified");
    assert_eq!(sameness.compared, 943);
    // DOMAIN.md Revision 3, over the 944 districts dated 2026-08-01: plans
    // of their own, a calendar that works, a strategic selection.
    let median = sameness.median.expect("median");
    assert!(0.0 < median && median <= 0.50, "{sameness:?}");
    assert_eq!(survey.adoption.scheduled, 944, "{:?}", survey.adoption);
    assert_eq!(survey.adoption.after_first_june, 0, "{:?}", survey.adoption);
    assert_eq!(survey.evaluation.scheduled, 944, "{:?}", survey.evaluation);
    let evaluated = survey.evaluation.months.as_ref().expect("months");
    assert!(
        evaluated.min >= 18 && evaluated.max <= 20,
        "an August plan evaluates in January to March of its second year: {evaluated:?}"
    );
    assert!(
        survey.change_ideas.per_plan.is_some_and(|c| c.min >= 1),
        "change ideas: {:?}",
        survey.change_ideas
    );
    assert_eq!(survey.change_ideas.more_than_eight, 0);
    every_plan_teaches_and_no_small_district_has_a_delac(session, &districts);
    // 55 before too few English learners to judge (DOMAIN.md Revision 3):
    // ten of them came from rates of fewer than 30 students; 45 now.
    assert!(
        survey.strategy_sets >= 40,
        "distinct strategy sets: {}",
        survey.strategy_sets
    );
    assert!(
        survey.findings_firing >= 15,
        "findings that fire somewhere: {}",
        survey.findings_firing
    );
}

/// Each row of the district profile in `id`'s dated draft that gives a
/// value names the year of that value.
fn every_profile_fact_names_its_year(districts: &[(PathBuf, elplan::District)], id: &str) {
    let (path, district) = districts.iter().find(|(_, d)| d.id == id).expect(id);
    let plan = session()
        .plan_dated(district, path, Some((2026, 8)))
        .expect("plans");
    let options = elplan::render::RenderOptions {
        date: Some("2026-08-01".parse().expect("a date")),
        ..Default::default()
    };
    let text = session()
        .render(elplan::render::Format::Md, &plan, district, &options)
        .expect("renders");
    let profile = text
        .split("## District profile")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a profile");
    let has_year = |cell: &str| {
        cell.as_bytes()
            .windows(4)
            .any(|w| w.iter().all(u8::is_ascii_digit))
    };
    for row in profile
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| |"))
    {
        let district_cell = row.split('|').nth(2).unwrap_or("").trim();
        if district_cell.is_empty() || district_cell == "not given" {
            continue;
        }
        assert!(
            has_year(district_cell),
            "{id}: a fact without its year: {row}"
        );
    }
}

/// The 944 districts imported with every outcome file in
/// `../shared/data/ca`, none failing.
fn import_with_outcome_files() -> elplan::import::Import {
    let data = Path::new(ROOT).join("../shared/data/ca");
    let mut tables = california_tables(&data);
    let outcomes = &mut tables.outcomes;
    let mut failures = outcomes
        .read_reclass(&data.join("reclass_2018-19_school.txt"))
        .expect("reclass");
    for year in ["2019", "2023", "2024"] {
        let file = data.join(format!("assistance_by_group_{year}.csv"));
        failures.extend(outcomes.read_assistance(&file).expect("assistance"));
    }
    failures.extend(
        outcomes
            .read_lowperf(&data.join("lowperf_groups_2023.csv"))
            .expect("lowperf"),
    );
    assert!(failures.is_empty(), "{failures:?}");
    let result =
        elplan::import::import(&data.join("district_areas_2018-19.csv"), &tables).expect("import");
    assert!(result.failures.is_empty(), "{:?}", result.failures);
    result
}

/// The EL group's outcome files beside the District Areas table
/// (`../shared/data/ca`): assistance by student group, lowest levels and
/// reclassification counts, each with its year; and what they decide over
/// the 944 plans.
#[test]
#[cfg_attr(
    not(ca_data),
    ignore = "needs the California data in ../shared/data/ca; CI always runs it"
)]
fn california_outcome_files_import_with_their_years() {
    use elplan::district::{Assistance, Indicator};
    let result = import_with_outcome_files();
    let find = |id: &str| {
        &result
            .districts
            .iter()
            .find(|d| d.district.id == id)
            .unwrap_or_else(|| panic!("{id} imported"))
            .district
    };
    let la = find("los-angeles-unified");
    let year = |d: &elplan::District, y: &str| {
        d.accountability
            .assistance_history
            .iter()
            .find(|a| a.year == y)
            .cloned()
            .unwrap_or_else(|| panic!("{y}"))
    };
    // In assistance in 2019 for other groups, in 2023 for its English learners.
    let la_2019 = year(la, "2019");
    assert_eq!(la_2019.status, Some(Assistance::Differentiated));
    assert_eq!(la_2019.el_priorities.as_deref(), Some(&[][..]));
    assert_eq!(year(la, "2023").el_priorities.as_deref(), Some(&[4, 5][..]));
    assert_eq!(la.accountability.assistance_year.as_deref(), Some("2024"));
    let reclass = la
        .history
        .iter()
        .find(|h| h.year == "2018-19")
        .expect("2018-19");
    // The charters the LEA file counts apart from it left out, as its
    // enrollment and English learners leave them.
    assert_eq!(
        (reclass.reclassified, reclass.els),
        (Some(26_399), Some(98_981))
    );
    // Over the English learners of fall 2017 (the school file), as CDE
    // divides: no longer an estimate.
    assert_eq!(reclass.els_prior, Some(112_276));
    assert_eq!(reclass.reclassification_estimate, None);
    assert_eq!(reclass.reclassification_rate, Some(0.23513));
    // Corcoran's 329 reclassified were 80 % of the 410 left in 2018-19,
    // and 45 % of the 729 of the fall before.
    let corcoran = find("corcoran-joint-unified");
    let c = corcoran
        .history
        .iter()
        .find(|h| h.year == "2018-19")
        .expect("2018-19");
    assert_eq!(
        (c.reclassified, c.els, c.els_prior),
        (Some(329), Some(410), Some(729))
    );
    let vineland = find("vineland-elementary");
    let lowest = vineland
        .history
        .iter()
        .find(|h| h.year == "2022-23")
        .and_then(|h| h.el_lowest.clone())
        .expect("2022-23 lowest levels");
    assert!(lowest.contains(&Indicator::Ela), "{lowest:?}");
    let districts: Vec<(PathBuf, elplan::District)> = result
        .districts
        .iter()
        .map(|i| {
            (
                PathBuf::from(format!("{}.ron", i.district.id)),
                i.district.clone(),
            )
        })
        .collect();
    let options = elplan::survey::SurveyOptions {
        alike: 5,
        date: Some("2026-08-01".parse().expect("a date")),
        reference: None,
    };
    let survey = elplan::survey::survey(session(), &districts, &options).expect("survey");
    eprintln!("{}", survey.to_text());
    // 15 findings fired somewhere with the District Areas, CALPADS and
    // ELPI files alone; with the outcome files, at least 25 (issue 23).
    assert!(
        survey.findings_firing >= 25,
        "findings that fire somewhere: {}",
        survey.findings_firing
    );
    let sameness = survey.sameness.as_ref().expect("sameness");
    let median = sameness.median.expect("median");
    assert!(
        median <= 0.50,
        "sameness with the outcome files: {sameness:?}"
    );
    // Every imported fact of a plan names its year: the profile's rows
    // that give a value, in LAUSD's and Vineland's drafts.
    for id in ["los-angeles-unified", "vineland-elementary"] {
        every_profile_fact_names_its_year(&districts, id);
    }
    // What would settle the rest, by source: the team's own knowledge most.
    let top = survey.pending_by_source.first().expect("sources");
    assert_eq!(
        top.source, "the team itself",
        "{:?}",
        survey.pending_by_source
    );
    let counted: usize = survey.pending_by_source.iter().map(|s| s.findings).sum();
    assert!(counted >= survey.findings.iter().filter(|f| f.pending > 0).count());
    // 65.5 % of the findings were left pending without the outcome files,
    // 51.0 % before too few English learners to judge (under 30) decided
    // the EL group's rates (issue 23: at most 50 %).
    assert!(
        survey.mean_pending_share <= 0.50,
        "mean pending share: {}",
        survey.mean_pending_share
    );
}

/// Three rows with the same name (and county) are three districts: none is
/// dropped, each gets an id of its own.
#[test]
fn import_never_drops_a_row_whose_name_repeats() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from("Year,CDCode,CDSCode,CountyName,DistrictName,DistrictType,GradeLow,GradeHigh,EnrollTotal,ELcount,UPcount\n");
    for k in 1..=3 {
        text.push_str(&format!(
            "2018-19,011000{k},011000{k}0000000,Alameda,Twin Oaks Unified,Unified,KG,12,1000,100,500\n"
        ));
    }
    let (output, out) = import_table(dir.path(), &text);
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    let names = file_names(&out);
    assert_eq!(
        names,
        [
            "twin-oaks-unified-01100030000000.ron",
            "twin-oaks-unified-alameda.ron",
            "twin-oaks-unified.ron"
        ]
    );
}

/// District files already in the output directory may hold a team's
/// edits: import names them and writes nothing, unless --force.
#[test]
fn import_does_not_overwrite_edited_district_files_without_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    import_sample(dir.path());
    let edited = dir.path().join("bayview-unified.ron");
    std::fs::write(&edited, "// our edits\n").expect("write");
    let output = import_sample(dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    assert!(
        stderr(&output).contains("would be replaced"),
        "{}",
        shown(&output)
    );
    assert!(stderr(&output).contains("--force"), "{}", shown(&output));
    assert_eq!(
        std::fs::read_to_string(&edited).expect("read"),
        "// our edits\n"
    );
    let forced = elplan(&[
        "import",
        "fixtures/import/district_areas_sample.csv",
        "--out-dir",
        &dir.path().to_string_lossy(),
        "--force",
    ])
    .run();
    assert_ne!(
        std::fs::read_to_string(&edited).expect("read"),
        "// our edits\n",
        "{}",
        shown(&forced)
    );
}

/// An enrollment of 1e30 was stored as 4,294,967,295 without a word; a
/// value that is not a count of students is now a bad row, reported with
/// its line, and the other rows are imported.
#[test]
fn an_enrollment_out_of_range_is_a_bad_row_not_a_silent_clamp() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (output, out) = import_table(
        dir.path(),
        "Year,CDCode,CDSCode,CountyName,DistrictName,DistrictType,GradeLow,GradeHigh,EnrollTotal,ELcount,UPcount\n\
         2018-19,0110001,01100010000000,Alameda,Huge Unified,Unified,KG,12,1e30,100,500\n\
         2018-19,0110002,01100020000000,Alameda,Fine Unified,Unified,KG,12,1000,100,500\n",
    );
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    assert!(
        stderr(&output).contains("line 2") && stderr(&output).contains("not a count of students"),
        "{}",
        shown(&output)
    );
    assert!(out.join("fine-unified.ron").exists());
    assert!(!out.join("huge-unified.ron").exists());
}

/// Imports a District Areas table written in `dir`, into `dir/out`.
fn import_table(dir: &Path, table: &str) -> (Output, PathBuf) {
    let path = dir.join("areas.csv");
    std::fs::write(&path, table).expect("write the table");
    let out = dir.join("out");
    let output = elplan(&[
        "import",
        &path.to_string_lossy(),
        "--out-dir",
        &out.to_string_lossy(),
    ])
    .run();
    (output, out)
}

/// A table of thousands of bad rows is reported by its first fifty and a
/// count of the rest, not a screenful per row (and each row's line is found
/// through an index, not a rescan of the table: see LineIndex).
#[test]
fn thousands_of_bad_rows_are_reported_by_the_first_and_a_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut table = String::from("Year,CDCode,CDSCode,CountyName,DistrictName,DistrictType,GradeLow,GradeHigh,EnrollTotal,ELcount,UPcount\n");
    for i in 0..5_000 {
        table.push_str(&format!(
            "2018-19,{i:07},{i:014},Alameda,Bad {i},Unified,KG,12,,100,500\n"
        ));
    }
    let (output, _) = import_table(dir.path(), &table);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("… and 4950 more like these"),
        "{}",
        &text[text.len().saturating_sub(400)..]
    );
    assert!(text.contains("5000 rows could not be imported"));
    assert!(text.lines().count() < 300, "{} lines", text.lines().count());
}

/// Text from a table (a cell, the table's file name) goes into the
/// comments beside the values: a line break or a direction mark in it stays
/// inside its comment, and the file reads back (issue 22, 17).
#[test]
fn a_line_break_in_a_table_name_or_cell_stays_inside_an_imported_comment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table =
        std::fs::read_to_string(Path::new(ROOT).join("fixtures/import/district_areas_sample.csv"))
            .expect("sample")
            .replace(
                "\"21 - Suburban, Large\"",
                "\"21 - Suburban,\nLarge\u{202e}\"",
            );
    let csv = dir.path().join("district areas\n2018-19.csv");
    std::fs::write(&csv, table).expect("write");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("folder");
    elplan(&[
        "import",
        &csv.to_string_lossy(),
        "--out-dir",
        &out.to_string_lossy(),
    ])
    .run();
    let path = out.join("bayview-unified.ron");
    let text = std::fs::read_to_string(&path).expect("imported");
    let district = elplan::District::load(&path).unwrap_or_else(|d| panic!("{d}\n{text}"));
    assert_eq!(district.locale, Some(elplan::district::Locale::Suburb));
    assert!(
        text.starts_with("// Imported by elplan from district areas 2018-19.csv, line"),
        "{text}"
    );
    let locale = text
        .lines()
        .find(|l| l.trim_start().starts_with("locale:"))
        .expect("locale");
    assert!(
        locale.ends_with("LocaleDistrict 21 - Suburban, Large "),
        "{locale:?}"
    );
    assert!(
        !text
            .chars()
            .any(|c| c != '\n' && elplan::ron_text::is_control_or_bidi(c)),
        "{text:?}"
    );
}

/// Issue 24: a scenario saved beside the districts (the bundled
/// `fixtures/scenarios/`) is a what-if, not a district; `batch`,
/// `check --fixtures` and `survey` pass it over and say so.
#[test]
fn scenario_files_beside_the_districts_are_skipped_and_counted() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = elplan(&[
        "batch",
        "fixtures",
        "--out-dir",
        &out.path().to_string_lossy(),
    ])
    .run();
    assert!(output.status.success(), "{}", shown(&output));
    let said = stderr(&output);
    assert!(
        said.contains("skipped 4 scenario files (what-ifs, not districts)"),
        "{said}"
    );
    assert!(said.contains("fixtures/scenarios/el-growth.ron"), "{said}");
    assert!(
        !out.path().join("summary.csv").exists() || {
            let summary = std::fs::read_to_string(out.path().join("summary.csv")).expect("summary");
            !summary.contains("Scenario") && !summary.contains("el-growth")
        }
    );

    let output = elplan(&["check", "--fixtures", "fixtures"]).run();
    assert!(output.status.success(), "{}", shown(&output));
    assert!(
        stderr(&output).contains("skipped 4 scenario files"),
        "{}",
        shown(&output)
    );
    assert!(stdout(&output).contains("0 errors"), "{}", shown(&output));

    // A scenario with no struct name is still a scenario.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        ROOT.to_string() + "/" + MENDOTA,
        dir.path().join("mendota.ron"),
    )
    .expect("copy");
    std::fs::write(
        dir.path().join("what-if.ron"),
        "(name: \"More coaches\", set: [(\"staffing.instructional_coaches\", \"6\")])\n",
    )
    .expect("write");
    let output = elplan(&["survey", &dir.path().to_string_lossy()]).run();
    assert!(output.status.success(), "{}", shown(&output));
    assert!(
        stderr(&output).contains("skipped 1 scenario file (a what-if, not a district)"),
        "{}",
        shown(&output)
    );
}

/// District Areas' `GradeLow` and `GradeHigh` take in the charters a
/// district authorizes: an elementary district with a charter high school
/// reads K-12. Where it has charters (`EnrollNonCharter` below
/// `EnrollTotal`) its own span by its boundaries (`GradeLowCensus`,
/// `GradeHighCensus`) is taken, as its counts leave charters out; without
/// charters its schools' span stands.
#[test]
fn an_elementary_districts_charter_high_school_does_not_make_it_k_12() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = dir.path().join("areas.csv");
    std::fs::write(
        &table,
        "Year,CDCode,CDSCode,CountyName,DistrictName,DistrictType,GradeLow,GradeHigh,GradeLowCensus,GradeHighCensus,EnrollTotal,EnrollNonCharter,ELcount\n\
         2018-19,1062380,10623800000000,Fresno,Vineyard Elementary,Elementary,KG,12,KG,08,719,286,263\n\
         2018-19,4469815,44698150000000,Santa Cruz,Harbor Elementary,Elementary,KG,06,KG,05,1982,1982,200\n",
    )
    .expect("table");
    let out = dir.path().join("out");
    elplan(&[
        "import",
        &table.to_string_lossy(),
        "--out-dir",
        &out.to_string_lossy(),
    ])
    .ok();
    let high = |name: &str| {
        let district = elplan::District::load(&out.join(name)).expect("imported");
        district.grades.map(|g| g.high)
    };
    assert_eq!(high("vineyard-elementary.ron"), Some(8));
    assert_eq!(high("harbor-elementary.ron"), Some(6));
}
