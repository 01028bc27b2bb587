//! `--format docx`: a Word document. Its words are WordprocessingML written
//! by templates, as the Markdown and HTML drafts are (`plan.docx.xml` for the
//! body, `docx-styles.xml` and `docx-footer.xml`); this module renders the
//! figures from the project's SVG to pictures (resvg), sizes the timeline's
//! table (a table a consultant edits, where its months fit a page) and
//! packs the parts into the zip file Word opens (zip). A consultant's own styles come
//! from a reference document (`--reference-docx`): its `word/styles.xml`
//! replaces ours, as pandoc does.
//!
//! Templates rather than a DOCX builder crate: a builder would put every
//! word and style of the document in Rust, where consultants cannot change
//! them; the parts below are the fixed packaging that every document has.

use std::borrow::Cow;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use serde::Serialize;
use zip::write::SimpleFileOptions;

use crate::diagnostic::{Diagnostic, ErrorKind};
use crate::limits::MAX_REFERENCE_BYTES;

/// Pixels per SVG unit when a figure is rendered to a picture: sharp at
/// print size (about 150 dpi across a landscape page).
const RASTER_SCALE: f32 = 1.6;

/// English Metric Units per inch (WordprocessingML sizes).
const EMU_PER_INCH: f64 = 914_400.0;

/// The widest a picture may be: a landscape page less its margins (9.8 in),
/// and the tallest (7 in). A figure's pages (figures::PAGE_HEIGHT) are cut so
/// that at full width their smallest labels print at 8 pt.
const MAX_WIDTH_IN: f64 = 9.8;
const MAX_HEIGHT_IN: f64 = 7.0;
/// The text width of a portrait page (Letter, one-inch margins).
const PORTRAIT_WIDTH_IN: f64 = 6.5;

/// How large a figure prints in the Word document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// As large as a landscape page holds: the driver diagram, the timeline.
    Page,
    /// Its own size: a small chart beside a table.
    Natural,
}

/// A landscape page's text width in twentieths of a point (twips): 11 in
/// less the template's margins of 0.6 in.
const LANDSCAPE_TEXT_TWIPS: u32 = 15_840 - 2 * 864;

/// The timeline table's first column, the strategies' titles (2.5 in:
/// most titles in two lines at 8 pt).
const TIMELINE_TITLE_TWIPS: u32 = 3_600;

/// The narrowest month column that still holds its label ("Sep", "M24")
/// at 7 pt between cell margins of 0.02 in: 0.29 in. A plan of 24 months
/// fits; one of 36 does not, and keeps the timeline as a picture.
const TIMELINE_MIN_MONTH_TWIPS: u32 = 420;

/// The columns of the month-by-month plan as a Word table on a landscape
/// page, in twips: the strategy's title, then one per month.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TimelineColumns {
    /// The first column, the strategy's title.
    pub title: u32,
    /// Each month's column.
    pub month: u32,
}

/// The timeline table's columns for a plan of `horizon` months, or `None`
/// when its months do not fit across a landscape page at a readable width
/// (the timeline is then a picture, cut into pages).
pub fn timeline_columns(horizon: u32) -> Option<TimelineColumns> {
    let month = (LANDSCAPE_TEXT_TWIPS - TIMELINE_TITLE_TWIPS).checked_div(horizon)?;
    (month >= TIMELINE_MIN_MONTH_TWIPS).then_some(TimelineColumns {
        title: TIMELINE_TITLE_TWIPS,
        month,
    })
}

/// Sans-serif families that stand in for Helvetica and Arial, in order.
const SANS_SERIF: [&str; 5] = [
    "Arial",
    "Helvetica",
    "Liberation Sans",
    "DejaVu Sans",
    "Noto Sans",
];

/// A figure rendered for the document: its relationship id, its size on
/// the page in EMU, and its PNG bytes.
#[derive(Debug, Clone, Serialize)]
pub struct Picture {
    /// Its relationship id in `word/_rels/document.xml.rels`.
    pub rid: String,
    /// Its width on the page, in EMU.
    pub cx: u64,
    /// Its height on the page, in EMU.
    pub cy: u64,
    /// The PNG image.
    #[serde(skip)]
    pub png: Vec<u8>,
}

