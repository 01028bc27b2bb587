//! Writing a set of changes into a district file's own text, keeping every
//! comment, blank line, line ending and layout choice of the person who
//! wrote it.
//!
//! Each change touches only the bytes of what changed: a value replaced in
//! place; in a list (home languages, the improvement team) only the items
//! added, removed or changed, and in a changed record only its changed
//! fields; a field inserted into its section (or the section into the
//! district); a field set back to unknown removed, its comments left in its
//! place. The result is then read back: unless it reads as exactly the
//! district the changes describe, nothing is returned, so a layout this
//! module does not understand can cost a save, never a user's data. Where
//! the text is is found by [`crate::ron_text`].

use std::path::Path;

use crate::district::District;
use crate::overrides::{self, Override};
use crate::ron_text::{
    bracket_of, comments_in, content_end, entries, indentation, inner_indentation, line_end,
    line_ending, line_start, matching, root_open, same, Entry,
};

/// `source` (the text of `file`, which reads as `original`) with `changes`
/// written into it; an error in words when the changes cannot be written
/// so that the text reads back as the changed district.
pub fn write_changes(
    file: &Path,
    source: &str,
    original: &District,
    changes: &[Override],
) -> Result<String, String> {
    // An old Mac file ends its lines with a carriage return alone: edited
    // as if they were line feeds (as it is read), and given back as it was.
    if source.contains('\r') && !source.contains('\n') {
        let unix = source.replace('\r', "\n");
        return write_changes(file, &unix, original, changes).map(|t| t.replace('\n', "\r"));
    }
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

/// `district` written afresh, as people write a district file: sections
/// in brackets, `Some` left implicit, defaults the loader fills in left out.
/// For a new file when the old one's layout cannot take a change.
pub fn district_text(district: &District) -> String {
    let config = ron::ser::PrettyConfig::new()
        .indentor("    ".to_string())
        .struct_names(false)
        .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    let mut district = district.clone();
    if district.grades == district.kind.default_grades() {
        district.grades = None;
    }
    if district.resources.horizon_years == Some(crate::district::DEFAULT_HORIZON_YEARS) {
        district.resources.horizon_years = None;
    }
    // Serializing a district cannot fail: it has no maps with non-string keys.
    let body = ron::ser::to_string_pretty(&district, config).unwrap_or_default();
    // Nested sections are bare tuples, as people write them; the file is a `District(…)`.
    match body.find("\n(") {
        Some(at) => format!("{}\nDistrict({}", &body[..at], &body[at + 2..]),
        None => format!("District{body}"),
    }
}

/// `district` written afresh ([`district_text`]) under a comment saying
/// `note` (made one line), read back as the district before it is returned.
pub fn write_afresh(file: &Path, district: &District, note: &str) -> Result<String, String> {
    let text = format!(
        "// {}\n{}\n",
        crate::ron_text::comment_text(note),
        district_text(district)
    );
    let mut read_back = District::parse(file, &text)
        .map_err(|d| format!("the new file would not read back ({d}); nothing was saved"))?;
    read_back.fill_defaults();
    let mut want = district.clone();
    want.fill_defaults();
    if read_back != want {
        return Err(
            "the district cannot be written afresh as it is; nothing was saved".to_string(),
        );
    }
    Ok(text)
}

/// A change to the text: the bytes from `start` to `end` become `text`
/// (an insertion where they are equal).
#[derive(Debug)]
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

impl Edit {
    fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit {
            start: at,
            end: at,
            text: text.into(),
        }
    }
}

/// `source` with `edits` made; `None` if two of them overlap.
fn apply_edits(source: &str, mut edits: Vec<Edit>) -> Option<String> {
    // Insertions go before a replacement starting at the same place.
    edits.sort_by_key(|e| (e.start, e.end > e.start));
    let mut out = String::with_capacity(source.len() + 64);
    let mut at = 0;
    for edit in edits {
        if edit.start < at || edit.end < edit.start {
            return None;
        }
        out.push_str(&source[at..edit.start]);
        out.push_str(&edit.text);
        at = edit.end;
    }
    out.push_str(&source[at..]);
    Some(out)
}

