//! Any text as a district's team decisions (`decisions: …` at the end of
//! a bundled district file): a diagnostic or a plan, never a panic. Every
//! diagnostic about a decision has its line and column, every id the
//! district keeps has its place in the file (so an id named twice is
//! always found), and every warning about a decision points at it.
#![no_main]
use std::path::Path;
use std::sync::OnceLock;

use elplan::decisions::Section;
use libfuzzer_sys::fuzz_target;

const BASE: &str = include_str!("../../fixtures/calli/mendota-unified.ron");

fn session() -> &'static elplan::Session {
    static SESSION: OnceLock<elplan::Session> = OnceLock::new();
    SESSION.get_or_init(|| elplan::Session::embedded().expect("default rules and templates"))
}

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.ron");
    let Ok(decisions) = std::str::from_utf8(data) else {
        return;
    };
    let body = BASE
        .trim_end()
        .strip_suffix(')')
        .expect("a district ends with )");
    let text = format!("{body}    decisions: {decisions},\n)\n");
    let placed = |d: &elplan::Diagnostic| {
        assert!(
            !d.message.starts_with("decisions.") || d.position.is_some(),
            "no place: {d}"
        );
    };
    let district = match elplan::District::parse(path, &text) {
        Ok(district) => district,
        Err(diagnostics) => {
            diagnostics.0.iter().for_each(placed);
            return;
        }
    };
    let places = &district.decisions.places;
    for id in district.decisions.strategies.keys() {
        assert!(places.get(Section::Strategies, id).is_some(), "{id} has no place");
    }
    for id in district.decisions.findings.keys() {
        assert!(places.get(Section::Findings, id).is_some(), "{id} has no place");
    }
    match session().plan(&district, path) {
        Ok(plan) => {
            for warning in &plan.warnings {
                assert!(warning.line.is_some(), "{}", warning.message);
            }
            let _ = plan.to_json();
        }
        Err(diagnostic) => placed(&diagnostic),
    }
});
