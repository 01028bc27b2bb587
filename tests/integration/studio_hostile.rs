//! The studio against a careless user, a malicious district-file author and
//! a malicious page (issue 22): it writes nothing outside its folders, even
//! through a link; of saves from one version of a page exactly one wins;
//! a save touches only the changed values' bytes (inside lists too) and
//! keeps comments, line endings and a byte-order mark; what elplan could
//! not read back is never written; idle connections cannot starve it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::studio::{version_of, Studio};
use crate::support::{file_names, ROOT};

/// A district file's text from the bundled cases.
fn case(name: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join("fixtures/cases").join(name)).expect("fixture")
}

/// A save of `set` into `file` from the page as it is now.
fn save(studio: &Studio, file: &str, set: serde_json::Value) -> (u16, serde_json::Value) {
    let base = version_of(studio, file);
    studio.post(
        "/api/save",
        &json!({ "file": file, "set": set, "base": base }),
    )
}

#[cfg(unix)]
#[test]
fn a_scenarios_link_leading_out_of_the_folder_is_not_written_through() {
    use std::os::unix::fs::symlink;
    let studio = Studio::start();
    let outside = tempfile::tempdir().expect("temp dir");
    let theirs = outside.path().join("coaches-leave.ron");
    std::fs::write(&theirs, "someone else's file").expect("write");
    let scenarios = studio.folder().join("scenarios");
    symlink(outside.path(), &scenarios).expect("link");
    let scenario = |name: &str, replace: bool| {
        studio.post(
            "/api/scenario",
            &json!({
                "file": "complete-team.ron",
                "set": [["staffing.instructional_coaches", "0"]],
                "name": name,
                "replace": replace,
            }),
        )
    };
    // A new scenario, and one replacing a file of the same name (issue 22, 1 and 2).
    for (name, replace) in [("A new one", false), ("Coaches leave", true)] {
        let (status, answer) = scenario(name, replace);
        assert_eq!(status, 403, "{answer}");
        assert!(
            answer["error"]
                .as_str()
                .expect("error")
                .contains("leads outside the folders"),
            "{answer}"
        );
    }
    assert_eq!(file_names(outside.path()), ["coaches-leave.ron"]);
    // A scenario file that is itself a link out is not replaced through it.
    std::fs::remove_file(&scenarios).expect("unlink");
    std::fs::create_dir(&scenarios).expect("folder");
    symlink(&theirs, scenarios.join("coaches-leave.ron")).expect("link");
    let (status, answer) = scenario("Coaches leave", true);
    assert_eq!(status, 403, "{answer}");
    assert_eq!(
        std::fs::read_to_string(&theirs).expect("read"),
        "someone else's file"
    );
    // A link that stays inside the folder is followed.
    std::fs::remove_dir_all(&scenarios).expect("remove");
    std::fs::create_dir(studio.folder().join("kept")).expect("folder");
    symlink("kept", &scenarios).expect("link");
    let (status, answer) = scenario("Coaches leave", false);
    assert_eq!(status, 200, "{answer}");
    assert!(studio.folder().join("kept/coaches-leave.ron").is_file());
}

