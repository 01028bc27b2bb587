//! Where each value of a RON text is written: a tree of byte ranges that
//! follows the text's brackets, so that a diagnostic or a test failure can
//! name the line of the third item of a list, or of a struct's field.
//!
//! serde tells what a RON file says, not where; this module tells where,
//! not what. It reads any text without failing (a text RON rejects gives a
//! tree of what could be read), and is meant for files that have already
//! been read with [`crate::source::parse_ron`].

/// A value of a RON text: where it starts and ends, and what it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Located {
    /// The byte offset of its first character (of its name, for a named
    /// struct or variant such as `District("a", [])`).
    pub start: usize,
    /// The byte offset just past its last character.
    pub end: usize,
    /// A struct's fields, by name, in the order written.
    pub fields: Vec<(String, Located)>,
    /// A list's items, a tuple's or tuple variant's members, a map's values.
    pub items: Vec<Located>,
    /// A map's keys, each beside its value in `items`.
    pub keys: Vec<Located>,
}

impl Located {
    /// The field `name`, if it is written.
    pub fn field(&self, name: &str) -> Option<&Located> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The item at `index`, if there is one.
    pub fn item(&self, index: usize) -> Option<&Located> {
        self.items.get(index)
    }

    /// Its text in `source`, with every run of white space made one space.
    pub fn text(&self, source: &str) -> String {
        let text = source.get(self.start..self.end).unwrap_or_default();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// The deepest nesting read as a tree; deeper groups are read as one value
/// (RON itself refuses to read anything this deep).
const MAX_DEPTH: usize = 256;

/// The tree of the first value of `source`, past any `#![enable(…)]`
/// attributes before it.
pub(crate) fn locate(source: &str) -> Located {
    let mut reader = Reader {
        text: source.as_bytes(),
        at: 0,
    };
    loop {
        reader.skip_blank();
        let attribute = match reader.text.get(reader.at..reader.at + 3) {
            Some(b"#![") => 2,
            Some([b'#', b'[', _]) => 1,
            _ => break,
        };
        reader.at += attribute;
        reader.skip_group();
    }
    reader.value(0)
}

/// The length of the character RON reads as a space at the start of
/// `text` (a few Unicode spaces beside the ASCII ones), or 0.
fn space_len(text: &[u8]) -> usize {
    match text {
        [b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c, ..] => 1,
        [0xc2, 0x85, ..] => 2,
        [0xe2, 0x80, 0x8e | 0x8f | 0xa8 | 0xa9, ..] => 3,
        _ => 0,
    }
}

struct Reader<'a> {
    text: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    /// Past white space and comments (`//` to the end of the line, and
    /// `/* */`, which RON nests).
    fn skip_blank(&mut self) {
        loop {
            while self.at < self.text.len() && space_len(&self.text[self.at..]) > 0 {
                self.at += space_len(&self.text[self.at..]);
            }
            match (self.peek(), self.text.get(self.at + 1)) {
                (Some(b'/'), Some(b'/')) => {
                    while self.peek().is_some_and(|b| b != b'\n') {
                        self.at += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    let mut depth = 0usize;
                    while self.at < self.text.len() {
                        if self.text[self.at..].starts_with(b"/*") {
                            depth += 1;
                            self.at += 2;
                        } else if self.text[self.at..].starts_with(b"*/") {
                            depth -= 1;
                            self.at += 2;
                            if depth == 0 {
                                break;
                            }
                        } else {
                            self.at += 1;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    /// One value: a bracketed group (named or not), a string, a character,
    /// or a bare word or number.
    fn value(&mut self, depth: usize) -> Located {
        self.skip_blank();
        let start = self.at;
        let mut node = Located {
            start,
            ..Located::default()
        };
        match self.peek() {
            Some(b'(' | b'[' | b'{') => self.group(&mut node, depth),
            Some(b'"') => self.quoted(b'"'),
            Some(b'\'') => self.quoted(b'\''),
            Some(b'r') if self.raw_string() => {}
            Some(_) => {
                let word = self.word();
                let after_word = self.at;
                self.skip_blank();
                if word > 0 && self.peek() == Some(b'(') {
                    self.group(&mut node, depth);
                } else {
                    self.at = after_word.max(start + 1).min(self.text.len());
                }
            }
            None => {}
        }
        node.end = self.at;
        node
    }

    /// The members of the group opening here, up to its closing bracket.
    fn group(&mut self, node: &mut Located, depth: usize) {
        let close = match self.peek() {
            Some(b'(') => b')',
            Some(b'[') => b']',
            _ => b'}',
        };
        if depth >= MAX_DEPTH {
            self.skip_group();
            return;
        }
        self.at += 1;
        loop {
            self.skip_blank();
            match self.peek() {
                None => return,
                Some(b) if b == close => {
                    self.at += 1;
                    return;
                }
                // A bracket that closes something else: the text is not
                // RON; what was read stands.
                Some(b')' | b']' | b'}') => return,
                Some(b',') => self.at += 1,
                Some(_) => {
                    let before = self.at;
                    match self.field_name() {
                        Some(name) => {
                            let value = self.value(depth + 1);
                            node.fields.push((name, value));
                        }
                        None => {
                            let value = self.value(depth + 1);
                            self.skip_blank();
                            if close == b'}' && self.peek() == Some(b':') {
                                // A map entry: its value stands for it,
                                // its key beside it.
                                self.at += 1;
                                let entry = self.value(depth + 1);
                                node.items.push(entry);
                                node.keys.push(value);
                            } else {
                                node.items.push(value);
                            }
                        }
                    }
                    if self.at == before {
                        self.at += 1;
                    }
                }
            }
        }
    }

    /// Past a group too deep to read as a tree, counting brackets only.
    fn skip_group(&mut self) {
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'"' | b'\'' => {
                    self.quoted(b);
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.at += 1;
                        return;
                    }
                }
                _ => {}
            }
            self.at += 1;
        }
    }

    /// `name:` (not `name::`) at the reading position: the name, with the
    /// position moved past the colon; otherwise nothing moves.
    fn field_name(&mut self) -> Option<String> {
        let start = self.at;
        let length = self.word();
        if length == 0 || self.text[start].is_ascii_digit() {
            self.at = start;
            return None;
        }
        let end = self.at;
        self.skip_blank();
        if self.peek() == Some(b':') && self.text.get(self.at + 1) != Some(&b':') {
            self.at += 1;
            // A raw identifier (`r#type:`) names the field `type`.
            let name = self.text[start..end]
                .strip_prefix(b"r#")
                .unwrap_or(&self.text[start..end]);
            Some(String::from_utf8_lossy(name).into_owned())
        } else {
            self.at = start;
            None
        }
    }

    /// Past an identifier (a raw one, `r#name`, too) or number; its
    /// length in bytes.
    fn word(&mut self) -> usize {
        let start = self.at;
        if self.text[self.at..].starts_with(b"r#") {
            self.at += 2;
        }
        while self.peek().is_some_and(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'+' | b'-') || !b.is_ascii()
        }) && space_len(&self.text[self.at..]) == 0
        {
            self.at += 1;
        }
        self.at - start
    }

    /// Past a string or character literal opening here.
    fn quoted(&mut self, quote: u8) {
        self.at += 1;
        while let Some(b) = self.peek() {
            self.at += 1;
            match b {
                b'\\' => self.at += 1,
                b if b == quote => break,
                _ => {}
            }
        }
        self.at = self.at.min(self.text.len());
    }

    /// Past a raw string (`r"…"`, `r#"…"#`) if one opens here.
    fn raw_string(&mut self) -> bool {
        let hashes = self.text[self.at + 1..]
            .iter()
            .take_while(|&&b| b == b'#')
            .count();
        let open = self.at + 1 + hashes;
        if self.text.get(open) != Some(&b'"') {
            return false;
        }
        let mut closing = vec![b'"'];
        closing.extend(std::iter::repeat_n(b'#', hashes));
        self.at = self.text[open + 1..]
            .windows(closing.len())
            .position(|w| w == closing.as_slice())
            .map_or(self.text.len(), |p| open + 1 + p + closing.len());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::line_column;

    #[test]
    fn fields_items_and_variants_are_found_where_written() {
        let source = "// a comment with (brackets\nFile(\n    name: \"x)\", /* (nested /* */) */\n    cases: [\n        One(\"a\", [Fires(\"b\"), Scheduled(id: \"c\", months: (1, 2))]),\n        r#\"raw \" ]\"#,\n    ],\n)\n";
        let root = locate(source);
        assert_eq!(&source[root.start..root.start + 5], "File(");
        assert_eq!(root.end, source.trim_end().len());
        let cases = root.field("cases").expect("cases");
        assert_eq!(cases.items.len(), 2);
        let one = cases.item(0).expect("first case");
        assert_eq!(line_column(source, one.start), (5, 9));
        let expectations = one.item(1).expect("its list");
        let scheduled = expectations.item(1).expect("second expectation");
        assert_eq!(
            scheduled.text(source),
            "Scheduled(id: \"c\", months: (1, 2))"
        );
        let id = scheduled.field("id").expect("id");
        assert_eq!(&source[id.start..id.end], "\"c\"");
        assert_eq!(scheduled.field("months").expect("months").items.len(), 2);
        assert_eq!(cases.item(1).expect("raw").text(source), "r#\"raw \" ]\"#");
    }

    #[test]
    fn map_keys_raw_identifiers_attributes_and_unicode_spaces_are_read() {
        let source = "#![enable(implicit_some)]\nr#Decisions(\u{2028}r#strategies: {\"a\": (notes: \"x\"), r\"b\"\u{85}: ()},\n)";
        let root = locate(source);
        assert!(source[root.start..].starts_with("r#Decisions("));
        let map = root.field("strategies").expect("a raw field name");
        assert_eq!(map.keys.len(), 2);
        assert_eq!(&source[map.keys[1].start..map.keys[1].end], "r\"b\"");
        assert_eq!(
            map.items[0].field("notes").expect("notes").text(source),
            "\"x\""
        );
    }

    #[test]
    fn any_text_is_read_without_failing() {
        for source in [
            "",
            "(",
            ")",
            "[a: ]]]",
            "x(((((",
            "\"open",
            "r#\"open",
            "{a: 1, \"b\": [2], 3}",
            "/* open",
        ] {
            let root = locate(source);
            assert!(root.end <= source.len(), "{source:?}");
        }
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(locate(&deep).end, deep.len());
    }
}
