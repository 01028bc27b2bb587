//! The district as a form: every field with the question that asks for it,
//! where the answer is found, the values it takes, and its value now.
//!
//! What kind of input a field needs is asked of the district's own types:
//! a field that takes `true` is yes/no, one that takes a number is a
//! number, and so on; the words come from `rules/data_sources.ron`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;

use crate::district::{self, District, Kind};
use crate::overrides::{self, Override};
use crate::rulebase::RuleBase;

/// One field of the form.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// Its path, as `--set` writes it.
    pub path: String,
    /// The question that asks for it (the path when the rules have none).
    pub question: String,
    /// Where the answer is found, when the rules say.
    pub source: String,
    /// "yesno", "choice", "choices" (several of a list), "fraction" (a
    /// share or rate, 0 to 1 in the file, shown and typed as a
    /// percentage), "number", "text", "table" (a list of named shares, as
    /// rows) or "record" (a list of records, written as in the file).
    pub kind: &'static str,
    /// The values a choice takes.
    pub options: Vec<&'static str>,
    /// Whether the district file must give it (no Unknown).
    pub required: bool,
    /// Its value now, as the input shows it; empty when unknown.
    pub value: String,
    /// The chosen values of a "choices" field.
    pub chosen: Vec<String>,
    /// Whether it is unknown now.
    pub unknown: bool,
    /// The rows of a "table" field (a list of named shares, such as the
    /// home languages): each name and its share as a percentage.
    pub rows: Vec<(String, String)>,
}

/// Lists of named shares the form shows as a small table (name, share)
/// instead of as text: the field, and the names of its record's two fields.
const TABLES: [(&str, &str, &str); 1] = [("students.languages", "name", "share_of_els")];

/// The two field names of a "table" field's records.
pub fn table_columns(path: &str) -> Option<(&'static str, &'static str)> {
    TABLES
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, name, share)| (*name, *share))
}

/// Whether a field (`students.el_share`, `history[2023-24].elpi_status`,
/// `history.elpi_status`) is a share or rate, kept as a fraction in the
/// file and shown as a percentage.
pub fn is_fraction(path: &str) -> bool {
    let key = match path.strip_prefix("history[") {
        Some(rest) => format!(
            "history.{}",
            rest.split_once("].").map_or("", |(_, field)| field)
        ),
        None => path.to_string(),
    };
    kind_of(&key).0 == "fraction"
}

/// The question that asks for the field at `path` (a year of the history
/// named after it: `… (2023-24)`); the path itself when the rules have none.
pub fn question_of(rules: &RuleBase, path: &str) -> String {
    let (key, year) = match path
        .strip_prefix("history[")
        .and_then(|rest| rest.split_once("]."))
    {
        Some((year, field)) => (format!("history.{field}"), Some(year)),
        None => (path.to_string(), None),
    };
    let question = rules
        .data_sources
        .iter()
        .find(|d| d.field == key)
        .map_or(path, |d| d.question.as_str());
    match year {
        Some(year) => format!("{question} ({year})"),
        None => question.to_string(),
    }
}

/// A fraction (0.687) as the percentage people write (68.7), without the
/// float noise of the multiplication.
pub fn percent(fraction: f64) -> String {
    let value = (fraction * 100.0 * 1e9).round() / 1e9;
    format!("{value}")
}

/// A section of the form.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// The section's key in the district file ("" for the top level).
    pub id: &'static str,
    /// Its fields.
    pub fields: Vec<Field>,
}

/// The yearly outcome history as a table.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    /// The fields of a year, with their questions (columns).
    pub fields: Vec<Field>,
    /// One row per school year: its year and a field per column.
    pub years: Vec<(String, Vec<Field>)>,
}

/// The form for `district`.
pub fn sections(rules: &RuleBase, district: &District) -> (Vec<Section>, History) {
    let tree = serde_json::to_value(district).unwrap_or_default();
    let mut sections = Vec::new();
    for &name in district::field_names("") {
        let nested = district::field_names(name);
        if name == "history" || name == "decisions" {
            continue;
        }
        if nested.is_empty() {
            let top = sections.iter_mut().find(|s: &&mut Section| s.id.is_empty());
            let field = field(rules, name, tree.get(name));
            match top {
                Some(s) => s.fields.push(field),
                None => sections.push(Section {
                    id: "",
                    fields: vec![field],
                }),
            }
            continue;
        }
        let fields = nested
            .iter()
            .map(|f| {
                let path = format!("{name}.{f}");
                let value = tree.get(name).and_then(|s| s.get(*f));
                field(rules, &path, value)
            })
            .collect();
        sections.push(Section { id: name, fields });
    }
    let columns: Vec<&str> = district::field_names("history")
        .iter()
        .copied()
        .filter(|f| *f != "year")
        .collect();
    let history = History {
        fields: columns
            .iter()
            .map(|f| field(rules, &format!("history.{f}"), None))
            .collect(),
        years: district
            .history
            .iter()
            .zip(
                tree.get("history")
                    .and_then(|h| h.as_array())
                    .into_iter()
                    .flatten(),
            )
            .map(|(h, entry)| {
                let cells = columns
                    .iter()
                    .map(|f| {
                        let mut cell = field(rules, &format!("history.{f}"), entry.get(*f));
                        cell.path = format!("history[{}].{f}", h.year);
                        cell
                    })
                    .collect();
                (h.year.clone(), cells)
            })
            .collect(),
    };
    (sections, history)
}

