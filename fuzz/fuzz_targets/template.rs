//! Any text as the Markdown plan template, beside the other default
//! templates, rendered for a planned district: a diagnostic or a document of
//! bounded size, never a panic, an abort or a hang.
#![no_main]
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;

use elplan::render::{Format, RenderOptions, Renderer};

const DISTRICT: &str = "District(id: \"full\", name: \"F | <b>\", kind: High, enrollment: 5000, schools: 4, \
     students: (el_share: 0.3, ever_el_share: 0.5, ltel_share_of_els: 0.3, languages: [(name: \"Spanish\", share_of_els: 0.9)]), \
     history: [(year: \"2021-22\", reclassification_rate: 0.1, elpi_status: 0.4), (year: \"2022-23\", reclassification_rate: 0.08)], \
     leadership: (improvement_science: Novice, improvement_team: [Teachers], partners: []), \
     goals: (expand_dual_language_to: 2))";

/// One session for the run: its rules load once, its templates change.
fn session() -> &'static Mutex<elplan::Session> {
    static SESSION: OnceLock<Mutex<elplan::Session>> = OnceLock::new();
    SESSION.get_or_init(|| Mutex::new(elplan::Session::embedded().expect("defaults")))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let origin = PathBuf::from("fuzz");
    let mut files = Renderer::embedded_files(&origin);
    if let Some(slot) = files.iter_mut().find(|(_, name, _)| name == "plan.md.j2") {
        slot.2 = text.to_string();
    }
    let Ok(renderer) = Renderer::from_files(origin, files) else {
        return;
    };
    let mut session = session().lock().expect("session");
    session.set_renderer(renderer);
    let path = Path::new("d.ron");
    let district = elplan::District::parse(path, DISTRICT).expect("district");
    let plan = session.plan(&district, path).expect("plan");
    if let Ok(out) = session.render(Format::Md, &plan, &district, &RenderOptions::default()) {
        assert!(out.len() <= elplan::limits::MAX_OUTPUT_BYTES);
    }
});
