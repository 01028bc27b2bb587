//! Hostile and careless input: every case gives a diagnostic (snapshot) and
//! exit code 1, never a crash, a hang or a lost file. District files are in
//! `tests/bad/districts/` (see cli.rs); here: scenarios, templates, tables,
//! a generated 50 MB file, and the no-lost-work and determinism guarantees.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::*;

#[test]
fn bad_scenario_files_are_diagnosed() {
    insta::glob!("../bad/scenarios", "*.ron", |path| {
        let output = elplan(&["whatif", MENDOTA, "--scenario", &relative(path)]).run();
        assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
        insta::assert_snapshot!(shown(&output));
    });
}

#[test]
fn runaway_and_broken_templates_stop_with_a_diagnostic() {
    insta::glob!("../bad/templates", "*/plan.md.j2", |path| {
        let dir = path.parent().expect("template dir");
        let out = tempfile::tempdir().expect("temp dir");
        let target = out.path().join("plan.md");
        let output = elplan(&[
            "plan",
            MENDOTA,
            "--templates",
            &relative(dir),
            "-o",
            &target.to_string_lossy(),
        ])
        .run();
        assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
        assert!(!target.exists(), "no output from a failed template");
        insta::assert_snapshot!(shown(&output));
    });
}

#[test]
fn bad_tables_are_diagnosed_and_good_rows_still_imported() {
    insta::glob!("../bad/tables", "*.csv", |path| {
        let out = tempfile::tempdir().expect("temp dir");
        let output = elplan(&[
            "import",
            &relative(path),
            "--out-dir",
            &out.path().to_string_lossy(),
        ])
        .run();
        assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
        insta::assert_snapshot!(shown_redacted(
            &output,
            &[(&out.path().display().to_string(), "[OUT]")]
        ));
    });
    let out = tempfile::tempdir().expect("temp dir");
    elplan(&[
        "import",
        "tests/bad/tables/ragged-rows.csv",
        "--out-dir",
        &out.path().to_string_lossy(),
    ])
    .run();
    assert!(
        out.path().join("good-unified.ron").exists(),
        "the good row of a ragged table is imported"
    );
}

#[test]
fn a_fifty_megabyte_district_file_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.ron");
    let mut text = String::from("District(id: \"big\", name: \"Big\", kind: Unified, enrollment: 10, students: (el_share: 0.1))\n");
    text.push_str(
        &"// padding padding padding padding padding padding padding padding padding\n"
            .repeat(700_000),
    );
    assert!(text.len() > 50_000_000);
    std::fs::write(&big, text).expect("write");
    let output = elplan(&["plan", &big.to_string_lossy()]).run();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("elplan reads files of at most 1048576 bytes"),
        "{stderr}"
    );
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bom.ron");
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(std::fs::read(Path::new(ROOT).join(MENDOTA)).expect("read"));
    std::fs::write(&path, bytes).expect("write");
    let with_bom = elplan(&["plan", &path.to_string_lossy(), "--format", "json"]).run();
    assert!(with_bom.status.success(), "{}", shown(&with_bom));
    assert_eq!(
        with_bom.stdout,
        elplan(&["plan", MENDOTA, "--format", "json"]).run().stdout
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_elplan"))
        .args([
            "plan",
            "fixtures/cases/full-history.ron",
            "--format",
            "html",
        ])
        .current_dir(ROOT)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 64];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("read the start");
    // Dropping our end closes the pipe while elplan is still writing.
    let output = child.wait_with_output().expect("wait");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(first.starts_with(b"<!DOCTYPE html>"));
}

