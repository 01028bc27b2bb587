//! One content in Word and PDF: for every bundled fixture the Word file
//! (read by python-docx) and the PDF (its tagged structure, read by
//! poppler's `pdfinfo -struct-text`) carry the same section headings in
//! the same order and the same number of rows in each table; and the PDF's
//! contents give the page each heading stands on.

use std::path::Path;
use std::process::Command;

use crate::support::*;

/// The sections and tables of a document, in order, one a line:
/// `heading <text without spaces>` (Word's headings 1 and 2, the PDF's
/// h2 and h3) or `table <rows>`. The PDF's cover and contents are left
/// out, and so are the figures (the Word timeline is a table); its tagged text may lose the space at a line's end, so spaces are
/// dropped on both sides.
const OUTLINE: &str = r#"
import sys, subprocess, docx
from docx.oxml.ns import qn

def word(path):
    d = docx.Document(path)
    styles = {s.style_id: s.name for s in d.styles}
    for el in d.element.body.iterchildren():
        if el.tag == qn("w:p"):
            ps = el.find(qn("w:pPr") + "/" + qn("w:pStyle"))
            name = styles.get(ps.get(qn("w:val")), "") if ps is not None else ""
            if name in ("Heading 1", "Heading 2"):
                text = "".join(t.text or "" for t in el.iter(qn("w:t")))
                yield "heading " + "".join(text.split())
        elif el.tag == qn("w:tbl"):
            # The timeline, a figure in the PDF, is a table in Word (its
            # caption says so): figures are left out on both sides.
            if el.find(qn("w:tblPr") + "/" + qn("w:tblCaption")) is None:
                yield "table %d" % len(el.findall(qn("w:tr")))

def pdf(path):
    run = subprocess.run(["pdfinfo", "-struct-text", path], capture_output=True, text=True)
    tree = run.stdout.splitlines()
    depth = lambda line: len(line) - len(line.lstrip())
    out, i = [], 0
    while i < len(tree):
        tag = tree[i].strip().split(" ")[0]
        if tag in ("H2", "H3", "Table"):
            j, texts, rows = i + 1, [], 0
            while j < len(tree) and (not tree[j].strip() or depth(tree[j]) > depth(tree[i])):
                s = tree[j].strip()
                if s.startswith('"'):
                    texts.append(s.strip('"'))
                if s == "TR" or s.startswith("TR "):
                    rows += 1
                j += 1
            out.append("table %d" % rows if tag == "Table" else "heading " + "".join("".join(texts).split()))
            i = j
        else:
            i += 1
    return out[out.index("heading Contents") + 1:] if "heading Contents" in out else out

print("\n".join(word(sys.argv[1]) if sys.argv[2] == "word" else pdf(sys.argv[1])))
"#;

/// The text of one page of a PDF, as pdftotext lays it out.
fn page_text(pdf: &Path, page: usize) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "{}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every entry of the contents (page 2) ends in a page number, and that
/// page begins a line with the entry's heading.
fn contents_pages_hold_their_headings(pdf: &Path) {
    let contents = page_text(pdf, 2);
    let entries: Vec<(String, usize)> = contents
        .lines()
        .filter_map(|line| {
            let (number, rest) = line.trim().split_once(". ")?;
            number.parse::<usize>().ok()?;
            let (title, page) = rest.trim().rsplit_once(' ')?;
            Some((title.trim().to_string(), page.parse().ok()?))
        })
        .collect();
    assert!(entries.len() >= 12, "{}: {contents}", pdf.display());
    for (title, page) in entries {
        let text = page_text(pdf, page);
        assert!(
            text.lines().any(|l| l.trim() == title),
            "{}: {title:?} is not on page {page}",
            pdf.display()
        );
    }
}

fn outline(file: &Path, kind: &str) -> String {
    let read = Command::new("python3")
        .args(["-c", OUTLINE])
        .arg(file)
        .arg(kind)
        .output()
        .expect("python3 runs");
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    String::from_utf8_lossy(&read.stdout).into_owned()
}

#[test]
#[cfg_attr(
    not(all(browser, docx_reader)),
    ignore = "needs chromium and poppler-utils on PATH and python3 with python-docx; CI always runs it"
)]
fn word_and_pdf_carry_the_same_sections_and_tables_and_the_pdf_contents_their_pages_for_every_fixture(
) {
    let dir = tempfile::tempdir().expect("temp dir");
    let groups: Vec<String> = ["calli", "cases", "elin"]
        .iter()
        .map(|group| format!("fixtures/{group}"))
        .collect();
    for format in ["docx", "pdf"] {
        let out = dir.path().join(format);
        let mut args = vec!["batch", "--format", format, "--out-dir"];
        let out_arg = out.to_string_lossy().into_owned();
        args.push(&out_arg);
        args.extend(groups.iter().map(String::as_str));
        elplan(&args).ok();
    }
    let mut compared = 0;
    for name in file_names(&dir.path().join("docx")) {
        let Some(id) = name.strip_suffix(".docx") else {
            continue;
        };
        let word = outline(&dir.path().join("docx").join(&name), "word");
        let pdf = outline(&dir.path().join("pdf").join(format!("{id}.pdf")), "pdf");
        assert!(word.lines().count() > 10, "{id}: {word}");
        assert_eq!(word, pdf, "{id}: Word (left) and PDF (right) differ");
        contents_pages_hold_their_headings(&dir.path().join("pdf").join(format!("{id}.pdf")));
        compared += 1;
    }
    assert_eq!(compared, fixtures().len());
}
