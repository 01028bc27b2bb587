//! The domain behaviour of the default rule base on the bundled fixtures.
//! What DOMAIN.md asks of each finding and strategy is data, in
//! `domain.expect.ron` beside this file, an expectation file as rule-base
//! maintainers write them: the tests here run it through the library (as
//! `elplan test` does), and pin the behaviours that need more than "fires
//! here, not there".

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock};

use elplan::expectations::{Check, Expectation, ExpectationFile};
use elplan::plan::{DeferReason, NotFiredReason, Reason};
use elplan::rule_test::Options;
use elplan::rulebase::rules::StrategyKind;
use elplan::{District, Plan, RuleBase};

use crate::support::*;

fn rules() -> &'static RuleBase {
    session().rules()
}

/// The plan of a bundled fixture (`cases/full-history`), made once.
fn plan(name: &str) -> &'static Plan<'static> {
    static PLANS: OnceLock<Mutex<HashMap<String, &'static Plan<'static>>>> = OnceLock::new();
    let mut plans = PLANS.get_or_init(Default::default).lock().expect("plans");
    plans.entry(name.to_string()).or_insert_with(|| {
        let path = fixture(name);
        let district = District::load(&path).expect("fixture loads");
        Box::leak(Box::new(
            session().plan(&district, &path).expect("fixture plans"),
        ))
    })
}

/// The plan of a bundled fixture whose month 1 is `month` of `year`.
fn plan_dated(name: &str, year: i32, month: u32) -> Plan<'static> {
    let path = fixture(name);
    let district = District::load(&path).expect("fixture loads");
    session()
        .plan_dated(&district, &path, Some((year, month)))
        .expect("fixture plans")
}

/// Every fixture by name, as [`plan`] takes it.
fn all_fixtures() -> Vec<String> {
    fixtures()
        .iter()
        .map(|path| {
            let stem = path.file_stem().expect("name").to_string_lossy();
            let group = path.parent().and_then(|p| p.file_name()).expect("group");
            format!("{}/{stem}", group.to_string_lossy())
        })
        .collect()
}

