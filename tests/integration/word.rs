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
from docx.oxml.ns import qn
for t in d.tables:
    # The timeline is a figure drawn as a table: read on its own below.
    if t._tbl.tblPr.find(qn("w:tblCaption")) is not None:
        continue
    print("table", " | ".join(c.text for c in t.rows[0].cells), len(t.rows))
    for r in t.rows[1:]:
        print("row", r.cells[0].text)
print("pictures", len(d.inline_shapes))
for s in d.inline_shapes:
    # 940 figure units across; the smallest label is 11 units: at least 8 pt.
    # (The ELPI chart prints a unit a point: its 10-unit labels at 10 pt.)
    if s._inline.docPr.get("name") != "ELPI chart":
        print("label pt", round(11 * s.width.inches * 72 / 940, 2))
print("landscape", sum(1 for s in d.sections if s.page_width > s.page_height))
print("cover without footer", d.sections[0].different_first_page_header_footer)
"#;

/// The master plan's eight chapters in what the Word reader found
/// (`facts`), each with one "To complete" line naming its blanks.
fn chapters_with_their_blanks(facts: &str, plan: &serde_json::Value) {
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
}

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
    let facts = python(READ, &[file.as_os_str()]);
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
    chapters_with_their_blanks(&facts, &plan);
    for heading in [
        "heading 1 Executive summary",
        "heading 1 Draft goals",
        "heading 1 Theory of action",
    ] {
        assert!(facts.contains(heading), "{heading}: {facts}");
    }
    // A goal with no baseline yet is named under the table, not a row.
    let goals = plan["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .filter(|g| !g["baseline"].is_null())
        .count();
    assert!(goals > 0, "full-history has baselines");
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
    assert!(
        pictures >= 2,
        "the driver diagram, a picture per page: {facts}"
    );
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

/// The Word timeline as python-docx reads it: for the table captioned
/// "Timeline", whether its first row repeats on every page, a line per
/// month (`month <label>`), and a line per row below: its number of
/// cells, its first cell's text and the months (1-based) whose cells are
/// shaded. Then the number of pictures.
const TIMELINE: &str = r#"
import sys, docx
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
for t in d.tables:
    caption = t._tbl.tblPr.find(qn("w:tblCaption"))
    if caption is None or caption.get(qn("w:val")) != "Timeline":
        continue
    trs = t._tbl.findall(qn("w:tr"))
    print("header repeats", trs[0].find(qn("w:trPr") + "/" + qn("w:tblHeader")) is not None)
    print("rows split", any(tr.find(qn("w:trPr") + "/" + qn("w:cantSplit")) is None for tr in trs))
    for c in t.rows[0].cells[1:]:
        print("month", " ".join(c.text.split()))
    for tr in trs[1:]:
        tcs = tr.findall(qn("w:tc"))
        def shaded(tc):
            shd = tc.find(qn("w:tcPr") + "/" + qn("w:shd"))
            return shd is not None and shd.get(qn("w:fill")) not in (None, "auto", "FFFFFF")
        first = "".join(x.text or "" for x in tcs[0].iter(qn("w:t")))
        months = [str(i) for i, tc in enumerate(tcs[1:], 1) if shaded(tc)]
        print("row", len(tcs), first, "|", " ".join(months))
print("pictures", len(d.inline_shapes))
"#;

/// What [`TIMELINE`] reads in the Word draft of `district`, with `extra`
/// arguments, and the plan as JSON.
fn word_timeline(district: &str, extra: &[&str]) -> (String, serde_json::Value) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("plan.docx");
    let file_arg = file.to_string_lossy();
    let mut args = vec!["plan", district, "--format", "docx", "-o", &file_arg];
    args.extend_from_slice(extra);
    elplan(&args).ok();
    let read = python(TIMELINE, &[file.as_os_str()]);
    let mut json = vec!["plan", district, "--format", "json"];
    json.extend_from_slice(extra);
    (read, elplan(&json).json())
}

