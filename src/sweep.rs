//! `elplan sweep`: plan a district at every value of one field and report
//! the breakpoints, the values at which the plan changes and what changes.
//!
//! Points are planned in parallel (rayon) with one compiled rule base; each
//! point is the district with one `--set` override, so it meets the same
//! checks as a district file.

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::compare::{compare, PlanDiff};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::district::District;
use crate::overrides::{self, Override};
use crate::session::Session;

/// The `format` field of sweep JSON.
pub const FORMAT: &str = "elplan.sweep/1";

/// The most points one sweep plans.
pub const MAX_POINTS: usize = 100_000;

/// What `--vary` names: a field and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    /// The field varied.
    pub path: String,
    /// Its values.
    pub values: Values,
}

/// The values of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// `PATH=START..END:STEP`: a number range.
    Range {
        /// The first value.
        start: f64,
        /// The last value (inclusive, within rounding).
        end: f64,
        /// The step between values.
        step: f64,
        /// Decimals shown, the most of START, END and STEP as written.
        decimals: usize,
    },
    /// `PATH=a,b,c`: the values listed, as RON.
    List(Vec<String>),
    /// `PATH` alone: every value of a yes/no or named-choice field.
    Every,
}

impl std::str::FromStr for Vary {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let usage = || {
            format!(
                "`{text}` is not PATH=START..END:STEP, PATH=A,B,C or PATH \
                 (e.g. students.el_share=0..1:0.05, or programs.newcomer_program for every value)"
            )
        };
        let Some((path, range)) = text.split_once('=') else {
            let path = text.trim();
            if path.is_empty() {
                return Err(usage());
            }
            return Ok(Vary {
                path: path.to_string(),
                values: Values::Every,
            });
        };
        let path = path.trim().to_string();
        if path.is_empty() {
            return Err(usage());
        }
        if !range.contains("..") {
            let list: Vec<String> = range
                .split(',')
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect();
            if list.is_empty() {
                return Err(usage());
            }
            if list.len() > MAX_POINTS {
                return Err(format!(
                    "`{path}`: a sweep plans at most {MAX_POINTS} values"
                ));
            }
            return Ok(Vary {
                path,
                values: Values::List(list),
            });
        }
        let (bounds, step) = range.split_once(':').ok_or_else(usage)?;
        let (start, end) = bounds.split_once("..").ok_or_else(usage)?;
        let number = |s: &str| {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(usage)
        };
        let decimals = [start, end, step]
            .iter()
            .map(|s| s.trim().split_once('.').map_or(0, |(_, d)| d.len()))
            .max()
            .unwrap_or(0);
        let (start, end, step) = (number(start)?, number(end)?, number(step)?);
        if step <= 0.0 {
            return Err(format!("`{text}`: STEP must be greater than 0"));
        }
        if end < start {
            return Err(format!("`{text}`: END must not be below START"));
        }
        let count = ((end - start) / step + 1e-9).floor() + 1.0;
        if count > MAX_POINTS as f64 {
            return Err(format!(
                "`{text}` makes {count} points; a sweep plans at most {MAX_POINTS}"
            ));
        }
        Ok(Vary {
            path,
            values: Values::Range {
                start,
                end,
                step,
                decimals,
            },
        })
    }
}

impl Vary {
    /// Every value, as written for `--set` (START, START+STEP, …, ≤ END),
    /// for `district`: a yes/no field takes `false` and `true`, a named
    /// choice each of its names.
    pub fn values(&self, district: &District) -> Result<Vec<String>, String> {
        Ok(match &self.values {
            Values::Range {
                start,
                end,
                step,
                decimals,
            } => {
                let count = ((end - start) / step + 1e-9).floor() as usize + 1;
                (0..count)
                    .map(|k| format!("{:.*}", decimals, start + k as f64 * step))
                    .collect()
            }
            Values::List(list) => list.clone(),
            Values::Every => {
                if let Some(names) = crate::district::enum_values(&self.path) {
                    names.iter().map(|n| n.to_string()).collect()
                } else if overrides::takes_type(district, &self.path, "true") {
                    vec!["false".to_string(), "true".to_string()]
                } else {
                    return Err(format!(
                        "`{}` is not a yes/no or named-choice field; give its values: `{}=START..END:STEP` or `{}=A,B,C`",
                        self.path, self.path, self.path
                    ));
                }
            }
        })
    }
}

/// A plan at every value of one field, and where it changes (`elplan.sweep/1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// The district's name.
    pub district: String,
    /// The field varied.
    pub path: String,
    /// How many values were planned.
    pub values: usize,
    /// Each value where the plan differs from the previous value's plan.
    pub breakpoints: Vec<Breakpoint>,
    /// Values the district cannot take (out of range, inconsistent).
    pub invalid: Vec<Invalid>,
}