#[test]
fn a_batch_that_fails_half_way_keeps_earlier_outputs() {
    let inputs = tempfile::tempdir().expect("temp dir");
    let out = tempfile::tempdir().expect("temp dir");
    for name in [
        "mendota-unified",
        "pixley-union-elementary",
        "robla-elementary",
    ] {
        std::fs::copy(
            Path::new(ROOT).join(format!("fixtures/calli/{name}.ron")),
            inputs.path().join(format!("{name}.ron")),
        )
        .expect("copy");
    }
    assert!(elplan(&[
        "batch",
        &inputs.path().to_string_lossy(),
        "--out-dir",
        &out.path().to_string_lossy()
    ])
    .run()
    .status
    .success());
    let earlier =
        std::fs::read(out.path().join("pixley-union-elementary.md")).expect("earlier plan");
    // The second run breaks one district half-way through the list.
    std::fs::write(
        inputs.path().join("pixley-union-elementary.ron"),
        "District(id: \"pixley-union-elementary\", enrollment: -1)",
    )
    .expect("break");
    let output = elplan(&[
        "batch",
        &inputs.path().to_string_lossy(),
        "--out-dir",
        &out.path().to_string_lossy(),
    ])
    .run();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read(out.path().join("pixley-union-elementary.md")).expect("kept"),
        earlier,
        "the failed district's earlier plan is untouched"
    );
    for name in ["mendota-unified.md", "robla-elementary.md", "summary.csv"] {
        assert!(out.path().join(name).exists(), "{name}");
    }
    let stray: Vec<_> = std::fs::read_dir(out.path())
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".elplan-"))
        .collect();
    assert!(stray.is_empty(), "no temporary files left behind");
}

/// Every fixture planned twice in one process, and in two processes, gives
/// the same bytes in every format; batches on one and two threads too.
#[test]
fn the_same_input_gives_the_same_bytes_everywhere() {
    use elplan::render::{Format, RenderOptions};
    let session = elplan::session::Session::embedded().expect("session");
    let mut paths = Vec::new();
    for group in ["calli", "elin", "cases"] {
        for entry in
            std::fs::read_dir(Path::new(ROOT).join("fixtures").join(group)).expect("fixtures")
        {
            paths.push(entry.expect("entry").path());
        }
    }
    paths.sort();
    let render_all = || -> Vec<Vec<String>> {
        paths
            .iter()
            .map(|path| {
                let district = elplan::District::load(path).expect("fixture");
                let plan = session.plan(&district, path).expect("plan");
                [Format::Md, Format::Html, Format::Json]
                    .iter()
                    .map(|&f| {
                        session
                            .render(f, &plan, &district, &RenderOptions::default())
                            .expect("render")
                    })
                    .collect()
            })
            .collect()
    };
    let first = render_all();
    assert_eq!(first, render_all(), "twice in one process");
    for (path, outputs) in paths.iter().zip(&first) {
        let json = elplan(&["plan", &relative(path), "--format", "json"]).run();
        assert_eq!(
            String::from_utf8_lossy(&json.stdout),
            outputs[2],
            "{} in another process",
            path.display()
        );
    }
    let (one, two) = (
        tempfile::tempdir().expect("temp"),
        tempfile::tempdir().expect("temp"),
    );
    for (dir, threads) in [(&one, "1"), (&two, "2")] {
        let output = Command::new(env!("CARGO_BIN_EXE_elplan"))
            .args([
                "batch",
                "fixtures/calli",
                "fixtures/elin",
                "fixtures/cases",
                "--out-dir",
                &dir.path().to_string_lossy(),
                "--format",
                "html",
            ])
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(ROOT)
            .output()
            .expect("batch");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let read = |dir: &Path| {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .expect("dir")
            .flatten()
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).expect("read"),
                )
            })
            .collect();
        files.sort();
        files
    };
    assert_eq!(
        read(one.path()),
        read(two.path()),
        "one thread and two threads"
    );
}

