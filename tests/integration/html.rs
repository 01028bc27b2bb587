//! The HTML report: well-formed, self-contained, with its two figures, and
//! every value from a district file escaped.

use std::path::Path;

use elplan::render::{Format, RenderOptions};
use elplan::District;

use crate::support::*;

fn html(path: &Path, options: &RenderOptions) -> String {
    let district = District::load(path).expect("fixture");
    let date = options.date;
    let bytes = session()
        .draft(&district, path, Format::Html, date, options)
        .expect("renders");
    String::from_utf8(bytes).expect("HTML is text")
}

/// Parses as XML (so as well-formed HTML) and returns the document text.
fn parse(text: &str) -> roxmltree::Document<'_> {
    let body = text
        .strip_prefix("<!DOCTYPE html>\n")
        .expect("starts with the HTML5 doctype");
    roxmltree::Document::parse(body).unwrap_or_else(|e| panic!("not well-formed: {e}"))
}

#[test]
fn every_fixture_gives_well_formed_self_contained_html_with_both_figures() {
    for path in fixtures() {
        let text = html(&path, &RenderOptions::default());
        let doc = parse(&text);
        let svgs: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name(("http://www.w3.org/2000/svg", "svg")))
            .collect();
        let classes: Vec<&str> = svgs.iter().filter_map(|n| n.attribute("class")).collect();
        assert_eq!(
            classes,
            ["figure driver-diagram", "figure timeline"],
            "{}",
            path.display()
        );
        for tag in ["script", "link", "img", "iframe"] {
            assert!(
                !doc.descendants().any(|n| n.has_tag_name(tag)),
                "{}: <{tag}> in a self-contained report",
                path.display()
            );
        }
        assert!(
            !text.contains("http://")
                || text.matches("http://").count()
                    == text.matches("http://www.w3.org/2000/svg").count(),
            "{}: no network references",
            path.display()
        );
        // The improvement process, the change ideas and the master plan's
        // eight chapters are sections of their own.
        let ids: Vec<&str> = doc
            .descendants()
            .filter_map(|n| n.attribute("id"))
            .collect();
        for id in ["process", "change-ideas", "master-plan"] {
            assert!(ids.contains(&id), "{}: no #{id}", path.display());
        }
        let chapters = ids.iter().filter(|id| id.starts_with("chapter-")).count();
        assert_eq!(chapters, 8, "{}", path.display());
    }
}

#[test]
fn values_from_the_district_file_appear_as_text() {
    let path = Path::new(ROOT).join("fixtures/cases/escaping.ron");
    let text = html(&path, &RenderOptions::default());
    assert!(
        !text.contains("<script>"),
        "a district name must not become markup"
    );
    assert!(
        !text.contains("<i>Spanish"),
        "a language name must not become markup"
    );
    assert!(text.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    let doc = parse(&text);
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .expect("title");
    assert!(
        title.ends_with("<script>alert(1)</script> & \"Unified\""),
        "{title}"
    );
    let aim = doc
        .descendants()
        .filter(|n| n.has_tag_name(("http://www.w3.org/2000/svg", "text")))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        aim.contains("<script>alert(1)</script>"),
        "the driver diagram shows the name as text: {aim}"
    );
}

#[test]
fn a_date_dates_the_draft_and_its_timeline() {
    let path = Path::new(ROOT).join("fixtures/calli/mendota-unified.ron");
    let undated = html(&path, &RenderOptions::default());
    assert!(undated.contains(">M1<") && undated.contains(">Aug<") && !undated.contains("2026"));
    let dated = html(
        &path,
        &RenderOptions {
            date: Some("2026-09-15".parse().expect("a date")),
            ..RenderOptions::default()
        },
    );
    assert!(dated.contains("· September 15, 2026</p>"));
    assert!(
        dated.contains(">Sep<") && dated.contains(">2026<") && dated.contains(">2028<"),
        "month ticks follow the calendar"
    );
    assert!(!dated.contains(">M1<"));
}
