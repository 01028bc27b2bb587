//! `elplan serve` as a server: what it refuses (another site, another
//! host name, a path outside its folders, an oversized body), many
//! what-ifs at once, and saving without losing a word of the user's file.
//! The page itself is driven in a real browser in `studio_browser.rs`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use elplan::overrides::Override;

use crate::support::{copy_dir, session, ROOT};

/// A studio running on a free port over a copy of some fixtures; stopped
/// when dropped.
pub struct Studio {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub host: String,
    /// The folder it serves (a copy: saves never touch the fixtures).
    pub dir: tempfile::TempDir,
}

impl Studio {
    /// A studio over a copy of `fixtures/cases`.
    pub fn start() -> Studio {
        Studio::start_with_files(None)
    }

    /// A studio that may hold at most `files` open files (descriptors),
    /// where given.
    pub fn start_with_files(files: Option<u64>) -> Studio {
        let dir = tempfile::tempdir().expect("temp dir");
        let served = dir.path().join("districts");
        std::fs::create_dir(&served).expect("folder");
        copy_dir(&Path::new(ROOT).join("fixtures/cases"), &served);
        let mut command = match files {
            None => Command::new(env!("CARGO_BIN_EXE_elplan")),
            Some(n) => {
                // The shell lowers its own limit, then becomes elplan.
                let mut shell = Command::new("sh");
                shell.args([
                    "-c",
                    &format!("ulimit -n {n} && exec \"$0\" \"$@\""),
                    env!("CARGO_BIN_EXE_elplan"),
                ]);
                shell
            }
        };
        let mut child = command
            .args(["serve", "districts", "--port", "0"])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("elplan serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the studio says where it is");
        let host = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Studio { child, host, dir }
    }

    /// The studio's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The served folder.
    pub fn folder(&self) -> PathBuf {
        self.dir.path().join("districts")
    }

    /// The page's address for a path (`/district?file=x.ron`).
    #[cfg_attr(not(webdriver), allow(dead_code))]
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.host)
    }

    /// A raw HTTP/1.1 exchange: the status and the body.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.host).expect("connect");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("Host: {}\r\n", self.host));
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).expect("send head");
        // A server may answer (and close) before reading a refused body.
        let _ = stream.write_all(body);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {answer:?}"));
        let body = answer
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_string();
        (status, body)
    }

    /// A JSON POST from the studio's own page.
    pub fn post(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let origin = format!("http://{}", self.host);
        let (status, text) = self.request(
            "POST",
            path,
            &[("Content-Type", "application/json"), ("Origin", &origin)],
            body.to_string().as_bytes(),
        );
        let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        (status, json)
    }
}