#[test]
#[cfg_attr(
    not(docx_reader),
    ignore = "needs python3 with python-docx (`pip install python-docx`); CI always runs it"
)]
fn the_word_timeline_is_a_table_whose_shaded_cells_are_each_strategys_months() {
    for (district, extra, first_month) in [
        (
            "fixtures/calli/mendota-unified.ron",
            &["--date", "2025-08-01"][..],
            "Aug 2025",
        ),
        ("fixtures/cases/team-goals.ron", &[][..], "M1 Aug"),
    ] {
        let (facts, plan) = word_timeline(district, extra);
        let horizon = plan["horizon_months"].as_u64().expect("horizon") as usize;
        assert!(facts.contains("header repeats True"), "{district}: {facts}");
        assert!(facts.contains("rows split False"), "{district}: {facts}");
        let months: Vec<&str> = facts
            .lines()
            .filter_map(|l| l.strip_prefix("month "))
            .collect();
        assert_eq!(months.len(), horizon, "{district}: {facts}");
        assert_eq!(months[0], first_month, "{district}");
        let rows: Vec<&str> = facts
            .lines()
            .filter_map(|l| l.strip_prefix("row "))
            .collect();
        let mut strategies = 0;
        for stage in plan["stages"].as_array().expect("stages") {
            for s in stage["strategies"].as_array().expect("strategies") {
                strategies += 1;
                let title = s["title"].as_str().expect("title");
                let (start, end) = (
                    s["start_month"].as_u64().expect("start"),
                    s["end_month"].as_u64().expect("end"),
                );
                let shaded: Vec<String> = (start..=end).map(|m| m.to_string()).collect();
                let expected = format!("{} {title} | {}", horizon + 1, shaded.join(" "));
                assert!(
                    rows.contains(&expected.as_str()),
                    "{district}: no row `{expected}` in\n{facts}"
                );
            }
        }
        // Besides a row a strategy, only a row a stage (one cell across).
        let others = rows.iter().filter(|r| r.starts_with("1 ")).count();
        assert_eq!(rows.len(), strategies + others, "{district}: {facts}");
        assert!((1..=4).contains(&others), "{district}: {facts}");
    }
    // Three years of months do not fit across a page: the timeline stays a
    // picture, beside the driver diagram's.
    let (facts, _) = word_timeline("fixtures/cases/three-year-horizon.ron", &[]);
    assert!(!facts.contains("month "), "{facts}");
    let pictures: usize = facts
        .lines()
        .find_map(|l| l.strip_prefix("pictures "))
        .and_then(|n| n.parse().ok())
        .expect("a picture count");
    assert!(pictures >= 2, "{facts}");
}

/// Mendota's draft as a Word document, written as `name` in `dir`.
fn mendota_docx(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let file = dir.join(name);
    elplan(&[
        "plan",
        MENDOTA,
        "--format",
        "docx",
        "-o",
        &file.to_string_lossy(),
    ])
    .ok();
    file
}

/// Mendota's draft as a Word document in `out`, with `reference`'s styles.
fn with_reference(reference: &std::path::Path, out: &std::path::Path) -> Elplan {
    elplan(&[
        "plan",
        MENDOTA,
        "--format",
        "docx",
        "--reference-docx",
        &reference.to_string_lossy(),
        "-o",
        &out.to_string_lossy(),
    ])
}

