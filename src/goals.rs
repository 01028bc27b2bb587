//! Draft goals: for each outcome of the rule base's `goals.ron`, the
//! district's baseline (its latest value and year) and a target at the end
//! of the plan, or the data that would set them.
//!
//! How far a target moves each year is the rule base's; this module only
//! reads the district file and does the arithmetic of years.

use minijinja::Value;

use crate::district::District;
use crate::plan::{Goal, GoalPoint};
use crate::rulebase::rules::{GoalRule, GoalSource};

/// The first year of a school year (`2023-24` → 2023), or of a year.
fn first_year(year: &str) -> Option<i32> {
    year.get(..4)?.parse().ok()
}

/// The school year `start`-`start + 1` as districts write it (`2026-27`).
fn school_year(start: i32) -> String {
    format!("{start}-{:02}", (start + 1).rem_euclid(100))
}

/// The first year of the school year the plan ends in: from its calendar
/// start when dated, or, when not, counted from the newest year of the
/// district's data (its data year or its newest year of outcomes): the
/// plan starts in the school year after it, so no target falls before its
/// baseline.
pub(crate) fn end_school_year(
    district: &District,
    start: Option<(i32, u32)>,
    year_starts: u32,
    horizon_months: u32,
) -> Option<i32> {
    match start {
        Some((year, month)) => {
            let last = (month as i32 - 1) + horizon_months as i32 - 1;
            let (end_year, end_month) =
                (year + last.div_euclid(12), last.rem_euclid(12) as u32 + 1);
            Some(if end_month >= year_starts {
                end_year
            } else {
                end_year - 1
            })
        }
        None => {
            let years = district
                .data_year
                .iter()
                .chain(district.history.iter().map(|h| &h.year));
            let newest = years.filter_map(|y| first_year(y)).max()?;
            Some(newest + (horizon_months as i32 + 11) / 12)
        }
    }
}

/// The latest known value of a goal's outcome, its year, and how many
/// students it rests on where the file says; `value` is the district as
/// the rules read it (built once by the evaluation).
fn baseline(rule: &GoalRule, district: &District, value: &Value) -> Option<GoalPoint> {
    let number = |v: Value| f64::try_from(v).ok();
    let count = |v: Value| number(v).filter(|n| *n >= 0.0).map(|n| n.round() as u32);
    match &rule.from {
        GoalSource::History(field) => {
            let history = value.get_attr("history").ok()?;
            let entries: Vec<Value> = history.try_iter().ok()?.collect();
            entries.into_iter().rev().find_map(|entry| {
                let reported = number(entry.get_attr(field).ok()?)?;
                let year = entry.get_attr("year").ok()?;
                let students = match &rule.students_from {
                    // `els_prior|els`: the first of the fields the entry has.
                    Some(GoalSource::History(size)) => size
                        .split('|')
                        .find_map(|f| entry.get_attr(f.trim()).ok().and_then(count)),
                    Some(GoalSource::Field(path)) => {
                        crate::context::lookup(value, path).and_then(count)
                    }
                    None => None,
                };
                Some(GoalPoint {
                    value: reported,
                    year: year.as_str()?.to_string(),
                    students,
                })
            })
        }
        GoalSource::Field(path) => {
            let found = crate::context::lookup(value, path)?;
            let year = rule
                .year_from
                .as_ref()
                .and_then(|from| crate::context::lookup(value, from))
                .and_then(|y| y.as_str().map(str::to_string))
                .or_else(|| district.data_year.clone())?;
            // A history field has no entry to read beside a district field.
            let students = match &rule.students_from {
                Some(GoalSource::Field(size)) => {
                    crate::context::lookup(value, size).and_then(count)
                }
                _ => None,
            };
            Some(GoalPoint {
                value: number(found)?,
                year,
                students,
            })
        }
    }
}

/// The draft goals of `district` (whose template value the evaluation
/// built), in the rule base's order.
pub(crate) fn goals<'r>(
    rules: &'r [GoalRule],
    district: &District,
    value: &Value,
    end: Option<i32>,
) -> Vec<Goal<'r>> {
    rules
        .iter()
        .map(|rule| {
            let known = baseline(rule, district, value);
            let target = known.as_ref().and_then(|known| {
                let end = end?;
                let years = f64::from((end - first_year(&known.year)?).max(1));
                let mut target = known.value + rule.per_year * years;
                if let Some(floor) = rule.floor_of_baseline {
                    target = target.max(known.value * floor);
                }
                if let Some(min) = rule.min {
                    target = target.max(min);
                }
                if let Some(max) = rule.max {
                    target = target.min(max);
                }
                Some(GoalPoint {
                    value: (target * 1000.0).round() / 1000.0,
                    year: school_year(end),
                    students: None,
                })
            });
            let missing = if known.is_some() {
                Vec::new()
            } else {
                vec![match &rule.from {
                    GoalSource::History(field) => format!("history.{field}"),
                    GoalSource::Field(path) => path.clone(),
                }]
            };
            Goal {
                id: &rule.id,
                measure: &rule.measure,
                unit: rule.unit,
                baseline: known,
                target,
                source: &rule.source,
                frequency: &rule.frequency,
                missing,
                served_by: Vec::new(),
                findings: &rule.findings,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_years_are_written_as_districts_write_them() {
        assert_eq!(school_year(2026), "2026-27");
        assert_eq!(school_year(2099), "2099-00");
        assert_eq!(first_year("2023-24"), Some(2023));
    }

    #[test]
    fn a_dated_plan_ends_in_the_school_year_of_its_last_month() {
        let district = District::new("x", "X", crate::district::Kind::Unified, 100, 0.2);
        // August 2025 + 24 months ends in July 2027: school year 2026-27.
        assert_eq!(
            end_school_year(&district, Some((2025, 8)), 8, 24),
            Some(2026)
        );
        // January 2026 + 24 months ends in December 2027: school year 2027-28.
        assert_eq!(
            end_school_year(&district, Some((2026, 1)), 8, 24),
            Some(2027)
        );
        // Undated: no data year, no end.
        assert_eq!(end_school_year(&district, None, 8, 24), None);
        // Undated: from the newest data, the data year or a year of outcomes
        // after it (2023-24 here: the plan runs 2024-25 and 2025-26).
        let mut district = district;
        district.data_year = Some("2018-19".into());
        assert_eq!(end_school_year(&district, None, 8, 24), Some(2020));
        district.history.push(crate::district::YearOutcomes {
            year: "2023-24".into(),
            ..Default::default()
        });
        assert_eq!(end_school_year(&district, None, 8, 24), Some(2025));
    }
}
