//! Time: the months of every scheduled strategy.
//!
//! After [`crate::schedule`] has placed strategies in stages, each gets its
//! own months: it starts no earlier than its stage's first month and no
//! earlier than the month after each prerequisite's first run ends (finish
//! to start), waits for its calendar event's month when it is tied to one,
//! and lasts its duration, or to the end of the horizon when ongoing. A
//! strategy that cannot start within the horizon is deferred (`horizon`), and
//! so is what needed it. Stages may overlap: a strategy may run past its
//! stage's last month. Like the scheduler, this module knows nothing of
//! rules or districts.

use crate::plan::DeferReason;
use crate::schedule::{Placement, Schedule};

/// What timing needs to know of a strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSpec {
    /// Months of work (for an ongoing strategy, its first run), at least 1.
    pub duration: u32,
    /// Runs to the end of the horizon once started.
    pub ongoing: bool,
    /// The calendar month (1 = January) it must start in, if tied to an
    /// event, and how many months later it may still start.
    pub window: Option<(u32, u32)>,
    /// The plan month the team asked it to start in, and to end in.
    pub pin: Option<(u32, Option<u32>)>,
    /// Classroom work: it does not start in the frame's summer months.
    pub classroom: bool,
}

/// Whether a strategy's asked-for months were kept, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinOutcome {
    /// The plan keeps the asked-for months.
    pub honoured: bool,
    /// Why not: the month its prerequisites are done, or the horizon.
    pub why_not: Option<String>,
}

/// A strategy's months, 1-based and within the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Months {
    /// Its first month.
    pub start: u32,
    /// Its last month: the horizon's last when ongoing.
    pub end: u32,
    /// The months of its work (of its first run when ongoing): what
    /// needs it starts after them.
    pub duration: u32,
}

/// The calendar month (1 = January) of plan month `m`, when month 1 is
/// calendar month `first`.
pub fn calendar_month(first: u32, m: u32) -> u32 {
    (first + m - 2) % 12 + 1
}

/// The plan month a plan is adopted in when month 1 is calendar month
/// `first_month`: the calendar's first `adoption_month` at least
/// `months_to_adoption` months after month 1; `None` without one.
pub fn adoption_in(calendar: &crate::rulebase::rules::Calendar, first_month: u32) -> Option<u32> {
    let month = calendar.adoption_month?;
    let earliest = 1 + calendar.months_to_adoption;
    (earliest..earliest + 12).find(|&m| calendar_month(first_month, m) == month)
}

/// The plan's shape in time: the first month of each stage, the horizon in
/// months, and the calendar month of the plan's first month.
#[derive(Debug, Clone)]
pub struct Frame<'a> {
    /// The first month of each stage, in stage order.
    pub stage_starts: &'a [u32],
    /// The last month of the plan.
    pub horizon: u32,
    /// The calendar month (1 = January) month 1 falls in.
    pub first_month: u32,
    /// Calendar months classroom work does not start in (the summer).
    pub summer: &'a [u32],
}

/// Gives every scheduled strategy its months, in place of its stage; those
/// that cannot start within the horizon become deferred in `schedule`.
/// `requires[i]` are candidate `i`'s prerequisites.
pub fn time(
    schedule: &mut Schedule,
    requires: &[&[usize]],
    specs: &[TimeSpec],
    frame: &Frame<'_>,
) -> (Vec<Option<Months>>, Vec<Option<PinOutcome>>) {
    let n = specs.len();
    let mut months: Vec<Option<Months>> = vec![None; n];
    let mut pins: Vec<Option<PinOutcome>> = vec![None; n];
    // Prerequisites come before dependents: earlier stages first, and
    // prerequisites first within a stage.
    let order: Vec<(usize, usize)> = schedule
        .stages
        .iter()
        .enumerate()
        .flat_map(|(stage, list)| list.iter().map(move |&i| (stage, i)))
        .collect();
    for (stage, i) in order {
        let mut earliest = frame.stage_starts.get(stage).copied().unwrap_or(1).max(1);
        // The first month its prerequisites allow, whatever its stage.
        let mut ready_from = 1;
        let mut blocked = false;
        for &p in requires[i] {
            match (schedule.slots[p].placement, months[p]) {
                (Placement::Stage(_), Some(m)) => {
                    let ready = if specs[p].pin.is_some_and(|(_, end)| end.is_some()) {
                        m.end
                    } else {
                        m.start + specs[p].duration.max(1) - 1
                    };
                    earliest = earliest.max(ready + 1);
                    ready_from = ready_from.max(ready + 1);
                }
                (Placement::Deferred(_), _) => blocked = true,
                _ => {}
            }
        }
        // Its event's months, and for classroom work not the summer; no
        // start is both within a year at most, so the search is bounded.
        let in_window = |m: u32| {
            specs[i].window.is_none_or(|(month, slack)| {
                (calendar_month(frame.first_month, m) + 12 - month) % 12 <= slack
            })
        };
        let in_school = |m: u32| {
            !specs[i].classroom || !frame.summer.contains(&calendar_month(frame.first_month, m))
        };
        while !(in_window(earliest) && in_school(earliest)) && earliest <= frame.horizon {
            earliest += 1;
        }
        if blocked || earliest > frame.horizon {
            schedule.slots[i].placement = Placement::Deferred(DeferReason::Horizon);
            continue;
        }
        let mut end = if specs[i].ongoing {
            frame.horizon
        } else {
            (earliest + specs[i].duration.max(1) - 1).min(frame.horizon)
        };
        // The team's months, where the prerequisites and the horizon allow.
        if let Some((start, pinned_end)) = specs[i].pin {
            if start >= ready_from && start <= frame.horizon {
                earliest = start;
                end = match pinned_end {
                    Some(e) => e.min(frame.horizon),
                    None if specs[i].ongoing => frame.horizon,
                    None => (start + specs[i].duration.max(1) - 1).min(frame.horizon),
                };
                pins[i] = Some(PinOutcome {
                    honoured: true,
                    why_not: None,
                });
            } else {
                let why = if start > frame.horizon {
                    format!("month {start} is past the plan's {} months", frame.horizon)
                } else {
                    format!(
                        "what it needs first is done only in month {}",
                        ready_from - 1
                    )
                };
                pins[i] = Some(PinOutcome {
                    honoured: false,
                    why_not: Some(why),
                });
            }
        }
        months[i] = Some(Months {
            start: earliest,
            end,
            duration: specs[i].duration.max(1),
        });
    }
    for list in &mut schedule.stages {
        list.retain(|&i| months[i].is_some());
    }
    (months, pins)
}

