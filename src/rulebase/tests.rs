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
    assert!(split.leaf_sources.len() > 300);
    for (source, form) in split.leaf_sources.iter().zip(&split.forms) {
        let expected = env
            .compile_expression(source)
            .expect("compiles")
            .undeclared_variables(true);
        assert_eq!(form.names, expected, "{source}");
    }
}

/// A trusted rule base compiles a leaf when it is first evaluated, with
/// the result an eager one gives.
#[test]
fn lazy_leaves_evaluate_as_eager_ones() {
    let files = RuleFiles::embedded();
    let locate = validate::Locator::new(&files);
    let (parsed, known) = files.cached().expect("cached");
    let rules = validate::validate(&files, Some(parsed), &locate).expect("valid");
    let lazy = compile::compile(&rules, &locate, "embedded", Some(known)).expect("compiles");
    let eager = compile::compile(&rules, &locate, "embedded", None).expect("compiles");
    // The names the build script found are minijinja's own.
    assert_eq!(lazy.evidence_names, eager.evidence_names);
    // The conditions the build script cut are the ones cut at run time.
    assert_eq!(lazy.leaf_sources, eager.leaf_sources);
    let skeleton = |s: &compile::Split| {
        format!(
            "{:?}",
            (
                &s.derived,
                &s.findings,
                &s.when,
                &s.in_place,
                &s.requirements
            )
        )
    };
    assert_eq!(skeleton(&lazy), skeleton(&eager));
    for (a, b) in lazy.forms.iter().zip(&eager.forms) {
        assert_eq!(a.names, b.names);
        let rest = |f: &crate::condition::Form| format!("{:?}", (&f.constant, f.strict, &f.native));
        assert_eq!(rest(a), rest(b));
    }
    let scope = minijinja::context! {};
    for leaf in 0..lazy.leaf_sources.len() {
        let a = lazy
            .compiled
            .eval(leaf, scope.clone())
            .map_err(|e| e.kind());
        let b = eager
            .compiled
            .eval(leaf, scope.clone())
            .map_err(|e| e.kind());
        assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "{}",
            lazy.leaf_sources[leaf]
        );
    }
}
