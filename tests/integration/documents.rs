//! One content in Word and PDF: for every bundled fixture the Word file
//! (read by python-docx) and the PDF (its tagged structure, read by
//! poppler's `pdfinfo -struct-text`) carry the same section headings in
//! the same order and the same number of rows in each table; the PDF's
//! contents give the page each heading stands on; and no page of the PDF
//! is mostly empty but a section's last (measured from the text layout
//! poppler's `pdftotext -bbox-layout` reads).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

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
    python(OUTLINE, &[file.as_os_str(), kind.as_ref()])
}

/// Every bundled fixture as a Word document (`docx/`) and a PDF (`pdf/`),
/// made once by `elplan batch` for the tests of this module.
fn documents() -> &'static Path {
    static MADE: OnceLock<PathBuf> = OnceLock::new();
    MADE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("documents");
        let _ = std::fs::remove_dir_all(&dir);
        let groups: Vec<String> = ["calli", "cases", "elin"]
            .iter()
            .map(|group| format!("fixtures/{group}"))
            .collect();
        for format in ["docx", "pdf"] {
            let out = dir.join(format).to_string_lossy().into_owned();
            let mut args = vec!["batch", "--format", format, "--out-dir", &out];
            args.extend(groups.iter().map(String::as_str));
            elplan(&args).ok();
        }
        dir
    })
}

#[test]
#[cfg_attr(
    not(all(browser, docx_reader)),
    ignore = "needs chromium and poppler-utils on PATH and python3 with python-docx; CI always runs it"
)]
fn word_and_pdf_carry_the_same_sections_and_tables_and_the_pdf_contents_their_pages_for_every_fixture(
) {
    let dir = documents();
    let mut compared = 0;
    for name in file_names(&dir.join("docx")) {
        let Some(id) = name.strip_suffix(".docx") else {
            continue;
        };
        let word = outline(&dir.join("docx").join(&name), "word");
        let pdf = outline(&dir.join("pdf").join(format!("{id}.pdf")), "pdf");
        assert!(word.lines().count() > 10, "{id}: {word}");
        assert_eq!(word, pdf, "{id}: Word (left) and PDF (right) differ");
        contents_pages_hold_their_headings(&dir.join("pdf").join(format!("{id}.pdf")));
        compared += 1;
    }
    assert_eq!(compared, fixtures().len());
}

/// A page as poppler lays out its text: its width, and each line's top,
/// bottom (points from the top of the page) and text.
struct Page {
    width: f64,
    lines: Vec<(f64, f64, String)>,
}

