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

/// `PATH=START..END:STEP`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    /// The field varied.
    pub path: String,
    /// The first value.
    pub start: f64,
    /// The last value (inclusive, within rounding).
    pub end: f64,
    /// The step between values.
    pub step: f64,
    /// Decimals shown, the most of START, END and STEP as written.
    pub decimals: usize,
}

impl std::str::FromStr for Vary {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let usage =
            || format!("`{text}` is not PATH=START..END:STEP (e.g. students.el_share=0..1:0.05)");
        let (path, range) = text.split_once('=').ok_or_else(usage)?;
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
        let vary = Vary {
            path: path.trim().to_string(),
            start: number(start)?,
            end: number(end)?,
            step: number(step)?,
            decimals,
        };
        if vary.step <= 0.0 {
            return Err(format!("`{text}`: STEP must be greater than 0"));
        }
        if vary.end < vary.start {
            return Err(format!("`{text}`: END must not be below START"));
        }
        let count = ((vary.end - vary.start) / vary.step + 1e-9).floor() + 1.0;
        if count > MAX_POINTS as f64 {
            return Err(format!(
                "`{text}` makes {count} points; a sweep plans at most {MAX_POINTS}"
            ));
        }
        Ok(vary)
    }
}

impl Vary {
    /// Every value, as written for `--set` (START, START+STEP, …, ≤ END).
    pub fn values(&self) -> Vec<String> {
        let count = ((self.end - self.start) / self.step + 1e-9).floor() as usize + 1;
        (0..count)
            .map(|k| format!("{:.*}", self.decimals, self.start + k as f64 * self.step))
            .collect()
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
    let values = vary.values();
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
    /// The sweep for people: one line per breakpoint.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{}: {} over {} values, {} breakpoint{}\n",
            self.district,
            self.path,
            self.values,
            self.breakpoints.len(),
            if self.breakpoints.len() == 1 { "" } else { "s" }
        );
        for b in &self.breakpoints {
            out.push_str(&format!(
                "at {} = {}: {}\n",
                self.path,
                b.value,
                b.changes.join(", ")
            ));
        }
        for i in &self.invalid {
            out.push_str(&format!(
                "invalid at {} = {}: {}\n",
                self.path, i.value, i.message
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_range_and_lists_its_values() {
        let vary: Vary = "students.el_share=0..1:0.25".parse().unwrap();
        assert_eq!(vary.values(), ["0.00", "0.25", "0.50", "0.75", "1.00"]);
        let vary: Vary = "leadership.changes_last_3_years=0..3:1".parse().unwrap();
        assert_eq!(vary.values(), ["0", "1", "2", "3"]);
        let vary: Vary = "students.el_share=0..1:0.01".parse().unwrap();
        assert_eq!(vary.values().len(), 101);
        assert_eq!(vary.values()[40], "0.40");
    }

    #[test]
    fn rejects_bad_ranges() {
        assert!("x=0..1".parse::<Vary>().is_err());
        assert!("x=0..1:0".parse::<Vary>().is_err());
        assert!("x=1..0:0.1".parse::<Vary>().is_err());
        assert!("x=0..1000000:1".parse::<Vary>().is_err());
        assert!("x=a..1:1".parse::<Vary>().is_err());
    }
}
