//! From an evaluation to a [`Plan`]: priorities, the scheduler's
//! placements, and the plan's lists and stages, with rule texts borrowed
//! from the rule base.
//!
//! The priority formula's weights come from the rule base's policy; the
//! placement rules are [`crate::schedule`]'s. This module only joins them
//! up and names things for the plan.

use crate::condition::{Missing, Truth};
use crate::district::District;
use crate::engine::{Evaluation, FindingOutcome};
use crate::plan::{
    AlsoConsidered, Brief, ChapterPlan, ComplianceItem, ComplianceStatus, DataRequest, Deferred,
    DistrictSummary, DriverDiagram, FiredFinding, Goal, InPlace, NotFiredReason, Pending,
    PendingKind, Plan, PrimaryDriver, Reason, Scheduled, SecondaryDriver, SetAside, StagePlan,
    TeamDecision, FORMAT,
};
use crate::rulebase::rules::{Finding, Measure, Severity, Strategy, StrategyKind};
use crate::rulebase::{CompiledStrategy, RuleBase};
use crate::schedule::{schedule, Candidate, Claim, Decision, Limits, Placement, Schedule, Standby};
use crate::timing::{time, Frame, Months, PinOutcome, TimeSpec};

/// The calendar month a dated plan starts in: (year, month 1-12).
pub type YearMonth = (i32, u32);

/// Builds the plan from the evaluation: choice, closure, stages, months,
/// output. `start` is the calendar month of month 1 of a dated plan.
pub fn assemble<'r>(
    rules: &'r RuleBase,
    district: &District,
    evaluation: &Evaluation,
    start: Option<YearMonth>,
) -> Plan<'r> {
    // The weight each finding adds to the strategies that answer it: its
    // severity's when it fired, nothing otherwise.
    let fired_weight: Vec<u32> = evaluation
        .findings
        .iter()
        .zip(&rules.findings)
        .map(|(o, f)| match o {
            FindingOutcome::Fired(_) => rules
                .policy
                .severity_weight(severity(rules, evaluation, &f.rule)),
            _ => 0,
        })
        .collect();
    let candidates = candidates(rules, district, evaluation, &fired_weight);
    let limits = Limits {
        per_stage: district
            .resources
            .max_initiatives_per_stage
            .map(|c| c as usize),
        change_ideas: rules.policy.max_change_ideas.map(|c| c as usize),
        fill_to: rules.policy.fill_to.map(|c| c as usize),
        instructional: district.students.el_share > 0.0,
    };
    let mut schedule = schedule(&candidates, rules.stages.len(), limits);
    let months = u32::from(district.horizon_years()) * 12;
    let first_month = start.map_or(rules.calendar.year_starts, |(_, m)| m);
    let (starts, adoption) = stage_starts(rules, months, first_month);
    let windows = stage_windows(&starts, months);
    let (timed, pins) = time_strategies(
        rules,
        district,
        &mut schedule,
        (&starts, adoption),
        months,
        first_month,
    );
    let (findings, mut pending, not_fired) = finding_lists(rules, district, evaluation);
    let (in_place, not_needed, deferred) =
        strategy_lists(rules, evaluation, &schedule, &mut pending);
    let compliance = compliance(rules, evaluation);
    let also_considered = also_considered(rules, evaluation, &schedule, &compliance);
    let set_aside = set_aside(rules, district, &schedule);
    let stages = stages(
        rules,
        district,
        evaluation,
        &schedule,
        &windows,
        (&timed, &pins),
    );
    let driver_diagram = driver_diagram(rules, &findings, &stages);
    let chapters = crate::chapters::chapters(rules, evaluation, &stages);
    let data_request = data_request(rules, evaluation, &schedule, &chapters);
    let end = crate::goals::end_school_year(district, start, rules.calendar.year_starts, months);
    let goals = goals(rules, district, evaluation, &stages, end);
    Plan {
        format: FORMAT,
        district: DistrictSummary {
            id: district.id.clone(),
            name: district.name.clone(),
            data_year: district.data_year.clone(),
        },
        horizon_months: months,
        findings,
        pending,
        stages,
        in_place,
        not_needed,
        deferred,
        not_fired,
        rules: &rules.origin,
        derived: rules
            .derived
            .iter()
            .zip(&evaluation.derived)
            .filter_map(|(d, v)| v.as_ref().ok().map(|v| (d.rule.id.as_str(), v.clone())))
            .collect(),
        driver_diagram,
        start: start.map(|(y, m)| format!("{y:04}-{m:02}")),
        first_month,
        goals,
        compliance,
        data_request,
        set_aside,
        also_considered,
        chapters,
        warnings: Vec::new(),
    }
}