/// Renders `svg` (a figure of `width` × `height` units) to a picture
/// `rid`, scaled to fit a landscape page.
pub fn picture(svg: &str, rid: &str, fit: Fit) -> Result<Picture, String> {
    let mut options = resvg::usvg::Options::default();
    let fonts = options.fontdb_mut();
    fonts.load_system_fonts();
    // The figures ask for Helvetica or Arial, then any sans-serif: the
    // first of these the system has stands in for them.
    let installed = |family: &str| {
        fonts
            .faces()
            .any(|face| face.families.iter().any(|(name, _)| name == family))
    };
    if let Some(family) = SANS_SERIF.into_iter().find(|f| installed(f)) {
        fonts.set_sans_serif_family(family);
    }
    let tree = resvg::usvg::Tree::from_str(&xml_safe(svg), &options).map_err(|e| e.to_string())?;
    let size = tree.size();
    let (w, h) = (size.width(), size.height());
    let mut pixmap = resvg::tiny_skia::Pixmap::new(
        (w * RASTER_SCALE).ceil() as u32,
        (h * RASTER_SCALE).ceil() as u32,
    )
    .ok_or("a figure of no size")?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(RASTER_SCALE, RASTER_SCALE),
        &mut pixmap.as_mut(),
    );
    let png = pixmap.encode_png().map_err(|e| e.to_string())?;
    let width_in = match fit {
        // As wide as the page allows, unless that makes it too tall.
        Fit::Page => MAX_WIDTH_IN.min(MAX_HEIGHT_IN * f64::from(w) / f64::from(h)),
        // A unit a point (its labels print at their size), within a
        // portrait page's text.
        Fit::Natural => (f64::from(w) / 72.0).min(PORTRAIT_WIDTH_IN),
    };
    let height_in = width_in * f64::from(h) / f64::from(w);
    Ok(Picture {
        rid: rid.to_string(),
        cx: (width_in * EMU_PER_INCH).round() as u64,
        cy: (height_in * EMU_PER_INCH).round() as u64,
        png,
    })
}

/// The parts of a document the templates wrote.
pub struct Parts<'a> {
    /// `word/document.xml`.
    pub document: &'a str,
    /// `word/styles.xml`.
    pub styles: &'a str,
    /// `word/footer1.xml`.
    pub footer: &'a str,
    /// `docProps/core.xml`: the document's title.
    pub core: &'a str,
}

/// WordprocessingML's namespace: the root of `word/styles.xml` is its
/// `styles`.
const WORDPROCESSINGML: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The namespace of references to other parts of a package (`r:id`).
const RELATIONSHIPS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The `word/styles.xml` of a reference document, checked before it is
/// used: the file and its styles within [`MAX_REFERENCE_BYTES`] (refused
/// past it, never cut), well-formed XML without a DTD (so no entity can
/// reach outside the file), a `w:styles` root, and nothing that refers
/// outside the styles: no external relationship, no `r:` reference to a
/// part the draft does not carry.
pub fn reference_styles(path: &Path) -> Result<String, Diagnostic> {
    let fail = |message: String| Diagnostic::of(ErrorKind::Template, path, message);
    let bytes = crate::source::read_bounded(path, MAX_REFERENCE_BYTES, "reference documents")?;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| fail(format!("not a Word document (.docx): {e}")))?;
    let text = {
        let styles = archive
            .by_name("word/styles.xml")
            .map_err(|_| fail("the reference document has no word/styles.xml".to_string()))?;
        let too_big = |size: String| {
            fail(format!(
                "the reference document's word/styles.xml is {size} bytes; elplan takes styles of at most {MAX_REFERENCE_BYTES} bytes"
            ))
        };
        if styles.size() > MAX_REFERENCE_BYTES as u64 {
            return Err(too_big(styles.size().to_string()));
        }
        let mut bytes = Vec::new();
        styles
            .take(MAX_REFERENCE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("cannot read its styles: {e}")))?;
        if bytes.len() > MAX_REFERENCE_BYTES {
            return Err(too_big(format!("over {MAX_REFERENCE_BYTES}")));
        }
        String::from_utf8(bytes).map_err(|_| {
            fail("the reference document's word/styles.xml is not UTF-8 text".to_string())
                .with_hint("save the reference document again with Word or LibreOffice")
        })?
    };
    check_styles(&text).map_err(|problem| {
        fail(format!(
            "the reference document's word/styles.xml {problem}"
        ))
        .with_hint("use a document saved by Word or LibreOffice, or leave out --reference-docx")
    })?;
    if let Ok(mut rels) = archive.by_name("word/_rels/styles.xml.rels") {
        let mut bytes = Vec::new();
        (&mut rels)
            .take(MAX_REFERENCE_BYTES as u64)
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("cannot read its styles' relationships: {e}")))?;
        let text = String::from_utf8_lossy(&bytes);
        let rels = parse_xml(&text).map_err(|e| {
            fail(format!(
                "the reference document's word/_rels/styles.xml.rels is not well-formed XML: {e}"
            ))
        })?;
        let external = rels.descendants().any(|n| {
            n.attribute("TargetMode")
                .is_some_and(|m| m.eq_ignore_ascii_case("external"))
        });
        if external {
            return Err(fail(
                "the reference document's styles refer to a file or address outside it (an external relationship); elplan takes styles only from the document itself".to_string(),
            ));
        }
    }
    Ok(text)
}