/// The expectations of the built-in rule base: `domain.expect.ron` beside
/// this file, which `elplan test tests/integration` runs too.
fn expectations() -> ExpectationFile {
    let path = std::path::Path::new(ROOT).join("tests/integration/domain.expect.ron");
    ExpectationFile::load(&path, rules()).unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn the_built_in_rule_base_meets_its_expectations() {
    let report = elplan::rule_test::run(session(), &[expectations()], Options::default())
        .unwrap_or_else(|d| panic!("{d}"));
    assert!(report.failures.is_empty(), "{}", report.to_text());
    // 35 findings and 25 strategies on two fixtures each, 23 strategies
    // on each of the 45 fixtures, 2 of them also in place on one; and the
    // 13 of issue 23's second pass (too few to judge, criteria met on an
    // earlier Dashboard, reclassification against the state of its year);
    // the 3 of a fall in English progress told once; the 1 of an EL share
    // above the state's and below the large share's four in ten; the 2 of
    // the lowest level in English progress; the 2 of the lowest level in
    // graduation; the 4 of assistance on three Dashboards, told by the
    // assistance's finding while the district is in it; the 2 of
    // attendance or graduation behind the assistance; the 2 of a district
    // the state's recent files leave out.
    assert_eq!(
        report.passed,
        35 * 2 + 25 * 2 + 23 * 45 + 2 + 13 + 3 + 1 + 2 + 2 + 4 + 2 + 2
    );
}

#[test]
fn the_expectations_name_every_domain_rule_and_nothing_else() {
    // Each finding fires on one fixture and is decided not to on another;
    // each strategy is chosen on one and not on another, or is in every plan.
    let mut said: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    fn note(said: &mut BTreeMap<String, BTreeSet<&'static str>>, e: &Expectation) {
        let (id, what) = match e {
            Expectation::Fires(id) => (id, "fires"),
            Expectation::DoesNotFire(id) => (id, "does not fire"),
            Expectation::Chosen(id) => (id, "chosen"),
            Expectation::NotChosen(id) => (id, "not chosen"),
            Expectation::InPlan(id) => (id, "in every plan"),
            Expectation::InPlace(id) => (id, "in place"),
            Expectation::AnyOf(choices) => return choices.iter().for_each(|c| note(said, c)),
            other => panic!("domain.expect.ron says more than DOMAIN.md: {other:?}"),
        };
        said.entry(id.clone()).or_default().insert(what);
    }
    for case in expectations().cases {
        if let Check::Expect(list) = case.check {
            list.iter().for_each(|w| note(&mut said, &w.expectation));
        }
    }
    let findings: Vec<&String> = said
        .keys()
        .filter(|id| rules().finding(id).is_some())
        .collect();
    // DOMAIN.md: 21 findings and 43 strategies, and Revision 2's 5 and 4;
    // and the 2 findings that public data decides (elpi_fell_last_year,
    // low_incidence_els), added for the statewide drafts; the 5 that the
    // EL group's outcome files decide (issue 23), and their suspension review;
    // too few English learners to judge, and the EL group's assistance
    // criteria met on an earlier Dashboard; and the EL group at the lowest
    // level in English progress and in graduation (from the same list of
    // low-performing groups); and pupil engagement behind the assistance;
    // and a district the state's recent files leave out.
    assert_eq!(findings.len(), 41);
    assert_eq!(said.len() - findings.len(), 48);
    let mut incomplete = Vec::new();
    for (id, what) in &said {
        let complete = if rules().finding(id).is_some() {
            what.contains("fires") && what.contains("does not fire")
        } else {
            (what.contains("chosen") && what.contains("not chosen"))
                || what.contains("in every plan")
        };
        if !complete {
            incomplete.push(format!("{id}: only {what:?}"));
        }
    }
    assert!(incomplete.is_empty(), "{incomplete:#?}");
}

mod findings {
    use super::*;

    #[test]
    fn high_el_concentration_fires_on_ever_el_share_alone() {
        let plan = plan("cases/full-history");
        assert!(
            plan.fired("high_el_concentration"),
            "EL 34 % but ever-EL 58 %"
        );
    }

    #[test]
    fn a_finding_whose_data_is_missing_is_pending_not_false() {
        let plan = plan("calli/mendota-unified");
        assert!(!plan.fired("weak_el_progress"));
        assert!(!plan.not_fired.iter().any(|f| f.id == "weak_el_progress"));
        let pending = plan
            .pending
            .iter()
            .find(|p| p.id == "weak_el_progress")
            .expect("pending");
        assert_eq!(pending.missing, ["history.elpi_status"]);
    }

    #[test]
    fn a_known_side_decides_an_or_despite_missing_data() {
        // Ever-EL share is unknown for Mendota, but EL share alone is 68.7 %.
        assert!(plan("calli/mendota-unified").fired("high_el_concentration"));
        // Coaches are unknown for Fairfield-Suisun, but ELs are under 20 %.
        let plan = plan("calli/fairfield-suisun-unified");
        assert!(plan
            .not_fired
            .iter()
            .any(|f| f.id == "coaching_capacity_gap"));
    }
}

mod driver_diagram {
    use super::*;

    #[test]
    fn secondary_drivers_are_conditions_to_build_and_change_ideas_are_change_strategies() {
        for name in all_fixtures() {
            let plan = plan(&name);
            for d in &plan.driver_diagram.drivers {
                for s in &d.secondary {
                    let finding = rules().finding(s.finding).expect("a finding");
                    assert_eq!(finding.driver.as_deref(), Some(s.driver), "{name}");
                    assert!(plan.fired(s.finding), "{name}: {} did not fire", s.finding);
                }
                let ideas = d
                    .secondary
                    .iter()
                    .flat_map(|s| &s.change_ideas)
                    .chain(&d.change_ideas);
                for id in ideas {
                    let rule = rules().strategy(id).expect("a strategy");
                    assert_eq!(
                        rule.kind,
                        StrategyKind::Change,
                        "{name}: {id} is not a change idea"
                    );
                    assert!(plan.stage_of(id).is_some(), "{name}: {id} is not scheduled");
                }
            }
        }
    }

    #[test]
    fn context_facts_stay_in_the_profile_and_answered_context_is_a_driver() {
        let plan = plan("calli/mendota-unified");
        assert!(plan.fired("high_poverty"));
        // At four in ten or more, the large share's finding states the EL
        // share beside the state's.
        assert!(plan.not_fired.iter().any(|f| f.id == "el_share_above_state"
            && f.reason == NotFiredReason::SaidBy
            && f.said_by == Some("high_el_concentration")));
        let drivers: Vec<&str> = plan
            .driver_diagram
            .drivers
            .iter()
            .flat_map(|d| d.secondary.iter().map(|s| s.finding))
            .collect();
        assert!(!drivers.contains(&"el_share_above_state"));
        // Poverty is context a change idea answers (listening to
        // families): the diagram draws it, so the idea is not dotted.
        assert!(drivers.contains(&"high_poverty"));
        assert!(drivers.contains(&"high_el_concentration"));
        let ideas: Vec<&str> = plan
            .driver_diagram
            .drivers
            .iter()
            .flat_map(|d| d.change_ideas.iter().copied())
            .collect();
        assert!(
            !ideas.contains(&"plan_adoption"),
            "a process step is not a change idea"
        );
    }
}

mod goals {
    use super::*;

    fn goal<'p>(plan: &'p Plan<'_>, id: &str) -> &'p elplan::plan::Goal<'p> {
        plan.goals.iter().find(|g| g.id == id).expect("a goal")
    }

    #[test]
    fn a_known_outcome_gets_a_baseline_and_a_target_at_the_plan_end() {
        let plan = plan("cases/full-history");
        let elpi = goal(plan, "elpi_status");
        let baseline = elpi.baseline.as_ref().expect("baseline");
        assert_eq!((baseline.value, baseline.year.as_str()), (0.42, "2023-24"));
        // Two school years of +3 points from 2023-24 to 2025-26.
        let target = elpi.target.as_ref().expect("target");
        assert_eq!((target.value, target.year.as_str()), (0.48, "2025-26"));
        assert!(elpi.missing.is_empty());
        let ltel = goal(plan, "ltel_share").target.as_ref().expect("target");
        // Revision 3: down 2 points a year (24 % to 20 %), never below half
        // the baseline.
        assert!(
            (ltel.value - 0.20).abs() < 1e-9,
            "down 2 points a year: {}",
            ltel.value
        );
        assert!(plan.driver_diagram.aim.contains("on the Fall 2026 Dashboard (2025-26 data), 48.0 % of English learners progress at least one ELPI level or hold the top level, from 42.0 % in 2023-24"), "{}", plan.driver_diagram.aim);
    }

    /// A K-6 district's long-term ELs (grade 6) get conferences and
    /// identification, not a course its school day has no period for.
    #[test]
    fn a_district_ending_at_grade_six_offers_no_long_term_el_course() {
        let output = elplan(&[
            "plan",
            "fixtures/cases/three-year-horizon.ron",
            "--set",
            "students.ltel_share_of_els=0.3",
            "--format",
            "json",
        ])
        .run();
        assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
        let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("plan JSON");
        let fired: Vec<&str> = plan["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["id"].as_str())
            .collect();
        assert!(fired.contains(&"high_ltel_rate"), "{fired:?}");
        let considered = |id: &str| {
            plan["stages"]
                .as_array()
                .expect("stages")
                .iter()
                .flat_map(|s| s["strategies"].as_array().expect("strategies"))
                .chain(plan["also_considered"].as_array().expect("also considered"))
                .any(|s| s["id"] == id)
        };
        assert!(!considered("ltel_courses"));
        assert!(considered("ltel_student_conferences") && considered("ltel_identification"));
    }

    /// The aim states the goal of the most severe fired finding it
    /// measures: English progress while that is weak, then the
    /// reclassification rate, then the long-term EL share (goals.ron's
    /// order on a tie).
    #[test]
    fn the_aim_states_the_goal_of_the_most_severe_finding() {
        let aim = |sets: &[&str]| {
            let mut args = vec![
                "plan",
                "fixtures/cases/full-history.ron",
                "--format",
                "json",
            ];
            for set in sets {
                args.extend(["--set", set]);
            }
            let output = elplan(&args).run();
            assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
            let plan: serde_json::Value =
                serde_json::from_slice(&output.stdout).expect("plan JSON");
            plan["driver_diagram"]["aim"]
                .as_str()
                .expect("aim")
                .to_string()
        };
        let progress = "history[2023-24].elpi_status=0.6";
        let reclassified = "history[2023-24].reclassification_rate=0.2";
        assert!(aim(&[]).contains("48.0 % of English learners progress at least one ELPI level"));
        assert!(aim(&[progress]).contains(
            "9.5 % of English learners are reclassified each year, from 5.5 % in 2023-24"
        ));
        assert!(aim(&[progress, reclassified])
            .contains("20.0 % of English learners, at most, are long-term English learners, from 24.0 % in 2023-24"));
    }

    #[test]
    fn an_unknown_outcome_says_which_data_would_set_it() {
        let plan = plan("calli/mendota-unified");
        let elpi = goal(plan, "elpi_status");
        assert!(elpi.baseline.is_none() && elpi.target.is_none());
        assert_eq!(elpi.missing, ["history.elpi_status"]);
        assert_eq!(
            goal(plan, "ltel_share").missing,
            ["students.ltel_share_of_els"]
        );
    }

    #[test]
    fn a_start_month_outside_the_calendar_plans_undated() {
        for month in [0, 13, u32::MAX] {
            let plan = plan_dated("cases/cap-six", 2025, month);
            assert_eq!(plan.start, None);
            assert_eq!(plan.first_month, 8);
        }
    }

    #[test]
    fn a_dated_plan_aims_at_the_school_year_it_ends_in() {
        let plan = plan_dated("cases/cap-six", 2025, 8);
        // August 2025 plus 36 months ends in July 2028: school year 2027-28.
        let target = goal(&plan, "elpi_status").target.as_ref().expect("target");
        assert_eq!(target.year, "2027-28");
        assert!(
            plan.driver_diagram
                .aim
                .contains("on the Fall 2028 Dashboard (2027-28 data)"),
            "{}",
            plan.driver_diagram.aim
        );
    }
}

mod state_series {
    use super::*;

    /// A district file in RON, planned.
    fn planned(source: &str) -> Plan<'static> {
        let path = std::path::Path::new("inline.ron");
        let district = District::parse(path, source).expect("a district");
        session().plan(&district, path).expect("plans")
    }

    #[test]
    fn a_rate_is_compared_with_the_state_rate_of_its_year() {
        let in_2018 = planned(
            r#"District(id: "x", name: "X", kind: Unified, enrollment: 900, students: (el_share: 0.3),
               history: [(year: "2018-19", reclassification_rate: 0.10)])"#,
        );
        let finding = in_2018
            .findings
            .iter()
            .find(|f| f.id == "reclassification_below_state")
            .expect("10 % in 2018-19 is below the state's 13.9 % in 2018-19");
        assert!(
            finding
                .evidence
                .contains("10.0 % in 2018-19, below the state's 13.9 % the same year"),
            "{}",
            finding.evidence
        );
        // 2021 is the pandemic low (Revision 3): only a 2020-21 rate is
        // compared with it; a later one is compared with 2018-19's.
        let in_2021 = planned(
            r#"District(id: "x", name: "X", kind: Unified, enrollment: 900, students: (el_share: 0.3),
               history: [(year: "2020-21", reclassification_rate: 0.10)])"#,
        );
        assert!(
            !in_2021.fired("reclassification_below_state"),
            "10 % is above the state's 6.9 % of 2021"
        );
        let in_2023 = planned(
            r#"District(id: "x", name: "X", kind: Unified, enrollment: 900, students: (el_share: 0.3),
               history: [(year: "2023-24", reclassification_rate: 0.10)])"#,
        );
        let finding = in_2023
            .findings
            .iter()
            .find(|f| f.id == "reclassification_below_state")
            .expect("10 % in 2023-24 is below the state's 13.9 % in 2018-19");
        assert!(
            finding.evidence.contains("the state's 13.9 % in 2018-19"),
            "{}",
            finding.evidence
        );
    }
}