impl Drop for Studio {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn another_host_name_or_another_site_is_refused() {
    let studio = Studio::start();
    let page = "/district?file=complete-team.ron";
    assert_eq!(studio.request("GET", page, &[], b"").0, 200);
    // DNS rebinding: a name that resolves here but is not this server's.
    let port = studio.host.rsplit(':').next().expect("port");
    for host in [
        "evil.example",
        &format!("evil.example:{port}"),
        "127.0.0.1:1",
        "",
    ] {
        let (status, body) = studio.request("GET", page, &[("Host", host)], b"");
        assert_eq!(status, 403, "Host {host:?}: {body}");
        assert!(body.contains("refused"), "{body}");
    }
    // CSRF: a page of another site posting to the studio.
    let body = serde_json::json!({ "file": "complete-team.ron", "set": [] }).to_string();
    for origin in [
        "http://evil.example",
        "null",
        &format!("http://evil.example:{port}"),
    ] {
        let (status, answer) = studio.request(
            "POST",
            "/api/plan",
            &[("Content-Type", "application/json"), ("Origin", origin)],
            body.as_bytes(),
        );
        assert_eq!(status, 403, "Origin {origin}: {answer}");
    }
    let (status, _) = studio.request(
        "POST",
        "/api/plan",
        &[
            ("Content-Type", "application/json"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        body.as_bytes(),
    );
    assert_eq!(status, 403);
    // A form post (no JSON) from anywhere is not read at all.
    let (status, _) = studio.request(
        "POST",
        "/api/plan",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"file=complete-team.ron",
    );
    assert_eq!(status, 415);
    // The studio's own page may.
    let (status, answer) = studio.post("/api/plan", &serde_json::from_str(&body).expect("json"));
    assert_eq!(status, 200, "{answer}");
}

#[test]
fn no_path_outside_the_given_folders_is_read_or_written() {
    let studio = Studio::start();
    let secret = studio.dir.path().join("secret.ron");
    std::fs::copy(
        Path::new(ROOT).join("fixtures/cases/complete-team.ron"),
        &secret,
    )
    .expect("copy");
    let before = std::fs::read(&secret).expect("secret");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, studio.folder().join("link.ron")).expect("link");
    let outside = [
        "../secret.ron",
        "%2E%2E/secret.ron",
        "link.ron",
        &secret.display().to_string(),
        "/etc/passwd",
        "",
    ];
    for file in outside {
        let (status, body) = studio.request("GET", &format!("/district?file={file}"), &[], b"");
        assert_eq!(status, 403, "{file}: {body}");
        let (status, body) = studio.post(
            "/api/save",
            &serde_json::json!({ "file": file, "set": [["schools", "5"]], "base": "" }),
        );
        assert_eq!(status, 403, "{file}: {body}");
    }
    // A new file goes beside the district, named plainly.
    for name in [
        "../escape.ron",
        "/tmp/escape.ron",
        "sub/escape.ron",
        ".hidden.ron",
        "x.txt",
    ] {
        let (status, body) = studio.post(
            "/api/save",
            &serde_json::json!({
                "file": "complete-team.ron", "set": [["schools", "5"]],
                "base": version_of(&studio, "complete-team.ron"), "new_file": name,
            }),
        );
        assert_eq!(status, 422, "{name}: {body}");
    }
    assert!(!studio.dir.path().join("escape.ron").exists());
    // The file outside, saved to through every spelling above, is as it was.
    assert_eq!(std::fs::read(&secret).expect("secret"), before);
}

#[test]
fn an_oversized_body_is_refused() {
    let studio = Studio::start();
    let big = format!(
        r#"{{"file": "complete-team.ron", "set": [["name", "{}"]]}}"#,
        "x".repeat(elplan::studio::MAX_BODY_BYTES)
    );
    let origin = format!("http://{}", studio.host);
    let (status, _) = studio.request(
        "POST",
        "/api/plan",
        &[("Content-Type", "application/json"), ("Origin", &origin)],
        big.as_bytes(),
    );
    assert_eq!(status, 413);
}

/// The page's version of a file, as the page carries it for a save.
pub fn version_of(studio: &Studio, file: &str) -> String {
    let (_, page) = studio.request("GET", &format!("/district?file={file}"), &[], b"");
    let at = page.find("data-base=\"").expect("data-base") + "data-base=\"".len();
    page[at..at + 16].to_string()
}

#[test]
fn a_hundred_what_ifs_at_once_all_get_their_own_plan() {
    let studio = Studio::start();
    let file = "complete-team.ron";
    let district = elplan::District::load(&studio.folder().join(file)).expect("fixture");
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..100)
            .map(|k| {
                let studio = &studio;
                let district = &district;
                scope.spawn(move || {
                    // Each asks a different question: coaches from 0 to 9,
                    // leadership changes from 0 to 9.
                    let set = vec![
                        (
                            "staffing.instructional_coaches".to_string(),
                            (k % 10).to_string(),
                        ),
                        (
                            "leadership.changes_last_3_years".to_string(),
                            (k / 10).to_string(),
                        ),
                    ];
                    let (status, answer) = studio.post(
                        "/api/plan",
                        &serde_json::json!({ "file": file, "set": set }),
                    );
                    assert_eq!(status, 200, "{answer}");
                    // The same what-if planned here, in-process.
                    let overrides: Vec<Override> = set
                        .iter()
                        .map(|(path, value)| Override {
                            path: path.clone(),
                            value: value.clone(),
                        })
                        .collect();
                    let changed = elplan::overrides::apply(district, &overrides).expect("valid");
                    let plan = session().plan(&changed, Path::new(file)).expect("plan");
                    let html = answer["html"].as_str().expect("html");
                    let strategies = plan.scheduled().count();
                    assert!(
                        html.contains(&format!("<b>{strategies}</b> strategies")),
                        "request {k}: {strategies} strategies"
                    );
                    for s in plan.scheduled() {
                        assert!(
                            html.contains(&format!("data-id=\"{}\"", s.id)),
                            "request {k}: {}",
                            s.id
                        );
                    }
                    let findings: Vec<&str> = plan.findings.iter().map(|f| f.id).collect();
                    for f in &findings {
                        assert!(
                            html.contains(&format!("data-id=\"{f}\"")),
                            "request {k}: {f}"
                        );
                    }
                    assert_eq!(
                        html.contains("data-id=\"leadership_instability\""),
                        k / 10 >= 2,
                        "request {k}"
                    );
                })
            })
            .collect();
        for h in handles {
            h.join().expect("a request thread");
        }
    });
}

