//! Writing a set of changes into a district file's own text, keeping every
//! comment, blank line and layout choice of the person who wrote it.
//!
//! Each change replaces one value in place, inserts a field into its
//! section (or the section into the district), or removes a field set back
//! to unknown. The result is then read back: unless it reads as exactly the
//! district the changes describe, nothing is returned, so a layout this
//! module does not understand can cost a save, never a user's data.

use std::path::Path;

use crate::district::District;
use crate::overrides::{self, Override};

/// `source` (the text of `file`, which reads as `original`) with `changes`
/// written into it; an error in words when the changes cannot be written
/// so that the text reads back as the changed district.
pub fn write_changes(
    file: &Path,
    source: &str,
    original: &District,
    changes: &[Override],
) -> Result<String, String> {
    let expected = overrides::apply(original, changes).map_err(|d| d.to_string())?;
    let mut text = source.to_string();
    let mut district = original.clone();
    for change in changes {
        text = write_one(&text, &district, change)?;
        district =
            overrides::apply(&district, std::slice::from_ref(change)).map_err(|d| d.to_string())?;
    }
    let mut read_back = District::parse(file, &text).map_err(|d| {
        format!("the changed file would not read back ({d}); save it as a new file instead")
    })?;
    read_back.fill_defaults();
    let mut want = expected;
    want.fill_defaults();
    if read_back != want {
        return Err(
            "the change could not be written into this file's layout without altering something else; save it as a new file instead"
                .to_string(),
        );
    }
    Ok(text)
}

/// One change written into `source`.
fn write_one(source: &str, district: &District, change: &Override) -> Result<String, String> {
    let unknown = change.value.trim() == "None";
    let (parents, key) = text_path(district, change)?;
    let Some(mut span) = section(source, &parents) else {
        if unknown {
            return Ok(source.to_string());
        }
        // The section itself is missing: add it to the district with the field.
        let (name, outer) = parents
            .split_last()
            .ok_or("the district file has no `District( … )`")?;
        let outer_span = section(source, outer).ok_or("cannot find the enclosing section")?;
        let nested = match &name.new_entry {
            Some(year) => format!(
                "{}: [(year: \"{year}\", {key}: {})]",
                name.name, change.value
            ),
            None => format!("{}: ({key}: {})", name.name, change.value),
        };
        return Ok(insert_field(source, outer_span, &nested));
    };
    if let Some(entry) = parents.last().and_then(|p| p.new_entry.as_ref()) {
        // A history year the file lacks: a new entry in the list.
        let text = format!("(year: \"{entry}\", {key}: {})", change.value);
        span.inner_end = span.insert_at.unwrap_or(span.inner_end);
        return Ok(insert_field(source, span, &text));
    }
    match find_field(source, span, key) {
        Some((start, value_start, value_end)) => {
            if unknown {
                Ok(remove_field(source, start, value_end))
            } else {
                let mut out = String::with_capacity(source.len() + change.value.len());
                out.push_str(&source[..value_start]);
                out.push_str(&change.value);
                out.push_str(&source[value_end..]);
                Ok(out)
            }
        }
        None if unknown => Ok(source.to_string()),
        None => Ok(insert_field(
            source,
            span,
            &format!("{key}: {}", change.value),
        )),
    }
}

/// One step of a path into the text: a field name, and for the history
/// the index of an entry (or the year of one to add).
#[derive(Debug, Clone)]
struct Step {
    name: String,
    index: Option<usize>,
    new_entry: Option<String>,
}

/// The steps to the section holding the field `change` sets, and the
/// field's name.
fn text_path<'c>(
    district: &District,
    change: &'c Override,
) -> Result<(Vec<Step>, &'c str), String> {
    let root = Step {
        name: String::new(),
        index: None,
        new_entry: None,
    };
    let step = |name: &str| Step {
        name: name.to_string(),
        index: None,
        new_entry: None,
    };
    if let Some(rest) = change.path.strip_prefix("history[") {
        let (selector, field) = rest
            .split_once("].")
            .ok_or_else(|| format!("`{}` is not a history path", change.path))?;
        let years: Vec<Option<u32>> = district
            .history
            .iter()
            .map(|h| crate::district::parse_school_year(&h.year))
            .collect();
        let mut history = step("history");
        match selector.trim().strip_prefix('-') {
            Some(n) => {
                let n: usize = n.parse().map_err(|_| "bad history index".to_string())?;
                history.index = Some(
                    years
                        .len()
                        .checked_sub(n)
                        .ok_or("the history has no such year")?,
                );
            }
            None => {
                let key = crate::district::parse_school_year(selector.trim());
                match years.iter().position(|y| *y == key) {
                    Some(i) => history.index = Some(i),
                    None => {
                        history.new_entry = Some(selector.trim().to_string());
                        history.index = years.iter().position(|y| *y > key);
                    }
                }
            }
        }
        return Ok((vec![root, history], field));
    }
    Ok(match change.path.split_once('.') {
        Some((section, field)) => (vec![root, step(section)], field),
        None => (vec![root], change.path.as_str()),
    })
}

