//! Any text as a finding's condition and evidence in a small rule base,
//! evaluated for a full and a sparse district: an error or a plan, never a
//! panic or a hang.
#![no_main]
use std::path::{Path, PathBuf};

use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;

/// One session for the run: its templates load once, its rules change.
fn session() -> &'static Mutex<elplan::Session> {
    static SESSION: OnceLock<Mutex<elplan::Session>> = OnceLock::new();
    SESSION.get_or_init(|| Mutex::new(elplan::Session::embedded().expect("defaults")))
}
use serde::Serialize;

#[derive(Serialize)]
struct Finding<'a> {
    id: &'a str,
    title: &'a str,
    area: &'a str,
    severity: Severity,
    when: &'a str,
    evidence: &'a str,
    sources: Vec<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum Severity {
    Medium,
}

const DISTRICTS: [&str; 2] = [
    "District(id: \"sparse\", name: \"S\", kind: Unified, enrollment: 900, students: (el_share: 0.5))",
    "District(id: \"full\", name: \"F\", kind: High, enrollment: 5000, schools: 4, students: (el_share: 0.3, \
     ever_el_share: 0.5, ltel_share_of_els: 0.3, languages: [(name: \"Spanish\", share_of_els: 0.9)]), \
     history: [(year: \"2021-22\", reclassification_rate: 0.1, elpi_status: 0.4), (year: \"2022-23\", reclassification_rate: 0.08)], \
     leadership: (improvement_science: Novice, improvement_team: [Teachers], partners: []), \
     goals: (expand_dual_language_to: 2))",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (when, evidence) = text.split_once('\n').unwrap_or((text, "x"));
    let finding = Finding {
        id: "fuzzed",
        title: "Fuzzed",
        area: "data",
        severity: Severity::Medium,
        when,
        evidence,
        sources: vec!["fuzz"],
    };
    let Ok(findings) = ron::to_string(&vec![finding]) else {
        return;
    };
    let mut files = elplan::rulebase::files::RuleFiles::embedded();
    if let Some(slot) = files
        .singles
        .iter_mut()
        .find(|(p, _)| p.ends_with("findings.ron"))
    {
        slot.1 = findings;
    }
    files.strategies = vec![(
        PathBuf::from("fuzz.ron"),
        "[(id: \"s\", title: \"S\", area: \"data\", stage: \"launch\", leverage: 3, principle: 1, when: \"findings.fuzzed\", \
         rationale: \"r\", actions: [\"a\", \"b\"], owners: [\"o\"], first_test: \"t\", measures: [(kind: process, text: \"m\")], sources: [\"s\"])]"
            .to_string(),
    )];
    let Ok(rules) = elplan::RuleBase::from_files(files) else {
        return;
    };
    let mut session = session().lock().expect("session");
    session.set_rules(rules);
    for source in DISTRICTS {
        let path = Path::new("d.ron");
        let district = elplan::District::parse(path, source).expect("district");
        let _ = session.plan(&district, path);
    }
});