#[test]
fn fifty_saves_of_one_page_version_at_once_make_exactly_one_change() {
    let studio = Studio::start();
    let file = "complete-team.ron";
    let path = studio.folder().join(file);
    let original = std::fs::read_to_string(&path).expect("fixture");
    let base = version_of(&studio, file);
    let start = std::sync::Barrier::new(50);
    let answers: Vec<(usize, u16, serde_json::Value)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..50)
            .map(|k| {
                let (studio, start, base) = (&studio, &start, &base);
                scope.spawn(move || {
                    start.wait();
                    let coaches = (k + 10).to_string();
                    let (status, answer) = studio.post(
                        "/api/save",
                        &json!({
                            "file": file,
                            "set": [["staffing.instructional_coaches", coaches]],
                            "base": base,
                        }),
                    );
                    (k, status, answer)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a save thread"))
            .collect()
    });
    let won: Vec<usize> = answers
        .iter()
        .filter(|(_, status, _)| *status == 200)
        .map(|(k, _, _)| *k)
        .collect();
    let refused = answers.iter().filter(|(_, status, _)| *status == 409);
    assert_eq!(won.len(), 1, "{answers:?}");
    assert_eq!(refused.count(), 49, "{answers:?}");
    // The file holds the winner's change and nothing else.
    assert_eq!(
        std::fs::read_to_string(&path).expect("saved"),
        original.replace(
            "instructional_coaches: 6,",
            &format!("instructional_coaches: {},", won[0] + 10)
        )
    );
}

const LISTS: &str = r#"// Sierra Vista's file, kept by the EL office.
District(
    id: "sierra-vista",
    name: "Sierra Vista Unified",
    kind: Unified,
    enrollment: 4200,
    students: (
        el_share: 0.31,
        languages: [
            (name: "Spanish", share_of_els: 0.82), // 2024 census
            // Hmong families moved in after 2020
            (name: "Hmong", share_of_els: 0.09),
        ],
    ),
    leadership: (
        improvement_team: [
            Teachers, // the grade-level leads
            /* principals join in spring */ Principals,
        ],
    ),
)
"#;

#[test]
fn saving_a_changed_list_keeps_the_comments_inside_it() {
    let studio = Studio::start();
    let path = studio.folder().join("lists.ron");
    std::fs::write(&path, LISTS).expect("write");
    let (status, answer) = save(
        &studio,
        "lists.ron",
        json!([
            [
                "leadership.improvement_team",
                "[Teachers, Principals, DistrictStaff]"
            ],
            [
                "students.languages",
                r#"[(name: "Spanish", share_of_els: 0.8), (name: "Hmong", share_of_els: 0.09), (name: "Mixteco", share_of_els: 0.05)]"#
            ],
        ]),
    );
    assert_eq!(status, 200, "{answer}");
    // Only the changed values' bytes changed: one share, two new items.
    let want = LISTS
        .replace("share_of_els: 0.82)", "share_of_els: 0.8)")
        .replace(
            "            (name: \"Hmong\", share_of_els: 0.09),\n",
            "            (name: \"Hmong\", share_of_els: 0.09),\n            (name: \"Mixteco\", share_of_els: 0.05),\n",
        )
        .replace(
            "Principals,\n        ],",
            "Principals,\n            DistrictStaff,\n        ],",
        );
    assert_eq!(std::fs::read_to_string(&path).expect("saved"), want);
    // An item removed: its comment stays.
    let (status, answer) = save(
        &studio,
        "lists.ron",
        json!([["leadership.improvement_team", "[Principals, DistrictStaff]"]]),
    );
    assert_eq!(status, 200, "{answer}");
    let saved = std::fs::read_to_string(&path).expect("saved");
    assert_eq!(
        saved,
        want.replace(
            "            Teachers, // the grade-level leads\n",
            "            // the grade-level leads\n"
        )
    );
    let district = elplan::District::load(&path).expect("loads");
    assert_eq!(district.students.languages.len(), 3);
}

#[test]
fn a_save_past_the_read_limit_is_refused_before_writing() {
    let studio = Studio::start();
    let path = studio.folder().join("big.ron");
    let mut text = case("complete-team.ron");
    let line = "// notes from the EL office, kept with the file, line after line.\n";
    while text.len() + line.len() < elplan::limits::MAX_DISTRICT_BYTES - 500 {
        text.push_str(line);
    }
    std::fs::write(&path, &text).expect("write");
    let long_name = format!("\"{}\"", "Bahía Unified ".repeat(100));
    let (status, answer) = save(&studio, "big.ron", json!([["name", long_name]]));
    assert_eq!(status, 422, "{answer}");
    let error = answer["error"].as_str().expect("error");
    assert!(
        error.contains("elplan reads district files of at most 1048576 bytes"),
        "{error}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    // A change that fits is saved, and the file still opens.
    let (status, answer) = save(&studio, "big.ron", json!([["schools", "11"]]));
    assert_eq!(status, 200, "{answer}");
    elplan::District::load(&path).expect("the saved file opens");
}

/// A file whose layout the in-place edit cannot follow (a raw identifier,
/// `r#students`): the save into it is refused before anything is written,
/// and the advice it gives, saving as a new file, works.
#[test]
fn a_save_that_would_not_read_back_is_refused_and_saving_as_a_new_file_works() {
    let studio = Studio::start();
    let text = case("complete-team.ron").replace("    students: (", "    r#students: (");
    let path = studio.folder().join("raw.ron");
    std::fs::write(&path, &text).expect("write");
    let set = json!([["students.el_share", "0.3"]]);
    let (status, answer) = save(&studio, "raw.ron", set.clone());
    assert_eq!(status, 422, "{answer}");
    let error = answer["error"].as_str().expect("error");
    assert!(error.contains("would not read back"), "{error}");
    assert!(error.contains("save it as a new file instead"), "{error}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    let (status, answer) = studio.post(
        "/api/save",
        &json!({
            "file": "raw.ron", "set": set, "base": version_of(&studio, "raw.ron"),
            "new_file": "raw-2025.ron",
        }),
    );
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer["note"]
            .as_str()
            .expect("note")
            .contains("written afresh"),
        "{answer}"
    );
    let copy = elplan::District::load(&studio.folder().join("raw-2025.ron")).expect("loads");
    assert_eq!(copy.students.el_share, 0.3);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
}

#[test]
fn a_save_keeps_crlf_line_endings_and_the_byte_order_mark() {
    let studio = Studio::start();
    let lf = case("leadership-turnover.ron");
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(lf.replace('\n', "\r\n").bytes());
    let path = studio.folder().join("windows.ron");
    std::fs::write(&path, &bytes).expect("write");
    let set = [
        ("staffing.instructional_coaches", "6"),
        ("locale", "Rural"),
        ("history[2023-24].reclassification_rate", "0.07"),
        ("leadership.improvement_team", "[Teachers, DistrictStaff]"),
        ("students.newcomer_share_of_els", "0.05"),
        ("schools", "None"),
    ];
    let (status, answer) = save(&studio, "windows.ron", json!(set));
    assert_eq!(status, 200, "{answer}");
    let saved = std::fs::read(&path).expect("saved");
    assert!(
        saved.starts_with(b"\xef\xbb\xbf"),
        "the byte-order mark stays"
    );
    let saved = String::from_utf8(saved[3..].to_vec()).expect("UTF-8");
    assert!(
        !saved.replace("\r\n", "").contains('\n'),
        "a bare line feed: {saved:?}"
    );
    // Byte for byte what the same changes make of the file with LF endings.
    let district = elplan::District::parse(&path, &lf).expect("parses");
    let changes: Vec<elplan::overrides::Override> = set
        .iter()
        .map(|(p, v)| elplan::overrides::Override {
            path: p.to_string(),
            value: v.to_string(),
        })
        .collect();
    let want = elplan::ron_edit::write_changes(&path, &lf, &district, &changes).expect("writes");
    assert_eq!(saved, want.replace('\n', "\r\n"));
}

#[test]
fn a_new_file_name_with_control_or_bidi_characters_is_refused() {
    let studio = Studio::start();
    let before = file_names(&studio.folder());
    let base = version_of(&studio, "complete-team.ron");
    for (name, code) in [
        ("two\nlines.ron", "U+000A"),
        ("invoice\u{202e}nor.ron", "U+202E"),
        ("nul\u{0}.ron", "U+0000"),
        ("tab\t.ron", "U+0009"),
        ("\u{2066}isolate.ron", "U+2066"),
        ("bell\u{7}.ron", "U+0007"),
        ("line\u{2028}separator.ron", "U+2028"),
    ] {
        let (status, answer) = studio.post(
            "/api/save",
            &json!({
                "file": "complete-team.ron", "set": [["schools", "5"]],
                "base": base, "new_file": name,
            }),
        );
        assert_eq!(status, 422, "{name:?}: {answer}");
        let error = answer["error"].as_str().expect("error");
        assert!(
            error.contains("control or text-direction characters") && error.contains(code),
            "{name:?}: {error}"
        );
    }
    assert_eq!(file_names(&studio.folder()), before);
}

#[test]
fn a_header_comment_naming_the_district_does_not_stop_a_save() {
    let studio = Studio::start();
    let text = format!(
        "// Fresno County District (2024-25 data)\n{}",
        case("complete-team.ron")
    );
    let path = studio.folder().join("fresno.ron");
    std::fs::write(&path, &text).expect("write");
    let set = json!([["schools", "11"], ["staffing.instructional_coaches", "7"]]);
    let (status, answer) = save(&studio, "fresno.ron", set.clone());
    assert_eq!(status, 200, "{answer}");
    let want = text
        .replace("schools: 10,", "schools: 11,")
        .replace("instructional_coaches: 6,", "instructional_coaches: 7,");
    assert_eq!(std::fs::read_to_string(&path).expect("saved"), want);
    // The new-file way, too.
    let (status, answer) = studio.post(
        "/api/save",
        &json!({
            "file": "fresno.ron", "set": [["schools", "12"]],
            "base": version_of(&studio, "fresno.ron"), "new_file": "fresno-2025.ron",
        }),
    );
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer["note"].is_null(),
        "written into its own layout: {answer}"
    );
    let copy = std::fs::read_to_string(studio.folder().join("fresno-2025.ron")).expect("new");
    assert_eq!(copy, want.replace("schools: 11,", "schools: 12,"));
}

