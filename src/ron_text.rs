//! Finding one's way in RON text a person wrote, without parsing it: where
//! its comments, values, brackets, fields and list items are, byte for byte,
//! so that a change can be written into the text and nothing else moves
//! ([`crate::ron_edit`]). And text made safe to stand in a comment elplan
//! writes. Whether the text means what it should is not decided here: the
//! writers read their result back.

/// Whether `c` would break a line or turn text around where it is shown:
/// control characters (a line break, NUL, VT, FF, …), the Unicode line and
/// paragraph separators, the byte-order mark, and the marks and overrides
/// that change the direction of text (U+202E and its kind).
pub fn is_control_or_bidi(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// `text` as it may stand in a `//` comment elplan writes: one line, each
/// control, separator or direction character a space. (A line break in a
/// district's name would end the comment and leave the rest as code.)
pub fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| if is_control_or_bidi(c) { ' ' } else { c })
        .collect()
}

/// Every comment in `source`, `//` (without its line ending) and `/* */`
/// (nested ones whole), in order; strings are passed over.
pub fn comments(source: &str) -> Vec<&str> {
    comments_in(source, 0, source.len())
}

/// The comments that start between `from` and `to`.
pub(crate) fn comments_in(source: &str, from: usize, to: usize) -> Vec<&str> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    while i < to.min(bytes.len()) {
        match bytes[i] {
            b'"' => i = string_end(bytes, i),
            b'r' if raw_string_at(bytes, i) => i = string_end(bytes, i),
            b'/' if matches!(bytes.get(i + 1), Some(b'/') | Some(b'*')) => {
                let end = match bytes[i + 1] {
                    b'/' => line_end(source, i),
                    _ => block_comment_end(bytes, i),
                };
                out.push(source[i..end].trim_end_matches('\r'));
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// Past the `/* … */` comment opening at `i` (RON nests them).
fn block_comment_end(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if bytes[i..].starts_with(b"*/") {
            depth = depth.saturating_sub(1);
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Past spaces and comments from `i`.
pub(crate) fn skip_trivia(source: &str, mut i: usize) -> usize {
    let bytes = source.as_bytes();
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'/'), Some(b'/')) => {
                i = source[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            (Some(b'/'), Some(b'*')) => i = block_comment_end(bytes, i),
            _ => return i,
        }
    }
}

/// Whether a raw string (`r"…"`, `r#"…"#`) opens at `i`.
fn raw_string_at(bytes: &[u8], i: usize) -> bool {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    if i > 0 && ident(bytes[i - 1]) {
        return false;
    }
    let hashes = bytes[i + 1..].iter().take_while(|&&b| b == b'#').count();
    bytes.get(i + 1 + hashes) == Some(&b'"')
}

/// Past the string literal opening at `i`: `"…"` with escapes, or a raw
/// string `r#"…"#`.
pub(crate) fn string_end(bytes: &[u8], mut i: usize) -> usize {
    if bytes[i] == b'r' {
        let hashes = bytes[i + 1..].iter().take_while(|&&b| b == b'#').count();
        i += 2 + hashes;
        while i < bytes.len() {
            if bytes[i] == b'"' && bytes[i + 1..].iter().take(hashes).all(|&b| b == b'#') {
                return (i + 1 + hashes).min(bytes.len());
            }
            i += 1;
        }
        return bytes.len();
    }
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

/// The end of the value starting at `start`: past a bracketed group or a
/// string, or up to the `,`, comment, line end or closing bracket that
/// ends a bare value; trailing spaces are not part of it.
pub(crate) fn value_end(source: &str, start: usize) -> usize {
    let bytes = source.as_bytes();
    let mut i = start;
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = string_end(bytes, i),
            b'r' if raw_string_at(bytes, i) => i = string_end(bytes, i),
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
                    // A bracketed value ends at its closing bracket, a named
                    // one (`Some(…)`) read as a whole.
                    break;
                }
            }
            b',' | b'\n' if depth == 0 => break,
            _ => i += 1,
        }
    }
    let mut end = i.min(bytes.len());
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// The closing bracket matching the one at `open`.
pub(crate) fn matching(source: &str, open: usize) -> Option<usize> {
    let end = value_end(source, open);
    (end > open && matches!(source.as_bytes().get(end - 1), Some(b')' | b']'))).then(|| end - 1)
}

/// The length of the identifier starting at `i` (0 if none does).
pub(crate) fn ident_len(source: &str, i: usize) -> usize {
    source.as_bytes()[i.min(source.len())..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count()
}

/// The bracket a value at `start` opens with, past a struct name
/// (`Students(`) or a `Some(` around it; `None` for a bare value.
pub(crate) fn bracket_of(source: &str, start: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut i = start;
    loop {
        match *bytes.get(i)? {
            b'(' | b'[' => return Some(i),
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let len = ident_len(source, i);
                let after = skip_trivia(source, i + len);
                if bytes.get(after) != Some(&b'(') {
                    return None;
                }
                if &source[i..i + len] != "Some" {
                    return Some(after);
                }
                i = skip_trivia(source, after + 1);
            }
            _ => return None,
        }
    }
}

/// Where the district's own bracket opens: past comments, `#![enable(…)]`
/// attributes and the name `District` (a comment that names the district
/// is not the district).
pub(crate) fn root_open(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut i = skip_trivia(source, 0);
    while bytes.get(i) == Some(&b'#') {
        let mut j = i + 1;
        if bytes.get(j) == Some(&b'!') {
            j += 1;
        }
        if bytes.get(j) != Some(&b'[') {
            return None;
        }
        i = skip_trivia(source, matching(source, j)? + 1);
    }
    let name = ident_len(source, i);
    i = skip_trivia(source, i + name);
    (bytes.get(i) == Some(&b'(')).then_some(i)
}

/// The end of the last value (or comma) between `from` and `to`, before
/// any comment after it; `from` when there is none.
pub(crate) fn content_end(source: &str, from: usize, to: usize) -> usize {
    let mut end = from;
    let mut i = from;
    loop {
        i = skip_trivia(source, i);
        if i >= to {
            return end;
        }
        let next = if source.as_bytes()[i] == b',' {
            i + 1
        } else {
            value_end(source, i).max(i + 1)
        };
        end = next.min(to);
        i = next;
    }
}

/// One entry of a list, or one field of a record, in the text: where its
/// key (a field's), its value and the comma after it are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub key_start: usize,
    pub key_end: usize,
    pub start: usize,
    pub end: usize,
    pub comma: Option<usize>,
}

