//! `elplan sweep`: plan a district at every value of one field and report
//! the breakpoints, the values at which the plan changes and what changes.
//!
//! Points are planned in parallel (rayon) with one compiled rule base; each
//! point is the district with one `--set` override, so it meets the same
//! checks as a district file. Work is bounded before it is done: a range's
//! values are counted from START, END and STEP, never built to be counted,
//! and are planned a batch at a time, each plan kept only until the next
//! value's is compared with it, so a sweep of the most values holds a
//! batch of plans, not all of them.

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::compare::{compare, PlanDiff};
use crate::diagnostic::{Diagnostic, Diagnostics, ErrorKind};
use crate::district::District;
use crate::overrides::{self, Override};
use crate::session::Session;

/// The `format` field of sweep JSON.
pub const FORMAT: &str = "elplan.sweep/1";

/// The most points one sweep plans.
pub const MAX_POINTS: usize = 100_000;

/// The most decimals a range's values are written with: more than any
/// field's values need, and a bound on each value's size whatever STEP
/// is written with (a 30,000-digit STEP).
pub const MAX_DECIMALS: usize = 15;

/// How many values are planned at once: enough to keep every core busy,
/// few enough that their plans take little memory.
const BATCH: usize = 128;

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
                "`{}` is not PATH=START..END:STEP, PATH=A,B,C or PATH \
                 (e.g. students.el_share=0..1:0.05, or programs.newcomer_program for every value)",
                shorten(text)
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
        let step_text = step;
        let (start, end) = bounds.split_once("..").ok_or_else(usage)?;
        let number = |s: &str| match s.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            Ok(_) => Err(format!(
                "`{}` is too large a number for a sweep",
                shorten(s)
            )),
            Err(_) => Err(usage()),
        };
        let decimals = [start, end, step]
            .iter()
            .map(|s| s.trim().split_once('.').map_or(0, |(_, d)| d.len()))
            .max()
            .unwrap_or(0)
            .min(MAX_DECIMALS);
        let (start, end, step) = (number(start)?, number(end)?, number(step)?);
        if step <= 0.0 {
            return Err(format!(
                "`{}`: STEP must be greater than 0 (a step too small to tell from 0 is 0)",
                shorten(step_text)
            ));
        }
        if end < start {
            return Err(format!("`{}`: END must not be below START", shorten(text)));
        }
        let count = range_count(start, end, step);
        if count > MAX_POINTS as f64 {
            let count = if count < 1e15 {
                format!("{count}")
            } else {
                "more than a million billion".to_string()
            };
            return Err(format!(
                "`{path}={}..{}:{}` makes {count} points; a sweep plans at most {MAX_POINTS}",
                shorten(bounds.split_once("..").map_or("", |b| b.0)),
                shorten(bounds.split_once("..").map_or("", |b| b.1)),
                shorten(step_text),
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

/// How many values START..END:STEP holds, as a float: counted, never
/// built, so a range of a billion values costs nothing to refuse.
fn range_count(start: f64, end: f64, step: f64) -> f64 {
    ((end - start) / step + 1e-9).floor() + 1.0
}

/// A number as written, cut to its first and last digits when it is
/// longer than a message can quote: not all 30,000 digits of it.
fn shorten(text: &str) -> String {
    const QUOTED: usize = 64;
    let text = text.trim();
    if text.chars().count() <= QUOTED {
        return text.to_string();
    }
    match (
        text.char_indices().nth(12),
        text.char_indices().rev().nth(5),
    ) {
        (Some((head, _)), Some((tail, _))) if tail > head => {
            format!(
                "{}…{} ({} characters)",
                &text[..head],
                &text[tail..],
                text.chars().count()
            )
        }
        _ => text.to_string(),
    }
}

/// The values of a sweep for one district, each made when it is wanted.
#[derive(Debug, Clone, PartialEq)]
pub struct Points<'v> {
    values: &'v Values,
    /// The names of a named-choice field, or `false` and `true`.
    every: Vec<String>,
    len: usize,
}

impl Points<'_> {
    /// How many values.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Value `k` (0-based), as written for `--set`.
    pub fn get(&self, k: usize) -> String {
        match self.values {
            Values::Range {
                start,
                step,
                decimals,
                ..
            } => format!("{:.*}", decimals, start + k as f64 * step),
            Values::List(list) => list.get(k).cloned().unwrap_or_default(),
            Values::Every => self.every.get(k).cloned().unwrap_or_default(),
        }
    }

    /// Every value, in order.
    pub fn iter(&self) -> impl Iterator<Item = String> + '_ {
        (0..self.len).map(|k| self.get(k))
    }
}