#[test]
fn a_last_field_with_a_trailing_comment_and_no_comma_takes_a_new_field() {
    let studio = Studio::start();
    let text = case("complete-team.ron").replace(
        "        iep_language_goals: true,\n    ),\n)",
        "        iep_language_goals: true // checked in May\n    ) // the last section\n)",
    );
    let path = studio.folder().join("trailing.ron");
    std::fs::write(&path, &text).expect("write");
    let (status, answer) = save(
        &studio,
        "trailing.ron",
        json!([
            ["compliance.primary_language_assessment", "true"],
            ["cds_code", "\"44697990000000\""],
        ]),
    );
    assert_eq!(status, 200, "{answer}");
    let saved = std::fs::read_to_string(&path).expect("saved");
    assert!(
        saved.ends_with(
            "        iep_language_goals: true, // checked in May\n        primary_language_assessment: true,\n    ), // the last section\n    cds_code: \"44697990000000\",\n)\n"
        ),
        "{saved}"
    );
}

#[test]
fn a_district_name_with_a_line_break_does_not_break_scenario_saves() {
    let studio = Studio::start();
    for (file, name) in [
        ("escaped.ron", r#"Bahía\nUnified"#),
        ("raw-break.ron", "Bahía\nUnified"),
        ("bidi.ron", "Bahía \u{202e}Unified\u{2028}"),
    ] {
        let text = case("complete-team.ron")
            .replace("name: \"Bahía Unified\"", &format!("name: \"{name}\""));
        std::fs::write(studio.folder().join(file), text).expect("write");
        let (status, answer) = studio.post(
            "/api/scenario",
            &json!({
                "file": file,
                "set": [["staffing.instructional_coaches", "0"]],
                "name": format!("No coaches {file}"),
            }),
        );
        assert_eq!(status, 200, "{file}: {answer}");
        let scenario = studio.folder().join(answer["file"].as_str().expect("file"));
        let written = std::fs::read_to_string(&scenario).expect("scenario");
        let mut lines = written.lines();
        for _ in 0..2 {
            let line = lines.next().expect("a comment line");
            assert!(line.starts_with("// "), "{file}: {written}");
            assert!(
                !line.chars().any(elplan::ron_text::is_control_or_bidi),
                "{file}: {line:?}"
            );
        }
        assert!(lines.next().expect("the scenario").starts_with("Scenario("));
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_elplan"))
            .args(["whatif", file, "--scenario"])
            .arg(&scenario)
            .current_dir(studio.folder())
            .output()
            .expect("whatif runs");
        assert!(
            output.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Makes room for `wanted` open files in this process, raising the soft
/// limit toward the hard one; why not, if it cannot.
#[cfg(target_os = "linux")]
fn room_for_files(wanted: u64) -> Result<(), String> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes only the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err("the open-file limit cannot be read".to_string());
    }
    if limit.rlim_cur >= wanted {
        return Ok(());
    }
    if limit.rlim_max < wanted {
        return Err(format!(
            "this process may hold at most {} open files (hard limit), under the {wanted} needed",
            limit.rlim_max
        ));
    }
    limit.rlim_cur = wanted;
    // SAFETY: setrlimit reads only the struct it is given.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
        return Err("the open-file limit cannot be raised".to_string());
    }
    Ok(())
}

/// One GET on a connection of its own, with every wait bounded: the
/// status, or why there is none.
fn timed_get(host: &str, path: &str) -> Result<u16, String> {
    let address = host.parse().map_err(|e| format!("{host}: {e}"))?;
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5))
        .map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("send: {e}"))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .map_err(|e| format!("read: {e}"))?;
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {answer:?}"))
}

