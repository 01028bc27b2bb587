//! The domain behaviour of the default rule base, on the bundled fixtures:
//! for every finding and strategy of DOMAIN.md, a district where it fires
//! (or is chosen) and one where it does not.

use std::path::PathBuf;
use std::sync::OnceLock;

use elplan::plan::Reason;
use elplan::{engine, District, Plan, RuleBase};

fn rules() -> &'static RuleBase {
    static RULES: OnceLock<RuleBase> = OnceLock::new();
    RULES.get_or_init(|| RuleBase::embedded().expect("the default rule base loads"))
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("{name}.ron"))
}

fn plan(name: &str) -> Plan<'static> {
    let path = fixture(name);
    let district = District::load(&path).expect("fixture loads");
    engine::plan(rules(), &district, &path).expect("fixture plans")
}

fn all_fixtures() -> Vec<String> {
    let mut names = Vec::new();
    for group in ["calli", "elin", "cases"] {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(group);
        for entry in std::fs::read_dir(dir).expect("fixture directory") {
            let path = entry.expect("entry").path();
            let stem = path
                .file_stem()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            names.push(format!("{group}/{stem}"));
        }
    }
    names.sort();
    names
}

/// A scheduled strategy chosen by its own condition (not pulled in).
fn chosen(plan: &Plan<'_>, id: &str) -> bool {
    plan.scheduled()
        .any(|s| s.id == id && s.reason == Reason::Chosen)
}

macro_rules! finding {
    ($id:ident, fires: $yes:literal, not: $no:literal) => {
        mod $id {
            #[test]
            fn fires() {
                let plan = crate::plan($yes);
                assert!(
                    plan.fired(stringify!($id)),
                    "{} should fire on {}",
                    stringify!($id),
                    $yes
                );
            }

            #[test]
            fn does_not_fire() {
                let plan = crate::plan($no);
                assert!(
                    !plan.fired(stringify!($id)),
                    "{} should not fire on {}",
                    stringify!($id),
                    $no
                );
                assert!(
                    !plan.is_pending(stringify!($id)),
                    "{} should be decided on {}",
                    stringify!($id),
                    $no
                );
            }
        }
    };
}

mod findings {
    use crate::plan;