#[test]
fn saving_into_the_file_keeps_its_comments_and_a_new_file_never_replaces_one() {
    let studio = Studio::start();
    let file = "leadership-turnover.ron";
    let path = studio.folder().join(file);
    let original = std::fs::read_to_string(&path).expect("fixture");
    let base = version_of(&studio, file);
    let set = serde_json::json!([
        ["staffing.instructional_coaches", "6"],
        ["locale", "Rural"],
        ["history[2023-24].reclassification_rate", "0.07"],
    ]);
    // Saved as a new file: the original is untouched.
    let (status, answer) = studio.post(
        "/api/save",
        &serde_json::json!({ "file": file, "set": set, "base": base, "new_file": "sierra-vista-2025.ron" }),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(std::fs::read_to_string(&path).expect("file"), original);
    let copy =
        std::fs::read_to_string(studio.folder().join("sierra-vista-2025.ron")).expect("new file");
    // ... and never over an existing one.
    let (status, answer) = studio.post(
        "/api/save",
        &serde_json::json!({ "file": file, "set": set, "base": base, "new_file": "tight-cap.ron" }),
    );
    assert_eq!(status, 409, "{answer}");
    // Saved into the file: every comment line of the original is still there.
    let (status, answer) = studio.post(
        "/api/save",
        &serde_json::json!({ "file": file, "set": set, "base": base }),
    );
    assert_eq!(status, 200, "{answer}");
    let saved = std::fs::read_to_string(&path).expect("file");
    assert_eq!(saved, copy);
    for line in original
        .lines()
        .filter(|l| l.trim_start().starts_with("//"))
    {
        assert!(saved.contains(line), "lost comment {line:?}:\n{saved}");
    }
    assert!(saved.contains("instructional_coaches: 6"), "{saved}");
    let district = elplan::District::load(&path).expect("saved file loads");
    assert_eq!(district.staffing.instructional_coaches, Some(6));
    assert_eq!(district.history.len(), 1);
    // A save from a page made before the file changed is refused.
    let (status, answer) = studio.post(
        "/api/save",
        &serde_json::json!({ "file": file, "set": set, "base": base }),
    );
    assert_eq!(status, 409, "{answer}");
    // A bad value is refused beside its field, and nothing is written.
    let base = version_of(&studio, file);
    let (status, answer) = studio.post(
        "/api/save",
        &serde_json::json!({ "file": file, "set": [["students.el_share", "2"]], "base": base }),
    );
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        answer["problems"][0]["path"], "students.el_share",
        "{answer}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("file"), saved);
}

#[test]
fn every_format_downloads_and_a_scenario_file_runs_on_the_command_line() {
    let studio = Studio::start();
    let changes = "%5B%5B%22staffing.instructional_coaches%22%2C%226%22%5D%5D";
    let mut formats = vec!["md", "html", "json", "csv", "docx"];
    // A PDF is printed by Chromium, where the machine has it (CI has).
    if cfg!(browser) {
        formats.push("pdf");
    }
    for format in formats {
        let (status, body) = studio.request(
            "GET",
            &format!("/download?file=complete-team.ron&format={format}&changes={changes}"),
            &[],
            b"",
        );
        assert_eq!(status, 200, "{format}: {body}");
        let start = match format {
            "md" => "# ",
            "html" => "<!DOCTYPE html>",
            "json" => "{",
            "csv" => "id,",
            "docx" => "PK",
            _ => "%PDF",
        };
        assert!(
            body.starts_with(start),
            "{format}: {}",
            &body[..body.len().min(80)]
        );
    }
    let (status, answer) = studio.post(
        "/api/scenario",
        &serde_json::json!({
            "file": "complete-team.ron",
            "set": [["staffing.instructional_coaches", "0"], ["leadership.changes_last_3_years", "3"]],
            "name": "Coaches leave, leaders turn over",
            "description": "What if the coaches go and the superintendent leaves?",
        }),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["file"],
        "scenarios/coaches-leave-leaders-turn-over.ron"
    );
    let scenario = studio
        .folder()
        .join("scenarios/coaches-leave-leaders-turn-over.ron");
    let output = Command::new(env!("CARGO_BIN_EXE_elplan"))
        .args(["whatif", "complete-team.ron", "--scenario"])
        .arg(&scenario)
        .current_dir(studio.folder())
        .output()
        .expect("whatif runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("+ Leadership turnover"), "{text}");
    // The same name again is a conflict, not a silent replacement.
    let (status, _) = studio.post(
        "/api/scenario",
        &serde_json::json!({
            "file": "complete-team.ron", "set": [["schools", "3"]], "name": "Coaches leave, leaders turn over",
        }),
    );
    assert_eq!(status, 409);
}

#[test]
fn a_file_that_is_not_a_district_opens_as_its_diagnostic() {
    let studio = Studio::start();
    std::fs::write(
        studio.folder().join("broken.ron"),
        "District(\n    id: \"broken\",\n    nmae: \"Broken\",\n)\n",
    )
    .expect("write");
    let (status, page) = studio.request("GET", "/district?file=broken.ron", &[], b"");
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("Cannot open <code>broken.ron</code>"),
        "{page}"
    );
    assert!(page.contains("nmae"), "{page}");
    assert!(
        page.contains("broken.ron:3"),
        "the line of the problem: {page}"
    );
    // The list of files names each district, and says which does not open.
    let (status, list) = studio.request("GET", "/", &[], b"");
    assert_eq!(status, 200);
    assert!(list.contains(">Bahía Unified</a>"), "{list}");
    assert!(list.contains("does not open"), "{list}");
}

/// Every fixture takes every kind of change into its own text: a value
/// replaced, a field added to its section, a section added, a field set
/// back to unknown, a history year edited or added; each result reads back
/// as the changed district (`write_changes` checks) and keeps every comment.
#[test]
fn every_fixture_takes_changes_into_its_text_and_keeps_its_comments() {
    let changes = [
        ("staffing.instructional_coaches", "3"),
        ("locale", "Rural"),
        ("leadership.improvement_team", "[Teachers, Principals]"),
        ("leadership.changes_last_3_years", "None"),
        ("programs.newcomer_program", "true"),
        ("county", "\"Fresno\""),
        ("history[2030-31].elpi_status", "0.5"),
        ("history[-1].el_chronic_absence", "0.2"),
        ("resources.max_initiatives_per_stage", "4"),
        (
            "students.languages",
            r#"[(name: "Hmong", share_of_els: 0.3)]"#,
        ),
    ];
    let mut written = 0;
    for dir in ["fixtures/calli", "fixtures/cases", "fixtures/elin"] {
        for entry in std::fs::read_dir(Path::new(ROOT).join(dir)).expect("fixtures") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("fixture");
            let district = elplan::District::parse(&path, &text).expect("fixture parses");
            for (field, value) in changes {
                let change = Override {
                    path: field.to_string(),
                    value: value.to_string(),
                };
                // A change the district itself refuses (no history for
                // `[-1]`, say) is not a question of layout.
                if elplan::overrides::apply(&district, std::slice::from_ref(&change)).is_err() {
                    continue;
                }
                let result = elplan::ron_edit::write_changes(&path, &text, &district, &[change])
                    .unwrap_or_else(|e| panic!("{}: {field}={value}: {e}", path.display()));
                for line in text.lines().filter(|l| l.trim_start().starts_with("//")) {
                    assert!(
                        result.contains(line),
                        "{}: {field}: lost {line:?}",
                        path.display()
                    );
                }
                written += 1;
            }
        }
    }
    assert!(written > 300, "only {written} changes were written");
}