/// A value at which the plan differs from the plan at the value before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakpoint {
    /// The value.
    pub value: String,
    /// Compact list of changes (`+high_el_concentration`, `x: assess->design`).
    pub changes: Vec<String>,
    /// The whole difference.
    pub diff: PlanDiff,
}

/// A value the district cannot take.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Invalid {
    /// The value.
    pub value: String,
    /// Why it is invalid.
    pub message: String,
}

/// Plans `district` at every value of `vary`.
pub fn sweep(
    session: &Session,
    district: &District,
    file: &Path,
    vary: &Vary,
) -> Result<Sweep, Diagnostics> {
    overrides::check_path(&vary.path).map_err(|hint| {
        Diagnostic::new(
            Path::new(&format!("--vary {}", vary.path)),
            format!("`{}` is not a district field", vary.path),
        )
        .with_optional_hint(hint)
    })?;
    let values = vary
        .values(district)
        .map_err(|message| Diagnostic::new(Path::new(&format!("--vary {}", vary.path)), message))?;
    let planned: Vec<Result<_, String>> = values
        .par_iter()
        .map(|value| {
            let set = Override {
                path: vary.path.clone(),
                value: value.clone(),
            };
            let point = overrides::apply(district, std::slice::from_ref(&set))
                .map_err(|d| d.0.first().map(|d| d.message.clone()).unwrap_or_default())?;
            session.plan(&point, file).map_err(|d| d.to_string())
        })
        .collect();
    let mut breakpoints = Vec::new();
    let mut invalid = Vec::new();
    let mut previous: Option<(usize, &crate::plan::Plan<'_>)> = None;
    for (k, result) in planned.iter().enumerate() {
        match result {
            Ok(plan) => {
                if let Some((j, before)) = previous {
                    let diff = compare(
                        before,
                        plan,
                        &format!("{} = {}", vary.path, values[j]),
                        &format!("{} = {}", vary.path, values[k]),
                    );
                    if !diff.is_empty() {
                        breakpoints.push(Breakpoint {
                            value: values[k].clone(),
                            changes: diff.changes(),
                            diff,
                        });
                    }
                }
                previous = Some((k, plan));
            }
            Err(message) => invalid.push(Invalid {
                value: values[k].clone(),
                message: message.clone(),
            }),
        }
    }
    Ok(Sweep {
        format: FORMAT,
        district: district.name.clone(),
        path: vary.path.clone(),
        values: values.len(),
        breakpoints,
        invalid,
    })
}

impl Sweep {
    /// The sweep for people: each breakpoint and what changes there, by
    /// title; then the values skipped as invalid.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{}: {} over {} values, {} breakpoint{}\n",
            self.district,
            self.path,
            self.values,
            self.breakpoints.len(),
            if self.breakpoints.len() == 1 { "" } else { "s" }
        );
        if !self.breakpoints.is_empty() {
            out.push_str(crate::compare::MARKS);
        }
        for b in &self.breakpoints {
            out.push_str(&format!("\nat {} = {}:\n", self.path, b.value));
            for line in b.diff.titled_changes() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        if !self.invalid.is_empty() {
            out.push_str(&format!(
                "\nskipped {} value{} the district cannot take:\n",
                self.invalid.len(),
                if self.invalid.len() == 1 { "" } else { "s" }
            ));
            for i in &self.invalid {
                out.push_str(&format!("  {} = {}: {}\n", self.path, i.value, i.message));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_range_and_lists_its_values() {
        let district = District::new("x", "X", crate::district::Kind::Unified, 1000, 0.2);
        let values = |text: &str| text.parse::<Vary>().unwrap().values(&district).unwrap();
        assert_eq!(
            values("students.el_share=0..1:0.25"),
            ["0.00", "0.25", "0.50", "0.75", "1.00"]
        );
        assert_eq!(
            values("leadership.changes_last_3_years=0..3:1"),
            ["0", "1", "2", "3"]
        );
        assert_eq!(values("students.el_share=0..1:0.01").len(), 101);
        assert_eq!(values("students.el_share=0..1:0.01")[40], "0.40");
        assert_eq!(values("programs.newcomer_program"), ["false", "true"]);
        assert_eq!(
            values("leadership.improvement_science"),
            ["Novice", "Emerging", "Established"]
        );
        assert_eq!(values("resources.budget=Low,High"), ["Low", "High"]);
        assert!("students.el_share"
            .parse::<Vary>()
            .unwrap()
            .values(&district)
            .is_err());
    }

    #[test]
    fn rejects_bad_ranges() {
        assert!("x=0..1".parse::<Vary>().is_err());
        assert!("=1,2".parse::<Vary>().is_err());
        assert!("x=,".parse::<Vary>().is_err());
        assert!("x=0..1:0".parse::<Vary>().is_err());
        assert!("x=1..0:0.1".parse::<Vary>().is_err());
        assert!("x=0..1000000:1".parse::<Vary>().is_err());
        assert!("x=a..1:1".parse::<Vary>().is_err());
    }
}