/// Where a parenthesised section's contents are: between `open` and
/// `inner_end` (the closing bracket). For a list, `insert_at` is where a
/// new entry goes.
#[derive(Debug, Clone, Copy)]
struct Span {
    open: usize,
    inner_end: usize,
    insert_at: Option<usize>,
}

/// The span of the section `steps` leads to (the district itself for the
/// root step alone).
fn section(source: &str, steps: &[Step]) -> Option<Span> {
    let root_at = source.find("District")?;
    let open = root_at + source[root_at..].find('(')?;
    let mut span = Span {
        open,
        inner_end: matching(source, open)?,
        insert_at: None,
    };
    for step in steps.iter().skip(1) {
        let (_, value_start, value_end) = find_field(source, span, &step.name)?;
        let open = value_start;
        let bracket = *source.as_bytes().get(open)?;
        if step.new_entry.is_some() || step.index.is_some() {
            if bracket != b'[' {
                return None;
            }
            let entries = entries(source, open, value_end - 1);
            if step.new_entry.is_some() {
                return Some(Span {
                    open,
                    inner_end: value_end - 1,
                    insert_at: step.index.and_then(|i| entries.get(i).copied()),
                });
            }
            let at = *entries.get(step.index?)?;
            span = Span {
                open: at,
                inner_end: matching(source, at)?,
                insert_at: None,
            };
        } else {
            if bracket != b'(' {
                return None;
            }
            span = Span {
                open,
                inner_end: value_end - 1,
                insert_at: None,
            };
        }
    }
    Some(span)
}

/// The opening bracket of each parenthesised entry of the list opened at
/// `open` and closed at `close`.
fn entries(source: &str, open: usize, close: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = open + 1;
    while i < close {
        i = skip_trivia(source, i);
        if i >= close {
            break;
        }
        if source.as_bytes().get(i) == Some(&b'(') {
            out.push(i);
        }
        i = value_end(source, i).max(i + 1);
        i = skip_trivia(source, i);
        if source.as_bytes().get(i) == Some(&b',') {
            i += 1;
        }
    }
    out
}

/// The field `name` directly inside `span`: where its key starts and where
/// its value starts and ends.
fn find_field(source: &str, span: Span, name: &str) -> Option<(usize, usize, usize)> {
    let mut i = span.open + 1;
    while i < span.inner_end {
        i = skip_trivia(source, i);
        if i >= span.inner_end {
            return None;
        }
        let key_start = i;
        let key_len = source[i..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let key = &source[i..i + key_len];
        i = skip_trivia(source, i + key_len);
        if source.as_bytes().get(i) != Some(&b':') {
            return None;
        }
        let value_start = skip_trivia(source, i + 1);
        let end = value_end(source, value_start);
        if key == name {
            return Some((key_start, value_start, end));
        }
        i = skip_trivia(source, end);
        if source.as_bytes().get(i) == Some(&b',') {
            i += 1;
        }
    }
    None
}

/// Past spaces and comments from `i`.
fn skip_trivia(source: &str, mut i: usize) -> usize {
    let bytes = source.as_bytes();
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'/'), Some(b'/')) => {
                i = source[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            (Some(b'/'), Some(b'*')) => {
                let mut depth = 0usize;
                while i < bytes.len() {
                    if bytes[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if bytes[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            _ => return i,
        }
    }
}

/// The end of the value starting at `start`: past a bracketed group or a
/// string, or up to the `,` or closing bracket that ends a bare value.
fn value_end(source: &str, start: usize) -> usize {
    let bytes = source.as_bytes();
    let mut i = start;
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = string_end(bytes, i),
            b'/' if matches!(bytes.get(i + 1), Some(b'/') | Some(b'*')) => {
                if depth == 0 {
                    break;
                }
                i = skip_trivia(source, i);
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' | b'}' => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
                i += 1;
                if depth == 0 {
                    // A bracketed value ends at its closing bracket, unless
                    // it is a named one (`Some(…)`) read as a whole.
                    break;
                }
            }
            b',' if depth == 0 => break,
            b'\n' if depth == 0 => break,
            _ => i += 1,
        }
    }
    // Trailing spaces belong to the layout, not the value.
    let mut end = i;
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// Past the string literal opening at `i`.
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The closing bracket matching the one at `open`.
fn matching(source: &str, open: usize) -> Option<usize> {
    let end = value_end(source, open);
    (end > open && matches!(source.as_bytes().get(end - 1), Some(b')' | b']'))).then(|| end - 1)
}

/// `field` inserted into the section `span` as its last entry, on a line of
/// its own in the section's indentation when the section spans lines.
fn insert_field(source: &str, span: Span, field: &str) -> String {
    let inner = &source[span.open + 1..span.inner_end];
    let at = span.inner_end;
    let before = source[..at].trim_end();
    let needs_comma = !before.ends_with(',') && !before.ends_with(['(', '[']);
    let mut out = String::with_capacity(source.len() + field.len() + 16);
    if inner.contains('\n') {
        // The indentation of the section's last line with content.
        let indent = inner
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| &l[..l.len() - l.trim_start().len()])
            .unwrap_or("    ");
        let last = before.len();
        out.push_str(&source[..last]);
        if needs_comma {
            out.push(',');
        }
        out.push('\n');
        out.push_str(indent);
        out.push_str(field);
        out.push(',');
        out.push_str(&source[last..]);
    } else {
        let last = before.len();
        out.push_str(&source[..last]);
        if needs_comma {
            out.push_str(", ");
        }
        out.push_str(field);
        out.push_str(&source[last..]);
    }
    out
}