/// Runs elplan and waits at most ten seconds: a hang is a failure.
#[cfg(unix)]
fn within_ten_seconds(args: &[&str]) -> std::process::Output {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_elplan"))
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("elplan runs");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("elplan {args:?} hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// A FIFO (with no writer), /dev/zero and a folder of links that loop, as
/// every kind of input: each is refused or walked once, never read for
/// ever, never a hang.
#[cfg(unix)]
#[test]
fn fifos_devices_and_link_loops_never_hang_any_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("fifo.ron");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let fifo = fifo.to_string_lossy().into_owned();
    let out = dir.path().join("out").to_string_lossy().into_owned();
    for input in [fifo.as_str(), "/dev/zero"] {
        for args in [
            vec!["plan", input],
            vec!["explain", input, "high_poverty"],
            vec!["whatif", MENDOTA, "--scenario", input],
            vec!["import", input, "--out-dir", &out],
            vec!["batch", input, "--out-dir", &out],
        ] {
            let output = within_ten_seconds(&args);
            assert_eq!(
                output.status.code(),
                Some(1),
                "{args:?}: {}",
                shown(&output)
            );
            assert!(
                stderr(&output).contains("not a regular file"),
                "{args:?}: {}",
                shown(&output)
            );
        }
    }
    // A rule directory whose file is a FIFO.
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("mkdir");
    std::os::unix::fs::symlink(&fifo, rules.join("stages.ron")).expect("link");
    let output = within_ten_seconds(&["check", "--rules", &rules.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    // A folder of district files with links back up and to itself.
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(tree.join("a")).expect("mkdir");
    std::fs::copy(Path::new(ROOT).join(MENDOTA), tree.join("a/mendota.ron")).expect("copy");
    std::os::unix::fs::symlink(".", tree.join("a/self")).expect("link");
    std::os::unix::fs::symlink("..", tree.join("a/up")).expect("link");
    std::os::unix::fs::symlink(".", tree.join("also-self")).expect("link");
    let output = within_ten_seconds(&["batch", &tree.to_string_lossy(), "--out-dir", &out]);
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    assert!(
        stderr(&output).contains("planned 1 of 1 districts"),
        "the district is planned once: {}",
        shown(&output)
    );
    assert!(
        stderr(&output).contains("skipped"),
        "the links are reported: {}",
        shown(&output)
    );
}

/// District text that is Markdown or HTML stays text in the Markdown
/// draft: a `|` does not split a table cell, a newline or a code fence does
/// not break the document, and raw HTML is shown, not rendered.
#[test]
fn markdown_in_district_text_cannot_break_the_draft() {
    let district = "District(id: \"x\", name: \"A | B\\n```\\n<img src=x onerror=alert(1)> *Unified*\", \
                    kind: Unified, enrollment: 900, students: (el_share: 0.3, languages: [(name: \"Span|ish\\n# Title\")]))";
    let draft = elplan(&["plan", "-"]).stdin(district).ok();
    assert!(!draft.contains("<img"), "raw HTML passes through");
    assert!(
        !draft.contains("\n```\n<"),
        "a code fence breaks the document"
    );
    let profile = draft
        .lines()
        .find(|l| l.starts_with("| | A"))
        .expect("the profile header row");
    assert_eq!(profile.matches(" | ").count(), 2, "{profile}");
    let languages = draft
        .lines()
        .find(|l| l.starts_with("| Main home languages"))
        .expect("the languages row");
    assert!(languages.contains("Span\\|ish \\# Title"), "{languages}");
    assert!(!draft.lines().any(|l| l.starts_with("# Title")));
}

/// A district file with thousands of bad history entries took about a
/// minute to report (each problem was placed by a search from the file's
/// start); it is reported by its first fifty problems and a count.
#[test]
fn thousands_of_bad_history_entries_are_reported_by_the_first_and_a_count() {
    let entries: Vec<String> = (0..20_000)
        .map(|i| {
            format!(
                "(year: \"{}-{:02}\", elpi_status: 2.0)",
                2000 + i / 100,
                i % 100
            )
        })
        .collect();
    let district = format!(
        "District(id: \"x\", name: \"X\", kind: Unified, enrollment: 900, students: (el_share: 0.3), history: [{}])",
        entries.join(",\n")
    );
    let output = elplan(&["plan", "-"]).stdin(&district).run();
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("more problems like these"),
        "{}",
        &text[text.len().saturating_sub(300)..]
    );
    assert!(text.lines().count() < 400, "{} lines", text.lines().count());
}

/// A template with a long operator chain or deeply nested blocks overflowed
/// the stack; each is now refused with the template and line.
#[test]
fn a_long_chain_or_deep_nesting_in_a_template_is_a_diagnostic_not_a_crash() {
    let cases = [
        format!("{{{{ true{} }}}}\n", " and true".repeat(100_000)),
        format!(
            "{}x{}",
            "{% if true %}".repeat(5_000),
            "{% endif %}".repeat(5_000)
        ),
    ];
    for body in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("plan.md.j2"), format!("# Plan\n{body}")).expect("write");
        let output = elplan(&[
            "--templates",
            &dir.path().to_string_lossy(),
            "plan",
            MENDOTA,
        ])
        .run();
        assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
        assert!(
            stderr(&output).contains("plan.md.j2:2:"),
            "names the template and line: {}",
            shown(&output)
        );
    }
}

