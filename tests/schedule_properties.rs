//! Properties of the scheduler on generated rule graphs: prerequisites never
//! after their dependents, the per-stage cap never exceeded, nothing chosen
//! silently lost, and the same input giving the same schedule.

use elplan::schedule::{schedule, Candidate, Decision, Placement, Schedule};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Spec {
    stage: usize,
    priority: u32,
    /// Prerequisites among earlier candidates only, so the graph is acyclic.
    requires: Vec<usize>,
    decision: Decision,
}

fn decision() -> impl Strategy<Value = Decision> {
    prop_oneof![
        Just(Decision::Chosen),
        Just(Decision::NotChosen),
        Just(Decision::InPlace),
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
                (0usize..4, 0u32..30, requires, decision()).prop_map(
                    |(stage, priority, mut requires, decision)| {
                        requires.sort_unstable();
                        requires.dedup();
                        Spec {
                            stage,
                            priority,
                            requires,
                            decision,
                        }
                    },
                )
            })
            .collect::<Vec<_>>()
    })
}

fn run(specs: &[Spec], ids: &[String], cap: Option<usize>) -> Schedule {
    let candidates: Vec<Candidate<'_>> = specs
        .iter()
        .zip(ids)
        .map(|(s, id)| Candidate {
            id,
            stage: s.stage,
            priority: s.priority,
            requires: &s.requires,
            decision: s.decision,
        })
        .collect();
    schedule(&candidates, 4, cap)
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
                    Placement::InPlace => {}
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
        for list in &result.stages {
            prop_assert!(list.len() <= cap);
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
    fn the_same_input_gives_the_same_schedule(specs in specs(), cap in proptest::option::of(1usize..6)) {
        let ids = ids(specs.len());
        prop_assert_eq!(run(&specs, &ids, cap), run(&specs, &ids, cap));
    }
}
