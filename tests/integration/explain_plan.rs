//! `explain` plans through the session, as `plan` does: the same strategy
//! months, team decisions and aim, for every fixture.

use std::path::Path;

use elplan::explain::{Explainer, Status};
use elplan::{District, ErrorKind};

use crate::support::*;

/// What a plan says of each scheduled strategy: its stage and months and
/// the team's decision about it.
fn months_and_decisions(plan: &elplan::Plan<'_>) -> Vec<String> {
    plan.scheduled()
        .map(|s| {
            format!(
                "{} {:?} {}-{} {}",
                s.id,
                plan.stage_of(s.id),
                s.start_month,
                s.end_month,
                serde_json::to_string(&s.decision).expect("decision")
            )
        })
        .collect()
}

#[test]
fn explain_gives_the_months_decisions_and_aim_that_plan_gives() {
    let session = session();
    for file in fixtures() {
        let district = District::load(&file).expect("fixture");
        let plan = session.plan(&district, &file).expect("plans");
        let explainer = Explainer::new(session, &district, &file).expect("plans");
        let explained = explainer.plan();
        let name = file.display();
        assert!(!plan.driver_diagram.aim.is_empty(), "{name}: an aim");
        assert_eq!(
            explained.driver_diagram.aim, plan.driver_diagram.aim,
            "{name}"
        );
        assert_eq!(
            months_and_decisions(explained),
            months_and_decisions(&plan),
            "{name}"
        );
        assert_eq!(
            serde_json::to_string(explained).expect("json"),
            serde_json::to_string(&plan).expect("json"),
            "{name}: the same plan"
        );
        for s in plan.scheduled() {
            let x = explainer.explain(s.id).expect("explains");
            assert!(
                matches!(x.status, Status::Chosen | Status::PulledIn),
                "{name}: {}",
                s.id
            );
            assert_eq!(x.stage.as_deref(), plan.stage_of(s.id), "{name}: {}", s.id);
        }
        // An idea weighed and left out says so, with the plan's reason,
        // not that its condition does not hold.
        for a in &plan.also_considered {
            let x = explainer.explain(a.id).expect("explains");
            assert_eq!(x.status, Status::AlsoConsidered, "{name}: {}", a.id);
            assert_eq!(
                x.left_out.as_deref(),
                Some(a.why.as_str()),
                "{name}: {}",
                a.id
            );
        }
        for n in &plan.not_needed {
            let x = explainer.explain(n.id).expect("explains");
            assert_eq!(x.status, Status::NotNeeded, "{name}: {}", n.id);
        }
    }
}

#[test]
fn explain_refuses_a_decision_about_an_unknown_id_as_plan_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = with_decisions(
        dir.path(),
        r#"(findings: {"no_such_finding": (verdict: Disputed)})"#,
    );
    let path = Path::new(&file);
    let district = District::load(path).expect("loads");
    let planned = session().plan(&district, path).expect_err("unknown id");
    let explained = elplan::explain::explain(session(), &district, path, "high_poverty")
        .expect_err("unknown id");
    assert_eq!(explained.kind, ErrorKind::Decisions);
    assert_eq!(explained, planned);
}
