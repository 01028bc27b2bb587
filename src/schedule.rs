//! Choice, prerequisite closure and stage scheduling (DESIGN.md, "Choosing
//! and sequencing").
//!
//! Input is one [`Candidate`] per strategy: its earliest stage, base
//! priority, prerequisites and what the rules decided about it. Output is
//! where each one goes. This module knows nothing of expressions or
//! districts, so its properties can be tested on generated inputs.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub use crate::plan::{DeferReason, Reason};

/// What the rules decided about a strategy before scheduling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// `in_place_when` holds: never scheduled, satisfies what requires it.
    InPlace,
    /// `when` holds.
    Chosen,
    /// `when` does not hold.
    NotChosen,
    /// `when` could not be decided for missing data.
    Pending,
    /// The team set it aside (`decisions`): never scheduled, nor pulled in
    /// as a prerequisite; what needs it is flagged.
    SetAside,
}

#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub id: &'a str,
    /// Earliest stage index.
    pub stage: usize,
    pub priority: u32,
    /// Indices of prerequisite candidates.
    pub requires: &'a [usize],
    pub decision: Decision,
    /// Counts against the cap per stage (a change idea); the improvement
    /// process itself does not, and is never deferred for capacity, nor is
    /// anything it requires, nor a remedy of an unmet requirement.
    pub counts: bool,
    /// A change idea: counts against [`Limits::change_ideas`].
    pub change: bool,
    /// An instructional change idea (see [`Limits::instructional`]).
    pub instructional: bool,
    /// Scheduled only when the plan would otherwise have no instructional
    /// change idea.
    pub fallback: bool,
    /// Its claim on the plan's places for change ideas.
    pub claim: Claim,
    /// The fired findings it answers, each with its severity weight (any
    /// numbering of findings the caller likes): each finding gets its
    /// answer before any finding a second.
    pub answers: Vec<(usize, u32)>,
    /// Findings it answers only when none of the change ideas that answer
    /// them fits in the places left (a study: the review or audit is the
    /// answer a plan can still give): each with its severity weight and
    /// those change ideas, by index.
    pub standby: Vec<Standby>,
}

impl Candidate<'_> {
    /// Whether it answers nothing in the district's data: no fired
    /// finding, even on standby, no goal and no unmet requirement; the
    /// instructional fallback answers the rule that every plan holds one.
    fn answers_nothing(&self) -> bool {
        self.answers.is_empty()
            && self.standby.is_empty()
            && matches!(self.claim, Claim::Finding)
            && !self.fallback
    }
}

/// A finding a study answers when no change idea for it fits
/// ([`Candidate::standby`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standby {
    pub finding: usize,
    pub weight: u32,
    /// The change ideas that answer it, by candidate index.
    pub changes: Vec<usize>,
}

/// The order in which chosen change ideas claim the plan's places
/// (DOMAIN.md Revision 3): a requirement of law not met, then the team's
/// own goals, then the findings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Claim {
    /// It answers findings only (or nothing).
    #[default]
    Finding,
    /// It answers the team's stated goals (ids of the goals, any numbering
    /// the caller likes): each goal gets its best idea before any goal
    /// gets a second.
    Goal(Vec<usize>),
    /// It closes a requirement of law that is not met (and may answer
    /// goals too, which then have their first idea).
    Requirement(Vec<usize>),
}

/// What bounds a plan besides the stages: the district's cap per stage,
/// the rule base's limit on change ideas, and whether the plan must hold
/// an instructional change idea.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// `max_initiatives_per_stage`.
    pub per_stage: Option<usize>,
    /// The most change ideas the plan schedules (`policy.ron`).
    pub change_ideas: Option<usize>,
    /// The most change ideas a plan holds once one that answers nothing
    /// takes its places (`fill_to`).
    pub fill_to: Option<usize>,
    /// The plan must hold at least one instructional change idea (the
    /// district has English learners).
    pub instructional: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Not chosen and not needed.
    Out,
    InPlace,
    Pending,
    Stage(usize),
    Deferred(DeferReason),
    /// Set aside by the team.
    SetAside,
    /// Chosen, but not among the change ideas the plan selects.
    AlsoConsidered,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub placement: Placement,
    /// Set for strategies in the plan (scheduled or deferred).
    pub reason: Option<Reason>,
    /// Plan members that require this one.
    pub required_by: Vec<usize>,
    /// Base priority raised to the highest priority of what requires it.
    pub priority: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub slots: Vec<Slot>,
    /// Scheduled candidates per stage, in plan order.
    pub stages: Vec<Vec<usize>>,
}

