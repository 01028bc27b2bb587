//! Scenario files: a named set of `--set` overrides for what-if planning.
//!
//! ```ron
//! Scenario(
//!     name: "Leadership turnover",
//!     description: "The superintendent and the EL lead both leave.",
//!     set: [("leadership.changes_last_3_years", "3")],
//! )
//! ```
//! Each value is RON text, as after `--set PATH=`; it meets the same type,
//! range and consistency checks as the district file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics, ErrorKind};
use crate::district::District;
use crate::overrides::{self, Override};

/// A named set of overrides (a what-if).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The scenario's name, as reports show it.
    pub name: String,
    /// What it imagines.
    #[serde(default)]
    pub description: String,
    /// (field path, RON value) pairs, applied in order.
    pub set: Vec<(String, String)>,
}

impl Scenario {
    /// Reads and checks a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, Diagnostics> {
        let source = crate::source::read_text(path, crate::limits::MAX_SCENARIO_BYTES)?;
        let scenario: Scenario =
            crate::source::parse_ron(path, &source).map_err(|d| d.in_layer(ErrorKind::District))?;
        if scenario.set.is_empty() {
            return Err(Diagnostic::of(
                ErrorKind::District,
                path,
                "a scenario needs at least one override in `set`",
            )
            .into());
        }
        Ok(scenario)
    }

    /// The scenario's overrides, as if given with `--set`.
    pub fn overrides(&self) -> Vec<Override> {
        self.set
            .iter()
            .map(|(path, value)| Override {
                path: path.clone(),
                value: value.clone(),
            })
            .collect()
    }
}

/// Whether `source` is a scenario file rather than a district file: its
/// value is written `Scenario(…)`, or, unnamed, has a `set` and no `id`.
/// Commands that take folders of districts pass scenario files over, so a
/// what-if saved beside the districts never breaks them.
pub fn is_scenario_text(source: &str) -> bool {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let Some((name, open)) = crate::ron_text::root(source) else {
        return false;
    };
    match name {
        "Scenario" => true,
        "" => {
            let Some(close) = crate::ron_text::matching(source, open) else {
                return false;
            };
            let keys: Vec<&str> = crate::ron_text::entries(source, open, close, true)
                .unwrap_or_default()
                .iter()
                .map(|e| &source[e.key_start..e.key_end])
                .collect();
            keys.contains(&"set") && !keys.contains(&"id")
        }
        _ => false,
    }
}

/// Whether the file at `path` is a scenario file ([`is_scenario_text`]);
/// a file that cannot be read is not (it is reported as the district it
/// was meant to be).
pub fn is_scenario_file(path: &Path) -> bool {
    crate::source::read_text(path, crate::limits::MAX_DISTRICT_BYTES)
        .is_ok_and(|text| is_scenario_text(&text))
}

/// `files` split into district files and scenario files, each in order.
pub fn set_apart(files: Vec<PathBuf>) -> (Vec<PathBuf>, Vec<PathBuf>) {
    files.into_iter().partition(|path| !is_scenario_file(path))
}

/// What changes a district before planning: a scenario file's overrides,
/// then single overrides (`--set`), checked together after the last.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// A scenario file, applied first.
    pub scenario: Option<PathBuf>,
    /// Single overrides, applied after the scenario's.
    pub overrides: Vec<Override>,
}

impl Changes {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        self.scenario.is_none() && self.overrides.is_empty()
    }

    /// The district after the changes, and a label saying what changed
    /// (`scenario "Leadership turnover" and students.el_share=0.4`).
    pub fn apply(&self, district: &District) -> Result<(District, String), Diagnostics> {
        let mut all = Vec::new();
        let mut labels = Vec::new();
        if let Some(path) = &self.scenario {
            let scenario = Scenario::load(path)?;
            all.extend(scenario.overrides());
            labels.push(format!("scenario \"{}\"", scenario.name));
        }
        all.extend(self.overrides.iter().cloned());
        if !self.overrides.is_empty() {
            let sets: Vec<String> = self.overrides.iter().map(ToString::to_string).collect();
            labels.push(crate::diagnostic::fold(&sets, 5));
        }
        let changed = overrides::apply(district, &all).map_err(|d| match &self.scenario {
            Some(path) => Diagnostics(
                d.0.into_iter()
                    .map(|mut x| {
                        x.message = format!("{} (scenario {})", x.message, path.display());
                        x
                    })
                    .collect(),
            ),
            None => d,
        })?;
        Ok((changed, labels.join(" and ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_is_told_from_a_district_by_its_name_or_its_fields() {
        let named = "// what if\nScenario(name: \"x\", set: [(\"a\", \"1\")])";
        let unnamed = "#![enable(implicit_some)]\n(name: \"x\", set: [])";
        let district = "// a Scenario( in a comment\nDistrict(id: \"d\", set: 1)";
        let bare_district = "(id: \"d\", name: \"D\")";
        assert!(is_scenario_text(named));
        assert!(is_scenario_text(&format!("\u{feff}{named}")));
        assert!(is_scenario_text(unnamed));
        assert!(!is_scenario_text(district));
        assert!(!is_scenario_text(bare_district));
        assert!(!is_scenario_text("not ron at all"));
        assert!(!is_scenario_text(""));
    }
}