/// The requirements checklist: each requirement met, not met, to confirm
/// (with what would settle it) or not applicable.
fn compliance<'r>(rules: &'r RuleBase, evaluation: &Evaluation) -> Vec<ComplianceItem<'r>> {
    rules
        .requirements
        .iter()
        .zip(&evaluation.requirements)
        .map(|(r, truth)| {
            let applies = applies(rules, evaluation, r.rule.applies_if.as_deref());
            let (status, missing) = match truth {
                _ if !applies => (ComplianceStatus::NotApplicable, Vec::new()),
                Truth::True => (ComplianceStatus::Met, Vec::new()),
                Truth::False => (ComplianceStatus::NotMet, Vec::new()),
                Truth::Unknown(m) => (ComplianceStatus::Confirm, rules.names_of(m)),
            };
            ComplianceItem {
                id: &r.rule.id,
                requirement: &r.rule.requirement,
                basis: &r.rule.basis,
                status,
                missing,
                remedies: &r.rule.remedies,
                // Known to apply, not merely not known not to.
                required_here: r.rule.applies_if.as_deref().is_some_and(|id| {
                    derived_value(rules, evaluation, id).is_some_and(minijinja::Value::is_true)
                }),
            }
        })
        .collect()
}

/// The change ideas a strategy needs first (its prerequisites, and theirs)
/// that the plan does not schedule, by id, nearest first: with them it
/// would take more places than were left.
fn unscheduled_prerequisites<'r>(
    rules: &'r RuleBase,
    schedule: &Schedule,
    s: &CompiledStrategy,
) -> Vec<&'r str> {
    let mut seen = vec![false; rules.strategies.len()];
    let mut queue: std::collections::VecDeque<usize> = s.requires.iter().copied().collect();
    let mut out = Vec::new();
    while let Some(i) = queue.pop_front() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let p = &rules.strategies[i];
        if p.rule.kind == StrategyKind::Change
            && !matches!(schedule.slots[i].placement, Placement::Stage(_))
        {
            out.push(p.rule.id.as_str());
        }
        queue.extend(p.requires.iter().copied());
    }
    out
}

/// The chosen change ideas the plan does not select, each with why.
fn also_considered<'r>(
    rules: &'r RuleBase,
    evaluation: &Evaluation,
    schedule: &Schedule,
    compliance: &[ComplianceItem<'r>],
) -> Vec<AlsoConsidered<'r>> {
    // The scheduled change ideas, by index, for what answers a finding.
    let scheduled: Vec<usize> = rules
        .strategies
        .iter()
        .zip(&schedule.slots)
        .enumerate()
        .filter(|(_, (s, slot))| {
            s.rule.kind == StrategyKind::Change && matches!(slot.placement, Placement::Stage(_))
        })
        .map(|(i, _)| i)
        .collect();
    let mut list: Vec<(u32, AlsoConsidered<'r>)> = rules
        .strategies
        .iter()
        .zip(&schedule.slots)
        .filter(|(_, slot)| slot.placement == Placement::AlsoConsidered)
        .map(|(s, slot)| {
            let answers: Vec<usize> = s
                .addresses
                .iter()
                .copied()
                .filter(|&f| matches!(evaluation.findings[f], FindingOutcome::Fired(_)))
                .collect();
            // What it would answer, or else why the rule base offers it; the
            // section's introduction says why the selected ones come first,
            // so each line does not repeat it.
            // Written without `format!`: a plan has a dozen of these.
            let mut why = String::with_capacity(48 * answers.len());
            if let Some((last, rest)) = answers.split_last() {
                why.push_str("It answers ");
                for (k, &f) in rest.iter().enumerate() {
                    if k > 0 {
                        why.push_str(", ");
                    }
                    quote(&mut why, &rules.findings[f].rule.title);
                }
                if !rest.is_empty() {
                    why.push_str(" and ");
                }
                quote(&mut why, &rules.findings[*last].rule.title);
                why.push('.');
            } else {
                // Chosen for every plan (or for the team's goals): the
                // rule base's reason for it.
                why = crate::helpers::first_sentence(&s.rule.rationale);
            }
            let answering = |f: usize| {
                scheduled
                    .iter()
                    .filter(move |&&j| rules.strategies[j].addresses.contains(&f))
            };
            let mut answered_by: Vec<&str> = answers
                .iter()
                .flat_map(|&f| answering(f))
                .map(|&j| rules.strategies[j].rule.id.as_str())
                .collect();
            answered_by.sort_unstable();
            answered_by.dedup();
            let item = AlsoConsidered {
                id: &s.rule.id,
                title: &s.rule.title,
                why,
                addresses: answers
                    .iter()
                    .map(|&f| rules.findings[f].rule.id.as_str())
                    .collect(),
                answered_by,
                unanswered: answers
                    .iter()
                    .filter(|&&f| answering(f).next().is_none())
                    .map(|&f| rules.findings[f].rule.id.as_str())
                    .collect(),
                requirements_to_confirm: compliance
                    .iter()
                    .filter(|c| c.status == ComplianceStatus::Confirm)
                    .filter(|c| c.remedies.contains(&s.rule.id))
                    .map(|c| c.id)
                    .collect(),
                needs_first: unscheduled_prerequisites(rules, schedule, s),
            };
            (slot.priority, item)
        })
        .collect();
    list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(b.1.id)));
    list.into_iter().map(|(_, item)| item).collect()
}

/// Appends `text` in quotation marks.
fn quote(out: &mut String, text: &str) {
    out.push('“');
    out.push_str(text);
    out.push('”');
}