    finding!(high_el_concentration, fires: "calli/mendota-unified", not: "cases/complete-team");
    finding!(el_share_above_state, fires: "calli/mendota-unified", not: "calli/galt-joint-union-high");
    finding!(reclassification_below_state, fires: "cases/full-history", not: "cases/complete-team");
    finding!(reclassification_declining, fires: "cases/full-history", not: "cases/complete-team");
    finding!(weak_el_progress, fires: "cases/full-history", not: "cases/complete-team");
    finding!(academic_access_gap, fires: "cases/full-history", not: "cases/complete-team");
    finding!(high_ltel_rate, fires: "cases/ltel-high-school", not: "cases/complete-team");
    finding!(ltel_pipeline_risk, fires: "cases/ltel-high-school", not: "cases/complete-team");
    finding!(newcomer_influx, fires: "cases/newcomers", not: "cases/complete-team");
    finding!(outcome_data_gap, fires: "calli/mendota-unified", not: "cases/full-history");
    finding!(no_el_observation_data, fires: "cases/full-history", not: "elin/charter-organization");
    finding!(leadership_instability, fires: "cases/leadership-turnover", not: "cases/complete-team");
    finding!(incomplete_improvement_team, fires: "cases/leadership-turnover", not: "cases/complete-team");
    finding!(improvement_science_gap, fires: "cases/leadership-turnover", not: "cases/complete-team");
    finding!(el_expertise_gap, fires: "cases/leadership-turnover", not: "elin/charter-organization");
    finding!(coaching_capacity_gap, fires: "cases/full-history", not: "calli/fairfield-suisun-unified");
    finding!(bilingual_staffing_shortage, fires: "cases/dual-language-shortage", not: "cases/complete-team");
    finding!(family_engagement_gap, fires: "cases/leadership-turnover", not: "cases/complete-team");
    finding!(high_poverty, fires: "calli/mendota-unified", not: "calli/novato-unified");
    finding!(small_district_capacity, fires: "calli/mendota-unified", not: "calli/fairfield-suisun-unified");
    finding!(dual_language_ambition, fires: "elin/urban-district", not: "cases/complete-team");

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

/// A strategy chosen by its condition on one fixture and not on another.
macro_rules! strategy {
    ($id:ident, chosen: $yes:literal, not: $no:literal) => {
        mod $id {
            #[test]
            fn is_chosen() {
                let plan = crate::plan($yes);
                assert!(
                    crate::chosen(&plan, stringify!($id)),
                    "{} should be chosen on {}",
                    stringify!($id),
                    $yes
                );
            }

            #[test]
            fn is_not_chosen() {
                let plan = crate::plan($no);
                assert!(
                    !crate::chosen(&plan, stringify!($id)),
                    "{} should not be chosen on {}",
                    stringify!($id),
                    $no
                );
                assert!(
                    !plan.is_pending(stringify!($id)),
                    "{} should be decided on {}",
                    stringify!($id),
                    $no
                );
            }
        }
    };
    // Chosen always, and not scheduled where the district already has it.
    ($id:ident, always, in_place: $no:literal) => {
        mod $id {
            #[test]
            fn is_chosen_everywhere_it_is_not_in_place() {
                for name in crate::all_fixtures() {
                    let plan = crate::plan(&name);
                    if !plan.is_in_place(stringify!($id)) && !plan.is_deferred(stringify!($id)) {
                        assert!(
                            crate::chosen(&plan, stringify!($id)),
                            "{} should be chosen on {name}",
                            stringify!($id)
                        );
                    }
                }
            }

            #[test]
            fn is_not_scheduled_where_in_place() {
                let plan = crate::plan($no);
                assert!(
                    plan.is_in_place(stringify!($id)),
                    "{} should be in place on {}",
                    stringify!($id),
                    $no
                );
                assert_eq!(plan.stage_of(stringify!($id)), None);
            }
        }
    };
    // Chosen always, with no in-place condition: no fixture can leave it out.
    ($id:ident, always) => {
        mod $id {
            #[test]
            fn is_chosen_in_every_plan_as_it_has_no_in_place_condition() {
                for name in crate::all_fixtures() {
                    let plan = crate::plan(&name);
                    assert!(
                        crate::chosen(&plan, stringify!($id)) || plan.is_deferred(stringify!($id)),
                        "{} should be in every plan, missing on {name}",
                        stringify!($id)
                    );
                }
                let rule = crate::rules()
                    .strategy(stringify!($id))
                    .expect("strategy exists");
                assert!(rule.in_place_when.is_none());
            }
        }
    };
}

mod strategies {
    strategy!(form_improvement_team, always, in_place: "cases/complete-team");
    strategy!(district_leadership_team, always, in_place: "cases/complete-team");
    strategy!(leadership_continuity, chosen: "cases/leadership-turnover", not: "cases/complete-team");
    strategy!(expert_partnership, chosen: "cases/leadership-turnover", not: "cases/complete-team");
    strategy!(improvement_science_foundations, chosen: "cases/leadership-turnover", not: "cases/complete-team");
    strategy!(el_roadmap_study, always);
    strategy!(advisory_committees, chosen: "cases/leadership-turnover", not: "cases/complete-team");
    strategy!(protect_team_time, chosen: "cases/full-history", not: "cases/complete-team");
    strategy!(longitudinal_data_analysis, always);
    strategy!(ltel_identification, chosen: "cases/ltel-high-school", not: "cases/complete-team");
    strategy!(reclassification_audit, chosen: "cases/full-history", not: "cases/complete-team");
    strategy!(el_shadowing, chosen: "cases/full-history", not: "cases/complete-team");
    strategy!(classroom_observation_protocol, chosen: "cases/full-history", not: "cases/complete-team");
    strategy!(empathy_interviews, always);
    strategy!(policy_practice_review, always);
    strategy!(program_inventory, always);
    strategy!(staffing_audit, chosen: "cases/dual-language-shortage", not: "cases/complete-team");
    strategy!(family_voice, always);
    strategy!(root_cause_analysis, always);
    strategy!(right_size_problem, always);
    strategy!(driver_diagram, always);
    strategy!(el_goals_and_measures, always);
    strategy!(implementation_plan, always);
    strategy!(designated_eld_schedule, chosen: "cases/full-history", not: "cases/complete-team");
    strategy!(dual_language_expansion, chosen: "cases/dual-language-shortage", not: "cases/complete-team");
    strategy!(bilingual_teacher_pipeline, chosen: "cases/dual-language-shortage", not: "cases/complete-team");
    strategy!(newcomer_program, chosen: "cases/newcomers", not: "cases/complete-team");
    strategy!(ltel_courses, chosen: "cases/ltel-high-school", not: "cases/complete-team");
    strategy!(reclassification_policy_update, chosen: "cases/full-history", not: "cases/complete-team");
    strategy!(professional_learning_plan, always);
    strategy!(coaching_model, chosen: "cases/full-history", not: "cases/complete-team");
    strategy!(family_engagement_plan, always);
    strategy!(progress_monitoring_system, chosen: "cases/full-history", not: "cases/complete-team");
    strategy!(budget_alignment, always);
    strategy!(plan_adoption, always);
    strategy!(pdsa_cycles, always);
    strategy!(collaborative_coaching, always);
    strategy!(teacher_leader_model, chosen: "cases/full-history", not: "cases/complete-team");
    strategy!(improvement_network, chosen: "cases/no-history", not: "cases/full-history");
    strategy!(scale_decisions, always);
    strategy!(progress_reviews, always);
    strategy!(annual_evaluation, always);
    strategy!(sustainability_handoff, chosen: "cases/three-year-horizon", not: "cases/complete-team");
}

mod sequencing {
    use super::*;