#[test]
fn a_sweep_answers_with_a_point_per_value_and_refuses_more_than_a_chart_shows() {
    let studio = Studio::start();
    let (status, answer) = studio.post(
        "/api/sweep",
        &serde_json::json!({
            "file": "leadership-turnover.ron",
            "vary": "students.el_share=0..0.6:0.05",
        }),
    );
    assert_eq!(status, 200, "{answer}");
    let points = answer["points"].as_array().expect("points");
    assert_eq!(points.len(), 13);
    // Above the district's ever-EL share (0.35) the values are invalid.
    let invalid: Vec<&str> = points
        .iter()
        .filter(|p| p["valid"] == false)
        .map(|p| p["value"].as_str().expect("value"))
        .collect();
    assert_eq!(invalid, ["0.40", "0.45", "0.50", "0.55", "0.60"]);
    let at = |v: &str| points.iter().find(|p| p["value"] == v).expect("point");
    assert!(at("0.20")["changes"]
        .to_string()
        .contains("Too few instructional coaches"));
    // The plan's change ideas are bounded (policy.ron), so the new finding
    // brings its answer in without growing the plan past the bound.
    assert!(
        at("0.20")["strategies"].as_i64().expect("count")
            >= at("0.15")["strategies"].as_i64().expect("count"),
        "{answer}"
    );
    let (status, answer) = studio.post(
        "/api/sweep",
        &serde_json::json!({ "file": "leadership-turnover.ron", "vary": "students.el_share=0..1:0.0001" }),
    );
    assert_eq!(status, 422);
    assert!(
        answer["error"]
            .as_str()
            .expect("error")
            .contains("at most 2000"),
        "{answer}"
    );
}