/// Each field that pending findings, strategies or checklist items wait
/// on, with what waits on it; the fields that decide the most first, then
/// those that decide the most findings, then by name.
fn data_request<'r>(
    rules: &'r RuleBase,
    evaluation: &Evaluation,
    schedule: &Schedule,
    chapters: &[ChapterPlan<'r>],
) -> Vec<DataRequest<'r>> {
    // What waits on each name, as (name, list, id), gathered in one vector
    // and grouped by name: the lists keep the order they were found in.
    let mut waiting: Vec<(usize, usize, &'r str)> = Vec::with_capacity(256);
    let mut wait = |missing: &Missing, list: usize, id: &'r str| {
        waiting.extend(missing.iter().map(|name| (name, list, id)));
    };
    for (outcome, f) in evaluation.findings.iter().zip(&rules.findings) {
        if let FindingOutcome::Unknown(missing) = outcome {
            wait(missing, 0, &f.rule.id);
        }
    }
    for ((slot, s), outcome) in schedule
        .slots
        .iter()
        .zip(&rules.strategies)
        .zip(&evaluation.strategies)
    {
        if let (Placement::Pending, Truth::Unknown(missing)) = (&slot.placement, &outcome.when) {
            wait(missing, 1, &s.rule.id);
        }
    }
    for (truth, r) in evaluation.requirements.iter().zip(&rules.requirements) {
        if let Truth::Unknown(missing) = truth {
            wait(missing, 2, &r.rule.id);
        }
    }
    // Grouped by name, a counting sort: entries were gathered list by
    // list, so keeping their order within a name keeps the lists' order.
    let waiting = group_by_name(waiting, rules.names.len());
    let mut request: Vec<(usize, DataRequest<'r>)> = waiting
        .chunk_by(|a, b| a.0 == b.0)
        .map(|group| {
            let name = group[0].0;
            let list = |k: usize| -> Vec<&'r str> {
                group
                    .iter()
                    .filter(|&&(_, l, _)| l == k)
                    .map(|&(_, _, id)| id)
                    .collect()
            };
            let source = rules.name_source[name].map(|i| &rules.data_sources[i]);
            let request = DataRequest {
                field: &rules.names[name],
                question: source.map(|s| s.question.as_str()),
                source: source.map(|s| s.source.as_str()),
                findings: list(0),
                strategies: list(1),
                requirements: list(2),
                chapters: Vec::new(),
            };
            (name, request)
        })
        .collect();
    // Ranks are unique, so the order is total.
    request.sort_unstable_by_key(|(name, r)| {
        let decides = r.findings.len() + r.strategies.len() + r.requirements.len();
        (
            std::cmp::Reverse(decides),
            std::cmp::Reverse(r.findings.len()),
            rules.name_rank[*name],
        )
    });
    // The chapters' blanks join it: a field already asked for names the
    // chapters too; another is asked for after the rest, in the chapters'
    // order.
    let mut at = vec![usize::MAX; rules.names.len()];
    for (i, (name, _)) in request.iter().enumerate() {
        at[*name] = i;
    }
    for c in chapters {
        for b in &c.blanks {
            match at[b.name] {
                usize::MAX => {
                    at[b.name] = request.len();
                    request.push((
                        b.name,
                        DataRequest {
                            field: b.field,
                            question: Some(b.question),
                            source: b.source,
                            findings: Vec::new(),
                            strategies: Vec::new(),
                            requirements: Vec::new(),
                            chapters: vec![c.id],
                        },
                    ));
                }
                i => request[i].1.chapters.push(c.id),
            }
        }
    }
    request.into_iter().map(|(_, r)| r).collect()
}

/// Each stage's first month. With the calendar's adoption month, the
/// development stages (all but the last) share the months up to the
/// plan's adoption, by their shares, and the last stage starts with the
/// school year after it (DOMAIN.md Revision 3: the first school year
/// builds the plan, the second runs it); it may start past the horizon,
/// and then holds nothing. Otherwise each stage has its share of the
/// horizon. Also the plan month of adoption, when the calendar has one.
fn stage_starts(rules: &RuleBase, months: u32, first_month: u32) -> (Vec<u32>, Option<u32>) {
    let stages = &rules.stages;
    let calendar = &rules.calendar;
    let adoption = crate::timing::adoption_in(calendar, first_month).filter(|_| stages.len() >= 2);
    let Some(adoption) = adoption else {
        return (shares(stages, months), None);
    };
    let development = &stages[..stages.len() - 1];
    let mut starts = shares(development, adoption);
    let implement = (adoption + 1..adoption + 13)
        .find(|&m| crate::timing::calendar_month(first_month, m) == calendar.year_starts)
        .unwrap_or(adoption + 1);
    starts.push(implement);
    (starts, Some(adoption))
}

/// The first month of each of `stages` when they share `months` months by
/// their shares, in proportion.
fn shares(stages: &[crate::rulebase::rules::Stage], months: u32) -> Vec<u32> {
    let total: f64 = stages.iter().map(|s| s.share).sum();
    let mut starts = Vec::with_capacity(stages.len());
    let mut cumulative = 0.0;
    let mut end = 0u32;
    for (index, stage) in stages.iter().enumerate() {
        let start = end + 1;
        starts.push(start);
        cumulative += stage.share;
        end = if index + 1 == stages.len() {
            months.max(start)
        } else {
            ((cumulative / total * f64::from(months)).round() as u32).max(start)
        };
    }
    starts
}