impl Entry {
    /// Past the entry and its comma.
    pub fn after(&self) -> usize {
        self.comma.map_or(self.end, |c| c + 1)
    }
}

/// The entries between the brackets at `open` and `close`: values
/// separated by commas (a list), or with `keyed`, `key: value` fields (a
/// record). `None` when the text between is not that.
pub(crate) fn entries(source: &str, open: usize, close: usize, keyed: bool) -> Option<Vec<Entry>> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = open + 1;
    loop {
        i = skip_trivia(source, i);
        if i >= close {
            return Some(out);
        }
        let key_start = i;
        let mut key_end = i;
        if keyed {
            key_end = i + ident_len(source, i);
            let colon = skip_trivia(source, key_end);
            if key_end == i || bytes.get(colon) != Some(&b':') {
                return None;
            }
            i = skip_trivia(source, colon + 1);
        }
        let end = value_end(source, i).min(close);
        if end <= i {
            return None;
        }
        let after = skip_trivia(source, end);
        let comma = (after < close && bytes[after] == b',').then_some(after);
        if comma.is_none() && after < close {
            return None;
        }
        out.push(Entry {
            key_start,
            key_end,
            start: i,
            end,
            comma,
        });
        i = comma.map_or(after, |c| c + 1);
    }
}

/// A value's text without its layout: comments and spaces outside strings
/// left out, so two spellings of one value compare equal.
pub(crate) fn bare(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    loop {
        i = skip_trivia(text, i);
        if i >= bytes.len() {
            return out;
        }
        let next = match bytes[i] {
            b'"' => string_end(bytes, i),
            b'r' if raw_string_at(bytes, i) => string_end(bytes, i),
            _ => i + text[i..].chars().next().map_or(1, char::len_utf8),
        };
        out.push_str(&text[i..next]);
        i = next;
    }
}