#[test]
fn the_list_of_districts_passes_over_scenario_files_and_says_how_many() {
    let studio = Studio::start();
    std::fs::copy(
        Path::new(crate::support::ROOT).join("fixtures/scenarios/el-growth.ron"),
        studio.folder().join("el-growth.ron"),
    )
    .expect("copy");
    let (status, page) = studio.request("GET", "/", &[], b"");
    assert_eq!(status, 200);
    assert!(page.contains("complete-team.ron"), "{page}");
    assert!(!page.contains("el-growth.ron"), "{page}");
    assert!(page.contains("1 scenario file is not listed"), "{page}");
}

/// Puts the bundled scenario `name` (and a made-up one that changes the
/// latest year's outcomes) in `scenarios/` beside the served districts.
fn with_scenarios(studio: &Studio, names: &[&str]) {
    let folder = studio.folder().join("scenarios");
    std::fs::create_dir_all(&folder).expect("folder");
    for name in names {
        std::fs::copy(
            Path::new(crate::support::ROOT)
                .join("fixtures/scenarios")
                .join(name),
            folder.join(name),
        )
        .expect("copy");
    }
    std::fs::write(
        folder.join("outcomes-rise.ron"),
        "// made up for the test\nScenario(name: \"Outcomes rise\", set: [(\"history[-1].reclassification_rate\", \"0.3\"), (\"history[-1].elpi_status\", \"0.7\")])\n",
    )
    .expect("scenario");
}

/// A fragment of the page without its "for the file" details.
fn before_for_the_file(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("<details class=\"for-file\"") {
        out.push_str(&rest[..at]);
        rest = rest[at..]
            .split_once("</details>")
            .map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out
}

#[test]
fn scenarios_beside_a_district_are_listed_in_plain_words() {
    let studio = Studio::start();
    with_scenarios(&studio, &["el-growth.ron", "coaching-investment.ron"]);
    let (status, body) = studio.request("GET", "/api/scenarios?file=full-history.ron", &[], b"");
    assert_eq!(status, 200, "{body}");
    let listed: serde_json::Value = serde_json::from_str(&body).expect("json");
    let names: Vec<&str> = listed["scenarios"]
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["Coaching investment", "EL growth", "Outcomes rise"]);
    // What a scenario changes, in words: the question and a percentage.
    let growth = &listed["scenarios"][1];
    assert_eq!(
        growth["changes"][0]["question"],
        "What share of students are English learners?"
    );
    assert_eq!(growth["changes"][0]["value"], "45 %");
    let list = before_for_the_file(listed["html"].as_str().unwrap_or(""));
    assert!(
        list.contains("45 %") && !list.contains("students.el_share"),
        "{list}"
    );
    // The district page lists them too.
    let (_, page) = studio.request("GET", "/district?file=full-history.ron", &[], b"");
    assert!(page.contains("Coaching investment"), "{page}");
}

