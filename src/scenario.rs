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

use std::path::Path;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::overrides::Override;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// (field path, RON value) pairs, applied in order.
    pub set: Vec<(String, String)>,
}

impl Scenario {
    pub fn load(path: &Path) -> Result<Scenario, Diagnostics> {
        let source = crate::source::read_text(path, crate::limits::MAX_SCENARIO_BYTES)?;
        let scenario: Scenario = crate::source::parse_ron(path, &source)?;
        if scenario.set.is_empty() {
            return Err(
                Diagnostic::new(path, "a scenario needs at least one override in `set`").into(),
            );
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