/// Each stage's first and last month as the plan shows them, within the
/// horizon: a stage ends where the next begins.
fn stage_windows(starts: &[u32], months: u32) -> Vec<(u32, u32)> {
    starts
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            let end = starts
                .get(i + 1)
                .map_or(months, |&next| next.saturating_sub(1));
            let start = start.min(months);
            (start, end.clamp(start, months))
        })
        .collect()
}

/// Every scheduled strategy's months; those that cannot start within the
/// horizon become deferred.
fn time_strategies(
    rules: &RuleBase,
    district: &District,
    schedule: &mut Schedule,
    (stage_starts, adoption): (&[u32], Option<u32>),
    horizon: u32,
    first_month: u32,
) -> (Vec<Option<Months>>, Vec<Option<PinOutcome>>) {
    let requires: Vec<&[usize]> = rules.strategies.iter().map(|s| &s.requires[..]).collect();
    // A development shorter than a full year (from the school year's start
    // to the adoption month) takes its steps in proportionally fewer
    // months, never more.
    let development = rules.stages.len().saturating_sub(1);
    let scale = match (rules.calendar.adoption_month, adoption) {
        (Some(month), Some(at)) => {
            let full = (month + 12 - rules.calendar.year_starts) % 12;
            (f64::from(at - 1) / f64::from(full.max(1))).min(1.0)
        }
        _ => 1.0,
    };
    let specs: Vec<TimeSpec> = rules
        .strategies
        .iter()
        .map(|s| TimeSpec {
            duration: if s.stage < development {
                ((f64::from(s.rule.duration) * scale).round() as u32).max(1)
            } else {
                s.rule.duration
            },
            ongoing: s.rule.ongoing,
            window: s.tie.map(|t| (t.month, t.slack)),
            pin: district
                .decisions
                .strategies
                .get(&s.rule.id)
                .and_then(|d| Some((d.start_month?, d.end_month))),
            classroom: s.rule.classroom,
        })
        .collect();
    let frame = Frame {
        stage_starts,
        horizon,
        first_month,
        summer: &rules.calendar.no_classroom_starts,
    };
    time(schedule, &requires, &specs, &frame)
}

/// The driver diagram's drivers: every area with a secondary driver or a
/// change idea; under it, the conditions its fired findings call for, with
/// the change strategies that answer them, and its change strategies that
/// answer none.
fn driver_diagram<'r>(
    rules: &'r RuleBase,
    findings: &[FiredFinding<'r>],
    stages: &[StagePlan<'r>],
) -> DriverDiagram<'r> {
    // One pass over the plan, by area position (a handful of areas):
    // each area's secondary drivers, in the findings' order, and its change
    // strategies that answer none of them. A change idea stands under the
    // secondary drivers it answers, in whichever area they are; an area
    // with neither is left out.
    let area_of = |id: &str| rules.areas.iter().position(|a| a.id == id);
    let count = rules.areas.len();
    let mut secondary: Vec<Vec<SecondaryDriver<'r>>> = (0..count).map(|_| Vec::new()).collect();
    let mut core: Vec<Vec<&'r str>> = vec![Vec::new(); count];
    // Where each finding's secondary driver is: (finding, area, index).
    let mut drivers: Vec<(&str, usize, usize)> = Vec::new();
    for f in findings {
        let (Some(driver), Some(area)) = (f.driver, area_of(f.area)) else {
            continue;
        };
        drivers.push((f.id, area, secondary[area].len()));
        secondary[area].push(SecondaryDriver {
            finding: f.id,
            driver,
            change_ideas: Vec::new(),
        });
    }
    let changes = stages
        .iter()
        .flat_map(|s| &s.strategies)
        .filter(|s| s.kind == StrategyKind::Change);
    for s in changes {
        let Some(area) = area_of(s.area) else {
            continue;
        };
        let mut answers = false;
        for f in &s.addresses {
            if let Some(&(_, a, k)) = drivers.iter().find(|d| d.0 == *f) {
                secondary[a][k].change_ideas.push(s.id);
                answers = true;
            }
        }
        if !answers {
            core[area].push(s.id);
        }
    }
    let drivers = rules
        .areas
        .iter()
        .zip(secondary.into_iter().zip(core))
        .filter(|(_, (secondary, core))| !secondary.is_empty() || !core.is_empty())
        .map(|(a, (secondary, change_ideas))| PrimaryDriver {
            area: &a.id,
            title: &a.title,
            secondary,
            change_ideas,
        })
        .collect();
    DriverDiagram {
        aim: String::new(),
        drivers,
    }
}

/// What the rules decided for strategy `i`: set aside by the team, in
/// place, chosen (or a remedy of an unmet requirement), not chosen, or
/// pending on missing data.
fn decision(
    rules: &RuleBase,
    district: &District,
    evaluation: &Evaluation,
    remedy: bool,
    i: usize,
) -> Decision {
    let outcome = &evaluation.strategies[i];
    let set_aside = district
        .decisions
        .strategies
        .get(&rules.strategies[i].rule.id)
        .is_some_and(|d| d.keep == Some(false));
    let rule = &rules.strategies[i].rule;
    if set_aside {
        Decision::SetAside
    } else if outcome.in_place == Some(Truth::True)
        || (!remedy && !applies(rules, evaluation, rule.applies_if.as_deref()))
    {
        Decision::InPlace
    } else if remedy {
        Decision::Chosen
    } else {
        match outcome.when {
            Truth::True => Decision::Chosen,
            Truth::False => Decision::NotChosen,
            Truth::Unknown(_) => Decision::Pending,
        }
    }
}