/// One change written into `source`.
fn write_one(source: &str, district: &District, change: &Override) -> Result<String, String> {
    let unknown = change.value.trim() == "None";
    let value = change.value.trim();
    let (parents, key) = text_path(district, change)?;
    let layout =
        || "the file's layout around this change is not one elplan can write into".to_string();
    let edits = match section(source, &parents) {
        None if unknown => return Ok(source.to_string()),
        None => {
            // The section itself is missing: add it to the district with the field.
            let (name, outer) = parents
                .split_last()
                .ok_or("the district file has no `District( … )`")?;
            let (open, close) = section(source, outer)
                .and_then(|s| s.record)
                .ok_or("cannot find the enclosing section")?;
            let nested = match &name.new_entry {
                Some(year) => format!("{}: [(year: \"{year}\", {key}: {value})]", name.name),
                None => format!("{}: ({key}: {value})", name.name),
            };
            insert_field(source, open, close, &nested)
        }
        Some(Section {
            list: Some((open, close, before)),
            ..
        }) => {
            if unknown {
                return Ok(source.to_string());
            }
            // A history year the file lacks: a new entry in the list.
            let Some(year) = parents.last().and_then(|p| p.new_entry.as_ref()) else {
                return Err(layout());
            };
            let items = entries(source, open, close, false).ok_or_else(layout)?;
            let text = format!("(year: \"{year}\", {key}: {value})");
            let edits = match before.and_then(|i| items.get(i)) {
                Some(item) => vec![insert_before(source, open, close, item, &[text])],
                None => insert_at_end(source, open, close, &items, &[], &[text]),
            };
            edits
        }
        Some(Section {
            record: Some((open, close)),
            ..
        }) => match find_field(source, open, close, key) {
            Some(field) if unknown => vec![remove_field(source, &field)],
            Some(field) => {
                let mut edits = Vec::new();
                edit_value(source, field.start, field.end, value, &mut edits);
                edits
            }
            None if unknown => return Ok(source.to_string()),
            None => insert_field(source, open, close, &format!("{key}: {value}")),
        },
        Some(_) => return Err(layout()),
    };
    apply_edits(source, edits).ok_or_else(layout)
}

/// Edits that make the value at `start..end` read as `new`, touching only
/// what differs: a list item by item, a record field by field, anything
/// else whole (its comments kept before it).
fn edit_value(source: &str, start: usize, end: usize, new: &str, edits: &mut Vec<Edit>) {
    if same(&source[start..end], new) {
        return;
    }
    let brackets = bracket_of(source, start).zip(bracket_of(new, 0));
    if let Some((open, new_open)) = brackets {
        let closes = matching(source, open).zip(matching(new, new_open));
        if let Some((close, new_close)) = closes {
            let kind = source.as_bytes()[open];
            if close < end && kind == new.as_bytes()[new_open] {
                let old = (open, close);
                let fresh = (new, new_open, new_close);
                let mut inner = Vec::new();
                let written = match kind {
                    b'[' => edit_list(source, old, fresh, &mut inner),
                    _ => edit_record(source, old, fresh, &mut inner),
                };
                if written.is_some() {
                    edits.extend(inner);
                    return;
                }
            }
        }
    }
    edits.push(Edit {
        start,
        end,
        text: with_comments(source, start, end, new),
    });
}

/// `new`, preceded by the comments of the text it replaces at
/// `start..end`, so that none is lost.
fn with_comments(source: &str, start: usize, end: usize, new: &str) -> String {
    let mut out = kept_comments(source, start, end, false);
    out.push_str(new);
    out
}