/// A reference document's styles replace the default ones, as pandoc's
/// --reference-doc; a file that is not a Word document is a diagnostic.
#[test]
fn a_reference_document_gives_its_styles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = mendota_docx(dir.path(), "first.docx");
    // The reference: the first document with its heading font changed.
    let reference = dir.path().join("reference.docx");
    let styles = xml_parts(&first)
        .into_iter()
        .find(|(name, _)| name == "word/styles.xml")
        .expect("styles")
        .1;
    reference_with(
        &first,
        &reference,
        styles.replace("Arial", "Verdana").as_bytes(),
        None,
    );
    let second = dir.path().join("second.docx");
    with_reference(&reference, &second).ok();
    let styles = xml_parts(&second)
        .into_iter()
        .find(|(name, _)| name == "word/styles.xml")
        .expect("styles")
        .1;
    assert!(styles.contains("Verdana") && !styles.contains("Arial"));

    let not_word = dir.path().join("notes.docx");
    std::fs::write(&not_word, "just text").expect("write");
    let output = with_reference(&not_word, &dir.path().join("third.docx")).run();
    assert_eq!(output.status.code(), Some(1), "{}", shown(&output));
    assert!(
        stderr(&output).contains("not a Word document"),
        "{}",
        shown(&output)
    );
}

/// Every XML part of a .docx file, by name, each checked well-formed.
fn xml_parts(file: &std::path::Path) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(file).expect("open")).expect("zip");
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let name = entry.name().to_string();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut entry, &mut text).expect("UTF-8");
            if let Err(e) = roxmltree::Document::parse(&text) {
                panic!("{name} is not XML: {e}");
            }
            parts.push((name, text));
        }
    }
    parts
}

/// Issue 22 (8): a control character in the district name or in
/// `--prepared-by` (U+0001, an escaped NUL, VT, FF) gave a .docx whose
/// document.xml was not XML, and exit 0. Every string that reaches the
/// document is now made valid XML: VT and FF become spaces, any other
/// character XML forbids becomes U+FFFD; python-docx opens the document.
#[test]
#[cfg_attr(
    not(docx_reader),
    ignore = "needs python3 with python-docx (`pip install python-docx`); CI always runs it"
)]
fn control_characters_in_any_text_still_give_a_word_document_that_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(std::path::Path::new(ROOT).join(MENDOTA)).expect("fixture");
    let district = dir.path().join("district.ron");
    let hostile = r#"A\u{1}B\u{0}C\u{b}D\u{c}E\u{fffe}F\u{ffff}G\u{1f}H"#;
    let text = text
        .replace(
            "name: \"Mendota Unified\"",
            &format!("name: \"Mendota {hostile}\""),
        )
        .trim_end()
        .strip_suffix(')')
        .expect("a district ends with )")
        .to_string()
        + &format!(
            "    decisions: (strategies: {{\"form_improvement_team\": (owners: [\"{hostile}\"], notes: \"{hostile}\", status: \"{hostile}\")}}),\n)\n"
        );
    std::fs::write(&district, text).expect("write");
    let file = dir.path().join("plan.docx");
    elplan(&[
        "plan",
        &district.to_string_lossy(),
        "--format",
        "docx",
        "--prepared-by",
        "Ana\u{1}Ruiz\u{1b}",
        "--prepared-for",
        "The\u{7}Board",
        "-o",
        &file.to_string_lossy(),
    ])
    .ok();
    let parts = xml_parts(&file);
    let document = &parts
        .iter()
        .find(|(name, _)| name == "word/document.xml")
        .expect("the body")
        .1;
    assert!(document.contains("Mendota A\u{fffd}B\u{fffd}C D E\u{fffd}F\u{fffd}G\u{fffd}H"));
    assert!(document.contains("Ana\u{fffd}Ruiz\u{fffd}"));
    let facts = python(
        "import sys, docx\nd = docx.Document(sys.argv[1])\nprint(d.core_properties.title)\nfor p in d.paragraphs[:6]: print(p.text)",
        &[file.as_os_str()],
    );
    assert!(
        facts.contains("Prepared by: Ana\u{fffd}Ruiz\u{fffd}"),
        "{facts}"
    );
    assert!(facts.contains("Prepared for: The\u{fffd}Board"), "{facts}");
    assert!(facts.contains("Mendota A\u{fffd}B"), "{facts}");
}