mod checklist {
    use super::*;
    use elplan::plan::ComplianceStatus;

    fn status(plan: &Plan<'_>, id: &str) -> ComplianceStatus {
        plan.compliance
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.status)
            .unwrap_or_else(|| panic!("{id} is on the checklist"))
    }

    #[test]
    fn every_plan_checks_every_requirement() {
        let ids: Vec<&str> = rules()
            .requirements
            .iter()
            .map(|r| r.rule.id.as_str())
            .collect();
        assert_eq!(ids.len(), 15);
        for name in all_fixtures() {
            let listed: Vec<&str> = plan(&name).compliance.iter().map(|c| c.id).collect();
            assert_eq!(listed, ids, "{name}");
        }
    }

    #[test]
    fn a_requirement_is_met_not_met_or_to_confirm() {
        let rural = plan("cases/rural-assistance");
        assert_eq!(status(rural, "program_options"), ComplianceStatus::NotMet);
        assert_eq!(status(rural, "rfep_monitoring"), ComplianceStatus::NotMet);
        assert_eq!(status(rural, "home_language_survey"), ComplianceStatus::Met);
        let complete = plan("cases/complete-team");
        assert!(complete
            .compliance
            .iter()
            .all(|c| c.status == ComplianceStatus::Met));
        let mendota = plan("calli/mendota-unified");
        let unknown = mendota
            .compliance
            .iter()
            .find(|c| c.id == "lcap_el_actions")
            .expect("listed");
        assert_eq!(unknown.status, ComplianceStatus::Confirm);
        assert_eq!(unknown.missing, ["compliance.lcap_el_actions"]);
    }

    #[test]
    fn committees_a_small_district_does_not_need_are_not_needed_not_in_place() {
        // 13 English learners: no school has 21, so no ELAC and no DELAC.
        let few = plan("cases/few-els");
        assert_eq!(status(few, "elac"), ComplianceStatus::NotApplicable);
        assert!(few.not_needed.iter().any(|s| s.id == "advisory_committees"));
        assert!(!few.is_in_place("advisory_committees"));
        assert!(few.stage_of("advisory_committees").is_none());
        let mendota = plan("calli/mendota-unified");
        assert!(mendota.not_needed.is_empty());
        let delac = mendota.compliance.iter().find(|c| c.id == "delac");
        assert!(delac.is_some_and(|c| c.required_here));
    }

    #[test]
    fn advisory_committees_are_required_by_the_number_of_english_learners() {
        // Mendota: 68.7 % of 3,146 students are ELs, so both committees are
        // required; the file does not say whether they are active.
        let mendota = plan("calli/mendota-unified");
        assert_eq!(status(mendota, "delac"), ComplianceStatus::Confirm);
        let rural = plan("cases/rural-assistance");
        assert_eq!(status(rural, "delac"), ComplianceStatus::Met);
    }
}

mod sequencing {
    use super::*;

    /// Revision 3: the team's goals are scheduled under a tight cap, and an
    /// unmet requirement's remedy is never deferred for capacity.
    #[test]
    fn the_team_goals_and_the_unmet_requirement_come_first() {
        let plan = plan("cases/team-goals");
        // Designated ELD taught in some classrooms only is a requirement of
        // law not met: its remedy comes first, and answers the team's
        // designated-ELD goal too.
        for id in [
            "designated_eld_schedule",         // strengthen designated ELD
            "dual_language_expansion",         // dual language from 6 to 8 schools
            "teacher_leader_model",            // build teacher leadership
            "reclassified_student_monitoring", // rfep_monitoring: not met
        ] {
            assert!(
                plan.stage_of(id).is_some(),
                "{id} is not scheduled: also considered {:?}, deferred {:?}",
                plan.also_considered
                    .iter()
                    .map(|a| a.id)
                    .collect::<Vec<_>>(),
                plan.deferred.iter().map(|d| d.id).collect::<Vec<_>>()
            );
        }
        // Nothing that answers neither a goal nor a requirement is scheduled
        // while a goal's idea waits.
        assert!(plan.deferred.is_empty(), "{:?}", plan.deferred);
    }

    /// Revision 3: a strategic selection of at most eight change ideas, one
    /// of them instructional wherever there are English learners.
    #[test]
    fn every_plan_holds_at_most_eight_change_ideas_and_an_instructional_one() {
        let instructional = &rules().policy.instructional;
        for name in all_fixtures() {
            let plan = plan(&name);
            let ideas: Vec<&str> = plan
                .scheduled()
                .filter(|s| s.kind == StrategyKind::Change)
                .map(|s| s.id)
                .collect();
            assert!(
                ideas.len() <= 8,
                "{name}: {} change ideas {ideas:?}",
                ideas.len()
            );
            assert!(
                ideas.iter().any(|id| instructional.iter().any(|i| i == id)),
                "{name} has no instructional change idea: {ideas:?}"
            );
        }
    }

    /// A change idea chosen for the team's own goal says so: the team's
    /// designated ELD goal is not "none of the district's findings".
    #[test]
    fn a_change_idea_for_the_teams_goal_says_so() {
        let (plan, draft) = draft("cases/team-goals");
        let eld = plan
            .scheduled()
            .find(|s| s.id == "designated_eld_schedule")
            .expect("the team's designated ELD goal is scheduled");
        assert_eq!(eld.goals, ["strengthen_designated_eld"]);
        let section = draft
            .split("### Make designated ELD consistent across schools")
            .nth(1)
            .expect("its section");
        let why = section
            .lines()
            .find(|l| l.starts_with("**Why it is here:**"))
            .expect("why");
        assert!(
            why.contains("the team's own goal: “consistent designated ELD”"),
            "{why}"
        );
        assert!(!why.contains("none of the district's findings"), "{why}");
    }

    /// A change idea left out that would close a requirement of law the
    /// checklist asks the team to confirm says so in the draft, with the
    /// requirement and its basis (a consultant read "no place was left" for
    /// the monitoring of reclassified students as a legal duty dropped).
    #[test]
    fn a_remedy_left_out_names_the_requirement_to_confirm() {
        let mut seen = 0;
        for name in all_fixtures() {
            let (plan, draft) = draft(&name);
            for a in &plan.also_considered {
                for c in &plan.compliance {
                    let confirm = c.status == elplan::plan::ComplianceStatus::Confirm;
                    if confirm && c.remedies.iter().any(|r| r == a.id) {
                        assert!(a.requirements_to_confirm.contains(&c.id), "{name}");
                        let line = draft
                            .lines()
                            .find(|l| l.starts_with(&format!("- **{}.**", a.title)))
                            .unwrap_or_else(|| panic!("{name}: no line for {}", a.id));
                        assert!(
                            line.contains(&format!("“{}” ({})", c.requirement, c.basis))
                                && line.contains("the checklist asks the team to confirm it"),
                            "{name}: {line}"
                        );
                        seen += 1;
                    }
                }
            }
        }
        assert!(
            seen > 0,
            "no fixture leaves out a remedy of a row to confirm"
        );
    }

    /// An audit or a review of results is not the answer to a finding a
    /// change answers (`policy.ron`'s `studies`): in the bundled plans a
    /// study is scheduled only as what a change needs first, for a goal
    /// the team states (raising reclassification starts with its audit),
    /// or for a finding no other change idea in the plan answers. (Before
    /// the rule, five fixtures scheduled a review or an audit for findings
    /// a change answered.)
    #[test]
    fn a_study_comes_in_only_as_what_a_change_needs_first_or_for_a_goal() {
        let studies = &rules().policy.studies;
        let study = |id: &str| studies.iter().any(|s| s == id);
        assert!(study("elpac_progress_review"));
        let mut for_a_finding = 0;
        for name in all_fixtures() {
            let plan = plan(&name);
            let changed: BTreeSet<&str> = plan
                .scheduled()
                .filter(|s| s.kind == StrategyKind::Change && !study(s.id))
                .flat_map(|s| s.addresses.iter().copied())
                .collect();
            for s in plan.scheduled() {
                if !study(s.id) || !s.required_by.is_empty() || !s.goals.is_empty() {
                    continue;
                }
                for_a_finding += 1;
                assert!(
                    s.addresses.iter().any(|f| !changed.contains(f)),
                    "{name}: {} is scheduled for findings a change answers: {:?}",
                    s.id,
                    s.addresses
                );
            }
        }
        assert!(
            for_a_finding > 0,
            "no bundled plan takes a study for a finding"
        );
    }