/// Places every candidate. `cap` is `max_initiatives_per_stage`.
pub fn schedule(candidates: &[Candidate<'_>], stage_count: usize, limits: Limits) -> Schedule {
    let cap = limits.per_stage;
    let n = candidates.len();
    let (mut slots, in_plan) = choose(candidates, limits);
    let members: Vec<usize> = (0..n).filter(|&i| in_plan[i]).collect();
    // Plan members that require each candidate.
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &i in &members {
        for &p in candidates[i].requires {
            if in_plan[p] {
                dependents[p].push(i);
            }
        }
    }
    let order = topological(candidates, &members, &dependents);
    // What the improvement process needs is part of it: a change strategy
    // a process strategy requires does not count against the cap either.
    let mut counts: Vec<bool> = candidates.iter().map(|c| c.counts).collect();
    for &i in order.iter().rev() {
        if in_plan[i] && !counts[i] {
            for &p in candidates[i].requires {
                counts[p] = false;
            }
        }
    }

    // A prerequisite is as urgent as the most urgent strategy needing it.
    for &i in order.iter().rev() {
        let inherited = slots[i]
            .required_by
            .iter()
            .map(|&d| slots[d].priority)
            .max()
            .unwrap_or(0);
        slots[i].priority = slots[i].priority.max(inherited);
    }

    // Earliest stage: no earlier than its own stage or its prerequisites'.
    let last = stage_count.saturating_sub(1);
    let mut stage_of = vec![0usize; n];
    for &i in &order {
        let after = candidates[i]
            .requires
            .iter()
            .filter(|&&p| in_plan[p])
            .map(|&p| stage_of[p])
            .max()
            .unwrap_or(0);
        stage_of[i] = candidates[i].stage.min(last).max(after);
    }

    // The cap: move the least urgent strategies that nothing in the stage
    // needs to the next stage; past the last stage they are deferred.
    let mut deferred = vec![None; n];
    if let Some(cap) = cap {
        let plan = Members {
            candidates,
            members: &members,
            dependents: &dependents,
            in_plan: &in_plan,
            counts: &counts,
        };
        apply_cap(
            &plan,
            &slots,
            (cap, stage_count),
            &mut stage_of,
            &mut deferred,
        );
    }
    // Whatever was pulled in only for deferred strategies is deferred too;
    // dependents come before their prerequisites in reverse order.
    for &i in order.iter().rev() {
        if deferred[i].is_none()
            && slots[i].reason == Some(Reason::Prerequisite)
            && slots[i].required_by.iter().all(|&d| deferred[d].is_some())
        {
            deferred[i] = Some(DeferReason::OnlyForDeferred);
        }
    }

    let mut stages = vec![Vec::new(); stage_count];
    for &i in &members {
        slots[i].placement = match deferred[i] {
            Some(reason) => Placement::Deferred(reason),
            None => Placement::Stage(stage_of[i]),
        };
    }
    for (stage, list) in stages.iter_mut().enumerate() {
        let here: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| slots[i].placement == Placement::Stage(stage))
            .collect();
        *list = ordered_stage(candidates, &slots, &dependents, &here);
    }
    Schedule { slots, stages }
}

/// The plan's members and how they depend on each other, as the cap sees
/// them.
struct Members<'p, 'c> {
    candidates: &'p [Candidate<'c>],
    members: &'p [usize],
    /// Plan members that require each candidate.
    dependents: &'p [Vec<usize>],
    in_plan: &'p [bool],
    /// Whether each candidate counts against the cap.
    counts: &'p [bool],
}

/// Holds each stage to `cap` counted strategies: the least urgent ones
/// nothing in the stage needs move to the next stage (`stage_of`), and
/// past the last stage are deferred (`deferred`).
fn apply_cap(
    plan: &Members<'_, '_>,
    slots: &[Slot],
    (cap, stage_count): (usize, usize),
    stage_of: &mut [usize],
    deferred: &mut [Option<DeferReason>],
) {
    let n = plan.candidates.len();
    for stage in 0..stage_count {
        let here: Vec<usize> = plan
            .members
            .iter()
            .copied()
            .filter(|&i| stage_of[i] == stage)
            .collect();
        let counted = here.iter().filter(|&&i| plan.counts[i]).count();
        if counted <= cap {
            continue;
        }
        // Only a strategy nothing else in the stage needs can move; a
        // prerequisite is as urgent as its dependents, so the least
        // urgent movable one goes first.
        let mut needed = vec![0usize; n];
        for &i in &here {
            needed[i] = plan.dependents[i]
                .iter()
                .filter(|&&d| stage_of[d] == stage)
                .count();
        }
        let key = |i: usize| Reverse((slots[i].priority, Reverse(plan.candidates[i].id), i));
        let mut movable: BinaryHeap<_> = here
            .iter()
            .copied()
            .filter(|&i| needed[i] == 0 && plan.counts[i])
            .map(key)
            .collect();
        let mut count = counted;
        while count > cap {
            let Some(Reverse((_, _, moved))) = movable.pop() else {
                break;
            };
            count -= 1;
            if stage + 1 < stage_count {
                stage_of[moved] = stage + 1;
            } else {
                deferred[moved] = Some(DeferReason::Capacity);
            }
            for &p in plan.candidates[moved].requires {
                if plan.in_plan[p] && stage_of[p] == stage && deferred[p].is_none() {
                    needed[p] -= 1;
                    if needed[p] == 0 && plan.counts[p] {
                        movable.push(key(p));
                    }
                }
            }
        }
    }
}

impl Slot {
    /// A candidate's slot before choosing: placed by the team's decision.
    fn new(c: &Candidate<'_>) -> Slot {
        Slot {
            placement: match c.decision {
                Decision::InPlace => Placement::InPlace,
                Decision::Pending => Placement::Pending,
                Decision::SetAside => Placement::SetAside,
                Decision::Chosen | Decision::NotChosen => Placement::Out,
            },
            reason: None,
            required_by: Vec::new(),
            priority: c.priority,
        }
    }
}

