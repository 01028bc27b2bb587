//! `--format docx`: the Word document read back by a real reader
//! (python-docx): its headings, the strategies, the goals table and both
//! pictures; and the same input gives the same bytes.

use std::process::Command;

use crate::support::*;

/// What python-docx finds in a document, one fact per line.
const READ: &str = r#"
import sys, docx
d = docx.Document(sys.argv[1])
for p in d.paragraphs:
    if p.style.name.startswith("Heading"):
        print("heading", p.style.name[-1], p.text)
    elif p.style.name == "toc 1":
        print("contents", p.text)
    elif p.text.startswith("To complete: "):
        print("blank", p.text)
for t in d.tables:
    print("table", " | ".join(c.text for c in t.rows[0].cells), len(t.rows))
    for r in t.rows[1:]:
        print("row", r.cells[0].text)
print("pictures", len(d.inline_shapes))
for s in d.inline_shapes:
    # 940 figure units across; the smallest label is 11 units: at least 8 pt.
    print("label pt", round(11 * s.width.inches * 72 / 940, 2))
print("landscape", sum(1 for s in d.sections if s.page_width > s.page_height))
print("cover without footer", d.sections[0].different_first_page_header_footer)
"#;

#[test]
#[cfg_attr(
    not(docx_reader),
    ignore = "needs python3 with python-docx (`pip install python-docx`); CI always runs it"
)]
fn a_word_reader_finds_every_strategy_the_goals_table_and_both_pictures() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("plan.docx");
    let file_arg = file.to_string_lossy();
    // Five years of history: a tall driver diagram, drawn on several pages.
    let district = "fixtures/cases/full-history.ron";
    let args = [
        "plan",
        district,
        "--format",
        "docx",
        "--date",
        "2025-08-01",
        "-o",
        &file_arg,
    ];
    elplan(&args).ok();
    let first = std::fs::read(&file).expect("the document");
    let read = Command::new("python3")
        .args(["-c", READ])
        .arg(&file)
        .output()
        .expect("python3 runs");
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let facts = String::from_utf8_lossy(&read.stdout).into_owned();
    let plan = elplan(&["plan", district, "--format", "json", "--date", "2025-08-01"]).json();
    // A change idea is a section of its own; a step of the improvement
    // process is a row of the table of how the team will work.
    for stage in plan["stages"].as_array().expect("stages") {
        for s in stage["strategies"].as_array().expect("strategies") {
            let title = s["title"].as_str().expect("title");
            let found = if s["kind"] == "change" {
                facts
                    .lines()
                    .any(|l| l.starts_with("heading 2") && l.ends_with(title))
            } else {
                facts.lines().any(|l| l == format!("row {title}"))
            };
            assert!(found, "{title} ({}) is not in the document", s["kind"]);
        }
    }
    // The master plan's eight chapters, each with its marked blanks.
    let chapters = plan["chapters"].as_array().expect("chapters");
    assert_eq!(chapters.len(), 8);
    for (n, c) in chapters.iter().enumerate() {
        let heading = format!(
            "heading 2 {}. {}",
            n + 1,
            c["title"].as_str().expect("title")
        );
        assert!(facts.lines().any(|l| l == heading), "{heading}: {facts}");
    }
    // A chapter's blanks make one "To complete" line, naming each.
    let with_blanks: Vec<&serde_json::Value> = chapters
        .iter()
        .filter(|c| !c["blanks"].as_array().expect("blanks").is_empty())
        .collect();
    let blanks = with_blanks.len();
    let lines: Vec<&str> = facts
        .lines()
        .filter(|l| l.starts_with("blank To complete: "))
        .collect();
    assert_eq!(lines.len(), blanks, "{facts}");
    for (line, c) in lines.iter().zip(&with_blanks) {
        for b in c["blanks"].as_array().expect("blanks") {
            let label = b["label"].as_str().expect("label").to_lowercase();
            assert!(line.to_lowercase().contains(&label), "{line} lacks {label}");
        }
    }
    for heading in [
        "heading 1 Executive summary",
        "heading 1 Draft goals",
        "heading 1 Theory of action",
    ] {
        assert!(facts.contains(heading), "{heading}: {facts}");
    }
    let goals = plan["goals"].as_array().expect("goals").len();
    assert!(
        facts.contains(&format!(
            "table Measure | Baseline | Target | Source | How often {}",
            goals + 1
        )),
        "{facts}"
    );
    let pictures: usize = facts
        .lines()
        .find_map(|l| l.strip_prefix("pictures "))
        .and_then(|n| n.parse().ok())
        .expect("a picture count");
    assert!(pictures >= 2, "both figures, a picture per page: {facts}");
    for size in facts.lines().filter_map(|l| l.strip_prefix("label pt ")) {
        let points: f64 = size.parse().expect("a size");
        assert!(points >= 8.0, "a label prints at {points} pt");
    }
    assert!(facts.contains("landscape 1"), "{facts}");
    // The contents list every section, as the headings say them, without
    // Word having to fill them in.
    let sections: Vec<&str> = facts
        .lines()
        .filter_map(|l| l.strip_prefix("heading 1 "))
        .collect();
    let contents: Vec<&str> = facts
        .lines()
        .filter_map(|l| l.strip_prefix("contents "))
        .map(|l| l.split_once(". ").map_or(l, |(_, title)| title))
        .collect();
    assert_eq!(contents, sections);
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&file).expect("open")).expect("zip");
    let mut settings = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("word/settings.xml").expect("settings"),
        &mut settings,
    )
    .expect("read");
    assert!(
        !settings.contains("updateFields"),
        "Word would ask to update fields"
    );
    assert!(facts.contains("cover without footer True"), "{facts}");
    // Same input, same bytes.
    elplan(&args).ok();
    assert!(
        std::fs::read(&file).expect("again") == first,
        "the document changed between runs"
    );
}