/// One scheduling candidate per strategy: what the rules decided, and its
/// priority under the rule base's policy. A remedy of an unmet requirement
/// is chosen whatever its own condition, and claims capacity first; a
/// change idea that answers one of the team's goals claims it next.
fn candidates<'r>(
    rules: &'r RuleBase,
    district: &District,
    evaluation: &Evaluation,
    fired_weight: &[u32],
) -> Vec<Candidate<'r>> {
    let policy = &rules.policy;
    let mut remedy = vec![false; rules.strategies.len()];
    // A requirement that does not concern the district (its `applies_if`
    // is false) calls for no remedy, whatever its condition says.
    for (r, truth) in rules.requirements.iter().zip(&evaluation.requirements) {
        if *truth == Truth::False && applies(rules, evaluation, r.rule.applies_if.as_deref()) {
            for id in &r.rule.remedies {
                if let Some(&i) = rules.strategy_index.get(id) {
                    remedy[i] = true;
                }
            }
        }
    }
    let decisions: Vec<Decision> = (0..rules.strategies.len())
        .map(|i| decision(rules, district, evaluation, remedy[i], i))
        .collect();
    // The chosen change ideas that answer each finding and are not
    // studies: a study answers only the other findings, and these only
    // when none of those ideas fits the places left (`policy.ron`'s
    // `studies`).
    let mut changed: Vec<Vec<usize>> = vec![Vec::new(); rules.findings.len()];
    for (i, s) in rules.strategies.iter().enumerate() {
        if decisions[i] == Decision::Chosen
            && s.rule.kind == StrategyKind::Change
            && !rules.roles[i].study
        {
            for &f in &s.addresses {
                changed[f].push(i);
            }
        }
    }
    rules
        .strategies
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let decision = decisions[i];
            let answered: u32 = s.addresses.iter().map(|&f| fired_weight[f]).sum();
            let goals = goal_paths(rules, evaluation, i);
            let change = s.rule.kind == StrategyKind::Change;
            let claim = if !change {
                Claim::Finding
            } else if remedy[i] {
                Claim::Requirement(goals)
            } else if !goals.is_empty() {
                Claim::Goal(goals)
            } else {
                Claim::Finding
            };
            let weight = match claim {
                Claim::Requirement(_) => policy.requirement_weight,
                Claim::Goal(_) => policy.goal_weight,
                Claim::Finding => 0,
            };
            let study = rules.roles[i].study;
            let fired_addresses = || {
                s.addresses
                    .iter()
                    .filter(|&&f| change && fired_weight[f] > 0)
            };
            let answers: Vec<(usize, u32)> = fired_addresses()
                .filter(|&&f| !study || changed[f].is_empty())
                .map(|&f| (f, fired_weight[f]))
                .collect();
            let standby: Vec<Standby> = fired_addresses()
                .filter(|&&f| study && !changed[f].is_empty())
                .map(|&f| Standby {
                    finding: f,
                    weight: fired_weight[f],
                    changes: changed[f].clone(),
                })
                .collect();
            // A study left with nothing to answer comes last for a place of
            // its own: it is in a plan as what a change needs first.
            let idle_study = study && claim == Claim::Finding && answers.is_empty();
            Candidate {
                id: &s.rule.id,
                stage: s.stage,
                priority: if idle_study {
                    0
                } else {
                    policy
                        .priority(s.rule.leverage, answered)
                        .saturating_add(weight)
                },
                requires: &s.requires,
                decision,
                counts: change && !remedy[i],
                change,
                instructional: rules.roles[i].instructional,
                fallback: rules.roles[i].fallback,
                claim,
                answers,
                standby,
            }
        })
        .collect()
}