    #[test]
    fn every_domain_strategy_has_its_stage_area_and_prerequisites() {
        let expected: &[(&str, &str, &str, &[&str])] = &[
            ("form_improvement_team", "launch", "leadership", &[]),
            ("district_leadership_team", "launch", "leadership", &[]),
            (
                "leadership_continuity",
                "launch",
                "leadership",
                &["district_leadership_team"],
            ),
            (
                "expert_partnership",
                "launch",
                "improvement",
                &["form_improvement_team"],
            ),
            (
                "improvement_science_foundations",
                "launch",
                "improvement",
                &["form_improvement_team"],
            ),
            (
                "el_roadmap_study",
                "launch",
                "learning",
                &["form_improvement_team"],
            ),
            ("advisory_committees", "launch", "family", &[]),
            (
                "protect_team_time",
                "launch",
                "leadership",
                &["district_leadership_team"],
            ),
            (
                "longitudinal_data_analysis",
                "assess",
                "data",
                &["form_improvement_team"],
            ),
            (
                "ltel_identification",
                "assess",
                "data",
                &["longitudinal_data_analysis"],
            ),
            (
                "reclassification_audit",
                "assess",
                "data",
                &["longitudinal_data_analysis"],
            ),
            (
                "el_shadowing",
                "assess",
                "instruction",
                &["el_roadmap_study"],
            ),
            (
                "classroom_observation_protocol",
                "assess",
                "instruction",
                &["form_improvement_team"],
            ),
            (
                "empathy_interviews",
                "assess",
                "improvement",
                &["form_improvement_team"],
            ),
            (
                "policy_practice_review",
                "assess",
                "leadership",
                &["form_improvement_team"],
            ),
            (
                "program_inventory",
                "assess",
                "instruction",
                &["policy_practice_review"],
            ),
            ("staffing_audit", "assess", "learning", &[]),
            ("family_voice", "assess", "family", &["advisory_committees"]),
            (
                "root_cause_analysis",
                "assess",
                "improvement",
                &["longitudinal_data_analysis", "empathy_interviews"],
            ),
            (
                "right_size_problem",
                "assess",
                "improvement",
                &["root_cause_analysis"],
            ),
            (
                "driver_diagram",
                "design",
                "improvement",
                &["right_size_problem"],
            ),
            (
                "el_goals_and_measures",
                "design",
                "data",
                &["driver_diagram"],
            ),
            (
                "implementation_plan",
                "design",
                "leadership",
                &["driver_diagram"],
            ),
            (
                "designated_eld_schedule",
                "design",
                "instruction",
                &["program_inventory"],
            ),
            (
                "dual_language_expansion",
                "design",
                "instruction",
                &[
                    "program_inventory",
                    "family_voice",
                    "bilingual_teacher_pipeline",
                ],
            ),
            (
                "bilingual_teacher_pipeline",
                "design",
                "learning",
                &["staffing_audit"],
            ),
            (
                "newcomer_program",
                "design",
                "instruction",
                &["program_inventory"],
            ),
            (
                "ltel_courses",
                "design",
                "instruction",
                &["ltel_identification"],
            ),
            (
                "reclassification_policy_update",
                "design",
                "data",
                &["reclassification_audit"],
            ),
            (
                "professional_learning_plan",
                "design",
                "learning",
                &["classroom_observation_protocol"],
            ),
            (
                "coaching_model",
                "design",
                "learning",
                &["professional_learning_plan"],
            ),
            (
                "family_engagement_plan",
                "design",
                "family",
                &["family_voice"],
            ),
            (
                "progress_monitoring_system",
                "design",
                "data",
                &["el_goals_and_measures"],
            ),
            (
                "budget_alignment",
                "design",
                "leadership",
                &["implementation_plan"],
            ),
            (
                "plan_adoption",
                "design",
                "leadership",
                &[
                    "implementation_plan",
                    "el_goals_and_measures",
                    "advisory_committees",
                ],
            ),
            (
                "pdsa_cycles",
                "implement",
                "improvement",
                &["driver_diagram", "el_goals_and_measures"],
            ),
            (
                "collaborative_coaching",
                "implement",
                "learning",
                &["expert_partnership", "pdsa_cycles"],
            ),
            (
                "teacher_leader_model",
                "implement",
                "learning",
                &["pdsa_cycles"],
            ),
            (
                "improvement_network",
                "implement",
                "improvement",
                &["pdsa_cycles"],
            ),
            (
                "scale_decisions",
                "implement",
                "improvement",
                &["pdsa_cycles"],
            ),
            (
                "progress_reviews",
                "implement",
                "data",
                &["progress_monitoring_system"],
            ),
            ("annual_evaluation", "implement", "data", &["plan_adoption"]),
            (
                "sustainability_handoff",
                "implement",
                "learning",
                &["teacher_leader_model"],
            ),
        ];
        for (id, stage, area, requires) in expected {
            let s = rules()
                .strategy(id)
                .unwrap_or_else(|| panic!("strategy {id} exists"));
            assert_eq!((s.stage.as_str(), s.area.as_str()), (*stage, *area), "{id}");
            assert_eq!(s.requires, *requires, "{id}");
        }
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
                            plan.is_in_place(r),
                            "{name}: {r} needed by {} is neither scheduled nor in place",
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
        assert_eq!(pending.missing, ["students.ltel_share_of_els"]);
        assert_eq!(plan.stage_of("ltel_courses"), None);
    }