/// The comments in `start..end`, to stand where that text was: each on a
/// line of its own (`own_lines`), or one after another, a `//` comment
/// ending its line.
fn kept_comments(source: &str, start: usize, end: usize, own_lines: bool) -> String {
    let eol = line_ending(source, start);
    let indent = indentation(source, start);
    comments_in(source, start, end)
        .into_iter()
        .map(|c| {
            if own_lines {
                format!("{indent}{c}{eol}")
            } else if c.starts_with("//") {
                format!("{c}{eol}{indent}")
            } else {
                format!("{c} ")
            }
        })
        .collect()
}

/// What to do with each item of a list to make it another: keep it, change
/// it into an item of the new list, remove it, or insert a new one.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Keep,
    Change(usize, usize),
    Remove(usize),
    Insert(usize),
}

/// The steps from the items `old` to the items `new` (their texts without
/// layout): the longest run of items both share is kept, and between kept
/// items, old ones are changed into new ones in turn, the rest removed or
/// inserted.
fn align(old: &[String], new: &[String]) -> Vec<Step> {
    let (n, m) = (old.len(), new.len());
    // The longest common subsequence, by dynamic programming: lists in a
    // district file are short; a huge one keeps only its common ends.
    let mut kept: Vec<(usize, usize)> = Vec::new();
    if n.saturating_mul(m) <= 250_000 {
        let mut table = vec![0u32; (n + 1) * (m + 1)];
        let at = |i: usize, j: usize| i * (m + 1) + j;
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                table[at(i, j)] = if old[i] == new[j] {
                    table[at(i + 1, j + 1)] + 1
                } else {
                    table[at(i + 1, j)].max(table[at(i, j + 1)])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n && j < m {
            if old[i] == new[j] {
                kept.push((i, j));
                i += 1;
                j += 1;
            } else if table[at(i + 1, j)] >= table[at(i, j + 1)] {
                i += 1;
            } else {
                j += 1;
            }
        }
    } else {
        let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let suffix = old[prefix..]
            .iter()
            .rev()
            .zip(new[prefix..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        kept.extend((0..prefix).map(|k| (k, k)));
        kept.extend((0..suffix).rev().map(|k| (n - 1 - k, m - 1 - k)));
    }
    let mut steps = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (0, 0);
    for (ki, kj) in kept.into_iter().chain([(n, m)]) {
        let (removed, inserted) = (ki - i, kj - j);
        let changed = removed.min(inserted);
        steps.extend((0..changed).map(|k| Step::Change(i + k, j + k)));
        steps.extend((changed..removed).map(|k| Step::Remove(i + k)));
        steps.extend((changed..inserted).map(|k| Step::Insert(j + k)));
        if ki < n {
            steps.push(Step::Keep);
        }
        (i, j) = (ki + 1, kj + 1);
    }
    steps
}

/// The list at `old` (its brackets) made the list `new` (its text and
/// brackets) item by item: items kept keep their bytes and comments.
fn edit_list(
    source: &str,
    (open, close): (usize, usize),
    (new, new_open, new_close): (&str, usize, usize),
    edits: &mut Vec<Edit>,
) -> Option<()> {
    let items = entries(source, open, close, false)?;
    let fresh = entries(new, new_open, new_close, false)?;
    let text = |e: &Entry| crate::ron_text::bare(&source[e.start..e.end]);
    let new_text = |e: &Entry| crate::ron_text::bare(&new[e.start..e.end]);
    let steps = align(
        &items.iter().map(text).collect::<Vec<_>>(),
        &fresh.iter().map(new_text).collect::<Vec<_>>(),
    );
    let removed: Vec<bool> = {
        let mut removed = vec![false; items.len()];
        for step in &steps {
            if let Step::Remove(i) = step {
                removed[*i] = true;
            }
        }
        removed
    };
    let mut waiting: Vec<String> = Vec::new();
    let mut next_old = 0;
    for step in steps {
        let old_index = match step {
            Step::Keep => Some(next_old),
            Step::Change(i, _) | Step::Remove(i) => Some(i),
            Step::Insert(j) => {
                let item = &fresh[j];
                waiting.push(new[item.start..item.end].to_string());
                None
            }
        };
        let Some(i) = old_index else { continue };
        if !waiting.is_empty() {
            edits.push(insert_before(
                source,
                open,
                close,
                &items[i],
                &std::mem::take(&mut waiting),
            ));
        }
        match step {
            Step::Change(i, j) => {
                let (item, to) = (&items[i], &fresh[j]);
                edit_value(source, item.start, item.end, &new[to.start..to.end], edits);
            }
            Step::Remove(i) => edits.push(remove_item(source, &items, i, &removed)),
            _ => {}
        }
        next_old = i + 1;
    }
    if !waiting.is_empty() {
        edits.extend(insert_at_end(
            source, open, close, &items, &removed, &waiting,
        ));
    }
    Some(())
}

/// The record at `old` (its brackets) made the record `new` field by
/// field: a field of both with another value gets it, a field only `new`
/// has takes the place of one only the old record has, or joins the end;
/// an old field `new` lacks is removed.
fn edit_record(
    source: &str,
    (open, close): (usize, usize),
    (new, new_open, new_close): (&str, usize, usize),
    edits: &mut Vec<Edit>,
) -> Option<()> {
    let old = entries(source, open, close, true)?;
    let fresh = entries(new, new_open, new_close, true)?;
    let key = |text: &str, e: &Entry| text[e.key_start..e.key_end].to_string();
    let mut added = Vec::new();
    for field in &fresh {
        let value = &new[field.start..field.end];
        match old.iter().find(|o| key(source, o) == key(new, field)) {
            Some(o) => edit_value(source, o.start, o.end, value, edits),
            None => added.push(format!("{}: {value}", key(new, field))),
        }
    }
    let gone: Vec<&Entry> = old
        .iter()
        .filter(|o| !fresh.iter().any(|f| key(new, f) == key(source, o)))
        .collect();
    let mut added = added.into_iter();
    for field in gone {
        match added.next() {
            Some(text) => edits.push(Edit {
                start: field.key_start,
                end: field.end,
                text: with_comments(source, field.key_start, field.end, &text),
            }),
            None => edits.push(remove_field(source, field)),
        }
    }
    let rest: Vec<String> = added.collect();
    if !rest.is_empty() {
        edits.extend(insert_field(source, open, close, &rest.join(", ")));
    }
    Some(())
}

/// Inserts `texts` as items before `item` of the list at `open..close`:
/// each on a line of its own where the item starts its line.
fn insert_before(source: &str, open: usize, close: usize, item: &Entry, texts: &[String]) -> Edit {
    let start = line_start(source, item.start);
    let own_line = start > open && source[start..item.start].trim().is_empty();
    let multi_line = source[open..close].contains('\n');
    if own_line && multi_line {
        let indent = &source[start..item.start];
        let eol = line_ending(source, item.start);
        let text: String = texts.iter().map(|t| format!("{indent}{t},{eol}")).collect();
        Edit::insert(start, text)
    } else {
        let text: String = texts.iter().map(|t| format!("{t}, ")).collect();
        Edit::insert(item.start, text)
    }
}

/// Inserts `texts` as the last items of the list at `open..close` (whose
/// `items` marked `removed` go): on lines of their own in a list that
/// spans lines, after a comma the last item gets if it has none.
fn insert_at_end(
    source: &str,
    open: usize,
    close: usize,
    items: &[Entry],
    removed: &[bool],
    texts: &[String],
) -> Vec<Edit> {
    let mut edits = Vec::new();
    let last_kept = items
        .iter()
        .enumerate()
        .rev()
        .find(|(i, _)| !removed.get(*i).copied().unwrap_or(false))
        .map(|(_, item)| item);
    if source[open..close].contains('\n') {
        if let Some(item) = last_kept.filter(|item| item.comma.is_none()) {
            edits.push(Edit::insert(item.end, ","));
        }
        let tail = open + 1 + source[open + 1..close].trim_end().len();
        let eol = line_ending(source, close);
        let indent = inner_indentation(source, close, items);
        let text: String = texts.iter().map(|t| format!("{eol}{indent}{t},")).collect();
        edits.push(Edit::insert(tail, text));
    } else {
        let at = content_end(source, open + 1, close);
        let lead = match source.as_bytes()[at - 1] {
            b'[' | b'(' => "",
            b',' => " ",
            _ => ", ",
        };
        edits.push(Edit::insert(at, format!("{lead}{}", texts.join(", "))));
    }
    edits
}

/// Removes item `index` of `items` (the items marked `removed` go too)
/// with its comma; its line when it stood alone on it. A comment beside it
/// stays.
fn remove_item(source: &str, items: &[Entry], index: usize, removed: &[bool]) -> Edit {
    let item = &items[index];
    let mut start = item.start;
    let mut end = item.after();
    let spaces = |from: usize| {
        from + source[from..]
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count()
    };
    if item.comma.is_some() {
        end = spaces(end);
    } else if let Some(before) = index.checked_sub(1).filter(|&b| !removed[b]) {
        // The last item: the comma before it goes with it when only spaces
        // lie between.
        if let Some(comma) = items[before].comma {
            if source[comma + 1..item.start]
                .trim_matches([' ', '\t'])
                .is_empty()
            {
                start = comma;
            }
        }
    }
    let first = line_start(source, start);
    let last = line_end(source, end);
    if source[first..start].trim().is_empty() && source[end..last].trim().is_empty() && first > 0 {
        return Edit {
            start: first,
            end: (last + 1).min(source.len()),
            text: kept_comments(source, start, end, true),
        };
    }
    Edit {
        start,
        end,
        text: kept_comments(source, start, end, false),
    }
}

/// One step of a path into the text: a field name, and for the history
/// the index of an entry (or the year of one to add).
#[derive(Debug, Clone)]
struct PathStep {
    name: String,
    index: Option<usize>,
    new_entry: Option<String>,
}

/// The steps to the section holding the field `change` sets, and the
/// field's name.
fn text_path<'c>(
    district: &District,
    change: &'c Override,
) -> Result<(Vec<PathStep>, &'c str), String> {
    let step = |name: &str| PathStep {
        name: name.to_string(),
        index: None,
        new_entry: None,
    };
    let root = step("");
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

/// Where a path leads in the text: a record's brackets, or for a history
/// year to add, the list's brackets and the entry it goes before.
#[derive(Debug, Clone, Copy, Default)]
struct Section {
    record: Option<(usize, usize)>,
    list: Option<(usize, usize, Option<usize>)>,
}

/// The section `steps` lead to (the district itself for the root step
/// alone).
fn section(source: &str, steps: &[PathStep]) -> Option<Section> {
    let open = root_open(source)?;
    let mut record = (open, matching(source, open)?);
    for step in steps.iter().skip(1) {
        let field = find_field(source, record.0, record.1, &step.name)?;
        let open = bracket_of(source, field.start)?;
        let close = matching(source, open)?;
        let bracket = source.as_bytes()[open];
        if step.new_entry.is_some() {
            return (bracket == b'[').then_some(Section {
                record: None,
                list: Some((open, close, step.index)),
            });
        }
        if let Some(index) = step.index {
            if bracket != b'[' {
                return None;
            }
            let entry = *entries(source, open, close, false)?.get(index)?;
            let at = bracket_of(source, entry.start)?;
            record = (at, matching(source, at)?);
        } else {
            if bracket != b'(' {
                return None;
            }
            record = (open, close);
        }
    }
    Some(Section {
        record: Some(record),
        list: None,
    })
}

/// The field `name` directly inside the record at `open..close`.
fn find_field(source: &str, open: usize, close: usize, name: &str) -> Option<Entry> {
    entries(source, open, close, true)?
        .into_iter()
        .find(|e| &source[e.key_start..e.key_end] == name)
}

/// `field` inserted into the record at `open..close` as its last entry,
/// on a line of its own in the record's indentation when the record spans
/// lines. The comma the last field lacks goes right after its value, not
/// after a comment behind it.
fn insert_field(source: &str, open: usize, close: usize, field: &str) -> Vec<Edit> {
    let last = content_end(source, open + 1, close);
    let tail = open + 1 + source[open + 1..close].trim_end().len();
    let needs_comma = last > open + 1 && source.as_bytes()[last - 1] != b',';
    let mut edits = Vec::new();
    if needs_comma {
        edits.push(Edit::insert(last, ","));
    }
    if source[open + 1..close].contains('\n') {
        let eol = line_ending(source, close);
        let fields = entries(source, open, close, true).unwrap_or_default();
        let indent = inner_indentation(source, close, &fields);
        edits.push(Edit::insert(tail, format!("{eol}{indent}{field},")));
    } else {
        let lead = if tail > open + 1 { " " } else { "" };
        edits.push(Edit::insert(tail, format!("{lead}{field}")));
    }
    edits
}

/// The field `field` removed, with its comma and, when it stood alone on
/// its line, the line; a comment inside its value stays in its place.
fn remove_field(source: &str, field: &Entry) -> Edit {
    let start = field.key_start;
    let skip_spaces = |from: usize| {
        from + source[from..]
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count()
    };
    let mut end = field.end;
    let after = skip_spaces(end);
    if source.as_bytes().get(after) == Some(&b',') {
        end = after + 1;
    }
    let first = line_start(source, start);
    let last = line_end(source, end);
    let alone = source[first..start].trim().is_empty() && source[end..last].trim().is_empty();
    if alone && first > 0 {
        return Edit {
            start: first,
            end: (last + 1).min(source.len()),
            text: kept_comments(source, start, end, true),
        };
    }
    let kept = kept_comments(source, start, end, false);
    let start = source[..start].trim_end_matches([' ', '\t']).len();
    let end = skip_spaces(end);
    let mut text = String::new();
    if !source[..start].ends_with(['(', '[', '\n']) {
        text.push(' ');
    }
    text.push_str(&kept);
    Edit { start, end, text }
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
        write_into(FILE, changes)
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

    const LISTS: &str = "District(
    id: \"x\",
    name: \"X Unified\",
    kind: Unified,
    enrollment: 1000,
    students: (
        el_share: 0.2,
        languages: [
            (name: \"Spanish\", share_of_els: 0.8), // census
            /* from the 2023 survey */ (name: \"Hmong\", share_of_els: 0.1),
        ],
    ),
    leadership: (
        improvement_team: [
            Teachers, // grade-level leads
            // the principals join in spring
            Principals,
        ],
        partners: [ContentExpert /* the county office */],
    ),
)
";

    fn write_into(source: &str, changes: &[(&str, &str)]) -> Result<String, String> {
        let path = Path::new("x.ron");
        let district = District::parse(path, source).expect("fixture parses");
        let changes: Vec<Override> = changes
            .iter()
            .map(|(p, v)| Override {
                path: p.to_string(),
                value: v.to_string(),
            })
            .collect();
        write_changes(path, source, &district, &changes)
    }

    /// Every comment of `before` is in `after`, as often.
    fn keeps_comments(before: &str, after: &str) {
        let found = crate::ron_text::comments(after);
        for comment in crate::ron_text::comments(before) {
            let want = crate::ron_text::comments(before)
                .iter()
                .filter(|c| **c == comment)
                .count();
            let got = found.iter().filter(|c| **c == comment).count();
            assert!(got >= want, "lost {comment:?}:\n{after}");
        }
    }

    #[test]
    fn a_changed_list_keeps_the_comments_inside_it() {
        let lists = [
            (
                "leadership.improvement_team",
                "[Teachers, Principals, DistrictStaff]",
            ),
            ("leadership.improvement_team", "[Principals]"),
            ("leadership.improvement_team", "[DistrictStaff, Teachers]"),
            ("leadership.improvement_team", "[]"),
            ("leadership.improvement_team", "None"),
            ("leadership.partners", "[ContentExpert, ProcessExpert]"),
            ("leadership.partners", "[ProcessExpert]"),
            (
                "students.languages",
                r#"[(name: "Spanish", share_of_els: 0.85), (name: "Hmong", share_of_els: 0.1)]"#,
            ),
            (
                "students.languages",
                r#"[(name: "Spanish", share_of_els: 0.8), (name: "Hmong", share_of_els: 0.1), (name: "Mixteco")]"#,
            ),
            (
                "students.languages",
                r#"[(name: "Hmong", share_of_els: 0.1)]"#,
            ),
            (
                "students.languages",
                r#"[(name: "Spanish"), (name: "Hmong", share_of_els: 0.1)]"#,
            ),
        ];
        for (path, value) in lists {
            let text = write_into(LISTS, &[(path, value)])
                .unwrap_or_else(|e| panic!("{path}={value}: {e}"));
            keeps_comments(LISTS, &text);
        }
        // Only the changed value's bytes change.
        let text = write_into(
            LISTS,
            &[(
                "students.languages",
                r#"[(name: "Spanish", share_of_els: 0.85), (name: "Hmong", share_of_els: 0.1)]"#,
            )],
        )
        .unwrap();
        assert_eq!(text, LISTS.replace("0.8)", "0.85)"));
        let text = write_into(
            LISTS,
            &[(
                "leadership.improvement_team",
                "[Teachers, Principals, DistrictStaff]",
            )],
        )
        .unwrap();
        assert_eq!(
            text,
            LISTS.replace(
                "            Principals,\n",
                "            Principals,\n            DistrictStaff,\n"
            )
        );
        let text = write_into(LISTS, &[("leadership.improvement_team", "[Principals]")]).unwrap();
        assert_eq!(
            text,
            LISTS.replace(
                "            Teachers, // grade-level leads\n",
                "            // grade-level leads\n"
            )
        );
    }

    #[test]
    fn a_removed_item_or_field_leaves_its_comments() {
        let file = LISTS.replace(
            "            Teachers, // grade-level leads\n",
            "            Teachers /* since 2021 */ , // grade-level leads\n",
        );
        for (path, value) in [
            ("leadership.improvement_team", "[Principals]"),
            ("leadership.improvement_team", "None"),
            ("students.languages", "[]"),
            (
                "students.languages",
                r#"[(name: "Hmong", share_of_els: 0.1)]"#,
            ),
        ] {
            let text = write_into(&file, &[(path, value)]).unwrap();
            keeps_comments(&file, &text);
        }
    }

    #[test]
    fn an_old_mac_file_stays_cr_only() {
        let cr = FILE.replace('\n', "\r");
        let text = write_into(
            &cr,
            &[("students.ltel_share_of_els", "0.2"), ("locale", "Rural")],
        )
        .unwrap();
        assert!(!text.contains('\n'), "{text:?}");
        assert!(text.contains("\r    locale: Rural,\r)"), "{text:?}");
    }

    #[test]
    fn a_crlf_file_stays_crlf() {
        let crlf = FILE.replace('\n', "\r\n");
        let text = write_into(
            &crlf,
            &[
                ("students.ltel_share_of_els", "0.2"),
                ("staffing.instructional_coaches", "3"),
                ("history[2024-25].elpi_status", "0.4"),
                ("history[2021-22].elpi_status", "0.4"),
                ("schools", "None"),
                ("leadership.improvement_team", "[Teachers, Principals]"),
            ],
        )
        .unwrap();
        assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
        let crlf = LISTS.replace('\n', "\r\n");
        let text = write_into(
            &crlf,
            &[(
                "leadership.improvement_team",
                "[Teachers, Principals, DistrictStaff]",
            )],
        )
        .unwrap();
        assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
    }

    #[test]
    fn a_header_comment_naming_the_district_is_not_the_district() {
        let file = format!("// Fresno County District (2024-25 data)\n{FILE}");
        let text = write_into(
            &file,
            &[("staffing.instructional_coaches", "3"), ("schools", "5")],
        )
        .unwrap();
        assert!(text.starts_with("// Fresno County District (2024-25 data)\n"));
        assert!(text.contains("schools: 5,"), "{text}");
    }

    #[test]
    fn a_last_field_with_a_comment_and_no_comma_takes_a_new_field() {
        let file = FILE.replace(
            "        /* frpm from the UPC file */ frpm_share: 0.5,\n",
            "        frpm_share: 0.5 // from the UPC file\n",
        );
        let text = write_into(&file, &[("students.ltel_share_of_els", "0.2")]).unwrap();
        assert!(
            text.contains(
                "frpm_share: 0.5, // from the UPC file\n        ltel_share_of_els: 0.2,\n    ),"
            ),
            "{text}"
        );
        let file = file.replace("    ],\n)", "    ] // all years\n)");
        let text = write_into(&file, &[("locale", "Rural")]).unwrap();
        assert!(
            text.contains("    ], // all years\n    locale: Rural,\n)"),
            "{text}"
        );
    }

    #[test]
    fn a_history_year_goes_before_a_later_one_on_one_line() {
        let file = FILE.replace(
            "history: [\n        (year: \"2022-23\", reclassification_rate: 0.1),\n        (year: \"2023-24\", reclassification_rate: 0.08),\n    ],",
            "history: [(year: \"2022-23\", reclassification_rate: 0.1), (year: \"2023-24\", reclassification_rate: 0.08)],",
        );
        let text = write_into(&file, &[("history[2021-22].elpi_status", "0.4")]).unwrap();
        assert!(
            text.contains("history: [(year: \"2021-22\", elpi_status: 0.4), (year: \"2022-23\""),
            "{text}"
        );
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        /// Any new improvement team and list of home languages, written
        /// into a file with comments inside both lists (LF or CRLF): read
        /// back as the changed district, every comment kept, no bare line
        /// feed in a CRLF file.
        #[test]
        fn any_new_lists_keep_every_comment_and_the_line_endings(
            team in proptest::sample::subsequence(vec!["Teachers", "Principals", "DistrictStaff"], 0..=3)
                .prop_shuffle(),
            names in proptest::sample::subsequence(vec!["Spanish", "Hmong", "Mixteco", "Punjabi", "Arabic"], 0..=5)
                .prop_shuffle(),
            shares in proptest::collection::vec(proptest::option::of(0u32..=20), 5),
            crlf in proptest::bool::ANY,
        ) {
            use proptest::prop_assert;
            let source = if crlf { LISTS.replace('\n', "\r\n") } else { LISTS.to_string() };
            let team = format!("[{}]", team.join(", "));
            let languages: Vec<String> = names
                .iter()
                .zip(&shares)
                .map(|(name, share)| match share {
                    Some(s) => format!("(name: \"{name}\", share_of_els: {})", f64::from(*s) / 100.0),
                    None => format!("(name: \"{name}\")"),
                })
                .collect();
            let languages = format!("[{}]", languages.join(", "));
            let changes = [
                ("leadership.improvement_team", team.as_str()),
                ("students.languages", languages.as_str()),
            ];
            let text = write_into(&source, &changes);
            prop_assert!(text.is_ok(), "{changes:?}: {text:?}");
            let text = text.unwrap_or_default();
            keeps_comments(&source, &text);
            if crlf {
                prop_assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
            }
        }
    }

    #[test]
    fn a_change_the_district_refuses_is_not_written() {
        assert!(write(&[("students.el_share", "2")]).is_err());
        assert!(write(&[("enrollment", "None")]).is_err());
    }
}
