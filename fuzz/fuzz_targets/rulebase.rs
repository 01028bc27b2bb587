//! Any text as a strategies file beside the default rule base: a
//! diagnostic or a rule base, never a panic; a rule base that loads must
//! plan a district.
#![no_main]
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut files = elplan::rule_files::RuleFiles::embedded();
    files
        .strategies
        .push((PathBuf::from("fuzz.ron"), text.to_string()));
    if let Ok(rules) = elplan::RuleBase::from_files(files) {
        let path = Path::new("d.ron");
        let district = elplan::District::parse(
            path,
            "District(id: \"d\", name: \"D\", kind: Unified, enrollment: 900, students: (el_share: 0.5))",
        )
        .expect("district");
        let _ = elplan::engine::plan(&rules, &district, path);
    }
});
