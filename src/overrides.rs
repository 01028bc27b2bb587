//! `--set PATH=VALUE`: changing one district field before planning.
//!
//! The value is RON (`0.45`, `true`, `Novice`, `[Teachers, Principals]`). The
//! district is turned into a JSON tree, the field's place is marked, and the
//! tree is read back as a district with the value at the mark read by RON
//! as the field's own type: an override meets the same types, ranges and
//! consistency checks as the district file itself, in the same words
//! (`NaN`, `1e400` and a 400-digit count, which JSON cannot hold, too).

use std::path::Path;

use serde::{Deserialize, Deserializer};

use crate::diagnostic::{did_you_mean, fold, Diagnostic, Diagnostics, ErrorKind};
use crate::district::{self, District};

/// One `PATH=VALUE` override.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The dotted field path (`students.el_share`).
    pub path: String,
    /// The new value, as RON text.
    pub value: String,
}

impl std::str::FromStr for Override {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (path, value) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}` is not PATH=VALUE"))?;
        let path = path.trim();
        if path.is_empty() {
            return Err(format!("`{text}` has no field path before `=`"));
        }
        Ok(Override {
            path: path.to_string(),
            value: value.trim().to_string(),
        })
    }
}

impl std::fmt::Display for Override {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.path, self.value)
    }
}

/// Applies `overrides` in order, then validates the result once: a set of
/// overrides is one change, so it may pass through inconsistent states
/// (raising `students.el_share` before `students.ever_el_share`).
pub fn apply(district: &District, overrides: &[Override]) -> Result<District, Diagnostics> {
    if overrides.is_empty() {
        return Ok(district.clone());
    }
    let changed = apply_unchecked(district, overrides)?;
    let origin = |o: &Override| format!("--set {o}");
    let problems = changed.validate();
    if problems.is_empty() {
        return Ok(changed);
    }
    let all: Vec<String> = overrides.iter().map(ToString::to_string).collect();
    Err(Diagnostics(
        problems
            .into_iter()
            .map(|p| {
                let culprit = overrides.iter().rev().find(|o| p.path.starts_with(&o.path));
                let here = culprit.map_or_else(|| format!("--set {}", fold(&all, 5)), origin);
                Diagnostic::of(
                    ErrorKind::District,
                    Path::new(&here),
                    format!("{}: {}", p.path, p.message),
                )
            })
            .collect(),
    ))
}

/// `district` with `overrides` applied, each of the right type, but not
/// yet checked for range and consistency: a step on the way, as when
/// several changes are written into a file one at a time and only all of
/// them together need make sense (a share of ELs raised past the share of
/// ever-ELs, then that raised too).
pub fn apply_unchecked(
    district: &District,
    overrides: &[Override],
) -> Result<District, Diagnostics> {
    let mut changed = typed(district, overrides)?;
    changed.fill_defaults();
    Ok(changed)
}

/// The district with `overrides` in place, before its values are checked:
/// each value is read by RON as the field's own type, as the district file
/// would be, so `NaN`, `1e400` or a 400-digit count meet the same words
/// as in the file. Where the field wants text, a bare word is that text
/// (`--set county=Fresno`).
fn typed(district: &District, overrides: &[Override]) -> Result<District, Diagnostic> {
    let origin = |o: &Override| format!("--set {o}");
    let mut tree = serde_json::to_value(district).map_err(|e| {
        Diagnostic::of(
            ErrorKind::District,
            Path::new("--set"),
            format!("cannot apply overrides: {e}"),
        )
    })?;
    let mut values: Vec<String> = Vec::with_capacity(overrides.len());
    for (i, o) in overrides.iter().enumerate() {
        let here = origin(o);
        let here = Path::new(&here);
        check_path(&o.path).map_err(|hint| {
            Diagnostic::of(
                ErrorKind::District,
                here,
                format!("`{}` is not a district field", o.path),
            )
            .with_optional_hint(hint)
        })?;
        set(
            &mut tree,
            &o.path,
            serde_json::json!({ OVERRIDE: i }),
            &values,
        )
        .map_err(|message| Diagnostic::of(ErrorKind::District, here, message))?;
        values.push(o.value.clone());
    }
    // The error each value met as written, before its bare words were
    // read as text.
    let mut first: Vec<Option<ron::Error>> = vec![None; values.len()];
    loop {
        let failed = std::cell::Cell::new(None);
        let node = Node {
            value: &tree,
            values: &values,
            failed: &failed,
        };
        let error = match District::deserialize(node) {
            Ok(mut changed) => {
                if changed.decisions == district.decisions {
                    changed.decisions.places = district.decisions.places.clone();
                }
                return Ok(changed);
            }
            Err(error) => error,
        };
        let i = failed.get().unwrap_or(overrides.len() - 1);
        let bare = quote_identifiers(&overrides[i].value);
        let error = match first[i].take() {
            Some(original) => original,
            None if bare != overrides[i].value => {
                // Read once more with its bare words as text.
                first[i] = Some(error);
                values[i] = bare;
                continue;
            }
            None => error,
        };
        let o = &overrides[i];
        return Err(Diagnostic::of(
            ErrorKind::District,
            Path::new(&origin(o)),
            format!("{}: {error}", o.path),
        )
        .with_optional_hint(crate::source::ron_hint(&error, &o.value)));
    }
}

/// The key that marks where an override's value goes in the district's
/// tree: `{OVERRIDE: i}` stands for the RON text of override `i`. No
/// district field or decision holds a number under a key, so the mark
/// cannot be mistaken for the district's own data.
const OVERRIDE: &str = "\u{0}override";

/// A district's tree (JSON) read as the district it describes, each
/// override's place read from the override's RON text by RON itself.
#[derive(Clone, Copy)]
struct Node<'a> {
    value: &'a serde_json::Value,
    values: &'a [String],
    /// The override whose value could not be read, once one fails.
    failed: &'a std::cell::Cell<Option<usize>>,
}

impl<'de> Node<'de> {
    /// The override that stands here, if one does.
    fn mark(&self) -> Option<usize> {
        match self.value {
            serde_json::Value::Object(map) if map.len() == 1 => {
                usize::try_from(map.get(OVERRIDE)?.as_u64()?).ok()
            }
            _ => None,
        }
    }

    fn at(self, value: &'de serde_json::Value) -> Node<'de> {
        Node { value, ..self }
    }

    /// Reads override `i`'s text with `read`, all of it.
    fn read<T>(
        self,
        i: usize,
        read: impl FnOnce(&mut ron::Deserializer<'de>) -> Result<T, ron::Error>,
    ) -> Result<T, ron::Error> {
        let text = self.values.get(i).map_or("", String::as_str);
        let result = ron::Deserializer::from_str_with_options(text, &crate::source::ron_options())
            .map_err(|e| e.code)
            .and_then(|mut de| {
                let value = read(&mut de)?;
                de.end()?;
                Ok(value)
            });
        if result.is_err() && self.failed.get().is_none() {
            self.failed.set(Some(i));
        }
        result
    }
}

fn from_json(error: serde_json::Error) -> ron::Error {
    ron::Error::Message(error.to_string())
}

/// A method of [`Node`] as a deserializer: an override's place is read by
/// RON with the same method; a record or list is walked; any other value
/// is read from the tree.
macro_rules! read_as {
    ($($method:ident $(($($arg:ident: $ty:ty),*))?;)*) => {$(
        fn $method<V: serde::de::Visitor<'de>>(
            self,
            $($($arg: $ty,)*)?
            visitor: V,
        ) -> Result<V::Value, ron::Error> {
            if let Some(i) = self.mark() {
                return self.read(i, |de| serde::Deserializer::$method(de, $($($arg,)*)? visitor));
            }
            match self.value {
                serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                    self.walk(visitor)
                }
                other => other.$method($($($arg,)*)? visitor).map_err(from_json),
            }
        }
    )*};
}

impl<'de> Node<'de> {
    fn walk<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, ron::Error> {
        use serde::de::value::{MapDeserializer, SeqDeserializer};
        match self.value {
            serde_json::Value::Object(map) => {
                let mut entries =
                    MapDeserializer::new(map.iter().map(|(k, v)| (k.as_str(), self.at(v))));
                let value = visitor.visit_map(&mut entries)?;
                entries.end()?;
                Ok(value)
            }
            serde_json::Value::Array(items) => {
                let mut items = SeqDeserializer::new(items.iter().map(|v| self.at(v)));
                let value = visitor.visit_seq(&mut items)?;
                items.end()?;
                Ok(value)
            }
            other => other.deserialize_any(visitor).map_err(from_json),
        }
    }
}

impl<'de> serde::de::IntoDeserializer<'de, ron::Error> for Node<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> serde::Deserializer<'de> for Node<'de> {
    type Error = ron::Error;

    read_as! {
        deserialize_any;
        deserialize_bool;
        deserialize_i8;
        deserialize_i16;
        deserialize_i32;
        deserialize_i64;
        deserialize_u8;
        deserialize_u16;
        deserialize_u32;
        deserialize_u64;
        deserialize_f32;
        deserialize_f64;
        deserialize_char;
        deserialize_str;
        deserialize_string;
        deserialize_bytes;
        deserialize_byte_buf;
        deserialize_unit;
        deserialize_seq;
        deserialize_map;
        deserialize_identifier;
        deserialize_ignored_any;
        deserialize_unit_struct(name: &'static str);
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, ron::Error> {
        match (self.mark(), self.value) {
            (Some(i), _) => self.read(i, |de| serde::Deserializer::deserialize_option(de, visitor)),
            (None, serde_json::Value::Null) => visitor.visit_none(),
            (None, _) => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ron::Error> {
        match self.mark() {
            Some(i) => self.read(i, |de| {
                serde::Deserializer::deserialize_newtype_struct(de, name, visitor)
            }),
            None => visitor.visit_newtype_struct(self),
        }
    }
}

/// The value of override `i` as a JSON tree, where a later override
/// changes a field inside it: read as before this module read every value
/// (bare words as text), which holds every value a district can take.
fn unmark(at: &mut serde_json::Value, values: &[String]) -> Result<(), String> {
    let Some(i) = (Node {
        value: at,
        values,
        failed: &std::cell::Cell::new(None),
    })
    .mark() else {
        return Ok(());
    };
    let text = values.get(i).map_or("", String::as_str);
    *at = crate::source::ron_options()
        .from_str(&quote_identifiers(text))
        .map_err(|e| format!("`{text}` is not a RON value: {}", e.code))?;
    Ok(())
}

/// Whether the field at `path` takes a value of the type of `value` (RON):
/// `takes_type(d, "programs.newcomer_program", "true")` is true. A value
/// of the right type that `district` cannot hold (out of range,
/// inconsistent) still shows the type.
pub fn takes_type(district: &District, path: &str, value: &str) -> bool {
    let set = Override {
        path: path.to_string(),
        value: value.to_string(),
    };
    typed(district, std::slice::from_ref(&set)).is_ok()
}

/// Quotes bare words (`Novice`, `[Teachers, Principals]`) so enum variants
/// reach the JSON tree as the strings serde reads them from; RON's own
/// words (`true`, `false`, `Some`, `None`) are kept.
fn quote_identifiers(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            out.push(c);
            while let Some(d) = chars.next() {
                out.push(d);
                if d == '\\' {
                    if let Some(e) = chars.next() {
                        out.push(e);
                    }
                } else if d == '"' {
                    break;
                }
            }
        } else if c.is_alphabetic() || c == '_' {
            let mut word = String::from(c);
            while let Some(&d) = chars.peek() {
                if d.is_alphanumeric() || d == '_' {
                    word.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            let keyword = matches!(
                word.as_str(),
                "true" | "false" | "Some" | "None" | "inf" | "NaN"
            );
            let number_part = out.ends_with(|p: char| p.is_ascii_digit() || p == '.');
            // A field name of a record, `(name: "Spanish")`, stays a name.
            let field_name = chars.clone().find(|c| !c.is_whitespace()) == Some(':');
            if keyword || number_part || field_name {
                out.push_str(&word);
            } else {
                out.push('"');
                out.push_str(&word);
                out.push('"');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Ok if `path` names a district field; otherwise the nearest one, as a hint.
/// One year of the outcome history is addressed as `history[-1].FIELD` (the
/// latest year, `-2` the one before) or `history[2023-24].FIELD`.
pub fn check_path(path: &str) -> Result<(), Option<String>> {
    if let Some((selector, field)) = history_entry(path) {
        let year_ok = match selector {
            Year::FromLatest(_) => true,
            Year::Named(year) => district::parse_school_year(year).is_some(),
        };
        return if !year_ok {
            Err(Some(
                "name the year as a school year, `history[2023-24].FIELD`, or count back from the latest, `history[-1].FIELD`".to_string(),
            ))
        } else if district::field_names("history").contains(&field) {
            Ok(())
        } else {
            Err(
                did_you_mean(field, district::field_names("history").iter().copied())
                    .map(|hint| format!("{hint} (a field of one history year)")),
            )
        };
    }
    let valid = match path.split_once('.') {
        None => district::field_names("").contains(&path),
        Some(("history", field)) => {
            // The history is a list of years: the path must say which one.
            return Err(Some(if district::field_names("history").contains(&field) {
                format!("the history is one entry per school year: write `history[-1].{field}` for the latest year or `history[2023-24].{field}` for a named one")
            } else {
                "the history is one entry per school year: write `history[-1].FIELD` or `history[2023-24].FIELD`".to_string()
            }));
        }
        Some((section, field)) => district::field_names(section).contains(&field),
    };
    if valid {
        Ok(())
    } else {
        Err(district::path_hint(path))
    }
}

/// Which year of the history a path addresses.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Year<'a> {
    /// `history[-n]`: the n-th entry counting back from the latest (1 = latest).
    FromLatest(usize),
    /// `history[2023-24]`.
    Named(&'a str),
}

/// `history[SELECTOR].FIELD` split into its selector and field.
fn history_entry(path: &str) -> Option<(Year<'_>, &str)> {
    let rest = path.strip_prefix("history[")?;
    let (selector, field) = rest.split_once("].")?;
    let selector = selector.trim();
    let year = match selector.strip_prefix('-') {
        Some(n) => Year::FromLatest(n.parse().ok().filter(|&n: &usize| n > 0)?),
        None => Year::Named(selector),
    };
    Some((year, field.trim()))
}

/// Sets the field `path` of the district tree to `value`; a history year
/// named by `history[2023-24]` that the district lacks is added in its
/// place. An earlier override's value that the path leads into is made a
/// tree first.
fn set(
    tree: &mut serde_json::Value,
    path: &str,
    value: serde_json::Value,
    values: &[String],
) -> Result<(), String> {
    if let Some((year, field)) = history_entry(path) {
        let entries = history_of(tree, values)?
            .ok_or_else(|| format!("`{path}`: the district has no place for a history"))?;
        let index = match year {
            Year::FromLatest(n) => entries.len().checked_sub(n).ok_or_else(|| {
                if entries.is_empty() {
                    format!("`{path}`: the district has no outcome history yet; name the year, e.g. `history[2024-25].{field}`")
                } else {
                    format!("`{path}`: the history has only {} year(s)", entries.len())
                }
            })?,
            Year::Named(name) => {
                let key = district::parse_school_year(name);
                let year_of = |e: &serde_json::Value| {
                    e.get("year")
                        .and_then(serde_json::Value::as_str)
                        .and_then(district::parse_school_year)
                };
                match entries.iter().position(|e| year_of(e) == key) {
                    Some(i) => i,
                    None => {
                        let at = entries
                            .iter()
                            .position(|e| year_of(e) > key)
                            .unwrap_or(entries.len());
                        entries.insert(at, serde_json::json!({ "year": name }));
                        at
                    }
                }
            }
        };
        unmark(&mut entries[index], values)?;
        if let serde_json::Value::Object(map) = &mut entries[index] {
            map.insert(field.to_string(), value);
        }
        return Ok(());
    }
    let mut at = tree;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        unmark(at, values)?;
        if !at.is_object() {
            *at = serde_json::Value::Object(Default::default());
        }
        let serde_json::Value::Object(map) = at else {
            return Ok(());
        };
        if parts.peek().is_none() {
            map.insert(part.to_string(), value);
            return Ok(());
        }
        at = map
            .entry(part.to_string())
            .or_insert(serde_json::Value::Null);
    }
    Ok(())
}

/// The district tree's history list, made a list if it is not one.
fn history_of<'t>(
    tree: &'t mut serde_json::Value,
    values: &[String],
) -> Result<Option<&'t mut Vec<serde_json::Value>>, String> {
    let Some(map) = tree.as_object_mut() else {
        return Ok(None);
    };
    let history = map
        .entry("history".to_string())
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    unmark(history, values)?;
    if !history.is_array() {
        *history = serde_json::Value::Array(Vec::new());
    }
    Ok(history.as_array_mut())
}

#[cfg(test)]
mod tests {
    use super::quote_identifiers;

    #[test]
    fn bare_words_become_strings_and_ron_words_stay() {
        assert_eq!(
            quote_identifiers("[Teachers, Principals]"),
            r#"["Teachers", "Principals"]"#
        );
        assert_eq!(quote_identifiers("Some(true)"), "Some(true)");
        assert_eq!(quote_identifiers(r#""a b" x"#), r#""a b" "x""#);
        assert_eq!(quote_identifiers("1e3"), "1e3");
        assert_eq!(
            quote_identifiers(r#"[(name: "Spanish", share_of_els: 0.8)]"#),
            r#"[(name: "Spanish", share_of_els: 0.8)]"#
        );
    }
}