    #[test]
    fn the_stage_cap_is_respected_and_the_rest_deferred() {
        let plan = plan("cases/tight-cap");
        for stage in &plan.stages {
            assert!(
                stage.strategies.len() <= 3,
                "{} holds {}",
                stage.id,
                stage.strategies.len()
            );
        }
        assert!(!plan.deferred.is_empty());
        assert_eq!(plan.horizon_months, 12);
    }

    #[test]
    fn stages_cover_the_horizon_in_order() {
        let plan = plan("cases/three-year-horizon");
        let months: Vec<(u32, u32)> = plan
            .stages
            .iter()
            .map(|s| (s.start_month, s.end_month))
            .collect();
        assert_eq!(months, [(1, 5), (6, 14), (15, 23), (24, 36)]);
        let ids: Vec<&str> = plan.stages.iter().map(|s| s.id).collect();
        assert_eq!(ids, ["launch", "assess", "design", "implement"]);
    }
}

mod rule_base {
    use super::rules;

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
    fn every_domain_finding_has_its_area() {
        let expected = [
            ("high_el_concentration", "instruction"),
            ("el_share_above_state", "data"),
            ("reclassification_below_state", "data"),
            ("reclassification_declining", "data"),
            ("weak_el_progress", "data"),
            ("academic_access_gap", "instruction"),
            ("high_ltel_rate", "instruction"),
            ("ltel_pipeline_risk", "instruction"),
            ("newcomer_influx", "instruction"),
            ("outcome_data_gap", "data"),
            ("no_el_observation_data", "data"),
            ("leadership_instability", "leadership"),
            ("incomplete_improvement_team", "leadership"),
            ("improvement_science_gap", "improvement"),
            ("el_expertise_gap", "learning"),
            ("coaching_capacity_gap", "learning"),
            ("bilingual_staffing_shortage", "learning"),
            ("family_engagement_gap", "family"),
            ("high_poverty", "family"),
            ("small_district_capacity", "leadership"),
            ("dual_language_ambition", "instruction"),
        ];
        for (id, area) in expected {
            let finding = rules()
                .finding(id)
                .unwrap_or_else(|| panic!("finding {id} exists"));
            assert_eq!(finding.area, area, "{id}");
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
}

mod coverage {
    use super::*;
    use elplan::condition::Truth;
    use elplan::engine::{self, FindingOutcome};

    /// Every finding fires, and every strategy's condition holds, on at
    /// least one bundled fixture: no rule of the default base is dead.
    #[test]
    fn every_rule_fires_on_some_fixture() {
        let rules = rules();
        let mut fired = vec![false; rules.findings.len()];
        let mut chosen = vec![false; rules.strategies.len()];
        for name in all_fixtures() {
            let path = fixture(&name);
            let district = District::load(&path).expect("fixture");
            let evaluation = engine::evaluate(rules, &district, &path).expect("evaluates");
            for (i, outcome) in evaluation.findings.iter().enumerate() {
                fired[i] |= matches!(outcome, FindingOutcome::Fired(_));
            }
            for (i, outcome) in evaluation.strategies.iter().enumerate() {
                chosen[i] |= outcome.when == Truth::True;
            }
        }
        let dead: Vec<&str> = rules
            .findings
            .iter()
            .zip(&fired)
            .filter(|(_, &f)| !f)
            .map(|(f, _)| f.rule.id.as_str())
            .chain(
                rules
                    .strategies
                    .iter()
                    .zip(&chosen)
                    .filter(|(_, &c)| !c)
                    .map(|(s, _)| s.rule.id.as_str()),
            )
            .collect();
        assert!(dead.is_empty(), "rules that fire on no fixture: {dead:?}");
        assert!(rules.findings.len() >= 30 && rules.strategies.len() >= 60);
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