/// A copy of the .docx `from` with `styles` as its word/styles.xml and,
/// when given, `rels` as word/_rels/styles.xml.rels.
fn reference_with(from: &std::path::Path, to: &std::path::Path, styles: &[u8], rels: Option<&str>) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).expect("open")).expect("zip");
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).expect("create"));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).expect("read");
        if entry.name() == "word/styles.xml" {
            bytes = styles.to_vec();
        }
        out.start_file(entry.name(), options).expect("start");
        std::io::Write::write_all(&mut out, &bytes).expect("write");
    }
    if let Some(rels) = rels {
        out.start_file("word/_rels/styles.xml.rels", options)
            .expect("start");
        std::io::Write::write_all(&mut out, rels.as_bytes()).expect("write");
    }
    out.finish().expect("finish");
}

/// Issue 22 (9): a `--reference-docx` whose word/styles.xml was not XML,
/// or over 16 MiB (silently cut), was copied as it was: exit 0 and a
/// corrupt document. The reference is now checked before use: well-formed
/// XML without a DTD, Word's styles, within the size limit, nothing that
/// refers outside it; otherwise a diagnostic, exit 1 and no document.
#[test]
fn a_reference_document_is_checked_before_use() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = mendota_docx(dir.path(), "plain.docx");
    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let styles = |body: &str| {
        format!(r#"<?xml version="1.0"?><w:styles xmlns:w="{W}" xmlns:r="{R}">{body}</w:styles>"#)
    };
    let huge = styles(&format!("<!--{}-->", "x".repeat(17 * 1024 * 1024)));
    let external = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="https://example.com/track.png" TargetMode="External"/></Relationships>"#;
    let cases: [(&str, String, Option<&str>, &str); 6] = [
        (
            "not-xml",
            format!(r#"<w:styles xmlns:w="{W}"><w:style>"#),
            None,
            "word/styles.xml is not well-formed XML",
        ),
        ("huge", huge, None, "word/styles.xml is 17825"),
        (
            "dtd",
            format!(
                r#"<?xml version="1.0"?><!DOCTYPE w:styles [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:styles xmlns:w="{W}">&x;</w:styles>"#
            ),
            None,
            "declares a DTD",
        ),
        (
            "not-styles",
            format!(r#"<w:document xmlns:w="{W}"/>"#),
            None,
            "holds `document`, not Word's styles",
        ),
        (
            "part-reference",
            styles(r#"<w:style w:styleId="x"><w:pict r:id="rId7"/></w:style>"#),
            None,
            "refers to another part of the reference document (`r:id`",
        ),
        (
            "external",
            styles(""),
            Some(external),
            "refer to a file or address outside it (an external relationship)",
        ),
    ];
    for (name, styles, rels, expected) in cases {
        let reference = dir.path().join(format!("{name}.docx"));
        reference_with(&plain, &reference, styles.as_bytes(), rels);
        let out = dir.path().join(format!("{name}-plan.docx"));
        let output = with_reference(&reference, &out).run();
        assert_eq!(output.status.code(), Some(1), "{name}: {}", shown(&output));
        assert!(
            stderr(&output).contains(expected),
            "{name}: {}",
            shown(&output)
        );
        assert!(!out.exists(), "{name}: no document is written");
    }
    // Word's own styles still pass.
    let reference = dir.path().join("good.docx");
    reference_with(&plain, &reference, styles("").as_bytes(), None);
    with_reference(&reference, &dir.path().join("good-plan.docx")).ok();
}

/// The contents a Word document carries: the text of each `TOC1`
/// paragraph, in order.
fn contents_entries(docx: &std::path::Path) -> Vec<String> {
    let xml = xml_parts(docx)
        .into_iter()
        .find(|(name, _)| name == "word/document.xml")
        .expect("word/document.xml")
        .1;
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    doc.descendants()
        .filter(|n| n.has_tag_name("p"))
        .filter(|p| {
            p.descendants()
                .any(|s| s.has_tag_name("pStyle") && s.attributes().any(|a| a.value() == "TOC1"))
        })
        .map(|p| {
            p.descendants()
                .filter(|t| t.has_tag_name("t"))
                .filter_map(|t| t.text())
                .collect()
        })
        .collect()
}

#[test]
#[cfg_attr(
    not(soffice),
    ignore = "needs LibreOffice (`soffice`, Debian's libreoffice-writer-nogui) and pdftotext on PATH; CI always runs it"
)]
fn libreoffice_shows_the_word_contents_without_updating_fields() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A profile of its own, so that another LibreOffice running on the
    // machine neither blocks nor shares the conversion.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("profile").display()
    );
    for (district, name) in [
        ("fixtures/calli/mendota-unified.ron", "mendota"),
        ("fixtures/cases/no-history.ron", "no-history"),
    ] {
        let docx = dir.path().join(format!("{name}.docx"));
        let docx_arg = docx.to_string_lossy();
        elplan(&[
            "plan",
            district,
            "--format",
            "docx",
            "--date",
            "2025-08-01",
            "-o",
            &docx_arg,
        ])
        .ok();
        let entries = contents_entries(&docx);
        assert!(entries.len() >= 12, "{district}: {entries:?}");
        let converted = Command::new("soffice")
            .arg(&profile)
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(dir.path())
            .arg(&docx)
            .output()
            .expect("soffice runs");
        let pdf = dir.path().join(format!("{name}.pdf"));
        assert!(
            converted.status.success() && pdf.is_file(),
            "{district}: {}",
            String::from_utf8_lossy(&converted.stderr)
        );
        let text = Command::new("pdftotext")
            .args(["-layout"])
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext runs");
        let text = String::from_utf8_lossy(&text.stdout);
        // Page 2 lists the contents, entry by entry, in order; no reader's
        // placeholder stands in for them.
        let pages: Vec<&str> = text.split('\u{c}').collect();
        let contents: Vec<&str> = pages[1]
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(contents[0], "Contents", "{district}: {}", pages[1]);
        assert_eq!(
            contents[1..=entries.len()],
            entries.iter().map(String::as_str).collect::<Vec<_>>()[..],
            "{district}: {}",
            pages[1]
        );
        // And each entry's heading stands on a later page.
        for entry in &entries {
            let (_, title) = entry.split_once(". ").expect("numbered");
            assert!(
                pages[2..]
                    .iter()
                    .any(|p| p.lines().any(|l| l.trim() == title)),
                "{district}: no heading {title:?}"
            );
        }
    }
}