/// A reference document's styles replace the default ones, as pandoc's
/// --reference-doc; a file that is not a Word document is a diagnostic.
#[test]
fn a_reference_document_gives_its_styles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = dir.path().join("first.docx");
    elplan(&[
        "plan",
        MENDOTA,
        "--format",
        "docx",
        "-o",
        &first.to_string_lossy(),
    ])
    .ok();
    // The reference: the first document with its heading font changed.
    let reference = dir.path().join("reference.docx");
    {
        let mut archive =
            zip::ZipArchive::new(std::fs::File::open(&first).expect("open")).expect("zip");
        let mut out = zip::ZipWriter::new(std::fs::File::create(&reference).expect("create"));
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).expect("entry");
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).expect("read");
            if entry.name() == "word/styles.xml" {
                bytes = String::from_utf8(bytes)
                    .expect("xml")
                    .replace("Arial", "Verdana")
                    .into_bytes();
            }
            out.start_file(entry.name(), zip::write::SimpleFileOptions::default())
                .expect("start");
            std::io::Write::write_all(&mut out, &bytes).expect("write");
        }
        out.finish().expect("finish");
    }
    let second = dir.path().join("second.docx");
    elplan(&[
        "plan",
        MENDOTA,
        "--format",
        "docx",
        "--reference-docx",
        &reference.to_string_lossy(),
        "-o",
        &second.to_string_lossy(),
    ])
    .ok();
    let mut archive =
        zip::ZipArchive::new(std::fs::File::open(&second).expect("open")).expect("zip");
    let mut styles = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("word/styles.xml").expect("styles"),
        &mut styles,
    )
    .expect("read");
    assert!(styles.contains("Verdana") && !styles.contains("Arial"));

    let not_word = dir.path().join("notes.docx");
    std::fs::write(&not_word, "just text").expect("write");
    let output = elplan(&[
        "plan",
        MENDOTA,
        "--format",
        "docx",
        "--reference-docx",
        &not_word.to_string_lossy(),
        "-o",
        &dir.path().join("third.docx").to_string_lossy(),
    ])
    .run();
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    assert!(
        stderr(&output).contains("not a Word document"),
        "{}",
        shown(&output)
    );
}