/// With standard output closed (`>&-`), the runtime put /dev/null in its
/// place and the plan was lost with exit 0; now it is an error. `> /dev/null`
/// stays a deliberate discard.
#[test]
fn a_closed_standard_output_is_an_error_not_a_lost_plan() {
    let run = |redirect: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("exec \"$0\" plan {MENDOTA} {redirect}",))
            .arg(env!("CARGO_BIN_EXE_elplan"))
            .current_dir(ROOT)
            .output()
            .expect("sh")
    };
    let closed = run(">&-");
    assert_eq!(closed.status.code(), Some(1), "{}", shown(&closed));
    insta::assert_snapshot!(stderr(&closed));
    let discarded = run("> /dev/null");
    assert_eq!(discarded.status.code(), Some(0), "{}", shown(&discarded));
    assert!(discarded.stderr.is_empty(), "{}", shown(&discarded));
}

/// An evidence sentence that prints a huge string is a rule error naming
/// the finding, not a plan of many megabytes.
#[test]
fn an_evidence_sentence_past_its_size_limit_is_a_rule_error() {
    let rules = broken_rules(&[(
        "findings.ron",
        "evidence: \"",
        "evidence: \"{{ 'x' * 100000 }}",
    )]);
    let output = elplan(&["--rules", &rules.path().to_string_lossy(), "plan", MENDOTA]).run();
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    let text = shown_redacted(&output, &[(&rules.path().to_string_lossy(), "RULES")]);
    assert!(text.contains("limit of 65536 bytes"), "{text}");
    insta::assert_snapshot!(text);
}

/// A name with no letter or digit made an empty id, refused as "`` is not
/// a valid id" with no hint: `new` now shows what an id looks like, and
/// `import` names the district by its CDS code.
#[test]
fn a_name_without_letters_or_digits_still_gets_an_id() {
    let output = elplan(&["new", "!!!"]).run();
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    insta::assert_snapshot!(shown(&output));

    let dir = tempfile::tempdir().expect("temp dir");
    let sample =
        std::fs::read_to_string(Path::new(ROOT).join("fixtures/import/district_areas_sample.csv"))
            .expect("sample table");
    let mut lines = sample.lines();
    let header = lines.next().expect("header");
    let row = lines
        .next()
        .expect("a row")
        .replace("Bayview Unified", "???");
    let table = dir.path().join("areas.csv");
    std::fs::write(&table, format!("{header}\n{row}\n")).expect("write table");
    let out = dir.path().join("districts");
    let output = elplan(&[
        "import",
        &table.to_string_lossy(),
        "--out-dir",
        &out.to_string_lossy(),
    ])
    .run();
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    let file = out.join("district-01100010000000.ron");
    let text = std::fs::read_to_string(&file).expect("the district is named by its CDS code");
    assert!(text.contains("id: \"district-01100010000000\""), "{text}");
    assert!(text.contains("name: \"???\""), "{text}");
}

/// A scenario of thousands of overrides that left another field
/// inconsistent printed every override on one line of 66 KB: the list is
/// folded.
#[test]
fn a_scenario_of_thousands_of_overrides_is_reported_on_short_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("many.ron");
    let set = "(\"schools\", \"1\"),".repeat(6_000);
    std::fs::write(&scenario, format!("Scenario(name: \"Many\", set: [{set}])")).expect("write");
    let output = elplan(&[
        "whatif",
        "fixtures/cases/dual-language-shortage.ron",
        "--scenario",
        &scenario.to_string_lossy(),
    ])
    .run();
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    let text = shown_redacted(&output, &[(&dir.path().to_string_lossy(), "DIR")]);
    let longest = text.lines().map(str::len).max().unwrap_or(0);
    assert!(longest < 200, "a line of {longest} bytes");
    insta::assert_snapshot!(text);
}