/// The district as it is against a scenario: findings, goals in words.
#[test]
fn a_scenario_is_compared_with_the_district_as_it_is() {
    let studio = Studio::start();
    with_scenarios(&studio, &["el-growth.ron", "coaching-investment.ron"]);
    let (status, answer) = studio.post(
        "/api/scenarios/compare",
        &serde_json::json!({ "file": "full-history.ron", "b": "scenarios/outcomes-rise.ron" }),
    );
    assert_eq!(status, 200, "{answer}");
    let diff = &answer["diff"];
    assert!(
        !diff["findings_removed"]
            .as_array()
            .expect("list")
            .is_empty(),
        "{answer}"
    );
    let goal = diff["goals_changed"]
        .as_array()
        .expect("goals")
        .iter()
        .find(|g| g["id"] == "reclassification_rate")
        .unwrap_or_else(|| panic!("no goal change in {answer}"));
    assert_ne!(goal["before"], goal["after"]);
    assert!(
        goal["after"].as_str().unwrap_or("").contains(" % by "),
        "{goal}"
    );
    let html = answer["html"].as_str().expect("html");
    let plain = before_for_the_file(html);
    assert!(plain.contains("Outcomes rise") && plain.contains("the district as it is"));
    assert!(
        plain.contains("70 %") && plain.contains("(2023-24)"),
        "{plain}"
    );
    for file_words in ["history[", "reclassification_rate", "0.7", "_"] {
        assert!(!plain.contains(file_words), "{file_words:?} in {plain}");
    }
    assert!(html.contains("history[2023-24].elpi_status"), "{html}");
}

