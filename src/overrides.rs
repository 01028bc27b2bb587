//! `--set PATH=VALUE`: changing one district field before planning.
//!
//! The value is RON (`0.45`, `true`, `Novice`, `[Teachers, Principals]`). The
//! district is turned into a JSON tree, the field is replaced, and the tree
//! is read back as a district, so an override meets the same types, ranges
//! and consistency checks as the district file itself.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::district::{self, District};

/// One `PATH=VALUE` override.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub path: String,
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

/// Applies `overrides` in order and re-validates the district.
pub fn apply(district: &District, overrides: &[Override]) -> Result<District, Diagnostics> {
    if overrides.is_empty() {
        return Ok(district.clone());
    }
    let mut tree = serde_json::to_value(district)
        .map_err(|e| Diagnostic::new(Path::new("--set"), format!("cannot apply overrides: {e}")))?;
    for o in overrides {
        let origin = format!("--set {o}");
        let here = Path::new(&origin);
        check_path(&o.path).map_err(|hint| {
            Diagnostic::new(here, format!("`{}` is not a district field", o.path))
                .with_optional_hint(hint)
        })?;
        let value: serde_json::Value =
            crate::source::ron_options()
                .from_str(&o.value)
                .map_err(|e| {
                    Diagnostic::new(
                        here,
                        format!("`{}` is not a RON value: {}", o.value, e.code),
                    )
                })?;
        set(&mut tree, &o.path, value);
        let mut changed: District = serde_json::from_value(tree.clone())
            .map_err(|e| Diagnostic::new(here, format!("{}: {e}", o.path)))?;
        changed.fill_defaults();
        let problems = changed.validate();
        if !problems.is_empty() {
            return Err(Diagnostics(
                problems
                    .into_iter()
                    .map(|p| Diagnostic::new(here, format!("{}: {}", p.path, p.message)))
                    .collect(),
            ));
        }
        tree = serde_json::to_value(&changed)
            .map_err(|e| Diagnostic::new(here, format!("cannot apply overrides: {e}")))?;
    }
    let mut result: District = serde_json::from_value(tree)
        .map_err(|e| Diagnostic::new(Path::new("--set"), format!("cannot apply overrides: {e}")))?;
    result.fill_defaults();
    Ok(result)
}

/// Ok if `path` names a district field; otherwise a hint.
fn check_path(path: &str) -> Result<(), Option<String>> {
    let valid = match path.split_once('.') {
        None => district::field_names("").contains(&path),
        Some((section, field)) => district::field_names(section).contains(&field),
    };
    if valid {
        Ok(())
    } else {
        Err(district::path_hint(path))
    }
}

fn set(tree: &mut serde_json::Value, path: &str, value: serde_json::Value) {
    let mut at = tree;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        if !at.is_object() {
            *at = serde_json::Value::Object(Default::default());
        }
        let serde_json::Value::Object(map) = at else {
            return;
        };
        if parts.peek().is_none() {
            map.insert(part.to_string(), value);
            return;
        }
        at = map
            .entry(part.to_string())
            .or_insert(serde_json::Value::Null);
    }
}