#[cfg(target_os = "linux")]
#[test]
#[cfg_attr(
    not(many_files),
    ignore = "needs a hard limit of at least 1,300 open files (`ulimit -Hn`)"
)]
fn eleven_hundred_idle_connections_do_not_starve_the_studio() {
    const IDLE: usize = 1_100;
    room_for_files(IDLE as u64 + 200).unwrap_or_else(|why| panic!("{why}"));
    // The studio may hold 1,024 descriptors, as the issue's did.
    let studio = Studio::start_with_files(Some(1024));
    let address = studio.host.parse().expect("address");
    let mut idle = Vec::with_capacity(IDLE);
    for _ in 0..IDLE {
        let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_secs(5)) else {
            continue;
        };
        // Half a request head, never finished.
        let _ = stream.write_all(format!("GET / HTTP/1.1\r\nHost: {}\r\n", studio.host).as_bytes());
        idle.push(stream);
    }
    assert!(idle.len() > 1_000, "only {} connections opened", idle.len());
    let asked = Instant::now();
    let status = timed_get(&studio.host, "/assets/studio.css");
    let took = asked.elapsed();
    eprintln!(
        "answered in {took:?} behind {} idle connections",
        idle.len()
    );
    assert_eq!(status, Ok(200), "after {took:?}");
    assert!(
        took < Duration::from_secs(1),
        "answered after {took:?} behind {} idle connections",
        idle.len()
    );
    drop(idle);
    assert_eq!(timed_get(&studio.host, "/assets/studio.css"), Ok(200));
}

