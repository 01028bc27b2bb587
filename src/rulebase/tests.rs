//! The built-in rule base, which start-up trusts, checked as a rule base
//! read from files is.

use super::*;

/// Without the cache the built-in rules are parsed, checked and compiled
/// whole (every leaf and template, the size limits): what a run with the
/// cache skips must hold.
#[test]
fn the_built_in_rules_pass_every_check() {
    let files = RuleFiles::embedded();
    assert!(
        files.cached().is_some(),
        "the build script cached the rules"
    );
    if let Err(problems) = RuleBase::build(files, None) {
        panic!("{problems:?}");
    }
}

/// The names a leaf reads, from elplan's one parse, are minijinja's own.
#[test]
fn leaf_names_are_minijinjas() {
    let files = RuleFiles::embedded();
    let locate = validate::Locator::new(&files);
    let rules = validate::validate(&files, None, &locate).expect("valid");
    let split = compile::compile(&rules, &locate, "embedded", None).expect("compiles");
    let env = minijinja::Environment::new();
    assert!(split.conditions.leaves.sources.len() > 300);
    for (source, form) in split
        .conditions
        .leaves
        .sources
        .iter()
        .zip(&split.conditions.leaves.forms)
    {
        let expected = env
            .compile_expression(source)
            .expect("compiles")
            .undeclared_variables(true);
        let names: std::collections::HashSet<String> = form.names.iter().cloned().collect();
        assert_eq!(names, expected, "{source}");
    }
}

/// What the build script cached is what compiling at run time gives.
#[test]
fn the_cached_conditions_are_the_ones_cut_at_run_time() {
    let files = RuleFiles::embedded();
    let locate = validate::Locator::new(&files);
    let (parsed, known) = files.cached().expect("cached");
    let rules = validate::validate(&files, Some(parsed), &locate).expect("valid");
    let lazy = compile::compile(&rules, &locate, "embedded", Some(known)).expect("compiles");
    let eager = compile::compile(&rules, &locate, "embedded", None).expect("compiles");
    // The names the build script found are minijinja's own.
    assert_eq!(lazy.evidence_names, eager.evidence_names);
    // The conditions the build script cut are the ones cut at run time.
    assert_eq!(
        lazy.conditions.leaves.sources,
        eager.conditions.leaves.sources
    );
    let skeleton = |s: &compile::Split| {
        let c = &s.conditions;
        format!(
            "{:?}",
            (
                &c.derived,
                &c.findings,
                &c.when,
                &c.in_place,
                &c.requirements,
                &c.batch
            )
        )
    };
    assert_eq!(skeleton(&lazy), skeleton(&eager));
    for (a, b) in lazy
        .conditions
        .leaves
        .forms
        .iter()
        .zip(&eager.conditions.leaves.forms)
    {
        assert_eq!(a.names, b.names);
        let rest = |f: &crate::condition::Form| format!("{:?}", (&f.constant, f.strict, &f.native));
        assert_eq!(rest(a), rest(b));
    }
}

/// A trusted rule base (cached, each leaf compiled when first evaluated)
/// plans every fixture exactly as the same rules compiled whole at load.
#[test]
fn the_cached_rule_base_plans_as_the_one_compiled_whole() {
    let session = |rules| {
        let renderer = crate::render::Renderer::embedded().expect("templates");
        crate::session::Session::new(rules, renderer)
    };
    let cached = session(RuleBase::embedded().expect("rules"));
    let whole = session(RuleBase::build(RuleFiles::embedded(), None).expect("rules"));
    let mut planned = 0;
    for dir in ["fixtures/cases", "fixtures/calli"] {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("fixtures")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .collect();
        files.sort();
        for file in files {
            let district = crate::district::District::load(&file).expect("district");
            let a = cached.plan(&district, &file).expect("plan").to_json();
            let b = whole.plan(&district, &file).expect("plan").to_json();
            assert!(a == b, "{} plans differently", file.display());
            planned += 1;
        }
    }
    assert!(planned > 30, "{planned} fixtures");
}