/// The most memory a running process has held (VmHWM), in kB.
#[cfg(target_os = "linux")]
fn peak_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .expect("the process's status")
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// Issue 22 (13): `POST /api/sweep` with 10,000 values and a 30,000-digit
/// STEP (a 30 KB body) was refused as "more than a chart can show" only
/// after every value had been made, each written with 30,000 decimals:
/// about 340 MB a request. A range's values are now counted from START,
/// END and STEP before any is made, and written with at most 15 decimals.
#[cfg(target_os = "linux")]
#[test]
fn a_sweep_is_counted_before_its_values_are_made() {
    let studio = crate::studio::Studio::start();
    let sweep = |vary: &str| {
        studio.post(
            "/api/sweep",
            &serde_json::json!({ "file": "leadership-turnover.ron", "vary": vary }),
        )
    };
    let zeros = "0".repeat(30_000);
    let (status, answer) = sweep("students.el_share=0..0.3:0.05");
    assert_eq!(status, 200, "{answer}");
    let before = peak_kb(studio.pid());
    for _ in 0..5 {
        let (status, answer) = sweep(&format!("students.el_share=0..1:0.0001{zeros}"));
        assert_eq!(status, 422, "{answer}");
        assert!(
            answer["error"]
                .as_str()
                .expect("error")
                .starts_with("10001 values are more than a chart can show"),
            "{answer}"
        );
    }
    let grown = peak_kb(studio.pid()).saturating_sub(before);
    assert!(grown < 50_000, "five refusals took {grown} kB more");
    // A long STEP that makes few values plans them, each value short.
    let (status, answer) = sweep(&format!("students.el_share=0..0.3:0.05{zeros}"));
    assert_eq!(status, 200, "{answer}");
    let points = answer["points"].as_array().expect("points");
    assert_eq!(points.len(), 7);
    assert_eq!(points[1]["value"], "0.050000000000000");
    // The command line counts the same way: a billion values are refused
    // at once, a STEP too long for a number says so in a few words.
    let output = elplan(&[
        "sweep",
        MENDOTA,
        "--vary",
        "students.el_share=0..1:0.000000001",
    ])
    .run();
    assert_eq!(output.status.code(), Some(2), "{}", shown(&output));
    assert!(
        stderr(&output).contains("points; a sweep plans at most 100000"),
        "{}",
        shown(&output)
    );
    let huge = format!("students.el_share=0..1:1{zeros}");
    let output = elplan(&["sweep", MENDOTA, "--vary", &huge]).run();
    assert!(
        stderr(&output)
            .contains("`100000000000…000000 (30001 characters)` is too large a number for a sweep"),
        "{}",
        shown(&output)
    );
}

/// The peak memory of an elplan run, in kB: its high-water mark (VmHWM),
/// read until it ends. (The kernel's account at wait4 would count the
/// memory of the test process that spawned it, which it shares until exec.)
#[cfg(target_os = "linux")]
fn run_peak_kb(args: &[&str]) -> u64 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_elplan"))
        .args(args)
        .current_dir(ROOT)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("elplan runs");
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{}/status", child.id())) {
            let hwm = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
            peak = peak.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "elplan {args:?} failed");
            return peak;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Issue 22 (14): a sweep kept every value's plan in memory (10,000 values
/// about 470 MB; the documented 100,000 about 5 GB). It now plans a batch
/// at a time and keeps only the last plan and the breakpoints: eight
/// times the values take about the same memory.
/// (`scripts/sweep-memory.sh` measures the 100,000-value sweep.)
#[cfg(target_os = "linux")]
#[test]
fn a_sweep_keeps_only_the_breakpoints_not_every_plan() {
    let few = run_peak_kb(&[
        "sweep",
        MENDOTA,
        "--vary",
        "students.el_share=0..0.499:0.001",
    ]);
    let many = run_peak_kb(&[
        "sweep",
        MENDOTA,
        "--vary",
        "students.el_share=0..0.999:0.00025",
    ]);
    assert!(
        many < few + 40_000,
        "500 values peaked at {few} kB, 4,000 at {many} kB"
    );
}

/// A folder with a stand-in `chromium` (a shell script) that writes its
/// process id, starts a helper as Chromium does, and then does `rest`.
#[cfg(unix)]
fn stand_in_browser(rest: &str) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let bin = tempfile::tempdir().expect("temp dir");
    let script = bin.path().join("chromium");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nsleep 600 &\necho $! > \"$ELPLAN_TEST_MARK/helper.pid\"\necho $$ > \"$ELPLAN_TEST_MARK/browser.pid\"\n{rest}\n"
        ),
    )
    .expect("write");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    bin
}

/// Whether process `pid` still runs (a zombie, dead but not yet reaped by
/// its new parent, does not).
#[cfg(unix)]
fn running(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).is_ok_and(|stat| {
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X'))
    })
}