/// Two scenarios: the answers that differ between them, and the plan; what
/// is not a scenario beside the district is refused, in words.
#[test]
fn two_scenarios_are_compared_and_strangers_refused() {
    let studio = Studio::start();
    with_scenarios(&studio, &["el-growth.ron", "coaching-investment.ron"]);
    let (status, answer) = studio.post(
        "/api/scenarios/compare",
        &serde_json::json!({
            "file": "complete-team.ron",
            "a": "scenarios/coaching-investment.ron",
            "b": "scenarios/el-growth.ron",
        }),
    );
    assert_eq!(status, 200, "{answer}");
    let inputs: Vec<&str> = answer["diff"]["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|i| i["path"].as_str())
        .collect();
    // The team's district already has the coaches the one imagines.
    assert_eq!(
        inputs,
        [
            "students.el_share",
            "students.ever_el_share",
            "students.newcomer_share_of_els"
        ]
    );
    assert!(
        !answer["diff"]["findings_added"]
            .as_array()
            .expect("list")
            .is_empty(),
        "{answer}"
    );
    assert_eq!(answer["same"], false);

    // What is not a scenario beside the district is refused, in words.
    for (b, code) in [
        ("complete-team.ron", 422),
        ("../complete-team.ron", 403),
        ("/etc/passwd", 403),
        ("scenarios/nothing.ron", 403),
    ] {
        let (status, answer) = studio.post(
            "/api/scenarios/compare",
            &serde_json::json!({ "file": "complete-team.ron", "b": b }),
        );
        assert_eq!(status, code, "{b}: {answer}");
        assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    // A scenario that does not fit the district says which and why.
    let (status, answer) = studio.post(
        "/api/scenarios/compare",
        &serde_json::json!({ "file": "no-history.ron", "b": "scenarios/outcomes-rise.ron" }),
    );
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap_or("")
            .contains("Outcomes rise"),
        "{answer}"
    );
}

#[test]
fn a_scenario_is_written_into_the_file_or_a_new_one_and_refused_when_stale() {
    let studio = Studio::start();
    with_scenarios(&studio, &["coaching-investment.ron"]);
    let file = "leadership-turnover.ron";
    let path = studio.folder().join(file);
    let original = std::fs::read_to_string(&path).expect("fixture");
    let base = version_of(&studio, file);
    let scenario = "scenarios/coaching-investment.ron";
    // As a new district file: the original untouched, the new one reads.
    let (status, answer) = studio.post(
        "/api/scenarios/apply",
        &serde_json::json!({ "file": file, "scenario": scenario, "base": base, "new_file": "with-coaches.ron" }),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(std::fs::read_to_string(&path).expect("file"), original);
    let new = elplan::District::load(&studio.folder().join("with-coaches.ron")).expect("reads");
    assert_eq!(new.staffing.instructional_coaches, Some(6));
    assert_eq!(new.staffing.teacher_leaders, Some(8));
    // Never over an existing file, nor outside the folder.
    for (name, code) in [("tight-cap.ron", 409), ("../out.ron", 422)] {
        let (status, answer) = studio.post(
            "/api/scenarios/apply",
            &serde_json::json!({ "file": file, "scenario": scenario, "base": base, "new_file": name }),
        );
        assert_eq!(status, code, "{name}: {answer}");
    }
    assert!(!studio.dir.path().join("out.ron").exists());
    // Into the file: its comments kept.
    let (status, answer) = studio.post(
        "/api/scenarios/apply",
        &serde_json::json!({ "file": file, "scenario": scenario, "base": base }),
    );
    assert_eq!(status, 200, "{answer}");
    let saved = std::fs::read_to_string(&path).expect("file");
    for line in original
        .lines()
        .filter(|l| l.trim_start().starts_with("//"))
    {
        assert!(saved.contains(line), "lost comment {line:?}:\n{saved}");
    }
    let district = elplan::District::load(&path).expect("saved file loads");
    assert_eq!(district.staffing.instructional_coaches, Some(6));
    // From a page made before that save: refused, nothing written.
    let (status, answer) = studio.post(
        "/api/scenarios/apply",
        &serde_json::json!({ "file": file, "scenario": scenario, "base": base }),
    );
    assert_eq!(status, 409, "{answer}");
    assert_eq!(std::fs::read_to_string(&path).expect("file"), saved);
    // A district file is not a scenario to apply; a path out is refused.
    let base = version_of(&studio, file);
    for (scenario, code) in [("tight-cap.ron", 422), ("../../etc/passwd", 403)] {
        let (status, answer) = studio.post(
            "/api/scenarios/apply",
            &serde_json::json!({ "file": file, "scenario": scenario, "base": base }),
        );
        assert_eq!(status, code, "{scenario}: {answer}");
    }
    assert_eq!(std::fs::read_to_string(&path).expect("file"), saved);
}

#[test]
fn a_scenario_is_deleted_inside_the_folders_only_and_never_a_district() {
    let studio = Studio::start();
    with_scenarios(&studio, &["el-growth.ron"]);
    let listed = |studio: &Studio| -> serde_json::Value {
        let (status, body) =
            studio.request("GET", "/api/scenarios?file=complete-team.ron", &[], b"");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).expect("json")
    };
    let list = listed(&studio);
    let growth = list["scenarios"]
        .as_array()
        .expect("list")
        .iter()
        .find(|s| s["file"] == "scenarios/el-growth.ron")
        .expect("listed")
        .clone();
    let path = studio.folder().join("scenarios/el-growth.ron");
    // Changed on disk since it was listed: refused, kept.
    let text = std::fs::read_to_string(&path).expect("file");
    std::fs::write(&path, format!("// edited\n{text}")).expect("edit");
    let (status, answer) = studio.post(
        "/api/scenarios/delete",
        &serde_json::json!({ "scenario": "scenarios/el-growth.ron", "base": growth["version"] }),
    );
    assert_eq!(status, 409, "{answer}");
    assert!(path.exists());
    // A district file is never deleted; nothing outside the folder is.
    let outside = studio.dir.path().join("outside.ron");
    std::fs::write(
        &outside,
        "Scenario(name: \"x\", set: [(\"schools\", \"3\")])",
    )
    .expect("outside");
    for (scenario, code) in [("complete-team.ron", 422), ("../outside.ron", 403)] {
        let (status, answer) = studio.post(
            "/api/scenarios/delete",
            &serde_json::json!({ "scenario": scenario, "base": "0000000000000000" }),
        );
        assert_eq!(status, code, "{scenario}: {answer}");
    }
    assert!(studio.folder().join("complete-team.ron").exists() && outside.exists());
    // At the version listed: deleted, and no longer listed.
    let list = listed(&studio);
    let version = list["scenarios"]
        .as_array()
        .expect("list")
        .iter()
        .find(|s| s["file"] == "scenarios/el-growth.ron")
        .expect("listed")["version"]
        .clone();
    let (status, answer) = studio.post(
        "/api/scenarios/delete",
        &serde_json::json!({ "scenario": "scenarios/el-growth.ron", "base": version }),
    );
    assert_eq!(status, 200, "{answer}");
    assert!(!path.exists());
    let list = listed(&studio);
    assert!(!list.to_string().contains("el-growth"), "{list}");
}