    #[test]
    fn a_district_already_in_a_network_is_not_asked_to_join_one() {
        let calli = plan("calli/mendota-unified");
        assert!(calli.is_in_place("improvement_network"));
        assert_eq!(calli.stage_of("improvement_network"), None);
        let rural = plan("cases/rural-assistance");
        let chosen = Expectation::Chosen("improvement_network".into());
        assert_eq!(
            elplan::rule_test::check(rural, rules(), &chosen),
            Ok(()),
            "a rural district joins one"
        );
        let stage = rural.stage_of("improvement_network");
        assert!(stage.is_none() || stage == Some("launch"), "{stage:?}");
    }

    #[test]
    fn process_strategies_are_marked_and_pdsa_starts_in_design() {
        let process: Vec<&str> = rules()
            .strategies
            .iter()
            .filter(|s| s.rule.kind == StrategyKind::Process)
            .map(|s| s.rule.id.as_str())
            .collect();
        assert_eq!(process.len(), 19, "{process:?}");
        let plan = plan("cases/full-history");
        assert_eq!(plan.stage_of("pdsa_cycles"), Some("design"));
        assert_eq!(plan.stage_of("low_stakes_first_change"), Some("assess"));
        let pdsa = plan
            .scheduled()
            .find(|s| s.id == "pdsa_cycles")
            .expect("pdsa");
        let problem = plan
            .scheduled()
            .find(|s| s.id == "right_size_problem")
            .expect("problem");
        assert!(pdsa.ongoing && pdsa.start_month > problem.end_month);
        assert_eq!(pdsa.end_month, plan.horizon_months);
    }