impl Vary {
    /// The values for `district`, counted but not yet made (START,
    /// START+STEP, …, ≤ END): a yes/no field takes `false` and `true`, a
    /// named choice each of its names.
    pub fn points(&self, district: &District) -> Result<Points<'_>, String> {
        let (every, len) = match &self.values {
            Values::Range {
                start, end, step, ..
            } => {
                let count = range_count(*start, *end, *step);
                if !(0.0..=MAX_POINTS as f64).contains(&count) {
                    return Err(format!("a sweep plans at most {MAX_POINTS} values"));
                }
                (Vec::new(), count as usize)
            }
            Values::List(list) => (Vec::new(), list.len()),
            Values::Every => {
                let every: Vec<String> = if let Some(names) =
                    crate::district::enum_values(&self.path)
                {
                    names.iter().map(|n| n.to_string()).collect()
                } else if overrides::takes_type(district, &self.path, "true") {
                    vec!["false".to_string(), "true".to_string()]
                } else {
                    return Err(format!(
                            "`{}` is not a yes/no or named-choice field; give its values: `{}=START..END:STEP` or `{}=A,B,C`",
                            self.path, self.path, self.path
                        ));
                };
                let len = every.len();
                (every, len)
            }
        };
        Ok(Points {
            values: &self.values,
            every,
            len,
        })
    }

    /// Every value, as written for `--set`, for `district` (see
    /// [`Vary::points`], which makes them one at a time).
    pub fn values(&self, district: &District) -> Result<Vec<String>, String> {
        Ok(self.points(district)?.iter().collect())
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
        Diagnostic::of(
            ErrorKind::District,
            Path::new(&format!("--vary {}", vary.path)),
            format!("`{}` is not a district field", vary.path),
        )
        .with_optional_hint(hint)
    })?;
    let points = vary.points(district).map_err(|message| {
        Diagnostic::of(
            ErrorKind::District,
            Path::new(&format!("--vary {}", vary.path)),
            message,
        )
    })?;
    let plan_at = |value: &str| {
        let set = Override {
            path: vary.path.clone(),
            value: value.to_string(),
        };
        let point = overrides::apply(district, std::slice::from_ref(&set))
            .map_err(|d| d.0.first().map(|d| d.message.clone()).unwrap_or_default())?;
        session.plan(&point, file).map_err(|d| d.to_string())
    };
    let mut breakpoints = Vec::new();
    let mut invalid = Vec::new();
    // The last value planned, and its plan: all that is kept of a batch.
    let mut previous: Option<(String, crate::plan::Plan<'_>)> = None;
    for first in (0..points.len()).step_by(BATCH) {
        let batch: Vec<(String, Result<_, String>)> = (first..points.len().min(first + BATCH))
            .into_par_iter()
            .map(|k| {
                let value = points.get(k);
                let plan = plan_at(&value);
                (value, plan)
            })
            .collect();
        for (value, result) in batch {
            match result {
                Ok(plan) => {
                    if let Some((before_value, before)) = &previous {
                        let diff = compare(
                            before,
                            &plan,
                            &format!("{} = {before_value}", vary.path),
                            &format!("{} = {value}", vary.path),
                        );
                        if !diff.is_empty() {
                            breakpoints.push(Breakpoint {
                                value: value.clone(),
                                changes: diff.changes(),
                                diff,
                            });
                        }
                    }
                    previous = Some((value, plan));
                }
                Err(message) => invalid.push(Invalid { value, message }),
            }
        }
    }
    Ok(Sweep {
        format: FORMAT,
        district: district.name.clone(),
        path: vary.path.clone(),
        values: points.len(),
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
    fn a_range_is_counted_not_built_and_its_values_stay_short() {
        let district = District::new("x", "X", crate::district::Kind::Unified, 1000, 0.2);
        let zeros = "0".repeat(30_000);
        let vary: Vary = format!("x=0..1:0.0001{zeros}").parse().unwrap();
        let points = vary.points(&district).unwrap();
        assert_eq!(points.len(), 10_001);
        assert_eq!(points.get(1), "0.000100000000000");
        assert_eq!(points.get(10_000), "1.000000000000000");
        let huge = format!("x=0..1:1{zeros}").parse::<Vary>().unwrap_err();
        assert!(huge.len() < 200, "{huge}");
        let short = "x=1..0:0.1".parse::<Vary>().unwrap_err();
        assert!(short.starts_with("`x=1..0:0.1`: END"), "{short}");
        assert!(format!("x=0..1:0.{zeros}1").parse::<Vary>().is_err());
        assert!("x=-1e308..1e308:1".parse::<Vary>().is_err());
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