/// The pages of `pdf`, from `pdftotext -bbox-layout`.
fn pages(pdf: &Path) -> Vec<Page> {
    let out = Command::new("pdftotext")
        .arg("-bbox-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "{}", pdf.display());
    let xml = String::from_utf8_lossy(&out.stdout);
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(&xml, options).expect("pdftotext's XHTML");
    let number = |n: roxmltree::Node<'_, '_>, name: &str| -> f64 {
        n.attribute(name)
            .and_then(|v| v.parse().ok())
            .expect("a coordinate")
    };
    doc.descendants()
        .filter(|n| n.has_tag_name("page"))
        .map(|page| Page {
            width: number(page, "width"),
            lines: page
                .descendants()
                .filter(|n| n.has_tag_name("line"))
                .map(|line| {
                    let words: Vec<&str> = line
                        .children()
                        .filter(|w| w.has_tag_name("word"))
                        .filter_map(|w| w.text())
                        .collect();
                    (number(line, "yMin"), number(line, "yMax"), words.join(" "))
                })
                .collect(),
        })
        .collect()
}

/// Whether `line` is the page's footer, "Page N of M".
fn is_footer(line: &str) -> bool {
    let mut words = line.split(' ');
    words.next() == Some("Page")
        && words.next().is_some_and(|n| n.parse::<u32>().is_ok())
        && words.next() == Some("of")
        && words.next().is_some_and(|n| n.parse::<u32>().is_ok())
        && words.next().is_none()
}

/// The pages of `pdf` that hold less than a quarter of their height in
/// content and are not a section's last, each with how much it holds. A
/// page's height is its text area's: from the highest line on any page of
/// its size to the top of its footer; its content reaches the bottom of its
/// lowest line. A section's last page is the document's last or one the
/// next section's heading (a contents entry) follows at the top of the next
/// page. The cover, without a footer, is not measured.
fn mostly_empty_pages(pdf: &Path) -> Vec<(usize, f64)> {
    let pages = pages(pdf);
    let sections: Vec<String> = pages[1]
        .lines
        .iter()
        .filter_map(|(_, _, text)| {
            let (number, rest) = text.split_once(". ")?;
            number.parse::<u32>().ok()?;
            // The entry's title, without its page number.
            Some(match rest.rsplit_once(' ') {
                Some((title, page)) if page.parse::<u32>().is_ok() => title.to_string(),
                _ => rest.to_string(),
            })
        })
        .collect();
    assert!(sections.len() >= 12, "{}: {sections:?}", pdf.display());
    let first_line = |page: &Page| {
        page.lines
            .iter()
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|l| l.2.clone())
    };
    let mut measured = 0;
    let mut empty = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let Some(footer) = page.lines.iter().find(|l| is_footer(&l.2)) else {
            continue;
        };
        let top = pages
            .iter()
            .filter(|p| p.width == page.width)
            .flat_map(|p| p.lines.iter().map(|l| l.0))
            .fold(f64::INFINITY, f64::min);
        let bottom = page
            .lines
            .iter()
            .filter(|l| !is_footer(&l.2))
            .map(|l| l.1)
            .fold(top, f64::max);
        let held = (bottom - top) / (footer.0 - top);
        assert!(
            (0.0..=1.0).contains(&held),
            "{}: page {}",
            pdf.display(),
            i + 1
        );
        measured += 1;
        let last = pages
            .get(i + 1)
            .is_none_or(|next| first_line(next).is_some_and(|l| sections.contains(&l)));
        if held < 0.25 && !last {
            empty.push((i + 1, held));
        }
    }
    assert!(
        measured + 1 >= pages.len(),
        "{}: pages without a footer",
        pdf.display()
    );
    empty
}

#[test]
#[cfg_attr(
    not(browser),
    ignore = "needs chromium and poppler-utils on PATH; CI always runs it"
)]
fn no_page_of_any_fixtures_pdf_is_mostly_empty_but_a_sections_last() {
    let dir = documents().join("pdf");
    let mut checked = 0;
    for name in file_names(&dir) {
        if !name.ends_with(".pdf") {
            continue;
        }
        let empty = mostly_empty_pages(&dir.join(&name));
        assert!(
            empty.is_empty(),
            "{name}: pages holding under a quarter of their height, not a section's last (page, share): {empty:?}"
        );
        checked += 1;
    }
    assert_eq!(checked, fixtures().len());
    // The measure sees a mostly empty page: with each finding forced onto
    // a page of its own, a short one leaves most of its page blank.
    let scratch = tempfile::tempdir().expect("temp dir");
    let templates = scratch.path().join("templates");
    std::fs::create_dir(&templates).expect("a folder");
    let ours = Path::new(ROOT).join("templates");
    for name in file_names(&ours) {
        let text = std::fs::read_to_string(ours.join(&name)).expect("a template");
        let text = if name == "plan.html.j2" {
            text.replacen(
                "@media print {",
                "@media print { #findings h4 { break-before: page; }",
                1,
            )
        } else {
            text
        };
        std::fs::write(templates.join(&name), text).expect("written");
    }
    let pdf = scratch.path().join("plan.pdf");
    elplan(&[
        "plan",
        "fixtures/cases/no-history.ron",
        "--templates",
        &templates.to_string_lossy(),
        "--format",
        "pdf",
        "-o",
        &pdf.to_string_lossy(),
    ])
    .ok();
    assert!(!mostly_empty_pages(&pdf).is_empty());
}