/// `elplan plan --format pdf` with the stand-in browser first on PATH and
/// TMPDIR in a folder of its own: the run, the marks folder and TMPDIR.
#[cfg(unix)]
fn print_with(
    bin: &Path,
    out: &Path,
) -> (std::process::Child, tempfile::TempDir, tempfile::TempDir) {
    let marks = tempfile::tempdir().expect("temp dir");
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let child = Command::new(env!("CARGO_BIN_EXE_elplan"))
        .args(["plan", MENDOTA, "--format", "pdf", "-o"])
        .arg(out)
        .current_dir(ROOT)
        .env("PATH", path)
        .env("TMPDIR", tmp.path())
        .env("ELPLAN_TEST_MARK", marks.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("elplan runs");
    (child, marks, tmp)
}

/// Waits (at most a minute) until `file` exists, and reads it.
#[cfg(unix)]
fn wait_for(file: &Path) -> String {
    for _ in 0..1200 {
        if let Ok(text) = std::fs::read_to_string(file) {
            if text.ends_with('\n') {
                return text;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("{} never appeared", file.display());
}

/// Issue 22 (15): SIGTERM (or Ctrl-C) during `--format pdf` left the
/// browser running and its work folder (the plan's HTML, its PDF, a
/// browser profile) in TMPDIR. Now the browser and every process it
/// started are stopped, the folder removed, and elplan ends by the signal;
/// no output file is written.
#[cfg(unix)]
#[test]
fn a_signal_during_a_pdf_print_stops_the_browser_and_removes_its_work_folder() {
    use std::os::unix::process::ExitStatusExt;
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let bin = stand_in_browser("wait");
        let out_dir = tempfile::tempdir().expect("temp dir");
        let out = out_dir.path().join("plan.pdf");
        let (mut child, marks, tmp) = print_with(bin.path(), &out);
        let browser = wait_for(&marks.path().join("browser.pid"));
        let helper = wait_for(&marks.path().join("helper.pid"));
        assert!(running(&browser) && running(&helper));
        assert!(
            !file_names(tmp.path()).is_empty(),
            "the work folder is there"
        );
        // SAFETY: kill sends a signal to the child just spawned.
        unsafe { libc::kill(child.id() as i32, signal) };
        let status = child.wait().expect("elplan ends");
        assert_eq!(status.signal(), Some(signal), "{status:?}");
        for _ in 0..100 {
            if !running(&browser) && !running(&helper) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(
            !running(&browser),
            "the browser still runs after signal {signal}"
        );
        assert!(
            !running(&helper),
            "its helper still runs after signal {signal}"
        );
        assert_eq!(
            file_names(tmp.path()),
            Vec::<String>::new(),
            "TMPDIR is left clean"
        );
        assert_eq!(
            file_names(out_dir.path()),
            Vec::<String>::new(),
            "no output"
        );
    }
}

/// The same clean-up when the browser fails: its helpers are stopped and
/// its work folder removed.
#[cfg(unix)]
#[test]
fn a_failed_pdf_print_stops_the_browsers_helpers_and_removes_its_work_folder() {
    let bin = stand_in_browser("echo 'no display' >&2\nexit 3");
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out = out_dir.path().join("plan.pdf");
    let (child, marks, tmp) = print_with(bin.path(), &out);
    let output = child.wait_with_output().expect("elplan ends");
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    assert!(
        stderr(&output).contains("could not print the plan"),
        "{}",
        shown(&output)
    );
    assert_nothing_left(&marks.path().join("helper.pid"), tmp.path(), &out);
}

/// The browser's helper (its pid in `helper_pid`) stopped, TMPDIR clean and
/// no PDF written.
fn assert_nothing_left(helper_pid: &Path, tmp: &Path, out: &Path) {
    let helper = wait_for(helper_pid);
    assert!(!running(&helper), "the browser's helper still runs");
    assert_eq!(
        file_names(tmp),
        Vec::<String>::new(),
        "TMPDIR is left clean"
    );
    assert!(!out.exists());
}

/// A stand-in `chromium` that speaks the DevTools protocol on its pipe
/// (commands on fd 3, replies on fd 4, each message ended by a NUL), as
/// elplan drives the browser: it opens a tab, loads a page, and prints a
/// (tiny) PDF, or answers the print with `print` (a reply's JSON after
/// `"id":N,`). In bash, which reads NUL-ended messages.
#[cfg(unix)]
fn devtools_stand_in(print: &str) -> tempfile::TempDir {
    let bin = stand_in_browser("exec bash \"$(dirname \"$0\")/devtools.bash\"");
    let script = r#"
while IFS= read -r -d '' message <&3; do
  # serde_json writes an object's keys in order: "id" comes first.
  id=${message#*\"id\":}; id=${id%%[,\}]*}
  event=
  case $message in
    *'"Target.createTarget"'*) reply='"result":{"targetId":"T"}';;
    *'"Target.attachToTarget"'*) reply='"result":{"sessionId":"S"}';;
    *'"Page.navigate"'*) reply='"result":{"frameId":"F","loaderId":"L"}'
      event='{"method":"Page.lifecycleEvent","sessionId":"S","params":{"name":"load","loaderId":"L"}}';;
    *'"Page.printToPDF"'*) reply='PRINT';;
    *'"Browser.close"'*) exit 0;;
    *) reply='"result":{}';;
  esac
  printf '{"id":%s,%s}\0' "$id" "$reply" >&4
  if [ -n "$event" ]; then printf '%s\0' "$event" >&4; fi