/// The fired findings (most severe first), the pending ones, and those
/// that did not fire.
fn finding_lists<'r>(
    rules: &'r RuleBase,
    district: &District,
    evaluation: &Evaluation,
) -> (Vec<FiredFinding<'r>>, Vec<Pending<'r>>, Vec<Brief<'r>>) {
    let mut findings: Vec<(usize, FiredFinding<'r>)> = Vec::new();
    let mut pending = Vec::new();
    let mut not_fired = Vec::new();
    for (i, (outcome, f)) in evaluation.findings.iter().zip(&rules.findings).enumerate() {
        let f = &f.rule;
        match outcome {
            FindingOutcome::Fired(evidence) => findings.push((
                i,
                FiredFinding {
                    id: &f.id,
                    title: &f.title,
                    area: &f.area,
                    severity: severity(rules, evaluation, f),
                    driver: f.driver.as_deref(),
                    evidence: evidence.clone(),
                    sources: &f.sources,
                    questions: &f.questions,
                    verdict: district.decisions.findings.get(&f.id).map(|d| d.verdict),
                    verdict_note: district
                        .decisions
                        .findings
                        .get(&f.id)
                        .and_then(|d| d.note.clone()),
                },
            )),
            FindingOutcome::NotFired => not_fired.push(not_fired_brief(rules, evaluation, f)),
            FindingOutcome::Unknown(missing) => pending.push(Pending {
                id: &f.id,
                kind: PendingKind::Finding,
                missing: rules.names_of(missing),
                title: &f.title,
            }),
        }
    }
    findings.sort_by_key(|(i, f)| (std::cmp::Reverse(f.severity), *i));
    let findings = findings.into_iter().map(|(_, f)| f).collect();
    (findings, pending, not_fired)
}

/// A finding's severity for the district: one lower where its `lower_if`
/// holds.
fn severity(rules: &RuleBase, evaluation: &Evaluation, f: &Finding) -> Severity {
    let lower = f
        .lower_if
        .as_deref()
        .is_some_and(|id| derived_value(rules, evaluation, id).is_some_and(|v| v.is_true()));
    match (lower, f.severity) {
        (true, Severity::High) => Severity::Medium,
        (true, _) => Severity::Low,
        (false, s) => s,
    }
}

/// Whether a rule whose `applies_if` names the derived value `id`
/// concerns the district: unless that value is known and false.
fn applies(rules: &RuleBase, evaluation: &Evaluation, id: Option<&str>) -> bool {
    id.is_none_or(|id| derived_value(rules, evaluation, id).is_none_or(|v| v.is_true()))
}

/// The derived value `id`, where the rule base has it and it is known.
fn derived_value<'e>(
    rules: &RuleBase,
    evaluation: &'e Evaluation,
    id: &str,
) -> Option<&'e minijinja::Value> {
    let &j = rules.derived_index.get(id)?;
    evaluation.derived[j].as_ref().ok()
}

/// The draft goals that concern the district (their `applies_if`), each
/// with the plan's change ideas that work toward it.
fn goals<'r>(
    rules: &'r RuleBase,
    district: &District,
    evaluation: &Evaluation,
    stages: &[StagePlan<'r>],
    end: Option<i32>,
) -> Vec<Goal<'r>> {
    crate::goals::goals(&rules.goals, district, &evaluation.district, end)
        .into_iter()
        .zip(&rules.goals)
        .filter(|(_, rule)| applies(rules, evaluation, rule.applies_if.as_deref()))
        .map(|(mut goal, rule)| {
            goal.served_by = stages
                .iter()
                .flat_map(|s| &s.strategies)
                .filter(|s| rule.served_by.iter().any(|id| id == s.id))
                .map(|s| s.id)
                .collect();
            goal
        })
        .collect()
}

/// A finding that did not fire, with why: not the district's concern
/// (`applies_if` false), said by a finding that fired (`covered_by`), or
/// a condition that does not hold.
fn not_fired_brief<'r>(rules: &'r RuleBase, evaluation: &Evaluation, f: &'r Finding) -> Brief<'r> {
    let applies = applies(rules, evaluation, f.applies_if.as_deref());
    let matter = f
        .covered_if
        .as_deref()
        .is_some_and(|id| derived_value(rules, evaluation, id).is_some_and(|v| v.is_true()));
    let said_by = f.covered_by.iter().filter(|_| matter).find_map(|id| {
        let &i = rules.finding_index.get(id.as_str())?;
        matches!(evaluation.findings[i], FindingOutcome::Fired(_))
            .then_some(rules.findings[i].rule.id.as_str())
    });
    let reason = match (applies, said_by) {
        (false, _) => NotFiredReason::NotApplicable,
        (true, Some(_)) => NotFiredReason::SaidBy,
        (true, None) => NotFiredReason::NotReached,
    };
    Brief {
        id: &f.id,
        title: &f.title,
        reason,
        said_by: said_by.filter(|_| reason == NotFiredReason::SaidBy),
    }
}

/// The ids of strategies by index.
fn ids<'r>(rules: &'r RuleBase, list: &[usize]) -> Vec<&'r str> {
    list.iter()
        .map(|&j| rules.strategies[j].rule.id.as_str())
        .collect()
}

/// The strategies in place, not needed and deferred; pending strategies
/// join `pending`.
fn strategy_lists<'r>(
    rules: &'r RuleBase,
    evaluation: &Evaluation,
    schedule: &Schedule,
    pending: &mut Vec<Pending<'r>>,
) -> (Vec<InPlace<'r>>, Vec<InPlace<'r>>, Vec<Deferred<'r>>) {
    let mut in_place = Vec::new();
    let mut not_needed = Vec::new();
    let mut deferred = Vec::new();
    for ((slot, s), outcome) in schedule
        .slots
        .iter()
        .zip(&rules.strategies)
        .zip(&evaluation.strategies)
    {
        let s = &s.rule;
        match slot.placement {
            Placement::InPlace => {
                let item = InPlace {
                    id: &s.id,
                    title: &s.title,
                };
                if applies(rules, evaluation, s.applies_if.as_deref()) {
                    in_place.push(item);
                } else {
                    not_needed.push(item);
                }
            }
            Placement::Pending => {
                if let Truth::Unknown(missing) = &outcome.when {
                    pending.push(Pending {
                        id: &s.id,
                        kind: PendingKind::Strategy,
                        missing: rules.names_of(missing),
                        title: &s.title,
                    });
                }
            }
            Placement::Deferred(reason) => deferred.push(Deferred {
                id: &s.id,
                title: &s.title,
                reason,
                required_by: ids(rules, &slot.required_by),
            }),
            Placement::Out
            | Placement::Stage(_)
            | Placement::SetAside
            | Placement::AlsoConsidered => {}
        }
    }
    (in_place, not_needed, deferred)
}