/// The English names of the calendar months.
pub(crate) const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// One month of a plan, as documents name it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MonthLabel {
    /// The plan month, 1-based.
    pub number: u32,
    /// The calendar month's name (`August`).
    pub name: &'static str,
    /// Its first three letters (`Aug`).
    pub short: &'static str,
    /// The calendar year of a dated plan.
    pub year: Option<i32>,
    /// How documents label it: `Aug 2025` when dated, `M1 (Aug)` when not.
    pub label: String,
    /// `YYYY-MM` of a dated plan's month, and of the month after it.
    pub iso: Option<(String, String)>,
}

/// Every month of a plan of `horizon` months, from month 1 in calendar
/// month `first_month` of `year` (a dated plan) or of no year.
pub fn month_labels(year: Option<i32>, first_month: u32, horizon: u32) -> Vec<MonthLabel> {
    (1..=horizon)
        .map(|number| {
            let index = first_month as i32 - 1 + number as i32 - 1;
            let name = MONTH_NAMES[index.rem_euclid(12) as usize];
            let short = &name[..3];
            let year = year.map(|y| y + index.div_euclid(12));
            let label = match year {
                Some(y) => format!("{short} {y}"),
                None => format!("M{number} ({short})"),
            };
            let iso = year.map(|y| {
                let month = index.rem_euclid(12) + 1;
                let next = if month == 12 {
                    (y + 1, 1)
                } else {
                    (y, month + 1)
                };
                (
                    format!("{y:04}-{month:02}"),
                    format!("{:04}-{:02}", next.0, next.1),
                )
            });
            MonthLabel {
                number,
                name,
                short,
                year,
                label,
                iso,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_adopted_in_the_first_june_it_has_time_for() {
        let calendar = crate::rulebase::rules::Calendar {
            year_starts: 8,
            events: Vec::new(),
            adoption_month: Some(6),
            months_to_adoption: 7,
            no_classroom_starts: Vec::new(),
        };
        // August: June is month 11; November: month 8; January: not month
        // 6 (too soon) but month 18.
        assert_eq!(adoption_in(&calendar, 8), Some(11));
        assert_eq!(adoption_in(&calendar, 11), Some(8));
        assert_eq!(adoption_in(&calendar, 1), Some(18));
        let without = crate::rulebase::rules::Calendar {
            adoption_month: None,
            ..calendar
        };
        assert_eq!(adoption_in(&without, 8), None);
    }

    #[test]
    fn months_are_labelled_by_calendar_or_by_number() {
        let dated = month_labels(Some(2025), 8, 14);
        assert_eq!(dated[0].label, "Aug 2025");
        assert_eq!(dated[5].label, "Jan 2026");
        assert_eq!(dated[13].label, "Sep 2026");
        let undated = month_labels(None, 8, 12);
        assert_eq!(undated[0].label, "M1 (Aug)");
        assert_eq!(undated[11].label, "M12 (Jul)");
        assert_eq!(undated[11].year, None);
    }

    #[test]
    fn calendar_months_wrap_around_the_year() {
        assert_eq!(calendar_month(8, 1), 8);
        assert_eq!(calendar_month(8, 5), 12);
        assert_eq!(calendar_month(8, 6), 1);
        assert_eq!(calendar_month(8, 11), 6);
        assert_eq!(calendar_month(1, 12), 12);
        assert_eq!(calendar_month(1, 13), 1);
    }
}

// Properties of timing on generated plans: prerequisites finish before
// their dependents start, nothing but an ongoing strategy runs to the
// horizon's end by default, a tied strategy starts in its window, the
// improvement process is never deferred for capacity, and the same input
// gives the same months.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::schedule::{schedule, Candidate, Decision};

    #[derive(Debug, Clone)]
    struct Case {
        stage: usize,
        requires: Vec<usize>,
        chosen: bool,
        counts: bool,
        spec: TimeSpec,
    }

    fn cases() -> impl Strategy<Value = Vec<Case>> {
        (1usize..30).prop_flat_map(|n| {
            (0..n)
                .map(|i| {
                    let requires = if i == 0 {
                        Just(Vec::new()).boxed()
                    } else {
                        proptest::collection::vec(0..i, 0..3).boxed()
                    };
                    let window = proptest::option::of((1u32..=12, 0u32..3));
                    (
                        0usize..4,
                        requires,
                        any::<bool>(),
                        proptest::bool::weighted(0.6),
                        1u32..6,
                        any::<bool>(),
                        window,
                        proptest::bool::weighted(0.3),
                    )
                        .prop_map(
                            |(
                                stage,
                                mut requires,
                                chosen,
                                counts,
                                duration,
                                ongoing,
                                window,
                                classroom,
                            )| {
                                requires.sort_unstable();
                                requires.dedup();
                                Case {
                                    stage,
                                    requires,
                                    chosen,
                                    counts,
                                    spec: TimeSpec {
                                        pin: None,
                                        duration,
                                        ongoing,
                                        window,
                                        classroom,
                                    },
                                }
                            },
                        )
                })
                .collect::<Vec<_>>()
        })
    }

    fn run(
        cases: &[Case],
        cap: Option<usize>,
        horizon: u32,
        first_month: u32,
    ) -> (Schedule, Vec<Option<Months>>) {
        let ids: Vec<String> = (0..cases.len()).map(|i| format!("s{i:02}")).collect();
        let candidates: Vec<Candidate<'_>> = cases
            .iter()
            .zip(&ids)
            .map(|(c, id)| Candidate {
                id,
                stage: c.stage,
                priority: 1,
                requires: &c.requires,
                decision: if c.chosen {
                    Decision::Chosen
                } else {
                    Decision::NotChosen
                },
                counts: c.counts,
                change: c.counts,
                instructional: false,
                fallback: false,
                claim: crate::schedule::Claim::Finding,
                answers: Vec::new(),
                standby: Vec::new(),
            })
            .collect();
        let limits = crate::schedule::Limits {
            per_stage: cap,
            ..Default::default()
        };
        let mut result = schedule(&candidates, 4, limits);
        let starts: Vec<u32> = (0..4).map(|k| 1 + k * horizon / 4).collect();
        let requires: Vec<&[usize]> = cases.iter().map(|c| &c.requires[..]).collect();
        let specs: Vec<TimeSpec> = cases.iter().map(|c| c.spec).collect();
        let frame = Frame {
            stage_starts: &starts,
            horizon,
            first_month,
            summer: &[6, 7],
        };
        let (months, _) = time(&mut result, &requires, &specs, &frame);
        (result, months)
    }

    proptest! {
        #[test]
        fn timing_keeps_its_promises(
            cases in cases(),
            cap in proptest::option::of(1usize..5),
            years in 1u32..=3,
            first_month in 1u32..=12,
        ) {
            let horizon = years * 12;
            let (result, months) = run(&cases, cap, horizon, first_month);
            for (i, case) in cases.iter().enumerate() {
                let placement = result.slots[i].placement;
                prop_assert_eq!(matches!(placement, Placement::Stage(_)), months[i].is_some(), "s{} placed but not timed", i);
                let Some(m) = months[i] else { continue };
                prop_assert!(m.start >= 1 && m.start <= m.end && m.end <= horizon, "s{}: {:?}", i, m);
                if !case.spec.ongoing {
                    prop_assert!(m.end < m.start + case.spec.duration, "s{} runs past its duration", i);
                } else {
                    prop_assert_eq!(m.end, horizon);
                }
                for &p in &case.requires {
                    if let Some(before) = months[p] {
                        prop_assert!(before.start + cases[p].spec.duration - 1 < m.start, "s{} starts before its prerequisite s{} is done", i, p);
                    }
                }
                if let Some((month, slack)) = case.spec.window {
                    let offset = (calendar_month(first_month, m.start) + 12 - month) % 12;
                    prop_assert!(offset <= slack, "s{} starts outside its event's months", i);
                }
                if case.spec.classroom {
                    let month = calendar_month(first_month, m.start);
                    prop_assert!(month != 6 && month != 7, "classroom work s{} starts in month {}", i, month);
                }
            }
            for (i, case) in cases.iter().enumerate() {
                if !case.counts {
                    prop_assert_ne!(result.slots[i].placement, Placement::Deferred(DeferReason::Capacity), "s{}", i);
                }
            }
        }

        #[test]
        fn the_same_input_gives_the_same_months(cases in cases(), cap in proptest::option::of(1usize..5)) {
            prop_assert_eq!(run(&cases, cap, 24, 8), run(&cases, cap, 24, 8));
        }
    }
}
