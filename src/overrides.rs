//! `--set PATH=VALUE`: changing one district field before planning.
//!
//! The value is RON (`0.45`, `true`, `Novice`, `[Teachers, Principals]`). The
//! district is turned into a JSON tree, the field is replaced, and the tree
//! is read back as a district, so an override meets the same types, ranges
//! and consistency checks as the district file itself.

use std::path::Path;

use crate::diagnostic::{did_you_mean, fold, Diagnostic, Diagnostics};
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
    let origin = |o: &Override| format!("--set {o}");
    let mut tree = serde_json::to_value(district)
        .map_err(|e| Diagnostic::new(Path::new("--set"), format!("cannot apply overrides: {e}")))?;
    let mut changed = district.clone();
    for o in overrides {
        let here = origin(o);
        let here = Path::new(&here);
        check_path(&o.path).map_err(|hint| {
            Diagnostic::new(here, format!("`{}` is not a district field", o.path))
                .with_optional_hint(hint)
        })?;
        let value: serde_json::Value = crate::source::ron_options()
            .from_str(&quote_identifiers(&o.value))
            .map_err(|e| {
                Diagnostic::new(
                    here,
                    format!("`{}` is not a RON value: {}", o.value, e.code),
                )
            })?;
        set(&mut tree, &o.path, value).map_err(|message| Diagnostic::new(here, message))?;
        changed = serde_json::from_value(tree.clone())
            .map_err(|e| Diagnostic::new(here, format!("{}: {e}", o.path)))?;
    }
    if changed.decisions == district.decisions {
        changed.decisions.places = district.decisions.places.clone();
    }
    changed.fill_defaults();
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
                Diagnostic::new(Path::new(&here), format!("{}: {}", p.path, p.message))
            })
            .collect(),
    ))
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
    match apply(district, std::slice::from_ref(&set)) {
        Ok(_) => true,
        Err(d) => d.0.iter().all(|d| !d.message.contains("invalid type")),
    }
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
/// named by `history[2023-24]` that the district lacks is added in its place.
fn set(tree: &mut serde_json::Value, path: &str, value: serde_json::Value) -> Result<(), String> {
    if let Some((year, field)) = history_entry(path) {
        let entries = history_of(tree)
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
        if let serde_json::Value::Object(map) = &mut entries[index] {
            map.insert(field.to_string(), value);
        }
        return Ok(());
    }
    let mut at = tree;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
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
fn history_of(tree: &mut serde_json::Value) -> Option<&mut Vec<serde_json::Value>> {
    let history = tree
        .as_object_mut()?
        .entry("history".to_string())
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    if !history.is_array() {
        *history = serde_json::Value::Array(Vec::new());
    }
    history.as_array_mut()
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
