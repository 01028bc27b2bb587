//! Reading user files: size limits, UTF-8, and RON parsing with diagnostics.
//!
//! Every RON file elplan reads (districts, rule files, scenarios) goes
//! through [`parse_ron`], so every syntax or shape error is reported the same
//! way: file, line, column, the line itself and a "did you mean" hint.

use std::path::Path;

use ron::extensions::Extensions;
use ron::Options;
use serde::de::DeserializeOwned;

use crate::diagnostic::{did_you_mean, Diagnostic, ErrorKind};
pub use crate::ron_keys::find_key;
use ErrorKind::{Io, Limit};

/// The key written just before a position (`enrollment` in
/// `enrollment: "many"`), to name the field a type error is about.
fn field_before(source: &str, line: usize, column: usize) -> Option<&str> {
    let text = source.lines().nth(line.checked_sub(1)?)?;
    let end = text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    // A sign is part of the value (`enrollment: -3` is reported after it).
    let before = text[..end]
        .trim_end()
        .trim_end_matches(['-', '+'])
        .trim_end()
        .strip_suffix(':')?
        .trim_end();
    // The key is the run of identifier characters just before the colon.
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let key = &before[start..];
    (!key.is_empty()).then_some(key)
}

/// Reads a UTF-8 text file of at most `limit` bytes.
pub fn read_text(path: &Path, limit: usize) -> Result<String, Diagnostic> {
    text_from_bytes(path, read_bounded(path, limit, "files")?)
}

/// A regular file's bytes, at most `limit` of them: reading stops at one
/// byte past the limit, whatever the file claims to be. A directory, a
/// device or a FIFO is not read (a FIFO without a writer would wait for
/// ever); standard input is read with `-`.
pub fn read_bounded(path: &Path, limit: usize, kind: &str) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    let fail = |e: std::io::Error| Diagnostic::of(Io, path, format!("cannot read the file: {e}"));
    let metadata = std::fs::metadata(path).map_err(fail)?;
    if metadata.is_dir() {
        return Err(Diagnostic::of(Io, path, "is a directory, not a file"));
    }
    if !metadata.is_file() {
        return Err(Diagnostic::of(Io, path, "is not a regular file but a device, FIFO or socket: elplan reads only files")
            .with_hint("save it as a file, or pipe it to standard input and give `-` where a district file is read"));
    }
    let too_big = |size: String| {
        Diagnostic::of(
            Limit,
            path,
            format!("the file is {size} bytes; elplan reads {kind} of at most {limit} bytes"),
        )
    };
    if metadata.len() > limit as u64 {
        return Err(too_big(metadata.len().to_string()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit as u64 + 1).read_to_end(&mut bytes))
        .map_err(fail)?;
    if bytes.len() > limit {
        return Err(too_big(format!("over {limit}")));
    }
    Ok(bytes)
}

/// Turns bytes into text, dropping a UTF-8 byte-order mark.
pub fn text_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(text)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            Err(Diagnostic::of(Io, path, "the file is not UTF-8 text")
                .at_offset(&valid, offset)
                .with_hint("save the file as UTF-8"))
        }
    }
}

/// The RON options elplan reads with: `implicit_some`, so `Some(x)` and `x` both work.
pub fn ron_options() -> Options {
    Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// Parses RON into `T`, reporting errors with position and hint. A syntax
/// error's kind is left to the caller, which knows what the file is
/// ([`Diagnostic::in_layer`]); an empty file is [`ErrorKind::Io`].
pub fn parse_ron<T: DeserializeOwned>(path: &Path, source: &str) -> Result<T, Diagnostic> {
    if source.trim().is_empty() {
        return Err(Diagnostic::of(Io, path, "the file is empty"));
    }
    // Old Mac files end lines with a carriage return alone; RON reads it as
    // nothing at all. Read such a file as if its lines ended in newlines.
    if source.contains('\r') && !source.contains('\n') {
        let unix = source.replace('\r', "\n");
        return ron_options()
            .from_str(&unix)
            .map_err(|e| ron_diagnostic(path, &unix, &e));
    }
    ron_options()
        .from_str(source)
        .map_err(|e| ron_diagnostic(path, source, &e))
}

/// A hint for the mistakes people make most when they write RON by hand or
/// paste it from elsewhere, read off the line an error is on.
fn common_mistake(line: &str) -> Option<&'static str> {
    let bytes = line.as_bytes();
    let thousands = (1..bytes.len().saturating_sub(3)).any(|i| {
        bytes[i] == b','
            && bytes[i - 1].is_ascii_digit()
            && bytes[i + 1..i + 4].iter().all(u8::is_ascii_digit)
            && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit())
    });
    let code = line.split("//").next().unwrap_or_default();
    if line.contains(['\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}']) {
        Some("use straight quotes (\") for text: curly quotes (“ ”), as a word processor makes them, are not RON")
    } else if thousands {
        Some("write numbers without thousands separators: 18450, not 18,450")
    } else if code.trim_start().starts_with('#') {
        Some("comments in RON start with //, not #")
    } else if code.contains("True") || code.contains("False") {
        Some("write true and false in lower case")
    } else if code.contains('%') {
        Some("write shares as fractions: 0.71 for 71 %, without a % sign")
    } else {
        None
    }
}

/// The hint for a RON error whose text is `line`: the nearest valid name,
/// or the common mistake the line shows.
pub(crate) fn ron_hint(code: &ron::error::Error, line: &str) -> Option<String> {
    use ron::error::Error as E;
    match code {
        E::NoSuchStructField {
            expected, found, ..
        }
        | E::NoSuchEnumVariant {
            expected, found, ..
        } => Some(
            did_you_mean(found, expected.iter().copied())
                .unwrap_or_else(|| format!("expected one of: {}", expected.join(", "))),
        ),
        E::MissingStructField { field, .. } => Some(format!("add `{field}: …`")),
        _ => common_mistake(line).map(str::to_string),
    }
}

fn ron_diagnostic(path: &Path, source: &str, error: &ron::error::SpannedError) -> Diagnostic {
    use ron::error::Error as E;
    let line = source
        .lines()
        .nth(error.span.start.line.saturating_sub(1))
        .unwrap_or_default();
    let hint = ron_hint(&error.code, line);
    let start = error.span.start;
    let message = match (&error.code, field_before(source, start.line, start.col)) {
        (
            E::NoSuchStructField { .. }
            | E::NoSuchEnumVariant { .. }
            | E::MissingStructField { .. },
            _,
        )
        | (_, None) => error.code.to_string(),
        (code, Some(field)) => format!("{field}: {code}"),
    };
    Diagnostic::new(path, message)
        .at(source, start.line, start.col)
        .with_optional_hint(hint)
}

/// The offset of `needle` in `source` at or after the start of 1-based
/// `line` (a rule's first line), for pointing at it in a diagnostic.
pub fn find_after_line(source: &str, line: usize, needle: &str) -> Option<usize> {
    let start: usize = source
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    source
        .get(start..)?
        .find(needle)
        .map(|offset| start + offset)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_in_comments_and_literals_are_passed_over() {
        let text = "// el_share: 1\n/* a /* el_share: 2 */ el_share: 3 */ name: \"el_share: 4\", x: r#\"el_share: 5\"#, c: '\"', el_share: 6";
        let at = super::find_key(text, 0, "el_share").expect("the key");
        assert_eq!(&text[at..], "el_share: 6");
        assert_eq!(
            super::find_key("ever_el_share: 1, el_share: 2", 0, "el_share"),
            Some(18)
        );
        assert_eq!(super::find_key("// el_share: 1", 0, "el_share"), None);
    }
}
