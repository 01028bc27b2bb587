//! Diagnostics: what went wrong in a user's file, where, and what to do.
//!
//! A [`Diagnostic`] carries the file, an optional line and column, the
//! offending line of source, a message and an optional hint. It renders like
//! a compiler error, with a caret under the position. Its [`ErrorKind`]
//! says which layer the problem is in, for callers that answer differently
//! by kind (the studio's status codes, batch's report). This module does not
//! decide what is an error; the loaders do.

use std::fmt;
use std::path::{Path, PathBuf};

/// Whether a problem stops the run or only deserves attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; does not fail the run.
    Warning,
    /// Fails the run.
    Error,
}

/// Which layer a problem is in: what a caller matches on, never the
/// message's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A district file or a change to one (`--set`, a scenario, `--vary`):
    /// not RON, an unknown field, a value out of range.
    District,
    /// The team's decisions in a district file: an id the rule base lacks,
    /// an entry named twice.
    Decisions,
    /// The rule base: its files, their checks, a rule that fails to evaluate.
    RuleBase,
    /// Templates and the documents they make: reading, parsing, rendering,
    /// a Word reference document.
    Template,
    /// A CDE table `elplan import` reads.
    Import,
    /// A rule test's expectation files (`elplan test`).
    Expectations,
    /// A file or folder that cannot be read or written: missing, a
    /// directory, a device, not UTF-8 text, empty.
    Io,
    /// Input over one of elplan's size limits ([`crate::limits`]).
    Limit,
    /// Something already there: a file not to overwrite, an id another
    /// district has, an output that is one of the run's inputs.
    Conflict,
    /// What a command was asked names nothing: an id to explain, a
    /// `--reference` district, no district files among the inputs, an id
    /// `elplan new` cannot take.
    Argument,
    /// A PDF could not be printed: no Chromium, or Chromium failed.
    Printing,
    /// Made by [`Diagnostic::new`], in code every layer shares (reading a
    /// file, parsing RON), whose kind the layer's boundary gives
    /// ([`Diagnostic::in_layer`]).
    Unclassified,
}

/// One problem found in a user-supplied file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Which layer the problem is in.
    #[serde(skip)]
    pub kind: ErrorKind,
    /// Error or warning.
    pub severity: Severity,
    /// The file the problem is in.
    pub file: PathBuf,
    /// 1-based line and column, when known.
    pub position: Option<(usize, usize)>,
    /// The source line at `position`, when known.
    pub source_line: Option<Box<str>>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is a clear way.
    pub hint: Option<Box<str>>,
}

impl Diagnostic {
    /// An error of `kind` in `file`, not yet placed at a line.
    pub fn of(kind: ErrorKind, file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            kind,
            severity: Severity::Error,
            file: file.to_path_buf(),
            position: None,
            source_line: None,
            message: message.into(),
            hint: None,
        }
    }

    /// An error in `file` whose kind its layer gives later
    /// ([`Diagnostic::in_layer`]); [`Diagnostic::of`] names it at once.
    pub fn new(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic::of(ErrorKind::Unclassified, file, message)
    }

    /// The same problem, of `kind` unless it already has one: a layer's
    /// boundary classifies what its inside left open, and keeps what a
    /// lower layer said (a rule file that cannot be read stays [`ErrorKind::Io`]).
    pub fn in_layer(mut self, kind: ErrorKind) -> Self {
        if self.kind == ErrorKind::Unclassified {
            self.kind = kind;
        }
        self
    }

    /// Attaches a 1-based position and the matching line of `source`.
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Self {
        if line == 0 {
            return self;
        }
        self.position = Some((line, column.max(1)));
        self.source_line = source.lines().nth(line - 1).map(for_terminal);
        self
    }

    /// Attaches a 1-based line and column, with that line of the text
    /// `lines` indexes: the same as [`Diagnostic::at`], without scanning the
    /// text again for every problem.
    pub fn at_indexed(self, lines: &LineIndex<'_>, line: usize, column: usize) -> Self {
        self.at(lines.line(line), 1, column).moved_to(line)
    }

    fn moved_to(mut self, line: usize) -> Self {
        if let Some((_, column)) = self.position {
            self.position = Some((line, column));
        }
        self
    }

    /// Attaches the position of a byte offset in `source`.
    pub fn at_offset(self, source: &str, offset: usize) -> Self {
        let (line, column) = line_column(source, offset);
        self.at(source, line, column)
    }

    /// Attaches a place kept from when the file was read.
    pub fn at_place(mut self, place: &Place) -> Self {
        self.position = Some((place.line.max(1), place.column.max(1)));
        self.source_line = Some(for_terminal(&place.text));
        self
    }

    /// The same problem as a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into().into_boxed_str());
        self
    }

    /// Adds a hint when there is one.
    pub fn with_optional_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint.map(String::into_boxed_str);
        self
    }
}