/// The year-by-year section of the Word draft has the ELPI chart, as the
/// HTML report and the PDF do, where two years or more have an ELPI value;
/// a district without history has no such section and no chart.
#[test]
#[cfg_attr(
    not(docx_reader),
    ignore = "needs python3 with python-docx (`pip install python-docx`); CI always runs it"
)]
fn the_word_draft_charts_elpi_status_year_by_year() {
    const CHARTS: &str = "import sys, docx\nd = docx.Document(sys.argv[1])\nfor s in d.inline_shapes:\n    print(s._inline.docPr.get('name'), round(s.width / 914400, 2))";
    let dir = tempfile::tempdir().expect("temp dir");
    let pictures = |district: &str| {
        let file = dir.path().join("plan.docx");
        let file_arg = file.to_string_lossy().into_owned();
        elplan(&["plan", district, "--format", "docx", "-o", &file_arg]).ok();
        python(CHARTS, &[file.as_os_str()])
    };
    let full = pictures("fixtures/cases/full-history.ron");
    let chart: Vec<&str> = full
        .lines()
        .filter(|l| l.starts_with("ELPI chart "))
        .collect();
    assert_eq!(chart.len(), 1, "{full}");
    let width: f64 = chart[0]["ELPI chart ".len()..].parse().expect("inches");
    assert!(
        (4.0..=6.5).contains(&width),
        "the chart prints a unit a point, its labels at 10 pt, within a portrait page: {width} in"
    );
    let none = pictures("fixtures/cases/no-history.ron");
    assert!(!none.contains("ELPI chart"), "{none}");
}