/// `text` read as XML within the limits for a reference document.
fn parse_xml(text: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: crate::limits::MAX_REFERENCE_NODES,
            ..roxmltree::ParsingOptions::default()
        },
    )
}

/// What is wrong with a reference document's styles, in words that follow
/// "the reference document's word/styles.xml".
fn check_styles(text: &str) -> Result<(), String> {
    let doc = parse_xml(text).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            "declares a DTD, which Word never writes and elplan does not read (it could reach outside the file)".to_string()
        }
        roxmltree::Error::NodesLimitReached => format!(
            "holds more than {} XML nodes",
            crate::limits::MAX_REFERENCE_NODES
        ),
        e => format!("is not well-formed XML: {e}"),
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "styles" || root.tag_name().namespace() != Some(WORDPROCESSINGML) {
        return Err(format!(
            "holds `{}`, not Word's styles (`w:styles`)",
            root.tag_name().name()
        ));
    }
    let refers = doc.descendants().find_map(|n| {
        n.attributes()
            .find(|a| a.namespace() == Some(RELATIONSHIPS))
            .map(|a| (n.range(), a.name().to_string()))
    });
    if let Some((range, name)) = refers {
        let at = doc.text_pos_at(range.start);
        return Err(format!(
            "refers to another part of the reference document (`r:{name}` at {at}), which the draft does not carry"
        ));
    }
    Ok(())
}

/// `text` with every character XML 1.0 does not allow replaced by one it
/// does, so that whatever a district file or the command line holds, the
/// document opens: a vertical tab or form feed (Word's line and page
/// breaks, pasted) becomes a space; any other control character but tab,
/// line feed and carriage return (a NUL among them), and U+FFFE and
/// U+FFFF, become U+FFFD, the replacement character, so a reader sees
/// that something unreadable stood there.
pub fn xml_safe(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
    };
    if text.chars().all(allowed) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\u{b}' | '\u{c}' => ' ',
                c if allowed(c) => c,
                _ => char::REPLACEMENT_CHARACTER,
            })
            .collect(),
    )
}

/// The document as the bytes of a .docx file. The same parts give the same
/// bytes: every entry has the same fixed time. Every part is made valid
/// XML text ([`xml_safe`]) as it is packed.
pub fn pack(parts: &Parts<'_>, pictures: &[Picture]) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut add = |name: &str, bytes: &[u8]| -> Result<(), String> {
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(bytes).map_err(|e| e.to_string())
    };
    add("[Content_Types].xml", CONTENT_TYPES.as_bytes())?;
    add("_rels/.rels", ROOT_RELS.as_bytes())?;
    let xml = |part: &str| xml_safe(part.trim_start()).into_owned();
    add("docProps/core.xml", xml(parts.core).as_bytes())?;
    add("word/document.xml", xml(parts.document).as_bytes())?;
    add("word/styles.xml", xml(parts.styles).as_bytes())?;
    add("word/settings.xml", SETTINGS.as_bytes())?;
    add("word/footer1.xml", xml(parts.footer).as_bytes())?;
    let mut rels = String::from(DOCUMENT_RELS_START);
    for (i, p) in pictures.iter().enumerate() {
        let name = format!("media/figure{}.png", i + 1);
        add(&format!("word/{name}"), &p.png)?;
        rels.push_str(&format!(
            "<Relationship Id=\"{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"{name}\"/>",
            p.rid
        ));
    }
    rels.push_str("</Relationships>");
    add("word/_rels/document.xml.rels", rels.as_bytes())?;
    let cursor = zip.finish().map_err(|e| e.to_string())?;
    Ok(cursor.into_inner())
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#;

/// No settings of note: the contents field carries its entries already, so
/// Word need not ask to update fields when it opens the document.
const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeline_of_up_to_two_years_is_a_table_and_a_longer_one_a_picture() {
        for horizon in [12, 24] {
            let columns = timeline_columns(horizon).expect("fits");
            assert!(columns.title + horizon * columns.month <= LANDSCAPE_TEXT_TWIPS);
            assert!(columns.month >= TIMELINE_MIN_MONTH_TWIPS);
        }
        assert!(timeline_columns(36).is_none());
        assert!(timeline_columns(0).is_none());
    }
}