/// The stages with their months (each its share of the horizon) and the
/// strategies scheduled in them.
fn stages<'r>(
    rules: &'r RuleBase,
    district: &District,
    evaluation: &Evaluation,
    schedule: &Schedule,
    windows: &[(u32, u32)],
    (timed, pins): (&[Option<Months>], &[Option<PinOutcome>]),
) -> Vec<StagePlan<'r>> {
    let mut stages = Vec::with_capacity(rules.stages.len());
    for (index, (stage, &(start, end))) in rules.stages.iter().zip(windows).enumerate() {
        let strategies = schedule.stages[index]
            .iter()
            .filter_map(|&i| {
                let mut s = scheduled(rules, evaluation, schedule, i, timed[i]?);
                if !district.decisions.strategies.is_empty() {
                    decide(&mut s, rules, district, schedule, pins[i].as_ref());
                }
                Some(s)
            })
            .collect();
        stages.push(StagePlan {
            id: &stage.id,
            title: &stage.title,
            start_month: start,
            end_month: end,
            strategies,
            purpose: &stage.purpose,
        });
    }
    stages
}

/// Whether the district file states the goal at district path `path`
/// (`goals.reduce_ltel`: true, a number of schools).
fn stated(rules: &RuleBase, evaluation: &Evaluation, path: usize) -> bool {
    let mut value = evaluation.district.clone();
    for step in rules.names[path].split('.') {
        value = value.get_attr(step).unwrap_or_default();
    }
    value.is_true()
}

/// The team's stated goals strategy `i` serves (its `when` reads them,
/// directly or through a finding that fired), as district paths by index
/// in [`RuleBase::names`], sorted, each once.
fn goal_paths(rules: &RuleBase, evaluation: &Evaluation, i: usize) -> Vec<usize> {
    let fired = |f: usize| matches!(evaluation.findings[f], FindingOutcome::Fired(_));
    let mut goals: Vec<usize> = rules.strategies[i]
        .goal_reads
        .iter()
        .filter(|&&(through, path)| through.is_none_or(fired) && stated(rules, evaluation, path))
        .map(|&(_, path)| path)
        .collect();
    goals.sort_unstable();
    goals.dedup();
    goals
}

/// The team's stated goals strategy `i` serves, by their field names
/// (`strengthen_designated_eld`).
fn goals_served<'r>(rules: &'r RuleBase, evaluation: &Evaluation, i: usize) -> Vec<&'r str> {
    let mut goals: Vec<&str> = goal_paths(rules, evaluation, i)
        .into_iter()
        .map(|path| {
            let name = rules.names[path].as_str();
            name.strip_prefix("goals.").unwrap_or(name)
        })
        .collect();
    goals.sort_unstable();
    goals
}

/// A strategy's actions as the district reads them: each worded by the
/// first of its `action_variants` that fits the district (the converted
/// list itself where none does).
fn actions(
    rules: &RuleBase,
    evaluation: &Evaluation,
    s: &crate::rulebase::rules::Strategy,
    written: &minijinja::Value,
) -> minijinja::Value {
    let mut texts: Vec<&str> = s.actions.iter().map(String::as_str).collect();
    let mut changed = vec![false; texts.len()];
    for v in &s.action_variants {
        let fits = fits(
            rules,
            evaluation,
            v.applies_if.as_deref(),
            v.unless.as_deref(),
        );
        let at = v.action.wrapping_sub(1);
        if fits && at < texts.len() && !changed[at] {
            texts[at] = &v.text;
            changed[at] = true;
        }
    }
    if changed.contains(&true) {
        minijinja::Value::from(texts.iter().map(|t| t.to_string()).collect::<Vec<_>>())
    } else {
        written.clone()
    }
}

/// Whether a variant fits the district: its `applies_if` holds and its
/// `unless` is known not to (each where given).
fn fits(
    rules: &RuleBase,
    evaluation: &Evaluation,
    applies_if: Option<&str>,
    unless: Option<&str>,
) -> bool {
    let truth = |id: &str| derived_value(rules, evaluation, id).map(|v| v.is_true());
    applies_if.is_none_or(|id| truth(id) == Some(true))
        && unless.is_none_or(|id| truth(id) == Some(false))
}

/// A rationale or first test as the district reads it: the first of its
/// variants that fits the district, else the text as written.
fn worded(
    rules: &RuleBase,
    evaluation: &Evaluation,
    variants: &[crate::rulebase::rules::TextVariant],
    written: &minijinja::Value,
) -> minijinja::Value {
    variants
        .iter()
        .find(|v| {
            fits(
                rules,
                evaluation,
                v.applies_if.as_deref(),
                v.unless.as_deref(),
            )
        })
        .map_or_else(
            || written.clone(),
            |v| minijinja::Value::from(v.text.as_str()),
        )
}