    #[test]
    fn prerequisites_never_come_after_what_needs_them() {
        for name in all_fixtures() {
            let plan = plan(&name);
            let order: Vec<&str> = plan.scheduled().map(|s| s.id).collect();
            for s in plan.scheduled() {
                let at = order.iter().position(|&x| x == s.id);
                for r in s.requires {
                    if let Some(before) = order.iter().position(|x| x == r) {
                        assert!(before < at.unwrap_or(0), "{name}: {r} after {}", s.id);
                    } else {
                        assert!(
                            plan.is_in_place(r) || plan.not_needed.iter().any(|n| n.id == *r),
                            "{name}: {r} needed by {} is neither scheduled, in place nor not needed",
                            s.id
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_prerequisite_not_chosen_is_pulled_in_with_who_needs_it() {
        let plan = plan("elin/urban-district");
        let pipeline = plan
            .scheduled()
            .find(|s| s.id == "bilingual_teacher_pipeline")
            .expect("pulled in");
        assert_eq!(pipeline.reason, Reason::Prerequisite);
        assert_eq!(pipeline.required_by, ["dual_language_expansion"]);
    }

    #[test]
    fn a_pending_strategy_is_listed_with_the_data_that_settles_it() {
        let plan = plan("cases/no-history");
        let pending = plan
            .pending
            .iter()
            .find(|p| p.id == "ltel_courses")
            .expect("pending");
        // Its long-term EL share, whether long-term ELs put the district
        // in assistance, or whether ELs were red in college and career.
        assert_eq!(
            pending.missing,
            [
                "accountability.assistance",
                "accountability.assistance_history",
                "history.el_lowest",
                "students.ltel_share_of_els"
            ]
        );
        assert_eq!(plan.stage_of("ltel_courses"), None);
    }

    #[test]
    fn the_stage_cap_counts_change_ideas_only_and_the_rest_is_deferred() {
        let plan = plan("cases/tight-cap");
        // What a process strategy in the plan needs is part of the process
        // (also where the process strategy then fell past the horizon).
        let members = plan
            .scheduled()
            .map(|s| s.id)
            .chain(plan.deferred.iter().map(|d| d.id));
        let process_needs: Vec<&str> = members
            .filter_map(|id| rules().strategy(id))
            .filter(|r| r.kind == StrategyKind::Process)
            .flat_map(|r| r.requires.iter().map(String::as_str))
            .collect();
        for stage in &plan.stages {
            let counted = stage
                .strategies
                .iter()
                .filter(|s| s.kind == StrategyKind::Change && !process_needs.contains(&s.id))
                .count();
            assert!(counted <= 3, "{} holds {counted} change ideas", stage.id);
        }
        let process_deferred_for_capacity: Vec<&str> = plan
            .deferred
            .iter()
            .filter(|d| d.reason == DeferReason::Capacity)
            .filter(|d| {
                rules()
                    .strategy(d.id)
                    .is_some_and(|r| r.kind == StrategyKind::Process)
            })
            .map(|d| d.id)
            .collect();
        assert!(
            process_deferred_for_capacity.is_empty(),
            "{process_deferred_for_capacity:?}"
        );
        assert_eq!(plan.horizon_months, 12);
    }

    /// The fixture with a cap of six, dated August 2025: the plan runs like
    /// real work, on the school calendar.
    #[test]
    fn a_capped_plan_starts_small_early_and_is_adopted_in_june() {
        let plan = plan_dated("cases/cap-six", 2025, 8);
        let horizon = f64::from(plan.horizon_months);
        let start = |id: &str| {
            plan.scheduled()
                .find(|s| s.id == id)
                .map(|s| s.start_month)
                .unwrap_or_else(|| panic!("{id} is scheduled"))
        };
        // Month m of a plan starting in August 2025 is calendar month (m + 6) % 12 + 1.
        assert_eq!(
            (start("plan_adoption") + 6) % 12 + 1,
            6,
            "adopted in a June"
        );
        assert!(f64::from(start("low_stakes_first_change")) <= 0.4 * horizon);
        assert!(f64::from(start("pdsa_cycles")) <= 0.6 * horizon);
        for d in &plan.deferred {
            let kind = rules().strategy(d.id).map(|r| r.kind);
            assert_ne!(kind, Some(StrategyKind::Process), "{} deferred", d.id);
        }
        assert_eq!(plan.start.as_deref(), Some("2025-08"));
    }

    #[test]
    fn a_prerequisite_finishes_before_what_needs_it_starts() {
        for name in all_fixtures() {
            let plan = plan(&name);
            for s in plan.scheduled() {
                for r in s.requires {
                    let Some(before) = plan.scheduled().find(|x| x.id == r) else {
                        continue;
                    };
                    let duration = rules().strategy(r).map_or(1, |x| x.duration);
                    assert!(
                        before.start_month + duration - 1 < s.start_month,
                        "{name}: {} starts in month {} before {r} is done",
                        s.id,
                        s.start_month
                    );
                }
            }
        }
    }

    #[test]
    fn stages_cover_the_horizon_in_order() {
        let plan = plan("cases/three-year-horizon");
        let months: Vec<(u32, u32)> = plan
            .stages
            .iter()
            .map(|s| (s.start_month, s.end_month))
            .collect();
        // The first school year builds the plan (adopted in June, month
        // 11); implementation starts with the second (month 13).
        assert_eq!(months, [(1, 1), (2, 5), (6, 12), (13, 36)]);
        let ids: Vec<&str> = plan.stages.iter().map(|s| s.id).collect();
        assert_eq!(ids, ["launch", "assess", "design", "implement"]);
    }
}

mod rule_base {
    use super::*;

    const SEEDS: [&str; 5] = [
        "000_27de786008e6bbd0.txt",
        "001_f2579bc5bb7bb78d.txt",
        "002_97c856a57aab763a.txt",
        "003_8720d84c1288f393.txt",
        "004_6a2c37c4e553160e.txt",
    ];

    fn check_sources(owner: &str, sources: &[String]) {
        assert!(!sources.is_empty(), "{owner} names no source");
        for source in sources {
            if source.ends_with(".txt") {
                assert!(
                    SEEDS.contains(&source.as_str()),
                    "{owner} cites an unknown seed {source}"
                );
            }
        }
    }

    #[test]
    fn every_strategy_is_a_complete_recommendation() {
        for s in rules().strategies.iter().map(|s| &s.rule) {
            let owner = format!("strategy {}", s.id);
            assert!(!s.title.trim().is_empty(), "{owner} has no title");
            assert!(s.rationale.len() > 40, "{owner} has no real rationale");
            assert!(
                s.actions.len() >= 2,
                "{owner} has fewer than two action steps"
            );
            assert!(!s.owners.is_empty(), "{owner} has no owners");
            assert!(
                s.first_test.len() > 20,
                "{owner} has no first small test of change"
            );
            assert!(!s.measures.is_empty(), "{owner} has no measure");
            check_sources(&owner, &s.sources);
        }
    }

    #[test]
    fn every_finding_states_evidence_and_sources() {
        for f in rules().findings.iter().map(|f| &f.rule) {
            let owner = format!("finding {}", f.id);
            assert!(!f.title.trim().is_empty(), "{owner} has no title");
            assert!(
                !f.evidence.trim().is_empty(),
                "{owner} has no evidence sentence"
            );
            check_sources(&owner, &f.sources);
        }
    }

    /// Each finding's secondary driver is its own: two findings with one
    /// driver would show as twin boxes in the driver diagram.
    #[test]
    fn no_two_findings_share_a_driver() {
        let mut seen = BTreeMap::new();
        for f in rules().findings.iter().map(|f| &f.rule) {
            if let Some(driver) = &f.driver {
                if let Some(other) = seen.insert(driver.as_str(), f.id.as_str()) {
                    panic!("{} and {other} share the driver “{driver}”", f.id);
                }
            }
        }
    }

    #[test]
    fn every_reference_value_has_a_year_and_a_source() {
        let rules = rules();
        assert!(!rules.references.is_empty());
        for r in &rules.references {
            assert!(
                !r.year.trim().is_empty() && !r.source.trim().is_empty(),
                "{}",
                r.id
            );
        }
        let stages: Vec<&str> = rules.stages.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(stages, ["launch", "assess", "design", "implement"]);
        let areas: Vec<&str> = rules.areas.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            areas,
            [
                "leadership",
                "data",
                "instruction",
                "learning",
                "family",
                "improvement"
            ]
        );
    }

    #[test]
    fn every_area_and_finding_has_guiding_questions_and_every_stage_strategies() {
        let rules = rules();
        for area in &rules.areas {
            assert!(
                area.questions.len() >= 2,
                "area {} needs guiding questions",
                area.id
            );
        }
        for finding in rules.findings.iter().map(|f| &f.rule) {
            assert!(
                !finding.questions.is_empty(),
                "finding {} needs guiding questions",
                finding.id
            );
        }
        for area in &rules.areas {
            let covered = rules.strategies.iter().any(|s| s.rule.area == area.id);
            assert!(covered, "no strategy in area {}", area.id);
        }
        for (index, stage) in rules.stages.iter().enumerate() {
            assert!(
                rules.strategies.iter().any(|s| s.stage == index),
                "no strategy in stage {}",
                stage.id
            );
        }
        for principle in 1..=4 {
            assert!(
                rules
                    .strategies
                    .iter()
                    .any(|s| s.rule.principle == principle),
                "no strategy serves principle {principle}"
            );
        }
    }
}

/// Properties of real plans: the default rule base on generated districts
/// (sizes, shares, horizons, caps, goals, history, what is in place).
mod generated {
    use proptest::prelude::*;

    use super::*;

    fn district() -> impl Strategy<Value = (String, Option<(i32, u32)>)> {
        let history = proptest::collection::vec((0.0f64..0.3, 0.2f64..0.7), 0..4);
        (
            (100u32..120_000, 0.01f64..0.9, 1u8..=3, proptest::option::of(1u32..8)),
            (any::<bool>(), any::<bool>(), proptest::option::of(any::<bool>())),
            history,
            proptest::option::of((2024i32..2027, 1u32..=12)),
        )
            .prop_map(|((enrollment, el_share, years, cap), (reclass, ltel, network), history, start)| {
                let cap = cap.map_or(String::new(), |c| format!(", max_initiatives_per_stage: {c}"));
                let network = network.map_or(String::new(), |n| format!("leadership: (improvement_network: {n}),"));
                let history: Vec<String> = history
                    .iter()
                    .enumerate()
                    .map(|(i, (r, e))| {
                        format!("(year: \"{}-{:02}\", reclassification_rate: {r}, elpi_status: {e})", 2020 + i, 21 + i)
                    })
                    .collect();
                let source = format!(
                    "District(id: \"g\", name: \"G\", kind: Unified, data_year: \"2023-24\", enrollment: {enrollment}, \
                     students: (el_share: {el_share}), history: [{}], {network} \
                     resources: (horizon_years: {years}{cap}), goals: (raise_reclassification: {reclass}, reduce_ltel: {ltel}))",
                    history.join(", ")
                );
                (source, start)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn plans_keep_their_promises_in_time((source, start) in district()) {
            let path = std::path::Path::new("generated.ron");
            let district = District::parse(path, &source).expect("a generated district is valid");
            let plan = session().plan_dated(&district, path, start).expect("plans");
            let first = plan.first_month;
            let calendar_month = |m: u32| (first + m - 2) % 12 + 1;
            for s in plan.scheduled() {
                prop_assert!(s.start_month >= 1 && s.start_month <= s.end_month && s.end_month <= plan.horizon_months);
                let rule = rules().strategy(s.id).expect("a strategy");
                prop_assert!(s.duration_months >= 1 && s.duration_months <= rule.duration);
                if !rule.ongoing {
                    prop_assert!(s.end_month < s.start_month + s.duration_months, "{} runs past its duration", s.id);
                }
                for r in s.requires {
                    if let Some(before) = plan.scheduled().find(|x| x.id == r) {
                        let ready = before.start_month + before.duration_months - 1;
                        prop_assert!(ready < s.start_month, "{} starts before {} is done", s.id, r);
                    }
                }
                if rule.classroom {
                    let month = calendar_month(s.start_month);
                    prop_assert!(month != 6 && month != 7, "classroom work {} starts in month {}", s.id, month);
                }
                if let Some(event) = s.tied_to {
                    let event = rules().calendar.events.iter().find(|e| e.id == event).expect("an event");
                    let month = (first + s.start_month - 2) % 12 + 1;
                    let span = event.through.map_or(1, |t| (t + 12 - event.month) % 12 + 1);
                    prop_assert!((month + 12 - event.month) % 12 < span, "{} starts outside {}", s.id, event.id);
                }
            }
            // The first school year builds the plan: adoption in a June at
            // least five months after the start, inside the horizon when
            // it is two years or more.
            let adoption = plan.scheduled().find(|s| s.id == "plan_adoption");
            if plan.horizon_months >= 24 {
                let adoption = adoption.expect("a plan of two years or more is adopted");
                prop_assert_eq!(calendar_month(adoption.start_month), 6);
                prop_assert!(adoption.start_month >= 6, "adopted in month {}", adoption.start_month);
                if first == 8 {
                    prop_assert_eq!(adoption.start_month, 11, "an August plan adopts in its first June");
                    let evaluation = plan.scheduled().find(|s| s.id == "annual_evaluation").expect("evaluated");
                    prop_assert!((1..=3).contains(&calendar_month(evaluation.start_month)) && evaluation.start_month <= 24);
                }
            }
            for d in &plan.deferred {
                let rule = rules().strategy(d.id).expect("a strategy");
                prop_assert!(
                    !(rule.kind == StrategyKind::Process && d.reason == DeferReason::Capacity),
                    "{} is process and was deferred for capacity", d.id
                );
            }
            let again = session().plan_dated(&district, path, start).expect("plans");
            prop_assert_eq!(plan.to_json(), again.to_json(), "same input, same bytes");
        }
    }
}

/// A fixture's plan and its Markdown draft.
fn draft(name: &str) -> (Plan<'static>, String) {
    let path = fixture(name);
    drafted(&District::load(&path).expect("fixture"), &path)
}

/// A district's plan and its Markdown draft.
fn drafted(district: &District, path: &std::path::Path) -> (Plan<'static>, String) {
    let plan = session().plan(district, path).expect("plan");
    let text = session()
        .render(
            elplan::render::Format::Md,
            &plan,
            district,
            &Default::default(),
        )
        .expect("draft");
    (plan, text)
}

/// The plan of a fixture with `from` (which it must hold) replaced by `to`.
fn plan_with(name: &str, from: &str, to: &str) -> Plan<'static> {
    let path = fixture(name);
    let text = std::fs::read_to_string(&path).expect("fixture");
    assert!(text.contains(from), "{name} no longer holds {from}");
    let district = District::parse(&path, &text.replace(from, to)).expect("district");
    session().plan(&district, &path).expect("plan")
}

/// The assistance findings say which of the EL groups met the criteria
/// for assistance once: where English learners or their long-term ELs met
/// them, their own findings say so and the assistance finding does not
/// repeat it; the long-term EL finding adds that English learners as a
/// whole did not, and when they last did. Nothing says English learners
/// were not among the groups while their long-term ELs were.
#[test]
fn the_assistance_evidence_names_the_el_groups_that_met_the_criteria() {
    let latest = "(year: \"2024\", status: Differentiated, el_priorities: [], ltel_priorities: [])";
    let evidence = |row: &str, id: &str| {
        let plan = plan_with("cases/els-left-criteria", latest, row);
        plan.findings
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.evidence.clone())
    };
    let ltels_only =
        "(year: \"2024\", status: Differentiated, el_priorities: [], ltel_priorities: [4])";
    let assistance = evidence(ltels_only, "differentiated_assistance").expect("fires");
    assert!(
        !assistance.contains("English learners were"),
        "{assistance}"
    );
    assert!(!assistance.contains("about other groups"), "{assistance}");
    let ltel = evidence(ltels_only, "ltels_in_assistance").expect("fires");
    assert!(
        ltel.ends_with("in achievement (LCFF priority area 4); English learners as a whole did not, though they had on the 2023 Dashboard."),
        "{ltel}"
    );
    let both = "(year: \"2024\", status: Differentiated, el_priorities: [4], ltel_priorities: [4])";
    let assistance = evidence(both, "differentiated_assistance").expect("fires");
    assert!(
        !assistance.contains("English learners were"),
        "{assistance}"
    );
    let ltel = evidence(both, "ltels_in_assistance").expect("fires");
    assert!(!ltel.contains("as a whole"), "{ltel}");
    assert!(evidence(both, "els_in_assistance").is_some());
    let neither = evidence(latest, "differentiated_assistance").expect("fires");
    assert!(
        neither.contains("were not among the student groups that met the criteria for assistance, though they were on the 2023 Dashboard"),
        "{neither}"
    );
    assert!(!neither.contains("long-term"), "{neither}");
    // Without the 2023 criteria, nothing earlier to tell.
    let plan = plan_with(
        "cases/els-left-criteria",
        "(year: \"2023\", status: Differentiated, el_priorities: [4, 5])",
        "(year: \"2023\", status: Differentiated, el_priorities: [])",
    );
    let only_others = &plan
        .findings
        .iter()
        .find(|f| f.id == "differentiated_assistance")
        .expect("the assistance finding fires")
        .evidence;
    assert!(
        only_others.contains("were not among the student groups that met the criteria for assistance: that year's assistance is about other groups"),
        "{only_others}"
    );
}

/// The county office's work is worded for the district: inside the
/// assistance a district in it already has, and asked for where it is not
/// (`rationale_variants`, `first_test_variants`); where its English
/// learners met the criteria in suspension, the joint work starts there.
#[test]
fn the_county_office_work_is_worded_for_the_districts_assistance() {
    let county = |plan: &Plan<'_>| {
        let json = serde_json::to_value(plan).expect("plan as JSON");
        json["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .flat_map(|s| s["strategies"].as_array().cloned().unwrap_or_default())
            .find(|s| s["id"] == "county_office_partnership")
    };
    let text = |s: &serde_json::Value, key: &str| s[key].as_str().expect(key).to_string();
    let inside = plan("cases/els-in-assistance");
    let s = county(inside).expect("scheduled for a district in assistance");
    assert!(
        text(&s, "rationale").starts_with("The district is in differentiated assistance: this plan's English learner work belongs inside"),
        "{s}"
    );
    assert!(
        text(&s, "first_test").starts_with("At the next differentiated assistance meeting"),
        "{s}"
    );
    // Its English learners met the criteria in suspension (area 6) in 2024.
    let actions = s["actions"].to_string();
    assert!(
        actions.contains("starting with the suspensions behind the assistance criteria"),
        "{actions}"
    );
    // Out of assistance, with no lowest level to answer first: the
    // criteria met before (a low finding) get their place.
    let path = fixture("cases/els-left-criteria");
    let source = std::fs::read_to_string(&path)
        .expect("fixture")
        .replace("assistance: Differentiated,", "assistance: General,")
        .replace("el_lowest: [Ela, Math, ChronicAbsence]", "el_lowest: []");
    let district = District::parse(&path, &source).expect("district");
    let outside = session().plan(&district, &path).expect("plan");
    let s = county(&outside).expect("scheduled where English learners met the criteria before");
    assert!(
        text(&s, "rationale").starts_with("A district qualifies for differentiated assistance"),
        "{s}"
    );
    assert!(
        text(&s, "first_test").starts_with("Bring one finding of this draft"),
        "{s}"
    );
    let row = "(year: \"2024\", status: Differentiated, el_priorities: [], ltel_priorities: [])";
    let ltel = |priorities: &str| {
        let plan = plan_with(
            "cases/els-left-criteria",
            row,
            &format!("(year: \"2024\", status: Differentiated, el_priorities: [], ltel_priorities: {priorities})"),
        );
        county(&plan).expect("scheduled")["actions"].to_string()
    };
    assert!(ltel("[4, 6]").contains("starting with the suspensions"));
    assert!(!ltel("[4]").contains("suspensions"));
}

/// English learners at the lowest level in graduation are answered by a
/// review of their paths to graduation, and in chronic absence by the
/// outreach to families; neither answers the other, and with both red, both
/// are in the plan (each a finding of its own).
#[test]
fn the_lowest_level_in_graduation_or_attendance_gets_its_own_answer() {
    let lowest = "el_lowest: [Ela, Math, ChronicAbsence]";
    let considered = |levels: &str| {
        let plan = plan_with("cases/els-left-criteria", lowest, levels);
        let finding = if levels.contains("Graduation") {
            "els_lowest_graduation"
        } else {
            "els_lowest_engagement"
        };
        assert!(plan.fired(finding), "{levels}");
        let mut ids: BTreeSet<String> = plan.scheduled().map(|s| s.id.to_string()).collect();
        ids.extend(plan.also_considered.iter().map(|a| a.id.to_string()));
        ids
    };
    let graduation = considered("el_lowest: [Ela, Math, Graduation]");
    assert!(
        graduation.contains("graduation_pathway_review"),
        "{graduation:?}"
    );
    assert!(
        !graduation.contains("attendance_outreach"),
        "{graduation:?}"
    );
    let absence = considered(lowest);
    assert!(absence.contains("attendance_outreach"), "{absence:?}");
    assert!(
        !absence.contains("graduation_pathway_review"),
        "{absence:?}"
    );
    let path = fixture("cases/els-left-criteria");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let both = District::parse(
        &path,
        &text.replace(lowest, "el_lowest: [Ela, Math, ChronicAbsence, Graduation]"),
    )
    .expect("district");
    let plan = session().plan(&both, &path).expect("plan");
    assert!(plan.fired("els_lowest_engagement") && plan.fired("els_lowest_graduation"));
    for id in ["attendance_outreach", "graduation_pathway_review"] {
        assert!(
            plan.scheduled().any(|s| s.id == id),
            "{id} is not scheduled"
        );
    }
}

/// One fact, one finding: an ELPI that fell in the latest year is the
/// color finding's evidence where the Dashboard shows it in its two lowest
/// colors, and a finding of its own only where it does not.
#[test]
fn a_fall_in_english_progress_is_told_once() {
    let color = "elpi_color: Yellow";
    let plan = plan_with("cases/els-left-criteria", color, color);
    assert!(plan.fired("elpi_fell_last_year"));
    assert!(!plan.fired("elpi_color_low"));
    let orange = plan_with("cases/els-left-criteria", color, "elpi_color: Orange");
    assert!(!orange.fired("elpi_fell_last_year"));
    let evidence = &orange
        .findings
        .iter()
        .find(|f| f.id == "elpi_color_low")
        .expect("the color finding fires")
        .evidence;
    assert!(
        evidence.contains("down 2.0 points from 46.0 % in 2022-23"),
        "{evidence}"
    );
}

/// English learners who leave the assistance criteria in the year their
/// long-term ELs meet them, the first year the Dashboard reports
/// long-term ELs apart, have made no gain: the finding that says they
/// left the criteria does not fire.
#[test]
fn leaving_the_criteria_as_long_term_els_meet_them_is_no_gain() {
    let latest = "(year: \"2024\", status: Differentiated, el_priorities: [], ltel_priorities: [])";
    let plan = plan_with("cases/els-left-criteria", latest, latest);
    assert!(plan.fired("els_met_criteria_before"));
    let ltels = plan_with(
        "cases/els-left-criteria",
        latest,
        "(year: \"2024\", status: Differentiated, el_priorities: [], ltel_priorities: [4, 6])",
    );
    assert!(!ltels.fired("els_met_criteria_before"));
    assert!(ltels.fired("ltels_in_assistance"));
}

/// A long-term EL course fills a section only where there are enough
/// long-term ELs: with fewer than 40 in the district, the plan holds
/// conferences with each of them instead.
#[test]
fn a_handful_of_long_term_els_get_conferences_not_a_course() {
    let share = "ltel_share_of_els: 0.35,";
    let many = plan_with("cases/ltel-high-school", share, share);
    let ids = |plan: &Plan<'_>| -> BTreeSet<String> {
        plan.scheduled().map(|s| s.id.to_string()).collect()
    };
    // What the rules chose: scheduled, or considered for want of a place.
    let chosen = |plan: &Plan<'_>| -> BTreeSet<String> {
        let mut all = ids(plan);
        all.extend(plan.also_considered.iter().map(|a| a.id.to_string()));
        all
    };
    assert!(
        chosen(&many).contains("ltel_courses"),
        "{:?}",
        chosen(&many)
    );
    let few = plan_with(
        "cases/ltel-high-school",
        share,
        "ltel_share_of_els: 0.35, ltel_els_counted: 60,",
    );
    assert!(few.fired("high_ltel_rate"));
    assert!(!chosen(&few).contains("ltel_courses"), "{:?}", chosen(&few));
    assert!(
        ids(&few).contains("ltel_student_conferences"),
        "{:?}",
        ids(&few)
    );
}

/// A baseline from fewer students than the Dashboard's minimum group size
/// is a count, not a rate: the goal says how many students it rests on,
/// its target is each student's own, and the aim states another goal.
#[test]
fn a_baseline_from_too_few_students_sets_no_rate_target() {
    let from = "elpi_status: 0.41, elpi_takers: 1980";
    let path = fixture("cases/els-in-assistance");
    let text = std::fs::read_to_string(&path).expect("fixture");
    assert!(text.contains(from));
    let district = District::parse(
        &path,
        &text.replace(from, "elpi_status: 0.41, elpi_takers: 17"),
    )
    .expect("district");
    let (plan, text) = drafted(&district, &path);
    let elpi = plan
        .goals
        .iter()
        .find(|g| g.id == "elpi_status")
        .expect("goal");
    assert_eq!(elpi.baseline.as_ref().and_then(|b| b.students), Some(17));
    assert!(
        text.contains("41.0 % (2023-24; 17 students) | each student's own (see below)"),
        "{text}"
    );
    assert!(
        text.contains("rests on fewer than the 30 students"),
        "{text}"
    );
    let aim = &plan.driver_diagram.aim;
    assert!(!aim.contains("ELPI level"), "{aim}");
    // With the full group, the ELPI goal is the aim's, as a rate.
    let (full, _) = draft("cases/els-in-assistance");
    assert!(
        full.driver_diagram.aim.contains("ELPI level"),
        "{}",
        full.driver_diagram.aim
    );
}

/// A checklist question asks only what would decide something: the
/// home-language survey bears on the remedy for unmet requirements, not on
/// the reclassification work whose own requirement it cannot settle
/// (the strategies' `needs`).
#[test]
fn a_checklist_question_settles_only_what_it_can_decide() {
    let (plan, _) = draft("calli/mendota-unified");
    let row = plan
        .data_request
        .iter()
        .find(|r| r.field == "compliance.home_language_survey")
        .expect("the survey is asked for");
    assert_eq!(row.strategies, ["compliance_remedy"], "{row:?}");
    let criteria = plan
        .data_request
        .iter()
        .find(|r| r.field == "compliance.reclassification_criteria")
        .expect("the criteria are asked for");
    assert!(
        criteria
            .strategies
            .contains(&"reclassification_policy_update")
            && !criteria.strategies.contains(&"compliance_remedy"),
        "{criteria:?}"
    );
}

/// The appendix says why a finding did not fire where the rule base knows
/// more than "a threshold not reached": a finding for high schools does
/// not concern an elementary district (`applies_if`), and a fall the
/// Dashboard color's finding already states is named there (`covered_by`).
#[test]
fn the_appendix_says_which_findings_do_not_concern_the_district_or_are_said_above() {
    let (plan, text) = draft("cases/rural-assistance");
    let reason = |id: &str| {
        plan.not_fired
            .iter()
            .find(|f| f.id == id)
            .map(|f| (f.reason, f.said_by))
    };
    assert_eq!(
        reason("graduation_gap"),
        Some((NotFiredReason::NotApplicable, None))
    );
    assert_eq!(
        reason("elpi_fell_last_year"),
        Some((NotFiredReason::SaidBy, Some("elpi_color_low")))
    );
    assert_eq!(
        reason("large_district"),
        Some((NotFiredReason::NotReached, None))
    );
    let concern = text
        .split("- **Findings that do not concern ")
        .nth(1)
        .expect("a list of findings that do not concern the district");
    let concern = concern.split("\n- **").next().unwrap_or_default();
    assert!(
        concern.contains("graduate well below the state rate"),
        "{concern}"
    );
    assert!(!concern.contains("A large district"), "{concern}");
    assert!(
        text.contains("English-language progress fell 2 points or more in the latest year (in “English learner progress is red or orange on the Dashboard”)"),
        "{text}"
    );
    // Where English progress did not fall, the color's finding does not
    // state a fall: the finding is a threshold not reached, not said above.
    let path = fixture("cases/rural-assistance");
    let source = std::fs::read_to_string(&path).expect("fixture");
    let rose = source.replace("elpi_status: 0.35)", "elpi_status: 0.41)");
    assert_ne!(rose, source);
    let district = District::parse(&path, &rose).expect("district");
    let (rising, _) = drafted(&district, &path);
    let fell = rising
        .not_fired
        .iter()
        .find(|f| f.id == "elpi_fell_last_year")
        .map(|f| (f.reason, f.said_by));
    assert_eq!(fell, Some((NotFiredReason::NotReached, None)));
    // A district that graduates students has the graduation finding as its
    // own, fired or not reached.
    let (unified, _) = draft("calli/dinuba-unified");
    assert!(unified
        .not_fired
        .iter()
        .all(|f| f.reason != NotFiredReason::NotApplicable));
}

/// An action names the DELAC as the district's data settle it: required
/// with 51 or more English learners, not otherwise (`action_variants`),
/// and never "where the district has 51 or more" once the count is known.
#[test]
fn actions_name_the_delac_only_where_the_district_needs_one() {
    let mut both = [false, false];
    for name in all_fixtures() {
        let plan = plan(&name);
        let Some(count) = plan
            .derived
            .get("el_count")
            .and_then(|v| f64::try_from(v.clone()).ok())
        else {
            continue;
        };
        let json = serde_json::to_value(plan).expect("plan as JSON");
        let every: Vec<String> = json["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .flat_map(|s| s["strategies"].as_array().cloned().unwrap_or_default())
            .flat_map(|s| s["actions"].as_array().cloned().unwrap_or_default())
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
        for a in every.iter().filter(|a| a.contains("DELAC")) {
            assert!(
                !a.contains("where the district has 51 or more"),
                "{name}: {a}"
            );
            if count < 51.0 {
                assert!(a.contains("needs no DELAC"), "{name} ({count} ELs): {a}");
            }
        }
        // The annual evaluation reports to the committees the district has.
        let report = if count < 51.0 {
            "Report results to the board and the school ELACs, and revise the plan."
        } else {
            "Report results to the board, the DELAC and the school ELACs, and revise the plan."
        };
        both[usize::from(count < 51.0)] |= every.iter().any(|a| a == report);
    }
    assert_eq!(
        both,
        [true, true],
        "fixtures on both sides of 51 report to their committees"
    );
}

/// A reclassification rate three or more years older than the file's
/// newest data does not lead the plan: the finding weighs one severity
/// lower (`lower_if`), in the draft and in the selection.
#[test]
fn an_old_reclassification_rate_weighs_one_severity_lower() {
    let mut seen = [false, false];
    for name in all_fixtures() {
        let plan = plan(&name);
        let Some(finding) = plan
            .findings
            .iter()
            .find(|f| f.id == "reclassification_below_state")
        else {
            continue;
        };
        let dated = plan
            .derived
            .get("reclassification_dated")
            .is_some_and(|v| v.is_true());
        let expected = if dated {
            elplan::rulebase::rules::Severity::Medium
        } else {
            elplan::rulebase::rules::Severity::High
        };
        assert_eq!(finding.severity, expected, "{name}");
        seen[usize::from(dated)] = true;
    }
    assert_eq!(seen, [true, true], "fixtures with a recent and an old rate");
}

/// The section of what the district already has is headed as a question,
/// "May already be in place", where the file records nothing in place but
/// some scheduled steps may be; else "Already in place".
#[test]
fn the_in_place_heading_asks_where_the_file_does_not_say() {
    let mut seen = [false, false];
    for name in [
        "calli/mendota-unified",
        "cases/rural-assistance",
        "cases/no-history",
    ] {
        let (plan, text) = draft(name);
        let unsure =
            plan.in_place.is_empty() && plan.scheduled().any(|s| !s.check_in_place.is_empty());
        let heading = if unsure {
            "\n## May already be in place\n"
        } else {
            "\n## Already in place\n"
        };
        assert!(text.contains(heading), "{name}: {heading:?}");
        seen[usize::from(unsure)] = true;
    }
    assert_eq!(seen, [true, true], "both headings among the fixtures");
}

/// The summary names where English learners do as well as the state or
/// better: on the latest value from enough students to judge, beside the
/// state's value of the same year, saying when it slipped from the year
/// before; never a value the state has only for another year.
#[test]
fn the_summary_names_the_strengths_to_build_on() {
    let strengths = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("Where English learners do as well as the state or better"))
            .map(str::to_string)
    };
    let path = fixture("cases/complete-team");
    let source = std::fs::read_to_string(&path).expect("fixture");
    let with = |from: &str, to: &str| {
        assert!(source.contains(from), "the fixture no longer holds {from}");
        let district = District::parse(&path, &source.replace(from, to)).expect("district");
        strengths(&drafted(&district, &path).1)
    };
    let (_, text) = draft("cases/complete-team");
    assert_eq!(
        strengths(&text).as_deref(),
        Some("Where English learners do as well as the state or better, the strengths to build on: progress in English (ELPI status) 57.0 % in 2023-24, against 45.7 % statewide in 2024.")
    );
    // The ELA value (-58.5) is above the state's (-90.9, about 2019), and
    // the reclassification rate (15.0 %) above the state's of 2018: neither
    // is a year the district's value is from, so neither is named.
    assert!(!text.contains("-58.5 points from standard in 2023-24, against"));
    // From fewer students than the Dashboard's minimum, no strength.
    let small = "elpi_status: 0.57, el_ela_dfs: -58.5";
    assert_eq!(
        with(
            small,
            "elpi_status: 0.57, elpi_takers: 12, el_ela_dfs: -58.5"
        ),
        None
    );
    let slipped = with("elpi_status: 0.55,", "elpi_status: 0.61,").expect("a strength");
    assert!(
        slipped.ends_with("against 45.7 % statewide in 2024, though down from 61.0 % in 2022-23."),
        "{slipped}"
    );
    let below = with(small, "elpi_status: 0.40, el_ela_dfs: -58.5");
    assert_eq!(below, None);
    // Orange on the Dashboard: the color's finding states it, no strength.
    assert_eq!(with("elpi_color: Green", "elpi_color: Orange"), None);
}

/// Assistance for other groups than English learners names them, from the
/// state's file, instead of asking the county office which they were.
#[test]
fn assistance_for_other_groups_names_them() {
    // The assistance finding's evidence for the fixture with one entry of
    // its history replaced.
    let evidence = |from: &str, to: &str| {
        plan_with("cases/els-left-criteria", from, to)
            .findings
            .iter()
            .find(|f| f.id == "differentiated_assistance")
            .map(|f| f.evidence.clone())
            .expect("in assistance")
    };
    let latest =
        r#"(year: "2024", status: Differentiated, el_priorities: [], ltel_priorities: [])"#;
    let unnamed = evidence(latest, latest);
    assert!(
        unnamed.contains("ask the county office which groups"),
        "{unnamed}"
    );
    let named = evidence(
        latest,
        r#"(year: "2024", status: Differentiated, el_priorities: [], ltel_priorities: [], other_groups: [Disabilities, Homeless])"#,
    );
    assert!(
        named.contains("that year's assistance is about students with disabilities and students experiencing homelessness")
            && !named.contains("which groups"),
        "{named}"
    );
    // No group met the criteria on the latest Dashboard: the assistance
    // continues from the last one on which groups did, named.
    let continued = evidence(
        r#"(year: "2023", status: Differentiated, el_priorities: [4, 5]),
            (year: "2024", status: Differentiated, el_priorities: [], ltel_priorities: [])"#,
        r#"(year: "2023", status: Differentiated, el_priorities: [], other_groups: [Homeless]),
            (year: "2024", status: Differentiated, el_priorities: [], ltel_priorities: [], other_groups: [])"#,
    );
    assert!(
        continued.contains("the assistance continues from the 2023 Dashboard, on which the groups that did were students experiencing homelessness")
            && continued.contains("some of whom may belong to it"),
        "{continued}"
    );
}

/// A dated plan does not aim from a baseline more than three school years
/// older than its first year, as its goals table does not: the aim says
/// which way the goal moves and that the latest value sets the target.
#[test]
fn a_dated_aim_does_not_aim_from_a_baseline_too_old() {
    let undated = plan("cases/absent-from-recent");
    assert!(
        undated
            .driver_diagram
            .aim
            .contains("from 21.0 % in 2018-19"),
        "{}",
        undated.driver_diagram.aim
    );
    let dated = plan_dated("cases/absent-from-recent", 2026, 8);
    let aim = &dated.driver_diagram.aim;
    assert!(
        aim.contains("more English learners reclassified each year than the latest published value shows (21.0 % in 2018-19 is too old to aim from)"),
        "{aim}"
    );
}

/// The evaluation chapter names the years of assistance whose groups the
/// state's files do not give, one year among several included.
#[test]
fn the_years_of_assistance_without_their_groups_are_listed_whole() {
    let plan = plan("cases/left-assistance");
    let said: Vec<&str> = plan
        .chapters
        .iter()
        .flat_map(|c| c.now.iter().map(String::as_str))
        .filter(|s| s.starts_with("It was in differentiated assistance"))
        .collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("on the Dashboards of 2018, 2019 and 2023, not on the 2024 Dashboard; which student groups qualified it in 2018 is for the team to add"),
        "{}",
        said[0]
    );
}