#[test]
fn a_half_sent_request_is_closed_after_its_timeout() {
    let studio = Studio::start();
    let bound =
        elplan::studio::HEADER_TIMEOUT.max(elplan::studio::BODY_TIMEOUT) + Duration::from_secs(5);
    let origin = format!("http://{}", studio.host);
    // Half a head; a whole head with half a body.
    let partial = [
        format!("GET / HTTP/1.1\r\nHost: {}\r\n", studio.host),
        format!(
            "POST /api/plan HTTP/1.1\r\nHost: {}\r\nOrigin: {origin}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"file\": ",
            studio.host
        ),
    ];
    std::thread::scope(|scope| {
        let handles: Vec<_> = partial
            .iter()
            .map(|sent| {
                let host = &studio.host;
                scope.spawn(move || {
                    let mut stream = TcpStream::connect(host).expect("connect");
                    stream.set_read_timeout(Some(bound)).expect("timeout");
                    stream.write_all(sent.as_bytes()).expect("send");
                    let started = Instant::now();
                    let mut answer = Vec::new();
                    let read = stream.read_to_end(&mut answer);
                    (
                        read.is_ok(),
                        started.elapsed(),
                        String::from_utf8_lossy(&answer).into_owned(),
                    )
                })
            })
            .collect();
        let results: Vec<_> = handles
            .into_iter()
            .map(|h| h.join().expect("a client"))
            .collect();
        for (closed, took, answer) in &results {
            assert!(*closed, "not closed within {bound:?}: {answer:?}");
            assert!(*took < bound, "{took:?}");
        }
        // The stalled body is told why.
        assert!(results[1].2.starts_with("HTTP/1.1 408"), "{}", results[1].2);
    });
}