/// The field from `start` to `value_end` removed, with its comma and, when
/// it stood alone on its line, the line.
fn remove_field(source: &str, start: usize, value_end: usize) -> String {
    let bytes = source.as_bytes();
    let mut end = value_end;
    let after = skip_spaces(bytes, end);
    if bytes.get(after) == Some(&b',') {
        end = after + 1;
    }
    let line_start = source[..start].rfind('\n').map_or(0, |n| n + 1);
    let alone_before = source[line_start..start].trim().is_empty();
    let rest_end = source[end..].find('\n').map_or(source.len(), |n| end + n);
    let alone_after = source[end..rest_end].trim().is_empty();
    if alone_before && alone_after && line_start > 0 {
        let mut out = source[..line_start].to_string();
        out.push_str(source.get(rest_end + 1..).unwrap_or(""));
        return out;
    }
    let mut out = source[..start].trim_end_matches([' ', '\t']).to_string();
    if !out.ends_with(['(', '[', '\n']) {
        out.push(' ');
    }
    out.push_str(source[end..].trim_start_matches([' ', '\t']));
    out
}

fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"// Our district, kept by the EL office.
District(
    id: "x",
    name: "X Unified", // the board's name for it
    kind: Unified,
    enrollment: 1000,
    schools: 4,
    students: (
        el_share: 0.2, // fall census
        /* frpm from the UPC file */ frpm_share: 0.5,
    ),
    history: [
        (year: "2022-23", reclassification_rate: 0.1),
        (year: "2023-24", reclassification_rate: 0.08),
    ],
)
"#;

    fn write(changes: &[(&str, &str)]) -> Result<String, String> {
        let path = Path::new("x.ron");
        let district = District::parse(path, FILE).expect("fixture parses");
        let changes: Vec<Override> = changes
            .iter()
            .map(|(p, v)| Override {
                path: p.to_string(),
                value: v.to_string(),
            })
            .collect();
        write_changes(path, FILE, &district, &changes)
    }

    #[test]
    fn a_value_is_replaced_in_place_and_every_comment_stays() {
        let text = write(&[("students.el_share", "0.35")]).unwrap();
        assert_eq!(text, FILE.replace("el_share: 0.2,", "el_share: 0.35,"));
    }

    #[test]
    fn a_new_field_joins_its_section_and_a_new_section_the_district() {
        let text = write(&[
            ("students.ltel_share_of_els", "0.2"),
            ("staffing.instructional_coaches", "3"),
            ("locale", "Rural"),
        ])
        .unwrap();
        assert!(
            text.contains("        ltel_share_of_els: 0.2,\n    ),"),
            "{text}"
        );
        assert!(
            text.contains("    staffing: (instructional_coaches: 3),\n"),
            "{text}"
        );
        assert!(text.contains("    locale: Rural,\n)"), "{text}");
        assert!(text.starts_with("// Our district, kept by the EL office."));
        assert!(text.contains("/* frpm from the UPC file */"));
    }

    #[test]
    fn unknown_removes_the_field_and_its_line() {
        let text = write(&[("schools", "None")]).unwrap();
        assert_eq!(text, FILE.replace("    schools: 4,\n", ""));
    }

    #[test]
    fn history_years_are_edited_by_year_and_added_in_order() {
        let text = write(&[("history[-1].reclassification_rate", "0.12")]).unwrap();
        assert!(text.contains(r#"(year: "2023-24", reclassification_rate: 0.12)"#));
        let text = write(&[("history[2024-25].elpi_status", "0.4")]).unwrap();
        assert!(
            text.contains("(year: \"2023-24\", reclassification_rate: 0.08),\n        (year: \"2024-25\", elpi_status: 0.4),\n    ],"),
            "{text}"
        );
        let text = write(&[("history[2021-22].elpi_status", "0.4")]).unwrap();
        let earlier = text.find("2021-22").unwrap();
        assert!(earlier < text.find("2022-23").unwrap(), "{text}");
    }

    #[test]
    fn a_change_the_district_refuses_is_not_written() {
        assert!(write(&[("students.el_share", "2")]).is_err());
        assert!(write(&[("enrollment", "None")]).is_err());
    }
}
