//! Any text as a strategies file beside the default rule base: a
//! diagnostic or a rule base, never a panic; a rule base that loads must
//! plan a district.
#![no_main]
use std::path::{Path, PathBuf};

use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;

/// One session for the run: its templates load once, its rules change.
fn session() -> &'static Mutex<elplan::Session> {
    static SESSION: OnceLock<Mutex<elplan::Session>> = OnceLock::new();
    SESSION.get_or_init(|| Mutex::new(elplan::Session::embedded().expect("defaults")))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut files = elplan::rulebase::files::RuleFiles::embedded();
    files
        .strategies
        .push((PathBuf::from("fuzz.ron"), text.to_string()));
    if let Ok(rules) = elplan::RuleBase::from_files(files) {
        let mut session = session().lock().expect("session");
        session.set_rules(rules);
        let path = Path::new("d.ron");
        let district = elplan::District::parse(
            path,
            "District(id: \"d\", name: \"D\", kind: Unified, enrollment: 900, students: (el_share: 0.5))",
        )
        .expect("district");
        let _ = session.plan(&district, path);
    }
});