done
"#
    .replace("PRINT", print);
    std::fs::write(bin.path().join("devtools.bash"), script).expect("write");
    bin
}

/// Issue 22 (20): a `chromium` on the PATH that cannot be run (not
/// executable) was chosen and failed with "Permission denied", though a
/// working one followed. As a shell does, it is now passed over.
#[cfg(unix)]
#[test]
fn a_chromium_that_cannot_be_run_is_passed_over_on_the_path() {
    use std::os::unix::fs::PermissionsExt;
    let not_runnable = tempfile::tempdir().expect("temp dir");
    let script = not_runnable.path().join("chromium");
    std::fs::write(&script, "#!/bin/sh\nexit 0\n").expect("write");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    // A working stand-in: it prints a (tiny) PDF, `%PDF-1.4\n%stand-in\n`.
    let working = devtools_stand_in(r#""result":{"data":"JVBERi0xLjQKJXN0YW5kLWluCg=="}"#);
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out = out_dir.path().join("plan.pdf");
    let marks = tempfile::tempdir().expect("temp dir");
    let path = format!(
        "{}:{}:{}",
        not_runnable.path().display(),
        working.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new(env!("CARGO_BIN_EXE_elplan"))
        .args(["plan", MENDOTA, "--format", "pdf", "-o"])
        .arg(&out)
        .current_dir(ROOT)
        .env("PATH", &path)
        .env("ELPLAN_TEST_MARK", marks.path())
        .output()
        .expect("elplan runs");
    assert!(output.status.success(), "{}", shown(&output));
    assert!(std::fs::read(&out)
        .expect("the PDF")
        .starts_with(b"%PDF-1.4\n%stand-in"));
    // Alone on the PATH, it is not taken for a browser at all.
    let output = Command::new(env!("CARGO_BIN_EXE_elplan"))
        .args(["plan", MENDOTA, "--format", "pdf", "-o"])
        .arg(&out)
        .current_dir(ROOT)
        .env("PATH", not_runnable.path())
        .output()
        .expect("elplan runs");
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    assert!(
        stderr(&output).contains("needs Chromium, and none is on the PATH"),
        "{}",
        shown(&output)
    );
}

/// A browser that answers a command with an error: elplan says which
/// command failed and how, with the browser's last message, and leaves no
/// browser running and no work folder behind.
#[cfg(unix)]
#[test]
fn a_browsers_error_reply_is_a_diagnostic_and_leaves_nothing_behind() {
    let bin = devtools_stand_in(r#""error":{"code":-32000,"message":"Printing failed"}"#);
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out = out_dir.path().join("plan.pdf");
    let (child, marks, tmp) = print_with(bin.path(), &out);
    let output = child.wait_with_output().expect("elplan ends");
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    assert!(
        stderr(&output)
            .contains("could not print the plan (Page.printToPDF failed: Printing failed)"),
        "{}",
        shown(&output)
    );
    let browser = wait_for(&marks.path().join("browser.pid"));
    assert!(!running(&browser), "the browser still runs");
    assert_nothing_left(&marks.path().join("helper.pid"), tmp.path(), &out);
}
