//! Keys and rule lines in RON text, found without parsing it: where a
//! field is written (for a diagnostic's caret) and on which line each rule
//! of a file stands. Nothing here depends on the rest of the crate, so the
//! build script reads the embedded rule base with the same code
//! (`build.rs`).

/// Offset of `name:` as a key at or after `from` (a place in the code, not
/// inside a comment or string): keys written in `//` and `/* */` comments
/// and in string literals are passed over, so a caret never lands on them.
pub fn find_key(source: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let key = name.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || !b.is_ascii();
    // The next place the key could be, and the next comment or literal that
    // could hide one: each found again only once passed, so the search
    // stays linear in the text.
    let find = |i: usize| source.get(i..)?.find(name).map(|at| i + at);
    let special = |i: usize| {
        bytes
            .get(i..)?
            .iter()
            .position(|&b| matches!(b, b'/' | b'"' | b'\''))
            .map(|at| i + at)
    };
    let mut candidate = find(from);
    let mut next_special = special(from);
    loop {
        let at = candidate?;
        match next_special {
            Some(sp) if sp < at => {
                let i = match (bytes[sp], bytes.get(sp + 1)) {
                    (b'/', Some(b'/')) => memchr_from(bytes, sp, b'\n'),
                    (b'/', Some(b'*')) => skip_block_comment(bytes, sp),
                    (b'/', _) => sp + 1,
                    _ => {
                        // A raw string opens with `r` and hashes before its quote.
                        let hashes = bytes[..sp].iter().rev().take_while(|&&b| b == b'#').count();
                        let start = sp - hashes;
                        if start > 0
                            && bytes[start - 1] == b'r'
                            && (start == 1 || !ident(bytes[start - 2]))
                        {
                            skip_raw_string(bytes, start - 1).unwrap_or(sp + 1)
                        } else {
                            skip_quoted(bytes, sp)
                        }
                    }
                };
                next_special = special(i);
                if at < i {
                    candidate = find(i);
                }
            }
            _ => {
                let after = &bytes[at + key.len()..];
                let gap = after.iter().take_while(|b| b.is_ascii_whitespace()).count();
                if (at == 0 || !ident(bytes[at - 1]))
                    && after.get(gap) == Some(&b':')
                    && after.get(gap + 1) != Some(&b':')
                {
                    return Some(at);
                }
                candidate = find(at + 1);
            }
        }
    }
}

/// The offset of the next `byte` at or after `from`, or the end.
fn memchr_from(bytes: &[u8], from: usize, byte: u8) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == byte)
        .map_or(bytes.len(), |p| from + p)
}

/// The offset after a `/* … */` comment starting at `from` (RON nests them).
fn skip_block_comment(bytes: &[u8], from: usize) -> usize {
    let (mut depth, mut i) = (0usize, from);
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The offset after a string or character literal opening at `from`.
fn skip_quoted(bytes: &[u8], from: usize) -> usize {
    let quote = bytes[from];
    let mut i = from + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            b'\n' if quote == b'\'' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The offset after a raw string (`r"…"`, `r#"…"#`) opening at `from`, if
/// one opens there.
fn skip_raw_string(bytes: &[u8], from: usize) -> Option<usize> {
    let hashes = bytes[from + 1..].iter().take_while(|&&b| b == b'#').count();
    let open = from + 1 + hashes;
    if bytes.get(open) != Some(&b'"') {
        return None;
    }
    let mut i = open + 1;
    while i < bytes.len() {
        if bytes[i] == b'"'
            && bytes[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&b| b == b'#')
                .count()
                == hashes
        {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
    Some(bytes.len())
}

/// Finds where each rule of a file is written: the line of its `id`, in
/// file order, so two rules with the same id get their own lines.
pub struct RuleLines<'a> {
    source: &'a str,
    /// Where the search goes on, and the line of that offset (1-based):
    /// lines are counted once, not from the start for every rule.
    from: usize,
    line_at_from: usize,
}

impl<'a> RuleLines<'a> {
    pub fn new(source: &'a str) -> Self {
        RuleLines {
            source,
            from: 0,
            line_at_from: 1,
        }
    }

    /// The line of the next rule whose `id` is `id`, 1-based; 0 when not found.
    pub fn next(&mut self, id: &str) -> usize {
        let quoted = format!("\"{id}\"");
        let mut offset = self.from;
        while let Some(key) = find_key(self.source, offset, "id") {
            let value = self.source[key..]
                .split_once(':')
                .map_or("", |(_, v)| v.trim_start());
            if value.starts_with(&quoted) {
                let line = self.line_at_from + self.source[self.from..key].matches('\n').count();
                // Past this key, which holds no newline: `line` stays right.
                self.line_at_from = line;
                self.from = key + 2;
                return line;
            }
            offset = key + 2;
        }
        0
    }
}