/// A strategy's measures that fit the district: each unless its
/// `applies_if` is known false or its `unless` known true (a value the
/// data leave unknown hides no measure), the compiled list itself where
/// none has a condition.
fn measures(
    rules: &RuleBase,
    evaluation: &Evaluation,
    s: &Strategy,
    all: &minijinja::Value,
) -> minijinja::Value {
    if !s.measures.iter().any(Measure::conditional) {
        return all.clone();
    }
    let truth = |id: &str| derived_value(rules, evaluation, id).map(|v| v.is_true());
    crate::rulebase::measures(s.measures.iter().filter(|m| {
        m.applies_if
            .as_deref()
            .is_none_or(|id| truth(id) != Some(false))
            && m.unless.as_deref().is_none_or(|id| truth(id) != Some(true))
    }))
}

/// Strategy `i` as the plan shows it.
fn scheduled<'r>(
    rules: &'r RuleBase,
    evaluation: &Evaluation,
    schedule: &Schedule,
    i: usize,
    months: Months,
) -> Scheduled<'r> {
    let compiled = &rules.strategies[i];
    let (s, texts) = (&compiled.rule, &compiled.texts);
    let slot = &schedule.slots[i];
    let check_in_place = match &evaluation.strategies[i].in_place {
        Some(Truth::Unknown(missing)) => rules.names_of(missing),
        _ => Vec::new(),
    };
    Scheduled {
        id: &s.id,
        title: texts.title.clone(),
        area: &s.area,
        reason: slot.reason.unwrap_or(Reason::Chosen),
        requires: &s.requires,
        required_by: ids(rules, &slot.required_by),
        addresses: compiled
            .addresses
            .iter()
            .filter(|&&f| matches!(evaluation.findings[f], FindingOutcome::Fired(_)))
            .map(|&f| rules.findings[f].rule.id.as_str())
            .collect(),
        priority: slot.priority,
        leverage: s.leverage,
        principle: s.principle,
        rationale: worded(rules, evaluation, &s.rationale_variants, &texts.rationale),
        actions: actions(rules, evaluation, s, &texts.actions),
        owners: texts.owners.clone(),
        first_test: worded(rules, evaluation, &s.first_test_variants, &texts.first_test),
        measures: measures(rules, evaluation, s, &texts.measures),
        sources: texts.sources.clone(),
        check_in_place,
        goals: goals_served(rules, evaluation, i),
        kind: s.kind,
        start_month: months.start,
        end_month: months.end,
        ongoing: s.ongoing,
        duration_months: months.duration,
        tied_to: s.tied_to.as_deref(),
        decision: None,
        needs_set_aside: Vec::new(),
    }
}

/// The team's decision on a scheduled strategy, and its prerequisites the
/// team set aside.
fn decide<'r>(
    s: &mut Scheduled<'r>,
    rules: &'r RuleBase,
    district: &District,
    schedule: &Schedule,
    pin: Option<&PinOutcome>,
) {
    s.needs_set_aside = s
        .requires
        .iter()
        .filter_map(|id| rules.strategy_index.get(id).map(|&j| (id, j)))
        .filter(|&(_, j)| schedule.slots[j].placement == Placement::SetAside)
        .map(|(id, _)| id.as_str())
        .collect();
    if let Some(d) = district.decisions.strategies.get(s.id) {
        s.decision = Some(Box::new(TeamDecision {
            owners: d.owners.clone(),
            notes: d.notes.clone(),
            status: d.status.clone(),
            asked_start: d.start_month,
            asked_end: d.end_month,
            honoured: pin.map(|p| p.honoured),
            why_not: pin.and_then(|p| p.why_not.clone()),
        }));
    }
}

/// The strategies the team set aside, with what in the plan needs them.
fn set_aside<'r>(
    rules: &'r RuleBase,
    district: &District,
    schedule: &Schedule,
) -> Vec<SetAside<'r>> {
    rules
        .strategies
        .iter()
        .zip(&schedule.slots)
        .filter(|(_, slot)| slot.placement == Placement::SetAside)
        .map(|(s, _)| {
            let needed_by = rules
                .strategies
                .iter()
                .zip(&schedule.slots)
                .filter(|(d, slot)| {
                    matches!(slot.placement, Placement::Stage(_))
                        && d.rule.requires.contains(&s.rule.id)
                })
                .map(|(d, _)| d.rule.id.as_str())
                .collect();
            SetAside {
                id: &s.rule.id,
                title: &s.rule.title,
                reason: district
                    .decisions
                    .strategies
                    .get(&s.rule.id)
                    .and_then(|d| d.reason.clone())
                    .unwrap_or_default(),
                needed_by,
            }
        })
        .collect()
}

/// `waiting` ordered by name (its first element, below `names`), stably:
/// a counting sort, linear where a comparison sort of the few hundred
/// entries a plan has took 5 % of the planning.
fn group_by_name<T: Copy>(waiting: Vec<(usize, usize, T)>, names: usize) -> Vec<(usize, usize, T)> {
    let mut start = vec![0usize; names + 1];
    for &(name, _, _) in &waiting {
        start[name + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut out = waiting.clone();
    for entry in waiting {
        out[start[entry.0]] = entry;
        start[entry.0] += 1;
    }
    out
}