fn field(rules: &RuleBase, path: &str, value: Option<&serde_json::Value>) -> Field {
    let source = rules.data_sources.iter().find(|d| d.field == path);
    let (mut kind, options, required) = kind_of(path);
    let value = value.filter(|v| !v.is_null());
    let mut rows = Vec::new();
    if let Some((name, share)) = table_columns(path) {
        kind = "table";
        for item in value.and_then(|v| v.as_array()).into_iter().flatten() {
            let text = |key: &str| item.get(key).and_then(|v| v.as_str()).unwrap_or_default();
            let share = item.get(share).and_then(serde_json::Value::as_f64);
            rows.push((
                text(name).to_string(),
                share.map(percent).unwrap_or_default(),
            ));
        }
    }
    let chosen = match value {
        Some(serde_json::Value::Array(items)) if kind == "choices" => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    Field {
        path: path.to_string(),
        question: source.map_or_else(|| path.to_string(), |d| d.question.clone()),
        source: source.map(|d| d.source.clone()).unwrap_or_default(),
        kind,
        options,
        required,
        value: match value {
            None => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) if kind == "fraction" => v.as_f64().map_or_else(|| v.to_string(), percent),
            Some(v) if kind == "record" || kind == "table" => ron_text(v),
            Some(v) => v.to_string(),
        },
        chosen,
        unknown: value.is_none(),
        rows,
    }
}

/// A value of the field at `path` as the page shows it: a share as a
/// percentage, a table as its rows (`Spanish 80 %, Hmong 10 %`); others as
/// they are.
pub fn shown_value(path: &str, value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if is_fraction(path) => n.as_f64().map_or_else(
            || value.clone(),
            |f| Value::String(format!("{} %", percent(f))),
        ),
        Value::Array(items) => match table_columns(path) {
            Some((name, share)) => {
                let rows: Vec<String> = items
                    .iter()
                    .map(|item| {
                        let named = item.get(name).and_then(Value::as_str).unwrap_or("?");
                        match item.get(share).and_then(Value::as_f64) {
                            Some(f) => format!("{named} {} %", percent(f)),
                            None => named.to_string(),
                        }
                    })
                    .collect();
                Value::String(if rows.is_empty() {
                    "none".to_string()
                } else {
                    rows.join(", ")
                })
            }
            None => value.clone(),
        },
        Value::Object(_) if path == "decisions" => {
            Value::String("as the team decided on this page".to_string())
        }
        _ => value.clone(),
    }
}

type InputKind = (&'static str, Vec<&'static str>, bool);

/// What kind of input `path` takes, its options, and whether it is
/// required; asked once per field for the life of the process.
fn kind_of(path: &str) -> InputKind {
    static KINDS: OnceLock<BTreeMap<String, InputKind>> = OnceLock::new();
    let kinds = KINDS.get_or_init(|| {
        let mut probe = District::new("probe", "Probe", Kind::Unified, 1000, 0.2);
        probe.fill_defaults();
        district::field_paths()
            .into_iter()
            .map(|path| {
                let kind = probe_kind(&probe, &path);
                (path, kind)
            })
            .collect()
    });
    kinds
        .get(path)
        .cloned()
        .unwrap_or(("record", Vec::new(), false))
}

fn probe_kind(probe: &District, path: &str) -> InputKind {
    let path = path.replace("history.", "history[2020-21].");
    let takes = |value: &str| overrides::takes_type(probe, &path, value);
    let required = !takes("None");
    if let Some(options) = district::enum_values(&path) {
        let list = takes(&format!("[{}]", options[0]));
        return (
            if list { "choices" } else { "choice" },
            options.to_vec(),
            required,
        );
    }
    let kind = if takes("true") {
        "yesno"
    } else if takes("1") {
        // A share or rate: 1 is valid, 1.5 the right type but out of range.
        let valid = |value: &str| {
            let set = Override {
                path: path.clone(),
                value: value.to_string(),
            };
            overrides::apply(probe, std::slice::from_ref(&set)).is_ok()
        };
        if valid("1") && !valid("1.5") && takes("1.5") {
            "fraction"
        } else {
            "number"
        }
    } else if takes("\"x\"") {
        "text"
    } else {
        "record"
    };
    (kind, Vec::new(), required)
}

/// A value as a district file writes it: records in parentheses with
/// their field names, lists in brackets, unknown as `None`.
fn ron_text(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "None".to_string(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(ron_text).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{k}: {}", ron_text(v)))
                .collect();
            format!("({})", fields.join(", "))
        }
        other => other.to_string(),
    }
}