impl Candidate<'_> {
    /// The team's goals (or the requirements) it claims a place for.
    fn goals(&self) -> &[usize] {
        match &self.claim {
            Claim::Goal(goals) | Claim::Requirement(goals) => goals.as_slice(),
            Claim::Finding => &[],
        }
    }
}

/// For each candidate, the goals for which it is only a step toward
/// another of `ideas` of the same goal (a staffing audit before a
/// dual-language expansion): it does not count as that goal's idea.
fn steps_toward(candidates: &[Candidate<'_>], ideas: &[usize]) -> Vec<Vec<usize>> {
    let n = candidates.len();
    let mut step_toward: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &k in ideas {
        let mine = candidates[k].goals();
        if mine.is_empty() {
            continue;
        }
        let mut work: Vec<usize> = candidates[k].requires.to_vec();
        let mut seen = vec![false; n];
        while let Some(p) = work.pop() {
            if std::mem::replace(&mut seen[p], true) {
                continue;
            }
            for g in candidates[p].goals() {
                if mine.contains(g) && !step_toward[p].contains(g) {
                    step_toward[p].push(*g);
                }
            }
            work.extend_from_slice(candidates[p].requires);
        }
    }
    step_toward
}

/// Choice and prerequisite closure: a slot per candidate, with the reason
/// each plan member is in the plan and what requires it, and which
/// candidates are plan members.
///
/// The improvement process comes in whole, with the change ideas it needs,
/// which take their places within the limit. Chosen change ideas then claim
/// the other places: remedies, the team's goals in turn (each goal its best
/// idea before any goal a second), then the findings in turn (the most
/// severe finding not yet answered first, then what an idea answers for
/// each place it takes: [`FindingTurn`]), each with the change ideas it
/// needs first, while the limit allows; a place is kept for the best
/// instructional change idea until one is in. The rest are *also
/// considered*.
fn choose(candidates: &[Candidate<'_>], limits: Limits) -> (Vec<Slot>, Vec<bool>) {
    let n = candidates.len();
    let mut slots: Vec<Slot> = candidates.iter().map(Slot::new).collect();
    let mut in_plan = vec![false; n];
    let chosen = |i: usize| candidates[i].decision == Decision::Chosen && !candidates[i].fallback;
    let process: Vec<usize> = (0..n)
        .filter(|&i| chosen(i) && !candidates[i].change)
        .collect();
    // The fired findings a change idea in the plan answers.
    let mut answered: Vec<usize> = Vec::new();
    let note = |answered: &mut Vec<usize>, i: usize| {
        if candidates[i].change {
            answered.extend(candidates[i].answers.iter().map(|&(f, _)| f));
        }
    };
    close(candidates, &process, &mut in_plan, &mut slots, &mut |i| {
        note(&mut answered, i);
    });
    // Change ideas the process pulls in (the advisory committees plan
    // adoption needs) take their places first.
    let mut taken = (0..n)
        .filter(|&i| in_plan[i] && candidates[i].change)
        .count();
    let mut has_instructional = (0..n).any(|i| in_plan[i] && candidates[i].instructional);
    let ideas = ideas_by_priority(candidates, limits.instructional);
    let goals_of = |i: usize| candidates[i].goals();
    let step_toward = steps_toward(candidates, &ideas);
    let limit = limits.change_ideas.unwrap_or(usize::MAX);
    let mut considered = Vec::new();
    let mut done = vec![false; n];
    let mut turn = FindingTurn::default();
    loop {
        // The order of claim: remedies; then the team's goals in turn, the
        // goal with the fewest ideas in the plan taking its best remaining
        // one; then the findings; each by priority.
        let open = || ideas.iter().copied().filter(|&i| !done[i]);
        let served = |g: &usize| {
            (0..n)
                .filter(|&j| in_plan[j] && goals_of(j).contains(g) && !step_toward[j].contains(g))
                .count()
        };
        let next = open()
            .find(|&i| matches!(candidates[i].claim, Claim::Requirement(_)))
            .or_else(|| {
                open()
                    .filter(|&i| matches!(candidates[i].claim, Claim::Goal(_)))
                    .min_by_key(|&i| {
                        let fewest = goals_of(i).iter().map(served).min().unwrap_or(0);
                        (fewest, Reverse(candidates[i].priority), candidates[i].id, i)
                    })
            })
            .or_else(|| {
                // Without a limit, or with every place taken, the order
                // cannot change what the plan holds.
                if limit == usize::MAX || taken >= limit {
                    return open().next();
                }
                let reserve = if limits.instructional && !has_instructional {
                    kept_for_instruction(candidates, open(), &in_plan)
                } else {
                    0
                };
                let places = (limit - taken, reserve);
                turn.next(candidates, (&ideas, &done), &answered, &in_plan, places)
                    .or_else(|| open().next())
            });
        let Some(i) = next else { break };
        // The place kept for an instructional idea: the cost of the best
        // one still to come.
        let reserve = if limits.instructional && !has_instructional && !candidates[i].instructional
        {
            kept_for_instruction(candidates, open().filter(|&j| j != i), &in_plan)
        } else {
            0
        };
        done[i] = true;
        if in_plan[i] {
            continue;
        }
        let cost = new_ideas(candidates, i, &in_plan);
        let idle = candidates[i].answers_nothing()
            && limits
                .fill_to
                .is_some_and(|most| taken.saturating_add(cost) > most);
        if idle || taken.saturating_add(cost).saturating_add(reserve) > limit {
            considered.push(i);
            continue;
        }
        taken += cost;
        turn = FindingTurn::default();
        has_instructional |= candidates[i].instructional;
        close(candidates, &[i], &mut in_plan, &mut slots, &mut |j| {
            note(&mut answered, j);
        });
    }
    for i in 0..n {
        if in_plan[i] && chosen(i) {
            slots[i].reason = Some(Reason::Chosen);
        }
    }
    for i in considered {
        if !in_plan[i] {
            slots[i].placement = Placement::AlsoConsidered;
        }
    }
    for slot in &mut slots {
        slot.required_by.sort_unstable();
        slot.required_by.dedup();
    }
    (slots, in_plan)
}

/// The findings' turn at the plan's places: the next change idea is one
/// that answers the most severe finding no idea in the plan answers yet;
/// among those, the one that answers the most such findings, by severity
/// weight, for each place it takes (itself and what it needs first, so a
/// chain of three must answer three times as much as one idea alone),
/// among those that fit; then the fewer places; then by priority.
/// It remembers the reserve under which none fit, until the plan changes.
#[derive(Default)]
struct FindingTurn {
    exhausted: Option<usize>,
}

impl FindingTurn {
    /// `open`: the ideas by priority and which are done; `places`: the
    /// places left and those of them kept for an instructional idea.
    fn next(
        &mut self,
        candidates: &[Candidate<'_>],
        (ideas, done): (&[usize], &[bool]),
        answered: &[usize],
        in_plan: &[bool],
        (left, reserve): (usize, usize),
    ) -> Option<usize> {
        if self.exhausted == Some(reserve) {
            return None;
        }
        // (the most severe finding it newly answers, their weight in all,
        // the places it takes)
        let room_of = |i: usize| {
            if candidates[i].instructional {
                left
            } else {
                left.saturating_sub(reserve)
            }
        };
        // A study's standby finding, when no change idea for it fits.
        let no_room = |s: &Standby| {
            !answered.contains(&s.finding)
                && s.changes
                    .iter()
                    .all(|&c| new_ideas_within(candidates, c, in_plan, room_of(c)).is_none())
        };
        let fresh = |i: usize| -> Option<(u32, u64, u64)> {
            let new = || {
                let answers = candidates[i]
                    .answers
                    .iter()
                    .filter(|(f, _)| !answered.contains(f))
                    .map(|&(_, weight)| weight);
                let standby = candidates[i]
                    .standby
                    .iter()
                    .filter(|s| no_room(s))
                    .map(|s| s.weight);
                answers.chain(standby)
            };
            let weight: u32 = new().sum();
            let room = room_of(i);
            if weight == 0 || room == 0 {
                return None;
            }
            let places = new_ideas_within(candidates, i, in_plan, room)?.max(1);
            let most = new().max().unwrap_or(0);
            Some((
                most,
                u64::from(weight),
                u64::try_from(places).unwrap_or(u64::MAX),
            ))
        };
        let best = ideas
            .iter()
            .copied()
            .filter(|&i| !done[i])
            .filter_map(|i| Some((fresh(i)?, i)))
            .min_by(|&((ma, wa, pa), a), &((mb, wb, pb), b)| {
                // The more severe finding first; then wa / pa against
                // wb / pb, the larger first.
                mb.cmp(&ma)
                    .then_with(|| (wb.saturating_mul(pa)).cmp(&wa.saturating_mul(pb)))
                    // As much for each place: the smaller commitment first,
                    // which leaves places for other findings.
                    .then_with(|| pa.cmp(&pb))
                    .then_with(|| candidates[b].priority.cmp(&candidates[a].priority))
                    .then_with(|| candidates[a].id.cmp(candidates[b].id))
                    .then_with(|| a.cmp(&b))
            })
            .map(|(_, i)| i);
        if best.is_none() {
            self.exhausted = Some(reserve);
        }
        best
    }
}

/// The chosen change ideas, by priority; when the plan must hold an
/// instructional idea and none was chosen, the fallback last.
fn ideas_by_priority(candidates: &[Candidate<'_>], instructional: bool) -> Vec<usize> {
    let n = candidates.len();
    let mut ideas: Vec<usize> = (0..n)
        .filter(|&i| {
            let c = &candidates[i];
            c.decision == Decision::Chosen && !c.fallback && c.change
        })
        .collect();
    ideas.sort_by_key(|&i| (Reverse(candidates[i].priority), candidates[i].id, i));
    if instructional && !ideas.iter().any(|&i| candidates[i].instructional) {
        ideas.extend(
            (0..n)
                .filter(|&i| candidates[i].fallback && candidates[i].decision == Decision::Chosen),
        );
    }
    ideas
}

/// The places kept for an instructional idea: those the first of `open`
/// would take.
fn kept_for_instruction(
    candidates: &[Candidate<'_>],
    mut open: impl Iterator<Item = usize>,
    in_plan: &[bool],
) -> usize {
    open.find(|&j| candidates[j].instructional)
        .map_or(0, |j| new_ideas(candidates, j, in_plan))
}

/// [`new_ideas`] when they are at most `room`; `None` past it (the walk
/// stops there, however long the chain of prerequisites).
fn new_ideas_within(
    candidates: &[Candidate<'_>],
    i: usize,
    in_plan: &[bool],
    room: usize,
) -> Option<usize> {
    let mut seen = vec![i];
    let mut work = vec![i];
    let mut count = usize::from(candidates[i].change);
    while let Some(j) = work.pop() {
        for &p in candidates[j].requires {
            let skip = matches!(
                candidates[p].decision,
                Decision::InPlace | Decision::SetAside
            );
            if !skip && !in_plan[p] && !seen.contains(&p) {
                seen.push(p);
                work.push(p);
                count += usize::from(candidates[p].change);
                if count > room {
                    return None;
                }
            }
        }
    }
    (count <= room).then_some(count)
}

/// The change ideas `i` would add to the plan: itself and what it needs
/// first that is not yet in.
fn new_ideas(candidates: &[Candidate<'_>], i: usize, in_plan: &[bool]) -> usize {
    let mut seen = vec![i];
    let mut work = vec![i];
    while let Some(j) = work.pop() {
        for &p in candidates[j].requires {
            let skip = matches!(
                candidates[p].decision,
                Decision::InPlace | Decision::SetAside
            );
            if !skip && !in_plan[p] && !seen.contains(&p) {
                seen.push(p);
                work.push(p);
            }
        }
    }
    seen.iter().filter(|&&j| candidates[j].change).count()
}

/// Adds `roots` (chosen) and everything they need first to the plan,
/// telling `added` of each candidate it brings in.
fn close(
    candidates: &[Candidate<'_>],
    roots: &[usize],
    in_plan: &mut [bool],
    slots: &mut [Slot],
    added: &mut impl FnMut(usize),
) {
    let mut work: Vec<usize> = Vec::with_capacity(roots.len());
    for &i in roots {
        if !in_plan[i] || slots[i].reason == Some(Reason::Prerequisite) {
            if !in_plan[i] {
                added(i);
            }
            in_plan[i] = true;
            slots[i].reason = Some(Reason::Chosen);
            work.push(i);
        }
    }
    while let Some(i) = work.pop() {
        for &p in candidates[i].requires {
            if matches!(
                candidates[p].decision,
                Decision::InPlace | Decision::SetAside
            ) {
                continue;
            }
            slots[p].required_by.push(i);
            if !in_plan[p] {
                added(p);
                in_plan[p] = true;
                slots[p].reason = Some(Reason::Prerequisite);
                work.push(p);
            }
        }
    }
}

/// Prerequisites first (Kahn's algorithm over `members`), ties by index.
fn topological(
    candidates: &[Candidate<'_>],
    members: &[usize],
    dependents: &[Vec<usize>],
) -> Vec<usize> {
    let mut waiting: Vec<usize> = vec![0; candidates.len()];
    for &p in members {
        for &d in &dependents[p] {
            waiting[d] += 1;
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = members
        .iter()
        .copied()
        .filter(|&i| waiting[i] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(members.len());
    while let Some(Reverse(i)) = ready.pop() {
        order.push(i);
        for &d in &dependents[i] {
            waiting[d] -= 1;
            if waiting[d] == 0 {
                ready.push(Reverse(d));
            }
        }
    }
    order
}

/// A stage's strategies: prerequisites first, then higher priority, then id.
fn ordered_stage(
    candidates: &[Candidate<'_>],
    slots: &[Slot],
    dependents: &[Vec<usize>],
    here: &[usize],
) -> Vec<usize> {
    let same_stage = |a: usize, b: usize| slots[a].placement == slots[b].placement;
    let mut waiting = vec![0usize; candidates.len()];
    for &p in here {
        for &d in &dependents[p] {
            if same_stage(d, p) {
                waiting[d] += 1;
            }
        }
    }
    let key = |i: usize| (slots[i].priority, Reverse(candidates[i].id), i);
    let mut ready: BinaryHeap<_> = here
        .iter()
        .copied()
        .filter(|&i| waiting[i] == 0)
        .map(key)
        .collect();
    let mut out = Vec::with_capacity(here.len());
    while let Some((_, _, i)) = ready.pop() {
        out.push(i);
        for &d in &dependents[i] {
            if same_stage(d, i) {
                waiting[d] -= 1;
                if waiting[d] == 0 {
                    ready.push(key(d));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate<'a>(
        id: &'a str,
        stage: usize,
        priority: u32,
        requires: &'a [usize],
        decision: Decision,
    ) -> Candidate<'a> {
        Candidate {
            id,
            stage,
            priority,
            requires,
            decision,
            counts: true,
            change: true,
            instructional: false,
            fallback: false,
            claim: Claim::Finding,
            answers: Vec::new(),
            standby: Vec::new(),
        }
    }

    fn per_stage(cap: usize) -> Limits {
        Limits {
            per_stage: Some(cap),
            ..Limits::default()
        }
    }

    #[test]
    fn pulls_in_prerequisites_and_skips_those_in_place() {
        let c = [
            candidate("team", 0, 5, &[], Decision::InPlace),
            candidate("data", 1, 5, &[0], Decision::NotChosen),
            candidate("plan", 2, 9, &[1], Decision::Chosen),
        ];
        let s = schedule(&c, 4, Limits::default());
        assert_eq!(s.slots[0].placement, Placement::InPlace);
        assert_eq!(s.slots[1].reason, Some(Reason::Prerequisite));
        assert_eq!(s.slots[1].required_by, [2]);
        assert_eq!(s.slots[1].priority, 9, "inherits its dependent's priority");
        assert_eq!(s.stages, [vec![], vec![1], vec![2], vec![]]);
    }

    /// A change idea for [`selected`]: id, priority, prerequisites, and
    /// the findings it answers (index, weight).
    type Idea<'a> = (&'static str, u32, &'a [usize], &'a [(usize, u32)]);

    /// Change ideas answering findings (index, weight), chosen and
    /// without a stage cap, under a limit of `limit` ideas: the ones the
    /// plan selects, by id.
    fn selected(specs: &[Idea<'_>], limit: usize) -> Vec<&'static str> {
        selected_filling(specs, limit, None)
    }

    /// [`selected`] with `policy.ron`'s `fill_to`.
    fn selected_filling(
        specs: &[Idea<'_>],
        limit: usize,
        fill_to: Option<usize>,
    ) -> Vec<&'static str> {
        let c: Vec<Candidate<'_>> = specs
            .iter()
            .map(|&(id, priority, requires, answers)| Candidate {
                answers: answers.to_vec(),
                standby: Vec::new(),
                ..candidate(id, 0, priority, requires, Decision::Chosen)
            })
            .collect();
        let limits = Limits {
            change_ideas: Some(limit),
            fill_to,
            ..Limits::default()
        };
        let s = schedule(&c, 1, limits);
        let mut ids: Vec<&str> = s.stages[0].iter().map(|&i| specs[i].0).collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn an_idea_that_answers_nothing_only_fills_a_short_plan() {
        // `idle` answers no finding and has the highest priority; `a` and
        // `b` answer one each. With room for four, `idle` comes in only
        // while the plan holds fewer than `fill_to` change ideas.
        let specs = [
            ("idle", 20, &[][..], &[][..]),
            ("a", 7, &[][..], &[(0, 3)][..]),
            ("b", 6, &[][..], &[(1, 2)][..]),
        ];
        assert_eq!(selected_filling(&specs, 4, None), ["a", "b", "idle"]);
        assert_eq!(selected_filling(&specs, 4, Some(3)), ["a", "b", "idle"]);
        assert_eq!(selected_filling(&specs, 4, Some(2)), ["a", "b"]);
    }

    #[test]
    fn each_finding_gets_an_answer_before_any_finding_a_second() {
        // `broad` answers findings 0 and 1, `again` only finding 0 again,
        // with a higher priority than `other`, which answers finding 2.
        let specs = [
            ("broad", 16, &[][..], &[(0, 3), (1, 3)][..]),
            ("again", 10, &[][..], &[(0, 3)][..]),
            ("other", 7, &[][..], &[(2, 3)][..]),
        ];
        assert_eq!(selected(&specs, 2), ["broad", "other"]);
        assert_eq!(selected(&specs, 3), ["again", "broad", "other"]);
    }

    #[test]
    fn the_most_severe_finding_is_answered_first_whatever_its_cost() {
        // `high` answers a high finding (3) but needs `first`; `mediums`
        // answers two medium ones (2 + 2) alone: more for each place, but
        // the high finding comes first.
        let specs = [
            ("first", 1, &[][..], &[][..]),
            ("high", 5, &[0][..], &[(0, 3)][..]),
            ("mediums", 9, &[][..], &[(1, 2), (2, 2)][..]),
        ];
        assert_eq!(selected(&specs, 2), ["first", "high"]);
        assert_eq!(selected(&specs, 3), ["first", "high", "mediums"]);
    }

    #[test]
    fn an_idea_that_needs_others_first_answers_for_every_place_it_takes() {
        // `chain` answers two findings (weight 5) but needs `first`, a
        // change idea of its own: 2.5 a place against `alone`'s 3. Under a
        // limit of two, `chain` no longer fits once `alone` is in.
        let specs = [
            ("first", 1, &[][..], &[][..]),
            ("chain", 12, &[0][..], &[(0, 3), (1, 2)][..]),
            ("alone", 7, &[][..], &[(2, 3)][..]),
        ];
        assert_eq!(selected(&specs, 2), ["alone", "first"]);
        assert_eq!(selected(&specs, 3), ["alone", "chain", "first"]);
    }

    #[test]
    fn a_study_answers_a_finding_only_when_no_change_for_it_fits() {
        // Finding 0 (high) is answered by `change`, which needs `study`
        // first; `study` answers it on standby; `low` answers finding 1.
        let plan = |limit: usize| {
            let mut c: Vec<Candidate<'_>> = vec![
                candidate("study", 0, 0, &[], Decision::Chosen),
                candidate("change", 0, 6, &[0], Decision::Chosen),
                candidate("low", 0, 5, &[], Decision::Chosen),
            ];
            c[0].standby = vec![Standby {
                finding: 0,
                weight: 3,
                changes: vec![1],
            }];
            c[1].answers = vec![(0, 3)];
            c[2].answers = vec![(1, 1)];
            let limits = Limits {
                change_ideas: Some(limit),
                fill_to: None,
                ..Limits::default()
            };
            let s = schedule(&c, 1, limits);
            let mut ids: Vec<&str> = s.stages[0].iter().map(|&i| c[i].id).collect();
            ids.sort_unstable();
            ids
        };
        // Two places: the change and what it needs first.
        assert_eq!(plan(2), ["change", "study"]);
        // One place: the change does not fit, and the study answers the
        // high finding before the low one gets an idea.
        assert_eq!(plan(1), ["study"]);
    }

    #[test]
    fn a_prerequisite_in_a_later_stage_pushes_its_dependent() {
        let c = [
            candidate("late", 2, 1, &[], Decision::Chosen),
            candidate("early", 0, 1, &[0], Decision::Chosen),
        ];
        let s = schedule(&c, 4, Limits::default());
        assert_eq!(s.slots[1].placement, Placement::Stage(2));
        assert_eq!(s.stages[2], [0, 1]);
    }

    #[test]
    fn the_cap_moves_the_least_urgent_and_defers_past_the_end() {
        let c = [
            candidate("a", 0, 9, &[], Decision::Chosen),
            candidate("b", 0, 5, &[], Decision::Chosen),
            candidate("c", 0, 1, &[], Decision::Chosen),
        ];
        let s = schedule(&c, 2, per_stage(1));
        assert_eq!(s.stages, [vec![0], vec![1]]);
        assert_eq!(
            s.slots[2].placement,
            Placement::Deferred(DeferReason::Capacity)
        );
    }

    #[test]
    fn prerequisites_only_for_deferred_work_are_deferred_too() {
        let c = [
            candidate("base", 0, 1, &[], Decision::NotChosen),
            candidate("top", 0, 1, &[0], Decision::Chosen),
            candidate("other", 0, 5, &[], Decision::Chosen),
        ];
        let s = schedule(&c, 1, per_stage(2));
        assert_eq!(
            s.slots[1].placement,
            Placement::Deferred(DeferReason::Capacity)
        );
        assert_eq!(
            s.slots[0].placement,
            Placement::Deferred(DeferReason::OnlyForDeferred)
        );
        assert_eq!(s.stages, [vec![2]]);
    }
}

// Properties of the scheduler on generated rule graphs: prerequisites never
// after their dependents, the per-stage cap never exceeded, nothing chosen
// silently lost, and the same input giving the same schedule.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    struct Spec {
        stage: usize,
        priority: u32,
        /// Prerequisites among earlier candidates only, so the graph is acyclic.
        requires: Vec<usize>,
        decision: Decision,
        /// A change idea (counts against the cap) or the process (does not).
        counts: bool,
        /// An instructional change idea.
        instructional: bool,
    }

    fn decision() -> impl Strategy<Value = Decision> {
        prop_oneof![
            Just(Decision::Chosen),
            Just(Decision::NotChosen),
            Just(Decision::InPlace),
            Just(Decision::SetAside),
            Just(Decision::Pending),
        ]
    }

    fn specs() -> impl Strategy<Value = Vec<Spec>> {
        (1usize..40).prop_flat_map(|n| {
            (0..n)
                .map(|i| {
                    let requires = if i == 0 {
                        Just(Vec::new()).boxed()
                    } else {
                        proptest::collection::vec(0..i, 0..4).boxed()
                    };
                    (
                        0usize..4,
                        0u32..30,
                        requires,
                        decision(),
                        proptest::bool::weighted(0.7),
                        proptest::bool::weighted(0.2),
                    )
                        .prop_map(
                            |(stage, priority, mut requires, decision, counts, instructional)| {
                                requires.sort_unstable();
                                requires.dedup();
                                Spec {
                                    stage,
                                    priority,
                                    requires,
                                    decision,
                                    counts,
                                    instructional: instructional && counts,
                                }
                            },
                        )
                })
                .collect::<Vec<_>>()
        })
    }

    fn run(specs: &[Spec], ids: &[String], cap: Option<usize>) -> Schedule {
        let limits = Limits {
            per_stage: cap,
            ..Limits::default()
        };
        run_with(specs, ids, limits)
    }

    fn run_with(specs: &[Spec], ids: &[String], limits: Limits) -> Schedule {
        let candidates: Vec<Candidate<'_>> = specs
            .iter()
            .zip(ids)
            .map(|(s, id)| Candidate {
                id,
                stage: s.stage,
                priority: s.priority,
                requires: &s.requires,
                decision: s.decision,
                counts: s.counts,
                change: s.counts,
                instructional: s.instructional,
                fallback: false,
                claim: Claim::Finding,
                answers: Vec::new(),
                standby: Vec::new(),
            })
            .collect();
        schedule(&candidates, 4, limits)
    }

    /// The change ideas in the plan that the improvement process needs.
    fn needed_by_process(specs: &[Spec], result: &Schedule) -> usize {
        let member = |i: usize| {
            matches!(
                result.slots[i].placement,
                Placement::Stage(_) | Placement::Deferred(_)
            )
        };
        let mut part_of_process = vec![false; specs.len()];
        for i in (0..specs.len()).rev() {
            if member(i) && (!specs[i].counts || part_of_process[i]) {
                for &p in &specs[i].requires {
                    part_of_process[p] = true;
                }
            }
        }
        (0..specs.len())
            .filter(|&i| specs[i].counts && part_of_process[i] && member(i))
            .count()
    }

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("s{i:02}")).collect()
    }

    proptest! {
        #[test]
        fn prerequisites_are_never_after_their_dependents(specs in specs(), cap in proptest::option::of(1usize..6)) {
            let ids = ids(specs.len());
            let result = run(&specs, &ids, cap);
            let position = |i: usize| -> Option<(usize, usize)> {
                result.stages.iter().enumerate().find_map(|(stage, list)| {
                    list.iter().position(|&x| x == i).map(|at| (stage, at))
                })
            };
            for (i, spec) in specs.iter().enumerate() {
                let Some(here) = position(i) else { continue };
                prop_assert!(here.0 >= spec.stage.min(3), "s{i} placed before its own stage");
                for &p in &spec.requires {
                    match result.slots[p].placement {
                        // Set aside by the team: the plan flags what needs it.
                        Placement::InPlace | Placement::SetAside => {}
                        Placement::Stage(_) => {
                            let there = position(p).expect("a staged prerequisite is in a stage list");
                            prop_assert!(there < here, "s{p} comes after s{i}, which requires it");
                        }
                        other => prop_assert!(false, "s{i} is scheduled but its prerequisite s{p} is {other:?}"),
                    }
                }
            }
        }

        #[test]
        fn the_cap_is_never_exceeded(specs in specs(), cap in 1usize..6) {
            let ids = ids(specs.len());
            let result = run(&specs, &ids, Some(cap));
            // What a process strategy in the plan needs is part of the process.
            let mut counts: Vec<bool> = specs.iter().map(|s| s.counts).collect();
            for i in (0..specs.len()).rev() {
                let member = matches!(result.slots[i].placement, Placement::Stage(_) | Placement::Deferred(_));
                if member && !counts[i] {
                    for &p in &specs[i].requires {
                        counts[p] = false;
                    }
                }
            }
            for list in &result.stages {
                let counted = list.iter().filter(|&&i| counts[i]).count();
                prop_assert!(counted <= cap);
            }
        }

        #[test]
        fn the_process_is_never_deferred_for_capacity(specs in specs(), cap in 1usize..6) {
            let ids = ids(specs.len());
            let result = run(&specs, &ids, Some(cap));
            for (i, spec) in specs.iter().enumerate() {
                if !spec.counts {
                    prop_assert_ne!(result.slots[i].placement, Placement::Deferred(DeferReason::Capacity), "s{}", i);
                }
            }
        }

        #[test]
        fn every_chosen_strategy_is_scheduled_deferred_or_in_place(specs in specs(), cap in proptest::option::of(1usize..6)) {
            let ids = ids(specs.len());
            let result = run(&specs, &ids, cap);
            for (i, spec) in specs.iter().enumerate() {
                let placement = result.slots[i].placement;
                match spec.decision {
                    Decision::Chosen => prop_assert!(matches!(placement, Placement::Stage(_) | Placement::Deferred(_))),
                    Decision::InPlace => prop_assert_eq!(placement, Placement::InPlace),
                    Decision::SetAside => prop_assert_eq!(placement, Placement::SetAside),
                    Decision::NotChosen | Decision::Pending => {}
                }
                if let Placement::Stage(stage) = placement {
                    prop_assert!(result.stages[stage].contains(&i));
                }
            }
            if cap.is_none() {
                prop_assert!(result.slots.iter().all(|s| !matches!(s.placement, Placement::Deferred(_))));
            }
        }

        #[test]
        fn no_more_change_ideas_than_the_limit(specs in specs(), limit in 0usize..6, instructional in any::<bool>()) {
            let ids = ids(specs.len());
            let limits = Limits { per_stage: None, change_ideas: Some(limit), fill_to: None, instructional };
            let result = run_with(&specs, &ids, limits);
            // What the process needs comes in whatever the limit; every
            // other change idea fits within what it leaves.
            let member = |i: usize| matches!(result.slots[i].placement, Placement::Stage(_) | Placement::Deferred(_));
            let needed = needed_by_process(&specs, &result);
            let ideas = (0..specs.len()).filter(|&i| specs[i].counts && member(i)).count();
            prop_assert!(ideas <= limit.max(needed), "{} change ideas over a limit of {}", ideas, limit);
            for (i, spec) in specs.iter().enumerate() {
                if spec.decision == Decision::Chosen {
                    prop_assert!(matches!(
                        result.slots[i].placement,
                        Placement::Stage(_) | Placement::Deferred(_) | Placement::AlsoConsidered
                    ), "chosen s{} is {:?}", i, result.slots[i].placement);
                }
            }
        }

        #[test]
        fn an_instructional_idea_that_fits_is_kept(specs in specs(), limit in 1usize..6) {
            let ids = ids(specs.len());
            let limits = Limits { per_stage: None, change_ideas: Some(limit), fill_to: None, instructional: true };
            let result = run_with(&specs, &ids, limits);
            let member = |i: usize| matches!(result.slots[i].placement, Placement::Stage(_) | Placement::Deferred(_));
            // An instructional idea with no prerequisites fits wherever the
            // process leaves a place.
            let room = needed_by_process(&specs, &result) < limit;
            let simple = room && (0..specs.len()).any(|i| {
                specs[i].instructional && specs[i].decision == Decision::Chosen && specs[i].requires.is_empty()
            });
            if simple {
                prop_assert!((0..specs.len()).any(|i| specs[i].instructional && member(i)));
            }
        }

        #[test]
        fn the_same_input_gives_the_same_schedule(specs in specs(), cap in proptest::option::of(1usize..6)) {
            let ids = ids(specs.len());
            prop_assert_eq!(run(&specs, &ids, cap), run(&specs, &ids, cap));
        }
    }
}