/// A source line as a terminal is shown it: control characters (a NUL in a
/// binary file) are not sent to a terminal.
fn for_terminal(line: &str) -> Box<str> {
    line.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect::<String>()
        .into_boxed_str()
}

/// A position in a file with the text of its line: kept when a file is
/// read, for a diagnostic made later without the file at hand (a team
/// decision about an id the rule base lacks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The line's text.
    pub text: Box<str>,
}

impl Place {
    /// The place of byte `offset` in `source`.
    pub fn of(source: &str, offset: usize) -> Place {
        let mut offset = offset.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &source[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[offset..]
            .find('\n')
            .map_or(source.len(), |i| offset + i);
        Place {
            line: before.matches('\n').count() + 1,
            column: source[line_start..offset].chars().count() + 1,
            text: source[line_start..line_end].trim_end_matches('\r').into(),
        }
    }

    /// `file:line:column`, as a diagnostic shows a place.
    pub fn shown(&self, file: &Path) -> String {
        format!("{}:{}:{}", file.display(), self.line, self.column)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        match self.position {
            Some((line, column)) => {
                writeln!(f, "  --> {}:{line}:{column}", self.file.display())?;
                if let Some(text) = &self.source_line {
                    let gutter = line.to_string().len();
                    let pad = " ".repeat(gutter);
                    let (text, column) = window(text, column);
                    let caret_pad: String = text
                        .chars()
                        .take(column.saturating_sub(1))
                        .map(|c| if c == '\t' { '\t' } else { ' ' })
                        .collect();
                    writeln!(f, "{pad} |")?;
                    writeln!(f, "{line} | {text}")?;
                    writeln!(f, "{pad} | {caret_pad}^")?;
                }
            }
            None => writeln!(f, "  --> {}", self.file.display())?,
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// The widest source line a diagnostic shows whole.
const SHOWN_LINE: usize = 200;

/// A long source line cut to [`SHOWN_LINE`] characters around `column`
/// (1-based), with "…" where it was cut, and the column within the cut.
fn window(text: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= SHOWN_LINE {
        return (text.to_string(), column);
    }
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(SHOWN_LINE / 2);
    let end = (start + SHOWN_LINE).min(chars.len());
    let start = end.saturating_sub(SHOWN_LINE);
    let mut shown = String::new();
    let mut column = at - start + 1;
    if start > 0 {
        shown.push('…');
        column += 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, column)
}

/// Where each line of a text starts, found once: looking up a line is then
/// a jump, not a scan from the start (thousands of problems in a large file
/// were quadratic).
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// Line `n` (1-based) without its line ending; empty past the end.
    pub fn line(&self, n: usize) -> &'a str {
        let Some(&start) = n.checked_sub(1).and_then(|i| self.starts.get(i)) else {
            return "";
        };
        let end = self.starts.get(n).map_or(self.text.len(), |&e| e - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

/// The 1-based line and column (in characters) of a byte offset in
/// `source`; an offset past the end is the end.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Several diagnostics from one file or one run, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl Diagnostics {
    /// Every problem, of `kind` unless it already has one
    /// ([`Diagnostic::in_layer`]).
    pub fn in_layer(self, kind: ErrorKind) -> Self {
        Diagnostics(self.0.into_iter().map(|d| d.in_layer(kind)).collect())
    }

    /// The kind of the first problem: what stopped the run.
    pub fn kind(&self) -> Option<ErrorKind> {
        self.0.first().map(|d| d.kind)
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

/// A long list shown short: the first `shown` items, then how many more
/// (`a, b, c and 7,997 more`), so one message stays one readable line.
pub fn fold(items: &[impl AsRef<str>], shown: usize) -> String {
    let mut out = items
        .iter()
        .take(shown)
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(", ");
    let more = items.len().saturating_sub(shown);
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out
}

/// The candidate closest to `wanted`, if it is close enough to be a likely typo.
pub fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(wanted, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// "did you mean `x`?" for the nearest candidate, if any.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    nearest(wanted, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_lists_are_folded() {
        let many: Vec<String> = (0..8000).map(|i| format!("x{i}")).collect();
        assert_eq!(super::fold(&many, 3), "x0, x1, x2 and 7997 more");
        assert_eq!(super::fold(&many[..2], 3), "x0, x1");
    }

    use super::*;

    #[test]
    fn nearest_finds_a_typo_and_ignores_strangers() {
        let names = ["el_share", "ever_el_share", "frpm_share"];
        assert_eq!(nearest("el_shar", names), Some("el_share"));
        assert_eq!(nearest("frpm", names), Some("frpm_share"));
        assert_eq!(nearest("zzz", names), None);
    }

    #[test]
    fn a_long_line_is_cut_around_the_caret() {
        let source = format!("{}bad{}\n", "x".repeat(500), "y".repeat(500));
        let d = Diagnostic::new(Path::new("x.ron"), "oops").at(&source, 1, 501);
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert!(
            lines[3].starts_with("1 | …x") && lines[3].ends_with("y…"),
            "{shown}"
        );
        assert!(lines[3].chars().count() < SHOWN_LINE + 10);
        let caret = lines[4].chars().count() - 1;
        assert_eq!(lines[3].chars().nth(caret), Some('b'), "{shown}");
    }

    #[test]
    fn an_indexed_line_is_the_line_a_scan_finds() {
        let text = "first\nsecond\r\n\nfourth";
        let index = LineIndex::new(text);
        for n in 1..=4 {
            assert_eq!(
                index.line(n),
                text.lines().nth(n - 1).unwrap_or(""),
                "line {n}"
            );
        }
        assert_eq!(index.line(0), "");
        assert_eq!(index.line(9), "");
        let scanned = Diagnostic::new(Path::new("x"), "m").at(text, 2, 3);
        let indexed = Diagnostic::new(Path::new("x"), "m").at_indexed(&index, 2, 3);
        assert_eq!(scanned.to_string(), indexed.to_string());
    }

    #[test]
    fn a_line_and_column_count_characters() {
        let source = "ab\nçd: x";
        assert_eq!(line_column(source, source.find('x').expect("x")), (2, 5));
        assert_eq!(line_column(source, 0), (1, 1));
        assert_eq!(line_column(source, 999), (2, 6));
    }

    #[test]
    fn renders_a_caret_under_the_column() {
        let source = "a\n  bad: 1,\n";
        let d = Diagnostic::new(Path::new("x.ron"), "oops")
            .at(source, 2, 3)
            .with_hint("fix it");
        assert_eq!(
            d.to_string(),
            "error: oops\n  --> x.ron:2:3\n  |\n2 |   bad: 1,\n  |   ^\n  = hint: fix it\n"
        );
    }
}

#[cfg(test)]
mod kinds {
    use super::*;

    #[test]
    fn a_layer_classifies_only_what_its_inside_left_open() {
        let open = Diagnostic::new(Path::new("rules"), "x");
        assert_eq!(open.kind, ErrorKind::Unclassified);
        assert_eq!(open.in_layer(ErrorKind::RuleBase).kind, ErrorKind::RuleBase);
        let unreadable = Diagnostic::of(ErrorKind::Io, Path::new("rules/areas.ron"), "x");
        assert_eq!(unreadable.in_layer(ErrorKind::RuleBase).kind, ErrorKind::Io);
    }
}