/// Whether two values' texts say the same: equal but for layout, or equal
/// numbers (`0.50` and `0.5`).
pub(crate) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (bare(a), bare(b));
    a == b || matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if x == y)
}

/// The start of the line holding `at`.
pub(crate) fn line_start(source: &str, at: usize) -> usize {
    source[..at].rfind('\n').map_or(0, |n| n + 1)
}

/// The end of the line holding `at` (its `\n`, or the end of the text).
pub(crate) fn line_end(source: &str, at: usize) -> usize {
    source[at..].find('\n').map_or(source.len(), |n| at + n)
}

/// The line ending used near `at`: that of its line, else of the line
/// before; a CRLF file gets CRLF.
pub(crate) fn line_ending(source: &str, at: usize) -> &'static str {
    let newline = source[at..]
        .find('\n')
        .map(|n| at + n)
        .or_else(|| source[..at].rfind('\n'));
    match newline {
        Some(n) if n > 0 && source.as_bytes()[n - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The indentation of the line holding `at`.
pub(crate) fn indentation(source: &str, at: usize) -> &str {
    let start = line_start(source, at);
    let line = &source[start..line_end(source, at)];
    &line[..line.len() - line.trim_start().len()]
}

/// The indentation for a new line inside the brackets closing at `close`:
/// that of the last of their `entries` that starts its own line,
/// else the closing bracket's line's and four spaces more.
pub(crate) fn inner_indentation(source: &str, close: usize, entries: &[Entry]) -> String {
    entries
        .iter()
        .rev()
        .map(|e| (line_start(source, e.key_start), e.key_start))
        .find(|&(start, key)| source[start..key].trim().is_empty())
        .map_or_else(
            || format!("{}    ", indentation(source, close)),
            |(start, key)| source[start..key].to_string(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_whole_and_strings_are_not_comments() {
        let text =
            "// head\r\nDistrict(name: \"a // b\", /* x /* y */ z */ id: r#\"/*\"#, // tail\n)";
        assert_eq!(comments(text), ["// head", "/* x /* y */ z */", "// tail"]);
    }

    #[test]
    fn the_district_opens_after_comments_attributes_and_its_name() {
        let text = "// Fresno County District (2024-25 data)\n#![enable(implicit_some)]\nDistrict (id: \"x\")";
        assert_eq!(&text[root_open(text).unwrap()..], "(id: \"x\")");
        assert_eq!(root_open("(id: \"x\")"), Some(0));
    }

    #[test]
    fn a_comment_is_one_line_without_control_or_direction_characters() {
        assert_eq!(
            comment_text("Mendota\nUnified\u{202e}\u{0} (2024)"),
            "Mendota Unified   (2024)"
        );
    }

    #[test]
    fn entries_know_their_commas_and_records_their_keys() {
        let text = "[A, // first\n B /* second */ , C]";
        let found = entries(text, 0, text.len() - 1, false).unwrap();
        let values: Vec<&str> = found.iter().map(|e| &text[e.start..e.end]).collect();
        assert_eq!(values, ["A", "B", "C"]);
        assert!(found[2].comma.is_none());
        let text = "(name: \"Hmong\", share_of_els: 0.1)";
        let found = entries(text, 0, text.len() - 1, true).unwrap();
        assert_eq!(&text[found[1].key_start..found[1].key_end], "share_of_els");
        assert!(entries("(a b)", 0, 4, true).is_none());
    }
}
